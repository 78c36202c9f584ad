"""Plotted outcome report of a run directory (a first pair of figures; the full report grows here)."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402


def write_report(directory: str | Path) -> list[Path]:
    """Write the figures of the run in ``directory`` under ``directory/figures``."""
    directory = Path(directory)
    daily = pd.read_parquet(directory / "daily.parquet")
    monthly = daily.set_index("date").resample("MS").sum(numeric_only=True)
    figures = directory / "figures"
    figures.mkdir(exist_ok=True)
    written = []
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.bar(monthly.index, monthly["encounters_us_border"], width=20, color="#b2182b")
    ax.set(title="Encounters at the US-Mexico border", ylabel="people per month", xlabel="month")
    fig.autofmt_xdate()
    fig.tight_layout()
    written.append(figures / "encounters.png")
    fig.savefig(written[-1], dpi=110)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.plot(monthly.index, monthly["darien_crossings_north"], label="northbound", color="#2166ac")
    ax.plot(monthly.index, monthly["darien_crossings_south"], label="southbound", color="#f4a582")
    ax.set(title="Darién Gap crossings", ylabel="people per month", xlabel="month")
    ax.legend()
    fig.autofmt_xdate()
    fig.tight_layout()
    written.append(figures / "darien.png")
    fig.savefig(written[-1], dpi=110)
    plt.close(fig)
    return written
