#ifndef LA_RULES_SELFTEST_H
#define LA_RULES_SELFTEST_H

/*
 * The rules' self-test, behind `loganalyze rules test`: every rule's samples must fire it,
 * its not-lines must not, and annotated fixture logs name the rules each line must fire
 * (`#! expect: id, id`) or must not (`#! ok: id`), with `#! format: ID` setting the format
 * the following lines are parsed as (default "text").
 *
 * Turning a sample into records is the input formats' job, and rules/ does not depend on
 * formats/: the caller hands in a struct la_selftest_formats (analyze/selftest.h supplies the
 * real one; a unit test can supply its own).  Results come back as one struct
 * la_selftest_check per check and as diagnostics for failures; nothing here prints.
 *
 * Common case: the caller owns the ruleset, the formats and every string passed in; the
 * check handed to fn is borrowed for the duration of the call.
 */

#include <stddef.h>

#include "core/error.h"
#include "rules/rules.h"

/* One record of a parsed sample; last is 1 for the records the sample's last line gave. */
typedef enum la_rc la_selftest_record_fn(void *user, const struct la_record *f, int last);

/*
 * Parse text (lines separated by '\n') as the format id, calling fn for every record, with
 * last = 1 for the records given while the last line is read and at the end (a record held
 * back to rejoin a cut line comes out with the line after it).  Returns LA_OK, what fn
 * returned when that is not LA_OK, or another code when the text could not be parsed.
 */
typedef enum la_rc la_selftest_parse_fn(void *user, const char *id, const char *text,
                                        la_selftest_record_fn *fn, void *fn_user);

struct la_selftest_formats {
    const char *const *ids;        /* every format a fixture may name, NULL-terminated */
    const char *const *sample_ids; /* the formats a rule's samples are tried as, in this
                                      order (a sample passes when one of them fires the
                                      rule), NULL-terminated */
    la_selftest_parse_fn *parse;
    void *user;
};

enum la_selftest_kind {
    LA_SELFTEST_SAMPLE,            /* a rule's sample must fire it */
    LA_SELFTEST_NOT,               /* a rule's not-line must not */
    LA_SELFTEST_EXPECT,            /* a fixture line must fire the rule its expect: names */
    LA_SELFTEST_OK,                /* a fixture line must not fire the rule its ok: names */
};

struct la_selftest_check {
    enum la_selftest_kind kind;
    const char *rule;              /* rule id; for fixtures as written (it may be unknown) */
    const char *file;              /* the rule's file, or the fixture's path */
    unsigned line;                 /* the rule's line, or the fixture line's */
    size_t index;                  /* samples and not-lines: position in the rule's list */
    const char *text;              /* the sample, not-line or fixture line */
    int passed;
};

typedef enum la_rc la_selftest_check_fn(void *user, const struct la_selftest_check *c);

struct la_selftest_counts {
    unsigned passed, failed;
};

/*
 * Run the samples and not-lines of every rule of rs (in rule order), then the fixture logs
 * (NULL-terminated paths, may be NULL) in turn.  fn, which may be NULL, gets every check
 * as it is decided; a failed check also goes to sink as a diagnostic first: LA212 (a sample
 * does not fire its rule), LA213 (a not-line does), LA218 and LA219 (a fixture line breaks
 * its expect: or ok:), LA211 (a fixture names an unknown rule).  A fixture that cannot be
 * opened (LA101) and an unknown `#! format:` (LA206, the lines after it are read as text)
 * count as failures without a check.
 *
 * *ret_counts gets the passed and failed totals whenever LA_OK is returned.  Returns LA_OK
 * whatever the checks gave; what fn returned when that was not LA_OK (the run stops there);
 * LA_FATAL on OOM or invalid arguments (NULL rs, fmts or ret_counts).
 */
LA_NODISCARD enum la_rc la_selftest_run(const struct la_ruleset *rs,
                                        const struct la_selftest_formats *fmts,
                                        const char *const *fixtures, la_selftest_check_fn *fn,
                                        void *user, struct la_selftest_counts *ret_counts,
                                        struct la_diag_sink *sink);

#endif
