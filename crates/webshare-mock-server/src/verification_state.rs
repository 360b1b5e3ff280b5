//! Account verification: the flows Webshare's compliance team opens (`MockServer::open_verification`),
//! their evidence, security codes and questions, the suspension they may bring, and appeals against it.
//! A suspended account's token gets 403 `account_suspended` everywhere but this section.

use chrono::{DateTime, Utc};
use webshare_api::{Secret, types};

/// What a flow asks for, as `MockServer::open_verification` sets it up.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct VerificationRequest {
    /// `acceptable_use_violation`, `abuse_report` or `fraudulent_payment`.
    pub flow_type: String,
    /// Whether evidence (an explanation, files) is asked for.
    pub needs_evidence: bool,
    /// The two characters on the bank statement that pass a `fraudulent_payment` flow.
    pub security_code: Option<String>,
    /// Whether the account is suspended until the flow passes (or an appeal is approved).
    pub suspends: bool,
    /// A question of the compliance team to answer, if any.
    pub question: Option<String>,
}

impl VerificationRequest {
    /// A flow of `flow_type` that asks for nothing and suspends nothing; the setters add the rest.
    pub fn new(flow_type: impl Into<String>) -> Self {
        Self {
            flow_type: flow_type.into(),
            needs_evidence: false,
            security_code: None,
            suspends: false,
            question: None,
        }
    }

    /// Asks for evidence (an explanation, files).
    #[must_use]
    pub fn needs_evidence(mut self) -> Self {
        self.needs_evidence = true;
        self
    }

    /// The two characters on the bank statement that pass a `fraudulent_payment` flow.
    #[must_use]
    pub fn security_code(mut self, code: impl Into<String>) -> Self {
        self.security_code = Some(code.into());
        self
    }

    /// Suspends the account until the flow passes (or an appeal is approved).
    #[must_use]
    pub fn suspends(mut self) -> Self {
        self.suspends = true;
        self
    }

    /// A question of the compliance team to answer.
    #[must_use]
    pub fn question(mut self, question: impl Into<String>) -> Self {
        self.question = Some(question.into());
        self
    }
}

/// The categories and their request thresholds (the categories page's two examples).
pub(crate) const CATEGORIES: [(&str, &str, i64); 2] = [
    (
        "requests_to_authentication_pages",
        "Requests to login, registration and other authentication pages.",
        1000,
    ),
    (
        "requests_to_financial_institutions",
        "Requests to banks and other financial institutions.",
        500,
    ),
];

#[derive(Debug, Clone, Default)]
pub(crate) struct Verification {
    pub flows: Vec<types::VerificationFlow>,
    /// The expected security code of each `fraudulent_payment` flow, by flow ID.
    pub codes: Vec<(i64, Secret)>,
    pub questions: Vec<types::VerificationQuestion>,
    pub appeals: Vec<types::VerificationAppeal>,
    pub abuse_reports: Vec<types::AbuseReport>,
    pub suspension: Option<types::Suspension>,
}

impl Verification {
    pub fn is_suspended(&self) -> bool {
        self.suspension.is_some()
    }

    /// `active`, or `paused` while suspended, or `limited` while a flow is open.
    pub fn proxy_state(&self) -> &'static str {
        if self.is_suspended() {
            "paused"
        } else if self
            .flows
            .iter()
            .any(|f| f.state.as_deref() == Some("inflow"))
        {
            "limited"
        } else {
            "active"
        }
    }

    /// Opens a flow (and its question); returns its ID.
    pub fn open(
        &mut self,
        request: &VerificationRequest,
        next_id: &mut i64,
        now: DateTime<Utc>,
    ) -> i64 {
        *next_id += 1;
        let id = *next_id;
        self.flows.push(types::VerificationFlow {
            id,
            type_: Some(request.flow_type.clone()),
            state: Some("inflow".into()),
            started_at: Some(now),
            updated_at: Some(now),
            needs_evidence: Some(request.needs_evidence),
            evidence: None,
            id_verification_restores_access: Some(false),
            id_verification_required: Some(false),
        });
        if let Some(code) = &request.security_code {
            self.codes.push((id, Secret::new(code.clone())));
        }
        if let Some(question) = &request.question {
            *next_id += 1;
            self.questions.push(types::VerificationQuestion {
                id: *next_id,
                question: Some(question.clone()),
                created_at: Some(now),
                updated_at: Some(now),
                flow: Some(id),
                answer: None,
            });
        }
        if request.flow_type == "abuse_report" {
            *next_id += 1;
            self.abuse_reports.push(types::AbuseReport {
                id: *next_id,
                content: Some("A report of abuse from one of the account's proxies.".into()),
                flow: Some(id),
                created_at: Some(now),
                updated_at: Some(now),
            });
        }
        if request.suspends {
            self.suspension = Some(types::Suspension {
                created_at: Some(now),
                reason: Some(request.flow_type.clone()),
            });
        }
        id
    }

    /// Ends flow `id` as passed or failed; a pass lifts the suspension when no other flow is open.
    pub fn decide(&mut self, id: i64, passes: bool, now: DateTime<Utc>) -> bool {
        let Some(flow) = self.flows.iter_mut().find(|f| f.id == id) else {
            return false;
        };
        if flow.state.as_deref() != Some("inflow") {
            return false;
        }
        flow.state = Some(
            if passes {
                "successful_verification"
            } else {
                "failed_verification"
            }
            .into(),
        );
        flow.updated_at = Some(now);
        if passes
            && !self
                .flows
                .iter()
                .any(|f| f.state.as_deref() == Some("inflow"))
        {
            self.suspension = None;
        }
        true
    }

    /// Approves or rejects the submitted appeal; approval lifts the suspension.
    pub fn decide_appeal(&mut self, approve: bool, now: DateTime<Utc>) -> bool {
        let Some(appeal) = self
            .appeals
            .iter_mut()
            .find(|a| a.state.as_deref() == Some("submitted"))
        else {
            return false;
        };
        appeal.state = Some(if approve { "approved" } else { "rejected" }.into());
        appeal.updated_at = Some(now);
        if approve {
            self.suspension = None;
        }
        true
    }
}
