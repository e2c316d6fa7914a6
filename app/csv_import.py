"""Read CSV files that trainers and coordinators upload: all or nothing, with every problem
listed by line. Pure functions over bytes; the callers decide what to store."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from .text import without_control


@dataclass
class CsvResult:
    rows: list = field(default_factory=list)  # dicts, one per data line
    problems: list = field(default_factory=list)  # (line, message)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_csv(data: bytes, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> CsvResult:
    """Decode (UTF-8, with or without BOM), check the header, return the rows as dicts."""
    result = CsvResult()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        result.problems.append((line, _l("The file is not UTF-8 text. Save it as \"CSV UTF-8\" and try again.")))
        return result
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","  # Excel in ru/kk locales uses ";"
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        missing = [c for c in required if c not in header]
        unknown = [c for c in header if c and c not in required + optional]
        if not header or missing or unknown or len(set(header)) != len(header):
            result.problems.append((1, _l("The first line must name the columns: %(columns)s.",
                                          columns=", ".join(required + optional))))
            return result
        for values in reader:
            number = reader.line_num  # a quoted value may span lines: count as the file does
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header):
                result.problems.append((number, _l("This line has more values than the header has columns.")))
                continue
            row = {name: (values[i].strip() if i < len(values) else "") for i, name in enumerate(header)}
            row["_line"] = number
            result.rows.append(row)
    except csv.Error:  # e.g. a stray quote that swallows the rest of the file
        result.problems.append((reader.line_num, _l("This line cannot be read: check its quotes.")))
        return result
    if not result.rows and not result.problems:
        result.problems.append((1, _l("The file has no lines after the header.")))
    return result


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")




def safe_cell(value):
    """A text cell that a spreadsheet will not run as a formula, without control characters."""
    if isinstance(value, str):
        value = without_control(value)  # XLSX cannot hold them (tab and newlines stay)
        if value.startswith(FORMULA_START):
            return "'" + value
    return value


def clean_text(value: str | None, limit: int) -> str:
    """Free text typed or pasted by a person, without control characters, at most `limit` long."""
    return without_control(value or "").strip()[:limit]
