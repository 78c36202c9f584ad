"""migsim: agent-based simulation of Venezuelan migrant route choice under policy levers."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("migsim")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+local"
