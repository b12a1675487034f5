/*
 * la_format_probe(): which format a member is, from its head bytes, path and name
 * (libarchive's bidding).
 *
 * The probe asks the rows of the table in four rounds, each in table order:
 *   1. a member that is not text (magic bytes, NULs, control characters, bad UTF-8) goes to
 *      the row flagged LA_FORMAT_BINARY, with the reason;
 *   2. sniff: the first row that finds a sure sign in the head wins outright (.ips headers);
 *   3. bid: the head's first PROBE_LINES lines are normalised and, in a hard-wrapped paste,
 *      rejoined; each row bids on them (its bid hook, or la_formats_bid(): shape hits and
 *      keywords); the highest bid above PROBE_FLOOR wins, a tie goes to the earlier row;
 *   4. tiebreak: each row's tiebreak hook may take the win from the winner (formats sharing
 *      shapes: iTunes / Finder, idevicerestore / futurerestore); when nothing bid, the path
 *      hints, then the name suffixes, else the row flagged LA_FORMAT_FALLBACK.
 *
 * Cost per member (a sysdiagnose has thousands): the rows' keyword questions are answered
 * from a bitmap of the head's byte pairs first (la_formats_probe_has()), and only a keyword
 * whose every pair occurs is searched for.
 *
 * Invariant: never NULL, and no row is named here: what is special about a format is in its
 * row (formats.c).
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "core/buf.h"
#include "core/encoding.h"
#include "formats/formats-internal.h"
#include "formats/formats.h"

#define PROBE_FLOOR 5              /* a bid must beat this to win over the fallback */
#define PROBE_LINES 40             /* head lines sampled */

int la_formats_has_kw(const char *s, size_t n, const char *kw)
{
    /* glibc's memmem skips ahead by a hash of byte pairs: the rows' keywords are asked about
     * a few dozen times per member, and a byte-wise search was most of the probe's cost. */
    return memmem(s, n, kw, strlen(kw)) != NULL;
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
    /* A .tracev3 with its header chunk never gets here: analyze/ reads it (tracev3/). */
    if (nl > 8 && !strcmp(name + nl - 8, ".tracev3"))
        return "binary (unified log .tracev3 without a tracev3 header chunk)";
    if (nl > 9 && !strcmp(name + nl - 9, ".timesync"))
        return "binary (unified log timesync data, read with the .tracev3 files beside it)";
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

/* The byte pairs of s[0..n) as a bitmap of 65536 bits (PAIR_WORDS words). */
#define PAIR_WORDS (65536 / 64)
static void byte_pairs(const char *s, size_t n, uint64_t *bits)
{
    const unsigned char *u = (const unsigned char *)s;

    memset(bits, 0, PAIR_WORDS * sizeof(*bits));
    for (size_t i = 1; i < n; i++) {
        unsigned x = (unsigned)u[i - 1] << 8 | u[i];
        bits[x >> 6] |= 1ull << (x & 63);
    }
}

/* formats-internal.h */
int la_formats_case_lost(const char *text, size_t len)
{
    size_t words = 0, capped = 0, lines = 0, i = 0;

    if (len > 16384)
        len = 16384;
    while (i < len) {
        size_t s = i, alpha = 0, caps = 0;
        lines += text[i] == '\n' && i + 1 < len;
        while (i < len && isalnum((unsigned char)text[i])) {
            alpha += isalpha((unsigned char)text[i]) != 0;
            caps += isupper((unsigned char)text[i]) != 0;
            i++;
        }
        if (i - s >= 3 && alpha == i - s) {           /* a word, not a number or a hex id */
            words++;
            capped += caps > 0;
        }
        if (i == s)
            i++;
    }
    if (lines < 2)                                    /* one or two lines: none capitalised */
        return words >= 3 && capped == 0;
    return words >= 10 && capped * 100 < words * 5;
}

/*
 * The rows ask about a few dozen keywords per member, and most are absent: the head's byte
 * pairs, gathered in one pass, rule out nearly all of them without a search.
 */
int la_formats_probe_has(const struct la_probe *pr, const char *kw)
{
    size_t l = strlen(kw);
    char low[128];

    if (l > pr->len)
        return 0;
    /* A head that lost its case was lower-cased whole (probe()): so is the keyword. */
    if (pr->case_lost && l < sizeof(low)) {
        for (size_t i = 0; i <= l; i++)
            low[i] = (char)tolower((unsigned char)kw[i]);
        kw = low;
    }
    for (size_t i = 1; pr->pairs && i < l; i++) {
        unsigned x = (unsigned)(unsigned char)kw[i - 1] << 8 | (unsigned char)kw[i];
        if (!(pr->pairs[x >> 6] >> (x & 63) & 1))
            return 0;
    }
    return memmem(pr->text, pr->len, kw, l) != NULL;
}

/*
 * The default bid of a row over the sampled lines: the share of lines its shapes accept,
 * plus its keywords seen.  Formats with line shapes win by shape; without a shape hit they
 * can still bid on content (idevicerestore's plain console output has no prefix).  Formats
 * without shapes need real evidence: a few keywords.
 */
int la_formats_bid(const struct la_probe *pr, const struct la_format *f)
{
    int score = 0;
    unsigned hits = 0, kws = 0;

    for (unsigned b = 0; b < LA_SHAPE_COUNT; b++)
        if (f->shapes & (1u << b))
            hits += pr->shape_hits[b];
    for (const char *const *k = f->keywords; k && *k; k++)
        kws += la_formats_probe_has(pr, *k);
    if (f->shapes && hits)
        score = (int)(60 * hits / (pr->nlines ? pr->nlines : 1));
    else if (f->shapes && kws < 2)
        return 0;
    score += (int)(kws > 5 ? 30 : kws * 6);
    if (score > 99)
        score = 99;
    return !f->shapes && score < 12 ? 0 : score;
}

/*
 * When no row bid: the member's place (a sysdiagnose folder), then its name (".ips") may
 * still say what it is.  NULL when neither does.
 */
static const struct la_format *by_hints(const struct la_probe *pr)
{
    unsigned n = la_format_count();
    const struct la_format *f;

    for (unsigned i = 0; i < n; i++)
        for (const char *const *h = (f = la_format_at(i))->path_hints; h && *h; h++)
            if (strstr(pr->path, *h))
                return f;
    for (unsigned i = 0; i < n; i++)
        if ((f = la_format_at(i))->name_suffix && ends_with(pr->name, f->name_suffix))
            return f;
    return NULL;
}

/* Round 2: the first row that finds a sure sign in the head, with its confidence. */
static const struct la_format *sniff(const struct la_probe *pr, int *ret_conf)
{
    for (unsigned i = 0; i < la_format_count(); i++) {
        const struct la_format *f = la_format_at(i);
        int s = f->sniff ? f->sniff(pr, f) : 0;
        if (s > 0) {
            *ret_conf = s;
            return f;
        }
    }
    return NULL;
}

/*
 * Rounds 3 and 4: the highest bid above PROBE_FLOOR wins (a tie goes to the earlier row),
 * then each row's tiebreak may take the win; when nothing bid, the hints, else the FALLBACK
 * row.  *ret_conf gets the highest bid.
 */
static const struct la_format *bid(const struct la_probe *pr, int *ret_conf)
{
    const struct la_format *best = la_formats_with_flag(LA_FORMAT_FALLBACK), *f;
    int best_score = PROBE_FLOOR;
    unsigned n = la_format_count();

    for (unsigned i = 0; i < n; i++) {
        f = la_format_at(i);
        int s = f->bid ? f->bid(pr, f) : la_formats_bid(pr, f);
        if (s > best_score) {
            best = f;
            best_score = s;
        }
    }
    for (unsigned i = 0; i < n; i++)
        if ((f = la_format_at(i))->tiebreak && f->tiebreak(pr, f, best))
            best = f;
    if ((best->flags & LA_FORMAT_FALLBACK) && (f = by_hints(pr)) != NULL)
        best = f;
    *ret_conf = best_score;
    return best;
}

/*
 * la_format_probe(); when the rows had to bid, *ret_wrap (may be NULL) gets what the head
 * says about hard wrapping and *ret_known is set, so that the parser need not work it out
 * again (la_format_probe_parser()).
 */
static const struct la_format *probe(const char *path, const char *name, const void *head,
                                     size_t len, int *ret_conf, const char **ret_reason,
                                     struct la_wrap *ret_wrap, int *ret_known, int *ret_case_lost)
{
    const unsigned char *h = head;
    const char *why;
    struct la_buf text = LA_BUF_INIT;
    unsigned shape_hits[LA_SHAPE_COUNT] = { 0 };
    size_t bom;
    enum la_encoding enc = la_detect_encoding(h, len, &bom);
    const struct la_format *best;
    int conf = 0;
    struct la_probe pr;
    struct la_wrap w;
    uint64_t pairs[PAIR_WORDS];

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
        return la_formats_with_flag(LA_FORMAT_BINARY);
    }
    la_formats_head_text(h, len, enc, bom, &text);
    pr = (struct la_probe){ path, name, text.buf, text.len, 0, shape_hits, NULL, 0 };
    best = sniff(&pr, &conf);
    if (!best) {
        /*
         * Sample lines after normalisation, and with cut lines rejoined, so that pasted,
         * quoted and hard-wrapped logs probe as what they are.
         */
        byte_pairs(text.buf, text.len, pairs);
        pr.pairs = pairs;
        w = la_formats_wrap_detect(text.buf, text.len);
        pr.nlines = la_formats_wrap_sample(text.buf, text.len, &w, PROBE_LINES, shape_hits,
                                           NULL);
        /* A paste that lost its case bids on its words with case ignored: all lower. */
        if ((pr.case_lost = la_formats_case_lost(text.buf, text.len)) != 0) {
            for (size_t i = 0; i < text.len; i++)
                text.buf[i] = (char)tolower((unsigned char)text.buf[i]);
            byte_pairs(text.buf, text.len, pairs);
        }
        best = bid(&pr, &conf);
        if (ret_wrap) {
            *ret_wrap = w;
            *ret_known = 1;
            *ret_case_lost = pr.case_lost;
        }
    }
    la_buf_release(&text);
    if (ret_conf)
        *ret_conf = conf;
    return best;
}

const struct la_format *la_format_probe(const char *path, const char *name, const void *head,
                                        size_t len, int *ret_conf, const char **ret_reason)
{
    return probe(path, name, head, len, ret_conf, ret_reason, NULL, NULL, NULL);
}

const struct la_format *la_format_probe_parser(const char *path, const char *name,
                                               const void *head, size_t len, int *ret_conf,
                                               const char **ret_reason,
                                               struct la_parser **ret_parser)
{
    struct la_wrap w;
    int known = 0, case_lost = 0;
    const struct la_format *f = probe(path, name, head, len, ret_conf, ret_reason, &w, &known,
                                      &case_lost);
    struct la_parser *p = la_format_is_binary(f) ? NULL : la_parser_new(f, path);

    /* What la_parser_set_head() would find: the probe's own result, for the same head text. */
    if (p && head && known) {
        if (!(f->flags & LA_FORMAT_NO_UNWRAP))
            p->wrap = w;
        p->case_lost = case_lost;
    } else if (p && head && !known) {
        la_parser_set_head(p, head, len);
    }
    *ret_parser = p;
    return f;
}
