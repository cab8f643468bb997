//! The window on a site (SPEC §13), driven through tauri-driver on a real site of the
//! throw-away PostgreSQL cluster: a cash-desk clerk signs in, sees who they are in the status
//! line, is offered only what the role may do, credits an account; meanwhile the command line
//! credits the same account as another desk, and the window shows it without restarting.

use crate::site::pg_cluster::{cluster, roles_lock};
use crate::support::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `forfaits --db URL args…`, as a desk of the site.
fn desk(url: &str, args: &[&str]) -> Output {
    Command::new(bin())
        .arg("--db")
        .arg(url)
        .args(args)
        .env_remove("FORFAITS_DB")
        .env_remove("PGPASSWORD")
        .output()
        .expect("le binaire forfaits se lance")
}

/// A new site with the sample accounts, and `user` made in `role`: (admin URL, base name).
fn site_with_user(user: &str, role: &str) -> (String, String) {
    let (admin, name) = cluster().new_db();
    {
        let _g = roles_lock();
        succeeded(desk(&admin, &["site", "init", &admin]));
        succeeded(desk(&admin, &["site", "user", "add", user, "--role", role]));
    }
    let o = desk(
        &admin,
        &["import", fixture("users-sample.csv").to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    (admin, name)
}

fn files_named(dir: &Path, name: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            found.extend(files_named(&p, name));
        } else if p.file_name().is_some_and(|n| n == name) {
            found.push(p);
        }
    }
    found
}

/// The value of each field of the sign-in form, by its data-champ key.
async fn form_value(w: &Win, key: &str) -> String {
    let script = "return document.querySelector(`#connexion [data-champ='${arguments[0]}']`).value";
    w.js_text(script, vec![key.into()]).await
}

async fn visible(w: &Win, css: &str) -> bool {
    let script = "const e = document.querySelector(arguments[0]); return Boolean(e && !e.hidden && e.offsetParent !== null);";
    w.js(script, vec![css.into()]).await.as_bool().unwrap()
}

/// Clicks the button labelled `label` on the table's first row (marked first: the driver
/// cannot select by aria-label inside a row).
async fn click_first_row_action(w: &Win, label: &str) {
    let script = "document.querySelector(`tbody tr[data-id] button[aria-label='${arguments[0]}']`).setAttribute('data-e2e', 'action')";
    w.js(script, vec![label.into()]).await;
    w.click("[data-e2e=action]").await;
    w.js(
        "document.querySelector('[data-e2e=action]')?.removeAttribute('data-e2e')",
        vec![],
    )
    .await;
}

/// The error a command of the window answers when called as the page calls it.
async fn refusal(w: &Win, command: &str, args: serde_json::Value) -> String {
    let v = w
        .c
        .execute_async(
            "const done = arguments[arguments.length - 1]; window.__TAURI__.core.invoke(arguments[0], arguments[1]).then(() => done('accepté'), (e) => done(e.message || String(e)));",
            vec![command.into(), args],
        )
        .await
        .expect("commande appelée");
    v.as_str().unwrap_or_default().to_string()
}

/// The window opened on a site's `url`, at its sign-in screen: its config and data folders in
/// `home`, a session bus without any keyring service, sheets printed to `printed`.
async fn window_on(url: &str, home: &Path, printed: &Path) -> (Win, Desktop, Bus) {
    let bus = Bus::start();
    let desktop = Desktop::start_with_env(&[
        ("XDG_CONFIG_HOME", home.join("config").as_os_str()),
        ("XDG_DATA_HOME", home.join("data").as_os_str()),
        (
            "DBUS_SESSION_BUS_ADDRESS",
            std::ffi::OsStr::new(&bus.address),
        ),
        ("FORFAITS_VISIONNEUSE", std::ffi::OsStr::new("aucune")),
        ("FORFAITS_IMPRESSION", printed.as_os_str()),
    ]);
    // A window that does not start fails the test rather than hanging it.
    let opened = tokio::time::timeout(
        std::time::Duration::from_secs(90),
        desktop.open(Path::new(url)),
    )
    .await;
    let w = Win {
        c: opened.expect("la fenêtre s'ouvre sur l'adresse du site"),
    };
    w.wait_text("#connexion h1", "connexion à la base de site")
        .await;
    (w, desktop, bus)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_window_and_the_command_line_on_one_site() {
    let _guard = E2E_LOCK.lock().await;
    let user = "caisse_fenetre";
    let (admin, name) = site_with_user(user, "caisse");
    let caisse = cluster().url(user, &name);
    let port = cluster().port;
    let m = "10000000007919";
    let count = |sql: &str| cluster().value(&name, sql);

    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config");
    let printed = home.path().join("imprime.pdf");
    // Opened on the site's address without a user: the sign-in screen first, filled from it.
    let url = format!("postgres://127.0.0.1:{port}/{name}");
    let (w, _desktop, bus) = window_on(&url, home.path(), &printed).await;
    assert_eq!(form_value(&w, "serveur").await, "127.0.0.1");
    assert_eq!(form_value(&w, "port").await, port.to_string());
    assert_eq!(form_value(&w, "base").await, name);
    assert_eq!(
        w.text("#statut-comptes").await,
        "",
        "nothing is read before the sign-in"
    );
    w.shot("site-01-connexion").await;

    // A user the server does not know: said in French on the form, still there.
    w.fill(&champ("utilisateur"), "inconnu_fenetre").await;
    w.click("#btn-connexion").await;
    let error = w
        .wait_text(
            "#connexion-erreur",
            "Connexion impossible à la base de site",
        )
        .await;
    assert!(
        error.contains(&format!("inconnu_fenetre@127.0.0.1:{port}/{name}")),
        "{error}"
    );
    assert!(visible(&w, "#connexion form").await);

    // The cash desk signs in, asking to keep the password: no keyring here, said so.
    w.fill(&champ("utilisateur"), user).await;
    w.fill(&champ("mot_de_passe"), "secret-de-caisse").await;
    w.click("#connexion-retenir").await;
    w.click("#btn-connexion").await;
    w.wait_text(
        "#statut-base",
        &format!("{user} · caisse · postgres://127.0.0.1:{port}/{name}"),
    )
    .await;
    w.wait_text("#statut-comptes", "25 utilisateurs").await;
    w.wait_text(
        "#toasts",
        "trousseau de mots de passe du système n'est pas disponible",
    )
    .await;
    assert!(!visible(&w, "#connexion").await);

    // Remembered for the next time: the fields, never the password.
    let remembered = files_named(&config, "connexion-site.json");
    assert_eq!(remembered.len(), 1, "{remembered:?}");
    let text = std::fs::read_to_string(&remembered[0]).unwrap();
    assert!(text.contains(user), "{text}");
    assert!(!text.contains("secret-de-caisse"), "{text}");

    // Only what the cash desk may do is offered.
    for css in [
        "#btn-ajouter",
        "#btn-importer",
        "#btn-exporter",
        ".tab[data-vue='journal']",
        ".tab[data-vue='parametres']",
        ".tab[data-vue='appels']",
        ".tab[data-vue='numeros']",
    ] {
        assert!(!visible(&w, css).await, "{css} is offered to the cash desk");
    }
    let labels = "return Array.from(document.querySelector('tbody tr[data-id] .row-actions').querySelectorAll('button')).map(b => b.getAttribute('aria-label'))";
    let offered = w.js(labels, vec![]).await;
    assert_eq!(
        offered,
        serde_json::json!([
            "Gestion de solde",
            "Imprimer",
            "Télécharger historique des appels"
        ])
    );
    let switch = "return document.querySelector('tbody tr[data-id] button[role=switch]').disabled";
    let switch_disabled = w.js(switch, vec![]).await;
    assert_eq!(switch_disabled, serde_json::json!(true));
    // Enter on a row opens Gestion de solde for the cash desk, and the search's hint says so.
    let hint = w
        .js("return document.querySelector('#recherche').title", vec![])
        .await;
    assert_eq!(
        hint,
        "↓ ↑ : choisir une ligne · Entrée : gérer son solde · Échap : effacer"
    );
    w.shot("site-02-caisse").await;

    // Gestion de solde offers Recharge only; the credit goes through the server's function,
    // signed by the clerk.
    w.fill("#recherche", "Sami Mansouri").await;
    w.wait_text("#statut-comptes", "« Sami Mansouri »").await;
    click_first_row_action(&w, "Gestion de solde").await;
    w.wait_text("#panneau h2", "Gestion de solde").await;
    let kinds = w
        .js(
            "return Array.from(document.querySelectorAll(\"[data-champ='type'] option\")).map(o => o.value)",
            vec![],
        )
        .await;
    assert_eq!(kinds, serde_json::json!(["recharge"]));
    w.fill(&champ("montant"), "12,500").await;
    w.wait_text("#panneau button.primary", "Créditer 12,500\u{a0}TND")
        .await;
    w.keys(&champ("montant"), "\u{E007}").await;
    w.wait_text(".big-balance", "12,500").await;
    w.wait_text(".mini-grid tbody", user).await;
    w.shot("site-02b-recharge-caisse").await;
    assert_eq!(
        count(&format!(
            "SELECT operator || ' ' || amount FROM movements m JOIN accounts a ON a.id = m.account_id WHERE a.matricule = '{m}'"
        )),
        format!("{user} 12500")
    );

    // Enough movements for a second page (56 corrections, the balance unchanged), the second page
    // brought in with « Afficher plus ».
    count(&format!(
        "SELECT count(*) FROM (SELECT forfaits_mouvement(a.id, 'correction', \
         CASE WHEN g % 2 = 0 THEN 1000 ELSE -1000 END, 'lot ' || g, 3) \
         FROM accounts a, generate_series(1, 56) g WHERE a.matricule = '{m}') x"
    ));
    let rows = || async { w.texts("#panneau .mini-grid tbody tr").await.len() };
    w.js("window.dispatchEvent(new Event('focus'))", vec![])
        .await;
    w.wait_text(".mini-grid tbody", "lot 56").await;
    // Another desk credits the same account from the command line meanwhile: the second page
    // goes on below the last row shown, repeating none.
    let o = desk(
        &caisse,
        &["balance", m, "credit", "1", "--reason", "guichet 2"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    w.click_text("#panneau button", "Afficher plus").await;
    wait_for(10, "la seconde page", || async {
        (rows().await > 50).then_some(())
    })
    .await;
    let texts = w.texts("#panneau .mini-grid tbody tr").await;
    let distinct: std::collections::HashSet<_> = texts.iter().collect();
    assert_eq!((texts.len(), distinct.len()), (57, 57), "{texts:?}");
    // The last page is reached: the total counts the newer credit, which comes above the first
    // page on the next refresh, so « Afficher plus » has nothing left to bring.
    let more = "return [...document.querySelectorAll('#panneau button')]
                .find(b => b.textContent === 'Afficher plus').hidden";
    assert_eq!(w.js(more, vec![]).await, serde_json::json!(true));
    let shown = rows().await;

    // The open panel shows the other desk's credit when the window comes back to the front, as
    // many rows as before.
    w.js("window.dispatchEvent(new Event('focus'))", vec![])
        .await;
    w.wait_text(".big-balance", "13,500").await;
    w.wait_text(".mini-grid tbody", "guichet 2").await;
    // As many rows as were shown, the new one on top: nothing fell back to the first page.
    assert_eq!(rows().await, shown);
    w.keys(&champ("montant"), "\u{E00C}").await;
    w.wait_gone("#panneau").await;
    w.wait_text("tbody tr[data-id] td.num", "13,500").await;

    // The account's call history, which the cash desk reads too (SPEC §13).
    click_first_row_action(&w, "Télécharger historique des appels").await;
    w.wait_text("#panneau .list-foot", "Aucun appel sur cette période.")
        .await;
    w.wait_text("#onglet-demandes", "Demandes d'appel 0").await;
    w.shot("site-02c-historique-caisse").await;
    w.keys("#onglet-demandes", "\u{E00C}").await;
    w.wait_gone("#panneau").await;

    // And the table follows by itself, without focus, every few seconds.
    succeeded(desk(&admin, &["balance", m, "credit", "1", "--reason", ""]));
    wait_for(30, "le solde 14,500 dans le tableau", || async {
        let cells = w.texts("tbody tr[data-id] td.num").await.join(" ");
        cells.contains("14,500").then_some(())
    })
    .await;
    w.shot("site-03-autre-poste").await;

    // What the role may not do is refused by the server, in French, nothing written, even if
    // asked for as the page would.
    let (movements, journal) = (
        count("SELECT count(*) FROM movements"),
        count("SELECT count(*) FROM audit"),
    );
    let id: i64 = count(&format!("SELECT id FROM accounts WHERE matricule = '{m}'"))
        .parse()
        .unwrap();
    let e = refusal(&w, "supprimer_compte", serde_json::json!({ "id": id })).await;
    assert_eq!(
        e,
        "Votre rôle (caisse) ne permet pas de supprimer un compte. Aucune modification n'a été faite."
    );
    let e = refusal(
        &w,
        "saisir_mouvement",
        serde_json::json!({ "id": id, "type": "debit", "montant": "1", "motif": "x", "confirme": false }),
    )
    .await;
    assert!(
        e.starts_with("Votre rôle (caisse) ne permet pas de débiter un compte."),
        "{e}"
    );
    let e = refusal(
        &w,
        "changer_etat_compte",
        serde_json::json!({ "id": id, "active": false }),
    )
    .await;
    assert!(e.starts_with("Votre rôle (caisse) ne permet pas"), "{e}");
    let e = refusal(&w, "infos_sauvegardes", serde_json::json!({})).await;
    assert!(
        e.contains("« Sauvegardes » se fait sur une base SQLite, pas sur une base de site"),
        "{e}"
    );
    assert_eq!(
        (
            count("SELECT count(*) FROM movements"),
            count("SELECT count(*) FROM audit")
        ),
        (movements, journal)
    );

    // Imprimer works on a site: the sheet's text comes from the site.
    click_first_row_action(&w, "Imprimer").await;
    w.wait_text("#modale", "14,500").await;
    wait_for(20, "la fiche imprimée", || async {
        std::fs::metadata(&printed)
            .is_ok_and(|m| m.len() > 0)
            .then_some(())
    })
    .await;
    w.shot("site-04-fiche").await;
    w.click_text("#modale button", "Fermer").await;
    w.wait_gone("#modale").await;

    // The administrator moves the clerk to Lecture meanwhile: the next Recharge is refused by
    // the server, and the window reads its rights again and offers what Lecture may.
    {
        let _g = roles_lock();
        succeeded(desk(
            &admin,
            &["site", "user", "add", user, "--role", "lecture"],
        ));
    }
    click_first_row_action(&w, "Gestion de solde").await;
    w.wait_text("#panneau h2", "Gestion de solde").await;
    w.fill(&champ("montant"), "1").await;
    w.keys(&champ("montant"), "\u{E007}").await;
    w.wait_text(
        "#toasts",
        "Votre rôle sur le site est maintenant « lecture » : la fenêtre n'offre plus que ce qu'il permet.",
    )
    .await;
    w.wait_text("#statut-base", "· lecture ·").await;
    let labels = w.js(labels, vec![]).await;
    assert_eq!(labels, serde_json::json!(["Gestion de solde", "Imprimer"]));
    w.wait_text("#panneau", "ne permet pas de recharger un compte")
        .await;
    w.shot("site-05-lecture").await;
    w.keys(&champ("montant"), "\u{E00C}").await;
    w.click_text("#confirmation button", "Fermer sans enregistrer")
        .await;
    w.wait_gone("#panneau").await;
    click_first_row_action(&w, "Gestion de solde").await;
    w.wait_text("#panneau h2", "Gestion de solde").await;
    assert!(
        !visible(&w, &champ("montant")).await,
        "no movement for Lecture"
    );
    let e = refusal(&w, "saisir_mouvement", serde_json::json!({ "id": id, "type": "recharge", "montant": "1", "motif": "", "confirme": false })).await;
    assert!(e.starts_with("Votre rôle (lecture) ne permet pas"), "{e}");

    let o = desk(&admin, &["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    w.c.close().await.unwrap();
    drop(bus);
}

/// An administrator's window on a site: *Paramètres* with the site's call rules, without the
/// desk's backups; a new country code saved reaches the search.
#[tokio::test(flavor = "multi_thread")]
async fn an_administrator_window_sets_the_parametres_of_a_site() {
    let _guard = E2E_LOCK.lock().await;
    let user = "admin_fenetre";
    let (_admin, name) = site_with_user(user, "admin");
    let port = cluster().port;
    let home = tempfile::tempdir().unwrap();
    let url = format!("postgres://127.0.0.1:{port}/{name}");
    let (w, _desktop, bus) = window_on(&url, home.path(), &home.path().join("imprime.pdf")).await;
    w.fill(&champ("utilisateur"), user).await;
    w.click("#btn-connexion").await;
    w.wait_text(
        "#statut-base",
        &format!("{user} · admin · postgres://127.0.0.1:{port}/{name}"),
    )
    .await;

    w.click(".tab[data-vue=parametres]").await;
    w.wait_text("#chemin-base", &name).await;
    assert!(visible(&w, "#regles-appel").await);
    assert!(!visible(&w, "#parametres-sauvegardes").await);
    assert!(!visible(&w, "#btn-sauvegarder").await);
    w.fill(&champ("indicatif"), "abc").await;
    w.click_text("#vue-parametres button", "Enregistrer les paramètres")
        .await;
    w.wait_text("#vue-parametres .field-error", "indicatif du pays")
        .await;
    w.fill(&champ("indicatif"), "+33").await;
    w.click_text("#vue-parametres button", "Enregistrer les paramètres")
        .await;
    w.wait_text("#toasts", "Paramètres enregistrés").await;
    w.shot("site-05-parametres-admin").await;
    assert_eq!(
        cluster().value(
            &name,
            "SELECT value FROM settings WHERE key = 'country_code'"
        ),
        "33"
    );
    w.c.close().await.unwrap();
    drop(bus);
}

mod desk_commands {
    //! The window's commands on a site, on Tauri's mock runtime (no window): what an
    //! administrator's desk does there is what it does on SQLite, the other roles are refused
    //! by the server in French, the telephony service's sign-in is not a desk's.

    use super::*;
    use forfaits_app::AppState;
    use serde_json::{json, Value};
    use tauri::test::{get_ipc_response, MockRuntime};
    use tauri::WebviewWindow;

    /// The window's state signed in to `url`, and its webview.
    fn signed_in(url: &str) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
        let state = AppState::open(Some(PathBuf::from(url))).unwrap();
        tauri::async_runtime::block_on(state.sign_in("test", url.to_string())).unwrap();
        mock_window(state)
    }

    /// A new site with the sample accounts and a desk signed in to it as `user` in `role`: the
    /// site's URL as its owner, its name, the app and its webview, the rights the page gets.
    fn desk_as(
        user: &str,
        role: &str,
    ) -> (
        String,
        String,
        tauri::App<MockRuntime>,
        WebviewWindow<MockRuntime>,
        Value,
    ) {
        let (admin, name) = site_with_user(user, role);
        let (app, w) = signed_in(&cluster().url(user, &name));
        let droits = call(&w, "infos_application", json!({})).unwrap()["droits"].clone();
        (admin, name, app, w, droits)
    }

    /// The command's answer, or its error as the page gets it (`{code, message, champs}`).
    fn call(w: &WebviewWindow<MockRuntime>, cmd: &str, body: Value) -> Result<Value, Value> {
        match get_ipc_response(w, request(cmd, body)) {
            Ok(r) => Ok(r.deserialize().unwrap()),
            Err(e) => Err(serde_json::from_str(&e.to_string()).unwrap_or(json!(e.to_string()))),
        }
    }

    /// The message of an error as the page shows it.
    fn said(e: &Value) -> &str {
        e["message"].as_str().unwrap()
    }

    fn form(nom: &str, matricule: &str, identifiant: &str, solde: &str) -> Value {
        json!({
            "nom": nom, "matricule": matricule, "identifiant": identifiant,
            "etat_compte": true, "billing": true, "duree_appel": "", "solde": solde,
            "telephones": ["71 000 111", "", "", "", "", "", "", "", "", ""],
        })
    }

    #[test]
    fn an_administrator_desk_creates_credits_edits_prints_and_deletes_on_a_site() {
        let user = "admin_fenetre";
        let (admin, name) = site_with_user(user, "admin");
        let count = |sql: &str| cluster().value(&name, sql);
        // Not signed in yet: nothing is read.
        let state = AppState::open(Some(PathBuf::from(admin.clone()))).unwrap();
        assert!(matches!(state.place(), forfaits_app::Place::Site(_)));
        let (_unsigned, u) = mock_window(state);
        let e = call(&u, "infos_application", json!({})).unwrap_err();
        assert!(said(&e).starts_with("Connectez-vous d'abord"), "{e}");
        let (_app, w) = signed_in(&cluster().url(user, &name));

        let infos = call(&w, "infos_application", json!({})).unwrap();
        assert_eq!(infos["site"]["role"], "admin");
        assert_eq!(infos["operateur"], user);
        assert!(
            infos["base_nom"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{user} · admin · postgres://127.0.0.1:")),
            "{infos}"
        );
        assert_eq!(infos["droits"]["creer"], true);
        assert_eq!(infos["droits"]["sauvegardes"], false);

        // The form is checked against the site: a matricule already held is named.
        let taken = form("Nouvel Abonné", "10000000007919", "7000001", "");
        let errs = call(
            &w,
            "valider_compte",
            json!({ "formulaire": taken, "id": null }),
        )
        .unwrap();
        assert_eq!(
            errs[0]["message"],
            "le matricule 10000000007919 est déjà attribué à Sami Mansouri"
        );
        let e = call(&w, "creer_compte", json!({ "formulaire": taken })).unwrap_err();
        assert_eq!(e["code"], "champs_invalides", "{e}");

        // Created with an opening balance: its first movement, signed by the desk's user.
        let f = form("Nouvel Abonné", "20000000000001", "7000001", "5");
        let a = call(&w, "creer_compte", json!({ "formulaire": f })).unwrap();
        let id = a["id"].as_i64().unwrap();
        assert_eq!(a["solde"], 5000);
        assert_eq!(
            count(&format!(
                "SELECT kind || ' ' || amount || ' ' || operator FROM movements WHERE account_id = {id}"
            )),
            format!("initial 5000 {user}")
        );
        let found = call(
            &w,
            "lister_comptes",
            json!({ "requete": { "recherche": "000111", "tri": "nom", "desc": false, "decalage": 0, "limite": 50 } }),
        )
        .unwrap();
        assert_eq!(found["total"], 1, "a key is found by its last digits");

        // Above the confirmation threshold (1 000 TND), only once confirmed.
        let p = call(
            &w,
            "apercu_mouvement",
            json!({ "id": id, "type": "recharge", "montant": "1500" }),
        )
        .unwrap();
        assert_eq!(
            (p["confirmation"].clone(), p["solde_apres"].clone()),
            (json!(true), json!(1_505_000))
        );
        let credit = json!({ "id": id, "type": "recharge", "montant": "1500", "motif": "", "confirme": false });
        let e = call(&w, "saisir_mouvement", credit.clone()).unwrap_err();
        assert!(said(&e).contains("dépasse le seuil de confirmation"), "{e}");
        let mut confirmed = credit;
        confirmed["confirme"] = json!(true);
        let r = call(&w, "saisir_mouvement", confirmed).unwrap();
        assert_eq!(r["compte"]["solde"], 1_505_000);
        let e = call(
            &w,
            "saisir_mouvement",
            json!({ "id": id, "type": "debit", "montant": "2000", "motif": "trop", "confirme": true }),
        )
        .unwrap_err();
        assert!(said(&e).starts_with("Débit refusé"), "{e}");
        let list = call(
            &w,
            "lister_mouvements",
            json!({ "id": id, "limite": 10, "apres": null }),
        )
        .unwrap();
        assert_eq!(
            (list["total"].clone(), list["reserve"].clone()),
            (json!(2), json!(0))
        );

        // Edited, switched off, printed, deleted.
        let mut edited = form("Abonné Renommé", "20000000000001", "7000001", "");
        edited["telephones"][3] = json!("+33 1 23 45 67 89");
        let a = call(
            &w,
            "modifier_compte",
            json!({ "id": id, "formulaire": edited }),
        )
        .unwrap();
        assert_eq!(a["nom"], "Abonné Renommé");
        let a = call(
            &w,
            "changer_etat_compte",
            json!({ "id": id, "active": false }),
        )
        .unwrap();
        assert_eq!(a["etat_compte"], false);
        let sheet = call(&w, "fiche_compte", json!({ "id": id })).unwrap();
        assert!(sheet.to_string().contains("Abonné Renommé"), "{sheet}");
        let d = call(&w, "supprimer_compte", json!({ "id": id })).unwrap();
        assert_eq!(d["solde"], 1_505_000);
        assert_eq!(
            count(&format!(
                "SELECT count(*) FROM movements WHERE account_id = {id}"
            )),
            "0"
        );
        assert_eq!(
            count("SELECT string_agg(action, ', ' ORDER BY id) FROM audit WHERE matricule = '20000000000001'"),
            "Création du compte, Recharge, Modification du compte, Modification du compte, Suppression du compte"
        );
        // What a site does not do yet is refused in French, never half done.
        let e = call(&w, "infos_sauvegardes", json!({})).unwrap_err();
        assert!(
            said(&e).contains("« Sauvegardes » se fait sur une base SQLite"),
            "{e}"
        );
        let o = desk(&admin, &["check"]);
        assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    }

    #[test]
    fn an_administrator_desk_sets_account_rules_and_numbers_on_a_site() {
        let user = "admin_regles";
        let (_admin, name, _app, w, droits) = desk_as(user, "admin");
        let value = |sql: &str| cluster().value(&name, sql);
        assert_eq!(
            (&droits["regles"], &droits["numeros"]),
            (&json!(true), &json!(true))
        );
        let f = form("Abonné Règles", "20000000000003", "7000003", "");
        let id = call(&w, "creer_compte", json!({ "formulaire": f })).unwrap()["id"]
            .as_i64()
            .unwrap();

        // The account form's section Règles, as on SQLite.
        let rules = |per_day: &str| {
            let limits = json!({ "duree_max_appel": "5", "appels_par_jour": per_day });
            call(
                &w,
                "regles_compte",
                json!({ "id": id, "formulaire": limits }),
            )
        };
        assert_eq!(rules("0").unwrap_err()["code"], "champs_invalides");
        let a = rules("2").unwrap();
        assert_eq!(
            (
                a["duree_max_appel_min"].as_u64(),
                a["appels_par_jour"].as_u64()
            ),
            (Some(5), Some(2))
        );
        let suspend = json!({ "id": id, "jusquau": "31/01/2099", "motif": "discipline" });
        let a = call(&w, "suspendre_compte", suspend).unwrap();
        assert_eq!(a["suspendu_jusqu_au"], "2099-01-31", "{a}");
        let a = call(&w, "lever_suspension", json!({ "id": id })).unwrap();
        assert!(a["suspendu_jusqu_au"].is_null(), "{a}");
        value(&format!(
            "UPDATE accounts SET used_seconds = 125 WHERE id = {id}"
        ));
        let a = call(&w, "remettre_duree_zero", json!({ "id": id })).unwrap();
        assert_eq!(a["duree_totale_s"], 0, "{a}");

        // The Numéros screen: blocking a number a key holds asks first, then blocks.
        let block = |force: bool| {
            let args = json!({ "numero": "71 000 111", "raison": "menaces", "force": force });
            call(&w, "interdire_numero", args).unwrap()
        };
        let asked = block(false);
        assert!(asked["interdit"].is_null(), "{asked}");
        assert_eq!(
            asked["titulaires"][0]["matricule"], "20000000000003",
            "{asked}"
        );
        assert_eq!(block(true)["interdit"]["motif"], "+21671000111");
        let privilege = json!({ "numero": "71 999 000", "libelle": "Avocat", "gratuit": true });
        call(&w, "privilegier_numero", privilege).unwrap();
        let lists = call(&w, "lister_numeros", json!({})).unwrap();
        assert_eq!(lists["interdits"][0]["operateur"], user, "{lists}");
        assert_eq!(lists["privilegies"][0]["libelle"], "Avocat", "{lists}");
        call(&w, "retirer_privilege", json!({ "numero": "+21671999000" })).unwrap();
        call(
            &w,
            "retirer_interdiction",
            json!({ "motif": "+21671000111" }),
        )
        .unwrap();
        let lists = call(&w, "lister_numeros", json!({})).unwrap();
        assert_eq!(lists, json!({ "interdits": [], "privilegies": [] }));

        // The Journal, searched as on SQLite (case aside), signed by the desk's user.
        let journal = |texte: &str| {
            let filtre = json!({ "texte": texte, "depuis": null, "jusqua": null, "limite": 3 });
            call(&w, "lire_journal", json!({ "filtre": filtre })).unwrap()
        };
        let found = journal("NUMÉRO PRIVILÉGIÉ");
        assert_eq!(found.as_array().unwrap().len(), 2, "{found}");
        assert_eq!(found[0]["action"], "Numéro privilégié retiré");
        assert_eq!(found[1]["operateur"], user);
        assert_eq!(journal("")[0]["action"], "Numéro autorisé de nouveau");

        assert_eq!(
            value("SELECT string_agg(action, ', ' ORDER BY id) FROM audit WHERE id > (SELECT min(id) FROM audit WHERE matricule = '20000000000003')"),
            "Règles d'appel du compte, Suspension des appels, Suspension levée, \
             Remise à zéro de la durée totale des appels, Numéro interdit, Numéro privilégié, \
             Numéro privilégié retiré, Numéro autorisé de nouveau"
        );
    }

    /// *Paramètres* as the page sends it.
    fn settings(indicatif: &str, decimales: u8, seuil: &str) -> Value {
        json!({ "formulaire": {
            "devise": "TND", "decimales": decimales, "indicatif": indicatif,
            "etat_defaut": true, "billing_defaut": false, "duree_defaut": "90",
            "solde_defaut": "", "seuil_confirmation": seuil, "adresse_service": "127.0.0.1:4573",
        } })
    }

    #[test]
    fn an_administrator_desk_saves_the_settings_and_call_rules_of_a_site() {
        let user = "admin_parametres";
        let (_admin, name, _app, w, droits) = desk_as(user, "admin");
        let value = |sql: &str| cluster().value(&name, sql);
        assert_eq!(
            (&droits["parametres"], &droits["sauvegardes"]),
            (&json!(true), &json!(false))
        );
        // An opening balance: money has moved.
        let f = form("Abonné Paramètres", "20000000000004", "7000004", "5");
        call(&w, "creer_compte", json!({ "formulaire": f })).unwrap();
        let found = |text: &str| {
            let q = json!({ "recherche": text, "tri": "nom", "desc": false, "decalage": 0, "limite": 50 });
            call(&w, "lister_comptes", json!({ "requete": q })).unwrap()["total"].clone()
        };
        assert_eq!(found("+21671000111"), 1);
        assert_eq!(found("+3371000111"), 0);
        let before =
            value("SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM settings");

        // Every error at once, under its field, and nothing saved.
        let e = call(&w, "enregistrer_parametres", settings("33x", 3, "")).unwrap_err();
        assert_eq!(e["code"], "champs_invalides", "{e}");
        let fields: Vec<&str> = e["champs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["champ"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["indicatif", "seuil_confirmation"], "{e}");
        // Money has moved: the decimals stay.
        let e = call(&w, "enregistrer_parametres", settings("+33", 2, "500")).unwrap_err();
        assert!(
            said(&e).starts_with("Le nombre de décimales ne peut plus être changé (3 → 2)"),
            "{e}"
        );
        assert_eq!(
            value("SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM settings"),
            before
        );

        // Another desk's account write in progress holds the account-writes lock: the new
        // country code waits for it to commit, so that its search text is made again too.
        let mut other = cluster().session(&name);
        let lock = forfaits_core::site::ACCOUNT_WRITES_LOCK;
        other.send(&format!(
            "BEGIN; SELECT pg_advisory_xact_lock_shared({lock});"
        ));
        let saved = std::thread::scope(|s| {
            let save = s.spawn(|| call(&w, "enregistrer_parametres", settings("+33", 3, "500")));
            std::thread::sleep(std::time::Duration::from_millis(500));
            assert!(!save.is_finished(), "saved during another desk's write");
            other.send("COMMIT;");
            save.join().unwrap()
        });

        // Saved: the numbers written without « + » now read as French ones, in the search too.
        let saved = saved.unwrap();
        assert_eq!(
            (&saved["indicatif"], &saved["duree_defaut"]),
            (&json!("+33"), &json!(90)),
            "{saved}"
        );
        assert_eq!(found("+3371000111"), 1);
        assert_eq!(found("+21671000111"), 0);
        assert_eq!(
            value("SELECT operator || ' ' || action FROM audit ORDER BY id DESC LIMIT 1"),
            format!("{user} Paramètres modifiés")
        );
        // And an account write waits while the country code is being changed.
        other.send(&format!("BEGIN; SELECT pg_advisory_xact_lock({lock});"));
        std::thread::scope(|s| {
            let args =
                json!({ "formulaire": form("Abonné Attente", "20000000000005", "7000005", "") });
            let add = s.spawn(|| call(&w, "creer_compte", args));
            std::thread::sleep(std::time::Duration::from_millis(500));
            assert!(
                !add.is_finished(),
                "written during a change of country code"
            );
            other.send("COMMIT;");
            add.join().unwrap().unwrap();
        });

        // Paramètres → Règles d'appel.
        let rules = json!({ "formulaire": {
            "horaires": "lun-ven 08:00-12:00", "duree_max_appel": "20", "appels_par_jour": "3",
        } });
        call(&w, "enregistrer_regles", rules).unwrap();
        assert_eq!(
            value("SELECT string_agg(value, ' ; ' ORDER BY key) FROM settings WHERE key IN ('calls_per_day', 'max_call_minutes')"),
            "3 ; 20"
        );
        // A site's backups are its server's: refused in French if the page asks anyway.
        let e = call(&w, "infos_sauvegardes", json!({})).unwrap_err();
        assert!(said(&e).contains("« Sauvegardes »"), "{e}");
        let e = call(&w, "ouvrir_dossier", json!({ "quel": "sauvegardes" })).unwrap_err();
        assert!(said(&e).contains("pg_dump"), "{e}");
    }

    #[test]
    fn an_administrator_desk_loads_tariffs_and_call_records_on_a_site() {
        let user = "admin_appels";
        let (_admin, name, _app, w, droits) = desk_as(user, "admin");
        assert_eq!(droits["appels"], true, "{droits}");
        let token = |file: &str| {
            crate::lockdown::choose(&w, "choisir_fichier", &fixture(file))["jeton"].clone()
        };

        // *Appels et tarifs*: the tariffs checked and compared first, then replaced.
        let seen = call(
            &w,
            "analyser_tarifs",
            json!({ "jeton": token("tariffs-sample.csv") }),
        );
        let seen = seen.unwrap();
        assert_eq!(seen["changement"]["apres"], 6, "{seen}");
        assert_eq!(call(&w, "lister_tarifs", json!({})).unwrap(), json!([]));
        let done = call(&w, "importer_tarifs", json!({ "jeton": seen["jeton"] })).unwrap();
        assert_eq!(done["ecrit"], true, "{done}");
        assert_eq!(
            call(&w, "lister_tarifs", json!({}))
                .unwrap()
                .as_array()
                .unwrap()
                .len(),
            6
        );

        // The call records rated first, then loaded from the same token, signed by the desk.
        let asked = json!({ "jeton": token("Master-sample.csv"), "colonne": "accountcode" });
        let seen = call(&w, "analyser_appels", asked).unwrap();
        assert_eq!(cluster().value(&name, "SELECT count(*) FROM calls"), "0");
        let load = json!({ "jeton": seen["jeton"], "colonne": "accountcode" });
        let done = call(&w, "charger_appels", load).unwrap();
        assert_eq!(done["ecrit"], true, "{done}");
        assert_eq!(cluster().value(&name, "SELECT count(*) FROM calls"), "4");
        let signed = "SELECT DISTINCT operator FROM movements WHERE kind = 'appel'";
        assert_eq!(cluster().value(&name, signed), user);
    }

    #[test]
    fn a_cash_desk_reads_an_accounts_calls_and_call_requests_on_a_site() {
        let user = "caisse_historique";
        let (admin, name) = site_with_user(user, "caisse");
        let master = fixture("Master-sample.csv");
        let tariffs = fixture("tariffs-sample.csv");
        succeeded(desk(
            &admin,
            &["tariffs", "import", tariffs.to_str().unwrap()],
        ));
        succeeded(desk(&admin, &["calls", "import", master.to_str().unwrap()]));
        let value = |sql: &str| cluster().value(&name, sql);
        let id = value("SELECT id FROM accounts WHERE matricule = '10000000000000'");
        // What the telephony server asked: a refusal, then a call still in progress.
        value(&format!(
            "INSERT INTO call_attempts (at, uniqueid, account_id, typed_code, asked, number,
                 decision, limit_ms, reserved, expires_at)
             VALUES (extract(epoch FROM now())::bigint - 60, 'u1', {id}, '8589669', '3',
                     '+21698000003', 'solde_insuffisant', 0, 0, NULL),
                    (extract(epoch FROM now())::bigint - 30, 'u2', {id}, '8589669', '1',
                     '+21698000001', 'ok', 600000, 500, extract(epoch FROM now())::bigint + 3600)"
        ));
        let (_app, w) = signed_in(&cluster().url(user, &name));
        let infos = call(&w, "infos_application", json!({})).unwrap();
        assert_eq!(infos["droits"]["historique"], true, "{infos}");

        let id: i64 = id.parse().unwrap();
        let asked =
            json!({ "id": id, "periode": { "du": "", "au": "" }, "limite": 50, "apres": null });
        let calls = call(&w, "historique_appels", asked.clone()).unwrap();
        let loaded = value(&format!(
            "SELECT count(*) FROM calls WHERE account_id = {id}"
        ));
        assert_eq!(calls["total"].to_string(), loaded, "{calls}");
        assert!(calls["total"].as_u64().unwrap() >= 1, "{calls}");
        let requests = call(&w, "demandes_appel", asked).unwrap();
        let counts = (
            &requests["total"],
            &requests["refusees"],
            &requests["en_cours"],
        );
        assert_eq!(counts, (&json!(2), &json!(1), &json!(1)), "{requests}");
        assert_eq!(requests["demandes"][0]["uniqueid"], "u2");
        assert_eq!(
            requests["demandes"][1]["label"],
            "Refusé : solde insuffisant"
        );
    }

    #[test]
    fn a_reading_desk_is_refused_by_the_server_and_the_telephony_service_cannot_sign_in() {
        let user = "lecture_fenetre";
        let (admin, name, _app, w, droits) = desk_as(user, "lecture");
        assert_eq!(droits["mouvements"], json!([]));
        assert_eq!(droits["imprimer"], true);
        let before = cluster().value(&name, "SELECT count(*) FROM movements");
        let e = call(
            &w,
            "saisir_mouvement",
            json!({ "id": 1, "type": "recharge", "montant": "1", "motif": "", "confirme": false }),
        )
        .unwrap_err();
        assert_eq!(
            e["message"],
            "Votre rôle (lecture) ne permet pas de recharger un compte. Aucune modification n'a été faite."
        );
        let e = call(
            &w,
            "creer_compte",
            json!({ "formulaire": form("X Y", "20000000000002", "7000002", "") }),
        )
        .unwrap_err();
        assert!(
            said(&e).starts_with("Votre rôle (lecture) ne permet pas d'ajouter un compte"),
            "{e}"
        );
        assert_eq!(
            cluster().value(&name, "SELECT count(*) FROM movements"),
            before
        );
        assert_eq!(
            call(&w, "fiche_compte", json!({ "id": 1 })).map(|_| ()),
            Ok(())
        );
        let block = json!({ "numero": "71 000 111", "raison": "x", "force": true });
        let e = call(&w, "interdire_numero", block).unwrap_err();
        assert!(
            said(&e).starts_with("Votre rôle (lecture) ne permet pas"),
            "{e}"
        );
        assert_eq!(
            cluster().value(&name, "SELECT count(*) FROM blocked_numbers"),
            "0"
        );
        let asked = json!({ "id": 1, "periode": {}, "limite": 5, "apres": null });
        let e = call(&w, "historique_appels", asked.clone()).unwrap_err();
        assert!(
            said(&e)
                .starts_with("Votre rôle (lecture) ne permet pas de lire l'historique des appels"),
            "{e}"
        );
        let e = call(&w, "demandes_appel", asked).unwrap_err();
        assert!(
            said(&e).starts_with("Votre rôle (lecture) ne permet pas de lire les demandes"),
            "{e}"
        );
        let filtre = json!({ "texte": "", "depuis": null, "jusqua": null });
        let e = call(&w, "lire_journal", json!({ "filtre": filtre })).unwrap_err();
        assert!(
            said(&e).starts_with("Votre rôle (lecture) ne permet pas de lire le Journal"),
            "{e}"
        );
        assert_eq!(droits["parametres"], false);
        let before = cluster().value(
            &name,
            "SELECT string_agg(value, ',' ORDER BY key) FROM settings",
        );
        let e = call(&w, "enregistrer_parametres", settings("+33", 3, "500")).unwrap_err();
        assert!(
            said(&e).starts_with("Votre rôle (lecture) ne permet pas de modifier les paramètres"),
            "{e}"
        );
        let rules = json!({ "formulaire": { "horaires": "", "duree_max_appel": "5", "appels_par_jour": "" } });
        let e = call(&w, "enregistrer_regles", rules).unwrap_err();
        assert!(
            said(&e)
                .starts_with("Votre rôle (lecture) ne permet pas de changer les règles d'appel"),
            "{e}"
        );
        assert_eq!(
            cluster().value(
                &name,
                "SELECT string_agg(value, ',' ORDER BY key) FROM settings"
            ),
            before
        );

        {
            let _g = roles_lock();
            let o = desk(
                &admin,
                &[
                    "site",
                    "user",
                    "add",
                    "asterisk_fenetre",
                    "--role",
                    "telephonie",
                ],
            );
            assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        }
        let state = AppState::open(Some(PathBuf::from(admin))).unwrap();
        let e = tauri::async_runtime::block_on(
            state.sign_in("test", cluster().url("asterisk_fenetre", &name)),
        )
        .unwrap_err();
        assert!(e.to_string().contains("service téléphonique"), "{e}");
    }
}
