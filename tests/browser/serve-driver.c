/*
 * Test driver for src/serve/: runs la_serve_run() or la_open_report() with
 * options given on the command line, so the browser tests do not depend on
 * how the CLI spells them.
 *
 *   serve-driver serve [--listen A] [--port-file F] [--max-upload N]
 *                      [--max-concurrent N] [--timeout S] [--open]
 *   serve-driver open FILE...
 *
 * The rules and data come from $LOGANALYZE_DATADIR like the CLI's.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "core/buf.h"
#include "serve/serve.h"

static void print_diag(void *user, const struct la_diag *d)
{
    struct la_buf b = LA_BUF_INIT;

    (void)user;
    if (la_diag_format(d, &b) == LA_OK)
        fprintf(stderr, "%s\n", b.buf);
    la_buf_release(&b);
}

static int number(const char *s, unsigned long long *ret)
{
    char *end;

    errno = 0;
    *ret = strtoull(s, &end, 10);
    return errno || end == s || *end ? -1 : 0;
}

int main(int argc, char **argv)
{
    struct la_engine_opts eo;
    struct la_serve_opts so;
    struct la_limits lim = LA_LIMITS_DEFAULT;
    struct la_diag_sink sink = { print_diag, NULL };
    unsigned long long v;

    memset(&eo, 0, sizeof eo);
    memset(&so, 0, sizeof so);
    eo.limits = lim;
    eo.redact = 1;
    if (argc >= 2 && !strcmp(argv[1], "open"))
        return la_open_report((const char *const *)argv + 2, (size_t)(argc - 2), &eo, &sink);
    if (argc < 2 || strcmp(argv[1], "serve")) {
        fprintf(stderr, "usage: serve-driver serve [OPTIONS] | serve-driver open FILE...\n");
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--open")) {
            so.open_browser = 1;
            continue;
        }
        if (!val) {
            fprintf(stderr, "serve-driver: %s needs a value\n", a);
            return 2;
        }
        i++;
        if (!strcmp(a, "--listen")) {
            so.listen = val;
        } else if (!strcmp(a, "--port-file")) {
            so.port_file = val;
        } else if (!strcmp(a, "--max-upload") && !number(val, &v)) {
            so.max_upload = v;
        } else if (!strcmp(a, "--max-concurrent") && !number(val, &v)) {
            so.max_concurrent = (unsigned)v;
        } else if (!strcmp(a, "--timeout") && !number(val, &v)) {
            so.request_timeout_s = (unsigned)v;
        } else {
            fprintf(stderr, "serve-driver: bad option %s %s\n", a, val);
            return 2;
        }
    }
    return la_serve_run(&so, &eo, &sink);
}
