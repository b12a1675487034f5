/*
 * explain: what an error code (a number, hex, a symbolic name or a log string) means in each
 * numbering space, ranked likely causes from the same priors the diagnosis uses, the
 * remediation ladder of those causes, and which logs tell them apart — as a JSON document
 * (schema loganalyze.explain/1) that the command line and the web page both render.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/explain.h"
#include "rules/rules.h"

static const struct la_code *lookup_code(const struct la_kb *kb, const char *arg, long *ret_num)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(arg, &end, 0);
    if (!errno && !*end && end != arg) {
        *ret_num = v;
        return la_kb_code(kb, v);
    }
    const struct la_code *c = la_kb_code_by_name(kb, arg);
    if (c)
        *ret_num = c->code;
    return c;
}

json_t *la_explain(const struct la_kb *kb, const char *arg)
{
    long num = 0;
    int known_num = 0;
    const struct la_code *c = lookup_code(kb, arg, &num);
    char *end;
    json_t *o = json_object(), *causes = json_array(), *ladder = json_array();

    errno = 0;
    (void)strtol(arg, &end, 0);
    known_num = c || (!errno && !*end && end != arg);
    json_object_set_new(o, "query", json_string(arg));
    json_object_set_new(o, "known", json_boolean(c != NULL));
    if (known_num)
        json_object_set_new(o, "code", json_integer(num));
    const struct la_prior *pr = NULL;
    size_t np = 0;
    const struct la_family *fam = known_num ? la_kb_family_of(kb, num) : NULL;
    if (c) {
        json_t *names = json_array(), *means = json_array(), *collect = json_array();
        for (const char *const *n = c->names; n && *n; n++)
            json_array_append_new(names, json_string(*n));
        json_object_set_new(o, "names", names);
        for (size_t i = 0; i < c->n_meanings; i++)
            json_array_append_new(means, json_pack("{s:s,s:s,s:b,s:s}", "space",
                                                   c->meanings[i].space, "text",
                                                   c->meanings[i].text, "confirmed",
                                                   c->meanings[i].confirmed, "source",
                                                   c->meanings[i].source));
        json_object_set_new(o, "meanings", means);
        if (c->collides)
            json_object_set_new(o, "collides", json_string(c->collides));
        if (c->stage)
            json_object_set_new(o, "stage", json_string(c->stage));
        for (const char *const *n = c->collect; n && *n; n++)
            json_array_append_new(collect, json_string(*n));
        json_object_set_new(o, "collect", collect);
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
    /* Ranked causes: the code's priors, else the family's, else the defaults. */
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
    return o;
}

