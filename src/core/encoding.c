/*
 * Text encodings: detection, and the UTF-8 decoder, sanitiser and cuts; see
 * encoding.h.
 */
#include "config.h"

#include <string.h>

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

/* The length of the sequence lead byte c starts (2-4), or 0 when c cannot start one. */
static size_t seq_len(unsigned char c)
{
    if (c >= 0xc2 && c <= 0xdf)
        return 2;
    if (c >= 0xe0 && c <= 0xef)
        return 3;
    if (c >= 0xf0 && c <= 0xf4)
        return 4;
    return 0;
}

size_t la_utf8_next(const char *str, size_t len, uint32_t *ret_cp)
{
    static const uint32_t min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
    const unsigned char *s = (const unsigned char *)str;
    size_t n = seq_len(s[0]);
    uint32_t cp;

    if (s[0] < 0x80) {
        *ret_cp = s[0];
        return 1;
    }
    if (!n || len < n)
        goto bad;
    cp = s[0] & (0x7f >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            goto bad;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        goto bad;
    *ret_cp = cp;
    return n;
bad:
    *ret_cp = 0xfffd;
    return 1;
}

enum la_rc la_utf8_put(struct la_buf *out, uint32_t cp)
{
    char b[4];
    size_t n;

    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xc0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xe0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        b[0] = (char)(0xf0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    return la_buf_add(out, b, n);
}

enum la_rc la_utf8_add(struct la_buf *out, const char *s, size_t len)
{
    size_t start = out->len, i = 0, run = 0;
    enum la_rc rc = LA_OK;
    uint32_t cp;

    /* Valid runs are copied whole; only the bad bytes cost a call each. */
    while (i < len && rc == LA_OK) {
        size_t n = la_utf8_next(s + i, len - i, &cp);
        if (cp == 0xfffd && n == 1) {
            rc = la_buf_add(out, s + run, i - run);
            if (rc == LA_OK)
                rc = la_utf8_put(out, 0xfffd);
            run = i + 1;
        }
        i += n;
    }
    if (rc == LA_OK)
        rc = la_buf_add(out, s + run, len - run);
    if (rc != LA_OK)
        la_buf_truncate(out, start);
    return rc;
}

char *la_utf8_dup(const char *s, size_t len)
{
    struct la_buf b = LA_BUF_INIT;

    if (la_utf8_add(&b, s, len) != LA_OK) {
        la_buf_release(&b);
        return NULL;
    }
    return la_buf_detach(&b, NULL);
}

int la_utf8_valid(const char *s, size_t len)
{
    size_t i = 0;
    uint32_t cp;

    while (i < len) {
        size_t n = la_utf8_next(s + i, len - i, &cp);
        if (cp == 0xfffd && n == 1)
            return 0;
        i += n;
    }
    return 1;
}

size_t la_utf8_trim(const char *s, size_t len)
{
    /* A lead byte in the last three whose sequence needs more bytes than are left. */
    for (size_t k = 1; k <= 3 && k <= len; k++) {
        unsigned char c = (unsigned char)s[len - k];
        if ((c & 0xc0) == 0x80)
            continue;
        return seq_len(c) > k ? len - k : len;
    }
    return len;
}

size_t la_utf8_cut(const char *s, size_t len, size_t max)
{
    return len <= max ? len : la_utf8_trim(s, max);
}

size_t la_utf8_cols(const char *s, size_t len)
{
    size_t cols = 0, i = 0;
    uint32_t cp;

    while (i < len) {
        i += la_utf8_next(s + i, len - i, &cp);
        cols++;
    }
    return cols;
}

size_t la_utf8_prefix(const char *s, size_t len, size_t cols)
{
    size_t i = 0;
    uint32_t cp;

    while (i < len && cols > 0) {
        i += la_utf8_next(s + i, len - i, &cp);
        cols--;
    }
    return i;
}
