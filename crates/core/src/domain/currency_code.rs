//! Currency codes of the Settings: ISO 4217 codes of the currencies in circulation, so that a
//! typo ("dinar", "TDN") never ends up after every amount of the window.

use super::field::shown;

/// ISO 4217 alphabetic codes of circulating currencies (funds, metals and test codes left out).
const ISO_4217: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ",
    "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
    "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
    "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR",
    "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB",
    "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS",
    "VED", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW",
    "ZWG",
];

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
