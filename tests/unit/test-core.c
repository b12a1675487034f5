/* Unit tests: core (la_buf, diagnostics registry, version comparison, encodings, UTF-8,
 * suggestions). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/cache.h"
#include "core/codespace.h"
#include "core/dir.h"
#include "core/encoding.h"
#include "core/error.h"
#include "core/suggest.h"
#include "core/version.h"

static void buf_cap_leaves_unchanged(void **state)
{
    struct la_buf b;

    la_buf_init(&b, 8);
    assert_int_equal(la_buf_adds(&b, "12345"), LA_OK);
    assert_int_equal(la_buf_adds(&b, "6789"), LA_FAILED);
    assert_string_equal(b.buf, "12345");
    assert_int_equal(b.len, 5);
    assert_int_equal(la_buf_addf(&b, "%d", 678), LA_OK);
    assert_string_equal(b.buf, "12345678");
    la_buf_release(&b);
    assert_string_equal(b.buf, "");
}

static void buf_detach(void **state)
{
    struct la_buf b = LA_BUF_INIT;
    size_t n;
    char *s;

    assert_int_equal(la_buf_add(&b, "a\0b", 3), LA_OK);
    s = la_buf_detach(&b, &n);
    assert_int_equal(n, 3);
    assert_memory_equal(s, "a\0b", 3);
    assert_int_equal(b.len, 0);
    la_free(s);
}

static void alloc_failure_is_reported(void **state)
{
    struct la_buf b = LA_BUF_INIT;

    la_alloc_fail_after(0);
    assert_int_equal(la_buf_adds(&b, "x"), LA_FATAL);
    la_alloc_fail_after(-1);
    assert_int_equal(la_buf_adds(&b, "x"), LA_OK);
    la_buf_release(&b);
}

static void diag_codes_unique(void **state)
{
    static const unsigned codes[] = {
#define LA_DIAG(num, id, summary) num,
#include "core/diagcodes.def"
#undef LA_DIAG
    };
    size_t n = sizeof(codes) / sizeof(codes[0]);

    for (size_t i = 0; i < n; i++) {
        assert_non_null(la_diag_summary(codes[i]));
        for (size_t j = i + 1; j < n; j++)
            assert_int_not_equal(codes[i], codes[j]);
    }
}

static void diag_format(void **state)
{
    struct la_diag d = { LA_SEV_ERROR, 207, "rules/x.yaml", 12, 14, "invalid regex 'a('" };
    struct la_buf b = LA_BUF_INIT;

    assert_int_equal(la_diag_format(&d, &b), LA_OK);
    assert_string_equal(b.buf, "rules/x.yaml:12:14: error[LA207]: invalid regex 'a('");
    la_buf_release(&b);
}

static int vc(const char *a, const char *b)
{
    return la_version_cmp(a, strlen(a), b, strlen(b));
}

static void versions(void **state)
{
    assert_true(vc("15.7.1", "15.7") > 0);
    assert_true(vc("15.0", "15") == 0);
    assert_true(vc("12.12.8.2", "12.9") > 0);
    assert_true(vc("10.0.1.22", "12.12.8.2") < 0);
    assert_true(vc("21G93", "21G9") > 0);
    assert_true(vc("19H12", "20A362") < 0);
    assert_true(vc("20A362", "20A5312g") < 0);
    assert_int_equal(la_version_in_range("15.7", 4, ">=15 <16"), 1);
    assert_int_equal(la_version_in_range("16.0", 4, ">=15 <16"), 0);
    assert_int_equal(la_version_in_range("12.10.1", 7, "<12.10"), 0);
    assert_int_equal(la_version_in_range("12.9.6", 6, "<12.10"), 1);
    assert_int_equal(la_version_in_range("1", 1, ">>"), -1);
    size_t off;
    assert_int_equal(la_version_range_check(">=15 <16", &off), 0);
    assert_int_equal(la_version_range_check(">= <16", &off), -1);
}

static void encodings(void **state)
{
    size_t bom;
    const unsigned char le[] = { 0xFF, 0xFE, 'a', 0 };
    const unsigned char u8[] = { 0xEF, 0xBB, 0xBF, 'a' };
    unsigned char nobom[64];

    assert_int_equal(la_detect_encoding(le, sizeof(le), &bom), LA_ENC_UTF16LE);
    assert_int_equal(bom, 2);
    assert_int_equal(la_detect_encoding(u8, sizeof(u8), &bom), LA_ENC_UTF8);
    assert_int_equal(bom, 3);
    for (int i = 0; i < 64; i += 2) {
        nobom[i] = 0;
        nobom[i + 1] = 'x';
    }
    assert_int_equal(la_detect_encoding(nobom, sizeof(nobom), &bom), LA_ENC_UTF16BE);
    assert_int_equal(bom, 0);
}

/* s made valid by la_utf8_add() must equal want (both NUL-terminated literals). */
static void check_valid(const char *s, size_t len, const char *want)
{
    struct la_buf b = LA_BUF_INIT;
    char *d;

    assert_int_equal(la_utf8_add(&b, s, len), LA_OK);
    assert_int_equal(b.len, strlen(want));
    assert_memory_equal(b.buf, want, b.len);
    assert_int_equal(la_utf8_valid(b.buf, b.len), 1);
    la_buf_release(&b);
    d = la_utf8_dup(s, len);
    assert_non_null(d);
    assert_string_equal(d, want);
    la_free(d);
}

#define FFFD "\xEF\xBF\xBD"

/* The sanitiser: each byte that is not part of well-formed UTF-8 is one U+FFFD. */
static void utf8_sanitise(void **state)
{
    uint32_t cp;

    /* Valid text is copied as it is: ASCII, Latin, CJK, a 4-byte emoji, controls, NUL. */
    check_valid("plain ascii", 11, "plain ascii");
    check_valid("caf\xC3\xA9 \xE8\xAE\xBE\xE5\xA4\x87 \xF0\x9F\x98\x80", 17,
                "caf\xC3\xA9 \xE8\xAE\xBE\xE5\xA4\x87 \xF0\x9F\x98\x80");
    check_valid("\x1B[31m\n\x7F", 7, "\x1B[31m\n\x7F");
    assert_int_equal(la_utf8_valid("a\0b", 3), 1);
    /* Latin-1 bytes: each one a U+FFFD, the text around them kept. */
    check_valid("Caf\xE9 p\xE8re", 9, "Caf" FFFD " p" FFFD "re");
    assert_int_equal(la_utf8_valid("Caf\xE9", 4), 0);
    /* A character cut short at the end, or in the middle: each byte of it a U+FFFD. */
    check_valid("ab\xE8\xAE", 4, "ab" FFFD FFFD);
    check_valid("\xE8\xAE" "x", 3, FFFD FFFD "x");
    /* Overlong forms, surrogates, code points past U+10FFFF, stray continuation bytes. */
    check_valid("\xC0\xAF", 2, FFFD FFFD);
    check_valid("\xE0\x80\xAF", 3, FFFD FFFD FFFD);
    check_valid("\xED\xA0\x80", 3, FFFD FFFD FFFD);
    check_valid("\xF4\x90\x80\x80", 4, FFFD FFFD FFFD FFFD);
    check_valid("\x80\xBF", 2, FFFD FFFD);
    check_valid("\xFF\xFE", 2, FFFD FFFD);
    /* U+FFFD itself is valid and kept. */
    check_valid(FFFD, 3, FFFD);
    check_valid("", 0, "");
    /* The decoder: code points and lengths. */
    assert_int_equal(la_utf8_next("\xC3\xA9", 2, &cp), 2);
    assert_int_equal(cp, 0xE9);
    assert_int_equal(la_utf8_next("\xF0\x9F\x98\x80", 4, &cp), 4);
    assert_int_equal(cp, 0x1F600);
    assert_int_equal(la_utf8_next("\xF0\x9F\x98\x80", 3, &cp), 1);   /* len cuts it */
    assert_int_equal(cp, 0xFFFD);
    assert_int_equal(la_utf8_next("\xE9", 1, &cp), 1);
    assert_int_equal(cp, 0xFFFD);
}

/* Appends that fail leave the buffer as it was (a capped buffer). */
static void utf8_sanitise_capped(void **state)
{
    struct la_buf b;

    la_buf_init(&b, 6);
    assert_int_equal(la_buf_adds(&b, "ab"), LA_OK);
    assert_int_equal(la_utf8_add(&b, "c\xE9\xE9", 3), LA_FAILED);   /* 2 + 1 + 6 > 6 */
    assert_string_equal(b.buf, "ab");
    assert_int_equal(la_utf8_add(&b, "c\xE9", 2), LA_OK);
    assert_string_equal(b.buf, "abc" FFFD);
    la_buf_release(&b);
}

/* Cuts to a byte cap fall on character boundaries. */
static void utf8_cut(void **state)
{
    /* "[x] " then three 3-byte CJK characters: 4 + 9 bytes. */
    const char *cjk = "[x] \xE8\xAE\xBE\xE5\xA4\x87\xE8\xBF\x9E";
    size_t len = strlen(cjk);

    assert_int_equal(la_utf8_cut(cjk, len, 100), len);   /* short enough: whole */
    assert_int_equal(la_utf8_cut(cjk, len, len), len);
    assert_int_equal(la_utf8_cut(cjk, len, 4), 4);       /* on a boundary */
    assert_int_equal(la_utf8_cut(cjk, len, 5), 4);       /* inside the first character */
    assert_int_equal(la_utf8_cut(cjk, len, 6), 4);
    assert_int_equal(la_utf8_cut(cjk, len, 7), 7);
    assert_int_equal(la_utf8_cut(cjk, len, 12), 10);
    for (size_t max = 0; max <= len; max++)
        assert_int_equal(la_utf8_valid(cjk, la_utf8_cut(cjk, len, max)), 1);
    /* A 4-byte character cut after 1, 2 or 3 of its bytes. */
    assert_int_equal(la_utf8_trim("a\xF0", 2), 1);
    assert_int_equal(la_utf8_trim("a\xF0\x9F", 3), 1);
    assert_int_equal(la_utf8_trim("a\xF0\x9F\x98", 4), 1);
    assert_int_equal(la_utf8_trim("a\xF0\x9F\x98\x80", 5), 5);
    /* Bytes that are not UTF-8 anyway are not a character to keep whole. */
    assert_int_equal(la_utf8_trim("ab\xE9", 3), 2);      /* looks like a lead byte: cut */
    assert_int_equal(la_utf8_trim("ab\x80\x80\x80", 5), 5);
    assert_int_equal(la_utf8_trim("ab\xFF", 3), 3);
    assert_int_equal(la_utf8_trim("", 0), 0);
    /* Columns count code points; a prefix of n columns never splits one. */
    assert_int_equal(la_utf8_cols(cjk, len), 7);
    assert_int_equal(la_utf8_prefix(cjk, len, 5), 7);
    assert_int_equal(la_utf8_cols("a\xE9" "b", 3), 3);
}

static void grow_doubles_and_zeroes(void **state)
{
    int *v = NULL;
    size_t cap = 0;

    assert_int_equal(LA_GROW(v, cap, 1), LA_OK);
    assert_int_equal(cap, 16);
    v[15] = 7;
    assert_int_equal(LA_GROW(v, cap, 16), LA_OK);       /* fits: unchanged */
    assert_int_equal(cap, 16);
    assert_int_equal(LA_GROW(v, cap, 40), LA_OK);
    assert_int_equal(cap, 64);
    assert_int_equal(v[15], 7);
    for (size_t i = 16; i < cap; i++)
        assert_int_equal(v[i], 0);
    /* Failure leaves array and capacity as they were. */
    la_alloc_fail_after(0);
    assert_int_equal(LA_GROW(v, cap, 65), LA_FATAL);
    la_alloc_fail_after(-1);
    assert_int_equal(cap, 64);
    assert_int_equal(v[15], 7);
    assert_int_equal(la_grow((void **)&v, &cap, SIZE_MAX / 2, sizeof(*v), 16), LA_FATAL);
    assert_int_equal(cap, 64);
    /* Past 128 KiB the array is allocated anew (calloc, then the old slots copied): the
     * same contract, and a failure there leaves it as it was too. */
    for (size_t i = 0; i < cap; i++)
        v[i] = (int)i + 1;
    assert_int_equal(LA_GROW(v, cap, 40000), LA_OK);
    assert_int_equal(cap, 65536);
    for (size_t i = 0; i < cap; i++)
        assert_int_equal(v[i], i < 64 ? (int)i + 1 : 0);
    la_alloc_fail_after(0);
    assert_int_equal(LA_GROW(v, cap, 70000), LA_FATAL);
    la_alloc_fail_after(-1);
    assert_int_equal(cap, 65536);
    assert_int_equal(v[63], 64);
    la_free(v);
}

static int keep_txt(const char *name, void *user)
{
    (*(int *)user)++;
    size_t l = strlen(name);
    return l > 4 && !strcmp(name + l - 4, ".txt");
}

static void dir_list_sorted_filtered_capped(void **state)
{
    char dir[] = "/tmp/la-test-dir-XXXXXX", path[64];
    const char *names[] = {"b.txt", "a.txt", "c.log", "B.txt", "_z.txt"};
    struct la_dir_list l;
    int offered = 0, truncated = -1;

    assert_non_null(mkdtemp(dir));
    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fclose(f);
    }
    assert_int_equal(la_dir_list(dir, keep_txt, &offered, 0, &l, &truncated), LA_OK);
    assert_int_equal(offered, 5);                       /* never "." or ".." */
    assert_int_equal(truncated, 0);
    assert_int_equal(l.n, 4);
    assert_string_equal(l.names[0], "B.txt");           /* byte order */
    assert_string_equal(l.names[1], "_z.txt");
    assert_string_equal(l.names[2], "a.txt");
    assert_string_equal(l.names[3], "b.txt");
    la_dir_list_release(&l);
    assert_int_equal(l.n, 0);
    assert_int_equal(la_dir_list(dir, NULL, NULL, 2, &l, &truncated), LA_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(truncated, 1);
    la_dir_list_release(&l);
    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
    assert_int_equal(la_dir_list(dir, NULL, NULL, 0, &l, NULL), LA_FAILED);
    assert_int_equal(l.n, 0);
}

/* Count the files of dir whose names start with prefix; the name of one of them in one. */
static int count_prefix(const char *dir, const char *prefix, char *one, size_t size)
{
    struct la_dir_list l;
    int n = 0;

    assert_int_equal(la_dir_list(dir, NULL, NULL, 0, &l, NULL), LA_OK);
    for (size_t i = 0; i < l.n; i++)
        if (!strncmp(l.names[i], prefix, strlen(prefix))) {
            n++;
            if (one)
                snprintf(one, size, "%s", l.names[i]);
        }
    la_dir_list_release(&l);
    return n;
}

static void cache_paths_store_prune(void **state)
{
    char home[] = "/tmp/la-test-cache-XXXXXX", other[128], path[160];
    const char *old = getenv("XDG_CACHE_HOME");
    char *saved = old ? strdup(old) : NULL;
    const uint8_t key[3] = { 0x00, 0xab, 0xff };
    const void *part[] = { "head", "body" };
    const size_t len[] = { 4, 4 };
    struct la_buf dir = LA_BUF_INIT, file = LA_BUF_INIT;
    FILE *f;

    (void)state;
    assert_non_null(mkdtemp(home));
    setenv("XDG_CACHE_HOME", home, 1);
    assert_int_equal(la_cache_paths("t-", key, sizeof key, ".bin", &dir, &file), 0);
    snprintf(path, sizeof path, "%s/loganalyze", home);
    assert_string_equal(dir.buf, path);                 /* made when missing */
    snprintf(path, sizeof path, "%s/loganalyze/t-00abff.bin", home);
    assert_string_equal(file.buf, path);
    /* The parts in order, and no temporary file left beside it. */
    assert_int_equal(la_cache_store(dir.buf, file.buf, "t-", ".bin", 2, part, len, 2), 0);
    f = fopen(file.buf, "r");
    assert_non_null(f);
    assert_int_equal(fread(other, 1, sizeof other, f), 8);
    fclose(f);
    assert_memory_equal(other, "headbody", 8);
    assert_int_equal(count_prefix(dir.buf, "t-", NULL, 0), 1);
    /* Three more files of the kind: two are kept, and the first written (oldest) goes. */
    for (int i = 1; i <= 3; i++) {
        struct timespec ts[2] = { { 1000000 + i, 0 }, { 1000000 + i, 0 } };
        uint8_t k2[1] = { (uint8_t)i };
        la_buf_reset(&file);
        la_buf_reset(&dir);
        assert_int_equal(la_cache_paths("t-", k2, 1, ".bin", &dir, &file), 0);
        /* Make the first file the oldest before the others are written. */
        if (i == 1) {
            snprintf(path, sizeof path, "%s/t-00abff.bin", dir.buf);
            assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
        }
        assert_int_equal(la_cache_store(dir.buf, file.buf, "t-", ".bin", 2, part, len, 2), 0);
        ts[0].tv_sec = ts[1].tv_sec = 2000000 + i;
        assert_int_equal(utimensat(AT_FDCWD, file.buf, ts, 0), 0);
    }
    assert_int_equal(count_prefix(dir.buf, "t-", NULL, 0), 2);
    snprintf(path, sizeof path, "%s/t-00abff.bin", dir.buf);
    assert_int_not_equal(access(path, F_OK), 0);
    snprintf(path, sizeof path, "%s/t-03.bin", dir.buf);
    assert_int_equal(access(path, F_OK), 0);
    /* Another kind in the same folder is not counted against this one. */
    snprintf(path, sizeof path, "%s/u-01.bin", dir.buf);
    f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(la_cache_store(dir.buf, file.buf, "t-", ".bin", 2, part, len, 2), 0);
    assert_int_equal(count_prefix(dir.buf, "u-", NULL, 0), 1);
    /* A folder that cannot be written: an error, and nothing left. */
    snprintf(path, sizeof path, "%s/missing/t-00.bin", dir.buf);
    snprintf(other, sizeof other, "%s/missing", dir.buf);
    assert_int_equal(la_cache_store(other, path, "t-", ".bin", 2, part, len, 2), -1);
    /* No usable folder: no absolute XDG_CACHE_HOME or HOME. */
    setenv("XDG_CACHE_HOME", "relative", 1);
    {
        const char *h = getenv("HOME");
        char *hs = h ? strdup(h) : NULL;
        unsetenv("HOME");
        la_buf_reset(&dir);
        la_buf_reset(&file);
        assert_int_equal(la_cache_paths("t-", key, sizeof key, ".bin", &dir, &file), -1);
        if (hs)
            setenv("HOME", hs, 1);
        free(hs);
    }
    if (saved)
        setenv("XDG_CACHE_HOME", saved, 1);
    else
        unsetenv("XDG_CACHE_HOME");
    free(saved);
    snprintf(other, sizeof other, "rm -rf '%s'", home);
    assert_int_equal(system(other), 0);
    la_buf_release(&dir);
    la_buf_release(&file);
}

static const char *suggest(const char *word, const char *const *cands)
{
    struct la_suggest s;

    la_suggest_init(&s, word);
    for (; *cands; cands++)
        la_suggest_add(&s, *cands);
    return s.best;
}

static void suggestions(void **state)
{
    static const char *const cmds[] = { "inspect", "explain", "rules", "formats", "logs",
                                        "serve", NULL };
    static const char *const opts[] = { "format", "fail-on", "output", "tried", "data-dir",
                                        "limit", NULL };
    static const char *const steps[] = { "cable", "update-host", "port", NULL };
    char longword[LA_SUGGEST_MAX_LEN + 2];

    (void)state;
    assert_int_equal(la_edit_distance("explian", 7, "explain", 7), 1);   /* a swap is one */
    assert_int_equal(la_edit_distance("kitten", 6, "sitting", 7), 3);
    assert_int_equal(la_edit_distance("", 0, "abc", 3), 3);
    assert_int_equal(la_edit_distance("ABC", 3, "abc", 3), 0);
    assert_string_equal(suggest("explian", cmds), "explain");
    assert_string_equal(suggest("sevre", cmds), "serve");
    assert_string_equal(suggest("fromat", opts), "format");
    assert_string_equal(suggest("fail-no", opts), "fail-on");
    assert_string_equal(suggest("cabel", steps), "cable");
    assert_string_equal(suggest("update", steps), "update-host");   /* a prefix */
    assert_string_equal(suggest("Explain", cmds), "explain");       /* case only */
    assert_null(suggest("report.zip", cmds));
    assert_null(suggest("lgo", cmds));      /* two edits in a short word: too far */
    assert_string_equal(suggest("lgos", cmds), "logs");
    assert_null(suggest("", cmds));
    memset(longword, 'a', sizeof longword - 1);
    longword[sizeof longword - 1] = 0;
    assert_int_equal(la_edit_distance(longword, strlen(longword), "a", 1), LA_SUGGEST_MAX_LEN + 1);
    assert_null(suggest(longword, cmds));
}

/*
 * The numbering spaces: dialog first, ids unique and found with case ignored, the error
 * number of a space on the line (TSS status 94 is 3194), none for one off it, and the hex
 * spaces (kIOReturn, MobileDevice).
 */
static void numbering_spaces(void **state)
{
    long num = 0;

    (void)state;
    assert_string_equal(la_space_at(LA_SPACE_DIALOG)->id, "dialog");
    assert_null(la_space_at(la_space_count()));
    for (size_t i = 0; i < la_space_count(); i++) {
        const struct la_space *sp = la_space_at(i);
        assert_int_equal(la_space_find(sp->id, strlen(sp->id)), (int)i);
        assert_non_null(sp->catalogue);
        assert_true(sp->on_line || !sp->offset);
    }
    assert_int_equal(la_space_find("TSS", 3), la_space_find("tss", 3));
    assert_int_equal(la_space_find("tssx", 4), -1);
    assert_true(la_space_number((size_t)la_space_find("tss", 3), 94, &num));
    assert_int_equal(num, 3194);
    assert_false(la_space_number((size_t)la_space_find("bbu", 3), 50, &num));
    assert_false(la_space_number(la_space_count(), 1, &num));
    assert_true(la_space_at((size_t)la_space_find("kio", 3))->hex);
    assert_true(la_space_at((size_t)la_space_find("amd", 3))->hex);
    assert_false(la_space_at((size_t)la_space_find("fr", 2))->hex);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buf_cap_leaves_unchanged), cmocka_unit_test(buf_detach),
        cmocka_unit_test(alloc_failure_is_reported), cmocka_unit_test(diag_codes_unique),
        cmocka_unit_test(diag_format), cmocka_unit_test(versions), cmocka_unit_test(encodings),
        cmocka_unit_test(utf8_sanitise), cmocka_unit_test(utf8_sanitise_capped),
        cmocka_unit_test(utf8_cut),
        cmocka_unit_test(grow_doubles_and_zeroes), cmocka_unit_test(dir_list_sorted_filtered_capped),
        cmocka_unit_test(cache_paths_store_prune),
        cmocka_unit_test(suggestions),
        cmocka_unit_test(numbering_spaces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
