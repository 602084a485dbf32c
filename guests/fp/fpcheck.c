/*
 * fpcheck.c - self-checks of the F and D extensions (see fpcheck.h).
 *
 * Every expected value follows from IEEE 754 arithmetic or the RISC-V spec, not from a run:
 * exact integer arithmetic in doubles, square roots of perfect squares, well-known roundings
 * (0.1 + 0.2, ten times 0.1f), the rounding modes on +-2.5, fused multiply-add's single
 * rounding, the exception flags of 1/0, 1/3, sqrt(-1), overflow and underflow, NaN-boxing,
 * FCLASS, FMIN/FMAX on signed zeros and NaNs, saturating conversions, and series that must
 * converge to pi and to 1 - 1/(n+1) within a few ulps.  Operands go through opaque() so the
 * compiler cannot fold the arithmetic at build time.
 */
#include "fpcheck.h"

#define NX 1
#define UF 2
#define OF 4
#define DZ 8
#define NV 16

#define EXPECT(n, what, got, want)          \
    do {                                    \
        u64 got_ = (u64)(got);              \
        u64 want_ = (u64)(want);            \
        if (got_ != want_) {                \
            fp_note(n, what, got_, want_);  \
            return n;                       \
        }                                   \
    } while (0)

static u64 dbits(double x)
{
    union { double d; u64 u; } v = {.d = x};
    return v.u;
}

static double dval(u64 b)
{
    union { double d; u64 u; } v = {.u = b};
    return v.d;
}

static u32 fbits(float x)
{
    union { float f; u32 u; } v = {.f = x};
    return v.u;
}

/* The value, as far as the compiler knows, comes from nowhere: no constant folding. */
static inline double opaque(double x)
{
    __asm__ volatile("" : "+f"(x));
    return x;
}

static inline float opaquef(float x)
{
    __asm__ volatile("" : "+f"(x));
    return x;
}

/* Clear fflags, then hand back x: anything computed from the result happens afterwards. */
static inline double cleared(double x)
{
    __asm__ volatile("csrw fflags, zero" : "+f"(x));
    return x;
}

/* fflags once x (an FP result) has been computed. */
static inline u64 flags_of(double x)
{
    u64 f;
    __asm__ volatile("csrr %0, fflags" : "=r"(f) : "f"(x));
    return f;
}

#define FCVT_W_D(x, rm)                                                  \
    ({                                                                   \
        long r_;                                                         \
        __asm__ volatile("fcvt.w.d %0, %1, " rm : "=r"(r_) : "f"(x));    \
        r_;                                                              \
    })

static int exact_integers(void)
{
    double f = opaque(1.0);
    u64 i = 1;
    for (u64 n = 1; n <= 18; n++) { /* 18! < 2**53: every product is exact */
        f *= (double)n;
        i *= n;
        EXPECT(1, "n! in doubles", (u64)f, i);
    }
    for (u64 k = 1; k <= 3000; k += 7)
        EXPECT(2, "sqrt(k*k)", (u64)__builtin_sqrt(opaque((double)(k * k))), k);
    /* a 4x4 matrix product of small integers: exact, equal to the integer product */
    long a[4][4], b[4][4];
    double da[4][4], db[4][4];
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 4; c++) {
            a[r][c] = (r * 7 + c * 3) % 11 - 5;
            b[r][c] = (r * 5 + c * 2) % 13 - 6;
            da[r][c] = opaque((double)a[r][c]);
            db[r][c] = opaque((double)b[r][c]);
        }
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 4; c++) {
            long s = 0;
            double ds = 0.0;
            for (int k = 0; k < 4; k++) {
                s += a[r][k] * b[k][c];
                ds += da[r][k] * db[k][c];
            }
            EXPECT(3, "matrix product", (long)ds, s);
        }
    return 0;
}

static int series(void)
{
    /* sum 1/(k(k+1)) telescopes to 1 - 1/(n+1) */
    double s = 0.0;
    for (int k = 1; k <= 1000; k++) {
        double dk = opaque((double)k);
        s += 1.0 / (dk * (dk + 1.0));
    }
    double err = s - (1.0 - 1.0 / opaque(1001.0));
    EXPECT(4, "telescoping sum", err < 1e-13 && err > -1e-13, 1);
    /* Machin: pi = 16 atan(1/5) - 4 atan(1/239), atan by its Taylor series */
    double terms[2] = {0.0, 0.0};
    const double inv[2] = {1.0 / 5.0, 1.0 / 239.0};
    for (int t = 0; t < 2; t++) {
        double x = opaque(inv[t]), p = x, sum = 0.0;
        for (int k = 0; k < 30; k++) {
            double term = p / (2 * k + 1);
            sum += (k & 1) ? -term : term;
            p *= x * x;
        }
        terms[t] = sum;
    }
    double pi = 16.0 * terms[0] - 4.0 * terms[1];
    u64 d = dbits(pi) - dbits(3.141592653589793);
    EXPECT(5, "pi by Machin's formula (ulps off)", d + 2 <= 4, 1);
    /* Newton's sqrt(2) agrees with fsqrt.d to an ulp */
    double x = opaque(1.0);
    for (int i = 0; i < 8; i++)
        x = 0.5 * (x + 2.0 / x);
    u64 diff = dbits(x) - dbits(__builtin_sqrt(opaque(2.0)));
    EXPECT(6, "Newton sqrt(2) vs fsqrt.d (ulps off)", diff + 1 <= 2, 1);
    return 0;
}

static int roundings(void)
{
    EXPECT(7, "0.1 + 0.2", dbits(opaque(0.1) + opaque(0.2)), 0x3FD3333333333334ULL);
    float f = 0.0f;
    for (int i = 0; i < 10; i++)
        f += opaquef(0.1f);
    EXPECT(8, "ten times 0.1f", fbits(f), 0x3F800001U);
    EXPECT(9, "(double)(float)0.1", dbits((double)opaquef(0.1f)), 0x3FB99999A0000000ULL);
    /* +-2.5 in every static rounding mode */
    double p = opaque(2.5), m = opaque(-2.5);
    EXPECT(10, "fcvt.w.d 2.5 rne", FCVT_W_D(p, "rne"), 2);
    EXPECT(11, "fcvt.w.d -2.5 rne", FCVT_W_D(m, "rne"), -2);
    EXPECT(12, "fcvt.w.d -2.5 rtz", FCVT_W_D(m, "rtz"), -2);
    EXPECT(13, "fcvt.w.d -2.5 rdn", FCVT_W_D(m, "rdn"), -3);
    EXPECT(14, "fcvt.w.d 2.5 rup", FCVT_W_D(p, "rup"), 3);
    EXPECT(15, "fcvt.w.d -2.5 rmm", FCVT_W_D(m, "rmm"), -3);
    /* the dynamic rounding mode: 1/3 rounds down to nearest, so rup is one ulp above */
    double one = opaque(1.0), three = opaque(3.0), up, near;
    __asm__ volatile("fsrmi 3\n"
                     "fdiv.d %0, %2, %3\n"
                     "fdiv.d %1, %2, %3, rne\n"
                     "fsrmi 0"
                     : "=&f"(up), "=&f"(near)
                     : "f"(one), "f"(three));
    EXPECT(16, "1/3 with frm = rup", dbits(up), dbits(near) + 1);
    /* fused multiply-add rounds once: (1 + 2**-52)(1 - 2**-52) - 1 = -2**-104 exactly */
    double a = opaque(1.0 + 0x1p-52), b = opaque(1.0 - 0x1p-52), r;
    __asm__ volatile("fmsub.d %0, %1, %2, %3" : "=f"(r) : "f"(a), "f"(b), "f"(one));
    EXPECT(17, "fmsub.d single rounding", dbits(r), dbits(-0x1p-104));
    __asm__ volatile("fmul.d %0, %1, %2" : "=f"(r) : "f"(a), "f"(b));
    EXPECT(18, "fmul.d rounds", dbits(r), dbits(1.0));
    return 0;
}

static int exceptions(void)
{
    double one = opaque(1.0), r;
    r = cleared(one) / opaque(0.0);
    EXPECT(19, "1/0 flags", flags_of(r), DZ);
    EXPECT(20, "1/0", dbits(r), 0x7FF0000000000000ULL);
    r = cleared(one) / opaque(3.0);
    EXPECT(21, "1/3 flags", flags_of(r), NX);
    r = __builtin_sqrt(cleared(opaque(-1.0)));
    EXPECT(22, "sqrt(-1) flags", flags_of(r), NV);
    EXPECT(23, "sqrt(-1) is the canonical NaN", dbits(r), 0x7FF8000000000000ULL);
    r = cleared(opaque(0x1.fffffffffffffp1023)) * opaque(2.0);
    EXPECT(24, "overflow flags", flags_of(r), OF | NX);
    r = cleared(opaque(1e-300)) * opaque(1e-300);
    EXPECT(25, "underflow flags", flags_of(r), UF | NX);
    EXPECT(26, "underflow to zero", dbits(r), 0);
    r = cleared(opaque(2.0)) * opaque(3.0);
    EXPECT(27, "exact product flags", flags_of(r), 0);
    float big = (float)cleared(opaque(1e40));
    EXPECT(28, "(float)1e40 flags", flags_of(big), OF | NX);
    EXPECT(29, "(float)1e40", fbits(big), 0x7F800000U);
    return 0;
}

static int bits_and_classes(void)
{
    u64 v;
    /* a single moved in is NaN-boxed; an unboxed one reads as the canonical NaN */
    __asm__ volatile("fmv.w.x ft0, %1\n fmv.x.d %0, ft0" : "=r"(v) : "r"(0x3F800000UL) : "ft0");
    EXPECT(30, "fmv.w.x boxes", v, 0xFFFFFFFF3F800000ULL);
    __asm__ volatile("fmv.d.x ft0, %1\n fadd.s ft0, ft0, ft0\n fmv.x.w %0, ft0"
                     : "=r"(v) : "r"(0x3F800000UL) : "ft0");
    EXPECT(31, "unboxed single reads as NaN", v, 0x7FC00000ULL);
    static const struct { u64 value; u64 cls; } classes[] = {
        {0xFFF0000000000000ULL, 1}, {0xBFF0000000000000ULL, 2}, {0x800FFFFFFFFFFFFFULL, 4},
        {0x8000000000000000ULL, 8}, {0, 16}, {1, 32}, {0x3FF0000000000000ULL, 64},
        {0x7FF0000000000000ULL, 128}, {0x7FF0000000000001ULL, 256},
        {0x7FF8000000000000ULL, 512},
    };
    for (unsigned i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        __asm__ volatile("fclass.d %0, %1" : "=r"(v) : "f"(opaque(dval(classes[i].value))));
        EXPECT(32, "fclass.d", v, classes[i].cls);
    }
    double nz = opaque(-0.0), pz = opaque(0.0), r;
    __asm__ volatile("fmin.d %0, %1, %2" : "=f"(r) : "f"(pz), "f"(nz));
    EXPECT(33, "fmin(+0, -0)", dbits(r), 0x8000000000000000ULL);
    __asm__ volatile("fmax.d %0, %1, %2" : "=f"(r) : "f"(nz), "f"(pz));
    EXPECT(34, "fmax(-0, +0)", dbits(r), 0);
    double snan = opaque(dval(0x7FF0000000000001ULL)), two = opaque(2.0);
    __asm__ volatile("csrw fflags, zero\n fmin.d %0, %1, %2" : "=f"(r) : "f"(snan), "f"(two));
    EXPECT(35, "fmin(sNaN, 2)", dbits(r), dbits(2.0));
    EXPECT(36, "fmin(sNaN, 2) flags", flags_of(r), NV);
    return 0;
}

static int conversions(void)
{
    EXPECT(37, "(long)-2.7", (long)opaque(-2.7), -2);
    EXPECT(38, "(u64)1e19", (u64)opaque(1e19), 10000000000000000000ULL);
    EXPECT(39, "(double)(1 << 63)", dbits((double)(u64)(1ULL << 63)), 0x43E0000000000000ULL);
    long w;
    u64 fl;
    __asm__ volatile("csrw fflags, zero\n fcvt.w.d %0, %2, rtz\n frflags %1"
                     : "=&r"(w), "=r"(fl)
                     : "f"(opaque(1e10)));
    EXPECT(40, "fcvt.w.d 1e10 saturates", w, 0x7FFFFFFF);
    EXPECT(41, "fcvt.w.d 1e10 flags", fl, NV);
    __asm__ volatile("fcvt.wu.d %0, %1, rtz" : "=r"(w) : "f"(opaque(4294967295.0)));
    EXPECT(42, "fcvt.wu.d 2**32-1 is sign-extended", w, -1L);
    return 0;
}

int fp_checks(void)
{
    int (*const groups[])(void) = {exact_integers, series, roundings, exceptions,
                                   bits_and_classes, conversions};
    for (unsigned i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        int r = groups[i]();
        if (r)
            return r;
    }
    return 0;
}

int fp_hold(unsigned id, u64 iters)
{
    double in[12], out[12];
    for (int k = 0; k < 12; k++)
        in[k] = opaque((double)(id + 1) * 1000.0 + k + 0.25);
    double x, y, q;
    u64 frm, want_flags;
    if (id == 0) { /* 1/3 truncated: NX */
        x = opaque(1.0), y = opaque(3.0), frm = 1, want_flags = NX;
        __asm__ volatile("fdiv.d %0, %1, %2, rtz" : "=f"(q) : "f"(x), "f"(y));
    } else { /* the largest double / 0.5 rounded up: infinity, OF and NX */
        x = opaque(0x1.fffffffffffffp1023), y = opaque(0.5), frm = 3, want_flags = OF | NX;
        __asm__ volatile("fdiv.d %0, %1, %2, rup" : "=f"(q) : "f"(x), "f"(y));
    }
    __asm__ volatile("fsrm %0\n csrw fflags, zero" : : "r"(frm) : "memory");
    u64 sum = fp_hold_loop(iters, in, out, x, y);
    u64 got_frm, got_flags;
    __asm__ volatile("frrm %0\n frflags %1" : "=r"(got_frm), "=r"(got_flags) : : "memory");
    __asm__ volatile("fsrmi 0");
    for (int k = 0; k < 12; k++)
        EXPECT(50 + k, "fs register after the loop", dbits(out[k]), dbits(in[k]));
    EXPECT(62, "frm after the loop", got_frm, frm);
    EXPECT(63, "fflags after the loop", got_flags, want_flags);
    EXPECT(64, "sum of the quotients' bits", sum, iters * dbits(q));
    return 0;
}
