/*
 * Restore attempts: the state a run builds from rule hits (pipeline.c) and
 * scores at the end (score.c).
 *
 * An attempt is one tool run: an `attempt` rule starts one, `result`,
 * `stage` and `fact` rules and the values of any hit fill it in (what each
 * value name means is apply_value() below, the one place that says it).
 * A member without an attempt marker (a device log, a panic) gets an
 * implicit attempt; at the end of the input la_attempts_join() folds each
 * implicit attempt into the explicit one it belongs to.
 *
 * Invariants: at most LA_MAX_STAGES stages (the first and the latest) and
 * LA_MAX_CODES distinct codes per attempt, each with its numbering space (a
 * code a rule maps to, TSS 94 → 3194, is kept beside the printed one, never
 * instead of it); at most LA_MAX_ATTEMPTS_PER_INPUT
 * attempts per input, later ones counted into the last.  A match's stage
 * points into its attempt's stage list (or, once dropped from that list,
 * into its retired names), so it lives as long as the attempt; joining
 * re-pools it.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/analyze-internal.h"
#include "core/alloc.h"
#include "core/encoding.h"
#include "formats/formats.h"

static const char *const fact_names[FACT_N] = { "model", "ios", "build", "host", "hostos", "ecid",
                                                "udid", "serial" };

struct attempt *la_attempt_new(struct run *r, int explicit_start)
{
    struct attempt *a = la_calloc(1, sizeof(*a));

    if (!a)
        return NULL;
    a->explicit_start = explicit_start;
    a->start = a->end = a->now = -1;
    a->outcome = -1;
    a->fail_rule = -1;
    a->ctx_rule = -1;
    a->per_rule = la_calloc(la_ruleset_count(r->e->rs) + 1, sizeof(*a->per_rule));
    if (!a->per_rule) {
        la_free(a);
        return NULL;
    }
    if (LA_GROW(r->att, r->capatt, r->natt + 1) != LA_OK) {
        la_free(a->per_rule);
        la_free(a);
        return NULL;
    }
    r->att[r->natt++] = a;
    return a;
}

void la_attempt_free(struct attempt *a)
{
    for (size_t i = 0; i < a->nm; i++)
        la_free(a->m[i].text);
    la_free(a->m);
    for (unsigned i = 0; i < a->nstages; i++)
        la_free(a->stages[i]);
    for (size_t i = 0; i < a->nretired; i++)
        la_free(a->retired[i]);
    la_free(a->retired);
    for (int i = 0; i < FACT_N; i++)
        la_free(a->facts[i]);
    la_free(a->fail_stage);
    la_free(a->fail_text);
    la_free(a->members);
    la_free(a->per_rule);
    la_free(a->ix_start);
    la_free(a->ix);
    la_free(a);
}

static int add_member_to(struct attempt *a, unsigned mi)
{
    for (size_t i = 0; i < a->nmembers; i++)
        if (a->members[i] == mi)
            return 0;
    if (LA_GROW(a->members, a->capmembers, a->nmembers + 1) != LA_OK)
        return -1;
    a->members[a->nmembers++] = mi;
    return 0;
}

/*
 * Make room in a full stage list: drop stages[1] (stages[0] stays, where the restore
 * began).  A match may point at it: then it is retired, not freed, so the match's stage
 * stays valid; at most one retired name per match kept, so this is bounded too.
 */
static enum la_rc drop_stage(struct attempt *a)
{
    if (a->stage_kept[1]) {
        if (LA_GROW(a->retired, a->capretired, a->nretired + 1) != LA_OK)
            return LA_FATAL;
        a->retired[a->nretired++] = a->stages[1];
    } else {
        la_free(a->stages[1]);
    }
    memmove(&a->stages[1], &a->stages[2], (LA_MAX_STAGES - 2) * sizeof(char *));
    memmove(&a->stage_kept[1], &a->stage_kept[2], LA_MAX_STAGES - 2);
    memmove(&a->stage_time[1], &a->stage_time[2], (LA_MAX_STAGES - 2) * sizeof(int64_t));
    memmove(&a->stage_dated[1], &a->stage_dated[2], LA_MAX_STAGES - 2);
    memmove(&a->stage_seq[1], &a->stage_seq[2], (LA_MAX_STAGES - 2) * sizeof(unsigned));
    a->nstages--;
    return LA_OK;
}

/*
 * Record stage s as reached at time t (-1: unknown; dated: t has a date), pooled: an
 * attempt keeps each name once, with the time it was first reached and the count of stages
 * reached when it was last reached (stage_seq, revisits too).  NULL on OOM.
 */
static const char *add_stage(struct attempt *a, const char *s, size_t len, int64_t t, int dated)
{
    char low[128];
    int upper = len > 0 && len < sizeof(low);

    /* pymobiledevice3 prints checkpoint names in capitals: UPDATE_BASEBAND. */
    for (size_t i = 0; upper && i < len; i++)
        upper = !(s[i] >= 'a' && s[i] <= 'z');
    if (upper) {
        for (size_t i = 0; i < len; i++)
            low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
        s = low;
    }
    for (unsigned i = 0; i < a->nstages; i++)
        if (strlen(a->stages[i]) == len && !memcmp(a->stages[i], s, len)) {
            a->stage_seq[i] = ++a->seq;
            a->stage_ix = i;
            a->stage = a->stages[i];
            return a->stage;
        }
    if (a->nstages == LA_MAX_STAGES && drop_stage(a) != LA_OK)
        return NULL;
    a->stages[a->nstages] = la_strndup(s, len);
    if (!a->stages[a->nstages])
        return NULL;
    a->stage_kept[a->nstages] = 0;
    a->stage_time[a->nstages] = t;
    a->stage_dated[a->nstages] = (unsigned char)(dated != 0);
    a->stage_seq[a->nstages] = ++a->seq;
    a->stage_ix = a->nstages;
    a->stage = a->stages[a->nstages++];
    return a->stage;
}

const char *la_attempt_stage_for_match(struct attempt *a)
{
    if (a->stage)
        a->stage_kept[a->stage_ix] = 1;
    return a->stage;
}

/*
 * Keep code c once per (space, code), in the order seen.  A code printed on a line wins over
 * the same code a rule implied (it becomes printed, its origin dropped).
 */
static void add_code(struct attempt *a, const struct code *c)
{
    for (unsigned i = 0; i < a->ncodes; i++) {
        struct code *o = &a->codes[i];
        if (o->code != c->code || o->space != c->space)
            continue;
        if (c->printed && !o->printed) {
            o->printed = 1;
            o->has_from = 0;
        }
        return;
    }
    if (a->ncodes < LA_MAX_CODES)
        a->codes[a->ncodes++] = *c;
}

/* A code: decimal or 0x hex, or hex with or without 0x when hex (a `_hex` capture). */
static int parse_code(struct la_sv v, int hex, long *ret)
{
    char buf[32];
    char *end;

    if (!v.len || v.len >= sizeof(buf))
        return 0;
    memcpy(buf, v.p, v.len);
    buf[v.len] = 0;
    errno = 0;
    long c = strtol(buf, &end, hex ? 16 : 0);
    if (errno || *end || end == buf)
        return 0;
    *ret = c;
    return 1;
}

/* How a code value is written: a number, a hex number without 0x, or a name. */
enum { CODE_NUMBER, CODE_HEX, CODE_NAME };

/*
 * The numbering space a value name gives a code: "code" the restore error number,
 * "code_<space>" (kb.h) that space, with "_hex" after it for a code printed in hex without
 * 0x ("RamrodErrorDomain/3ec") and "_name" for one printed as its symbolic name in the
 * catalogue ("LIBUSB_ERROR_ACCESS").  -1: not a code, or an unknown space.
 */
static int code_space(const char *name, int *ret_form)
{
    size_t n;

    *ret_form = CODE_NUMBER;
    if (!strcmp(name, "code"))
        return LA_SPACE_DIALOG;
    if (strncmp(name, "code_", 5))
        return -1;
    name += 5;
    n = strlen(name);
    if (n > 4 && !strcmp(name + n - 4, "_hex")) {
        *ret_form = CODE_HEX;
        n -= 4;
    } else if (n > 5 && !strcmp(name + n - 5, "_name")) {
        *ret_form = CODE_NAME;
        n -= 5;
    }
    return la_space_find(name, n);
}

void la_attempt_begin_hit(struct attempt *a)
{
    a->has_line_code = 0;
}

int la_attempt_has_number(const struct attempt *a, long n)
{
    long x;

    if (a->has_result && la_space_number(a->result_space, a->result, &x) && x == n)
        return 1;
    for (unsigned i = 0; i < a->ncodes; i++)
        if (la_space_number(a->codes[i].space, a->codes[i].code, &x) && x == n)
            return 1;
    return 0;
}

/*
 * A code value of a hit (see la_attempt_apply_value): the result of a result rule, and the
 * attempt's codes.  Zero is no error; a negative code on the error-number line is a tool's
 * return value ("FAILURE:-1") and counts only in a result rule, while the spaces of the
 * tools' own codes (futurerestore's -10, lockdownd's -21) are negative by nature.
 */
static void apply_code(struct attempt *a, enum la_rule_kind kind, int space, long n, int implied)
{
    struct code c = { .code = n, .space = (unsigned char)space, .printed = !implied };
    const struct la_space *sp = la_space_at((size_t)space);

    if (kind == LA_KIND_RESULT && (!implied || !a->has_result)) {
        a->result = n;
        a->result_space = c.space;
        a->result_printed = c.printed;
        a->has_result = 1;
        a->outcome = n == 0 ? 0 : 1;
    }
    /* A rule's set: code is the error number the line's own spaced code maps to. */
    if (implied && space == LA_SPACE_DIALOG && a->has_line_code) {
        c.has_from = 1;
        c.from_code = a->line_code.code;
        c.from_space = a->line_code.space;
    }
    if (n > 0 || (n != 0 && (kind == LA_KIND_RESULT || !sp->on_line)))
        add_code(a, &c);
    if (!implied && space != LA_SPACE_DIALOG) {
        a->line_code = c;
        a->has_line_code = 1;
    }
}

struct attempt *la_attempt_current(struct run *r)
{
    if (!r->cur && r->natt >= LA_MAX_ATTEMPTS_PER_INPUT)
        r->cur = r->att[r->natt - 1];
    if (!r->cur) {
        r->cur = la_attempt_new(r, 0);
        if (!r->cur)
            return NULL;
    }
    if (add_member_to(r->cur, r->cur_member) < 0)
        return NULL;
    return r->cur;
}

enum la_rc la_attempt_start(struct run *r)
{
    /* A new tool run: a fresh attempt unless the current one is still empty, or was started
     * by another attempt rule on this very line (two rules read one start line), or the
     * input already holds as many attempts as are told apart (then it continues). */
    if (r->cur && r->cur->explicit_start && r->cur->start_member == r->cur_member &&
        r->cur->start_line == r->rec->line)
        return LA_OK;
    if (r->natt >= LA_MAX_ATTEMPTS_PER_INPUT && r->cur) {
        if (!r->attempts_capped) {
            r->attempts_capped = 1;
            la_diagf(&r->sink, LA_SEV_WARNING, LA_D_MEMBER_LIMIT, r->input, 0, 0,
                     "more than %u restore attempts in this input; later ones are counted "
                     "into the last", LA_MAX_ATTEMPTS_PER_INPUT);
        }
    } else if (!r->cur || r->cur->explicit_start || r->cur->nm || r->cur->has_result ||
               r->cur->nstages) {
        r->cur = la_attempt_new(r, 1);
        if (!r->cur)
            return LA_FATAL;
    }
    r->cur->explicit_start = 1;
    r->cur->start_member = r->cur_member;
    r->cur->start_line = r->rec->line;
    return LA_OK;
}

enum la_rc la_attempt_note_failure(struct run *r, struct attempt *a, long rule)
{
    const struct la_record *rec = r->rec;
    size_t tl = la_evidence_cut(rec->text.p, rec->text.len);

    /* One buffer per attempt, sized once: a log full of error lines allocates nothing more. */
    if (!a->fail_text && !(a->fail_text = la_malloc(LA_MAX_EVIDENCE_TEXT + 1)))
        return LA_FATAL;
    memcpy(a->fail_text, rec->text.p, tl);
    a->fail_text[tl] = '\0';
    a->fail_member = r->cur_member;
    a->fail_line = rec->line;
    a->fail_rule = rule;
    a->went_on = 0;
    return LA_OK;
}

void la_attempt_touch(struct attempt *a, const struct la_record *rec)
{
    a->now = rec->time;
    a->now_dated = rec->has_date;
    a->now_line = rec->line;
    if (rec->time < 0)
        return;
    if (a->start < 0 || rec->time < a->start) {
        if (a->start < 0 || !a->has_date || rec->has_date)
            a->start = rec->time;
    }
    if (rec->time > a->end)
        a->end = rec->time;
    a->has_date = a->has_date || rec->has_date;
}

/* Progress after the attempt's failure line (a later stage, the tool trying again): the run
 * went on past it.  A failure noted on this same line (la_attempt_note_failure,
 * la_attempt_mark_failing) takes it back. */
static void go_on(struct attempt *a)
{
    a->went_on = a->fail_text && a->fail_line != a->now_line;
}

/*
 * Apply one value a rule hit gives its attempt: a capture from the line, or a set: value
 * of the rule (implied).  Both come through here, so a set: value counts as if the line
 * had printed it, with two differences: on a result rule a code printed on the line sets
 * the result, while an implied code (TSS status 94 is shown as 3194, "Disk Failure" is
 * 6) only fills in a missing one; and an implied code is kept as not printed, beside the
 * spaced code its line printed (la_attempt_begin_hit() starts a hit's line).
 *   code         a restore error number: the result (result rules); non-zero codes join
 *                the attempt's codes, but a negative one only from a result rule:
 *                elsewhere it is a tool's return value ("FAILURE:-1"), not a catalogue code
 *   code_<space> the same in a numbering space (code_tss, code_fr …; kb.h), hex with
 *                code_<space>_hex, a name of the space's catalogue entries with
 *                code_<space>_name (one no entry has is ignored); unknown spaces are
 *                ignored
 *   stage        the stage reached; op and checkpoint name one through stages.yaml
 *   a fact name  the fact, the latest winning; empty or over-long values are ignored
 *   context      what the run is (causes.yaml's contexts:), the first winning; an id the
 *                knowledge data does not define is ignored (lint rejects it in set:)
 *   tool         a command line ran a restore program: the attempt is a tool run (a
 *                restore) even when none of the program's own lines is known
 *   retry        the tool tries again: like a later stage, the run went on past its
 *                failure line
 *   talk         the text names a firmware restore: with a failure line, the attempt is a
 *                restore (score.c, is_restore)
 * Other names are ignored (kept for future use).  LA_FATAL when memory runs out.
 */
enum la_rc la_attempt_apply_value(const struct la_engine *e, struct attempt *a,
                                  enum la_rule_kind kind, const char *name, struct la_sv v,
                                  int implied)
{
    const char *s = NULL;
    int form, space = code_space(name, &form);
    long n;

    if (space >= 0) {
        const struct la_code *c;
        if (form == CODE_NAME && (c = la_kb_code_named_in(e->kb, (size_t)space, v.p, v.len)))
            apply_code(a, kind, space, c->code, implied);
        else if (form != CODE_NAME && parse_code(v, form == CODE_HEX, &n))
            apply_code(a, kind, space, n, implied);
        return LA_OK;
    }
    if (!strncmp(name, "code_", 5))
        return LA_OK;
    if (!strcmp(name, "stage")) {
        s = v.p;
        n = (long)v.len;
    } else if (!strcmp(name, "op") && parse_code(v, 0, &n)) {
        s = la_kb_stage_of_op(e->kb, n);
        n = s ? (long)strlen(s) : 0;
    } else if (!strcmp(name, "checkpoint")) {
        s = la_kb_stage_of_checkpoint(e->kb, v.p, v.len);
        n = s ? (long)strlen(s) : 0;
    }
    if (s && n > 0) {
        if (!add_stage(a, s, (size_t)n, a->now, a->now_dated))
            return LA_FATAL;
        go_on(a);
        return LA_OK;
    }
    if (s || !strcmp(name, "stage"))
        return LA_OK;
    if (!strcmp(name, "tool")) {
        a->tool_run = a->tool_run || v.len;
        return LA_OK;
    }
    if (!strcmp(name, "retry")) {      /* the tool tries again: like a later stage */
        go_on(a);
        return LA_OK;
    }
    if (!strcmp(name, "talk")) {
        a->restore_talk = a->restore_talk || v.len;
        return LA_OK;
    }
    if (!strcmp(name, "context")) {
        if (!a->context && (a->context = la_kb_context(e->kb, v.p, v.len)))
            a->ctx_line = a->now_line;
        return LA_OK;
    }
    for (int f = 0; f < FACT_N; f++)
        if (!strcmp(name, fact_names[f]) && v.len && v.len <= LA_MAX_FACT) {
            la_free(a->facts[f]);
            if (!(a->facts[f] = la_strndup(v.p, v.len)))
                return LA_FATAL;
        }
    return LA_OK;
}

enum la_rc la_attempt_mark_failing(struct attempt *a)
{
    /* The first failing stage is the specific one (restored repeats the failure for every
     * enclosing step). */
    a->went_on = 0;
    if (!a->fail_stage && a->stage && !(a->fail_stage = la_strdup(a->stage)))
        return LA_FATAL;
    return LA_OK;
}

/* Same device, as far as the ECIDs tell: unknown on either side counts as the same. */
int la_attempt_same_device(const struct attempt *a, const struct attempt *b)
{
    const char *x = a->facts[FACT_ECID], *y = b->facts[FACT_ECID];
    char *ex, *ey;
    unsigned long long vx, vy;

    if (!x || !y)
        return 1;
    /* Written in hex with or without 0x, or in decimal: compare the values both ways. */
    vx = strtoull(x, &ex, 16);
    vy = strtoull(y, &ey, 16);
    if (!*ex && !*ey && vx == vy)
        return 1;
    vx = strtoull(x, &ex, 10);
    vy = strtoull(y, &ey, 16);
    if (!*ex && !*ey && vx == vy)
        return 1;
    vx = strtoull(x, &ex, 16);
    vy = strtoull(y, &ey, 10);
    if (!*ex && !*ey && vx == vy)
        return 1;
    return !strcasecmp(x, y);
}

/*
 * Where implicit attempt i goes: with no explicit attempt, the first earlier one still
 * standing (so all fold into one); with one explicit attempt, that one; else the explicit
 * one whose time span holds it or is nearest, else the last — never an attempt of another
 * device (ECIDs that differ).  NULL: it stays apart.
 */
static struct attempt *join_target(struct run *r, size_t i, size_t nexp, struct attempt *last)
{
    struct attempt *a = r->att[i], *to = NULL;
    int64_t best = INT64_MAX;

    if (nexp == 0) {
        for (size_t j = 0; j < i; j++)
            if (!r->att[j]->merged)
                return r->att[j];
        return NULL;
    }
    if (nexp == 1)
        return la_attempt_same_device(a, last) ? last : NULL;
    for (size_t j = 0; j < r->natt; j++) {
        struct attempt *b = r->att[j];
        if (!b->explicit_start || !la_attempt_same_device(a, b))
            continue;
        if (a->start >= 0 && b->start >= 0 && a->has_date && b->has_date) {
            int64_t d = a->start < b->start ? b->start - a->start
                        : a->start > b->end ? a->start - b->end : 0;
            if (d < best)
                best = d, to = b;
        }
    }
    if (!to && la_attempt_same_device(a, last))
        to = last;
    return to;
}

/* The index of stage name s in a's list, or a->nstages (dropped from it). */
static unsigned stage_index(const struct attempt *a, const char *s)
{
    unsigned i = 0;

    while (i < a->nstages && strcmp(a->stages[i], s))
        i++;
    return i;
}

/* Move a's matches, stages, codes, facts, members and time span into to. */
static enum la_rc merge_into(struct attempt *to, struct attempt *a)
{
    if (LA_GROW(to->m, to->capm, to->nm + a->nm) != LA_OK)
        return LA_FATAL;
    for (size_t k = 0; k < a->nm; k++) {
        const char *s = a->m[k].stage;
        to->m[to->nm] = a->m[k];
        unsigned at = s ? stage_index(a, s) : a->nstages;
        s = s ? add_stage(to, s, strlen(s), at < a->nstages ? a->stage_time[at] : a->m[k].time,
                          at < a->nstages ? a->stage_dated[at] : a->m[k].has_date)
              : NULL;
        to->m[to->nm].stage = s ? la_attempt_stage_for_match(to) : NULL;
        to->nm++;
    }
    la_free(a->m);
    a->m = NULL;
    a->nm = a->capm = 0;
    for (unsigned k = 0; k < a->nstages; k++)
        add_stage(to, a->stages[k], strlen(a->stages[k]), a->stage_time[k], a->stage_dated[k]);
    for (unsigned k = 0; k < a->ncodes; k++)
        add_code(to, &a->codes[k]);
    if (!to->fail_stage && a->fail_stage) {
        to->fail_stage = a->fail_stage;
        a->fail_stage = NULL;
    }
    if (!to->context && a->context) {
        to->context = a->context;
        to->ctx_member = a->ctx_member;
        to->ctx_line = a->ctx_line;
        to->ctx_rule = a->ctx_rule;
    }
    for (int f = 0; f < FACT_N; f++)
        if (!to->facts[f] && a->facts[f]) {
            to->facts[f] = a->facts[f];
            a->facts[f] = NULL;
        }
    if (!to->has_result && a->has_result) {
        to->has_result = 1;
        to->result = a->result;
        to->result_space = a->result_space;
        to->result_printed = a->result_printed;
    }
    if (to->outcome < 0 && a->outcome >= 0)
        to->outcome = a->outcome;
    for (size_t k = 0; k < a->nmembers; k++)
        add_member_to(to, a->members[k]);
    if (a->start >= 0 && (to->start < 0 || (a->has_date == to->has_date && a->start < to->start)))
        to->start = a->start;
    if (a->end > to->end && a->has_date == to->has_date)
        to->end = a->end;
    a->merged = 1;
    return LA_OK;
}

void la_attempts_join(struct run *r)
{
    size_t nexp = 0;
    struct attempt *last = NULL;

    for (size_t i = 0; i < r->natt; i++)
        if (r->att[i]->explicit_start)
            nexp++, last = r->att[i];
    for (size_t i = 0; i < r->natt; i++) {
        struct attempt *to;
        if (r->att[i]->explicit_start || !(to = join_target(r, i, nexp, last)))
            continue;
        if (merge_into(to, r->att[i]) != LA_OK) {
            r->fatal = 1;
            return;
        }
    }
}
