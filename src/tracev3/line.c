/*
 * tracev3 entries as text: the one-line form `loganalyze show` prints and the rules match
 * (la_tv3_entry_line()), with the log's control characters escaped.
 *
 * This runs once per entry, so it formats without printf (whose cost, through la_buf_addf's
 * two vsnprintf calls, was most of `show`'s time): the date comes from the day number by the
 * civil-from-days arithmetic (Gregorian, as gmtime_r's), digits are written directly, and the
 * escape scan looks at eight bytes at a time.  The text is the same byte for byte.
 */

#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "tracev3/tracev3.h"

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Nonzero when one of the 8 bytes in w is below 0x20 or is 0x7f (exact as a yes/no). */
static uint64_t has_control(uint64_t w)
{
    uint64_t del = w ^ (0x7f * ONES);

    return ((w - 0x20 * ONES) & ~w & HIGHS) | ((del - ONES) & ~del & HIGHS);
}

/* From i, past the bytes of p[0..n) that are surely not control characters: 32 at a time,
 * then 8 at a time; what is left (at most 7 bytes, or a word holding a control
 * character) is for the caller to look at byte by byte. */
static size_t skip_plain(const unsigned char *p, size_t i, size_t n)
{
    uint64_t w[4];

    while (n - i >= 32) {
        memcpy(w, p + i, 32);
        if (has_control(w[0]) | has_control(w[1]) | has_control(w[2]) | has_control(w[3]))
            break;
        i += 32;
    }
    while (n - i >= 8) {
        memcpy(w, p + i, 8);
        if (has_control(w[0]))
            break;
        i += 8;
    }
    return i;
}

enum la_rc la_tv3_escape(struct la_buf *out, struct la_sv s)
{
    const unsigned char *p = (const unsigned char *)s.p;
    enum la_rc rc = LA_OK;
    size_t start = 0, i = 0;

    while (i < s.len && rc == LA_OK) {
        i = skip_plain(p, i, s.len);
        size_t end = s.len - i > 8 ? i + 8 : s.len;
        while (i < end && p[i] >= 0x20 && p[i] != 0x7f)
            i++;
        if (i == end)
            continue;
        unsigned char c = p[i];
        rc = la_buf_add(out, s.p + start, i - start);
        if (rc == LA_OK) {
            char esc[4] = { '\\', 'x', "0123456789abcdef"[c >> 4], "0123456789abcdef"[c & 15] };
            if (c == '\n' || c == '\t')
                rc = la_buf_add(out, c == '\n' ? "\\n" : "\\t", 2);
            else
                rc = la_buf_add(out, esc, 4);
        }
        start = ++i;
    }
    if (rc == LA_OK)
        rc = la_buf_add(out, s.p + start, s.len - start);
    return rc;
}

/* n written as exactly `digits` decimal digits (0 <= n < 10^digits) at p; returns the end. */
static char *digits(char *p, uint64_t n, int count)
{
    for (int i = count - 1; i >= 0; i--) {
        p[i] = (char)('0' + n % 10);
        n /= 10;
    }
    return p + count;
}

/* The year, month and day of day number `days` since 1970-01-01 (H. Hinnant's
 * civil_from_days, exact for the proleptic Gregorian calendar gmtime_r uses). */
static void civil(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    unsigned doe = (unsigned)(days - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;

    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* "YYYY-MM-DD HH:MM:SS.ffffff±zzzz " of an entry, at p (room for 40 bytes); returns the end. */
static char *when(char *p, const struct la_tv3_entry *e)
{
    int64_t local = e->time_ns + (int64_t)e->tz_minutes * 60 * 1000000000;
    int64_t secs = local / 1000000000, frac = local % 1000000000;

    if (frac < 0) {
        frac += 1000000000;
        secs--;
    }
    int64_t days = secs / 86400, sod = secs % 86400;
    if (sod < 0) {
        sod += 86400;
        days--;
    }
    int64_t y;
    unsigned m, d;
    civil(days, &y, &m, &d);
    if (y < 0 || y > 9999) {
        memcpy(p, "0000-00-00 00:00:00", 19);    /* out of range: as strftime's failure */
        p += 19;
    } else {
        p = digits(p, (uint64_t)y, 4);
        *p++ = '-';
        p = digits(p, m, 2);
        *p++ = '-';
        p = digits(p, d, 2);
        *p++ = ' ';
        p = digits(p, (uint64_t)(sod / 3600), 2);
        *p++ = ':';
        p = digits(p, (uint64_t)(sod / 60 % 60), 2);
        *p++ = ':';
        p = digits(p, (uint64_t)(sod % 60), 2);
    }
    *p++ = '.';
    p = digits(p, (uint64_t)(frac / 1000), 6);
    int tz = e->tz_minutes < 0 ? -e->tz_minutes : e->tz_minutes;
    *p++ = e->tz_minutes < 0 ? '-' : '+';
    p = digits(p, (uint64_t)(tz / 60 % 100), 2);
    p = digits(p, (uint64_t)(tz % 60), 2);
    *p++ = ' ';
    return p;
}

/* "[pid] " at p (room for 24 bytes); returns the end. */
static char *pid_part(char *p, long pid)
{
    char tmp[24];
    size_t k = sizeof tmp;
    unsigned long u = pid < 0 ? 0ul - (unsigned long)pid : (unsigned long)pid;

    do {
        tmp[--k] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (pid < 0)
        tmp[--k] = '-';
    *p++ = '[';
    memcpy(p, tmp + k, sizeof tmp - k);
    p += sizeof tmp - k;
    *p++ = ']';
    *p++ = ' ';
    return p;
}

enum la_rc la_tv3_entry_line(struct la_buf *out, const struct la_tv3_entry *e, size_t *msg_off)
{
    char head[48], mid[32];
    size_t ll = strlen(e->level);
    enum la_rc rc = la_buf_add(out, head, (size_t)(when(head, e) - head));

    if (rc == LA_OK)
        rc = la_tv3_escape(out, e->process);
    if (rc == LA_OK)
        rc = la_buf_add(out, mid, (size_t)(pid_part(mid, e->pid) - mid));
    if (rc == LA_OK && e->subsystem.len) {
        rc = la_buf_addc(out, '(');
        if (rc == LA_OK)
            rc = la_tv3_escape(out, e->subsystem);
        if (rc == LA_OK)
            rc = la_buf_addc(out, ':');
        if (rc == LA_OK)
            rc = la_tv3_escape(out, e->category);
        if (rc == LA_OK)
            rc = la_buf_add(out, ") ", 2);
    }
    if (rc == LA_OK)
        rc = la_buf_addc(out, '<');
    if (rc == LA_OK)
        rc = la_buf_add(out, e->level, ll);
    if (rc == LA_OK)
        rc = la_buf_add(out, "> ", 2);
    if (msg_off)
        *msg_off = out->len;
    if (rc == LA_OK)
        rc = la_tv3_escape(out, e->message);
    return rc;
}
