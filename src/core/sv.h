#ifndef LA_CORE_SV_H
#define LA_CORE_SV_H

/*
 * struct la_sv: a borrowed, not NUL-terminated slice of bytes.  It never
 * owns its storage; whoever hands one out says how long it stays valid.
 */

#include <stddef.h>
#include <string.h>

struct la_sv {
    const char *p;
    size_t len;
};

#define LA_SV_NULL ((struct la_sv){ NULL, 0 })

static inline struct la_sv la_sv_make(const char *p, size_t len)
{
    struct la_sv s = { p, len };
    return s;
}

static inline struct la_sv la_sv_cstr(const char *s)
{
    return la_sv_make(s, strlen(s));
}

static inline int la_sv_eq(struct la_sv a, const char *s)
{
    size_t n = strlen(s);
    return a.len == n && (n == 0 || memcmp(a.p, s, n) == 0);
}

static inline int la_sv_startswith(struct la_sv a, const char *s)
{
    size_t n = strlen(s);
    return a.len >= n && memcmp(a.p, s, n) == 0;
}

#endif
