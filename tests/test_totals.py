"""Totals views: the worked check of domain.md §5, every figure's records add up to it, bounded queries."""
import html
import random
import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from icp import summary, totals
from icp.credits import CHECKLIST, FINAL_APPROVED, PRE_APPROVED, usd_points
from icp.demo import demo_load
from icp.extensions import db
from models import (Agreement, AgreementCredit, CaseDecision, Contractor, IcpCase, Meeting, MeetingCredit, YearCredit,
                    YearDimensionCredit)
from models.choices import STEERING_MEETING
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
    stored_meetings = rows(select(MeetingCredit.meeting_id, MeetingCredit.kind, MeetingCredit.currency,
                                  MeetingCredit.decisions, MeetingCredit.credits), 3)
    assert stored_agreements == rows(summary.agreement_sums(), 3)
    assert stored_years == rows(summary.year_sums(), 6)
    assert stored_meetings == rows(summary.meeting_sums(), 3)
    _figures_match_the_decisions()


def _ledger() -> list[tuple]:
    """Every decision with what the summary groups it by, read one by one (no GROUP BY, no summary)."""
    return [(d.meeting_id, d.meeting.held_on.year, d.meeting.kind, d.kind, d.currency, d.credits,
             usd_points(credits=d.credits, currency=d.currency, rate=d.exchange_rate) or D(0),
             {"case_type": d.case.case_type, "field": d.case.field, "defense_class": d.case.defense_class})
            for d in db.session.scalars(select(CaseDecision))]


def _figures_match_the_decisions() -> None:
    """The summary's figures, as the totals pages read them, equal sums over the decisions done here in Python:
    the rows of year_dimension_credit, each year's steering results (every kind), the defense shares and the
    totals by each dimension of the year."""
    ledger = _ledger()
    expected_dimensions, meetings, shares = {}, {}, {}
    for meeting_id, year, meeting_kind, kind, currency, credits, usd, dimensions in ledger:
        if meeting_kind == STEERING_MEETING:
            count, total = meetings.get((year, meeting_id, kind, currency), (0, D(0)))
            meetings[(year, meeting_id, kind, currency)] = (count + 1, total + credits)
        if kind not in (PRE_APPROVED, FINAL_APPROVED):
            continue
        for dimension, value in dimensions.items():
            key = (dimension, year, kind, currency, value)
            count, total, usd_total = expected_dimensions.get(key, (0, D(0), D(0)))
            expected_dimensions[key] = (count + 1, total + credits, usd_total + usd)
        defense = dimensions["defense_class"] in totals.DEFENSE_CLASSES
        share = shares.setdefault(year, {})
        for part in (kind, (kind, "defense")) if defense else (kind,):
            share[part] = share.get(part, D(0)) + usd
    stored = {(r.dimension, r.year, r.kind, r.currency, r.value): (r.decisions, D(r.credits).quantize(D("0.01")),
                                                                    D(r.usd_credits).quantize(D("0.01")))
              for r in db.session.scalars(select(YearDimensionCredit))}
    assert stored == expected_dimensions

    years = {held_on.year for held_on in db.session.scalars(select(Meeting.held_on))}
    for year in years:
        shown = {}
        for result in totals.steering_results(year):
            assert sum(result.counts.values()) == sum(
                count for (y, m, _k, _c), (count, _t) in meetings.items() if (y, m) == (year, result.id))
            for (kind, currency), credits in result.credits.items():
                shown[(year, result.id, kind, currency)] = credits
        assert shown == {key: total for key, (_count, total) in meetings.items() if key[0] == year}
        for dimension in ("year", "case_type", "field", "defense_class", "currency"):
            expected = {}
            for (dim, y, kind, currency, value), (count, total, _usd) in expected_dimensions.items():
                if y != year or dim != ("defense_class" if dimension in ("year", "currency") else dimension):
                    continue
                key = {"year": y, "currency": currency}.get(dimension, value)
                figures = expected.setdefault((key, currency), [0, D(0), 0, D(0)])
                figures[0 if kind == PRE_APPROVED else 2] += count
                figures[1 if kind == PRE_APPROVED else 3] += total
            assert {(row.key, row.currency): [row.pre_count, row.pre, row.final_count, row.final]
                    for row in totals.credits_by(dimension, year=year)} == expected, (dimension, year)
    per_year, _to_date, _long_term = totals.defense_shares()
    assert {s.year: (s.pre_defense, s.pre_total, s.final_defense, s.final_total) for s in per_year} == {
        year: tuple(share.get(part, D(0)) for part in ((PRE_APPROVED, "defense"), PRE_APPROVED,
                                                        (FINAL_APPROVED, "defense"), FINAL_APPROVED))
        for year, share in shares.items()}


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
        action = rng.choice(("add", "add", "edit", "kind", "currency", "delete", "case_move", "case_class",
                             "decision_move", "meeting_date", "case_delete"))
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
            elif action == "currency" and decision:
                decision.currency, decision.exchange_rate = ("USD", None) if decision.currency == "NTD" \
                    else ("NTD", D("29.875"))
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


@pytest.mark.parametrize("damage", ["DELETE FROM agreement_credit", "UPDATE year_credit SET credits = credits + 1",
                                    "UPDATE meeting_credit SET decisions = decisions + 1",
                                    "UPDATE year_dimension_credit SET usd_credits = usd_credits + 0.01"])
def test_summary_rebuild_command_repairs_a_summary_damaged_outside_the_app(app, damage):
    from icp.scale import scale_load

    scale_load(cases=100, agreements=10, contractors=3, firms=20)
    db.session.execute(text(damage))
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


def _steering_page(viewer, year: int) -> dict:
    """The year view's steering table: per meeting date, (pre count, final count, every figure with its currency)."""
    page = viewer.get(f"/admin/totals/?year={year}").text
    return {row[0]: (_number(row[2]), _number(row[4]), row[3].split(), row[5].split(), row[6])
            for row in _cells(page, "steering-results")}


def test_year_view_follows_each_edit_of_a_decision_to_the_point(app, viewer):
    """Moving a decision to a meeting of another year, changing its kind, credits or currency, and deleting it:
    after each, the year view and every summary figure equal a direct sum over the decisions."""
    worked_check_build()
    _summary_matches_a_fresh_group_by()
    assert _steering_page(viewer, 2011)["100.09.08"] == (4, 3, ["223,250,000", "USD"],
                                                         ["199,162,419", "NTD", "13,926,904", "USD"], "")
    later = Meeting(kind=STEERING_MEETING, held_on=date(2012, 2, 9), title="101年第1次推動小組會議")
    db.session.add(later)
    db.session.commit()
    september = db.session.scalar(select(Meeting).where(Meeting.held_on == date(2011, 9, 8)))
    decision = db.session.scalars(select(CaseDecision).where(CaseDecision.meeting_id == september.id,
                                                             CaseDecision.kind == PRE_APPROVED)).first()

    decision.meeting = later  # moved to a meeting of the next year
    db.session.commit()
    _summary_matches_a_fresh_group_by()
    assert _steering_page(viewer, 2011)["100.09.08"][:3] == (3, 3, ["167,437,500", "USD"])
    assert _steering_page(viewer, 2012)["101.02.09"][:3] == (1, 0, ["55,812,500", "USD"])

    decision.kind = "再協商"  # no longer a pre-approval: counted among the other decisions, its credits kept apart
    db.session.commit()
    _summary_matches_a_fresh_group_by()
    assert _steering_page(viewer, 2012)["101.02.09"] == (0, 0, [], [], "再協商 1")

    decision.kind, decision.approved_value = PRE_APPROVED, D("1234567.89")  # credits = value × multiplier 1
    db.session.commit()
    _summary_matches_a_fresh_group_by()
    assert _steering_page(viewer, 2012)["101.02.09"][2] == ["1,234,567.89", "USD"]

    decision.currency, decision.exchange_rate = "NTD", D("30.5")
    db.session.commit()
    _summary_matches_a_fresh_group_by()
    assert _steering_page(viewer, 2012)["101.02.09"][2] == ["1,234,567.89", "NTD"]
    shares = {s.year: s for s in totals.defense_shares()[0]}
    assert shares[2012].pre_total == D("40477.64")  # 1,234,567.89 / 30.5, to the cent

    db.session.delete(decision)
    db.session.commit()
    _summary_matches_a_fresh_group_by()
    assert _steering_page(viewer, 2012)["101.02.09"] == (0, 0, [], [], "")
    assert db.session.scalar(select(func.count()).select_from(MeetingCredit)
                             .where(MeetingCredit.meeting_id == later.id)) == 0
    assert 2012 not in {s.year for s in totals.defense_shares()[0]}

    db.session.delete(later)  # a meeting without decisions leaves no rows behind
    db.session.commit()
    _summary_matches_a_fresh_group_by()


def test_credit_summary_equals_the_decisions_after_an_import_and_a_reimport(app, tmp_path):
    """The import writes new decisions below the ORM (creates_write) and updates through it, all under
    summary_defer: the commit's rebuild leaves every summary figure equal to the decisions."""
    import io

    from openpyxl import load_workbook

    from icp.importer import workbook_import
    from icp.interchange import workbook_export

    demo_load()
    out = io.BytesIO()
    workbook_export(out)
    db.session.remove()
    db.drop_all()
    db.create_all()
    first = tmp_path / "first.xlsx"
    first.write_bytes(out.getvalue())
    result = workbook_import(first)
    assert result.ok and result.written
    assert db.session.scalar(select(func.count()).select_from(MeetingCredit))
    _summary_matches_a_fresh_group_by()

    workbook = load_workbook(io.BytesIO(out.getvalue()))
    sheet = workbook["審議結果"]
    keys = [c.value for c in sheet[2]]
    rows = [r for r in sheet.iter_rows(min_row=3) if r[keys.index("kind")].value in (PRE_APPROVED, FINAL_APPROVED)]
    for row in rows[:3]:  # credits and currency changed: updates through the ORM
        row[keys.index("approved_value")].value = 7654321.5
        row[keys.index("currency")].value = "NTD"
        row[keys.index("exchange_rate")].value = 31.25
    second = tmp_path / "second.xlsx"
    workbook.save(second)
    result = workbook_import(second)
    assert result.ok and result.written and sum(c.updated for c in result.counts) == 3, result.problems
    _summary_matches_a_fresh_group_by()
