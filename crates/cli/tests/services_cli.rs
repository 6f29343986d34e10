#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `portolan services` lists the sending services and shows one, in the core's words.

use std::process::Command;

use portolan_core::discover::catalogue::{sending_service, sending_service_views, SendingService};

fn portolan() -> Command {
    Command::new(env!("CARGO_BIN_EXE_portolan"))
}

#[test]
fn services_lists_every_sending_service_by_id() {
    let out = portolan().arg("services").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for s in sending_service_views() {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&s.id) && l.ends_with(&s.name)),
            "{}: {text}",
            s.id
        );
    }
}

#[test]
fn one_service_shows_its_server_user_name_and_key_page() {
    let out = portolan().args(["services", "sendgrid"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("smtp.sendgrid.net port 587"), "{text}");
    assert!(text.contains("User name: apikey"), "{text}");
    assert!(
        text.contains("https://app.sendgrid.com/settings/api_keys"),
        "{text}"
    );

    let out = portolan()
        .args(["services", "amazon-ses-eu-west-1", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let parsed: SendingService = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(Some(parsed), sending_service("amazon-ses-eu-west-1"));
}

#[test]
fn an_unknown_service_is_a_clear_error() {
    let out = portolan()
        .args(["services", "no-such-service"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("no service called \"no-such-service\""),
        "{err}"
    );
}

/// A profile saved for a sending service keeps it: `profiles show` names the service again,
/// with what goes in the user-name field and where the key is made; an update on the same
/// server keeps it; an id that is not a service is refused and nothing is saved.
#[test]
fn a_profile_saved_for_a_service_shows_its_words_again() {
    let dir = std::env::temp_dir().join(format!("portolan-service-profile-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let run = |args: &[&str]| {
        let out = portolan()
            .args(args)
            .env("XDG_CONFIG_HOME", &dir)
            .env_remove("PORTOLAN_PASSWORD")
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    };
    let save = |service: Option<&str>| {
        let mut args = vec![
            "profiles",
            "save",
            "Shop",
            "--host",
            "email-smtp.eu-west-1.amazonaws.com",
            "--port",
            "587",
            "--security",
            "starttls",
            "--user",
            "AKIAEXAMPLESMTPUSER",
            "--from",
            "shop@example.com",
            "--no-password",
        ];
        if let Some(s) = service {
            args.extend(["--service", s]);
        }
        run(&args)
    };
    let ses = sending_service("amazon-ses-eu-west-1").unwrap();
    let (code, out) = save(Some("amazon-ses-eu-west-1"));
    assert_eq!(code, 0, "{out}");
    let shows_the_service = |out: &str| {
        out.contains("Sending service: Amazon SES (Europe, Ireland)")
            && out.contains("not your AWS access keys")
            && out.contains(&format!(
                "{}: {}",
                ses.key_link_label,
                ses.key_link.as_deref().unwrap()
            ))
    };
    let (code, out) = run(&["profiles", "show", "Shop"]);
    assert_eq!(code, 0, "{out}");
    assert!(shows_the_service(&out), "{out}");
    let (_, json) = run(&["profiles", "show", "Shop", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap_or_else(|_| panic!("{json}"));
    assert_eq!(v["provider_id"], "amazon-ses-eu-west-1", "{json}");

    // Saved again on the same server without --service: the service stays.
    let (code, out) = save(None);
    assert_eq!(code, 0, "{out}");
    assert!(shows_the_service(&run(&["profiles", "show", "Shop"]).1));

    // Exported as Portolan's JSON and imported elsewhere: the service comes along.
    let (code, json) = run(&["export", "Shop", "--format", "json"]);
    assert_eq!(code, 0, "{json}");
    assert!(
        json.contains("\"provider\": \"amazon-ses-eu-west-1\""),
        "{json}"
    );
    let file = dir.join("shop.json");
    std::fs::write(&file, &json).unwrap();
    let elsewhere = dir.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let there = |args: &[&str]| {
        let out = portolan()
            .args(args)
            .env("XDG_CONFIG_HOME", &elsewhere)
            .env_remove("PORTOLAN_PASSWORD")
            .output()
            .unwrap();
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    let imported = there(&["import", file.to_str().unwrap()]);
    assert!(imported.contains("Shop"), "{imported}");
    let out = there(&["profiles", "show", "Shop"]);
    assert!(shows_the_service(&out), "{out}");

    // Not a sending service: refused with the list's sentence, nothing saved.
    let (code, out) = run(&[
        "profiles",
        "save",
        "Other",
        "--host",
        "smtp.example.com",
        "--from",
        "shop@example.com",
        "--no-password",
        "--service",
        "gmail",
    ]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("no service called \"gmail\""), "{out}");
    let (_, list) = run(&["profiles", "list"]);
    assert!(!list.contains("Other"), "{list}");
    let _ = std::fs::remove_dir_all(&dir);
}
