//! Reading a CSV file the way spreadsheets write them: UTF-8 with or without BOM (UTF-16 with
//! BOM too), otherwise Windows-1252, or Windows-1256 when the file's words are Arabic; `,` `;`
//! or tab detected from the file; RFC 4180 quoting;
//! LF, CRLF or CR line ends; blank lines skipped. Memory is bounded: a record longer than
//! `MAX_RECORD_BYTES` or with more than `MAX_FIELDS` fields is reported, never buffered whole.

use crate::error::{Error, Result};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Bound of one record (one line, or several when a quoted field holds line breaks).
pub const MAX_RECORD_BYTES: usize = 64 * 1024;
/// Fields kept per record; more are counted, not stored.
pub const MAX_FIELDS: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Windows1252,
    /// Excel's « CSV » on an Arabic Windows: Arabic letters, and French ones (é, è, à, ç…) at
    /// the same bytes as Windows-1252.
    Windows1256,
}

impl Encoding {
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16Le | Encoding::Utf16Be => "UTF-16",
            Encoding::Windows1252 => "Windows-1252",
            Encoding::Windows1256 => "Windows-1256 (arabe)",
        }
    }
}

/// Reads the whole file once, in constant memory, to tell UTF-8 from the Windows encodings: a
/// single invalid byte anywhere means the file did not come out as UTF-8 (then see
/// [`legacy_encoding`]).
pub fn detect_encoding(path: &Path, mixed: Mixed) -> Result<Encoding> {
    match utf8_or_not(path)? {
        Encoding::Windows1252 => legacy_encoding(path, mixed),
        enc => Ok(enc),
    }
}

fn utf8_or_not(path: &Path) -> Result<Encoding> {
    let mut f = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut buf = vec![0u8; 256 * 1024];
    let mut carry = 0usize;
    let mut first = true;
    loop {
        let n = f.read(&mut buf[carry..]).map_err(|e| Error::io(path, e))?;
        let len = carry + n;
        if first {
            first = false;
            if buf[..len].starts_with(&[0xFF, 0xFE]) {
                return Ok(Encoding::Utf16Le);
            }
            if buf[..len].starts_with(&[0xFE, 0xFF]) {
                return Ok(Encoding::Utf16Be);
            }
            // No text file of Forfaits holds a NUL byte: UTF-16 without its BOM has one in
            // every other byte, a picture or a PDF renamed `.csv` some early on.
            if let Some(at) = memchr::memchr(0, &buf[..len]) {
                let line = 1 + buf[..at].iter().filter(|&&b| b == b'\n').count();
                return Err(Error::Rejected(format!(
                    "{} contient des octets nuls (ligne {line}) : ce n'est pas un fichier texte \
                     CSV. S'il a été enregistré en « Texte Unicode », enregistrez-le en « CSV \
                     UTF-8 » et importez-le de nouveau.",
                    path.file_name().map_or_else(
                        || path.display().to_string(),
                        |n| n.to_string_lossy().into_owned()
                    )
                )));
            }
        }
        if n == 0 {
            // Bytes left over at the end are an incomplete sequence.
            return Ok(if carry == 0 {
                Encoding::Utf8
            } else {
                Encoding::Windows1252
            });
        }
        match std::str::from_utf8(&buf[..len]) {
            Ok(_) => carry = 0,
            Err(e) if e.error_len().is_none() => {
                let valid = e.valid_up_to();
                buf.copy_within(valid..len, 0);
                carry = len - valid;
            }
            Err(_) => return Ok(Encoding::Windows1252),
        }
    }
}

/// What a file that is not UTF-8 holds, read byte by byte in constant memory.
#[derive(Default)]
struct LegacyScan {
    line: u64,
    /// Continuation bytes the current UTF-8 sequence still needs, and its first byte.
    pending: u8,
    lead: u8,
    /// The line holds a UTF-8 sequence no Windows text writes: an accented Latin letter
    /// (`Ã©` read in Windows-1252), an Arabic letter, any 3-byte sequence (a NBSP or a dash
    /// after a capital, `É\xa0`, is both valid UTF-8 and plain Windows-1252: not a sign).
    line_utf8_sign: bool,
    line_invalid: bool,
    /// First line that is UTF-8 by such a sign, first one that is not UTF-8.
    utf8_line: Option<u64>,
    invalid_line: Option<u64>,
    word_arabic: u32,
    word_latin: bool,
    /// A byte of Windows-1252's capitals with accents (É, À…), Arabic letters in Windows-1256.
    word_capital_accent: bool,
    /// Words of two Arabic letters (as Windows-1256 writes them) or more and no Latin letter:
    /// French never writes two accented letters with nothing else.
    arabic_words: u64,
    /// Latin words with a capital accent: Windows-1252 only.
    latin_capital_words: u64,
}

/// The bytes of Windows-1256's Arabic letters (the rest of its upper half are punctuation,
/// signs and the French letters it shares with Windows-1252).
fn arabic_letter_1256(b: u8) -> bool {
    matches!(b, 0xC1..=0xD6 | 0xD8..=0xDF | 0xE1 | 0xE3..=0xE6 | 0xEC | 0xED)
}

impl LegacyScan {
    fn byte(&mut self, b: u8) {
        if self.pending > 0 {
            if (0x80..=0xBF).contains(&b) {
                self.pending -= 1;
                if self.pending == 0 {
                    self.line_utf8_sign |= matches!(self.lead, 0xC3 | 0xD8..=0xDB | 0xE0..=0xF4);
                }
            } else {
                self.pending = 0;
                self.line_invalid = true;
            }
        } else {
            match b {
                0x00..=0x7F => {}
                0xC2..=0xDF => self.pending = 1,
                0xE0..=0xEF => self.pending = 2,
                0xF0..=0xF4 => self.pending = 3,
                _ => self.line_invalid = true,
            }
            self.lead = b;
        }
        if b.is_ascii_alphabetic() {
            self.word_latin = true;
        } else if arabic_letter_1256(b) {
            self.word_arabic += 1;
            self.word_capital_accent |= b <= 0xDF;
        } else if b >= 0xC0 && b != 0xD7 && b != 0xF7 {
            // à, â, ç, è… (the same byte in both encodings), and the capitals C0, D7-less.
            self.word_latin = true;
            self.word_capital_accent |= b <= 0xDF;
        } else {
            self.end_word();
        }
        if b == b'\n' {
            self.end_line();
        }
    }

    fn end_word(&mut self) {
        if self.word_arabic >= 2 && !self.word_latin {
            self.arabic_words += 1;
        }
        if self.word_latin && self.word_capital_accent {
            self.latin_capital_words += 1;
        }
        (self.word_arabic, self.word_latin, self.word_capital_accent) = (0, false, false);
    }

    fn end_line(&mut self) {
        self.line += 1;
        self.line_invalid |= self.pending > 0;
        self.pending = 0;
        if self.line_invalid {
            self.invalid_line.get_or_insert(self.line);
        } else if self.line_utf8_sign {
            self.utf8_line.get_or_insert(self.line);
        }
        (self.line_utf8_sign, self.line_invalid) = (false, false);
    }
}

/// Whether a file that mixes UTF-8 and Windows lines is refused: the users' and tariffs'
/// files are (read either way, half their names would be garbled without a word); Asterisk's
/// Master.csv is not (caller names from various phones; billing never reads them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mixed {
    Refused,
    ReadAsWindows,
}

/// The Windows encoding of a file that is not UTF-8: Windows-1256 when its words are Arabic,
/// else Windows-1252 (SPEC §5).
fn legacy_encoding(path: &Path, mixed: Mixed) -> Result<Encoding> {
    let mut f = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut buf = vec![0u8; 256 * 1024];
    let mut scan = LegacyScan::default();
    let mut first = true;
    loop {
        let n = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        // A BOM left by a UTF-8 editor before Windows text is no UTF-8 line of its own.
        let skip = match first && buf[..n].starts_with(b"\xEF\xBB\xBF") {
            true => 3,
            false => 0,
        };
        first = false;
        buf[skip..n].iter().for_each(|&b| scan.byte(b));
    }
    scan.byte(b'\n');
    if let (Mixed::Refused, Some(utf8), Some(other)) = (mixed, scan.utf8_line, scan.invalid_line) {
        return Err(Error::Rejected(format!(
            "{} mélange deux encodages : la ligne {utf8} est en UTF-8, la ligne {other} ne l'est \
             pas (Windows). Enregistrez le fichier en « CSV UTF-8 » et importez-le de nouveau. \
             Rien n'a été importé.",
            path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned()
            )
        )));
    }
    Ok(
        match scan.arabic_words > 0 && scan.latin_capital_words == 0 {
            true => Encoding::Windows1256,
            false => Encoding::Windows1252,
        },
    )
}

/// Byte count shared with whoever reports progress (the reading may run on another thread).
#[derive(Clone, Default)]
pub struct ByteCounter(Arc<AtomicU64>);

impl ByteCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

struct Counting<R> {
    inner: R,
    count: ByteCounter,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.0.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Turns CRLF and lone CR into LF, so that line numbers are right for old Mac files too.
struct LineEnds<R> {
    inner: R,
    pending_cr: bool,
}

impl<R: Read> Read for LineEnds<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let n = self.inner.read(buf)?;
            if n == 0 {
                return Ok(0);
            }
            if !self.pending_cr && !buf[..n].contains(&b'\r') {
                return Ok(n);
            }
            let mut w = 0;
            for r in 0..n {
                let b = buf[r];
                if self.pending_cr {
                    self.pending_cr = false;
                    if b == b'\n' {
                        continue;
                    }
                }
                if b == b'\r' {
                    self.pending_cr = true;
                    buf[w] = b'\n';
                } else {
                    buf[w] = b;
                }
                w += 1;
            }
            if w > 0 {
                return Ok(w);
            }
        }
    }
}

/// Opens `path` as a stream of UTF-8 bytes with LF line ends.
pub type TextStream = Box<dyn Read + Send>;

pub fn open_text(path: &Path, enc: Encoding) -> Result<(TextStream, ByteCounter)> {
    let f = File::open(path).map_err(|e| Error::io(path, e))?;
    let counter = ByteCounter::default();
    let mut counted = Counting {
        inner: BufReader::with_capacity(256 * 1024, f),
        count: counter.clone(),
    };
    // A file saved as UTF-8 with a BOM, then edited by a Windows-1252 program, keeps the BOM:
    // it is no name's first three letters (« ï»¿ »).
    if matches!(enc, Encoding::Windows1252 | Encoding::Windows1256) {
        let head = counted.inner.fill_buf().map_err(|e| Error::io(path, e))?;
        if head.starts_with(b"\xEF\xBB\xBF") {
            counted.inner.consume(3);
            counted.count.0.fetch_add(3, Ordering::Relaxed);
        }
    }
    let decoded: TextStream = match enc {
        Encoding::Utf8 => Box::new(counted),
        Encoding::Utf16Le | Encoding::Utf16Be => Box::new(
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .bom_sniffing(true)
                .strip_bom(true)
                .build(counted),
        ),
        Encoding::Windows1252 | Encoding::Windows1256 => Box::new(
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(match enc {
                    Encoding::Windows1256 => encoding_rs::WINDOWS_1256,
                    _ => encoding_rs::WINDOWS_1252,
                }))
                .bom_sniffing(false)
                .build(counted),
        ),
    };
    Ok((
        Box::new(LineEnds {
            inner: decoded,
            pending_cr: false,
        }),
        counter,
    ))
}

/// Chooses the separator that splits the first lines of the sample into the expected number of
/// fields most often; `;` wins ties (Excel in French), then `,`, then tab.
pub fn sniff_separator(sample: &[u8], expected: std::ops::RangeInclusive<usize>) -> u8 {
    let lines: Vec<&[u8]> = sample
        .split(|b| *b == b'\n' || *b == b'\r')
        .filter(|l| l.iter().any(|b| !b.is_ascii_whitespace()))
        .take(50)
        .collect();
    let mut best = (b';', 0usize, 0usize);
    for sep in [b';', b',', b'\t'] {
        let mut good = 0;
        let mut total = 0;
        for l in &lines {
            let mut in_quotes = false;
            let mut n = 0;
            for b in l.iter() {
                match *b {
                    b'"' => in_quotes = !in_quotes,
                    c if c == sep && !in_quotes => n += 1,
                    _ => {}
                }
            }
            total += n;
            if expected.contains(&(n + 1)) {
                good += 1;
            }
        }
        if (good, total) > (best.1, best.2) {
            best = (sep, good, total);
        }
    }
    best.0
}

/// First bytes of the file, decoded, for sniffing.
pub fn sample(path: &Path, enc: Encoding) -> Result<Vec<u8>> {
    let (r, _) = open_text(path, enc)?;
    let mut buf = Vec::with_capacity(64 * 1024);
    r.take(64 * 1024)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io(path, e))?;
    Ok(buf)
}

/// Why a line that left a quote open is refused.
pub fn open_quote_reason(field: usize) -> String {
    format!(
        "le guillemet « \" » qui ouvre le champ {field} n'est pas refermé avant la fin de la ligne"
    )
}

/// Line breaks a quoted field may hold where quotes are resynchronised.
pub const MAX_BREAKS_IN_QUOTES: u32 = 2;

/// A quoted field read over a line break: the bytes after that break, to read them again as
/// lines of their own if the quote turns out never closed.
struct Span {
    /// The field (1-based) the quote opened.
    field: usize,
    breaks: u32,
    raw: Vec<u8>,
}

impl Span {
    fn new(field: usize) -> Span {
        Span {
            field,
            breaks: 1,
            raw: Vec::new(),
        }
    }

    /// Whether the field's quote closed in the bytes read since, and closed well: followed by
    /// the separator, the line's end or the end of the file. `None` while it is still open.
    fn closed(&self, separator: u8) -> Option<bool> {
        let raw = &self.raw;
        let mut i = 0;
        while let Some(q) = memchr::memchr(b'"', &raw[i..]) {
            let at = i + q;
            match raw.get(at + 1) {
                Some(b'"') => i = at + 2,
                None | Some(b'\n') => return Some(true),
                Some(&b) => return Some(b == separator),
            }
        }
        None
    }

    /// A line's break read inside quotes (`field` is the one open): whether the quote is past
    /// saving. A break is written out (a blank line is skipped, not written); past the bound
    /// of breaks the quote was never closed.
    fn line_break(slot: &mut Option<Span>, field: usize, separator: u8) -> bool {
        let Some(span) = slot else {
            *slot = Some(Span::new(field));
            return false;
        };
        match span.closed(separator) {
            // Still the same field.
            None => {
                span.breaks += 1;
                span.breaks > MAX_BREAKS_IN_QUOTES
            }
            // That one closed; this line opened another.
            Some(true) => {
                *span = Span::new(field);
                false
            }
            Some(false) => true,
        }
    }

    /// A record read whole: whether it ended in a quote never closed. csv-core reads `"a\nb"c`
    /// as the field `a\nb"c`: a quote not followed by a separator or the line's end closed
    /// nothing; it was text after a quote never closed (`"Lotfi;1` then `"Hedi Ben";2` would
    /// be one account). At the end of the file a quote still spanning lines never closed.
    fn record_end(slot: &Option<Span>, at_end: bool, separator: u8) -> bool {
        slot.as_ref()
            .is_some_and(|span| at_end || span.closed(separator) == Some(false))
    }
}

/// One record of the file.
pub struct Record<'a> {
    /// Physical line (1-based) where the record starts.
    pub line: u64,
    /// Fields, unquoted. Empty when the record was too long to keep.
    pub fields: Vec<&'a str>,
    /// Number of fields in the file, even beyond `MAX_FIELDS`.
    pub field_count: usize,
    /// The record exceeded `MAX_RECORD_BYTES`.
    pub too_long: bool,
    /// The field (1-based) whose quote the line opened and nothing closed, when the reader
    /// resynchronises quotes ([`RecordReader::resync_quotes`]).
    pub open_quote: Option<usize>,
}

impl Record<'_> {
    pub fn is_blank(&self) -> bool {
        !self.too_long
            && self.open_quote.is_none()
            && self.fields.iter().all(|f| f.trim().is_empty())
    }
}

/// A source of records: the lines of a CSV file, or the rows of a spreadsheet (`sheet`).
pub trait Records {
    /// Next record, or `None` at the end.
    fn next_record(&mut self) -> io::Result<Option<Record<'_>>>;
}

impl<R: Read> Records for RecordReader<R> {
    fn next_record(&mut self) -> io::Result<Option<Record<'_>>> {
        RecordReader::next_record(self)
    }
}

/// Streams records from UTF-8 text with LF line ends (see `open_text`).
pub struct RecordReader<R> {
    src: R,
    rdr: csv_core::Reader,
    inbuf: Vec<u8>,
    in_pos: usize,
    in_len: usize,
    eof: bool,
    out: Vec<u8>,
    ends: Vec<usize>,
    line: u64,
    started: bool,
    record_line: u64,
    /// Before the file's first byte: a UTF-8 BOM there is no record's start.
    at_file_start: bool,
    separator: u8,
    /// A quote left open is the error of its line, not the rest of the file (`resync_quotes`).
    resync: bool,
    /// The quoted field that went over a line break, while it may still close.
    span: Option<Span>,
    /// The last byte read from the source, to end a last line that has no line break.
    last_byte: Option<u8>,
}

impl<R: Read> RecordReader<R> {
    pub fn new(src: R, separator: u8) -> Self {
        RecordReader {
            src,
            rdr: csv_core::ReaderBuilder::new().delimiter(separator).build(),
            separator,
            inbuf: vec![0; 64 * 1024],
            in_pos: 0,
            in_len: 0,
            eof: false,
            out: vec![0; MAX_RECORD_BYTES],
            ends: vec![0; MAX_FIELDS],
            line: 1,
            started: false,
            record_line: 1,
            at_file_start: true,
            resync: false,
            span: None,
            last_byte: None,
        }
    }

    /// For files whose quoted fields are short (accounts, tariffs, call records): a quoted
    /// field may hold
    /// [`MAX_BREAKS_IN_QUOTES`] line breaks (a name typed with Alt+Entrée in a spreadsheet);
    /// a quote still open after that, or at the end of the file, was never closed. Its line
    /// is then a record of its own, flagged `open_quote`, and reading goes on at the next
    /// line, instead of the rest of the file becoming one field up to the next quote.
    pub fn resync_quotes(mut self) -> Self {
        self.resync = true;
        self
    }

    /// Back to the line after the one that opened the quote: its bytes are read again.
    fn rewind(&mut self) -> usize {
        let span = self.span.take().expect("a quoted field over a line break");
        self.rdr.reset();
        // After a reset csv-core takes a BOM at the start of its input for the file's own: a
        // blank line read first (skipped) keeps a BOM at the start of the next line as text,
        // as anywhere else in the file.
        let _ = self.rdr.read_record(b"\n", &mut [0; 1], &mut [0; 1]);
        self.line -= span.raw.iter().filter(|&&b| b == b'\n').count() as u64;
        let n = span.raw.len();
        if n <= self.in_pos {
            // Most often the bytes are still in front of the input: put them back there.
            self.inbuf[self.in_pos - n..self.in_pos].copy_from_slice(&span.raw);
            self.in_pos -= n;
        } else {
            let mut buf = span.raw;
            buf.extend_from_slice(&self.inbuf[self.in_pos..self.in_len]);
            self.in_len = buf.len();
            self.in_pos = 0;
            buf.resize(buf.len().max(64 * 1024), 0);
            self.inbuf = buf;
        }
        span.field
    }

    fn consume(&mut self, n: usize) {
        let bytes = &self.inbuf[self.in_pos..self.in_pos + n];
        let mut i = 0;
        if std::mem::take(&mut self.at_file_start) && bytes.starts_with(b"\xEF\xBB\xBF") {
            i = 3;
        }
        if !self.started {
            while i < bytes.len() && bytes[i] == b'\n' {
                self.line += 1;
                i += 1;
            }
            if i < bytes.len() {
                self.started = true;
                self.record_line = self.line;
            }
        }
        self.line += bytes[i..].iter().filter(|&&b| b == b'\n').count() as u64;
        self.in_pos += n;
    }

    /// Next record, or `None` at the end of the file. Invalid UTF-8 cannot occur here (the
    /// encoding was chosen by reading the whole file), but would be replaced, not trusted.
    pub fn next_record(&mut self) -> io::Result<Option<Record<'_>>> {
        use csv_core::ReadRecordResult as R;
        let mut nout = 0;
        let mut nends = 0;
        let mut too_long = false;
        let mut extra_fields = 0usize;
        let mut scratch_out = [0u8; 4096];
        let mut scratch_ends = [0usize; 64];
        self.started = false;
        loop {
            if self.in_pos == self.in_len && !self.eof {
                self.in_len = self.src.read(&mut self.inbuf)?;
                self.in_pos = 0;
                self.eof = self.in_len == 0;
                if self.eof && self.resync && self.last_byte.is_some_and(|b| b != b'\n') {
                    // The last line ends here: a quote it left open is its error too.
                    self.inbuf[0] = b'\n';
                    (self.in_len, self.eof) = (1, false);
                }
                self.last_byte = self.inbuf[..self.in_len].last().copied();
            }
            let mut input = &self.inbuf[self.in_pos..self.in_len];
            let mut line_end = false;
            if self.resync {
                if let Some(i) = memchr::memchr(b'\n', input) {
                    input = &input[..=i];
                    line_end = true;
                }
            }
            let (res, nin, o, e) = {
                let out: &mut [u8] = if too_long {
                    &mut scratch_out
                } else {
                    &mut self.out[nout..]
                };
                let ends: &mut [usize] = if nends == MAX_FIELDS {
                    &mut scratch_ends
                } else {
                    &mut self.ends[nends..]
                };
                self.rdr.read_record(input, out, ends)
            };
            if let Some(span) = &mut self.span {
                span.raw
                    .extend_from_slice(&self.inbuf[self.in_pos..self.in_pos + nin]);
            }
            let at_end = self.eof && input.is_empty();
            let whole_line = line_end && nin == input.len();
            self.consume(nin);
            if !too_long {
                nout += o;
            }
            if nends == MAX_FIELDS {
                extra_fields += e;
            } else {
                nends += e;
            }
            // A line's break read inside quotes is written out (a blank line is skipped, not
            // written); past the bound of breaks, the end of the file or the record's bound
            // inside them, the quote was never closed.
            let open = match res {
                R::InputEmpty if whole_line && o > 0 => {
                    let field = nends + extra_fields + 1;
                    Span::line_break(&mut self.span, field, self.separator)
                }
                R::Record => Span::record_end(&self.span, at_end, self.separator),
                // The record's bound reached inside quotes spanning lines.
                R::OutputFull => self.span.is_some(),
                _ => false,
            };
            if open {
                let field = self.rewind();
                return Ok(Some(Record {
                    line: self.record_line,
                    fields: Vec::new(),
                    field_count: field,
                    too_long: false,
                    open_quote: Some(field),
                }));
            }
            match res {
                R::InputEmpty | R::OutputEndsFull => continue,
                R::OutputFull => {
                    too_long = true;
                    continue;
                }
                R::Record => {
                    self.span = None;
                    break;
                }
                R::End => return Ok(None),
            }
        }
        let field_count = nends + extra_fields;
        if too_long {
            return Ok(Some(Record {
                line: self.record_line,
                fields: Vec::new(),
                field_count,
                too_long,
                open_quote: None,
            }));
        }
        // Fields end on ASCII separators, so slicing valid UTF-8 at their ends stays valid.
        let data = std::str::from_utf8(&self.out[..nout]).unwrap_or("\u{fffd}");
        let mut fields = Vec::with_capacity(nends);
        let mut start = 0;
        for &end in &self.ends[..nends] {
            let end = end.min(data.len());
            fields.push(data.get(start..end).unwrap_or("\u{fffd}"));
            start = end;
        }
        Ok(Some(Record {
            line: self.record_line,
            fields,
            field_count,
            too_long: false,
            open_quote: None,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoding_of(bytes: &[u8]) -> Result<Encoding> {
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), bytes).unwrap();
        detect_encoding(f.path(), Mixed::Refused)
    }

    #[test]
    fn windows_files_are_told_apart_by_their_words() {
        let w1252 = |s: &str| encoding_rs::WINDOWS_1252.encode(s).0.into_owned();
        let w1256 = |s: &str| encoding_rs::WINDOWS_1256.encode(s).0.into_owned();
        // Read as `enc`, alone and after a BOM a UTF-8 editor left.
        let read_as = |bytes: Vec<u8>, enc: Encoding, s: &str| {
            assert_eq!(encoding_of(&bytes).unwrap(), enc, "{s}");
            let mut bom = b"\xEF\xBB\xBFLotfi;0\n".to_vec();
            bom.extend(bytes);
            assert_eq!(encoding_of(&bom).unwrap(), enc, "BOM {s}");
        };
        // French alone, capitals with accents too, a NBSP or a dash after one (valid UTF-8
        // by chance), guillemets and signs between words.
        for s in [
            "Hélène Béchir;1\n",
            "ÉLODIE À;1\nçà où;2\n",
            "Hédi;1\nJOSÉ\u{a0}MARTIN;2\nANDRÉ–PIERRE;3\n",
            "+2162;Mobile «\u{a0}zone 2\u{a0}»;0,180\n+239;São Tomé-et-Príncipe;1,200\n",
        ] {
            read_as(w1252(s), Encoding::Windows1252, s);
        }
        // Arabic words, with or without French accents beside them.
        for s in [
            "علي بن صالح;1\n",
            "Hédi;1\nعلي;2\n",
            "مريم الغربي - Meriem;3\n",
        ] {
            read_as(w1256(s), Encoding::Windows1256, s);
        }
        // Arabic beside a Latin capital with an accent, a byte Windows-1256 gives to Arabic:
        // no Arabic Windows file, so Windows-1252 as SPEC §5 says.
        let mut both = w1252("ÉLODIE;1\n");
        both.extend(w1256("علي;2\n"));
        assert_eq!(encoding_of(&both).unwrap(), Encoding::Windows1252);
        // UTF-8 stays UTF-8; a line of UTF-8 then one that is not: refused.
        assert_eq!(encoding_of("علي;1\n".as_bytes()).unwrap(), Encoding::Utf8);
        let mut mixed = b"a;1\n".to_vec();
        mixed.extend("Zoé;2\n".as_bytes());
        mixed.extend(w1252("Zoé;3"));
        let e = encoding_of(&mixed).unwrap_err().to_string();
        assert!(
            e.contains("la ligne 2 est en UTF-8, la ligne 3 ne l'est pas"),
            "{e}"
        );
        // Asterisk's records are read all the same: the caller names are not billed.
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), &mixed).unwrap();
        assert_eq!(
            detect_encoding(f.path(), Mixed::ReadAsWindows).unwrap(),
            Encoding::Windows1252
        );
    }

    fn records(text: &[u8], sep: u8) -> Vec<(u64, Vec<String>)> {
        let mut r = RecordReader::new(
            LineEnds {
                inner: text,
                pending_cr: false,
            },
            sep,
        );
        let mut out = Vec::new();
        while let Some(rec) = r.next_record().unwrap() {
            if rec.is_blank() {
                continue;
            }
            out.push((rec.line, rec.fields.iter().map(|s| s.to_string()).collect()));
        }
        out
    }

    #[test]
    fn line_numbers_are_physical_lines_with_any_line_end() {
        // A BOM then blank lines: the first record is on line 3.
        let recs = records(b"\xEF\xBB\xBF\n\nAli;1\n", b';');
        assert_eq!(
            (recs[0].0, recs[0].1.clone()),
            (3, vec!["Ali".to_string(), "1".into()])
        );
        for text in [
            &b"a;1\n\nb;2\n"[..],
            b"a;1\r\n\r\nb;2\r\n",
            b"a;1\r\rb;2\r",
            b"a;1\n  \nb;2",
            b"\xEF\xBB\xBFa;1\n\nb;2\n",
        ] {
            let recs = records(text, b';');
            assert_eq!(recs[0].0, 1);
            assert_eq!(
                recs.last().unwrap().0,
                3,
                "{:?}",
                String::from_utf8_lossy(text)
            );
        }
    }

    #[test]
    fn quoted_fields_keep_separators_quotes_and_line_breaks() {
        let recs = records(
            b"\"Ben Ali; Lotfi\";\"dit \"\"Lo\"\"\"\n\"a\nb\";x\nz;y\n",
            b';',
        );
        assert_eq!(recs[0].1, ["Ben Ali; Lotfi", "dit \"Lo\""]);
        assert_eq!(recs[1].1, ["a\nb", "x"]);
        assert_eq!(
            recs[2].0, 4,
            "record after a two-line field starts on line 4"
        );
    }

    #[test]
    fn oversized_record_is_flagged_and_reading_goes_on() {
        let mut text = vec![b'x'; MAX_RECORD_BYTES * 3];
        text.extend_from_slice(b"\nok;1\n");
        let mut r = RecordReader::new(&text[..], b';');
        let first = r.next_record().unwrap().unwrap();
        assert!(first.too_long);
        let second = r.next_record().unwrap().unwrap();
        assert_eq!(second.fields, ["ok", "1"]);
        assert_eq!(second.line, 2);
    }

    /// The records of `text` read with quotes resynchronised, one per line of the answer:
    /// `2 « 1` for line 2 leaving the quote of field 1 open, `3 c|3` for line 3's fields.
    fn resynced(text: &[u8]) -> String {
        let mut r = RecordReader::new(text, b';').resync_quotes();
        let mut got = Vec::new();
        while let Some(rec) = r.next_record().unwrap() {
            got.push(match rec.open_quote {
                Some(field) => format!("{} « {field}", rec.line),
                None => format!("{} {}", rec.line, rec.fields.join("|")),
            });
        }
        got.join("\n")
    }

    #[test]
    fn a_quote_left_open_is_its_lines_error_and_reading_goes_on() {
        let cases: [(&[u8], &str); 7] = [
            // Nothing closes it: the lines after it are records of their own.
            (
                b"a;1\n\"b;2\n\nc;3\nd;4\ne;5\n",
                "1 a|1\n2 « 1\n4 c|3\n5 d|4\n6 e|5",
            ),
            // Closed three lines down, past the bound: the lines between are still lines.
            (
                b"\"a;1\nb;2\nc;3\nd\";4\ne;\"6",
                "1 « 1\n2 b|2\n3 c|3\n4 d\"|4\n5 « 2",
            ),
            // Text after a closing quote: the quote before was never closed.
            (
                b"\"Lotfi;3\n\"Hedi Ben\";4\nMoh;6\n",
                "1 « 1\n2 Hedi Ben|4\n3 Moh|6",
            ),
            (
                b"\"a;1\n\"b;2\n\"c;3\n\"d;4\nbad5\n",
                "1 « 1\n2 « 1\n3 « 1\n4 « 1\n5 bad5",
            ),
            // The one followed is the last opened: field 1 closes on line 2, field 3 opens.
            (
                b"\"Amira\nBen\";5;\"15;x\nHedi;4\nMoh;6\n",
                "1 « 3\n3 Hedi|4\n4 Moh|6",
            ),
            // A BOM at the start of a line read again stays text.
            (
                b"\"Lotfi;1\n\xEF\xBB\xBFHedi;4\n",
                "1 « 1\n2 \u{feff}Hedi|4",
            ),
            // A name with two line breaks in its cell is one record.
            (
                b"\"Amira\nBen\nTrabelsi\";1\nz;2",
                "1 Amira\nBen\nTrabelsi|1\n4 z|2",
            ),
        ];
        for (text, read) in cases {
            assert_eq!(resynced(text), read, "{}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn many_fields_are_counted_not_stored() {
        let line = vec!["1"; 200].join(";");
        let mut r = RecordReader::new(line.as_bytes(), b';');
        let rec = r.next_record().unwrap().unwrap();
        assert_eq!(rec.field_count, 200);
        assert_eq!(rec.fields.len(), MAX_FIELDS);
    }

    #[test]
    fn separator_is_sniffed_from_field_counts() {
        assert_eq!(sniff_separator(b"a,1,2\nb,3,4\n", 3..=13), b',');
        assert_eq!(sniff_separator(b"Ben Ali, Lotfi;1;2\n", 3..=13), b';');
        assert_eq!(sniff_separator(b"a\t1\t2\n", 3..=13), b'\t');
        assert_eq!(sniff_separator(b"\"x;y\",1,2\n", 3..=13), b',');
    }
}
