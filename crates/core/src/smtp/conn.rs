//! One SMTP connection over TCP or TLS, reading replies with bounds on time and size.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_util::either::Either;

use super::reply::{parse_line, EnhancedCode, Reply};

/// The longest reply line accepted (RFC 5321 allows 512 octets; servers are sloppy).
pub const MAX_LINE: usize = 4096;
/// The most bytes accepted for one reply, all lines together.
pub const MAX_REPLY_BYTES: usize = 64 * 1024;
/// The most lines accepted in one reply.
pub const MAX_REPLY_LINES: usize = 256;
/// How many bytes of a non-SMTP answer are kept to show the user.
pub const SHOWN_BYTES: usize = 64;

/// The socket, before or after TLS.
pub type Stream = Either<TcpStream, Box<TlsStream<TcpStream>>>;

/// Where the connection reports each line, so it can be recorded (redacted) and shown live.
pub trait Wire {
    /// A line Portolan is about to send (may contain a credential: the recorder redacts).
    fn client_line(&mut self, line: &str);
    /// A line the server sent.
    fn server_line(&mut self, line: &str);
}

/// What went wrong while talking to the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmtpError {
    /// Nothing (or not a complete reply) arrived in time.
    Timeout,
    /// The server closed the connection; `partial` holds what arrived of an unfinished line.
    Closed {
        /// Bytes of the unfinished line.
        partial: Vec<u8>,
    },
    /// The network failed (reset, TLS alert, …).
    Io {
        /// The error's kind.
        kind: std::io::ErrorKind,
        /// Its description, for details.
        message: String,
    },
    /// A line longer than [`MAX_LINE`] without an end.
    LineTooLong {
        /// The first bytes of it.
        first: Vec<u8>,
    },
    /// A reply larger than [`MAX_REPLY_BYTES`] or [`MAX_REPLY_LINES`].
    ReplyTooLarge,
    /// Bytes that are not an SMTP reply.
    Malformed {
        /// The first bytes of the offending line.
        first: Vec<u8>,
    },
}

impl SmtpError {
    fn io(e: &std::io::Error) -> Self {
        Self::Io {
            kind: e.kind(),
            message: e.to_string(),
        }
    }
}

/// Takes one complete line (without its CR LF) from the front of `buf`, bounded by
/// [`MAX_LINE`]. `Ok(None)` when more bytes are needed; `searched` remembers how far `buf` has
/// already been searched for the line's end (start at 0; it is reset when a line is taken).
/// The pure part of reading a line, so it can be tested and fuzzed without a socket.
pub fn take_line(buf: &mut Vec<u8>, searched: &mut usize) -> Result<Option<Vec<u8>>, SmtpError> {
    if let Some(pos) = buf[*searched..].iter().position(|&b| b == b'\n') {
        let end = *searched + pos;
        *searched = 0;
        let mut line: Vec<u8> = buf.drain(..=end).collect();
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        if line.len() > MAX_LINE {
            return Err(SmtpError::LineTooLong {
                first: line[..SHOWN_BYTES.min(line.len())].to_vec(),
            });
        }
        return Ok(Some(line));
    }
    *searched = buf.len();
    // Room for the line's CR: its LF may come in the next packet.
    if buf.len() > MAX_LINE + 1 {
        return Err(SmtpError::LineTooLong {
            first: buf[..SHOWN_BYTES].to_vec(),
        });
    }
    Ok(None)
}

/// The lines of a reply read so far: each line is checked against the ones before it and the
/// size limits, and the reply is complete at its last line.
#[derive(Debug, Default)]
pub struct PartialReply {
    code: Option<u16>,
    lines: Vec<String>,
    total: usize,
}

impl PartialReply {
    /// Adds one line (as [`take_line`] returns it). On success, the line's text (to record)
    /// and, when it was the last line, the complete reply; the next reply starts afresh.
    pub fn push<'a>(&mut self, raw: &'a [u8]) -> Result<(&'a str, Option<Reply>), SmtpError> {
        self.total += raw.len() + 2;
        if self.total > MAX_REPLY_BYTES || self.lines.len() >= MAX_REPLY_LINES {
            return Err(SmtpError::ReplyTooLarge);
        }
        let malformed = || SmtpError::Malformed {
            first: raw[..SHOWN_BYTES.min(raw.len())].to_vec(),
        };
        let Ok(text) = std::str::from_utf8(raw) else {
            return Err(malformed());
        };
        let Some((c, last, rest)) = parse_line(text) else {
            return Err(malformed());
        };
        if *self.code.get_or_insert(c) != c {
            return Err(malformed());
        }
        self.lines.push(rest.to_owned());
        if !last {
            return Ok((text, None));
        }
        let lines = std::mem::take(&mut self.lines);
        *self = Self::default();
        let enhanced = EnhancedCode::parse(&lines[0], c);
        Ok((
            text,
            Some(Reply {
                code: c,
                enhanced,
                lines,
            }),
        ))
    }
}

/// An SMTP connection: the stream and the bytes received but not yet consumed.
#[derive(Debug)]
pub struct Conn {
    stream: Stream,
    buf: Vec<u8>,
    /// Bound for each command's reply and each write.
    pub timeout: Duration,
}

impl Conn {
    /// A connection over plain TCP.
    pub fn plain(tcp: TcpStream, timeout: Duration) -> Self {
        Self {
            stream: Either::Left(tcp),
            buf: Vec::new(),
            timeout,
        }
    }

    /// A connection over an established TLS session.
    pub fn tls(tls: Box<TlsStream<TcpStream>>, timeout: Duration) -> Self {
        Self {
            stream: Either::Right(tls),
            buf: Vec::new(),
            timeout,
        }
    }

    /// Whether the connection is encrypted.
    pub fn is_encrypted(&self) -> bool {
        matches!(self.stream, Either::Right(_))
    }

    /// Bytes received and not yet read as a reply.
    pub fn buffered(&self) -> &[u8] {
        &self.buf
    }

    /// The TCP stream for a STARTTLS upgrade, with any bytes still buffered (which must be
    /// empty, or the server injected data). `Err(self)` when already encrypted.
    pub fn into_plain(self) -> Result<(TcpStream, Vec<u8>), Box<Self>> {
        match self.stream {
            Either::Left(tcp) => Ok((tcp, self.buf)),
            Either::Right(_) => Err(Box::new(self)),
        }
    }

    /// The TLS session, when encrypted.
    pub fn tls_session(&self) -> Option<&rustls::ClientConnection> {
        match &self.stream {
            Either::Right(tls) => Some(tls.get_ref().1),
            Either::Left(_) => None,
        }
    }

    /// Reads one more chunk into the buffer; `Ok(0)` at end of stream.
    async fn fill(&mut self) -> Result<usize, SmtpError> {
        self.quickack();
        let mut chunk = [0u8; 4096];
        let n = self
            .stream
            .read(&mut chunk)
            .await
            .map_err(|e| SmtpError::io(&e))?;
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n)
    }

    /// Acknowledges the next segment at once instead of after the delayed-ACK timer. Servers
    /// such as Postfix send a TLS 1.3 session ticket as a small segment of its own right before
    /// a reply and do not disable Nagle, so that reply waits for our ACK: about 40 ms per check
    /// on Linux. The kernel clears the flag by itself, so it is set again before every read.
    fn quickack(&self) {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            let tcp = match &self.stream {
                Either::Left(tcp) => tcp,
                Either::Right(tls) => tls.get_ref().0,
            };
            let _ = tcp.set_quickack(true);
        }
    }

    /// One line without its CR LF, bounded by [`MAX_LINE`].
    async fn read_line(&mut self) -> Result<Vec<u8>, SmtpError> {
        let mut searched = 0;
        loop {
            if let Some(line) = take_line(&mut self.buf, &mut searched)? {
                return Ok(line);
            }
            if self.fill().await? == 0 {
                return Err(SmtpError::Closed {
                    partial: std::mem::take(&mut self.buf),
                });
            }
        }
    }

    /// Reads one complete reply, bounded by `self.timeout` and the size limits.
    pub async fn read_reply(&mut self, wire: &mut impl Wire) -> Result<Reply, SmtpError> {
        let timeout = self.timeout;
        tokio::time::timeout(timeout, self.read_reply_unbounded(wire))
            .await
            .map_err(|_| SmtpError::Timeout)?
    }

    async fn read_reply_unbounded(&mut self, wire: &mut impl Wire) -> Result<Reply, SmtpError> {
        let mut partial = PartialReply::default();
        loop {
            let raw = self.read_line().await?;
            let (text, done) = partial.push(&raw)?;
            wire.server_line(text);
            if let Some(reply) = done {
                return Ok(reply);
            }
        }
    }

    /// Sends one command line (CR LF added), bounded by `self.timeout`.
    pub async fn send_line(&mut self, wire: &mut impl Wire, line: &str) -> Result<(), SmtpError> {
        wire.client_line(line);
        let mut bytes = zeroize::Zeroizing::new(Vec::with_capacity(line.len() + 2));
        bytes.extend_from_slice(line.as_bytes());
        bytes.extend_from_slice(b"\r\n");
        self.write_raw(&bytes).await
    }

    /// Writes bytes as they are (the message body), bounded by `self.timeout`.
    pub async fn write_raw(&mut self, bytes: &[u8]) -> Result<(), SmtpError> {
        let timeout = self.timeout;
        let fut = async {
            self.stream.write_all(bytes).await?;
            self.stream.flush().await
        };
        tokio::time::timeout(timeout, fut)
            .await
            .map_err(|_| SmtpError::Timeout)?
            .map_err(|e| SmtpError::io(&e))
    }

    /// Sends a command and reads its reply.
    pub async fn command(&mut self, wire: &mut impl Wire, line: &str) -> Result<Reply, SmtpError> {
        self.send_line(wire, line).await?;
        self.read_reply(wire).await
    }

    /// Closes the connection (TLS close_notify when encrypted), waiting at most 100 ms.
    pub async fn shutdown(mut self) {
        let _ = tokio::time::timeout(Duration::from_millis(100), self.stream.shutdown()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Lines(Vec<String>);
    impl Wire for Lines {
        fn client_line(&mut self, line: &str) {
            self.0.push(format!("C: {line}"));
        }
        fn server_line(&mut self, line: &str) {
            self.0.push(format!("S: {line}"));
        }
    }

    async fn pair(server_bytes: Vec<u8>) -> Conn {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let _ = s.write_all(&server_bytes).await;
            tokio::time::sleep(Duration::from_secs(5)).await;
        });
        let tcp = TcpStream::connect(addr).await.unwrap();
        Conn::plain(tcp, Duration::from_millis(500))
    }

    #[tokio::test]
    async fn multiline_reply_is_parsed_with_enhanced_code() {
        let mut c = pair(b"250-first\r\n250 2.0.0 second\r\n".to_vec()).await;
        let mut w = Lines::default();
        let r = c.read_reply(&mut w).await.unwrap();
        assert_eq!(r.code, 250);
        assert_eq!(r.lines, ["first", "2.0.0 second"]);
        assert_eq!(r.enhanced, None, "only the first line's code counts");
        assert_eq!(w.0.len(), 2);
    }

    #[tokio::test]
    async fn endless_line_is_refused_at_the_bound() {
        let mut c = pair(vec![b'2'; MAX_LINE * 3]).await;
        let err = c.read_reply(&mut Lines::default()).await.unwrap_err();
        assert!(matches!(err, SmtpError::LineTooLong { .. }), "{err:?}");
    }

    #[tokio::test]
    async fn endless_reply_is_refused_at_the_bound() {
        let c = "250-x\r\n".repeat(MAX_REPLY_LINES + 10);
        let mut c = pair(c.into_bytes()).await;
        let err = c.read_reply(&mut Lines::default()).await.unwrap_err();
        assert_eq!(err, SmtpError::ReplyTooLarge);
    }

    #[test]
    fn line_of_max_length_is_taken_when_its_lf_comes_later() {
        let mut line = b"250 ".to_vec();
        line.resize(MAX_LINE, b'a');
        let mut buf = line.clone();
        buf.push(b'\r');
        let mut searched = 0;
        assert_eq!(take_line(&mut buf, &mut searched), Ok(None));
        buf.push(b'\n');
        assert_eq!(take_line(&mut buf, &mut searched), Ok(Some(line)));
        assert!(buf.is_empty());
        // One byte more is too long, whatever the packets.
        let mut buf = vec![b'2'; MAX_LINE + 2];
        let err = take_line(&mut buf, &mut 0).unwrap_err();
        assert!(matches!(err, SmtpError::LineTooLong { .. }), "{err:?}");
    }

    #[tokio::test]
    async fn mixed_codes_are_malformed() {
        let mut c = pair(b"250-x\r\n251 y\r\n".to_vec()).await;
        let err = c.read_reply(&mut Lines::default()).await.unwrap_err();
        assert!(matches!(err, SmtpError::Malformed { .. }), "{err:?}");
    }

    #[tokio::test]
    async fn silence_times_out() {
        let mut c = pair(Vec::new()).await;
        let err = c.read_reply(&mut Lines::default()).await.unwrap_err();
        assert_eq!(err, SmtpError::Timeout);
    }
}
