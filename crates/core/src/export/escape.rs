//! Quoting for each syntax the exports are pasted into. Each function either returns a value
//! that the target parser reads back unchanged, or says why it cannot.

/// A JSON string literal; also a valid JavaScript (ES2019+) and Python 3 string literal.
pub fn json_str(s: &str) -> String {
    // serde_json escapes quotes, backslashes and control characters; U+2028/U+2029 are
    // escaped too so pre-2019 JavaScript engines read the literal as well.
    serde_json::to_string(s)
        .unwrap_or_else(|_| "\"\"".to_owned())
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// A PHP single-quoted string: only `\` and `'` are special there.
pub fn php_str(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// A POSIX shell word: bare when it is plainly safe, else single-quoted.
pub fn shell_word(s: &str) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "@%+=:,./-_[]".contains(c));
    if safe {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// A PowerShell single-quoted string. PowerShell also treats the typographic single quotes
/// (U+2018–U+201B) as quotes, so they are doubled too.
pub fn powershell_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// A `.env` value as dotenv parsers (dotenvy, phpdotenv, python-dotenv) read it: single quotes
/// (taken literally, no `$` expansion) when possible, else double quotes with escapes. A
/// backslash forces double quotes: dotenvy and python-dotenv read `\'` inside single quotes as
/// an escaped quote, so a value ending in `\` would swallow the closing quote.
pub fn dotenv_value(s: &str) -> Result<String, String> {
    if s.contains('\r') {
        return Err("contains a carriage return, which .env files cannot hold".into());
    }
    if !s.contains('\'') && !s.contains('\n') && !s.contains('\\') {
        return Ok(format!("'{s}'"));
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '$' => out.push_str("\\$"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    Ok(out)
}

/// XML character data or attribute value (both quotes escaped).
pub fn xml_text(s: &str) -> Result<String, String> {
    if let Some(c) = s.chars().find(|&c| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}'
    }) {
        return Err(format!(
            "contains the character U+{:04X}, which XML cannot hold",
            c as u32
        ));
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Kept as references: a literal CR or TAB would be normalised by XML parsers.
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// An msmtp configuration argument: bare when safe, else wrapped in double quotes. msmtp
/// removes one pair of surrounding quotes and reads everything between literally (no escapes:
/// `"a\"b"` is `a\"b`, checked against msmtp 1.8), so the value is never altered inside.
/// Line breaks cannot be written.
pub fn msmtp_arg(s: &str) -> Result<String, String> {
    if s.chars().any(|c| c == '\n' || c == '\r') {
        return Err("contains a line break, which msmtp's configuration cannot hold".into());
    }
    let safe = !s.is_empty()
        && !s.starts_with('#')
        && !s.starts_with('"')
        && s.chars().all(|c| !c.is_whitespace() && !c.is_control());
    if safe {
        Ok(s.to_owned())
    } else {
        Ok(format!("\"{s}\""))
    }
}

/// Text safe inside a one-line (`#` or `//`) comment of any of the formats: line breaks
/// (including the Unicode ones JavaScript honours) become spaces, and `?>` (which ends PHP
/// mode even inside a comment) is split. Never used inside XML comments.
pub fn comment(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .replace("?>", "? >")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_quote_everything_but_plain_names() {
        assert_eq!(shell_word("smtp.example.com:587"), "smtp.example.com:587");
        assert_eq!(shell_word("it's $HOME"), "'it'\\''s $HOME'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn php_strings_escape_only_backslash_and_quote() {
        assert_eq!(php_str(r"a'b\c$d"), r"'a\'b\\c$d'");
    }

    #[test]
    fn powershell_doubles_every_kind_of_single_quote() {
        assert_eq!(
            powershell_str("o'neil\u{2019}s"),
            "'o''neil\u{2019}\u{2019}s'"
        );
    }

    #[test]
    fn dotenv_prefers_literal_single_quotes() {
        assert_eq!(dotenv_value("a$b\"c").unwrap(), "'a$b\"c'");
        assert_eq!(dotenv_value("it's $x").unwrap(), "\"it's \\$x\"");
        assert!(dotenv_value("a\rb").is_err());
    }
}
