"""The meeting grid (會議快速編輯): several people correct one meeting's records at once, cell by cell.

Every saved cell goes through the record screen's own form field and icp.validation, checks the
version the browser based it on, and is logged by the history listener with source "grid".
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import abort, g, jsonify, request
from flask_admin import BaseView, expose
from flask_babel import LazyString, gettext as _, lazy_gettext as _l
from flask_wtf.csrf import generate_csrf, validate_csrf
from sqlalchemy import Boolean, Date, Enum, Integer, Numeric, Text, and_, false, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, ValidationError

from icp.extensions import db
from icp.history import stale_message
from icp.roc import ROC_OFFSET, gregorian_year, roc_date_table
from icp.validation import record_problems
from models import Agreement, CaseDecision, CaseReview, DemandItem, FeedbackFee, IcpCase, Meeting, ProgressReport
from models.choices import STEERING_MEETING
from views.base import RecordView, SecureMixin, model_labels, record_values, related_label

ROW_LIMIT = 1000  # a meeting has dozens of rows; a year's filter a few hundred
TRUE_TEXTS = frozenset({"true", "1", "y", "yes", "v", "是", "✓", "✔"})
FALSE_TEXTS = frozenset({"false", "0", "n", "no", "否", ""})


class GridRefusal(Exception):
    """A cell save refused with a message for the user and an HTTP status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = str(message), status


@dataclass(frozen=True)
class Period:
    """A year, optionally one quarter of it, as a half-open date range."""

    year: int
    quarter: int | None = None

    @property
    def start(self) -> date:
        return date(self.year, 3 * (self.quarter - 1) + 1, 1) if self.quarter else date(self.year, 1, 1)

    @property
    def end(self) -> date:
        if self.quarter and self.quarter < 4:
            return date(self.year, 3 * self.quarter + 1, 1)
        return date(self.year + 1, 1, 1)


def _period_of_dates(column) -> Callable[[Period], object]:
    return lambda period: and_(column >= period.start, column < period.end)


def _period_of_numbers(year_column, quarter_column) -> Callable[[Period], object]:
    def clause(period: Period):
        return year_column == period.year if period.quarter is None else \
            and_(year_column == period.year, quarter_column == period.quarter)
    return clause


def meeting_case_ids(meeting: Meeting):
    """The cases a steering meeting dealt with: decided at it, or reviewed at it."""
    return select(CaseDecision.case_id).where(CaseDecision.meeting_id == meeting.id).union(
        select(CaseReview.case_id).where(CaseReview.meeting_id == meeting.id))


def meeting_quarter(meeting: Meeting) -> Period:
    return Period(meeting.held_on.year, (meeting.held_on.month - 1) // 3 + 1)


@dataclass(frozen=True)
class GridTable:
    """One table of the grid: what it shows, what may be corrected live, and how it is scoped."""

    model: type
    label: LazyString
    columns: tuple[str, ...]  # in order; dotted names are read-only context from linked records
    editable: tuple[str, ...]
    of_meeting: Callable[[Meeting], object]
    of_period: Callable[[Period], object]
    order_by: tuple


GRID_TABLES = {
    "decision": GridTable(
        CaseDecision, _l("審議結果"),
        ("case.number", "case.title", "kind", "approved_value", "multiplier", "credits", "currency", "conditions",
         "note"),
        ("kind", "approved_value", "multiplier", "currency", "conditions", "note"),
        of_meeting=lambda m: CaseDecision.meeting_id == m.id,
        of_period=lambda p: CaseDecision.meeting.has(_period_of_dates(Meeting.held_on)(p)),
        order_by=(CaseDecision.id,)),
    "case": GridTable(
        IcpCase, _l("工業合作個案"),
        ("number", "title", "agreement.number", "actual_value", "currency", "multiplier", "credit", "status",
         "planned_end"),
        ("title", "actual_value", "multiplier", "planned_end"),
        of_meeting=lambda m: IcpCase.id.in_(meeting_case_ids(m)),
        of_period=_period_of_dates(IcpCase.submitted_on),
        order_by=(IcpCase.number,)),
    "agreement": GridTable(
        Agreement, _l("工業合作協議書"),
        ("number", "contractor.name_zh", "signed_on", "status", "deadline", "extended_deadline"),
        ("status", "deadline", "extended_deadline"),
        of_meeting=lambda m: Agreement.id.in_(select(IcpCase.agreement_id).where(IcpCase.id.in_(meeting_case_ids(m)))),
        of_period=_period_of_dates(Agreement.signed_on),
        order_by=(Agreement.number,)),
    "demand": GridTable(
        DemandItem, _l("工合需求項目"),
        ("year", "quarter", "title", "proposing_unit", "score", "tier", "status", "published"),
        ("score", "status", "published"),
        of_meeting=lambda m: or_(DemandItem.second_review_meeting_id == m.id,
                                 _period_of_numbers(DemandItem.year, DemandItem.quarter)(meeting_quarter(m))),
        of_period=_period_of_numbers(DemandItem.year, DemandItem.quarter),
        order_by=(DemandItem.year, DemandItem.quarter, DemandItem.id)),
    "progress": GridTable(
        ProgressReport, _l("進度報告"),
        ("case.number", "case.title", "year", "quarter", "received_on", "checkpoint_reached", "note"),
        ("received_on", "checkpoint_reached", "note"),
        of_meeting=lambda m: ProgressReport.case_id.in_(meeting_case_ids(m)),
        of_period=_period_of_numbers(ProgressReport.year, ProgressReport.quarter),
        order_by=(ProgressReport.year, ProgressReport.quarter, ProgressReport.id)),
    "fee": GridTable(
        FeedbackFee, _l("回饋金"),
        ("case.number", "firm.name", "amount_due", "amount_paid", "paid_on", "pledge_notarised"),
        ("amount_paid", "paid_on", "pledge_notarised"),
        of_meeting=lambda m: FeedbackFee.case_id.in_(meeting_case_ids(m)),
        of_period=_period_of_dates(FeedbackFee.paid_on),
        order_by=(FeedbackFee.id,)),
}


def grid_key(name: str) -> str:
    """The grid's field name for a column: the grid library reads dots as nesting."""
    return name.replace(".", "__")


def column_value(record, name: str):
    value = record
    for part in name.split("."):
        value = getattr(value, part, None) if value is not None else None
    return value


def json_value(value):
    """Decimals as exact text (never float), dates as ISO, linked records by their name."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def row_of(table: GridTable, record) -> dict:
    row = {"id": record.id, "version": record.version_id}
    row.update({grid_key(name): json_value(column_value(record, name)) for name in table.columns})
    return row


def column_of(table: GridTable, name: str, labels: dict) -> dict:
    """How the browser shows and edits one column (`type` picks the editor)."""
    if "." in name:
        return {"field": grid_key(name), "title": str(related_label(table.model, name)), "type": "text",
                "editable": False}
    column = table.model.__table__.columns[name]
    spec = {"field": name, "title": str(labels.get(name, name)), "editable": name in table.editable,
            "nullable": column.nullable}
    if isinstance(column.type, Enum):
        spec.update(type="list", values=list(column.type.enums))
    elif isinstance(column.type, Boolean):
        spec["type"] = "tick"
    elif isinstance(column.type, Date):
        spec["type"] = "date"
    elif isinstance(column.type, Numeric):
        spec["type"] = "number"  # shown with thousands separators
    elif isinstance(column.type, Integer):
        spec["type"] = "integer"
    elif isinstance(column.type, Text):
        spec["type"] = "textarea"
    else:
        spec["type"] = "text"
    return spec


def _json_error(message: str, status: int):
    response = jsonify(error=str(message), csrf=generate_csrf())
    response.status_code = status
    return response


class MeetingGridView(SecureMixin, BaseView):
    """One meeting's decisions, cases, agreements, demand items, progress reports and fees in an editable grid."""

    def record_view(self, model) -> RecordView:
        """The record screen of `model`: its form and labels are the grid's too."""
        for view in self.admin._views:
            if isinstance(view, RecordView) and view.model is model:
                return view
        raise LookupError(f"no record screen for {model.__name__}")

    # Scope -------------------------------------------------------------------------------------------
    @staticmethod
    def steering_meetings() -> list[Meeting]:
        return list(db.session.scalars(select(Meeting).where(Meeting.kind == STEERING_MEETING)
                                       .order_by(Meeting.held_on.desc())))

    def scope_from_args(self, args) -> tuple[GridTable, str, Meeting | None, Period | None]:
        """The table and scope asked for: a meeting (default the latest steering meeting) or a year/quarter."""
        table_name = args.get("table", "decision")
        if table_name not in GRID_TABLES:
            abort(404)
        period = self.period_from_args(args)
        if period is not None:
            return GRID_TABLES[table_name], table_name, None, period
        meeting_id = args.get("meeting", type=int)
        if meeting_id is not None:
            meeting = db.session.get(Meeting, meeting_id)
            if meeting is None or meeting.kind != STEERING_MEETING:
                abort(404)
        else:
            meeting = db.session.scalar(select(Meeting).where(Meeting.kind == STEERING_MEETING)
                                        .order_by(Meeting.held_on.desc()).limit(1))
        return GRID_TABLES[table_name], table_name, meeting, None

    @staticmethod
    def period_from_args(args) -> Period | None:
        """?year=2011 (or the ROC year 100) and optionally &quarter=3; None when no year is given."""
        year = args.get("year", type=int)
        if year is None:
            return None
        if year < ROC_OFFSET:
            year = gregorian_year(year)
        quarter = args.get("quarter", type=int)
        if not 1 <= year - ROC_OFFSET <= 300 or (quarter is not None and not 1 <= quarter <= 4):
            abort(400)
        return Period(year, quarter)

    def scope_label(self, meeting: Meeting | None, period: Period | None) -> str:
        if period is not None:
            if period.quarter:
                return _("%(year)s 年（民國 %(roc)s 年）第 %(quarter)s 季", year=period.year,
                         roc=period.year - ROC_OFFSET, quarter=period.quarter)
            return _("%(year)s 年（民國 %(roc)s 年）", year=period.year, roc=period.year - ROC_OFFSET)
        if meeting is None:
            return _("尚無工業合作推動小組會議")
        return f"{roc_date_table(meeting.held_on)} {meeting.title}"

    # Pages -------------------------------------------------------------------------------------------
    @expose("/")
    def index(self):
        table, table_name, meeting, period = self.scope_from_args(request.args)
        view = self.record_view(table.model)
        messages = {
            "saving": _("儲存中…"), "saved": _("已儲存"), "undone": _("已復原"),
            "failed": _("未儲存："), "stale": _("此列已被他人修改"), "network": _("無法連線到伺服器，變更未儲存。"),
            "expired": _("登入已逾時，請重新登入後再試。"), "empty": _("此範圍內沒有資料"),
            "pasteStopped": _("貼上已停止：第 %(n)s 格未儲存，其後的儲存格未變更。"),
            "pasted": _("已貼上並儲存 %(n)s 格。"), "truncated": _("只顯示前 %(n)s 列，請縮小範圍。"),
            "readOnly": _("您只能檢視，不能修改。"), "nothingToUndo": _("沒有可復原的修改"),
            "blank": _("（空白）"),
        }
        return self.render("admin/grid.html", tables=GRID_TABLES, table_name=table_name, table=table,
                           meetings=[(m.id, self.scope_label(m, None)) for m in self.steering_meetings()],
                           meeting=meeting, period=period,
                           scope_label=self.scope_label(meeting, period), can_edit=view.can_edit,
                           messages=messages, csrf=generate_csrf())

    @expose("/data")
    def data(self):
        table, table_name, meeting, period = self.scope_from_args(request.args)
        view = self.record_view(table.model)
        labels = {**model_labels(table.model), **view.column_labels}
        if period is not None:
            where = table.of_period(period)
        elif meeting is not None:
            where = table.of_meeting(meeting)
        else:
            where = false()
        linked = {name.split(".")[0] for name in table.columns if "." in name}  # one query per link, not per row
        records = list(db.session.scalars(select(table.model).where(where).order_by(*table.order_by)
                                          .options(*(selectinload(getattr(table.model, r)) for r in linked))
                                          .limit(ROW_LIMIT + 1)))
        return jsonify(table=table_name, scope=self.scope_label(meeting, period), can_edit=view.can_edit,
                       columns=[column_of(table, name, labels) for name in table.columns],
                       rows=[row_of(table, record) for record in records[:ROW_LIMIT]],
                       truncated=len(records) > ROW_LIMIT, limit=ROW_LIMIT, csrf=generate_csrf())

    @expose("/cell", methods=("POST",))
    def cell(self):
        try:
            validate_csrf(request.headers.get("X-CSRFToken"))
        except ValidationError:
            return _json_error(_("安全驗證失敗或已過期，變更未儲存；請按「重新載入」後再試。"), 400)
        try:
            table, view, record, field, value = self.cell_request(request.get_json(silent=True))
            parsed = self.field_parse(view, record, field, value)
            problems = record_problems(table.model, {**record_values(record), field: parsed}, record)
            if problems:
                raise GridRefusal(self.problems_message(problems, field, view))
            setattr(record, field, parsed)
            g.history_source = "grid"
            db.session.commit()
        except GridRefusal as refusal:
            db.session.rollback()
            return _json_error(refusal.message, refusal.status)
        except StaleDataError:  # changed by someone else between our read and our write
            db.session.rollback()
            return _json_error(_("此紀錄在您儲存的同時已被他人修改或刪除，您的變更未儲存。請重新載入後再修改。"), 409)
        except IntegrityError as exc:
            db.session.rollback()
            return _json_error(_("資料違反資料庫限制，未儲存：%(error)s", error=str(exc.orig).splitlines()[0]), 400)
        return jsonify(id=record.id, version=record.version_id, row=row_of(table, record), csrf=generate_csrf())

    # Saving one cell -----------------------------------------------------------------------------------
    def cell_request(self, payload) -> tuple:
        """The table, record screen, record, field and value of a cell save; refused when not allowed."""
        if not isinstance(payload, dict) or not {"table", "id", "version", "field"} <= payload.keys():
            raise GridRefusal(_("資料格式不正確"))
        table = GRID_TABLES.get(payload["table"])
        if table is None:
            raise GridRefusal(_("資料格式不正確"))
        view = self.record_view(table.model)
        if not view.can_edit:
            raise GridRefusal(_("您沒有修改此資料的權限。"), 403)
        field = payload["field"]
        if field not in table.editable:
            raise GridRefusal(_("「%(field)s」不能在會議快速編輯中修改。", field=view.column_labels.get(field, field)))
        record_id, version = payload["id"], payload["version"]
        if any(not isinstance(n, int) or isinstance(n, bool) for n in (record_id, version)):
            raise GridRefusal(_("資料格式不正確"))
        record = db.session.get(table.model, record_id)
        if record is None:
            raise GridRefusal(_("紀錄不存在"), 404)
        if version != record.version_id:
            raise GridRefusal(stale_message(record, version, view.column_labels), 409)
        return table, view, record, field, payload.get("value")

    @staticmethod
    def field_parse(view: RecordView, record, name: str, value):
        """The value the record screen's edit form would store for `value` typed into field `name`.

        The form field parses it (dates, numbers, choices) and runs its validators, so the grid refuses
        exactly what the form refuses, with the same message.
        """
        form = view.edit_form(obj=record)
        field = form[name]
        if isinstance(field, BooleanField):  # a form sends a ticked box as "y" and leaves an unticked one out
            text = value if isinstance(value, bool) else str(value if value is not None else "").strip().lower()
            if text is True or text in TRUE_TEXTS:
                formdata = MultiDict({field.name: "y"})
            elif text is False or text in FALSE_TEXTS:
                formdata = MultiDict()
            else:
                raise GridRefusal(_("請填「是」或「否」"))
        else:
            formdata = MultiDict({field.name: "" if value is None else str(value)})
        field.process(formdata, data=getattr(record, name))
        inline = getattr(form, f"validate_{name}", None)
        if not field.validate(form, extra_validators=[inline] if inline else ()):
            raise GridRefusal(field.errors[0])
        if field.data is None and not record.__table__.columns[name].nullable:
            raise GridRefusal(field.gettext("This field is required."))
        return field.data

    @staticmethod
    def problems_message(problems: dict, field: str, view: RecordView) -> str:
        """The domain rule's message for this field; a rule about another field is named by its label."""
        if field in problems:
            return problems[field]
        return "；".join(f"{view.column_labels.get(k, k)}：{message}" for k, message in problems.items())
