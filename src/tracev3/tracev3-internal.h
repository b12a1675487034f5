#ifndef LA_TRACEV3_INTERNAL_H
#define LA_TRACEV3_INTERNAL_H

/* What the tracev3 files share: little-endian reads, the catalog, the renderer. */

#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "tracev3/tracev3.h"

static inline uint16_t tv3_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t tv3_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t tv3_u64(const uint8_t *p)
{
    return (uint64_t)tv3_u32(p) | (uint64_t)tv3_u32(p + 4) << 32;
}

/* A bounds-checked cursor over bytes. */
struct tv3_cur {
    const uint8_t *p;
    size_t n;
    int bad;   /* set by a read past the end; reads then give 0 */
};

static inline const uint8_t *tv3_take(struct tv3_cur *c, size_t k)
{
    if (c->bad || c->n < k) {
        c->bad = 1;
        return NULL;
    }
    const uint8_t *q = c->p;
    c->p += k;
    c->n -= k;
    return q;
}

static inline uint64_t tv3_get(struct tv3_cur *c, size_t k)
{
    const uint8_t *q = tv3_take(c, k);
    uint64_t v = 0;

    for (size_t i = 0; q && i < k; i++)
        v |= (uint64_t)q[i] << (8 * i);
    return v;
}

/* One process of a catalog. */
struct tv3_subsys {
    uint16_t id;
    uint16_t subsystem, category;   /* offsets into the catalog's strings */
};

struct tv3_uuidinfo {
    uint32_t size;
    uint16_t uuid;                  /* index into the catalog's UUIDs */
    uint64_t load;
};

struct tv3_proc {
    uint64_t id1;
    uint32_t id2;
    uint32_t pid;
    uint16_t main_uuid, dsc_uuid;   /* 0xffff: none */
    size_t nuuids, nsubs;
    struct tv3_uuidinfo *uuids;
    struct tv3_subsys *subs;
};

struct tv3_catalog {
    const uint8_t (*uuids)[16];
    size_t nuuids;
    const char *strings;
    size_t strings_len;
    struct tv3_proc *procs;
    size_t nprocs;
    uint8_t *raw;                   /* the chunk's bytes, which the views point into */
};

/* The strings store (strings.c). */
/* The format string at offset in the uuidtext file uuid; NULL when not found. */
const char *tv3_uuidtext_format(const struct la_tv3_strings *s, const uint8_t uuid[16],
                                uint64_t offset, size_t *len);
/* The image path a uuidtext file names (its footer); NULL when not found. */
const char *tv3_uuidtext_path(const struct la_tv3_strings *s, const uint8_t uuid[16],
                              size_t *len);
/* The format string at offset in the dsc file uuid; NULL when not found. */
const char *tv3_dsc_format(const struct la_tv3_strings *s, const uint8_t uuid[16],
                           uint64_t offset, size_t *len);
/* Wall-clock ns of continuous time ct in boot (timesync); 0 when the boot is unknown. */
int tv3_timesync_wall(const struct la_tv3_strings *s, const uint8_t boot[16], uint64_t ct,
                      int64_t *ns, int *tz_minutes);

/* One argument of a tracepoint, for the renderer (render.c). */
struct tv3_arg {
    uint8_t type;
    const uint8_t *data;   /* inline bytes or the range's bytes; NULL when out of bounds */
    size_t len;
};

#define TV3_ARG_PRIVATE(t) ((t) == 0x01 || (t) == 0x21 || (t) == 0x25 || (t) == 0x31 || \
                            (t) == 0x35 || (t) == 0x41 || (t) == 0x45 || (t) == 0x05 || \
                            (t) == 0x81 || (t) == 0x85 || (t) == 0xf1)
#define TV3_ARG_PRECISION(t) ((t) == 0x10 || (t) == 0x12)

/*
 * Render format fmt[0..fl) with args into out, as `log show` does: %{public}s and the other
 * decorations, width and precision, private values as "<private>", a missing argument as
 * "<decode: missing data>".  fmt NULL: "<unresolved>" and the arguments.
 */
LA_NODISCARD enum la_rc tv3_render(struct la_buf *out, const char *fmt, size_t fl,
                                   const struct tv3_arg *args, size_t nargs);

#endif
