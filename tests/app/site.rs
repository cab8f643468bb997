//! Site mode (SPEC §13) through the real `forfaits` binary and `psql`, against a throw-away
//! PostgreSQL cluster: the command-line suite run on both stores, the staff roles enforced by the
//! server, desks crediting at once, and the migration of an SQLite base.

// Shared with site_window.rs: one cluster per test process.
#[path = "../support/pg_cluster.rs"]
pub(crate) mod pg_cluster;

use crate::support::*;
use pg_cluster::{cluster, roles_lock};
use std::process::{Command, Output};

/// A database given to `--db`: an SQLite file, or a site URL as one of its users.
struct Db {
    arg: String,
    _dir: Option<tempfile::TempDir>,
    /// The site's database name (`None` for SQLite).
    name: Option<String>,
}

impl Db {
    fn sqlite() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let arg = dir.path().join("t.sqlite3").to_str().unwrap().to_string();
        Db {
            arg,
            _dir: Some(dir),
            name: None,
        }
    }

    /// A new site, created with `site init` as the cluster's owner.
    fn site() -> Db {
        let (url, name) = cluster().new_db();
        let o = {
            let _g = roles_lock();
            run(None, &["site", "init", &url])
        };
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_stdout_has(&o, "connexion chiffrée (TLS)");
        Db {
            arg: url,
            _dir: None,
            name: Some(name),
        }
    }

    /// The same site as `user` (created in `role` first).
    fn as_user(&self, user: &str, role: &str) -> Db {
        let name = self.name.clone().expect("a site");
        let o = {
            let _g = roles_lock();
            run(
                Some(&self.arg),
                &["site", "user", "add", user, "--role", role],
            )
        };
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        Db {
            arg: cluster().url(user, &name),
            _dir: None,
            name: Some(name),
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        run(Some(&self.arg), args)
    }
}

fn run(db: Option<&str>, args: &[&str]) -> Output {
    let mut c = Command::new(bin());
    if let Some(db) = db {
        c.arg("--db").arg(db);
    }
    c.args(args)
        .env_remove("FORFAITS_DB")
        .env_remove("PGPASSWORD")
        .output()
        .expect("le binaire forfaits se lance")
}

fn sample() -> String {
    fixture("users-sample.csv").to_str().unwrap().to_string()
}

fn balance_of(db: &Db, matricule: &str) -> String {
    let o = succeeded(db.run(&["search", matricule, "--json"]));
    let row: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    row["solde"].as_str().unwrap().to_string()
}

macro_rules! on_both_stores {
    ($($name:ident => $body:expr;)*) => {
        $(
            mod $name {
                use super::*;

                #[test]
                fn sqlite() {
                    ($body)(Db::sqlite());
                }

                #[test]
                fn postgres() {
                    ($body)(Db::site());
                }
            }
        )*
    };
}

on_both_stores! {
    cli_import_search_credit_refused_debit_and_check => |db: Db| {
        let o = succeeded(db.run(&["import", &sample()]));
        assert_eq!(stdout(&o).lines().last(), Some("25 importés, 0 rejeté"));
        let o = db.run(&["search", "Trabelsi", "--json"]);
        let rows: Vec<serde_json::Value> =
            stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["nom"], "Amira Trabelsi");
        assert_eq!(rows[1]["nom"], "Rania Trabelsi");
        succeeded(db.run(&["balance", "10000000007919", "credit", "12,500", "--reason", "Dépôt"]));
        let o = db.run(&["balance", "10000000007919", "debit", "100", "--reason", "Achat"]);
        assert_eq!(o.status.code(), Some(1));
        assert_stderr_has(&o, "Débit refusé");
        assert_eq!(balance_of(&db, "10000000007919"), "12,500");
        let o = succeeded(db.run(&["check"]));
        assert_stdout_has(&o, "25 comptes, 1 mouvement, aucun problème");
    };

    cli_import_with_a_bad_line_writes_nothing_and_names_line_and_field => |db: Db| {
        db.run(&["import", &sample()]);
        let bad = fixture("import/bad-matricule-13-digits.csv");
        let before = stdout(&db.run(&["export", "--format", "import"]));
        let o = db.run(&["import", bad.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1));
        assert_stderr_has(&o, "champ 2 (Matricule)");
        assert_eq!(stdout(&db.run(&["export", "--format", "import"])), before);
    };

    cli_account_delete_removes_the_account_and_says_its_final_balance => |db: Db| {
        db.run(&["import", &sample()]);
        db.run(&["balance", "10000000023757", "credit", "2", "--reason", ""]);
        let o = succeeded(db.run(&["account", "10000000023757", "--delete"]));
        assert_eq!(
            stdout(&o).trim(),
            "Compte Hédi Ben Salah (10000000023757) supprimé ; solde final 2,000\u{a0}TND."
        );
        let o = db.run(&["account", "10000000023757"]);
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains("Aucun compte ne correspond au matricule 10000000023757"));
    };

    cli_rules_tariffs_and_sheet_work_alike => |db: Db| {
        db.run(&["import", &sample()]);
        let o = succeeded(db.run(&["rules", "--max-call", "30", "--calls-per-day", "4"]));
        assert_stdout_has(&o, "30 minutes");
        let o = db.run(&["rules", "--max-call", "0"]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stdout(&db.run(&["rules"])).contains("Appels par jour                    4"));
        let o = db.run(&["tariffs", "import", fixture("tariffs-sample.csv").to_str().unwrap()]);
        assert_stdout_has(&o, "6 tarifs importés");
        db.run(&["balance", "10000000023757", "credit", "7", "--reason", "dépôt"]);
        let dir = tempfile::tempdir().unwrap();
        let pdf = dir.path().join("fiche.pdf");
        succeeded(db.run(&["sheet", "10000000023757", "--out", pdf.to_str().unwrap()]));
        let text = Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(text.contains("Hédi Ben Salah") && text.contains("7,000"), "{text}");
    };

    cli_numbers_are_blocked_privileged_and_listed_alike => |db: Db| {
        db.run(&["import", &sample()]);
        // +21627468145 is on Lotfi Ben Ali's key 2: refused without --force, naming him.
        let o = db.run(&["numbers", "block", "27468145", "--reason", "victime"]);
        assert_eq!(o.status.code(), Some(1));
        assert_stderr_has(&o, "Lotfi Ben Ali (10000000000000), touche 2");
        succeeded(db.run(&["numbers", "block", "27468145", "--reason", "victime", "--force"]));
        let o = db.run(&["numbers", "block", "+21627468145", "--reason", "encore", "--force"]);
        assert_stderr_has(&o, "est déjà interdit");
        succeeded(db.run(&["numbers", "privilege", "71000000", "--label", "Avocat", "--free"]));
        let o = db.run(&["numbers", "list", "--json"]);
        let text = stdout(&o);
        assert!(text.contains("+21627468145") && text.contains("Avocat"), "{text}");
        assert_eq!(db.run(&["numbers", "unblock", "27468145"]).status.code(), Some(0));
        let o = db.run(&["numbers", "unblock", "27468145"]);
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(db.run(&["numbers", "unprivilege", "71000000"]).status.code(), Some(0));
        assert!(!stdout(&db.run(&["numbers", "list"])).contains("Avocat"));
    };

    cli_calls_of_the_sample_are_rated_debited_and_loaded_once => |db: Db| {
        db.run(&["import", &sample()]);
        db.run(&["tariffs", "import", fixture("tariffs-sample.csv").to_str().unwrap()]);
        let master = fixture("Master-sample.csv");
        let o = succeeded(db.run(&["calls", "import", master.to_str().unwrap()]));
        assert_stdout_has(&o, "4 appels chargés (3 facturés pour 0,834");
        assert_stderr_has(&o, "aucun compte n'a l'identifiant 9999999");
        let o = db.run(&["search", "10000000000000", "--json"]);
        let row: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
        assert_eq!(row["solde"], "-0,690");
        assert_eq!(row["duree_totale_s"], 241);
        let again = db.run(&["calls", "import", master.to_str().unwrap()]);
        assert_stdout_has(&again, "0 appel chargé");
        assert_stdout_has(&again, "4 déjà chargés");
        let o = db.run(&["check"]);
        assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    };

    cli_account_disable_and_allowance_are_saved => |db: Db| {
        db.run(&["import", &sample()]);
        succeeded(db.run(&["account", "10000000007919", "--max-call", "5", "--calls-per-day", "2"]));
        let o = db.run(&["account", "10000000007919", "--max-call", "0"]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let o = succeeded(db.run(&["account", "10000000007919", "--suspend-until", "2099-01-31", "--reason", "discipline", "--json"]));
        let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
        assert_eq!((v["duree_max_appel_min"].as_u64(), v["appels_par_jour"].as_u64()), (Some(5), Some(2)));
        assert_eq!(v["suspendu_jusqu_au"], "31/01/2099");
        assert_eq!(v["motif_suspension"], "discipline");
        let o = db.run(&["account", "10000000007919", "--resume", "--json"]);
        let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
        assert!(v["suspendu_jusqu_au"].is_null(), "{v}");
        let o = db.run(&["account", "10000000007919", "--resume"]);
        assert_eq!(o.status.code(), Some(1));
        assert_stderr_has(&o, "ne sont pas suspendus");
        succeeded(db.run(&["account", "10000000007919", "--disable", "--allowance", "90"]));
        let o = db.run(&["account", "10000000007919", "--json"]);
        let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
        assert_eq!(v["etat_compte"], "Désactivé");
        assert_eq!(v["duree_appel_min"], 90);
    };
}

#[test]
fn a_cash_desk_user_credits_but_cannot_debit_import_or_delete() {
    let admin = Db::site();
    let site = admin.name.clone().unwrap();
    assert_eq!(admin.run(&["import", &sample()]).status.code(), Some(0));
    let caisse = admin.as_user("caisse_a", "caisse");
    let m = "10000000023757";
    succeeded(caisse.run(&["balance", m, "credit", "5", "--reason", "dépôt famille"]));
    assert_eq!(balance_of(&caisse, m), "5,000");
    let movements = || {
        cluster().value(
            &site,
            "SELECT count(*) || '/' || sum(amount) FROM movements",
        )
    };
    let journal = || cluster().value(&site, "SELECT count(*) FROM audit");
    let (m0, j0) = (movements(), journal());
    assert_eq!(m0, "1/5000");
    let file = sample();
    let master = fixture("Master-sample.csv").to_str().unwrap().to_string();
    let refused = [
        (
            vec!["balance", m, "debit", "1", "--reason", "x"],
            "débiter un compte",
        ),
        (
            vec!["balance", m, "correction", "-1", "--reason", "x"],
            "corriger un solde",
        ),
        (vec!["account", m, "--delete"], "supprimer un compte"),
        (vec!["import", &file], "d'importer des comptes"),
        (vec!["account", m, "--disable"], "modifier un compte"),
        (vec!["calls", "import", &master], "charger des appels"),
        // Refused before the question of the keys that hold it (Lotfi's 99383470).
        (
            vec!["numbers", "block", "+21699*", "--reason", "x"],
            "changer les numéros interdits",
        ),
    ];
    for (args, what) in refused {
        let o = caisse.run(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.starts_with("Votre rôle (caisse) ne permet pas"),
            "{err}"
        );
        assert!(err.contains(what), "{err}");
        assert!(err.contains("Aucune modification n'a été faite."), "{err}");
    }
    assert_eq!((movements(), journal()), (m0.clone(), j0.clone()));
    // The operator of the credit is the signed-in user.
    assert_eq!(
        cluster().value(&site, "SELECT operator FROM movements"),
        "caisse_a"
    );
    // By hand with psql, as the same user: reading works, writing any table is denied.
    let denied = |sql: &str, why: &str| {
        let (ok, out) = cluster().psql("caisse_a", &site, sql);
        assert!(!ok && out.contains(why), "{sql}: {out}");
    };
    let (ok, out) = cluster().psql("caisse_a", &site, "SELECT count(*) FROM accounts");
    assert!(ok, "{out}");
    for table in [
        "accounts",
        "movements",
        "audit",
        "calls",
        "settings",
        "tariffs",
        "call_attempts",
        "call_holds",
        "blocked_numbers",
        "privileged_numbers",
        "schema_version",
    ] {
        denied(
            &format!("DELETE FROM {table}"),
            "permission denied for table",
        );
        denied(
            &format!("INSERT INTO {table} DEFAULT VALUES"),
            "permission denied for table",
        );
    }
    denied(
        "UPDATE accounts SET balance = 1000000",
        "permission denied for table accounts",
    );
    denied(
        "SELECT * FROM forfaits_mouvement(1, 'debit', -1, 'x', 3)",
        "refusé",
    );
    assert_eq!((movements(), journal()), (m0, j0));
    // Its recharge by hand is journaled in the site's decimals, whatever it passes.
    let (ok, out) = cluster().psql(
        "caisse_a",
        &site,
        "SELECT refused FROM forfaits_mouvement(1, 'recharge', 1000, '', 0)",
    );
    assert!(ok, "{out}");
    assert!(
        cluster()
            .value(&site, "SELECT details FROM audit ORDER BY id DESC LIMIT 1")
            .starts_with("+1,000 ; solde "),
        "{}",
        cluster().value(&site, "SELECT details FROM audit ORDER BY id DESC LIMIT 1")
    );
    assert_eq!(admin.run(&["check"]).status.code(), Some(0));
}

#[test]
fn a_reading_user_searches_but_credits_nothing_and_a_telephony_user_is_no_administrator() {
    let admin = Db::site();
    admin.run(&["import", &sample()]);
    let lecture = admin.as_user("lecture_a", "lecture");
    assert_eq!(balance_of(&lecture, "10000000023757"), "0,000");
    let o = lecture.run(&["balance", "10000000023757", "credit", "1", "--reason", ""]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("Votre rôle (lecture) ne permet pas de recharger un compte."),
        "{}",
        stderr(&o)
    );
    // Every refusal names the role and the action.
    let o = lecture.run(&["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("Votre rôle (lecture) ne permet pas de vérifier la base."),
        "{}",
        stderr(&o)
    );
    // An export the role may not make leaves no file, nor changes one already there.
    let dir = tempfile::tempdir().unwrap();
    let kept = dir.path().join("export.csv");
    std::fs::write(&kept, "ancien export").unwrap();
    let o = lecture.run(&["export", "--out", kept.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("Votre rôle (lecture) ne permet pas d'exporter."),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), "ancien export");
    let site = admin.name.clone().unwrap();
    let telephonie = admin.as_user("asterisk_a", "telephonie");
    let history = dir.path().join("appels.csv");
    let o = telephonie.run(&[
        "calls",
        "export",
        "10000000000000",
        "--out",
        history.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!history.exists());
    let sheet = dir.path().join("fiche.pdf");
    let o = telephonie.run(&["sheet", "10000000000000", "--out", sheet.to_str().unwrap()]);
    assert!(
        stderr(&o).starts_with("Votre rôle (telephonie) ne permet pas d'imprimer une fiche."),
        "{}",
        stderr(&o)
    );
    assert!(!sheet.exists());
    let (ok, out) = cluster().psql("asterisk_a", &site, "DELETE FROM accounts");
    assert!(!ok && out.contains("permission denied"), "{out}");
    let (ok, out) = cluster().psql("asterisk_a", &site, "UPDATE accounts SET name = 'x'");
    assert!(!ok && out.contains("permission denied"), "{out}");
    let (ok, out) = cluster().psql("asterisk_a", &site, "UPDATE accounts SET balance = balance");
    assert!(ok, "the service bills calls: {out}");
    // By hand, its login takes from a balance as billing does, and can give nothing back.
    let lotfi = "(SELECT id FROM accounts WHERE matricule = '10000000000000')";
    let (ok, out) = cluster().psql(
        "asterisk_a",
        &site,
        &format!("UPDATE accounts SET balance = balance + 500000 WHERE id = {lotfi}"),
    );
    assert!(!ok && out.contains("ne crédite aucun compte"), "{out}");
    let (ok, out) = cluster().psql(
        "asterisk_a",
        &site,
        "UPDATE accounts SET used_seconds = used_seconds - 1",
    );
    assert!(!ok && out.contains("ne crédite aucun compte"), "{out}");
    for (kind, amount) in [("recharge", 500000), ("appel", 5), ("appel", -5)] {
        let (ok, out) = cluster().psql(
            "asterisk_a",
            &site,
            &format!(
                "INSERT INTO movements (account_id, at, kind, amount, balance_after, reason, operator)
                 SELECT id, 0, '{kind}', {amount}, balance + 500000, 'guichet', 'x'
                 FROM accounts WHERE id = {lotfi}"
            ),
        );
        assert!(
            !ok && out.contains("que le débit d'un appel"),
            "{kind} {amount}: {out}"
        );
    }
    assert_eq!(balance_of(&admin, "10000000000000"), "0,000");
    let o = admin.run(&["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// An administrator does everything the window does, and by hand no more: the ledger and the
/// Journal are only added to.
#[test]
fn an_administrator_cannot_rewrite_the_ledger_or_the_journal_by_hand() {
    let owner = Db::site();
    owner.run(&["import", &sample()]);
    let admin = owner.as_user("admin_a", "admin");
    succeeded(admin.run(&["balance", "10000000007919", "credit", "2", "--reason", ""]));
    let site = owner.name.clone().unwrap();
    for sql in [
        "UPDATE movements SET amount = amount * 10",
        "DELETE FROM movements",
        "TRUNCATE movements",
        "UPDATE audit SET details = 'rien'",
        "DELETE FROM audit",
        // A trigger of its own would run as the owner inside `forfaits_mouvement`.
        "CREATE FUNCTION pg_temp.f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
         UPDATE movements SET amount = amount * 10; DELETE FROM audit; RETURN NEW; END $$; \
         CREATE TRIGGER zz AFTER UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION pg_temp.f()",
    ] {
        let (ok, out) = cluster().psql("admin_a", &site, sql);
        assert!(!ok && out.contains("permission denied"), "{sql}: {out}");
    }
    // Deleting an account still takes its movements, and the base stays consistent.
    succeeded(admin.run(&["account", "10000000007919", "--delete"]));
    assert_eq!(
        cluster().value(&site, "SELECT count(*) FROM movements"),
        "0"
    );
    assert_eq!(owner.run(&["check"]).status.code(), Some(0));
}

#[test]
fn four_desks_crediting_one_account_at_once_add_exactly_the_sum() {
    let admin = Db::site();
    admin.run(&["import", &sample()]);
    let m = "10000000007919";
    admin.run(&["balance", m, "credit", "1", "--reason", ""]);
    let caisse = admin.as_user("caisse_b", "caisse");
    let url = caisse.arg.clone();
    let desks: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || {
                for _ in 0..25 {
                    let o = run(
                        Some(&url),
                        &["balance", m, "credit", "0,001", "--reason", ""],
                    );
                    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
                }
            })
        })
        .collect();
    for d in desks {
        d.join().unwrap();
    }
    assert_eq!(balance_of(&admin, m), "1,100");
    let site = admin.name.clone().unwrap();
    assert_eq!(
        cluster().value(
            &site,
            "SELECT count(*) FROM movements WHERE operator = 'caisse_b'"
        ),
        "100"
    );
    let o = admin.run(&["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn site_migrate_of_a_base_with_rated_calls_gives_the_same_export_and_balances() {
    let local = Db::sqlite();
    assert_eq!(local.run(&["import", &sample()]).status.code(), Some(0));
    local.run(&[
        "balance",
        "10000000000000",
        "credit",
        "3",
        "--reason",
        "dépôt",
    ]);
    local.run(&["balance", "10000000007919", "credit", "1,5", "--reason", ""]);
    let t = local.run(&[
        "tariffs",
        "import",
        fixture("tariffs-sample.csv").to_str().unwrap(),
    ]);
    assert_eq!(t.status.code(), Some(0), "{}", stderr(&t));
    let c = local.run(&[
        "calls",
        "import",
        fixture("Master-sample.csv").to_str().unwrap(),
    ]);
    assert_stdout_has(&c, "3 facturés");
    let export_before = stdout(&local.run(&["export"]));
    let file_before = std::fs::read(&local.arg).unwrap();

    let (url, name) = cluster().new_db();
    let o = {
        let _g = roles_lock();
        local.run(&["site", "migrate", &url])
    };
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_stdout_has(&o, "25 comptes, 5 mouvements, 4 appels");
    let site = Db {
        arg: url.clone(),
        _dir: None,
        name: Some(name.clone()),
    };
    assert_eq!(stdout(&site.run(&["export"])), export_before);
    assert_eq!(
        std::fs::read(&local.arg).unwrap(),
        file_before,
        "the SQLite file is only read"
    );
    for m in ["10000000000000", "10000000007919", "10000000023757"] {
        assert_eq!(balance_of(&site, m), balance_of(&local, m), "{m}");
    }
    assert_eq!(cluster().value(&name, "SELECT count(*) FROM calls"), "4");
    let history = |db: &Db| stdout(&db.run(&["calls", "export", "10000000000000"]));
    assert_eq!(history(&site), history(&local));
    assert!(history(&site).lines().count() >= 3, "{}", history(&site));
    let o = site.run(&["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // New ids go on after the copied ones; the operators of the copied movements are kept.
    succeeded(site.run(&["balance", "10000000023757", "credit", "1", "--reason", ""]));
    // A second migration into a site with accounts is refused, nothing copied.
    let o = local.run(&["site", "migrate", &url]);
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_has(&o, "contient déjà des comptes, des mouvements, des appels");

    // Nor does a migration erase the tariffs, rules and Journal of a site without accounts.
    let (url, name) = cluster().new_db();
    let fresh = Db {
        arg: url.clone(),
        _dir: None,
        name: Some(name.clone()),
    };
    {
        let _g = roles_lock();
        succeeded(run(None, &["site", "init", &url]));
    }
    succeeded(fresh.run(&[
        "numbers",
        "block",
        "+2169*",
        "--reason",
        "décision du directeur",
    ]));
    let o = local.run(&["site", "migrate", &url]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_stderr_has(
        &o,
        "contient déjà des numéros interdits et des lignes de Journal : la migration se fait dans \
         une base vide",
    );
    assert_eq!(
        cluster().value(&name, "SELECT count(*) FROM blocked_numbers"),
        "1"
    );
    assert_eq!(cluster().value(&name, "SELECT count(*) FROM accounts"), "0");
}

#[test]
fn site_mistakes_are_said_in_french() {
    let o = run(Some("postgres://nobody@127.0.0.1:1/x"), &["search", "a"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("Connexion impossible à la base de site nobody@127.0.0.1:1/x : aucun serveur n'écoute à cette adresse et ce port"),
        "{}",
        stderr(&o)
    );
    let (url, name) = cluster().new_db();
    for (user, db, said) in [
        (
            "personne_ici",
            name.as_str(),
            "le serveur refuse cet utilisateur",
        ),
        (
            "postgres",
            "pas_de_base_ici",
            "cette base n'existe pas sur le serveur",
        ),
    ] {
        let o = run(Some(&cluster().url(user, db)), &["search", "a"]);
        assert_eq!(o.status.code(), Some(2));
        assert_stderr_has(&o, said);
        assert!(!stderr(&o).contains("does not exist"), "{}", stderr(&o));
    }
    let o = run(Some(&url), &["check"]);
    assert_eq!(o.status.code(), Some(2));
    assert_stderr_has(&o, "n'est pas une base de site Forfaits");
    let admin = Db::site();
    let o = admin.run(&["site", "user", "add", "x", "--role", "chef"]);
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_has(&o, "Rôle inconnu « chef »");
    let o = admin.run(&["site", "user", "add", "Robert'); DROP", "--role", "caisse"]);
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_has(&o, "Nom d'utilisateur");
    // A PostgreSQL login the site never gave a role: told who to ask and what to run.
    {
        let _g = roles_lock();
        let (ok, out) = cluster().psql(
            "postgres",
            "postgres",
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sans_role') \
             THEN CREATE ROLE sans_role LOGIN; END IF; END $$",
        );
        assert!(ok, "{out}");
    }
    let site_name = admin.name.as_deref().unwrap();
    let o = run(
        Some(&cluster().url("sans_role", site_name)),
        &["search", "a"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_stderr_has(
        &o,
        "L'utilisateur PostgreSQL « sans_role » n'a aucun rôle Forfaits sur",
    );
    assert_stderr_has(&o, "forfaits site user add sans_role --role");
    let dir = tempfile::tempdir().unwrap();
    let o = admin.run(&["backup", dir.path().join("b.sqlite3").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_has(
        &o,
        "« backup » se fait sur une base SQLite, pas sur une base de site",
    );
    assert_stderr_has(&o, "celles de son serveur PostgreSQL (pg_dump, pg_restore)");
    let o = run(None, &["site", "init", "postgres://a@b:notaport/c"]);
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_has(&o, "Adresse de base de site invalide");
}
