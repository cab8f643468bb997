//! Asterisk's side of a FastAGI session, as `res/res_agi.c` plays it: the connect lines in its
//! order and format (one write per line), then each command read as one line, split by its
//! argument parser and answered with its exact reply texts; `HANGUP` written when the server
//! closes. The tests and the benchmark use it as the telephony server, which is not packaged
//! for this system.

use std::collections::BTreeMap;
use std::time::Duration;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Asterisk's command buffer (8 KiB since 20.16; the last byte holds the terminator).
pub const AGI_BUF_LEN: usize = 8192;

/// One `AGI(agi://HOST:PORT/SCRIPT,ARG1,ARG2)` from the dial plan.
#[derive(Debug, Clone)]
pub struct Call {
    pub script: String,
    pub args: Vec<String>,
    pub uniqueid: String,
    pub accountcode: String,
    /// Run from a hangup handler: the channel is already down, only the commands allowed on a
    /// dead channel are (`SET VARIABLE` is).
    pub dead: bool,
    /// The caller hangs up while the server talks: `HANGUP` is written before the reply to this
    /// command (0-based), then the channel is dead.
    pub hangup_before_reply: Option<usize>,
}

impl Call {
    pub fn new(script: &str, args: &[&str], uniqueid: &str) -> Call {
        Call {
            script: script.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            uniqueid: uniqueid.into(),
            accountcode: String::new(),
            dead: script == "terminer",
            hangup_before_reply: None,
        }
    }
}

/// AGISTATUS as the dial plan sees it after the AGI application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgiStatus {
    Success,
    Failure,
    Hangup,
}

#[derive(Debug, Clone)]
pub struct Outcome {
    /// Channel variables as set by the server's commands.
    pub vars: BTreeMap<String, String>,
    /// Every command line received, as received.
    pub commands: Vec<String>,
    /// Every reply sent, in order.
    pub replies: Vec<String>,
    pub status: AgiStatus,
}

impl Outcome {
    pub fn var(&self, name: &str) -> &str {
        self.vars.get(name).map(|s| s.as_str()).unwrap_or("")
    }
}

/// `setup_env`'s variables in its order, as a PJSIP phone in the dial plan's `detenus` context
/// sends them (Asterisk 20), one a line as on the wire; `$request`, `$uniqueid` and
/// `$accountcode` stand for the call's own.
const ENV: &str = "\
agi_request: $request
agi_channel: PJSIP/poste212-0000002a
agi_language: fr
agi_type: PJSIP
agi_uniqueid: $uniqueid
agi_version: 20.20.1
agi_callerid: 212
agi_calleridname: unknown
agi_callingpres: 0
agi_callingani2: 0
agi_callington: 0
agi_callingtns: 0
agi_dnid: unknown
agi_rdnis: unknown
agi_context: detenus
agi_extension: s
agi_priority: 3
agi_enhanced: 0.0
agi_accountcode: $accountcode
agi_threadid: 140245163562752";

/// The connect lines (`launch_netscript`, then `setup_env`).
pub fn connect_lines(host: &str, call: &Call) -> Vec<String> {
    let mut lines = vec!["agi_network: yes\n".to_string()];
    if !call.script.is_empty() {
        lines.push(format!("agi_network_script: {}\n", call.script));
    }
    let mut request = format!("agi://{host}/{}", call.script);
    for a in &call.args {
        request.push(',');
        request.push_str(a);
    }
    lines.extend(ENV.lines().map(|line| {
        let (name, value) = line.split_once(": ").unwrap_or((line, ""));
        let value = match value {
            "$request" => &request,
            "$uniqueid" => &call.uniqueid,
            "$accountcode" => &call.accountcode,
            fixed => fixed,
        };
        format!("{name}: {value}\n")
    }));
    for (i, a) in call.args.iter().enumerate() {
        lines.push(format!("agi_arg_{}: {a}\n", i + 1));
    }
    lines.push("\n".into());
    lines
}

/// `parse_args`: space or tab separate words, `"` toggles quoting (and is dropped), `\` makes
/// the next character literal.
pub fn parse_args(line: &str) -> Vec<String> {
    let mut args: Vec<String> = Vec::new();
    let mut cur = String::new();
    let (mut quoted, mut escaped, mut in_word) = (false, false, false);
    for c in line.chars() {
        if escaped {
            cur.push(c);
            escaped = false;
            in_word = true;
            continue;
        }
        match c {
            '\\' => {
                escaped = true;
                in_word = true;
            }
            '"' => {
                quoted = !quoted;
                in_word = true;
            }
            ' ' | '\t' if !quoted => {
                if in_word {
                    args.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        args.push(cur);
    }
    args.truncate(127);
    args
}

/// Commands allowed on a dead channel (flag 1 in res_agi's table).
fn allowed_dead(words: &[String]) -> bool {
    let w: Vec<String> = words.iter().take(2).map(|s| s.to_lowercase()).collect();
    matches!(
        (w.first().map(String::as_str), w.get(1).map(String::as_str)),
        (Some("set"), Some("variable"))
            | (Some("get"), Some("variable"))
            | (Some("get"), Some("full"))
            | (Some("exec"), _)
            | (Some("noop"), _)
            | (Some("verbose"), _)
            | (Some("database"), _)
            | (Some("asyncagi"), Some("break"))
    )
}

const SET_VARIABLE_USAGE: &str = "520-Invalid command syntax.  Proper usage follows:\nSets a variable to the current channel.\n520 End of proper usage.\n";

/// The reply res_agi writes for one command, and the variable it sets.
fn reply(args: &[String], dead: bool, vars: &mut BTreeMap<String, String>) -> String {
    let lower: Vec<String> = args.iter().map(|a| a.to_lowercase()).collect();
    let known = matches!(
        lower.first().map(String::as_str),
        Some(
            "set"
                | "get"
                | "noop"
                | "verbose"
                | "exec"
                | "answer"
                | "hangup"
                | "stream"
                | "database"
        )
    );
    if !known {
        return "510 Invalid or unknown command\n".into();
    }
    if dead && !allowed_dead(args) {
        return "511 Command Not Permitted on a dead channel or intercept routine\n".into();
    }
    match (
        lower.first().map(String::as_str),
        lower.get(1).map(String::as_str),
    ) {
        (Some("set"), Some("variable")) => {
            if args.len() != 4 {
                return SET_VARIABLE_USAGE.into();
            }
            vars.insert(args[2].clone(), args[3].clone());
            "200 result=1\n".into()
        }
        (Some("get"), Some("variable")) if args.len() == 3 => match vars.get(&args[2]) {
            Some(v) => format!("200 result=1 ({v})\n"),
            None => "200 result=0\n".into(),
        },
        (Some("noop"), _) | (Some("verbose"), _) => "200 result=1\n".into(),
        (Some("answer"), _) => "200 result=0\n".into(),
        _ => "510 Invalid or unknown command\n".into(),
    }
}

/// Reads one command line into `raw` as Asterisk does, with fgets into its 8 KiB buffer: a
/// longer line is cut, its rest read as the next one. 0 when the server has closed.
pub async fn read_command<R: AsyncBufRead + Unpin>(
    read: &mut R,
    raw: &mut Vec<u8>,
) -> std::io::Result<usize> {
    raw.clear();
    read.take((AGI_BUF_LEN - 1) as u64)
        .read_until(b'\n', raw)
        .await
}

/// Plays one AGI session against the server at `addr` and returns what the channel ended with.
pub async fn run(addr: &str, call: &Call) -> std::io::Result<Outcome> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (read, mut write) = stream.into_split();
    for line in connect_lines(addr, call) {
        write.write_all(line.as_bytes()).await?;
    }
    let mut read = BufReader::with_capacity(AGI_BUF_LEN, read);
    let mut out = Outcome {
        vars: BTreeMap::new(),
        commands: Vec::new(),
        replies: Vec::new(),
        status: AgiStatus::Success,
    };
    let mut dead = call.dead;
    let mut raw = Vec::with_capacity(256);
    loop {
        if read_command(&mut read, &mut raw).await? == 0 {
            // The server closed: the session is over; Asterisk says HANGUP once more.
            let _ = write.write_all(b"HANGUP\n").await;
            let _ = write.shutdown().await;
            return Ok(out);
        }
        if raw.last() == Some(&b'\n') {
            raw.pop();
        }
        let line = String::from_utf8_lossy(&raw).into_owned();
        if line.len() >= 7 && line[..7].eq_ignore_ascii_case("failure") {
            out.status = AgiStatus::Failure;
            let _ = write.shutdown().await;
            return Ok(out);
        }
        let args = parse_args(&line);
        if call.hangup_before_reply == Some(out.commands.len()) && !dead {
            write.write_all(b"HANGUP\n").await?;
            dead = true;
            out.status = AgiStatus::Hangup;
        }
        out.commands.push(line);
        let r = reply(&args, dead, &mut out.vars);
        write.write_all(r.as_bytes()).await?;
        out.replies.push(r);
    }
}

/// [`run`] with a guard: a server that never ends the session fails the test instead of
/// hanging it (Asterisk itself would wait for ever).
pub async fn run_within(addr: &str, call: &Call, limit: Duration) -> std::io::Result<Outcome> {
    tokio::time::timeout(limit, run(addr, call))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "session sans fin"))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_split_like_res_agi() {
        assert_eq!(
            parse_args(r#"SET VARIABLE NAME "value with spaces""#),
            ["SET", "VARIABLE", "NAME", "value with spaces"]
        );
        assert_eq!(
            parse_args(r#"SET VARIABLE V "say \"hi\" C:\\x""#),
            ["SET", "VARIABLE", "V", r#"say "hi" C:\x"#]
        );
        assert_eq!(parse_args(r#"a "" b"#), ["a", "", "b"]);
        assert_eq!(parse_args(r#"ab"c d"e"#), ["abc de"]);
        assert_eq!(parse_args("  x\t y "), ["x", "y"]);
    }

    #[test]
    fn replies_are_res_agis_texts() {
        let mut vars = BTreeMap::new();
        let set = parse_args(r#"SET VARIABLE CDR(accountcode) "8589669""#);
        assert_eq!(reply(&set, true, &mut vars), "200 result=1\n");
        assert_eq!(vars["CDR(accountcode)"], "8589669");
        assert!(reply(&parse_args("set variable A b c"), false, &mut vars).starts_with("520-"));
        assert_eq!(
            reply(&parse_args("ANSWER"), true, &mut vars),
            "511 Command Not Permitted on a dead channel or intercept routine\n"
        );
        assert_eq!(
            reply(&parse_args(""), false, &mut vars),
            "510 Invalid or unknown command\n"
        );
        assert_eq!(
            reply(&parse_args("FOO"), false, &mut vars),
            "510 Invalid or unknown command\n"
        );
    }

    #[test]
    fn connect_lines_follow_setup_env() {
        let lines = connect_lines(
            "127.0.0.1:4573",
            &Call::new("autoriser", &["8589669", ""], "1764.1"),
        );
        assert_eq!(lines[0], "agi_network: yes\n");
        assert_eq!(lines[1], "agi_network_script: autoriser\n");
        assert_eq!(
            lines[2],
            "agi_request: agi://127.0.0.1:4573/autoriser,8589669,\n"
        );
        assert_eq!(lines[6], "agi_uniqueid: 1764.1\n");
        assert_eq!(lines[20], "agi_accountcode: \n");
        assert_eq!(lines[23], "agi_arg_2: \n");
        assert_eq!(lines.last().unwrap(), "\n");
        assert_eq!(lines.len(), 2 + 20 + 2 + 1);
    }
}
