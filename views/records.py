"""Record screens, one declaration per entity, grouped by the office's menus."""
from datetime import date

from flask import flash
from flask_admin.actions import action
from flask_admin.form import rules
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select

from icp.extensions import db
from icp.kpi import KPI_SOURCES, MANUAL

from models import (Agency, Agreement, AnnualTarget, Award, BankedCredit, BudgetLine, CapabilityAssessment,
                    CaseDecision, CaseReview, Contractor, DefenseTarget, DemandItem, DomesticFirm, Event, Expert,
                    ExportControlPledge, FactoryVisit, FeeRule, FeedbackFee, IcpCase, Meeting, MultiplierRule,
                    OverseasTrip, PlanChange, Procurement, ProgressReport, Publication, TrainingSession)
from views.base import RecordView, SubqueryFilter, year_filters

AJAX_CONTRACTOR = {"fields": ("name_zh", "name_en"), "page_size": 20, "placeholder": _l("輸入承商名稱搜尋")}
AJAX_FIRM = {"fields": ("name", "ubn"), "page_size": 20, "placeholder": _l("輸入廠商名稱或統一編號搜尋")}
AJAX_AGREEMENT = {"fields": ("number",), "page_size": 20, "placeholder": _l("輸入協議書編號搜尋")}
AJAX_CASE = {"fields": ("number", "title"), "page_size": 20, "placeholder": _l("輸入個案編號或名稱搜尋")}


# 組織 ---------------------------------------------------------------------------------------------
class ContractorView(RecordView):
    column_list = ("name_zh", "name_en", "country", "parent_group", "contact_person", "has_bad_record")
    column_searchable_list = ("name_zh", "name_en", "parent_group")
    column_filters = ("country", "has_bad_record")
    column_default_sort = "name_zh"
    form_rules = (
        rules.FieldSet(("name_zh", "name_en", "country", "parent_group"), _l("基本資料")),
        rules.FieldSet(("contact_person", "contact_email", "contact_phone"), _l("聯絡資訊")),
        rules.FieldSet(("has_bad_record", "bad_record_note", "capability_notes"), _l("紀錄與能量")),
    )


class DomesticFirmView(RecordView):
    column_list = ("name", "ubn", "sector", "is_defense_supplier", "in_capability_db", "capability_category",
                   "employees")
    column_searchable_list = ("name", "ubn", "sector")
    column_filters = ("sector", "is_defense_supplier", "in_capability_db", "capability_category",
                      *year_filters(DomesticFirm.capability_db_added_on))
    column_default_sort = "name"
    form_rules = (
        rules.FieldSet(("name", "ubn", "sector", "address", "paid_in_capital", "employees"), _l("基本資料")),
        rules.FieldSet(("contact_person", "contact_phone", "contact_email"), _l("聯絡資訊")),
        rules.FieldSet(("is_defense_supplier", "in_capability_db", "capability_category", "capability_db_added_on",
                        "capability_notes"), _l("領導廠商/系統廠商能量資料庫")),
    )


class AgencyView(RecordView):
    column_list = ("name", "parent", "note")
    column_searchable_list = ("name", "parent")
    column_default_sort = "name"
    form_columns = ("name", "parent", "note")


class ExpertView(RecordView):
    column_list = ("name", "affiliation", "field", "kind", "email", "phone")
    column_searchable_list = ("name", "affiliation", "field")
    column_filters = ("kind", "field")
    column_default_sort = "name"
    form_columns = ("name", "affiliation", "field", "kind", "email", "phone")


# 協議與個案 -----------------------------------------------------------------------------------------
class ProcurementView(RecordView):
    column_list = ("title", "agency", "year", "contract_value", "currency")
    column_searchable_list = ("title",)
    column_filters = ("agency.name", "currency", *year_filters(Procurement.year))
    column_default_sort = ("year", True)
    form_columns = ("title", "agency", "year", "contract_value", "currency", "icp_spec_notes")


class AgreementView(RecordView):
    column_list = ("number", "contractor", "procurement", "signed_on", "obligation", "obligation_currency",
                   "deadline", "status")
    column_searchable_list = ("number", "contractor.name_zh", "contractor.name_en")
    column_filters = ("status", "obligation_currency", "contractor.country", *year_filters(Agreement.signed_on))
    column_default_sort = ("signed_on", True)
    column_editable_list = ("status", "deadline")
    form_ajax_refs = {"contractor": AJAX_CONTRACTOR}
    form_excluded_columns = ("version_id", "cases")
    form_rules = (
        rules.FieldSet(("number", "procurement", "contractor", "signed_on", "status"), _l("協議書")),
        rules.FieldSet(("obligation", "obligation_currency", "defense_share_pct"), _l("工業合作額度")),
        rules.FieldSet(("deadline", "extended_deadline", "extension_note"), _l("履約期限")),
        rules.FieldSet(("bond_amount", "bond_expires_on", "penalty_rate", "penalty_max"), _l("履約保證與罰則")),
        rules.FieldSet(("note",), _l("其他")),
    )


CHECKLIST = ("check_forms_complete", "check_forms_note", "check_fee_pledge", "check_fee_pledge_note",
             "check_export_pledge", "check_export_pledge_note", "check_no_bad_record", "check_no_bad_record_note",
             "check_matches_plan", "check_matches_plan_note", "check_within_credit", "check_within_credit_note",
             "check_briefing_held", "check_briefing_held_note", "check_open_selection", "check_open_selection_note")


class IcpCaseView(RecordView):
    column_list = ("number", "title", "agreement", "case_type", "field", "defense_class", "actual_value", "currency",
                   "multiplier", "credit", "status")
    column_editable_list = ("title", "actual_value", "multiplier")
    column_searchable_list = ("number", "title", "agreement.number")
    column_filters = ("status", "case_type", "field", "defense_class", "currency", "agreement.number",
                      *year_filters(IcpCase.submitted_on))
    column_default_sort = ("number", True)
    column_details_exclude_list = ()
    form_excluded_columns = ("version_id", "credit", "status", "decisions")
    form_ajax_refs = {"agreement": AJAX_AGREEMENT, "firms": AJAX_FIRM}
    form_rules = (
        rules.FieldSet(("number", "title", "agreement", "firms", "submitted_on"), _l("個案")),
        rules.FieldSet(("case_type", "field", "defense_class"), _l("分類")),
        rules.FieldSet(("actual_value", "currency", "multiplier"), _l("價值與乘數（額度＝實際價值×乘數，自動計算）")),
        rules.FieldSet(("planned_start", "planned_end", "technologies", "estimated_output_usd",
                        "derived_benefit_ntd", "induced_investment_ntd"), _l("期程與效益")),
        rules.FieldSet(CHECKLIST, _l("工合個案基本要件檢視表")),
        rules.FieldSet(("note",), _l("其他")),
    )


def _cases_of(*conditions):
    return select(IcpCase.id).join(Agreement, IcpCase.agreement_id == Agreement.id) \
        .outerjoin(Procurement, Agreement.procurement_id == Procurement.id) \
        .outerjoin(Agency, Procurement.agency_id == Agency.id).where(*conditions)


class CaseDecisionView(RecordView):
    """The credit ledger; the totals views link here with these filters, so each figure lists its rows."""

    FILTER_AGREEMENT = SubqueryFilter(CaseDecision.case_id, _l("協議書編號"),
                                      lambda number: _cases_of(Agreement.number == number))
    FILTER_CONTRACTOR = SubqueryFilter(CaseDecision.case_id, _l("國外承商"),
                                       lambda cid: _cases_of(Agreement.contractor_id == cid), clean=int)
    FILTER_AGENCY = SubqueryFilter(CaseDecision.case_id, _l("採購/建案單位"),
                                   lambda aid: _cases_of(Agency.id == aid) if aid else
                                   _cases_of(Agency.id.is_(None)), clean=int)
    FILTER_MEETING = SubqueryFilter(CaseDecision.meeting_id, _l("會議"),
                                    lambda mid: select(Meeting.id).where(Meeting.id == mid), clean=int)
    column_list = ("meeting", "case", "kind", "approved_value", "multiplier", "credits", "currency")
    column_searchable_list = ("case.number", "case.title")
    column_filters = ("kind", "currency", "case.case_type", "case.field", "case.defense_class",
                      *year_filters(Meeting.held_on), FILTER_AGREEMENT, FILTER_CONTRACTOR, FILTER_AGENCY,
                      FILTER_MEETING)
    column_default_sort = ("id", True)
    form_excluded_columns = ("version_id", "credits")
    form_ajax_refs = {"case": AJAX_CASE}
    form_columns = ("meeting", "case", "kind", "approved_value", "multiplier", "currency", "exchange_rate",
                    "conditions", "note", "override_reason")
    form_args = {"meeting": {"query_factory": lambda: Meeting.query.filter_by(kind="工業合作推動小組會議")
                             .order_by(Meeting.held_on.desc())}}


class MultiplierRuleView(RecordView):
    column_list = ("case_type", "defense_class", "min_multiplier", "max_multiplier", "cap", "effective_from",
                   "effective_to")
    column_filters = ("case_type", "defense_class")
    column_default_sort = ("effective_from", True)
    edit_roles = frozenset({"admin"})


class DefenseTargetView(RecordView):
    column_list = ("year", "target_pct", "long_term", "note")
    column_default_sort = "year"
    edit_roles = frozenset({"admin"})


class FeeRuleView(RecordView):
    column_list = ("rate_pct", "defense_reduction_pct", "effective_from", "effective_to", "note")
    column_default_sort = ("effective_from", True)
    edit_roles = frozenset({"admin"})


class BankedCreditView(RecordView):
    column_list = ("source_case", "amount", "currency", "banked_on", "valid_until", "used_by_case", "used_on")
    column_searchable_list = ("source_case.number",)
    column_filters = ("currency", *year_filters(BankedCredit.banked_on))
    column_default_sort = ("banked_on", True)
    form_ajax_refs = {"source_case": AJAX_CASE, "used_by_case": AJAX_CASE}


class ProgressReportView(RecordView):
    @action("received_today", _l("標記為今日收件"), _l("確定將所選進度報告標記為今日收件？"))
    def action_received_today(self, ids):
        """One click during a meeting instead of editing each report (versions are bumped and logged)."""
        reports = db.session.scalars(select(ProgressReport).where(ProgressReport.id.in_([int(i) for i in ids]),
                                                                  ProgressReport.received_on.is_(None))).all()
        for report in reports:
            report.received_on = date.today()
        db.session.commit()
        flash(_("已將 %(n)d 份進度報告標記為今日收件", n=len(reports)), "success")

    column_list = ("case", "year", "quarter", "received_on", "checkpoint_reached")
    column_searchable_list = ("case.number",)
    column_filters = ("quarter", "checkpoint_reached", *year_filters(ProgressReport.year))
    column_default_sort = [("year", True), ("quarter", True)]
    column_editable_list = ("received_on", "checkpoint_reached")
    form_ajax_refs = {"case": AJAX_CASE}


class FeedbackFeeView(RecordView):
    column_list = ("case", "firm", "amount_due", "amount_paid", "paid_on", "pledge_notarised")
    column_searchable_list = ("case.number", "firm.name", "firm.ubn")
    column_filters = ("pledge_notarised", *year_filters(FeedbackFee.paid_on))
    column_default_sort = ("id", True)
    column_editable_list = ("amount_paid", "paid_on", "pledge_notarised")
    form_ajax_refs = {"case": AJAX_CASE, "firm": AJAX_FIRM}


class ExportControlPledgeView(RecordView):
    column_list = ("case", "firm", "signed_on", "transfer_completed_on", "restricted_until")
    column_labels = {"restricted_until": _l("管制期滿日")}
    column_searchable_list = ("case.number", "firm.name", "firm.ubn")
    column_filters = (*year_filters(ExportControlPledge.signed_on),)
    column_default_sort = ("signed_on", True)
    form_ajax_refs = {"case": AJAX_CASE, "firm": AJAX_FIRM}


# 會議與活動 -----------------------------------------------------------------------------------------
class MeetingView(RecordView):
    column_list = ("held_on", "kind", "sequence", "title", "chair", "minutes_approved_on", "db_updated_on")
    column_searchable_list = ("title", "chair")
    column_filters = ("kind", *year_filters(Meeting.held_on))
    column_default_sort = ("held_on", True)
    column_editable_list = ("minutes_approved_on", "db_updated_on")
    form_columns = ("kind", "sequence", "held_on", "title", "chair", "minutes_approved_on", "db_updated_on", "panel",
                    "note")


class CaseReviewView(RecordView):
    column_list = ("meeting", "case", "result", "note")
    column_searchable_list = ("case.number", "case.title")
    column_filters = ("result", *year_filters(Meeting.held_on))
    column_default_sort = ("id", True)
    form_ajax_refs = {"case": AJAX_CASE}
    form_args = {"meeting": {"query_factory": lambda: Meeting.query.filter_by(kind="產業分組委員會議")
                             .order_by(Meeting.held_on.desc())}}


class EventView(RecordView):
    column_list = ("starts_on", "kind", "title", "contractor", "location", "attendees")
    column_searchable_list = ("title", "location")
    column_filters = ("kind", *year_filters(Event.starts_on))
    column_default_sort = ("starts_on", True)
    form_ajax_refs = {"contractor": AJAX_CONTRACTOR, "firms": AJAX_FIRM}
    form_columns = ("kind", "starts_on", "ends_on", "title", "contractor", "location", "firms", "attendees", "note")


class TrainingSessionView(RecordView):
    column_list = ("starts_on", "title", "audience", "location", "organiser", "trainees", "hours")
    column_searchable_list = ("title", "location", "organiser")
    column_filters = ("audience", *year_filters(TrainingSession.starts_on))
    column_default_sort = ("starts_on", True)


class PublicationView(RecordView):
    column_list = ("published_on", "kind", "title", "copies")
    column_searchable_list = ("title",)
    column_filters = ("kind", *year_filters(Publication.published_on))
    column_default_sort = ("published_on", True)


class DemandItemView(RecordView):
    column_list = ("year", "quarter", "title", "proposing_unit", "industry", "need", "score", "tier", "status",
                   "published")
    column_searchable_list = ("title", "proposing_unit")
    column_filters = ("quarter", "industry", "need", "tier", "status", "published", *year_filters(DemandItem.year))
    column_default_sort = [("year", True), ("quarter", True)]
    column_editable_list = ("score", "status", "published")
    form_excluded_columns = ("version_id", "tier")
    form_args = {"second_review_meeting": {"query_factory": lambda: Meeting.query.filter_by(
        kind="工業合作推動小組會議").order_by(Meeting.held_on.desc())}}


class OverseasTripView(RecordView):
    column_list = ("plan_name", "topic", "obtained_on", "retention_period", "storage_place")
    column_searchable_list = ("plan_name", "topic")
    column_filters = (*year_filters(OverseasTrip.obtained_on),)
    column_default_sort = ("obtained_on", True)


# 國防產業 ------------------------------------------------------------------------------------------
class CapabilityAssessmentView(RecordView):
    column_list = ("requested_on", "requesting_unit", "item", "military_project", "completed_on", "report_number",
                   "outcome")
    column_searchable_list = ("item", "requesting_unit", "report_number", "military_project")
    column_filters = ("outcome", "requesting_unit", *year_filters(CapabilityAssessment.requested_on))
    column_default_sort = ("requested_on", True)
    form_ajax_refs = {"firms": AJAX_FIRM, "follow_up_case": AJAX_CASE}


class FactoryVisitView(RecordView):
    column_list = ("visited_on", "firm", "purpose", "visitors", "assessment")
    column_searchable_list = ("purpose", "firm.name", "firm.ubn")
    column_filters = (*year_filters(FactoryVisit.visited_on),)
    column_default_sort = ("visited_on", True)
    form_ajax_refs = {"firm": AJAX_FIRM}


class AwardView(RecordView):
    column_list = ("round_year", "category", "rank", "recipient", "prize_ntd", "ceremony_on")
    column_labels = {"recipient": _l("得獎者")}
    column_searchable_list = ("person",)
    column_filters = ("category", *year_filters(Award.round_year))
    column_default_sort = [("round_year", True), ("category", False), ("rank", False)]
    form_ajax_refs = {"firm": AJAX_FIRM, "contractor": AJAX_CONTRACTOR}
    form_columns = ("round_year", "category", "rank", "firm", "contractor", "person", "prize_ntd", "ceremony_on",
                    "citation")


# 計畫管理 ------------------------------------------------------------------------------------------
class AnnualTargetView(RecordView):
    column_list = ("year", "work_item", "kpi", "target_value", "unit", "actual_source", "manual_actual")
    # the actual comes from a computation named in icp.kpi; a free-typed key would silently count nothing
    form_choices = {"actual_source": [(key, key) for key in sorted(KPI_SOURCES)] + [(MANUAL, MANUAL)]}
    column_searchable_list = ("work_item", "kpi")
    column_filters = ("work_item", *year_filters(AnnualTarget.year))
    column_default_sort = [("year", True), ("work_item", False)]
    edit_roles = frozenset({"admin"})


class BudgetLineView(RecordView):
    column_list = ("year", "item", "contracted", "reported", "returned", "retained")
    column_filters = ("item", *year_filters(BudgetLine.year))
    column_default_sort = [("year", True), ("item", False)]


class PlanChangeView(RecordView):
    column_list = ("year", "work_item", "difference", "reason")
    column_searchable_list = ("work_item",)
    column_filters = (*year_filters(PlanChange.year),)
    column_default_sort = ("year", True)


ORGANISATION = _l("組織")
AGREEMENTS = _l("協議與個案")
MEETINGS = _l("會議與活動")
DEFENSE = _l("國防產業")
SYSTEM = _l("系統")

# (view class, model, menu label, category, endpoint)
RECORD_SCREENS = (
    (ContractorView, Contractor, _l("國外承商"), ORGANISATION, "contractor"),
    (DomesticFirmView, DomesticFirm, _l("國內廠商"), ORGANISATION, "firm"),
    (AgencyView, Agency, _l("採購/建案單位"), ORGANISATION, "agency"),
    (ExpertView, Expert, _l("分組委員"), ORGANISATION, "expert"),
    (ProcurementView, Procurement, _l("購案"), AGREEMENTS, "procurement"),
    (AgreementView, Agreement, _l("工業合作協議書"), AGREEMENTS, "agreement"),
    (IcpCaseView, IcpCase, _l("工業合作個案"), AGREEMENTS, "case"),
    (CaseDecisionView, CaseDecision, _l("審議結果"), AGREEMENTS, "decision"),
    (ProgressReportView, ProgressReport, _l("進度報告"), AGREEMENTS, "progress"),
    (FeedbackFeeView, FeedbackFee, _l("回饋金"), AGREEMENTS, "fee"),
    (ExportControlPledgeView, ExportControlPledge, _l("輸出境外管制承諾書"), AGREEMENTS, "pledge"),
    (BankedCreditView, BankedCredit, _l("額度留存"), AGREEMENTS, "banked"),
    (MultiplierRuleView, MultiplierRule, _l("乘數標準"), AGREEMENTS, "multiplier_rule"),
    (FeeRuleView, FeeRule, _l("回饋金費率"), AGREEMENTS, "fee_rule"),
    (DefenseTargetView, DefenseTarget, _l("國防工合目標"), AGREEMENTS, "defense_target"),
    (MeetingView, Meeting, _l("會議"), MEETINGS, "meeting"),
    (CaseReviewView, CaseReview, _l("分組審查結果"), MEETINGS, "review"),
    (DemandItemView, DemandItem, _l("工合需求項目"), MEETINGS, "demand"),
    (EventView, Event, _l("推廣活動"), MEETINGS, "event"),
    (TrainingSessionView, TrainingSession, _l("教育訓練"), MEETINGS, "training"),
    (PublicationView, Publication, _l("出版與網站"), MEETINGS, "publication"),
    (OverseasTripView, OverseasTrip, _l("出國報告"), MEETINGS, "trip"),
    (CapabilityAssessmentView, CapabilityAssessment, _l("自製能量評估"), DEFENSE, "assessment"),
    (FactoryVisitView, FactoryVisit, _l("訪廠評估"), DEFENSE, "visit"),
    (AwardView, Award, _l("績優表揚"), DEFENSE, "award"),
    (AnnualTargetView, AnnualTarget, _l("年度目標"), SYSTEM, "target"),
    (BudgetLineView, BudgetLine, _l("經費運用"), SYSTEM, "budget"),
    (PlanChangeView, PlanChange, _l("差異分析"), SYSTEM, "plan_change"),
)
