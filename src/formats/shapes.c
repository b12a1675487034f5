/*
 * Line shapes: one scanner per record prefix (enum la_shape_id in formats-internal.h).
 *
 * A scanner reads the prefix at the start of a normalised line and fills a struct la_prefix
 * with offsets of the component, level and message, the pid and the time; it returns 0 when
 * the line does not open with its prefix.  la_formats_scan() tries the shapes a row names,
 * in id order, and the first that accepts wins.  The probe counts, per shape, the head lines
 * it accepts; the parser uses the same scanners, so what probing recognised is what gets
 * parsed.  Lines no shape accepts are continuation lines (parse.c).
 *
 * Invariant: scanners read only s[0..n) (lines are not NUL-terminated views) and never fail
 * on junk: the fuzzers feed them every byte.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "formats/formats-internal.h"

/* "[pid:tid]: " at i; returns end or 0. */
static size_t scan_pidtid(const char *s, size_t n, size_t i, long *pid)
{
    size_t j;
    long p = 0;

    if (i >= n || s[i] != '[')
        return 0;
    j = i + 1;
    if (j >= n || !isdigit((unsigned char)s[j]))
        return 0;
    while (j < n && isdigit((unsigned char)s[j])) {
        if (p < 100000000)              /* pids are small; never overflow on junk */
            p = p * 10 + (s[j] - '0');
        j++;
    }
    if (j >= n || s[j] != ':')
        return 0;
    j++;
    while (j < n && isxdigit((unsigned char)s[j]))
        j++;
    if (j >= n || s[j] != ']')
        return 0;
    *pid = p;
    return j + 1;
}

static int shape_itunes(const char *s, size_t n, struct la_prefix *r, int named)
{
    size_t i = la_formats_scan_ymd(s, n, &r->time);

    if (!i || i >= n || s[i] != ' ')
        return 0;
    i++;
    if (named) {
        size_t c = i;
        while (i < n && s[i] != '[' && s[i] != ' ')
            i++;
        if (i == c)
            return 0;
        r->comp = c;
        r->comp_len = i - c;
    }
    i = scan_pidtid(s, n, i, &r->pid);
    if (!i || i >= n || s[i] != ':')
        return 0;
    r->has_date = 1;
    r->msg = la_formats_skip_sp(s, n, i + 1);
    return 1;
}

static int shape_bracket(const char *s, size_t n, struct la_prefix *r, int device)
{
    size_t i;

    if (n < 10 || s[0] != '[')
        return 0;
    i = la_formats_scan_hms(s, n, 1, &r->time);
    if (!i)
        return 0;
    if (device) {
        if (i + 5 > n || memcmp(s + i, "-GMT]", 5) != 0)
            return 0;
        i += 5;
        if (i < n && s[i] == '{') {
            const char *e = memchr(s + i, '}', n - i);
            if (!e || e - (s + i) > 16)
                return 0;
            i = (size_t)(e - s) + 1;
        }
    } else {
        if (i >= n || s[i] != ']')
            return 0;
        i++;
    }
    r->msg = la_formats_skip_sp(s, n, i);
    return 1;
}

static int shape_unified(const char *s, size_t n, struct la_prefix *r)
{
    size_t i = la_formats_scan_ymd(s, n, &r->time);

    if (!i || i >= n || (s[i] != '+' && s[i] != '-'))
        return 0;
    i++;
    while (i < n && isdigit((unsigned char)s[i]))
        i++;
    i = la_formats_skip_sp(s, n, i);
    /* Optional thread id and type columns of `log show`: "0x1a2b  Default  0x0  pid  ttl" */
    size_t c = i;
    while (i < n && s[i] != '[' && s[i] != ' ')
        i++;
    if (i < n && s[i] == '[') {
        r->comp = c;
        r->comp_len = i - c;
        size_t e = scan_pidtid(s, n, i, &r->pid);
        if (e)
            i = e;
    } else {
        i = c;
    }
    r->has_date = 1;
    r->msg = la_formats_skip_sp(s, n, i);
    return 1;
}

static int shape_console(const char *s, size_t n, struct la_prefix *r)
{
    static const char *const types[] = { "default\t", "info\t", "debug\t", "error\t", "fault\t",
                                         "notice\t", NULL };
    size_t i = 0;

    for (int k = 0; types[k]; k++) {
        size_t l = strlen(types[k]);
        if (n > l && !memcmp(s, types[k], l)) {
            r->lvl = 0;
            r->lvl_len = l - 1;
            i = l;
            break;
        }
    }
    if (!i)
        return 0;
    i = la_formats_scan_hms(s, n, i, &r->time);
    if (!i)
        return 0;
    while (i < n && s[i] != '\t')
        i++;
    if (i >= n)
        return 0;
    i++;
    r->comp = i;
    while (i < n && s[i] != '\t')
        i++;
    r->comp_len = i - r->comp;
    r->msg = i < n ? i + 1 : n;
    return 1;
}

static int shape_idrnew(const char *s, size_t n, struct la_prefix *r)
{
    size_t i = la_formats_scan_hms(s, n, 0, &r->time);

    if (!i || i >= n || s[i] != ' ')
        return 0;
    i = la_formats_skip_sp(s, n, i);
    if (i >= n || s[i] != '<')
        return 0;
    const char *e = memchr(s + i, '>', n - i);
    if (!e || e - (s + i) > 10)
        return 0;
    r->lvl = i + 1;
    r->lvl_len = (size_t)(e - s) - i - 1;
    for (size_t k = r->lvl; k < r->lvl + r->lvl_len; k++)
        if (!isalpha((unsigned char)s[k]))
            return 0;
    r->msg = la_formats_skip_sp(s, n, (size_t)(e - s) + 1);
    return 1;
}

/* The host name at s[i] ("2024-12-29 16:01:58 host proc[pid]"): the offset after it and
 * the blanks that follow. */
static size_t after_host(const char *s, size_t n, size_t i)
{
    while (i < n && s[i] != ' ')
        i++;
    return la_formats_skip_sp(s, n, i);
}

static int shape_pymd(const char *s, size_t n, struct la_prefix *r)
{
    size_t i = la_formats_scan_ymd(s, n, &r->time);

    if (!i || i >= n || s[i] != ' ')
        return 0;
    i = after_host(s, n, i + 1);
    r->comp = i;
    while (i < n && s[i] != '[' && s[i] != ' ')
        i++;
    if (i >= n || s[i] != '[' || i == r->comp)
        return 0;
    r->comp_len = i - r->comp;
    i++;
    long p = 0;
    if (i >= n || !isdigit((unsigned char)s[i]))
        return 0;
    while (i < n && isdigit((unsigned char)s[i])) {
        if (p < 100000000)
            p = p * 10 + (s[i] - '0');
        i++;
    }
    if (i >= n || s[i] != ']')
        return 0;
    r->pid = p;
    i = la_formats_skip_sp(s, n, i + 1);
    r->lvl = i;
    while (i < n && isupper((unsigned char)s[i]))
        i++;
    r->lvl_len = i - r->lvl;
    if (!r->lvl_len)
        return 0;
    r->has_date = 1;
    r->msg = la_formats_skip_sp(s, n, i);
    return 1;
}

static int shape_flash(const char *s, size_t n, struct la_prefix *r)
{
    size_t i = la_formats_scan_hms(s, n, 0, &r->time);

    if (!i || i + 1 >= n || s[i] != ':' || s[i + 1] != ' ')
        return 0;
    r->msg = la_formats_skip_sp(s, n, i + 1);
    return 1;
}

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/*
 * strtol(s, NULL, 10) of the n bytes before a ']': plain digits (the common "[53]") are read
 * here, anything else (blanks, a sign, more than 18 digits) by strtol itself.
 */
static long pid_at(const char *s, size_t n)
{
    long v = 0;
    size_t i = 0;

    while (i < n && i < 18 && s[i] >= '0' && s[i] <= '9')
        v = v * 10 + (s[i++] - '0');
    if (i > 0 && i < 18 && (i == n || s[i] < '0' || s[i] > '9'))
        return v;
    return strtol(s, NULL, 10);
}

static int shape_syslog(const char *s, size_t n, struct la_prefix *r)
{
    int mon = -1, d;
    size_t i;

    if (n < 16)
        return 0;
    for (int k = 0; k < 12 && mon < 0; k++)
        if (!memcmp(s, months[k], 3))
            mon = k;
    if (mon < 0 || s[3] != ' ')
        return 0;
    i = 4;
    if (s[i] == ' ')
        i++;
    d = 0;
    while (i < n && isdigit((unsigned char)s[i]) && d < 100)
        d = d * 10 + (s[i++] - '0');
    if (d < 1 || d > 31 || i >= n || s[i] != ' ')
        return 0;
    i = la_formats_scan_hms(s, n, i + 1, &r->time);
    if (!i || i >= n || s[i] != ' ')
        return 0;
    i = after_host(s, n, i + 1);
    r->comp = i;
    while (i < n && s[i] != '[' && s[i] != ':' && s[i] != ' ')
        i++;
    r->comp_len = i - r->comp;
    if (i < n && s[i] == '[') {
        const char *e = memchr(s + i, ']', n - i);
        if (e) {
            r->pid = pid_at(s + i + 1, (size_t)(e - s) - i - 1);
            i = (size_t)(e - s) + 1;
        }
    }
    if (i < n && s[i] == ':')
        i++;
    r->msg = la_formats_skip_sp(s, n, i);
    return 1;
}

static int shape_itunes_plain(const char *s, size_t n, struct la_prefix *r)
{
    return shape_itunes(s, n, r, 0);
}

static int shape_itunes_named(const char *s, size_t n, struct la_prefix *r)
{
    return shape_itunes(s, n, r, 1);
}

static int shape_device(const char *s, size_t n, struct la_prefix *r)
{
    return shape_bracket(s, n, r, 1);
}

static int shape_bracket_plain(const char *s, size_t n, struct la_prefix *r)
{
    return shape_bracket(s, n, r, 0);
}

static int shape_amr_clock(const char *s, size_t n, struct la_prefix *r)
{
    int64_t ms;

    return n > 15 && s[0] == '[' && la_formats_scan_hms(s, n, 1, &ms) == 14 && s[14] == ']' &&
           shape_bracket(s, n, r, 0);
}

/* The scanners, by shape id. */
static int (*const shapes[LA_SHAPE_COUNT])(const char *s, size_t n, struct la_prefix *r) = {
    [LA_SHAPE_ITUNES] = shape_itunes_plain,
    [LA_SHAPE_ITUNES_NAMED] = shape_itunes_named,
    [LA_SHAPE_DEVICE] = shape_device,
    [LA_SHAPE_BRACKET] = shape_bracket_plain,
    [LA_SHAPE_PYMD] = shape_pymd,
    [LA_SHAPE_UNIFIED] = shape_unified,
    [LA_SHAPE_CONSOLE] = shape_console,
    [LA_SHAPE_IDR] = shape_idrnew,
    [LA_SHAPE_FLASH] = shape_flash,
    [LA_SHAPE_SYSLOG] = shape_syslog,
    [LA_SHAPE_AMR_CLOCK] = shape_amr_clock,
};

/*
 * Where line s's own words start: after the blanks of an indented paste (Markdown's
 * four-space code block, an indented quote) and a box-drawing gutter ("  \u2502   ", a
 * wrapper's tree view: U+2502, U+2503, U+2551).  Shapes are scanned from there, and a line no
 * shape claims has its message start there; the record's text keeps the line as it came.
 */
static size_t gutter(const char *s, size_t n)
{
    size_t i = la_formats_skip_sp(s, n, 0);
    const unsigned char *u = (const unsigned char *)s + i;

    if (n - i >= 3 && u[0] == 0xe2 &&
        ((u[1] == 0x94 && (u[2] == 0x82 || u[2] == 0x83)) || (u[1] == 0x95 && u[2] == 0x91)))
        i = la_formats_skip_sp(s, n, i + 3);
    return i;
}

/*
 * A wrapper's own prefix before the line of the tool it runs: "[16:49:58.489][10968] : "
 * (its time of day and thread).  The end of it, with *ms and *tid, or 0.
 */
static size_t wrapper_prefix(const char *s, size_t n, int64_t *ms, long *tid)
{
    size_t i, d;
    long t = 0;

    if (n < 12 || s[0] != '[')
        return 0;
    i = la_formats_scan_hms(s, n, 1, ms);
    if (!i || i + 2 >= n || s[i] != ']' || s[i + 1] != '[')
        return 0;
    for (d = i + 2; d < n && d - i <= 12 && isdigit((unsigned char)s[d]); d++)
        if (t < 100000000)                /* as scan_pidtid: never overflow on junk */
            t = t * 10 + (s[d] - '0');
    if (d == i + 2 || d >= n || s[d] != ']')
        return 0;
    d = la_formats_skip_sp(s, n, d + 1);
    if (d < n && s[d] == ':')
        d++;
    *tid = t;
    return la_formats_skip_sp(s, n, d);
}

/*
 * Try the shapes in mask, in id order; the first that accepts wins.  Returns its bit or 0.
 * A scanner that gives up may have filled some fields of r: the next one starts from them.
 * When none accepts, r is cleared but for msg, the end of the line's gutter.
 *
 * A wrapper's prefix (wrapper_prefix()) is taken off first, like the gutter, and so are quote
 * markers after either (a quoted log pasted indented, boxed or through a wrapper: the line's
 * start was not where normalisation looked for them): the shapes are tried on the tool's
 * line inside it, and the wrapper's time and thread stand in for the line's own when it has
 * none.  Inside it a line no shape accepts still opens a record:
 * LA_SHAPE_WRAPPED, a bit of no row's mask, so that the probe counts it for no format and
 * the tool's own words decide which format the member is.
 */
unsigned la_formats_scan(unsigned mask, const char *s, size_t n, struct la_prefix *r)
{
    size_t g = gutter(s, n), w;
    int64_t wtime = -1;
    long wtid = -1;

    if ((w = wrapper_prefix(s + g, n - g, &wtime, &wtid)) != 0)
        g += w;
    if (g)                              /* a quoted log pasted indented, boxed or wrapped */
        g = la_formats_unquote(s, n, g);
    memset(r, 0, sizeof(*r));
    r->pid = -1;
    r->time = -1;
    for (unsigned k = 0; k < LA_SHAPE_COUNT; k++)
        if ((mask & (1u << k)) && shapes[k](s + g, n - g, r)) {
            /* Offsets into s, past the gutter the shape was scanned after. */
            r->msg += g;
            r->comp += g;
            r->lvl += g;
            if (w && r->time < 0)
                r->time = wtime;
            if (w && r->pid < 0)
                r->pid = wtid;
            return 1u << k;
        }
    memset(r, 0, sizeof(*r));
    r->pid = w ? wtid : -1;
    r->time = w ? wtime : -1;
    r->msg = g;
    return w ? LA_SHAPE_WRAPPED : 0;
}
