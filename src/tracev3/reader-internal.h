#ifndef LA_TRACEV3_READER_INTERNAL_H
#define LA_TRACEV3_READER_INTERNAL_H

/* The reader's state, shared by reader.c (framing, catalog, chunksets) and firehose.c. */

#include <stdarg.h>

#include "core/buf.h"
#include "tracev3/tracev3-internal.h"

/* A process's image name, resolved once per catalog. */
struct tv3_name {
    char *name;          /* NULL: not resolved */
};

/* An oversize chunk's data items, kept for the firehose entry that names it. */
struct tv3_oversize {
    uint64_t id1;
    uint32_t id2, ref;
    uint8_t *data;         /* from the item count on: unknown, count, items, values */
    size_t len;
};

#define TV3_MAX_OVERSIZE 256u            /* oversize chunks kept, oldest dropped first */
#define TV3_MAX_OVERSIZE_BYTES (8u << 20) /* bytes of them kept */

struct la_tv3_reader {
    const struct la_tv3_strings *strings;
    la_tv3_entry_fn *fn;
    void *user;
    struct la_tv3_stats st;
    char error[200];
    char unsupported[120];          /* the first chunkset of a compression not read */
    int failed;
    /* framing */
    struct la_buf chunk;   /* the chunk being gathered, preamble included */
    size_t need;           /* its whole size once the preamble is in */
    size_t skip;           /* alignment padding still to skip */
    uint64_t offset;       /* bytes of the member consumed */
    /* header */
    int have_header, have_boot;
    uint32_t numer, denom;
    uint64_t start_ct;
    int64_t start_wall;
    int tz;
    uint8_t boot[16];
    /* catalog */
    struct tv3_catalog cat;
    struct tv3_name *names;   /* one per catalog process */
    size_t nnames;
    /* chunkset */
    uint8_t *out;
    size_t out_cap;
    /* oversize chunks, a ring */
    struct tv3_oversize ov[TV3_MAX_OVERSIZE];
    size_t nov, ov_next, ov_bytes;
    /* rendering */
    struct la_buf msg, fmt;
};

/* Keep the first error message (printf-style). */
void tv3_note(struct la_tv3_reader *r, const char *fmt, ...) LA_PRINTF(2, 3);
/* A chunk found in a chunkset (or at top level): firehose, oversize, statedump, simpledump. */
LA_NODISCARD enum la_rc tv3_inner_chunk(struct la_tv3_reader *r, uint32_t tag, const uint8_t *d,
                                        size_t n);
void tv3_wall(const struct la_tv3_reader *r, uint64_t ct, int64_t *ns, int *tz);
void tv3_names_clear(struct la_tv3_reader *r);
void tv3_oversize_clear(struct la_tv3_reader *r);

#endif
