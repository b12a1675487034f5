/*
 * Unit tests: the prefilter backends (rules/prefilter.c, ac.c, vscan.c).
 *
 *   - LOGANALYZE_MATCHER chooses the backend, an unknown name is an error, and a
 *     Vectorscan build uses Vectorscan when it is not set;
 *   - both backends give the same hits, captures and hint positions on every line of
 *     the samples and on made lines (case, alternatives, atoms that overlap);
 *   - the Vectorscan database cache: written once, read back (not written again), and
 *     rebuilt when the file is corrupt, truncated, of another version or unreadable;
 *     at most LA_VSCAN_CACHE_FILES files kept.
 *
 * The Vectorscan cases are skipped in a build without it.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/limits.h"
#include "rules/rules.h"

static const char rules_yaml[] =
    "rules:\n"
    "  - id: t.lit\n    title: T\n    cause: usb-link\n    samples: [x]\n    not: [y]\n"
    "    match:\n      a: {contains: 'usb timed out'}\n"
    "  - id: t.code\n    title: T\n    cause: usb-link\n    samples: [x]\n    not: [y]\n"
    "    match:\n      a: {re: 'restore failed.*error (?<code>-?\\d+)'}\n"
    "  - id: t.alt\n    title: T\n    cause: usb-link\n    samples: [x]\n    not: [y]\n"
    "    match:\n      a: {re: '(?i)(?:AMRestore|idevicerestore)\\S* (?<what>\\w+)'}\n"
    "  - id: t.cased\n    title: T\n    cause: usb-link\n    samples: [x]\n    not: [y]\n"
    "    match:\n      a: {contains: 'ERROR:', cased: true}\n"
    "  - id: t.both\n    title: T\n    cause: usb-link\n    samples: [x]\n    not: [y]\n"
    "    match:\n      a: {startswith: 'checkpoint'}\n      b: {contains: 'fail'}\n"
    "      condition: a and b\n"
    "  - id: t.overlap\n    title: T\n    cause: usb-link\n    samples: [x]\n    not: [y]\n"
    "    match:\n      a: {contains: 'rror'}\n"
    "  - id: t.field\n    title: T\n    cause: usb-link\n    samples: [x]\n    not: [y]\n"
    "    match:\n      a: {endswith: 'device', field: text}\n";

static void quiet(void *user, const struct la_diag *d)
{
    struct la_buf *b = user;

    if (b) {
        assert_int_equal(la_diag_format(d, b), LA_OK);
        assert_int_equal(la_buf_addc(b, '\n'), LA_OK);
    }
}

/* The test ruleset compiled with LOGANALYZE_MATCHER=matcher (NULL: unset). */
static struct la_ruleset *load(const char *matcher, const char *yaml, enum la_rc want,
                               struct la_buf *diags)
{
    struct la_limits lim = LA_LIMITS_DEFAULT;
    struct la_ruleset *rs = la_ruleset_new(&lim);
    struct la_buf own = LA_BUF_INIT;
    struct la_diag_sink sink = { quiet, diags ? diags : &own };
    static const char *const causes[] = { "usb-link", NULL };
    static const char *const formats[] = { "text", NULL };

    if (matcher)
        assert_int_equal(setenv("LOGANALYZE_MATCHER", matcher, 1), 0);
    else
        assert_int_equal(unsetenv("LOGANALYZE_MATCHER"), 0);
    la_ruleset_set_vocabulary(rs, causes, formats);
    if (la_ruleset_add_buffer(rs, "t.yaml", yaml, strlen(yaml), &sink) != LA_OK)
        fail_msg("%s", ((struct la_buf *)sink.user)->buf);
    assert_int_equal(la_ruleset_compile(rs, &sink), want);
    unsetenv("LOGANALYZE_MATCHER");
    la_buf_release(&own);
    return rs;
}

static void choose(void **state)
{
    struct la_buf d = LA_BUF_INIT;
    struct la_ruleset *rs = load("portable", rules_yaml, LA_OK, NULL);

    assert_string_equal(la_ruleset_matcher(rs), "portable");
    la_ruleset_free(rs);
    rs = load(NULL, rules_yaml, LA_OK, NULL);
    assert_string_equal(la_ruleset_matcher(rs), HAVE_VECTORSCAN ? "vectorscan" : "portable");
    la_ruleset_free(rs);
    rs = load("hyperscan", rules_yaml, LA_FATAL, &d);
    assert_string_equal(d.buf, HAVE_VECTORSCAN
                                   ? "error[LA300]: LOGANALYZE_MATCHER: no matcher 'hyperscan' "
                                     "in this build (vectorscan or portable)\n"
                                   : "error[LA300]: LOGANALYZE_MATCHER: no matcher 'hyperscan' "
                                     "in this build (portable)\n");
    la_ruleset_free(rs);
    la_buf_release(&d);
}

/* What one scan gave: "rule{name=value,…};" per hit, then the hint positions. */
static enum la_rc record_hit(void *user, size_t rule, const struct la_capture *c, size_t n)
{
    struct la_buf *b = user;

    assert_int_equal(la_buf_addf(b, "%zu{", rule), LA_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(la_buf_addf(b, "%s=%.*s,", c[i].name, (int)c[i].value.len,
                                     c[i].value.p), LA_OK);
    assert_int_equal(la_buf_add(b, "};", 2), LA_OK);
    return LA_OK;
}

static void scan_line(struct la_matcher *m, const char *line, size_t len, struct la_buf *out)
{
    struct la_sv t = { line, len };
    const char *sp = memchr(line, ' ', len);
    struct la_record rec = { .format = "text", .text = t, .message = t };

    /* A message after the first blank, so that field tests see a part of the line. */
    if (sp)
        rec.message = (struct la_sv){ sp + 1, len - (size_t)(sp + 1 - line) };
    la_buf_reset(out);
    assert_int_equal(la_matcher_scan(m, &rec, record_hit, out, NULL), LA_OK);
    for (int h = 0; h < LA_HINTS; h++)      /* the hint words found: "|word=position" */
        if (la_matcher_hint_at(m, (enum la_hint)h))
            assert_int_equal(la_buf_addf(out, "|%d=%zu", h,
                                         la_matcher_hint_at(m, (enum la_hint)h)), LA_OK);
}

static const char *const made_lines[] = {
    "",
    "x",
    "USB TIMED OUT while waiting",
    "usb timed ou",
    "x restore failed with ERROR -1 (error 4013) error 9",
    "idevicerestore: ERROR: Unable to send iBEC; amrestorestuff done",
    "AMRestorePerformRestoreModeRestore failed: fail fail Panic(",
    "checkpoint 12 failed",
    "rrrrror errror error error",
    "the device",
    "panic(cpu 0 caller 0xfffffff0): error in fail",
};

/* Every line of every sample, and the made lines: the same output from both backends. */
static void same_findings(void **state)
{
    struct la_ruleset *pr = load("portable", rules_yaml, LA_OK, NULL);
    struct la_ruleset *def = load(NULL, rules_yaml, LA_OK, NULL);
    struct la_matcher *mp = la_matcher_new(pr), *md = la_matcher_new(def);
    struct la_buf a = LA_BUF_INIT, b = LA_BUF_INIT, path = LA_BUF_INIT, line = LA_BUF_INIT;
    const char *root = getenv("LA_SOURCE_ROOT");
    size_t lines = 0, hits = 0;
    DIR *dir;
    struct dirent *e;

    assert_non_null(mp);
    assert_non_null(md);
    for (size_t i = 0; i < sizeof(made_lines) / sizeof(*made_lines); i++) {
        scan_line(mp, made_lines[i], strlen(made_lines[i]), &a);
        scan_line(md, made_lines[i], strlen(made_lines[i]), &b);
        assert_string_equal(a.buf, b.buf);
    }
    /* The made lines fire what they were made for (the test can fail). */
    scan_line(mp, made_lines[4], strlen(made_lines[4]), &a);
    assert_string_equal(a.buf, "1{code=9,};5{};|0=45|1=11");
    scan_line(md, made_lines[10], strlen(made_lines[10]), &b);
    assert_string_equal(b.buf, "5{};|0=33|1=42|2=1");
    assert_non_null(root);
    assert_int_equal(la_buf_addf(&path, "%s/samples", root), LA_OK);
    dir = opendir(path.buf);
    assert_non_null(dir);
    while ((e = readdir(dir))) {
        size_t n = strlen(e->d_name);
        FILE *f;
        char buf[70000];
        if (n < 5 || strcmp(e->d_name + n - 4, ".log"))
            continue;
        la_buf_reset(&line);
        assert_int_equal(la_buf_addf(&line, "%s/%s", path.buf, e->d_name), LA_OK);
        f = fopen(line.buf, "rb");
        assert_non_null(f);
        while (fgets(buf, sizeof(buf), f)) {
            size_t len = strcspn(buf, "\r\n");
            scan_line(mp, buf, len, &a);
            scan_line(md, buf, len, &b);
            assert_string_equal(a.buf, b.buf);
            hits += strchr(a.buf, '{') != NULL;
            lines++;
        }
        fclose(f);
    }
    closedir(dir);
    assert_true(lines > 1000);
    assert_true(hits > 10);
    la_matcher_free(mp);
    la_matcher_free(md);
    la_ruleset_free(pr);
    la_ruleset_free(def);
    la_buf_release(&a);
    la_buf_release(&b);
    la_buf_release(&path);
    la_buf_release(&line);
}

/* ------------------------------------------------------------- the cache */

static char cache_root[64];
static char cache_dir[128];

/* The one vscan-*.hsdb file of cache_dir into path; the number of such files. */
static int cache_files(struct la_buf *path)
{
    DIR *d = opendir(cache_dir);
    struct dirent *e;
    int n = 0;

    if (!d)
        return 0;
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, "vscan-", 6) && strlen(e->d_name) > 11 &&
            !strcmp(e->d_name + strlen(e->d_name) - 5, ".hsdb")) {
            if (path) {
                la_buf_reset(path);
                assert_int_equal(la_buf_addf(path, "%s/%s", cache_dir, e->d_name), LA_OK);
            }
            n++;
        }
    closedir(d);
    return n;
}

/* Every entry of cache_dir. */
static int count_all(void)
{
    DIR *d = opendir(cache_dir);
    struct dirent *e;
    int n = 0;

    assert_non_null(d);
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static ino_t inode(const char *p)
{
    struct stat st;

    assert_int_equal(stat(p, &st), 0);
    return st.st_ino;
}

/* Compile the test rules with Vectorscan and check they still find what they should. */
static void compile_and_check(void)
{
    struct la_ruleset *rs = load("vectorscan", rules_yaml, LA_OK, NULL);
    struct la_matcher *m = la_matcher_new(rs);
    struct la_buf out = LA_BUF_INIT;

    assert_string_equal(la_ruleset_matcher(rs), "vectorscan");
    assert_non_null(m);
    scan_line(m, made_lines[4], strlen(made_lines[4]), &out);
    assert_string_equal(out.buf, "1{code=9,};5{};|0=45|1=11");
    la_buf_release(&out);
    la_matcher_free(m);
    la_ruleset_free(rs);
}

static void write_file(const char *p, const char *data, size_t n)
{
    FILE *f = fopen(p, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static int cache_setup(void **state)
{
    snprintf(cache_root, sizeof(cache_root), "%s", "/tmp/la-test-matcher-XXXXXX");
    if (!mkdtemp(cache_root))
        return -1;
    snprintf(cache_dir, sizeof(cache_dir), "%s/loganalyze", cache_root);
    return setenv("XDG_CACHE_HOME", cache_root, 1);
}

static int cache_teardown(void **state)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", cache_root);
    return system(cmd) == 0 ? 0 : -1;
}

static void cache(void **state)
{
    struct la_buf p = LA_BUF_INIT, data = LA_BUF_INIT;
    ino_t ino;
    FILE *f;
    char buf[4096];
    size_t n;

    if (!HAVE_VECTORSCAN)
        skip();
    /* Cold: compiled and written, with its header. */
    compile_and_check();
    assert_int_equal(cache_files(&p), 1);
    f = fopen(p.buf, "rb");
    assert_non_null(f);
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        assert_int_equal(la_buf_add(&data, buf, n), LA_OK);
    fclose(f);
    assert_true(data.len > 40);
    assert_memory_equal(data.buf, "LAVSCAN1", 8);
    /* Warm: read back, not written again (a rewrite is a rename: a new inode). */
    ino = inode(p.buf);
    compile_and_check();
    assert_true(inode(p.buf) == ino);
    /* Corrupt (a byte of the database flipped), truncated, of another version: each is
     * ignored, compiled again and rewritten whole. */
    data.buf[data.len / 2] ^= 0x5a;
    write_file(p.buf, data.buf, data.len);
    data.buf[data.len / 2] ^= 0x5a;
    ino = inode(p.buf);
    compile_and_check();
    assert_true(inode(p.buf) != ino);
    write_file(p.buf, data.buf, data.len / 3);
    ino = inode(p.buf);
    compile_and_check();
    assert_true(inode(p.buf) != ino);
    data.buf[7] = '0';
    write_file(p.buf, data.buf, data.len);
    data.buf[7] = '1';
    ino = inode(p.buf);
    compile_and_check();
    assert_true(inode(p.buf) != ino);
    ino = inode(p.buf);
    compile_and_check();
    assert_true(inode(p.buf) == ino);
    /* Unreadable and unwritable (a folder in its place): still compiles, leaves it be. */
    assert_int_equal(unlink(p.buf), 0);
    assert_int_equal(mkdir(p.buf, 0700), 0);
    compile_and_check();
    assert_int_equal(rmdir(p.buf), 0);
    /* No temporary file is left behind. */
    assert_int_equal(count_all(), 0);
    la_buf_release(&p);
    la_buf_release(&data);
}

/* Old cache files beyond LA_VSCAN_CACHE_FILES go, the oldest first; ours stays. */
static void cache_prune(void **state)
{
    struct la_buf p = LA_BUF_INIT;

    if (!HAVE_VECTORSCAN)
        skip();
    mkdir(cache_dir, 0700);
    for (unsigned i = 0; i < LA_VSCAN_CACHE_FILES + 4; i++) {
        char name[256];
        struct timespec ts[2] = { { 1000000 + i, 0 }, { 1000000 + i, 0 } };
        snprintf(name, sizeof(name), "%s/vscan-old%02u.hsdb", cache_dir, i);
        write_file(name, "x", 1);
        assert_int_equal(utimensat(AT_FDCWD, name, ts, 0), 0);
    }
    compile_and_check();
    assert_int_equal(cache_files(NULL), LA_VSCAN_CACHE_FILES);
    for (unsigned i = 0; i < LA_VSCAN_CACHE_FILES + 4; i++) {
        char name[256];
        snprintf(name, sizeof(name), "%s/vscan-old%02u.hsdb", cache_dir, i);
        assert_int_equal(access(name, F_OK) == 0, i >= 5);
    }
    la_buf_release(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(choose),
        cmocka_unit_test(same_findings),
        cmocka_unit_test(cache),
        cmocka_unit_test(cache_prune),
    };

    return cmocka_run_group_tests(tests, cache_setup, cache_teardown);
}
