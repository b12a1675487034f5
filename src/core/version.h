#ifndef LA_CORE_VERSION_H
#define LA_CORE_VERSION_H

/*
 * Apple version and build comparison.
 *
 * A version is split into runs of digits and runs of letters; digit runs
 * compare as numbers, letter runs as case-insensitive strings, separators
 * ('.', '-', '_', ' ') only split.  So "15.7.1" > "15.7", "12.12.8.2" >
 * "12.9", "21G93" > "21G9" and "19H12" < "20A362".  A missing component
 * counts as 0 ("15.0" == "15").
 *
 * A range is one or more space-separated clauses, all of which must hold:
 * ">=15", "<16.4", "=15.7", "!=17.0", or a bare version meaning "=".
 */

#include <stddef.h>

#include "core/error.h"

int la_version_cmp(const char *a, size_t alen, const char *b, size_t blen);

/* 1 when version satisfies range, 0 when not; -1 when range is malformed. */
int la_version_in_range(const char *version, size_t vlen, const char *range);

/* 0 when range is well-formed, else -1 with *ret_bad_offset set. */
int la_version_range_check(const char *range, size_t *ret_bad_offset);

#endif
