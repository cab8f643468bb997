#!/usr/bin/env python3
"""Site mode (PostgreSQL) benchmarks, run by `make bench` after the SQLite ones: the same figures
on a throw-away cluster, each beside PostgreSQL's own baseline run side by side (COPY into a bare
table for import and export, ILIKE '%…%' without index for search). Goals (issue 17): import <=
1.2x COPY, export <= 1.0x COPY … TO, search <= 0.01x the unindexed scan.

usage: scripts/bench_site.py [--small N] [--big N] [--runs R]"""
import atexit, glob, os, shutil, socket, subprocess, sys, tempfile, time
from pathlib import Path
import bench_common
from bench_common import (BIN, ROOT, WORK, EXPORT_COLS, args, start_agi, gen, median_pair, report, rows,
                          search_queries, timed)

a = args(__doc__)

# The cluster: Debian's server as the `postgres` user when run as root (it refuses root).
root = os.geteuid() == 0
pg_bin = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(d.split("/")[-2]))[-1]
runas = ["runuser", "-u", "postgres", "--"] if root else []
cluster = Path(tempfile.mkdtemp(prefix="forfaits-bench-pg-"))
if root:
    shutil.chown(cluster, "postgres", "postgres")
data = cluster / "data"
subprocess.run(runas + [f"{pg_bin}/initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                        "--locale=C.UTF-8"], stdout=subprocess.DEVNULL, check=True)
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
# maintenance_work_mem: index builds of a first import (64 MiB by default).
subprocess.run(runas + [f"{pg_bin}/pg_ctl", "-D", str(data), "-o",
                        f"-p {port} -k {cluster} -c listen_addresses=127.0.0.1 -c maintenance_work_mem=256MB",
                        "-l", str(cluster / "log"), "-w", "start"], stdout=subprocess.DEVNULL, check=True)


def stop():
    subprocess.run(runas + [f"{pg_bin}/pg_ctl", "-D", str(data), "-m", "fast", "stop"], stdout=subprocess.DEVNULL)
    shutil.rmtree(cluster, ignore_errors=True)


atexit.register(stop)


def url(db):
    return f"postgres://postgres@127.0.0.1:{port}/{db}"


def psql(db, *args, stdout=subprocess.DEVNULL):
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(port), "-U",
                    "postgres", "-d", db, *args], stdout=stdout, stderr=subprocess.PIPE, check=True)


def fresh(db):
    psql("postgres", "-c", f"DROP DATABASE IF EXISTS {db}")
    psql("postgres", "-c", f"CREATE DATABASE {db}")


BARE = ("CREATE TABLE u(nom text, matricule text UNIQUE, identifiant text UNIQUE, t1 text, t2 text, t3 text, "
        "t4 text, t5 text, t6 text, t7 text, t8 text, t9 text, t10 text)")


def ours_import(db, csv):
    fresh(db)
    subprocess.run([str(BIN), "site", "init", url(db)], stdout=subprocess.DEVNULL, check=True)
    return timed([str(BIN), "--db", url(db), "import", str(csv)])


def copy_import(db, csv):
    fresh(db)
    psql(db, "-c", BARE)
    return timed(["psql", "-X", "-q", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", db,
                  "-c", f"\\copy u FROM '{csv}' WITH (FORMAT csv)"])


small = gen(a.small)
o, b = median_pair(lambda: ours_import("ours_small", small), lambda: copy_import("bare_small", small), a.runs)
report(f"import {a.small:,} comptes".replace(",", " "), o, b, "forfaits import", "COPY table nue", 1.2)

big = gen(a.big)
t_big = ours_import("ours_big", big)
copy_import("bare_big", big)
for part, ilike in search_queries(big, a.big, "ILIKE"):
    o, b = median_pair(
        lambda: timed([str(BIN), "--db", url("ours_big"), "search", part]),
        lambda: timed(["psql", "-X", "-q", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", "bare_big",
                       "-c", f"SELECT * FROM u WHERE {ilike}"]),
        max(a.runs, 5),
    )
    report(f"recherche « {part} » / {a.big:,}".replace(",", " "), o, b, "forfaits search", "ILIKE sans index", 0.01)

out1, out2 = WORK / "export-site.csv", WORK / "export-copy.csv"
cols = EXPORT_COLS
o, b = median_pair(
    lambda: timed([str(BIN), "--db", url("ours_big"), "export", "--out", str(out1)]),
    lambda: timed(["psql", "-X", "-q", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", "ours_big",
                   "-c", f"\\copy (SELECT {cols} FROM accounts ORDER BY id) TO '{out2}' WITH (FORMAT csv)"]),
    a.runs,
)
report(f"export {a.big:,} comptes".replace(",", " "), o, b, "forfaits export", "COPY TO        ", 1.0)

# Rating: generated call records of the 200,000 accounts imported above, with the sample tariffs,
# loaded once (a tenth of the SQLite benchmark's million: a site writes each call in a round trip).
n_calls = max(a.big // 10, 1000)
calls = WORK / f"calls-site-{n_calls}.csv"
if not calls.exists():
    with open(calls, "w") as out:
        subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_calls.py"), str(n_calls), str(small)],
                       stdout=out, check=True)
subprocess.run([str(BIN), "--db", url("ours_small"), "tariffs", "import",
                str(ROOT / "tests" / "fixtures" / "tariffs-sample.csv")], stdout=subprocess.DEVNULL, check=True)
t_calls = timed([str(BIN), "--db", url("ours_small"), "calls", "import", str(calls)])

# Call control on the site: the service signed in as the site's owner over the 1,000,000
# accounts, 50 simultaneous sessions (a connection per call, as Asterisk), with free tariffs.
free = WORK / "tarifs-gratuits.csv"
free.write_text("prefixe;libelle;prix_minute;bloc_initial_s;bloc_s;frais_connexion\n+;Tout;0;60;60;0\n")
subprocess.run([str(BIN), "--db", url("ours_big"), "tariffs", "import", str(free)], stdout=subprocess.DEVNULL, check=True)
codes_file = WORK / "codes-site.txt"
with open(big) as f, open(codes_file, "w") as out:
    for i, line in enumerate(f):
        if i % 10 == 0:
            out.write(line.split(",")[2] + "\n")
service, agi_addr = start_agi(url("ours_big"))


def charge(*extra):
    out = bench_common.charge(agi_addr, codes_file, *extra)
    return float(out[1]), float(out[2]), float(out[3])


agi_rate, agi_p50, agi_p99 = charge()
at_rate, at_p50, at_p99 = charge("--rate", "5000")
service.terminate()
service.wait(timeout=10)

print()
print("Mode site (PostgreSQL " + pg_bin.split("/")[-2] + ", grappe jetable sur ce poste)")
print("\n".join(rows))
print(f"{'import ' + format(a.big, ',').replace(',', ' ') + ' comptes':<34} {t_big:.2f} s")
agi_ok = bench_common.verdict(agi_rate >= 5000 and at_p99 <= 5)
n = bench_common.thousands
print(f"{'décisions FastAGI (50 connexions)':<34} au plus {n(agi_rate)}/s (p50 {agi_p50:.1f} ms ; p99 {agi_p99:.1f} ms) ; "
      f"à 5 000/s offertes : {n(at_rate)}/s servies (p50 {at_p50:.1f} ms ; p99 {at_p99:.1f} ms) | objectif >= 5 000/s et p99 <= 5 ms : {agi_ok}")
print(f"{'tarification ' + format(n_calls, ',').replace(',', ' ') + ' appels':<34} {t_calls:.2f} s = {n_calls / t_calls:,.0f} appels/s".replace(",", " "))
