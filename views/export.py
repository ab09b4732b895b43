"""Every list screen's .xlsx export of its filtered rows, streamed from one SQL query into a constant-memory workbook."""
import tempfile
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from functools import partial

from flask import send_file
from flask_admin import expose
from sqlalchemy import inspect, type_coerce, types
from sqlalchemy.orm import aliased

from icp.extensions import db
from icp.sqlite import MMAP_BYTES
from icp.xlsx import table_write, workbook_open
from models import Agency, Agreement, CapabilityAssessment, Contractor, DomesticFirm, IcpCase, Meeting, Procurement, User

# What a linked record shows as in a list (its model's __str__), made from its columns so the export needs no
# object per row: the columns read, and how they are joined (None: the one column as it is).
# tests/test_export.py checks every list's export against str() of its records.
LINK_LABELS = {
    Agency: (("name",), None),
    Contractor: (("name_zh",), None),
    Procurement: (("title",), None),
    Agreement: (("number",), None),
    IcpCase: (("number", "title"), "{} {}".format),
    Meeting: (("held_on", "title"), "{} {}".format),
    DomesticFirm: (("name", "ubn"), "{}（{}）".format),
    CapabilityAssessment: (("item",), None),
    User: (("display_name", "username"), lambda display_name, username: display_name or username),
}


def column_kind(column_type) -> str | None:
    """The cell kind (icp.xlsx.KINDS) of a column type; None for types a list export does not stream (JSON)."""
    for sql_type, kind in ((types.Boolean, "bool"), (types.Integer, "integer"), (types.Numeric, "money"),
                           (types.DateTime, "moment"), (types.Date, "day"), (types.String, "text")):
        if isinstance(column_type, sql_type):
            return kind
    return None


def column_read(kind: str, column_type, dialect: str):
    """How to turn the driver's own value into the kind, or None when it already is one.

    Columns are selected without SQLAlchemy's per-value conversions (type_coerce to NullType below):
    psycopg already gives Decimal, date and datetime; SQLite gives floats and ISO text, read here exactly
    as SQLAlchemy would (a NUMERIC rounded to its scale, then as float: the same number the Decimal gives).
    """
    if dialect != "sqlite":
        return None
    if kind == "money":
        if not column_type.asdecimal:  # a FLOAT comes as it is stored
            return None
        return partial(round, ndigits=column_type._effective_decimal_return_scale)
    return {"day": date.fromisoformat, "moment": datetime.fromisoformat}.get(kind)


def link_label(join):
    """A linked record's label from its id and fields (None when the row links to nothing)."""
    if join is None:
        return lambda values: None if values[0] is None else values[1]
    return lambda values: None if values[0] is None else join(*values[1:])


@contextmanager
def sqlite_unmapped(connection):
    """SQLite reads through its small page cache instead of memory-mapping the file for this connection while
    inside: a whole-table export would otherwise map every page it reads into the process (about 40 MB at
    100,000 cases) for no speed gain on one sequential pass."""
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql("PRAGMA mmap_size=0")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA mmap_size={MMAP_BYTES}")


class ExportPlan:
    """The columns of one list as SQL expressions, their cell kinds and reads, and how a row becomes cells."""

    def __init__(self, model, names: list[str], dialect: str):
        mapper = inspect(model)
        self.selected, self.kinds, self.reads, self.joins, self.labels = [], [], [], [], []
        for name in names:
            if name in mapper.column_attrs and len(mapper.column_attrs[name].columns) == 1:
                column = mapper.column_attrs[name].columns[0]
                kind = column_kind(column.type)
                if kind is None:
                    raise LookupError(name)
                self.kinds.append(kind)
                self.reads.append(column_read(kind, column.type, dialect))
                self.selected.append(type_coerce(getattr(model, name), types.NullType()))
            elif name in mapper.relationships and not mapper.relationships[name].uselist \
                    and mapper.relationships[name].mapper.class_ in LINK_LABELS:
                target = mapper.relationships[name].mapper.class_
                fields, join = LINK_LABELS[target]
                alias = aliased(target)
                self.joins.append((alias, getattr(model, name).of_type(alias)))
                key = inspect(target).primary_key[0].key
                first = len(self.selected)
                self.selected += [type_coerce(getattr(alias, f), types.NullType()) for f in (key, *fields)]
                self.labels.append((first, first + 1 + len(fields), link_label(join)))
                self.kinds.append("text")
                self.reads.append(None)
            else:
                raise LookupError(name)

    def statement(self, query):
        """The list's query (filters, search, sort) selecting only the exported columns, links joined."""
        query = query.with_entities(*self.selected)
        for alias, relationship in self.joins:
            query = query.outerjoin(alias, relationship)
        return query.statement

    def rows(self, result):
        """Result rows as cells in column order; a row of plain columns passes as it is."""
        if not self.labels:
            return result
        return (self._cells(row) for row in result)

    def _cells(self, row) -> list:
        cells, taken = [], 0
        for start, stop, label in self.labels:
            cells += row[taken:start]
            cells.append(label(row[start:stop]))
            taken = stop
        cells += row[taken:]
        return cells


class ExportMixin:
    """Every list exports what it shows (filters, search and sort applied) as a typed .xlsx workbook."""

    list_template = "admin/record_list.html"
    export_chunk = 1000

    @expose("/export.xlsx")
    def export_xlsx(self):
        args = self._get_list_extra_args()
        sort = self._get_column_by_idx(args.sort)
        _count, query = self.get_list(0, sort[0] if sort else None, args.sort_desc, args.search, args.filters,
                                      execute=False, page_size=0)  # 0: every row (None would mean one page)
        query = query.order_by(*inspect(self.model).primary_key)  # rows the sort ties come in one repeatable order
        columns = self._list_columns
        headers = [str(label) for _n, label in columns]
        out = tempfile.TemporaryFile()  # on disk, not in the process: sent in chunks, deleted when closed
        workbook = workbook_open(out)
        plan = self.export_plan([name for name, _label in columns])
        if plan is None:  # a column only the record knows how to show: one object per row
            rows = ([self.export_value(record, name) for name, _label in columns]
                    for record in query.yield_per(self.export_chunk))
            table_write(workbook, sheet=str(self.name), headers=headers, rows=rows)
        else:
            # Streamed: PostgreSQL through a server-side cursor, SQLite row by row; neither holds every row.
            connection = db.session.connection().execution_options(stream_results=True,
                                                                   yield_per=self.export_chunk)
            with sqlite_unmapped(connection):
                result = connection.execute(plan.statement(query))
                try:
                    table_write(workbook, sheet=str(self.name), headers=headers, rows=plan.rows(result),
                                kinds=plan.kinds, reads=plan.reads)
                finally:
                    result.close()
        workbook.close()
        out.seek(0)
        filename = f"{self.name}-{date.today().isoformat()}.xlsx"
        return send_file(out, as_attachment=True, download_name=filename,
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    def export_plan(self, names: list[str]) -> ExportPlan | None:
        """The SQL plan of this list's export, or None when a column needs the record (a property, a list of
        links, a screen's own export_value)."""
        if type(self).export_value is not ExportMixin.export_value:
            return None
        try:
            return ExportPlan(self.model, names, db.session.get_bind().dialect.name)
        except LookupError:
            return None

    def export_value(self, record, name: str):
        """The cell for one column: numbers, dates and booleans stay typed; records become their names."""
        value = record
        for part in name.split("."):
            value = getattr(value, part, None) if value is not None else None
        if value is None or isinstance(value, (bool, int, Decimal, date, datetime)):
            return value
        if isinstance(value, (list, tuple)):
            return "、".join(str(v) for v in value)
        return str(value)
