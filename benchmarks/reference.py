"""Python models of the compute benchmarks' kernels: the constants the guests check against.

Each guest in ``guests/bench/`` checks its own result.  Where that needs a precomputed value
(``mixed``, ``crc32``, ``rvc``, ``intloop``), the value comes from the models here, written
independently of the C/assembly sources from their specification in the guests' header
comments, and copied into the guest source as a ``#define``.  The Python peer engines check
their ``intloop`` result with :func:`intloop_model` directly.  ``python
benchmarks/reference.py`` prints the constants; ``tests/test_benchmarks_smoke.py`` checks the
sources still carry these values.
"""

from __future__ import annotations

import zlib

M64 = (1 << 64) - 1

MIXED_WORDS = 64
MIXED_ROUNDS = 8
MIXED_SEED = 0x243F6A8885A308D3
MIXED_MUL = 0x9E3779B97F4A7C15

CRC_BYTES = 1024
CRC_SEED = 0x13198A2E03707344

RVC_WORDS = 128
RVC_SEED = 0xBE5466CF34E90C6C

M32 = (1 << 32) - 1
INTLOOP_INNER = 1000  # loop iterations per kernel call in guests/bench/intloop.c
INTLOOP_SEED = 0x452821E638D01377


def xorshift64(state: int) -> tuple[int, int]:
    """One step of Marsaglia's xorshift64 (13, 7, 17): returns (value, new state)."""
    x = state
    x ^= (x << 13) & M64
    x ^= x >> 7
    x ^= (x << 17) & M64
    return x, x


def xorshift_words(seed: int, n: int) -> list[int]:
    """The first ``n`` outputs of xorshift64 from ``seed``."""
    out = []
    s = seed
    for _ in range(n):
        v, s = xorshift64(s)
        out.append(v)
    return out


def mixed_checksum() -> int:
    """The checksum one iteration of ``mixed`` must produce."""
    arr = xorshift_words(MIXED_SEED, MIXED_WORDS)
    for _ in range(MIXED_ROUNDS):
        for i in range(MIXED_WORDS):
            v, w = arr[i], arr[(i + 1) % MIXED_WORDS]
            v = (v + (w << 5)) & M64
            v ^= v >> 11
            v = (v * MIXED_MUL) & M64
            v = (v + i) & M64 if v & 1 else (v - (w >> 3)) & M64
            arr[i] = v
    total = 0
    for v in arr:
        total = (total * 31 + v) & M64
    return total


def crc32_buffer() -> bytes:
    """The 1 KiB buffer ``crc32`` checksums: xorshift64 words stored little-endian."""
    words = xorshift_words(CRC_SEED, CRC_BYTES // 8)
    return b"".join(w.to_bytes(8, "little") for w in words)


def crc32_buffer_crc() -> int:
    """CRC-32 (zlib's) of the ``crc32`` buffer."""
    return zlib.crc32(crc32_buffer())


def _sext32(v: int) -> int:
    v &= 0xFFFF_FFFF
    return (v - (1 << 32)) & M64 if v & 0x8000_0000 else v


def rvc_result() -> tuple[int, int, int]:
    """(return value, out[126], out[127]) of one ``rvc_kernel`` call over the input words."""
    data = xorshift_words(RVC_SEED, RVC_WORDS)
    s0 = s1 = acc = 0
    for k in range(0, RVC_WORDS, 2):
        a, b = data[k], data[k + 1]
        s0 = (s0 + a) & M64
        s1 ^= b
        s0 = (s0 << 1) & M64
        a >>= 3
        s1 = (s1 + a) & M64
        s0 = (s0 - b) & M64
        s0 |= b & 15
        acc = _sext32(acc + a)
        signed = acc - (1 << 64) if acc >> 63 else acc
        s1 = (s1 - ((signed >> 2) & M64)) & M64
    return s0 ^ s1, s0, s1


def intloop_words() -> tuple[int, int]:
    """The two 32-bit words ``intloop`` starts from (the low and high half of one draw)."""
    (w,) = xorshift_words(INTLOOP_SEED, 1)
    return w & M32, w >> 32


def intloop_model(iters: int, w0: int, w1: int, acc: int = 0) -> tuple[int, int, int]:
    """(acc, buf[0], buf[1]) after ``iters`` iterations of the ``intloop`` kernel, 32 bits."""
    x, y, acc = w0 & M32, w1 & M32, acc & M32
    for _ in range(iters):
        x = (x + y) & M32
        y ^= x
        y = (y + (y << 7)) & M32
        acc = ((acc - x) & M32) ^ (x & y)
    return acc, x, y


def constants() -> dict[str, int]:
    """Every ``#define`` name in guests/bench/*.c that holds a modelled value -> its value."""
    ret, last0, last1 = rvc_result()
    return {
        "MIXED_EXPECTED": mixed_checksum(),
        "CRC_EXPECTED": crc32_buffer_crc(),
        "RVC_EXPECTED": ret,
        "RVC_LAST0": last0,
        "RVC_LAST1": last1,
        "INTLOOP_W0": intloop_words()[0],
        "INTLOOP_W1": intloop_words()[1],
        "INTLOOP_EXPECTED": intloop_model(INTLOOP_INNER, *intloop_words())[0],
    }


if __name__ == "__main__":
    for name, value in constants().items():
        print(f"#define {name} {value:#x}")
