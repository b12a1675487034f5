/*
 * Fuzz target tracev3-uuidtext: the uuidtext file parser of the unified log's strings store
 * (src/tracev3/strings.c: la_tv3_strings_add's checks, the format-string and image-path
 * lookups), apart from the tracev3 reader so that its states are reached directly.
 *
 * Input: bytes 0-3 (little-endian) an offset to look up, byte 4 the mode; the rest is the
 * file.  Mode bit 0: the file is added up front (la_tv3_strings_add); else the store's
 * loader hands it out when first asked (the cache path).  Lookups: the given offset, and
 * the first, last and one-past-last offset of each of the first 64 ranges the file claims.
 *
 * Oracles: the sanitizers; a string found lies inside the file's bytes.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "tracev3/tracev3.h"
#include "tracev3/tracev3-internal.h"

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
    (void)uuid;
    if (!b->len)
        return LA_EOF;
    *out = la_memdup(b->p, b->len);
    if (!*out)
        return LA_FATAL;
    *len = b->len;
    return LA_OK;
}

/* A view returned by a lookup must lie in a copy of the file: touch every byte. */
static void touch(const char *s, size_t len)
{
    volatile unsigned char sink = 0;

    if (len && !s)
        abort();
    for (size_t i = 0; i < len; i++)
        sink ^= (unsigned char)s[i];
    (void)sink;
}

static void look(const struct la_tv3_strings *s, const uint8_t id[16], uint64_t off, size_t max)
{
    size_t len = 0;
    const char *f = tv3_uuidtext_format(s, id, off, &len);

    if (f) {
        if (len > max)
            abort();
        touch(f, len);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t id[16] = { 0x7e, 0xf5 };

    if (size < 5 || size > (1u << 20))
        return 0;
    uint64_t off = (uint64_t)data[0] | (uint64_t)data[1] << 8 | (uint64_t)data[2] << 16 |
                   (uint64_t)data[3] << 24;
    unsigned mode = data[4];
    struct blob b = { data + 5, size - 5 };
    const char *err = NULL;

    struct la_tv3_strings *s = la_tv3_strings_new(load, &b);
    if (!s)
        return 0;
    if (mode & 1) {
        enum la_rc rc = la_tv3_strings_add(s, LA_TV3_UUIDTEXT, id, b.p, b.len, &err);
        if (rc == LA_FAILED && !err)
            abort();
        if (rc == LA_FATAL) {
            la_tv3_strings_free(s);
            return 0;
        }
    }
    look(s, id, off, b.len);
    size_t len = 0;
    const char *path = tv3_uuidtext_path(s, id, &len);
    if (path) {
        if (len > b.len)
            abort();
        touch(path, len);
    }
    /* The ranges the file claims (when it is long enough to say). */
    if (b.len >= 16) {
        uint32_t cnt = tv3_u32(b.p + 12);
        for (uint32_t i = 0; i < cnt && i < 64 && 16 + (size_t)i * 8 + 8 <= b.len; i++) {
            uint64_t start = tv3_u32(b.p + 16 + i * 8), n = tv3_u32(b.p + 20 + i * 8);
            look(s, id, start, b.len);
            look(s, id, start + n - 1, b.len);
            look(s, id, start + n, b.len);
        }
    }
    la_tv3_strings_free(s);
    return 0;
}
