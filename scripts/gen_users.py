#!/usr/bin/env python3
# Copied from the shared tools folder so that benchmarks run from any clone.
"""Generate a header-less users CSV in the seed's 13-field format.
usage: gen_users.py N [--sep ';'] [--seed S] > users.csv
Fields: name, matricule (14 digits, unique), identifiant (7 digits, unique), phones 1..10 (optional)."""
import random, sys, argparse
p = argparse.ArgumentParser()
p.add_argument("n", type=int)
p.add_argument("--sep", default=",")
p.add_argument("--seed", type=int, default=7)
p.add_argument("--start", type=int, default=0, help="offset for unique numbers")
a = p.parse_args()
rnd = random.Random(a.seed)
first = ["Mohamed","Ahmed","Ali","Youssef","Sami","Hédi","Nour","Amira","Salma","Hélène","Farès","Khalil","Rania","Ines","Walid","Chokri","Béchir","Mériem","Zied","Lotfi"]
last = ["Ben Ali","Trabelsi","Gharbi","Jebali","Mejri","Ayari","Bouazizi","Hammami","Chaabane","Ben Salah","Khelifi","Saïdi","Dridi","Mansouri","Ferchichi","Zouari","Baccouche","Haddad","Lahmar","Karoui"]
out = sys.stdout
perm7 = rnd.sample(range(10**6, 10**7), a.n) if a.n <= 9*10**6 else None
for i in range(a.n):
    k = a.start + i
    name = f"{rnd.choice(first)} {rnd.choice(last)}"
    matricule = f"{(10**13 + k * 7919) % 10**14:014d}"
    ident = f"{perm7[i]:07d}"
    nphones = rnd.randint(0, 10)
    phones = []
    for _ in range(nphones):
        ph = rnd.choice(["+216", "", "00216"]) + rnd.choice("2459") + "".join(rnd.choice("0123456789") for _ in range(7))
        if ph not in phones:
            phones.append(ph)
    row = [name, matricule, ident] + phones + [""] * (10 - len(phones))
    out.write(a.sep.join(row) + "\n")
