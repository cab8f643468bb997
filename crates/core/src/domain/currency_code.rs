//! Currency codes of the Settings: ISO 4217 codes of the currencies in circulation, so that a
//! typo ("dinar", "TDN") never ends up after every amount of the window.

use super::field::shown;

/// ISO 4217 alphabetic codes of circulating currencies, sorted (the data file's words).
static ISO_4217: std::sync::LazyLock<Vec<&str>> = std::sync::LazyLock::new(|| {
    include_str!("currency_codes.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_whitespace)
        .collect()
});

/// The code typed in *Paramètres*, upper-cased: three letters naming an ISO 4217 currency.
pub fn parse_currency_code(raw: &str) -> Result<String, String> {
    let v = raw.trim();
    let code = v.to_ascii_uppercase();
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(format!(
            "la devise s'écrit avec son code ISO de 3 lettres, par exemple TND, EUR ou XOF \
             (reçu : {})",
            shown(v)
        ));
    }
    if ISO_4217.binary_search(&code.as_str()).is_err() {
        return Err(format!(
            "{code} n'est pas un code de devise ISO : écrivez par exemple TND, EUR ou XOF"
        ));
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_for_binary_search() {
        assert!(ISO_4217.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn three_letter_iso_codes_are_accepted_in_any_case() {
        assert_eq!(parse_currency_code(" tnd ").unwrap(), "TND");
        assert_eq!(parse_currency_code("EUR").unwrap(), "EUR");
        assert_eq!(parse_currency_code("xof").unwrap(), "XOF");
    }

    #[test]
    fn words_and_unknown_codes_are_refused() {
        let e = parse_currency_code("dinar").unwrap_err();
        assert!(e.contains("3 lettres") && e.contains("dinar"), "{e}");
        let e = parse_currency_code("TDN").unwrap_err();
        assert!(e.contains("TDN n'est pas un code de devise ISO"), "{e}");
        assert!(parse_currency_code("").is_err());
        assert!(parse_currency_code("T1D").is_err());
        assert!(parse_currency_code("ÉUR").is_err());
    }
}
