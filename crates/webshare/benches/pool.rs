//! `webshare::pool` at scale: the memory of a pool of 100,000 proxies, and the cost of a pick (with its
//! release), per strategy; a sticky pick; a refresh of the whole list.
//!
//! `cargo bench -p webshare --features pool --bench pool`
//!
//! Memory is counted by this binary's allocator: the bytes requested and still live once the pool is
//! built (its input list consumed), and the number of live allocations (the system allocator adds 8 to
//! 16 bytes to each).

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use webshare::Secret;
use webshare::pool::{Pool, PoolProxy, Strategy};

/// Counts the bytes and allocations live: a few lines, where a heap profiler (dhat) would add a dependency
/// for two numbers.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static BLOCKS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed to the system allocator unchanged; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        BLOCKS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is `System.alloc`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        BLOCKS.fetch_sub(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is `System.dealloc`'s.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract is `System.realloc`'s.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const PROXIES: usize = 100_000;
const PICKS: usize = 1_000_000;
const ROUNDS: usize = 5;

/// Proxies shaped like the API's: an IPv4 address, a 4-5 digit port, a 10-character username and
/// password, an id, a country and an ASN.
fn proxies(n: usize) -> Vec<PoolProxy> {
    (0..n)
        .map(|i| {
            let address = format!("10.{}.{}.{}", i >> 16 & 255, i >> 8 & 255, i & 255);
            PoolProxy::new(
                &address,
                u16::try_from(1000 + i % 60_000).unwrap(),
                Some(&format!("user{:06}", i % 1_000_000)),
                Some(&Secret::new(format!("pw{:08}", i))),
            )
            .unwrap()
            .with_id(&format!("d-{i}"))
            .unwrap()
            .with_country(["US", "FR", "DE", "GB"][i % 4])
            .with_asn(64_500 + (i % 100) as u32)
        })
        .collect()
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// Nanoseconds per call of `f`, the median of the rounds.
fn per_call(mut f: impl FnMut()) -> f64 {
    median(
        (0..ROUNDS)
            .map(|_| {
                let start = Instant::now();
                for _ in 0..PICKS {
                    f();
                }
                start.elapsed().as_nanos() as f64 / PICKS as f64
            })
            .collect(),
    )
}

fn main() {
    println!("pool of {PROXIES} proxies; picks: median of {ROUNDS} rounds of {PICKS}");
    for strategy in [
        Strategy::RoundRobin,
        Strategy::Random,
        Strategy::LeastInFlight,
    ] {
        let (live_before, blocks_before) =
            (LIVE.load(Ordering::Relaxed), BLOCKS.load(Ordering::Relaxed));
        let pool = Pool::builder()
            .strategy(strategy)
            .seed(7)
            .build(proxies(PROXIES))
            .unwrap();
        let live = LIVE.load(Ordering::Relaxed) - live_before;
        let blocks = BLOCKS.load(Ordering::Relaxed) - blocks_before;
        let pick = per_call(|| drop(black_box(pool.pick().unwrap())));
        // A thousand requests in flight: the least-in-flight index is ordered by them.
        let held: Vec<_> = (0..1000).map(|_| pool.pick().unwrap()).collect();
        let pick_loaded = per_call(|| drop(black_box(pool.pick().unwrap())));
        drop(held);
        println!(
            "{strategy:?}: heap {:.1} MB live ({:.0} B a proxy) in {blocks} allocations; pick+release \
             {pick:.0} ns, with 1,000 in flight {pick_loaded:.0} ns",
            live as f64 / 1e6,
            live as f64 / PROXIES as f64,
        );
        drop(pool);
    }
    // The pick's cost does not grow with the pool: the same picks over a pool a hundred times smaller.
    for strategy in [
        Strategy::RoundRobin,
        Strategy::Random,
        Strategy::LeastInFlight,
    ] {
        let small = Pool::builder()
            .strategy(strategy)
            .build(proxies(PROXIES / 100))
            .unwrap();
        let pick = per_call(|| drop(black_box(small.pick().unwrap())));
        println!(
            "{strategy:?} over {} proxies: pick+release {pick:.0} ns",
            PROXIES / 100
        );
    }
    let pool = Pool::builder().build(proxies(PROXIES)).unwrap();
    let keys: Vec<String> = (0..10_000).map(|i| format!("session-{i}")).collect();
    let mut k = 0;
    let sticky = per_call(|| {
        k = (k + 1) % keys.len();
        drop(black_box(pool.pick_for(&keys[k]).unwrap()));
    });
    println!("sticky pick+release over 10,000 keys: {sticky:.0} ns");
    let refresh = median(
        (0..ROUNDS)
            .map(|_| {
                let list = proxies(PROXIES);
                let start = Instant::now();
                pool.replace_list(list).unwrap();
                start.elapsed().as_secs_f64() * 1000.0
            })
            .collect(),
    );
    println!("refresh with the same {PROXIES} proxies: {refresh:.0} ms");
}
