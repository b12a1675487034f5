#ifndef LA_CORE_SUGGEST_H
#define LA_CORE_SUGGEST_H

/*
 * "Did you mean …": the candidate nearest to a mistyped word (git's help.c, after
 * Damerau-Levenshtein).  One helper for every list a user names things from: subcommands,
 * options, --tried steps, input formats, numbering spaces, code names.
 *
 *   struct la_suggest s;
 *   la_suggest_init(&s, word);
 *   for (each candidate) la_suggest_add(&s, candidate);
 *   if (s.best) ... "did you mean '%s'?", s.best
 *
 * A candidate is near when its edit distance to the word (insertions, deletions,
 * substitutions and swaps of two neighbours, ASCII case ignored) is at most 1 for a word of
 * up to 4 characters and at most 2 for a longer one, or when the word, 3 characters or more,
 * starts it (a prefix ranks after every near spelling).  The smallest distance wins, the
 * first added of equals; a candidate that differs in case only is the nearest (the caller
 * asks only after an exact match failed).  Words and candidates longer than LA_SUGGEST_MAX_LEN are never near, so
 * the work per candidate is bounded.  s.best borrows the candidate's storage.
 */

#include <stddef.h>

#define LA_SUGGEST_MAX_LEN 64

struct la_suggest {
    const char *word;
    const char *best;              /* the nearest candidate so far, or NULL */
    unsigned dist;                 /* its distance */
};

void la_suggest_init(struct la_suggest *s, const char *word);
void la_suggest_add(struct la_suggest *s, const char *cand);

/*
 * The edit distance of a[0..al) and b[0..bl) (optimal string alignment, ASCII case
 * ignored), or LA_SUGGEST_MAX_LEN + 1 when either is longer than LA_SUGGEST_MAX_LEN.
 */
unsigned la_edit_distance(const char *a, size_t al, const char *b, size_t bl);

#endif
