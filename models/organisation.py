"""Organisations and people: foreign contractors, domestic firms, agencies and the expert pool."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import MONEY, Record, choice, labelled, nonneg
from models.choices import CAPABILITY_CATEGORIES, EXPERT_KINDS


class Contractor(Record):
    __tablename__ = "contractor"

    name_zh: Mapped[str] = mapped_column(String(200), unique=True, info=labelled("中文名稱"))
    name_en: Mapped[str | None] = mapped_column(String(200), info=labelled("英文名稱"))
    country: Mapped[str] = mapped_column(String(2), info=labelled("國別", help="ISO 3166 二碼，例如 US"))
    parent_group: Mapped[str | None] = mapped_column(String(200), info=labelled("母公司/集團"))
    contact_person: Mapped[str | None] = mapped_column(String(100), info=labelled("聯絡人"))
    contact_email: Mapped[str | None] = mapped_column(String(200), info=labelled("電子郵件"))
    contact_phone: Mapped[str | None] = mapped_column(String(50), info=labelled("電話"))
    has_bad_record: Mapped[bool] = mapped_column(Boolean, default=False, info=labelled("不良紀錄"))
    bad_record_note: Mapped[str | None] = mapped_column(Text, info=labelled("不良紀錄說明"))
    capability_notes: Mapped[str | None] = mapped_column(Text, info=labelled("技術能量"))

    def __str__(self) -> str:
        return self.name_zh


class DomesticFirm(Record):
    __tablename__ = "domestic_firm"
    __table_args__ = nonneg("paid_in_capital", "employees") + (
        Index("ix_domestic_firm_defense_name", "is_defense_supplier", "name"),  # filtered list in name order
    )

    name: Mapped[str] = mapped_column(String(200), index=True, info=labelled("廠商名稱"))
    ubn: Mapped[str] = mapped_column(String(8), unique=True, info=labelled("統一編號"))
    sector: Mapped[str | None] = mapped_column(String(100), index=True, info=labelled("產業別"))
    address: Mapped[str | None] = mapped_column(String(300), info=labelled("地址"))
    contact_person: Mapped[str | None] = mapped_column(String(100), info=labelled("聯絡人"))
    contact_phone: Mapped[str | None] = mapped_column(String(50), info=labelled("電話"))
    contact_email: Mapped[str | None] = mapped_column(String(200), info=labelled("電子郵件"))
    paid_in_capital: Mapped[Decimal | None] = mapped_column(MONEY, info=labelled("實收資本額(新台幣)"))
    employees: Mapped[int | None] = mapped_column(info=labelled("員工人數"))
    is_defense_supplier: Mapped[bool] = mapped_column(Boolean, default=False, info=labelled("國防供應商"))
    in_capability_db: Mapped[bool] = mapped_column(Boolean, default=False, info=labelled("列入能量資料庫"))
    capability_category: Mapped[str | None] = mapped_column(
        choice("capability_category", CAPABILITY_CATEGORIES), info=labelled("能量資料庫類別"))
    capability_db_added_on: Mapped[date | None] = mapped_column(info=labelled("納入資料庫日期"))
    capability_notes: Mapped[str | None] = mapped_column(Text, info=labelled("能量說明"))

    def __str__(self) -> str:
        return f"{self.name}（{self.ubn}）"


class Agency(Record):
    __tablename__ = "agency"

    name: Mapped[str] = mapped_column(String(200), unique=True, info=labelled("機關名稱"))
    parent: Mapped[str | None] = mapped_column(String(200), info=labelled("上級機關"))
    note: Mapped[str | None] = mapped_column(Text, info=labelled("備註"))

    def __str__(self) -> str:
        return self.name


class Expert(Record):
    __tablename__ = "expert"
    __table_args__ = (UniqueConstraint("name", "affiliation"),)

    name: Mapped[str] = mapped_column(String(100), info=labelled("姓名"))
    affiliation: Mapped[str] = mapped_column(String(200), info=labelled("服務單位"))
    field: Mapped[str | None] = mapped_column(String(100), info=labelled("專長領域"))
    kind: Mapped[str] = mapped_column(choice("expert_kind", EXPERT_KINDS), info=labelled("委員類別"))
    email: Mapped[str | None] = mapped_column(String(200), info=labelled("電子郵件"))
    phone: Mapped[str | None] = mapped_column(String(50), info=labelled("電話"))

    def __str__(self) -> str:
        return f"{self.name}（{self.affiliation}）"
