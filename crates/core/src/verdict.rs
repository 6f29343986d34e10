//! The outcome of a check: a stable code, plain words, and fixes the UI can apply.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ports::Security;
use crate::settings::CertException;

/// The stable verdict codes of DESIGN.md §2. The UI, the CLI's JSON and the tests switch on
/// them; a code is never renamed, only added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum VerdictCode {
    /// Everything worked, including sign-in.
    Ok,
    /// Everything worked; sign-in was not tried (no user name or no password).
    OkWithoutAuth,
    /// The server name does not exist.
    DnsNotFound,
    /// The server answered that nothing listens on this port.
    ConnectionRefused,
    /// No answer to the connection attempt (the port is not offered, or blocked).
    ConnectTimeout,
    /// This computer has no route to the server.
    NetworkUnreachable,
    /// Connected, but the server never said hello.
    GreetingTimeout,
    /// Something answered, but not a mail server.
    NotSmtp,
    /// The security setting does not match what the port speaks.
    SecurityMismatch,
    /// STARTTLS was asked for and the server does not offer it.
    StarttlsNotOffered,
    /// Data was slipped in between STARTTLS and the encryption (an attack or a broken box).
    StarttlsInjection,
    /// The certificate is not from an authority this computer trusts.
    CertUntrusted,
    /// The certificate has expired (or is not valid yet).
    CertExpired,
    /// The certificate is for another name.
    CertNameMismatch,
    /// Encryption could not be set up.
    TlsHandshakeFailed,
    /// The server offers no sign-in on this port.
    AuthNotOffered,
    /// The server only offers sign-in methods Portolan cannot use.
    AuthMechanismUnsupported,
    /// The user name or password was refused.
    AuthFailed,
    /// The provider wants an app password.
    AppPasswordRequired,
    /// The provider wants OAuth sign-in (or has password sign-in switched off).
    OauthRequired,
    /// The server is busy or refused for now (421, 4xx).
    ServerBusy,
    /// The server delays first contact on purpose; trying again later works.
    Greylisted,
    /// The sender address was refused.
    SenderRejected,
    /// The server refuses to pass mail on to that recipient (relaying).
    RelayDenied,
    /// The recipient address was refused.
    RecipientRejected,
    /// The message itself was refused.
    MessageRejected,
    /// A step took too long.
    Timeout,
    /// The user cancelled.
    Cancelled,
    /// The server answered, but refuses to talk to this computer (a 5xx greeting or EHLO).
    GreetingRefused,
    /// Sign-in would send the password unencrypted; Portolan refused.
    PlaintextAuthRefused,
    /// The server wants a sign-in before it accepts mail.
    AuthRequired,
    /// Too many sign-ins or connections in a short time; the password may well be right.
    RateLimited,
    /// The account's sending limit (per day or hour) is reached.
    QuotaExceeded,
    /// Password sign-in for apps (SMTP AUTH) is switched off for this mailbox or organisation.
    SmtpAuthDisabled,
    /// The account may not send as the sender address.
    SendAsDenied,
    /// The server wants encryption (STARTTLS) before anything else.
    StarttlsRequired,
    /// The server refused the name this computer gave in its hello (EHLO).
    EhloNameRejected,
    /// The receiving side refused the message by the sender domain's policy (DMARC, SPF, DKIM).
    SenderPolicyRejected,
    /// A known provider's server name was answered by another server (interception).
    WrongServer,
    /// The server only speaks TLS 1.0 or 1.1, which is no longer safe or accepted.
    TlsOutdated,
    /// This computer's DNS servers do not answer (not the same as "no such server").
    DnsNoAnswer,
    /// The server sends its certificate without the intermediate that links it to a trusted
    /// authority.
    CertChainIncomplete,
}

impl VerdictCode {
    /// The code as it appears in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::OkWithoutAuth => "ok_without_auth",
            Self::DnsNotFound => "dns_not_found",
            Self::ConnectionRefused => "connection_refused",
            Self::ConnectTimeout => "connect_timeout",
            Self::NetworkUnreachable => "network_unreachable",
            Self::GreetingTimeout => "greeting_timeout",
            Self::NotSmtp => "not_smtp",
            Self::SecurityMismatch => "security_mismatch",
            Self::StarttlsNotOffered => "starttls_not_offered",
            Self::StarttlsInjection => "starttls_injection",
            Self::CertUntrusted => "cert_untrusted",
            Self::CertExpired => "cert_expired",
            Self::CertNameMismatch => "cert_name_mismatch",
            Self::TlsHandshakeFailed => "tls_handshake_failed",
            Self::AuthNotOffered => "auth_not_offered",
            Self::AuthMechanismUnsupported => "auth_mechanism_unsupported",
            Self::AuthFailed => "auth_failed",
            Self::AppPasswordRequired => "app_password_required",
            Self::OauthRequired => "oauth_required",
            Self::ServerBusy => "server_busy",
            Self::Greylisted => "greylisted",
            Self::SenderRejected => "sender_rejected",
            Self::RelayDenied => "relay_denied",
            Self::RecipientRejected => "recipient_rejected",
            Self::MessageRejected => "message_rejected",
            Self::Timeout => "timeout",
            Self::Cancelled => "cancelled",
            Self::GreetingRefused => "greeting_refused",
            Self::PlaintextAuthRefused => "plaintext_auth_refused",
            Self::AuthRequired => "auth_required",
            Self::RateLimited => "rate_limited",
            Self::QuotaExceeded => "quota_exceeded",
            Self::SmtpAuthDisabled => "smtp_auth_disabled",
            Self::SendAsDenied => "send_as_denied",
            Self::StarttlsRequired => "starttls_required",
            Self::EhloNameRejected => "ehlo_name_rejected",
            Self::SenderPolicyRejected => "sender_policy_rejected",
            Self::WrongServer => "wrong_server",
            Self::TlsOutdated => "tls_outdated",
            Self::DnsNoAnswer => "dns_no_answer",
            Self::CertChainIncomplete => "cert_chain_incomplete",
        }
    }

    /// Whether the settings work.
    pub fn is_ok(self) -> bool {
        matches!(self, Self::Ok | Self::OkWithoutAuth)
    }

    /// Whether nothing is left to try: the settings work and sign-in was tested too. A check
    /// without sign-in works but is not finished (a test email may still be refused).
    pub fn is_finished(self) -> bool {
        self == Self::Ok
    }
}

impl std::fmt::Display for VerdictCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a fix does, so the UI can offer it as a button.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FixKind {
    /// Change the port and/or security (`settings_patch` says to what).
    UseSecurity,
    /// Use the name the certificate is valid for.
    UseHost,
    /// Trust this one certificate for this host and port (the user's explicit choice).
    TrustCertificate,
    /// Run a probe to find a port that answers.
    FindWorkingPort,
    /// Type the password again.
    CheckPassword,
    /// Create an app password at the provider, then use it.
    CreateAppPassword,
    /// Try again later.
    RetryLater,
    /// Send without signing in.
    SendWithoutAuth,
    /// Sign in (add a user name and password).
    AddSignIn,
    /// Allow sign-in without encryption for this profile only (with a warning).
    AllowPlaintextAuth,
    /// Check the sender (From) address that was refused.
    CheckAddress,
    /// Open the provider's https page (`link`, always one of the built-in catalogue's) in the
    /// system browser.
    OpenPage,
    /// Copy a prepared text (`copy_text`, e.g. a request for the IT administrator).
    CopyText,
    /// Give a full name for this computer in the hello (the EHLO name setting).
    SetEhloName,
    /// Check the recipient address that was refused.
    CheckRecipient,
}

/// Changes to `SmtpSettings` that a fix applies; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SettingsPatch {
    /// New server name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub host: Option<String>,
    /// New port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub port: Option<u16>,
    /// New security.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub security: Option<Security>,
    /// New value of `allow_plaintext_auth`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub allow_plaintext_auth: Option<bool>,
    /// A certificate exception to add.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub cert_exception: Option<CertException>,
}

/// One thing the user can do about a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Fix {
    /// What kind of fix it is.
    pub kind: FixKind,
    /// The button's words, e.g. "Encrypt from the start on port 465".
    pub label: String,
    /// The settings change, when the fix is a change of settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub settings_patch: Option<SettingsPatch>,
    /// What to know before choosing it, shown beside the button (e.g. the fingerprint of a
    /// certificate to trust, and that the trust is for one server only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub note: Option<String>,
    /// For [`FixKind::OpenPage`]: the https page to open, taken from the built-in catalogue
    /// (the app opens nothing else).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub link: Option<String>,
    /// For [`FixKind::CopyText`]: the text to copy, in the core's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub copy_text: Option<String>,
}

impl Fix {
    /// A fix with no settings change.
    pub fn action(kind: FixKind, label: impl Into<String>) -> Self {
        Self {
            kind,
            label: label.into(),
            settings_patch: None,
            note: None,
            link: None,
            copy_text: None,
        }
    }

    /// A fix that opens a provider's https page; `link` must come from the catalogue.
    pub fn open_page(label: impl Into<String>, link: impl Into<String>) -> Self {
        Self {
            link: Some(link.into()),
            ..Self::action(FixKind::OpenPage, label)
        }
    }

    /// A fix that copies `text` (for someone else to act on).
    pub fn copy_text(label: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            copy_text: Some(text.into()),
            ..Self::action(FixKind::CopyText, label)
        }
    }

    /// A fix that changes settings.
    pub fn patch(kind: FixKind, label: impl Into<String>, patch: SettingsPatch) -> Self {
        Self {
            kind,
            label: label.into(),
            settings_patch: Some(patch),
            note: None,
            link: None,
            copy_text: None,
        }
    }

    /// This fix with a note to read before choosing it.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
}

/// The diagnosis: what happened, why it usually happens, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Verdict {
    /// Stable code to switch on.
    pub code: VerdictCode,
    /// Whether the settings work as they are (`code.is_ok()`), so no face decides it again.
    pub ok: bool,
    /// Whether nothing is left to try (`code.is_finished()`): shown as done, where a verdict
    /// that is `ok` but not finished is shown as not finished yet.
    pub finished: bool,
    /// One line, plain words.
    pub title: String,
    /// What happened and why that usually happens.
    pub explanation: String,
    /// What the user can do, best first.
    pub fixes: Vec<Fix>,
}

impl Verdict {
    /// A verdict; `ok` follows from the code.
    pub fn new(
        code: VerdictCode,
        title: impl Into<String>,
        explanation: impl Into<String>,
        fixes: Vec<Fix>,
    ) -> Self {
        Self {
            code,
            ok: code.is_ok(),
            finished: code.is_finished(),
            title: title.into(),
            explanation: explanation.into(),
            fixes,
        }
    }
}
