"""Credit totals kept ready for the totals pages: derived from the decision ledger, never edited by hand.

Each row is a SUM / COUNT of the decisions behind it (the pre-approved and finally approved ones; every kind
in meeting_credit); icp.summary keeps the rows exact in the transaction that changes a decision, a case or a
meeting (see icp.ledger), so a totals page reads a few thousand rows instead of every decision.
"""
from decimal import Decimal

from sqlalchemy import Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from icp.extensions import db
from models.base import MONEY

KEY = String(40)


class AgreementCredit(db.Model):
    """Per agreement, decision kind and currency: how many decisions and their credits (all years)."""

    __tablename__ = "agreement_credit"

    agreement_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(KEY, primary_key=True)
    currency: Mapped[str] = mapped_column(KEY, primary_key=True)
    decisions: Mapped[int]
    credits: Mapped[Decimal] = mapped_column(MONEY)


class YearCredit(db.Model):
    """Per decision year (its meeting's), kind, currency and the case's type, field and defense class."""

    __tablename__ = "year_credit"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(KEY, primary_key=True)
    currency: Mapped[str] = mapped_column(KEY, primary_key=True)
    case_type: Mapped[str] = mapped_column(KEY, primary_key=True)
    field: Mapped[str] = mapped_column(KEY, primary_key=True)
    defense_class: Mapped[str] = mapped_column(KEY, primary_key=True)
    decisions: Mapped[int]
    credits: Mapped[Decimal] = mapped_column(MONEY)
    # USD points: USD credits, plus NTD credits each divided by its decision's recorded rate (none: not counted)
    usd_credits: Mapped[Decimal] = mapped_column(Numeric(24, 6))


class YearDimensionCredit(db.Model):
    """`year_credit` summed over all but one of its dimensions: per decision year, kind, currency, dimension
    (case_type, field or defense_class) and that dimension's value. A few hundred rows per dimension, where
    year_credit has thousands: the defense shares and the totals by one dimension read these."""

    __tablename__ = "year_dimension_credit"

    dimension: Mapped[str] = mapped_column(KEY, primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(KEY, primary_key=True)
    currency: Mapped[str] = mapped_column(KEY, primary_key=True)
    value: Mapped[str] = mapped_column(KEY, primary_key=True)
    decisions: Mapped[int]
    credits: Mapped[Decimal] = mapped_column(MONEY)
    usd_credits: Mapped[Decimal] = mapped_column(Numeric(24, 6))


class MeetingCredit(db.Model):
    """Per meeting, decision kind and currency: how many decisions and their credits, for every kind (the
    推動小組會議審議結果 table counts rejections, renegotiations, closures … as well)."""

    __tablename__ = "meeting_credit"

    meeting_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(KEY, primary_key=True)
    currency: Mapped[str] = mapped_column(KEY, primary_key=True)
    decisions: Mapped[int]
    credits: Mapped[Decimal] = mapped_column(MONEY)
