//! A SOCKS5 proxy set with `ClientBuilder::proxy` carries every request (the `socks` feature).
#![cfg(feature = "socks")]

mod support;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use webshare::{Client, RetryPolicy};

/// What the proxy saw: the user name and password it was given, and where each connection went.
#[derive(Default, Debug)]
struct Seen {
    credentials: Vec<(String, String)>,
    targets: Vec<SocketAddr>,
}

/// A SOCKS5 proxy (RFC 1928) that asks for a user name and password (RFC 1929) and connects to IPv4
/// targets only: enough to carry a client to a loopback server.
async fn socks5_proxy() -> (SocketAddr, Arc<Mutex<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let record = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let record = record.clone();
            tokio::spawn(async move {
                let mut head = [0u8; 2];
                client.read_exact(&mut head).await.unwrap();
                let mut methods = vec![0u8; usize::from(head[1])];
                client.read_exact(&mut methods).await.unwrap();
                assert!(methods.contains(&2), "the client offers user/password");
                client.write_all(&[5, 2]).await.unwrap();
                let read_field = async |client: &mut TcpStream| {
                    let len = client.read_u8().await.unwrap();
                    let mut field = vec![0u8; usize::from(len)];
                    client.read_exact(&mut field).await.unwrap();
                    String::from_utf8(field).unwrap()
                };
                assert_eq!(client.read_u8().await.unwrap(), 1);
                let user = read_field(&mut client).await;
                let password = read_field(&mut client).await;
                client.write_all(&[1, 0]).await.unwrap();
                let mut request = [0u8; 4];
                client.read_exact(&mut request).await.unwrap();
                assert_eq!(request[..3], [5, 1, 0], "CONNECT");
                assert_eq!(request[3], 1, "an IPv4 target");
                let mut ip = [0u8; 4];
                client.read_exact(&mut ip).await.unwrap();
                let port = client.read_u16().await.unwrap();
                let target = SocketAddr::from((ip, port));
                {
                    let mut seen = record.lock().unwrap();
                    seen.credentials.push((user, password));
                    seen.targets.push(target);
                }
                let mut upstream = TcpStream::connect(target).await.unwrap();
                client
                    .write_all(&[5, 0, 0, 1, 0, 0, 0, 0, 0, 0])
                    .await
                    .unwrap();
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            });
        }
    });
    (addr, seen)
}

#[tokio::test]
async fn requests_go_through_the_configured_socks5_proxy() {
    let (server, token) = support::seeded().await;
    let (proxy, seen) = socks5_proxy().await;
    let client = Client::builder()
        .base_url(server.base_url())
        .api_key(token)
        .retry_policy(RetryPolicy::none())
        .proxy(format!("socks5://proxy-user:proxy-pass@{proxy}"))
        .build()
        .unwrap();
    assert!(!format!("{client:?}").contains("proxy-pass"));
    assert!(
        client
            .activation()
            .status()
            .await
            .unwrap()
            .email_is_verified
            == Some(true)
    );
    let seen = seen.lock().unwrap();
    assert_eq!(seen.targets, [server.addr()]);
    assert_eq!(
        seen.credentials,
        [("proxy-user".to_owned(), "proxy-pass".to_owned())]
    );
}
