/*
 * Hard-wrapped pastes: detection from the head and rejoining of cut lines.
 *
 * A log that went through a forum, an e-mail or a console window can come back with its long
 * lines cut at a fixed width.  The head shows it: no line is longer than the width, several
 * lines reach close to it, and most of those go on, on the next line, with text that opens
 * no record and whose first word would not have fitted.  A log as written has a long tail of
 * line lengths, and its longest lines are followed by the next record.  A cut at a word
 * (forums, mail) leaves a line up to a word short of the width; a console cuts at exactly the
 * width, inside words.  A short paste has too few lines to count on: a few prefixed records
 * are wrapped when every line without a prefix follows one cut at the width.  The probe and
 * the parser both use this, so a wrapped paste probes as the format its rejoined lines have.
 *
 * Data flow: la_formats_wrap_detect() reads the head once (probe and la_parser_set_head())
 * and gives a struct la_wrap: the width, console or word cut, the leads and the first words
 * that open lines of their own.  la_formats_rejoin_add() then decides line by line whether
 * a line is the rest of the one before; la_formats_wrap_sample() is the probe's walk.
 * Invariant: a member that is not wrapped (width 0) passes through unchanged.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "core/buf.h"
#include "formats/formats-internal.h"
#include "formats/formats.h"

#define WRAP_MIN 40                /* a narrower ceiling is short lines, not wrapping */
#define WRAP_MAX 250
#define WRAP_NEAR 20               /* "near the ceiling": within this many characters */
#define WRAP_PIECES 64             /* one record is rejoined from at most this many lines */
#define WRAP_HEAD_LINES 64         /* head lines looked at */
#define WRAP_SHORT 8               /* a head of fewer lines is a short paste */

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
static int wrap_opens(const struct la_wrap *w, const char *s, size_t n)
{
    struct la_prefix ps;
    char lead[WRAP_LEAD + 1];

    if (la_formats_scan(LA_SHAPES_ALL, s, n, &ps))
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

static int wrap_is_opener(const struct la_wrap *w, const char *s, size_t n)
{
    size_t e = word_end(s, n);

    for (unsigned k = 0; k < w->nopen; k++)
        if (strlen(w->open[k]) == e && !memcmp(w->open[k], s, e))
            return 1;
    return 0;
}

void la_formats_wrap_learn(struct la_wrap *w, const char *s, size_t n)
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
static int wrap_continues(const struct la_wrap *w, size_t last, const char *s, size_t n,
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
static int wrap_blank(const struct la_wrap *w, size_t last, const char *s)
{
    return !(w->chars && last >= w->width) && s[0] != ' ';
}

/*
 * Append line s to j when it is the rest of the line j holds: 1.  0 when it is not (the
 * caller finishes j and starts it over with s), -1 on OOM.  ret_short as wrap_continues().
 */
int la_formats_rejoin_add(struct la_rejoin *j, const struct la_wrap *w, const char *s, size_t n,
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
int la_formats_rejoin_start(struct la_rejoin *j, const char *s, size_t n)
{
    la_buf_reset(&j->buf);
    j->pieces = 1;
    j->last = chars_in(s, n);
    return la_buf_add(&j->buf, s, n) == LA_OK ? 0 : -1;
}

/* Count the shapes that accept line s into shape_hits (may be NULL), and into *any (may be
 * NULL) whether one does. */
static void sample_line(const char *s, size_t n, unsigned *shape_hits, unsigned *any)
{
    struct la_prefix r;

    if (any)
        *any += la_formats_scan(LA_SHAPES_ALL, s, n, &r) != 0;
    for (unsigned b = 0; shape_hits && b < LA_SHAPE_COUNT; b++)
        if (la_formats_scan(1u << b, s, n, &r) == 1u << b)
            shape_hits[b]++;
}

/*
 * Walk the head's lines, normalised and, when w says the head is wrapped, rejoined.  Counts
 * the lines each shape accepts into shape_hits (LA_SHAPE_COUNT slots, may be NULL) and returns the number
 * of lines walked (at most max_lines); *ret_any gets how many opened a record at all.
 */
unsigned la_formats_wrap_sample(const char *h, size_t len, const struct la_wrap *w, unsigned max_lines,
                            unsigned *shape_hits, unsigned *ret_any)
{
    struct la_buf norm = LA_BUF_INIT;
    struct la_rejoin j = { LA_BUF_INIT, 0, 0 };
    size_t i = 0;
    unsigned nlines = 0, any = 0;

    /* Not wrapped (nearly every member): each line as it is, without rejoining copies. */
    while (!w->width && i < len && nlines < max_lines) {
        const char *nl = memchr(h + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - h) : len;
        struct la_sv v;
        if (!nl && i > 0)
            break;                                      /* a cut last line: ignore */
        int k = la_normalize_view(la_sv_make(h + i, e - i), &norm, &v);
        i = e + 1;
        if (k > 0 && v.len) {
            nlines++;
            sample_line(v.p, v.len, shape_hits, ret_any ? &any : NULL);
        }
    }
    for (; w->width;) {
        const char *nl = i < len ? memchr(h + i, '\n', len - i) : NULL;
        size_t e = nl ? (size_t)(nl - h) : len;
        int more = i < len && !(!nl && i > 0);         /* a cut last line: ignore */
        struct la_sv v = { NULL, 0 };
        int k = more ? la_normalize_view(la_sv_make(h + i, e - i), &norm, &v) : 0;
        i = e + 1;
        if (more && (k <= 0 || !v.len))
            continue;
        if (more) {
            int added = la_formats_rejoin_add(&j, w, v.p, v.len, NULL);
            if (added < 0)
                break;
            if (added)
                continue;
        }
        if (j.buf.len) {
            nlines++;
            sample_line(j.buf.buf, j.buf.len, shape_hits, ret_any ? &any : NULL);
        }
        if (!more || nlines >= max_lines || la_formats_rejoin_start(&j, v.p, v.len) < 0)
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

/* One line of the head, as la_formats_wrap_detect() sees it. */
struct head_line {
    size_t len, word;              /* characters: the line, its first word */
    int opens, indent, lower, cut;
    char lead[WRAP_LEAD + 1];
    char first[WRAP_WORD];         /* its first word (when shorter), to learn openers */
    char lastw[WRAP_WORD];         /* its last word (when shorter) */
};

static void head_line_set(struct head_line *l, const char *s, size_t n)
{
    struct la_prefix ps;
    size_t fe = word_end(s, n), b = n;

    memset(l, 0, sizeof(*l));
    l->len = chars_in(s, n);
    l->word = chars_in(s, fe);
    l->opens = la_formats_scan(LA_SHAPES_ALL, s, n, &ps) != 0;
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
                       struct la_wrap w, int varied)
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
    la_formats_wrap_sample(h, len, &w, WRAP_HEAD_LINES, NULL, &as_console);
    w.chars = 0;
    la_formats_wrap_sample(h, len, &w, WRAP_HEAD_LINES, NULL, &as_words);
    if (as_console != as_words)
        return as_console > as_words;
    return in_word > between;
}

/* Decide from the head's text (raw, UTF-8) whether it is hard-wrapped. */
struct la_wrap la_formats_wrap_detect(const char *h, size_t len)
{
    struct la_wrap w;
    struct head_line ln[WRAP_HEAD_LINES];
    struct la_buf norm = LA_BUF_INIT;
    size_t i = 0, max = 0;
    unsigned nl = 0, near = 0, fit = 0, lower = 0, exact = 0, at5 = 0, shaped = 0;
    unsigned cuts = 0, distinct = 0, rest = 0;

    memset(&w, 0, sizeof(w));
    if (!h)
        return w;
    while (i < len && nl < WRAP_HEAD_LINES) {
        const char *e = memchr(h + i, '\n', len - i);
        if (!e)
            break;                 /* a cut last line says nothing about the width */
        struct la_sv v;
        int k = la_normalize_view(la_sv_make(h + i, (size_t)(e - h) - i), &norm, &v);
        i = (size_t)(e - h) + 1;
        if (k < 0)
            break;
        if (k == 0 || v.len == 0)
            continue;
        head_line_set(&ln[nl], v.p, v.len);
        shaped += (unsigned)ln[nl].opens;
        if (ln[nl].len > max)
            max = ln[nl].len;
        nl++;
    }
    la_buf_release(&norm);
    if (nl < 4 || max < WRAP_MIN || max > WRAP_MAX)
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
            la_formats_wrap_learn(&w, ln[k + 1].first, strlen(ln[k + 1].first));
    for (unsigned k = 0; k + 1 < nl; k++) {
        rest += !ln[k + 1].opens && !ln[k + 1].indent;
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
    /*
     * A short paste of prefixed records (under WRAP_SHORT lines) has too few lines for the
     * counts above: there every line without a prefix must be the rest of a line cut at the
     * width, and most lines open records.
     */
    int short_cut = nl < WRAP_SHORT && shaped * 2 > nl && exact >= 1 && rest == exact;
    if (shaped ? word || at_width || short_cut
               : (at_width && varied) || (word && lower >= 2 && lower * 3 >= fit))
        w.chars = (at_width || short_cut) && console_cut(h, len, ln, nl, w, varied);
    else
        w.width = 0;
    return w;
}
