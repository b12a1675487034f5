/*
 * The record pipeline: one run per input (la_engine_analyze, la_engine_inspect).
 *
 * Data flow: ingest hands out the input's members (la_run_member, la_run_skipped; cases.c
 * routes them to one run per case when an input is split);
 * each is probed for its format, split into bounded lines and parsed into
 * records (read_member); the run's matcher scans each record (on_record)
 * and calls on_hit for every rule that fires.  A hit updates the restore
 * attempt of its member (attempts.c):
 *   attempt  → start a new attempt        result → result code / outcome
 *   stage    → stage reached              fact   → device and host facts
 *   evidence → a match kept for scoring (with time, stage, source, line)
 * A record no rule explains that looks like an error is grouped under a
 * template (note_unexplained).  At the end of the input the attempts are
 * joined, the verdict decided (score.c) and the report written (document.c).
 * inspect stops at the members: it probes and counts lines, matches nothing,
 * and hands each member to its callback as soon as it is read.
 *
 * Invariants: memory per input is bounded (core/limits.h): evidence lines
 * are copied capped and within a text budget, at most max_evidence × 64
 * matches are kept per rule and attempt and LA_MAX_MATCHES_PER_INPUT in all,
 * at most max_unexplained templates.  Diagnostics go to the caller's sink
 * and into the report's warnings (capture_diag).  A run touches the shared
 * engine only to add its profile counts, under e->lock.
 */
#include "config.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyze/analyze-internal.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/encoding.h"
#include "formats/formats.h"
#include "ingest/ingest.h"
#include "ingest/linereader.h"
#include "rules/kb.h"

/* ------------------------------------------------------------ hits */

/*
 * `unless` for structural rules acts when the line is seen: a hit is dropped
 * when the named rule (possibly itself: "only the first of a burst") hit
 * within the window before it, in the same attempt unless scope is input.
 */
static int suppressed(struct run *r, const struct la_rule_meta *m)
{
    const struct lasthit *h;
    const struct la_record *rec = r->rec;

    if (m->unless_rule < 0)
        return 0;
    h = &r->last[m->unless_rule];
    if (!h->seen)
        return 0;
    if (!m->scope_input && (!r->cur || r->natt == 0 || h->attempt != r->natt - 1 ||
                            r->att[h->attempt] != r->cur))
        return 0;
    return la_spot_near((struct la_spot){ h->time, h->has_date, h->member, h->line },
                        (struct la_spot){ rec->time, rec->has_date, r->cur_member, rec->line },
                        m->unless_within, m->unless_lines);
}

static void remember(struct run *r, size_t ri)
{
    struct lasthit *h = &r->last[ri];

    h->seen = 1;
    h->time = r->rec->time;
    h->has_date = r->rec->has_date;
    h->member = r->cur_member;
    h->line = r->rec->line;
    h->attempt = r->natt ? r->natt - 1 : 0;
}

/* Apply the hit's captures, then (a failing stage) and its set: values to attempt a. */
static enum la_rc apply_hit(struct run *r, struct attempt *a, const struct la_rule_meta *m,
                            const struct la_capture *caps, size_t ncaps)
{
    la_attempt_begin_hit(a);
    for (size_t i = 0; i < ncaps; i++)
        if (la_attempt_apply_value(r->e, a, m->kind, caps[i].name, caps[i].value, 0) != LA_OK)
            return LA_FATAL;
    /* A stage line that carries a code (code, code_step …) is a failing step. */
    for (size_t i = 0; i < ncaps && m->kind == LA_KIND_STAGE; i++)
        if ((!strcmp(caps[i].name, "code") || !strncmp(caps[i].name, "code_", 5)) &&
            la_attempt_mark_failing(a) != LA_OK)
            return LA_FATAL;
    for (size_t i = 0; m->set_keys && m->set_keys[i]; i++)
        if (la_attempt_apply_value(r->e, a, m->kind, m->set_keys[i],
                                   la_sv_cstr(m->set_values[i]), 1) != LA_OK)
            return LA_FATAL;
    if (m->kind == LA_KIND_RESULT && m->outcome >= 0 && !a->has_result)
        a->outcome = m->outcome;
    if (m->kind == LA_KIND_RESULT && m->outcome == 1)
        a->outcome = 1;
    return LA_OK;
}

/* Keep the hit as a match of attempt a for scoring, within the caps. */
static enum la_rc keep_match(struct run *r, struct attempt *a, size_t ri,
                             const struct la_rule_meta *m)
{
    const struct la_record *rec = r->rec;
    unsigned long per_rule_cap = (unsigned long)r->e->o.limits.max_evidence * 64;

    if (per_rule_cap > LA_MAX_MATCHES_PER_RULE)
        per_rule_cap = LA_MAX_MATCHES_PER_RULE;
    if (a->per_rule[ri] >= per_rule_cap || a->nm >= LA_MAX_MATCHES_PER_ATTEMPT)
        return LA_OK;
    if (r->nmatches >= LA_MAX_MATCHES_PER_INPUT) {
        if (!r->matches_capped) {
            r->matches_capped = 1;
            la_diagf(&r->sink, LA_SEV_WARNING, LA_D_BYTES_LIMIT, r->input, 0, 0,
                     "more than %u rule matches in this input; later matches are not kept "
                     "(the diagnosis rests on the first ones)", LA_MAX_MATCHES_PER_INPUT);
        }
        return LA_OK;
    }
    r->nmatches++;
    if (LA_GROW(a->m, a->capm, a->nm + 1) != LA_OK)
        return LA_FATAL;
    struct match *x = &a->m[a->nm];
    size_t tl = la_evidence_cut(rec->text.p, rec->text.len);
    x->rule = ri;
    x->time = rec->time;
    x->has_date = rec->has_date;
    x->member = r->cur_member;
    x->line = rec->line;
    x->stage = la_attempt_stage_for_match(a);
    x->folded = r->folding;
    x->text = NULL;
    /* Text only for the lines a report can show: the first few per rule, within a budget. */
    if (m->kind == LA_KIND_EVIDENCE && a->per_rule[ri] < LA_MAX_TEXT_PER_RULE &&
        r->text_bytes + tl < LA_MAX_TEXT_PER_INPUT) {
        if (!(x->text = la_strndup(rec->text.p, tl)))
            return LA_FATAL;
        r->text_bytes += tl;
    }
    a->nm++;
    a->per_rule[ri]++;
    return LA_OK;
}

/*
 * Whether a hit of m says something failed: a result that failed (also a restore tool's
 * "it failed" line from its vocabulary pack), evidence for a cause strong enough to count
 * (weight >= 1, level >= medium), or a restore tool's own error message (rules/vocab/) that
 * is not a mere hint (meta.hint: printed below warning level, weight < 1).
 */
static int says_failure(const struct la_rule_meta *m)
{
    if (m->kind == LA_KIND_RESULT)
        return m->outcome == 1;
    if (m->kind != LA_KIND_EVIDENCE || !m->cause || m->against || m->fallback)
        return 0;
    if (m->vocab_producer)
        return !m->hint;
    return m->weight >= 1.0 && m->level >= LA_LEVEL_MEDIUM;
}

/*
 * Whether a fact's hit only records a number of a tool's or a device's numbering space
 * (rules/printed-codes.yaml): every capture is a spaced code ("code_ramrod", "code_posix"
 * ...) and it sets nothing but a mapped code.  A restore error number of its own (a plain
 * "code": a failure description's "Depth:1 Code:1004", a dialog) sits on a line of a
 * structure the rules know, which it does explain.
 */
static int only_codes(const struct la_rule_meta *m, const struct la_capture *caps, size_t ncaps)
{
    if (m->kind != LA_KIND_FACT || !ncaps)
        return 0;
    for (size_t i = 0; i < ncaps; i++)
        if (strncmp(caps[i].name, "code_", 5))
            return 0;
    return !m->set_keys || !m->set_keys[0] ||
           (!strcmp(m->set_keys[0], "code") && !m->set_keys[1]);
}

/*
 * Whether a hit of m leaves its line unexplained: a fact rule that only says what the text
 * is about (set: {talk: ...}, "Failed to exploit device, please re-enter DFU mode") or only
 * records a number on it ("Operation failed: Error Domain=RamrodErrorDomain Code=1017")
 * names no event, and a fallback rule only reads the wording of a line no rule knows, so an
 * error on the same line is still a failure line no rule explains.
 */
static int leaves_unexplained(const struct la_rule_meta *m, const struct la_capture *caps,
                              size_t ncaps)
{
    return m->fallback || only_codes(m, caps, ncaps) ||
           (m->kind == LA_KIND_FACT && m->set_keys && m->set_keys[0] &&
            !strcmp(m->set_keys[0], "talk") && !m->set_keys[1]);
}

/*
 * Which hits of the matcher's case-folded pass (a line retyped or re-cased: "error: unable to
 * send ibec") count, by rule kind (docs/internals/rules.md, "Retyped lines"): evidence, facts
 * and stages say the same thing whatever the case of their words (evidence from a rule
 * file, whose regexes may have meant their case, is trusted at most as "likely": score.c);
 * a failed result (or a result code) too.  Not an attempt: a retyped error line is not where
 * a tool run starts, and a new attempt there would cut the failure from its run.  Not a
 * success: read off an error-looking line with its case ignored, it could hide a failure.
 * In a member that lost its case as a whole (rec->case_lost) every line was retyped, its
 * starts and successes too: there every kind counts.
 */
static int folded_counts(const struct la_record *rec, const struct la_rule_meta *m)
{
    if (rec->case_lost)
        return 1;
    if (m->kind == LA_KIND_ATTEMPT)
        return 0;
    if (m->kind == LA_KIND_RESULT)
        return m->outcome != 0;
    return 1;
}

static enum la_rc on_hit(void *user, size_t ri, const struct la_capture *caps, size_t ncaps)
{
    struct run *r = user;
    const struct la_rule_meta *m = la_ruleset_rule(r->e->rs, ri);
    struct attempt *a;

    if (r->folding && !folded_counts(r->rec, m))
        return LA_OK;
    if (m->weak)
        r->rec_weak = 1;
    else if (!leaves_unexplained(m, caps, ncaps))
        r->rec_hit = 1;
    if (m->kind != LA_KIND_EVIDENCE && suppressed(r, m)) {
        remember(r, ri);
        return LA_OK;
    }
    if (m->kind == LA_KIND_ATTEMPT && la_attempt_start(r) != LA_OK)
        return LA_FATAL;
    a = la_attempt_current(r);
    if (!a)
        return LA_FATAL;
    la_attempt_touch(a, r->rec);
    if (apply_hit(r, a, m, caps, ncaps) != LA_OK)
        return LA_FATAL;
    if (a->context && a->ctx_rule < 0) {      /* this hit said what the run is */
        a->ctx_rule = (long)ri;
        a->ctx_member = r->cur_member;
    }
    /* What the split into cases needs: who the device is, and whether a story is told here. */
    for (size_t i = 0; i < ncaps; i++)
        if (la_case_note_id(r, caps[i].name, caps[i].value) != LA_OK)
            return LA_FATAL;
    if (m->kind == LA_KIND_ATTEMPT || m->kind == LA_KIND_RESULT || m->kind == LA_KIND_STAGE)
        r->members[r->cur_member].story = 1;
    if (says_failure(m) && la_attempt_note_failure(r, a, (long)ri) != LA_OK)
        return LA_FATAL;
    /* Evidence for a cause on the computer's side or the link (not a repair) in the output
     * of a tool on the computer (a host log, or text no format claimed: a pasted terminal)
     * only comes from a restore tool's run: the attempt was a restore. */
    if (r->cur_flags & (LA_FORMAT_HOST_LOG | LA_FORMAT_FALLBACK)) {
        const struct la_cause *c = m->cause ? la_kb_cause(r->e->kb, m->cause) : NULL;
        /* A restore tool's own message (vocabulary packs) is a tool run too. */
        if (m->vocab_producer || (m->kind == LA_KIND_EVIDENCE && c && !c->hardware &&
                                  !m->against && !m->fallback))
            a->tool_run = 1;
    }
    remember(r, ri);
    /* Keep evidence, and hits of rules that others name in after/unless (bounded). */
    if (m->kind != LA_KIND_EVIDENCE && !r->e->referenced[ri])
        return LA_OK;
    return keep_match(r, a, ri, m);
}

/* ------------------------------------------------------------ unexplained lines */

/*
 * The template of a message: numbers, hex and identifiers masked, so lines that differ only
 * in them group together.  A word is masked when it holds a digit, or when it is a run of
 * hex digits and dashes of 8 or more (UUIDs, addresses).
 */
enum { TW_WORD = 1, TW_DIGIT = 2, TW_HEXDASH = 4 };

/* What byte c is in a template's word: isalnum, '-' or '_' in the C locale (ASCII). */
static unsigned word_class(unsigned char c)
{
    unsigned char l = (unsigned char)(c | 0x20);

    if (c >= '0' && c <= '9')
        return TW_WORD | TW_DIGIT | TW_HEXDASH;
    if (l >= 'a' && l <= 'f')
        return TW_WORD | TW_HEXDASH;
    if (l >= 'g' && l <= 'z')
        return TW_WORD;
    return c == '-' ? TW_WORD | TW_HEXDASH : c == '_' ? TW_WORD : 0;
}

/*
 * Into key (reset first): each word whole, or "<*>", and each run of other characters in one
 * append, cut only between characters once the key has reached LA_MAX_TEMPLATE bytes.
 */
static enum la_rc template_of(struct la_sv msg, struct la_buf *key)
{
    const char *p = msg.p;
    size_t i = 0, n = msg.len;

    la_buf_reset(key);
    while (i < n && key->len < LA_MAX_TEMPLATE) {
        size_t j = i;
        unsigned c, all = TW_HEXDASH, any = 0;
        enum la_rc rc;
        while (j < n && (c = word_class((unsigned char)p[j])) != 0) {
            all &= c;
            any |= c;
            j++;
        }
        if (j > i && ((any & TW_DIGIT) || (all && j - i >= 8))) {
            rc = la_buf_add(key, "<*>", 3);
        } else if (j > i) {
            rc = la_buf_add(key, p + i, j - i);
        } else {
            /* Other characters, whole: the cap never splits one. */
            size_t room = LA_MAX_TEMPLATE - key->len;
            uint32_t cp;
            while (j < n && j - i < room && !word_class((unsigned char)p[j]))
                j += la_utf8_next(p + j, n - j, &cp);
            rc = la_buf_add(key, p + i, j - i);
        }
        if (rc != LA_OK)
            return LA_FATAL;
        i = j;
    }
    return LA_OK;
}

/* Whether a record no rule explained looks like an error worth listing. */
static int looks_like_error(const struct run *r, const struct la_record *rec)
{
    /*
     * "error", "fail" or "panic(" in any case, in the message: the matcher's scan of the
     * record's text saw them (the message is the text's tail).  In a restore tool's own
     * output the other hint words too ("unable to", "could not", "cannot", "can't",
     * "invalid", "unexpected", "missing", "did not", "timed out" ...: enum la_hint), the
     * ways a tool says that something did not work; a system log or Apple's restore library
     * says them of benign things ("Couldn't get asset 7 path, skipping to next asset").
     */
    int n = (r->cur_flags & LA_FORMAT_TOOL_OUTPUT) ? LA_HINTS : LA_HINTS_ANYWHERE, err = 0;

    for (int h = 0; h < n && !err; h++)
        err = la_matcher_hint_at(r->m, (enum la_hint)h) > (size_t)(rec->message.p - rec->text.p);
    return err || la_record_error_level(rec);
}

/* FNV-1a over the key's bytes up to its first NUL (the templates are compared as strings). */
static uint64_t template_hash(const char *k, size_t *ret_len)
{
    uint64_t h = 14695981039346656037ull;
    size_t i = 0;

    for (; k[i]; i++)
        h = (h ^ (unsigned char)k[i]) * 1099511628211ull;
    *ret_len = i;
    return h;
}

/*
 * Make the open-addressed index of the templates hold need of them at load <= 1/2, built
 * anew when it grows or was dropped (document.c sorts the templates, and drops it).
 */
static enum la_rc template_index_grow(struct run *r, size_t need)
{
    size_t n = 16;
    size_t *slot;

    if (r->tm_nslots && 2 * need <= r->tm_nslots)
        return LA_OK;
    while (2 * need > n)
        n *= 2;
    if (!(slot = la_calloc(n, sizeof(*slot))))
        return LA_FATAL;
    for (size_t i = 0; i < r->ntm; i++) {
        size_t s = (size_t)r->tm[i].hash & (n - 1);
        while (slot[s])
            s = (s + 1) & (n - 1);
        slot[s] = i + 1;
    }
    la_free(r->tm_slot);
    r->tm_slot = slot;
    r->tm_nslots = n;
    return LA_OK;
}

/* Group an unexplained error line under its template (key: looked up by its hash). */
static enum la_rc add_template(struct run *r, const struct la_record *rec, struct la_buf *key)
{
    size_t klen, s = 0;
    uint64_t h = template_hash(key->buf, &klen);

    if (r->ntm && template_index_grow(r, r->ntm) != LA_OK)
        return LA_FATAL;
    if (r->tm_nslots)
        for (s = (size_t)h & (r->tm_nslots - 1); r->tm_slot[s];
             s = (s + 1) & (r->tm_nslots - 1)) {
            struct tmpl *t = &r->tm[r->tm_slot[s] - 1];
            if (t->hash == h && !strcmp(t->key, key->buf)) {
                t->count++;
                return LA_OK;
            }
        }
    if (r->ntm >= r->e->o.limits.max_unexplained) {
        r->tm_dropped++;
        return LA_OK;
    }
    if (LA_GROW(r->tm, r->captm, r->ntm + 1) != LA_OK ||
        template_index_grow(r, r->ntm + 1) != LA_OK)
        return LA_FATAL;
    struct tmpl *n = &r->tm[r->ntm];
    size_t tl = la_evidence_cut(rec->text.p, rec->text.len);
    n->key = la_strndup(key->buf, klen);
    n->text = la_strndup(rec->text.p, tl);
    n->source = la_strdup(r->cur_path);
    n->hash = h;
    n->line = rec->line;
    n->count = 1;
    if (!n->key || !n->text || !n->source) {
        la_free(n->key);
        la_free(n->text);
        la_free(n->source);
        return LA_FATAL;
    }
    for (s = (size_t)h & (r->tm_nslots - 1); r->tm_slot[s]; s = (s + 1) & (r->tm_nslots - 1))
        ;
    r->tm_slot[s] = ++r->ntm;
    return LA_OK;
}

/*
 * An error-looking line no rule explained (on_record() decides both), or that only rules
 * saying little of it did (r->rec_weak: a debug-level "[-] Failed to enter pwned DFU mode",
 * a "FAILED" read as the fragment "failed"): it is known, so not listed, but it may still
 * be the line the run failed on.
 */
static enum la_rc note_unexplained(struct run *r, const struct la_record *rec)
{
    enum la_rc rc;

    /* An error line no rule explains may still be the one that ended the run. */
    if (r->cur && la_attempt_note_failure(r, r->cur, -1) != LA_OK)
        return LA_FATAL;
    if (r->rec_weak)
        return LA_OK;
    rc = template_of(rec->message, &r->tm_key);
    if (rc == LA_OK)
        rc = add_template(r, rec, &r->tm_key);
    return rc;
}

static enum la_rc on_record(void *user, const struct la_record *rec)
{
    struct run *r = user;
    enum la_rc rc;
    int unexplained_error;

    r->rec = rec;
    r->rec_hit = 0;
    r->rec_weak = 0;
    rc = la_matcher_scan(r->m, rec, on_hit, r, &r->sink);
    /* Decided once, from the scan's hint words (the folded pass finds none of its own). */
    unexplained_error = rc == LA_OK && !r->rec_hit && rec->message.len >= 6 &&
                        looks_like_error(r, rec);
    /* An error line no rule explains as written may be one retyped or re-cased on its way
     * here, and in a member that lost its case every line is: the same candidates again,
     * letter case ignored (la_matcher_scan_folded), for the rules that did not fire. */
    if (unexplained_error || (rc == LA_OK && rec->case_lost)) {
        r->folding = 1;
        rc = la_matcher_scan_folded(r->m, rec, on_hit, r, &r->sink);
        r->folding = 0;
    }
    if (rc != LA_OK)
        return rc;
    if (r->cur) {
        r->cur->last_member = r->cur_member;
        r->cur->last_line = rec->line;
    }
    if (unexplained_error && !r->rec_hit)
        return note_unexplained(r, rec);
    return LA_OK;
}

enum la_rc la_run_record(void *run, const struct la_record *rec)
{
    return on_record(run, rec);
}

/* ------------------------------------------------------------ members */

/* What the line reader pulls blocks through. */
struct reader {
    struct run *r;
    struct la_member *lm;
    const struct la_linereader *lr;
};

/*
 * The member's next block, and the prefilter run over all of it at once: the records whose
 * text is a view into this block take their atoms from these hits (la_matcher_use_hits);
 * the others (lines gathered across blocks, normalised or rejoined ones, UTF-16) are
 * scanned one by one, as they always were.  The block stays unchanged until the next read.
 */
static enum la_rc member_reader(void *ctx, const void **buf, size_t *len)
{
    struct reader *rd = ctx;
    struct run *r = rd->r;
    enum la_rc rc = la_member_read(rd->lm, buf, len);

    if (!r->bh || r->inspect_fn)
        return rc;
    la_matcher_use_hits(r->m, NULL);
    if (rc != LA_OK || la_linereader_encoding(rd->lr) == LA_ENC_UTF16LE ||
        la_linereader_encoding(rd->lr) == LA_ENC_UTF16BE)
        return rc;
    /* Scanned ahead on ingest's thread, or else here. */
    const struct la_block_hits *h = la_member_scanned(rd->lm, *buf, *len);
    if (!h) {
        if (la_block_hits_scan(r->bh, *buf, *len) != LA_OK)
            return LA_FATAL;
        h = r->bh;
    }
    la_matcher_use_hits(r->m, h);
    return rc;
}

/* The block scan ingest runs ahead of this thread (la_member_scan_ahead): one hits object
 * per block in its ring. */
static void *scan_state_new(void *user)
{
    const struct la_engine *e = user;

    return la_block_hits_new(e->rs, 0);
}

static void scan_state_free(void *user, void *state)
{
    la_block_hits_free(state);
}

static void scan_block(void *user, void *state, const void *buf, size_t len)
{
    /* A backend error leaves the hits unusable: the records are then scanned one by one. */
    if (la_block_hits_scan(state, buf, len) != LA_OK)
        return;
}

static struct member_info *add_member(struct run *r, const char *path)
{
    if (LA_GROW(r->members, r->capmembers, r->nmembers + 1) != LA_OK)
        return NULL;
    struct member_info *m = &r->members[r->nmembers];
    memset(m, 0, sizeof(*m));
    m->path = la_strdup(path);
    if (!m->path)
        return NULL;
    r->nmembers++;
    return m;
}

/* inspect: hand the member just read to the caller and forget it. */
static void inspected(struct run *r)
{
    struct member_info *m = &r->members[r->nmembers - 1];
    json_t *mo = la_doc_member(r, m);

    if (!mo)
        r->fatal = 1;
    else if (r->inspect_rc == LA_OK)
        r->inspect_rc = r->inspect_fn(r->inspect_user, mo);
    json_decref(mo);
    la_free(m->path);
    la_free(m->status);
    r->nmembers--;
    if (r->ntv3m && r->tv3m[r->ntv3m - 1].member == r->nmembers)
        r->ntv3m--;
}

void la_run_skipped(void *user, const char *path, uint64_t bytes, const char *status)
{
    struct run *r = user;
    struct member_info *m;

    /* A skipped member past what a report lists is only counted: a flood of them (50 000
     * AppleDouble files) keeps no memory.  No attempt refers to it. */
    if (!r->inspect_fn && r->nmembers >= LA_MAX_MEMBERS_LISTED) {
        r->unlisted++;
        return;
    }
    m = add_member(r, path);
    if (!m) {
        r->fatal = 1;
        return;
    }
    /* Not probed: metadata and nested archives past the limit are binary; the rest unknown. */
    m->format = strstr(status, "AppleDouble") || strstr(status, "metadata") ? "binary"
                                                                           : "unknown";
    m->bytes = bytes;
    m->status = la_strdup(status);
    if (r->inspect_fn)
        inspected(r);
}

/* Feed the member's lines to the parser (inspect only counts them). */
static enum la_rc read_lines(struct run *r, struct la_member *lm, struct member_info *mi,
                             struct la_linereader *lr, struct la_parser *p)
{
    struct la_sv line;
    uint64_t lineno = 0;
    enum la_rc rc = LA_OK;

    for (;;) {
        enum la_rc lrc = la_linereader_next(lr, &line, &lineno);
        if (lrc == LA_EOF)
            break;
        if (lrc != LA_OK) {
            rc = lrc == LA_FATAL ? LA_FATAL : LA_WARN;
            break;
        }
        mi->lines = lineno;
        if (r->inspect_fn)
            continue;
        if (r->e->o.progress && !r->no_progress && ++r->lines_since >= 8192) {
            r->lines_since = 0;
            r->e->o.progress(r->e->o.progress_user, r->input, la_member_input_bytes(lm),
                             r->total);
        }
        rc = la_parser_line(p, line, lineno, on_record, r);
        if (rc != LA_OK)
            break;
    }
    /* What was read before damage still counts: emit the record held back for rejoining. */
    if (rc == LA_OK || rc == LA_WARN) {
        enum la_rc frc = la_parser_finish(p, on_record, r);
        if (frc != LA_OK)
            rc = frc == LA_FATAL ? LA_FATAL : rc;
    }
    return rc;
}

/* Notes and warnings about how a member was read: rejoined, truncated, bad JSON. */
static void member_diags(struct run *r, const struct member_info *mi, const struct la_format *f,
                         struct la_linereader *lr, struct la_parser *p, unsigned cap)
{
    if (la_parser_rejoined(p))
        la_diagf(&r->sink, LA_SEV_NOTE, LA_D_LINES_REJOINED, mi->path, 0, 0,
                 "this paste is hard-wrapped at %u columns; %llu cut line%s rejoined",
                 la_parser_wrap_width(p), (unsigned long long)la_parser_rejoined(p),
                 la_parser_rejoined(p) == 1 ? " was" : "s were");
    if (la_linereader_truncated(lr))
        la_diagf(&r->sink, LA_SEV_WARNING, LA_D_LINE_TRUNCATED, mi->path, 0, 0,
                 "%lu line%s longer than %u bytes truncated (raise with --limit %s=N)",
                 la_linereader_truncated(lr), la_linereader_truncated(lr) == 1 ? "" : "s", cap,
                 la_format_wants_long_lines(f) ? "ips" : "line");
    if (la_parser_bad_json(p))
        la_diagf(&r->sink, LA_SEV_WARNING, LA_D_IPS_BAD_JSON, mi->path, 1, 0,
                 "the JSON header of this report does not parse; it was read as plain text");
}

/* A binary member is listed, not read. */
static enum la_rc skip_binary(struct member_info *mi, struct la_member *lm, const char *reason)
{
    struct la_buf b = LA_BUF_INIT;
    enum la_rc rc = la_buf_addf(&b, "skipped: %s", reason ? reason : "binary");

    mi->status = rc == LA_OK ? la_buf_detach(&b, NULL) : NULL;
    la_buf_release(&b);
    mi->bytes = la_member_size(lm) > 0 ? (uint64_t)la_member_size(lm) : 0;
    return mi->status ? LA_OK : LA_FATAL;
}

static enum la_rc read_member(struct run *r, struct la_member *lm)
{
    const void *head = NULL;
    size_t hl;
    const char *reason = NULL;
    const struct la_format *f;
    struct member_info *mi;
    struct la_parser *p = NULL;
    enum la_rc rc;

    mi = add_member(r, la_member_path(lm));
    if (!mi)
        return LA_FATAL;
    r->cur_member = (unsigned)(r->nmembers - 1);
    r->cur_path = mi->path;
    r->cur = NULL;
    if (la_member_head(lm, &head, &hl) != LA_OK) {
        head = "";
        hl = 0;
    }
    /* The probe hands its parser what it learnt of the head (hard wrapping). */
    f = r->e->forced ? r->e->forced
                     : la_format_probe_parser(la_member_path(lm), la_member_name(lm), head, hl,
                                              NULL, &reason, &p);
    mi->format = la_format_id(f);
    r->cur_flags = la_format_flags(f);
    if (!r->e->forced && la_is_tracev3(la_member_name(lm), head, hl)) {
        la_parser_free(p);
        return la_read_tracev3(r, lm, mi);
    }
    if (la_format_is_binary(f))
        return skip_binary(mi, lm, reason);
    unsigned cap = la_format_wants_long_lines(f) ? r->e->o.limits.max_ips
                                                 : r->e->o.limits.max_line;
    struct reader rd = { r, lm, NULL };
    struct la_linereader *lr = la_linereader_new(member_reader, &rd, cap);

    rd.lr = lr;
    if (r->bh && !r->inspect_fn)
        la_member_scan_ahead(lm, &r->scan);
    if (r->e->forced && (p = la_parser_new(f, la_member_path(lm))) != NULL && hl &&
        !r->inspect_fn)  /* inspect parses nothing */
        la_parser_set_head(p, head, hl);
    if (!lr || !p) {
        la_linereader_free(lr);
        la_parser_free(p);
        return LA_FATAL;
    }
    /*
     * A restore tool's own log is a restore run from its first line, whether or not a rule
     * marks its start: its last lines then say how the run ended (a paste that begins in the
     * middle of the run, or a tool version whose start line no rule knows).
     */
    if (!r->inspect_fn && (r->cur_flags & LA_FORMAT_HOST_LOG) && !la_attempt_current(r)) {
        la_linereader_free(lr);
        la_parser_free(p);
        return LA_FATAL;
    }
    rc = read_lines(r, lm, mi, lr, p);
    member_diags(r, mi, f, lr, p, cap);
    mi->bytes = la_member_consumed(lm);
    if (rc == LA_WARN && la_member_stopped(lm)) {
        /* A cap ended the input inside this member: not damage. */
        struct la_buf st = LA_BUF_INIT;
        if (la_buf_addf(&st, "error: stopped at the %s limit, read up to it",
                        la_member_stopped(lm)) == LA_OK)
            mi->status = la_buf_detach(&st, NULL);
        la_buf_release(&st);
    } else {
        mi->status = la_strdup(rc == LA_WARN ? "error: damaged, read up to the damage" : "ok");
    }
    la_matcher_use_hits(r->m, NULL);   /* the member's blocks go with it */
    la_linereader_free(lr);
    la_parser_free(p);
    la_matcher_reset(r->m);
    if (!mi->status)
        return LA_FATAL;
    return rc == LA_FATAL ? LA_FATAL : LA_OK;
}

enum la_rc la_run_member(void *user, struct la_member *lm)
{
    struct run *r = user;
    size_t n = r->nmembers;
    enum la_rc rc = read_member(r, lm);

    if (r->inspect_fn && r->nmembers > n)
        inspected(r);
    return rc;
}

/* ------------------------------------------------------------ the run */

/*
 * The caller's copy of a diagnostic, redacted like the report: its path names members
 * ("iPhone_<UDID>_backup/restore.log") and its message may quote the log.
 */
static void forward_diag(struct run *r, const struct la_diag *d)
{
    struct la_diag copy = *d;
    char *file = NULL, *msg = NULL;

    if (r->e->o.redact) {
        file = d->file ? la_engine_redact(r->e, d->file, strlen(d->file)) : NULL;
        msg = d->msg ? la_engine_redact(r->e, d->msg, strlen(d->msg)) : NULL;
        copy.file = d->file ? (file ? file : "(out of memory)") : NULL;
        copy.msg = d->msg ? (msg ? msg : "out of memory") : NULL;
    }
    r->outer->fn(r->outer->user, &copy);
    la_free(file);
    la_free(msg);
}

/* A diagnostic goes to the caller's sink and into the report's warnings (both redacted). */
static void capture_diag(void *user, const struct la_diag *d)
{
    struct run *r = user;
    json_t *w = json_object();
    struct la_buf code = LA_BUF_INIT;

    if (r->outer && r->outer->fn)
        forward_diag(r, d);
    if (!w || la_buf_addf(&code, "LA%03u", d->code) != LA_OK) {
        json_decref(w);
        return;
    }
    json_object_set_new(w, "code", json_string(code.buf));
    json_object_set_new(w, "severity", json_string(la_severity_name(d->sev)));
    json_object_set_new(w, "source", d->file ? la_redact_json(r->e, d->file, strlen(d->file))
                                             : la_redact_json(r->e, r->input, strlen(r->input)));
    json_object_set_new(w, "message", la_redact_json(r->e, d->msg, strlen(d->msg)));
    json_array_append_new(r->warnings, w);
    la_buf_release(&code);
}

void la_run_release(struct run *r)
{
    la_tv3_strings_free(r->tv3_strings);
    la_free(r->tv3_archive);
    r->tv3_strings = NULL;
    r->tv3_archive = NULL;
    if (r->m && r->e->o.profile) {
        pthread_mutex_lock(&r->e->lock);
        for (size_t i = 0; i < la_ruleset_count(r->e->rs); i++) {
            uint64_t c, h, ns;
            la_matcher_profile(r->m, i, &c, &h, &ns);
            r->e->prof_checks[i] += c;
            r->e->prof_hits[i] += h;
            r->e->prof_ns[i] += ns;
        }
        pthread_mutex_unlock(&r->e->lock);
    }
    la_matcher_free(r->m);
    la_block_hits_free(r->bh);
    for (size_t i = 0; i < r->natt; i++)
        la_attempt_free(r->att[i]);
    la_free(r->att);
    for (size_t i = 0; i < r->nmembers; i++) {
        la_free(r->members[i].path);
        la_free(r->members[i].status);
        for (unsigned k = 0; k < r->members[i].nids; k++)
            la_free(r->members[i].ids[k]);
    }
    la_free(r->tv3m);
    la_free(r->members);
    for (size_t i = 0; i < r->ntm; i++) {
        la_free(r->tm[i].key);
        la_free(r->tm[i].text);
        la_free(r->tm[i].source);
    }
    la_free(r->tm);
    la_free(r->tm_slot);
    la_buf_release(&r->tm_key);
    la_free(r->last);
    json_decref(r->warnings);
}

json_t *la_run_report(struct run *r)
{
    struct verdict v;
    json_t *rep;

    la_attempts_join(r);
    if (la_verdict_decide(r, &v) != LA_OK)
        return NULL;
    rep = la_doc_report(r, &v);
    la_verdict_release(&v);
    return rep;
}

/* The caller's stop callback (la_engine_analyze_until), asked by ingest. */
static const char *ask_stop(void *user, uint64_t bytes)
{
    struct run *r = user;

    return r->stop(r->stop_user, bytes);
}

enum la_rc la_run_init(struct run *r, struct la_engine *e, const char *input,
                       struct la_diag_sink *outer)
{
    memset(r, 0, sizeof(*r));
    r->e = e;
    r->input = input;
    r->outer = outer;
    r->sink.fn = capture_diag;
    r->sink.user = r;
    la_buf_init(&r->tm_key, 0);
    r->warnings = json_array();
    r->last = la_calloc(la_ruleset_count(e->rs) + 1, sizeof(*r->last));
    r->m = la_matcher_new(e->rs);
    /* LOGANALYZE_BLOCKSCAN=0 scans every record on its own (the reports are the same:
     * tests/meson.build compares them). */
    const char *bs = getenv("LOGANALYZE_BLOCKSCAN");
    if (!bs || strcmp(bs, "0"))
        r->bh = la_block_hits_new(e->rs, 0);
    r->scan = (struct la_block_scan){ scan_state_new, scan_state_free, scan_block, e };
    if (!r->warnings || !r->last || !r->m || ((!bs || strcmp(bs, "0")) && !r->bh)) {
        json_decref(r->warnings);
        la_free(r->last);
        la_matcher_free(r->m);
        la_block_hits_free(r->bh);
        memset(r, 0, sizeof(*r));
        return LA_FATAL;
    }
    la_matcher_enable_profile(r->m, e->o.profile);
    la_matcher_gate_fallback(r->m, 1);
    return LA_OK;
}

static enum la_rc analyze(struct la_engine *e, const char *path, json_t **ret_report,
                          struct la_diag_sink *sink, la_member_fn *inspect_fn,
                          void *inspect_user, la_stop_fn *stop, void *stop_user)
{
    struct run r;
    struct la_ingest_cb cb = { la_run_member, la_run_skipped, &r, stop ? ask_stop : NULL };
    struct stat st;
    enum la_rc rc;

    if (la_run_init(&r, e, !strcmp(path, "-") ? "<stdin>" : path, sink) != LA_OK)
        return LA_FATAL;
    r.inspect_fn = inspect_fn;
    r.inspect_user = inspect_user;
    r.stop = stop;
    r.stop_user = stop_user;
    if (strcmp(path, "-") && stat(path, &st) == 0 && S_ISREG(st.st_mode))
        r.total = (uint64_t)st.st_size;
    rc = la_ingest_path(path, &e->o.limits, &cb, NULL, &r.sink);
    if (rc == LA_FATAL || r.fatal) {
        la_run_release(&r);
        return LA_FATAL;
    }
    if (r.inspect_fn) {
        enum la_rc irc = r.inspect_rc;
        la_run_release(&r);
        return irc != LA_OK ? irc : rc == LA_FAILED ? LA_FAILED : LA_OK;
    }
    *ret_report = la_run_report(&r);
    la_run_release(&r);
    if (!*ret_report)
        return LA_FATAL;
    return rc == LA_FAILED ? LA_FAILED : LA_OK;
}

enum la_rc la_engine_analyze(struct la_engine *e, const char *path, json_t **ret_report,
                             struct la_diag_sink *sink)
{
    return analyze(e, path, ret_report, sink, NULL, NULL, NULL, NULL);
}

enum la_rc la_engine_analyze_until(struct la_engine *e, const char *path, la_stop_fn *stop,
                                   void *stop_user, json_t **ret_report,
                                   struct la_diag_sink *sink)
{
    return analyze(e, path, ret_report, sink, NULL, NULL, stop, stop_user);
}

enum la_rc la_engine_inspect(struct la_engine *e, const char *path, la_member_fn *fn,
                             void *user, struct la_diag_sink *sink)
{
    if (!fn)
        return LA_FATAL;
    return analyze(e, path, NULL, sink, fn, user, NULL, NULL);
}
