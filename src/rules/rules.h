#ifndef LA_RULES_RULES_H
#define LA_RULES_RULES_H

/*
 * rules: the YAML rule language (rules/README.md), compiled into an
 * immutable struct la_ruleset, and a per-input struct la_matcher that scans
 * records against it.
 *
 * Lifecycle (YARA's compiler → rules → scanner):
 *   rs = la_ruleset_new(&limits);
 *   la_ruleset_add_file(rs, "rules/usb-link.yaml", sink);   (repeat)
 *   la_ruleset_compile(rs, sink);        → immutable, PCRE2 JIT-compiled
 *   m = la_matcher_new(rs);               (one per thread or input)
 *   la_matcher_scan(m, &record, fn, user, sink);  (per record)
 *   la_matcher_free(m); la_ruleset_free(rs);
 *
 * The knowledge data (causes.yaml, codes.yaml, stages.yaml) has its own
 * header, rules/kb.h.
 */

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/record.h"
#include "core/sv.h"

struct la_ruleset;
struct la_matcher;

enum la_rule_kind { LA_KIND_EVIDENCE, LA_KIND_FACT, LA_KIND_ATTEMPT, LA_KIND_RESULT,
                    LA_KIND_STAGE };
enum la_level { LA_LEVEL_INFO, LA_LEVEL_LOW, LA_LEVEL_MEDIUM, LA_LEVEL_HIGH,
                LA_LEVEL_CRITICAL };
/* A level's name ("info" ... "critical", rules/level.c), NULL past the last; its level, or -1. */
const char *la_level_name(enum la_level level);
int la_level_parse(const char *name);
/* Every level name in enum la_level order, NULL-terminated. */
const char *const *la_level_names(void);

/* What the analysis needs to know of a rule.  Owned by the ruleset. */
struct la_rule_meta {
    const char *id, *title, *description, *file;
    const char *advice;            /* the first thing to do when this line decides, or NULL */
    unsigned line;
    enum la_rule_kind kind;
    const char *cause;             /* NULL for non-evidence kinds */
    int against;
    double weight;
    enum la_level level;
    int outcome;                   /* result rules: -1 none, 0 succeeded, 1 failed */
    const char *const *applies_model;   /* NULL-terminated globs, or NULL */
    const char *applies_ios, *applies_host;
    const char *const *when_stage;      /* NULL-terminated, or NULL */
    const long *when_code;
    size_t n_when_code;
    unsigned count_min;            /* 0 = no count */
    int64_t count_within;          /* ms; 0 = whole scope */
    int after_rule, unless_rule;   /* rule index, -1 none */
    int64_t after_within, unless_within;
    /* 'after' / 'unless' between lines without a clock: the window in lines of the same
     * member (the key 'lines'; 0: the default, LA_UNTIMED_LINES). */
    unsigned after_lines, unless_lines;
    int scope_input;
    const char *const *set_keys, *const *set_values;   /* NULL-terminated pairs */
    const char *const *samples, *const *nots;
    /*
     * A rule made from an entry of a producer's vocabulary pack (rules/vocab/README.md):
     * the producer ("idevicerestore"), the side the message names ("host-tool", "link" ...;
     * NULL for an ignored entry) and where the source prints it ("src/asr.c:75").  All NULL
     * for an ordinary rule.
     */
    const char *vocab_producer, *vocab_side, *vocab_at;
    /* What the message means, in words for a person (the entry's 'reason': "the filesystem
     * transfer (ASR) to the device broke"): the first vocab_meaning_len bytes of description,
     * which goes on with where the source prints it; 0 for an ordinary rule, whose title
     * says it. */
    size_t vocab_meaning_len;
    /* An ignored entry: this error-level line names no cause (kind fact: it is not a
     * failure; kind result, outcome failed: it only says the run failed). */
    int benign;
    /* A vocabulary message its producer prints below warning level and that weighs < 1
     * ("user specified to use latest signed baseband (WARNING, ...)"): evidence, but not a
     * line the run failed on. */
    int hint;
    /*
     * A vocabulary entry that says little of its line: a hint (above) its producer prints
     * at debug level, or an entry ignored as a fragment of a longer message ("failed" after
     * "Getting ApNonce ... ") or as a library's debug-level line.  It explains its line, but
     * an error-looking line that only such entries explain ("[-] Failed to enter pwned DFU
     * mode", "FAILED") may still be the line the run failed on (analyze/pipeline.c,
     * on_record()).
     */
    int weak;
    /*
     * 'fallback: true': evidence read from the wording of a failing line that no rule knows
     * ("This FutureRestore cannot be used with ..."): it counts only on the line that ended
     * the run and only when no other evidence explains that failure (analyze/score.c); it
     * never makes a line a failure, a run a restore, or a line explained.
     */
    int fallback;
};

/* The window of after/unless/count between lines without a clock, unless a rule says 'lines'. */
#define LA_UNTIMED_LINES 2u

struct la_capture {
    const char *name;
    struct la_sv value;
};

LA_NODISCARD struct la_ruleset *la_ruleset_new(const struct la_limits *lim);
void la_ruleset_free(struct la_ruleset *rs);

/*
 * Known cause and format ids for validation (NULL-terminated arrays the
 * caller keeps alive until compile).  Without them any id is accepted.
 */
void la_ruleset_set_vocabulary(struct la_ruleset *rs, const char *const *causes,
                               const char *const *formats);

/*
 * Known context ids (causes.yaml's contexts:, NULL-terminated, kept alive by the caller):
 * a rule's `set: {context: ID}` must name one.  Without them any id is accepted.
 */
void la_ruleset_set_contexts(struct la_ruleset *rs, const char *const *contexts);

/*
 * Parse and validate one YAML rule file: a rule file ('rules:') or a producer's vocabulary
 * pack ('producer:', 'messages:', rules/vocab/README.md; each entry becomes a rule), told
 * apart by its top-level keys.  LA_OK, LA_FAILED (diagnostics given), LA_FATAL.
 */
LA_NODISCARD enum la_rc la_ruleset_add_file(struct la_ruleset *rs, const char *path,
                                            struct la_diag_sink *sink);
/* Same from memory; name is used in diagnostics. */
LA_NODISCARD enum la_rc la_ruleset_add_buffer(struct la_ruleset *rs, const char *name,
                                              const char *data, size_t len,
                                              struct la_diag_sink *sink);
/*
 * Add the producers' vocabulary packs: every .yaml file of data_dir/vocab, in name order.
 * A data folder without vocab/ adds nothing.  LA_OK, LA_FAILED (diagnostics given),
 * LA_FATAL.
 */
LA_NODISCARD enum la_rc la_ruleset_add_vocab_dir(struct la_ruleset *rs, const char *data_dir,
                                                 struct la_diag_sink *sink);
/* Resolve references, compile patterns, build the prefilter.  After it the set is immutable. */
LA_NODISCARD enum la_rc la_ruleset_compile(struct la_ruleset *rs, struct la_diag_sink *sink);

size_t la_ruleset_count(const struct la_ruleset *rs);
const struct la_rule_meta *la_ruleset_rule(const struct la_ruleset *rs, size_t i);
/* Index of the rule with this id, or -1. */
long la_ruleset_find(const struct la_ruleset *rs, const char *id);
/* Hex SHA-256 over the loaded rule file contents in load order. */
const char *la_ruleset_sha256(const struct la_ruleset *rs);
/*
 * The prefilter backend a compiled ruleset uses, "portable" or "vectorscan" (chosen by
 * LOGANALYZE_MATCHER, else the best one built in); NULL before compiling.
 */
const char *la_ruleset_matcher(const struct la_ruleset *rs);
/* Number of compiled patterns and how many have no prefilter literal. */
void la_ruleset_pattern_stats(const struct la_ruleset *rs, size_t *ret_patterns,
                              size_t *ret_unfiltered);
/* Write every regex (and literal as an escaped regex), one per line, for `rules export`. */
struct la_buf;
LA_NODISCARD enum la_rc la_ruleset_export_patterns(const struct la_ruleset *rs,
                                                   struct la_buf *out);

/* A rule fired on a record: index, and the named captures of its regexes. */
typedef enum la_rc la_rule_hit_fn(void *user, size_t rule, const struct la_capture *caps,
                                  size_t ncaps);

LA_NODISCARD struct la_matcher *la_matcher_new(const struct la_ruleset *rs);
void la_matcher_free(struct la_matcher *m);
/* Re-enable rules disabled by the match limit (call between inputs). */
void la_matcher_reset(struct la_matcher *m);

/*
 * Test one record against every rule scoped to its format.  Calls fn per
 * rule that matches (in rule order).  A pattern that hits the PCRE2 match or
 * depth limit disables its rule for this matcher until la_matcher_reset(),
 * with a warning naming the rule.  Of the record it reads format, text,
 * message, component, level and context; the views need only stay valid
 * for the call.
 */
LA_NODISCARD enum la_rc la_matcher_scan(struct la_matcher *m, const struct la_record *rec,
                                        la_rule_hit_fn *fn, void *user,
                                        struct la_diag_sink *sink);

/*
 * The case-folded pass, for a line retyped or re-cased on its way to the log ("error: unable
 * to send ibec", "Error: Unable To Connect To Restored", an all-caps line): right after
 * la_matcher_scan() of rec, test the same candidates again with letter case ignored in every
 * regex and in a vocabulary pack's literals (a rule file's literal is caseless already, or
 * written 'cased: true' on purpose and kept so), and call fn for each rule that matches now
 * and did not fire in that scan.  It does nothing on another record, a second time, or a
 * record that may not say it failed (no hint word in its text, no error/fault level: the
 * fallback gate) unless the record's member lost its case (rec->case_lost: any of its lines
 * may be retyped), so its cost is bounded by the caller's choice of lines; the analysis calls
 * it on an error-looking line that no rule explained, and in a member that lost its case on
 * every line.  LA_OK, LA_FATAL (out of memory;
 * a match-limit hit disables the rule as in la_matcher_scan()).
 */
LA_NODISCARD enum la_rc la_matcher_scan_folded(struct la_matcher *m, const struct la_record *rec,
                                               la_rule_hit_fn *fn, void *user,
                                               struct la_diag_sink *sink);
/* How many folded passes ran and how many rules they reported, since the matcher was made. */
void la_matcher_fold_stats(const struct la_matcher *m, uint64_t *ret_passes, uint64_t *ret_hits);

/*
 * Hint words the scan reports for free, whatever the rules: where the last occurrence of
 * each (any case) starts in the text of the record scanned last, +1; 0 when it does not occur.
 * The first LA_HINTS_ANYWHERE ("error", "fail", "panic(") say a line failed in any log; the
 * others in a restore tool's own output (analyze's looks_like_error()).  _CURLY: with a
 * typographic apostrophe (U+2019), as pastes through a word processor have it.
 */
enum la_hint { LA_HINT_ERROR, LA_HINT_FAIL, LA_HINT_PANIC, LA_HINT_UNABLE, LA_HINT_COULD_NOT,
               LA_HINT_CANNOT, LA_HINT_FATAL, LA_HINT_CANT, LA_HINT_CANT_CURLY, LA_HINT_COULDNT,
               LA_HINT_COULDNT_CURLY, LA_HINT_INVALID, LA_HINT_UNSUPPORTED,
               LA_HINT_NOT_SUPPORTED, LA_HINT_UNEXPECTED, LA_HINT_MISSING, LA_HINT_OUT_OF_MEMORY,
               LA_HINT_DID_NOT, LA_HINT_TIMED_OUT, LA_HINT_DENIED, LA_HINT_REFUSED,
               LA_HINT_DOES_NOT_MATCH, LA_HINT_DOESNT_MATCH, LA_HINT_MISMATCH, LA_HINT_REFUSING,
               LA_HINT_NOT_VALID, LA_HINT_NOT_LOADED, LA_HINT_INCORRECT, LA_HINT_NOT_FOUND,
               LA_HINT_NOT_EXIST, LA_HINT_UNKNOWN, LA_HINT_UNRECOGNISED, LA_HINT_EXCEPTION,
               LA_HINT_WRONG, LA_HINT_NO_SUCH, LA_HINT_NO_DEVICE, LA_HINT_NOT_DETECTED,
               LA_HINT_TOO_MANY, LA_HINT_NOT_RECOGNISED, LA_HINT_OVERFLOW, LA_HINT_CORRUPT,
               LA_HINT_BROKEN, LA_HINT_INTERRUPTED, LA_HINT_TERMINATED,
               LA_HINT_REQUIRES, LA_HINT_REQUIRED, LA_HINT_NOT_INITIALIZED, LA_HINT_NOT_ALLOWED,
               LA_HINT_EXPECTING, LA_HINT_NOT_SET, LA_HINT_NOT_COMPATIBLE,
               LA_HINTS };
#define LA_HINTS_ANYWHERE (LA_HINT_PANIC + 1)
size_t la_matcher_hint_at(const struct la_matcher *m, enum la_hint h);

/*
 * Block hits: the prefilter run once over a block of many lines instead of once per line
 * (docs/internals/rules.md, "Block hits").  la_block_hits_scan() records every atom in
 * buf[0..len) with where it ends; a matcher given the object (la_matcher_use_hits) takes a
 * record's candidates from those hits when the record's text lies wholly inside that
 * block (its address), and scans the text itself otherwise: the same atoms either way, so
 * the findings are the same.  An object serves one thread at a time (its scratch space);
 * it may be filled on one thread and read by matchers on another once handed over with a
 * lock.  The block must stay unchanged, and alive, while a matcher uses its hits.
 */
struct la_block_hits;
/* Hits an object has room for by default: 64 KiB of them, one per 8 bytes of a 64 KiB
 * block (the shipped rules find about one per 560 bytes of the system-log mix, one per 60
 * of a restore log). */
#define LA_BLOCK_HITS_MAX 8192u
/* Room for max_hits hits (0: the default, LA_BLOCK_HITS_MAX); NULL when out of memory. */
LA_NODISCARD struct la_block_hits *la_block_hits_new(const struct la_ruleset *rs,
                                                     size_t max_hits);
void la_block_hits_free(struct la_block_hits *h);
/*
 * Scan buf[0..len).  LA_OK, also when the block holds more hits than the object has room
 * for: the object then serves no record (each is scanned on its own).  LA_FATAL on a
 * backend error.
 */
LA_NODISCARD enum la_rc la_block_hits_scan(struct la_block_hits *h, const void *buf,
                                           size_t len);
/* Whether the last scan's hits are usable (not over the cap), and how many there are. */
int la_block_hits_usable(const struct la_block_hits *h);
size_t la_block_hits_count(const struct la_block_hits *h);
/* The hits the matcher takes records' candidates from, or NULL: none (the default). */
void la_matcher_use_hits(struct la_matcher *m, const struct la_block_hits *h);
/* Records whose candidates came from block hits since the matcher was made. */
uint64_t la_matcher_hits_served(const struct la_matcher *m);

/* Per-rule cost for --profile: candidate checks, matches, nanoseconds. */
void la_matcher_profile(const struct la_matcher *m, size_t rule, uint64_t *ret_checks,
                        uint64_t *ret_hits, uint64_t *ret_ns);
void la_matcher_enable_profile(struct la_matcher *m, int on);
/*
 * For the analysis: test a fallback rule (la_rule_meta.fallback) only on a record that may say
 * it failed (a hint word in its text, or an error/fault level), the only records on which the
 * analysis lets it count (the line that ended a run).  Off by default, so that `rules test`
 * checks a fallback rule's samples as they are.
 */
void la_matcher_gate_fallback(struct la_matcher *m, int on);

#endif
