"""Meetings and the office's activities: reviews, assessments, visits, training, events, demand items."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from icp.extensions import db
from models.base import Record, between, choice, labelled, nonneg, not_before
from models.choices import (APPLICATION_FIELDS, ASSESSMENT_OUTCOMES, DEMAND_STATUSES, DEMAND_TIERS, EVENT_KINDS,
                            MEETING_KINDS, NEED_KINDS, PUBLICATION_KINDS, REVIEW_RESULTS, TRAINING_AUDIENCES)

meeting_expert = Table(
    "meeting_expert", db.metadata,
    Column("meeting_id", ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
    Column("expert_id", ForeignKey("expert.id", ondelete="CASCADE"), primary_key=True),
)
assessment_firm = Table(
    "assessment_firm", db.metadata,
    Column("assessment_id", ForeignKey("capability_assessment.id", ondelete="CASCADE"), primary_key=True),
    Column("firm_id", ForeignKey("domestic_firm.id", ondelete="CASCADE"), primary_key=True),
)
event_firm = Table(
    "event_firm", db.metadata,
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column("firm_id", ForeignKey("domestic_firm.id", ondelete="CASCADE"), primary_key=True),
)


class Meeting(Record):
    __tablename__ = "meeting"
    __table_args__ = (
        UniqueConstraint("kind", "held_on"),
        between("sequence", 1, None),
        not_before("minutes_approved_on", "held_on"),
        not_before("db_updated_on", "held_on"),
    )

    kind: Mapped[str] = mapped_column(choice("meeting_kind", MEETING_KINDS), index=True, info=labelled("會議類別"))
    sequence: Mapped[int | None] = mapped_column(info=labelled("年度第幾次"))
    held_on: Mapped[date] = mapped_column(index=True, info=labelled("開會日期"))
    title: Mapped[str] = mapped_column(String(300), info=labelled("會議名稱"))
    chair: Mapped[str | None] = mapped_column(String(100), info=labelled("主持人"))
    minutes_approved_on: Mapped[date | None] = mapped_column(info=labelled("紀錄核定日期"))
    db_updated_on: Mapped[date | None] = mapped_column(info=labelled("資料庫更新日期"))
    note: Mapped[str | None] = mapped_column(Text, info=labelled("備註"))

    panel: Mapped[list["Expert"]] = relationship(secondary=meeting_expert, info=labelled("出席委員"))
    decisions: Mapped[list["CaseDecision"]] = relationship(back_populates="meeting", info=labelled("審議結果"))
    reviews: Mapped[list["CaseReview"]] = relationship(back_populates="meeting", info=labelled("分組審查結果"))

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class CaseReview(Record):
    """An industry sub-committee's finding on one case (產業分組委員會議 審查結果)."""

    __tablename__ = "case_review"
    __table_args__ = (UniqueConstraint("meeting_id", "case_id"),)

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True, info=labelled("產業分組委員會議"))
    case_id: Mapped[int] = mapped_column(ForeignKey("icp_case.id"), index=True, info=labelled("個案"))
    result: Mapped[str] = mapped_column(choice("review_result", REVIEW_RESULTS), info=labelled("審查結果"))
    note: Mapped[str | None] = mapped_column(Text, info=labelled("備註"))

    meeting: Mapped["Meeting"] = relationship(back_populates="reviews", info=labelled("產業分組委員會議"))
    case: Mapped["IcpCase"] = relationship(info=labelled("個案"))

    def __str__(self) -> str:
        return self.result


class CapabilityAssessment(Record):
    __tablename__ = "capability_assessment"
    __table_args__ = (not_before("completed_on", "requested_on"),)

    requesting_unit: Mapped[str] = mapped_column(String(200), info=labelled("需求單位"))
    item: Mapped[str] = mapped_column(String(300), info=labelled("評估品項/裝備"))
    military_project: Mapped[str | None] = mapped_column(String(300), info=labelled("軍事計畫/建案"))
    requested_on: Mapped[date] = mapped_column(info=labelled("收文日期"))
    completed_on: Mapped[date | None] = mapped_column(info=labelled("完成日期"))
    report_number: Mapped[str | None] = mapped_column(String(50), unique=True, info=labelled("報告文號"))
    outcome: Mapped[str | None] = mapped_column(choice("assessment_outcome", ASSESSMENT_OUTCOMES),
                                                info=labelled("評估結果"))
    follow_up: Mapped[str | None] = mapped_column(Text, info=labelled("後續追蹤"))
    follow_up_case_id: Mapped[int | None] = mapped_column(ForeignKey("icp_case.id"), index=True,
                                                          info=labelled("後續工合個案"))

    firms: Mapped[list["DomesticFirm"]] = relationship(secondary=assessment_firm, info=labelled("受評廠商"))
    follow_up_case: Mapped["IcpCase | None"] = relationship(info=labelled("後續工合個案"))

    def __str__(self) -> str:
        return self.item


class FactoryVisit(Record):
    __tablename__ = "factory_visit"

    firm_id: Mapped[int] = mapped_column(ForeignKey("domestic_firm.id"), index=True, info=labelled("受訪廠商"))
    visited_on: Mapped[date] = mapped_column(info=labelled("訪廠日期"))
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("capability_assessment.id"), index=True,
                                                      info=labelled("相關能量評估"))
    visitors: Mapped[str | None] = mapped_column(String(300), info=labelled("訪視人員"))
    purpose: Mapped[str] = mapped_column(String(300), info=labelled("目的"))
    findings: Mapped[str | None] = mapped_column(Text, info=labelled("訪視發現"))
    follow_up: Mapped[str | None] = mapped_column(Text, info=labelled("後續追蹤"))

    firm: Mapped["DomesticFirm"] = relationship(info=labelled("受訪廠商"))
    assessment: Mapped["CapabilityAssessment | None"] = relationship(info=labelled("相關能量評估"))

    def __str__(self) -> str:
        return f"{self.visited_on} {self.purpose}"


class TrainingSession(Record):
    __tablename__ = "training_session"
    __table_args__ = nonneg("trainees", "hours") + (not_before("ends_on", "starts_on"),)

    starts_on: Mapped[date] = mapped_column(info=labelled("開始日期"))
    ends_on: Mapped[date | None] = mapped_column(info=labelled("結束日期"))
    title: Mapped[str] = mapped_column(String(300), info=labelled("課程名稱"))
    audience: Mapped[str] = mapped_column(choice("training_audience", TRAINING_AUDIENCES), index=True,
                                          info=labelled("對象"))
    location: Mapped[str | None] = mapped_column(String(200), info=labelled("地點"))
    organiser: Mapped[str | None] = mapped_column(String(200), info=labelled("主辦單位"))
    trainees: Mapped[int] = mapped_column(default=0, info=labelled("受訓人次"))
    hours: Mapped[Decimal | None] = mapped_column(db.Numeric(6, 1), info=labelled("時數"))
    note: Mapped[str | None] = mapped_column(Text, info=labelled("備註"))

    def __str__(self) -> str:
        return self.title


class Event(Record):
    __tablename__ = "event"
    __table_args__ = nonneg("attendees") + (not_before("ends_on", "starts_on"),)

    kind: Mapped[str] = mapped_column(choice("event_kind", EVENT_KINDS), index=True, info=labelled("活動類別"))
    starts_on: Mapped[date] = mapped_column(info=labelled("開始日期"))
    ends_on: Mapped[date | None] = mapped_column(info=labelled("結束日期"))
    title: Mapped[str] = mapped_column(String(300), info=labelled("活動名稱"))
    contractor_id: Mapped[int | None] = mapped_column(ForeignKey("contractor.id"), index=True,
                                                      info=labelled("合作外商"))
    location: Mapped[str | None] = mapped_column(String(200), info=labelled("地點"))
    attendees: Mapped[int | None] = mapped_column(info=labelled("參加人數"))
    note: Mapped[str | None] = mapped_column(Text, info=labelled("備註"))

    contractor: Mapped["Contractor | None"] = relationship(info=labelled("合作外商"))
    firms: Mapped[list["DomesticFirm"]] = relationship(secondary=event_firm, info=labelled("參加廠商"))

    def __str__(self) -> str:
        return self.title


class Publication(Record):
    __tablename__ = "publication"
    __table_args__ = nonneg("copies")

    kind: Mapped[str] = mapped_column(choice("publication_kind", PUBLICATION_KINDS), index=True,
                                      info=labelled("類別"))
    published_on: Mapped[date] = mapped_column(info=labelled("出版/公告日期"))
    title: Mapped[str] = mapped_column(String(300), info=labelled("標題"))
    copies: Mapped[int | None] = mapped_column(info=labelled("印製份數"))
    recipients: Mapped[str | None] = mapped_column(Text, info=labelled("寄送對象"))

    def __str__(self) -> str:
        return self.title


class DemandItem(Record):
    __tablename__ = "demand_item"
    __table_args__ = (
        between("score", 0, 100),
        between("quarter", 1, 4),
        between("year", 1980, 2200),
    )

    year: Mapped[int] = mapped_column(info=labelled("年度(西元)"))
    quarter: Mapped[int] = mapped_column(info=labelled("季別"))
    proposing_unit: Mapped[str] = mapped_column(String(200), info=labelled("提案單位"))
    title: Mapped[str] = mapped_column(String(300), info=labelled("需求項目"))
    industry: Mapped[str] = mapped_column(choice("application_field", APPLICATION_FIELDS), info=labelled("產業領域"))
    need: Mapped[str] = mapped_column(choice("need_kind", NEED_KINDS), info=labelled("需求屬性"))
    score: Mapped[Decimal | None] = mapped_column(db.Numeric(5, 2), info=labelled("初審評分"))
    tier: Mapped[str | None] = mapped_column(choice("demand_tier", DEMAND_TIERS), index=True,
                                             info=labelled("等級"))
    first_review_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"), index=True,
                                                                info=labelled("初審會議"))
    second_review_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"), index=True,
                                                                 info=labelled("複審會議(推動小組)"))
    second_review_passed: Mapped[bool | None] = mapped_column(Boolean, info=labelled("複審通過"))
    published: Mapped[bool] = mapped_column(Boolean, default=False, info=labelled("已公告"))
    status: Mapped[str] = mapped_column(choice("demand_status", DEMAND_STATUSES), default="初審中", index=True,
                                        info=labelled("狀態"))
    note: Mapped[str | None] = mapped_column(Text, info=labelled("備註"))

    first_review_meeting: Mapped["Meeting | None"] = relationship(foreign_keys=[first_review_meeting_id],
                                                                  info=labelled("初審會議"))
    second_review_meeting: Mapped["Meeting | None"] = relationship(foreign_keys=[second_review_meeting_id],
                                                                   info=labelled("複審會議(推動小組)"))

    def __str__(self) -> str:
        return self.title
