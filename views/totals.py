"""Totals views (read-only, every role): each figure comes from a GROUP BY and links to its records."""
from datetime import date
from decimal import Decimal
from functools import lru_cache
from urllib.parse import quote_plus

from flask import abort, g, request, session, url_for
from flask_admin import BaseView, expose
from flask_admin.contrib.sqla.filters import EnumEqualFilter
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import func, select

from icp import totals
from icp.credits import FINAL_APPROVED, PRE_APPROVED
from icp.extensions import db
from icp.roc import roc_date_table, roc_year
from models import Meeting
from views.base import SecureMixin, YearFilter
from views.records import CaseDecisionView

YEAR_KEY = "year"
DIMENSION_LABELS = {
    "contractor": _l("國外承商"), "agency": _l("採購/建案單位"), "year": _l("審議年度"), "case_type": _l("執行方式"),
    "field": _l("應用領域"), "defense_class": _l("國防/產業類別"), "currency": _l("幣別"),
}
# how a grouped row's key filters the ledger list
DIMENSION_FILTERS = {"contractor": "contractor", "agency": "agency", "year": "year", "case_type": "case_type",
                     "field": "field", "defense_class": "defense_class", "currency": "currency"}


def year_selected() -> int:
    """The year the office is looking at: from ?year=, else remembered in the session, else the latest."""
    asked = request.args.get(YEAR_KEY, "")
    if asked.isdigit() and 1980 <= int(asked) <= 2200:
        session[YEAR_KEY] = int(asked)
    if YEAR_KEY in session:
        return session[YEAR_KEY]
    latest = db.session.scalar(select(func.max(Meeting.held_on)))
    return latest.year if latest else date.today().year


def years_available() -> list[tuple[int, str]]:
    """The years the year menu offers, newest first, each with its label."""
    first = db.session.scalar(select(func.min(Meeting.held_on)))
    last = max(date.today().year, year_selected())
    return year_labels(range(last, (first.year if first else last) - 1, -1))


def year_labels(years) -> list[tuple[int, str]]:
    """Each year with its label (民國100年（2011）), the label's pattern translated once for all of them: the
    year menu lists every year since the first meeting on every page that has one."""
    pattern = _("民國%(roc)s年（%(year)s）")  # given no values, gettext returns the translated pattern itself
    return [(year, pattern % {"roc": roc_year(year), "year": year}) for year in years]


def money(value) -> str:
    if value is None:
        return ""
    value = Decimal(value)
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def ledger_url(**criteria) -> str:
    """The decision list filtered to exactly the records behind a figure."""
    ledger = getattr(g, "ledger", None)
    if ledger is None:  # a totals page links thousands of figures: look the list up once per request
        ledger = g.ledger = (url_for("decision.index_view"), _ledger_filters())
    base, filters = ledger
    return base + "?" + "&".join(f"flt{position}_{filters[name]}={_quoted(str(value))}"
                                 for position, (name, value) in enumerate(criteria.items()))


@lru_cache(maxsize=4096)
def _quoted(value: str) -> str:
    """quote_plus, remembered: the same kinds, currencies and years recur on every row of a totals page."""
    return quote_plus(value)


def _ledger_filters() -> dict[str, int]:
    """Filter name → its index among the decision list's filters (Flask-Admin numbers them)."""
    from flask import current_app

    view = next(v for v in current_app.extensions["admin"][-1]._views if isinstance(v, CaseDecisionView))
    found = {}
    for index, flt in enumerate(view._filters):
        if isinstance(flt, EnumEqualFilter):
            found.setdefault(flt.column.key, index)
        elif isinstance(flt, YearFilter) and not flt.roc:
            found.setdefault("year", index)
    for name in ("agreement", "contractor", "agency", "meeting"):
        found[name] = view._filters.index(getattr(CaseDecisionView, f"FILTER_{name.upper()}"))
    return found


def agreement_cells(rows: list[totals.AgreementTotal]) -> list[tuple]:
    """The agreements table's cells as text and links, made here: with one row per agreement (thousands),
    the template's own calls per cell cost more than the query."""
    details = url_for("agreement.details_view") + "?id="
    return [(details + str(row.id), row.number, row.contractor, f"{money(row.obligation)} {row.currency}",
             ledger_url(agreement=row.number, kind=PRE_APPROVED, currency=row.currency), money(row.pre),
             ledger_url(agreement=row.number, kind=FINAL_APPROVED, currency=row.currency), money(row.final),
             money(row.remaining), f"{row.done_pct if row.done_pct is not None else '—'}%", roc_date_table(row.deadline))
            for row in rows]


def steering_cells(meetings: list[totals.MeetingResult]) -> list[tuple]:
    """The steering-results table's cells as text and links, made here for the same reason as agreement_cells:
    a dozen links per meeting cost more as template calls than the query behind them."""
    rows = []
    for m in meetings:
        figures = {PRE_APPROVED: [], FINAL_APPROVED: []}
        for (kind, currency), credits in m.credits.items():
            if kind in figures:
                figures[kind].append((currency, ledger_url(meeting=m.id, kind=kind, currency=currency), money(credits)))
        others = [(ledger_url(meeting=m.id, kind=kind), kind, count) for kind, count in m.counts.items()
                  if kind not in figures]
        rows.append((roc_date_table(m.held_on), m.title,
                     ledger_url(meeting=m.id, kind=PRE_APPROVED), m.counts.get(PRE_APPROVED, 0), figures[PRE_APPROVED],
                     ledger_url(meeting=m.id, kind=FINAL_APPROVED), m.counts.get(FINAL_APPROVED, 0),
                     figures[FINAL_APPROVED], others, roc_date_table(m.minutes_approved_on),
                     roc_date_table(m.db_updated_on)))
    return rows


def _percent(value) -> str:
    return "—" if value is None else f"{value}%"


def share_cells(shares: list[totals.DefenseShare], year: int) -> list[tuple]:
    """The defense-share table's rows as text (as steering_cells): whether it is the year shown, the year, then
    defense／all and the share, pre-approved and final, and the target."""
    labels = dict(year_labels(s.year for s in shares))
    return [(s.year == year, labels[s.year], money(s.pre_defense), money(s.pre_total), _percent(s.pre_pct),
             money(s.final_defense), money(s.final_total), _percent(s.final_pct), _percent(s.target_pct))
            for s in shares]


def type_cells(by_type: list[tuple]) -> list[tuple]:
    """Program to date by case type as text and links (as steering_cells)."""
    return [(label, ledger_url(case_type=label, kind=FINAL_APPROVED, currency=currency), money(credits), currency,
             f"{pct}%") for label, currency, credits, pct in by_type]


class TotalsView(SecureMixin, BaseView):
    def render(self, template, **kwargs):
        kwargs.setdefault("year", year_selected())
        return super().render(template, years=years_available(), roc_year=roc_year, money=money,
                              ledger_url=ledger_url, PRE=PRE_APPROVED, FINAL=FINAL_APPROVED,
                              dimensions=DIMENSION_LABELS, **kwargs)

    @expose("/")
    def index(self):
        year = year_selected()
        shares, to_date, long_term = totals.defense_shares()
        program = totals.program_to_date()
        return self.render("admin/totals/index.html", meetings=steering_cells(totals.steering_results(year)),
                           shares=share_cells(shares, year), to_date=to_date, long_term=long_term, program=program,
                           by_type=type_cells(program.by_type))

    @expose("/agreements/")
    def agreements(self):
        return self.render("admin/totals/agreements.html", rows=agreement_cells(totals.agreement_totals()))

    @expose("/by/<dimension>/")
    def by(self, dimension: str):
        if dimension not in DIMENSION_LABELS:
            abort(404)
        scope = request.args.get("scope", "year")
        rows = totals.credits_by(dimension, year=year_selected() if scope == "year" else None)
        return self.render("admin/totals/by.html", dimension=dimension, rows=rows, scope=scope,
                           filter_name=DIMENSION_FILTERS[dimension])
