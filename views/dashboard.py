"""The landing page after login: the year's key figures, charts drawn as SVG on the server, overdue lists."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_admin import AdminIndexView, expose

from icp import dashboard, totals
from icp.roc import roc_year
from views.base import SecureMixin
from views.totals import ledger_url, money, year_selected, years_available

CHART_WIDTH, CHART_HEIGHT, CHART_LEFT, CHART_BOTTOM = 640, 260, 90, 40


@dataclass
class Bar:
    x: float
    width: float
    defense_y: float
    defense_h: float
    industry_y: float
    industry_h: float
    target_y: float | None
    label: str
    defense: Decimal
    industry: Decimal
    target_pct: Decimal | None


def year_bars(rows: list[dashboard.YearBar]) -> tuple[list[Bar], list[tuple[float, str]]]:
    """Stacked bars (defense below, industry above) scaled to the largest year, a target mark on each, and
    the y-axis ticks. Pure geometry, so the template only draws."""
    plot_h = CHART_HEIGHT - CHART_BOTTOM - 10
    top = max((r.defense + r.industry for r in rows), default=Decimal(0)) or Decimal(1)
    slot = (CHART_WIDTH - CHART_LEFT - 10) / max(len(rows), 1)
    bars = []
    for i, row in enumerate(rows):
        total = row.defense + row.industry
        defense_h = float(row.defense / top) * plot_h
        industry_h = float(row.industry / top) * plot_h
        base = CHART_HEIGHT - CHART_BOTTOM
        target_y = base - float(total * row.target_pct / 100 / top) * plot_h if row.target_pct is not None and total \
            else None
        bars.append(Bar(x=CHART_LEFT + i * slot + slot * 0.2, width=slot * 0.6, defense_y=base - defense_h,
                        defense_h=defense_h, industry_y=base - defense_h - industry_h, industry_h=industry_h,
                        target_y=target_y, label=str(roc_year(row.year)), defense=row.defense, industry=row.industry,
                        target_pct=row.target_pct))
    ticks = [(CHART_HEIGHT - CHART_BOTTOM - plot_h * k / 4, money(top * k / 4 / 1_000_000)) for k in range(5)]
    return bars, ticks


class DashboardView(SecureMixin, AdminIndexView):
    @expose("/")
    def index(self):
        year = year_selected()
        bars, ticks = year_bars(dashboard.credits_by_year_chart())
        by_type = [row for row in totals.credits_by("case_type", year=year) if row.currency == "USD"]
        largest = max((row.pre + row.final for row in by_type), default=Decimal(0)) or Decimal(1)
        return self.render("admin/home.html", year=year, years=years_available(), roc_year=roc_year, money=money,
                           ledger_url=ledger_url, figures=dashboard.key_figures(year), bars=bars, ticks=ticks,
                           chart=dict(width=CHART_WIDTH, height=CHART_HEIGHT, left=CHART_LEFT, bottom=CHART_BOTTOM),
                           by_type=by_type, by_type_max=largest,
                           closest=totals.agreement_totals(order="deadline", limit=10),
                           overdue=dashboard.overdue_lists(date.today()))
