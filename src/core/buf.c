/*
 * Growable byte buffer; see buf.h for the invariants.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"

char la_buf_empty[1];

void la_buf_init(struct la_buf *b, size_t max)
{
    b->buf = la_buf_empty;
    b->len = 0;
    b->alloc = 0;
    b->max = max;
}

void la_buf_release(struct la_buf *b)
{
    if (b->alloc)
        la_free(b->buf);
    la_buf_init(b, b->max);
}

void la_buf_reset(struct la_buf *b)
{
    la_buf_truncate(b, 0);
}

void la_buf_truncate(struct la_buf *b, size_t len)
{
    if (len > b->len)
        return;
    b->len = len;
    if (b->alloc)
        b->buf[len] = '\0';
}

enum la_rc la_buf_grow(struct la_buf *b, size_t extra)
{
    size_t want, n;
    char *p;

    if (extra > SIZE_MAX / 2 - b->len)
        return LA_FAILED;
    want = b->len + extra;
    if (b->max && want > b->max)
        return LA_FAILED;
    if (want + 1 <= b->alloc)
        return LA_OK;
    n = b->alloc ? b->alloc : 64;
    while (n < want + 1)
        n *= 2;
    if (b->max && n > b->max + 1)
        n = b->max + 1;
    p = la_realloc(b->alloc ? b->buf : NULL, n);
    if (!p)
        return LA_FATAL;
    if (!b->alloc)
        p[0] = '\0';
    b->buf = p;
    b->alloc = n;
    return LA_OK;
}

enum la_rc la_buf_add(struct la_buf *b, const void *p, size_t n)
{
    enum la_rc rc = la_buf_grow(b, n);

    if (rc != LA_OK)
        return rc;
    if (n)
        memcpy(b->buf + b->len, p, n);
    b->len += n;
    b->buf[b->len] = '\0';
    return LA_OK;
}

enum la_rc la_buf_adds(struct la_buf *b, const char *s)
{
    return la_buf_add(b, s, strlen(s));
}

enum la_rc la_buf_addc(struct la_buf *b, char c)
{
    return la_buf_add(b, &c, 1);
}

enum la_rc la_buf_vaddf(struct la_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    int n;
    enum la_rc rc;

    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return LA_FAILED;
    rc = la_buf_grow(b, (size_t)n);
    if (rc != LA_OK)
        return rc;
    vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return LA_OK;
}

enum la_rc la_buf_addf(struct la_buf *b, const char *fmt, ...)
{
    va_list ap;
    enum la_rc rc;

    va_start(ap, fmt);
    rc = la_buf_vaddf(b, fmt, ap);
    va_end(ap);
    return rc;
}

char *la_buf_detach(struct la_buf *b, size_t *ret_len)
{
    char *r;

    if (!b->alloc) {
        r = la_strdup("");
        if (!r)
            return NULL;
    } else {
        r = b->buf;
    }
    if (ret_len)
        *ret_len = b->len;
    la_buf_init(b, b->max);
    return r;
}
