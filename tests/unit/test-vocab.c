/*
 * Unit tests: the producers' vocabulary packs (src/rules/printf.c, src/rules/vocab.c).
 *
 * printf formats as patterns: every conversion kind, flags, width, precision, "%%", the
 * escaping of regex metacharacters, the optional level words, anchoring of short formats,
 * multi-line formats, the sample and altered lines of `rules test`, the title.  The regexes
 * are checked as text and, through PCRE2, by the lines they accept and refuse.
 *
 * Packs loaded from memory: what a message, an ignored entry and a variant become (meta,
 * matching), and the exact diagnostics of broken packs (duplicate id, bad cause, unknown
 * key, missing and malformed values); a vocabulary folder of several packs, one broken.
 */
#include "config.h"

#include <fcntl.h>
#include <pthread.h>
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
#include "core/dir.h"
#include "rules/rules-internal.h"

/* ------------------------------------------------------------ printf.c */

/* The pattern of fmt: 0 made (and *pat filled), 1 none. */
static int pattern(const char *fmt, const char *exception, struct la_printf_pat *pat)
{
    int rc;

    la_buf_init(&pat->src, 0);
    la_buf_init(&pat->atom, 0);
    pat->code_conv = 0;
    pat->code_name = NULL;
    rc = la_printf_pattern(fmt, exception, pat);
    assert_true(rc >= 0);
    return rc;
}

/*
 * The regex of fmt (an unanchored one unless anchored is set), as text; a format that opens
 * with a lower-case letter has the message start in front (la_printf_add_message_start()).
 */
static void regex_is(const char *fmt, const char *want)
{
    struct la_printf_pat p;
    struct la_buf w = LA_BUF_INIT;

    assert_int_equal(pattern(fmt, NULL, &p), 0);
    assert_false(p.literal);
    if (fmt[0] >= 'a' && fmt[0] <= 'z')
        assert_int_equal(la_printf_add_message_start(&w), LA_OK);
    assert_int_equal(la_buf_adds(&w, want), LA_OK);
    assert_string_equal(p.src.buf, w.buf);
    la_buf_release(&w);
    la_printf_pat_release(&p);
}

/* Whether the pattern of fmt (literal or regex) accepts line. */
static int accepts(const char *fmt, const char *exception, const char *line)
{
    struct la_printf_pat p;
    pcre2_match_data *md;
    pcre2_code *re;
    PCRE2_SIZE off;
    int err, hit;

    assert_int_equal(pattern(fmt, exception, &p), 0);
    if (p.literal) {
        hit = strstr(line, p.src.buf) != NULL;
    } else {
        re = pcre2_compile((PCRE2_SPTR)p.src.buf, p.src.len, PCRE2_UTF, &err, &off, NULL);
        assert_non_null(re);
        md = pcre2_match_data_create_from_pattern(re, NULL);
        hit = pcre2_match(re, (PCRE2_SPTR)line, strlen(line), 0, 0, md, NULL) >= 0;
        pcre2_match_data_free(md);
        pcre2_code_free(re);
    }
    la_printf_pat_release(&p);
    return hit;
}

static void conversions(void **state)
{
    (void)state;
    regex_is("Unable to open %s for reading", "Unable to open .*? for reading");
    regex_is("received %d bytes in total", "received [-+]?[0-9]+ bytes in total");
    regex_is("got %i/%u/%ld/%lld/%lu/%llu/%zu/%hhd items in total",
             "got [-+]?[0-9]+/[-+]?[0-9]+/[-+]?[0-9]+/[-+]?[0-9]+/[-+]?[0-9]+/[-+]?[0-9]+/"
             "[-+]?[0-9]+/[-+]?[0-9]+ items in total");
    regex_is("bad address %x/%X/%llx/%lX here", "bad address (?:0[xX])?[0-9A-Fa-f]+/"
             "(?:0[xX])?[0-9A-Fa-f]+/(?:0[xX])?[0-9A-Fa-f]+/(?:0[xX])?[0-9A-Fa-f]+ here");
    regex_is("the buffer at %p is gone", "the buffer at (?:(?:0x)?[0-9A-Fa-f]+|\\(nil\\)) is gone");
    regex_is("the file mode %o is wrong", "the file mode [0-7]+ is wrong");
    regex_is("drive letter %c missing", "drive letter . missing");
    regex_is("progress at %f now", "progress at [-+]?(?:0[xX][0-9A-Fa-f.]+[pP][-+]?[0-9]+|"
             "[0-9]+(?:\\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\\.[0-9]+(?:[eE][-+]?[0-9]+)?|inf|nan|"
             "INF|NAN) now");
    assert_true(accepts("ratio %g of %e total", NULL, "ratio 0.5 of 1.5e+03 total"));
    assert_true(accepts("ratio %.2f of the total", NULL, "ratio -3.25 of the total"));
    assert_true(accepts("wrote %n bytes of data", NULL, "wrote  bytes of data"));
    assert_true(accepts("a pointer %p to nothing", NULL, "a pointer (nil) to nothing"));
    assert_true(accepts("a pointer %p to nothing", NULL, "a pointer 0x7ffd1234 to nothing"));
    assert_false(accepts("received %d bytes in total", NULL, "received many bytes in total"));
    assert_false(accepts("bad address %x here", NULL, "bad address zz here"));
}

/* Flags, width and precision: padding is allowed where a width puts it. */
static void flags_width_precision(void **state)
{
    (void)state;
    regex_is("value is %5d here", "value is  *[-+]?[0-9]+ here");
    regex_is("value is %-5d here", "value is [-+]?[0-9]+ * here");
    regex_is("value is %*d here", "value is  *[-+]?[0-9]+ here");
    regex_is("value is %#08x here", "value is  *(?:0[xX])?[0-9A-Fa-f]+ here");
    regex_is("the name is %.*s and %-20s here", "the name is .*? and .*? here");
    regex_is("value is %+.3d here", "value is [-+]?[0-9]+ here");
    assert_true(accepts("value is %5d here", NULL, "value is    42 here"));
    assert_true(accepts("value is %-5d here", NULL, "value is 42    here"));
    assert_true(accepts("value is %#x here", NULL, "value is 0X1F here"));
}

/* "%%" is a '%'; a '%' that opens no conversion is literal text; metacharacters escaped. */
static void literals_and_escapes(void **state)
{
    struct la_printf_pat p;

    (void)state;
    regex_is("progress 100%% at %d", "progress 100% at [-+]?[0-9]+");
    regex_is("odd 50%! text %d", "odd 50%! text [-+]?[0-9]+");
    regex_is("chars \\^$.|?*+()[]{} end %d",
             "chars \\\\\\^\\$\\.\\|\\?\\*\\+\\(\\)\\[\\]\\{\\} end [-+]?[0-9]+");
    assert_true(accepts("failed (a+b)* [x] %d", NULL, "failed (a+b)* [x] 3"));
    assert_false(accepts("failed (a+b)* [x] %d", NULL, "failed aab [x] 3"));
    /* Only literal text once the conversions at the ends are dropped: a literal. */
    assert_int_equal(pattern("Unable to send APTicket", NULL, &p), 0);
    assert_true(p.literal);
    assert_false(p.anchored);
    assert_string_equal(p.src.buf, "Unable to send APTicket");
    assert_string_equal(p.atom.buf, "Unable to send APTicket");
    la_printf_pat_release(&p);
    assert_int_equal(pattern("%s: could not read 100%% of %s", NULL, &p), 0);
    assert_true(p.literal);
    assert_string_equal(p.src.buf, ": could not read 100% of ");
    la_printf_pat_release(&p);
    /* The atom is the longest literal run, as printed. */
    assert_int_equal(pattern("ab %d the longest run %s x", NULL, &p), 0);
    assert_string_equal(p.atom.buf, " the longest run ");
    la_printf_pat_release(&p);
    /* Matching is case-sensitive. */
    assert_false(accepts("Unable to send APTicket", NULL, "unable to send apticket"));
}

/*
 * A message that opens with a lower-case word starts where a message can: at the start, after
 * punctuation, a number or a level word, never inside a word or after a word of a sentence.
 */
static void message_start(void **state)
{
    struct la_printf_pat p;
    const char *f = "ERROR: unknown error occurred";

    (void)state;
    assert_int_equal(pattern(f, NULL, &p), 0);
    assert_false(p.literal);
    assert_string_equal(p.atom.buf, "unknown error occurred");
    la_printf_pat_release(&p);
    assert_true(accepts(f, NULL, "unknown error occurred"));
    assert_true(accepts(f, NULL, "ERROR: unknown error occurred"));
    assert_true(accepts(f, NULL, "lockdownd_client_new: unknown error occurred"));
    assert_true(accepts(f, NULL, "[TSSC] unknown error occurred"));
    assert_true(accepts(f, NULL, "12:00:01.123 unknown error occurred"));
    assert_true(accepts(f, NULL, "2023-05-01 12:00:01 mac pymobiledevice3[812] ERROR "
                                 "unknown error occurred"));
    assert_false(accepts(f, NULL, "The iPhone could not be restored. An unknown error "
                                  "occurred (4013)."));
    assert_false(accepts(f, NULL, "I keep getting this unknown error occurred message"));
    assert_false(accepts(f, NULL, "an_unknown error occurred"));
    /* A format that opens with a capital or a conversion is found anywhere, as before. */
    assert_true(accepts("Unable to send APTicket", NULL, "then Unable to send APTicket"));
    assert_true(accepts("%s: could not read the file", NULL, "it said: could not read the file"));
    /* The look-behind is made from la_printf_logger_levels, the list the folded pass uses. */
    struct la_buf b = LA_BUF_INIT;
    assert_int_equal(la_printf_add_message_start(&b), LA_OK);
    assert_string_equal(b.buf, "(?:(?<=ERROR |Error |error |WARNING |Warning |NOTE |DEBUG "
                               "|FATAL |INFO |CRITICAL )|(?<![A-Za-z] ))(?<![A-Za-z0-9_])");
    la_buf_release(&b);
    assert_true(accepts(f, NULL, "x CRITICAL unknown error occurred"));
    /* An anchored pattern takes the level words in brackets or with a colon, and module tags. */
    assert_int_equal(pattern("failed", NULL, &p), 0);
    assert_string_equal(p.src.buf, "^[ \\t]*(?:(?:\\[(?:ERROR|Error|error|WARNING|Warning|NOTE|"
                                   "DEBUG|FATAL|[A-Z][A-Z0-9]{1,9})\\]|(?:ERROR|Error|error|"
                                   "WARNING|Warning|NOTE|DEBUG|FATAL):)[ \\t]+)*failed[ \\t]*$");
    la_printf_pat_release(&p);
}

/*
 * "Unable to <verb> %s" alone says only that a verb failed: its object is one word that ends
 * the message, not any text after the words (another tool's "Unable to get SEP digest from
 * manifest").  A longer literal keeps its %s free.
 */
static void verb_and_object(void **state)
{
    struct la_printf_pat p;

    (void)state;
    assert_int_equal(pattern("Unable to get %s", NULL, &p), 0);
    assert_false(p.literal);
    assert_string_equal(p.atom.buf, "Unable to get ");
    la_printf_pat_release(&p);
    assert_true(accepts("Unable to get %s", NULL, "ERROR: Unable to get ApNonce"));
    assert_true(accepts("Unable to get %s", NULL, "Unable to get SepNonce."));
    assert_true(accepts("ERROR: Could not stitch %s", NULL, "Could not stitch iBEC"));
    assert_false(accepts("Unable to get %s", NULL,
                         "ERROR: Unable to get SEP digest from manifest"));
    assert_false(accepts("Could not stitch %s", NULL, "Could not stitch iBEC: bad tag"));
    /* Not a bare verb: the %s stays free. */
    assert_true(accepts("Unable to open file %s", NULL,
                        "Unable to open file /Users/John Smith/x"));
    assert_true(accepts("Unable to get %s from device", NULL,
                        "Unable to get the nonce from device"));
}

/* Level words are dropped (optional) in front of unanchored patterns, optional in anchored. */
static void level_words(void **state)
{
    struct la_printf_pat p;

    (void)state;
    regex_is("ERROR: Unable to frob %d", "Unable to frob [-+]?[0-9]+");
    regex_is("[Error] Unable to frob %d", "Unable to frob [-+]?[0-9]+");
    regex_is("WARNING: NOTE: Unable to frob %d", "Unable to frob [-+]?[0-9]+");
    /* Not a level word: no ':' and no brackets. */
    regex_is("Error opening %s for writing", "Error opening .*? for writing");
    for (int i = 0; i < 2; i++) {
        const char *fmt = i ? "Unable to frob %d" : "ERROR: Unable to frob %d";
        assert_true(accepts(fmt, NULL, "ERROR: Unable to frob 3"));
        assert_true(accepts(fmt, NULL, "12:00:01.123   <Error> Unable to frob 3"));
        assert_true(accepts(fmt, NULL, "[TSSR] Unable to frob -3"));
        assert_true(accepts(fmt, NULL, "[13:02:04][thread] : Unable to frob 3"));
    }
    /* Short: anchored, with the level words optional. */
    assert_int_equal(pattern("ERROR: failed", NULL, &p), 0);
    assert_true(p.anchored);
    assert_string_equal(p.atom.buf, "failed");
    la_printf_pat_release(&p);
    assert_true(accepts("failed", NULL, "failed"));
    assert_true(accepts("failed", NULL, "ERROR: failed"));
    assert_true(accepts("failed", NULL, "[Error] failed"));
    assert_true(accepts("failed", NULL, "  failed  "));
    assert_false(accepts("failed", NULL, "it failed"));
    assert_false(accepts("failed", NULL, "failed to start"));
    /* Blanks at the ends of a literal do not count: " failure" is short. */
    assert_int_equal(pattern("%s failure", NULL, &p), 0);
    assert_true(p.anchored);
    la_printf_pat_release(&p);
    assert_true(accepts("%s failure", NULL, "pairing failure"));
    assert_false(accepts("%s failure", NULL, "ASR STATUS: same failure at the same step"));
    /* A Python exception's traceback line may lead an anchored match. */
    assert_true(accepts("TODO", "NotImplementedError", "NotImplementedError: TODO"));
    assert_true(accepts("TODO", "NotImplementedError", "builtins.NotImplementedError: TODO"));
    assert_false(accepts("TODO", "NotImplementedError", "ValueError: TODO"));
    /* No literal text at all: no pattern. */
    assert_int_equal(pattern("%s", NULL, &p), 1);
    la_printf_pat_release(&p);
    assert_int_equal(pattern("ERROR: %s", NULL, &p), 1);
    la_printf_pat_release(&p);
    assert_int_equal(pattern("%s%d", NULL, &p), 1);
    la_printf_pat_release(&p);
}

/* Only the first line of a format counts; trailing blanks are not required. */
static void first_line(void **state)
{
    struct la_printf_pat p;

    (void)state;
    regex_is("Got status code %s from URLAsset %s:\n%s\n\n%s",
             "Got status code .*? from URLAsset .*?:");
    assert_int_equal(pattern("Sent %u of %u bytes to the device. \nrest", NULL, &p), 0);
    assert_string_equal(p.src.buf, "Sent [-+]?[0-9]+ of [-+]?[0-9]+ bytes to the device\\.");
    la_printf_pat_release(&p);
    /* Short once trimmed: anchored, blanks allowed at the ends. */
    assert_int_equal(pattern("Sent %u of %u bytes. ", NULL, &p), 0);
    assert_true(p.anchored);
    la_printf_pat_release(&p);
}

static void samples_and_titles(void **state)
{
    struct la_buf s = LA_BUF_INIT, a = LA_BUF_INIT, t = LA_BUF_INIT;

    (void)state;
    assert_int_equal(la_printf_sample("ERROR: Unable to open %s (%d, %x, %p) 100%%\nmore", &s,
                                      &a), 0);
    assert_string_equal(s.buf, "ERROR: Unable to open x (1, 0x1f, 0x1f) 100%");
    /* The longest literal run, "Unable to open ", is changed in its middle. */
    assert_string_equal(a.buf, "ERROR: Unable qo open x (1, 0x1f, 0x1f) 100%");
    assert_false(accepts("ERROR: Unable to open %s (%d, %x, %p) 100%%", NULL, a.buf));
    assert_true(accepts("ERROR: Unable to open %s (%d, %x, %p) 100%%", NULL, s.buf));
    assert_int_equal(la_printf_sample("%c%f%o failed", &s, &a), 0);
    assert_string_equal(s.buf, "x1.57 failed");
    assert_string_equal(a.buf, "x1.57 faqled");
    assert_int_equal(la_printf_title("Unable to open %s (%d)\nmore", &t), 0);
    assert_string_equal(t.buf, "Unable to open \xe2\x80\xa6 (\xe2\x80\xa6) \xe2\x80\xa6");
    la_buf_release(&s);
    la_buf_release(&a);
    la_buf_release(&t);
}

/* -------------------------------------------------------------- vocab.c */

static void capture(void *user, const struct la_diag *d)
{
    struct la_buf *b = user;
    assert_int_equal(la_diag_format(d, b), LA_OK);
    assert_int_equal(la_buf_addc(b, '\n'), LA_OK);
}

/* Load texts (rule files or packs, "p<N>.yaml") and compile; the diagnostics into diags. */
static struct la_ruleset *load(const char *const *texts, struct la_buf *diags, enum la_rc want)
{
    static const char *const causes[] = { "usb-link", "signing-server", "host-software",
                                          NULL };
    struct la_limits lim = LA_LIMITS_DEFAULT;
    struct la_ruleset *rs = la_ruleset_new(&lim);
    struct la_diag_sink sink = { capture, diags };
    enum la_rc rc = LA_OK;
    char name[32];

    assert_non_null(rs);
    la_ruleset_set_vocabulary(rs, causes, NULL);
    for (int i = 0; texts[i]; i++) {
        snprintf(name, sizeof(name), "p%d.yaml", i + 1);
        rc = la_rc_worst(rc, la_ruleset_add_buffer(rs, name, texts[i], strlen(texts[i]), &sink));
    }
    /* Compiled even after load errors: duplicate ids are reported then too. */
    rc = la_rc_worst(rc, la_ruleset_compile(rs, &sink));
    assert_int_equal(rc, want);
    return rs;
}

#define HEAD "producer: tool\nrepository: https://example.org/tool\n" \
             "commit: 0123456789abcdef0123456789abcdef01234567\n"
#define MSG(id, fmt, extra)                                                            \
    "  - id: " id "\n    at: src/x.c:10\n    function: \"f\"\n    level: error\n"    \
    "    format: \"" fmt "\"\n    side: link\n    cause: usb-link\n    weight: 1.5\n"  \
    "    reason: \"the link broke\"\n" extra

static const char *const good_pack =
    HEAD "messages:\n"
    MSG("tool.00000001", "ERROR: Unable to send data to ASR. Sent %u of %u bytes.", "")
    MSG("tool.00000002", "TSS request failed (status=%d)",
        "    variants:\n"
        "      - match: \"status=94\\\\b\"\n        side: network-signing\n"
        "        cause: signing-server\n        weight: 3.0\n        reason: \"not signed\"\n"
        "      - match: \"status=(8|49)\\\\b\"\n        side: host-tool\n"
        "        cause: host-software\n        weight: 2.0\n        reason: \"bad request\"\n")
    MSG("tool.00000003", "%s", "")
    "ignored:\n"
    "  - id: tool.00000004\n    at: src/x.c:20\n    level: error\n    format: \"failed\"\n"
    "    ignore: trace\n    reason: \"a trace\"\n";

struct hits {
    char ids[256];
};

static enum la_rc on_hit(void *user, size_t rule, const struct la_capture *c, size_t n)
{
    struct hits *h = user;

    (void)c;
    (void)n;
    snprintf(h->ids + strlen(h->ids), sizeof(h->ids) - strlen(h->ids), "%s%zu",
             h->ids[0] ? "," : "", rule);
    return LA_OK;
}

/* The indexes of the rules that fire on line, "1,2". */
static const char *scan(struct la_matcher *m, const char *line, struct hits *h)
{
    struct la_record f = { .format = "text", .text = la_sv_cstr(line),
                           .message = la_sv_cstr(line) };

    memset(h, 0, sizeof(*h));
    assert_int_equal(la_matcher_scan(m, &f, on_hit, h, NULL), LA_OK);
    return h->ids;
}

/* The rules that fire on line only with letter case ignored (la_matcher_scan_folded). */
static const char *scan_folded(struct la_matcher *m, const char *line, struct hits *h)
{
    struct la_record f = { .format = "text", .text = la_sv_cstr(line),
                           .message = la_sv_cstr(line) };

    memset(h, 0, sizeof(*h));
    assert_int_equal(la_matcher_scan(m, &f, on_hit, h, NULL), LA_OK);
    memset(h, 0, sizeof(*h));
    assert_int_equal(la_matcher_scan_folded(m, &f, on_hit, h, NULL), LA_OK);
    return h->ids;
}

static void good_pack_loads(void **state)
{
    const char *texts[] = { good_pack, NULL };
    struct la_buf d = LA_BUF_INIT;
    struct la_ruleset *rs = load(texts, &d, LA_OK);
    const struct la_rule_meta *m;
    struct la_matcher *mt;
    struct hits h;

    (void)state;
    /* The skipped "%s" entry is a note; messages, variants and the ignored entry are rules. */
    assert_string_equal(d.buf, "p1.yaml: note[LA221]: pack 'tool': 1 entry without literal "
                               "text to match not loaded\n");
    assert_int_equal(la_ruleset_count(rs), 5);
    m = la_ruleset_rule(rs, 0);
    assert_string_equal(m->id, "tool.00000001");
    assert_string_equal(m->title, "tool: ERROR: Unable to send data to ASR. Sent \xe2\x80\xa6 of "
                                  "\xe2\x80\xa6 bytes.");
    assert_string_equal(m->description, "the link broke (src/x.c:10 at 0123456)");
    assert_int_equal(m->kind, LA_KIND_EVIDENCE);
    assert_string_equal(m->cause, "usb-link");
    assert_true(m->weight == 1.5);
    assert_int_equal(m->level, LA_LEVEL_MEDIUM);
    assert_string_equal(m->vocab_producer, "tool");
    assert_string_equal(m->vocab_side, "link");
    assert_string_equal(m->vocab_at, "src/x.c:10");
    assert_string_equal(m->file, "p1.yaml");
    assert_int_equal(m->line, 5);
    assert_int_equal(m->benign, 0);
    m = la_ruleset_rule(rs, 2);
    assert_string_equal(m->id, "tool.00000002.v1");
    assert_string_equal(m->cause, "signing-server");
    assert_string_equal(m->vocab_side, "network-signing");
    assert_string_equal(m->description, "not signed (src/x.c:10 at 0123456)");
    assert_true(m->weight == 3.0);
    m = la_ruleset_rule(rs, 3);
    assert_string_equal(m->id, "tool.00000002.v2");
    assert_int_equal(m->level, LA_LEVEL_MEDIUM);
    m = la_ruleset_rule(rs, 4);
    assert_string_equal(m->id, "tool.00000004");
    assert_int_equal(m->kind, LA_KIND_FACT);
    assert_int_equal(m->benign, 1);
    assert_null(m->cause);
    assert_null(m->vocab_side);
    assert_true(m->weight == 0);
    assert_int_equal(m->level, LA_LEVEL_INFO);

    mt = la_matcher_new(rs);
    assert_non_null(mt);
    assert_string_equal(scan(mt, "[TSSR] Unable to send data to ASR. Sent 0 of 4 bytes.", &h),
                        "0");
    assert_string_equal(scan(mt, "12:00:00.001   <Error> Unable to send data to ASR. Sent 0 of "
                                 "4 bytes.", &h), "0");
    assert_string_equal(scan(mt, "unable to send data to asr. sent 0 of 4 bytes.", &h), "");
    assert_string_equal(scan(mt, "Unable to send data to ASR. Sent all of 4 bytes.", &h), "");
    /* A variant replaces the entry: the first whose regex the line matches. */
    assert_string_equal(scan(mt, "TSS request failed (status=1)", &h), "1");
    assert_string_equal(scan(mt, "TSS request failed (status=94)", &h), "2");
    assert_string_equal(scan(mt, "TSS request failed (status=49)", &h), "3");
    assert_string_equal(scan(mt, "status=94 but no TSS failure", &h), "");
    assert_string_equal(scan(mt, "failed", &h), "4");
    assert_string_equal(scan(mt, "ERROR: failed", &h), "4");
    assert_string_equal(scan(mt, "it failed", &h), "");
    la_matcher_free(mt);
    la_ruleset_free(rs);
    la_buf_release(&d);
}

/* An id used twice, in two packs or a pack and a rule file, is an error as for rules. */
static void duplicate_ids(void **state)
{
    const char *packs[] = { good_pack, HEAD "messages:\n" MSG("tool.00000002", "Another one", ""),
                            NULL };
    const char *mixed[] = { "rules:\n  - id: tool.00000001\n    title: T\n    cause: usb-link\n"
                            "    samples: [x]\n    not: [y]\n    match: {a: {contains: x}}\n",
                            good_pack, NULL };
    struct la_buf d = LA_BUF_INIT;

    (void)state;
    la_ruleset_free(load(packs, &d, LA_FAILED));
    assert_non_null(strstr(d.buf, "p2.yaml:5: error[LA204]: duplicate rule id 'tool.00000002' "
                                  "(first defined at p1.yaml:14)\n"));
    la_buf_reset(&d);
    la_ruleset_free(load(mixed, &d, LA_FAILED));
    assert_non_null(strstr(d.buf, "p2.yaml:5: error[LA204]: duplicate rule id 'tool.00000001' "
                                  "(first defined at p1.yaml:2)\n"));
    la_buf_release(&d);
}

/* Broken packs: every error, positioned, in the rule files' words and codes. */
static void diagnostics(void **state)
{
    const char *unknown_key[] = { HEAD "messages:\n" MSG("tool.00000001", "Unable to go", "")
                                "    colour: red\n", NULL };
    const char *bad_values[] = {
        HEAD "messages:\n"
        "  - id: other.00000001\n    at: src/x.c\n    level: loud\n    format: \"\"\n"
        "    side: cable\n    cause: nand\n    weight: 11\n    reason: \"r\"\n"
        "  - id: tool.00000002\n    at: src/x.c:3\n    level: error\n    format: \"Timed out\"\n"
        "    side: link\n    weight: 1\n    variants:\n      - match: \"(\"\n"
        "        side: link\n        cause: usb-link\n        weight: 1\n"
        "ignored:\n  - id: tool.00000003\n    at: src/x.c:4\n    level: error\n"
        "    format: \"x\"\n    ignore: nope\n    reason: \"r\"\n    cause: usb-link\n", NULL };
    const char *no_head[] = { "messages: {}\npinned: maybe\n", NULL };
    struct la_buf d = LA_BUF_INIT;

    (void)state;
    la_ruleset_free(load(unknown_key, &d, LA_FAILED));
    assert_string_equal(d.buf, "p1.yaml:14:5: error[LA201]: unknown key 'colour'\n");
    la_buf_reset(&d);
    la_ruleset_free(load(bad_values, &d, LA_FAILED));
    assert_string_equal(d.buf,
        "p1.yaml:5:9: error[LA210]: id 'other.00000001' must start with 'tool.'\n"
        "p1.yaml:6:9: error[LA210]: 'at' must be FILE:LINE, not 'src/x.c'\n"
        "p1.yaml:7:12: error[LA210]: unknown level 'loud' (error, warning, fatal, notice, info, "
        "verbose, debug, exception, print, stderr, error-string or status)\n"
        "p1.yaml:8:13: error[LA210]: 'format' is empty\n"
        "p1.yaml:9:11: error[LA210]: unknown side 'cable' (host-tool, host-environment, "
        "network-signing, link, device or image)\n"
        "p1.yaml:10:12: error[LA205]: unknown cause 'nand'\n"
        "p1.yaml:11:13: error[LA210]: weight must be between 0 and 10\n"
        "p1.yaml:13:5: error[LA203]: entry 'tool.00000002' has no 'cause'\n"
        "p1.yaml:13:5: error[LA203]: entry 'tool.00000002' has no 'reason'\n"
        "p1.yaml:20:9: error[LA203]: variant has no 'reason'\n"
        "p1.yaml:31:5: error[LA201]: unknown key 'cause'\n"
        "p1.yaml:29:13: error[LA210]: unknown ignore 'nope' (prompt, usage, trace, fragment, "
        "outcome, non-fatal, no-text or debug)\n");
    la_buf_reset(&d);
    la_ruleset_free(load(no_head, &d, LA_FAILED));
    assert_string_equal(d.buf,
        "p1.yaml:1:1: error[LA203]: missing 'producer:'\n"
        "p1.yaml:1:1: error[LA203]: missing 'repository:'\n"
        "p1.yaml:1:1: error[LA203]: missing 'commit:'\n"
        "p1.yaml:2:9: error[LA202]: 'pinned' must be true or false, not 'maybe'\n"
        "p1.yaml:1:11: error[LA202]: 'messages' must be a list\n");
    la_buf_release(&d);
}

/* A variant regex that does not compile is reported once, at the variant. */
static void bad_variant_regex(void **state)
{
    const char *texts[] = { HEAD "messages:\n"
                            MSG("tool.00000001", "Timed out waiting",
                                "    variants:\n      - match: \"(\"\n        side: link\n"
                                "        cause: usb-link\n        weight: 1\n"
                                "        reason: \"r\"\n"), NULL };
    struct la_buf d = LA_BUF_INIT;
    struct la_ruleset *rs = load(texts, &d, LA_FAILED);

    (void)state;
    assert_string_equal(d.buf, "p1.yaml:15:16: error[LA207]: invalid regex '(': missing closing "
                               "parenthesis at offset 1\n");
    assert_int_equal(la_ruleset_count(rs), 0);
    la_ruleset_free(rs);
    la_buf_release(&d);
}

/*
 * The printed code's conversion of fmt (conv, from 1) as the group name: its regex holds
 * want_group, and on line the group captures want.
 */
static void code_captured(const char *fmt, unsigned conv, const char *name, const char *line,
                          const char *want_group, const char *want)
{
    struct la_printf_pat p = { .code_conv = conv, .code_name = name };
    pcre2_match_data *md;
    pcre2_code *re;
    PCRE2_SIZE off, len;
    PCRE2_UCHAR *got;
    int err;

    la_buf_init(&p.src, 0);
    la_buf_init(&p.atom, 0);
    assert_int_equal(la_printf_pattern(fmt, NULL, &p), 0);
    assert_false(p.literal);
    assert_non_null(strstr(p.src.buf, want_group));
    re = pcre2_compile((PCRE2_SPTR)p.src.buf, p.src.len, PCRE2_UTF, &err, &off, NULL);
    assert_non_null(re);
    md = pcre2_match_data_create_from_pattern(re, NULL);
    assert_true(pcre2_match(re, (PCRE2_SPTR)line, strlen(line), 0, 0, md, NULL) > 0);
    char group[32];
    snprintf(group, sizeof(group), "%.*s", (int)strcspn(want_group + 3, ">"), want_group + 3);
    assert_int_equal(pcre2_substring_get_byname(md, (PCRE2_SPTR)group, &got, &len), 0);
    assert_string_equal((const char *)got, want);
    pcre2_substring_free(got);
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    la_printf_pat_release(&p);
}

/* printed_code: the conversion it names is the named capture code_<space>, nothing else is. */
static void printed_code_capture(void **state)
{
    (void)state;
    code_captured("Could not connect to lockdownd: %s (%d)", 2, "code_imd",
                  "Could not connect to lockdownd: Invalid HostID (-21)", "(?<code_imd>", "-21");
    /* a leading %s is dropped from the unanchored regex but still counts */
    code_captured("%s: Failed to send data (%d)", 2, "code_imd",
                  "restore: Failed to send data (-7)", "(?<code_imd>", "-7");
    code_captured("ERROR: TSS request failed: %s (status=%d)", 2, "code_tss",
                  "ERROR: TSS request failed: x (status=94)", "(?<code_tss>", "94");
    /* hex: the name says so, analyze reads the digits in base 16 */
    code_captured("error opening interface: %#x", 1, "code_kio",
                  "error opening interface: 0xe00002c5", "(?<code_kio_hex>", "0xe00002c5");
    /* a short atom anchors the regex: the capture is there too */
    code_captured("failed: %d", 1, "code_posix", "failed: 32", "(?<code_posix>", "32");
    /* the other integer conversions stay plain */
    code_captured("error %d, sent %u bytes", 1, "code_irecv", "error -4, sent 12 bytes",
                  "(?<code_irecv>[-+]?[0-9]+), sent [-+]?[0-9]+ bytes", "-4");
}

static void printed_code_in_pack(void **state)
{
    const char *good[] = { HEAD "messages:\n"
                           MSG("tool.00000001", "Unable to connect to restored, error=%d",
                               "    printed_code: {conversion: 1, space: imd}\n"), NULL };
    const char *bad[] = { HEAD "messages:\n"
                          MSG("tool.00000001", "Unable to connect to restored, error=%d",
                              "    printed_code: {conversion: 0, space: nope}\n"), NULL };
    struct la_buf d = LA_BUF_INIT;
    struct la_ruleset *rs = load(good, &d, LA_OK);

    (void)state;
    assert_int_equal(la_ruleset_count(rs), 1);
    assert_true(rs->pats[rs->rules[0].first_pat].has_names);
    assert_non_null(strstr(rs->pats[rs->rules[0].first_pat].src, "(?<code_imd>"));
    la_ruleset_free(rs);
    la_buf_reset(&d);
    rs = load(bad, &d, LA_FAILED);
    assert_non_null(strstr(d.buf, "conversion must be between 1 and"));
    assert_int_equal(la_ruleset_count(rs), 0);
    la_ruleset_free(rs);
    la_buf_release(&d);
}

/* The pattern of selection sel of rule (la_match_build() set the rules' pattern ranges). */
static const struct pat *pat_of(const struct la_ruleset *rs, size_t rule, unsigned sel)
{
    const struct rule *r = &rs->rules[rule];

    for (size_t i = r->first_pat; i < r->first_pat + r->npat; i++)
        if (rs->pats[i].sel == sel)
            return &rs->pats[i];
    fail_msg("rule %zu has no selection %u", rule, sel);
    return NULL;
}

struct racer {
    const struct la_ruleset *rs;
    pthread_barrier_t *go;
    int fired, folded;
};

/* A matcher of its own scanning, from the same moment as the other threads, a line that
 * needs the lazily compiled regex. */
static void *race(void *arg)
{
    struct racer *r = arg;
    struct la_matcher *m = la_matcher_new(r->rs);
    struct hits h;

    pthread_barrier_wait(r->go);
    for (int i = 0; m && i < 50; i++) {
        r->fired += !strcmp(scan(m, "TSS request failed (status=1)", &h), "1,5");
        /* the caseless twin, made at first use by whichever thread comes first */
        r->folded += !strcmp(scan_folded(m, "tss request failed (status=1)", &h), "1");
    }
    la_matcher_free(m);
    return NULL;
}

/*
 * A format's regex is compiled, and a rule's regex JIT-compiled, by the first matcher that
 * needs it (la_pat_re), whichever thread it runs in; matchers in other threads use the same
 * code.  So is a format's caseless twin for the folded pass (la_pat_re_folded).  tests/tsan.sh runs this test under ThreadSanitizer too.  A variant's rule holds
 * copies of the regexes its entry's rule compiled.
 */
static void lazy_regexes(void **state)
{
    const char *texts[] = { good_pack,
                            "rules:\n  - id: t.status\n    title: T\n    cause: usb-link\n"
                            "    samples: [x]\n    not: [y]\n"
                            "    match: {a: {re: 'request failed \\(status=(?<code>[0-9]+)'}}\n",
                            NULL };
    struct la_buf d = LA_BUF_INIT;
    struct la_ruleset *rs = load(texts, &d, LA_OK);
    const struct pat *p = pat_of(rs, 1, 0), *w = pat_of(rs, 5, 0);
    int jit = !getenv("LOGANALYZE_NO_JIT");
    struct racer r[4];
    pthread_t t[4];
    pthread_barrier_t go;

    (void)state;
    assert_int_equal(p->op, OP_RE);
    assert_true(p->lazy);
    assert_null(p->re);
    assert_non_null(w->re);
    assert_int_equal(w->jit, jit);
    assert_null(w->jitted);
    assert_int_equal(pthread_barrier_init(&go, NULL, 4), 0);
    for (int i = 0; i < 4; i++) {
        r[i] = (struct racer){ rs, &go, 0, 0 };
        assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        assert_int_equal(r[i].fired, 50);
        assert_int_equal(r[i].folded, 50);
    }
    pthread_barrier_destroy(&go);
    assert_non_null(p->re);
    assert_null(p->jitted);                      /* vocabulary regexes stay interpreted */
    assert_non_null(p->folded);
    if (jit) {
        size_t size = 0;
        assert_non_null(w->jitted);
        assert_true(w->jitted != w->re);
        assert_int_equal(pcre2_pattern_info(w->jitted, PCRE2_INFO_JITSIZE, &size), 0);
        uint32_t have_jit = 0;
        assert_int_equal(pcre2_config(PCRE2_CONFIG_JIT, &have_jit), 0);
        assert_true(!have_jit || size > 0);
    }
    /* Variant 2's rule (index 3): its variant regexes are its own copies of the entry's. */
    for (unsigned j = 1; j <= 2; j++) {
        const struct pat *own = pat_of(rs, 3, j), *entry = pat_of(rs, 1, j);
        assert_false(own->lazy);
        assert_non_null(own->re);
        assert_true(own->re != entry->re);
        assert_string_equal(own->src, entry->src);
        assert_int_equal(own->line, entry->line);
        assert_int_equal(own->col, entry->col);
    }
    la_ruleset_free(rs);
    la_buf_release(&d);
}

/* A format whose regex is longer than the lazy limit (4096 bytes) is compiled at load. */
static void long_regex_compiled_at_load(void **state)
{
    struct la_buf pack = LA_BUF_INIT, d = LA_BUF_INIT, fmt = LA_BUF_INIT;
    struct la_ruleset *rs;
    const struct pat *p;

    (void)state;
    assert_int_equal(la_buf_adds(&fmt, "Bad values"), LA_OK);
    for (int i = 0; i < 400; i++)                /* 12 bytes of regex each */
        assert_int_equal(la_buf_adds(&fmt, " %d"), LA_OK);
    assert_int_equal(la_buf_addf(&pack, HEAD "messages:\n" MSG("tool.00000001", "%s", ""),
                                 fmt.buf), LA_OK);
    const char *texts[] = { pack.buf, NULL };
    rs = load(texts, &d, LA_OK);
    p = pat_of(rs, 0, 0);
    assert_true(strlen(p->src) > 4096);
    assert_false(p->lazy);
    assert_non_null(p->re);
    la_ruleset_free(rs);
    la_buf_release(&pack);
    la_buf_release(&d);
    la_buf_release(&fmt);
}

/* Write n entries (ids prefix.00000001...) as a pack at path. */
static void write_pack(const char *path, const char *producer, int n)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fprintf(f, "producer: %s\nrepository: https://example.org/%s\n"
               "commit: 0123456789abcdef0123456789abcdef01234567\nmessages:\n",
            producer, producer);
    for (int i = 1; i <= n; i++)
        fprintf(f, "  - id: %s.%08d\n    at: src/x.c:%d\n    level: error\n"
                   "    format: \"Unable to open restore component number %d of %%s\"\n"
                   "    side: link\n    cause: usb-link\n    weight: 1.5\n"
                   "    reason: \"the link broke\"\n",
                producer, i, i, i);
    fclose(f);
}

/* A file of text at dir/name. */
static void write_file(const char *dir, const char *name, const char *text)
{
    struct la_buf p = LA_BUF_INIT;
    FILE *f;

    assert_int_equal(la_buf_addf(&p, "%s/%s", dir, name), LA_OK);
    assert_non_null(f = fopen(p.buf, "w"));
    fputs(text, f);
    fclose(f);
    la_buf_release(&p);
}

/* A data folder whose vocab/ has a large pack, a broken one, a small one, a larger one. */
static void make_vocab_dir(char *dir)
{
    struct la_buf p = LA_BUF_INIT;

    assert_non_null(mkdtemp(dir));
    assert_int_equal(la_buf_addf(&p, "%s/vocab", dir), LA_OK);
    assert_int_equal(mkdir(p.buf, 0700), 0);
    la_buf_reset(&p);
    assert_int_equal(la_buf_addf(&p, "%s/vocab/a.yaml", dir), LA_OK);
    write_pack(p.buf, "aa", 400);
    la_buf_reset(&p);
    assert_int_equal(la_buf_addf(&p, "%s/vocab", dir), LA_OK);
    write_file(p.buf, "b.yaml", "producer: bb\nrepository: https://example.org/bb\nmessages:\n"
                                "  - id: bb.1\n    reason: [cut");
    la_buf_reset(&p);
    assert_int_equal(la_buf_addf(&p, "%s/vocab/c.yaml", dir), LA_OK);
    write_pack(p.buf, "cc", 2);
    la_buf_reset(&p);
    assert_int_equal(la_buf_addf(&p, "%s/vocab/d.yaml", dir), LA_OK);
    write_pack(p.buf, "dd", 1500);
    la_buf_release(&p);
}

/* Remove every file of dir, then dir. */
static void remove_dir(const char *dir)
{
    struct la_dir_list l = { NULL, 0 };
    struct la_buf p = LA_BUF_INIT;

    assert_int_equal(la_dir_list(dir, NULL, NULL, 0, &l, NULL), LA_OK);
    for (size_t i = 0; i < l.n; i++) {
        la_buf_reset(&p);
        assert_int_equal(la_buf_addf(&p, "%s/%s", dir, l.names[i]), LA_OK);
        assert_int_equal(remove(p.buf), 0);
    }
    la_dir_list_release(&l);
    la_buf_release(&p);
    assert_int_equal(rmdir(dir), 0);
}

/* The vocabulary folder of dir loaded (LA_FAILED: b.yaml), its diagnostics into d. */
static struct la_ruleset *load_dir(const char *dir, struct la_buf *d)
{
    static const char *const causes[] = { "usb-link", NULL };
    struct la_limits lim = LA_LIMITS_DEFAULT;
    struct la_ruleset *rs = la_ruleset_new(&lim);
    struct la_diag_sink sink = { capture, d };

    assert_non_null(rs);
    la_ruleset_set_vocabulary(rs, causes, NULL);
    assert_int_equal(la_ruleset_add_vocab_dir(rs, dir, &sink), LA_FAILED);
    /* The broken pack fails the ruleset; the others' rules are all there. */
    assert_int_equal(la_ruleset_compile(rs, &sink), LA_FAILED);
    return rs;
}

/*
 * A vocabulary folder's packs share one node array (yaml.c's struct ystore): a large pack,
 * a broken one, a small one and a larger one after them all load as they would alone,
 * with the broken one's syntax error at its place and each rule at its own line.
 */
static void vocab_dir_packs(void **state)
{
    struct la_buf d = LA_BUF_INIT;
    char dir[] = "/tmp/la-test-vocab-XXXXXX";
    const struct la_rule_meta *m;
    struct la_ruleset *rs;
    long r;

    (void)state;
    make_vocab_dir(dir);
    rs = load_dir(dir, &d);
    assert_string_equal(strstr(d.buf, "b.yaml:"),
                        "b.yaml:6:1: error[LA200]: invalid YAML: did not find expected ',' "
                        "or ']' while parsing a flow sequence\n");
    assert_int_equal(la_ruleset_count(rs), 400 + 2 + 1500);
    assert_true((r = la_ruleset_find(rs, "cc.00000002")) >= 0);
    m = la_ruleset_rule(rs, (size_t)r);
    assert_int_equal(m->line, 5 + 8);
    assert_string_equal(m->vocab_at, "src/x.c:2");
    assert_true((r = la_ruleset_find(rs, "dd.00001500")) >= 0);
    m = la_ruleset_rule(rs, (size_t)r);
    assert_int_equal(m->line, 5 + 8 * 1499);
    assert_string_equal(m->title, "dd: Unable to open restore component number 1500 of …");
    assert_true((r = la_ruleset_find(rs, "aa.00000400")) >= 0);
    assert_string_equal(la_ruleset_rule(rs, (size_t)r)->vocab_at, "src/x.c:400");
    la_ruleset_free(rs);
    la_buf_release(&d);
    char vocab[sizeof(dir) + 8];
    snprintf(vocab, sizeof(vocab), "%s/vocab", dir);
    remove_dir(vocab);
    assert_int_equal(rmdir(dir), 0);
}

/* What loading gave: every rule's meta that a pack decides, then the diagnostics. */
static void snapshot(const struct la_ruleset *rs, const struct la_buf *d, struct la_buf *out)
{
    la_buf_reset(out);
    for (size_t i = 0; i < la_ruleset_count(rs); i++) {
        const struct la_rule_meta *m = la_ruleset_rule(rs, i);
        assert_int_equal(la_buf_addf(out, "%s %s:%u %s|%s|%s|%s|%g|%d\n", m->id, m->file,
                                     m->line, m->title, m->description, m->vocab_at,
                                     m->cause ? m->cause : "-", m->weight, (int)m->level),
                         LA_OK);
    }
    assert_int_equal(la_buf_adds(out, d->buf), LA_OK);
}

/* Load dir's packs: the snapshot into out, the cache hits of the load returned. */
static unsigned long load_snap(const char *dir, struct la_buf *out)
{
    struct la_buf d = LA_BUF_INIT;
    unsigned long before = ycache_hits();
    struct la_ruleset *rs = load_dir(dir, &d);

    snapshot(rs, &d, out);
    la_ruleset_free(rs);
    la_buf_release(&d);
    return ycache_hits() - before;
}

static int is_ydoc(const char *name, void *user)
{
    (void)user;
    return !strncmp(name, "ydoc-", 5);
}

/* The cache files of cache/loganalyze, sorted; their count. */
static size_t cache_files(const char *cache, struct la_dir_list *l)
{
    struct la_buf p = LA_BUF_INIT;

    assert_int_equal(la_buf_addf(&p, "%s/loganalyze", cache), LA_OK);
    la_dir_list_release(l);
    if (la_dir_list(p.buf, is_ydoc, NULL, 0, l, NULL) != LA_OK)
        l->n = 0;
    la_buf_release(&p);
    return l->n;
}

/*
 * Read, change and write back a cache file: truncated to half, else the byte at `at` changed
 * (none when at is SIZE_MAX); with resum, its checksum made right again.
 */
static void tamper(const char *cache, const char *name, size_t at, int truncate, int resum)
{
    struct la_buf p = LA_BUF_INIT;
    char *b;
    long n;
    FILE *f;

    assert_int_equal(la_buf_addf(&p, "%s/loganalyze/%s", cache, name), LA_OK);
    assert_non_null(f = fopen(p.buf, "rb"));
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    assert_true((n = ftell(f)) > 100);
    rewind(f);
    assert_non_null(b = malloc((size_t)n));
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    if (truncate) {
        n /= 2;
    } else if (at != SIZE_MAX) {
        b[at < (size_t)n ? at : (size_t)n / 2] ^= 0x5a;
    }
    if (resum) {
        struct sha256_ctx c;
        sha256_init(&c);
        sha256_update(&c, (size_t)n - SHA256_DIGEST_SIZE, (const uint8_t *)b);
        sha256_digest(&c, SHA256_DIGEST_SIZE, (uint8_t *)b + n - SHA256_DIGEST_SIZE);
    }
    assert_non_null(f = fopen(p.buf, "wb"));
    assert_int_equal(fwrite(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    free(b);
    la_buf_release(&p);
}

/*
 * The parsed-YAML cache of the packs (ycache.c): cold, warm, corrupt, truncated, forged
 * with a right checksum, stale (a pack changed), unwritable, pruned.  Every load gives the
 * same rules and diagnostics as the first, cold one; only the cache hits differ.
 */
static void pack_cache(void **state)
{
    char dir[] = "/tmp/la-test-vocab-XXXXXX", cache[] = "/tmp/la-test-cache-XXXXXX";
    struct la_buf cold = LA_BUF_INIT, s = LA_BUF_INIT, p = LA_BUF_INIT;
    struct la_dir_list l = { NULL, 0 };
    const char *old = getenv("XDG_CACHE_HOME");
    char *saved = old ? strdup(old) : NULL;

    (void)state;
    make_vocab_dir(dir);
    assert_non_null(mkdtemp(cache));
    assert_int_equal(setenv("XDG_CACHE_HOME", cache, 1), 0);

    /* Cold: a, c and d parsed and saved; b fails to parse and is not saved. */
    assert_int_equal(load_snap(dir, &cold), 0);
    assert_int_equal(cache_files(cache, &l), 3);
    assert_non_null(strstr(cold.buf, "b.yaml:6:1: error[LA200]"));
    /* Warm: all three read back, the same rules, lines, titles and diagnostics. */
    assert_int_equal(load_snap(dir, &s), 3);
    assert_string_equal(s.buf, cold.buf);

    /* Corrupt (a byte changed), truncated, forged (a child id made a cycle, the checksum
     * made right): each ignored, the pack parsed and the file written again. */
    tamper(cache, l.names[0], 200, 0, 0);
    tamper(cache, l.names[1], 0, 1, 0);
    assert_int_equal(load_snap(dir, &s), 1);
    assert_string_equal(s.buf, cold.buf);
    assert_int_equal(load_snap(dir, &s), 3);
    for (size_t i = 0; i < 3; i++) {
        /* The first child of the root (a mapping) made the root itself: id 1. */
        struct la_buf f = LA_BUF_INIT;
        uint32_t nnodes, ntext, one = 1;
        FILE *fp;
        assert_int_equal(la_buf_addf(&f, "%s/loganalyze/%s", cache, l.names[i]), LA_OK);
        assert_non_null(fp = fopen(f.buf, "r+b"));
        assert_int_equal(fseek(fp, 8 + 32 + 4, SEEK_SET), 0);
        assert_int_equal(fread(&nnodes, 4, 1, fp), 1);
        assert_int_equal(fread(&ntext, 4, 1, fp), 1);
        assert_int_equal(fseek(fp, 8 + 32 + 16 + (long)nnodes * 20 + ntext, SEEK_SET), 0);
        assert_int_equal(fwrite(&one, 4, 1, fp), 1);
        fclose(fp);
        la_buf_release(&f);
        tamper(cache, l.names[i], SIZE_MAX, 0, 1);
    }
    assert_int_equal(load_snap(dir, &s), 0);
    assert_string_equal(s.buf, cold.buf);
    assert_int_equal(load_snap(dir, &s), 3);

    /* Stale: c changed.  c misses; so does d, whose key follows the ruleset's hash. */
    assert_int_equal(la_buf_addf(&p, "%s/vocab/c.yaml", dir), LA_OK);
    write_pack(p.buf, "cc", 3);
    assert_int_equal(load_snap(dir, &s), 1);
    assert_non_null(strstr(s.buf, "cc.00000003"));
    assert_int_equal(cache_files(cache, &l), 5);
    write_pack(p.buf, "cc", 2);
    assert_int_equal(load_snap(dir, &s), 3);
    assert_string_equal(s.buf, cold.buf);

    /* Unwritable: the cache folder cannot be made (its parent is a file): no cache, no error. */
    la_buf_reset(&p);
    assert_int_equal(la_buf_addf(&p, "%s/file", cache), LA_OK);
    write_file(cache, "file", "x");
    assert_int_equal(la_buf_addf(&p, "/sub"), LA_OK);
    assert_int_equal(setenv("XDG_CACHE_HOME", p.buf, 1), 0);
    assert_int_equal(load_snap(dir, &s), 0);
    assert_string_equal(s.buf, cold.buf);
    assert_int_equal(setenv("XDG_CACHE_HOME", cache, 1), 0);

    /* Pruned: with 70 old files beside them, writing keeps 64, the new ones among them. */
    for (int i = 0; i < 70; i++) {
        char name[64];
        struct la_buf f = LA_BUF_INIT;
        struct timespec t[2] = { { 1000, 0 }, { 1000 + i, 0 } };
        snprintf(name, sizeof(name), "loganalyze/ydoc-old%02d.bin", i);
        write_file(cache, name, "old");
        assert_int_equal(la_buf_addf(&f, "%s/%s", cache, name), LA_OK);
        assert_int_equal(utimensat(AT_FDCWD, f.buf, t, 0), 0);
        la_buf_release(&f);
    }
    for (size_t i = 0; i < 5; i++)
        tamper(cache, l.names[i], 0, 1, 0);     /* the real files, to be written again */
    assert_int_equal(load_snap(dir, &s), 0);
    assert_int_equal(cache_files(cache, &l), 64);
    assert_int_equal(load_snap(dir, &s), 3);
    assert_string_equal(s.buf, cold.buf);

    if (saved)
        assert_int_equal(setenv("XDG_CACHE_HOME", saved, 1), 0);
    else
        assert_int_equal(unsetenv("XDG_CACHE_HOME"), 0);
    free(saved);
    la_dir_list_release(&l);
    la_buf_reset(&p);
    assert_int_equal(la_buf_addf(&p, "%s/loganalyze", cache), LA_OK);
    remove_dir(p.buf);
    la_buf_reset(&p);
    assert_int_equal(la_buf_addf(&p, "%s/file", cache), LA_OK);
    assert_int_equal(remove(p.buf), 0);
    assert_int_equal(rmdir(cache), 0);
    la_buf_reset(&p);
    assert_int_equal(la_buf_addf(&p, "%s/vocab", dir), LA_OK);
    remove_dir(p.buf);
    assert_int_equal(rmdir(dir), 0);
    la_buf_release(&p);
    la_buf_release(&s);
    la_buf_release(&cold);
}

/* A pack nested as deep as ydoc_load() allows is cached and read back the same. */
static void pack_cache_deep(void **state)
{
    static const char *const causes[] = { "usb-link", NULL };
    char dir[] = "/tmp/la-test-vocab-XXXXXX", cache[] = "/tmp/la-test-cache-XXXXXX";
    struct la_buf text = LA_BUF_INIT, p = LA_BUF_INIT, snap[2] = { LA_BUF_INIT, LA_BUF_INIT };
    const char *old = getenv("XDG_CACHE_HOME");
    char *saved = old ? strdup(old) : NULL;
    int deep = 64 - 3;              /* the top mapping, 'messages', the entry */

    (void)state;
    assert_non_null(mkdtemp(dir));
    assert_non_null(mkdtemp(cache));
    assert_int_equal(setenv("XDG_CACHE_HOME", cache, 1), 0);
    assert_int_equal(la_buf_addf(&p, "%s/vocab", dir), LA_OK);
    assert_int_equal(mkdir(p.buf, 0700), 0);
    assert_int_equal(la_buf_adds(&text, HEAD "messages:\n" MSG("tool.00000001", "Unable to go",
                                                               "") "    symbol: "), LA_OK);
    for (int i = 0; i < deep; i++)
        assert_int_equal(la_buf_addc(&text, '['), LA_OK);
    assert_int_equal(la_buf_adds(&text, "x"), LA_OK);
    for (int i = 0; i < deep; i++)
        assert_int_equal(la_buf_addc(&text, ']'), LA_OK);
    assert_int_equal(la_buf_addc(&text, '\n'), LA_OK);
    write_file(p.buf, "e.yaml", text.buf);
    for (int run = 0; run < 2; run++) {
        struct la_limits lim = LA_LIMITS_DEFAULT;
        struct la_ruleset *rs = la_ruleset_new(&lim);
        struct la_buf d = LA_BUF_INIT;
        struct la_diag_sink sink = { capture, &d };
        unsigned long before = ycache_hits();
        assert_non_null(rs);
        la_ruleset_set_vocabulary(rs, causes, NULL);
        assert_int_equal(la_ruleset_add_vocab_dir(rs, dir, &sink), LA_FAILED);
        assert_int_equal(ycache_hits() - before, (unsigned long)run);
        snapshot(rs, &d, &snap[run]);
        la_ruleset_free(rs);
        la_buf_release(&d);
    }
    /* The list where a string belongs is reported, the same both times. */
    assert_non_null(strstr(snap[0].buf, "error[LA202]: 'symbol' must be a string"));
    assert_string_equal(snap[1].buf, snap[0].buf);

    if (saved)
        assert_int_equal(setenv("XDG_CACHE_HOME", saved, 1), 0);
    else
        assert_int_equal(unsetenv("XDG_CACHE_HOME"), 0);
    free(saved);
    remove_dir(p.buf);
    assert_int_equal(rmdir(dir), 0);
    la_buf_reset(&p);
    assert_int_equal(la_buf_addf(&p, "%s/loganalyze", cache), LA_OK);
    remove_dir(p.buf);
    assert_int_equal(rmdir(cache), 0);
    la_buf_release(&p);
    la_buf_release(&text);
    la_buf_release(&snap[0]);
    la_buf_release(&snap[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(conversions),
        cmocka_unit_test(flags_width_precision),
        cmocka_unit_test(literals_and_escapes),
        cmocka_unit_test(message_start),
        cmocka_unit_test(verb_and_object),
        cmocka_unit_test(level_words),
        cmocka_unit_test(first_line),
        cmocka_unit_test(samples_and_titles),
        cmocka_unit_test(good_pack_loads),
        cmocka_unit_test(duplicate_ids),
        cmocka_unit_test(diagnostics),
        cmocka_unit_test(bad_variant_regex),
        cmocka_unit_test(printed_code_capture),
        cmocka_unit_test(printed_code_in_pack),
        cmocka_unit_test(lazy_regexes),
        cmocka_unit_test(long_regex_compiled_at_load),
        cmocka_unit_test(vocab_dir_packs),
        cmocka_unit_test(pack_cache),
        cmocka_unit_test(pack_cache_deep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
