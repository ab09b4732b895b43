"""Import of an interchange workbook (icp.interchange): check the file, read it, normalise, validate, write.

Every row is parsed and checked with the same rules as the forms (icp.validation.record_problems) inside
one transaction; the transaction is committed only when no row has a problem (and not on a dry run), so
a workbook is imported completely or not at all. A row whose natural key matches a stored record updates
only the fields that differ (the history listener logs them with source "import"); other rows create
records. The file itself is checked first: its size, that it really is an .xlsx (a zip holding
[Content_Types].xml and xl/workbook.xml), the uncompressed sizes its zip directory declares (zip bombs),
and that no XML part declares a DTD (entity expansion); only then is it parsed, a sheet at a time as its
rows are needed (icp.xlsxread streams them). Rows are validated and written a chunk at a time (the records
a chunk names are loaded with one query per table; the new ones are written set-based, creates_write), so
memory holds one chunk of rows. Natural keys are not held for the whole file either: a chunk's keys are
asked of the database (KeyIndex, UniqueIndex: it holds every earlier chunk's records by then), and how
many earlier rows had each key is counted in a scratch file (Scratch); what is kept from one chunk to the
next is bounded (KEYS_HELD keys, REFERENCES_HELD records).
"""
import gc
import io
import re
import sqlite3
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app, g
from flask_babel import gettext as _
from sqlalchemy import inspect, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlalchemy.exc import SQLAlchemyError

from icp.bulk import ids_reserve, rows_insert
from icp.credits import (PRE_APPROVED, credit_rules_held, decision_credits, preapproval_amount, preapproval_forget,
                         preapproval_reserve)
from icp.extensions import db
from icp.history import log_written
from icp.interchange import (KEY_SEPARATOR, README_SHEET, SPEC_OF, SPECS, Field, Spec, fields_of, key_hint,
                             records_release)
from icp.ledger import case_statuses_refresh, derived_values
from icp.sqlite import IN_LIMIT
from icp.summary import summary_defer
from icp.validation import record_problems, unique_keys, unique_message
from icp.xlsx import FORMULA_STARTS
from models import Agreement, CaseDecision, IcpCase

if TYPE_CHECKING:
    from icp.xlsxread import Workbook

REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
ZIP_MAGIC = b"PK\x03\x04"
MAX_MEMBERS = 10_000
DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
SCAN_CHUNK = 1 << 16
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's 1900 leap-year bug is before March 1900)
TRUE_TEXTS = frozenset({"是", "true", "t", "y", "yes", "v", "1", "✓", "✔", "○"})
FALSE_TEXTS = frozenset({"否", "false", "f", "n", "no", "0", "✗", "×", "x"})
UNITS = {"億": Decimal(10) ** 8, "千萬": Decimal(10) ** 7, "百萬": Decimal(10) ** 6, "萬": Decimal(10) ** 4,
         "千": Decimal(10) ** 3}
NUMBER = re.compile(r"^(?P<sign>[+-]?)(?P<number>\d+(?:\.\d+)?|\.\d+)(?P<unit>億|千萬|百萬|萬|千)?$")
CURRENCY_WORDS = ("美元點", "美金", "美元", "新台幣", "新臺幣", "台幣", "臺幣", "點", "元", "NT$", "US$", "USD", "NTD",
                  "TWD", "$", "%")
ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:T?\d{1,2}:\d{2}(?::\d{2})?)?$")
ROC_DATE = re.compile(r"^(\d{1,3})[-/.](\d{1,2})[-/.](\d{1,2})$")
WORDED_DATE = re.compile(r"^(\d{1,4})年(\d{1,2})月(\d{1,2})日?$")
FLUSH_EVERY = 1000  # rows validated, then written and released, at a time (progress is reported per chunk)
REFERENCES_HELD = 10_000  # records of other sheets kept loaded from one chunk to the next, at most
KEYS_HELD = 10_000  # natural keys a KeyIndex keeps the database's answer for, from one chunk to the next
HEADER_ROWS_MAX = 5  # a title and merged header rows may sit above the data
# What the rules read from a linked record, loaded with it: a new case's agreement's contractor (bad
# record); a decision's case's agreement (pre-approval gates), loaded once and held with the records the
# rows name (a sheet's decisions name the same agreements again), so the case finds it in the session
# without a query. (A case's status is recomputed from the database once the sheet's decisions are written:
# Importer.case_statuses_settle.)
PRELOAD = {Agreement: (selectinload(Agreement.contractor),)}
HELD_LINKS = {IcpCase: (IcpCase.agreement_id, Agreement)}


class ImportRefused(Exception):
    """The whole file is refused before any row is read; the message is for the user."""


class ValueProblem(ValueError):
    """A cell's value cannot be read as its column's type; the message says why, in the user's language."""


@dataclass(frozen=True)
class Problem:
    """One thing to fix: where (sheet, Excel row, column letter and header), the value, and why."""

    sheet: str
    row: int
    column: str
    header: str
    value: str
    reason: str


@dataclass
class SheetCount:
    sheet: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0


@dataclass
class ImportResult:
    counts: list[SheetCount] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


# The file ---------------------------------------------------------------------------------------------------
def upload_check(path: str | Path, *, max_bytes: int | None = None, max_unzipped: int | None = None) -> None:
    """Refuse, with a reason, a file that is too large, not an .xlsx by content, or malicious.

    Only the zip directory and a streamed scan of the XML parts are read, so a zip bomb is refused by the
    sizes it declares and a decompression that runs past them is cut off, without exhausting memory.
    """
    config = current_app.config
    max_bytes = max_bytes or config["IMPORT_MAX_BYTES"]
    max_unzipped = max_unzipped or config["IMPORT_MAX_UNZIPPED_BYTES"]
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        raise ImportRefused(_("檔案過大（%(size)s MB），上限為 %(max)s MB", size=_mb(size), max=_mb(max_bytes)))
    with path.open("rb") as handle:
        if handle.read(4) != ZIP_MAGIC or not zipfile.is_zipfile(handle):
            raise ImportRefused(_("這不是 Excel 活頁簿（.xlsx）檔案"))
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            if not all(part in names for part in REQUIRED_PARTS):
                raise ImportRefused(_("這不是 Excel 活頁簿（.xlsx）檔案"))
            if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > max_unzipped:
                raise ImportRefused(_("檔案解壓縮後過大（上限 %(max)s MB），可能是惡意檔案，已拒絕",
                                      max=_mb(max_unzipped)))
            for member in members:
                if member.filename.endswith((".xml", ".rels", ".vml")):
                    _xml_scan(archive, member)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
        raise ImportRefused(_("檔案已損毀或格式不正確，無法讀取")) from None


def _xml_scan(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Refuse DTDs (OOXML never has one; entity tricks need one) and parts larger than they declare."""
    read, tail = 0, b""
    with archive.open(member) as part:
        while chunk := part.read(SCAN_CHUNK):
            read += len(chunk)
            if read > member.file_size:
                raise ImportRefused(_("檔案解壓縮後過大（上限 %(max)s MB），可能是惡意檔案，已拒絕",
                                      max=_mb(current_app.config["IMPORT_MAX_UNZIPPED_BYTES"])))
            window = tail + chunk
            if any(marker in window for marker in DTD_MARKERS):
                raise ImportRefused(_("檔案含有不允許的 XML 宣告（DTD／實體），可能是惡意檔案，已拒絕"))
            tail = chunk[-16:]


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


# Normalising one cell ---------------------------------------------------------------------------------------
def text_clean(value) -> str | None:
    """Text with outer spaces (also full-width and non-breaking) removed; blank becomes None."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        value = value.isoformat()
    text = str(value).strip().strip("\u3000\u00a0").strip()
    return text or None


def number_parse(value) -> Decimal:
    """A number from a cell: full-width digits, thousands separators and units (萬, 億, 美元點) allowed."""
    if isinstance(value, bool):
        raise ValueProblem(_("應填數字"))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = unicodedata.normalize("NFKC", str(value)).replace(",", "").replace(" ", "").replace("、", "")
    for word in CURRENCY_WORDS:
        text = text.removeprefix(word).removesuffix(word)
    match = NUMBER.match(text)
    if not match:
        raise ValueProblem(_("應填數字"))
    number = Decimal(match["number"]) * UNITS.get(match["unit"] or "", Decimal(1))
    return -number if match["sign"] == "-" else number


def integer_parse(value) -> int:
    number = number_parse(value)
    if number != number.to_integral_value():
        raise ValueProblem(_("應填整數"))
    return int(number)


def date_parse(value) -> date:
    """A date from a cell: an Excel date or serial number, 2011-03-17, or ROC 100/3/17, 100.03.17, 100年3月17日."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueProblem(_("日期格式不正確"))
    if isinstance(value, (int, float)):
        if not 1 <= value < 2958466 or not float(value).is_integer():
            raise ValueProblem(_("日期格式不正確"))
        return EXCEL_EPOCH + timedelta(days=int(value))
    text = unicodedata.normalize("NFKC", str(value)).replace(" ", "").removeprefix("民國")
    try:
        if match := ISO_DATE.match(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := ROC_DATE.match(text):
            return date(int(match[1]) + 1911, int(match[2]), int(match[3]))
        if match := WORDED_DATE.match(text):
            year = int(match[1])
            return date(year + 1911 if year < 1000 else year, int(match[2]), int(match[3]))
        if text.isdigit() and len(text) == 5:
            return date_parse(int(text))
    except ValueError:
        raise ValueProblem(_("沒有這個日期")) from None
    raise ValueProblem(_("日期格式不正確（例如 2011-03-17 或 100/3/17）"))


def bool_parse(value) -> bool:
    if isinstance(value, bool):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    if text in TRUE_TEXTS:
        return True
    if text in FALSE_TEXTS:
        return False
    raise ValueProblem(_("請填「是」或「否」"))


def value_parse(f: Field, raw):
    """A cell's value as `f`'s Python type (links stay text: references are resolved against the database)."""
    if isinstance(raw, str):
        raw = text_clean(raw)
    if raw is None:
        return None
    if f.kind == "decimal":
        number = number_parse(raw)
        if f.scale is not None:
            try:
                number = number.quantize(Decimal(1).scaleb(-f.scale))
            except InvalidOperation:
                raise ValueProblem(_("數值過大")) from None
        return number
    if f.kind == "int":
        return integer_parse(raw)
    if f.kind == "date":
        return date_parse(raw)
    if f.kind == "bool":
        return bool_parse(raw)
    if f.kind == "text" and isinstance(raw, int) and f.column is not None and f.column.key == "ubn":
        return f"{raw:08d}"  # a 統一編號 typed into a number cell loses its leading zeros
    text = raw if isinstance(raw, str) else text_clean(raw)
    if f.kind == "choice" and text not in f.choices:
        raise ValueProblem(_("不是有效的選項，請填：%(choices)s", choices="、".join(f.choices)))
    return text


@dataclass(eq=False)
class Pending:
    """A record this import creates, validated and waiting for its chunk's set-based write; its id once written.

    `values` by attribute: columns, to-one links as records, many-to-many links as lists of records.
    """

    values: dict
    id: int | None = None


@dataclass
class ParsedRow:
    """A row read: its Excel row number, its fields' values, the raw cells, and the problems found so far."""

    number: int
    values: dict
    raw_of: dict
    problems: list


def _problem(spec: Spec, number: int, letters: dict, key: str | None, value, reason: str) -> "Problem":
    letter, header = letters.get(key, ("", "")) if key else ("", "")
    shown = "" if value is None else (value.isoformat() if isinstance(value, (date, datetime)) else str(value))
    return Problem(spec.sheet, number, letter, header, shown[:200], str(reason))


# References -------------------------------------------------------------------------------------------------
class KeyIndex:
    """Natural key → records (ids, or new records of this import not yet written) of one model.

    Asked of the database a chunk at a time (prefetch: the keys a chunk names, one query per key column
    used), not held for the whole file: the records this import creates are written at the end of each
    chunk (chunk_write), so the database answers for them too; what is held is the answers for at most
    KEYS_HELD keys (chunk_end) and the current chunk's new records.
    """

    def __init__(self, spec: Spec, loaded: dict):
        self.spec = spec
        self.loaded = loaded  # (model, id) → record: what the importer holds loaded (Importer.loaded)
        mapper = inspect(spec.model)
        self.columns = []
        for name in spec.key:
            prop = mapper.attrs[name]
            self.columns.append(next(iter(prop.local_columns)) if hasattr(prop, "direction") else prop.columns[0])
        # a row can match a stored record (checked before this import writes any: sheets come in dependency
        # order, so a model's index is made before its own sheet is read)
        self.stored = db.session.scalar(select(spec.model.id).limit(1)) is not None
        self.found: dict[tuple, list] = {}  # keys asked for → ids in the database, in id order (up to KEYS_HELD)
        self.pending: dict[tuple, list] = {}  # keys → this chunk's new records, until they are written
        self.rejected: set[tuple] = set()  # keys of rows with problems (for the message of a reference to them)

    def key_of(self, values: dict) -> tuple:
        return tuple(v.id if hasattr(v, "__table__") else v for v in (values.get(k) for k in self.spec.key))

    def prefetch(self, keys) -> None:
        """Ask the database once for the records of every key in `keys` not held yet."""
        wanted = {key for key in keys if key not in self.found}
        if not wanted:
            return
        for key in wanted:
            self.found[key] = []
        for record_id, *parts in _key_rows(self.spec.model, self.columns, wanted):
            key = tuple(parts)
            if key in wanted:
                self.found[key].append(record_id)
        for key in wanted:
            self.found[key].sort()

    def ids(self, key: tuple) -> list:
        if key not in self.found:
            self.prefetch([key])
        pending = self.pending.get(key)
        return self.found[key] + pending if pending else self.found[key]

    def get(self, key: tuple, occurrence: int = 0):
        found = self.ids(key)
        if occurrence >= len(found):
            return None
        item = found[occurrence]
        if not isinstance(item, int):
            return item
        return self.loaded.get((self.spec.model, item)) or db.session.get(self.spec.model, item)

    def add(self, key: tuple, record) -> None:
        self.pending.setdefault(key, []).append(record)

    def written(self) -> None:
        """After a write: the new records have ids, and the database holds them."""
        for key, records in self.pending.items():
            if key in self.found:
                self.found[key].extend(record.id for record in records)
        self.pending.clear()

    def chunk_end(self) -> None:
        """Keep what the database said for the next chunks (a sheet names the same agreements, firms and meetings
        again; the records this import writes are added by `written`, and stored keys never change, since a row
        updates the record whose key it has), up to KEYS_HELD keys."""
        if len(self.found) > KEYS_HELD:
            self.found.clear()


def _key_rows(model: type, columns: list, keys: set[tuple]) -> Iterator[tuple]:
    """(id, *key columns) of the stored records that may have one of `keys` (the caller keeps the exact ones).

    Each key is asked for by one of its non-blank parts, through the column with the most distinct values
    among the keys (the most selective, e.g. a decision's case rather than its meeting): one IN query per
    column used, on its index where it has one. Keys with every part blank are asked for with IS NULL.
    """
    distinct = [len({key[i] for key in keys if key[i] is not None}) for i in range(len(columns))]
    order = sorted(range(len(columns)), key=lambda i: -distinct[i])
    by_column: dict[int, set] = {}
    blank = False
    for key in keys:
        i = next((i for i in order if key[i] is not None), None)
        if i is None:
            blank = True
        else:
            by_column.setdefault(i, set()).add(key[i])
    query = select(model.id, *columns)
    for i, values in by_column.items():
        values = list(values)
        for start in range(0, len(values), IN_LIMIT):
            yield from db.session.execute(query.where(columns[i].in_(values[start:start + IN_LIMIT])))
    if blank:
        yield from db.session.execute(query.where(*(column.is_(None) for column in columns)))


class Scratch:
    """The import's scratch file (a private SQLite temporary database, its cache capped), for what would
    otherwise grow with the number of rows:

    - how many rows of the sheet being read had each natural key so far (the n-th row with a key matches the
      n-th stored record with it; in a sheet of unique keys a second one is a duplicate), a chunk's keys at a
      time;
    - the cases whose decisions the sheet wrote, whose statuses are recomputed once at its end.
    """

    CACHE_KB = 512

    def __init__(self):
        self.db = sqlite3.connect("")
        self.db.execute(f"PRAGMA cache_size = -{self.CACHE_KB}")
        self.db.execute("CREATE TABLE seen (key TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID")
        self.db.execute("CREATE TABLE touched (id INTEGER PRIMARY KEY)")

    def sheet_start(self) -> None:
        self.db.execute("DELETE FROM seen")
        self.db.execute("DELETE FROM touched")

    def counts_load(self, keys) -> Counter:
        """The counts so far of `keys`, as a Counter the chunk's rows then count on."""
        by_text = {repr(key): key for key in keys}
        texts, counts = list(by_text), Counter()
        for start in range(0, len(texts), IN_LIMIT):
            part = texts[start:start + IN_LIMIT]
            for text, n in self.db.execute(f"SELECT key, n FROM seen WHERE key IN ({','.join('?' * len(part))})",
                                           part):
                counts[by_text[text]] = n
        return counts

    def counts_save(self, counts: Counter) -> None:
        self.db.executemany("INSERT OR REPLACE INTO seen (key, n) VALUES (?, ?)",
                            [(repr(key), n) for key, n in counts.items()])

    def touch(self, ids) -> None:
        self.db.executemany("INSERT OR IGNORE INTO touched (id) VALUES (?)", [(i,) for i in ids])

    def touched(self) -> Iterator[list[int]]:
        """The ids touched, in order, IN_LIMIT at a time."""
        last = 0
        while ids := [i for (i,) in self.db.execute("SELECT id FROM touched WHERE id > ? ORDER BY id LIMIT ?",
                                                    (last, IN_LIMIT))]:
            yield ids
            last = ids[-1]

    def close(self) -> None:
        self.db.close()


class UniqueIndex:
    """The unique keys of one table, checked a chunk at a time instead of one query per row.

    The database is asked once per chunk and key for the values the chunk's rows give (prefetch); a value
    another owner holds (a stored id, or a marker for a new record of this chunk) gets the same message as
    the forms' check. Until the chunk is written, the values its rows claim and release are kept here.
    """

    def __init__(self, model: type):
        table = model.__table__
        self.model = model
        self.table = table
        self.keys = list(dict.fromkeys(unique_keys(model)))  # a unique column may also have a unique index
        self.stored: dict[tuple, dict[tuple, set]] = {key: {} for key in self.keys}  # value → ids, as written
        self.claimed: dict[tuple, dict[tuple, set]] = {key: {} for key in self.keys}  # … and as this chunk changed
        self.released: dict[tuple, dict[tuple, set]] = {key: {} for key in self.keys}

    @staticmethod
    def value_of(key: tuple, values: dict) -> tuple | None:
        if any(k not in values or values[k] is None for k in key):
            return None
        return tuple(values[k] for k in key)

    def prefetch(self, rows: list[dict]) -> None:
        for key in self.keys:
            stored = self.stored[key]
            wanted = {value for value in (self.value_of(key, values) for values in rows)
                      if value is not None and value not in stored}
            for value in wanted:
                stored[value] = set()
            columns = [self.table.c[k] for k in key]
            for record_id, *parts in _key_rows(self.model, columns, wanted):
                if tuple(parts) in wanted:
                    stored[tuple(parts)].add(record_id)

    def owners(self, key: tuple, value: tuple) -> set:
        if value not in self.stored[key]:
            self.prefetch([dict(zip(key, value))])
        return (self.stored[key][value] - self.released[key].get(value, set())) | self.claimed[key].get(value, set())

    def problems(self, values: dict, owner) -> dict[str, str]:
        found = {}
        for key in self.keys:
            value = self.value_of(key, values)
            if value is not None and self.owners(key, value) - {owner}:
                found.setdefault(key[0], unique_message(self.model, key))
        return found

    def claim(self, old: dict | None, new: dict, owner) -> None:
        for key in self.keys:
            before = self.value_of(key, old) if old is not None else None
            after = self.value_of(key, new)
            if before == after:
                continue
            if before is not None:
                self.claimed[key].get(before, set()).discard(owner)
                self.released[key].setdefault(before, set()).add(owner)
            if after is not None:
                self.released[key].get(after, set()).discard(owner)
                self.claimed[key].setdefault(after, set()).add(owner)

    def written(self) -> None:
        """After a write the database holds what this chunk claimed: ask it again."""
        for key in self.keys:
            self.stored[key].clear()
            self.claimed[key].clear()
            self.released[key].clear()


class Importer:
    """One import: sheets in dependency order, one transaction, problems collected with their positions."""

    def __init__(self, *, progress: Callable[[str, int, int | None], None] | None = None):
        self.indexes: dict[type, KeyIndex] = {}
        self.loaded: dict[tuple[type, int], object] = {}  # records rows name or match, by (model, id)
        self.keys_read: dict[tuple[type, str], tuple] = {}  # this chunk's references: (target, text) → key
        self.result = ImportResult()
        self.progress = progress
        self.pending: list[Pending] = []  # created records of this chunk, not yet written
        self.updated = False  # this chunk changed stored records (through the ORM)
        self.unflushed_preapprovals: set = set()  # agreements whose decisions this chunk updates (not yet flushed)

    def index(self, model: type) -> KeyIndex:
        if model not in self.indexes:
            self.indexes[model] = KeyIndex(SPEC_OF[model], self.loaded)
        return self.indexes[model]

    def reference(self, f: Field, text: str):
        """The record a natural key names, or a ValueProblem saying why not."""
        spec = SPEC_OF[f.target]
        key = self.keys_read.get((f.target, text)) or self.reference_key(f, text)
        index = self.index(f.target)
        found = index.ids(key)
        if len(found) > 1:
            raise ValueProblem(_("「%(sheet)s」中有多筆相同的「%(hint)s」，無法判斷是哪一筆", sheet=spec.sheet,
                                 hint=key_hint(f.target)))
        if not found:
            if key in index.rejected:
                raise ValueProblem(_("「%(sheet)s」工作表中的這筆資料有錯誤，未匯入", sheet=spec.sheet))
            raise ValueProblem(_("找不到此%(what)s（請填「%(hint)s」，或先在「%(sheet)s」工作表新增）",
                                 what=f.label, hint=key_hint(f.target), sheet=spec.sheet))
        return index.get(key)

    def matches_load(self, index: KeyIndex, keys: list[tuple]) -> None:
        """Load the stored records a chunk's rows match by natural key, with the links their comparison reads,
        in one query per table (a re-import would otherwise load each record and each of its links alone)."""
        if not index.stored:
            return
        index.prefetch(keys)
        ids = {item for key in keys for item in index.ids(key) if isinstance(item, int)}
        if not ids:
            return
        model = index.spec.model
        mapper = inspect(model)
        options = [selectinload(getattr(model, rel.key)) for rel in mapper.relationships
                   if not rel.uselist or rel.secondary is not None]
        self.records_load(model, ids, *options)

    @staticmethod
    def reference_key(f: Field, text: str) -> tuple:
        """The natural key a reference's text names, parsed as the target sheet's key columns."""
        spec = SPEC_OF[f.target]
        target_fields = {tf.key: tf for tf in fields_of(f.target)}
        parts = text.rsplit(KEY_SEPARATOR, len(spec.key) - 1) if len(spec.key) > 1 else [text]
        if len(parts) != len(spec.key):
            raise ValueProblem(_("請以「%(hint)s」的格式填寫", hint=key_hint(f.target)))
        return tuple(value_parse(target_fields[name], part) for name, part in zip(spec.key, parts))

    def cell_parse(self, f: Field, raw):
        if f.kind == "ref":
            text = text_clean(raw) if not isinstance(raw, (date, datetime)) else None
            return self.reference(f, text) if text else None
        if f.kind == "refs":
            text = text_clean(raw)
            if not text:
                return []
            names = [n.strip() for n in re.split(r"[；;]", text) if n.strip()]
            return [self.reference(f, name) for name in names]
        return value_parse(f, raw)

    def run(self, path: str | Path, *, dry_run: bool) -> ImportResult:
        self.result.dry_run = dry_run
        g.history_source = "import"
        db.session.rollback()
        try:
            workbook = workbook_read(path)
        except ImportRefused as error:
            self.result.problems.append(Problem("", 0, "", "", "", str(error)))
            return self.result
        summary_defer(db.session)  # one summary rebuild at the commit, not one per chunk
        self.scratch = Scratch()
        try:
            known = {spec.sheet for spec in SPECS} | {README_SHEET}
            for name in workbook.sheet_names:
                if name not in known:
                    self.result.notes.append(_("未知的工作表「%(sheet)s」，已略過", sheet=name))
            try:
                for spec in SPECS:
                    if spec.sheet in workbook.sheet_names:
                        self.sheet_import(spec, workbook)
                db.session.flush()
            except SQLAlchemyError as error:
                db.session.rollback()
                self.result.problems.append(Problem("", 0, "", "", "", _("資料庫拒絕寫入：%(error)s",
                                                                             error=str(error.orig or error)[:300])))
            except ImportRefused as error:  # a sheet that cannot be parsed
                self.result.problems.append(Problem("", 0, "", "", "", str(error)))
        finally:
            workbook.close()
            self.scratch.close()
            # What each chunk left alive (held keys and records, the session's state) sheet_import moved to the
            # collector's permanent generation, sparing the full collections that would walk it again and again
            # (a quarter of the time at 50,000 cases). Hand it back now.
            gc.unfreeze()
        if self.result.problems or dry_run:
            db.session.rollback()
        else:
            db.session.commit()
            self.result.written = True
        return self.result

    def sheet_import(self, spec: Spec, workbook: "Workbook") -> None:
        count = SheetCount(spec.sheet)
        self.result.counts.append(count)
        fields = fields_of(spec.model)
        by_key = {f.key: f for f in fields}
        by_label = {f.label: f for f in fields}
        columns, first_data, rows, texts = _header_read(sheet_rows(workbook, spec.sheet), by_key, by_label)
        headers = {i: f.label for i, f in columns.items()}
        for i, h in texts.items():
            if i not in columns:
                self.result.notes.append(_("「%(sheet)s」的欄位「%(header)s」不是匯入欄位，已略過",
                                           sheet=spec.sheet, header=h))
        missing = [by_key[k].label for k in spec.key if k not in {f.key for f in columns.values()}]
        if missing:
            self.result.problems.append(Problem(spec.sheet, 1, "", "", "", _(
                "缺少比對欄位：%(columns)s", columns="、".join(missing))))
            return
        letters = {f.key: (_column_letter(i), headers[i]) for i, f in columns.items()}
        index = self.index(spec.model)
        self.scratch.sheet_start()
        self.unique = UniqueIndex(spec.model)
        last = workbook.row_count(spec.sheet)
        total = max(last + 1 - first_data, 0) if last is not None else None
        if self.progress:
            self.progress(spec.sheet, 0, total)
        done = 0
        # Rows are validated and written in chunks: the records a chunk refers to are loaded with one query
        # per linked table, the chunk is written (chunk_write) and the session lets go of it, so memory holds
        # one chunk whatever the size of the file. The rule tables are read once per sheet.
        with db.session.no_autoflush, credit_rules_held():  # the checks need no flushed rows (UniqueIndex)
            for chunk in _chunks(enumerate(rows, start=first_data), FLUSH_EVERY):
                done = min(done + len(chunk), total) if total is not None else done + len(chunk)
                chunk = [(number, row) for number, row in chunk if any(v is not None for v in row)]
                self.references_load(chunk, columns)
                parsed = [self.row_parse(spec, number, row, columns, letters) for number, row in chunk]
                keys = [index.key_of(p.values) for p in parsed if not p.problems]
                self.matches_load(index, keys)
                self.unique.prefetch([{**_defaults(spec.model), **p.values} for p in parsed if not p.problems])
                seen = self.scratch.counts_load(keys)
                for p in parsed:
                    self.row_import(spec, index, seen, count, p, letters)
                self.scratch.counts_save(seen)
                self.chunk_write(spec.model)
                for held in self.indexes.values():
                    held.chunk_end()
                self.references_release(spec.model)
                gc.freeze()  # see run()
                if self.progress:
                    self.progress(spec.sheet, done, total)
            if spec.model is CaseDecision:
                self.case_statuses_settle()
        if self.progress:
            self.progress(spec.sheet, done if total is None else total, total)

    def chunk_write(self, model: type) -> None:
        """Write what the chunk's rows decided so far: updates through the ORM (its ledger and history
        listeners run as for any edit), then the created records set-based (creates_write)."""
        db.session.flush()
        if self.pending:
            creates_write(model, self.pending)
            if model is CaseDecision:
                self.scratch.touch({r.values["case"].id for r in self.pending if r.values.get("case") is not None})
            self.pending = []
        self.index(model).written()
        self.unique.written()
        self.unflushed_preapprovals.clear()

    def case_statuses_settle(self) -> None:
        """Recompute, once at the end of the sheet, the statuses of the cases whose decisions it wrote set-based
        (icp.ledger.case_statuses_refresh; logged as updates), and update the ones the session holds. (No rule
        reads a case's status, so the sheet's rows need not see it change; a case whose decisions fall in
        several chunks changes once.)"""
        connection = db.session.connection()
        for ids in self.scratch.touched():
            for case_id, status, version in case_statuses_refresh(connection, ids):
                case = db.session.identity_map.get(identity_key(IcpCase, case_id))
                if case is not None:  # the loaded case as now stored
                    set_committed_value(case, "status", status)
                    set_committed_value(case, "version_id", version)

    def preapproval_settle(self, spec: Spec, values: dict, current) -> int | None:
        """A pre-approval's over-commit check reads its agreement's pre-approved total: held for the sheet and
        kept up to date by the rows this import creates (preapproval_reserve), and summed by the database
        when an update must leave its own old amount out, or after this chunk updated that agreement's
        decisions; write the chunk so far first then, so that sum sees every earlier row. The agreement of a
        pre-approval row (None for any other row)."""
        case = values.get("case")
        if spec.model is not CaseDecision or values.get("kind") != PRE_APPROVED or case is None:
            return None
        if current is not None or case.agreement_id in self.unflushed_preapprovals:
            self.chunk_write(spec.model)
        return case.agreement_id

    def preapproval_written(self, values: dict, current, agreement_id: int | None) -> None:
        """Keep the held pre-approved totals right after a decision row is accepted."""
        if current is not None:  # an update: old and new agreement are summed again, after the flush
            agreements = {agreement_id, current.case.agreement_id if current.case is not None else None} - {None}
            preapproval_forget(agreements)
            self.unflushed_preapprovals.update(agreements)
        elif agreement_id is not None:
            amount = preapproval_amount(values["case"].agreement, credits=decision_credits(values),
                                        currency=values.get("currency") or "USD", rate=values.get("exchange_rate"))
            if amount is not None:
                preapproval_reserve(agreement_id, amount)

    def references_load(self, chunk: list, columns: dict) -> None:
        """Load, with one query per linked table, the stored records a chunk of rows names (not one per row)."""
        keys: dict[type, set[tuple]] = {}  # the keys the chunk names, by the model they name
        wanted: dict[type, set[int]] = {}
        self.keys_read.clear()
        for i, f in columns.items():
            if f.kind not in ("ref", "refs"):
                continue
            for _number, row in chunk:
                text = text_clean(row[i]) if i < len(row) and not isinstance(row[i], (date, datetime)) else None
                if not text:
                    continue
                names = [n.strip() for n in re.split(r"[；;]", text) if n.strip()] if f.kind == "refs" else [text]
                for name in names:
                    key = self.keys_read.get((f.target, name))
                    if key is None:
                        try:
                            key = self.keys_read[(f.target, name)] = self.reference_key(f, name)
                        except ValueProblem:
                            continue
                    keys.setdefault(f.target, set()).add(key)
        for target, targets_keys in keys.items():
            index = self.index(target)
            index.prefetch(targets_keys)
            wanted[target] = {item for key in targets_keys for item in index.ids(key)
                              if isinstance(item, int) and (target, item) not in self.loaded}
        for model, ids in wanted.items():
            self.records_load(model, ids)

    def references_release(self, model: type) -> None:
        """After a chunk: let go of the records it wrote or matched; keep the records of other sheets it named
        for the next chunks (a sheet's rows name the same agreements, firms and meetings again), up to
        REFERENCES_HELD of them."""
        matched = [self.loaded.pop(key) for key in [key for key in self.loaded if key[0] is model]]
        if self.updated or len(self.loaded) > REFERENCES_HELD:  # the ORM wrote: start afresh
            self.loaded.clear()
            records_release()
        else:
            for record in matched:
                if record in db.session:
                    db.session.expunge(record)
        self.updated = False

    def records_load(self, model: type, ids, *options) -> None:
        """Load records by id, held (self.loaded) until the next chunk: the identity map keeps them weakly."""
        ids, linked = sorted(ids), set()
        link = HELD_LINKS.get(model)
        for start in range(0, len(ids), IN_LIMIT):
            for record in db.session.scalars(select(model).options(*options, *PRELOAD.get(model, ()))
                                             .where(model.id.in_(ids[start:start + IN_LIMIT]))):
                self.loaded[(model, record.id)] = record
                if link is not None:
                    linked.add(getattr(record, link[0].key))
        if link is not None:
            self.records_load(link[1], {i for i in linked if i is not None and (link[1], i) not in self.loaded})

    def row_parse(self, spec: Spec, number: int, row, columns: dict, letters: dict) -> "ParsedRow":
        """A row's cells as its fields' values (references resolved), with the problems of the cells that are not."""
        parsed = ParsedRow(number, {}, {}, [])
        for i, f in columns.items():
            raw = row[i] if i < len(row) else None
            parsed.raw_of[f.key] = raw
            if raw is None:  # what cell_parse gives a blank cell, without the calls (most cells of a sheet)
                parsed.values[f.key] = [] if f.kind == "refs" else None
                continue
            try:
                parsed.values[f.key] = self.cell_parse(f, raw)
            except ValueProblem as error:
                parsed.problems.append(_problem(spec, number, letters, f.key, raw, str(error)))
        return parsed

    def row_import(self, spec: Spec, index: KeyIndex, seen: Counter, count: SheetCount, parsed: "ParsedRow",
                   letters: dict) -> None:
        number, values, raw_of, problems = parsed.number, parsed.values, parsed.raw_of, parsed.problems

        def problem(key: str | None, value, reason: str) -> None:
            problems.append(_problem(spec, number, letters, key, value, reason))

        key = index.key_of(values)
        if not problems:
            for name in spec.key:
                if values.get(name) is None and _field(spec, name).required:
                    problem(name, None, _("此欄為必填"))
        if problems:
            self._reject(spec, index, count, key, problems)
            return
        occurrence = seen[key]
        seen[key] += 1
        if spec.unique and occurrence:
            problem(spec.key[0], raw_of.get(spec.key[0]), _("與本工作表前面的列重複（%(hint)s 相同）",
                                                            hint=key_hint(spec.model)))
            self._reject(spec, index, count, None, problems)
            return
        current = index.get(key, occurrence) if index.stored else None
        if current is not None:
            fields = _fields_by_key(spec.model)
            changes = {k: v for k, v in values.items() if _differs(fields[k], getattr(current, k), v)}
            for k, v in list(changes.items()):
                if v is None and fields[k].default is not None:  # a blank cell keeps a defaulted field's default
                    changes[k] = fields[k].default
                    if not _differs(fields[k], getattr(current, k), changes[k]):
                        del changes[k]
            if not changes:
                count.unchanged += 1
                return
            merged = {**_record_values(current), **changes}
        else:
            merged = dict(_defaults(spec.model))
            merged.update({k: v for k, v in values.items() if v is not None or k not in merged})
            for f in _required(spec.model):
                if merged.get(f.key) is None:
                    problem(f.key, None, _("此欄為必填") if f.key in letters else
                            _("缺少必填欄位「%(header)s」", header=f.label))
        owner = current.id if current is not None else object()
        agreement_id = self.preapproval_settle(spec, merged, current)
        if not problems:
            found = record_problems(spec.model, merged, current, unique=False)
            for name, reason in self.unique.problems(merged, owner).items():
                found.setdefault(name, reason)
            for name, reason in found.items():
                problem(name if name in letters else None, raw_of.get(name), reason if name in letters else
                        f"{_field_label(spec, name)}：{reason}")
        if problems:
            self._reject(spec, index, count, None if current is not None else key, problems)
            return
        self.unique.claim(_record_values(current) if current is not None else None, merged, owner)
        if spec.model is CaseDecision:
            self.preapproval_written(merged, current, agreement_id)
        if current is not None:
            for k, v in changes.items():
                setattr(current, k, v)
            self.updated = True
            count.updated += 1
        else:
            record = Pending(merged)
            self.pending.append(record)
            index.add(key, record)
            count.created += 1

    def _reject(self, spec: Spec, index: KeyIndex, count: SheetCount, key: tuple | None, problems) -> None:
        count.rejected += 1
        self.result.problems.extend(problems)
        if key is not None and all(part is not None for part in key):
            index.rejected.add(key)


# The set-based writer --------------------------------------------------------------------------------------
def creates_write(model: type, pending: list[Pending]) -> None:
    """Insert validated new records of `model` with one multi-row INSERT per table, and log them.

    What the ORM's flush and its listeners would do for each, set-based: column defaults for blank values,
    the version (1), the derived values (icp.ledger.derived_values), the many-to-many link rows and one
    history entry per record (icp.history.log_written). For decisions, their cases' statuses are recomputed
    at the end of the sheet (Importer.case_statuses_settle); the credit summary at the commit (summary_defer).
    """
    table = model.__table__
    connection = db.session.connection()
    plan = _write_plan(model)
    rows = []
    for record in pending:
        given, row = record.values, {}
        for name, link, default in plan.columns:
            value = given.get(link or name)
            if link is not None:
                value = value.id if value is not None else None
            elif value is None:
                value = default
            row[name] = value
        row["version_id"] = 1
        row.update(derived_values(model, row.get))
        rows.append(row)
    for record, row, record_id in zip(pending, rows, ids_reserve(connection, table, len(rows)), strict=True):
        record.id = row["id"] = record_id
    # One executemany per set of filled columns (rows of a sheet mostly fill the same ones): a blank column is
    # left to the table (NULL; defaults are already in the row), which spares binding every blank of every row.
    by_filled: dict[tuple, list] = {}
    for row in rows:
        filled = {key: value for key, value in row.items() if value is not None}
        by_filled.setdefault(tuple(filled), []).append(filled)
    for filled_rows in by_filled.values():
        rows_insert(connection, table, filled_rows)
    for rel, own_key, target_key in plan.collections:
        rows_insert(connection, rel.secondary, [{own_key: record.id, target_key: item.id} for record in pending
                                                for item in record.values.get(rel.key) or ()])
    written = []
    for record, row in zip(pending, rows):
        given = record.values
        values = {**row, **{link: given.get(link) for link in plan.links}}
        changes = {rel.key: [[], sorted(item.id for item in given[rel.key])] for rel, _own, _target in plan.collections
                   if given.get(rel.key)}
        written.append(("create", values, changes))
    log_written(connection, model, written)


@dataclass(frozen=True)
class _WritePlan:
    columns: tuple  # (attribute, the to-one link it holds the id of or None, its scalar default or None)
    links: tuple  # the to-one links (their records go into the history label)
    collections: tuple  # (many-to-many relationship, its link table's key for this record, for the other)


@cache
def _write_plan(model: type) -> _WritePlan:
    """How creates_write turns a record's values into its table's row, worked out once per model. The row's
    keys are the table's column keys, which are the attributes' (mapped_column names them alike)."""
    mapper = inspect(model)
    links = {next(iter(rel.local_columns)).key: rel.key for rel in mapper.relationships
             if rel.secondary is None and rel.direction.name == "MANYTOONE"}
    columns = []
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        assert attr.key == column.key, (model, attr.key)
        if attr.key == "id":
            continue
        default = column.default.arg if column.default is not None and column.default.is_scalar else None
        columns.append((attr.key, links.get(attr.key), default))
    collections = []
    for rel in mapper.relationships:
        if rel.secondary is not None:
            (_own, own_column), = rel.synchronize_pairs
            (_target, target_column), = rel.secondary_synchronize_pairs
            collections.append((rel, own_column.key, target_column.key))
    return _WritePlan(tuple(columns), tuple(links.values()), tuple(collections))


def workbook_read(path: str | Path) -> "Workbook":
    """The workbook, opened for streaming (icp.xlsxread): a sheet is parsed as its rows are asked for.

    Only after upload_check has refused oversized, malformed or DTD-bearing files. (Imported here: the reader
    uses parts of openpyxl, which a process that never imports need not load.)
    """
    from icp.xlsxread import Workbook, WorkbookUnreadable

    try:
        return Workbook(path)
    except WorkbookUnreadable:
        raise ImportRefused(_("檔案已損毀或格式不正確，無法讀取")) from None


def sheet_rows(workbook: "Workbook", name: str) -> Iterator[tuple]:
    from icp.xlsxread import WorkbookUnreadable

    try:
        yield from workbook.rows(name)
    except WorkbookUnreadable:
        raise ImportRefused(_("檔案已損毀或格式不正確，無法讀取")) from None


def _header_read(rows: Iterator[tuple], by_key: dict, by_label: dict) -> tuple[dict, int, Iterator, dict]:
    """The sheet's columns, its first data row (1-based), the rows after the header, and header texts.

    Columns come from the hidden machine-key row when there is one, else from the Chinese headers. Those
    may span several rows with merged cells (a group header over its columns, a header merged down over
    two rows): a merged cell's text is in its top-left cell only, so each column takes the lowest header
    text above it that names a field.
    """
    top = list(islice(rows, HEADER_ROWS_MAX))
    texts = [[text_clean(v) if isinstance(v, str) else None for v in row] for row in top]
    for n, names in enumerate(texts):
        if any(names) and all(name is None or name in by_key for name in names):
            columns = {i: by_key[name] for i, name in enumerate(names) if name}
            return columns, n + 2, _chain(top[n + 1:], rows), _header_texts(texts[:n])
    labelled = [n for n, names in enumerate(texts) if any(name in by_label for name in names)]
    if not labelled:
        return {}, 2, _chain(top[1:], rows), _header_texts(texts[:1])
    header = texts[:labelled[-1] + 1]
    columns = {}
    for names in header:  # lower rows win: a sub-header under a merged group header
        columns.update({i: by_label[name] for i, name in enumerate(names) if name in by_label})
    return columns, len(header) + 1, _chain(top[len(header):], rows), _header_texts(header)


def _header_texts(header: list[list]) -> dict[int, str]:
    """Column → the lowest header text above it (for the note on columns that are not import fields)."""
    found = {}
    for names in header:
        found.update({i: name for i, name in enumerate(names) if name})
    return found


def _column_letter(index: int) -> str:
    """Excel's column letter of a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _chunks(items, size: int) -> Iterator[list]:
    while chunk := list(islice(items, size)):
        yield chunk


def _chain(first, rest):
    yield from first
    yield from rest


@cache
def _defaults(model: type) -> dict:
    return {f.key: f.default for f in fields_of(model) if f.default is not None}


@cache
def _fields_by_key(model: type) -> dict[str, Field]:
    return {f.key: f for f in fields_of(model)}


@cache
def _required(model: type) -> tuple[Field, ...]:
    return tuple(f for f in fields_of(model) if f.required)


def _field(spec: Spec, name: str) -> Field:
    return next(f for f in fields_of(spec.model) if f.key == name)



def _field_label(spec: Spec, name: str) -> str:
    mapper = inspect(spec.model)
    prop = mapper.attrs.get(name)
    info = getattr(prop, "info", {}) if prop is not None else {}
    if not info and prop is not None and hasattr(prop, "columns"):
        info = prop.columns[0].info
    return str(info.get("label", name))


def _record_values(record) -> dict:
    """A stored record's values as icp.validation expects them: columns and to-one links by attribute."""
    mapper = inspect(type(record))
    values = {attr.key: getattr(record, attr.key) for attr in mapper.column_attrs}
    values.update({rel.key: getattr(record, rel.key) for rel in mapper.relationships if not rel.uselist})
    values.update({rel.key: list(getattr(record, rel.key)) for rel in mapper.relationships
                   if rel.secondary is not None})
    return values


def _differs(f: Field, old, new) -> bool:
    if f.kind == "refs":
        return {item.id for item in old} != {item.id for item in new}
    if f.kind == "ref":
        return (old.id if old is not None else None) != (new.id if new is not None else None)
    return old != new


def workbook_import(path: str | Path, *, dry_run: bool = False,
                    progress: Callable[[str, int, int | None], None] | None = None) -> ImportResult:
    """Check, read and import the workbook at `path`: everything or (on any problem, or a dry run) nothing."""
    upload_check(path)
    return Importer(progress=progress).run(path, dry_run=dry_run)


# The copy with the problems marked --------------------------------------------------------------------------
ERRORS_SHEET = "匯入錯誤"
BAD_FILL = "FFC7CE"


def errors_annotate(path: str | Path, problems: list[Problem]) -> bytes:
    """The uploaded workbook with each bad cell filled red and commented, and a list of every problem first."""
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    with open(path, "rb") as handle:
        workbook = load_workbook(handle)
    fill = PatternFill(fill_type="solid", start_color=BAD_FILL, end_color=BAD_FILL)
    listing = workbook.create_sheet(ERRORS_SHEET, 0)
    for col, width in zip("ABCDEF", (20, 8, 8, 24, 30, 60)):
        listing.column_dimensions[col].width = width
    listing.append([_("工作表"), _("列"), _("欄"), _("欄位"), _("內容"), _("原因")])
    comments: dict[tuple, list[str]] = {}
    for p in problems:
        listing.append([p.sheet, p.row or None, p.column, p.header, p.value, p.reason])
        if p.sheet in workbook.sheetnames and p.row:
            comments.setdefault((p.sheet, p.row, p.column or "A"), []).append(
                f"{p.header}：{p.reason}" if p.header else p.reason)
    for row in listing.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                cell.data_type, cell.quotePrefix = "s", True  # a bad value stays text, never a formula
    for (sheet, row, letter), reasons in comments.items():
        cell = workbook[sheet][f"{letter}{row}"]
        cell.fill = fill
        cell.comment = Comment("\n".join(reasons), _("匯入檢查"), width=300, height=120)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
