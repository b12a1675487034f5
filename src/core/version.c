/*
 * Apple version comparison; see version.h for the ordering.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "core/version.h"

struct tok {
    const char *p;
    size_t len;
    int digits;
};

static int is_sep(int c)
{
    return !isalnum((unsigned char)c);
}

/* Next digit or letter run at or after *pos; 0 at the end. */
static int next_tok(const char *s, size_t len, size_t *pos, struct tok *t)
{
    size_t i = *pos;

    while (i < len && is_sep(s[i]))
        i++;
    if (i >= len)
        return 0;
    t->p = s + i;
    t->digits = isdigit((unsigned char)s[i]) != 0;
    while (i < len && !is_sep(s[i]) && (isdigit((unsigned char)s[i]) != 0) == t->digits)
        i++;
    t->len = (size_t)(s + i - t->p);
    *pos = i;
    return 1;
}

static int cmp_digits(const struct tok *a, const struct tok *b)
{
    const char *pa = a->p, *pb = b->p;
    size_t la = a->len, lb = b->len;

    while (la > 1 && *pa == '0')
        pa++, la--;
    while (lb > 1 && *pb == '0')
        pb++, lb--;
    if (la != lb)
        return la < lb ? -1 : 1;
    int c = memcmp(pa, pb, la);
    return c < 0 ? -1 : c > 0;
}

static int cmp_alpha(const struct tok *a, const struct tok *b)
{
    size_t n = a->len < b->len ? a->len : b->len;

    for (size_t i = 0; i < n; i++) {
        int ca = tolower((unsigned char)a->p[i]), cb = tolower((unsigned char)b->p[i]);
        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return 0;
}

int la_version_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t pa = 0, pb = 0;
    static const struct tok zero = { "0", 1, 1 };

    for (;;) {
        struct tok ta, tb;
        int ha = next_tok(a, alen, &pa, &ta);
        int hb = next_tok(b, blen, &pb, &tb);
        int c;

        if (!ha && !hb)
            return 0;
        if (!ha)
            ta = zero;
        if (!hb)
            tb = zero;
        if (ta.digits && tb.digits)
            c = cmp_digits(&ta, &tb);
        else if (!ta.digits && !tb.digits)
            c = cmp_alpha(&ta, &tb);
        else
            c = ta.digits ? 1 : -1;   /* "15.1" > "15.beta" */
        if (c)
            return c;
    }
}

enum op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

/* Parse one clause at *pos; 1 on success, 0 at the end, -1 when malformed. */
static int parse_clause(const char *r, size_t *pos, enum op *op, const char **v, size_t *vlen)
{
    size_t i = *pos;

    while (r[i] == ' ' || r[i] == ',')
        i++;
    if (!r[i])
        return 0;
    *op = OP_EQ;
    if (r[i] == '>' && r[i + 1] == '=')
        *op = OP_GE, i += 2;
    else if (r[i] == '<' && r[i + 1] == '=')
        *op = OP_LE, i += 2;
    else if (r[i] == '!' && r[i + 1] == '=')
        *op = OP_NE, i += 2;
    else if (r[i] == '=' && r[i + 1] == '=')
        *op = OP_EQ, i += 2;
    else if (r[i] == '>')
        *op = OP_GT, i++;
    else if (r[i] == '<')
        *op = OP_LT, i++;
    else if (r[i] == '=')
        *op = OP_EQ, i++;
    while (r[i] == ' ')
        i++;
    *v = r + i;
    while (r[i] && (isalnum((unsigned char)r[i]) || r[i] == '.' || r[i] == '-' || r[i] == '_'))
        i++;
    *vlen = (size_t)(r + i - *v);
    if (!*vlen || !isalnum((unsigned char)(*v)[0]) || (r[i] && r[i] != ' ' && r[i] != ',')) {
        *pos = i;
        return -1;
    }
    *pos = i;
    return 1;
}

int la_version_range_check(const char *range, size_t *ret_bad_offset)
{
    size_t pos = 0;
    enum op op;
    const char *v;
    size_t vlen;
    int r, n = 0;

    while ((r = parse_clause(range, &pos, &op, &v, &vlen)) > 0)
        n++;
    if (r < 0 || n == 0) {
        if (ret_bad_offset)
            *ret_bad_offset = pos;
        return -1;
    }
    return 0;
}

int la_version_in_range(const char *version, size_t vlen, const char *range)
{
    size_t pos = 0;
    enum op op;
    const char *v;
    size_t len;
    int r, n = 0;

    while ((r = parse_clause(range, &pos, &op, &v, &len)) > 0) {
        int c = la_version_cmp(version, vlen, v, len);
        int ok = 0;

        n++;
        switch (op) {
        case OP_EQ: ok = c == 0; break;
        case OP_NE: ok = c != 0; break;
        case OP_LT: ok = c < 0; break;
        case OP_LE: ok = c <= 0; break;
        case OP_GT: ok = c > 0; break;
        case OP_GE: ok = c >= 0; break;
        }
        if (!ok)
            return 0;
    }
    if (r < 0 || n == 0)
        return -1;
    return 1;
}
