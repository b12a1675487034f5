/* Unit tests: probes and record parsing for each line shape. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
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
    assert_string_equal(probe("notes.txt", "hello world\nnothing here\n"), "text");
}

struct got {
    char msg[256];
    char comp[64];
    int64_t time;
    int has_date;
    int n;
};

static enum la_rc keep(void *user, const struct la_record *r)
{
    struct got *g = user;
    snprintf(g->msg, sizeof(g->msg), "%.*s", (int)r->message.len, r->message.p);
    snprintf(g->comp, sizeof(g->comp), "%.*s", (int)r->component.len, r->component.p);
    g->time = r->time;
    g->has_date = r->has_date;
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
}

static void ips_panic_string_expanded(void **state)
{
    struct la_parser *p = la_parser_new(la_format_find("ips-panic"), "panic-full.ips");
    struct got g;

    memset(&g, 0, sizeof(g));
    assert_int_equal(la_parser_line(p, la_sv_cstr("  \"panicString\" : \"panic(cpu 2 caller 0x1): "
                                                  "\\\"i2c0::_checkInterrupts\\\"\\nPaniclog "
                                                  "version: 14\\n\","), 7, keep, &g), LA_OK);
    assert_int_equal(g.n, 3);
    assert_string_equal(g.msg, "Paniclog version: 14");
    la_parser_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(probes), cmocka_unit_test(records),
        cmocka_unit_test(ips_panic_string_expanded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
