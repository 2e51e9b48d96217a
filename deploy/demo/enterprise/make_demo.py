#!/usr/bin/env python3
"""Writes the enterprise-monitoring demo data (enterprises.csv, monthly_reports.csv,
indicators.csv) so that the suite's own summaries reproduce the 2023 work report exactly
(/work/shared/DOMAIN.md section 4):

  equipment  30 above-scale enterprises, 24.86 亿 in 2023, 6 with output >= 1 亿
  green food 14 above-scale enterprises, 39.36 亿 in 2023, 7 with output >= 1 亿
  capacitors  6 above-scale enterprises,  1.78 亿 in 2023, 3 grew >= 10% on 2022
  shares of the 66.00 亿 above-scale total: 37.67% / 59.64% / 2.70% (report: 37.7 / 59.6 / 2.7)
  zone indicators 2022 and 2023 whose year-on-year changes display as the report's.

Deterministic (fixed seed, no clock). Standard library only. Run from anywhere:
  python3 deploy/demo/enterprise/make_demo.py && python3 deploy/demo/enterprise/verify_demo.py
"""
import csv
import os
import random

OUT = os.path.dirname(os.path.abspath(__file__))
YI = 100_000_000  # 1 亿元 in yuan

# --- USCC (GB 32100-2015) and its embedded organisation code (GB 11714) ---------------------
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc_check(first17):
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def org_code_check(body8):
    # GB 11714: digits are their value, letters A=10 .. Z=35; 11 - (sum mod 11), 10 -> X, 11 -> 0.
    def val(c):
        return int(c) if c.isdigit() else ord(c) - ord("A") + 10
    c = 11 - sum(val(ch) * w for ch, w in zip(body8, [3, 7, 9, 10, 5, 8, 4, 2])) % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def make_uscc(index):
    # 9 = registered by market regulation, 1 = enterprise; 210900 = Fuxin (阜新市) division code.
    rng = random.Random(1000 + index)
    body = "MA0" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(5))
    first17 = "91210900" + body + org_code_check(body)
    if first17[-1] not in ALPHABET:  # org check 'X' is not in the USCC alphabet; retry
        return make_uscc(index + 5000)
    return first17 + uscc_check(first17)


# --- Enterprises ---------------------------------------------------------------------------
# (name, chain, sub_sector, output_2023, output_2022, key, status, titles, extras)
# titles: list of (KIND, grant, expiry or "").
EQUIPMENT_BIG = [
    ("徐工（辽宁）机械有限公司", "工程机械", 620_000_000, 590_000_000, [("HIGH_TECH", "2021-11-20", "2024-11-20")]),
    ("阜新北星液压有限公司", "液压", 310_000_000, 296_000_000,
     [("HIGH_TECH", "2022-12-01", "2025-12-01"), ("SPECIALIZED", "2021-09-01", "2024-09-01")]),
    ("阜新德尔汽车部件有限公司", "液压", 230_000_000, 205_000_000, [("HIGH_TECH", "2023-11-01", "2026-11-01")]),
    ("阜新东升精机有限公司", "精密铸件", 160_000_000, 171_000_000, []),
    ("阜新九丰精密铸造有限公司", "精密铸件", 125_000_000, 118_000_000, []),
    ("阜新北鑫星机械有限公司", "液压", 100_000_000, 93_000_000, [("HIGH_TECH", "2023-10-15", "2026-10-15")]),  # exactly 1 亿
]
EQUIPMENT_SMALL_NAMES = [
    "阜新宏顺机械有限公司", "阜新液压件制造有限公司", "阜新恒力液压机械有限公司", "阜新精工铸造有限公司",
    "阜新华泰泵业有限公司", "阜新博远机械制造有限公司", "阜新金通液压有限公司", "阜新汇丰阀门有限公司",
    "阜新鼎盛重工有限公司", "阜新鑫源齿轮有限公司", "阜新永创机械有限公司", "阜新宏达液压件有限公司",
    "阜新龙腾铸业有限公司", "阜新华宇机电设备有限公司", "阜新天成工程机械配件有限公司", "阜新瑞丰密封件有限公司",
    "阜新凯达轴承有限公司", "阜新卓越液压缸有限公司", "阜新嘉诚机械有限公司", "阜新利源精密机械有限公司",
    "阜新兴旺矿山机械有限公司", "阜新远东传动设备有限公司", "阜新新宇液压科技有限公司", "阜新诚信机械加工有限公司",
]
FOOD_BIG = [
    ("鲁花（阜新）食品有限公司", "粮油加工", 980_000_000, 955_000_000, []),
    ("阜新双汇食品有限公司", "肉制品", 860_000_000, 902_000_000, []),
    ("阜新正远食品有限公司", "肉制品", 520_000_000, 470_000_000, [("HIGH_TECH", "2022-11-01", "2025-11-01")]),
    ("天士力（辽宁）制药有限责任公司", "医药原料", 410_000_000, 398_000_000, [("HIGH_TECH", "2021-12-01", "2024-12-01")]),
    ("阜新祥和农牧实业有限公司", "饲料", 330_000_000, 312_000_000, [("HIGH_TECH", "2023-11-20", "2026-11-20")]),
    ("阜新禾润粮油有限公司", "粮油加工", 240_000_000, 251_000_000, []),
    ("阜新丰泽乳业有限公司", "乳制品", 150_000_000, 139_000_000, []),
]
FOOD_SMALL_NAMES = [
    "阜新绿野农产品加工有限公司", "阜新金穗米业有限公司", "阜新康源食品有限公司", "阜新味美调味品有限公司",
    "阜新田园果蔬有限公司", "阜新福瑞淀粉有限公司", "阜新鑫农饲料有限公司",
]
CAPACITORS = [  # 2023, 2022: three grew >= 10% (one exactly 10%), three did not (one by 1 yuan)
    ("阜新亿金电子有限公司", "电容器", 52_000_000, 43_000_000,
     [("HIGH_TECH", "2022-10-01", "2025-10-01"), ("SPECIALIZED", "2022-06-01", "")]),
    ("阜新嘉隆电子有限公司", "半导体器件", 41_000_000, 37_000_000, [("HIGH_TECH", "2023-11-01", "2026-11-01")]),
    ("阜新迪亚电子有限公司", "电容器", 27_500_000, 25_000_000, []),
    ("阜新节可达电子有限公司", "电容器", 22_000_000, 20_000_001, []),
    ("阜新华星电器有限公司", "防爆通讯器材", 21_500_000, 23_000_000, []),
    ("阜新恒瑞电容器有限公司", "电容器", 14_000_000, 20_500_000, []),
]
# Not above scale in 2023: excluded from the structure, there for cultivation and alerts.
# (name, chain, sub_sector, revenue_2023, revenue_2022, first_period, titles, above_scale, date)
OTHERS = [
    ("阜新卓异新材料有限公司", "NEW_MATERIALS", "超硬耐磨材料", 17_000_000, 14_000_000, "2022-01",
     [("TECH_SME", "2021-05-01", "2022-05-01"), ("TECH_SME", "2022-05-01", "2023-05-01"),
      ("TECH_SME", "2023-05-01", "2024-05-01")], False, ""),
    ("阜新晟氟利高分子材料有限公司", "NEW_MATERIALS", "氟材料", 12_000_000, 10_500_000, "2022-01",
     [("TECH_SME", "2023-04-01", "2024-04-01")], False, ""),
    ("阜新瑞麟氢能科技有限公司", "NEW_ENERGY", "氢能", 6_000_000, 4_000_000, "2022-01",
     [("TECH_SME", "2022-05-10", "2023-05-10"), ("TECH_SME", "2023-05-10", "2024-05-10")], False, ""),
    ("阜新中阜食品有限公司", "GREEN_FOOD", "粮油加工", 9_000_000, 0, "2023-05", [], False, ""),
    ("阜新梓睿食品有限公司", "GREEN_FOOD", "休闲食品", 7_500_000, 0, "2023-06", [], False, ""),
    ("阜新锦喆制衣有限公司", "OTHER", "服装", 5_000_000, 0, "2023-07", [], False, ""),
    # Promoted in 2023 ("已晋升规上企业"): on the above-scale list from the 2024 statistical year.
    ("阜新亿家兴家居有限公司", "OTHER", "家居", 26_000_000, 0, "2023-03", [], True, "2024-01-01"),
]

# Seasonal shape of monthly output (Spring Festival dip in Jan/Feb, year-end push).
SEASON = [80, 70, 85, 85, 85, 85, 85, 85, 90, 90, 90, 110]


def split(total, weights):
    """Splits `total` yuan over the weights exactly (integer yuan; rounding goes to the last)."""
    w = sum(weights)
    if w == 0:
        return [0] * len(weights)
    parts = [total * x // w for x in weights]
    last = max(i for i, x in enumerate(weights) if x > 0)
    parts[last] += total - sum(parts)
    return parts


def small_outputs(rng, count, total, low, high):
    """`count` outputs in [low, high] summing exactly to `total`."""
    extra = total - count * low
    for _ in range(10000):
        weights = [rng.randint(1, 100) for _ in range(count)]
        xs = [low + x for x in split(extra, weights)]
        if all(low <= x <= high for x in xs):
            return xs
    raise SystemExit("cannot split %d into %d parts" % (total, count))


def main():
    rng = random.Random(20231231)
    enterprises = []  # dicts

    def add(name, chain, sub, out23, out22, titles, key=False, status="OPERATING",
            above=True, above_date="", first="2022-01", shape23=None, missing=(),
            revenue_is_output=False):
        enterprises.append(dict(
            name=name, chain=chain, sub=sub, out23=out23, out22=out22, titles=titles, key=key,
            status=status, above=above, above_date=above_date, first=first,
            shape23=shape23, missing=set(missing), revenue_is_output=revenue_is_output))

    for name, sub, o23, o22, titles in EQUIPMENT_BIG:
        add(name, "EQUIPMENT_MANUFACTURING", sub, o23, o22, titles, key=True,
            above_date="2012-01-01")
    small_eq = small_outputs(rng, 24, 2_486_000_000 - sum(x[2] for x in EQUIPMENT_BIG),
                             21_000_000, 99_999_999)
    for i, (name, o23) in enumerate(zip(EQUIPMENT_SMALL_NAMES, small_eq)):
        o22 = o23 * rng.randint(85, 115) // 100
        titles, status, shape, missing = [], "OPERATING", None, ()
        sub = "精密铸件" if "铸" in name else "液压" if "液压" in name else "机械零部件"
        if i == 0:  # 宏顺机械: the superhard wear-resistant materials transfer
            sub = "超硬耐磨材料"
            titles = [("TECH_SME", "2020-04-01", "2021-04-01"), ("TECH_SME", "2021-04-01", "2022-04-01"),
                      ("HIGH_TECH", "2022-12-01", "2025-12-01")]
        if i == 2:  # production stopped from November: ZERO_OUTPUT alerts
            status, shape = "STOPPED", SEASON[:10] + [0, 0]
        if i == 3:  # sharp drop in August: OUTPUT_DROP alert
            shape = SEASON[:7] + [20] + SEASON[8:]
        if i == 4:  # December 2023 report never filed: NOT_REPORTED alert
            missing = ("2023-12",)
        if i == 5:
            status = "REDUCED_PRODUCTION"
        add(name, "EQUIPMENT_MANUFACTURING", sub, o23, o22, titles, key=i < 6, status=status,
            above_date="2016-01-01", shape23=shape, missing=missing)

    for name, sub, o23, o22, titles in FOOD_BIG:
        add(name, "GREEN_FOOD", sub, o23, o22, titles, key=True, above_date="2010-01-01")
    small_food = small_outputs(rng, 7, 3_936_000_000 - sum(x[2] for x in FOOD_BIG),
                               30_000_000, 99_999_999)
    for name, o23 in zip(FOOD_SMALL_NAMES, small_food):
        add(name, "GREEN_FOOD", "农产品加工", o23, o23 * rng.randint(85, 115) // 100, [],
            above_date="2018-01-01")

    for name, sub, o23, o22, titles in CAPACITORS:
        add(name, "CAPACITORS", sub, o23, o22, titles, key=True, above_date="2014-01-01")

    for name, chain, sub, r23, r22, first, titles, above, date in OTHERS:
        # Revenue is what cultivation reads, so it is given exactly (output taken equal).
        add(name, chain, sub, r23, r22, titles, key=False, above=above, above_date=date,
            first=first, revenue_is_output=True)

    for i, e in enumerate(enterprises):
        e["uscc"] = make_uscc(i)
    assert len({e["uscc"] for e in enterprises}) == len(enterprises)

    with open(os.path.join(OUT, "enterprises.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["uscc", "name", "chain", "sub_sector", "above_scale", "above_scale_date",
                    "key_enterprise", "status", "titles"])
        for e in enterprises:
            titles = "|".join("%s@%s@%s" % t for t in e["titles"])
            w.writerow([e["uscc"], e["name"], e["chain"], e["sub"], int(e["above"]),
                        e["above_date"], int(e["key"]), e["status"], titles])

    with open(os.path.join(OUT, "monthly_reports.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["uscc", "period", "output_value_yuan", "revenue_yuan", "taxes_yuan",
                    "employees", "energy_kgce", "export_value_yuan"])
        for e in enterprises:
            er = random.Random(e["uscc"])
            employees = max(20, e["out23"] // 1_200_000)
            export_share = er.choice([0, 0, 0, 5, 10, 15])
            for year, total, shape in ((2022, e["out22"], SEASON), (2023, e["out23"], e["shape23"])):
                months = ["%d-%02d" % (year, m) for m in range(1, 13)]
                weights = list(shape or SEASON)
                for m, p in enumerate(months):
                    if p < e["first"] or p in e["missing"]:
                        weights[m] = 0
                if total == 0:
                    continue
                for p, out, wgt in zip(months, split(total, weights), weights):
                    if wgt == 0 and p not in ("2023-11", "2023-12"):
                        continue  # not reporting (not yet operating, or never filed)
                    if wgt == 0 and e["status"] != "STOPPED":
                        continue
                    revenue = out if e["revenue_is_output"] else out * er.randint(92, 99) // 100
                    taxes = out * er.randint(2, 5) // 100
                    energy = out // er.randint(800, 1500)  # kgce
                    export = out * export_share // 100
                    staff = 0 if out == 0 and e["status"] == "STOPPED" else employees + er.randint(-3, 3)
                    w.writerow([e["uscc"], p, out, revenue, taxes, max(staff, 0), energy, export])

    # Zone indicators (yuan). 2022 values chosen so the 2023 changes display as the report's:
    # 341000000/281890000 - 1 = 20.969..% -> "20.97"; 515/487.23 -> "5.70"; 670/548.73 -> "22.10";
    # 3035/2688 -> "12.91" ("12.9" at one decimal, as the leads demo data has it).
    above_scale_2022 = sum(e["out22"] for e in enterprises
                           if e["above"] and e["chain"] in ("EQUIPMENT_MANUFACTURING", "GREEN_FOOD",
                                                            "CAPACITORS"))
    indicators = [
        ("GDP", 2022, 4_000_000_000, "", 0), ("GDP", 2023, 4_000_000_000, "", 1),
        ("GENERAL_BUDGET_REVENUE", 2022, 281_890_000, "", 0),
        ("GENERAL_BUDGET_REVENUE", 2023, 341_000_000, "", 0),
        ("INVESTMENT_FUNDS_ARRIVED", 2022, 2_688_000_000, "", 0),
        ("INVESTMENT_FUNDS_ARRIVED", 2023, 3_035_000_000, "", 0),
        ("IMPORTS_AND_EXPORTS", 2022, 487_230_000, "", 0),
        ("IMPORTS_AND_EXPORTS", 2023, 515_000_000, "", 1),
        ("CONSTRUCTION_OUTPUT", 2022, 548_730_000, "", 0),
        ("CONSTRUCTION_OUTPUT", 2023, 670_000_000, "", 0),
        ("RETAIL_SALES", 2022, 2_560_000_000, "", 0), ("RETAIL_SALES", 2023, 2_560_000_000, "", 1),
        # "规上工业总产值 ... 未能实现预期目标": the 66 亿 fell short of a 75 亿 target.
        ("ABOVE_SCALE_INDUSTRIAL_OUTPUT", 2022, above_scale_2022, "", 0),
        ("ABOVE_SCALE_INDUSTRIAL_OUTPUT", 2023, 6_600_000_000, 7_500_000_000, 0),
    ]
    with open(os.path.join(OUT, "indicators.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["indicator", "year", "value_yuan", "target_yuan", "estimate"])
        for row in indicators:
            w.writerow(row)


if __name__ == "__main__":
    main()
