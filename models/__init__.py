"""All models of the ICP records system, one module per aggregate."""
from models.audit import AuditLog, LoginAttempt
from models.agreement import (Agreement, BankedCredit, CaseDecision, DefenseTarget, ExportControlPledge, FeeRule, FeedbackFee,
                              IcpCase, MultiplierRule, Procurement, ProgressReport, case_firm)
from models.meeting import (CapabilityAssessment, CaseReview, DemandItem, Event, FactoryVisit, Meeting, Publication,
                            TrainingSession, assessment_firm, event_firm, meeting_expert)
from models.office import AnnualTarget, Award, BudgetLine, OverseasTrip, PlanChange
from models.organisation import Agency, Contractor, DomesticFirm, Expert
from models.summary import AgreementCredit, MeetingCredit, YearCredit, YearDimensionCredit
from models.user import Attachment, User

__all__ = [
    "Agency", "Agreement", "AgreementCredit", "AnnualTarget", "Attachment", "AuditLog", "LoginAttempt", "Award", "BankedCredit", "BudgetLine", "CapabilityAssessment",
    "CaseDecision", "CaseReview", "Contractor", "DefenseTarget", "DemandItem", "DomesticFirm", "Event", "Expert", "ExportControlPledge",
    "FactoryVisit", "FeeRule", "FeedbackFee", "IcpCase", "Meeting", "MeetingCredit", "MultiplierRule", "OverseasTrip", "PlanChange",
    "Procurement", "ProgressReport", "Publication", "TrainingSession", "User", "YearCredit", "YearDimensionCredit",
    "assessment_firm", "case_firm", "event_firm", "meeting_expert",
]
