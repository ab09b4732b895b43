"""Report builders: plain data in, rows out (no database), then the 2011 workbooks built from the demo office."""
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import Integer, cast, extract, func, select

from icp.demo import demo_load
from icp.extensions import db
from icp.kpi import TargetRow
from icp.reports import INT, MONEY, PCT, ROC_DATE, Workbook
from icp.reports.annual import (BUDGET_GROUPS, AnnualData, AssistedFirm, BudgetRow, CreditUse, Cumulative,
                                ProjectInfo, YearResults, annual_workbook, annual_workbook_build, build_budget,
                                build_credit_use, build_cumulative, build_firms, build_plan_changes, build_steering,
                                build_summary, build_targets, build_trips, credit_groups, credits_rollup, cumulative,
                                in_progress_at)
from icp.reports.quarterly import (DecisionLine, DemandLine, QuarterlyData, build_decisions, build_demand_items,
                                   quarter_period, quarterly_workbook, quarterly_workbook_build)
from icp.roc import roc_date_table
from icp.totals import Credits, MeetingResult, credits_by
from models import CaseDecision, Meeting
from models.choices import BUDGET_ITEMS
from tests.factories import decision_make, office_make

D = Decimal
FORBIDDEN_IN_SHEET_NAMES = set("[]:*?/\\")


def sheet_named(workbook: Workbook, name: str):
    return next(sheet for sheet in workbook.sheets if sheet.name == name)


def meeting_result(held_on, counts, credits, approved=None, updated=None) -> MeetingResult:
    return MeetingResult(id=1, held_on=held_on, title="", minutes_approved_on=approved, db_updated_on=updated,
                         counts=counts, credits=credits)


def empty_data(year: int = 2011) -> AnnualData:
    no_credits = CreditUse(to_date=[], year=[], to_date_totals=[], year_totals=[])
    return AnnualData(year=year, project=ProjectInfo(), budget={}, budget_total=None, results=YearResults(),
                      targets=[], steering=[], steering_total=None, by_type=no_credits, by_field=no_credits,
                      cumulative=Cumulative(), plan_changes=[], trips=[], firms=[])


# --- pure builders ----------------------------------------------------------------------------------------

def test_steering_sheet_one_row_per_meeting_with_grouped_headers_and_total():
    first = meeting_result(date(2011, 3, 17), {"預核通過": 3, "實核通過": 5, "預核駁回": 1, "結案": 2, "展延": 3},
                           {("預核通過", "USD"): D("26726856.00"), ("實核通過", "USD"): D("37872762.00")},
                           approved=date(2011, 3, 25), updated=date(2011, 3, 30))
    third = meeting_result(date(2011, 9, 8), {"實核通過": 3, "撤案": 1},
                           {("實核通過", "USD"): D("13926904.00"), ("實核通過", "NTD"): D("199162419.00")})
    total = meeting_result(None, {"預核通過": 3, "實核通過": 8}, {("預核通過", "USD"): D("26726856.00")})
    sheet = build_steering([first, third], total, year=2011)

    assert [(c.group, c.header) for c in sheet.columns[:8]] == [
        (None, "會次"), (None, "會議日期"), ("預核通過", "案數"), ("預核通過", "美元點"), ("預核通過", "新台幣點"),
        ("實核通過", "案數"), ("實核通過", "美元點"), ("實核通過", "新台幣點")]
    assert [c.header for c in sheet.columns if c.group == "其他審議結果（案數）"] == \
        ["駁回", "再協商", "備查", "結案", "展延", "撤案", "額度留存"]
    assert [c.kind for c in sheet.columns[1:4]] == [ROC_DATE, INT, MONEY]
    assert sheet.rows[0] == ["第1次", date(2011, 3, 17), 3, D("26726856.00"), None, 5, D("37872762.00"), None,
                             1, 0, 0, 2, 3, 0, 0, date(2011, 3, 25), date(2011, 3, 30)]
    assert sheet.rows[1][:8] == ["第2次", date(2011, 9, 8), 0, None, None, 3, D("13926904.00"), D("199162419.00")]
    assert sheet.rows[1][13] == 1   # 撤案
    assert sheet.rows[2][:3] == ["合計", None, 3] and sheet.rows[2][5] == 8
    assert sheet.name == "推動小組會議審議結果" and sheet.title == "100年度工業合作推動小組會議審議結果"


def test_steering_sheet_of_a_year_without_meetings_prints_無():
    sheet = build_steering([], meeting_result(None, {}, {}), year=2013)
    assert sheet.rows == [] and sheet.empty_text == "無"


def test_targets_sheet_rows_rate_and_evidence_lines():
    rows = [TargetRow(work_item="推廣宣導", kpi="技術移轉/招商說明會", target=D("2.00"), unit="場", actual=2,
                      evidence=[(date(2011, 3, 29), "3月29日 雷神公司招商說明會"),
                                (date(2011, 6, 29), "6月29日 查核裝備招商說明會")],
                      source="events:招商說明會/技術移轉說明會", manual=False),
            TargetRow(work_item="軍品釋商", kpi="建立及維護更新檔案資訊", target=D("10.00"), unit="筆", actual=D("14.00"),
                      evidence=[], source="manual", manual=True, note="騰亞等14家"),
            TargetRow(work_item="談判與協商", kpi="爭取工業合作額度", target=D("60000000.00"), unit="美元點",
                      actual=D("211138500.50"), evidence=[], source="agreements_obligation_usd", manual=False)]
    sheet = build_targets(rows, title="100年度目標達成情形")
    assert [c.header for c in sheet.columns] == ["工作項目", "績效指標", "目標值", "單位", "達成值", "達成率(%)", "執行情形"]
    assert sheet.columns[5].kind == PCT
    assert sheet.rows[0] == ["推廣宣導", "技術移轉/招商說明會", 2, "場", 2, D("100.00"),
                             "3月29日 雷神公司招商說明會\n6月29日 查核裝備招商說明會"]
    assert sheet.rows[1][4:] == [14, D("140.00"), "（人工填報實績）\n註：騰亞等14家"]
    assert sheet.rows[2][2] == 60_000_000 and sheet.rows[2][4] == D("211138500.50")


def test_summary_sheet_header_block_budget_and_year_results():
    results = YearResults(steering_meetings=4, pre_count=22, pre_credits={"USD": D("467453509.00")}, final_count=19,
                          final_credits={"USD": D("505444067.00"), "NTD": D("199162419.00")}, in_progress_count=28,
                          in_progress_credits={"USD": D("1.00")}, technologies=16, estimated_output_usd=D("937600000"),
                          agreements_signed=8, agreements_obligation={"USD": D("211138500.00")})
    budget = {"委辦費": BudgetRow(item="委辦費", contracted=D("34310.000"))}
    sheet = build_summary(year=2011, project=ProjectInfo(), budget=budget, budget_total=D("34310.000"),
                          results=results)
    assert sheet.name == "表1 專案計畫執行成果摘要表" and len(sheet.name) <= 31
    labels = {row[0]: row for row in sheet.rows[:7]}
    assert labels["計畫名稱"][1] == "推動工業合作計畫"
    assert labels["受委託單位"][1] == "社團法人中華工業合作發展促進會"
    assert labels["計畫總經費"][3:] == [D("34310.000"), "千元"]
    assert ["輔導", "委辦費", None, D("34310.000"), "千元"] in sheet.rows
    assert ["人才培訓", "委辦費", None, None, "千元"] in sheet.rows
    assert ["補助對象", "無", None, None, None] in sheet.rows
    done = [row[1:] for row in sheet.rows if row[0] == "年度執行成果"]
    assert done == [["召開工業合作推動小組會議", 4, None, "次"], ["預核個案（含駁回、再協商）", 22, None, "案"],
                    ["預核額度", None, D("467453509.00"), "美元點"], ["實核個案", 19, None, "案"],
                    ["實核額度", None, D("505444067.00"), "美元點"], ["實核額度", None, D("199162419.00"), "新台幣點"],
                    ["執行中個案", 28, None, "案"], ["執行中個案額度", None, D("1.00"), "美元點"],
                    ["引進技術", 16, None, "項"], ["預估產值", None, D("937600000"), "美元"],
                    ["簽署工業合作協議書", 8, None, "份"], ["獲得工業合作額度", None, D("211138500.00"), "美元點"]]


def test_summary_names_come_from_project_info():
    sheet = build_summary(year=2012, project=ProjectInfo(officer="王小明", phone="02-1234"), budget={},
                          budget_total=None, results=YearResults())
    assert ["承辦人", "王小明", None, None, None] in sheet.rows and ["電話", "02-1234", None, None, None] in sheet.rows
    assert sheet.title == "表1 專案計畫執行成果摘要表（101年度）"


def credits(label, currency, pre, final, key=None):
    return Credits(key=key or label, label=label, currency=currency, pre=D(pre), final=D(final))


def test_credit_use_sheet_shares_per_currency_totals_and_a_chart_of_the_types():
    by_type = CreditUse(to_date=[credits("技術移轉", "USD", 750, 300), credits("國內投資", "USD", 250, 100),
                                 credits("採購國內產品", "NTD", 40, 40)],
                        year=[credits("技術移轉", "USD", 100, 0)],
                        to_date_totals=[credits("USD", "USD", 1000, 400), credits("NTD", "NTD", 40, 40)],
                        year_totals=[credits("USD", "USD", 100, 0)])
    by_field = CreditUse(to_date=[credits("國防", "USD", 1000, 400)], year=[], to_date_totals=by_type.to_date_totals,
                         year_totals=[])
    sheet = build_credit_use(by_type, by_field, year=2011)
    assert sheet.rows[0] == ["依執行方式", "國內投資", "美元點", D(250), D("25.00"), D(100), D("25.00"),
                             None, None, None, None]   # the canonical type order: 國內投資 before 技術移轉
    assert sheet.rows[1] == ["依執行方式", "技術移轉", "美元點", D(750), D("75.00"), D(300), D("75.00"),
                             D(100), D("100.00"), D(0), None]
    assert sheet.rows[2][:7] == ["依執行方式", "合計", "美元點", D(1000), D("100.00"), D(400), D("100.00")]
    assert sheet.rows[3][:5] == ["依執行方式", "採購國內產品", "新台幣點", D(40), D("100.00")]
    assert [row[:3] for row in sheet.rows[5:]] == [["依應用領域", "國防", "美元點"], ["依應用領域", "合計", "美元點"]]
    groups = {c.group for c in sheet.columns if c.group}
    assert groups == {"累計（迄100年12月）", "100年度"}
    chart, = sheet.charts
    assert (chart.kind, chart.category_column, chart.value_columns, chart.first_row, chart.last_row) == \
        ("pie", 1, [3], 0, 2)


def test_credit_use_sheet_without_credits_has_no_chart():
    empty = CreditUse(to_date=[], year=[], to_date_totals=[], year_totals=[])
    sheet = build_credit_use(empty, empty, year=2011)
    assert sheet.rows == [] and sheet.charts == []


def test_cumulative_sheet_counts_and_values_per_currency():
    sheet = build_cumulative(Cumulative(agreements=125, countries=12, contractors=56,
                                        obligation={"USD": D("10305000000"), "NTD": D("1200000000")}, technologies=251,
                                        joint_rd=10, values={("國內投資", "USD"): D("586000000")}), year=2011)
    assert sheet.rows[:5] == [["簽署工業合作協議書", 125, None, "份"], ["協議書外商國別", 12, None, "國"],
                              ["協議書外商", 56, None, "家"], ["爭取工業合作額度", None, D("10305000000"), "美元點"],
                              ["爭取工業合作額度", None, D("1200000000"), "新台幣點"]]
    assert ["國內投資", None, D("586000000"), "美元"] in sheet.rows
    assert ["國內採購", None, None, "美元"] in sheet.rows   # no value yet: the line is still printed
    assert sheet.title == "工業合作計畫累計執行成效（迄100年12月）"


def test_budget_sheet_lists_every_item_under_government_and_firms_in_thousands():
    assert [item for _group, items in BUDGET_GROUPS for item in items] == \
        ["委辦費", "補助款", "代管補助款", "自籌款", "補助計畫自籌款"]
    assert {item for _group, items in BUDGET_GROUPS for item in items} == set(BUDGET_ITEMS)
    sheet = build_budget({"委辦費": BudgetRow("委辦費", D("34310"), D("34160.496"), D("149.504"), D("0"))}, year=2011)
    assert [(c.group, c.header) for c in sheet.columns] == [
        ("項目", "類別"), ("項目", "科目"), (None, "簽約數"), (None, "結報數"), (None, "繳庫數"), (None, "保留數"),
        (None, "備註")]
    assert sheet.unit == "單位：千元"
    assert sheet.rows[0] == ["政府", "委辦費", D("34310"), D("34160.496"), D("149.504"), D("0"), None]
    assert [row[:2] for row in sheet.rows[1:]] == [["政府", "補助款"], ["政府", "代管補助款"], ["廠商", "自籌款"],
                                                   ["廠商", "補助計畫自籌款"]]
    assert all(value is None for row in sheet.rows[1:] for value in row[2:])


def test_plan_changes_sheet_prints_無_when_empty_and_names_the_approval():
    empty = build_plan_changes([], year=2011)
    assert empty.rows == [] and empty.empty_text == "無"
    assert [c.header for c in empty.columns] == ["計畫項目", "差異分析", "調整理由", "規格、功能、效益增減說明"]
    change = SimpleNamespace(work_item="訪廠評估", difference="10 廠次調整為 8 廠次", reason="配合評估期程",
                             effect="無減損", approval_document="工評字第1000001號")
    assert build_plan_changes([change], year=2011).rows == [
        ["訪廠評估", "10 廠次調整為 8 廠次", "配合評估期程；核准文件：工評字第1000001號", "無減損"]]


def test_trips_and_firms_sheets():
    trip = SimpleNamespace(plan_name="調查美國廠商技術能量", topic="參訪美國工業合作廠商", obtained_on=date(2011, 7, 15),
                           retention_period="1年", storage_place="工業局圖書室")
    trips = build_trips([trip], year=2011)
    assert [c.header for c in trips.columns] == ["計畫名稱", "出國主題", "作成或取得時間", "保管期間", "保管場所"]
    assert trips.columns[2].kind == ROC_DATE
    assert trips.rows == [["調查美國廠商技術能量", "參訪美國工業合作廠商", date(2011, 7, 15), "1年", "工業局圖書室"]]
    firm = AssistedFirm(name="漢翔航空工業", ubn="04595257", sector="航太", address=None, contact_person=None,
                        contact_phone=None, paid_in_capital=D("9000000000"), employees=4000,
                        assistance=["6月2日 工合個案C-098-021實核通過", "7月8日 訪廠評估（能量評估）"])
    firms = build_firms([firm], year=2011)
    assert firms.rows == [["漢翔航空工業", "04595257", "航太", None, None, None, D("9000000000"), 4000,
                           "6月2日 工合個案C-098-021實核通過\n7月8日 訪廠評估（能量評估）"]]
    assert build_firms([], year=2011).rows == []


def test_annual_workbook_sheets_in_report_order_with_valid_names():
    workbook = annual_workbook_build(empty_data())
    names = [sheet.name for sheet in workbook.sheets]
    assert names == ["表1 專案計畫執行成果摘要表", "年度目標達成情形", "推動小組會議審議結果", "工業合作額度運用統計", "累計執行成效",
                     "經費運用情形", "差異分析", "出國報告目錄", "輔導廠商基本資料表"]
    assert all(len(name) <= 31 and not FORBIDDEN_IN_SHEET_NAMES & set(name) for name in names)
    assert workbook.filename == "icp-annual-2011.xlsx"
    for sheet in workbook.sheets:
        assert all(len(row) == len(sheet.columns) for row in sheet.rows), sheet.name


@pytest.mark.parametrize("year, quarter, start, end", [
    (2011, 1, date(2011, 1, 1), date(2011, 3, 31)), (2011, 2, date(2011, 4, 1), date(2011, 6, 30)),
    (2011, 3, date(2011, 7, 1), date(2011, 9, 30)), (2011, 4, date(2011, 10, 1), date(2011, 12, 31)),
    (2012, 1, date(2012, 1, 1), date(2012, 3, 31)),
])
def test_quarter_period_first_and_last_day(year, quarter, start, end):
    assert quarter_period(year, quarter) == (start, end)


def test_quarter_period_refuses_a_fifth_quarter():
    with pytest.raises(ValueError):
        quarter_period(2011, 5)


def test_quarterly_decisions_one_row_per_decision():
    lines = [DecisionLine(date(2011, 9, 8), "C-100-015", "光電射控系統維修能量建立技術移轉", "雷神公司", "預核通過",
                          D("120000000"), "USD"),
             DecisionLine(date(2011, 9, 8), "C-099-002", "通訊及數位無線電系統國內採購", "阿爾斯通", "備查", None, "NTD",
                          "計畫變更備查")]
    sheet = build_decisions(lines, year=2011, quarter=3)
    assert [c.header for c in sheet.columns] == ["會議日期", "個案編號", "個案名稱", "國外承商", "審議結果", "核給額度", "單位",
                                                 "備註"]
    assert sheet.rows == [[date(2011, 9, 8), "C-100-015", "光電射控系統維修能量建立技術移轉", "雷神公司", "預核通過",
                           D("120000000"), "美元點", None],
                          [date(2011, 9, 8), "C-099-002", "通訊及數位無線電系統國內採購", "阿爾斯通", "備查", None, None,
                           "計畫變更備查"]]
    assert sheet.title == "100年第3季工業合作推動小組會議審議結果"


def test_quarterly_demand_items_show_both_reviews():
    line = DemandLine("航太小組", "複材修補", "航太", "產業需求", D("85"), "優先項目", date(2011, 8, 23), date(2011, 9, 8),
                      True, "複審通過")
    sheet = build_demand_items([line], year=2011, quarter=3)
    assert sheet.rows == [["航太小組", "複材修補", "航太", "產業需求", D("85"), "優先項目", date(2011, 8, 23),
                           date(2011, 9, 8), "通過", "複審通過"]]
    assert [c.group for c in sheet.columns].count("複審（推動小組）") == 2


def test_quarterly_workbook_sheet_names_fit_and_an_empty_quarter_prints_無():
    workbook = quarterly_workbook_build(QuarterlyData(year=2011, quarter=4, decisions=[], demand_items=[], events=[],
                                                      visits=[], trainings=[], targets=[]))
    names = [sheet.name for sheet in workbook.sheets]
    assert len(names) == len(set(names)) == 6
    assert all(len(name) <= 31 and not FORBIDDEN_IN_SHEET_NAMES & set(name) for name in names)
    assert all(sheet.rows == [] and sheet.empty_text == "無" for sheet in workbook.sheets)
    assert workbook.sheets[-1].title == "100年度目標執行進度（截至100年12月31日）"


# --- the 2011 demo office ----------------------------------------------------------------------------------

# The report's figures for the four 2011 meetings (domain.md §5): date, pre-approved (count, USD),
# finally approved (count, USD, NTD).
REPORT_2011 = [("100.03.17", 3, 26_726_856, 5, 37_872_762, None),
               ("100.06.02", 1, 69_884_223, 5, 305_627_864, None),
               ("100.09.08", 4, 223_250_000, 3, 13_926_904, 199_162_419),
               ("100.11.29", 9, 147_592_430, 6, 148_016_537, None)]


def _decisions_2011_from_records() -> dict:
    """(meeting date, kind, currency) → (decisions, credits), straight from CaseDecision."""
    year = cast(extract("year", Meeting.held_on), Integer)
    rows = db.session.execute(
        select(Meeting.held_on, CaseDecision.kind, CaseDecision.currency, func.count(CaseDecision.id),
               func.sum(CaseDecision.credits))
        .join(Meeting, CaseDecision.meeting_id == Meeting.id)
        .where(year == 2011, Meeting.kind == "工業合作推動小組會議")
        .group_by(Meeting.held_on, CaseDecision.kind, CaseDecision.currency))
    return {(held_on, kind, currency): (count, D(total)) for held_on, kind, currency, count, total in rows}


def test_steering_sheet_reproduces_the_four_2011_meetings(app):
    demo_load()
    sheet = sheet_named(annual_workbook(2011), "推動小組會議審議結果")
    meetings, total = sheet.rows[:-1], sheet.rows[-1]
    records = _decisions_2011_from_records()

    assert [roc_date_table(row[1]) for row in meetings] == [r[0] for r in REPORT_2011]
    for row, (_roc, pre_n, pre_usd, final_n, final_usd, final_ntd) in zip(meetings, REPORT_2011):
        held_on = row[1]

        def recorded(kind, currency):
            return records.get((held_on, kind, currency), (0, None))

        # the sheet shows what the records hold …
        assert row[2] == recorded("預核通過", "USD")[0] + recorded("預核通過", "NTD")[0]
        assert row[3] == recorded("預核通過", "USD")[1] and row[4] == recorded("預核通過", "NTD")[1]
        assert row[5] == recorded("實核通過", "USD")[0] + recorded("實核通過", "NTD")[0]
        assert row[6] == recorded("實核通過", "USD")[1] and row[7] == recorded("實核通過", "NTD")[1]
        for column, kind in zip(range(8, 15), ("預核駁回", "再協商", "備查", "結案", "展延", "撤案", "額度留存")):
            assert row[column] == sum(count for (day, k, _cur), (count, _t) in records.items()
                                      if day == held_on and k == kind), (held_on, kind)
        # … and the records hold the report's figures
        assert (row[2], row[3], row[5], row[6], row[7]) == \
            (pre_n, pre_usd, final_n, final_usd, None if final_ntd is None else D(final_ntd))
    assert [(roc_date_table(r[15]), roc_date_table(r[16])) for r in meetings] == [
        ("100.03.25", "100.03.30"), ("100.06.16", "100.06.21"), ("100.09.26", "100.09.30"), ("100.12.06", "100.12.13")]
    assert total[0] == "合計"
    assert (total[2], total[3], total[5], total[6], total[7]) == (17, 467_453_509, 19, 505_444_067, 199_162_419)


# KPI → the report's 2011 achieved figure (§四(一)), where the demo's records carry it
SEED_ACHIEVED = {
    "產業需求工業合作項目審查": 4, "工業合作項目資料庫建立及維護": 4, "工業合作政策指導會議": 3, "推動工業合作宣導說明會": 2,
    "技術移轉/招商說明會": 8, "工業合作電子報": 2, "中文版工業合作簡介印製": 500, "英文版工業合作簡介印製": 500,
    "成果彙編印製": 300, "簽署工業合作協議書": 8, "衍生商業效益": 2_497_600_000, "協商談判會議": 25, "引進技術轉移": 16,
    "國外工合承商技術能量調查": 2, "工業合作績優執行單位與個人表揚": 1, "產業分組委員會議": 14, "工業合作推動小組會議": 4,
    "會議紀錄核定後5日內更新工合資料庫": 4, "軍公民營工業配合發展會報委員會議": 2, "國防工業廠商教育訓練": 2,
    "領導廠商或系統廠商能量資料庫": 10, "訪廠評估": 8, "建立及維護更新檔案資訊": 14, "教育訓練": 4, "參訪國內承接工業合作廠商": 1,
}


def test_targets_sheet_shows_the_reports_2011_achievements(app):
    demo_load()
    sheet = sheet_named(annual_workbook(2011), "年度目標達成情形")
    achieved = {row[1]: row[4] for row in sheet.rows}
    assert {kpi: achieved[kpi] for kpi in SEED_ACHIEVED} == SEED_ACHIEVED
    assert 211_000_000 <= achieved["爭取工業合作額度"] < 212_000_000   # 「約2.11億餘美元點」
    by_kpi = {row[1]: row for row in sheet.rows}
    assert by_kpi["技術移轉/招商說明會"][6].startswith("3月29日 「綠色機房(GDC)」廠商招商說明會（雷神公司）")
    assert by_kpi["協商談判會議"][6].count("\n") == 24
    assert by_kpi["工業合作推動小組會議"][5] == D("100.00")
    assert by_kpi["協商談判會議"][5] == D("156.25")


def test_credit_use_to_date_agrees_with_the_totals_when_nothing_is_later(app):
    demo_load()
    sheet = sheet_named(annual_workbook(2011), "工業合作額度運用統計")
    shown = {(row[1], row[2]): (row[3], row[5]) for row in sheet.rows if row[0] == "依執行方式" and row[1] != "合計"}
    points = {"USD": "美元點", "NTD": "新台幣點"}
    assert shown == {(c.label, points[c.currency]): (c.pre, c.final) for c in credits_by("case_type")}
    year = {(row[1], row[2]): row[9] for row in sheet.rows if row[0] == "依應用領域" and row[1] != "合計"
            and row[9] is not None}
    assert year == {(c.label, points[c.currency]): c.final for c in credits_by("field", year=2011)}


def test_summary_sheet_counts_2011_from_the_decisions(app):
    demo_load()
    rows = {(row[0], row[1], row[4]): row for row in sheet_named(annual_workbook(2011), "表1 專案計畫執行成果摘要表").rows}
    counts = dict(db.session.execute(
        select(CaseDecision.kind, func.count(CaseDecision.id)).join(Meeting, CaseDecision.meeting_id == Meeting.id)
        .where(Meeting.held_on.between(date(2011, 1, 1), date(2011, 12, 31))).group_by(CaseDecision.kind)).all())
    assert rows[("年度執行成果", "召開工業合作推動小組會議", "次")][2] == 4
    assert rows[("年度執行成果", "預核個案（含駁回、再協商）", "案")][2] == counts["預核通過"] + counts["預核駁回"] + counts["再協商"]
    assert rows[("年度執行成果", "實核個案", "案")][2] == counts["實核通過"]
    assert rows[("年度執行成果", "簽署工業合作協議書", "份")][2] == 8
    assert rows[("年度執行成果", "引進技術", "項")][2] == 16
    assert rows[("年度執行成果", "預估產值", "美元")][3] == D("937600000.00")   # 「產值預估9.376億美元」
    assert rows[("計畫總經費", None, "千元")][3] == D("34310")


def test_credit_groups_roll_up_per_type_field_and_currency_exactly():
    groups = [Credits(key=("技術移轉", "國防"), label="", currency="USD", pre_count=2, pre=D("10.10"), final_count=1,
                      final=D("5.05")),
              Credits(key=("技術移轉", "航太"), label="", currency="USD", pre_count=1, pre=D("0.01")),
              Credits(key=("國內投資", "國防"), label="", currency="NTD", pre_count=3, pre=D("300.00"), final_count=2,
                      final=D("200.00"))]
    by_type = {(c.label, c.currency): (c.pre_count, c.pre, c.final_count, c.final)
               for c in credits_rollup(groups, "case_type")}
    assert by_type == {("技術移轉", "USD"): (3, D("10.11"), 1, D("5.05")), ("國內投資", "NTD"): (3, D("300.00"), 2, D("200.00"))}
    by_field = {(c.label, c.currency): (c.pre_count, c.pre) for c in credits_rollup(groups, "field")}
    assert by_field == {("國防", "USD"): (2, D("10.10")), ("航太", "USD"): (1, D("0.01")), ("國防", "NTD"): (3, D("300.00"))}
    assert [(c.key, c.pre, c.final) for c in credits_rollup(groups, "currency")] == [
        ("NTD", D("300.00"), D("200.00")), ("USD", D("10.11"), D("5.05"))]


def test_to_date_sums_leave_out_meetings_after_the_years_end_and_take_in_all_when_none_is_later(app):
    office = office_make()
    office["case"].technologies = 3
    decision_make(office)   # 2011: 預核通過 of 2,000,000 points
    later = Meeting(kind="工業合作推動小組會議", held_on=date(2012, 3, 15), title="101年第1次推動小組會議")
    db.session.add(later)
    decision_make(office, meeting=later, kind="實核通過")

    def to_date(year):
        return {(c.key, c.currency): (c.pre, c.final) for c in credits_rollup(credit_groups(date(year, 12, 31)),
                                                                              "currency")}
    assert to_date(2011) == {("USD", "USD"): (D("2000000.00"), D("0.00"))}           # the 2012 meeting is later
    assert to_date(2012) == {("USD", "USD"): (D("2000000.00"), D("2000000.00"))}     # nothing is later: every decision
    assert to_date(2010) == {}
    assert [cumulative(date(year, 12, 31)).technologies for year in (2010, 2011, 2012)] == [0, 3, 3]


def test_a_case_is_in_progress_until_its_final_approval(app):
    office = office_make()
    later = Meeting(kind="工業合作推動小組會議", held_on=date(2012, 3, 15), title="101年第1次推動小組會議")
    db.session.add(later)
    decision_make(office)
    decision_make(office, meeting=later, kind="展延", approved_value=None, multiplier=None)
    assert in_progress_at(date(2010, 12, 31)) == []
    assert [tuple(row) for row in in_progress_at(date(2011, 12, 31))] == [("USD", 1, D("2000000.00"))]
    decision_make(office, meeting=later, kind="實核通過")
    assert [tuple(row) for row in in_progress_at(date(2012, 12, 31))] == []
    assert [tuple(row) for row in in_progress_at(date(2011, 12, 31))] == [("USD", 1, D("2000000.00"))]


def test_2011_lists_print_the_reports_無_and_a_year_without_records_is_empty(app):
    demo_load()
    workbook = annual_workbook(2011)
    assert sheet_named(workbook, "差異分析").rows == []          # the report's 差異分析 reads 無
    assert sheet_named(workbook, "出國報告目錄").rows[0][2] == date(2011, 7, 15)
    assert sheet_named(workbook, "經費運用情形").rows[0][2:6] == [D("34310"), D("34160.496"), D("149.504"), D("0")]
    assert sheet_named(annual_workbook(2010), "差異分析").rows[0][0] == "訪廠評估"
    empty = annual_workbook(2030)
    for name in ("推動小組會議審議結果", "年度目標達成情形", "差異分析", "出國報告目錄", "輔導廠商基本資料表"):
        sheet = sheet_named(empty, name)
        assert sheet.rows == [] and sheet.empty_text == "無", name


def test_assisted_firms_are_those_of_the_years_cases_visits_and_assessments(app):
    demo_load()
    firms = {row[0]: row[8] for row in sheet_named(annual_workbook(2011), "輔導廠商基本資料表").rows}
    assert "11月29日 工合個案C-100-027預核通過" in firms["財團法人生物技術開發中心"]
    assert "7月8日 訪廠評估（電動載具自製能量訪廠評估）" in firms["必翔實業股份有限公司"]
    assert "2月18日 國內產業自製能量評估（淨水裝備）" in firms["騰亞公司"]
    assert "11月4日 參訪亞洲航空公司" in firms["亞洲航空股份有限公司"]


def test_project_info_can_be_set_in_the_configuration(app):
    app.config["REPORT_PROJECT_INFO"] = {"officer": "陳承辦"}
    rows = sheet_named(annual_workbook(2011), "表1 專案計畫執行成果摘要表").rows
    assert ["承辦人", "陳承辦", None, None, None] in rows


def test_quarterly_workbook_of_2011_q3(app):
    demo_load()
    workbook = quarterly_workbook(2011, 3)
    decisions = workbook.sheets[0].rows
    in_quarter = db.session.scalar(select(func.count(CaseDecision.id)).join(Meeting, CaseDecision.meeting_id == Meeting.id)
                                   .where(Meeting.held_on.between(date(2011, 7, 1), date(2011, 9, 30))))
    assert len(decisions) == in_quarter == 15
    assert {row[0] for row in decisions} == {date(2011, 9, 8)}
    assert [row[4] for row in decisions][:5] == ["預核通過"] * 4 + ["實核通過"]
    assert ["C-098-028", "實核通過", D("199162419.00"), "新台幣點"] in [[r[1], r[4], r[5], r[6]] for r in decisions]
    assert len(workbook.sheets[1].rows) == 22            # 第3季 審查22項
    assert len(workbook.sheets[3].rows) == 4             # the visits of July to September
    progress = {row[1]: row[4] for row in workbook.sheets[5].rows}
    assert progress["工業合作推動小組會議"] == 3 and progress["工業合作政策指導會議"] == 1
