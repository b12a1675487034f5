/*
 * Archives and compressed files, through libarchive.
 *
 * la_ingest_walk_archive() runs libarchive's read loop (RETRY retried, WARN
 * diagnosed, FAILED and FATAL end the archive with what was read kept) and
 * hands each regular entry to la_ingest_walk_member() one level deeper, so
 * nesting is plain recursion.  The archive's bytes are pulled from the
 * enclosing member (ar_read_cb), head first, through its counted reads.  A
 * zip or 7z given directly is opened seeking on the file instead (7z cannot
 * be streamed; a zip's central directory is the true member list), falling
 * back to streaming when that fails.
 *
 * With format_raw a compressed single file (x.log.gz) yields one entry,
 * which takes the outer member's path and its name without the compression
 * suffix.  Entries are screened before they are read: past the member cap
 * the input stops, AppleDouble files and encrypted entries are listed as
 * skipped.
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

int la_ingest_wants_seek(const struct la_member *m)
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

/* The entry's name in the archive (UTF-8 when libarchive could convert it), without "./". */
static const char *entry_name(struct archive_entry *e)
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
    la_ingest_note_skipped(in, path, bytes, "error: encrypted");
    in->damaged = 1;
    w->rc = la_rc_worst(w->rc, LA_WARN);
}

/*
 * Hand the current entry's data to la_ingest_walk_member() as a member one
 * level below the archive.  Returns 1 when the archive must not be read further.
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
    rc = la_ingest_walk_member(&m);
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
    } else if (member_cap_reached(w) || la_ingest_stopped(w->parent->in, path.buf)) {
        w->rc = la_rc_worst(w->rc, LA_WARN);
        stop = 1;
    } else if (!raw && is_appledouble(ename)) {
        la_ingest_note_skipped(w->parent->in, path.buf, bytes,
                               "skipped: AppleDouble metadata");
    } else if (archive_entry_is_encrypted(e)) {
        skip_encrypted(w, path.buf, bytes);
    } else {
        stop = read_entry(w, path.buf, raw ? rawname : la_ingest_base_name(ename), size);
    }
    la_buf_release(&path);
    la_free(rawname);
    return stop;
}

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
        w.s.block = la_malloc(LA_INGEST_BLOCK);
        if (!w.s.block)
            rc = LA_FATAL;
    }
    if (rc != LA_OK) {
        arwalk_release(&w);
        if (utf8)
            uselocale(old);
        return rc;
    }
    while (next_entry(&w, &e) && !walk_entry(&w, e))
        ;
    if (!w.entries && w.rc == LA_OK && !parent->in->stop) {
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
