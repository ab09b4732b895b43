"""The annual report for the funding agency (domain.md §5): one pure builder per sheet, one function that queries.

`annual_data(year)` runs every query (icp.totals, icp.kpi and the few below) and returns plain data;
each `build_<sheet>(...)` turns its part into a `Sheet` without touching the database; `annual_workbook(year)`
puts them together in the order of the final report. Sheet texts are the report's fixed Traditional Chinese
layout, so they are not translated.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app, has_app_context
from sqlalchemy import case as sql_case, func, select

from icp.credits import CENT, FINAL_APPROVED, PRE_APPROVED, money_sum
from icp.extensions import db
from icp.kpi import REJECTED, TargetRow, cases_totals, meetings_count, month_day, period_of, target_progress
from icp.reports import INT, MONEY, PCT, ROC_DATE, Chart, Column, Sheet, Workbook
from icp.roc import roc_year
from icp.totals import Credits, MeetingResult, steering_results
from models import (Agreement, BudgetLine, CapabilityAssessment, CaseDecision, Contractor, DomesticFirm, Event,
                    FactoryVisit, IcpCase, Meeting, MeetingCredit, OverseasTrip, PlanChange, assessment_firm, case_firm,
                    event_firm)
from models.choices import APPLICATION_FIELDS, CASE_TYPES, STEERING_MEETING

RENEGOTIATE = "再協商"
IN_PROGRESS_STATUSES = ("預核通過", "備查", "展延")   # pre-approved, not yet finally approved, closed or withdrawn
OTHER_DECISIONS = ("預核駁回", "再協商", "備查", "結案", "展延", "撤案", "額度留存")
OTHER_DECISION_HEADERS = ("駁回", "再協商", "備查", "結案", "展延", "撤案", "額度留存")
POINTS = {"USD": "美元點", "NTD": "新台幣點"}
VALUE_UNITS = {"USD": "美元", "NTD": "新台幣元"}
CUMULATIVE_TYPES = (("國內投資", "國內投資"), ("採購國內產品", "國內採購"), ("國際行銷及貿易推廣協助", "國際行銷及貿易推廣協助"))
JOINT_RD = "研究發展"
VISIT = "參訪"


# --- plain data the builders take -----------------------------------------------------------------------

@dataclass
class ProjectInfo:
    """表1's header names, which no record carries: the 2011 report's, overridable with the app's
    REPORT_PROJECT_INFO setting (a dict of these fields)."""

    name: str = "推動工業合作計畫"
    division: str = "金屬機電組重機科"
    officer: str = "戈元"
    contractor: str = "社團法人中華工業合作發展促進會"
    contact: str = "劉運杭"
    phone: str = "02-25818292#127"
    subsidy_recipients: str = "無"


@dataclass
class BudgetRow:
    item: str
    contracted: Decimal | None = None
    reported: Decimal | None = None
    returned: Decimal | None = None
    retained: Decimal | None = None
    note: str | None = None


@dataclass
class YearResults:
    """The year's results of 表1: meetings, cases and credits, technologies, agreements."""

    steering_meetings: int = 0
    pre_count: int = 0                                  # 預核通過 + 預核駁回 + 再協商 decisions
    pre_credits: dict = field(default_factory=dict)     # currency → credits pre-approved
    final_count: int = 0
    final_credits: dict = field(default_factory=dict)
    in_progress_count: int = 0                          # cases whose status at year end is pre-approved/filed/extended
    in_progress_credits: dict = field(default_factory=dict)
    technologies: int = 0
    estimated_output_usd: Decimal = Decimal(0)
    agreements_signed: int = 0
    agreements_obligation: dict = field(default_factory=dict)


@dataclass
class CreditUse:
    """Credits by one dimension (case type or application field), program to date and in the year."""

    to_date: list[Credits]
    year: list[Credits]
    to_date_totals: list[Credits]    # per currency (the percentages' base)
    year_totals: list[Credits]


@dataclass
class Cumulative:
    """累計執行成效: agreements and what the cases pre-approved to the year's end brought."""

    agreements: int = 0
    countries: int = 0
    contractors: int = 0
    obligation: dict = field(default_factory=dict)      # currency → obligation
    technologies: int = 0
    joint_rd: int = 0                                   # cases of type 研究發展
    values: dict = field(default_factory=dict)          # (case type, currency) → approved value


@dataclass
class AssistedFirm:
    name: str
    ubn: str
    sector: str | None
    address: str | None
    contact_person: str | None
    contact_phone: str | None
    paid_in_capital: Decimal | None
    employees: int | None
    assistance: list[str]


@dataclass
class AnnualData:
    year: int
    project: ProjectInfo
    budget: dict[str, BudgetRow]
    budget_total: Decimal | None
    results: YearResults
    targets: list[TargetRow]
    steering: list[MeetingResult]
    steering_total: MeetingResult | None
    by_type: CreditUse
    by_field: CreditUse
    cumulative: Cumulative
    plan_changes: list
    trips: list
    firms: list[AssistedFirm]


# --- builders (pure) -----------------------------------------------------------------------------------

def _roc(year: int) -> int:
    return roc_year(year)


def _number(value):
    """An int when the value is whole (counts, whole amounts), else the exact Decimal."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else value


def _pct(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def _currencies(*dicts) -> list[str]:
    """USD first, then any other currency present with a non-zero amount."""
    present = {cur for d in dicts for cur, amount in d.items() if amount}
    return [c for c in ("USD", "NTD") if c in present] + sorted(present - {"USD", "NTD"})


def build_summary(*, year: int, project: ProjectInfo, budget: dict[str, BudgetRow], budget_total: Decimal | None,
                  results: YearResults) -> Sheet:
    """表1 專案計畫執行成果摘要表: the header block (names, 千元 budget) and the year's results."""
    def line(item: str) -> Decimal | None:
        row = budget.get(item)
        return row.contracted if row else None

    rows = [["計畫名稱", project.name, None, None, None],
            ["承辦組別", project.division, None, None, None],
            ["承辦人", project.officer, None, None, None],
            ["受委託單位", project.contractor, None, None, None],
            ["聯絡人員", project.contact, None, None, None],
            ["電話", project.phone, None, None, None],
            ["計畫總經費", None, None, budget_total, "千元"],
            ["輔導", "委辦費", None, line("委辦費"), "千元"],
            ["輔導", "自籌款", None, line("自籌款"), "千元"],
            ["人才培訓", "委辦費", None, None, "千元"],
            ["人才培訓", "自籌款", None, None, "千元"],
            ["政策研究", "委辦費", None, None, "千元"],
            ["政策研究", "自籌款", None, None, "千元"],
            ["補助", "補助款", None, line("補助款"), "千元"]]
    if line("代管補助款"):
        rows.append(["補助", "代管補助款", None, line("代管補助款"), "千元"])
    rows += [["補助", "自籌款", None, line("補助計畫自籌款"), "千元"],
             ["補助對象", project.subsidy_recipients, None, None, None]]

    r = results
    done = "年度執行成果"
    rows.append([done, "召開工業合作推動小組會議", r.steering_meetings, None, "次"])
    rows.append([done, "預核個案（含駁回、再協商）", r.pre_count, None, "案"])
    rows += [[done, "預核額度", None, r.pre_credits[c], POINTS.get(c, c)] for c in _currencies(r.pre_credits)]
    rows.append([done, "實核個案", r.final_count, None, "案"])
    rows += [[done, "實核額度", None, r.final_credits[c], POINTS.get(c, c)] for c in _currencies(r.final_credits)]
    rows.append([done, "執行中個案", r.in_progress_count, None, "案"])
    rows += [[done, "執行中個案額度", None, r.in_progress_credits[c], POINTS.get(c, c)]
             for c in _currencies(r.in_progress_credits)]
    rows.append([done, "引進技術", r.technologies, None, "項"])
    rows.append([done, "預估產值", None, r.estimated_output_usd, "美元"])
    rows.append([done, "簽署工業合作協議書", r.agreements_signed, None, "份"])
    rows += [[done, "獲得工業合作額度", None, r.agreements_obligation[c], POINTS.get(c, c)]
             for c in _currencies(r.agreements_obligation)]
    return Sheet(name="表1 專案計畫執行成果摘要表", title=f"表1 專案計畫執行成果摘要表（{_roc(year)}年度）",
                 columns=[Column("項目"), Column("內容"), Column("數量", INT), Column("金額", MONEY), Column("單位")],
                 rows=rows,
                 notes=["預核個案含預核駁回及再協商案；執行中個案為年底時最近一次審議結果為預核通過、備查或展延者。",
                        "引進技術及預估產值依本年度預核通過個案計算。"])


def build_targets(targets: list[TargetRow], *, title: str, name: str = "年度目標達成情形") -> Sheet:
    """年度目標達成情形: work item | KPI | target | achieved | rate | the dated evidence."""
    rows = []
    for t in targets:
        lines = [text for _day, text in t.evidence]
        if t.manual:
            lines.append("（人工填報實績）")
        if t.note:
            lines.append(f"註：{t.note}")
        rows.append([t.work_item, t.kpi, _number(t.target), t.unit, _number(t.actual), t.rate, "\n".join(lines)])
    return Sheet(name=name, title=title,
                 columns=[Column("工作項目"), Column("績效指標"), Column("目標值", INT), Column("單位"),
                          Column("達成值", INT), Column("達成率(%)", PCT), Column("執行情形", width=60)],
                 rows=rows, notes=["達成值依系統紀錄計算；達成率 = 達成值 ÷ 目標值。"])


def build_steering(results: list[MeetingResult], total: MeetingResult | None, *, year: int) -> Sheet:
    """推動小組會議審議結果: one row per steering meeting of the year, then the year's total."""
    def row(label: str, r: MeetingResult, held_on, approved_on, updated_on) -> list:
        counts, credits = r.counts, r.credits
        return ([label, held_on,
                 counts.get(PRE_APPROVED, 0),
                 credits.get((PRE_APPROVED, "USD")), credits.get((PRE_APPROVED, "NTD")),
                 counts.get(FINAL_APPROVED, 0),
                 credits.get((FINAL_APPROVED, "USD")), credits.get((FINAL_APPROVED, "NTD"))]
                + [counts.get(kind, 0) for kind in OTHER_DECISIONS] + [approved_on, updated_on])

    rows = [row(f"第{n}次", r, r.held_on, r.minutes_approved_on, r.db_updated_on)
            for n, r in enumerate(results, start=1)]
    if total is not None and results:
        rows.append(row("合計", total, None, None, None))
    pre, final, other = "預核通過", "實核通過", "其他審議結果（案數）"
    columns = ([Column("會次"), Column("會議日期", ROC_DATE),
                Column("案數", INT, group=pre), Column("美元點", MONEY, group=pre), Column("新台幣點", MONEY, group=pre),
                Column("案數", INT, group=final), Column("美元點", MONEY, group=final),
                Column("新台幣點", MONEY, group=final)]
               + [Column(header, INT, group=other) for header in OTHER_DECISION_HEADERS]
               + [Column("會議紀錄核定日期", ROC_DATE), Column("資料庫更新日期", ROC_DATE)])
    return Sheet(name="推動小組會議審議結果", title=f"{_roc(year)}年度工業合作推動小組會議審議結果",
                 columns=columns, rows=rows)


def build_credit_use(by_type: CreditUse, by_field: CreditUse, *, year: int) -> Sheet:
    """工業合作額度運用統計: credits by case type and by application field, amount and %, to date and the year."""
    type_rows, usd_type_rows = _credit_rows("依執行方式", by_type, CASE_TYPES)
    field_rows, _usd_field_rows = _credit_rows("依應用領域", by_field, APPLICATION_FIELDS)
    rows = type_rows + field_rows   # the by-type USD rows come first: the chart plots them
    to_date, this_year = f"累計（迄{_roc(year)}年12月）", f"{_roc(year)}年度"
    columns = [Column("分類"), Column("項目"), Column("單位"),
               Column("預核額度", MONEY, group=to_date), Column("占比(%)", PCT, group=to_date),
               Column("實核額度", MONEY, group=to_date), Column("占比(%)", PCT, group=to_date),
               Column("預核額度", MONEY, group=this_year), Column("占比(%)", PCT, group=this_year),
               Column("實核額度", MONEY, group=this_year), Column("占比(%)", PCT, group=this_year)]
    charts = [Chart(kind="pie", title="累計預核額度依執行方式分布（美元點）", category_column=1, value_columns=[3],
                    first_row=0, last_row=usd_type_rows)] if usd_type_rows else []
    return Sheet(name="工業合作額度運用統計", title=f"{_roc(year)}年度工業合作額度運用統計", columns=columns, rows=rows,
                 charts=charts, notes=["美元點與新台幣點分列，占比以同一幣別之合計為分母。"])


def _credit_rows(label: str, use: CreditUse, order: tuple) -> tuple[list[list], int]:
    """One classification's rows, USD first, each currency closed by its total; and how many USD categories."""
    def keyed(items):
        return {(c.label, c.currency): c for c in items}

    to_date, year = keyed(use.to_date), keyed(use.year)
    totals_to_date = {c.key: c for c in use.to_date_totals}
    totals_year = {c.key: c for c in use.year_totals}
    currencies = [c for c in ("USD", "NTD") if any(cur == c for _l, cur in to_date | year)]
    rows, usd_rows = [], 0
    for currency in currencies:
        labels = sorted({lbl for lbl, cur in to_date | year if cur == currency},
                        key=lambda lbl: (order.index(lbl) if lbl in order else len(order), lbl))
        base_d, base_y = totals_to_date.get(currency), totals_year.get(currency)
        for lbl in labels:
            d, y = to_date.get((lbl, currency)), year.get((lbl, currency))
            rows.append([label, lbl, POINTS[currency],
                         d.pre if d else None, _pct(d.pre, base_d.pre) if d and base_d else None,
                         d.final if d else None, _pct(d.final, base_d.final) if d and base_d else None,
                         y.pre if y else None, _pct(y.pre, base_y.pre) if y and base_y else None,
                         y.final if y else None, _pct(y.final, base_y.final) if y and base_y else None])
            usd_rows += currency == "USD"
        rows.append([label, "合計", POINTS[currency],
                     base_d.pre if base_d else None, _pct(base_d.pre, base_d.pre) if base_d else None,
                     base_d.final if base_d else None, _pct(base_d.final, base_d.final) if base_d else None,
                     base_y.pre if base_y else None, _pct(base_y.pre, base_y.pre) if base_y else None,
                     base_y.final if base_y else None, _pct(base_y.final, base_y.final) if base_y else None])
    return rows, usd_rows


def build_cumulative(c: Cumulative, *, year: int) -> Sheet:
    """累計執行成效: agreements, countries, contractors, obligation; what the cases brought."""
    rows = [["簽署工業合作協議書", c.agreements, None, "份"],
            ["協議書外商國別", c.countries, None, "國"],
            ["協議書外商", c.contractors, None, "家"]]
    rows += [["爭取工業合作額度", None, c.obligation[cur], POINTS.get(cur, cur)] for cur in _currencies(c.obligation)]
    rows += [["引進技術", c.technologies, None, "項"], ["促成共同研發", c.joint_rd, None, "項"]]
    for case_type, label in CUMULATIVE_TYPES:
        amounts = {cur: v for (t, cur), v in c.values.items() if t == case_type}
        currencies = _currencies(amounts) or ["USD"]
        rows += [[label, None, amounts.get(cur), VALUE_UNITS.get(cur, cur)] for cur in currencies]
    return Sheet(name="累計執行成效", title=f"工業合作計畫累計執行成效（迄{_roc(year)}年12月）",
                 columns=[Column("項目"), Column("數量", INT), Column("金額", MONEY), Column("單位")], rows=rows,
                 notes=["協議書依簽署日期計至當年底；引進技術、共同研發及國內投資、國內採購、國際行銷金額依累計預核個案"
                        "（金額為核定實際價值）。"])


BUDGET_GROUPS = (("政府", ("委辦費", "補助款", "代管補助款")), ("廠商", ("自籌款", "補助計畫自籌款")))


def build_budget(budget: dict[str, BudgetRow], *, year: int) -> Sheet:
    """經費運用情形 (千元): 政府 and 廠商 lines, blank where the year has none."""
    rows = []
    for group, items in BUDGET_GROUPS:
        for item in items:
            b = budget.get(item)
            rows.append([group, item] + ([b.contracted, b.reported, b.returned, b.retained, b.note] if b
                                         else [None, None, None, None, None]))
    columns = [Column("類別", group="項目"), Column("科目", group="項目"), Column("簽約數", MONEY),
               Column("結報數", MONEY), Column("繳庫數", MONEY), Column("保留數", MONEY), Column("備註")]
    return Sheet(name="經費運用情形", title=f"{_roc(year)}年度經費運用情形", columns=columns, rows=rows, unit="單位：千元")



def build_plan_changes(changes: list, *, year: int) -> Sheet:
    """差異分析: one row per plan change (an empty year prints 無)."""
    rows = [[c.work_item, c.difference,
             "；".join(filter(None, [c.reason, f"核准文件：{c.approval_document}" if c.approval_document else None])),
             c.effect] for c in changes]
    return Sheet(name="差異分析", title=f"{_roc(year)}年度差異分析",
                 columns=[Column("計畫項目"), Column("差異分析", width=40), Column("調整理由", width=40),
                          Column("規格、功能、效益增減說明", width=40)],
                 rows=rows, notes=["註：計畫工作如有變更，應於本表說明，並列出計畫變更核准之文件。"])


def build_trips(trips: list, *, year: int) -> Sheet:
    """出國報告目錄."""
    rows = [[t.plan_name, t.topic, t.obtained_on, t.retention_period, t.storage_place] for t in trips]
    return Sheet(name="出國報告目錄", title=f"{_roc(year)}年度出國報告目錄",
                 columns=[Column("計畫名稱"), Column("出國主題", width=60), Column("作成或取得時間", ROC_DATE),
                          Column("保管期間"), Column("保管場所")], rows=rows)


def build_firms(firms: list[AssistedFirm], *, year: int) -> Sheet:
    """輔導廠商基本資料表: the firms the office assisted in the year (or 無)."""
    rows = [[f.name, f.ubn, f.sector, f.address, f.contact_person, f.contact_phone, f.paid_in_capital, f.employees,
             "\n".join(f.assistance)] for f in firms]
    return Sheet(name="輔導廠商基本資料表", title=f"{_roc(year)}年度輔導廠商基本資料表",
                 columns=[Column("廠商名稱"), Column("統一編號"), Column("產業別"), Column("地址"), Column("聯絡人"),
                          Column("電話"), Column("實收資本額(新台幣)", MONEY), Column("員工人數", INT),
                          Column("輔導內容", width=50)],
                 rows=rows, notes=["輔導廠商：本年度工合個案預核或實核之承接廠商、訪廠評估、自製能量評估及參訪之廠商。"])


def annual_workbook_build(data: AnnualData) -> Workbook:
    """The annual workbook from plain data: the sheets in the final report's order."""
    year = data.year
    return Workbook(filename=f"icp-annual-{year}.xlsx", sheets=[
        build_summary(year=year, project=data.project, budget=data.budget, budget_total=data.budget_total,
                      results=data.results),
        build_targets(data.targets, title=f"{_roc(year)}年度目標達成情形"),
        build_steering(data.steering, data.steering_total, year=year),
        build_credit_use(data.by_type, data.by_field, year=year),
        build_cumulative(data.cumulative, year=year),
        build_budget(data.budget, year=year),
        build_plan_changes(data.plan_changes, year=year),
        build_trips(data.trips, year=year),
        build_firms(data.firms, year=year),
    ])


# --- queries --------------------------------------------------------------------------------------------

def annual_data(year: int) -> AnnualData:
    """Everything the annual workbook shows, queried once (GROUP BY / SUM / COUNT; lists bounded by the year)."""
    start, end = period_of(year)
    budget = {b.item: BudgetRow(item=b.item, contracted=b.contracted, reported=b.reported, returned=b.returned,
                                retained=b.retained, note=b.note)
              for b in db.session.scalars(select(BudgetLine).where(BudgetLine.year == year))}
    budget_total = db.session.scalar(select(func.sum(BudgetLine.contracted)).where(BudgetLine.year == year))
    to_date, in_year = credit_groups(end), credit_groups(end, start=start)
    return AnnualData(
        year=year, project=project_info(), budget=budget,
        budget_total=None if budget_total is None else Decimal(budget_total),
        results=year_results(year, in_year), targets=target_progress(year),
        steering=steering_results(year), steering_total=steering_total(year),
        by_type=credit_use("case_type", to_date, in_year), by_field=credit_use("field", to_date, in_year),
        cumulative=cumulative(end),
        plan_changes=list(db.session.scalars(select(PlanChange).where(PlanChange.year == year).order_by(PlanChange.id))),
        trips=list(db.session.scalars(select(OverseasTrip).where(OverseasTrip.obtained_on.between(start, end))
                                      .order_by(OverseasTrip.obtained_on, OverseasTrip.id))),
        firms=assisted_firms(year))


def annual_workbook(year: int) -> Workbook:
    return annual_workbook_build(annual_data(year))


def project_info() -> ProjectInfo:
    overrides = (current_app.config.get("REPORT_PROJECT_INFO") or {}) if has_app_context() else {}
    return ProjectInfo(**overrides)


def _by_currency(rows) -> dict:
    return {currency: Decimal(amount or 0).quantize(CENT) for currency, amount in rows if amount}


def year_results(year: int, in_year: list[Credits]) -> YearResults:
    """表1's results; `in_year` is credit_groups() of the year."""
    start, end = period_of(year)
    counts = dict(db.session.execute(
        select(CaseDecision.kind, func.count(CaseDecision.id)).join(Meeting, CaseDecision.meeting_id == Meeting.id)
        .where(Meeting.held_on.between(start, end)).group_by(CaseDecision.kind)).all())
    credits = {c.currency: c for c in credits_rollup(in_year, "currency")}
    in_progress = in_progress_at(end)
    signed = db.session.execute(
        select(Agreement.obligation_currency, func.count(Agreement.id), money_sum(Agreement.obligation))
        .where(Agreement.signed_on.between(start, end)).group_by(Agreement.obligation_currency)).all()
    technologies, output = cases_totals(("technologies", "estimated_output_usd"), year)
    return YearResults(
        steering_meetings=meetings_count(STEERING_MEETING, year).value,
        pre_count=sum(counts.get(kind, 0) for kind in (PRE_APPROVED, REJECTED, RENEGOTIATE)),
        pre_credits={cur: c.pre for cur, c in credits.items() if c.pre},
        final_count=counts.get(FINAL_APPROVED, 0),
        final_credits={cur: c.final for cur, c in credits.items() if c.final},
        in_progress_count=sum(n for _cur, n, _amount in in_progress),
        in_progress_credits=_by_currency((cur, amount) for cur, _n, amount in in_progress),
        technologies=int(technologies), estimated_output_usd=output.quantize(CENT),
        agreements_signed=sum(n for _cur, n, _amount in signed),
        agreements_obligation=_by_currency((cur, amount) for cur, _n, amount in signed))


def in_progress_at(end: date) -> list[tuple[str, int, Decimal]]:
    """(currency, cases, case credits) of the cases whose latest decision by `end` keeps them in progress."""
    ranked = (select(CaseDecision.case_id, CaseDecision.kind,
                     func.row_number().over(partition_by=CaseDecision.case_id,
                                            order_by=(Meeting.held_on.desc(), CaseDecision.id.desc())).label("rank"))
              .join(Meeting, CaseDecision.meeting_id == Meeting.id).where(Meeting.held_on <= end).subquery())
    latest = select(ranked.c.case_id).where(ranked.c.rank == 1, ranked.c.kind.in_(IN_PROGRESS_STATUSES)).subquery()
    return db.session.execute(
        select(IcpCase.currency, func.count(IcpCase.id), money_sum(IcpCase.credit))
        .join(latest, latest.c.case_id == IcpCase.id).group_by(IcpCase.currency).order_by(IcpCase.currency)).all()


def steering_total(year: int) -> MeetingResult:
    """The year's steering-meeting decisions counted and summed per kind and currency (the 合計 row), from
    the meetings' rows of the credit summary (meeting_credit)."""
    start, end = period_of(year)
    total = MeetingResult(id=0, held_on=None, title="合計", minutes_approved_on=None, db_updated_on=None)
    rows = db.session.execute(
        select(MeetingCredit.kind, MeetingCredit.currency, func.sum(MeetingCredit.decisions),
               money_sum(MeetingCredit.credits))
        .join(Meeting, MeetingCredit.meeting_id == Meeting.id)
        .where(Meeting.kind == STEERING_MEETING, Meeting.held_on.between(start, end))
        .group_by(MeetingCredit.kind, MeetingCredit.currency))
    for kind, currency, count, credits in rows:
        total.counts[kind] = total.counts.get(kind, 0) + count
        total.credits[(kind, currency)] = Decimal(credits or 0).quantize(CENT)
    return total


def decided_by(query, end: date):
    """`query` over the decisions, restricted to those taken at meetings held by `end`.

    When no meeting is held after `end` that is every decision, and the meetings are not joined: a recent
    year's program-to-date sums then read the decisions alone (through the (kind, case_id, …) index).
    """
    last = db.session.scalar(select(func.max(Meeting.held_on)))
    if last is None or last <= end:
        return query
    return query.join(Meeting, CaseDecision.meeting_id == Meeting.id).where(Meeting.held_on <= end)


def credit_groups(end: date, *, start: date | None = None) -> list[Credits]:
    """Pre-approved and final counts and credits of the decisions taken at meetings held by `end` (from
    `start`, else program to date), per case type, application field and currency: one GROUP BY, keyed
    (case type, field).

    The sheets' per-type, per-field and per-currency figures are sums of these few groups (credits_rollup):
    one pass over the decisions instead of one per breakdown, the same exact sums.
    """
    is_pre, is_final = CaseDecision.kind == PRE_APPROVED, CaseDecision.kind == FINAL_APPROVED
    query = (select(IcpCase.case_type, IcpCase.field, CaseDecision.currency,
                    func.sum(sql_case((is_pre, 1), else_=0)), money_sum(sql_case((is_pre, CaseDecision.credits), else_=0)),
                    func.sum(sql_case((is_final, 1), else_=0)),
                    money_sum(sql_case((is_final, CaseDecision.credits), else_=0)))
             .select_from(CaseDecision).join(IcpCase, CaseDecision.case_id == IcpCase.id)
             .where(CaseDecision.kind.in_((PRE_APPROVED, FINAL_APPROVED)))
             .group_by(IcpCase.case_type, IcpCase.field, CaseDecision.currency))
    if start is None:
        query = decided_by(query, end)
    else:
        query = query.join(Meeting, CaseDecision.meeting_id == Meeting.id).where(Meeting.held_on.between(start, end))
    return [Credits(key=(case_type, field_), label="", currency=cur, pre_count=int(pc or 0),
                    pre=Decimal(p or 0).quantize(CENT), final_count=int(fc or 0), final=Decimal(f or 0).quantize(CENT))
            for case_type, field_, cur, pc, p, fc, f in db.session.execute(query)]


ROLLUP_KEYS = {"case_type": lambda c: c.key[0], "field": lambda c: c.key[1], "currency": lambda c: c.currency}


def credits_rollup(groups: list[Credits], dimension: str) -> list[Credits]:
    """credit_groups() summed per `dimension` ("case_type", "field" or "currency") and currency, in key order."""
    key_of = ROLLUP_KEYS[dimension]
    sums: dict[tuple, Credits] = {}
    for group in groups:
        key = key_of(group)
        total = sums.setdefault((key, group.currency), Credits(key=key, label=str(key), currency=group.currency))
        total.pre_count += group.pre_count
        total.pre += group.pre
        total.final_count += group.final_count
        total.final += group.final
    return [sums[k] for k in sorted(sums)]


def credit_use(dimension: str, to_date: list[Credits], in_year: list[Credits]) -> CreditUse:
    """One breakdown of the credit-use sheet from credit_groups() to the year's end and in the year."""
    return CreditUse(to_date=credits_rollup(to_date, dimension), year=credits_rollup(in_year, dimension),
                     to_date_totals=credits_rollup(to_date, "currency"), year_totals=credits_rollup(in_year, "currency"))


def cumulative(end: date) -> Cumulative:
    """Agreements signed by `end`; technologies, joint R&D and values of the cases pre-approved by `end`."""
    agreements, countries, contractors = db.session.execute(
        select(func.count(func.distinct(Agreement.id)), func.count(func.distinct(Contractor.country)),
               func.count(func.distinct(Contractor.id))).select_from(Agreement)
        .join(Contractor, Agreement.contractor_id == Contractor.id).where(Agreement.signed_on <= end)).one()
    obligation = _by_currency(db.session.execute(
        select(Agreement.obligation_currency, money_sum(Agreement.obligation)).where(Agreement.signed_on <= end)
        .group_by(Agreement.obligation_currency)))
    pre_approved = decided_by(select(CaseDecision.case_id).where(CaseDecision.kind == PRE_APPROVED), end)
    technologies, joint_rd = db.session.execute(
        select(func.coalesce(func.sum(IcpCase.technologies), 0),
               func.coalesce(func.sum(sql_case((IcpCase.case_type == JOINT_RD, 1), else_=0)), 0))
        .where(IcpCase.id.in_(pre_approved))).one()
    values = db.session.execute(decided_by(
        select(IcpCase.case_type, CaseDecision.currency, money_sum(CaseDecision.approved_value))
        .select_from(CaseDecision).join(IcpCase, CaseDecision.case_id == IcpCase.id)
        .where(CaseDecision.kind == PRE_APPROVED, IcpCase.case_type.in_([t for t, _label in CUMULATIVE_TYPES]))
        .group_by(IcpCase.case_type, CaseDecision.currency), end))
    return Cumulative(agreements=agreements, countries=countries, contractors=contractors, obligation=obligation,
                      technologies=int(technologies), joint_rd=int(joint_rd),
                      values={(t, cur): Decimal(v or 0).quantize(CENT) for t, cur, v in values if v})


def assisted_firms(year: int) -> list[AssistedFirm]:
    """Firms of the cases pre-/finally approved in the year, firms visited, assessed, or hosting a 參訪."""
    start, end = period_of(year)
    granted = (PRE_APPROVED, FINAL_APPROVED)
    sources = [
        (select(case_firm.c.firm_id, Meeting.held_on, IcpCase.number, CaseDecision.kind)
         .select_from(CaseDecision).join(Meeting, CaseDecision.meeting_id == Meeting.id)
         .join(IcpCase, CaseDecision.case_id == IcpCase.id).join(case_firm, case_firm.c.case_id == IcpCase.id)
         .where(CaseDecision.kind.in_(granted), Meeting.held_on.between(start, end)),
         lambda day, number, kind: f"{month_day(day)} 工合個案{number}{kind}"),
        (select(FactoryVisit.firm_id, FactoryVisit.visited_on, FactoryVisit.purpose)
         .where(FactoryVisit.visited_on.between(start, end)),
         lambda day, purpose: f"{month_day(day)} 訪廠評估（{purpose}）"),
        (select(assessment_firm.c.firm_id, CapabilityAssessment.completed_on, CapabilityAssessment.item)
         .join(CapabilityAssessment, assessment_firm.c.assessment_id == CapabilityAssessment.id)
         .where(CapabilityAssessment.completed_on.between(start, end)),
         lambda day, item: f"{month_day(day)} 國內產業自製能量評估（{item}）"),
        (select(event_firm.c.firm_id, Event.starts_on, Event.title)
         .join(Event, event_firm.c.event_id == Event.id)
         .where(Event.kind == VISIT, Event.starts_on.between(start, end)),
         lambda day, title: f"{month_day(day)} {title}"),
    ]
    assistance: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for query, wording in sources:
        for firm_id, day, *details in db.session.execute(query):
            assistance[firm_id].append((day, wording(day, *details)))
    if not assistance:
        return []
    f = DomesticFirm  # columns, not entities: a recent year assists thousands of firms
    firms = db.session.execute(select(f.id, f.name, f.ubn, f.sector, f.address, f.contact_person, f.contact_phone,
                                      f.paid_in_capital, f.employees)
                               .where(f.id.in_(assistance)).order_by(f.name))
    return [AssistedFirm(*values, assistance=[text for _day, text in sorted(assistance[firm_id])])
            for firm_id, *values in firms]


__all__ = ["AnnualData", "ProjectInfo", "annual_data", "annual_workbook", "annual_workbook_build", "build_budget",
           "build_credit_use", "build_cumulative", "build_firms", "build_plan_changes", "build_steering",
           "build_summary", "build_targets", "build_trips"]
