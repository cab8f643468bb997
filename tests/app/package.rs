//! The Linux installer as an administrator gets it: `make package-test` builds the `.deb`, then
//! this test installs it (with `dpkg -i` on the machine when run as root, else unpacked into a
//! scratch root), runs the installed command line and opens the installed window.

use crate::support::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} ne se lance pas : {e}"))
}

fn ok(program: &str, args: &[&str]) -> String {
    let o = run(program, args);
    assert!(
        o.status.success(),
        "{program} {args:?} a échoué : {}{}",
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

fn is_root() -> bool {
    ok("id", &["-u"]).trim() == "0"
}

fn installed_version() -> Option<String> {
    let o = run("dpkg-query", &["-W", "-f=${Status} ${Version}", "forfaits"]);
    let s = stdout(&o);
    (o.status.success() && s.starts_with("install ok installed"))
        .then(|| s.rsplit(' ').next().unwrap_or_default().to_string())
}

/// Where the package's files are: `/` after a real install, or a scratch folder.
enum Root {
    System { was_installed: bool },
    Scratch(tempfile::TempDir),
}

impl Root {
    fn path(&self) -> &Path {
        match self {
            Root::System { .. } => Path::new("/"),
            Root::Scratch(d) => d.path(),
        }
    }
}

impl Drop for Root {
    fn drop(&mut self) {
        // Leave the machine as it was: remove what this test installed.
        if let Root::System {
            was_installed: false,
        } = self
        {
            let _ = run("dpkg", &["-r", "forfaits"]);
        }
    }
}

fn install(deb: &str) -> Root {
    if is_root() {
        let was_installed = installed_version().is_some();
        ok("dpkg", &["-i", deb]);
        assert_eq!(
            installed_version().as_deref(),
            Some(env!("CARGO_PKG_VERSION")),
            "dpkg knows the package as installed"
        );
        Root::System { was_installed }
    } else {
        eprintln!("pas root : paquet décompressé dans un dossier de travail (dpkg-deb -x)");
        let dir = tempfile::tempdir().unwrap();
        ok("dpkg-deb", &["-x", deb, dir.path().to_str().unwrap()]);
        Root::Scratch(dir)
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the .deb built by `make package-test` (FORFAITS_DEB)"]
async fn the_deb_installs_and_its_command_line_and_window_work() {
    let deb =
        std::env::var("FORFAITS_DEB").expect("FORFAITS_DEB : chemin du .deb (make package-test)");
    assert!(Path::new(&deb).is_file(), "{deb} n'existe pas");

    // Identity written in the package.
    let field = |f: &str| ok("dpkg-deb", &["-f", &deb, f]).trim().to_string();
    assert_eq!(field("Package"), "forfaits");
    assert_eq!(field("Version"), env!("CARGO_PKG_VERSION"));
    assert!(
        field("Description").contains("Gestion des forfaits"),
        "{}",
        field("Description")
    );
    assert!(
        field("Depends").contains("libwebkit2gtk-4.1-0"),
        "{}",
        field("Depends")
    );
    assert!(
        field("Maintainer").contains("Comunik"),
        "{}",
        field("Maintainer")
    );
    let listing = ok("dpkg-deb", &["-c", &deb]);
    let files: Vec<&str> = listing
        .lines()
        .filter_map(|l| l.split_whitespace().last())
        .map(|p| p.trim_start_matches("./"))
        .collect();
    for path in [
        "usr/bin/forfaits",
        "usr/bin/forfaits-fenetre",
        "usr/share/applications/Forfaits.desktop",
        "usr/share/icons/hicolor/128x128/apps/forfaits.png",
        // The call-control service's unit: installed, not enabled.
        "usr/lib/systemd/system/forfaits-agi.service",
    ] {
        assert!(
            files.contains(&path),
            "{path} manque dans le paquet :\n{listing}"
        );
    }
    let size_kib: u64 = field("Installed-Size").parse().unwrap();
    eprintln!(
        "paquet : {} Kio ; installé : {size_kib} Kio",
        std::fs::metadata(&deb).unwrap().len() / 1024
    );

    let root = install(&deb);
    let usr_bin = root.path().join("usr/bin");
    let program: PathBuf = usr_bin.join("forfaits");
    let p = program.to_str().unwrap();

    // The menu entry starts the installed program.
    let entry =
        std::fs::read_to_string(root.path().join("usr/share/applications/Forfaits.desktop"))
            .unwrap();
    assert!(entry.lines().any(|l| l == "Exec=forfaits"), "{entry}");
    assert!(entry.lines().any(|l| l == "Icon=forfaits"), "{entry}");
    assert!(entry.contains("Comment=Gestion des forfaits"), "{entry}");

    // The service's unit runs the installed program; the package does not enable it.
    let unit = std::fs::read_to_string(
        root.path()
            .join("usr/lib/systemd/system/forfaits-agi.service"),
    )
    .unwrap();
    assert!(
        unit.lines().any(|l| l == "ExecStart=/usr/bin/forfaits agi"),
        "{unit}"
    );
    assert!(unit.contains("WantedBy=multi-user.target"), "{unit}");
    assert!(
        !Path::new("/etc/systemd/system/multi-user.target.wants/forfaits-agi.service").exists(),
        "installed, not enabled"
    );

    // Command line of the installed program.
    let help = ok(p, &["--help"]);
    for word in ["import", "export", "search", "balance", "check", "backup"] {
        assert!(help.contains(word), "--help cite {word} :\n{help}");
    }
    assert!(ok(p, &["--version"]).contains(env!("CARGO_PKG_VERSION")));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("installe.sqlite3");
    let dbs = db.to_str().unwrap();
    let sample = fixture("users-sample.csv");
    let out = ok(p, &["--db", dbs, "import", sample.to_str().unwrap()]);
    assert!(out.contains("25 importés, 0 rejeté"), "{out}");
    let found = ok(p, &["--db", dbs, "search", "Trabelsi", "--json"]);
    assert!(found.contains("Trabelsi"), "{found}");
    // A broken file is refused in French and the database keeps its bytes.
    let before = db_snapshot(&db);
    let bad = run(
        p,
        &[
            "--db",
            dbs,
            "import",
            fixture("import/bad-matricule-13-digits.csv")
                .to_str()
                .unwrap(),
        ],
    );
    assert!(!bad.status.success());
    assert_stderr_has(&bad, "ligne");
    assert_eq!(db_snapshot(&db), before, "the refused import wrote nothing");
    ok(p, &["--db", dbs, "check"]);

    // The installed window serves its pages from inside the binary (release, custom-protocol).
    {
        let _guard = E2E_LOCK.lock().await;
        let desktop = Desktop::start();
        let w = Win {
            c: desktop.open_program(&program, &db).await,
        };
        w.wait_text("#statut-comptes", "25 utilisateurs").await;
        let rows = w.texts("tbody tr[data-id]").await;
        assert!(rows.iter().any(|r| r.contains("Trabelsi")), "{rows:?}");
        w.shot("20-paquet-installe").await;
        w.c.close().await.unwrap();
    }

    if let Root::System {
        was_installed: false,
    } = root
    {
        drop(root);
        assert!(
            !Path::new("/usr/bin/forfaits").exists(),
            "dpkg -r removed the program"
        );
        assert!(installed_version().is_none());
    }
}
