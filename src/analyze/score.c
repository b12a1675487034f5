/*
 * Scoring and the verdict (rules/README.md "Scoring").
 *
 * Data flow: la_verdict_decide() runs once per input, after the attempts are
 * joined.  It judges each attempt (attempt_outcome: the tool's word, else
 * strong failure evidence, else whether it was a restore at all), picks the
 * primary attempt (the last of the highest rank: failed, inconclusive,
 * evidence only, succeeded), and when that one failed (or stopped after
 * something failed) scores it:
 *   1. every cause starts from its prior: the result code's (codes.yaml),
 *      else its family's, else the cause's default (causes.yaml); a cause the
 *      attempt's context rules out (causes.yaml contexts:) is not scored at all,
 *      so the confidences are shares among the rest;
 *   2. each evidence rule that fired, after its filters (applies, when,
 *      count, after, unless: match_counts), adds its weight once, the
 *      strongest in full, the next half, the next a quarter …;
 *   3. the evidence that ended the run (ending_match: the strongest in the
 *      final error cascade) gains ENDING_WEIGHT for its cause;
 *   4. a failure repeated at the same step in several attempts lowers
 *      usb-link, and each ladder step already tried (--tried) lowers what it
 *      rules out;
 *   5. softmax gives the confidences, most likely first.
 * How sure the top cause is (verdict.level: confident, likely, unclear) is decided here
 * too, apart from the outcome; document.c only writes it out.
 *
 * Invariants: scoring reads the run and never changes it, except for the
 * primary attempt's by-rule index (index_attempt) and each attempt's judged
 * outcome.  Shown evidence is bounded: at most three lines per rule and
 * 2 × max_evidence per cause and direction.
 */
#include "config.h"

#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/analyze-internal.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/version.h"

/* ------------------------------------------------------------ match filters */

static int match_before(const struct match *a, const struct match *b)
{
    if (a->time >= 0 && b->time >= 0 && a->has_date == b->has_date)
        return a->time < b->time;
    if (a->member == b->member)
        return a->line < b->line;
    return a->member < b->member;
}

static int near(const struct match *a, const struct match *b, int64_t within, unsigned lines)
{
    return la_spot_near((struct la_spot){ a->time, a->has_date, a->member, a->line },
                        (struct la_spot){ b->time, b->has_date, b->member, b->line }, within,
                        lines);
}

static const char *host_version(const char *host)
{
    if (!host)
        return NULL;
    for (const char *p = host; *p; p++)
        if (*p >= '0' && *p <= '9')
            return p;
    return NULL;
}

/* applies: the device model, iOS version and host version the rule is about. */
static int applies(const struct la_rule_meta *m, const struct attempt *a)
{
    if (m->applies_model) {
        int ok = 0;
        for (const char *const *g = m->applies_model; *g && a->facts[FACT_MODEL]; g++)
            ok |= fnmatch(*g, a->facts[FACT_MODEL], 0) == 0;
        if (!ok)
            return 0;
    }
    if (m->applies_ios && (!a->facts[FACT_IOS] ||
                           la_version_in_range(a->facts[FACT_IOS], strlen(a->facts[FACT_IOS]),
                                               m->applies_ios) != 1))
        return 0;
    if (m->applies_host) {
        const char *hv = host_version(a->facts[FACT_HOST]);
        if (!hv || la_version_in_range(hv, strlen(hv), m->applies_host) != 1)
            return 0;
    }
    return 1;
}

/* when: the stage (the match's, the attempt's last or failing one) and the codes. */
static int when_holds(const struct la_rule_meta *m, const struct attempt *a,
                      const struct match *x)
{
    if (m->when_stage) {
        int ok = 0;
        for (const char *const *s = m->when_stage; *s; s++)
            ok |= (x->stage && !strcasecmp(*s, x->stage)) ||
                  (a->stage && !strcasecmp(*s, a->stage)) ||
                  (a->fail_stage && !strcasecmp(*s, a->fail_stage));
        if (!ok)
            return 0;
    }
    if (m->n_when_code) {
        int ok = 0;
        for (size_t i = 0; i < m->n_when_code; i++)
            ok |= la_attempt_has_number(a, m->when_code[i]);
        if (!ok)
            return 0;
    }
    return 1;
}

/* The referenced rule's matches only, through the index when the attempt has one. */
#define EACH_MATCH_OF(b, rl, j, body)                                                     \
    do {                                                                                  \
        if ((b)->ix_start) {                                                              \
            for (size_t q_ = (b)->ix_start[rl]; q_ < (b)->ix_start[(rl) + 1]; q_++) {    \
                size_t j = (b)->ix[q_];                                                   \
                body                                                                      \
            }                                                                             \
        } else {                                                                          \
            for (size_t j = 0; j < (b)->nm; j++)                                          \
                if ((b)->m[j].rule == (size_t)(rl)) {                                     \
                    body                                                                  \
                }                                                                         \
        }                                                                                 \
    } while (0)

/* after: the named rule matched before x (within the window), in the attempt or input. */
static int after_holds(const struct la_rule_meta *m, const struct attempt *a,
                       const struct match *x, struct attempt *const *all, size_t nall)
{
    size_t to = m->scope_input ? nall : 1;
    int64_t within = m->after_within ? m->after_within : INT64_MAX / 4;
    int ok = 0;

    for (size_t ai = 0; ai < to && !ok; ai++) {
        const struct attempt *b = m->scope_input ? all[ai] : a;
        EACH_MATCH_OF(b, (size_t)m->after_rule, j, {
            if (!ok && match_before(&b->m[j], x) && near(&b->m[j], x, within, m->after_lines))
                ok = 1;
        });
    }
    return ok;
}

/* unless: the named rule (another match of it, before x, for the rule itself) is near x. */
static int unless_holds(const struct la_rule_meta *m, const struct attempt *a,
                        const struct match *x, struct attempt *const *all, size_t nall)
{
    size_t to = m->scope_input ? nall : 1;
    int hit = 0;

    for (size_t ai = 0; ai < to && !hit; ai++) {
        const struct attempt *b = m->scope_input ? all[ai] : a;
        EACH_MATCH_OF(b, (size_t)m->unless_rule, j, {
            if (!hit && &b->m[j] != x &&
                (b->m[j].rule != x->rule || match_before(&b->m[j], x)) &&
                near(&b->m[j], x, m->unless_within, m->unless_lines))
                hit = 1;
        });
    }
    return hit;
}

#undef EACH_MATCH_OF

/* Whether match k of attempt a survives the rule's filters (all: the input's attempts). */
static int match_counts(const struct la_engine *e, const struct attempt *a, size_t k,
                        struct attempt *const *all, size_t nall)
{
    const struct match *x = &a->m[k];
    const struct la_rule_meta *m = la_ruleset_rule(e->rs, x->rule);

    if (!applies(m, a) || !when_holds(m, a, x))
        return 0;
    /* A fallback rule reads only the line that ended the run, when nothing else explains it. */
    if (m->fallback && !(a->fallback_ok && x->member == a->fail_member && x->line == a->fail_line))
        return 0;
    if (m->after_rule >= 0 && !after_holds(m, a, x, all, nall))
        return 0;
    if (m->unless_rule >= 0 && unless_holds(m, a, x, all, nall))
        return 0;
    return 1;
}

/* ------------------------------------------------------------ scores */

/*
 * The code whose priors apply, with its numbering space: the result code, else the first
 * code seen on the restore error-number line (a device log has no result line), else the
 * first code of another space.  A MobileRestore transition result (4000-4099: the device
 * left the expected state) says that the restore broke, not why; a code the device itself
 * reported (error number 1-3999, TSS 94 being 3194) does.  0 when there is none.
 */
static int prior_code(const struct la_engine *e, const struct attempt *a, size_t *ret_space,
                      long *ret_code)
{
    const struct code *first = NULL;
    long num;

    if (!a)
        return 0;
    for (unsigned i = 0; i < a->ncodes && !first; i++)
        if (la_space_number(a->codes[i].space, a->codes[i].code, &num))
            first = &a->codes[i];
    if (!first && a->ncodes)
        first = &a->codes[0];
    if (a->has_result && a->result != 0) {
        *ret_space = a->result_space;
        *ret_code = a->result;
    } else if (first) {
        *ret_space = first->space;
        *ret_code = first->code;
    } else {
        return 0;
    }
    if (la_space_number(*ret_space, *ret_code, &num) && num >= 4000 && num < 4100)
        for (unsigned i = 0; i < a->ncodes; i++) {
            const struct code *c = &a->codes[i];
            if (la_space_number(c->space, c->code, &num) && num > 0 && num < 4000 &&
                la_kb_code_in(e->kb, c->space, c->code)) {
                *ret_space = c->space;
                *ret_code = c->code;
                break;
            }
        }
    return 1;
}

static double prior_of(const struct la_engine *e, const struct attempt *a,
                       const struct la_cause *c)
{
    const struct la_prior *pr = NULL;
    size_t np = 0, space = LA_SPACE_DIALOG;
    double sum = 0, rest_default = 0;
    long code = 0;

    /* Looked up in the code's own space: TSS 94 is the TSS entry 3194, not AMRestore 94,
     * and a futurerestore code has no catalogue prior (its space's family, if any). */
    if (prior_code(e, a, &space, &code)) {
        const struct la_code *lc = la_kb_code_in(e->kb, space, code);
        if (lc && lc->n_priors) {
            pr = lc->priors;
            np = lc->n_priors;
        } else {
            const struct la_family *f = la_kb_family_in(e->kb, space, code);
            if (f) {
                pr = f->priors;
                np = f->n_priors;
            }
        }
    }
    if (!np)
        return c->prior > 0.005 ? c->prior : 0.005;
    for (size_t i = 0; i < np; i++) {
        if (!strcmp(pr[i].cause, c->id))
            return pr[i].p > 0.005 ? pr[i].p : 0.005;
        sum += pr[i].p;
    }
    /* Unlisted cause: its share of the rest, by default priors. */
    for (size_t i = 0; i < la_kb_n_causes(e->kb); i++) {
        const struct la_cause *o = la_kb_cause_at(e->kb, i);
        int listed = 0;
        for (size_t j = 0; j < np; j++)
            listed |= !strcmp(pr[j].cause, o->id);
        if (!listed)
            rest_default += o->prior;
    }
    double p = rest_default > 0 ? (1 - sum) * c->prior / rest_default : 0;
    return p > 0.005 ? p : 0.005;
}

static int cmp_desc(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? 1 : a > b ? -1 : 0;
}

static int cmp_score(const void *x, const void *y)
{
    const struct cause_score *a = x, *b = y;
    if (a->conf != b->conf)
        return a->conf > b->conf ? -1 : 1;
    return strcmp(a->c->id, b->c->id);
}

static void free_scores(struct cause_score *cs, size_t n)
{
    for (size_t i = 0; cs && i < n; i++) {
        la_free(cs[i].ev);
        la_free(cs[i].ag);
        la_free(cs[i].wfor);
        la_free(cs[i].wag);
    }
    la_free(cs);
}

/* Group the attempt's matches by rule, in log order: ix[ix_start[r] .. ix_start[r + 1]). */
static int index_attempt(struct attempt *a, size_t nrules)
{
    size_t *start = la_calloc(nrules + 2, sizeof(size_t)), *ix = la_calloc(a->nm + 1,
                                                                             sizeof(size_t));
    size_t *fill = la_calloc(nrules + 1, sizeof(size_t));

    if (!start || !ix || !fill) {
        la_free(start);
        la_free(ix);
        la_free(fill);
        return -1;
    }
    for (size_t k = 0; k < a->nm; k++)
        start[a->m[k].rule + 1]++;
    for (size_t r = 0; r < nrules; r++)
        start[r + 1] += start[r];
    for (size_t k = 0; k < a->nm; k++)
        ix[start[a->m[k].rule] + fill[a->m[k].rule]++] = k;
    la_free(fill);
    la_free(a->ix_start);
    la_free(a->ix);
    a->ix_start = start;
    a->ix = ix;
    return 0;
}

/*
 * One score per cause the attempt's context does not rule out, starting from its prior (the
 * softmax of rank() makes the confidences shares among these alone); *ret_nc is their count.
 * NULL on OOM.
 */
static struct cause_score *new_scores(const struct la_engine *e, const struct attempt *a,
                                      size_t nrules, size_t *ret_nc)
{
    size_t all = la_kb_n_causes(e->kb), nc = 0;
    struct cause_score *cs = la_calloc(all ? all : 1, sizeof(*cs));

    for (size_t i = 0; cs && i < all; i++) {
        const struct la_cause *c = la_kb_cause_at(e->kb, i);
        if (la_context_excludes(a->context, c->id))
            continue;
        cs[nc].c = c;
        cs[nc++].prior = prior_of(e, a, c);
    }
    *ret_nc = nc;
    for (size_t i = 0; cs && i < nc; i++) {
        cs[i].score = log(cs[i].prior);
        cs[i].ev = la_calloc(a->nm + 1, sizeof(size_t));
        cs[i].ag = la_calloc(a->nm + 1, sizeof(size_t));
        cs[i].wfor = la_calloc(nrules + 1, sizeof(double));
        cs[i].wag = la_calloc(nrules + 1, sizeof(double));
        if (!cs[i].ev || !cs[i].ag || !cs[i].wfor || !cs[i].wag) {
            free_scores(cs, nc);
            return NULL;
        }
    }
    return cs;
}

/*
 * count: enough matches of rule ri (within the window)?  Decided once per rule (cache: 0
 * unknown, 1 yes, 2 no), with a sliding window over its matches in log order.
 */
static int count_reached(const struct attempt *a, const struct la_rule_meta *m, size_t ri,
                         unsigned char *cache)
{
    if (!cache[ri]) {
        size_t s0 = a->ix_start[ri], s1 = a->ix_start[ri + 1], lo = s0, best = 0;
        for (size_t hi = s0; hi < s1; hi++) {
            while (m->count_within && lo < hi &&
                   !near(&a->m[a->ix[lo]], &a->m[a->ix[hi]], m->count_within, 0))
                lo++;
            if (hi - lo + 1 > best)
                best = hi - lo + 1;
        }
        cache[ri] = best >= m->count_min ? 1 : 2;
    }
    return cache[ri] == 1;
}

/* Credit match k of rule m to cause score s: its weight once per rule, the line if shown. */
static void credit(struct cause_score *s, const struct attempt *a, size_t k,
                   const struct la_rule_meta *m, int first, unsigned max_evidence)
{
    /* Shown: at most 3 lines per rule, so every rule that counted is visible. */
    size_t same = 0, *list = m->against ? s->ag : s->ev;
    size_t nlist = m->against ? s->nag : s->nev;
    int dup = 0;

    for (size_t q = 0; q < nlist; q++) {
        same += a->m[list[q]].rule == a->m[k].rule;
        dup |= a->m[list[q]].member == a->m[k].member && a->m[list[q]].line == a->m[k].line;
    }
    int show = a->m[k].text && !dup && same < 3 && nlist < 2 * (size_t)max_evidence;
    if (m->against) {
        if (first)
            s->wag[s->nagainst++] = m->weight;
        if (show)
            s->ag[s->nag++] = k;
    } else {
        if (first)
            s->wfor[s->nfor++] = m->weight;
        if (show)
            s->ev[s->nev++] = k;
    }
}

/* Credit every match of a that counts to its rule's cause; LA_FATAL on OOM. */
static enum la_rc collect(struct run *r, struct attempt *a, struct cause_score *cs, size_t nc)
{
    const struct la_engine *e = r->e;
    size_t nrules = la_ruleset_count(e->rs);
    unsigned char *fired = la_calloc(nrules + 1, 1);
    unsigned char *count_ok = la_calloc(nrules + 1, 1);

    if (!fired || !count_ok) {
        la_free(fired);
        la_free(count_ok);
        return LA_FATAL;
    }
    for (size_t k = 0; k < a->nm; k++) {
        size_t ri = a->m[k].rule;
        const struct la_rule_meta *m = la_ruleset_rule(e->rs, ri);
        if (!m->cause || !match_counts(e, a, k, r->att, r->natt))
            continue;
        if (m->count_min > 1 && !count_reached(a, m, ri, count_ok))
            continue;
        for (size_t i = 0; i < nc; i++)
            if (!strcmp(cs[i].c->id, m->cause))
                credit(&cs[i], a, k, m, !fired[ri], e->o.limits.max_evidence);
        fired[ri] = 1;
    }
    la_free(fired);
    la_free(count_ok);
    return LA_OK;
}

/*
 * Rules that fire together often describe one event in several words, so their weights
 * are not independent: the strongest counts in full, the next half, the next a quarter ...
 */
static void add_weights(struct cause_score *s)
{
    double f = 1;

    qsort(s->wfor, (size_t)s->nfor, sizeof(double), cmp_desc);
    qsort(s->wag, (size_t)s->nagainst, sizeof(double), cmp_desc);
    for (int k = 0; k < s->nfor; k++, f /= 2)
        s->score += s->wfor[k] * f;
    f = 1;
    for (int k = 0; k < s->nagainst; k++, f /= 2)
        s->score -= s->wag[k] * f;
}

static void note(json_t *notes, const char *fmt, ...) LA_PRINTF(2, 3);

/* Append a ranking note; a note lost to OOM only makes the report shorter. */
static void note(json_t *notes, const char *fmt, ...)
{
    struct la_buf b = LA_BUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    if (la_buf_vaddf(&b, fmt, ap) == LA_OK)
        json_array_append_new(notes, json_string(b.buf));
    va_end(ap);
    la_buf_release(&b);
}

/* Append a reason {kind, text} in plain words (diagnosis.reasons); lost to OOM: shorter. */
static void reason(json_t *reasons, const char *kind, const char *fmt, ...) LA_PRINTF(3, 4);

static void reason(json_t *reasons, const char *kind, const char *fmt, ...)
{
    struct la_buf b = LA_BUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    if (la_buf_vaddf(&b, fmt, ap) == LA_OK)
        json_array_append_new(reasons, json_pack("{s:s,s:s}", "kind", kind, "text", b.buf));
    va_end(ap);
    la_buf_release(&b);
}

/*
 * The same failure at the same step in several attempts of this input: a loose cable or a
 * glitch rarely strikes at exactly the same step twice, a faulty part does.
 */
static void weigh_repeats(const struct run *r, const struct attempt *a, struct cause_score *cs,
                          size_t nc, json_t *notes, json_t *reasons)
{
    const char *st = a->fail_stage ? a->fail_stage : a->stage;
    unsigned same = 0;

    for (size_t k = 0; k < r->natt && st; k++) {
        const struct attempt *b = r->att[k];
        const char *bs = b->fail_stage ? b->fail_stage : b->stage;
        if (!b->merged && b->outcome == 1 && bs && !strcmp(bs, st) &&
            (!a->has_result || !b->has_result || a->result == b->result))
            same++;
    }
    for (size_t i = 0; i < nc && same >= 2; i++)
        if (!strcmp(cs[i].c->id, "usb-link")) {
            cs[i].score -= 1.0;
            note(notes, "%u attempts failed the same way at '%s': a failure that repeats at the "
                        "same step points away from the USB link (usb-link -1.0 log-odds) and "
                        "towards the device", same, st);
            reason(reasons, "repeat", "%s attempts stopped at the same step (%s): a loose cable "
                   "or a USB glitch rarely strikes at exactly the same step twice, so the USB "
                   "connection is an unlikely cause", same == 2 ? "Two" : same == 3 ? "Three"
                                                                 : "Several", st);
        }
}

/*
 * The line that ended the run.  A restore tool that gives up prints its error cascade (the
 * deepest error first, the wrappers on the way out) and a few cleanup lines: the run ended
 * on an error when its last failure line sits within TAIL_LINES of its last line read, and
 * the cascade is the failure lines up to CASCADE_LINES before that.
 */
#define TAIL_LINES 15u
#define CASCADE_LINES 40u
/* Log-odds the cause named by the line that ended the run gains: a failure's own words
 * outrank the error code's priors, which only order the causes the log says nothing about. */
#define ENDING_WEIGHT 2.0

static int ended_on_error(const struct attempt *a)
{
    return a->fail_text && !a->went_on && a->fail_member == a->last_member &&
           a->last_line >= a->fail_line && a->last_line - a->fail_line <= TAIL_LINES;
}

/*
 * A tool that gives up prints the deepest error first and then its callers' wrappers
 * ("Unable to get SHSH blobs", "Unable to restore device"), one or a few lines apart: the
 * block of evidence lines that reaches the end of the cascade with gaps of at most
 * CASCADE_GAP lines. A wrapper names the side its caller guessed; the first line of the
 * block that is a producer's own message (a vocabulary-pack entry: other rules read events,
 * such as a device log's timeline, not a cascade) of weight DEEP_WEIGHT or more, and at most
 * DEEP_MARGIN below the block's strongest, says what actually went wrong. A message that repeats closes the block: a retry loop
 * (one DNS failure per TSS attempt) is no cascade, and a warning before it is no deeper
 * error.
 */
#define CASCADE_GAP 4u
#define DEEP_WEIGHT 1.0
#define DEEP_MARGIN 0.5
#define CASCADE_MAX 32u

/* Whether match j's rule fired on an earlier-read (later in the log) line of the block: a
 * message that repeats is a retry loop, and the block is what follows its last round. */
static int in_block(const struct attempt *a, const size_t *seen, size_t nseen, size_t j)
{
    for (size_t i = 0; i < nseen; i++)
        if (a->m[seen[i]].rule == a->m[j].rule && a->m[seen[i]].line != a->m[j].line)
            return 1;
    return 0;
}

/* Whether candidate k may decide: evidence for a cause, in the final cascade, counting. */
static int ending_candidate(const struct run *r, const struct attempt *a, size_t k,
                            unsigned char *count_ok)
{
    const struct match *x = &a->m[k];
    const struct la_rule_meta *m = la_ruleset_rule(r->e->rs, x->rule);

    if (m->kind != LA_KIND_EVIDENCE || !m->cause || m->against ||
        la_context_excludes(a->context, m->cause))
        return 0;
    if (x->member != a->fail_member || x->line > a->fail_line ||
        a->fail_line - x->line > CASCADE_LINES || !match_counts(r->e, a, k, r->att, r->natt))
        return 0;
    return m->count_min <= 1 || count_reached(a, m, x->rule, count_ok);
}

/*
 * The match that decided how the run ended: the deepest qualifying line of the last block
 * of the final cascade (see above); without one, the strongest candidate
 * of the cascade, of equals the earliest.  -1 when the run did not end on an error or no
 * rule explains its cascade.  Matches are kept in log order.
 */
static long ending_match(const struct run *r, const struct attempt *a)
{
    size_t nrules = la_ruleset_count(r->e->rs);
    unsigned char *count_ok;
    long best = -1, deep = -1, last = -1; /* last: the strongest of the last block */
    uint64_t block = 0;                /* the earliest line of the last block */
    double top = 0;                    /* the strongest weight in it */
    size_t seen[CASCADE_MAX], nseen = 0;
    int closed = 0;

    if (!ended_on_error(a) || !a->ix_start)
        return -1;
    if (!(count_ok = la_calloc(nrules + 1, 1)))
        return -1;                     /* out of memory: no ending bonus, nothing else lost */
    /* First pass: the strongest candidate, and the extent and strongest of the last block. */
    for (size_t j = a->nm; j-- > 0;) {
        if (!ending_candidate(r, a, j, count_ok))
            continue;
        double w = la_ruleset_rule(r->e->rs, a->m[j].rule)->weight;
        if (best < 0 || w >= la_ruleset_rule(r->e->rs, a->m[best].rule)->weight)
            best = (long)j;
        if (!closed && block && (block - a->m[j].line > CASCADE_GAP ||
                                 in_block(a, seen, nseen, j)))
            closed = 1;
        if (!closed) {
            block = a->m[j].line;
            top = w > top ? w : top;
            if (last < 0 || w >= la_ruleset_rule(r->e->rs, a->m[last].rule)->weight)
                last = (long)j;
            if (nseen < CASCADE_MAX)
                seen[nseen++] = j;
            else
                closed = 1;
        }
    }
    /* Second pass: the deepest line of the block that is not outweighed by its wrappers. */
    for (size_t j = 0; best >= 0 && j < a->nm && deep < 0; j++) {
        const struct la_rule_meta *m = la_ruleset_rule(r->e->rs, a->m[j].rule);
        double w = m->weight;
        if (m->vocab_producer && a->m[j].member == a->fail_member && a->m[j].line >= block &&
            w >= DEEP_WEIGHT && w >= top - DEEP_MARGIN && ending_candidate(r, a, j, count_ok))
            deep = (long)j;
    }
    la_free(count_ok);
    /* Of equally strong candidates, the last block's over one lines before it: the run went
     * on past that earlier error (a side request's refusal, then the missing program that
     * stopped the run). A retry loop's earlier round is no such error: it is next to it. */
    if (last >= 0 && a->m[best].line + CASCADE_GAP < block &&
        la_ruleset_rule(r->e->rs, a->m[last].rule)->weight >=
            la_ruleset_rule(r->e->rs, a->m[best].rule)->weight)
        best = last;
    /* On the strongest line itself, its strongest reading stands (a rule that refines a
     * producer's message on the same line). */
    if (deep >= 0 && a->m[deep].line == a->m[best].line)
        deep = -1;
    return deep >= 0 ? deep : best;
}

/* Whether match k is a producer's message of side link (a vocabulary-pack entry). */
static int is_link_message(const struct run *r, const struct attempt *a, size_t k)
{
    const struct la_rule_meta *m = la_ruleset_rule(r->e->rs, a->m[k].rule);

    return m->vocab_producer && m->vocab_side && !strcmp(m->vocab_side, "link");
}

/* Whether another match on match k's line is a link message: a record's matches are
 * appended together, so they are k's neighbours in a->m. */
static int shares_line_with_link_message(const struct run *r, const struct attempt *a, size_t k)
{
    const struct match *x = &a->m[k];
    size_t j;

    for (j = k; j-- > 0 && a->m[j].member == x->member && a->m[j].line == x->line;)
        if (is_link_message(r, a, j))
            return 1;
    for (j = k + 1; j < a->nm && a->m[j].member == x->member && a->m[j].line == x->line; j++)
        if (is_link_message(r, a, j))
            return 1;
    return 0;
}

/*
 * Whether the top cause rests only on a restore tool's own "link" messages ("can't init, no
 * device found", "Unable to send iBEC to device", "Unable to connect to device in recovery
 * mode"): a vocabulary-pack entry of side link says the tool could not reach or lost the
 * device, not why; a cable, the computer's USB stack or drivers, a tool that does not
 * support the chip, or a device in the wrong mode all print it.  A hand rule that reads the
 * same line (usb.component-send-device-lost on "Unable to send iBEC component: Unable to find
 * device") adds no other line.  Such a cause is listed first but called unclear unless
 * another line backs it: a hand rule's own line (a libusb or kernel USB error, a reset at a
 * known step) or a message of another side.  Nor does such a line earn the ending bonus
 * (weigh_ending): it says where the run ended, not why.
 */
static int rests_on_link_messages(const struct run *r, const struct attempt *a,
                                  const char *cause)
{
    int link = 0;

    for (size_t k = 0; k < a->nm; k++) {
        const struct la_rule_meta *m = la_ruleset_rule(r->e->rs, a->m[k].rule);
        if (!m->cause || m->against || strcmp(m->cause, cause) ||
            !match_counts(r->e, a, k, r->att, r->natt))
            continue;
        if (is_link_message(r, a, k)) {
            link = 1;
            continue;
        }
        if (!shares_line_with_link_message(r, a, k))
            return 0;
    }
    return link;
}

static void weigh_ending(const struct run *r, const struct attempt *a, long k,
                         struct cause_score *cs, size_t nc, json_t *notes)
{
    const struct la_rule_meta *m;

    if (k < 0)
        return;
    m = la_ruleset_rule(r->e->rs, a->m[k].rule);
    if (rests_on_link_messages(r, a, m->cause)) {
        note(notes, "the run ended on line %llu, a tool's message that it lost the device "
             "('%s'): it says what failed, not why, so no ending bonus",
             (unsigned long long)a->m[k].line, m->id);
        return;
    }
    for (size_t i = 0; i < nc; i++)
        if (!strcmp(cs[i].c->id, m->cause)) {
            cs[i].score += ENDING_WEIGHT;
            note(notes, "the run ended on line %llu, which names %s ('%s'): %s +%.1f log-odds",
                 (unsigned long long)a->m[k].line, cs[i].c->title, m->id, m->cause,
                 ENDING_WEIGHT);
        }
}

/* Steps already tried: a failure that survived them lowers what they rule out. */
static void weigh_tried(const struct la_engine *e, struct cause_score *cs, size_t nc,
                        json_t *notes, json_t *reasons)
{
    for (size_t s = 0; s < la_kb_n_steps(e->kb); s++) {
        const struct la_step *st = la_kb_step_at(e->kb, s);
        if (!la_engine_tried(e, st->id))
            continue;
        for (const char *const *lw = st->lowers; lw && *lw; lw++)
            for (size_t i = 0; i < nc; i++)
                if (!strcmp(cs[i].c->id, *lw) && !cs[i].tried_penalty) {
                    cs[i].score -= 1.5;
                    cs[i].tried_penalty = 1;
                    note(notes, "'%s' was already tried and the failure remained: %s made less "
                                "likely (-1.5 log-odds)", st->id, *lw);
                    reason(reasons, "tried", "'%s' was already tried and the restore still "
                           "failed, so %s is less likely", st->id, cs[i].c->title);
                }
    }
}

/* Shown evidence: strongest first, then in log order (a stable insertion sort). */
static void order_evidence(const struct la_engine *e, const struct attempt *a,
                           struct cause_score *s)
{
    for (size_t x = 1; x < s->nev; x++)
        for (size_t y = x; y > 0; y--) {
            const struct la_rule_meta *p = la_ruleset_rule(e->rs, a->m[s->ev[y - 1]].rule);
            const struct la_rule_meta *q = la_ruleset_rule(e->rs, a->m[s->ev[y]].rule);
            if (p->weight >= q->weight)
                break;
            size_t t = s->ev[y - 1];
            s->ev[y - 1] = s->ev[y];
            s->ev[y] = t;
        }
}

/* Confidences by softmax over the scores, most likely first. */
static void rank(struct cause_score *cs, size_t nc)
{
    double maxs = -1e300, sum = 0;

    for (size_t i = 0; i < nc; i++)
        if (cs[i].score > maxs)
            maxs = cs[i].score;
    for (size_t i = 0; i < nc; i++)
        sum += exp(cs[i].score - maxs);
    for (size_t i = 0; i < nc; i++)
        cs[i].conf = exp(cs[i].score - maxs) / sum;
    qsort(cs, nc, sizeof(*cs), cmp_score);
}

/*
 * The attempt's context rules causes out (a macOS virtual machine install has no USB link
 * and no device hardware): they get no prior, no evidence and no place in the ranking, and
 * the reason says why, in the context's own words.
 */
static void weigh_context(const struct run *r, const struct attempt *a, json_t *notes,
                          json_t *reasons)
{
    const struct la_context *x = a->context;
    struct la_buf ids = LA_BUF_INIT;

    if (!x)
        return;
    for (const char *const *c = x->excludes; *c; c++)
        if (la_buf_addf(&ids, "%s%s", c == x->excludes ? "" : ", ", *c) != LA_OK)
            break;
    note(notes, "line %llu says the run is %s ('%s'): %s ruled out (no prior, no evidence)",
         (unsigned long long)a->ctx_line, x->title,
         a->ctx_rule >= 0 ? la_ruleset_rule(r->e->rs, (size_t)a->ctx_rule)->id : "?",
         ids.buf ? ids.buf : "");
    reason(reasons, "context", "%s", x->reason);
    la_buf_release(&ids);
}

/* Score one attempt into causes (sorted).  Returns their count, or -1 on OOM. */
static int score_attempt(struct run *r, struct attempt *a, long ending,
                         struct cause_score **ret, json_t *notes, json_t *reasons)
{
    const struct la_engine *e = r->e;
    size_t nc, nrules = la_ruleset_count(e->rs);
    struct cause_score *cs;

    cs = new_scores(e, a, nrules, &nc);
    if (!cs)
        return -1;
    weigh_context(r, a, notes, reasons);
    if (collect(r, a, cs, nc) != LA_OK) {
        free_scores(cs, nc);
        return -1;
    }
    for (size_t i = 0; i < nc; i++)
        add_weights(&cs[i]);
    weigh_ending(r, a, ending, cs, nc, notes);
    weigh_repeats(r, a, cs, nc, notes, reasons);
    weigh_tried(e, cs, nc, notes, reasons);
    for (size_t i = 0; i < nc; i++)
        order_evidence(e, a, &cs[i]);
    rank(cs, nc);
    *ret = cs;
    return (int)nc;
}

/* ------------------------------------------------------------ the verdict */

/* Failure evidence without a result line (a device log that stops at Disk Failure). */
static int has_strong_evidence(const struct run *r, const struct attempt *a)
{
    for (size_t k = 0; k < a->nm; k++) {
        const struct la_rule_meta *m = la_ruleset_rule(r->e->rs, a->m[k].rule);
        if (m->cause && !m->against && m->weight >= 1.5 && m->level >= LA_LEVEL_MEDIUM &&
            match_counts(r->e, a, k, r->att, r->natt))
            return 1;
    }
    return 0;
}

int la_is_host_log(const char *format)
{
    static const char *const host_formats[] = { "itunes-updater", "finder-restore",
        "idevicerestore", "futurerestore", "pymobiledevice3", "flash-tool", NULL };

    for (const char *const *f = host_formats; format && *f; f++)
        if (!strcmp(format, *f))
            return 1;
    return 0;
}

/*
 * An attempt is a restore when a tool run started, a result or stage was
 * seen (a result code, or a result rule's outcome: "Installation failed."
 * names no code), one of its members is a restore log (the computer's or
 * the device's), or pasted text that names a firmware restore (an IPSW,
 * DFU mode, boot images: 'talk') has a failure line: whatever program
 * printed it was restoring.  A lone panic or crash report is not.
 */
static int is_restore(const struct run *r, const struct attempt *a)
{
    if (a->explicit_start || a->has_result || a->outcome >= 0 || a->nstages || a->tool_run ||
        (a->restore_talk && a->fail_text))
        return 1;
    for (size_t i = 0; i < a->nmembers; i++) {
        const char *f = r->members[a->members[i]].format;
        if (f && (la_is_host_log(f) || !strcmp(f, "restored-device")))
            return 1;
    }
    return 0;
}

static const char *attempt_outcome(const struct run *r, const struct attempt *a)
{
    int strong = has_strong_evidence(r, a), restore = is_restore(r, a);

    if (a->outcome == 1)
        return "failed";
    /* A success with code 0 is the tool's word; a success marker yields to failure evidence. */
    if (a->outcome == 0 && (a->has_result || !strong))
        return "succeeded";
    /* Strong evidence fails a restore, unless the run went on past it (a later stage, the
     * tool trying again) and the log stops without saying how that ended. */
    if (strong && !(a->went_on && restore))
        return restore ? "failed" : "evidence";
    if (restore)
        return ended_on_error(a) ? "failed" : "inconclusive";
    return "no-restore-found";
}

static int attempt_rank(const char *o)
{
    if (!strcmp(o, "failed"))
        return 4;
    if (!strcmp(o, "inconclusive"))
        return 3;
    if (!strcmp(o, "evidence"))
        return 2;
    if (!strcmp(o, "succeeded"))
        return 1;
    return 0;
}

/*
 * A restore tried again after it failed, and finished: the last restore attempt succeeded by
 * the tool's own word (a result line, "Done: restoring succeeded!") on the device every
 * earlier attempt was about. The restore ended well; the failures before stay in the
 * report's attempts. How many attempts failed before it, or 0.
 */
static int retried_to_success(const struct run *r, size_t last)
{
    const struct attempt *z = r->att[last];
    int failed = 0;

    if (strcmp(z->judged, "succeeded") || z->outcome != 0)
        return 0;
    for (size_t i = 0; i < last; i++) {
        const struct attempt *a = r->att[i];
        if (a->merged)
            continue;
        if (!la_attempt_same_device(a, z))
            return 0;
        failed += !strcmp(a->judged, "failed");
    }
    return failed;
}

/*
 * Judge every attempt; the last attempt of the highest rank is the one the verdict is about,
 * unless the restore was tried again and succeeded (retried_to_success()).
 * An attempt that stops with nothing failed (inconclusive, no failure line) and is followed
 * by another restore attempt was continued or given up, not cut off: the later attempt tells
 * how the restore ended (a tool that prints its start line again in the same run, untimed,
 * looks like a new attempt; a retry after an interrupted run is one).
 */
static void judge(struct run *r, struct verdict *v)
{
    int best = -1;
    size_t last = r->natt;

    for (size_t i = r->natt; i-- > 0;)
        if (!r->att[i]->merged && is_restore(r, r->att[i])) {
            last = i;
            break;
        }
    for (size_t i = 0; i < r->natt; i++) {
        struct attempt *a = r->att[i];
        if (a->merged)
            continue;
        a->judged = attempt_outcome(r, a);
        int rank = attempt_rank(a->judged);
        if (i < last && !a->fail_text && !strcmp(a->judged, "inconclusive"))
            rank = 0;
        if (rank >= best && (is_restore(r, a) || a->nm)) {
            best = rank;
            v->primary = a;
            v->outcome = a->judged;
        }
    }
    if (v->primary && last < r->natt && v->primary != r->att[last] &&
        !strcmp(v->outcome, "failed") && (v->retried = retried_to_success(r, last)) > 0) {
        v->primary = r->att[last];
        v->outcome = v->primary->judged;
    }
}

/* How sure the top cause is: evidence of its own and a clear lead, evidence, or priors only. */
static const char *certainty(const struct verdict *v)
{
    if (!v->ncauses || !v->causes[0].nfor)
        return "unclear";
    return v->causes[0].conf >= 0.7 ? "confident" : "likely";
}

/*
 * The line that decided it matched its rule only with letter case ignored (a retyped or
 * re-cased line, the matcher's folded pass): say so, and trust a rule file's rule no more than
 * "likely" (its regexes are case-sensitive, and their author may have meant it: "AMR", a
 * constant's name), while a restore tool's own message (a vocabulary pack's entry: the
 * producer's words, whatever their case) keeps its level (docs/internals/rules.md).
 */
static void retyped(const struct run *r, struct verdict *v)
{
    const struct la_rule_meta *m = la_ruleset_rule(r->e->rs, v->primary->m[v->decider].rule);

    if (!m->vocab_producer && v->level && !strcmp(v->level, "confident"))
        v->level = "likely";
    reason(v->reasons, "retyped", "The line that decided it reads as %s only with its letter "
           "case ignored (text retyped or re-cased on its way here).",
           m->vocab_producer ? "the tool's own message" : "a known message");
}

enum la_rc la_verdict_decide(struct run *r, struct verdict *ret)
{
    struct verdict v = { NULL, "no-restore-found", NULL, NULL, 0, json_array(), NULL, -1, 0, 0,
                         json_array(), 0 };
    const char *o;

    if (!v.notes || !v.reasons) {
        json_decref(v.notes);
        json_decref(v.reasons);
        return LA_FATAL;
    }
    judge(r, &v);
    o = v.outcome;
    if (v.primary)
        v.ended_on_error = ended_on_error(v.primary);
    /*
     * Causes are weighed for a failure, for failure evidence outside a restore, and for a
     * run whose log stops without a word on how it ended only when something in it failed:
     * a run cut off while every step so far went well gets no cause at all, and so does one
     * that went on to a later stage after its last failure line (the error did not stop it).
     */
    if (v.primary && (!strcmp(o, "failed") || !strcmp(o, "evidence") ||
                      (!strcmp(o, "inconclusive") && v.primary->fail_text &&
                       !v.primary->went_on))) {
        if (index_attempt(v.primary, la_ruleset_count(r->e->rs)) < 0) {
            la_verdict_release(&v);
            return LA_FATAL;
        }
        v.decider = ending_match(r, v.primary);
        /* No rule explains how the run ended: the failure line's own wording may (fallback
         * rules), as weak evidence that never makes the diagnosis confident. */
        if (v.decider < 0 && v.ended_on_error) {
            v.primary->fallback_ok = 1;
            v.decider = ending_match(r, v.primary);
            if (v.decider < 0)
                v.primary->fallback_ok = 0;
        }
        v.ncauses = score_attempt(r, v.primary, v.decider, &v.causes, v.notes, v.reasons);
        if (v.ncauses < 0) {
            v.ncauses = 0;
            la_verdict_release(&v);
            return LA_FATAL;
        }
        if (strcmp(o, "evidence"))
            v.level = certainty(&v);
        if (v.level && !strcmp(v.level, "confident") && v.primary->fallback_ok)
            v.level = "likely";
        if (v.decider >= 0 && v.primary->m[v.decider].folded)
            retyped(r, &v);
        if (v.level && strcmp(v.level, "unclear") &&
            rests_on_link_messages(r, v.primary, v.causes[0].c->id)) {
            v.level = "unclear";
            v.ambiguous = 1;
            reason(v.reasons, "ambiguous", "The tool says only that it could not reach or "
                   "lost the device: a cable, the computer's USB drivers, a tool that does not "
                   "support this device, or a device in the wrong mode each make it say that, "
                   "and nothing else in the log tells them apart.");
        }
        /* Failure evidence outside a restore: the device shows signs, no restore was seen. */
        if (!strcmp(o, "evidence"))
            v.outcome = "no-restore-found";
    }
    if (v.primary)
        v.stage = v.primary->fail_stage ? v.primary->fail_stage : v.primary->stage;
    *ret = v;
    return LA_OK;
}

void la_verdict_release(struct verdict *v)
{
    free_scores(v->causes, (size_t)(v->ncauses > 0 ? v->ncauses : 0));
    json_decref(v->notes);
    json_decref(v->reasons);
    v->causes = NULL;
    v->ncauses = 0;
    v->notes = v->reasons = NULL;
}
