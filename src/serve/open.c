/*
 * `loganalyze --open FILE...`: the desktop launcher's back end.
 *
 * A file manager runs `loganalyze --open %F` (data/loganalyze.desktop) with
 * the dropped files.  We analyse them with one engine, render one HTML report
 * (the same self-contained document as `--format html`), write it to a new
 * private file made with mkstemps() ("loganalyze-report-XXXXXX.html", mode
 * 0600 in $TMPDIR or /tmp) and hand it to the desktop opener.  The file has
 * to outlive us because the browser reads it after we exit, so it is left in
 * the temp dir (cleaned by the system like any other temp file) and its path
 * is printed so it can be found or saved.
 *
 * Also here: helpers shared with the server (temp dir, opener, path stripping, writes).
 * The opener is started with fork + execvp, never through a shell; a
 * close-on-exec pipe tells the parent whether exec succeeded, and a double
 * fork keeps a long-lived server from collecting zombies.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "analyze/analyze.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/dir.h"
#include "report/report.h"
#include "serve/serve-internal.h"
#include "serve/serve.h"

#ifdef __APPLE__
#define OPENER "open"
#else
#define OPENER "xdg-open"
#endif

const char *la_serve_tmpdir(void)
{
    const char *t = getenv("TMPDIR");

    return t && t[0] == '/' ? t : "/tmp";
}

int la_serve_spawn_opener(const char *target)
{
    int pfd[2], st = 0, err = 0;
    pid_t pid;
    ssize_t n;

    /* pipe + FD_CLOEXEC rather than pipe2(), which macOS lacks. */
    if (pipe(pfd) < 0)
        return -1;
    if (fcntl(pfd[0], F_SETFD, FD_CLOEXEC) < 0 || fcntl(pfd[1], F_SETFD, FD_CLOEXEC) < 0) {
        err = errno;
        close(pfd[0]);
        close(pfd[1]);
        errno = err;
        return -1;
    }
    pid = fork();
    if (pid < 0) {
        err = errno;
        close(pfd[0]);
        close(pfd[1]);
        errno = err;
        return -1;
    }
    if (pid == 0) {
        /* Child: only async-signal-safe calls until exec. */
        sigset_t none;
        char *argv[3];
        int e;

        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGPIPE, SIG_DFL);
        close(pfd[0]);
        if (fork() != 0)
            _exit(0);
        setsid();
        argv[0] = (char *)OPENER;
        argv[1] = (char *)target;
        argv[2] = NULL;
        execvp(OPENER, argv);
        e = errno;
        if (write(pfd[1], &e, sizeof e) < 0)
            _exit(127);
        _exit(127);
    }
    close(pfd[1]);
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    /* The write end closes at exec (success) or after the errno was written. */
    do
        n = read(pfd[0], &err, sizeof err);
    while (n < 0 && errno == EINTR);
    close(pfd[0]);
    if (n == (ssize_t)sizeof err) {
        errno = err;
        return -1;
    }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        errno = ECHILD;
        return -1;
    }
    return 0;
}

/* Remove every occurrence of prefix from s; NULL on OOM, s itself when absent. */
static char *strip_one(const char *s, const char *prefix, int *ret_changed)
{
    size_t pl = strlen(prefix);
    const char *p = strstr(s, prefix);
    struct la_buf b = LA_BUF_INIT;

    *ret_changed = 0;
    if (!p || !pl)
        return (char *)s;
    while (p) {
        if (la_buf_add(&b, s, (size_t)(p - s)) != LA_OK)
            goto oom;
        s = p + pl;
        p = strstr(s, prefix);
    }
    if (la_buf_adds(&b, s) != LA_OK)
        goto oom;
    *ret_changed = 1;
    return la_buf_detach(&b, NULL);
oom:
    la_buf_release(&b);
    return NULL;
}

/*
 * x with prefix stripped: a string that changes gets its replacement in *ret_new (a new
 * reference; NULL when unchanged); arrays and objects are stripped in place.  0, or -1 on OOM.
 */
static int strip_value(json_t *x, const char *prefix, json_t **ret_new)
{
    int changed;
    char *s;

    *ret_new = NULL;
    if (!json_is_string(x))
        return la_serve_strip_prefix(x, prefix);
    s = strip_one(json_string_value(x), prefix, &changed);
    if (!s)
        return -1;
    if (changed) {
        *ret_new = json_string(s);
        la_free(s);
        if (!*ret_new)
            return -1;
    }
    return 0;
}

int la_serve_strip_prefix(json_t *v, const char *prefix)
{
    size_t i;
    const char *key;
    json_t *x, *n;
    void *tmp;

    if (json_is_array(v)) {
        json_array_foreach(v, i, x) {
            if (strip_value(x, prefix, &n) < 0 || (n && json_array_set_new(v, i, n) < 0))
                return -1;
        }
    } else if (json_is_object(v)) {
        json_object_foreach_safe(v, tmp, key, x) {
            if (strip_value(x, prefix, &n) < 0 || (n && json_object_set_new(v, key, n) < 0))
                return -1;
        }
    }
    return 0;
}


int la_open_report(const char *const *paths, size_t n, const struct la_engine_opts *eo,
                   struct la_diag_sink *sink)
{
    struct la_engine *e = NULL;
    struct la_buf html = LA_BUF_INIT, name = LA_BUF_INIT;
    struct la_report_opts ro = { 0, 0, eo->deterministic };
    json_t *reports = NULL, *doc = NULL;
    size_t unread = 0;
    int fd = -1, code = 2;

    if (!n) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_USAGE, NULL, 0, 0,
                 "--open needs at least one file to analyse");
        return 2;
    }
    if (la_engine_new(&e, eo, sink) != LA_OK)
        goto out;
    reports = json_array();
    if (!reports)
        goto out;
    for (size_t i = 0; i < n; i++) {
        json_t *rep = NULL;
        enum la_rc rc = la_engine_analyze(e, paths[i], &rep, sink);

        if (rc == LA_FATAL) {
            json_decref(rep);
            goto out;
        }
        if (rc != LA_OK)
            unread++;
        if (rep && json_array_append_new(reports, rep) < 0)
            goto out;
    }
    doc = la_engine_document(e, reports);
    reports = NULL;
    if (!doc)
        goto out;
    if (unread == n) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_READ_FAILED, NULL, 0, 0,
                 "none of the inputs could be read; the report lists why");
    }
    if (la_report_render("html", doc, &ro, &html, sink) != LA_OK)
        goto out;
    if (la_buf_addf(&name, "%s/loganalyze-report-XXXXXX.html", la_serve_tmpdir()) != LA_OK)
        goto out;
    fd = mkstemps(name.buf, 5);
    if (fd < 0 || fchmod(fd, 0600) < 0 || la_write_all(fd, html.buf, html.len) < 0 ||
        close(fd) < 0) {
        int err = errno;
        if (fd >= 0)
            unlink(name.buf);
        la_diagf(sink, LA_SEV_ERROR, LA_D_OUTPUT_FAILED, name.buf, 0, 0,
                 "cannot write the report: %s", strerror(err));
        fd = -1;
        goto out;
    }
    fd = -1;
    printf("loganalyze: report written to %s\n", name.buf);
    fflush(stdout);
    if (la_serve_spawn_opener(name.buf) < 0) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_OUTPUT_FAILED, name.buf, 0, 0,
                 "cannot start %s to open the report: %s; open the file in a browser",
                 OPENER, strerror(errno));
        goto out;
    }
    code = unread == n ? 2 : 0;
out:
    if (fd >= 0)
        close(fd);
    json_decref(reports);
    json_decref(doc);
    la_buf_release(&html);
    la_buf_release(&name);
    la_engine_free(e);
    return code;
}
