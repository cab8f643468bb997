//! Whether a call-control service answers at an address: the window's *Paramètres* asks the
//! script `etat` there, as Asterisk would, and reads `FORFAITS_STATUT`.

use crate::asterisk::{connect_lines, parse_args, read_command, Call};
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// `Ok("Forfaits 0.1.0")` when a Forfaits service answers at `addr` within `timeout`; else the
/// French sentence to show: nothing answers (nothing listens, or it stays silent), or another
/// program does.
pub async fn probe(addr: &str, timeout: Duration) -> Result<String, String> {
    let mut heard = false;
    let talked = tokio::time::timeout(timeout, ask_status(addr, &mut heard)).await;
    match talked {
        Ok(Ok(vars)) if vars.get("FORFAITS_STATUT").map(String::as_str) == Some("EN_SERVICE") => {
            Ok(match vars.get("FORFAITS_VERSION") {
                Some(v) if !v.is_empty() => format!("Forfaits {v}"),
                _ => "Forfaits".to_string(),
            })
        }
        _ if heard => Err(format!(
            "Un programme répond sur {addr}, mais ce n'est pas le service de contrôle d'appel \
             de Forfaits"
        )),
        _ => Err(format!("Aucun service ne répond sur {addr}")),
    }
}

/// Plays Asterisk's side of `AGI(agi://ADDR/etat)`: every `SET VARIABLE` is answered and
/// kept. `heard` turns true as soon as the other end says anything.
async fn ask_status(addr: &str, heard: &mut bool) -> std::io::Result<BTreeMap<String, String>> {
    let stream = TcpStream::connect(addr).await?;
    let (read, mut write) = stream.into_split();
    let hello: String = connect_lines(addr, &Call::new("etat", &[], "forfaits-sonde")).concat();
    // Not fatal: another program may already have spoken and closed.
    let _ = write.write_all(hello.as_bytes()).await;
    let mut read = BufReader::new(read);
    let mut vars = BTreeMap::new();
    let mut raw = Vec::with_capacity(256);
    loop {
        if read_command(&mut read, &mut raw).await? == 0 {
            return Ok(vars);
        }
        *heard = true;
        let args = parse_args(String::from_utf8_lossy(&raw).trim_end());
        let reply: &[u8] = if args.len() == 4
            && args[0].eq_ignore_ascii_case("set")
            && args[1].eq_ignore_ascii_case("variable")
        {
            vars.insert(args[2].clone(), args[3].clone());
            b"200 result=1\n"
        } else {
            b"510 Invalid or unknown command\n"
        };
        let _ = write.write_all(reply).await;
    }
}
