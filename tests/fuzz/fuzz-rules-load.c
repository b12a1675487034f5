/*
 * Fuzz target rules-load: the YAML rule loader and compiler.
 *
 * The input is one rule file or vocabulary pack.  It goes through the same steps as a user's
 * --rules file: la_ruleset_add_buffer() (libyaml → AST → validation with
 * positioned diagnostics), la_ruleset_compile() (references, PCRE2 compile +
 * JIT, atoms, Aho-Corasick prefilter) and, when that succeeds, a matcher
 * that scans every rule's own samples: and not: lines (what `rules test`
 * does), so fuzzed patterns also run.  The PCRE2 limits are lowered so a
 * catastrophic pattern costs milliseconds, not the fuzzer's time budget.
 *
 * Oracles: the sanitizers, and that each diagnostic has a message and a
 * registered code.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/limits.h"
#include "rules/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_diag(void *user, const struct la_diag *d)
{
    (void)user;
    if (!d->msg || !la_diag_summary(d->code))
        abort();
    /* Touch every byte: ASan reports a dangling or unterminated message. */
    volatile size_t n = strlen(d->msg) + (d->file ? strlen(d->file) : 0);
    (void)n;
}

static enum la_rc on_hit(void *user, size_t rule, const struct la_capture *caps, size_t ncaps)
{
    size_t *sum = user;
    for (size_t i = 0; i < ncaps; i++) {
        if (!caps[i].name)
            abort();
        for (size_t k = 0; k < caps[i].value.len; k++)
            *sum += (unsigned char)caps[i].value.p[k];
    }
    *sum += rule;
    return LA_OK;
}

static void scan_lines(struct la_matcher *m, const char *const *lines, struct la_diag_sink *sink)
{
    size_t sum = 0;

    for (size_t i = 0; lines && lines[i] && i < 64; i++) {
        struct la_record f;
        memset(&f, 0, sizeof(f));
        f.format = "text";
        f.text = la_sv_cstr(lines[i]);
        f.message = f.text;
        f.component = la_sv_make(lines[i], 0);
        f.level = la_sv_make(lines[i], 0);
        if (la_matcher_scan(m, &f, on_hit, &sum, sink) == LA_FATAL)
            return;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct la_limits lim = LA_LIMITS_DEFAULT;
    struct la_diag_sink sink = { check_diag, NULL };
    struct la_ruleset *rs;
    struct la_matcher *m;

    if (size > lim.max_rule_file)
        return 0;
    lim.match_limit = 20000;
    lim.depth_limit = 2000;
    rs = la_ruleset_new(&lim);
    if (!rs)
        return 0;
    if (la_ruleset_add_buffer(rs, "fuzz.yaml", (const char *)data, size, &sink) != LA_OK ||
        la_ruleset_compile(rs, &sink) != LA_OK) {
        la_ruleset_free(rs);
        return 0;
    }
    (void)la_ruleset_sha256(rs);
    m = la_matcher_new(rs);
    if (m) {
        for (size_t i = 0; i < la_ruleset_count(rs) && i < 32; i++) {
            const struct la_rule_meta *meta = la_ruleset_rule(rs, i);
            if (!meta || !meta->id || la_ruleset_find(rs, meta->id) < 0)
                abort();
            const char *title[] = { meta->title, NULL };
            scan_lines(m, meta->samples, &sink);
            scan_lines(m, meta->nots, &sink);
            /* A vocabulary pack's rules have no samples: their title holds the format's text. */
            scan_lines(m, title, &sink);
        }
        la_matcher_free(m);
    }
    la_ruleset_free(rs);
    return 0;
}
