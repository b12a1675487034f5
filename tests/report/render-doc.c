/*
 * render-doc: the reporter test driver.
 *
 *   render-doc [--color] [--width N] [--live] FORMAT DOC.json
 *
 * Loads DOC.json (keys in file order), renders it with la_report_render()
 * in deterministic mode (--live: not deterministic) and writes the result to
 * stdout.  Used by validate.sh and to regenerate golden files
 * (update-golden.sh).  Exit 0 on success, 1 on a render failure, 2 on usage
 * or load errors.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/error.h"
#include "report/report.h"

static void print_diag(void *user, const struct la_diag *d)
{
    struct la_buf b = LA_BUF_INIT;

    (void)user;
    if (la_diag_format(d, &b) == LA_OK)
        fprintf(stderr, "render-doc: %s\n", b.buf);
    la_buf_release(&b);
}

int main(int argc, char **argv)
{
    struct la_report_opts opts = { 0, 0, 1 };
    struct la_diag_sink sink = { print_diag, NULL };
    struct la_buf out = LA_BUF_INIT;
    json_error_t err;
    json_t *doc;
    enum la_rc rc;
    int i = 1;

    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--color") == 0)
            opts.color = 1;
        else if (strcmp(argv[i], "--live") == 0)
            opts.deterministic = 0;
        else if (strcmp(argv[i], "--width") == 0 && i + 1 < argc)
            opts.width = (unsigned)strtoul(argv[++i], NULL, 10);
        else
            break;
    }
    if (argc - i != 2) {
        fprintf(stderr, "usage: render-doc [--color] [--width N] [--live] FORMAT DOC.json\n");
        return 2;
    }
    doc = json_load_file(argv[i + 1], JSON_REJECT_DUPLICATES, &err);
    if (!doc) {
        fprintf(stderr, "render-doc: %s:%d:%d: %s\n", argv[i + 1], err.line, err.column,
                err.text);
        return 2;
    }
    rc = la_report_render(argv[i], doc, &opts, &out, &sink);
    json_decref(doc);
    if (rc != LA_OK) {
        la_buf_release(&out);
        return 1;
    }
    if (fwrite(out.buf, 1, out.len, stdout) != out.len || fflush(stdout) != 0)
        rc = LA_FATAL;
    la_buf_release(&out);
    return rc == LA_OK ? 0 : 1;
}
