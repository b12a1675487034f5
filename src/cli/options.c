/*
 * The options of the command line: one table, parsed with getopt_long, checked per command,
 * and printed by --help.
 *
 * Each row of opts[] is one option: its spelling, its argument, the group of commands that
 * take it (LA_CLI_G_*) and its --help text.  The lists that live elsewhere are derived, not
 * copied: the report formats from the reporter's registry (la_report_format_name), the
 * levels from the rules' level names (la_level_name), the --limit names from limits[]
 * below, the default listen address from serve.h.
 *
 * Flow of la_cli_parse(): getopt_long over every option of every command (GNU order:
 * options may stand anywhere, `--` ends them), applying each as it comes, so a bad value
 * or an argument over its cap stops at once with a usage error; then the command is picked
 * from the operands (la_cli_commands[]); then every option given must belong to one of the
 * command's groups, else "--listen is not an option of `loganalyze explain`" and the
 * command's usage line.  -h and -V answer at once, whatever the command.
 *
 * Invariants: cli->o.rules and cli->o.tried stay NULL-terminated; no argument is dropped
 * silently: past a cap it is an error that names the cap.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli-internal.h"
#include "core/buf.h"
#include "core/limits.h"
#include "core/suggest.h"
#include "formats/formats.h"
#include "report/report.h"
#include "rules/rules.h"
#include "serve/serve.h"

#define HELP_WIDTH 88u                 /* --help wraps option texts at this column */
#define HELP_TEXT_COL 28               /* where option texts start */
#define USAGE_TEXT_COL 36              /* where a synopsis' summary starts, after "loganalyze " */

enum {
    O_FAIL_ON = 256, O_EXIT_ZERO, O_RULES, O_NO_DEFAULT, O_DATA_DIR, O_INPUT_FORMAT, O_TRIED,
    O_NO_REDACT, O_REDACT_KEY, O_DETERMINISTIC, O_COLOR, O_LIMIT, O_PROFILE, O_PATTERNS,
    O_AUTO, O_OPEN, O_LISTEN, O_PORT_FILE, O_UPLOAD_TIMEOUT, O_UPLOAD_READ, O_EACH, O_JOIN,
    O_BRIEF, O_PROCESS, O_SUBSYSTEM, O_SINCE, O_UNTIL,
};

/* In --help order. */
static const struct la_cli_opt opts[] = {
    { "format", required_argument, 'f', LA_CLI_G_FORMAT, "NAME[:FILE]",
      "report format: %F (repeatable; FILE writes that format there)", 'F' },
    { "brief", no_argument, O_BRIEF, LA_CLI_G_REPORT, NULL,
      "one line per case, then the summary (--format brief)", 0 },
    { "output", required_argument, 'o', LA_CLI_G_REPORT, "FILE",
      "write the (single) report to FILE", 'f' },
    { "fail-on", required_argument, O_FAIL_ON, LA_CLI_G_REPORT, "LEVEL",
      "exit 1 when a failure at or above LEVEL is diagnosed:\n%L (default: low)", 'L' },
    { "exit-zero", no_argument, O_EXIT_ZERO, LA_CLI_G_REPORT, NULL,
      "always exit 0 unless an error occurred", 0 },
    { "rules", required_argument, O_RULES, LA_CLI_G_RULES, "PATH",
      "add a rule file or folder (repeatable)", 'f' },
    { "no-default-rules", no_argument, O_NO_DEFAULT, LA_CLI_G_RULES, NULL,
      "use only the rules given with --rules", 0 },
    { "data-dir", required_argument, O_DATA_DIR, LA_CLI_G_DATA, "DIR",
      "where causes.yaml, codes.yaml and the rules are", 'd' },
    { "input-format", required_argument, O_INPUT_FORMAT, LA_CLI_G_INPUT, "ID",
      "skip probing; parse every member as ID", 'I' },
    { "tried", required_argument, O_TRIED, LA_CLI_G_ANALYSIS, "STEP,...",
      "remediation steps already taken (see explain)", 'S' },
    { "no-redact", no_argument, O_NO_REDACT, LA_CLI_G_ANALYSIS, NULL,
      "keep ECID, UDID, serial, IMEI, e-mail, phone numbers", 0 },
    { "redact-key", required_argument, O_REDACT_KEY, LA_CLI_G_ANALYSIS, "KEY",
      "key for the redaction tokens (default: random per run)", 0 },
    { "deterministic", no_argument, O_DETERMINISTIC, LA_CLI_G_ANALYSIS, NULL,
      "no wall-clock time in reports (for golden tests)", 0 },
    { "each", no_argument, O_EACH, LA_CLI_G_REPORT, NULL,
      "one case per input and per top-level item of a folder or archive", 0 },
    { "join", no_argument, O_JOIN, LA_CLI_G_REPORT, NULL,
      "one case per input, however many devices it holds", 0 },
    { "color", required_argument, O_COLOR, LA_CLI_G_REPORT, "WHEN",
      "auto, always or never (NO_COLOR is honoured)", 'C' },
    { "colour", required_argument, O_COLOR, LA_CLI_G_REPORT, NULL, NULL, 'C' },
    { "limit", required_argument, O_LIMIT, LA_CLI_G_DATA, "NAME=N", "%M", 'M' },
    { "open", no_argument, O_OPEN, LA_CLI_G_OPEN, NULL,
      "write the HTML report to a temp file and open it", 0 },
    { "listen", required_argument, O_LISTEN, LA_CLI_G_SERVE, "ADDR:PORT",
      "serve: where to listen (default " LA_SERVE_DEFAULT_LISTEN ")", 0 },
    { "port-file", required_argument, O_PORT_FILE, LA_CLI_G_SERVE, "FILE",
      "serve: write the bound host:port to FILE", 'f' },
    { "upload-timeout", required_argument, O_UPLOAD_TIMEOUT, LA_CLI_G_SERVE, "SECS",
      "serve: stop an upload's analysis after SECS seconds, keeping what was read (default 60, "
      "at most 3600)", 0 },
    { "upload-read", required_argument, O_UPLOAD_READ, LA_CLI_G_SERVE, "BYTES",
      "serve: stop an upload's analysis after it has read BYTES of decompressed data "
      "(default 4 GiB, at most 1 TiB)", 0 },
    { "process", required_argument, O_PROCESS, LA_CLI_G_SHOW, "NAME",
      "show: only entries of the process NAME", 0 },
    { "subsystem", required_argument, O_SUBSYSTEM, LA_CLI_G_SHOW, "NAME",
      "show: only entries of the subsystem NAME", 0 },
    { "since", required_argument, O_SINCE, LA_CLI_G_SHOW, "DATE",
      "show: only entries at or after DATE (YYYY-MM-DD [HH:MM[:SS]], device time)", 0 },
    { "until", required_argument, O_UNTIL, LA_CLI_G_SHOW, "DATE",
      "show: only entries at or before DATE (a date alone: to its end)", 0 },
    { "profile", no_argument, O_PROFILE, LA_CLI_G_REPORT, NULL,
      "print per-rule matching cost to stderr", 0 },
    { "jobs", required_argument, 'j', LA_CLI_G_REPORT, "N",
      "analyse N inputs in parallel (default: number of cores)", 0 },
    { "quiet", no_argument, 'q', LA_CLI_G_ANY, NULL, "no warnings on stderr", 0 },
    { "help", no_argument, 'h', LA_CLI_G_ANY, NULL, "this help", 0 },
    { "version", no_argument, 'V', LA_CLI_G_ANY, NULL, "the version", 0 },
    { "auto", no_argument, O_AUTO, LA_CLI_G_AUTO, NULL, NULL, 0 },
    { "patterns", no_argument, O_PATTERNS, LA_CLI_G_EXPORT, NULL, NULL, 0 },
};

#define N_OPTS (sizeof opts / sizeof opts[0])

const struct la_cli_opt *const la_cli_opts = opts;
const size_t la_cli_n_opts = N_OPTS;
/* The --help texts of --upload-timeout and --upload-read spell these out. */
_Static_assert(LA_SERVE_DEFAULT_UPLOAD_TIMEOUT_S == 60 && LA_SERVE_MAX_UPLOAD_TIMEOUT_S == 3600 &&
               LA_SERVE_DEFAULT_UPLOAD_READ == 4ull << 30 && LA_SERVE_MAX_UPLOAD_READ == 1ull << 40,
               "update the --help texts of --upload-timeout and --upload-read");

/* The engine limits --limit NAME=N sets, in --help order. */
#define LIMIT(name, field)                                                                  \
    { name, offsetof(struct la_limits, field), sizeof(((struct la_limits *)0)->field) }
static const struct {
    const char *name;
    size_t off, size;
} limits[] = {
    LIMIT("depth", max_depth), LIMIT("members", max_members), LIMIT("bytes", max_bytes),
    LIMIT("ratio", max_ratio), LIMIT("line", max_line), LIMIT("ips", max_ips),
    LIMIT("rules", max_rules), LIMIT("rule-file", max_rule_file), LIMIT("regex", max_regex),
    LIMIT("match-limit", match_limit), LIMIT("evidence", max_evidence),
    LIMIT("upload", max_upload),
};
#undef LIMIT

#define N_LIMITS (sizeof limits / sizeof limits[0])

/* ------------------------------------------------------------ --help */

#define MAX_LIST LA_CLI_MAX_LIST

/*
 * The names of a list: the report formats (F), the levels and "never" (L), the --limit
 * names (M) or the input format ids (I).  How many were put in names[MAX_LIST].
 */
static size_t list_names(char which, const char **names)
{
    size_t n = 0;

    if (which == 'F') {
        for (; n < MAX_LIST && la_report_format_name(n); n++)
            names[n] = la_report_format_name(n);
    } else if (which == 'L') {
        for (; n <= LA_LEVEL_CRITICAL; n++)
            names[n] = la_level_name((enum la_level)n);
        names[n++] = "never";
    } else if (which == 'I') {
        for (; n < MAX_LIST && n < la_format_count(); n++)
            names[n] = la_format_id(la_format_at((unsigned)n));
    } else {
        for (; n < N_LIMITS; n++)
            names[n] = limits[n].name;
    }
    return n;
}

size_t la_cli_list(char which, const char **names)
{
    return list_names(which, names);
}

/* A list's names joined by sep, with last before the final one (NULL: sep). */
static enum la_rc add_list(struct la_buf *b, char which, const char *sep, const char *last)
{
    const char *names[MAX_LIST];
    size_t n = list_names(which, names);
    enum la_rc rc = LA_OK;

    for (size_t i = 0; i < n && rc == LA_OK; i++)
        rc = la_buf_addf(b, "%s%s", !i ? "" : i + 1 == n && last ? last : sep, names[i]);
    return rc;
}

/* The name of a list nearest to word (core/suggest.h), or NULL. */
static const char *nearest(char which, const char *word)
{
    const char *names[MAX_LIST];
    size_t n = list_names(which, names);
    struct la_suggest sug;

    la_suggest_init(&sug, word);
    for (size_t i = 0; i < n; i++)
        la_suggest_add(&sug, names[i]);
    return sug.best;
}

/* "; did you mean 'json'?" into b when a name of the list is near word; b stays "" else. */
static void mean(struct la_buf *b, char which, const char *word)
{
    const char *best = nearest(which, word);

    if (best && la_buf_addf(b, "; did you mean '%s'?", best) != LA_OK)
        la_buf_reset(b);
}

/* text with %F, %L and %M expanded (lists joined by spaces). */
static enum la_rc expand(struct la_buf *b, const char *text)
{
    enum la_rc rc = LA_OK;

    for (const char *p = text; *p && rc == LA_OK; p++) {
        if (p[0] == '%' && p[1] && strchr("FLM", p[1]))
            rc = add_list(b, *++p, " ", NULL);
        else
            rc = la_buf_addc(b, *p);
    }
    return rc;
}

/*
 * text from column col on, wrapped at HELP_WIDTH: words go on while they fit, a '\n' in
 * text always breaks, and each further line starts at column indent.
 */
static enum la_rc add_wrapped(struct la_buf *b, const char *text, size_t col, int indent)
{
    enum la_rc rc = LA_OK;
    int line_start = 1;

    for (const char *s = text; *s && rc == LA_OK;) {
        size_t wl;
        if (*s == ' ') {
            s++;
            continue;
        }
        if (*s == '\n') {
            rc = la_buf_addf(b, "\n%*s", indent, "");
            col = (size_t)indent;
            line_start = 1;
            s++;
            continue;
        }
        wl = strcspn(s, " \n");
        if (!line_start && col + 1 + wl > HELP_WIDTH) {
            rc = la_buf_addf(b, "\n%*s", indent, "");
            col = (size_t)indent;
        } else if (!line_start) {
            rc = la_buf_addc(b, ' ');
            col++;
        }
        if (rc == LA_OK)
            rc = la_buf_add(b, s, wl);
        col += wl;
        line_start = 0;
        s += wl;
    }
    return rc == LA_OK ? la_buf_addc(b, '\n') : rc;
}

/* "  -f, --format NAME[:FILE]  report format: ..." */
static enum la_rc add_option_help(struct la_buf *b, const struct la_cli_opt *op)
{
    struct la_buf left = LA_BUF_INIT, text = LA_BUF_INIT;
    enum la_rc rc;

    if (op->id < 256)
        rc = la_buf_addf(&left, "  -%c, --%s", op->id, op->name);
    else
        rc = la_buf_addf(&left, "      --%s", op->name);
    if (rc == LA_OK && op->arg)
        rc = la_buf_addf(&left, " %s", op->arg);
    if (rc == LA_OK)
        rc = la_buf_addf(b, "%-*s", HELP_TEXT_COL, left.buf);
    if (rc == LA_OK)
        rc = expand(&text, op->help);
    if (rc == LA_OK)
        rc = add_wrapped(b, text.buf, HELP_TEXT_COL, HELP_TEXT_COL);
    la_buf_release(&left);
    la_buf_release(&text);
    return rc;
}

/* The usage lines: one per command, its summary beside it. */
static enum la_rc add_usage(struct la_buf *b)
{
    enum la_rc rc = LA_OK;

    for (size_t i = 0; i < la_cli_n_commands && rc == LA_OK; i++) {
        const struct la_cli_command *c = &la_cli_commands[i];
        if (!c->summary)
            continue;
        rc = la_buf_addf(b, "%sloganalyze %-*s  ", i ? "       " : "usage: ",
                         USAGE_TEXT_COL - (int)sizeof("loganalyze"), c->synopsis);
        for (const char *s = c->summary; *s && rc == LA_OK; s++)
            rc = *s == '\n' ? la_buf_addf(b, "\n%*s", 7 + USAGE_TEXT_COL + 2, "")
                            : la_buf_addc(b, *s);
        if (rc == LA_OK)
            rc = la_buf_addc(b, '\n');
    }
    return rc;
}

void la_cli_usage(FILE *f)
{
    struct la_buf b = LA_BUF_INIT;
    enum la_rc rc = add_usage(&b);

    if (rc == LA_OK)
        rc = la_buf_adds(&b, "\n"
            "PATH is a file, a folder (read recursively), an archive (zip, tar, gz, xz, bz2, "
            "zstd,\n7z; nested archives are opened), or - for standard input.\n\noptions:\n");
    for (size_t i = 0; i < N_OPTS && rc == LA_OK; i++)
        if (opts[i].help)
            rc = add_option_help(&b, &opts[i]);
    if (rc == LA_OK)
        rc = la_buf_adds(&b, "\n"
            "exit status: 0 analysed, nothing at or above --fail-on; 1 a failure diagnosed at "
            "or\nabove it; 2 usage error, invalid rules, or an input that could not be read at "
            "all.\n");
    if (rc == LA_OK)
        fwrite(b.buf, 1, b.len, f);
    la_buf_release(&b);
}

/* ------------------------------------------------------------ option values */

/*
 * The one parser of a number on the command line: decimal digits only (no sign, no blank,
 * no suffix), from min to max.  0 and *ret; -1 when s is not such a number or out of range.
 */
static int parse_count(const char *s, uint64_t min, uint64_t max, uint64_t *ret)
{
    uint64_t v = 0;

    if (!*s)
        return -1;
    for (const char *p = s; *p; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (*p < '0' || *p > '9' || v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    if (v < min || v > max)
        return -1;
    *ret = v;
    return 0;
}

/* The highest value a --limit field holds. */
static uint64_t limit_max(size_t i)
{
    return limits[i].size == sizeof(uint32_t) ? UINT32_MAX
           : limits[i].size == sizeof(uint64_t) ? UINT64_MAX : UINT16_MAX;
}

/* "NAME=N" into the engine limits: -1 to go on, else 2 after a usage error. */
static int set_limit(struct la_cli *cli, const char *arg)
{
    struct la_limits *l = &cli->o.eo.limits;
    const char *eq = strchr(arg, '=');
    struct la_buf name = LA_BUF_INIT, names = LA_BUF_INIT;
    struct la_suggest sug;
    uint64_t v;
    size_t i;

    if (!eq) {
        la_cli_err(cli, LA_D_USAGE, NULL, "bad --limit '%s' (NAME=N)", arg);
        return 2;
    }
    for (i = 0; i < N_LIMITS; i++)
        if (strlen(limits[i].name) == (size_t)(eq - arg) &&
            !strncmp(arg, limits[i].name, (size_t)(eq - arg)))
            break;
    if (i == N_LIMITS) {
        if (la_buf_add(&name, arg, (size_t)(eq - arg)) != LA_OK ||
            add_list(&names, 'M', ", ", NULL) != LA_OK) {
            la_buf_reset(&name);
            la_buf_reset(&names);
        }
        la_suggest_init(&sug, name.buf);
        for (size_t k = 0; k < N_LIMITS; k++)
            la_suggest_add(&sug, limits[k].name);
        if (sug.best)
            la_cli_err(cli, LA_D_USAGE, NULL, "unknown --limit name '%s'; did you mean '%s'? "
                       "(%s)", name.buf, sug.best, names.buf);
        else
            la_cli_err(cli, LA_D_USAGE, NULL, "unknown --limit name '%s' (%s)", name.buf,
                       names.buf);
        la_buf_release(&name);
        la_buf_release(&names);
        return 2;
    }
    if (parse_count(eq + 1, 0, limit_max(i), &v) < 0) {
        la_cli_err(cli, LA_D_USAGE, NULL, "bad --limit '%s': N must be a whole number from 0 "
                   "to %llu", arg, (unsigned long long)limit_max(i));
        return 2;
    }
    if (limits[i].size == sizeof(uint32_t)) {
        uint32_t v32 = (uint32_t)v;
        memcpy((char *)l + limits[i].off, &v32, sizeof v32);
    } else {
        memcpy((char *)l + limits[i].off, &v, sizeof v);
    }
    return -1;
}

static int add_format(struct la_cli *cli, char *arg)
{
    struct la_cli_opts *o = &cli->o;
    struct la_buf names = LA_BUF_INIT, hint = LA_BUF_INIT;
    char *colon = strchr(arg, ':');

    if (o->nouts >= LA_CLI_MAX_OUT) {
        la_cli_err(cli, LA_D_USAGE, NULL, "too many --format options: at most %d",
                   LA_CLI_MAX_OUT);
        return 2;
    }
    if (colon)
        *colon = 0;
    if (!la_report_known(arg)) {
        mean(&hint, 'F', arg);
        if (add_list(&names, 'F', ", ", NULL) != LA_OK)
            la_buf_reset(&names);
        la_cli_err(cli, LA_D_USAGE, NULL, "unknown report format '%s'%s (%s)", arg, hint.buf,
                   names.buf);
        la_buf_release(&names);
        la_buf_release(&hint);
        return 2;
    }
    o->outs[o->nouts].format = arg;
    o->outs[o->nouts].file = colon ? colon + 1 : NULL;
    o->nouts++;
    return -1;
}

static int add_tried(struct la_cli *cli, char *arg)
{
    char *save = NULL;

    for (char *t = strtok_r(arg, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (cli->o.ntried >= LA_CLI_MAX_TRIED) {
            la_cli_err(cli, LA_D_USAGE, NULL, "too many --tried steps: at most %d",
                       LA_CLI_MAX_TRIED);
            return 2;
        }
        cli->o.tried[cli->o.ntried++] = t;
    }
    return -1;
}

static int set_fail_on(struct la_cli *cli, const char *arg)
{
    struct la_buf names = LA_BUF_INIT, hint = LA_BUF_INIT;

    cli->o.fail_on = !strcmp(arg, "never") ? LA_CLI_FAIL_NEVER : la_level_parse(arg);
    if (cli->o.fail_on >= 0)
        return -1;
    mean(&hint, 'L', arg);
    if (add_list(&names, 'L', ", ", " or ") != LA_OK)
        la_buf_reset(&names);
    la_cli_err(cli, LA_D_USAGE, NULL, "--fail-on takes %s, not '%s'%s", names.buf, arg,
               hint.buf);
    la_buf_release(&names);
    la_buf_release(&hint);
    return 2;
}

/* --input-format: an id of `loganalyze formats`, checked before anything runs. */
static int set_input_format(struct la_cli *cli, const char *arg)
{
    struct la_buf hint = LA_BUF_INIT;

    if (la_format_find(arg)) {
        cli->o.eo.input_format = arg;
        return -1;
    }
    mean(&hint, 'I', arg);
    la_cli_err(cli, LA_D_INPUT_FORMAT_UNKNOWN, NULL, "unknown input format '%s'%s (see "
               "`loganalyze formats`)", arg, hint.buf);
    la_buf_release(&hint);
    return 2;
}

/* Apply one option: -1 to go on, else the exit code. */
static int apply(struct la_cli *cli, int id, char *arg)
{
    struct la_cli_opts *o = &cli->o;
    uint64_t n;

    switch (id) {
    case 'f': return add_format(cli, arg);
    case O_BRIEF: {
        static char brief[] = "brief";     /* add_format() writes only at a colon */
        return add_format(cli, brief);
    }
    case 'o': o->output = arg; return -1;
    case 'j':
        if (parse_count(arg, 1, LA_CLI_MAX_JOBS, &n) < 0) {
            la_cli_err(cli, LA_D_USAGE, NULL, "--jobs takes a number from 1 to %d",
                       LA_CLI_MAX_JOBS);
            return 2;
        }
        o->jobs = (long)n;
        return -1;
    case 'q': o->quiet = 1; return -1;
    case 'h': la_cli_usage(stdout); return 0;
    case 'V': printf("loganalyze %s\n", LA_VERSION); return 0;
    case O_FAIL_ON: return set_fail_on(cli, arg);
    case O_EXIT_ZERO: o->exit_zero = 1; return -1;
    case O_RULES:
        if (o->nrules >= LA_CLI_MAX_RULES) {
            la_cli_err(cli, LA_D_USAGE, NULL, "too many --rules: at most %d rule files or "
                       "folders", LA_CLI_MAX_RULES);
            return 2;
        }
        o->rules[o->nrules++] = arg;
        return -1;
    case O_NO_DEFAULT: o->eo.no_default_rules = 1; return -1;
    case O_DATA_DIR: o->eo.data_dir = arg; return -1;
    case O_INPUT_FORMAT: return set_input_format(cli, arg);
    case O_TRIED: return add_tried(cli, arg);
    case O_NO_REDACT: o->eo.redact = 0; return -1;
    case O_REDACT_KEY: o->eo.redact_key = arg; return -1;
    case O_DETERMINISTIC: o->eo.deterministic = 1; return -1;
    case O_EACH: o->eo.cases = LA_CASES_EACH; return -1;
    case O_JOIN: o->eo.cases = LA_CASES_JOIN; return -1;
    case O_COLOR:
        o->color = !strcmp(arg, "always") ? 1 : !strcmp(arg, "never") ? 0 : -1;
        if (strcmp(arg, "always") && strcmp(arg, "never") && strcmp(arg, "auto")) {
            la_cli_err(cli, LA_D_USAGE, NULL, "--color takes auto, always or never");
            return 2;
        }
        return -1;
    case O_LIMIT: return set_limit(cli, arg);
    case O_PROFILE: o->eo.profile = 1; return -1;
    case O_PATTERNS: return -1;        /* `rules export` prints the patterns: the one export */
    case O_AUTO: return -1;            /* picks the --auto row of the command table */
    case O_OPEN: o->open_report = 1; return -1;
    case O_LISTEN: o->serve_listen = arg; return -1;
    case O_PORT_FILE: o->serve_port_file = arg; return -1;
    case O_UPLOAD_TIMEOUT:
        if (parse_count(arg, 1, LA_SERVE_MAX_UPLOAD_TIMEOUT_S, &n) < 0) {
            la_cli_err(cli, LA_D_USAGE, NULL, "--upload-timeout takes seconds from 1 to %u",
                       LA_SERVE_MAX_UPLOAD_TIMEOUT_S);
            return 2;
        }
        o->serve_upload_timeout = (unsigned)n;
        return -1;
    case O_UPLOAD_READ:
        if (parse_count(arg, 1, LA_SERVE_MAX_UPLOAD_READ, &n) < 0) {
            la_cli_err(cli, LA_D_USAGE, NULL, "--upload-read takes bytes from 1 to %llu",
                       (unsigned long long)LA_SERVE_MAX_UPLOAD_READ);
            return 2;
        }
        o->serve_upload_read = n;
        return -1;
    case O_PROCESS: o->show_process = arg; return -1;
    case O_SUBSYSTEM: o->show_subsystem = arg; return -1;
    case O_SINCE: o->show_since = arg; return -1;
    case O_UNTIL: o->show_until = arg; return -1;
    default: return 2;                 /* getopt's refusals are bad_option()'s */
    }
}

/* ------------------------------------------------------------ mistakes */

/* The usage error's second line: where the whole usage is. */
static void see_help(void)
{
    fputs("see 'loganalyze --help'\n", stderr);
}

/* The row of an option by its getopt value, or NULL. */
static const struct la_cli_opt *opt_by_id(int id)
{
    for (size_t k = 0; k < N_OPTS; k++)
        if (opts[k].id == id)
            return &opts[k];
    return NULL;
}

/*
 * What getopt_long refused (it prints nothing: opterr is 0): an unknown or ambiguous long
 * option, an unknown short one, a missing argument (c is ':') or an argument to an option
 * that takes none.  One line with the nearest option, then see_help().  Returns 2.
 */
static int bad_option(struct la_cli *cli, int c, const char *word)
{
    const struct la_cli_opt *op = opt_by_id(optopt);
    int is_long = word && word[0] == '-' && word[1] == '-';
    struct la_buf name = LA_BUF_INIT, cands = LA_BUF_INIT;
    struct la_suggest sug;
    size_t nprefix = 0;

    if (c == ':' && op) {
        if (is_long)
            la_cli_err(cli, LA_D_USAGE, NULL, "option '--%s' needs an argument (%s)", op->name,
                       op->arg ? op->arg : "a value");
        else
            la_cli_err(cli, LA_D_USAGE, NULL, "option '-%c' needs an argument (%s)", op->id,
                       op->arg ? op->arg : "a value");
    } else if (op && optopt && is_long) {
        la_cli_err(cli, LA_D_USAGE, NULL, "option '--%s' takes no argument", op->name);
    } else if (optopt) {
        la_cli_err(cli, LA_D_USAGE, NULL, "unknown option '-%c'", optopt);
    } else {
        const char *w = word && is_long ? word + 2 : word ? word : "";
        if (la_buf_add(&name, w, strcspn(w, "=")) != LA_OK)
            la_buf_reset(&name);
        la_suggest_init(&sug, name.buf);
        for (size_t k = 0; k < N_OPTS; k++) {
            if (!opts[k].help && strcmp(opts[k].name, "auto") && strcmp(opts[k].name, "patterns"))
                continue;              /* an alias (--colour) is no suggestion */
            la_suggest_add(&sug, opts[k].name);
            if (name.len && !strncmp(opts[k].name, name.buf, name.len)) {
                nprefix++;
                if (la_buf_addf(&cands, "%s--%s", cands.len ? ", " : "", opts[k].name) != LA_OK)
                    la_buf_reset(&cands);
            }
        }
        if (nprefix > 1)
            la_cli_err(cli, LA_D_USAGE, NULL, "ambiguous option '--%s' (%s)", name.buf,
                       cands.buf);
        else if (sug.best)
            la_cli_err(cli, LA_D_USAGE, NULL, "unknown option '--%s'; did you mean '--%s'?",
                       name.buf, sug.best);
        else
            la_cli_err(cli, LA_D_USAGE, NULL, "unknown option '--%s'", name.buf);
    }
    la_buf_release(&name);
    la_buf_release(&cands);
    see_help();
    return 2;
}

/* ------------------------------------------------------------ the command */

/* Does the row's name match the operands?  *ret_words: how many it takes. */
static int named(const struct la_cli_command *c, int argc, char **argv, int *ret_words)
{
    const char *sp = strchr(c->name, ' ');
    size_t l = sp ? (size_t)(sp - c->name) : strlen(c->name);

    if (argc < 1 || strlen(argv[0]) != l || strncmp(argv[0], c->name, l))
        return 0;
    if (sp && (argc < 2 || strcmp(argv[1], sp + 1)))
        return -1;                     /* the first word of a two-word command */
    *ret_words = sp ? 2 : 1;
    return 1;
}

/*
 * The named command nearest to the operands: "explain" for "explian", "rules lint" for
 * "rules lnit" (word is then "rules", second "lnit").  Hidden rows are not suggested.
 */
static const char *nearest_command(const char *word, const char *second, struct la_buf *tmp)
{
    struct la_suggest sug;
    size_t wl = strlen(word);
    char first[8][24];                 /* the first words of two-word names ("rules") */
    size_t nf = 0;

    la_suggest_init(&sug, second ? second : word);
    for (size_t i = 0; i < la_cli_n_commands; i++) {
        const char *n = la_cli_commands[i].name, *sp;
        if (!n || !la_cli_commands[i].summary)
            continue;
        sp = strchr(n, ' ');
        if (second && sp && (size_t)(sp - n) == wl && !strncmp(n, word, wl))
            la_suggest_add(&sug, sp + 1);
        else if (!second && !sp)
            la_suggest_add(&sug, n);
        else if (!second && nf < 8 && (size_t)(sp - n) < sizeof first[0]) {
            memcpy(first[nf], n, (size_t)(sp - n));
            first[nf][sp - n] = 0;
            la_suggest_add(&sug, first[nf++]);
        }
    }
    la_buf_reset(tmp);
    if (!sug.best || (second ? la_buf_addf(tmp, "%s %s", word, sug.best)
                             : la_buf_adds(tmp, sug.best)) != LA_OK)
        return NULL;
    return tmp->buf;
}

/* "usage: loganalyze rules lint|test|export [PATH...]" for a bad second word. */
static void bad_subcommand(struct la_cli *cli, const char *word, const char *second)
{
    struct la_buf subs = LA_BUF_INIT, tmp = LA_BUF_INIT;
    size_t l = strlen(word);
    const char *best = second ? nearest_command(word, second, &tmp) : NULL;

    if (best)
        la_cli_err(cli, LA_D_USAGE, NULL, "unknown command '%s %s'; did you mean '%s'?", word,
                   second, best);
    for (size_t i = 0; i < la_cli_n_commands; i++) {
        const char *n = la_cli_commands[i].name;
        if (n && !strncmp(n, word, l) && n[l] == ' ' &&
            la_buf_addf(&subs, "%s%s", subs.len ? "|" : "", n + l + 1) != LA_OK)
            la_buf_reset(&subs);
    }
    la_cli_err(cli, LA_D_USAGE, NULL, "usage: loganalyze %s %s [PATH...]", word, subs.buf);
    la_buf_release(&subs);
    la_buf_release(&tmp);
}

/*
 * A first operand that is no path and is near a command's name is a mistyped command, not an
 * input: "explian 4013" is `explain`, while a file of that name would still be read.  1 after
 * the usage error, else 0.
 */
static int mistyped_command(struct la_cli *cli, const char *word)
{
    struct la_buf tmp = LA_BUF_INIT;
    struct stat st;
    const char *best;

    if (!strcmp(word, "-") || stat(word, &st) == 0 || errno != ENOENT)
        return 0;
    best = nearest_command(word, NULL, &tmp);
    if (best) {
        la_cli_err(cli, LA_D_USAGE, NULL, "unknown command '%s'; did you mean '%s'?", word,
                   best);
        see_help();
    }
    la_buf_release(&tmp);
    return best != NULL;
}

/* The command the operands (or a mode option) name; NULL after a usage error. */
static const struct la_cli_command *pick(struct la_cli *cli, const unsigned char *seen,
                                         int argc, char **argv, int *ret_words)
{
    const char *two_word = NULL;

    *ret_words = 0;
    for (size_t i = 0; i < la_cli_n_commands; i++) {
        const struct la_cli_command *c = &la_cli_commands[i];
        int m = c->name ? named(c, argc, argv, ret_words) : 0;
        if (m > 0)
            return c;
        if (m < 0)
            two_word = argv[0];
    }
    if (two_word) {
        bad_subcommand(cli, two_word, argc > 1 ? argv[1] : NULL);
        return NULL;
    }
    for (size_t i = 0; i < la_cli_n_commands; i++)
        for (size_t k = 0; la_cli_commands[i].mode && k < N_OPTS; k++)
            if (seen[k] && !strcmp(opts[k].name, la_cli_commands[i].mode))
                return &la_cli_commands[i];
    if (argc > 0 && mistyped_command(cli, argv[0]))
        return NULL;
    for (size_t i = 0; i < la_cli_n_commands; i++)
        if (!la_cli_commands[i].name && !la_cli_commands[i].mode)
            return &la_cli_commands[i];
    return NULL;
}

/* Every option given must be one the command takes: 0, or 2 after a usage error. */
static int check_options(struct la_cli *cli, const struct la_cli_command *c,
                         const unsigned char *seen)
{
    const char *sep = c->name ? " " : c->mode ? " --" : "";
    const char *name = c->name ? c->name : c->mode ? c->mode : "";

    for (size_t k = 0; k < N_OPTS; k++) {
        if (!seen[k] || (opts[k].group & (c->opts | LA_CLI_G_ANY)))
            continue;
        if (seen[k] == 2)
            la_cli_err(cli, LA_D_USAGE, NULL, "-%c is not an option of `loganalyze%s%s`",
                       opts[k].id, sep, name);
        else
            la_cli_err(cli, LA_D_USAGE, NULL, "--%s is not an option of `loganalyze%s%s`",
                       opts[k].name, sep, name);
        fprintf(stderr, "usage: loganalyze %s\n", c->synopsis);
        return 2;
    }
    return 0;
}

int la_cli_parse(struct la_cli *cli, int argc, char **argv, const struct la_cli_command **ret_cmd,
                 int *ret_argc, char ***ret_argv)
{
    struct option longopts[N_OPTS + 1];
    char shortopts[2 * N_OPTS + 2];
    unsigned char seen[N_OPTS];        /* 1 given as --name, 2 as -c */
    size_t ns = 1;                     /* shortopts[0] ':': a missing argument is ':' */
    int c, rc, words, li;
    const struct la_cli_command *cmd;

    memset(longopts, 0, sizeof longopts);
    memset(seen, 0, sizeof seen);
    shortopts[0] = ':';
    for (size_t i = 0; i < N_OPTS; i++) {
        longopts[i] = (struct option){ opts[i].name, opts[i].has_arg, NULL, opts[i].id };
        if (opts[i].id < 256) {
            shortopts[ns++] = (char)opts[i].id;
            if (opts[i].has_arg)
                shortopts[ns++] = ':';
        }
    }
    shortopts[ns] = 0;
    opterr = 0;                        /* bad_option() says what was wrong, in one line */
    while (li = -1, (c = getopt_long(argc, argv, shortopts, longopts, &li)) != -1) {
        if (c == '?' || c == ':')
            return bad_option(cli, c, optind > 0 && optind <= argc ? argv[optind - 1] : NULL);
        if (li >= 0)
            seen[li] = 1;
        for (size_t k = 0; li < 0 && k < N_OPTS; k++)
            if (opts[k].id == c && !seen[k])
                seen[k] = 2;
        if ((rc = apply(cli, c, optarg)) >= 0)
            return rc;
    }
    cli->o.rules[cli->o.nrules] = NULL;
    cli->o.tried[cli->o.ntried] = NULL;
    cli->o.eo.rule_paths = cli->o.rules;
    cli->o.eo.tried = cli->o.tried;
    if (!cli->o.nouts) {
        cli->o.outs[0].format = "text";
        cli->o.nouts = 1;
    }
    cmd = pick(cli, seen, argc - optind, argv + optind, &words);
    if (!cmd)
        return 2;
    if (check_options(cli, cmd, seen))
        return 2;
    *ret_cmd = cmd;
    *ret_argc = argc - optind - words;
    *ret_argv = argv + optind + words;
    return -1;
}
