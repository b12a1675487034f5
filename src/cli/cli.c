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
#include "cli/cli-internal.h"
#include "cli/cli.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "formats/formats.h"
#include "report/report.h"
#include "rules/rules.h"
#include "serve/serve.h"

unsigned la_cli_diag_errors;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;   /* stderr from workers */
static int progress_shown;
int la_cli_lint_mode;

static void print_diag(void *user, const struct la_diag *d)
{
    struct la_buf b = LA_BUF_INIT;
    int *quiet = user;

    if (d->sev == LA_SEV_ERROR)
        la_cli_diag_errors++;
    if (quiet && *quiet && d->sev != LA_SEV_ERROR)
        return;
    if (d->code == LA_D_RULE_NO_LITERAL && !la_cli_lint_mode)
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
        "       loganalyze logs                       where restore and crash logs are kept\n"
        "       loganalyze --auto [OPTIONS]           find the logs on this computer, analyse the\n"
        "                                             newest restore attempt\n"
        "       loganalyze serve [--listen ADDR] [--open]  drag-and-drop web page (docs/serve.md)\n"
        "       loganalyze --open PATH...             HTML report opened in the browser\n"
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
        "                            match-limit evidence upload\n"
        "      --open                write the HTML report to a temp file and open it\n"
        "      --listen ADDR:PORT    serve: where to listen (default 127.0.0.1:8080)\n"
        "      --port-file FILE      serve: write the bound host:port to FILE\n"
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
    LIM("upload", max_upload)
#undef LIM
    return -1;
}

enum { O_FAIL_ON = 256, O_EXIT_ZERO, O_RULES, O_NO_DEFAULT, O_DATA_DIR, O_INPUT_FORMAT, O_TRIED,
       O_NO_REDACT, O_REDACT_KEY, O_DETERMINISTIC, O_COLOR, O_LIMIT, O_PROFILE, O_PATTERNS,
       O_AUTO, O_OPEN, O_LISTEN, O_PORT_FILE };

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
    { "auto", no_argument, NULL, O_AUTO },
    { "jobs", required_argument, NULL, 'j' },
    { "patterns", no_argument, NULL, O_PATTERNS },
    { "open", no_argument, NULL, O_OPEN },
    { "listen", required_argument, NULL, O_LISTEN },
    { "port-file", required_argument, NULL, O_PORT_FILE },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
};

int la_cli_write_file(const char *path, const struct la_buf *b)
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

static int want_color(const struct la_cli_opts *o, const char *file)
{
    if (o->color >= 0)
        return o->color;
    if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
        return 0;
    return (!file || !strcmp(file, "-")) && isatty(STDOUT_FILENO);
}

static int emit(const struct la_cli_opts *o, json_t *doc, struct la_diag_sink *sink)
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
        if (rc != LA_OK || la_cli_write_file(file, &b) < 0) {
            la_buf_release(&b);
            return -1;
        }
        la_buf_release(&b);
    }
    return 0;
}

int la_cli_analyze(struct la_cli_opts *o, int argc, char **argv, struct la_diag_sink *sink)
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

struct inspect_out {
    int as_json;
    unsigned long n;               /* members written */
};

/* One member of `inspect`, written as soon as it has been read. */
static enum la_rc inspect_member(void *user, const json_t *m)
{
    struct inspect_out *o = user;

    if (o->as_json) {
        char *s = json_dumps(m, JSON_PRESERVE_ORDER | JSON_COMPACT);
        if (!s)
            return LA_FATAL;
        printf("%s    %s", o->n ? ",\n" : "\n", s);
        free(s);
    } else {
        const char *p = json_string_value(json_object_get(m, "path"));
        const char *f = json_string_value(json_object_get(m, "format"));
        printf("%-60s %-16s %12lld %9lld  %s\n", p ? p : "", f ? f : "-",
               (long long)json_integer_value(json_object_get(m, "bytes")),
               (long long)json_integer_value(json_object_get(m, "lines")),
               json_string_value(json_object_get(m, "status")));
    }
    o->n++;
    return LA_OK;
}

/*
 * inspect: members are listed while the inputs are read, a table row or a JSON array
 * element each; nothing is collected, so an archive of any number of members lists in
 * constant memory.
 */
static int cmd_inspect(struct la_cli_opts *o, int argc, char **argv, struct la_diag_sink *sink)
{
    struct la_engine *e = NULL;
    struct inspect_out out = { 0, 0 };
    int rc = 0;

    for (int i = 0; i < o->nouts; i++)
        if (!strcmp(o->outs[i].format, "json"))
            out.as_json = 1;
    if (argc < 1) {
        fprintf(stderr, "loganalyze: error[LA300]: inspect needs a path\n");
        return 2;
    }
    if (la_engine_new(&e, &o->eo, sink) != LA_OK)
        return 2;
    if (out.as_json)
        printf("{\n  \"members\": [");
    else
        printf("%-60s %-16s %12s %9s  %s\n", "MEMBER", "FORMAT", "BYTES", "LINES", "STATUS");
    for (int i = 0; i < argc; i++) {
        enum la_rc r = la_engine_inspect(e, argv[i], inspect_member, &out, sink);
        if (r == LA_FAILED || r == LA_FATAL)
            rc = 2;
        if (r == LA_FATAL)
            break;
    }
    if (out.as_json)
        printf("%s]\n}\n", out.n ? "\n  " : "");
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "loganalyze: error[LA301]: standard output: %s\n", strerror(errno));
        rc = 2;
    }
    la_engine_free(e);
    return rc;
}

static int cmd_formats(void)
{
    for (unsigned i = 0; i < la_format_count(); i++)
        printf("%-18s %s\n", la_format_id(la_format_at(i)), la_format_title(la_format_at(i)));
    return 0;
}

int la_cli_main(int argc, char **argv)
{
    struct la_cli_opts o;
    struct la_limits lim = LA_LIMITS_DEFAULT;
    int c;
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
            if (o.nouts >= LA_CLI_MAX_OUT)
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
        case O_PATTERNS: break;          /* `rules export` prints the patterns: the one export */
        case O_AUTO: o.auto_mode = 1; break;
        case O_OPEN: o.open_report = 1; break;
        case O_LISTEN: o.serve_listen = optarg; break;
        case O_PORT_FILE: o.serve_port_file = optarg; break;
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
    if (argc > 0 && !strcmp(argv[0], "inspect"))
        return cmd_inspect(&o, argc - 1, argv + 1, &sink);
    if (argc > 0 && !strcmp(argv[0], "rules")) {
        /* Options may follow the subcommand: parse them again. */
        int rc;
        optind = 1;
        return (rc = la_cli_rules(&o, argc - 1, argv + 1, &sink));
    }
    if (argc > 0 && !strcmp(argv[0], "explain"))
        return la_cli_explain(&o, argc - 1, argv + 1, &sink);
    if (argc > 0 && !strcmp(argv[0], "formats"))
        return cmd_formats();
    if (argc > 0 && !strcmp(argv[0], "logs"))
        return la_cli_logs(&o);
    if (argc > 0 && !strcmp(argv[0], "serve")) {
        struct la_serve_opts so;
        if (argc > 1) {
            fprintf(stderr, "loganalyze: error[LA300]: serve takes no paths (drop them on the "
                            "page)\n");
            return 2;
        }
        memset(&so, 0, sizeof(so));
        so.listen = o.serve_listen;
        so.open_browser = o.open_report;
        so.port_file = o.serve_port_file;
        so.max_upload = o.eo.limits.max_upload;
        return la_serve_run(&so, &o.eo, &sink);
    }
    if (o.open_report)
        return la_open_report((const char *const *)argv, (size_t)argc, &o.eo, &sink);
    if (o.auto_mode) {
        if (argc > 0) {
            fprintf(stderr, "loganalyze: error[LA300]: --auto takes no paths\n");
            return 2;
        }
        return la_cli_auto(&o, &sink);
    }
    return la_cli_analyze(&o, argc, argv, &sink);
}
