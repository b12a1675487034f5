/*
 * Text encoding detection; see encoding.h.
 */
#include "config.h"

#include "core/encoding.h"

enum la_encoding la_detect_encoding(const unsigned char *h, size_t n, size_t *ret_bom_len)
{
    size_t even0 = 0, odd0 = 0, m;

    *ret_bom_len = 0;
    if (n >= 3 && h[0] == 0xEF && h[1] == 0xBB && h[2] == 0xBF) {
        *ret_bom_len = 3;
        return LA_ENC_UTF8;
    }
    if (n >= 2 && h[0] == 0xFF && h[1] == 0xFE) {
        *ret_bom_len = 2;
        return LA_ENC_UTF16LE;
    }
    if (n >= 2 && h[0] == 0xFE && h[1] == 0xFF) {
        *ret_bom_len = 2;
        return LA_ENC_UTF16BE;
    }
    m = n < 512 ? n : 512;
    m &= ~(size_t)1;
    if (m < 4)
        return LA_ENC_UTF8;
    for (size_t i = 0; i < m; i += 2) {
        even0 += h[i] == 0;
        odd0 += h[i + 1] == 0;
    }
    if (odd0 * 10 >= (m / 2) * 7 && even0 * 10 <= (m / 2))
        return LA_ENC_UTF16LE;
    if (even0 * 10 >= (m / 2) * 7 && odd0 * 10 <= (m / 2))
        return LA_ENC_UTF16BE;
    return LA_ENC_UTF8;
}

