/*
 * The rules' self-test on the real input formats.
 *
 * rules/selftest.c decides the checks but knows no input format (rules/ depends on core/
 * only); here the analysis side, which ties formats/ and rules/ together, supplies them: the
 * format ids (all for fixtures, the text ones for samples, in table order) and a parse hook
 * that feeds a sample's lines to a fresh la_parser and hands each record on as the fields
 * the matcher reads, flagged when it came with the last line (or the final flush).
 */
#include "config.h"

#include <string.h>

#include "analyze/analyze.h"
#include "analyze/selftest.h"
#include "core/alloc.h"
#include "core/sv.h"
#include "formats/formats.h"
#include "rules/rules.h"
#include "rules/selftest.h"

struct feed {
    la_selftest_record_fn *fn;
    void *user;
    int last;                          /* the last line is being read, or the parser flushed */
};

static enum la_rc on_record(void *user, const struct la_record *r)
{
    struct feed *fd = user;
    return fd->fn(fd->user, r, fd->last);
}

/* la_selftest_parse_fn on formats/: the lines of text, then the parser's final flush. */
static enum la_rc parse(void *user, const char *id, const char *text, la_selftest_record_fn *fn,
                        void *fn_user)
{
    const struct la_format *f = la_format_find(id);
    struct la_parser *p = f ? la_parser_new(f, NULL) : NULL;
    struct feed fd = { fn, fn_user, 0 };
    const char *s = text;
    uint64_t no = 1;
    enum la_rc rc;

    (void)user;
    if (!p)
        return f ? LA_FATAL : LA_FAILED;
    for (;;) {
        const char *nl = strchr(s, '\n');
        fd.last = !nl;
        rc = la_parser_line(p, la_sv_make(s, nl ? (size_t)(nl - s) : strlen(s)), no++, on_record,
                            &fd);
        if (rc != LA_OK || !nl)
            break;
        s = nl + 1;
    }
    fd.last = 1;
    if (rc == LA_OK)
        rc = la_parser_finish(p, on_record, &fd);
    la_parser_free(p);
    return rc;
}

enum la_rc la_engine_selftest(const struct la_engine *e, const char *const *fixtures,
                              la_selftest_check_fn *fn, void *user,
                              struct la_selftest_counts *ret_counts, struct la_diag_sink *sink)
{
    unsigned n = la_format_count(), ns = 0;
    const char **ids = la_calloc(n + 1, sizeof *ids), **text_ids = la_calloc(n + 1, sizeof *ids);
    struct la_selftest_formats fmts = { ids, text_ids, parse, NULL };
    enum la_rc rc = LA_FATAL;

    if (e && ids && text_ids) {
        for (unsigned i = 0; i < n; i++) {
            ids[i] = la_format_id(la_format_at(i));
            if (!la_format_is_binary(la_format_at(i)))
                text_ids[ns++] = ids[i];
        }
        rc = la_selftest_run(la_engine_ruleset(e), &fmts, fixtures, fn, user, ret_counts, sink);
    }
    la_free(ids);
    la_free(text_ids);
    return rc;
}
