"""The dashboard: key figures, accessible server-side charts, overdue lists, the remembered year."""
from datetime import date
from decimal import Decimal

from icp.dashboard import YearBar, last_quarter_due, overdue_lists
from icp.demo import demo_load
from icp.extensions import db
from models import ExportControlPledge, FeedbackFee, ProgressReport
from tests.factories import decision_make, office_make
from views.dashboard import year_bars

D = Decimal


def test_dashboard_shows_the_years_figures_and_charts_in_chinese(app, viewer):
    demo_load()
    page = viewer.get("/admin/?year=2011").text
    assert "民國100年（2011）工業合作執行概況" in page
    assert "17 案，467,453,509 美元點" in page and "18 案，505,444,067 美元點" in page
    assert "8 份，211,138,500 美元點" in page
    for chart in ("chart-years", "chart-types"):
        svg = page.split(f'id="{chart}"')[1].split("</svg>")[0]
        assert "<title" in svg and "<rect" in svg  # titled, with text values for screen readers
    assert "國防工合目標" in page and "技術移轉" in page
    assert "http://" not in page.split("<body")[1].replace("http://www.w3.org", "")  # nothing from elsewhere


def test_year_choice_is_remembered_across_pages(app, viewer):
    demo_load()
    viewer.get("/admin/totals/?year=2010")
    page = viewer.get("/admin/").text
    assert '<option value="2010" selected>' in page and "民國99年（2010）工業合作執行概況" in page


def test_bars_scale_to_the_largest_year_and_mark_the_target():
    bars, ticks = year_bars([YearBar(2010, D(10), D(30), None), YearBar(2011, D(40), D(40), D(50))])
    tall, short = bars[1], bars[0]
    assert tall.defense_h + tall.industry_h > short.defense_h + short.industry_h
    assert abs((tall.defense_h + tall.industry_h) - 2 * (short.defense_h + short.industry_h)) < 1e-6
    assert short.target_y is None and abs(tall.target_y - tall.defense_y) < 1e-6  # 50 % of 80 = the defense part
    assert len(ticks) == 5


def test_last_quarter_due_allows_thirty_days_after_quarter_end():
    assert divmod(last_quarter_due(date(2011, 4, 30)), 4) == (2010, 3)  # Q1 2011 due 30 April: not yet
    assert divmod(last_quarter_due(date(2011, 5, 1)), 4) == (2011, 0)   # 1 May: Q1 2011 is overdue


def test_overdue_lists_follow_the_rules_of_the_domain(app):
    office = office_make()
    case = office["case"]
    case.planned_end = date(2011, 12, 31)
    db.session.add_all([ProgressReport(case=case, year=2011, quarter=1),
                        ProgressReport(case=case, year=2011, quarter=2, received_on=date(2011, 7, 20)),
                        ProgressReport(case=case, year=2011, quarter=2 + 1)])
    decision_make(office, kind="實核通過")  # at the 2011-03-17 meeting
    db.session.add_all([FeedbackFee(case=case, firm=office["firms"][0], amount_due=D(1000), amount_paid=D(0)),
                        FeedbackFee(case=case, firm=office["firms"][1], amount_due=D(1000), amount_paid=D(1000)),
                        ExportControlPledge(case=case, firm=office["firms"][0], signed_on=date(2011, 1, 1),
                                            transfer_completed_on=date(2011, 6, 1))])
    db.session.commit()

    reports, fees, pledges, late = overdue_lists(date(2011, 8, 1))
    assert reports.count == 1 and reports.rows[0][1] == "2011 Q1"   # Q3 not yet due, Q2 received
    assert fees.count == 1                                           # 2011-03-17 + 90 days < 2011-08-01
    assert pledges.count == 1                                        # window open until 2013-06-01
    assert late.count == 0                                           # planned end still ahead

    reports, fees, pledges, late = overdue_lists(date(2013, 6, 2))
    assert reports.count == 2 and pledges.count == 0 and late.count == 1
    assert overdue_lists(date(2011, 6, 1))[1].count == 0             # 76 days after final approval
