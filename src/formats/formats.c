/*
 * Format table, probes and the line parser; see formats.h.
 *
 * Each text format is a set of line shapes (prefix scanners below) plus
 * content keywords.  A probe samples up to 40 lines of the head, counts
 * the lines each shape accepts and the keywords it sees, and bids.  The
 * parser uses the same scanners, so what probing recognised is what gets
 * parsed.  Lines no shape accepts are continuation lines: they keep the
 * previous timestamp and their message is the whole line.  In a hard-wrapped
 * paste the pieces of a cut line are first joined back into one line.
 */
#include "config.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/encoding.h"
#include "formats/formats.h"

/*
 * Line shapes: the record prefixes of the text formats, one scanner each (below).  The ids
 * are in the order the scanners are tried, and the first that accepts a line wins; a
 * format's row names the shapes its lines may have as a mask of SHAPE() bits.
 */
enum shape_id {
    SHAPE_ITUNES,       /* 2010-11-01 13:58:02.187 [152:9c]: msg */
    SHAPE_ITUNES_NAMED, /* 2010-09-26 18:58:02.322 iTunes.exe[3644:128]: msg */
    SHAPE_DEVICE,       /* [09:48:50.0450-GMT]{5>6} msg */
    SHAPE_BRACKET,      /* [06:44:01.0282] msg */
    SHAPE_PYMD,         /* 2024-12-29 16:01:58 host logger[pid] LEVEL msg */
    SHAPE_UNIFIED,      /* 2025-04-06 18:31:25.237463+0000 asr[28:788] msg */
    SHAPE_CONSOLE,      /* default<TAB>21:58:49.029597+0100<TAB>proc<TAB>msg */
    SHAPE_IDR,          /* 10:42:31.336 <Verbose> msg */
    SHAPE_FLASH,        /* 05:08:16.638:  msg */
    SHAPE_SYSLOG,       /* Nov 25 13:45:49 host proc[pid]: msg */
    SHAPE_COUNT
};

#define SHAPE(id) (1u << SHAPE_##id)
#define ALL_SHAPES ((1u << SHAPE_COUNT) - 1)

/*
 * What a probe knows about the member while the rows bid: its path and name (never NULL),
 * its head as text, how many of the head's lines were sampled and how many of them each
 * shape accepted.
 */
struct la_probe {
    const char *path, *name;
    const char *text;
    size_t len;
    unsigned nlines;
    const unsigned *shape_hits;    /* SHAPE_COUNT slots */
};

struct la_parser;

/*
 * One input format: a row of the table below.  Everything the probe and the parser do
 * differently for it is here: flags, the line shapes and keywords the default bid counts,
 * and the optional hooks (see la_format_probe() for the order the probe asks them in).
 */
struct la_format {
    const char *id;
    const char *title;
    unsigned flags;                /* LA_FORMAT_* (formats.h) */
    unsigned shapes;               /* SHAPE() bits: the prefixes its records open with */
    const char *const *keywords;   /* content words the default bid counts; NULL: none */
    /* When no row bids: a member whose path has one of these, or else whose name ends so. */
    const char *const *path_hints;
    const char *name_suffix;
    /* A sure sign in the head (a magic header): its confidence, which wins outright; or 0. */
    int (*sniff)(const struct la_probe *pr, const struct la_format *self);
    /* The row's bid instead of la_formats_bid(), 0-100 and more for a sure thing. */
    int (*bid)(const struct la_probe *pr, const struct la_format *self);
    /* Asked once the bids are in: 1 when self should have the win instead of winner. */
    int (*tiebreak)(const struct la_probe *pr, const struct la_format *self,
                    const struct la_format *winner);
    /*
     * Sees each normalised line (in the parser's norm buffer) before the line parser; sets
     * *ret_done when it has emitted the line's records itself.
     */
    enum la_rc (*parse)(struct la_parser *p, uint64_t lineno, la_record_fn *fn, void *user,
                        int *ret_done);
};

/* The probe's helpers that hooks use. */
static int la_formats_bid(const struct la_probe *pr, const struct la_format *f);
static int la_formats_has_kw(const struct la_probe *pr, const char *kw);
static int ips_sniff_panic(const struct la_probe *pr, const struct la_format *self);
static int ips_sniff_crash(const struct la_probe *pr, const struct la_format *self);
static enum la_rc ips_line(struct la_parser *p, uint64_t lineno, la_record_fn *fn, void *user,
                           int *ret_done);

/*
 * iTunes and Finder / Configurator logs share the bracket shape.  When one of them wins, the
 * name ("iPhoneUpdater 3.log") and the host's plumbing (macOS agents versus Windows iTunes)
 * decide between the two; a tie goes to iTunes.
 */
static int itunes_or_finder(const struct la_probe *pr, const struct la_format *self,
                            const struct la_format *winner)
{
    static const char *const mac[] = { "AMPDevicesAgent", "Configurator", "/private/var/folders",
                                       "IPv6 @ locationID", NULL };
    static const char *const win[] = { "WinAMRestore", "AppleDevice::", "iTunes.exe",
                                       "iTunes: iTunes", NULL };
    const struct la_format *it = la_format_find("itunes-updater");
    const struct la_format *fi = la_format_find("finder-restore");
    int a, b;

    if (winner != it && winner != fi)
        return 0;
    a = la_formats_bid(pr, it);
    b = la_formats_bid(pr, fi);
    if (strstr(pr->name, "Updater") || strstr(pr->name, "updater"))
        a += 20;
    for (const char *const *k = mac; *k; k++)
        if (la_formats_has_kw(pr, *k)) {
            b += 25;
            break;
        }
    for (const char *const *k = win; *k; k++)
        if (la_formats_has_kw(pr, *k)) {
            a += 25;
            break;
        }
    return self == (a >= b ? it : fi);
}

/* futurerestore runs the idevicerestore engine: its own name decides. */
static int futurerestore_tiebreak(const struct la_probe *pr, const struct la_format *self,
                                  const struct la_format *winner)
{
    return winner == la_format_find("idevicerestore") &&
           (la_formats_has_kw(pr, "futurerestore") || la_formats_has_kw(pr, "[exception]:"));
}

/* A text crash or panic report is near certain when it has its opening line. */
static int crash_bid(const struct la_probe *pr, const struct la_format *self)
{
    return la_formats_bid(pr, self) + (la_formats_has_kw(pr, "Incident Identifier:") ? 40 : 0);
}

static int panic_bid(const struct la_probe *pr, const struct la_format *self)
{
    return la_formats_bid(pr, self) + (la_formats_has_kw(pr, "panic(cpu") ? 40 : 0);
}

/*
 * The formats, in the order `loganalyze formats` lists them and ties are broken in.  A row
 * with neither shapes nor keywords nor a bid hook never bids: it is reached by a sniff, a
 * hint or a flag.
 */
static const struct la_format table[] = {
    {
        .id = "itunes-updater",
        .title = "iTunes updater log (MobileDevice AMRestore)",
        .shapes = SHAPE(ITUNES) | SHAPE(ITUNES_NAMED) | SHAPE(BRACKET),
        .keywords = (const char *const[]){ "AMRestore", "<Restore Device",
            "<Recovery Mode Device", "<DFU Device", "amai:", "iTunes", "WinAMRestore",
            "AppleDevice::", "AMDeviceIoControl", "restore library built", "radio-error",
            "USBControlTransfer", "iBoot", NULL },
        .tiebreak = itunes_or_finder,
    },
    {
        .id = "finder-restore",
        .title = "Finder / Apple Configurator restore log",
        .shapes = SHAPE(BRACKET),
        .keywords = (const char *const[]){ "AMPDevicesAgent", "Configurator", "MobileRestore",
            "Restore Phase", "Restore completed", "Failure Description", "Device disconnected",
            "transitioning device", "Elapsed time", NULL },
        .tiebreak = itunes_or_finder,
    },
    {
        .id = "restored-device",
        .title = "device restore log (restored)",
        .shapes = SHAPE(DEVICE) | SHAPE(BRACKET),
        .keywords = (const char *const[]){ "CHECKPOINT", "restore-step-", "ramrod",
            "ASR STATUS", "bbupdater", "entering ", "executing /", "restored",
            "Waiting for NAND", "asr_", "ASR: ", "fsck", "update_baseband", "/dev/disk0",
            "AMFDR", NULL },
    },
    {
        .id = "idevicerestore",
        .title = "idevicerestore log",
        .shapes = SHAPE(IDR),
        .keywords = (const char *const[]){ "idevicerestore", "Found device in", "Sending iBEC",
            "Extracting", "ERROR: ", "Got status message", "Checkpoint", "Waiting for device",
            "Connecting to", "Sending ", "Identified device", "Personalizing",
            "About to restore", "Status: ", "idevice_event_cb", "restore mode device",
            "TSS request", "TSS server", "Unable to ", "BasebandData", "DONE", "Cleaning up",
            "Log is available", NULL },
    },
    {
        .id = "futurerestore",
        .title = "futurerestore log",
        .shapes = SHAPE(IDR),
        .keywords = (const char *const[]){ "futurerestore", "[Error]", "Done: restoring",
            "[exception]", "[INFO]", "[WARNING]", "img4tool", "tsschecker", "errorcode=",
            "libipatcher", "waiting for device to reconnect", NULL },
        .tiebreak = futurerestore_tiebreak,
    },
    {
        .id = "pymobiledevice3",
        .title = "pymobiledevice3 log",
        .shapes = SHAPE(PYMD),
        .keywords = (const char *const[]){ "pymobiledevice3", "root[", NULL },
    },
    {
        .id = "flash-tool",
        .title = "flash tool log (3uTools / iMazing style)",
        .shapes = SHAPE(FLASH),
        .keywords = (const char *const[]){ "LibVersion", "Checking PC", "<Restore Device",
            "amai:", NULL },
    },
    {
        .id = "unified-log",
        .title = "unified log text (log show / Console)",
        .shapes = SHAPE(UNIFIED) | SHAPE(CONSOLE),
        .keywords = (const char *const[]){ "AMPDevicesAgent", "MobileRestore", "asr[",
            "kernel[", NULL },
    },
    {
        .id = "ips-panic",
        .title = "panic report (.ips)",
        .flags = LA_FORMAT_LONG_LINES | LA_FORMAT_NO_UNWRAP,
        .sniff = ips_sniff_panic,
        .parse = ips_line,
    },
    {
        .id = "ips-crash",
        .title = "crash or diagnostic report (.ips)",
        .flags = LA_FORMAT_LONG_LINES | LA_FORMAT_NO_UNWRAP,
        .name_suffix = ".ips",
        .sniff = ips_sniff_crash,
        .parse = ips_line,
    },
    {
        .id = "crash-text",
        .title = "crash report (text)",
        .keywords = (const char *const[]){ "Incident Identifier:", "Exception Type:",
            "Hardware Model:", "Crashed Thread:", "Triggered by Thread:", "Report Version:",
            NULL },
        .bid = crash_bid,
    },
    {
        .id = "panic-text",
        .title = "panic report (text)",
        .keywords = (const char *const[]){ "panic(cpu", "*** Panic Report ***",
            "Debugger message:", "Paniclog version", "Kernel version:", "iBoot version:",
            NULL },
        .bid = panic_bid,
    },
    {
        .id = "syslog",
        .title = "BSD syslog (system.log)",
        .shapes = SHAPE(SYSLOG),
    },
    {
        .id = "sysdiagnose-text",
        .title = "sysdiagnose text member",
        .flags = LA_FORMAT_NO_UNWRAP,
        .path_hints = (const char *const[]){ "sysdiagnose_", "sysdiagnose/", NULL },
    },
    {
        .id = "text",
        .title = "plain text",
        .flags = LA_FORMAT_FALLBACK,
    },
    {
        .id = "binary",
        .title = "binary (skipped)",
        .flags = LA_FORMAT_BINARY | LA_FORMAT_NO_UNWRAP,
    },
};

unsigned la_format_count(void)
{
    return sizeof(table) / sizeof(table[0]);
}

const struct la_format *la_format_at(unsigned i)
{
    return i < la_format_count() ? &table[i] : NULL;
}

const char *la_format_id(const struct la_format *f)
{
    return f->id;
}

const char *la_format_title(const struct la_format *f)
{
    return f->title;
}

unsigned la_format_flags(const struct la_format *f)
{
    return f->flags;
}

int la_format_is_binary(const struct la_format *f)
{
    return (f->flags & LA_FORMAT_BINARY) != 0;
}

int la_format_wants_long_lines(const struct la_format *f)
{
    return (f->flags & LA_FORMAT_LONG_LINES) != 0;
}

const struct la_format *la_format_find(const char *id)
{
    for (unsigned i = 0; i < la_format_count(); i++)
        if (!strcmp(table[i].id, id))
            return &table[i];
    return NULL;
}

/* The first row with flag (the table has one row flagged BINARY and one FALLBACK). */
static const struct la_format *with_flag(unsigned flag)
{
    for (unsigned i = 0; i < la_format_count(); i++)
        if (table[i].flags & flag)
            return &table[i];
    return NULL;
}

/* ---------------------------------------------------------------- time */

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
static size_t scan_hms(const char *s, size_t n, size_t at, int64_t *ms)
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
static size_t scan_ymd(const char *s, size_t n, int64_t *ms)
{
    int y, mo, d;
    int64_t tod;

    if (!num(s, n, 0, 4, &y) || n < 11 || s[4] != '-' || !num(s, n, 5, 2, &mo) || s[7] != '-' ||
        !num(s, n, 8, 2, &d) || (s[10] != ' ' && s[10] != 'T') || mo < 1 || mo > 12 || d < 1 ||
        d > 31)
        return 0;
    size_t e = scan_hms(s, n, 11, &tod);
    if (!e)
        return 0;
    *ms = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400000 + tod;
    return e;
}

static size_t skip_sp(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

struct parsed {
    size_t msg;                    /* offset of the message */
    int64_t time;
    int has_date;
    long pid;
    size_t comp, comp_len, lvl, lvl_len;
};

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

static int shape_itunes(const char *s, size_t n, struct parsed *r, int named)
{
    size_t i = scan_ymd(s, n, &r->time);

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
    r->msg = skip_sp(s, n, i + 1);
    return 1;
}

static int shape_bracket(const char *s, size_t n, struct parsed *r, int device)
{
    size_t i;

    if (n < 10 || s[0] != '[')
        return 0;
    i = scan_hms(s, n, 1, &r->time);
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
    r->msg = skip_sp(s, n, i);
    return 1;
}

static int shape_unified(const char *s, size_t n, struct parsed *r)
{
    size_t i = scan_ymd(s, n, &r->time);

    if (!i || i >= n || (s[i] != '+' && s[i] != '-'))
        return 0;
    i++;
    while (i < n && isdigit((unsigned char)s[i]))
        i++;
    i = skip_sp(s, n, i);
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
    r->msg = skip_sp(s, n, i);
    return 1;
}

static int shape_console(const char *s, size_t n, struct parsed *r)
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
    i = scan_hms(s, n, i, &r->time);
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

static int shape_idrnew(const char *s, size_t n, struct parsed *r)
{
    size_t i = scan_hms(s, n, 0, &r->time);

    if (!i || i >= n || s[i] != ' ')
        return 0;
    i = skip_sp(s, n, i);
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
    r->msg = skip_sp(s, n, (size_t)(e - s) + 1);
    return 1;
}

static int shape_pymd(const char *s, size_t n, struct parsed *r)
{
    size_t i = scan_ymd(s, n, &r->time);

    if (!i || i >= n || s[i] != ' ')
        return 0;
    i++;
    while (i < n && s[i] != ' ')      /* host */
        i++;
    i = skip_sp(s, n, i);
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
    i = skip_sp(s, n, i + 1);
    r->lvl = i;
    while (i < n && isupper((unsigned char)s[i]))
        i++;
    r->lvl_len = i - r->lvl;
    if (!r->lvl_len)
        return 0;
    r->has_date = 1;
    r->msg = skip_sp(s, n, i);
    return 1;
}

static int shape_flash(const char *s, size_t n, struct parsed *r)
{
    size_t i = scan_hms(s, n, 0, &r->time);

    if (!i || i + 1 >= n || s[i] != ':' || s[i + 1] != ' ')
        return 0;
    r->msg = skip_sp(s, n, i + 1);
    return 1;
}

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

static int shape_syslog(const char *s, size_t n, struct parsed *r)
{
    int mon = -1, d;
    size_t i;

    if (n < 16)
        return 0;
    for (int k = 0; k < 12; k++)
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
    i = scan_hms(s, n, i + 1, &r->time);
    if (!i || i >= n || s[i] != ' ')
        return 0;
    i++;
    while (i < n && s[i] != ' ')      /* host */
        i++;
    i = skip_sp(s, n, i);
    r->comp = i;
    while (i < n && s[i] != '[' && s[i] != ':' && s[i] != ' ')
        i++;
    r->comp_len = i - r->comp;
    if (i < n && s[i] == '[') {
        const char *e = memchr(s + i, ']', n - i);
        if (e) {
            r->pid = strtol(s + i + 1, NULL, 10);
            i = (size_t)(e - s) + 1;
        }
    }
    if (i < n && s[i] == ':')
        i++;
    r->msg = skip_sp(s, n, i);
    return 1;
}

static int shape_itunes_plain(const char *s, size_t n, struct parsed *r)
{
    return shape_itunes(s, n, r, 0);
}

static int shape_itunes_named(const char *s, size_t n, struct parsed *r)
{
    return shape_itunes(s, n, r, 1);
}

static int shape_device(const char *s, size_t n, struct parsed *r)
{
    return shape_bracket(s, n, r, 1);
}

static int shape_bracket_plain(const char *s, size_t n, struct parsed *r)
{
    return shape_bracket(s, n, r, 0);
}

/* The scanners, by shape id. */
static int (*const shapes[SHAPE_COUNT])(const char *s, size_t n, struct parsed *r) = {
    [SHAPE_ITUNES] = shape_itunes_plain,
    [SHAPE_ITUNES_NAMED] = shape_itunes_named,
    [SHAPE_DEVICE] = shape_device,
    [SHAPE_BRACKET] = shape_bracket_plain,
    [SHAPE_PYMD] = shape_pymd,
    [SHAPE_UNIFIED] = shape_unified,
    [SHAPE_CONSOLE] = shape_console,
    [SHAPE_IDR] = shape_idrnew,
    [SHAPE_FLASH] = shape_flash,
    [SHAPE_SYSLOG] = shape_syslog,
};

/*
 * Try the shapes in mask, in id order; the first that accepts wins.  Returns its bit or 0.
 * A scanner that gives up may have filled some fields of r: the next one starts from them.
 */
static unsigned parse_shapes(unsigned mask, const char *s, size_t n, struct parsed *r)
{
    memset(r, 0, sizeof(*r));
    r->pid = -1;
    r->time = -1;
    for (unsigned k = 0; k < SHAPE_COUNT; k++)
        if ((mask & (1u << k)) && shapes[k](s, n, r))
            return 1u << k;
    memset(r, 0, sizeof(*r));
    r->pid = -1;
    r->time = -1;
    return 0;
}

/* ------------------------------------------------------- normalisation */

static int is_progress_at(const char *s, size_t n, size_t i, size_t *end)
{
    size_t j = i + 1;

    if (s[i] != '[')
        return 0;
    while (j < n && (s[j] == '=' || s[j] == ' ' || s[j] == '#' || s[j] == '-' || s[j] == '>'))
        j++;
    if (j >= n || s[j] != ']' || j - i < 6)
        return 0;
    j++;
    j = skip_sp(s, n, j);
    size_t k = j;
    while (k < n && (isdigit((unsigned char)s[k]) || s[k] == '.'))
        k++;
    if (k == j || k >= n || s[k] != '%')
        return 0;
    *end = k + 1;
    return 1;
}

/* The character an HTML entity at s[*i] stands for (advancing *i), or '&' itself. */
static char decode_entity(const char *s, size_t n, size_t *i)
{
    static const struct {
        const char *name;
        char c;
    } ents[] = { { "&gt;", '>' }, { "&lt;", '<' }, { "&amp;", '&' }, { "&quot;", '"' },
                 { "&#39;", '\'' }, { "&apos;", '\'' }, { "&nbsp;", ' ' } };

    for (size_t k = 0; k < sizeof(ents) / sizeof(ents[0]); k++) {
        size_t l = strlen(ents[k].name);
        if (*i + l <= n && !memcmp(s + *i, ents[k].name, l)) {
            *i += l;
            return ents[k].c;
        }
    }
    (*i)++;
    return '&';
}

int la_normalize_line(struct la_sv in, struct la_buf *out)
{
    const char *s = in.p;
    size_t n = in.len, i = 0;

    la_buf_reset(out);
    /* Markdown / e-mail quoting. */
    for (;;) {
        size_t j = skip_sp(s, n, i);
        if (j < n && s[j] == '>' && (j + 1 == n || s[j + 1] == ' ') && j - i < 4) {
            i = j + 1;
            if (i < n && s[i] == ' ')
                i++;
            continue;
        }
        break;
    }
    /* Markdown fences: drop the line. */
    {
        size_t j = skip_sp(s, n, i);
        if (n - j >= 3 && (!memcmp(s + j, "```", 3) || !memcmp(s + j, "~~~", 3))) {
            size_t k = j + 3;
            while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '`' || s[k] == '~' ||
                             s[k] == '-' || s[k] == '_'))
                k++;
            if (skip_sp(s, n, k) == n)
                return 0;
        }
    }
    /*
     * The output is never longer than the input: reserve once, then copy the runs between
     * the few bytes that need care (ESC, CR, '&', '[', NUL) in one memcpy each.  This loop
     * runs on every line, so it avoids per-character appends.
     */
    if (la_buf_grow(out, n - i) != LA_OK)
        return -1;
    char *d = out->buf;
    size_t o = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != 0x1b && s[j] != '\r' && s[j] != '&' && s[j] != '[' && s[j])
            j++;
        memcpy(d + o, s + i, j - i);
        o += j - i;
        i = j;
        if (i >= n)
            break;
        unsigned char c = (unsigned char)s[i];
        size_t end;

        if (c == 0x1b) {                                   /* ANSI escape */
            i++;
            if (i < n && s[i] == '[') {
                i++;
                while (i < n && !(s[i] >= 0x40 && s[i] <= 0x7e))
                    i++;
                if (i < n)
                    i++;
            } else if (i < n && s[i] == ']') {            /* OSC ... BEL */
                while (i < n && s[i] != 0x07)
                    i++;
                if (i < n)
                    i++;
            } else if (i < n) {
                i++;
            }
        } else if (c == '\r') {                           /* console overwrite */
            d[o++] = ' ';
            i++;
        } else if (c == '&') {
            d[o++] = decode_entity(s, n, &i);
        } else if (c == '[' && is_progress_at(s, n, i, &end)) {
            i = skip_sp(s, n, end);
        } else if (c == 0) {                               /* NUL bytes: drop */
            i++;
        } else {
            d[o++] = (char)c;
            i++;
        }
    }
    out->len = o;
    if (out->alloc)
        out->buf[o] = '\0';
    /* Trim trailing blanks. */
    while (out->len && (out->buf[out->len - 1] == ' ' || out->buf[out->len - 1] == '\t'))
        out->len--;
    if (out->alloc)
        out->buf[out->len] = '\0';
    return 1;
}

/* --------------------------------------------------------- hard wrapping */

/*
 * A log that went through a forum, an e-mail or a console window can come back with its long
 * lines cut at a fixed width.  The head shows it: no line is longer than the width, several
 * lines reach close to it, and most of those go on, on the next line, with text that opens
 * no record and whose first word would not have fitted.  A log as written has a long tail of
 * line lengths, and its longest lines are followed by the next record.  A cut at a word
 * (forums, mail) leaves a line up to a word short of the width; a console cuts at exactly the
 * width, inside words.  The probe and the parser both use this, so a wrapped paste probes as
 * the format its rejoined lines have.
 */
#define WRAP_MIN 40                /* a narrower ceiling is short lines, not wrapping */
#define WRAP_MAX 250
#define WRAP_NEAR 20               /* "near the ceiling": within this many characters */
#define WRAP_PIECES 64             /* one record is rejoined from at most this many lines */
#define WRAP_HEAD_LINES 64         /* head lines looked at */
#define WRAP_OPENERS 16
#define WRAP_WORD 48               /* longest first or last word kept */
#define WRAP_LEAD 4
#define WRAP_LEADS 4

struct wrap {
    unsigned width;                /* 0: not wrapped */
    int chars;                     /* cut at exactly the width (a console), not at a word */
    /*
     * First words of lines that open a line of their own without a record prefix
     * ("restore-step-ids" after a CHECKPOINT line): seen after a line too short to be cut
     * there, so never the rest of a cut line.
     */
    unsigned nopen;
    char open[WRAP_OPENERS][WRAP_WORD];
    /*
     * In a format with no prefix we know: leads with digits that many head lines share
     * ("9-" from "20171223-22:15:29:606|…", "9 " from "460486 node-181 …").  Lines with
     * one of them open records.
     */
    unsigned nlead;
    char lead[WRAP_LEADS][WRAP_LEAD + 1];
};

/*
 * The lead of s: its start up to the first number and one byte after it, the number as
 * one '9' ("- 9 " for "- 1117838570 2005.06.03 …"); at most WRAP_LEAD bytes.
 */
static void lead_of(const char *s, size_t n, char *out)
{
    size_t i = 0, o = 0;
    int seen = 0;

    while (o < WRAP_LEAD && i < n) {
        if (seen) {
            out[o++] = s[i];
            break;
        }
        if (isdigit((unsigned char)s[i])) {
            while (i < n && isdigit((unsigned char)s[i]))
                i++;
            out[o++] = '9';
            seen = 1;
        } else {
            out[o++] = s[i++];
        }
    }
    out[o] = '\0';
}

/* Whether s opens a record: a prefix shape of any format, or one of the head's leads. */
static int wrap_opens(const struct wrap *w, const char *s, size_t n)
{
    struct parsed ps;
    char lead[WRAP_LEAD + 1];

    if (parse_shapes(ALL_SHAPES, s, n, &ps))
        return 1;
    lead_of(s, n, lead);
    for (unsigned k = 0; k < w->nlead; k++)
        if (!strcmp(lead, w->lead[k]))
            return 1;
    return 0;
}

/* Characters (UTF-8 code points) in s. */
static size_t chars_in(const char *s, size_t n)
{
    size_t c = 0;

    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xc0) != 0x80;
    return c;
}

/* Bytes in the first word of s. */
static size_t word_end(const char *s, size_t n)
{
    size_t e = 0;

    while (e < n && s[e] != ' ' && s[e] != '\t')
        e++;
    return e;
}

/* Indented text is structure (a plist dump, a traceback), never the rest of a cut line. */
static int indented(const char *s, size_t n)
{
    return n && (s[0] == '\t' || (s[0] == ' ' && n > 1 && (s[1] == ' ' || s[1] == '\t')));
}

static int wrap_is_opener(const struct wrap *w, const char *s, size_t n)
{
    size_t e = word_end(s, n);

    for (unsigned k = 0; k < w->nopen; k++)
        if (strlen(w->open[k]) == e && !memcmp(w->open[k], s, e))
            return 1;
    return 0;
}

static void wrap_learn(struct wrap *w, const char *s, size_t n)
{
    size_t e = word_end(s, n);

    if (e == 0 || e >= WRAP_WORD || w->nopen >= WRAP_OPENERS || wrap_is_opener(w, s, n))
        return;
    memcpy(w->open[w->nopen], s, e);
    w->open[w->nopen][e] = '\0';
    w->nopen++;
}

/*
 * Whether line s (not empty) may be the rest of a cut line whose last piece has `last`
 * characters: it opens no record, is not indented, and does not start like a line of its
 * own; then a console cut leaves the piece at the width (one short when a blank at the cut
 * was trimmed), and a cut at a word leaves no room for its first word.  One character of
 * slack there: wrappers differ on whether the blank after a word must fit too.
 * ret_short (may be NULL) is set when s could not continue only because the piece is short:
 * s then opens a line of its own, and its first word is worth learning.
 */
static int wrap_continues(const struct wrap *w, size_t last, const char *s, size_t n,
                          int *ret_short)
{
    if (ret_short)
        *ret_short = 0;
    if (last > w->width || indented(s, n) || wrap_opens(w, s, n) || wrap_is_opener(w, s, n))
        return 0;
    if (w->chars ? last + 1 >= w->width : last + 2 + chars_in(s, word_end(s, n)) > w->width)
        return 1;
    if (ret_short)
        *ret_short = 1;
    return 0;
}

/* Joining a piece: a console's cut inside a word joins as it was, others with a blank. */
static int wrap_blank(const struct wrap *w, size_t last, const char *s)
{
    return !(w->chars && last >= w->width) && s[0] != ' ';
}

/* A line being rejoined from the pieces of a cut line (the probe's and the parser's). */
struct rejoin {
    struct la_buf buf;             /* the pieces joined so far */
    unsigned pieces;
    size_t last;                   /* characters in the last piece */
};

/*
 * Append line s to j when it is the rest of the line j holds: 1.  0 when it is not (the
 * caller finishes j and starts it over with s), -1 on OOM.  ret_short as wrap_continues().
 */
static int rejoin_add(struct rejoin *j, const struct wrap *w, const char *s, size_t n,
                      int *ret_short)
{
    if (!w->width || !j->buf.len || j->pieces >= WRAP_PIECES ||
        !wrap_continues(w, j->last, s, n, ret_short))
        return 0;
    if ((wrap_blank(w, j->last, s) && la_buf_addc(&j->buf, ' ') != LA_OK) ||
        la_buf_add(&j->buf, s, n) != LA_OK)
        return -1;
    j->pieces++;
    j->last = chars_in(s, n);
    return 1;
}

/* Start j over with line s: 0, or -1 on OOM. */
static int rejoin_start(struct rejoin *j, const char *s, size_t n)
{
    la_buf_reset(&j->buf);
    j->pieces = 1;
    j->last = chars_in(s, n);
    return la_buf_add(&j->buf, s, n) == LA_OK ? 0 : -1;
}

/*
 * Walk the head's lines, normalised and, when w says the head is wrapped, rejoined.  Counts
 * the lines each shape accepts into shape_hits (SHAPE_COUNT slots, may be NULL) and returns the number
 * of lines walked (at most max_lines); *ret_any gets how many opened a record at all.
 */
static unsigned wrap_sample(const char *h, size_t len, const struct wrap *w, unsigned max_lines,
                            unsigned *shape_hits, unsigned *ret_any)
{
    struct la_buf norm = LA_BUF_INIT;
    struct rejoin j = { LA_BUF_INIT, 0, 0 };
    size_t i = 0;
    unsigned nlines = 0, any = 0;

    for (;;) {
        const char *nl = i < len ? memchr(h + i, '\n', len - i) : NULL;
        size_t e = nl ? (size_t)(nl - h) : len;
        int more = i < len && !(!nl && i > 0);         /* a cut last line: ignore */
        int k = more ? la_normalize_line(la_sv_make(h + i, e - i), &norm) : 0;
        i = e + 1;
        if (more && (k <= 0 || !norm.len))
            continue;
        if (more) {
            int added = rejoin_add(&j, w, norm.buf, norm.len, NULL);
            if (added < 0)
                break;
            if (added)
                continue;
        }
        if (j.buf.len) {
            struct parsed r;
            nlines++;
            any += parse_shapes(ALL_SHAPES, j.buf.buf, j.buf.len, &r) != 0;
            for (unsigned b = 0; shape_hits && b < SHAPE_COUNT; b++)
                if (parse_shapes(1u << b, j.buf.buf, j.buf.len, &r))
                    shape_hits[b]++;
        }
        if (!more || nlines >= max_lines || rejoin_start(&j, norm.buf, norm.len) < 0)
            break;
    }
    la_buf_release(&norm);
    la_buf_release(&j.buf);
    if (ret_any)
        *ret_any = any;
    return nlines;
}

/* Whether word (n bytes) is in h as a whole word after a blank: not a fragment of one. */
static int whole_word_in(const char *h, size_t len, const char *word, size_t n)
{
    const char *p = h, *end = h + len;

    while (n && (p = memmem(p, (size_t)(end - p), word, n)) != NULL) {
        const char *q = p + n;
        if (p > h && (p[-1] == ' ' || p[-1] == '\t') &&
            (q == end || *q == ' ' || *q == '\t' || *q == '\r' || *q == '\n'))
            return 1;
        p++;
    }
    return 0;
}

/* One line of the head, as wrap_detect() sees it. */
struct head_line {
    size_t len, word;              /* characters: the line, its first word */
    int opens, indent, lower, cut;
    char lead[WRAP_LEAD + 1];
    char first[WRAP_WORD];         /* its first word (when shorter), to learn openers */
    char lastw[WRAP_WORD];         /* its last word (when shorter) */
};

static void head_line_set(struct head_line *l, const char *s, size_t n)
{
    struct parsed ps;
    size_t fe = word_end(s, n), b = n;

    memset(l, 0, sizeof(*l));
    l->len = chars_in(s, n);
    l->word = chars_in(s, fe);
    l->opens = parse_shapes(ALL_SHAPES, s, n, &ps) != 0;
    l->indent = indented(s, n);
    l->lower = islower((unsigned char)s[0]) != 0;
    lead_of(s, n, l->lead);
    if (fe < WRAP_WORD)
        memcpy(l->first, s, fe);
    while (b > 0 && s[b - 1] != ' ' && s[b - 1] != '\t')
        b--;
    if (n - b < WRAP_WORD)
        memcpy(l->lastw, s + b, n - b);
}

/*
 * A console or a word wrapper?  A console leaves nearly every cut piece at exactly the width
 * and ends them anywhere (varied: most of them end differently).  A word wrapper does the same only when every line starts with one
 * prefix too long to share a line with the next word: pieces that all end alike.  Then the
 * joining under which more lines open a record wins, and on a tie the cuts vote: the two
 * halves glued are a word found elsewhere in the head (a cut inside a word), or the next
 * line's first word is (a cut between words).
 */
static int console_cut(const char *h, size_t len, const struct head_line *ln, unsigned nl,
                       struct wrap w, int varied)
{
    unsigned in_word = 0, between = 0, as_console, as_words;

    if (varied)
        return 1;
    for (unsigned k = 0; k + 1 < nl; k++) {
        size_t a = strlen(ln[k].lastw), b = strlen(ln[k + 1].first);
        char g[2 * WRAP_WORD];
        if (!ln[k].cut || !a || !b || a + b < 4)
            continue;
        memcpy(g, ln[k].lastw, a);
        memcpy(g + a, ln[k + 1].first, b);
        in_word += memmem(h, len, g, a + b) != NULL;
        between += b >= 3 && whole_word_in(h, len, ln[k + 1].first, b);
    }
    w.chars = 1;
    wrap_sample(h, len, &w, WRAP_HEAD_LINES, NULL, &as_console);
    w.chars = 0;
    wrap_sample(h, len, &w, WRAP_HEAD_LINES, NULL, &as_words);
    if (as_console != as_words)
        return as_console > as_words;
    return in_word > between;
}

/* Decide from the head's text (raw, UTF-8) whether it is hard-wrapped. */
static struct wrap wrap_detect(const char *h, size_t len)
{
    struct wrap w;
    struct head_line ln[WRAP_HEAD_LINES];
    struct la_buf norm = LA_BUF_INIT;
    size_t i = 0, max = 0;
    unsigned nl = 0, near = 0, fit = 0, lower = 0, exact = 0, at5 = 0, shaped = 0;
    unsigned cuts = 0, distinct = 0;

    memset(&w, 0, sizeof(w));
    if (!h)
        return w;
    while (i < len && nl < WRAP_HEAD_LINES) {
        const char *e = memchr(h + i, '\n', len - i);
        if (!e)
            break;                 /* a cut last line says nothing about the width */
        int k = la_normalize_line(la_sv_make(h + i, (size_t)(e - h) - i), &norm);
        i = (size_t)(e - h) + 1;
        if (k < 0)
            break;
        if (k == 0 || norm.len == 0)
            continue;
        head_line_set(&ln[nl], norm.buf, norm.len);
        shaped += (unsigned)ln[nl].opens;
        if (ln[nl].len > max)
            max = ln[nl].len;
        nl++;
    }
    la_buf_release(&norm);
    if (nl < 6 || max < WRAP_MIN || max > WRAP_MAX)
        return w;
    w.width = (unsigned)max;
    /*
     * Without a known prefix: leads with digits that an eighth of the lines share each, and
     * together a quarter, and that are rarely where a line of another lead could be cut.
     */
    if (!shaped) {
        unsigned covered = 0;
        for (unsigned k = 0; k < nl && w.nlead < WRAP_LEADS; k++) {
            unsigned c = 0, j;
            if (!strchr(ln[k].lead, '9'))
                continue;
            for (j = 0; j < k && strcmp(ln[j].lead, ln[k].lead); j++)
                ;
            if (j < k)
                continue;          /* counted already */
            unsigned after_cut = 0;
            for (j = k; j < nl; j++)
                if (!strcmp(ln[j].lead, ln[k].lead)) {
                    c++;
                    after_cut += j > 0 && ln[j - 1].len + 2 + ln[j].word > max &&
                                 strcmp(ln[j - 1].lead, ln[k].lead);
                }
            /* Not the rest of cut lines: those follow a line of another kind, too long to
             * have had room for their first word. */
            if (c >= 3 && c * 8 >= nl && after_cut * 2 <= c) {
                memcpy(w.lead[w.nlead++], ln[k].lead, sizeof(w.lead[0]));
                covered += c;
            }
        }
        if (covered * 4 >= nl) {
            for (unsigned k = 0; k < nl; k++)
                for (unsigned m = 0; m < w.nlead; m++)
                    ln[k].opens |= !strcmp(ln[k].lead, w.lead[m]);
            shaped = covered;
        } else {
            w.nlead = 0;
        }
    }
    /* Lines that open a line of their own: after a line with room left for their word. */
    for (unsigned k = 0; k + 1 < nl; k++)
        if (!ln[k + 1].opens && !ln[k + 1].indent && ln[k].len + 2 + ln[k + 1].word <= max)
            wrap_learn(&w, ln[k + 1].first, strlen(ln[k + 1].first));
    for (unsigned k = 0; k + 1 < nl; k++) {
        at5 += ln[k].len + 5 >= max;
        if (ln[k].len + WRAP_NEAR < max)
            continue;
        near++;
        if (ln[k + 1].opens || ln[k + 1].indent || ln[k].len + 2 + ln[k + 1].word <= max ||
            wrap_is_opener(&w, ln[k + 1].first, strlen(ln[k + 1].first)))
            continue;
        fit++;
        lower += (unsigned)ln[k + 1].lower;
        if (ln[k].len + 1 >= max) {
            exact++;
            ln[k].cut = ln[k].len == max;
        }
    }
    /* Pieces cut at the width that end differently: not one line repeated. */
    for (unsigned k = 0; k < nl; k++) {
        unsigned j = 0;
        if (!ln[k].cut)
            continue;
        cuts++;
        while (j < k && !(ln[j].cut && !strcmp(ln[j].lastw, ln[k].lastw)))
            j++;
        distinct += j == k;
    }
    /*
     * Several lines at the ceiling, and most lines near it going on past it.  Without record
     * prefixes (plain console output) that alone is weak: lines of one kind ("Extracting …")
     * have similar lengths; there the lines going on must do so in mid-sentence, or be cut
     * at exactly the width.  A console leaves most cut pieces at exactly the width (the rest
     * one short, where the cut fell on a blank).
     * Calibrated on the samples cut at 60-120 columns and on unwrapped real logs.
     */
    int word = fit >= 3 && at5 >= 4 && fit * 5 >= near;
    int at_width = exact >= 3 && exact * 5 >= fit * 3;
    int varied = distinct * 2 > cuts;
    if (shaped ? word || at_width
               : (at_width && varied) || (word && lower >= 2 && lower * 3 >= fit))
        w.chars = at_width && console_cut(h, len, ln, nl, w, varied);
    else
        w.width = 0;
    return w;
}

/* --------------------------------------------------------------- probes */

/* The head as text: UTF-8 without its BOM, or of UTF-16 the low bytes (logs are ASCII). */
static void head_text(const unsigned char *h, size_t len, enum la_encoding enc, size_t bom,
                      struct la_buf *out)
{
    if (enc != LA_ENC_UTF8) {
        for (size_t i = bom + (enc == LA_ENC_UTF16BE); i < len; i += 2)
            if (la_buf_addc(out, h[i] ? (char)h[i] : ' ') != LA_OK)
                break;
    } else if (la_buf_add(out, h + bom, len - bom) != LA_OK) {
        la_buf_reset(out);
    }
}

static int has_kw(const char *s, size_t n, const char *kw)
{
    size_t l = strlen(kw);

    if (l > n)
        return 0;
    for (const char *p = s; (p = memchr(p, kw[0], n - (size_t)(p - s))) != NULL; p++) {
        if ((size_t)(s + n - p) < l)
            return 0;
        if (!memcmp(p, kw, l))
            return 1;
    }
    return 0;
}

static const char *binary_reason(const unsigned char *h, size_t n, const char *name)
{
    static const struct {
        const char *magic;
        size_t len;
        const char *why;
    } mg[] = {
        { "SQLite format 3", 15, "binary (SQLite database)" },
        { "bplist0", 7, "binary (binary property list)" },
        { "\x89PNG", 4, "binary (PNG image)" },
        { "\xff\xd8\xff", 3, "binary (JPEG image)" },
        { "GIF8", 4, "binary (GIF image)" },
        { "%PDF", 4, "binary (PDF document)" },
        { "\xcf\xfa\xed\xfe", 4, "binary (Mach-O executable)" },
        { "\xca\xfe\xba\xbe", 4, "binary (Mach-O universal binary)" },
        { "\x7f" "ELF", 4, "binary (ELF executable)" },
    };
    size_t nl = strlen(name);

    for (size_t i = 0; i < sizeof(mg) / sizeof(mg[0]); i++)
        if (n >= mg[i].len && !memcmp(h, mg[i].magic, mg[i].len))
            return mg[i].why;
    if ((nl > 8 && !strcmp(name + nl - 8, ".tracev3")) ||
        (nl > 7 && !strcmp(name + nl - 7, ".timesync")))
        return "binary (unified log tracev3 data; read it with `log show` on a Mac)";
    /* Text has almost no NULs or control characters and is mostly valid UTF-8. */
    size_t nul = 0, ctl = 0, bad = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = h[i];
        nul += c == 0;
        ctl += (c && c < 0x09) || (c > 0x0d && c < 0x20 && c != 0x1b);
        if (c >= 0x80) {
            size_t k = c >= 0xF0 && c < 0xF5 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 && c < 0xE0 ? 1 : 0;
            size_t j = 1;
            if (!k || c >= 0xF5) {
                bad++;
                continue;
            }
            while (j <= k && i + j < n && (h[i + j] & 0xC0) == 0x80)
                j++;
            if (j <= k && i + j < n)
                bad++;
            else
                i += k;
        }
    }
    /* NUL padding alone (log files preallocated or cut by a crash) does not make a binary:
     * the other bytes decide, and the parser drops the NULs. */
    if (n && (nul * 10 > n * 9 || (nul < n && (ctl * 100 > (n - nul) * 3 ||
                                               bad * 100 > (n - nul) * 10))))
        return "binary (not text)";
    return NULL;
}

static int ends_with(const char *s, const char *sfx)
{
    size_t a = strlen(s), b = strlen(sfx);
    return a >= b && !strcmp(s + a - b, sfx);
}

static int la_formats_has_kw(const struct la_probe *pr, const char *kw)
{
    return has_kw(pr->text, pr->len, kw);
}

/*
 * The default bid of a row over the sampled lines: the share of lines its shapes accept,
 * plus its keywords seen.  Formats with line shapes win by shape; without a shape hit they
 * can still bid on content (idevicerestore's plain console output has no prefix).  Formats
 * without shapes need real evidence: a few keywords.
 */
static int la_formats_bid(const struct la_probe *pr, const struct la_format *f)
{
    int score = 0;
    unsigned hits = 0, kws = 0;

    for (unsigned b = 0; b < SHAPE_COUNT; b++)
        if (f->shapes & (1u << b))
            hits += pr->shape_hits[b];
    for (const char *const *k = f->keywords; k && *k; k++)
        kws += la_formats_has_kw(pr, *k);
    if (f->shapes && hits)
        score = (int)(60 * hits / (pr->nlines ? pr->nlines : 1));
    else if (f->shapes && kws < 2)
        return 0;
    score += (int)(kws > 5 ? 30 : kws * 6);
    if (score > 99)
        score = 99;
    return !f->shapes && score < 12 ? 0 : score;
}

/* .ips: a one-line JSON header with bug_type; 2 when that is a panic's, 1 another's, else 0. */
static int ips_kind(const struct la_probe *pr)
{
    const char *bt;

    if (!pr->len || pr->text[0] != '{' ||
        !has_kw(pr->text, pr->len > 2048 ? 2048 : pr->len, "\"bug_type\""))
        return 0;
    bt = strstr(pr->text, "\"bug_type\"");
    if (!bt)
        return 1;
    bt += 10;
    while (*bt == ' ' || *bt == ':' || *bt == '"')
        bt++;
    return !strncmp(bt, "210", 3) || !strncmp(bt, "151", 3) || !strncmp(bt, "288", 3) ? 2 : 1;
}

static int ips_sniff_panic(const struct la_probe *pr, const struct la_format *self)
{
    return ips_kind(pr) == 2 ? 95 : 0;
}

static int ips_sniff_crash(const struct la_probe *pr, const struct la_format *self)
{
    return ips_kind(pr) == 1 ? 95 : 0;
}

/*
 * When no row bid: the member's place (a sysdiagnose folder), then its name (".ips") may
 * still say what it is.  NULL when neither does.
 */
static const struct la_format *by_hints(const struct la_probe *pr)
{
    unsigned n = la_format_count();

    for (unsigned i = 0; i < n; i++)
        for (const char *const *h = table[i].path_hints; h && *h; h++)
            if (strstr(pr->path, *h))
                return &table[i];
    for (unsigned i = 0; i < n; i++)
        if (table[i].name_suffix && ends_with(pr->name, table[i].name_suffix))
            return &table[i];
    return NULL;
}

/*
 * The probe asks the rows in four rounds, each in table order:
 *   1. a member that is not text is the BINARY row's, with the reason;
 *   2. sniff: the first row that finds a sure sign in the head wins outright;
 *   3. bid: each row bids on the sampled lines (its bid hook or la_formats_bid()); the
 *      highest bid above PROBE_FLOOR wins, a tie goes to the earlier row;
 *   4. tiebreak: a row may take the win from the winner (a format that shares its shapes);
 *      when nothing bid, the path and name hints, then the FALLBACK row.
 */
#define PROBE_FLOOR 5

const struct la_format *la_format_probe(const char *path, const char *name, const void *head,
                                        size_t len, int *ret_conf, const char **ret_reason)
{
    const unsigned char *h = head;
    const char *why;
    struct la_buf text = LA_BUF_INIT;
    unsigned shape_hits[SHAPE_COUNT] = { 0 }, n = la_format_count();
    size_t bom;
    enum la_encoding enc = la_detect_encoding(h, len, &bom);
    const struct la_format *best = with_flag(LA_FORMAT_FALLBACK), *f;
    int best_score = PROBE_FLOOR, s;
    struct la_probe pr;

    if (ret_reason)
        *ret_reason = NULL;
    if (ret_conf)
        *ret_conf = 0;
    if (!name)
        name = "";
    if (!path)
        path = name;
    if (enc == LA_ENC_UTF8 && (why = binary_reason(h, len, name)) != NULL) {
        if (ret_reason)
            *ret_reason = why;
        if (ret_conf)
            *ret_conf = 100;
        return with_flag(LA_FORMAT_BINARY);
    }
    head_text(h, len, enc, bom, &text);
    pr = (struct la_probe){ path, name, text.buf, text.len, 0, shape_hits };
    for (unsigned i = 0; i < n; i++) {
        f = &table[i];
        if (f->sniff && (s = f->sniff(&pr, f)) > 0) {
            best = f;
            best_score = s;
            goto out;
        }
    }
    /*
     * Sample lines after normalisation, and with cut lines rejoined, so that pasted, quoted
     * and hard-wrapped logs probe as what they are.
     */
    {
        struct wrap w;
        w = wrap_detect(text.buf, text.len);
        pr.nlines = wrap_sample(text.buf, text.len, &w, 40, shape_hits, NULL);
    }
    for (unsigned i = 0; i < n; i++) {
        f = &table[i];
        s = f->bid ? f->bid(&pr, f) : la_formats_bid(&pr, f);
        if (s > best_score) {
            best = f;
            best_score = s;
        }
    }
    for (unsigned i = 0; i < n; i++)
        if (table[i].tiebreak && table[i].tiebreak(&pr, &table[i], best))
            best = &table[i];
    if (best->flags & LA_FORMAT_FALLBACK && (f = by_hints(&pr)) != NULL)
        best = f;
out:
    la_buf_release(&text);
    if (ret_conf)
        *ret_conf = best_score;
    return best;
}

/* --------------------------------------------------------------- parser */

/* Whether an .ips member is JSON (see ips_check()). */
struct ips_state {
    int header;                    /* 0 not seen yet, 1 a JSON object, 2 not JSON */
    long depth;                    /* body: open braces and brackets outside strings */
    int in_string, escape, body_bad;
};

struct la_parser {
    const struct la_format *f;
    struct la_buf head;            /* the last line with the format's prefix (a group's head) */
    struct ips_state ips;          /* the .ips rows' parse hook */
    struct la_buf norm;
    struct la_buf expand;
    int64_t date;                  /* ms of midnight of the known date, or -1 */
    int64_t last_time;
    int last_has_date;
    int64_t prev_tod;
    /* A hard-wrapped paste (la_parser_set_head): the record being rejoined is held back. */
    struct wrap wrap;
    struct rejoin pend;
    uint64_t pend_line;            /* line of the first piece */
    uint64_t rejoined;
};

/* Date hints in names: sysdiagnose_2023.05.24_…, restore_<ecid>_<unix>.log, …-2022-12-24-114300… */
static int64_t date_from_path(const char *p)
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
    p->date = path ? date_from_path(path) : -1;
    p->last_time = -1;
    p->prev_tod = -1;
    return p;
}

int la_parser_bad_json(const struct la_parser *p)
{
    return p->ips.header == 2 || p->ips.body_bad || p->ips.depth != 0;
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
    if (!head || (p->f->flags & LA_FORMAT_NO_UNWRAP))
        return;
    enc = la_detect_encoding(head, len, &bom);
    head_text(head, len, enc, bom, &text);
    if (text.len)
        p->wrap = wrap_detect(text.buf, text.len);
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

static enum la_rc emit_record(struct la_parser *p, const char *s, size_t n, uint64_t lineno,
                              la_record_fn *fn, void *user)
{
    struct la_record r;
    struct parsed ps;
    unsigned sh = p->f->shapes ? parse_shapes(p->f->shapes, s, n, &ps) : 0;

    if (!sh)
        parse_shapes(0, s, n, &ps);
    memset(&r, 0, sizeof(r));
    r.format = p->f->id;
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
        r.message = r.text;
        r.time = p->last_time;
        r.has_date = p->last_has_date;
        r.context = p->head.len ? la_sv_make(p->head.buf, p->head.len) : r.text;
    }
    return fn(user, &r);
}

/* An .ips line "  \"panicString\" : \"…\"," or the "string" key of 151: expand the value. */
static enum la_rc expand_ips(struct la_parser *p, const char *s, size_t n, uint64_t lineno,
                             la_record_fn *fn, void *user, int *ret_done)
{
    static const char *const keys[] = { "\"panicString\"", "\"string\"", "\"otherString\"",
                                         NULL };
    size_t i = skip_sp(s, n, 0);

    *ret_done = 0;
    for (int k = 0; keys[k]; k++) {
        size_t l = strlen(keys[k]);
        if (n - i <= l || memcmp(s + i, keys[k], l))
            continue;
        size_t j = skip_sp(s, n, i + l);
        if (j >= n || s[j] != ':')
            return LA_OK;
        j = skip_sp(s, n, j + 1);
        if (j >= n || s[j] != '"')
            return LA_OK;
        size_t e = n;
        while (e > j && (s[e - 1] == ',' || s[e - 1] == ' '))
            e--;
        json_error_t err;
        json_t *v = json_loadb(s + j, e - j, JSON_DECODE_ANY, &err);
        if (!v || !json_is_string(v)) {
            json_decref(v);
            return LA_OK;
        }
        const char *str = json_string_value(v);
        size_t slen = json_string_length(v);
        size_t a = 0;
        enum la_rc rc = LA_OK;
        /* One record per line of the value (the escaped one-line form is not matched). */
        while (rc == LA_OK && a < slen) {
            const char *nl = memchr(str + a, '\n', slen - a);
            size_t b = nl ? (size_t)(nl - str) : slen;
            if (b > a) {
                la_buf_reset(&p->expand);
                if (la_buf_add(&p->expand, str + a, b - a) != LA_OK) {
                    rc = LA_FATAL;
                    break;
                }
                rc = emit_record(p, p->expand.buf, p->expand.len, lineno, fn, user);
            }
            a = b + 1;
        }
        json_decref(v);
        *ret_done = 1;
        return rc;
    }
    return LA_OK;
}

/*
 * Whether an .ips is JSON, checked as it streams by: the first line is a JSON object (the
 * metadata header); in the body, brackets balance outside strings and no string spans lines.
 */
static void ips_check(struct ips_state *st, const char *s, size_t n)
{
    if (!st->header) {
        json_t *h = json_loadb(s, n, 0, NULL);
        st->header = json_is_object(h) ? 1 : 2;
        json_decref(h);
        return;
    }
    for (size_t i = 0; i < n && !st->body_bad; i++) {
        char ch = s[i];
        if (st->in_string) {
            if (st->escape)
                st->escape = 0;
            else if (ch == '\\')
                st->escape = 1;
            else if (ch == '"')
                st->in_string = 0;
        } else if (ch == '"') {
            st->in_string = 1;
        } else if (ch == '{' || ch == '[') {
            st->depth++;
        } else if (ch == '}' || ch == ']') {
            if (--st->depth < 0)
                st->body_bad = 1;
        }
    }
    if (st->in_string)
        st->body_bad = 1;
}

/* The parse hook of the .ips rows: check the JSON, expand the panic string. */
static enum la_rc ips_line(struct la_parser *p, uint64_t lineno, la_record_fn *fn, void *user,
                           int *ret_done)
{
    ips_check(&p->ips, p->norm.buf, p->norm.len);
    return expand_ips(p, p->norm.buf, p->norm.len, lineno, fn, user, ret_done);
}

/* Emit the held-back record, if any. */
static enum la_rc flush_pending(struct la_parser *p, la_record_fn *fn, void *user)
{
    enum la_rc rc = LA_OK;

    if (p->pend.buf.len)
        rc = emit_record(p, p->pend.buf.buf, p->pend.buf.len, p->pend_line, fn, user);
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
    const char *s = p->norm.buf;
    size_t n = p->norm.len;
    int open_own = 0, added = rejoin_add(&p->pend, &p->wrap, s, n, &open_own);
    enum la_rc rc;

    if (added < 0)
        return LA_FATAL;
    if (added) {
        p->rejoined++;
        return LA_OK;
    }
    if (open_own)
        wrap_learn(&p->wrap, s, n);
    rc = flush_pending(p, fn, user);
    if (rc != LA_OK)
        return rc;
    p->pend_line = lineno;
    return rejoin_start(&p->pend, s, n) < 0 ? LA_FATAL : LA_OK;
}

enum la_rc la_parser_line(struct la_parser *p, struct la_sv line, uint64_t lineno,
                          la_record_fn *fn, void *user)
{
    int k = la_normalize_line(line, &p->norm);

    if (k < 0)
        return LA_FATAL;
    if (k == 0 || p->norm.len == 0)
        return LA_OK;
    if (p->f->parse) {
        int done = 0;
        enum la_rc rc = p->f->parse(p, lineno, fn, user, &done);
        if (done || rc != LA_OK)
            return rc;
    }
    if (p->wrap.width)
        return wrapped_line(p, lineno, fn, user);
    return emit_record(p, p->norm.buf, p->norm.len, lineno, fn, user);
}
