//! The base protocol's framing: `Content-Length` header blocks and the
//! bodies they announce, read and validated here so that no input ends
//! the server.
//!
//! tower-lsp-server reads through tokio-util's `FramedRead`, which ends the
//! stream after the first decode error: one bad message used to end the
//! session. [`FrameReader`] never gives up while there are bytes to read:
//!
//! - header names are case-insensitive, unknown headers (`Content-Type`
//!   with or without a charset, anything else) are ignored;
//! - a header block that cannot be read (no `Content-Length`, a value that
//!   is not a non-negative number fitting in 64 bits, a line that is not a
//!   header) is reported once, then the reader resynchronises on the next
//!   `Content-Length` in the byte stream (searched from just after the
//!   failed block's first byte, so garbage glued to a good header costs
//!   only the garbage);
//! - a body announced larger than [`MAX_BODY`] is refused without being
//!   buffered: the reader discards bytes until the next `Content-Length`.
//!   A well-formed body cannot hide a header there: JSON strings may not
//!   hold raw line breaks, and a header line needs one.
//!
//! What a body means (JSON, JSON-RPC) is decided by `transport.rs`.

use tokio::io::{AsyncRead, AsyncReadExt};

/// The largest body read: anything announcing more is skipped unread.
pub const MAX_BODY: u64 = 64 * 1024 * 1024;
/// A header block longer than this is garbage, not a header.
const MAX_HEADER: usize = 64 * 1024;
/// What resynchronisation looks for (compared case-insensitively).
const CONTENT_LENGTH: &[u8] = b"content-length";
/// Bytes asked of the input per read.
const READ_CHUNK: usize = 64 * 1024;

/// One frame of input.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// A body of the announced length (not yet known to be JSON).
    Body(Vec<u8>),
    /// A header block that could not be read, and why. The bytes up to the
    /// next `Content-Length` are skipped.
    BadHeader(String),
    /// A body announced larger than [`MAX_BODY`], skipped unread.
    TooLarge(u64),
}

/// Reads [`Frame`]s from a byte stream until it ends.
pub struct FrameReader<R> {
    input: R,
    /// Bytes read and not yet consumed start at `pos`.
    buf: Vec<u8>,
    pos: usize,
    /// The last frame was bad: skip to the next `Content-Length` first.
    resync: bool,
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    pub fn new(input: R) -> Self {
        FrameReader { input, buf: Vec::with_capacity(READ_CHUNK), pos: 0, resync: false }
    }

    /// The next frame, or `None` once the input has ended (or failed).
    pub async fn next(&mut self) -> Option<Frame> {
        if std::mem::take(&mut self.resync) && !self.skip_to_content_length().await {
            return None;
        }
        let length = match self.header().await? {
            Ok(length) => length,
            Err(why) => return Some(Frame::BadHeader(why)),
        };
        if length > MAX_BODY {
            self.resync = true;
            return Some(Frame::TooLarge(length));
        }
        // `MAX_BODY` fits in `usize` on every target we build for.
        self.body(length as usize).await.map(Frame::Body)
    }

    /// Read more input; false at its end or on a read error.
    async fn fill(&mut self) -> bool {
        self.buf.reserve(READ_CHUNK);
        matches!(self.input.read_buf(&mut self.buf).await, Ok(n) if n > 0)
    }

    /// Drop the consumed bytes, so the buffer holds only unread input.
    fn compact(&mut self) {
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
    }

    /// The announced body length of the next header block, or why the block
    /// is unreadable (the reader then resynchronises). `None` at the end of
    /// input.
    async fn header(&mut self) -> Option<Result<u64, String>> {
        self.skip_line_breaks().await?;
        self.compact();
        let mut line_start = 0;
        let mut length: Option<u64> = None;
        loop {
            let Some(newline) = self.buf[line_start..].iter().position(|&b| b == b'\n') else {
                if self.buf.len() > MAX_HEADER {
                    return Some(self.bad_header(format!("no end of header within {MAX_HEADER} bytes")));
                }
                if !self.fill().await {
                    return None;
                }
                continue;
            };
            let line_end = line_start + newline;
            let line = strip_cr(&self.buf[line_start..line_end]);
            if line.is_empty() {
                self.pos = line_end + 1;
                return Some(match length {
                    Some(length) => Ok(length),
                    None => self.bad_header("no Content-Length header".to_string()),
                });
            }
            match header_line(line) {
                Ok(Some(value)) if length.is_some_and(|known| known != value) => {
                    return Some(self.bad_header("two different Content-Length headers".to_string()));
                }
                Ok(Some(value)) => length = Some(value),
                Ok(None) => {}
                Err(why) => return Some(self.bad_header(why)),
            }
            line_start = line_end + 1;
        }
    }

    /// Report a bad header block (starting at `pos`, which is 0 after
    /// `compact`) and resynchronise from its second byte on the next call.
    fn bad_header(&mut self, why: String) -> Result<u64, String> {
        self.pos = 1;
        self.resync = true;
        Err(why)
    }

    /// Skip the blank lines some clients leave between messages. `None` at
    /// the end of input.
    async fn skip_line_breaks(&mut self) -> Option<()> {
        loop {
            while self.pos < self.buf.len() && matches!(self.buf[self.pos], b'\r' | b'\n') {
                self.pos += 1;
            }
            if self.pos < self.buf.len() {
                return Some(());
            }
            self.compact();
            if !self.fill().await {
                return None;
            }
        }
    }

    /// Discard input up to the next `Content-Length` (any case), keeping
    /// no more than a read's worth of it. False at the end of input.
    async fn skip_to_content_length(&mut self) -> bool {
        loop {
            if let Some(found) = find_ignoring_case(&self.buf[self.pos..], CONTENT_LENGTH) {
                self.pos += found;
                return true;
            }
            // The tail may hold the start of a match cut by the read.
            let unread = self.buf.len() - self.pos;
            self.pos = self.buf.len() - unread.min(CONTENT_LENGTH.len() - 1);
            self.compact();
            if !self.fill().await {
                return false;
            }
        }
    }

    /// The next `length` bytes. `None` if the input ends first.
    async fn body(&mut self, length: usize) -> Option<Vec<u8>> {
        self.compact();
        while self.buf.len() < length {
            if !self.fill().await {
                return None;
            }
        }
        // Move the body out and copy only what follows it (usually little).
        let rest = self.buf.split_off(length);
        Some(std::mem::replace(&mut self.buf, rest))
    }
}

fn strip_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// One header line: `Some(length)` for `Content-Length`, `None` for any
/// other header, or why it is not a header.
fn header_line(line: &[u8]) -> Result<Option<u64>, String> {
    let shown = || String::from_utf8_lossy(&line[..line.len().min(80)]).into_owned();
    let Some(colon) = line.iter().position(|&b| b == b':') else {
        return Err(format!("not a header line: {:?}", shown()));
    };
    let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii());
    if name.is_empty() || !name.iter().all(|&b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)) {
        return Err(format!("not a header line: {:?}", shown()));
    }
    if !name.eq_ignore_ascii_case(CONTENT_LENGTH) {
        return Ok(None);
    }
    let length = std::str::from_utf8(value)
        .ok()
        .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|digits| digits.parse::<u64>().ok());
    match length {
        Some(length) => Ok(Some(length)),
        None => Err(format!("Content-Length is not a length in bytes: {:?}", shown())),
    }
}

/// Where `needle` (lower-case ASCII) first occurs in `haystack`, ignoring
/// ASCII case.
fn find_ignoring_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Frame> {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(async {
            let mut reader = FrameReader::new(input);
            let mut out = Vec::new();
            while let Some(frame) = reader.next().await {
                out.push(frame);
            }
            out
        })
    }

    fn body(text: &str) -> Frame {
        Frame::Body(text.as_bytes().to_vec())
    }

    #[test]
    fn frames_follow_one_another() {
        let input = b"Content-Length: 2\r\n\r\n{}Content-Length: 5\r\n\r\nhello";
        assert_eq!(frames(input), [body("{}"), body("hello")]);
    }

    #[test]
    fn header_names_ignore_case_and_other_headers_are_ignored() {
        let input = b"content-length: 2\r\nContent-Type: application/vscode-jsonrpc\r\nX-Extra: 1\r\n\r\n{}";
        assert_eq!(frames(input), [body("{}")]);
        assert_eq!(frames(b"CONTENT-LENGTH:2\n\n{}"), [body("{}")], "bare line feeds, no space");
    }

    #[test]
    fn blank_lines_between_messages_are_skipped() {
        assert_eq!(
            frames(b"Content-Length: 2\r\n\r\n{}\r\n\r\nContent-Length: 2\r\n\r\n[]"),
            [body("{}"), body("[]")]
        );
    }

    #[test]
    fn unreadable_lengths_are_reported_and_the_next_frame_still_read() {
        for bad in ["abc", "-5", "99999999999999999999999", "", "1 2"] {
            let input = format!("Content-Length: {bad}\r\n\r\n{{\"a\":1}}Content-Length: 2\r\n\r\n{{}}");
            let got = frames(input.as_bytes());
            assert!(
                matches!(&got[0], Frame::BadHeader(why) if why.contains("Content-Length")),
                "{bad}: {got:?}"
            );
            assert_eq!(got[1..], [body("{}")], "{bad}");
        }
    }

    #[test]
    fn a_missing_length_resynchronises_on_the_next_one() {
        let input = b"Content-Type: application/json\r\n\r\n{\"a\":1}content-length: 2\r\n\r\n{}";
        assert_eq!(frames(input), [Frame::BadHeader("no Content-Length header".into()), body("{}")]);
    }

    #[test]
    fn garbage_glued_to_a_header_costs_only_the_garbage() {
        let got = frames(b"helloContent-Length: 2\r\n\r\n{}");
        assert!(matches!(got[0], Frame::BadHeader(_)), "{got:?}");
        assert_eq!(got[1..], [body("{}")]);
        let got = frames(b"garbage\r\nContent-Length: 2\r\n\r\n{}");
        assert!(matches!(got[0], Frame::BadHeader(_)), "{got:?}");
        assert_eq!(got[1..], [body("{}")]);
    }

    #[test]
    fn an_oversized_body_is_refused_and_skipped() {
        let input = b"Content-Length: 5000000000\r\n\r\nxxxxxxxxxxContent-Length: 2\r\n\r\n{}";
        assert_eq!(frames(input), [Frame::TooLarge(5_000_000_000), body("{}")]);
    }

    #[test]
    fn a_header_without_end_is_cut_off() {
        let mut input = b"Content-Length: 2\r\nX-Long: ".to_vec();
        input.extend(std::iter::repeat_n(b'a', MAX_HEADER * 2));
        input.extend(b"\r\n\r\nContent-Length: 2\r\n\r\n{}");
        let got = frames(&input);
        assert!(matches!(&got[0], Frame::BadHeader(why) if why.contains("no end of header")), "{got:?}");
        assert_eq!(got[1..], [body("{}")]);
    }

    #[test]
    fn a_body_cut_short_by_the_end_of_input_is_dropped() {
        assert_eq!(frames(b"Content-Length: 10\r\n\r\n{}"), []);
        assert_eq!(frames(b"Content-Length: 10\r\n"), []);
    }

    #[test]
    fn a_match_split_across_reads_is_still_found() {
        // Each read returns at most READ_CHUNK bytes: put the header across
        // the boundary of the first one.
        let mut input = b"Content-Length: x\r\n\r\n".to_vec();
        input.extend(std::iter::repeat_n(b' ', READ_CHUNK - input.len() - 5));
        input.extend(b"Content-Length: 2\r\n\r\n{}");
        let got = frames(&input);
        assert!(matches!(got[0], Frame::BadHeader(_)), "{got:?}");
        assert_eq!(got[1..], [body("{}")]);
    }
}
