/*
 * tracev3 strings: the uuidtext and shared-cache (dsc) files format strings are looked up
 * in, and the timesync boots wall-clock time comes from.
 *
 * Files are found by UUID in a sorted array; a miss asks the caller's loader once (a file
 * that is not there is remembered as missing).  Loaded bytes are kept until the cache holds
 * LA_TV3_CACHE_BYTES, then every loaded file is dropped and loading starts again: bounded,
 * and on a log read in time order the files still in use come back at once.
 */

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "tracev3/tracev3-internal.h"

struct tv3_file {
    uint8_t uuid[16];
    uint8_t kind;
    uint8_t added;       /* given by la_tv3_strings_add(): never dropped */
    uint8_t *data;       /* NULL: missing or dropped (loaded says which) */
    size_t len;
    int loaded;          /* 1: tried the loader (data NULL: not there or bad) */
};

struct tv3_sync {
    uint64_t kernel;     /* continuous time */
    int64_t wall;        /* ns */
    int32_t tz;
};

struct tv3_boot {
    uint8_t uuid[16];
    uint32_t numer, denom;
    int64_t wall;
    int32_t tz;
    struct tv3_sync *syncs;
    size_t nsyncs, cap;
};

struct la_tv3_strings {
    la_tv3_load_fn *loader;
    void *user;
    /* Mutable cache behind a const store: the reader is single-threaded per store. */
    struct tv3_file *files;
    size_t nfiles, cap;
    size_t cached;
    size_t added;        /* bytes given by la_tv3_strings_add(), capped too */
    uint64_t missing;
    struct tv3_boot *boots;
    size_t nboots, bcap, nsyncs;
};

struct la_tv3_strings *la_tv3_strings_new(la_tv3_load_fn *loader, void *user)
{
    struct la_tv3_strings *s = la_calloc(1, sizeof *s);

    if (s) {
        s->loader = loader;
        s->user = user;
    }
    return s;
}

void la_tv3_strings_free(struct la_tv3_strings *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nfiles; i++)
        la_free(s->files[i].data);
    for (size_t i = 0; i < s->nboots; i++)
        la_free(s->boots[i].syncs);
    la_free(s->files);
    la_free(s->boots);
    la_free(s);
}

uint64_t la_tv3_strings_missing(const struct la_tv3_strings *s)
{
    return s ? s->missing : 0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int la_tv3_uuid_from_path(const char *dir_name, const char *file_name, uint8_t uuid[16])
{
    char hex[33];
    size_t dl = dir_name ? strlen(dir_name) : 0, fl = strlen(file_name);

    if (fl == 32)
        memcpy(hex, file_name, 32);
    else if (dl == 2 && fl == 30) {
        memcpy(hex, dir_name, 2);
        memcpy(hex + 2, file_name, 30);
    } else
        return 0;
    for (int i = 0; i < 16; i++) {
        int hi = hexval((unsigned char)hex[2 * i]), lo = hexval((unsigned char)hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return 0;
        uuid[i] = (uint8_t)(hi << 4 | lo);
    }
    return 1;
}

/* Index of (kind, uuid), or where it would go (*found 0). */
static size_t find_file(const struct la_tv3_strings *s, int kind, const uint8_t uuid[16],
                        int *found)
{
    size_t lo = 0, hi = s->nfiles;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct tv3_file *f = &s->files[mid];
        int c = f->kind != kind ? (f->kind < kind ? -1 : 1) : memcmp(f->uuid, uuid, 16);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = 0;
    return lo;
}

static int uuidtext_ok(const uint8_t *d, size_t n)
{
    if (n < 16 || tv3_u32(d) != 0x66778899u)
        return 0;
    uint64_t cnt = tv3_u32(d + 12), total = 16 + cnt * 8;
    if (total > n)
        return 0;
    for (uint64_t i = 0; i < cnt; i++)
        total += tv3_u32(d + 16 + i * 8 + 4);
    return total <= n;
}

static int dsc_ok(const uint8_t *d, size_t n)
{
    if (n < 16 || memcmp(d, "hcsd", 4) != 0)
        return 0;
    unsigned major = tv3_u16(d + 4);
    uint64_t rs = major == 1 ? 16 : major == 2 ? 24 : 0, us = major == 1 ? 28 : 32;
    if (!rs)
        return 0;
    return 16 + tv3_u32(d + 8) * rs + tv3_u32(d + 12) * us <= n;
}

static const char *check(enum la_tv3_kind kind, const void *data, size_t len)
{
    if (len > LA_TV3_MAX_FILE)
        return "larger than the cap on a strings file";
    if (kind == LA_TV3_UUIDTEXT && !uuidtext_ok(data, len))
        return "not a uuidtext file (bad signature or entry sizes)";
    if (kind == LA_TV3_DSC && !dsc_ok(data, len))
        return "not a shared-cache strings (dsc) file (bad signature, version or counts)";
    return NULL;
}

/* Drop every loaded (not added) file's bytes: the cache is full. */
static void drop_cache(struct la_tv3_strings *s)
{
    size_t w = 0;

    for (size_t i = 0; i < s->nfiles; i++) {
        struct tv3_file *f = &s->files[i];
        if (f->added || !f->data) {
            if (!f->added && f->loaded)
                continue;   /* a missing file is looked for again after a drop */
            s->files[w++] = *f;
            continue;
        }
        la_free(f->data);
    }
    s->nfiles = w;
    s->cached = 0;
}

static enum la_rc insert(struct la_tv3_strings *s, enum la_tv3_kind kind, const uint8_t uuid[16],
                         uint8_t *data, size_t len, int added, size_t *ret)
{
    int found;
    size_t at = find_file(s, (int)kind, uuid, &found);

    if (found) {
        la_free(s->files[at].data);
    } else {
        if (LA_GROW(s->files, s->cap, s->nfiles + 1) != LA_OK)
            return LA_FATAL;
        memmove(&s->files[at + 1], &s->files[at], (s->nfiles - at) * sizeof *s->files);
        s->nfiles++;
    }
    struct tv3_file *f = &s->files[at];
    memcpy(f->uuid, uuid, 16);
    f->kind = (uint8_t)kind;
    f->added = (uint8_t)added;
    f->data = data;
    f->len = len;
    f->loaded = 1;
    *ret = at;
    return LA_OK;
}

enum la_rc la_tv3_strings_add(struct la_tv3_strings *s, enum la_tv3_kind kind,
                              const uint8_t uuid[16], const void *data, size_t len,
                              const char **err)
{
    const char *why = check(kind, data, len);
    size_t at;

    if (!why && s->added + len > LA_TV3_CACHE_BYTES)
        why = "the strings files given pass the cap on their bytes";
    if (why) {
        if (err)
            *err = why;
        return LA_FAILED;
    }
    uint8_t *copy = la_memdup(data, len ? len : 1);
    if (!copy)
        return LA_FATAL;
    if (insert(s, kind, uuid, copy, len, 1, &at) != LA_OK) {
        la_free(copy);
        return LA_FATAL;
    }
    s->added += len;
    return LA_OK;
}

/* The bytes of a file, loading it when needed; NULL when not there or not valid. */
static const struct tv3_file *get_file(const struct la_tv3_strings *cs, enum la_tv3_kind kind,
                                       const uint8_t uuid[16])
{
    struct la_tv3_strings *s = (struct la_tv3_strings *)cs;
    int found;
    size_t at;

    if (!s)
        return NULL;
    at = find_file(s, (int)kind, uuid, &found);
    if (found)
        return s->files[at].data ? &s->files[at] : NULL;
    void *data = NULL;
    size_t len = 0;
    enum la_rc rc = s->loader ? s->loader(s->user, kind, uuid, &data, &len) : LA_EOF;
    if (rc == LA_OK && check(kind, data, len)) {
        la_free(data);
        data = NULL;
        rc = LA_FAILED;
    }
    if (rc != LA_OK)
        s->missing++;
    if (rc == LA_OK && s->cached + len > LA_TV3_CACHE_BYTES)
        drop_cache(s);
    if (insert(s, kind, uuid, rc == LA_OK ? data : NULL, rc == LA_OK ? len : 0, 0, &at)
        != LA_OK) {
        la_free(data);
        return NULL;
    }
    if (rc != LA_OK)
        return NULL;
    s->cached += len;
    return &s->files[at];
}

/* A NUL-terminated string at d[off..n): its length, or the rest when no NUL. */
static const char *str_at(const uint8_t *d, size_t n, uint64_t off, size_t *len)
{
    if (off >= n)
        return NULL;
    const uint8_t *z = memchr(d + off, 0, n - off);
    *len = z ? (size_t)(z - (d + off)) : n - off;
    return (const char *)d + off;
}

const char *tv3_uuidtext_format(const struct la_tv3_strings *s, const uint8_t uuid[16],
                                uint64_t offset, size_t *len)
{
    const struct tv3_file *f = get_file(s, LA_TV3_UUIDTEXT, uuid);

    if (!f)
        return NULL;
    uint32_t cnt = tv3_u32(f->data + 12);
    uint64_t data_off = 16 + (uint64_t)cnt * 8;
    for (uint32_t i = 0; i < cnt; i++) {
        uint64_t start = tv3_u32(f->data + 16 + i * 8), size = tv3_u32(f->data + 20 + i * 8);
        if (offset >= start && offset < start + size)
            return str_at(f->data, data_off + size, data_off + (offset - start), len);
        data_off += size;
    }
    return NULL;
}

const char *tv3_uuidtext_path(const struct la_tv3_strings *s, const uint8_t uuid[16],
                              size_t *len)
{
    const struct tv3_file *f = get_file(s, LA_TV3_UUIDTEXT, uuid);

    if (!f)
        return NULL;
    uint32_t cnt = tv3_u32(f->data + 12);
    uint64_t off = 16 + (uint64_t)cnt * 8;
    for (uint32_t i = 0; i < cnt; i++)
        off += tv3_u32(f->data + 20 + i * 8);
    return str_at(f->data, f->len, off, len);
}

const char *tv3_dsc_format(const struct la_tv3_strings *s, const uint8_t uuid[16],
                           uint64_t offset, size_t *len)
{
    const struct tv3_file *f = get_file(s, LA_TV3_DSC, uuid);

    if (!f)
        return NULL;
    int v2 = tv3_u16(f->data + 4) == 2;
    uint32_t nr = tv3_u32(f->data + 8);
    for (uint32_t i = 0; i < nr; i++) {
        const uint8_t *r = f->data + 16 + (size_t)i * (v2 ? 24 : 16);
        uint64_t roff = v2 ? tv3_u64(r) : tv3_u32(r + 4);
        uint64_t doff = tv3_u32(r + 8), size = tv3_u32(r + 12);
        if (offset >= roff && offset < roff + size) {
            /* A cut file still gives the strings it holds. */
            uint64_t end = doff + size < f->len ? doff + size : f->len;
            return str_at(f->data, end, doff + (offset - roff), len);
        }
    }
    return NULL;
}

/* ------------------------------------------------------------ timesync */

enum la_rc la_tv3_strings_add_timesync(struct la_tv3_strings *s, const void *data, size_t len,
                                       const char **err)
{
    const uint8_t *d = data;
    struct tv3_boot *b = NULL;
    size_t off = 0;

    while (off + 4 <= len) {
        unsigned sig = tv3_u16(d + off), size = tv3_u16(d + off + 2);
        if (sig == 0xbbb0 && size == 48 && off + 48 <= len) {
            if (s->nboots >= LA_TV3_MAX_BOOTS) {
                *err = "more boots than the cap";
                return LA_FAILED;
            }
            if (LA_GROW(s->boots, s->bcap, s->nboots + 1) != LA_OK)
                return LA_FATAL;
            b = &s->boots[s->nboots++];
            memcpy(b->uuid, d + off + 8, 16);
            b->numer = tv3_u32(d + off + 24);
            b->denom = tv3_u32(d + off + 28);
            b->wall = (int64_t)tv3_u64(d + off + 32);
            b->tz = (int32_t)tv3_u32(d + off + 40);
            if (!b->denom)
                b->denom = b->numer = 1;
        } else if (sig == 0x7354 && size == 32 && off + 32 <= len && b) {
            if (s->nsyncs >= LA_TV3_MAX_SYNCS) {
                *err = "more sync records than the cap";
                return LA_FAILED;
            }
            if (LA_GROW(b->syncs, b->cap, b->nsyncs + 1) != LA_OK)
                return LA_FATAL;
            struct tv3_sync *y = &b->syncs[b->nsyncs++];
            y->kernel = tv3_u64(d + off + 8);
            y->wall = (int64_t)tv3_u64(d + off + 16);
            y->tz = (int32_t)tv3_u32(d + off + 24);
            s->nsyncs++;
        } else {
            *err = "not a timesync record (bad signature or size)";
            return LA_FAILED;
        }
        off += size;
    }
    return LA_OK;
}

/* ns of ct continuous-time units at numer/denom, without overflow for any sane ct. */
static uint64_t ticks_ns(uint64_t ct, uint32_t numer, uint32_t denom)
{
    return (ct / denom) * numer + (ct % denom) * numer / denom;
}

int tv3_timesync_wall(const struct la_tv3_strings *s, const uint8_t boot[16], uint64_t ct,
                      int64_t *ns, int *tz_minutes)
{
    if (!s)
        return 0;
    for (size_t i = 0; i < s->nboots; i++) {
        const struct tv3_boot *b = &s->boots[i];
        if (memcmp(b->uuid, boot, 16) != 0)
            continue;
        /* The last sync record at or before ct (records are in time order). */
        size_t lo = 0, hi = b->nsyncs;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (b->syncs[mid].kernel <= ct)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == 0) {
            *ns = (int64_t)((uint64_t)b->wall + ticks_ns(ct, b->numer, b->denom));
            *tz_minutes = b->tz > -1440 && b->tz < 1440 ? -b->tz : 0;
        } else {
            const struct tv3_sync *y = &b->syncs[lo - 1];
            *ns = (int64_t)((uint64_t)y->wall + ticks_ns(ct - y->kernel, b->numer, b->denom));
            *tz_minutes = y->tz > -1440 && y->tz < 1440 ? -y->tz : 0;
        }
        return 1;
    }
    return 0;
}
