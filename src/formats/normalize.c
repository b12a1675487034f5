/*
 * Normalisation: one raw line → the text the shapes and the rules see.
 *
 * Logs reach us pasted and quoted: Markdown fences and "> " quoting, HTML entities, ANSI
 * colours, progress bars, carriage returns from console captures and NUL padding are taken
 * out, curly quotes, dashes, ligatures and full-width forms made ASCII, trailing blanks
 * trimmed (la_normalize_line(), also used by the probe and unwrap.c).
 * la_formats_head_text() turns a member's head into UTF-8 text for the probe (a UTF-16 log
 * is ASCII in its low bytes).
 *
 * This runs on every line of every member, and nearly every line needs no change: the bytes
 * that can change a line (NUL, ESC, CR, '&', '[', and the UTF-8 lead bytes 0xc2, 0xe2 and
 * 0xef of the typography la_normalize_typo() maps) are found a vector at a time (special.c),
 * and a line in which none of them changes anything is handed on as a view of the input,
 * not copied (la_normalize_view()).  A line that changes is copied from its first changing
 * byte on.  Invariant: the output is never longer than the input, so that copy goes in runs
 * into storage reserved once.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "core/buf.h"
#include "formats/formats-internal.h"
#include "formats/formats.h"

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
    j = la_formats_skip_sp(s, n, j);
    size_t k = j;
    while (k < n && (isdigit((unsigned char)s[k]) || s[k] == '.'))
        k++;
    if (k == j || k >= n || s[k] != '%')
        return 0;
    *end = k + 1;
    return 1;
}

/* formats-internal.h */
char la_normalize_entity(const char *s, size_t n, size_t *i)
{
    static const struct {
        const char *name;
        char c;
    } ents[] = { { "&gt;", '>' }, { "&lt;", '<' }, { "&amp;", '&' }, { "&quot;", '"' },
                 { "&apos;", '\'' }, { "&nbsp;", ' ' } };

    for (size_t k = 0; k < sizeof(ents) / sizeof(ents[0]); k++) {
        size_t l = strlen(ents[k].name);
        if (*i + l <= n && !memcmp(s + *i, ents[k].name, l)) {
            *i += l;
            return ents[k].c;
        }
    }
    /* A numeric reference to a printable ASCII character ("&#x27;" from Python's html.escape,
     * "&#34;"); anything else stays as it is. */
    if (*i + 3 < n && s[*i + 1] == '#') {
        size_t j = *i + 2;
        int hex = s[j] == 'x' || s[j] == 'X';
        unsigned v = 0, nd = 0;

        for (j += (size_t)hex; j < n && nd < 5; j++, nd++) {
            unsigned char c = (unsigned char)s[j];
            if (hex ? !isxdigit(c) : !isdigit(c))
                break;
            v = v * (hex ? 16u : 10u) + (unsigned)(isdigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
        }
        if (nd && j < n && s[j] == ';' && v >= 32 && v < 127) {
            *i = j + 1;
            return (char)v;
        }
    }
    (*i)++;
    return '&';
}

/*
 * The typography a paste picks up on its way (issue 15 F): a forum's or word processor's
 * curly quotes, dashes and ellipsis, no-break and zero-width spaces, the ligatures and
 * full-width forms that text read back from a screenshot (OCR) or typed with an East Asian
 * input method carries.  The producers print ASCII, and the rules are written in it.
 * Sorted by code point; each replacement is at most as long as its UTF-8 form (2 or 3 bytes).
 */
static const struct {
    unsigned lo, hi;
    const char *to;
} typo[] = {
    { 0x00a0, 0x00a0, " " },       /* no-break space */
    { 0x00ad, 0x00ad, "" },        /* soft hyphen */
    { 0x2000, 0x200a, " " },       /* en quad … hair space */
    { 0x200b, 0x200d, "" },        /* zero-width space, non-joiner, joiner */
    { 0x2010, 0x2013, "-" },       /* hyphen, non-breaking hyphen, figure dash, en dash */
    { 0x2014, 0x2014, "--" },      /* em dash: what "--" becomes ("—use-pwndfu") */
    { 0x2015, 0x2015, "-" },       /* horizontal bar */
    { 0x2018, 0x201b, "'" },       /* single quotation marks */
    { 0x201c, 0x201f, "\"" },      /* double quotation marks */
    { 0x2026, 0x2026, "..." },     /* horizontal ellipsis */
    { 0x202f, 0x202f, " " },       /* narrow no-break space */
    { 0x2032, 0x2032, "'" },       /* prime */
    { 0x2033, 0x2033, "\"" },      /* double prime */
    { 0x205f, 0x205f, " " },       /* medium mathematical space */
    { 0x2060, 0x2060, "" },        /* word joiner */
    { 0x2212, 0x2212, "-" },       /* minus sign: "−2" is a negative code */
    { 0xfb00, 0xfb00, "ff" },      /* ligatures */
    { 0xfb01, 0xfb01, "fi" },
    { 0xfb02, 0xfb02, "fl" },
    { 0xfb03, 0xfb03, "ffi" },
    { 0xfb04, 0xfb04, "ffl" },
    { 0xfb05, 0xfb06, "st" },
    { 0xfeff, 0xfeff, "" },        /* zero-width no-break space (a BOM inside the text) */
};

/* formats-internal.h */
int la_normalize_typo(const char *s, size_t n, size_t *i, char *out)
{
    const unsigned char *u = (const unsigned char *)s + *i;
    size_t left = n - *i, len;
    unsigned cp;

    if (left >= 2 && u[0] == 0xc2 && (u[1] & 0xc0) == 0x80) {
        cp = (u[1] & 0x3fu) | 0x80u;
        len = 2;
    } else if (left >= 3 && (u[0] == 0xe2 || u[0] == 0xef) && (u[1] & 0xc0) == 0x80 &&
               (u[2] & 0xc0) == 0x80) {
        cp = (u[0] & 0x0fu) << 12 | (u[1] & 0x3fu) << 6 | (u[2] & 0x3fu);
        len = 3;
    } else {
        return -1;
    }
    if (cp >= 0xff01 && cp <= 0xff5e) {            /* full-width ASCII: "（4013）", "ERROR：" */
        *out = (char)(cp - 0xfee0);
        *i += len;
        return 1;
    }
    for (size_t k = 0; k < sizeof(typo) / sizeof(typo[0]) && typo[k].lo <= cp; k++)
        if (cp <= typo[k].hi) {
            size_t l = strlen(typo[k].to);
            memcpy(out, typo[k].to, l);
            *i += len;
            return (int)l;
        }
    return -1;
}

/*
 * Whether the special byte at s[i] leaves the line as it is: a '[' that opens no progress
 * bar, an '&' that starts no entity, a lead byte of no typographic character.  (NUL, ESC
 * and CR always change the line.)
 */
static int keeps(const char *s, size_t n, size_t i)
{
    size_t k = i;
    char t[3];

    if (s[i] == '[')
        return !is_progress_at(s, n, i, &k);
    if (s[i] == '&')
        return la_normalize_entity(s, n, &k) == '&' && k == i + 1;
    if ((unsigned char)s[i] >= 0x80)
        return la_normalize_typo(s, n, &k, t) < 0;
    return 0;
}

/* Copy s[i..n) into out from its first byte that changes, at j: the slow path. */
static int normalize_copy(const char *s, size_t n, size_t i, size_t j, struct la_buf *out)
{
    la_buf_reset(out);
    if (la_buf_grow(out, n - i) != LA_OK)
        return -1;
    /*
     * The output is never longer than the input: reserve once, then copy the runs between
     * the bytes that need care (ESC, CR, '&', '[', NUL, the lead bytes 0xc2, 0xe2, 0xef) in
     * one memcpy each.
     */
    char *d = out->buf;
    size_t o = j - i;
    memcpy(d, s + i, o);
    i = j;
    while (i < n) {
        j = i + la_formats_find_special(s + i, n - i);
        memcpy(d + o, s + i, j - i);
        o += j - i;
        i = j;
        if (i >= n)
            break;
        unsigned char c = (unsigned char)s[i];
        size_t end;
        int k;

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
            d[o++] = la_normalize_entity(s, n, &i);
        } else if (c == '[' && is_progress_at(s, n, i, &end)) {
            i = la_formats_skip_sp(s, n, end);
        } else if (c == 0) {                               /* NUL bytes: drop */
            i++;
        } else if (c >= 0x80 && (k = la_normalize_typo(s, n, &i, d + o)) >= 0) {
            o += (size_t)k;                                /* curly quote, ligature … */
        } else {
            d[o++] = (char)c;
            i++;
        }
    }
    out->len = o;
    /* Trim trailing blanks. */
    while (out->len && (out->buf[out->len - 1] == ' ' || out->buf[out->len - 1] == '\t'))
        out->len--;
    if (out->alloc)
        out->buf[out->len] = '\0';
    return 1;
}

/*
 * A quote marker: '>' followed by a blank, the end, another '>' (nested quoting), a letter or
 * digit or a '[', since Markdown takes ">text" as a quote as well as "> text" and pastes come
 * both ways (">Version: <sha> - 90", ">[12:00:01.000] x").  So ">>> " (a Python prompt) is
 * three quote markers too.  A '>' before any other character ("->" has none at its start,
 * ">=", ">-") is the line's own.
 */
static int quote_marker(const char *s, size_t n, size_t j)
{
    if (j >= n || s[j] != '>')
        return 0;
    return j + 1 == n || s[j + 1] == ' ' || s[j + 1] == '>' || s[j + 1] == '[' ||
           isalnum((unsigned char)s[j + 1]);
}

/* formats-internal.h */
size_t la_formats_unquote(const char *s, size_t n, size_t i)
{
    for (size_t j;; i = i < n && s[i] == ' ' ? i + 1 : i) {
        j = la_formats_skip_sp(s, n, i);
        if (!quote_marker(s, n, j) || j - i >= 4)
            return i;
        i = j + 1;
    }
}

int la_normalize_view(struct la_sv in, struct la_buf *scratch, struct la_sv *ret)
{
    const char *s = in.p;
    size_t n = in.len, i = la_formats_unquote(s, n, 0), j;
    /* Markdown fences: drop the line. */
    j = la_formats_skip_sp(s, n, i);
    if (n - j >= 3 && (!memcmp(s + j, "```", 3) || !memcmp(s + j, "~~~", 3))) {
        size_t k = j + 3;
        while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '`' || s[k] == '~' ||
                         s[k] == '-' || s[k] == '_'))
            k++;
        if (la_formats_skip_sp(s, n, k) == n)
            return 0;
    }
    /*
     * Nearly every line is clean: no special byte, or only ones that change nothing.  Such a
     * line is passed on as a view of the input, trailing blanks trimmed; only a line that
     * changes is copied, from its first changing byte on.
     */
    for (j = i;; j++) {
        j += la_formats_find_special(s + j, n - j);
        if (j >= n || !keeps(s, n, j))
            break;
    }
    if (j < n) {
        if (normalize_copy(s, n, i, j, scratch) < 0)
            return -1;
        /* A quote marker that was escaped ("&gt; ") or coloured shows only now. */
        size_t q = la_formats_unquote(scratch->buf, scratch->len, 0);
        *ret = la_sv_make(scratch->buf + q, scratch->len - q);
        return 1;
    }
    while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    /* A '>' that the trimmed blanks followed is a quote marker too (">\t": an empty quote). */
    if (n < in.len)
        i = la_formats_unquote(s, n, i);
    *ret = la_sv_make(s + i, n - i);
    return 1;
}

int la_normalize_line(struct la_sv in, struct la_buf *out)
{
    struct la_sv v;
    int k = la_normalize_view(in, out, &v);

    if (k <= 0) {
        la_buf_reset(out);
        return k;
    }
    if (out->buf && v.p > out->buf && v.p <= out->buf + out->len) {
        /* A view into out past its start (a quote marker taken off the copy). */
        memmove(out->buf, v.p, v.len);
        out->len = v.len;
        out->buf[out->len] = '\0';
    } else if (v.p != out->buf) {
        la_buf_reset(out);
        if (la_buf_add(out, v.p, v.len) != LA_OK)
            return -1;
    }
    return 1;
}

/* The head as text: UTF-8 without its BOM, or of UTF-16 the low bytes (logs are ASCII). */
void la_formats_head_text(const unsigned char *h, size_t len, enum la_encoding enc, size_t bom,
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
