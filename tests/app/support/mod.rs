//! Shared pieces of the integration tests: running the real `forfaits` binary, and driving the
//! real window through tauri-driver + WebKitWebDriver on a private Xvfb display.

#![allow(dead_code)]

mod mock_window;
pub use mock_window::*;

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_forfaits"))
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests").join("fixtures").join(name)
}

/// Runs `forfaits --db DB args…` and returns its output.
pub fn forfaits(db: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("FORFAITS_DB")
        .output()
        .expect("le binaire forfaits se lance")
}

/// Runs `forfaits --db DB` with the words of `line` as its arguments, split as a shell would:
/// at spaces, except inside single quotes ('Me Trabelsi, avocat', and '' for an empty one).
pub fn forfaits_words(db: &Path, line: &str) -> Output {
    let quotes = line.matches('\'').count();
    assert_eq!(quotes % 2, 0, "quote left open in {line}");
    let mut words: Vec<&str> = Vec::new();
    // Cut at the quotes, the odd pieces are the quoted words.
    for (i, piece) in line.split('\'').enumerate() {
        if i % 2 == 1 {
            words.push(piece);
        } else {
            words.extend(piece.split_whitespace());
        }
    }
    forfaits(db, &words)
}

/// `forfaits --db DB balance MATRICULE OP AMOUNT --reason REASON` (OP: credit, debit,
/// correction).
pub fn balance(db: &Path, matricule: &str, op: &str, amount: &str, reason: &str) -> Output {
    forfaits(db, &["balance", matricule, op, amount, "--reason", reason])
}

/// `forfaits --db DB tariffs import` of tests/fixtures/tariffs-sample.csv.
pub fn import_sample_tariffs(db: &Path) -> Output {
    let file = fixture("tariffs-sample.csv");
    forfaits(db, &["tariffs", "import", file.to_str().unwrap()])
}

/// Asserts that the command exited with 0, showing its error output otherwise; returns its
/// output.
pub fn succeeded(o: Output) -> Output {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    o
}

/// Asserts that the command's standard output says `expected`, showing it otherwise.
pub fn assert_stdout_has(o: &Output, expected: &str) {
    let out = stdout(o);
    assert!(out.contains(expected), "{expected:?} not in: {out}");
}

/// Asserts that the command's error output says `expected`, showing it otherwise.
pub fn assert_stderr_has(o: &Output, expected: &str) {
    let err = stderr(o);
    assert!(err.contains(expected), "{expected:?} not in: {err}");
}

/// Writes `content` to a new file `name` in `dir`, and returns its path.
pub fn write_file(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let f = dir.join(name);
    std::fs::write(&f, content).unwrap();
    f
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Bytes of the database file and its WAL, to prove a refused command wrote nothing.
pub fn db_snapshot(db: &Path) -> Vec<u8> {
    let mut all = std::fs::read(db).unwrap_or_default();
    let wal = db.with_extension("sqlite3-wal");
    all.extend(std::fs::read(wal).unwrap_or_default());
    all
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn find_program(name: &str) -> PathBuf {
    let candidates = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain(std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo/bin")));
    for dir in candidates {
        let p = dir.join(name);
        if p.is_file() {
            return p;
        }
    }
    panic!("{name} introuvable : lancez `make setup` (ou le script d'installation du README)");
}

/// End-to-end stories run one at a time: one display, one driver, one window.
pub static E2E_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Xvfb + tauri-driver, stopped when dropped. The window it opens has a session bus and
/// config and data folders of its own: a Forfaits open on the desktop would otherwise
/// take the test's window over (single instance goes through the session bus), and the tests
/// would leave window state, logs and WebKit storage in the home folder.
pub struct Desktop {
    driver: Child,
    pub port: u16,
    pub screen: Display,
    _bus: Bus,
    _home: tempfile::TempDir,
}

impl Desktop {
    pub fn start() -> Desktop {
        Desktop::start_with_env(&[])
    }

    /// `env` reaches the window (tauri-driver → WebKitWebDriver → the application).
    pub fn start_with_env(env: &[(&str, &std::ffi::OsStr)]) -> Desktop {
        let screen = Display::start_sized("1440x900x24");
        let bus = Bus::start();
        let home = tempfile::tempdir().unwrap();
        let port = free_port();
        let native_port = free_port();
        let driver = Command::new(find_program("tauri-driver"))
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
                "--native-driver",
                find_program("WebKitWebDriver").to_str().unwrap(),
            ])
            .env("DISPLAY", &screen.name)
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_DATA_HOME", home.path().join("data"))
            // Not XDG_CACHE_HOME: fontconfig would build its cache again for every window (2 s).
            // What a test sets itself (a site's sign-in folders) comes last and wins.
            .envs(env.iter().map(|(k, v)| (*k, *v)))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            // Its own process group: tauri-driver starts WebKitWebDriver, which outlived it.
            .process_group(0)
            .spawn()
            .expect("tauri-driver démarre");
        // tauri-driver listens at once, WebKitWebDriver (which it starts) a moment later: a
        // session asked before both listen was cut short (« IncompleteMessage », seen once in a
        // fresh clone's run).
        let deadline = Instant::now() + Duration::from_secs(20);
        for p in [port, native_port] {
            while std::net::TcpStream::connect(("127.0.0.1", p)).is_err() {
                assert!(
                    Instant::now() < deadline,
                    "le pilote WebDriver n'écoute pas ({p})"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        Desktop {
            driver,
            port,
            screen,
            _bus: bus,
            _home: home,
        }
    }

    /// Opens the real window (`forfaits --db DB`, which starts `forfaits-fenetre`).
    pub async fn open(&self, db: &Path) -> fantoccini::Client {
        self.open_program(&bin(), db).await
    }

    /// Opens the window of another build of the program (the installed package).
    pub async fn open_program(&self, program: &Path, db: &Path) -> fantoccini::Client {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({
                "application": program,
                "args": ["--db", db],
            }),
        );
        let url = format!("http://127.0.0.1:{}", self.port);
        let mut builder = fantoccini::ClientBuilder::native();
        builder.capabilities(caps);
        // Once more if the drivers dropped the first request (above); a window that does not
        // open fails the second time.
        match builder.connect(&url).await {
            Ok(client) => client,
            Err(first) => {
                eprintln!("session WebDriver refusée une fois ({first}) : nouvel essai");
                tokio::time::sleep(Duration::from_millis(500)).await;
                builder
                    .connect(&url)
                    .await
                    .expect("session WebDriver ouverte sur la fenêtre")
            }
        }
    }

    pub fn driver_log(&mut self) -> String {
        let mut s = String::new();
        if let Some(e) = self.driver.stderr.as_mut() {
            let _ = e.read_to_string(&mut s);
        }
        s
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        // The whole group: tauri-driver and the WebKitWebDriver it started.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.driver.id())])
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Polls `f` until it returns `Some`, or fails after `secs` with `what`.
pub async fn wait_for<T, F, Fut>(secs: u64, what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(Instant::now() < deadline, "délai dépassé : {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Saves a screenshot under target/e2e-screenshots/ for review.
pub async fn screenshot(client: &fantoccini::Client, name: &str) {
    let dir = repo().join("target").join("e2e-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    // Let the page paint what it just rendered (two animation frames) before capturing.
    let _ = client
        .execute_async(
            "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 150)));",
            vec![],
        )
        .await;
    if let Ok(png) = client.screenshot().await {
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }
}

/// `textContent` of every element matching `css` (WebKitWebDriver's element text is empty for
/// cells of a sticky column, so the DOM is asked directly). Nothing when the driver fails to
/// read the answer: under load, WebKitWebDriver now and then says « Could not parse script
/// result » for a script that ran, and the callers poll again.
pub async fn texts(c: &fantoccini::Client, css: &str) -> Vec<String> {
    let v = c
        .execute(
            "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent)",
            vec![serde_json::Value::String(css.into())],
        )
        .await;
    v.ok()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default()
}

pub async fn text(c: &fantoccini::Client, css: &str) -> String {
    texts(c, css).await.into_iter().next().unwrap_or_default()
}

/// The window under test, with the few gestures the stories need.
pub struct Win {
    pub c: fantoccini::Client,
}

impl Win {
    pub async fn js(&self, script: &str, args: Vec<serde_json::Value>) -> serde_json::Value {
        self.c
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script échoué ({e}) : {script}"))
    }

    /// What an asynchronous `script` passes to its last argument, the callback.
    pub async fn js_async(&self, script: &str, args: Vec<serde_json::Value>) -> serde_json::Value {
        self.c
            .execute_async(script, args)
            .await
            .unwrap_or_else(|e| panic!("script échoué ({e}) : {script}"))
    }

    /// The string `script` returns ("" when it returns anything else).
    pub async fn js_text(&self, script: &str, args: Vec<serde_json::Value>) -> String {
        let v = self.js(script, args).await;
        v.as_str().unwrap_or_default().to_string()
    }

    /// Clicks `css` once it is scrolled into view and still, with nothing over it. The driver
    /// aims at coordinates it computed before scrolling an inner container; on a loaded machine
    /// the press then landed beside a button low in the drawer and nothing happened.
    pub async fn click(&self, css: &str) {
        self.try_click(css)
            .await
            .unwrap_or_else(|e| panic!("clic sur {css} : {e}"));
    }

    /// [`Win::click`], the driver's refusal returned (the element drawn again meanwhile).
    pub async fn try_click(&self, css: &str) -> Result<(), fantoccini::error::CmdError> {
        wait_for(10, &format!("élément {css}"), || async {
            self.c.find(fantoccini::Locator::Css(css)).await.ok()
        })
        .await;
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            let ready = self
                .c
                .execute_async(
                    "const [css, done] = arguments; const e = document.querySelector(css);
                     if (!e) return done(false);
                     e.scrollIntoView({ block: 'nearest', inline: 'nearest' });
                     const at = () => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height].join(); };
                     const before = at();
                     requestAnimationFrame(() => requestAnimationFrame(() => {
                       const r = e.getBoundingClientRect();
                       const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
                       const aimed = hit && (e.contains(hit) || hit.closest('label')?.control === e);
                       done(Boolean(aimed) && at() === before);
                     }));",
                    vec![css.into()],
                )
                .await;
            if matches!(ready, Ok(serde_json::Value::Bool(true))) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Found again once still: scrolling it into view may have drawn it anew.
        self.c
            .find(fantoccini::Locator::Css(css))
            .await?
            .click()
            .await
    }

    /// Clicks the first element matching `css` whose text contains `text`, scrolled to the middle
    /// of its page first (the driver does not scroll inner containers: a button low on a long
    /// page would stay under the status line).
    pub async fn click_text(&self, css: &str, text: &str) {
        let found = wait_for(10, &format!("{css} « {text} »"), || async {
            let v = self
                .js(
                    "const e = Array.from(document.querySelectorAll(arguments[0])).find(x => x.textContent.includes(arguments[1]) && x.offsetParent !== null); if (e) { e.setAttribute('data-e2e', 'cible'); e.scrollIntoView({ block: 'center' }); return true; } return false;",
                    vec![css.into(), text.into()],
                )
                .await;
            v.as_bool().filter(|b| *b)
        })
        .await;
        let _ = found;
        self.click("[data-e2e=cible]").await;
        self.js(
            "document.querySelector('[data-e2e=cible]')?.removeAttribute('data-e2e')",
            vec![],
        )
        .await;
    }

    /// Replaces the value of an input, as typed keys (so input events fire).
    pub async fn fill(&self, css: &str, value: &str) {
        let el = wait_for(10, &format!("champ {css}"), || async {
            self.c.find(fantoccini::Locator::Css(css)).await.ok()
        })
        .await;
        el.clear().await.unwrap();
        el.send_keys(value).await.unwrap();
    }

    /// Empties an input.
    pub async fn clear(&self, css: &str) {
        let el = self.c.find(fantoccini::Locator::Css(css)).await.unwrap();
        el.clear().await.unwrap();
    }

    pub async fn keys(&self, css: &str, keys: &str) {
        let el = self.c.find(fantoccini::Locator::Css(css)).await.unwrap();
        el.send_keys(keys).await.unwrap();
    }

    pub async fn text(&self, css: &str) -> String {
        text(&self.c, css).await
    }

    pub async fn texts(&self, css: &str) -> Vec<String> {
        texts(&self.c, css).await
    }

    /// Waits until the text of `css` contains `expected`, and returns it.
    pub async fn wait_text(&self, css: &str, expected: &str) -> String {
        wait_for(15, &format!("« {expected} » dans {css}"), || async {
            let t = self.texts(css).await.join(" | ");
            t.contains(expected).then_some(t)
        })
        .await
    }

    pub async fn wait_gone(&self, css: &str) {
        wait_for(10, &format!("disparition de {css}"), || async {
            let v = self
                .js(
                    "const e = document.querySelector(arguments[0]); return !e || e.hidden || e.offsetParent === null;",
                    vec![css.into()],
                )
                .await;
            v.as_bool().filter(|b| *b)
        })
        .await;
    }

    pub async fn shot(&self, name: &str) {
        screenshot(&self.c, name).await;
    }

    /// A screenshot with `css` scrolled to the top of the view.
    pub async fn shot_from(&self, css: &str, name: &str) {
        let script = "document.querySelector(arguments[0]).scrollIntoView({ block: 'start' })";
        self.js(script, vec![css.into()]).await;
        self.shot(name).await;
    }
}

/// Field of the open panel or modal by its data-champ key.
pub fn champ(key: &str) -> String {
    format!("[data-champ='{key}']")
}

/// Starts `cmd` and reads the first line it prints (a display number, a bus address).
fn spawn_reading_line(mut cmd: Command, what: &str) -> (Child, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{what} ne démarre pas : {e}"));
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap_or_else(|e| panic!("{what} ne répond pas : {e}"));
    (child, line.trim().to_string())
}

/// A private Xvfb display, stopped when dropped.
pub struct Display {
    xvfb: Child,
    pub name: String,
}

impl Display {
    pub fn start() -> Display {
        Display::start_sized("1280x800x24")
    }

    pub fn start_sized(screen: &str) -> Display {
        let mut cmd = Command::new(find_program("Xvfb"));
        cmd.args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            screen,
            "-nolisten",
            "tcp",
        ]);
        let (xvfb, number) = spawn_reading_line(cmd, "Xvfb");
        Display {
            xvfb,
            name: format!(":{number}"),
        }
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
    }
}

/// A private D-Bus session bus (single-instance detection goes through it on Linux).
pub struct Bus {
    daemon: Child,
    pub address: String,
}

impl Bus {
    pub fn start() -> Bus {
        let mut cmd = Command::new(find_program("dbus-daemon"));
        cmd.args(["--session", "--nofork", "--print-address"]);
        let (daemon, address) = spawn_reading_line(cmd, "dbus-daemon");
        Bus { daemon, address }
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}
