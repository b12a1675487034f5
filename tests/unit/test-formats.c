/* Unit tests: probes and record parsing for each line shape. */
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
#include "formats/formats-internal.h"
#include "formats/formats.h"

static const char *probe(const char *name, const char *head)
{
    return la_format_id(la_format_probe(name, name, head, strlen(head), NULL, NULL));
}

static void probes(void **state)
{
    assert_string_equal(probe("iPhoneUpdater 3.log",
        "2010-11-01 13:58:02.187 [152:9c]: restore library built Aug 6 2010 at 11:14:46\n"
        "2010-11-01 13:58:02.187 [152:9c]: iTunes: iTunes 10.0.1.22\n"), "itunes-updater");
    assert_string_equal(probe("x.log",
        "[17:59:01.7501] Finished DFU Restore Phase: Successful\n"
        "[17:59:01.8554] Device disconnected during transition\n"
        "[18:09:01.7655] Restore completed, status: 4042\n"), "finder-restore");
    assert_string_equal(probe("x.log",
        "[09:48:50.0450-GMT]{5>6} CHECKPOINT END: RESTORED:[0x0614] mount_system_partition\n"
        "ramrod_read_previous_os_build_version: previous OS version: (null)\n"), "restored-device");
    assert_string_equal(probe("restore.log",
        "10:42:31.336 <Verbose> Checkpoint FAILURE id: 0x132A result=-1: x\n"
        "10:42:31.337   <Error> ERROR: Unable to restore device\n"), "idevicerestore");
    assert_string_equal(probe("p.ips",
        "{\"bug_type\":\"210\",\"timestamp\":\"2021-07-19 06:34:05.00 +0300\"}\n{\n"), "ips-panic");
    assert_string_equal(probe("c.ips", "{\"bug_type\":\"309\",\"app_name\":\"x\"}\n"), "ips-crash");
    assert_string_equal(probe("db", "SQLite format 3\0"), "binary");
    assert_string_equal(probe("x.plist", "bplist00\xd1\x01\x02"), "binary");
    assert_string_equal(probe("pmd3.log",
        "2024-12-29 16:01:58 host pymobiledevice3.cli.restore[2414] DEBUG waiting for device\n"
        "2024-12-29 16:01:58 host pymobiledevice3.irecv[2414] DEBUG set_configuration: 1\n"),
        "pymobiledevice3");
    assert_string_equal(probe("3u.log",
        "05:08:16.638:  LibVersion: 20231009\n05:08:16.638:  Checking PC DiskSpace\n"
        "05:08:48.105:  Waiting for NAND\n"), "flash-tool");
    assert_string_equal(probe("u.log",
        "2025-04-06 18:31:25.237463+0000 asr[28:788] [connection] x\n"
        "2025-04-06 18:31:25.237999+0000 kernel[0:1] y\n"), "unified-log");
    assert_string_equal(probe("c.log",
        "default\t21:58:49.029597+0100\tmediaserverd\tx\n"
        "default\t21:58:49.029600+0100\tAMPDevicesAgent\ty\n"), "unified-log");
    assert_string_equal(probe("x.crash",
        "Incident Identifier: 737F38A3-81FB-4095-AB8A-59966149A055\n"
        "Hardware Model:      iPad3,1\nException Type:  EXC_BAD_ACCESS (SIGSEGV)\n"),
        "crash-text");
    assert_string_equal(probe("x.panic",
        "*** Panic Report ***\npanic(cpu 4 caller 0xffffff80003d7e1a): Kernel trap\n"
        "Debugger message: panic\n"), "panic-text");
    assert_string_equal(probe("system.log",
        "Nov 25 13:45:49 mac kernel[0]: USB device attached\n"
        "Nov 25 13:45:50 mac powerd[64]: Sleep assertion\n"), "syslog");
    assert_string_equal(probe("fr.txt",
        "Version: v2.0.0(4b1a9e3f)\n[INFO] futurerestore init\nDone: restoring failed!\n"
        "[Error] ERROR: Unable to restore device\n"), "futurerestore");
    /* UTF-16 LE text is probed on its characters. */
    {
        const char u16[] = "\xff\xfe[\0" "1\0" "7\0:\0" "5\0" "9\0:\0" "0\0" "1\0.\0"
                           "7\0" "5\0" "0\0" "1\0]\0 \0R\0e\0s\0t\0o\0r\0e\0 \0"
                           "c\0o\0m\0p\0l\0e\0t\0e\0d\0\n\0";
        assert_string_equal(la_format_id(la_format_probe("x", "x", u16, sizeof(u16) - 1, NULL,
                                                         NULL)), "finder-restore");
    }
    /* The sysdiagnose path decides for otherwise plain text. */
    assert_string_equal(la_format_id(la_format_probe(
        "s.tar.gz!/sysdiagnose_2023.05.24_13-29-15-0700_iPhone-OS_iPhone_19H349/ps.txt", "ps.txt",
        "USER PID\nroot 1\n", 16, NULL, NULL)), "sysdiagnose-text");
    assert_string_equal(probe("notes.txt", "hello world\nnothing here\n"), "text");
    /* idevicerestore's output behind a wrapper's "[time][thread] : " prefix is still its own. */
    assert_string_equal(probe("x.log",
        "[16:49:58.489][10968] : Found device in DFU mode\n"
        "[16:49:58.497][10968] : Checking IPSW for required components...\n"
        "[16:49:59.001][10968] : ERROR: Unable to discover device type\n"), "idevicerestore");
    /* The prefix is the wrapper's, not the device log's bracket: the words inside decide. */
    assert_string_equal(probe("x.log",
        "[12:00:00.000][4242] : iOS 15.8.8 has been restored! It will take some time\n"
        "[12:00:01.007][4242] : 1) Activate the iPhone.\n"), "text");
    /* An indented paste is probed by its shapes as if it were not. */
    assert_string_equal(probe("3u.log",
        "    05:08:16.638:  LibVersion: 20231009\n    05:08:16.638:  Checking PC DiskSpace\n"
        "    05:08:48.105:  Waiting for NAND\n"), "flash-tool");
}

struct got {
    char ctx[256];
    char msg[256];
    char comp[64];
    char lvl[32];
    long pid;
    int64_t time;
    int has_date;
    int case_lost;
    int n;
};

static enum la_rc keep(void *user, const struct la_record *r)
{
    struct got *g = user;
    snprintf(g->msg, sizeof(g->msg), "%.*s", (int)r->message.len, r->message.p);
    snprintf(g->ctx, sizeof(g->ctx), "%.*s", (int)r->context.len, r->context.p);
    snprintf(g->comp, sizeof(g->comp), "%.*s", (int)r->component.len, r->component.p);
    snprintf(g->lvl, sizeof(g->lvl), "%.*s", (int)r->level.len, r->level.p);
    g->pid = r->pid;
    g->time = r->time;
    g->has_date = r->has_date;
    g->case_lost = r->case_lost;
    g->n++;
    return LA_OK;
}

static struct got parse(const char *fmt, const char *line)
{
    struct la_parser *p = la_parser_new(la_format_find(fmt), "x.log");
    struct got g;

    memset(&g, 0, sizeof(g));
    assert_non_null(p);
    assert_int_equal(la_parser_line(p, la_sv_cstr(line), 1, keep, &g), LA_OK);
    la_parser_free(p);
    return g;
}

static void records(void **state)
{
    struct got g = parse("itunes-updater", "2010-09-26 18:58:02.322 iTunes.exe[3644:128]: radio");
    assert_string_equal(g.msg, "radio");
    assert_string_equal(g.comp, "iTunes.exe");
    assert_true(g.has_date);
    struct la_buf b = LA_BUF_INIT;
    assert_int_equal(la_format_time(&b, g.time, g.has_date), LA_OK);
    assert_string_equal(b.buf, "2010-09-26T18:58:02.322");
    la_buf_release(&b);

    g = parse("restored-device", "[13:44:05.0832-GMT]{3&gt;5} CHECKPOINT FAILURE:(FAILURE:-1) x");
    assert_string_equal(g.msg, "CHECKPOINT FAILURE:(FAILURE:-1) x");
    assert_false(g.has_date);
    assert_int_equal(g.time, (13 * 3600 + 44 * 60 + 5) * 1000 + 83);

    g = parse("idevicerestore", "10:42:31.336   <Error> ERROR: Unable to restore device");
    assert_string_equal(g.msg, "ERROR: Unable to restore device");

    g = parse("pymobiledevice3", "2024-12-29 16:01:58 host pymobiledevice3.irecv[2414] DEBUG "
                                 "set_configuration: 1");
    assert_string_equal(g.msg, "set_configuration: 1");
    assert_string_equal(g.comp, "pymobiledevice3.irecv");

    g = parse("flash-tool", "05:08:48.105:  Waiting for NAND");
    assert_string_equal(g.msg, "Waiting for NAND");

    /* Markdown fences are dropped, quoting and ANSI colour removed. */
    g = parse("text", "```");
    assert_int_equal(g.n, 0);
    g = parse("text", "> \x1b[31mERROR:\x1b[0m x &amp; y");
    assert_string_equal(g.msg, "ERROR: x & y");

    /* An indented paste or a box-drawn gutter: the message starts at the line's own words. */
    g = parse("text", "    ERROR: Unable to discover device mode");
    assert_string_equal(g.msg, "ERROR: Unable to discover device mode");
    g = parse("idevicerestore", "  \xe2\x94\x82   Unable to fetch Yonkers ticket");
    assert_string_equal(g.msg, "Unable to fetch Yonkers ticket");
    g = parse("flash-tool", "\t05:08:48.105:  Waiting for NAND");
    assert_string_equal(g.msg, "Waiting for NAND");
    assert_int_equal(g.time, (5 * 3600 + 8 * 60 + 48) * 1000 + 105);
    /* The component and level offsets move past the gutter with the message. */
    g = parse("idevicerestore", "  \xe2\x94\x82   10:42:31.336   <Error> ERROR: Unable to restore");
    assert_string_equal(g.lvl, "Error");
    assert_string_equal(g.msg, "ERROR: Unable to restore");
    g = parse("itunes-updater", "    2010-09-26 18:58:02.322 iTunes.exe[3644:128]: radio");
    assert_string_equal(g.comp, "iTunes.exe");
    assert_string_equal(g.msg, "radio");
    /* A quoted log pasted indented, boxed or inside a wrapper's prefix: the quote markers
     * after the gutter go too; a '>' of the line's own ("->", ">=") stays. */
    g = parse("futurerestore", "    >Version: b35d3e1245da49950028d753b1bdb40fce5d21d5 - 90");
    assert_string_equal(g.msg, "Version: b35d3e1245da49950028d753b1bdb40fce5d21d5 - 90");
    g = parse("idevicerestore", "  \xe2\x94\x82   > > ERROR: Unable to restore");
    assert_string_equal(g.msg, "ERROR: Unable to restore");
    g = parse("idevicerestore", "[16:49:58.489][10968] : > Found device in DFU mode");
    assert_string_equal(g.msg, "Found device in DFU mode");
    assert_int_equal(g.pid, 10968);
    g = parse("text", "    -> step two");
    assert_string_equal(g.msg, "-> step two");
    g = parse("text", "    >= 12 is no quote");
    assert_string_equal(g.msg, ">= 12 is no quote");

    /* A wrapper's "[time][thread] : " prefix: the thread is the pid, the message after it. */
    g = parse("idevicerestore", "[16:49:58.489][10968] : Found device in DFU mode");
    assert_string_equal(g.msg, "Found device in DFU mode");
    assert_int_equal(g.pid, 10968);
    assert_int_equal(g.time, (16 * 3600 + 49 * 60 + 58) * 1000 + 489);
    g = parse("idevicerestore", "[16:49:58.489] [x] : kept");
    assert_string_equal(g.msg, "[x] : kept");
    /* In every format, even one without a bracket shape; a shape inside it still counts. */
    g = parse("text", "[16:49:58.489][10968] : iOS 15.8.8 has been restored!");
    assert_string_equal(g.msg, "iOS 15.8.8 has been restored!");
    assert_int_equal(g.pid, 10968);
    assert_int_equal(g.time, (16 * 3600 + 49 * 60 + 58) * 1000 + 489);
    g = parse("idevicerestore", "[16:49:58.489][10968] : 10:42:31.336 <Error> ERROR: x");
    assert_string_equal(g.lvl, "Error");
    assert_string_equal(g.msg, "ERROR: x");
    assert_int_equal(g.pid, 10968);
    assert_int_equal(g.time, (10 * 3600 + 42 * 60 + 31) * 1000 + 336);
}

static struct got parse_path(const char *fmt, const char *path, const char *line)
{
    struct la_parser *p = la_parser_new(la_format_find(fmt), path);
    struct got g;

    memset(&g, 0, sizeof(g));
    assert_int_equal(la_parser_line(p, la_sv_cstr(line), 1, keep, &g), LA_OK);
    la_parser_free(p);
    return g;
}

static void times(void **state)
{
    struct la_buf b = LA_BUF_INIT;
    struct got g;

    /* unified log: date, fraction cut to ms; the zone is kept as written */
    g = parse("unified-log", "2025-04-06 18:31:25.237463+0000 asr[28:788] [connection] x");
    assert_string_equal(g.msg, "[connection] x");
    assert_string_equal(g.comp, "asr");
    assert_int_equal(la_format_time(&b, g.time, g.has_date), LA_OK);
    assert_string_equal(b.buf, "2025-04-06T18:31:25.237");
    /* Console copy: time only */
    la_buf_reset(&b);
    g = parse("unified-log", "default\t21:58:49.029597+0100\tmediaserverd\tmsg here");
    assert_string_equal(g.msg, "msg here");
    assert_false(g.has_date);
    assert_int_equal(la_format_time(&b, g.time, g.has_date), LA_OK);
    assert_string_equal(b.buf, "21:58:49.029");
    /* syslog */
    g = parse("syslog", "Nov  5 13:45:49 mac kernel[0]: USB device attached");
    assert_string_equal(g.msg, "USB device attached");
    assert_string_equal(g.comp, "kernel");
    /* flash tool: the date comes from nowhere, the time is kept */
    la_buf_reset(&b);
    g = parse("flash-tool", "05:08:48.105:  Waiting for NAND");
    assert_int_equal(la_format_time(&b, g.time, g.has_date), LA_OK);
    assert_string_equal(b.buf, "05:08:48.105");
    /* Dates inferred from the path: sysdiagnose name, idevicerestore's unix time, ISO dates */
    la_buf_reset(&b);
    g = parse_path("restored-device",
                   "x.tar.gz!/sysdiagnose_2023.05.24_13-29-15-0700_iPhone-OS_iPhone_19H349/r.log",
                   "[09:48:50.0450-GMT]{5>6} CHECKPOINT END: RESTORED:[0x0614] x");
    assert_true(g.has_date);
    assert_int_equal(la_format_time(&b, g.time, g.has_date), LA_OK);
    assert_string_equal(b.buf, "2023-05-24T09:48:50.045");
    la_buf_reset(&b);
    g = parse_path("idevicerestore", "restore_001c3a2e5b4d6f7a_1767225600.log",
                   "10:42:31.336 <Verbose> Checkpoint FAILURE id: 0x132A result=-1: x");
    assert_int_equal(la_format_time(&b, g.time, g.has_date), LA_OK);
    assert_string_equal(b.buf, "2026-01-01T10:42:31.336");
    la_buf_reset(&b);
    g = parse_path("finder-restore", "logs/2026-03-14 restore.log", "[17:59:01.7501] x");
    assert_int_equal(la_format_time(&b, g.time, g.has_date), LA_OK);
    assert_string_equal(b.buf, "2026-03-14T17:59:01.750");
    /* The three iTunes generations: [PID:TID], process[PID:TID] (macOS .000), [HH:MM:SS.ffff] */
    la_buf_reset(&b);
    g = parse("itunes-updater", "2010-11-01 13:58:02.187 [152:9c]: restore library built");
    assert_string_equal(g.msg, "restore library built");
    assert_int_equal(la_format_time(&b, g.time, g.has_date), LA_OK);
    assert_string_equal(b.buf, "2010-11-01T13:58:02.187");
    la_buf_reset(&b);
    g = parse("itunes-updater", "2011-10-05 14:26:58.000 iTunes[6456:16d4f]: amai: x");
    assert_string_equal(g.comp, "iTunes");
    assert_int_equal(la_format_time(&b, g.time, g.has_date), LA_OK);
    assert_string_equal(b.buf, "2011-10-05T14:26:58.000");
    la_buf_reset(&b);
    g = parse("itunes-updater", "[06:44:02.0316] Completed checkpoint id: 0x635");
    assert_false(g.has_date);
    assert_int_equal(la_format_time(&b, g.time, g.has_date), LA_OK);
    assert_string_equal(b.buf, "06:44:02.031");
    /* futurerestore (idevicerestore's engine) and pymobiledevice3 */
    la_buf_reset(&b);
    g = parse("futurerestore", "10:42:31.336   <Error> [Error] Failed to get SHSH blobs");
    assert_int_equal(la_format_time(&b, g.time, g.has_date), LA_OK);
    assert_string_equal(b.buf, "10:42:31.336");
    la_buf_reset(&b);
    g = parse("pymobiledevice3", "2024-12-29 16:01:58 host pymobiledevice3.irecv[2414] DEBUG x");
    assert_int_equal(la_format_time(&b, g.time, g.has_date), LA_OK);
    assert_string_equal(b.buf, "2024-12-29T16:01:58.000");
    la_buf_release(&b);
}

static void midnight_rollover(void **state)
{
    struct la_parser *p = la_parser_new(la_format_find("finder-restore"), "2026-03-14.log");
    struct got g;
    struct la_buf b = LA_BUF_INIT;

    memset(&g, 0, sizeof(g));
    assert_int_equal(la_parser_line(p, la_sv_cstr("[23:59:59.9000] a"), 1, keep, &g), LA_OK);
    assert_int_equal(la_parser_line(p, la_sv_cstr("[00:00:01.1000] b"), 2, keep, &g), LA_OK);
    assert_int_equal(la_format_time(&b, g.time, g.has_date), LA_OK);
    assert_string_equal(b.buf, "2026-03-15T00:00:01.100");
    /* A line without a prefix keeps the previous time (a continuation), and its context is
     * the line that opened the group. */
    assert_string_equal(g.ctx, "[00:00:01.1000] b");
    assert_int_equal(la_parser_line(p, la_sv_cstr("restore-step-ids = {}"), 3, keep, &g), LA_OK);
    assert_string_equal(g.ctx, "[00:00:01.1000] b");
    assert_string_equal(g.msg, "restore-step-ids = {}");
    la_buf_reset(&b);
    assert_int_equal(la_format_time(&b, g.time, g.has_date), LA_OK);
    assert_string_equal(b.buf, "2026-03-15T00:00:01.100");
    la_buf_release(&b);
    la_parser_free(p);
}

static void ips_panic_string_expanded(void **state)
{
    struct la_parser *p = la_parser_new(la_format_find("ips-panic"), "panic-full.ips");
    struct got g;

    memset(&g, 0, sizeof(g));
    assert_int_equal(la_parser_line(p, la_sv_cstr("  \"panicString\" : \"panic(cpu 2 caller 0x1): "
                                                  "\\\"i2c0::_checkInterrupts\\\"\\nPaniclog "
                                                  "version: 14\\n\","), 7, keep, &g), LA_OK);
    assert_int_equal(g.n, 2);   /* the two lines of the panic string */
    assert_string_equal(g.msg, "Paniclog version: 14");
    la_parser_free(p);
}

/* ------------------------------------------------------- hard-wrapped pastes */

/* An iTunes 12 log (our own lines in the real shape), long lines among short ones. */
static const char *const itunes_log[] = {
    "[06:44:01.0282] <Restore Device 0000025762236D20>: operation 59 progress 0",
    "[06:44:01.0861] amai: tss_submit_job_with_retry: TSS Connection attempt 1 of 3.  "
    "(Will retry if TSS_ERR_SERVER_NOT_REACHABLE.)",
    "[06:44:02.0316] Completed checkpoint id: 0x635",
    "[06:44:02.0402] <Restore Device 0000025762236D20>: Restore failed (result = 4013) while "
    "waiting for the device to come back from the update of its baseband firmware",
    "[06:44:02.0517] AMRestorePerformRestoreModeRestoreWithError failed with error: 4013",
    "[06:44:02.0611] WinAMRestore::OnInterfaceRemoval: \\\\?\\USB#VID_05AC&PID_1281#"
    "000025762236D20#{a5dcbf10-6530-11d2-901f-00c04fb951ed}",
    "[06:44:02.0702] Restore completed, status: 4013",
    "[06:44:02.0703] Failure Description: The iPhone could not be restored. An unknown error "
    "occurred (4013).",
    "[06:44:02.0704] Depth:0 Code:4013 Error: The operation couldn't be completed. "
    "(AMRestoreErrorDomain error 4013 - Failed to handle message type StatusMsg)",
    "[06:44:02.0705] Depth:1 Code:-1 Error: The operation couldn't be completed. "
    "(AMRestoreErrorDomain error -1 - Failed to update baseband firmware)",
    "[06:44:03.0001] <Recovery Mode Device 0x191823f0>: operation 4 progress -1",
    "[06:44:03.0102] <Recovery Mode Device 0x191823f0>: Recovery mode succeeded",
};
#define ITUNES_N (sizeof(itunes_log) / sizeof(itunes_log[0]))

/* Cut every line like a mail client (at the last blank that fits) or a console (anywhere). */
static void cut(struct la_buf *out, const char *const *lines, size_t n, size_t width,
                int console, const char *quote)
{
    for (size_t i = 0; i < n; i++) {
        const char *s = lines[i];
        size_t len = strlen(s);
        while (len) {
            size_t take = len;
            if (len > width) {
                take = width;
                if (!console) {
                    while (take > 0 && s[take] != ' ')
                        take--;
                    if (take == 0)
                        take = width;
                }
            }
            assert_int_equal(la_buf_adds(out, quote), LA_OK);
            assert_int_equal(la_buf_add(out, s, take), LA_OK);
            assert_int_equal(la_buf_addc(out, '\n'), LA_OK);
            s += take;
            len -= take;
            if (!console)
                while (len && *s == ' ') {
                    s++;
                    len--;
                }
        }
    }
}

struct recs {
    char text[16][4608];
    uint64_t line[16];
    size_t n;
};

static enum la_rc keep_rec(void *user, const struct la_record *r)
{
    struct recs *g = user;

    assert_true(g->n < 16);
    snprintf(g->text[g->n], sizeof(g->text[0]), "%.*s", (int)r->text.len, r->text.p);
    g->line[g->n++] = r->line;
    return LA_OK;
}

/* Parse text as a member: head from its first 4 KiB, then line by line, then finish. */
static struct la_parser *parse_text(const char *fmt, const char *text, struct recs *g)
{
    struct la_parser *p = la_parser_new(la_format_find(fmt), "paste.txt");
    size_t len = strlen(text);
    uint64_t no = 0;

    memset(g, 0, sizeof(*g));
    assert_non_null(p);
    la_parser_set_head(p, text, len < 4096 ? len : 4096);
    for (const char *s = text; *s;) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        assert_int_equal(la_parser_line(p, la_sv_make(s, n), ++no, keep_rec, g), LA_OK);
        s += n + (nl != NULL);
    }
    assert_int_equal(la_parser_finish(p, keep_rec, g), LA_OK);
    return p;
}

static void rejoins_mail_wrapped(void **state)
{
    struct la_buf text = LA_BUF_INIT;
    static struct recs g;

    (void)state;
    cut(&text, itunes_log, ITUNES_N, 60, 0, "> ");
    struct la_parser *p = parse_text("itunes-updater", text.buf, &g);
    assert_true(la_parser_wrap_width(p) >= 55 && la_parser_wrap_width(p) <= 60);
    assert_int_equal(g.n, ITUNES_N);
    for (size_t i = 0; i < ITUNES_N; i++)
        if (i != 5)
            assert_string_equal(g.text[i], itunes_log[i]);
    /* A word longer than the width was cut inside: one record again, with a blank there. */
    assert_string_equal(g.text[5], "[06:44:02.0611] WinAMRestore::OnInterfaceRemoval: "
                                   "\\\\?\\USB#VID_05AC&PID_1281#000025762236D20#{a5dcbf10-6530-11d "
                                   "2-901f-00c04fb951ed}");
    assert_int_equal(g.line[0], 1);
    assert_int_equal(g.line[1], 3);     /* the first line took 2 physical lines */
    assert_int_equal(g.line[2], 6);     /* the second 3 */
    assert_true(la_parser_rejoined(p) > 10);
    la_parser_free(p);
    /* The probe sees the rejoined lines too. */
    assert_string_equal(probe("paste.txt", text.buf), "itunes-updater");
    la_buf_release(&text);
}

static void rejoins_console_cut(void **state)
{
    struct la_buf text = LA_BUF_INIT;
    static struct recs g;

    (void)state;
    cut(&text, itunes_log, ITUNES_N, 64, 1, "");
    struct la_parser *p = parse_text("itunes-updater", text.buf, &g);
    assert_int_equal(la_parser_wrap_width(p), 64);
    assert_int_equal(g.n, ITUNES_N);
    /* Cuts inside words join without a blank; a cut on a blank keeps it. */
    for (size_t i = 0; i < ITUNES_N; i++)
        assert_string_equal(g.text[i], itunes_log[i]);
    la_parser_free(p);
    la_buf_release(&text);
}

/*
 * Short pastes, too few lines for the head's counts: a few prefixed records with one line cut
 * at the width inside a word, and four plain lines three of which were cut at it.  A line
 * without a prefix after one that is not at the width is a record's next line, not a cut.
 */
static void rejoins_short_pastes(void **state)
{
    static const char *const prefixed[] = {
        "[10:44:17.567][4956] : Updating baseband (19)",
        "[10:44:17.567][4956] : About to send BasebandData...",
        "[10:44:18.048][4956] : ERROR: can't match element name 'Misc' to baseband firmware "
        "file name.",
        "[10:44:18.048][4956] : ERROR: Unable to send baseband data",
        "[10:44:18.048][4956] : ERROR: Unable to successfully restore device",
    };
    static const char *const plain[] = {
        "ERROR: device \"iPhone9,2\" is not in bbgcid.json, which means it's BasebandGoldCertID "
        "isn't documented yet. If you own such a device please consider contacting @tihmstar "
        "(tihmstar@gmail.com) to get instructions how to contribute to this project.",
    };
    static const char kept[] = "[10:44:17.567][4956] : Updating baseband (19)\n"
                               "[10:44:17.567][4956] : About to send BasebandData...\n"
                               "  more detail on the line before\n"
                               "[10:44:18.048][4956] : ERROR: Unable to send baseband data\n"
                               "[10:44:18.048][4956] : ERROR: Unable to restore device\n";
    struct la_buf text = LA_BUF_INIT;
    static struct recs g;
    struct la_parser *p;

    (void)state;
    cut(&text, prefixed, 5, 80, 1, "");
    p = parse_text("idevicerestore", text.buf, &g);
    assert_int_equal(la_parser_wrap_width(p), 80);
    assert_int_equal(g.n, 5);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(g.text[i], prefixed[i]);
    la_parser_free(p);
    la_buf_reset(&text);
    cut(&text, plain, 1, 80, 1, "");
    p = parse_text("text", text.buf, &g);
    assert_int_equal(la_parser_wrap_width(p), 80);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.text[0], plain[0]);
    la_parser_free(p);
    p = parse_text("idevicerestore", kept, &g);
    assert_int_equal(la_parser_wrap_width(p), 0);
    assert_int_equal(g.n, 5);
    la_parser_free(p);
    la_buf_release(&text);
}

/* A cut prefix: the pieces alone open no record, so the probe must rejoin to see the format. */
static void probe_sees_through_wrapping(void **state)
{
    static const char *const lines[] = {
        "2024-12-29 16:01:58 Lenas-MacBook-Air.local pymobiledevice3.cli.restore[41872] DEBUG "
        "searching among connected devices via lockdownd",
        "2024-12-29 16:01:58 Lenas-MacBook-Air.local pymobiledevice3.irecv[41872] DEBUG "
        "set_configuration: 1",
        "2024-12-29 16:01:59 Lenas-MacBook-Air.local pymobiledevice3.restore.restore[41872] INFO "
        "waiting for device to be available in Recovery mode",
        "2024-12-29 16:02:03 Lenas-MacBook-Air.local pymobiledevice3.restore.restore[41872] ERROR "
        "failed to ping baseband, giving up after 3 attempts",
        "2024-12-29 16:02:04 Lenas-MacBook-Air.local pymobiledevice3.irecv[41872] DEBUG "
        "device disconnected from USB while in Restore mode",
        "2024-12-29 16:02:05 Lenas-MacBook-Air.local pymobiledevice3.cli.restore[41872] ERROR "
        "restore failed with code 4013",
    };
    struct la_buf text = LA_BUF_INIT;

    (void)state;
    cut(&text, lines, 6, 48, 0, "");
    assert_string_equal(probe("paste.txt", text.buf), "pymobiledevice3");
    la_buf_release(&text);
}

/* la_format_probe_parser() gives what la_format_probe() + la_parser_set_head() give. */
static void same_as_probe_then_set_head(const char *name, const char *head, size_t len,
                                        unsigned want_width)
{
    struct la_parser *p = NULL, *q;
    const struct la_format *f = la_format_probe_parser(name, name, head, len, NULL, NULL, &p);

    assert_ptr_equal(f, la_format_probe(name, name, head, len, NULL, NULL));
    if (la_format_is_binary(f)) {
        assert_null(p);
        return;
    }
    assert_non_null(p);
    q = la_parser_new(f, name);
    assert_non_null(q);
    la_parser_set_head(q, head, len);
    assert_int_equal(la_parser_wrap_width(p), la_parser_wrap_width(q));
    assert_int_equal(la_parser_wrap_width(p), want_width);
    la_parser_free(p);
    la_parser_free(q);
}

static void probe_hands_parser_the_wrap(void **state)
{
    static const char *const lines[] = {
        "2024-12-29 16:01:58 Lenas-MacBook-Air.local pymobiledevice3.cli.restore[41872] DEBUG "
        "searching among connected devices via lockdownd",
        "2024-12-29 16:01:58 Lenas-MacBook-Air.local pymobiledevice3.irecv[41872] DEBUG "
        "set_configuration: 1",
        "2024-12-29 16:01:59 Lenas-MacBook-Air.local pymobiledevice3.restore.restore[41872] INFO "
        "waiting for device to be available in Recovery mode",
        "2024-12-29 16:02:03 Lenas-MacBook-Air.local pymobiledevice3.restore.restore[41872] ERROR "
        "failed to ping baseband, giving up after 3 attempts",
        "2024-12-29 16:02:04 Lenas-MacBook-Air.local pymobiledevice3.irecv[41872] DEBUG "
        "device disconnected from USB while in Restore mode",
        "2024-12-29 16:02:05 Lenas-MacBook-Air.local pymobiledevice3.cli.restore[41872] ERROR "
        "restore failed with code 4013",
    };
    static const char syslog[] = "Nov 25 13:45:49 host configd[53]: network changed\n"
                                 "Nov 25 13:45:50 host kernel[0]: wake\n";
    static const char ips[] = "{\"bug_type\":\"210\",\"timestamp\":\"2021-07-19\"}\n{\n";
    struct la_buf text = LA_BUF_INIT;

    (void)state;
    cut(&text, lines, 6, 48, 0, "");
    same_as_probe_then_set_head("paste.txt", text.buf, text.len, 48);
    same_as_probe_then_set_head("system.log", syslog, sizeof(syslog) - 1, 0);
    same_as_probe_then_set_head("p.ips", ips, sizeof(ips) - 1, 0);
    same_as_probe_then_set_head("db", "SQLite format 3\0", 16, 0);
    same_as_probe_then_set_head("empty.log", "", 0, 0);
    la_buf_release(&text);
}

/*
 * A paste that lost its letter case (retyped, lower-cased): the probe reads its keywords with
 * case ignored, and every record of the member says so, whether the probe or
 * la_parser_set_head() looked at the head.  A log as written, or too few letters to tell, is
 * not one.
 */
#define S(lit) (lit), sizeof(lit) - 1

static void case_lost_pastes(void **state)
{
    static const char lower[] = "found device in recovery mode\n"
                                "identified device as n71ap, iphone8,2\n"
                                "extracting buildmanifest from ipsw\n"
                                "product version: 15.8.3\n"
                                "checking ipsw for required components...\n"
                                "all required components found in ipsw\n"
                                "getting apnonce in recovery mode... 22 18 05 b3\n"
                                "sending ibec (947259 bytes)...\n"
                                "error: unable to send ibec to device\n";
    static const char written[] = "Found device in Recovery mode\n"
                                  "Identified device as n71ap, iPhone8,2\n"
                                  "Extracting BuildManifest from IPSW\n"
                                  "Product Version: 15.8.3\n"
                                  "Checking IPSW for required components...\n"
                                  "All required components found in IPSW\n"
                                  "Getting ApNonce in recovery mode... 22 18 05 b3\n"
                                  "Sending iBEC (947259 bytes)...\n"
                                  "ERROR: Unable to send iBEC to device\n";
    struct la_parser *p = NULL;
    struct got g;

    (void)state;
    assert_true(la_formats_case_lost(lower, sizeof(lower) - 1));
    assert_false(la_formats_case_lost(written, sizeof(written) - 1));
    assert_false(la_formats_case_lost("ok\ndone\n", 8));          /* too few words to tell */
    /* One or two lines: three words and not one capital. */
    assert_true(la_formats_case_lost(S("error: unable to discover device model\n")));
    assert_true(la_formats_case_lost(S("unknown request (buildidentitydict)")));
    assert_false(la_formats_case_lost(S("ERROR: Unable to discover device model\n")));
    assert_false(la_formats_case_lost(S("ERROR: unable to discover device model\n")));
    assert_false(la_formats_case_lost(S("device is gone\n")));       /* two words of 3+ */
    assert_false(la_formats_case_lost(S("unable to send\nsending ibec\ndone here\n")));

    /* A few capitals left in a retyped paste ("ERROR", a build number) still count as lost. */
    {
        static const char few[] = "checksum matches.\nextracting buildmanifest from ipsw\n"
                                  "product version: 4.5\nopening device ..\n"
                                  "setting to configuration 1\nsetting to interface 0:0\n"
                                  "device supports image4: true\n"
                                  "checking ipsw for required components...\n"
                                  "ERROR: unable to find any build identities\n";
        assert_true(la_formats_case_lost(few, sizeof(few) - 1));
    }
    assert_string_equal(la_format_id(la_format_probe("x.log", "x.log", lower, sizeof(lower) - 1,
                                                     NULL, NULL)), "idevicerestore");
    for (int as_written = 0; as_written < 2; as_written++) {
        const char *head = as_written ? written : lower;
        size_t len = as_written ? sizeof(written) - 1 : sizeof(lower) - 1;
        assert_non_null(la_format_probe_parser("x.log", "x.log", head, len, NULL, NULL, &p));
        memset(&g, 0, sizeof(g));
        assert_int_equal(la_parser_line(p, la_sv_cstr("found device in dfu mode"), 1, keep, &g),
                         LA_OK);
        assert_int_equal(g.case_lost, !as_written);
        la_parser_free(p);
        p = la_parser_new(la_format_find("idevicerestore"), "x.log");
        la_parser_set_head(p, head, len);
        memset(&g, 0, sizeof(g));
        assert_int_equal(la_parser_line(p, la_sv_cstr("found device in dfu mode"), 1, keep, &g),
                         LA_OK);
        assert_int_equal(g.case_lost, !as_written);
        la_parser_free(p);
    }
}

/* Logs as written: unprefixed lines of their own stay records of their own. */
static void leaves_unwrapped_logs_alone(void **state)
{
    static const char device[] =
        "[18:04:51.0376-GMT]{4>6} CHECKPOINT NOTICE: Image4 device: AP nonce clearable\n"
        "entering ramrod_clear_ap_nonce\n"
        "[18:04:51.0379-GMT]{4>6} CHECKPOINT PROGRESS: START (unknown) -> (initial_engine)\n"
        "restore-outcome = initial_engine_no_return\n"
        "[18:04:51.0383-GMT]{4>6} CHECKPOINT BEGIN: MAIN:[0x0400] umask\n"
        "restore-step-ids = {0x11030400:1}\n"
        "restore-step-names = {0x11030400:umask}\n"
        "[18:04:51.0385-GMT]{4>6} CHECKPOINT END: MAIN:[0x0400] umask\n"
        "restore-step-ids = {}\n"
        "restore-step-names = {}\n"
        "[18:04:51.0387-GMT]{4>6} CHECKPOINT BEGIN: MAIN:[0x0402] setvbuf\n"
        "restore-step-ids = {0x11030402:2}\n"
        "[18:04:51.0392-GMT]{4>6} CHECKPOINT PROGRESS: (initial_engine) -> (ramrod_engine)\n"
        "restore-step-ids = {0x11030403:3}\n";
    /* Records of an unknown format, all about as long, each opening with a number. */
    static const char health[] =
        "20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579 steps since 00:00\n"
        "20171223-22:15:29:615|Step_LSC|30002312|onExtend:1514038530000 14 0 4 from sensor\n"
        "20171223-22:15:29:633|Step_StandReportReceiver|30002312|onReceive SCREEN_ON event\n"
        "20171223-22:15:29:635|Step_LSC|30002312|processHandleBroadcastAction SCREEN_ON ok\n"
        "20171223-22:15:29:635|Step_StandStepCounter|30002312|flush sensor data, 12 frames\n"
        "20171223-22:15:29:636|Step_LSC|30002312|onStandStepChanged 3580 steps since 00:00\n"
        "20171223-22:15:29:701|Step_SPUtils|30002312|getTodayTotalDetailSteps = 3580 today\n"
        "20171223-22:15:29:702|Step_SPUtils|30002312|setTodayTotalDetailSteps = 3580 today\n";
    static struct recs g;

    (void)state;
    struct la_parser *p = parse_text("restored-device", device, &g);
    assert_int_equal(la_parser_rejoined(p), 0);
    assert_int_equal(g.n, 14);
    assert_string_equal(g.text[1], "entering ramrod_clear_ap_nonce");
    la_parser_free(p);
    p = parse_text("text", health, &g);
    assert_int_equal(la_parser_rejoined(p), 0);
    assert_int_equal(g.n, 8);
    la_parser_free(p);
}

/* One record takes at most 64 pieces; the last record is emitted by finish. */
static void rejoin_is_bounded(void **state)
{
    struct la_buf text = LA_BUF_INIT, big = LA_BUF_INIT;
    const char *lines[ITUNES_N + 1];
    static struct recs g;

    (void)state;
    assert_int_equal(la_buf_adds(&big, "[06:44:04.0000] dump:"), LA_OK);
    for (int i = 0; i < 500; i++)
        assert_int_equal(la_buf_addf(&big, " %02x%02x%02x%02x", i, i + 1, i + 2, i + 3), LA_OK);
    for (size_t i = 0; i < ITUNES_N; i++)
        lines[i] = itunes_log[i];
    lines[ITUNES_N] = big.buf;
    cut(&text, lines, ITUNES_N + 1, 64, 1, "");
    struct la_parser *p = parse_text("itunes-updater", text.buf, &g);
    assert_int_equal(la_parser_wrap_width(p), 64);
    /* 4521 bytes: 71 pieces, of which the first 64 make one record and the rest another. */
    assert_int_equal(g.n, ITUNES_N + 2);
    assert_int_equal(strlen(g.text[ITUNES_N]), 64 * 64);
    assert_memory_equal(g.text[ITUNES_N], big.buf, 64 * 64);
    assert_string_equal(g.text[ITUNES_N + 1], big.buf + 64 * 64);
    assert_int_equal(g.line[ITUNES_N + 1], g.line[ITUNES_N] + 64);
    la_parser_free(p);
    la_buf_release(&text);
    la_buf_release(&big);
}

/* ------------------------------------------------------- the table and its hooks */

static unsigned rows_with(unsigned flag)
{
    unsigned n = 0;

    for (unsigned i = 0; i < la_format_count(); i++)
        n += (la_format_flags(la_format_at(i)) & flag) != 0;
    return n;
}

/* Ids are unique and found; one binary row and one fallback row; the kinds analysis asks. */
static void table_rows(void **state)
{
    static const char *const host[] = { "itunes-updater", "finder-restore", "idevicerestore",
                                        "futurerestore", "pymobiledevice3", "flash-tool", NULL };

    (void)state;
    assert_true(la_format_count() > 0);
    assert_null(la_format_at(la_format_count()));
    for (unsigned i = 0; i < la_format_count(); i++) {
        const struct la_format *f = la_format_at(i);
        assert_true(la_format_id(f)[0] && la_format_title(f)[0]);
        assert_ptr_equal(la_format_find(la_format_id(f)), f);
        assert_int_equal(la_format_id_flags(la_format_id(f)), la_format_flags(f));
    }
    assert_null(la_format_find("no-such-format"));
    assert_int_equal(la_format_id_flags("no-such-format"), 0);
    assert_int_equal(la_format_id_flags(NULL), 0);
    assert_int_equal(rows_with(LA_FORMAT_BINARY), 1);
    assert_int_equal(rows_with(LA_FORMAT_FALLBACK), 1);
    assert_true(la_format_is_binary(la_format_find("binary")));
    assert_true(la_format_flags(la_format_find("text")) & LA_FORMAT_FALLBACK);
    assert_true(la_format_wants_long_lines(la_format_find("ips-panic")));
    assert_true(la_format_wants_long_lines(la_format_find("ips-crash")));
    assert_false(la_format_wants_long_lines(la_format_find("crash-text")));
    /* The host's restore logs, and with the device's restore log the restore logs. */
    for (const char *const *h = host; *h; h++)
        assert_int_equal(la_format_id_flags(*h) & (LA_FORMAT_RESTORE_LOG | LA_FORMAT_HOST_LOG |
                                                   LA_FORMAT_DEVICE_LOG),
                         LA_FORMAT_RESTORE_LOG | LA_FORMAT_HOST_LOG);
    assert_int_equal(rows_with(LA_FORMAT_HOST_LOG), 6);
    assert_int_equal(rows_with(LA_FORMAT_RESTORE_LOG), 7);
    assert_true(la_format_id_flags("restored-device") & LA_FORMAT_RESTORE_LOG);
    assert_true(la_format_id_flags("restored-device") & LA_FORMAT_DEVICE_LOG);
    assert_true(la_format_id_flags("ips-panic") & LA_FORMAT_DEVICE_LOG);
    assert_int_equal(rows_with(LA_FORMAT_DEVICE_LOG), 2);
}

/* The README's table of what loganalyze reads names every format id. */
static void readme_lists_every_format(void **state)
{
    const char *root = getenv("LA_SOURCE_ROOT");
    char path[4096], id[64];
    struct la_buf readme = LA_BUF_INIT;
    FILE *f;
    size_t n;
    char chunk[4096];

    (void)state;
    if (!root)
        skip();
    snprintf(path, sizeof(path), "%s/README.md", root);
    f = fopen(path, "r");
    assert_non_null(f);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        assert_int_equal(la_buf_add(&readme, chunk, n), LA_OK);
    fclose(f);
    for (unsigned i = 0; i < la_format_count(); i++) {
        snprintf(id, sizeof(id), "`%s`", la_format_id(la_format_at(i)));
        if (!strstr(readme.buf, id))
            fail_msg("README.md does not list format %s", id);
    }
    la_buf_release(&readme);
}

/* The tiebreak hooks: iTunes or Finder by name and plumbing; futurerestore by its marks. */
static void probe_tiebreaks(void **state)
{
    static const char finder[] = "[17:59:01.7501] Restore completed, status: 4013\n"
                                 "[17:59:01.8554] Device disconnected during transition\n";
    struct la_buf b = LA_BUF_INIT;

    (void)state;
    assert_string_equal(probe("x.log", finder), "finder-restore");
    assert_string_equal(probe("iPhoneUpdater 3.log", finder), "itunes-updater");
    assert_int_equal(la_buf_adds(&b, finder), LA_OK);
    assert_int_equal(la_buf_adds(&b, "[17:59:02.0000] WinAMRestore::OnInterfaceRemoval\n"),
                     LA_OK);
    assert_string_equal(probe("x.log", b.buf), "itunes-updater");
    la_buf_reset(&b);
    assert_int_equal(la_buf_adds(&b, finder), LA_OK);
    assert_int_equal(la_buf_adds(&b, "[17:59:02.0000] AMPDevicesAgent: device detached\n"), LA_OK);
    assert_string_equal(probe("iPhoneUpdater 3.log", b.buf), "finder-restore");
    la_buf_release(&b);
    /* idevicerestore lines; futurerestore's exception mark decides. */
    assert_string_equal(probe("r.log", "10:42:31.336 <Verbose> Checkpoint FAILURE id: 0x132A\n"
                                       "10:42:31.337 <Error> [exception]: what=failed\n"),
                        "futurerestore");
}

/* The bid hooks: a text panic or crash report's opening line outweighs other formats' lines. */
static void probe_bid_hooks(void **state)
{
    (void)state;
    assert_string_equal(probe("x.log", "[09:48:50.0450-GMT]{5>6} CHECKPOINT BEGIN: x\n"
                                       "panic(cpu 0 caller 0xfffffff0): watchdog timeout\n"),
                        "panic-text");
    assert_string_equal(probe("x.log", "Incident Identifier: 737F38A3-81FB-4095\nx\n"),
                        "crash-text");
    assert_string_equal(probe("x.log", "Exception Type: EXC_BAD_ACCESS\nx\n"), "text");
    /* MobileDevice's clock with four digits outweighs idevicerestore's keywords once the
     * words lost their case ("error: ", "tss request"); a wrapper's three digits do not. */
    assert_string_equal(probe("x.log", "[07:52:04.8679] amai: amauthinstallrequestsendsync: "
                                       "failed tss request:>>>>\n[07:52:04.8679] amai: server "
                                       "request error: declined to authorize this image on "
                                       "this device for this user.\n"),
                        "itunes-updater");
    assert_string_equal(probe("x.log", "[07:52:04.867] amai: amauthinstallrequestsendsync: "
                                       "failed tss request:>>>>\n[07:52:04.867] amai: server "
                                       "request error: declined to authorize this image on "
                                       "this device for this user.\n"),
                        "idevicerestore");
}

/* The .ips sniffs, the path and name hints when nothing bids, and binary reasons. */
static void probe_sniffs_and_hints(void **state)
{
    const char *why = NULL;
    int conf = 0;
    const char *sd = "r.tar.gz!/sysdiagnose_2023.05.24_13-29-15-0700_iPhone/crashes/a.ips";

    (void)state;
    assert_string_equal(probe("x.ips", "{\"bug_type\":\"151\"}\n"), "ips-panic");
    assert_string_equal(probe("x.ips", "{\"os\":\"x\", \"bug_type\" : \"288\"}\n"), "ips-panic");
    assert_string_equal(probe("x", "{\"app_name\":\"x\",\"bug_type\":\"309\"}\n"), "ips-crash");
    assert_string_equal(la_format_id(la_format_probe("x.ips", "x.ips", "{\"bug_type\":\"210\"}\n",
                                                     19, &conf, NULL)), "ips-panic");
    assert_int_equal(conf, 95);
    /* Nothing bids: the name, but the place first. */
    assert_string_equal(probe("a.ips", "not json at all\n"), "ips-crash");
    assert_string_equal(probe("a.ips", ""), "ips-crash");
    assert_string_equal(la_format_id(la_format_probe(sd, "a.ips", "x\n", 2, NULL, NULL)),
                        "sysdiagnose-text");
    assert_string_equal(la_format_id(la_format_probe("x", "x", "\x7f" "ELF\x02\x01", 6, &conf,
                                                     &why)), "binary");
    assert_string_equal(why, "binary (ELF executable)");
    assert_int_equal(conf, 100);
}

static enum la_rc count_rec(void *user, const struct la_record *r)
{
    (void)r;
    (*(unsigned *)user)++;
    return LA_OK;
}

/* Whether the lines (joined by '\n') parse as bad JSON with format fmt. */
static int bad_json(const char *fmt, const char *const *lines)
{
    struct la_parser *p = la_parser_new(la_format_find(fmt), "x.ips");
    unsigned n = 0;
    int bad;

    assert_non_null(p);
    for (uint64_t k = 0; lines[k]; k++)
        assert_int_equal(la_parser_line(p, la_sv_cstr(lines[k]), k + 1, count_rec, &n), LA_OK);
    assert_int_equal(la_parser_finish(p, count_rec, &n), LA_OK);
    bad = la_parser_bad_json(p);
    la_parser_free(p);
    return bad;
}

/* The .ips parse hook checks the JSON as it streams; other formats are never bad JSON. */
static void ips_json_check(void **state)
{
    static const char *const good[] = { "{\"bug_type\":\"309\"}", "{", "  \"a\" : [1, \"]\"],",
                                        "  \"b\" : {\"c\" : \"\\\"{\"}", "}", NULL };
    static const char *const bad_header[] = { "not json", "{", "}", NULL };
    static const char *const unclosed[] = { "{\"bug_type\":\"309\"}", "{", "  \"a\" : [1,",
                                            NULL };
    static const char *const open_string[] = { "{\"bug_type\":\"309\"}", "{", "  \"a\" : \"x",
                                               "\"}", NULL };
    static const char *const too_many[] = { "{\"bug_type\":\"309\"}", "{", "}}", NULL };

    (void)state;
    assert_false(bad_json("ips-crash", good));
    assert_true(bad_json("ips-crash", bad_header));
    assert_true(bad_json("ips-crash", unclosed));
    assert_true(bad_json("ips-panic", open_string));
    assert_true(bad_json("ips-panic", too_many));
    assert_false(bad_json("text", bad_header));
    assert_false(bad_json("crash-text", unclosed));
}

/* Rows flagged NO_UNWRAP are never taken for a wrapped paste: every piece is a record. */
static void no_unwrap_rows_stay_cut(void **state)
{
    struct la_buf text = LA_BUF_INIT;
    static const char *const fmts[] = { "itunes-updater", "sysdiagnose-text" };

    (void)state;
    cut(&text, itunes_log, ITUNES_N, 64, 1, "");
    for (int k = 0; k < 2; k++) {
        struct la_parser *p = la_parser_new(la_format_find(fmts[k]), "paste.txt");
        unsigned n = 0, lines = 0;
        assert_non_null(p);
        la_parser_set_head(p, text.buf, text.len < 4096 ? text.len : 4096);
        for (const char *s = text.buf; *s; lines++) {
            const char *nl = strchr(s, '\n');
            assert_int_equal(la_parser_line(p, la_sv_make(s, (size_t)(nl - s)), lines + 1,
                                            count_rec, &n), LA_OK);
            s = nl + 1;
        }
        assert_int_equal(la_parser_finish(p, count_rec, &n), LA_OK);
        if (k == 0) {
            assert_int_equal(la_parser_wrap_width(p), 64);
            assert_int_equal(n, ITUNES_N);
        } else {
            assert_int_equal(la_parser_wrap_width(p), 0);
            assert_int_equal(la_parser_rejoined(p), 0);
            assert_int_equal(n, lines);
        }
        la_parser_free(p);
    }
    la_buf_release(&text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(probes), cmocka_unit_test(records), cmocka_unit_test(times),
        cmocka_unit_test(midnight_rollover),
        cmocka_unit_test(ips_panic_string_expanded),
        cmocka_unit_test(rejoins_mail_wrapped),
        cmocka_unit_test(rejoins_console_cut),
        cmocka_unit_test(rejoins_short_pastes),
        cmocka_unit_test(probe_sees_through_wrapping),
        cmocka_unit_test(probe_hands_parser_the_wrap),
        cmocka_unit_test(leaves_unwrapped_logs_alone),
        cmocka_unit_test(rejoin_is_bounded),
        cmocka_unit_test(table_rows),
        cmocka_unit_test(readme_lists_every_format),
        cmocka_unit_test(probe_tiebreaks),
        cmocka_unit_test(probe_bid_hooks),
        cmocka_unit_test(probe_sniffs_and_hints),
        cmocka_unit_test(ips_json_check),
        cmocka_unit_test(no_unwrap_rows_stay_cut),
        cmocka_unit_test(case_lost_pastes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
