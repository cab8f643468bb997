//! How long a page of the table takes for each sort, from the store as the window asks it:
//! `cargo run --release -p forfaits-core --example sort_pages -- BASE.sqlite3`. Prints the best
//! of three runs, in milliseconds, for the first page and the page at row 100,000 of the whole
//! table, and the first page of a search for « a », both ways.

use forfaits_core::store::accounts::{ListQuery, SortKey};
use forfaits_core::store::Store;
use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("Utilisation : sort_pages BASE.sqlite3");
        std::process::exit(2);
    };
    let store = Store::open(std::path::Path::new(&path)).expect("base lisible");
    let sorts = [
        ("Nom", SortKey::Nom),
        ("Solde", SortKey::Solde),
        ("Etat", SortKey::Etat),
        ("Modification", SortKey::Modification),
        ("Touche 1", SortKey::Touche1),
    ];
    for (name, tri) in sorts {
        for desc in [false, true] {
            let mut row = format!("{name:<13}{:<5}", if desc { "desc" } else { "asc" });
            for (recherche, decalage) in [("", 0), ("", 100_000), ("a", 0)] {
                let q = ListQuery {
                    recherche: recherche.into(),
                    tri,
                    desc,
                    decalage,
                    limite: 100,
                };
                let best = (0..3)
                    .map(|_| {
                        let t = Instant::now();
                        store.list_accounts(&q).expect("page");
                        t.elapsed().as_secs_f64() * 1000.0
                    })
                    .fold(f64::MAX, f64::min);
                row += &format!("{best:>10.1}");
            }
            println!("{row}");
        }
    }
}
