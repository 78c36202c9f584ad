"""How names of places, countries and criminal networks are written in columns and matched when misspelt."""
from __future__ import annotations

import difflib
import re
import unicodedata


def slug(name: str) -> str:
    """Column-safe form of a place or network name: ``Necoclí - Capurganá`` -> ``necocli_capurgana``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")


def unknown_name(value: str, names, what: str) -> str | None:
    """None if ``value`` is one of ``names``; else the problem, suggesting the closest spelling."""
    if value in names:
        return None
    plain = {slug(n): n for n in names}
    close = [plain[m] for m in difflib.get_close_matches(slug(value), list(plain), n=1, cutoff=0.75)]
    hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(sorted(names))}"
    return f"unknown {what} {value!r}{hint}"
