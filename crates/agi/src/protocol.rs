//! The FastAGI protocol as Asterisk speaks it (`res/res_agi.c`): on connect, lines
//! `agi_name: value` up to an empty line; then the server sends one command per line and reads
//! one reply each (`200 result=1`), skipping the `HANGUP` lines Asterisk writes between
//! commands when the channel hangs up. Bad input never panics: it is an error naming what was
//! wrong, for the log line, and the caller closes that connection.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};

/// Longest line accepted (Asterisk's own command buffer is 8 KiB).
pub const MAX_LINE: usize = 8 * 1024;
/// Header lines accepted before the empty line (Asterisk sends about 25).
pub const MAX_HEADER_LINES: usize = 128;

/// Why a connection is closed without an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtocolError {
    /// The peer closed (before the end of the header, or before a reply).
    Closed,
    /// Nothing came within the time given.
    Silent(Duration),
    /// Bytes came, but not the whole header or reply within the time given: a peer dripping
    /// a byte now and then must not hold a connection for ever.
    Slow(Duration),
    LineTooLong,
    NotText,
    /// A header line without `name: value`, or a name that is not `agi_…`.
    BadHeaderLine(String),
    TooManyHeaderLines,
    /// A reply that is neither `2xx`/`5xx` nor `HANGUP`.
    BadReply(String),
    Io(String),
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProtocolError::Closed => write!(f, "connexion fermée par Asterisk"),
            ProtocolError::Silent(d) => {
                write!(f, "aucun octet reçu pendant {} s", d.as_secs())
            }
            ProtocolError::Slow(d) => {
                write!(f, "message incomplet au bout de {} s", d.as_secs())
            }
            ProtocolError::LineTooLong => {
                write!(f, "ligne de plus de {} Kio", MAX_LINE / 1024)
            }
            ProtocolError::NotText => write!(f, "octets qui ne sont pas du texte UTF-8"),
            ProtocolError::BadHeaderLine(l) => write!(f, "ligne d'en-tête AGI invalide « {l} »"),
            ProtocolError::TooManyHeaderLines => {
                write!(f, "en-tête AGI de plus de {MAX_HEADER_LINES} lignes")
            }
            ProtocolError::BadReply(l) => write!(f, "réponse d'Asterisk inattendue « {l} »"),
            ProtocolError::Io(e) => write!(f, "erreur de connexion ({e})"),
        }
    }
}

/// The time a peer has to send one whole message: the header, or the reply to one command
/// with the `HANGUP` and usage lines around it. Asterisk writes each in one go.
#[derive(Debug, Clone, Copy)]
struct Deadline {
    at: tokio::time::Instant,
    given: Duration,
}

impl Deadline {
    fn after(given: Duration) -> Deadline {
        Deadline {
            at: tokio::time::Instant::now() + given,
            given,
        }
    }

    /// Why the message ended unread: silence if nothing of it came at all.
    fn missed(&self, begun: bool) -> ProtocolError {
        match begun {
            true => ProtocolError::Slow(self.given),
            false => ProtocolError::Silent(self.given),
        }
    }
}

/// Reads one line of a message (without its `\n`, and a `\r` before it), at most [`MAX_LINE`]
/// bytes, before the message's deadline; `begun` says whether earlier lines of it came.
/// `Ok(None)` at a clean end of stream.
async fn read_line<R: AsyncBufRead + Unpin>(
    r: &mut R,
    deadline: Deadline,
    begun: bool,
) -> Result<Option<String>, ProtocolError> {
    match read_bytes_line(r, deadline, begun).await? {
        Some(line) => String::from_utf8(line)
            .map(Some)
            .map_err(|_| ProtocolError::NotText),
        None => Ok(None),
    }
}

/// [`read_line`] as bytes, whatever they are.
async fn read_bytes_line<R: AsyncBufRead + Unpin>(
    r: &mut R,
    deadline: Deadline,
    begun: bool,
) -> Result<Option<Vec<u8>>, ProtocolError> {
    let mut line: Vec<u8> = Vec::new();
    loop {
        let chunk = tokio::time::timeout_at(deadline.at, r.fill_buf())
            .await
            .map_err(|_| deadline.missed(begun || !line.is_empty()))?
            .map_err(|e| ProtocolError::Io(e.to_string()))?;
        if chunk.is_empty() {
            return if line.is_empty() {
                Ok(None)
            } else {
                Err(ProtocolError::Closed)
            };
        }
        let (taken, done) = match chunk.iter().position(|b| *b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if line.len() + taken > MAX_LINE + 1 {
            return Err(ProtocolError::LineTooLong);
        }
        line.extend_from_slice(&chunk[..taken]);
        r.consume(taken);
        if done {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return Ok(Some(line));
        }
    }
}

/// What Asterisk sent on connect.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    vars: HashMap<String, String>,
}

impl Header {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(|s| s.as_str())
    }

    /// The script asked for: what follows the host in `agi://host:port/script`.
    pub fn script(&self) -> &str {
        self.get("agi_network_script").unwrap_or("").trim()
    }

    pub fn uniqueid(&self) -> Option<&str> {
        self.get("agi_uniqueid")
            .map(str::trim)
            .filter(|u| !u.is_empty())
    }

    /// `agi_arg_n` (1-based), `None` when Asterisk did not send it.
    pub fn arg(&self, n: usize) -> Option<&str> {
        self.get(&format!("agi_arg_{n}"))
    }
}

/// A header line as text. Asterisk passes caller names as the phone sent them (Latin-1 from
/// some sets): a value the service never reads may hold any bytes, while the names and what
/// the service reads (script, uniqueid, arguments) must be UTF-8.
fn header_text(bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>, ProtocolError> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.into());
    }
    let name = bytes.split(|b| *b == b':').next().unwrap_or_default();
    let read = [&b"agi_network_script"[..], b"agi_uniqueid"];
    match std::str::from_utf8(name) {
        Ok(n) if !read.contains(&name) && !n.starts_with("agi_arg_") => {
            Ok(String::from_utf8_lossy(bytes))
        }
        _ => Err(ProtocolError::NotText),
    }
}

/// Reads the header up to its empty line, the whole of it within `idle`.
pub async fn read_header<R: AsyncBufRead + Unpin>(
    r: &mut R,
    idle: Duration,
) -> Result<Header, ProtocolError> {
    let deadline = Deadline::after(idle);
    let mut h = Header::default();
    for n in 0..MAX_HEADER_LINES {
        let bytes = read_bytes_line(r, deadline, n > 0)
            .await?
            .ok_or(ProtocolError::Closed)?;
        let line = header_text(&bytes)?;
        if line.is_empty() {
            if h.vars.is_empty() {
                return Err(ProtocolError::BadHeaderLine(String::new()));
            }
            return Ok(h);
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(ProtocolError::BadHeaderLine(shown(&line)));
        };
        if !name.starts_with("agi_") || name.contains(char::is_whitespace) {
            return Err(ProtocolError::BadHeaderLine(shown(&line)));
        }
        // One space follows the colon; an empty value is sent as `name: `.
        let value = value.strip_prefix(' ').unwrap_or(value);
        h.vars.insert(name.to_string(), value.to_string());
    }
    Err(ProtocolError::TooManyHeaderLines)
}

/// A value quoted for Asterisk's argument parser: inside double quotes, `"` and `\` escaped
/// with a backslash; control characters (which would end or split the line) become spaces.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Sends `SET VARIABLE name "value"` and waits for its reply; returns the reply line.
pub async fn set_variable<S>(
    s: &mut S,
    name: &str,
    value: &str,
    idle: Duration,
) -> Result<Reply, ProtocolError>
where
    S: AsyncBufRead + AsyncWrite + Unpin,
{
    let line = format!("SET VARIABLE {name} {}\n", quote(value));
    s.write_all(line.as_bytes())
        .await
        .map_err(|e| ProtocolError::Io(e.to_string()))?;
    s.flush()
        .await
        .map_err(|e| ProtocolError::Io(e.to_string()))?;
    read_reply(s, idle).await
}

/// A reply, and whether Asterisk wrote `HANGUP` before it (the caller hung up meanwhile).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub line: String,
    pub hung_up: bool,
}

/// The reply to the command just sent: `HANGUP` lines (the channel hung up meanwhile) are
/// noted and skipped, a multi-line `520-` usage is read to its last line; all of it within
/// `idle`.
pub async fn read_reply<R: AsyncBufRead + Unpin>(
    r: &mut R,
    idle: Duration,
) -> Result<Reply, ProtocolError> {
    let deadline = Deadline::after(idle);
    let mut hung_up = false;
    loop {
        let line = read_line(r, deadline, hung_up)
            .await?
            .ok_or(ProtocolError::Closed)?;
        if line == "HANGUP" {
            hung_up = true;
            continue;
        }
        if line.starts_with("520-") {
            // Usage text follows, up to `520 End of proper usage.`
            loop {
                let l = read_line(r, deadline, true)
                    .await?
                    .ok_or(ProtocolError::Closed)?;
                if l.starts_with("520 ") {
                    return Ok(Reply { line, hung_up });
                }
            }
        }
        let code_ok = line.len() >= 3
            && line.as_bytes()[..3].iter().all(u8::is_ascii_digit)
            && matches!(line.as_bytes()[0], b'2' | b'5');
        if code_ok {
            return Ok(Reply { line, hung_up });
        }
        return Err(ProtocolError::BadReply(shown(&line)));
    }
}

/// A line quoted in a log: bounded, control characters visible.
pub fn shown(s: &str) -> String {
    forfaits_core::domain::field::shown_within(s, 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::BufReader;

    const IDLE: Duration = Duration::from_secs(1);

    #[tokio::test]
    async fn header_is_read_to_the_empty_line_with_empty_values_kept() {
        let bytes = b"agi_network: yes\nagi_network_script: autoriser\nagi_uniqueid: 1764.7\nagi_accountcode: \nagi_arg_1: 8589669\nagi_arg_2: 2\n\nSET";
        let mut r = BufReader::new(&bytes[..]);
        let h = read_header(&mut r, IDLE).await.unwrap();
        assert_eq!(h.script(), "autoriser");
        assert_eq!(h.uniqueid(), Some("1764.7"));
        assert_eq!(h.get("agi_accountcode"), Some(""));
        assert_eq!(
            (h.arg(1), h.arg(2), h.arg(3)),
            (Some("8589669"), Some("2"), None)
        );
    }

    #[tokio::test]
    async fn broken_headers_are_errors_not_panics() {
        for (bytes, expected) in [
            (&b""[..], ProtocolError::Closed),
            (&b"agi_network: yes\n"[..], ProtocolError::Closed),
            (
                &b"GET / HTTP/1.1\n\n"[..],
                ProtocolError::BadHeaderLine("GET / HTTP/1.1".into()),
            ),
            (&b"\n"[..], ProtocolError::BadHeaderLine(String::new())),
            (&b"agi_arg_1: \xff\xfe\n\n"[..], ProtocolError::NotText),
            (&b"agi_uniqueid: \xff\n\n"[..], ProtocolError::NotText),
            (&b"agi_\xff: x\n\n"[..], ProtocolError::NotText),
        ] {
            let mut r = BufReader::new(bytes);
            assert_eq!(read_header(&mut r, IDLE).await.unwrap_err(), expected);
        }
        let long = vec![b'a'; MAX_LINE + 10];
        let mut r = BufReader::new(&long[..]);
        assert_eq!(
            read_header(&mut r, IDLE).await.unwrap_err(),
            ProtocolError::LineTooLong
        );
    }

    #[tokio::test]
    async fn a_caller_name_in_latin_1_does_not_refuse_the_call() {
        let bytes = b"agi_network_script: autoriser\nagi_calleridname: Pi\xe8ce 3\nagi_uniqueid: 17.1\nagi_arg_1: 8589669\nagi_arg_2: 2\n\n";
        let mut r = BufReader::new(&bytes[..]);
        let h = read_header(&mut r, IDLE).await.unwrap();
        assert_eq!(
            (h.script(), h.arg(1), h.arg(2)),
            ("autoriser", Some("8589669"), Some("2"))
        );
        assert_eq!(h.get("agi_calleridname"), Some("Pi\u{fffd}ce 3"));
    }

    /// A peer that writes `bytes` one at a time, `every` apart, then stays connected.
    fn dripping(bytes: &'static [u8], every: Duration) -> BufReader<tokio::io::DuplexStream> {
        let (mut peer, ours) = tokio::io::duplex(64);
        tokio::spawn(async move {
            for b in bytes.iter().cycle() {
                if peer.write_all(&[*b]).await.is_err() {
                    return;
                }
                tokio::time::sleep(every).await;
            }
        });
        BufReader::new(ours)
    }

    #[tokio::test]
    async fn a_header_dripped_a_byte_at_a_time_is_given_up_at_the_deadline() {
        let every = Duration::from_millis(20);
        let mut r = dripping(b"agi_network: yes\n", every);
        let began = std::time::Instant::now();
        let e = read_header(&mut r, Duration::from_millis(300)).await;
        assert_eq!(
            e.unwrap_err(),
            ProtocolError::Slow(Duration::from_millis(300))
        );
        assert!(
            began.elapsed() < Duration::from_secs(2),
            "{:?}",
            began.elapsed()
        );
        let (_peer, ours) = tokio::io::duplex(64);
        let e = read_header(&mut BufReader::new(ours), Duration::from_millis(100)).await;
        assert_eq!(
            e.unwrap_err(),
            ProtocolError::Silent(Duration::from_millis(100))
        );
    }

    #[tokio::test]
    async fn endless_hangup_lines_do_not_hold_a_reply_open() {
        let mut r = dripping(b"HANGUP\n", Duration::from_millis(2));
        let e = read_reply(&mut r, Duration::from_millis(300)).await;
        assert_eq!(
            e.unwrap_err(),
            ProtocolError::Slow(Duration::from_millis(300))
        );
    }

    #[test]
    fn values_are_quoted_for_asterisks_parser() {
        assert_eq!(quote("Autorisé : 11 min"), "\"Autorisé : 11 min\"");
        assert_eq!(quote(r#"dit "oui" C:\x"#), r#""dit \"oui\" C:\\x""#);
        assert_eq!(quote("a\nb\rc"), "\"a b c\"");
    }

    #[tokio::test]
    async fn replies_skip_hangup_lines_and_read_usage_to_its_end() {
        let bytes = b"HANGUP\n200 result=1\n520-Invalid command syntax.  Proper usage follows:\nSets a variable.\n520 End of proper usage.\nOK\n";
        let mut r = BufReader::new(&bytes[..]);
        let first = read_reply(&mut r, IDLE).await.unwrap();
        assert_eq!((first.line.as_str(), first.hung_up), ("200 result=1", true));
        let usage = read_reply(&mut r, IDLE).await.unwrap();
        assert!(usage.line.starts_with("520-") && !usage.hung_up);
        assert_eq!(
            read_reply(&mut r, IDLE).await.unwrap_err(),
            ProtocolError::BadReply("OK".into())
        );
    }
}
