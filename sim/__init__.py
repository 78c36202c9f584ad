"""migsim: agent-based simulation of Venezuelan migrant route choice under policy levers.

``sim.run(path, seed=..., scale=...)`` runs a scenario and returns its tables; ``sim.load_scenario``,
``sim.VectorModel`` and ``sim.MesaModel`` are the pieces beneath. They load on first use, so that
``import sim`` stays cheap.
"""
from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("migsim")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+local"

_LAZY = {
    "run": "api",
    "RunResult": "runner",
    "load_scenario": "load",
    "VectorModel": "engine",
    "MesaModel": "mesa_engine",
    "ScenarioError": "errors",
}
__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
