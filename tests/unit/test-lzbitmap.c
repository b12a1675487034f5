/* Unit tests: the LZBITMAP decoder (src/tracev3/lzbitmap.c) on libzbitmap's vectors (made with
 * Apple's compressor) and on tracev3 files recompressed by tests/tools/lzbitmap.py, and on
 * hostile streams: truncated, lying sizes, a decompression bomb, damage at every byte. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tracev3/lzbitmap.h"
#include "tracev3/tracev3.h"

static uint8_t *slurp(const char *rel, size_t *len)
{
    const char *root = getenv("LA_SOURCE_ROOT");
    char path[4096];

    snprintf(path, sizeof path, "%s/tests/tracev3/%s", root ? root : LA_SOURCE_ROOT, rel);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint8_t *buf = malloc(1 << 20);
    assert_non_null(buf);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

/* Decode src whole: LA_OK with *out (malloc'd) and *out_len, or the failure. */
static enum la_rc decode(const uint8_t *src, size_t n, size_t cap, uint8_t **out, size_t *out_len,
                         const char **why)
{
    size_t in = 0;

    *out = NULL;
    *why = NULL;
    enum la_rc rc = la_lzbm_size(src, n, cap, out_len, &in, why);
    if (rc != LA_OK)
        return rc;
    assert_true(in <= n);
    *out = malloc(*out_len ? *out_len : 1);
    assert_non_null(*out);
    rc = la_lzbm_decode(src, in, *out, *out_len, why);
    if (rc != LA_OK) {
        free(*out);
        *out = NULL;
    }
    return rc;
}

static void check_vector(const char *name, const uint8_t *want, size_t want_len)
{
    char rel[256];
    size_t n, got_len;
    uint8_t *got;
    const char *why;

    snprintf(rel, sizeof rel, "lzbitmap/libzbitmap/%s-compressed", name);
    uint8_t *c = slurp(rel, &n);
    enum la_rc rc = decode(c, n, 1u << 24, &got, &got_len, &why);
    if (rc != LA_OK)
        fail_msg("%s: %s", name, why);
    assert_int_equal(got_len, want_len);
    assert_memory_equal(got, want, want_len);
    free(got);
    free(c);
}

/* libzbitmap's vectors: stored chunks, repeat counts, table entries, 1- and 2-byte distances,
 * a second chunk referring back into the first. */
static void apple_vectors(void **state)
{
    static const char *const plain[] = { "001", "002", "004", "005", "011" };
    char rel[256];
    size_t n;

    (void)state;
    for (size_t i = 0; i < sizeof plain / sizeof *plain; i++) {
        snprintf(rel, sizeof rel, "lzbitmap/libzbitmap/%s-original", plain[i]);
        uint8_t *o = slurp(rel, &n);
        check_vector(plain[i], o, n);
        free(o);
    }
    uint8_t *big = calloc(1, 32968);
    assert_non_null(big);
    uint8_t *tail = slurp("lzbitmap/libzbitmap/015-original-tail", &n);
    assert_int_equal(n, 30);
    memcpy(big + 32768, tail, 30);
    check_vector("015", big, 32798);
    for (size_t i = 0; i < 32968; i++)
        big[i] = (uint8_t)(i % 16 == 15 ? '\n' : "0123456789abcde"[i % 16]);
    check_vector("016", big, 32968);
    free(tail);
    free(big);
}

static int has(const uint8_t *d, size_t n, const char *s)
{
    size_t k = strlen(s);

    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(d + i, s, k))
            return 1;
    return 0;
}

/* Entries as lines, for comparing a file's LZ4 and LZBITMAP forms. */
struct lines {
    size_t n;
    char (*line)[600];
};

static enum la_rc keep(void *user, const struct la_tv3_entry *e)
{
    struct lines *l = user;

    if (l->n < 2000)
        snprintf(l->line[l->n], sizeof l->line[0], "%lld %.*s %ld %.*s:%.*s %.*s",
                 (long long)e->time_ns, (int)e->process.len, e->process.p, e->pid,
                 (int)e->subsystem.len, e->subsystem.p, (int)e->category.len, e->category.p,
                 (int)e->message.len, e->message.p);
    l->n++;
    return LA_OK;
}

static enum la_rc read_file(const uint8_t *d, size_t n, struct lines *l, struct la_tv3_stats *st,
                            char *err, size_t errcap)
{
    struct la_tv3_reader *r = la_tv3_reader_new(NULL, keep, l);

    assert_non_null(r);
    l->n = 0;
    enum la_rc rc = la_tv3_reader_feed(r, d, n);
    if (rc == LA_OK)
        rc = la_tv3_reader_finish(r);
    *st = *la_tv3_reader_stats(r);
    const char *e = la_tv3_reader_error(r), *u = la_tv3_reader_unsupported(r);
    snprintf(err, errcap, "%s|%s", e ? e : "", u ? u : "");
    la_tv3_reader_free(r);
    return rc;
}

static struct lines lines_new(void)
{
    struct lines l = { 0, calloc(2000, sizeof *l.line) };

    assert_non_null(l.line);
    return l;
}

/* The same entries from a chunkset whether LZ4 or LZBITMAP (flags 0x0c and 0x09). */
static void tracev3_files(void **state)
{
    static const char *const zbm[] = { "lzbitmap/0000000000000030-zbm0c.tracev3",
                                       "lzbitmap/0000000000000030-zbm09.tracev3" };
    struct lines a = lines_new(), b = lines_new();
    struct la_tv3_stats sa, sb;
    char err[256];
    size_t n;

    (void)state;
    uint8_t *lz4 = slurp("data/0000000000000030.tracev3", &n);
    assert_int_equal(read_file(lz4, n, &a, &sa, err, sizeof err), LA_OK);
    assert_int_equal(a.n, 5);
    free(lz4);
    for (size_t k = 0; k < 2; k++) {
        uint8_t *z = slurp(zbm[k], &n);
        assert_true(has(z, n, k ? "ZBM\x09" : "ZBM\x0c") && !has(z, n, "bv41"));
        assert_int_equal(read_file(z, n, &b, &sb, err, sizeof err), LA_OK);
        assert_int_equal(b.n, a.n);
        for (size_t i = 0; i < a.n; i++)
            assert_string_equal(b.line[i], a.line[i]);
        assert_int_equal(sb.damaged, 0);
        assert_int_equal(sb.unsupported, 0);
        assert_int_equal(sb.decompressed, sa.decompressed);
        free(z);
    }
    /* iPadOS: two chunksets of about 60 KB each, many 16 KiB chunks referring back. */
    lz4 = slurp("data/0000000000000f85-head.tracev3", &n);
    assert_int_equal(read_file(lz4, n, &a, &sa, err, sizeof err), LA_OK);
    free(lz4);
    uint8_t *z = slurp("lzbitmap/0000000000000f85-head2-zbm0c.tracev3", &n);
    assert_int_equal(read_file(z, n, &b, &sb, err, sizeof err), LA_OK);
    assert_int_equal(sb.chunksets, 2);
    assert_int_equal(sb.damaged, 0);
    assert_true(b.n > 100 && b.n < a.n);
    for (size_t i = 0; i < b.n; i++)
        assert_string_equal(b.line[i], a.line[i]);
    free(z);
    free(a.line);
    free(b.line);
}

/* Every cut of a stream fails cleanly; every single-byte change decodes or fails cleanly. */
static void truncated_and_damaged(void **state)
{
    static const char *const names[] = { "libzbitmap/002-compressed",
                                         "libzbitmap/011-compressed",
                                         "libzbitmap/015-compressed",
                                         "libzbitmap/016-compressed" };
    char rel[256];
    size_t n, len;
    uint8_t *out;
    const char *why;

    (void)state;
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        snprintf(rel, sizeof rel, "lzbitmap/%s", names[k]);
        uint8_t *c = slurp(rel, &n);
        for (size_t cut = 0; cut < n; cut++) {
            uint8_t *p = malloc(cut ? cut : 1);   /* exactly cut bytes: ASan sees overreads */
            memcpy(p, c, cut);
            assert_int_equal(decode(p, cut, 1u << 24, &out, &len, &why), LA_FAILED);
            assert_non_null(why);
            free(p);
        }
        uint8_t *p = malloc(n);
        for (size_t i = 0; i < n; i++) {
            for (int v = 0; v < 256; v += 51) {
                memcpy(p, c, n);
                p[i] = (uint8_t)(p[i] ^ (v | 1));
                enum la_rc rc = decode(p, n, 1u << 24, &out, &len, &why);
                assert_true(rc == LA_OK || rc == LA_FAILED);
                if (rc == LA_FAILED)
                    assert_non_null(why);
                free(out);
            }
        }
        free(p);
        free(c);
    }
}

/* Sizes that lie, unknown flags, a bomb past the cap, a zero-length chunk (no loop). */
static void lying_sizes(void **state)
{
    size_t n, len;
    uint8_t *out;
    const char *why;

    (void)state;
    uint8_t *c = slurp("lzbitmap/libzbitmap/015-compressed", &n);   /* 32768 + 30 bytes */
    assert_int_equal(n, 224);

    /* The cap: the stream is 32798 bytes; a cap of 32797 refuses it before any decoding. */
    assert_int_equal(decode(c, n, 32797, &out, &len, &why), LA_FAILED);
    assert_non_null(strstr(why, "cap"));

    /* A bomb: the 178-byte chunk of 32 KiB of zeros, 600 times (19.7 MB), then the end. */
    size_t bn = 4 + 600 * 178 + 6;
    uint8_t *bomb = malloc(bn);
    memcpy(bomb, "ZBM\x09", 4);
    for (size_t i = 0; i < 600; i++)
        memcpy(bomb + 4 + i * 178, c + 4, 178);
    memcpy(bomb + 4 + 600 * 178, "\x06\0\0\0\0\0", 6);
    assert_int_equal(decode(bomb, bn, LA_TV3_MAX_CHUNKSET, &out, &len, &why), LA_FAILED);
    assert_non_null(strstr(why, "cap"));
    assert_int_equal(decode(bomb, bn, 1u << 25, &out, &len, &why), LA_OK);   /* it is valid */
    assert_int_equal(len, 600 * 32768);
    free(out);
    free(bomb);

    uint8_t p[224];
    /* A chunk claiming more decompressed bytes than a chunk may hold. */
    memcpy(p, c, n);
    p[4 + 3] = 0x01, p[4 + 4] = 0x80;                          /* 32769 */
    assert_int_equal(decode(p, n, 1u << 24, &out, &len, &why), LA_FAILED);
    /* Chunk length past the input, and under its own header (0: no endless loop). */
    memcpy(p, c, n);
    p[4] = 0xff, p[5] = 0xff;
    assert_int_equal(decode(p, n, 1u << 24, &out, &len, &why), LA_FAILED);
    memcpy(p, c, n);
    p[4] = p[5] = p[6] = 0;
    assert_int_equal(decode(p, n, 1u << 24, &out, &len, &why), LA_FAILED);
    /* Offsets out of order. */
    memcpy(p, c, n);
    p[4 + 6] = 0xff;
    assert_int_equal(decode(p, n, 1u << 24, &out, &len, &why), LA_FAILED);
    /* No end marker. */
    assert_int_equal(decode(c, n - 6, 1u << 24, &out, &len, &why), LA_FAILED);
    assert_non_null(strstr(why, "end marker"));
    /* Flags: 0x09 and 0x0c are known, 0x29 is not. */
    memcpy(p, c, n);
    p[3] = 0x29;
    assert_false(la_lzbm_supported(p, n));
    assert_int_equal(decode(p, n, 1u << 24, &out, &len, &why), LA_FAILED);
    assert_true(la_lzbm_supported("ZBM\x0c", 4) && la_lzbm_supported("ZBM\x09", 4));
    assert_false(la_lzbm_is("ZB", 2));
    free(c);
}

/* In a member: a damaged LZBITMAP chunkset is lost alone; unknown flags or an unknown marker
 * count as unsupported compression, named in the member's error. */
static void in_a_member(void **state)
{
    struct lines l = lines_new();
    struct la_tv3_stats st;
    char err[256];
    size_t n;

    (void)state;
    uint8_t *z = slurp("lzbitmap/0000000000000f85-head2-zbm0c.tracev3", &n);
    uint8_t *p = malloc(n);
    /* The first chunkset follows the header and catalog chunks: find its "ZBM". */
    size_t at = 0;
    for (size_t i = 0; i + 4 < n; i++)
        if (!memcmp(z + i, "ZBM\x0c", 4)) {
            at = i;
            break;
        }
    assert_true(at > 16);

    memcpy(p, z, n);
    p[at + 4 + 6] = 0xff;                    /* its first chunk's offsets out of order */
    assert_int_equal(read_file(p, n, &l, &st, err, sizeof err), LA_OK);
    assert_int_equal(st.chunksets, 2);
    assert_int_equal(st.damaged, 1);
    assert_true(l.n > 10);                   /* the second chunkset's entries */
    assert_non_null(strstr(err, "LZBITMAP"));

    memcpy(p, z, n);
    p[at + 3] = 0x0e;                        /* flags of an unknown kind */
    assert_int_equal(read_file(p, n, &l, &st, err, sizeof err), LA_OK);
    assert_int_equal(st.unsupported, 1);
    assert_int_equal(st.damaged, 0);
    assert_non_null(strstr(err, "unsupported compression (LZBITMAP"));

    memcpy(p, z, n);
    memcpy(p + at, "\x01\x07\0\0", 4);       /* a marker of no compression known */
    assert_int_equal(read_file(p, n, &l, &st, err, sizeof err), LA_OK);
    assert_int_equal(st.unsupported, 1);
    assert_non_null(strstr(err, "unsupported compression (chunkset marker 0x00000701)"));
    free(p);
    free(z);
    free(l.line);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(apple_vectors),         cmocka_unit_test(tracev3_files),
        cmocka_unit_test(truncated_and_damaged), cmocka_unit_test(lying_sizes),
        cmocka_unit_test(in_a_member),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
