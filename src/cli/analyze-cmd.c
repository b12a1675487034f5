/*
 * `loganalyze PATH...`: analyse inputs in parallel and write the reports.
 *
 * Flow: inputs that do not exist are one line each and dropped (la_cli_keep_existing); one
 * engine; --jobs threads (default: the number of cores, at most one per input)
 * take the next input from a shared counter and analyse it into its cases (one report per
 * device, --each, --join: la_engine_analyze_cases); the reports keep the order of
 * the command line; the document is rendered once per --format and written to its file
 * (or -o, or stdout); --profile prints the per-rule cost; the exit code follows --fail-on
 * (docs/design.md: 0 nothing at or above it, 1 a failure at or above it, 2 an input that could
 * not be read, which wins).
 *
 * Cores: --jobs is the number of threads at work.  With fewer inputs than jobs, the cores
 * left over are given to ingest (la_ingest_spare_threads), which inflates a gzip stream on
 * one of them beside the worker reading it; a worker that runs out of inputs gives its own.
 *
 * Threads: the engine is shared (la_engine_analyze is thread-safe), each worker writes
 * only its own slots of reports[] and rcs[]; next is read and written under batch.lock
 * only; the progress bar (progress.c) has its own lock; stderr (diagnostics, the bar) goes
 * through cli/msg.c's lock.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/analyze.h"
#include "cli/cli-internal.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/encoding.h"
#include "ingest/ingest.h"
#include "report/report.h"

struct batch {
    struct la_cli *cli;
    struct la_engine *e;
    char **paths;
    size_t n;
    json_t **reports;
    enum la_rc *rcs;
    struct la_cli_bar bar;         /* the progress bar, over the whole batch */
    pthread_mutex_t lock;          /* guards next */
    size_t next;
};

static void show_progress(void *user, const char *input, uint64_t done, uint64_t total)
{
    struct batch *b = user;

    (void)total;
    la_cli_bar_update(&b->bar, input, done);
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
        b->rcs[i] = la_engine_analyze_cases(b->e, b->paths[i], &b->reports[i], &b->cli->sink);
        la_cli_bar_done(&b->bar, i);
    }
    la_ingest_spare_threads(1);     /* this core is free for the others' inflating */
    return NULL;
}

/* Analyse every input on jobs threads (this one included). */
static void run_batch(struct batch *b, long jobs)
{
    pthread_t th[LA_CLI_MAX_JOBS];
    long started = 0, spare;

    if (jobs < 1)
        jobs = 1;
    if (jobs > LA_CLI_MAX_JOBS)
        jobs = LA_CLI_MAX_JOBS;
    spare = (size_t)jobs > b->n ? jobs - (long)b->n : 0;
    jobs -= spare;
    la_ingest_spare_threads((int)spare);
    for (long i = 1; i < jobs; i++)
        if (pthread_create(&th[started], NULL, worker, b) == 0)
            started++;
    worker(b);
    for (long i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    /* Each worker gave its core back as it ended: take them all back. */
    la_ingest_spare_threads(-(int)(spare + started + 1));
    la_cli_bar_finish(&b->bar);
}

/*
 * Colour on: --color, else not with NO_COLOR set (no-color.org) or TERM=dumb (a terminal that
 * shows escape sequences as text), else when the report goes to a terminal.
 */
static int want_color(const struct la_cli_opts *o, const char *file)
{
    const char *term = getenv("TERM");

    if (o->color >= 0)
        return o->color;
    if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
        return 0;
    if (term && !strcmp(term, "dumb"))
        return 0;
    return (!file || !strcmp(file, "-")) && isatty(STDOUT_FILENO);
}

/*
 * Every --format of the document to its file.  One that cannot be rendered or written is an
 * LA301 error naming the format, the file and why, and the others are still written.
 * Returns -1 when any failed.
 */
static int emit(struct la_cli *cli, json_t *doc)
{
    const struct la_cli_opts *o = &cli->o;
    int failed = 0;

    for (int i = 0; i < o->nouts; i++) {
        struct la_buf b = LA_BUF_INIT, what = LA_BUF_INIT;
        const char *file = o->outs[i].file ? o->outs[i].file : o->output ? o->output : "-";
        struct la_report_opts ro = { want_color(o, file), la_cli_width(file), o->eo.deterministic };
        enum la_rc rc = la_report_render(o->outs[i].format, doc, &ro, &b, &cli->sink);
        if (rc == LA_OK && la_buf_addf(&what, "%s report", o->outs[i].format) != LA_OK)
            rc = LA_FATAL;
        if (rc != LA_OK) {
            la_cli_err(cli, LA_D_OUTPUT_FAILED, strcmp(file, "-") ? file : "standard output",
                       "cannot write the %s report: %s", o->outs[i].format,
                       rc == LA_FATAL ? "out of memory" : "it could not be rendered");
            failed = 1;
        } else if (la_cli_write_file(cli, file, what.buf, &b) < 0) {
            failed = 1;
        }
        la_buf_release(&what);
        la_buf_release(&b);
    }
    return failed ? -1 : 0;
}

static void print_profile(struct la_engine *e)
{
    json_t *p = la_engine_profile(e), *v;
    size_t i;

    fprintf(stderr, "%-48s %10s %8s %10s\n", "rule", "checks", "matches", "ms");
    json_array_foreach(p, i, v)
        fprintf(stderr, "%-48s %10lld %8lld %10.3f\n",
                json_string_value(json_object_get(v, "rule")),
                (long long)json_integer_value(json_object_get(v, "checks")),
                (long long)json_integer_value(json_object_get(v, "matches")),
                json_real_value(json_object_get(v, "ms")));
    json_decref(p);
}

/* The reports into one document, written; the exit code. */
static int finish(struct la_cli *cli, struct la_engine *e, struct batch *b)
{
    json_t *reports = json_array(), *doc;
    int unreadable = 0, fatal = !reports, rc = 0, lvl;

    for (size_t i = 0; i < b->n; i++) {
        if (b->rcs[i] == LA_FATAL || !b->reports[i])
            fatal = 1;
        if (b->rcs[i] == LA_FAILED)
            unreadable = 1;
        /* One report per case: most inputs are one case, a split input several. */
        if (b->reports[i] && reports && json_array_extend(reports, b->reports[i]) != 0)
            fatal = 1;
        json_decref(b->reports[i]);
    }
    if (fatal) {
        la_cli_err(cli, LA_D_NO_MEMORY, NULL, "out of memory");
        json_decref(reports);
        return 2;
    }
    doc = la_engine_document(e, reports);
    if (!doc || emit(cli, doc) < 0) {
        json_decref(doc);
        return 2;
    }
    if (cli->o.eo.profile)
        print_profile(e);
    lvl = la_report_max_level(doc);
    if (!cli->o.exit_zero && cli->o.fail_on < LA_CLI_FAIL_NEVER && lvl >= 0 &&
        lvl >= cli->o.fail_on)
        rc = 1;
    if (unreadable)
        rc = 2;
    json_decref(doc);
    return rc;
}

int la_cli_analyze(struct la_cli *cli, int argc, char **argv)
{
    struct la_cli_opts *o = &cli->o;
    struct la_engine *e = NULL;
    struct batch b;
    int rc = 2, missing;

    if (argc < 1) {
        la_cli_err(cli, LA_D_USAGE, NULL, "no input given (try --help, or `loganalyze explain "
                   "4013` if you only have the error number)");
        return 2;
    }
    argc = la_cli_keep_existing(cli, argc, argv, &missing);
    if (argc < 1)
        return 2;
    memset(&b, 0, sizeof(b));
    b.cli = cli;
    o->eo.progress = show_progress;
    o->eo.progress_user = &b;
    if (la_engine_new(&e, &o->eo, &cli->sink) != LA_OK)
        return 2;
    b.e = e;
    b.paths = argv;
    b.n = (size_t)argc;
    b.reports = la_calloc((size_t)argc, sizeof(*b.reports));
    b.rcs = la_calloc((size_t)argc, sizeof(*b.rcs));
    if (!b.reports || !b.rcs || pthread_mutex_init(&b.lock, NULL) != 0) {
        la_cli_err(cli, LA_D_NO_MEMORY, NULL, "out of memory");
        goto out;
    }
    if (la_cli_bar_init(&b.bar, cli, argv, b.n, !o->quiet && isatty(STDERR_FILENO) &&
                        !getenv("LOGANALYZE_NO_PROGRESS")) < 0) {
        pthread_mutex_destroy(&b.lock);
        la_cli_err(cli, LA_D_NO_MEMORY, NULL, "out of memory");
        goto out;
    }
    run_batch(&b, o->jobs > 0 ? o->jobs : sysconf(_SC_NPROCESSORS_ONLN));
    la_cli_bar_release(&b.bar);
    pthread_mutex_destroy(&b.lock);
    rc = finish(cli, e, &b);
    if (missing)
        rc = 2;
out:
    la_free(b.reports);
    la_free(b.rcs);
    la_engine_free(e);
    return rc;
}
