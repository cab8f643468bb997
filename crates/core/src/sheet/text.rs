//! Text on the sheet: WinAnsi only (what the PDF built-in fonts can show), measured with the
//! Helvetica metrics so that long values are cut or set smaller before the margin.

use super::*;

/// The two faces used.
#[derive(Clone, Copy)]
pub(super) enum Face {
    Regular,
    Bold,
}

impl Face {
    pub(super) fn builtin(self) -> BuiltinFont {
        match self {
            Face::Regular => BuiltinFont::Helvetica,
            Face::Bold => BuiltinFont::HelveticaBold,
        }
    }
}

/// The WinAnsi (CP1252) byte of `c`, if it has one; the inverse of what printpdf writes for the
/// built-in fonts (it writes `?` for anything else).
pub(super) fn win_ansi(c: char) -> Option<u8> {
    match c as u32 {
        cp @ (0x20..=0x7E | 0xA0..=0xFF) => Some(cp as u8),
        _ => Some(match c {
            '€' => 0x80,
            '‚' => 0x82,
            'ƒ' => 0x83,
            '„' => 0x84,
            '…' => 0x85,
            '†' => 0x86,
            '‡' => 0x87,
            'ˆ' => 0x88,
            '‰' => 0x89,
            'Š' => 0x8A,
            '‹' => 0x8B,
            'Œ' => 0x8C,
            'Ž' => 0x8E,
            '\u{2018}' => 0x91,
            '\u{2019}' => 0x92,
            '\u{201C}' => 0x93,
            '\u{201D}' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '˜' => 0x98,
            '™' => 0x99,
            'š' => 0x9A,
            '›' => 0x9B,
            'œ' => 0x9C,
            'ž' => 0x9E,
            'Ÿ' => 0x9F,
            _ => return None,
        }),
    }
}

/// `s` brought to what the built-in fonts can show: WinAnsi characters are kept, other spaces
/// (narrow no-break, thin…) become a space, other letters lose their accent when the bare
/// letter exists (`ğ` → `g`, `ﬁ` → `fi`), and what is left becomes `?`. Control characters
/// become a space.
pub(crate) fn pdf_text(s: &str) -> String {
    if s.bytes().all(|b| (0x20..0x7F).contains(&b)) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.push(' ');
        } else if win_ansi(c).is_some() && c != '\u{ad}' {
            out.push(c);
        } else if c.is_whitespace() {
            out.push(if c == '\u{202f}' { '\u{a0}' } else { ' ' });
        } else if is_combining_mark(c) || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}') {
            // An accent left alone, a soft hyphen or a zero-width mark: nothing to print.
        } else {
            let before = out.len();
            out.extend(
                std::iter::once(c)
                    .nfkd()
                    .filter(|d| !is_combining_mark(*d) && win_ansi(*d).is_some()),
            );
            if out.len() == before {
                out.push('?');
            }
        }
    }
    out
}

/// Helvetica advance widths of U+0020..=U+007E, in 1/1000 em (Adobe AFM).
pub(super) const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0..?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P.._
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // `..o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p..~
];

/// Helvetica-Bold advance widths of U+0020..=U+007E, in 1/1000 em (Adobe AFM).
pub(super) const HELVETICA_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 0..?
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // P.._
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // `..o
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, // p..~
];

/// Advance width of one WinAnsi character, in 1/1000 em. Accented letters have the width of
/// their base letter in Helvetica; the few others are listed; anything unknown counts as a
/// digit's width.
pub(super) fn advance(c: char, face: Face) -> u16 {
    let bold = matches!(face, Face::Bold);
    let table = if bold { &HELVETICA_BOLD } else { &HELVETICA };
    let ascii = |c: char| table[(c as usize) - 0x20];
    match c {
        ' '..='~' => ascii(c),
        '\u{a0}' => 278,
        'Œ' | 'Æ' | '…' | '—' | '‰' => 1000,
        'œ' => 944,
        'æ' => 889,
        'ß' | 'ø' | '¿' => 611,
        'Ø' => 778,
        '©' | '®' => 737,
        '°' => 400,
        '•' => 350,
        '‘' | '’' | '‚' => {
            if bold {
                278
            } else {
                222
            }
        }
        '“' | '”' | '„' => {
            if bold {
                500
            } else {
                333
            }
        }
        '¡' | '¨' | '´' | '¸' | '¯' | '‹' | '›' => 333,
        _ => match std::iter::once(c).nfd().next() {
            Some(b) if (' '..='~').contains(&b) => ascii(b),
            _ => 556,
        },
    }
}

/// Width of `s` (already WinAnsi) in points.
pub(super) fn width(s: &str, face: Face, size: f32) -> f32 {
    s.chars().map(|c| f32::from(advance(c, face))).sum::<f32>() * size / 1000.0
}

/// `s` cut with `…` so that it fits `max_w` points.
pub(super) fn fit(s: &str, face: Face, size: f32, max_w: f32) -> String {
    if width(s, face, size) <= max_w {
        return s.to_string();
    }
    let budget = max_w - width("…", face, size);
    let mut used = 0.0;
    let mut out = String::new();
    for c in s.chars() {
        used += f32::from(advance(c, face)) * size / 1000.0;
        if used > budget {
            break;
        }
        out.push(c);
    }
    let mut out = out.trim_end().to_string();
    out.push('…');
    out
}

/// The font size at which `s` fits `max_w`: `size`, or smaller down to 5 pt.
pub(super) fn shrink(s: &str, face: Face, size: f32, max_w: f32) -> f32 {
    let w = width(s, face, size);
    if w <= max_w {
        size
    } else {
        (size * max_w / w).max(5.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_text_is_kept_and_the_rest_brought_to_win_ansi() {
        assert_eq!(pdf_text("Hédi Œuvré — à ç ï œ …"), "Hédi Œuvré — à ç ï œ …");
        assert_eq!(pdf_text("1\u{202f}234"), "1\u{a0}234");
        assert_eq!(pdf_text("Doğan Ș ﬁn"), "Dogan S fin");
        assert_eq!(pdf_text("علي"), "???");
        assert_eq!(pdf_text("a\tb\u{ad}c"), "a bc");
        assert!(pdf_text("Émile Łukasz 李")
            .chars()
            .all(|c| win_ansi(c).is_some()));
    }

    #[test]
    fn widths_follow_the_helvetica_metrics() {
        assert_eq!(advance('W', Face::Regular), 944);
        assert_eq!(advance('é', Face::Regular), advance('e', Face::Regular));
        assert_eq!(advance('ç', Face::Bold), 556);
        assert_eq!(advance('~', Face::Bold), 584);
        assert!((width("0000000000", Face::Regular, 10.0) - 55.6).abs() < 0.01);
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis_within_the_width() {
        let long = "Hédi ".repeat(40);
        let cut = fit(&long, Face::Bold, 10.0, 120.0);
        assert!(cut.ends_with('…'));
        assert!(width(&cut, Face::Bold, 10.0) <= 120.0);
        assert_eq!(fit("Ali", Face::Bold, 10.0, 120.0), "Ali");
        let size = shrink("+1 000 000 000 000,000 TND", Face::Regular, 8.5, 84.0);
        assert!(width("+1 000 000 000 000,000 TND", Face::Regular, size) <= 84.01);
    }
}
