"""A host file that backs a virtual disk: positioned reads and writes, write-through, flush.

Every write goes to the file with ``os.pwrite`` before the request that carried it is
completed, so nothing a guest saw completed is lost when its VM stops or crashes (the data is
in the host's page cache; a flush adds ``os.fsync`` for the host's own crash safety).  The
capacity is the file size rounded down to whole 512-byte sectors; with ``size`` given, a
missing or shorter file is first created or extended (sparsely, reading as zeros).
"""

from __future__ import annotations

import os
import weakref
from pathlib import Path

SECTOR = 512


class ImageError(OSError):
    """The image file cannot be used."""


class DiskImage:
    def __init__(
        self, path: str | os.PathLike[str], readonly: bool = False, size: int | None = None
    ) -> None:
        self.path = Path(path)
        self.readonly = readonly
        if size is not None and not readonly:
            self._ensure_size(size)
        flags = os.O_RDONLY if readonly else os.O_RDWR
        try:
            self.fd = os.open(self.path, flags | getattr(os, "O_BINARY", 0))
        except OSError as exc:
            raise ImageError(f"{self.path}: cannot open disk image: {exc.strerror}") from None
        self._closer = weakref.finalize(self, os.close, self.fd)
        self.size = os.fstat(self.fd).st_size
        self.sectors = self.size // SECTOR

    def _ensure_size(self, size: int) -> None:
        if size < SECTOR or size % SECTOR:
            raise ImageError(f"{self.path}: image size {size} is not a positive multiple of 512")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "ab") as f:
                if f.tell() < size:
                    f.truncate(size)
        except OSError as exc:
            raise ImageError(f"{self.path}: cannot create disk image: {exc.strerror}") from None

    def contains(self, offset: int, length: int) -> bool:
        return offset >= 0 and offset + length <= self.sectors * SECTOR

    def read(self, offset: int, length: int) -> bytes:
        data = os.pread(self.fd, length, offset)
        return data + bytes(length - len(data))

    def write(self, offset: int, data: bytes) -> None:
        view = memoryview(data)
        while view:
            n = os.pwrite(self.fd, view, offset)
            view = view[n:]
            offset += n

    def flush(self) -> None:
        if not self.readonly:
            os.fsync(self.fd)

    def close(self) -> None:
        self._closer()
