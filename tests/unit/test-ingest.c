/*
 * Unit tests: the line reader (chunk boundaries, CRLF, overlong lines cut between characters,
 * UTF-16, no final newline), a memory input, archive member names decoded to UTF-8.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/encoding.h"
#include "ingest/ingest.h"
#include "ingest/linereader.h"

struct chunks {
    const char *data;
    size_t len, pos, step;
};

static enum la_rc read_chunks(void *ctx, const void **buf, size_t *len)
{
    struct chunks *c = ctx;
    size_t n = c->len - c->pos;

    if (!n)
        return LA_EOF;
    if (n > c->step)
        n = c->step;
    *buf = c->data + c->pos;
    *len = n;
    c->pos += n;
    return LA_OK;
}

/* Join all lines with '|' reading in chunks of step bytes. */
static void lines(const char *data, size_t len, size_t step, unsigned max, struct la_buf *out,
                  unsigned long *trunc)
{
    struct chunks c = { data, len, 0, step };
    struct la_linereader *lr = la_linereader_new(read_chunks, &c, max);
    struct la_sv l;
    uint64_t no;

    assert_non_null(lr);
    la_buf_reset(out);
    while (la_linereader_next(lr, &l, &no) == LA_OK) {
        assert_int_equal(la_buf_add(out, l.p, l.len), LA_OK);
        assert_int_equal(la_buf_addc(out, '|'), LA_OK);
    }
    if (trunc)
        *trunc = la_linereader_truncated(lr);
    la_linereader_free(lr);
}

static void split_any_chunking(void **state)
{
    const char *d = "one\r\ntwo\n\nthree";
    struct la_buf b = LA_BUF_INIT;

    for (size_t step = 1; step < 20; step++) {
        lines(d, strlen(d), step, 0, &b, NULL);
        assert_string_equal(b.buf, "one|two||three|");
    }
    la_buf_release(&b);
}

static void overlong_truncated_and_counted(void **state)
{
    const char *d = "abcdefghij\nxy\n";
    struct la_buf b = LA_BUF_INIT;
    unsigned long t;

    lines(d, strlen(d), 3, 4, &b, &t);
    assert_string_equal(b.buf, "abcd|xy|");
    assert_int_equal(t, 1);
    la_buf_release(&b);
}

/* A line over the cap is cut between characters, wherever the blocks begin and end. */
static void overlong_cut_between_characters(void **state)
{
    /* "ab", then 设 (E8 AE BE) and 备 (E5 A4 87), then a second line */
    const char *d = "ab\xe8\xae\xbe\xe5\xa4\x87\nxy\n";
    static const struct { unsigned cap; const char *want; } c[] = {
        { 2, "ab|xy|" }, { 3, "ab|xy|" }, { 4, "ab|xy|" }, { 5, "ab\xe8\xae\xbe|xy|" },
        { 6, "ab\xe8\xae\xbe|xy|" }, { 7, "ab\xe8\xae\xbe|xy|" },
    };
    struct la_buf b = LA_BUF_INIT;
    unsigned long t;

    for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
        for (size_t step = 1; step < 10; step++) {
            lines(d, strlen(d), step, c[i].cap, &b, &t);
            assert_string_equal(b.buf, c[i].want);
            assert_int_equal(t, 1);
        }
    lines(d, strlen(d), 3, 8, &b, &t);          /* fits: whole, nothing truncated */
    assert_string_equal(b.buf, "ab\xe8\xae\xbe\xe5\xa4\x87|xy|");
    assert_int_equal(t, 0);
    la_buf_release(&b);
}

static void utf16le_with_bom(void **state)
{
    /* "hé\r\nok" in UTF-16 LE with BOM, plus a surrogate pair U+1F600. */
    const char d[] = "\xff\xfeh\0\xe9\0\r\0\n\0o\0k\0\x3d\xd8\x00\xde";
    struct la_buf b = LA_BUF_INIT;

    for (size_t step = 1; step < 8; step++) {
        lines(d, sizeof(d) - 1, step, 0, &b, NULL);
        assert_string_equal(b.buf, "h\xc3\xa9|ok\xf0\x9f\x98\x80|");
    }
    la_buf_release(&b);
}

static enum la_rc count_member(void *user, struct la_member *m)
{
    const void *p;
    size_t n;
    size_t *total = user;

    while (la_member_read(m, &p, &n) == LA_OK)
        *total += n;
    return LA_OK;
}

static void memory_input_plain(void **state)
{
    struct la_limits lim = LA_LIMITS_DEFAULT;
    size_t total = 0;
    struct la_ingest_cb cb = { count_member, NULL, &total, NULL };
    struct la_ingest_stats st;

    assert_int_equal(la_ingest_memory("x.log", "hello\nworld\n", 12, &lim, &cb, &st, NULL), LA_OK);
    assert_int_equal(total, 12);
    assert_int_equal(st.members, 1);
}

/* The caller's stop callback: it stops the input once 100 000 bytes were read, once. */
struct stop_state {
    unsigned calls;
    uint64_t last;
    unsigned diags, code;
};

static const char *stop_after(void *user, uint64_t bytes)
{
    struct stop_state *s = user;

    s->calls++;
    s->last = bytes;
    return bytes >= 100000 ? "the test's budget ran out" : NULL;
}

static enum la_rc read_all(void *user, struct la_member *m)
{
    const void *p;
    size_t n;

    (void)user;
    while (la_member_read(m, &p, &n) == LA_OK)
        ;
    return LA_OK;
}

static void keep_diag(void *user, const struct la_diag *d)
{
    struct stop_state *s = user;

    s->diags++;
    s->code = d->code;
    assert_non_null(strstr(d->msg, "the test's budget ran out"));
}

static void stop_callback_stops_input(void **state)
{
    struct la_limits lim = LA_LIMITS_DEFAULT;
    struct stop_state st = { 0, 0, 0, 0 };
    struct la_ingest_cb cb = { read_all, NULL, &st, stop_after };
    struct la_diag_sink sink = { keep_diag, &st };
    struct la_ingest_stats stats;
    size_t len = 1u << 20;
    char *big = malloc(len);

    assert_non_null(big);
    memset(big, 'x', len);
    for (size_t i = 99; i < len; i += 100)
        big[i] = '\n';
    assert_int_equal(la_ingest_memory("big.log", big, len, &lim, &cb, &stats, &sink), LA_WARN);
    /* Asked after every block; stopped at the first block past the budget, not at the end. */
    assert_true(st.calls >= 2);
    assert_true(st.last >= 100000 && st.last < 100000 + (128u << 10));
    assert_true(stats.bytes < len);
    assert_int_equal(st.diags, 1);
    assert_int_equal(st.code, LA_D_STOPPED);
    free(big);
}

#if HAVE_LIBARCHIVE
struct names {
    struct la_buf paths;           /* member paths, each followed by '|' */
    int warned;                    /* any diagnostic */
};

static enum la_rc name_member(void *user, struct la_member *m)
{
    struct names *n = user;

    assert_int_equal(la_buf_adds(&n->paths, la_member_path(m)), LA_OK);
    assert_int_equal(la_buf_addc(&n->paths, '|'), LA_OK);
    return LA_OK;
}

static void note_diag(void *user, const struct la_diag *d)
{
    (void)d;
    ((struct names *)user)->warned = 1;
}

/* Member paths of one of the fuzz seeds (tests/fuzz/corpus/ingest-memory/NAME). */
static void member_names(const char *name, struct names *n)
{
    const char *root = getenv("LA_SOURCE_ROOT");
    struct la_limits lim = LA_LIMITS_DEFAULT;
    struct la_ingest_cb cb = { name_member, NULL, n, NULL };
    struct la_diag_sink sink = { note_diag, n };
    struct la_buf path = LA_BUF_INIT, data = LA_BUF_INIT;
    char chunk[4096];
    size_t got;
    FILE *f;

    assert_non_null(root);
    assert_int_equal(la_buf_addf(&path, "%s/tests/fuzz/corpus/ingest-memory/%s", root, name),
                     LA_OK);
    f = fopen(path.buf, "rb");
    assert_non_null(f);
    while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
        assert_int_equal(la_buf_add(&data, chunk, got), LA_OK);
    fclose(f);
    memset(n, 0, sizeof(*n));
    la_buf_init(&n->paths, 0);
    assert_int_equal(la_ingest_memory(name, data.buf, data.len, &lim, &cb, NULL, &sink), LA_OK);
    la_buf_release(&data);
    la_buf_release(&path);
}

/*
 * Names come out as UTF-8, whatever this process's locale (the C locale here): zip names
 * without the UTF-8 flag are CP437, flagged ones UTF-8, and neither is "damaged" (LA103).
 */
static void archive_names_utf8(void **state)
{
    struct names n;

    member_names("cp437-names.zip", &n);
    /* "Protokoll-Gerät/résumé ½.log" and "Ünïcödé.txt" */
    assert_string_equal(n.paths.buf, "cp437-names.zip!/Protokoll-Ger\xc3\xa4t/r\xc3\xa9sum\xc3\xa9"
                                     " \xc2\xbd.log|cp437-names.zip!/\xc3\x9cn\xc3\xaf" "c\xc3\xb6"
                                     "d\xc3\xa9.txt|");
    assert_false(n.warned);
    la_buf_release(&n.paths);
    member_names("utf8-names.zip", &n);   /* "日志/恢复.log" and "Ελληνικά/ρ.txt" */
    assert_string_equal(n.paths.buf, "utf8-names.zip!/\xe6\x97\xa5\xe5\xbf\x97/\xe6\x81\xa2"
                                     "\xe5\xa4\x8d.log|utf8-names.zip!/\xce\x95\xce\xbb\xce\xbb"
                                     "\xce\xb7\xce\xbd\xce\xb9\xce\xba\xce\xac/\xcf\x81.txt|");
    assert_false(n.warned);
    la_buf_release(&n.paths);
    /* A tar has no charset: a Latin-1 name stays bytes (outputs show U+FFFD), not damage. */
    member_names("latin1-name.tar", &n);
    assert_string_equal(n.paths.buf, "latin1-name.tar!/caf\xe9.log|");
    assert_false(n.warned);
    la_buf_release(&n.paths);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(split_any_chunking), cmocka_unit_test(overlong_truncated_and_counted),
        cmocka_unit_test(overlong_cut_between_characters),
        cmocka_unit_test(utf16le_with_bom), cmocka_unit_test(memory_input_plain),
        cmocka_unit_test(stop_callback_stops_input),
#if HAVE_LIBARCHIVE
        cmocka_unit_test(archive_names_utf8),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
