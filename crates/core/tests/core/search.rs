//! Search by any part of a number or a name, compared with a plain filter of every account
//! after the index went through every way it is maintained: first import, import into a
//! filled table (with updates), creation, edit, deletion, rebuild after a change of country
//! code, and ids crossing the ranges the digit lists are cut by.

use crate::common::*;
use forfaits_core::domain::phone::{compact_number, international_parts, phone_digits};
use forfaits_core::domain::{CountryCode, Currency};
use forfaits_core::import::{import_users, ImportOptions};
use forfaits_core::store::accounts::{ListQuery, MAX_PAGE};
use forfaits_core::text::{fold, words};
use forfaits_core::Store;
use proptest::prelude::*;
use std::collections::HashSet;
use std::path::Path;

/// An account as stored, read back with plain SQL.
#[derive(Debug)]
struct Row {
    id: i64,
    name: String,
    matricule: String,
    identifiant: String,
    phones: Vec<String>,
}

fn rows(db: &Path) -> Vec<Row> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut stmt = c
        .prepare(
            "SELECT id, name, matricule, identifiant, phone1, phone2, phone3, phone4, phone5,
                    phone6, phone7, phone8, phone9, phone10 FROM accounts ORDER BY id",
        )
        .unwrap();
    stmt.query_map([], |r| {
        Ok(Row {
            id: r.get(0)?,
            name: r.get(1)?,
            matricule: r.get(2)?,
            identifiant: r.get(3)?,
            phones: (4..14)
                .filter_map(|i| r.get::<_, Option<String>>(i).transpose())
                .collect::<rusqlite::Result<_>>()?,
        })
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

// ---------------------------------------------------------------------------------------------
// What a query means, written as plainly as possible.

fn name_words(r: &Row) -> Vec<String> {
    words(&fold(&r.name)).map(str::to_string).collect()
}

/// `+216 41 527 589` is one term: number pieces next to each other are joined.
/// Written apart from the store's own splitting, so that a fault there shows here.
fn query_terms(query: &str) -> Vec<String> {
    let tokens: Vec<&str> = query.split_whitespace().collect();
    let is_number = |t: &str| compact_number(t).is_some();
    let mut terms = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let run = if is_number(tokens[i]) {
            tokens[i..].iter().take_while(|t| is_number(t)).count()
        } else {
            1
        };
        terms.push(tokens[i..i + run].concat());
        i += run;
    }
    terms
}

fn matches(r: &Row, query: &str, cc: &CountryCode) -> bool {
    query_terms(query).iter().all(|t| term_matches(r, t, cc))
}

fn term_matches(r: &Row, term: &str, cc: &CountryCode) -> bool {
    if let Some(number) = compact_number(term) {
        return number_matches(r, &number, cc);
    }
    let folded = fold(term);
    let ws: Vec<&str> = words(&folded).collect();
    !ws.is_empty()
        && ws.iter().all(|w| {
            if w.bytes().all(|b| b.is_ascii_digit()) {
                number_matches(r, w, cc)
            } else if w.chars().count() < 3 {
                name_words(r).iter().any(|n| n.starts_with(w))
            } else {
                name_words(r).iter().any(|n| n.contains(w))
            }
        })
}

fn number_matches(r: &Row, number: &str, cc: &CountryCode) -> bool {
    let digits = number.strip_prefix('+').unwrap_or(number);
    if digits.len() >= 3 {
        // Anywhere inside: every written form of a phone is inside `00` + its international
        // digits.
        return r.matricule.contains(digits)
            || r.identifiant.contains(digits)
            || r.phones.iter().any(|p| {
                let (a, b) = international_parts(p, cc);
                format!("00{a}{b}").contains(digits)
            })
            || name_words(r).iter().any(|w| w.contains(digits));
    }
    // One or two digits: the beginning of the matricule, the identifiant, a name word or a
    // phone's national digits, as typed or without its `00`, `+` or country code; `00` alone
    // begins every number written with it.
    let plain = !number.starts_with('+');
    if plain && (r.matricule.starts_with(number) || r.identifiant.starts_with(number)) {
        return true;
    }
    if number == "00" {
        return !r.phones.is_empty();
    }
    let mut forms = vec![if plain && !number.starts_with("00") {
        number.to_string()
    } else {
        phone_digits(number, cc).digits().to_string()
    }];
    if let Some(rest) = number.strip_prefix(cc.as_str()) {
        if plain && !rest.is_empty() {
            forms.push(rest.to_string());
        }
    }
    if let Some(rest) = number.strip_prefix("00") {
        if !rest.is_empty() {
            forms.push(rest.to_string());
        }
    }
    let mut tokens = name_words(r);
    tokens.extend(
        r.phones
            .iter()
            .map(|p| phone_digits(p, cc).digits().to_string()),
    );
    forms
        .iter()
        .any(|f| tokens.iter().any(|t| t.starts_with(f.as_str())))
}

fn found(s: &Store, query: &str) -> (u64, Vec<i64>) {
    let page = s
        .list_accounts(&ListQuery {
            recherche: query.into(),
            limite: MAX_PAGE,
            ..Default::default()
        })
        .unwrap();
    let mut ids: Vec<i64> = page.rows.iter().map(|a| a.id).collect();
    ids.sort_unstable();
    (page.total, ids)
}

/// The store's answer to `query` is exactly the plain filter's.
fn assert_same(s: &Store, db: &Path, query: &str, cc: &CountryCode) {
    let all = rows(db);
    let want: Vec<i64> = if query_terms(query).is_empty() {
        all.iter().map(|r| r.id).collect()
    } else {
        all.iter()
            .filter(|r| matches(r, query, cc))
            .map(|r| r.id)
            .collect()
    };
    let (total, got) = found(s, query);
    assert_eq!(got, want, "query « {query} »");
    assert_eq!(total as usize, want.len(), "count of « {query} »");
}

// ---------------------------------------------------------------------------------------------
// Random accounts whose numbers share digits with each other and with the country code.

const NAMES: &[&str] = &[
    "Ben", "Ali", "Salah", "Hédi", "Mériem", "Ahmed", "Mohamed", "Hammami", "Khélifi", "Benali",
    "Alia", "2Pac", "216", "Zoé", "Ghaliya",
];

fn digits(alphabet: &'static str, len: std::ops::RangeInclusive<usize>) -> BoxedStrategy<String> {
    let chars: Vec<char> = alphabet.chars().collect();
    prop::collection::vec(prop::sample::select(chars), len)
        .prop_map(|v| v.into_iter().collect())
        .boxed()
}

fn phone() -> impl Strategy<Value = String> {
    (0..11u8, digits("2160479", 8..=8), digits("1234", 3..=9)).prop_map(|(kind, n, f)| {
        match kind {
            0 => n,
            1 => format!("+216{n}"),
            2 => format!("00216{n}"),
            3 => format!("+33{f}"),
            4 => format!("0033{f}"),
            5 => format!("+213{}", &n[..6]),
            6 => n[..3].to_string(),
            // National part of two digits only.
            7 => format!("+2161{}", &n[..1]),
            // The country code alone: not a number of the country.
            8 => "+216".into(),
            9 => format!("216{n}"),
            _ => format!("+{f}{n}"),
        }
    })
}

#[derive(Debug, Clone)]
struct Spec {
    name: Vec<usize>,
    matricule: String,
    identifiant: String,
    phones: Vec<String>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop::collection::vec(0..NAMES.len(), 1..=3),
        digits("0012976", 14..=14),
        digits("01257", 7..=7),
        prop::collection::vec(phone(), 0..=4),
    )
        .prop_map(|(name, matricule, identifiant, phones)| Spec {
            name,
            matricule,
            identifiant,
            phones,
        })
}

impl Spec {
    fn name(&self) -> String {
        self.name
            .iter()
            .map(|&i| NAMES[i])
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn line(&self) -> String {
        format!(
            "{};{};{};{}",
            self.name(),
            self.matricule,
            self.identifiant,
            self.phones.join(";")
        )
    }

    fn valid(&self) -> bool {
        let phones: Vec<&str> = self.phones.iter().map(|s| s.as_str()).collect();
        form(&self.name(), &self.matricule, &self.identifiant, &phones)
            .validate(&Currency::default(), &CountryCode::default())
            .is_ok()
    }
}

/// What a query is made from: an account's field cut somewhere, written some way.
#[derive(Debug, Clone)]
struct QuerySpec {
    account: usize,
    field: u8,
    start: usize,
    len: usize,
    form: u8,
    extra: Option<(usize, u8, usize)>,
}

fn query_spec() -> impl Strategy<Value = QuerySpec> {
    (
        any::<usize>(),
        0..7u8,
        any::<usize>(),
        1..9usize,
        0..6u8,
        prop::option::weighted(0.2, (any::<usize>(), 0..3u8, any::<usize>())),
    )
        .prop_map(|(account, field, start, len, form, extra)| QuerySpec {
            account,
            field,
            start,
            len,
            form,
            extra,
        })
}

fn cut(text: &str, start: usize, len: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return String::new();
    }
    let start = start % chars.len();
    chars[start..(start + len).min(chars.len())]
        .iter()
        .collect()
}

fn written_forms(p: &str, cc: &CountryCode) -> Vec<String> {
    let (a, b) = international_parts(p, cc);
    vec![
        p.to_string(),
        phone_digits(p, cc).digits().to_string(),
        format!("{a}{b}"),
        format!("+{a}{b}"),
        format!("00{a}{b}"),
    ]
}

fn make_query(q: &QuerySpec, all: &[Row], cc: &CountryCode) -> String {
    if all.is_empty() {
        return "216".into();
    }
    let r = &all[q.account % all.len()];
    let base = match q.field {
        0 => cut(&r.matricule, q.start, q.len),
        1 => cut(&r.identifiant, q.start, q.len),
        2 | 3 if !r.phones.is_empty() => {
            let p = &r.phones[q.start % r.phones.len()];
            let forms = written_forms(p, cc);
            let f = &forms[q.form as usize % forms.len()];
            if q.field == 2 {
                cut(f, q.start / 7, q.len + 2)
            } else {
                // From its beginning, as a clerk types it.
                cut(f, 0, q.len + 3)
            }
        }
        4 => cut(&r.name, q.start, q.len),
        5 => {
            let n = name_words(r);
            cut(&n[q.start % n.len()], q.start / 5, q.len)
        }
        _ => cut("0021627468145", q.start, q.len),
    };
    let mut query = match q.form {
        // Numbers are often typed with spaces.
        1 if base.len() > 4 && base.is_char_boundary(2) => format!("{} {}", &base[..2], &base[2..]),
        2 => base.to_uppercase(),
        _ => base,
    };
    if let Some((other, field, start)) = q.extra {
        let r = &all[other % all.len()];
        let more = match field {
            0 => cut(&r.matricule, start, 4),
            1 => cut(&r.name, start, 3),
            _ => cut(&r.identifiant, start, 2),
        };
        query = format!("{query} {more}");
    }
    query
}

fn write_csv(path: &Path, specs: &[Spec]) {
    let text: String = specs.iter().map(|s| s.line() + "\n").collect();
    std::fs::write(path, text).unwrap();
}

fn import(s: &mut Store, path: &Path, update_existing: bool) {
    import_users(
        s,
        path,
        ImportOptions {
            update_existing,
            skip_invalid: true,
            ..Default::default()
        },
        &mut |_| Ok(()),
        &mut |_| {},
    )
    .unwrap();
}

fn filler(db: &Path, id: i64) {
    let c = rusqlite::Connection::open(db).unwrap();
    c.execute(
        "INSERT INTO accounts (id, name, name_key, matricule, identifiant, created_at, updated_at)
         VALUES (?1, 'Filler', 'filler', ?2, ?3, 0, 0)",
        rusqlite::params![
            id,
            format!("{:014}", 99_999_000_000_000 + id),
            format!("{:07}", 9_000_000 + id % 1_000_000)
        ],
    )
    .unwrap();
}

fn set_country_code(s: &mut Store, cc: &str) {
    let mut st = s.settings().unwrap();
    st.country_code = CountryCode::parse(cc).unwrap();
    s.save_settings(&st).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn search_answers_exactly_what_a_plain_filter_of_every_account_answers(
        specs in prop::collection::vec(spec(), 4..40),
        queries in prop::collection::vec(query_spec(), 24..40),
        jump in any::<bool>(),
        duplicate in any::<bool>(),
        other_country in any::<bool>(),
        edits in prop::collection::vec((any::<usize>(), 0..3u8, spec()), 0..6),
    ) {
        let (db, mut s) = temp_store();
        let mut seen = HashSet::new();
        let specs: Vec<Spec> = specs
            .into_iter()
            .filter(|sp| sp.valid() && seen.insert(sp.matricule.clone()) && seen.insert(sp.identifiant.clone()))
            .collect();
        let (first, rest) = specs.split_at(specs.len() / 2);
        let csv = db.path.with_extension("csv");
        let mut lines = first.to_vec();
        if let (true, Some(f)) = (duplicate, first.first()) {
            // Refused once the whole file is in: its postings were collected already.
            lines.insert(lines.len() / 2, Spec { name: vec![7], phones: vec!["27468145".into()], ..f.clone() });
        }
        if !lines.is_empty() {
            write_csv(&csv, &lines);
            import(&mut s, &csv, false);
        }
        if jump {
            // Ids from here on cross a range of 65,536 ids; the rebuild indexes the filler.
            filler(&db.path, 65_530);
            set_country_code(&mut s, "33");
            set_country_code(&mut s, "216");
        }
        let (created, imported) = rest.split_at(rest.len() / 2);
        for sp in created {
            let phones: Vec<&str> = sp.phones.iter().map(|p| p.as_str()).collect();
            create(&mut s, &sp.name(), &sp.matricule, &sp.identifiant, &phones, 0);
        }
        // A second import: new accounts, and some already there, updated.
        let mut second: Vec<Spec> = imported.to_vec();
        for (i, _, e) in &edits {
            if let Some(old) = first.get(i % first.len().max(1)) {
                if e.valid() && !seen.contains(&e.identifiant) {
                    second.push(Spec { matricule: old.matricule.clone(), identifiant: e.identifiant.clone(), ..e.clone() });
                    seen.insert(e.identifiant.clone());
                }
            }
        }
        let mut once = HashSet::new();
        second.retain(|sp| once.insert(sp.matricule.clone()));
        // (An empty file is refused as such: nothing to import then.)
        if !second.is_empty() {
            write_csv(&csv, &second);
            import(&mut s, &csv, true);
        }
        // Edits and deletions through the window's paths.
        for (i, what, e) in &edits {
            let all = rows(&db.path);
            let Some(r) = all.get(i % all.len().max(1)) else { continue };
            match what {
                0 => { s.delete_account(r.id).unwrap(); }
                _ if e.valid() && !seen.contains(&e.identifiant) && !seen.contains(&e.matricule) => {
                    seen.insert(e.identifiant.clone());
                    let phones: Vec<&str> = e.phones.iter().map(|p| p.as_str()).collect();
                    let (d, _) = form(&e.name(), &r.matricule, &e.identifiant, &phones)
                        .validate(&Currency::default(), &CountryCode::default())
                        .unwrap();
                    s.update_account(r.id, &d).unwrap();
                }
                _ => {}
            }
        }
        let cc = if other_country {
            set_country_code(&mut s, "21");
            CountryCode::parse("21").unwrap()
        } else {
            CountryCode::default()
        };
        let report = s.check().unwrap();
        prop_assert!(report.ok(), "{:?}", report.problemes);
        let all = rows(&db.path);
        for q in &queries {
            assert_same(&s, &db.path, &make_query(q, &all, &cc), &cc);
        }
    }
}

#[test]
fn typing_a_number_key_by_key_finds_it_at_every_key() {
    let (db, mut s) = temp_store();
    create_holder(&mut s, LOTFI_BEN_ALI, &["99383470", "0021627468145"], 0);
    create_holder(&mut s, SAMI_MANSOURI, &["+21627468999", "+33612345678"], 0);
    create_holder(&mut s, AMIRA_TRABELSI, &[], 0);
    create(
        &mut s,
        "Nour 2746",
        "10000000158380",
        "2746816",
        &["0021312345"],
        0,
    );
    let cc = CountryCode::default();
    for typed in [
        "0021627468145",
        "+21627468145",
        "21627468145",
        "27468145",
        "0033612345678",
        "+33612345678",
        "10000000015838",
        "7919",
        "00213123",
    ] {
        for end in 1..=typed.len() {
            assert_same(&s, &db.path, &typed[..end], &cc);
        }
    }
    for q in [
        "3470",
        "15838",
        "7468",
        "16274",
        "6274",
        "002",
        "216",
        "0216",
        "00216",
        "34",
        "ali",
        "li",
        "ben ali",
        "ria 3470",
        "2746",
        "ouri 7919",
    ] {
        assert_same(&s, &db.path, q, &cc);
    }
}

#[test]
fn whole_numbers_of_three_digits_are_found_by_them() {
    let (db, mut s) = temp_store();
    // `002` is the number +2 of another country, written with 00: it has no 4-digit window.
    create(&mut s, "Ali", "10000000000000", "8589669", &["002"], 0);
    create(&mut s, "Nour", "10000000015838", "8580488", &["197"], 0);
    create(&mut s, "Sami", "10000000007919", "8812311", &["+33197"], 0);
    let cc = CountryCode::default();
    for q in ["197", "002", "0033", "331", "00331", "0197"] {
        assert_same(&s, &db.path, q, &cc);
    }
    assert_eq!(found(&s, "002").0, 2, "+2, and 00216197");
    assert_eq!(found(&s, "197").0, 2);
}

#[test]
fn one_or_two_characters_still_match_only_beginnings() {
    let (_db, mut s) = temp_store();
    create_holder(&mut s, LOTFI_BEN_ALI, &["99383470"], 0);
    create(&mut s, "Sans Numéro", "10000000007919", "8812311", &[], 0);
    let names = |q: &str| found_page(&s, q).total;
    assert_eq!(names("34"), 0, "34 is inside 99383470, not at its start");
    assert_eq!(names("347"), 1);
    assert_eq!(names("tf"), 0);
    assert_eq!(names("otf"), 1);
    assert_eq!(names("lo"), 1);
    assert_eq!(
        names("00"),
        1,
        "every number can be written with 00, not a name"
    );
}

#[test]
fn an_infix_search_fails_before_the_index_knows_runs_inside_numbers() {
    // The acceptance example of the issue: the end of 99383470.
    let (_db, mut s) = temp_store();
    create_holder(&mut s, LOTFI_BEN_ALI, &["99383470", "0021627468145"], 0);
    create_holder(&mut s, AMIRA_TRABELSI, &[], 0);
    assert_eq!(names(&s, "3470"), ["Lotfi Ben Ali"]);
    assert_eq!(names(&s, "15838"), ["Amira Trabelsi"]);
    assert_eq!(names(&s, "7468"), ["Lotfi Ben Ali"]);
}

#[test]
fn check_finds_a_missing_gram_or_word_and_lets_stale_words_be() {
    let (db, mut s) = temp_store();
    let id = create_holder(&mut s, ZIED_ZOUARI, &["26630494"], 0);
    assert!(s.check().unwrap().ok());
    // A renamed account leaves its old words in the vocabulary: they lead nowhere.
    let (d, _) = form("Zied Khelifi", "10000000142542", "1251670", &["26630494"])
        .validate(&Currency::default(), &CountryCode::default())
        .unwrap();
    s.update_account(id, &d).unwrap();
    assert!(s.check().unwrap().ok());
    assert_eq!(found(&s, "ouari").0, 0);
    assert_eq!(found(&s, "elif").0, 1);
    let broken = |s: &Store, sql: &str| {
        let raw = rusqlite::Connection::open(&db.path).unwrap();
        raw.execute_batch(sql).unwrap();
        let report = s.check().unwrap();
        assert_problem(&report, "index de recherche", sql);
    };
    let rebuilt = |s: &mut Store| {
        set_country_code(s, "33");
        set_country_code(s, "216");
        assert!(s.check().unwrap().ok());
    };
    broken(
        &s,
        "DELETE FROM search_words WHERE word = 'khelifi' AND suffix = 'lifi'",
    );
    rebuilt(&mut s);
    broken(
        &s,
        "DELETE FROM search_grams WHERE key = (SELECT min(key) FROM search_grams)",
    );
    rebuilt(&mut s);
    broken(
        &s,
        "UPDATE search_grams SET ids = x'0505' WHERE key = (SELECT max(key) FROM search_grams)",
    );
    rebuilt(&mut s);
    assert_eq!(found(&s, "6304").0, 1);
}
