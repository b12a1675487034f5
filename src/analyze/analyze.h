#ifndef LA_ANALYZE_ANALYZE_H
#define LA_ANALYZE_ANALYZE_H

/*
 * analyze: the pipeline.  source → members → lines → records → matcher →
 * restore attempts → scored causes → a report document (jansson, schema
 * loganalyze.report/1) that report/ renders.
 *
 * An engine holds what is shared by every input: the compiled ruleset, the
 * knowledge data, limits and options.  la_engine_analyze() reads one input
 * and returns its report object; la_engine_document() wraps report objects
 * into the full document with the batch summary.
 */

#include <jansson.h>

#include "core/error.h"
#include "core/limits.h"

struct la_engine;
struct la_ruleset;
struct la_kb;

/* How an input is cut into cases (la_engine_analyze_cases). */
enum la_cases {
    LA_CASES_AUTO,                 /* one case per device (identities, or folders that each
                                      hold a restore story) */
    LA_CASES_EACH,                 /* one case per top-level child of a folder or archive */
    LA_CASES_JOIN,                 /* the whole input is one case */
};

struct la_engine_opts {
    struct la_limits limits;
    const char *data_dir;          /* default rules, and data/ (causes/codes/stages); NULL = find */
    /* Where to look when neither data_dir nor $LOGANALYZE_DATADIR is set, before the
     * installed LA_DATADIR: the CLI's source tree for a build run from its build folder and
     * the data beside a moved installation.  NULL-terminated, or NULL. */
    const char *const *data_dir_search;
    const char *const *rule_paths; /* extra rule files or folders, NULL-terminated */
    int no_default_rules;
    const char *input_format;      /* force a format id, or NULL */
    int redact;                    /* replace identifiers by keyed tokens */
    const char *redact_key;        /* NULL = random per run */
    const char *const *tried;      /* ladder step ids already tried, NULL-terminated */
    int deterministic;             /* no wall-clock time in the document */
    int profile;                   /* per-rule cost in the engine (la_engine_profile) */
    enum la_cases cases;           /* la_engine_analyze_cases(): how inputs are split */
    /* Called now and then while an input is read (from the analysing thread). */
    void (*progress)(void *user, const char *input, uint64_t done, uint64_t total);
    void *progress_user;
};

/*
 * Build an engine.  The data folder is o->data_dir, else $LOGANALYZE_DATADIR (either one,
 * when set, must hold data/causes.yaml: no other is tried), else the first of
 * o->data_dir_search and the installed LA_DATADIR "/rules" that holds it.  Every --tried step
 * must be a step of the ladder.  LA_FAILED when rules or data are invalid, the data folder
 * is not found or a step is unknown (diagnostics given, one line with the nearest step).
 */
LA_NODISCARD enum la_rc la_engine_new(struct la_engine **ret, const struct la_engine_opts *o,
                                      struct la_diag_sink *sink);
void la_engine_free(struct la_engine *e);
const struct la_ruleset *la_engine_ruleset(const struct la_engine *e);
const struct la_kb *la_engine_kb(const struct la_engine *e);
const char *la_engine_data_dir(const struct la_engine *e);

/*
 * Analyse one input (path or "-").  Safe to call from several threads at
 * once on the same engine: each call has its own matcher and state.  *ret_report gets a new reference to a
 * report object even when the input could not be read (its warnings say
 * why); the return code is LA_FAILED in that case, LA_FATAL on OOM.
 */
LA_NODISCARD enum la_rc la_engine_analyze(struct la_engine *e, const char *path,
                                          json_t **ret_report, struct la_diag_sink *sink);

/*
 * la_engine_analyze() that the caller can stop.  stop is asked from the analysing thread
 * before each archive entry and after each block read (bytes: decompressed bytes read from
 * this input so far); a non-NULL answer stops the input cooperatively: what was read before
 * stays in the report, whose warning LA119 names the member and quotes the answer.  serve
 * uses it for its per-upload time and byte budgets; the library keeps no clock of its own.
 */
typedef const char *la_stop_fn(void *user, uint64_t bytes);
LA_NODISCARD enum la_rc la_engine_analyze_until(struct la_engine *e, const char *path,
                                                la_stop_fn *stop, void *stop_user,
                                                json_t **ret_report,
                                                struct la_diag_sink *sink);

/*
 * la_engine_analyze() that splits an input holding several devices into cases
 * (docs/internals/analyze.md, "Cases"): *ret_reports gets a new array of report objects, one
 * per case, each with a "case" object; a single case is the report la_engine_analyze() gives,
 * alone in the array.  The input is read once, and once more when it splits ("-" never
 * splits: it cannot be read twice).  Same return codes and thread safety.
 */
LA_NODISCARD enum la_rc la_engine_analyze_cases(struct la_engine *e, const char *path,
                                                json_t **ret_reports,
                                                struct la_diag_sink *sink);

/* Wrap reports (stolen) into the document with tool, ruleset and summary.  NULL on OOM. */
json_t *la_engine_document(struct la_engine *e, json_t *reports);

/*
 * The batch summary as a fold (summary.c): report objects and summary states of other
 * folds go in, in any order and grouping, and the same summary comes out.  The state is
 * bounded by the distinct keys it counts (LA_SUMMARY_MAX_KEYS), never by the reports.
 *
 * la_summary_new() returns NULL on OOM; la_summary_free() accepts NULL.
 * la_summary_add_report(): LA_OK, LA_FATAL on OOM or a report that is not an object.
 * la_summary_add_state(): LA_OK; LA_FAILED when st is not a valid state (nothing added);
 * LA_FATAL on OOM.  st is only read.
 * la_summary_json(): a new summary object (docs/report.md "summary"), NULL on OOM.
 * la_summary_state(): a new copy of the state (docs/report.md "summary_state"), NULL on OOM.
 */
struct la_summary;
struct la_summary *la_summary_new(void);
void la_summary_free(struct la_summary *s);
LA_NODISCARD enum la_rc la_summary_add_report(struct la_summary *s, const json_t *report);
LA_NODISCARD enum la_rc la_summary_add_state(struct la_summary *s, const json_t *st);
json_t *la_summary_json(const struct la_summary *s);
json_t *la_summary_state(const struct la_summary *s);

/*
 * The unified log's strings inside an archive (unified.c): read the input at path once for
 * its uuidtext (…/XX/YYYY…), dsc (…/dsc/UUID) and .timesync members and add them to store,
 * so a second pass can resolve the .tracev3 members' format strings.  Bounded by the
 * store's cap (members past it are left out, with a warning).  LA_OK, LA_FAILED when the
 * input cannot be read, LA_FATAL on OOM.  *ret_files gets how many files were added.
 */
struct la_tv3_strings;
LA_NODISCARD enum la_rc la_tv3_collect_strings(const char *path, const struct la_limits *lim,
                                               struct la_tv3_strings *store,
                                               unsigned long *ret_files,
                                               struct la_diag_sink *sink);

/*
 * `inspect`: fn gets each member of path as soon as it has been read, as a borrowed object
 * {"path","format","bytes","lines","status"}.  Nothing is kept once fn returns, so memory
 * stays flat however many members an input has.  Returns like la_engine_analyze(), or what
 * fn returned when that is not LA_OK.
 */
typedef enum la_rc la_member_fn(void *user, const json_t *member);
LA_NODISCARD enum la_rc la_engine_inspect(struct la_engine *e, const char *path,
                                          la_member_fn *fn, void *user,
                                          struct la_diag_sink *sink);

/* Per-rule profile rows {"rule","checks","matches","ms"}, or NULL. */
json_t *la_engine_profile(struct la_engine *e);

/* Highest level among the causes of a report doc: -1 none, else enum la_level. */
int la_report_max_level(const json_t *doc);

/*
 * Redact identifiers in s[0..len) into a new string (caller frees with la_free), made valid
 * UTF-8 first (core/encoding.h: each bad byte U+FFFD).  NULL when out of memory.
 */
char *la_engine_redact(struct la_engine *e, const char *s, size_t len);

#endif
