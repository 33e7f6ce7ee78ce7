//! Running the built `nooluur` binary, for the command-line tests.
#![allow(dead_code)]

use std::process::Command;

use serde_json::Value;

/// Runs the binary: (succeeded, stdout, stderr).
pub fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_nooluur"))
        .args(args)
        .output()
        .expect("the binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs a command that must succeed and print JSON.
pub fn json(args: &[&str]) -> Value {
    let (ok, out, err) = run(args);
    assert!(ok, "{args:?}: {err}");
    serde_json::from_str(&out).expect("JSON")
}

/// Refused with exit status ≠ 0 and a single `nooluur: …` line naming the problem.
pub fn refused(args: &[&str], needle: &str) {
    let (ok, out, err) = run(args);
    assert!(!ok, "{args:?} was accepted: {out}");
    assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    assert!(err.starts_with("nooluur: "), "{err}");
    assert!(err.contains(needle), "{args:?}: {err} lacks {needle:?}");
}
