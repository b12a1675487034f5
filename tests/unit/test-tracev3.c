/* Unit tests: the tracev3 reader on real files (tests/tracev3/data, from libyal/dtformats),
 * the strings files, timesync, message rendering and damaged input. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "tracev3/tracev3-internal.h"
#include "tracev3/tracev3.h"

static char *slurp(const char *rel, size_t *len)
{
    const char *root = getenv("LA_SOURCE_ROOT");
    char path[4096];

    snprintf(path, sizeof path, "%s/tests/tracev3/data/%s", root ? root : LA_SOURCE_ROOT, rel);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

/* Entries kept as text, "time|process|pid|subsystem|category|level|message". */
struct got {
    size_t n;
    char first[3][512];
    char last[512];
    size_t resolved;
};

static enum la_rc keep(void *user, const struct la_tv3_entry *e)
{
    struct got *g = user;
    char line[512];

    snprintf(line, sizeof line, "%lld|%+d|%.*s|%ld|%.*s|%.*s|%s|%.*s", (long long)e->time_ns,
             e->tz_minutes, (int)e->process.len, e->process.p, e->pid, (int)e->subsystem.len,
             e->subsystem.p, (int)e->category.len, e->category.p, e->level, (int)e->message.len,
             e->message.p);
    if (g->n < 3)
        snprintf(g->first[g->n], sizeof g->first[g->n], "%s", line);
    snprintf(g->last, sizeof g->last, "%s", line);
    g->n++;
    g->resolved += (size_t)e->resolved;
    return LA_OK;
}

/* Read data in pieces of step bytes; returns the reader's result. */
static enum la_rc read_all(const struct la_tv3_strings *s, const char *data, size_t len,
                           size_t step, struct got *g, struct la_tv3_stats *st)
{
    struct la_tv3_reader *r = la_tv3_reader_new(s, keep, g);
    enum la_rc rc = LA_OK;

    memset(g, 0, sizeof *g);
    if (!r)
        return LA_FATAL;   /* only under allocation failures */
    for (size_t off = 0; off < len && rc == LA_OK; off += step)
        rc = la_tv3_reader_feed(r, data + off, len - off < step ? len - off : step);
    if (rc == LA_OK)
        rc = la_tv3_reader_finish(r);
    if (st)
        *st = *la_tv3_reader_stats(r);
    la_tv3_reader_free(r);
    return rc;
}

static void macos_file_unresolved(void **state)
{
    size_t len;
    char *d = slurp("0000000000000030.tracev3", &len);
    struct got g;
    struct la_tv3_stats st;

    (void)state;
    assert_int_equal(len, 944);
    assert_true(la_tv3_sniff(d, len));
    assert_int_equal(read_all(NULL, d, len, len, &g, &st), LA_OK);
    assert_int_equal(g.n, 5);
    assert_int_equal(g.resolved, 0);
    assert_int_equal(st.catalogs, 1);
    assert_int_equal(st.chunksets, 1);
    assert_int_equal(st.firehose, 1);
    assert_int_equal(st.entries, 5);
    assert_int_equal(st.unresolved, 5);
    assert_int_equal(st.decompressed, 544);
    assert_string_equal(st.build, "18D42");
    assert_string_equal(st.model, "Macmini7,1");
    /* Header time + continuous time at timebase 1/1; Zurich, UTC+1. */
    assert_string_equal(g.first[0], "1548580685456333594|+60|<unresolved>|14225|"
                                    "com.apple.AssetCache|builtin|Error|"
                                    "<unresolved> Built-in, Caching Server, 214.2");
    assert_string_equal(g.first[1], "1548580685477981351|+60|<unresolved>|14225|"
                                    "com.apple.AssetCache|builtin|Default|"
                                    "<unresolved> EED8FD46-9636-4274-8F03-6B7B329B99F9");
    assert_string_equal(g.last, "1548580685553228678|+60|<unresolved>|14225|"
                                "com.apple.AssetCache|builtin|Default|<unresolved> wants");
    free(d);
}

/* Put s at offset off of a uuidtext entry starting at start. */
static void put(uint8_t *file, size_t data_off, uint32_t start, uint32_t off, const char *s)
{
    memcpy(file + data_off + (off - start), s, strlen(s) + 1);
}

/* The main executable's uuidtext file (not in the test data) made here: format strings at
 * the offsets the entries name, and its image path, resolve the entries' messages. */
static void macos_file_resolved(void **state)
{
    static const uint8_t main_uuid[16] = { 0x10, 0x16, 0x74, 0x44, 0x3a, 0x9a, 0x33, 0xfc,
                                           0xaf, 0x11, 0xd0, 0xad, 0xeb, 0xbf, 0x5b, 0x95 };
    const uint32_t start = 0x35a700, size = 0x6000;
    size_t flen = 24 + size + 64, len;
    uint8_t *file = calloc(1, flen);
    const char *err = NULL;
    struct got g;

    (void)state;
    assert_non_null(file);
    memcpy(file, "\x99\x88\x77\x66\x02\0\0\0\x01\0\0\0\x01\0\0\0", 16);
    memcpy(file + 16, &start, 4);
    memcpy(file + 20, &size, 4);
    put(file, 24, start, 0x35a710, "%{public}@ %{public}@ version %{public}@");
    put(file, 24, start, 0x35fcf0, "Server GUID: %{private}@");
    put(file, 24, start, 0x35cd8c, "%{public}s");
    put(file, 24, start, 0x35b610, "no argument here: %d");
    put(file, 24, start, 0x35ba90, "[%7s] [%.2s]");
    memcpy(file + 24 + size, "/System/Library/AssetCache", 27);
    struct la_tv3_strings *s = la_tv3_strings_new(NULL, NULL);
    assert_non_null(s);
    assert_int_equal(la_tv3_strings_add(s, LA_TV3_UUIDTEXT, main_uuid, file, flen, &err), LA_OK);
    char *d = slurp("0000000000000030.tracev3", &len);
    assert_int_equal(read_all(s, d, len, 7, &g, NULL), LA_OK);
    assert_int_equal(g.n, 5);
    assert_int_equal(g.resolved, 5);
    assert_string_equal(g.first[0], "1548580685456333594|+60|AssetCache|14225|"
                                    "com.apple.AssetCache|builtin|Error|"
                                    "Built-in Caching Server version 214.2");
    /* A private argument prints <private>, whatever the record holds. */
    assert_string_equal(strrchr(g.first[1], '|') + 1, "Server GUID: <private>");
    assert_string_equal(strrchr(g.last, '|') + 1, "[  wants] [<decode: missing data>]");
    la_tv3_strings_free(s);
    free(file);
    free(d);
}

static void ipados_file(void **state)
{
    size_t len;
    char *d = slurp("0000000000000f85-head.tracev3", &len);
    struct got g, g1;
    struct la_tv3_stats st;

    (void)state;
    assert_int_equal(read_all(NULL, d, len, len, &g, &st), LA_OK);
    assert_int_equal(g.n, 1100);
    assert_int_equal(st.chunksets, 4);
    assert_int_equal(st.firehose, 65);
    assert_int_equal(st.oversize, 1);
    assert_int_equal(st.damaged, 0);
    assert_string_equal(st.build, "19D52");
    assert_string_equal(st.model, "J96AP");
    /* Timebase 125/3 (arm64); the header says UTC-5. */
    assert_string_equal(g.first[0],
        "1649855669764768500|-300|<unresolved>|49442|com.apple.mobileassetd|Notice|Default|"
        "<unresolved> -[ControlManager respondToCacheDelete:forAssetTypeDir:currentTimeInSecs:"
        "defaultNumberOfSecsGC:preciousNumberOfSecsGC:], a02763e2f203e7549263f474a92a402c0860b757"
        ".asset is a candidate for deletion as gap is: 20520525.808113 and policy set: "
        "1296000.000000 saving space");
    /* Streaming: the same entries whatever the pieces. */
    assert_int_equal(read_all(NULL, d, len, 1, &g1, NULL), LA_OK);
    assert_int_equal(g1.n, g.n);
    assert_string_equal(g1.last, g.last);
    assert_int_equal(read_all(NULL, d, len, 4093, &g1, NULL), LA_OK);
    assert_string_equal(g1.first[2], g.first[2]);
    free(d);
}

static void strings_files(void **state)
{
    size_t len, fl;
    uint8_t uuid[16];
    const char *err = NULL;
    struct la_tv3_strings *s = la_tv3_strings_new(NULL, NULL);

    (void)state;
    assert_non_null(s);
    assert_true(la_tv3_uuid_from_path("00", "7EF56328D53A78B59CCCE3E3189F57", uuid));
    assert_int_equal(uuid[0], 0x00);
    assert_int_equal(uuid[15], 0x57);
    assert_false(la_tv3_uuid_from_path("00", "7EF56328D53A78B59CCCE3E3189F5Z", uuid));
    char *d = slurp("uuidtext/00/7EF56328D53A78B59CCCE3E3189F57", &len);
    assert_int_equal(la_tv3_strings_add(s, LA_TV3_UUIDTEXT, uuid, d, len, &err), LA_OK);
    const char *f = tv3_uuidtext_format(s, uuid, 0x5591, &fl);
    assert_non_null(f);
    assert_int_equal(fl, strlen("system.install.apple-software"));
    assert_memory_equal(f, "system.install.apple-software", fl);
    f = tv3_uuidtext_format(s, uuid, 0x5591 + 30, &fl);
    assert_non_null(f);
    assert_memory_equal(f, "system.install.apple-software.standard-user", fl);
    assert_null(tv3_uuidtext_format(s, uuid, 0x5590, &fl));
    free(d);

    d = slurp("uuidtext/22/0D3C2953A33917B333DD8366AC25F2", &len);
    assert_true(la_tv3_uuid_from_path("22", "0D3C2953A33917B333DD8366AC25F2", uuid));
    assert_int_equal(la_tv3_strings_add(s, LA_TV3_UUIDTEXT, uuid, d, len, &err), LA_OK);
    f = tv3_uuidtext_path(s, uuid, &fl);
    assert_non_null(f);
    assert_int_equal(fl, 16);
    assert_memory_equal(f, "/usr/libexec/lsd", 16);
    /* Not a uuidtext file. */
    assert_int_equal(la_tv3_strings_add(s, LA_TV3_UUIDTEXT, uuid, d + 1, len - 1, &err),
                     LA_FAILED);
    assert_non_null(err);
    free(d);

    d = slurp("uuidtext/dsc/8E21CAB1DCF936B49F85CF860E6F34EC", &len);
    assert_true(la_tv3_uuid_from_path(NULL, "8E21CAB1DCF936B49F85CF860E6F34EC", uuid));
    assert_int_equal(la_tv3_strings_add(s, LA_TV3_DSC, uuid, d, len, &err), LA_OK);
    f = tv3_dsc_format(s, uuid, 0x48a40, &fl);
    assert_non_null(f);
    assert_memory_equal(f, "%s Unknown app vocabulary type - %@", fl);
    assert_int_equal(fl, strlen("%s Unknown app vocabulary type - %@"));
    assert_null(tv3_dsc_format(s, uuid, 0x48a3f, &fl));
    free(d);
    la_tv3_strings_free(s);
}

static void timesync(void **state)
{
    static const uint8_t boot[16] = { 0xfe, 0x7d, 0xa8, 0xc6, 0x4f, 0x59, 0x48, 0x93,
                                      0x86, 0x07, 0xeb, 0xc4, 0x5b, 0x77, 0x5c, 0x80 };
    size_t len;
    char *d = slurp("timesync/0000000000000002.timesync", &len);
    struct la_tv3_strings *s = la_tv3_strings_new(NULL, NULL);
    const char *err = NULL;
    int64_t ns;
    int tz;

    (void)state;
    assert_non_null(s);
    assert_int_equal(la_tv3_strings_add_timesync(s, d, len, &err), LA_OK);
    /* Before the first sync record: the boot's time; at a sync record: its time. */
    assert_true(tv3_timesync_wall(s, boot, 0, &ns, &tz));
    assert_int_equal(ns, 0x1565538f2cae0630LL);
    assert_true(tv3_timesync_wall(s, boot, 0x1d7244c5, &ns, &tz));
    assert_int_equal(ns, 0x15655392c706f720LL);
    /* 125/3: 3 ticks are 125 ns. */
    assert_true(tv3_timesync_wall(s, boot, 0x1d7244c5 + 3, &ns, &tz));
    assert_int_equal(ns, 0x15655392c706f720LL + 125);
    uint8_t other[16] = { 0 };
    assert_false(tv3_timesync_wall(s, other, 0, &ns, &tz));
    assert_int_equal(la_tv3_strings_add_timesync(s, d + 2, len - 2, &err), LA_FAILED);
    la_tv3_strings_free(s);
    free(d);
}

static const char *render(const char *fmt, const struct tv3_arg *a, size_t n)
{
    static struct la_buf out = LA_BUF_INIT;

    la_buf_reset(&out);
    assert_int_equal(tv3_render(&out, fmt, fmt ? strlen(fmt) : 0, a, n), LA_OK);
    return out.buf;
}

static void rendering(void **state)
{
    const uint8_t n42[4] = { 42, 0, 0, 0 }, neg[8] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff,
                                                          0xff, 0xff };
    const uint8_t three[4] = { 3, 0, 0, 0 };
    struct tv3_arg num = { 0x00, n42, 4 }, minus2 = { 0x00, neg, 8 };
    struct tv3_arg str = { 0x22, (const uint8_t *)"restored\0", 9 };
    struct tv3_arg priv = { 0x21, NULL, 0 }, prec = { 0x12, three, 4 };

    (void)state;
    assert_string_equal(render("%{public}s says %d", (struct tv3_arg[]){ str, num }, 2),
                        "restored says 42");
    assert_string_equal(render("%u|%x|%#x|%5d|%-4d|%03d", (struct tv3_arg[]){ num, num, num,
                                                                               num, num, num }, 6),
                        "42|2a|0x2a|   42|42  |042");
    assert_string_equal(render("%lld %lu", (struct tv3_arg[]){ minus2, minus2 }, 2),
                        "-2 18446744073709551614");
    assert_string_equal(render("[%8s] [%-9s] [%.3s]", (struct tv3_arg[]){ str, str, str }, 3),
                        "[restored] [restored ] [res]");
    assert_string_equal(render("%.*s!", (struct tv3_arg[]){ prec, str }, 2), "res!");
    assert_string_equal(render("%{private}s and %s", (struct tv3_arg[]){ priv, priv }, 2),
                        "<private> and <private>");
    assert_string_equal(render("%{bool}d %{BOOL}d", (struct tv3_arg[]){ num, num }, 2),
                        "true YES");
    assert_string_equal(render("%d and %s", (struct tv3_arg[]){ num }, 1),
                        "42 and <decode: missing data>");
    assert_string_equal(render("100%% done", NULL, 0), "100% done");
    assert_string_equal(render(NULL, (struct tv3_arg[]){ str, num }, 2),
                        "<unresolved> restored, 42");
    assert_string_equal(render("%{time_t}d", (struct tv3_arg[]){ num }, 1),
                        "1970-01-01 00:00:42");
}

/* The printf-free fast paths (plain numbers, hex bytes) give what printf gives, and bytes
 * past a message's cap stop at a whole byte. */
static void rendering_fast_paths(void **state)
{
    const uint8_t b1[1] = { 0x80 }, b2[2] = { 0x00, 0x80 }, b8[8] = { 0, 0, 0, 0, 0, 0, 0, 0x80 };
    const uint8_t raw[3] = { 0x00, 0xab, 0x7f };
    struct tv3_arg m128 = { 0x00, b1, 1 }, w = { 0x00, b2, 2 }, min = { 0x00, b8, 8 };
    struct tv3_arg bytes = { 0x32, raw, 3 };
    char want[128];
    struct la_buf out;

    (void)state;
    snprintf(want, sizeof want, "%d|%u|%x|%X|%d|%lld|%llu|%llx", -128, 128u, 0x80u, 0x8000u,
             -32768, (long long)INT64_MIN, (unsigned long long)INT64_MIN,
             (unsigned long long)INT64_MIN);
    assert_string_equal(render("%d|%u|%x|%X|%i|%lld|%llu|%llx",
                               (struct tv3_arg[]){ m128, m128, m128, w, w, min, min, min }, 8),
                        want);
    assert_string_equal(render("[%{public}P]", (struct tv3_arg[]){ bytes }, 1), "[00ab7f]");
    la_buf_init(&out, 5);
    assert_int_equal(la_buf_adds(&out, "ab"), LA_OK);
    assert_int_equal(tv3_render(&out, "%P", 2, &bytes, 1), LA_OK);
    assert_string_equal(out.buf, "ab00");
    la_buf_release(&out);
}

static const char *line(int64_t ns, int tz, long pid, const char *sub, const char *msg,
                        size_t ml, size_t *moff)
{
    static struct la_buf out = LA_BUF_INIT;
    struct la_tv3_entry e = { .time_ns = ns, .tz_minutes = tz, .pid = pid, .kind = "log",
                              .level = "Default", .process = la_sv_cstr("restored"),
                              .subsystem = la_sv_cstr(sub), .category = la_sv_cstr("cat"),
                              .message = la_sv_make(msg, ml) };

    la_buf_reset(&out);
    assert_int_equal(la_tv3_entry_line(&out, &e, moff), LA_OK);
    return out.buf;
}

/* An entry as a line: dates at the edges (before 1970 in the zone, leap days, 2200), the
 * zone, escapes anywhere in a long message. */
static void entry_lines(void **state)
{
    static const char msg[] = "0123456789abcdef\x7fX\0Y\nZ\t0123456789abcdef\x1b";
    size_t moff = 0;

    (void)state;
    assert_string_equal(line(0, -300, 12, "com.apple.x", "hi", 2, &moff),
                        "1969-12-31 19:00:00.000000-0500 restored[12] (com.apple.x:cat) "
                        "<Default> hi");
    assert_int_equal(moff, strlen("1969-12-31 19:00:00.000000-0500 restored[12] "
                                  "(com.apple.x:cat) <Default> "));
    /* 2024-02-29 23:59:59.999999999 UTC, +0130 */
    assert_string_equal(line(1709251199999999999LL, 90, 0, "", "", 0, NULL),
                        "2024-03-01 01:29:59.999999+0130 restored[0] <Default> ");
    assert_string_equal(line(951782400000000000LL, 0, 1, "", "", 0, NULL),
                        "2000-02-29 00:00:00.000000+0000 restored[1] <Default> ");
    assert_string_equal(line(LA_TV3_MAX_TIME_NS, 1439, 99999, "", "", 0, NULL),
                        "2200-01-01 23:59:00.000000+2359 restored[99999] <Default> ");
    assert_string_equal(line(1, 0, 7, "", msg, sizeof msg - 1, &moff) + moff,
                        "0123456789abcdef\\x7fX\\x00Y\\nZ\\t0123456789abcdef\\x1b");
}

/* Damage: errors for the member, never a crash; what came before is kept. */
static void damaged(void **state)
{
    size_t len;
    char *d = slurp("0000000000000f85-head.tracev3", &len);
    struct got g;
    struct la_tv3_stats st;

    (void)state;
    /* Cut inside a chunk. */
    assert_int_equal(read_all(NULL, d, len - 100, 4096, &g, &st), LA_FAILED);
    assert_true(g.n > 0 && g.n < 1100);
    /* A chunk size past the cap. */
    static char bad[1 << 20];   /* slurp() reads at most this much */
    memcpy(bad, d, len);
    memcpy(bad + 0xe0 + 8, "\xff\xff\xff\xff\xff\xff\x00\x00", 8);
    assert_int_equal(read_all(NULL, bad, len, len, &g, &st), LA_FAILED);
    assert_int_equal(g.n, 0);
    /* A chunkset's LZ4 block that lies about its size: that chunkset is lost. */
    memcpy(bad, d, len);
    memcpy(bad + 0xdb8 + 16 + 4, "\xff\xff\xff\x00", 4);
    assert_int_equal(read_all(NULL, bad, len, len, &g, &st), LA_OK);
    assert_int_equal(st.damaged, 1);
    assert_true(g.n > 0 && g.n < 1100);
    /* Garbage inside the compressed data. */
    memcpy(bad, d, len);
    memset(bad + 0xdb8 + 40, 0xff, 200);
    assert_int_equal(read_all(NULL, bad, len, 333, &g, &st), LA_OK);
    assert_int_equal(st.damaged, 1);
    /* Not a tracev3 at all, and nothing. */
    assert_int_equal(read_all(NULL, "hello, world, this is text", 26, 26, &g, &st), LA_FAILED);
    assert_int_equal(read_all(NULL, "", 0, 1, &g, &st), LA_FAILED);
    free(d);
}

/* One run for the allocation-failure loop: a store, a uuidtext file, both tracev3 files. */
static enum la_rc alloc_run(const char *a, size_t al, const char *b, size_t bl,
                            const char *c, size_t cl, const uint8_t *ut, size_t ul)
{
    static const uint8_t u[16] = { 0x10, 0x16, 0x74, 0x44, 0x3a, 0x9a, 0x33, 0xfc,
                                   0xaf, 0x11, 0xd0, 0xad, 0xeb, 0xbf, 0x5b, 0x95 };
    struct la_tv3_strings *s = la_tv3_strings_new(NULL, NULL);
    const char *err = NULL;
    struct got g;
    enum la_rc rc = s ? la_tv3_strings_add(s, LA_TV3_UUIDTEXT, u, ut, ul, &err) : LA_FATAL;

    if (rc == LA_OK)
        rc = read_all(s, a, al, 512, &g, NULL);
    if (rc == LA_OK)
        rc = read_all(s, b, bl, 4096, &g, NULL);
    if (rc == LA_OK)   /* an LZBITMAP chunkset */
        rc = read_all(s, c, cl, 100, &g, NULL);
    la_tv3_strings_free(s);
    return rc;
}

/* Every allocation failing in turn: a clean code each time, never a crash (nor a leak, which
 * the ASan build of this test checks). */
static void allocation_failures(void **state)
{
    size_t al, bl, cl;
    char *a = slurp("0000000000000030.tracev3", &al);
    char *b = slurp("0000000000000f85-head.tracev3", &bl);
    char *c = slurp("../lzbitmap/0000000000000030-zbm0c.tracev3", &cl);
    const uint32_t start = 0x35a700, size = 0x6000;
    size_t ul = 24 + size + 8;
    uint8_t *ut = calloc(1, ul);

    (void)state;
    assert_non_null(ut);
    memcpy(ut, "\x99\x88\x77\x66\x02\0\0\0\x01\0\0\0\x01\0\0\0", 16);
    memcpy(ut + 16, &start, 4);
    memcpy(ut + 20, &size, 4);
    put(ut, 24, start, 0x35a710, "%{public}@ %{public}@ version %{public}@");
    memcpy(ut + 24 + size, "/x/Proc", 8);
    la_alloc_fail_after(LONG_MAX);   /* counts, never fails */
    assert_int_equal(alloc_run(a, al, b, bl, c, cl, ut, ul), LA_OK);
    unsigned long total = la_alloc_count();
    la_alloc_fail_after(-1);
    assert_true(total > 10);
    for (unsigned long n = 0; n < total; n++) {
        la_alloc_fail_after((long)n);
        enum la_rc rc = alloc_run(a, al, b, bl, c, cl, ut, ul);
        la_alloc_fail_after(-1);
        assert_true(rc == LA_OK || rc == LA_FAILED || rc == LA_FATAL);
    }
    free(ut);
    free(a);
    free(b);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(macos_file_unresolved), cmocka_unit_test(macos_file_resolved),
        cmocka_unit_test(ipados_file),           cmocka_unit_test(strings_files),
        cmocka_unit_test(timesync),              cmocka_unit_test(rendering),
        cmocka_unit_test(rendering_fast_paths), cmocka_unit_test(entry_lines),
        cmocka_unit_test(damaged),               cmocka_unit_test(allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
