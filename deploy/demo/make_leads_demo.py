#!/usr/bin/env python3
# Writes deploy/demo/leads.json and checks it reproduces the report's 2023 leads figures
# (DOMAIN.md section 4) before writing. Standard library only: /usr/bin/python3 make_leads_demo.py
import json
Y = 100000000  # 1 亿
W = 10000      # 1 万
def money(yuan): return {"currency_code": "CNY", "units": str(yuan)}
def d(s):
    y, m, dd = map(int, s.split("-")); return {"year": y, "month": m, "day": dd}

agents = [("a%02d" % (i+1), n, "1380000%04d" % (i+1)) for i, n in enumerate(
    ["李明", "王芳", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周丽", "吴刚"])]
out = {"agents": [{"key": k, "agent": {"name": n, "phone": p}} for k, n, p in agents],
       "leads": [], "idle_assets": []}

def lead(key, name, chain, sub, source, planned, created, stage0, transitions, investor="", investor_uscc="",
         agent=None, fundings=(), tickets=(), land=0, note=""):
    l = {"name": name, "industry_chain": "INDUSTRY_CHAIN_" + chain, "sub_sector": sub,
         "source": "LEAD_SOURCE_" + source, "stage": "STAGE_" + stage0, "land_area_m2": str(land)}
    if investor: l["investor"] = {"name": investor}
    if investor_uscc: l["investor"]["uscc"] = investor_uscc
    if planned: l["planned_investment"] = money(planned)
    if note: l["note"] = note
    ts = []
    for t in transitions:
        e = {"to": "STAGE_" + t[0], "date": d(t[1])}
        if len(t) > 2 and t[2]:
            if t[0] == "SIGNED": e["signed_amount"] = money(t[2])
            else: e["reason"] = t[2]
        ts.append(e)
    rec = {"key": key, "lead": l, "created": d(created), "transitions": ts,
           "fundings": [{"amount": money(a), "date": d(dt), "note": "到位资金"} for a, dt in fundings],
           "tickets": [dict(agent_key=agent, problem=p, found=d(f),
                            **({"resolution": r, "resolved": d(rd)} if r else {}))
                       for p, f, r, rd in tickets]}
    if agent: rec["agent_key"] = agent
    out["leads"].append(rec)

def full(signed, construction, completed=None, extra=()):
    t = [("SIGNED",) + signed, ("CONSTRUCTION", construction)]
    if completed: t.append(("COMPLETED", completed))
    return t + list(extra)

# Group A: signed, started and put into production in 2023 (当年开工、当年投产).
lead("jinzhe", "锦喆制衣项目", "OTHER", "服装", "INVESTOR_REFERRAL", 120*W*100, "2023-01-10", "NEGOTIATING",
     full(("2023-02-15", 120*W*100), "2023-04-01", "2023-11-20"), investor="锦喆制衣有限公司", agent="a01",
     fundings=[(100*W*100, "2023-06-30")], land=30000,
     tickets=[("厂房租赁手续衔接", "2023-02-20", "协调资产方签订租赁协议", "2023-03-01")])
lead("zhongfu", "中阜食品项目", "GREEN_FOOD", "食品加工", "CHAIN_BUREAU", 180*W*100, "2023-01-05", "NEGOTIATING",
     full(("2023-03-01", 180*W*100), "2023-04-15", "2023-12-10"), investor="中阜食品有限公司", agent="a02",
     fundings=[(150*W*100, "2023-08-31")], land=25000,
     tickets=[("施工许可办理", "2023-03-10", "并联审批5个工作日办结", "2023-03-17")])
lead("zirui", "梓睿食品项目", "GREEN_FOOD", "食品加工", "CHAIN_BUREAU", 150*W*100, "2022-11-01", "RESERVE",
     [("NEGOTIATING", "2023-01-20")] + full(("2023-03-10", 150*W*100), "2023-05-06", "2023-12-18"),
     investor="梓睿食品有限公司", agent="a02", fundings=[(120*W*100, "2023-09-30")], land=18000)
lead("yijiaxing", "亿家兴项目", "OTHER", "家居", "INVESTOR_REFERRAL", 100*W*100, "2023-01-08", "NEGOTIATING",
     full(("2023-02-20", 100*W*100), "2023-03-18", "2023-09-28",
          [("AT_CAPACITY", "2023-11-30"), ("ABOVE_SCALE", "2023-12-25")]),
     investor="阜新亿家兴家居有限公司", investor_uscc="91210900MA035UTR42", agent="a03", fundings=[(90*W*100, "2023-05-31")], land=27000,
     tickets=[("用电增容", "2023-04-02", "协调供电公司完成增容", "2023-04-28")])
# Group B: signed in 2023; construction in 2024 (the 2024 plan's 新建一批).
lead("deer_brake", "德尔乘用车电子机械制动系统项目", "EQUIPMENT_MANUFACTURING", "汽车零部件", "CHAIN_BUREAU",
     15*Y, "2022-09-01", "NEGOTIATING", [("SIGNED", "2023-06-18", 15*Y), ("CONSTRUCTION", "2024-04-10")],
     investor="德尔股份", agent="a04",
     tickets=[("购买原金钻机械闲置资产", "2023-12-05", "", "")])
lead("zhengyuan3", "正远食品三期项目", "GREEN_FOOD", "方便食品", "INVESTOR_REFERRAL", 8*Y, "2023-02-01", "NEGOTIATING",
     [("SIGNED", "2023-07-08", 8*Y), ("CONSTRUCTION", "2024-05-01")], investor="正远食品", agent="a05")
lead("dongsheng2", "东升精机二期项目", "EQUIPMENT_MANUFACTURING", "精密铸件", "CHAIN_BUREAU", 5*Y, "2023-03-01",
     "NEGOTIATING", [("SIGNED", "2023-08-16", 5*Y)], investor="东升精机", agent="a04")
lead("yijin_cap", "亿金电子柔直电容器产品研发及产业化项目", "CAPACITORS", "电容器", "CHAIN_BUREAU", 6*Y,
     "2023-01-15", "NEGOTIATING", [("SIGNED", "2023-05-20", 6*Y), ("CONSTRUCTION", "2024-03-28")],
     investor="亿金电子", agent="a06")
lead("hongshun", "宏顺超硬耐磨金属材料项目", "NEW_MATERIALS", "超硬耐磨", "CHAIN_BUREAU", 13*Y, "2022-12-01",
     "NEGOTIATING", [("SIGNED", "2023-09-09", 13*Y)], investor="阜新宏顺机械", agent="a07",
     fundings=[(2*Y, "2023-12-20")],
     note="转化中科院金属所超硬耐磨材料定向凝固生产技术")
lead("jiufeng", "九丰精密铸造及整机生产项目", "EQUIPMENT_MANUFACTURING", "液压", "OFFICE_YANGTZE_RIVER_DELTA",
     1680*W*100, "2023-04-01", "NEGOTIATING", [("SIGNED", "2023-10-26", 1680*W*100), ("CONSTRUCTION", "2024-06-01")],
     investor="九丰液压", agent="a05", fundings=[(2*Y, "2023-12-28")])
# Group C: signed 2022, new starts of >= 50 million yuan in 2023.
lead("jialong", "嘉隆电子大功率半导体器件批产能力提升项目", "CAPACITORS", "半导体器件", "CHAIN_BUREAU", 2*Y,
     "2022-03-01", "NEGOTIATING", [("SIGNED", "2022-06-01", 2*Y), ("CONSTRUCTION", "2023-03-20")],
     investor="嘉隆电子", agent="a06", fundings=[(4*Y, "2022-10-31"), (3*Y, "2023-07-31")])
lead("beixing", "北星液压扩能项目", "EQUIPMENT_MANUFACTURING", "液压", "CHAIN_BUREAU", 160*W*100, "2022-02-10",
     "NEGOTIATING", [("SIGNED", "2022-05-10", 160*W*100), ("CONSTRUCTION", "2023-04-08")],
     investor="北星液压", agent="a07", fundings=[(350*W*100, "2022-11-30"), (250*W*100, "2023-10-31")])
lead("xcmg", "徐工(辽宁)工程机械项目", "EQUIPMENT_MANUFACTURING", "工程机械", "OFFICE_BEIJING_TIANJIN_HEBEI",
     260*W*100, "2022-01-15", "NEGOTIATING", [("SIGNED", "2022-04-20", 260*W*100), ("CONSTRUCTION", "2023-03-01")],
     investor="徐工(辽宁)", agent="a08", fundings=[(9*Y, "2022-12-15"), (8*Y, "2023-11-30")])
lead("dongwang", "东旺电力项目", "NEW_ENERGY", "电力设备", "INVESTOR_REFERRAL", 90*W*100, "2022-04-01",
     "NEGOTIATING", [("SIGNED", "2022-08-01", 90*W*100), ("CONSTRUCTION", "2023-05-15")],
     investor="东旺电力", agent="a08", fundings=[(3*Y, "2022-12-20"), (2*Y, "2023-09-15")])
lead("zhongfu2", "中孚项目", "NEW_MATERIALS", "新材料", "CAPITAL", 133*W*100, "2022-05-01", "NEGOTIATING",
     [("SIGNED", "2022-09-15", 133*W*100), ("CONSTRUCTION", "2023-06-20")], investor="中孚", agent="a09",
     fundings=[(288*W*100, "2022-12-28"), (250*W*100, "2023-12-15")])
lead("deer_retarder", "德尔商用车液力缓速器和应急转向泵项目", "EQUIPMENT_MANUFACTURING", "液压", "CHAIN_BUREAU",
     170*W*100, "2022-03-15", "NEGOTIATING", [("SIGNED", "2022-07-01", 170*W*100), ("CONSTRUCTION", "2023-02-26")],
     investor="德尔股份", agent="a04", fundings=[(450*W*100, "2022-09-30"), (375*W*100, "2023-08-15")])
# A small new start: below the 50 million yuan line, so not among the 10.
lead("weierma", "威尔玛塑胶扩产项目", "OTHER", "塑胶", "INVESTOR_REFERRAL", 30*W*100, "2022-10-01", "NEGOTIATING",
     [("SIGNED", "2022-12-01", 30*W*100), ("CONSTRUCTION", "2023-07-01")], investor="威尔玛塑胶", agent="a09")
# Continued build: under construction since 2022, completed in 2023.
lead("tasly", "天士力制药扩建项目", "GREEN_FOOD", "现代医药原料", "CHAIN_BUREAU", 3*Y, "2021-08-01", "NEGOTIATING",
     [("SIGNED", "2021-10-01", 3*Y), ("CONSTRUCTION", "2022-05-01"), ("COMPLETED", "2023-10-15")],
     investor="天士力制药", agent="a10")
# Group E: in negotiation or in reserve at the end of 2023.
for key, name, chain, sub, src, planned, created, stage, inv in [
    ("guohe", "国核投资碳纤维复合材料项目", "NEW_MATERIALS", "碳纤维", "CAPITAL", 278*W*1000, "2023-03-01", "NEGOTIATING", "国核投资"),
    ("hangtian", "航天锂电新能源商用车产业园项目", "NEW_ENERGY", "锂电", "OFFICE_YANGTZE_RIVER_DELTA", 20*Y, "2023-05-10", "NEGOTIATING", "航天锂电科技(江苏)有限公司"),
    ("weilai_h2", "北京未来氢能PEM制氢机生产线项目", "NEW_ENERGY", "氢能", "OFFICE_BEIJING_TIANJIN_HEBEI", 6*Y, "2023-04-12", "NEGOTIATING", "北京未来氢能科技有限公司"),
    ("hongyuan", "弘元绿能光伏产业一体化制造项目", "NEW_ENERGY", "光伏", "OFFICE_YANGTZE_RIVER_DELTA", 20*Y, "2023-06-01", "NEGOTIATING", "弘元绿能股份有限公司"),
    ("monocrystal", "摩诺克里斯蓝宝石、碳化硅生产项目", "NEW_MATERIALS", "蓝宝石碳化硅", "AGENT", 35*Y, "2023-07-01", "NEGOTIATING", "摩诺克里斯公司"),
    ("sinohydro6", "水电六局风电塔筒生产项目", "NEW_ENERGY", "风电", "OTHER", 0, "2023-08-20", "NEGOTIATING", "中国水利水电第六工程局有限公司"),
    ("lanhezi", "蓝合子中国精酿啤酒项目", "GREEN_FOOD", "啤酒", "INVESTOR_REFERRAL", 0, "2023-11-01", "RESERVE", ""),
    ("shangshi", "尚世—阜新高效异质结光伏组件产业园项目", "NEW_ENERGY", "光伏", "OFFICE_GREATER_BAY_AREA", 0, "2023-12-01", "RESERVE", ""),
    ("taiyi", "太一光伏异质结电池项目", "NEW_ENERGY", "光伏", "OFFICE_GREATER_BAY_AREA", 0, "2023-10-01", "RESERVE", ""),
    ("chaodao", "超导新材料项目", "NEW_MATERIALS", "超导材料", "CHAIN_BUREAU", 0, "2023-09-01", "NEGOTIATING", ""),
    ("xinghua", "北京兴华电缆项目", "EQUIPMENT_MANUFACTURING", "电缆", "OFFICE_BEIJING_TIANJIN_HEBEI", 0, "2023-10-10", "NEGOTIATING", "北京兴华电缆"),
    ("naili", "耐砾新材料项目", "NEW_MATERIALS", "耐磨材料", "CHAIN_BUREAU", 0, "2023-08-01", "NEGOTIATING", ""),
    ("nanoli", "纳米锂新型负极材料项目", "NEW_ENERGY", "锂电", "CHAIN_BUREAU", 0, "2023-05-01", "NEGOTIATING", ""),
]:
    lead(key, name, chain, sub, src, planned, created, stage, [], investor=inv)
lead("basalt", "玄武岩精深加工项目", "NEW_MATERIALS", "玄武岩", "CHAIN_BUREAU", 0, "2023-06-15", "NEGOTIATING",
     [("SUSPENDED", "2023-12-01", "投资方资金未落实,暂缓洽谈")])
lead("prepared_food", "预制菜加工项目", "GREEN_FOOD", "预制食品", "AGENT", 5000*W, "2022-06-01", "NEGOTIATING",
     [("DROPPED", "2023-02-01", "投资方另行选址")])

assets = [
    ("textile_plant", "原纺织厂闲置厂房", 30000, 12000, "LEASE", "2023-03-01", "jinzhe"),
    ("food_plant", "原食品厂闲置厂区", 25000, 9000, "ACQUISITION", "2023-03-20", "zhongfu"),
    ("machinery_plant", "原机械厂闲置厂区", 18000, 7000, "AUCTION", "2023-04-10", "zirui"),
    ("foundry", "原铸造厂闲置用地", 22000, 0, "LEGAL_RECOVERY", "2023-06-01", ""),
    ("warehouse", "原仓储物流园闲置仓库", 27000, 10000, "LEASE", "2023-08-01", "yijiaxing"),
    ("building_materials", "原建材厂闲置厂房", 15000, 6000, "ACQUISITION", "2023-09-15", ""),
    ("chemical_plant", "原化工厂闲置用地", 20000, 0, "AUCTION", "2023-11-05", ""),
    ("jinzuan", "原金钻机械闲置资产", 40000, 15000, None, None, ""),
    ("kasiting", "原喀斯汀厂区", 60000, 20000, None, None, ""),
    ("jiechao", "杰超热电厂", 50000, 18000, None, None, ""),
]
for key, name, land, bld, method, date, lk in assets:
    a = {"key": key, "asset": {"name": name, "location": "阜新高新区", "land_area_m2": str(land),
                                 "building_area_m2": str(bld)}}
    if method:
        a["method"] = "REVITALIZATION_METHOD_" + method
        a["revitalized"] = d(date)
        if lk: a["lead_key"] = lk
    out["idle_assets"].append(a)

# Check the figures DOMAIN.md requires before writing.
signed = [l for l in out["leads"] if any(t["to"] == "STAGE_SIGNED" and t["date"]["year"] == 2023 for t in l["transitions"])]
assert len(signed) == 10, len(signed)
assert sum(int(next(t for t in l["transitions"] if t["to"] == "STAGE_SIGNED")["signed_amount"]["units"]) for l in signed) == 6930000000
starts = [l for l in out["leads"] if any(t["to"] == "STAGE_CONSTRUCTION" and t["date"]["year"] == 2023 for t in l["transitions"])
          and int(l["lead"].get("planned_investment", {"units": "0"})["units"]) >= 50000000]
assert len(starts) == 10 and sum(int(l["lead"]["planned_investment"]["units"]) for l in starts) == 1563000000
f = lambda y: sum(int(x["amount"]["units"]) for l in out["leads"] for x in l["fundings"] if x["date"]["year"] == y)
assert f(2023) == 3035000000 and f(2022) == 2688000000, (f(2023), f(2022))
rev = [a for a in out["idle_assets"] if a.get("revitalized", {}).get("year") == 2023]
assert len(rev) == 7 and sum(int(a["asset"]["land_area_m2"]) for a in rev) == 157000
import os
json.dump(out, open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "leads.json"), "w"), ensure_ascii=False, indent=1)
print("ok", len(out["leads"]), "leads")
