/*
 * Unit tests: the prefilter's atoms (src/rules/atoms.c).
 *
 * The prefilter runs a pattern only on records that contain one of its
 * atoms, so an atom that a match could lack would hide findings.  These
 * cases pin what each kind of pattern yields: literals, the longest
 * literal run of a regex, alternations at the top level and inside a
 * required group, case folding, escapes, the classes and quantifiers that
 * end a run, and patterns with no atom at all.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rules/rules-internal.h"

/* The single atom of re into got, "" when it has none. */
static void atom_of(const char *re, char *got, size_t size)
{
    struct pool pool = { 0 };
    size_t len = 0;
    char *a = la_atoms_regex(&pool, re, &len);

    assert_false(pool.oom);
    assert_true(len < size);
    memcpy(got, a ? a : "", a ? len : 0);
    got[a ? len : 0] = '\0';
    pool_release(&pool);
}

/* The alternative atoms of re into got, joined with '|'; "" when it has none. */
static void alts_of(const char *re, char *got, size_t size)
{
    struct pool pool = { 0 };
    char **l = la_atoms_alternatives(&pool, re);
    size_t n = 0;

    assert_false(pool.oom);
    got[0] = '\0';
    for (char **p = l; p && *p; p++) {
        int w = snprintf(got + n, size - n, "%s%s", p == l ? "" : "|", *p);
        assert_true(w >= 0 && (size_t)w < size - n);
        n += (size_t)w;
    }
    pool_release(&pool);
}

/* Macros, so that a failure names the line of the case and shows both strings. */
#define atom_is(re, want)                                                                 \
    do {                                                                                  \
        char got_[256];                                                                   \
        atom_of(re, got_, sizeof(got_));                                                  \
        assert_string_equal(got_, want);                                                  \
    } while (0)

#define alts_are(re, want)                                                                \
    do {                                                                                  \
        char got_[256];                                                                   \
        alts_of(re, got_, sizeof(got_));                                                  \
        assert_string_equal(got_, want);                                                  \
    } while (0)

static void literals(void **state)
{
    struct pool pool = { 0 };
    const char src[] = "Device Disconnected";
    char *a = la_atoms_literal(&pool, src, strlen(src));

    assert_non_null(a);
    assert_memory_equal(a, "device disconnected", strlen(src));
    assert_string_equal(src, "Device Disconnected");       /* a copy */
    /* Any length and any byte: the literal's n bytes, NULs included. */
    a = la_atoms_literal(&pool, "A\0B", 3);
    assert_memory_equal(a, "a\0b", 3);
    a = la_atoms_literal(&pool, "x", 1);
    assert_memory_equal(a, "x", 1);
    pool_release(&pool);
}

static void longest_literal_run(void **state)
{
    atom_is("restore failed", "restore failed");
    atom_is("usb.*timed out", "timed out");
    atom_is("^AMRDevice.*error [0-9]+$", "amrdevice");
    atom_is("x\\d+yyyy", "yyyy");
    /* The first of equally long runs. */
    atom_is("err(or|no) 12", "err");
    /* A group ends the run; what precedes a lookahead still counts. */
    atom_is("status (?=ok)abc", "status ");
    atom_is("kernel panic(cpu", "kernel panic");
    /* An optional group is passed over. */
    atom_is("(foo|bar)?bazz", "bazz");
}

static void case_folding(void **state)
{
    atom_is("Device Disconnected", "device disconnected");
    /* A leading (?i) is skipped: atoms are looked for in any case anyway. */
    atom_is("(?i)AMRestore error", "amrestore error");
    alts_are("(?:ERROR|FAIL)", "error|fail");
}

static void escapes(void **state)
{
    /* An escaped punctuation character is a literal ... */
    atom_is("abc\\.def", "abc.def");
    atom_is("\\(0x1303\\)", "(0x1303)");
    /* ... a class escape is not, and ends the run ... */
    atom_is("ab\\sdef", "def");
    /* ... and a hex escape gives up on the rest of the pattern. */
    atom_is("a\\x41bcdef", "");
    alts_are("a\\x41bcdef", "");
}

static void classes_and_quantifiers_end_a_run(void **state)
{
    atom_is("[abc]defg", "defg");
    atom_is("abc[0-9]de", "abc");
    atom_is("abc[]x]defgh", "defgh");
    atom_is("abc[^]x]defgh", "defgh");
    atom_is("a.bcd", "bcd");
    /* '?', '*' and '{' make the character before them optional: it leaves the run. */
    atom_is("colou?r mismatch", "r mismatch");
    atom_is("abcd*efgh", "efgh");
    atom_is("ab{2}cdef", "cdef");
    atom_is("abcdef?", "abcde");
    /* '+' keeps the character (one is required) but ends the run. */
    atom_is("abc+def", "abc");
}

static void top_level_alternation(void **state)
{
    /* No single atom: one per alternative instead. */
    atom_is("foo|barbaz|quxx", "");
    alts_are("foo|barbaz|quxx", "foo|barbaz|quxx");
    alts_are("(?i)Foo Bar|BAZ", "foo bar|baz");
    /* An alternative with no atom of its own: none for the pattern. */
    alts_are("ab|barbaz", "");
    alts_are("foo|\\d+", "");
    /* A '|' inside a group or a class does not split the pattern. */
    atom_is("abc(x|y)", "abc");
    atom_is("[|]abcd", "abcd");
}

static void alternation_inside_a_required_group(void **state)
{
    atom_is("^(?:Creating|Restoring)\\b.*", "");
    alts_are("^(?:Creating|Restoring)\\b.*", "creating|restoring");
    alts_are("(?<host>idevicerestore [0-9]+)", "idevicerestore ");
    alts_are("(?P<n>abcd|efgh) x", "abcd|efgh");
    alts_are("x ((?:abcd|efgh)) y", "abcd|efgh");
    /* An optional or a lookaround group is not required: no atoms from it. */
    alts_are("x(abcd)?yz", "");
    alts_are("x(abcd)*yz", "");
    alts_are("x(?=abcd)yz", "");
    alts_are("x(?!abcd)yz", "");
    alts_are("x(?<=abcd)yz", "");
}

static void no_atom(void **state)
{
    /* Runs shorter than three characters are no atom. */
    atom_is("ab", "");
    alts_are("ab", "");
    atom_is("\\d+\\s+\\w+", "");
    alts_are("\\d+\\s+\\w+", "");
    atom_is("^.*$", "");
    alts_are("a|b", "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(literals),
        cmocka_unit_test(longest_literal_run),
        cmocka_unit_test(case_folding),
        cmocka_unit_test(escapes),
        cmocka_unit_test(classes_and_quantifiers_end_a_run),
        cmocka_unit_test(top_level_alternation),
        cmocka_unit_test(alternation_inside_a_required_group),
        cmocka_unit_test(no_atom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
