/*
 * stderr of the command line: diagnostics, the progress line, report files, and the inputs
 * that do not exist (one line each, before any work), and the width of the terminal.
 *
 * Every diagnostic, whether a module sent it through the sink (from any `--jobs` worker) or
 * the command line made it itself (la_cli_err), goes through la_cli_diag(): one format
 * ("path:line:col: error[LA123]: message"), escaped by la_escape_terminal() (report/report.h:
 * ESC, C0 and C1 controls, DEL, newlines, bidi overrides, bytes that are not UTF-8) so a
 * hostile path, member name or log line can neither drive the terminal nor forge a line, and
 * one lock around the write, the error count and the progress line, so concurrent workers
 * never interleave or lose a count.  The progress line is escaped the same way.
 *
 * Invariants: stderr is written only under cli->lock; cli->errors counts every error
 * diagnostic, shown or not; a progress line on screen is erased before anything else is
 * written over it.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli-internal.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "report/report.h"

#define PROGRAM "loganalyze"           /* the "file" of the command line's own diagnostics */
#define CLEAR_LINE "\r\033[K"

static void sink_fn(void *user, const struct la_diag *d)
{
    la_cli_diag(user, d);
}

int la_cli_init(struct la_cli *cli)
{
    struct la_limits lim = LA_LIMITS_DEFAULT;

    memset(cli, 0, sizeof *cli);
    cli->o.eo.limits = lim;
    cli->o.eo.redact = 1;
    cli->o.fail_on = LA_LEVEL_LOW;
    cli->o.color = -1;
    cli->sink.fn = sink_fn;
    cli->sink.user = cli;
    return pthread_mutex_init(&cli->lock, NULL) == 0 ? 0 : -1;
}

void la_cli_release(struct la_cli *cli)
{
    for (size_t i = 0; i < sizeof cli->o.data_search / sizeof cli->o.data_search[0]; i++)
        la_free(cli->o.data_search[i]);
    pthread_mutex_destroy(&cli->lock);
}

/* Erase the progress line; call with the lock held. */
static void clear_progress(struct la_cli *cli)
{
    if (cli->progress_shown) {
        fputs(CLEAR_LINE, stderr);
        cli->progress_shown = 0;
    }
}

void la_cli_diag(struct la_cli *cli, const struct la_diag *d)
{
    struct la_buf b = LA_BUF_INIT, esc = LA_BUF_INIT;
    struct la_diag named = *d;         /* no path: the program's name stands for it */
    int show = (!cli->o.quiet || d->sev == LA_SEV_ERROR) &&
               ((d->code != LA_D_RULE_NO_LITERAL && d->code != LA_D_VOCAB_SKIPPED) ||
                cli->lint);
    enum la_rc rc;

    if (!named.file || !*named.file)
        named.file = PROGRAM;
    rc = show ? la_diag_format(&named, &b) : LA_OK;

    if (show && rc == LA_OK)
        rc = la_escape_terminal(&esc, b.buf, b.len);
    pthread_mutex_lock(&cli->lock);
    if (d->sev == LA_SEV_ERROR)
        cli->errors++;
    if (show) {
        clear_progress(cli);
        if (rc == LA_OK) {
            fwrite(esc.buf, 1, esc.len, stderr);
            fputc('\n', stderr);
        }
    }
    pthread_mutex_unlock(&cli->lock);
    la_buf_release(&esc);
    la_buf_release(&b);
}

void la_cli_err(struct la_cli *cli, unsigned code, const char *file, const char *fmt, ...)
{
    struct la_buf msg = LA_BUF_INIT;
    struct la_diag d = { LA_SEV_ERROR, code, file ? file : PROGRAM, 0, 0, "out of memory" };
    va_list ap;

    va_start(ap, fmt);
    if (la_buf_vaddf(&msg, fmt, ap) == LA_OK)
        d.msg = msg.buf;
    va_end(ap);
    la_cli_diag(cli, &d);
    la_buf_release(&msg);
}

unsigned la_cli_errors(struct la_cli *cli)
{
    unsigned n;

    pthread_mutex_lock(&cli->lock);
    n = cli->errors;
    pthread_mutex_unlock(&cli->lock);
    return n;
}

void la_cli_progress(struct la_cli *cli, const char *fmt, ...)
{
    struct la_buf b = LA_BUF_INIT, esc = LA_BUF_INIT;
    enum la_rc rc;
    va_list ap;

    va_start(ap, fmt);
    rc = la_buf_vaddf(&b, fmt, ap);
    va_end(ap);
    if (rc == LA_OK)
        rc = la_escape_terminal(&esc, b.buf, b.len);
    pthread_mutex_lock(&cli->lock);
    if (rc == LA_OK) {
        fputs(CLEAR_LINE, stderr);
        fwrite(esc.buf, 1, esc.len, stderr);
        cli->progress_shown = 1;
    }
    pthread_mutex_unlock(&cli->lock);
    la_buf_release(&esc);
    la_buf_release(&b);
}

void la_cli_progress_clear(struct la_cli *cli)
{
    pthread_mutex_lock(&cli->lock);
    clear_progress(cli);
    pthread_mutex_unlock(&cli->lock);
}

int la_cli_write_file(struct la_cli *cli, const char *path, const char *what,
                      const struct la_buf *b)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "wb") : stdout;
    const char *name = f == stdout ? "standard output" : path;

    if (!f) {
        la_cli_err(cli, LA_D_OUTPUT_FAILED, name, "cannot write the %s: %s", what,
                   strerror(errno));
        return -1;
    }
    if (fwrite(b->buf, 1, b->len, f) != b->len || (f != stdout ? fclose(f) : fflush(f))) {
        la_cli_err(cli, LA_D_OUTPUT_FAILED, name, "cannot write the %s: %s", what,
                   strerror(errno));
        return -1;
    }
    return 0;
}

int la_cli_keep_existing(struct la_cli *cli, int argc, char **argv, int *ret_missing)
{
    int kept = 0;
    struct stat st;

    *ret_missing = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "-") && stat(argv[i], &st) != 0) {
            la_cli_err(cli, LA_D_OPEN_FAILED, argv[i], "cannot open: %s", strerror(errno));
            (*ret_missing)++;
            continue;
        }
        argv[kept++] = argv[i];
    }
    return kept;
}

unsigned la_cli_width(const char *file)
{
    struct winsize ws;
    const char *cols = getenv("COLUMNS");
    unsigned long w = 0;

    if ((!file || !strcmp(file, "-")) && isatty(STDOUT_FILENO) &&
        ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        w = ws.ws_col;
    else if (cols)
        w = strtoul(cols, NULL, 10);
    return w > 20 && w < 1000 ? (unsigned)w : 0;
}
