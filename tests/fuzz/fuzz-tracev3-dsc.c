/*
 * Fuzz target tracev3-dsc: the shared-cache strings (dsc, versions 1 and 2) parser of the
 * unified log's strings store (src/tracev3/strings.c: la_tv3_strings_add's checks and the
 * format-string lookup), apart from the tracev3 reader.
 *
 * Input: bytes 0-7 (little-endian) an offset to look up, byte 8 the mode; the rest is the
 * file.  Mode bit 0: the file is added up front (la_tv3_strings_add); else the store's loader
 * hands it out when first asked.  Lookups: the given offset, and the first, last and
 * one-past-last offset of each of the first 64 ranges the file claims.
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

static void look(const struct la_tv3_strings *s, const uint8_t id[16], uint64_t off, size_t max)
{
    size_t len = 0;
    const char *f = tv3_dsc_format(s, id, off, &len);
    volatile unsigned char sink = 0;

    if (!f)
        return;
    if (len > max)
        abort();
    for (size_t i = 0; i < len; i++)
        sink ^= (unsigned char)f[i];
    (void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t id[16] = { 0x8e, 0x21 };

    if (size < 9 || size > (1u << 20))
        return 0;
    uint64_t off = 0;
    for (int i = 7; i >= 0; i--)
        off = off << 8 | data[i];
    unsigned mode = data[8];
    struct blob b = { data + 9, size - 9 };
    const char *err = NULL;

    struct la_tv3_strings *s = la_tv3_strings_new(load, &b);
    if (!s)
        return 0;
    if (mode & 1) {
        enum la_rc rc = la_tv3_strings_add(s, LA_TV3_DSC, id, b.p, b.len, &err);
        if (rc == LA_FAILED && !err)
            abort();
        if (rc == LA_FATAL) {
            la_tv3_strings_free(s);
            return 0;
        }
    }
    look(s, id, off, b.len);
    if (b.len >= 16) {
        int v2 = tv3_u16(b.p + 4) == 2;
        size_t rs = v2 ? 24 : 16;
        uint32_t nr = tv3_u32(b.p + 8);
        for (uint32_t i = 0; i < nr && i < 64 && 16 + (size_t)(i + 1) * rs <= b.len; i++) {
            const uint8_t *r = b.p + 16 + (size_t)i * rs;
            uint64_t roff = v2 ? tv3_u64(r) : tv3_u32(r + 4), n = tv3_u32(r + 12);
            look(s, id, roff, b.len);
            look(s, id, roff + n - 1, b.len);
            look(s, id, roff + n, b.len);
        }
    }
    la_tv3_strings_free(s);
    return 0;
}
