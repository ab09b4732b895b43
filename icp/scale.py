"""Scale data: a deterministic, realistic office of N cases for benchmarks (`flask icp demo --cases N`).

Twenty years (2006–2025) of monthly steering meetings and sub-committees, 2,000 agreements with their
procurements, 200 foreign contractors, 5,000 domestic firms with checksum-valid 統一編號, and N cases
with about two decisions each, Chinese titles throughout. The same N gives the same data every time.

Records are written with ORM bulk INSERT statements (`session.execute(insert(Model), rows)`): the
mapped classes, column defaults and constraints as everywhere else, but no unit-of-work flush. So:
- derived values are computed here with the domain's own functions (`icp.credits.credit_compute`,
  `icp.ledger.case_status_of`), exactly as the `before_flush` ledger listener would;
- the change log (icp/history.py) is not written for generated records: 300,000 audit rows would
  only say "generated". Their history starts with their first edit; a record's 變更紀錄 tab is empty
  until then. Edits, deletes and restores of generated records are logged like any other.
"""
import random
from bisect import bisect_left
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import func, insert, select, text

from icp.credits import CHECKLIST, FINAL_APPROVED, PRE_APPROVED, TRANSFER, credit_compute, usd_points
from icp.demo import FEE_RULES, MULTIPLIER_RULES
from icp.extensions import db
from icp.ledger import case_status_of
from icp.rules import ubn_is_valid
from models import (Agency, Agreement, CaseDecision, Contractor, DomesticFirm, FeeRule, IcpCase, Meeting,
                    MultiplierRule, Procurement, case_firm)
from models.choices import APPLICATION_FIELDS, CASE_TYPES, DEFENSE_CLASSES, STEERING_MEETING, SUBCOMMITTEE_MEETING

D = Decimal
FIRST_YEAR, LAST_YEAR = 2006, 2025
NEGOTIATION = "協商談判會議"
NOTE = "規模測試資料（flask icp demo --cases）"
CHUNK = 5_000

AGENCIES = ("國防部", "國防部軍備局", "國防部空軍司令部", "國防部海軍司令部", "國防部陸軍司令部", "交通部",
            "交通部臺灣鐵路管理局", "交通部民用航空局", "交通部高速鐵路工程局", "內政部空中勤務總隊", "海洋委員會海巡署",
            "行政院環境保護署", "台灣電力公司", "臺北市政府捷運工程局", "新北市政府捷運工程局", "桃園市政府捷運工程局",
            "臺中市政府", "高雄市政府捷運工程局", "衛生福利部", "國家太空中心")
COUNTRIES = ("US", "US", "US", "FR", "JP", "GB", "DE", "IT", "SE", "IL", "KR", "CA", "ES", "NL", "CH")
SYLLABLES = "艾博卡德菲格海凱雷洛馬諾普羅賽泰維華星聯霍蘭斯特恩塔克迪森亞"
CONTRACTOR_SUFFIXES = ("航太公司", "防衛系統公司", "工業公司", "科技公司", "重工業株式會社", "運輸系統公司")
PLACES = ("台灣", "中華", "新竹", "台中", "高雄", "亞太", "東元", "長榮", "永豐", "大同", "宏達", "南港", "北辰", "金門",
          "福爾摩沙", "玉山", "合歡", "日月", "嘉南", "桃園")
CORES = ("精密", "航太", "電子", "光電", "材料", "機械", "科技", "動力", "通訊", "能源", "智能", "鑄造", "複材", "微波",
         "系統", "車輛", "造船", "化工", "醫材", "半導體")
FIRM_SUFFIXES = ("股份有限公司", "工業股份有限公司", "科技股份有限公司", "企業有限公司")
SECTORS = ("航太", "國防電子", "軌道車輛", "船舶", "能源", "資通訊", "生技醫藥", "精密機械", "材料", "半導體")
TECHS = ("相位陣列雷達", "雷達", "飛彈導引", "渦輪發動機", "複合材料", "航電系統", "衛星通訊", "無人飛行載具",
         "軌道號誌", "電聯車", "風力發電機", "太陽能模組", "鋰電池", "醫療影像", "半導體設備", "船舶推進", "光電射控",
         "直升機", "航太扣件", "資安系統")
ACTIONS = {"國內投資": "國內投資設廠", "技術移轉": "技術移轉", "採購國內產品": "零組件國內採購", "研究發展": "聯合研發",
           "人員訓練": "人員訓練計畫", "國際行銷及貿易推廣協助": "國際行銷推廣", "國際認證": "國際認證協助",
           "聯合承攬": "聯合承攬"}
# the highest multiplier each case type's rule allows (icp.demo.MULTIPLIER_RULES, in force from 2004)
MAX_MULTIPLIER = {"國內投資": 3, "技術移轉": 4, "採購國內產品": 1, "研究發展": 3, "人員訓練": 3,
                  "國際行銷及貿易推廣協助": 2, "國際認證": 2, "聯合承攬": 1}
MULTIPLIERS = (D("1"), D("1.5"), D("2"), D("2.5"), D("3"))
NTD_PER_USD = D("30.000000")


def ubn_scaled(index: int) -> str:
    """A checksum-valid 統一編號 for the index-th generated firm (not a real firm's number)."""
    number = 60_000_000 + index * 7_001
    while not ubn_is_valid(f"{number:08d}"):
        number += 1
    return f"{number:08d}"


def _unique_names(rng: random.Random, count: int, make) -> list[str]:
    names, seen = [], set()
    while len(names) < count:
        name = make(rng)
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _insert(model, rows: list[dict]) -> list[int]:
    """Bulk INSERT through the model with ids given here (RETURNING many rows is slow); the new ids."""
    start = (db.session.scalar(select(func.max(model.id))) or 0) + 1
    ids = list(range(start, start + len(rows)))
    for row, id_ in zip(rows, ids):
        row["id"] = id_
    for at in range(0, len(rows), CHUNK):
        db.session.execute(insert(model).execution_options(render_nulls=True), rows[at:at + CHUNK])
    return ids


def _sequences_advance() -> None:
    """PostgreSQL: after explicit ids, the id sequences must continue after them."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for model in (MultiplierRule, FeeRule, Agency, Contractor, DomesticFirm, Meeting, Procurement, Agreement, IcpCase,
                  CaseDecision):
        table = model.__tablename__
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"))


def _rules_insert() -> None:
    """The multiplier and fee rules the demo uses, unless the database has its own."""
    if not db.session.scalar(select(func.count()).select_from(MultiplierRule)):
        _insert(MultiplierRule, [dict(case_type=t, defense_class=c, min_multiplier=D(lo), max_multiplier=D(hi), cap=D(cap),
                                      effective_from=f, effective_to=to, version_id=1)
                                 for t, c, lo, hi, cap, f, to in MULTIPLIER_RULES])
    if not db.session.scalar(select(func.count()).select_from(FeeRule)):
        _insert(FeeRule, [dict(rate_pct=D(r), defense_reduction_pct=D(red), effective_from=f, effective_to=to, note=n,
                               version_id=1) for r, red, f, to, n in FEE_RULES])


def scale_load(*, cases: int, agreements: int = 2_000, contractors: int = 200, firms: int = 5_000,
               seed: int = 8) -> int:
    """Fill an empty database with the scale office; returns the cases created (0 when agreements exist).

    One transaction: on any error nothing is written.
    """
    session = db.session
    if session.scalar(select(func.count()).select_from(Agreement)):
        return 0
    rng = random.Random(seed)
    try:
        _rules_insert()
        agency_ids = _insert(Agency, [dict(name=n, note=NOTE, version_id=1) for n in AGENCIES])
        contractor_ids = _contractors_insert(rng, contractors)
        firm_ids = _firms_insert(rng, firms)
        steering, steering_days = _meetings_insert(rng)
        plans = _case_plans(rng, cases, agreements=agreements, steering_days=steering_days)
        agreement_ids = _agreements_insert(rng, agreements, plans=plans, agency_ids=agency_ids,
                                           contractor_ids=contractor_ids)
        _cases_insert(rng, plans, agreement_ids=agreement_ids, firm_ids=firm_ids, steering=steering)
        _sequences_advance()
        session.commit()
    except Exception:
        session.rollback()
        raise
    return cases


def _contractors_insert(rng: random.Random, count: int) -> list[int]:
    names = _unique_names(rng, count, lambda r: "".join(r.sample(SYLLABLES, r.choice((2, 3))))
                          + r.choice(CONTRACTOR_SUFFIXES))
    return _insert(Contractor, [dict(
        name_zh=name, name_en=f"Contractor {i + 1:03d} Inc.", country=rng.choice(COUNTRIES),
        contact_person=f"聯絡人{i + 1:03d}", contact_email=f"icp{i + 1:03d}@contractor.example",
        has_bad_record=False, capability_notes=f"{rng.choice(TECHS)}、{rng.choice(TECHS)}", version_id=1)
        for i, name in enumerate(names)])


def _firms_insert(rng: random.Random, count: int) -> list[int]:
    names = _unique_names(rng, count, lambda r: r.choice(PLACES) + r.choice(CORES) + r.choice(CORES)
                          + r.choice(FIRM_SUFFIXES))
    rows = []
    for i, name in enumerate(names):
        in_db = rng.random() < 0.1
        rows.append(dict(
            name=name, ubn=ubn_scaled(i), sector=rng.choice(SECTORS), address=f"{rng.choice(PLACES)}市工業區{i % 97 + 1}號",
            contact_phone=f"0{rng.randint(2, 8)}-{rng.randint(2000_0000, 2999_9999)}",
            paid_in_capital=D(rng.randint(5, 5_000)) * 1_000_000, employees=rng.randint(10, 5_000),
            is_defense_supplier=rng.random() < 0.3, in_capability_db=in_db,
            capability_category=rng.choice(("航空", "船舶", "車輛", "電子", "通信", "其他")) if in_db else None,
            capability_db_added_on=_day(rng, date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 6, 30)) if in_db else None,
            version_id=1))
    return _insert(DomesticFirm, rows)


def _meetings_insert(rng: random.Random) -> tuple[list[tuple[date, int]], list[date]]:
    """Monthly steering and sub-committee meetings, and negotiations on distinct days; the steering (day, id)."""
    rows, steering_days, taken = [], [], set()
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for month in range(1, 13):
            held = date(year, month, 10 + rng.randrange(10))
            steering_days.append(held)
            rows.append(dict(kind=STEERING_MEETING, sequence=month, held_on=held, version_id=1,
                             title=f"民國{year - 1911}年度第{month}次工業合作推動小組會議", chair="經濟部工業局局長",
                             minutes_approved_on=held + timedelta(days=14), db_updated_on=held + timedelta(days=21)))
            sub = held - timedelta(days=7)
            rows.append(dict(kind=SUBCOMMITTEE_MEETING, sequence=month, held_on=sub, version_id=1,
                             title=f"民國{year - 1911}年度第{month}次{rng.choice(SECTORS)}產業分組委員會議"))
        for sequence in range(1, 9):
            day = _day(rng, date(year, 1, 1), date(year, 12, 31))
            while day in taken:
                day += timedelta(days=1)
            taken.add(day)
            rows.append(dict(kind=NEGOTIATION, sequence=sequence, held_on=day, version_id=1,
                             title=f"{rng.choice(TECHS)}購案工業合作協商談判會議"))
    ids = _insert(Meeting, rows)
    steering = [(r["held_on"], i) for r, i in zip(rows, ids) if r["kind"] == STEERING_MEETING]
    return steering, steering_days


def _case_plans(rng: random.Random, count: int, *, agreements: int, steering_days: list[date]) -> list[tuple]:
    """Each case's compact plan: agreement, type, value, multiplier, dates and its decisions (kind, meeting index)."""
    plans = []
    last_submission = date(LAST_YEAR, 10, 31)
    for n in range(count):
        submitted = _day(rng, date(FIRST_YEAR, 1, 1), last_submission)
        agreement = rng.randrange(agreements)
        case_type = rng.choice(CASE_TYPES)
        multiplier = rng.choice([m for m in MULTIPLIERS if m <= MAX_MULTIPLIER[case_type]])
        currency = "NTD" if rng.random() < 0.1 else "USD"
        value = D(rng.randint(5_000, 5_000_000)) * (30 if currency == "NTD" else 1) + D(rng.randint(0, 99)) / 100
        meeting = bisect_left(steering_days, submitted + timedelta(days=30))
        if rng.random() < 0.04:  # still waiting for its review (申請中)
            meeting = len(steering_days)
        decisions = []
        roll = rng.random()
        if roll < 0.12 and meeting < len(steering_days):
            decisions.append(("再協商", meeting))
            meeting += rng.randint(1, 3)
        if roll < 0.2 and roll >= 0.12 and meeting < len(steering_days):
            decisions.append(("預核駁回", meeting))
        elif meeting < len(steering_days):
            decisions.append((PRE_APPROVED, meeting))
            meeting += rng.randint(6, 30)
            if meeting < len(steering_days) and rng.random() < 0.75:
                decisions.append((FINAL_APPROVED, meeting))
                meeting += rng.randint(12, 36)
                if meeting < len(steering_days) and rng.random() < 0.5:
                    decisions.append(("結案", meeting))
        plans.append((n, agreement, case_type, value, multiplier, currency, submitted, decisions))
    return plans


def _agreements_insert(rng: random.Random, count: int, *, plans, agency_ids, contractor_ids) -> list[int]:
    """Agreements with procurements; each obligation leaves room above what its cases are pre-approved for."""
    needed = [D(0)] * count
    first_case = [date(LAST_YEAR, 12, 31)] * count
    for _n, agreement, _type, value, multiplier, currency, submitted, decisions in plans:
        if any(kind == PRE_APPROVED for kind, _m in decisions):
            credit = credit_compute(value=value, multiplier=multiplier)
            needed[agreement] += usd_points(credits=credit, currency=currency, rate=NTD_PER_USD)
        first_case[agreement] = min(first_case[agreement], submitted)
    procurements, agreements = [], []
    for i in range(count):
        signed = min(first_case[i] - timedelta(days=rng.randint(30, 400)),
                     _day(rng, date(FIRST_YEAR - 1, 1, 1), date(LAST_YEAR, 6, 30)))
        tech = rng.choice(TECHS)
        obligation = (needed[i] * D("1.25") + D(rng.randint(1, 50)) * 1_000_000).quantize(D(1))
        procurements.append(dict(title=f"{tech}系統籌購案（第{i + 1}案）", agency_id=rng.choice(agency_ids),
                                 year=signed.year, contract_value=obligation * 2, currency="USD", version_id=1))
        deadline = signed.replace(year=signed.year + 10, day=min(signed.day, 28))
        status = "完成" if deadline.year < LAST_YEAR else rng.choice(("已簽署", "執行中", "執行中", "執行中"))
        agreements.append(dict(
            number=f"ICP-{signed.year - 1911:03d}-{i + 1:04d}", contractor_id=rng.choice(contractor_ids),
            signed_on=signed, obligation=obligation, obligation_currency="USD",
            defense_share_pct=D(rng.choice((0, 20, 34, 50))), deadline=deadline, status=status, note=NOTE,
            version_id=1))
    for row, procurement_id in zip(agreements, _insert(Procurement, procurements)):
        row["procurement_id"] = procurement_id
    return _insert(Agreement, agreements)


def _cases_insert(rng: random.Random, plans, *, agreement_ids, firm_ids, steering) -> None:
    checklist = {name: True for name in CHECKLIST}
    for at in range(0, len(plans), CHUNK):
        chunk = plans[at:at + CHUNK]
        cases, decisions_of = [], []
        for n, agreement, case_type, value, multiplier, currency, submitted, decisions in chunk:
            tech = rng.choice(TECHS)
            kinds = [SimpleNamespace(kind=kind, id=order, meeting=SimpleNamespace(held_on=steering[m][0]))
                     for order, (kind, m) in enumerate(decisions, start=1)]
            start = submitted + timedelta(days=90)
            cases.append(dict(
                number=f"C{submitted.year - 1911:03d}-{n + 1:06d}", title=f"{tech}{ACTIONS[case_type]}案",
                agreement_id=agreement_ids[agreement], case_type=case_type, field=rng.choice(APPLICATION_FIELDS),
                defense_class=rng.choice(DEFENSE_CLASSES), actual_value=value, currency=currency,
                multiplier=multiplier, credit=credit_compute(value=value, multiplier=multiplier),
                submitted_on=submitted, planned_start=start, planned_end=start + timedelta(days=365 * rng.randint(1, 5)),
                technologies=rng.randint(0, 5) if case_type == TRANSFER else 0,
                estimated_output_usd=D(rng.randint(0, 20_000_000)), status=case_status_of(kinds),
                **{**checklist, "check_export_pledge": case_type == TRANSFER}, version_id=1))
            decisions_of.append((value, multiplier, currency, decisions))
        case_ids = _insert(IcpCase, cases)
        links, rows = [], []
        for case_id, (value, multiplier, currency, decisions) in zip(case_ids, decisions_of):
            for firm_id in rng.sample(firm_ids, rng.choice((1, 1, 1, 2, 2, 3))):
                links.append({"case_id": case_id, "firm_id": firm_id})
            for kind, m in decisions:
                granted = kind in (PRE_APPROVED, FINAL_APPROVED)
                approved = value if granted else None
                rows.append(dict(
                    case_id=case_id, meeting_id=steering[m][1], kind=kind, approved_value=approved,
                    multiplier=multiplier if granted else None,
                    credits=credit_compute(value=value, multiplier=multiplier) if granted else D(0),
                    currency=currency, exchange_rate=NTD_PER_USD if currency == "NTD" else None, version_id=1))
        db.session.execute(insert(case_firm), links)
        _insert(CaseDecision, rows)
