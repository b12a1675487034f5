/*
 * `loganalyze show PATH...`: the unified log's entries (every .tracev3 member of the inputs:
 * a .logarchive folder, a sysdiagnose archive, single files) one per line,
 *
 *   YYYY-MM-DD HH:MM:SS.ffffff±zzzz process[pid] (subsystem:category) <level> message
 *
 * or (--format ndjson) one JSON object per line; --process, --subsystem, --since and
 * --until keep some.  Entries are written as they are read: nothing is collected.
 * Times are the device's (its time zone, as the log recorded it); --since and --until are
 * read in that zone too.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "analyze/analyze.h"
#include "cli/cli-internal.h"
#include "core/buf.h"
#include "ingest/ingest.h"
#include "tracev3/tracev3.h"

struct show {
    struct la_cli *cli;
    int ndjson;
    int64_t since, until;          /* device-local ns; INT64_MIN/MAX: none */
    struct la_buf line;
    uint64_t shown, members;
    struct la_tv3_strings *archive;  /* the current input's strings when it is an archive */
    int failed;                    /* stdout could not be written */
};

/* "YYYY-MM-DD[ HH:MM[:SS]]" (or with a T) as ns since 1970 in the device's zone. */
static int parse_when(const char *s, int64_t *ns)
{
    int y, mo, d, h = 0, mi = 0, se = 0, n = 0;

    if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
        return -1;
    s += n;
    if (*s) {
        if (*s != ' ' && *s != 'T')
            return -1;
        n = 0;
        if (sscanf(s + 1, "%2d:%2d%n", &h, &mi, &n) != 2)
            return -1;
        s += 1 + n;
        if (*s == ':') {
            n = 0;
            if (sscanf(s + 1, "%2d%n", &se, &n) != 1)
                return -1;
            s += 1 + n;
        }
        if (*s)
            return -1;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
        se < 0 || se > 60)
        return -1;
    struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
                     .tm_min = mi, .tm_sec = se };
    *ns = (int64_t)timegm(&tm) * 1000000000;
    return 0;
}

static int keep_entry(const struct show *s, const struct la_tv3_entry *e)
{
    const struct la_cli_opts *o = &s->cli->o;
    int64_t local = e->time_ns + (int64_t)e->tz_minutes * 60 * 1000000000;

    if (o->show_process && !la_sv_eq(e->process, o->show_process))
        return 0;
    if (o->show_subsystem && !la_sv_eq(e->subsystem, o->show_subsystem))
        return 0;
    return local >= s->since && local <= s->until;
}

static enum la_rc ndjson(struct show *s, const struct la_tv3_entry *e)
{
    size_t moff = 0;

    la_buf_reset(&s->line);
    if (la_tv3_entry_line(&s->line, e, &moff) != LA_OK)
        return LA_OK;
    /* The time as written in the line: its first 32 bytes. */
    json_t *o = json_pack("{s:s%,s:s%,s:I,s:s%,s:s%,s:s,s:s,s:s%}",
                          "time", s->line.buf, (size_t)31,
                          "process", e->process.p ? e->process.p : "", e->process.len,
                          "pid", (json_int_t)e->pid,
                          "subsystem", e->subsystem.p ? e->subsystem.p : "", e->subsystem.len,
                          "category", e->category.p ? e->category.p : "", e->category.len,
                          "level", e->level, "kind", e->kind,
                          "message", e->message.p ? e->message.p : "", e->message.len);
    if (!o)
        return LA_OK;   /* not UTF-8: jansson refuses it; the text form still shows it */
    char *j = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(o);
    if (!j)
        return LA_FATAL;
    if (printf("%s\n", j) < 0)
        s->failed = 1;
    free(j);
    return LA_OK;
}

static enum la_rc on_entry(void *user, const struct la_tv3_entry *e)
{
    struct show *s = user;

    if (!keep_entry(s, e))
        return LA_OK;
    s->shown++;
    if (s->ndjson)
        return ndjson(s, e);
    la_buf_reset(&s->line);
    enum la_rc rc = la_tv3_entry_line(&s->line, e, NULL);
    if (rc == LA_FATAL)
        return rc;
    /* The line has no NUL (la_tv3_entry_line() escapes control characters). */
    if (rc == LA_OK && (fwrite(s->line.buf, 1, s->line.len, stdout) != s->line.len ||
                        putchar('\n') == EOF))
        s->failed = 1;
    return s->failed ? LA_FATAL : LA_OK;
}

static int regular_file(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static enum la_rc on_member(void *user, struct la_member *m)
{
    struct show *s = user;
    const char *name = la_member_name(m), *path = la_member_path(m);
    const void *head, *buf;
    size_t hl, nl = strlen(name), len;

    if (la_member_head(m, &head, &hl) != LA_OK || nl < 8 ||
        strcmp(name + nl - 8, ".tracev3") || !la_tv3_sniff(head, hl))
        return LA_OK;
    s->members++;
    struct la_tv3_folder *fo = regular_file(path) ? la_tv3_folder_open(path) : NULL;
    struct la_tv3_reader *r = la_tv3_reader_new(fo ? la_tv3_folder_strings(fo) : s->archive,
                                                on_entry, s);
    enum la_rc rc = r ? LA_OK : LA_FATAL;
    while (rc == LA_OK) {
        enum la_rc mrc = la_member_read(m, &buf, &len);
        if (mrc == LA_EOF) {
            rc = la_tv3_reader_finish(r);
            break;
        }
        if (mrc != LA_OK) {
            rc = LA_FAILED;
            break;
        }
        rc = la_tv3_reader_feed(r, buf, len);
    }
    if (rc == LA_FAILED && la_tv3_reader_error(r))
        la_cli_err(s->cli, LA_D_TRACEV3_DAMAGED, path, "unified log: %s; the entries before "
                   "it were shown", la_tv3_reader_error(r));
    if (rc != LA_FATAL && la_tv3_reader_unsupported(r))
        la_diagf(&s->cli->sink, LA_SEV_WARNING, LA_D_TRACEV3_UNSUPPORTED, path, 0, 0,
                 "unified log: chunksets skipped, first: %s", la_tv3_reader_unsupported(r));
    la_tv3_reader_free(r);
    la_tv3_folder_close(fo);
    return rc == LA_FATAL ? LA_FATAL : LA_OK;
}

static int set_when(struct la_cli *cli, const char *opt, const char *arg, int64_t *ns)
{
    if (!arg)
        return 0;
    if (parse_when(arg, ns) == 0)
        return 0;
    la_cli_err(cli, LA_D_USAGE, NULL, "%s takes a date, YYYY-MM-DD or 'YYYY-MM-DD HH:MM:SS', "
               "not '%s'", opt, arg);
    return -1;
}

int la_cli_show(struct la_cli *cli, int argc, char **argv)
{
    struct show s = { .cli = cli, .since = INT64_MIN, .until = INT64_MAX };
    int rc, missing;

    for (int i = 0; i < cli->o.nouts; i++) {
        if (!strcmp(cli->o.outs[i].format, "ndjson"))
            s.ndjson = 1;
        else if (strcmp(cli->o.outs[i].format, "text")) {
            la_cli_err(cli, LA_D_USAGE, NULL, "show writes text or ndjson, not %s",
                       cli->o.outs[i].format);
            return 2;
        }
    }
    if (set_when(cli, "--since", cli->o.show_since, &s.since) < 0 ||
        set_when(cli, "--until", cli->o.show_until, &s.until) < 0)
        return 2;
    if (cli->o.show_until && !strchr(cli->o.show_until, ':'))
        s.until += 86400ll * 1000000000 - 1;   /* a day: all of it */
    if (argc < 1) {
        la_cli_err(cli, LA_D_USAGE, NULL, "show needs a path");
        return 2;
    }
    argc = la_cli_keep_existing(cli, argc, argv, &missing);
    if (argc < 1)
        return 2;
    rc = missing ? 2 : 0;
    la_buf_init(&s.line, 4 * LA_TV3_MAX_MESSAGE + 1024);
    struct la_ingest_cb cb = { .member = on_member, .user = &s };
    for (int i = 0; i < argc; i++) {
        uint64_t before = s.members;
        enum la_rc r = LA_OK;
        unsigned long files = 0;
        size_t al = strlen(argv[i]);
        /* An archive in a file: a first read gathers its strings files (the two passes of
         * docs/internals/tracev3.md); a folder's are read from disk. */
        if (regular_file(argv[i]) && !(al > 8 && !strcmp(argv[i] + al - 8, ".tracev3"))) {
            s.archive = la_tv3_strings_new(NULL, NULL);
            r = s.archive ? la_tv3_collect_strings(argv[i], &cli->o.eo.limits, s.archive,
                                                   &files, &cli->sink)
                          : LA_FATAL;
        }
        if (r != LA_FATAL)
            r = la_ingest_path(argv[i], &cli->o.eo.limits, &cb, NULL, &cli->sink);
        la_tv3_strings_free(s.archive);
        s.archive = NULL;
        if (r == LA_FAILED || r == LA_FATAL)
            rc = 2;
        if (r == LA_FATAL)
            break;
        if (s.members == before && r != LA_FAILED && r != LA_FATAL) {
            la_cli_err(cli, LA_D_USAGE, argv[i], "no unified log (.tracev3) in this input");
            rc = 2;
        }
    }
    la_buf_release(&s.line);
    if (s.failed || fflush(stdout) != 0 || ferror(stdout)) {
        la_cli_err(cli, LA_D_OUTPUT_FAILED, NULL, "standard output: %s", strerror(errno));
        rc = 2;
    }
    return rc;
}
