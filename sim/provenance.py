"""What produced a run: library versions, the choice kernel, the code version and the command line.

Recorded in ``run.json`` so that a run can be told apart from, or matched to, another one.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

LIBRARIES = ("numpy", "numba", "mesa", "pandas", "pyarrow")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


NOT_MODEL = {"calibrate", "report", "sweep", "ensemble", "flee", "cli.py", "api.py", "app.py", "app_launch.py",
             "flee_import.py", "__main__.py", "effects.py", "spin_up.py", "local_pool.py", "numbers.py"}


def model_code() -> str:
    """sha256 of the model's source (every module of ``sim`` but the calibration, sweep, ensemble, report and
    command-line code): stored simulations of other code are not mixed with new ones when a calibration or an
    ensemble resumes."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package)
        if rel.parts[0] not in NOT_MODEL:
            digest.update(str(rel).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def library_versions() -> dict[str, str | None]:
    """Installed versions of the libraries that shape a run's numbers and files (None: not installed)."""
    found = {}
    for name in LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def _git(root: Path, *args: str) -> str | None:
    """Output of one git command in ``root``, or None if git is missing, slow or fails."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}  # never take the index lock of a busy repo
    try:
        proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10, env=env)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


@lru_cache(maxsize=4)
def code_version(package_dir: Path | None = None) -> dict | None:
    """``{"commit": HEAD, "dirty": bool}`` when the package is tracked in a git checkout, else None.

    Asked once per process (a sweep runs many scenarios): the code a process runs is the code it loaded.
    """
    package_dir = Path(package_dir or Path(__file__).resolve().parent)
    top = _git(package_dir, "rev-parse", "--show-toplevel")
    if not top:
        return None
    tracked = _git(package_dir, "ls-files", "--", "__init__.py")
    commit = _git(package_dir, "rev-parse", "HEAD")
    if not tracked or not commit:  # an installed copy that merely sits inside someone's repository
        return None
    status = _git(Path(top), "status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def provenance(engine: str) -> dict:
    """Kernel, library versions, code version and command line of a run made now in this process."""
    from .kernels import KERNEL

    meta = {
        "kernel": KERNEL if engine == "vector" else None,  # the reference engine chooses without it
        "versions": library_versions(),
    }
    code = code_version()
    if code is not None:
        meta["code"] = dict(code)
    meta["command"] = list(sys.argv)
    return meta
