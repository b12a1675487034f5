/*
 * tracev3 messages: an os_log format string and a tracepoint's arguments rendered the way
 * `log show` prints them.
 *
 * A conversion is %[{decorations}][flags][width][.precision][length]conversion.  Decorations
 * handled: public, private, sensitive (private values print "<private>"), bool, BOOL,
 * errno/darwin.errno (the number in brackets), time_t; others print the plain value.
 * Width and precision may be given or taken from a precision argument (`*`).  Numbers are
 * printed with the C conversion; %@ and %s print the string; %p prints 0x-hex; %P and
 * binary data print their bytes in hex.
 */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tracev3/tracev3-internal.h"

static uint64_t arg_uint(const struct tv3_arg *a)
{
    uint64_t v = 0;

    for (size_t i = 0; a->data && i < a->len && i < 8; i++)
        v |= (uint64_t)a->data[i] << (8 * i);
    return v;
}

static int64_t arg_int(const struct tv3_arg *a)
{
    uint64_t v = arg_uint(a);

    switch (a->len) {
    case 1:
        return (int8_t)v;
    case 2:
        return (int16_t)v;
    case 4:
        return (int32_t)v;
    default:
        return (int64_t)v;
    }
}

struct spec {
    char deco[64];        /* decorations, NUL-terminated */
    char flags[8];
    int width, prec;      /* -1: none */
    char conv;
};

/* Parse one conversion at f[0..n) (after the '%'); returns its length, 0 when malformed. */
static size_t parse_spec(const char *f, size_t n, struct spec *s, const struct tv3_arg *args,
                         size_t nargs, size_t *ai)
{
    size_t i = 0, k = 0;

    memset(s, 0, sizeof *s);
    s->width = s->prec = -1;
    if (i < n && f[i] == '{') {
        const char *end = memchr(f + i, '}', n - i);
        if (!end)
            return 0;
        size_t dl = (size_t)(end - (f + i + 1));
        if (dl >= sizeof s->deco)
            dl = sizeof s->deco - 1;
        memcpy(s->deco, f + i + 1, dl);
        i = (size_t)(end - f) + 1;
    }
    while (i < n && strchr("-+ #0'", f[i]) && k + 1 < sizeof s->flags)
        s->flags[k++] = f[i++];
    if (i < n && f[i] == '*') {
        i++;
        if (*ai < nargs)
            s->width = (int)arg_int(&args[(*ai)++]);
    } else {
        while (i < n && f[i] >= '0' && f[i] <= '9' && s->width < 100000)
            s->width = (s->width < 0 ? 0 : s->width * 10) + (f[i++] - '0');
    }
    if (i < n && f[i] == '.') {
        i++;
        s->prec = 0;
        if (i < n && f[i] == '*') {
            i++;
            if (*ai < nargs)
                s->prec = (int)arg_int(&args[(*ai)++]);
        } else
            while (i < n && f[i] >= '0' && f[i] <= '9' && s->prec < 100000)
                s->prec = s->prec * 10 + (f[i++] - '0');
    }
    while (i < n && strchr("hlqjztL", f[i]))
        i++;
    if (i >= n)
        return 0;
    s->conv = f[i];
    if (!strchr("diouxXcsSpPaAeEfFgGC@m%", s->conv))
        return 0;
    if (s->width > 4096)
        s->width = 4096;
    if (s->prec > (int)LA_TV3_MAX_MESSAGE)
        s->prec = (int)LA_TV3_MAX_MESSAGE;
    return i + 1;
}

static int has_deco(const struct spec *s, const char *word)
{
    if (!s->deco[0])
        return 0;   /* the common case: no decoration */
    size_t wl = strlen(word);
    const char *p = s->deco;

    while ((p = strstr(p, word))) {
        int start = p == s->deco || p[-1] == ',' || p[-1] == ' ';
        int end = p[wl] == '\0' || p[wl] == ',' || p[wl] == ' ';
        if (start && end)
            return 1;
        p += wl;
    }
    return 0;
}

/* Pad text to the spec's width. */
static enum la_rc add_padded(struct la_buf *out, const struct spec *s, const char *t, size_t tl)
{
    size_t w = s->width > 0 ? (size_t)s->width : 0;
    int left = strchr(s->flags, '-') != NULL;
    enum la_rc rc = LA_OK;

    for (size_t i = tl; !left && i < w && rc == LA_OK; i++)
        rc = la_buf_addc(out, ' ');
    if (rc == LA_OK)
        rc = la_buf_add(out, t, tl);
    for (size_t i = tl; left && i < w && rc == LA_OK; i++)
        rc = la_buf_addc(out, ' ');
    return rc;
}

/* A plain %d, %i, %u, %x or %X (no decoration, flag, width or precision), as printf writes
 * it: most numbers in a log are these, and printf's own parsing cost more than the rest. */
static enum la_rc plain_number(struct la_buf *out, char conv, const struct tv3_arg *a)
{
    char tmp[24];
    size_t k = sizeof tmp;
    int neg = 0;
    uint64_t u;

    if (conv == 'd' || conv == 'i') {
        int64_t v = arg_int(a);
        neg = v < 0;
        u = neg ? 0 - (uint64_t)v : (uint64_t)v;
    } else
        u = arg_uint(a);
    unsigned base = conv == 'x' || conv == 'X' ? 16 : 10;
    const char *dig = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        tmp[--k] = dig[u % base];
        u /= base;
    } while (u);
    if (neg)
        tmp[--k] = '-';
    return la_buf_add(out, tmp + k, sizeof tmp - k);
}

static enum la_rc render_number(struct la_buf *out, const struct spec *s,
                                const struct tv3_arg *a)
{
    char fmt[48], tmp[128];
    int64_t v = arg_int(a);

    if (!s->deco[0] && !s->flags[0] && s->width < 0 && s->prec < 0 &&
        (s->conv == 'd' || s->conv == 'i' || s->conv == 'u' || s->conv == 'x' ||
         s->conv == 'X'))
        return plain_number(out, s->conv, a);

    if (has_deco(s, "bool"))
        return add_padded(out, s, v ? "true" : "false", v ? 4 : 5);
    if (has_deco(s, "BOOL"))
        return add_padded(out, s, v ? "YES" : "NO", v ? 3 : 2);
    if (has_deco(s, "errno") || has_deco(s, "darwin.errno")) {
        snprintf(tmp, sizeof tmp, "[%lld]", (long long)v);
        return la_buf_adds(out, tmp);
    }
    if (has_deco(s, "time_t")) {
        time_t t = (time_t)v;
        struct tm tm;
        if (gmtime_r(&t, &tm) && strftime(tmp, sizeof tmp, "%Y-%m-%d %H:%M:%S", &tm))
            return la_buf_adds(out, tmp);
    }
    char conv = s->conv;
    if (conv == 'p') {
        snprintf(tmp, sizeof tmp, "0x%llx", (unsigned long long)arg_uint(a));
        return add_padded(out, s, tmp, strlen(tmp));
    }
    if (strchr("aAeEfFgG", conv)) {
        double d = 0;
        if (a->len == 8) {
            uint64_t u = arg_uint(a);
            memcpy(&d, &u, sizeof d);
        } else if (a->len == 4) {
            uint32_t u = (uint32_t)arg_uint(a);
            float fl;
            memcpy(&fl, &u, sizeof fl);
            d = fl;
        }
        snprintf(fmt, sizeof fmt, "%%%s%s*.*%c", s->flags, "", conv);
        snprintf(tmp, sizeof tmp, fmt, s->width < 0 ? 0 : s->width, s->prec < 0 ? 6 : s->prec, d);
        return la_buf_adds(out, tmp);
    }
    if (conv == 'c' || conv == 'C') {
        char ch = (char)(v >= 0x20 && v < 0x7f ? v : '?');
        return add_padded(out, s, &ch, 1);
    }
    if (conv == 'i')
        conv = 'd';
    /* Without a precision the 0 flag pads: pass one only when the format gives it. */
    int w = s->width < 0 ? 0 : s->width;
    snprintf(fmt, sizeof fmt, s->prec < 0 ? "%%%s*ll%c" : "%%%s*.*ll%c", s->flags, conv);
    if (conv == 'd') {
        long long x = (long long)v;
        if (s->prec < 0)
            snprintf(tmp, sizeof tmp, fmt, w, x);
        else
            snprintf(tmp, sizeof tmp, fmt, w, s->prec, x);
    } else {
        unsigned long long u = (unsigned long long)arg_uint(a);
        if (s->prec < 0)
            snprintf(tmp, sizeof tmp, fmt, w, u);
        else
            snprintf(tmp, sizeof tmp, fmt, w, s->prec, u);
    }
    return la_buf_adds(out, tmp);
}

/* The bytes in hex; past the buffer's cap, as many whole bytes as fit, then LA_FAILED. */
static enum la_rc render_bytes(struct la_buf *out, const struct tv3_arg *a)
{
    size_t n = a->len;

    if (out->max && (out->max < out->len || n > (out->max - out->len) / 2))
        n = out->max < out->len ? 0 : (out->max - out->len) / 2;
    enum la_rc rc = la_buf_grow(out, 2 * n);
    if (rc != LA_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        out->buf[out->len++] = "0123456789abcdef"[a->data[i] >> 4];
        out->buf[out->len++] = "0123456789abcdef"[a->data[i] & 15];
    }
    out->buf[out->len] = '\0';
    return n == a->len ? LA_OK : LA_FAILED;
}

static enum la_rc render_one(struct la_buf *out, const struct spec *s, const struct tv3_arg *a)
{
    if (!a)
        return la_buf_adds(out, "<decode: missing data>");
    /* What the writer marked private is never printed, whatever the record holds. */
    if (TV3_ARG_PRIVATE(a->type) || has_deco(s, "private") || has_deco(s, "sensitive"))
        return la_buf_adds(out, "<private>");
    if (a->type < 0x20 && s->conv != 's' && s->conv != '@' && s->conv != 'S')
        return render_number(out, s, a);
    if (a->type < 0x20 || !a->data) {
        if (a->type >= 0x20 && (a->type & 0xf0) != 0x30 && (a->type & 0x0f) != 0x02)
            return la_buf_adds(out, "(null)");
        if (!a->data)
            return la_buf_adds(out, "<decode: missing data>");
    }
    if (s->conv == 'P' || (a->type & 0xf0) == 0x30 || a->type == 0xf2)
        return render_bytes(out, a);
    size_t len = strnlen((const char *)a->data, a->len);
    if (s->prec >= 0 && (size_t)s->prec < len)
        len = (size_t)s->prec;
    return add_padded(out, s, (const char *)a->data, len);
}

enum la_rc tv3_render(struct la_buf *out, const char *fmt, size_t fl, const struct tv3_arg *args,
                      size_t nargs)
{
    size_t ai = 0;
    enum la_rc rc = LA_OK;

    if (!fmt) {
        /* No format string: say so, and keep what the arguments say. */
        rc = la_buf_adds(out, "<unresolved>");
        for (size_t i = 0; i < nargs && rc == LA_OK; i++) {
            struct spec s;
            memset(&s, 0, sizeof s);
            s.width = s.prec = -1;
            s.conv = args[i].type < 0x20 ? 'd' : 's';
            if (TV3_ARG_PRECISION(args[i].type))
                continue;
            rc = la_buf_adds(out, i ? ", " : " ");
            if (rc == LA_OK)
                rc = render_one(out, &s, &args[i]);
        }
        return rc == LA_FATAL ? LA_FATAL : LA_OK;
    }
    for (size_t i = 0; i < fl && rc == LA_OK;) {
        const char *pct = memchr(fmt + i, '%', fl - i);
        size_t lit = pct ? (size_t)(pct - (fmt + i)) : fl - i;
        rc = la_buf_add(out, fmt + i, lit);
        i += lit;
        if (!pct || rc != LA_OK)
            break;
        i++;
        if (i < fl && fmt[i] == '%') {
            rc = la_buf_addc(out, '%');
            i++;
            continue;
        }
        struct spec s;
        size_t used = parse_spec(fmt + i, fl - i, &s, args, nargs, &ai);
        if (!used) {
            rc = la_buf_addc(out, '%');
            continue;
        }
        i += used;
        if (s.conv == 'm') {
            rc = la_buf_adds(out, "<errno>");
            continue;
        }
        /* A precision argument given for a `%.*s` that the format wrote as `%.16s`. */
        while (ai < nargs && TV3_ARG_PRECISION(args[ai].type)) {
            if (s.prec < 0 || args[ai].type == 0x12)
                s.prec = (int)arg_int(&args[ai]);
            ai++;
        }
        rc = render_one(out, &s, ai < nargs ? &args[ai] : NULL);
        ai++;
    }
    /* Past the cap the message is cut: still a message. */
    return rc == LA_FATAL ? LA_FATAL : LA_OK;
}
