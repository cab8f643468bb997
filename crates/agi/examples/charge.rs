//! Load for `make bench`: many simultaneous `autoriser` sessions, each a new connection as
//! Asterisk opens one per call, played byte for byte by `forfaits_agi::asterisk`. Prints the
//! decisions per second and the p50/p99 latency of a whole session; with `--baseline`, the same
//! bytes against a server that answers without deciding anything (a bare TCP round trip).
//!
//! usage: charge --addr HOST:PORT --codes FILE [--connections 50] [--seconds 10] [--rate N]
//!        [--baseline]
//! FILE: one identifiant a line (7 digits). Without `--rate`, each connection starts its next
//! session as soon as the last ends (the most the service decides); with `--rate N`, sessions
//! start N times a second in all, and each latency counts from when its session was due to
//! start (a late start is the service's delay, not hidden).

use forfaits_agi::asterisk::{run, Call};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

struct Args {
    addr: String,
    codes: Vec<String>,
    connections: usize,
    seconds: u64,
    rate: Option<f64>,
    baseline: bool,
}

fn args() -> Args {
    let mut a = Args {
        addr: String::new(),
        codes: Vec::new(),
        connections: 50,
        seconds: 10,
        rate: None,
        baseline: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        match k.as_str() {
            "--addr" => a.addr = it.next().expect("--addr HOST:PORT"),
            "--codes" => {
                let f = it.next().expect("--codes FILE");
                a.codes = std::fs::read_to_string(f)
                    .expect("fichier des identifiants")
                    .lines()
                    .map(|l| l.trim().to_string())
                    .filter(|l| !l.is_empty())
                    .collect();
            }
            "--connections" => a.connections = it.next().unwrap().parse().unwrap(),
            "--seconds" => a.seconds = it.next().unwrap().parse().unwrap(),
            "--rate" => a.rate = Some(it.next().unwrap().parse().unwrap()),
            "--baseline" => a.baseline = true,
            other => panic!("argument inconnu : {other}"),
        }
    }
    a
}

/// Answers every session with the commands an authorization sends, deciding nothing.
async fn bare_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(async move {
                let _ = stream.set_nodelay(true);
                let mut s = BufReader::new(stream);
                let mut line = String::new();
                loop {
                    line.clear();
                    if s.read_line(&mut line).await.unwrap_or(0) == 0 || line == "\n" {
                        break;
                    }
                }
                for cmd in [
                    "SET VARIABLE FORFAITS_STATUT \"AUTORISE\"\n",
                    "SET VARIABLE FORFAITS_MOTIF \"ok\"\n",
                    "SET VARIABLE FORFAITS_MESSAGE \"Autorisé : 60 min 00 s accordées à Mohamed Ben Ali (8589669) vers +21627468145.\"\n",
                    "SET VARIABLE FORFAITS_NUMERO \"+21627468145\"\n",
                    "SET VARIABLE FORFAITS_LIMITE_MS \"3600000\"\n",
                    "SET VARIABLE FORFAITS_ENREGISTRER \"1\"\n",
                    "SET VARIABLE CDR(accountcode) \"8589669\"\n",
                ] {
                    if s.get_mut().write_all(cmd.as_bytes()).await.is_err() {
                        return;
                    }
                    line.clear();
                    if s.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                }
            });
        }
    });
    addr
}

#[tokio::main]
async fn main() {
    let a = args();
    let addr = if a.baseline {
        bare_server().await
    } else {
        a.addr.clone()
    };
    let codes = Arc::new(if a.codes.is_empty() {
        vec!["8589669".to_string()]
    } else {
        a.codes
    });
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut workers = Vec::new();
    let (rate, connections) = (a.rate, a.connections);
    for w in 0..a.connections {
        let (addr, codes, stop) = (addr.clone(), codes.clone(), stop.clone());
        workers.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut outcomes = std::collections::BTreeMap::<String, u64>::new();
            let mut i = w;
            // With a rate, this connection's sessions are due every `period`, staggered.
            let period = rate.map(|r| Duration::from_secs_f64(connections as f64 / r));
            let mut due = started
                + period.map_or(Duration::ZERO, |p| p.mul_f64(w as f64 / connections as f64));
            while !stop.load(Ordering::Relaxed) {
                let code = &codes[(i * 7919) % codes.len()];
                let key = (i % 10 + 1).to_string();
                let call = Call::new("autoriser", &[code, &key], &format!("bench.{w}.{i}"));
                let t = match period {
                    Some(p) => {
                        tokio::time::sleep_until(due.into()).await;
                        let t = due;
                        due += p;
                        t
                    }
                    None => Instant::now(),
                };
                match run(&addr, &call).await {
                    Ok(o) => {
                        lat.push(t.elapsed());
                        *outcomes
                            .entry(o.var("FORFAITS_MOTIF").to_string())
                            .or_default() += 1;
                    }
                    Err(e) => panic!("session en échec : {e}"),
                }
                i += a.connections;
            }
            (lat, outcomes)
        }));
    }
    tokio::time::sleep(Duration::from_secs(a.seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut lat = Vec::new();
    let mut outcomes = std::collections::BTreeMap::<String, u64>::new();
    for w in workers {
        let (l, o) = w.await.unwrap();
        lat.extend(l);
        for (k, v) in o {
            *outcomes.entry(k).or_default() += v;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    lat.sort();
    let pct =
        |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)].as_secs_f64() * 1000.0;
    let mix: Vec<String> = outcomes.iter().map(|(k, v)| format!("{k}={v}")).collect();
    // One line, parsed by scripts/bench.py: count, rate, p50, p99, mix.
    println!(
        "{} {:.0} {:.2} {:.2} {}",
        lat.len(),
        lat.len() as f64 / elapsed,
        pct(0.50),
        pct(0.99),
        mix.join(",")
    );
}
