/*
 * crc32: bitwise (table-free) CRC-32, the reflected IEEE 802.3 polynomial 0xEDB88320 used by
 * zlib, Ethernet and PNG, over a 1 KiB buffer of xorshift64 bytes.
 *
 * The routine first checks itself on the standard check string "123456789" (0xCBF43926);
 * then each iteration computes the CRC of the whole buffer, which must equal CRC_EXPECTED
 * (zlib.crc32 of the same bytes, see benchmarks/reference.py).  One iteration is 8192 bit
 * steps: shift, and, negate, xor, branch.  Exit 0 = every CRC matched.
 */
#include "bench.h"

#define CRC_BYTES 1024
#define CRC_SEED 0x13198a2e03707344ULL
#define CRC_POLY 0xedb88320u
#define CRC_CHECK 0xcbf43926u          /* CRC-32 of "123456789" */
#define CRC_EXPECTED 0x4f408655u /* benchmarks/reference.py: crc32_buffer_crc() */

BENCH_ITERS(250);

static u8 buf[CRC_BYTES];

static u32 crc32(const u8 *p, u64 len)
{
    u32 crc = 0xffffffffu;
    for (u64 i = 0; i < len; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++)
            crc = (crc >> 1) ^ (CRC_POLY & -(crc & 1u));
    }
    return ~crc;
}

int main(void)
{
    static const char check[] = "123456789";
    u32 c = crc32((const u8 *)check, sizeof check - 1);
    if (c != CRC_CHECK)
        return bench_report("crc32 check string", 1, c, CRC_CHECK);

    u64 s = CRC_SEED;
    for (int i = 0; i < CRC_BYTES; i += 8) {
        u64 r = bench_xorshift(&s);
        for (int k = 0; k < 8; k++)
            buf[i + k] = (u8)(r >> (8 * k));
    }
    u64 n = bench_iters;
    u32 got = CRC_EXPECTED;
    for (u64 it = 0; it < n; it++) {
        BENCH_BARRIER();
        got = crc32(buf, CRC_BYTES);
        if (got != CRC_EXPECTED)
            break;
    }
    return bench_report("crc32", n, got, CRC_EXPECTED);
}
