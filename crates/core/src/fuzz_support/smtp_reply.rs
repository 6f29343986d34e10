//! SMTP replies: the bytes a server sends, read as the connection reads them.

use crate::smtp::conn::{
    take_line, PartialReply, SmtpError, MAX_LINE, MAX_REPLY_BYTES, MAX_REPLY_LINES, SHOWN_BYTES,
};
use crate::smtp::reply::{parse_line, EnhancedCode, Reply};

/// Every reply in `data` as the connection reads them, up to the first error (a connection
/// closed mid-line included), with the data arriving `chunk` bytes at a time.
pub fn read_replies(data: &[u8], chunk: usize) -> Vec<Result<Reply, SmtpError>> {
    let chunk = chunk.max(1);
    let mut pending = data.chunks(chunk);
    let mut buf: Vec<u8> = Vec::new();
    let mut out = Vec::new();
    let mut partial = PartialReply::default();
    let mut searched = 0;
    loop {
        match take_line(&mut buf, &mut searched) {
            Err(e) => {
                out.push(Err(e));
                return out;
            }
            Ok(Some(raw)) => match partial.push(&raw) {
                Err(e) => {
                    out.push(Err(e));
                    return out;
                }
                Ok((text, done)) => {
                    assert_eq!(
                        text.as_bytes(),
                        &raw[..],
                        "recorded text is the line as read"
                    );
                    if let Some(reply) = done {
                        out.push(Ok(reply));
                        partial = PartialReply::default();
                    }
                }
            },
            Ok(None) => match pending.next() {
                Some(c) => buf.extend_from_slice(c),
                None => {
                    out.push(Err(SmtpError::Closed {
                        partial: std::mem::take(&mut buf),
                    }));
                    return out;
                }
            },
        }
    }
}

/// Server bytes: replies are bounded and well-formed, errors keep only a short excerpt, and
/// the result does not depend on how the bytes were split into packets.
pub fn smtp_reply(data: &[u8]) {
    let whole = read_replies(data, data.len());
    let chunk = 1 + usize::from(data.first().copied().unwrap_or(0)) * 37;
    let chunked = read_replies(data, chunk);
    assert_eq!(whole, chunked, "the result depends on packet boundaries");
    let mut consumed_at_least = 0usize;
    for r in &whole {
        match r {
            Ok(reply) => {
                check_reply(reply);
                consumed_at_least += 4 * reply.lines.len();
            }
            Err(SmtpError::Malformed { first } | SmtpError::LineTooLong { first }) => {
                assert!(
                    first.len() <= SHOWN_BYTES,
                    "an error keeps {} bytes",
                    first.len()
                );
            }
            Err(SmtpError::Closed { partial }) => {
                assert!(
                    partial.len() <= MAX_LINE + 1,
                    "{} unread bytes kept",
                    partial.len()
                );
                assert!(!partial.contains(&b'\n'), "a complete line was left unread");
            }
            Err(SmtpError::ReplyTooLarge) => {}
            Err(e) => panic!("reading from memory cannot fail with {e:?}"),
        }
    }
    assert!(consumed_at_least <= data.len(), "replies read from nowhere");
    assert!(
        whole.last().is_some_and(Result::is_err),
        "reading ends with an error"
    );
    for line in data.split(|&b| b == b'\n') {
        if let Ok(text) = std::str::from_utf8(line) {
            check_parse_line(text.strip_suffix('\r').unwrap_or(text));
        }
    }
}

fn check_reply(reply: &Reply) {
    assert!(
        (200..=599).contains(&reply.code),
        "reply code {} is out of range",
        reply.code
    );
    assert!(!reply.lines.is_empty(), "a reply without a line");
    assert!(
        reply.lines.len() <= MAX_REPLY_LINES,
        "{} lines",
        reply.lines.len()
    );
    let bytes: usize = reply.lines.iter().map(|l| l.len() + 6).sum();
    assert!(bytes <= MAX_REPLY_BYTES, "a reply of {bytes} bytes");
    for l in &reply.lines {
        assert!(l.len() <= MAX_LINE, "a line of {} bytes", l.len());
        assert!(!l.contains('\n'), "a line holds a line feed");
    }
    let kinds = [
        reply.is_positive(),
        reply.is_intermediate(),
        reply.is_transient(),
        reply.is_permanent(),
    ];
    assert_eq!(kinds.iter().filter(|k| **k).count(), 1, "{}", reply.code);
    assert!(reply.one_line().starts_with(&reply.code.to_string()));
    assert_eq!(
        reply.enhanced,
        EnhancedCode::parse(&reply.lines[0], reply.code),
        "the enhanced code comes from the first line"
    );
    if let Some(e) = reply.enhanced {
        assert_eq!(u16::from(e.class), reply.code / 100, "class of {e}");
        assert!(e.subject < 1000 && e.detail < 1000, "{e}");
        assert_eq!(EnhancedCode::parse(&e.to_string(), reply.code), Some(e));
    }
}

fn check_parse_line(text: &str) {
    let Some((code, last, rest)) = parse_line(text) else {
        return;
    };
    assert!((200..=599).contains(&code), "code {code}");
    let rebuilt = match (last, rest.is_empty() && text.len() == 3) {
        (true, true) => code.to_string(),
        (true, false) => format!("{code} {rest}"),
        (false, _) => format!("{code}-{rest}"),
    };
    assert_eq!(rebuilt, text, "the line is code, separator and text");
}
