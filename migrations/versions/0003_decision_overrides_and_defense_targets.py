"""Admin override reasons on decisions, and the defense-share policy targets (seeded from policy).

Targets: 34 % for 2011, 50 % by 2015 (行政院 98年9月1日 核定), 60 % long-term; admins edit them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 19:49:14.187731

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('defense_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('target_pct', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('long_term', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('target_pct IS NULL OR (target_pct >= 0 AND target_pct <= 100)', name=op.f('ck_defense_target_target_pct_range')),
    sa.CheckConstraint('year IS NULL OR (year >= 1980 AND year <= 2200)', name=op.f('ck_defense_target_year_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_defense_target')),
    sa.UniqueConstraint('year', name=op.f('uq_defense_target_year'))
    )
    with op.batch_alter_table('case_decision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('override_reason', sa.Text(), nullable=True))

    targets = sa.table('defense_target', sa.column('year', sa.Integer), sa.column('target_pct', sa.Numeric),
                       sa.column('long_term', sa.Boolean), sa.column('note', sa.Text),
                       sa.column('version_id', sa.Integer))
    op.bulk_insert(targets, [
        {'year': 2011, 'target_pct': 34, 'long_term': False, 'note': '100年倍增國防工合執行比率至34%', 'version_id': 1},
        {'year': 2015, 'target_pct': 50, 'long_term': False, 'note': '104年國防工合額度占有率50%', 'version_id': 1},
        {'year': 2016, 'target_pct': 60, 'long_term': True, 'note': '長期目標60%', 'version_id': 1},
    ])



def downgrade():
    with op.batch_alter_table('case_decision', schema=None) as batch_op:
        batch_op.drop_column('override_reason')

    op.drop_table('defense_target')
