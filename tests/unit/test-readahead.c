/*
 * Unit tests: scanning ahead (ingest/readahead.c, gzip.c's inflate thread,
 * la_member_scan_ahead / la_member_scanned), with a scan that only records what it saw.
 *
 *   - a plain file over LA_RA_MIN_BYTES with a spare core is read ahead: the member's bytes
 *     are the file's, in order; blocks come scanned, and each scanned block holds the
 *     bytes the scan saw (unchanged since); the core is given back; every state is freed;
 *   - without a spare core, or for a small file, nothing is scanned ahead, same bytes;
 *   - a .gz of the file: its blocks come scanned from the inflate thread, same bytes.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/limits.h"
#include "ingest/ingest.h"
#include "ingest/ingest-internal.h"

/* What one scan saw. */
struct seen {
    const void *buf;
    size_t len;
    uint64_t sum;
};

struct run {
    struct la_block_scan sc;
    int states;                    /* made and not freed (the caller's thread only) */
    struct la_buf bytes;           /* the member's bytes, as read */
    unsigned long scanned, plain;  /* blocks handed out with a scan state, without */
};

static uint64_t fnv(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 1469598103934665603u;

    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 1099511628211u;
    return h;
}

static void *st_new(void *user)
{
    struct run *r = user;

    r->states++;
    return calloc(1, sizeof(struct seen));
}

static void st_free(void *user, void *state)
{
    struct run *r = user;

    r->states--;
    free(state);
}

static void st_scan(void *user, void *state, const void *buf, size_t len)
{
    struct seen *s = state;

    (void)user;
    s->buf = buf;
    s->len = len;
    s->sum = fnv(buf, len);
}

static enum la_rc on_member(void *user, struct la_member *m)
{
    struct run *r = user;
    const void *b;
    size_t n;
    enum la_rc rc;

    la_member_scan_ahead(m, &r->sc);
    while ((rc = la_member_read(m, &b, &n)) == LA_OK) {
        const struct seen *s = la_member_scanned(m, b, n);
        assert_int_equal(la_buf_add(&r->bytes, b, n), LA_OK);
        if (s) {
            /* The block handed out lies in the one scanned, which is as the scan saw it. */
            assert_true((const char *)b >= (const char *)s->buf);
            assert_true((const char *)b + n <= (const char *)s->buf + s->len);
            assert_true(fnv(s->buf, s->len) == s->sum);
            r->scanned++;
        } else {
            r->plain++;
        }
        usleep(500);               /* slower than the thread: it runs ahead and scans */
    }
    assert_int_equal(rc, LA_EOF);
    return LA_OK;
}

static char dir[64];
static struct la_buf text;

static void path_of(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static void write_file(const char *name, const void *data, size_t len)
{
    char p[128];
    FILE *f;

    path_of(p, sizeof(p), name);
    f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
    char cmd[256];

    (void)state;
    snprintf(dir, sizeof(dir), "%s", "/tmp/la-test-readahead-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    la_buf_init(&text, 0);
    for (unsigned i = 0; text.len < 3u * LA_RA_MIN_BYTES; i++)
        if (la_buf_addf(&text, "line %07u of the read-ahead test, error %u\n", i, i % 97) !=
            LA_OK)
            return -1;
    write_file("big.log", text.buf, text.len);
    write_file("small.log", text.buf, LA_RA_MIN_BYTES / 4);
    snprintf(cmd, sizeof(cmd), "gzip -c '%s/big.log' > '%s/big.log.gz'", dir, dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    la_buf_release(&text);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Read name with spare cores; its bytes must be want[0..want_len). */
static void read_file(struct run *r, const char *name, int spare, const char *want,
                      size_t want_len)
{
    struct la_limits lim = LA_LIMITS_DEFAULT;
    struct la_ingest_cb cb = { on_member, NULL, r, NULL };
    char p[128];

    memset(r, 0, sizeof(*r));
    r->sc = (struct la_block_scan){ st_new, st_free, st_scan, r };
    la_buf_init(&r->bytes, 0);
    path_of(p, sizeof(p), name);
    if (spare)
        la_ingest_spare_threads(spare);
    assert_int_equal(la_ingest_path(p, &lim, &cb, NULL, NULL), LA_OK);
    if (spare) {
        /* The thread gave the core back. */
        assert_true(la_ingest_take_spare());
        assert_false(la_ingest_take_spare());
    }
    assert_int_equal(r->states, 0);
    assert_int_equal(r->bytes.len, want_len);
    assert_memory_equal(r->bytes.buf, want, want_len);
    la_buf_release(&r->bytes);
}

static void plain(void **state)
{
    struct run r;

    (void)state;
    read_file(&r, "big.log", 1, text.buf, text.len);
    assert_true(r.scanned > 0);
    assert_true(r.scanned + r.plain >= text.len / LA_INGEST_BLOCK);
    /* No spare core: read here, nothing scanned ahead. */
    read_file(&r, "big.log", 0, text.buf, text.len);
    assert_int_equal(r.scanned, 0);
    /* A small file is not worth a thread. */
    read_file(&r, "small.log", 1, text.buf, LA_RA_MIN_BYTES / 4);
    assert_int_equal(r.scanned, 0);
}

static void gzipped(void **state)
{
    struct run r;

    (void)state;
#if HAVE_LIBARCHIVE && HAVE_ZLIB
    read_file(&r, "big.log.gz", 1, text.buf, text.len);
    assert_true(r.scanned > 0);
    read_file(&r, "big.log.gz", 0, text.buf, text.len);
    assert_int_equal(r.scanned, 0);
#else
    skip();
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain),
        cmocka_unit_test(gzipped),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
