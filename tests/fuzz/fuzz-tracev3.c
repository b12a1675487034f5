/*
 * Fuzz target tracev3: the unified log reader (src/tracev3/) with its strings files.
 *
 * Input: byte 0 picks the mode, byte 1 the piece size the tracev3 is fed in (1..256, or
 * whole when 0), bytes 2-3 (little-endian) the length L of a strings blob that follows;
 * the rest is the .tracev3.  The blob is handed out by the store's loader for every UUID
 * asked (as uuidtext or dsc, so any format reference reaches those parsers) and, in mode
 * bit 0, added as a timesync file; mode bit 1 adds it as a uuidtext and a dsc file up front
 * (la_tv3_strings_add's checks).
 *
 * Oracles: the sanitizers; every entry's views are in bounds and its message within the
 * cap; the stats count the entries handed out; a damaged member is LA_FAILED, never more.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "tracev3/tracev3.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct blob {
    const uint8_t *p;
    size_t len;
};

static enum la_rc load(void *user, enum la_tv3_kind kind, const uint8_t uuid[16], void **out,
                       size_t *len)
{
    const struct blob *b = user;

    (void)kind;
    if (!b->len || uuid[0] == 0xee)
        return LA_EOF;
    *out = la_memdup(b->p, b->len);
    if (!*out)
        return LA_FATAL;
    *len = b->len;
    return LA_OK;
}

static void touch(struct la_sv s)
{
    volatile unsigned char sink = 0;

    if (s.len && !s.p)
        abort();
    for (size_t i = 0; i < s.len; i++)
        sink ^= (unsigned char)s.p[i];
    (void)sink;
}

static enum la_rc on_entry(void *user, const struct la_tv3_entry *e)
{
    uint64_t *n = user;

    touch(e->process);
    touch(e->subsystem);
    touch(e->category);
    touch(e->message);
    if (e->message.len > LA_TV3_MAX_MESSAGE || !e->level || !e->kind)
        abort();
    (*n)++;
    return LA_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4 || size > (1u << 20))
        return 0;
    unsigned mode = data[0], step = data[1];
    size_t bl = (size_t)(data[2] | data[3] << 8);
    if (bl > size - 4)
        bl = size - 4;
    struct blob b = { data + 4, bl };
    const uint8_t *t = data + 4 + bl;
    size_t tl = size - 4 - bl;
    const char *err = NULL;
    uint64_t n = 0;
    static const uint8_t id[16] = { 1 };

    struct la_tv3_strings *s = la_tv3_strings_new(load, &b);
    if (!s)
        return 0;
    enum la_rc arc = LA_OK;
    if (mode & 1)
        arc = la_tv3_strings_add_timesync(s, b.p, b.len, &err);
    if ((mode & 2) && arc != LA_FATAL)
        arc = la_tv3_strings_add(s, LA_TV3_UUIDTEXT, id, b.p, b.len, &err);
    if ((mode & 2) && arc != LA_FATAL)
        arc = la_tv3_strings_add(s, LA_TV3_DSC, id, b.p, b.len, &err);
    if (arc == LA_FATAL) {
        la_tv3_strings_free(s);
        return 0;
    }
    struct la_tv3_reader *r = la_tv3_reader_new(s, on_entry, &n);
    enum la_rc rc = r ? LA_OK : LA_FATAL;
    size_t piece = step ? step : (tl ? tl : 1);
    for (size_t off = 0; off < tl && rc == LA_OK; off += piece)
        rc = la_tv3_reader_feed(r, t + off, tl - off < piece ? tl - off : piece);
    if (rc == LA_OK)
        rc = la_tv3_reader_finish(r);
    if (r) {
        if (rc != LA_OK && rc != LA_FAILED && rc != LA_FATAL)
            abort();
        if (la_tv3_reader_stats(r)->entries != n)
            abort();
        if (rc == LA_FAILED && !la_tv3_reader_error(r))
            abort();
    }
    la_tv3_reader_free(r);
    la_tv3_strings_free(s);
    return 0;
}
