//! Money in integer minor units (millimes for TND). No floating point anywhere.

use super::field::shown;
use serde::Serialize;

/// An amount in minor units of the configured currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct Money(pub i64);

/// Currency code and number of decimals (default TND with 3 decimals).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Currency {
    pub code: String,
    pub decimals: u8,
}

/// Largest amount accepted from a person: one thousand billion units, far from i64 overflow
/// even after summing millions of movements.
const MAX_UNITS: i64 = 1_000_000_000_000;

/// Spaces a French amount may group its thousands with.
/// A space a thousands group may end with: typed, no-break, narrow no-break (how amounts are
/// written here and in French spreadsheets), thin or figure space (French typography).
fn is_group_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\u{2007}')
}

/// Checks where spaces stand: only between groups of three digits of the integer part
/// (`1 000 000,5`), never in the decimals, next to the sign, or in a group of another size.
fn check_groups(v: &str) -> Result<(), &'static str> {
    if !v.chars().any(is_group_space) {
        return Ok(());
    }
    let body = v.strip_prefix(['-', '+']).unwrap_or(v);
    let int_end = body.find([',', '.']).unwrap_or(body.len());
    let (int, frac) = body.split_at(int_end);
    if frac.chars().any(is_group_space) {
        return Err("les décimales s'écrivent sans espace");
    }
    let groups: Vec<&str> = int.split(is_group_space).collect();
    let digits = |g: &str| g.bytes().all(|b| b.is_ascii_digit());
    let first_ok = (1..=3).contains(&groups[0].len()) && digits(groups[0]);
    let rest_ok = groups[1..].iter().all(|g| g.len() == 3 && digits(g));
    if first_ok && rest_ok {
        Ok(())
    } else {
        Err("une espace ne peut séparer que des groupes de trois chiffres (écrivez 1 000,5 ou 1000,5)")
    }
}

impl Default for Currency {
    fn default() -> Self {
        Currency {
            code: "TND".into(),
            decimals: 3,
        }
    }
}

impl Currency {
    pub fn new(code: &str, decimals: u8) -> Result<Currency, String> {
        let code = code.trim().to_uppercase();
        if !(1..=5).contains(&code.chars().count()) || !code.chars().all(|c| c.is_alphabetic()) {
            return Err(format!(
                "le code de la devise doit comporter 1 à 5 lettres (reçu : {})",
                shown(&code)
            ));
        }
        if decimals > 4 {
            return Err(format!(
                "le nombre de décimales doit être compris entre 0 et 4 (reçu : {decimals})"
            ));
        }
        Ok(Currency { code, decimals })
    }

    /// Minor units in one unit (1 000 for TND).
    pub fn scale(&self) -> i64 {
        10i64.pow(self.decimals as u32)
    }

    /// Parses `12,500`, `12.5`, `12`, `1 234,5` into minor units. A space (also no-break or
    /// narrow no-break, as French formatting writes them) may only separate groups of three
    /// digits of the integer part: `12 5` is a mistyped amount, not 125.
    /// A sign is accepted only when `signed` (corrections).
    pub fn parse(&self, raw: &str, signed: bool) -> Result<Money, String> {
        let trimmed = raw.trim();
        // Said first: the spaces or the separators would otherwise be blamed.
        if trimmed
            .chars()
            .any(|c| c.is_numeric() && !c.is_ascii_digit())
        {
            return Err(format!(
                "montant invalide (reçu : {}) : écrivez-le avec les chiffres 0 à 9",
                shown(trimmed)
            ));
        }
        if trimmed.chars().any(char::is_alphabetic) {
            return Err(format!(
                "montant invalide (reçu : {}) : écrivez-le en chiffres, sans devise ni lettres \
                 (par exemple 12,500)",
                shown(trimmed)
            ));
        }
        check_groups(trimmed)
            .map_err(|why| format!("montant invalide (reçu : {}) : {why}", shown(trimmed)))?;
        let v: String = trimmed.chars().filter(|c| !is_group_space(*c)).collect();
        let bad = || {
            format!(
                "montant invalide (reçu : {}) : écrivez par exemple 12,500 ou 12.5",
                shown(raw.trim())
            )
        };
        if v.is_empty() {
            return Err("le montant est obligatoire".into());
        }
        let (negative, body) = match v.as_bytes()[0] {
            b'-' => (true, &v[1..]),
            b'+' => (false, &v[1..]),
            _ => (false, v.as_str()),
        };
        if (negative || v.starts_with('+')) && !signed {
            return Err(format!(
                "le montant doit être positif, sans signe (reçu : {})",
                shown(raw.trim())
            ));
        }
        let mut parts = body.splitn(2, [',', '.']);
        let int_part = parts.next().unwrap_or("");
        let frac_part = parts.next();
        if frac_part.is_some_and(|f| f.contains([',', '.'])) {
            return Err(bad());
        }
        let frac_part = frac_part.unwrap_or("");
        if int_part.is_empty() && frac_part.is_empty()
            || !int_part.bytes().all(|b| b.is_ascii_digit())
            || !frac_part.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        if frac_part.len() > self.decimals as usize {
            return Err(if self.decimals == 0 {
                format!(
                    "le montant ne peut pas avoir de décimales en {} (reçu : {})",
                    self.code,
                    shown(raw.trim())
                )
            } else {
                format!(
                    "le montant a trop de décimales ({} au maximum en {}) (reçu : {})",
                    self.decimals,
                    self.code,
                    shown(raw.trim())
                )
            });
        }
        // Zeros in front count for nothing (`0000000000000001` is 1).
        let int_part = match int_part.trim_start_matches('0') {
            "" if !int_part.is_empty() => "0",
            significant => significant,
        };
        let units: i64 = if int_part.is_empty() {
            0
        } else if int_part.len() > 13 {
            i64::MAX
        } else {
            int_part.parse().map_err(|_| bad())?
        };
        if units > MAX_UNITS {
            return Err(format!(
                "le montant est trop élevé (reçu : {})",
                shown(raw.trim())
            ));
        }
        let mut frac: i64 = 0;
        for (i, d) in frac_part.bytes().enumerate() {
            frac += (d - b'0') as i64 * 10i64.pow(self.decimals as u32 - 1 - i as u32);
        }
        let minor = units * self.scale() + frac;
        Ok(Money(if negative { -minor } else { minor }))
    }

    /// `1 234,500` with the given thousands separator, no currency code.
    pub fn format_number(&self, m: Money, thousands: Option<char>) -> String {
        let neg = m.0 < 0;
        let abs = m.0.unsigned_abs();
        let scale = self.scale() as u64;
        let (units, frac) = (abs / scale, abs % scale);
        let digits = units.to_string();
        let mut int = String::with_capacity(digits.len() + 4);
        for (i, c) in digits.chars().enumerate() {
            if let Some(sep) = thousands {
                if i > 0 && (digits.len() - i) % 3 == 0 {
                    int.push(sep);
                }
            }
            int.push(c);
        }
        let sign = if neg { "-" } else { "" };
        if self.decimals == 0 {
            format!("{sign}{int}")
        } else {
            format!("{sign}{int},{frac:0width$}", width = self.decimals as usize)
        }
    }

    /// `1 234,500 TND` with a narrow no-break space between thousands, as the window shows it.
    pub fn format(&self, m: Money) -> String {
        format!(
            "{}\u{a0}{}",
            self.format_number(m, Some('\u{202f}')),
            self.code
        )
    }

    /// `1234,500`: plain form for files and scripts, read back by `parse`.
    pub fn format_plain(&self, m: Money) -> String {
        self.format_number(m, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tnd() -> Currency {
        Currency::default()
    }

    #[test]
    fn parses_comma_point_and_whole_amounts() {
        assert_eq!(tnd().parse("12,500", false), Ok(Money(12_500)));
        assert_eq!(tnd().parse("12.5", false), Ok(Money(12_500)));
        assert_eq!(tnd().parse("12", false), Ok(Money(12_000)));
        assert_eq!(tnd().parse("0,001", false), Ok(Money(1)));
        assert_eq!(tnd().parse(",5", false), Ok(Money(500)));
        assert_eq!(tnd().parse("1 234,5", false), Ok(Money(1_234_500)));
    }

    #[test]
    fn spaces_only_group_thousands_of_the_integer_part() {
        assert_eq!(tnd().parse("1 000,5", false), Ok(Money(1_000_500)));
        assert_eq!(tnd().parse("1\u{a0}000", false), Ok(Money(1_000_000)));
        assert_eq!(
            tnd().parse("12\u{202f}345\u{202f}678,001", false),
            Ok(Money(12_345_678_001))
        );
        assert_eq!(tnd().parse("-1 000", true), Ok(Money(-1_000_000)));
        for bad in [
            "12 5",
            "1 5",
            "1 0000",
            "1 00,5",
            "1 000,5 00",
            "1 000,500 1",
            "- 1 000",
            "1  000",
            "1234 567",
            " 1 00",
            "1 0 0 0",
            "1,000 5",
            "1 000 00",
        ] {
            let err = tnd().parse(bad, true).unwrap_err();
            assert!(err.starts_with("montant invalide"), "{bad}: {err}");
        }
        assert!(tnd()
            .parse("12 5", false)
            .unwrap_err()
            .contains("groupes de trois chiffres"));
    }

    #[test]
    fn signed_amounts_only_where_allowed() {
        assert_eq!(tnd().parse("-2,500", true), Ok(Money(-2_500)));
        assert!(tnd()
            .parse("-2,500", false)
            .unwrap_err()
            .contains("positif"));
    }

    #[test]
    fn too_many_decimals_or_garbage_is_refused() {
        assert!(tnd()
            .parse("1,2345", false)
            .unwrap_err()
            .contains("trop de décimales"));
        for bad in ["", "abc", "1,2,3", "1e3", "--1", ",", "12,5 TND"] {
            assert!(tnd().parse(bad, true).is_err(), "{bad}");
        }
        assert!(tnd().parse("99999999999999", false).is_err());
    }

    #[test]
    fn each_refusal_names_what_is_wrong_in_the_amount() {
        for (typed, said) in [
            ("12,5 TND", "sans devise ni lettres"),
            ("1e3", "sans devise ni lettres"),
            ("١٢", "avec les chiffres 0 à 9"),
            ("１２", "avec les chiffres 0 à 9"),
        ] {
            let err = tnd().parse(typed, false).unwrap_err();
            assert!(err.contains(said), "{typed}: {err}");
        }
        // Zeros in front count for nothing; thin and figure spaces group thousands.
        for (typed, minor) in [
            ("0000000000000001", 1_000),
            ("000,5", 500),
            ("1\u{2009}000,5", 1_000_500),
            ("1\u{2007}000", 1_000_000),
        ] {
            assert_eq!(tnd().parse(typed, false), Ok(Money(minor)), "{typed}");
        }
    }

    #[test]
    fn currency_without_decimals() {
        let c = Currency::new("xof", 0).unwrap();
        assert_eq!(c.parse("1500", false), Ok(Money(1500)));
        assert!(c.parse("1500,5", false).is_err());
        assert_eq!(
            c.format(Money(1_234_567)),
            "1\u{202f}234\u{202f}567\u{a0}XOF"
        );
    }

    #[test]
    fn formats_french_style() {
        assert_eq!(tnd().format(Money(12_500)), "12,500\u{a0}TND");
        assert_eq!(
            tnd().format(Money(-1_234_500)),
            "-1\u{202f}234,500\u{a0}TND"
        );
        assert_eq!(tnd().format_plain(Money(1_234_500)), "1234,500");
        assert_eq!(tnd().format_plain(Money(5)), "0,005");
    }

    #[test]
    fn plain_format_parses_back() {
        for m in [0, 1, 999, 1000, 123_456_789, -42] {
            let s = tnd().format_plain(Money(m));
            assert_eq!(tnd().parse(&s, true), Ok(Money(m)), "{s}");
        }
    }

    #[test]
    fn currency_settings_are_validated() {
        assert!(Currency::new("", 3).is_err());
        assert!(Currency::new("TND", 5).is_err());
        assert!(Currency::new("T1", 2).is_err());
    }
}
