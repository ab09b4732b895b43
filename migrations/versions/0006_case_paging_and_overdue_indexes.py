"""Indexes for the cases list's deep pages and the dashboard's overdue cases.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 23:55:00

"""
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

INDEXES = (
    ('ix_icp_case_number_id', 'icp_case', ['number', 'id']),
    ('ix_icp_case_planned_end_status', 'icp_case', ['planned_end', 'status']),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
