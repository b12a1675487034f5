/*
 * `loganalyze logs` (where restore and crash logs are kept, per host, with sources) and
 * `loganalyze --auto` (find them on this computer and analyse the newest restore attempt;
 * with nothing found, say so and print how to collect them).  The knowledge and the scan
 * are in src/locate/; this file only prints.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze/analyze.h"
#include "cli/cli-internal.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "locate/locate.h"
#include "report/report.h"
#include "rules/rules.h"

static void human_size(uint64_t b, char *out, size_t n)
{
    if (b < 1024)
        snprintf(out, n, "%u B", (unsigned)b);
    else if (b < 1024 * 1024)
        snprintf(out, n, "%.1f KB", b / 1024.0);
    else if (b < 1024ull * 1024 * 1024)
        snprintf(out, n, "%.1f MB", b / (1024.0 * 1024));
    else
        snprintf(out, n, "%.1f GB", b / (1024.0 * 1024 * 1024));
}

static void human_age(int64_t secs, char *out, size_t n)
{
    if (secs < 0)
        snprintf(out, n, "in the future");
    else if (secs < 120)
        snprintf(out, n, "%lld s ago", (long long)secs);
    else if (secs < 2 * 3600)
        snprintf(out, n, "%lld min ago", (long long)(secs / 60));
    else if (secs < 2 * 86400)
        snprintf(out, n, "%lld h ago", (long long)(secs / 3600));
    else
        snprintf(out, n, "%lld days ago", (long long)(secs / 86400));
}

/* The places of one host as text (md: Markdown list). */
static void print_places(FILE *f, const char *host, int md)
{
    fprintf(f, md ? "\n## %s\n" : "\n%s\n", la_locate_host_title(host));
    for (size_t i = 0; i < la_locate_n_places(); i++) {
        const struct la_place *p = la_locate_place(i);
        if (strcmp(p->host, host))
            continue;
        if (md) {
            fprintf(f, "\n- **%s**: %s%s\n  - where: `%s`\n", p->tool, p->what,
                    p->confirmed ? "" : " *(unconfirmed)*", p->pattern);
            if (p->capture)
                fprintf(f, "  - how: %s\n", p->capture);
            fprintf(f, "  - source: %s\n", p->source);
        } else {
            fprintf(f, "\n  %s%s — %s\n    where:   %s\n", p->tool,
                    p->confirmed ? "" : " (unconfirmed)", p->what, p->pattern);
            if (p->capture)
                fprintf(f, "    how:     %s\n", p->capture);
            fprintf(f, "    source:  %s\n", p->source);
        }
    }
}

/* This host first, then the others, then the device. */
static void print_all_places(FILE *f, int md)
{
    static const char *const hosts[] = { "windows", "macos", "linux" };
    const char *me = la_locate_host();

    print_places(f, me, md);
    for (int i = 0; i < 3; i++)
        if (strcmp(hosts[i], me))
            print_places(f, hosts[i], md);
    print_places(f, "device", md);
}

int la_cli_logs(struct la_cli *cli, int argc, char **argv)
{
    const char *fmt = cli->o.outs[0].format;

    (void)argc;
    (void)argv;
    if (!strcmp(fmt, "json")) {
        json_t *a = json_array();
        for (size_t i = 0; i < la_locate_n_places(); i++) {
            const struct la_place *p = la_locate_place(i);
            json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:s?,s:s,s:b}", "host",
                                               p->host, "tool", p->tool, "what", p->what,
                                               "where", p->pattern, "how", p->capture,
                                               "source", p->source, "confirmed",
                                               p->confirmed));
        }
        json_t *doc = json_pack("{s:s,s:s,s:o}", "schema", "loganalyze.logs/1", "host",
                                la_locate_host(), "places", a);
        char *s = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
        json_decref(doc);
        if (!s)
            return 2;
        puts(s);
        free(s);
        return 0;
    }
    int md = !strcmp(fmt, "markdown");
    printf(md ? "# Where restore and crash logs are kept\n\nThis computer: %s.\n"
              : "Where restore and crash logs are kept (this computer: %s)\n",
           la_locate_host());
    print_all_places(stdout, md);
    printf(md ? "\nThen run `loganalyze FILE...` on what you found, or `loganalyze --auto`.\n"
              : "\nThen run `loganalyze FILE...` on what you found, or `loganalyze --auto`.\n");
    return 0;
}

int la_cli_auto(struct la_cli *cli, int argc, char **argv)
{
    struct la_found *f = NULL;
    const char **paths = NULL;
    size_t n = 0, np = 0;
    time_t now = time(NULL);
    int rc;

    (void)argv;
    if (argc > 0) {
        la_cli_err(cli, LA_D_USAGE, NULL, "--auto takes no paths");
        return 2;
    }
    if (la_locate_scan(&f, &n, &cli->sink) == LA_FATAL
        || la_locate_newest_attempt(f, n, &paths, &np) == LA_FATAL) {
        la_locate_free(f, n);
        la_cli_err(cli, LA_D_NO_MEMORY, NULL, "out of memory");
        return 2;
    }
    if (!n) {
        /* Nothing found: say so, and how to collect the logs (stdout: it is the answer). */
        printf("No restore or crash logs were found in the standard places on this computer.\n"
               "Here is where they are kept and how to collect them:\n");
        print_places(stdout, la_locate_host(), 0);
        print_places(stdout, "device", 0);
        printf("\nOther computers: `loganalyze logs`.  Then run `loganalyze FILE...`.\n");
        return 2;
    }
    fprintf(stderr, "Found %zu log file%s (newest first):\n", n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n && i < 20; i++) {
        char age[32], size[32];
        human_age((int64_t)now - f[i].mtime, age, sizeof(age));
        human_size(f[i].size, size, sizeof(size));
        fprintf(stderr, "  %-14s %9s  %-18s  %s\n", age, size, f[i].kind, f[i].path);
    }
    if (n > 20)
        fprintf(stderr, "  ... and %zu more\n", n - 20);
    fprintf(stderr, "Analysing the newest restore attempt (%zu file%s):\n", np,
            np == 1 ? "" : "s");
    for (size_t i = 0; i < np; i++)
        fprintf(stderr, "  %s\n", paths[i]);
    rc = la_cli_analyze(cli, (int)np, (char **)paths);
    la_free(paths);
    la_locate_free(f, n);
    return rc;
}
