/*
 * Reading a member: its byte source (a file descriptor, a memory buffer or the current
 * entry of a libarchive handle), the first LA_MEMBER_HEAD bytes peeked once and handed
 * out again, and the counted reads every leaf byte passes through.
 *
 * Bounds.  Unpacked bytes per input and their ratio to the bytes read from the input itself
 * (zip bombs) are checked on every read (la_ingest_count): the bytes of plain files here,
 * and every byte an archive or a decompressor hands out, at every level, in archive.c
 * (la_ingest_archive_read and its accounting).  A cap sets in->stop, names the member it
 * stopped in (m->stopped), and every later read of the input fails; so does the caller's
 * stop callback, asked after every read (la_ingest_stopped: a deadline of serve's).
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ingest/ingest-internal.h"

/* Raw read from the source, no head logic, no counting of leaf bytes. */
static enum la_rc src_read(struct la_member *m, const void **buf, size_t *len)
{
    struct src *s = m->src;
    struct input *in = m->in;

    switch (s->kind) {
    case SRC_FD: {
        ssize_t n;
        if (s->ra) {
            int err = 0;
            enum la_rc rc = la_readahead_read(s->ra, buf, len, &err);
            if (rc == LA_FAILED)
                la_diagf(in->sink, LA_SEV_ERROR, LA_D_READ_FAILED, m->path, 0, 0,
                         "read failed: %s", strerror(err));
            else if (rc == LA_OK)
                in->st.compressed += *len;
            return rc;
        }
        do {
            n = read(s->fd, s->block, LA_INGEST_BLOCK);
        } while (n < 0 && errno == EINTR);
        if (n < 0) {
            la_diagf(in->sink, LA_SEV_ERROR, LA_D_READ_FAILED, m->path, 0, 0,
                     "read failed: %s", strerror(errno));
            return LA_FAILED;
        }
        if (n == 0)
            return LA_EOF;
        in->st.compressed += (uint64_t)n;
        *buf = s->block;
        *len = (size_t)n;
        return LA_OK;
    }
    case SRC_MEM: {
        size_t n = s->memlen - s->mempos;
        if (n == 0)
            return LA_EOF;
        if (n > LA_INGEST_BLOCK)
            n = LA_INGEST_BLOCK;
        *buf = s->mem + s->mempos;
        *len = n;
        s->mempos += n;
        in->st.compressed += n;
        return LA_OK;
    }
    case SRC_ARCHIVE:
#if HAVE_LIBARCHIVE
        return la_ingest_archive_read(m, buf, len);
#endif
        break;
    }
    return LA_FAILED;
}

static enum la_rc fill_head(struct la_member *m)
{
    if (m->head_done)
        return LA_OK;
    m->head_done = 1;
    while (m->headlen < sizeof(m->head)) {
        const void *b;
        size_t n;
        enum la_rc rc = src_read(m, &b, &n);

        if (rc == LA_EOF) {
            m->eof = 1;
            break;
        }
        if (rc != LA_OK) {
            m->failed = 1;
            if (m->in->stop)
                m->stopped = m->in->halt.code;
            return rc;
        }
        /* A block larger than the head room: keep the rest by pushing back. */
        size_t room = sizeof(m->head) - m->headlen;
        if (n <= room) {
            memcpy(m->head + m->headlen, b, n);
            m->headlen += n;
            continue;
        }
        memcpy(m->head + m->headlen, b, room);
        m->headlen += room;
        /* Remember the remainder: for fd and memory sources rewind; for
         * archive data keep it in the source block (handled by pending). */
        if (m->src->kind == SRC_MEM) {
            m->src->mempos -= n - room;
            m->in->st.compressed -= n - room;
        } else if (m->src->kind == SRC_FD) {
            /* Cannot un-read a pipe: keep the remainder in the block. */
            memmove(m->src->block, (const char *)b + room, n - room);
            m->src->memlen = n - room;     /* pending bytes in block */
            m->src->mempos = 0;
        } else {
            memmove(m->src->block, (const char *)b + room, n - room);
            m->src->memlen = n - room;
            m->src->mempos = 0;
        }
        break;
    }
    return LA_OK;
}

enum la_rc la_member_head(struct la_member *m, const void **ret_buf, size_t *ret_len)
{
    enum la_rc rc = fill_head(m);

    if (rc != LA_OK && !m->headlen)
        return rc;
    *ret_buf = m->head;
    *ret_len = m->headlen;
    return LA_OK;
}

enum la_rc la_ingest_count(struct input *in, const char *path, uint64_t n)
{
    const struct la_limits *lim = in->lim;

    in->unpacked += n;
    if (in->stop)
        return LA_FAILED;
    if (lim->max_bytes && in->unpacked > lim->max_bytes) {
        la_ingest_stop(in, LA_D_BYTES_LIMIT, path,
                       "input decompresses to more than %llu bytes (raise with --limit bytes=N); "
                       "stopped in this member", (unsigned long long)lim->max_bytes);
        return LA_FAILED;
    }
    if (lim->max_ratio && in->unpacked > LA_RATIO_GRACE && in->st.compressed &&
        in->unpacked / in->st.compressed > lim->max_ratio) {
        la_ingest_stop(in, LA_D_RATIO_LIMIT, path,
                       "decompression ratio above %u:1 (zip bomb?) (raise with --limit ratio=N); "
                       "stopped in this member", lim->max_ratio);
        return LA_FAILED;
    }
    return LA_OK;
}

enum la_rc la_member_read(struct la_member *m, const void **ret_buf, size_t *ret_len)
{
    enum la_rc rc;
    const void *b;
    size_t n;

    if (m->in->stop) {
        m->failed = 1;
        return LA_FAILED;
    }
    rc = fill_head(m);
    /* The head first, even when damage came right after it: what was read is kept. */
    if (m->headpos < m->headlen) {
        b = m->head + m->headpos;
        n = m->headlen - m->headpos;
        m->headpos = m->headlen;
    } else if (m->failed) {
        return LA_FAILED;
    } else if (rc != LA_OK) {
        return rc;
    } else if (m->src->kind != SRC_MEM && m->src->mempos < m->src->memlen) {
        /* Remainder of the block that filled the head. */
        b = m->src->block + m->src->mempos;
        n = m->src->memlen - m->src->mempos;
        m->src->mempos = m->src->memlen = 0;
    } else if (m->eof) {
        return LA_EOF;
    } else {
        rc = src_read(m, &b, &n);
        if (rc == LA_EOF) {
            m->eof = 1;
            return LA_EOF;
        }
        if (rc != LA_OK) {
            m->failed = 1;
            if (m->in->stop)
                m->stopped = m->in->halt.code;
            return rc;
        }
    }
    if (!m->container) {
        m->in->st.bytes += n;
        /* A plain file's bytes; an archive's were counted as it handed them out. */
        if (m->src->kind != SRC_ARCHIVE && la_ingest_count(m->in, m->path, n) != LA_OK) {
            m->failed = 1;
            m->stopped = m->in->halt.code;
            return LA_FAILED;
        }
    }
    if (la_ingest_stopped(m->in, m->path)) {
        m->failed = 1;
        m->stopped = m->in->halt.code;
        return LA_FAILED;
    }
    m->consumed += n;
    *ret_buf = b;
    *ret_len = n;
    return LA_OK;
}

void la_member_scan_ahead(struct la_member *m, const struct la_block_scan *sc)
{
    /* A large plain file given directly, when a core is spare: read ahead and scanned. */
    if (m->src->kind == SRC_FD && !m->src->ra && !m->depth && !m->container &&
        m->size >= LA_RA_MIN_BYTES && la_ingest_take_spare()) {
        m->src->ra = la_readahead_new(m->src->fd, sc);
        if (!m->src->ra)
            la_ingest_give_spare();
        return;
    }
#if HAVE_LIBARCHIVE && HAVE_ZLIB
    struct la_gz *g = m->src->kind == SRC_ARCHIVE ? la_ingest_archive_gz(m) : NULL;

    if (g)
        la_gz_scan_ahead(g, sc);
#endif
}

const void *la_member_scanned(const struct la_member *m, const void *buf, size_t len)
{
    if (m->src->kind == SRC_FD && m->src->ra)
        return la_readahead_scanned(m->src->ra, buf, len);
#if HAVE_LIBARCHIVE && HAVE_ZLIB
    const struct la_gz *g = m->src->kind == SRC_ARCHIVE ? la_ingest_archive_gz(m) : NULL;

    if (g)
        return la_gz_scanned(g, buf, len);
#endif
    return NULL;
}

const char *la_member_path(const struct la_member *m)
{
    return m->path;
}

const char *la_member_name(const struct la_member *m)
{
    return m->name;
}

unsigned la_member_depth(const struct la_member *m)
{
    return m->depth;
}

int64_t la_member_size(const struct la_member *m)
{
    return m->size;
}

uint64_t la_member_consumed(const struct la_member *m)
{
    return m->consumed;
}

const char *la_member_stopped(const struct la_member *m)
{
    switch (m->stopped) {
    case LA_D_BYTES_LIMIT:
        return "bytes";
    case LA_D_RATIO_LIMIT:
        return "ratio";
    case LA_D_MEMBER_LIMIT:
        return "members";
    case LA_D_STOPPED:
        return "caller's";
    default:
        return NULL;
    }
}

uint64_t la_member_input_bytes(const struct la_member *m)
{
    return m->in->st.compressed;
}
