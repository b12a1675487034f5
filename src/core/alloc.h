#ifndef LA_CORE_ALLOC_H
#define LA_CORE_ALLOC_H

/*
 * The one allocation seam of loganalyze.  Every module allocates through
 * these wrappers so that a test can fail the Nth allocation and check that
 * the code above unwinds cleanly (curl's torture tests, dav1d's alloc_fail).
 *
 * They behave like their libc namesakes; la_free() accepts NULL.
 */

#include <stddef.h>

#include "core/error.h"

void *la_malloc(size_t size);
void *la_calloc(size_t nmemb, size_t size);
void *la_realloc(void *ptr, size_t size);
char *la_strdup(const char *s);
char *la_strndup(const char *s, size_t n);
void *la_memdup(const void *p, size_t n);
void la_free(void *ptr);

/*
 * Grow the array *pv of elements of size elem so that it holds at least need
 * of them: the capacity *cap doubles (starting at first, or need if larger),
 * and the new slots are zero (a first or a large array comes from calloc, so
 * room not yet used is not even touched).  On success *pv and *cap are updated; on
 * failure (out of memory or an overflowing size) both are left unchanged and
 * LA_FATAL is returned.
 */
LA_NODISCARD enum la_rc la_grow(void **pv, size_t *cap, size_t need, size_t elem, size_t first);

/* la_grow() on a typed array: LA_GROW(v, cap, n + 1) makes room for v[n]. */
#define LA_GROW(v, cap, need) la_grow((void **)&(v), &(cap), (need), sizeof(*(v)), 16)

/*
 * Fault injection for tests: after la_alloc_fail_after(n), the (n+1)th and
 * every later allocation fails until la_alloc_fail_after(-1) resets it.
 * la_alloc_count() returns the number of allocations attempted since the
 * last call to la_alloc_fail_after().
 */
void la_alloc_fail_after(long n);
unsigned long la_alloc_count(void);

#endif
