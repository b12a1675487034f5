/*
 * Unit tests: the analysis — attempt segmentation and joining, result codes,
 * stage of failure, correlation (count, after, unless), evidence against,
 * scoring direction, --tried, redaction.  Each test writes a small rule file
 * and log into a temp folder and runs the engine on them with the shipped
 * causes/codes/stages data (LOGANALYZE_DATADIR, set by meson).
 */
#include "config.h"

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

#include "analyze/analyze.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/limits.h"

static char dir[] = "/tmp/la-test-analyze-XXXXXX";

static void put(const char *name, const char *text)
{
    char p[512];
    FILE *f;

    snprintf(p, sizeof(p), "%s/%s", dir, name);
    f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A rule file: kinds for structure, and evidence for two causes. */
static const char *const rules =
    "rules:\n"
    "  - id: t.start\n    title: start\n    kind: attempt\n"
    "    match: {s: {contains: 'restore library built'}}\n"
    "    samples: ['restore library built x']\n    not: ['y']\n"
    "  - id: t.result\n    title: result\n    kind: result\n"
    "    match: {r: {re: 'Restore completed, status: ?(?<code>-?[0-9]+)'}}\n"
    "    samples: ['Restore completed, status: 0']\n    not: ['y']\n"
    "  - id: t.stage\n    title: stage\n    kind: stage\n"
    "    match: {s: {re: 'entering (?<stage>[a-z_]+)'}}\n"
    "    samples: ['entering update_baseband']\n    not: ['y']\n"
    "  - id: t.model\n    title: model\n    kind: fact\n"
    "    match: {s: {re: 'ProductType: (?<model>iPhone[0-9]+,[0-9]+)'}}\n"
    "    samples: ['ProductType: iPhone9,3']\n    not: ['y']\n"
    "  - id: t.bb\n    title: baseband dead\n    cause: baseband\n    weight: 3\n"
    "    match: {s: {contains: 'Fail to ping baseband'}}\n"
    "    samples: ['Fail to ping baseband']\n    not: ['y']\n"
    "  - id: t.bb7\n    title: iPhone 7 at baseband\n    cause: baseband\n    weight: 2\n"
    "    applies: {model: ['iPhone9,*']}\n    when: {stage: [update_baseband]}\n"
    "    match: {s: {contains: 'status: 4013'}}\n"
    "    samples: ['status: 4013']\n    not: ['y']\n"
    "  - id: t.usb\n    title: usb gone\n    cause: usb-link\n    weight: 2\n"
    "    count: {min: 3, within: 10s}\n"
    "    match: {s: {contains: 'device disconnected'}}\n"
    "    samples: ['device disconnected']\n    not: ['y']\n"
    "  - id: t.stall\n    title: stall\n    cause: usb-link\n    weight: 2\n"
    "    unless: {rule: t.benign, within: 2s}\n"
    "    match: {s: {contains: 'pipe stall'}}\n"
    "    samples: ['pipe stall']\n    not: ['y']\n"
    "  - id: t.benign\n    title: benign\n    kind: fact\n"
    "    match: {s: {contains: 'radio-error not set'}}\n"
    "    samples: ['radio-error not set']\n    not: ['y']\n"
    "  - id: t.host\n    title: host\n    kind: fact\n"
    "    match: {s: {re: 'iTunes: (?<host>iTunes [0-9.]+)'}}\n"
    "    samples: ['iTunes: iTunes 12.1']\n    not: ['y']\n"
    "  - id: t.ecid\n    title: ecid\n    kind: fact\n"
    "    match: {s: {re: 'ECID: (?<ecid>0x[0-9A-F]+)'}}\n"
    "    samples: ['ECID: 0x1A2B3C4D5E6F7']\n    not: ['y']\n"
    "  - id: t.nobb\n    title: baseband answered\n    cause: baseband\n    effect: against\n"
    "    weight: 4\n    match: {s: {contains: 'baseband answered'}}\n"
    "    samples: ['baseband answered']\n    not: ['y']\n";

/* Run on the folder dir/case holding host.log and device.log. */
static json_t *run_dir(const char *host, const char *device)
{
    struct la_engine_opts o;
    struct la_limits lim = LA_LIMITS_DEFAULT;
    struct la_engine *e = NULL;
    char rpath[512], cdir[512];
    const char *rp[2] = { rpath, NULL };
    json_t *rep = NULL;

    snprintf(rpath, sizeof(rpath), "%s/rules.yaml", dir);
    snprintf(cdir, sizeof(cdir), "%s/case", dir);
    mkdir(cdir, 0700);
    put("rules.yaml", rules);
    put("case/host.log", host);
    put("case/device.log", device);
    memset(&o, 0, sizeof(o));
    o.limits = lim;
    o.rule_paths = rp;
    o.no_default_rules = 1;
    o.deterministic = 1;
    assert_int_equal(la_engine_new(&e, &o, NULL), LA_OK);
    assert_int_equal(la_engine_analyze(e, cdir, &rep, NULL), LA_OK);
    la_engine_free(e);
    return rep;
}

static json_t *run_rules(const char *rule_text, const char *log, const char *const *tried,
                         int redact)
{
    struct la_engine_opts o;
    struct la_limits lim = LA_LIMITS_DEFAULT;
    struct la_engine *e = NULL;
    char rpath[512], lpath[512];
    const char *rp[2] = { rpath, NULL };
    json_t *rep = NULL;

    snprintf(rpath, sizeof(rpath), "%s/rules.yaml", dir);
    snprintf(lpath, sizeof(lpath), "%s/x.log", dir);
    put("rules.yaml", rule_text);
    put("x.log", log);
    memset(&o, 0, sizeof(o));
    o.limits = lim;
    o.rule_paths = rp;
    o.no_default_rules = 1;
    o.redact = redact;
    o.redact_key = "k";
    o.tried = tried;
    o.deterministic = 1;
    assert_int_equal(la_engine_new(&e, &o, NULL), LA_OK);
    assert_int_equal(la_engine_analyze(e, lpath, &rep, NULL), LA_OK);
    la_engine_free(e);
    return rep;
}

static json_t *run(const char *log, const char *const *tried, int redact)
{
    return run_rules(rules, log, tried, redact);
}

static const char *outcome(const json_t *r)
{
    return json_string_value(json_object_get(r, "outcome"));
}

static const char *top(const json_t *r)
{
    return json_string_value(json_object_get(json_array_get(json_object_get(r, "causes"), 0),
                                             "id"));
}

static double conf(const json_t *r, const char *id)
{
    size_t i;
    json_t *c;

    json_array_foreach(json_object_get(r, "causes"), i, c)
        if (!strcmp(json_string_value(json_object_get(c, "id")), id))
            return json_real_value(json_object_get(c, "confidence"));
    return 0;
}

static void attempts_and_results(void **state)
{
    json_t *r = run("restore library built a\nentering restore_image\n"
                    "Restore completed, status: 0\n"
                    "restore library built b\nentering update_baseband\nFail to ping baseband\n"
                    "Restore completed, status: 4013\n", NULL, 0);
    json_t *att = json_object_get(r, "attempts");

    assert_int_equal(json_array_size(att), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(att, 0), "outcome")),
                        "succeeded");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(att, 1), "result")), 4013);
    assert_string_equal(json_string_value(json_object_get(json_array_get(att, 1), "stage")),
                        "update_baseband");
    /* The verdict is about the failed attempt. */
    assert_string_equal(outcome(r), "failed");
    assert_string_equal(top(r), "baseband");
    assert_int_equal(json_integer_value(json_array_get(json_object_get(r, "error_codes"), 0)),
                     4013);
    json_decref(r);
}

static void success_only(void **state)
{
    json_t *r = run("restore library built a\nRestore completed, status: 0\n", NULL, 0);

    assert_string_equal(outcome(r), "succeeded");
    assert_int_equal(json_array_size(json_object_get(r, "causes")), 0);
    json_decref(r);
}

static void no_restore(void **state)
{
    json_t *r = run("hello\nnothing here\n", NULL, 0);

    assert_string_equal(outcome(r), "no-restore-found");
    assert_true(json_array_size(json_object_get(r, "collect")) > 0);
    json_decref(r);
}

static void applies_and_when(void **state)
{
    /* iPhone 7 at update_baseband: the model- and stage-bound rule counts. */
    json_t *a = run("restore library built\nProductType: iPhone9,3\nentering update_baseband\n"
                    "Restore completed, status: 4013\n", NULL, 0);
    /* Another model: it does not. */
    json_t *b = run("restore library built\nProductType: iPhone12,1\nentering update_baseband\n"
                    "Restore completed, status: 4013\n", NULL, 0);

    assert_string_equal(top(a), "baseband");
    assert_true(conf(a, "baseband") > conf(b, "baseband"));
    json_decref(a);
    json_decref(b);
}

static void count_within(void **state)
{
    /* Two disconnects are not enough; three within 10 s are. */
    json_t *a = run("restore library built\n"
                    "2020-01-01 10:00:00.000 [1:1]: device disconnected\n"
                    "2020-01-01 10:00:01.000 [1:1]: device disconnected\n"
                    "Restore completed, status: 4013\n", NULL, 0);
    json_t *b = run("restore library built\n"
                    "2020-01-01 10:00:00.000 [1:1]: device disconnected\n"
                    "2020-01-01 10:00:01.000 [1:1]: device disconnected\n"
                    "2020-01-01 10:00:02.000 [1:1]: device disconnected\n"
                    "Restore completed, status: 4013\n", NULL, 0);
    json_t *c = run("restore library built\n"
                    "2020-01-01 10:00:00.000 [1:1]: device disconnected\n"
                    "2020-01-01 10:00:30.000 [1:1]: device disconnected\n"
                    "2020-01-01 10:01:00.000 [1:1]: device disconnected\n"
                    "Restore completed, status: 4013\n", NULL, 0);

    assert_true(conf(b, "usb-link") > conf(a, "usb-link"));
    assert_true(conf(b, "usb-link") > conf(c, "usb-link"));
    json_decref(a);
    json_decref(b);
    json_decref(c);
}

static void unless_suppresses(void **state)
{
    json_t *a = run("restore library built\n"
                    "2020-01-01 10:00:00.000 [1:1]: pipe stall\n"
                    "2020-01-01 10:00:00.500 [1:1]: radio-error not set\n"
                    "Restore completed, status: 4013\n", NULL, 0);
    json_t *b = run("restore library built\n"
                    "2020-01-01 10:00:00.000 [1:1]: pipe stall\n"
                    "2020-01-01 10:00:09.000 [1:1]: radio-error not set\n"
                    "Restore completed, status: 4013\n", NULL, 0);

    assert_true(conf(b, "usb-link") > conf(a, "usb-link"));
    json_decref(a);
    json_decref(b);
}

static void against_lowers(void **state)
{
    json_t *a = run("restore library built\nFail to ping baseband\n"
                    "Restore completed, status: 4013\n", NULL, 0);
    json_t *b = run("restore library built\nFail to ping baseband\nbaseband answered\n"
                    "Restore completed, status: 4013\n", NULL, 0);
    json_t *c0 = json_array_get(json_object_get(b, "causes"), 0);

    assert_true(conf(a, "baseband") > conf(b, "baseband"));
    (void)c0;
    json_decref(a);
    json_decref(b);
}

static void tried_moves_ranking(void **state)
{
    static const char *const tried[] = { "cable", "direct-port", NULL };
    const char *log = "restore library built\n"
                      "2020-01-01 10:00:00.000 [1:1]: device disconnected\n"
                      "2020-01-01 10:00:01.000 [1:1]: device disconnected\n"
                      "2020-01-01 10:00:02.000 [1:1]: device disconnected\n"
                      "Restore completed, status: 4013\n";
    json_t *a = run(log, NULL, 0), *b = run(log, tried, 0);

    assert_true(conf(b, "usb-link") < conf(a, "usb-link"));
    assert_true(json_array_size(json_object_get(b, "ranking_notes")) > 0);
    json_decref(a);
    json_decref(b);
}

static void redaction(void **state)
{
    json_t *r = run("restore library built\nECID: 0x1A2B3C4D5E6F7 serial: C39XK1ABHG7F\n"
                    "mail lena@example.com\nFail to ping baseband\n"
                    "Restore completed, status: 4013\n", NULL, 1);
    char *s = json_dumps(r, 0);

    assert_non_null(s);
    assert_null(strstr(s, "1A2B3C4D5E6F7"));
    assert_null(strstr(s, "C39XK1ABHG7F"));
    assert_null(strstr(s, "lena@example.com"));
    free(s);
    json_decref(r);
}

/* An evidence line cut at its byte cap inside an identifier keeps none of it (redaction only
 * knows whole values): the cut moves back to the start of the word. */
static void evidence_cut_keeps_no_part_of_an_identifier(void **state)
{
    char log[1024];
    json_t *r;
    char *s;

    (void)state;
    /* "ECID:" ends at byte 397, so a cut at 400 would keep "0x1" of the value. */
    snprintf(log, sizeof(log), "restore library built\nFail to ping baseband%*sECID:0x1A2B3C4D5E6F7"
             " and more\nRestore completed, status: 4013\n", 371, "");
    r = run(log, NULL, 1);
    s = json_dumps(r, 0);
    assert_non_null(s);
    assert_non_null(strstr(s, "Fail to ping baseband"));
    assert_null(strstr(s, "0x1"));
    assert_null(strstr(s, "1A2B"));
    free(s);
    json_decref(r);
}

/* la_engine_redact() on one line: want is the line with every identifier replaced. */
static void redacts_to(struct la_engine *e, const char *line, const char *want)
{
    char *got = la_engine_redact(e, line, strlen(line));

    assert_non_null(got);
    if (strcmp(got, want))
        fail_msg("redacting '%s'\n  got  '%s'\n  want '%s'", line, got, want);
    la_free(got);
}

/*
 * The spellings real logs use, each replaced whole; and what must stay: build ids, error
 * codes, timestamps, addresses, chip and board ids, UUIDs, digests, steps.  Tokens are
 * HMAC(key "k") of the normalised value, so the forms of one identifier share a token.
 */
static void redaction_spellings(void **state)
{
    struct la_engine_opts o;
    struct la_engine *e = NULL;
    static const char *const none[] = { NULL };
    static const char *const keep[] = {
        "[10:52:06.056] <Restore Device 0x191823f0>: operation 59 progress 0",
        "AMRestorePerformRestoreModeRestore failed with error: 0xe8000015 (4013)",
        "2024-03-01 10:52:06.123 Build 21A5248v, BuildID 20G75, iBoot-8422.141.2",
        "CPID:8030 CPRV:11 CPFM:03 SCEP:01 BDID:0C IBFL:3C ChipID: 0x8030 BoardID: 0x0C",
        "Incident Identifier: 3F2504E0-4F89-11D3-9A0C-0305E82C3301 uuid 8f0c3a1b2d4e5f60718293a4b5c6d7e8",
        "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 step 0x2f",
        "Serial: NotAvailable serial port ttyUSB0 Intel 8086 hotel 5551234567 tel",
        "<Restore Device 0000025762236D20>: checkpoint 1203 status 0x0 took 12345 ms",
        "<key>ProductType</key> <string>iPhone12,1</string> <string>21G93</string>",
        "<string>UNAVAILABLE</string> <string>ABCDEFGHIJKL</string> <string>c39xk1abhg7f</string>",
        NULL
    };

    (void)state;
    memset(&o, 0, sizeof(o));
    o.limits = (struct la_limits)LA_LIMITS_DEFAULT;
    o.rule_paths = none;
    o.no_default_rules = 1;
    o.redact = 1;
    o.redact_key = "k";
    assert_int_equal(la_engine_new(&e, &o, NULL), LA_OK);
    for (size_t i = 0; keep[i]; i++)
        redacts_to(e, keep[i], keep[i]);
    /* One device's ECID in its spellings: one token. */
    redacts_to(e, "ApECID = 0x1A2B3C4D5E6F7; UniqueChipID: 0x001a2b3c4d5e6f7",
               "ApECID = ecid-db52c353; UniqueChipID: ecid-db52c353");
    redacts_to(e, "\"ecid\" : 18446744073709551615, <key>ApECID</key><integer>12345678901234567"
                  "</integer>",
               "\"ecid\" : ecid-f6cff7c8, <key>ApECID</key><integer>ecid-939f8c7e</integer>");
    /* A plist's value on the line under its <key>SerialNumber</key> (logs are read line by
     * line, so the label is not on it): its shape in a <string> says it. */
    redacts_to(e, "\t<string>C39XK1ABHG7F</string>", "\t<string>serial-163aa0d7</string>");
    /* UDIDs: dashed or not, in any case, next to '_'; a 40-hex one. */
    redacts_to(e, "iPhone_00008030-001A2B3C4D5E6F7A_backup 00008030001a2b3c4d5e6f7a",
               "iPhone_udid-4b6f5d2b_backup udid-4b6f5d2b");
    redacts_to(e, "<key>UniqueDeviceID</key><string>c8e31a07d2f94b6e05a1c3d79e2b48f01a2b3c4d"
                  "</string>",
               "<key>UniqueDeviceID</key><string>udid-fb2b6e3b</string>");
    /* Serial numbers under their labels. */
    redacts_to(e, "Serial No.: C39XK0ABHG7F, SrNm:[F2LXK3J9KXKN], serial#DNPX1234ABCD",
               "Serial No.: serial-0b45ca9a, SrNm:[serial-7f099b14], serial#serial-7c1d2da1");
    redacts_to(e, "<key>SerialNumber</key><string>H7J2K4L9XQ</string> device serial number is "
                  "F4GZK1A7N72J",
               "<key>SerialNumber</key><string>serial-dca3c9dd</string> device serial number is "
               "serial-56b35c6f");
    /* IMEIs grouped or not: one token; MEID. */
    redacts_to(e, "IMEI: 35 209900 176148 1 InternationalMobileEquipmentIdentity=352099001761481",
               "IMEI: imei-1a81c7c7 InternationalMobileEquipmentIdentity=imei-1a81c7c7");
    /* Phone numbers: international, labelled national, US. */
    redacts_to(e, "PhoneNumber: 07700 900123, call (415) 555-0132 or +44 20 7946 0958",
               "PhoneNumber: phone-15afc2fc, call phone-4d334e33 or phone-1e097c6c");
    la_engine_free(e);
}

static void join_needs_same_device(void **state)
{
    const char *host = "restore library built\nECID: 0x1A2B3C4D5E6F7\n"
                       "Restore completed, status: 4013\n";
    json_t *same = run_dir(host, "ECID: 0x1A2B3C4D5E6F7\nFail to ping baseband\n");
    json_t *other = run_dir(host, "ECID: 0x99999999999\nFail to ping baseband\n");

    /* The device log of the same device joins the host attempt: its evidence decides. */
    assert_int_equal(json_array_size(json_object_get(same, "attempts")), 1);
    assert_string_equal(top(same), "baseband");
    /* Another device's log stays apart: two attempts, the host's own failure is the verdict. */
    assert_int_equal(json_array_size(json_object_get(other, "attempts")), 2);
    assert_true(conf(other, "baseband") < conf(same, "baseband"));
    json_decref(same);
    json_decref(other);
}

/* Captures and set: values mean the same, but a code printed on a result line wins. */
static void captured_and_set_values(void **state)
{
    static const char *const vrules =
        "rules:\n"
        "  - id: v.start\n    title: start\n    kind: attempt\n"
        "    match: {s: {contains: 'restore library built'}}\n"
        "    samples: ['restore library built x']\n    not: ['y']\n"
        "  - id: v.result\n    title: result\n    kind: result\n"
        "    match: {r: {re: 'status: ?(?<code>-?[0-9]+)'}}\n"
        "    samples: ['status: 0']\n    not: ['y']\n"
        "  - id: v.tss\n    title: tss 94\n    kind: result\n    set: {code: '3194'}\n"
        "    match: {s: {contains: 'STATUS=94'}}\n"
        "    samples: ['STATUS=94']\n    not: ['y']\n"
        "  - id: v.generic\n    title: generic\n    kind: fact\n    set: {code: '-1'}\n"
        "    match: {s: {contains: 'generic failure'}}\n"
        "    samples: ['generic failure']\n    not: ['y']\n"
        "  - id: v.cp\n    title: checkpoint\n    kind: stage\n    set: {checkpoint: '0x1303'}\n"
        "    match: {s: {contains: 'modem step'}}\n"
        "    samples: ['modem step']\n    not: ['y']\n";
    /* The printed result replaces the implied one; the implied one fills a gap. */
    json_t *a = run_rules(vrules, "restore library built\nSTATUS=94\nstatus: 4013\n", NULL, 0);
    json_t *b = run_rules(vrules, "restore library built\nstatus: 4013\nSTATUS=94\n", NULL, 0);
    json_t *c = run_rules(vrules, "restore library built\nSTATUS=94\n", NULL, 0);
    /* A negative code counts only as a result; a set checkpoint names a stage. */
    json_t *d = run_rules(vrules, "restore library built\nmodem step\ngeneric failure\n"
                                  "status: -1\n", NULL, 0);
    json_t *e = run_rules(vrules, "restore library built\ngeneric failure\nstatus: 4013\n",
                          NULL, 0);
    json_t *ad = json_array_get(json_object_get(d, "attempts"), 0);

    assert_int_equal(json_integer_value(json_array_get(json_object_get(a, "error_codes"), 0)),
                     4013);
    assert_int_equal(json_integer_value(json_array_get(json_object_get(b, "error_codes"), 0)),
                     4013);
    assert_int_equal(json_integer_value(json_array_get(json_object_get(c, "error_codes"), 0)),
                     3194);
    assert_int_equal(json_integer_value(json_object_get(ad, "result")), -1);
    assert_string_equal(json_string_value(json_object_get(ad, "stage")), "update_baseband");
    assert_int_equal(json_array_size(json_object_get(e, "error_codes")), 1);
    json_decref(a);
    json_decref(b);
    json_decref(c);
    json_decref(d);
    json_decref(e);
}

/* The code at index i of a report's codes: its number, space, printed flag and origin. */
static void assert_code(const json_t *rep, size_t i, long code, const char *space, int printed,
                        const char *from)
{
    const json_t *c = json_array_get(json_object_get(rep, "codes"), i);

    assert_non_null(c);
    assert_int_equal(json_integer_value(json_object_get(c, "code")), code);
    assert_string_equal(json_string_value(json_object_get(c, "space")), space);
    assert_int_equal(json_is_true(json_object_get(c, "printed")), printed);
    if (from)
        assert_string_equal(json_string_value(json_object_get(c, "from")), from);
    else
        assert_null(json_object_get(c, "from"));
}

/* Codes keep their numbering space; a set: code is mapped beside the printed one, never instead. */
static void spaced_and_mapped_codes(void **state)
{
    static const char *const srules =
        "rules:\n"
        "  - id: s.start\n    title: start\n    kind: attempt\n"
        "    match: {s: {contains: 'restore library built'}}\n"
        "    samples: ['restore library built x']\n    not: ['y']\n"
        "  - id: s.tss\n    title: tss\n    kind: fact\n    set: {code: '3194'}\n"
        "    match: {s: {re: 'TSS request failed \\(status=(?<code_tss>94)'}}\n"
        "    samples: ['TSS request failed (status=94)']\n    not: ['y']\n"
        "  - id: s.implied\n    title: implied\n    kind: fact\n    set: {code: '6'}\n"
        "    match: {s: {contains: 'Status: Disk Failure'}}\n"
        "    samples: ['Status: Disk Failure']\n    not: ['y']\n"
        "  - id: s.bbu\n    title: bbu\n    kind: fact\n"
        "    match: {s: {re: 'BBUpdater error (?<code_bbu>\\d+)'}}\n"
        "    samples: ['BBUpdater error 50']\n    not: ['y']\n"
        "  - id: s.ramrod\n    title: ramrod hex\n    kind: fact\n"
        "    match: {s: {re: 'RamrodErrorDomain/(?<code_ramrod_hex>[0-9a-f]+):'}}\n"
        "    samples: ['0: RamrodErrorDomain/3e9: x']\n    not: ['y']\n"
        "  - id: s.fr\n    title: fr\n    kind: result\n"
        "    match: {s: {re: 'Failed with errorcode=(?<code_fr>-?\\d+)'}}\n"
        "    samples: ['Failed with errorcode=-10']\n    not: ['y']\n"
        "  - id: s.step\n    title: step\n    kind: fact\n"
        "    match: {s: {re: 'FAILURE:(?<code_step>-?\\d+)'}}\n"
        "    samples: ['FAILURE:14']\n    not: ['y']\n"
        "  - id: s.fail\n    title: failed\n    kind: result\n    outcome: failed\n"
        "    match: {s: {contains: 'RESTORE FAILED'}}\n"
        "    samples: ['RESTORE FAILED']\n    not: ['y']\n"
        "  - id: s.status\n    title: status only\n    kind: fact\n"
        "    match: {s: {re: 'server status (?<code_tss>\\d+)'}}\n"
        "    samples: ['server status 33']\n    not: ['y']\n"
        "  - id: s.when\n    title: when 3133\n    cause: host-software\n    weight: 3\n"
        "    when: {code: [3133]}\n"
        "    match: {s: {contains: 'when marker'}}\n"
        "    samples: ['when marker']\n    not: ['y']\n"
        "  - id: s.typo\n    title: unknown space\n    kind: fact\n"
        "    match: {s: {re: 'weird (?<code_nosuch>\\d+)'}}\n"
        "    samples: ['weird 5']\n    not: ['y']\n";
    /* TSS 94 printed, 3194 mapped beside it; a set: code without a printed one has no origin;
     * an off-line space keeps its own number; hex captures; an unknown space is ignored. */
    json_t *a = run_rules(srules, "restore library built\nBBUpdater error 50\n"
                                  "TSS request failed (status=94)\nStatus: Disk Failure\n"
                                  "0: RamrodErrorDomain/3e9: update_iBoot\nweird 5\n"
                                  "FAILURE:-1\n", NULL, 0);
    /* A futurerestore result is negative and kept (its space is not the error-number line);
     * the mapped number comes right after its origin, the result first. */
    json_t *b = run_rules(srules, "restore library built\nTSS request failed (status=94)\n"
                                  "Failed with errorcode=-10\n", NULL, 0);
    /* No result: the prior is the first code's on the error-number line, read in its space:
     * TSS 94 is the signing server's 3194, where AMRestore 94 would be the USB link's. */
    json_t *c = run_rules(srules, "restore library built\nBBUpdater error 50\n"
                                  "TSS request failed (status=94)\nRESTORE FAILED\n", NULL, 0);
    /* when: code compares restore error numbers: TSS status 33 is error 3133. */
    json_t *d = run_rules(srules, "restore library built\nserver status 33\nwhen marker\n"
                                  "RESTORE FAILED\n", NULL, 0);
    json_t *e = run_rules(srules, "restore library built\nwhen marker\nRESTORE FAILED\n", NULL,
                          0);
    json_t *ec = json_object_get(a, "error_codes");

    assert_int_equal(json_array_size(ec), 5);
    /* The error-number line's codes first (in the order seen), then the other spaces'. */
    assert_int_equal(json_integer_value(json_array_get(ec, 0)), 94);
    assert_int_equal(json_integer_value(json_array_get(ec, 1)), 3194);
    assert_int_equal(json_integer_value(json_array_get(ec, 2)), 6);
    assert_int_equal(json_integer_value(json_array_get(ec, 3)), 50);
    assert_int_equal(json_integer_value(json_array_get(ec, 4)), 1001);
    assert_int_equal(json_array_size(json_object_get(a, "codes")), 5);
    assert_code(a, 0, 94, "tss", 1, NULL);
    assert_code(a, 1, 3194, "dialog", 0, "tss:94");
    assert_code(a, 2, 6, "dialog", 0, NULL);
    assert_code(a, 3, 50, "bbu", 1, NULL);
    assert_code(a, 4, 1001, "ramrod", 1, NULL);
    assert_string_equal(json_string_value(json_object_get(json_array_get(
                            json_object_get(c, "causes"), 0), "id")), "signing-server");
    assert_code(b, 0, -10, "fr", 1, NULL);
    assert_code(b, 1, 94, "tss", 1, NULL);
    assert_code(b, 2, 3194, "dialog", 0, "tss:94");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(
                         json_object_get(b, "attempts"), 0), "result")), -10);
    assert_string_equal(top(d), "host-software");
    assert_string_not_equal(top(e), "host-software");
    /* At most LA_MAX_CODES distinct codes per attempt: the first ones are kept. */
    struct la_buf many = LA_BUF_INIT;
    assert_int_equal(la_buf_adds(&many, "restore library built\n"), LA_OK);
    for (unsigned i = 0; i < LA_MAX_CODES + 8; i++)
        assert_int_equal(la_buf_addf(&many, "BBUpdater error %u\n", i + 1), LA_OK);
    json_t *f = run_rules(srules, many.buf, NULL, 0);
    assert_int_equal(json_array_size(json_object_get(f, "codes")), LA_MAX_CODES);
    assert_code(f, 0, 1, "bbu", 1, NULL);
    json_decref(f);
    la_buf_release(&many);
    json_decref(a);
    json_decref(b);
    json_decref(c);
    json_decref(d);
    json_decref(e);
}

/* A code printed as its catalogue name (code_<space>_name) is recorded with its number. */
static void named_codes(void **state)
{
    static const char *const nrules =
        "rules:\n"
        "  - id: n.start\n    title: start\n    kind: attempt\n"
        "    match: {s: {contains: 'restore library built'}}\n"
        "    samples: ['restore library built x']\n    not: ['y']\n"
        "  - id: n.libusb\n    title: libusb name\n    kind: fact\n"
        "    match: {s: {re: '\\b(?<code_libusb_name>LIBUSB_ERROR_[A-Z_]+)'}}\n"
        "    samples: ['x: LIBUSB_ERROR_ACCESS']\n    not: ['y']\n"
        "  - id: n.amd\n    title: amd name\n    kind: fact\n"
        "    match: {s: {re: '\\b(?<code_amd_name>kAMD[A-Za-z]+)'}}\n"
        "    samples: ['kAMDMuxError']\n    not: ['y']\n"
        "  - id: n.fail\n    title: failed\n    kind: result\n    outcome: failed\n"
        "    match: {s: {contains: 'RESTORE FAILED'}}\n"
        "    samples: ['RESTORE FAILED']\n    not: ['y']\n";
    (void)state;
    /* Names libusb and MobileDevice have; one neither has (and a libusb name in the wrong
     * space) is not a code. */
    json_t *a = run_rules(nrules, "restore library built\n"
                                  "irecv_open_with_ecid: can't connect to device: LIBUSB_ERROR_ACCESS\n"
                                  "LIBUSB_ERROR_NOSUCHTHING\nkAMDMuxError\nkAMDNoSuchError\n"
                                  "RESTORE FAILED\n", NULL, 0);
    assert_int_equal(json_array_size(json_object_get(a, "codes")), 2);
    assert_code(a, 0, -3, "libusb", 1, NULL);
    assert_code(a, 1, 0xe8000035, "amd", 1, NULL);
    json_decref(a);
}

/* A match keeps its stage after the attempt's stage list dropped it (more than 32 stages). */
static void many_stages(void **state)
{
    static const char *const srules =
        "rules:\n"
        "  - id: s.start\n    title: start\n    kind: attempt\n"
        "    match: {s: {contains: 'restore library built'}}\n"
        "    samples: ['restore library built x']\n    not: ['y']\n"
        "  - id: s.result\n    title: result\n    kind: result\n"
        "    match: {r: {re: 'status: ?(?<code>-?[0-9]+)'}}\n"
        "    samples: ['status: 0']\n    not: ['y']\n"
        "  - id: s.stage\n    title: stage\n    kind: stage\n"
        "    match: {s: {re: 'entering (?<stage>[a-z0-9_]+)'}}\n"
        "    samples: ['entering s1']\n    not: ['y']\n"
        "  - id: s.bb\n    title: baseband dead\n    cause: baseband\n    weight: 3\n"
        "    when: {stage: [s1]}\n"
        "    match: {s: {contains: 'Fail to ping baseband'}}\n"
        "    samples: ['Fail to ping baseband']\n    not: ['y']\n";
    char log[2048];
    size_t n = (size_t)snprintf(log, sizeof(log), "restore library built\nentering s0\n"
                                "entering s1\nFail to ping baseband\n");

    for (int i = 2; i <= 40; i++)
        n += (size_t)snprintf(log + n, sizeof(log) - n, "entering s%d\n", i);
    snprintf(log + n, sizeof(log) - n, "status: 4013\n");
    json_t *r = run_rules(srules, log, NULL, 0);
    json_t *st = json_object_get(json_array_get(json_object_get(r, "attempts"), 0), "stages");

    assert_int_equal(json_array_size(st), 32);
    assert_string_equal(json_string_value(json_array_get(st, 1)), "s10");
    /* The match came at s1, long dropped from the list: when: stage still holds. */
    assert_string_equal(top(r), "baseband");
    assert_true(json_array_size(json_object_get(json_array_get(json_object_get(r, "causes"), 0),
                                                "evidence")) == 1);
    json_decref(r);
}

/* The cascade tests: structure rules, and a producer's vocabulary pack with a wrapper that
 * names the signing server, the deeper error it wraps (the host tool), a hint, a warning
 * and a message repeated in a retry loop; plus one decisive rule that is no pack entry. */
static const char *const cascade_rules =
    "rules:\n"
    "  - id: c.start\n    title: start\n    kind: attempt\n"
    "    match: {s: {contains: 'tool 1.0 starts'}}\n"
    "    samples: ['tool 1.0 starts']\n    not: ['y']\n"
    "  - id: c.failed\n    title: failed\n    kind: result\n    outcome: failed\n"
    "    match: {s: {contains: 'Unable to restore device'}}\n"
    "    samples: ['Unable to restore device']\n    not: ['y']\n"
    "  - id: c.panic\n    title: decisive\n    cause: logic-board\n    weight: 3\n"
    "    match: {s: {contains: 'PMU panic'}}\n"
    "    samples: ['PMU panic']\n    not: ['y']\n"
    "  - id: c.libusb\n    title: libusb I/O error\n    cause: usb-link\n    weight: 1.5\n"
    "    match: {s: {contains: 'LIBUSB_ERROR_IO'}}\n"
    "    samples: ['LIBUSB_ERROR_IO']\n    not: ['y']\n"
    "  - id: c.lost\n    title: lost while sending\n    cause: usb-link\n    weight: 1.5\n"
    "    match: {s: {contains: 'component: Unable to find device'}}\n"
    "    samples: ['x component: Unable to find device']\n    not: ['y']\n"
    "  - id: c.missing\n    title: no such program\n    cause: host-software\n    weight: 2\n"
    "    level: medium\n"
    "    match: {s: {contains: 'command not found'}}\n"
    "    samples: ['x: command not found']\n    not: ['y']\n"
    "  - id: c.done\n    title: done\n    kind: result\n    outcome: succeeded\n"
    "    match: {s: {contains: 'Restore finished'}}\n"
    "    samples: ['Restore finished']\n    not: ['y']\n"
    "  - id: c.ecid\n    title: device\n    kind: fact\n"
    "    match: {s: {re: 'ECID: (?<ecid>0x[0-9a-f]+)'}}\n"
    "    samples: ['ECID: 0x11']\n    not: ['y']\n"
    "  - id: c.progress\n    title: progress\n    kind: stage\n    set: {stage: restore_image}\n"
    "    match: {s: {contains: 'progress to next step'}}\n"
    "    samples: ['progress to next step']\n    not: ['y']\n";

static const char *const cascade_pack =
    "producer: tool\n"
    "repository: https://example.org/tool\n"
    "commit: 0123456789abcdef0123456789abcdef01234567\n"
    "messages:\n"
    "  - {id: tool.00000001, at: 'a.c:1', level: error, format: 'Unable to get SHSH blobs',\n"
    "     side: network-signing, cause: signing-server, weight: 2.0, reason: wrapper}\n"
    "  - {id: tool.00000002, at: 'a.c:2', level: error, format: 'Unable to add common tags',\n"
    "     side: host-tool, cause: host-software, weight: 1.5, reason: deep}\n"
    "  - {id: tool.00000003, at: 'a.c:3', level: error, format: 'ERROR: node missing',\n"
    "     side: device, cause: device-software, weight: 0.5, reason: hint}\n"
    "  - {id: tool.00000004, at: 'a.c:4', level: warning, format: 'WARNING: no BbSkeyId',\n"
    "     side: image, cause: firmware-image, weight: 1.0, reason: warning}\n"
    "  - {id: tool.00000005, at: 'a.c:5', level: error, format: 'Could not resolve host',\n"
    "     side: host-environment, cause: host-environment, weight: 1.5, reason: dns}\n"
    "  - {id: tool.00000006, at: 'a.c:6', level: error, format: 'Unable to send iBEC',\n"
    "     side: link, cause: usb-link, weight: 1.5, reason: lost}\n"
    "  - {id: tool.00000007, at: 'a.c:7', level: error,\n"
    "     format: 'Unable to send %s component: Unable to find device',\n"
    "     side: link, cause: usb-link, weight: 1.5, reason: lost}\n"
    "  - {id: tool.00000008, at: 'a.c:8', level: info,\n"
    "     format: 'user chose the latest baseband (WARNING, THIS CAN FAIL)',\n"
    "     side: host-tool, cause: host-software, weight: 0.5, reason: risky option}\n"
    "  - {id: tool.00000009, at: 'a.c:9', level: debug, format: 'Failed to enter pwned DFU',\n"
    "     side: host-environment, cause: host-environment, weight: 0.5, reason: exploit}\n"
    "ignored:\n"
    "  - {id: tool.0000000a, at: 'a.c:10', level: info, format: 'failed', ignore: fragment,\n"
    "     reason: ends a progress line}\n";

/* Run the cascade rules and pack on log; the report. */
static json_t *run_cascade(const char *log)
{
    struct la_engine_opts o;
    struct la_limits lim = LA_LIMITS_DEFAULT;
    struct la_engine *e = NULL;
    char rpath[512], vpath[512], lpath[512];
    const char *rp[3] = { rpath, vpath, NULL };
    json_t *rep = NULL;

    snprintf(rpath, sizeof(rpath), "%s/rules.yaml", dir);
    snprintf(vpath, sizeof(vpath), "%s/tool.yaml", dir);
    snprintf(lpath, sizeof(lpath), "%s/x.log", dir);
    put("rules.yaml", cascade_rules);
    put("tool.yaml", cascade_pack);
    put("x.log", log);
    memset(&o, 0, sizeof(o));
    o.limits = lim;
    o.rule_paths = rp;
    o.no_default_rules = 1;
    o.deterministic = 1;
    assert_int_equal(la_engine_new(&e, &o, NULL), LA_OK);
    assert_int_equal(la_engine_analyze(e, lpath, &rep, NULL), LA_OK);
    la_engine_free(e);
    return rep;
}

static uint64_t deciding_line(const json_t *r)
{
    return (uint64_t)json_integer_value(json_object_get(
        json_object_get(json_object_get(r, "diagnosis"), "line"), "line"));
}

/* The deepest error of the tool's last cascade decides, not the wrapper printed after it. */
static void deepest_error_decides(void **state)
{
    json_t *r = run_cascade("tool 1.0 starts\nERROR: node missing\nUnable to add common tags\n"
                            "Cleaning up\nUnable to get SHSH blobs\nUnable to restore device\n");

    assert_string_equal(outcome(r), "failed");
    assert_string_equal(top(r), "host-software");
    assert_int_equal(deciding_line(r), 3);      /* not the hint (0.5) before it */
    json_decref(r);

    /* A deeper line far above the wrapper is another story: the wrapper's block decides. */
    r = run_cascade("tool 1.0 starts\nUnable to add common tags\nstep a\nstep b\nstep c\n"
                    "step d\nstep e\nUnable to get SHSH blobs\nUnable to restore device\n");
    assert_string_equal(top(r), "signing-server");
    assert_int_equal(deciding_line(r), 8);
    json_decref(r);

    /* A retry loop closes the block: the warning above the repeated errors does not decide. */
    r = run_cascade("tool 1.0 starts\nWARNING: no BbSkeyId\nCould not resolve host\nretry 1\n"
                    "Could not resolve host\nretry 2\nCould not resolve host\n"
                    "Unable to restore device\n");
    assert_string_equal(top(r), "host-environment");
    assert_int_equal(deciding_line(r), 7);
    json_decref(r);

    /* Of equally strong lines, the last block's: the run went on past the earlier one. */
    r = run_cascade("tool 1.0 starts\nUnable to get SHSH blobs\nstep a\nstep b\nstep c\n"
                    "step d\nstep e\n./wrap.sh: line 9: tool2: command not found\nall done\n");
    assert_string_equal(top(r), "host-software");
    assert_int_equal(deciding_line(r), 8);
    json_decref(r);

    /* A decisive rule that is no producer's message still outweighs the cascade. */
    r = run_cascade("tool 1.0 starts\nUnable to add common tags\nPMU panic\n"
                    "Unable to get SHSH blobs\nUnable to restore device\n");
    assert_string_equal(top(r), "logic-board");
    assert_int_equal(deciding_line(r), 3);
    json_decref(r);
}

/* A hint the tool prints as information is evidence, but no line the run failed on; the same
 * weight printed as an error is one. */
static void informational_hint_is_no_failure(void **state)
{
    json_t *r = run_cascade("tool 1.0 starts\nuser chose the latest baseband (WARNING, THIS CAN "
                            "FAIL)\nstep a\n");

    (void)state;
    assert_string_equal(outcome(r), "inconclusive");
    assert_null(top(r));            /* a run cut off names no cause (issue 15 D) */
    json_decref(r);

    r = run_cascade("tool 1.0 starts\nERROR: node missing\nstep a\n");
    assert_string_equal(outcome(r), "failed");
    json_decref(r);
}

/* A line only a debug-level hint or an ignored fragment explains says too little of itself:
 * when it looks like an error it may still be the line the run ended on (meta.weak), and
 * it is not listed as unexplained; the run goes on past it like past any other error. */
static void weak_entry_may_end_the_run(void **state)
{
    json_t *r = run_cascade("tool 1.0 starts\nstep a\n[-] Failed to enter pwned DFU\n");

    (void)state;
    assert_string_equal(outcome(r), "failed");
    assert_string_equal(top(r), "host-environment");
    assert_int_equal(json_array_size(json_object_get(r, "unexplained")), 0);
    json_decref(r);

    r = run_cascade("tool 1.0 starts\nstep a\nFAILED\n");      /* the fragment, re-cased */
    assert_string_equal(outcome(r), "failed");
    assert_int_equal(json_array_size(json_object_get(r, "unexplained")), 0);
    json_decref(r);

    r = run_cascade("tool 1.0 starts\nFAILED\nprogress to next step\n");
    assert_string_equal(outcome(r), "inconclusive");
    json_decref(r);

    r = run_cascade("tool 1.0 starts\nstep a\nfailed\nRestore finished\n");
    assert_string_equal(outcome(r), "succeeded");
    json_decref(r);
}

static const char *level(const json_t *r)
{
    return json_string_value(json_object_get(json_object_get(r, "diagnosis"), "level"));
}

/* Whether the diagnosis gives a reason of this kind. */
static int has_reason(const json_t *r, const char *kind)
{
    size_t i;
    json_t *x;

    json_array_foreach(json_object_get(json_object_get(r, "diagnosis"), "reasons"), i, x)
        if (!strcmp(json_string_value(json_object_get(x, "kind")), kind))
            return 1;
    return 0;
}

/*
 * A line retyped or re-cased on its way to the log is read as the rule it was written for
 * (the matcher's case-folded pass): a producer's message at the level it has as written, a
 * rule file's regex at most "likely"; the diagnosis says the line matched with case ignored.
 */
static void retyped_lines_read(void **state)
{
    static const char *const shsh[] = { "unable to get shsh blobs", "UNABLE TO GET SHSH BLOBS",
                                        "Unable To Get Shsh Blobs" };
    static const char *const nand_rules =
        "rules:\n"
        "  - id: n.start\n    title: start\n    kind: attempt\n"
        "    match: {s: {contains: 'tool 1.0 starts'}}\n"
        "    samples: ['tool 1.0 starts']\n    not: ['y']\n"
        "  - id: n.nand\n    title: NAND\n    cause: logic-board\n    weight: 3\n"
        "    match: {s: {re: 'NAND (?:read|write) error'}}\n"
        "    samples: ['NAND read error']\n    not: ['y']\n";
    json_t *r =
        run_cascade("tool 1.0 starts\nUnable to get SHSH blobs\nUnable to restore device\n");
    char log[256];
    const char *as_written;

    (void)state;
    assert_string_equal(top(r), "signing-server");
    assert_false(has_reason(r, "retyped"));
    as_written = level(r);
    assert_string_equal(as_written, "confident");
    json_decref(r);
    for (size_t i = 0; i < sizeof(shsh) / sizeof(shsh[0]); i++) {
        snprintf(log, sizeof(log), "tool 1.0 starts\n%s\nUnable to restore device\n", shsh[i]);
        r = run_cascade(log);
        assert_string_equal(outcome(r), "failed");
        assert_string_equal(top(r), "signing-server");
        assert_string_equal(level(r), "confident");
        assert_int_equal(deciding_line(r), 2);
        assert_true(has_reason(r, "retyped"));
        json_decref(r);
    }
    /* Ignoring case keeps where a message may start: not inside prose or a word (as written
     * a capital keeps "Unable to get SHSH blobs" out of "... was unable to get shsh blobs"). */
    static const char *const inside[] = { "it said it was unable to get shsh blobs",
                                          "errorunable to get shsh blobs" };
    for (size_t i = 0; i < sizeof(inside) / sizeof(inside[0]); i++) {
        snprintf(log, sizeof(log), "tool 1.0 starts\n%s\n", inside[i]);
        r = run_cascade(log);
        assert_false(top(r) && !strcmp(top(r), "signing-server"));
        json_decref(r);
    }
    r = run_cascade("tool 1.0 starts\nERROR unable to get shsh blobs\n");
    assert_string_equal(top(r), "signing-server");
    json_decref(r);

    r = run_rules(nand_rules, "tool 1.0 starts\nERROR: NAND read error\n", NULL, 0);
    assert_string_equal(top(r), "logic-board");
    assert_string_equal(level(r), "confident");
    json_decref(r);
    r = run_rules(nand_rules, "tool 1.0 starts\nerror: nand read error\n", NULL, 0);
    assert_string_equal(outcome(r), "failed");
    assert_string_equal(top(r), "logic-board");
    assert_string_equal(level(r), "likely");
    assert_true(has_reason(r, "retyped"));
    json_decref(r);
}

/*
 * A whole paste that lost its case: its attempt start and its success are read with case
 * ignored too (every line was retyped), while in a log as written a lone re-cased success
 * line is not (it could hide a failure).
 */
static void paste_that_lost_its_case(void **state)
{
    static const char *const case_rules =
        "rules:\n"
        "  - id: c.start\n    title: start\n    kind: attempt\n"
        "    match: {s: {re: '^Found device in [A-Z][a-z]+ mode'}}\n"
        "    samples: ['Found device in Recovery mode']\n    not: ['y']\n"
        "  - id: c.done\n    title: done\n    kind: result\n    outcome: succeeded\n"
        "    set: {code: '0'}\n"
        "    match: {s: {contains: 'Status: Restore Finished', cased: true}}\n"
        "    samples: ['Status: Restore Finished']\n    not: ['y']\n";
    static const char *const body =
        "identified device as n71ap, iphone8,2\nextracting buildmanifest from ipsw\n"
        "checking ipsw for required components\nall required components found in ipsw\n"
        "sending filesystem now\nverifying filesystem\n";
    char log[1024];
    json_t *r;

    (void)state;
    snprintf(log, sizeof(log), "Found device in Recovery mode\n%sStatus: Restore Finished\n",
             body);
    r = run_rules(case_rules, log, NULL, 0);
    assert_string_equal(outcome(r), "succeeded");
    json_decref(r);
    snprintf(log, sizeof(log), "found device in recovery mode\n%sstatus: restore finished\n",
             body);
    r = run_rules(case_rules, log, NULL, 0);
    assert_string_equal(outcome(r), "succeeded");
    json_decref(r);
    /* Capitals left in the rest of the paste: only its error lines are read folded. */
    snprintf(log, sizeof(log), "Found device in Recovery mode\nIdentified device as n71ap\n"
             "Extracting BuildManifest from IPSW\nSending Filesystem now\n"
             "status: restore finished\n");
    r = run_rules(case_rules, log, NULL, 0);
    assert_string_not_equal(outcome(r), "succeeded");
    json_decref(r);
}

/* An attempt that stops with nothing failed and is followed by another is not what the
 * restore came to: the later attempt is; an earlier failure still is, unless the restore was
 * tried again and succeeded by the tool's own word on the same device. */
static void later_attempt_outranks_a_quiet_stop(void **state)
{
    json_t *r = run_cascade("tool 1.0 starts\nprogress to next step\nstep a\nstep b\n"
                            "tool 1.0 starts\nprogress to next step\nRestore finished\n");

    (void)state;
    assert_int_equal(json_array_size(json_object_get(r, "attempts")), 2);
    assert_string_equal(outcome(r), "succeeded");
    json_decref(r);

    r = run_cascade("tool 1.0 starts\nUnable to add common tags\nUnable to restore device\n"
                    "tool 1.0 starts\nprogress to next step\nRestore finished\n");
    assert_string_equal(outcome(r), "succeeded");
    assert_non_null(strstr(json_string_value(json_object_get(r, "verdict")),
                           "tried again, after a failed attempt"));
    assert_int_equal(json_array_size(json_object_get(r, "attempts")), 2);
    json_decref(r);
    r = run_cascade("tool 1.0 starts\nUnable to add common tags\nUnable to restore device\n"
                    "tool 1.0 starts\nUnable to add common tags\nUnable to restore device\n"
                    "tool 1.0 starts\nprogress to next step\nRestore finished\n");
    assert_string_equal(outcome(r), "succeeded");
    assert_non_null(strstr(json_string_value(json_object_get(r, "verdict")),
                           "after 2 failed attempts"));
    json_decref(r);

    /* The same on another device: that one's failure is still what the log shows. */
    r = run_cascade("tool 1.0 starts\nECID: 0x11\nUnable to add common tags\n"
                    "Unable to restore device\ntool 1.0 starts\nECID: 0x22\n"
                    "progress to next step\nRestore finished\n");
    assert_string_equal(outcome(r), "failed");
    json_decref(r);

    /* A later attempt that only got further, with no word of success, does not clear it. */
    r = run_cascade("tool 1.0 starts\nUnable to add common tags\nUnable to restore device\n"
                    "tool 1.0 starts\nprogress to next step\n");
    assert_string_equal(outcome(r), "failed");
    json_decref(r);

    /* The last attempt cut off with nothing failed is still what the log shows. */
    r = run_cascade("tool 1.0 starts\nRestore finished\nstep a\nstep b\n"
                    "tool 1.0 starts\nprogress to next step\n");
    assert_string_equal(outcome(r), "inconclusive");
    json_decref(r);
}

/* Two attempt rules that read the same start line start one attempt; a banner that only the
 * second reads (the first holds back a repeat within its window) starts the next. */
static void two_start_rules_one_line(void **state)
{
    static const char *const start_rules =
        "rules:\n"
        "  - id: s.any\n    title: start or repeat\n    kind: attempt\n"
        "    match: {s: {contains: ['Version: ', 'Found device']}}\n"
        "    unless: {rule: s.any, within: 10m, lines: 100}\n    scope: input\n"
        "    samples: ['Version: 1']\n    not: ['y']\n"
        "  - id: s.banner\n    title: banner\n    kind: attempt\n"
        "    match: {s: {contains: 'Version: '}}\n"
        "    unless: {rule: s.banner, within: 5s, lines: 2}\n    scope: input\n"
        "    samples: ['Version: 1']\n    not: ['y']\n"
        "  - id: s.fail\n    title: failed\n    kind: result\n    outcome: failed\n"
        "    match: {s: {contains: 'restoring failed'}}\n"
        "    samples: ['restoring failed']\n    not: ['y']\n";
    json_t *r;

    (void)state;
    r = run_rules(start_rules, "Version: 1\nFound device\nstep\nrestoring failed\n", NULL, 0);
    assert_int_equal(json_array_size(json_object_get(r, "attempts")), 1);
    json_decref(r);
    r = run_rules(start_rules, "Version: 1\nFound device\nrestoring failed\nVersion: 1\n"
                  "Found device\nrestoring failed\n", NULL, 0);
    assert_int_equal(json_array_size(json_object_get(r, "attempts")), 2);
    json_decref(r);
}

/* 'after' between lines without a clock looks 2 lines back by default, 'lines' further. */
static void after_lines_window(void **state)
{
    static const char *const base =
        "rules:\n"
        "  - id: w.start\n    title: start\n    kind: attempt\n"
        "    match: {s: {contains: 'tool starts'}}\n    samples: ['tool starts']\n    not: ['y']\n"
        "  - id: w.hdr\n    title: header\n    kind: fact\n"
        "    match: {s: {contains: 'valid for:'}}\n    samples: ['valid for:']\n    not: ['y']\n"
        "  - id: w.exc\n    title: refused\n    cause: host-software\n    weight: 3\n"
        "    match: {s: {contains: 'ticket refused'}}\n"
        "    samples: ['ticket refused']\n    not: ['y']\n";
    static const char *const log =
        "tool starts\nvalid for:\na\nb\nc\nd\nticket refused\nUnable to restore\n";
    /* The header is 5 lines before the refusal: 'after' holds (and 'unless' suppresses)
     * only when the window reaches it; the default is 2 lines. */
    static const struct {
        const char *clause;
        int counts;                    /* the rule's host-software evidence counts */
    } cases[] = {
        { "after: {rule: w.hdr, within: 1m}", 0 },
        { "after: {rule: w.hdr, within: 1m, lines: 6}", 1 },
        { "after: {rule: w.hdr, within: 1m, lines: 4}", 0 },
        { "unless: {rule: w.hdr, within: 1m}", 1 },
        { "unless: {rule: w.hdr, within: 1m, lines: 6}", 0 },
    };
    char text[2048];

    (void)state;
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        snprintf(text, sizeof(text), "%s    %s\n", base, cases[k].clause);
        json_t *r = run_rules(text, log, NULL, 0);
        int host = top(r) && !strcmp(top(r), "host-software");
        if (host != cases[k].counts)
            fail_msg("%s: top cause %s", cases[k].clause, top(r) ? top(r) : "(none)");
        json_decref(r);
    }
}

/* A tool's own link message alone names the USB link first but calls it unclear, with its
 * reason; a hand rule's USB error (or another side's message) backing it makes it sure. */
static void link_message_alone_is_unclear(void **state)
{
    json_t *r = run_cascade("tool 1.0 starts\nUnable to send iBEC\nUnable to restore device\n");
    const json_t *d = json_object_get(r, "diagnosis"), *rs = json_object_get(d, "reasons");

    (void)state;
    assert_string_equal(outcome(r), "failed");
    assert_string_equal(top(r), "usb-link");
    assert_string_equal(json_string_value(json_object_get(d, "level")), "unclear");
    assert_int_equal(json_array_size(rs), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rs, 0), "kind")),
                        "ambiguous");
    /* It earned no ending bonus: the ranking does not call it highly likely either. */
    assert_true(json_real_value(json_object_get(json_array_get(json_object_get(r, "causes"), 0),
                                                "confidence")) < 0.7);
    json_decref(r);

    /* A hand rule that reads the same line adds no other line. */
    r = run_cascade("tool 1.0 starts\nUnable to send iBSS component: Unable to find device\n"
                    "Unable to restore device\n");
    d = json_object_get(r, "diagnosis");
    assert_string_equal(top(r), "usb-link");
    assert_string_equal(json_string_value(json_object_get(d, "level")), "unclear");
    assert_int_equal(deciding_line(r), 2);
    json_decref(r);

    r = run_cascade("tool 1.0 starts\nLIBUSB_ERROR_IO\nUnable to send iBEC\n"
                    "Unable to restore device\n");
    d = json_object_get(r, "diagnosis");
    assert_string_equal(top(r), "usb-link");
    assert_string_not_equal(json_string_value(json_object_get(d, "level")), "unclear");
    assert_int_equal(json_array_size(json_object_get(d, "reasons")), 0);
    json_decref(r);
}

/* A run that reached a later stage after its last failure line went on past that error: a
 * paste cut off after it is inconclusive with no cause; an error after the progress, or on
 * the stage line itself, still ends the run. */
static void progress_after_error_is_no_ending(void **state)
{
    json_t *r = run_cascade("tool 1.0 starts\nWARNING: no BbSkeyId\n"
                            "progress to next step\nstill going\n");

    (void)state;
    assert_string_equal(outcome(r), "inconclusive");
    assert_int_equal(json_array_size(json_object_get(r, "causes")), 0);
    assert_true(json_is_null(json_object_get(r, "diagnosis")));
    json_decref(r);

    r = run_cascade("tool 1.0 starts\nWARNING: no BbSkeyId\nstill going\n");
    assert_string_equal(outcome(r), "failed");
    assert_string_equal(top(r), "firmware-image");
    json_decref(r);

    r = run_cascade("tool 1.0 starts\nWARNING: no BbSkeyId\nprogress to next step\n"
                    "Could not resolve host\nstill going\n");
    assert_string_equal(outcome(r), "failed");
    assert_true(json_is_true(json_object_get(json_object_get(r, "diagnosis"),
                                             "ended_on_error")));
    json_decref(r);

    r = run_cascade("tool 1.0 starts\nprogress to next step: WARNING: no BbSkeyId\n"
                    "still going\n");
    assert_string_equal(outcome(r), "failed");
    assert_string_equal(top(r), "firmware-image");
    json_decref(r);
}

/* A result line that says the run failed, with no code and nothing else around it (a
 * framework's "Installation failed."), makes the input a failed restore, cause unclear. */
static void result_outcome_alone_is_a_restore(void **state)
{
    json_t *r = run_cascade("Installing...\n0%\nUnable to restore device\n");
    const json_t *d = json_object_get(r, "diagnosis");

    (void)state;
    assert_string_equal(outcome(r), "failed");
    assert_string_equal(json_string_value(json_object_get(d, "level")), "unclear");
    assert_int_equal(deciding_line(r), 3);
    json_decref(r);
}

/* A command line that runs a restore program makes the run a restore (a 'tool' capture),
 * without starting an attempt of its own: the tool's banner after it continues the same
 * attempt; without the command, an unknown program's error line is no restore at all. */
static const char *const tool_rules =
    "rules:\n"
    "  - id: t.cmd\n    title: command\n    kind: fact\n"
    "    match: {s: {re: '^\\$ (?<tool>\\S+) -'}}\n"
    "    samples: ['$ wrapper -f x']\n    not: ['y']\n"
    "  - id: t.start\n    title: banner\n    kind: attempt\n"
    "    match: {s: {contains: 'Version: 1.0'}}\n"
    "    samples: ['Version: 1.0']\n    not: ['y']\n";

static void command_line_makes_a_restore(void **state)
{
    json_t *bare = run_rules(tool_rules, "verifying version\nERROR: wrong build. Exiting\n",
                             NULL, 0);
    json_t *cmd = run_rules(tool_rules, "$ wrapper -f x.ipsw\nverifying version\n"
                                        "ERROR: wrong build. Exiting\n", NULL, 0);
    json_t *banner = run_rules(tool_rules, "$ wrapper -f x.ipsw\nVersion: 1.0\n"
                                           "ERROR: wrong build. Exiting\n", NULL, 0);

    (void)state;
    assert_string_equal(outcome(bare), "no-restore-found");
    assert_string_equal(outcome(cmd), "failed");
    assert_string_equal(outcome(banner), "failed");
    assert_int_equal(json_array_size(json_object_get(banner, "attempts")), 1);
    json_decref(bare);
    json_decref(cmd);
    json_decref(banner);
}

/* Text that names a firmware restore ('talk': an IPSW, DFU mode) makes a restore of a run
 * that an unexplained error line ends, even on the talking line itself; the talk alone, or
 * the error alone, is no restore. */
static const char *const talk_rules =
    "rules:\n"
    "  - id: t.talk\n    title: talk\n    kind: fact\n    set: {talk: restore}\n"
    "    match: {s: {re: '\\.ipsw|DFU mode'}}\n"
    "    samples: ['x.ipsw']\n    not: ['y']\n";

static void restore_talk_with_failure_is_a_restore(void **state)
{
    json_t *talk = run_rules(talk_rules, "using x.ipsw\nall fine so far\n", NULL, 0);
    json_t *err = run_rules(talk_rules, "starting\nERROR: wrong build. Exiting\n", NULL, 0);
    json_t *both = run_rules(talk_rules, "using x.ipsw\nERROR: wrong build. Exiting\n",
                             NULL, 0);
    json_t *same = run_rules(talk_rules, "starting\nFailed to exploit, re-enter DFU mode\n",
                             NULL, 0);

    (void)state;
    assert_string_equal(outcome(talk), "no-restore-found");
    assert_string_equal(outcome(err), "no-restore-found");
    assert_string_equal(outcome(both), "failed");
    assert_int_equal(deciding_line(both), 2);
    assert_string_equal(outcome(same), "failed");
    assert_int_equal(deciding_line(same), 2);
    json_decref(talk);
    json_decref(err);
    json_decref(both);
    json_decref(same);
}

/* A tool that says it tries again went on past the error before it, even a strong one: a
 * paste that stops there is inconclusive with no cause, and its verdict says why; a later
 * failure ends the run again. */
static const char *const retry_rules =
    "rules:\n"
    "  - id: t.start\n    title: start\n    kind: attempt\n"
    "    match: {s: {contains: 'tool 1.0 starts'}}\n"
    "    samples: ['tool 1.0 starts']\n    not: ['y']\n"
    "  - id: t.tss\n    title: tss refused\n    cause: signing-server\n    weight: 2\n"
    "    match: {s: {contains: 'TSS refused'}}\n"
    "    samples: ['TSS refused']\n    not: ['y']\n"
    "  - id: t.retry\n    title: retry\n    kind: fact\n    set: {retry: again}\n"
    "    match: {s: {contains: 'attempt 2'}}\n"
    "    samples: ['attempt 2']\n    not: ['y']\n";

static void retry_goes_on_past_the_error(void **state)
{
    json_t *cut = run_rules(retry_rules, "tool 1.0 starts\nTSS refused\nattempt 2...\n", NULL, 0);
    json_t *again = run_rules(retry_rules, "tool 1.0 starts\nTSS refused\nattempt 2...\n"
                                           "TSS refused\n", NULL, 0);
    json_t *plain = run_rules(retry_rules, "tool 1.0 starts\nTSS refused\n", NULL, 0);
    json_t *calm = run_rules(retry_rules, "tool 1.0 starts\nstill going\n", NULL, 0);

    (void)state;
    assert_string_equal(outcome(cut), "inconclusive");
    assert_int_equal(json_array_size(json_object_get(cut, "causes")), 0);
    /* The verdict says why there is no cause: not that nothing failed. */
    assert_non_null(strstr(json_string_value(json_object_get(cut, "verdict")),
                           "went on past its last error"));
    assert_string_equal(outcome(again), "failed");
    assert_string_equal(top(again), "signing-server");
    assert_string_equal(outcome(plain), "failed");
    assert_string_equal(outcome(calm), "inconclusive");
    assert_non_null(strstr(json_string_value(json_object_get(calm, "verdict")),
                           "nothing in it failed"));
    json_decref(calm);
    json_decref(cut);
    json_decref(again);
    json_decref(plain);
}

/* A fact that only records a number of a space ("Code=32" as code_posix) leaves its error
 * line a failure line no rule explains; a restore error number of its own (a plain "code",
 * a failure description's "Depth:1 Code:1004") is a known line of a known structure. */
static const char *const code_rules =
    "rules:\n"
    "  - id: t.start\n    title: start\n    kind: attempt\n"
    "    match: {s: {contains: 'tool 1.0 starts'}}\n"
    "    samples: ['tool 1.0 starts']\n    not: ['y']\n"
    "  - id: t.posix\n    title: errno\n    kind: fact\n"
    "    match: {s: {re: 'Domain=NSPOSIXErrorDomain Code=(?<code_posix>\\d+)'}}\n"
    "    samples: ['Domain=NSPOSIXErrorDomain Code=32']\n    not: ['y']\n"
    "  - id: t.depth\n    title: depth\n    kind: fact\n"
    "    match: {s: {re: 'Depth:[1-9] Code:(?<code>\\d+) Error:'}}\n"
    "    samples: ['Depth:1 Code:1004 Error:x']\n    not: ['y']\n";

static void code_facts_leave_the_error_line(void **state)
{
    json_t *posix = run_rules(code_rules, "tool 1.0 starts\nERROR: send failed: Error "
                                          "Domain=NSPOSIXErrorDomain Code=32\n", NULL, 0);
    json_t *depth = run_rules(code_rules, "tool 1.0 starts\nDepth:1 Code:1004 Error:update "
                                          "failed\n", NULL, 0);

    (void)state;
    assert_string_equal(outcome(posix), "failed");
    assert_int_equal(deciding_line(posix), 2);
    assert_int_equal(json_integer_value(json_array_get(json_object_get(posix, "error_codes"), 0)),
                     32);
    assert_string_equal(outcome(depth), "inconclusive");
    json_decref(posix);
    json_decref(depth);
}

/* Rules for the run's context: a VM install line that says so, a USB line that would win
 * without it, a host-software line, a context capture, a result. */
static const char *const ctx_rules =
    "rules:\n"
    "  - id: t.start\n    title: start\n    kind: attempt\n"
    "    match: {s: {contains: 'Installing OS...'}}\n"
    "    samples: ['Installing OS...']\n    not: ['y']\n"
    "  - id: t.vm\n    title: vm\n    kind: fact\n    set: {context: virtual-machine}\n"
    "    match: {s: {contains: 'VZMacOSInstaller'}}\n"
    "    samples: ['VZMacOSInstaller']\n    not: ['y']\n"
    "  - id: t.cap\n    title: captured context\n    kind: fact\n"
    "    match: {s: {re: 'context=(?<context>[a-z-]+)'}}\n"
    "    samples: ['context=x']\n    not: ['y']\n"
    "  - id: t.usb\n    title: usb gone\n    cause: usb-link\n    weight: 3\n    level: high\n"
    "    match: {s: {contains: 'USB device lost'}}\n"
    "    samples: ['USB device lost']\n    not: ['y']\n"
    "  - id: t.host\n    title: host tool\n    cause: host-software\n    weight: 1\n"
    "    match: {s: {contains: 'tool too old'}}\n"
    "    samples: ['tool too old']\n    not: ['y']\n"
    "  - id: t.fail\n    title: failed\n    kind: result\n    outcome: failed\n"
    "    match: {s: {contains: 'Installation failed.'}}\n"
    "    samples: ['Installation failed.']\n    not: ['y']\n";

static int listed(const json_t *r, const char *cause)
{
    const json_t *cs = json_object_get(r, "causes");

    for (size_t i = 0; i < json_array_size(cs); i++)
        if (!strcmp(json_string_value(json_object_get(json_array_get(cs, i), "id")), cause))
            return 1;
    return 0;
}

static int has_step(const json_t *r, const char *id)
{
    const json_t *l = json_object_get(r, "ladder");

    for (size_t i = 0; i < json_array_size(l); i++)
        if (!strcmp(json_string_value(json_object_get(json_array_get(l, i), "id")), id))
            return 1;
    return 0;
}

/*
 * A context rules causes out: no prior, no evidence, no listing, no step of their own; the
 * report says which context, why and where; the diagnosis stays as sure as the rest allows.
 */
static void context_rules_causes_out(void **state)
{
    json_t *plain =
        run_rules(ctx_rules, "Installing OS...\nUSB device lost\nInstallation failed.\n", NULL, 0);
    json_t *vm = run_rules(ctx_rules, "VZMacOSInstaller\nInstalling OS...\nUSB device lost\n"
                                      "Installation failed.\n", NULL, 0);
    json_t *bare = run_rules(ctx_rules, "Installing OS...\nVZMacOSInstaller\n"
                                        "Installation failed.\n", NULL, 0);
    json_t *host = run_rules(ctx_rules, "Installing OS...\nVZMacOSInstaller\ntool too old\n"
                                        "Installation failed.\n", NULL, 0);
    json_t *unknown = run_rules(ctx_rules, "Installing OS...\ncontext=no-such-thing\n"
                                           "USB device lost\nInstallation failed.\n", NULL, 0);
    const json_t *cx = json_object_get(vm, "context"), *d = json_object_get(vm, "diagnosis");
    const json_t *rs = json_object_get(d, "reasons"), *cs = json_object_get(bare, "causes");
    double sum = 0;

    (void)state;
    /* Without the context the USB line decides. */
    assert_null(json_object_get(plain, "context"));
    assert_string_equal(top(plain), "usb-link");
    assert_true(has_step(plain, "cable"));
    /* With it: the USB line counts for nothing, usb-link and the hardware are not listed. */
    assert_string_equal(outcome(vm), "failed");
    assert_false(listed(vm, "usb-link"));
    assert_false(listed(vm, "storage"));
    assert_false(listed(vm, "baseband"));
    assert_false(listed(vm, "logic-board"));
    assert_string_equal(json_string_value(json_object_get(d, "level")), "unclear");
    assert_true(json_is_null(json_object_get(d, "cause")));
    assert_non_null(cx);
    assert_string_equal(json_string_value(json_object_get(cx, "id")), "virtual-machine");
    assert_int_equal(json_array_size(json_object_get(cx, "excludes")), 4);
    assert_string_equal(json_string_value(json_object_get(json_object_get(cx, "line"), "rule")),
                        "t.vm");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(cx, "line"), "line")), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rs, 0), "kind")),
                        "context");
    assert_string_equal(json_string_value(json_object_get(json_array_get(rs, 0), "text")),
                        json_string_value(json_object_get(cx, "reason")));
    assert_false(has_step(vm, "cable"));
    assert_false(has_step(vm, "clean-ports"));
    assert_false(has_step(vm, "direct-port"));
    assert_false(has_step(vm, "apple-support"));
    /* What to collect is the context's: the Mac's log of the install, not a phone's. */
    assert_non_null(strstr(json_string_value(json_array_get(json_object_get(vm, "collect"), 0)),
                           "Virtualization"));
    assert_null(strstr(json_string_value(json_array_get(json_object_get(plain, "collect"), 0)),
                       "Virtualization"));
    /* No excluded cause takes a share: the listed causes hold most of the confidence. */
    assert_string_equal(top(bare), "host-software");
    for (size_t i = 0; i < json_array_size(cs); i++)
        sum += json_real_value(json_object_get(json_array_get(cs, i), "confidence"));
    assert_true(sum > 0.6 && sum <= 1.0001);
    /* A context said after the attempt started counts too; evidence for a cause it leaves in
     * still names that cause. */
    assert_string_equal(top(host), "host-software");
    assert_string_not_equal(json_string_value(json_object_get(json_object_get(host, "diagnosis"),
                                                              "level")), "unclear");
    /* An id causes.yaml does not define is no context. */
    assert_null(json_object_get(unknown, "context"));
    assert_string_equal(top(unknown), "usb-link");
    json_decref(plain);
    json_decref(vm);
    json_decref(bare);
    json_decref(host);
    json_decref(unknown);
}

/* The timeline data: an attempt's phases by stage group, ordered by each group's last stage,
 * with times, the failing one marked; the host; the failure line; reasons in words. */
static void timeline_phases_and_reasons(void **state)
{
    static const char *const tried[] = { "cable", NULL };
    const char *log = "restore library built\n"
                      "2020-01-01 10:00:00.000 [1:1]: entering restore_image\n"
                      "2020-01-01 10:00:05.000 [1:1]: entering flash_firmware\n"
                      "2020-01-01 10:00:07.000 [1:1]: entering verify_restore\n"
                      "2020-01-01 10:00:09.000 [1:1]: entering update_baseband\n"
                      "2020-01-01 10:00:10.000 [1:1]: entering some_unknown_step\n"
                      "2020-01-01 10:00:11.000 [1:1]: entering update_baseband\n"
                      "Fail to ping baseband\n"
                      "Restore completed, status: 4013\n"
                      "restore library built\n"
                      "entering update_baseband\n"
                      "Restore completed, status: 4013\n";
    json_t *r = run(log, NULL, 0), *b = run(log, tried, 0);
    const json_t *as = json_object_get(r, "attempts"), *a = json_array_get(as, 0);
    const json_t *ph = json_object_get(a, "phases"), *d = json_object_get(r, "diagnosis");
    const json_t *rs = json_object_get(d, "reasons"), *p;
    char *s;

    (void)state;
    assert_int_equal(json_array_size(as), 2);
    /* Firmware was last worked on before the image's verify step, the modem last of all;
     * a step no group lists is a phase of its own, group null. */
    assert_int_equal(json_array_size(ph), 4);
    assert_string_equal(json_string_value(json_object_get(json_array_get(ph, 0), "label")),
                        "Firmware");
    p = json_array_get(ph, 1);
    assert_string_equal(json_string_value(json_object_get(p, "group")), "image");
    assert_int_equal(json_array_size(json_object_get(p, "stages")), 2);
    assert_non_null(strstr(json_string_value(json_object_get(p, "first")), "10:00:00"));
    assert_non_null(strstr(json_string_value(json_object_get(p, "last")), "10:00:07"));
    assert_false(json_is_true(json_object_get(p, "failed")));
    p = json_array_get(ph, 2);
    assert_true(json_is_null(json_object_get(p, "group")));
    assert_string_equal(json_string_value(json_object_get(p, "label")), "Other steps");
    p = json_array_get(ph, 3);
    assert_string_equal(json_string_value(json_object_get(p, "label")), "Modem");
    assert_true(json_is_true(json_object_get(p, "failed")));
    /* The time a stage was first reached stays when it is reached again. */
    assert_non_null(strstr(json_string_value(json_object_get(p, "first")), "10:00:09"));
    assert_true(json_is_object(json_object_get(a, "host")));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(a, "failure"), "line")),
                     9);
    /* The stage in words, and the repeat said in words, not in log-odds. */
    assert_string_equal(json_string_value(json_object_get(d, "stage_name")),
                        "updating the modem (baseband)");
    assert_int_equal(json_array_size(rs), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rs, 0), "kind")),
                        "repeat");
    s = (char *)json_string_value(json_object_get(json_array_get(rs, 0), "text"));
    assert_non_null(strstr(s, "Two attempts stopped at the same step (update_baseband)"));
    assert_null(strstr(s, "log-odds"));
    rs = json_object_get(json_object_get(b, "diagnosis"), "reasons");
    assert_int_equal(json_array_size(rs), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rs, 1), "kind")),
                        "tried");
    assert_non_null(strstr(json_string_value(json_object_get(json_array_get(rs, 1), "text")),
                           "'cable' was already tried and the restore still failed"));
    json_decref(r);
    json_decref(b);
}

static void batch_patterns(void **state)
{
    struct la_engine_opts o;
    struct la_limits lim = LA_LIMITS_DEFAULT;
    struct la_engine *e = NULL;
    char rpath[512], p[8][512];
    const char *rp[2] = { rpath, NULL };
    static const char *const logs[8] = {
        /* three devices failing on host A, two succeeding on host B, one device twice */
        "restore library built\niTunes: iTunes 12.1\nECID: 0xA1\nentering update_baseband\n"
        "Restore completed, status: 4013\n",
        "restore library built\niTunes: iTunes 12.1\nECID: 0xA2\nentering restore_image\n"
        "Restore completed, status: 4013\n",
        "restore library built\niTunes: iTunes 12.1\nECID: 0xA3\nentering restore_image\n"
        "Restore completed, status: 4013\n",
        "restore library built\niTunes: iTunes 12.9\nECID: 0xB1\nRestore completed, status: 0\n",
        "restore library built\niTunes: iTunes 12.9\nECID: 0xB2\nRestore completed, status: 0\n",
        "restore library built\niTunes: iTunes 12.9\nECID: 0xA1\nentering update_baseband\n"
        "Restore completed, status: 4013\n",
        NULL, NULL };
    json_t *reports = json_array(), *doc;
    size_t n = 0;

    snprintf(rpath, sizeof(rpath), "%s/rules.yaml", dir);
    put("rules.yaml", rules);
    memset(&o, 0, sizeof(o));
    o.limits = lim;
    o.rule_paths = rp;
    o.no_default_rules = 1;
    o.redact = 1;
    o.redact_key = "k";
    o.deterministic = 1;
    assert_int_equal(la_engine_new(&e, &o, NULL), LA_OK);
    for (; logs[n]; n++) {
        char name[32];
        json_t *rep = NULL;
        snprintf(name, sizeof(name), "b%zu.log", n);
        put(name, logs[n]);
        snprintf(p[n], sizeof(p[n]), "%s/%s", dir, name);
        assert_int_equal(la_engine_analyze(e, p[n], &rep, NULL), LA_OK);
        json_array_append_new(reports, rep);
    }
    doc = la_engine_document(e, reports);
    assert_non_null(doc);
    char *s = json_dumps(json_object_get(json_object_get(doc, "summary"), "patterns"), 0);
    assert_non_null(strstr(s, "3 failures on the host 'iTunes 12.1'"));
    assert_non_null(strstr(s, "failed at 'update_baseband' in 2 inputs"));
    free(s);
    /* No evidence rule fired: the four failed restores are failed, with an unclear cause. */
    assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "summary"),
                                                        "failed")), 4);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "summary"),
                                                        "inconclusive")), 0);
    for (size_t i = 0; i < n; i++) {
        json_t *rep = json_array_get(json_object_get(doc, "reports"), i);
        json_t *dg = json_object_get(rep, "diagnosis");
        if (i == 3 || i == 4) {
            assert_true(json_is_null(dg));
            continue;
        }
        assert_string_equal(json_string_value(json_object_get(dg, "level")), "unclear");
        assert_true(json_is_null(json_object_get(dg, "cause")));
        assert_non_null(strstr(json_string_value(json_object_get(rep, "verdict")),
                               "FAILED 4013"));
        assert_non_null(strstr(json_string_value(json_object_get(rep, "verdict")),
                               "cause unclear; by the error code alone most often"));
    }
    json_decref(doc);
    la_engine_free(e);
    for (size_t i = 0; i < n; i++)
        unlink(p[i]);
}

/* summary.by_error_code counts the dialog number (TSS 94 as 3194), else the first printed code. */
static void summary_counts_dialog_number(void **state)
{
    struct la_engine_opts o;
    struct la_limits lim = LA_LIMITS_DEFAULT;
    struct la_engine *e = NULL;
    char rpath[512];
    const char *rp[2] = { rpath, NULL };
    json_t *reports = json_pack(
        "[{s:s,s:[i,i],s:[{s:i,s:s},{s:i,s:s}]},{s:s,s:[i],s:[{s:i,s:s}]},"
        "{s:s,s:[i],s:[{s:i,s:s}]}]",
        "outcome", "failed", "error_codes", 94, 3194, "codes", "code", 94, "space", "tss",
        "code", 3194, "space", "dialog",
        "outcome", "failed", "error_codes", -10, "codes", "code", -10, "space", "fr",
        "outcome", "failed", "error_codes", 3194, "codes", "code", 3194, "space", "dialog");
    json_t *doc, *by;

    (void)state;
    snprintf(rpath, sizeof(rpath), "%s/rules.yaml", dir);
    put("rules.yaml", rules);
    memset(&o, 0, sizeof(o));
    o.limits = lim;
    o.rule_paths = rp;
    o.no_default_rules = 1;
    o.deterministic = 1;
    assert_non_null(reports);
    assert_int_equal(la_engine_new(&e, &o, NULL), LA_OK);
    doc = la_engine_document(e, reports);
    assert_non_null(doc);
    by = json_object_get(json_object_get(doc, "summary"), "by_error_code");
    assert_int_equal(json_object_size(by), 2);
    assert_int_equal(json_integer_value(json_object_get(by, "3194")), 2);
    assert_int_equal(json_integer_value(json_object_get(by, "-10")), 1);
    json_decref(doc);
    la_engine_free(e);
}

/* la_engine_analyze_cases on dir/shop with mode: the reports array. */
static json_t *run_cases(enum la_cases mode)
{
    static const char *const crules =
        "rules:\n"
        "  - id: c.start\n    title: start\n    kind: attempt\n"
        "    match: {s: {contains: 'restore library built'}}\n"
        "    samples: ['restore library built x']\n    not: ['y']\n"
        "  - id: c.result\n    title: result\n    kind: result\n"
        "    match: {r: {re: 'Restore completed, status: ?(?<code>-?[0-9]+)'}}\n"
        "    samples: ['Restore completed, status: 0']\n    not: ['y']\n"
        "  - id: c.ecid\n    title: ecid\n    kind: fact\n"
        "    match: {s: {re: 'ECID: (?<ecid>\\w+)'}}\n"
        "    samples: ['ECID: 0x1A2B3C4D5E6F7']\n    not: ['y']\n"
        "  - id: c.serial\n    title: serial\n    kind: fact\n"
        "    match: {s: {re: 'Serial: (?<serial>\\w+)'}}\n"
        "    samples: ['Serial: ABCDEFGH12']\n    not: ['y']\n";
    struct la_engine_opts o;
    struct la_limits lim = LA_LIMITS_DEFAULT;
    struct la_engine *e = NULL;
    char rpath[512], sdir[512];
    const char *rp[2] = { rpath, NULL };
    json_t *reps = NULL;

    snprintf(rpath, sizeof(rpath), "%s/crules.yaml", dir);
    snprintf(sdir, sizeof(sdir), "%s/shop", dir);
    put("crules.yaml", crules);
    memset(&o, 0, sizeof(o));
    o.limits = lim;
    o.rule_paths = rp;
    o.no_default_rules = 1;
    o.deterministic = 1;
    o.redact = 1;
    o.redact_key = "k";
    o.cases = mode;
    assert_int_equal(la_engine_new(&e, &o, NULL), LA_OK);
    assert_int_equal(la_engine_analyze_cases(e, sdir, &reps, NULL), LA_OK);
    la_engine_free(e);
    assert_non_null(reps);
    return reps;
}

static const char *case_str(json_t *reps, size_t i, const char *key)
{
    return json_string_value(json_object_get(json_object_get(json_array_get(reps, i), "case"),
                                             key));
}

static long case_int(json_t *reps, size_t i, const char *key)
{
    return (long)json_integer_value(
        json_object_get(json_object_get(json_array_get(reps, i), "case"), key));
}

static size_t n_members(json_t *reps, size_t i)
{
    return json_array_size(json_object_get(json_array_get(reps, i), "members"));
}

/*
 * Cases: two devices in sub-folders a and b; a's device log names no device and sits beside
 * it; b's two logs name its ECID in decimal and in hex and its serial; a note at the top names
 * none and sits beside no single device.
 */
static void cases_split(void **state)
{
    static const char *const names[] = { "shop/a/h.log", "shop/a/d.log", "shop/b/h.log",
                                          "shop/b/x.log", "shop/note.txt" };
    char p[600];
    json_t *reps;

    snprintf(p, sizeof(p), "%s/shop", dir);
    mkdir(p, 0700);
    snprintf(p, sizeof(p), "%s/shop/a", dir);
    mkdir(p, 0700);
    snprintf(p, sizeof(p), "%s/shop/b", dir);
    mkdir(p, 0700);
    put(names[0], "restore library built\nECID: 0x1A2B3C4D5E6F7\nRestore completed, status: 4013\n");
    put(names[1], "device side line\n");
    put(names[2], "restore library built\nECID: 99999999999\nRestore completed, status: 0\n");
    put(names[3], "ECID: 0x174876E7FF\nSerial: ABCDEFGH12\n");
    put(names[4], "the customer says hello\n");

    reps = run_cases(LA_CASES_AUTO);
    assert_int_equal(json_array_size(reps), 2);
    assert_string_equal(case_str(reps, 0, "split"), "device");
    assert_int_equal(case_int(reps, 0, "of"), 2);
    assert_int_equal(case_int(reps, 1, "index"), 2);
    assert_string_equal(case_str(reps, 0, "unit"), "a");
    assert_int_equal(n_members(reps, 0), 2);          /* the device log joined a's case */
    assert_int_equal(n_members(reps, 1), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(reps, 0), "outcome")),
                        "failed");
    assert_string_equal(json_string_value(json_object_get(json_array_get(reps, 1), "outcome")),
                        "succeeded");
    /* Decimal and hex are one ECID: b names one ECID token and one serial token. */
    assert_int_equal(json_array_size(json_object_get(
                         json_object_get(json_array_get(reps, 1), "case"), "identities")), 2);
    assert_non_null(strstr(case_str(reps, 0, "device"), "ecid-"));
    assert_string_not_equal(case_str(reps, 0, "device"), case_str(reps, 1, "device"));
    assert_int_equal(case_int(reps, 0, "unattributed_count"), 1);
    json_decref(reps);

    reps = run_cases(LA_CASES_JOIN);
    assert_int_equal(json_array_size(reps), 1);
    assert_null(json_object_get(json_array_get(reps, 0), "case"));
    assert_int_equal(n_members(reps, 0), 5);
    json_decref(reps);

    reps = run_cases(LA_CASES_EACH);
    assert_int_equal(json_array_size(reps), 3);
    assert_string_equal(case_str(reps, 2, "unit"), "note.txt");
    assert_string_equal(case_str(reps, 2, "split"), "each");
    json_decref(reps);

    /* b's link between its two logs gone: its ECIDs differ, b/x.log is a third device. */
    put(names[3], "ECID: 0x174876E800\n");
    reps = run_cases(LA_CASES_AUTO);
    assert_int_equal(json_array_size(reps), 3);
    json_decref(reps);

    for (size_t i = 0; i < 5; i++) {
        snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
        unlink(p);
    }
    snprintf(p, sizeof(p), "%s/crules.yaml", dir);
    unlink(p);
    snprintf(p, sizeof(p), "%s/shop/a", dir);
    rmdir(p);
    snprintf(p, sizeof(p), "%s/shop/b", dir);
    rmdir(p);
    snprintf(p, sizeof(p), "%s/shop", dir);
    rmdir(p);
}

static int setup(void **state)
{
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    char p[600];

    snprintf(p, sizeof(p), "%s/rules.yaml", dir);
    unlink(p);
    snprintf(p, sizeof(p), "%s/x.log", dir);
    unlink(p);
    snprintf(p, sizeof(p), "%s/tool.yaml", dir);
    unlink(p);
    snprintf(p, sizeof(p), "%s/case/host.log", dir);
    unlink(p);
    snprintf(p, sizeof(p), "%s/case/device.log", dir);
    unlink(p);
    snprintf(p, sizeof(p), "%s/case", dir);
    rmdir(p);
    return rmdir(dir);
}

/*
 * Unexplained error lines: grouped by template (numbers masked), counted after the list is
 * full, at most max_unexplained of them kept, most frequent first (the hash lookup of
 * pipeline.c must find every repeat, whatever order the templates came in).
 */
static void unexplained_templates(void **state)
{
    struct la_buf log = LA_BUF_INIT;
    json_t *rep, *u, *x;
    size_t i, seen = 0;
    (void)state;
    assert_int_equal(la_buf_adds(&log, "Nov 25 13:45:49 host d[1]: error: code 12 failed\n"
                                       "Nov 25 13:45:50 host d[1]: error: code 345 failed\n"),
                     LA_OK);
    /* 60 templates told apart by a word without digits; the k-th comes k % 5 + 1 times. */
    for (int round = 0; round < 5; round++)
        for (int k = 0; k < 60; k++)
            if (k % 5 >= round)
                assert_int_equal(la_buf_addf(&log, "Nov 25 13:46:%02d host d[1]: error: unit%c%c "
                                                   "failed\n", k, 'a' + k / 26, 'a' + k % 26),
                                 LA_OK);
    rep = run(log.buf, NULL, 0);
    la_buf_release(&log);
    u = json_object_get(json_array_get(json_object_get(rep, "reports"), 0), "unexplained");
    if (!u)
        u = json_object_get(rep, "unexplained");
    assert_non_null(u);
    assert_int_equal(json_array_size(u), LA_DEFAULT_MAX_UNEXPLAINED);
    json_array_foreach(u, i, x) {
        const char *t = json_string_value(json_object_get(x, "template"));
        long c = (long)json_integer_value(json_object_get(x, "count"));
        char a, b;
        assert_non_null(t);
        if (!strcmp(t, "error: code <*> failed")) {
            assert_int_equal(c, 2);
            seen++;
            continue;
        }
        assert_int_equal(sscanf(t, "error: unit%c%c failed", &a, &b), 2);
        int k = (a - 'a') * 26 + (b - 'a');
        /* The first 49 of the 60 found room beside the code template. */
        assert_true(k >= 0 && k < (int)LA_DEFAULT_MAX_UNEXPLAINED - 1);
        assert_int_equal(c, k % 5 + 1);
        if (i > 0) /* most frequent first */
            assert_true(c <= (long)json_integer_value(
                                 json_object_get(json_array_get(u, i - 1), "count")));
    }
    assert_int_equal(seen, 1);
    json_decref(rep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(attempts_and_results), cmocka_unit_test(success_only),
        cmocka_unit_test(no_restore), cmocka_unit_test(applies_and_when),
        cmocka_unit_test(count_within), cmocka_unit_test(unless_suppresses),
        cmocka_unit_test(against_lowers), cmocka_unit_test(tried_moves_ranking),
        cmocka_unit_test(redaction), cmocka_unit_test(redaction_spellings),
        cmocka_unit_test(evidence_cut_keeps_no_part_of_an_identifier),
        cmocka_unit_test(join_needs_same_device),
        cmocka_unit_test(captured_and_set_values), cmocka_unit_test(spaced_and_mapped_codes),
        cmocka_unit_test(named_codes),
        cmocka_unit_test(many_stages), cmocka_unit_test(timeline_phases_and_reasons),
        cmocka_unit_test(deepest_error_decides),
        cmocka_unit_test(informational_hint_is_no_failure),
        cmocka_unit_test(weak_entry_may_end_the_run),
        cmocka_unit_test(retyped_lines_read),
        cmocka_unit_test(paste_that_lost_its_case),
        cmocka_unit_test(after_lines_window),
        cmocka_unit_test(later_attempt_outranks_a_quiet_stop),
        cmocka_unit_test(two_start_rules_one_line),
        cmocka_unit_test(link_message_alone_is_unclear),
        cmocka_unit_test(progress_after_error_is_no_ending),
        cmocka_unit_test(result_outcome_alone_is_a_restore),
        cmocka_unit_test(command_line_makes_a_restore),
        cmocka_unit_test(restore_talk_with_failure_is_a_restore),
        cmocka_unit_test(retry_goes_on_past_the_error),
        cmocka_unit_test(code_facts_leave_the_error_line),
        cmocka_unit_test(context_rules_causes_out),
        cmocka_unit_test(batch_patterns), cmocka_unit_test(summary_counts_dialog_number),
        cmocka_unit_test(cases_split), cmocka_unit_test(unexplained_templates),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
