//! `site init`, `site user add`, `site migrate` (SPEC §13).

use crate::args::{Command, SiteCommand, SiteUserCommand};
use crate::{Io, EXIT_OK};
use forfaits_core::site::{self, Role};
use forfaits_core::{Error, Result, Store};

/// Runs `site init` and `site user add`, which need no open base (`Ok(None)`); hands any
/// other command back.
pub fn without_base(
    command: Command,
    db: Option<&str>,
    io: &mut Io<'_>,
) -> Result<Option<Command>> {
    match command {
        Command::Site(SiteCommand::Init(a)) => {
            let done = site::init(&a.url)?;
            let link = if site::SiteStore::connect(&a.url)?.uses_tls()? {
                "connexion chiffrée (TLS)"
            } else {
                "connexion non chiffrée : le serveur n'offre pas TLS"
            };
            let what = match done.before {
                None => format!("créée (schéma {})", done.version),
                Some(v) if v < done.version => {
                    format!("mise à jour (schéma {v} → {})", done.version)
                }
                Some(_) => format!("déjà à jour (schéma {})", done.version),
            };
            super::w(writeln!(
                io.out,
                "Base de site {} {what} ; rôles forfaits_admin, forfaits_caisse, forfaits_lecture \
                 et forfaits_telephonie prêts ; {link}.",
                done.label
            ));
            Ok(None)
        }
        Command::Site(SiteCommand::User(SiteUserCommand::Add(a))) => {
            let role = Role::parse(&a.role)?;
            let env = std::env::var("FORFAITS_DB").ok();
            let url = db
                .or(env.as_deref())
                .filter(|d| site::is_site_url(d))
                .ok_or_else(|| {
                    Error::Rejected(
                        "Indiquez la base de site avec --db postgres://… (ou FORFAITS_DB).".into(),
                    )
                })?;
            let password = if a.password_stdin {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line).map_err(|e| {
                    Error::file(format!("Lecture du mot de passe impossible : {e}."))
                })?;
                let p = line.trim_end_matches(['\n', '\r']).to_string();
                if p.is_empty() {
                    return Err(Error::Rejected("Le mot de passe lu est vide.".into()));
                }
                Some(p)
            } else {
                None
            };
            let created = site::add_user(url, &a.name, role, password.as_deref())?;
            super::w(writeln!(
                io.out,
                "Utilisateur {} {} dans le rôle {}.",
                a.name,
                if created { "créé" } else { "placé" },
                role.word()
            ));
            Ok(None)
        }
        other => Ok(Some(other)),
    }
}

/// `site migrate URL`: the SQLite base of `--db` copied into the site, checked, left as it was.
pub fn migrate(store: &mut Store, c: SiteCommand, io: &mut Io<'_>) -> Result<u8> {
    let SiteCommand::Migrate(a) = c else {
        unreachable!("init and user add run without a base (without_base)")
    };
    let done = site::migrate(store, &a.url)?;
    super::w(writeln!(
        io.out,
        "Base {} copiée dans la base de site {} et vérifiée : {}, {}, {}.",
        store.path().display(),
        done.label,
        counted(done.count("accounts"), "compte", "comptes"),
        counted(done.count("movements"), "mouvement", "mouvements"),
        counted(done.count("calls"), "appel", "appels"),
    ));
    Ok(EXIT_OK)
}

/// « 1 compte », « 12 345 comptes ».
fn counted(n: u64, singulier: &str, pluriel: &str) -> String {
    format!(
        "{} {}",
        super::thousands(n),
        forfaits_core::fr::pluriel(n, singulier, pluriel)
    )
}
