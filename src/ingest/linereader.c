/*
 * Bounded line splitter with encoding detection; see linereader.h.
 *
 * UTF-16 is converted to UTF-8 block by block; a code unit or surrogate
 * pair split across blocks is carried over.  Unpaired surrogates become
 * U+FFFD.  An over-long line is cut on a character boundary (la_utf8_trim),
 * so a cut never leaves a piece of a character; other bytes pass unchanged
 * (the rules match bytes; outputs make them valid UTF-8).  Detection without a BOM: in the first 512 bytes, if most odd
 * bytes are NUL and few even ones are, the text is UTF-16 LE (and the
 * mirror for BE); logs are mostly ASCII, so this is reliable in practice.
 */
#include "config.h"

#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/encoding.h"
#include "core/limits.h"
#include "ingest/linereader.h"

struct la_linereader {
    la_read_fn *fn;
    void *ctx;
    unsigned max_line;
    struct la_buf line;
    struct la_buf conv;            /* UTF-8 from UTF-16 input */
    struct la_buf head;            /* the first bytes, gathered for detection */
    enum la_rc err_pending;        /* a read error after the head was gathered */
    const unsigned char *blk;
    size_t blen, bpos;
    int started, eof, err;
    enum la_rc err_rc;
    enum la_encoding enc;
    unsigned char carry[3];        /* partial UTF-16 unit / pair */
    size_t ncarry;
    uint64_t lineno;
    unsigned long truncated;
    int in_trunc;                  /* dropping the rest of an overlong line */
};

struct la_linereader *la_linereader_new(la_read_fn *fn, void *ctx, unsigned max_line)
{
    struct la_linereader *lr = la_calloc(1, sizeof(*lr));

    if (!lr)
        return NULL;
    lr->fn = fn;
    lr->ctx = ctx;
    lr->max_line = max_line ? max_line : LA_DEFAULT_MAX_LINE;
    la_buf_init(&lr->line, 0);
    la_buf_init(&lr->conv, 0);
    la_buf_init(&lr->head, 0);
    return lr;
}

void la_linereader_free(struct la_linereader *lr)
{
    if (!lr)
        return;
    la_buf_release(&lr->line);
    la_buf_release(&lr->conv);
    la_buf_release(&lr->head);
    la_free(lr);
}

unsigned long la_linereader_truncated(const struct la_linereader *lr)
{
    return lr->truncated;
}

enum la_encoding la_linereader_encoding(const struct la_linereader *lr)
{
    return lr->enc;
}

/* Convert UTF-16 bytes (with carried-over bytes) into lr->conv. */
static enum la_rc convert16(struct la_linereader *lr, const unsigned char *p, size_t n)
{
    unsigned char tmp[4];
    int le = lr->enc == LA_ENC_UTF16LE;
    size_t i = 0;

    la_buf_reset(&lr->conv);
    while (i < n || lr->ncarry >= 2) {
        /* Assemble up to 4 bytes from the carry and the input. */
        size_t have = lr->ncarry;
        memcpy(tmp, lr->carry, have);
        while (have < 4 && i < n)
            tmp[have++] = p[i++];
        if (have < 2) {
            memcpy(lr->carry, tmp, have);
            lr->ncarry = have;
            break;
        }
        uint32_t u = le ? (uint32_t)(tmp[0] | tmp[1] << 8) : (uint32_t)(tmp[0] << 8 | tmp[1]);
        size_t used = 2;
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (have < 4) {
                if (i < n || !lr->eof) {
                    /* Need more input for the pair. */
                    memcpy(lr->carry, tmp, have < 3 ? have : 3);
                    lr->ncarry = have < 3 ? have : 3;
                    if (have == 3 && i < n)
                        continue;
                    break;
                }
                u = 0xFFFD;
            } else {
                uint32_t lo = le ? (uint32_t)(tmp[2] | tmp[3] << 8)
                                 : (uint32_t)(tmp[2] << 8 | tmp[3]);
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                    used = 4;
                } else {
                    u = 0xFFFD;
                }
            }
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            u = 0xFFFD;
        }
        if (la_utf8_put(&lr->conv, u) != LA_OK)
            return LA_FATAL;
        /* Return the unused assembled bytes to the carry. */
        lr->ncarry = have - used;
        memcpy(lr->carry, tmp + used, lr->ncarry);
    }
    return LA_OK;
}

/*
 * Next block of input.  The first call gathers at least 512 bytes (or all
 * there is) so that encoding detection sees enough of the text even when
 * the source hands out tiny blocks.
 */
static enum la_rc refill(struct la_linereader *lr)
{
    const void *b;
    size_t n;
    enum la_rc rc;

    if (!lr->started) {
        struct la_buf *h = &lr->conv;
        lr->started = 1;
        la_buf_reset(&lr->head);
        while (lr->head.len < 512) {
            rc = lr->fn(lr->ctx, &b, &n);
            if (rc == LA_EOF) {
                lr->eof = 1;
                break;
            }
            if (rc != LA_OK) {
                if (!lr->head.len)
                    return rc;
                lr->err_pending = rc;
                break;
            }
            if (la_buf_add(&lr->head, b, n) != LA_OK)
                return LA_FATAL;
        }
        (void)h;
        if (!lr->head.len)
            return LA_EOF;
        size_t bom;
        lr->enc = la_detect_encoding((const unsigned char *)lr->head.buf, lr->head.len, &bom);
        b = lr->head.buf + bom;
        n = lr->head.len - bom;
    } else {
        if (lr->eof)
            return LA_EOF;
        if (lr->err_pending)
            return lr->err_pending;
        for (;;) {
            rc = lr->fn(lr->ctx, &b, &n);
            if (rc == LA_EOF) {
                lr->eof = 1;
                if (lr->enc != LA_ENC_UTF8 && lr->ncarry) {
                    /* A dangling half code unit or pair: flush as U+FFFD. */
                    lr->ncarry = 0;
                    la_buf_reset(&lr->conv);
                    if (la_buf_adds(&lr->conv, "\xef\xbf\xbd") != LA_OK)
                        return LA_FATAL;
                    lr->blk = (const unsigned char *)lr->conv.buf;
                    lr->blen = lr->conv.len;
                    lr->bpos = 0;
                    return LA_OK;
                }
                return LA_EOF;
            }
            if (rc != LA_OK)
                return rc;
            if (n)
                break;
        }
    }
    if (lr->enc != LA_ENC_UTF8) {
        rc = convert16(lr, b, n);
        if (rc != LA_OK)
            return rc;
        lr->blk = (const unsigned char *)lr->conv.buf;
        lr->blen = lr->conv.len;
    } else {
        lr->blk = b;
        lr->blen = n;
    }
    lr->bpos = 0;
    return LA_OK;
}

/* Hand out the line s[0..len) (its '\n' dropped), and its CR if it ends CRLF. */
static enum la_rc emit_view(struct la_linereader *lr, const char *s, size_t len,
                            struct la_sv *ret_line, uint64_t *ret_lineno)
{
    if (len && s[len - 1] == '\r')
        len--;
    lr->lineno++;
    *ret_line = la_sv_make(s, len);
    *ret_lineno = lr->lineno;
    lr->in_trunc = 0;
    return LA_OK;
}

static enum la_rc emit(struct la_linereader *lr, struct la_sv *ret_line, uint64_t *ret_lineno)
{
    size_t len = lr->line.len;

    if (len && lr->line.buf[len - 1] == '\r')
        len--;
    lr->lineno++;
    *ret_line = la_sv_make(lr->line.buf, len);
    *ret_lineno = lr->lineno;
    lr->in_trunc = 0;
    return LA_OK;
}

enum la_rc la_linereader_next(struct la_linereader *lr, struct la_sv *ret_line,
                              uint64_t *ret_lineno)
{
    la_buf_reset(&lr->line);
    if (lr->err)
        return lr->err_rc;
    for (;;) {
        if (lr->bpos >= lr->blen) {
            enum la_rc rc = refill(lr);
            if (rc == LA_EOF) {
                if (lr->line.len || lr->in_trunc)
                    return emit(lr, ret_line, ret_lineno);
                return LA_EOF;
            }
            if (rc != LA_OK) {
                lr->err = 1;
                lr->err_rc = rc;
                if (lr->line.len)
                    return emit(lr, ret_line, ret_lineno);
                return rc;
            }
            continue;
        }
        const unsigned char *s = lr->blk + lr->bpos;
        size_t avail = lr->blen - lr->bpos;
        const unsigned char *nl = memchr(s, '\n', avail);
        size_t take = nl ? (size_t)(nl - s) : avail;

        /* A whole line inside the block (most lines): a view into it, no copy.  The block
         * stays valid until the next call, which is as long as a line must. */
        if (nl && !lr->line.len && !lr->in_trunc && take <= lr->max_line) {
            lr->bpos += take + 1;
            return emit_view(lr, (const char *)s, take, ret_line, ret_lineno);
        }
        if (!lr->in_trunc) {
            size_t room = lr->max_line - lr->line.len;
            size_t add = take < room ? take : room;
            if (la_buf_add(&lr->line, s, add) != LA_OK)
                return LA_FATAL;
            if (add < take) {
                /* Cut on a character boundary (the character may have begun in a block before). */
                la_buf_truncate(&lr->line, la_utf8_trim(lr->line.buf, lr->line.len));
                lr->in_trunc = 1;
                lr->truncated++;
            }
        }
        lr->bpos += take;
        if (nl) {
            lr->bpos++;
            return emit(lr, ret_line, ret_lineno);
        }
    }
}
