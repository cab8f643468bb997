#!/usr/bin/env python3
"""Generate an Asterisk cdr_csv Master.csv (18 columns) for accounts of a users CSV.
usage: gen_calls.py N users.csv [--seed S] > Master.csv
Calls go mostly to the account's authorized numbers, some elsewhere; about 1 in 5 is not
answered; durations up to 20 minutes; start times spread over November 2026."""
import argparse, random, sys, time

p = argparse.ArgumentParser()
p.add_argument("n", type=int)
p.add_argument("users")
p.add_argument("--seed", type=int, default=11)
a = p.parse_args()
rnd = random.Random(a.seed)

accounts = []
with open(a.users, encoding="utf-8") as f:
    for line in f:
        cols = line.rstrip("\n").split(",") if "," in line else line.rstrip("\n").split(";")
        if len(cols) >= 3:
            accounts.append((cols[2], [c for c in cols[3:] if c]))
        if len(accounts) >= 50_000:
            break

out = sys.stdout
base = 1_793_491_200  # 2026-11-01 00:00 UTC
dispositions = ["ANSWERED"] * 8 + ["NO ANSWER", "BUSY"]
for i in range(a.n):
    code, keys = rnd.choice(accounts)
    if keys and rnd.random() < 0.9:
        dst = rnd.choice(keys)
    else:
        dst = rnd.choice("2459") + "".join(rnd.choice("0123456789") for _ in range(7))
    t = base + rnd.randrange(0, 29 * 86400)
    disp = rnd.choice(dispositions)
    billsec = rnd.randrange(1, 1200) if disp == "ANSWERED" else 0
    ring = rnd.randrange(1, 20)
    def ts(x):
        return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(x))
    start, answer, end = ts(t), (ts(t + ring) if billsec else ""), ts(t + ring + billsec)
    out.write(f'"{code}","2{i % 100:02d}","{dst}","detenus","""Poste"" <{code}>","SIP/p-{i:08x}","SIP/trunk-{i:08x}","Dial","SIP/trunk/{dst},60","{start}","{answer}","{end}",{ring + billsec},{billsec},"{disp}","BILLING","{t}.{i}",""\n')
