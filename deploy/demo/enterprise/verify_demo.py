#!/usr/bin/env python3
"""Checks the committed demo CSVs against the 2023 work report figures, independently of the
C++ code (tests/unit/enterprise/demo_data_test.cc checks them through the domain layer).
Exit status 0 when every figure matches exactly."""
import csv
import os
import sys
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
YI = 100_000_000
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def pct(fr, places=2):  # half away from zero, as common/ratio.cc
    scaled = abs(fr) * 100 * 10 ** places
    q = int(scaled + Fraction(1, 2))
    s = "%d.%0*d" % (q // 10 ** places, places, q % 10 ** places)
    return ("-" if fr < 0 and q else "") + s


def read(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return list(csv.DictReader(f))


ents = read("enterprises.csv")
reports = read("monthly_reports.csv")
for e in ents:
    u = e["uscc"]
    ok = len(u) == 18 and all(c in ALPHABET for c in u)
    if ok:
        c = (31 - sum(ALPHABET.index(ch) * w for ch, w in zip(u, WEIGHTS)) % 31) % 31
        ok = ALPHABET[c] == u[17]
    check(ok, "USCC %s (%s)" % (u, e["name"])) if not ok else None
check(len({e["uscc"] for e in ents}) == len(ents), "USCCs valid and unique (%d)" % len(ents))

out = {}
for r in reports:
    key = (r["uscc"], r["period"][:4])
    out[key] = out.get(key, 0) + int(r["output_value_yuan"])


def above_scale_in(e, year):
    return e["above_scale"] == "1" and (not e["above_scale_date"] or
                                        int(e["above_scale_date"][:4]) <= year)


total = 0
chains = {}
for e in ents:
    if not above_scale_in(e, 2023):
        continue
    o23, o22 = out.get((e["uscc"], "2023"), 0), out.get((e["uscc"], "2022"), 0)
    c = chains.setdefault(e["chain"], dict(n=0, out=0, yi=0, grew=0))
    c["n"] += 1
    c["out"] += o23
    c["yi"] += o23 >= YI
    c["grew"] += o22 > 0 and Fraction(o23 - o22, o22) >= Fraction(1, 10)
    total += o23

check(set(chains) == {"EQUIPMENT_MANUFACTURING", "GREEN_FOOD", "CAPACITORS"}, "only three chains")
check(total == 6_600_000_000, "zone above-scale output 66.00 亿 (%d)" % total)
for chain, n, amount, share, yi, grew in (
        ("EQUIPMENT_MANUFACTURING", 30, 2_486_000_000, "37.7", 6, None),
        ("GREEN_FOOD", 14, 3_936_000_000, "59.6", 7, None),
        ("CAPACITORS", 6, 178_000_000, "2.7", None, 3)):
    c = chains[chain]
    check(c["n"] == n, "%s: %d above-scale enterprises (%d)" % (chain, n, c["n"]))
    check(c["out"] == amount, "%s: output %d (%d)" % (chain, amount, c["out"]))
    check(pct(Fraction(c["out"], total), 1) == share, "%s: share %s%%" % (chain, share))
    if yi is not None:
        check(c["yi"] == yi, "%s: %d over 1 亿 (%d)" % (chain, yi, c["yi"]))
    if grew is not None:
        check(c["grew"] == grew, "%s: %d grew >= 10%% (%d)" % (chain, grew, c["grew"]))

ind = {(r["indicator"], int(r["year"])): int(r["value_yuan"]) for r in read("indicators.csv")}
for name, value, change in (("GDP", 4_000_000_000, "0.00"),
                            ("GENERAL_BUDGET_REVENUE", 341_000_000, "20.97"),
                            ("INVESTMENT_FUNDS_ARRIVED", 3_035_000_000, "12.91"),
                            ("IMPORTS_AND_EXPORTS", 515_000_000, "5.70"),
                            ("CONSTRUCTION_OUTPUT", 670_000_000, "22.10"),
                            ("RETAIL_SALES", 2_560_000_000, "0.00")):
    v, p = ind[(name, 2023)], ind[(name, 2022)]
    check(v == value and pct(Fraction(v - p, p)) == change,
          "%s 2023 %d, change %s%% (%s%%)" % (name, value, change, pct(Fraction(v - p, p))))
check(ind[("ABOVE_SCALE_INDUSTRIAL_OUTPUT", 2023)] == total, "indicator 规上产值 = structure total")
sys.exit(1 if failures else 0)
