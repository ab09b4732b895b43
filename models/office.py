"""The office's own programme records: awards, overseas trips, annual targets, budget and plan changes."""
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from icp.extensions import db
from models.base import MONEY, Record, between, choice, labelled, nonneg
from models.choices import AWARD_CATEGORIES, BUDGET_ITEMS

THOUSANDS = db.Numeric(14, 3)  # 千元


class Award(Record):
    __tablename__ = "award"
    __table_args__ = nonneg("prize_ntd") + (
        UniqueConstraint("round_year", "category", "rank"),
        between("rank", 1, None),
        between("round_year", 1980, 2200),
        CheckConstraint("(CASE WHEN firm_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN contractor_id IS NULL "
                        "THEN 0 ELSE 1 END) + (CASE WHEN person IS NULL THEN 0 ELSE 1 END) = 1", name="one_recipient"),
    )

    round_year: Mapped[int] = mapped_column(info=labelled("表揚年度(西元)"))
    category: Mapped[str] = mapped_column(choice("award_category", AWARD_CATEGORIES), info=labelled("獎項類別"))
    rank: Mapped[int] = mapped_column(info=labelled("名次"))
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("domestic_firm.id"), index=True,
                                                info=labelled("得獎廠商"))
    contractor_id: Mapped[int | None] = mapped_column(ForeignKey("contractor.id"), index=True,
                                                      info=labelled("得獎外商"))
    person: Mapped[str | None] = mapped_column(String(100), info=labelled("得獎個人"))
    prize_ntd: Mapped[Decimal] = mapped_column(MONEY, info=labelled("獎金(新台幣)"))
    ceremony_on: Mapped[date | None] = mapped_column(info=labelled("頒獎日期"))
    citation: Mapped[str | None] = mapped_column(Text, info=labelled("得獎事蹟"))

    # joined: every list row shows the recipient, whichever of the three it is
    firm: Mapped["DomesticFirm | None"] = relationship(lazy="joined", info=labelled("得獎廠商"))
    contractor: Mapped["Contractor | None"] = relationship(lazy="joined", info=labelled("得獎外商"))

    @property
    def recipient(self) -> str:
        return str(self.firm or self.contractor or self.person or "")

    def __str__(self) -> str:
        return f"{self.round_year} {self.category} 第{self.rank}名"


class OverseasTrip(Record):
    __tablename__ = "overseas_trip"

    plan_name: Mapped[str] = mapped_column(String(300), info=labelled("計畫名稱"))
    topic: Mapped[str] = mapped_column(String(300), info=labelled("出國主題"))
    obtained_on: Mapped[date] = mapped_column(info=labelled("作成或取得時間"))
    retention_period: Mapped[str | None] = mapped_column(String(50), info=labelled("保管期間"))
    storage_place: Mapped[str | None] = mapped_column(String(200), info=labelled("保管場所"))

    def __str__(self) -> str:
        return self.topic


class AnnualTarget(Record):
    __tablename__ = "annual_target"
    __table_args__ = nonneg("target_value") + (
        UniqueConstraint("year", "kpi"),
        between("year", 1980, 2200),
    )

    year: Mapped[int] = mapped_column(info=labelled("年度(西元)"))
    work_item: Mapped[str] = mapped_column(String(100), info=labelled("工作項目"))
    kpi: Mapped[str] = mapped_column(String(300), info=labelled("績效指標"))
    target_value: Mapped[Decimal] = mapped_column(MONEY, info=labelled("目標值"))
    unit: Mapped[str] = mapped_column(String(20), info=labelled("單位"))
    actual_source: Mapped[str | None] = mapped_column(String(50), info=labelled("實績計算方式"))
    manual_actual: Mapped[Decimal | None] = mapped_column(MONEY, info=labelled("人工填報實績"))
    note: Mapped[str | None] = mapped_column(Text, info=labelled("備註"))

    def __str__(self) -> str:
        return self.kpi


class BudgetLine(Record):
    __tablename__ = "budget_line"
    __table_args__ = nonneg("contracted", "reported", "returned", "retained") + (
        UniqueConstraint("year", "item"),
        between("year", 1980, 2200),
    )

    year: Mapped[int] = mapped_column(info=labelled("年度(西元)"))
    item: Mapped[str] = mapped_column(choice("budget_item", BUDGET_ITEMS), info=labelled("項目"))
    contracted: Mapped[Decimal] = mapped_column(THOUSANDS, default=Decimal(0), info=labelled("簽約數(千元)"))
    reported: Mapped[Decimal] = mapped_column(THOUSANDS, default=Decimal(0), info=labelled("結報數(千元)"))
    returned: Mapped[Decimal] = mapped_column(THOUSANDS, default=Decimal(0), info=labelled("繳庫數(千元)"))
    retained: Mapped[Decimal] = mapped_column(THOUSANDS, default=Decimal(0), info=labelled("保留數(千元)"))
    note: Mapped[str | None] = mapped_column(Text, info=labelled("備註"))

    def __str__(self) -> str:
        return f"{self.year} {self.item}"


class PlanChange(Record):
    __tablename__ = "plan_change"
    __table_args__ = (between("year", 1980, 2200),)

    year: Mapped[int] = mapped_column(info=labelled("年度(西元)"))
    work_item: Mapped[str] = mapped_column(String(200), info=labelled("計畫項目"))
    difference: Mapped[str] = mapped_column(Text, info=labelled("差異分析"))
    reason: Mapped[str | None] = mapped_column(Text, info=labelled("調整理由"))
    effect: Mapped[str | None] = mapped_column(Text, info=labelled("規格、功能、效益增減說明"))
    approval_document: Mapped[str | None] = mapped_column(String(200), info=labelled("核准文號"))

    def __str__(self) -> str:
        return self.work_item
