/*
 * ingest: paths → leaf members, streamed.
 *
 * Data flow.  A byte source (a file descriptor, stdin, a memory buffer, or
 * the current entry of a libarchive handle) feeds a struct la_member.  The
 * member's first LA_MEMBER_HEAD bytes are peeked and kept, so that deciding
 * what the member is costs no second read: when the head carries the magic
 * of a compressor or an archive format, the member becomes a container and a
 * new libarchive handle reads it through a callback that pulls from the
 * member (head first); otherwise the member is a leaf and is handed to the
 * caller.  Recursion depth is bounded by the limits.
 *
 * Why magic bytes and not names: users rename files ("log.txt" that is a
 * gzip), and tools drop suffixes.  libarchive does the real bidding once we
 * know a member is not plain text; with format_raw enabled a compressed
 * single file (x.log.gz) yields one entry, which we name after the outer
 * member without its compression suffix.
 *
 * Bounds.  Leaf bytes per input and the ratio of leaf bytes to bytes read
 * from the input itself (zip bombs) are checked on every read; members per
 * input are counted; unread data of a member is drained through the same
 * counting reads, never through archive_read_data_skip(), so a bomb hidden
 * in a skipped member is caught too.
 *
 * Archives.  walk_archive() runs libarchive's read loop (RETRY retried, WARN
 * diagnosed, FAILED and FATAL end the archive with what was read kept) and
 * hands each regular entry to walk_member() one level deeper, so nesting is
 * plain recursion.  A zip or 7z given directly is opened seeking on the file
 * (7z cannot be streamed; a zip's central directory is the true member
 * list), falling back to streaming when that fails.
 *
 * Folders.  Entries come from la_dir_list() in byte order, so a folder gives
 * the same report on every file system; macOS metadata (._*, __MACOSX,
 * .DS_Store) is listed as skipped; a symlink back to an enclosing folder is
 * a loop, found by (dev, inode), and skipped with a warning.
 *
 * Errors.  A damaged member or archive is a warning: everything handed out
 * before stays valid and the caller keeps its results.  Only an input that
 * cannot be opened or read at all is LA_FAILED.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if HAVE_LIBARCHIVE
#include <archive.h>
#include <archive_entry.h>
#endif

#include "core/alloc.h"
#include "core/buf.h"
#include "core/dir.h"
#include "ingest/ingest.h"

#define BLOCK (64u << 10)

struct input {
    const struct la_limits *lim;
    const struct la_ingest_cb *cb;
    struct la_diag_sink *sink;
    struct la_ingest_stats st;
    const char *root;              /* the path given, for messages */
    enum la_rc rc;                 /* worst so far */
    int stop;                      /* a limit ended this input */
    int damaged;                   /* some data could not be read */
};

enum src_kind { SRC_FD, SRC_MEM, SRC_ARCHIVE };

struct src {
    enum src_kind kind;
    int fd;
    const char *mem;
    size_t memlen, mempos;
#if HAVE_LIBARCHIVE
    struct archive *ar;
#endif
    char *block;
};

struct la_member {
    struct input *in;
    struct src *src;
    char *path;
    const char *name;
    unsigned depth;
    int64_t size;
    int container;                 /* bytes feed an inner archive: not leaf bytes */
    char head[LA_MEMBER_HEAD];
    size_t headlen, headpos;
    int head_done;
    int eof, failed;
    uint64_t consumed;
};

/* ------------------------------------------------------------ reading a member */

/* Raw read from the source, no head logic, no counting of leaf bytes. */
static enum la_rc src_read(struct la_member *m, const void **buf, size_t *len)
{
    struct src *s = m->src;
    struct input *in = m->in;

    switch (s->kind) {
    case SRC_FD: {
        ssize_t n;
        do {
            n = read(s->fd, s->block, BLOCK);
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
        if (n > BLOCK)
            n = BLOCK;
        *buf = s->mem + s->mempos;
        *len = n;
        s->mempos += n;
        in->st.compressed += n;
        return LA_OK;
    }
    case SRC_ARCHIVE:
#if HAVE_LIBARCHIVE
    {
        la_ssize_t n = archive_read_data(s->ar, s->block, BLOCK);
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
    if (!m->container && check_caps(m, n) != LA_OK) {
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

/* ------------------------------------------------------------ what a member is */

/* Magic bytes of compressors and archive formats libarchive reads. */
static int is_container(const unsigned char *h, size_t n)
{
    static const struct {
        size_t off, len;
        const char *magic;
    } magics[] = {
        { 0, 2, "\x1f\x8b" },                     /* gzip */
        { 0, 3, "BZh" },                          /* bzip2 */
        { 0, 6, "\xfd" "7zXZ\x00" },              /* xz */
        { 0, 4, "\x28\xb5\x2f\xfd" },             /* zstd */
        { 0, 4, "\x04\x22\x4d\x18" },             /* lz4 */
        { 0, 2, "\x1f\x9d" },                     /* compress */
        { 0, 4, "PK\x03\x04" },                   /* zip */
        { 0, 4, "PK\x05\x06" },                   /* empty zip */
        { 0, 4, "PK\x07\x08" },                   /* spanned zip */
        { 0, 6, "7z\xbc\xaf\x27\x1c" },           /* 7z */
        { 0, 4, "Rar!" },                         /* rar */
        { 257, 5, "ustar" },                      /* tar */
        { 0, 6, "070701" },                       /* cpio newc */
        { 0, 6, "070707" },                       /* cpio odc */
        { 0, 8, "!<arch>\n" },                    /* ar */
        { 0, 4, "xar!" },                         /* xar */
    };

    for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
        if (n >= magics[i].off + magics[i].len &&
            memcmp(h + magics[i].off, magics[i].magic, magics[i].len) == 0)
            return 1;
    /* lzma alone: properties byte 0x5d followed by a dictionary size. */
    if (n >= 13 && h[0] == 0x5d && h[1] == 0 && h[2] == 0)
        return 1;
    return 0;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s && s[1] ? s + 1 : p;
}

/* A member that is not handed out goes to the caller's listing, when it keeps one. */
static void note_skipped(struct input *in, const char *path, uint64_t bytes, const char *status)
{
    if (in->cb->skipped)
        in->cb->skipped(in->cb->user, path, bytes, status);
}

/* Drain what the callback left unread, through the counting reads. */
static void drain(struct la_member *m)
{
    const void *b;
    size_t n;

    while (!m->failed && la_member_read(m, &b, &n) == LA_OK)
        ;
}

static enum la_rc walk_member(struct la_member *m);

/* ------------------------------------------------------------ archives (libarchive) */

#if HAVE_LIBARCHIVE
struct cbctx {
    struct la_member *parent;
    int fd;                        /* seekable mode: the input file itself, else -1 */
    char *block;
};

/*
 * Seekable mode, for zip and 7z files given directly: 7z keeps its index at
 * the end and cannot be streamed, and a zip's central directory is the
 * authoritative member list.  Reads go to the file, counted as input bytes.
 */
static la_ssize_t fd_read_cb(struct archive *a, void *user, const void **buf)
{
    struct cbctx *c = user;
    ssize_t n;

    do {
        n = read(c->fd, c->block, BLOCK);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        archive_set_error(a, errno, "read failed");
        return -1;
    }
    /* Input bytes are the furthest offset read: a seeking reader may read parts twice,
     * and counting them twice would hide a zip bomb's ratio. */
    off_t pos = lseek(c->fd, 0, SEEK_CUR);
    if (pos > 0 && (uint64_t)pos > c->parent->in->st.compressed)
        c->parent->in->st.compressed = (uint64_t)pos;
    *buf = c->block;
    return n;
}

static la_int64_t fd_seek_cb(struct archive *a, void *user, la_int64_t off, int whence)
{
    struct cbctx *c = user;
    off_t r = lseek(c->fd, (off_t)off, whence);

    if (r < 0) {
        archive_set_error(a, errno, "seek failed");
        return ARCHIVE_FATAL;
    }
    return (la_int64_t)r;
}

static int wants_seek(const struct la_member *m)
{
    const unsigned char *h = (const unsigned char *)m->head;

    if (m->depth != 0 || m->src->kind != SRC_FD || m->size < 0 || m->headlen < 6)
        return 0;
    return !memcmp(h, "PK\x03\x04", 4) || !memcmp(h, "7z\xbc\xaf\x27\x1c", 6);
}

static la_ssize_t ar_read_cb(struct archive *a, void *user, const void **buf)
{
    struct cbctx *c = user;
    size_t n;
    enum la_rc rc = la_member_read(c->parent, buf, &n);

    if (rc == LA_EOF)
        return 0;
    if (rc != LA_OK) {
        archive_set_error(a, EIO, "the enclosing data could not be read");
        return -1;
    }
    return (la_ssize_t)n;
}

static int is_appledouble(const char *p)
{
    const char *base = strrchr(p, '/');

    base = base ? base + 1 : p;
    return strncmp(base, "._", 2) == 0 || strncmp(p, "__MACOSX/", 9) == 0 ||
           strstr(p, "/__MACOSX/") != NULL;
}

/* Strip a compression suffix to name the single file inside. */
static char *strip_suffix(const char *name)
{
    static const char *const sfx[] = { ".gz", ".gzip", ".bz2", ".xz", ".zst", ".lz4",
                                       ".lzma", ".Z", ".tgz", ".tbz2", ".txz" };
    size_t len = strlen(name);

    for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
        size_t sl = strlen(sfx[i]);
        if (len > sl && strcmp(name + len - sl, sfx[i]) == 0) {
            if (!strcmp(sfx[i], ".tgz") || !strcmp(sfx[i], ".tbz2") || !strcmp(sfx[i], ".txz")) {
                char *r = la_malloc(len - sl + 5);
                if (r) {
                    memcpy(r, name, len - sl);
                    memcpy(r + len - sl, ".tar", 5);
                }
                return r;
            }
            return la_strndup(name, len - sl);
        }
    }
    return la_strdup(name);
}

/*
 * The formats and filters that matter for device logs.  Not format_all: some
 * bidders (cab, lha, mtree, warc, iso9660) read far ahead, which turns a
 * truncated .gz into an unreadable one instead of a partly read one.
 * Likewise the filters: the uudecode bidder scans far into the data.
 */
static void support_formats(struct archive *a)
{
    archive_read_support_filter_gzip(a);
    archive_read_support_filter_bzip2(a);
    archive_read_support_filter_xz(a);
    archive_read_support_filter_lzma(a);
    archive_read_support_filter_lzip(a);
    archive_read_support_filter_zstd(a);
    archive_read_support_filter_lz4(a);
    archive_read_support_filter_compress(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_zip(a);
    archive_read_support_format_7zip(a);
    archive_read_support_format_cpio(a);
    archive_read_support_format_ar(a);
    archive_read_support_format_xar(a);
    archive_read_support_format_rar(a);
    archive_read_support_format_rar5(a);
    archive_read_support_format_empty(a);
    archive_read_support_format_raw(a);
}

/* One archive being read: the libarchive handle and the state of its read loop. */
struct arwalk {
    struct la_member *parent;      /* the member whose bytes are the archive */
    struct archive *a;
    struct cbctx c;                /* what the read callbacks see */
    struct src s;                  /* the current entry's data */
    unsigned entries, retries;
    enum la_rc rc;                 /* worst so far */
};

static void arwalk_release(struct arwalk *w)
{
    la_free(w->s.block);
    la_free(w->c.block);
    archive_read_free(w->a);
}

/*
 * Open the input file itself, seeking.  Returns LA_EOF when libarchive
 * cannot open it that way (a zip with a damaged central directory): the
 * caller streams it instead.  LA_WARN when the file cannot be rewound.
 */
static enum la_rc open_seekable(struct arwalk *w)
{
    struct cbctx *c = &w->c;

    c->fd = w->parent->src->fd;
    c->block = la_malloc(BLOCK);
    if (!c->block)
        return LA_FATAL;
    if (lseek(c->fd, 0, SEEK_SET) != 0)
        return LA_WARN;
    archive_read_set_read_callback(w->a, fd_read_cb);
    archive_read_set_seek_callback(w->a, fd_seek_cb);
    archive_read_set_callback_data(w->a, c);
    if (archive_read_open1(w->a) != ARCHIVE_OK)
        return LA_EOF;
    w->parent->eof = 1;
    return LA_OK;
}

/* Open the archive on the parent member's reads (head first). */
static enum la_rc open_streaming(struct arwalk *w)
{
    struct input *in = w->parent->in;
    const char *err;

    if (archive_read_open(w->a, &w->c, NULL, ar_read_cb, NULL) == ARCHIVE_OK)
        return LA_OK;
    err = archive_error_string(w->a);
    la_diagf(in->sink, LA_SEV_WARNING, LA_D_ARCHIVE_DAMAGED, w->parent->path, 0, 0,
             "cannot read as an archive: %s", err ? err : "unknown format");
    in->damaged = 1;
    return LA_WARN;
}

/* A header could not be read: the archive ends here, with what was read before kept. */
static void archive_damaged(struct arwalk *w)
{
    struct input *in = w->parent->in;
    const char *err = archive_error_string(w->a);

    if (w->entries)
        la_diagf(in->sink, LA_SEV_WARNING, LA_D_ARCHIVE_DAMAGED, w->parent->path, 0, 0,
                 "archive damaged after %u member%s: %s; the members before the "
                 "damage were read", w->entries, w->entries == 1 ? "" : "s",
                 err ? err : "read error");
    else
        la_diagf(in->sink, LA_SEV_WARNING, LA_D_ARCHIVE_DAMAGED, w->parent->path, 0, 0,
                 "damaged archive: %s", err ? err : "read error");
    in->damaged = 1;
    w->rc = la_rc_worst(w->rc, LA_WARN);
}

/*
 * The header of the next regular entry (or of the single entry of a
 * compressed file), in libarchive's read loop: RETRY is retried up to 100
 * times, WARN is diagnosed and the entry read, FAILED and FATAL end the
 * archive.  Returns 1 with *ret_e set, 0 at the end of the archive.
 */
static int next_entry(struct arwalk *w, struct archive_entry **ret_e)
{
    for (;;) {
        int r = archive_read_next_header(w->a, ret_e);

        if (r == ARCHIVE_EOF)
            return 0;
        if (r == ARCHIVE_RETRY && ++w->retries < 100)
            continue;
        if (r == ARCHIVE_FATAL || r == ARCHIVE_RETRY || r == ARCHIVE_FAILED) {
            archive_damaged(w);
            return 0;
        }
        if (r == ARCHIVE_WARN) {
            const char *err = archive_error_string(w->a);
            la_diagf(w->parent->in->sink, LA_SEV_WARNING, LA_D_ARCHIVE_DAMAGED,
                     w->parent->path, 0, 0, "%s", err ? err : "archive warning");
            w->rc = la_rc_worst(w->rc, LA_WARN);
        }
        if (archive_entry_filetype(*ret_e) == AE_IFREG ||
            archive_format(w->a) == ARCHIVE_FORMAT_RAW) {
            w->entries++;
            return 1;
        }
    }
}

/* The entry's name in the archive, without leading "./". */
static const char *entry_name(struct archive_entry *e)
{
    const char *name = archive_entry_pathname(e);

    if (!name || !*name)
        name = "(unnamed)";
    while (name[0] == '.' && name[1] == '/')
        name += 2;
    return name;
}

/*
 * The display path of an entry: "parent!/name", or for the single entry of a
 * compressed file (raw) the parent's own path, with *ret_rawname (owned by
 * the caller) the parent's name without its compression suffix.
 */
static enum la_rc name_entry(const struct la_member *parent, int raw, const char *ename,
                             struct la_buf *path, char **ret_rawname)
{
    if (!raw)
        return la_buf_addf(path, "%s!/%s", parent->path, ename) == LA_OK ? LA_OK : LA_FATAL;
    *ret_rawname = strip_suffix(parent->name);
    if (!*ret_rawname || la_buf_adds(path, parent->path) != LA_OK)
        return LA_FATAL;
    return LA_OK;
}

/* Past the member cap: say so and stop reading this input. */
static int member_cap_reached(struct arwalk *w)
{
    struct input *in = w->parent->in;

    if (in->st.members < in->lim->max_members)
        return 0;
    la_diagf(in->sink, LA_SEV_WARNING, LA_D_MEMBER_LIMIT, w->parent->path, 0, 0,
             "more than %lu members; the rest were not read (raise with --limit "
             "members=N)", in->lim->max_members);
    in->stop = 1;
    w->rc = la_rc_worst(w->rc, LA_WARN);
    return 1;
}

/* A password-protected entry cannot be read: diagnosed, listed, skipped. */
static void skip_encrypted(struct arwalk *w, const char *path, uint64_t bytes)
{
    struct input *in = w->parent->in;

    la_diagf(in->sink, LA_SEV_WARNING, LA_D_ENCRYPTED, path, 0, 0,
             "member is encrypted (password-protected); skipped");
    note_skipped(in, path, bytes, "error: encrypted");
    in->damaged = 1;
    w->rc = la_rc_worst(w->rc, LA_WARN);
}

/*
 * Hand the current entry's data to walk_member() as a member one level
 * below the archive.  Returns 1 when the archive must not be read further.
 */
static int read_entry(struct arwalk *w, const char *path, const char *name, int64_t size)
{
    struct la_member m;
    enum la_rc rc;

    memset(&m, 0, sizeof(m));
    m.in = w->parent->in;
    m.src = &w->s;
    m.path = (char *)path;
    m.name = name;
    m.depth = w->parent->depth + 1;
    m.size = size;
    w->s.memlen = w->s.mempos = 0;
    rc = walk_member(&m);
    if (rc == LA_FATAL) {
        w->rc = LA_FATAL;
        return 1;
    }
    if (rc != LA_OK)
        w->rc = la_rc_worst(w->rc, LA_WARN);
    if (m.in->stop)
        return 1;
    /* The data of a compressed single file is damaged: libarchive cannot go on. */
    return m.failed && archive_format(w->a) == ARCHIVE_FORMAT_RAW;
}

/*
 * One entry: name it, then stop at the member cap, skip AppleDouble
 * metadata and encrypted entries, or read it.  Returns 1 to stop the archive.
 */
static int walk_entry(struct arwalk *w, struct archive_entry *e)
{
    int raw = archive_format(w->a) == ARCHIVE_FORMAT_RAW;
    const char *ename = entry_name(e);
    int64_t size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
    uint64_t bytes = size < 0 ? 0 : (uint64_t)size;
    struct la_buf path = LA_BUF_INIT;
    char *rawname = NULL;
    int stop = 0;

    if (name_entry(w->parent, raw, ename, &path, &rawname) != LA_OK) {
        w->rc = LA_FATAL;
        stop = 1;
    } else if (member_cap_reached(w)) {
        stop = 1;
    } else if (!raw && is_appledouble(ename)) {
        note_skipped(w->parent->in, path.buf, bytes, "skipped: AppleDouble metadata");
    } else if (archive_entry_is_encrypted(e)) {
        skip_encrypted(w, path.buf, bytes);
    } else {
        stop = read_entry(w, path.buf, raw ? rawname : base_name(ename), size);
    }
    la_buf_release(&path);
    la_free(rawname);
    return stop;
}

/*
 * Read the archive (or compressed file) whose bytes are parent's, handing
 * each entry to walk_member().  seek: open the input file itself, seeking
 * (see fd_read_cb); LA_EOF then means "stream it instead".
 */
static enum la_rc walk_archive(struct la_member *parent, int seek)
{
    struct arwalk w;
    struct archive_entry *e;
    enum la_rc rc;

    memset(&w, 0, sizeof(w));
    w.parent = parent;
    w.c.parent = parent;
    w.c.fd = -1;
    w.a = archive_read_new();
    if (!w.a)
        return LA_FATAL;
    parent->container = 1;
    support_formats(w.a);
    rc = seek ? open_seekable(&w) : open_streaming(&w);
    if (rc == LA_OK) {
        w.s.kind = SRC_ARCHIVE;
        w.s.ar = w.a;
        w.s.block = la_malloc(BLOCK);
        if (!w.s.block)
            rc = LA_FATAL;
    }
    if (rc != LA_OK) {
        arwalk_release(&w);
        return rc;
    }
    while (next_entry(&w, &e) && !walk_entry(&w, e))
        ;
    if (!w.entries && w.rc == LA_OK && !parent->in->stop) {
        la_diagf(parent->in->sink, LA_SEV_WARNING, LA_D_EMPTY_INPUT, parent->path, 0, 0,
                 "no members: an empty archive, or data that only looks like one "
                 "(e.g. all zero bytes)");
        note_skipped(parent->in, parent->path, 0, "skipped: no members");
        w.rc = LA_WARN;
    }
    arwalk_release(&w);
    return w.rc;
}
#endif

/* Leaf or container: decide from the head and dispatch. */
static enum la_rc walk_member(struct la_member *m)
{
    struct input *in = m->in;
    const void *h;
    size_t hl;
    enum la_rc rc = la_member_head(m, &h, &hl);

    if (rc != LA_OK) {
        note_skipped(in, m->path, 0, "error: unreadable");
        return LA_WARN;
    }
    if (is_container(h, hl)) {
#if HAVE_LIBARCHIVE
        if (m->depth >= in->lim->max_depth) {
            la_diagf(in->sink, LA_SEV_WARNING, LA_D_DEPTH_LIMIT, m->path, 0, 0,
                     "archive nested deeper than %u levels; not opened (raise with --limit "
                     "depth=N)", in->lim->max_depth);
            note_skipped(in, m->path, m->size < 0 ? 0 : (uint64_t)m->size,
                         "skipped: nesting deeper than the limit");
            m->container = 1;
            drain(m);
            return LA_WARN;
        }
        if (wants_seek(m)) {
            rc = walk_archive(m, 1);
            if (rc != LA_EOF)
                return rc;
            /* Seekable open failed: stream it from the start instead. */
            if (lseek(m->src->fd, (off_t)m->headlen, SEEK_SET) != (off_t)m->headlen)
                return LA_WARN;
            m->headpos = 0;
            m->eof = 0;
            m->src->memlen = m->src->mempos = 0;
        }
        rc = walk_archive(m, 0);
        if (rc != LA_FATAL)
            drain(m);
        return rc;
#else
        la_diagf(in->sink, LA_SEV_WARNING, LA_D_ARCHIVE_UNSUPPORTED, m->path, 0, 0,
                 "looks like an archive or compressed file, but archive support is not built");
        note_skipped(in, m->path, 0, "skipped: archive support not built");
        return LA_WARN;
#endif
    }
    in->st.members++;
    rc = in->cb->member(in->cb->user, m);
    if (rc == LA_FATAL)
        return LA_FATAL;
    drain(m);
    if (m->failed)
        return LA_WARN;
    return rc == LA_OK ? LA_OK : LA_WARN;
}

/* ------------------------------------------------------------ files and folders */

static enum la_rc walk_fd(struct input *in, int fd, const char *path, const char *name,
                          int64_t size)
{
    struct src s;
    struct la_member m;
    enum la_rc rc;

    memset(&s, 0, sizeof(s));
    s.kind = SRC_FD;
    s.fd = fd;
    s.block = la_malloc(BLOCK);
    if (!s.block)
        return LA_FATAL;
    memset(&m, 0, sizeof(m));
    m.in = in;
    m.src = &s;
    m.path = (char *)path;
    m.name = name;
    m.size = size;
    if (size == 0) {
        la_diagf(in->sink, LA_SEV_WARNING, LA_D_EMPTY_INPUT, path, 0, 0, "file is empty");
    }
    rc = walk_member(&m);
    la_free(s.block);
    return rc;
}

struct dirstack {
    dev_t dev;
    ino_t ino;
    const struct dirstack *up;
};

static enum la_rc walk_path(struct input *in, const char *path, const char *display,
                            const struct dirstack *up, int top);

/* Finder's and the resource fork's droppings: listed as skipped, never read. */
static int is_macos_metadata(const char *name)
{
    return strncmp(name, "._", 2) == 0 || !strcmp(name, "__MACOSX") || !strcmp(name, ".DS_Store");
}

/* One entry of a folder: its path to open and its path to show. */
static enum la_rc walk_dir_entry(struct input *in, const char *path, const char *display,
                                 const char *name, const struct dirstack *me)
{
    struct la_buf p = LA_BUF_INIT, dp = LA_BUF_INIT;
    enum la_rc rc = LA_OK;

    if (la_buf_addf(&p, "%s/%s", path, name) != LA_OK ||
        la_buf_addf(&dp, "%s%s%s", display,
                    display[0] && display[strlen(display) - 1] == '/' ? "" : "/", name) != LA_OK)
        rc = LA_FATAL;
    else if (is_macos_metadata(name))
        note_skipped(in, dp.buf, 0, "skipped: macOS metadata");
    else
        rc = walk_path(in, p.buf, dp.buf, me, 0);
    la_buf_release(&p);
    la_buf_release(&dp);
    return rc;
}

/* A folder: its entries in byte order (la_dir_list), each walked in turn. */
static enum la_rc walk_dir(struct input *in, const char *path, const char *display,
                           const struct stat *st, const struct dirstack *up)
{
    struct dirstack me = { st->st_dev, st->st_ino, up };
    struct la_dir_list l;
    enum la_rc rc;

    for (const struct dirstack *p = up; p; p = p->up)
        if (p->dev == st->st_dev && p->ino == st->st_ino) {
            la_diagf(in->sink, LA_SEV_WARNING, LA_D_DIR_LOOP, display, 0, 0,
                     "directory loop (a symlink points back to an enclosing folder); skipped");
            return LA_WARN;
        }
    rc = la_dir_list(path, NULL, NULL, 0, &l, NULL);
    if (rc == LA_FATAL)
        return LA_FATAL;
    if (rc != LA_OK) {
        la_diagf(in->sink, LA_SEV_WARNING, LA_D_OPEN_FAILED, display, 0, 0,
                 "cannot open directory: %s", strerror(errno));
        return LA_WARN;
    }
    for (size_t i = 0; i < l.n && rc != LA_FATAL && !in->stop; i++)
        rc = la_rc_worst(rc, walk_dir_entry(in, path, display, l.names[i], &me));
    la_dir_list_release(&l);
    return rc;
}

static enum la_rc walk_path(struct input *in, const char *path, const char *display,
                            const struct dirstack *up, int top)
{
    struct stat st;
    int fd;
    enum la_rc rc;

    if (stat(path, &st) != 0) {
        la_diagf(in->sink, top ? LA_SEV_ERROR : LA_SEV_WARNING, LA_D_OPEN_FAILED, display, 0, 0,
                 "cannot open: %s", strerror(errno));
        if (!top)
            note_skipped(in, display, 0, "error: cannot open");
        return top ? LA_FAILED : LA_WARN;
    }
    if (S_ISDIR(st.st_mode))
        return walk_dir(in, path, display, &st, up);
    if (!S_ISREG(st.st_mode)) {
        la_diagf(in->sink, top ? LA_SEV_ERROR : LA_SEV_WARNING, LA_D_NOT_REGULAR, display, 0, 0,
                 "not a regular file (device, socket or fifo); skipped");
        return top ? LA_FAILED : LA_WARN;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        la_diagf(in->sink, top ? LA_SEV_ERROR : LA_SEV_WARNING, LA_D_OPEN_FAILED, display, 0, 0,
                 "cannot open: %s", strerror(errno));
        if (!top)
            note_skipped(in, display, 0, "error: cannot open");
        return top ? LA_FAILED : LA_WARN;
    }
    rc = walk_fd(in, fd, display, base_name(display), (int64_t)st.st_size);
    close(fd);
    return rc;
}

/* ------------------------------------------------------------ entry points */

static void input_init(struct input *in, const char *root, const struct la_limits *lim,
                       const struct la_ingest_cb *cb, struct la_diag_sink *sink)
{
    memset(in, 0, sizeof(*in));
    in->root = root;
    in->lim = lim;
    in->cb = cb;
    in->sink = sink;
}

static enum la_rc input_finish(struct input *in, enum la_rc rc,
                               struct la_ingest_stats *ret_stats)
{
    if (ret_stats)
        *ret_stats = in->st;
    /* Damage before any member could be handed out: nothing was readable. */
    if (rc == LA_WARN && in->st.members == 0 && in->damaged)
        return LA_FAILED;
    return rc;
}

enum la_rc la_ingest_path(const char *path, const struct la_limits *lim,
                          const struct la_ingest_cb *cb, struct la_ingest_stats *ret_stats,
                          struct la_diag_sink *sink)
{
    struct input in;
    enum la_rc rc;

    if (!path || !lim || !cb || !cb->member)
        return LA_FATAL;
    input_init(&in, path, lim, cb, sink);
    if (!strcmp(path, "-"))
        rc = walk_fd(&in, STDIN_FILENO, "<stdin>", "stdin", -1);
    else
        rc = walk_path(&in, path, path, NULL, 1);
    return input_finish(&in, rc, ret_stats);
}

enum la_rc la_ingest_memory(const char *name, const void *data, size_t len,
                            const struct la_limits *lim, const struct la_ingest_cb *cb,
                            struct la_ingest_stats *ret_stats, struct la_diag_sink *sink)
{
    struct input in;
    struct src s;
    struct la_member m;
    enum la_rc rc;

    if (!name || (!data && len) || !lim || !cb || !cb->member)
        return LA_FATAL;
    input_init(&in, name, lim, cb, sink);
    memset(&s, 0, sizeof(s));
    s.kind = SRC_MEM;
    s.mem = data;
    s.memlen = len;
    memset(&m, 0, sizeof(m));
    m.in = &in;
    m.src = &s;
    m.path = (char *)name;
    m.name = base_name(name);
    m.size = (int64_t)len;
    rc = walk_member(&m);
    return input_finish(&in, rc, ret_stats);
}
