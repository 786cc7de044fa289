"""The command line: `codedb [--db=URL] COMMAND [OPTIONS]`. Each command opens the database,
calls one library function and prints the result (see cli.frame)."""

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Run codedb with `argv` (default: sys.argv[1:]); return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:  # answered before any import: scripts call it to probe codedb
        from .. import __version__

        print(f"codedb {__version__}")
        return 0
    from .frame import main as run_frame

    return run_frame(args)


def run() -> None:
    """The console script's entry point."""
    sys.exit(main())
