#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `portolan -V` and `portolan --version`: the version, the licence and the third-party
//! notices, in the core's words (the app's About page shows the same).

use std::io::Read;
use std::process::{Command, Stdio};

fn portolan() -> Command {
    Command::new(env!("CARGO_BIN_EXE_portolan"))
}

#[test]
fn short_version_is_one_line_with_the_workspace_version() {
    let out = portolan().arg("-V").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("portolan {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn long_version_is_the_core_text_with_licence_and_notices() {
    let out = portolan().arg("--version").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let about = portolan_core::about::about();
    assert_eq!(text, portolan_core::about::plain_text(&about));
    assert!(text.starts_with(&format!("portolan {}\n", env!("CARGO_PKG_VERSION"))));
    assert!(text.contains("Licence: MIT OR Apache-2.0."));
    assert!(text.contains(&about.notices_intro));
    assert!(
        text.contains(" clap "),
        "a crate the CLI is built with is listed"
    );
    assert!(
        text.contains("Permission is hereby granted"),
        "licence texts follow"
    );
}

#[test]
fn version_into_a_closed_pipe_is_not_an_error() {
    let mut child = portolan()
        .arg("--version")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read the first bytes, as `| head -n 1` would, then close the pipe.
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "{status:?}");
    assert!(err.is_empty(), "nothing on stderr: {err}");
}

#[test]
fn help_still_offers_the_version_flags() {
    let out = portolan().arg("--help").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("-V, --version"), "{text}");
}
