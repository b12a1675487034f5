#ifndef LA_CORE_ENCODING_H
#define LA_CORE_ENCODING_H

/*
 * Text encodings: detection for the line reader and the format probes, and
 * the UTF-8 helpers every module shares.
 *
 * Detection: with a BOM the BOM decides; without one, in the first 512 bytes,
 * text whose odd bytes are mostly NUL and even bytes mostly not is UTF-16 LE
 * (and the mirror for BE).  Logs are mostly ASCII, so this is reliable in
 * practice.
 *
 * UTF-8: logs, file names and archive member names are bytes; every string
 * that reaches an output must be valid UTF-8 (JSON and XML require it, and
 * jansson refuses to write anything else).  One decoder serves them all:
 * a sequence that is not well-formed UTF-8 (a Latin-1 byte, an overlong
 * form, a surrogate, a sequence cut short) decodes as U+FFFD and consumes
 * exactly one byte, so each bad byte becomes one U+FFFD and the good text
 * around it is kept.  A cut to a byte cap goes through la_utf8_cut(), so it
 * never falls inside a character.
 */

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"

enum la_encoding { LA_ENC_UTF8, LA_ENC_UTF16LE, LA_ENC_UTF16BE };

/* Guess the encoding of a head of bytes; *ret_bom_len gets the BOM length (0 if none). */
enum la_encoding la_detect_encoding(const unsigned char *h, size_t n, size_t *ret_bom_len);

/*
 * Decode one code point at s[0..len) (len > 0) into *ret_cp and return the
 * bytes used (1-4).  Invalid, overlong, surrogate or truncated sequences give
 * *ret_cp = 0xFFFD and consume exactly one byte.
 */
size_t la_utf8_next(const char *s, size_t len, uint32_t *ret_cp);

/* Append code point cp (at most 0x10FFFF) as UTF-8.  LA_OK, or la_buf_add()'s code. */
LA_NODISCARD enum la_rc la_utf8_put(struct la_buf *out, uint32_t cp);

/*
 * Append s[0..len) to out as valid UTF-8: each byte that is not part of a
 * well-formed sequence becomes U+FFFD (EF BF BD); everything else, NUL and
 * control characters included, is copied as it is (escaping is the
 * outputs' business).  On failure out is as it was.
 */
LA_NODISCARD enum la_rc la_utf8_add(struct la_buf *out, const char *s, size_t len);

/* A copy of s[0..len) made valid as la_utf8_add() does, NUL-terminated; NULL when out of memory. */
char *la_utf8_dup(const char *s, size_t len);

/* 1 when s[0..len) is well-formed UTF-8 throughout, else 0. */
int la_utf8_valid(const char *s, size_t len);

/*
 * The length of s[0..len) without a character cut short at its end: when a
 * lead byte in the last three bytes starts a sequence longer than what
 * follows it, the cut moves back to before that lead byte.  For text that was
 * cut to a cap; other bytes that are not UTF-8 are left (they are U+FFFD one
 * by one).
 */
size_t la_utf8_trim(const char *s, size_t len);

/*
 * Where to cut s[0..len) to keep at most max bytes without splitting a
 * character: len when len <= max, else la_utf8_trim(s, max).
 */
size_t la_utf8_cut(const char *s, size_t len, size_t max);

/* Number of code points in s[0..len) (each invalid byte counts as one). */
size_t la_utf8_cols(const char *s, size_t len);

/* Byte length of the longest prefix of s[0..len) with at most cols code points. */
size_t la_utf8_prefix(const char *s, size_t len, size_t cols);

#endif
