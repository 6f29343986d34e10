//! Every export format, read back by a parser that is not ours: dotenvy for `.env`, Python for
//! Django, Node.js for Nodemailer, PHP for PHPMailer and wp-config.php, the `url` crate for the
//! SMTP URL, msmtp itself for `.msmtprc`, Postfix's `postconf` and `postmap` for `main.cf` and
//! `sasl_passwd`, Python's `shlex` (a POSIX shell's word splitting) for the check commands,
//! roxmltree and discovery's own autoconfig reader for the Thunderbird XML, and our import for
//! the JSON. Hostile values (quotes, `$`, backslashes, `#`, spaces, Unicode, XML and URL
//! metacharacters) must come back exactly. A canary password must be absent from every format
//! unless asked for, in clear and in its base64 forms.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use portolan_core::error::ErrorCode;
use portolan_core::export::{self, ExportInput, Exported, FormatId, PASSWORD_PLACEHOLDER};
use portolan_core::ports::Security;
use portolan_core::sensitive::Sensitive;
use portolan_core::settings::SmtpSettings;
use proptest::prelude::*;

/// Values that break naive quoting somewhere. None has a line break (fields are one line).
const HOSTILE: &[&str] = &[
    "plain-Passw0rd",
    "pa$s\"w'd",
    "back\\slash\\\\end\\",
    "`whoami` $(id) ${HOME} $HOME",
    "#not a comment; ok",
    " leading and trailing ",
    "ünïcødé–密码🔑",
    "%40%25+&=?/:@#[]",
    "<tag attr=\"x\">&amp;]]>",
    "'single' \"double\" 'it''s'",
    "a=b c=d",
    "\\'\\\"\\$",
];

fn settings(security: Security, port: u16, user: &str) -> SmtpSettings {
    SmtpSettings {
        host: "smtp.example.com".into(),
        port,
        security,
        username: Some(user.into()),
        from: "me@example.com".into(),
        allow_plaintext_auth: false,
        cert_exception: None,
        ehlo_name: None,
    }
}

fn input(name: &str, user: &str, password: &str) -> ExportInput {
    ExportInput {
        name: Some(name.into()),
        profile_id: Some("1b4e28ba-2fa1-11d2-883f-0016cb7b0b19".into()),
        settings: settings(Security::Starttls, 587, user),
        password: Some(Sensitive::new(password.to_owned())),
        provider_id: None,
    }
}

fn render(f: FormatId, inp: &ExportInput, with_password: bool) -> Exported {
    export::export(f, inp, with_password)
        .unwrap_or_else(|e| panic!("{f} refused {:?}: {e}", inp.settings.username))
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("portolan-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json_map(text: &str) -> HashMap<String, serde_json::Value> {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

// ---- in-process parsers ----------------------------------------------------------------

fn dotenv(text: &str) -> HashMap<String, String> {
    dotenvy::from_read_iter(text.as_bytes())
        .map(|r| r.unwrap_or_else(|e| panic!("dotenvy: {e}\n{text}")))
        .collect()
}

fn check_env(value: &str) {
    let inp = input(value, value, value);
    let env = dotenv(&render(FormatId::Env, &inp, true).text);
    assert_eq!(env["SMTP_USERNAME"], value);
    assert_eq!(env["SMTP_PASSWORD"], value);
    assert_eq!(env["SMTP_HOST"], "smtp.example.com");
    assert_eq!(env["SMTP_PORT"], "587");
    assert_eq!(env["SMTP_SECURITY"], "starttls");
    let env = dotenv(&render(FormatId::Laravel, &inp, true).text);
    assert_eq!(env["MAIL_USERNAME"], value);
    assert_eq!(env["MAIL_PASSWORD"], value);
    assert_eq!(env["MAIL_ENCRYPTION"], "tls");
    let env = dotenv(&render(FormatId::Env, &inp, false).text);
    assert_eq!(env["SMTP_PASSWORD"], PASSWORD_PLACEHOLDER);
}

fn check_url(value: &str) {
    let inp = input(value, value, value);
    let text = render(FormatId::SmtpUrl, &inp, true).text;
    let url = url::Url::parse(text.trim()).unwrap_or_else(|e| panic!("{e}: {text}"));
    let decode =
        |s: &str| percent_decode(s).unwrap_or_else(|| panic!("not percent-encoded UTF-8: {s}"));
    assert_eq!(url.scheme(), "smtp");
    assert_eq!(url.host_str(), Some("smtp.example.com"));
    assert_eq!(url.port(), Some(587));
    assert_eq!(decode(url.username()), value);
    assert_eq!(decode(url.password().unwrap()), value);
    let tls = settings(Security::Tls, 465, value);
    let text = export::export(
        FormatId::SmtpUrl,
        &ExportInput {
            settings: tls,
            ..inp.clone()
        },
        false,
    )
    .unwrap()
    .text;
    let url = url::Url::parse(text.trim()).unwrap();
    assert_eq!(url.scheme(), "smtps");
    assert_eq!(url.port(), Some(465));
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn check_json(value: &str) {
    let inp = input(value, value, value);
    for with in [false, true] {
        let text = render(FormatId::Json, &inp, with).text;
        let back = export::import_json(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        assert_eq!(back.name, value.trim());
        assert_eq!(back.settings, inp.settings);
        assert_eq!(
            back.password.as_ref().map(|p| p.expose().as_str()),
            with.then_some(value)
        );
    }
}

fn check_thunderbird(value: &str) {
    let inp = input(value, value, value);
    let text = render(FormatId::Thunderbird, &inp, true).text;
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let get = |tag: &str| {
        doc.descendants()
            .find(|n| n.has_tag_name(tag))
            .and_then(|n| n.text())
            .map(str::to_owned)
    };
    assert_eq!(get("username").as_deref(), Some(value));
    assert_eq!(get("displayName").as_deref(), Some(value));
    assert_eq!(get("username").as_deref(), Some(value));
    // Discovery's own reader (the same code that reads providers' files) gets the settings.
    let addr = portolan_core::discover::address::parse("me@example.com").unwrap();
    let cfg = portolan_core::discover::autoconfig::parse(&text, &addr).unwrap();
    let s = &cfg.servers[0];
    assert_eq!(
        (s.host.as_str(), s.port, s.security),
        ("smtp.example.com", 587, Security::Starttls)
    );
    // Discovery trims the whitespace around element text, as XML readers usually do.
    assert_eq!(s.username.as_deref(), Some(value.trim()));
}

#[test]
fn env_and_laravel_read_back_with_dotenvy() {
    HOSTILE.iter().for_each(|v| check_env(v));
}

#[test]
fn smtp_url_reads_back_with_the_url_crate() {
    HOSTILE.iter().for_each(|v| check_url(v));
}

#[test]
fn json_round_trips_through_import() {
    HOSTILE.iter().for_each(|v| check_json(v));
}

#[test]
fn thunderbird_xml_reads_back_with_roxmltree_and_discovery() {
    HOSTILE.iter().for_each(|v| check_thunderbird(v));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any one-line value (no control characters) survives the in-process parsers.
    #[test]
    fn any_one_line_value_round_trips(value in "[^\\p{Cc}]{1,40}") {
        prop_assume!(!value.trim().is_empty());
        check_env(&value);
        check_url(&value);
        check_json(&value);
        check_thunderbird(&value);
    }

    /// A password with control characters is written exactly or refused with a sentence,
    /// never garbled.
    #[test]
    fn control_characters_are_escaped_or_refused(value in "[a-z]{0,3}[\\x00-\\x1f\\x7f][a-z\\x00-\\x1f]{0,5}") {
        let inp = ExportInput {
            password: Some(Sensitive::new(value.clone())),
            ..input("Name", "user", "unused")
        };
        for f in FormatId::ALL {
            match export::export(f, &inp, true) {
                Ok(e) => {
                    if f == FormatId::Json {
                        let back = export::import_json(&e.text).unwrap();
                        let pw = back.password.unwrap();
                        prop_assert_eq!(pw.expose(), &value);
                    }
                    if f == FormatId::Env {
                        prop_assert_eq!(&dotenv(&e.text)["SMTP_PASSWORD"], &value);
                    }
                }
                Err(e) => {
                    prop_assert_eq!(e.code(), ErrorCode::ExportNotRepresentable);
                    prop_assert!(e.to_string().contains("password"), "{}", e);
                }
            }
        }
    }
}

// ---- other programs' parsers ---------------------------------------------------------------

#[test]
fn django_settings_read_back_with_python() {
    for v in HOSTILE {
        let text = render(FormatId::Django, &input(v, v, v), true).text;
        let file = tmp("settings.py");
        std::fs::write(&file, &text).unwrap();
        let out = run(Command::new("python3").args([
            "-c",
            "import json,runpy,sys; g=runpy.run_path(sys.argv[1]); \
             print(json.dumps({k: g[k] for k in g if k.startswith('EMAIL_')}))",
            file.to_str().unwrap(),
        ]));
        let m = json_map(&out);
        assert_eq!(m["EMAIL_HOST_USER"], *v, "{text}");
        assert_eq!(m["EMAIL_HOST_PASSWORD"], *v, "{text}");
        assert_eq!(m["EMAIL_PORT"], 587);
        assert_eq!(m["EMAIL_USE_TLS"], true);
        assert_eq!(m["EMAIL_USE_SSL"], false);
    }
}

#[test]
fn nodemailer_options_read_back_with_node() {
    let dir = tmp("node");
    let stub = dir.join("node_modules/nodemailer");
    std::fs::create_dir_all(&stub).unwrap();
    std::fs::write(
        stub.join("index.js"),
        "exports.createTransport = (o) => o;\n",
    )
    .unwrap();
    for v in HOSTILE {
        let text = render(FormatId::Nodemailer, &input(v, v, v), true).text;
        let file = dir.join("mail.js");
        std::fs::write(
            &file,
            format!("{text}\nconsole.log(JSON.stringify({{ t: transporter, from }}));\n"),
        )
        .unwrap();
        let out = run(Command::new("node").arg(&file));
        let m = json_map(&out);
        assert_eq!(m["t"]["auth"]["user"], *v, "{text}");
        assert_eq!(m["t"]["auth"]["pass"], *v, "{text}");
        assert_eq!(m["t"]["port"], 587);
        assert_eq!(m["t"]["secure"], false);
        assert_eq!(m["t"]["requireTLS"], true);
    }
}

const PHPMAILER_STUB: &str = r#"<?php
namespace PHPMailer\PHPMailer {
    class PHPMailer {
        const ENCRYPTION_STARTTLS = 'tls';
        const ENCRYPTION_SMTPS = 'ssl';
        public $Host; public $Port; public $SMTPSecure = ''; public $SMTPAuth = false;
        public $Username = ''; public $Password = ''; public $From = ''; public $FromName = '';
        public $SMTPAutoTLS = true; public $Mailer = 'mail';
        public function __construct($exceptions = null) {}
        public function isSMTP() { $this->Mailer = 'smtp'; }
        public function setFrom($address, $name = '') { $this->From = $address; $this->FromName = $name; }
    }
}
"#;

fn php(code_file: &Path, prepend: Option<&Path>) -> String {
    let mut cmd = Command::new("php");
    if let Some(p) = prepend {
        cmd.arg("-d")
            .arg(format!("auto_prepend_file={}", p.display()));
    }
    run(cmd.arg(code_file))
}

#[test]
fn phpmailer_and_wordpress_constants_read_back_with_php() {
    let stub = tmp("phpmailer-stub.php");
    std::fs::write(&stub, PHPMAILER_STUB).unwrap();
    for v in HOSTILE {
        let inp = input(v, v, v);
        let text = render(FormatId::Phpmailer, &inp, true).text;
        let file = tmp("mailer.php");
        std::fs::write(
            &file,
            format!("{text}\necho json_encode(get_object_vars($mail));\n"),
        )
        .unwrap();
        run(Command::new("php").arg("-l").arg(&file));
        let m = json_map(&php(&file, Some(&stub)));
        assert_eq!(m["Username"], *v, "{text}");
        assert_eq!(m["Password"], *v, "{text}");
        assert_eq!(m["Port"], 587);
        assert_eq!(m["SMTPSecure"], "tls");
        assert_eq!(m["SMTPAuth"], true);
        assert_eq!(m["Mailer"], "smtp");

        for (f, user, pass) in [
            (FormatId::WpMailSmtp, "WPMS_SMTP_USER", "WPMS_SMTP_PASS"),
            (
                FormatId::Fluentsmtp,
                "FLUENTMAIL_SMTP_USERNAME",
                "FLUENTMAIL_SMTP_PASSWORD",
            ),
        ] {
            let text = render(f, &inp, true).text;
            let file = tmp("wp-config.php");
            std::fs::write(
                &file,
                format!("<?php\n{text}\necho json_encode(['u' => {user}, 'p' => {pass}]);\n"),
            )
            .unwrap();
            run(Command::new("php").arg("-l").arg(&file));
            let m = json_map(&php(&file, None));
            assert_eq!(m["u"], *v, "{text}");
            assert_eq!(m["p"], *v, "{text}");
        }
    }
}

#[test]
fn msmtprc_reads_back_with_msmtp() {
    for v in HOSTILE {
        let inp = input(v, v, v);
        let text = render(FormatId::Msmtprc, &inp, true).text;
        let file = tmp("msmtprc");
        std::fs::write(&file, &text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        // msmtp masks the password in --pretend; it is written with the same quoting as the
        // user name, which msmtp prints back.
        let out = run(Command::new("msmtp")
            .arg("-C")
            .arg(&file)
            .arg("--pretend")
            .env("HOME", tmp("")));
        let field = |k: &str| {
            out.lines()
                .find_map(|l| l.strip_prefix(&format!("{k} = ")))
                .map(str::to_owned)
        };
        assert_eq!(field("user").as_deref(), Some(*v), "{text}\n{out}");
        assert_eq!(field("host").as_deref(), Some("smtp.example.com"));
        assert_eq!(field("port").as_deref(), Some("587"));
        assert_eq!(field("tls_starttls").as_deref(), Some("on"));
        assert_eq!(field("password").as_deref(), Some("*"), "a password is set");
    }
}

#[test]
fn the_ehlo_name_travels_to_msmtp_and_swaks() {
    let mut inp = input("Work", "me@example.com", "pw");
    inp.settings.ehlo_name = Some("laptop.example.com".into());
    let text = render(FormatId::Msmtprc, &inp, false).text;
    let file = tmp("msmtprc-ehlo");
    std::fs::write(&file, &text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let out = run(Command::new("msmtp")
        .arg("-C")
        .arg(&file)
        .arg("--pretend")
        .env("HOME", tmp("")));
    assert!(
        out.lines().any(|l| l == "domain = laptop.example.com"),
        "{text}\n{out}"
    );
    let swaks = render(FormatId::CheckSwaks, &inp, false).text;
    let line = swaks.lines().last().unwrap();
    let words = shell_words(line);
    let at = words.iter().position(|w| w == "--ehlo").unwrap();
    assert_eq!(words[at + 1], "laptop.example.com", "{swaks}");
}

#[test]
fn the_ehlo_name_travels_to_postfix_laravel_nodemailer_and_phpmailer() {
    let mut inp = input("Work", "me@example.com", "pw");
    inp.settings.ehlo_name = Some("laptop.example.com".into());
    let postfix = render(FormatId::Postfix, &inp, false).text;
    assert!(
        postfix
            .lines()
            .any(|l| l == "smtp_helo_name = laptop.example.com"),
        "{postfix}"
    );
    let laravel = render(FormatId::Laravel, &inp, false).text;
    assert_eq!(
        dotenv(&laravel)["MAIL_EHLO_DOMAIN"],
        "laptop.example.com",
        "{laravel}"
    );
    let node = render(FormatId::Nodemailer, &inp, false).text;
    assert!(node.contains("  name: \"laptop.example.com\","), "{node}");
    let php = render(FormatId::Phpmailer, &inp, false).text;
    assert!(php.contains("$mail->Helo = 'laptop.example.com';"), "{php}");
    // Without the setting, none of them names one.
    inp.settings.ehlo_name = None;
    for f in [
        FormatId::Postfix,
        FormatId::Laravel,
        FormatId::Nodemailer,
        FormatId::Phpmailer,
    ] {
        let t = render(f, &inp, false).text;
        assert!(!t.contains("laptop") && !t.contains("EHLO"), "{t}");
    }
}

#[test]
fn postfix_lines_read_back_with_postconf_and_postmap() {
    let v = "pa$s\"w'd #x";
    let text = render(
        FormatId::Postfix,
        &input("Relay", "me@example.com", v),
        true,
    )
    .text;
    let conf = tmp("postfix");
    std::fs::create_dir_all(&conf).unwrap();
    let main_cf: String = text
        .lines()
        .take_while(|l| !l.starts_with("# 2."))
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(conf.join("main.cf"), format!("{main_cf}\n")).unwrap();
    let out = run(Command::new("postconf").arg("-c").arg(&conf).args([
        "-h",
        "relayhost",
        "smtp_tls_security_level",
        "smtp_sasl_auth_enable",
    ]));
    let got: Vec<&str> = out.lines().collect();
    assert_eq!(got, ["[smtp.example.com]:587", "encrypt", "yes"], "{text}");
    let line = text
        .lines()
        .skip_while(|l| !l.starts_with("# 2."))
        .nth(1)
        .unwrap();
    let map = conf.join("sasl_passwd");
    std::fs::write(&map, format!("{line}\n")).unwrap();
    run(Command::new("postmap")
        .arg("-c")
        .arg(&conf)
        .arg(format!("hash:{}", map.display())));
    let out = run(Command::new("postmap")
        .arg("-c")
        .arg(&conf)
        .arg("-q")
        .arg("[smtp.example.com]:587")
        .arg(format!("hash:{}", map.display())));
    assert_eq!(out.trim_end(), format!("me@example.com:{v}"));
}

fn shell_words(cmd_line: &str) -> Vec<String> {
    let out = run(Command::new("python3").args([
        "-c",
        "import json,shlex,sys; print(json.dumps(shlex.split(sys.argv[1], comments=True)))",
        cmd_line,
    ]));
    serde_json::from_str(&out).unwrap()
}

#[test]
fn check_commands_split_into_the_right_words_in_a_posix_shell() {
    for v in HOSTILE {
        let inp = input(v, v, v);
        let swaks = render(FormatId::CheckSwaks, &inp, true).text;
        let words = shell_words(&swaks);
        let after = |flag: &str| {
            let i = words.iter().position(|w| w == flag).unwrap();
            words[i + 1].clone()
        };
        assert_eq!(words[0], "swaks");
        assert_eq!(after("--server"), "smtp.example.com:587");
        assert_eq!(after("--auth-user"), *v, "{swaks}");
        assert_eq!(after("--auth-password"), *v, "{swaks}");
        assert!(words.contains(&"--tls".to_owned()));
        let openssl = render(FormatId::CheckOpenssl, &inp, true).text;
        let words = shell_words(&openssl);
        assert_eq!(
            words,
            [
                "openssl",
                "s_client",
                "-starttls",
                "smtp",
                "-connect",
                "smtp.example.com:587",
                "-servername",
                "smtp.example.com",
                "-crlf"
            ]
        );
        let ps = render(FormatId::CheckPowershell, &inp, true).text;
        assert!(ps.contains("Test-NetConnection -ComputerName 'smtp.example.com' -Port 587"));
    }
}

#[test]
fn the_card_lists_each_value_on_its_own_line() {
    let inp = input("Shop", "me@example.com", "unused");
    let text = render(FormatId::Card, &inp, false).text;
    for needle in [
        "smtp.example.com",
        "587",
        "STARTTLS",
        "me@example.com",
        "left out",
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
}

// ---- the password stays out unless asked for ------------------------------------------------

/// The canary, and every base64 form it can take on the wire or in a file: AUTH PLAIN's
/// `\0user\0pass`, AUTH LOGIN's password alone, and the three alignments of the password inside
/// a longer base64 stream (edge characters that depend on neighbours trimmed).
fn canary_forms(user: &str, pw: &str) -> Vec<String> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut forms = vec![
        pw.to_owned(),
        b64.encode(format!("\0{user}\0{pw}")),
        b64.encode(pw),
    ];
    for shift in 0..3usize {
        let mut bytes = vec![0u8; shift];
        bytes.extend_from_slice(pw.as_bytes());
        let enc = b64.encode(&bytes);
        let start = (shift * 4).div_ceil(3);
        let inner: String = enc.trim_end_matches('=').chars().skip(start).collect();
        let inner = &inner[..inner.len().saturating_sub(1)];
        forms.push(inner.to_owned());
    }
    forms
}

#[test]
fn no_format_holds_the_password_unless_asked() {
    let pw = "Canary-Export-7f3a9c";
    let user = "canary-user@example.com";
    let forms = canary_forms(user, pw);
    for security in [Security::Tls, Security::Starttls, Security::None] {
        let inp = ExportInput {
            settings: SmtpSettings {
                allow_plaintext_auth: security == Security::None,
                ..settings(security, 2525, user)
            },
            ..input("Canary", user, pw)
        };
        for f in FormatId::ALL {
            let e = render(f, &inp, false);
            assert!(!e.includes_password);
            let dump = format!("{e:?}");
            for form in &forms {
                assert!(
                    !e.text.contains(form.as_str()),
                    "{f} leaks {form}: {}",
                    e.text
                );
                assert!(!dump.contains(form.as_str()), "{f} debug leaks {form}");
            }
            let with = render(f, &inp, true);
            let info = export::info(f);
            assert_eq!(with.includes_password, info.can_hold_password, "{f}");
            if with.includes_password {
                assert!(
                    with.warnings[0].contains("contains your password"),
                    "{f}: {:?}",
                    with.warnings
                );
            } else {
                assert!(!with.text.contains(pw), "{f}");
                assert!(
                    !with.warnings.is_empty(),
                    "{f} says the password was left out"
                );
            }
        }
    }
}

#[test]
fn asking_for_the_password_without_one_is_a_sentence() {
    let mut inp = input("X", "me@example.com", "unused");
    inp.password = None;
    let e = export::export(FormatId::Env, &inp, true).unwrap_err();
    assert_eq!(e.code(), ErrorCode::ExportNoPassword);
    assert!(e.to_string().contains("no saved password"), "{e}");
}

#[test]
fn portolan_json_keeps_the_provider_the_profile_was_made_for() {
    let inp = ExportInput {
        provider_id: Some("sendgrid".into()),
        ..input("Shop", "apikey", "unused")
    };
    let e = render(FormatId::Json, &inp, false);
    assert!(e.text.contains("\"provider\": \"sendgrid\""), "{}", e.text);
    let back = export::import_json(&e.text).unwrap();
    assert_eq!(back.provider_id.as_deref(), Some("sendgrid"));
    // Files written before the field existed import as before.
    let old = e.text.replace("  \"provider\": \"sendgrid\",\n", "");
    assert!(!old.contains("provider"), "{old}");
    assert_eq!(export::import_json(&old).unwrap().provider_id, None);
    // A provider that is not an id from the list is named as the problem.
    for bad in ["\"../gmail\"", "42", "\"Gmail\"", "\"\""] {
        let text = e.text.replace("\"sendgrid\"", bad);
        let err = export::import_json(&text).unwrap_err();
        assert!(format!("{err}").contains("provider"), "{bad}: {err}");
    }
}
