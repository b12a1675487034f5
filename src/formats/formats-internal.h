#ifndef LA_FORMATS_FORMATS_INTERNAL_H
#define LA_FORMATS_FORMATS_INTERNAL_H

/*
 * Declarations shared by the files of formats/ only (docs/internals/formats.md).
 *
 *   formats.c    the format table (one row per format) and the public accessors
 *   shapes.c     line shapes: the record-prefix scanners
 *   time.c       timestamps: scanning, dates from member paths, ISO-8601 output
 *   normalize.c  one raw line → the text the shapes see; the head as text
 *   special.c    the bytes normalisation looks at, found a vector at a time (SSE2/NEON)
 *   unwrap.c     hard-wrapped pastes: detection from the head, rejoining cut lines
 *   probe.c      la_format_probe(): the rows bid on a member's head
 *   parse.c      struct la_parser: lines → records
 *   ips.c        .ips reports: header sniff, JSON check, panic-string expansion
 *
 * Data flow: head bytes → la_formats_head_text() → probe (normalise, unwrap, count shape
 * hits, ask the rows) → one row; then every line → la_normalize_line() → the row's parse
 * hook, unwrapping, la_formats_scan() with the row's shapes → struct la_record.
 */

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/encoding.h"
#include "core/error.h"
#include "formats/formats.h"

/* ------------------------------------------------------------------ shapes (shapes.c) */

/*
 * Line shapes: the record prefixes of the text formats, one scanner each.  The ids are in
 * the order the scanners are tried, and the first that accepts a line wins; a row names
 * the shapes its lines may have as a mask of LA_SHAPE() bits.  A new shape goes where it
 * must be tried (before any shape that would also accept its lines).
 */
enum la_shape_id {
    LA_SHAPE_ITUNES,       /* 2010-11-01 13:58:02.187 [152:9c]: msg */
    LA_SHAPE_ITUNES_NAMED, /* 2010-09-26 18:58:02.322 iTunes.exe[3644:128]: msg */
    LA_SHAPE_DEVICE,       /* [09:48:50.0450-GMT]{5>6} msg */
    LA_SHAPE_BRACKET,      /* [06:44:01.0282] msg */
    LA_SHAPE_PYMD,         /* 2024-12-29 16:01:58 host logger[pid] LEVEL msg */
    LA_SHAPE_UNIFIED,      /* 2025-04-06 18:31:25.237463+0000 asr[28:788] msg */
    LA_SHAPE_CONSOLE,      /* default<TAB>21:58:49.029597+0100<TAB>proc<TAB>msg */
    LA_SHAPE_IDR,          /* 10:42:31.336 <Verbose> msg */
    LA_SHAPE_FLASH,        /* 05:08:16.638:  msg */
    LA_SHAPE_SYSLOG,       /* Nov 25 13:45:49 host proc[pid]: msg */
    /* [06:44:01.0282] msg with four digits after the second: MobileDevice's own clock. A
     * BRACKET line too, so it never wins a scan; it is in no row's mask and only counted
     * for the iTunes / Finder bid (formats.c). */
    LA_SHAPE_AMR_CLOCK,
    LA_SHAPE_COUNT
};

#define LA_SHAPE(id) (1u << LA_SHAPE_##id)
#define LA_SHAPES_ALL ((1u << LA_SHAPE_COUNT) - 1)
/* What la_formats_scan() returns for a line in a wrapper's "[time][thread] : " prefix that
 * no shape of the mask accepts inside it: it opens a record, in no row's shape. */
#define LA_SHAPE_WRAPPED (1u << LA_SHAPE_COUNT)

/* What a line's prefix gave: offsets into the line; time -1 and pid -1 when absent. */
struct la_prefix {
    size_t msg;                    /* offset of the message */
    int64_t time;                  /* ms: since 1970 when has_date, else since midnight */
    int has_date;
    long pid;
    size_t comp, comp_len, lvl, lvl_len;
};

/*
 * Try the shapes in mask on line s, in id order: the bit of the first that accepts it, with
 * *r filled in; 0 when none does, with *r cleared but for msg, where the line's own words
 * start (after the gutter of an indented or box-drawn paste); LA_SHAPE_WRAPPED when none
 * does inside a wrapper's "[time][thread] : " prefix, with its time and thread in *r.
 */
unsigned la_formats_scan(unsigned mask, const char *s, size_t n, struct la_prefix *r);

static inline size_t la_formats_skip_sp(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

/* -------------------------------------------------------------------- time (time.c) */

/* "HH:MM:SS" + optional ".f…" at s[at]: end offset or 0; *ms since midnight. */
size_t la_formats_scan_hms(const char *s, size_t n, size_t at, int64_t *ms);
/* "YYYY-MM-DD HH:MM:SS[.f]" (or 'T') at s[0]: end offset or 0; *ms since 1970. */
size_t la_formats_scan_ymd(const char *s, size_t n, int64_t *ms);
/* The date a member path names (sysdiagnose_2023.05.24_…, …-2022-12-24-…): ms of its
 * midnight, or -1. */
int64_t la_formats_date_from_path(const char *path);

/* -------------------------------------------------------- normalisation (normalize.c) */

/*
 * The offset of the first byte in s[0..n) that normalisation must look at (NUL, ESC, CR, '&',
 * '[', and 0xc2, 0xe2, 0xef: lead bytes of la_normalize_typo()'s characters), or n
 * (special.c).  la_formats_find_special() is the variant chosen at compile time
 * (SSE2, NEON, or portable; -DLA_SIMD_PORTABLE forces the portable one), named by
 * la_formats_special_variant(); the variants this build can run are exported for the tests.
 */
#if defined(__SSE2__)
#define LA_HAVE_SSE2_SPECIAL 1
#else
#define LA_HAVE_SSE2_SPECIAL 0
#endif
#if (defined(__ARM_NEON) && defined(__aarch64__)) || defined(LA_SPECIAL_SIMDE)
#define LA_HAVE_NEON_SPECIAL 1
#else
#define LA_HAVE_NEON_SPECIAL 0
#endif
size_t la_formats_find_special(const char *s, size_t n);
size_t la_formats_find_special_portable(const char *s, size_t n);
#if LA_HAVE_SSE2_SPECIAL
size_t la_formats_find_special_sse2(const char *s, size_t n);
#endif
#if LA_HAVE_NEON_SPECIAL
size_t la_formats_find_special_neon(const char *s, size_t n);
#endif
const char *la_formats_special_variant(void);

/*
 * Normalise line in (formats.h, la_normalize_line()) without copying a line that needs no
 * change: 0 when the line is to be dropped, -1 on OOM, else 1 with *ret the normalised text:
 * a view into in when nothing but leading quoting or trailing blanks had to go (the common
 * case), else a view of scratch, which holds the normalised copy.  *ret is not
 * NUL-terminated and is valid while in and scratch are.
 */
int la_normalize_view(struct la_sv in, struct la_buf *scratch, struct la_sv *ret);

/*
 * The character the HTML entity at s[*i] (s[*i] == '&') stands for, advancing *i past it:
 * the named ones a paste carries (&gt; &lt; &amp; &quot; &apos; &nbsp;) and numeric
 * references to printable ASCII ("&#x27;", "&#34;"); else '&' itself, *i past it alone.
 */
char la_normalize_entity(const char *s, size_t n, size_t *i);

/*
 * The ASCII of the typographic character whose UTF-8 form starts at s[*i] (a lead byte 0xc2,
 * 0xe2 or 0xef): curly quotes, dashes and the minus sign, "…", no-break and zero-width
 * spaces, the ligatures ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ, full-width ASCII.  Writes it to out (at most 3
 * bytes, never more than the character's own), advances *i past the character and returns
 * its length (0 for a character that is dropped); -1, *i untouched, for any other.
 */
int la_normalize_typo(const char *s, size_t n, size_t *i, char *out);

/*
 * Past the Markdown / e-mail quote markers at s[i] ("> ", ">", ">> "; up to three blanks
 * before each): normalisation takes them off a line's start, the shapes after a gutter or a
 * wrapper's prefix (an indented or boxed paste of a quoted log).
 */
size_t la_formats_unquote(const char *s, size_t n, size_t i);

/* The head as text into out: UTF-8 without its BOM, or of UTF-16 the low bytes. */
void la_formats_head_text(const unsigned char *h, size_t len, enum la_encoding enc, size_t bom,
                          struct la_buf *out);

/* ------------------------------------------------------------ unwrapping (unwrap.c) */

#define WRAP_OPENERS 16
#define WRAP_WORD 48               /* longest first or last word kept */
#define WRAP_LEAD 4
#define WRAP_LEADS 4

/* What the head says about hard wrapping (la_formats_wrap_detect()). */
struct la_wrap {
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

/* A line being rejoined from the pieces of a cut line (the probe's and the parser's). */
struct la_rejoin {
    struct la_buf buf;             /* the pieces joined so far */
    unsigned pieces;
    size_t last;                   /* characters in the last piece */
};

/* Decide from the head's text (UTF-8) whether it is hard-wrapped; width 0 when not. */
struct la_wrap la_formats_wrap_detect(const char *h, size_t len);
/*
 * Walk the head's lines, normalised and, when w says the head is wrapped, rejoined.  Counts
 * the lines each shape accepts into shape_hits (LA_SHAPE_COUNT slots, may be NULL) and
 * returns the number of lines walked (at most max_lines); *ret_any (may be NULL) gets how
 * many opened a record at all.
 */
unsigned la_formats_wrap_sample(const char *h, size_t len, const struct la_wrap *w,
                                unsigned max_lines, unsigned *shape_hits, unsigned *ret_any);
/* Remember the first word of s as one that opens a line of its own. */
void la_formats_wrap_learn(struct la_wrap *w, const char *s, size_t n);
/*
 * Append line s to j when it is the rest of the line j holds: 1.  0 when it is not (the
 * caller finishes j and starts it over with s), -1 on OOM.  ret_short (may be NULL) is set
 * when s could not continue only because the last piece is short: s opens a line of its own.
 */
int la_formats_rejoin_add(struct la_rejoin *j, const struct la_wrap *w, const char *s, size_t n,
                          int *ret_short);
/* Start j over with line s: 0, or -1 on OOM. */
int la_formats_rejoin_start(struct la_rejoin *j, const char *s, size_t n);

/* ---------------------------------------------------------- the table (formats.c) */

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
    const unsigned *shape_hits;    /* LA_SHAPE_COUNT slots */
    /* Which byte pairs occur in text (bit a*256+b for "ab"), or NULL: a keyword with a pair
     * that does not occur is not there, and is not searched for (probe.c). */
    const uint64_t *pairs;
    int case_lost;                 /* text was lower-cased (la_formats_case_lost()): so are the
                                      keywords before they are looked for */
};

/*
 * Whether the head text's letters lost their case: a paste retyped from a photo or lower-cased
 * on its way ("found device in recovery mode").  At least 10 words (runs of 3+ ASCII letters
 * between non-alphanumerics: not numbers, not hex ids), under 5 % of them with a capital (a
 * log as written capitalises its sentences, level words, names and months: 7 % and more in
 * the tuning half's logs as posted, 18 % in the shipped samples).  A paste of one or two
 * lines is too short for a share: at least 3 such words, none with a capital ("error:
 * unable to discover device model").
 */
int la_formats_case_lost(const char *text, size_t len);

/*
 * One input format: a row of the table in formats.c.  Everything the probe and the parser
 * do differently for it is here: flags, the line shapes and keywords the default bid
 * counts, hints, and optional hooks (probe.c says in which order the probe asks them).
 */
struct la_format {
    const char *id;                /* stable: reports, rule scopes and --input-format use it */
    const char *title;             /* one line for `loganalyze formats` */
    unsigned flags;                /* LA_FORMAT_* (formats.h) */
    unsigned shapes;               /* LA_SHAPE() bits: the prefixes its records open with */
    const char *const *keywords;   /* content words the default bid counts; NULL: none */
    /* When no row bids: a member whose path has one of these, or else whose name ends so. */
    const char *const *path_hints;
    const char *name_suffix;
    /* A sure sign in the head (a magic header): its confidence, which wins outright; or 0. */
    int (*sniff)(const struct la_probe *pr, const struct la_format *self);
    /* The row's bid instead of la_formats_bid(): 0-99, more for a sure thing. */
    int (*bid)(const struct la_probe *pr, const struct la_format *self);
    /* Asked once the bids are in: 1 when self should have the win instead of winner. */
    int (*tiebreak)(const struct la_probe *pr, const struct la_format *self,
                    const struct la_format *winner);
    /*
     * Sees each normalised line (p->line) before the generic parser; sets *ret_done when it
     * has emitted the line's records itself.  Returns LA_OK or what emitting returned.
     */
    enum la_rc (*parse)(struct la_parser *p, uint64_t lineno, la_record_fn *fn, void *user,
                        int *ret_done);
};

/* The first row with flag: the table has one row flagged BINARY and one FALLBACK. */
const struct la_format *la_formats_with_flag(unsigned flag);

/* ------------------------------------------------------------------- probe (probe.c) */

/* Whether kw occurs in s[0..n). */
int la_formats_has_kw(const char *s, size_t n, const char *kw);
/* Whether kw occurs in the probed head. */
int la_formats_probe_has(const struct la_probe *pr, const char *kw);
/*
 * The default bid of row f: the share of sampled lines its shapes accept (up to 60) plus
 * 6 per keyword seen (up to 30); a row without shapes bids 0 below 12.
 */
int la_formats_bid(const struct la_probe *pr, const struct la_format *f);

/* ------------------------------------------------------------------- parser (parse.c) */

/* Whether an .ips member is JSON (ips.c). */
struct la_ips_state {
    int header;                    /* 0 not seen yet, 1 a JSON object, 2 not JSON */
    long depth;                    /* body: open braces and brackets outside strings */
    int in_string, escape, body_bad;
};

struct la_parser {
    const struct la_format *f;
    struct la_buf head;            /* the last line with the format's prefix (a group's head) */
    struct la_ips_state ips;       /* the .ips rows' parse hook */
    struct la_buf norm;            /* a line normalisation had to change, normalised */
    struct la_sv line;             /* the line being parsed, normalised: in norm or the input */
    struct la_buf expand;          /* a record a parse hook builds (a panic-string line) */
    int64_t date;                  /* ms of midnight of the known date, or -1 */
    int64_t last_time;
    int last_has_date;
    int64_t prev_tod;
    /* A hard-wrapped paste (la_parser_set_head): the record being rejoined is held back. */
    struct la_wrap wrap;
    struct la_rejoin pend;
    uint64_t pend_line;            /* line of the first piece */
    uint64_t rejoined;
    int case_lost;                 /* the head's letters lost their case: every record says so */
};

/* Parse line s with the parser's shapes and call fn with its record. */
LA_NODISCARD enum la_rc la_formats_emit(struct la_parser *p, const char *s, size_t n,
                                        uint64_t lineno, la_record_fn *fn, void *user);

/* ----------------------------------------------------------------------- .ips (ips.c) */

int la_formats_ips_sniff_panic(const struct la_probe *pr, const struct la_format *self);
int la_formats_ips_sniff_crash(const struct la_probe *pr, const struct la_format *self);
LA_NODISCARD enum la_rc la_formats_ips_line(struct la_parser *p, uint64_t lineno,
                                            la_record_fn *fn, void *user, int *ret_done);

#endif
