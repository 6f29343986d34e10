//! Application formats: `.env`, Laravel, Django, Nodemailer, PHPMailer and the WordPress
//! plugins' `wp-config.php` constants.

use super::escape::{comment, dotenv_value, json_str, php_str};
use super::{Ctx, Unwritable};
use crate::ports::Security;

fn env_line(
    out: &mut String,
    key: &str,
    field: &'static str,
    value: &str,
) -> Result<(), Unwritable> {
    let v = dotenv_value(value).map_err(|r| Unwritable::new(field, r))?;
    out.push_str(&format!("{key}={v}\n"));
    Ok(())
}

const LEFT_OUT: &str = "Portolan left the password out: replace your-password-here with it.";

/// Generic `.env`: `SMTP_HOST`, `SMTP_PORT`, `SMTP_SECURITY`, `SMTP_USERNAME`, … .
pub(crate) fn env(c: &Ctx) -> Result<String, Unwritable> {
    let mut o = format!("# {}\n", c.title());
    o.push_str(
        "# SMTP_SECURITY: tls = encrypted from the start, starttls = upgrade with STARTTLS, \
         none = no encryption.\n",
    );
    env_line(&mut o, "SMTP_HOST", "server name", &c.s.host)?;
    o.push_str(&format!("SMTP_PORT={}\n", c.s.port));
    o.push_str(&format!("SMTP_SECURITY={}\n", c.s.security.as_str()));
    match c.user() {
        Some(u) => {
            env_line(&mut o, "SMTP_USERNAME", "user name", u)?;
            if c.password.is_none() {
                o.push_str(&format!("# {LEFT_OUT}\n"));
            }
            env_line(
                &mut o,
                "SMTP_PASSWORD",
                "password",
                c.password_or_placeholder(),
            )?;
        }
        None => o.push_str("# This server is used without signing in.\n"),
    }
    env_line(&mut o, "SMTP_FROM", "sender address", &c.s.from)?;
    Ok(o)
}

/// Laravel's `MAIL_*` (both the Laravel 11 `MAIL_SCHEME` and the older `MAIL_ENCRYPTION`).
pub(crate) fn laravel(c: &Ctx) -> Result<String, Unwritable> {
    let mut o = format!("# {}\n", c.title());
    o.push_str("MAIL_MAILER=smtp\n");
    env_line(&mut o, "MAIL_HOST", "server name", &c.s.host)?;
    o.push_str(&format!("MAIL_PORT={}\n", c.s.port));
    let (scheme, encryption) = match c.s.security {
        Security::Tls => ("smtps", "ssl"),
        Security::Starttls => ("smtp", "tls"),
        Security::None => ("smtp", "null"),
    };
    o.push_str("# Laravel 11 and later: smtps = encrypted from the start; smtp = STARTTLS.\n");
    o.push_str(&format!("MAIL_SCHEME={scheme}\n"));
    o.push_str("# Laravel 10 and earlier: ssl = encrypted from the start; tls = STARTTLS.\n");
    o.push_str(&format!("MAIL_ENCRYPTION={encryption}\n"));
    match c.user() {
        Some(u) => {
            env_line(&mut o, "MAIL_USERNAME", "user name", u)?;
            if c.password.is_none() {
                o.push_str(&format!("# {LEFT_OUT}\n"));
            }
            env_line(
                &mut o,
                "MAIL_PASSWORD",
                "password",
                c.password_or_placeholder(),
            )?;
        }
        None => o.push_str("MAIL_USERNAME=null\nMAIL_PASSWORD=null\n"),
    }
    env_line(&mut o, "MAIL_FROM_ADDRESS", "sender address", &c.s.from)?;
    if let Some(name) = &c.s.ehlo_name {
        o.push_str("# The name Laravel gives in its hello (EHLO), read by config/mail.php's local_domain.\n");
        env_line(&mut o, "MAIL_EHLO_DOMAIN", "EHLO name", name)?;
    }
    Ok(o)
}

fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// Django `settings.py`; without the password it is read from the environment.
pub(crate) fn django(c: &Ctx) -> Result<String, Unwritable> {
    let mut o = format!("# {}\n", c.title());
    o.push_str("import os\n\n");
    o.push_str("EMAIL_BACKEND = \"django.core.mail.backends.smtp.EmailBackend\"\n");
    o.push_str(&format!("EMAIL_HOST = {}\n", json_str(&c.s.host)));
    o.push_str(&format!("EMAIL_PORT = {}\n", c.s.port));
    o.push_str(&format!(
        "EMAIL_USE_TLS = {}  # upgrade with STARTTLS\n",
        py_bool(c.s.security == Security::Starttls)
    ));
    o.push_str(&format!(
        "EMAIL_USE_SSL = {}  # encrypted from the start\n",
        py_bool(c.s.security == Security::Tls)
    ));
    match c.user() {
        Some(u) => {
            o.push_str(&format!("EMAIL_HOST_USER = {}\n", json_str(u)));
            match c.password {
                Some(p) => o.push_str(&format!("EMAIL_HOST_PASSWORD = {}\n", json_str(p))),
                None => {
                    o.push_str(
                        "# Portolan left the password out: set the EMAIL_HOST_PASSWORD \
                         environment variable\n# on the server (recommended), or put the \
                         password here in quotes.\n",
                    );
                    o.push_str(
                        "EMAIL_HOST_PASSWORD = os.environ.get(\"EMAIL_HOST_PASSWORD\", \"\")\n",
                    );
                }
            }
        }
        None => o.push_str("EMAIL_HOST_USER = \"\"\nEMAIL_HOST_PASSWORD = \"\"\n"),
    }
    o.push_str(&format!("DEFAULT_FROM_EMAIL = {}\n", json_str(&c.s.from)));
    o.push_str(&format!("SERVER_EMAIL = {}\n", json_str(&c.s.from)));
    Ok(o)
}

/// Nodemailer's `createTransport`; without the password it is read from `SMTP_PASSWORD`.
pub(crate) fn nodemailer(c: &Ctx) -> Result<String, Unwritable> {
    let mut o = format!("// {}\n", c.title());
    o.push_str("const nodemailer = require(\"nodemailer\");\n\n");
    o.push_str("const transporter = nodemailer.createTransport({\n");
    o.push_str(&format!("  host: {},\n", json_str(&c.s.host)));
    o.push_str(&format!("  port: {},\n", c.s.port));
    o.push_str(&format!(
        "  secure: {}, // true = encrypted from the start\n",
        c.s.security == Security::Tls
    ));
    if c.s.security == Security::Starttls {
        o.push_str("  requireTLS: true, // refuse to go on without the STARTTLS upgrade\n");
    }
    if let Some(name) = &c.s.ehlo_name {
        o.push_str(&format!(
            "  name: {}, // the name given in the hello (EHLO)\n",
            json_str(name)
        ));
    }
    if let Some(u) = c.user() {
        o.push_str("  auth: {\n");
        o.push_str(&format!("    user: {},\n", json_str(u)));
        match c.password {
            Some(p) => o.push_str(&format!("    pass: {},\n", json_str(p))),
            None => o.push_str(
                "    // Portolan left the password out: set SMTP_PASSWORD in the environment.\n    \
                 pass: process.env.SMTP_PASSWORD,\n",
            ),
        }
        o.push_str("  },\n");
    }
    o.push_str("});\n\n");
    o.push_str(&format!("const from = {};\n", json_str(&c.s.from)));
    Ok(o)
}

fn php_header(c: &Ctx) -> String {
    format!("// {}\n", c.title())
}

/// PHPMailer set-up; without the password it is read from `SMTP_PASSWORD`.
pub(crate) fn phpmailer(c: &Ctx) -> Result<String, Unwritable> {
    let mut o = String::from("<?php\n");
    o.push_str(&php_header(c));
    o.push_str("use PHPMailer\\PHPMailer\\PHPMailer;\n\n");
    o.push_str("$mail = new PHPMailer(true);\n");
    o.push_str("$mail->isSMTP();\n");
    o.push_str(&format!("$mail->Host = {};\n", php_str(&c.s.host)));
    o.push_str(&format!("$mail->Port = {};\n", c.s.port));
    match c.s.security {
        Security::Tls => o.push_str(
            "$mail->SMTPSecure = PHPMailer::ENCRYPTION_SMTPS; // encrypted from the start\n",
        ),
        Security::Starttls => o.push_str(
            "$mail->SMTPSecure = PHPMailer::ENCRYPTION_STARTTLS; // upgrade with STARTTLS\n",
        ),
        Security::None => {
            o.push_str("$mail->SMTPSecure = '';\n$mail->SMTPAutoTLS = false; // no encryption\n")
        }
    }
    match c.user() {
        Some(u) => {
            o.push_str("$mail->SMTPAuth = true;\n");
            o.push_str(&format!("$mail->Username = {};\n", php_str(u)));
            match c.password {
                Some(p) => o.push_str(&format!("$mail->Password = {};\n", php_str(p))),
                None => o.push_str(
                    "// Portolan left the password out: set SMTP_PASSWORD in the environment,\n\
                     // or put the password here in quotes.\n\
                     $mail->Password = getenv('SMTP_PASSWORD');\n",
                ),
            }
        }
        None => o.push_str("$mail->SMTPAuth = false;\n"),
    }
    o.push_str(&format!("$mail->setFrom({});\n", php_str(&c.s.from)));
    if let Some(name) = &c.s.ehlo_name {
        o.push_str(&format!(
            "$mail->Helo = {}; // the name given in the hello (EHLO)\n",
            php_str(name)
        ));
    }
    Ok(o)
}

/// WP Mail SMTP's `WPMS_*` constants for `wp-config.php`.
pub(crate) fn wp_mail_smtp(c: &Ctx) -> Result<String, Unwritable> {
    let mut o = String::new();
    o.push_str(&php_header(c));
    o.push_str("// Paste above the line \"That's all, stop editing!\" in wp-config.php.\n");
    o.push_str("define( 'WPMS_ON', true );\n");
    o.push_str(&format!(
        "define( 'WPMS_MAIL_FROM', {} );\n",
        php_str(&c.s.from)
    ));
    o.push_str("define( 'WPMS_MAIL_FROM_FORCE', true );\n");
    o.push_str("define( 'WPMS_MAILER', 'smtp' );\n");
    o.push_str("define( 'WPMS_SET_RETURN_PATH', true );\n");
    o.push_str(&format!(
        "define( 'WPMS_SMTP_HOST', {} );\n",
        php_str(&c.s.host)
    ));
    o.push_str(&format!("define( 'WPMS_SMTP_PORT', {} );\n", c.s.port));
    let (ssl, autotls) = match c.s.security {
        Security::Tls => ("ssl", "true"),
        Security::Starttls => ("tls", "true"),
        Security::None => ("", "false"),
    };
    o.push_str(&format!(
        "define( 'WPMS_SSL', '{ssl}' ); // ssl = encrypted from the start, tls = STARTTLS\n"
    ));
    o.push_str(&format!("define( 'WPMS_SMTP_AUTOTLS', {autotls} );\n"));
    match c.user() {
        Some(u) => {
            o.push_str("define( 'WPMS_SMTP_AUTH', true );\n");
            o.push_str(&format!("define( 'WPMS_SMTP_USER', {} );\n", php_str(u)));
            if c.password.is_none() {
                o.push_str(&format!("// {}\n", LEFT_OUT));
            }
            o.push_str(&format!(
                "define( 'WPMS_SMTP_PASS', {} );\n",
                php_str(c.password_or_placeholder())
            ));
        }
        None => o.push_str("define( 'WPMS_SMTP_AUTH', false );\n"),
    }
    Ok(o)
}

/// FluentSMTP keeps only user name and password in `wp-config.php`; the rest is typed in its
/// "Other SMTP" connection form, listed in comments.
pub(crate) fn fluentsmtp(c: &Ctx) -> Result<String, Unwritable> {
    let mut o = String::new();
    o.push_str(&php_header(c));
    o.push_str(
        "// In FluentSMTP, add an \"Other SMTP\" connection, choose \"Store Access Keys in: \
         wp-config.php\", and type:\n",
    );
    o.push_str(&format!("//   From Email:    {}\n", comment(&c.s.from)));
    o.push_str(&format!("//   SMTP Host:     {}\n", comment(&c.s.host)));
    o.push_str(&format!("//   SMTP Port:     {}\n", c.s.port));
    let enc = match c.s.security {
        Security::Tls => "SSL (encrypted from the start)",
        Security::Starttls => "TLS (upgrade with STARTTLS)",
        Security::None => "None",
    };
    o.push_str(&format!("//   Encryption:    {enc}\n"));
    o.push_str(&format!(
        "//   Use Auto TLS:  {}\n",
        if c.s.security == Security::None {
            "No"
        } else {
            "Yes"
        }
    ));
    match c.user() {
        Some(u) => {
            o.push_str("//   Authentication: Yes\n");
            o.push_str(
                "// Then paste these lines above \"That's all, stop editing!\" in wp-config.php:\n",
            );
            o.push_str(&format!(
                "define( 'FLUENTMAIL_SMTP_USERNAME', {} );\n",
                php_str(u)
            ));
            if c.password.is_none() {
                o.push_str(&format!("// {LEFT_OUT}\n"));
            }
            o.push_str(&format!(
                "define( 'FLUENTMAIL_SMTP_PASSWORD', {} );\n",
                php_str(c.password_or_placeholder())
            ));
        }
        None => o.push_str("//   Authentication: No (nothing to add to wp-config.php)\n"),
    }
    Ok(o)
}
