#ifndef LA_ANALYZE_EXPLAIN_H
#define LA_ANALYZE_EXPLAIN_H

/*
 * `explain` as data: one code's entry for `loganalyze explain` and the web page.
 *
 * The object: {"query", "known", "pasted"? (true: the query was a pasted dialog or line, read
 * as the last number it shows in parentheses), "space"?: {"id", "name", "title"} (a
 * SPACE:CODE query, a name of an entry off the error-number line, or a number only one such
 * space knows), "note"?, "code"?, "number"? (the restore error
 * number of a spaced code on the line: tss:94 → 3194), "spaces"? (a bare number: [{"space",
 * "name", "code", "number"?, "meanings"?}], every space in which it has a meaning), "names"?,
 * "meanings"?: [{"space", "text", "confirmed", "source"}], "collides"?, "stage"?, "collect"?,
 * "family"?: {"id", "title"}, "causes": [{"id", "title", "prior", "summary", "next_test"}]
 * (most likely first), "ladder": [{"id", "text", "why", "if_still_fails"}] (cheapest first),
 * "nearby"? (a bare number not in the catalogue: [{"code", "meaning"}], the entries one digit
 * away and the nearest on either side), "suggest"? (a name or SPACE:CODE not understood: the
 * nearest name, alias or space, "tss:94" for "tsss:94")}.
 */

#include <jansson.h>

struct la_kb;

/*
 * A new reference to the entry for query (a number, 0x hex, SPACE:CODE such as tss:94 or
 * fr:-10, a name or alias, a pasted dialog "... unknown error occurred (4013)."), NULL on
 * OOM.
 */
json_t *la_explain(const struct la_kb *kb, const char *query);

#endif
