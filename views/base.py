"""The base of every admin screen: login and role rules, Chinese labels, ROC dates, domain validation."""
from datetime import date, datetime
from decimal import Decimal

from flask import abort, flash, has_request_context, redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_admin.form import SecureForm
from flask_admin.model import typefmt
from flask_babel import LazyString, get_locale, lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from icp.extensions import db
from icp.roc import gregorian_year, roc_date_table, roc_year
from icp.validation import record_problems

EDIT_VIEWS = frozenset({"create_view", "edit_view", "delete_view", "action_view", "ajax_update"})


def _role() -> str | None:
    if has_request_context() and current_user.is_authenticated:
        return current_user.role
    return None


class SecureMixin:
    """Every admin page needs a login; `allowed_roles` narrows it further (403 for the rest)."""

    allowed_roles: frozenset[str] = frozenset({"admin", "editor", "viewer"})

    def is_accessible(self) -> bool:
        return _role() in self.allowed_roles

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path))
        abort(403)


class SecureIndexView(SecureMixin, AdminIndexView):
    @expose("/")
    def index(self):
        return self.render("admin/home.html")


def _date_format(view, value, name):
    """ROC dates (100.03.17) for Chinese users, ISO for English."""
    if str(get_locale()).startswith("zh"):
        return roc_date_table(value)
    return value.isoformat()


def _decimal_format(view, value, name):
    return f"{value:,}"


def _bool_format(view, value, name):
    return _l("是") if value else _l("否")


TYPE_FORMATTERS = dict(typefmt.BASE_FORMATTERS)
TYPE_FORMATTERS.update({date: _date_format, Decimal: _decimal_format, bool: _bool_format,
                        datetime: lambda view, value, name: value.strftime("%Y-%m-%d %H:%M")})


class YearFilter(BaseSQLAFilter):
    """Filter a date or year column by year, typed either as Gregorian (2011) or ROC 民國 (100)."""

    def __init__(self, column, name, *, roc: bool):
        super().__init__(column, name)
        self.roc = roc

    def validate(self, value) -> bool:
        return str(value).strip().isdigit()

    def clean(self, value) -> int:
        year = int(str(value).strip())
        return gregorian_year(year) if self.roc else year

    def apply(self, query, value, alias=None):
        column = self.get_column(alias)
        if isinstance(column.type, db.Date):  # a range keeps the index usable
            return query.filter(column >= date(value, 1, 1), column < date(value + 1, 1, 1))
        return query.filter(column == value)

    def operation(self):
        return _l("民國年") if self.roc else _l("西元年")


def year_filters(column) -> list[YearFilter]:
    name = column.info.get("label", column.key) if hasattr(column, "info") else column.key
    return [YearFilter(column, name, roc=False), YearFilter(column, name, roc=True)]


def model_labels(model) -> dict:
    """Labels of a model's columns and relationships, from their `info` (see models.base.label)."""
    mapper = inspect(model)
    labels = {c.key: c.info["label"] for c in mapper.columns if "label" in c.info}
    labels.update({r.key: r.info["label"] for r in mapper.relationships if "label" in r.info})
    return labels


def related_label(model, dotted: str) -> LazyString:
    """'agreement.number' → 協議書：協議書編號, translated when shown."""
    relation, column = dotted.split(".", 1)
    target = inspect(model).relationships[relation].mapper.class_
    outer, inner = model_labels(model)[relation], model_labels(target)[column]
    return LazyString(lambda: inner if str(inner).startswith(str(outer)) else f"{outer}：{inner}")


def request_creates() -> bool:
    """Whether the current request is a screen's create form (rather than an edit)."""
    return (request.endpoint or "").endswith(".create_view")


def record_values(obj) -> dict:
    """A stored record's attribute values (columns and to-one links); empty for a new record."""
    if obj is None:
        return {}
    mapper = inspect(type(obj))
    values = {attr.key: getattr(obj, attr.key) for attr in mapper.column_attrs}
    values.update({rel.key: getattr(obj, rel.key) for rel in mapper.relationships if not rel.uselist})
    return values


class RecordView(SecureMixin, ModelView):
    """Declarative base for record screens. Editors and admins write; viewers read and export."""

    form_base_class = SecureForm
    can_view_details = True
    can_set_page_size = True
    page_size = 50
    column_display_pk = False
    column_type_formatters = TYPE_FORMATTERS
    column_type_formatters_detail = TYPE_FORMATTERS
    form_excluded_columns = ("version_id",)
    column_exclude_list = ("version_id",)
    column_details_exclude_list = ()
    edit_roles = frozenset({"admin", "editor"})

    def __init__(self, model, session=db, **kwargs):
        dotted = [n for n in (*(self.column_searchable_list or ()), *(self.column_filters or ()))
                  if isinstance(n, str) and "." in n]
        self.column_labels = {**model_labels(model), **{n: related_label(model, n) for n in dotted},
                              **(self.column_labels or {})}
        super().__init__(model, session, **kwargs)

    @property
    def can_create(self) -> bool:
        return _role() in self.edit_roles

    @property
    def can_edit(self) -> bool:
        return _role() in self.edit_roles

    @property
    def can_delete(self) -> bool:
        return _role() in self.edit_roles

    def _handle_view(self, name, **kwargs):
        # Flask-Admin only hides the buttons and redirects; a write by a reader must be refused outright.
        response = super()._handle_view(name, **kwargs)
        if response is None and name in EDIT_VIEWS and _role() not in self.edit_roles:
            abort(403)
        return response

    def validate_form(self, form) -> bool:
        # The domain rules (icp.validation) add their messages next to the fields they concern.
        if not super().validate_form(form):
            return False
        endpoint = request.endpoint or ""
        if "list_form_pk" in form:
            current = self.get_one(form.list_form_pk.data)
        elif endpoint.endswith(".edit_view"):
            current = self.get_one(request.args.get("id"))
        elif request_creates():
            current = None
        else:  # delete and action forms carry no record values
            return True
        values = {**record_values(current), **self.form_values(form)}
        problems = record_problems(self.model, values, current)
        for field, message in problems.items():
            if field in form:
                form[field].errors = list(form[field].errors) + [message]
            else:
                flash(message, "error")
        return not problems

    def form_values(self, form) -> dict:
        """The form's values under the model's attribute names, as the validation expects them."""
        return {name: field.data for name, field in form._fields.items()
                if name not in ("csrf_token", "list_form_pk")}

    def handle_view_exception(self, exc) -> bool:
        if isinstance(exc, IntegrityError):  # a race past validation: say so instead of a 500
            flash(_l("資料違反資料庫限制，未儲存：%(error)s", error=str(exc.orig).splitlines()[0]), "error")
            return True
        return super().handle_view_exception(exc)
