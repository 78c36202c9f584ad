"""`migsim import-flee`: Flee CSV tables -> migsim network + scenario that validate and run."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim.errors import ScenarioError
from sim.flee_import import PROHIBITIVE_FEE_USD, country_codes, read_flee_dir, to_migsim

EXAMPLE = Path(__file__).parent / "data" / "flee_example"
MIGSIM = [sys.executable, "-c", "from sim.cli import app; app()"]


def migsim(*args, cwd=None):
    return subprocess.run([*MIGSIM, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.fixture()
def flee_dir(tmp_path):
    """A writable copy of the example, to break on purpose."""
    d = tmp_path / "flee"
    shutil.copytree(EXAMPLE, d)
    return d


def test_import_validate_run_end_to_end(tmp_path):
    out = tmp_path / "scenarios" / "norland.yaml"
    res = migsim("import-flee", EXAMPLE, "--out", out)
    assert res.returncode == 0, res.stderr
    assert res.stderr.count("warning:") == 1  # one warning listing everything unmapped
    assert "camp capacities" in res.stderr and "Farrow (30,000)" in res.stderr
    net_file = tmp_path / "scenarios" / "networks" / "norland.yaml"
    net = yaml.safe_load(net_file.read_text())
    kinds = {loc["name"]: loc["kind"] for loc in net["locations"]}
    assert kinds == {"Ardent": "origin", "Bexley": "origin", "Corvin": "transit_hub", "Dunmore": "transit_hub",
                     "Elsby": "transit_hub", "Holt": "transit_hub", "Farrow": "destination",
                     "Glenhope": "destination"}
    assert "income_usd_month 400 everywhere" in net_file.read_text()  # defaults stated in the file
    income = {c["name"]: c["income_usd_month"] for c in net["countries"]}
    assert income["Norland"] < income["Southia"]
    crossing = {(s["from"], s["to"]): (s["controlled_by"], s["controlled_by_reverse"]) for s in net["segments"]}
    codes = {c["name"]: c["code"] for c in net["countries"]}
    # the two routes crossing Norland -> Southia are controlled both ways; the others not at all
    assert crossing[("Dunmore", "Elsby")] == (codes["Southia"], codes["Norland"])
    assert crossing[("Bexley", "Holt")] == (codes["Southia"], codes["Norland"])
    assert crossing[("Elsby", "Farrow")] == ("", "")
    assert {s["distance_km"] for s in net["segments"] if (s["from"], s["to"]) == ("Elsby", "Farrow")} == {85.0}

    sc = yaml.safe_load(out.read_text())
    assert sc["population"] == [{"location": "Ardent", "people": 20000}, {"location": "Bexley", "people": 8000}]
    closes = [(str(lv["date"]), lv["country"], lv["intensity"]) for lv in sc["policy"]["timeline"]]
    assert (("2023-03-11", codes["Southia"], 1.0) in closes) and (("2023-03-21", codes["Southia"], 0.0) in closes)
    assert str(sc["start"]) == "2023-03-01" and str(sc["end"]) == "2023-04-09"  # sim_period.csv

    res = migsim("validate", out)
    assert res.returncode == 0, res.stderr
    run_dir = tmp_path / "run"
    res = migsim("run", out, "--out", run_dir, "--no-report")
    assert res.returncode == 0, res.stderr
    daily = pd.read_parquet(run_dir / "daily.parquet")
    status = daily.filter(like="status_").sum(axis=1)
    assert (status == 28_000).all()  # everybody accounted for, every day
    flows = pd.read_parquet(run_dir / "flows.parquet")
    assert flows["people"].sum() > 0  # people moved


def test_existing_output_is_kept_without_force(tmp_path):
    out = tmp_path / "x.yaml"
    out.write_text("mine\n")
    res = migsim("import-flee", EXAMPLE, "--out", out)
    assert res.returncode == 2 and "--force" in res.stderr
    assert out.read_text() == "mine\n" and not (tmp_path / "networks").exists()


@pytest.mark.parametrize("file, bad_line, good, bad, where", [
    ("routes.csv", 4, "Ardent,Bexley,125,0", "Ardent,Bexley,12O,0", "line 4, column 3 (distance)"),
    ("routes.csv", 5, "Corvin,Dunmore,95,0", "Corvin,Dunmor,95,0", "line 5, column 2 (name2)"),
    ("locations.csv", 3, "Bexley,North,Norland,12.10,31.20,conflict_zone,5,8000",
     "Bexley,North,Norland,12.10,31.20,war_zone,5,8000", "line 3, column 6 (location_type)"),
    ("locations.csv", 2, "Ardent,North,Norland,12.50,30.10,conflict_zone,0,20000",
     "Ardent,North,Norland,12.50,30.10,conflict_zone,0,many", "line 2, column 8 (population)"),
    ("closures.csv", 2, "country,Norland,Southia,10,20", "country,Norland,Sothia,10,20",
     "line 2, column 3 (name2)"),
    ("closures.csv", 2, "country,Norland,Southia,10,20", "country,Norland,Southia,inf,20",
     "line 2, column 4 (closure_start)"),  # a whole number that overflows
])
def test_malformed_csv_names_file_line_and_column(flee_dir, file, bad_line, good, bad, where):
    path = flee_dir / file
    text = path.read_text()
    assert text.splitlines()[bad_line - 1] == good
    path.write_text(text.replace(good, bad))
    with pytest.raises(ScenarioError) as err:
        read_flee_dir(flee_dir)
    assert err.value.file.endswith(file) and err.value.key == where


def test_malformed_csv_on_the_command_line_is_one_line_and_writes_nothing(flee_dir, tmp_path):
    path = flee_dir / "routes.csv"
    path.write_text(path.read_text().replace("Elsby,Farrow,85,0", "Elsby,Farrow,,0"))
    res = migsim("import-flee", flee_dir, "--out", tmp_path / "o.yaml")
    assert res.returncode == 2
    assert "routes.csv: line 7, column 3 (distance): expected a distance in km" in res.stderr
    assert "Traceback" not in res.stderr and not (tmp_path / "o.yaml").exists()


def test_location_and_link_closures_become_prohibitive_fees_and_camp_closures_are_listed(flee_dir):
    (flee_dir / "closures.csv").write_text(
        "#closure_type,name1,name2,closure_start,closure_end\n"
        "location,Elsby,,3,-1\n"
        "link,Holt,Glenhope,5,8\n"
        "camp,Farrow,,2,30\n"
    )
    imp = to_migsim(read_flee_dir(flee_dir), "t", network_path="n.yaml")
    fees = [(str(lv["date"]), tuple(lv["segment"]), lv["fee_usd"]) for lv in imp.scenario["policy"]["timeline"]]
    elsby = [f for f in fees if "Elsby" in f[1]]
    assert {f[1] for f in elsby} == {("Dunmore", "Elsby"), ("Elsby", "Farrow"), ("Elsby", "Holt")}
    assert all(f[0] == "2023-03-04" and f[2] == PROHIBITIVE_FEE_USD for f in elsby)  # never reopens
    assert ("2023-03-06", ("Holt", "Glenhope"), PROHIBITIVE_FEE_USD) in fees
    assert ("2023-03-09", ("Holt", "Glenhope"), 0) in fees
    assert [d for d, _, _ in fees] == sorted(d for d, _, _ in fees)  # the timeline is in date order
    assert any("closure_type 'camp' (Farrow)" in item for item in imp.unmapped)


def test_forced_redirection_and_custom_columns_are_listed_not_dropped(flee_dir):
    (flee_dir / "routes.csv").write_text(
        "#name1,name2,distance,forced_redirection,max_move_speed\n"
        "Ardent,Corvin,140,0,200\nCorvin,Dunmore,95,2,\nDunmore,Elsby,45,0,\nElsby,Farrow,85,0,\n"
        "Elsby,Holt,110,0,\nHolt,Glenhope,60,0,\nBexley,Corvin,120,0,\n"
    )
    imp = to_migsim(read_flee_dir(flee_dir), "t", network_path="n.yaml")
    text = "\n".join(imp.unmapped)
    assert "Corvin - Dunmore (2)" in text and "max_move_speed" in text


def test_no_conflict_zone_is_an_error(flee_dir):
    path = flee_dir / "locations.csv"
    path.write_text(path.read_text().replace("conflict_zone", "town"))
    (flee_dir / "conflicts.csv").unlink()
    with pytest.raises(ScenarioError, match="no conflict zone"):
        to_migsim(read_flee_dir(flee_dir), "t")


def test_country_codes_are_short_unique_and_keep_flee_codes():
    codes = country_codes(["ABC", "Burundi", "Burkina Faso", "Bur", "Côte d'Ivoire", ""])
    assert codes["ABC"] == "ABC" and codes["Burundi"] == "BUR" and codes["Côte d'Ivoire"] == "COT"
    assert len(set(codes.values())) == len(codes)


def test_a_conflicts_table_that_is_not_utf8_is_named(flee_dir):
    (flee_dir / "conflicts.csv").write_bytes(b"#Day,Ardent,Bexley\n0,1,0\n1,1,\xff\n")
    with pytest.raises(ScenarioError) as err:
        read_flee_dir(flee_dir)
    assert err.value.file.endswith("conflicts.csv") and "not UTF-8" in str(err.value)


def test_imported_files_are_readable_like_any_written_file(tmp_path):
    out = tmp_path / "scenarios" / "norland.yaml"
    assert migsim("import-flee", EXAMPLE, "--out", out).returncode == 0
    umask = os.umask(0)
    os.umask(umask)
    for written in (out, tmp_path / "scenarios" / "networks" / "norland.yaml"):
        assert written.stat().st_mode & 0o777 == 0o666 & ~umask  # as open() makes files, not mkstemp's 0600
