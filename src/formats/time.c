/*
 * Timestamps: the scanners the line shapes share ("HH:MM:SS.f", "YYYY-MM-DD HH:MM:SS.f"),
 * the date a member's path names (for formats whose lines carry only the time of day), and
 * la_format_time() for output.
 *
 * Times are milliseconds, since 1970 when the date is known, else since midnight; the
 * calendar arithmetic is Howard Hinnant's days_from_civil / civil_from_days (proleptic
 * Gregorian, no time zones: a log's local time is kept as written).
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "formats/formats-internal.h"
#include "formats/formats.h"

static int64_t days_from_civil(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int64_t)era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

enum la_rc la_format_time(struct la_buf *out, int64_t t, int has_date)
{
    int64_t ms = t % 1000, s = t / 1000;
    int64_t days = s / 86400, sod = s % 86400;

    if (t < 0)
        return la_buf_adds(out, "");
    if (!has_date)
        return la_buf_addf(out, "%02d:%02d:%02d.%03d", (int)(sod / 3600), (int)(sod / 60 % 60),
                           (int)(sod % 60), (int)ms);
    int y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    return la_buf_addf(out, "%04d-%02u-%02uT%02d:%02d:%02d.%03d", y, m, d, (int)(sod / 3600),
                       (int)(sod / 60 % 60), (int)(sod % 60), (int)ms);
}

static int num(const char *s, size_t n, size_t at, size_t w, int *ret)
{
    int v = 0;

    if (at + w > n)
        return 0;
    for (size_t i = 0; i < w; i++) {
        if (!isdigit((unsigned char)s[at + i]))
            return 0;
        v = v * 10 + (s[at + i] - '0');
    }
    *ret = v;
    return 1;
}

/* "HH:MM:SS" + optional ".f…" at s[at]; returns end offset or 0; *ms since midnight. */
size_t la_formats_scan_hms(const char *s, size_t n, size_t at, int64_t *ms)
{
    int h, mi, se;

    if (!num(s, n, at, 2, &h) || at + 2 >= n || s[at + 2] != ':' || !num(s, n, at + 3, 2, &mi) ||
        at + 5 >= n || s[at + 5] != ':' || !num(s, n, at + 6, 2, &se) || h > 23 || mi > 59 ||
        se > 60)
        return 0;
    size_t i = at + 8;
    int64_t frac = 0;
    if (i < n && s[i] == '.' && i + 1 < n && isdigit((unsigned char)s[i + 1])) {
        int digits = 0;
        i++;
        while (i < n && isdigit((unsigned char)s[i])) {
            if (digits < 3)
                frac = frac * 10 + (s[i] - '0');
            digits++;
            i++;
        }
        while (digits < 3) {
            frac *= 10;
            digits++;
        }
    }
    *ms = ((int64_t)h * 3600 + mi * 60 + se) * 1000 + frac;
    return i;
}

/* "YYYY-MM-DD HH:MM:SS[.f]" at s[0]; returns end or 0; *ms since 1970. */
size_t la_formats_scan_ymd(const char *s, size_t n, int64_t *ms)
{
    int y, mo, d;
    int64_t tod;

    if (!num(s, n, 0, 4, &y) || n < 11 || s[4] != '-' || !num(s, n, 5, 2, &mo) || s[7] != '-' ||
        !num(s, n, 8, 2, &d) || (s[10] != ' ' && s[10] != 'T') || mo < 1 || mo > 12 || d < 1 ||
        d > 31)
        return 0;
    size_t e = la_formats_scan_hms(s, n, 11, &tod);
    if (!e)
        return 0;
    *ms = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400000 + tod;
    return e;
}

/* Date hints in names: sysdiagnose_2023.05.24_…, restore_<ecid>_<unix>.log, …-2022-12-24-114300… */
int64_t la_formats_date_from_path(const char *p)
{
    const char *s;
    int y, m, d;

    if ((s = strstr(p, "sysdiagnose_")) && num(s, strlen(s), 12, 4, &y) && s[16] == '.' &&
        num(s, strlen(s), 17, 2, &m) && s[19] == '.' && num(s, strlen(s), 20, 2, &d) && m >= 1 &&
        m <= 12 && d >= 1 && d <= 31)
        return days_from_civil(y, (unsigned)m, (unsigned)d) * 86400000;
    if ((s = strstr(p, "restore_"))) {
        const char *u = strrchr(s, '_');
        if (u) {
            char *end;
            long long t = strtoll(u + 1, &end, 10);
            if (end - u > 9 && t > 1000000000LL && t < 4000000000LL)
                return (t / 86400) * 86400000;
        }
    }
    for (s = p; *s; s++) {
        size_t l = strlen(s);
        if (num(s, l, 0, 4, &y) && s[4] == '-' && num(s, l, 5, 2, &m) && s[7] == '-' &&
            num(s, l, 8, 2, &d) && y >= 2000 && y < 2100 && m >= 1 && m <= 12 && d >= 1 &&
            d <= 31)
            return days_from_civil(y, (unsigned)m, (unsigned)d) * 86400000;
    }
    return -1;
}
