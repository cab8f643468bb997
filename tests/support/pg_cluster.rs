//! A throw-away PostgreSQL cluster for the tests of site mode (SPEC §13), shared by the tests of
//! one binary: Debian's server started with `initdb`/`pg_ctl` on a free port, as the `postgres`
//! system user when the tests run as root (the server refuses root). A watchdog stops it and
//! removes its folder when the test process ends. Each test gets a database of its own.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

pub struct Cluster {
    pub port: u16,
    pub dir: PathBuf,
}

/// The server's programs: the newest `/usr/lib/postgresql/N/bin`.
fn bin_dir() -> PathBuf {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed (scripts/setup.sh installs the postgresql package)")
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, p)| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().expect("a PostgreSQL server version").1
}

/// Runs `cmd` to its end; it must succeed, or the test stops with what it said.
fn run_ok(cmd: &mut Command, what: &str) -> std::process::Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// `program args…`, as `postgres` when running as root.
fn as_server_user(program: PathBuf) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

// The watchdog outlives this process on purpose: it is never waited for.
#[allow(clippy::zombie_processes)]
pub fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(|| {
        let bin = bin_dir();
        let dir = std::env::temp_dir().join(format!("forfaits-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        if is_root() {
            assert!(Command::new("chown")
                .args(["postgres:postgres"])
                .arg(&dir)
                .status()
                .unwrap()
                .success());
        }
        let data = dir.join("data");
        let mut initdb = as_server_user(bin.join("initdb"));
        initdb
            .arg("-D")
            .arg(&data)
            .args([
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ])
            .stdout(Stdio::null());
        run_ok(&mut initdb, "initdb");
        // A certificate of its own, so that connections are encrypted as on a real site (the
        // server offers TLS, Forfaits takes it).
        let mut openssl = as_server_user("openssl".into());
        openssl
            .args([
                "req",
                "-new",
                "-x509",
                "-days",
                "2",
                "-nodes",
                "-subj",
                "/CN=localhost",
            ])
            .args(["-newkey", "rsa:2048", "-keyout"])
            .arg(data.join("server.key"))
            .arg("-out")
            .arg(data.join("server.crt"));
        run_ok(&mut openssl, "openssl");
        let port = free_port();
        let opts = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=200 -c ssl=on",
            dir.display()
        );
        let mut pg_ctl = as_server_user(bin.join("pg_ctl"));
        pg_ctl
            .arg("-D")
            .arg(&data)
            .args(["-o", &opts, "-l"])
            .arg(dir.join("log"))
            .args(["-w", "start"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        run_ok(&mut pg_ctl, "pg_ctl start");
        // Stops the server once this process is gone, whatever way it ends.
        let stop = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; \
             {runas} '{pg_ctl}' -D '{data}' -m immediate stop >/dev/null 2>&1; rm -rf '{dir}'",
            pid = std::process::id(),
            runas = if is_root() {
                "runuser -u postgres --"
            } else {
                ""
            },
            pg_ctl = bin.join("pg_ctl").display(),
            data = data.display(),
            dir = dir.display()
        );
        Command::new("sh")
            .args(["-c", &stop])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Cluster { port, dir }
    })
}

impl Cluster {
    /// `postgres://USER@127.0.0.1:PORT/BASE`.
    pub fn url(&self, user: &str, db: &str) -> String {
        format!("postgres://{user}@127.0.0.1:{}/{db}", self.port)
    }

    /// Runs `psql` as `user` on `db` with `sql`; (success, stdout + stderr).
    pub fn psql(&self, user: &str, db: &str, sql: &str) -> (bool, String) {
        let out = Command::new("psql")
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p"])
            .arg(self.port.to_string())
            .args(["-U", user, "-d", db, "-c", sql])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), text)
    }

    /// One value of `sql`, as the superuser.
    pub fn value(&self, db: &str, sql: &str) -> String {
        let mut psql = Command::new("psql");
        psql.args(["-X", "-qAt", "-h", "127.0.0.1", "-p"])
            .arg(self.port.to_string())
            .args(["-U", "postgres", "-d", db, "-c", sql]);
        let out = run_ok(&mut psql, sql);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// A new empty database; its URL as the superuser (the owner of what `site init` creates).
    pub fn new_db(&self) -> (String, String) {
        static N: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "t{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let (ok, out) = self.psql("postgres", "postgres", &format!("CREATE DATABASE {name}"));
        assert!(ok, "{out}");
        (self.url("postgres", &name), name)
    }
}

/// Roles are shared by the whole cluster: `site init` and `site user add` of tests running at
/// once take turns.
pub fn roles_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// A `psql` session kept open as the superuser, to hold a transaction while a test acts.
pub struct Session {
    child: std::process::Child,
    out: std::io::BufReader<std::process::ChildStdout>,
}

impl Cluster {
    pub fn session(&self, db: &str) -> Session {
        let mut child = Command::new("psql")
            .args([
                "-X",
                "-qAt",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-p",
            ])
            .arg(self.port.to_string())
            .args(["-U", "postgres", "-d", db])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let out = std::io::BufReader::new(child.stdout.take().unwrap());
        Session { child, out }
    }
}

impl Session {
    /// Runs `sql` and returns once `psql` has done it.
    pub fn send(&mut self, sql: &str) {
        use std::io::{BufRead, Write};
        let stdin = self.child.stdin.as_mut().unwrap();
        writeln!(stdin, "{sql}\n\\echo fait").unwrap();
        stdin.flush().unwrap();
        let mut line = String::new();
        while line.trim() != "fait" {
            line.clear();
            assert!(self.out.read_line(&mut line).unwrap() > 0, "psql ended");
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
