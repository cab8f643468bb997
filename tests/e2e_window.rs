//! The real window, driven through tauri-driver + WebKitWebDriver under Xvfb, on a database
//! prepared with the command line.

mod support;

use fantoccini::Locator;
use support::*;

async fn visible_names(c: &fantoccini::Client) -> Vec<String> {
    texts(c, "tbody tr[data-id] td.sticky").await
}

#[tokio::test(flavor = "multi_thread")]
async fn window_lists_imported_accounts_and_searches_them() {
    let _guard = E2E_LOCK.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.sqlite3");
    let o = forfaits(
        &db,
        &["import", shared_data("users-sample.csv").to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));

    let desktop = Desktop::start();
    let c = desktop.open(&db).await;
    let names = wait_for(20, "les lignes du tableau", || async {
        let n = visible_names(&c).await;
        (n.len() >= 20).then_some(n)
    })
    .await;
    screenshot(&c, "01-forfaits-utilisateurs").await;
    assert_eq!(names[0], "Ahmed Ferchichi", "trié par nom: {names:?}");
    assert!(names.contains(&"Hédi Ben Salah".to_string()));
    let status = text(&c, "#statut-comptes").await;
    assert_eq!(status, "25 utilisateurs");
    screenshot(&c, "01-forfaits-utilisateurs").await;

    let search = c.find(Locator::Css("#recherche")).await.unwrap();
    search.send_keys("trabelsi").await.unwrap();
    let names = wait_for(10, "le résultat de la recherche", || async {
        let n = visible_names(&c).await;
        (n.len() == 2).then_some(n)
    })
    .await;
    assert_eq!(names, ["Amira Trabelsi", "Rania Trabelsi"]);
    let status = text(&c, "#statut-comptes").await;
    assert_eq!(status, "2 utilisateurs trouvés pour « trabelsi »");
    screenshot(&c, "02-recherche").await;
    c.close().await.unwrap();
}
