//! The real window, driven through tauri-driver + WebKitWebDriver under Xvfb, one user story per
//! test, on databases prepared with the command line. Screenshots go to target/e2e-screenshots/.

use crate::support::*;
use std::path::{Path, PathBuf};

struct Session {
    _dir: tempfile::TempDir,
    db: PathBuf,
    answers: PathBuf,
    /// What the window printed, as PDF (the print dialog is replaced by this file).
    printed: PathBuf,
    dir: PathBuf,
    _desktop: Desktop,
    w: Win,
    /// Held to the end: one window at a time (dropped last, after the window and its driver).
    _one_at_a_time: tokio::sync::MutexGuard<'static, ()>,
}

/// A database with the sample accounts, the window open on it, dialogs answered by a file, the
/// print dialog replaced by a PDF file, the PDF viewer skipped.
async fn session() -> Session {
    session_with(&[("FORFAITS_VISIONNEUSE", std::ffi::OsStr::new("aucune"))]).await
}

/// The same, with `env` given to the window.
async fn session_with(env: &[(&str, &std::ffi::OsStr)]) -> Session {
    let one_at_a_time = E2E_LOCK.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.sqlite3");
    let o = forfaits(
        &db,
        &["import", fixture("users-sample.csv").to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let answers = write_file(dir.path(), "dialogue.txt", "");
    let printed = dir.path().join("imprime.pdf");
    let mut all = vec![
        ("FORFAITS_DIALOGUE", answers.as_os_str()),
        ("FORFAITS_IMPRESSION", printed.as_os_str()),
    ];
    all.extend_from_slice(env);
    let desktop = Desktop::start_with_env(&all);
    let c = desktop.open(&db).await;
    let w = Win { c };
    w.wait_text("#statut-comptes", "utilisateurs").await;
    Session {
        dir: dir.path().to_path_buf(),
        _dir: dir,
        db,
        answers,
        printed,
        _desktop: desktop,
        w,
        _one_at_a_time: one_at_a_time,
    }
}

impl Session {
    fn answer_dialog(&self, path: &Path) {
        std::fs::write(&self.answers, path.to_str().unwrap()).unwrap();
    }
    /// What the last file dialog showed: title, proposed name, filter name, extensions.
    fn asked(&self) -> Vec<String> {
        let mut file = self.answers.clone().into_os_string();
        file.push(".demande");
        std::fs::read_to_string(file)
            .expect("un dialogue a été ouvert")
            .lines()
            .map(String::from)
            .collect()
    }
    async fn search(&self, q: &str) {
        self.w.fill("#recherche", q).await;
        self.w
            .wait_text("#statut-comptes", &format!("« {q} »"))
            .await;
    }
    async fn names(&self) -> Vec<String> {
        self.w.texts("tbody tr[data-id] td.sticky").await
    }
    async fn row_action(&self, name: &str, action: &str) {
        wait_for(10, &format!("ligne de {name}"), || async {
            self.names().await.iter().any(|n| n == name).then_some(())
        })
        .await;
        // Marked and clicked again should the table draw the row anew in between (the mark
        // is not drawn with it).
        wait_for(10, &format!("{action} de {name}"), || async {
            self.w
                .js(
                    "const row = Array.from(document.querySelectorAll('tbody tr[data-id]')).find(r => r.querySelector('td.sticky').textContent === arguments[0]); row.querySelector(`button[aria-label='${arguments[1]}']`).setAttribute('data-e2e', 'action');",
                    vec![name.into(), action.into()],
                )
                .await;
            self.w.try_click("[data-e2e=action]").await.ok()
        })
        .await;
    }
    /// Imports the sample's tariffs with the command line, then opens Taxation, which must
    /// list `shown` among them.
    async fn taxation_with_sample_tariffs(&self, shown: &str) {
        let t = import_sample_tariffs(&self.db);
        assert!(t.status.success(), "{}", stderr(&t));
        self.w.click(".tab[data-vue=appels]").await;
        self.w.wait_text("#table-tarifs", shown).await;
    }
    /// Types `value` in the field `key` and leaves it with Tab, where its change applies.
    async fn fill_and_leave(&self, key: &str, value: &str) {
        self.w.fill(&champ(key), value).await;
        self.w.keys(&champ(key), &TAB.to_string()).await;
    }
    /// Opens Exporter, the save dialog answering `name` in the test's folder, once it offers
    /// `choice`; returns the file's path.
    async fn open_export(&self, name: &str, choice: &str) -> PathBuf {
        let out = self.dir.join(name);
        self.answer_dialog(&out);
        self.w.click("#btn-exporter").await;
        self.w.wait_text("#modale", choice).await;
        out
    }
    /// Exports, and waits until the 25 accounts of the sample are said exported.
    async fn export_all(&self) {
        self.w.click("#btn-exporter-go").await;
        self.w
            .wait_text("#toasts", "25 utilisateurs exportés")
            .await;
    }
    /// The names of the table once it shows `count` rows.
    async fn names_when(&self, count: usize) -> Vec<String> {
        wait_for(10, &format!("{count} lignes trouvées"), || async {
            let n = self.names().await;
            (n.len() == count).then_some(n)
        })
        .await
    }
    /// Searches for `name`, then clicks `action` on its row.
    async fn search_and_act(&self, name: &str, action: &str) {
        self.search(name).await;
        self.row_action(name, action).await;
    }
    /// Opens *Gestion de solde* from `name`'s row and credits `amount` with Enter, once the
    /// button says what it will do.
    async fn credit_from_the_row(&self, name: &str, amount: &str) {
        self.search_and_act(name, "Gestion de solde").await;
        self.w.wait_text("#panneau h2", "Gestion de solde").await;
        self.w.fill(&champ("montant"), amount).await;
        self.w
            .wait_text(
                "#panneau button.primary",
                &format!("Créditer {amount}\u{a0}TND"),
            )
            .await;
        self.w.keys(&champ("montant"), &ENTER.to_string()).await;
    }
    /// Types `amount` in the open Gestion de solde, waits until its button says `label`, then
    /// presses Enter; returns the confirmation it asks (the amount above the threshold).
    async fn confirmation_for(&self, amount: &str, label: &str) -> String {
        self.w.fill(&champ("montant"), amount).await;
        self.w.wait_text("#btn-mouvement", label).await;
        self.w.keys(&champ("montant"), &ENTER.to_string()).await;
        self.w
            .wait_text("#confirmation", "dépasse le seuil de confirmation")
            .await
    }
    /// Opens the Journal tab and waits for the sample's import line.
    async fn show_journal(&self) {
        self.w.click(".tab[data-vue=journal]").await;
        self.journal_shown().await;
    }
    async fn journal_shown(&self) {
        self.w
            .wait_text("#table-journal", "Import d'utilisateurs")
            .await;
    }
    /// Deletes `name` from its row, confirmed, and waits until the status line says `status`.
    async fn delete_from_the_row(&self, name: &str, status: &str) {
        self.row_action(name, "Supprimer").await;
        self.w
            .click_text("#confirmation button", &format!("Supprimer {name}"))
            .await;
        self.w.wait_text("#statut-comptes", status).await;
    }
    /// What the window hears when a file called `name` is dropped on it (its token unknown).
    async fn drop_file(&self, name: &str) {
        self.w
            .js(
                "window.__TAURI__.event.emit('fichier-depose', { jeton: 'inconnu', fichier: arguments[0] });",
                vec![name.into()],
            )
            .await;
    }
    /// Presses *Annuler* once the import counts its lines, then waits until the dialog says
    /// `said`.
    async fn stop_import_once_counting(&self, said: &str) {
        self.w
            .wait_text("[data-compte=import]", "lignes lues")
            .await;
        self.w.click("#btn-annuler-import").await;
        self.w.wait_text("#import-annule", said).await;
    }
    /// Clicks the Journal tab during the work of Appels et tarifs: the toast says `said`, and
    /// Appels et tarifs stays shown with its work.
    async fn leave_the_calls_screen_refused(&self, said: &str) {
        self.w.click(".tab[data-vue=journal]").await;
        self.w.wait_text("#toasts", said).await;
        let shown = "return !document.querySelector('#vue-appels').hidden
                     && Boolean(document.querySelector('#vue-appels .work-panel'));";
        assert_eq!(self.w.js(shown, vec![]).await, true);
    }
    async fn close(self) {
        self.w.c.close().await.unwrap();
    }
}

const ENTER: char = '\u{E007}';
const ESCAPE: char = '\u{E00C}';
const TAB: char = '\u{E004}';
const SPACE: char = ' ';
const CONTROL: char = '\u{E009}';

/// Presses keys on whatever has the focus, as a person would (not on a chosen element).
async fn press_keys(w: &Win, keys: &[char]) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let mut a = KeyActions::new("clavier".into());
    for k in keys {
        a = a.then(KeyAction::Down { value: *k });
    }
    for k in keys.iter().rev() {
        a = a.then(KeyAction::Up { value: *k });
    }
    w.c.perform_actions(a).await.expect("touches envoyées");
    w.c.release_actions().await.expect("touches relâchées");
}

async fn press(w: &Win, key: char) {
    press_keys(w, &[key]).await;
}

/// The class of the call service's state in Paramètres: `service-state on` or `… off`.
async fn service_state(w: &Win) -> String {
    let script = "return document.querySelector('#etat-service').className";
    w.js_text(script, vec![]).await
}

/// Runs `steps` in the page as its own scripts would, with `id` the id of Sami Mansouri's
/// account; returns what they pass to `done`, or the message of what they threw.
async fn with_samis_id(w: &Win, steps: &str) -> serde_json::Value {
    let script = format!(
        r#"const done = arguments[0];
           (async () => {{
             const page = await window.__TAURI__.core.invoke('lister_comptes', {{ requete: {{ recherche: '10000000007919', limite: 1 }} }});
             const id = page.lignes[0].id;
             {steps}
           }})().catch(e => done(e.message || JSON.stringify(e)));"#
    );
    w.js_async(&script, vec![]).await
}

/// Whether the side panel is hidden.
async fn panel_hidden(w: &Win) -> bool {
    let script = "return document.querySelector('#panneau').hidden";
    w.js(script, vec![]).await.as_bool().unwrap()
}

/// Id of the focused element ("" when it has none).
async fn focused(w: &Win) -> String {
    let script = "return document.activeElement ? document.activeElement.id : ''";
    w.js_text(script, vec![]).await
}

/// A value read with the command line, the window left open.
fn cli_account(db: &Path, matricule: &str) -> serde_json::Value {
    let o = forfaits(db, &["search", matricule, "--json"]);
    serde_json::from_str(stdout(&o).trim()).unwrap_or_else(|e| panic!("{e}: {}", stdout(&o)))
}

fn tariff_count(db: &Path) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row("SELECT count(*) FROM tariffs", [], |r| r.get(0))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn table_lists_accounts_sorts_and_searches() {
    let s = session().await;
    let names = wait_for(20, "les lignes du tableau", || async {
        let n = s.names().await;
        (n.len() >= 20).then_some(n)
    })
    .await;
    assert_eq!(
        names[0], "Ahmed Ferchichi",
        "sorted by name, accents folded"
    );
    assert!(names.contains(&"Hédi Ben Salah".to_string()));
    assert_eq!(s.w.text("#statut-comptes").await, "25 utilisateurs");
    let headers = s.w.texts("thead th").await;
    assert_eq!(
        &headers[..6],
        [
            "Nom utilisateur▲",
            "Actions",
            "Matricule",
            "Identifiant",
            "Etat du compte",
            "Solde"
        ]
    );
    assert_eq!(
        headers.len(),
        18,
        "name, actions, 4 columns, 10 keys, 2 dates"
    );
    s.w.shot("01-forfaits-utilisateurs").await;
    // Supprimer, the last action of a row, is red at rest (UI-GUIDE), unlike the others.
    let colours =
        s.w.js(
            "const c = (l) => getComputedStyle(document.querySelector(
                 `tbody tr[data-id] button[aria-label='${l}']`)).color;
             return [c('Supprimer'), c('Modifier')];",
            vec![],
        )
        .await;
    assert_ne!(colours[0], colours[1], "{colours}");
    // The status bar keeps its height when long work shows its count and Annuler there.
    let bar = "const w = document.querySelector('#statut-travail'); w.hidden = arguments[0];
               return document.querySelector('.statusbar').getBoundingClientRect().height;";
    let heights = [
        s.w.js(bar, vec![true.into()]).await,
        s.w.js(bar, vec![false.into()]).await,
        s.w.js(bar, vec![true.into()]).await,
    ];
    assert!(
        heights[0] == heights[1] && heights[1] == heights[2],
        "{heights:?}"
    );

    // A new order is shown from its top, whatever was scrolled to before.
    let scrolled = "const t = document.querySelector('.scroller');
                    if (arguments[0]) t.scrollTop = 10000; return t.scrollTop;";
    let before = s.w.js(scrolled, vec![true.into()]).await;
    assert!(before.as_f64().unwrap() > 0.0, "{before}");
    s.w.click("th[data-key=matricule] button").await;
    wait_for(5, "le haut du tableau", || async {
        (s.w.js(scrolled, vec![false.into()]).await.as_f64() == Some(0.0)).then_some(())
    })
    .await;
    s.w.click("th[data-key=matricule] button").await;
    s.w.wait_text("th[data-key=matricule]", "▼").await;
    let first = wait_for(10, "tri par matricule décroissant", || async {
        let m = s.w.texts("tbody tr[data-id] td:nth-child(3)").await;
        (m.first().map(|x| x.as_str()) == Some("10000000190056")).then_some(m)
    })
    .await;
    assert!(first[0] > first[1]);
    assert!(s.w.text("th[data-key=matricule]").await.contains('▼'));

    s.search("trabelsi").await;
    let names = s.names_when(2).await;
    assert_eq!(
        names,
        ["Rania Trabelsi", "Amira Trabelsi"],
        "still sorted by matricule, descending"
    );
    assert_eq!(
        s.w.text("#statut-comptes").await,
        "25 utilisateurs · 2 trouvés pour « trabelsi »"
    );
    // Deleted from the search, an account leaves both counts.
    s.delete_from_the_row(
        "Rania Trabelsi",
        "24 utilisateurs · 1 trouvé pour « trabelsi »",
    )
    .await;
    s.search("27468145").await;
    assert_eq!(
        s.names().await,
        ["Lotfi Ben Ali"],
        "a phone number finds its account"
    );
    s.search("3470").await;
    assert_eq!(s.names().await, ["Lotfi Ben Ali"], "the end of 99383470");
    s.search("zorro").await;
    s.w.wait_text(
        ".empty-state",
        "Aucun utilisateur ne correspond à « zorro »",
    )
    .await;
    s.w.shot("02-recherche-vide").await;
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn arrows_choose_a_row_from_the_search_and_enter_opens_it() {
    let s = session().await;
    s.search("ben").await;
    let names = s.names_when(4).await;
    assert_eq!(
        names,
        [
            "Hédi Ben Salah",
            "Lotfi Ben Ali",
            "Mohamed Ben Ali",
            "Walid Ben Ali"
        ]
    );
    // Drawn and said: the selected row carries aria-selected.
    let selected = || async {
        s.w.texts("tbody tr.selected[aria-selected=true] td.sticky")
            .await
    };
    // The focus stays in the search field; the arrows move the selection in the table.
    for (key, want) in [
        ("\u{E015}", "Hédi Ben Salah"),
        ("\u{E015}", "Lotfi Ben Ali"),
        ("\u{E015}", "Mohamed Ben Ali"),
        ("\u{E015}", "Walid Ben Ali"),
        ("\u{E015}", "Walid Ben Ali"),
        ("\u{E013}", "Mohamed Ben Ali"),
        ("\u{E013}", "Lotfi Ben Ali"),
    ] {
        s.w.keys("#recherche", key).await;
        wait_for(5, &format!("sélection de {want}"), || async {
            (selected().await == [want]).then_some(())
        })
        .await;
    }
    s.w.keys("#recherche", "\u{E007}").await;
    s.w.wait_text("#panneau h2", "Modifier un utilisateur — Lotfi Ben Ali")
        .await;
    let nom =
        s.w.js(
            "return document.querySelector(arguments[0]).value",
            vec![champ("nom").into()],
        )
        .await;
    assert_eq!(nom, "Lotfi Ben Ali");
    s.w.keys(&champ("nom"), "\u{E00C}").await;
    s.w.wait_gone("#panneau").await;
    // A new search starts without a selection: Enter opens nothing.
    s.search("trabelsi").await;
    assert!(selected().await.is_empty());
    s.w.keys("#recherche", "\u{E007}").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(panel_hidden(&s.w).await);
    // Page Down twice from the whole list (25 rows, about 20 on screen) scrolls the selection
    // into view under the sticky header.
    s.w.keys("#recherche", "\u{E00C}").await;
    s.w.wait_text("#statut-comptes", "25 utilisateurs").await;
    s.w.keys("#recherche", "\u{E00F}\u{E00F}").await;
    let shown = wait_for(5, "la ligne choisie visible", || async {
        let v = s
            .w
            .js(
                "const r = document.querySelector('tbody tr.selected');
                 if (!r) return null;
                 const box = r.getBoundingClientRect();
                 const head = document.querySelector('thead').getBoundingClientRect();
                 const view = document.querySelector('.scroller').getBoundingClientRect();
                 return [r.getAttribute('aria-rowindex'), box.top >= head.bottom - 1 && box.bottom <= view.bottom + 1];",
                vec![],
            )
            .await;
        v.as_array()
            .filter(|a| a[0].as_str() != Some("2"))
            .cloned()
    })
    .await;
    assert_eq!(shown[1], true, "{shown:?}");
    // Enter on another row's button does that button's action, not the selected row's.
    let other =
        s.w.js(
            "const row = [...document.querySelectorAll('tbody tr[data-id]')]
                 .find(r => !r.classList.contains('selected'));
             row.querySelector(\"button[aria-label='Gestion de solde']\").focus();
             return row.querySelector('td.sticky').textContent;",
            vec![],
        )
        .await;
    let other = other.as_str().unwrap().to_string();
    press(&s.w, ENTER).await;
    let title = s.w.wait_text("#panneau h2", "Gestion de solde").await;
    assert!(title.contains(&other), "{title} : {other}");
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn add_an_account_after_a_validation_error_then_edit_it() {
    let s = session().await;
    s.w.click("#btn-ajouter").await;
    s.w.fill(&champ("nom"), "Nouvel Utilisateur").await;
    // A letter typed in the matricule is taken out, and the counter counts what stays.
    s.w.fill(&champ("matricule"), "2000000000000a").await;
    s.w.wait_text(".field:has([data-champ='matricule']) .counter", "13/14")
        .await;
    s.w.fill(&champ("identifiant"), "7654321").await;
    let err = s.w.wait_text(".field-error", "14 chiffres").await;
    assert!(
        !err.contains("tableur") && !err.contains("zéro initial"),
        "spreadsheet advice belongs to file imports: {err}"
    );
    s.w.shot("03-ajouter-erreur").await;
    s.w.keys(&champ("identifiant"), "\u{E007}").await; // Enter saves: refused
    s.w.wait_text(".field-error", "Le matricule doit comporter 14 chiffres")
        .await;
    s.w.fill(&champ("matricule"), "20000000000001").await;
    s.w.fill(&champ("touche3"), "+216 27 111 222").await;
    s.w.fill(&champ("solde"), "5,250").await;
    s.w.keys(&champ("solde"), "\u{E007}").await;
    s.w.wait_text("#toasts", "Utilisateur ajouté").await;
    s.w.wait_gone("#panneau").await;
    s.search("nouvel").await;
    assert_eq!(s.names().await, ["Nouvel Utilisateur"]);
    let solde = s.w.text("tbody tr[data-id] td:nth-child(6)").await;
    assert_eq!(solde, "5,250\u{a0}TND");
    let touche3 = s.w.text("tbody tr[data-id] td:nth-child(9)").await;
    assert_eq!(touche3, "+21627111222");

    s.row_action("Nouvel Utilisateur", "Modifier").await;
    s.w.wait_text("#panneau h2", "Modifier un utilisateur")
        .await;
    s.w.shot("04-modifier").await;
    s.w.fill(&champ("nom"), "Nouvel Utilisateur Renommé").await;
    // Esc with unsaved changes asks first, in the window's own dialog (not the webview's),
    // with French buttons and the focus on staying; Enter there keeps the form.
    s.w.keys(&champ("nom"), "\u{E00C}").await;
    let question =
        s.w.wait_text("#confirmation", "ne sont pas enregistrées")
            .await;
    assert!(
        s.w.c.get_alert_text().await.is_err(),
        "no browser dialog: {question}"
    );
    assert_eq!(
        s.w.texts("#confirmation button").await,
        ["Continuer la saisie", "Fermer sans enregistrer"]
    );
    assert_eq!(focused(&s.w).await, "btn-confirmation-annuler");
    press(&s.w, ENTER).await;
    s.w.wait_gone("#confirmation").await;
    assert!(!panel_hidden(&s.w).await);
    let back =
        s.w.js(
            "return document.activeElement.getAttribute('data-champ')",
            vec![],
        )
        .await;
    assert_eq!(back, "nom", "the focus is back in the form");
    // Esc twice: the question, then Esc cancels the question only.
    press(&s.w, ESCAPE).await;
    s.w.wait_text("#confirmation", "ne sont pas enregistrées")
        .await;
    press(&s.w, ESCAPE).await;
    s.w.wait_gone("#confirmation").await;
    assert!(!panel_hidden(&s.w).await);
    s.w.keys(&champ("nom"), "\u{E007}").await;
    s.w.wait_text("#toasts", "Modifications enregistrées").await;
    s.w.wait_text("tbody tr[data-id] td.sticky", "Nouvel Utilisateur Renommé")
        .await;
    let o = forfaits(&s.db, &["search", "renomme", "--json"]);
    assert!(
        stdout(&o).contains("20000000000001"),
        "saved in the database"
    );

    // While a save waits for the base (another program writes), Esc does not offer to close
    // without saving what is being saved: the form stays, then closes once saved.
    s.w.click("#btn-ajouter").await;
    s.w.fill(&champ("nom"), "Saisie Attendue").await;
    // Required and hinted, for a screen reader too.
    let said = "const i = document.querySelector(arguments[0]);
                return [i.getAttribute('aria-required'),
                        i.getAttribute('aria-describedby').split(' ')
                         .map(id => document.getElementById(id).textContent).join('|')];";
    let matricule = s.w.js(said, vec![champ("matricule").into()]).await;
    assert_eq!(matricule, serde_json::json!(["true", "14 chiffres|"]));
    s.w.fill(&champ("matricule"), "20000000000002").await;
    s.w.fill(&champ("identifiant"), "7654322").await;
    let other = rusqlite::Connection::open(&s.db).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    s.w.keys(&champ("identifiant"), "\u{E007}").await;
    let saving = "return document.querySelector('#panneau button.primary').disabled";
    wait_for(10, "l'enregistrement en attente", || async {
        (s.w.js(saving, vec![]).await == serde_json::json!(true)).then_some(())
    })
    .await;
    press(&s.w, ESCAPE).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!panel_hidden(&s.w).await);
    let asking = "return !document.querySelector('#confirmation').hidden";
    assert_eq!(s.w.js(asking, vec![]).await, serde_json::json!(false));
    other.execute_batch("ROLLBACK").unwrap();
    s.w.wait_text("#toasts", "Utilisateur ajouté").await;
    s.w.wait_gone("#panneau").await;
    s.close().await;
}

/// Where the keyboard is: the `aria-label` of the focused control, prefixed by « ligne » when it
/// stands in a row of the table.
async fn focus_place(w: &Win) -> String {
    let script = "const e = document.activeElement; if (!e) return ''; return (e.closest('tr[data-id]') ? 'ligne ' : '') + (e.getAttribute('aria-label') || e.id);";
    w.js_text(script, vec![]).await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_keyboard_stays_with_the_clerk_and_a_drop_goes_to_the_screen_shown() {
    let s = session().await;
    // A credit typed from the row: the row is drawn again with the new balance, and Esc
    // brings the keyboard back to the same button of the same row, not to the page.
    s.credit_from_the_row("Sami Mansouri", "12,500").await;
    s.w.wait_text("tbody tr[data-id] td:nth-child(6)", "12,500")
        .await;
    press(&s.w, ESCAPE).await;
    s.w.wait_gone("#panneau").await;
    assert_eq!(focus_place(&s.w).await, "ligne Gestion de solde");
    // Ctrl+F from an open panel: the panel closes, the search takes the keys.
    s.row_action("Sami Mansouri", "Gestion de solde").await;
    s.w.wait_text("#panneau h2", "Gestion de solde").await;
    press_keys(&s.w, &[CONTROL, 'f']).await;
    s.w.wait_gone("#panneau").await;
    assert_eq!(focused(&s.w).await, "recherche");

    // A suspension typed but not applied stops the save with its reason under its field.
    s.row_action("Sami Mansouri", "Modifier").await;
    s.w.wait_text("#panneau legend", "Règles").await;
    s.w.fill(&champ("motif_suspension"), "discipline").await;
    s.w.click_text("#panneau button", "Enregistrer les modifications")
        .await;
    s.w.wait_text(
        &error_under("motif_suspension"),
        "La suspension n'est pas encore faite",
    )
    .await;
    s.w.clear(&champ("motif_suspension")).await;
    s.w.click_text("#panneau button", "Enregistrer les modifications")
        .await;
    s.w.wait_gone("#panneau").await;

    // A matricule pasted with spaces keeps its 14 digits.
    s.w.click("#btn-ajouter").await;
    s.w.wait_text("#panneau h2", "Ajouter").await;
    let pasted = s.w.js_text(
        "const i = document.querySelector(\"[data-champ='matricule']\"); i.focus(); const d = new DataTransfer(); d.setData('text/plain', '1234 5678 9012 34'); i.dispatchEvent(new ClipboardEvent('paste', { clipboardData: d, bubbles: true, cancelable: true })); return i.value;",
        vec![],
    )
    .await;
    assert_eq!(pasted, "12345678901234");
    press(&s.w, ESCAPE).await;
    s.w.click_text("#confirmation button", "Fermer sans enregistrer")
        .await;
    s.w.wait_gone("#panneau").await;

    // A file dropped on Utilisateurs after a visit to Appels opens the users' import.
    s.w.click(".tab[data-vue=appels]").await;
    s.w.wait_text("#vue-appels", "Master.csv").await;
    s.w.click(".tab[data-vue=comptes]").await;
    s.drop_file("utilisateurs.csv").await;
    s.w.wait_text("#modale h2", "Ajouter plusieurs utilisateurs")
        .await;
    // Tab goes round the dialog's own controls, never to the page behind it.
    let inside = "return document.querySelector('#modale').contains(document.activeElement)";
    for _ in 0..12 {
        press(&s.w, '\u{E004}').await;
        assert_eq!(s.w.js(inside, vec![]).await, serde_json::json!(true));
    }
    press(&s.w, ESCAPE).await;
    s.w.wait_gone("#modale").await;

    // « / » from another tab brings the accounts back, the keyboard in their search.
    s.w.click(".tab[data-vue=appels]").await;
    s.w.wait_text("#vue-appels", "Master.csv").await;
    press(&s.w, '/').await;
    wait_for(5, "la recherche", || async {
        (focused(&s.w).await == "recherche").then_some(())
    })
    .await;
    let hidden = "return document.querySelector('#vue-comptes').hidden";
    assert_eq!(s.w.js(hidden, vec![]).await, serde_json::json!(false));

    // A retention typed as a decimal: a French error under its field, not Tauri's words.
    s.w.click(".tab[data-vue=parametres]").await;
    s.w.fill(&champ("retention"), "2.5").await;
    s.w.click_text("#vue-parametres button", "Enregistrer les paramètres")
        .await;
    s.w.wait_text(&error_under("retention"), "nombre entier de jours")
        .await;
    assert!(!s.w.text("#vue-parametres").await.contains("invalid"));
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_read_or_command_is_said_not_taken_for_an_empty_list() {
    let s = session().await;
    // The Journal's table gone from the base (a damaged file): its read fails for real.
    rusqlite::Connection::open(&s.db)
        .unwrap()
        .execute_batch("DROP TABLE audit")
        .unwrap();
    s.w.click(".tab[data-vue=journal]").await;
    let said =
        s.w.wait_text("#table-journal", "Lecture impossible : ")
            .await;
    assert!(
        !s.w.text("#vue-journal").await.contains("Aucune entrée"),
        "{said}"
    );
    // So is the list of numbers: « Aucun numéro interdit » would tell the clerk nothing is.
    rusqlite::Connection::open(&s.db)
        .unwrap()
        .execute_batch("DROP TABLE privileged_numbers")
        .unwrap();
    s.w.click(".tab[data-vue=numeros]").await;
    let said = s.w.wait_text("#vue-numeros", "Lecture impossible : ").await;
    assert!(!said.contains("Aucun numéro"), "{said}");
    // A command's failure that no screen catches is said, not lost in the console.
    s.w.js(
        "Promise.reject({ code: 'base_occupee', message: 'Échec que rien ne rattrape', champs: [] });",
        vec![],
    )
    .await;
    s.w.wait_text("#toasts", "Échec que rien ne rattrape").await;
    // The first reading of the base fails (its settings gone): the page cannot tell what may
    // be done there, so it offers nothing and says so until it is closed.
    assert_eq!(
        s.w.js(
            "return document.querySelector('#btn-ajouter').hidden",
            vec![]
        )
        .await,
        false
    );
    rusqlite::Connection::open(&s.db)
        .unwrap()
        .execute_batch("DROP TABLE settings")
        .unwrap();
    s.w.js("location.reload()", vec![]).await;
    s.w.wait_text("#toasts", "La fenêtre n'offre aucune action")
        .await;
    let offered = s
        .w
        .js(
            "return ['#btn-ajouter', '#btn-importer', '#btn-exporter', '.tab[data-vue=parametres]', \
             '.tab[data-vue=journal]'].filter((c) => !document.querySelector(c).hidden)",
            vec![],
        )
        .await;
    assert_eq!(offered, serde_json::json!([]));
    assert_eq!(s.w.text("#statut-base").await, "Base non lue");
    tokio::time::sleep(std::time::Duration::from_secs(7)).await;
    s.w.wait_text("#toasts", "La fenêtre n'offre aucune action")
        .await;
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn credit_then_an_overdraft_is_refused_with_its_reason() {
    let s = session().await;
    s.credit_from_the_row("Sami Mansouri", "12,500").await;
    s.w.wait_text(".big-balance", "12,500").await;
    s.w.wait_text(".mini-grid tbody", "Recharge").await;

    s.w.js("const s = document.querySelector(\"[data-champ='type']\"); s.value = 'debit'; s.dispatchEvent(new Event('change'));", vec![]).await;
    s.w.fill(&champ("montant"), "100").await;
    s.w.fill(&champ("motif"), "Achat carte").await;
    s.w.keys(&champ("motif"), "\u{E007}").await;
    let refused = s.w.wait_text("#panneau .form-error", "Débit refusé").await;
    assert!(refused.contains("12,500"), "{refused}");
    s.w.shot("05-gestion-de-solde-refus").await;
    assert!(
        s.w.text(".big-balance").await.contains("12,500"),
        "balance unchanged"
    );
    let o = forfaits(&s.db, &["search", "10000000007919", "--json"]);
    assert!(stdout(&o).contains("\"solde\":\"12,500\""));
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_asks_with_name_and_balance_then_removes() {
    let s = session().await;
    s.search("Zied Zouari").await;
    // The account state switches from the table.
    s.w.click("tbody tr[data-id] button[role=switch]").await;
    s.w.wait_text("#toasts", "Compte de Zied Zouari désactivé")
        .await;
    s.w.wait_text("tbody tr[data-id] .badge", "Compte désactivé")
        .await;
    let o = forfaits(&s.db, &["search", "zouari", "--json"]);
    assert!(stdout(&o).contains("\"etat_compte\":\"Désactivé\""));
    s.row_action("Zied Zouari", "Supprimer").await;
    let text = s.w.wait_text("#confirmation .confirm", "Zied Zouari").await;
    assert!(text.contains("Solde restant : 0,000"), "{text}");
    s.w.shot("06-supprimer").await;
    s.w.click_text("#confirmation button", "Annuler").await;
    s.w.wait_gone("#confirmation").await;
    assert_eq!(s.names().await, ["Zied Zouari"], "cancel keeps the account");
    s.delete_from_the_row(
        "Zied Zouari",
        "24 utilisateurs · aucun trouvé pour « Zied Zouari »",
    )
    .await;
    s.w.wait_text("#toasts", "Compte de Zied Zouari supprimé")
        .await;
    let o = forfaits(&s.db, &["search", "10000000142542"]);
    assert!(stdout(&o).is_empty());
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn import_previews_errors_and_imports_the_valid_lines() {
    let s = session().await;
    let file = s.dir.join("nouveaux.csv");
    std::fs::write(
        &file,
        "Karim Nouveau;30000000000001;3000001;26111222\nLigne Abîmée;3000000000000;3000002\nLeila Nouvelle;30000000000003;3000003\n",
    )
    .unwrap();
    s.w.click("#btn-importer").await;
    s.w.wait_text("#modale", "Champ (2) : Matricule").await;
    s.w.shot("07-ajouter-plusieurs").await;
    // The drop zone, clicked, asks the native dialog (answered here) and calls the same
    // command a dropped file does.
    s.answer_dialog(&file);
    s.w.click("#modale .dropzone").await;
    s.w.wait_text("#apercu-lues", "3").await;
    assert_eq!(s.w.text("#apercu-valides").await, "2");
    assert_eq!(s.w.text("#apercu-invalides").await, "1");
    let errors = s.w.wait_text("#modale .errors", "zéro initial").await;
    assert!(errors.contains("2 (Matricule)"), "{errors}");
    s.w.shot("08-apercu-import").await;

    let report = s.dir.join("rapport.csv");
    s.answer_dialog(&report);
    s.w.click_text("#modale button", "Enregistrer le rapport d'erreurs")
        .await;
    s.w.wait_text("#toasts", "Rapport d'erreurs enregistré")
        .await;
    assert!(std::fs::read_to_string(&report)
        .unwrap()
        .contains("zéro initial"));

    s.w.click("#btn-importer-valides").await;
    s.w.wait_text("#toasts", "2 utilisateurs importés").await;
    s.w.wait_text("#statut-comptes", "27 utilisateurs").await;
    s.search("nouve").await;
    assert_eq!(s.names().await, ["Karim Nouveau", "Leila Nouvelle"]);
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_import_shows_its_counts_and_annuler_keeps_nothing() {
    // The window's log in a folder of the test's own (Tauri's log folder follows XDG_DATA_HOME).
    let data = tempfile::tempdir().unwrap();
    let s = session_with(&[
        ("FORFAITS_VISIONNEUSE", std::ffi::OsStr::new("aucune")),
        ("XDG_DATA_HOME", data.path().as_os_str()),
    ])
    .await;
    // Annuler lands mid-way.
    let file = large_import_file(&s.dir);
    s.w.click("#btn-importer").await;
    s.answer_dialog(&file);
    s.w.click("#modale .dropzone").await;
    // The counts come as the file is read; Annuler stops the reading.
    s.stop_import_once_counting("Lecture du fichier annulée")
        .await;
    // Read to the end this time, then the writing stopped in turn: nothing kept.
    s.w.click("#modale .dropzone").await;
    s.w.wait_text("#btn-importer-valides", "Importer les 150")
        .await;
    s.w.click("#btn-importer-valides").await;
    // A file dropped meanwhile is refused, in words: the import goes on with its own.
    s.w.wait_text("[data-compte=import]", "lignes lues").await;
    s.drop_file("autre.csv").await;
    s.w.wait_text("#toasts", "Un fichier est déjà en cours de lecture")
        .await;
    s.stop_import_once_counting("Import annulé : aucun utilisateur n'a été enregistré.")
        .await;
    assert_eq!(s.w.text("#statut-comptes").await, "25 utilisateurs");
    let o = forfaits(&s.db, &["check"]);
    assert!(stdout(&o).contains("25 comptes"), "{}", stdout(&o));
    // Closing the dialog while the file is read stops the reading as well (nothing is at
    // stake), where it would have gone on unseen: the log says the preview ended « annule ».
    press(&s.w, ESCAPE).await;
    s.w.wait_gone("#modale").await;
    s.w.click("#btn-importer").await;
    s.answer_dialog(&file);
    s.w.click("#modale .dropzone").await;
    s.w.wait_text("[data-compte=import]", "lignes lues").await;
    press(&s.w, ESCAPE).await;
    s.w.wait_gone("#modale").await;
    wait_for(15, "deux lectures arrêtées dans le journal", || async {
        let stopped = log_lines(data.path())
            .into_iter()
            .filter(|l| l.contains("commande=analyser_import") && l.contains("code=annule"))
            .count();
        (stopped == 2).then_some(())
    })
    .await;
    // A file dropped after that opens the import again, not the closed dialog's reading.
    s.drop_file("autre.csv").await;
    s.w.wait_text("#modale h2", "Ajouter plusieurs utilisateurs")
        .await;
    press(&s.w, ESCAPE).await;
    s.w.wait_gone("#modale").await;
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_confirmed_import_keeps_its_dialog_open_until_it_says_how_it_ended() {
    let s = session().await;
    let file = large_import_file(&s.dir);
    s.w.click("#btn-importer").await;
    s.answer_dialog(&file);
    s.w.click("#modale .dropzone").await;
    wait_long(&s.w, "#btn-importer-valides", "Importer les 150").await;
    s.w.click("#btn-importer-valides").await;
    s.w.wait_text("[data-compte=import]", "lignes lues").await;
    // Esc, the × and a click beside the dialog: it stays, saying why and what stops it.
    press(&s.w, ESCAPE).await;
    s.w.wait_text(
        "#toasts",
        "Import en cours : la fenêtre se fermera à la fin",
    )
    .await;
    s.w.click("#modale .box-head button").await;
    s.w.js(
        "document.querySelector('#modale').dispatchEvent(new MouseEvent('mousedown', { bubbles: true }))",
        vec![],
    )
    .await;
    // Said once, however many times the clerk tried.
    assert_eq!(toasts_saying(&s.w, "Import en cours").await, 1);
    s.w.shot("08b-import-en-cours-reste-ouvert").await;
    let shown = "const m = document.querySelector('#modale');
                 return !m.hidden && Boolean(m.querySelector('#btn-annuler-import'));";
    assert_eq!(s.w.js(shown, vec![]).await, true);
    // The outcome comes where the clerk sees it, and the dialog closes then.
    wait_long(&s.w, "#toasts", "utilisateurs importés").await;
    s.w.wait_gone("#modale").await;
    s.w.wait_text("#statut-comptes", "150\u{202f}025 utilisateurs")
        .await;
    s.close().await;
}

/// Waits until the text of `css` contains `expected`, for a minute and a half: the end of
/// long work on a large file, in the debug build of a loaded machine.
async fn wait_long(w: &Win, css: &str, expected: &str) {
    wait_for(90, &format!("« {expected} » dans {css}"), || async {
        let t = w.texts(css).await.join(" | ");
        t.contains(expected).then_some(())
    })
    .await;
}

/// A CSV file of 150 000 new accounts in `dir`: some 3 s of reading and as much of writing
/// for the debug build, long enough to act while it is read or imported.
fn large_import_file(dir: &Path) -> PathBuf {
    let lines: String = (0..150_000u64)
        .map(|i| format!("Compte {i};{};{}\n", 30_000_000_000_000 + i, 3_000_000 + i))
        .collect();
    write_file(dir, "gros.csv", lines)
}

/// The lines of the window's log files below `dir`.
fn log_lines(dir: &Path) -> Vec<String> {
    let mut lines = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            lines.extend(log_lines(&path));
        } else if path.extension().is_some_and(|e| e == "log") {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            lines.extend(text.lines().map(String::from));
        }
    }
    lines
}

#[tokio::test(flavor = "multi_thread")]
async fn export_writes_the_chosen_file() {
    let s = session().await;
    let out = s.open_export("export.csv", "Format d'import").await;
    s.w.shot("09-exporter").await;
    s.export_all().await;
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("\u{feff}Nom utilisateur;Matricule;"));
    assert_eq!(text.lines().count(), 26);
    // Brought back to Ajouter plusieurs utilisateurs, the file says what it leaves out.
    s.w.click("#btn-importer").await;
    s.answer_dialog(&out);
    s.w.click("#modale .dropzone").await;
    s.w.wait_text(
        "#apercu-avertissement",
        "seuls le nom, le matricule, l'identifiant et les numéros sont importés",
    )
    .await;
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn markup_in_names_is_shown_as_text() {
    let _guard = E2E_LOCK.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.sqlite3");
    let f = write_file(
        dir.path(),
        "html.csv",
        "<img src=x onerror=\"document.title='pirate'\"> <b>Gras</b>;10000000000001;1000001\n",
    );
    let o = forfaits(&db, &["import", f.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let desktop = Desktop::start();
    let w = Win {
        c: desktop.open(&db).await,
    };
    let name = w.wait_text("tbody tr[data-id] td.sticky", "<img").await;
    assert_eq!(
        name,
        "<img src=x onerror=\"document.title='pirate'\"> <b>Gras</b>"
    );
    let elements = w
        .js(
            "return document.querySelectorAll('tbody img, tbody b').length",
            vec![],
        )
        .await;
    assert_eq!(elements, 0);
    assert_ne!(w.js("return document.title", vec![]).await, "pirate");
    w.click("tbody tr[data-id] button[aria-label='Modifier']")
        .await;
    w.wait_text("#panneau h2", "<b>Gras</b>").await;
    assert_eq!(
        w.js(
            "return document.querySelectorAll('#panneau img, #panneau b').length",
            vec![]
        )
        .await,
        0
    );
    w.shot("10-noms-html").await;
    w.c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn taxation_screens_load_calls_show_history_and_print() {
    let s = session().await;
    s.taxation_with_sample_tariffs("Mobile Ooredoo").await;
    s.answer_dialog(&fixture("Master-sample.csv"));
    s.w.click("#vue-appels .dropzone").await;
    s.w.wait_text("#appels-nouveaux", "4").await;
    assert_eq!(s.w.text("#appels-factures").await, "3");
    s.w.wait_text("#vue-appels .notices", "9999999").await;
    // The report replaced what had the keyboard: it is on the next step.
    assert_eq!(focused(&s.w).await, "btn-charger-appels");
    s.w.shot("11-appels-et-tarifs").await;
    s.w.click("#btn-charger-appels").await;
    s.w.wait_text("#toasts", "4 appels chargés").await;

    s.w.click(".tab[data-vue=comptes]").await;
    s.search("Lotfi").await;
    s.w.wait_text("tbody tr[data-id] td:nth-child(6)", "-0,690")
        .await;
    s.row_action("Lotfi Ben Ali", "Télécharger historique des appels")
        .await;
    s.w.wait_text("#panneau .mini-grid", "71234567").await;
    s.w.wait_text("#panneau .mini-grid", "Hors touches").await;
    s.w.shot("12-historique").await;
    s.fill_and_leave("depuis", "21/11/2026").await;
    s.w.wait_text("#panneau .list-foot", "Aucun appel sur cette période.")
        .await;
    s.fill_and_leave("depuis", "32/11/2026").await;
    s.w.wait_text("#panneau .field-error", "n'existe pas").await;
    s.fill_and_leave("depuis", "20/11/2026").await;
    s.w.wait_text("#panneau .list-foot", "3 appels").await;
    let out = s.dir.join("historique.csv");
    s.answer_dialog(&out);
    s.w.click("#btn-telecharger-historique").await;
    s.w.wait_text("#toasts", "Historique enregistré : 3 appels")
        .await;
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .contains("71234567;;0:01:01;0,180;-0,690;Répondu;Oui"));
    s.w.keys("#panneau", "\u{E00C}").await; // Esc
    s.w.wait_gone("#panneau").await;

    // Durée totale: 241 s counted, reset to zero from the form (confirmed, audited).
    s.row_action("Lotfi Ben Ali", "Modifier").await;
    s.w.wait_text("#duree-totale", "0:04:01").await;
    s.w.click("#btn-remise-zero").await;
    s.w.click_text("#confirmation button", "Remettre à zéro")
        .await;
    s.w.wait_text("#toasts", "Durée totale remise à zéro").await;
    let o = forfaits(&s.db, &["search", "lotfi", "--json"]);
    assert_stdout_has(&o, "\"duree_totale_s\":0");

    s.row_action("Lotfi Ben Ali", "Imprimer").await;
    s.w.wait_text("#modale .sheet", "Lotfi Ben Ali").await;
    // The print dialog (replaced) is done; the PDF is the other choice of the sheet's dialog.
    assert!(printed_text(&s).await.contains("Lotfi Ben Ali"));
    s.w.click("#btn-fiche-pdf").await;
    s.w.wait_text("#toasts", "enregistrée en PDF et ouverte")
        .await;
    let pdf =
        s.w.js("return document.body.dataset.derniereFiche", vec![])
            .await;
    let pdf = pdf.as_str().unwrap().to_string();
    let text = std::process::Command::new("pdftotext")
        .args([&pdf, "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Lotfi Ben Ali") && text.contains("-0,690 TND"),
        "{text}"
    );
    s.close().await;
}

/// A Master.csv of 150 000 answered calls of Lotfi Ben Ali (identifiant 8589669) in `dir`,
/// long enough to act while it is read or loaded.
fn large_master_file(dir: &Path) -> PathBuf {
    let lines: String = (0..150_000u64)
        .map(|i| {
            format!(
                "\"8589669\",\"212\",\"99383470\",\"detenus\",\"\"\"Poste 12\"\" <212>\",\"SIP/poste212-0000001a\",\"SIP/trunk-0000001b\",\"Dial\",\"SIP/trunk/99383470,60\",\"2026-11-20 09:00:00\",\"2026-11-20 09:00:05\",\"2026-11-20 09:00:35\",35,30,\"ANSWERED\",\"BILLING\",\"1763629200.{i}\",\"\"\n"
            )
        })
        .collect();
    write_file(dir, "Master.csv", lines)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_calls_screen_stays_until_its_reading_or_loading_ends() {
    let s = session().await;
    s.taxation_with_sample_tariffs("Mobile Ooredoo").await;
    s.answer_dialog(&large_master_file(&s.dir));
    s.w.click("#vue-appels .dropzone").await;
    // While the file is read, another tab says why the screen stays, and what stops the work.
    s.w.wait_text("[data-compte=appels]", "lignes lues").await;
    let stays = "Lecture du relevé en cours : l'écran reste affiché";
    s.leave_the_calls_screen_refused(stays).await;
    wait_long(&s.w, "#btn-charger-appels", "Charger les 150").await;
    // The same while it is loaded; stopped, the screen says so (nothing debited).
    s.w.click("#btn-charger-appels").await;
    s.w.wait_text("[data-compte=appels]", "lignes lues").await;
    s.leave_the_calls_screen_refused("Chargement des appels en cours")
        .await;
    s.w.click("#btn-annuler-appels").await;
    s.w.wait_text("#appels-annule", "Chargement annulé : aucun appel")
        .await;
    let lotfi = cli_account(&s.db, "10000000000000");
    assert_eq!(lotfi["solde"], "0,000", "{lotfi}");
    // Ended, the screen can be left.
    s.show_journal().await;
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn journal_and_settings_screens() {
    let s = session().await;
    s.show_journal().await;
    s.w.shot("13-journal").await;
    // Clicked twice in a row, the tab draws one page (its three reads overlap).
    s.w.js(
        "const t = document.querySelector('.tab[data-vue=parametres]'); t.click(); t.click();",
        vec![],
    )
    .await;
    s.w.wait_text("#chemin-base", "e2e.sqlite3").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(s.w.texts("#vue-parametres h2").await, ["Paramètres"]);
    s.w.fill(&champ("indicatif"), "21").await;
    s.w.fill(&champ("indicatif"), "abc").await;
    s.w.click_text("#vue-parametres button", "Enregistrer les paramètres")
        .await;
    s.w.wait_text("#vue-parametres .field-error", "indicatif du pays")
        .await;
    s.w.fill(&champ("duree_appel"), "90").await;
    s.w.fill(&champ("indicatif"), "+216").await;
    s.w.click_text("#vue-parametres button", "Enregistrer les paramètres")
        .await;
    s.w.wait_text("#toasts", "Paramètres enregistrés").await;
    s.w.shot("14-parametres").await;
    // Typed and not saved: another tab asks first, and « Continuer la saisie » keeps it.
    s.w.fill(&champ("duree_appel"), "120").await;
    s.w.click(".tab[data-vue=journal]").await;
    s.w.wait_text("#confirmation", "Quitter les paramètres sans enregistrer ?")
        .await;
    s.w.click_text("#confirmation button", "Continuer la saisie")
        .await;
    s.w.wait_gone("#confirmation").await;
    assert!(s
        .w
        .js(
            "return document.querySelector('#vue-journal').hidden",
            vec![]
        )
        .await
        .as_bool()
        .unwrap());
    s.w.click(".tab[data-vue=journal]").await;
    s.w.click_text("#confirmation button", "Quitter sans enregistrer")
        .await;
    s.journal_shown().await;
    // Saved, nothing is asked.
    s.w.click(".tab[data-vue=parametres]").await;
    s.w.wait_text("#chemin-base", "e2e.sqlite3").await;
    s.show_journal().await;
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn window_and_command_line_write_at_once_then_a_backup_is_restored() {
    let s = session().await;
    let m = "10000000007919";
    // The window credits 1,000 TND forty times (the command its Gestion de solde uses) while
    // the command line credits 0,001 TND forty times on the same account.
    let cli = {
        let db = s.db.clone();
        std::thread::spawn(move || {
            for _ in 0..40 {
                succeeded(balance(&db, m, "credit", "0,001", "CLI"));
            }
        })
    };
    let done = with_samis_id(
        &s.w,
        r#"for (let i = 0; i < 40; i++) {
             await window.__TAURI__.core.invoke('saisir_mouvement', { id, type: 'recharge', montant: '1', motif: 'fenêtre' });
           }
           done('ok');"#,
    )
    .await;
    assert_eq!(done, "ok");
    cli.join().unwrap();
    let row: serde_json::Value =
        serde_json::from_str(stdout(&forfaits(&s.db, &["search", m, "--json"])).trim()).unwrap();
    assert_eq!(row["solde"], "40,040", "40 × 1,000 + 40 × 0,001");
    assert_eq!(forfaits(&s.db, &["check"]).status.code(), Some(0));

    // Paramètres: a backup now, then a change, then the backup restored.
    s.w.click(".tab[data-vue=parametres]").await;
    s.w.wait_text("#dossier-sauvegardes", "sauvegardes").await;
    let copy = s.dir.join("sauvegarde.sqlite3");
    s.answer_dialog(&copy);
    s.w.click("#btn-sauvegarder").await;
    s.w.wait_text("#toasts", "Sauvegarde écrite").await;
    balance(&s.db, m, "debit", "40", "Après la sauvegarde");
    s.w.wait_gone("#toasts .toast").await;
    s.w.click("#btn-restaurer").await;
    s.w.wait_text("#confirmation", "sera remplacé").await;
    s.w.shot("15-restaurer").await;
    s.w.click_text("#confirmation button", "Restaurer").await;
    s.w.wait_text("#toasts", "Sauvegarde restaurée : 25 comptes")
        .await;
    let row: serde_json::Value =
        serde_json::from_str(stdout(&forfaits(&s.db, &["search", m, "--json"])).trim()).unwrap();
    assert_eq!(row["solde"], "40,040", "the balance of the backup is back");
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_page_counts_and_names_in_agreed_french() {
    let s = session().await;
    // The page's helper, on the cases of the core's (`fr.rs`).
    let got = s
        .w
        .js_async(
            r#"const done = arguments[0];
               import('./js/fr.js').then(f => done([
                 f.nombre(0, 'tarif', 'tarifs'), f.nombre(1, 'tarif', 'tarifs'),
                 f.nombre(2, 'tarif', 'tarifs'), f.nombre(1234, 'tarif', 'tarifs'),
                 f.pluriel(1, 'disparaît', 'disparaissent'), f.pluriel(5, 'disparaît', 'disparaissent'),
                 f.nombreOuAucun(0, 'utilisateur trouvé', 'utilisateurs trouvés'),
                 f.nombreOuAucun(0, 'erreur', 'erreurs', { feminin: true }),
                 f.nombreOuAucun(3, 'erreur', 'erreurs', { feminin: true }),
                 f.accord('refusé', { feminin: true }), f.accord('créé', { n: 2 }), f.accord('créé'),
                 f.de('Hélène Gharbi'), f.de('Amira Trabelsi'), f.de('Œdipe'), f.de('Émna'),
                 f.de('Sami Mansouri'), f.de('Yassine'), f.de('محمد'),
               ])).catch(e => done(String(e)));"#,
            vec![],
        )
        .await;
    assert_eq!(
        got,
        serde_json::json!([
            "0 tarif",
            "1 tarif",
            "2 tarifs",
            "1\u{202f}234 tarifs",
            "disparaît",
            "disparaissent",
            "Aucun utilisateur trouvé",
            "Aucune erreur",
            "3 erreurs",
            "refusée",
            "créés",
            "créé",
            "d'Hélène Gharbi",
            "d'Amira Trabelsi",
            "d'Œdipe",
            "d'Émna",
            "de Sami Mansouri",
            "de Yassine",
            "de محمد",
        ])
    );
    s.search("zorro").await;
    assert_eq!(
        s.w.text("#statut-comptes").await,
        "25 utilisateurs · aucun trouvé pour « zorro »"
    );
    s.search("Hélène").await;
    assert_eq!(
        s.w.text("#statut-comptes").await,
        "25 utilisateurs · 1 trouvé pour « Hélène »"
    );
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn destructive_dialogs_open_on_annuler_so_enter_deletes_nothing() {
    let s = session().await;
    s.search_and_act("Zied Zouari", "Supprimer").await;
    s.w.wait_text("#confirmation .confirm", "Zied Zouari").await;
    assert_eq!(focused(&s.w).await, "btn-confirmation-annuler");
    press(&s.w, ENTER).await;
    s.w.wait_gone("#confirmation").await;
    assert_eq!(s.names().await, ["Zied Zouari"]);
    assert_eq!(cli_account(&s.db, "10000000142542")["nom"], "Zied Zouari");
    // Tab stays in the dialog; the red button acts once the person moved to it.
    s.row_action("Zied Zouari", "Supprimer").await;
    s.w.wait_text("#confirmation .confirm", "Zied Zouari").await;
    press(&s.w, TAB).await;
    assert_eq!(focused(&s.w).await, "btn-confirmation-ok");
    press(&s.w, TAB).await;
    assert_eq!(
        focused(&s.w).await,
        "btn-confirmation-annuler",
        "focus stays inside"
    );
    press_keys(&s.w, &['\u{E008}', TAB]).await; // Shift+Tab
    assert_eq!(focused(&s.w).await, "btn-confirmation-ok");
    press(&s.w, ENTER).await;
    s.w.wait_text("#toasts", "Compte de Zied Zouari supprimé")
        .await;
    assert!(stdout(&forfaits(&s.db, &["search", "10000000142542"])).is_empty());

    // Remettre à zéro opens on Annuler too.
    s.search("Lotfi").await;
    s.row_action("Lotfi Ben Ali", "Modifier").await;
    s.w.click("#btn-remise-zero").await;
    s.w.wait_text("#confirmation", "Remettre la durée totale à zéro")
        .await;
    assert_eq!(focused(&s.w).await, "btn-confirmation-annuler");
    assert!(
        s.w.js(
            "return document.querySelector('#btn-confirmation-ok').classList.contains('danger')",
            vec![]
        )
        .await
            == true
    );
    press(&s.w, ENTER).await;
    s.w.wait_gone("#confirmation").await;
    let hidden = panel_hidden(&s.w).await;
    assert!(!hidden, "the form stays open under the question");
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_state_switch_can_be_undone_from_its_toast_or_with_ctrl_z() {
    let s = session().await;
    let state = || cli_account(&s.db, "10000000015838")["etat_compte"].clone();
    s.search("Amira Trabelsi").await;
    s.w.click("tbody tr[data-id] button[role=switch]").await;
    let t =
        s.w.wait_text("#toasts", "Compte d'Amira Trabelsi désactivé")
            .await;
    assert!(t.contains("Annuler"), "{t}");
    assert_eq!(state(), "Désactivé");
    s.w.click_text("#toasts button", "Annuler").await;
    s.w.wait_text("#toasts", "de nouveau activé").await;
    s.w.wait_text("tbody tr[data-id] .badge", "Solde épuisé")
        .await;
    assert_eq!(state(), "Activé");
    // From the keyboard: Space on the switch, then Ctrl+Z.
    s.w.js(
        "document.querySelector('tbody tr[data-id] button[role=switch]').focus()",
        vec![],
    )
    .await;
    press(&s.w, SPACE).await;
    // Ctrl+Z while the toast is up (8 s): its text says the switch was saved, and polling the
    // base first could outlast the toast on a loaded machine.
    s.w.wait_text("#toasts", "Compte d'Amira Trabelsi désactivé")
        .await;
    press_keys(&s.w, &[CONTROL, 'z']).await;
    wait_for(10, "le changement annulé", || async {
        (state() == "Activé").then_some(())
    })
    .await;
    // Four edits in the Journal: the click, its Annuler, the Space and its Ctrl+Z.
    assert_eq!(account_edits(&s.db, "10000000015838"), 4);
    let journal = forfaits(&s.db, &["check"]);
    assert_eq!(journal.status.code(), Some(0));

    // An edit form open beside the table follows its switch: saving the form does not undo it.
    s.row_action("Amira Trabelsi", "Modifier").await;
    s.w.wait_text("#panneau h2", "Modifier un utilisateur — Amira Trabelsi")
        .await;
    s.w.click("tbody tr[data-id] button[role=switch]").await;
    let in_form = "return document.querySelector(\"#panneau [data-champ='etat_compte']\").checked";
    wait_for(10, "le formulaire désactivé", || async {
        (s.w.js(in_form, vec![]).await == serde_json::json!(false)).then_some(())
    })
    .await;
    wait_for(10, "le compte désactivé", || async {
        (state() == "Désactivé").then_some(())
    })
    .await;
    s.w.keys(&champ("nom"), "\u{E007}").await;
    s.w.wait_gone("#panneau").await;
    assert_eq!(state(), "Désactivé");
    s.close().await;
}

/// How many lines of the Journal say `action`, for the account `matricule` when given.
fn journal_lines(db: &Path, action: &str, matricule: Option<&str>) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM audit WHERE action = ?1 AND (?2 IS NULL OR matricule = ?2)",
            rusqlite::params![action, matricule],
            |r| r.get(0),
        )
        .unwrap()
}

/// How many « Modification du compte » lines the Journal has for the account `matricule`.
fn account_edits(db: &Path, matricule: &str) -> i64 {
    journal_lines(db, "Modification du compte", Some(matricule))
}

/// Double-clicks `css` with the mouse, as a person would (two presses on the same spot).
async fn double_click(w: &Win, css: &str) {
    use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
    let element = w.c.find(fantoccini::Locator::Css(css)).await.unwrap();
    let (down, up) = (
        PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        },
        PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        },
    );
    let double = MouseActions::new("souris".into())
        .then(PointerAction::MoveToElement {
            element,
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(down.clone())
        .then(up.clone())
        .then(down)
        .then(up);
    w.c.perform_actions(double).await.expect("double clic");
    w.c.release_actions().await.expect("souris relâchée");
}

/// Clicks `css` twice in the same moment, from the page (as a double click faster than any
/// answer, or than the dialog the first click opens).
async fn press_twice(w: &Win, css: &str) {
    let script = "const b = document.querySelector(arguments[0]); b.click(); b.click();";
    w.js(script, vec![css.into()]).await;
}

/// The toasts whose text contains `said`, once those shown have had the time to come.
async fn toasts_saying(w: &Win, said: &str) -> usize {
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    w.texts("#toasts .toast")
        .await
        .iter()
        .filter(|t| t.contains(said))
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_double_click_on_the_state_switch_changes_the_state_once() {
    let s = session().await;
    let m = "10000000015838";
    let state = || cli_account(&s.db, m)["etat_compte"].clone();
    s.search("Amira Trabelsi").await;
    let switch = "tbody tr[data-id] button[role=switch]";
    // Two presses before the first is answered: the second is ignored.
    press_twice(&s.w, switch).await;
    s.w.wait_text("#toasts", "Compte d'Amira Trabelsi désactivé")
        .await;
    assert_eq!(toasts_saying(&s.w, "Trabelsi désactivé").await, 1);
    assert_eq!(state(), "Désactivé");
    assert_eq!(account_edits(&s.db, m), 1);
    // A double click of the mouse is one press too, however fast the first was answered.
    double_click(&s.w, switch).await;
    s.w.wait_text("#toasts", "Compte d'Amira Trabelsi activé")
        .await;
    assert_eq!(toasts_saying(&s.w, "Trabelsi activé").await, 1);
    assert_eq!(state(), "Activé");
    assert_eq!(account_edits(&s.db, m), 2);
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn export_and_backup_pressed_twice_ask_and_write_once() {
    let s = session().await;
    let out = s.open_export("export.csv", "Format d'import").await;
    press_twice(&s.w, "#btn-exporter-go").await;
    s.w.wait_text("#toasts", "25 utilisateurs exportés").await;
    assert_eq!(toasts_saying(&s.w, "").await, 1);
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 26);
    assert_eq!(journal_lines(&s.db, "Export des utilisateurs", None), 1);
    s.w.click(".tab[data-vue=parametres]").await;
    s.w.wait_text("#dossier-sauvegardes", "sauvegardes").await;
    s.answer_dialog(&s.dir.join("sauvegarde.sqlite3"));
    s.w.wait_gone("#toasts .toast").await;
    press_twice(&s.w, "#btn-sauvegarder").await;
    s.w.wait_text("#toasts", "Sauvegarde écrite").await;
    assert_eq!(toasts_saying(&s.w, "").await, 1);
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sheet_without_a_pdf_viewer_says_where_it_is_in_french() {
    // Every desktop launcher the system would try fails, as on a machine without a PDF viewer.
    let bin = tempfile::tempdir().unwrap();
    for launcher in [
        "xdg-open",
        "gio",
        "gnome-open",
        "kde-open6",
        "kde-open5",
        "kde-open",
        "wslview",
    ] {
        let p = bin.path().join(launcher);
        std::fs::write(&p, "#!/bin/sh\nexit 2\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = std::env::join_paths(std::iter::once(bin.path().to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let s = session_with(&[("PATH", path.as_os_str())]).await;
    s.search("Hélène").await;
    s.row_action("Hélène Haddad", "Imprimer").await;
    printed_text(&s).await;
    s.w.click("#btn-fiche-pdf").await;
    let text =
        s.w.wait_text("#toasts .toast.warn", "aucun lecteur de PDF")
            .await;
    assert!(
        text.contains("La fiche d'Hélène Haddad est enregistrée"),
        "{text}"
    );
    let sheet = s.dir.join("fiches").join("fiche-10000000063352.pdf");
    assert!(text.contains(sheet.to_str().unwrap()), "{text}");
    assert!(sheet.is_file());
    for english in ["Launcher", "ExitStatus", "failed"] {
        assert!(!text.contains(english), "{text}");
    }
    s.w.shot("16-fiche-sans-visionneuse").await;
    s.w.click_text("#toasts button", "Ouvrir le dossier").await;
    let err =
        s.w.wait_text("#toasts .toast.error", "Impossible d'ouvrir le dossier")
            .await;
    for english in ["Launcher", "ExitStatus", "failed"] {
        assert!(!err.contains(english), "{err}");
    }
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tariffs_file_shows_what_disappears_and_replaces_only_once_confirmed() {
    let s = session().await;
    s.taxation_with_sample_tariffs("Mobile Orange").await;
    let one = s.dir.join("un-tarif.csv");
    std::fs::write(
        &one,
        "prefixe;libelle;prix_minute;bloc_initial_s;bloc_s;frais_connexion\n+2162;Mobile Ooredoo;0,200;30;6;0\n",
    )
    .unwrap();
    s.answer_dialog(&one);
    s.w.click("#btn-importer-tarifs").await;
    let text =
        s.w.wait_text("#confirmation", "6 tarifs remplacés par 1")
            .await;
    assert!(
        text.contains("5 préfixes disparaissent : +2165 Mobile Orange, +2167 Fixe, +2169 Mobile Tunisie Telecom, …"),
        "{text}"
    );
    assert!(
        text.contains("1 tarif modifié : +2162 Mobile Ooredoo"),
        "{text}"
    );
    assert_eq!(
        s.w.texts("#changement-tarifs tbody tr").await.len(),
        6,
        "5 gone and 1 changed, each listed"
    );
    s.w.shot("17-tarifs-remplaces").await;
    assert_eq!(focused(&s.w).await, "btn-confirmation-annuler");
    press(&s.w, ENTER).await;
    s.w.wait_gone("#confirmation").await;
    s.w.wait_text("#toasts", "les tarifs en place n'ont pas changé")
        .await;
    assert_eq!(tariff_count(&s.db), 6);
    assert_eq!(s.w.texts("#table-tarifs tbody tr").await.len(), 6);

    s.w.click("#btn-importer-tarifs").await;
    s.w.wait_text("#confirmation", "6 tarifs remplacés par 1")
        .await;
    s.w.click("#btn-confirmation-ok").await;
    s.w.wait_text("#toasts", "1 tarif importé").await;
    assert_eq!(tariff_count(&s.db), 1);
    // The table drawn anew, the keyboard is back on the button that imported.
    wait_for(10, "le clavier sur Importer des tarifs", || async {
        (focused(&s.w).await == "btn-importer-tarifs").then_some(())
    })
    .await;
    s.close().await;
}

/// `amount` in Tunisian dinars as the window writes it (narrow spaces between thousands).
fn tnd(amount: &str) -> String {
    format!("{amount}\u{a0}TND").replace(' ', "\u{202f}")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_large_credit_is_confirmed_with_the_resulting_balance_on_the_button() {
    let s = session().await;
    s.search_and_act("Sami Mansouri", "Gestion de solde").await;
    s.w.wait_text("#panneau h2", "Gestion de solde").await;
    // The button shows the amount and the balance Rust computed, never the raw input.
    s.w.fill(&champ("montant"), "12,5").await;
    s.w.wait_text(
        "#btn-mouvement",
        &format!("Créditer {} → solde {}", tnd("12,500"), tnd("12,500")),
    )
    .await;
    s.w.fill(&champ("montant"), "12,5 TND").await;
    wait_for(10, "le bouton sans montant", || async {
        (s.w.text("#btn-mouvement").await == "Créditer").then_some(())
    })
    .await;
    let label = format!(
        "Créditer {} → solde {}",
        tnd("1 000 000 000,000"),
        tnd("1 000 000 000,000")
    );
    // Above the threshold (1 000 TND by default): a confirmation, opened on Annuler.
    let text = s.confirmation_for("1000000000", &label).await;
    assert!(text.contains(&tnd("1 000,000")), "{text}");
    assert_eq!(s.w.text("#btn-confirmation-ok").await, label);
    s.w.shot("18-confirmer-credit").await;
    assert_eq!(focused(&s.w).await, "btn-confirmation-annuler");
    press(&s.w, ENTER).await;
    s.w.wait_gone("#confirmation").await;
    assert_eq!(cli_account(&s.db, "10000000007919")["solde"], "0,000");
    // The page cannot skip the question: the command refuses an unconfirmed large amount.
    let refused = with_samis_id(
        &s.w,
        r#"await window.__TAURI__.core.invoke('saisir_mouvement', { id, type: 'recharge', montant: '5000', motif: '' });
           done('accepté');"#,
    )
    .await;
    assert!(
        refused
            .as_str()
            .unwrap()
            .contains("dépasse le seuil de confirmation"),
        "{refused}"
    );
    assert_eq!(cli_account(&s.db, "10000000007919")["solde"], "0,000");
    // Confirmed, it is recorded.
    s.w.keys(&champ("montant"), "\u{E007}").await;
    s.w.wait_text("#confirmation", "dépasse le seuil").await;
    s.w.click("#btn-confirmation-ok").await;
    s.w.wait_text(".big-balance", "1\u{202f}000\u{202f}000\u{202f}000,000")
        .await;
    assert_eq!(
        cli_account(&s.db, "10000000007919")["solde"],
        "1000000000,000"
    );
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_large_negative_correction_is_confirmed_with_its_sign() {
    let s = session().await;
    succeeded(balance(&s.db, "10000000007919", "credit", "5000", "Dépôt"));
    s.search_and_act("Sami Mansouri", "Gestion de solde").await;
    s.w.wait_text("#panneau .big-balance", "5\u{202f}000,000")
        .await;
    s.w.js(
        "const k = document.querySelector(arguments[0]); k.value = 'correction';
         k.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![champ("type").into()],
    )
    .await;
    s.w.fill(&champ("motif"), "Erreur de saisie").await;
    let label = format!(
        "Corriger de {} → solde {}",
        tnd("-2 000,000"),
        tnd("3 000,000")
    );
    // The question says the same signed amount as the button: a correction takes away.
    let text = s.confirmation_for("-2000", &label).await;
    let said = format!(
        "Correction (±) de {} pour Sami Mansouri.",
        tnd("-2 000,000")
    );
    assert!(text.contains(&said), "{text}");
    assert_eq!(s.w.text("#btn-confirmation-ok").await, label);
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_error_written_under_a_field_moves_nothing_below_it() {
    let s = session().await;
    s.w.click("#btn-ajouter").await;
    s.w.wait_text("#panneau h2", "Ajouter un utilisateur").await;
    let top = "return document.querySelector(arguments[0]).getBoundingClientRect().top";
    let before = s.w.js(top, vec![champ("touche1").into()]).await;
    s.fill_and_leave("matricule", "123").await;
    wait_error_described(&s.w, "matricule", "14 chiffres").await;
    s.w.shot("03b-erreur-sous-le-champ").await;
    assert_eq!(s.w.js(top, vec![champ("touche1").into()]).await, before);
    s.close().await;
}

/// The error the field `key` points to (`aria-describedby`: its hint, then its error).
async fn error_described(w: &Win, key: &str) -> String {
    let script = "const i = document.querySelector(`[data-champ='${arguments[0]}']`); return document.getElementById(i.getAttribute('aria-describedby').split(' ').pop()).textContent;";
    w.js_text(script, vec![key.into()]).await
}

/// Waits until the error the field `key` points to says `expected`.
async fn wait_error_described(w: &Win, key: &str, expected: &str) {
    wait_for(10, &format!("« {expected} » sous {key}"), || async {
        let error = error_described(w, key).await;
        error.contains(expected).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_taken_matricule_is_said_when_left_and_each_error_stays_under_its_field() {
    let s = session().await;
    s.w.click("#btn-ajouter").await;
    let error_of = |key: &'static str| error_described(&s.w, key);
    // The name is still empty: the matricule of Sami Mansouri is reported as soon as it is left.
    s.fill_and_leave("matricule", "10000000007919").await;
    wait_error_described(&s.w, "matricule", "déjà attribué à Sami Mansouri").await;
    // An invalid phone does not make it disappear.
    s.fill_and_leave("touche1", "12").await;
    wait_error_described(&s.w, "touche1", "3 à 15 chiffres").await;
    assert!(error_of("matricule")
        .await
        .contains("déjà attribué à Sami Mansouri"));
    s.fill_and_leave("identifiant", "8580488").await;
    wait_error_described(&s.w, "identifiant", "déjà attribué à Amira Trabelsi").await;
    assert!(error_of("matricule").await.contains("déjà attribué"));
    assert!(error_of("touche1").await.contains("3 à 15 chiffres"));
    s.w.shot("19-matricule-deja-pris").await;
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn call_history_says_which_day_does_not_exist_and_counts_the_rows_it_shows() {
    let s = session().await;
    let calls = fixture("Master-sample.csv");
    let loaded = [
        import_sample_tariffs(&s.db),
        forfaits(&s.db, &["calls", "import", calls.to_str().unwrap()]),
    ];
    for o in loaded {
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let rows = || async { s.w.texts("#panneau .mini-grid tbody tr").await.len() };
    let foot = || async { s.w.text("#panneau .list-foot span").await };
    s.search("Lotfi").await;
    s.row_action("Lotfi Ben Ali", "Télécharger historique des appels")
        .await;
    s.w.wait_text("#panneau .list-foot", "3 appels").await;
    assert_eq!(rows().await, 3);

    s.fill_and_leave("depuis", "31/02/2026").await;
    let e = s.w.wait_text("#panneau .field-error", "n'existe pas").await;
    assert!(e.contains("février 2026 compte 28 jours"), "{e}");
    assert!(!e.contains("écrivez"), "{e}");
    assert_eq!((rows().await, foot().await), (0, String::new()));

    s.w.fill(&champ("depuis"), "21/11/2026").await;
    s.fill_and_leave("jusqua", "20/11/2026").await;
    s.w.wait_text("#panneau .field-error", "La période est inversée")
        .await;
    assert_eq!((rows().await, foot().await), (0, String::new()));

    s.w.clear(&champ("jusqua")).await;
    s.w.keys(&champ("jusqua"), "\u{E004}").await;
    s.w.wait_text("#panneau .list-foot", "Aucun appel sur cette période.")
        .await;
    assert_eq!(rows().await, 0);
    s.fill_and_leave("depuis", "20/11/2026").await;
    s.w.wait_text("#panneau .list-foot", "3 appels").await;
    assert_eq!(rows().await, 3);
    assert_eq!(s.w.texts("#panneau .field-error").await.concat(), "");
    s.w.keys("#panneau", "\u{E00C}").await;
    s.w.wait_gone("#panneau").await;

    // The date columns of the table and their headers are not cut.
    let cut =
        s.w.js(
            "return ['th[data-key=creation] .label', 'th[data-key=modification] .label',
                     'tbody tr[data-id] td:nth-child(17)', 'tbody tr[data-id] td:nth-child(18)']
               .flatMap(css => Array.from(document.querySelectorAll(css)))
               .filter(e => e.scrollWidth > e.clientWidth)
               .map(e => e.textContent);",
            vec![],
        )
        .await;
    assert_eq!(cut, serde_json::json!([]));
    s.close().await;
}

const LOTFI: &str = "10000000000000"; // identifiant 8589669; key 2: +21627468145 (Ooredoo)

/// The tariffs, and Lotfi credited 2,000 TND: the SPEC §11 example (666 s granted, 1,998 held).
fn lotfi_with_2_000(db: &Path) {
    let done = [
        import_sample_tariffs(db),
        balance(db, LOTFI, "credit", "2,000", "Dépôt"),
    ];
    for o in done {
        assert!(o.status.success(), "{}", stderr(&o));
    }
}

/// What the telephony server asks before a call, decided by the core on the test's database.
fn autoriser(
    svc: &mut forfaits_core::control::Service,
    uniqueid: &str,
    asked: &str,
    at: i64,
) -> forfaits_core::control::Decision {
    svc.authorize(
        &forfaits_core::control::AuthorizeRequest {
            uniqueid: uniqueid.into(),
            code: "8589669".into(),
            asked: asked.into(),
        },
        at,
    )
    .unwrap()
}

fn terminer(svc: &mut forfaits_core::control::Service, uniqueid: &str, billsec: i64, at: i64) {
    let f = svc
        .finish(
            &forfaits_core::control::FinishRequest {
                uniqueid: uniqueid.into(),
                billsec,
                disposition: "ANSWERED".into(),
            },
            at,
        )
        .unwrap();
    assert!(
        matches!(f, forfaits_core::control::Finished::Billed { .. }),
        "{f:?}"
    );
}

/// `dd/mm/yyyy HH:MM` of a UTC second, in the window's local time.
fn local_day(at: i64) -> String {
    use chrono::TimeZone;
    chrono::Local
        .timestamp_opt(at, 0)
        .unwrap()
        .format("%d/%m/%Y")
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn call_history_says_why_a_call_was_refused_and_which_call_is_in_progress() {
    let s = session().await;
    lotfi_with_2_000(&s.db);
    let now = forfaits_core::store::now();
    let mut svc = forfaits_core::control::Service::open(&s.db).unwrap();
    let granted = autoriser(&mut svc, "e2e.1", "2", now - 60);
    assert_eq!(granted.code(), "ok", "{}", granted.message);
    assert_eq!(
        autoriser(&mut svc, "e2e.2", "0021627468145", now - 30).code(),
        "solde_insuffisant"
    );
    assert_eq!(autoriser(&mut svc, "e2e.3", "9", now).code(), "touche_vide");

    s.search("Lotfi").await;
    s.row_action("Lotfi Ben Ali", "Télécharger historique des appels")
        .await;
    s.w.wait_text("#panneau .list-foot", "Aucun appel sur cette période.")
        .await;
    // The requests' tab says, without being opened, that calls were refused and one is going on.
    let tab = s.w.wait_text("#onglet-demandes", "2 refusées").await;
    assert!(tab.contains("1 en cours"), "{tab}");
    s.w.click("#onglet-demandes").await;
    s.w.wait_text(
        "#onglet-demandes-vue .list-foot",
        "3 demandes · 2 refusées · 1 en cours",
    )
    .await;
    let rows = s.w.texts("#table-demandes tbody tr").await;
    assert_eq!(rows.len(), 3, "{rows:?}");
    let mut cells = Vec::new();
    for i in 1..=3 {
        let css = format!("#table-demandes tbody tr:nth-child({i}) td");
        cells.push(s.w.texts(&css).await);
    }
    let (newest, refused, granted) = (&cells[0], &cells[1], &cells[2]);
    assert_eq!(
        newest[1..4],
        ["Touche 9", "", "Refusé : touche sans numéro"],
        "{newest:?}"
    );
    assert_eq!(
        refused[1..4],
        [
            "0021627468145",
            "+21627468145",
            "Refusé : solde insuffisant"
        ],
        "{refused:?}"
    );
    assert_eq!(
        granted[1..6],
        [
            "Touche 2",
            "+21627468145",
            "Autorisé : 11 min 06 s accordées",
            "1,998",
            "Appel en cours"
        ],
        "{granted:?}"
    );
    let date = &granted[0];
    assert!(date.starts_with(&local_day(now - 60)), "{date}");
    assert_eq!(date.len(), "dd/mm/yyyy HH:MM".len(), "{date}");
    s.w.shot("32-historique-demandes-d-appel").await;

    // The period filters the requests like the calls.
    let tomorrow = local_day(now + 86_400);
    s.w.fill(&champ("depuis"), &tomorrow).await;
    s.w.keys(&champ("depuis"), "\u{E004}").await;
    s.w.wait_text(
        "#onglet-demandes-vue .list-foot",
        "Aucune demande d'appel sur cette période.",
    )
    .await;
    assert!(s.w.texts("#table-demandes tbody tr").await.is_empty());
    wait_for(
        10,
        "the tab no longer counts refusals outside the period",
        || async { (s.w.text("#onglet-demandes").await == "Demandes d'appel 0").then_some(()) },
    )
    .await;

    // Hung up after 100 s: the call is billed, the request says so, the call is listed.
    terminer(&mut svc, "e2e.1", 100, now);
    s.w.fill(&champ("depuis"), &local_day(now - 86_400)).await;
    s.w.keys(&champ("depuis"), "\u{E004}").await;
    s.w.wait_text("#table-demandes", "Terminé, facturé").await;
    s.w.wait_text("#onglet-demandes", "3").await;
    let tab = s.w.text("#onglet-demandes").await;
    assert_eq!(
        tab, "Demandes d'appel 32 refusées",
        "no call in progress any more"
    );
    s.w.click("#onglet-appels").await;
    s.w.wait_text("#panneau .list-foot", "1 appel").await;
    s.w.wait_text("#table-historique", "0,306").await;
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn gestion_de_solde_shows_what_a_call_in_progress_holds_and_warns_a_debit() {
    let s = session().await;
    lotfi_with_2_000(&s.db);
    let now = forfaits_core::store::now();
    let mut svc = forfaits_core::control::Service::open(&s.db).unwrap();
    assert_eq!(autoriser(&mut svc, "s.1", "2", now).code(), "ok");

    s.search("Lotfi").await;
    s.row_action("Lotfi Ben Ali", "Gestion de solde").await;
    s.w.wait_text(".big-balance", "2,000").await;
    s.w.wait_text(
        "#solde-reserve",
        "dont 1,998\u{a0}TND réservés pour un appel en cours",
    )
    .await;
    s.w.js("const s = document.querySelector(\"[data-champ='type']\"); s.value = 'debit'; s.dispatchEvent(new Event('change'));", vec![]).await;
    s.w.fill(&champ("montant"), "1").await;
    let warning =
        s.w.wait_text("#avertissement-reserve", "ne couvre plus")
            .await;
    assert!(
        warning.contains("(1,000\u{a0}TND)") && warning.contains("1,998\u{a0}TND réservés"),
        "{warning}"
    );
    s.w.shot("33-gestion-de-solde-reserve").await;
    // A small debit that leaves enough says nothing.
    s.w.fill(&champ("montant"), "0,001").await;
    s.w.wait_text("#panneau button.primary", "→ solde 1,999")
        .await;
    assert_eq!(s.w.text("#avertissement-reserve").await, "");
    // The rule is unchanged: the debit that eats into the hold is saved, and the hold stays said.
    s.w.fill(&champ("montant"), "1").await;
    s.w.wait_text("#avertissement-reserve", "ne couvre plus")
        .await;
    s.w.fill(&champ("motif"), "Achat cantine").await;
    s.w.keys(&champ("motif"), "\u{E007}").await;
    s.w.wait_text(".big-balance", "1,000").await;
    s.w.wait_text("#solde-reserve", "dont 1,998").await;
    s.w.keys("#panneau", "\u{E00C}").await;
    s.w.wait_gone("#panneau").await;

    // The call ends: nothing is held any more.
    terminer(&mut svc, "s.1", 10, now + 20);
    s.row_action("Lotfi Ben Ali", "Gestion de solde").await;
    s.w.wait_text(".mini-grid tbody", "Appel").await;
    assert_eq!(s.w.text("#solde-reserve").await, "");
    assert!(s.w.texts("#avertissement-reserve").await.len() == 1);
    let hidden =
        s.w.js(
            "return document.querySelector('#avertissement-reserve').hidden",
            vec![],
        )
        .await;
    assert_eq!(hidden, serde_json::json!(true));
    s.close().await;
}

/// `forfaits --db DB agi` with no `--listen`: it listens where Paramètres says.
fn start_service(db: &Path, addr: &str) -> std::process::Child {
    let child = std::process::Command::new(bin())
        .args(["--db", db.to_str().unwrap(), "agi"])
        .env_remove("FORFAITS_DB")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "the service does not listen on {addr}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child
}

fn saved_settings(db: &Path) -> forfaits_core::store::Settings {
    forfaits_core::Store::open(db).unwrap().settings().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn parametres_check_the_call_control_fields_and_tell_when_the_service_answers() {
    let s = session().await;
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    s.w.click(".tab[data-vue=parametres]").await;
    s.w.wait_text(
        "#parametres-controle-appel legend",
        "Contrôle d'appel (Asterisk)",
    )
    .await;
    let script = "return document.querySelector(\"[data-champ='adresse_service']\").value";
    assert_eq!(
        s.w.js(script, vec![]).await,
        serde_json::json!("127.0.0.1:4573")
    );
    // The longest call is a call rule: it moved to Règles d'appel (their own story).
    s.w.wait_text(
        "#parametres-controle-appel",
        "se règlent dans Règles d'appel",
    )
    .await;

    // Bad input: the error under its field, nothing saved.
    s.w.fill(&champ("adresse_service"), "asterisk:4573").await;
    s.w.click_text("#vue-parametres button", "Enregistrer les paramètres")
        .await;
    let errors =
        s.w.wait_text(
            "#parametres-controle-appel .field-error",
            "Adresse du service invalide (reçu : asterisk:4573)",
        )
        .await;
    assert_eq!(
        s.w.texts("#parametres-controle-appel .field-error")
            .await
            .len(),
        1,
        "{errors}"
    );
    let st = saved_settings(&s.db);
    assert_eq!(
        (st.agi_address.as_str(), st.max_call_minutes),
        ("127.0.0.1:4573", 60)
    );
    // Checking a bad address says so under the field too.
    s.w.click("#btn-verifier-service").await;
    s.w.wait_text(
        "#parametres-controle-appel .field-error",
        "Adresse du service invalide",
    )
    .await;

    // A free port: nobody answers there.
    s.w.fill(&champ("adresse_service"), &addr).await;
    s.w.click("#btn-verifier-service").await;
    s.w.wait_text(
        "#etat-service",
        &format!("Aucun service ne répond sur {addr}"),
    )
    .await;
    assert_eq!(
        s.w.text(".field:has([data-champ='adresse_service']) .field-error")
            .await,
        "",
        "a good address clears its error"
    );
    s.w.click_text("#vue-parametres button", "Enregistrer les paramètres")
        .await;
    s.w.wait_text("#toasts", "Paramètres enregistrés").await;
    let st = saved_settings(&s.db);
    assert_eq!(
        (st.agi_address.as_str(), st.max_call_minutes),
        (addr.as_str(), 60),
        "the settings' save leaves the call rules as they were"
    );
    s.w.wait_text(
        "#etat-service",
        &format!("Aucun service ne répond sur {addr}"),
    )
    .await;
    assert_eq!(service_state(&s.w).await, "service-state off");

    // The service started without --listen listens where the window said: it answers.
    let mut service = start_service(&s.db, &addr);
    s.w.click("#btn-verifier-service").await;
    s.w.wait_text(
        "#etat-service",
        &format!("Service en marche (Forfaits {})", env!("CARGO_PKG_VERSION")),
    )
    .await;
    assert_eq!(service_state(&s.w).await, "service-state on");
    s.w.shot_from(
        "#parametres-controle-appel",
        "34-parametres-controle-d-appel",
    )
    .await;
    let _ = service.kill();
    let _ = service.wait();
    s.w.click("#btn-verifier-service").await;
    s.w.wait_text("#etat-service", "Aucun service ne répond")
        .await;
    s.close().await;
}

/// Error shown under the field `key`.
fn error_under(key: &str) -> String {
    format!(".field:has([data-champ='{key}']) .field-error")
}

#[tokio::test(flavor = "multi_thread")]
async fn regles_d_appel_draw_the_week_as_typed_and_a_broken_schedule_saves_nothing() {
    let s = session().await;
    s.w.click(".tab[data-vue=parametres]").await;
    s.w.wait_text("#regles-appel h3", "Règles d'appel").await;
    // The ceiling in the hint is the core's, sent with the settings.
    s.w.wait_text(
        &format!(".field:has({})", champ("duree_max_appel")),
        "De 1 à 1440 ;",
    )
    .await;
    // Nothing restricted yet: every day open all day.
    s.w.wait_text("#horaires-canonique", "Lu comme : toujours")
        .await;
    assert_eq!(
        s.w.texts("#semaine-horaires .week-text").await,
        vec!["toute la journée"; 7]
    );
    assert_eq!(
        s.w.texts("#semaine-horaires .week-day").await,
        ["lun", "mar", "mer", "jeu", "ven", "sam", "dim"]
    );

    // The week follows the text as it is typed.
    s.w.fill(
        &champ("horaires"),
        "lun-ven 08:00-12:00,14:00-18:00; sam 09:00-12:00",
    )
    .await;
    s.w.wait_text(
        "#semaine-horaires [data-jour=lun] .week-text",
        "08:00-12:00, 14:00-18:00",
    )
    .await;
    assert_eq!(
        s.w.text("#semaine-horaires [data-jour=dim] .week-text")
            .await,
        "aucun appel"
    );
    assert_eq!(
        s.w.text("#semaine-horaires [data-jour=sam] .week-text")
            .await,
        "09:00-12:00"
    );
    // Drawn on a 24 h bar: 08:00 is a third of the day, 12:00 to 14:00 stays empty.
    let bars = s
        .w
        .js(
            "return Array.from(document.querySelectorAll('#semaine-horaires [data-jour=lun] .week-range')).map(r => [r.style.left, r.style.width])",
            vec![],
        )
        .await;
    let bars: Vec<(String, String)> = serde_json::from_value(bars).unwrap();
    assert_eq!(bars.len(), 2, "{bars:?}");
    assert!(bars[0].0.starts_with("33.33"), "{bars:?}");
    assert!(bars[1].0.starts_with("58.33"), "{bars:?}");
    s.w.wait_text(
        "#horaires-canonique",
        "Lu comme : lun-ven 08:00-12:00,14:00-18:00; sam 09:00-12:00",
    )
    .await;
    s.w.shot_from("#regles-appel", "35-regles-d-appel").await;

    // A wrong day is said under the field, pointing at it; the week drawn stays the last good
    // one, dimmed; saving writes nothing.
    s.w.fill(&champ("horaires"), "lundi 08:00-12:00").await;
    s.w.wait_text(
        &error_under("horaires"),
        "Jour inconnu « lundi » : écrivez lun, mar, mer, jeu, ven, sam ou dim",
    )
    .await;
    s.w.wait_text("#horaires-canonique", "ne se lit pas").await;
    let script = "return document.querySelector('#semaine-horaires').classList.contains('stale')";
    assert_eq!(s.w.js(script, vec![]).await, true);
    s.w.fill(&champ("appels_par_jour"), "3").await;
    // Letters cannot even be typed as minutes.
    s.w.fill(&champ("duree_max_appel"), "2x0").await;
    let script = "return document.querySelector(\"[data-champ='duree_max_appel']\").value";
    assert_eq!(s.w.js(script, vec![]).await, serde_json::json!("20"));
    s.w.keys(&champ("appels_par_jour"), &ENTER.to_string())
        .await; // Enter saves: refused
    s.w.wait_text(&error_under("horaires"), "Jour inconnu « lundi »")
        .await;
    assert_eq!(
        focused_champ(&s.w).await,
        "horaires",
        "the focus goes to the field in error"
    );
    s.w.shot_from("#regles-appel", "36-regles-d-appel-erreur")
        .await;
    let st = saved_settings(&s.db);
    assert!(st.call_hours.is_always(), "nothing saved");
    assert_eq!((st.max_call_minutes, st.calls_per_day), (60, None));

    // Each error under its own field, at once.
    s.w.fill(&champ("duree_max_appel"), "0").await;
    s.w.keys(&champ("duree_max_appel"), &ENTER.to_string())
        .await;
    s.w.wait_text(&error_under("duree_max_appel"), "va de 1 à 1440")
        .await;
    s.w.wait_text(&error_under("horaires"), "Jour inconnu")
        .await;

    // Fixed: saved as the canonical text, and shown so.
    s.w.fill(&champ("horaires"), "sam 09:00-12:00 ; lun-ven 8:00-12:00")
        .await;
    s.w.fill(&champ("duree_max_appel"), "20").await;
    s.w.keys(&champ("duree_max_appel"), &ENTER.to_string())
        .await;
    s.w.wait_text("#toasts", "Règles d'appel enregistrées")
        .await;
    let st = saved_settings(&s.db);
    assert_eq!(
        st.call_hours.to_string(),
        "lun-ven 08:00-12:00; sam 09:00-12:00"
    );
    assert_eq!((st.max_call_minutes, st.calls_per_day), (20, Some(3)));
    let script = "return document.querySelector(\"[data-champ='horaires']\").value";
    assert_eq!(
        s.w.js(script, vec![]).await,
        serde_json::json!("lun-ven 08:00-12:00; sam 09:00-12:00")
    );
    assert!(s.w.texts(".field-error").await.iter().all(|e| e.is_empty()));
    s.close().await;
}

/// `data-champ` of the focused element.
async fn focused_champ(w: &Win) -> String {
    let script = "return document.activeElement ? (document.activeElement.getAttribute('data-champ') || '') : ''";
    w.js_text(script, vec![]).await
}

fn numbers_json(db: &Path) -> Vec<serde_json::Value> {
    let o = forfaits(db, &["numbers", "list", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn numeros_block_after_naming_the_holders_privilege_search_and_remove() {
    let s = session().await;
    s.w.click(".tab[data-vue=numeros]").await;
    s.w.wait_text("#table-interdits", "Aucun numéro interdit")
        .await;
    s.w.wait_text("#table-privilegies", "Aucun numéro privilégié")
        .await;

    // A typo is said in the form; nothing written.
    s.w.click("#btn-interdire").await;
    s.w.wait_text("#modale h2", "Interdire un numéro").await;
    s.w.fill(&champ("numero"), "abc").await;
    s.w.fill(&champ("raison"), "x").await;
    s.w.keys(&champ("raison"), &ENTER.to_string()).await;
    s.w.wait_text("#modale .form-error", "Numéro ou préfixe invalide « abc »")
        .await;

    // A prefix two accounts hold: the window names them and asks, on Annuler.
    s.w.fill(&champ("numero"), "+216236*").await;
    s.w.fill(&champ("raison"), "Réseau d'un complice").await;
    s.w.keys(&champ("raison"), &ENTER.to_string()).await;
    let question =
        s.w.wait_text("#confirmation", "2 comptes portent ce numéro :")
            .await;
    assert!(
        question.contains(
            "Hélène Haddad (10000000063352), touche 6 ; Nour Jebali (10000000087109), touche 2"
        ),
        "{question}"
    );
    assert_eq!(
        s.w.text("#titre-confirmation").await,
        "Interdire +216236* ?"
    );
    assert_eq!(focused(&s.w).await, "btn-confirmation-annuler");
    s.w.shot("37-numeros-titulaires").await;
    press(&s.w, ENTER).await; // Enter on Annuler: nothing blocked
    s.w.wait_gone("#confirmation").await;
    assert!(numbers_json(&s.db).is_empty(), "nothing blocked");
    assert_eq!(
        s.w.js("return document.querySelector('#modale').hidden", vec![])
            .await,
        false,
        "the form stays open"
    );
    // Asked again, confirmed: blocked with force.
    s.w.click("#btn-numero-enregistrer").await;
    s.w.wait_text("#confirmation", "2 comptes portent ce numéro")
        .await;
    s.w.click("#btn-confirmation-ok").await;
    s.w.wait_text("#toasts", "Numéro +216236* interdit").await;
    s.w.wait_gone("#modale").await;
    s.w.wait_text(
        "#table-interdits [data-motif='+216236*']",
        "Réseau d'un complice",
    )
    .await;

    // Nobody holds this one: blocked at once.
    s.w.click("#btn-interdire").await;
    s.w.fill(&champ("numero"), "+2168*").await;
    s.w.fill(&champ("raison"), "Numéros surtaxés").await;
    s.w.keys(&champ("raison"), &ENTER.to_string()).await;
    s.w.wait_text("#toasts", "Numéro +2168* interdit").await;
    s.w.wait_text("#compte-interdits", "2 numéros").await;
    let cells = s.w.texts("#table-interdits [data-motif='+2168*'] td").await;
    assert_eq!(cells[0], "+2168*");
    assert_eq!(cells[1], "Numéros surtaxés");
    assert!(!cells[2].is_empty(), "who: {cells:?}");
    assert_eq!(cells[3].len(), 16, "when, dd/mm/yyyy HH:MM: {cells:?}");

    // A privileged number, free.
    s.w.click("#btn-privilegier").await;
    s.w.wait_text("#modale h2", "Ajouter un numéro privilégié")
        .await;
    s.w.fill(&champ("numero"), "71 000 111").await;
    s.w.fill(&champ("libelle"), "Avocat Me Trabelsi").await;
    s.w.click(&champ("gratuit")).await;
    s.w.keys(&champ("libelle"), &ENTER.to_string()).await;
    s.w.wait_text(
        "#toasts",
        "Numéro +21671000111 privilégié (Avocat Me Trabelsi)",
    )
    .await;
    let row =
        s.w.wait_text(
            "#table-privilegies [data-numero='+21671000111']",
            "Gratuits",
        )
        .await;
    assert!(row.contains("Avocat Me Trabelsi"), "{row}");

    // One search box filters both lists.
    s.w.fill("#filtre-numeros", "avocat").await;
    s.w.wait_text(
        "#table-interdits",
        "Aucun numéro interdit ne correspond à « avocat ».",
    )
    .await;
    assert_eq!(s.w.text("#compte-interdits").await, "0 sur 2 numéros");
    assert_eq!(
        s.w.texts("#table-privilegies tbody tr[data-numero]")
            .await
            .len(),
        1
    );
    s.w.fill("#filtre-numeros", "surtax").await;
    s.w.wait_text("#compte-interdits", "1 sur 2 numéros").await;
    assert_eq!(
        s.w.texts("#table-interdits tbody tr[data-motif]")
            .await
            .len(),
        1
    );
    s.w.wait_text(
        "#table-privilegies",
        "Aucun numéro privilégié ne correspond à « surtax ».",
    )
    .await;
    s.w.fill("#filtre-numeros", "216 23").await;
    s.w.wait_text("#compte-interdits", "1 sur 2 numéros").await;
    assert_eq!(
        s.w.texts("#table-interdits tbody tr[data-motif] td:first-child")
            .await,
        ["+216236*"],
        "a number typed with spaces finds it"
    );
    s.w.keys("#filtre-numeros", &ESCAPE.to_string()).await; // Esc clears the search
    s.w.wait_text("#compte-interdits", "2 numéros").await;
    s.w.shot("38-numeros").await;

    // Removing asks first, on Annuler.
    s.w.click("button[aria-label='Retirer l\\'interdiction de +2168*']")
        .await;
    s.w.wait_text("#confirmation", "Interdit pour : Numéros surtaxés")
        .await;
    assert_eq!(focused(&s.w).await, "btn-confirmation-annuler");
    press(&s.w, ENTER).await;
    s.w.wait_gone("#confirmation").await;
    assert_eq!(numbers_json(&s.db).len(), 3, "nothing removed");
    s.w.click("button[aria-label='Retirer l\\'interdiction de +2168*']")
        .await;
    s.w.wait_text("#confirmation", "Interdit pour").await;
    s.w.click("#btn-confirmation-ok").await;
    s.w.wait_text("#toasts", "Numéro +2168* de nouveau autorisé")
        .await;
    s.w.wait_text("#compte-interdits", "1 numéro").await;
    s.w.click("button[aria-label='Retirer +21671000111 des numéros privilégiés']")
        .await;
    s.w.wait_text("#confirmation", "Avocat Me Trabelsi").await;
    assert_eq!(focused(&s.w).await, "btn-confirmation-annuler");
    s.w.click("#btn-confirmation-ok").await;
    s.w.wait_text("#table-privilegies", "Aucun numéro privilégié")
        .await;
    let left = numbers_json(&s.db);
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].to_string().contains("+216236*"), "{left:?}");
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn account_rules_limits_suspension_shown_in_the_table_then_lifted() {
    let s = session().await;
    for args in [
        &["rules", "--max-call", "45", "--calls-per-day", "5"][..],
        &[
            "numbers",
            "block",
            "+21671999999",
            "--reason",
            "Plainte de la victime",
        ],
    ] {
        let o = forfaits(&s.db, args);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let lotfi = || {
        forfaits_core::Store::open(&s.db)
            .unwrap()
            .account_by_matricule("10000000000000")
            .unwrap()
    };
    s.search("Lotfi").await;
    let before = s.w.text("tbody tr[data-id] .badge").await;
    s.row_action("Lotfi Ben Ali", "Modifier").await;
    s.w.wait_text("#panneau legend", "Règles").await;
    // Empty: the site's values, shown as placeholders.
    let placeholders = wait_for(10, "les valeurs du site", || async {
        let v = s
            .w
            .js(
                "return [\"duree_max_appel\", \"appels_par_jour\"].map(k => document.querySelector(`#panneau [data-champ='${k}']`).placeholder)",
                vec![],
            )
            .await;
        (v[0] != "").then_some(v)
    })
    .await;
    assert_eq!(
        placeholders,
        serde_json::json!(["45 (celle du site)", "5 (ceux du site)"])
    );

    // A key set to a blocked number: the core's error under that key, as soon as it is left.
    s.w.fill(&champ("touche5"), "71 999 999").await;
    press(&s.w, TAB).await;
    s.w.wait_text(
        &error_under("touche5"),
        "Le numéro +21671999999 est interdit (règle « +21671999999 » : Plainte de la victime)",
    )
    .await;
    s.w.clear(&champ("touche5")).await;

    // Limits: a refused value is said under its field and nothing is saved.
    s.w.fill(&champ("duree_max_appel"), "15").await;
    s.w.fill(&champ("appels_par_jour"), "0").await;
    s.w.keys(&champ("appels_par_jour"), &ENTER.to_string())
        .await;
    s.w.wait_text(&error_under("appels_par_jour"), "suspendez le compte")
        .await;
    let a = lotfi();
    assert_eq!((a.max_call_minutes, a.calls_per_day), (None, None));
    s.w.fill(&champ("appels_par_jour"), "2").await;
    s.w.keys(&champ("appels_par_jour"), &ENTER.to_string())
        .await;
    s.w.wait_text("#toasts", "Modifications enregistrées").await;
    s.w.wait_gone("#panneau").await;
    let a = lotfi();
    assert_eq!((a.max_call_minutes, a.calls_per_day), (Some(15), Some(2)));
    assert_eq!(a.phones[4], None, "the key left empty");

    // Suspension: the reason is required; Enter in its fields suspends.
    s.row_action("Lotfi Ben Ali", "Modifier").await;
    s.w.wait_text("#panneau legend", "Règles").await;
    let script = "return [\"duree_max_appel\", \"appels_par_jour\"].map(k => document.querySelector(`#panneau [data-champ='${k}']`).value)";
    assert_eq!(s.w.js(script, vec![]).await, serde_json::json!(["15", "2"]));
    s.w.js(
        "const d = document.querySelector(\"[data-champ='suspendu_jusqu_au']\"); d.value = '2099-12-12'; d.dispatchEvent(new Event('input', { bubbles: true }));",
        vec![],
    )
    .await;
    s.w.click("#btn-suspendre").await;
    s.w.wait_text(
        &error_under("motif_suspension"),
        "Le motif de la suspension est obligatoire",
    )
    .await;
    assert_eq!(lotfi().suspended_until, None);
    s.w.shot_from("#regles-compte", "39-regles-du-compte-suspendre")
        .await;
    s.w.fill(&champ("motif_suspension"), "discipline").await;
    s.w.keys(&champ("motif_suspension"), &ENTER.to_string())
        .await;
    s.w.wait_text(
        "#suspension-en-cours",
        "Suspendu jusqu'au 12/12/2099 (discipline)",
    )
    .await;
    s.w.wait_text(
        "#toasts",
        "Appels de Lotfi Ben Ali suspendus jusqu'au 12/12/2099",
    )
    .await;
    assert_eq!(
        s.w.text("#etat-general-formulaire").await,
        "Suspendu jusqu'au 12/12/2099"
    );
    // The focus is on the line that says it, not on *Lever*: Enter pressed twice does not lift
    // the suspension just made.
    assert_eq!(focused(&s.w).await, "suspension-en-cours");
    press(&s.w, ENTER).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    s.w.shot_from("#regles-compte", "40-regles-du-compte-suspendu")
        .await;
    assert!(s
        .w
        .text("#toasts")
        .await
        .contains("suspendus jusqu'au 12/12/2099"));
    assert!(!s.w.text("#toasts").await.contains("Suspension levée"));
    assert_eq!(
        lotfi().suspended_until,
        chrono::NaiveDate::from_ymd_opt(2099, 12, 12)
    );

    // Closed: nothing left unsaved, so Esc closes at once; the table shows the badge.
    press(&s.w, ESCAPE).await;
    s.w.wait_gone("#panneau").await;
    s.w.wait_text(
        "tbody tr[data-id] .badge-suspendu",
        "Suspendu jusqu'au 12/12/2099",
    )
    .await;
    let colours = s
        .w
        .js(
            "const b = document.querySelector('tbody tr[data-id] .badge'); const cs = getComputedStyle(b); return [cs.backgroundColor, cs.color, b.getBoundingClientRect().right <= b.parentElement.getBoundingClientRect().right];",
            vec![],
        )
        .await;
    assert_eq!(
        colours,
        serde_json::json!(["rgb(156, 66, 33)", "rgb(255, 255, 255)", true]),
        "its own colour, whole in its cell"
    );
    s.w.shot("41-badge-suspendu").await;
    let o = forfaits(&s.db, &["search", "10000000000000", "--json"]);
    assert!(
        stdout(&o).contains("Suspendu jusqu'au 12/12/2099"),
        "{} {}",
        stdout(&o),
        stderr(&o)
    );

    // Lifted from the form: the table shows the state from before.
    s.row_action("Lotfi Ben Ali", "Modifier").await;
    s.w.click("#btn-lever-suspension").await;
    s.w.wait_text(
        "#toasts",
        "Suspension levée : Lotfi Ben Ali peut de nouveau appeler",
    )
    .await;
    assert_eq!(focused_champ(&s.w).await, "suspendu_jusqu_au");
    assert_eq!(lotfi().suspended_until, None);
    press(&s.w, ESCAPE).await;
    s.w.wait_gone("#panneau").await;
    s.w.wait_text("tbody tr[data-id] .badge", &before).await;
    assert!(s
        .w
        .texts("tbody tr[data-id] .badge-suspendu")
        .await
        .is_empty());
    s.close().await;
}

// ---------------------------------------------------------------------------------------------
// Office documents (SPEC §14): the print dialog, Excel files both ways, names in Arabic.

const ARABIC: &str = "محمد بن علي";
const ARABIC_MATRICULE: &str = "20000000000001";

/// An account with an Arabic name, a number on key 1 and a credit with its reason, added with
/// the command line while the window is open.
fn add_arabic_account(s: &Session) {
    let csv = s.dir.join("arabe.csv");
    std::fs::write(
        &csv,
        format!("{ARABIC};{ARABIC_MATRICULE};2000001;+21698111222\n"),
    )
    .unwrap();
    for args in [
        vec!["import", csv.to_str().unwrap()],
        vec![
            "balance",
            ARABIC_MATRICULE,
            "credit",
            "12,500",
            "--reason",
            "Dépôt famille",
        ],
    ] {
        let o = forfaits(&s.db, &args);
        assert!(o.status.success(), "{}", stderr(&o));
    }
}

/// Text as read back from a PDF or the page, comparable: Arabic presentation forms and
/// ligatures folded (NFKC), bidi controls dropped, every run of spaces made one space.
fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let folded: String = text
        .nfkc()
        .filter(|c| !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of a PDF file, laid out as printed (`pdftotext -layout`) and folded.
fn pdf_text(pdf: &Path) -> String {
    let o = std::process::Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    fold(&String::from_utf8_lossy(&o.stdout))
}

/// Waits for the window to print (the seam writes the PDF when the print is finished).
async fn printed_text(s: &Session) -> String {
    wait_for(30, "la fiche imprimée par la fenêtre", || async {
        s.printed.is_file().then(|| pdf_text(&s.printed))
    })
    .await
}

/// Each of `pieces` found in `text`, one after the other (the order of the sheet).
fn assert_in_order(text: &str, pieces: &[String]) {
    let mut at = 0;
    for p in pieces.iter().filter(|p| !p.is_empty()) {
        let p = fold(p);
        match text[at..].find(&p) {
            Some(i) => at += i + p.len(),
            None => panic!("« {p} » n'est pas imprimé à sa place (après l'octet {at}) :\n{text}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn imprimer_opens_the_print_dialog_on_the_account_sheet_and_offers_the_pdf() {
    let s = session().await;
    add_arabic_account(&s);
    s.search(ARABIC_MATRICULE).await;
    assert_eq!(s.names().await, [ARABIC]);
    // The name cell takes the direction of its text: an Arabic name reads right to left.
    let direction = "const td = document.querySelector('tbody tr[data-id] td.sticky'); return [td.getAttribute('dir'), getComputedStyle(td).direction];";
    let cell = s.w.js(direction, vec![]).await;
    assert_eq!(cell, serde_json::json!(["auto", "rtl"]));

    assert!(!s.printed.exists());
    s.row_action(ARABIC, "Imprimer").await;
    s.w.wait_text("#modale .sheet", ARABIC_MATRICULE).await;
    // The print dialog opened at once, on the sheet alone: what came out of the webview's print.
    let printed = printed_text(&s).await;
    s.w.shot("42-fiche-imprimer").await;
    let info = std::process::Command::new("pdfinfo")
        .arg(&s.printed)
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("Pages:           1"), "{info}");
    assert!(info.contains("(A4)"), "{info}");
    for elsewhere in [
        "Ajouter plusieurs utilisateurs",
        "Enregistrer en PDF",
        "Utilisateurs",
        "utilisateur trouvé",
    ] {
        assert!(
            !printed.contains(elsewhere),
            "the window's « {elsewhere} » was printed:\n{printed}"
        );
    }

    // The same text as the PDF's, section by section, in the PDF's order.
    let id =
        s.w.js(
            "return Number(document.querySelector('tbody tr[data-id]').dataset.id)",
            vec![],
        )
        .await;
    let sheet =
        s.w.js_async(
                "const done = arguments[1]; window.__TAURI__.core.invoke('fiche_compte', { id: arguments[0] }).then(done, (e) => done({ erreur: e }));",
                vec![id],
            )
            .await;
    let str_of = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    let mut expected = vec![str_of(&sheet["titre"]), str_of(&sheet["sous_titre"])];
    for section in sheet["sections"].as_array().expect("sections") {
        expected.push(str_of(&section["titre"]));
        for row in section["lignes"].as_array().unwrap() {
            expected.push(str_of(&row["libelle"]));
            expected.push(str_of(&row["valeur"]));
        }
    }
    expected.push(str_of(&sheet["titre_touches"]));
    expected.push(str_of(&sheet["titre_mouvements"]));
    for h in sheet["entetes_mouvements"].as_array().unwrap() {
        expected.push(str_of(h));
    }
    for m in sheet["mouvements"].as_array().unwrap() {
        expected.extend(m.as_array().unwrap().iter().map(str_of));
    }
    expected.push(str_of(&sheet["pied"]));
    assert_in_order(&printed, &expected);
    for k in sheet["touches"].as_array().unwrap() {
        assert!(printed.contains(&str_of(&k["libelle"])), "{printed}");
        assert!(printed.contains(&str_of(&k["numero"])), "{printed}");
    }
    for value in [
        ARABIC,
        ARABIC_MATRICULE,
        "2000001",
        "12,500 TND",
        "+21698111222",
        "Dépôt famille",
        "Touche 10",
    ] {
        assert!(printed.contains(value), "« {value} » absent :\n{printed}");
    }
    // In the page, the name keeps its own direction too.
    let name = s
        .w
        .js(
            "const dd = Array.from(document.querySelectorAll('#fiche-impression .sheet-row dd')).find(d => d.textContent === arguments[0]); return dd ? [dd.getAttribute('dir'), getComputedStyle(dd).direction] : null;",
            vec![ARABIC.into()],
        )
        .await;
    assert_eq!(name, serde_json::json!(["auto", "rtl"]));

    // « Imprimer… » in the dialog prints again.
    std::fs::remove_file(&s.printed).unwrap();
    s.w.click("#btn-fiche-imprimer").await;
    assert!(printed_text(&s).await.contains(ARABIC_MATRICULE));

    // « Enregistrer en PDF » beside it: the PDF of the same sheet, opened in the viewer.
    s.w.click("#btn-fiche-pdf").await;
    s.w.wait_text("#toasts", "enregistrée en PDF et ouverte")
        .await;
    s.w.wait_gone("#modale").await;
    let pdf =
        s.w.js("return document.body.dataset.derniereFiche", vec![])
            .await;
    let pdf = PathBuf::from(pdf.as_str().unwrap());
    assert_eq!(
        pdf,
        s.dir
            .join("fiches")
            .join(format!("fiche-{ARABIC_MATRICULE}.pdf"))
    );
    let text = pdf_text(&pdf);
    assert!(
        text.contains(ARABIC) && text.contains("12,500 TND"),
        "{text}"
    );
    assert!(!s.w.text("#toasts").await.contains("police"));

    // A name in a script the PDF's font lacks: saved with « ? », and the clerk is told which.
    let csv = s.dir.join("chinois.csv");
    std::fs::write(&csv, "Wang 王小明;20000000000002;2000002;+21698111223\n").unwrap();
    let o = forfaits(&s.db, &["import", csv.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    s.search("20000000000002").await;
    s.row_action("Wang 王小明", "Imprimer").await;
    s.w.wait_text("#modale .sheet", "20000000000002").await;
    s.w.click("#btn-fiche-pdf").await;
    s.w.wait_text(
        "#toasts",
        "Attention : la police de la fiche n'a pas « 王小明 » ; la fiche porte « ? » à la place.",
    )
    .await;
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn export_to_an_excel_workbook_reads_back_with_text_matricules() {
    use calamine::{Data, Reader};
    let s = session().await;
    let out = s
        .open_export("utilisateurs.xlsx", "Classeur Excel (.xlsx)")
        .await;
    s.w.click("#modale input[value=xlsx]").await;
    // A workbook has columns, not a separator.
    s.w.wait_gone("#export-separateur").await;
    s.w.shot("43-exporter-xlsx").await;
    s.export_all().await;
    // The save dialog offered a workbook.
    assert_eq!(
        s.asked(),
        [
            "Exporter les utilisateurs",
            "utilisateurs.xlsx",
            "Classeur Excel",
            "xlsx"
        ]
    );

    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).expect("un classeur .xlsx");
    let rows = book.worksheet_range_at(0).expect("une feuille").unwrap();
    assert_eq!(rows.height(), 26, "a header and the 25 accounts");
    assert_eq!(
        rows.get((0, 0)),
        Some(&Data::String("Nom utilisateur".into()))
    );
    let header: Vec<String> = rows
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("colonne {name} : {header:?}"))
    };
    let lotfi = rows
        .rows()
        .find(|r| r[0] == Data::String("Lotfi Ben Ali".into()))
        .expect("Lotfi exporté");
    // The matricule stays text (14 digits, never 1,00000E+13); the balance is a number.
    assert_eq!(
        lotfi[col("Matricule")],
        Data::String("10000000000000".into())
    );
    assert_eq!(lotfi[col("Identifiant")], Data::String("8589669".into()));
    assert!(
        matches!(lotfi[col("Solde")], Data::Float(_) | Data::Int(_)),
        "{:?}",
        lotfi[col("Solde")]
    );
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ajouter_plusieurs_utilisateurs_reads_an_excel_workbook() {
    let s = session().await;
    // As Excel keeps it: text cells for codes, a matricule whose leading zero was lost.
    let file = s.dir.join("nouveaux.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let rows: [&[&str]; 3] = [
        &[ARABIC, ARABIC_MATRICULE, "2000001", "+21698111222"],
        &["Ligne Abîmée", "3000000000000", "3000002"],
        &[
            "Leila Nouvelle",
            "30000000000003",
            "3000003",
            "",
            "26111222",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                sheet.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    book.save(&file).unwrap();

    s.w.click("#btn-importer").await;
    s.w.wait_text("#modale", "classeurs Excel (.xlsx)").await;
    s.answer_dialog(&file);
    s.w.click("#modale .dropzone").await;
    s.w.wait_text("#apercu-lues", "3").await;
    // The file dialog lists CSV files and workbooks.
    assert_eq!(s.asked()[3], "csv txt xlsx ods");
    assert_eq!(s.w.text("#apercu-valides").await, "2");
    assert_eq!(s.w.text("#apercu-invalides").await, "1");
    let about = s.w.text("#apercu-fichier").await;
    assert!(
        about.contains("nouveaux.xlsx") && about.contains("première feuille"),
        "{about}"
    );
    s.w.wait_text("#modale .errors", "zéro initial").await;
    s.w.shot("44-apercu-import-xlsx").await;
    s.w.click("#btn-importer-valides").await;
    s.w.wait_text("#toasts", "2 utilisateurs importés").await;
    s.w.wait_text("#statut-comptes", "27 utilisateurs").await;
    s.search(ARABIC_MATRICULE).await;
    assert_eq!(s.names().await, [ARABIC]);

    // The name field of the form reads right to left too.
    s.row_action(ARABIC, "Modifier").await;
    s.w.wait_text("#panneau h2", ARABIC).await;
    let input = s
        .w
        .js(
            "const i = document.querySelector(\"#panneau [data-champ='nom']\"); return [i.value, i.getAttribute('dir'), getComputedStyle(i).direction];",
            vec![],
        )
        .await;
    assert_eq!(input, serde_json::json!([ARABIC, "auto", "rtl"]));
    s.w.shot("45-nom-arabe").await;
    let account = cli_account(&s.db, ARABIC_MATRICULE);
    assert!(account.to_string().contains("+21698111222"), "{account}");
    s.close().await;
}

/// Every row the table shows from top to bottom, scrolled half a view at a time once the rows
/// in view are loaded: (row index, account id) pairs.
async fn rows_top_to_bottom(w: &Win) -> Vec<(String, String)> {
    let script = r#"const done = arguments[0];
        const sc = document.querySelector('#table-comptes .scroller');
        const seen = new Map();
        const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
        (async () => {
          sc.scrollTop = 0;
          for (let step = 0; step < 500; step++) {
            // The table draws in the frame after the scroll: two frames, then its pages.
            await frame();
            await frame();
            for (let t = 0; t < 300 && sc.querySelector('tbody tr.loading'); t++) {
              await new Promise((r) => setTimeout(r, 20));
            }
            for (const tr of sc.querySelectorAll('tbody tr[data-id]')) seen.set(tr.getAttribute('aria-rowindex'), tr.dataset.id);
            if (sc.scrollTop + sc.clientHeight >= sc.scrollHeight - 1) break;
            sc.scrollTop += Math.floor(sc.clientHeight / 2);
          }
          done([...seen.entries()]);
        })().catch((e) => done(String(e)));"#;
    let v = w.js_async(script, vec![]).await;
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{e}: {v}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn an_edit_that_moves_a_row_in_a_long_sorted_table_shows_each_account_once() {
    let s = session().await;
    let lines: String = (0..400u64)
        .map(|i| format!("Compte {i};{};{}\n", 30_000_000_000_000 + i, 3_000_000 + i))
        .collect();
    let file = write_file(&s.dir, "quatre-cents.csv", lines);
    succeeded(forfaits(&s.db, &["import", file.to_str().unwrap()]));
    // The edit below comes a second later than every write before it: it goes last.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    s.w.click("th[data-key=modification] .sort").await;
    s.w.wait_text("#statut-comptes", "425 utilisateurs").await;
    let first = wait_for(10, "la première ligne", || async {
        s.names().await.into_iter().next()
    })
    .await;
    s.row_action(&first, "Modifier").await;
    s.w.wait_text("#panneau h2", "Modifier un utilisateur")
        .await;
    s.w.fill(&champ("nom"), "Compte modifié").await;
    s.w.keys(&champ("nom"), &ENTER.to_string()).await;
    s.w.wait_text("#toasts", "Modifications enregistrées").await;
    s.w.wait_gone("#panneau").await;
    // The edited account went to the end of the order: the rows read page by page meet it once.
    let rows = rows_top_to_bottom(&s.w).await;
    let mut ids: Vec<&String> = rows.iter().map(|(_, id)| id).collect();
    assert_eq!(rows.len(), 425, "every row shown once: {rows:?}");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 425, "no account twice");
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_open_gestion_de_solde_follows_its_rows_switch_and_closes_when_it_is_deleted() {
    let s = session().await;
    s.search_and_act("Zied Zouari", "Gestion de solde").await;
    s.w.wait_text("#panneau h2", "Gestion de solde — Zied Zouari")
        .await;
    // From the keyboard: the wide panel is over the switch's column.
    let switch = "document.querySelector('tbody tr[data-id] button[role=switch]').focus()";
    s.w.js(switch, vec![]).await;
    press(&s.w, SPACE).await;
    s.w.wait_text("#toasts", "Compte de Zied Zouari désactivé")
        .await;
    s.w.wait_text("#panneau .balance-head .badge", "Compte désactivé")
        .await;
    s.delete_from_the_row(
        "Zied Zouari",
        "24 utilisateurs · aucun trouvé pour « Zied Zouari »",
    )
    .await;
    s.w.wait_gone("#panneau").await;
    s.w.wait_text("#toasts", "le compte de Zied Zouari a été supprimé")
        .await;
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_movement_keeps_the_movements_shown_with_afficher_plus() {
    let s = session().await;
    for i in 0..60 {
        succeeded(balance(
            &s.db,
            "10000000007919",
            "credit",
            "1",
            &format!("Recharge {i}"),
        ));
    }
    s.search_and_act("Sami Mansouri", "Gestion de solde").await;
    s.w.wait_text("#panneau .list-foot", "50 sur").await;
    s.w.click_text("#panneau .list-foot button", "Afficher plus")
        .await;
    let shown = wait_for(10, "plus de 50 mouvements", || async {
        let n = s.w.texts("#panneau .mini-grid tbody tr").await.len();
        (n > 50).then_some(n)
    })
    .await;
    s.w.fill(&champ("montant"), "7,000").await;
    s.w.wait_text("#btn-mouvement", "Créditer 7,000").await;
    s.w.keys(&champ("montant"), &ENTER.to_string()).await;
    s.w.wait_text("#panneau .mini-grid tbody tr:first-child", "+7,000")
        .await;
    let rows = s.w.texts("#panneau .mini-grid tbody tr").await;
    assert_eq!(
        rows.len(),
        shown + 1,
        "the rows shown stay, the new one above"
    );
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_import_dialog_opens_with_the_keyboard_on_its_drop_zone() {
    let s = session().await;
    s.w.click("#btn-importer").await;
    s.w.wait_text("#modale", "Champ (2) : Matricule").await;
    let on = "return document.activeElement.classList.contains('dropzone')";
    assert_eq!(s.w.js(on, vec![]).await, true);
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_double_click_on_supprimer_leaves_its_question_open() {
    let s = session().await;
    s.search("Zied Zouari").await;
    double_click(&s.w, "tbody tr[data-id] button[aria-label='Supprimer']").await;
    s.w.wait_text("#confirmation", "Supprimer définitivement ?")
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    let open = "return !document.querySelector('#confirmation').hidden";
    assert_eq!(s.w.js(open, vec![]).await, true, "the question stays");
    assert_eq!(focused(&s.w).await, "btn-confirmation-annuler");
    s.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn esc_in_the_search_closes_the_panel_only_and_a_new_amount_clears_a_refusal() {
    let s = session().await;
    // Esc from the search box with a panel open: the panel closes, the search stays.
    s.search_and_act("Sami Mansouri", "Gestion de solde").await;
    s.w.wait_text("#panneau h2", "Gestion de solde").await;
    s.w.keys("#recherche", "\u{E00C}").await;
    s.w.wait_gone("#panneau").await;
    let kept =
        s.w.js("return document.querySelector('#recherche').value", vec![])
            .await;
    assert_eq!(kept, "Sami Mansouri");
    // The movements name their currency; a refused debit is cleared by the next amount.
    s.row_action("Sami Mansouri", "Gestion de solde").await;
    s.w.wait_text("#panneau thead", "Solde après (TND)").await;
    s.w.js(
        "const k = document.querySelector(\"[data-champ='type'] select, select[data-champ='type']\"); k.value = 'debit'; k.dispatchEvent(new Event('change'));",
        vec![],
    )
    .await;
    s.w.fill(&champ("motif"), "Frais").await;
    s.w.fill(&champ("montant"), "5").await;
    s.w.keys(&champ("montant"), "\u{E007}").await;
    s.w.wait_text("#panneau .form-error", "le rendrait négatif")
        .await;
    s.w.fill(&champ("montant"), "6").await;
    wait_for(10, "le refus effacé", || async {
        s.w.text("#panneau .form-error")
            .await
            .is_empty()
            .then_some(())
    })
    .await;
    // The status bar is as tall at rest as with a job's Annuler in it.
    let height =
        s.w.js(
            "return document.querySelector('.statusbar').offsetHeight",
            vec![],
        )
        .await;
    assert_eq!(height, 29);
    s.close().await;
}
