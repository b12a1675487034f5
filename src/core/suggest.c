/*
 * "Did you mean …" (suggest.h): the optimal-string-alignment edit distance (Levenshtein plus
 * the swap of two neighbours, the commonest typo: "explian") over three rows of a bounded
 * table, and the choice of the nearest candidate.
 *
 * Why a bounded table: the words come from the command line, so their length is the user's;
 * past LA_SUGGEST_MAX_LEN nothing is compared and the stack use is fixed.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "core/suggest.h"

#define FAR (LA_SUGGEST_MAX_LEN + 1u)

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
    unsigned m = a < b ? a : b;
    return m < c ? m : c;
}

static int same(char a, char b)
{
    return tolower((unsigned char)a) == tolower((unsigned char)b);
}

unsigned la_edit_distance(const char *a, size_t al, const char *b, size_t bl)
{
    unsigned rows[3][LA_SUGGEST_MAX_LEN + 1];
    unsigned *prev2 = rows[0], *prev = rows[1], *cur = rows[2];

    if (al > LA_SUGGEST_MAX_LEN || bl > LA_SUGGEST_MAX_LEN)
        return FAR;
    for (size_t j = 0; j <= bl; j++)
        prev[j] = (unsigned)j;
    for (size_t i = 1; i <= al; i++) {
        unsigned *t;
        cur[0] = (unsigned)i;
        for (size_t j = 1; j <= bl; j++) {
            unsigned cost = same(a[i - 1], b[j - 1]) ? 0 : 1;
            cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1]) &&
                prev2[j - 2] + 1 < cur[j])
                cur[j] = prev2[j - 2] + 1;
        }
        t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[bl];
}

void la_suggest_init(struct la_suggest *s, const char *word)
{
    s->word = word;
    s->best = NULL;
    s->dist = FAR;
}

void la_suggest_add(struct la_suggest *s, const char *cand)
{
    size_t wl = strlen(s->word), cl = strlen(cand);
    unsigned max = wl <= 4 ? 1 : 2, d;

    if (!wl || !cl)
        return;
    d = la_edit_distance(s->word, wl, cand, cl);
    if (d > max) {
        if (wl < 3 || wl >= cl || strncasecmp(s->word, cand, wl))
            return;
        d = max + 1;                   /* a prefix: after every near spelling */
    }
    if (d < s->dist) {
        s->best = cand;
        s->dist = d;
    }
}
