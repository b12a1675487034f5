/*
 * The report document (schema loganalyze.report/1, docs/report-schema.json):
 * an input's report object, written from its run and verdict, and the batch
 * document that wraps the reports of a run of loganalyze with the tool, the
 * ruleset and a summary.  report/ renders the document; nothing here decides
 * anything (score.c does), it only writes down what was decided.
 *
 * Data flow: la_doc_report() writes, in this key order, the input, outcome,
 * verdict line, error codes (the numbers, then with their numbering spaces),
 * device and host facts, attempts (the latest LA_MAX_ATTEMPTS_LISTED), causes
 * with their evidence, members (the first
 * LA_MAX_MEMBERS_LISTED), unexplained templates, warnings, what to collect
 * next, the remediation ladder and the ranking notes.  la_engine_document()
 * adds the summary, the fold of summary.c over the reports: counts by outcome,
 * cause, code and model, and patterns across inputs (one device failing at one
 * step, failures clustering on one host, one cause dominating a model).
 *
 * Invariants: every piece of untrusted text goes through la_redact_json(),
 * which makes it valid UTF-8 (jansson writes nothing else); key order is part
 * of the output (goldens compare bytes).  A value lost to OOM leaves its key
 * out rather than failing the report, except for the top-level arrays and the
 * verdict line.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze/analyze-internal.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "formats/formats.h"

/* ------------------------------------------------------------ pieces of a report */

json_t *la_doc_member(struct run *r, const struct member_info *m)
{
    json_t *mo = json_object();

    json_object_set_new(mo, "path", la_redact_json(r->e, m->path, strlen(m->path)));
    json_object_set_new(mo, "format", m->format ? json_string(m->format) : json_null());
    json_object_set_new(mo, "bytes", json_integer((json_int_t)m->bytes));
    json_object_set_new(mo, "lines", json_integer((json_int_t)m->lines));
    json_object_set_new(mo, "status", json_string(m->status ? m->status : "ok"));
    const struct la_tv3_stats *t = la_tv3_member_stats(r, (size_t)(m - r->members));
    if (t) {
        json_object_set_new(mo, "tracev3", json_pack(
            "{s:I,s:I,s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I},s:I,s:I}",
            "records", (json_int_t)t->entries, "unresolved", (json_int_t)t->unresolved,
            "chunks", "catalog", (json_int_t)t->catalogs, "chunkset", (json_int_t)t->chunksets,
            "firehose", (json_int_t)t->firehose, "oversize", (json_int_t)t->oversize,
            "statedump", (json_int_t)t->statedump, "simpledump", (json_int_t)t->simpledump,
            "unsupported", (json_int_t)t->unsupported,
            "damaged", (json_int_t)t->damaged, "decompressed_bytes", (json_int_t)t->decompressed));
    }
    return mo;
}

/* A JSON string of a time, or null when there is none. */
static json_t *time_json(int64_t t, int has_date)
{
    struct la_buf b = LA_BUF_INIT;
    json_t *j = t >= 0 && la_format_time(&b, t, has_date) == LA_OK ? json_string(b.buf)
                                                                  : json_null();

    la_buf_release(&b);
    return j;
}

static json_t *evidence_json(struct run *r, const struct match *x)
{
    const struct la_rule_meta *m = la_ruleset_rule(r->e->rs, x->rule);
    const char *src = r->members[x->member].path;
    json_t *o = json_object();

    if (!o)
        return NULL;
    json_object_set_new(o, "rule", json_string(m->id));
    json_object_set_new(o, "title", json_string(m->title));
    json_object_set_new(o, "weight", json_real(m->weight));
    json_object_set_new(o, "source", la_redact_json(r->e, src, strlen(src)));
    json_object_set_new(o, "line", json_integer((json_int_t)x->line));
    json_object_set_new(o, "time", time_json(x->time, x->has_date));
    json_object_set_new(o, "text", la_redact_json(r->e, x->text, strlen(x->text)));
    if (m->advice)
        json_object_set_new(o, "advice", json_string(m->advice));
    if (m->vocab_meaning_len)
        json_object_set_new(o, "meaning", json_stringn(m->description, m->vocab_meaning_len));
    return o;
}

static json_t *facts_json(struct run *r, const struct attempt *a, int host)
{
    json_t *o = json_object();
    static const int dev[] = { FACT_MODEL, FACT_IOS, FACT_BUILD, FACT_ECID, FACT_UDID,
                               FACT_SERIAL };
    static const char *const devk[] = { "model", "ios", "build", "ecid", "udid", "serial" };

    if (!o || !a)
        return o;
    if (host) {
        if (a->facts[FACT_HOST])
            json_object_set_new(o, "software", la_redact_json(r->e, a->facts[FACT_HOST],
                                                              strlen(a->facts[FACT_HOST])));
        if (a->facts[FACT_HOSTOS])
            json_object_set_new(o, "os", la_redact_json(r->e, a->facts[FACT_HOSTOS],
                                                        strlen(a->facts[FACT_HOSTOS])));
        return o;
    }
    for (int i = 0; i < 6; i++) {
        const char *v = a->facts[dev[i]];
        if (!v)
            continue;
        if (dev[i] >= FACT_ECID && r->e->o.redact) {
            /* An identifier is a token as a whole, whatever the patterns would find in it. */
            struct la_buf b = LA_BUF_INIT;
            enum la_rc rc = LA_OK;
            la_redact_token(r->e->rd, devk[i], v, strlen(v), &b, &rc);
            if (rc == LA_OK)
                json_object_set_new(o, devk[i], json_string(b.buf));
            la_buf_release(&b);
        } else {
            json_object_set_new(o, devk[i], la_redact_json(r->e, v, strlen(v)));
        }
    }
    return o;
}

/* Whether step s belongs only to causes the context rules out (no cause lists it: no). */
static int step_ruled_out(const struct la_kb *kb, const struct la_context *x,
                          const struct la_step *s)
{
    int listed = 0;

    for (size_t i = 0; x && i < la_kb_n_causes(kb); i++) {
        const struct la_cause *c = la_kb_cause_at(kb, i);
        for (const char *const *p = c->remediation; p && *p; p++)
            if (!strcmp(*p, s->id)) {
                if (!la_context_excludes(x, c->id))
                    return 0;
                listed = 1;
            }
    }
    return listed;
}

/*
 * The remediation ladder: the top cause's steps, or every step when there is none, but
 * none that only a cause the context rules out names (no cable to change in a VM).
 */
static json_t *ladder_json(struct run *r, const struct cause_score *top,
                           const struct la_context *x)
{
    json_t *arr = json_array();
    const struct la_kb *kb = r->e->kb;

    for (size_t i = 0; i < la_kb_n_steps(kb) && arr; i++) {
        const struct la_step *s = la_kb_step_at(kb, i);
        if (step_ruled_out(kb, x, s))
            continue;
        if (top) {
            int in = 0;
            for (const char *const *p = top->c->remediation; p && *p; p++)
                in |= !strcmp(*p, s->id);
            if (!in)
                continue;
        }
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(s->id));
        json_object_set_new(o, "text", json_string(s->text));
        json_object_set_new(o, "why", json_string(s->why ? s->why : ""));
        json_object_set_new(o, "if_still_fails",
                            json_string(s->if_still_fails ? s->if_still_fails : ""));
        json_object_set_new(o, "tried", json_boolean(la_engine_tried(r->e, s->id)));
        json_array_append_new(arr, o);
    }
    return arr;
}

/* What to collect next: the result code's advice, else the context's, else the logs that are
 * missing. */
static json_t *collect_json(struct run *r, const struct attempt *a, const char *outcome)
{
    json_t *arr = json_array();
    int have_device = 0, have_host = 0;

    for (size_t i = 0; i < r->nmembers; i++) {
        const char *f = r->members[i].format;
        if (!f)
            continue;
        have_device |= !strcmp(f, "restored-device") || !strcmp(f, "ips-panic");
        have_host |= la_is_host_log(f);
    }
    if (a && a->has_result) {
        const struct la_code *c = la_kb_code_in(r->e->kb, a->result_space, a->result);
        for (const char *const *p = c ? c->collect : NULL; p && *p; p++)
            json_array_append_new(arr, json_string(*p));
    }
    if (!strcmp(outcome, "failed") && json_array_size(arr))
        return arr;
    /* A context knows its own logs (a VM install's are the Mac's, not a phone's). */
    if (a && a->context && a->context->collect) {
        for (const char *const *p = a->context->collect; *p; p++)
            json_array_append_new(arr, json_string(*p));
        return arr;
    }
    if (!have_host)
        json_array_append_new(arr, json_string(
            "the host's restore log: on Windows the iPhone Updater Logs folder under "
            "%AppData%\\Apple Computer\\iTunes, on a Mac the unified log of AMPDevicesAgent "
            "(`log show --last 1h --predicate 'process == \"AMPDevicesAgent\"'`), or the "
            "console output of idevicerestore run with -d (see `loganalyze logs`)"));
    if (!have_device)
        json_array_append_new(arr, json_string(
            "the device's side: after the device boots again, a sysdiagnose (it holds panic "
            "reports under crashes_and_spins/), or the device restore log that idevicerestore "
            "prints after 'Log is available:'"));
    return arr;
}

/* Most frequent first; ties in order of first appearance (source, line). */
static int cmp_tmpl(const void *x, const void *y)
{
    const struct tmpl *a = x, *b = y;
    int c;

    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    c = strcmp(a->source, b->source);
    if (c)
        return c;
    return a->line < b->line ? -1 : a->line > b->line;
}

/* Warning LA106 in the report only (not on stderr): a list of the report was cut short. */
static void list_cut(struct run *r, const char *msg)
{
    json_array_append_new(r->warnings, json_pack("{s:s,s:s,s:o,s:s}", "code", "LA106",
                                                 "severity", "warning", "source",
                                                 la_redact_json(r->e, r->input,
                                                                strlen(r->input)),
                                                 "message", msg));
}

/* ------------------------------------------------------------ an input's report */

/* An attempt worth listing: a tool run, a result, a stage or a kept match. */
static int listable(const struct attempt *a)
{
    return !a->merged && (a->explicit_start || a->has_result || a->nm || a->nstages);
}

/* One phase of an attempt's timeline: the stages of one stage group. */
struct phase {
    const struct la_stage_group *g;   /* NULL: stages stages.yaml does not group */
    unsigned first, last, n;          /* indices into the attempt's stages */
    unsigned seq;                     /* when a stage of it was last reached (stage_seq) */
};

static int cmp_phase(const void *x, const void *y)
{
    const struct phase *a = x, *b = y;

    return (a->seq > b->seq) - (a->seq < b->seq);
}

/*
 * The attempt's timeline: its stages by stage group (stages.yaml), one phase per group, in
 * the order the phases were last worked on (stage_seq: a stage reached again counts where it
 * was reached last), so the phase the attempt stopped in comes last
 * (a restore interleaves housekeeping with its main steps: by first appearance the baseband
 * migration data early in a restore would put "Modem" before the system image).  Each phase
 * has its group's id and label, its stages, when its first and last stage were reached and
 * whether the attempt failed in it.  Stages no group lists share one phase, group null.
 */
static json_t *phases_json(struct run *r, const struct attempt *a, const char *failed_stage)
{
    struct phase ph[LA_MAX_STAGES];
    unsigned nph = 0;
    json_t *arr = json_array();

    for (unsigned k = 0; k < a->nstages; k++) {
        const struct la_stage_group *g = la_kb_stage_group(r->e->kb, a->stages[k]);
        unsigned i = 0;
        while (i < nph && ph[i].g != g)
            i++;
        if (i == nph)
            ph[nph++] = (struct phase){ g, k, k, 0, 0 };
        ph[i].last = k;
        ph[i].n++;
        if (a->stage_seq[k] > ph[i].seq)
            ph[i].seq = a->stage_seq[k];
    }
    qsort(ph, nph, sizeof(*ph), cmp_phase);
    for (unsigned i = 0; i < nph && arr; i++) {
        json_t *o = json_object(), *st = json_array();
        int failed = 0;
        for (unsigned k = ph[i].first; k <= ph[i].last; k++) {
            if (la_kb_stage_group(r->e->kb, a->stages[k]) != ph[i].g)
                continue;
            json_array_append_new(st, json_string(a->stages[k]));
            failed |= failed_stage && !strcmp(a->stages[k], failed_stage);
        }
        json_object_set_new(o, "group", ph[i].g ? json_string(ph[i].g->id) : json_null());
        json_object_set_new(o, "label", json_string(ph[i].g ? ph[i].g->label : "Other steps"));
        json_object_set_new(o, "stages", st);
        json_object_set_new(o, "first", time_json(a->stage_time[ph[i].first],
                                                  a->stage_dated[ph[i].first]));
        json_object_set_new(o, "last", time_json(a->stage_time[ph[i].last],
                                                 a->stage_dated[ph[i].last]));
        json_object_set_new(o, "failed", json_boolean(failed));
        json_array_append_new(arr, o);
    }
    return arr;
}

/* The last line of the attempt that said something failed: {source, line, text}, or null. */
static json_t *failure_json(struct run *r, const struct attempt *a)
{
    const char *src;
    json_t *o;

    if (!a->fail_text)
        return json_null();
    src = r->members[a->fail_member].path;
    o = json_object();
    json_object_set_new(o, "source", la_redact_json(r->e, src, strlen(src)));
    json_object_set_new(o, "line", json_integer((json_int_t)a->fail_line));
    json_object_set_new(o, "text", la_redact_json(r->e, a->fail_text, strlen(a->fail_text)));
    return o;
}

static json_t *attempt_json(struct run *r, const struct attempt *a, size_t idx)
{
    json_t *ao = json_object(), *st = json_array(), *src = json_array();
    const char *st_name = a->fail_stage ? a->fail_stage : a->stage;

    json_object_set_new(ao, "index", json_integer((json_int_t)idx));
    json_object_set_new(ao, "started", time_json(a->start, a->has_date));
    json_object_set_new(ao, "ended", time_json(a->end, a->has_date));
    json_object_set_new(ao, "result", a->has_result ? json_integer(a->result) : json_null());
    /* Evidence without a restore (a lone panic report) is not a failed restore: the attempt
     * says what the report says, "no-restore-found"; its causes still show the fault. */
    json_object_set_new(ao, "outcome", json_string(!strcmp(a->judged, "evidence")
                                                       ? "no-restore-found" : a->judged));
    json_object_set_new(ao, "stage", st_name ? json_string(st_name) : json_null());
    for (unsigned k = 0; k < a->nstages; k++)
        json_array_append_new(st, json_string(a->stages[k]));
    json_object_set_new(ao, "stages", st);
    for (size_t k = 0; k < a->nmembers; k++) {
        const char *p = r->members[a->members[k]].path;
        json_array_append_new(src, la_redact_json(r->e, p, strlen(p)));
    }
    json_object_set_new(ao, "sources", src);
    json_object_set_new(ao, "host", facts_json(r, a, 1));
    json_object_set_new(ao, "phases",
                        phases_json(r, a, !strcmp(a->judged, "failed") ||
                                                  !strcmp(a->judged, "evidence") ? st_name
                                                                                 : NULL));
    json_object_set_new(ao, "failure", failure_json(r, a));
    return ao;
}

/* The listable attempts, numbered from 1; only the latest when there are too many. */
static void fill_attempts(struct run *r, json_t *attempts, size_t *ret_skipped)
{
    size_t n = 0, idx = 0, skipped = 0;

    for (size_t i = 0; i < r->natt; i++)
        n += listable(r->att[i]);
    for (size_t i = 0; i < r->natt; i++) {
        if (!listable(r->att[i]))
            continue;
        idx++;
        if (n > LA_MAX_ATTEMPTS_LISTED && skipped < n - LA_MAX_ATTEMPTS_LISTED) {
            skipped++;
            continue;
        }
        json_array_append_new(attempts, attempt_json(r, r->att[i], idx));
    }
    *ret_skipped = skipped;
}

/* One entry of codes: {"code", "space", "printed", "from"?}; error_codes gets each number once. */
static void put_code(const struct code *c, json_t *ints, json_t *objs)
{
    const struct la_space *sp = la_space_at(c->space);
    json_t *o = json_object();
    size_t i;
    json_t *v;
    int seen = 0;

    json_array_foreach(ints, i, v)
        seen |= json_integer_value(v) == c->code;
    if (!seen)
        json_array_append_new(ints, json_integer(c->code));
    if (!o)
        return;
    json_object_set_new(o, "code", json_integer(c->code));
    json_object_set_new(o, "space", json_string(sp ? sp->id : "dialog"));
    json_object_set_new(o, "printed", json_boolean(c->printed));
    if (c->has_from) {
        const struct la_space *fs = la_space_at(c->from_space);
        char from[64];
        snprintf(from, sizeof(from), "%s:%ld", fs ? fs->id : "dialog", c->from_code);
        json_object_set_new(o, "from", json_string(from));
    }
    json_array_append_new(objs, o);
}

/* Code k, then the codes mapped from it (TSS 94, then 3194 beside it). */
static void put_with_mapped(const struct attempt *p, unsigned k, unsigned char *done,
                            json_t *ints, json_t *objs)
{
    const struct code *c = &p->codes[k];

    done[k] = 1;
    put_code(c, ints, objs);
    for (unsigned j = 0; j < p->ncodes; j++)
        if (!done[j] && p->codes[j].has_from && p->codes[j].from_space == c->space &&
            p->codes[j].from_code == c->code) {
            done[j] = 1;
            put_code(&p->codes[j], ints, objs);
        }
}

/* With no attempt to report on (no restore seen), the last one that printed codes. */
static const struct attempt *codes_attempt(const struct run *r)
{
    for (size_t i = r->natt; i-- > 0;)
        if (!r->att[i]->merged && r->att[i]->ncodes)
            return r->att[i];
    return NULL;
}

/*
 * Error codes, most significant first: the primary attempt's result, then the codes on the
 * restore error-number line in the order seen, then the other spaces' (a BBUpdater or
 * futurerestore code says less about the restore than the number it failed with), a mapped
 * error number right after the code it was mapped from.  error_codes holds the numbers (each
 * once), codes the same with their numbering space.
 */
static void fill_codes(const struct attempt *p, json_t *ints, json_t *objs)
{
    unsigned char done[LA_MAX_CODES] = { 0 };
    long num;

    if (!p)
        return;
    if (p->has_result && p->result) {
        unsigned k = 0;
        while (k < p->ncodes &&
               (p->codes[k].code != p->result || p->codes[k].space != p->result_space))
            k++;
        if (k < p->ncodes) {
            put_with_mapped(p, k, done, ints, objs);
        } else {
            struct code r = { .code = p->result, .space = p->result_space,
                              .printed = p->result_printed };
            put_code(&r, ints, objs);
        }
    }
    for (unsigned k = 0; k < p->ncodes; k++)
        if (!done[k] && la_space_number(p->codes[k].space, p->codes[k].code, &num))
            put_with_mapped(p, k, done, ints, objs);
    for (unsigned k = 0; k < p->ncodes; k++)
        if (!done[k])
            put_with_mapped(p, k, done, ints, objs);
}

static json_t *cause_json(struct run *r, const struct attempt *primary,
                          const struct cause_score *s)
{
    json_t *co = json_object(), *ev = json_array(), *ag = json_array(), *rem = json_array();

    json_object_set_new(co, "id", json_string(s->c->id));
    json_object_set_new(co, "title", json_string(s->c->title));
    /* Never claim certainty: a log is evidence, not proof. */
    json_object_set_new(co, "confidence", json_real(fmin(0.99, round(s->conf * 1000) / 1000)));
    json_object_set_new(co, "level", json_string(s->conf >= 0.7   ? "high"
                                                 : s->conf >= 0.4 ? "medium"
                                                                  : "low"));
    json_object_set_new(co, "summary", json_string(s->c->summary));
    for (size_t k = 0; k < s->nev; k++)
        json_array_append_new(ev, evidence_json(r, &primary->m[s->ev[k]]));
    for (size_t k = 0; k < s->nag; k++)
        json_array_append_new(ag, evidence_json(r, &primary->m[s->ag[k]]));
    json_object_set_new(co, "evidence", ev);
    json_object_set_new(co, "against", ag);
    for (const char *const *p = s->c->remediation; p && *p; p++) {
        const struct la_step *st = la_kb_step(r->e->kb, *p);
        if (st)
            json_array_append_new(rem, json_string(st->text));
    }
    json_object_set_new(co, "remediation", rem);
    json_object_set_new(co, "next_test", json_string(s->c->next_test ? s->c->next_test : ""));
    return co;
}

/* Listed: causes with evidence, and the top three by prior when none has any. */
static void fill_causes(struct run *r, const struct verdict *v, json_t *causes)
{
    const struct cause_score *cs = v->causes;

    for (int i = 0; i < v->ncauses; i++) {
        if (!cs[i].nfor && !cs[i].nagainst && (i >= 3 || cs[0].nfor))
            continue;
        json_array_append_new(causes, cause_json(r, v->primary, &cs[i]));
    }
}

/* Whether the primary attempt printed an error code whose priors ranked the causes. */
static int has_code(const struct attempt *p)
{
    return p && ((p->has_result && p->result) || p->ncodes);
}

/* The verdict line: "FAILED 4013 at 'update_baseband' — most likely … (87 %)". */
static enum la_rc verdict_line(const struct verdict *v, struct la_buf *out)
{
    const struct attempt *p = v->primary;
    const struct cause_score *top = v->ncauses ? &v->causes[0] : NULL;
    int failed = !strcmp(v->outcome, "failed");
    enum la_rc rc;

    if (failed || !strcmp(v->outcome, "inconclusive")) {
        rc = la_buf_adds(out, failed ? "FAILED" : "INCONCLUSIVE");
        if (rc == LA_OK && p && p->has_result)
            rc = la_buf_addf(out, " %ld", p->result);
        if (rc == LA_OK && v->stage)
            rc = la_buf_addf(out, " at '%s'", v->stage);
        if (rc != LA_OK)
            return rc;
        if (top && top->nfor && v->ambiguous)
            return la_buf_addf(out, " — cause unclear; the tool says only that it could not "
                               "reach or lost the device, which points first to %s",
                               top->c->title);
        if (top && top->nfor)
            return la_buf_addf(out, " — %s %s (%d %%)",
                               failed ? "most likely" : "no clear end; the evidence points to",
                               top->c->title, (int)lround(fmin(0.99, top->conf) * 100));
        /* No cause: nothing failed, or the run went on past its last error (a later stage,
         * the tool trying again) and the log stops before it ends. */
        if (!top)
            return la_buf_adds(out, p && p->fail_text && p->went_on
                                        ? " — the log ends before the restore does; the run "
                                          "went on past its last error"
                                        : " — the log ends before the restore does; nothing in "
                                          "it failed");
        rc = la_buf_adds(out, failed ? " — cause unclear" : " — no clear evidence");
        if (rc == LA_OK && has_code(p))
            rc = la_buf_addf(out, "; by the error code alone most often %s (%d %%)",
                             top->c->title, (int)lround(fmin(0.99, top->conf) * 100));
        else if (rc == LA_OK)
            rc = la_buf_adds(out, "; no line of the log says why");
        return rc;
    }
    if (!strcmp(v->outcome, "succeeded") && v->retried > 1)
        return la_buf_addf(out, "SUCCEEDED — the restore completed when tried again, after %d "
                           "failed attempts", v->retried);
    if (!strcmp(v->outcome, "succeeded"))
        return la_buf_adds(out, v->retried ? "SUCCEEDED — the restore completed when tried "
                                             "again, after a failed attempt"
                                           : "SUCCEEDED — the restore completed");
    rc = la_buf_adds(out, "NO RESTORE FOUND — no restore attempt in this input");
    if (rc == LA_OK && top && top->nfor)
        rc = la_buf_addf(out, "; the device shows signs of %s (%d %%)", top->c->title,
                         (int)lround(top->conf * 100));
    return rc;
}

/*
 * The line that decided the diagnosis: the evidence that ended the run, else the top
 * cause's strongest line, else the last line that said something failed (no rule
 * explained it, or a rule with no cause).  NULL when there is none.
 */
static json_t *deciding_line(struct run *r, const struct verdict *v)
{
    const struct attempt *p = v->primary;
    const struct match *x = NULL;
    json_t *o;

    const struct cause_score *top = v->ncauses && v->causes[0].nfor ? &v->causes[0] : NULL;

    /* The ending line decided only when it names the cause that came out on top. */
    if (top && v->decider >= 0 &&
        !strcmp(la_ruleset_rule(r->e->rs, p->m[v->decider].rule)->cause, top->c->id))
        x = &p->m[v->decider];
    else if (top && top->nev)
        x = &p->m[top->ev[0]];
    if (x && x->text)
        return evidence_json(r, x);
    if (!p->fail_text)
        return json_null();
    o = json_object();
    const char *src = r->members[p->fail_member].path;
    json_object_set_new(o, "rule", p->fail_rule >= 0
                                       ? json_string(la_ruleset_rule(r->e->rs,
                                                                     (size_t)p->fail_rule)->id)
                                       : json_null());
    json_object_set_new(o, "source", la_redact_json(r->e, src, strlen(src)));
    json_object_set_new(o, "line", json_integer((json_int_t)p->fail_line));
    json_object_set_new(o, "text", la_redact_json(r->e, p->fail_text, strlen(p->fail_text)));
    return o;
}

/*
 * How sure the cause is, apart from what happened to the restore (outcome): level
 * confident / likely / unclear, the cause it names (none when unclear), the line that
 * decided it and the stage.  null when nothing failed.
 */
static json_t *diagnosis_json(struct run *r, const struct verdict *v)
{
    const struct cause_score *top = v->ncauses ? &v->causes[0] : NULL;
    int named = top && top->nfor && !v->ambiguous;
    json_t *o;

    if (!v->level || !v->primary)
        return json_null();
    o = json_object();
    json_object_set_new(o, "level", json_string(v->level));
    json_object_set_new(o, "cause", named ? json_string(top->c->id) : json_null());
    json_object_set_new(o, "confidence",
                        named ? json_real(fmin(0.99, round(top->conf * 1000) / 1000))
                              : json_null());
    json_object_set_new(o, "ended_on_error", json_boolean(v->ended_on_error));
    json_object_set_new(o, "stage", v->stage ? json_string(v->stage) : json_null());
    json_object_set_new(o, "line", deciding_line(r, v));
    {
        const struct la_stage_group *g = la_kb_stage_group(r->e->kb, v->stage);
        json_object_set_new(o, "stage_name",
                            g && g->doing ? json_string(g->doing) : json_null());
    }
    json_object_set_new(o, "reasons", json_incref(v->reasons));
    return o;
}

static void fill_members(struct run *r, json_t *members)
{
    for (size_t i = 0; i < r->nmembers && i < LA_MAX_MEMBERS_LISTED; i++)
        json_array_append_new(members, la_doc_member(r, &r->members[i]));
}

static void fill_unexplained(struct run *r, json_t *unexp)
{
    struct la_engine *e = r->e;

    if (r->ntm)
        qsort(r->tm, r->ntm, sizeof(*r->tm), cmp_tmpl);
    /* The hash index points at the old order: dropped, built again if a template comes. */
    la_free(r->tm_slot);
    r->tm_slot = NULL;
    r->tm_nslots = 0;
    for (size_t i = 0; i < r->ntm; i++) {
        json_t *u = json_object();
        json_object_set_new(u, "template", la_redact_json(e, r->tm[i].key, strlen(r->tm[i].key)));
        json_object_set_new(u, "count", json_integer((json_int_t)r->tm[i].count));
        json_object_set_new(u, "source", la_redact_json(e, r->tm[i].source,
                                                        strlen(r->tm[i].source)));
        json_object_set_new(u, "line", json_integer((json_int_t)r->tm[i].line));
        json_object_set_new(u, "text", la_redact_json(e, r->tm[i].text, strlen(r->tm[i].text)));
        json_array_append_new(unexp, u);
    }
}

/* What to collect and which steps to take: for a clear failure, its top cause's. */
static void add_advice(struct run *r, const struct verdict *v, json_t *rep)
{
    const char *o = v->outcome;
    int need_help = strcmp(o, "failed") && strcmp(o, "succeeded");
    /* json_object_get, not the causes array: set_new freed it when it could not be added. */
    const json_t *listed = json_object_get(rep, "causes");

    json_object_set_new(rep, "collect", need_help || !json_array_size(listed)
                                            ? collect_json(r, v->primary, o)
                                            : collect_json(r, v->primary, "failed"));
    json_object_set_new(rep, "ladder",
                        ladder_json(r, need_help || !v->ncauses ? NULL : &v->causes[0],
                                    v->primary ? v->primary->context : NULL));
}

/*
 * What the run is, when a rule said so (rules/README.md "Context"): the context, the causes
 * it rules out, why, and the line that said it.  NULL when no rule did.
 */
static json_t *context_json(struct run *r, const struct attempt *a)
{
    const struct la_context *x = a ? a->context : NULL;
    json_t *o, *ex, *line;

    if (!x)
        return NULL;
    o = json_object();
    ex = json_array();
    line = json_object();
    if (!o || !ex || !line) {
        json_decref(o);
        json_decref(ex);
        json_decref(line);
        return NULL;
    }
    for (const char *const *c = x->excludes; *c; c++)
        json_array_append_new(ex, json_string(*c));
    json_object_set_new(o, "id", json_string(x->id));
    json_object_set_new(o, "title", json_string(x->title));
    json_object_set_new(o, "reason", json_string(x->reason));
    json_object_set_new(o, "excludes", ex);
    json_object_set_new(line, "rule", a->ctx_rule >= 0
                                          ? json_string(la_ruleset_rule(r->e->rs,
                                                                        (size_t)a->ctx_rule)->id)
                                          : json_null());
    {
        const char *src = a->ctx_member < r->nmembers ? r->members[a->ctx_member].path : "";
        json_object_set_new(line, "source", la_redact_json(r->e, src, strlen(src)));
    }
    json_object_set_new(line, "line", json_integer((json_int_t)a->ctx_line));
    json_object_set_new(o, "line", line);
    return o;
}

json_t *la_doc_report(struct run *r, const struct verdict *v)
{
    struct la_buf line = LA_BUF_INIT;
    size_t skipped = 0;
    char buf[160];
    json_t *rep = json_object(), *attempts = json_array(), *members = json_array();
    json_t *codes = json_array(), *causes = json_array(), *unexp = json_array();
    json_t *spaced = json_array();

    if (!rep || !attempts || !members || !codes || !causes || !unexp || !spaced)
        goto oom;
    fill_attempts(r, attempts, &skipped);
    fill_codes(v->primary ? v->primary : codes_attempt(r), codes, spaced);
    fill_causes(r, v, causes);
    if (verdict_line(v, &line) != LA_OK)
        goto oom;
    json_object_set_new(rep, "input", la_redact_json(r->e, r->input, strlen(r->input)));
    json_object_set_new(rep, "outcome", json_string(v->outcome));
    json_object_set_new(rep, "verdict", json_string(line.buf));
    la_buf_release(&line);
    json_object_set_new(rep, "error_codes", codes);
    json_object_set_new(rep, "codes", spaced);
    json_object_set_new(rep, "device", facts_json(r, v->primary, 0));
    json_object_set_new(rep, "host", facts_json(r, v->primary, 1));
    {
        json_t *ctx = context_json(r, v->primary);
        if (ctx)
            json_object_set_new(rep, "context", ctx);
    }
    json_object_set_new(rep, "attempts", attempts);
    if (skipped) {
        snprintf(buf, sizeof(buf), "%zu earlier restore attempts are not listed; the report "
                 "shows the latest %u", skipped, LA_MAX_ATTEMPTS_LISTED);
        list_cut(r, buf);
    }
    json_object_set_new(rep, "causes", causes);
    json_object_set_new(rep, "diagnosis", diagnosis_json(r, v));
    fill_members(r, members);
    json_object_set_new(rep, "members", members);
    if (r->nmembers + r->unlisted > LA_MAX_MEMBERS_LISTED) {
        snprintf(buf, sizeof(buf), "%zu more members were read but are not listed "
                 "(`loganalyze inspect` lists them all)",
                 r->nmembers + r->unlisted - LA_MAX_MEMBERS_LISTED);
        list_cut(r, buf);
    }
    fill_unexplained(r, unexp);
    json_object_set_new(rep, "unexplained", unexp);
    json_object_set_new(rep, "warnings", json_incref(r->warnings));
    add_advice(r, v, rep);
    json_object_set(rep, "ranking_notes", v->notes);
    return rep;
oom:
    la_buf_release(&line);
    json_decref(rep);
    json_decref(attempts);
    json_decref(members);
    json_decref(codes);
    json_decref(spaced);
    json_decref(causes);
    json_decref(unexp);
    return NULL;
}

/* ------------------------------------------------------------ the batch document */

static const char *str_at(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* The head of the document: schema, tool, time (unless deterministic), ruleset. */
static void doc_head(struct la_engine *e, json_t *doc, json_t *tool, json_t *rs)
{
    json_object_set_new(doc, "schema", json_string("loganalyze.report/1"));
    json_object_set_new(tool, "name", json_string("loganalyze"));
    json_object_set_new(tool, "version", json_string(LA_VERSION));
    json_object_set_new(doc, "tool", tool);
    if (!e->o.deterministic) {
        char buf[32];
        time_t now = time(NULL);
        struct tm tmv;
        gmtime_r(&now, &tmv);
        strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tmv);
        json_object_set_new(doc, "generated", json_string(buf));
    }
    json_object_set_new(rs, "rules", json_integer((json_int_t)la_ruleset_count(e->rs)));
    json_object_set_new(rs, "sha256", json_string(la_ruleset_sha256(e->rs)));
    json_object_set_new(doc, "ruleset", rs);
}

static json_t *document_head(struct la_engine *e)
{
    json_t *doc = json_object(), *tool = json_object(), *rs = json_object();

    if (!doc || !tool || !rs) {
        json_decref(doc); json_decref(tool); json_decref(rs);
        return NULL;
    }
    doc_head(e, doc, tool, rs);
    return doc;
}

/* The summary of the reports: the fold of summary.c over them. */
static json_t *summary_of(json_t *reports)
{
    struct la_summary *s = la_summary_new();
    json_t *rep, *sum = NULL;
    size_t i;

    if (!s)
        return NULL;
    json_array_foreach(reports, i, rep)
        if (la_summary_add_report(s, rep) != LA_OK)
            goto out;
    sum = la_summary_json(s);
out:
    la_summary_free(s);
    return sum;
}

json_t *la_engine_document(struct la_engine *e, json_t *reports)
{
    json_t *doc = document_head(e), *sum;

    if (!doc) {
        json_decref(reports);
        return NULL;
    }
    if (json_object_set_new(doc, "reports", reports) != 0) {
        /* Out of memory; jansson has freed reports already. */
        json_decref(doc);
        return NULL;
    }
    /* Summary, and cross-input patterns (summary.c). */
    sum = summary_of(reports);
    if (!sum || json_object_set_new(doc, "summary", sum) != 0) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

int la_report_max_level(const json_t *doc)
{
    int best = -1;
    size_t i;
    json_t *rep;

    json_array_foreach(json_object_get(doc, "reports"), i, rep) {
        const char *o = str_at(rep, "outcome");
        json_t *c0 = json_array_get(json_object_get(rep, "causes"), 0);
        if (!o || (strcmp(o, "failed") && strcmp(o, "inconclusive")))
            continue;
        /* A failed restore is at least medium; the top cause's level raises it. */
        int l = LA_LEVEL_MEDIUM, k = la_level_parse(str_at(c0, "level"));
        if (k > l)
            l = k;
        if (!strcmp(o, "inconclusive"))
            l = LA_LEVEL_LOW;
        if (l > best)
            best = l;
    }
    return best;
}
