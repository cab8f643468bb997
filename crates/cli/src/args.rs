//! Command-line grammar (SPEC §9), in French.

use clap::{ArgAction, Args, CommandFactory, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// A command's usage line: the program and its one global option, then the command's own words.
macro_rules! usage {
    ($words:literal) => {
        concat!("forfaits [--db FICHIER] ", $words)
    };
}

/// Usage lines of a command group that has one command: the group's and the command's.
const SITE_USER_ADD: &str = "forfaits [--db URL] site user add NOM --role admin|caisse|lecture|telephonie [--password-stdin]";
const TARIFFS_IMPORT: &str = usage!("tariffs import FICHIER");

const TEMPLATE: &str = "\
{about-with-newline}
Utilisation : {usage}

{all-args}{after-help}";

/// The command line with its French help on every command: one template, and the headings
/// « Arguments », « Options » and « Commandes » (clap's derive would want them on each).
pub fn command() -> clap::Command {
    french(Cli::command())
}

fn french(c: clap::Command) -> clap::Command {
    let c = c
        .help_template(TEMPLATE)
        .mut_args(|a| match a.get_help_heading() {
            Some(_) => a,
            None if a.is_positional() => a.help_heading("Arguments "),
            None => a.help_heading("Options "),
        });
    let c = match c.has_subcommands() {
        true => c
            .subcommand_help_heading("Commandes ")
            .subcommand_value_name("COMMANDE")
            .disable_help_subcommand(true),
        false => c,
    };
    c.mut_subcommands(french)
}

#[derive(Debug, Parser)]
#[command(
    name = "forfaits",
    version,
    about = "Forfaits — gestion des forfaits d'appels prépayés (module Taxation).\n\
             Sans commande, ouvre la fenêtre de l'application.",
    override_usage = usage!("[COMMANDE]"),
    disable_help_flag = true,
    disable_version_flag = true,
    after_help = "Base de données : --db, sinon la variable FORFAITS_DB, sinon forfaits.sqlite3 dans \
                  le dossier de données de l'application.\n\
                  Codes de sortie : 0 terminé ; 1 données refusées ; 2 erreur d'utilisation ou d'accès aux fichiers."
)]
pub struct Cli {
    /// Fichier de base de données SQLite, ou base de site postgres://UTILISATEUR@SERVEUR[:PORT]/BASE
    #[arg(long, global = true, value_name = "FICHIER|URL")]
    pub db: Option<PathBuf>,

    /// Affiche cette aide
    #[arg(short = 'h', long, action = ArgAction::Help, global = true)]
    pub help: Option<bool>,

    /// Affiche la version
    #[arg(short = 'V', long, action = ArgAction::Version)]
    pub version: Option<bool>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Each command's usage line is declared on the type of its arguments, beside what it describes.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Importe des utilisateurs depuis un fichier CSV, .xlsx ou .ods (tout ou rien)
    Import(ImportArgs),
    /// Exporte les utilisateurs en CSV ou en classeur Excel (.xlsx)
    Export(ExportArgs),
    /// Recherche des comptes (nom, matricule, identifiant, numéro)
    Search(SearchArgs),
    /// Crédite, débite ou corrige le solde d'un compte
    Balance(BalanceArgs),
    /// Relevés d'appels : charger un Master.csv d'Asterisk, exporter l'historique d'un compte
    #[command(subcommand)]
    Calls(CallsCommand),
    /// Tarifs : remplacer la table des tarifs par un fichier
    #[command(subcommand)]
    Tariffs(TariffsCommand),
    /// Écrit la fiche d'un compte en PDF, ou l'imprime
    Sheet(SheetArgs),
    /// Sauvegarde la base dans un fichier (copie cohérente, même en cours d'utilisation)
    Backup(BackupArgs),
    /// Remplace le contenu de la base par une sauvegarde vérifiée (l'ancienne base est gardée à côté)
    Restore(RestoreArgs),
    /// Vérifie la base : intégrité SQLite, soldes et mouvements, index de recherche, numéros des touches
    #[command(override_usage = usage!("check"))]
    Check,
    /// Affiche un compte, ou change son état, son billing, sa durée d'appel
    Account(AccountArgs),
    /// Numéros interdits et numéros privilégiés (avocat, consulat)
    #[command(subcommand)]
    Numbers(NumbersCommand),
    /// Règles d'appel du site : horaires, durée maximale d'un appel, appels par jour
    Rules(RulesArgs),
    /// Service de contrôle d'appel : Asterisk demande à Forfaits avant chaque appel (FastAGI)
    Agi(AgiArgs),
    /// Mode site : une base PostgreSQL partagée par les postes et le serveur téléphonique
    #[command(subcommand)]
    Site(SiteCommand),
}

#[derive(Debug, Subcommand)]
#[command(
    override_usage = "forfaits site init URL | site user add NOM --role admin|caisse|lecture|telephonie | [--db FICHIER] site migrate URL"
)]
pub enum SiteCommand {
    /// Crée (ou met à jour) le schéma de la base de site et les rôles du personnel
    #[command(override_usage = "forfaits site init postgres://UTILISATEUR@SERVEUR[:PORT]/BASE")]
    Init(SiteUrlArgs),
    /// Utilisateurs de la base de site
    #[command(subcommand)]
    User(SiteUserCommand),
    /// Copie la base SQLite (--db) dans une base de site vide, puis vérifie la copie
    #[command(
        override_usage = usage!("site migrate postgres://UTILISATEUR@SERVEUR[:PORT]/BASE")
    )]
    Migrate(SiteUrlArgs),
}

#[derive(Debug, Args)]
pub struct SiteUrlArgs {
    /// Adresse de la base de site : postgres://UTILISATEUR@SERVEUR[:PORT]/BASE
    #[arg(value_name = "URL")]
    pub url: String,
}

#[derive(Debug, Subcommand)]
#[command(override_usage = SITE_USER_ADD)]
pub enum SiteUserCommand {
    /// Crée une connexion (utilisateur PostgreSQL) dans un rôle
    Add(SiteUserArgs),
}

#[derive(Debug, Args)]
#[command(override_usage = SITE_USER_ADD)]
pub struct SiteUserArgs {
    /// Nom de connexion (minuscules, chiffres, _ . -)
    #[arg(value_name = "NOM")]
    pub name: String,
    /// Rôle : admin, caisse, lecture ou telephonie
    #[arg(long, value_name = "ROLE")]
    pub role: String,
    /// Lit le mot de passe sur l'entrée standard (première ligne)
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

impl OnOff {
    pub fn on(self) -> bool {
        matches!(self, OnOff::On)
    }
}

/// `--allowance 120` or `--allowance none` (unlimited): a number's range is the account's
/// rule, checked with the account (input refused, exit 1), not usage (exit 2).
#[derive(Debug, Clone)]
pub struct Allowance(Option<String>);

impl Allowance {
    pub fn minutes(&self) -> Result<Option<u32>, forfaits_core::domain::FieldError> {
        match &self.0 {
            None => Ok(None),
            Some(n) => forfaits_core::domain::account::parse_allowance(n),
        }
    }
}

fn parse_allowance(s: &str) -> Result<Allowance, String> {
    let v = s.trim();
    if matches!(v, "none" | "aucune" | "illimitee" | "illimitée") {
        return Ok(Allowance(None));
    }
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Allowance(Some(v.to_string())));
    }
    match forfaits_core::domain::account::parse_allowance(s) {
        Err(e) => Err(format!(
            "{} (ou « none » pour une durée illimitée)",
            e.message
        )),
        Ok(_) => Err(format!("« {v} » n'est pas un nombre de minutes")),
    }
}

#[derive(Debug, Args)]
#[command(
    allow_negative_numbers = true,
    override_usage = usage!("account MATRICULE [--delete] [--enable|--disable] [--billing on|off] [--allowance MIN|none] [--max-call MIN|default] [--calls-per-day N|default] [--suspend-until DATE --reason TEXTE | --resume] [--json]")
)]
pub struct AccountArgs {
    /// Matricule du compte (14 chiffres)
    #[arg(value_name = "MATRICULE")]
    pub matricule: String,
    /// Active le compte
    #[arg(long, conflicts_with = "disable")]
    pub enable: bool,
    /// Désactive le compte (ses appels sont refusés)
    #[arg(long)]
    pub disable: bool,
    /// Calcul billing : on (les appels sont débités) ou off (seules les minutes comptent)
    #[arg(long, value_enum, value_name = "on|off", hide_possible_values = true)]
    pub billing: Option<OnOff>,
    /// Durée d'appel en minutes, ou none pour illimitée
    #[arg(long, value_name = "MIN|none", value_parser = parse_allowance)]
    pub allowance: Option<Allowance>,
    /// Un objet JSON (comme search --json, plus le montant réservé)
    #[arg(long)]
    pub json: bool,
    /// Durée maximale d'un appel de ce compte en minutes, ou default pour celle du site
    #[arg(long, value_name = "MIN|default", value_parser = parse_override)]
    pub max_call: Option<Override>,
    /// Appels par jour de ce compte, ou default pour ceux du site
    #[arg(long, value_name = "N|default", value_parser = parse_override)]
    pub calls_per_day: Option<Override>,
    /// Suspend les appels jusqu'à ce jour inclus (AAAA-MM-JJ ou jj/mm/aaaa), avec --reason
    #[arg(long, value_name = "DATE", value_parser = parse_day,
          requires = "reason", conflicts_with = "resume")]
    pub suspend_until: Option<chrono::NaiveDate>,
    /// Motif de la suspension (discipline, transfert…)
    #[arg(long, value_name = "TEXTE", requires = "suspend_until")]
    pub reason: Option<String>,
    /// Lève la suspension
    #[arg(long)]
    pub resume: bool,
    /// Supprime le compte, ses mouvements et ses appels (le Journal garde nom, matricule et solde final)
    #[arg(long, conflicts_with_all = ["enable", "disable", "billing", "allowance", "max_call", "calls_per_day", "suspend_until", "resume", "json"])]
    pub delete: bool,
}

/// A per-account override: a number, or `default` (the site's).
#[derive(Debug, Clone, Copy)]
pub struct Override(pub Option<u32>);

fn parse_override(s: &str) -> Result<Override, String> {
    let v = s.trim();
    if matches!(v, "default" | "defaut" | "défaut" | "site") {
        return Ok(Override(None));
    }
    v.parse::<u32>().map(|n| Override(Some(n))).map_err(|_| {
        format!("« {v} » n'est ni un nombre entier ni « default » (la valeur du site)")
    })
}

#[derive(Debug, Subcommand)]
#[command(
    override_usage = usage!("numbers block|unblock|privilege|unprivilege|list …")
)]
pub enum NumbersCommand {
    /// Interdit un numéro, ou un début de numéro suivi de * (+2168*), à tous les comptes
    Block(BlockArgs),
    /// Autorise de nouveau un numéro ou un préfixe interdit
    #[command(override_usage = usage!("numbers unblock NUMÉRO|PRÉFIXE*"))]
    Unblock(NumberArg),
    /// Rend un numéro joignable par tous les comptes sans touche, jamais enregistré
    Privilege(PrivilegeArgs),
    /// Retire un numéro des numéros privilégiés
    #[command(override_usage = usage!("numbers unprivilege NUMÉRO"))]
    Unprivilege(NumberArg),
    /// Liste les numéros interdits et privilégiés
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct NumberArg {
    /// Numéro (98765432, +21698765432) ou préfixe suivi de * (+2168*)
    #[arg(value_name = "NUMÉRO")]
    pub number: String,
}

#[derive(Debug, Args)]
#[command(
    override_usage = usage!("numbers block NUMÉRO|PRÉFIXE* --reason TEXTE [--force]")
)]
pub struct BlockArgs {
    /// Numéro (98765432, +21698765432) ou préfixe suivi de * (+2168*)
    #[arg(value_name = "NUMÉRO|PRÉFIXE*")]
    pub number: String,
    /// Pourquoi ce numéro est interdit (obligatoire)
    #[arg(long, value_name = "TEXTE")]
    pub reason: String,
    /// Interdit même si des comptes ont déjà ce numéro sur une touche
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
#[command(
    override_usage = usage!("numbers privilege NUMÉRO --label TEXTE [--free]")
)]
pub struct PrivilegeArgs {
    /// Numéro entier (98765432, +21698765432)
    #[arg(value_name = "NUMÉRO")]
    pub number: String,
    /// Qui répond (Avocat, Consulat…)
    #[arg(long, value_name = "TEXTE")]
    pub label: String,
    /// Appels gratuits (sinon facturés comme les autres)
    #[arg(long)]
    pub free: bool,
}

#[derive(Debug, Args)]
#[command(override_usage = usage!("numbers list [--json]"))]
pub struct ListArgs {
    /// Un objet JSON par ligne
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(
    allow_negative_numbers = true,
    override_usage = usage!("rules [--hours TEXTE] [--max-call MIN] [--calls-per-day N|none]")
)]
pub struct RulesArgs {
    /// Horaires d'appel : « lun-ven 08:00-12:00,14:00-18:00; sam 09:00-12:00 », ou « toujours »
    #[arg(long, value_name = "TEXTE", value_parser = parse_hours)]
    pub hours: Option<String>,
    /// Durée maximale d'un appel, en minutes (60 par défaut)
    #[arg(long, value_name = "MIN")]
    pub max_call: Option<u32>,
    /// Appels permis par compte et par jour, ou none pour aucune limite
    #[arg(long, value_name = "N|none", value_parser = parse_per_day)]
    pub calls_per_day: Option<Override>,
}

/// Hours as typed; empty is refused here (the window's empty field means « toujours »): a
/// script's unset variable must not lift the site's hours.
fn parse_hours(s: &str) -> Result<String, String> {
    match s.trim() {
        "" => Err(
            "horaires vides : écrivez-les (« lun-ven 08:00-12:00 »), ou « toujours » pour ne \
             pas restreindre les appels"
                .into(),
        ),
        _ => Ok(s.to_string()),
    }
}

fn parse_per_day(s: &str) -> Result<Override, String> {
    let v = s.trim();
    if matches!(v, "none" | "aucune" | "aucun") {
        return Ok(Override(None));
    }
    v.parse::<u32>()
        .map(|n| Override(Some(n)))
        .map_err(|_| format!("« {v} » n'est ni un nombre entier ni « none » (aucune limite)"))
}

#[derive(Debug, Args)]
#[command(override_usage = usage!("agi [--listen ADRESSE:PORT]"))]
pub struct AgiArgs {
    /// Adresse et port d'écoute (127.0.0.1:4573 par défaut)
    #[arg(long, value_name = "ADRESSE:PORT")]
    pub listen: Option<std::net::SocketAddr>,
}

impl Command {
    /// Commands that never create a base where none is (a mistyped `--db`): those that only
    /// read, and those that act on accounts (a credit, an account's settings, calls to debit),
    /// which a new empty base cannot hold. Imports, a restore and the site's rules and tariffs
    /// may start a new base.
    pub fn needs_existing_base(&self) -> bool {
        match self {
            Command::Export(_)
            | Command::Search(_)
            | Command::Sheet(_)
            | Command::Backup(_)
            | Command::Check
            | Command::Balance(_)
            | Command::Account(_)
            | Command::Calls(_)
            | Command::Numbers(NumbersCommand::List(_)) => true,
            Command::Rules(r) => {
                r.hours.is_none() && r.max_call.is_none() && r.calls_per_day.is_none()
            }
            Command::Import(_)
            | Command::Restore(_)
            | Command::Tariffs(_)
            | Command::Numbers(_)
            | Command::Agi(_)
            | Command::Site(_) => false,
        }
    }
}

#[derive(Debug, Args)]
#[command(
    override_usage = usage!("import FICHIER [--dry-run] [--skip-invalid] [--update-existing]")
)]
pub struct ImportArgs {
    /// Fichier CSV, .xlsx ou .ods sans en-tête : nom ; matricule ; identifiant ; téléphones 1 à 10
    #[arg(value_name = "FICHIER")]
    pub file: PathBuf,
    /// Vérifie le fichier sans rien enregistrer
    #[arg(long)]
    pub dry_run: bool,
    /// Enregistre les lignes valides même si d'autres sont refusées
    #[arg(long)]
    pub skip_invalid: bool,
    /// Met à jour les comptes dont le matricule existe déjà
    #[arg(long)]
    pub update_existing: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Full,
    Import,
    Xlsx,
}

#[derive(Debug, Args)]
#[command(
    override_usage = usage!("export [--out FICHIER] [--format full|import|xlsx] [--sep ';'|',']")
)]
pub struct ExportArgs {
    /// Fichier à écrire (sinon la sortie standard)
    #[arg(long, value_name = "FICHIER")]
    pub out: Option<PathBuf>,
    /// full : toutes les colonnes avec en-tête (par défaut) ; import : les 13 champs du format
    /// d'import, sans en-tête ; xlsx : toutes les colonnes dans un classeur Excel
    #[arg(
        long,
        value_enum,
        default_value = "full",
        value_name = "FORMAT",
        hide_possible_values = true,
        hide_default_value = true
    )]
    pub format: Format,
    /// Séparateur : ';' (par défaut, pour Excel en français) ou ','
    #[arg(long, default_value = ";", value_name = "SÉPARATEUR",
          value_parser = parse_sep, hide_default_value = true)]
    pub sep: u8,
}

fn parse_sep(s: &str) -> Result<u8, String> {
    match s {
        ";" => Ok(b';'),
        "," => Ok(b','),
        _ => Err("le séparateur doit être ';' ou ','".into()),
    }
}

#[derive(Debug, Args)]
#[command(
    allow_negative_numbers = true,
    override_usage = usage!("search TEXTE [--limit N] [--json]")
)]
pub struct SearchArgs {
    /// Texte cherché : début d'un mot du nom, du matricule, de l'identifiant ou d'un numéro
    /// (plusieurs mots : tous doivent correspondre)
    #[arg(value_name = "TEXTE",
          required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// Nombre maximal de comptes affichés (50 par défaut)
    #[arg(long, default_value_t = 50, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=100_000), hide_default_value = true)]
    pub limit: u32,
    /// Un objet JSON par ligne et par compte (nom, matricule, identifiant, solde…)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Operation {
    Credit,
    Debit,
    Correction,
}

#[derive(Debug, Args)]
#[command(
    override_usage = usage!("balance MATRICULE credit|debit|correction MONTANT --reason TEXTE")
)]
pub struct BalanceArgs {
    /// Matricule du compte (14 chiffres)
    #[arg(value_name = "MATRICULE", display_order = 1)]
    pub matricule: String,
    /// credit (recharge), debit (jamais sous zéro) ou correction (montant signé)
    #[arg(
        value_enum,
        value_name = "OPÉRATION",
        display_order = 2,
        hide_possible_values = true
    )]
    pub operation: Operation,
    /// Montant en unités de la devise : 12,500 ou 12.5 ou 12 ; signé pour une correction (-2,500)
    #[arg(value_name = "MONTANT", allow_hyphen_values = true, display_order = 3)]
    pub amount: String,
    /// Motif (obligatoire pour un débit ou une correction)
    #[arg(
        long,
        value_name = "TEXTE",
        default_value = "",
        hide_default_value = true
    )]
    pub reason: String,
}

#[derive(Debug, Args)]
#[command(override_usage = usage!("backup FICHIER"))]
pub struct BackupArgs {
    /// Fichier de sauvegarde à écrire
    #[arg(value_name = "FICHIER")]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
#[command(override_usage = usage!("restore FICHIER"))]
pub struct RestoreArgs {
    /// Sauvegarde à lire (vérifiée avant de remplacer le contenu de la base)
    #[arg(value_name = "FICHIER")]
    pub file: PathBuf,
}

#[derive(Debug, Subcommand)]
#[command(override_usage = usage!("calls import|export …"))]
pub enum CallsCommand {
    /// Charge, tarife et débite les appels d'un fichier Master.csv (un fichier déjà chargé ne change rien)
    Import(CallsImportArgs),
    /// Exporte l'historique des appels d'un compte en CSV
    Export(CallsExportArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MatchArg {
    Accountcode,
    Src,
}

#[derive(Debug, Args)]
#[command(
    override_usage = usage!("calls import FICHIER [--match accountcode|src]")
)]
pub struct CallsImportArgs {
    /// Fichier Master.csv (cdr_csv d'Asterisk)
    #[arg(value_name = "FICHIER")]
    pub file: PathBuf,
    /// Colonne qui porte l'identifiant du compte : accountcode (par défaut) ou src
    #[arg(
        long = "match",
        value_enum,
        default_value = "accountcode",
        value_name = "COLONNE",
        hide_possible_values = true,
        hide_default_value = true
    )]
    pub match_by: MatchArg,
}

#[derive(Debug, Args)]
#[command(
    override_usage = usage!("calls export MATRICULE [--out FICHIER] [--from DATE] [--to DATE]")
)]
pub struct CallsExportArgs {
    /// Matricule du compte (14 chiffres)
    #[arg(value_name = "MATRICULE")]
    pub matricule: String,
    /// Fichier à écrire (sinon la sortie standard)
    #[arg(long, value_name = "FICHIER")]
    pub out: Option<PathBuf>,
    /// Premier jour inclus : AAAA-MM-JJ ou jj/mm/aaaa
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub from: Option<chrono::NaiveDate>,
    /// Dernier jour inclus : AAAA-MM-JJ ou jj/mm/aaaa
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub to: Option<chrono::NaiveDate>,
}

fn parse_day(s: &str) -> Result<chrono::NaiveDate, String> {
    forfaits_core::dates::parse_date(s)
}

#[derive(Debug, Subcommand)]
#[command(override_usage = TARIFFS_IMPORT)]
pub enum TariffsCommand {
    /// Remplace tous les tarifs par ceux du fichier (en-tête puis prefixe;libelle;prix_minute;bloc_initial_s;bloc_s;frais_connexion)
    Import(TariffsImportArgs),
}

#[derive(Debug, Args)]
#[command(override_usage = TARIFFS_IMPORT)]
pub struct TariffsImportArgs {
    /// Fichier CSV des tarifs
    #[arg(value_name = "FICHIER")]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
#[command(
    override_usage = usage!("sheet MATRICULE --out FICHIER.pdf | --print [--printer NOM]")
)]
pub struct SheetArgs {
    /// Matricule du compte (14 chiffres)
    #[arg(value_name = "MATRICULE")]
    pub matricule: String,
    /// Fichier PDF à écrire
    #[arg(long, value_name = "FICHIER.pdf", required_unless_present = "print")]
    pub out: Option<PathBuf>,
    /// Imprime la fiche sans dialogue (service d'impression du système : CUPS)
    #[arg(long)]
    pub print: bool,
    /// Imprimante à utiliser (sinon celle par défaut ; `lpstat -p` les liste)
    #[arg(long, value_name = "NOM", requires = "print")]
    pub printer: Option<String>,
}
