/*
 * gzip streams, inflated with zlib so that their trailers are checked.
 *
 * Why not libarchive's gzip filter: it never checks a member's trailer (its
 * consume_trailer() reads the 8 bytes and skips them, its comment saying that verifying the
 * length and CRC is still to be done, libarchive/archive_read_support_filter_gzip.c, still
 * so in 3.7), so a gzip stream
 * whose data was damaged in a way inflate does not notice reads as good, garbage lines
 * and all.  zlib's inflate with a gzip wrapper (windowBits 15 + 16) checks the CRC-32 and
 * the length of every member itself and says "incorrect data check" or "incorrect length
 * check".  archive.c hands these bytes to libarchive as the client data of the archive it
 * opens on a gzip member, so a .tar.gz is still one archive, and a gzip inside a gzip is a
 * member one level deeper (the depth cap sees it).
 *
 * Data flow: la_gz_read() pulls the enclosing member's blocks (la_member_read, so its
 * bytes are counted where they come from) into z_stream.next_in and inflates into one
 * LA_INGEST_BLOCK buffer.  Members follow each other (gzip -c a b > ab.gz); after the last
 * one, bytes that do not start another member end the stream (gzip tolerates such
 * "trailing garbage", tape padding is common).  A damage found in a call that also
 * inflated bytes is held back: the bytes go out first, the damage with the next call, so
 * whatever was read before the damage is kept.
 *
 * Built only with libarchive and zlib (src/meson.build); without zlib, libarchive's own
 * gzip filter is used, unchecked.
 */
#include "config.h"

#include <string.h>

#include <zlib.h>

#include "core/alloc.h"
#include "ingest/ingest-internal.h"

struct la_gz {
    z_stream z;
    struct la_member *from;        /* where the compressed bytes come from */
    unsigned char *out;
    unsigned long members;         /* members inflated and checked */
    int in_eof, done;
    enum la_rc pending;            /* a damage found while bytes were still handed out */
    uint64_t out_total;
    char err[96];
};

struct la_gz *la_gz_new(struct la_member *from)
{
    struct la_gz *g = la_calloc(1, sizeof(*g));

    if (!g)
        return NULL;
    g->out = la_malloc(LA_INGEST_BLOCK);
    /* 15 + 16: a gzip wrapper only; zlib then checks each member's CRC-32 and length. */
    if (!g->out || inflateInit2(&g->z, 15 + 16) != Z_OK) {
        la_free(g->out);
        la_free(g);
        return NULL;
    }
    g->from = from;
    g->pending = LA_OK;
    return g;
}

void la_gz_free(struct la_gz *g)
{
    if (!g)
        return;
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

/* zlib's message in the words of a report. */
static void set_error(struct la_gz *g, const char *zmsg)
{
    const char *what;

    if (!zmsg)
        what = "damaged compressed data";
    else if (!strcmp(zmsg, "incorrect data check"))
        what = "CRC mismatch: the data does not match its gzip checksum";
    else if (!strcmp(zmsg, "incorrect length check"))
        what = "length mismatch: the data does not have the length its gzip trailer gives";
    else
        what = NULL;
    if (what)
        snprintf(g->err, sizeof(g->err), "gzip data damaged (%s)", what);
    else
        snprintf(g->err, sizeof(g->err), "gzip data damaged (%s)", zmsg);
}

/* More compressed input: LA_OK, LA_EOF at its end, or the enclosing member's failure. */
static enum la_rc pull(struct la_gz *g)
{
    const void *b;
    size_t n;
    enum la_rc rc;

    do {
        rc = la_member_read(g->from, &b, &n);
    } while (rc == LA_OK && n == 0);
    if (rc == LA_EOF) {
        g->in_eof = 1;
        return LA_EOF;
    }
    if (rc != LA_OK) {
        snprintf(g->err, sizeof(g->err), "the enclosing data could not be read");
        return rc == LA_FATAL ? LA_FATAL : LA_FAILED;
    }
    g->z.next_in = (Bytef *)b;
    g->z.avail_in = (uInt)n;
    return LA_OK;
}

/* One inflate step into the output buffer: LA_OK to go on, LA_EOF at the end, or a damage. */
static enum la_rc step(struct la_gz *g)
{
    int r;

    if (!g->z.avail_in && !g->in_eof) {
        enum la_rc rc = pull(g);
        if (rc != LA_OK && rc != LA_EOF)
            return rc;
    }
    if (!g->z.avail_in && g->in_eof) {
        /* total_in counts the bytes of the current member (inflateReset zeroes it): after
         * a member, less than a gzip header is what follows it, not a truncated member. */
        if (g->z.total_in < 10 && g->members)
            return LA_EOF;
        snprintf(g->err, sizeof(g->err), "gzip data truncated: the stream ends inside a member");
        return LA_FAILED;
    }
    r = inflate(&g->z, Z_NO_FLUSH);
    switch (r) {
    case Z_OK:
    case Z_BUF_ERROR:                /* needs more input: the next step pulls it */
        return LA_OK;
    case Z_STREAM_END:
        /* A member ended, its CRC and length checked by zlib; another may follow. */
        g->members++;
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

enum la_rc la_gz_read(struct la_gz *g, const void **ret_buf, size_t *ret_len)
{
    enum la_rc rc = LA_OK;
    size_t n;

    if (g->pending != LA_OK)
        return g->pending;
    if (g->done)
        return LA_EOF;
    g->z.next_out = g->out;
    g->z.avail_out = LA_INGEST_BLOCK;
    while (g->z.avail_out > 0 && rc == LA_OK)
        rc = step(g);
    n = LA_INGEST_BLOCK - g->z.avail_out;
    if (rc == LA_EOF)
        g->done = 1;
    else if (rc != LA_OK && n)
        g->pending = rc;            /* the bytes before the damage first */
    else if (rc != LA_OK)
        return g->pending = rc;
    if (!n)
        return LA_EOF;
    g->out_total += n;
    *ret_buf = g->out;
    *ret_len = n;
    return LA_OK;
}
