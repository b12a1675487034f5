/*
 * tracev3 reader: chunk framing, the header, catalogs and chunksets (LZ4 through liblz4,
 * LZBITMAP through lzbitmap.c).
 *
 * Bytes are pushed in (la_tv3_reader_feed()); each top-level chunk is gathered whole (at most
 * LA_TV3_MAX_CHUNK bytes), handled, and dropped.  A catalog replaces the one before it; a
 * chunkset is decompressed (at most LA_TV3_MAX_CHUNKSET bytes) and its chunks handed to
 * firehose.c.  Damage inside a chunkset loses that chunkset; damaged framing ends the member.
 */

#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "tracev3/lzbitmap.h"
#include "tracev3/tracev3-internal.h"
#include "tracev3/reader-internal.h"

int la_tv3_sniff(const void *head, size_t len)
{
    const uint8_t *h = head;

    return len >= 16 && tv3_u32(h) == 0x1000 && tv3_u64(h + 8) >= 48 && tv3_u64(h + 8) < 4096;
}

struct la_tv3_reader *la_tv3_reader_new(const struct la_tv3_strings *strings,
                                        la_tv3_entry_fn *fn, void *user)
{
    struct la_tv3_reader *r = la_calloc(1, sizeof *r);

    if (!r)
        return NULL;
    r->strings = strings;
    r->fn = fn;
    r->user = user;
    la_buf_init(&r->chunk, LA_TV3_MAX_CHUNK + 16);
    la_buf_init(&r->msg, LA_TV3_MAX_MESSAGE);
    la_buf_init(&r->fmt, LA_TV3_MAX_MESSAGE);
    r->numer = r->denom = 1;
    return r;
}

static void catalog_clear(struct tv3_catalog *c)
{
    for (size_t i = 0; i < c->nprocs; i++) {
        la_free(c->procs[i].uuids);
        la_free(c->procs[i].subs);
    }
    la_free(c->procs);
    la_free(c->raw);
    memset(c, 0, sizeof *c);
}

void la_tv3_reader_free(struct la_tv3_reader *r)
{
    if (!r)
        return;
    catalog_clear(&r->cat);
    tv3_names_clear(r);
    tv3_oversize_clear(r);
    la_free(r->out);
    la_buf_release(&r->chunk);
    la_buf_release(&r->msg);
    la_buf_release(&r->fmt);
    la_free(r);
}

const char *la_tv3_reader_error(const struct la_tv3_reader *r)
{
    return r->error[0] ? r->error : NULL;
}

const char *la_tv3_reader_unsupported(const struct la_tv3_reader *r)
{
    return r->unsupported[0] ? r->unsupported : NULL;
}

const struct la_tv3_stats *la_tv3_reader_stats(const struct la_tv3_reader *r)
{
    return &r->st;
}

void tv3_note(struct la_tv3_reader *r, const char *fmt, ...)
{
    va_list ap;

    if (r->error[0])
        return;
    va_start(ap, fmt);
    vsnprintf(r->error, sizeof r->error, fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------ header */

static void copy_str(char *dst, size_t cap, const uint8_t *src, size_t n)
{
    size_t k = 0;

    while (k < n && k + 1 < cap && src[k]) {
        dst[k] = (char)(src[k] >= 0x20 && src[k] < 0x7f ? src[k] : '?');
        k++;
    }
    dst[k] = '\0';
}

static enum la_rc header(struct la_tv3_reader *r, const uint8_t *d, size_t n)
{
    if (n < 40) {
        tv3_note(r, "header chunk of %zu bytes, too short", n);
        return LA_FAILED;
    }
    r->numer = tv3_u32(d);
    r->denom = tv3_u32(d + 4);
    if (!r->numer || !r->denom)
        r->numer = r->denom = 1;
    r->start_ct = tv3_u64(d + 8);
    r->start_wall = (int64_t)(int32_t)tv3_u32(d + 16) * 1000000000;
    int32_t tz = (int32_t)tv3_u32(d + 28);
    r->tz = tz > -1440 && tz < 1440 ? -tz : 0;   /* a day at most: else damaged */
    /* Sub chunks: continuous time, system information, generation (boot), time zone. */
    size_t off = 40;
    while (off + 8 <= n) {
        uint32_t tag = tv3_u32(d + off), size = tv3_u32(d + off + 4);
        const uint8_t *p = d + off + 8;
        if (size > n - off - 8)
            break;
        if (tag == 0x6100 && size >= 8)
            r->start_ct = tv3_u64(p);
        else if (tag == 0x6101 && size >= 56) {
            copy_str(r->st.build, sizeof r->st.build, p + 8, 16);
            copy_str(r->st.model, sizeof r->st.model, p + 24, 32);
        } else if (tag == 0x6102 && size >= 16) {
            memcpy(r->boot, p, 16);
            r->have_boot = 1;
        }
        off += 8 + size;
    }
    r->have_header = 1;
    return LA_OK;
}

/* Wall-clock ns and the zone of continuous time ct. */
void tv3_wall(const struct la_tv3_reader *r, uint64_t ct, int64_t *ns, int *tz)
{
    if (r->have_boot && tv3_timesync_wall(r->strings, r->boot, ct, ns, tz))
        return;
    /* Unsigned: damaged times wrap instead of overflowing; emit() clamps the result. */
    uint64_t a = ct >= r->start_ct ? ct - r->start_ct : r->start_ct - ct;
    uint64_t v = (a / r->denom) * r->numer + (a % r->denom) * r->numer / r->denom;
    uint64_t w = (uint64_t)r->start_wall;
    *ns = (int64_t)(ct >= r->start_ct ? w + v : w - v);
    *tz = r->tz;
}

/* ------------------------------------------------------------ catalog */

static enum la_rc catalog_proc(struct tv3_catalog *c, struct tv3_cur *cur, struct tv3_proc *p)
{
    const uint8_t *start = cur->p;

    tv3_get(cur, 4);
    p->main_uuid = (uint16_t)tv3_get(cur, 2);
    p->dsc_uuid = (uint16_t)tv3_get(cur, 2);
    p->id1 = tv3_get(cur, 8);
    p->id2 = (uint32_t)tv3_get(cur, 4);
    p->pid = (uint32_t)tv3_get(cur, 4);
    tv3_get(cur, 8);
    uint32_t nu = (uint32_t)tv3_get(cur, 4);
    tv3_get(cur, 4);
    if (cur->bad || nu > cur->n / 16)
        return LA_FAILED;
    p->uuids = nu ? la_calloc(nu, sizeof *p->uuids) : NULL;
    if (nu && !p->uuids)
        return LA_FATAL;
    p->nuuids = nu;
    for (uint32_t i = 0; i < nu; i++) {
        p->uuids[i].size = (uint32_t)tv3_get(cur, 4);
        tv3_get(cur, 4);
        p->uuids[i].uuid = (uint16_t)tv3_get(cur, 2);
        p->uuids[i].load = tv3_get(cur, 4);
        p->uuids[i].load |= tv3_get(cur, 2) << 32;
    }
    uint32_t ns = (uint32_t)tv3_get(cur, 4);
    tv3_get(cur, 4);
    if (cur->bad || ns > cur->n / 6)
        return LA_FAILED;
    p->subs = ns ? la_calloc(ns, sizeof *p->subs) : NULL;
    if (ns && !p->subs)
        return LA_FATAL;
    p->nsubs = ns;
    for (uint32_t i = 0; i < ns; i++) {
        p->subs[i].id = (uint16_t)tv3_get(cur, 2);
        p->subs[i].subsystem = (uint16_t)tv3_get(cur, 2);
        p->subs[i].category = (uint16_t)tv3_get(cur, 2);
    }
    size_t used = (size_t)(cur->p - start), pad = (8 - used % 8) % 8;
    if (pad > cur->n)
        pad = cur->n;
    tv3_take(cur, pad);
    (void)c;
    return cur->bad ? LA_FAILED : LA_OK;
}

static enum la_rc catalog(struct la_tv3_reader *r, const uint8_t *d, size_t n)
{
    struct tv3_catalog *c = &r->cat;

    catalog_clear(c);
    tv3_names_clear(r);
    if (n < 24) {
        tv3_note(r, "catalog chunk of %zu bytes, too short", n);
        return LA_FAILED;
    }
    c->raw = la_memdup(d, n);
    if (!c->raw)
        return LA_FATAL;
    d = c->raw;
    size_t strings_off = tv3_u16(d), procs_off = tv3_u16(d + 2), nprocs = tv3_u16(d + 4);
    size_t subs_off = tv3_u16(d + 6);
    if (strings_off % 16 || procs_off < strings_off || subs_off < procs_off ||
        24 + subs_off > n) {
        tv3_note(r, "catalog offsets out of order or past its end");
        catalog_clear(c);
        return LA_FAILED;
    }
    c->uuids = (const uint8_t(*)[16])(d + 24);
    c->nuuids = strings_off / 16;
    c->strings = (const char *)d + 24 + strings_off;
    c->strings_len = procs_off - strings_off;
    c->procs = nprocs ? la_calloc(nprocs, sizeof *c->procs) : NULL;
    if (nprocs && !c->procs)
        return LA_FATAL;
    struct tv3_cur cur = { d + 24 + procs_off, subs_off - procs_off, 0 };
    for (size_t i = 0; i < nprocs; i++) {
        enum la_rc rc = catalog_proc(c, &cur, &c->procs[i]);
        c->nprocs = i + 1;
        if (rc == LA_FATAL)
            return LA_FATAL;
        if (rc != LA_OK) {
            tv3_note(r, "catalog process entry %zu runs past the catalog's end", i);
            catalog_clear(c);
            return LA_FAILED;
        }
    }
    r->st.catalogs++;
    return LA_OK;
}

/* ------------------------------------------------------------ chunksets */

/* Room for need bytes in r->out (need <= LA_TV3_MAX_CHUNKSET). */
static enum la_rc out_reserve(struct la_tv3_reader *r, size_t need)
{
    if (need <= r->out_cap)
        return LA_OK;
    size_t cap = r->out_cap ? r->out_cap : 65536;
    while (cap < need)
        cap *= 2;
    if (cap > LA_TV3_MAX_CHUNKSET)
        cap = LA_TV3_MAX_CHUNKSET;
    uint8_t *p = la_realloc(r->out, cap);
    if (!p)
        return LA_FATAL;
    r->out = p;
    r->out_cap = cap;
    return LA_OK;
}

/*
 * A chunkset that is one LZBITMAP stream (iOS/macOS 27) into r->out[0..*len).  What follows
 * the stream's end marker is not read.  LA_WARN when its flags are of a kind not known.
 */
static enum la_rc lzbitmap(struct la_tv3_reader *r, const uint8_t *d, size_t n, size_t *len)
{
    size_t out = 0, in = 0;
    const char *why = NULL;

    if (!la_lzbm_supported(d, n)) {
        if (!r->unsupported[0])
            snprintf(r->unsupported, sizeof r->unsupported,
                     "unsupported compression (LZBITMAP, flags 0x%02x)", d[3]);
        return LA_WARN;
    }
    enum la_rc rc = la_lzbm_size(d, n, LA_TV3_MAX_CHUNKSET, &out, &in, &why);
    if (rc == LA_OK)
        rc = out_reserve(r, out ? out : 1);
    if (rc == LA_OK)
        rc = la_lzbm_decode(d, in, r->out, out, &why);
    if (rc == LA_FAILED)
        tv3_note(r, "chunkset: %s", why);
    *len = out;
    return rc;
}

/*
 * Decompress a chunkset's bv41/bv4-/bv4$ blocks, or its LZBITMAP stream, into r->out[0..*len).
 * LA_WARN when it opens with a marker of no compression known.
 */
static enum la_rc decompress(struct la_tv3_reader *r, const uint8_t *d, size_t n, size_t *len)
{
    size_t off = 0, used = 0;

    if (la_lzbm_is(d, n))
        return lzbitmap(r, d, n, len);
    if (n >= 4 && memcmp(d, "bv4", 3)) {
        if (!r->unsupported[0])
            snprintf(r->unsupported, sizeof r->unsupported,
                     "unsupported compression (chunkset marker 0x%08x)", tv3_u32(d));
        return LA_WARN;
    }
    while (off + 4 <= n) {
        if (!memcmp(d + off, "bv4$", 4)) {
            *len = used;
            return LA_OK;
        }
        int comp = !memcmp(d + off, "bv41", 4);
        if ((!comp && memcmp(d + off, "bv4-", 4)) || off + (comp ? 12 : 8) > n) {
            tv3_note(r, "chunkset block at %zu has no bv41/bv4- marker", off);
            return LA_FAILED;
        }
        uint64_t out = tv3_u32(d + off + 4);
        uint64_t in = comp ? tv3_u32(d + off + 8) : out;
        off += comp ? 12 : 8;
        if (in > n - off || out > LA_TV3_MAX_CHUNKSET - used) {
            tv3_note(r, "chunkset block sizes %llu/%llu lie or pass the cap",
                     (unsigned long long)in, (unsigned long long)out);
            return LA_FAILED;
        }
        if (!out) {            /* an empty block: nothing to decompress into */
            off += in;
            continue;
        }
        if (out_reserve(r, used + out) != LA_OK)
            return LA_FATAL;
        if (comp) {
            /* A block may refer back into the ones before it. */
            int got = LZ4_decompress_safe_usingDict((const char *)d + off, (char *)r->out + used,
                                                    (int)in, (int)out, (const char *)r->out,
                                                    (int)used);
            if (got < 0 || (uint64_t)got != out) {
                tv3_note(r, "chunkset LZ4 block does not decompress to its stated size");
                return LA_FAILED;
            }
        } else
            memcpy(r->out + used, d + off, out);
        used += out;
        off += in;
    }
    tv3_note(r, "chunkset ends without its bv4$ marker");
    return LA_FAILED;
}

static enum la_rc chunkset(struct la_tv3_reader *r, const uint8_t *d, size_t n)
{
    size_t len = 0;
    enum la_rc rc = decompress(r, d, n, &len);

    r->st.chunksets++;
    if (rc != LA_OK) {
        if (rc == LA_FAILED)
            r->st.damaged++;
        else if (rc == LA_WARN)
            r->st.unsupported++;
        return rc == LA_FATAL ? LA_FATAL : LA_OK;
    }
    r->st.decompressed += len;
    size_t off = 0;
    while (off + 16 <= len) {
        const uint8_t *c = r->out + off;
        uint32_t tag = tv3_u32(c);
        uint64_t size = tv3_u64(c + 8);
        if (size > len - off - 16) {
            tv3_note(r, "chunk in a chunkset claims %llu bytes, past the chunkset's end",
                     (unsigned long long)size);
            r->st.damaged++;
            return LA_OK;
        }
        rc = tv3_inner_chunk(r, tag, c + 16, (size_t)size);
        if (rc != LA_OK)
            return rc;
        off += 16 + (size_t)size;
        off = (off + 7) & ~(size_t)7;
    }
    return LA_OK;
}

/* ------------------------------------------------------------ framing */

static enum la_rc top_chunk(struct la_tv3_reader *r, uint32_t tag, const uint8_t *d, size_t n)
{
    r->st.chunks++;
    if (!r->have_header && tag != 0x1000) {
        tv3_note(r, "does not open with a tracev3 header chunk (tag 0x%x)", tag);
        return LA_FAILED;
    }
    switch (tag) {
    case 0x1000:
        return header(r, d, n);
    case 0x600b: {
        enum la_rc rc = catalog(r, d, n);
        if (rc == LA_FAILED) {
            r->st.damaged++;
            return LA_OK;   /* its chunksets will find no processes */
        }
        return rc;
    }
    case 0x600d:
        return chunkset(r, d, n);
    default:
        return tv3_inner_chunk(r, tag, d, n);
    }
}

enum la_rc la_tv3_reader_feed(struct la_tv3_reader *r, const void *p, size_t n)
{
    const uint8_t *s = p;

    if (r->failed)
        return LA_FAILED;
    while (n) {
        if (r->skip) {
            size_t k = n < r->skip ? n : r->skip;
            r->skip -= k;
            s += k;
            n -= k;
            continue;
        }
        size_t want = r->chunk.len < 16 ? 16 - r->chunk.len : r->need - r->chunk.len;
        size_t k = n < want ? n : want;
        if (la_buf_add(&r->chunk, s, k) != LA_OK)
            return LA_FATAL;
        s += k;
        n -= k;
        if (r->chunk.len == 16 && !r->need) {
            uint64_t size = tv3_u64((const uint8_t *)r->chunk.buf + 8);
            if (size > LA_TV3_MAX_CHUNK) {
                tv3_note(r, "chunk of %llu bytes passes the %u-byte cap",
                         (unsigned long long)size, LA_TV3_MAX_CHUNK);
                r->failed = 1;
                return LA_FAILED;
            }
            r->need = 16 + (size_t)size;
        }
        if (r->need && r->chunk.len == r->need) {
            const uint8_t *c = (const uint8_t *)r->chunk.buf;
            enum la_rc rc = top_chunk(r, tv3_u32(c), c + 16, r->need - 16);
            r->offset += r->need;
            r->skip = (8 - r->offset % 8) % 8;
            r->offset += r->skip;
            r->need = 0;
            la_buf_reset(&r->chunk);
            if (rc == LA_FAILED)
                r->failed = 1;
            if (rc != LA_OK)
                return rc;
        }
    }
    return LA_OK;
}

enum la_rc la_tv3_reader_finish(struct la_tv3_reader *r)
{
    if (r->failed)
        return LA_FAILED;
    if (r->chunk.len) {
        tv3_note(r, "ends inside a chunk (%zu of %zu bytes)", r->chunk.len,
                 r->need ? r->need : (size_t)16);
        r->failed = 1;
        return LA_FAILED;
    }
    if (!r->have_header) {
        tv3_note(r, "empty: no tracev3 header chunk");
        r->failed = 1;
        return LA_FAILED;
    }
    return LA_OK;
}
