"""Where the SQL and migration files are: inside the installed package (the wheel carries them
there), else at the top of a source checkout."""

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


@cache
def resource_dir(name: str) -> Path:
    """The directory of `name` ('sql' or 'migrations')."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"codedb is installed without its {name}/ directory ({_PACKAGE})")
