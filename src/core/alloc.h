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

void *la_malloc(size_t size);
void *la_calloc(size_t nmemb, size_t size);
void *la_realloc(void *ptr, size_t size);
char *la_strdup(const char *s);
char *la_strndup(const char *s, size_t n);
void *la_memdup(const void *p, size_t n);
void la_free(void *ptr);

/*
 * Fault injection for tests: after la_alloc_fail_after(n), the (n+1)th and
 * every later allocation fails until la_alloc_fail_after(-1) resets it.
 * la_alloc_count() returns the number of allocations attempted since the
 * last call to la_alloc_fail_after().
 */
void la_alloc_fail_after(long n);
unsigned long la_alloc_count(void);

#endif
