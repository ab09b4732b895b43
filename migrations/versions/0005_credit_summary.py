"""Credit summary tables the totals pages read (agreement_credit, year_credit), filled from the decisions.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 22:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

CREDIT_KINDS = ('預核通過', '實核通過')


def upgrade():
    op.create_table(
        'agreement_credit',
        sa.Column('agreement_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('currency', sa.String(length=40), nullable=False),
        sa.Column('decisions', sa.Integer(), nullable=False),
        sa.Column('credits', sa.Numeric(precision=18, scale=2), nullable=False),
        sa.PrimaryKeyConstraint('agreement_id', 'kind', 'currency'),
    )
    op.create_table(
        'year_credit',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('currency', sa.String(length=40), nullable=False),
        sa.Column('case_type', sa.String(length=40), nullable=False),
        sa.Column('field', sa.String(length=40), nullable=False),
        sa.Column('defense_class', sa.String(length=40), nullable=False),
        sa.Column('decisions', sa.Integer(), nullable=False),
        sa.Column('credits', sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column('usd_credits', sa.Numeric(precision=24, scale=6), nullable=False),
        sa.PrimaryKeyConstraint('year', 'kind', 'currency', 'case_type', 'field', 'defense_class'),
    )
    _fill()


def _fill():
    """The same GROUP BYs as icp.summary.summary_rebuild, written against this revision's tables."""
    decision = sa.table('case_decision', sa.column('id'), sa.column('case_id'), sa.column('meeting_id'),
                        sa.column('kind'), sa.column('currency'), sa.column('credits'), sa.column('exchange_rate'))
    case = sa.table('icp_case', sa.column('id'), sa.column('agreement_id'), sa.column('case_type'), sa.column('field'),
                    sa.column('defense_class'))
    meeting = sa.table('meeting', sa.column('id'), sa.column('held_on', sa.Date()))
    agreement_credit = sa.table('agreement_credit', *(sa.column(c) for c in (
        'agreement_id', 'kind', 'currency', 'decisions', 'credits')))
    year_credit = sa.table('year_credit', *(sa.column(c) for c in (
        'year', 'kind', 'currency', 'case_type', 'field', 'defense_class', 'decisions', 'credits', 'usd_credits')))
    credit = decision.c.kind.in_(CREDIT_KINDS)
    op.execute(agreement_credit.insert().from_select(
        ['agreement_id', 'kind', 'currency', 'decisions', 'credits'],
        sa.select(case.c.agreement_id, decision.c.kind, decision.c.currency, sa.func.count(decision.c.id),
                  sa.func.sum(decision.c.credits))
        .select_from(decision.join(case, decision.c.case_id == case.c.id)).where(credit)
        .group_by(case.c.agreement_id, decision.c.kind, decision.c.currency)))
    year = sa.cast(sa.extract('year', meeting.c.held_on), sa.Integer)
    usd = sa.case((decision.c.currency == 'USD', decision.c.credits),
                  (decision.c.exchange_rate.isnot(None), decision.c.credits / decision.c.exchange_rate), else_=0)
    op.execute(year_credit.insert().from_select(
        ['year', 'kind', 'currency', 'case_type', 'field', 'defense_class', 'decisions', 'credits', 'usd_credits'],
        sa.select(year, decision.c.kind, decision.c.currency, case.c.case_type, case.c.field, case.c.defense_class,
                  sa.func.count(decision.c.id), sa.func.sum(decision.c.credits), sa.func.sum(usd))
        .select_from(decision.join(case, decision.c.case_id == case.c.id)
                     .join(meeting, decision.c.meeting_id == meeting.c.id)).where(credit)
        .group_by(year, decision.c.kind, decision.c.currency, case.c.case_type, case.c.field, case.c.defense_class)))


def downgrade():
    op.drop_table('year_credit')
    op.drop_table('agreement_credit')
