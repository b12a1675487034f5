/*
 * A .tracev3 member of an input: the unified log read by tracev3/, each entry a record of
 * format unified-log (so the rules written for `log show` text apply), its text the line
 * `loganalyze show` prints.
 *
 * Format strings: a member that is a file on disk is resolved against the log folder it is
 * in (tracev3/folder.c: a .logarchive, /var/db/diagnostics, a copy).  A member inside an
 * archive that is a file (seekable) is resolved against the strings files of that whole
 * archive, gathered by a second read of it when its first .tracev3 member comes
 * (la_tv3_collect_strings(), once per archive); from stdin nothing resolves and entries
 * keep their arguments after "<unresolved>" (docs/internals/tracev3.md).
 */

#include <string.h>
#include <sys/stat.h>

#include "analyze/analyze-internal.h"
#include "core/alloc.h"
#include "formats/formats.h"
#include "ingest/ingest.h"

int la_is_tracev3(const char *name, const void *head, size_t len)
{
    size_t nl = name ? strlen(name) : 0;

    return nl > 8 && !strcmp(name + nl - 8, ".tracev3") && la_tv3_sniff(head, len);
}

struct tv3_run {
    struct run *r;
    struct member_info *mi;
    struct la_member *lm;
    struct la_buf line;
    uint64_t n;
};

static enum la_rc on_entry(void *user, const struct la_tv3_entry *e)
{
    struct tv3_run *t = user;
    struct run *r = t->r;
    size_t moff = 0;

    t->n++;
    t->mi->lines = t->n;
    if (r->inspect_fn)
        return LA_OK;
    la_buf_reset(&t->line);
    enum la_rc rc = la_tv3_entry_line(&t->line, e, &moff);
    if (rc == LA_FATAL)
        return rc;
    if (rc != LA_OK)
        return LA_OK;   /* past the cap: cannot happen with a capped message, skip it */
    if (r->e->o.progress && ++r->lines_since >= 8192) {
        r->lines_since = 0;
        r->e->o.progress(r->e->o.progress_user, r->input, la_member_input_bytes(t->lm),
                         r->total);
    }
    int64_t local = e->time_ns + (int64_t)e->tz_minutes * 60 * 1000000000;
    struct la_record rec = {
        .format = "unified-log",
        .line = t->n,
        .time = local >= 0 ? local / 1000000 : -1,
        .has_date = 1,
        .pid = e->pid,
        .text = la_sv_make(t->line.buf, t->line.len),
        .message = la_sv_make(t->line.buf + moff, t->line.len - moff),
        .component = e->process,
        .level = la_sv_cstr(e->level),
    };
    rec.context = rec.text;
    return la_run_record(r, &rec);
}

/* ------------------------------------------------------------ the strings pre-pass */

struct collect {
    struct la_tv3_strings *store;
    struct la_diag_sink *sink;
    unsigned long files;
    int full;
};

/* The folder name a member is in ("22" of ".../22/0D3C…"), into dir. */
static void parent_name(const char *path, char *dir, size_t cap)
{
    const char *end = strrchr(path, '/');
    const char *start = end;

    dir[0] = '\0';
    if (!end)
        return;
    while (start > path && start[-1] != '/' && start[-1] != '!')
        start--;
    if ((size_t)(end - start) < cap) {
        memcpy(dir, start, (size_t)(end - start));
        dir[end - start] = '\0';
    }
}

static enum la_rc collect_member(void *user, struct la_member *m)
{
    struct collect *c = user;
    const char *name = la_member_name(m), *path = la_member_path(m);
    size_t nl = strlen(name);
    char dir[40];
    uint8_t uuid[16];
    enum la_tv3_kind kind = LA_TV3_UUIDTEXT;
    int ts = nl > 9 && !strcmp(name + nl - 9, ".timesync");

    parent_name(path, dir, sizeof dir);
    if (!ts) {
        if (nl == 32 && !strcmp(dir, "dsc") && la_tv3_uuid_from_path(NULL, name, uuid))
            kind = LA_TV3_DSC;
        else if (!(nl == 30 && strlen(dir) == 2 && la_tv3_uuid_from_path(dir, name, uuid)))
            return LA_OK;
    }
    if (c->full)
        return LA_OK;
    struct la_buf b;
    const void *buf;
    size_t len;
    enum la_rc rc;
    la_buf_init(&b, LA_TV3_MAX_FILE);
    while ((rc = la_member_read(m, &buf, &len)) == LA_OK)
        if ((rc = la_buf_add(&b, buf, len)) != LA_OK)
            break;
    if (rc == LA_EOF) {
        const char *err = NULL;
        rc = ts ? la_tv3_strings_add_timesync(c->store, b.buf, b.len, &err)
                : la_tv3_strings_add(c->store, kind, uuid, b.buf, b.len, &err);
        if (rc == LA_OK)
            c->files++;
        else if (rc == LA_FAILED && err && strstr(err, "cap")) {
            c->full = 1;
            la_diagf(c->sink, LA_SEV_WARNING, LA_D_TRACEV3_DAMAGED, path, 0, 0,
                     "unified log: %s; later strings files are left out", err);
        }
    }
    la_buf_release(&b);
    return rc == LA_FATAL ? LA_FATAL : LA_OK;
}

enum la_rc la_tv3_collect_strings(const char *path, const struct la_limits *lim,
                                  struct la_tv3_strings *store, unsigned long *ret_files,
                                  struct la_diag_sink *sink)
{
    struct collect c = { .store = store, .sink = sink };
    struct la_ingest_cb cb = { .member = collect_member, .user = &c };
    /* The first pass already said what is damaged or skipped: this one is quiet. */
    struct la_diag_sink quiet = { NULL, NULL };
    enum la_rc rc = la_ingest_path(path, lim, &cb, NULL, &quiet);

    *ret_files = c.files;
    return rc == LA_WARN ? LA_OK : rc;
}

/* ------------------------------------------------------------ reading a member */

const struct la_tv3_stats *la_tv3_member_stats(const struct run *r, size_t i)
{
    size_t lo = 0, hi = r->ntv3m;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->tv3m[mid].member == i)
            return &r->tv3m[mid].st;
        if (r->tv3m[mid].member < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int on_disk(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

enum la_rc la_read_tracev3(struct run *r, struct la_member *lm, struct member_info *mi)
{
    struct tv3_run t = { .r = r, .mi = mi, .lm = lm };
    const char *path = la_member_path(lm);
    struct la_tv3_folder *fo = on_disk(path) ? la_tv3_folder_open(path) : NULL;
    struct la_tv3_reader *rd;

    /* Inside an archive that is a file (the input, or a file in an input folder): that
     * archive's strings, gathered once for each such archive. */
    const char *bang = strstr(path, "!/");
    if (!on_disk(path) && bang && strcmp(r->input, "<stdin>")) {
        char *outer = la_strndup(path, (size_t)(bang - path));
        if (!outer)
            return LA_FATAL;
        if (!r->tv3_archive || strcmp(r->tv3_archive, outer)) {
            unsigned long files = 0;
            la_tv3_strings_free(r->tv3_strings);
            la_free(r->tv3_archive);
            r->tv3_strings = NULL;
            r->tv3_archive = outer;
            outer = NULL;
            if (on_disk(r->tv3_archive)) {
                r->tv3_strings = la_tv3_strings_new(NULL, NULL);
                if (!r->tv3_strings ||
                    la_tv3_collect_strings(r->tv3_archive, &r->e->o.limits, r->tv3_strings,
                                           &files, &r->sink) == LA_FATAL)
                    return LA_FATAL;
            }
        }
        la_free(outer);
    }
    enum la_rc rc = LA_OK;
    const void *buf;
    size_t len;

    mi->format = "unified-log";
    r->cur_flags = la_format_id_flags("unified-log");
    la_buf_init(&t.line, 4 * LA_TV3_MAX_MESSAGE + 1024);
    rd = la_tv3_reader_new(fo ? la_tv3_folder_strings(fo) : r->tv3_strings, on_entry, &t);
    if (!rd || (on_disk(path) && !fo)) {
        la_tv3_reader_free(rd);
        la_tv3_folder_close(fo);
        return LA_FATAL;
    }
    for (;;) {
        enum la_rc mrc = la_member_read(lm, &buf, &len);
        if (mrc == LA_EOF) {
            rc = la_tv3_reader_finish(rd);
            break;
        }
        if (mrc != LA_OK) {
            rc = LA_WARN;
            break;
        }
        rc = la_tv3_reader_feed(rd, buf, len);
        if (rc != LA_OK)
            break;
    }
    const struct la_tv3_stats *st = la_tv3_reader_stats(rd);
    if (LA_GROW(r->tv3m, r->captv3m, r->ntv3m + 1) != LA_OK) {
        la_tv3_reader_free(rd);
        la_tv3_folder_close(fo);
        la_buf_release(&t.line);
        return LA_FATAL;
    }
    r->tv3m[r->ntv3m].member = (size_t)(mi - r->members);
    r->tv3m[r->ntv3m++].st = *st;
    mi->bytes = la_member_consumed(lm);
    if (rc == LA_FAILED || rc == LA_WARN) {
        const char *why = la_tv3_reader_error(rd);
        struct la_buf b = LA_BUF_INIT;
        if (la_buf_addf(&b, "error: damaged, read up to the damage (%s)",
                        why ? why : "the member could not be read") == LA_OK)
            mi->status = la_buf_detach(&b, NULL);
        la_buf_release(&b);
        if (why)
            la_diagf(&r->sink, LA_SEV_WARNING, LA_D_TRACEV3_DAMAGED, mi->path, 0, 0,
                     "unified log: %s; the entries before it were read", why);
        rc = LA_OK;
    } else if (rc == LA_OK) {
        mi->status = la_strdup("ok");
        if (st->damaged && la_tv3_reader_error(rd))
            la_diagf(&r->sink, LA_SEV_WARNING, LA_D_TRACEV3_DAMAGED, mi->path, 0, 0,
                     "unified log: %llu damaged chunk%s skipped (first: %s)",
                     (unsigned long long)st->damaged, st->damaged == 1 ? "" : "s",
                     la_tv3_reader_error(rd));
    }
    if (la_tv3_reader_unsupported(rd))
        la_diagf(&r->sink, LA_SEV_WARNING, LA_D_TRACEV3_UNSUPPORTED, mi->path, 0, 0,
                 "unified log: chunksets skipped, first: %s", la_tv3_reader_unsupported(rd));
    la_tv3_reader_free(rd);
    la_tv3_folder_close(fo);
    la_buf_release(&t.line);
    la_matcher_reset(r->m);
    if (!mi->status || rc == LA_FATAL)
        return LA_FATAL;
    return rc;
}
