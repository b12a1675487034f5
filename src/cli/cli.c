/*
 * The command line.  Parses options (getopt_long), builds an engine, runs
 * the subcommand and maps results to exit codes (DESIGN.md): 0 analysed and
 * nothing at or above --fail-on, 1 a failure diagnosed at or above it, 2 a
 * usage error, invalid rules, or an input that could not be read at all
 * (2 wins over 1).
 *
 * Subcommands: (none) analyse, inspect, rules lint|test|export, explain,
 * formats.  Diagnostics go to stderr as "path:line:col: error[LAnnn]: msg".
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/analyze.h"
#include "cli/cli.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "formats/formats.h"
#include "report/report.h"
#include "rules/rules.h"

#define MAX_OUT 16

struct out {
    const char *format;
    const char *file;
};

struct opts {
    struct la_engine_opts eo;
    struct out outs[MAX_OUT];
    int nouts;
    const char *output;
    int fail_on;                   /* level; default medium */
    int exit_zero, quiet, color;   /* color: -1 auto */
    const char *rules[64];
    int nrules;
    const char *tried[32];
    int ntried;
    long jobs;                     /* 0 = number of cores */
};

static unsigned diag_errors;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;   /* stderr from workers */
static int progress_shown;
static int lint_mode;          /* speed warnings (LA208) only in `rules lint` */

static void print_diag(void *user, const struct la_diag *d)
{
    struct la_buf b = LA_BUF_INIT;
    int *quiet = user;

    if (d->sev == LA_SEV_ERROR)
        diag_errors++;
    if (quiet && *quiet && d->sev != LA_SEV_ERROR)
        return;
    if (d->code == LA_D_RULE_NO_LITERAL && !lint_mode)
        return;
    pthread_mutex_lock(&out_lock);
    if (progress_shown) {
        fputs("\r\033[K", stderr);
        progress_shown = 0;
    }
    if (la_diag_format(d, &b) == LA_OK) {
        /* Terminal safety: control characters in paths or messages are shown escaped. */
        for (size_t i = 0; i < b.len; i++) {
            unsigned char c = (unsigned char)b.buf[i];
            if (c < 0x20 && c != '\t')
                fprintf(stderr, "\\x%02x", c);
            else
                fputc(c, stderr);
        }
        fputc('\n', stderr);
    }
    pthread_mutex_unlock(&out_lock);
    la_buf_release(&b);
}

/* ------------------------------------------------------------ analyse */

struct batch {
    struct la_engine *e;
    char **paths;
    size_t n, next, done;
    json_t **reports;
    enum la_rc *rcs;
    struct la_diag_sink *sink;
    pthread_mutex_t lock;
    int show_progress;
};

static struct batch *progress_batch;

static void show_progress(void *user, const char *input, uint64_t done, uint64_t total)
{
    struct batch *b = user;
    const char *base = strrchr(input, '/');

    if (!b->show_progress)
        return;
    base = base ? base + 1 : input;
    pthread_mutex_lock(&out_lock);
    if (total && done <= total)
        fprintf(stderr, "\r\033[K[%zu/%zu] %.40s  %3d %%  (%llu of %llu MB)", b->done + 1, b->n,
                base, (int)(done * 100 / total), (unsigned long long)(done >> 20),
                (unsigned long long)(total >> 20));
    else
        fprintf(stderr, "\r\033[K[%zu/%zu] %.40s  %llu MB read", b->done + 1, b->n, base,
                (unsigned long long)(done >> 20));
    progress_shown = 1;
    pthread_mutex_unlock(&out_lock);
}

static void *worker(void *arg)
{
    struct batch *b = arg;

    for (;;) {
        size_t i;
        pthread_mutex_lock(&b->lock);
        i = b->next++;
        pthread_mutex_unlock(&b->lock);
        if (i >= b->n)
            break;
        b->rcs[i] = la_engine_analyze(b->e, b->paths[i], &b->reports[i], b->sink);
        pthread_mutex_lock(&b->lock);
        b->done++;
        pthread_mutex_unlock(&b->lock);
        if (b->show_progress)
            show_progress(b, b->paths[i], 0, 0);
    }
    return NULL;
}

static void usage(FILE *f)
{
    fputs(
        "usage: loganalyze [OPTIONS] PATH...          diagnose restore logs, archives, folders\n"
        "       loganalyze inspect [OPTIONS] PATH...  list every member: format, size, status\n"
        "       loganalyze explain CODE...            what an error code means, what to do\n"
        "       loganalyze rules lint [PATH...]       validate rule files\n"
        "       loganalyze rules test [PATH...]       run rule samples and fixture logs\n"
        "       loganalyze rules export --patterns    print every pattern as a regex\n"
        "       loganalyze formats                    list the input formats\n"
        "\n"
        "PATH is a file, a folder (read recursively), an archive (zip, tar, gz, xz, bz2, zstd,\n"
        "7z; nested archives are opened), or - for standard input.\n"
        "\n"
        "options:\n"
        "  -f, --format NAME[:FILE]  report format: text json ndjson markdown html junit sarif\n"
        "                            github (repeatable; FILE writes that format there)\n"
        "  -o, --output FILE         write the (single) report to FILE\n"
        "      --fail-on LEVEL       exit 1 when a failure at or above LEVEL is diagnosed:\n"
        "                            info low medium high critical never (default: low)\n"
        "      --exit-zero           always exit 0 unless an error occurred\n"
        "      --rules PATH          add a rule file or folder (repeatable)\n"
        "      --no-default-rules    use only the rules given with --rules\n"
        "      --data-dir DIR        where causes.yaml, codes.yaml and the rules are\n"
        "      --input-format ID     skip probing; parse every member as ID\n"
        "      --tried STEP,...      remediation steps already taken (see explain)\n"
        "      --no-redact           keep ECID, UDID, serial, IMEI, e-mail, phone numbers\n"
        "      --redact-key KEY      key for the redaction tokens (default: random per run)\n"
        "      --deterministic       no wall-clock time in reports (for golden tests)\n"
        "      --color WHEN          auto, always or never (NO_COLOR is honoured)\n"
        "      --limit NAME=N        depth members bytes ratio line ips rules rule-file regex\n"
        "                            match-limit evidence\n"
        "      --profile             print per-rule matching cost to stderr\n"
        "  -j, --jobs N              analyse N inputs in parallel (default: number of cores)\n"
        "  -q, --quiet               no warnings on stderr\n"
        "  -h, --help                this help\n"
        "  -V, --version             the version\n"
        "\n"
        "exit status: 0 analysed, nothing at or above --fail-on; 1 a failure diagnosed at or\n"
        "above it; 2 usage error, invalid rules, or an input that could not be read at all.\n",
        f);
}

static int parse_level(const char *s)
{
    static const char *const n[] = { "info", "low", "medium", "high", "critical", "never" };
    for (int i = 0; i < 6; i++)
        if (!strcmp(s, n[i]))
            return i;
    return -1;
}

static int set_limit(struct la_limits *l, const char *arg)
{
    const char *eq = strchr(arg, '=');
    char *end;
    unsigned long long v;

    if (!eq)
        return -1;
    errno = 0;
    v = strtoull(eq + 1, &end, 10);
    if (errno || *end || end == eq + 1)
        return -1;
    size_t n = (size_t)(eq - arg);
#define LIM(name, field)                                                                  \
    if (n == strlen(name) && !strncmp(arg, name, n)) {                                    \
        l->field = (__typeof__(l->field))v;                                               \
        return 0;                                                                         \
    }
    LIM("depth", max_depth)
    LIM("members", max_members)
    LIM("bytes", max_bytes)
    LIM("ratio", max_ratio)
    LIM("line", max_line)
    LIM("ips", max_ips)
    LIM("rules", max_rules)
    LIM("rule-file", max_rule_file)
    LIM("regex", max_regex)
    LIM("match-limit", match_limit)
    LIM("evidence", max_evidence)
#undef LIM
    return -1;
}

enum { O_FAIL_ON = 256, O_EXIT_ZERO, O_RULES, O_NO_DEFAULT, O_DATA_DIR, O_INPUT_FORMAT, O_TRIED,
       O_NO_REDACT, O_REDACT_KEY, O_DETERMINISTIC, O_COLOR, O_LIMIT, O_PROFILE, O_PATTERNS };

static const struct option longopts[] = {
    { "format", required_argument, NULL, 'f' },
    { "output", required_argument, NULL, 'o' },
    { "fail-on", required_argument, NULL, O_FAIL_ON },
    { "exit-zero", no_argument, NULL, O_EXIT_ZERO },
    { "rules", required_argument, NULL, O_RULES },
    { "no-default-rules", no_argument, NULL, O_NO_DEFAULT },
    { "data-dir", required_argument, NULL, O_DATA_DIR },
    { "input-format", required_argument, NULL, O_INPUT_FORMAT },
    { "tried", required_argument, NULL, O_TRIED },
    { "no-redact", no_argument, NULL, O_NO_REDACT },
    { "redact-key", required_argument, NULL, O_REDACT_KEY },
    { "deterministic", no_argument, NULL, O_DETERMINISTIC },
    { "color", required_argument, NULL, O_COLOR },
    { "colour", required_argument, NULL, O_COLOR },
    { "limit", required_argument, NULL, O_LIMIT },
    { "profile", no_argument, NULL, O_PROFILE },
    { "jobs", required_argument, NULL, 'j' },
    { "patterns", no_argument, NULL, O_PATTERNS },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
};

static int write_file(const char *path, const struct la_buf *b)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "wb") : stdout;

    if (!f) {
        fprintf(stderr, "%s: error[LA301]: cannot write report: %s\n", path, strerror(errno));
        return -1;
    }
    if (fwrite(b->buf, 1, b->len, f) != b->len || (f != stdout ? fclose(f) : fflush(f))) {
        fprintf(stderr, "%s: error[LA301]: cannot write report: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int want_color(const struct opts *o, const char *file)
{
    if (o->color >= 0)
        return o->color;
    if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
        return 0;
    return (!file || !strcmp(file, "-")) && isatty(STDOUT_FILENO);
}

static int emit(const struct opts *o, json_t *doc, struct la_diag_sink *sink)
{
    for (int i = 0; i < o->nouts; i++) {
        struct la_buf b = LA_BUF_INIT;
        const char *file = o->outs[i].file ? o->outs[i].file : o->output ? o->output : "-";
        struct la_report_opts ro = { want_color(o, file), 0, o->eo.deterministic };
        const char *cols = getenv("COLUMNS");
        unsigned long w = cols ? strtoul(cols, NULL, 10) : 0;
        if (w > 20 && w < 1000)
            ro.width = (unsigned)w;
        enum la_rc rc = la_report_render(o->outs[i].format, doc, &ro, &b, sink);
        if (rc != LA_OK || write_file(file, &b) < 0) {
            la_buf_release(&b);
            return -1;
        }
        la_buf_release(&b);
    }
    return 0;
}

static int cmd_analyze(struct opts *o, int argc, char **argv, struct la_diag_sink *sink)
{
    struct la_engine *e = NULL;
    json_t *reports;
    int unreadable = 0, rc = 0, fatal = 0;
    struct batch b;
    long jobs = o->jobs > 0 ? o->jobs : sysconf(_SC_NPROCESSORS_ONLN);
    pthread_t th[64];
    long started = 0;

    if (argc < 1) {
        fprintf(stderr, "loganalyze: error[LA300]: no input given (try --help, or `loganalyze "
                        "explain 4013` if you only have the error number)\n");
        return 2;
    }
    memset(&b, 0, sizeof(b));
    b.show_progress = !o->quiet && isatty(STDERR_FILENO) && !getenv("LOGANALYZE_NO_PROGRESS");
    o->eo.progress = show_progress;
    o->eo.progress_user = &b;
    progress_batch = &b;
    if (la_engine_new(&e, &o->eo, sink) != LA_OK)
        return 2;
    b.e = e;
    b.paths = argv;
    b.n = (size_t)argc;
    b.sink = sink;
    b.reports = la_calloc((size_t)argc, sizeof(*b.reports));
    b.rcs = la_calloc((size_t)argc, sizeof(*b.rcs));
    reports = json_array();
    if (!b.reports || !b.rcs || !reports) {
        fprintf(stderr, "loganalyze: error[LA100]: out of memory\n");
        la_free(b.reports);
        la_free(b.rcs);
        json_decref(reports);
        la_engine_free(e);
        return 2;
    }
    /* Inputs in parallel; reports keep the order of the command line. */
    pthread_mutex_init(&b.lock, NULL);
    if (jobs < 1)
        jobs = 1;
    if (jobs > 64)
        jobs = 64;
    if (jobs > argc)
        jobs = argc;
    for (long i = 1; i < jobs; i++)
        if (pthread_create(&th[started], NULL, worker, &b) == 0)
            started++;
    worker(&b);
    for (long i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    pthread_mutex_destroy(&b.lock);
    if (progress_shown) {
        fputs("\r\033[K", stderr);
        progress_shown = 0;
    }
    for (int i = 0; i < argc; i++) {
        if (b.rcs[i] == LA_FATAL || !b.reports[i])
            fatal = 1;
        if (b.rcs[i] == LA_FAILED)
            unreadable = 1;
        if (b.reports[i])
            json_array_append_new(reports, b.reports[i]);
    }
    la_free(b.reports);
    la_free(b.rcs);
    if (fatal) {
        fprintf(stderr, "loganalyze: error[LA100]: out of memory\n");
        json_decref(reports);
        la_engine_free(e);
        return 2;
    }
    json_t *doc = la_engine_document(e, reports);
    if (!doc || emit(o, doc, sink) < 0) {
        json_decref(doc);
        la_engine_free(e);
        return 2;
    }
    if (o->eo.profile) {
        json_t *p = la_engine_profile(e);
        size_t i;
        json_t *v;
        fprintf(stderr, "%-48s %10s %8s %10s\n", "rule", "checks", "matches", "ms");
        json_array_foreach(p, i, v)
            fprintf(stderr, "%-48s %10lld %8lld %10.3f\n",
                    json_string_value(json_object_get(v, "rule")),
                    (long long)json_integer_value(json_object_get(v, "checks")),
                    (long long)json_integer_value(json_object_get(v, "matches")),
                    json_real_value(json_object_get(v, "ms")));
        json_decref(p);
    }
    int lvl = la_report_max_level(doc);
    if (!o->exit_zero && o->fail_on < 5 && lvl >= 0 && lvl >= o->fail_on)
        rc = 1;
    if (unreadable)
        rc = 2;
    json_decref(doc);
    la_engine_free(e);
    return rc;
}

static int cmd_inspect(struct opts *o, int argc, char **argv, struct la_diag_sink *sink)
{
    struct la_engine *e = NULL;
    json_t *members = json_array();
    int rc = 0, as_json = 0;

    for (int i = 0; i < o->nouts; i++)
        if (!strcmp(o->outs[i].format, "json"))
            as_json = 1;
    if (argc < 1) {
        fprintf(stderr, "loganalyze: error[LA300]: inspect needs a path\n");
        return 2;
    }
    if (la_engine_new(&e, &o->eo, sink) != LA_OK)
        return 2;
    for (int i = 0; i < argc; i++) {
        enum la_rc r = la_engine_inspect(e, argv[i], members, sink);
        if (r == LA_FAILED)
            rc = 2;
        else if (r == LA_FATAL)
            rc = 2;
    }
    if (as_json) {
        json_t *doc = json_pack("{s:O}", "members", members);
        char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (s)
            printf("%s\n", s);
        free(s);
        json_decref(doc);
    } else {
        size_t i;
        json_t *m;
        printf("%-60s %-16s %12s %9s  %s\n", "MEMBER", "FORMAT", "BYTES", "LINES", "STATUS");
        json_array_foreach(members, i, m) {
            const char *p = json_string_value(json_object_get(m, "path"));
            const char *f = json_string_value(json_object_get(m, "format"));
            printf("%-60s %-16s %12lld %9lld  %s\n", p ? p : "", f ? f : "-",
                   (long long)json_integer_value(json_object_get(m, "bytes")),
                   (long long)json_integer_value(json_object_get(m, "lines")),
                   json_string_value(json_object_get(m, "status")));
        }
    }
    json_decref(members);
    la_engine_free(e);
    return rc;
}

/* ------------------------------------------------------------ rules test */

struct rt {
    long want;                     /* rule index to look for */
    int hit;
};

static enum la_rc rt_hit(void *user, size_t rule, const struct la_capture *c, size_t n)
{
    struct rt *t = user;
    if ((long)rule == t->want)
        t->hit = 1;
    return LA_OK;
}

struct rt_line {
    struct la_matcher *m;
    struct rt *t;
};

static enum la_rc rt_record(void *user, const struct la_record *r)
{
    struct rt_line *l = user;
    struct la_fields f = { r->format, r->text, r->message, r->component, r->level };
    return la_matcher_scan(l->m, &f, rt_hit, l->t, NULL);
}

/* Does rule ri fire on line (parsed as format f)? */
static int fires(struct la_matcher *m, const struct la_format *f, long ri, const char *line)
{
    struct la_parser *p = la_parser_new(f, NULL);
    struct rt t = { ri, 0 };
    struct rt_line l = { m, &t };

    if (!p)
        return -1;
    if (la_parser_line(p, la_sv_cstr(line), 1, rt_record, &l) != LA_OK)
        t.hit = -1;
    la_parser_free(p);
    return t.hit;
}

static int run_fixture(const char *path, const struct la_ruleset *rs, struct la_matcher *m,
                       unsigned *pass, unsigned *fail, int junit, struct la_buf *jx)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned lineno = 0;
    const struct la_format *fmt = la_format_find("text");
    char expect[1024] = "", ok[1024] = "";

    if (!f) {
        fprintf(stderr, "%s: error[LA101]: cannot open: %s\n", path, strerror(errno));
        (*fail)++;
        return -1;
    }
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        if (!strncmp(line, "#! format:", 10)) {
            const char *id = line + 10;
            while (*id == ' ')
                id++;
            fmt = la_format_find(id);
            if (!fmt) {
                fprintf(stderr, "%s:%u: error[LA206]: unknown format '%s'\n", path, lineno, id);
                (*fail)++;
                fmt = la_format_find("text");
            }
            continue;
        }
        if (!strncmp(line, "#! expect:", 10)) {
            snprintf(expect, sizeof(expect), "%s", line + 10);
            continue;
        }
        if (!strncmp(line, "#! ok:", 6)) {
            snprintf(ok, sizeof(ok), "%s", line + 6);
            continue;
        }
        if (!strncmp(line, "#!", 2) || !*line)
            continue;
        for (int pass_ok = 0; pass_ok < 2; pass_ok++) {
            char *list = pass_ok ? ok : expect, *save = NULL;
            for (char *id = strtok_r(list, ", ", &save); id; id = strtok_r(NULL, ", ", &save)) {
                long ri = la_ruleset_find(rs, id);
                int h = ri < 0 ? -1 : fires(m, fmt, ri, line);
                int good = ri >= 0 && (pass_ok ? h == 0 : h == 1);
                if (good) {
                    (*pass)++;
                } else {
                    (*fail)++;
                    if (ri < 0)
                        fprintf(stderr, "%s:%u: error[LA211]: unknown rule '%s'\n", path, lineno,
                                id);
                    else
                        fprintf(stderr, "%s:%u: error[LA%u]: rule '%s' %s this line\n", path,
                                lineno, pass_ok ? 219 : 218, id,
                                pass_ok ? "fires on" : "does not fire on");
                }
                if (junit) {
                    if (la_buf_addf(jx, "<testcase classname=\"fixture\" name=\"%s:%u %s\">%s"
                                        "</testcase>\n", path, lineno, id,
                                    good ? "" : "<failure message=\"mismatch\"/>") != LA_OK)
                        return -1;
                }
            }
            list[0] = 0;
        }
    }
    free(line);
    fclose(f);
    return 0;
}

static int cmd_rules(struct opts *o, int argc, char **argv, struct la_diag_sink *sink)
{
    const char *sub = argc > 0 ? argv[0] : "";
    struct la_engine *e = NULL;
    const char *fixtures[256];
    int nfix = 0;

    if (strcmp(sub, "lint") && strcmp(sub, "test") && strcmp(sub, "export")) {
        fprintf(stderr, "loganalyze: error[LA300]: usage: loganalyze rules lint|test|export "
                        "[PATH...]\n");
        return 2;
    }
    /* Paths: rule files/folders; for test also fixture logs (*.log). */
    for (int i = 1; i < argc; i++) {
        size_t l = strlen(argv[i]);
        if (!strcmp(sub, "test") && l > 4 && !strcmp(argv[i] + l - 4, ".log")) {
            if (nfix < 256)
                fixtures[nfix++] = argv[i];
        } else if (o->nrules < 63) {
            o->rules[o->nrules++] = argv[i];
        }
    }
    o->rules[o->nrules] = NULL;
    o->eo.rule_paths = o->rules;
    if (argc > 1 && o->nrules && !strcmp(sub, "lint"))
        o->eo.no_default_rules = 1;
    diag_errors = 0;
    lint_mode = !strcmp(sub, "lint");
    if (la_engine_new(&e, &o->eo, sink) != LA_OK) {
        if (!strcmp(sub, "lint"))
            fprintf(stderr, "%u error%s\n", diag_errors, diag_errors == 1 ? "" : "s");
        return 2;
    }
    const struct la_ruleset *rs = la_engine_ruleset(e);
    if (!strcmp(sub, "lint")) {
        size_t np, nu;
        la_ruleset_pattern_stats(rs, &np, &nu);
        printf("%zu rules, %zu patterns (%zu without a prefilter literal), no errors\n",
               la_ruleset_count(rs), np, nu);
        la_engine_free(e);
        return 0;
    }
    if (!strcmp(sub, "export")) {
        struct la_buf b = LA_BUF_INIT;
        int rc = la_ruleset_export_patterns(rs, &b) == LA_OK && write_file("-", &b) == 0 ? 0 : 2;
        la_buf_release(&b);
        la_engine_free(e);
        return rc;
    }
    struct la_matcher *m = la_matcher_new(rs);
    unsigned pass = 0, fail = 0;
    int junit = 0;
    struct la_buf jx = LA_BUF_INIT;
    for (int i = 0; i < o->nouts; i++)
        junit |= !strcmp(o->outs[i].format, "junit");
    if (!m) {
        la_engine_free(e);
        return 2;
    }
    for (size_t ri = 0; ri < la_ruleset_count(rs); ri++) {
        const struct la_rule_meta *r = la_ruleset_rule(rs, ri);
        for (int pass_not = 0; pass_not < 2; pass_not++) {
            const char *const *lines = pass_not ? r->nots : r->samples;
            for (size_t k = 0; lines && lines[k]; k++) {
                /* Try the rule's formats; a sample passes when any of them fires. */
                int h = 0;
                for (unsigned fi = 0; fi < la_format_count() && !h; fi++) {
                    const struct la_format *cand = la_format_at(fi);
                    if (la_format_is_binary(cand))
                        continue;
                    int hh = fires(m, cand, (long)ri, lines[k]);
                    if (hh > 0)
                        h = 1;
                }
                int good = pass_not ? !h : h;
                if (good)
                    pass++;
                else {
                    fail++;
                    fprintf(stderr, "%s:%u: error[LA%u]: rule '%s': %s: %s\n", r->file,
                            r->line, pass_not ? 213 : 212, r->id,
                            pass_not ? "a not-line matches" : "a sample does not match",
                            lines[k]);
                }
                if (junit && la_buf_addf(&jx, "<testcase classname=\"%s\" name=\"%s %zu\">%s"
                                              "</testcase>\n", r->id,
                                         pass_not ? "not" : "sample", k,
                                         good ? "" : "<failure message=\"mismatch\"/>") != LA_OK)
                    fail++;
            }
        }
    }
    for (int i = 0; i < nfix; i++)
        run_fixture(fixtures[i], rs, m, &pass, &fail, junit, &jx);
    if (junit) {
        printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites><testsuite "
               "name=\"loganalyze rules\" tests=\"%u\" failures=\"%u\">\n%s</testsuite>"
               "</testsuites>\n", pass + fail, fail, jx.buf);
    }
    fprintf(junit ? stderr : stdout, "%u passed, %u failed\n", pass, fail);
    la_buf_release(&jx);
    la_matcher_free(m);
    la_engine_free(e);
    return fail ? 1 : 0;
}

/* ------------------------------------------------------------ explain */

static void wrap(FILE *f, const char *indent, const char *s, unsigned width)
{
    size_t col = 0, il = strlen(indent);

    fputs(indent, f);
    col = il;
    while (*s) {
        const char *w = s;
        while (*s && *s != ' ')
            s++;
        size_t wl = (size_t)(s - w);
        if (col > il && col + 1 + wl > width) {
            fputc('\n', f);
            fputs(indent, f);
            col = il;
        } else if (col > il) {
            fputc(' ', f);
            col++;
        }
        fwrite(w, 1, wl, f);
        col += wl;
        while (*s == ' ')
            s++;
    }
    fputc('\n', f);
}

static const struct la_code *lookup_code(const struct la_kb *kb, const char *arg, long *ret_num)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(arg, &end, 0);
    if (!errno && !*end && end != arg) {
        *ret_num = v;
        return la_kb_code(kb, v);
    }
    const struct la_code *c = la_kb_code_by_name(kb, arg);
    if (c)
        *ret_num = c->code;
    return c;
}

static json_t *explain_json(const struct la_kb *kb, const char *arg)
{
    long num = 0;
    int known_num = 0;
    const struct la_code *c = lookup_code(kb, arg, &num);
    char *end;
    json_t *o = json_object(), *causes = json_array(), *ladder = json_array();

    errno = 0;
    (void)strtol(arg, &end, 0);
    known_num = c || (!errno && !*end && end != arg);
    json_object_set_new(o, "query", json_string(arg));
    json_object_set_new(o, "known", json_boolean(c != NULL));
    if (known_num)
        json_object_set_new(o, "code", json_integer(num));
    const struct la_prior *pr = NULL;
    size_t np = 0;
    const struct la_family *fam = known_num ? la_kb_family_of(kb, num) : NULL;
    if (c) {
        json_t *names = json_array(), *means = json_array(), *collect = json_array();
        for (const char *const *n = c->names; n && *n; n++)
            json_array_append_new(names, json_string(*n));
        json_object_set_new(o, "names", names);
        for (size_t i = 0; i < c->n_meanings; i++)
            json_array_append_new(means, json_pack("{s:s,s:s,s:b,s:s}", "space",
                                                   c->meanings[i].space, "text",
                                                   c->meanings[i].text, "confirmed",
                                                   c->meanings[i].confirmed, "source",
                                                   c->meanings[i].source));
        json_object_set_new(o, "meanings", means);
        if (c->collides)
            json_object_set_new(o, "collides", json_string(c->collides));
        if (c->stage)
            json_object_set_new(o, "stage", json_string(c->stage));
        for (const char *const *n = c->collect; n && *n; n++)
            json_array_append_new(collect, json_string(*n));
        json_object_set_new(o, "collect", collect);
        pr = c->priors;
        np = c->n_priors;
        if (c->family && la_kb_family(kb, c->family))
            fam = la_kb_family(kb, c->family);
    }
    if (fam) {
        json_object_set_new(o, "family", json_pack("{s:s,s:s}", "id", fam->id, "title",
                                                   fam->title ? fam->title : ""));
        if (!np) {
            pr = fam->priors;
            np = fam->n_priors;
        }
    }
    /* Ranked causes: the code's priors, else the family's, else the defaults. */
    struct { const struct la_cause *c; double p; } rk[32];
    size_t nr = 0;
    for (size_t i = 0; i < la_kb_n_causes(kb) && nr < 32; i++) {
        const struct la_cause *cz = la_kb_cause_at(kb, i);
        double p = np ? 0 : cz->prior;
        for (size_t k = 0; k < np; k++)
            if (!strcmp(pr[k].cause, cz->id))
                p = pr[k].p;
        if (p <= 0)
            continue;
        rk[nr].c = cz;
        rk[nr].p = p;
        nr++;
    }
    for (size_t i = 0; i < nr; i++)
        for (size_t j = i + 1; j < nr; j++)
            if (rk[j].p > rk[i].p) {
                __typeof__(rk[0]) t = rk[i];
                rk[i] = rk[j];
                rk[j] = t;
            }
    for (size_t i = 0; i < nr; i++)
        json_array_append_new(causes, json_pack("{s:s,s:s,s:f,s:s,s:s}", "id", rk[i].c->id,
                                                "title", rk[i].c->title, "prior", rk[i].p,
                                                "summary", rk[i].c->summary, "next_test",
                                                rk[i].c->next_test ? rk[i].c->next_test : ""));
    json_object_set_new(o, "causes", causes);
    for (size_t i = 0; i < la_kb_n_steps(kb); i++) {
        const struct la_step *s = la_kb_step_at(kb, i);
        json_array_append_new(ladder, json_pack("{s:s,s:s,s:s,s:s}", "id", s->id, "text",
                                                s->text, "why", s->why ? s->why : "",
                                                "if_still_fails",
                                                s->if_still_fails ? s->if_still_fails : ""));
    }
    json_object_set_new(o, "ladder", ladder);
    return o;
}

static void explain_text(const json_t *o, unsigned width)
{
    const char *q = json_string_value(json_object_get(o, "query"));
    json_t *v;
    size_t i;

    if (!json_is_true(json_object_get(o, "known"))) {
        printf("%s is not in the error-code catalogue.\n", q);
        json_t *fam = json_object_get(o, "family");
        if (fam)
            printf("It falls in the range of: %s.\n",
                   json_string_value(json_object_get(fam, "title")));
    } else {
        printf("Error %lld", (long long)json_integer_value(json_object_get(o, "code")));
        json_t *names = json_object_get(o, "names");
        if (json_array_size(names))
            printf(" (%s)", json_string_value(json_array_get(names, 0)));
        printf("\n\nWhat it means:\n");
        json_array_foreach(json_object_get(o, "meanings"), i, v) {
            struct la_buf b = LA_BUF_INIT;
            if (la_buf_addf(&b, "[%s] %s%s", json_string_value(json_object_get(v, "space")),
                            json_string_value(json_object_get(v, "text")),
                            json_is_true(json_object_get(v, "confirmed"))
                                ? "" : " (unconfirmed: no primary source)") == LA_OK)
                wrap(stdout, "  - ", b.buf, width);
            la_buf_release(&b);
            la_buf_reset(&b);
            if (la_buf_addf(&b, "source: %s",
                            json_string_value(json_object_get(v, "source"))) == LA_OK)
                wrap(stdout, "    ", b.buf, width);
            la_buf_release(&b);
        }
        if (json_object_get(o, "collides")) {
            printf("\nNumbering clash:\n");
            wrap(stdout, "  ", json_string_value(json_object_get(o, "collides")), width);
        }
        if (json_object_get(o, "stage")) {
            printf("\nWhen it usually appears:\n");
            wrap(stdout, "  ", json_string_value(json_object_get(o, "stage")), width);
        }
    }
    printf("\nLikely causes, most likely first:\n");
    json_array_foreach(json_object_get(o, "causes"), i, v) {
        printf("  %zu. %s (%.0f %%)\n", i + 1, json_string_value(json_object_get(v, "title")),
               json_real_value(json_object_get(v, "prior")) * 100);
        if (i < 3)
            wrap(stdout, "     ", json_string_value(json_object_get(v, "next_test")), width);
    }
    printf("\nWhat to try, cheapest first:\n");
    json_array_foreach(json_object_get(o, "ladder"), i, v) {
        struct la_buf b = LA_BUF_INIT;
        if (la_buf_addf(&b, "[ ] %s", json_string_value(json_object_get(v, "text"))) == LA_OK)
            wrap(stdout, "  ", b.buf, width);
        la_buf_release(&b);
        wrap(stdout, "      why: ", json_string_value(json_object_get(v, "why")), width);
        wrap(stdout, "      if it still fails: ",
             json_string_value(json_object_get(v, "if_still_fails")), width);
    }
    json_t *col = json_object_get(o, "collect");
    if (json_array_size(col)) {
        printf("\nLogs that tell the causes apart:\n");
        json_array_foreach(col, i, v)
            wrap(stdout, "  - ", json_string_value(v), width);
    }
}

static int cmd_explain(struct opts *o, int argc, char **argv, struct la_diag_sink *sink)
{
    struct la_kb *kb = NULL;
    struct la_engine *e = NULL;
    int as_json = 0;

    for (int i = 0; i < o->nouts; i++)
        as_json |= !strcmp(o->outs[i].format, "json");
    if (argc < 1) {
        fprintf(stderr, "loganalyze: error[LA300]: explain needs an error code, e.g. "
                        "`loganalyze explain 4013`\n");
        return 2;
    }
    o->eo.no_default_rules = 1;
    if (la_engine_new(&e, &o->eo, sink) != LA_OK)
        return 2;
    kb = (struct la_kb *)la_engine_kb(e);
    json_t *all = json_array();
    for (int i = 0; i < argc; i++) {
        json_t *x = explain_json(kb, argv[i]);
        if (as_json)
            json_array_append_new(all, x);
        else {
            if (i)
                printf("\n----------------------------------------\n\n");
            explain_text(x, 88);
            json_decref(x);
        }
    }
    if (as_json) {
        json_t *doc = json_pack("{s:s,s:o}", "schema", "loganalyze.explain/1", "codes", all);
        char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (s)
            printf("%s\n", s);
        free(s);
        json_decref(doc);
    } else {
        json_decref(all);
    }
    la_engine_free(e);
    return 0;
}

static int cmd_formats(void)
{
    for (unsigned i = 0; i < la_format_count(); i++)
        printf("%-18s %s\n", la_format_id(la_format_at(i)), la_format_title(la_format_at(i)));
    return 0;
}

int la_cli_main(int argc, char **argv)
{
    struct opts o;
    struct la_limits lim = LA_LIMITS_DEFAULT;
    int c, patterns = 0;
    struct la_diag_sink sink = { print_diag, NULL };

    memset(&o, 0, sizeof(o));
    o.eo.limits = lim;
    o.eo.redact = 1;
    o.fail_on = 1;
    o.color = -1;
    sink.user = &o.quiet;
    while ((c = getopt_long(argc, argv, "f:o:j:qhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': {
            if (o.nouts >= MAX_OUT)
                break;
            char *colon = strchr(optarg, ':');
            if (colon)
                *colon = 0;
            o.outs[o.nouts].format = optarg;
            o.outs[o.nouts].file = colon ? colon + 1 : NULL;
            if (!la_report_known(optarg)) {
                fprintf(stderr, "loganalyze: error[LA300]: unknown report format '%s' (text, "
                                "json, ndjson, markdown, html, junit, sarif, github)\n", optarg);
                return 2;
            }
            o.nouts++;
            break;
        }
        case 'o': o.output = optarg; break;
        case 'j': {
            char *end;
            o.jobs = strtol(optarg, &end, 10);
            if (*end || o.jobs < 1 || o.jobs > 64) {
                fprintf(stderr, "loganalyze: error[LA300]: --jobs takes a number from 1 to 64\n");
                return 2;
            }
            break;
        }
        case 'q': o.quiet = 1; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("loganalyze %s\n", LA_VERSION); return 0;
        case O_FAIL_ON:
            o.fail_on = parse_level(optarg);
            if (o.fail_on < 0) {
                fprintf(stderr, "loganalyze: error[LA300]: --fail-on takes info, low, medium, "
                                "high, critical or never\n");
                return 2;
            }
            break;
        case O_EXIT_ZERO: o.exit_zero = 1; break;
        case O_RULES:
            if (o.nrules < 63)
                o.rules[o.nrules++] = optarg;
            break;
        case O_NO_DEFAULT: o.eo.no_default_rules = 1; break;
        case O_DATA_DIR: o.eo.data_dir = optarg; break;
        case O_INPUT_FORMAT: o.eo.input_format = optarg; break;
        case O_TRIED: {
            char *save = NULL;
            for (char *t = strtok_r(optarg, ",", &save); t && o.ntried < 31;
                 t = strtok_r(NULL, ",", &save))
                o.tried[o.ntried++] = t;
            break;
        }
        case O_NO_REDACT: o.eo.redact = 0; break;
        case O_REDACT_KEY: o.eo.redact_key = optarg; break;
        case O_DETERMINISTIC: o.eo.deterministic = 1; break;
        case O_COLOR:
            o.color = !strcmp(optarg, "always") ? 1 : !strcmp(optarg, "never") ? 0 : -1;
            if (strcmp(optarg, "always") && strcmp(optarg, "never") && strcmp(optarg, "auto")) {
                fprintf(stderr, "loganalyze: error[LA300]: --color takes auto, always or "
                                "never\n");
                return 2;
            }
            break;
        case O_LIMIT:
            if (set_limit(&o.eo.limits, optarg) < 0) {
                fprintf(stderr, "loganalyze: error[LA300]: bad --limit '%s' (NAME=NUMBER)\n",
                        optarg);
                return 2;
            }
            break;
        case O_PROFILE: o.eo.profile = 1; break;
        case O_PATTERNS: patterns = 1; break;
        default: usage(stderr); return 2;
        }
    }
    o.rules[o.nrules] = NULL;
    o.tried[o.ntried] = NULL;
    o.eo.rule_paths = o.rules;
    o.eo.tried = o.tried;
    if (!o.nouts) {
        o.outs[0].format = "text";
        o.nouts = 1;
    }
    argc -= optind;
    argv += optind;
    (void)patterns;
    if (argc > 0 && !strcmp(argv[0], "inspect"))
        return cmd_inspect(&o, argc - 1, argv + 1, &sink);
    if (argc > 0 && !strcmp(argv[0], "rules")) {
        /* Options may follow the subcommand: parse them again. */
        int rc;
        optind = 1;
        return (rc = cmd_rules(&o, argc - 1, argv + 1, &sink));
    }
    if (argc > 0 && !strcmp(argv[0], "explain"))
        return cmd_explain(&o, argc - 1, argv + 1, &sink);
    if (argc > 0 && !strcmp(argv[0], "formats"))
        return cmd_formats();
    return cmd_analyze(&o, argc, argv, &sink);
}
