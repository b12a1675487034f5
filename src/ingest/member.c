/*
 * Reading a member: its byte source (a file descriptor, a memory buffer or the current
 * entry of a libarchive handle), the first LA_MEMBER_HEAD bytes peeked once and handed
 * out again, and the counted reads every leaf byte passes through.
 *
 * Bounds.  Leaf bytes per input and the ratio of leaf bytes to bytes read
 * from the input itself (zip bombs) are checked on every read (check_caps);
 * bytes that feed an inner archive (a container's) are not leaf bytes and
 * are not counted twice.  A cap sets in->stop, and every later read of the
 * input fails; so does the caller's stop callback, asked after every read
 * (la_ingest_stopped: a deadline of serve's).
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
    {
        la_ssize_t n = archive_read_data(s->ar, s->block, LA_INGEST_BLOCK);
        if (n == 0)
            return LA_EOF;
        if (n < 0) {
            const char *e = archive_error_string(s->ar);
            la_diagf(in->sink, LA_SEV_WARNING, LA_D_MEMBER_FAILED, m->path, 0, 0,
                     "damaged member: %s", e ? e : "read error");
            in->damaged = 1;
            return LA_FAILED;
        }
        *buf = s->block;
        *len = (size_t)n;
        return LA_OK;
    }
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

static enum la_rc check_caps(struct la_member *m, size_t n)
{
    struct input *in = m->in;
    const struct la_limits *lim = in->lim;

    in->st.bytes += n;
    if (lim->max_bytes && in->st.bytes > lim->max_bytes) {
        la_diagf(in->sink, LA_SEV_WARNING, LA_D_BYTES_LIMIT, m->path, 0, 0,
                 "input decompresses to more than %llu bytes; stopped reading it "
                 "(raise with --limit bytes=N)", (unsigned long long)lim->max_bytes);
        in->stop = 1;
        return LA_FAILED;
    }
    if (lim->max_ratio && in->st.bytes > LA_RATIO_GRACE && in->st.compressed &&
        in->st.bytes / in->st.compressed > lim->max_ratio) {
        la_diagf(in->sink, LA_SEV_WARNING, LA_D_RATIO_LIMIT, m->path, 0, 0,
                 "decompression ratio above %u:1 (zip bomb?); stopped reading this input "
                 "(raise with --limit ratio=N)", lim->max_ratio);
        in->stop = 1;
        return LA_FAILED;
    }
    return LA_OK;
}

enum la_rc la_member_read(struct la_member *m, const void **ret_buf, size_t *ret_len)
{
    enum la_rc rc;
    const void *b;
    size_t n;

    if (m->failed)
        return LA_FAILED;
    if (m->in->stop) {
        m->failed = 1;
        return LA_FAILED;
    }
    rc = fill_head(m);
    if (m->headpos < m->headlen) {
        b = m->head + m->headpos;
        n = m->headlen - m->headpos;
        m->headpos = m->headlen;
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
            return rc;
        }
    }
    if ((!m->container && check_caps(m, n) != LA_OK) || la_ingest_stopped(m->in, m->path)) {
        m->failed = 1;
        return LA_FAILED;
    }
    m->consumed += n;
    *ret_buf = b;
    *ret_len = n;
    return LA_OK;
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

uint64_t la_member_input_bytes(const struct la_member *m)
{
    return m->in->st.compressed;
}
