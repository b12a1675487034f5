/*
 * Unit tests: finding the logs.  Each test builds a fake home tree in a
 * temporary folder (laid out like Windows, macOS or Linux hosts), points the
 * scan at it through the environment and sets mtimes with utimensat() to
 * control which attempt is the newest.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "locate/locate.h"

#define T0 1700000000

/* ------------------------------------------------------------ helpers */

struct fixture {
    char root[256];
    struct la_buf diags;
};

static void capture(void *user, const struct la_diag *d)
{
    struct la_buf *b = user;
    assert_int_equal(la_diag_format(d, b), LA_OK);
    assert_int_equal(la_buf_addc(b, '\n'), LA_OK);
}

static void mkdirs(const char *path)
{
    char tmp[1024];
    size_t n = strlen(path);

    assert_true(n < sizeof(tmp));
    memcpy(tmp, path, n + 1);
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            assert_true(mkdir(tmp, 0755) == 0 || errno == EEXIST);
            *p = '/';
        }
    }
    assert_true(mkdir(tmp, 0755) == 0 || errno == EEXIST);
}

/* Create root/rel (and its folders) holding a few bytes, with mtime t. */
static void mkfile(const struct fixture *fx, const char *rel, int64_t t)
{
    char path[1024], dir[1024];
    struct timespec ts[2];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", fx->root, rel);
    snprintf(dir, sizeof(dir), "%s", path);
    *strrchr(dir, '/') = 0;
    mkdirs(dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("[18:09:01.7655] Restore completed, status: 4013\n", f);
    fclose(f);
    ts[0].tv_sec = ts[1].tv_sec = (time_t)t;
    ts[0].tv_nsec = ts[1].tv_nsec = 0;
    assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static void rmtree(const char *path)
{
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'", path, path);
    assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    const char *tmp = getenv("TMPDIR");

    assert_non_null(fx);
    snprintf(fx->root, sizeof(fx->root), "%s/la-locate-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(fx->root));
    la_buf_init(&fx->diags, 0);
    setenv("LOGANALYZE_AUTO_ROOT", fx->root, 1);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    rmtree(fx->root);
    la_buf_release(&fx->diags);
    unsetenv("LOGANALYZE_AUTO_ROOT");
    free(fx);
    return 0;
}

static enum la_rc scan(struct fixture *fx, struct la_found **f, size_t *n)
{
    struct la_diag_sink sink = { capture, &fx->diags };
    return la_locate_scan(f, n, &sink);
}

/* The entry whose path ends with tail, or NULL. */
static const struct la_found *find(const struct la_found *f, size_t n, const char *tail)
{
    size_t m = strlen(tail);
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(f[i].path);
        if (l >= m && !strcmp(f[i].path + l - m, tail))
            return &f[i];
    }
    return NULL;
}

static int in_list(const char **paths, size_t n, const char *tail)
{
    size_t m = strlen(tail);
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(paths[i]);
        if (l >= m && !strcmp(paths[i] + l - m, tail))
            return 1;
    }
    return 0;
}

#define UPD "AppData/Roaming/Apple Computer/iTunes/iPhone Updater Logs/"
#define WCR "AppData/Roaming/Apple Computer/Logs/CrashReporter/MobileDevice/"
#define ADV "AppData/Local/Packages/AppleInc.AppleDevices_nzyj5cx40ttqa/"
#define MCR "Library/Logs/CrashReporter/MobileDevice/"

/* ------------------------------------------------------------ tests */

static void windows_itunes_tree(void **state)
{
    struct fixture *fx = *state;
    struct la_found *f = NULL;
    const char **paths = NULL;
    size_t n = 0, np = 0;

    mkfile(fx, UPD "iPhoneUpdater 1.log", T0 - 86400);
    mkfile(fx, UPD "iPhoneUpdater 2.log", T0);
    mkfile(fx, UPD "iTunesPrefs.xml", T0 + 50);                 /* not a log */
    mkfile(fx, WCR "Lena\xe2\x80\x99s iPhone/panic-full-2023-11-14-231500.000.ips", T0 + 600);
    mkfile(fx, WCR "Lena\xe2\x80\x99s iPhone/Music-2023-11-10-101010.ips", T0 - 5 * 86400);
    mkfile(fx, "AppData/Roaming/Apple Computer/iTunes/iPad Updater Logs/iPadUpdater 1.log",
           T0 - 3600 * 5);

    assert_int_equal(scan(fx, &f, &n), LA_OK);
    assert_int_equal(n, 5);
    /* newest first */
    for (size_t i = 1; i < n; i++)
        assert_true(f[i - 1].mtime >= f[i].mtime);
    assert_string_equal(f[0].kind, LA_KIND_PANIC);
    assert_string_equal(find(f, n, "iPhoneUpdater 2.log")->kind, LA_KIND_UPDATER);
    assert_string_equal(find(f, n, "iPadUpdater 1.log")->kind, LA_KIND_UPDATER);
    assert_string_equal(find(f, n, "Music-2023-11-10-101010.ips")->kind, LA_KIND_CRASH);
    assert_null(find(f, n, "iTunesPrefs.xml"));
    assert_int_equal(find(f, n, "iPhoneUpdater 2.log")->mtime, T0);
    assert_true(find(f, n, "iPhoneUpdater 2.log")->size > 0);

    /* newest attempt: the newest updater log and the panic 10 minutes later */
    assert_int_equal(la_locate_newest_attempt(f, n, &paths, &np), LA_OK);
    assert_int_equal(np, 2);
    assert_true(in_list(paths, np, "iPhoneUpdater 2.log"));
    assert_true(in_list(paths, np, "panic-full-2023-11-14-231500.000.ips"));
    la_free(paths);
    la_locate_free(f, n);
    assert_int_equal(fx->diags.len, 0);
}

/* Windows roots from APPDATA/LOCALAPPDATA/USERPROFILE (no override), on any OS. */
static void windows_env_roots(void **state)
{
    struct fixture *fx = *state;
    struct la_found *f = NULL;
    size_t n = 0;
    char buf[512], cwd[1024], empty[512], *home = getenv("HOME");

    home = home ? strdup(home) : NULL;

    mkfile(fx, ADV "LocalCache/Roaming/Apple Computer/Logs/AppleDevices-restore.log", T0);
    mkfile(fx, ADV "LocalCache/Roaming/Apple Computer/Logs/CrashReporter/MobileDevice/"
               "iPad/panic-full-2023-11-14-230000.000.ips", T0 - 60);
    mkfile(fx, ADV "LocalState/Logs/session.txt", T0 - 120);
    mkfile(fx, "Users/lena/Downloads/sysdiagnose_2023.11.14_23-10-00+0100_iPhone-OS_iPhone_"
               "21B101.tar.gz", T0 - 30);
    mkfile(fx, "Users/lena/Desktop/holiday.jpg", T0 - 30);
    mkfile(fx, "home/empty/.keep", T0);

    unsetenv("LOGANALYZE_AUTO_ROOT");
    snprintf(buf, sizeof(buf), "%s/AppData/Roaming", fx->root);
    setenv("APPDATA", buf, 1);
    snprintf(buf, sizeof(buf), "%s/AppData/Local", fx->root);
    setenv("LOCALAPPDATA", buf, 1);
    snprintf(buf, sizeof(buf), "%s/Users/lena", fx->root);
    setenv("USERPROFILE", buf, 1);
    snprintf(empty, sizeof(empty), "%s/home/empty", fx->root);
    setenv("HOME", empty, 1);
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(empty), 0);       /* the working directory is scanned too */

    assert_int_equal(scan(fx, &f, &n), LA_OK);
    assert_int_equal(chdir(cwd), 0);
    unsetenv("APPDATA");
    unsetenv("LOCALAPPDATA");
    unsetenv("USERPROFILE");
    if (home)
        setenv("HOME", home, 1);
    free(home);
    assert_int_equal(n, 4);
    assert_string_equal(f[0].kind, LA_KIND_APPLEDEVICES);
    assert_string_equal(find(f, n, "panic-full-2023-11-14-230000.000.ips")->kind, LA_KIND_PANIC);
    assert_string_equal(find(f, n, "session.txt")->kind, LA_KIND_APPLEDEVICES);
    assert_string_equal(find(f, n, "21B101.tar.gz")->kind, LA_KIND_SYSDIAGNOSE);
    assert_null(find(f, n, "holiday.jpg"));
    la_locate_free(f, n);
}

static void macos_tree(void **state)
{
    struct fixture *fx = *state;
    struct la_found *f = NULL;
    const char **paths = NULL;
    size_t n = 0, np = 0;

    mkfile(fx, "Library/Logs/iPhone Updater Logs/iPhoneUpdater 3.log", T0 - 86400 * 30);
    mkfile(fx, MCR "Lena\xe2\x80\x99s iPhone/panic-full-2023-11-14-220000.000.ips", T0 - 3600);
    mkfile(fx, MCR "Lena\xe2\x80\x99s iPhone/DiagnosticLogs/sysdiagnose/"
               "sysdiagnose_2023.11.14_23-00-00+0100_iPhone-OS_iPhone_21B101.tar.gz", T0 + 1800);
    mkfile(fx, MCR "Lena\xe2\x80\x99s iPhone/._panic-full-2023-11-14-220000.000.ips", T0);
    mkfile(fx, MCR "Lena\xe2\x80\x99s iPhone/powerlog_2023.PLSQL", T0);
    mkfile(fx, "Library/Group Containers/K36BKF7T3D.group.com.apple.configurator/Library/"
               "Logs/restore.log", T0);
    mkfile(fx, "Library/Group Containers/group.com.apple.notes/Library/Logs/x.log", T0);

    assert_int_equal(scan(fx, &f, &n), LA_OK);
    assert_int_equal(n, 4);
    assert_string_equal(f[0].kind, LA_KIND_SYSDIAGNOSE);
    assert_string_equal(f[1].kind, LA_KIND_CONFIGURATOR);
    assert_string_equal(f[2].kind, LA_KIND_PANIC);
    assert_string_equal(f[3].kind, LA_KIND_UPDATER);
    assert_null(find(f, n, "x.log"));
    assert_null(find(f, n, "powerlog_2023.PLSQL"));

    /* The Configurator log is the newest restore log; the panic an hour before
     * and the sysdiagnose half an hour after join it; the month-old updater
     * log is another attempt. */
    assert_int_equal(la_locate_newest_attempt(f, n, &paths, &np), LA_OK);
    assert_int_equal(np, 3);
    assert_true(in_list(paths, np, "Logs/restore.log"));
    assert_false(in_list(paths, np, "iPhoneUpdater 3.log"));
    la_free(paths);
    la_locate_free(f, n);
}

static void linux_tree(void **state)
{
    struct fixture *fx = *state;
    struct la_found *f = NULL;
    const char **paths = NULL;
    size_t n = 0, np = 0;

    mkfile(fx, "restore_000012345678abcd_1699990000.log", T0 - 10000);
    mkfile(fx, "restore_000012345678abcd_1700000000.log", T0);
    mkfile(fx, "Downloads/futurerestore.log", T0 - 500);
    mkfile(fx, "Desktop/pymobiledevice3-restore.log", T0 - 700);
    mkfile(fx, "notes.txt", T0 + 10);
    mkfile(fx, "work/restore_000012345678abcd_1600000000.log", T0);   /* not a standard place */

    assert_int_equal(scan(fx, &f, &n), LA_OK);
    assert_int_equal(n, 4);
    assert_string_equal(f[0].kind, LA_KIND_IDEVICERESTORE);
    assert_string_equal(find(f, n, "Downloads/futurerestore.log")->kind, LA_KIND_TOOL);
    assert_string_equal(find(f, n, "pymobiledevice3-restore.log")->kind, LA_KIND_TOOL);
    assert_null(find(f, n, "notes.txt"));
    assert_null(find(f, n, "restore_000012345678abcd_1600000000.log"));

    /* other restore logs are other attempts: only the newest is analysed */
    assert_int_equal(la_locate_newest_attempt(f, n, &paths, &np), LA_OK);
    assert_int_equal(np, 1);
    assert_true(in_list(paths, np, "restore_000012345678abcd_1700000000.log"));
    la_free(paths);
    la_locate_free(f, n);
}

static void empty_tree(void **state)
{
    struct fixture *fx = *state;
    struct la_found *f = (struct la_found *)1;
    const char **paths = (const char **)1;
    size_t n = 99, np = 99;

    assert_int_equal(scan(fx, &f, &n), LA_OK);
    assert_int_equal(n, 0);
    assert_null(f);
    assert_int_equal(la_locate_newest_attempt(f, n, &paths, &np), LA_OK);
    assert_int_equal(np, 0);
    assert_null(paths);
    assert_int_equal(fx->diags.len, 0);
}

static void unreadable_folder(void **state)
{
    struct fixture *fx = *state;
    struct la_found *f = NULL;
    size_t n = 0;
    char locked[512];
    enum la_rc rc;

    mkfile(fx, MCR "Locked iPhone/panic-full-2023-11-14-220000.000.ips", T0);
    mkfile(fx, "Library/Logs/iPhone Updater Logs/iPhoneUpdater 1.log", T0);
    snprintf(locked, sizeof(locked), "%s/" MCR "Locked iPhone", fx->root);
    assert_int_equal(chmod(locked, 0), 0);

    rc = scan(fx, &f, &n);
    assert_non_null(find(f, n, "iPhoneUpdater 1.log"));    /* the rest is still found */
    if (geteuid() == 0 || access(locked, R_OK) == 0) {
        print_message("[  SKIPPED ] unreadable-folder warning: running as root, "
                      "chmod 000 does not block reading\n");
    } else {
        assert_int_equal(rc, LA_WARN);
        assert_int_equal(n, 1);
        assert_non_null(strstr(fx->diags.buf, "Locked iPhone: warning[LA101]: cannot read "
                                              "folder: "));
    }
    la_locate_free(f, n);
    assert_int_equal(chmod(locked, 0755), 0);
}

/* Links to folders are not followed, links to files are, a file reached twice is listed once. */
static void links_and_duplicates(void **state)
{
    struct fixture *fx = *state;
    struct la_found *f = NULL;
    size_t n = 0;
    char a[512], b[512];

    mkfile(fx, "elsewhere/panic-full-2023-11-14-220000.000.ips", T0);
    mkfile(fx, "elsewhere/restore_00000000000000aa_1700000000.log", T0);
    snprintf(a, sizeof(a), "%s/elsewhere", fx->root);
    snprintf(b, sizeof(b), "%s/" MCR "loop", fx->root);
    mkdirs(b);
    snprintf(b, sizeof(b), "%s/" MCR "loop/back", fx->root);
    assert_int_equal(symlink(a, b), 0);
    snprintf(a, sizeof(a), "%s/elsewhere/restore_00000000000000aa_1700000000.log", fx->root);
    snprintf(b, sizeof(b), "%s/Downloads/restore_00000000000000aa_1700000000.log", fx->root);
    snprintf(b, sizeof(b), "%s/Downloads", fx->root);
    mkdirs(b);
    snprintf(b, sizeof(b), "%s/Downloads/restore_link.log", fx->root);
    assert_int_equal(symlink(a, b), 0);
    snprintf(b, sizeof(b), "%s/restore_hardlink.log", fx->root);
    assert_int_equal(link(a, b), 0);

    assert_int_equal(scan(fx, &f, &n), LA_OK);
    /* The file link is followed, the folder link is not, and the hard link to
     * the same file is listed once. */
    assert_int_equal(n, 1);
    assert_string_equal(f[0].kind, LA_KIND_IDEVICERESTORE);
    assert_null(find(f, n, "panic-full-2023-11-14-220000.000.ips"));
    la_locate_free(f, n);
}

static void depth_limit(void **state)
{
    struct fixture *fx = *state;
    struct la_found *f = NULL;
    size_t n = 0;

    mkfile(fx, MCR "d1/d2/d3/d4/panic-full-2023-11-14-220000.000.ips", T0);
    mkfile(fx, MCR "d1/d2/d3/d4/d5/panic-full-2023-11-14-230000.000.ips", T0);
    assert_int_equal(scan(fx, &f, &n), LA_OK);
    assert_int_equal(n, 1);
    assert_non_null(find(f, n, "d4/panic-full-2023-11-14-220000.000.ips"));
    la_locate_free(f, n);
}

static void result_cap_keeps_newest(void **state)
{
    struct fixture *fx = *state;
    struct la_found *f = NULL;
    size_t n = 0;
    char rel[128];

    for (int i = 0; i < LA_LOCATE_MAX_FOUND + 5; i++) {
        snprintf(rel, sizeof(rel), "restore_%016x_%d.log", i, T0 + i);
        mkfile(fx, rel, T0 + i);
    }
    assert_int_equal(scan(fx, &f, &n), LA_WARN);
    assert_int_equal(n, LA_LOCATE_MAX_FOUND);
    assert_int_equal(f[0].mtime, T0 + LA_LOCATE_MAX_FOUND + 4);
    assert_int_equal(f[n - 1].mtime, T0 + 5);
    assert_non_null(strstr(fx->diags.buf, "warning[LA106]: 5 more log files than the limit"));
    la_locate_free(f, n);
}

/*
 * Past the cap on folder entries examined the scan stops with one warning:
 * what was found before is kept, later places are not searched.  The cap is
 * lowered to 20 here (la_locate_scan_limited): the real one is 200 000.
 */
static void visit_cap_stops_the_scan(void **state)
{
    struct fixture *fx = *state;
    struct la_found *f = NULL;
    size_t n = 0;
    char rel[64];

    mkfile(fx, "Library/Logs/iPhone Updater Logs/iPhoneUpdater 1.log", T0);
    mkfile(fx, "Desktop/restore.log", T0);      /* searched after Downloads */
    for (int i = 0; i < 30; i++) {
        snprintf(rel, sizeof(rel), "Downloads/x%02d", i);
        mkfile(fx, rel, T0);
    }
    struct la_diag_sink sink = { capture, &fx->diags };
    assert_int_equal(la_locate_scan_limited(20, &f, &n, &sink), LA_WARN);
    assert_int_equal(n, 1);
    assert_non_null(find(f, n, "iPhoneUpdater 1.log"));
    /* "here" is the last entry examined (which one depends on the file system's order) */
    assert_non_null(strstr(fx->diags.buf, "/Downloads/x"));
    assert_non_null(strstr(fx->diags.buf, ": warning[LA106]: more than 20 folder entries "
                                          "examined; the search stopped here\n"));
    assert_null(strstr(strstr(fx->diags.buf, "stopped here") + 1, "stopped here"));
    la_locate_free(f, n);

    /* Under the cap, the same tree is searched to the end. */
    la_buf_reset(&fx->diags);
    assert_int_equal(la_locate_scan_limited(40, &f, &n, &sink), LA_OK);
    assert_int_equal(n, 2);
    assert_non_null(find(f, n, "Desktop/restore.log"));
    assert_int_equal(fx->diags.len, 0);
    la_locate_free(f, n);
}

/* Every allocation failure unwinds to LA_FATAL with nothing returned. */
static void allocation_failures(void **state)
{
    struct fixture *fx = *state;
    int fatal = 0;

    mkfile(fx, UPD "iPhoneUpdater 2.log", T0);
    mkfile(fx, "Library/Logs/iPhone Updater Logs/iPhoneUpdater 3.log", T0);
    mkfile(fx, "Library/Group Containers/X.group.com.apple.configurator/Library/Logs/a.log", T0);
    for (long k = 0; k < 200; k++) {
        struct la_found *f = NULL;
        size_t n = 0;
        enum la_rc rc;

        la_alloc_fail_after(k);
        rc = scan(fx, &f, &n);
        la_alloc_fail_after(-1);
        if (rc == LA_FATAL) {
            assert_null(f);
            fatal++;
            continue;
        }
        assert_int_equal(rc, LA_OK);
        assert_int_equal(n, 3);
        la_locate_free(f, n);
        break;
    }
    assert_true(fatal > 0);
}

static void knowledge_table(void **state)
{
    size_t n = la_locate_n_places();
    int hosts[4] = { 0, 0, 0, 0 };
    static const char *const h[] = { "windows", "macos", "linux", "device" };

    (void)state;
    assert_true(n >= 12);
    assert_null(la_locate_place(n));
    for (size_t i = 0; i < n; i++) {
        const struct la_place *p = la_locate_place(i);
        int known = 0;
        assert_non_null(p);
        for (int j = 0; j < 4; j++)
            if (!strcmp(p->host, h[j])) {
                hosts[j]++;
                known = 1;
            }
        assert_true(known);
        assert_true(*p->tool && *p->what && *p->pattern && *p->source);
        /* an unconfirmed entry says so in its source */
        if (!p->confirmed)
            assert_non_null(strstr(p->source, "unconfirmed"));
    }
    for (int j = 0; j < 4; j++)
        assert_true(hosts[j] >= 2);
    assert_true(!strcmp(la_locate_host(), "linux") || !strcmp(la_locate_host(), "macos")
                || !strcmp(la_locate_host(), "windows"));
    assert_true(la_locate_kind_is_restore_log(LA_KIND_UPDATER));
    assert_false(la_locate_kind_is_restore_log(LA_KIND_PANIC));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(windows_itunes_tree, setup, teardown),
        cmocka_unit_test_setup_teardown(windows_env_roots, setup, teardown),
        cmocka_unit_test_setup_teardown(macos_tree, setup, teardown),
        cmocka_unit_test_setup_teardown(linux_tree, setup, teardown),
        cmocka_unit_test_setup_teardown(empty_tree, setup, teardown),
        cmocka_unit_test_setup_teardown(unreadable_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(links_and_duplicates, setup, teardown),
        cmocka_unit_test_setup_teardown(depth_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(result_cap_keeps_newest, setup, teardown),
        cmocka_unit_test_setup_teardown(visit_cap_stops_the_scan, setup, teardown),
        cmocka_unit_test_setup_teardown(allocation_failures, setup, teardown),
        cmocka_unit_test(knowledge_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
