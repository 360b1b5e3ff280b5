//! *Billing*: billing information, payment methods, pending payments, transactions and invoices (a
//! streamed PDF).

use futures_core::Stream;
use webshare_api::operations::{
    CreatePaymentMethod, DownloadInvoice, GetBillingInfo, GetPaymentMethod, GetPendingPayment,
    GetTransaction, ListPaymentMethods, ListPendingPayments, ListTransactions, UpdateBillingInfo,
};
use webshare_api::types::{
    BillingInfo, BillingInfoUpdateRequest, PaymentMethod, PaymentMethodCreateRequest,
    PaymentMethodPage, PaymentMethodSetup, PendingPayment, PendingPaymentPage, Transaction,
    TransactionPage,
};

use crate::{Client, Error, Secret, pagination};

/// Billing operations; from [`Client::billing`].
#[derive(Debug, Clone, Copy)]
pub struct Billing<'a> {
    client: &'a Client,
}

impl Client {
    /// Billing information, payment methods, payments, transactions and invoices.
    pub fn billing(&self) -> Billing<'_> {
        Billing { client: self }
    }
}

impl Billing<'_> {
    /// The billing information printed on invoices.
    pub async fn info(&self) -> Result<BillingInfo, Error> {
        self.client.call(&GetBillingInfo, &()).await
    }

    /// Changes the fields set in `request` (retried: it sets the same values again).
    pub async fn update_info(
        &self,
        request: &BillingInfoUpdateRequest,
    ) -> Result<BillingInfo, Error> {
        self.client.call(&UpdateBillingInfo, request).await
    }

    /// One page of saved payment methods.
    pub async fn payment_methods(
        &self,
        params: &ListPaymentMethods,
    ) -> Result<PaymentMethodPage, Error> {
        self.client.call(params, &()).await
    }

    /// Payment method `id`.
    pub async fn payment_method(&self, id: i64) -> Result<PaymentMethod, Error> {
        self.client.call(&GetPaymentMethod::new(id), &()).await
    }

    /// Starts saving a card: a Stripe SetupIntent whose client secret Stripe.js confirms in a browser.
    /// Needs a reCAPTCHA value. Never retried.
    pub async fn add_payment_method(
        &self,
        recaptcha: impl Into<Secret>,
    ) -> Result<PaymentMethodSetup, Error> {
        let request = PaymentMethodCreateRequest {
            recaptcha: recaptcha.into(),
        };
        self.client.call(&CreatePaymentMethod, &request).await
    }

    /// One page of pending payments, newest first.
    pub async fn pending_payments(
        &self,
        params: &ListPendingPayments,
    ) -> Result<PendingPaymentPage, Error> {
        self.client.call(params, &()).await
    }

    /// Pending payment `id`: poll it after confirming a checkout with Stripe (`successful` or `failed`).
    pub async fn pending_payment(&self, id: i64) -> Result<PendingPayment, Error> {
        self.client.call(&GetPendingPayment::new(id), &()).await
    }

    /// One page of transactions, filtered as `params` says.
    pub async fn transactions(&self, params: &ListTransactions) -> Result<TransactionPage, Error> {
        self.client.call(params, &()).await
    }

    /// Every transaction `params` selects, page after page.
    pub fn all_transactions(
        &self,
        params: ListTransactions,
    ) -> impl Stream<Item = Result<Transaction, Error>> + Send + 'static + use<> {
        pagination::page_numbered(self.client.clone(), params)
    }

    /// Transaction `id`.
    pub async fn transaction(&self, id: i64) -> Result<Transaction, Error> {
        self.client.call(&GetTransaction::new(id), &()).await
    }

    /// The invoice of transaction `transaction_id`: the PDF's bytes as they arrive (nothing is held
    /// whole; write them to a file). The answer is checked to start with `%PDF`: anything else is
    /// [`Error::Decode`].
    pub async fn invoice(
        &self,
        transaction_id: i64,
    ) -> Result<impl Stream<Item = Result<bytes::Bytes, Error>> + Send + 'static + use<>, Error>
    {
        let params = DownloadInvoice::new(transaction_id.to_string());
        let bytes = self.client.open_bytes(&params).await?;
        Ok(crate::download::starting_with(bytes, b"%PDF"))
    }
}
