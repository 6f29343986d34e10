//! The classification by stage, reply code and enhanced status code, case by case.

use super::*;
use crate::smtp::EnhancedCode;

fn settings() -> SmtpSettings {
    SmtpSettings {
        host: "smtp.example.com".into(),
        port: 587,
        security: Security::Starttls,
        username: Some("a@example.com".into()),
        from: "a@example.com".into(),
        allow_plaintext_auth: false,
        cert_exception: None,
    }
}

fn reply(code: u16, text: &str) -> Reply {
    Reply {
        code,
        enhanced: EnhancedCode::parse(text, code),
        lines: vec![text.to_owned()],
    }
}

fn code_for(stage: Stage, code: u16, text: &str) -> C {
    let s = settings();
    let ctx = Context {
        settings: &s,
        tls: None,
        server: None,
    };
    diagnose(
        &Failure::Reply {
            stage,
            reply: reply(code, text),
        },
        &ctx,
    )
    .code
}

#[test]
fn auth_replies_are_classified_by_enhanced_code_not_words() {
    assert_eq!(
        code_for(Stage::Auth, 535, "5.7.8 Error: authentication failed"),
        C::AuthFailed
    );
    assert_eq!(
        code_for(
            Stage::Auth,
            534,
            "5.7.9 Application-specific password required"
        ),
        C::AppPasswordRequired
    );
    assert_eq!(
        code_for(
            Stage::Auth,
            535,
            "5.7.139 Authentication unsuccessful, basic auth disabled"
        ),
        C::OauthRequired
    );
    // Words alone never decide: an app-password sentence with a plain 5.7.8 is a failure.
    assert_eq!(
        code_for(
            Stage::Auth,
            535,
            "5.7.8 app password required, certificate spam"
        ),
        C::AuthFailed
    );
    assert_eq!(
        code_for(Stage::Auth, 454, "4.7.0 Temporary failure"),
        C::ServerBusy
    );
}

#[test]
fn envelope_refusals_get_their_codes() {
    assert_eq!(
        code_for(Stage::RcptTo, 554, "5.7.1 <x@y>: Relay access denied"),
        C::RelayDenied
    );
    assert_eq!(
        code_for(Stage::RcptTo, 550, "5.1.1 <x@y>: User unknown"),
        C::RecipientRejected
    );
    assert_eq!(
        code_for(Stage::RcptTo, 450, "4.2.0 Greylisted, see url"),
        C::Greylisted
    );
    assert_eq!(
        code_for(Stage::MailFrom, 553, "5.7.1 Sender address rejected"),
        C::SenderRejected
    );
    assert_eq!(
        code_for(Stage::MailFrom, 530, "5.7.0 Authentication required"),
        C::AuthRequired
    );
    assert_eq!(
        code_for(Stage::Data, 554, "5.6.0 Message refused"),
        C::MessageRejected
    );
    assert_eq!(
        code_for(Stage::Greeting, 421, "4.3.2 Service shutting down"),
        C::ServerBusy
    );
    assert_eq!(
        code_for(Stage::Greeting, 554, "5.7.1 You are blocked"),
        C::GreetingRefused
    );
}
