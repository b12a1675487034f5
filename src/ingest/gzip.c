/*
 * gzip streams, inflated with ISA-L or zlib so that their trailers are checked, on a
 * thread of their own when a core is spare.
 *
 * Why not libarchive's gzip filter: it never checks a member's trailer (its
 * consume_trailer() reads the 8 bytes and skips them, its comment saying that verifying the
 * length and CRC is still to be done, libarchive/archive_read_support_filter_gzip.c, still
 * so in 3.7), so a gzip stream
 * whose data was damaged in a way inflate does not notice reads as good, garbage lines
 * and all.  zlib's inflate with a gzip wrapper (windowBits 15 + 16) checks the CRC-32 and
 * the length of every member itself and says "incorrect data check" or "incorrect length
 * check"; ISA-L's isal_inflate() with ISAL_GZIP checks both too (one code for either: the
 * trailer, the last 8 bytes it consumed, tells which).  archive.c hands these bytes to
 * libarchive as the client data of the archive it opens on a gzip member, so a .tar.gz is
 * still one archive, and a gzip inside a gzip is a member one level deeper (the depth cap
 * sees it).
 *
 * Two inflaters, one behaviour.  ISA-L (meson option isal, built when libisal is found)
 * inflates about twice as fast as zlib; zlib is used without it.  On a valid stream both
 * hand out the same bytes, and a trailer or header damage is told in the same words: the
 * header's magic, method and flags are checked here for ISA-L as zlib checks them (ISA-L
 * does not look at the reserved flags), and the header is parsed with a struct of ours
 * (isal_inflate()'s own parse keeps it on its stack, so in 2.30 a header split between two
 * calls reads uninitialised flags).  A damaged deflate stream is "the deflate data is
 * invalid" whichever inflater found it (zlib's eleven messages and ISA-L's three codes do
 * not map onto each other); where each finds it is its own: one may decode garbage up to a
 * CRC mismatch where the other stops at an invalid code, and at a truncation ISA-L, which
 * decodes with look-ahead, hands out a few bytes fewer than zlib before the same "gzip data
 * truncated".  tests/unit/test-gzip.c runs both, on and off the thread, over valid,
 * truncated and corrupt streams and compares bytes and errors.
 *
 * Data flow: la_gz_read() pulls the enclosing member's blocks (la_member_read, so its
 * bytes are counted where they come from) and inflates them into one LA_INGEST_BLOCK
 * buffer.  Members follow each other (gzip -c a b > ab.gz); after the last one, bytes that
 * do not start another member end the stream (gzip tolerates such "trailing garbage", tape
 * padding is common).  A damage found in a call that also inflated bytes is held back: the
 * bytes go out first, the damage with the next call, so whatever was read before the
 * damage is kept.
 *
 * The inflate thread.  Inflating is most of the cost of a .gz or .tar.gz; when a core is
 * spare (la_ingest_spare_threads: the CLI gives the cores its --jobs workers leave idle),
 * the stream is inflated on a thread of its own while the reading thread scans what came
 * before.  The reading thread still pulls the compressed blocks (every read, count, cap and
 * stop callback stays on it, in the same order) and copies them into a ring of
 * LA_GZ_RING_IN blocks; the thread inflates them into a ring of LA_GZ_RING_OUT blocks of
 * LA_INGEST_BLOCK bytes, each block with the return code a direct call would have given, and
 * stops after the one that ends the stream.  So the blocks, their order and the errors are
 * those of the direct path, and the memory is bounded: (LA_GZ_RING_IN + LA_GZ_RING_OUT) x
 * 64 KiB plus the inflater's state per threaded stream.  What differs: the compressed bytes
 * are read up to LA_GZ_RING_IN blocks ahead, so the ratio cap and a caller's stop callback
 * see a little more input at a given point.
 *
 * Built only with libarchive and zlib (src/meson.build); without zlib, libarchive's own
 * gzip filter is used, unchecked.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <zlib.h>
#if HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include "core/alloc.h"
#include "ingest/ingest-internal.h"

/* The rings of a threaded stream, in blocks of LA_INGEST_BLOCK bytes. */
#define LA_GZ_RING_IN 2u
#define LA_GZ_RING_OUT 8u
/* A full output ring is refilled in batches: the inflate thread, once it found the ring
 * full, sleeps until this many blocks are free, so that the reading thread wakes it once per
 * batch rather than once per block (each wake is a futex call and a switch on both cores). */
#define LA_GZ_RING_BATCH (LA_GZ_RING_OUT / 2u)

/* What a deflate error is called, whichever inflater found it. */
#define LA_GZ_BAD_DEFLATE "the deflate data is invalid"

struct helper;

struct la_gz {
    struct la_member *from;        /* where the compressed bytes come from */
    unsigned char *out;            /* the direct path's output block */
    int isal;                      /* inflated with ISA-L, else zlib */
    z_stream z;
#if HAVE_ISAL
    struct inflate_state *s;
    unsigned char tail[8];         /* the last 8 bytes ISA-L consumed: a trailer at its end */
    unsigned char magic[4];        /* the current member's first bytes, checked as zlib does */
    /* The member's header, parsed here and kept across calls: isal_inflate()'s own parse
     * keeps it on its stack, so a header split between two calls loses its flags (2.30). */
    struct isal_gzip_header hdr;
#endif
    uint64_t member_in;            /* bytes of the current member consumed */
    unsigned long members;         /* members inflated and checked */
    int in_eof, done;
    enum la_rc pending;            /* a damage found while bytes were still handed out */
    uint64_t out_total;
    struct helper *h;              /* the inflate thread, or NULL: inflated here */
    char err[96];
};

/* ------------------------------------------------------------ which inflater */

/* 0: ISA-L when built with it; 1: zlib (tests compare the two). */
static int force_zlib;

void la_gz_use_zlib(int on)
{
    force_zlib = on;
}

int la_gz_has_isal(void)
{
    return HAVE_ISAL;
}

/* ------------------------------------------------------------ errors */

/* A message of zlib's, or of the same words for ISA-L, in the words of a report. */
static void set_error(struct la_gz *g, const char *zmsg)
{
    static const char *const header[] = { "incorrect header check", "unknown compression method",
                                          "unknown header flags set", "header crc mismatch" };
    const char *what = LA_GZ_BAD_DEFLATE;

    if (!zmsg)
        what = "damaged compressed data";
    else if (!strcmp(zmsg, "incorrect data check"))
        what = "CRC mismatch: the data does not match its gzip checksum";
    else if (!strcmp(zmsg, "incorrect length check"))
        what = "length mismatch: the data does not have the length its gzip trailer gives";
    for (size_t i = 0; zmsg && i < sizeof(header) / sizeof(header[0]); i++)
        if (!strcmp(zmsg, header[i]))
            what = zmsg;
    snprintf(g->err, sizeof(g->err), "gzip data damaged (%s)", what);
}

/* ------------------------------------------------------------ compressed input */

static void feed(struct la_gz *g, const void *b, size_t n)
{
#if HAVE_ISAL
    if (g->isal) {
        g->s->next_in = (uint8_t *)b;
        g->s->avail_in = (uint32_t)n;
        return;
    }
#endif
    g->z.next_in = (Bytef *)b;
    g->z.avail_in = (uInt)n;
}

static size_t input_left(const struct la_gz *g)
{
#if HAVE_ISAL
    if (g->isal)
        return g->s->avail_in;
#endif
    return g->z.avail_in;
}

/* The next compressed block from the enclosing member: LA_OK, LA_EOF, or its failure. */
static enum la_rc member_pull(struct la_member *from, const void **ret_b, size_t *ret_n)
{
    enum la_rc rc;

    do {
        rc = la_member_read(from, ret_b, ret_n);
    } while (rc == LA_OK && *ret_n == 0);
    return rc;
}

static enum la_rc ring_pull(struct la_gz *g, const void **ret_b, size_t *ret_n);

/* More compressed input: LA_OK, LA_EOF at its end, or the enclosing member's failure. */
static enum la_rc pull(struct la_gz *g)
{
    const void *b;
    size_t n;
    enum la_rc rc = g->h ? ring_pull(g, &b, &n) : member_pull(g->from, &b, &n);

    if (rc == LA_EOF) {
        g->in_eof = 1;
        return LA_EOF;
    }
    if (rc != LA_OK) {
        snprintf(g->err, sizeof(g->err), "the enclosing data could not be read");
        return rc == LA_FATAL ? LA_FATAL : LA_FAILED;
    }
    feed(g, b, n);
    return LA_OK;
}

/* ------------------------------------------------------------ zlib */

/* One zlib inflate step into z.next_out. */
static enum la_rc zlib_step(struct la_gz *g)
{
    uInt before = g->z.avail_in;
    int r = inflate(&g->z, Z_NO_FLUSH);

    g->member_in += before - g->z.avail_in;
    switch (r) {
    case Z_OK:
    case Z_BUF_ERROR:                /* needs more input: the next step pulls it */
        return LA_OK;
    case Z_STREAM_END:
        /* A member ended, its CRC and length checked by zlib; another may follow. */
        g->members++;
        g->member_in = 0;
        return inflateReset(&g->z) == Z_OK ? LA_OK : LA_FATAL;
    case Z_MEM_ERROR:
        return LA_FATAL;
    default:
        /* Where another member could start, bytes that are not one end the stream. */
        if (r == Z_DATA_ERROR && g->members && g->z.msg &&
            !strcmp(g->z.msg, "incorrect header check"))
            return LA_EOF;
        set_error(g, g->z.msg);
        return LA_FAILED;
    }
}

/* ------------------------------------------------------------ ISA-L */

#if HAVE_ISAL
/*
 * The member's magic, method and flags, checked as zlib's inflate checks them and when it
 * does (the magic once 2 bytes are in, method and flags once 4 are): ISA-L does not look at
 * the reserved flags, and its codes would word the others differently.  LA_EOF: bytes that
 * are not a member after one (trailing garbage); LA_FAILED: a damaged header.
 */
static enum la_rc isal_magic(struct la_gz *g)
{
    const uint8_t *p = g->s->next_in;
    size_t have = g->member_in, n = g->s->avail_in;

    for (size_t i = have; i < 4 && i - have < n; i++)
        g->magic[i] = p[i - have];
    have += n;
    if (have >= 2 && (g->magic[0] != 0x1f || g->magic[1] != 0x8b)) {
        if (g->members)
            return LA_EOF;
        set_error(g, "incorrect header check");
        return LA_FAILED;
    }
    if (have >= 4 && g->magic[2] != 8) {
        set_error(g, "unknown compression method");
        return LA_FAILED;
    }
    if (have >= 4 && (g->magic[3] & 0xe0)) {
        set_error(g, "unknown header flags set");
        return LA_FAILED;
    }
    return LA_OK;
}

/* Remember the last 8 bytes consumed (a trailer, when a member ends with a mismatch). */
static void isal_tail(struct la_gz *g, const uint8_t *p, size_t n)
{
    if (n >= 8) {
        memcpy(g->tail, p + n - 8, 8);
    } else if (n) {
        memmove(g->tail, g->tail + n, 8 - n);
        memcpy(g->tail + 8 - n, p, n);
    }
}

/* One ISA-L inflate step into s->next_out. */
static enum la_rc isal_step(struct la_gz *g)
{
    struct inflate_state *s = g->s;
    const uint8_t *p = s->next_in;
    uint32_t in = s->avail_in, out = s->avail_out;
    enum la_rc rc;
    size_t used;
    int r;

    if (g->member_in < 4 && (rc = isal_magic(g)) != LA_OK)
        return rc;
    if (!s->wrapper_flag) {
        if (!g->member_in) {
            memset(&g->hdr, 0, sizeof(g->hdr));
            isal_gzip_header_init(&g->hdr);
        }
        r = isal_read_gzip_header(s, &g->hdr);
        if (r > 0)                   /* more input needed */
            r = ISAL_DECOMP_OK;
    } else {
        r = isal_inflate(s);
    }
    used = in - s->avail_in;
    isal_tail(g, p, used);
    g->member_in += used;
    if (r == ISAL_DECOMP_OK && s->block_state == ISAL_BLOCK_FINISH) {
        /* A member ended, its CRC and length checked by ISA-L; another may follow. */
        g->members++;
        g->member_in = 0;
        isal_inflate_reset(s);
        return LA_OK;
    }
    if (r == ISAL_DECOMP_OK) {
        /* No progress with input and room left: a state ISA-L should never be in. */
        if (!used && out == s->avail_out && s->avail_in) {
            set_error(g, NULL);
            return LA_FAILED;
        }
        return LA_OK;
    }
    if (r == ISAL_INCORRECT_CHECKSUM && !s->wrapper_flag) {
        set_error(g, "header crc mismatch");
    } else if (r == ISAL_INCORRECT_CHECKSUM) {
        uint32_t crc = (uint32_t)g->tail[0] | (uint32_t)g->tail[1] << 8 |
                       (uint32_t)g->tail[2] << 16 | (uint32_t)g->tail[3] << 24;
        /* zlib checks the CRC first, then the length. */
        set_error(g, crc != s->crc ? "incorrect data check" : "incorrect length check");
    } else if (r == ISAL_INVALID_WRAPPER) {
        set_error(g, "incorrect header check");
    } else if (r == ISAL_UNSUPPORTED_METHOD) {
        set_error(g, "unknown compression method");
    } else {
        set_error(g, "");            /* a deflate error */
    }
    return LA_FAILED;
}
#endif

/* ------------------------------------------------------------ one block */

static size_t out_room(const struct la_gz *g)
{
#if HAVE_ISAL
    if (g->isal)
        return g->s->avail_out;
#endif
    return g->z.avail_out;
}

static enum la_rc engine_step(struct la_gz *g)
{
#if HAVE_ISAL
    if (g->isal)
        return isal_step(g);
#endif
    return zlib_step(g);
}

/* One inflate step into the output: LA_OK to go on, LA_EOF at the end, or a damage. */
static enum la_rc step(struct la_gz *g)
{
    if (!input_left(g) && !g->in_eof) {
        enum la_rc rc = pull(g);
        if (rc != LA_OK && rc != LA_EOF)
            return rc;
    }
    if (!input_left(g) && g->in_eof) {
        /* The input is used up, but the inflater may still hold output (ISA-L decodes ahead
         * into a buffer of its own) or a trailer: let it go on while it makes progress. */
        size_t room = out_room(g);
        unsigned long members = g->members;
        enum la_rc rc = engine_step(g);

        if (rc != LA_OK || out_room(g) != room || g->members != members)
            return rc;
        /* After a member, less than a gzip header is what follows it, not a truncated
         * member. */
        if (g->member_in < 10 && g->members)
            return LA_EOF;
        snprintf(g->err, sizeof(g->err), "gzip data truncated: the stream ends inside a member");
        return LA_FAILED;
    }
    return engine_step(g);
}

/*
 * Inflate up to LA_INGEST_BLOCK bytes into out: *ret_n bytes and LA_OK (a full block),
 * LA_EOF (the stream ended after them) or the damage found after them.
 */
static enum la_rc fill(struct la_gz *g, unsigned char *out, size_t *ret_n)
{
    enum la_rc rc = LA_OK;
    size_t left;

#if HAVE_ISAL
    if (g->isal) {
        g->s->next_out = out;
        g->s->avail_out = LA_INGEST_BLOCK;
        while (g->s->avail_out > 0 && rc == LA_OK)
            rc = step(g);
        left = g->s->avail_out;
    } else
#endif
    {
        g->z.next_out = out;
        g->z.avail_out = LA_INGEST_BLOCK;
        while (g->z.avail_out > 0 && rc == LA_OK)
            rc = step(g);
        left = g->z.avail_out;
    }
    *ret_n = LA_INGEST_BLOCK - left;
    return rc;
}

/* ------------------------------------------------------------ the inflate thread */

struct helper {
    pthread_t th;
    pthread_mutex_t lock;
    pthread_cond_t cond;           /* any change below */
    /* Compressed blocks, reading thread → inflate thread. */
    unsigned char *in[LA_GZ_RING_IN];
    size_t inlen[LA_GZ_RING_IN];
    unsigned in_head, in_count;    /* in_count includes the block being inflated */
    int in_taken;                  /* the inflate thread is on block in_head */
    int in_end;                    /* no more input after the ring: in_rc says why */
    enum la_rc in_rc;
    /* The member's current block when it was larger than a ring block: the rest of it. */
    const unsigned char *carry;
    size_t carry_n;
    /* Inflated blocks, inflate thread → reading thread. */
    unsigned char *out[LA_GZ_RING_OUT];
    size_t outlen[LA_GZ_RING_OUT];
    enum la_rc outrc[LA_GZ_RING_OUT];
    unsigned out_head, out_count;
    int out_held;                  /* the reading thread holds block out_head - 1 */
    int finished;                  /* the inflate thread made its last block */
    int quit;                      /* la_gz_free(): stop now */
    /* Who sleeps on cond, so that a change wakes only a thread that waits for it. */
    int wait_space;                /* the inflate thread: for LA_GZ_RING_BATCH free blocks */
    int wait_input;                /* the inflate thread: for a compressed block */
    int wait_out;                  /* the reading thread: for an inflated block or room to feed */
    /* The caller's scan of each inflated block (la_gz_scan_ahead), run here before the block
     * is posted: one state per output block, its result for the reading thread. */
    struct la_block_scan scan;     /* a copy of the caller's */
    int scanning;                  /* scan is set */
    void *ostate[LA_GZ_RING_OUT];
    int oscanned[LA_GZ_RING_OUT];
};

/* Output blocks the inflate thread may fill (lock held). */
static unsigned out_free(const struct helper *h)
{
    return LA_GZ_RING_OUT - h->out_count - (unsigned)h->out_held;
}

/* The inflate thread's pull: the next compressed block of the ring, waiting for it. */
static enum la_rc ring_pull(struct la_gz *g, const void **ret_b, size_t *ret_n)
{
    struct helper *h = g->h;
    enum la_rc rc;

    pthread_mutex_lock(&h->lock);
    if (h->in_taken) {             /* the block before is used up */
        h->in_head = (h->in_head + 1) % LA_GZ_RING_IN;
        h->in_count--;
        h->in_taken = 0;
        if (h->wait_out)           /* room to feed */
            pthread_cond_broadcast(&h->cond);
    }
    while (!h->in_count && !h->in_end && !h->quit) {
        h->wait_input = 1;
        pthread_cond_wait(&h->cond, &h->lock);
        h->wait_input = 0;
    }
    if (h->quit) {
        rc = LA_FATAL;
    } else if (h->in_count) {
        *ret_b = h->in[h->in_head];
        *ret_n = h->inlen[h->in_head];
        h->in_taken = 1;
        rc = LA_OK;
    } else {
        rc = h->in_rc;
    }
    pthread_mutex_unlock(&h->lock);
    return rc;
}

static void *inflater(void *arg)
{
    struct la_gz *g = arg;
    struct helper *h = g->h;
    enum la_rc rc = LA_OK;

    while (rc == LA_OK) {
        unsigned i;
        size_t n;

        pthread_mutex_lock(&h->lock);
        if (!out_free(h))
            while (out_free(h) < LA_GZ_RING_BATCH && !h->quit) {
                h->wait_space = 1;
                pthread_cond_wait(&h->cond, &h->lock);
                h->wait_space = 0;
            }
        i = (h->out_head + h->out_count) % LA_GZ_RING_OUT;
        if (h->quit) {
            pthread_mutex_unlock(&h->lock);
            break;
        }
        pthread_mutex_unlock(&h->lock);
        rc = fill(g, h->out[i], &n);
        /* The caller's scan of the block, here, while the reading thread works on the ones
         * before: it is the reading thread's from when it is posted below.  Not when the
         * reading thread is waiting for it with nothing else to do: this thread is then
         * the slower one, and the block goes out unscanned (the reading thread scans it
         * itself), which balances the two. */
        pthread_mutex_lock(&h->lock);
        int scan = h->scanning && n && !(h->wait_out && !h->out_count);
        if (scan) {
            pthread_mutex_unlock(&h->lock);
            h->scan.scan(h->scan.user, h->ostate[i], h->out[i], n);
            pthread_mutex_lock(&h->lock);
        }
        h->oscanned[i] = scan;
        h->outlen[i] = n;
        h->outrc[i] = rc;
        h->out_count++;
        h->finished = rc != LA_OK;
        if (h->wait_out)
            pthread_cond_broadcast(&h->cond);
        pthread_mutex_unlock(&h->lock);
    }
    return NULL;
}

/* Top up the input ring from the enclosing member (reading thread, lock held). */
static void ring_feed(struct la_gz *g)
{
    struct helper *h = g->h;

    while (!h->in_end && !h->finished && h->in_count < LA_GZ_RING_IN) {
        unsigned i = (h->in_head + h->in_count) % LA_GZ_RING_IN;
        enum la_rc rc = LA_OK;
        const void *b;
        size_t n;

        pthread_mutex_unlock(&h->lock);
        if (!h->carry_n) {
            rc = member_pull(g->from, &b, &n);
            h->carry = b;
            h->carry_n = rc == LA_OK ? n : 0;
        }
        n = h->carry_n < LA_INGEST_BLOCK ? h->carry_n : LA_INGEST_BLOCK;
        if (rc == LA_OK) {
            memcpy(h->in[i], h->carry, n);
            h->carry += n;
            h->carry_n -= n;
        }
        pthread_mutex_lock(&h->lock);
        if (rc == LA_OK) {
            h->inlen[i] = n;
            h->in_count++;
        } else {
            h->in_end = 1;
            h->in_rc = rc;
        }
        if (h->wait_input)
            pthread_cond_broadcast(&h->cond);
    }
}

/* The next inflated block, as the direct path's fill() would have made it. */
static enum la_rc ring_take(struct la_gz *g, unsigned char **ret_out, size_t *ret_n)
{
    struct helper *h = g->h;
    enum la_rc rc;

    pthread_mutex_lock(&h->lock);
    if (h->out_held) {             /* the block handed out last is free again */
        h->out_held = 0;
        if (h->wait_space && out_free(h) >= LA_GZ_RING_BATCH)
            pthread_cond_broadcast(&h->cond);
    }
    for (;;) {
        ring_feed(g);
        if (h->out_count)
            break;
        h->wait_out = 1;
        pthread_cond_wait(&h->cond, &h->lock);
        h->wait_out = 0;
    }
    *ret_out = h->out[h->out_head];
    *ret_n = h->outlen[h->out_head];
    rc = h->outrc[h->out_head];
    h->out_head = (h->out_head + 1) % LA_GZ_RING_OUT;
    h->out_count--;
    h->out_held = 1;
    pthread_mutex_unlock(&h->lock);
    return rc;
}

static void helper_free(struct helper *h)
{
    if (!h)
        return;
    for (unsigned i = 0; h->scanning && i < LA_GZ_RING_OUT; i++)
        h->scan.state_free(h->scan.user, h->ostate[i]);
    for (unsigned i = 0; i < LA_GZ_RING_IN; i++)
        la_free(h->in[i]);
    for (unsigned i = 0; i < LA_GZ_RING_OUT; i++)
        la_free(h->out[i]);
    la_free(h);
}

/* Start the inflate thread; on any failure the stream is inflated here (g->h NULL). */
static void helper_start(struct la_gz *g)
{
    struct helper *h = la_calloc(1, sizeof(*h));
    int ok = h != NULL;

    for (unsigned i = 0; ok && i < LA_GZ_RING_IN; i++)
        ok = (h->in[i] = la_malloc(LA_INGEST_BLOCK)) != NULL;
    for (unsigned i = 0; ok && i < LA_GZ_RING_OUT; i++)
        ok = (h->out[i] = la_malloc(LA_INGEST_BLOCK)) != NULL;
    if (ok && pthread_mutex_init(&h->lock, NULL) != 0)
        ok = 0;
    else if (ok && pthread_cond_init(&h->cond, NULL) != 0) {
        pthread_mutex_destroy(&h->lock);
        ok = 0;
    }
    if (ok) {
        g->h = h;
        if (pthread_create(&h->th, NULL, inflater, g) == 0)
            return;
        g->h = NULL;
        pthread_cond_destroy(&h->cond);
        pthread_mutex_destroy(&h->lock);
    }
    helper_free(h);
    la_ingest_give_spare();
}

static void helper_stop(struct la_gz *g)
{
    struct helper *h = g->h;

    if (!h)
        return;
    pthread_mutex_lock(&h->lock);
    h->quit = 1;
    pthread_cond_broadcast(&h->cond);
    pthread_mutex_unlock(&h->lock);
    pthread_join(h->th, NULL);
    pthread_cond_destroy(&h->cond);
    pthread_mutex_destroy(&h->lock);
    helper_free(h);
    g->h = NULL;
    la_ingest_give_spare();
}

/* ------------------------------------------------------------ the API */

struct la_gz *la_gz_new(struct la_member *from)
{
    struct la_gz *g = la_calloc(1, sizeof(*g));

    if (!g)
        return NULL;
    g->from = from;
    g->pending = LA_OK;
#if HAVE_ISAL
    if (!force_zlib) {
        g->isal = 1;
        g->s = la_calloc(1, sizeof(*g->s));
        if (!g->s) {
            la_free(g);
            return NULL;
        }
        isal_inflate_init(g->s);
        g->s->crc_flag = ISAL_GZIP;  /* header parsed, CRC-32 and length checked */
    }
#endif
    /* 15 + 16: a gzip wrapper only; zlib then checks each member's CRC-32 and length. */
    if (!g->isal && inflateInit2(&g->z, 15 + 16) != Z_OK) {
        la_free(g);
        return NULL;
    }
    if (la_ingest_take_spare())
        helper_start(g);
    if (!g->h && !(g->out = la_malloc(LA_INGEST_BLOCK))) {
        la_gz_free(g);
        return NULL;
    }
    return g;
}

void la_gz_free(struct la_gz *g)
{
    if (!g)
        return;
    helper_stop(g);
#if HAVE_ISAL
    la_free(g->s);
#endif
    if (!g->isal)
        inflateEnd(&g->z);
    la_free(g->out);
    la_free(g);
}

const char *la_gz_error(const struct la_gz *g)
{
    return g->err;
}

uint64_t la_gz_out(const struct la_gz *g)
{
    return g->out_total;
}

int la_gz_threaded(const struct la_gz *g)
{
    return g->h != NULL;
}

void la_gz_scan_ahead(struct la_gz *g, const struct la_block_scan *sc)
{
    struct helper *h = g->h;
    void *st[LA_GZ_RING_OUT];
    unsigned i;

    if (!h || h->scanning)
        return;                    /* no inflate thread, or scanning already */
    for (i = 0; i < LA_GZ_RING_OUT; i++)
        if (!(st[i] = sc->state_new(sc->user)))
            break;
    if (i < LA_GZ_RING_OUT) {      /* out of memory: the caller scans for itself */
        while (i-- > 0)
            sc->state_free(sc->user, st[i]);
        return;
    }
    pthread_mutex_lock(&h->lock);
    memcpy(h->ostate, st, sizeof(st));
    h->scan = *sc;
    h->scanning = 1;
    pthread_mutex_unlock(&h->lock);
}

const void *la_gz_scanned(const struct la_gz *g, const void *buf, size_t len)
{
    const struct helper *h = g->h;
    unsigned i;

    /* The block handed out last (out_head and out_held are the reading thread's; what the
     * inflate thread wrote of the block was posted under the lock before it was taken). */
    if (!h || !h->out_held)
        return NULL;
    i = (h->out_head + LA_GZ_RING_OUT - 1) % LA_GZ_RING_OUT;
    if (!h->oscanned[i] || (const unsigned char *)buf < h->out[i] ||
        (const unsigned char *)buf + len > h->out[i] + h->outlen[i])
        return NULL;
    return h->ostate[i];
}

enum la_rc la_gz_read(struct la_gz *g, const void **ret_buf, size_t *ret_len)
{
    unsigned char *out = g->out;
    enum la_rc rc;
    size_t n;

    if (g->pending != LA_OK)
        return g->pending;
    if (g->done)
        return LA_EOF;
    rc = g->h ? ring_take(g, &out, &n) : fill(g, out, &n);
    if (rc == LA_EOF)
        g->done = 1;
    else if (rc != LA_OK && n)
        g->pending = rc;            /* the bytes before the damage first */
    else if (rc != LA_OK)
        return g->pending = rc;
    if (!n)
        return LA_EOF;
    g->out_total += n;
    *ret_buf = out;
    *ret_len = n;
    return LA_OK;
}
