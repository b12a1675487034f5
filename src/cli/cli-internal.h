#ifndef LA_CLI_CLI_INTERNAL_H
#define LA_CLI_CLI_INTERNAL_H

/*
 * Declarations shared by the files of the command line only.
 *
 * One struct la_cli is made by la_cli_main() and passed down to every command: the parsed
 * options, the diagnostic sink and the state of stderr (its lock, the error count, the
 * progress line).  There are no mutable globals: worker threads reach stderr only through
 * the sink, whose function takes the lock.
 */

#include <pthread.h>
#include <stdio.h>

#include "analyze/analyze.h"
#include "core/buf.h"
#include "core/error.h"
#include "rules/rules.h"

/* Caps on repeated arguments; one more is a usage error naming the cap. */
#define LA_CLI_MAX_OUT 16              /* --format */
#define LA_CLI_MAX_RULES 63            /* --rules and `rules` paths together */
#define LA_CLI_MAX_TRIED 31            /* --tried steps */
#define LA_CLI_MAX_FIXTURES 256        /* `rules test` fixture logs */
#define LA_CLI_MAX_JOBS 64             /* --jobs */

/* --fail-on never: one past the highest level. */
#define LA_CLI_FAIL_NEVER (LA_LEVEL_CRITICAL + 1)

struct la_cli_out {
    const char *format;
    const char *file;
};

struct la_cli_opts {
    struct la_engine_opts eo;
    struct la_cli_out outs[LA_CLI_MAX_OUT];
    int nouts;
    const char *output;
    int fail_on;                   /* level, or LA_CLI_FAIL_NEVER; default low */
    int exit_zero, quiet, color;   /* color: -1 auto */
    const char *rules[LA_CLI_MAX_RULES + 1];
    int nrules;
    const char *tried[LA_CLI_MAX_TRIED + 1];
    int ntried;
    long jobs;                     /* 0 = number of cores */
    int open_report;               /* --open: report to a temp file, opened in the browser */
    const char *serve_listen;      /* serve --listen ADDR */
    const char *serve_port_file;   /* serve --port-file FILE */
    char *data_search[3];          /* eo.data_dir_search: owned, NULL-terminated (cli.c) */
    unsigned serve_upload_timeout; /* serve --upload-timeout SECONDS; 0 = default */
    uint64_t serve_upload_read;    /* serve --upload-read BYTES; 0 = default */
    const char *show_process, *show_subsystem;   /* show --process, --subsystem */
    const char *show_since, *show_until;         /* show --since, --until (checked by show) */
};

struct la_cli {
    struct la_cli_opts o;
    struct la_diag_sink sink;      /* prints through la_cli_diag(); user is this struct */
    int lint;                      /* show speed warnings (LA208) and skipped vocabulary
                                      entries (LA221): `rules lint` only; set
                                      before any worker starts */
    pthread_mutex_t lock;          /* one writer on stderr at a time; guards the two below */
    unsigned errors;               /* diagnostics of severity error printed so far */
    int progress_shown;            /* a progress line is on stderr, to be cleared */
};

/* ------------------------------------------------------------ commands (cli.c) */

/* Option groups: a command accepts the options of the groups in its mask. */
enum {
    LA_CLI_G_FORMAT = 1u << 0,     /* -f */
    LA_CLI_G_REPORT = 1u << 1,     /* -o --fail-on --exit-zero --color --profile -j --each --join */
    LA_CLI_G_RULES = 1u << 2,      /* --rules --no-default-rules */
    LA_CLI_G_DATA = 1u << 3,       /* --data-dir --limit */
    LA_CLI_G_INPUT = 1u << 4,      /* --input-format */
    LA_CLI_G_ANALYSIS = 1u << 5,   /* --tried --no-redact --redact-key --deterministic */
    LA_CLI_G_SERVE = 1u << 6,      /* --listen --port-file */
    LA_CLI_G_OPEN = 1u << 7,       /* --open */
    LA_CLI_G_AUTO = 1u << 8,       /* --auto */
    LA_CLI_G_EXPORT = 1u << 9,     /* --patterns */
    LA_CLI_G_SHOW = 1u << 11,      /* --process --subsystem --since --until */
    LA_CLI_G_ANY = 1u << 10,       /* -h -V -q: every command */
};

/*
 * One row per command, in --help order (git's command table).  A command is named by the
 * first one or two operands ("explain", "rules lint"); the rows without a name are the
 * analysis and its modes, picked by an option (mode) or, for the plain analysis, by
 * nothing else matching.
 */
struct la_cli_command {
    const char *name;              /* "rules lint"; NULL: picked by mode, or the default */
    const char *mode;              /* the option ("auto") that picks a nameless row, or NULL */
    int (*run)(struct la_cli *cli, int argc, char **argv);   /* operands after the name */
    unsigned opts;                 /* LA_CLI_G_* groups it accepts (LA_CLI_G_ANY always) */
    const char *synopsis;          /* after "loganalyze " in the usage lines */
    const char *summary;           /* beside it; lines after the first are indented; NULL:
                                      a hidden command, not in --help */
};

extern const struct la_cli_command la_cli_commands[];
extern const size_t la_cli_n_commands;

int la_cli_analyze(struct la_cli *cli, int argc, char **argv);
int la_cli_inspect(struct la_cli *cli, int argc, char **argv);
int la_cli_explain(struct la_cli *cli, int argc, char **argv);
int la_cli_rules_lint(struct la_cli *cli, int argc, char **argv);
int la_cli_rules_test(struct la_cli *cli, int argc, char **argv);
int la_cli_rules_export(struct la_cli *cli, int argc, char **argv);
int la_cli_logs(struct la_cli *cli, int argc, char **argv);
int la_cli_auto(struct la_cli *cli, int argc, char **argv);
int la_cli_completion(struct la_cli *cli, int argc, char **argv);
int la_cli_merge(struct la_cli *cli, int argc, char **argv);
int la_cli_show(struct la_cli *cli, int argc, char **argv);

/* ------------------------------------------------------------ options (options.c) */

/* One row of the option table: --help, the parser, the completion scripts. */
struct la_cli_opt {
    const char *name;
    int has_arg;
    int id;                        /* getopt's value: the short option, or an O_* past 255 */
    unsigned group;                /* LA_CLI_G_* */
    const char *arg;               /* the argument's name in --help */
    const char *help;              /* NULL: not listed; %F, %L, %M expand to the lists */
    char values;                   /* what completes its argument: a list of la_cli_list()
                                      ('F', 'L', 'M', 'I'), the --tried steps 'S', the
                                      --color words 'C', a file 'f', a folder 'd', or 0 */
};

/* The option table, in --help order. */
extern const struct la_cli_opt *const la_cli_opts;
extern const size_t la_cli_n_opts;

#define LA_CLI_MAX_LIST 64             /* names in one list of la_cli_list() */

/*
 * The names of a list, into names[LA_CLI_MAX_LIST]: the report formats ('F'), the levels and
 * "never" ('L'), the --limit names ('M') or the input format ids ('I').  How many.
 */
size_t la_cli_list(char which, const char **names);

/*
 * Parse the options of argv into cli->o and pick the command: getopt_long over every
 * option, then the command from the operands, then a usage error for an option the
 * command does not take.  On success *ret_cmd is the row and *ret_argc, *ret_argv its
 * operands (argv is permuted in place), and -1 is returned; otherwise the exit code: 0
 * after --help or --version, 2 after a usage error (printed).
 */
int la_cli_parse(struct la_cli *cli, int argc, char **argv, const struct la_cli_command **ret_cmd,
                 int *ret_argc, char ***ret_argv);

/* The full --help text. */
void la_cli_usage(FILE *f);

/* ------------------------------------------------------------ stderr (msg.c) */

/* Make cli ready: default options, the sink, the lock.  0, or -1 when the lock fails. */
int la_cli_init(struct la_cli *cli);
void la_cli_release(struct la_cli *cli);

/*
 * The one way a diagnostic reaches stderr ("path:line:col: error[LA123]: message", control
 * characters shown escaped), from any thread: counts errors and clears a progress line
 * under the lock.  With --quiet only errors are shown; LA208 and LA221 only by
 * `rules lint`.
 */
void la_cli_diag(struct la_cli *cli, const struct la_diag *d);

/* A diagnostic of the command line itself: "loganalyze: error[LAnnn]: message" when file is
 * NULL, else "file: error[LAnnn]: message". */
void la_cli_err(struct la_cli *cli, unsigned code, const char *file, const char *fmt, ...)
    LA_PRINTF(4, 5);

/* Errors diagnosed so far. */
unsigned la_cli_errors(struct la_cli *cli);

/* The progress line on stderr (replaces the previous one), and clearing it. */
void la_cli_progress(struct la_cli *cli, const char *fmt, ...) LA_PRINTF(2, 3);
void la_cli_progress_clear(struct la_cli *cli);

/* ------------------------------------------------------------ progress bar (progress.c) */

/* The progress bar of a batch: one over every input (progress.c says how it counts). */
struct la_cli_bar {
    struct la_cli *cli;
    char *const *paths;            /* the inputs, as given to la_engine_analyze() */
    size_t n, done;                /* inputs, inputs finished */
    int on;                        /* draw at all (stderr is a terminal) */
    uint64_t *size, *seen;         /* per input: measured bytes, bytes read so far */
    uint64_t known, finished_bytes, inflight;
    double start, last;            /* monotonic seconds: start, last redraw */
    pthread_mutex_t lock;          /* guards every counter above */
};

/* Measure the inputs (when on) and start the clock.  0, or -1 when the lock fails. */
int la_cli_bar_init(struct la_cli_bar *bar, struct la_cli *cli, char *const *paths, size_t n,
                    int on);
void la_cli_bar_release(struct la_cli_bar *bar);
/* From a worker: input (a pointer of paths[]) has been read up to bytes. */
void la_cli_bar_update(struct la_cli_bar *bar, const char *input, uint64_t bytes);
/* From a worker: input i is finished. */
void la_cli_bar_done(struct la_cli_bar *bar, size_t i);
/* After the batch: the bar is replaced by its final line. */
void la_cli_bar_finish(struct la_cli_bar *bar);

/*
 * Drop the inputs that do not exist, each with one line ("x.log: error[LA101]: cannot open:
 * No such file or directory"): a mistyped path is not worth a report.  "-" is kept.  The
 * inputs left stay in order at the front of argv; returns how many, *ret_missing how many
 * were dropped.
 */
int la_cli_keep_existing(struct la_cli *cli, int argc, char **argv, int *ret_missing);

/*
 * The width of the text report written to file ("-" or NULL: stdout): the terminal's
 * (TIOCGWINSZ) when stdout is one, else $COLUMNS, else 0 (the reporter's default).  Widths
 * outside 21..999 are ignored.
 */
unsigned la_cli_width(const char *file);

/*
 * Write b to path ("-" = stdout).  0, or -1 after an LA301 diagnostic that names the file
 * and what it was to hold (what: "json report", "explain page" ...) and says why.
 */
int la_cli_write_file(struct la_cli *cli, const char *path, const char *what,
                      const struct la_buf *b);

#endif
