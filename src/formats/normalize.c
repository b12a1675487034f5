/*
 * Normalisation: one raw line → the text the shapes and the rules see.
 *
 * Logs reach us pasted and quoted: Markdown fences and "> " quoting, HTML entities, ANSI
 * colours, progress bars, carriage returns from console captures and NUL padding are taken
 * out, trailing blanks trimmed (la_normalize_line(), also used by the probe and unwrap.c).
 * la_formats_head_text() turns a member's head into UTF-8 text for the probe (a UTF-16 log
 * is ASCII in its low bytes).
 *
 * This runs on every line of every member, and nearly every line needs no change: the bytes
 * that can change a line (NUL, ESC, CR, '&', '[') are found a vector at a time (special.c),
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
 * Whether the special byte at s[i] leaves the line as it is: a '[' that opens no progress
 * bar, an '&' that starts no entity.  (NUL, ESC and CR always change the line.)
 */
static int keeps(const char *s, size_t n, size_t i)
{
    size_t k = i;

    if (s[i] == '[')
        return !is_progress_at(s, n, i, &k);
    if (s[i] == '&')
        return la_normalize_entity(s, n, &k) == '&' && k == i + 1;
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
     * the bytes that need care (ESC, CR, '&', '[', NUL) in one memcpy each.
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

/* Past the Markdown / e-mail quote markers at s[i]. */
static size_t unquote(const char *s, size_t n, size_t i)
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
    size_t n = in.len, i = unquote(s, n, 0), j;
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
        size_t q = unquote(scratch->buf, scratch->len, 0);
        *ret = la_sv_make(scratch->buf + q, scratch->len - q);
        return 1;
    }
    while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
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
