//! Every operation's parameters survive `write_path`/`write_query` → `Endpoint::parse` unchanged and pass
//! `Endpoint::check`. The tests (one an operation) are generated from the spec's facts into `generated.rs`
//! by `cargo xtask codegen`; the value strategies they use are hand-written in `strategies.rs`.

mod strategies;

#[rustfmt::skip]
#[allow(clippy::all)]
mod generated;

/// The two kinds of value the encoding cannot tell apart, refused by `check` rather than changed.
mod refused {
    use webshare_api::Endpoint;
    use webshare_api::operations::{DownloadProxyList, ListProxies};
    use webshare_api::types::{ProxyAuthenticationMethod, ProxyMode};

    #[test]
    fn an_item_holding_the_separator() {
        let params = ListProxies::new(ProxyMode::Direct).proxy_address_in(["10.0.0.1,10.0.0.2"]);
        assert_eq!(params.check().unwrap_err().field, "proxy_address__in");
        let params = ListProxies::new(ProxyMode::Direct).proxy_address_in(["10.0.0.1", "10.0.0.2"]);
        assert_eq!(params.check(), Ok(()));
    }

    #[test]
    fn the_placeholder_for_none_as_a_value() {
        let download = |search: Option<&str>| {
            let mut params = DownloadProxyList::new(
                "token",
                ProxyAuthenticationMethod::Username,
                ProxyMode::Direct,
            );
            params.search = search.map(str::to_owned);
            params.check()
        };
        assert_eq!(download(Some("-")).unwrap_err().field, "search");
        assert_eq!(download(Some("san francisco")), Ok(()));
        // Empty is written as none on purpose, and read back as none: not a change.
        assert_eq!(download(Some("")), Ok(()));
        assert_eq!(download(None), Ok(()));
    }
}
