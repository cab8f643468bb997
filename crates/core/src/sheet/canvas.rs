//! Drawing on the page: text runs, rules and bands, as printpdf operations.

use super::*;

#[derive(Default)]
pub(super) struct Canvas {
    pub(super) ops: Vec<Op>,
    pub(super) shaper: Shaper,
}

/// Where a line of text is held: its start or its end.
pub(super) enum Edge {
    Left(f32),
    Right(f32),
}

impl Canvas {
    /// One run of text with its baseline starting at (`x`, `y`): shaped, and each glyph placed
    /// where the shaping puts it (printpdf joins glyphs on one baseline into one `TJ`).
    pub(super) fn text(&mut self, x: f32, y: f32, face: Face, size: f32, s: &str) {
        let s = self.shaper.clean(s, face);
        let line = self.shaper.shape(&s, face, size);
        if line.glyphs.is_empty() {
            return;
        }
        self.ops.push(Op::StartTextSection);
        self.ops.push(Op::SetFont {
            font: PdfFontHandle::External(face.font_id()),
            size: Pt(size),
        });
        for g in line.glyphs {
            self.ops.push(Op::SetTextMatrix {
                matrix: TextMatrix::Translate(Pt(x + g.x), Pt(y + g.y)),
            });
            self.ops.push(Op::ShowText {
                items: vec![TextItem::GlyphIds(vec![Codepoint {
                    gid: g.gid,
                    offset: 0.0,
                    cid: Some(g.text),
                }])],
            });
        }
        self.ops.push(Op::EndTextSection);
    }

    /// Width of `s` in points.
    pub(super) fn width(&self, s: &str, face: Face, size: f32) -> f32 {
        self.shaper.width(s, face, size)
    }

    /// Text cut with `…` to fit `max_w`.
    pub(super) fn text_fit(&mut self, x: f32, y: f32, face: Face, size: f32, s: &str, max_w: f32) {
        let s = self.shaper.fit(s, face, size, max_w);
        self.text(x, y, face, size, &s);
    }

    /// Text starting or ending at an edge, set smaller if needed to fit `max_w` (numbers and
    /// amounts are never cut).
    pub(super) fn text_shrunk(
        &mut self,
        at: Edge,
        y: f32,
        face: Face,
        size: f32,
        s: &str,
        max_w: f32,
    ) {
        let size = self.shaper.shrink(s, face, size, max_w);
        let x = match at {
            Edge::Left(x) => x,
            Edge::Right(r) => r - self.width(s, face, size),
        };
        self.text(x, y, face, size, s);
    }

    pub(super) fn rule(&mut self, x1: f32, x2: f32, y: f32, shade: f32, thickness: f32) {
        self.ops.extend([
            Op::SetOutlineColor { col: grey(shade) },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine {
                line: Line {
                    points: vec![point(x1, y), point(x2, y)],
                    is_closed: false,
                },
            },
        ]);
    }

    pub(super) fn band(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.ops.extend([
            Op::SetFillColor { col: grey(BAND) },
            Op::DrawRectangle {
                rectangle: Rect {
                    mode: Some(PaintMode::Fill),
                    ..Rect::from_xywh(Pt(x), Pt(y), Pt(w), Pt(h))
                },
            },
            Op::SetFillColor { col: grey(INK) },
        ]);
    }

    /// A section title in bold with a thin rule under it; returns the first row's baseline.
    pub(super) fn heading(&mut self, y: f32, title: &str) -> f32 {
        self.text(LEFT, y, Face::Bold, 11.5, title);
        self.rule(LEFT, RIGHT, y - 5.0, RULE, 0.5);
        y - 5.0 - ROW
    }

    /// `label` then its value, on more lines when it is longer than the right margin allows
    /// (a name of 100 characters takes three); returns the next baseline.
    pub(super) fn row(&mut self, y: f32, label: &str, value: &str, face: Face) -> f32 {
        self.text(LEFT, y, Face::Regular, BODY, label);
        let lines = self.shaper.wrap(value, face, BODY, RIGHT - VALUE_X, 4);
        for (i, line) in lines.iter().enumerate() {
            self.text(VALUE_X, y - i as f32 * BODY_LINE, face, BODY, line);
        }
        y - ROW - (lines.len() - 1) as f32 * BODY_LINE
    }

    /// *Touche 1* … *Touche 10* in two rows of five bordered cells; returns the y under them.
    pub(super) fn keys(&mut self, top: f32, keys: &[SheetKey]) -> f32 {
        pub(super) const COLS: usize = 5;
        let cell_w = WIDTH / COLS as f32;
        let head_h = 14.0;
        let value_h = 18.0;
        let mut y = top + 4.0;
        for r in 0..KEYS.div_ceil(COLS) {
            self.band(LEFT, y - head_h, WIDTH, head_h);
            for c in 0..COLS {
                let k = r * COLS + c;
                if k >= KEYS {
                    break;
                }
                let x = LEFT + c as f32 * cell_w;
                self.text(
                    x + 5.0,
                    y - head_h + 4.0,
                    Face::Bold,
                    SMALL,
                    &keys[k].libelle,
                );
                let n = &keys[k].numero;
                if !n.is_empty() {
                    self.text_shrunk(
                        Edge::Left(x + 5.0),
                        y - head_h - value_h + 5.5,
                        Face::Regular,
                        BODY,
                        n,
                        cell_w - 10.0,
                    );
                }
            }
            // Borders: top, header separator, bottom, and the verticals.
            let bottom = y - head_h - value_h;
            self.rule(LEFT, RIGHT, y, RULE, 0.5);
            self.rule(LEFT, RIGHT, y - head_h, HAIRLINE, 0.4);
            self.rule(LEFT, RIGHT, bottom, RULE, 0.5);
            for c in 0..=COLS {
                let x = LEFT + c as f32 * cell_w;
                self.ops.push(Op::DrawLine {
                    line: Line {
                        points: vec![point(x, y), point(x, bottom)],
                        is_closed: false,
                    },
                });
            }
            y = bottom - 6.0;
        }
        y + 6.0
    }

    /// The movements table (date, libellé, montant, solde après, motif), above `bottom`, each
    /// reason whole on as many lines as it needs (pdftotext must find every value printed): the
    /// oldest movements give way when the page cannot hold them all (they stay in the window's
    /// history). Only a single movement too long for the page has its reason cut with `…`.
    pub(super) fn movements(&mut self, top: f32, c: &SheetContent, bottom: f32) {
        if c.mouvements.is_empty() {
            self.text(LEFT, top, Face::Regular, BODY, &c.aucun_mouvement);
            return;
        }
        // Column edges: date, libellé, then two right-aligned amounts, then the reason, which
        // gets what the others leave: « Appel vers +21699383470 (0:03:00) » holds on one line.
        let date_x = LEFT + 4.0;
        let label_x = LEFT + 84.0;
        let amount_w = 72.0;
        let amount_r = LEFT + 222.0;
        let balance_r = LEFT + 300.0;
        let reason_x = LEFT + 312.0;
        let row_h = 13.0;
        let line_h = 10.5;
        let reason_w = RIGHT - reason_x - 4.0;
        let whole: Vec<Vec<String>> = c
            .mouvements
            .iter()
            .map(|m| {
                self.shaper
                    .wrap(&m[4], Face::Regular, SMALL, reason_w, usize::MAX)
            })
            .collect();
        let height = |rows: &[Vec<String>], most: usize| {
            let lines: usize = rows.iter().map(|w| w.len().min(most) - 1).sum();
            (rows.len() + 1) as f32 * row_h + lines as f32 * line_h + 4.0
        };
        let shown = (1..=whole.len())
            .rev()
            .find(|&n| top - height(&whole[..n], usize::MAX) >= bottom)
            .unwrap_or(1);
        let most = (1..=whole[0].len())
            .rev()
            .find(|&n| top - height(&whole[..shown], n) >= bottom)
            .filter(|_| shown == 1)
            .unwrap_or(usize::MAX);

        let mut y = top + 3.0;
        self.band(LEFT, y - row_h - 1.0, WIDTH, row_h + 1.0);
        let hy = y - row_h + 3.5;
        let h = &c.entetes_mouvements;
        self.text(date_x, hy, Face::Bold, SMALL, &h[0]);
        self.text(label_x, hy, Face::Bold, SMALL, &h[1]);
        self.text_shrunk(
            Edge::Right(amount_r),
            hy,
            Face::Bold,
            SMALL,
            &h[2],
            amount_w,
        );
        self.text_shrunk(
            Edge::Right(balance_r),
            hy,
            Face::Bold,
            SMALL,
            &h[3],
            amount_w,
        );
        self.text(reason_x, hy, Face::Bold, SMALL, &h[4]);
        y -= row_h + 1.0;
        self.rule(LEFT, RIGHT, y, RULE, 0.5);
        for ([date, label, amount, balance, reason], whole) in
            c.mouvements.iter().zip(&whole).take(shown)
        {
            let by = y - row_h + 3.5;
            self.text(date_x, by, Face::Regular, SMALL, date);
            // A kind is one word (« Remboursement »): set smaller, never cut.
            self.text_shrunk(
                Edge::Left(label_x),
                by,
                Face::Regular,
                SMALL,
                label,
                amount_r - amount_w - label_x - 4.0,
            );
            self.text_shrunk(
                Edge::Right(amount_r),
                by,
                Face::Regular,
                SMALL,
                amount,
                amount_w,
            );
            self.text_shrunk(
                Edge::Right(balance_r),
                by,
                Face::Regular,
                SMALL,
                balance,
                amount_w,
            );
            let lines = match whole.len() > most {
                true => self
                    .shaper
                    .wrap(reason, Face::Regular, SMALL, reason_w, most),
                false => whole.clone(),
            };
            for (i, line) in lines.iter().enumerate() {
                self.text(reason_x, by - i as f32 * line_h, Face::Regular, SMALL, line);
            }
            y -= row_h + (lines.len() - 1) as f32 * line_h;
            self.rule(LEFT, RIGHT, y, HAIRLINE, 0.3);
        }
    }
}

pub(super) fn grey(shade: f32) -> Color {
    Color::Greyscale(Greyscale::new(shade, None))
}

pub(super) fn point(x: f32, y: f32) -> LinePoint {
    LinePoint {
        p: Point { x: Pt(x), y: Pt(y) },
        bezier: false,
    }
}
