#ifndef LA_RULES_KB_H
#define LA_RULES_KB_H

/*
 * kb: the knowledge data beside the rule packs: causes.yaml (causes, the remediation ladder
 * and the contexts that rule causes out), codes.yaml (error-code catalogue and families) and
 * stages.yaml (restore operation numbers and checkpoint ids → stage names, and the stage
 * groups with their names for a person).
 * One source for `explain`, the diagnosis priors and the remediation text.
 *
 * Lifecycle:
 *   la_kb_load(&kb, dir, sink);     (all three files, positioned diagnostics)
 *   la_kb_cause(kb, "usb-link"); la_kb_code(kb, 4013); …   (read-only lookups)
 *   la_kb_free(kb);
 *
 * Every pointer a lookup returns is owned by the kb and lives until
 * la_kb_free(); lookups return NULL for "not found".
 *
 * Numbering spaces (core/codespace.h: struct la_space, a fixed table the same for every
 * kb).  Spaces on the restore error-number line share its numbers, and their catalogue
 * entries and families are the main ones.  The other spaces have entries and families of
 * their own (`space:` in codes.yaml), or none.
 */

#include <stddef.h>

#include "core/codespace.h"
#include "core/error.h"

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

/*
 * A context of a run (causes.yaml, contexts:): what the thing restored is, when a rule says
 * so (set: {context: ID}), the causes that context rules out (a macOS virtual machine
 * installed through Virtualization.framework has no USB link and no device hardware) and what
 * to collect next in it.
 */
struct la_context {
    const char *id, *title, *reason;
    const char *const *excludes;   /* NULL-terminated cause ids */
    const char *const *collect;    /* what to collect next in this context, or NULL */
};
/* Whether context x rules out cause id (x NULL: never). */
int la_context_excludes(const struct la_context *x, const char *cause);
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
    const char *space;             /* NULL: the error-number line; else a space's catalogue name */
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

/* A stage group of stages.yaml: a coarse part of the restore, in words for a person. */
struct la_stage_group {
    const char *id;                /* "baseband" */
    const char *label;             /* "Modem": a segment of the attempt timeline */
    const char *doing;             /* "updating the modem (baseband)"; NULL without group_names */
};

struct la_kb;

/*
 * Load the three data files from dir (any may be missing: LA_FAILED with a diagnostic).
 * On LA_OK *ret_kb owns the new kb (free with la_kb_free()); on failure *ret_kb is untouched.
 */
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
/* The entry of an error number (the line's own entries only), or NULL. */
const struct la_code *la_kb_code(const struct la_kb *kb, long code);
/* A code by one of its names or aliases (case-insensitive), or NULL. */
const struct la_code *la_kb_code_by_name(const struct la_kb *kb, const char *name);
/* The family whose ranges hold an error number (the line's own families only), or NULL. */
const struct la_family *la_kb_family_of(const struct la_kb *kb, long code);
const struct la_family *la_kb_family(const struct la_kb *kb, const char *id);
/*
 * Lookup by space: code's catalogue entry and family as read in space.  On the line, the
 * entry of its error number when one of the entry's meanings is in the space (the dialog
 * space takes any), and the family of the number whose space is the space's or "any";
 * elsewhere the entries and families filed under the space.  NULL when there is none:
 * TSS status 94 is the TSS entry 3194, never AMRestore 94.
 */
const struct la_code *la_kb_code_in(const struct la_kb *kb, size_t space, long code);
const struct la_family *la_kb_family_in(const struct la_kb *kb, size_t space, long code);
/* The entry of space whose names or aliases hold name[0..len) (case-sensitive), or NULL. */
const struct la_code *la_kb_code_named_in(const struct la_kb *kb, size_t space, const char *name,
                                          size_t len);
/* Stage name for an operation number / checkpoint id ("0x1303"), or NULL. */
const char *la_kb_stage_of_op(const struct la_kb *kb, long op);
const char *la_kb_stage_of_checkpoint(const struct la_kb *kb, const char *id, size_t len);
/* The group of a stage name (stage_groups, as written there), or NULL for one not listed. */
const struct la_stage_group *la_kb_stage_group(const struct la_kb *kb, const char *stage);
size_t la_kb_n_contexts(const struct la_kb *kb);
const struct la_context *la_kb_context_at(const struct la_kb *kb, size_t i);
/* The context of this id (s[0..len), exact), or NULL. */
const struct la_context *la_kb_context(const struct la_kb *kb, const char *s, size_t len);
/* NULL-terminated context ids, for la_ruleset_set_contexts(). */
const char *const *la_kb_context_ids(const struct la_kb *kb);
/* NULL-terminated cause ids, for la_ruleset_set_vocabulary(). */
const char *const *la_kb_cause_ids(const struct la_kb *kb);

#endif
