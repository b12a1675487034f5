/*
 * Allocation wrappers with a fault-injection counter.  Not thread-safe
 * counting: fault injection is a test-only feature used single-threaded.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

/* From this size on la_grow() allocates anew with calloc (glibc's mmap threshold, 128 KiB). */
#define LA_GROW_CALLOC_BYTES ((size_t)128 * 1024)

static long fail_after = -1;
static unsigned long count;

static int should_fail(void)
{
    if (fail_after < 0)
        return 0;
    return count++ >= (unsigned long)fail_after;
}

void la_alloc_fail_after(long n)
{
    fail_after = n;
    count = 0;
}

unsigned long la_alloc_count(void)
{
    return count;
}

void *la_malloc(size_t size)
{
    if (should_fail())
        return NULL;
    return malloc(size ? size : 1);
}

void *la_calloc(size_t nmemb, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(nmemb ? nmemb : 1, size ? size : 1);
}

void *la_realloc(void *ptr, size_t size)
{
    if (should_fail())
        return NULL;
    return realloc(ptr, size ? size : 1);
}

void *la_memdup(const void *p, size_t n)
{
    char *r = la_malloc(n + 1);

    if (!r)
        return NULL;
    if (n)
        memcpy(r, p, n);
    r[n] = '\0';
    return r;
}

char *la_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);

    return la_memdup(s, len);
}

char *la_strdup(const char *s)
{
    return la_memdup(s, strlen(s));
}

void la_free(void *ptr)
{
    free(ptr);
}

enum la_rc la_grow(void **pv, size_t *cap, size_t need, size_t elem, size_t first)
{
    size_t nc = *cap ? *cap : (first ? first : 1);
    void *p;

    if (need <= *cap)
        return LA_OK;
    while (nc < need) {
        if (nc > SIZE_MAX / 2)
            return LA_FATAL;
        nc *= 2;
    }
    if (elem && nc > SIZE_MAX / elem)
        return LA_FATAL;
    /*
     * A first or a large array comes from calloc: memory fresh from the system is zero
     * already, so its slots are not written until used (a pack's thousands of rules: the
     * pages of room not yet used are never touched).  A small one grows by realloc, which
     * can extend it in place.
     */
    if (!*pv || nc * elem >= LA_GROW_CALLOC_BYTES) {
        p = la_calloc(nc, elem ? elem : 1);
        if (!p)
            return LA_FATAL;
        if (*pv && *cap)
            memcpy(p, *pv, *cap * elem);
        la_free(*pv);
        *pv = p;
        *cap = nc;
        return LA_OK;
    }
    p = la_realloc(*pv, nc * elem);
    if (!p)
        return LA_FATAL;
    memset((char *)p + *cap * elem, 0, (nc - *cap) * elem);
    *pv = p;
    *cap = nc;
    return LA_OK;
}
