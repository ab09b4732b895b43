"""Initial schema: every entity of domain.md §2 with its database-level rules.

Reviewed by hand: NOT NULL and UNIQUE natural keys (agreement number, case number, 統一編號,
meeting kind + date, …), CHECK constraints for ranges (values ≥ 0, multiplier > 0, score 0–100,
end ≥ start) and closed vocabularies (stored as text with a CHECK, the same on SQLite and
PostgreSQL), named by the naming convention in icp/extensions.py, and the four link tables.

Revision ID: 0001
Revises: 
Create Date: 2026-11-26 19:30:00.090983

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agency',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('parent', sa.String(length=200), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency')),
    sa.UniqueConstraint('name', name=op.f('uq_agency_name'))
    )
    op.create_table('annual_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('work_item', sa.String(length=100), nullable=False),
    sa.Column('kpi', sa.String(length=300), nullable=False),
    sa.Column('target_value', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('actual_source', sa.String(length=50), nullable=True),
    sa.Column('manual_actual', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('target_value IS NULL OR (target_value >= 0)', name=op.f('ck_annual_target_target_value_nonneg')),
    sa.CheckConstraint('year IS NULL OR (year >= 1980 AND year <= 2200)', name=op.f('ck_annual_target_year_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_target')),
    sa.UniqueConstraint('year', 'kpi', name=op.f('uq_annual_target_year_kpi'))
    )
    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=50), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=True),
    sa.Column('role', sa.Enum('admin', 'editor', 'viewer', name='user_role', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('username', name=op.f('uq_app_user_username'))
    )
    op.create_table('budget_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('item', sa.Enum('委辦費', '補助款', '代管補助款', '自籌款', '補助計畫自籌款', name='budget_item', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('contracted', sa.Numeric(precision=14, scale=3), nullable=False),
    sa.Column('reported', sa.Numeric(precision=14, scale=3), nullable=False),
    sa.Column('returned', sa.Numeric(precision=14, scale=3), nullable=False),
    sa.Column('retained', sa.Numeric(precision=14, scale=3), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('contracted IS NULL OR (contracted >= 0)', name=op.f('ck_budget_line_contracted_nonneg')),
    sa.CheckConstraint('reported IS NULL OR (reported >= 0)', name=op.f('ck_budget_line_reported_nonneg')),
    sa.CheckConstraint('retained IS NULL OR (retained >= 0)', name=op.f('ck_budget_line_retained_nonneg')),
    sa.CheckConstraint('returned IS NULL OR (returned >= 0)', name=op.f('ck_budget_line_returned_nonneg')),
    sa.CheckConstraint('year IS NULL OR (year >= 1980 AND year <= 2200)', name=op.f('ck_budget_line_year_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_line')),
    sa.UniqueConstraint('year', 'item', name=op.f('uq_budget_line_year_item'))
    )
    op.create_table('contractor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('parent_group', sa.String(length=200), nullable=True),
    sa.Column('contact_person', sa.String(length=100), nullable=True),
    sa.Column('contact_email', sa.String(length=200), nullable=True),
    sa.Column('contact_phone', sa.String(length=50), nullable=True),
    sa.Column('has_bad_record', sa.Boolean(), nullable=False),
    sa.Column('bad_record_note', sa.Text(), nullable=True),
    sa.Column('capability_notes', sa.Text(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contractor')),
    sa.UniqueConstraint('name_zh', name=op.f('uq_contractor_name_zh'))
    )
    op.create_table('domestic_firm',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('ubn', sa.String(length=8), nullable=False),
    sa.Column('sector', sa.String(length=100), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('contact_person', sa.String(length=100), nullable=True),
    sa.Column('contact_phone', sa.String(length=50), nullable=True),
    sa.Column('contact_email', sa.String(length=200), nullable=True),
    sa.Column('paid_in_capital', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('employees', sa.Integer(), nullable=True),
    sa.Column('is_defense_supplier', sa.Boolean(), nullable=False),
    sa.Column('in_capability_db', sa.Boolean(), nullable=False),
    sa.Column('capability_category', sa.Enum('航空', '船舶', '車輛', '電子', '通信', '其他', name='capability_category', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('capability_db_added_on', sa.Date(), nullable=True),
    sa.Column('capability_notes', sa.Text(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('employees IS NULL OR (employees >= 0)', name=op.f('ck_domestic_firm_employees_nonneg')),
    sa.CheckConstraint('paid_in_capital IS NULL OR (paid_in_capital >= 0)', name=op.f('ck_domestic_firm_paid_in_capital_nonneg')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_domestic_firm')),
    sa.UniqueConstraint('ubn', name=op.f('uq_domestic_firm_ubn'))
    )
    op.create_table('expert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('affiliation', sa.String(length=200), nullable=False),
    sa.Column('field', sa.String(length=100), nullable=True),
    sa.Column('kind', sa.Enum('產業', '國防', '學界', name='expert_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert')),
    sa.UniqueConstraint('name', 'affiliation', name=op.f('uq_expert_name_affiliation'))
    )
    op.create_table('fee_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rate_pct', sa.Numeric(precision=8, scale=3), nullable=False),
    sa.Column('defense_reduction_pct', sa.Numeric(precision=8, scale=3), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('defense_reduction_pct IS NULL OR (defense_reduction_pct >= 0 AND defense_reduction_pct <= 100)', name=op.f('ck_fee_rule_defense_reduction_pct_range')),
    sa.CheckConstraint('effective_to IS NULL OR effective_from IS NULL OR effective_to >= effective_from', name=op.f('ck_fee_rule_effective_to_not_before_effective_from')),
    sa.CheckConstraint('rate_pct IS NULL OR (rate_pct >= 0 AND rate_pct <= 100)', name=op.f('ck_fee_rule_rate_pct_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_rule'))
    )
    op.create_table('meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('工業合作政策指導會議', '工業合作推動小組會議', '產業分組委員會議', '需求項目審查會議', '軍公民營工業配合發展會報', '協商談判會議', '評估委員先期研討會', '其他', name='meeting_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=True),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('chair', sa.String(length=100), nullable=True),
    sa.Column('minutes_approved_on', sa.Date(), nullable=True),
    sa.Column('db_updated_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('db_updated_on IS NULL OR held_on IS NULL OR db_updated_on >= held_on', name=op.f('ck_meeting_db_updated_on_not_before_held_on')),
    sa.CheckConstraint('minutes_approved_on IS NULL OR held_on IS NULL OR minutes_approved_on >= held_on', name=op.f('ck_meeting_minutes_approved_on_not_before_held_on')),
    sa.CheckConstraint('sequence IS NULL OR (sequence >= 1)', name=op.f('ck_meeting_sequence_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting')),
    sa.UniqueConstraint('kind', 'held_on', name=op.f('uq_meeting_kind_held_on'))
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_kind'), ['kind'], unique=False)

    op.create_table('multiplier_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_type', sa.Enum('國內投資', '技術移轉', '採購國內產品', '研究發展', '人員訓練', '國際行銷及貿易推廣協助', '國際認證', '聯合承攬', name='case_type', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('defense_class', sa.Enum('直接國防工合', '間接國防工合', '產業工合', name='defense_class', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('min_multiplier', sa.Numeric(precision=8, scale=3), nullable=False),
    sa.Column('max_multiplier', sa.Numeric(precision=8, scale=3), nullable=False),
    sa.Column('cap', sa.Numeric(precision=8, scale=3), nullable=True),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('cap IS NULL OR (cap > 0)', name=op.f('ck_multiplier_rule_cap_range')),
    sa.CheckConstraint('effective_to IS NULL OR effective_from IS NULL OR effective_to >= effective_from', name=op.f('ck_multiplier_rule_effective_to_not_before_effective_from')),
    sa.CheckConstraint('max_multiplier IS NULL OR min_multiplier IS NULL OR max_multiplier >= min_multiplier', name=op.f('ck_multiplier_rule_max_multiplier_not_before_min_multiplier')),
    sa.CheckConstraint('min_multiplier IS NULL OR (min_multiplier > 0)', name=op.f('ck_multiplier_rule_min_multiplier_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_multiplier_rule'))
    )
    op.create_table('overseas_trip',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_name', sa.String(length=300), nullable=False),
    sa.Column('topic', sa.String(length=300), nullable=False),
    sa.Column('obtained_on', sa.Date(), nullable=False),
    sa.Column('retention_period', sa.String(length=50), nullable=True),
    sa.Column('storage_place', sa.String(length=200), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_overseas_trip'))
    )
    op.create_table('plan_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('work_item', sa.String(length=200), nullable=False),
    sa.Column('difference', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('effect', sa.Text(), nullable=True),
    sa.Column('approval_document', sa.String(length=200), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('year IS NULL OR (year >= 1980 AND year <= 2200)', name=op.f('ck_plan_change_year_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_change'))
    )
    op.create_table('publication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('電子報', '中文簡介', '英文簡介', '成果彙編', '網站公告/更新', name='publication_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('copies', sa.Integer(), nullable=True),
    sa.Column('recipients', sa.Text(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('copies IS NULL OR (copies >= 0)', name=op.f('ck_publication_copies_nonneg')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publication'))
    )
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publication_kind'), ['kind'], unique=False)

    op.create_table('training_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('audience', sa.Enum('國軍幹部', '國防工業廠商', '政府採購單位', '工作人員', '其他', name='training_audience', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('organiser', sa.String(length=200), nullable=True),
    sa.Column('trainees', sa.Integer(), nullable=False),
    sa.Column('hours', sa.Numeric(precision=6, scale=1), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on', name=op.f('ck_training_session_ends_on_not_before_starts_on')),
    sa.CheckConstraint('hours IS NULL OR (hours >= 0)', name=op.f('ck_training_session_hours_nonneg')),
    sa.CheckConstraint('trainees IS NULL OR (trainees >= 0)', name=op.f('ck_training_session_trainees_nonneg')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_session'))
    )
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_session_audience'), ['audience'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_type', sa.String(length=50), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('size IS NULL OR (size >= 0)', name=op.f('ck_attachment_size_nonneg')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['app_user.id'], name=op.f('fk_attachment_uploaded_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_sha256'), ['sha256'], unique=False)

    op.create_table('award',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_year', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('團體獎', '個人獎', name='award_category', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=True),
    sa.Column('contractor_id', sa.Integer(), nullable=True),
    sa.Column('person', sa.String(length=100), nullable=True),
    sa.Column('prize_ntd', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('ceremony_on', sa.Date(), nullable=True),
    sa.Column('citation', sa.Text(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('(CASE WHEN firm_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN contractor_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN person IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_award_one_recipient')),
    sa.CheckConstraint('prize_ntd IS NULL OR (prize_ntd >= 0)', name=op.f('ck_award_prize_ntd_nonneg')),
    sa.CheckConstraint('rank IS NULL OR (rank >= 1)', name=op.f('ck_award_rank_range')),
    sa.CheckConstraint('round_year IS NULL OR (round_year >= 1980 AND round_year <= 2200)', name=op.f('ck_award_round_year_range')),
    sa.ForeignKeyConstraint(['contractor_id'], ['contractor.id'], name=op.f('fk_award_contractor_id_contractor')),
    sa.ForeignKeyConstraint(['firm_id'], ['domestic_firm.id'], name=op.f('fk_award_firm_id_domestic_firm')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award')),
    sa.UniqueConstraint('round_year', 'category', 'rank', name=op.f('uq_award_round_year_category_rank'))
    )
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_contractor_id'), ['contractor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_award_firm_id'), ['firm_id'], unique=False)

    op.create_table('demand_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('proposing_unit', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('industry', sa.Enum('國防', '航太', '軌道運輸', '能源', '3C/資通電', '生技醫藥', '綠能環保', '民生化工', '其他', name='application_field', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('need', sa.Enum('國防需求', '產業需求', name='need_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('score', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('tier', sa.Enum('優先項目', '一般項目', '不納入', name='demand_tier', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('first_review_meeting_id', sa.Integer(), nullable=True),
    sa.Column('second_review_meeting_id', sa.Integer(), nullable=True),
    sa.Column('second_review_passed', sa.Boolean(), nullable=True),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('初審中', '保留', '複審通過', '複審未通過', '不納入', name='demand_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('quarter IS NULL OR (quarter >= 1 AND quarter <= 4)', name=op.f('ck_demand_item_quarter_range')),
    sa.CheckConstraint('score IS NULL OR (score >= 0 AND score <= 100)', name=op.f('ck_demand_item_score_range')),
    sa.CheckConstraint('year IS NULL OR (year >= 1980 AND year <= 2200)', name=op.f('ck_demand_item_year_range')),
    sa.ForeignKeyConstraint(['first_review_meeting_id'], ['meeting.id'], name=op.f('fk_demand_item_first_review_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['second_review_meeting_id'], ['meeting.id'], name=op.f('fk_demand_item_second_review_meeting_id_meeting')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demand_item'))
    )
    with op.batch_alter_table('demand_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demand_item_first_review_meeting_id'), ['first_review_meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_demand_item_second_review_meeting_id'), ['second_review_meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_demand_item_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_demand_item_tier'), ['tier'], unique=False)

    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('宣導說明會', '招商說明會/技術移轉說明會', '研討會/座談會', '表揚大會', '參訪', '技術能量調查', name='event_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('contractor_id', sa.Integer(), nullable=True),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('attendees', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('attendees IS NULL OR (attendees >= 0)', name=op.f('ck_event_attendees_nonneg')),
    sa.CheckConstraint('ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on', name=op.f('ck_event_ends_on_not_before_starts_on')),
    sa.ForeignKeyConstraint(['contractor_id'], ['contractor.id'], name=op.f('fk_event_contractor_id_contractor')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event'))
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_contractor_id'), ['contractor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_kind'), ['kind'], unique=False)

    op.create_table('meeting_expert',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['expert_id'], ['expert.id'], name=op.f('fk_meeting_expert_expert_id_expert'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_expert_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'expert_id', name=op.f('pk_meeting_expert'))
    )
    op.create_table('procurement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('contract_value', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('currency', sa.Enum('USD', 'NTD', 'EUR', 'JPY', 'GBP', name='contract_currency', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('icp_spec_notes', sa.Text(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('contract_value IS NULL OR (contract_value >= 0)', name=op.f('ck_procurement_contract_value_nonneg')),
    sa.CheckConstraint('year IS NULL OR (year >= 1980 AND year <= 2200)', name=op.f('ck_procurement_year_range')),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_procurement_agency_id_agency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procurement'))
    )
    with op.batch_alter_table('procurement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procurement_agency_id'), ['agency_id'], unique=False)

    op.create_table('agreement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=50), nullable=False),
    sa.Column('procurement_id', sa.Integer(), nullable=True),
    sa.Column('contractor_id', sa.Integer(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('obligation', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('obligation_currency', sa.Enum('USD', 'NTD', name='credit_currency', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('defense_share_pct', sa.Numeric(precision=8, scale=3), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('extended_deadline', sa.Date(), nullable=True),
    sa.Column('extension_note', sa.Text(), nullable=True),
    sa.Column('bond_amount', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('bond_expires_on', sa.Date(), nullable=True),
    sa.Column('penalty_rate', sa.Numeric(precision=8, scale=3), nullable=True),
    sa.Column('penalty_max', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('status', sa.Enum('洽談中', '已簽署', '執行中', '展延', '完成', '違約', '終止', name='agreement_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('bond_amount IS NULL OR (bond_amount >= 0)', name=op.f('ck_agreement_bond_amount_nonneg')),
    sa.CheckConstraint('deadline IS NULL OR signed_on IS NULL OR deadline >= signed_on', name=op.f('ck_agreement_deadline_not_before_signed_on')),
    sa.CheckConstraint('defense_share_pct IS NULL OR (defense_share_pct >= 0 AND defense_share_pct <= 100)', name=op.f('ck_agreement_defense_share_pct_range')),
    sa.CheckConstraint('extended_deadline IS NULL OR deadline IS NULL OR extended_deadline >= deadline', name=op.f('ck_agreement_extended_deadline_not_before_deadline')),
    sa.CheckConstraint('obligation IS NULL OR (obligation >= 0)', name=op.f('ck_agreement_obligation_nonneg')),
    sa.CheckConstraint('penalty_max IS NULL OR (penalty_max >= 0)', name=op.f('ck_agreement_penalty_max_nonneg')),
    sa.CheckConstraint('penalty_rate IS NULL OR (penalty_rate >= 0)', name=op.f('ck_agreement_penalty_rate_nonneg')),
    sa.ForeignKeyConstraint(['contractor_id'], ['contractor.id'], name=op.f('fk_agreement_contractor_id_contractor')),
    sa.ForeignKeyConstraint(['procurement_id'], ['procurement.id'], name=op.f('fk_agreement_procurement_id_procurement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement')),
    sa.UniqueConstraint('number', name=op.f('uq_agreement_number'))
    )
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_contractor_id'), ['contractor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreement_procurement_id'), ['procurement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreement_status'), ['status'], unique=False)

    op.create_table('event_firm',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_firm_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['firm_id'], ['domestic_firm.id'], name=op.f('fk_event_firm_firm_id_domestic_firm'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'firm_id', name=op.f('pk_event_firm'))
    )
    op.create_table('icp_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=50), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('case_type', sa.Enum('國內投資', '技術移轉', '採購國內產品', '研究發展', '人員訓練', '國際行銷及貿易推廣協助', '國際認證', '聯合承攬', name='case_type', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('field', sa.Enum('國防', '航太', '軌道運輸', '能源', '3C/資通電', '生技醫藥', '綠能環保', '民生化工', '其他', name='application_field', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('defense_class', sa.Enum('直接國防工合', '間接國防工合', '產業工合', name='defense_class', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('actual_value', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('currency', sa.Enum('USD', 'NTD', name='credit_currency', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('multiplier', sa.Numeric(precision=8, scale=3), nullable=False),
    sa.Column('credit', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=True),
    sa.Column('planned_start', sa.Date(), nullable=True),
    sa.Column('planned_end', sa.Date(), nullable=True),
    sa.Column('technologies', sa.Integer(), nullable=False),
    sa.Column('estimated_output_usd', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('derived_benefit_ntd', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('induced_investment_ntd', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('status', sa.Enum('申請中', '預核通過', '預核駁回', '再協商', '實核通過', '備查', '結案', '展延', '撤案', '額度留存', name='case_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('check_forms_complete', sa.Boolean(), nullable=False),
    sa.Column('check_forms_note', sa.String(length=300), nullable=True),
    sa.Column('check_fee_pledge', sa.Boolean(), nullable=False),
    sa.Column('check_fee_pledge_note', sa.String(length=300), nullable=True),
    sa.Column('check_export_pledge', sa.Boolean(), nullable=False),
    sa.Column('check_export_pledge_note', sa.String(length=300), nullable=True),
    sa.Column('check_no_bad_record', sa.Boolean(), nullable=False),
    sa.Column('check_no_bad_record_note', sa.String(length=300), nullable=True),
    sa.Column('check_matches_plan', sa.Boolean(), nullable=False),
    sa.Column('check_matches_plan_note', sa.String(length=300), nullable=True),
    sa.Column('check_within_credit', sa.Boolean(), nullable=False),
    sa.Column('check_within_credit_note', sa.String(length=300), nullable=True),
    sa.Column('check_briefing_held', sa.Boolean(), nullable=False),
    sa.Column('check_briefing_held_note', sa.String(length=300), nullable=True),
    sa.Column('check_open_selection', sa.Boolean(), nullable=False),
    sa.Column('check_open_selection_note', sa.String(length=300), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('actual_value IS NULL OR (actual_value >= 0)', name=op.f('ck_icp_case_actual_value_nonneg')),
    sa.CheckConstraint('credit IS NULL OR (credit >= 0)', name=op.f('ck_icp_case_credit_nonneg')),
    sa.CheckConstraint('derived_benefit_ntd IS NULL OR (derived_benefit_ntd >= 0)', name=op.f('ck_icp_case_derived_benefit_ntd_nonneg')),
    sa.CheckConstraint('estimated_output_usd IS NULL OR (estimated_output_usd >= 0)', name=op.f('ck_icp_case_estimated_output_usd_nonneg')),
    sa.CheckConstraint('induced_investment_ntd IS NULL OR (induced_investment_ntd >= 0)', name=op.f('ck_icp_case_induced_investment_ntd_nonneg')),
    sa.CheckConstraint('multiplier IS NULL OR (multiplier > 0)', name=op.f('ck_icp_case_multiplier_range')),
    sa.CheckConstraint('planned_end IS NULL OR planned_start IS NULL OR planned_end >= planned_start', name=op.f('ck_icp_case_planned_end_not_before_planned_start')),
    sa.CheckConstraint('technologies IS NULL OR (technologies >= 0)', name=op.f('ck_icp_case_technologies_nonneg')),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_icp_case_agreement_id_agreement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_icp_case')),
    sa.UniqueConstraint('number', name=op.f('uq_icp_case_number'))
    )
    with op.batch_alter_table('icp_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_icp_case_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_icp_case_case_type'), ['case_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_icp_case_defense_class'), ['defense_class'], unique=False)
        batch_op.create_index(batch_op.f('ix_icp_case_field'), ['field'], unique=False)
        batch_op.create_index(batch_op.f('ix_icp_case_status'), ['status'], unique=False)

    op.create_table('banked_credit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_case_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('currency', sa.Enum('USD', 'NTD', name='credit_currency', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('banked_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('used_by_case_id', sa.Integer(), nullable=True),
    sa.Column('used_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('amount IS NULL OR (amount >= 0)', name=op.f('ck_banked_credit_amount_nonneg')),
    sa.CheckConstraint('valid_until IS NULL OR banked_on IS NULL OR valid_until >= banked_on', name=op.f('ck_banked_credit_valid_until_not_before_banked_on')),
    sa.ForeignKeyConstraint(['source_case_id'], ['icp_case.id'], name=op.f('fk_banked_credit_source_case_id_icp_case')),
    sa.ForeignKeyConstraint(['used_by_case_id'], ['icp_case.id'], name=op.f('fk_banked_credit_used_by_case_id_icp_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_banked_credit'))
    )
    with op.batch_alter_table('banked_credit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_banked_credit_source_case_id'), ['source_case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_banked_credit_used_by_case_id'), ['used_by_case_id'], unique=False)

    op.create_table('capability_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requesting_unit', sa.String(length=200), nullable=False),
    sa.Column('item', sa.String(length=300), nullable=False),
    sa.Column('military_project', sa.String(length=300), nullable=True),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('report_number', sa.String(length=50), nullable=True),
    sa.Column('outcome', sa.Enum('已具能量', '不具能量', '透過工業合作可建立能量', name='assessment_outcome', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('follow_up', sa.Text(), nullable=True),
    sa.Column('follow_up_case_id', sa.Integer(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('completed_on IS NULL OR requested_on IS NULL OR completed_on >= requested_on', name=op.f('ck_capability_assessment_completed_on_not_before_requested_on')),
    sa.ForeignKeyConstraint(['follow_up_case_id'], ['icp_case.id'], name=op.f('fk_capability_assessment_follow_up_case_id_icp_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_capability_assessment')),
    sa.UniqueConstraint('report_number', name=op.f('uq_capability_assessment_report_number'))
    )
    with op.batch_alter_table('capability_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_capability_assessment_follow_up_case_id'), ['follow_up_case_id'], unique=False)

    op.create_table('case_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('預核通過', '預核駁回', '再協商', '實核通過', '備查', '結案', '展延', '撤案', '額度留存', name='decision_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('approved_value', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('multiplier', sa.Numeric(precision=8, scale=3), nullable=True),
    sa.Column('credits', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('currency', sa.Enum('USD', 'NTD', name='credit_currency', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('exchange_rate', sa.Numeric(precision=12, scale=6), nullable=True),
    sa.Column('conditions', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('approved_value IS NULL OR (approved_value >= 0)', name=op.f('ck_case_decision_approved_value_nonneg')),
    sa.CheckConstraint('credits IS NULL OR (credits >= 0)', name=op.f('ck_case_decision_credits_nonneg')),
    sa.CheckConstraint('exchange_rate IS NULL OR (exchange_rate > 0)', name=op.f('ck_case_decision_exchange_rate_range')),
    sa.CheckConstraint('multiplier IS NULL OR (multiplier > 0)', name=op.f('ck_case_decision_multiplier_range')),
    sa.ForeignKeyConstraint(['case_id'], ['icp_case.id'], name=op.f('fk_case_decision_case_id_icp_case')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_case_decision_meeting_id_meeting')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_decision'))
    )
    with op.batch_alter_table('case_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_decision_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_decision_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_decision_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('case_firm',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['icp_case.id'], name=op.f('fk_case_firm_case_id_icp_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['firm_id'], ['domestic_firm.id'], name=op.f('fk_case_firm_firm_id_domestic_firm'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'firm_id', name=op.f('pk_case_firm'))
    )
    op.create_table('case_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.Enum('通過審查', '賡續送委員會審議', '須再補充資料', '退件', name='review_result', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['icp_case.id'], name=op.f('fk_case_review_case_id_icp_case')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_case_review_meeting_id_meeting')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_review')),
    sa.UniqueConstraint('meeting_id', 'case_id', name=op.f('uq_case_review_meeting_id_case_id'))
    )
    with op.batch_alter_table('case_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_review_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_review_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('export_control_pledge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('transfer_completed_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('transfer_completed_on IS NULL OR signed_on IS NULL OR transfer_completed_on >= signed_on', name=op.f('ck_export_control_pledge_transfer_completed_on_not_before_signed_on')),
    sa.ForeignKeyConstraint(['case_id'], ['icp_case.id'], name=op.f('fk_export_control_pledge_case_id_icp_case')),
    sa.ForeignKeyConstraint(['firm_id'], ['domestic_firm.id'], name=op.f('fk_export_control_pledge_firm_id_domestic_firm')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_control_pledge'))
    )
    with op.batch_alter_table('export_control_pledge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_control_pledge_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_export_control_pledge_firm_id'), ['firm_id'], unique=False)

    op.create_table('feedback_fee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('amount_due', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('amount_paid', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('pledge_notarised', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('amount_due IS NULL OR (amount_due >= 0)', name=op.f('ck_feedback_fee_amount_due_nonneg')),
    sa.CheckConstraint('amount_paid IS NULL OR (amount_paid >= 0)', name=op.f('ck_feedback_fee_amount_paid_nonneg')),
    sa.ForeignKeyConstraint(['case_id'], ['icp_case.id'], name=op.f('fk_feedback_fee_case_id_icp_case')),
    sa.ForeignKeyConstraint(['firm_id'], ['domestic_firm.id'], name=op.f('fk_feedback_fee_firm_id_domestic_firm')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_fee'))
    )
    with op.batch_alter_table('feedback_fee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_fee_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_fee_firm_id'), ['firm_id'], unique=False)

    op.create_table('progress_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('checkpoint_reached', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('quarter IS NULL OR (quarter >= 1 AND quarter <= 4)', name=op.f('ck_progress_report_quarter_range')),
    sa.CheckConstraint('year IS NULL OR (year >= 1980 AND year <= 2200)', name=op.f('ck_progress_report_year_range')),
    sa.ForeignKeyConstraint(['case_id'], ['icp_case.id'], name=op.f('fk_progress_report_case_id_icp_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_report')),
    sa.UniqueConstraint('case_id', 'year', 'quarter', name=op.f('uq_progress_report_case_id_year_quarter'))
    )
    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_report_case_id'), ['case_id'], unique=False)

    op.create_table('assessment_firm',
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['capability_assessment.id'], name=op.f('fk_assessment_firm_assessment_id_capability_assessment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['firm_id'], ['domestic_firm.id'], name=op.f('fk_assessment_firm_firm_id_domestic_firm'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assessment_id', 'firm_id', name=op.f('pk_assessment_firm'))
    )
    op.create_table('factory_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=True),
    sa.Column('visitors', sa.String(length=300), nullable=True),
    sa.Column('purpose', sa.String(length=300), nullable=False),
    sa.Column('findings', sa.Text(), nullable=True),
    sa.Column('follow_up', sa.Text(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['capability_assessment.id'], name=op.f('fk_factory_visit_assessment_id_capability_assessment')),
    sa.ForeignKeyConstraint(['firm_id'], ['domestic_firm.id'], name=op.f('fk_factory_visit_firm_id_domestic_firm')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_factory_visit'))
    )
    with op.batch_alter_table('factory_visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_factory_visit_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_factory_visit_firm_id'), ['firm_id'], unique=False)



def downgrade():
    with op.batch_alter_table('factory_visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_factory_visit_firm_id'))
        batch_op.drop_index(batch_op.f('ix_factory_visit_assessment_id'))

    op.drop_table('factory_visit')
    op.drop_table('assessment_firm')
    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_report_case_id'))

    op.drop_table('progress_report')
    with op.batch_alter_table('feedback_fee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_fee_firm_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_fee_case_id'))

    op.drop_table('feedback_fee')
    with op.batch_alter_table('export_control_pledge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_control_pledge_firm_id'))
        batch_op.drop_index(batch_op.f('ix_export_control_pledge_case_id'))

    op.drop_table('export_control_pledge')
    with op.batch_alter_table('case_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_review_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_case_review_case_id'))

    op.drop_table('case_review')
    op.drop_table('case_firm')
    with op.batch_alter_table('case_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_decision_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_case_decision_kind'))
        batch_op.drop_index(batch_op.f('ix_case_decision_case_id'))

    op.drop_table('case_decision')
    with op.batch_alter_table('capability_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_capability_assessment_follow_up_case_id'))

    op.drop_table('capability_assessment')
    with op.batch_alter_table('banked_credit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_banked_credit_used_by_case_id'))
        batch_op.drop_index(batch_op.f('ix_banked_credit_source_case_id'))

    op.drop_table('banked_credit')
    with op.batch_alter_table('icp_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_icp_case_status'))
        batch_op.drop_index(batch_op.f('ix_icp_case_field'))
        batch_op.drop_index(batch_op.f('ix_icp_case_defense_class'))
        batch_op.drop_index(batch_op.f('ix_icp_case_case_type'))
        batch_op.drop_index(batch_op.f('ix_icp_case_agreement_id'))

    op.drop_table('icp_case')
    op.drop_table('event_firm')
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_status'))
        batch_op.drop_index(batch_op.f('ix_agreement_procurement_id'))
        batch_op.drop_index(batch_op.f('ix_agreement_contractor_id'))

    op.drop_table('agreement')
    with op.batch_alter_table('procurement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procurement_agency_id'))

    op.drop_table('procurement')
    op.drop_table('meeting_expert')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_kind'))
        batch_op.drop_index(batch_op.f('ix_event_contractor_id'))

    op.drop_table('event')
    with op.batch_alter_table('demand_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demand_item_tier'))
        batch_op.drop_index(batch_op.f('ix_demand_item_status'))
        batch_op.drop_index(batch_op.f('ix_demand_item_second_review_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_demand_item_first_review_meeting_id'))

    op.drop_table('demand_item')
    with op.batch_alter_table('award', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_firm_id'))
        batch_op.drop_index(batch_op.f('ix_award_contractor_id'))

    op.drop_table('award')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_sha256'))

    op.drop_table('attachment')
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_session_audience'))

    op.drop_table('training_session')
    with op.batch_alter_table('publication', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publication_kind'))

    op.drop_table('publication')
    op.drop_table('plan_change')
    op.drop_table('overseas_trip')
    op.drop_table('multiplier_rule')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_kind'))
        batch_op.drop_index(batch_op.f('ix_meeting_held_on'))

    op.drop_table('meeting')
    op.drop_table('fee_rule')
    op.drop_table('expert')
    op.drop_table('domestic_firm')
    op.drop_table('contractor')
    op.drop_table('budget_line')
    op.drop_table('app_user')
    op.drop_table('annual_target')
    op.drop_table('agency')
