#ifndef LA_FORMATS_FORMATS_H
#define LA_FORMATS_FORMATS_H

/*
 * formats: recognise what a member is and turn its lines into records.
 *
 * Probing: every format bids a confidence 0–100 from the member name and
 * its head bytes; the highest wins, ties go to table order (libarchive's
 * bidding, dav1d's demuxer probes).  "binary" wins outright on binary
 * magic or NUL bytes, and names the reason; a sure header (.ips) wins
 * outright too; formats that share line shapes break near-ties by name and
 * content.  All a format's particulars are its row in the table
 * (formats.c; docs/internals/formats.md).
 *
 * Parsing: a struct la_parser takes the raw lines of one member, normalises
 * them (ANSI escapes, Markdown fences and "> " quoting, HTML entities,
 * progress bars, carriage returns from console captures) and splits each
 * into a struct la_record: timestamp, pid, level, component, message.  An
 * .ips panic's JSON-escaped panic string is expanded into one record per
 * line of it.  Time-only formats get their date from the file name or an
 * earlier line when one is known.  In a hard-wrapped paste the pieces of a
 * cut line are rejoined first (see la_parser_set_head()).
 */

#include <stdint.h>

#include "core/error.h"
#include "core/record.h"
#include "core/sv.h"

struct la_format;

/* Records (struct la_record, core/record.h) are views valid only during the callback. */
typedef enum la_rc la_record_fn(void *user, const struct la_record *r);

/* What a format is, beside its id (la_format_flags()). */
enum la_format_flag {
    LA_FORMAT_BINARY = 1u << 0,     /* not text: listed as skipped, never parsed */
    LA_FORMAT_FALLBACK = 1u << 1,   /* what a text member no format bid on is ("text") */
    LA_FORMAT_LONG_LINES = 1u << 2, /* keeps a JSON document on one line: larger line cap */
    LA_FORMAT_NO_UNWRAP = 1u << 3,  /* never a hard-wrapped paste: la_parser_set_head() skips */
    /* For the analysis (one place to name the formats of each kind): */
    LA_FORMAT_RESTORE_LOG = 1u << 4, /* a log of a restore, the host's or the device's */
    LA_FORMAT_HOST_LOG = 1u << 5,    /* the restoring computer's log (iTunes, a restore tool) */
    LA_FORMAT_DEVICE_LOG = 1u << 6,  /* the device's side: its restore log or a panic report */
    /* A restore tool's console output (idevicerestore, futurerestore, pymobiledevice3; a
     * paste no format bid on counts too): its own words, not a system's or Apple's restore
     * library's, whose logs are full of benign "Couldn't ..." and "missing ..." lines. */
    LA_FORMAT_TOOL_OUTPUT = 1u << 7,
};

/* Number of formats and their ids, in table order (for lint and inspect). */
unsigned la_format_count(void);
const struct la_format *la_format_at(unsigned i);
const char *la_format_id(const struct la_format *f);
const char *la_format_title(const struct la_format *f);
/* LA_FORMAT_* bits. */
unsigned la_format_flags(const struct la_format *f);
int la_format_is_binary(const struct la_format *f);
/* Larger line cap for formats that keep a JSON document on one line (.ips). */
int la_format_wants_long_lines(const struct la_format *f);
/* NULL when no format has this id. */
const struct la_format *la_format_find(const char *id);
/* The flags of the format with this id (a record's or a member's format); 0 when none. */
unsigned la_format_id_flags(const char *id);

/*
 * Pick the format of a member from its path (for sysdiagnose paths), name
 * and head bytes.  Never NULL.  For binary members *ret_reason names why
 * (static string); ret_conf gets the winning confidence.  Both may be NULL.
 */
const struct la_format *la_format_probe(const char *path, const char *name,
                                        const void *head, size_t len, int *ret_conf,
                                        const char **ret_reason);

struct la_parser;

/*
 * la_format_probe(), then a parser for the winner as la_parser_new(f, path) and
 * la_parser_set_head(p, head, len) make it, reusing what the probe found out about hard
 * wrapping instead of working it out a second time (a sysdiagnose has thousands of members).
 * *ret_parser is NULL for a binary format (nothing to parse) or on OOM; ownership passes to
 * the caller.  Returns the format as la_format_probe() does.
 */
const struct la_format *la_format_probe_parser(const char *path, const char *name,
                                               const void *head, size_t len, int *ret_conf,
                                               const char **ret_reason,
                                               struct la_parser **ret_parser);

/* A parser for one member; name/path give date hints.  NULL on OOM. */
struct la_parser *la_parser_new(const struct la_format *f, const char *path);
void la_parser_free(struct la_parser *p);

/*
 * Give the parser the member's head bytes (as peeked before reading) so it can tell whether
 * the member is a hard-wrapped paste: a log that went through a forum, an e-mail or a console
 * window and came back with its long lines cut at a fixed width.  In such a member the pieces
 * of a cut line are rejoined into one record (its line number is the first piece's); nothing
 * changes for other members.  Optional; call before the first line.
 */
void la_parser_set_head(struct la_parser *p, const void *head, size_t len);
/* The width the member is wrapped at, 0 when it is not; lines rejoined so far. */
unsigned la_parser_wrap_width(const struct la_parser *p);
uint64_t la_parser_rejoined(const struct la_parser *p);

/* 1 when the member is an .ips whose JSON does not parse: a bad header line, or a body whose
 * brackets or strings do not close (checked while streaming; call after the last line). */
int la_parser_bad_json(const struct la_parser *p);

/*
 * Parse one raw line (without its terminator) and call fn for 0..N records.
 * Returns LA_OK, or what fn returned when not LA_OK, or LA_FATAL on OOM.
 */
LA_NODISCARD enum la_rc la_parser_line(struct la_parser *p, struct la_sv line, uint64_t lineno,
                                       la_record_fn *fn, void *user);

/* After the last line: emit what is still held back (a record being rejoined). */
LA_NODISCARD enum la_rc la_parser_finish(struct la_parser *p, la_record_fn *fn, void *user);

/* Normalise one line into out (exported for tests); returns 0 when the line is to be dropped. */
struct la_buf;
int la_normalize_line(struct la_sv in, struct la_buf *out);

/* Format ms as ISO-8601 ("2026-03-14T10:22:41.123" or "10:22:41.123") into out. */
LA_NODISCARD enum la_rc la_format_time(struct la_buf *out, int64_t t, int has_date);

#endif
