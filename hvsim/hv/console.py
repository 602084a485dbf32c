"""A VM's console: line-buffered output with the VM's name as prefix, plus queued input.

Every byte a guest prints (SBI putchar/DBCN, the UART) goes through :meth:`Console.write`.
Complete lines go to the sink (stdout by default) as ``<prefix><line>``; the raw bytes are also
kept (and written to a per-VM log file when one is configured), so nothing is lost when a VM
stops in the middle of a line.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import BinaryIO

LineSink = Callable[[str], None]


class Console:
    def __init__(
        self,
        prefix: str,
        sink: LineSink | None,
        input_bytes: bytes = b"",
        log: BinaryIO | None = None,
    ) -> None:
        self.prefix = prefix
        self.sink = sink
        self.log = log
        self.output = bytearray()
        self._line = bytearray()
        self._input: deque[int] = deque(input_bytes)

    def write(self, data: bytes) -> None:
        self.output += data
        if self.log is not None:
            self.log.write(data)
        for byte in data:
            if byte == 0x0A:
                self._emit()
            else:
                self._line.append(byte)

    def _emit(self) -> None:
        text = self._line.decode("utf-8", errors="replace").rstrip("\r")
        self._line.clear()
        if self.sink is not None:
            self.sink(self.prefix + text)

    def flush(self) -> None:
        """Emit a final unterminated line (at VM stop)."""
        if self._line:
            self._emit()
        if self.log is not None:
            self.log.flush()

    def feed(self, data: bytes) -> None:
        self._input.extend(data)

    def read_byte(self) -> int | None:
        return self._input.popleft() if self._input else None

    @property
    def text(self) -> str:
        return self.output.decode("utf-8", errors="replace")
