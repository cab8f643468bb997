//! Text on the sheet: any script the embedded font covers (DejaVu Sans: Latin with every
//! French letter, Arabic, and much more), laid out as a word processor would:
//!
//! 1. the Unicode bidirectional algorithm (`unicode-bidi`) splits a line into runs in visual
//!    order, right-to-left for Arabic inside a left-to-right line and the reverse;
//! 2. each run is shaped by `rustybuzz` (HarfBuzz's algorithm): Arabic letters take their
//!    joined forms, lam-alef becomes one glyph, marks sit on their letter, Latin gets kerning;
//! 3. each glyph is placed at its pen position and carries the text it stands for (a joined
//!    form reads back as its letter, a ligature as its letters), which becomes the PDF's
//!    `ToUnicode` map: `pdftotext` and copy-and-paste give back the name.
//!
//! Widths come from the shaping, so a long name or reason is cut with `…` before the right
//! margin and an amount is set smaller rather than cut, in any script.

use super::*;
use rustybuzz::{Direction, UnicodeBuffer};
use std::collections::BTreeMap;
use unicode_bidi::BidiInfo;

/// DejaVu Sans and DejaVu Sans Bold (Bitstream Vera licence, `crates/core/fonts/LICENSE`).
pub(super) const REGULAR_TTF: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");
pub(super) const BOLD_TTF: &[u8] = include_bytes!("../../fonts/DejaVuSans-Bold.ttf");

/// The two faces used.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Face {
    Regular,
    Bold,
}

impl Face {
    pub(super) fn index(self) -> usize {
        match self {
            Face::Regular => 0,
            Face::Bold => 1,
        }
    }

    pub(super) fn font_id(self) -> FontId {
        FontId(
            match self {
                Face::Regular => "FR",
                Face::Bold => "FB",
            }
            .into(),
        )
    }

    pub(super) fn from_font_id(id: &FontId) -> Option<Face> {
        match id.0.as_str() {
            "FR" => Some(Face::Regular),
            "FB" => Some(Face::Bold),
            _ => None,
        }
    }

    pub(super) fn ttf(self) -> &'static [u8] {
        match self {
            Face::Regular => REGULAR_TTF,
            Face::Bold => BOLD_TTF,
        }
    }
}

/// One glyph placed on a line: its id in the whole font, its pen position from the line's
/// start (points), and the text it reads back as.
#[derive(Debug, Clone)]
pub(super) struct Glyph {
    pub(super) gid: u16,
    pub(super) x: f32,
    pub(super) y: f32,
    pub(super) text: String,
}

/// A shaped line: glyphs left to right, and the width they take.
#[derive(Debug, Default)]
pub(super) struct Shaped {
    pub(super) glyphs: Vec<Glyph>,
    pub(super) width: f32,
}

/// The faces, parsed once per sheet.
pub(super) struct Shaper {
    faces: [rustybuzz::Face<'static>; 2],
}

impl Default for Shaper {
    fn default() -> Self {
        let parse = |f: Face| {
            rustybuzz::Face::from_slice(f.ttf(), 0).expect("the embedded font is a valid font")
        };
        Shaper {
            faces: [parse(Face::Regular), parse(Face::Bold)],
        }
    }
}

/// Characters that shape nothing by themselves but steer joining or direction.
fn is_format(c: char) -> bool {
    matches!(c, '\u{200c}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

impl Shaper {
    /// `s` as the font can show it: control characters become spaces, a soft hyphen or a
    /// zero-width space disappears, a letter the font lacks loses its accent if the bare
    /// letter exists (`ﬀ` → `ff`), and what is left becomes `?`.
    pub(super) fn clean(&self, s: &str, face: Face) -> String {
        let f = &self.faces[face.index()];
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            if c.is_control() {
                out.push(' ');
            } else if matches!(c, '\u{ad}' | '\u{200b}' | '\u{feff}') {
                // Nothing to print.
            } else if is_format(c) || is_combining_mark(c) || f.glyph_index(c).is_some() {
                out.push(c);
            } else if c.is_whitespace() {
                out.push(' ');
            } else {
                let before = out.len();
                out.extend(
                    std::iter::once(c)
                        .nfkd()
                        .filter(|d| !is_combining_mark(*d) && f.glyph_index(*d).is_some()),
                );
                if out.len() == before {
                    out.push('?');
                }
            }
        }
        out
    }

    /// The characters of `s` that [`clean`](Self::clean) prints as `?`, each once.
    pub(super) fn lacking(&self, s: &str) -> Vec<char> {
        let mut out: Vec<char> = Vec::new();
        for c in s.chars() {
            if c != '?' && !out.contains(&c) && self.clean(&c.to_string(), Face::Regular) == "?" {
                out.push(c);
            }
        }
        out
    }

    /// Lays `s` out on one line at `size` points (already [`clean`](Self::clean)ed).
    pub(super) fn shape(&self, s: &str, face: Face, size: f32) -> Shaped {
        let font = &self.faces[face.index()];
        let scale = size / font.units_per_em() as f32;
        let mut line = Shaped::default();
        if s.is_empty() {
            return line;
        }
        let bidi = BidiInfo::new(s, None);
        let mut pen = 0.0f32;
        for para in &bidi.paragraphs {
            let (levels, runs) = bidi.visual_runs(para, para.range.clone());
            for run in runs {
                let rtl = levels[run.start].is_rtl();
                let text = &s[run.clone()];
                let mut buf = UnicodeBuffer::new();
                buf.push_str(text);
                buf.set_direction(if rtl {
                    Direction::RightToLeft
                } else {
                    Direction::LeftToRight
                });
                buf.guess_segment_properties();
                let out = rustybuzz::shape(font, &[], buf);
                let infos = out.glyph_infos();
                let positions = out.glyph_positions();
                let texts = glyph_texts(text, infos.iter().map(|g| g.cluster as usize), rtl);
                for ((info, pos), text) in infos.iter().zip(positions).zip(texts) {
                    line.glyphs.push(Glyph {
                        gid: info.glyph_id as u16,
                        x: pen + pos.x_offset as f32 * scale,
                        y: pos.y_offset as f32 * scale,
                        text,
                    });
                    pen += pos.x_advance as f32 * scale;
                }
            }
        }
        line.width = pen;
        line
    }

    /// Width of `s` in points.
    pub(super) fn width(&self, s: &str, face: Face, size: f32) -> f32 {
        self.shape(&self.clean(s, face), face, size).width
    }

    /// `s` cut with `…` so that it fits `max_w` points (the cut is at the logical end: the
    /// left end of a right-to-left name).
    pub(super) fn fit(&self, s: &str, face: Face, size: f32, max_w: f32) -> String {
        let s = self.clean(s, face);
        if self.shape(&s, face, size).width <= max_w {
            return s;
        }
        let ends: Vec<usize> = s.char_indices().map(|(i, _)| i).skip(1).collect();
        let cut = |n: usize| format!("{}…", s[..ends[n]].trim_end());
        // The longest prefix that fits with its ellipsis: widths grow with the prefix.
        let (mut lo, mut hi) = (0usize, ends.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.shape(&cut(mid), face, size).width <= max_w {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if lo == 0 {
            "…".into()
        } else {
            cut(lo - 1)
        }
    }

    /// `s` in lines of at most `max_w` points, broken between words (a word wider than a line
    /// where it must), at most `max_lines` of them: the last one cut with `…` if the text goes
    /// on.
    pub(super) fn wrap(
        &self,
        s: &str,
        face: Face,
        size: f32,
        max_w: f32,
        max_lines: usize,
    ) -> Vec<String> {
        let s = self.clean(s, face);
        let fits = |t: &str| self.shape(t, face, size).width <= max_w;
        let mut lines: Vec<String> = Vec::new();
        let mut line = String::new();
        for word in s.split(' ').filter(|w| !w.is_empty()) {
            let joined = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if fits(&joined) {
                line = joined;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let mut rest = word;
            while !fits(rest) {
                // The longest prefix that fits, one character at least.
                let ends: Vec<usize> = rest.char_indices().map(|(i, _)| i).skip(1).collect();
                let n = ends
                    .iter()
                    .take_while(|&&e| fits(&rest[..e]))
                    .last()
                    .copied()
                    .or(ends.first().copied())
                    .unwrap_or(rest.len());
                lines.push(rest[..n].to_string());
                rest = &rest[n..];
            }
            line = rest.to_string();
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        if lines.len() > max_lines.max(1) {
            let keep = max_lines.max(1) - 1;
            let rest = lines[keep..].join(" ");
            lines.truncate(keep);
            lines.push(self.fit(&rest, face, size, max_w));
        }
        lines
    }

    /// The font size at which `s` fits `max_w`: `size`, or smaller down to 5 pt.
    pub(super) fn shrink(&self, s: &str, face: Face, size: f32, max_w: f32) -> f32 {
        let w = self.width(s, face, size);
        if w <= max_w {
            size
        } else {
            (size * max_w / w).max(5.0)
        }
    }
}

/// The text each glyph of a run reads back as, from the clusters HarfBuzz gives (byte offsets
/// into `run`, in visual order). A cluster of as many glyphs as characters gives one character
/// to each, in logical order (a letter and its mark); otherwise its first glyph in logical
/// order takes the whole cluster (a ligature, its characters reversed in a right-to-left run)
/// and the others nothing.
fn glyph_texts(run: &str, clusters: impl Iterator<Item = usize>, rtl: bool) -> Vec<String> {
    let clusters: Vec<usize> = clusters.collect();
    let mut starts: Vec<usize> = clusters.clone();
    starts.sort_unstable();
    starts.dedup();
    let end_of = |c: usize| {
        let i = starts.partition_point(|&s| s <= c);
        starts.get(i).copied().unwrap_or(run.len())
    };
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let order: Vec<usize> = if rtl {
        (0..clusters.len()).rev().collect()
    } else {
        (0..clusters.len()).collect()
    };
    for &g in &order {
        members.entry(clusters[g]).or_default().push(g);
    }
    let mut out = vec![String::new(); clusters.len()];
    for (c, glyphs) in members {
        let text = run.get(c..end_of(c)).unwrap_or("");
        let chars: Vec<char> = text.chars().collect();
        if chars.len() == glyphs.len() {
            for (g, ch) in glyphs.iter().zip(chars) {
                out[*g] = ch.to_string();
            }
        } else if rtl {
            // Readers put a right-to-left line back in logical order by reversing it,
            // characters of a ligature included (pdftotext read « صلاح » as « صالح »): its text
            // is given reversed so that it comes out as typed.
            out[glyphs[0]] = text.chars().rev().collect();
        } else {
            out[glyphs[0]] = text.to_string();
        }
    }
    // A no-break space reads back as a space (the thousands of an amount).
    for t in &mut out {
        if t.contains('\u{a0}') {
            *t = t.replace('\u{a0}', " ");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_text_is_kept_and_what_the_font_lacks_brought_near() {
        let s = Shaper::default();
        assert_eq!(
            s.clean("Hédi Œuvré — à ç ï œ …", Face::Regular),
            "Hédi Œuvré — à ç ï œ …"
        );
        assert_eq!(s.clean("a\tb\u{ad}c", Face::Regular), "a bc");
        assert_eq!(s.clean("محمد بن علي", Face::Bold), "محمد بن علي");
        // No CJK in DejaVu Sans.
        assert_eq!(s.clean("李", Face::Regular), "?");
        assert_eq!(s.lacking("李 Ali 李小 ?"), ['李', '小']);
        assert!(s.lacking("Hédi الطرابلسي ﬀ").is_empty());
    }

    #[test]
    fn arabic_is_joined_and_reads_back_in_logical_order() {
        let s = Shaper::default();
        let line = s.shape("محمد", Face::Regular, 10.0);
        // Four letters, four glyphs, none of them the isolated forms the cmap gives.
        assert_eq!(line.glyphs.len(), 4);
        let face = &s.faces[0];
        let isolated: Vec<u16> = "محمد"
            .chars()
            .map(|c| face.glyph_index(c).unwrap().0)
            .collect();
        assert!(line.glyphs.iter().any(|g| !isolated.contains(&g.gid)));
        // Visual order is right to left: the first glyph drawn is the last letter.
        let texts: Vec<&str> = line.glyphs.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(texts, ["د", "م", "ح", "م"]);
        // Lam-alef is one glyph that reads back as both letters: given in visual order, as
        // readers reverse a right-to-left line (the sheet's pdftotext test reads « صلاح »).
        let la = s.shape("لا", Face::Regular, 10.0);
        assert_eq!(la.glyphs.len(), 1);
        assert_eq!(la.glyphs[0].text, "ال");
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis_within_the_width() {
        let s = Shaper::default();
        let long = "Hédi ".repeat(40);
        let cut = s.fit(&long, Face::Bold, 10.0, 120.0);
        assert!(cut.ends_with('…'));
        assert!(s.width(&cut, Face::Bold, 10.0) <= 120.0);
        assert_eq!(s.fit("Ali", Face::Bold, 10.0, 120.0), "Ali");
        let size = s.shrink("+1 000 000 000 000,000 TND", Face::Regular, 8.5, 84.0);
        assert!(s.width("+1 000 000 000 000,000 TND", Face::Regular, size) <= 84.01);
        let arabic = "محمد بن علي ".repeat(20);
        let cut = s.fit(&arabic, Face::Regular, 10.0, 150.0);
        assert!(cut.ends_with('…') && s.width(&cut, Face::Regular, 10.0) <= 150.0);
    }
}
