"""Credit summary per meeting (meeting_credit, every decision kind) and per year and one dimension
(year_dimension_credit), filled from the decisions and from year_credit; a covering index for the obligation
totals.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 04:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

YEAR_DIMENSIONS = ('case_type', 'field', 'defense_class')


def upgrade():
    op.create_table(
        'meeting_credit',
        sa.Column('meeting_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('currency', sa.String(length=40), nullable=False),
        sa.Column('decisions', sa.Integer(), nullable=False),
        sa.Column('credits', sa.Numeric(precision=18, scale=2), nullable=False),
        sa.PrimaryKeyConstraint('meeting_id', 'kind', 'currency'),
    )
    op.create_table(
        'year_dimension_credit',
        sa.Column('dimension', sa.String(length=40), nullable=False),
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('currency', sa.String(length=40), nullable=False),
        sa.Column('value', sa.String(length=40), nullable=False),
        sa.Column('decisions', sa.Integer(), nullable=False),
        sa.Column('credits', sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column('usd_credits', sa.Numeric(precision=24, scale=6), nullable=False),
        sa.PrimaryKeyConstraint('dimension', 'year', 'kind', 'currency', 'value'),
    )
    _fill()
    op.create_index('ix_agreement_currency_obligation', 'agreement', ['obligation_currency', 'obligation'],
                    unique=False)


def _fill():
    """The same GROUP BYs as icp.summary.summary_rebuild, written against this revision's tables."""
    decision = sa.table('case_decision', sa.column('id'), sa.column('meeting_id'), sa.column('kind'),
                        sa.column('currency'), sa.column('credits'))
    year_credit = sa.table('year_credit', *(sa.column(c) for c in (
        'year', 'kind', 'currency', 'case_type', 'field', 'defense_class', 'decisions', 'credits', 'usd_credits')))
    meeting_credit = sa.table('meeting_credit', *(sa.column(c) for c in (
        'meeting_id', 'kind', 'currency', 'decisions', 'credits')))
    year_dimension_credit = sa.table('year_dimension_credit', *(sa.column(c) for c in (
        'year', 'kind', 'currency', 'dimension', 'value', 'decisions', 'credits', 'usd_credits')))
    op.execute(meeting_credit.insert().from_select(
        ['meeting_id', 'kind', 'currency', 'decisions', 'credits'],
        sa.select(decision.c.meeting_id, decision.c.kind, decision.c.currency, sa.func.count(decision.c.id),
                  _sum(decision.c.credits))
        .group_by(decision.c.meeting_id, decision.c.kind, decision.c.currency)))
    for dimension in YEAR_DIMENSIONS:
        keys = [year_credit.c.year, year_credit.c.kind, year_credit.c.currency, year_credit.c[dimension]]
        op.execute(year_dimension_credit.insert().from_select(
            ['year', 'kind', 'currency', 'dimension', 'value', 'decisions', 'credits', 'usd_credits'],
            sa.select(*keys[:3], sa.literal(dimension), keys[3], sa.func.sum(year_credit.c.decisions),
                      _sum(year_credit.c.credits), _sum(year_credit.c.usd_credits))
            .group_by(*keys)))


def _sum(column):
    """icp.credits.money_sum as of this revision: each term rounded to the cent and added up exactly (on SQLite,
    which keeps NUMERIC values as binary floats, as whole cents in integers)."""
    if op.get_bind().dialect.name == 'sqlite':
        return sa.func.sum(sa.cast(sa.func.round(column * 100), sa.Integer)) / sa.literal(100.0)
    return sa.func.sum(sa.func.round(column, 2))


def downgrade():
    op.drop_index('ix_agreement_currency_obligation', table_name='agreement')
    op.drop_table('year_dimension_credit')
    op.drop_table('meeting_credit')
