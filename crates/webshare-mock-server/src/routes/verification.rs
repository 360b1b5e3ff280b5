//! *Account Verification*: flows with evidence (uploaded as `multipart/form-data`, checked against the
//! form the spec declares) and security codes, questions, appeals, abuse reports, the suspension, and the
//! categories, limits and thresholds. Open flows come from `MockServer::open_verification`.

use axum::Json;
use axum::extract::{Multipart, OriginalUri, State};
use axum::http::{HeaderMap, StatusCode};
use webshare_api::operations::{
    AnswerVerificationQuestion, CreateVerificationAppeal, GetVerificationCategories,
    GetVerificationFlow, GetVerificationLimits, GetVerificationSuspension,
    GetVerificationThresholds, ListAbuseReports, ListVerificationAppeals, ListVerificationFlows,
    ListVerificationQuestions, SubmitVerificationCode, SubmitVerificationEvidence,
};
use webshare_api::{Endpoint, types};

use super::common::lock;
use super::proxies::{PageWindow, not_found};
use crate::Shared;
use crate::auth::User;
use crate::error::ApiError;
use crate::params::Params;
use crate::state::{UserId, now};
use crate::validate::{Fields, JsonObject};
use crate::verification_state::{CATEGORIES, Verification};

fn with<T>(
    app: &Shared,
    user: UserId,
    read: impl FnOnce(&Verification) -> T,
) -> Result<T, ApiError> {
    let data = lock(app);
    Ok(read(&data.account(user)?.verification))
}

pub(super) async fn list_flows(
    State(app): State<Shared>,
    User(user, _): User,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Params(q): Params<ListVerificationFlows>,
) -> Result<Json<types::VerificationFlowPage>, ApiError> {
    let flows = with(&app, user, |v| {
        v.flows.iter().rev().cloned().collect::<Vec<_>>()
    })?;
    let p = PageWindow::page(&flows, q.page, q.page_size, &headers, &uri)?;
    Ok(Json(super::proxies::page_of!(VerificationFlowPage, p)))
}

pub(super) async fn get_flow(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<GetVerificationFlow>,
) -> Result<Json<types::VerificationFlow>, ApiError> {
    with(&app, user, |v| {
        v.flows.iter().find(|f| f.id == q.id).cloned()
    })?
    .map(Json)
    .ok_or_else(not_found)
}

/// A multipart form's text fields and files, read within the route's body limit and checked against the
/// fields the spec declares for the operation (names, required ones, repetition, media types, sizes).
struct Form {
    texts: Vec<(String, String)>,
    files: Vec<(String, String)>,
}

async fn read_form(
    operation: &webshare_api::Operation,
    mut form: Multipart,
) -> Result<Form, ApiError> {
    let mut fields = Form {
        texts: Vec::new(),
        files: Vec::new(),
    };
    let bad = |field: &str, message: String| ApiError::field(field, message, "invalid");
    while let Some(mut part) = form.next_field().await.map_err(|e| {
        bad(
            "non_field_errors",
            format!("The form could not be read: {e}."),
        )
    })? {
        let name = part.name().unwrap_or_default().to_owned();
        let Some(spec) = operation.form.iter().find(|f| f.name == name) else {
            return Err(bad(&name, format!("`{name}` is not a field of this form.")));
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = part
            .chunk()
            .await
            .map_err(|e| bad(&name, format!("The upload could not be read: {e}.")))?
        {
            bytes.extend_from_slice(&chunk);
            if spec.max_bytes().is_some_and(|max| bytes.len() as u64 > max) {
                return Err(bad(&name, "The file is larger than allowed.".into()));
            }
        }
        let seen = fields
            .texts
            .iter()
            .chain(&fields.files)
            .any(|(n, _)| *n == name);
        if seen && !spec.repeated {
            return Err(bad(&name, format!("`{name}` may be sent once.")));
        }
        if matches!(spec.kind, webshare_api::FormFieldKind::File { .. }) {
            let file_name = part.file_name().unwrap_or_default().to_owned();
            let media = part
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_owned();
            if file_name.is_empty() {
                return Err(bad(&name, "Send a file (a part with a filename).".into()));
            }
            if !spec.accepts(&media) {
                return Err(bad(
                    &name,
                    format!("Files of type {media} are not accepted."),
                ));
            }
            fields.files.push((name, file_name));
        } else {
            let text =
                String::from_utf8(bytes).map_err(|_| bad(&name, "Not valid UTF-8.".into()))?;
            fields.texts.push((name, text));
        }
    }
    for spec in operation.form.iter().filter(|f| f.required) {
        if !fields
            .texts
            .iter()
            .chain(&fields.files)
            .any(|(n, _)| n == spec.name)
        {
            return Err(ApiError::field(
                spec.name,
                "This field is required.",
                "required",
            ));
        }
    }
    Ok(fields)
}

impl Form {
    fn text(&self, name: &str) -> Option<&str> {
        self.texts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.as_str())
    }

    /// The files as the API lists them (stored under `directory/`).
    fn stored(
        &self,
        directory: &str,
        next_id: &mut i64,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Vec<types::VerificationFile> {
        self.files
            .iter()
            .map(|(_, file_name)| {
                *next_id += 1;
                types::VerificationFile {
                    id: *next_id,
                    file: Some(format!(
                        "{directory}/{}",
                        file_name.replace(['/', '\\'], "_")
                    )),
                    created_at: Some(now),
                }
            })
            .collect()
    }
}

pub(super) async fn submit_evidence(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<SubmitVerificationEvidence>,
    form: Multipart,
) -> Result<Json<types::VerificationFlow>, ApiError> {
    let form = read_form(SubmitVerificationEvidence::OPERATION, form).await?;
    let explanation = form
        .text("explanation")
        .map(str::trim)
        .filter(|t| !t.is_empty());
    if explanation.is_none() && form.files.is_empty() {
        return Err(ApiError::field(
            "non_field_errors",
            "Send an explanation, files, or both.",
            "required",
        ));
    }
    let now = now();
    let mut data = lock(&app);
    let mut next = data.next_record_id;
    let flows = &mut data.account_mut(user)?.verification.flows;
    let flow = flows
        .iter_mut()
        .find(|f| f.id == q.id)
        .ok_or_else(not_found)?;
    if flow.state.as_deref() != Some("inflow") || flow.needs_evidence != Some(true) {
        return Err(ApiError::field(
            "non_field_errors",
            "This verification takes no evidence now.",
            "invalid",
        ));
    }
    next += 1;
    flow.evidence = Some(types::VerificationEvidence {
        id: next,
        explanation: explanation.map(str::to_owned),
        created_at: Some(now),
        updated_at: Some(now),
        files: Some(form.stored("verificationevidence", &mut next, now)),
    });
    flow.needs_evidence = Some(false);
    flow.updated_at = Some(now);
    let answer = flow.clone();
    data.next_record_id = next;
    Ok(Json(answer))
}

pub(super) async fn submit_code(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<SubmitVerificationCode>,
    JsonObject(body): JsonObject,
) -> Result<Json<types::VerificationFlow>, ApiError> {
    let mut fields = Fields::new(&body);
    let code = fields.string_up_to("security_code", 2).to_owned();
    fields.finish()?;
    let now = now();
    let mut data = lock(&app);
    let verification = &mut data.account_mut(user)?.verification;
    let flow = verification
        .flows
        .iter()
        .find(|f| f.id == q.id)
        .ok_or_else(not_found)?;
    let expected = verification
        .codes
        .iter()
        .find(|(id, _)| *id == q.id)
        .map(|(_, c)| c.clone());
    let Some(expected) = expected.filter(|_| flow.state.as_deref() == Some("inflow")) else {
        return Err(ApiError::field(
            "security_code",
            "This verification takes no security code now.",
            "invalid",
        ));
    };
    if !expected.expose().eq_ignore_ascii_case(&code) {
        return Err(ApiError::field(
            "security_code",
            "The security code is not correct.",
            "invalid",
        ));
    }
    verification.decide(q.id, true, now);
    let flow = verification
        .flows
        .iter()
        .find(|f| f.id == q.id)
        .cloned()
        .ok_or_else(not_found)?;
    Ok(Json(flow))
}

pub(super) async fn list_questions(
    State(app): State<Shared>,
    User(user, _): User,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Params(q): Params<ListVerificationQuestions>,
) -> Result<Json<types::VerificationQuestionPage>, ApiError> {
    let questions = with(&app, user, |v| {
        let flow = |question: &types::VerificationQuestion| {
            v.flows
                .iter()
                .find(|f| Some(f.id) == question.flow)
                .cloned()
        };
        v.questions
            .iter()
            .rev()
            .filter(|x| {
                q.flow_type
                    .is_none_or(|t| flow(x).and_then(|f| f.type_) == Some(t.to_string()))
            })
            .filter(|x| {
                q.flow_state
                    .is_none_or(|s| flow(x).and_then(|f| f.state) == Some(s.to_string()))
            })
            .filter(|x| {
                q.answer_isnull
                    .is_none_or(|null| x.answer.is_none() == null)
            })
            .filter(|x| {
                let started = flow(x).and_then(|f| f.started_at);
                q.flow_started_at_gte
                    .is_none_or(|t| started.is_some_and(|s| s >= t))
                    && q.flow_started_at_lte
                        .is_none_or(|t| started.is_some_and(|s| s <= t))
            })
            .filter(|x| {
                q.question
                    .as_ref()
                    .is_none_or(|t| x.question.as_ref() == Some(t))
            })
            .filter(|x| {
                q.answer_answer
                    .as_ref()
                    .is_none_or(|t| x.answer.as_ref().and_then(|a| a.answer.as_ref()) == Some(t))
            })
            .cloned()
            .collect::<Vec<_>>()
    })?;
    let p = PageWindow::page(&questions, q.page, q.page_size, &headers, &uri)?;
    Ok(Json(super::proxies::page_of!(VerificationQuestionPage, p)))
}

pub(super) async fn answer(
    State(app): State<Shared>,
    User(user, _): User,
    Params(q): Params<AnswerVerificationQuestion>,
    form: Multipart,
) -> Result<Json<types::VerificationAnswer>, ApiError> {
    let form = read_form(AnswerVerificationQuestion::OPERATION, form).await?;
    let text = form
        .text("answer")
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    if text.is_empty() {
        return Err(ApiError::field(
            "answer",
            "This field may not be blank.",
            "blank",
        ));
    }
    let now = now();
    let mut data = lock(&app);
    let mut next = data.next_record_id;
    let questions = &mut data.account_mut(user)?.verification.questions;
    let question = questions
        .iter_mut()
        .find(|x| x.id == q.id)
        .ok_or_else(not_found)?;
    if question.answer.is_some() {
        return Err(ApiError::field(
            "non_field_errors",
            "This question is already answered.",
            "invalid",
        ));
    }
    next += 1;
    let answer = types::VerificationAnswer {
        id: next,
        answer: Some(text),
        created_at: Some(now),
        updated_at: Some(now),
        files: Some(form.stored("verificationanswer", &mut next, now)),
    };
    question.answer = Some(answer.clone());
    question.updated_at = Some(now);
    data.next_record_id = next;
    Ok(Json(answer))
}

pub(super) async fn list_appeals(
    State(app): State<Shared>,
    User(user, _): User,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Params(q): Params<ListVerificationAppeals>,
) -> Result<Json<types::VerificationAppealPage>, ApiError> {
    let appeals = with(&app, user, |v| {
        v.appeals
            .iter()
            .rev()
            .filter(|a| {
                q.state
                    .is_none_or(|s| a.state.as_deref() == Some(&s.to_string()))
            })
            .cloned()
            .collect::<Vec<_>>()
    })?;
    let p = PageWindow::page(&appeals, q.page, q.page_size, &headers, &uri)?;
    Ok(Json(super::proxies::page_of!(VerificationAppealPage, p)))
}

pub(super) async fn create_appeal(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<CreateVerificationAppeal>,
    JsonObject(body): JsonObject,
) -> Result<(StatusCode, Json<types::VerificationAppeal>), ApiError> {
    let mut fields = Fields::new(&body);
    let text = fields.string_up_to("appeal", 5000).to_owned();
    fields.finish()?;
    let now = now();
    let mut data = lock(&app);
    data.next_record_id += 1;
    let id = data.next_record_id;
    let max = data.limits.appeals;
    let verification = &mut data.account_mut(user)?.verification;
    if !verification.is_suspended() {
        return Err(ApiError::field(
            "non_field_errors",
            "The account is not suspended.",
            "invalid",
        ));
    }
    if verification.appeals.len() >= max {
        return Err(ApiError::limit_reached("appeals", max, "max_appeals"));
    }
    if verification
        .appeals
        .iter()
        .any(|a| a.state.as_deref() == Some("submitted"))
    {
        return Err(ApiError::field(
            "non_field_errors",
            "An appeal is already being reviewed.",
            "invalid",
        ));
    }
    let appeal = types::VerificationAppeal {
        id,
        appeal: Some(text),
        state: Some("submitted".into()),
        created_at: Some(now),
        updated_at: Some(now),
    };
    verification.appeals.push(appeal.clone());
    Ok((StatusCode::CREATED, Json(appeal)))
}

pub(super) async fn abuse_reports(
    State(app): State<Shared>,
    User(user, _): User,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Params(q): Params<ListAbuseReports>,
) -> Result<Json<types::AbuseReportPage>, ApiError> {
    let reports = with(&app, user, |v| {
        v.abuse_reports.iter().rev().cloned().collect::<Vec<_>>()
    })?;
    let p = PageWindow::page(&reports, q.page, q.page_size, &headers, &uri)?;
    Ok(Json(super::proxies::page_of!(AbuseReportPage, p)))
}

/// The suspension; a 404 when the account is not suspended (a mock decision: the page shows only a
/// suspended account's answer).
pub(super) async fn suspension(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<GetVerificationSuspension>,
) -> Result<Json<types::Suspension>, ApiError> {
    with(&app, user, |v| v.suspension.clone())?
        .map(Json)
        .ok_or_else(not_found)
}

pub(super) async fn categories(
    User(..): User,
    _: Params<GetVerificationCategories>,
) -> Json<types::VerificationCategories> {
    Json(types::VerificationCategories(
        CATEGORIES
            .iter()
            .map(|(name, description, threshold)| {
                (
                    (*name).to_owned(),
                    types::VerificationCategory {
                        description: Some((*description).to_owned()),
                        request_threshold: Some(*threshold),
                        id_verification_required: Some(false),
                        id_verification_restores_access: Some(true),
                    },
                )
            })
            .collect(),
    ))
}

pub(super) async fn limits(
    State(app): State<Shared>,
    User(user, _): User,
    _: Params<GetVerificationLimits>,
) -> Result<Json<types::VerificationLimits>, ApiError> {
    let state = with(&app, user, |v| v.proxy_state())?;
    Ok(Json(types::VerificationLimits {
        proxy_state: Some(state.to_owned()),
    }))
}

pub(super) async fn thresholds(
    User(..): User,
    _: Params<GetVerificationThresholds>,
) -> Json<types::VerificationThresholds> {
    Json(types::VerificationThresholds(
        CATEGORIES
            .iter()
            .map(|(name, description, threshold)| {
                (
                    (*name).to_owned(),
                    types::VerificationThreshold {
                        description: Some((*description).to_owned()),
                        id_verification_required: Some(false),
                        id_verification_restores_access: Some(true),
                        request_count: Some(0),
                        request_threshold: Some(*threshold),
                        triggered: Some(false),
                    },
                )
            })
            .collect(),
    ))
}
