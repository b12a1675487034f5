/*
 * Unit tests: the line reader (chunk boundaries, CRLF, overlong lines cut between characters,
 * UTF-16, no final newline), a memory input, archive member names decoded to UTF-8, and
 * archives made here with libarchive and zlib: gzip trailers checked, gzip in gzip as
 * nesting, every entry against the member cap and every unpacked byte against the bytes cap,
 * the warning of a stop, entries that are not regular files.
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
#if HAVE_LIBARCHIVE
#include <archive.h>
#include <archive_entry.h>
#endif
#if HAVE_ZLIB
#include <zlib.h>
#endif

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

    /* Every chunking: a line whole inside one block is handed out as a view of it, and the
     * cap must hold there too; a line of exactly the cap is not cut. */
    for (size_t step = 1; step < 20; step++) {
        lines(d, strlen(d), step, 4, &b, &t);
        assert_string_equal(b.buf, "abcd|xy|");
        assert_int_equal(t, 1);
        lines("abcd\nabcde\nab", 13, step, 4, &b, &t);
        assert_string_equal(b.buf, "abcd|abcd|ab|");
        assert_int_equal(t, 1);
    }
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

#if HAVE_LIBARCHIVE && HAVE_ZLIB
/* ------------------------------------------------------------ archives made here */

/* What one la_ingest_memory() call did: diagnostics, members read, members skipped. */
struct seen {
    struct la_buf diags;           /* "LA104 path: message\n" … */
    struct la_buf members;         /* "path depth bytes rc\n" … */
    struct la_buf skipped;         /* "path status\n" … */
};

static void seen_diag(void *user, const struct la_diag *d)
{
    struct seen *s = user;

    assert_int_equal(la_buf_addf(&s->diags, "LA%u %s: %s\n", d->code, d->file ? d->file : "-",
                                 d->msg), LA_OK);
}

static enum la_rc seen_member(void *user, struct la_member *m)
{
    struct seen *s = user;
    const void *p;
    size_t n;
    uint64_t total = 0;
    enum la_rc rc;

    while ((rc = la_member_read(m, &p, &n)) == LA_OK)
        total += n;
    assert_int_equal(la_buf_addf(&s->members, "%s %u %llu %s\n", la_member_path(m),
                                 la_member_depth(m), (unsigned long long)total,
                                 rc == LA_EOF ? "eof" : la_member_stopped(m) ? "stopped"
                                                                             : "failed"),
                     LA_OK);
    return LA_OK;
}

static void seen_skipped(void *user, const char *path, uint64_t bytes, const char *status)
{
    struct seen *s = user;

    (void)bytes;
    assert_int_equal(la_buf_addf(&s->skipped, "%s %s\n", path, status), LA_OK);
}

static enum la_rc ingest(const char *name, const void *data, size_t len,
                         const struct la_limits *lim, struct seen *s,
                         struct la_ingest_stats *st)
{
    struct la_ingest_cb cb = { seen_member, seen_skipped, s, NULL };
    struct la_diag_sink sink = { seen_diag, s };

    la_buf_init(&s->diags, 0);
    la_buf_init(&s->members, 0);
    la_buf_init(&s->skipped, 0);
    return la_ingest_memory(name, data, len, lim, &cb, st, &sink);
}

static void seen_release(struct seen *s)
{
    la_buf_release(&s->diags);
    la_buf_release(&s->members);
    la_buf_release(&s->skipped);
}

/* data gzipped into out (replaced). */
static void gzip_into(struct la_buf *out, const void *data, size_t len)
{
    z_stream z;
    struct la_buf g = LA_BUF_INIT;

    memset(&z, 0, sizeof(z));
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    assert_int_equal(la_buf_grow(&g, deflateBound(&z, (uLong)len)), LA_OK);
    z.next_in = (Bytef *)(uintptr_t)data;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)g.buf;
    z.avail_out = (uInt)(g.alloc - 1);
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    g.len = z.total_out;
    deflateEnd(&z);
    la_buf_reset(out);
    assert_int_equal(la_buf_add(out, g.buf, g.len), LA_OK);
    la_buf_release(&g);
}

struct tar_entry {
    const char *name;
    unsigned type;                 /* AE_IF* */
    size_t size;                   /* bytes of 'x' */
};

/* A ustar archive of entries, gzipped when gz, into out. */
static void make_tar(struct la_buf *out, const struct tar_entry *e, size_t n, int gz)
{
    size_t cap = 4u << 20, used = 0;
    char *buf = malloc(cap), *x = malloc(1u << 20);
    struct archive *a = archive_write_new();

    assert_non_null(buf);
    assert_non_null(x);
    memset(x, 'x', 1u << 20);
    assert_int_equal(archive_write_set_format_ustar(a), ARCHIVE_OK);
    assert_int_equal(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *ae = archive_entry_new();
        archive_entry_set_pathname(ae, e[i].name);
        archive_entry_set_filetype(ae, e[i].type);
        archive_entry_set_perm(ae, 0644);
        archive_entry_set_size(ae, e[i].type == AE_IFREG ? (la_int64_t)e[i].size : 0);
        assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
        if (e[i].type == AE_IFREG)
            assert_int_equal(archive_write_data(a, x, e[i].size), (la_ssize_t)e[i].size);
        archive_entry_free(ae);
    }
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    if (gz) {
        gzip_into(out, buf, used);
    } else {
        la_buf_reset(out);
        assert_int_equal(la_buf_add(out, buf, used), LA_OK);
    }
    free(buf);
    free(x);
}

static const char log_text[] = "[18:09:01.7655] Restore completed, status: 4013\n";

/* A gzip whose CRC or length does not match its trailer: its bytes, then damage. */
static void gzip_trailer_checked(void **state)
{
    struct la_limits lim = LA_LIMITS_DEFAULT;
    struct la_buf g = LA_BUF_INIT;
    struct seen s;

    (void)state;
    for (int field = 0; field < 2; field++) {
        gzip_into(&g, log_text, sizeof(log_text) - 1);
        g.buf[g.len - 8 + 4 * field] ^= 0x01;     /* CRC-32, then ISIZE */
        assert_int_equal(ingest("x.log.gz", g.buf, g.len, &lim, &s, NULL), LA_WARN);
        assert_string_equal(s.members.buf, "x.log.gz 1 48 failed\n");
        assert_non_null(strstr(s.diags.buf, field ? "LA104 x.log.gz: damaged member: gzip data "
                                                    "damaged (length mismatch"
                                                  : "LA104 x.log.gz: damaged member: gzip data "
                                                    "damaged (CRC mismatch"));
        seen_release(&s);
    }
    la_buf_release(&g);
}

/* Members one after another, then padding that is not one: all read, nothing said. */
static void gzip_members_then_padding(void **state)
{
    struct la_limits lim = LA_LIMITS_DEFAULT;
    struct la_buf g = LA_BUF_INIT, all = LA_BUF_INIT;
    struct seen s;

    (void)state;
    gzip_into(&g, log_text, sizeof(log_text) - 1);
    assert_int_equal(la_buf_add(&all, g.buf, g.len), LA_OK);
    assert_int_equal(la_buf_add(&all, g.buf, g.len), LA_OK);
    assert_int_equal(la_buf_add(&all, "\0\0\0\0\0\0\0\0\0\0\0\0", 12), LA_OK);
    assert_int_equal(ingest("x.log.gz", all.buf, all.len, &lim, &s, NULL), LA_OK);
    assert_string_equal(s.members.buf, "x.log.gz 1 96 eof\n");
    assert_string_equal(s.diags.buf, "");
    seen_release(&s);
    /* Cut after the second member's header: the first one's bytes, then damage. */
    assert_int_equal(ingest("x.log.gz", all.buf, g.len + 10, &lim, &s, NULL), LA_WARN);
    assert_string_equal(s.members.buf, "x.log.gz 1 48 failed\n");
    assert_non_null(strstr(s.diags.buf, "gzip data truncated"));
    seen_release(&s);
    la_buf_release(&g);
    la_buf_release(&all);
}

/* gzip in gzip: each is a level, so the depth cap sees the stack. */
static void gzip_in_gzip_is_nesting(void **state)
{
    struct la_limits lim = LA_LIMITS_DEFAULT;
    struct la_buf g = LA_BUF_INIT, t = LA_BUF_INIT;
    struct seen s;

    (void)state;
    assert_int_equal(la_buf_add(&g, log_text, sizeof(log_text) - 1), LA_OK);
    for (int i = 0; i < 6; i++) {
        gzip_into(&t, g.buf, g.len);
        la_buf_reset(&g);
        assert_int_equal(la_buf_add(&g, t.buf, t.len), LA_OK);
    }
    assert_int_equal(ingest("x.log.gz", g.buf, g.len, &lim, &s, NULL), LA_WARN);
    assert_string_equal(s.members.buf, "");
    assert_string_equal(s.skipped.buf, "x.log.gz skipped: nesting deeper than the limit\n");
    assert_non_null(strstr(s.diags.buf, "LA105 x.log.gz: "));
    seen_release(&s);
    lim.max_depth = 6;
    assert_int_equal(ingest("x.log.gz", g.buf, g.len, &lim, &s, NULL), LA_OK);
    assert_string_equal(s.members.buf, "x.log.gz 6 48 eof\n");
    seen_release(&s);
    la_buf_release(&g);
    la_buf_release(&t);
}

/* Skipped entries count against the member cap; the stop names its member and what is left. */
static void member_cap_counts_skipped(void **state)
{
    static const struct tar_entry e[] = {
        { "._a", AE_IFREG, 10 }, { "d", AE_IFDIR, 0 }, { "._b", AE_IFREG, 10 },
        { "x.log", AE_IFREG, 10 },
    };
    struct la_limits lim = LA_LIMITS_DEFAULT;
    struct la_ingest_stats st;
    struct la_buf t = LA_BUF_INIT;
    struct seen s;

    (void)state;
    make_tar(&t, e, 4, 0);
    lim.max_members = 3;
    assert_int_equal(ingest("m.tar", t.buf, t.len, &lim, &s, &st), LA_WARN);
    assert_string_equal(s.members.buf, "");
    assert_string_equal(s.skipped.buf, "m.tar!/._a skipped: AppleDouble metadata\n"
                                       "m.tar!/._b skipped: AppleDouble metadata\n");
    assert_string_equal(s.diags.buf,
                        "LA106 m.tar!/x.log: more than 3 members (every entry counts, skipped "
                        "ones too; raise with --limit members=N); stopped at this one; not "
                        "read: this member, the rest of m.tar\n");
    assert_int_equal(st.entries, 4);
    assert_int_equal(st.members, 0);
    seen_release(&s);
    la_buf_release(&t);
}

/* A skipped entry's bytes are unpacked too (a .tar.gz inflates them): the bytes cap sees them. */
static void bytes_cap_counts_skipped(void **state)
{
    static const struct tar_entry e[] = { { "._big", AE_IFREG, 1u << 20 },
                                          { "x.log", AE_IFREG, 10 } };
    struct la_limits lim = LA_LIMITS_DEFAULT;
    struct la_ingest_stats st;
    struct la_buf t = LA_BUF_INIT;
    struct seen s;

    (void)state;
    make_tar(&t, e, 2, 1);
    assert_int_equal(ingest("m.tar.gz", t.buf, t.len, &lim, &s, &st), LA_OK);
    assert_string_equal(s.members.buf, "m.tar.gz!/x.log 1 10 eof\n");
    assert_true(st.unpacked > 1u << 20);
    seen_release(&s);
    lim.max_bytes = 256u << 10;
    assert_int_equal(ingest("m.tar.gz", t.buf, t.len, &lim, &s, &st), LA_WARN);
    assert_string_equal(s.members.buf, "");
    assert_non_null(strstr(s.diags.buf, "LA107 m.tar.gz!/._big: input decompresses to more than "
                                        "262144 bytes"));
    assert_non_null(strstr(s.diags.buf, "not read: the rest of m.tar.gz\n"));
    seen_release(&s);
    la_buf_release(&t);
}

/* Entries that are not regular files are listed with their kind, never dropped. */
static void special_entries_listed(void **state)
{
    static const struct tar_entry e[] = {
        { "ff", AE_IFIFO, 0 }, { "dev", AE_IFCHR, 0 }, { "dir", AE_IFDIR, 0 },
        { "x.log", AE_IFREG, 10 },
    };
    struct la_limits lim = LA_LIMITS_DEFAULT;
    struct la_buf t = LA_BUF_INIT;
    struct seen s;

    (void)state;
    make_tar(&t, e, 4, 0);
    assert_int_equal(ingest("m.tar", t.buf, t.len, &lim, &s, NULL), LA_WARN);
    assert_string_equal(s.members.buf, "m.tar!/x.log 1 10 eof\n");
    assert_string_equal(s.skipped.buf, "m.tar!/ff skipped: not a regular file (fifo)\n"
                                       "m.tar!/dev skipped: not a regular file (character "
                                       "device)\n");
    assert_non_null(strstr(s.diags.buf, "LA113 m.tar!/ff: not a regular file (fifo)"));
    seen_release(&s);
    la_buf_release(&t);
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
#if HAVE_LIBARCHIVE && HAVE_ZLIB
        cmocka_unit_test(gzip_trailer_checked), cmocka_unit_test(gzip_members_then_padding),
        cmocka_unit_test(gzip_in_gzip_is_nesting), cmocka_unit_test(member_cap_counts_skipped),
        cmocka_unit_test(bytes_cap_counts_skipped), cmocka_unit_test(special_entries_listed),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
