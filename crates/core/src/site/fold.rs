//! The Journal's search text, computed by a site's server in a generated column, so that a
//! line the server writes itself (a movement through `forfaits_mouvement`, an export's line)
//! is found as one a desk writes. PostgreSQL has no `text::fold`: `forfaits_plier` applies
//! the same decomposition (NFD), then the same per-letter step, read off `text::push_folded`
//! here for every letter it changes. `text::fold` is that step letter by letter once the text
//! is decomposed, so a table of letters is the whole of it; a test holds the two alike on every
//! such letter.

use crate::text::push_folded;
use unicode_normalization::char::decompose_canonical;

/// Every letter that `text::fold` changes and that NFD leaves alone (the others never reach
/// the table: `normalize` decomposes them first), with what it becomes; ASCII capitals
/// included (the server lowers those with `translate`).
pub fn folded_letters() -> Vec<(char, String)> {
    let mut folded = String::new();
    ('A'..='Z')
        .chain('\u{80}'..=char::MAX)
        .filter(|&c| {
            let mut unchanged = true;
            decompose_canonical(c, |d| unchanged &= d == c);
            unchanged
        })
        .filter_map(|c| {
            folded.clear();
            push_folded(&mut folded, c);
            let mut same = folded.chars();
            let changed = same.next() != Some(c) || same.next().is_some();
            changed.then(|| (c, folded.clone()))
        })
        .collect()
}

/// `forfaits_plier(text)`: an ASCII text (most lines) lowered by `translate`; any other text
/// decomposed, its marks removed and its ASCII capitals lowered (what accented Latin needs), and
/// only when a letter of the table is left, each letter looked up (Arabic spellings, capitals
/// of other scripts, ligatures). Immutable, as a generated column requires: the table is a
/// constant of the function. The second function is named with its schema: a `pg_restore`
/// recomputes the column with an empty `search_path`.
pub(crate) fn fold_function() -> String {
    let letters = folded_letters();
    let (removed, mapped): (Vec<_>, Vec<_>) = letters
        .iter()
        .filter(|(c, _)| !c.is_ascii())
        .partition(|(_, f)| f.is_empty());
    let table: serde_json::Map<String, serde_json::Value> = mapped
        .iter()
        .map(|(c, f)| (c.to_string(), serde_json::Value::String(f.clone())))
        .collect();
    let table = serde_json::Value::Object(table)
        .to_string()
        .replace('\'', "''");
    let (removed, mapped) = (bracket(&removed), bracket(&mapped));
    let lower = "'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'";
    format!(
        "CREATE OR REPLACE FUNCTION forfaits_plier_lettres(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fold$
SELECT CASE WHEN t !~ '{mapped}' THEN t
            ELSE (SELECT coalesce(string_agg(coalesce('{table}'::jsonb ->> l, l), '' ORDER BY i), '')
                  FROM unnest(string_to_array(t, NULL)) WITH ORDINALITY AS s(l, i))
       END
$fold$;
CREATE OR REPLACE FUNCTION forfaits_plier(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fold$
SELECT CASE WHEN octet_length(t) = char_length(t) THEN translate(t, {lower})
            ELSE public.forfaits_plier_lettres(
                     translate(regexp_replace(normalize(t, NFD), '{removed}', '', 'g'), {lower}))
       END
$fold$;"
    )
}

/// A bracket expression matching the letters given, as runs (`[a-z…]`).
fn bracket(letters: &[&(char, String)]) -> String {
    let mut runs: Vec<(char, char)> = Vec::new();
    for &&(c, _) in letters {
        match runs.last_mut() {
            Some((_, last)) if *last as u32 + 1 == c as u32 => *last = c,
            _ => runs.push((c, c)),
        }
    }
    let runs: String = runs
        .iter()
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect();
    format!("[{runs}]")
}

/// The Journal's search column, as `store::audit::search_text` writes it on SQLite: the
/// line's texts one a line (a missing matricule or name leaves no line), folded.
pub(crate) const SEARCH_COLUMN: &str = "ALTER TABLE audit ADD COLUMN search text NOT NULL
    GENERATED ALWAYS AS (forfaits_plier(action || coalesce(E'\\n' || matricule, '')
        || coalesce(E'\\n' || name, '') || E'\\n' || details || E'\\n' || operator)) STORED;";
