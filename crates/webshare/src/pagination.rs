//! Lazy streams over every item of a paginated list: one request per page, sent when the consumer gets
//! to it. Page numbers and `starting_after` cursors are the two kinds; which operation uses which is a
//! generated fact (`webshare_api::PageNumbered` / `CursorPaged`).

use futures_core::Stream;
use futures_util::stream::{self, TryStreamExt};
use webshare_api::{CursorPaged, PageNumbered};

use crate::{Client, Error};

/// Every item of a page-numbered list, from the params' `page` (or 1) to the last page.
pub(crate) fn page_numbered<E>(
    client: Client,
    params: E,
) -> impl Stream<Item = Result<E::Item, Error>> + Send + 'static
where
    E: PageNumbered<Body = ()> + Send + Sync + 'static,
    E::Item: Send + 'static,
    E::Response: Send,
{
    let first = params.page().unwrap_or(1).max(1);
    stream::try_unfold(Some((client, params, first)), |state| async move {
        let Some((client, mut params, page)) = state else {
            return Ok(None);
        };
        params.set_page(page);
        let (items, more) = E::into_items(client.call(&params, &()).await?);
        // An empty page ends the list even if a server claims there is more.
        let next = (more && !items.is_empty()).then(|| (client, params, page + 1));
        Ok(Some((stream::iter(items.into_iter().map(Ok)), next)))
    })
    .try_flatten()
}

/// Every item of a cursor-paged list, each page asked for after the previous page's last item.
pub(crate) fn cursor<E>(
    client: Client,
    params: E,
) -> impl Stream<Item = Result<E::Item, Error>> + Send + 'static
where
    E: CursorPaged<Body = ()> + Clone + PartialEq + Send + Sync + 'static,
    E::Item: Send + 'static,
    E::Response: Send,
{
    stream::try_unfold(Some((client, params)), |state| async move {
        let Some((client, mut params)) = state else {
            return Ok(None);
        };
        let (items, more) = E::into_items(client.call(&params, &()).await?);
        let next = match items.last() {
            Some(last) if more => {
                let before = params.clone();
                params.continue_after(last);
                // A cursor that does not move would ask for the same page forever.
                (params != before).then_some((client, params))
            }
            _ => None,
        };
        Ok(Some((stream::iter(items.into_iter().map(Ok)), next)))
    })
    .try_flatten()
}

impl Client {
    /// Every item of any page-numbered list, as a lazy stream: one request per page, sent with the
    /// client's retries, rate limits and time limits when the consumer gets to it, from the params'
    /// `page` (or 1) to the last page.
    ///
    /// ```no_run
    /// # async fn run(client: &webshare::Client) -> Result<(), webshare::Error> {
    /// use futures_util::TryStreamExt;
    /// use webshare::operations::ListIpAuthorizations;
    /// let all: Vec<_> = client.paginate(ListIpAuthorizations::new()).try_collect().await?;
    /// println!("{} authorizations", all.len());
    /// # Ok(())
    /// # }
    /// ```
    pub fn paginate<E>(
        &self,
        params: E,
    ) -> impl Stream<Item = Result<E::Item, Error>> + Send + 'static
    where
        E: PageNumbered<Body = ()> + Send + Sync + 'static,
        E::Item: Send + 'static,
        E::Response: Send,
    {
        page_numbered(self.clone(), params)
    }

    /// Every item of any cursor-paged list (the proxy activity), as a lazy stream: each page asked for
    /// after the previous page's last item.
    pub fn paginate_cursor<E>(
        &self,
        params: E,
    ) -> impl Stream<Item = Result<E::Item, Error>> + Send + 'static
    where
        E: CursorPaged<Body = ()> + Clone + PartialEq + Send + Sync + 'static,
        E::Item: Send + 'static,
        E::Response: Send,
    {
        cursor(self.clone(), params)
    }
}
