"""Totals views: the worked check of domain.md §5, every figure's records add up to it, bounded queries."""
import html
import random
import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from icp import summary
from icp.credits import CHECKLIST
from icp.demo import demo_load
from icp.extensions import db
from models import Agreement, AgreementCredit, CaseDecision, Contractor, IcpCase, Meeting, YearCredit
from tests.conftest import query_count

D = Decimal
# domain.md §5: (date, pre-approved USD credits per case, finally approved USD per case, final NTD per case)
WORKED_CHECK = (
    (date(2011, 3, 17), (10_000_000, 10_000_000, 6_726_856), (8_000_000,) * 4 + (5_872_762,), ()),
    (date(2011, 6, 2), (69_884_223,), (61_125_572,) * 4 + (61_125_576,), ()),
    (date(2011, 9, 8), (55_812_500,) * 4, (6_963_452, 6_963_452), (199_162_419,)),
    (date(2011, 11, 29), (16_399_159,) * 8 + (16_399_158,), (24_669_422,) * 5 + (24_669_427,), ()),
)
EXPECTED = {  # the report's figures, per meeting: (pre count, pre USD, final count, final USD, final NTD)
    date(2011, 3, 17): (3, 26_726_856, 5, 37_872_762, 0),
    date(2011, 6, 2): (1, 69_884_223, 5, 305_627_864, 0),
    date(2011, 9, 8): (4, 223_250_000, 3, 13_926_904, 199_162_419),
    date(2011, 11, 29): (9, 147_592_430, 6, 148_016_537, 0),
}


def worked_check_build():
    """The 2011 steering meetings' decisions, one case per decision, adding up to the report's figures."""
    contractor = Contractor(name_zh="洛克希德馬丁公司", country="US")
    usd = Agreement(number="ICA-USD", contractor=contractor, obligation=D("10000000000"))
    ntd = Agreement(number="ICA-NTD", contractor=contractor, obligation=D("10000000000"), obligation_currency="NTD")
    db.session.add_all([contractor, usd, ntd])
    number = 0
    for held_on, pre, final_usd, final_ntd in WORKED_CHECK:
        meeting = Meeting(kind="工業合作推動小組會議", held_on=held_on, title=f"{held_on} 推動小組會議")
        db.session.add(meeting)
        for kind, amounts, agreement, currency in (("預核通過", pre, usd, "USD"), ("實核通過", final_usd, usd, "USD"),
                                                   ("實核通過", final_ntd, ntd, "NTD")):
            for amount in amounts:
                number += 1
                case = IcpCase(number=f"C-{number:03d}", title=f"個案{number}", agreement=agreement, case_type="技術移轉",
                               field="國防", defense_class="直接國防工合", actual_value=D(amount), multiplier=D(1),
                               currency=currency, **{item: True for item in CHECKLIST})
                db.session.add(CaseDecision(case=case, meeting=meeting, kind=kind, approved_value=D(amount),
                                            multiplier=D(1), currency=currency))
    db.session.commit()


def _cells(page: str, table_id: str) -> list[list[str]]:
    table = page.split(f'id="{table_id}"')[1].split("</table>")[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    cells = [[re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
             for row in rows]
    return [row for row in cells if row]  # the header row has no <td>


def _number(text: str) -> int:
    match = re.search(r"[\d,]+(\.\d+)?", text)
    return int(D(match.group(0).replace(",", ""))) if match else 0


def test_worked_check_figures_add_up():
    for held_on, pre, final_usd, final_ntd in WORKED_CHECK:
        pre_count, pre_total, final_count, final_total, ntd_total = EXPECTED[held_on]
        assert (len(pre), sum(pre)) == (pre_count, pre_total)
        assert (len(final_usd) + len(final_ntd), sum(final_usd), sum(final_ntd)) == (final_count, final_total, ntd_total)


def test_totals_view_shows_the_worked_check_per_meeting_and_year(app, viewer):
    worked_check_build()
    page = viewer.get("/admin/totals/?year=2011").text
    rows = _cells(page, "steering-results")
    assert len(rows) == 4
    for row, held_on in zip(rows, sorted(EXPECTED)):
        pre_count, pre_total, final_count, final_total, ntd_total = EXPECTED[held_on]
        assert _number(row[2]) == pre_count and _number(row[3]) == pre_total
        assert _number(row[4]) == final_count
        final_cell = row[5]
        assert f"{final_total:,} USD" in final_cell.replace("  ", " ")
        if ntd_total:
            assert f"{ntd_total:,} NTD" in final_cell.replace("  ", " ")

    yearly = {(r[0], r[1]): r for r in _cells(viewer.get("/admin/totals/by/year/?scope=all").text, "credits-by")}
    usd = yearly[("民國100年（2011）", "USD")]
    assert (_number(usd[2]), _number(usd[3])) == (17, 467_453_509)
    assert (_number(usd[4]), _number(usd[5])) == (18, 505_444_067)
    ntd = yearly[("民國100年（2011）", "NTD")]
    assert (_number(ntd[4]), _number(ntd[5])) == (1, 199_162_419)


TOTALS_PAGES = ["/admin/totals/?year=2011", "/admin/totals/agreements/"] + [
    f"/admin/totals/by/{d}/?scope={s}&year=2011" for d in ("contractor", "agency", "year", "case_type", "field",
                                                          "defense_class", "currency") for s in ("year", "all")]


@pytest.mark.parametrize("url", TOTALS_PAGES)
def test_every_figure_links_to_records_that_sum_to_it(app, viewer, url):
    demo_load()
    page = viewer.get(url).text
    figures = re.findall(r'<a class="figure"[^>]*href="([^"]+)">([^<]+)</a>', page)
    assert figures, "no figures on the page"
    for link, shown in figures:
        listing = viewer.get(html.unescape(link) + "&page_size=500").text
        credits = re.findall(r'<td class="col-credits">\s*([^<]*?)\s*</td>', listing)
        assert sum(D(c.replace(",", "")) for c in credits) == D(shown.replace(",", "")), (url, link)


def _cases_add(count: int, start: int) -> None:
    meeting = db.session.query(Meeting).filter_by(kind="工業合作推動小組會議").first()
    agreement = db.session.query(Agreement).first()
    for n in range(start, start + count):
        case = IcpCase(number=f"Q-{n:05d}", title=f"量測個案{n}", agreement=agreement, case_type="人員訓練",
                       field="航太", defense_class="產業工合", actual_value=D(1000), multiplier=D(1),
                       **{item: True for item in CHECKLIST})
        db.session.add(CaseDecision(case=case, meeting=meeting, kind="實核通過", approved_value=D(1000),
                                    multiplier=D(1)))
    db.session.commit()


@pytest.mark.parametrize("url", ["/admin/totals/?year=2011", "/admin/totals/agreements/",
                                 "/admin/totals/by/contractor/?scope=all", "/admin/"])
def test_totals_and_dashboard_run_a_bounded_number_of_queries(app, viewer, url):
    worked_check_build()
    _cases_add(10, 0)
    viewer.get(url)  # warm the session and the login
    at_10 = query_count(viewer, url)
    _cases_add(990, 10)
    at_1000 = query_count(viewer, url)
    assert at_1000 == at_10, (at_10, at_1000)


def _summary_matches_a_fresh_group_by() -> None:
    def rows(query, values):
        return {tuple(row[:values]): tuple(D(v or 0).quantize(D("0.01")) for v in row[values:])
                for row in db.session.execute(query)}

    stored_agreements = rows(select(AgreementCredit.agreement_id, AgreementCredit.kind, AgreementCredit.currency,
                                    AgreementCredit.decisions, AgreementCredit.credits), 3)
    stored_years = rows(select(YearCredit.year, YearCredit.kind, YearCredit.currency, YearCredit.case_type,
                               YearCredit.field, YearCredit.defense_class, YearCredit.decisions, YearCredit.credits,
                               YearCredit.usd_credits), 6)
    assert stored_agreements == rows(summary.agreement_sums(), 3)
    assert stored_years == rows(summary.year_sums(), 6)


def test_credit_summary_equals_a_fresh_group_by_after_random_edits(app):
    """Creates, edits, deletes and moves of decisions, cases and meetings keep the summary exact."""
    demo_load()
    _summary_matches_a_fresh_group_by()
    assert db.session.scalar(select(func.count()).select_from(YearCredit))
    rng = random.Random(8)
    agreements = db.session.scalars(select(Agreement)).all()
    meetings = db.session.scalars(select(Meeting)).all()
    created = []
    for step in range(120):
        action = rng.choice(("add", "add", "edit", "kind", "delete", "case_move", "case_class", "decision_move",
                             "meeting_date", "case_delete"))
        if action == "add" or not created:
            case = IcpCase(number=f"R-{step:04d}", title=f"隨機個案{step}", agreement=rng.choice(agreements),
                           case_type="技術移轉", field="航太", defense_class=rng.choice(("直接國防工合", "產業工合")),
                           actual_value=D(1000), multiplier=D(1), currency="USD")
            for _ in range(rng.randint(1, 3)):
                currency = rng.choice(("USD", "NTD"))
                db.session.add(CaseDecision(
                    case=case, meeting=rng.choice(meetings), kind=rng.choice(("預核通過", "實核通過", "再協商")),
                    approved_value=D(rng.randint(1, 10**7)) / 100, multiplier=D(rng.choice(("1", "1.5", "2"))),
                    currency=currency, exchange_rate=D("30.125") if currency == "NTD" else None))
            created.append(case)
        else:
            case = rng.choice(created)
            decision = rng.choice(case.decisions) if case.decisions else None
            if action == "edit" and decision:
                decision.approved_value = D(rng.randint(1, 10**7)) / 100
            elif action == "kind" and decision:
                decision.kind = rng.choice(("預核通過", "實核通過", "結案"))
            elif action == "delete" and decision:
                db.session.delete(decision)
            elif action == "case_move":
                case.agreement = rng.choice(agreements)
            elif action == "case_class":
                case.defense_class, case.case_type = rng.choice(("間接國防工合", "產業工合")), "人員訓練"
            elif action == "decision_move" and decision:
                decision.meeting = rng.choice(meetings)
            elif action == "meeting_date" and decision:
                meeting = decision.meeting
                meeting.held_on = meeting.held_on.replace(year=rng.choice((2009, 2010, 2011, 2012)))
            elif action == "case_delete":
                for decision in list(case.decisions):
                    db.session.delete(decision)
                db.session.delete(case)
                created.remove(case)
        db.session.commit()
        _summary_matches_a_fresh_group_by()
    summary.summary_rebuild(db.session)
    db.session.commit()
    _summary_matches_a_fresh_group_by()


def test_credit_summary_is_rebuilt_after_a_bulk_insert(app):
    """The scale loader writes by ORM bulk INSERT (no flush): the commit rebuilds the summary."""
    from icp.scale import scale_load

    scale_load(cases=300, agreements=20, contractors=5, firms=50)
    assert db.session.scalar(select(func.count()).select_from(AgreementCredit))
    _summary_matches_a_fresh_group_by()


def test_summary_rebuild_command_repairs_a_summary_damaged_outside_the_app(app):
    from icp.scale import scale_load

    scale_load(cases=100, agreements=10, contractors=3, firms=20)
    db.session.execute(text("DELETE FROM agreement_credit"))
    db.session.execute(text("UPDATE year_credit SET credits = credits + 1"))
    db.session.commit()
    with pytest.raises(AssertionError):
        _summary_matches_a_fresh_group_by()
    result = app.test_cli_runner().invoke(args=["icp", "summary-rebuild"])
    assert result.exit_code == 0 and "rebuilt" in result.output, result.output
    db.session.expire_all()
    _summary_matches_a_fresh_group_by()


def test_a_deferred_summary_skips_each_flush_and_is_rebuilt_once_at_commit(app, monkeypatch):
    """What the import does: many flushes in one transaction, one rebuild (agreement_ids None = all) at commit."""
    demo_load()
    refreshed = []
    refresh = summary._agreements_refresh
    monkeypatch.setattr(summary, "_agreements_refresh", lambda c, ids: (refreshed.append(ids), refresh(c, ids)))
    meeting = db.session.scalars(select(Meeting).order_by(Meeting.id)).first()
    summary.summary_defer(db.session)
    for case in db.session.scalars(select(IcpCase).order_by(IcpCase.id).limit(3)).all():
        db.session.add(CaseDecision(case=case, meeting=meeting, kind="實核通過", approved_value=D("1234.56"),
                                    multiplier=D(1), currency="USD"))
        db.session.flush()
    assert refreshed == []
    db.session.commit()
    assert refreshed == [None]
    _summary_matches_a_fresh_group_by()
