"""How the command line writes a figure: whole people below a million, then millions, so tables read in 80 columns."""
from __future__ import annotations


def figure(value: float, signed: bool = False) -> str:
    """``987,654``, ``1.19 M``, ``-213.30 M``; with ``signed``, a sign on every figure (effects)."""
    sign = "+" if signed else ""
    return f"{value / 1e6:{sign},.2f} M" if abs(value) >= 1e6 else f"{value:{sign},.0f}"
