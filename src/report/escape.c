/*
 * Escapers: untrusted log text into each output format.
 *
 * Every string in a report document may hold anything a log file held:
 * markup, ANSI escape sequences, workflow commands, line separators.  Each
 * escaper walks the input one code point at a time (invalid UTF-8 decodes as
 * U+FFFD one byte at a time, see la_utf8_next() in core/encoding.h), decides
 * per code point, and appends.  On failure the output is truncated back to its entry
 * length, so a half-escaped string never reaches a report.
 *
 * The choices, per target:
 *   html      entities for & < > " '; controls and noncharacters -> U+FFFD
 *             (they are parse errors in HTML and illegal in XML, and the HTML
 *             report is kept well-formed XML); U+2028/9 as references.
 *   xml       entities for & < > " ' and \r; what XML 1.0 forbids is dropped;
 *             C1 controls and U+2028/9 as references (XML 1.1 and some
 *             consumers treat them as line ends).
 *   terminal  nothing that a terminal interprets gets through: ESC as ^[,
 *             other controls as \xHH, line separators and bidi overrides as
 *             <U+XXXX> (Trojan Source).
 *   github    the runner's own escaping (%25 %0D %0A, %3A %2C in
 *             properties); other controls -> U+FFFD so no ANSI sequence or
 *             odd line break reaches the log; a leading "::" is broken.
 *   markdown  backslash escapes for punctuation that means something in
 *             CommonMark/GFM; line breaks -> space so table rows hold.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include "report/report-internal.h"

static int is_c0(uint32_t cp)
{
    return cp < 0x20;
}

static int is_c1(uint32_t cp)
{
    return cp >= 0x80 && cp <= 0x9f;
}

static int is_line_sep(uint32_t cp)
{
    return cp == 0x2028 || cp == 0x2029;
}

static int is_noncharacter(uint32_t cp)
{
    return (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe;
}

static enum la_rc fail(struct la_buf *out, size_t start, enum la_rc rc)
{
    la_buf_truncate(out, start);
    return rc;
}

enum la_rc la_escape_html(struct la_buf *out, const char *s, size_t len)
{
    size_t start, i = 0, n;
    enum la_rc rc = LA_OK;
    uint32_t cp;

    if (!out || (!s && len))
        return LA_FATAL;
    start = out->len;
    while (i < len && rc == LA_OK) {
        n = la_utf8_next(s + i, len - i, &cp);
        if (cp == '&')
            rc = la_buf_adds(out, "&amp;");
        else if (cp == '<')
            rc = la_buf_adds(out, "&lt;");
        else if (cp == '>')
            rc = la_buf_adds(out, "&gt;");
        else if (cp == '"')
            rc = la_buf_adds(out, "&quot;");
        else if (cp == '\'')
            rc = la_buf_adds(out, "&#39;");
        else if (cp == '\t' || cp == '\n' || cp == '\r')
            rc = la_buf_addc(out, (char)cp);
        else if (is_c0(cp) || cp == 0x7f || is_c1(cp) || is_noncharacter(cp))
            rc = la_utf8_put(out, 0xfffd);
        else if (is_line_sep(cp))
            rc = la_buf_addf(out, "&#x%X;", (unsigned)cp);
        else if (cp == 0xfffd)
            rc = la_utf8_put(out, cp);
        else
            rc = la_buf_add(out, s + i, n);
        i += n;
    }
    return rc == LA_OK ? LA_OK : fail(out, start, rc);
}

enum la_rc la_escape_xml(struct la_buf *out, const char *s, size_t len)
{
    size_t start, i = 0, n;
    enum la_rc rc = LA_OK;
    uint32_t cp;

    if (!out || (!s && len))
        return LA_FATAL;
    start = out->len;
    while (i < len && rc == LA_OK) {
        n = la_utf8_next(s + i, len - i, &cp);
        if (cp == '&')
            rc = la_buf_adds(out, "&amp;");
        else if (cp == '<')
            rc = la_buf_adds(out, "&lt;");
        else if (cp == '>')
            rc = la_buf_adds(out, "&gt;");
        else if (cp == '"')
            rc = la_buf_adds(out, "&quot;");
        else if (cp == '\'')
            rc = la_buf_adds(out, "&apos;");
        else if (cp == '\r')
            rc = la_buf_adds(out, "&#13;");
        else if (cp == '\t' || cp == '\n')
            rc = la_buf_addc(out, (char)cp);
        else if (is_c0(cp) || cp == 0xfffe || cp == 0xffff)
            ; /* illegal in XML 1.0: dropped */
        else if (cp == 0x7f || is_c1(cp) || is_line_sep(cp))
            rc = la_buf_addf(out, "&#x%X;", (unsigned)cp);
        else if (cp == 0xfffd)
            rc = la_utf8_put(out, cp);
        else
            rc = la_buf_add(out, s + i, n);
        i += n;
    }
    return rc == LA_OK ? LA_OK : fail(out, start, rc);
}

static int is_bidi_control(uint32_t cp)
{
    return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
           cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

enum la_rc la_escape_terminal(struct la_buf *out, const char *s, size_t len)
{
    size_t start, i = 0, n;
    enum la_rc rc = LA_OK;
    uint32_t cp;

    if (!out || (!s && len))
        return LA_FATAL;
    start = out->len;
    while (i < len && rc == LA_OK) {
        n = la_utf8_next(s + i, len - i, &cp);
        if (cp == 0x1b)
            rc = la_buf_adds(out, "^[");
        else if (cp == '\t')
            rc = la_buf_addc(out, ' ');     /* a tab would break the layout; it is harmless */
        else if (is_c0(cp) || cp == 0x7f || is_c1(cp))
            rc = la_buf_addf(out, "\\x%02x", (unsigned)cp);
        else if (is_line_sep(cp) || is_bidi_control(cp))
            rc = la_buf_addf(out, "<U+%04X>", (unsigned)cp);
        else if (cp == 0xfffd)
            rc = la_utf8_put(out, cp);
        else
            rc = la_buf_add(out, s + i, n);
        i += n;
    }
    return rc == LA_OK ? LA_OK : fail(out, start, rc);
}

/* White space as .NET's Char.IsWhiteSpace sees it (the runner trims it). */
static int is_dotnet_space(uint32_t cp)
{
    return cp == ' ' || (cp >= 0x09 && cp <= 0x0d) || cp == 0x85 || cp == 0xa0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || is_line_sep(cp) ||
           cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

enum la_rc la_escape_github(struct la_buf *out, const char *s, size_t len, int property)
{
    size_t start, i = 0, n, lead = 0;
    enum la_rc rc = LA_OK;
    int neutralise = 0;
    uint32_t cp;

    if (!out || (!s && len))
        return LA_FATAL;
    start = out->len;
    /* Find a "::" after leading white space: the runner would TrimStart() it. */
    while (lead < len) {
        n = la_utf8_next(s + lead, len - lead, &cp);
        if (!is_dotnet_space(cp))
            break;
        lead += n;
    }
    if (len - lead >= 2 && s[lead] == ':' && s[lead + 1] == ':')
        neutralise = 1;
    while (i < len && rc == LA_OK) {
        n = la_utf8_next(s + i, len - i, &cp);
        if (cp == '%')
            rc = la_buf_adds(out, "%25");
        else if (cp == '\r')
            rc = la_buf_adds(out, "%0D");
        else if (cp == '\n')
            rc = la_buf_adds(out, "%0A");
        else if (cp == ':' && (property || (neutralise && i == lead)))
            rc = la_buf_adds(out, "%3A");
        else if (cp == ',' && property)
            rc = la_buf_adds(out, "%2C");
        else if (cp == '\t')
            rc = la_buf_addc(out, '\t');
        else if (is_c0(cp) || cp == 0x7f || is_c1(cp) || is_line_sep(cp) || cp == 0xfffd)
            rc = la_utf8_put(out, 0xfffd);
        else
            rc = la_buf_add(out, s + i, n);
        i += n;
    }
    return rc == LA_OK ? LA_OK : fail(out, start, rc);
}

/* ASCII punctuation with a meaning somewhere in CommonMark or GFM inline text. */
static int md_special(uint32_t cp)
{
    switch (cp) {
    case '\\': case '`': case '*': case '_': case '[': case ']': case '<': case '>':
    case '&': case '|': case '~': case '!': case '#': case '$': case '@': case '{':
    case '}':
        return 1;
    }
    return 0;
}

enum la_rc la_escape_markdown(struct la_buf *out, const char *s, size_t len)
{
    size_t start, i = 0, n, digits = 0;
    enum la_rc rc = LA_OK;
    uint32_t cp;

    if (!out || (!s && len))
        return LA_FATAL;
    start = out->len;
    /* "1." or "1)" at the start would open an ordered list inside a list item. */
    while (digits < len && digits < 10 && s[digits] >= '0' && s[digits] <= '9')
        digits++;
    if (digits == len || (s[digits] != '.' && s[digits] != ')'))
        digits = SIZE_MAX;
    while (i < len && rc == LA_OK) {
        n = la_utf8_next(s + i, len - i, &cp);
        if (md_special(cp) || (i == 0 && (cp == '+' || cp == '-' || cp == '=')) ||
            i == digits)
            rc = la_buf_addf(out, "\\%c", (char)cp);
        else if (cp == '\n' || cp == '\r' || cp == '\t' || is_line_sep(cp))
            rc = la_buf_addc(out, ' ');
        else if (is_c0(cp) || cp == 0x7f || is_c1(cp) || cp == 0xfffd)
            rc = la_utf8_put(out, 0xfffd);
        else
            rc = la_buf_add(out, s + i, n);
        i += n;
    }
    return rc == LA_OK ? LA_OK : fail(out, start, rc);
}
