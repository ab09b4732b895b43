"""Indexes for the list screens' default sorts and filters, and a covering index for the totals.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 20:29:45.662493

"""
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

INDEXES = (
    ('ix_agreement_signed_on', 'agreement', ['signed_on']),
    ('ix_agreement_status_signed_on', 'agreement', ['status', 'signed_on']),
    ('ix_case_decision_kind_totals', 'case_decision', ['kind', 'case_id', 'currency', 'credits']),
    ('ix_domestic_firm_defense_name', 'domestic_firm', ['is_defense_supplier', 'name']),
    ('ix_domestic_firm_name', 'domestic_firm', ['name']),
    ('ix_domestic_firm_sector', 'domestic_firm', ['sector']),
    ('ix_icp_case_status_number', 'icp_case', ['status', 'number']),
    ('ix_icp_case_submitted_on', 'icp_case', ['submitted_on']),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
