"""Helpers both benchmark scripts share: generated data, timed runs side by side, the report
lines."""
import os, statistics, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
BIN = TARGET / "release" / "forfaits"
WORK = ROOT / "gen" / "bench"


def args(doc):
    import argparse
    p = argparse.ArgumentParser(description=doc)
    p.add_argument("--small", type=int, default=200_000, help="accounts for the import benchmark")
    p.add_argument("--big", type=int, default=1_000_000, help="accounts for search, export, memory")
    p.add_argument("--runs", type=int, default=5)
    a = p.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    if not BIN.exists():
        sys.exit(f"{BIN} absent : lancez d'abord `cargo build --release`")
    return a


def gen(n):
    f = WORK / f"users-{n}.csv"
    if not f.exists():
        with open(f, "w") as out:
            subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_users.py"), str(n)], stdout=out, check=True)
    return f


def timed(cmd, stdin=None, stdout=subprocess.DEVNULL, flush=True):
    """Wall time of `cmd`, started with posix_spawn: Python's subprocess costs 1-2 ms more (a
    `/bin/true` measured 1.8 ms through it, 0.9 ms this way), which a search of a few
    milliseconds would carry as its own."""
    # Earlier runs' dirty pages are written first, so they do not slow down this one.
    if flush:
        subprocess.run(["sync"], check=True)
    devnull = os.open(os.devnull, os.O_RDWR)
    out = devnull if stdout is subprocess.DEVNULL else stdout.fileno()
    actions = [(os.POSIX_SPAWN_DUP2, out, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
    if stdin is not None:
        actions.append((os.POSIX_SPAWN_DUP2, stdin.fileno(), 0))
    try:
        t = time.perf_counter()
        pid = os.posix_spawnp(cmd[0], [str(c) for c in cmd], os.environ, file_actions=actions)
        _, status = os.waitpid(pid, 0)
        elapsed = time.perf_counter() - t
    finally:
        os.close(devnull)
    if os.waitstatus_to_exitcode(status) != 0:
        raise subprocess.CalledProcessError(os.waitstatus_to_exitcode(status), cmd)
    return elapsed


def median_pair(f_ours, f_base, runs):
    ours, base = [], []
    for _ in range(runs):
        ours.append(f_ours())
        base.append(f_base())
    return statistics.median(ours), statistics.median(base)


def middle_fragment(big, n):
    """The national part (8 digits) of a number in the middle of the file."""
    with open(big) as f:
        for i, line in enumerate(f):
            if i >= n // 2 and line.strip().split(",")[3]:
                return line.strip().split(",")[3][-8:]


def search_queries(big, n, op):
    """The searches measured, each with its baseline's WHERE clause (`op`: LIKE or ILIKE over
    the columns search covers): prefix and infix, 3 to 8 digits and 3 to 6 letters."""
    fragment = middle_fragment(big, n)
    digits_cols = ["matricule", "identifiant"] + [f"t{k}" for k in range(1, 11)]
    for part, cols in ((fragment, digits_cols), (fragment[-5:], digits_cols), (fragment[:3], digits_cols),
                       ("abels", ["nom"]), ("moh", ["nom"]), ("trabel", ["nom"])):
        yield part, " OR ".join(f"{c} {op} '%{part}%'" for c in cols)


# The columns of the export's baseline, as the generated table names them.
EXPORT_COLS = ("name, matricule, identifiant, enabled, balance, phone1, phone2, phone3, phone4, phone5, "
               "phone6, phone7, phone8, phone9, phone10, created_at, updated_at, allowance_min, used_seconds, billing")

rows = []


def thousands(x):
    return f"{x:,.0f}".replace(",", " ")


def verdict(ok):
    return "ATTEINT" if ok else "NON ATTEINT"


def report(name, ours, base, ours_label, base_label, goal, also=None):
    """A row: our time beside the baseline's, the ratio and the issue's goal for it; `also` adds
    (text, met) of a further goal of the same row (a rate, a whole-process time...)."""
    ratio = ours / base
    met = ratio <= goal and (also is None or also[1])
    more = f" ; {also[0]}" if also else ""
    rows.append(f"{name:<34} {ours_label} {ours:8.3f} s | {base_label} {base:8.3f} s | ratio {ratio:6.3f} "
                f"(objectif <= {goal}{more}) {verdict(met)}")


def start_agi(db):
    """`forfaits --db DB agi` on a free port, once it accepts connections: (process, address)."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    addr = f"127.0.0.1:{port}"
    service = subprocess.Popen([str(BIN), "--db", str(db), "agi", "--listen", addr],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    return service, addr


def charge(addr, codes, *extra):
    """The FastAGI load generator (plays Asterisk) for 10 s over 50 connections: its output words
    (sessions, rate, p50, p99, then the mix of answers)."""
    charge_bin = BIN.parent / "examples" / "charge"
    return subprocess.run([str(charge_bin), "--addr", addr, "--codes", str(codes), "--connections", "50",
                           "--seconds", "10", *extra], capture_output=True, text=True, check=True).stdout.split()


def in_a_row(cmd, runs=11):
    """Median wall time of `cmd` run `runs` times in a row, after one run not counted. On this
    VM a short process started right after another program (as `median_pair` alternates them)
    or after a pause takes 2-3 times as long as the same process run again at once (a
    one-number search: 9-18 ms against 4 ms), so both are printed."""
    timed(cmd, flush=False)
    return statistics.median(timed(cmd, flush=False) for _ in range(runs))
