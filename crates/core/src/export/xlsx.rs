//! The *Complet* export as an Excel workbook (SPEC §14): the columns and header of the CSV,
//! but typed cells, so that Excel shows what the clerk expects without any import step:
//!
//! - matricule, identifiant and the ten numbers are **text** cells with the text format `@`
//!   (no `1,00000E+13`, no lost leading zero, still text when edited);
//! - the balance is a **number** with the currency's decimals (`#,##0.000` for TND), so sums
//!   and sorts work;
//! - creation and modification dates are **dates** (`jj/mm/aaaa hh:mm`, local time);
//! - the allowance is a number of minutes; names and the other labels are text, and a name that
//!   looks like a formula stays text (no apostrophe is needed in a typed cell);
//! - the header row and the name column are frozen, and every column has a width that fits
//!   what it holds.
//!
//! Rows are written one by one through the writer's constant-memory mode (a temporary file per
//! sheet), so a million accounts need no more memory than a thousand.

use crate::domain::state::switch_label;
use crate::domain::{format_duration, KEYS};
use crate::error::{Error, Result};
use chrono::{Local, LocalResult, NaiveDate, TimeZone};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};
use std::io::{Seek, Write};

/// Rows of one Excel sheet, header included.
pub const MAX_ROWS: u64 = 1_048_576;

fn xlsx_err(e: XlsxError) -> Error {
    match e {
        XlsxError::IoError(e) => Error::writing("l'export", e),
        e => Error::file(format!("Écriture du classeur Excel impossible : {e}.")).because(e),
    }
}

/// Days since 1899-12-30 in local time: the serial number Excel stores for a date and time.
fn excel_serial(ts: i64) -> Option<f64> {
    let local = match Local.timestamp_opt(ts, 0) {
        LocalResult::Single(d) | LocalResult::Ambiguous(d, _) => d.naive_local(),
        LocalResult::None => return None,
    };
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_hms_opt(0, 0, 0)?;
    Some((local - epoch).num_seconds() as f64 / 86_400.0)
}

/// `#,##0.000` for 3 decimals, `#,##0` for none.
fn amount_format(decimals: u8) -> String {
    if decimals == 0 {
        "#,##0".into()
    } else {
        format!("#,##0.{}", "0".repeat(usize::from(decimals)))
    }
}

/// Widths of the columns, in characters, for the values each holds (the name column from the
/// longest name, within bounds).
fn widths(longest_name: usize) -> Vec<f64> {
    let mut w = vec![
        (longest_name.clamp(16, 48) + 2) as f64, // Nom utilisateur
        16.0,                                    // Matricule (14 digits)
        11.0,                                    // Identifiant
        14.0,                                    // Etat du compte
        22.0,                                    // Etat général
        14.0,                                    // Solde
    ];
    w.extend(std::iter::repeat_n(18.0, KEYS)); // +21627468145, and the header's words
    w.extend([17.0, 19.0, 12.0, 12.0, 12.0]); // dates, allowance, total, billing
    w
}

/// Writes every account as an `.xlsx` workbook into `out`; returns the number of accounts.
pub fn write<W: Write + Seek + Send>(
    store: &(impl super::AccountSource + ?Sized),
    out: W,
    progress: &mut dyn FnMut(u64, u64) -> Result<()>,
) -> Result<u64> {
    let settings = store.settings()?;
    let total = store.count_accounts()?;
    if total + 1 > MAX_ROWS {
        return Err(Error::Rejected(format!(
            "Une feuille Excel tient {} lignes au plus : {} comptes ne peuvent pas y entrer. \
             Exportez au format CSV.",
            MAX_ROWS - 1,
            total
        )));
    }
    let longest_name = store.longest_name()?;

    let mut book = Workbook::new();
    book.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title("Forfaits utilisateurs")
            .set_author("Forfaits"),
    );
    let header = Format::new()
        .set_bold()
        .set_background_color("D9E2F3")
        .set_border_bottom(rust_xlsxwriter::FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let text = Format::new().set_num_format("@");
    let money = Format::new().set_num_format(amount_format(settings.currency.decimals));
    let date = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    let sheet = book.add_worksheet_with_constant_memory();
    sheet.set_name("Utilisateurs").map_err(xlsx_err)?;
    for (c, w) in widths(longest_name).into_iter().enumerate() {
        sheet.set_column_width(c as u16, w).map_err(xlsx_err)?;
    }
    sheet.set_freeze_panes(1, 1).map_err(xlsx_err)?;
    for (c, h) in super::full_header().iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, h, &header)
            .map_err(xlsx_err)?;
    }

    let today = chrono::Local::now().date_naive();
    let mut n = 0u64;
    store.each_account(&mut |a| {
        let row = (n + 1) as u32;
        let mut c = 0u16;
        let put_text = |sheet: &mut rust_xlsxwriter::Worksheet,
                        c: &mut u16,
                        s: &str,
                        f: Option<&Format>|
         -> Result<()> {
            if !s.is_empty() {
                match f {
                    Some(f) => sheet.write_string_with_format(row, *c, s, f),
                    None => sheet.write_string(row, *c, s),
                }
                .map_err(xlsx_err)?;
            }
            *c += 1;
            Ok(())
        };
        put_text(sheet, &mut c, &a.name, None)?;
        put_text(sheet, &mut c, &a.matricule, Some(&text))?;
        put_text(sheet, &mut c, &a.identifiant, Some(&text))?;
        put_text(sheet, &mut c, switch_label(a.enabled), None)?;
        put_text(sheet, &mut c, &a.etat_on(today).label(), None)?;
        // Minor units to units: exact for any balance a person can type (≤ 10^15 minor units).
        let units = a.balance as f64 / 10f64.powi(i32::from(settings.currency.decimals));
        sheet
            .write_number_with_format(row, c, units, &money)
            .map_err(xlsx_err)?;
        c += 1;
        for p in &a.phones {
            put_text(sheet, &mut c, p.as_deref().unwrap_or(""), Some(&text))?;
        }
        for ts in [a.created_at, a.updated_at] {
            if let Some(serial) = excel_serial(ts) {
                sheet
                    .write_number_with_format(row, c, serial, &date)
                    .map_err(xlsx_err)?;
            }
            c += 1;
        }
        if let Some(m) = a.allowance_minutes {
            sheet.write_number(row, c, f64::from(m)).map_err(xlsx_err)?;
        }
        c += 1;
        put_text(sheet, &mut c, &format_duration(a.used_seconds), None)?;
        put_text(sheet, &mut c, switch_label(a.billing), None)?;
        n += 1;
        if n % 8192 == 0 {
            progress(n, total)?;
        }
        Ok(())
    })?;
    progress(n, total)?;
    book.save_to_writer(out).map_err(xlsx_err)?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_become_excel_serial_numbers_in_local_time() {
        // 1970-01-01 00:00 UTC is 25569 days after 1899-12-30, shifted by the local offset.
        let s = excel_serial(0).unwrap();
        let offset = Local
            .timestamp_opt(0, 0)
            .single()
            .unwrap()
            .offset()
            .local_minus_utc();
        assert!((s - (25569.0 + f64::from(offset) / 86_400.0)).abs() < 1e-9);
    }

    #[test]
    fn amounts_have_the_currency_decimals() {
        assert_eq!(amount_format(3), "#,##0.000");
        assert_eq!(amount_format(2), "#,##0.00");
        assert_eq!(amount_format(0), "#,##0");
    }
}
