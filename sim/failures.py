"""Failures of the machine and damaged files, told as a user's mistake is: one line naming the file.

A full disk, a refused permission, a missing file, or a Parquet, CSV, JSON or YAML file that no
longer parses: none of these is a bug in migsim, so none deserves a traceback.
"""
from __future__ import annotations

import errno
import json
import re
from contextlib import contextmanager
from pathlib import Path

from .errors import ScenarioError


def first_line(err: BaseException) -> str:
    """The gist of an error message: its first line."""
    text = str(err).strip()
    return text.splitlines()[0] if text else err.__class__.__name__


SOURCE = re.compile(r"input source '(?P<file>[^']+)': (?P<problem>.*)")  # pyarrow names the file so


def _without_source(line: str) -> str:
    """pyarrow's ``Could not open Parquet input source 'FILE': what`` without the file named again."""
    found = SOURCE.search(line)
    return found["problem"] if found else line


def describe_damaged(err: BaseException) -> str:
    """``FILE: damaged Parquet file (what)`` when the reader's message names the file, else the message."""
    line = first_line(err)
    found = SOURCE.search(line)
    if found:
        return f"{found['file']}: damaged Parquet file ({found['problem']})"
    return f"damaged file ({line})"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def describe_os_error(err: OSError) -> str:
    """``FILE: problem`` for an OSError (``problem`` alone when it names no file)."""
    problem = _lower_first(err.strerror) if err.strerror else first_line(err)
    if err.errno == errno.ENOSPC:
        problem = "no space left on the device (free some space and run the command again)"
    name = err.filename
    if name is None or isinstance(name, int):
        return problem
    name = name.decode(errors="replace") if isinstance(name, bytes) else str(name)
    return f"{name}: {problem}"


def damaged_file_errors() -> tuple[type[BaseException], ...]:
    """The exceptions a reader raises on a file that is there but does not parse."""
    import pandas as pd
    import pyarrow as pa

    return (pa.ArrowException, pd.errors.ParserError, pd.errors.EmptyDataError, json.JSONDecodeError,
            UnicodeDecodeError)


def about_a_file(err: BaseException) -> bool:
    """Whether a reader's error is about the bytes of a file (not, say, a table built in memory)."""
    import pyarrow as pa

    if not isinstance(err, pa.ArrowException):
        return True
    text = str(err)
    return "Parquet" in text or "input source" in text or "file" in text


@contextmanager
def reading(path: str | Path, kind: str, advice: str = ""):
    """A damaged ``kind`` file read inside becomes a ScenarioError naming it (with ``advice``); so does an OSError."""
    try:
        yield
    except FileNotFoundError:
        raise ScenarioError(path, None, "missing") from None
    except OSError as err:
        if err.strerror:  # the system's own words: permission denied, is a directory, ...
            raise ScenarioError(path, None, _lower_first(err.strerror)) from None
        raise ScenarioError(path, None, f"cannot read ({_without_source(first_line(err))})") from None  # pyarrow
    except damaged_file_errors() as err:
        raise ScenarioError(path, None, f"damaged {kind} file ({_without_source(first_line(err))}){advice}") from None
