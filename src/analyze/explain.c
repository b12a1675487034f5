/*
 * explain: what an error code (a number, hex, a symbolic name or a log string) means in each
 * numbering space, ranked likely causes from the same priors the diagnosis uses, the
 * remediation ladder of those causes, and which logs tell them apart — as a JSON document
 * (schema loganalyze.explain/1) that the command line and the web page both render.
 *
 * A query "SPACE:CODE" (tss:94, amr:37, bbu:50, fr:-10; the space ids of src/rules/kb.c)
 * reads the code in that numbering space only, as the diagnosis does (la_kb_code_in): TSS
 * 94 is the entry of error 3194, its meanings in that space and its priors.  A bare number
 * reads the restore error number as before and adds "spaces": every numbering space in
 * which the catalogue gives the number a meaning (the error number itself, TSS status
 * N - 3100 or N + 3100, the entries off the line), so a user learns that 50 is also a
 * BBUpdater error.
 *
 * A query the catalogue does not know says what it can: a number its "nearby" entries (one
 * digit away: a typo, or the nearest on either side), a name or a mistyped space its
 * "suggest" (core/suggest.h), so the command line can exit 2 with "did you mean".
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/explain.h"
#include "core/suggest.h"
#include "core/alloc.h"
#include "core/encoding.h"
#include "formats/formats.h"
#include "rules/kb.h"
#include "rules/rules.h"

/* s as a number: decimal or 0x hex, or hex without 0x when hex. */
static int parse_number(const char *s, int hex, long *ret)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, hex ? 16 : 0);
    if (errno || *end || end == s)
        return 0;
    *ret = v;
    return 1;
}

/*
 * The code a pasted message shows: the last number in parentheses of a text that is no
 * code itself ("The iPhone could not be restored. An unknown error occurred (4013).", "...
 * (0xe8000013)", "(-18)"), as the dialog rules read it: normalised as a log line is, so the
 * full-width parentheses of an East Asian system's dialog ("（4013）") count too.  1 and
 * *ret, else 0.
 */
static int parse_pasted(const char *text, long *ret)
{
    struct la_buf line = LA_BUF_INIT;
    const char *s;
    int found = 0;

    if (la_normalize_line(la_sv_make(text, strlen(text)), &line) <= 0 || !line.buf) {
        la_buf_release(&line);
        return 0;
    }
    s = line.buf;
    for (const char *p = strchr(s, '('); p; p = strchr(p + 1, '(')) {
        const char *q = strchr(p, ')');
        char buf[24];
        size_t n;
        long v;

        if (!q || (n = (size_t)(q - p - 1)) == 0 || n >= sizeof(buf))
            continue;
        memcpy(buf, p + 1, n);
        buf[n] = 0;
        /* Decimal or 0x hex only: "(010)" is no code a dialog shows. */
        if ((buf[0] == '0' && n > 1 && buf[1] != 'x' && buf[1] != 'X') ||
            !parse_number(buf, 0, &v))
            continue;
        *ret = v;
        found = 1;
    }
    la_buf_release(&line);
    return found;
}

/* "tss:94": the space (a known id before the colon) and the code after it; 0 otherwise. */
static int parse_spaced(const char *arg, size_t *ret_space, long *ret_code)
{
    const char *colon = strchr(arg, ':');
    int sp;

    if (!colon || (sp = la_space_find(arg, (size_t)(colon - arg))) < 0)
        return 0;
    if (!parse_number(colon + 1, 0, ret_code) &&
        !(la_space_at((size_t)sp)->hex && parse_number(colon + 1, 1, ret_code)))
        return 0;
    *ret_space = (size_t)sp;
    return 1;
}

/* The space whose entries an off-line entry is filed under (its catalogue name). */
static size_t space_of_entry(const struct la_code *c)
{
    for (size_t i = 0; c && c->space && i < la_space_count(); i++) {
        const struct la_space *sp = la_space_at(i);
        if (!sp->on_line && sp->catalogue[0] && !strcmp(sp->catalogue[0], c->space))
            return i;
    }
    return LA_SPACE_DIALOG;
}

static int meaning_in(const struct la_meaning *m, size_t space)
{
    const struct la_space *sp = la_space_at(space);

    if (space == LA_SPACE_DIALOG || !sp->on_line)
        return 1;
    for (const char *const *n = sp->catalogue; *n; n++)
        if (!strcmp(*n, m->space))
            return 1;
    return 0;
}

/* The entry's own part, its meanings as read in space: names, meanings, clashes, stage, logs. */
static void put_entry(json_t *o, const struct la_code *c, size_t space)
{
    json_t *names = json_array(), *means = json_array(), *collect = json_array();

    for (const char *const *n = c->names; n && *n; n++)
        json_array_append_new(names, json_string(*n));
    json_object_set_new(o, "names", names);
    for (size_t i = 0; i < c->n_meanings; i++)
        if (meaning_in(&c->meanings[i], space))
            json_array_append_new(means, json_pack("{s:s,s:s,s:b,s:s}", "space",
                                                   c->meanings[i].space, "text",
                                                   c->meanings[i].text, "confirmed",
                                                   c->meanings[i].confirmed, "source",
                                                   c->meanings[i].source));
    json_object_set_new(o, "meanings", means);
    if (c->collides && space == LA_SPACE_DIALOG)
        json_object_set_new(o, "collides", json_string(c->collides));
    if (c->stage)
        json_object_set_new(o, "stage", json_string(c->stage));
    for (const char *const *n = c->collect; n && *n; n++)
        json_array_append_new(collect, json_string(*n));
    json_object_set_new(o, "collect", collect);
}

/* One reading of a bare number: {"space", "name", "code", "number"?, "meanings"?}. */
static json_t *reading(size_t space, long code, const struct la_code *c)
{
    const struct la_space *sp = la_space_at(space);
    json_t *r = json_pack("{s:s,s:s,s:I}", "space", sp->id, "name",
                          *sp->name ? sp->name : "error", "code", (json_int_t)code);
    long num;

    if (!r)
        return NULL;
    if (space != LA_SPACE_DIALOG && la_space_number(space, code, &num))
        json_object_set_new(r, "number", json_integer(num));
    if (space == LA_SPACE_DIALOG && c) {
        json_t *ms = json_array();
        for (size_t i = 0; i < c->n_meanings; i++) {
            int seen = 0;
            for (size_t k = 0; k < i; k++)
                seen |= !strcmp(c->meanings[k].space, c->meanings[i].space);
            if (!seen)
                json_array_append_new(ms, json_string(c->meanings[i].space));
        }
        json_object_set_new(r, "meanings", ms);
    }
    return r;
}

/* Every numbering space in which the catalogue gives the bare number num a meaning. */
static json_t *spaces_json(const struct la_kb *kb, long num)
{
    int tss = la_space_find("tss", 3);
    const struct la_code *c = la_kb_code(kb, num);
    json_t *arr = json_array();

    if (!arr)
        return NULL;
    if (c)
        json_array_append_new(arr, reading(LA_SPACE_DIALOG, num, c));
    /* A TSS status N is error 3100 + N: 94 reads as TSS 94, 3194 as TSS status 94 too. */
    if (tss >= 0 && la_kb_code_in(kb, (size_t)tss, num))
        json_array_append_new(arr, reading((size_t)tss, num, NULL));
    if (tss >= 0 && num > 3100 && la_kb_code_in(kb, (size_t)tss, num - 3100) &&
        la_kb_code_in(kb, (size_t)tss, num - 3100)->code == num)
        json_array_append_new(arr, reading((size_t)tss, num - 3100, NULL));
    for (size_t i = 0; i < la_space_count(); i++)
        if (!la_space_at(i)->on_line && la_kb_code_in(kb, i, num))
            json_array_append_new(arr, reading(i, num, NULL));
    return arr;
}

/* What the query's space is: {"id", "name", "title"}, and a futurerestore exception code decoded. */
static void put_space(json_t *o, size_t space, long code)
{
    const struct la_space *sp = la_space_at(space);
    char note[200];

    json_object_set_new(o, "space", json_pack("{s:s,s:s,s:s}", "id", sp->id, "name",
                                              *sp->name ? sp->name : "error", "title",
                                              sp->title));
    /* libgeneral's exception code: source line << 16 | length of the source file's name. */
    if (!strcmp(sp->id, "fr") && code >= 0x10000) {
        snprintf(note, sizeof(note), "an exception code: raised at line %ld of a source file "
                 "whose name is %ld characters long (code = line << 16 | name length); the "
                 "exception's what= line says what failed", code >> 16, code & 0xFFFF);
        json_object_set_new(o, "note", json_string(note));
    }
}

/* Ranked causes (the priors, else the defaults) and the ladder of the likely ones. */
static void put_causes(json_t *o, const struct la_kb *kb, const struct la_prior *pr, size_t np)
{
    json_t *causes = json_array(), *ladder = json_array();
    struct { const struct la_cause *c; double p; } rk[32];
    size_t nr = 0;

    for (size_t i = 0; i < la_kb_n_causes(kb) && nr < 32; i++) {
        const struct la_cause *cz = la_kb_cause_at(kb, i);
        double p = np ? 0 : cz->prior;
        for (size_t k = 0; k < np; k++)
            if (!strcmp(pr[k].cause, cz->id))
                p = pr[k].p;
        if (p <= 0)
            continue;
        rk[nr].c = cz;
        rk[nr].p = p;
        nr++;
    }
    for (size_t i = 0; i < nr; i++)
        for (size_t j = i + 1; j < nr; j++)
            if (rk[j].p > rk[i].p) {
                __typeof__(rk[0]) t = rk[i];
                rk[i] = rk[j];
                rk[j] = t;
            }
    for (size_t i = 0; i < nr; i++)
        json_array_append_new(causes, json_pack("{s:s,s:s,s:f,s:s,s:s}", "id", rk[i].c->id,
                                                "title", rk[i].c->title, "prior", rk[i].p,
                                                "summary", rk[i].c->summary, "next_test",
                                                rk[i].c->next_test ? rk[i].c->next_test : ""));
    json_object_set_new(o, "causes", causes);
    /* The ladder: the steps of the likely causes (prior >= 10 %, at least the top three),
     * in the catalogue's cheapest-first order. */
    for (size_t i = 0; i < la_kb_n_steps(kb); i++) {
        const struct la_step *s = la_kb_step_at(kb, i);
        int used = 0;
        for (size_t k = 0; k < nr && !used; k++) {
            if (k >= 3 && rk[k].p < 0.1)
                break;
            for (const char *const *r = rk[k].c->remediation; r && *r; r++)
                used |= !strcmp(*r, s->id);
        }
        if (!used)
            continue;
        json_array_append_new(ladder, json_pack("{s:s,s:s,s:s,s:s}", "id", s->id, "text",
                                                s->text, "why", s->why ? s->why : "",
                                                "if_still_fails",
                                                s->if_still_fails ? s->if_still_fails : ""));
    }
    json_object_set_new(o, "ladder", ladder);
}

#define NEARBY_MAX 6                   /* nearby entries listed for an unknown number */

/* The first meaning's text of an entry, or "". */
static const char *first_meaning(const struct la_code *c)
{
    return c->n_meanings ? c->meanings[0].text : "";
}

/*
 * The error-number entries near an unknown number num: those one digit away (4031 for 4013:
 * a swap, a wrong or missing digit), then the nearest below and above; in number order.
 */
static json_t *nearby_json(const struct la_kb *kb, long num)
{
    const struct la_code *pick[NEARBY_MAX], *below = NULL, *above = NULL;
    char a[24], b[24];
    size_t n = 0;
    json_t *arr = json_array();
    int al = snprintf(a, sizeof a, "%ld", num);

    for (size_t i = 0; arr && i < la_kb_n_codes(kb) && n < NEARBY_MAX - 2; i++) {
        const struct la_code *c = la_kb_code_at(kb, i);
        int bl;
        if (c->space)
            continue;                  /* an entry off the error-number line */
        bl = snprintf(b, sizeof b, "%ld", c->code);
        if (la_edit_distance(a, (size_t)al, b, (size_t)bl) <= 1)
            pick[n++] = c;
    }
    for (size_t i = 0; arr && i < la_kb_n_codes(kb); i++) {
        const struct la_code *c = la_kb_code_at(kb, i);
        if (c->space)
            continue;
        if (c->code < num && (!below || c->code > below->code))
            below = c;
        if (c->code > num && (!above || c->code < above->code))
            above = c;
    }
    for (int k = 0; k < 2; k++) {
        const struct la_code *c = k ? above : below;
        int dup = 0;
        for (size_t j = 0; j < n; j++)
            dup |= pick[j] == c;
        if (c && !dup)
            pick[n++] = c;
    }
    for (size_t i = 1; i < n; i++)     /* number order */
        for (size_t j = i; j > 0 && pick[j]->code < pick[j - 1]->code; j--) {
            const struct la_code *t = pick[j];
            pick[j] = pick[j - 1];
            pick[j - 1] = t;
        }
    for (size_t i = 0; arr && i < n; i++)
        json_array_append_new(arr, json_pack("{s:I,s:s}", "code", (json_int_t)pick[i]->code,
                                             "meaning", first_meaning(pick[i])));
    return arr;
}

/*
 * What an unknown name may have meant: "tss:94" for "tsss:94" (a space id), else the
 * nearest name or alias of an entry.  A new string, or NULL.
 */
static json_t *suggest_json(const struct la_kb *kb, const char *arg)
{
    const char *colon = strchr(arg, ':');
    struct la_suggest sug;
    char word[LA_SUGGEST_MAX_LEN + 1];

    if (colon && (size_t)(colon - arg) <= LA_SUGGEST_MAX_LEN &&
        la_space_find(arg, (size_t)(colon - arg)) < 0) {
        memcpy(word, arg, (size_t)(colon - arg));
        word[colon - arg] = 0;
        la_suggest_init(&sug, word);
        for (size_t i = 0; i < la_space_count(); i++)
            la_suggest_add(&sug, la_space_at(i)->id);
        return sug.best ? json_sprintf("%s%s", sug.best, colon) : NULL;
    }
    la_suggest_init(&sug, arg);
    for (size_t i = 0; i < la_kb_n_codes(kb); i++) {
        const struct la_code *c = la_kb_code_at(kb, i);
        for (const char *const *n = c->names; n && *n; n++)
            la_suggest_add(&sug, *n);
        for (const char *const *n = c->aliases; n && *n; n++)
            la_suggest_add(&sug, *n);
    }
    return sug.best ? json_string(sug.best) : NULL;
}

/*
 * The one space off the error-number line that knows a bare number the line does not
 * (0xe8000015 is only MobileDevice's, 10005 only VZError's): its index, or -1 when the line
 * knows the number (entry or family) or no space or several do.  A negative number is
 * never read so: it is as often a tool's own return value (futurerestore's -3,
 * idevicerestore's, libimobiledevice's: spaces without a catalogue) as libusb's.
 */
static int only_space(const struct la_kb *kb, long num)
{
    int found = -1;

    if (num < 0 || la_kb_code(kb, num) || la_kb_family_of(kb, num))
        return -1;
    for (size_t i = 0; i < la_space_count(); i++) {
        if (la_space_at(i)->on_line ||
            (!la_kb_code_in(kb, i, num) && !la_kb_family_in(kb, i, num)))
            continue;
        if (found >= 0)
            return -1;
        found = (int)i;
    }
    return found;
}

json_t *la_explain(const struct la_kb *kb, const char *arg)
{
    size_t space = LA_SPACE_DIALOG;
    long num = 0, n;
    int spaced = parse_spaced(arg, &space, &num);
    int is_num = spaced || parse_number(arg, 0, &num);
    const struct la_code *named = is_num ? NULL : la_kb_code_by_name(kb, arg);
    int pasted = !is_num && !named && parse_pasted(arg, &num);
    int only;
    const struct la_code *c;

    /* A pasted dialog or line is read as the number it shows, the query kept as typed. */
    is_num |= pasted;
    only = is_num && !spaced ? only_space(kb, num) : -1;

    /* A bare number only one space knows is read in that space, as if it had been named. */
    if (only >= 0) {
        space = (size_t)only;
        spaced = 1;
    }
    c = spaced ? la_kb_code_in(kb, space, num) : is_num ? la_kb_code(kb, num) : named;
    const struct la_family *fam;
    const struct la_prior *pr = NULL;
    size_t np = 0;
    json_t *o = json_object();
    char *q;

    if (!o)
        return NULL;
    if (!is_num && c) {
        num = c->code;
        space = space_of_entry(c);
        spaced = space != LA_SPACE_DIALOG;
    }
    /* The query as typed, valid UTF-8 (a bad byte as U+FFFD), so the entry always has it. */
    q = la_utf8_dup(arg, strlen(arg));
    json_object_set_new(o, "query", q ? json_string_nocheck(q) : NULL);
    la_free(q);
    json_object_set_new(o, "known", json_boolean(c != NULL));
    if (pasted)
        json_object_set_new(o, "pasted", json_true());
    if (spaced)
        put_space(o, space, num);
    if (is_num || c)
        json_object_set_new(o, "code", json_integer(num));
    if (spaced && space != LA_SPACE_DIALOG && la_space_number(space, num, &n))
        json_object_set_new(o, "number", json_integer(n));
    if (is_num && (!spaced || only >= 0))
        json_object_set_new(o, "spaces", spaces_json(kb, num));
    if (is_num && !spaced && !c)
        json_object_set_new(o, "nearby", nearby_json(kb, num));
    if (!is_num && !c) {
        json_t *sug = suggest_json(kb, arg);
        if (sug)
            json_object_set_new(o, "suggest", sug);
    }
    fam = spaced ? la_kb_family_in(kb, space, num) : (is_num || c) ? la_kb_family_of(kb, num)
                                                                   : NULL;
    if (c) {
        put_entry(o, c, space);
        pr = c->priors;
        np = c->n_priors;
        if (c->family && la_kb_family(kb, c->family))
            fam = la_kb_family(kb, c->family);
    }
    if (fam) {
        json_object_set_new(o, "family", json_pack("{s:s,s:s}", "id", fam->id, "title",
                                                   fam->title ? fam->title : ""));
        if (!np) {
            pr = fam->priors;
            np = fam->n_priors;
        }
    }
    put_causes(o, kb, pr, np);
    return o;
}
