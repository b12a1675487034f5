/*
 * The bytes normalisation must look at, found a vector at a time (normalize.c).
 *
 * la_normalize_view() runs on every line of every member, and nearly every line is clean: it
 * holds none of the bytes that can change it (NUL, ESC, CR, '&', '[', and the lead bytes 0xc2,
 * 0xe2, 0xef of the typography normalize.c makes ASCII) or only ones that turn out to change
 * nothing (a syslog "proc[pid]:", an '&' in a URL, a box-drawing gutter's "│").  Finding the
 * next such byte is the whole cost of a clean line, so it is done 16 bytes at a time: SSE2 on
 * x86-64 (part of the base instruction set there), NEON on aarch64, and a portable byte loop
 * elsewhere.  The choice is made at compile time; -DLA_SIMD_PORTABLE forces the portable
 * loop.  Every variant this build can run is exported (formats-internal.h) so that
 * tests/unit/test-normalize.c checks each one against a byte-at-a-time model, whatever
 * la_formats_find_special() picked; on other CPUs the NEON variant is also run there through
 * SIMDe's emulation of the intrinsics (LA_SPECIAL_SIMDE, a test-only build of this file).
 *
 * Invariant: each variant returns the offset of the first special byte in s[0..n), or n, and
 * reads no byte outside s[0..n): a line of 16 bytes or more ends with one more load of its
 * last 16 bytes (overlapping what was seen), a shorter one is read byte by byte.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(LA_SPECIAL_SIMDE)
/* Tests only (tests/meson.build, normalize-neon): NEON emulated on any CPU by SIMDe. */
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/arm/neon.h>
#elif defined(__ARM_NEON) && defined(__aarch64__)
#include <arm_neon.h>
#endif

#include "formats/formats-internal.h"

static int special(unsigned char c)
{
    return c == 0 || c == 0x1b || c == '\r' || c == '&' || c == '[' || c == 0xc2 || c == 0xe2 ||
           c == 0xef;
}

size_t la_formats_find_special_portable(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    /* Every special byte is at most '[' or a lead byte from 0xc2 on: two compares pass
     * letters, digits, most punctuation and a UTF-8 character's continuation bytes. */
    for (; i < n; i++)
        if ((u[i] <= '[' || u[i] >= 0xc2) && special(u[i]))
            return i;
    return n;
}

#if LA_HAVE_SSE2_SPECIAL
size_t la_formats_find_special_sse2(const char *s, size_t n)
{
    const __m128i nul = _mm_setzero_si128(), esc = _mm_set1_epi8(0x1b);
    const __m128i cr = _mm_set1_epi8('\r'), amp = _mm_set1_epi8('&');
    const __m128i br = _mm_set1_epi8('['), c2 = _mm_set1_epi8((char)0xc2);
    const __m128i e2 = _mm_set1_epi8((char)0xe2), ef = _mm_set1_epi8((char)0xef);
    size_t i = 0;

#define SSE2_HIT(v)                                                                          \
    _mm_or_si128(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, nul), _mm_cmpeq_epi8(v, esc)),  \
                              _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, amp))),  \
                 _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, br), _mm_cmpeq_epi8(v, c2)),    \
                              _mm_or_si128(_mm_cmpeq_epi8(v, e2), _mm_cmpeq_epi8(v, ef))))
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        unsigned mask = (unsigned)_mm_movemask_epi8(SSE2_HIT(v));
        if (mask)
            return i + (size_t)__builtin_ctz(mask);
    }
    if (i == n || n < 16)
        return i + la_formats_find_special_portable(s + i, n - i);
    /* The tail: the line's last 16 bytes, without the ones already looked at. */
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
    unsigned mask = (unsigned)_mm_movemask_epi8(SSE2_HIT(v)) >> (i - (n - 16));
#undef SSE2_HIT
    return mask ? i + (size_t)__builtin_ctz(mask) : n;
}
#endif

#if LA_HAVE_NEON_SPECIAL
size_t la_formats_find_special_neon(const char *s, size_t n)
{
    const uint8x16_t esc = vdupq_n_u8(0x1b), cr = vdupq_n_u8('\r'), amp = vdupq_n_u8('&');
    const uint8x16_t br = vdupq_n_u8('['), c2 = vdupq_n_u8(0xc2), e2 = vdupq_n_u8(0xe2);
    const uint8x16_t ef = vdupq_n_u8(0xef);
    size_t i = 0;

#define NEON_HIT(v)                                                                          \
    vorrq_u8(vorrq_u8(vorrq_u8(vceqzq_u8(v), vceqq_u8(v, esc)),                              \
                      vorrq_u8(vceqq_u8(v, cr), vceqq_u8(v, amp))),                          \
             vorrq_u8(vorrq_u8(vceqq_u8(v, br), vceqq_u8(v, c2)),                            \
                      vorrq_u8(vceqq_u8(v, e2), vceqq_u8(v, ef))))
    for (; i + 16 <= n; i += 16) {
        uint8x16_t v = vld1q_u8((const uint8_t *)s + i);
        uint8x16_t hit = NEON_HIT(v);
        /* Narrow each 0xff/0x00 lane to a nibble: a 64-bit mask, 4 bits per byte. */
        uint64_t mask = vget_lane_u64(
            vreinterpret_u64_u8(vshrn_n_u16(vreinterpretq_u16_u8(hit), 4)), 0);
        if (mask)
            return i + (size_t)(__builtin_ctzll(mask) >> 2);
    }
    if (i == n || n < 16)
        return i + la_formats_find_special_portable(s + i, n - i);
    /* The tail: the line's last 16 bytes, without the ones already looked at. */
    uint8x16_t v = vld1q_u8((const uint8_t *)s + n - 16);
    uint8x16_t hit = NEON_HIT(v);
#undef NEON_HIT
    uint64_t mask = vget_lane_u64(
        vreinterpret_u64_u8(vshrn_n_u16(vreinterpretq_u16_u8(hit), 4)), 0);
    mask >>= 4 * (i - (n - 16));
    return mask ? i + (size_t)(__builtin_ctzll(mask) >> 2) : n;
}
#endif

size_t la_formats_find_special(const char *s, size_t n)
{
#if defined(LA_SIMD_PORTABLE)
    return la_formats_find_special_portable(s, n);
#elif LA_HAVE_SSE2_SPECIAL
    return la_formats_find_special_sse2(s, n);
#elif LA_HAVE_NEON_SPECIAL
    return la_formats_find_special_neon(s, n);
#else
    return la_formats_find_special_portable(s, n);
#endif
}

const char *la_formats_special_variant(void)
{
#if defined(LA_SIMD_PORTABLE)
    return "portable";
#elif LA_HAVE_SSE2_SPECIAL
    return "sse2";
#elif LA_HAVE_NEON_SPECIAL
    return "neon";
#else
    return "portable";
#endif
}
