"""Run directories appear whole or not at all."""
import pytest

from sim.rundir import atomic_dir


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
