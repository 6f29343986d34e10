//! The app's clipboard on a real X server (a private Xvfb this test starts), read by another
//! program (`xclip`): a copy with the password carries `x-kde-passwordManagerHint: secret` and
//! is gone after the delay; a copy without one is left alone; a later copy by another program,
//! or by Portolan itself, is not cleared.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use portolan_app_lib::clipboard::Clipboard;
use portolan_core::sensitive::Sensitive;

const SECRET: &str = "MAIL_PASSWORD='Canary-clipboard-p4ss'";
const DELAY: Duration = Duration::from_secs(2);

/// A private X server, stopped when dropped.
struct Xvfb(Child);

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts Xvfb on a free display and points this process at it.
fn xvfb() -> Option<Xvfb> {
    let child = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-nolisten",
            "tcp",
            "-screen",
            "0",
            "640x480x24",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            assert!(
                std::env::var("PORTOLAN_REQUIRE_SERVERS").as_deref() != Ok("1"),
                "make test needs Xvfb (scripts/setup.sh installs it): {e}"
            );
            eprintln!("skipped: no Xvfb ({e})");
            return None;
        }
    };
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let display = format!(":{}", line.trim());
    // Only this test runs in this binary, before any clipboard is opened.
    std::env::set_var("DISPLAY", &display);
    std::env::remove_var("WAYLAND_DISPLAY");
    Some(Xvfb(child))
}

/// What another program reads from the clipboard as `target`, or `None` when nobody holds it.
fn xclip_out(target: &str) -> Option<String> {
    let out = Command::new("xclip")
        .args(["-o", "-selection", "clipboard", "-t", target])
        .output()
        .expect("xclip is installed");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn text() -> Option<String> {
    xclip_out("UTF8_STRING")
}

/// Another program copies `s` (xclip keeps serving it in the background).
fn xclip_in(s: &str) {
    let mut c = Command::new("xclip")
        .args(["-i", "-selection", "clipboard"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    assert!(c.wait().unwrap().success());
}

fn wait_past_delay() {
    std::thread::sleep(DELAY + Duration::from_millis(1500));
}

#[test]
fn password_copies_are_marked_and_cleared_and_nothing_else_is() {
    let Some(_x) = xvfb() else {
        return;
    };
    let board = Clipboard::new();

    // A copy without the password: no mark, and it stays.
    board.copy_plain("MAIL_HOST=smtp.example.com").unwrap();
    assert_eq!(text().as_deref(), Some("MAIL_HOST=smtp.example.com"));
    let targets = xclip_out("TARGETS").unwrap();
    assert!(!targets.contains("x-kde-passwordManagerHint"), "{targets}");
    wait_past_delay();
    assert_eq!(text().as_deref(), Some("MAIL_HOST=smtp.example.com"));

    // A copy with the password: marked, then gone after the delay.
    board
        .copy_secret(Sensitive::new(SECRET.to_owned()), DELAY)
        .unwrap();
    assert_eq!(text().as_deref(), Some(SECRET));
    let targets = xclip_out("TARGETS").unwrap();
    assert!(targets.contains("x-kde-passwordManagerHint"), "{targets}");
    assert_eq!(
        xclip_out("x-kde-passwordManagerHint").as_deref(),
        Some("secret")
    );
    wait_past_delay();
    let after = text();
    assert!(
        after.as_deref().is_none_or(|t| !t.contains("Canary")),
        "the password is still on the clipboard: {after:?}"
    );

    // Another program copies after Portolan: its copy is not cleared.
    board
        .copy_secret(Sensitive::new(SECRET.to_owned()), DELAY)
        .unwrap();
    xclip_in("copied by another program");
    wait_past_delay();
    assert_eq!(text().as_deref(), Some("copied by another program"));

    // Portolan's own later copy without the password is not cleared either.
    board
        .copy_secret(Sensitive::new(SECRET.to_owned()), DELAY)
        .unwrap();
    board.copy_plain("MAIL_PORT=465").unwrap();
    wait_past_delay();
    assert_eq!(text().as_deref(), Some("MAIL_PORT=465"));

    // The same password copied twice: the first copy's timer does not cut the second short.
    board
        .copy_secret(Sensitive::new(SECRET.to_owned()), DELAY)
        .unwrap();
    std::thread::sleep(DELAY / 2);
    board
        .copy_secret(Sensitive::new(SECRET.to_owned()), DELAY)
        .unwrap();
    std::thread::sleep(DELAY / 2 + Duration::from_millis(500));
    assert_eq!(
        text().as_deref(),
        Some(SECRET),
        "the second copy's own delay"
    );
    wait_past_delay();
    assert!(text().is_none_or(|t| !t.contains("Canary")));

    // Quitting clears a password copy still there.
    board
        .copy_secret(Sensitive::new(SECRET.to_owned()), Duration::from_secs(600))
        .unwrap();
    board.shutdown();
    assert!(text().is_none_or(|t| !t.contains("Canary")));
}
