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
 *   la_matcher_scan(m, &fields, fn, user);  (per record)
 *   la_matcher_free(m); la_ruleset_free(rs);
 *
 * Also here: the knowledge data (causes.yaml, codes.yaml, stages.yaml),
 * loaded by the same YAML code with the same positioned diagnostics.
 */

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/sv.h"

struct la_ruleset;
struct la_matcher;

enum la_rule_kind { LA_KIND_EVIDENCE, LA_KIND_FACT, LA_KIND_ATTEMPT, LA_KIND_RESULT,
                    LA_KIND_STAGE };
enum la_level { LA_LEVEL_INFO, LA_LEVEL_LOW, LA_LEVEL_MEDIUM, LA_LEVEL_HIGH,
                LA_LEVEL_CRITICAL };

/* What the analysis needs to know of a rule.  Owned by the ruleset. */
struct la_rule_meta {
    const char *id, *title, *description, *file;
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
    int scope_input;
    const char *const *set_keys, *const *set_values;   /* NULL-terminated pairs */
    const char *const *samples, *const *nots;
};

struct la_capture {
    const char *name;
    struct la_sv value;
};

/* The fields of one record a rule can test. */
struct la_fields {
    const char *format;            /* format id */
    struct la_sv text, message, component, level;
    struct la_sv context;          /* the group's opening line (see struct la_record) */
};

LA_NODISCARD struct la_ruleset *la_ruleset_new(const struct la_limits *lim);
void la_ruleset_free(struct la_ruleset *rs);

/*
 * Known cause and format ids for validation (NULL-terminated arrays the
 * caller keeps alive until compile).  Without them any id is accepted.
 */
void la_ruleset_set_vocabulary(struct la_ruleset *rs, const char *const *causes,
                               const char *const *formats);

/* Parse and validate one YAML rule file.  LA_OK, LA_FAILED (diagnostics given), LA_FATAL. */
LA_NODISCARD enum la_rc la_ruleset_add_file(struct la_ruleset *rs, const char *path,
                                            struct la_diag_sink *sink);
/* Same from memory; name is used in diagnostics. */
LA_NODISCARD enum la_rc la_ruleset_add_buffer(struct la_ruleset *rs, const char *name,
                                              const char *data, size_t len,
                                              struct la_diag_sink *sink);
/* Resolve references, compile patterns, build the prefilter.  After it the set is immutable. */
LA_NODISCARD enum la_rc la_ruleset_compile(struct la_ruleset *rs, struct la_diag_sink *sink);

size_t la_ruleset_count(const struct la_ruleset *rs);
const struct la_rule_meta *la_ruleset_rule(const struct la_ruleset *rs, size_t i);
/* Index of the rule with this id, or -1. */
long la_ruleset_find(const struct la_ruleset *rs, const char *id);
/* Hex SHA-256 over the loaded rule file contents in load order. */
const char *la_ruleset_sha256(const struct la_ruleset *rs);
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
 * with a warning naming the rule.
 */
LA_NODISCARD enum la_rc la_matcher_scan(struct la_matcher *m, const struct la_fields *f,
                                        la_rule_hit_fn *fn, void *user,
                                        struct la_diag_sink *sink);

/*
 * Hint words the scan reports for free, whatever the rules: where the last occurrence of
 * each (any case) starts in the text of the record scanned last, +1; 0 when it does not occur.
 */
enum la_hint { LA_HINT_ERROR, LA_HINT_FAIL, LA_HINT_PANIC, LA_HINTS };
size_t la_matcher_hint_at(const struct la_matcher *m, enum la_hint h);

/* Per-rule cost for --profile: candidate checks, matches, nanoseconds. */
void la_matcher_profile(const struct la_matcher *m, size_t rule, uint64_t *ret_checks,
                        uint64_t *ret_hits, uint64_t *ret_ns);
void la_matcher_enable_profile(struct la_matcher *m, int on);

/* -------- knowledge data: causes.yaml, codes.yaml, stages.yaml -------- */

struct la_step {
    const char *id, *text, *why, *if_still_fails;
    const char *const *lowers;     /* NULL-terminated cause ids */
};

struct la_cause {
    const char *id, *title, *summary, *next_test;
    double prior;
    int hardware;
    const char *const *remediation;    /* NULL-terminated ladder step ids */
};

struct la_prior {
    const char *cause;
    double p;
};

struct la_meaning {
    const char *space, *text, *source;
    int confirmed;
};

struct la_code {
    long code;
    const char *const *names, *const *aliases;
    const char *family, *stage, *collides;
    const struct la_meaning *meanings;
    size_t n_meanings;
    const struct la_prior *priors;
    size_t n_priors;
    const char *const *collect;
};

struct la_family {
    const char *id, *title, *space, *source;
    const long *ranges;            /* pairs lo, hi */
    size_t n_ranges;
    const struct la_prior *priors;
    size_t n_priors;
};

struct la_kb;

/* Load the three data files from dir (any may be missing: LA_FAILED with a diagnostic). */
LA_NODISCARD enum la_rc la_kb_load(struct la_kb **ret_kb, const char *dir,
                                   struct la_diag_sink *sink);
/* The name of the data file whose presence marks a folder of data files (causes.yaml). */
const char *la_kb_marker(void);
void la_kb_free(struct la_kb *kb);
size_t la_kb_n_causes(const struct la_kb *kb);
const struct la_cause *la_kb_cause_at(const struct la_kb *kb, size_t i);
const struct la_cause *la_kb_cause(const struct la_kb *kb, const char *id);
size_t la_kb_n_steps(const struct la_kb *kb);
const struct la_step *la_kb_step_at(const struct la_kb *kb, size_t i);
const struct la_step *la_kb_step(const struct la_kb *kb, const char *id);
size_t la_kb_n_codes(const struct la_kb *kb);
const struct la_code *la_kb_code_at(const struct la_kb *kb, size_t i);
const struct la_code *la_kb_code(const struct la_kb *kb, long code);
/* A code by one of its names or aliases (case-insensitive), or NULL. */
const struct la_code *la_kb_code_by_name(const struct la_kb *kb, const char *name);
const struct la_family *la_kb_family_of(const struct la_kb *kb, long code);
const struct la_family *la_kb_family(const struct la_kb *kb, const char *id);
/* Stage name for an operation number / checkpoint id ("0x1303"), or NULL. */
const char *la_kb_stage_of_op(const struct la_kb *kb, long op);
const char *la_kb_stage_of_checkpoint(const struct la_kb *kb, const char *id, size_t len);
/* NULL-terminated cause ids, for la_ruleset_set_vocabulary(). */
const char *const *la_kb_cause_ids(const struct la_kb *kb);

#endif
