/*
 * tracev3 entries as text: the one-line form `loganalyze show` prints and the rules match
 * (la_tv3_entry_line()), with the log's control characters escaped.
 */

#include <stdio.h>
#include <time.h>

#include "core/buf.h"
#include "tracev3/tracev3.h"

enum la_rc la_tv3_escape(struct la_buf *out, struct la_sv s)
{
    enum la_rc rc = LA_OK;
    size_t start = 0;

    for (size_t i = 0; i < s.len && rc == LA_OK; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c >= 0x20 && c != 0x7f)
            continue;
        rc = la_buf_add(out, s.p + start, i - start);
        if (rc == LA_OK)
            rc = c == '\n' ? la_buf_adds(out, "\\n")
                 : c == '\t' ? la_buf_adds(out, "\\t")
                             : la_buf_addf(out, "\\x%02x", c);
        start = i + 1;
    }
    if (rc == LA_OK)
        rc = la_buf_add(out, s.p + start, s.len - start);
    return rc;
}

enum la_rc la_tv3_entry_line(struct la_buf *out, const struct la_tv3_entry *e, size_t *msg_off)
{
    int64_t local = e->time_ns + (int64_t)e->tz_minutes * 60 * 1000000000;
    int64_t secs = local / 1000000000, frac = local % 1000000000;
    char when[64];
    struct tm tm;
    time_t t;

    if (frac < 0) {
        frac += 1000000000;
        secs--;
    }
    t = (time_t)secs;
    if (!gmtime_r(&t, &tm) || !strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm))
        snprintf(when, sizeof when, "0000-00-00 00:00:00");
    int tz = e->tz_minutes < 0 ? -e->tz_minutes : e->tz_minutes;
    enum la_rc rc = la_buf_addf(out, "%s.%06ld%c%02d%02d ", when, (long)(frac / 1000),
                                e->tz_minutes < 0 ? '-' : '+', tz / 60 % 100, tz % 60);
    if (rc == LA_OK)
        rc = la_tv3_escape(out, e->process);
    if (rc == LA_OK)
        rc = la_buf_addf(out, "[%ld] ", e->pid);
    if (rc == LA_OK && e->subsystem.len) {
        rc = la_buf_addc(out, '(');
        if (rc == LA_OK)
            rc = la_tv3_escape(out, e->subsystem);
        if (rc == LA_OK)
            rc = la_buf_addc(out, ':');
        if (rc == LA_OK)
            rc = la_tv3_escape(out, e->category);
        if (rc == LA_OK)
            rc = la_buf_adds(out, ") ");
    }
    if (rc == LA_OK)
        rc = la_buf_addf(out, "<%s> ", e->level);
    if (msg_off)
        *msg_off = out->len;
    if (rc == LA_OK)
        rc = la_tv3_escape(out, e->message);
    return rc;
}
