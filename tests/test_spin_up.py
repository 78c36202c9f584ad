"""The spin-up comparison: same seeds and scenario, two spin-up lengths, means and relative change."""
import numpy as np

from sim.load import parse_scenario
from sim.spin_up import compare

from .conftest import small_scenario


def test_spin_up_comparison_gives_means_per_length_and_their_change():
    sc = parse_scenario(small_scenario(end="2025-03-31", scale=2000))
    out = compare(sc, days=(0, 60), seeds=range(2), workers=1)
    assert {"year", "outcome", 0, 60, "change"} <= set(out.columns)
    row = out.set_index("outcome").loc["departures"]
    assert row[0] > 0 and row[60] > 0
    assert np.isclose(row["change"], row[60] / row[0] - 1)
    again = compare(sc, days=(0, 60), seeds=range(2), workers=2)  # the same whatever the number of workers
    assert out.equals(again)
