"""Files codedb reads and writes, by one set of rules:

- Everything codedb creates is readable by its owner only (files 0600, folders 0700).
- A file is written to a temporary file beside it, flushed to disk and renamed into place:
  a failed or killed write leaves the old file, or none, never half of one. Temporary files
  of processes that died are removed by the next write to the same place.
- A writer never follows a symbolic link at its destination, never replaces anything but a
  regular file (a FIFO, a device, a folder), never touches a database this process has open
  (every SQLite file a Database opens is registered here, by path, link or hard link, with
  its -wal, -shm and -journal: no caller has to remember to pass it), and replaces an
  existing file only when asked (--force). `-` means standard output.
- A reader takes regular files only (a FIFO would hang it), or `-` for standard input.
"""

import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from ..errors import Conflict, ConnectError, InvalidInput

STDIO = "-"
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")

# The SQLite files this process has open, with how many Databases hold each (core.db keeps it).
_OPEN_DATABASES: dict[Path, int] = {}


def hold_database(path: Path) -> None:
    """Note that a Database has `path` open: no writer of this module may write onto it."""
    key = Path(os.path.abspath(path))
    _OPEN_DATABASES[key] = _OPEN_DATABASES.get(key, 0) + 1


def release_database(path: Path) -> None:
    """Note that a Database holding `path` closed."""
    key = Path(os.path.abspath(path))
    left = _OPEN_DATABASES.get(key, 0) - 1
    if left > 0:
        _OPEN_DATABASES[key] = left
    else:
        _OPEN_DATABASES.pop(key, None)


def create_private_file(path: Path) -> None:
    """Create an empty file readable by its owner only (mode 0600)."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), 0o600)
    os.close(fd)


def private_open(path: Path, newline: str | None = None) -> IO[str]:
    """Create a new file for writing text, readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    return os.fdopen(fd, "w", encoding="utf-8", newline=newline)


def private_binary(path: Path) -> IO[bytes]:
    """Create a new file for writing bytes, readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    return os.fdopen(fd, "wb")


def check_path(path: Path) -> Path:
    """A path the operating system can take: one holding a NUL character, or a lone surrogate
    (which no file system encoding writes), names no file."""
    if "\x00" in str(path):
        raise InvalidInput(f"the path {str(path)!r} holds a NUL character; give a real file name")
    try:
        os.fsencode(path)
    except UnicodeEncodeError:
        raise InvalidInput(
            f"the path {str(path)!r} is not valid Unicode (it holds a lone surrogate); give a real file name"
        ) from None
    return path


def make_private_dir(path: Path) -> None:
    """Create a folder (and missing parents) readable by its owner only."""
    check_path(path)
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        raise InvalidInput(f"{path} exists and is not a folder; give a folder")
    old = os.umask(0o077)
    try:
        path.mkdir(parents=True, exist_ok=True)
    finally:
        os.umask(old)


def remove_database_files(path: Path) -> None:
    """Delete a SQLite file with the journal files SQLite may have left beside it."""
    for suffix in SQLITE_SUFFIXES:
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def check_database_file(path: Path) -> bool:
    """Whether a SQLite database file exists at `path`; refuses what cannot be one."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise ConnectError(
            f"cannot open {path}: {exc.strerror}; check the path and its permissions"
        ) from None
    if stat.S_ISDIR(mode):
        raise ConnectError(f"{path} is a directory; give the path of a database file")
    if not stat.S_ISREG(mode):
        raise ConnectError(
            f"{path} is not a regular file (a device or a FIFO); give the path of a database file"
        )
    return True


def _same_place(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def check_destination(dest: Path, *, force: bool, protected: Iterable[Path] = ()) -> bool:
    """Refuse a destination codedb must not write (see the module docstring); return whether
    a file exists there (to be replaced: `force` was given)."""
    check_path(dest)
    for own in (*protected, *_OPEN_DATABASES):
        for suffix in SQLITE_SUFFIXES:
            if _same_place(dest, Path(f"{own}{suffix}")):
                raise Conflict(
                    f"{dest} is the database's own file{' (' + suffix + ')' if suffix else ''}; "
                    "give another destination"
                )
    try:
        info = dest.lstat()
    except FileNotFoundError:
        if not dest.parent.is_dir():
            raise InvalidInput(f"directory {dest.parent} does not exist; create it first") from None
        return False
    if stat.S_ISLNK(info.st_mode):
        raise Conflict(f"{dest} is a symbolic link; codedb does not write through links: give the real path")
    if stat.S_ISDIR(info.st_mode):
        raise InvalidInput(f"{dest} is a directory; give a file name")
    if not stat.S_ISREG(info.st_mode):
        raise Conflict(
            f"{dest} is not a regular file (a device or a FIFO); give a file name, or - for stdout"
        )
    if not force:
        raise Conflict(f"{dest} exists already; give another name, or --force to replace it")
    return True


_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.tmp(-wal|-shm|-journal)?$")


def temp_path(dest: Path) -> Path:
    """This process's temporary file for `dest`, after removing those of dead processes."""
    clean_stale_temps(dest)
    return dest.with_name(f".{dest.name}.{os.getpid()}.tmp")


def clean_stale_temps(dest: Path, kin: "re.Pattern[str] | None" = None) -> list[Path]:
    """Remove temporary files of `dest` left by processes that no longer run; with `kin`,
    those of every file of its folder whose name `kin` matches in full (the timestamped
    names of rotated backups, of which a new run never writes the same one twice)."""
    removed = []
    try:
        candidates = list(dest.parent.glob(f".{dest.name if kin is None else ''}*.tmp*"))
    except OSError:
        return []
    for path in candidates:
        match = _TEMP.match(path.name)
        if match is None or _alive(int(match["pid"])):
            continue
        if match["name"] == dest.name if kin is None else kin.fullmatch(match["name"]):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


@contextmanager
def private_workdir(near: Path | None, purpose: str) -> Iterator[Path]:
    """A new private folder (mode 0700) for work in progress, beside `near` (else in the
    system's temporary folder), removed with all it holds afterwards. Its name carries this
    process's id: folders of `purpose` left by processes that no longer run (killed) are
    removed first, so no copy outlives a kill -9 for long."""
    parent = Path(tempfile.gettempdir()) if near is None else near
    prefix = f".codedb-{purpose}-"
    for stale in parent.glob(prefix + "*"):
        pid = stale.name[len(prefix) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)) and stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def staged(dest: Path, *, force: bool = False, protected: Iterable[Path] = ()) -> Iterator[Path]:
    """A private temporary path beside `dest`, flushed and renamed onto it if the block
    succeeds, removed if it fails (see the rules in the module docstring)."""
    check_destination(dest, force=force, protected=protected)
    temp = temp_path(dest)
    remove_database_files(temp)
    try:
        yield temp
        os.chmod(temp, 0o600)
        fsync_file(temp)
        # The destination may have appeared meanwhile: check again just before the rename.
        check_destination(dest, force=force, protected=protected)
        os.replace(temp, dest)
        _fsync_dir(dest.parent)
    finally:
        remove_database_files(temp)


@contextmanager
def open_output(
    dest: str | Path, *, force: bool = False, protected: Iterable[Path] = (), newline: str | None = None
) -> Iterator[IO[str]]:
    """A text stream to write `dest` by the rules above; `-` is standard output."""
    if str(dest) == STDIO:
        yield sys.stdout
        sys.stdout.flush()
        return
    with staged(Path(dest), force=force, protected=protected) as temp, private_open(temp, newline) as out:
        yield out


def write_output(dest: str | Path, text: str, *, force: bool = False, protected: Iterable[Path] = ()) -> None:
    """Write `text` to `dest` (see open_output)."""
    with open_output(dest, force=force, protected=protected) as out:
        out.write(text)


def check_input(path: str | Path, what: str, hint: str = "give the path of an existing file") -> Path:
    """A file to read, which must be a regular file (a FIFO or a device would hang or lie)."""
    path = check_path(Path(path))
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise InvalidInput(f"{what} {path} does not exist; {hint}") from None
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"cannot read {what} {path}: {getattr(exc, 'strerror', None) or exc}") from None
    if stat.S_ISDIR(mode):
        raise InvalidInput(f"{what} {path} is a directory; give the path of a file")
    if not stat.S_ISREG(mode):
        raise InvalidInput(f"{what} {path} is not a regular file (a device or a FIFO); give a file")
    return path


def read_text(path: str | Path, what: str, hint: str = "give the path of an existing file") -> str:
    """The UTF-8 text of a file, or of standard input for `-`; one InvalidInput on failure."""
    if str(path) == STDIO:
        try:
            return sys.stdin.read()
        except UnicodeDecodeError:
            raise InvalidInput(f"{what} on standard input is not UTF-8 text; give UTF-8") from None
    checked = check_input(path, what, hint)
    try:
        return checked.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(f"{what} {path} is not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise InvalidInput(f"cannot read {what} {path}: {exc.strerror}") from None
