//! The password in every path of the desktop app: its commands are called as the window calls
//! them (on Tauri's mock runtime, with the real keychain of the test session, a real X
//! clipboard on a private Xvfb, and the real Postfix/Dovecot), with a canary password and the
//! servers' real one. Every event, reply, error, log line (the `log` and `tracing` facades at
//! trace level), file under the test HOME and clipboard content is searched for every form of
//! both (`leak::forms`, shared with the core's and the CLI's scans); the one allowed place is
//! the clipboard right after a copy the user asked to include the password in.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use portolan_app_lib::clipboard::Clipboard;
use portolan_app_lib::commands::{self, Saved};
use portolan_app_lib::running::Running;
use portolan_core::error::{ErrorCode, UserError};
use portolan_core::export::FormatId;
use portolan_core::ports::Security;
use portolan_core::requests::{
    CheckArgs, ExportCopyArgs, ExportPreviewArgs, ImportArgs, ProfileDeleteArgs,
    ProfileDuplicateArgs, ProfileRenameArgs, ProfileSaveArgs, ReportArgs, SendTestArgs,
};
use portolan_core::sensitive::Password;
use portolan_core::settings::{SmtpSettings, WindowSettings};
use portolan_test_support::leak::Scan;
use tauri::ipc::{Channel, InvokeResponseBody};
use tauri::Manager;

const PW: &str = "App Leak \"Canary\" 5t\\Qz&%/+ Pö!";

/// A private X server for the clipboard, stopped when dropped.
struct Xvfb(Child);

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn xvfb() -> Xvfb {
    let mut child = Command::new("Xvfb")
        .args(["-displayfd", "1", "-nolisten", "tcp"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb is installed");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    // The only test in this binary, before any clipboard is opened.
    std::env::set_var("DISPLAY", format!(":{}", line.trim()));
    std::env::remove_var("WAYLAND_DISPLAY");
    Xvfb(child)
}

fn clipboard_text() -> String {
    let out = Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .output()
        .expect("xclip is installed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A channel that keeps what the command sent, as the window would receive it.
fn channel<T: serde::Serialize + Clone>(sink: &Arc<Mutex<Vec<String>>>) -> Channel<T> {
    let sink = sink.clone();
    Channel::new(move |body: InvokeResponseBody| {
        let text = match body {
            InvokeResponseBody::Json(s) => s,
            InvokeResponseBody::Raw(b) => String::from_utf8_lossy(&b).into_owned(),
        };
        sink.lock().unwrap().push(text);
        Ok(())
    })
}

fn reply<T: serde::Serialize>(scan: &mut Scan, what: &str, r: &Result<T, UserError>) {
    scan.flow();
    match r {
        Ok(v) => scan.text(what, &serde_json::to_string(v).unwrap()),
        Err(e) => scan.text(
            what,
            &format!("{e:?} {}", serde_json::to_string(e).unwrap()),
        ),
    }
}

fn files(scan: &mut Scan, dir: &Path) -> usize {
    let mut n = 0;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            n += files(scan, &p);
        } else if let Ok(bytes) = std::fs::read(&p) {
            scan.bytes(&format!("file {}", p.display()), &bytes);
            n += 1;
        }
    }
    n
}

#[tokio::test(flavor = "multi_thread")]
async fn the_password_stays_out_of_every_path_of_the_app() {
    let Some(home) = std::env::var_os("PORTOLAN_TEST_HOME").map(PathBuf::from) else {
        assert!(
            std::env::var("PORTOLAN_REQUIRE_SERVERS").as_deref() != Ok("1"),
            "make test runs this inside scripts/in-test-session.sh"
        );
        eprintln!("skipped: run inside scripts/in-test-session.sh (make test does)");
        return;
    };
    let Some(env) = portolan_test_support::servers::test_servers() else {
        return;
    };
    portolan_test_support::logs::capture();
    let _x = xvfb();
    std::env::set_var("PORTOLAN_CA_FILE", &env["PORTOLAN_TEST_CA_FILE"]);

    let user = env["PORTOLAN_TEST_USER"].to_owned();
    let real = env["PORTOLAN_TEST_PASSWORD"].to_owned();
    let mut scan = Scan::new(&[(user.as_str(), PW), (user.as_str(), real.as_str())]);
    let config = home.join("app-leaks");
    let _ = std::fs::remove_dir_all(&config);

    let app = tauri::test::mock_builder()
        .build(tauri::test::mock_context(tauri::test::noop_assets()))
        .unwrap();
    app.manage(Running::default());
    app.manage(Clipboard::new());
    app.manage(Saved::new(config.clone()));
    let events = Arc::new(Mutex::new(Vec::new()));
    let settings = |port: &str, security: Security| -> WindowSettings {
        SmtpSettings {
            host: env["PORTOLAN_TEST_HOST"].to_owned(),
            port: env[port].parse().unwrap(),
            security,
            username: Some(user.clone()),
            from: env["PORTOLAN_TEST_ADDRESS"].to_owned(),
            allow_plaintext_auth: false,
            cert_exception: None,
            ehlo_name: None,
        }
        .into()
    };
    let tls = || settings("PORTOLAN_TEST_SUBMISSIONS_PORT", Security::Tls);
    let starttls = || settings("PORTOLAN_TEST_SUBMISSION_PORT", Security::Starttls);

    let check_args = |settings: WindowSettings, password: Option<&str>, id: &str| CheckArgs {
        settings,
        password: password.map(|p| Password::new(p.to_owned())),
        profile_id: None,
        provider_id: None,
        request_id: id.to_owned(),
    };
    let copy_args =
        |format: FormatId, profile_id: Option<String>, include_password: bool| ExportCopyArgs {
            format,
            name: Some("Leak test".into()),
            profile_id,
            settings: tls(),
            include_password,
            password: None,
            stamp: None,
            provider_id: Some("gmail".into()),
        };

    // Check: the right password, a wrong one (the canary), over both kinds of encryption.
    for (what, s, pw) in [
        ("check tls real", tls(), real.as_str()),
        ("check tls canary", tls(), PW),
        ("check starttls real", starttls(), real.as_str()),
        ("check starttls canary", starttls(), PW),
    ] {
        let args = check_args(s, Some(pw), what);
        let r = commands::check(args, channel(&events), app.state(), app.state()).await;
        assert!(r.is_ok(), "{what}: {r:?}");
        reply(&mut scan, what, &r);
    }
    // The test email, with the right password and the canary.
    for (what, pw) in [("send real", real.as_str()), ("send canary", PW)] {
        let args = SendTestArgs {
            settings: tls(),
            password: Some(Password::new(pw.to_owned())),
            profile_id: None,
            provider_id: None,
            to: None,
            request_id: what.into(),
        };
        let r = commands::send_test(args, channel(&events), app.state(), app.state()).await;
        reply(&mut scan, what, &r);
    }
    // Error paths: bad settings, a closed port.
    let mut bad = serde_json::to_value(tls()).unwrap();
    bad["port"] = serde_json::json!(65536);
    let args = check_args(bad.into(), Some(PW), "bad");
    let r = commands::check(args, channel(&events), app.state(), app.state()).await;
    assert_eq!(r.as_ref().unwrap_err().code, ErrorCode::InvalidSettings);
    reply(&mut scan, "check bad settings", &r);
    let mut closed = serde_json::to_value(tls()).unwrap();
    closed["port"] = serde_json::json!(env["PORTOLAN_TEST_CLOSED_PORT"].parse::<u16>().unwrap());
    let args = check_args(closed.into(), Some(PW), "closed");
    let r = commands::check(args, channel(&events), app.state(), app.state()).await;
    reply(&mut scan, "check closed port", &r);

    // Save with the canary; check again with the saved profile; list, rename, duplicate.
    let args = ProfileSaveArgs {
        id: None,
        name: "Leak test".into(),
        settings: tls(),
        password: Some(Password::new(PW.to_owned())),
        provider_id: None,
    };
    let saved = commands::profile_save(args, app.state()).await;
    reply(&mut scan, "save", &saved);
    let saved = saved.unwrap();
    assert!(saved.password_saved);
    let mut args = check_args(tls(), None, "recheck");
    args.profile_id = Some(saved.id.clone());
    let r = commands::check(args, channel(&events), app.state(), app.state()).await;
    assert!(r.is_ok(), "{r:?}");
    reply(&mut scan, "check saved profile", &r);
    reply(
        &mut scan,
        "list",
        &commands::profiles_list(app.state()).await,
    );
    let args = ProfileDuplicateArgs {
        id: saved.id.clone(),
        name: None,
    };
    let copy = commands::profile_duplicate(args, app.state()).await;
    reply(&mut scan, "duplicate", &copy);
    let args = ProfileRenameArgs {
        id: copy.unwrap().id,
        name: "Renamed".into(),
    };
    reply(
        &mut scan,
        "rename",
        &commands::profile_rename(args, app.state()).await,
    );
    // Import with the password in the text, and a broken import quoting it.
    let json = serde_json::json!({
        "format": "portolan-profile", "version": 1, "name": "Imported",
        "settings": serde_json::to_value(tls()).unwrap(), "password": PW,
    });
    let args = ImportArgs {
        text: json.to_string(),
    };
    reply(
        &mut scan,
        "import",
        &commands::import_profile(args, app.state()).await,
    );
    let broken = format!(r#"{{"format":"portolan-profile","version":1,"password":"{PW}"}}"#);
    let r = commands::import_profile(ImportArgs { text: broken }, app.state()).await;
    assert!(r.is_err());
    reply(&mut scan, "import broken", &r);

    // Export: the preview and every copy without the password; then one copy with it.
    for f in portolan_core::export::formats() {
        let what = format!("export {}", f.id.as_str());
        let r = commands::export_preview(ExportPreviewArgs {
            format: f.id,
            name: Some("Leak test".into()),
            profile_id: Some(saved.id.clone()),
            settings: tls(),
            stamp: None,
            provider_id: Some("gmail".into()),
        });
        reply(&mut scan, &format!("{what} preview"), &r);
        let args = copy_args(f.id, Some(saved.id.clone()), false);
        let r = commands::export_copy(args, app.state(), app.state()).await;
        reply(&mut scan, &format!("{what} copy"), &r);
        scan.text(&format!("{what} clipboard"), &clipboard_text());
    }
    let args = copy_args(FormatId::Env, Some(saved.id.clone()), true);
    let r = commands::export_copy(args, app.state(), app.state()).await;
    reply(&mut scan, "export with the password (reply)", &r);
    let outcome = r.unwrap();
    assert!(outcome.includes_password);
    assert!(outcome
        .message
        .contains("clears it from the clipboard in 30 seconds"));
    assert!(
        clipboard_text().contains("Canary"),
        "the one copy the user asked for holds the password"
    );
    // A copy with no password to include: an error without it.
    let r = commands::export_copy(
        copy_args(FormatId::Env, None, true),
        app.state(),
        app.state(),
    )
    .await;
    reply(&mut scan, "export with no password known", &r);

    // The report for support, from a check with the canary.
    let args = check_args(tls(), Some(PW), "for report");
    let report = commands::check(args, channel(&events), app.state(), app.state())
        .await
        .unwrap();
    let r = commands::copy_report(ReportArgs { report }, app.state());
    reply(&mut scan, "copy report", &r);
    scan.text("report clipboard", &clipboard_text());

    // Delete everything; the list afterwards.
    let list = commands::profiles_list(app.state()).await.unwrap();
    for p in list.profiles {
        let args = ProfileDeleteArgs { id: p.profile.id };
        reply(
            &mut scan,
            "delete",
            &commands::profile_delete(args, app.state()).await,
        );
    }
    let events = events.lock().unwrap().clone();
    assert!(events.len() > 20, "the commands streamed their steps");
    for e in &events {
        scan.text("event", e);
    }
    let logs = portolan_test_support::logs::lines();
    for l in &logs {
        scan.text("log line", l);
    }
    // The app's folder for both passwords; the whole test HOME (the keyring's own file
    // included) for the canary, which only this test uses.
    let n = files(&mut scan, &config);
    let mut canary_only = Scan::new(&[(user.as_str(), PW)]);
    let m = files(&mut canary_only, &home);
    println!(
        "{} events, {} log lines, {n} files in the app's folder, {m} under the test HOME",
        events.len(),
        logs.len()
    );
    scan.merge(canary_only);
    scan.finish("the app's commands");
}
