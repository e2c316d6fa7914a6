"""Read CSV files that trainers and coordinators upload: all or nothing, with every problem
listed by line. Pure functions over bytes; the callers decide what to store."""

from __future__ import annotations

import csv
import io
import re
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


# What Excel and older programs on Kazakh and Russian Windows PCs save: the single-byte Cyrillic
# code pages. Guessing among these only keeps a short file from being taken for, e.g., Big5.
CYRILLIC_ENCODINGS = ["cp1251", "kz1048", "cp866", "koi8_r", "mac_cyrillic"]
# Bytes that Windows-1251 reads as Serbian or Ukrainian letters (Ќ, Ј, Ґ, Ї…) and the Kazakh code
# page KZ-1048 as Kazakh ones (Қ, Ә, Ө, Ү…): in a list of Aral villagers they mean KZ-1048.
KZ1048_ONLY = frozenset(b"\x8d\x8e\x9d\x9e\xa1\xa2\xa3\xa5\xaa\xaf\xb4\xba\xbc\xbd\xbe\xbf")


# A "?" touching a letter: how Excel writes a Kazakh letter (Ә, Қ, Ө…) that the code page it
# saves in (Windows-1251) does not have. The name is lost; the person must save as UTF-8.
LOST_LETTER = re.compile(r"\w\?|\?\w")


def decode(data: bytes) -> tuple[str | None, str]:
    """(text, encoding) of an uploaded file: UTF-8 (with or without BOM), else a Cyrillic Windows
    or DOS code page told by charset-normalizer; text None when it is text in none of them."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=CYRILLIC_ENCODINGS).best()
    if best is None:
        return None, ""
    encoding = best.encoding
    if encoding in ("cp1251", "kz1048"):
        encoding = "kz1048" if KZ1048_ONLY.intersection(data) else "cp1251"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        return None, ""


def read_csv(data: bytes, required: tuple[str, ...], optional: tuple[str, ...] = (),
             max_rows: int | None = None) -> CsvResult:
    """Decode, check the header, return the rows as dicts. More than `max_rows` data lines
    refuse the whole file at once (one upload must not keep the server busy for minutes)."""
    result = CsvResult()
    text, encoding = decode(data)
    if text is None:
        try:
            data.decode("utf-8")
            line = 1
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
        count = 0
        for values in reader:
            number = reader.line_num  # a quoted value may span lines: count as the file does
            if not any(v.strip() for v in values):
                continue
            count += 1
            if max_rows is not None and count > max_rows:
                result.rows.clear()
                result.problems[:] = [(number, _l("The file has more than %(limit)d lines. Nothing was imported: "
                                                  "split it into files of at most %(limit)d lines.", limit=max_rows))]
                return result
            if len(values) > len(header):
                result.problems.append((number, _l("This line has more values than the header has columns.")))
                continue
            if encoding != "utf-8" and any(LOST_LETTER.search(v) for v in values):
                result.problems.append((number, _l("Some letters of this line were lost when the file was saved "
                                                   "(they show as ?). Save it as \"CSV UTF-8\" and try again.")))
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
