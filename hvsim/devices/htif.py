"""HTIF: the Spike/riscv-tests host-target interface through the ``tohost``/``fromhost`` words.

HTIF is not memory-mapped I/O: the program writes a 64-bit request to the RAM word at its
``tohost`` symbol and the host answers in ``fromhost``.  This device watches writes to
``tohost`` (:meth:`PhysMem.watch_writes`), so a request is served the moment it is stored.

A request is ``device << 56 | cmd << 48 | payload`` (48-bit payload); a zero ``tohost`` is
no request.  The host reads the request and clears ``tohost`` to 0, then serves it as Spike's
front-end server does:

* device 0 (syscall proxy), cmd 0: payload bit 0 set -> exit with code ``payload >> 1``;
  otherwise the payload is the address of a "magic memory" block of eight ``uint64``
  (``[0]`` = syscall number, ``[1..]`` = arguments).  The return value goes to ``[0]`` and
  the response ``fromhost = 1`` follows.  Supported: ``write`` (64) to fd 1/2, ``exit`` (93)
  and ``exit_group`` (94); others return ``-ENOSYS``.
* device 1 (console), cmd 1: put the low byte on the console; response ``1 << 56 | 1 << 48``.
* device 1 (console), cmd 0: get a character: answered with ``1 << 56 | 0x100 | byte``
  once an input byte is queued (at once if one already is).

Responses are delivered only while ``fromhost`` reads 0; later ones wait in a queue and are
delivered when the program clears ``fromhost`` (writes to it are watched too).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Protocol

from hvsim.core.trap import BusError
from hvsim.devices.base import Device, register_device

MASK64 = (1 << 64) - 1
PAYLOAD_MASK = (1 << 48) - 1

DEV_SYSCALL = 0
DEV_CONSOLE = 1
CMD_GETCHAR = 0
CMD_PUTCHAR = 1

SYS_WRITE = 64
SYS_EXIT = 93
SYS_EXIT_GROUP = 94
ENOSYS = 38
EFAULT = 14
EBADF = 9
MAGIC_WORDS = 8


class HtifMemory(Protocol):
    """What HTIF needs from physical memory."""

    def read(self, pa: int, size: int) -> int: ...

    def write(self, pa: int, size: int, value: int) -> None: ...

    def read_bytes(self, pa: int, n: int) -> bytes: ...

    def watch_writes(self, pa: int, size: int, hook: Callable[[int, int], None]) -> None: ...


ConsoleSink = Callable[[bytes], None]
ExitCallback = Callable[[int], None]


def request(device: int, cmd: int, payload: int) -> int:
    """Encode an HTIF request/response word."""
    return (device & 0xFF) << 56 | (cmd & 0xFF) << 48 | (payload & PAYLOAD_MASK)


@register_device
class Htif(Device):
    """The HTIF host: watches ``tohost`` and answers through ``fromhost``."""

    kind = "htif"
    default_size = 0

    def __init__(
        self,
        on_exit: ExitCallback,
        console: ConsoleSink,
        name: str = "",
        size: int | None = None,
        input_bytes: bytes = b"",
    ) -> None:
        super().__init__(name, size)
        self.on_exit = on_exit
        self.console = console
        self.mem: HtifMemory | None = None
        self.tohost = 0
        self.fromhost: int | None = None
        self.exit_code: int | None = None
        self._input: deque[int] = deque(input_bytes)
        self._pending_reads = 0
        self._responses: deque[int] = deque()
        self._syscalls: dict[int, Callable[[list[int]], int]] = {
            SYS_WRITE: self._sys_write,
            SYS_EXIT: self._sys_exit,
            SYS_EXIT_GROUP: self._sys_exit,
        }
        self._commands: dict[tuple[int, int], Callable[[int], None]] = {
            (DEV_SYSCALL, 0): self._syscall_proxy,
            (DEV_CONSOLE, CMD_PUTCHAR): self._putchar,
            (DEV_CONSOLE, CMD_GETCHAR): self._getchar,
        }

    # ---- wiring ---------------------------------------------------------------------------
    def attach(self, mem: HtifMemory, tohost: int, fromhost: int | None) -> None:
        """Serve requests written to the 8-byte word at ``tohost``; answer at ``fromhost``.

        Without a ``fromhost`` word, requests are still served but never answered.
        """
        self.mem = mem
        self.tohost = tohost
        self.fromhost = fromhost
        mem.watch_writes(self.tohost, 8, self._on_tohost)
        if fromhost is not None:
            mem.watch_writes(fromhost, 8, self._on_fromhost)

    def feed(self, data: bytes) -> None:
        """Queue console input bytes; answers a waiting getchar."""
        self._input.extend(data)
        self._serve_reads()

    def reset(self) -> None:
        self._pending_reads = 0
        self._responses.clear()
        self.exit_code = None

    # ---- protocol -------------------------------------------------------------------------
    def _on_tohost(self, _pa: int, _size: int) -> None:
        mem = self.mem
        assert mem is not None
        value = mem.read(self.tohost, 8)
        if value == 0:
            return
        mem.write(self.tohost, 8, 0)  # consumed (this re-enters the hook with 0: ignored)
        handler = self._commands.get((value >> 56, (value >> 48) & 0xFF))
        if handler is not None:
            handler(value & PAYLOAD_MASK)

    def _on_fromhost(self, _pa: int, _size: int) -> None:
        self._deliver()

    def _respond(self, word: int) -> None:
        self._responses.append(word)
        self._deliver()

    def _deliver(self) -> None:
        mem, fromhost = self.mem, self.fromhost
        if mem is None or fromhost is None:
            self._responses.clear()  # nowhere to answer (no fromhost symbol): drop, as Spike
            return
        while self._responses and mem.read(fromhost, 8) == 0:
            mem.write(fromhost, 8, self._responses.popleft())

    def _exit(self, code: int) -> None:
        self.exit_code = code
        self.on_exit(code)

    # ---- device 0: syscall proxy ------------------------------------------------------------
    def _syscall_proxy(self, payload: int) -> None:
        if payload & 1:
            self._exit(payload >> 1)
            return
        mem = self.mem
        assert mem is not None
        try:
            magic = [mem.read(payload + 8 * i, 8) for i in range(MAGIC_WORDS)]
        except BusError:
            return  # no block to answer in: ignore like a lost request
        handler = self._syscalls.get(magic[0])
        ret = handler(magic[1:]) if handler is not None else -ENOSYS
        if self.exit_code is not None:
            return
        mem.write(payload, 8, ret & MASK64)
        self._respond(1)

    def _sys_write(self, args: list[int]) -> int:
        fd, buf, length = args[0], args[1], args[2]
        if fd not in (1, 2):
            return -EBADF
        assert self.mem is not None
        try:
            data = self.mem.read_bytes(buf, length)
        except BusError:
            return -EFAULT
        self.console(data)
        return length

    def _sys_exit(self, args: list[int]) -> int:
        self._exit(args[0])
        return 0

    # ---- device 1: console ----------------------------------------------------------------
    def _putchar(self, payload: int) -> None:
        self.console(bytes((payload & 0xFF,)))
        self._respond(request(DEV_CONSOLE, CMD_PUTCHAR, 0))

    def _getchar(self, _payload: int) -> None:
        self._pending_reads += 1
        self._serve_reads()

    def _serve_reads(self) -> None:
        while self._pending_reads and self._input:
            self._pending_reads -= 1
            self._respond(request(DEV_CONSOLE, CMD_GETCHAR, 0x100 | self._input.popleft()))
