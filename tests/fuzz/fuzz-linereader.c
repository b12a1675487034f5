/*
 * Fuzz target linereader: the bounded line splitter, differentially.
 *
 * Input layout: byte 0 picks the line cap (high bit set: the default cap,
 * else 1..512 bytes so truncation is exercised), bytes 1-4 seed the block
 * sizes, byte 5 optionally makes the reader fail at an offset (low bit set:
 * LA_FAILED after (byte 5 >> 1) * 16 bytes); the rest is the stream.
 *
 * The stream is read twice through a memory reader: once as one block and
 * once in random blocks of 1..700 bytes.  Splitting must not depend on how
 * the source cuts its blocks, so both runs must give the same lines, line
 * numbers, encoding, truncation count and final return code.
 *
 * Oracles: the sanitizers; no line longer than the cap or holding a LF;
 * line numbers 1, 2, 3 …; the two runs agree; a stream read to its end that
 * is valid UTF-8, or is UTF-16, gives only valid UTF-8 lines, so a line cut
 * at the cap never ends inside a character (else abort()).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/encoding.h"
#include "core/limits.h"
#include "ingest/linereader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct mem {
    const uint8_t *p;
    size_t len, pos;
    size_t fail_at;                /* SIZE_MAX: never */
    uint32_t rng;                  /* 0: one block */
};

struct result {
    uint64_t hash, lines;
    int bad_utf8;                  /* a line was not valid UTF-8 */
    unsigned long truncated;
    enum la_encoding enc;
    enum la_rc rc;
};

static uint32_t next_rand(uint32_t *s)
{
    /* xorshift32; the seed is never 0 here. */
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static enum la_rc mem_read(void *ctx, const void **buf, size_t *len)
{
    struct mem *m = ctx;
    size_t end = m->len < m->fail_at ? m->len : m->fail_at;
    size_t n = end - m->pos;

    if (!n)
        return m->pos == m->fail_at ? LA_FAILED : LA_EOF;
    if (m->rng) {
        size_t want = 1 + next_rand(&m->rng) % 700;
        if (want < n)
            n = want;
    }
    *buf = m->p + m->pos;
    *len = n;
    m->pos += n;
    return LA_OK;
}

static void hash_add(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *s = p;

    for (size_t i = 0; i < n; i++) {
        *h ^= s[i];
        *h *= 1099511628211ull;
    }
}

static int run(struct mem *m, unsigned cap, struct result *res)
{
    struct la_linereader *lr = la_linereader_new(mem_read, m, cap);
    unsigned eff = cap ? cap : LA_DEFAULT_MAX_LINE;
    struct la_sv line;
    uint64_t lineno;

    if (!lr)
        return -1;
    memset(res, 0, sizeof(*res));
    res->hash = 14695981039346656037ull;
    for (;;) {
        enum la_rc rc = la_linereader_next(lr, &line, &lineno);
        if (rc != LA_OK) {
            res->rc = rc;
            break;
        }
        if (line.len > eff || (line.len && memchr(line.p, '\n', line.len)))
            abort();
        if (lineno != res->lines + 1)
            abort();
        res->lines = lineno;
        res->bad_utf8 |= !la_utf8_valid(line.p, line.len);
        hash_add(&res->hash, &line.len, sizeof(line.len));
        hash_add(&res->hash, line.p, line.len);
    }
    res->truncated = la_linereader_truncated(lr);
    res->enc = la_linereader_encoding(lr);
    la_linereader_free(lr);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mem one, many;
    struct result a, b;
    unsigned cap;
    uint32_t seed;

    if (size < 6 || size > (1u << 20))
        return 0;
    cap = data[0] & 0x80 ? 0 : 1 + (data[0] & 0x7fu) * 4;
    seed = (uint32_t)data[1] | (uint32_t)data[2] << 8 | (uint32_t)data[3] << 16 |
           (uint32_t)data[4] << 24;
    memset(&one, 0, sizeof(one));
    one.p = data + 6;
    one.len = size - 6;
    one.fail_at = data[5] & 1 ? (size_t)(data[5] >> 1) * 16 : SIZE_MAX;
    many = one;
    many.rng = seed ? seed : 0x9e3779b9u;
    if (run(&one, cap, &a) < 0 || run(&many, cap, &b) < 0)
        return 0;
    if (a.hash != b.hash || a.lines != b.lines || a.truncated != b.truncated || a.enc != b.enc ||
        a.rc != b.rc)
        abort();
    if (a.rc == LA_EOF && a.bad_utf8 &&
        (a.enc != LA_ENC_UTF8 || la_utf8_valid((const char *)one.p, one.len)))
        abort();
    return 0;
}
