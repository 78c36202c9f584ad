"""Run directories: written whole or not at all (built beside the target, then renamed).

A failure of the machine while writing (a full disk, a refused permission) leaves nothing behind and
is raised as an OSError naming the file the user asked for, never the hidden temporary one.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pandas as pd


@contextmanager
def writing(path: str | Path):
    """An OSError inside names ``path`` when it names no file (a full disk reports none)."""
    try:
        yield
    except OSError as err:
        if err.filename is None:
            err.filename = str(path)
        raise


def _point_at(err: OSError, tmp: Path, out: Path) -> None:
    """Rewrite a file name inside the temporary directory to the same name inside ``out``."""
    if not isinstance(err.filename, (str, os.PathLike)):
        err.filename = str(out)
        return
    try:
        inside = Path(err.filename).relative_to(tmp)
    except ValueError:
        return
    err.filename = str(out / inside) if inside.parts else str(out)


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _swap_in(tmp: Path, out: Path) -> None:
    """Rename ``tmp`` to ``out``; a run already there is put back if the rename fails."""
    if not out.exists():
        os.replace(tmp, out)
        return
    old = out.with_name(f".{out.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    os.replace(out, old)
    try:
        os.replace(tmp, out)
    except BaseException:
        os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def atomic_dir(out: str | Path, force: bool = False):
    """Yield a temporary directory that replaces ``out`` only if the block finishes."""
    out = Path(out)
    if out.exists() and not force:
        raise FileExistsError(f"{out} exists; pass --force to replace it")
    with writing(out):
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        tmp.chmod(0o777 & ~_umask())  # as mkdir would have made it, not mkdtemp's 0700
        yield tmp
        _swap_in(tmp, out)
    except BaseException as err:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(err, OSError) and not isinstance(err, FileExistsError):
            _point_at(err, tmp, out)
        raise


def write_bytes(path: Path, data: bytes) -> None:
    with writing(path):
        path.write_bytes(data)


def write_json(path: Path, data: dict) -> None:
    with writing(path):
        path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")


def write_tables(directory: Path, tables: dict[str, pd.DataFrame], yearly: pd.DataFrame) -> None:
    """``daily.parquet`` and friends, plus ``yearly.csv``; the same tables give the same bytes."""
    for name, frame in tables.items():
        path = directory / f"{name}.parquet"
        with writing(path):
            frame.to_parquet(path, index=False, engine="pyarrow", compression="snappy")
    with writing(directory / "yearly.csv"):
        yearly.to_csv(directory / "yearly.csv", index=False, float_format="%.6g")


def write_atomic(path: Path, text: str | bytes) -> Path:
    """Write beside the target, then rename: a reader never sees half a file (permissions as open() gives)."""
    with writing(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # as a plain open() would have made it, not mkstemp's 0600
        os.replace(tmp, path)
    except BaseException as err:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, OSError) and (err.filename is None or err.filename == tmp):
            err.filename = str(path)
        raise
    return path


def write_table_atomic(path: Path, table) -> Path:
    """A pyarrow table as Parquet, written as :func:`write_atomic` writes."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return write_atomic(path, sink.getvalue().to_pybytes())


def differing_keys(stored: dict, record: dict) -> list[str]:
    """Top-level keys on which a stored JSON record and ``record`` (as JSON would store it) differ: what a
    resumable store (calibration, sweep, ensemble) names when it is asked to resume something else."""
    wanted = json.loads(json.dumps(record, default=str))
    return sorted(k for k in set(stored) | set(wanted) if stored.get(k) != wanted.get(k))
