"""Rows of Flee's positional CSV tables, and errors that point at the file, line and column."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import ScenarioError


@dataclass(frozen=True)
class Row:
    """One data row of a Flee table and where it is, so that a bad cell can be named. Columns count from 1."""

    path: Path
    line: int
    cells: list[str]
    header: list[str]

    def where(self, col: int) -> str:
        """``line 4, column 3 (distance)``, with the header's name for the column when it has one."""
        name = self.header[col - 1] if 0 < col <= len(self.header) and self.header[col - 1] else None
        return f"line {self.line}, column {col}" + (f" ({name})" if name else "")

    def error(self, col: int, message: str) -> ScenarioError:
        return ScenarioError(self.path, self.where(col), message)

    def need(self, n: int, what: str) -> None:
        """The row has at least ``n`` columns (``what`` names them for the message)."""
        if len(self.cells) < n:
            raise self.error(len(self.cells) + 1, f"expected at least {n} columns ({what}), found {len(self.cells)}")

    def number(self, col: int, what: str = "a number", kind=float):
        """The cell as a float, or (``kind=int``) a whole number, which may be written ``12.0``."""
        text = self.cells[col - 1]
        try:
            value = kind(float(text)) if kind is int else kind(text)
        except (ValueError, OverflowError):  # OverflowError: int(float("inf"))
            raise self.error(col, f"expected {what}, got {text!r}") from None
        if kind is int and float(text) != int(float(text)):
            raise self.error(col, f"expected a whole number, got {text!r}")
        return value

    def optional(self, col: int, default, what: str, kind=float):
        """:meth:`number` for a column that may be empty or missing: then ``default``."""
        return self.number(col, what, kind) if len(self.cells) >= col and self.cells[col - 1] else default

    def custom_columns(self, known: int) -> dict[str, str]:
        """Non-empty cells after Flee's ``known`` positional columns, by header name (or ``column N``)."""
        return {(self.header[i] if i < len(self.header) and self.header[i] else f"column {i + 1}"): v
                for i, v in enumerate(self.cells[known:], start=known) if v}


def header_of(cells: list[str]) -> list[str]:
    """Column names of a header row, its leading ``#`` removed."""
    return [cells[0].lstrip("#").strip()] + cells[1:]


def nonblank(reader: Iterable[list[str]]) -> Iterator[list[str]]:
    """The CSV rows that have some text, each cell stripped."""
    for cells in reader:
        cells = [c.strip() for c in cells]
        if any(cells):
            yield cells


def read_text(path: Path) -> str:
    """A table's text; one that is not UTF-8 is a ScenarioError naming the file and the byte."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(path, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def rows(path: Path, header_first: tuple[str, ...]) -> Iterator[Row]:
    """The data rows of a table; header rows start with '#' as in Flee, or with a name in ``header_first``."""
    text = read_text(path)
    header: list[str] = []
    reader = csv.reader(text.splitlines())
    try:
        for cells in nonblank(reader):
            first = cells[0].lstrip("#").strip().lower()
            if cells[0].startswith("#") or (not header and first in header_first):
                if first in header_first or not header:
                    header = header_of(cells)
                continue
            yield Row(path, reader.line_num, cells, header)
    except csv.Error as exc:
        raise ScenarioError(path, f"line {reader.line_num}", f"malformed CSV: {exc}") from None
