#ifndef LA_ANALYZE_ANALYZE_INTERNAL_H
#define LA_ANALYZE_ANALYZE_INTERNAL_H

/*
 * Declarations shared by the files of analyze/ only; analyze.h is the API.
 *
 *   engine.c    the engine: data folder, rules, knowledge data, options
 *   redact.c    identifier redaction: keyed tokens, redacted JSON strings
 *   pipeline.c  one run per input: members → lines → records → rule hits
 *   unified.c   a .tracev3 member: unified log entries → records
 *   attempts.c  restore attempts: what a hit's values mean, stages, codes, joining
 *   score.c     match filters, cause scores, attempt outcomes, the verdict
 *   document.c  an input's report object and the batch document
 *   summary.c   the batch summary as a fold that merges (la_summary_*, analyze.h)
 *
 * A run (struct run) is one call of la_engine_analyze() or la_engine_inspect()
 * and owns everything it points to except the engine, which threads share and
 * which a run only reads (apart from the profile totals, under e->lock).  An
 * attempt owns its matches, stages, facts and member list; a match's stage
 * points into its attempt's stage names (the list, or the retired ones).
 */

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "analyze/analyze.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/limits.h"
#include "core/sv.h"
#include "ingest/ingest.h"
#include "rules/kb.h"
#include "rules/rules.h"
#include "tracev3/tracev3.h"

struct la_format;
struct la_matcher;
struct la_member;
struct la_record;
struct redactor;

/* ------------------------------------------------------------ the engine */

struct la_engine {
    struct la_engine_opts o;
    struct la_ruleset *rs;
    const char **format_ids;          /* the ruleset's format vocabulary (owned) */
    struct la_kb *kb;
    char *data_dir;
    const struct la_format *forced;   /* --input-format, or NULL */
    struct redactor *rd;
    pthread_mutex_t lock;             /* guards the profile totals */
    unsigned char *referenced;        /* per rule: named by some rule's after/unless */
    uint64_t *prof_checks, *prof_hits, *prof_ns;
};

/* Whether the ladder step id is in --tried. */
int la_engine_tried(const struct la_engine *e, const char *step);

/* ------------------------------------------------------------ a run's state */

/* A rule hit kept for scoring: evidence, and hits of rules named by after/unless. */
struct match {
    size_t rule;
    int64_t time;
    int has_date;
    unsigned member;
    uint64_t line;
    char *text;                       /* the line (capped), or NULL past the text budget */
    const char *stage;                /* pooled in the attempt's stage list */
    int folded;                       /* matched only with letter case ignored (the
                                         matcher's folded pass: a retyped line) */
};

enum fact { FACT_MODEL, FACT_IOS, FACT_BUILD, FACT_HOST, FACT_HOSTOS, FACT_ECID, FACT_UDID,
            FACT_SERIAL, FACT_N };

/*
 * An error code of an attempt: as a line printed it (with its numbering space, kb.h), or a
 * restore error number a rule maps it to (set: code; "from" is the code printed on the same
 * line, TSS 94 for 3194).
 */
struct code {
    long code, from_code;
    unsigned char space, from_space;  /* la_space_at() indices */
    unsigned char printed;            /* 1: printed on a line; 0: implied by a rule */
    unsigned char has_from;
};

/* One restore attempt: a tool run, or the lines of a member without one (implicit). */
struct attempt {
    int explicit_start;
    unsigned start_member;            /* where the attempt rule that started it hit */
    uint64_t start_line;
    int64_t start, end;
    int has_date;
    long result;
    int has_result;
    unsigned char result_space, result_printed;   /* the result's numbering space */
    int outcome;                      /* the tool's word: -1 unknown, 0 succeeded, 1 failed */
    const char *judged;               /* set by la_verdict_decide(): "failed", "evidence" … */
    const char *stage;                /* last stage reached: stages[stage_ix] */
    char *fail_stage;                 /* first stage reported failing, if any (owned) */
    char *stages[LA_MAX_STAGES];
    unsigned char stage_kept[LA_MAX_STAGES];   /* a match points at stages[i] */
    int64_t stage_time[LA_MAX_STAGES];         /* when stages[i] was first reached, or -1 */
    unsigned char stage_dated[LA_MAX_STAGES];  /* stage_time[i] has a date */
    unsigned stage_seq[LA_MAX_STAGES];         /* when stages[i] was last reached: a count */
    unsigned seq;                              /* stages reached so far, counting revisits */
    int64_t now;                      /* the time of the line being applied (-1: none) */
    int now_dated;
    unsigned nstages, stage_ix;
    char **retired;                   /* dropped stages that matches still point at (owned) */
    size_t nretired, capretired;
    struct code codes[LA_MAX_CODES];  /* distinct (space, code), in the order seen */
    unsigned ncodes;
    struct code line_code;            /* the spaced code the current hit printed, if any */
    int has_line_code;
    char *facts[FACT_N];
    struct match *m;
    size_t nm, capm;
    unsigned *members;                /* member indices that contributed */
    size_t nmembers, capmembers;
    uint16_t *per_rule;               /* matches kept per rule (LA_MAX_MATCHES_PER_RULE) */
    size_t *ix_start, *ix;            /* matches grouped by rule (built for scoring) */
    int merged;                       /* joined into another attempt */
    /* The line that ended the run (score.c): the attempt's last line read, and the last line
     * that said something failed — a failure rule, a producer's error message, or an error
     * line no rule explains — with its text (owned) and the rule that hit it (-1: none). */
    unsigned last_member, fail_member;
    uint64_t last_line, fail_line;
    char *fail_text;
    long fail_rule;
    /* A stage was reached after the failure line (a line that set a stage and said nothing
     * failed): the run went on past that error, so it did not end on it (score.c). */
    int went_on;
    uint64_t now_line;                /* the line of the hit being applied */
    int tool_run;                     /* a restore tool's own message was seen (vocabulary) */
    int restore_talk;                 /* pasted text named a firmware restore (talk) */
    int fallback_ok;                  /* fallback rules may read the failure line (score.c) */
    /* What the run is, as the first rule that said so (set: {context: ID}) has it: a macOS
     * virtual machine install rules out the USB link and the device's hardware (score.c).
     * NULL: no context; ctx_rule -1 until on_hit knows the rule. */
    const struct la_context *context;
    unsigned ctx_member;
    uint64_t ctx_line;
    long ctx_rule;
};

/* Where and when a line was: what the windows of count, after and unless compare. */
struct la_spot {
    int64_t time;                     /* -1: the line had no clock */
    int has_date;
    unsigned member;
    uint64_t line;
};

/*
 * Whether spots a and b are within a rule's window: by their clock when both have one of the
 * same kind (within; 0: any distance), else in the same member at most `lines` apart (0: the
 * default LA_UNTIMED_LINES).
 */
static inline int la_spot_near(struct la_spot a, struct la_spot b, int64_t within, unsigned lines)
{
    if (a.time >= 0 && b.time >= 0 && a.has_date == b.has_date)
        return !within || llabs(a.time - b.time) <= within;
    return a.member == b.member && (a.line > b.line ? a.line - b.line : b.line - a.line) <=
                                       (lines ? lines : LA_UNTIMED_LINES);
}

/* The last hit of a rule in this input, for `unless` at hit time. */
struct lasthit {
    int seen;
    int64_t time;
    int has_date;
    unsigned member;
    uint64_t line;
    size_t attempt;                   /* index in run.att at the time */
};

struct member_info {
    char *path;
    const char *format;
    uint64_t bytes, lines;
    char *status;
    /* For the split into cases (cases.c): the device identities rules captured in this
     * member ("ecid:1a2b…", normalised; raw values stay in memory, a report shows their
     * tokens), and whether it tells a restore story (an attempt, result or stage line). */
    char *ids[LA_MAX_IDS_PER_MEMBER];
    unsigned char nids, story;
};

/* Unexplained error lines grouped under a template with numbers masked. */
struct tmpl {
    char *key, *text, *source;
    uint64_t hash;                    /* of key (pipeline.c, template_hash()) */
    uint64_t line;
    unsigned long count;
};

struct run {
    struct la_engine *e;
    struct la_matcher *m;             /* this run's own matcher (threads share the engine) */
    struct la_block_hits *bh;         /* the prefilter's hits of the block read last, or NULL:
                                         LOGANALYZE_BLOCKSCAN=0 (pipeline.c) */
    struct la_block_scan scan;        /* the same scan run ahead by ingest's threads */
    uint64_t total;                   /* input size when known, for progress */
    unsigned long lines_since;
    const char *input;
    struct la_diag_sink *outer;
    struct la_diag_sink sink;         /* copies each diagnostic into warnings */
    json_t *warnings;
    struct member_info *members;
    size_t nmembers, capmembers;
    size_t unlisted;                  /* skipped members past LA_MAX_MEMBERS_LISTED, counted */
    struct attempt **att;
    size_t natt, capatt;
    struct attempt *cur;              /* current attempt of the current member */
    unsigned cur_member;
    unsigned cur_flags;               /* LA_FORMAT_* of the current member's format */
    /* What tracev3/ found in each .tracev3 member, by member index, in member order (beside
     * the members, not in them: a report may list 100 000 members, few of them tracev3). */
    struct tv3_member { size_t member; struct la_tv3_stats st; } *tv3m;
    size_t ntv3m, captv3m;
    struct la_tv3_strings *tv3_strings; /* the unified log strings of tv3_archive */
    char *tv3_archive;                /* the archive file they were gathered from (unified.c) */
    const char *cur_path;
    const struct la_record *rec;
    int rec_hit;                      /* a rule explained the record */
    int rec_weak;                     /* only rules that say little of it did (meta.weak) */
    int folding;                      /* hits come from the matcher's case-folded pass */
    /* inspect: list members (probe and count lines, match nothing); each goes here, then is
     * dropped.  NULL for an analysis. */
    la_member_fn *inspect_fn;
    void *inspect_user;
    enum la_rc inspect_rc;
    la_stop_fn *stop;                 /* the caller's budget (la_engine_analyze_until), or NULL */
    void *stop_user;
    size_t nmatches, text_bytes;      /* kept per input, against the caps */
    int matches_capped, attempts_capped;
    struct lasthit *last;             /* per rule: the last hit in this input */
    struct tmpl *tm;
    size_t ntm, captm;
    size_t *tm_slot, tm_nslots;       /* hash index of tm: 1 + index, 0 empty; load <= 1/2 */
    struct la_buf tm_key;             /* the template being looked up (reused) */
    unsigned long tm_dropped;
    int no_progress;                  /* the second reading of a split input (cases.c) */
    int fatal;
};

/* ------------------------------------------------------------ pipeline.c */

/* Set up a run of input on e (its own matcher); outer gets copies of diagnostics (or NULL). */
LA_NODISCARD enum la_rc la_run_init(struct run *r, struct la_engine *e, const char *input,
                                    struct la_diag_sink *outer);
void la_run_release(struct run *r);
/* Ingest's callbacks for a run (user = the run): read a member, list a skipped one. */
enum la_rc la_run_member(void *user, struct la_member *lm);
void la_run_skipped(void *user, const char *path, uint64_t bytes, const char *status);
/* The end of an input: join the attempts, decide the verdict, write the report (NULL: OOM). */
json_t *la_run_report(struct run *r);

/* ------------------------------------------------------------ cases.c */

/* A hit captured value v as name: note a device identity (ecid, udid, serial) of the member. */
LA_NODISCARD enum la_rc la_case_note_id(struct run *r, const char *name, struct la_sv v);

/* ------------------------------------------------------------ redact.c */

/* Compile the identifier patterns; the key is hashed from key, or random when NULL. */
LA_NODISCARD enum la_rc la_redact_new(struct redactor **ret, const char *key,
                                      struct la_diag_sink *sink);
void la_redact_free(struct redactor *rd);
/* Append the keyed token of identifier s ("ecid-1a2b3c4d") to out, unless *rc is set. */
void la_redact_token(const struct redactor *rd, const char *kind, const char *s, size_t len,
                     struct la_buf *out, enum la_rc *rc);
/*
 * A JSON string of untrusted text, valid UTF-8 (each bad byte U+FFFD) and redacted when the
 * engine redacts; NULL on OOM.  The one way log text, paths and member names enter the
 * document.
 */
json_t *la_redact_json(struct la_engine *e, const char *s, size_t len);
/*
 * Bytes of a log line kept as evidence or example text: at most LA_MAX_EVIDENCE_TEXT, cut
 * between characters and, when the cap falls inside a word, before that word, so no
 * identifier is kept in part (redaction only recognises whole values).
 */
size_t la_evidence_cut(const char *s, size_t len);

/* ------------------------------------------------------------ attempts.c */

struct attempt *la_attempt_new(struct run *r, int explicit_start);
void la_attempt_free(struct attempt *a);
/* The current member's attempt, created when there is none (NULL on OOM). */
struct attempt *la_attempt_current(struct run *r);
/* An attempt rule fired: start a new attempt unless the current one is still empty. */
LA_NODISCARD enum la_rc la_attempt_start(struct run *r);
/* Widen the attempt's time span to the record's. */
void la_attempt_touch(struct attempt *a, const struct la_record *rec);
/* Apply one captured (implied = 0) or set: (implied = 1) value of a hit; see attempts.c. */
LA_NODISCARD enum la_rc la_attempt_apply_value(const struct la_engine *e, struct attempt *a,
                                               enum la_rule_kind kind, const char *name,
                                               struct la_sv v, int implied);
/* A rule hit begins: its set: values map from the codes its own line printed only. */
void la_attempt_begin_hit(struct attempt *a);
/* Whether the attempt's result or one of its codes is restore error number n (TSS 94: 3194). */
int la_attempt_has_number(const struct attempt *a, long n);
/* The current stage, for a match kept now (it stays valid while the attempt lives). */
const char *la_attempt_stage_for_match(struct attempt *a);
/* A stage rule whose line carries a code: the current stage is where it failed. */
LA_NODISCARD enum la_rc la_attempt_mark_failing(struct attempt *a);
/* The record being read (r->rec) is attempt a's latest failure line (rule: the hit's, or -1). */
LA_NODISCARD enum la_rc la_attempt_note_failure(struct run *r, struct attempt *a, long rule);
/* Same device, as far as the ECIDs tell (unknown on either side counts as the same). */
int la_attempt_same_device(const struct attempt *a, const struct attempt *b);
/* Join implicit attempts to explicit ones (sets r->fatal on OOM). */
void la_attempts_join(struct run *r);

/* ------------------------------------------------------------ score.c */

struct cause_score {
    const struct la_cause *c;
    double prior, score, conf;
    int nfor, nagainst;
    double *wfor, *wag;               /* weights of the rules that fired, for and against */
    size_t *ev, *ag;                  /* match indices shown, for and against */
    size_t nev, nag;
    int tried_penalty;
};

/* What an input's report says, decided before anything is written. */
struct verdict {
    struct attempt *primary;          /* the attempt the verdict is about, or NULL */
    const char *outcome;              /* "failed", "inconclusive", "succeeded" or
                                       * "no-restore-found" */
    const char *stage;                /* where the primary attempt failed or stopped, or NULL */
    struct cause_score *causes;       /* the primary attempt's causes, most likely first */
    int ncauses;
    json_t *notes;                    /* ranking notes: strings saying why scores moved */
    const char *level;                /* how sure the top cause is: "confident", "likely",
                                       * "unclear"; NULL when nothing failed */
    long decider;                     /* the primary's match that ended the run and decided
                                       * the cause, or -1 */
    int ended_on_error;               /* the primary's last lines say it failed */
    int ambiguous;                    /* the top cause rests only on a tool's link messages:
                                       * listed first, named in no verdict (level unclear) */
    json_t *reasons;                  /* [{kind, text}]: what moved the ranking, in words */
    int retried;                      /* succeeded when tried again: the failed attempts
                                       * before it, else 0 */
};

/* Whether format (an id) is a restore log written on the computer by a restore tool. */
int la_is_host_log(const char *format);
/*
 * Decide the verdict of a run whose attempts are joined: each attempt's outcome
 * (a->judged), the primary attempt, and its scored causes when it failed.  On
 * success the caller releases *ret with la_verdict_release(); LA_FATAL on OOM.
 */
LA_NODISCARD enum la_rc la_verdict_decide(struct run *r, struct verdict *ret);
void la_verdict_release(struct verdict *v);

/* ------------------------------------------------------------ pipeline.c, unified.c */

/* A record of the current member through the matcher (pipeline.c). */
LA_NODISCARD enum la_rc la_run_record(void *run, const struct la_record *rec);
struct la_member;
/* Whether a member is a .tracev3 file (its name and header chunk). */
int la_is_tracev3(const char *name, const void *head, size_t len);
/* The tracev3 stats of member i, or NULL when it is no .tracev3 (unified.c). */
const struct la_tv3_stats *la_tv3_member_stats(const struct run *r, size_t i);
/* Read a .tracev3 member: every entry a record of format unified-log (unified.c). */
LA_NODISCARD enum la_rc la_read_tracev3(struct run *r, struct la_member *lm,
                                        struct member_info *mi);

/* ------------------------------------------------------------ document.c */

/* A member as listed in a report and by inspect: {"path","format","bytes","lines","status"}. */
json_t *la_doc_member(struct run *r, const struct member_info *m);
/* The report object of the run, as decided in v; NULL on OOM. */
json_t *la_doc_report(struct run *r, const struct verdict *v);

#endif
