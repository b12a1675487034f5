/*
 * ingest: paths → leaf members, streamed.  This file decides what a member
 * is and walks files and folders; member.c reads a member's bytes and
 * archive.c reads archives (ingest-internal.h, docs/internals/ingest.md).
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
 * Bounds.  Unpacked bytes per input and their ratio to the bytes read from
 * the input itself (zip bombs) are checked on every read (member.c,
 * archive.c); every entry met, read or skipped, counts against the member
 * cap (la_ingest_count_entry); unread data of a member is drained through
 * the same counting reads, never through archive_read_data_skip(), so a
 * bomb hidden in a skipped member is caught too.  A cap ends the input: the
 * member it stopped at and each level left unread are kept in in->halt and
 * reported in one warning at the end (report_stop).
 *
 * Archives are read in archive.c, each entry handed back to
 * la_ingest_walk_member() one level deeper: nesting is plain recursion.
 *
 * Folders.  Entries come from la_dir_list() in byte order, so a folder gives
 * the same report on every file system; macOS metadata (._*, __MACOSX,
 * .DS_Store) is listed as skipped; a symlink back to an enclosing folder is
 * a loop, found by (dev, inode), and skipped with a warning.  A folder's
 * symlinks are followed only to where they resolve inside the folder given
 * (its real path): one that leads out of it (to /etc, a key in the home
 * folder) is listed as skipped with a warning (LA120), never read, so a
 * folder of logs cannot carry other files' text into a report.
 *
 * Errors.  A damaged member or archive is a warning: everything handed out
 * before stays valid and the caller keeps its results.  Only an input that
 * cannot be opened or read at all is LA_FAILED.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/dir.h"
#include "ingest/ingest-internal.h"

const char *la_ingest_base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s && s[1] ? s + 1 : p;
}

void la_ingest_note_skipped(struct input *in, const char *path, uint64_t bytes,
                            const char *status)
{
    if (in->cb->skipped)
        in->cb->skipped(in->cb->user, path, bytes, status);
}

/* ------------------------------------------------------------ spare cores */

/* Cores the callers left idle (la_ingest_spare_threads); the inflate threads take them. */
static atomic_int spare;

void la_ingest_spare_threads(int n)
{
    atomic_fetch_add(&spare, n);
}

int la_ingest_take_spare(void)
{
    int v = atomic_load(&spare);

    while (v > 0)
        if (atomic_compare_exchange_weak(&spare, &v, v - 1))
            return 1;
    return 0;
}

void la_ingest_give_spare(void)
{
    atomic_fetch_add(&spare, 1);
}

/* ------------------------------------------------------------ caps and stops */

int la_ingest_count_entry(struct input *in, const char *path)
{
    in->entries++;
    if (in->stop)
        return 1;
    if (in->entries <= in->lim->max_members)
        return 0;
    la_ingest_stop(in, LA_D_MEMBER_LIMIT, path,
                   "more than %lu members (every entry counts, skipped ones too; raise with "
                   "--limit members=N); stopped at this one", in->lim->max_members);
    la_ingest_unread(in, "this member");
    return 1;
}

void la_ingest_stop(struct input *in, unsigned code, const char *at, const char *fmt, ...)
{
    struct la_buf why = LA_BUF_INIT;
    va_list ap;

    if (in->stop)
        return;
    in->stop = 1;
    in->halt.code = code;
    in->halt.at = at ? la_strdup(at) : NULL;
    va_start(ap, fmt);
    /* Out of memory: the warning still comes, with the diagnostic code's summary. */
    if (la_buf_vaddf(&why, fmt, ap) == LA_OK)
        in->halt.why = la_buf_detach(&why, NULL);
    va_end(ap);
    la_buf_release(&why);
}

int la_ingest_stopped(struct input *in, const char *path)
{
    const char *why;

    if (in->stop)
        return 1;
    /* The caller's budget sees every unpacked byte, as the bytes cap does. */
    if (!in->cb->stop || !(why = in->cb->stop(in->cb->user, in->unpacked)))
        return 0;
    la_ingest_stop(in, LA_D_STOPPED, path, "analysis stopped here: %s; what was read before is kept",
                   why);
    return 1;
}

void la_ingest_unread(struct input *in, const char *fmt, ...)
{
    struct stop *h = &in->halt;
    va_list ap;

    if (!in->stop)
        return;
    if (h->nunread >= LA_MAX_UNREAD_LISTED) {
        h->more++;
        return;
    }
    if (h->nunread && la_buf_adds(&h->unread, ", ") != LA_OK)
        return;
    va_start(ap, fmt);
    if (la_buf_vaddf(&h->unread, fmt, ap) == LA_OK)
        h->nunread++;
    va_end(ap);
}

/* The one warning of a stop: where, why, and what was not read. */
static void report_stop(struct input *in)
{
    struct stop *h = &in->halt;

    if (!in->stop)
        return;
    if (h->more && la_buf_addf(&h->unread, " and the rest of %u enclosing archive%s or folder%s",
                               h->more, h->more == 1 ? "" : "s", h->more == 1 ? "" : "s") != LA_OK)
        la_buf_reset(&h->unread);
    la_diagf(in->sink, LA_SEV_WARNING, h->code, h->at ? h->at : in->root, 0, 0,
             "%s; not read: %s", h->why ? h->why : la_diag_summary(h->code),
             h->unread.len ? h->unread.buf : "the rest of the input");
    la_free(h->at);
    la_free(h->why);
    la_buf_release(&h->unread);
    memset(h, 0, sizeof(*h));
}

/* Drain what the callback left unread, through the counting reads. */
static void drain(struct la_member *m)
{
    const void *b;
    size_t n;

    while (!m->failed && la_member_read(m, &b, &n) == LA_OK)
        ;
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

/* Leaf or container: decide from the head and dispatch. */
enum la_rc la_ingest_walk_member(struct la_member *m)
{
    struct input *in = m->in;
    const void *h;
    size_t hl;
    enum la_rc rc = la_member_head(m, &h, &hl);

    if (rc != LA_OK) {
        la_ingest_note_skipped(in, m->path, 0, "error: unreadable");
        return LA_WARN;
    }
    if (is_container(h, hl)) {
#if HAVE_LIBARCHIVE
        if (m->depth >= in->lim->max_depth) {
            la_diagf(in->sink, LA_SEV_WARNING, LA_D_DEPTH_LIMIT, m->path, 0, 0,
                     "archive or compressed data nested deeper than %u levels (each archive, "
                     "and each compressor inside another, is a level); not opened (raise with "
                     "--limit depth=N)", in->lim->max_depth);
            la_ingest_note_skipped(in, m->path, m->size < 0 ? 0 : (uint64_t)m->size,
                                   "skipped: nesting deeper than the limit");
            m->container = 1;
            drain(m);
            return LA_WARN;
        }
        if (la_ingest_wants_seek(m)) {
            rc = la_ingest_walk_archive(m, 1);
            if (rc != LA_EOF)
                return rc;
            /* Seekable open failed: stream it from the start instead. */
            if (lseek(m->src->fd, (off_t)m->headlen, SEEK_SET) != (off_t)m->headlen)
                return LA_WARN;
            m->headpos = 0;
            m->eof = 0;
            m->src->memlen = m->src->mempos = 0;
        }
        rc = la_ingest_walk_archive(m, 0);
        if (rc != LA_FATAL)
            drain(m);
        return rc;
#else
        la_diagf(in->sink, LA_SEV_WARNING, LA_D_ARCHIVE_UNSUPPORTED, m->path, 0, 0,
                 "looks like an archive or compressed file, but archive support is not built");
        la_ingest_note_skipped(in, m->path, 0, "skipped: archive support not built");
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
    s.block = la_malloc(LA_INGEST_BLOCK);
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
    rc = la_ingest_walk_member(&m);
    if (s.ra) {                    /* started by la_member_scan_ahead() */
        la_readahead_free(s.ra);
        la_ingest_give_spare();
    }
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

/* Whether the real path real is the folder given or inside it. */
static int inside_root(const struct input *in, const char *real)
{
    size_t n = strlen(in->root_real);

    if (n == 1)                     /* the folder given is "/" */
        return 1;
    return !strncmp(real, in->root_real, n) && (real[n] == '\0' || real[n] == '/');
}

/*
 * A symlink in the folder: walked at its real path when that is inside the folder given,
 * else (or when the folder's own real path is unknown) listed as skipped.  A link that does
 * not resolve is walked as it is, to be reported as a file that cannot be opened.
 */
static enum la_rc walk_link(struct input *in, const char *path, const char *display,
                            const struct dirstack *me)
{
    char *real = realpath(path, NULL);
    enum la_rc rc;

    if (!real && errno == ENOMEM)
        return LA_FATAL;
    if (!real)
        return walk_path(in, path, display, me, 0);
    if (in->root_real && inside_root(in, real)) {
        rc = walk_path(in, real, display, me, 0);
    } else {
        la_diagf(in->sink, LA_SEV_WARNING, LA_D_SYMLINK_OUTSIDE, display, 0, 0,
                 "symbolic link to outside the folder given; skipped");
        la_ingest_note_skipped(in, display, 0, "skipped: symbolic link outside the folder");
        rc = LA_WARN;
    }
    free(real);
    return rc;
}

/* One entry of a folder: its path to open and its path to show. */
static enum la_rc walk_dir_entry(struct input *in, const char *path, const char *display,
                                 const char *name, const struct dirstack *me)
{
    struct la_buf p = LA_BUF_INIT, dp = LA_BUF_INIT;
    enum la_rc rc = LA_OK;
    struct stat st;

    if (la_buf_addf(&p, "%s/%s", path, name) != LA_OK ||
        la_buf_addf(&dp, "%s%s%s", display,
                    display[0] && display[strlen(display) - 1] == '/' ? "" : "/", name) != LA_OK)
        rc = LA_FATAL;
    else if (la_ingest_count_entry(in, dp.buf))
        rc = LA_WARN;
    else if (is_macos_metadata(name))
        la_ingest_note_skipped(in, dp.buf, 0, "skipped: macOS metadata");
    else if (lstat(p.buf, &st) == 0 && S_ISLNK(st.st_mode))
        rc = walk_link(in, p.buf, dp.buf, me);
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

    if (!up && !in->root_real) {    /* the folder given: where its links may lead */
        in->root_real = realpath(path, NULL);
        if (!in->root_real && errno == ENOMEM)
            return LA_FATAL;
    }

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
    size_t i;
    for (i = 0; i < l.n && rc != LA_FATAL && !in->stop; i++)
        rc = la_rc_worst(rc, walk_dir_entry(in, path, display, l.names[i], &me));
    if (in->stop && i < l.n)
        la_ingest_unread(in, "%zu more entr%s of the folder %s", l.n - i,
                         l.n - i == 1 ? "y" : "ies", display);
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
            la_ingest_note_skipped(in, display, 0, "error: cannot open");
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
            la_ingest_note_skipped(in, display, 0, "error: cannot open");
        return top ? LA_FAILED : LA_WARN;
    }
    rc = walk_fd(in, fd, display, la_ingest_base_name(display), (int64_t)st.st_size);
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
    free(in->root_real);
    in->root_real = NULL;
    if (in->stop)
        rc = la_rc_worst(rc, LA_WARN);
    report_stop(in);
    in->st.entries = in->entries;
    in->st.unpacked = in->unpacked;
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
    m.name = la_ingest_base_name(name);
    m.size = (int64_t)len;
    rc = la_ingest_walk_member(&m);
    return input_finish(&in, rc, ret_stats);
}
