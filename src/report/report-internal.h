#ifndef LA_REPORT_REPORT_INTERNAL_H
#define LA_REPORT_REPORT_INTERNAL_H

/*
 * Declarations shared by the reporter's files only.
 *
 * Each format is one struct la_reporter in registry.c (dav1d's muxer table):
 * a name, a file extension and a render function.  A render function reads
 * the whole document and appends to out; registry.c restores out on
 * failure, so render functions may simply return the first bad code.
 *
 * The json helpers below read the document leniently: a missing key or a
 * value of the wrong type reads as "", 0, NULL or an empty array, so a
 * renderer never crashes on a document an older or newer analysis wrote.
 */

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/encoding.h"
#include "core/error.h"
#include "report/report.h"

#define LA_REPORT_SCHEMA "loganalyze.report/1"
#define LA_REPORT_DEFAULT_WIDTH 100u
#define LA_REPORT_MIN_WIDTH 40u
#define LA_REPORT_MD_MAX 1048576u       /* markdown: GitHub step summary limit */
#define LA_REPORT_SARIF_MAX_RESULTS 5000u
#define LA_REPORT_GITHUB_MAX_PER_TYPE 10u

typedef enum la_rc la_report_render_fn(const json_t *doc, const struct la_report_opts *opts,
                                       struct la_buf *out);

struct la_reporter {
    const char *name;
    const char *extension;
    la_report_render_fn *render;
};

la_report_render_fn la_report_text, la_report_json, la_report_ndjson, la_report_markdown,
    la_report_html, la_report_junit, la_report_sarif, la_report_github, la_report_brief,
    la_report_csv;

/* The stage a failed case ended at (brief and csv): the diagnosis', else its first
 * attempt's when it failed; "" otherwise. */
const char *la_report_case_stage(const json_t *report);

/* LA_TRY (core/error.h) returns a failed la_rc from the enclosing function. */

/* Lenient document accessors (see above). */
const char *la_report_str(const json_t *obj, const char *key);   /* never NULL */
/* A member path without its input's name ("x.zip!/logs/a.log" → "logs/a.log"), else source. */
const char *la_report_member(const char *source, const char *input);
int la_report_has_str(const json_t *obj, const char *key);       /* non-empty string */
long long la_report_int(const json_t *obj, const char *key);      /* 0 when absent */
int la_report_is_int(const json_t *obj, const char *key);
double la_report_real(const json_t *obj, const char *key);        /* ints accepted */
/* The attempts a report shows: none when no restore was found (a lone panic report's
 * evidence is a finding, not an attempt that failed), else its attempts array. */
const json_t *la_report_shown_attempts(const json_t *rep);
/* "note: " for a warnings[] entry of severity note, else "" (warnings need no label). */
const char *la_report_severity_label(const json_t *warning);
int la_report_bool(const json_t *obj, const char *key);
const json_t *la_report_arr(const json_t *obj, const char *key);  /* NULL when absent */
const json_t *la_report_obj(const json_t *obj, const char *key);  /* NULL when absent */
size_t la_report_len(const json_t *arr);                          /* 0 for NULL */
/* Element i of an array as a string ("" when not a string). */
const char *la_report_item_str(const json_t *arr, size_t i);

/* The verdict, or a fallback built from the outcome ("FAILED", ...). */
const char *la_report_verdict(const json_t *report);
/* The diagnosis' certainty in words ("unclear: the restore failed, but …"), or NULL. */
const char *la_report_certainty(const json_t *report);
/* Whether diagnosis.reasons holds a reason of this kind ("repeat", "tried", "ambiguous"). */
int la_report_has_reason(const json_t *report, const char *kind);
/* The line that decided the diagnosis ({rule, source, line, text, …}), or NULL. */
const json_t *la_report_deciding_line(const json_t *report);
/* Whether the report asks for more: nothing failed for sure, or the cause is unclear. */
int la_report_needs_help(const json_t *report);
/* "FAILED", "SUCCEEDED", "NO RESTORE FOUND", "INCONCLUSIVE" or "UNKNOWN". */
const char *la_report_outcome_label(const char *outcome);
/* Confidence in [0,1] as a whole percentage, rounded. */
int la_report_percent(double confidence);
/*
 * A report's error codes for a person, appended to out: "4013, TSS 94 (→ 3194), BBUpdater 50"
 * from codes[] (numbering spaces), else error_codes.  Plain text of letters, digits and
 * punctuation only (an unknown space id is cut to [A-Za-z0-9_-]), so any reporter can
 * escape it as it escapes text.
 */
LA_NODISCARD enum la_rc la_report_codes_line(const json_t *report, struct la_buf *out);
/* Whether a person reads the codes of the numbering space with this id in hex (kIOReturn,
 * MobileDevice). */
int la_report_space_hex(const char *space);
/*
 * Which case of a split input the report is ("2 of 3: device ecid-1a2b3c4d, split by
 * device; 1 member in no case"), appended to out; nothing when the report has no case.
 */
LA_NODISCARD enum la_rc la_report_case_line(const json_t *report, struct la_buf *out);

/* --- the result view in words (view.c): shared by text, html and markdown --- */

#define LA_REPORT_MAX_REASONS 3u        /* reasons shown under the verdict */
#define LA_REPORT_MINOR_PERCENT 5       /* causes under this share get one line */

/* "Failed while updating the modem (baseband)": the outcome and the stage in words. */
LA_NODISCARD enum la_rc la_report_headline(const json_t *report, struct la_buf *out);
/* The verdict's word on the cause, capitalised, with the certainty; nothing when none. */
LA_NODISCARD enum la_rc la_report_cause_line(const json_t *report, struct la_buf *out);
/* The small print under the headline: "error 4013, BBUpdater 3 · step update_baseband". */
LA_NODISCARD enum la_rc la_report_fine_print(const json_t *report, struct la_buf *out);

/* One reason that decided the diagnosis: words, and the log line it rests on (or NULL). */
struct la_report_reason {
    struct la_buf text;
    const json_t *line;           /* {source, line, time, text}, borrowed from the document */
};
/*
 * The reasons that decided the diagnosis, strongest first, into r[0..*ret_n) (r holds
 * LA_REPORT_MAX_REASONS; every r[i].text is initialised here, on failure too, and released
 * with la_report_reasons_release()): the deciding line, diagnosis.reasons, the evidence
 * count of the top cause, the runner-up.  None when nothing failed.
 */
LA_NODISCARD enum la_rc la_report_reasons(const json_t *report, struct la_report_reason *r,
                                          size_t *ret_n);
void la_report_reasons_release(struct la_report_reason *r);
/* Whether a cause is under LA_REPORT_MINOR_PERCENT: shown on one line, without advice. */
int la_report_minor_cause(const json_t *cause);
/* A time as a clock reading: "2026-03-14T10:19:02" and "10:19:02.123" give "10:19:02". */
LA_NODISCARD enum la_rc la_report_clock(const char *time, struct la_buf *out);

/* --- the attempt timeline (timeline.c) --- */

/* One phase of an attempt: a segment of its timeline. */
struct la_report_phase {
    const char *label;            /* "Modem" (a stage id in documents without phases) */
    const char *first, *last;     /* when its first / last stage was reached, or "" */
    const json_t *stages;         /* its stage ids, or NULL */
    int failed;                   /* the attempt failed in it */
    int ok_end;                   /* the last phase of an attempt that succeeded */
};
/* How many phases attempt has (attempts[].phases, else one per stage). */
size_t la_report_n_phases(const json_t *attempt);
/* Phase i (< la_report_n_phases()) of attempt; strings borrowed from the document. */
void la_report_phase_at(const json_t *attempt, size_t i, struct la_report_phase *ret);
/* "failed 4013": the attempt's outcome and result. */
LA_NODISCARD enum la_rc la_report_attempt_result(const json_t *attempt, struct la_buf *out);
/* "10:04:12–10:10:30 · iTunes 12.13.2.3 on Windows 10": when it ran and the host. */
LA_NODISCARD enum la_rc la_report_attempt_facts(const json_t *attempt, struct la_buf *out);
/* "from folder/iPhoneUpdater 3.log and 1 more": the attempt's logs (input left out). */
LA_NODISCARD enum la_rc la_report_attempt_source(const json_t *attempt, const char *input,
                                                 struct la_buf *out);
/* The line that said the attempt failed ({source, line, text}), for a failed or
 * inconclusive attempt only; NULL otherwise. */
const json_t *la_report_attempt_failure(const json_t *attempt);
/*
 * The report's attempts as an inline SVG (<svg class="timeline">), appended to out; id
 * makes its element ids unique in the page.  Nothing when the report has no attempts is the
 * caller's to decide: this always draws.
 */
LA_NODISCARD enum la_rc la_report_timeline_svg(const json_t *report, size_t id,
                                               struct la_buf *out);

/*
 * Terminal columns of s[0..len): 2 for wide characters (CJK, emoji), 0 for combining marks,
 * 1 for the others (an invalid byte is U+FFFD: one), whatever the locale (utf8proc).
 */
size_t la_report_cols(const char *s, size_t len);
/* Byte length of the longest prefix of s[0..len) that takes at most cols columns. */
size_t la_report_prefix(const char *s, size_t len, size_t cols);

/* 64-bit FNV-1a, continued from h (start with LA_FNV_OFFSET). */
#define LA_FNV_OFFSET 0xcbf29ce484222325ull
uint64_t la_report_fnv1a(uint64_t h, const void *p, size_t len);

/* json_dump_callback() into out (no trailing newline).  LA_FATAL on OOM. */
LA_NODISCARD enum la_rc la_report_dump(struct la_buf *out, const json_t *j, size_t flags);

/*
 * j with every string and object key valid UTF-8: a new reference to j itself when it is so
 * already (the analysis makes it so: la_redact_json()), else a deep copy with each bad byte
 * as U+FFFD.  NULL on OOM.  la_report_render() and la_report_explain() render through it, so
 * a format never meets a string jansson would refuse to write (json_pack, json_dump).
 * Documents are a few levels deep, so its recursion is shallow.
 */
json_t *la_report_valid(const json_t *j);

#endif
