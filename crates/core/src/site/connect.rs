//! Opening a connection to a site: the URL checked, the password found where PostgreSQL's own
//! tools look for it (the URL, `PGPASSWORD`, `~/.pgpass`), failures said in French.

use crate::error::{Error, Result};
use postgres::config::Host;
use postgres::{Client, Config};
use rustls::client::danger::HandshakeSignatureValid;
use rustls::pki_types::CertificateDer;
use rustls::DigitallySignedStruct as Signed;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// Whether `db` (a `--db` value or `FORFAITS_DB`) names a site rather than an SQLite file.
pub fn is_site_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// The connection and its label (`user@host:port/base`).
pub(crate) fn client(url: &str) -> Result<(Client, String)> {
    let mut config = Config::from_str(url).map_err(|e| {
        Error::Rejected(format!(
            "Adresse de base de site invalide : {} (attendu postgres://UTILISATEUR@SERVEUR[:PORT]/BASE).",
            hide_password(url)
        ))
        .because(e)
    })?;
    let user = config
        .get_user()
        .map(str::to_string)
        .unwrap_or_else(crate::store::current_operator);
    config.user(&user);
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(Host::Unix(p)) => p.display().to_string(),
        None => {
            config.host("localhost");
            "localhost".into()
        }
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let dbname = config.get_dbname().unwrap_or(&user).to_string();
    if config.get_password().is_none() {
        let from_env = std::env::var("PGPASSWORD").ok().filter(|p| !p.is_empty());
        let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
        let pgpass = std::env::var_os("PGPASSFILE")
            .map(std::path::PathBuf::from)
            .or_else(|| home.map(|h| h.join(".pgpass")));
        let found = from_env
            .or_else(|| pgpass.and_then(|f| password_from_pgpass(&f, &host, port, &dbname, &user)));
        if let Some(p) = found {
            config.password(p);
        }
    }
    config
        .application_name("forfaits")
        .connect_timeout(Duration::from_secs(10));
    let label = format!("{user}@{host}:{port}/{dbname}");
    let client = if config.get_ssl_mode() == postgres::config::SslMode::Disable {
        config.connect(postgres::NoTls)
    } else {
        config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls()?))
    }
    .map_err(|e| refused_connection(&label, e))?;
    Ok((client, label))
}

/// TLS whenever the server offers it (the address's `sslmode`: `prefer` by default, `require`,
/// or `disable`), as libpq does in those modes: the link is encrypted, the server's certificate
/// is not checked against an authority (a site's server usually has its own). Building this
/// costs microseconds, so it is built for every connection, offered TLS or not.
fn tls() -> Result<rustls::ClientConfig> {
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| {
            Error::database(format!(
                "Le chiffrement TLS n'est pas disponible sur ce poste : {e}."
            ))
            .because(e)
        })?
        .dangerous()
        .with_custom_certificate_verifier(std::sync::Arc::new(AnyCertificate(provider)))
        .with_no_client_auth();
    Ok(config)
}

/// Takes the server's certificate whoever signed it (libpq's `prefer` and `require`), while the
/// handshake's signatures are still checked against that certificate's key, as in every TLS
/// session.
#[derive(Debug)]
struct AnyCertificate(std::sync::Arc<rustls::crypto::CryptoProvider>);

impl AnyCertificate {
    fn algorithms(&self) -> &rustls::crypto::WebPkiSupportedAlgorithms {
        &self.0.signature_verification_algorithms
    }
}

/// A handshake signature checked (or not) against the server's certificate.
type Checked = std::result::Result<HandshakeSignatureValid, rustls::Error>;

impl rustls::client::danger::ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> std::result::Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(&self, m: &[u8], c: &CertificateDer<'_>, s: &Signed) -> Checked {
        rustls::crypto::verify_tls12_signature(m, c, s, self.algorithms())
    }

    fn verify_tls13_signature(&self, m: &[u8], c: &CertificateDer<'_>, s: &Signed) -> Checked {
        rustls::crypto::verify_tls13_signature(m, c, s, self.algorithms())
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.algorithms().supported_schemes()
    }
}

fn refused_connection(label: &str, e: postgres::Error) -> Error {
    let why = connection_problem(&e);
    Error::database(format!(
        "Connexion impossible à la base de site {label} : {why}."
    ))
    .because(e)
}

/// What kept the connection from being made, in the clerk's words with what to do; the
/// driver's and the server's own words (English) stay in the error's cause, for the log.
fn connection_problem(e: &postgres::Error) -> String {
    use postgres::error::SqlState;
    use std::io::ErrorKind;
    if let Some(d) = e.as_db_error() {
        let said = [
            (
                SqlState::INVALID_PASSWORD,
                "le serveur refuse ce mot de passe : vérifiez celui \
              de l'adresse ou de ~/.pgpass",
            ),
            (
                SqlState::INVALID_AUTHORIZATION_SPECIFICATION,
                "le serveur refuse cet utilisateur : \
              il n'existe pas, ou pg_hba.conf ne l'admet pas depuis ce poste",
            ),
            (
                SqlState::INVALID_CATALOG_NAME,
                "cette base n'existe pas sur le serveur : vérifiez \
              son nom dans l'adresse",
            ),
            (
                SqlState::TOO_MANY_CONNECTIONS,
                "le serveur a atteint son nombre maximal de \
              connexions : réessayez dans un moment",
            ),
            (
                SqlState::CANNOT_CONNECT_NOW,
                "le serveur démarre ou s'arrête : réessayez dans un \
              moment",
            ),
        ];
        return match said.iter().find(|(code, _)| code == d.code()) {
            Some((_, why)) => why.to_string(),
            None => format!("le serveur refuse la connexion (code {})", d.code().code()),
        };
    }
    let io = std::error::Error::source(e).and_then(|s| s.downcast_ref::<std::io::Error>());
    match io.map(|i| i.kind()) {
        Some(ErrorKind::ConnectionRefused) => {
            return "aucun serveur n'écoute à cette adresse et ce port : vérifiez l'adresse, et \
                    que PostgreSQL est démarré"
                .into()
        }
        Some(ErrorKind::TimedOut) => {
            return "le serveur ne répond pas : vérifiez l'adresse et le réseau".into()
        }
        Some(
            ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::UnexpectedEof,
        ) => {
            return "le serveur a coupé la connexion : vérifiez qu'il admet ce poste \
                    (pg_hba.conf) et qu'il est démarré"
                .into()
        }
        _ => {}
    }
    // The driver says these in words only.
    let text = format!(
        "{e} {}",
        std::error::Error::source(e)
            .map(|s| s.to_string())
            .unwrap_or_default()
    );
    let words = [
        (
            "password missing",
            "le serveur demande un mot de passe : ajoutez-le à l'adresse \
          (postgres://utilisateur:motdepasse@…) ou dans ~/.pgpass",
        ),
        (
            "lookup address",
            "le nom du serveur est inconnu : vérifiez l'adresse",
        ),
        (
            "does not support TLS",
            "le serveur n'accepte pas de connexion chiffrée alors que \
          l'adresse l'exige (sslmode=require) : activez ssl sur le serveur ou retirez \
          sslmode=require",
        ),
    ];
    match words.iter().find(|(w, _)| text.contains(w)) {
        Some((_, why)) => why.to_string(),
        None => format!("erreur de connexion ({})", text.trim()),
    }
}

/// The URL with its password, if any, replaced by `***`.
fn hide_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &userinfo[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The password of `~/.pgpass` (format of libpq: `host:port:base:user:password`, `*` matches
/// anything, `\:` and `\\` escaped) for this connection, if a line matches.
pub fn password_from_pgpass(
    file: &Path,
    host: &str,
    port: u16,
    db: &str,
    user: &str,
) -> Option<String> {
    let text = std::fs::read_to_string(file).ok()?;
    let port = port.to_string();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields = split_pgpass(line);
        if fields.len() != 5 {
            continue;
        }
        let matches = |f: &str, v: &str| f == "*" || f == v;
        let host_ok = matches(&fields[0], host)
            || (fields[0] == "localhost" && (host == "127.0.0.1" || host.starts_with('/')));
        if host_ok
            && matches(&fields[1], &port)
            && matches(&fields[2], db)
            && matches(&fields[3], user)
        {
            return Some(fields[4].clone());
        }
    }
    None
}

fn split_pgpass(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.last_mut().expect("one field").push(n);
                }
            }
            ':' if out.len() < 5 => out.push(String::new()),
            c => out.last_mut().expect("one field").push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pgpass_line_matches_with_wildcards_and_escapes() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("pgpass");
        std::fs::write(
            &f,
            "# comment\nother:5432:*:ali:nope\nlocalhost:*:forfaits:caisse1:s\\:ecret\n",
        )
        .unwrap();
        assert_eq!(
            password_from_pgpass(&f, "127.0.0.1", 5433, "forfaits", "caisse1").as_deref(),
            Some("s:ecret")
        );
        assert_eq!(
            password_from_pgpass(&f, "db", 5432, "forfaits", "caisse1"),
            None
        );
    }

    #[test]
    fn a_password_in_a_refused_url_is_not_shown() {
        assert_eq!(
            hide_password("postgres://ali:secret@h/b"),
            "postgres://ali:***@h/b"
        );
        assert!(is_site_url("postgresql://h/b"));
        assert!(!is_site_url("/tmp/postgres.db"));
    }
}
