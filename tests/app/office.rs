//! Office documents through the real `forfaits` binary (SPEC §14): the sheet printed through a
//! real CUPS daemon and its PDF printer, `.xlsx` exported and imported back, LibreOffice reading
//! the export, and Arabic names through the search.

use crate::support::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const ARABIC: &str = "محمد بن علي;00012345678901;1234567;+21620111222\n\
أحمد الطرابلسي;00012345678902;1234568\n\
فاطمة الزهراء;00012345678903;1234569\n\
Éléonore Ben Saïd;00012345678904;1234570;0021650191614;;;;;;;;+21698765432\n";

fn base_with_names() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.sqlite3");
    let csv = write_file(dir.path(), "noms.csv", ARABIC);
    succeeded(forfaits(&db, &["import", csv.to_str().unwrap()]));
    (dir, db)
}

fn run(program: &str, args: &[&str]) -> std::process::Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} : {e}"))
}

/// A CUPS scheduler with the `PDF` printer of cups-pdf: the one running, or one started here
/// (this machine has no systemd; the daemon stays for the other tests of the run).
fn cups_pdf_printer() -> &'static str {
    static READY: OnceLock<()> = OnceLock::new();
    READY.get_or_init(|| {
        let running =
            |()| String::from_utf8_lossy(&run("lpstat", &["-r"]).stdout).contains("is running");
        if !running(()) {
            let o = run("/usr/sbin/cupsd", &[]);
            assert!(o.status.success(), "cupsd : {}", stderr(&o));
            let t = Instant::now();
            while !running(()) {
                assert!(t.elapsed() < Duration::from_secs(20), "cupsd ne répond pas");
                std::thread::sleep(Duration::from_millis(200));
            }
        }
        let printers = String::from_utf8_lossy(&run("lpstat", &["-p"]).stdout).into_owned();
        if !printers.contains("printer PDF ") {
            let o = run(
                "lpadmin",
                &[
                    "-p",
                    "PDF",
                    "-v",
                    "cups-pdf:/",
                    "-E",
                    "-m",
                    "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd",
                ],
            );
            assert!(o.status.success(), "lpadmin : {}", stderr(&o));
        }
        // CUPS turns a PDF into PostScript for cups-pdf, which turns it back into PDF. With
        // Ghostscript as the renderer the text comes back as pictures of letters; Poppler's
        // Cairo renderer keeps it, so the printed page can be read back.
        let o = run(
            "lpadmin",
            &["-p", "PDF", "-o", "pdftops-renderer-default=pdftocairo"],
        );
        assert!(o.status.success(), "lpadmin : {}", stderr(&o));
    });
    "PDF"
}

/// cups-pdf writes job N of the current user to `~/PDF/<title>-job_N.pdf` (its `Out` line);
/// only a file written `since` the job was sent is it (CUPS numbers jobs again from 1 when its
/// cache is lost, and an older run's file may have the same name).
fn printed_file(job: &str, since: std::time::SystemTime) -> PathBuf {
    let n = job.rsplit('-').next().unwrap();
    // cups-pdf takes the home directory from the account database, not from $HOME (which a CI
    // runner may point elsewhere).
    let me = stdout(&run("id", &["-u"])).trim().to_string();
    let home = stdout(&run("getent", &["passwd", &me]))
        .split(':')
        .nth(5)
        .map(str::to_string)
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| std::env::var("HOME").unwrap());
    let out = PathBuf::from(home).join("PDF");
    let suffix = format!("-job_{n}.pdf");
    let t = Instant::now();
    loop {
        let fresh = |p: &Path| {
            std::fs::metadata(p)
                .and_then(|m| m.modified())
                .is_ok_and(|t| t >= since)
        };
        let found = std::fs::read_dir(&out).ok().and_then(|d| {
            d.flatten()
                .map(|e| e.path())
                .find(|p| p.to_string_lossy().ends_with(&suffix) && fresh(p))
        });
        // cups-pdf writes the file in place: it is done when its size holds and it parses.
        if let Some(p) = found {
            let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
            let before = size(&p);
            std::thread::sleep(Duration::from_millis(500));
            if before > 0
                && size(&p) == before
                && run("pdfinfo", &[p.to_str().unwrap()]).status.success()
            {
                return p;
            }
        }
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "{suffix} absent de {}",
            out.display()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn pdftotext(pdf: &Path) -> String {
    stdout(&run("pdftotext", &[pdf.to_str().unwrap(), "-"]))
}

#[test]
fn sheet_print_goes_through_cups_to_the_pdf_printer_and_reads_back() {
    let printer = cups_pdf_printer();
    let (_d, db) = base_with_names();
    forfaits(&db, &["balance", "00012345678901", "credit", "12,5"]);
    let before = db_snapshot(&db);
    // A second short of the clock, as file times may be rounded down.
    let sent = std::time::SystemTime::now() - Duration::from_secs(1);
    let o = forfaits(
        &db,
        &["sheet", "00012345678901", "--print", "--printer", printer],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let said = stderr(&o);
    assert!(said.contains("envoyée à l'imprimante « PDF »"), "{said}");
    let job = said
        .split("(travail ")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .unwrap_or_else(|| panic!("no job in: {said}"));
    let text = pdftotext(&printed_file(job, sent));
    for w in [
        "Fiche du compte",
        "00012345678901",
        "1234567",
        "12,500 TND",
        "Touche 1",
        "بن علي",
    ] {
        assert!(
            text.contains(w),
            "« {w} » absent de la page imprimée :\n{text}"
        );
    }
    assert_eq!(
        db_snapshot(&db),
        before,
        "printing writes nothing to the base"
    );
}

#[test]
fn printing_to_a_missing_or_misnamed_printer_is_refused_in_french() {
    cups_pdf_printer();
    let (_d, db) = base_with_names();
    let before = db_snapshot(&db);
    let o = forfaits_words(&db, "sheet 00012345678901 --print --printer Absente");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_stderr_has(&o, "Absente");
    let o = forfaits_words(&db, "sheet 00012345678901 --print --printer 'a b/c'");
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_has(&o, "n'est pas un nom d'imprimante");
    let o = forfaits(&db, &["sheet", "00012345678901", "--printer", "PDF"]);
    assert_eq!(o.status.code(), Some(2), "--printer needs --print");
    assert_eq!(db_snapshot(&db), before);
}

#[test]
fn the_sheet_of_an_arabic_name_embeds_its_font_and_reads_back() {
    let (d, db) = base_with_names();
    let pdf = d.path().join("fiche.pdf");
    let o = forfaits(
        &db,
        &["sheet", "00012345678901", "--out", pdf.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fonts = stdout(&run("pdffonts", &[pdf.to_str().unwrap()]));
    assert!(
        fonts.contains("DejaVuSans") && fonts.contains(" yes "),
        "{fonts}"
    );
    let text = pdftotext(&pdf);
    for w in ["محمد", "بن", "علي"] {
        assert!(text.contains(w), "« {w} » absent :\n{text}");
    }
    assert!(!text.contains('?'), "{text}");
}

#[test]
fn arabic_and_french_spellings_find_the_same_people() {
    let (_d, db) = base_with_names();
    let spellings = [
        ("احمد", "أحمد الطرابلسي"),
        ("فاطمه", "فاطمة الزهراء"),
        ("eleonore", "Éléonore Ben Saïd"),
        ("مُحَمَّد", "محمد بن علي"),
    ];
    for (query, name) in spellings {
        let o = succeeded(forfaits(&db, &["search", query]));
        assert!(stdout(&o).contains(name), "{query} → {}", stdout(&o));
    }
}

#[test]
fn an_xlsx_export_imports_back_the_same_and_libreoffice_keeps_the_zeros() {
    let (d, db) = base_with_names();
    forfaits(&db, &["balance", "00012345678904", "credit", "7,25"]);
    let xlsx = d.path().join("comptes.xlsx");
    let to = xlsx.to_str().unwrap();
    succeeded(forfaits(&db, &["export", "--format", "xlsx", "--out", to]));
    assert_eq!(&std::fs::read(&xlsx).unwrap()[..2], b"PK", "a zip archive");

    let db2 = d.path().join("vide.sqlite3");
    let o = succeeded(forfaits(&db2, &["import", xlsx.to_str().unwrap()]));
    assert_eq!(stdout(&o).lines().last(), Some("4 importés, 0 rejeté"));
    let same = |db: &Path| stdout(&forfaits(db, &["export", "--format", "import"]));
    assert_eq!(same(&db2), same(&db));

    // LibreOffice, as a clerk's other spreadsheet, reads the matricules as text.
    let profile = format!("-env:UserInstallation=file://{}/lo", d.path().display());
    let o = run(
        "soffice",
        &[
            &profile,
            "--headless",
            "--convert-to",
            // `;` between fields, `"` around text, UTF-8 (76).
            "csv:Text - txt - csv (StarCalc):59,34,76",
            "--outdir",
            d.path().to_str().unwrap(),
            xlsx.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "soffice : {}", stderr(&o));
    let csv = std::fs::read_to_string(d.path().join("comptes.csv")).unwrap();
    for m in [
        "00012345678901",
        "00012345678904",
        "0021650191614",
        "محمد بن علي",
    ] {
        assert!(csv.contains(m), "{m} absent de la conversion :\n{csv}");
    }
    assert!(csv.contains("7.25") || csv.contains("7,25"), "{csv}");
}

#[test]
fn a_broken_spreadsheet_is_refused_in_french_and_writes_nothing() {
    let (d, db) = base_with_names();
    let before = db_snapshot(&db);
    for (name, bytes) in [
        ("casse.xlsx", b"PK\x03\x04 pas un classeur".as_slice()),
        ("vide.ods", b"".as_slice()),
    ] {
        let f = d.path().join(name);
        std::fs::write(&f, bytes).unwrap();
        let o = forfaits(&db, &["import", f.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains(name), "{name}: {}", stderr(&o));
        assert_eq!(db_snapshot(&db), before, "{name}");
    }
}
