//! Reading a CSV file the way spreadsheets write them: UTF-8 with or without BOM (UTF-16 with
//! BOM too), otherwise Windows-1252; `,` `;` or tab detected from the file; RFC 4180 quoting;
//! LF, CRLF or CR line ends; blank lines skipped. Memory is bounded: a record longer than
//! `MAX_RECORD_BYTES` or with more than `MAX_FIELDS` fields is reported, never buffered whole.

use crate::error::{Error, Result};
use std::fs::File;
use std::io::{self, BufReader, Read};
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
}

impl Encoding {
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16Le | Encoding::Utf16Be => "UTF-16",
            Encoding::Windows1252 => "Windows-1252",
        }
    }
}

/// Reads the whole file once, in constant memory, to tell UTF-8 from Windows-1252: a single
/// invalid byte anywhere means the file did not come out as UTF-8.
pub fn detect_encoding(path: &Path) -> Result<Encoding> {
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
    let counted = Counting {
        inner: BufReader::with_capacity(256 * 1024, f),
        count: counter.clone(),
    };
    let decoded: TextStream = match enc {
        Encoding::Utf8 => Box::new(counted),
        Encoding::Utf16Le | Encoding::Utf16Be => Box::new(
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .bom_sniffing(true)
                .strip_bom(true)
                .build(counted),
        ),
        Encoding::Windows1252 => Box::new(
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(encoding_rs::WINDOWS_1252))
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
}

impl Record<'_> {
    pub fn is_blank(&self) -> bool {
        !self.too_long && self.fields.iter().all(|f| f.trim().is_empty())
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
}

impl<R: Read> RecordReader<R> {
    pub fn new(src: R, separator: u8) -> Self {
        RecordReader {
            src,
            rdr: csv_core::ReaderBuilder::new().delimiter(separator).build(),
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
        }
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
            }
            let input = &self.inbuf[self.in_pos..self.in_len];
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
            self.consume(nin);
            if !too_long {
                nout += o;
            }
            if nends == MAX_FIELDS {
                extra_fields += e;
            } else {
                nends += e;
            }
            match res {
                R::InputEmpty | R::OutputEndsFull => continue,
                R::OutputFull => {
                    too_long = true;
                    continue;
                }
                R::Record => break,
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
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
