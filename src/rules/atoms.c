/*
 * Atoms: the literals the prefilter looks for (YARA's idea).
 *
 * An atom of a pattern is a literal that every match of the pattern must
 * contain, lowercased: a record that does not contain it (in any case)
 * cannot match, so the matcher runs the pattern only when the prefilter
 * automaton (match.c) found its atom in the record.
 *
 *   literal test ("contains: Foo")  → the literal itself, lowercased ("foo")
 *   regex                           → the longest literal run at its top
 *                                      level, 3+ characters ("usb.*timed out"
 *                                      → "timed out")
 *   regex without such a run        → a set of atoms, one of which every
 *                                      match contains: one per top-level
 *                                      alternative ("foo|bar"), or the atoms
 *                                      of a group every match passes through
 *                                      ("^(?:Creating|Restoring) x")
 *   nothing found                   → no atom: the pattern runs on every
 *                                      record (lint reports it, LA208)
 *
 * Invariant (the prefilter's correctness): an atom is never something a
 * match could lack.  So the scan is conservative: anything it does not
 * understand ends the current run (classes, escapes like \d, groups) or
 * gives up (a hex escape, a top-level '|' for the single atom), and a
 * quantifier that makes a character optional ('?', '*', '{') removes that
 * character from the run.  A leading "(?i)" is skipped: atoms are matched
 * case-insensitively anyway.  tests/unit/test-atoms.c pins these cases.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "core/alloc.h"
#include "rules/rules-internal.h"

char *la_atoms_literal(struct pool *pool, const char *s, size_t n)
{
    char *a = pool_memdup(pool, s, n);

    if (a)
        for (size_t i = 0; i < n; i++)
            a[i] = (char)tolower((unsigned char)a[i]);
    return a;
}

/*
 * Index of the ']' closing the class that opens at re[i] ('['), or n.  A ']' first in the
 * class (after '^' when caret) is a member, not the end.
 */
static size_t skip_class_at(const char *re, size_t n, size_t i, int caret)
{
    i++;
    if (caret && i < n && re[i] == '^')
        i++;
    if (i < n && re[i] == ']')
        i++;
    while (i < n && re[i] != ']') {
        if (re[i] == '\\')
            i++;
        i++;
    }
    return i;
}

static size_t skip_class(const char *re, size_t n, size_t i)
{
    return skip_class_at(re, n, i, 1);
}

/*
 * Longest literal run at the top level of a regex, lowercased, or NULL (allocated: the
 * caller owns it).  Conservative: any top-level alternation means no atom; groups, classes,
 * escapes like \d and optional characters end a run.
 */
static char *regex_atom(const char *re, size_t *ret_len)
{
    struct la_buf cur = LA_BUF_INIT, best = LA_BUF_INIT;
    size_t i = 0, n = strlen(re);
    int depth = 0;
    char *r = NULL;

    if (n >= 4 && !strncmp(re, "(?i)", 4))
        i = 4;
    for (; i < n; i++) {
        char c = re[i];
        char lit = 0;
        int is_lit = 0;

        if (depth > 0) {
            /* Inside a group: only track the nesting.  A class here does not skip a
             * leading '^' (so "[^]" ends at that ']'); kept as it was: atoms must not
             * change in a restructuring. */
            if (c == '\\' && i + 1 < n)
                i++;
            else if (c == '[')
                i = skip_class_at(re, n, i, 0);
            else if (c == '(')
                depth++;
            else if (c == ')')
                depth--;
            continue;
        }
        switch (c) {
        case '|':
            goto none;
        case '(':
            depth++;
            break;
        case '[':
            i = skip_class(re, n, i);
            break;
        case '.': case '^': case '$':
            break;
        case '?': case '*': case '{':
            /* The previous character was optional: drop it from the run. */
            if (cur.len)
                la_buf_truncate(&cur, cur.len - 1);
            if (c == '{')
                while (i < n && re[i] != '}')
                    i++;
            break;
        case '+':
            break;
        case '\\':
            if (i + 1 < n && !isalnum((unsigned char)re[i + 1])) {
                lit = re[++i];
                is_lit = 1;
            } else {
                i++;       /* \d \w \s \b \x.. : not a literal */
                if (i < n && re[i] == 'x')
                    i = n;     /* hex escapes: give up on this run and the rest */
            }
            break;
        default:
            lit = c;
            is_lit = 1;
        }
        if (is_lit) {
            /* A following quantifier makes this char optional (handled next round). */
            if (la_buf_addc(&cur, (char)tolower((unsigned char)lit)) != LA_OK)
                goto none;
            if (cur.len > best.len) {
                la_buf_reset(&best);
                if (la_buf_add(&best, cur.buf, cur.len) != LA_OK)
                    goto none;
            }
            continue;
        }
        /* Non-literal: the run ends; but a quantifier on the last char must shorten best too. */
        if ((c == '?' || c == '*' || c == '{') && best.len == cur.len + 1 && cur.len + 1 > 0) {
            la_buf_truncate(&best, best.len - 1);
        }
        la_buf_reset(&cur);
    }
    if (best.len >= 3) {
        r = la_buf_detach(&best, ret_len);
    }
none:
    la_buf_release(&cur);
    la_buf_release(&best);
    return r;
}

char *la_atoms_regex(struct pool *pool, const char *re, size_t *ret_len)
{
    char *atom = regex_atom(re, ret_len);

    return atom ? pool_keep(pool, atom) : NULL;
}

/* Index of the ')' closing the '(' at i, or n. */
static size_t close_paren(const char *re, size_t n, size_t i)
{
    int depth = 0;

    for (; i < n; i++) {
        if (re[i] == '\\')
            i++;
        else if (re[i] == '[')
            i = skip_class(re, n, i);
        else if (re[i] == '(')
            depth++;
        else if (re[i] == ')' && --depth == 0)
            return i;
    }
    return n;
}

/* A group "(…)" at i..e that every match passes through: not optional, not a lookaround. */
static int required_group(const char *re, size_t n, size_t i, size_t e)
{
    char q = e + 1 < n ? re[e + 1] : 0;

    return q != '?' && q != '*' && q != '{' &&
           !(n - i > 2 && re[i + 1] == '?' &&
             (re[i + 2] == '=' || re[i + 2] == '!' ||
              (re[i + 2] == '<' && (re[i + 3] == '=' || re[i + 3] == '!'))));
}

/*
 * When a regex has no single required literal, look for a set of literals
 * one of which every match must contain: one per top-level alternative
 * ("A|B|C"), or, inside a group that every match passes through
 * ("^(?:Creating|Restoring)\\b…", "(?<host>idevicerestore [0-9]…)"), the
 * group's own atoms.  The pattern is then a candidate when any of them
 * occurs.  Returns the number of literals appended to list (0 = none found).
 */
static size_t collect_atoms(struct pool *pool, const char *re, size_t n, char **list,
                            size_t max, int depth_left)
{
    struct la_buf b = LA_BUF_INIT;
    size_t alen, got = 0;
    char *atom;
    size_t cuts[64], ncut = 0;

    if (!depth_left || max == 0)
        return 0;
    /* A single literal run? */
    if (la_buf_add(&b, re, n) != LA_OK)
        return 0;
    atom = regex_atom(b.buf, &alen);
    la_buf_release(&b);
    if (atom) {
        if (!pool_keep(pool, atom))
            return 0;
        list[0] = atom;
        return 1;
    }
    /* Top-level alternatives. */
    for (size_t i = 0; i < n; i++) {
        if (re[i] == '\\')
            i++;
        else if (re[i] == '[')
            i = skip_class(re, n, i);
        else if (re[i] == '(')
            i = close_paren(re, n, i);
        else if (re[i] == '|' && ncut < 63)
            cuts[ncut++] = i;
    }
    if (ncut) {
        size_t start = 0;
        cuts[ncut++] = n;
        for (size_t k = 0; k < ncut; k++) {
            size_t m = collect_atoms(pool, re + start, cuts[k] - start, list + got, max - got,
                                     depth_left - 1);
            if (!m)
                return 0;
            got += m;
            start = cuts[k] + 1;
        }
        return got;
    }
    /* A group every match passes through: its atoms. */
    for (size_t i = 0; i < n; i++) {
        if (re[i] == '\\') {
            i++;
            continue;
        }
        if (re[i] == '[') {
            i = skip_class(re, n, i);
            continue;
        }
        if (re[i] != '(')
            continue;
        size_t e = close_paren(re, n, i), in = i + 1;
        if (e >= n)
            return 0;
        if (required_group(re, n, i, e)) {
            /* Skip "?:", "?<name>", "?P<name>", "?i:" … */
            if (in < e && re[in] == '?') {
                while (in < e && re[in] != ':' && re[in] != '>')
                    in++;
                in++;
            }
            if (in < e) {
                size_t m = collect_atoms(pool, re + in, e - in, list, max, depth_left - 1);
                if (m)
                    return m;
            }
        }
        i = e;
    }
    return 0;
}

char **la_atoms_alternatives(struct pool *pool, const char *re)
{
    size_t n = strlen(re), off = 0;
    char **list = pool_calloc(pool, n + 2, sizeof(*list));

    if (!list)
        return NULL;
    if (n >= 4 && !strncmp(re, "(?i)", 4))
        off = 4;
    return collect_atoms(pool, re + off, n - off, list, n, 4) ? list : NULL;
}
