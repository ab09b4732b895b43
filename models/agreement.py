"""The money flow: procurements, agreements, cases, the decision ledger and the rule tables."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from icp.extensions import db
from models.base import MONEY, MULTIPLIER, Record, between, choice, labelled, nonneg, not_before
from models.choices import (AGREEMENT_STATUSES, APPLICATION_FIELDS, CASE_STATUS_NEW, CASE_STATUSES, CASE_TYPES,
                            CONTRACT_CURRENCIES, CURRENCIES, DECISION_KINDS, DEFENSE_CLASSES)

case_firm = Table(
    "case_firm", db.metadata,
    Column("case_id", ForeignKey("icp_case.id", ondelete="CASCADE"), primary_key=True),
    Column("firm_id", ForeignKey("domestic_firm.id", ondelete="CASCADE"), primary_key=True),
)


class Procurement(Record):
    __tablename__ = "procurement"
    __table_args__ = nonneg("contract_value") + (between("year", 1980, 2200),)

    title: Mapped[str] = mapped_column(String(300), info=labelled("購案名稱"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True, info=labelled("採購/建案單位"))
    year: Mapped[int] = mapped_column(info=labelled("年度(西元)"))
    contract_value: Mapped[Decimal | None] = mapped_column(MONEY, info=labelled("契約金額"))
    currency: Mapped[str] = mapped_column(choice("contract_currency", CONTRACT_CURRENCIES), default="USD",
                                          info=labelled("幣別"))
    icp_spec_notes: Mapped[str | None] = mapped_column(Text, info=labelled("工業合作規範"))

    agency: Mapped["Agency"] = relationship(info=labelled("採購/建案單位"))

    def __str__(self) -> str:
        return self.title


class Agreement(Record):
    __tablename__ = "agreement"
    __table_args__ = nonneg("obligation", "bond_amount", "penalty_rate", "penalty_max") + (
        between("defense_share_pct", 0, 100),
        not_before("deadline", "signed_on"),
        not_before("extended_deadline", "deadline"),
        Index("ix_agreement_status_signed_on", "status", "signed_on"),  # the list filtered by status, newest first
        Index("ix_agreement_currency_obligation", "obligation_currency", "obligation"),  # obligation totals, index only
    )

    number: Mapped[str] = mapped_column(String(50), unique=True, info=labelled("協議書編號"))
    procurement_id: Mapped[int | None] = mapped_column(ForeignKey("procurement.id"), index=True, info=labelled("購案"))
    contractor_id: Mapped[int] = mapped_column(ForeignKey("contractor.id"), index=True, info=labelled("國外承商"))
    signed_on: Mapped[date | None] = mapped_column(index=True, info=labelled("簽署日期"))
    obligation: Mapped[Decimal] = mapped_column(MONEY, info=labelled("工業合作額度"))
    obligation_currency: Mapped[str] = mapped_column(choice("credit_currency", CURRENCIES), default="USD",
                                                     info=labelled("額度幣別"))
    defense_share_pct: Mapped[Decimal | None] = mapped_column(MULTIPLIER, info=labelled("國防工合執行比例(%)"))
    deadline: Mapped[date | None] = mapped_column(info=labelled("履約期限"))
    extended_deadline: Mapped[date | None] = mapped_column(info=labelled("展延後期限"))
    extension_note: Mapped[str | None] = mapped_column(Text, info=labelled("展延說明"))
    bond_amount: Mapped[Decimal | None] = mapped_column(MONEY, info=labelled("履約保證金"))
    bond_expires_on: Mapped[date | None] = mapped_column(info=labelled("保證金到期日"))
    penalty_rate: Mapped[Decimal | None] = mapped_column(MULTIPLIER, info=labelled("逾期罰款比例(%)"))
    penalty_max: Mapped[Decimal | None] = mapped_column(MONEY, info=labelled("罰款上限"))
    status: Mapped[str] = mapped_column(choice("agreement_status", AGREEMENT_STATUSES), default="已簽署",
                                        index=True, info=labelled("狀態"))
    note: Mapped[str | None] = mapped_column(Text, info=labelled("備註"))

    procurement: Mapped["Procurement | None"] = relationship(info=labelled("購案"))
    contractor: Mapped["Contractor"] = relationship(info=labelled("國外承商"))
    cases: Mapped[list["IcpCase"]] = relationship(back_populates="agreement", info=labelled("個案"))

    def __str__(self) -> str:
        return self.number


class IcpCase(Record):
    __tablename__ = "icp_case"
    __table_args__ = nonneg("actual_value", "credit", "technologies", "estimated_output_usd", "derived_benefit_ntd",
                            "induced_investment_ntd") + (
        between("multiplier", 0, None, low_exclusive=True),
        not_before("planned_end", "planned_start"),
        Index("ix_icp_case_status_number", "status", "number"),  # the list filtered by status, in its order
        Index("ix_icp_case_number_id", "number", "id"),  # deep list pages skip rows in the index alone (PostgreSQL)
        Index("ix_icp_case_planned_end_status", "planned_end", "status"),  # the dashboard's overdue cases
    )

    number: Mapped[str] = mapped_column(String(50), unique=True, info=labelled("個案編號"))
    title: Mapped[str] = mapped_column(String(300), info=labelled("個案名稱"))
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), index=True, info=labelled("協議書"))
    case_type: Mapped[str] = mapped_column(choice("case_type", CASE_TYPES), index=True, info=labelled("執行方式"))
    field: Mapped[str] = mapped_column(choice("application_field", APPLICATION_FIELDS), index=True,
                                       info=labelled("應用領域"))
    defense_class: Mapped[str] = mapped_column(choice("defense_class", DEFENSE_CLASSES), index=True,
                                               info=labelled("國防/產業類別"))
    actual_value: Mapped[Decimal] = mapped_column(MONEY, info=labelled("實際價值"))
    currency: Mapped[str] = mapped_column(choice("credit_currency", CURRENCIES), default="USD", info=labelled("幣別"))
    multiplier: Mapped[Decimal] = mapped_column(MULTIPLIER, default=Decimal(1), info=labelled("乘數"))
    credit: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0), info=labelled("工業合作額度(點)"))
    submitted_on: Mapped[date | None] = mapped_column(index=True, info=labelled("申請日期"))
    planned_start: Mapped[date | None] = mapped_column(info=labelled("預定開始"))
    planned_end: Mapped[date | None] = mapped_column(info=labelled("預定完成"))
    technologies: Mapped[int] = mapped_column(default=0, info=labelled("引進技術項數"))
    estimated_output_usd: Mapped[Decimal | None] = mapped_column(MONEY, info=labelled("預估產值(美元)"))
    derived_benefit_ntd: Mapped[Decimal | None] = mapped_column(MONEY, info=labelled("衍生商機(新台幣)"))
    induced_investment_ntd: Mapped[Decimal | None] = mapped_column(MONEY, info=labelled("帶動國內投資(新台幣)"))
    status: Mapped[str] = mapped_column(choice("case_status", CASE_STATUSES), default=CASE_STATUS_NEW, index=True,
                                        info=labelled("狀態"))
    # 工合個案基本要件檢視表 — the pre-approval checklist, each item yes/no with a note.
    check_forms_complete: Mapped[bool] = mapped_column(Boolean, default=False, info=labelled("申請書及計畫書依格式填列"))
    check_forms_note: Mapped[str | None] = mapped_column(String(300), info=labelled("說明：申請書"))
    check_fee_pledge: Mapped[bool] = mapped_column(Boolean, default=False, info=labelled("檢附回饋金繳納承諾書"))
    check_fee_pledge_note: Mapped[str | None] = mapped_column(String(300), info=labelled("說明：回饋金承諾書"))
    check_export_pledge: Mapped[bool] = mapped_column(Boolean, default=False,
                                                      info=labelled("檢附輸出境外管制承諾書(技術移轉適用)"))
    check_export_pledge_note: Mapped[str | None] = mapped_column(String(300), info=labelled("說明：管制承諾書"))
    check_no_bad_record: Mapped[bool] = mapped_column(Boolean, default=False, info=labelled("外商無不良紀錄"))
    check_no_bad_record_note: Mapped[str | None] = mapped_column(String(300), info=labelled("說明：不良紀錄"))
    check_matches_plan: Mapped[bool] = mapped_column(Boolean, default=False, info=labelled("符合工合計畫書表列項目"))
    check_matches_plan_note: Mapped[str | None] = mapped_column(String(300), info=labelled("說明：計畫書項目"))
    check_within_credit: Mapped[bool] = mapped_column(Boolean, default=False, info=labelled("未超出購案工合額度"))
    check_within_credit_note: Mapped[str | None] = mapped_column(String(300), info=labelled("說明：購案額度"))
    check_briefing_held: Mapped[bool] = mapped_column(Boolean, default=False, info=labelled("已辦理公開說明會"))
    check_briefing_held_note: Mapped[str | None] = mapped_column(String(300), info=labelled("說明：公開說明會"))
    check_open_selection: Mapped[bool] = mapped_column(Boolean, default=False, info=labelled("公開遴選國內廠商"))
    check_open_selection_note: Mapped[str | None] = mapped_column(String(300), info=labelled("說明：公開遴選"))
    note: Mapped[str | None] = mapped_column(Text, info=labelled("備註"))

    agreement: Mapped["Agreement"] = relationship(back_populates="cases", info=labelled("協議書"))
    firms: Mapped[list["DomesticFirm"]] = relationship(secondary=case_firm, info=labelled("承接單位"))
    decisions: Mapped[list["CaseDecision"]] = relationship(back_populates="case", info=labelled("審議結果"))

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class CaseDecision(Record):
    __tablename__ = "case_decision"
    __table_args__ = nonneg("approved_value", "credits") + (
        between("multiplier", 0, None, low_exclusive=True),
        between("exchange_rate", 0, None, low_exclusive=True),
        # covers the totals' GROUP BY (kind → case, currency, credits) without reading the table
        Index("ix_case_decision_kind_totals", "kind", "case_id", "currency", "credits"),
    )

    case_id: Mapped[int] = mapped_column(ForeignKey("icp_case.id"), index=True, info=labelled("個案"))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True, info=labelled("推動小組會議"))
    kind: Mapped[str] = mapped_column(choice("decision_kind", DECISION_KINDS), index=True, info=labelled("審議結果"))
    approved_value: Mapped[Decimal | None] = mapped_column(MONEY, info=labelled("核定實際價值"))
    multiplier: Mapped[Decimal | None] = mapped_column(MULTIPLIER, info=labelled("核定乘數"))
    credits: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0), info=labelled("核給額度(點)"))
    currency: Mapped[str] = mapped_column(choice("credit_currency", CURRENCIES), default="USD", info=labelled("幣別"))
    exchange_rate: Mapped[Decimal | None] = mapped_column(db.Numeric(12, 6), info=labelled("新台幣兌美元匯率"))
    conditions: Mapped[str | None] = mapped_column(Text, info=labelled("附帶條件"))
    note: Mapped[str | None] = mapped_column(Text, info=labelled("備註"))
    override_reason: Mapped[str | None] = mapped_column(Text, info=labelled("管理者核准例外理由"))

    case: Mapped["IcpCase"] = relationship(back_populates="decisions", info=labelled("個案"))
    meeting: Mapped["Meeting"] = relationship(back_populates="decisions", info=labelled("推動小組會議"))

    def __str__(self) -> str:
        return f"{self.kind}（{self.case.number if self.case else ''}）"


class DefenseTarget(Record):
    """The policy target for the defense share of credits: a year's target holds until the next one."""

    __tablename__ = "defense_target"
    __table_args__ = (UniqueConstraint("year"), between("year", 1980, 2200), between("target_pct", 0, 100))

    year: Mapped[int] = mapped_column(info=labelled("起始年度(西元)"))
    target_pct: Mapped[Decimal] = mapped_column(db.Numeric(5, 2), info=labelled("國防工合目標比例(%)"))
    long_term: Mapped[bool] = mapped_column(Boolean, default=False, info=labelled("長期目標"))
    note: Mapped[str | None] = mapped_column(Text, info=labelled("備註"))

    def __str__(self) -> str:
        return f"{self.year}: {self.target_pct}%"


class MultiplierRule(Record):
    __tablename__ = "multiplier_rule"
    __table_args__ = (
        between("min_multiplier", 0, None, low_exclusive=True),
        not_before("max_multiplier", "min_multiplier"),
        between("cap", 0, None, low_exclusive=True),
        not_before("effective_to", "effective_from"),
    )

    case_type: Mapped[str] = mapped_column(choice("case_type", CASE_TYPES), info=labelled("執行方式"))
    defense_class: Mapped[str | None] = mapped_column(choice("defense_class", DEFENSE_CLASSES),
                                                      info=labelled("國防/產業類別(空白為不限)"))
    min_multiplier: Mapped[Decimal] = mapped_column(MULTIPLIER, info=labelled("乘數下限"))
    max_multiplier: Mapped[Decimal] = mapped_column(MULTIPLIER, info=labelled("乘數上限"))
    cap: Mapped[Decimal | None] = mapped_column(MULTIPLIER, info=labelled("乘數總上限"))
    effective_from: Mapped[date] = mapped_column(info=labelled("生效日"))
    effective_to: Mapped[date | None] = mapped_column(info=labelled("失效日"))
    note: Mapped[str | None] = mapped_column(Text, info=labelled("備註"))

    def __str__(self) -> str:
        return f"{self.case_type} {self.min_multiplier}–{self.max_multiplier}"


class FeeRule(Record):
    __tablename__ = "fee_rule"
    __table_args__ = (
        between("rate_pct", 0, 100),
        between("defense_reduction_pct", 0, 100),
        not_before("effective_to", "effective_from"),
    )

    rate_pct: Mapped[Decimal] = mapped_column(MULTIPLIER, info=labelled("回饋金費率(%)"))
    defense_reduction_pct: Mapped[Decimal] = mapped_column(MULTIPLIER, default=Decimal(0),
                                                           info=labelled("國防產業減收(%)"))
    effective_from: Mapped[date] = mapped_column(info=labelled("生效日"))
    effective_to: Mapped[date | None] = mapped_column(info=labelled("失效日"))
    note: Mapped[str | None] = mapped_column(Text, info=labelled("備註"))

    def __str__(self) -> str:
        return f"{self.rate_pct}%（{self.effective_from}）"


class BankedCredit(Record):
    __tablename__ = "banked_credit"
    __table_args__ = nonneg("amount") + (not_before("valid_until", "banked_on"),)

    source_case_id: Mapped[int] = mapped_column(ForeignKey("icp_case.id"), index=True, info=labelled("來源個案"))
    amount: Mapped[Decimal] = mapped_column(MONEY, info=labelled("留存額度"))
    currency: Mapped[str] = mapped_column(choice("credit_currency", CURRENCIES), default="USD", info=labelled("幣別"))
    banked_on: Mapped[date] = mapped_column(info=labelled("留存日期"))
    valid_until: Mapped[date | None] = mapped_column(info=labelled("有效期限"))
    used_by_case_id: Mapped[int | None] = mapped_column(ForeignKey("icp_case.id"), index=True,
                                                        info=labelled("使用個案"))
    used_on: Mapped[date | None] = mapped_column(info=labelled("使用日期"))
    note: Mapped[str | None] = mapped_column(Text, info=labelled("備註"))

    source_case: Mapped["IcpCase"] = relationship(foreign_keys=[source_case_id], info=labelled("來源個案"))
    used_by_case: Mapped["IcpCase | None"] = relationship(foreign_keys=[used_by_case_id], info=labelled("使用個案"))

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class ProgressReport(Record):
    __tablename__ = "progress_report"
    __table_args__ = (
        UniqueConstraint("case_id", "year", "quarter"),
        between("quarter", 1, 4),
        between("year", 1980, 2200),
    )

    case_id: Mapped[int] = mapped_column(ForeignKey("icp_case.id"), index=True, info=labelled("個案"))
    year: Mapped[int] = mapped_column(info=labelled("年度(西元)"))
    quarter: Mapped[int] = mapped_column(info=labelled("季別"))
    received_on: Mapped[date | None] = mapped_column(info=labelled("收件日期"))
    checkpoint_reached: Mapped[bool] = mapped_column(Boolean, default=False, info=labelled("達成查核點"))
    note: Mapped[str | None] = mapped_column(Text, info=labelled("備註"))

    case: Mapped["IcpCase"] = relationship(info=labelled("個案"))

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter}"


class FeedbackFee(Record):
    __tablename__ = "feedback_fee"
    __table_args__ = nonneg("amount_due", "amount_paid")

    case_id: Mapped[int] = mapped_column(ForeignKey("icp_case.id"), index=True, info=labelled("個案"))
    firm_id: Mapped[int] = mapped_column(ForeignKey("domestic_firm.id"), index=True, info=labelled("國內廠商"))
    amount_due: Mapped[Decimal] = mapped_column(MONEY, info=labelled("應繳金額(新台幣)"))
    amount_paid: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0), info=labelled("已繳金額(新台幣)"))
    paid_on: Mapped[date | None] = mapped_column(info=labelled("繳納日期"))
    pledge_notarised: Mapped[bool] = mapped_column(Boolean, default=False, info=labelled("承諾書已公證"))
    note: Mapped[str | None] = mapped_column(Text, info=labelled("備註"))

    case: Mapped["IcpCase"] = relationship(info=labelled("個案"))
    firm: Mapped["DomesticFirm"] = relationship(info=labelled("國內廠商"))

    def __str__(self) -> str:
        return f"{self.amount_due}"


class ExportControlPledge(Record):
    __tablename__ = "export_control_pledge"
    __table_args__ = (not_before("transfer_completed_on", "signed_on"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("icp_case.id"), index=True, info=labelled("個案"))
    firm_id: Mapped[int] = mapped_column(ForeignKey("domestic_firm.id"), index=True, info=labelled("國內廠商"))
    signed_on: Mapped[date] = mapped_column(info=labelled("簽署日期"))
    transfer_completed_on: Mapped[date | None] = mapped_column(info=labelled("技術移轉完成日"))
    note: Mapped[str | None] = mapped_column(Text, info=labelled("備註"))

    case: Mapped["IcpCase"] = relationship(info=labelled("個案"))
    firm: Mapped["DomesticFirm"] = relationship(info=labelled("國內廠商"))

    @property
    def restricted_until(self) -> date | None:
        """The firm may not move the technology abroad for 2 years after the transfer completes."""
        done = self.transfer_completed_on
        if done is None:
            return None
        try:
            return done.replace(year=done.year + 2)
        except ValueError:  # 29 February
            return done.replace(year=done.year + 2, day=28)

    def __str__(self) -> str:
        return f"{self.signed_on}"
