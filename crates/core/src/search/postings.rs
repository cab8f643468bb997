//! Codec of the postings stored in a bucket: entries `(token, account id)` sorted, tokens
//! front-coded against the previous one (the bucket name is the first "previous"), and ids
//! delta-coded while the token repeats. A common first name in a bucket costs about 2 bytes per
//! account instead of 11; a phone number about 7 instead of 12.

pub(crate) fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

pub(crate) fn read_varint(buf: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v: u64 = 0;
    let mut shift = 0;
    loop {
        let b = *buf.get(*pos)?;
        *pos += 1;
        if shift > 63 {
            return None;
        }
        v |= ((b & 0x7f) as u64) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
        shift += 7;
    }
}

fn shared_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Encodes entries already sorted by `(token, id)` and without repeats.
pub fn encode_sorted<'a>(
    bucket: &[u8],
    entries: impl IntoIterator<Item = (&'a [u8], i64)>,
    out: &mut Vec<u8>,
) {
    let mut prev: &[u8] = bucket;
    let mut prev_id = 0i64;
    for (token, id) in entries {
        let shared = shared_prefix(prev, token).min(255);
        let suffix = &token[shared..];
        out.push(shared as u8);
        out.push(suffix.len() as u8);
        out.extend_from_slice(suffix);
        let same = suffix.is_empty() && shared == prev.len();
        push_varint(
            out,
            if same {
                (id - prev_id) as u64
            } else {
                id as u64
            },
        );
        prev = token;
        prev_id = id;
    }
}

/// Calls `f` for every entry, in order. Returns false if the blob is damaged (decoding stops
/// there instead of panicking; `check` reports it).
pub fn for_each(bucket: &[u8], blob: &[u8], mut f: impl FnMut(&[u8], i64)) -> bool {
    let mut token: Vec<u8> = bucket.to_vec();
    decode(bucket.len(), blob, |shared, suffix, id| {
        token.truncate(shared);
        token.extend_from_slice(suffix);
        f(&token, id);
    })
}

/// Calls `f` with the id of every entry, in order, without rebuilding the tokens: for a
/// prefix no longer than the bucket name, every token of the bucket matches, and a short prefix
/// ("2") reads a million entries. Same damage checks as [`for_each`].
pub fn for_each_id(bucket: &[u8], blob: &[u8], mut f: impl FnMut(i64)) -> bool {
    decode(bucket.len(), blob, |_, _, id| f(id))
}

/// Walks the entries: `f(shared, suffix, id)`, where the token is the previous one cut to
/// `shared` bytes followed by `suffix`. Only the token's length is tracked here.
fn decode(bucket_len: usize, blob: &[u8], mut f: impl FnMut(usize, &[u8], i64)) -> bool {
    let mut token_len = bucket_len;
    let mut prev_id = 0i64;
    let mut pos = 0;
    while pos < blob.len() {
        let (Some(&shared), Some(&len)) = (blob.get(pos), blob.get(pos + 1)) else {
            return false;
        };
        let (shared, len) = (shared as usize, len as usize);
        pos += 2;
        let Some(suffix) = blob.get(pos..pos + len) else {
            return false;
        };
        pos += len;
        if shared > token_len {
            return false;
        }
        let same = len == 0 && shared == token_len;
        token_len = shared + len;
        let Some(v) = read_varint(blob, &mut pos) else {
            return false;
        };
        let id = if same {
            prev_id.wrapping_add(v as i64)
        } else {
            v as i64
        };
        f(shared, suffix, id);
        prev_id = id;
    }
    true
}

/// Pending postings kept in memory before a flush: `len, token, varint id`, appended unsorted.
pub fn push_pending(out: &mut Vec<u8>, token: &[u8], id: i64) {
    out.push(token.len() as u8);
    out.extend_from_slice(token);
    push_varint(out, id as u64);
}

pub fn for_each_pending<'a>(buf: &'a [u8], mut f: impl FnMut(&'a [u8], i64)) {
    let mut pos = 0;
    while let Some(&len) = buf.get(pos) {
        let start = pos + 1;
        let Some(token) = buf.get(start..start + len as usize) else {
            return;
        };
        pos = start + len as usize;
        let Some(id) = read_varint(buf, &mut pos) else {
            return;
        };
        f(token, id as i64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(bucket: &[u8], entries: &[(&[u8], i64)]) -> (Vec<(Vec<u8>, i64)>, usize) {
        let mut blob = Vec::new();
        encode_sorted(bucket, entries.iter().copied(), &mut blob);
        let mut back = Vec::new();
        assert!(for_each(bucket, &blob, |t, id| back.push((t.to_vec(), id))));
        (back, blob.len())
    }

    #[test]
    fn entries_round_trip_and_repeated_tokens_are_small() {
        let entries: Vec<(&[u8], i64)> = vec![
            (b"moh", 7),
            (b"mohamed", 3),
            (b"mohamed", 4),
            (b"mohamed", 900_000),
            (b"mohsen", 2),
        ];
        let (back, len) = round_trip(b"moh", &entries);
        let expected: Vec<(Vec<u8>, i64)> = entries.iter().map(|(t, i)| (t.to_vec(), *i)).collect();
        assert_eq!(back, expected);
        assert!(len < 30, "{len} bytes");
    }

    #[test]
    fn ids_alone_come_out_as_with_their_tokens() {
        let entries: &[(&[u8], i64)] = &[
            (b"274", 9),
            (b"27461234", 3),
            (b"27461234", 7),
            (b"27461299", 2),
            (b"2747", 5),
            (b"2747", 6),
        ];
        let mut blob = Vec::new();
        encode_sorted(b"274", entries.iter().copied(), &mut blob);
        let mut ids = Vec::new();
        assert!(for_each_id(b"274", &blob, |id| ids.push(id)));
        assert_eq!(ids, [9, 3, 7, 2, 5, 6]);
        for cut in 0..blob.len() {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            let ok_a = for_each(b"274", &blob[..cut], |_, id| a.push(id));
            let ok_b = for_each_id(b"274", &blob[..cut], |id| b.push(id));
            assert_eq!((ok_a, a), (ok_b, b), "cut at {cut}");
        }
    }

    #[test]
    fn damaged_blobs_are_detected_not_panicked_on() {
        let mut blob = Vec::new();
        encode_sorted(b"ali", [(&b"ali"[..], 1), (&b"alia"[..], 2)], &mut blob);
        for cut in 0..blob.len() {
            let _ = for_each(b"ali", &blob[..cut], |_, _| {});
        }
        assert!(!for_each(b"ali", &[9, 0, 1], |_, _| {}));
        assert!(!for_each(b"ali", &[0, 200, 1], |_, _| {}));
    }

    #[test]
    fn pending_buffer_round_trips() {
        let mut buf = Vec::new();
        push_pending(&mut buf, b"27468145", 12);
        push_pending(&mut buf, b"ben", 300_000);
        let mut back = Vec::new();
        for_each_pending(&buf, |t, id| back.push((t.to_vec(), id)));
        assert_eq!(
            back,
            [(b"27468145".to_vec(), 12), (b"ben".to_vec(), 300_000)]
        );
    }
}
