"""Run directories appear whole or not at all, and reproduce their run from themselves alone."""
import errno
import hashlib
import json
import os
import re
import shutil

import pytest
import yaml

from sim.provenance import code_version
from sim.rundir import atomic_dir

from .conftest import NETWORK, REPO, small_scenario, write_yaml
from .test_cli import migsim


def test_failure_inside_leaves_nothing(tmp_path):
    out = tmp_path / "run"
    with pytest.raises(RuntimeError):
        with atomic_dir(out) as tmp:
            (tmp / "daily.parquet").write_text("half")
            raise RuntimeError("simulation failed")
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_replacing_keeps_the_old_run_until_the_new_one_is_complete(tmp_path):
    out = tmp_path / "run"
    with atomic_dir(out) as tmp:
        (tmp / "yearly.csv").write_text("old")
    with pytest.raises(KeyboardInterrupt):
        with atomic_dir(out, force=True) as tmp:
            (tmp / "yearly.csv").write_text("new, half")
            raise KeyboardInterrupt
    assert (out / "yearly.csv").read_text() == "old"
    with atomic_dir(out, force=True) as tmp:
        (tmp / "yearly.csv").write_text("new")
    assert (out / "yearly.csv").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_existing_directory_needs_force(tmp_path):
    (tmp_path / "run").mkdir()
    with pytest.raises(FileExistsError):
        with atomic_dir(tmp_path / "run"):
            pass


def test_failure_names_the_output_not_the_temporary_directory(tmp_path):
    out = tmp_path / "run"
    with pytest.raises(OSError) as caught:
        with atomic_dir(out) as tmp:
            raise OSError(errno.ENOSPC, "No space left on device", str(tmp / "figures" / "map.png"))
    assert caught.value.filename == str(out / "figures" / "map.png")
    with pytest.raises(OSError) as caught:
        with atomic_dir(out):
            raise OSError(errno.ENOSPC, "No space left on device")  # a full disk names no file
    assert caught.value.filename == str(out)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_rename_puts_the_old_run_back(tmp_path, monkeypatch):
    out = tmp_path / "run"
    with atomic_dir(out) as tmp:
        (tmp / "yearly.csv").write_text("old")
    real = os.replace

    def refuse_the_new_one(src, dst):
        if ".partial" in str(src):
            raise PermissionError(errno.EACCES, "Permission denied", str(src))
        real(src, dst)

    monkeypatch.setattr(os, "replace", refuse_the_new_one)
    with pytest.raises(PermissionError) as caught:
        with atomic_dir(out, force=True) as tmp:
            (tmp / "yearly.csv").write_text("new")
    assert caught.value.filename == str(out)
    assert (out / "yearly.csv").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_run_folder_holds_its_network_and_provenance(tmp_path):
    path = write_yaml(tmp_path / "s.yaml", small_scenario(end="2025-02-28"))
    out = tmp_path / "run"
    proc = migsim("run", path, "--out", out, "--scale", 2000, "--no-report", "--counterfactual")
    assert proc.returncode == 0, proc.stderr
    meta = json.loads((out / "run.json").read_text())
    for run in (out, out / "counterfactual"):
        assert (run / "network.yaml").read_bytes() == NETWORK.read_bytes()
        assert yaml.safe_load((run / "scenario.yaml").read_text())["network"] == "network.yaml"
        recorded = json.loads((run / "run.json").read_text())["sha256"]
        assert recorded == {name: hashlib.sha256((run / name).read_bytes()).hexdigest()
                            for name in ("scenario.yaml", "network.yaml")}
    assert meta["kernel"] in ("numba", "numpy")
    assert set(meta["versions"]) >= {"numpy", "numba", "mesa", "pandas"} and meta["versions"]["pandas"]
    assert meta["command"][1:] == ["run", str(path), "--out", str(out), "--scale", "2000", "--no-report",
                                   "--counterfactual"]
    if (REPO / ".git").exists():
        assert re.fullmatch(r"[0-9a-f]{40}", meta["code"]["commit"]) and isinstance(meta["code"]["dirty"], bool)
    else:
        assert "code" not in meta


def test_a_run_folder_reproduces_itself_byte_for_byte(tmp_path):
    path = write_yaml(tmp_path / "s.yaml", small_scenario(end="2025-02-28"))
    assert migsim("run", path, "--out", tmp_path / "first", "--scale", 2000, "--no-report").returncode == 0
    moved = tmp_path / "elsewhere" / "first"
    shutil.copytree(tmp_path / "first", moved)  # the folder alone, away from the scenario it came from
    path.unlink()
    proc = migsim("run", moved / "scenario.yaml", "--out", tmp_path / "again", "--no-report")
    assert proc.returncode == 0, proc.stderr
    for name in ("daily.parquet", "locations.parquet", "flows.parquet", "yearly.csv", "scenario.yaml",
                 "network.yaml"):
        assert (tmp_path / "again" / name).read_bytes() == (tmp_path / "first" / name).read_bytes(), name


def test_code_version_is_absent_outside_a_checkout_or_without_git(tmp_path, monkeypatch):
    assert code_version.__wrapped__(tmp_path) is None
    monkeypatch.setenv("PATH", str(tmp_path))  # no git to be found
    assert code_version.__wrapped__(REPO / "sim") is None
