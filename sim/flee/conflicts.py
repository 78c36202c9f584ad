"""Which locations Flee puts in conflict, from conflicts.csv or conflict_periods.csv."""
from __future__ import annotations

import csv
from pathlib import Path

from .rows import Row, header_of, nonblank, read_text, rows


def read_conflicts(path: Path, names: set[str]) -> tuple[list[str], list[str]]:
    """conflicts.csv (#Day, location, ...; one row per day): locations ever in conflict, and notes."""
    header: list[str] = []
    ever: set[str] = set()
    reader = csv.reader(read_text(path).splitlines())
    for cells in nonblank(reader):
        if not header:
            header = header_of(cells)
            continue
        row = Row(path, reader.line_num, cells, header)
        row.number(1, "a day number", int)
        for i in range(1, len(cells)):
            if i >= len(header) or not header[i]:
                continue
            if row.optional(i + 1, 0.0, "a conflict intensity") > 0:
                ever.add(header[i])
    notes = []
    unknown = [h for h in header[1:] if h and h not in names and h.lower() != "name"]
    if unknown:
        notes.append(f"{path.name}: columns naming no location ignored: {', '.join(unknown)}")
    return [n for n in header[1:] if n in ever and n in names], notes


def read_conflict_periods(path: Path, names: set[str]) -> tuple[list[str], list[str]]:
    """conflict_periods.csv (name first, then period columns): the locations named are conflict zones."""
    found, unknown = [], []
    for row in rows(path, ("name",)):
        (found if row.cells[0] in names else unknown).append(row.cells[0])
    notes = [f"{path.name}: rows naming no location ignored: {', '.join(unknown)}"] if unknown else []
    return list(dict.fromkeys(found)), notes


CONFLICT_FILES = (("conflicts.csv", read_conflicts), ("conflict_periods.csv", read_conflict_periods))
"""Flee's two ways of saying where conflict is, in the order they are looked for (the first found is read)."""
