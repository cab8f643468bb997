#!/usr/bin/env python3
"""Footprint of the shipped application: .deb size, installed size, release binary sizes, and
the memory of the idle window (the Tauri process and its WebKit helpers) on databases of 1,000
and 1,000,000 accounts, under a private Xvfb display.

Memory is PSS summed over the window's process tree (shared libraries counted once, split
between the processes that map them), read from /proc/PID/smaps_rollup after the window has
shown its rows and sat idle.

usage: scripts/footprint.py [--deb FILE] [--idle SECONDS]   (make footprint builds the .deb first)"""
import argparse, os, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "forfaits"
WORK = ROOT / "gen" / "footprint"

p = argparse.ArgumentParser()
p.add_argument("--deb", help="the .deb to measure (default: the newest in target/release/bundle/deb)")
p.add_argument("--idle", type=float, default=10.0, help="seconds the window sits before measuring")
a = p.parse_args()
WORK.mkdir(parents=True, exist_ok=True)


def mib(n_bytes):
    return f"{n_bytes / 1048576:.1f} MiB"


def database(n):
    db = WORK / f"comptes-{n}.sqlite3"
    if not db.exists():
        csv = WORK / f"users-{n}.csv"
        with open(csv, "w") as out:
            subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_users.py"), str(n)], stdout=out, check=True)
        subprocess.run([str(BIN), "--db", str(db), "import", str(csv)], check=True, stdout=subprocess.DEVNULL)
        csv.unlink()
    return db


def children(pid):
    kids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                kids.append(int(d.name))
    return kids


def tree(pid):
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children(p))
    return out


def pss_kib(pid):
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def idle_window(db):
    """Starts the window on db, waits until it is up and idle, returns (PSS total, RSS main)."""
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    display = ":" + xvfb.stdout.readline().decode().strip()
    bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    address = bus.stdout.readline().decode().strip()
    home = tempfile.mkdtemp(prefix="forfaits-footprint-")
    env = dict(os.environ, DISPLAY=display, DBUS_SESSION_BUS_ADDRESS=address,
               XDG_DATA_HOME=f"{home}/data", XDG_CONFIG_HOME=f"{home}/config", XDG_CACHE_HOME=f"{home}/cache")
    win = subprocess.Popen([str(BIN), "--db", str(db)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        logs = Path(home) / "data" / "tn.comunik.forfaits" / "logs"
        t = time.time()
        while not (logs.is_dir() and any(logs.iterdir())):
            if time.time() - t > 30 or win.poll() is not None:
                raise SystemExit("la fenêtre n'a pas démarré")
            time.sleep(0.1)
        time.sleep(a.idle)
        pids = tree(win.pid)
        return sum(pss_kib(p) for p in pids) * 1024, rss_kib(win.pid) * 1024, len(pids)
    finally:
        win.terminate()
        win.wait()
        for proc in (bus, xvfb):
            proc.kill()
            proc.wait()


deb = Path(a.deb) if a.deb else max((ROOT / "target/release/bundle/deb").glob("*.deb"), key=lambda f: f.stat().st_mtime)
installed_kib = int(subprocess.run(["dpkg-deb", "-f", str(deb), "Installed-Size"], capture_output=True, text=True, check=True).stdout)
print(f"paquet {deb.name} : {mib(deb.stat().st_size)} ; installé : {mib(installed_kib * 1024)}")
for name in ("forfaits", "forfaits-fenetre"):
    print(f"binaire release {name} : {mib((BIN.parent / name).stat().st_size)}")
for n in (1_000, 1_000_000):
    db = database(n)
    pss, rss, count = idle_window(db)
    print(f"fenêtre au repos, {n:>9,} comptes : {mib(pss)} PSS sur {count} processus "
          f"(processus Tauri seul : {mib(rss)} RSS)".replace(",", " "))
