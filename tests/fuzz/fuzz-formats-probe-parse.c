/*
 * Fuzz target formats-probe-parse: every format probe and record parser.
 *
 * Input layout: byte 0 picks a member name (names steer the probes: ".ips",
 * "Updater", sysdiagnose paths, dates in names) and, in its high bits, a
 * format to force as --input-format does; the rest is the member's bytes.
 * la_format_probe() bids on the head as ingest would hand it over; then the
 * bytes are split on LF (CR kept, as the line reader would keep a lone CR)
 * and fed through la_parser_line() twice: once with the probed format, once
 * with the forced one, so every parser sees every input shape.  The parser
 * gets the head too, so hard-wrapped inputs go through line rejoining.
 *
 * Oracles: the sanitizers, and record invariants: every view lies inside
 * the record's text or is empty; line numbers never go back and never pass
 * the line given (a rejoined record carries its first line's number).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "formats/formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[][2] = {
    { "fuzz.zip!/logs/restore.log", "restore.log" },
    { "fuzz.zip!/panic-full-2024-01-02-101010.ips", "panic-full-2024-01-02-101010.ips" },
    { "Apple Computer/Logs/iPhone Updater Logs/iPhoneUpdater 2024-03-14.log",
      "iPhoneUpdater 2024-03-14.log" },
    { "sysdiagnose_2023.05.24_10-22-41-0700_iPhone-OS_iPhone_20H240/logs/x.log", "x.log" },
    { "restore_000919d61ed1801c_1700000000.log", "restore_000919d61ed1801c_1700000000.log" },
    { "system.log", "system.log" },
    { "paste.txt", "paste.txt" },
    { "", "" },
};

struct ctx {
    uint64_t lineno, last;
    size_t sum;
};

static void check_view(const struct la_record *r, struct la_sv v)
{
    if (!v.len)
        return;
    if (!v.p || v.p < r->text.p || v.p + v.len > r->text.p + r->text.len)
        abort();
}

static enum la_rc on_record(void *user, const struct la_record *r)
{
    struct ctx *c = user;

    if (r->line > c->lineno || r->line < c->last || !r->format ||
        (r->text.len && !r->text.p))
        abort();
    c->last = r->line;
    check_view(r, r->message);
    check_view(r, r->component);
    check_view(r, r->level);
    for (size_t i = 0; i < r->text.len; i++)
        c->sum += (unsigned char)r->text.p[i];
    return LA_OK;
}

static void parse_all(const struct la_format *f, const char *path, const uint8_t *p, size_t n,
                      const uint8_t *head, size_t hl)
{
    struct la_parser *ps = la_parser_new(f, path);
    struct ctx c = { 0, 0, 0 };
    size_t i = 0;
    enum la_rc rc = LA_OK;

    if (!ps)
        return;
    la_parser_set_head(ps, head, hl);
    while (i < n) {
        const uint8_t *nl = memchr(p + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - p) : n;
        /* A copy of exactly the line, so ASan catches reads past its end. */
        char *line = la_malloc(e - i ? e - i : 1);
        if (!line)
            break;
        memcpy(line, p + i, e - i);
        c.lineno++;
        rc = la_parser_line(ps, la_sv_make(line, e - i), c.lineno, on_record, &c);
        la_free(line);
        if (rc != LA_OK)
            break;
        i = e + 1;
    }
    if (rc == LA_OK)
        rc = la_parser_finish(ps, on_record, &c);
    (void)rc;
    la_parser_free(ps);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *reason = NULL;
    int conf = -1;
    unsigned nn = sizeof(names) / sizeof(names[0]);

    if (size < 1 || size > (1u << 20))
        return 0;
    const char *path = names[data[0] % nn][0], *name = names[data[0] % nn][1];
    const uint8_t *body = data + 1;
    size_t len = size - 1;
    size_t hl = len < 4096 ? len : 4096;
    /* The head as a separate exact-size copy, as ingest hands it. */
    uint8_t *head = la_malloc(hl ? hl : 1);
    if (!head)
        return 0;
    memcpy(head, body, hl);
    const struct la_format *f = la_format_probe(path, name, head, hl, &conf, &reason);
    if (!f || !la_format_id(f) || conf < 0 || conf > 1000)
        abort();
    if (la_format_is_binary(f) && !reason)
        abort();
    if (!la_format_is_binary(f))
        parse_all(f, path, body, len, head, hl);
    unsigned count = la_format_count();
    const struct la_format *forced = la_format_at((data[0] >> 3) % count);
    if (forced && forced != f && !la_format_is_binary(forced))
        parse_all(forced, path, body, len, head, hl);
    la_free(head);
    return 0;
}
