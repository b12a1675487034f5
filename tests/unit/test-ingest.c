/* Unit tests: the line reader (chunk boundaries, CRLF, overlong lines, UTF-16, no final newline). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(split_any_chunking), cmocka_unit_test(overlong_truncated_and_counted),
        cmocka_unit_test(utf16le_with_bom), cmocka_unit_test(memory_input_plain),
        cmocka_unit_test(stop_callback_stops_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
