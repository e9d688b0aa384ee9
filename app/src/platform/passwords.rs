//! Password hashing: Argon2id with at least OWASP's parameters, always off the async
//! threads. The hash type is not `Serialize` and never leaves the server.

use crate::domain::NewPassword;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::LazyLock;

/// OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane.
const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;

fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A PHC-format Argon2id hash, as stored. Neither `Serialize` nor `Display`.
#[derive(Clone)]
pub struct PasswordHashString(String);

impl std::fmt::Debug for PasswordHashString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHashString(…)")
    }
}

impl PasswordHashString {
    pub fn from_stored(s: String) -> Self {
        Self(s)
    }
    pub fn as_stored(&self) -> &str {
        &self.0
    }
}

/// Argon2 takes 19 MiB and a core for tens of milliseconds per password. It runs on its own
/// threads, half the cores, which bounds the memory a burst of sign-ins takes; and at the
/// lowest CPU priority, so that it gets only the time page rendering leaves: under a burst
/// of sign-ins pages stay about as fast as when idle, and the sign-ins wait instead.
fn hashing_threads() -> &'static rayon::ThreadPool {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        rayon::ThreadPoolBuilder::new()
            .num_threads((cores / 2).max(1))
            .thread_name(|i| format!("password-hashing-{i}"))
            .start_handler(|_| lowest_priority())
            // Without a handler, a panic in a job would abort the whole server.
            .panic_handler(|_| tracing::error!("a password hashing job panicked"))
            .build()
            .expect("the hashing threads start")
    })
}

/// Nice 19 for the calling thread only (Linux schedules threads one by one).
#[cfg(target_os = "linux")]
fn lowest_priority() {
    // SAFETY: gettid takes no arguments; setpriority with this thread's own id changes its
    // scheduling weight and nothing else. Lowering one's own priority needs no privilege.
    let changed = unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, 19)
    };
    if changed != 0 {
        tracing::warn!("password hashing runs at normal priority: setpriority failed");
    }
}

#[cfg(not(target_os = "linux"))]
fn lowest_priority() {}

/// Hashing jobs waiting or running at once, at most. Beyond it a sign-in is answered "busy,
/// try again in a moment" at once: a flood of sign-ins must not queue work (and 19 MiB
/// each) without end, nor make real customers wait minutes behind it.
pub const MAX_WAITING_HASHES: usize = 64;

static WAITING: AtomicUsize = AtomicUsize::new(0);
static VERIFICATIONS: AtomicU64 = AtomicU64::new(0);

/// The hashing queue is full: try again in a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the password hashing queue is full")]
pub struct Busy;

/// How many password verifications this process has run (for the lockout test).
pub fn verifications_run() -> u64 {
    VERIFICATIONS.load(Ordering::SeqCst)
}

/// A place in the queue, given back when the job ends (or never starts).
struct QueuePlace;

impl QueuePlace {
    fn take(bound: usize) -> Result<Self, Busy> {
        let before = WAITING.fetch_add(1, Ordering::SeqCst);
        if before >= bound {
            WAITING.fetch_sub(1, Ordering::SeqCst);
            return Err(Busy);
        }
        Ok(Self)
    }
}

impl Drop for QueuePlace {
    fn drop(&mut self) {
        WAITING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs `work` on a hashing thread, in the order asked, and waits for it without blocking
/// the async threads. Busy when `bound` jobs are already waiting; panics are not expected
/// (the job is plain Argon2 over valid parameters).
async fn on_hashing_thread<T: Send + 'static>(
    bound: usize,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Busy> {
    let place = QueuePlace::take(bound)?;
    let (answer, answered) = tokio::sync::oneshot::channel();
    hashing_threads().spawn_fifo(move || {
        let _place = place;
        let _ = answer.send(work());
    });
    Ok(answered.await.expect("the hashing job does not panic"))
}

pub async fn hash(password: &NewPassword) -> Result<PasswordHashString, Busy> {
    let password = password.expose().to_owned();
    on_hashing_thread(MAX_WAITING_HASHES, move || {
        let salt = SaltString::generate(&mut OsRng);
        let hash = hasher()
            .hash_password(password.as_bytes(), &salt)
            .expect("Argon2 hashing cannot fail with valid parameters");
        PasswordHashString(hash.to_string())
    })
    .await
}

#[derive(Debug, PartialEq, Eq)]
pub enum Verified {
    No,
    Yes,
    /// Correct, but hashed with older parameters: store a new hash.
    YesRehash,
}

/// Checks a password against a stored hash; with no hash (an unknown email) it checks
/// against a dummy one, so that the time taken does not tell whether the email exists.
pub async fn verify(password: &str, stored: Option<PasswordHashString>) -> Result<Verified, Busy> {
    verify_within(MAX_WAITING_HASHES, password, stored).await
}

/// [`verify`] with another queue bound (tests fill a small queue).
pub async fn verify_within(
    bound: usize,
    password: &str,
    stored: Option<PasswordHashString>,
) -> Result<Verified, Busy> {
    let password = password.to_owned();
    on_hashing_thread(bound, move || {
        VERIFICATIONS.fetch_add(1, Ordering::SeqCst);
        let known = stored.is_some();
        let stored = stored.map(|s| s.0).unwrap_or_else(|| DUMMY_HASH.clone());
        let Ok(parsed) = PasswordHash::new(&stored) else { return Verified::No };
        let ok = hasher().verify_password(password.as_bytes(), &parsed).is_ok();
        if !(ok && known) {
            return Verified::No;
        }
        let current = Params::try_from(&parsed).ok();
        let wanted = hasher().params().clone();
        let outdated = parsed.algorithm.as_str() != "argon2id"
            || current.is_none_or(|p| {
                p.m_cost() < wanted.m_cost()
                    || p.t_cost() < wanted.t_cost()
                    || p.p_cost() != wanted.p_cost()
            });
        if outdated {
            Verified::YesRehash
        } else {
            Verified::Yes
        }
    })
    .await
}

static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(b"no such login: a dummy to spend the same time", &salt)
        .expect("hash")
        .to_string()
});

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../data/common-passwords.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
});

/// Whether a lower-cased password is on the shipped list of common passwords.
pub fn is_common(lowercase_password: &str) -> bool {
    COMMON.contains(lowercase_password)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_list_has_at_least_ten_thousand_entries() {
        assert!(COMMON.len() >= 10_000, "{}", COMMON.len());
        assert!(is_common("password"));
        assert!(!is_common("a long and unusual phrase about rivers"));
    }

    #[tokio::test]
    async fn hashes_verify_and_are_argon2id_with_owasp_parameters() {
        let password =
            NewPassword::parse("river stones at dawn", "river stones at dawn", "alex", |_| false)
                .unwrap();
        let stored = hash(&password).await.unwrap();
        assert!(stored.as_stored().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert_eq!(
            verify("river stones at dawn", Some(stored.clone())).await.unwrap(),
            Verified::Yes
        );
        assert_eq!(verify("river stones at dusk", Some(stored)).await.unwrap(), Verified::No);
        assert_eq!(verify("river stones at dawn", None).await.unwrap(), Verified::No);
    }

    #[tokio::test]
    async fn weaker_parameters_ask_for_a_rehash() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 1, 1, None).unwrap(),
        );
        let salt = SaltString::generate(&mut OsRng);
        let old = weak.hash_password(b"river stones at dawn", &salt).unwrap().to_string();
        assert_eq!(
            verify("river stones at dawn", Some(PasswordHashString::from_stored(old)))
                .await
                .unwrap(),
            Verified::YesRehash
        );
    }

    #[tokio::test]
    async fn a_full_queue_answers_busy_at_once_and_frees_its_places() {
        // A bound of 0 leaves no place at all; the count of waiting jobs is unchanged after.
        assert_eq!(verify_within(0, "river stones at dawn", None).await, Err(Busy));
        assert!(WAITING.load(Ordering::SeqCst) < MAX_WAITING_HASHES);
        assert_eq!(
            verify_within(MAX_WAITING_HASHES, "river stones at dawn", None).await,
            Ok(Verified::No)
        );
    }
}
