/*
 * The engine: what every input of a run shares (analyze.h).
 *
 * la_engine_new() finds the data folder, loads the knowledge data from its
 * data/ subfolder (la_kb_load: causes, codes, stages), loads and compiles the
 * rule packs (the folder's own *.yaml unless --no-default-rules, then each
 * --rules path), notes which rules others name in after/unless (their hits
 * are kept for scoring), and sets up the profile totals, the forced input
 * format and the redactor.  After that the engine is read-only, so threads
 * analyse inputs on it at once (pipeline.c); only the profile totals change,
 * under e->lock.
 *
 * The data folder is --data-dir, else $LOGANALYZE_DATADIR (one that is given
 * and lacks data/causes.yaml is an error: no other folder is quietly used
 * instead), else the first of the caller's search list (the CLI: the source
 * tree for a build run from its build folder, the data beside a moved
 * installation) and the installed rules/ that holds data/causes.yaml
 * (la_kb_marker).  An installed binary so never reads the source tree it was
 * built from.  Rule packs sit in the folder itself and data files in data/,
 * so a folder listing needs to know no data-file name.  The --tried steps
 * are checked against the ladder once the data is loaded.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyze/analyze-internal.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/dir.h"
#include "core/suggest.h"
#include "formats/formats.h"

#define DATA_SUBDIR "data"        /* the knowledge data, below the data folder */

static int file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* Does dir hold the knowledge data (data/causes.yaml)?  1, 0, or -1 on OOM. */
static int is_data_dir(const char *dir)
{
    struct la_buf b = LA_BUF_INIT;
    int ok;

    if (la_buf_addf(&b, "%s/" DATA_SUBDIR "/%s", dir, la_kb_marker()) != LA_OK)
        return -1;
    ok = file_exists(b.buf);
    la_buf_release(&b);
    return ok;
}

/*
 * The data dir (see the comment atop): *ret a copy, or NULL when none is found (*ret_named
 * then names the folder that was given and lacks the data, if one was).  LA_FATAL on OOM.
 */
static enum la_rc find_data_dir(const struct la_engine_opts *o, char **ret,
                                const char **ret_named)
{
    const char *env = getenv("LOGANALYZE_DATADIR");
    const char *named = o->data_dir ? o->data_dir : env && *env ? env : NULL;
    int ok;

    *ret = NULL;
    *ret_named = named;
    if (named) {
        ok = is_data_dir(named);
        if (ok < 0)
            return LA_FATAL;
        *ret = ok ? la_strdup(named) : NULL;
        return ok && !*ret ? LA_FATAL : LA_OK;
    }
    for (const char *const *c = o->data_dir_search; c && *c; c++) {
        ok = is_data_dir(*c);
        if (ok < 0)
            return LA_FATAL;
        if (ok)
            return (*ret = la_strdup(*c)) ? LA_OK : LA_FATAL;
    }
    ok = is_data_dir(LA_DATADIR "/rules");
    if (ok < 0 || (ok && !(*ret = la_strdup(LA_DATADIR "/rules"))))
        return LA_FATAL;
    return LA_OK;
}

/* A rule pack in a folder: *.yaml, not hidden. */
static int is_rule_pack(const char *name, void *user)
{
    size_t l = strlen(name);

    (void)user;
    return l >= 6 && !strcmp(name + l - 5, ".yaml") && name[0] != '.';
}

/* Add a rule file, or every *.yaml rule pack in a folder, by name. */
static enum la_rc add_rules(struct la_ruleset *rs, const char *path, struct la_diag_sink *sink)
{
    struct stat st;
    struct la_dir_list l;
    struct la_buf file = LA_BUF_INIT;
    enum la_rc rc;

    if (stat(path, &st) != 0) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_OPEN_FAILED, path, 0, 0, "cannot open: %s",
                 strerror(errno));
        return LA_FAILED;
    }
    if (!S_ISDIR(st.st_mode))
        return la_ruleset_add_file(rs, path, sink);
    rc = la_dir_list(path, is_rule_pack, NULL, 0, &l, NULL);
    if (rc == LA_FAILED)
        la_diagf(sink, LA_SEV_ERROR, LA_D_OPEN_FAILED, path, 0, 0, "cannot open: %s",
                 strerror(errno));
    if (rc != LA_OK)
        return rc;
    for (size_t i = 0; i < l.n; i++) {
        la_buf_reset(&file);
        if (la_buf_addf(&file, "%s/%s", path, l.names[i]) != LA_OK)
            rc = LA_FATAL;
        else if (rc != LA_FATAL)
            rc = la_rc_worst(rc, la_ruleset_add_file(rs, file.buf, sink));
    }
    la_dir_list_release(&l);
    la_buf_release(&file);
    return rc;
}

/* Find the data folder and load the knowledge data from its data/ subfolder. */
static enum la_rc load_data(struct la_engine *e, struct la_diag_sink *sink)
{
    const char *named;
    struct la_buf sub = LA_BUF_INIT;
    enum la_rc rc = find_data_dir(&e->o, &e->data_dir, &named);

    if (rc != LA_OK)
        return rc;
    if (!e->data_dir && named) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_OPEN_FAILED, named, 0, 0,
                 "not a rules data folder: no " DATA_SUBDIR "/%s (%s)", la_kb_marker(),
                 e->o.data_dir ? "--data-dir" : "LOGANALYZE_DATADIR");
        return LA_FAILED;
    }
    if (!e->data_dir) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_OPEN_FAILED, LA_DATADIR "/rules", 0, 0,
                 "cannot find the rules data folder (" DATA_SUBDIR "/%s); set "
                 "LOGANALYZE_DATADIR or --data-dir", la_kb_marker());
        return LA_FAILED;
    }
    if (la_buf_addf(&sub, "%s/" DATA_SUBDIR, e->data_dir) != LA_OK)
        return LA_FATAL;
    rc = la_kb_load(&e->kb, sub.buf, sink);
    la_buf_release(&sub);
    return rc;
}

/* --tried: every step must be one of the ladder's (causes.yaml); one line for each that is not. */
static enum la_rc check_tried(struct la_engine *e, struct la_diag_sink *sink)
{
    enum la_rc rc = LA_OK;

    for (const char *const *t = e->o.tried; t && *t; t++) {
        struct la_suggest sug;
        if (la_kb_step(e->kb, *t))
            continue;
        la_suggest_init(&sug, *t);
        for (size_t i = 0; i < la_kb_n_steps(e->kb); i++)
            la_suggest_add(&sug, la_kb_step_at(e->kb, i)->id);
        if (sug.best)
            la_diagf(sink, LA_SEV_ERROR, LA_D_TRIED_UNKNOWN, NULL, 0, 0,
                     "unknown --tried step '%s'; did you mean '%s'? (`loganalyze explain CODE` "
                     "lists the steps)", *t, sug.best);
        else
            la_diagf(sink, LA_SEV_ERROR, LA_D_TRIED_UNKNOWN, NULL, 0, 0,
                     "unknown --tried step '%s' (`loganalyze explain CODE` lists the steps)", *t);
        rc = LA_FAILED;
    }
    return rc;
}

/* The ruleset: vocabulary (cause and format ids), the rule packs, compiled. */
static enum la_rc load_rules(struct la_engine *e, struct la_diag_sink *sink)
{
    /* Every format id, NULL-terminated; the ruleset points at it (the engine owns it). */
    const char **fmts = la_calloc(la_format_count() + 1, sizeof(*fmts));
    enum la_rc rc = LA_OK;

    e->format_ids = fmts;

    e->rs = fmts ? la_ruleset_new(&e->o.limits) : NULL;
    if (!e->rs)
        return LA_FATAL;
    for (unsigned i = 0; i < la_format_count(); i++)
        fmts[i] = la_format_id(la_format_at(i));
    la_ruleset_set_vocabulary(e->rs, la_kb_cause_ids(e->kb), fmts);
    la_ruleset_set_contexts(e->rs, la_kb_context_ids(e->kb));
    if (!e->o.no_default_rules)
        rc = la_rc_worst(rc, add_rules(e->rs, e->data_dir, sink));
    if (!e->o.no_default_rules && rc != LA_FATAL)     /* the producers' packs, <data>/vocab */
        rc = la_rc_worst(rc, la_ruleset_add_vocab_dir(e->rs, e->data_dir, sink));
    for (const char *const *p = e->o.rule_paths; p && *p && rc != LA_FATAL; p++)
        rc = la_rc_worst(rc, add_rules(e->rs, *p, sink));
    if (rc != LA_FATAL)
        rc = la_rc_worst(rc, la_ruleset_compile(e->rs, sink));
    if (rc != LA_OK)
        return rc == LA_FATAL ? LA_FATAL : LA_FAILED;
    return LA_OK;
}

/* Per-rule tables: which rules others reference, and the profile totals. */
static enum la_rc index_rules(struct la_engine *e)
{
    size_t n = la_ruleset_count(e->rs);

    e->referenced = la_calloc(n + 1, 1);
    if (!e->referenced)
        return LA_FATAL;
    for (size_t i = 0; i < n; i++) {
        const struct la_rule_meta *m = la_ruleset_rule(e->rs, i);
        if (m->after_rule >= 0)
            e->referenced[m->after_rule] = 1;
        if (m->unless_rule >= 0)
            e->referenced[m->unless_rule] = 1;
    }
    pthread_mutex_init(&e->lock, NULL);
    e->prof_checks = la_calloc(n + 1, sizeof(uint64_t));
    e->prof_hits = la_calloc(n + 1, sizeof(uint64_t));
    e->prof_ns = la_calloc(n + 1, sizeof(uint64_t));
    if (!e->prof_checks || !e->prof_hits || !e->prof_ns)
        return LA_FATAL;
    return LA_OK;
}

/* --input-format: every member is read as that format. */
static enum la_rc force_format(struct la_engine *e, struct la_diag_sink *sink)
{
    if (!e->o.input_format)
        return LA_OK;
    e->forced = la_format_find(e->o.input_format);
    if (!e->forced) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_INPUT_FORMAT_UNKNOWN, NULL, 0, 0,
                 "unknown input format '%s' (see `loganalyze formats`)", e->o.input_format);
        return LA_FAILED;
    }
    return LA_OK;
}

enum la_rc la_engine_new(struct la_engine **ret, const struct la_engine_opts *o,
                         struct la_diag_sink *sink)
{
    struct la_engine *e = la_calloc(1, sizeof(*e));
    enum la_rc rc;

    if (!e)
        return LA_FATAL;
    e->o = *o;
    rc = load_data(e, sink);
    if (rc == LA_OK)
        rc = check_tried(e, sink);
    if (rc == LA_OK)
        rc = load_rules(e, sink);
    if (rc == LA_OK)
        rc = index_rules(e);
    if (rc == LA_OK)
        rc = force_format(e, sink);
    if (rc == LA_OK)
        rc = la_redact_new(&e->rd, o->redact_key, sink);
    if (rc != LA_OK) {
        la_engine_free(e);
        return rc;
    }
    *ret = e;
    return LA_OK;
}

void la_engine_free(struct la_engine *e)
{
    if (!e)
        return;
    if (e->prof_checks)
        pthread_mutex_destroy(&e->lock);
    la_free(e->referenced);
    la_free(e->prof_checks);
    la_free(e->prof_hits);
    la_free(e->prof_ns);
    la_ruleset_free(e->rs);
    la_free(e->format_ids);
    la_kb_free(e->kb);
    la_redact_free(e->rd);
    la_free(e->data_dir);
    la_free(e);
}

const struct la_ruleset *la_engine_ruleset(const struct la_engine *e)
{
    return e->rs;
}

const struct la_kb *la_engine_kb(const struct la_engine *e)
{
    return e->kb;
}

const char *la_engine_data_dir(const struct la_engine *e)
{
    return e->data_dir;
}

int la_engine_tried(const struct la_engine *e, const char *step)
{
    for (const char *const *t = e->o.tried; t && *t; t++)
        if (!strcmp(*t, step))
            return 1;
    return 0;
}

json_t *la_engine_profile(struct la_engine *e)
{
    json_t *arr = json_array();

    for (size_t i = 0; i < la_ruleset_count(e->rs) && arr; i++) {
        uint64_t c = e->prof_checks[i], h = e->prof_hits[i], ns = e->prof_ns[i];
        if (!c)
            continue;
        json_t *o = json_object();
        json_object_set_new(o, "rule", json_string(la_ruleset_rule(e->rs, i)->id));
        json_object_set_new(o, "checks", json_integer((json_int_t)c));
        json_object_set_new(o, "matches", json_integer((json_int_t)h));
        json_object_set_new(o, "ms", json_real((double)ns / 1e6));
        json_array_append_new(arr, o);
    }
    return arr;
}
