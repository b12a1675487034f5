/*
 * The command line: the command table, and the flow from argv to an exit code.
 *
 * la_cli_main() makes one struct la_cli (options, diagnostic sink, stderr state), parses
 * the options and picks the command (options.c), runs the command's handler with its
 * operands and returns what the handler returns.  Exit codes (docs/design.md): 0 analysed and
 * nothing at or above --fail-on, 1 a failure diagnosed at or above it, 2 a usage error,
 * invalid rules, or an input that could not be read at all (2 wins over 1).
 *
 * la_cli_commands[] is git's command table: one row per command with its handler, the
 * option groups it accepts and its usage line; --help prints the rows in this order.
 * Diagnostics go to stderr as "path:line:col: error[LAnnn]: msg" through cli/msg.c.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli-internal.h"
#include "cli/cli.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "formats/formats.h"
#include "serve/serve.h"

#define G(group) LA_CLI_G_##group
/* What builds and runs an engine, and that plus the report options. */
#define ENGINE_OPTS (G(RULES) | G(DATA) | G(INPUT) | G(ANALYSIS))
#define ANALYSIS_OPTS (ENGINE_OPTS | G(FORMAT) | G(REPORT))

static int cmd_formats(struct la_cli *cli, int argc, char **argv)
{
    (void)cli;
    (void)argc;
    (void)argv;
    for (unsigned i = 0; i < la_format_count(); i++)
        printf("%-18s %s\n", la_format_id(la_format_at(i)), la_format_title(la_format_at(i)));
    return 0;
}

static int cmd_serve(struct la_cli *cli, int argc, char **argv)
{
    struct la_serve_opts so;

    (void)argv;
    if (argc > 0) {
        la_cli_err(cli, LA_D_USAGE, NULL, "serve takes no paths (drop them on the page)");
        return 2;
    }
    memset(&so, 0, sizeof(so));
    so.listen = cli->o.serve_listen;
    so.open_browser = cli->o.open_report;
    so.port_file = cli->o.serve_port_file;
    so.max_upload = cli->o.eo.limits.max_upload;
    so.upload_timeout_s = cli->o.serve_upload_timeout;
    so.upload_read = cli->o.serve_upload_read;
    return la_serve_run(&so, &cli->o.eo, &cli->sink);
}

/*
 * --open PATH...: the HTML report in the browser.  With no path (the desktop launcher opened
 * without files) the drag-and-drop page instead, on a free loopback port (8080 may be taken;
 * the browser is sent to the port bound), opened in the browser.
 */
static int cmd_open(struct la_cli *cli, int argc, char **argv)
{
    int missing, rc;

    if (argc == 0) {
        cli->o.open_report = 1;
        cli->o.serve_listen = "127.0.0.1:0";
        return cmd_serve(cli, 0, argv);
    }
    argc = la_cli_keep_existing(cli, argc, argv, &missing);
    if (argc < 1)
        return 2;
    rc = la_open_report((const char *const *)argv, (size_t)argc, &cli->o.eo, &cli->sink);
    return missing ? 2 : rc;
}

/* name, mode, handler, option groups; synopsis and summary for the usage lines. */
const struct la_cli_command la_cli_commands[] = {
    { NULL, NULL, la_cli_analyze, ANALYSIS_OPTS,
      "[OPTIONS] PATH...", "diagnose restore logs, archives, folders" },
    { "inspect", NULL, la_cli_inspect, G(FORMAT) | G(RULES) | G(DATA) | G(INPUT),
      "inspect [OPTIONS] PATH...", "list every member: format, size, status" },
    { "show", NULL, la_cli_show, G(FORMAT) | G(DATA) | G(SHOW),
      "show [OPTIONS] PATH...", "print the unified log (.tracev3) entries" },
    { "explain", NULL, la_cli_explain, G(FORMAT) | G(DATA),
      "explain CODE...", "what an error code means, what to do" },
    { "rules lint", NULL, la_cli_rules_lint, G(RULES) | G(DATA),
      "rules lint [PATH...]", "validate rule files" },
    { "rules test", NULL, la_cli_rules_test, G(RULES) | G(DATA) | G(FORMAT),
      "rules test [PATH...]", "run rule samples and fixture logs" },
    { "rules export", NULL, la_cli_rules_export, G(RULES) | G(DATA) | G(EXPORT),
      "rules export --patterns", "print every pattern as a regex" },
    { "merge", NULL, la_cli_merge, G(FORMAT) | G(REPORT),
      "merge [-f FORMAT] [FILE...|-]", "fold ndjson report lines of many runs into\none "
      "summary (docs/fleet.md)" },
    { "formats", NULL, cmd_formats, 0,
      "formats", "list the input formats" },
    { "logs", NULL, la_cli_logs, G(FORMAT),
      "logs", "where restore and crash logs are kept" },
    { NULL, "auto", la_cli_auto, ANALYSIS_OPTS | G(AUTO),
      "--auto [OPTIONS]", "find the logs on this computer, analyse the\nnewest restore attempt" },
    { "serve", NULL, cmd_serve, ENGINE_OPTS | G(SERVE) | G(OPEN),
      "serve [--listen ADDR] [--open]", "drag-and-drop web page (docs/serve.md)" },
    { NULL, "open", cmd_open, ENGINE_OPTS | G(OPEN),
      "--open PATH...", "HTML report opened in the browser\n(without PATH: the serve page)" },
    /* Hidden (no summary): the shell completion scripts meson installs. */
    { "completion", NULL, la_cli_completion, G(DATA),
      "completion bash|zsh|fish", NULL },
};

const size_t la_cli_n_commands = sizeof la_cli_commands / sizeof la_cli_commands[0];

/*
 * Where the engine looks for its data when neither --data-dir nor $LOGANALYZE_DATADIR says
 * (analyze.h): the source tree's rules/ only when this binary is the one in the build folder
 * it was built in (an uninstalled run), then the data beside the binary (an installation
 * moved, or installed with --destdir).  An installed binary so never reads the source tree
 * it was built from.  Nothing is added when /proc/self/exe cannot be read.
 */
static void find_data_search(struct la_cli *cli)
{
    char exe[PATH_MAX], *slash, *built;
    struct la_buf b = LA_BUF_INIT;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    size_t k = 0;

    if (n <= 0)
        return;
    exe[n] = 0;
    if (!(slash = strrchr(exe, '/')))
        return;
    *slash = 0;                        /* exe is now the binary's folder */
    built = realpath(LA_BUILD_ROOT "/src", NULL);
    if (built && !strcmp(built, exe))
        cli->o.data_search[k++] = la_strdup(LA_SOURCE_ROOT "/rules");
    free(built);
    /* realpath: diagnostics then name share/loganalyze/..., not bin/../share/... */
    if (*LA_BIN_TO_DATA && la_buf_addf(&b, "%s/" LA_BIN_TO_DATA "/rules", exe) == LA_OK &&
        (built = realpath(b.buf, NULL)) != NULL) {
        cli->o.data_search[k++] = la_strdup(built);
        free(built);
    }
    la_buf_release(&b);
    cli->o.eo.data_dir_search = (const char *const *)cli->o.data_search;
}

int la_cli_main(int argc, char **argv)
{
    struct la_cli cli;
    const struct la_cli_command *cmd = NULL;
    int rc, nargs = 0;
    char **args = NULL;

    if (la_cli_init(&cli) < 0) {
        fputs("loganalyze: error[LA100]: out of memory\n", stderr);
        return 2;
    }
    find_data_search(&cli);
    rc = la_cli_parse(&cli, argc, argv, &cmd, &nargs, &args);
    if (rc < 0)
        rc = cmd->run(&cli, nargs, args);
    la_cli_release(&cli);
    return rc;
}
