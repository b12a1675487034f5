/*
 * The line parser: struct la_parser turns the raw lines of one member into records.
 *
 * Data flow per line: la_normalize_view() (a view of the input line, or of p->norm when the
 * line had to change) → the row's parse hook, which may emit the line's
 * records itself (.ips) → in a hard-wrapped member, rejoining (a cut line is held back until
 * its last piece is seen) → la_formats_emit(): the row's shapes split the line into time,
 * pid, level, component and message.  A line no shape accepts is a continuation: it keeps
 * the last time, its message is the whole line, and its context is the last line that had
 * a prefix.  Time-only formats get their date from the member's path or an earlier line,
 * and roll over at midnight.
 *
 * Invariant: record views point into the input line or the parser's buffers and are valid
 * only during the callback; a record's line number is that of its first piece.
 */
#include "config.h"

#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/encoding.h"
#include "formats/formats-internal.h"
#include "formats/formats.h"

struct la_parser *la_parser_new(const struct la_format *f, const char *path)
{
    struct la_parser *p = la_calloc(1, sizeof(*p));

    if (!p)
        return NULL;
    p->f = f;
    la_buf_init(&p->norm, 0);
    la_buf_init(&p->expand, 0);
    la_buf_init(&p->head, 0);
    la_buf_init(&p->pend.buf, 0);
    p->date = path ? la_formats_date_from_path(path) : -1;
    p->last_time = -1;
    p->prev_tod = -1;
    return p;
}

void la_parser_free(struct la_parser *p)
{
    if (!p)
        return;
    la_buf_release(&p->norm);
    la_buf_release(&p->expand);
    la_buf_release(&p->head);
    la_buf_release(&p->pend.buf);
    la_free(p);
}

void la_parser_set_head(struct la_parser *p, const void *head, size_t len)
{
    struct la_buf text = LA_BUF_INIT;
    enum la_encoding enc;
    size_t bom;

    memset(&p->wrap, 0, sizeof(p->wrap));
    p->case_lost = 0;
    if (!head)
        return;
    enc = la_detect_encoding(head, len, &bom);
    la_formats_head_text(head, len, enc, bom, &text);
    p->case_lost = la_formats_case_lost(text.buf, text.len);
    if (text.len && !(p->f->flags & LA_FORMAT_NO_UNWRAP))
        p->wrap = la_formats_wrap_detect(text.buf, text.len);
    la_buf_release(&text);
}

unsigned la_parser_wrap_width(const struct la_parser *p)
{
    return p->wrap.width;
}

uint64_t la_parser_rejoined(const struct la_parser *p)
{
    return p->rejoined;
}

enum la_rc la_formats_emit(struct la_parser *p, const char *s, size_t n, uint64_t lineno,
                              la_record_fn *fn, void *user)
{
    struct la_record r;
    struct la_prefix ps;
    unsigned sh = la_formats_scan(p->f->shapes, s, n, &ps);   /* no shapes: the gutter */
    memset(&r, 0, sizeof(r));
    r.format = p->f->id;
    r.case_lost = p->case_lost;
    r.line = lineno;
    r.text = la_sv_make(s, n);
    r.pid = ps.pid;
    if (sh) {
        r.message = la_sv_make(s + ps.msg, n - ps.msg);
        r.component = la_sv_make(s + ps.comp, ps.comp_len);
        r.level = la_sv_make(s + ps.lvl, ps.lvl_len);
        if (ps.has_date) {
            r.time = ps.time;
            r.has_date = 1;
            if (p->date < 0 || ps.time - p->date >= 86400000 || ps.time < p->date)
                p->date = ps.time - ps.time % 86400000;
        } else if (ps.time >= 0) {
            /* Time of day only: roll the date over at midnight. */
            if (p->prev_tod >= 0 && ps.time + 12 * 3600000LL < p->prev_tod && p->date >= 0)
                p->date += 86400000;
            p->prev_tod = ps.time;
            if (p->date >= 0) {
                r.time = p->date + ps.time;
                r.has_date = 1;
            } else {
                r.time = ps.time;
            }
        }
        p->last_time = r.time;
        p->last_has_date = r.has_date;
        /* This line opens a group: keep it (bounded) as the context of what follows. */
        la_buf_reset(&p->head);
        if (la_buf_add(&p->head, s, n < 4096 ? n : 4096) != LA_OK)
            return LA_FATAL;
        r.context = r.text;
    } else {
        r.message = la_sv_make(s + ps.msg, n - ps.msg);
        r.time = p->last_time;
        r.has_date = p->last_has_date;
        r.context = p->head.len ? la_sv_make(p->head.buf, p->head.len) : r.text;
    }
    return fn(user, &r);
}

/* Emit the held-back record, if any. */
static enum la_rc flush_pending(struct la_parser *p, la_record_fn *fn, void *user)
{
    enum la_rc rc = LA_OK;

    if (p->pend.buf.len)
        rc = la_formats_emit(p, p->pend.buf.buf, p->pend.buf.len, p->pend_line, fn, user);
    la_buf_reset(&p->pend.buf);
    return rc;
}

enum la_rc la_parser_finish(struct la_parser *p, la_record_fn *fn, void *user)
{
    return flush_pending(p, fn, user);
}

/* A line of a hard-wrapped member: join it to the held-back record or hold it back itself. */
static enum la_rc wrapped_line(struct la_parser *p, uint64_t lineno, la_record_fn *fn,
                               void *user)
{
    const char *s = p->line.p;
    size_t n = p->line.len;
    int open_own = 0, added = la_formats_rejoin_add(&p->pend, &p->wrap, s, n, &open_own);
    enum la_rc rc;

    if (added < 0)
        return LA_FATAL;
    if (added) {
        p->rejoined++;
        return LA_OK;
    }
    if (open_own)
        la_formats_wrap_learn(&p->wrap, s, n);
    rc = flush_pending(p, fn, user);
    if (rc != LA_OK)
        return rc;
    p->pend_line = lineno;
    return la_formats_rejoin_start(&p->pend, s, n) < 0 ? LA_FATAL : LA_OK;
}

enum la_rc la_parser_line(struct la_parser *p, struct la_sv line, uint64_t lineno,
                          la_record_fn *fn, void *user)
{
    int k = la_normalize_view(line, &p->norm, &p->line);

    if (k < 0)
        return LA_FATAL;
    if (k == 0 || p->line.len == 0)
        return LA_OK;
    if (p->f->parse) {
        int done = 0;
        enum la_rc rc = p->f->parse(p, lineno, fn, user, &done);
        if (done || rc != LA_OK)
            return rc;
    }
    if (p->wrap.width)
        return wrapped_line(p, lineno, fn, user);
    return la_formats_emit(p, p->line.p, p->line.len, lineno, fn, user);
}
