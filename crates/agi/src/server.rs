//! The service: a tokio listener serving many calls at once, and one database thread that
//! decides. Connections only parse and answer; they hand their question to the database thread
//! and wait for its answer, so no connection ever holds the database's write lock, and questions
//! arriving together are decided in one transaction.

use crate::protocol::{read_header, set_variable, shown, Header, ProtocolError};
use forfaits_core::control::{
    Answer, AuthorizeRequest, Decision, FinishRequest, Finished, Request, Service, Verdict,
};
use forfaits_core::rating::MAX_CALL_SECONDS;
use std::future::Future;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;
use tokio::io::BufReader;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch};
use tokio::task::JoinSet;

/// Default address: the telephony server usually runs on the same machine.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:4573";

/// Questions decided in one transaction at most.
const MAX_BATCH: usize = 128;

/// How long a connection may still take to finish its header once the service stops.
const HEADER_GRACE: Duration = Duration::from_millis(500);

#[derive(Debug, Clone)]
pub struct Config {
    pub db: PathBuf,
    /// A client silent this long is disconnected.
    pub idle: Duration,
    /// How long a decision waits for another program's write before failing closed.
    pub busy: Duration,
    /// How long a stop waits for the calls in progress to be answered.
    pub drain: Duration,
}

impl Config {
    pub fn new(db: PathBuf) -> Config {
        Config {
            db,
            idle: Duration::from_secs(10),
            busy: Duration::from_secs(5),
            drain: Duration::from_millis(4500),
        }
    }
}

struct Job {
    req: Request,
    reply: oneshot::Sender<Result<Answer, String>>,
}

/// Runs the database thread: takes every question waiting, decides them together.
fn decide_loop(mut service: Service, jobs: mpsc::Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(j) => batch.push(j),
                Err(_) => break,
            }
        }
        let reqs: Vec<Request> = batch.iter().map(|j| j.req.clone()).collect();
        match service.decide(&reqs, forfaits_core::store::now()) {
            Ok(answers) => {
                for (job, answer) in batch.into_iter().zip(answers) {
                    let _ = job.reply.send(answer.map_err(|e| e.to_string()));
                }
            }
            Err(e) => {
                let why = e.to_string();
                for job in batch {
                    let _ = job.reply.send(Err(why.clone()));
                }
            }
        }
    }
}

/// Serves until `stop` completes, then answers the calls in progress (up to `drain`) and
/// returns. The database is opened (and migrated) before the first connection is accepted.
pub async fn serve(
    listener: TcpListener,
    cfg: Config,
    stop: impl Future<Output = ()>,
) -> forfaits_core::Result<()> {
    let db = cfg.db.to_string_lossy().into_owned();
    // On a site (SPEC §13) PostgreSQL keeps its own log: no checkpointer.
    let (service, checkpointer) = if forfaits_core::site::is_site_url(&db) {
        // The PostgreSQL client runs its own small runtime: it is made (and used, and dropped)
        // off this one's threads.
        let busy = cfg.busy;
        let service = tokio::task::spawn_blocking(move || {
            let site = forfaits_core::site::SiteStore::connect(&db)?;
            site.set_lock_timeout(busy)?;
            site.tune_for_service()?;
            Service::over_site(site)
        })
        .await
        .map_err(|e| forfaits_core::Error::database(format!("connexion au site : {e}")))??;
        (service, None)
    } else {
        let store = forfaits_core::Store::open(&cfg.db)?;
        store.set_busy_timeout(cfg.busy)?;
        store.tune_for_service()?;
        (Service::over(store)?, Some(Checkpointer::start(&cfg)?))
    };
    let (jobs_tx, jobs_rx) = mpsc::channel::<Job>();
    let decider = std::thread::Builder::new()
        .name("forfaits-decisions".into())
        .spawn(move || decide_loop(service, jobs_rx))
        .map_err(|e| forfaits_core::Error::file(format!("fil de décision : {e}")).because(e))?;
    let (stopping_tx, stopping) = watch::channel(false);
    let mut sessions = JoinSet::new();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            Some(_) = sessions.join_next(), if !sessions.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let (jobs, cfg, stopping) = (jobs_tx.clone(), cfg.clone(), stopping.clone());
                    sessions.spawn(session(stream, jobs, cfg, stopping));
                }
                Err(e) => {
                    tracing::warn!("connexion refusée : {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
        }
    }
    drop(listener);
    let _ = stopping_tx.send(true);
    let in_flight = sessions.len();
    if in_flight > 0 {
        tracing::info!("arrêt demandé : {in_flight} connexion(s) en cours terminées d'abord");
    }
    let drained = tokio::time::timeout(cfg.drain, async {
        while sessions.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!("arrêt : des connexions n'ont pas fini à temps, elles sont fermées");
        sessions.shutdown().await;
    }
    drop(jobs_tx);
    let _ = tokio::task::spawn_blocking(move || {
        let _ = decider.join();
        if let Some(c) = checkpointer {
            c.stop();
        }
    })
    .await;
    tracing::info!("service de contrôle d'appel arrêté");
    Ok(())
}

/// Keeps the write-ahead log short beside the decisions, on a connection of its own (see
/// `Store::tune_for_service` and `Store::checkpoint`).
struct Checkpointer {
    stop: mpsc::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

/// The log is started over once it passes this size and is all copied back.
const LOG_RESTART_BYTES: i64 = 64 << 20;

impl Checkpointer {
    fn start(cfg: &Config) -> forfaits_core::Result<Checkpointer> {
        let store = forfaits_core::Store::open(&cfg.db)?;
        store.set_busy_timeout(cfg.busy)?;
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("forfaits-journal".into())
            .spawn(move || loop {
                let last = stopped.recv_timeout(Duration::from_millis(100)).is_ok();
                if let Err(e) = store.checkpoint(if last { 0 } else { LOG_RESTART_BYTES }) {
                    tracing::warn!("report du journal de la base dans la base : {e}");
                }
                if last {
                    return;
                }
            })
            .map_err(|e| forfaits_core::Error::file(format!("fil du journal : {e}")))?;
        Ok(Checkpointer { stop, thread })
    }

    fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.thread.join();
    }
}

async fn session(
    stream: TcpStream,
    jobs: mpsc::Sender<Job>,
    cfg: Config,
    mut stopping: watch::Receiver<bool>,
) {
    let peer = stream
        .peer_addr()
        .map(|a| a.to_string())
        .unwrap_or_else(|_| "?".into());
    let _ = stream.set_nodelay(true);
    let mut s = BufReader::new(stream);
    // When the service stops, a question under way is answered (SPEC §11); a connection that
    // sends nothing within HEADER_GRACE is closed. Asterisk sends its header in one burst.
    let header = {
        let read = read_header(&mut s, cfg.idle);
        tokio::pin!(read);
        let before_stop = tokio::select! {
            h = &mut read => Some(h),
            _ = stopping.wait_for(|v| *v) => None,
        };
        match before_stop {
            Some(h) => h,
            None => match tokio::time::timeout(HEADER_GRACE, &mut read).await {
                Ok(h) => h,
                Err(_) => {
                    tracing::warn!(
                        "{peer} : en-tête AGI incomplet à l'arrêt du service ; connexion fermée, \
                         rien n'est enregistré"
                    );
                    return;
                }
            },
        }
    };
    let header = match header {
        Ok(h) => h,
        Err(ProtocolError::Closed) => {
            tracing::warn!(
                "{peer} : connexion fermée sans en-tête AGI complet ; rien n'est enregistré"
            );
            return;
        }
        Err(e) => {
            tracing::warn!("{peer} : {e} ; connexion fermée, rien n'est enregistré");
            return;
        }
    };
    let answer = match header.script() {
        "autoriser" => authorize(&header, &jobs).await,
        "terminer" => finish(&header, &jobs).await,
        "etat" => Ok(vec![
            ("FORFAITS_STATUT", "EN_SERVICE".to_string()),
            ("FORFAITS_VERSION", env!("CARGO_PKG_VERSION").to_string()),
            (
                "FORFAITS_MESSAGE",
                format!(
                    "Forfaits {} : contrôle d'appel en service",
                    env!("CARGO_PKG_VERSION")
                ),
            ),
        ]),
        other => Err(format!(
            "script inconnu « {} » (autoriser, terminer ou etat)",
            shown(other)
        )),
    };
    let vars = match answer {
        Ok(v) => v,
        Err(why) => {
            tracing::warn!("{peer} : {why} ; connexion fermée, rien n'est enregistré");
            return;
        }
    };
    // FORFAITS_STATUT goes last (`variables`): a channel that did not read it does not dial.
    let mut dials = true;
    for (name, value) in vars {
        match set_variable(&mut s, name, &value, cfg.idle).await {
            Ok(reply) => {
                dials &= !reply.hung_up;
                if !reply.line.starts_with("200") {
                    tracing::warn!(
                        "{peer} : SET VARIABLE {name} refusé par Asterisk : {}",
                        reply.line
                    )
                }
            }
            Err(e) => {
                tracing::warn!("{peer} : {e} en envoyant {name}");
                dials &= name == "FORFAITS_STATUT";
                break;
            }
        }
    }
    if header.script() == "autoriser" && !dials {
        release(&header, &jobs).await;
    }
}

/// The caller hung up while `autoriser` answered, or the channel could not read that it may
/// dial: no call comes of this grant, so its hold is released now rather than at its expiry.
async fn release(h: &Header, jobs: &mpsc::Sender<Job>) {
    let Some(uniqueid) = h.uniqueid() else {
        return;
    };
    match ask(jobs, Request::Abandon(uniqueid.to_string())).await {
        Ok(_) => tracing::info!(
            "autoriser {} abandonné : réservation libérée",
            shown(uniqueid)
        ),
        Err(why) => tracing::error!(
            "autoriser {} abandonné ; réservation gardée jusqu'à son expiration : {why}",
            shown(uniqueid)
        ),
    }
}

/// An argument that must be there: `agi_arg_n`, not blank.
fn required<'h>(h: &'h Header, n: usize, what: &str) -> Result<&'h str, String> {
    match h.arg(n).map(str::trim) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(format!("argument {n} ({what}) manquant")),
    }
}

async fn ask(jobs: &mpsc::Sender<Job>, req: Request) -> Result<Answer, String> {
    let (reply, answer) = oneshot::channel();
    jobs.send(Job { req, reply })
        .map_err(|_| "le service s'arrête".to_string())?;
    answer
        .await
        .map_err(|_| "le service s'arrête".to_string())?
}

async fn authorize(
    h: &Header,
    jobs: &mpsc::Sender<Job>,
) -> Result<Vec<(&'static str, String)>, String> {
    let uniqueid = h.uniqueid().ok_or("agi_uniqueid manquant")?;
    let req = AuthorizeRequest {
        uniqueid: uniqueid.to_string(),
        code: required(h, 1, "identifiant")?.to_string(),
        asked: required(h, 2, "touche ou numéro")?.to_string(),
    };
    let decision = match ask(jobs, Request::Authorize(req.clone())).await {
        Ok(Answer::Decision(d)) => d,
        Ok(_) => Decision::internal(&req, "réponse inattendue"),
        Err(why) => Decision::internal(&req, &why),
    };
    let limit = match &decision.verdict {
        Verdict::Authorized(a) => a.limit_ms,
        Verdict::Refused(_) => 0,
    };
    tracing::info!(
        "autoriser {} {} compte={} numero={} limite_ms={}",
        shown(uniqueid),
        decision.code(),
        decision.account.as_deref().unwrap_or("-"),
        shown(&decision.number),
        limit
    );
    Ok(variables(&decision))
}

/// The channel variables of a decision (SPEC §11).
pub fn variables(d: &Decision) -> Vec<(&'static str, String)> {
    let mut vars = vec![
        ("FORFAITS_MOTIF", d.code().to_string()),
        ("FORFAITS_MESSAGE", d.message.clone()),
    ];
    if let Verdict::Authorized(a) = &d.verdict {
        vars.push(("FORFAITS_NUMERO", a.number.clone()));
        vars.push(("FORFAITS_LIMITE_MS", a.limit_ms.to_string()));
        vars.push((
            "FORFAITS_ENREGISTRER",
            if a.record { "1" } else { "0" }.into(),
        ));
        // The call's record names the account. Recent Asterisk logs that CDR(accountcode) is
        // deprecated for CHANNEL(accountcode) but sets the same field; SPEC §11 names this one,
        // and every variable costs a round trip on the call's setup.
        vars.push(("CDR(accountcode)", a.identifiant.clone()));
    }
    // Last: the dialplan dials on AUTORISE, which must not come before what the dial needs.
    let status = match d.verdict {
        Verdict::Authorized(_) => "AUTORISE",
        Verdict::Refused(_) => "REFUSE",
    };
    vars.push(("FORFAITS_STATUT", status.to_string()));
    vars
}

async fn finish(
    h: &Header,
    jobs: &mpsc::Sender<Job>,
) -> Result<Vec<(&'static str, String)>, String> {
    let uniqueid = h.uniqueid().ok_or("agi_uniqueid manquant")?;
    let raw = required(h, 1, "secondes répondues")?;
    let billsec: i64 = raw
        .parse()
        .ok()
        .filter(|s| (0..=MAX_CALL_SECONDS).contains(s))
        .ok_or_else(|| {
            format!(
                "argument 1 (secondes répondues) invalide « {} »",
                shown(raw)
            )
        })?;
    let req = FinishRequest {
        uniqueid: uniqueid.to_string(),
        billsec,
        disposition: h.arg(2).unwrap_or_default().to_string(),
    };
    let (status, message) = match ask(jobs, Request::Finish(req)).await {
        Ok(Answer::Finished(f)) => {
            let cost = match &f {
                Finished::Billed { cost, .. } => *cost,
                _ => 0,
            };
            tracing::info!(
                "terminer {} {} secondes={billsec} cout={cost}",
                shown(uniqueid),
                f.status()
            );
            (f.status().to_string(), f.message().to_string())
        }
        Ok(_) => ("ERREUR".into(), "réponse inattendue".into()),
        Err(why) => {
            tracing::error!("terminer {} ERREUR {why}", shown(uniqueid));
            (
                "ERREUR".into(),
                format!("Appel non facturé : erreur de Forfaits ({why}) ; il le sera au chargement de Master.csv."),
            )
        }
    };
    Ok(vec![
        ("FORFAITS_STATUT", status),
        ("FORFAITS_MESSAGE", message),
    ])
}
