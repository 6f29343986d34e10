//! The test email: sent over a checked session (MAIL FROM, RCPT TO, DATA), with the server's
//! final reply (its queue id) reported. The message itself is [`message`]'s.

mod message;

use crate::diagnose::Failure;
use crate::error::UserError;
use crate::observer::Observer;
use crate::recorder::Recorder;
use crate::report::{Report, Stage};
use crate::sensitive::Password;
use crate::session::{self, command, refused, CheckOptions, Session};
use crate::settings::SmtpSettings;

pub use crate::report::SentInfo;
pub use message::{new_message_id, new_test_code, SendPlan, CODE_LEN, SUBJECT};

/// Checks `settings` and, when that works, sends the test email (to `to`, or to the sender).
/// The report's `sent` holds the server's acceptance; its verdict says why it failed.
pub async fn send_test(
    settings: &SmtpSettings,
    password: Option<&Password>,
    to: Option<&str>,
    opts: &CheckOptions,
    observer: &dyn Observer,
) -> Result<Report, UserError> {
    // The settings' own fields first, so they are refused as in a check (invalid_settings).
    settings.validate_for_user()?;
    let plan = SendPlan::test_message(settings, to)?;
    let work = async |session: &mut Session, rec: &mut Recorder<'_>| {
        transmit(session, rec, &plan).await.map(Some)
    };
    session::run(settings, password, opts, observer, work).await
}

/// MAIL FROM, RCPT TO, DATA over an established session.
async fn transmit(
    session: &mut Session,
    rec: &mut Recorder<'_>,
    plan: &SendPlan,
) -> Result<SentInfo, Failure> {
    let conn = &mut session.conn;
    let utf8 = !plan.from.is_ascii() || !plan.to.is_ascii();
    let params = if utf8 && session.ehlo.smtputf8 {
        " SMTPUTF8"
    } else {
        ""
    };
    for (stage, line) in [
        (
            Stage::MailFrom,
            format!("MAIL FROM:<{}>{params}", plan.from),
        ),
        (Stage::RcptTo, format!("RCPT TO:<{}>", plan.to)),
        (Stage::Data, "DATA".to_owned()),
    ] {
        rec.begin(stage);
        let r = command(conn, rec, stage, &line).await?;
        let want = if stage == Stage::Data { 354 } else { 250 };
        if r.code != want && !(stage == Stage::RcptTo && r.code == 251) {
            return Err(refused(rec, stage, r));
        }
        if stage != Stage::Data {
            rec.ok(format!("Accepted: {}", r.one_line()));
        }
    }
    let body = message::dot_stuff(&plan.message);
    rec.note(&format!("(the test message, {} bytes)", body.len()));
    if let Err(e) = conn.write_raw(&body).await {
        rec.fail("The connection broke while sending the message", None);
        return Err(session::failure(Stage::Data, e));
    }
    let r = match conn.read_reply(rec).await {
        Ok(r) => r,
        Err(e) => {
            rec.fail("No answer after the message", None);
            return Err(session::failure(Stage::Data, e));
        }
    };
    if r.code != 250 {
        return Err(refused(rec, Stage::Data, r));
    }
    rec.ok(format!("Accepted for delivery: {}", r.one_line()));
    Ok(SentInfo {
        from: plan.from.clone(),
        to: plan.to.clone(),
        code: r.code,
        reply: r.one_line(),
        test_code: plan.test_code.clone(),
        subject: plan.subject.clone(),
        message_id: plan.message_id.clone(),
        ask: crate::report::ArrivalQuestion::new(&plan.to, &plan.subject),
    })
}
