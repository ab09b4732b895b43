"""The base of every admin screen: login and role rules, Chinese labels, ROC dates, domain validation."""
from datetime import date, datetime
from decimal import Decimal

from flask import abort, flash, g, get_flashed_messages, has_request_context, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla import ModelView, tools
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_admin.babel import gettext as flask_admin_gettext
from flask_admin.form import SecureForm, rules
from flask_admin.model import typefmt
from flask_admin.model.widgets import XEditableWidget
from flask_babel import LazyString, format_datetime, get_locale, gettext as _, lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import String, Unicode, cast, func, inspect, literal_column, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Query
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField
from wtforms.widgets.core import clean_key

from icp.extensions import db
from icp.history import history_of, stale_message
from icp.roc import gregorian_year, roc_date_table
from icp.validation import record_problems
from views.export import ExportMixin

HISTORY_ACTION_LABELS = {"create": _l("新增"), "update": _l("修改"), "delete": _l("刪除"), "restore": _l("還原")}
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
                        datetime: lambda view, value, name: local_datetime(value)})


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


class SubqueryFilter(BaseSQLAFilter):
    """Rows whose `column` is among the ids a subquery picks for the value (links from the totals views)."""

    def __init__(self, column, name, ids_for, *, clean=str):
        super().__init__(column, name)
        self.ids_for, self.cleaner = ids_for, clean

    def validate(self, value) -> bool:
        try:
            self.cleaner(value)
        except ValueError:
            return False
        return True

    def clean(self, value):
        return self.cleaner(value)

    def apply(self, query, value, alias=None):
        return query.filter(self.get_column(alias).in_(self.ids_for(value)))

    def operation(self):
        return _l("等於")


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


class HiddenFieldRule(rules.BaseRule):
    """Keeps a hidden field in a form ruleset; render_form_fields already renders every hidden input."""

    def __init__(self, field_name: str):
        super().__init__()
        self.field_name = field_name

    @property
    def visible_fields(self) -> list[str]:
        return [self.field_name]

    def __call__(self, form, form_opts=None, field_args=None) -> str:
        return ""


def local_datetime(value) -> str:
    """A stored naive-UTC time shown in the office's time zone (Asia/Taipei)."""
    return format_datetime(value, "yyyy-MM-dd HH:mm") if value else ""


COUNT_CAP = 10_000
SEARCH_COUNT_CAP = 1_000  # a search tests every row it counts: it stops sooner


class CountAtLeast(int):
    """A row count that stopped early: shown as "10,000+"."""

    def __str__(self) -> str:
        return f"{int(self):,}+"


class CappedCountQuery(Query):
    """Flask-Admin's count query (filters and search applied), counting no further than `cap` rows."""

    cap = COUNT_CAP

    def scalar(self):
        rows = self.with_entities(literal_column("1")).limit(self.cap + 1).subquery()
        count = self.session.scalar(select(func.count()).select_from(rows))
        return CountAtLeast(self.cap) if count > self.cap else count


class CappedCountMixin:
    """Lists count at most COUNT_CAP rows, or as far as the page shown needs, instead of the whole table
    on every page (Flask-Admin #897): a deep page or a big table stays cheap to open."""

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        size = self.page_size if page_size is None else page_size
        cap = min(COUNT_CAP, SEARCH_COUNT_CAP) if search else COUNT_CAP
        self._count_cap = max(cap, ((page or 0) + 2) * (size or 0))
        return super().get_list(page, sort_column, sort_desc, search, filters, execute=execute, page_size=page_size)

    def get_count_query(self):
        query = CappedCountQuery(func.count("*"), db.session()).select_from(self.model)
        query.cap = getattr(self, "_count_cap", COUNT_CAP)
        return query


def html_attributes(**kwargs) -> Markup:
    """WTForms' html_params, same output, without its Markup.format per attribute (a list page draws
    hundreds of inline-edit cells, and that formatting was most of their cost)."""
    params = []
    for key, value in sorted(kwargs.items()):
        key = clean_key(key)
        if value is True:
            params.append(str(escape(key)))
        elif value is not False:
            params.append(f'{escape(key)}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return Markup(" ".join(params))


class InlineEditWidget(XEditableWidget):
    """Flask-Admin's x-editable cell, drawn with html_attributes (XEditableWidget.__call__ otherwise)."""

    def __call__(self, field, **kwargs):
        display_value = kwargs.pop("display_value", "")
        kwargs.setdefault("data-value", display_value)
        kwargs.setdefault("data-role", "x-editable")
        kwargs.setdefault("data-url", "./ajax/update/")
        kwargs.setdefault("id", field.id)
        kwargs.setdefault("name", field.name)
        kwargs.setdefault("href", "#")
        if not kwargs.get("pk"):
            raise Exception("pk required")
        kwargs["data-pk"] = str(kwargs.pop("pk"))
        kwargs["data-csrf"] = kwargs.pop("csrf", "")
        kwargs = self.get_kwargs(field, kwargs)
        return Markup(f"<a {html_attributes(**kwargs)}>{escape(display_value)}</a>")


class InlineEditRow:
    """One list row's inline-edit cells, drawn by the page's single list form loaded with the row's values.

    Flask-Admin builds a whole form (with its own CSRF token) per row; the rows differ only in their values
    and version. x-editable posts to each cell's data-url, so the row's version travels with the edit.
    """

    def __init__(self, form, record):
        self.form, self.record = form, record
        self.csrf_token = getattr(form, "csrf_token", None)

    def __getitem__(self, name: str):
        field = self.form[name]
        field.process(None, getattr(self.record, name))

        def render(**kwargs):
            return field(**kwargs, **{"data-url": f"./ajax/update/?version={self.record.version_id}"})
        return render


def search_condition(column, pattern: str, dialect: str):
    """Flask-Admin's `CAST(column AS VARCHAR) ILIKE pattern`, cheaper where it means the same: a text
    column needs no cast; SQLite's LIKE already ignores ASCII case, as its lower() does (no lower() per row);
    and a pattern with no cased letter (雷達) has no case to ignore (PostgreSQL's ILIKE costs 4× its LIKE)."""
    if not isinstance(column.type, String) or getattr(column.type, "native_enum", False):
        return cast(column, Unicode).ilike(pattern)
    if dialect == "sqlite" or pattern.lower() == pattern.upper():
        return column.like(pattern)
    return column.ilike(pattern)


class RecordView(CappedCountMixin, ExportMixin, SecureMixin, ModelView):
    """Declarative base for record screens. Editors and admins write; viewers read and export."""

    list_template = "admin/model/record_rows.html"  # extends ExportMixin's admin/record_list.html

    form_base_class = SecureForm
    can_view_details = True
    can_set_page_size = True
    page_size = 50
    page_size_options = (20, 50, 100, 500)
    column_display_pk = False
    column_type_formatters = TYPE_FORMATTERS
    column_type_formatters_detail = TYPE_FORMATTERS
    form_excluded_columns = ("version_id",)
    column_exclude_list = ("version_id",)
    column_details_exclude_list = ()
    details_template = "admin/record_details.html"
    edit_template = "admin/record_edit.html"
    edit_roles = frozenset({"admin", "editor"})

    def __init__(self, model, session=db, **kwargs):
        if self.form_rules:  # Flask-Admin drops fields outside the rules: the CSRF token and version must stay
            self.form_rules = (*self.form_rules, HiddenFieldRule("csrf_token"), HiddenFieldRule("expected_version"))
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

    # Optimistic locking: forms carry the version they were based on; a stale save or delete is refused
    # with what changed meanwhile (Flask-Admin's forms do not carry it by themselves, #2596).
    def scaffold_form(self):
        form_class = super().scaffold_form()
        form_class.expected_version = HiddenField(_l("版本"))
        return form_class

    def get_delete_form(self):
        form_class = super().get_delete_form()
        form_class.version = HiddenField(_l("版本"))
        return form_class

    def scaffold_list_form(self, widget=None, validators=None):
        return super().scaffold_list_form(widget=widget or InlineEditWidget(), validators=validators)

    def list_form(self, obj=None):
        if obj is None:  # an inline edit posted (ajax_update)
            return super().list_form()
        forms = g.setdefault("list_forms", {})  # the list page: one form for all its rows
        if self.endpoint not in forms:
            forms[self.endpoint] = super().list_form()
        return InlineEditRow(forms[self.endpoint], obj)

    def _apply_pagination(self, query, page, page_size):
        # A deep page skips its OFFSET rows in the ids alone (an index scan), then loads only the page's rows
        # with their joined relations: skipping whole joined rows made page 1,000 several times page 1.
        paged = super()._apply_pagination(query, page, page_size)
        if not page or not page_size:
            return paged
        key = getattr(self.model, self._primary_key)
        return query.filter(key.in_(paged.with_entities(key).statement))

    def _apply_search(self, query, count_query, joins, count_joins, search):
        # Flask-Admin's search (every term in some searchable column, the same ^prefix and =exact terms),
        # with cheaper conditions (search_condition).
        dialect = db.session.get_bind().dialect.name
        for term in search.split(" "):
            if not term:
                continue
            pattern = tools.parse_like_term(term)
            conditions, count_conditions = [], []
            for field, path in self._search_fields:
                query, joins, alias = self._apply_path_joins(query, joins, path, inner_join=False)
                conditions.append(search_condition(field if alias is None else getattr(alias, field.key),
                                                   pattern, dialect))
                if count_query is not None:
                    count_query, count_joins, alias = self._apply_path_joins(count_query, count_joins, path,
                                                                             inner_join=False)
                    count_conditions.append(search_condition(field if alias is None else getattr(alias, field.key),
                                                             pattern, dialect))
            query = query.filter(or_(*conditions))
            if count_query is not None:
                count_query = count_query.filter(or_(*count_conditions))
        return query, count_query, joins, count_joins

    def on_form_prefill(self, form, id):
        form.expected_version.data = self.get_one(id).version_id

    def _stale(self, record, version_text) -> str | None:
        """The refusal message when `version_text` (from the form) is older than the record, else None."""
        if record is None or not str(version_text or "").isdigit() or int(version_text) == record.version_id:
            return None
        return stale_message(record, int(version_text), self.column_labels)

    def render(self, template, **kwargs):
        if template == self.list_template:  # what admin/model/record_rows.html asks once per page, not per cell
            kwargs["editable_shown"] = frozenset(self.column_editable_list or ()) if self.can_edit else frozenset()
            kwargs["select_record_title"] = flask_admin_gettext("Select record")
        if template == self.list_template and kwargs.get("delete_form") is not None:
            # the delete button's hidden inputs that are the same on every row, drawn once (row_actions.html)
            form = kwargs["delete_form"]
            kwargs["delete_form_common"] = Markup(form.url(value=kwargs.get("return_url"))) + (
                form.csrf_token if "csrf_token" in form else "")
        if template == self.details_template and kwargs.get("model") is not None:
            kwargs["history"] = history_of(self.model.__tablename__, kwargs["model"].id)
            kwargs["history_action_labels"] = HISTORY_ACTION_LABELS
        return super().render(template, **kwargs)

    def _handle_view(self, name, **kwargs):
        # Flask-Admin only hides the buttons and redirects; a write by a reader must be refused outright.
        response = super()._handle_view(name, **kwargs)
        if response is None and name in EDIT_VIEWS and _role() not in self.edit_roles:
            abort(403)
        return response

    def validate_form(self, form) -> bool:
        # The domain rules (icp.validation) add their messages next to the fields they concern.
        if not super().validate_form(form):
            if "csrf_token" in form and form.csrf_token.errors:  # a hidden field: its error would not show
                flash(_("安全憑證無效（%(reason)s）：請重新整理頁面後再送出。",
                        reason=" ".join(form.csrf_token.errors)), "error")
            return False
        endpoint = request.endpoint or ""
        if "list_form_pk" in form:
            current = self.get_one(form.list_form_pk.data)
            version = request.args.get("version")
        elif endpoint.endswith(".edit_view"):
            current = self.get_one(request.args.get("id"))
            version = form.expected_version.data
        elif request_creates():
            current, version = None, None
        elif "version" in form:  # delete
            stale = self._stale(self.get_one(form.id.data), form.version.data)
            if stale:
                form.version.errors = [stale]
            return not stale
        else:  # actions carry no record values
            return True
        stale = self._stale(current, version)
        if stale:
            form.stale = True
            target = form["expected_version"] if "expected_version" in form else next(iter(form))
            target.errors = list(target.errors) + [stale]
            return False
        values = {**record_values(current), **self.form_values(form)}
        problems = record_problems(self.model, values, current)
        for field, message in problems.items():
            if field in form:
                form[field].errors = list(form[field].errors) + [message]
            else:
                flash(message, "error")
        return not problems

    @expose("/ajax/update/", methods=("POST",))
    def ajax_update(self):
        # Flask-Admin answers every refused inline edit with 500; say 400 for bad input (including a
        # missing CSRF token), 409 for a stale version, with the same messages as the full form.
        if not self.column_editable_list:
            abort(404)
        form = self.list_form()
        for field in list(form):
            if field.name not in request.form and field.name != "csrf_token":
                del form[field.name]
        if not self.validate_form(form):
            errors = "；".join(str(error) for field in form for error in field.errors)
            return errors, 409 if getattr(form, "stale", False) else 400
        record = self.get_one(form.list_form_pk.data)
        if record is None:
            return _("紀錄不存在"), 404
        if not self.update_model(form, record):
            return "；".join(get_flashed_messages()), 409
        return _("已儲存")

    def form_values(self, form) -> dict:
        """The form's values under the model's attribute names, as the validation expects them."""
        return {name: field.data for name, field in form._fields.items()
                if name not in ("csrf_token", "list_form_pk", "expected_version")}

    def handle_view_exception(self, exc) -> bool:
        # Races past validation: say so instead of a 500 (the session is rolled back by Flask-Admin).
        if isinstance(exc, StaleDataError):
            flash(_("此紀錄在您儲存的同時已被他人修改或刪除，您的變更未儲存。請重新載入後再修改。"), "error")
            return True
        if isinstance(exc, IntegrityError):
            if "foreign key" in str(exc.orig).lower():
                flash(_("此紀錄仍被其他紀錄引用，無法刪除或變更；請先處理引用它的紀錄。"), "error")
            else:
                flash(_("資料違反資料庫限制，未儲存：%(error)s", error=str(exc.orig).splitlines()[0]), "error")
            return True
        return super().handle_view_exception(exc)
