"""``python -m sim`` is the ``migsim`` command."""
from .cli import app

app(prog_name="migsim")
