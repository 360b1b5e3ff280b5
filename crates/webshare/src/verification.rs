//! *Account Verification*: the flows Webshare's compliance team opens, their evidence (an [`Upload`] of
//! files streamed from disk) and security codes, questions, appeals, abuse reports, the suspension, and
//! the categories, limits and thresholds. A suspended account gets 403 `account_suspended`
//! ([`Error::is_account_suspended`]) everywhere but here.

use webshare_api::operations::{
    AnswerVerificationQuestion, CreateVerificationAppeal, GetVerificationCategories,
    GetVerificationFlow, GetVerificationLimits, GetVerificationSuspension,
    GetVerificationThresholds, ListAbuseReports, ListVerificationAppeals, ListVerificationFlows,
    ListVerificationQuestions, SubmitVerificationCode, SubmitVerificationEvidence,
};
use webshare_api::types::{
    AbuseReportPage, Suspension, VerificationAnswer, VerificationAppeal, VerificationAppealPage,
    VerificationAppealRequest, VerificationCategories, VerificationCodeRequest, VerificationFlow,
    VerificationFlowPage, VerificationLimits, VerificationQuestionPage, VerificationThresholds,
};

use crate::{Client, Error, Secret, Upload};

/// Account verification operations; from [`Client::verification`].
#[derive(Debug, Clone, Copy)]
pub struct Verification<'a> {
    client: &'a Client,
}

impl Client {
    /// Account verification: flows, evidence, questions, appeals, suspension.
    pub fn verification(&self) -> Verification<'_> {
        Verification { client: self }
    }
}

impl Verification<'_> {
    /// One page of verification flows.
    pub async fn flows(
        &self,
        params: &ListVerificationFlows,
    ) -> Result<VerificationFlowPage, Error> {
        self.client.call(params, &()).await
    }

    /// Flow `id`.
    pub async fn flow(&self, id: i64) -> Result<VerificationFlow, Error> {
        self.client.call(&GetVerificationFlow::new(id), &()).await
    }

    /// Submits evidence for flow `id`: `explanation` and `files` fields
    /// (`Upload::new().text("explanation", ..).file("files", path)?`), checked against the spec's form
    /// before sending. Never retried.
    pub async fn submit_evidence(
        &self,
        id: i64,
        evidence: &Upload,
    ) -> Result<VerificationFlow, Error> {
        self.client
            .upload(&SubmitVerificationEvidence::new(id), evidence)
            .await
    }

    /// Submits flow `id`'s security code (the two characters on the bank statement). Never retried.
    pub async fn submit_code(
        &self,
        id: i64,
        code: impl Into<Secret>,
    ) -> Result<VerificationFlow, Error> {
        let request = VerificationCodeRequest {
            security_code: code.into(),
        };
        self.client
            .call(&SubmitVerificationCode::new(id), &request)
            .await
    }

    /// One page of the compliance team's questions, filtered as `params` says.
    pub async fn questions(
        &self,
        params: &ListVerificationQuestions,
    ) -> Result<VerificationQuestionPage, Error> {
        self.client.call(params, &()).await
    }

    /// Answers question `id`: an `answer` field, and `files` if any. Never retried.
    pub async fn answer(&self, id: i64, answer: &Upload) -> Result<VerificationAnswer, Error> {
        self.client
            .upload(&AnswerVerificationQuestion::new(id), answer)
            .await
    }

    /// One page of appeals.
    pub async fn appeals(
        &self,
        params: &ListVerificationAppeals,
    ) -> Result<VerificationAppealPage, Error> {
        self.client.call(params, &()).await
    }

    /// Appeals the suspension with `text`. Never retried.
    pub async fn appeal(&self, text: &str) -> Result<VerificationAppeal, Error> {
        let request = VerificationAppealRequest {
            appeal: text
                .parse()
                .map_err(|e| Error::invalid_input("appeal", format!("{e}")))?,
        };
        self.client.call(&CreateVerificationAppeal, &request).await
    }

    /// One page of abuse reports about the account.
    pub async fn abuse_reports(&self, params: &ListAbuseReports) -> Result<AbuseReportPage, Error> {
        self.client.call(params, &()).await
    }

    /// The suspension (a 404 when the account is not suspended).
    pub async fn suspension(&self) -> Result<Suspension, Error> {
        self.client.call(&GetVerificationSuspension, &()).await
    }

    /// The verification categories.
    pub async fn categories(&self) -> Result<VerificationCategories, Error> {
        self.client.call(&GetVerificationCategories, &()).await
    }

    /// Whether the account's proxies are limited.
    pub async fn limits(&self) -> Result<VerificationLimits, Error> {
        self.client.call(&GetVerificationLimits, &()).await
    }

    /// The account's thresholds and how near it is to each.
    pub async fn thresholds(&self) -> Result<VerificationThresholds, Error> {
        self.client.call(&GetVerificationThresholds, &()).await
    }
}
