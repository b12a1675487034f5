/*
 * Archives and compressed files, through libarchive.
 *
 * la_ingest_walk_archive() runs libarchive's read loop (RETRY retried while
 * it makes progress, each run of damaged headers reported; WARN diagnosed;
 * FAILED and FATAL end the archive with what was read kept) and hands each
 * regular entry to la_ingest_walk_member() one level deeper, so nesting is
 * plain recursion.  The archive's bytes are pulled from the enclosing member
 * (ar_read_cb), head first, through its counted reads; a gzip stream is
 * inflated by gzip.c on the way (zlib checks its trailers, libarchive's own
 * filter does not).  A zip or 7z given directly is opened seeking on the
 * file instead (7z cannot be streamed; a zip's central directory is the true
 * member list), falling back to streaming when that fails, and streaming it
 * when its central directory lists more entries than the member cap.
 *
 * With format_raw a compressed single file (x.log.gz) yields one entry,
 * which takes the outer member's path and its name without the compression
 * suffix.  Every entry counts against the member cap before anything else;
 * AppleDouble files and encrypted entries are listed as skipped; entries
 * that are not regular files (directories, links, fifos, devices) are never
 * read as logs, except one that holds data although it is marked as a fifo
 * or a device (7z a -si marks its member so), and are listed when they
 * carry data or are not directories.
 *
 * Counting (account()): every byte an archive level unpacks counts against
 * the bytes and ratio caps once: the decompressed stream a format reads
 * (a .tar.gz's whole tar, headers and skipped blocks included), and the
 * data of entries a format unpacks itself (zip, 7z, rar …).  Every entry's
 * data is read through la_ingest_archive_read(), skipped ones too, so that
 * libarchive never inflates it out of sight; the one exception is a zip
 * entry that is not a regular file and whose length is unknown (streamed,
 * "length at end"): libarchive inflates it while skipping it and will not
 * hand it out, so its compressed size times deflate's largest ratio is
 * counted instead (blind_*), checked as the skip goes.
 *
 * Names are UTF-8 whatever the process locale: libarchive converts entry
 * names into the calling thread's locale (a zip's UTF-8 names, pax and 7z
 * names), and in the C locale every non-ASCII name failed to convert (no
 * name, and a spurious "cannot be converted" warning).  So the walk runs in a
 * UTF-8 LC_CTYPE for this thread only (uselocale(3) with one C.UTF-8 locale
 * object made once per process, restored on return), zip
 * names not flagged UTF-8 (general purpose bit 11 clear: Windows Explorer,
 * old tools) are read as CP437, the zip default (libarchive's "hdrcharset"
 * option), and names are taken with archive_entry_pathname_utf8().  What
 * libarchive cannot convert (a Latin-1 name in a tar: tar has no charset)
 * stays as bytes, and la_redact_json() and the escapers turn the bad bytes
 * into U+FFFD where they are shown.
 *
 * Built only with libarchive (src/meson.build); without it ingest.c lists
 * archives as not readable.
 */
#include "config.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "ingest/ingest-internal.h"

/*
 * Deflate's largest expansion: about 1032 bytes out per byte in (a 258-byte match coded in
 * about two bits).  What libarchive inflates unseen is counted as this many times its input.
 */
#define LA_DEFLATE_MAX_RATIO 1032u
/* Compressed bytes of a directory's data that are not yet suspicious (an empty deflate stream
 * and a zip64 data descriptor). */
#define LA_EMPTY_DATA 64u

struct arwalk;

struct cbctx {
    struct arwalk *w;
    struct la_member *parent;
    int fd;                        /* seekable mode: the input file itself, else -1 */
    char *block;
#if HAVE_ZLIB
    struct la_gz *gz;              /* the parent's bytes are a gzip stream, inflated here */
#endif
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
        n = read(c->fd, c->block, LA_INGEST_BLOCK);
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

/*
 * The number of entries a zip's end-of-central-directory record gives (APPNOTE 4.3.16: the
 * record is the last 22 bytes, before a comment of up to 65535), or -1 when it cannot be
 * found or says "see the zip64 record" (0xFFFF).  libarchive reads the whole central
 * directory into memory when it opens a zip seeking, before any entry is seen: a zip that
 * lists more entries than the member cap is streamed instead, in flat memory.
 */
static long zip_entry_count(int fd, int64_t size)
{
    size_t want = size < 22 + 65535 ? (size_t)size : 22 + 65535;
    unsigned char *b = la_malloc(want ? want : 1);
    long n = -1;

    if (!b)
        return -1;
    if (want >= 22 && pread(fd, b, want, (off_t)((size_t)size - want)) == (ssize_t)want) {
        for (size_t i = want - 22 + 1; i-- > 0;) {
            const unsigned char *r = b + i;
            size_t comment = (size_t)r[20] | (size_t)r[21] << 8;
            if (memcmp(r, "PK\x05\x06", 4) || i + 22 + comment != want)
                continue;
            n = (long)r[10] | (long)r[11] << 8;
            if (n == 0xFFFF)
                n = -1;
            break;
        }
    }
    la_free(b);
    return n;
}

int la_ingest_wants_seek(const struct la_member *m)
{
    const unsigned char *h = (const unsigned char *)m->head;
    unsigned long cap = m->in->lim->max_members;
    long n;

    if (m->depth != 0 || m->src->kind != SRC_FD || m->size < 0 || m->headlen < 6)
        return 0;
    if (!memcmp(h, "7z\xbc\xaf\x27\x1c", 6))
        return 1;
    if (memcmp(h, "PK\x03\x04", 4))
        return 0;
    n = zip_entry_count(m->src->fd, m->size);
    return n >= 0 && (unsigned long)n <= cap;
}

static enum la_rc blind_check(struct arwalk *w);
static void read_failed(struct arwalk *w, enum la_rc rc);
#if HAVE_ZLIB
static void gz_found_bad(struct arwalk *w);
#endif

/* Streaming mode: the parent member's bytes (inflated when they are gzip), head first. */
static la_ssize_t ar_read_cb(struct archive *a, void *user, const void **buf)
{
    struct cbctx *c = user;
    size_t n;
    enum la_rc rc;

    if (blind_check(c->w) != LA_OK) {
        archive_set_error(a, EIO, "stopped by a limit");
        return -1;
    }
#if HAVE_ZLIB
    if (c->gz) {
        rc = la_gz_read(c->gz, buf, &n);
        if (rc == LA_OK)
            return (la_ssize_t)n;
        /* Damage ends the stream where it is: libarchive reads what came before to the end
         * (its read-ahead would otherwise lose it), and the damage is told about there. */
        if (rc != LA_EOF && !c->parent->in->stop && rc != LA_FATAL) {
            gz_found_bad(c->w);
            return 0;
        }
        if (rc == LA_EOF)
            return 0;
        read_failed(c->w, rc);
        archive_set_error(a, EIO, "%s", la_gz_error(c->gz));
        return -1;
    }
#endif
    rc = la_member_read(c->parent, buf, &n);
    if (rc == LA_EOF)
        return 0;
    if (rc != LA_OK) {
        read_failed(c->w, rc);
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
 * Likewise the filters: the uudecode bidder scans far into the data.  gzip
 * is inflated before libarchive sees it (gzip.c), so a gzip inside a gzip
 * is an entry of its own, one level deeper.
 */
static void support_formats(struct archive *a)
{
#if !HAVE_ZLIB
    archive_read_support_filter_gzip(a);    /* else gzip.c: its trailers are checked */
#endif
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
    /* Zip names without the UTF-8 flag are CP437 (APPNOTE.TXT, appendix D).  Without the
     * iconv module for CP437 the option fails and such names stay bytes (U+FFFD shown). */
    (void)archive_read_set_format_option(a, "zip", "hdrcharset", "CP437");
}

/*
 * The C.UTF-8 LC_CTYPE the walks read archives in: made once per process (pthread_once), never
 * changed or freed, so it is shared by every thread read-only.  Making and freeing one per
 * archive would churn glibc's table of loaded locales for nothing.  NULL when C.UTF-8 is not
 * installed: names then convert as the process locale allows.
 */
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;
static locale_t utf8_ctype;

static void make_utf8_ctype(void)
{
    utf8_ctype = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

/*
 * Switch this thread to the UTF-8 LC_CTYPE while an archive is read, so libarchive converts
 * names to UTF-8 (see the comment atop this file).  Returns 1 with *ret_old the locale to
 * restore with uselocale(), or 0 when nothing was switched: the thread's locale is UTF-8
 * already (a nested archive, a UTF-8 environment) or C.UTF-8 is not installed.
 */
static int utf8_locale_begin(locale_t *ret_old)
{
    if (!strcmp(nl_langinfo(CODESET), "UTF-8"))
        return 0;
    pthread_once(&utf8_once, make_utf8_ctype);
    if (!utf8_ctype)
        return 0;
    *ret_old = uselocale(utf8_ctype);
    return 1;
}

/* One archive being read: the libarchive handle and the state of its read loop. */
struct arwalk {
    struct la_member *parent;      /* the member whose bytes are the archive */
    struct archive *a;
    struct cbctx c;                /* what the read callbacks see */
    struct src s;                  /* the current entry's data */
    unsigned entries;              /* entries met */
    unsigned files;                /* entries with something to read (regular, or data) */
    unsigned levels;               /* nesting levels this archive spans (stacked compressors) */
    char *last;                    /* the last entry's name, for damage messages */
    uint64_t data;                 /* entry bytes handed out */
    uint64_t counted;              /* of what account() sums, counted so far */
    /* A zip entry libarchive skips by inflating it, unseen (blind_start). */
    char *blind;                   /* its path; NULL when none */
    int64_t blind_start;           /* stream offset where its data began */
    uint64_t blind_counted;
    /* The current entry's data: libarchive's block, handed out LA_INGEST_BLOCK at a time. */
    const char *blk;
    size_t blk_len, blk_pos;
    int64_t blk_off;               /* the block's offset in the entry */
    int64_t pos;                   /* entry offset handed out (a sparse entry's holes are zeros) */
    int blk_err;                   /* libarchive's error came with the last block: tell it next */
    int read_failed;               /* a read callback failed (its error already given) */
    int gz_bad;                    /* gzip.c found damage: 1 not yet told (gz_tell), 2 told */
    enum la_rc rc;                 /* worst so far */
};

static void arwalk_release(struct arwalk *w)
{
    la_free(w->s.block);
    la_free(w->c.block);
#if HAVE_ZLIB
    la_gz_free(w->c.gz);
#endif
    la_free(w->last);
    la_free(w->blind);
    archive_read_free(w->a);
}

static void read_failed(struct arwalk *w, enum la_rc rc)
{
    w->read_failed = 1;
    if (rc == LA_FATAL)
        w->rc = LA_FATAL;
}

#if HAVE_ZLIB
static void gz_found_bad(struct arwalk *w)
{
    if (!w->gz_bad)
        w->gz_bad = 1;
}
#endif

/*
 * The gzip stream under the archive was damaged where libarchive's read stopped: say so,
 * once, for the member at path, with what zlib found.  Returns 1 when it did.
 */
static int gz_tell(struct arwalk *w, unsigned code, const char *path, const char *what,
                   const char *after)
{
#if HAVE_ZLIB
    struct input *in = w->parent->in;

    if (!w->gz_bad || w->gz_bad == 2)
        return 0;
    w->gz_bad = 2;
    la_diagf(in->sink, LA_SEV_WARNING, code, path, 0, 0, "%s%s%s", what, la_gz_error(w->c.gz),
             after);
    in->damaged = 1;
    w->rc = la_rc_worst(w->rc, LA_WARN);
    return 1;
#else
    (void)w, (void)code, (void)path, (void)what, (void)after;
    return 0;
#endif
}

/* ------------------------------------------------------------ counting */

/* Formats that unpack their entries themselves: an entry's data is not a slice of the stream. */
static int unpacks_entries(struct archive *a)
{
    switch (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) {
    case ARCHIVE_FORMAT_ZIP:
    case ARCHIVE_FORMAT_7ZIP:
    case ARCHIVE_FORMAT_RAR:
    case ARCHIVE_FORMAT_RAR_V5:
    case ARCHIVE_FORMAT_XAR:
    case ARCHIVE_FORMAT_LHA:
    case ARCHIVE_FORMAT_CAB:
        return 1;
    default:
        return 0;
    }
}

/*
 * Count what this level unpacked since the last call, charged to path: the decompressed
 * stream (libarchive's filters' output, gzip.c's) and, for formats that unpack entries or
 * when the archive's bytes are the input's own, the entries' data.  A stored tar inside a
 * zip is counted once: the zip's entry data is the tar.  LA_FAILED when a cap stopped.
 */
static enum la_rc account(struct arwalk *w, const char *path)
{
    uint64_t total = 0, d;
    int stream = 0;

    if (archive_filter_count(w->a) > 1) {
        int64_t f = archive_filter_bytes(w->a, 0);
        total += f > 0 ? (uint64_t)f : 0;
        stream = 1;
    }
#if HAVE_ZLIB
    if (w->c.gz) {
        total += la_gz_out(w->c.gz);
        stream = 1;
    }
#endif
    if (unpacks_entries(w->a) || (!stream && w->parent->src->kind != SRC_ARCHIVE))
        total += w->data;
    if (total <= w->counted)
        return w->parent->in->stop ? LA_FAILED : LA_OK;
    d = total - w->counted;
    w->counted = total;
    return la_ingest_count(w->parent->in, path, d);
}

/* The stream offset the format has read up to. */
static int64_t stream_pos(struct arwalk *w)
{
    return archive_filter_bytes(w->a, 0);
}

/* A blind skip so far: its compressed bytes up to end, counted at the most they inflate to. */
static enum la_rc blind_count(struct arwalk *w, int64_t end)
{
    uint64_t c = end > w->blind_start ? (uint64_t)(end - w->blind_start) : 0;
    uint64_t bound = c * LA_DEFLATE_MAX_RATIO, d;

    if (bound <= w->blind_counted)
        return LA_OK;
    d = bound - w->blind_counted;
    w->blind_counted = bound;
    return la_ingest_count(w->parent->in, w->blind, d);
}

/* While libarchive skips blind (it asks for more input): stop as soon as a cap is reached. */
static enum la_rc blind_check(struct arwalk *w)
{
    if (!w->blind)
        return LA_OK;
    return blind_count(w, stream_pos(w));
}

/* The skip is over: count it, and say so when the entry carried real data. */
static void blind_end(struct arwalk *w, int r)
{
    struct input *in = w->parent->in;
    int64_t end = r == ARCHIVE_FATAL ? stream_pos(w) : archive_read_header_position(w->a);
    uint64_t c = end > w->blind_start ? (uint64_t)(end - w->blind_start) : 0;

    if (blind_count(w, end) == LA_OK && !in->stop && c > LA_EMPTY_DATA) {
        la_diagf(in->sink, LA_SEV_WARNING, LA_D_NOT_REGULAR, w->blind, 0, 0,
                 "a directory entry that carries %llu bytes of compressed data of unknown "
                 "length: not read as a log, counted as the most it can inflate to (%llu bytes)",
                 (unsigned long long)c, (unsigned long long)w->blind_counted);
        la_ingest_note_skipped(in, w->blind, 0, "skipped: a directory that carries data");
        w->rc = la_rc_worst(w->rc, LA_WARN);
    }
    la_free(w->blind);
    w->blind = NULL;
    w->blind_counted = 0;
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
    c->block = la_malloc(LA_INGEST_BLOCK);
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

/* Open the archive on the parent member's reads (head first; a gzip stream inflated). */
static enum la_rc open_streaming(struct arwalk *w)
{
    struct input *in = w->parent->in;
    const char *err;

#if HAVE_ZLIB
    if (w->parent->headlen >= 2 && !memcmp(w->parent->head, "\x1f\x8b", 2)) {
        w->c.gz = la_gz_new(w->parent);
        if (!w->c.gz)
            return LA_FATAL;
    }
#endif
    if (archive_read_open(w->a, &w->c, NULL, ar_read_cb, NULL) == ARCHIVE_OK)
        return LA_OK;
    if (w->rc == LA_FATAL)
        return LA_FATAL;
    if (in->stop)
        return LA_WARN;
    err = archive_error_string(w->a);
    la_diagf(in->sink, LA_SEV_WARNING, LA_D_ARCHIVE_DAMAGED, w->parent->path, 0, 0,
             "cannot read as an archive: %s", err ? err : "unknown format");
    in->damaged = 1;
    return LA_WARN;
}

/*
 * Compressors in a row count as nesting: libarchive stacks the filters it finds (an .xz
 * inside a .bz2 …) in one handle, and gzip.c may add one more.  Each beyond the first is a
 * level.  Returns 1 when that makes the archive deeper than the cap (listed, not read).
 */
static int too_deep(struct arwalk *w)
{
    struct la_member *p = w->parent;
    struct input *in = p->in;
    int n = archive_filter_count(w->a) - 1;

#if HAVE_ZLIB
    n += w->c.gz != NULL;
#endif
    w->levels = 1 + (n > 1 ? (unsigned)(n - 1) : 0);
    if (p->depth + w->levels <= in->lim->max_depth)
        return 0;
    la_diagf(in->sink, LA_SEV_WARNING, LA_D_DEPTH_LIMIT, p->path, 0, 0,
             "compressed %d times over: nested deeper than %u levels (each archive, and each "
             "compressor inside another, is a level); not opened (raise with --limit depth=N)",
             n, in->lim->max_depth);
    la_ingest_note_skipped(in, p->path, p->size < 0 ? 0 : (uint64_t)p->size,
                           "skipped: nesting deeper than the limit");
    w->rc = LA_WARN;
    return 1;
}

/* The entry's name in the archive (UTF-8 when libarchive could convert it), without "./". */
static const char *entry_name_of(struct archive_entry *e)
{
    const char *name = archive_entry_pathname_utf8(e);

    if (!name)
        name = archive_entry_pathname(e);

    if (!name || !*name)
        name = "(unnamed)";
    while (name[0] == '.' && name[1] == '/')
        name += 2;
    return name;
}

/* A header could not be read: the archive ends here, with what was read before kept. */
static void archive_damaged(struct arwalk *w)
{
    struct input *in = w->parent->in;
    const char *err = archive_error_string(w->a);

    if (in->stop)               /* a cap, not damage: reported as the stop */
        return;
    if (gz_tell(w, LA_D_ARCHIVE_DAMAGED, w->parent->path, "damaged archive: ",
                  w->files ? "; the members before the damage were read, the rest of the archive "
                             "could not be" : ""))
        return;
    if (w->files)
        la_diagf(in->sink, LA_SEV_WARNING, LA_D_ARCHIVE_DAMAGED, w->parent->path, 0, 0,
                 "archive damaged after %u member%s (the last '%s'): %s; the members before "
                 "the damage were read, the rest of the archive could not be", w->files,
                 w->files == 1 ? "" : "s", w->last ? w->last : "?", err ? err : "read error");
    else
        la_diagf(in->sink, LA_SEV_WARNING, LA_D_ARCHIVE_DAMAGED, w->parent->path, 0, 0,
                 "damaged archive: %s", err ? err : "read error");
    in->damaged = 1;
    w->rc = la_rc_worst(w->rc, LA_WARN);
}

/*
 * A run of damaged headers that libarchive skipped (RETRY) from stream offset from, up to
 * the next readable header (next, or NULL at the end): what lay between is lost, so say so
 * and list it.
 */
static void damaged_headers(struct arwalk *w, int64_t from, const char *err, const char *next)
{
    struct input *in = w->parent->in;
    int64_t to = next ? archive_read_header_position(w->a) : stream_pos(w);
    struct la_buf p = LA_BUF_INIT;

    la_diagf(in->sink, LA_SEV_WARNING, LA_D_ARCHIVE_DAMAGED, w->parent->path, 0, 0,
             "damaged header %s%s%s (%s): %lld bytes skipped to %s%s%s; the member there was "
             "not read", w->last ? "after the member '" : "at the start", w->last ? w->last : "",
             w->last ? "'" : "", err, (long long)(to > from ? to - from : 0),
             next ? "the next readable header, '" : "the end", next ? next : "", next ? "'" : "");
    if (la_buf_addf(&p, "%s!/(damaged header %s%s)", w->parent->path,
                    w->last ? "after " : "at the start", w->last ? w->last : "") == LA_OK)
        la_ingest_note_skipped(in, p.buf, 0, "error: damaged header, member not read");
    la_buf_release(&p);
    in->damaged = 1;
    w->rc = la_rc_worst(w->rc, LA_WARN);
}

/*
 * The next entry's header, in libarchive's read loop: RETRY (a damaged header skipped) is
 * retried while it makes progress, and each run of them reported; WARN is diagnosed and the
 * entry read; FAILED and FATAL end the archive.  What the loop unpacked is counted.
 * Returns 1 with *ret_e set, 0 at the end of the archive (or of the input: a cap).
 */
static int next_entry(struct arwalk *w, struct archive_entry **ret_e)
{
    struct la_buf err = LA_BUF_INIT;
    int64_t from = -1, pos = stream_pos(w);
    unsigned stuck = 0;
    int r;

    for (;;) {
        r = archive_read_next_header(w->a, ret_e);
        if (w->blind)
            blind_end(w, r);
        if (account(w, w->parent->path) != LA_OK || w->rc == LA_FATAL)
            break;
        if (r != ARCHIVE_RETRY)
            break;
        if (from < 0) {
            const char *e = archive_error_string(w->a);
            from = archive_read_header_position(w->a);
            if (la_buf_adds(&err, e ? e : "damaged header") != LA_OK)
                la_buf_reset(&err);
        }
        /* Each retry must move on; libarchive's readers skip at least a block. */
        stuck = stream_pos(w) == pos ? stuck + 1 : 0;
        pos = stream_pos(w);
        if (stuck >= LA_MAX_STUCK_RETRIES) {
            r = ARCHIVE_FATAL;
            break;
        }
    }
    if (from >= 0 && !w->parent->in->stop)
        damaged_headers(w, from, err.len ? err.buf : "damaged header",
                        r == ARCHIVE_OK || r == ARCHIVE_WARN ? entry_name_of(*ret_e) : NULL);
    la_buf_release(&err);
    if (w->parent->in->stop || w->rc == LA_FATAL || r == ARCHIVE_EOF)
        return 0;
    if (r == ARCHIVE_FATAL || r == ARCHIVE_RETRY || r == ARCHIVE_FAILED) {
        archive_damaged(w);
        return 0;
    }
    if (r == ARCHIVE_WARN) {
        const char *e = archive_error_string(w->a);
        la_diagf(w->parent->in->sink, LA_SEV_WARNING, LA_D_ARCHIVE_DAMAGED, w->parent->path, 0,
                 0, "%s", e ? e : "archive warning");
        w->rc = la_rc_worst(w->rc, LA_WARN);
    }
    w->entries++;
    return 1;
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

/* A password-protected entry cannot be read: diagnosed, listed, skipped. */
static void skip_encrypted(struct arwalk *w, const char *path, uint64_t bytes)
{
    struct input *in = w->parent->in;

    la_diagf(in->sink, LA_SEV_WARNING, LA_D_ENCRYPTED, path, 0, 0,
             "member is encrypted (password-protected); skipped");
    la_ingest_note_skipped(in, path, bytes, "error: encrypted");
    in->damaged = 1;
    w->rc = la_rc_worst(w->rc, LA_WARN);
}

/* The current entry's data as a member one level (or more: stacked compressors) below. */
static void entry_member(struct arwalk *w, struct la_member *m, const char *path,
                         const char *name, int64_t size)
{
    memset(m, 0, sizeof(*m));
    m->in = w->parent->in;
    m->src = &w->s;
    m->path = (char *)path;
    m->name = name;
    m->depth = w->parent->depth + w->levels;
    m->size = size;
    w->s.memlen = w->s.mempos = 0;
    w->blk = NULL;
    w->blk_len = w->blk_pos = 0;
    w->blk_off = w->pos = 0;
    w->blk_err = 0;
}

/* After an entry: 1 when the archive must not be read further. */
static int entry_done(struct arwalk *w, const struct la_member *m, enum la_rc rc)
{
    if (rc == LA_FATAL || w->rc == LA_FATAL) {
        w->rc = LA_FATAL;
        return 1;
    }
    if (rc != LA_OK)
        w->rc = la_rc_worst(w->rc, LA_WARN);
    if (m->in->stop)
        return 1;
    /* The data of a compressed single file is damaged: libarchive cannot go on. */
    return m->failed && archive_format(w->a) == ARCHIVE_FORMAT_RAW;
}

/*
 * Hand the current entry's data to la_ingest_walk_member() as a member one
 * level below the archive.  Returns 1 when the archive must not be read further.
 */
static int read_entry(struct arwalk *w, const char *path, const char *name, int64_t size)
{
    struct la_member m;

    entry_member(w, &m, path, name, size);
    w->files++;
    return entry_done(w, &m, la_ingest_walk_member(&m));
}

/* Read an entry's data without looking at it, so that every byte of it is counted. */
static int drain_entry(struct arwalk *w, const char *path, int64_t size, uint64_t *ret_bytes)
{
    struct la_member m;
    const void *b;
    size_t n;

    entry_member(w, &m, path, la_ingest_base_name(path), size);
    m.container = 1;
    while (la_member_read(&m, &b, &n) == LA_OK)
        ;
    *ret_bytes = m.consumed;
    return entry_done(w, &m, m.failed ? LA_WARN : LA_OK);
}

static const char *type_name(unsigned t)
{
    switch (t) {
    case AE_IFDIR:
        return "directory";
    case AE_IFLNK:
        return "symbolic link";
    case AE_IFIFO:
        return "fifo";
    case AE_IFCHR:
        return "character device";
    case AE_IFBLK:
        return "block device";
    case AE_IFSOCK:
        return "socket";
    default:
        return "special file";
    }
}

/*
 * An entry that is not a regular file.  A fifo or device that holds data is read (7z a -si
 * marks what it read from a pipe so); any other is drained and listed when it carries data
 * or is not a directory; an empty directory is nothing to tell.  A streamed zip entry of
 * unknown length cannot be drained (libarchive inflates it while skipping it): blind.
 */
static int special_entry(struct arwalk *w, struct archive_entry *e, const char *path,
                         const char *name, int64_t size)
{
    struct input *in = w->parent->in;
    unsigned t = archive_entry_filetype(e);
    const char *kind = type_name(t);
    struct la_buf status = LA_BUF_INIT;
    struct la_member m;
    const void *b;
    size_t n = 0;
    uint64_t bytes;

    entry_member(w, &m, path, name, size);
    if (la_member_head(&m, &b, &n) != LA_OK || m.failed)
        return entry_done(w, &m, LA_WARN);
    if (n && t != AE_IFDIR && t != AE_IFLNK) {
        la_diagf(in->sink, LA_SEV_NOTE, LA_D_NOT_REGULAR, path, 0, 0,
                 "marked as a %s, not a regular file, but it holds data: read as a file (an "
                 "archive written from a pipe, such as with 7z a -si, marks its member so)", kind);
        w->files++;
        return entry_done(w, &m, la_ingest_walk_member(&m));
    }
    while (!m.failed && la_member_read(&m, &b, &n) == LA_OK)
        ;
    bytes = m.consumed;
    if (size > 0 && (uint64_t)size > bytes)
        bytes = (uint64_t)size;        /* a zip keeps a directory's data from us */
    if (bytes && t == AE_IFDIR) {
        la_diagf(in->sink, LA_SEV_WARNING, LA_D_NOT_REGULAR, path, 0, 0,
                 "a directory entry that carries %llu bytes of data: not read as a log",
                 (unsigned long long)bytes);
        la_ingest_note_skipped(in, path, bytes, "skipped: a directory that carries data");
        w->rc = la_rc_worst(w->rc, LA_WARN);
    } else if (t != AE_IFDIR && t != AE_IFLNK) {
        la_diagf(in->sink, LA_SEV_WARNING, LA_D_NOT_REGULAR, path, 0, 0,
                 "not a regular file (%s), nothing to read; skipped", kind);
        if (la_buf_addf(&status, "skipped: not a regular file (%s)", kind) == LA_OK)
            la_ingest_note_skipped(in, path, 0, status.buf);
        w->rc = la_rc_worst(w->rc, LA_WARN);
    } else if (t == AE_IFLNK) {
        la_ingest_note_skipped(in, path, 0, "skipped: symbolic link");
    }
    la_buf_release(&status);
    if (entry_done(w, &m, m.failed ? LA_WARN : LA_OK))
        return 1;
    /* A streamed zip entry of unknown length: libarchive inflates it to skip it. */
    if (w->c.fd < 0 && !archive_entry_size_is_set(e) &&
        (archive_format(w->a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ZIP) {
        w->blind = la_strdup(path);
        w->blind_start = stream_pos(w);
        w->blind_counted = 0;
        if (!w->blind) {
            w->rc = LA_FATAL;
            return 1;
        }
    }
    return 0;
}

/*
 * One entry: count it (the member cap), name it, then read it, or skip it:
 * AppleDouble metadata, encrypted entries, entries that are not regular
 * files.  Returns 1 to stop the archive.
 */
static int walk_entry(struct arwalk *w, struct archive_entry *e)
{
    int raw = archive_format(w->a) == ARCHIVE_FORMAT_RAW;
    const char *ename = entry_name_of(e);
    int64_t size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
    uint64_t bytes = size < 0 ? 0 : (uint64_t)size;
    struct la_buf path = LA_BUF_INIT;
    char *rawname = NULL;
    int stop = 0;

    la_free(w->last);
    w->last = la_strdup(ename);
    if (!w->last || name_entry(w->parent, raw, ename, &path, &rawname) != LA_OK) {
        w->rc = LA_FATAL;
        stop = 1;
    } else if (la_ingest_count_entry(w->parent->in, path.buf) ||
               la_ingest_stopped(w->parent->in, path.buf)) {
        w->rc = la_rc_worst(w->rc, LA_WARN);
        stop = 1;
    } else if (!raw && archive_entry_filetype(e) != AE_IFREG) {
        stop = special_entry(w, e, path.buf, la_ingest_base_name(ename), size);
    } else if (!raw && is_appledouble(ename)) {
        w->files++;
        stop = drain_entry(w, path.buf, size, &bytes);
        la_ingest_note_skipped(w->parent->in, path.buf, bytes, "skipped: AppleDouble metadata");
    } else if (archive_entry_is_encrypted(e)) {
        w->files++;
        skip_encrypted(w, path.buf, bytes);
    } else {
        stop = read_entry(w, path.buf, raw ? rawname : la_ingest_base_name(ename), size);
    }
    la_buf_release(&path);
    la_free(rawname);
    return stop;
}

#if HAVE_ZLIB
/*
 * The archive ended before its gzip stream did (a tar's end comes before the gzip trailer):
 * inflate the rest, counted, so that zlib checks the trailer.  A mismatch there means some
 * member read from the stream holds damaged bytes, and no one can tell which.
 */
static void gz_finish(struct arwalk *w)
{
    struct input *in = w->parent->in;
    const void *b;
    size_t n;
    enum la_rc rc = LA_EOF;

    if (!w->c.gz || w->read_failed || in->stop || w->rc == LA_FATAL)
        return;
    if (!w->gz_bad) {
        while ((rc = la_gz_read(w->c.gz, &b, &n)) == LA_OK)
            if (account(w, w->parent->path) != LA_OK)
                return;
        if (rc == LA_FATAL) {
            w->rc = LA_FATAL;
            return;
        }
        if (rc != LA_EOF)
            w->gz_bad = 1;
    }
    if (w->gz_bad == 1 && !w->files) {
        gz_tell(w, LA_D_ARCHIVE_DAMAGED, w->parent->path, "damaged archive: ", "");
    } else if (w->gz_bad == 1) {
        struct la_buf after = LA_BUF_INIT;
        if (la_buf_addf(&after, ", found after the last member: the %u member%s read from it "
                        "may hold damaged lines", w->files, w->files == 1 ? "" : "s") != LA_OK)
            la_buf_reset(&after);
        gz_tell(w, LA_D_ARCHIVE_DAMAGED, w->parent->path, "", after.buf);
        la_buf_release(&after);
    }
}
#endif

/* The archive's steps above, in libarchive's read loop (ingest-internal.h). */
enum la_rc la_ingest_walk_archive(struct la_member *parent, int seek)
{
    struct arwalk w;
    struct archive_entry *e;
    enum la_rc rc;
    locale_t old = (locale_t)0;
    int utf8;

    memset(&w, 0, sizeof(w));
    w.parent = parent;
    w.levels = 1;
    w.c.w = &w;
    w.c.parent = parent;
    w.c.fd = -1;
    w.a = archive_read_new();
    if (!w.a)
        return LA_FATAL;
    parent->container = 1;
    utf8 = utf8_locale_begin(&old);   /* before the options: libarchive caches the charset */
    support_formats(w.a);
    rc = seek ? open_seekable(&w) : open_streaming(&w);
    if (rc == LA_OK) {
        w.s.kind = SRC_ARCHIVE;
        w.s.ar = w.a;
        w.s.w = &w;
        w.s.block = la_malloc(LA_INGEST_BLOCK);
        if (!w.s.block)
            rc = LA_FATAL;
    }
    if (rc == LA_OK && too_deep(&w))
        rc = LA_WARN;
    if (rc == LA_OK && account(&w, parent->path) != LA_OK)
        rc = LA_WARN;
    if (rc != LA_OK) {
        if (parent->in->stop)
            la_ingest_unread(parent->in, "the rest of %s", parent->path);
        arwalk_release(&w);
        if (utf8)
            uselocale(old);
        return rc;
    }
    while (next_entry(&w, &e) && !walk_entry(&w, e))
        ;
#if HAVE_ZLIB
    gz_finish(&w);
#endif
    if (parent->in->stop)
        la_ingest_unread(parent->in, "the rest of %s", parent->path);
    if (!w.files && w.rc == LA_OK && !parent->in->stop) {
        la_diagf(parent->in->sink, LA_SEV_WARNING, LA_D_EMPTY_INPUT, parent->path, 0, 0,
                 "no members: an empty archive, or data that only looks like one "
                 "(e.g. all zero bytes)");
        la_ingest_note_skipped(parent->in, parent->path, 0, "skipped: no members");
        w.rc = LA_WARN;
    }
    arwalk_release(&w);
    if (utf8)
        uselocale(old);
    return w.rc;
}

/* ------------------------------------------------------------ entry data */

/* The entry's data could not be read: tell why, once (the gzip stream's damage first). */
static enum la_rc entry_damaged(struct arwalk *w, struct la_member *m)
{
    struct input *in = m->in;
    const char *e = archive_error_string(w->a);

    if (w->rc == LA_FATAL)
        return LA_FATAL;
    if (in->stop)               /* the enclosing data stopped at a cap: not damage */
        return LA_FAILED;
    if (gz_tell(w, LA_D_MEMBER_FAILED, m->path, "damaged member: ", ""))
        return LA_FAILED;
    la_diagf(in->sink, LA_SEV_WARNING, LA_D_MEMBER_FAILED, m->path, 0, 0, "damaged member: %s",
             e ? e : "read error");
    in->damaged = 1;
    return LA_FAILED;
}

/*
 * archive_read_data_block(), not archive_read_data(): the latter drops the bytes it had
 * gathered when an error follows them, and a member is read up to its damage.  A block is
 * handed out LA_INGEST_BLOCK at a time (member.c keeps a head's remainder in one such block).
 */
struct la_gz *la_ingest_archive_gz(const struct la_member *m)
{
#if HAVE_ZLIB
    return m->src->w ? m->src->w->c.gz : NULL;
#else
    return NULL;
#endif
}

enum la_rc la_ingest_archive_read(struct la_member *m, const void **ret_buf, size_t *ret_len)
{
    struct src *s = m->src;
    struct arwalk *w = s->w;
    const char *out;
    size_t n;

    for (;;) {
        const void *b = NULL;
        size_t len = 0;
        la_int64_t off = 0;
        int r;

        if (w->pos < w->blk_off) {
            /* A hole of a sparse entry: zeros, as archive_read_data() gives. */
            uint64_t hole = (uint64_t)(w->blk_off - w->pos);
            n = hole < LA_INGEST_BLOCK ? (size_t)hole : LA_INGEST_BLOCK;
            memset(s->block, 0, n);
            out = s->block;
            break;
        }
        if (w->blk_pos < w->blk_len) {
            n = w->blk_len - w->blk_pos;
            if (n > LA_INGEST_BLOCK)
                n = LA_INGEST_BLOCK;
            out = w->blk + w->blk_pos;
            w->blk_pos += n;
            break;
        }
        if (w->blk_err)
            return entry_damaged(w, m);
        r = archive_read_data_block(s->ar, &b, &len, &off);
        if (account(w, m->path) != LA_OK)
            return LA_FAILED;
        if (r == ARCHIVE_EOF) {
            if (gz_tell(w, LA_D_MEMBER_FAILED, m->path, "damaged member: ", ""))
                return LA_FAILED;
            return LA_EOF;
        }
        if (r < ARCHIVE_OK && (r != ARCHIVE_WARN || !len))
            return entry_damaged(w, m);
        w->blk_err = r == ARCHIVE_WARN;    /* a zip's CRC mismatch comes with its last block */
        w->blk = b;
        w->blk_len = len;
        w->blk_pos = 0;
        w->blk_off = off;
    }
    w->pos += (int64_t)n;
    w->data += n;
    *ret_buf = out;
    *ret_len = n;
    return account(w, m->path) == LA_OK ? LA_OK : LA_FAILED;
}
