"""A streaming reader of .xlsx workbooks for the import: one sheet's rows at a time, never the whole sheet.

The file is a zip of XML parts. Each sheet's XML is decompressed and parsed (expat, the C parser in the
standard library) 64 KB at a time, and its rows are yielded as they complete, so memory holds the rows in
hand, not the sheet. The shared-string table (the workbook's distinct texts, one per case title in a
workbook Excel saved) goes to a temporary file as it is parsed (SharedStrings), so it does not grow the
process either; only the cell styles are read whole. Values come as the import expects them: blank cells None, whole numbers int, other numbers
float, date-formatted numbers date (or datetime when they carry a time), booleans bool, and text str
(phonetic guides left out). Parsing only happens after icp.importer.upload_check has refused oversized,
DTD-bearing or otherwise malformed files; expat expands no external entity.
"""
import mmap
import posixpath
import re
import struct
import tempfile
import zipfile
from array import array
from collections.abc import Iterator
from datetime import datetime
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

MAIN_NAMESPACES = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                   "http://purl.oclc.org/ooxml/spreadsheetml/main")
RELATIONSHIP_NAMESPACES = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                           "http://purl.oclc.org/ooxml/officeDocument/relationships")
READ_BYTES = 1 << 16
RELEASE_BLOCKS = 16  # the shared strings' pages are handed back after each 1 MB of a sheet's XML
DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]*\d*:?[A-Z]*(\d+)"')
# element codes, whatever prefix a writer gives the spreadsheet namespace
ROW, CELL, VALUE, TEXT, INLINE, PHONETIC, SHARED = "row", "c", "v", "t", "is", "rPh", "si"
_CODES = {f"{ns} {name}": name for ns in MAIN_NAMESPACES for name in (ROW, CELL, VALUE, TEXT, INLINE, PHONETIC,
                                                                      SHARED)}


class WorkbookUnreadable(Exception):
    """The file is not a workbook this reader can make sense of."""


class Workbook:
    """An .xlsx file: its sheet names in order, and each sheet's rows on demand."""

    def __init__(self, path):
        try:
            self.archive = zipfile.ZipFile(path)
            self.paths, self.epoch = self._sheets_read()
            self.dates = self._date_styles_read()
            self.strings = SharedStrings()
            self._shared_strings_read()
        except (zipfile.BadZipFile, KeyError, ValueError, expat.ExpatError) as error:
            raise WorkbookUnreadable(str(error)) from None

    @property
    def sheet_names(self) -> list[str]:
        return list(self.paths)

    def close(self) -> None:
        self.archive.close()
        self.strings.close()

    def row_count(self, name: str) -> int | None:
        """The last row the sheet declares it uses (its <dimension>), without parsing it; None if not declared."""
        with self.archive.open(self.paths[name]) as part:
            match = DIMENSION.search(part.read(4096))
        return int(match[1]) if match else None

    def rows(self, name: str) -> Iterator[tuple]:
        """The sheet's rows from row 1 and column A, an empty tuple for each row it skips."""
        reader = _SheetReader(self.strings, self.dates, self.epoch)
        try:
            with self.archive.open(self.paths[name]) as part:
                for block, chunk in enumerate(iter(lambda: part.read(READ_BYTES), b""), start=1):
                    reader.parser.Parse(chunk, False)
                    if block % RELEASE_BLOCKS == 0:
                        self.strings.release()
                    yield from reader.take()
                reader.parser.Parse(b"", True)
                yield from reader.take()
        except (zipfile.BadZipFile, expat.ExpatError, ValueError, IndexError, OSError) as error:
            raise WorkbookUnreadable(str(error)) from None

    # The workbook's parts ----------------------------------------------------------------------------------
    def _sheets_read(self) -> tuple[dict[str, str], datetime]:
        targets = {}
        for attrs in _elements(self.archive, "xl/_rels/workbook.xml.rels", "Relationship"):
            target = attrs["Target"]
            targets[attrs["Id"]] = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join("xl", target))
        paths, epoch = {}, CALENDAR_WINDOWS_1900
        for attrs in _elements(self.archive, "xl/workbook.xml", "sheet", "workbookPr"):
            if "name" in attrs:
                relation = next(attrs[f"{ns} id"] for ns in RELATIONSHIP_NAMESPACES if f"{ns} id" in attrs)
                paths[attrs["name"]] = targets[relation]
            elif attrs.get("date1904") in ("1", "true"):
                epoch = CALENDAR_MAC_1904
        return paths, epoch

    def _date_styles_read(self) -> frozenset[int]:
        """The cell styles (their index) whose number format shows a date."""
        if "xl/styles.xml" not in self.archive.namelist():
            return frozenset()
        custom, formats, in_cell_formats = {}, [], False
        parser = _parser()

        def start(name, attrs):
            nonlocal in_cell_formats
            local = name.rpartition(" ")[2]
            if local == "numFmt":
                custom[int(attrs["numFmtId"])] = attrs.get("formatCode", "")
            elif local == "cellXfs":
                in_cell_formats = True
            elif local == "xf" and in_cell_formats:
                formats.append(int(attrs.get("numFmtId", 0)))

        def end(name):
            nonlocal in_cell_formats
            if name.rpartition(" ")[2] == "cellXfs":
                in_cell_formats = False

        parser.StartElementHandler, parser.EndElementHandler = start, end
        _parse(parser, self.archive, "xl/styles.xml")
        return frozenset(i for i, number_format in enumerate(formats)
                         if is_date_format(custom.get(number_format, BUILTIN_FORMATS.get(number_format, ""))))

    def _shared_strings_read(self) -> None:
        name = next((p for p in self.archive.namelist() if p.lower() == "xl/sharedstrings.xml"), None)
        if name is None:
            return
        strings, parts, state = self.strings, [], {"text": False, "phonetic": False}
        parser = _parser()

        def start(name, attrs):
            code = _CODES.get(name)
            if code == TEXT:
                state["text"] = not state["phonetic"]
            elif code == PHONETIC:
                state["phonetic"] = True

        def end(name):
            code = _CODES.get(name)
            if code == TEXT:
                state["text"] = False
            elif code == PHONETIC:
                state["phonetic"] = False
            elif code == SHARED:
                strings.append("".join(parts))
                parts.clear()

        def text(data):
            if state["text"]:
                parts.append(data)

        parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
        _parse(parser, self.archive, name)
        strings.seal()


_END, _ENDS = struct.Struct("=Q"), struct.Struct("=QQ")  # as array("Q") writes them


class SharedStrings:
    """The shared-string table, in a temporary file instead of a list: the texts (UTF-8, one after another)
    and where each one ends (8 bytes each), read back through a memory map. The map's pages are handed back
    after each megabyte of a sheet (release), so that reading a large table does not keep it resident either."""

    def __init__(self):
        self.texts, self.ends = tempfile.TemporaryFile(), tempfile.TemporaryFile()
        self.written, self.pending = 0, array("Q")
        self.count = 0
        self.text_map = self.end_map = None

    def append(self, text: str) -> None:
        data = text.encode()
        self.texts.write(data)
        self.written += len(data)
        self.pending.append(self.written)
        if len(self.pending) >= 8192:
            self._ends_write()

    def _ends_write(self) -> None:
        self.count += len(self.pending)
        self.ends.write(self.pending.tobytes())
        self.pending = array("Q")

    def seal(self) -> None:
        """The table is complete: map it for reading."""
        self._ends_write()
        self.texts.flush()
        self.ends.flush()
        if self.count:
            self.end_map = mmap.mmap(self.ends.fileno(), 0, access=mmap.ACCESS_READ)
            if self.written:
                self.text_map = mmap.mmap(self.texts.fileno(), 0, access=mmap.ACCESS_READ)

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: int) -> str:
        if not 0 < index < self.count:
            if index != 0 or not self.count:
                raise IndexError(index)
            start, (end,) = 0, _END.unpack_from(self.end_map, 0)
        else:
            start, end = _ENDS.unpack_from(self.end_map, 8 * (index - 1))  # the one before ends where it starts
        return self.text_map[start:end].decode() if end > start else ""

    def release(self) -> None:
        for mapped in (self.text_map, self.end_map):
            if mapped is not None:
                mapped.madvise(mmap.MADV_DONTNEED)

    def close(self) -> None:
        for mapped in (self.text_map, self.end_map):
            if mapped is not None:
                mapped.close()
        self.texts.close()
        self.ends.close()


class _SheetReader:
    """Expat handlers that turn a sheet's XML into row tuples as its rows close. (They run for every element
    of the sheet, a million times for 50,000 cases: each does as little as it can.)"""

    def __init__(self, strings: "SharedStrings", dates: frozenset[int], epoch: datetime):
        self.strings, self.epoch = strings, epoch
        self.dates = frozenset(str(style) for style in dates)  # as the s="…" attribute reads
        self.done: list[tuple] = []
        self.row: dict[int, object] = {}
        self.row_number = 0  # the last row done
        self.column = 0
        self.kind = self.style = None
        self.parts: list[str] = []
        self.capture = self.phonetic = False
        self.columns: dict[str, int] = {}
        starts = {CELL: self.cell_start, VALUE: self.text_start, TEXT: self.text_start, ROW: self.row_start,
                  PHONETIC: self.phonetic_start}
        ends = {CELL: self.cell_end, VALUE: self.text_end, TEXT: self.text_end, ROW: self.row_end,
                PHONETIC: self.phonetic_end}
        self.starts = {name: starts[code] for name, code in _CODES.items() if code in starts}
        self.ends = {name: ends[code] for name, code in _CODES.items() if code in ends}
        self.parser = _parser()
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text

    def take(self) -> list[tuple]:
        done, self.done = self.done, []
        return done

    def start(self, name, attrs):
        handler = self.starts.get(name)
        if handler is not None:
            handler(attrs)

    def end(self, name):
        handler = self.ends.get(name)
        if handler is not None:
            handler()

    def text(self, data):
        if self.capture:
            self.parts.append(data)

    def cell_start(self, attrs):
        reference = attrs.get("r")
        if reference is not None:
            letters = reference.rstrip("0123456789")
            column = self.columns.get(letters)
            self.column = column if column is not None else self._column(letters)
        self.kind, self.style, self.parts = attrs.get("t"), attrs.get("s"), []

    def cell_end(self):
        if self.parts:
            self.row[self.column] = self._value()
        self.column += 1  # a cell without a reference follows the one before

    def text_start(self, _attrs):
        self.capture = not self.phonetic

    def text_end(self):
        self.capture = False

    def row_start(self, attrs):
        number = int(attrs.get("r") or self.row_number + 1)
        while self.row_number < number - 1:  # rows the sheet skips are blank rows
            self.row_number += 1
            self.done.append(())
        self.row, self.column = {}, 0

    def row_end(self):
        self.row_number += 1
        row = self.row
        self.done.append(tuple(row.get(i) for i in range(max(row) + 1)) if row else ())

    def phonetic_start(self, _attrs):
        self.phonetic = True

    def phonetic_end(self):
        self.phonetic = False

    def _column(self, letters: str) -> int:
        column = self.columns[letters] = column_index_from_string(letters) - 1
        return column

    def _value(self):
        text, kind = "".join(self.parts), self.kind
        if kind is None or kind == "n":
            number = float(text)
            if self.style in self.dates:
                moment = from_excel(number, self.epoch)
                if isinstance(moment, datetime):
                    return moment.date() if moment.time() == datetime.min.time() else moment
                return number  # a time of day alone is not a date
            return int(number) if number.is_integer() else number
        if kind == "s":
            return self.strings[int(text)]
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind == "d":
            moment = datetime.fromisoformat(text.strip())
            return moment.date() if moment.time() == datetime.min.time() else moment
        return text  # inlineStr, str (a formula's text), e (an error such as #N/A)


def _parser():
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


def _parse(parser, archive: zipfile.ZipFile, name: str) -> None:
    with archive.open(name) as part:
        while chunk := part.read(READ_BYTES):
            parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _elements(archive: zipfile.ZipFile, name: str, *wanted: str) -> list[dict]:
    """The attributes of every element of a small part whose local name is in `wanted`."""
    found = []
    parser = _parser()
    parser.StartElementHandler = lambda tag, attrs: found.append(attrs) if tag.rpartition(" ")[2] in wanted else None
    _parse(parser, archive, name)
    return found
