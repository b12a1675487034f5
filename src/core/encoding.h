#ifndef LA_CORE_ENCODING_H
#define LA_CORE_ENCODING_H

/*
 * Text encoding detection shared by the line reader and the format probes.
 * With a BOM the BOM decides; without one, in the first 512 bytes, text whose
 * odd bytes are mostly NUL and even bytes mostly not is UTF-16 LE (and the
 * mirror for BE).  Logs are mostly ASCII, so this is reliable in practice.
 */

#include <stddef.h>

enum la_encoding { LA_ENC_UTF8, LA_ENC_UTF16LE, LA_ENC_UTF16BE };

/* Guess the encoding of a head of bytes; *ret_bom_len gets the BOM length (0 if none). */
enum la_encoding la_detect_encoding(const unsigned char *h, size_t n, size_t *ret_bom_len);

#endif
