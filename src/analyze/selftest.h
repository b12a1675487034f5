#ifndef LA_ANALYZE_SELFTEST_H
#define LA_ANALYZE_SELFTEST_H

/*
 * The rules' self-test (rules/selftest.h) on the real input formats: what
 * `loganalyze rules test` runs.  rules/ cannot parse a sample itself; this file gives it the
 * formats of formats/, so the self-test sees the records an analysis would.
 */

#include "analyze/analyze.h"
#include "core/error.h"
#include "rules/selftest.h"

/*
 * Run the self-test of the engine's ruleset: every rule's samples and not-lines, tried as
 * each text format in table order, then the fixture logs (NULL-terminated paths, may be
 * NULL), whose lines are read as "text" unless `#! format: ID` names any format.  fn, user,
 * ret_counts, sink and the return codes are those of la_selftest_run().
 */
LA_NODISCARD enum la_rc la_engine_selftest(const struct la_engine *e,
                                           const char *const *fixtures,
                                           la_selftest_check_fn *fn, void *user,
                                           struct la_selftest_counts *ret_counts,
                                           struct la_diag_sink *sink);

#endif
