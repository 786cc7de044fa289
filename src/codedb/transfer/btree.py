"""Reading the rows of a damaged SQLite file page by page, without SQLite: the file format's
table b-trees walked from each table's root page (https://www.sqlite.org/fileformat2.html),
every page read on its own so that a damaged page costs its own rows only. This is what the
sqlite3 shell's `.recover` does; Debian's shell lacks the page table it needs (sqlite_dbpage).

The file is opened read-only and read in pages. A crafted file cannot make the work grow
faster than its size: every page, b-tree or overflow, is read at most once (a page reached a
second time, from another pointer, is damage), and the cells of a page may not overlap (4,000
pointers to one cell with a 10-page overflow chain made 2.66 GB of a 768 KB file), so the
rows read hold at most the file's bytes.
"""

import struct
from typing import IO, Any

import attrs

HEADER = b"SQLite format 3\x00"
TABLE_LEAF, TABLE_INTERIOR = 0x0D, 0x05
PAGE_SIZES = (4096, 1024, 2048, 8192, 16384, 32768, 65536, 512)


@attrs.frozen
class SchemaEntry:
    kind: str
    name: str
    table: str
    rootpage: int
    sql: str | None


@attrs.define
class TableRows:
    """What a table's b-tree gave: its rows (values in column order), and the pages of it that
    could not be read."""

    rows: list[tuple[Any, ...]] = attrs.field(factory=list)
    bad_pages: int = 0
    replaced_texts: int = 0  # texts whose bytes were not UTF-8, read with U+FFFD in their place


class PageFile:
    """A SQLite file read a page at a time. The page size comes from the header, or, when the
    header is damaged, from the first size at which page 2 looks like a b-tree page."""

    def __init__(self, stream: IO[bytes], size: int):
        self.stream = stream
        self.size = size
        header = self._read(0, 100)
        declared = struct.unpack(">H", header[16:18])[0] if len(header) >= 18 else 0
        page_size = 65536 if declared == 1 else declared
        self.header_ok = header[:16] == HEADER and page_size in PAGE_SIZES
        self.page_size = page_size if self.header_ok else self._guess_page_size()
        reserved = header[20] if self.header_ok and len(header) > 20 else 0
        self.usable = self.page_size - reserved
        self.pages = self.size // self.page_size
        self.used: set[int] = set()  # every page read so far, b-tree or overflow

    def _read(self, offset: int, length: int) -> bytes:
        self.stream.seek(offset)
        return self.stream.read(length)

    def _guess_page_size(self) -> int:
        for size in PAGE_SIZES:
            if self.size >= 2 * size and self._read(size, 1)[:1] in (b"\x02", b"\x05", b"\x0a", b"\x0d"):
                return size
        return 4096

    def page(self, number: int) -> bytes | None:
        """Page `number` (1-based), or None beyond the end of the file."""
        if number < 1 or number > self.pages:
            return None
        return self._read((number - 1) * self.page_size, self.page_size)

    def _take(self, number: int) -> bytes:
        """Page `number`, which no walk has read yet; ValueError otherwise (a pointer to a
        page that belongs elsewhere, or a loop)."""
        if number in self.used:
            raise ValueError(f"page {number} is reached a second time")
        data = self.page(number)
        if data is None:
            raise ValueError(f"page {number} is beyond the end of the file")
        self.used.add(number)
        return data

    def table_rows(self, root: int) -> TableRows:
        """The rows of the table b-tree rooted at `root`, in rowid order as far as readable."""
        found = TableRows()
        stack = [root]
        while stack:
            number = stack.pop()
            try:
                data = self._take(number)
                kind, offsets, right = self._cells(number, data)
            except (ValueError, IndexError, struct.error):
                found.bad_pages += 1
                continue
            if kind == TABLE_INTERIOR:
                children = [struct.unpack(">I", data[o : o + 4])[0] for o in offsets] + [right]
                stack.extend(reversed(children))
                continue
            end = 0  # where the previous cell ends: cells may not overlap
            for offset in sorted(set(offsets)):
                if offset < end:
                    continue  # a cell inside another: a crafted or damaged pointer
                try:
                    row, end = self._leaf_row(data, offset)
                    found.rows.append(row)
                    found.replaced_texts += sum(value.__class__ is Replaced for value in row)
                except (ValueError, IndexError, struct.error):
                    continue  # a damaged cell: the rest of the page may still be read
        return found

    def _cells(self, number: int, data: bytes) -> tuple[int, tuple[int, ...], int]:
        """A table page's kind, the offsets of its cells, and (interior) its right-most child;
        ValueError when it is not a table b-tree page."""
        start = 100 if number == 1 else 0
        kind = data[start]
        if kind not in (TABLE_LEAF, TABLE_INTERIOR):
            raise ValueError(f"page {number} is not a table page")
        count = struct.unpack(">H", data[start + 3 : start + 5])[0]
        header = 8 if kind == TABLE_LEAF else 12
        right = struct.unpack(">I", data[start + 8 : start + 12])[0] if kind == TABLE_INTERIOR else 0
        pointers = data[start + header : start + header + 2 * count]
        if len(pointers) < 2 * count:
            raise ValueError(f"page {number} claims more cells than it holds")
        offsets = struct.unpack(f">{count}H", pointers)
        if any(not start + header <= o < self.usable for o in offsets):
            raise ValueError(f"page {number} has a cell outside it")
        return kind, offsets, right

    def _leaf_row(self, data: bytes, offset: int) -> tuple[tuple[Any, ...], int]:
        """The values of the leaf cell at `offset` of a page, and where the cell ends."""
        payload_size, at = _varint(data, offset)
        rowid, at = _varint(data, at)
        usable = self.usable
        local_max = usable - 35
        if payload_size <= local_max:
            payload, end = data[at : at + payload_size], at + payload_size
        else:
            local_min = (usable - 12) * 32 // 255 - 23
            local = local_min + (payload_size - local_min) % (usable - 4)
            if local > local_max:
                local = local_min
            end = at + local + 4
            if end > usable:
                raise ValueError("a cell runs past its page")
            payload = data[at : at + local] + self._overflow(
                struct.unpack(">I", data[at + local : end])[0], payload_size - local
            )
        if len(payload) != payload_size:
            raise ValueError("a cell's payload is cut short")
        values = _record(payload)
        if values and values[0] is None:  # an INTEGER PRIMARY KEY is stored as the rowid
            values = (rowid, *values[1:])
        return values, end

    def _overflow(self, number: int, remaining: int) -> bytes:
        parts = []
        while remaining > 0:
            data = self._take(number)  # a page of another chain, or of this one again: damage
            chunk = data[4 : min(self.usable, 4 + remaining)]
            parts.append(chunk)
            remaining -= len(chunk)
            number = struct.unpack(">I", data[:4])[0]
        return b"".join(parts)

    def schema(self) -> list[SchemaEntry]:
        """The entries of sqlite_schema (page 1) that could be read."""
        entries = []
        for row in self.table_rows(1).rows:
            if len(row) >= 5 and isinstance(row[1], str) and isinstance(row[3], int):
                entries.append(SchemaEntry(str(row[0]), row[1], str(row[2]), row[3], row[4]))
        return entries


class Replaced(str):
    """A text whose bytes were not UTF-8 (another program wrote them), with U+FFFD for them."""


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return Replaced(raw.decode("utf-8", "replace"))


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for n in range(9):
        byte = data[at + n]
        if n == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + n + 1
    raise ValueError("a varint runs off")  # pragma: no cover - the loop always returns


_INT_SIZES = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}


def _record(payload: bytes) -> tuple[Any, ...]:
    """A record's values (the record format: a header of serial types, then the values)."""
    header_size, at = _varint(payload, 0)
    if header_size > len(payload):
        raise ValueError("a record header runs past its payload")
    types = []
    while at < header_size:
        kind, at = _varint(payload, at)
        types.append(kind)
    values: list[Any] = []
    at = header_size
    for kind in types:
        if kind == 0:
            values.append(None)
        elif kind in _INT_SIZES:
            size = _INT_SIZES[kind]
            values.append(int.from_bytes(payload[at : at + size], "big", signed=True))
            at += size
        elif kind == 7:
            values.append(struct.unpack(">d", payload[at : at + 8])[0])
            at += 8
        elif kind in (8, 9):
            values.append(kind - 8)
        elif kind >= 12:
            size = (kind - 12) // 2
            raw = payload[at : at + size]
            if len(raw) < size:
                raise ValueError("a value runs past its record")
            values.append(raw if kind % 2 == 0 else _text(raw))
            at += size
        else:
            raise ValueError(f"serial type {kind} is reserved")
    return tuple(values)
