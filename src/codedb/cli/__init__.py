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

    try:
        return run_frame(args)
    except BrokenPipeError:  # the reader went away (codedb users --help | head): not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def run() -> None:
    """The console script's entry point."""
    sys.exit(main())
