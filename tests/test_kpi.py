"""Annual-target actuals: each KPI source on small hand-built records, its evidence texts and dates."""
from datetime import date, datetime
from decimal import Decimal

import pytest

from icp.credits import CHECKLIST
from icp.demo import ANNUAL_TARGETS
from icp.extensions import db
from icp.kpi import (KPI_SOURCES, MANUAL, month_day_span, target_actual, target_progress, working_days_between)
from models import (Agreement, AnnualTarget, AuditLog, CapabilityAssessment, CaseDecision, Contractor, DemandItem,
                    DomesticFirm, Event, FactoryVisit, IcpCase, Meeting, Publication, TrainingSession)
from tests.factories import VALID_UBNS, decision_make, office_make

D = Decimal
STEERING = "工業合作推動小組會議"


def kpi(key: str, year: int = 2011, **kwargs):
    return KPI_SOURCES[key](year, **kwargs)


def add(*records):
    db.session.add_all(records)
    db.session.commit()
    return records[0] if len(records) == 1 else records


def case_make(office: dict, number: str, **values) -> IcpCase:
    fields = {"title": f"個案{number}", "agreement": office["agreement"], "case_type": "技術移轉", "field": "航太",
              "defense_class": "產業工合", "actual_value": D("1000000"), "multiplier": D(1),
              **{item: True for item in CHECKLIST}, **values}
    return add(IcpCase(number=number, **fields))


# --- the registry -------------------------------------------------------------------------------------

def test_registry_covers_every_source_the_demo_targets_use():
    sources = {target[4] for target in ANNUAL_TARGETS}
    assert sources - set(KPI_SOURCES) == {MANUAL}


@pytest.mark.parametrize("key", sorted(KPI_SOURCES))
def test_every_source_on_an_empty_database_is_zero_without_evidence(app, key):
    result = kpi(key)
    assert result.value == 0 and result.evidence == []


# --- meetings -----------------------------------------------------------------------------------------

def test_meetings_count_the_kind_in_the_year_with_dated_titles(app):
    office = office_make()
    add(Meeting(kind="工業合作政策指導會議", held_on=date(2012, 1, 5), title="101年度第1次政策指導會議"),
        Meeting(kind="工業合作政策指導會議", held_on=date(2011, 12, 27), title="100年度第2次政策指導會議"))
    result = kpi("meetings:工業合作政策指導會議")
    assert result.value == 2
    assert result.evidence == [(date(2011, 4, 1), "4月1日 政策指導會議"),
                               (date(2011, 12, 27), "12月27日 100年度第2次政策指導會議")]
    assert office["policy"].held_on == date(2011, 4, 1)


def test_meetings_count_stops_at_until(app):
    office_make()
    assert kpi("meetings:工業合作政策指導會議", until=date(2011, 3, 31)).value == 0
    assert kpi("meetings:工業合作政策指導會議", until=date(2011, 4, 1)).value == 1
    assert kpi(f"meetings:{STEERING}", until=date(2011, 3, 31)).value == 1


def test_demand_quarters_count_quarters_passed_at_a_steering_meeting(app):
    office = office_make()
    steering = office["steering"]
    later = add(Meeting(kind=STEERING, held_on=date(2011, 6, 2), title="100年度第2次推動小組會議"))
    item = {"proposing_unit": "航太小組", "industry": "航太", "need": "產業需求"}
    add(DemandItem(year=2011, quarter=1, title="複材修補", score=D(85), second_review_meeting=steering,
                   second_review_passed=True, **item),
        DemandItem(year=2011, quarter=1, title="扣件認證", score=D(70), second_review_meeting=steering,
                   second_review_passed=True, **item),
        DemandItem(year=2011, quarter=2, title="發動機維修", score=D(90), second_review_meeting=later,
                   second_review_passed=False, **item),
        DemandItem(year=2011, quarter=2, title="未複審", score=D(65), **item))
    result = kpi("demand_quarters_passed")
    assert result.value == 1
    assert result.evidence == [(date(2011, 3, 17), "3月17日 100年第1次推動小組會議複審通過100年第1季工合需求項目2項"
                                                   "（優先項目1項、一般項目1項）")]


@pytest.mark.parametrize("earlier, later, days", [
    (date(2011, 3, 25), date(2011, 3, 30), 3),    # Friday → Wednesday
    (date(2011, 12, 6), date(2011, 12, 13), 5),   # Tuesday → Tuesday
    (date(2011, 6, 16), date(2011, 6, 16), 0),
    (date(2011, 6, 16), date(2011, 6, 15), 0),
    (date(2011, 12, 2), date(2011, 12, 12), 6),   # Friday → the Monday after next
])
def test_working_days_between_skip_weekends(earlier, later, days):
    assert working_days_between(earlier, later) == days


def test_database_updated_within_five_working_days_counts_only_meetings_that_met_it(app):
    office = office_make()
    steering = office["steering"]
    steering.minutes_approved_on, steering.db_updated_on = date(2011, 3, 25), date(2011, 3, 30)
    add(Meeting(kind=STEERING, held_on=date(2011, 6, 2), title="第2次", minutes_approved_on=date(2011, 6, 16),
                db_updated_on=date(2011, 6, 27)),   # 7 working days
        Meeting(kind=STEERING, held_on=date(2011, 9, 8), title="第3次", minutes_approved_on=date(2011, 9, 26)))
    result = kpi("meetings_db_updated_in_time")
    assert result.value == 1
    assert result.evidence == [(date(2011, 3, 30), "3月30日 100年第1次推動小組會議紀錄3月25日奉核定後"
                                                   "完成更新工合額度資料庫（3個工作天）")]


# --- events, publications ------------------------------------------------------------------------------

def test_events_count_the_kind_with_dates_contractor_and_attendance(app):
    office = office_make()
    raytheon = office["contractor"]
    add(Event(kind="招商說明會/技術移轉說明會", starts_on=date(2011, 3, 29), title="雷神公司招商說明會", contractor=raytheon,
              attendees=33),
        Event(kind="招商說明會/技術移轉說明會", starts_on=date(2011, 7, 20), title="「燃料電池發電機」招商說明會",
              contractor=raytheon),
        Event(kind="宣導說明會", starts_on=date(2011, 7, 7), title="軍官團宣導說明會"),
        Event(kind="招商說明會/技術移轉說明會", starts_on=date(2010, 12, 1), title="去年的說明會"))
    result = kpi("events:招商說明會/技術移轉說明會")
    assert result.value == 2
    assert result.evidence == [(date(2011, 3, 29), "3月29日 雷神公司招商說明會，計33人次"),
                               (date(2011, 7, 20), "7月20日 「燃料電池發電機」招商說明會（雷神公司）")]


def test_a_survey_spanning_days_is_worded_as_the_report_does(app):
    add(Event(kind="技術能量調查", starts_on=date(2011, 5, 14), ends_on=date(2011, 5, 21), title="美商雷神公司技術能量調查"))
    assert kpi("events:技術能量調查").evidence == [(date(2011, 5, 14), "5月14日至21日 美商雷神公司技術能量調查")]
    assert month_day_span(date(2011, 5, 30), date(2011, 6, 2)) == "5月30日至6月2日"


def test_publications_are_counted_and_their_copies_summed(app):
    add(Publication(kind="電子報", published_on=date(2011, 3, 31), title="第1期工合電子報"),
        Publication(kind="電子報", published_on=date(2011, 12, 31), title="第2期工合電子報"),
        Publication(kind="中文簡介", published_on=date(2011, 8, 10), title="工業合作簡介（中文版）", copies=500),
        Publication(kind="成果彙編", published_on=date(2011, 12, 31), title="成果彙編", copies=300),
        Publication(kind="成果彙編", published_on=date(2010, 12, 31), title="99年成果彙編", copies=200))
    assert kpi("publications:電子報").value == 2
    assert kpi("copies:中文簡介").value == 500
    result = kpi("copies:成果彙編")
    assert result.value == 300 and result.evidence == [(date(2011, 12, 31), "12月31日 印製成果彙編 300本")]


# --- agreements, credits, cases --------------------------------------------------------------------------

def test_agreements_signed_and_their_usd_obligation(app):
    office = office_make()   # ICA-100-001, 2011-03-01, 60,000,000 USD
    contractor = office["contractor"]
    add(Agreement(number="ICA-100-002", contractor=contractor, signed_on=date(2011, 10, 28),
                  obligation=D("15075000.50")),
        Agreement(number="ICA-100-003", contractor=contractor, signed_on=date(2011, 6, 1), obligation=D("900000000"),
                  obligation_currency="NTD"),
        Agreement(number="ICA-099-009", contractor=contractor, signed_on=date(2010, 6, 1), obligation=D("1")))
    signed = kpi("agreements_signed")
    assert signed.value == 3
    assert signed.evidence[0] == (date(2011, 3, 1), "3月1日 與雷神公司簽署工業合作協議書ICA-100-001")
    obligation = kpi("agreements_obligation_usd")
    assert obligation.value == D("75075000.50")
    assert [text for _day, text in obligation.evidence] == [
        "3月1日 與雷神公司簽署工業合作協議書ICA-100-001，額度60,000,000美元點",
        "10月28日 與雷神公司簽署工業合作協議書ICA-100-002，額度15,075,000.50美元點"]


def _credits_office():
    """Pre-approval (USD, defense), final approvals in NTD with and without a rate, an industry case, a 2010 one."""
    office = office_make()   # its case: 間接國防工合, value 1,000,000 × 2
    second = add(Meeting(kind=STEERING, held_on=date(2011, 6, 2), title="100年第2次推動小組會議"))
    old = add(Meeting(kind=STEERING, held_on=date(2010, 12, 9), title="99年第4次推動小組會議"))
    industry = case_make(office, "C-100-002", defense_class="產業工合")
    ntd = case_make(office, "C-100-003", currency="NTD", actual_value=D("30000000"))
    decision_make(office)                                                        # 2,000,000 USD pre, defense
    decision_make(office, case=industry, approved_value=D("500000"), multiplier=D(1))   # 500,000 USD pre
    decision_make(office, case=ntd, meeting=second, kind="實核通過", currency="NTD", approved_value=D("30000000"),
                  multiplier=D(1), exchange_rate=D("30"))                        # 1,000,000 USD points
    decision_make(office, case=ntd, meeting=second, kind="實核通過", currency="NTD", approved_value=D("6000000"),
                  multiplier=D(1))                                               # no rate: not counted
    decision_make(office, case=industry, meeting=old, approved_value=D("7"), multiplier=D(1))   # 2010
    decision_make(office, case=industry, meeting=second, kind="預核駁回", approved_value=None, multiplier=None)
    return office


def test_credits_pre_and_final_in_usd_points_count_ntd_only_at_a_recorded_rate(app):
    _credits_office()
    result = kpi("credits_pre_final_usd")
    assert result.value == D("3500000.00")
    assert result.evidence == [
        (date(2011, 3, 17), "3月17日 100年第1次推動小組會議：預核2案2,500,000美元點"),
        (date(2011, 6, 2), "6月2日 100年第2次推動小組會議：實核1案1,000,000美元點"
                           "（另6,000,000新台幣點未載匯率，未計入）")]


def test_defense_credits_count_only_direct_and_indirect_defense_cases(app):
    _credits_office()
    result = kpi("credits_pre_final_defense_usd")
    assert result.value == D("2000000.00")
    assert [text for _day, text in result.evidence] == ["3月17日 100年第1次推動小組會議：預核1案2,000,000美元點"]


def test_decisions_count_pre_approved_rejected_and_final_only(app):
    office = _credits_office()
    decision_make(office, kind="再協商", approved_value=None, multiplier=None)
    decision_make(office, kind="結案", approved_value=None, multiplier=None)
    result = kpi("decisions_pre_final_count")
    assert result.value == 5   # 2 預核通過 + 2 實核通過 + 1 預核駁回 in 2011
    assert result.evidence == [(date(2011, 3, 17), "3月17日 100年第1次推動小組會議：預核通過2案"),
                               (date(2011, 6, 2), "6月2日 100年第2次推動小組會議：預核駁回1案、實核通過2案")]


def test_case_fields_sum_over_cases_pre_approved_in_the_year(app):
    office = office_make()
    case = office["case"]
    case.technologies, case.derived_benefit_ntd, case.estimated_output_usd = 2, D("120000000"), D("45000000")
    second = case_make(office, "C-100-002", technologies=1, induced_investment_ntd=D("200000000"))
    old = case_make(office, "C-099-001", technologies=5, derived_benefit_ntd=D("1"))
    old_meeting = add(Meeting(kind=STEERING, held_on=date(2010, 12, 9), title="99年第4次推動小組會議"))
    decision_make(office)
    decision_make(office, case=case, kind="實核通過")            # a second decision does not count the case twice
    decision_make(office, case=second, approved_value=D("1000000"), multiplier=D(1))
    decision_make(office, case=old, meeting=old_meeting, approved_value=D("1000000"), multiplier=D(1))
    technologies = kpi("cases_technologies")
    assert technologies.value == 3
    assert technologies.evidence == [(date(2011, 3, 17), "3月17日 預核C-100-001「雷達模組技術移轉」2項"),
                                     (date(2011, 3, 17), "3月17日 預核C-100-002「個案C-100-002」1項")]
    assert kpi("cases_derived_benefit_ntd").value == D("120000000.00")
    assert kpi("cases_induced_investment_ntd").value == D("200000000.00")
    assert kpi("cases_estimated_output_usd").value == D("45000000.00")
    assert kpi("cases_derived_benefit_ntd").evidence == [
        (date(2011, 3, 17), "3月17日 預核C-100-001「雷達模組技術移轉」120,000,000元")]


# --- defense-industry work -----------------------------------------------------------------------------

def test_trainings_and_trainees_by_audience_and_for_all_other_audiences(app):
    add(TrainingSession(starts_on=date(2011, 10, 14), title="南部宣導說明會", audience="國防工業廠商", location="高雄",
                        trainees=36),
        TrainingSession(starts_on=date(2011, 10, 19), title="北部宣導說明會", audience="國防工業廠商", trainees=48),
        TrainingSession(starts_on=date(2011, 5, 12), title="教育訓練講習", audience="國軍幹部", trainees=42),
        TrainingSession(starts_on=date(2011, 10, 28), ends_on=date(2011, 10, 29), title="人員教育訓練",
                        audience="工作人員", trainees=25),
        TrainingSession(starts_on=date(2012, 1, 3), title="明年", audience="國軍幹部", trainees=99))
    assert kpi("trainings:國防工業廠商").value == 2
    defense = kpi("trainees:國防工業廠商")
    assert defense.value == 84
    assert defense.evidence[0] == (date(2011, 10, 14), "10月14日 於高雄辦理南部宣導說明會，參訓36人次")
    assert kpi("trainings:other").value == 2
    other = kpi("trainees:other")
    assert other.value == 67
    assert other.evidence[1] == (date(2011, 10, 28), "10月28日至29日 人員教育訓練，參訓25人次")
    assert kpi("trainings:國軍幹部").value == 1


def test_capability_database_firms_added_in_the_year(app):
    add(DomesticFirm(name="亞洲航空", ubn=VALID_UBNS[0], in_capability_db=True, capability_category="航空",
                     capability_db_added_on=date(2011, 4, 15)),
        DomesticFirm(name="騰亞公司", ubn=VALID_UBNS[1], in_capability_db=True, capability_category="其他",
                     capability_db_added_on=date(2011, 6, 17), capability_notes="淨水裝備"),
        DomesticFirm(name="舊廠商", ubn=VALID_UBNS[2], in_capability_db=True, capability_db_added_on=date(2010, 1, 5)),
        DomesticFirm(name="未列入", ubn=VALID_UBNS[3], capability_db_added_on=date(2011, 1, 5)))
    result = kpi("firms_capability_db_added")
    assert result.value == 2
    assert result.evidence == [(date(2011, 4, 15), "4月15日 亞洲航空（航空）"),
                               (date(2011, 6, 17), "6月17日 騰亞公司（其他，淨水裝備）")]


def test_factory_visits_and_completed_assessments(app):
    office = office_make()
    firm = office["firms"][0]
    assessment = add(CapabilityAssessment(requesting_unit="國防部軍備局", item="淨水裝備", requested_on=date(2010, 12, 10),
                                          completed_on=date(2011, 2, 18), report_number="R-100-01", outcome="已具能量"))
    add(CapabilityAssessment(requesting_unit="國防部軍備局", item="鍋爐", requested_on=date(2011, 11, 1)),
        FactoryVisit(firm=firm, visited_on=date(2011, 7, 8), purpose="能量訪廠評估", assessment=assessment),
        FactoryVisit(firm=firm, visited_on=date(2010, 7, 8), purpose="去年"))
    visits = kpi("factory_visits")
    assert visits.value == 1 and visits.evidence == [(date(2011, 7, 8), "7月8日 漢翔航空工業 能量訪廠評估")]
    done = kpi("assessments_completed")
    assert done.value == 1
    assert done.evidence == [(date(2011, 2, 18), "2月18日 完成「淨水裝備」國內產業自製能量評估報告（R-100-01，已具能量）")]


def test_firm_records_come_from_the_change_log_when_it_covers_the_year(app):
    add(AuditLog(at=datetime(2010, 5, 1), action="create", record_type="agency", record_id=1, changes={}),
        AuditLog(at=datetime(2011, 3, 1, 2), action="create", record_type="domestic_firm", record_id=7,
                 record_label="騰亞公司", changes={}),
        AuditLog(at=datetime(2011, 4, 1), action="update", record_type="domestic_firm", record_id=7,
                 record_label="騰亞公司", changes={}),
        AuditLog(at=datetime(2011, 12, 31, 17), action="update", record_type="domestic_firm", record_id=8,
                 record_label="永日公司", changes={}),   # 2012-01-01 01:00 in Taipei: next year
        AuditLog(at=datetime(2011, 6, 1), action="update", record_type="agency", record_id=1, changes={}))
    result = kpi("firm_records_changed")
    assert (result.value, result.from_records) == (1, True)
    assert result.evidence == [(date(2011, 3, 1), "3月1日 建立/更新騰亞公司檔案資訊（2筆異動）")]


def test_firm_records_are_partial_when_the_change_log_starts_later(app):
    add(AuditLog(at=datetime(2011, 9, 1), action="create", record_type="domestic_firm", record_id=7,
                 record_label="騰亞公司", changes={}))
    result = kpi("firm_records_changed")
    assert (result.value, result.from_records) == (1, False)


# --- targets against actuals -------------------------------------------------------------------------------

def test_target_progress_joins_targets_with_actuals_rates_and_evidence(app):
    office_make()
    add(AnnualTarget(year=2011, work_item="個案審核", kpi="工業合作推動小組會議", target_value=D(4), unit="次",
                     actual_source=f"meetings:{STEERING}"),
        AnnualTarget(year=2011, work_item="軍品釋商", kpi="建立及維護更新檔案資訊", target_value=D(10), unit="筆",
                     actual_source=MANUAL, manual_actual=D(14), note="騰亞等14家"),
        AnnualTarget(year=2011, work_item="規劃研究", kpi="未知來源", target_value=D(2), unit="次",
                     actual_source="no_such_source"),
        AnnualTarget(year=2011, work_item="規劃研究", kpi="政策指導會議", target_value=D(2), unit="場",
                     actual_source="meetings:工業合作政策指導會議"),
        AnnualTarget(year=2012, work_item="個案審核", kpi="工業合作推動小組會議", target_value=D(4), unit="次",
                     actual_source=f"meetings:{STEERING}"))
    rows = target_progress(2011)
    assert [r.kpi for r in rows] == ["工業合作推動小組會議", "建立及維護更新檔案資訊", "未知來源", "政策指導會議"]
    steering, manual, unknown, policy = rows
    assert (steering.actual, steering.rate, steering.manual) == (1, D("25.00"), False)
    assert steering.evidence == [(date(2011, 3, 17), "3月17日 100年第1次推動小組會議")]
    assert (manual.actual, manual.rate, manual.manual, manual.note) == (D(14), D("140.00"), True, "騰亞等14家")
    assert (unknown.actual, unknown.rate, unknown.manual) == (None, None, True)
    assert "no_such_source" in unknown.note
    assert (policy.actual, policy.rate) == (1, D("50.00"))
    assert [r.actual for r in target_progress(2011, until=date(2011, 3, 31))] == [1, D(14), None, 0]


def test_manual_actual_replaces_a_partial_change_log_count(app):
    add(AuditLog(at=datetime(2011, 9, 1), action="create", record_type="domestic_firm", record_id=7,
                 record_label="騰亞公司", changes={}))
    target = add(AnnualTarget(year=2011, work_item="軍品釋商", kpi="建立及維護更新檔案資訊", target_value=D(10),
                              unit="筆", actual_source="firm_records_changed", manual_actual=D(14)))
    row = target_actual(target)
    assert (row.actual, row.manual) == (D(14), True)
    target.manual_actual = None
    row = target_actual(target)
    assert (row.actual, row.manual) == (1, False)


def test_contractor_is_not_repeated_when_the_title_names_it(app):
    contractor = add(Contractor(name_zh="洛馬公司", country="US"))
    add(Event(kind="招商說明會/技術移轉說明會", starts_on=date(2011, 8, 12), title="洛馬公司「海洋能發展契機」說明會",
              contractor=contractor))
    assert kpi("events:招商說明會/技術移轉說明會").evidence == [(date(2011, 8, 12), "8月12日 洛馬公司「海洋能發展契機」說明會")]


def test_case_decision_ledger_is_untouched_by_the_kpis(app):
    """The KPI functions only read: the session holds no pending change after computing every source."""
    _credits_office()
    for key in KPI_SOURCES:
        KPI_SOURCES[key](2011)
    assert not db.session.new and not db.session.dirty
    assert db.session.query(CaseDecision).count() == 6


def test_target_form_offers_only_computable_sources(app, client_as):
    """A free-typed key would silently count nothing; the form offers the registered ones and 'manual'."""
    from tests.conftest import csrf_from
    admin = client_as("admin")
    page = admin.get("/admin/target/new/").text
    assert 'value="meetings:工業合作推動小組會議"' in page and 'value="manual"' in page
    response = admin.post("/admin/target/new/", data={"year": "2011", "work_item": "x", "kpi": "y", "target_value": "1",
                                                      "unit": "次", "actual_source": "whatever",
                                                      "csrf_token": csrf_from(page)})
    assert response.status_code == 200 and "不是有效的選擇" in response.text
