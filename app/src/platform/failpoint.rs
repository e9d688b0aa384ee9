//! Failpoints for the crash tests: a debug build whose `AQUEDUCT_FAILPOINT` names a point
//! stops there for good (it prints `failpoint <name>` and blocks its thread), so that a test
//! can kill it with SIGKILL at exactly that step. A release build reads nothing: `hit` does
//! nothing there.
//!
//! Points: `cis-export-claimed` (an export's lines are recorded, no file yet),
//! `cis-export-writing` (its first rows are in the temporary file, not renamed),
//! `cis-export-renamed` (the file is in place, not yet recorded as written).

/// Stops here forever when the environment names this point (debug builds only).
pub fn hit(name: &str) {
    #[cfg(debug_assertions)]
    if std::env::var("AQUEDUCT_FAILPOINT").is_ok_and(|point| point == name) {
        use std::io::Write;
        println!("failpoint {name}");
        let _ = std::io::stdout().flush();
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
    #[cfg(not(debug_assertions))]
    let _ = name;
}
