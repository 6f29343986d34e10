//! The settings' checks: every field, every limit, every sentence.

use super::*;

fn good() -> SmtpSettings {
    SmtpSettings {
        host: "smtp.example.com".into(),
        port: 587,
        security: Security::Starttls,
        username: Some("alice@example.com".into()),
        from: "alice@example.com".into(),
        allow_plaintext_auth: false,
        cert_exception: None,
        ehlo_name: None,
    }
}

#[test]
fn good_settings_validate() {
    assert_eq!(good().validate(), Ok(()));
}

#[test]
fn each_bad_field_is_named_with_what_to_do() {
    let s = SmtpSettings {
        host: "smtp://mail.example.com".into(),
        port: 0,
        username: Some("a\r\nb".into()),
        from: "alice".into(),
        ..good()
    };
    let errs = s.validate().unwrap_err();
    let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["host", "port", "username", "from"]);
}

#[test]
fn window_settings_out_of_range_get_a_sentence_naming_the_field() {
    let mut v = serde_json::to_value(good()).unwrap();
    v["port"] = serde_json::json!(65536);
    let e = WindowSettings::from(v.clone()).parse().unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidSettings);
    assert!(e
        .message
        .contains("The port must be a whole number from 1 to 65535, not 65536"));
    v["port"] = serde_json::json!(587);
    v["host"] = serde_json::json!("h".repeat(10 * 1024 * 1024));
    let e = WindowSettings::from(v.clone()).parse().unwrap_err();
    assert!(e
        .message
        .starts_with("The server name is 10485760 characters long"));
    assert!(e.message.len() < 300, "the value is not echoed");
    v["host"] = serde_json::json!("xn--.example");
    let e = WindowSettings::from(v.clone()).parse().unwrap_err();
    assert!(
        e.message.contains("\"xn--\" of the server name"),
        "{}",
        e.message
    );
    v["host"] = serde_json::json!(42);
    v["security"] = serde_json::json!("ssl");
    let e = WindowSettings::from(v).parse().unwrap_err();
    assert!(
        e.message.contains("The server name must be text"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("The security setting must be one of"),
        "{}",
        e.message
    );
    let e = WindowSettings::from(serde_json::json!("nope"))
        .parse()
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidSettings);
    assert_eq!(WindowSettings::from(good()).parse().unwrap(), good());
}

#[test]
fn broken_punycode_is_refused_and_real_punycode_kept() {
    assert!(validate_host("xn--.example").is_err());
    assert!(validate_host("xn--zz-.example").is_err());
    assert!(validate_host("xn--bcher-kva.example").is_ok());
    assert!(validate_host("XN--BCHER-KVA.example").is_ok());
    assert!(validate_host("bücher.example").is_ok());
}

#[test]
fn host_refuses_address_port_and_space() {
    assert!(validate_host("alice@example.com").is_err());
    assert!(validate_host("smtp.example.com:587").is_err());
    assert!(validate_host("smtp example.com").is_err());
    assert!(validate_host("::1").is_ok());
    assert!(validate_host("127.0.0.1").is_ok());
}
