//! Signing in to a site (SPEC §13): the form's fields read from and written to a `postgres://`
//! URL, the fields remembered between sessions — never the password — in a small JSON file of
//! the app's config folder, and the password in the OS keyring only when the clerk asks.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// PostgreSQL's port when the URL names none.
pub const DEFAULT_PORT: u16 = 5432;

/// The remembered file, in the app's config folder.
pub const REMEMBERED_FILE: &str = "connexion-site.json";

/// The sign-in form's fields (the password apart).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteFields {
    pub serveur: String,
    pub port: String,
    pub base: String,
    pub utilisateur: String,
}

/// A site URL taken apart: what it says, and nothing more (a part it leaves out is empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteUrl {
    pub fields: SiteFields,
    pub password: Option<String>,
    /// `sslmode=require&…`, kept as given.
    pub query: String,
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Everything but the unreserved characters of RFC 3986, as `%XX`.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Takes `postgres://USER[:PASSWORD]@HOST[:PORT]/BASE[?…]` apart (`postgresql://` too).
pub fn parse_url(url: &str) -> SiteUrl {
    let rest = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
        .unwrap_or(url);
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, base) = rest.split_once('/').unwrap_or((rest, ""));
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let (user, password) = match userinfo {
        Some(u) => match u.split_once(':') {
            Some((u, p)) => (u, Some(percent_decode(p))),
            None => (u, None),
        },
        None => ("", None),
    };
    let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
        match v6.split_once(']') {
            Some((h, p)) => (h, p.strip_prefix(':').unwrap_or("")),
            None => (v6, ""),
        }
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h, p),
            None => (hostport, ""),
        }
    };
    SiteUrl {
        fields: SiteFields {
            serveur: percent_decode(host),
            port: port.to_string(),
            base: percent_decode(base),
            utilisateur: percent_decode(user),
        },
        password,
        query: query.to_string(),
    }
}

/// The fields as the form checks them: trimmed, the port a number.
fn checked(f: &SiteFields) -> Result<(SiteFields, u16), String> {
    let f = SiteFields {
        serveur: f.serveur.trim().to_string(),
        port: f.port.trim().to_string(),
        base: f.base.trim().to_string(),
        utilisateur: f.utilisateur.trim().to_string(),
    };
    let missing: Vec<&str> = [
        ("le serveur", &f.serveur),
        ("la base", &f.base),
        ("l'utilisateur", &f.utilisateur),
    ]
    .into_iter()
    .filter(|(_, v)| v.is_empty())
    .map(|(what, _)| what)
    .collect();
    if !missing.is_empty() {
        return Err(format!("Indiquez {}.", missing.join(", ")));
    }
    let port = if f.port.is_empty() {
        DEFAULT_PORT
    } else {
        f.port
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| {
                format!(
                    "Le port doit être un nombre entre 1 et 65535 (reçu : {}).",
                    f.port
                )
            })?
    };
    Ok((
        SiteFields {
            port: port.to_string(),
            ..f
        },
        port,
    ))
}

/// `user@host:port/base`: the label the site's connection gives itself, and the keyring's key.
pub fn label(f: &SiteFields) -> Result<String, String> {
    let (f, port) = checked(f)?;
    Ok(format!("{}@{}:{port}/{}", f.utilisateur, f.serveur, f.base))
}

/// The URL of the form's fields (checked), with the password if one is given.
pub fn build_url(f: &SiteFields, password: Option<&str>, query: &str) -> Result<String, String> {
    let (f, port) = checked(f)?;
    let host = if f.serveur.contains(':') {
        format!("[{}]", f.serveur)
    } else {
        percent_encode(&f.serveur)
    };
    let password = password
        .filter(|p| !p.is_empty())
        .map(|p| format!(":{}", percent_encode(p)))
        .unwrap_or_default();
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    Ok(format!(
        "postgres://{}{password}@{host}:{port}/{}{query}",
        percent_encode(&f.utilisateur),
        percent_encode(&f.base)
    ))
}

/// What the window remembers of the last sign-in: the fields and the checkbox, no password.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remembered {
    #[serde(flatten)]
    pub fields: SiteFields,
    #[serde(default)]
    pub retenir_mot_de_passe: bool,
}

/// The remembered sign-in, if the file is there and readable (a damaged file is ignored: the
/// form is only less filled).
pub fn read_remembered(file: &Path) -> Option<Remembered> {
    let text = std::fs::read_to_string(file).ok()?;
    serde_json::from_str(&text).ok()
}

/// Writes the file whole (a temporary file renamed), its folder made if needed.
pub fn write_remembered(file: &Path, r: &Remembered) -> std::io::Result<()> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = file.with_extension("json.tmp");
    let text = serde_json::to_string_pretty(r).map_err(std::io::Error::other)?;
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, file)
}

/// The form as it opens: what the URL says, then what was remembered for the same server and
/// base (or for any, when the URL names none), then PostgreSQL's defaults (port 5432, the
/// system user).
pub fn prefill(url: &SiteUrl, remembered: Option<&Remembered>, system_user: &str) -> Remembered {
    let u = &url.fields;
    let same_site = |r: &&Remembered| {
        (u.serveur.is_empty() || r.fields.serveur == u.serveur)
            && (u.base.is_empty() || r.fields.base == u.base)
    };
    let r = remembered.filter(same_site);
    let pick = |from_url: &str, from_file: Option<&str>, default: &str| {
        if !from_url.is_empty() {
            from_url.to_string()
        } else {
            from_file
                .filter(|v| !v.is_empty())
                .unwrap_or(default)
                .to_string()
        }
    };
    let default_port = DEFAULT_PORT.to_string();
    Remembered {
        fields: SiteFields {
            serveur: pick(
                &u.serveur,
                r.map(|r| r.fields.serveur.as_str()),
                "localhost",
            ),
            port: pick(&u.port, r.map(|r| r.fields.port.as_str()), &default_port),
            base: pick(&u.base, r.map(|r| r.fields.base.as_str()), ""),
            utilisateur: pick(
                &u.utilisateur,
                r.map(|r| r.fields.utilisateur.as_str()),
                system_user,
            ),
        },
        retenir_mot_de_passe: r.is_some_and(|r| r.retenir_mot_de_passe),
    }
}

/// The OS keyring (Secret Service on Linux, the Keychain on macOS, the Credential Manager on
/// Windows), under the service `forfaits` and the key `user@host:port/base`.
pub mod keyring_store {
    const SERVICE: &str = "forfaits";

    fn entry(label: &str) -> keyring::Result<keyring::Entry> {
        keyring::Entry::new(SERVICE, label)
    }

    /// Keeps the password; on failure the French sentence the form shows (nothing kept).
    pub fn save(label: &str, password: &str) -> Result<(), String> {
        entry(label)
            .and_then(|e| e.set_password(password))
            .map_err(|e| {
                tracing::warn!("trousseau indisponible ({label}) : {e}");
                "Le trousseau de mots de passe du système n'est pas disponible sur ce poste : \
                 le mot de passe n'a pas été retenu, il faudra le taper à la prochaine connexion."
                    .to_string()
            })
    }

    /// The password kept for `label`, if the keyring answers and has one.
    pub fn get(label: &str) -> Option<String> {
        entry(label).and_then(|e| e.get_password()).ok()
    }

    /// Forgets the password of `label` (nothing to do when none was kept).
    pub fn forget(label: &str) {
        if let Err(e) = entry(label).and_then(|e| e.delete_credential()) {
            if !matches!(e, keyring::Error::NoEntry) {
                tracing::warn!("trousseau : mot de passe de {label} non effacé : {e}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(serveur: &str, port: &str, base: &str, utilisateur: &str) -> SiteFields {
        SiteFields {
            serveur: serveur.into(),
            port: port.into(),
            base: base.into(),
            utilisateur: utilisateur.into(),
        }
    }

    #[test]
    fn a_site_url_fills_the_form_fields() {
        let u = parse_url("postgres://caisse1@serveur:5433/forfaits");
        assert_eq!(u.fields, fields("serveur", "5433", "forfaits", "caisse1"));
        assert_eq!(u.password, None);
        let u = parse_url("postgresql://ali:s%40cr%3At@[::1]/base%20un?sslmode=require");
        assert_eq!(u.fields, fields("::1", "", "base un", "ali"));
        assert_eq!(u.password.as_deref(), Some("s@cr:t"));
        assert_eq!(u.query, "sslmode=require");
        let u = parse_url("postgres://serveur/forfaits");
        assert_eq!(u.fields, fields("serveur", "", "forfaits", ""));
    }

    #[test]
    fn the_form_fields_make_a_url_that_reads_back_the_same() {
        let f = fields(" serveur ", "", "forfaits", "caisse1");
        assert_eq!(
            build_url(&f, None, "").unwrap(),
            "postgres://caisse1@serveur:5432/forfaits"
        );
        let f = fields("::1", "6543", "base un", "ali@x");
        let url = build_url(&f, Some("p:w@/d"), "sslmode=prefer").unwrap();
        assert_eq!(
            url,
            "postgres://ali%40x:p%3Aw%40%2Fd@[::1]:6543/base%20un?sslmode=prefer"
        );
        let back = parse_url(&url);
        assert_eq!(back.fields, f);
        assert_eq!(back.password.as_deref(), Some("p:w@/d"));
        assert_eq!(back.query, "sslmode=prefer");
        // A socket folder as the server.
        let f = fields("/var/run/postgresql", "5432", "forfaits", "ali");
        assert_eq!(parse_url(&build_url(&f, None, "").unwrap()).fields, f);
        assert_eq!(label(&f).unwrap(), "ali@/var/run/postgresql:5432/forfaits");
    }

    #[test]
    fn the_form_says_what_is_missing_or_wrong_in_french() {
        assert_eq!(
            build_url(&fields("", "5432", "", "ali"), None, ""),
            Err("Indiquez le serveur, la base.".into())
        );
        assert_eq!(
            build_url(&fields("h", "70000", "b", "ali"), None, ""),
            Err("Le port doit être un nombre entre 1 et 65535 (reçu : 70000).".into())
        );
        assert!(build_url(&fields("h", "abc", "b", "ali"), None, "").is_err());
    }

    #[test]
    fn the_remembered_file_keeps_the_fields_and_never_a_password() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config").join(REMEMBERED_FILE);
        assert_eq!(read_remembered(&file), None);
        let r = Remembered {
            fields: fields("serveur", "5433", "forfaits", "caisse1"),
            retenir_mot_de_passe: true,
        };
        write_remembered(&file, &r).unwrap();
        assert_eq!(read_remembered(&file), Some(r));
        let text = std::fs::read_to_string(&file).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "base",
                "port",
                "retenir_mot_de_passe",
                "serveur",
                "utilisateur"
            ]
        );
        std::fs::write(&file, "{pas du json").unwrap();
        assert_eq!(read_remembered(&file), None, "a damaged file is ignored");
    }

    #[test]
    fn the_form_opens_with_the_url_then_what_was_remembered_then_defaults() {
        let remembered = Remembered {
            fields: fields("serveur", "5433", "forfaits", "caisse1"),
            retenir_mot_de_passe: true,
        };
        // The URL names the site but no user: the clerk's user and port are remembered.
        let p = prefill(
            &parse_url("postgres://serveur/forfaits"),
            Some(&remembered),
            "systeme",
        );
        assert_eq!(p, remembered);
        // The URL's own user wins.
        let p = prefill(
            &parse_url("postgres://admin1@serveur/forfaits"),
            Some(&remembered),
            "systeme",
        );
        assert_eq!(p.fields.utilisateur, "admin1");
        // Another site: nothing of the remembered one.
        let p = prefill(
            &parse_url("postgres://autre/base2"),
            Some(&remembered),
            "systeme",
        );
        assert_eq!(p.fields, fields("autre", "5432", "base2", "systeme"));
        assert!(!p.retenir_mot_de_passe);
    }
}
