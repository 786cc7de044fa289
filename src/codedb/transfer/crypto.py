"""Encrypted backups: AES-256-GCM (the `cryptography` package) over chunks of 1 MiB, the key
derived from a passphrase with scrypt (a new random salt per file).

The file: MAGIC, the scrypt parameters (log2 N, r, p), the 16-byte salt and an 8-byte random
nonce prefix (the header), then chunks of [plaintext length: 4 bytes][final: 1 byte]
[ciphertext and its 16-byte tag]. Chunk k is sealed with the nonce prefix + k and with the
header, k and its final flag as associated data: a flipped byte, chunks swapped, dropped or
cut off, or the header changed, all fail authentication, and a file whose last chunk is not
marked final is refused as cut short. Nothing is decrypted for use before its tag checked.
"""

import hashlib
import os
import secrets
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ..errors import InvalidInput

MAGIC = b"CODEDB-ENCRYPTED-BACKUP\x01"
CHUNK = 1 << 20
SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P = 15, 8, 1
_PARAMS = struct.Struct(">BII")
_CHUNK_HEAD = struct.Struct(">IB")
TAG = 16
MIN_PASSPHRASE = 8


def is_encrypted(path: Path) -> bool:
    with open(path, "rb") as stream:
        return stream.read(len(MAGIC)) == MAGIC


def check_passphrase(passphrase: str) -> bytes:
    """The passphrase's bytes. One from the environment that is not UTF-8 keeps its bytes
    (Python hands them over as surrogate escapes)."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise InvalidInput(
            f"the backup passphrase is shorter than {MIN_PASSPHRASE} characters; choose a longer one"
        )
    try:
        return passphrase.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raise InvalidInput(
            "the backup passphrase is not valid text (a lone surrogate); give UTF-8 text"
        ) from None


def _key(passphrase: bytes, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    # The header names scrypt's cost, and a crafted one would choose it (2.8 s for (14, 32, 16),
    # a traceback for (20, 8, 1)): only the parameters codedb writes are taken, before any work.
    if (log2_n, r, p) != (SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P):
        raise InvalidInput(
            f"the encrypted backup's key parameters ({log2_n}, {r}, {p}) are not the ones codedb writes "
            f"({SCRYPT_LOG2_N}, {SCRYPT_R}, {SCRYPT_P}); the file is damaged or not a codedb backup"
        )
    return hashlib.scrypt(passphrase, salt=salt, n=1 << log2_n, r=r, p=p, maxmem=64 << 20, dklen=32)


class EncryptingWriter:
    """A binary stream that writes what it is given, sealed chunk by chunk, to `out`; close()
    seals the last chunk (marked final)."""

    def __init__(self, out: IO[bytes], passphrase: str):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        salt, self.prefix = secrets.token_bytes(16), secrets.token_bytes(8)
        self.header = MAGIC + _PARAMS.pack(SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P) + salt + self.prefix
        self.aead = AESGCM(_key(check_passphrase(passphrase), salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P))
        self.out = out
        self.buffer = bytearray()
        self.count = 0
        out.write(self.header)

    def write(self, data: bytes | bytearray | memoryview) -> int:
        view = memoryview(data).cast("B")
        size = len(view)
        if self.buffer:  # top up the chunk held back
            take = min(CHUNK - len(self.buffer), len(view))
            self.buffer += view[:take]
            view = view[take:]
            if len(self.buffer) == CHUNK and view:
                self._seal(bytes(self.buffer), final=False)
                self.buffer.clear()
        while len(view) > CHUNK:  # whole chunks straight from the caller's memory
            self._seal(view[:CHUNK], final=False)
            view = view[CHUNK:]
        self.buffer += view  # at most a chunk, held back: the last one is sealed as final
        return size

    def _seal(self, plain: bytes | memoryview, final: bool) -> None:
        nonce = self.prefix + struct.pack(">I", self.count)
        aad = self.header + struct.pack(">QB", self.count, final)
        self.out.write(_CHUNK_HEAD.pack(len(plain), final) + self.aead.encrypt(nonce, plain, aad))
        self.count += 1

    def close(self) -> None:
        self._seal(bytes(self.buffer), final=True)
        self.buffer.clear()


def decrypt(path: Path, passphrase: str) -> Iterator[bytes]:
    """The plaintext of an encrypted backup, chunk by chunk, each authenticated before it is
    handed out; InvalidInput for a wrong passphrase, a changed or a cut-short file."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    with open(path, "rb") as stream:
        header = stream.read(len(MAGIC) + _PARAMS.size + 24)
        if len(header) < len(MAGIC) + _PARAMS.size + 24 or not header.startswith(MAGIC):
            raise InvalidInput(f"{path} is not an encrypted codedb backup (or its header is cut short)")
        log2_n, r, p = _PARAMS.unpack_from(header, len(MAGIC))
        salt = header[len(MAGIC) + _PARAMS.size : -8]
        prefix = header[-8:]
        aead = AESGCM(_key(check_passphrase(passphrase), salt, log2_n, r, p))
        count = 0
        while True:
            head = stream.read(_CHUNK_HEAD.size)
            if len(head) < _CHUNK_HEAD.size:
                raise InvalidInput(f"{path} is cut short (its last chunk is missing); it cannot be restored")
            length, final = _CHUNK_HEAD.unpack(head)
            if length > CHUNK or final not in (0, 1):
                raise InvalidInput(f"{path} is damaged (a chunk header is wrong); it cannot be restored")
            sealed = stream.read(length + TAG)
            try:
                plain = aead.decrypt(
                    prefix + struct.pack(">I", count), sealed, header + struct.pack(">QB", count, final)
                )
            except InvalidTag:
                raise InvalidInput(
                    f"cannot decrypt {path}: the passphrase is wrong, or the file was changed or cut short"
                ) from None
            yield plain
            count += 1
            if final:
                if stream.read(1):
                    raise InvalidInput(f"{path} has data after its last chunk; it was changed")
                return


def decrypt_to(src: Path, dest: Path, passphrase: str) -> None:
    """Decrypt `src` into the new private file `dest`, all of it authenticated; `dest` is
    removed when it cannot be."""
    from ..core.files import private_binary

    try:
        with private_binary(dest) as out:
            for plain in decrypt(src, passphrase):
                out.write(plain)
    except BaseException:
        dest.unlink(missing_ok=True)
        raise


def passphrase_from(file: str | None) -> str:
    """The passphrase: the first line of `file`, else $CODEDB_BACKUP_PASSPHRASE (never a
    command-line argument, which other users could read in the process list)."""
    if file is not None:
        from ..core.files import read_text

        lines = read_text(file, "passphrase file").splitlines()
        return lines[0] if lines else ""
    found = os.environ.get("CODEDB_BACKUP_PASSPHRASE")
    if not found:
        raise InvalidInput(
            "no backup passphrase: set $CODEDB_BACKUP_PASSPHRASE or give --passphrase-file=FILE"
        )
    return str(found)
