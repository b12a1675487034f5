/*
 * printf formats as patterns: what a vocabulary entry's `format` (the producer's printf
 * format, rules/vocab/README.md) becomes in the matcher, in `rules test` and in reports.
 *
 * A format is read as tokens: a literal byte ("%%" is one literal '%'), or a conversion
 * with its flags, width, precision and length ("%-08.3lld", "%*s", "%zu", "%llX"); a '%'
 * that does not open a valid conversion is a literal.  Only the first line counts: a
 * message printed over several lines is matched by its first.  Leading level words that the
 * tools print or not depending on the release ("ERROR: ", "[Error] ", "WARNING: ", the
 * words of scripts/vocab/classify.py's LEVEL_PREFIX, followed by ':' or in brackets) are not
 * part of the pattern.
 *
 * la_printf_pattern():
 *   - the atom is the longest run of literal text (after the level words), as printed;
 *     a format with none ("%s", "ERROR: %s") has no pattern (1: the caller skips it);
 *   - an atom of LA_PRINTF_MIN_LITERAL characters or more (not counting blanks at its
 *     ends: " failure" is short) gives an unanchored pattern:
 *     conversions that may print nothing (%s) at either end are dropped (an unanchored
 *     match needs them no more than an optional level word), and when only literal text
 *     is left the pattern is a literal for a case-sensitive 'contains' test, else a regex;
 *     a message that opens with a lower-case letter must start where a message can
 *     (la_printf_add_message_start(): not inside a word, nor after a word and a blank other
 *     than a level word), which makes it a regex; so does "Unable to <verb> %s" alone, whose %s must be one
 *     word that ends the message (verb_and_object());
 *   - a shorter atom ("failed", "fopen: %s: %s") anchors the regex to the whole message,
 *     with the level words, and for a Python exception the "module.Class: " its traceback
 *     prints, optional in front;
 *   - blanks at either end of the line are not part of the pattern (a log line keeps no
 *     trailing ones; an anchored pattern allows them).
 *   Regexes escape every metacharacter of the literal text and turn conversions into
 *   sub-patterns (conv_re[]): %s → .*?, integers → [-+]?[0-9]+, hex → (?:0[xX])?[0-9A-Fa-f]+,
 *   %p → hex or (nil), floats, %c → one character; a width allows the padding spaces.
 *   The conversion that prints the entry's code (out->code_conv, from its `printed_code`,
 *   rules/vocab/README.md) becomes the named group out->code_name ("code_imd"; "code_irecv_hex"
 *   for a hex one), so the report keeps the printed number in its numbering space.
 *
 * la_printf_sample() writes what `rules test` feeds a vocabulary rule: the first line with
 * each conversion replaced by a plausible value (conv_sample[]: %s → "x", integers → "1",
 * hex → "0x1f"), and the same line with one character of its longest literal run changed,
 * which must not fire the rule.  la_printf_title() is the first line with conversions shown
 * as "…".
 *
 * Invariant: every match of a pattern contains its atom (the prefilter relies on it, see
 * atoms.c): the atom is literal text the pattern requires, and nothing else.
 * tests/unit/test-vocab.c pins every conversion kind.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "core/alloc.h"
#include "rules/rules-internal.h"

enum conv { CV_NONE, CV_STR, CV_CHAR, CV_INT, CV_OCT, CV_HEX, CV_PTR, CV_FLOAT, CV_EMPTY };

/* One token of a format: a literal byte (conv CV_NONE) or a conversion. */
struct tok {
    size_t len;                    /* bytes of the format it spans */
    enum conv conv;
    char lit;                      /* the literal byte */
    int width, left;               /* a field width (or '*') is given; the '-' flag */
};

static const char *const conv_re[] = {
    [CV_STR] = ".*?",
    [CV_CHAR] = ".",
    [CV_INT] = "[-+]?[0-9]+",
    [CV_OCT] = "[0-7]+",
    [CV_HEX] = "(?:0[xX])?[0-9A-Fa-f]+",
    [CV_PTR] = "(?:(?:0x)?[0-9A-Fa-f]+|\\(nil\\))",
    [CV_FLOAT] = "[-+]?(?:0[xX][0-9A-Fa-f.]+[pP][-+]?[0-9]+|[0-9]+(?:\\.[0-9]*)?(?:[eE][-+]?"
                 "[0-9]+)?|\\.[0-9]+(?:[eE][-+]?[0-9]+)?|inf|nan|INF|NAN)",
    [CV_EMPTY] = "",
};

static const char *const conv_sample[] = {
    [CV_STR] = "x", [CV_CHAR] = "x", [CV_INT] = "1", [CV_OCT] = "7", [CV_HEX] = "0x1f",
    [CV_PTR] = "0x1f", [CV_FLOAT] = "1.5", [CV_EMPTY] = "",
};

/*
 * The level words a tool may print before a message, followed by ':' or in brackets, and the
 * bracketed module tags of tihmstar's tools ("[TSSC] ", "[TSSR] ", "[LFZP] "), which some
 * releases print and others do not.
 */
static const char *const level_words[] = { "ERROR", "Error", "error", "WARNING", "Warning",
                                           "NOTE", "DEBUG", "FATAL", NULL };

/* rules-internal.h */
const char *const la_printf_logger_levels[] = { "ERROR", "Error", "error", "WARNING", "Warning",
                                                "NOTE", "DEBUG", "FATAL", "INFO", "CRITICAL",
                                                NULL };

/* Append the words of list to b, each followed by sfx, separated by '|'. */
static enum la_rc add_words(struct la_buf *b, const char *const *list, const char *sfx)
{
    enum la_rc rc = LA_OK;

    for (const char *const *w = list; *w && rc == LA_OK; w++)
        rc = la_buf_addf(b, "%s%s%s", w == list ? "" : "|", *w, sfx);
    return rc;
}

/*
 * The regex of level_prefix()'s prefixes, any number of them before a message: the level
 * words in brackets or with a colon, and the bracketed module tags.
 */
static enum la_rc add_level_re(struct la_buf *b)
{
    enum la_rc rc = la_buf_adds(b, "(?:(?:\\[(?:");

    if (rc == LA_OK)
        rc = add_words(b, level_words, "");
    if (rc == LA_OK)
        rc = la_buf_adds(b, "|[A-Z][A-Z0-9]{1,9})\\]|(?:");
    if (rc == LA_OK)
        rc = add_words(b, level_words, "");
    return rc == LA_OK ? la_buf_adds(b, "):)[ \\t]+)*") : rc;
}

/* rules-internal.h */
enum la_rc la_printf_add_message_start(struct la_buf *b)
{
    enum la_rc rc = la_buf_adds(b, "(?:(?<=");

    if (rc == LA_OK)
        rc = add_words(b, la_printf_logger_levels, " ");
    return rc == LA_OK ? la_buf_adds(b, ")|(?<![A-Za-z] ))(?<![A-Za-z0-9_])") : rc;
}

/* The token at s (s < end). */
static void token(const char *s, const char *end, struct tok *t)
{
    const char *p = s + 1;

    t->len = 1;
    t->conv = CV_NONE;
    t->lit = *s;
    t->width = t->left = 0;
    if (*s != '%' || p >= end)
        return;
    if (*p == '%') {
        t->len = 2;
        return;
    }
    for (; p < end && strchr("-+ #0'", *p); p++)
        t->left |= *p == '-';
    if (p < end && *p == '*') {
        t->width = 1;
        p++;
    }
    for (; p < end && isdigit((unsigned char)*p); p++)
        t->width = 1;
    if (p < end && *p == '.') {
        p++;
        if (p < end && *p == '*')
            p++;
        while (p < end && isdigit((unsigned char)*p))
            p++;
    }
    if (end - p >= 2 && (!strncmp(p, "hh", 2) || !strncmp(p, "ll", 2)))
        p += 2;
    else if (p < end && strchr("hlLqjzt", *p))
        p++;
    if (p >= end)
        return;
    switch (*p) {
    case 'd': case 'i': case 'u':
        t->conv = CV_INT;
        break;
    case 'o':
        t->conv = CV_OCT;
        break;
    case 'x': case 'X':
        t->conv = CV_HEX;
        break;
    case 'p':
        t->conv = CV_PTR;
        break;
    case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A':
        t->conv = CV_FLOAT;
        break;
    case 'c': case 'C':
        t->conv = CV_CHAR;
        break;
    case 's': case 'S': case 'm': case '@':
        t->conv = CV_STR;
        break;
    case 'n':
        t->conv = CV_EMPTY;
        break;
    default:
        return;                    /* not a conversion: the '%' is literal text */
    }
    t->len = (size_t)(p + 1 - s);
}

/* The end of the first line of fmt. */
static const char *line_end(const char *fmt)
{
    const char *nl = strchr(fmt, '\n');

    return nl ? nl : fmt + strlen(fmt);
}

/* Bytes of a module tag's name and its ']' at p ("TSSC]"), or 0: 2-10 capitals or digits. */
static size_t module_tag(const char *p, const char *end)
{
    size_t l = 0;

    while (p + l < end && l <= 10 && (isupper((unsigned char)p[l]) ||
                                      (l && isdigit((unsigned char)p[l]))))
        l++;
    return l >= 2 && l <= 10 && p + l < end && p[l] == ']' ? l + 1 : 0;
}

/* Bytes of the leading level words ("ERROR: ", "[Error] ", "WARNING: NOTE: ") of s..end. */
static size_t level_prefix(const char *s, const char *end)
{
    size_t done = 0;

    for (;;) {
        const char *p = s + done;
        int bracket = p < end && *p == '[';
        size_t n = 0;
        p += bracket;
        for (const char *const *w = level_words; *w; w++) {
            size_t l = strlen(*w);
            if ((size_t)(end - p) > l && !strncmp(p, *w, l) && p[l] == (bracket ? ']' : ':')) {
                n = l + 1;
                break;
            }
        }
        if (!n && bracket)
            n = module_tag(p, end);
        if (!n || p + n >= end || (p[n] != ' ' && p[n] != '\t'))
            return done;
        p += n;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        done = (size_t)(p - s);
    }
}

/*
 * The tokens of a format's line, read once and walked by every pass of la_printf_pattern()
 * (a format is short: they fit on the stack unless it is very long).
 */
#define TOK_STACK 256

struct toks {
    struct tok *t;
    size_t n;
    struct tok stack[TOK_STACK];
};

/* The tokens of s..end into v (released with toks_release()).  -1 when out of memory. */
static int tokenize(const char *s, const char *end, struct toks *v)
{
    size_t most = (size_t)(end - s);

    v->n = 0;
    v->t = most <= TOK_STACK ? v->stack : la_malloc(most * sizeof(*v->t));
    if (!v->t)
        return -1;
    for (const char *p = s; p < end; p += v->t[v->n++].len)
        token(p, end, &v->t[v->n]);
    return 0;
}

static void toks_release(struct toks *v)
{
    if (v->t != v->stack)
        la_free(v->t);
}

/* Emptyable: a conversion an unanchored pattern needs not at either end. */
static int emptyable(const struct tok *t)
{
    return t->conv == CV_STR || t->conv == CV_EMPTY;
}

/* Append one byte: in place while the buffer has room (core/buf.h's invariants), else grown. */
static enum la_rc put(struct la_buf *b, char c)
{
    if (b->len + 1 < b->alloc) {
        b->buf[b->len++] = c;
        b->buf[b->len] = '\0';
        return LA_OK;
    }
    return la_buf_addc(b, c);
}

/* The printed byte of a literal token (the '%' of "%%"). */
static char lit_of(const struct tok *t)
{
    return t->len == 2 ? '%' : t->lit;
}

/* A regex metacharacter, escaped in the literal text of a pattern. */
static int is_meta(char c)
{
    switch (c) {
    case '\\': case '^': case '$': case '.': case '|': case '?': case '*': case '+':
    case '(': case ')': case '[': case ']': case '{': case '}':
        return 1;
    }
    return 0;
}

static enum la_rc add_escaped(struct la_buf *b, char c)
{
    if (is_meta(c) && put(b, '\\') != LA_OK)
        return LA_FATAL;
    return put(b, c);
}

/* The longest run of literal tokens of v, as printed, into atom (first when tied). */
static enum la_rc longest_run(const struct toks *v, struct la_buf *atom)
{
    size_t run = 0, best = 0, best_len = 0;
    enum la_rc rc = LA_OK;

    for (size_t i = 0; i < v->n; i++) {
        if (v->t[i].conv != CV_NONE)
            run = i + 1;
        else if (i + 1 - run > best_len) {
            best = run;
            best_len = i + 1 - run;
        }
    }
    la_buf_reset(atom);
    for (size_t i = best; i < best + best_len && rc == LA_OK; i++)
        rc = put(atom, lit_of(&v->t[i]));
    return rc;
}

/* One token as regex text: an escaped literal, or its conversion's sub-pattern. */
static enum la_rc add_token_re(struct la_buf *b, const struct tok *t)
{
    enum la_rc rc;

    if (t->conv == CV_NONE)
        return add_escaped(b, lit_of(t));
    /* A width pads numbers and characters with spaces: before them, or after with '-'. */
    int pad = t->width && t->conv != CV_STR && t->conv != CV_EMPTY;
    rc = pad && !t->left ? la_buf_adds(b, " *") : LA_OK;
    if (rc == LA_OK)
        rc = la_buf_adds(b, conv_re[t->conv]);
    if (rc == LA_OK && pad && t->left)
        rc = la_buf_adds(b, " *");
    return rc;
}

/* An exception class name: letters, digits, '_' and '.'. */
static int class_name(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.')
            return 0;
    return 1;
}

/*
 * Token i of v as regex text (add_token_re), the printed code's conversion (o->code_conv,
 * counted from 1 over the line's conversions) as the named group o->code_name, with "_hex"
 * after the name for a hex conversion (analyze reads its digits in base 16).  *nconv counts
 * the conversions written so far.
 */
static enum la_rc add_tok(const struct la_printf_pat *o, struct la_buf *b, const struct tok *t,
                          unsigned *nconv)
{
    enum la_rc rc;

    if (t->conv == CV_NONE || ++*nconv != o->code_conv || !o->code_name)
        return add_token_re(b, t);
    rc = la_buf_addf(b, "(?<%s%s>", o->code_name, t->conv == CV_HEX ? "_hex" : "");
    if (rc == LA_OK)
        rc = add_token_re(b, t);
    return rc == LA_OK ? put(b, ')') : rc;
}

/* The regex of all tokens of v, anchored to the whole message. */
static enum la_rc anchored_re(const struct toks *v, const char *exception,
                              const struct la_printf_pat *o, struct la_buf *re)
{
    unsigned nconv = 0;
    enum la_rc rc = la_buf_adds(re, "^[ \\t]*");

    if (rc == LA_OK)
        rc = add_level_re(re);

    if (rc == LA_OK && class_name(exception)) {
        rc = la_buf_adds(re, "(?:(?:[A-Za-z_][A-Za-z0-9_]*\\.)*");
        for (const char *p = exception; *p && rc == LA_OK; p++)
            rc = add_escaped(re, *p);
        if (rc == LA_OK)
            rc = la_buf_adds(re, ": )?");
    }
    for (size_t i = 0; i < v->n && rc == LA_OK; i++)
        rc = add_tok(o, re, &v->t[i], &nconv);
    return rc == LA_OK ? la_buf_adds(re, "[ \\t]*$") : rc;
}

/*
 * Whether v is "<failure words> <verb> %s" and nothing else ("Unable to get %s", "Could not
 * stitch %s"): the words say only that a verb failed, and the %s is its object, one name
 * (idevicerestore prints a key, a command or a component there).  Found anywhere, "Unable
 * to get " would read every other tool's "Unable to get SEP digest from manifest".
 */
static int verb_and_object(const struct toks *v)
{
    static const char *const words[] = { "unable to ", "failed to ", "could not ", "cannot ",
                                         "can't ", NULL };
    char lit[64];
    size_t n = 0, w;

    if (v->n < 2 || v->t[v->n - 1].conv != CV_STR || v->n - 1 >= sizeof(lit))
        return 0;
    for (size_t i = 0; i + 1 < v->n; i++) {
        if (v->t[i].conv != CV_NONE)
            return 0;
        lit[n++] = (char)tolower((unsigned char)lit_of(&v->t[i]));
    }
    lit[n] = '\0';
    for (w = 0; words[w] && strncmp(lit, words[w], strlen(words[w])); w++)
        ;
    if (!words[w])
        return 0;
    size_t i = strlen(words[w]);
    while (i < n && isalpha((unsigned char)lit[i]))
        i++;
    return i > strlen(words[w]) && i + 1 == n && lit[i] == ' ';
}

/*
 * The pattern of the tokens of v, unanchored: the conversions that may print nothing at
 * either end dropped; a literal when only literal text is left, unless the message opens
 * with a lower-case letter (la_printf_add_message_start()), or is a failed verb
 * and its object (verb_and_object(): the object one word that ends the message).
 */
static enum la_rc unanchored(const struct toks *v, struct la_printf_pat *out)
{
    size_t from = v->n, to = 0;
    enum la_rc rc = LA_OK;
    unsigned nconv = 0;
    int convs = 0, lower_start, object = verb_and_object(v);

    for (size_t i = 0; i < v->n; i++) {
        if (emptyable(&v->t[i]))
            continue;
        if (from == v->n)
            from = i;
        to = i + 1;
    }
    for (size_t i = from; i < to; i++)
        convs |= v->t[i].conv != CV_NONE;
    lower_start = from == 0 && from < to && v->t[0].conv == CV_NONE &&
                  islower((unsigned char)lit_of(&v->t[0]));
    out->literal = !convs && !lower_start && !object;
    if (lower_start)
        rc = la_printf_add_message_start(&out->src);
    for (size_t i = 0; i < from; i++)
        nconv += v->t[i].conv != CV_NONE;
    for (size_t i = from; i < to && rc == LA_OK; i++)
        rc = out->literal ? put(&out->src, lit_of(&v->t[i]))
                          : add_tok(out, &out->src, &v->t[i], &nconv);
    if (rc == LA_OK && object)
        rc = la_buf_adds(&out->src, "[^\\s.!]+[.!]?[ \\t]*$");
    return rc;
}

/* The length of an atom without the blanks at its ends ("%s failure" is short). */
static size_t text_len(const struct la_buf *atom)
{
    size_t a = 0, b = atom->len;

    while (a < b && (atom->buf[a] == ' ' || atom->buf[a] == '\t'))
        a++;
    while (b > a && (atom->buf[b - 1] == ' ' || atom->buf[b - 1] == '\t'))
        b--;
    return b - a;
}

int la_printf_pattern(const char *fmt, const char *exception, struct la_printf_pat *out)
{
    const char *end = line_end(fmt), *s = fmt + level_prefix(fmt, end);
    struct toks v;
    int rc = 0;

    /* Blanks at either end: a log line keeps no trailing ones, and a parsed message no
     * leading ones (an anchored pattern allows both). */
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        end--;

    la_buf_reset(&out->src);
    out->literal = out->anchored = 0;
    if (tokenize(s, end, &v) < 0)
        return -1;
    if (longest_run(&v, &out->atom) != LA_OK)
        rc = -1;
    else if (!out->atom.len)
        rc = 1;
    else if (!(out->anchored = text_len(&out->atom) < LA_PRINTF_MIN_LITERAL))
        rc = unanchored(&v, out) != LA_OK ? -1 : 0;
    else
        rc = anchored_re(&v, exception, out, &out->src) != LA_OK ? -1 : 0;
    toks_release(&v);
    return rc;
}

void la_printf_pat_release(struct la_printf_pat *p)
{
    la_buf_release(&p->src);
    la_buf_release(&p->atom);
}

/* Change one character of b[at, at + n) so that the run no longer reads the same. */
static void alter(struct la_buf *b, size_t at, size_t n)
{
    size_t mid = at + n / 2;

    for (size_t k = 0; k <= n / 2 + 1; k++) {
        for (int side = 0; side < 2; side++) {
            size_t i = side ? mid + k : mid - k;
            if (i < at || i >= at + n || (side && !k))
                continue;
            unsigned char c = (unsigned char)b->buf[i];
            if (isalpha(c)) {
                b->buf[i] = tolower(c) == 'q' ? 'z' : 'q';
                return;
            }
            if (isdigit(c)) {
                b->buf[i] = c == '0' ? '1' : '0';
                return;
            }
        }
    }
    b->buf[mid] = b->buf[mid] == 'q' ? 'z' : 'q';
}

int la_printf_sample(const char *fmt, struct la_buf *sample, struct la_buf *altered)
{
    const char *end = line_end(fmt), *s = fmt + level_prefix(fmt, end);
    size_t run_at = 0, best_at = 0, best_len = 0;
    enum la_rc rc = LA_OK;
    struct tok t;

    la_buf_reset(sample);
    la_buf_reset(altered);
    rc = la_buf_add(sample, fmt, (size_t)(s - fmt));
    run_at = sample->len;
    for (const char *p = s; p < end && rc == LA_OK; p += t.len) {
        token(p, end, &t);
        if (t.conv != CV_NONE) {
            rc = la_buf_adds(sample, conv_sample[t.conv]);
            run_at = sample->len;
            continue;
        }
        rc = put(sample, lit_of(&t));
        if (sample->len - run_at > best_len) {
            best_at = run_at;
            best_len = sample->len - run_at;
        }
    }
    if (rc == LA_OK)
        rc = la_buf_add(altered, sample->buf, sample->len);
    if (rc != LA_OK)
        return -1;
    if (best_len)
        alter(altered, best_at, best_len);
    return 0;
}

int la_printf_title(const char *fmt, struct la_buf *out)
{
    const char *end = line_end(fmt);
    enum la_rc rc = LA_OK;
    struct tok t;

    for (const char *p = fmt; p < end && rc == LA_OK; p += t.len) {
        token(p, end, &t);
        rc = t.conv == CV_NONE ? put(out, lit_of(&t))
             : t.conv == CV_EMPTY ? LA_OK : la_buf_adds(out, "\xe2\x80\xa6");
    }
    if (rc == LA_OK && *end)
        rc = la_buf_adds(out, " \xe2\x80\xa6");
    return rc == LA_OK ? 0 : -1;
}
