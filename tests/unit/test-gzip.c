/*
 * Unit tests of gzip.c: the same bytes and the same errors whichever way a gzip stream is
 * inflated: zlib or ISA-L (when built with it), here or on the inflate thread.  Each input
 * is read as a memory input (la_ingest_memory) four ways.  The members' bytes, their paths,
 * the return code and every diagnostic must be the same on and off the thread, and between
 * the inflaters on valid streams and on trailer or header damage; on a truncated stream the
 * inflaters must tell the same damage in the same words, on a damaged deflate stream a
 * damage of the same kind (how far each decodes before it stops is its own).  Valid ones
 * must give back what was compressed.  Inputs: single and multi-member streams, a member
 * with every header field, trailing garbage, a tar.gz of several members, and damage: every
 * truncation point and a flipped byte at every offset of a small stream, CRC and length
 * mismatches, a bad method, reserved flags, a bad header CRC.
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

#include "core/buf.h"
#include "core/error.h"
#include "core/limits.h"
#include "ingest/ingest.h"

#if HAVE_LIBARCHIVE && HAVE_ZLIB
#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include "ingest/ingest-internal.h"

/* What one reading of an input gave: every member's path and bytes, diagnostics, rc. */
struct got {
    struct la_buf all;
    enum la_rc rc;
};

static enum la_rc on_member(void *user, struct la_member *m)
{
    struct got *g = user;
    const void *b;
    size_t n;
    enum la_rc rc;

    assert_int_equal(la_buf_addf(&g->all, "member %s\n", la_member_path(m)), LA_OK);
    while ((rc = la_member_read(m, &b, &n)) == LA_OK)
        assert_int_equal(la_buf_add(&g->all, b, n), LA_OK);
    assert_int_equal(la_buf_addf(&g->all, "\nend %d\n", (int)rc), LA_OK);
    return LA_OK;
}

static void on_skipped(void *user, const char *path, uint64_t bytes, const char *status)
{
    struct got *g = user;

    assert_int_equal(la_buf_addf(&g->all, "skipped %s %llu %s\n", path,
                                 (unsigned long long)bytes, status), LA_OK);
}

static void on_diag(void *user, const struct la_diag *d)
{
    struct got *g = user;

    assert_int_equal(la_diag_format(d, &g->all), LA_OK);
    assert_int_equal(la_buf_addc(&g->all, '\n'), LA_OK);
}

/* Read data as the memory input name, with zlib or not, threaded or not. */
static void read_as(struct got *g, const char *name, const void *data, size_t len, int zlib,
                    int threaded)
{
    struct la_limits lim = LA_LIMITS_DEFAULT;
    struct la_ingest_cb cb = { on_member, on_skipped, g, NULL };
    struct la_diag_sink sink = { on_diag, g };

    la_buf_init(&g->all, 0);
    la_gz_use_zlib(zlib);
    if (threaded)
        la_ingest_spare_threads(1);
    g->rc = la_ingest_memory(name, data, len, &lim, &cb, NULL, &sink);
    if (threaded) {
        /* The thread gave the core back: taking it again must work. */
        assert_true(la_ingest_take_spare());
        assert_false(la_ingest_take_spare());
    }
    la_gz_use_zlib(0);
}

/*
 * The words of every gzip damage told ("gzip data ...)"), one a line, into out; with kind,
 * only its kind ("gzip data damaged", "gzip data truncated").
 */
static void damage_words(const struct la_buf *all, struct la_buf *out, int kind)
{
    const char *p = all->buf, *end = all->buf + all->len;

    la_buf_reset(out);
    /* memmem, not strstr: inflated garbage may hold NUL bytes */
    while ((p = memmem(p, (size_t)(end - p), "gzip data ", 10)) != NULL) {
        const char *e = memchr(p, ')', (size_t)(end - p));
        const char *sp = memchr(p + 10, ' ', (size_t)(end - p - 10));
        e = e ? e + 1 : end;
        if (kind && sp && sp < e)
            e = sp;
        assert_int_equal(la_buf_add(out, p, (size_t)(e - p)), LA_OK);
        assert_int_equal(la_buf_addc(out, '\n'), LA_OK);
        p = e;
    }
}

static int has(const struct got *g, const char *s)
{
    return memmem(g->all.buf, g->all.len, s, strlen(s)) != NULL;
}

static int same(const struct got *a, const struct got *b)
{
    return a->rc == b->rc && a->all.len == b->all.len &&
           !memcmp(a->all.buf, b->all.buf, a->all.len);
}

static void differ(const char *name, size_t len, const char *what, const struct got *g,
                   const struct got *ref)
{
    size_t i = 0;

    while (i < g->all.len && i < ref->all.len && g->all.buf[i] == ref->all.buf[i])
        i++;
    fail_msg("%s (%zu bytes): %s differs at byte %zu of %zu/%zu (rc %d/%d): ...%.80s... vs "
             "...%.80s...", name, len, what, i, g->all.len, ref->all.len, (int)g->rc,
             (int)ref->rc, g->all.buf + (i > 40 ? i - 40 : 0),
             ref->all.buf + (i > 40 ? i - 40 : 0));
}

/*
 * Every way of reading data: on the inflate thread exactly as without it, for each
 * inflater; ISA-L exactly as zlib when exact > 0 (valid streams, trailer and header
 * damage), else with the same damage told in the same words (exact 0: truncated streams) or
 * of the same kind (exact < 0: a damaged deflate stream, which one inflater may find invalid
 * where the other decodes it into bytes whose CRC does not match).  Where a damaged deflate
 * stream is found, and how far a truncated one decodes, are the inflaters' own
 * (docs/internals/ingest.md).  ref gets zlib's reading.
 */
static void read_all_ways(struct got *ref, const char *name, const void *data, size_t len,
                          int exact)
{
    struct got zt, is, ist;
    struct la_buf w1 = LA_BUF_INIT, w2 = LA_BUF_INIT;

    read_as(ref, name, data, len, 1, 0);
    read_as(&zt, name, data, len, 1, 1);
    if (!same(&zt, ref))
        differ(name, len, "zlib on a thread", &zt, ref);
    la_buf_release(&zt.all);
    if (!la_gz_has_isal())
        return;
    read_as(&is, name, data, len, 0, 0);
    read_as(&ist, name, data, len, 0, 1);
    if (!same(&ist, &is))
        differ(name, len, "ISA-L on a thread", &ist, &is);
    if (exact > 0 && !same(&is, ref))
        differ(name, len, "ISA-L", &is, ref);
    damage_words(&is.all, &w1, exact < 0);
    damage_words(&ref->all, &w2, exact < 0);
    if (w1.len != w2.len || memcmp(w1.buf, w2.buf, w1.len))
        fail_msg("%s (%zu bytes): ISA-L tells '%s', zlib '%s'", name, len, w1.buf, w2.buf);
    la_buf_release(&w1);
    la_buf_release(&w2);
    la_buf_release(&is.all);
    la_buf_release(&ist.all);
}

/* Log-like lines, deterministic, n bytes. */
static void text(struct la_buf *out, size_t n, unsigned seed)
{
    static const char *const words[] = { "kernel", "restored", "usb", "error", "AMRestore",
                                         "baseband", "0x4013", "failed", "ok", "device" };

    la_buf_reset(out);
    while (out->len < n) {
        seed = seed * 1103515245u + 12345u;
        assert_int_equal(la_buf_addf(out, "Mar 14 10:%02u:%02u host %s[%u]: %s %s %u\n",
                                     (seed >> 8) % 60, (seed >> 16) % 60, words[seed % 10],
                                     (seed >> 4) % 999, words[(seed >> 12) % 10],
                                     words[(seed >> 20) % 10], seed % 100000), LA_OK);
    }
    out->len = n;
}

/* data gzipped (level 6) into out, appended; with every header field when full. */
static void gz_append(struct la_buf *out, const void *data, size_t len, int full)
{
    z_stream z;
    gz_header h;
    size_t cap = len + len / 2 + 1024;
    unsigned char *b = malloc(cap);

    assert_non_null(b);
    memset(&z, 0, sizeof(z));
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    if (full) {
        static unsigned char extra[] = "XYZW";
        memset(&h, 0, sizeof(h));
        h.extra = extra;
        h.extra_len = 4;
        h.name = (Bytef *)"name.log";
        h.comment = (Bytef *)"a comment";
        h.hcrc = 1;
        assert_int_equal(deflateSetHeader(&z, &h), Z_OK);
    }
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    z.next_out = b;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    assert_int_equal(la_buf_add(out, b, z.total_out), LA_OK);
    deflateEnd(&z);
    free(b);
}

/* A valid stream's bytes come back, the same every way. */
static void check_valid(const char *name, const struct la_buf *gz, const struct la_buf *plain)
{
    struct got g;
    struct la_buf want = LA_BUF_INIT;

    read_all_ways(&g, name, gz->buf, gz->len, 1);
    assert_int_equal(la_buf_addf(&want, "member %s\n", name), LA_OK);
    assert_int_equal(la_buf_add(&want, plain->buf, plain->len), LA_OK);
    assert_int_equal(la_buf_adds(&want, "\nend 1\n"), LA_OK);
    assert_int_equal(g.rc, LA_OK);
    assert_int_equal(g.all.len, want.len);
    assert_memory_equal(g.all.buf, want.buf, want.len);
    la_buf_release(&want);
    la_buf_release(&g.all);
}

static void valid_streams(void **state)
{
    struct la_buf plain = LA_BUF_INIT, gz = LA_BUF_INIT, two = LA_BUF_INIT;

    (void)state;
    /* Sizes around the 64 KiB blocks and the rings; one member, then two, then garbage. */
    static const size_t sizes[] = { 1, 100, 65535, 65536, 65537, 300000, 1500000 };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        text(&plain, sizes[i], (unsigned)i);
        la_buf_reset(&gz);
        gz_append(&gz, plain.buf, plain.len, i % 2);
        check_valid("x.log.gz", &gz, &plain);
        /* two members: their bytes one after the other */
        la_buf_reset(&two);
        assert_int_equal(la_buf_add(&two, plain.buf, plain.len), LA_OK);
        assert_int_equal(la_buf_add(&two, plain.buf, plain.len), LA_OK);
        gz_append(&gz, plain.buf, plain.len, !(i % 2));
        check_valid("x.log.gz", &gz, &two);
        /* trailing zeros (tape padding) and a lone 0x1f are not members */
        assert_int_equal(la_buf_add(&gz, "\0\0\0\0\0\0\0\0\0\0\0\0", 12), LA_OK);
        check_valid("x.log.gz", &gz, &two);
        gz.len -= 12;
        assert_int_equal(la_buf_addc(&gz, 0x1f), LA_OK);
        check_valid("x.log.gz", &gz, &two);
    }
    la_buf_release(&plain);
    la_buf_release(&gz);
    la_buf_release(&two);
}

/* Every truncation point of a small stream and of one that spans blocks. */
static void truncated_streams(void **state)
{
    struct la_buf plain = LA_BUF_INIT, gz = LA_BUF_INIT;
    struct got g;
    int told = 0;

    (void)state;
    text(&plain, 6000, 7);
    gz_append(&gz, plain.buf, plain.len, 1);
    gz_append(&gz, plain.buf, 3000, 0);
    for (size_t cut = 1; cut < gz.len; cut++) {
        read_all_ways(&g, "t.log.gz", gz.buf, cut, 0);
        told += has(&g, "gzip data truncated");
        la_buf_release(&g.all);
    }
    assert_true(told > 0);
    text(&plain, 400000, 8);
    la_buf_reset(&gz);
    gz_append(&gz, plain.buf, plain.len, 0);
    for (size_t cut = 7; cut < gz.len; cut += 4099) {
        read_all_ways(&g, "t.log.gz", gz.buf, cut, 0);
        assert_true(has(&g, "gzip data truncated"));
        la_buf_release(&g.all);
    }
    la_buf_release(&plain);
    la_buf_release(&gz);
}

/* A byte flipped at every offset: bytes before the damage and its words agree. */
static void corrupt_streams(void **state)
{
    struct la_buf plain = LA_BUF_INIT, gz = LA_BUF_INIT;
    struct got g;
    unsigned damaged = 0;

    (void)state;
    text(&plain, 5000, 9);
    gz_append(&gz, plain.buf, plain.len, 1);
    gz_append(&gz, plain.buf, 2000, 0);
    for (size_t at = 0; at < gz.len; at++) {
        for (unsigned x = 0x01; x <= 0x80; x <<= 3) {
            gz.buf[at] ^= (char)x;
            read_all_ways(&g, "c.log.gz", gz.buf, gz.len, -1);
            damaged += has(&g, "gzip data damaged");
            la_buf_release(&g.all);
            gz.buf[at] ^= (char)x;
        }
    }
    assert_true(damaged > gz.len);
    la_buf_release(&plain);
    la_buf_release(&gz);
}

/* The trailer's and the header's checks, word for word. */
static void checks_told(void **state)
{
    struct la_buf plain = LA_BUF_INIT, gz = LA_BUF_INIT;
    struct got g;
    static const struct {
        long at;                   /* from the start, or from the end when negative */
        unsigned char x;
        const char *want;
    } cases[] = {
        { -8, 0x01, "CRC mismatch" },
        { -5, 0x80, "CRC mismatch" },
        { -4, 0x01, "length mismatch" },
        { -1, 0x10, "length mismatch" },
        { 2, 0x01, "unknown compression method" },
        { 3, 0x20, "unknown header flags set" },
        { 3, 0x80, "unknown header flags set" },
    };

    (void)state;
    text(&plain, 100000, 10);
    gz_append(&gz, plain.buf, plain.len, 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t at = cases[i].at < 0 ? gz.len - (size_t)-cases[i].at : (size_t)cases[i].at;
        gz.buf[at] ^= (char)cases[i].x;
        read_all_ways(&g, "k.log.gz", gz.buf, gz.len, 1);
        if (!has(&g, cases[i].want))
            fail_msg("flip at %ld: want '%s' in %.300s", cases[i].at, cases[i].want,
                     g.all.buf + (g.all.len > 300 ? g.all.len - 300 : 0));
        la_buf_release(&g.all);
        gz.buf[at] ^= (char)cases[i].x;
    }
    /* The header CRC (FHCRC): its two bytes end the header of a member with every field. */
    la_buf_reset(&gz);
    gz_append(&gz, plain.buf, 1000, 1);
    for (size_t at = 10; at < gz.len; at++)
        if (!memcmp(gz.buf + at - 10, "a comment", 10)) {
            gz.buf[at] ^= 1;
            read_all_ways(&g, "h.log.gz", gz.buf, gz.len, 1);
            assert_true(has(&g, "header crc mismatch"));
            la_buf_release(&g.all);
            break;
        }
    la_buf_release(&plain);
    la_buf_release(&gz);
}

/* A tar.gz of members: whole, cut, and damaged in its deflate data and its trailer. */
static void tar_gz(void **state)
{
    struct la_buf plain = LA_BUF_INIT, gz = LA_BUF_INIT;
    size_t cap = 8u << 20, used = 0;
    char *tar = malloc(cap);
    struct archive *a = archive_write_new();
    struct got g;

    (void)state;
    assert_non_null(tar);
    assert_int_equal(archive_write_set_format_ustar(a), ARCHIVE_OK);
    assert_int_equal(archive_write_open_memory(a, tar, cap, &used), ARCHIVE_OK);
    for (unsigned i = 0; i < 5; i++) {
        struct archive_entry *ae = archive_entry_new();
        char name[32];
        snprintf(name, sizeof(name), "logs/m%u.log", i);
        text(&plain, 70000u * (i + 1), 20 + i);
        archive_entry_set_pathname(ae, name);
        archive_entry_set_filetype(ae, AE_IFREG);
        archive_entry_set_perm(ae, 0644);
        archive_entry_set_size(ae, (la_int64_t)plain.len);
        assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
        assert_int_equal(archive_write_data(a, plain.buf, plain.len), (la_ssize_t)plain.len);
        archive_entry_free(ae);
    }
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    gz_append(&gz, tar, used, 0);
    read_all_ways(&g, "s.tar.gz", gz.buf, gz.len, 1);
    assert_int_equal(g.rc, LA_OK);
    assert_true(has(&g, "member s.tar.gz!/logs/m4.log"));
    la_buf_release(&g.all);
    for (size_t at = 5; at < gz.len; at += gz.len / 37) {
        read_all_ways(&g, "s.tar.gz", gz.buf, at, 0);
        la_buf_release(&g.all);
        gz.buf[at] ^= 0x10;
        read_all_ways(&g, "s.tar.gz", gz.buf, gz.len, -1);
        la_buf_release(&g.all);
        gz.buf[at] ^= 0x10;
    }
    gz.buf[gz.len - 6] ^= 0x10;
    read_all_ways(&g, "s.tar.gz", gz.buf, gz.len, 1);
    assert_true(has(&g, "CRC mismatch"));
    la_buf_release(&g.all);
    free(tar);
    la_buf_release(&plain);
    la_buf_release(&gz);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_streams),
        cmocka_unit_test(truncated_streams),
        cmocka_unit_test(corrupt_streams),
        cmocka_unit_test(checks_told),
        cmocka_unit_test(tar_gz),
    };

    if (!la_gz_has_isal())
        fprintf(stderr, "built without ISA-L: zlib here and on the inflate thread only\n");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
int main(void)
{
    fprintf(stderr, "built without libarchive or zlib: no gzip.c to test\n");
    return 77;
}
#endif
