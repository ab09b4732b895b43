"""The interchange workbook: one sheet per record table, Chinese headers over a hidden row of attribute names.

References between records are written as natural keys (a contractor's Chinese name, an agreement's
number, a firm's 統一編號, a meeting as "工業合作推動小組會議@2011-03-17"), never as database ids, so a
workbook can move between databases and be filled in by hand. Derived values (credits, a case's status,
a demand item's tier), versions and ids are left out: an import recomputes them. `flask icp export-all`
and the import page's template come from here; icp.importer reads the same map back.
"""
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from decimal import Decimal
from typing import IO

from sqlalchemy import Boolean, Date, Enum, Integer, Numeric, inspect, select
from sqlalchemy.orm import RelationshipProperty, selectinload

from icp.extensions import db
from icp.xlsx import cell_write, text_width, workbook_open
from models import (Agency, Agreement, AnnualTarget, Award, BankedCredit, BudgetLine, CapabilityAssessment,
                    CaseDecision, CaseReview, Contractor, DefenseTarget, DemandItem, DomesticFirm, Event, Expert,
                    ExportControlPledge, FactoryVisit, FeedbackFee, FeeRule, IcpCase, Meeting, MultiplierRule,
                    OverseasTrip, PlanChange, Procurement, ProgressReport, Publication, TrainingSession)

KEY_SEPARATOR = "@"  # between the parts of a composite natural key: 工業合作推動小組會議@2011-03-17
LIST_SEPARATOR = "；"  # between the natural keys of a many-to-many link
DERIVED = {(IcpCase, "credit"), (IcpCase, "status"), (CaseDecision, "credits"), (DemandItem, "tier")}
SKIPPED = {"id", "version_id"}
README_SHEET = "說明"
CHUNK = 1000


@dataclass(frozen=True)
class Spec:
    """One sheet: its model, its name, and the natural key that matches a row to a stored record.

    `key` names attributes (relationships by name). Where the table has a UNIQUE constraint the key is
    that constraint and a duplicate in the workbook is an error; otherwise (`unique=False`) rows with the
    same key are matched to stored records with that key in id order.
    """

    model: type
    sheet: str
    key: tuple[str, ...]
    unique: bool = True


# In dependency order: every sheet refers only to sheets above it; the rule tables come before the cases
# they check.
SPECS: tuple[Spec, ...] = (
    Spec(Agency, "採購建案單位", ("name",)),
    Spec(Contractor, "國外承商", ("name_zh",)),
    Spec(DomesticFirm, "國內廠商", ("ubn",)),
    Spec(Expert, "分組委員", ("name", "affiliation")),
    Spec(MultiplierRule, "乘數標準", ("case_type", "defense_class", "effective_from"), unique=False),
    Spec(FeeRule, "回饋金費率", ("effective_from",), unique=False),
    Spec(DefenseTarget, "國防工合目標", ("year",)),
    Spec(Procurement, "購案", ("title", "year"), unique=False),
    Spec(Agreement, "工業合作協議書", ("number",)),
    Spec(IcpCase, "工業合作個案", ("number",)),
    Spec(Meeting, "會議", ("kind", "held_on")),
    Spec(CaseDecision, "審議結果", ("meeting", "case", "kind"), unique=False),
    Spec(CaseReview, "分組審查結果", ("meeting", "case")),
    Spec(ProgressReport, "進度報告", ("case", "year", "quarter")),
    Spec(FeedbackFee, "回饋金", ("case", "firm"), unique=False),
    Spec(ExportControlPledge, "輸出境外管制承諾書", ("case", "firm"), unique=False),
    Spec(BankedCredit, "額度留存", ("source_case", "banked_on"), unique=False),
    Spec(DemandItem, "工合需求項目", ("year", "quarter", "title"), unique=False),
    Spec(Event, "推廣活動", ("title", "starts_on"), unique=False),
    Spec(TrainingSession, "教育訓練", ("title", "starts_on"), unique=False),
    Spec(Publication, "出版與網站", ("title", "published_on"), unique=False),
    Spec(OverseasTrip, "出國報告", ("topic", "obtained_on"), unique=False),
    Spec(CapabilityAssessment, "自製能量評估", ("item", "requested_on"), unique=False),
    Spec(FactoryVisit, "訪廠評估", ("firm", "visited_on"), unique=False),
    Spec(Award, "績優表揚", ("round_year", "category", "rank")),
    Spec(AnnualTarget, "年度目標", ("year", "kpi")),
    Spec(BudgetLine, "經費運用", ("year", "item")),
    Spec(PlanChange, "差異分析", ("year", "work_item"), unique=False),
)
SPEC_OF = {spec.model: spec for spec in SPECS}


@dataclass(frozen=True)
class Field:
    """One column of a sheet: an attribute (a column, a to-one link or a many-to-many link)."""

    key: str
    label: str
    kind: str  # text, choice, int, decimal, date, bool, ref, refs
    column: object | None = None  # the table column (for a link: the foreign key column)
    target: type | None = None  # the referenced model of a link
    choices: tuple[str, ...] = ()
    required: bool = False
    default: object = None
    scale: int | None = None


def _kind(column) -> str:
    kind = column.type
    if isinstance(kind, Enum):
        return "choice"
    if isinstance(kind, Boolean):
        return "bool"
    if isinstance(kind, Date):
        return "date"
    if isinstance(kind, Numeric):
        return "decimal"
    if isinstance(kind, Integer):
        return "int"
    return "text"


def _default(column):
    if column.default is None or not getattr(column.default, "is_scalar", False):
        return None
    return column.default.arg


def label_zh(info: dict, default: str) -> str:
    """A column's Chinese label whatever the user's language: the workbook is the office's, in Chinese.

    Labels are lazy gettext strings whose message id is the Traditional Chinese text (the source language).
    """
    label = info.get("label")
    if label is None:
        return default
    args = getattr(label, "_args", None)
    return str(args[0]) if args else str(label)


@cache
def fields_of(model: type) -> tuple[Field, ...]:
    """The sheet's columns in the model's order, a foreign key replaced by its relationship."""
    mapper = inspect(model)
    by_fk = {}
    for rel in mapper.relationships:
        if rel.secondary is None and rel.direction.name == "MANYTOONE":
            by_fk[next(iter(rel.local_columns)).key] = rel
    fields = []
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        if attr.key in SKIPPED or (model, attr.key) in DERIVED:
            continue
        label = label_zh(column.info, attr.key)
        required = not column.nullable and _default(column) is None
        if attr.key in by_fk:
            rel = by_fk[attr.key]
            fields.append(Field(rel.key, label_zh(rel.info, label), "ref", column, rel.mapper.class_,
                                required=required))
            continue
        kind = _kind(column)
        fields.append(Field(attr.key, label, kind, column, choices=tuple(getattr(column.type, "enums", ()) or ()),
                            required=required, default=_default(column),
                            scale=getattr(column.type, "scale", None) if kind == "decimal" else None))
    for rel in mapper.relationships:
        if rel.secondary is not None and isinstance(rel, RelationshipProperty):
            fields.append(Field(rel.key, label_zh(rel.info, rel.key), "refs", None, rel.mapper.class_))
    return tuple(fields)


# Natural keys as text ---------------------------------------------------------------------------------------
def key_part_text(value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return ""
    return str(value)


def natural_key(record) -> str:
    """The text that names `record` in another sheet: its key parts joined by @ (links by their own key)."""
    spec = SPEC_OF[type(record)]
    parts = []
    for name in spec.key:
        value = getattr(record, name)
        parts.append(natural_key(value) if value is not None and type(value) in SPEC_OF else key_part_text(value))
    return KEY_SEPARATOR.join(parts)


def key_hint(model: type) -> str:
    """How a reference to `model` is written, for the read-me and error messages: 會議類別@開會日期."""
    spec = SPEC_OF[model]
    labels = {f.key: f.label for f in fields_of(model)}
    return KEY_SEPARATOR.join(labels.get(name, name) for name in spec.key)


# Export -----------------------------------------------------------------------------------------------------
def cell_value(record, field: Field):
    value = getattr(record, field.key)
    if field.kind == "ref":
        return natural_key(value) if value is not None else None
    if field.kind == "refs":
        return LIST_SEPARATOR.join(sorted(natural_key(item) for item in value)) or None
    return value


def records_of(spec: Spec) -> Iterator:
    """Every stored record of the sheet in id order, in chunks so memory stays flat on a large office.

    The linked records each row names are loaded per chunk (one query per link), not per row.
    """
    links = [selectinload(getattr(spec.model, f.key)) for f in fields_of(spec.model) if f.kind in ("ref", "refs")]
    last = 0
    while True:
        chunk = db.session.scalars(select(spec.model).options(*links).where(spec.model.id > last)
                                   .order_by(spec.model.id).limit(CHUNK)).all()
        if not chunk:
            return
        yield from chunk
        last = chunk[-1].id
        records_release()  # what was yielded is written; drop it from the identity map


def records_release() -> None:
    """Let the session forget the office records it holds (not the signed-in user), so memory stays flat."""
    dirty = db.session.dirty  # computed from the whole identity map: once, not per record
    for record in list(db.session.identity_map.values()):
        if type(record) in SPEC_OF and record not in dirty:
            db.session.expunge(record)


def rows_of(spec: Spec) -> Iterator[list]:
    fields = fields_of(spec.model)
    for record in records_of(spec):
        yield [cell_value(record, f) for f in fields]


@dataclass
class _Formats:
    workbook: object
    made: dict = field(default_factory=dict)

    def __post_init__(self):
        add = self.workbook.add_format
        self.header = add({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
        self.keys = add({"font_color": "#808080", "italic": True})
        self.cells = {"money": add({"num_format": "#,##0.##"}), "integer": add({"num_format": "#,##0"}),
                      "day": add({"num_format": "yyyy-mm-dd"}), "moment": add({"num_format": "yyyy-mm-dd hh:mm"}),
                      "quoted": add({"quote_prefix": True})}


def sheet_write(workbook, formats: _Formats, spec: Spec, rows) -> int:
    """Header row, hidden machine-key row, then typed rows (constant-memory: strictly top to bottom)."""
    fields = fields_of(spec.model)
    worksheet = workbook.add_worksheet(spec.sheet)
    for col, f in enumerate(fields):
        width = max(10, text_width(f.label) + 2, 12 if f.kind == "date" else 0, 30 if f.kind in ("ref", "refs") else 0)
        worksheet.set_column(col, col, min(width, 50))
    worksheet.write_row(0, 0, [f.label for f in fields], formats.header)
    worksheet.set_row(1, None, None, {"hidden": True})
    worksheet.write_row(1, 0, [f.key for f in fields], formats.keys)
    worksheet.freeze_panes(2, 0)
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            cell_write(worksheet, count + 1, col, value, **formats.cells)
    return count


def readme_rows() -> list[list[str]]:
    rows = [["工作表", "對應資料", "比對鍵（自然鍵）", "說明"]]
    for spec in SPECS:
        rows.append([spec.sheet, spec.sheet, key_hint(spec.model),
                     "比對鍵相同的資料會更新，否則新增" if spec.unique else "比對鍵可重複，依出現順序對應既有資料"])
    rows += [[], ["填寫規則"],
             ["第 1 列為中文欄名，第 2 列（隱藏）為系統欄位代碼，請勿修改或刪除；資料由第 3 列開始。"],
             ["引用其他紀錄時填其比對鍵，例如協議書填「協議書編號」、廠商填「統一編號」、"
              "會議填「會議類別@開會日期」（如 工業合作推動小組會議@2011-03-17）。"],
             [f"多筆引用以全形分號「{LIST_SEPARATOR}」分隔。"],
             ["日期可填 2011-03-17、民國 100/3/17、100.03.17 或 100年3月17日；金額可含千分位或「萬」「億」單位。"],
             ["是否欄位填 是/否（或 TRUE/FALSE、Y/N）。"],
             ["額度（點）、個案狀態、需求項目等級、版本等由系統計算，不需填寫。"],
             ["匯入前系統會檢查每一列；有任何錯誤則全部不寫入，並提供標示錯誤儲存格的檔案。"]]
    return rows


def workbook_export(out: IO[bytes] | str, *, template: bool = False) -> dict[str, int]:
    """Write the interchange workbook of the whole database (or, as `template`, one example row per sheet).

    Returns rows written per sheet.
    """
    workbook = workbook_open(out)
    formats = _Formats(workbook)
    counts = {}
    examples = template_examples() if template else None
    readme = workbook.add_worksheet(README_SHEET)
    readme.set_column(0, 0, 24)
    readme.set_column(1, 1, 24)
    readme.set_column(2, 2, 40)
    readme.set_column(3, 3, 60)
    for r, row in enumerate(readme_rows()):
        for c, text in enumerate(row):
            cell_write(readme, r, c, text, **formats.cells)
    for spec in SPECS:
        rows = [examples[spec.model]] if template else rows_of(spec)
        counts[spec.sheet] = sheet_write(workbook, formats, spec, rows)
    workbook.close()
    return counts


# The template's example rows ----------------------------------------------------------------------------
EXAMPLE_VALUES = {
    Agency: {"name": "國防部", "parent": "行政院"},
    Contractor: {"name_zh": "範例外商公司", "name_en": "Example Corp.", "country": "US"},
    DomesticFirm: {"name": "範例航太股份有限公司", "ubn": "04595257"},
    Expert: {"name": "王委員", "affiliation": "工業技術研究院", "kind": "產業"},
    Procurement: {"title": "範例購案", "year": 2011, "currency": "USD"},
    Agreement: {"number": "ICA-100-001", "obligation": Decimal("60000000"), "status": "已簽署"},
    IcpCase: {"number": "C-100-001", "title": "範例技術移轉個案", "case_type": "技術移轉", "field": "國防",
              "defense_class": "間接國防工合", "multiplier": Decimal(2), "actual_value": Decimal(1000000)},
    Meeting: {"kind": "工業合作推動小組會議", "held_on": date(2011, 3, 17), "title": "100年第1次推動小組會議",
              "minutes_approved_on": date(2011, 3, 31), "db_updated_on": date(2011, 4, 1)},
    CaseDecision: {"kind": "實核通過", "approved_value": Decimal(1000000), "multiplier": Decimal(2)},
    CaseReview: {"result": "通過審查"},
    ProgressReport: {"year": 2011, "quarter": 1},
    DemandItem: {"year": 2011, "quarter": 1, "score": Decimal(85), "status": "初審中"},
    Award: {"round_year": 2011, "category": "團體獎", "rank": 1, "prize_ntd": Decimal(50000)},
    AnnualTarget: {"year": 2011, "kpi": "推動小組會議", "work_item": "個案審核", "unit": "次"},
    BudgetLine: {"year": 2011, "item": "委辦費"},
    DefenseTarget: {"year": 2011, "target_pct": Decimal(50)},
    MultiplierRule: {"min_multiplier": Decimal(1), "max_multiplier": Decimal(6), "effective_from": date(2008, 1, 1)},
    FeeRule: {"rate_pct": Decimal(1), "effective_from": date(2011, 7, 4)},
}
EXAMPLE_REFS = {(Award, "contractor"): None,
                (DemandItem, "second_review_meeting"): None, (CapabilityAssessment, "follow_up_case"): None,
                (BankedCredit, "used_by_case"): None, (FactoryVisit, "assessment"): None}


def _example_value(model: type, f: Field, keys: dict):
    if (model, f.key) in EXAMPLE_REFS:
        return EXAMPLE_REFS[(model, f.key)]
    if f.key in EXAMPLE_VALUES.get(model, {}):
        return EXAMPLE_VALUES[model][f.key]
    if f.kind == "ref":
        return keys[f.target]
    if f.kind == "refs":
        return keys[f.target]
    if not f.required and f.kind != "bool":
        return None
    return {"choice": (f.choices or ("",))[0], "bool": bool(f.default), "date": date(2011, 3, 17),
            "int": 1, "decimal": Decimal(1)}.get(f.kind, f"範例{f.label}")


def template_examples() -> dict[type, list]:
    """One example row per sheet, each referring to the example rows of the sheets it depends on."""
    rows, keys = {}, {}
    for spec in SPECS:
        fields = fields_of(spec.model)
        row = [_example_value(spec.model, f, keys) for f in fields]
        rows[spec.model] = row
        by_key = dict(zip((f.key for f in fields), row))
        keys[spec.model] = KEY_SEPARATOR.join(key_part_text(by_key.get(k)) for k in spec.key)
    return rows
