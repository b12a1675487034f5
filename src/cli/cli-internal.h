#ifndef LA_CLI_CLI_INTERNAL_H
#define LA_CLI_CLI_INTERNAL_H

/* Declarations shared by the files of the command line only. */

#include <stdio.h>

#include "analyze/analyze.h"
#include "core/buf.h"

#define LA_CLI_MAX_OUT 16

struct la_cli_out {
    const char *format;
    const char *file;
};

struct la_cli_opts {
    struct la_engine_opts eo;
    struct la_cli_out outs[LA_CLI_MAX_OUT];
    int nouts;
    const char *output;
    int fail_on;                   /* level; default low */
    int exit_zero, quiet, color;   /* color: -1 auto */
    const char *rules[64];
    int nrules;
    const char *tried[32];
    int ntried;
    long jobs;                     /* 0 = number of cores */
    int auto_mode;
    int open_report;               /* --open: report to a temp file, opened in the browser */
    const char *serve_listen;      /* serve --listen ADDR */
    const char *serve_port_file;   /* serve --port-file FILE */
};

/* Diagnostics printed so far with severity error (for `rules lint`'s summary). */
extern unsigned la_cli_diag_errors;
/* Speed warnings (LA208) are shown only by `rules lint`. */
extern int la_cli_lint_mode;

int la_cli_write_file(const char *path, const struct la_buf *b);

int la_cli_analyze(struct la_cli_opts *o, int argc, char **argv, struct la_diag_sink *sink);
int la_cli_rules(struct la_cli_opts *o, int argc, char **argv, struct la_diag_sink *sink);
int la_cli_explain(struct la_cli_opts *o, int argc, char **argv, struct la_diag_sink *sink);
int la_cli_logs(struct la_cli_opts *o);
int la_cli_auto(struct la_cli_opts *o, struct la_diag_sink *sink);

#endif
