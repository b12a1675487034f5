/*
 * Fuzz target report-escape: the escapers and every report writer.
 *
 * Input layout: byte 0 holds flags (bit 0: colour in text, bit 1: allow
 * invalid UTF-8 in document strings, bits 2-7: text width); the rest is cut
 * at 0xFF bytes (never valid UTF-8) into segments.  Segment 0 goes through
 * each la_escape_*() with per-escaper oracles.  Then a report document
 * (a trimmed copy of tests/report/data/failed-4013.json) has its strings
 * and numbers replaced, in document order, by the segments that follow (an
 * empty segment keeps the template value), and is rendered in all eight
 * formats.
 *
 * Oracles (abort() on violation): html escaping leaves no < > " ' and
 * markdown/github/terminal escaping no line break; terminal output has no
 * ESC or other C0 byte; every escaper yields valid UTF-8.  Rendering
 * succeeds and every format's output is valid UTF-8, whatever bytes the
 * document's strings hold (la_report_render() renders a copy with each bad
 * byte as U+FFFD); json and sarif output parse as JSON and every ndjson line
 * does; text without colour has no ESC byte; html has no "<script" and
 * html/junit no "]]>"; every github line is one of loganalyze's annotations
 * ("::error ", "::warning ", "::notice ") or starts "loganalyze: ".
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "core/buf.h"
#include "report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char template_json[] =
    "{\"schema\":\"loganalyze.report/1\",\"tool\":{\"name\":\"loganalyze\",\"version\":\"0.1."
    "0\"},\"generated\":\"2026-11-25T13:00:00Z\",\"ruleset\":{\"rules\":57,\"sha256\":\"9f2c4"
    "b1e7a0d3c58e6b14f09a2d7c3e815b6a0f4\"},\"reports\":[{\"input\":\"report.tar.gz\",\"outco"
    "me\":\"failed\",\"verdict\":\"FAILED 4013 at 'update_baseband' \342\200\224 most \",\"er"
    "ror_codes\":[4013,2009],\"device\":{\"model\":\"iPhone9,3\",\"ios\":\"15.7\",\"build\":"
    "\"19H12\",\"ecid\":\"ecid-3f9a11c2\"},\"host\":{\"software\":\"iTunes 12.12.8.2\",\"os\""
    ":\"Windows 10\"},\"attempts\":[{\"index\":1,\"started\":\"2026-03-14T10:19:02\",\"ended"
    "\":\"2026-03-14T10:19:44\",\"result\":2009,\"outcome\":\"failed\",\"stage\":\"restore_im"
    "age\",\"stages\":[\"restore_image\"],\"sources\":[\"report.tar.gz!/logs/iTunes.log\"]},{"
    "\"index\":2,\"started\":\"2026-03-14T10:22:41\",\"ended\":\"2026-03-14T10:31:40\",\"resu"
    "lt\":4013,\"outcome\":\"failed\",\"stage\":\"update_baseband\",\"stages\":[\"restore_ima"
    "ge\",\"verify_image\"],\"sources\":[\"report.tar.gz!/logs/iTunes.log\",\"report.tar.gz!/"
    "logs/restore.log\"]}],\"causes\":[{\"id\":\"baseband\",\"title\":\"Baseband (modem) hard"
    "ware\",\"confidence\":0.87,\"level\":\"high\",\"summary\":\"The restore stopped while up"
    "dating the m\",\"evidence\":[{\"rule\":\"baseband.bbupdater-ping\",\"title\":\"bbupdater"
    " could not ping the baseband\",\"weight\":3,\"source\":\"report.tar.gz!/logs/restore.log"
    "\",\"line\":812,\"time\":\"2026-03-14T10:31:02\",\"text\":\"update_baseband: bbupdater e"
    "rror: The op\"},{\"rule\":\"baseband.checkpoint-failure\",\"title\":\"restore checkpoint"
    " update_baseband faile\",\"weight\":2.5,\"source\":\"report.tar.gz!/logs/restore.log\","
    "\"line\":813,\"time\":\"2026-03-14T10:31:02\",\"text\":\"[18:09:25.0116-GMT]{4>6} CHECKP"
    "OINT IMME\"}],\"against\":[{\"rule\":\"usb.stable-link\",\"title\":\"the USB link stayed"
    " up through the failu\",\"weight\":-0.5,\"source\":\"report.tar.gz!/logs/iTunes.log\",\""
    "line\":2051,\"time\":\"2026-03-14T10:31:05\",\"text\":\"[10:31:05.112] AMRAuthInstallDel"
    "etePerso\"}],\"remediation\":[\"Restore once more in DFU mode with a kno\",\"Have the de"
    "vice checked by Apple or an a\"],\"next_test\":\"Restore in DFU mode; if it fails again "
    "a\"},{\"id\":\"usb-link\",\"title\":\"Cable, port, hub or USB power\",\"confidence\":0.0"
    "9,\"level\":\"low\",\"summary\":\"The device disconnected once, during the\",\"evidence"
    "\":[{\"rule\":\"usb.disconnect\",\"title\":\"the device disconnected\",\"weight\":1,\"so"
    "urce\":\"report.tar.gz!/logs/iTunes.log\",\"line\":1987,\"time\":\"2026-03-14T10:19:44\""
    ",\"text\":\"idevice_event_cb: device 000919d61ed1801\"}],\"remediation\":[\"Use another "
    "Apple or MFi cable\",\"Plug into a port directly on the compute\"],\"next_test\":\"Resto"
    "re with another cable and port\"}],\"members\":[{\"path\":\"report.tar.gz!/logs/iTunes.l"
    "og\",\"format\":\"itunes-log\",\"bytes\":482113,\"lines\":6120,\"status\":\"ok\"},{\"pat"
    "h\":\"report.tar.gz!/logs/restore.log\",\"format\":\"restored-device\",\"bytes\":96231,"
    "\"lines\":1203,\"status\":\"ok\"}],\"unexplained\":[{\"template\":\"ERROR: Unable to <*>"
    " device <*>\",\"count\":3,\"source\":\"report.tar.gz!/logs/iTunes.log\",\"line\":77,\"te"
    "xt\":\"ERROR: Unable to restore device 000919d6\"},{\"template\":\"AMRAuthInstall<*>: <*"
    "> failed\",\"count\":1,\"source\":\"report.tar.gz!/logs/iTunes.log\",\"line\":2044,\"tex"
    "t\":\"AMRAuthInstallPreflight: tatsu request f\"}],\"warnings\":[{\"code\":\"LA104\",\"s"
    "ource\":\"report.tar.gz!/logs/old.log.gz\",\"message\":\"member could not be read: trunc"
    "ated gzip\"},{\"code\":\"LA117\",\"source\":\"report.tar.gz!/Library/Logs/powerlog.PLS\""
    ",\"message\":\"binary member skipped (SQLite)\"}],\"collect\":[],\"ladder\":[{\"id\":\"c"
    "able\",\"text\":\"Use another Apple or MFi cable\",\"why\":\"a worn cable drops the link"
    " mid-restore\",\"if_still_fails\":\"try a USB port directly on the computer\",\"tried\":"
    "false},{\"id\":\"port\",\"text\":\"Plug into a port directly on the compute\",\"why\":\""
    "hubs and front ports brown out\",\"if_still_fails\":\"update the computer's software\","
    "\"tried\":false}],\"ranking_notes\":[]}],\"summary\":{\"inputs\":1,\"failed\":1,\"succee"
    "ded\":0,\"inconclusive\":0,\"no_restore_found\":0,\"by_cause\":{\"baseband\":1},\"by_err"
    "or_code\":{\"4013\":1},\"by_model\":{\"iPhone9,3\":1},\"patterns\":[\"the same device (e"
    "cid-3f9a11c2) failed a\"]}}"
    ;

struct seg {
    const char *p;
    size_t len;
};

struct feed {
    const struct seg *s;
    size_t n, next;
    int allow_bad;
};

static int valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned char c = s[i];
        size_t k;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            k = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (n - i <= k)
            return 0;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + j] & 0x3F);
        }
        if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k + 1;
    }
    return 1;
}

static int has_any(const struct la_buf *b, size_t from, const char *set)
{
    for (size_t i = from; i < b->len; i++)
        if (strchr(set, b->buf[i]) && b->buf[i])
            return 1;
    return 0;
}

/* Run one escaper on s and check what it may never emit. */
static void escapers(const char *s, size_t n)
{
    struct la_buf b = LA_BUF_INIT;

    if (la_escape_html(&b, s, n) == LA_OK) {
        if (has_any(&b, 0, "<>\"'") || !valid_utf8((const unsigned char *)b.buf, b.len))
            abort();
    }
    la_buf_reset(&b);
    if (la_escape_xml(&b, s, n) == LA_OK) {
        if (has_any(&b, 0, "<>") || strstr(b.buf, "]]>") ||
            !valid_utf8((const unsigned char *)b.buf, b.len))
            abort();
        for (size_t i = 0; i < b.len; i++) {
            unsigned char c = (unsigned char)b.buf[i];
            if (c < 0x20 && c != '\t' && c != '\n')
                abort();
        }
    }
    la_buf_reset(&b);
    if (la_escape_terminal(&b, s, n) == LA_OK) {
        for (size_t i = 0; i < b.len; i++) {
            unsigned char c = (unsigned char)b.buf[i];
            if (c < 0x20 || c == 0x7f)
                abort();
        }
        if (!valid_utf8((const unsigned char *)b.buf, b.len))
            abort();
    }
    for (int prop = 0; prop < 2; prop++) {
        la_buf_reset(&b);
        if (la_escape_github(&b, s, n, prop) == LA_OK) {
            if (has_any(&b, 0, "\r\n") || (prop && has_any(&b, 0, ":,")) ||
                !valid_utf8((const unsigned char *)b.buf, b.len))
                abort();
            size_t i = 0;
            while (i < b.len && (b.buf[i] == ' ' || b.buf[i] == '\t'))
                i++;
            if (b.len - i >= 2 && b.buf[i] == ':' && b.buf[i + 1] == ':')
                abort();
        }
    }
    la_buf_reset(&b);
    if (la_escape_markdown(&b, s, n) == LA_OK) {
        if (has_any(&b, 0, "\r\n") || !valid_utf8((const unsigned char *)b.buf, b.len))
            abort();
    }
    /* A cap: on failure the buffer keeps its entry length. */
    struct la_buf capped;
    la_buf_init(&capped, 8);
    if (la_buf_adds(&capped, "ab") == LA_OK && la_escape_html(&capped, s, n) != LA_OK &&
        capped.len != 2)
        abort();
    la_buf_release(&capped);
    la_buf_release(&b);
}

static const struct seg *take(struct feed *f)
{
    if (f->next >= f->n)
        return NULL;
    return &f->s[f->next++];
}

/* Replace strings and numbers of v, depth first, by the next segments. */
static void mutate(json_t *v, struct feed *f)
{
    const char *key;
    json_t *child;
    size_t i;

    if (json_is_object(v)) {
        json_object_foreach(v, key, child) {
            if (json_is_string(child) || json_is_number(child)) {
                const struct seg *s = take(f);
                json_t *nv = NULL;
                if (!s || !s->len)
                    continue;
                if (json_is_string(child)) {
                    nv = json_stringn(s->p, s->len);
                    if (!nv && f->allow_bad)
                        nv = json_stringn_nocheck(s->p, s->len);
                } else if (json_is_integer(child)) {
                    int64_t x = 0;
                    memcpy(&x, s->p, s->len < sizeof(x) ? s->len : sizeof(x));
                    nv = json_integer((json_int_t)x);
                } else {
                    double d = 0;
                    memcpy(&d, s->p, s->len < sizeof(d) ? s->len : sizeof(d));
                    if (isfinite(d))
                        nv = json_real(d);
                }
                if (nv)
                    json_object_set_new(v, key, nv);
            } else {
                mutate(child, f);
            }
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, child) {
            if (json_is_string(child)) {
                const struct seg *s = take(f);
                json_t *nv;
                if (!s || !s->len)
                    continue;
                nv = json_stringn(s->p, s->len);
                if (!nv && f->allow_bad)
                    nv = json_stringn_nocheck(s->p, s->len);
                if (nv)
                    json_array_set_new(v, i, nv);
            } else if (json_is_integer(child)) {
                const struct seg *s = take(f);
                int64_t x = 0;
                if (!s || !s->len)
                    continue;
                memcpy(&x, s->p, s->len < sizeof(x) ? s->len : sizeof(x));
                json_array_set_new(v, i, json_integer((json_int_t)x));
            } else {
                mutate(child, f);
            }
        }
    }
}

static void check_json(const char *s, size_t n)
{
    json_error_t err;
    /* \u0000 is valid JSON (RFC 8259); jansson needs JSON_ALLOW_NUL to accept it. */
    json_t *v = json_loadb(s, n, JSON_ALLOW_NUL, &err);

    if (!v)
        abort();
    json_decref(v);
}

static void check_output(const char *fmt, const struct la_buf *b, int color)
{
    if (!strcmp(fmt, "json") || !strcmp(fmt, "sarif")) {
        check_json(b->buf, b->len);
    } else if (!strcmp(fmt, "ndjson")) {
        size_t i = 0;
        while (i < b->len) {
            const char *nl = memchr(b->buf + i, '\n', b->len - i);
            size_t e = nl ? (size_t)(nl - b->buf) : b->len;
            if (e > i)
                check_json(b->buf + i, e - i);
            i = e + 1;
        }
    } else if (!strcmp(fmt, "text")) {
        if (!color && memchr(b->buf, 0x1b, b->len))
            abort();
    } else if (!strcmp(fmt, "html") || !strcmp(fmt, "junit")) {
        if (strstr(b->buf, "]]>"))
            abort();
        for (size_t i = 0; !strcmp(fmt, "html") && i + 7 <= b->len; i++)
            if (b->buf[i] == '<' && !strncasecmp(b->buf + i, "<script", 7))
                abort();
    } else if (!strcmp(fmt, "github")) {
        size_t i = 0;
        while (i < b->len) {
            const char *nl = memchr(b->buf + i, '\n', b->len - i);
            size_t e = nl ? (size_t)(nl - b->buf) : b->len;
            const char *l = b->buf + i;
            size_t ll = e - i;
            if (ll && !(ll >= 8 && !memcmp(l, "::error ", 8)) &&
                !(ll >= 10 && !memcmp(l, "::warning ", 10)) &&
                !(ll >= 9 && !memcmp(l, "::notice ", 9)) &&
                !(ll >= 10 && !memcmp(l, "::notice::", 10)) &&
                !(ll >= 12 && !memcmp(l, "loganalyze: ", 12)))
                abort();
            i = e + 1;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct seg segs[256];
    size_t nseg = 0, start = 1;
    struct feed f;
    json_error_t err;
    json_t *doc;

    if (size < 1 || size > (256u << 10))
        return 0;
    for (size_t i = 1; i <= size && nseg < 256; i++) {
        if (i == size || data[i] == 0xFF) {
            segs[nseg].p = (const char *)data + start;
            segs[nseg].len = i - start;
            nseg++;
            start = i + 1;
        }
    }
    escapers(segs[0].p, segs[0].len);

    doc = json_loads(template_json, 0, &err);
    if (!doc)
        abort();
    memset(&f, 0, sizeof(f));
    f.s = segs + 1;
    f.n = nseg - 1;
    f.allow_bad = data[0] & 2;
    mutate(doc, &f);

    struct la_report_opts opts;
    memset(&opts, 0, sizeof(opts));
    opts.color = data[0] & 1;
    opts.width = (unsigned)(data[0] >> 2);
    opts.deterministic = 1;
    for (size_t k = 0; la_report_format_name(k); k++) {
        const char *fmt = la_report_format_name(k);
        struct la_buf out = LA_BUF_INIT;
        enum la_rc rc = la_report_render(fmt, doc, &opts, &out, NULL);
        if (rc != LA_OK || !valid_utf8((const unsigned char *)out.buf, out.len))
            abort();
        check_output(fmt, &out, opts.color);
        la_buf_release(&out);
    }
    json_decref(doc);
    return 0;
}
