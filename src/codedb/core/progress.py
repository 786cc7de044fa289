"""Progress for long work (backup, restore, import, export): a bar on a terminal (stderr),
nothing when stderr is not a terminal or with --quiet."""

import shutil
import sys
from collections.abc import Callable


def progress_bar(total: int, unit: str, quiet: bool) -> Callable[[int], None]:
    """A callback taking the number of units just done."""
    if quiet or not sys.stderr.isatty():
        return lambda n: None
    from tqdm import tqdm

    # A terminal that reports no size (0x0) would get no bar at all from tqdm; shutil falls
    # back to 80x24 there.
    size = shutil.get_terminal_size()
    bar = tqdm(
        total=total or None, unit=unit, leave=False, file=sys.stderr, ncols=size.columns, nrows=size.lines
    )
    return lambda n: bar.update(n)  # type: ignore[no-any-return,unused-ignore]
