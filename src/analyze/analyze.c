/*
 * The analysis pipeline; see analyze.h.
 *
 * Per input: ingest hands out members; each is probed, split into lines
 * (bounded), parsed into records, and scanned by the matcher.  Rule hits
 * update the restore attempt of the member they came from:
 *   attempt  → start a new attempt        result → result code / outcome
 *   stage    → stage reached              fact   → device and host facts
 *   evidence → a match kept for scoring (with time, stage, source, line)
 * Members without an attempt marker (a device log, a panic) form implicit
 * attempts that are joined, at the end of the input, to the explicit attempt
 * whose time span holds them, else the nearest, else the last one.
 *
 * Scoring per attempt (rules/README.md "Scoring"): priors from the result
 * code (codes.yaml), else its family, else causes.yaml; every evidence rule
 * that fired after applies/when/count/after/unless adds its weight once;
 * softmax gives confidences.  The input's verdict comes from its most
 * significant attempt: the last failed one, else inconclusive, else
 * succeeded.
 *
 * Memory is bounded: evidence lines are copied (capped) and at most
 * max_evidence kept per rule per attempt; unexplained lines are grouped
 * into at most max_unexplained templates.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <math.h>
#include <nettle/hmac.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analyze/analyze.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/version.h"
#include "formats/formats.h"
#include "ingest/ingest.h"
#include "ingest/linereader.h"
#include "rules/rules.h"

#define MAX_TEXT 400
#define MAX_STAGES 32
#define MAX_CODES 16
#define MAX_MATCHES_PER_ATTEMPT 4096
#define MAX_MATCHES_PER_INPUT 65536       /* ~3.5 MiB of match records */
#define MAX_TEXT_PER_INPUT (4u << 20)     /* evidence text kept per input */
#define MAX_TEXT_PER_RULE 8               /* lines with text per rule and attempt */
#define MAX_MEMBERS_LISTED 5000           /* members listed in an analysis report */
#define MAX_ATTEMPTS_PER_INPUT 1000       /* restore attempts told apart per input */
#define MAX_ATTEMPTS_LISTED 200           /* attempts listed in a report (the latest) */

struct match {
    size_t rule;
    int64_t time;
    int has_date;
    unsigned member;
    uint64_t line;
    char *text;
    const char *stage;             /* pooled in the attempt's stage list */
};

enum fact { FACT_MODEL, FACT_IOS, FACT_BUILD, FACT_HOST, FACT_HOSTOS, FACT_ECID, FACT_UDID,
            FACT_SERIAL, FACT_N };
static const char *const fact_names[FACT_N] = { "model", "ios", "build", "host", "hostos", "ecid",
                                                "udid", "serial" };

struct attempt {
    int explicit_start;
    int64_t start, end;
    int has_date;
    long result;
    int has_result;
    int outcome;                   /* -1 unknown, 0 succeeded, 1 failed */
    const char *stage;             /* last stage reached */
    char *fail_stage;              /* first stage reported failing, if any (owned) */
    char *stages[MAX_STAGES];
    unsigned nstages;
    long codes[MAX_CODES];
    unsigned ncodes;
    char *facts[FACT_N];
    struct match *m;
    size_t nm, capm;
    unsigned *members;             /* member indices that contributed */
    size_t nmembers;
    uint16_t *per_rule;            /* matches kept per rule (capped far below 65535) */
    size_t *ix_start, *ix;         /* matches grouped by rule (built for scoring) */
    int merged;                    /* joined into another attempt */
};

struct lasthit {
    int seen;
    int64_t time;
    int has_date;
    unsigned member;
    uint64_t line;
    size_t attempt;                /* index in run.att at the time */
};

struct member_info {
    char *path;
    const char *format;
    uint64_t bytes, lines;
    char *status;
};

struct tmpl {
    char *key, *text, *source;
    uint64_t line;
    unsigned long count;
};

struct la_engine {
    struct la_engine_opts o;
    struct la_ruleset *rs;
    struct la_kb *kb;
    char *data_dir;
    const struct la_format *forced;
    pcre2_code *id_re[6];
    uint8_t key[32];
    pthread_mutex_t lock;          /* guards the profile totals */
    unsigned char *referenced;     /* per rule: named by some rule's after/unless */
    uint64_t *prof_checks, *prof_hits, *prof_ns;
};

struct run {
    struct la_engine *e;
    struct la_matcher *m;          /* this run's own matcher (threads share the engine) */
    uint64_t total;                /* input size when known, for progress */
    unsigned long lines_since;
    const char *input;
    struct la_diag_sink *outer;
    struct la_diag_sink sink;
    json_t *warnings;
    struct member_info *members;
    size_t nmembers, capmembers;
    struct attempt **att;
    size_t natt, capatt;
    struct attempt *cur;           /* current attempt of the current member */
    unsigned cur_member;
    const char *cur_path;
    const struct la_record *rec;
    int rec_hit;
    /* inspect: list members (probe and count lines, match nothing); each goes here, then is
     * dropped.  NULL for an analysis. */
    la_member_fn *inspect_fn;
    void *inspect_user;
    enum la_rc inspect_rc;
    size_t nmatches, text_bytes;   /* kept per input, against the caps */
    int matches_capped, attempts_capped;
    struct lasthit *last;          /* per rule: the last hit in this input */
    struct tmpl *tm;
    size_t ntm;
    unsigned long tm_dropped;
    int fatal;
};

/* ------------------------------------------------------------ engine */

static int file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* The data dir: explicit, LA_DATADIR env, the source tree (build runs), installed. */
static char *find_data_dir(const char *given)
{
    const char *env = getenv("LOGANALYZE_DATADIR");
    const char *cands[4] = { given, env, LA_SOURCE_ROOT "/rules", LA_DATADIR "/rules" };

    for (int i = 0; i < 4; i++) {
        struct la_buf b = LA_BUF_INIT;
        if (!cands[i])
            continue;
        if (la_buf_addf(&b, "%s/causes.yaml", cands[i]) != LA_OK)
            return NULL;
        int ok = file_exists(b.buf);
        la_buf_release(&b);
        if (ok)
            return la_strdup(cands[i]);
    }
    return NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Add a rule file, or every *.yaml rule pack in a folder (data files excluded). */
static enum la_rc add_rules(struct la_ruleset *rs, const char *path, int is_default,
                            struct la_diag_sink *sink)
{
    struct stat st;

    if (stat(path, &st) != 0) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_OPEN_FAILED, path, 0, 0, "cannot open: %s",
                 strerror(errno));
        return LA_FAILED;
    }
    if (!S_ISDIR(st.st_mode))
        return la_ruleset_add_file(rs, path, sink);
    struct la_buf cmd = LA_BUF_INIT;
    DIR *d = opendir(path);
    char **names = NULL;
    size_t n = 0;
    enum la_rc rc = LA_OK;
    struct dirent *de;
    if (!d) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_OPEN_FAILED, path, 0, 0, "cannot open: %s",
                 strerror(errno));
        return LA_FAILED;
    }
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l < 6 || strcmp(de->d_name + l - 5, ".yaml") || de->d_name[0] == '.')
            continue;
        if (!strcmp(de->d_name, "causes.yaml") || !strcmp(de->d_name, "codes.yaml") ||
            !strcmp(de->d_name, "stages.yaml"))
            continue;
        char **nn = la_realloc(names, (n + 1) * sizeof(*nn));
        if (nn)
            names = nn;
        if (!nn || !(names[n] = la_strdup(de->d_name))) {
            for (size_t i = 0; i < n; i++)
                la_free(names[i]);
            la_free(names);
            closedir(d);
            return LA_FATAL;
        }
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof(*names), cmp_str);
    for (size_t i = 0; i < n; i++) {
        la_buf_reset(&cmd);
        if (la_buf_addf(&cmd, "%s/%s", path, names[i]) != LA_OK)
            rc = LA_FATAL;
        else if (rc != LA_FATAL)
            rc = la_rc_worst(rc, la_ruleset_add_file(rs, cmd.buf, sink));
        la_free(names[i]);
    }
    la_free(names);
    la_buf_release(&cmd);
    (void)is_default;
    return rc;
}

/* Group 1 of each pattern is the identifier that is replaced. */
static const char *const id_patterns[] = {
    /* ECID: labelled decimal or hex ("ECID: 0x…", "<ecid: …"), and idevicerestore's log name */
    ("(?i)\\becid[\"'=:\\s\\[]{1,4}((?:0x)?[0-9a-f]{10,16})\\b|\\brestore_([0-9a-f]{16})_|"
     "\\bdevice (?:0x)?([0-9a-f]{16}) \\(udid"),
    /* UDID: 40 hex, or the 8-16 form of newer devices */
    "\\b([0-9a-fA-F]{40}|[0-9A-F]{8}-[0-9A-F]{16})\\b",
    /* serial numbers when labelled */
    "(?i)\\bserial(?:number|[ _]number)?[\"'=:\\s\\[]{1,4}([A-Z0-9]{10,12})\\b",
    /* IMEI / MEID when labelled */
    "(?i)\\b(?:imei|meid)[\"'=:\\s\\[]{1,4}([0-9A-F]{14,15})\\b",
    /* e-mail */
    "([A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,190}\\.[A-Za-z]{2,24})",
    /* phone numbers in international form */
    "(\\+[1-9][0-9 ()-]{7,16}[0-9])",
};
static const char *const id_kinds[] = { "ecid", "udid", "serial", "imei", "email", "phone" };

enum la_rc la_engine_new(struct la_engine **ret, const struct la_engine_opts *o,
                         struct la_diag_sink *sink)
{
    struct la_engine *e = la_calloc(1, sizeof(*e));
    enum la_rc rc = LA_OK;
    const char *fmts[32];
    unsigned nf = 0;

    if (!e)
        return LA_FATAL;
    e->o = *o;
    e->data_dir = find_data_dir(o->data_dir);
    if (!e->data_dir) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_OPEN_FAILED, o->data_dir ? o->data_dir : "rules", 0, 0,
                 "cannot find the rules data folder (causes.yaml); set LOGANALYZE_DATADIR or "
                 "--data-dir");
        la_engine_free(e);
        return LA_FAILED;
    }
    rc = la_kb_load(&e->kb, e->data_dir, sink);
    if (rc != LA_OK) {
        la_engine_free(e);
        return rc;
    }
    e->rs = la_ruleset_new(&o->limits);
    if (!e->rs) {
        la_engine_free(e);
        return LA_FATAL;
    }
    for (unsigned i = 0; i < la_format_count() && nf < 31; i++)
        fmts[nf++] = la_format_id(la_format_at(i));
    fmts[nf] = NULL;
    la_ruleset_set_vocabulary(e->rs, la_kb_cause_ids(e->kb), fmts);
    if (!o->no_default_rules)
        rc = la_rc_worst(rc, add_rules(e->rs, e->data_dir, 1, sink));
    if (!o->no_default_rules && rc != LA_FATAL)     /* the producers' packs, <data>/vocab */
        rc = la_rc_worst(rc, la_ruleset_add_vocab_dir(e->rs, e->data_dir, sink));
    for (const char *const *p = o->rule_paths; p && *p && rc != LA_FATAL; p++)
        rc = la_rc_worst(rc, add_rules(e->rs, *p, 0, sink));
    if (rc != LA_FATAL)
        rc = la_rc_worst(rc, la_ruleset_compile(e->rs, sink));
    if (rc != LA_OK) {
        la_engine_free(e);
        return rc == LA_FATAL ? LA_FATAL : LA_FAILED;
    }
    e->referenced = la_calloc(la_ruleset_count(e->rs) + 1, 1);
    if (!e->referenced) {
        la_engine_free(e);
        return LA_FATAL;
    }
    for (size_t i = 0; i < la_ruleset_count(e->rs); i++) {
        const struct la_rule_meta *m = la_ruleset_rule(e->rs, i);
        if (m->after_rule >= 0)
            e->referenced[m->after_rule] = 1;
        if (m->unless_rule >= 0)
            e->referenced[m->unless_rule] = 1;
    }
    pthread_mutex_init(&e->lock, NULL);
    e->prof_checks = la_calloc(la_ruleset_count(e->rs) + 1, sizeof(uint64_t));
    e->prof_hits = la_calloc(la_ruleset_count(e->rs) + 1, sizeof(uint64_t));
    e->prof_ns = la_calloc(la_ruleset_count(e->rs) + 1, sizeof(uint64_t));
    if (!e->prof_checks || !e->prof_hits || !e->prof_ns) {
        la_engine_free(e);
        return LA_FATAL;
    }
    if (o->input_format) {
        e->forced = la_format_find(o->input_format);
        if (!e->forced) {
            la_diagf(sink, LA_SEV_ERROR, LA_D_INPUT_FORMAT_UNKNOWN, NULL, 0, 0,
                     "unknown input format '%s' (see `loganalyze formats`)", o->input_format);
            la_engine_free(e);
            return LA_FAILED;
        }
    }
    for (int i = 0; i < 6; i++) {
        int ec;
        PCRE2_SIZE eo;
        e->id_re[i] = pcre2_compile((PCRE2_SPTR)id_patterns[i], PCRE2_ZERO_TERMINATED,
                                    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &ec, &eo, NULL);
        if (!e->id_re[i]) {
            /* A bug in the built-in patterns, not in the input. */
            PCRE2_UCHAR msg[120];
            pcre2_get_error_message(ec, msg, sizeof(msg));
            la_diagf(sink, LA_SEV_ERROR, LA_D_RULE_BAD_REGEX, "redaction", 0, 0,
                     "built-in pattern %d: %s at offset %zu", i, (const char *)msg, (size_t)eo);
            la_engine_free(e);
            return LA_FATAL;
        }
        if (!getenv("LOGANALYZE_NO_JIT"))
            pcre2_jit_compile(e->id_re[i], PCRE2_JIT_COMPLETE);
    }
    if (o->redact_key) {
        struct sha256_ctx c;
        sha256_init(&c);
        sha256_update(&c, strlen(o->redact_key), (const uint8_t *)o->redact_key);
        sha256_digest(&c, sizeof(e->key), e->key);
    } else {
        int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        if (fd < 0 || read(fd, e->key, sizeof(e->key)) != (ssize_t)sizeof(e->key)) {
            if (fd >= 0)
                close(fd);
            la_engine_free(e);
            return LA_FATAL;
        }
        close(fd);
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
    la_kb_free(e->kb);
    for (int i = 0; i < 6; i++)
        if (e->id_re[i])
            pcre2_code_free(e->id_re[i]);
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

/* ------------------------------------------------------------ redaction */

static void token(struct la_engine *e, const char *kind, const char *s, size_t len,
                  struct la_buf *out, enum la_rc *rc)
{
    struct hmac_sha256_ctx h;
    uint8_t dig[SHA256_DIGEST_SIZE];
    char lower[64];
    size_t n = len < sizeof(lower) ? len : sizeof(lower);

    /* Case and 0x prefix do not change identity. */
    for (size_t i = 0; i < n; i++)
        lower[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i]);
    const char *p = lower;
    if (n > 2 && p[0] == '0' && p[1] == 'x')
        p += 2, n -= 2;
    while (n > 1 && *p == '0' && !strcmp(kind, "ecid"))
        p++, n--;
    hmac_sha256_set_key(&h, sizeof(e->key), e->key);
    hmac_sha256_update(&h, n, (const uint8_t *)p);
    hmac_sha256_digest(&h, sizeof(dig), dig);
    if (*rc == LA_OK)
        *rc = la_buf_addf(out, "%s-%02x%02x%02x%02x", kind, dig[0], dig[1], dig[2], dig[3]);
}

char *la_engine_redact(struct la_engine *e, const char *s, size_t len)
{
    struct la_buf out = LA_BUF_INIT, cur = LA_BUF_INIT;
    enum la_rc rc = la_buf_add(&cur, s, len);
    pcre2_match_data *md;

    if (!e->o.redact || rc != LA_OK) {
        la_buf_release(&out);
        if (rc != LA_OK)
            return NULL;
        return la_buf_detach(&cur, NULL);
    }
    md = pcre2_match_data_create(4, NULL);   /* per call: threads share the engine */
    if (!md) {
        la_buf_release(&cur);
        return NULL;
    }
    for (int k = 0; k < 6 && rc == LA_OK; k++) {
        size_t pos = 0;
        la_buf_reset(&out);
        while (pos <= cur.len) {
            int r = pcre2_match(e->id_re[k], (PCRE2_SPTR)cur.buf, cur.len, pos, 0, md, NULL);
            if (r < 0)
                break;
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
            int g = 0;
            for (int k2 = 1; k2 < r && !g; k2++)
                if (ov[2 * k2] != PCRE2_UNSET)
                    g = k2;
            PCRE2_SIZE s0 = ov[2 * g], s1 = ov[2 * g + 1];
            if (ov[1] <= ov[0] || s1 <= s0) {
                pos = ov[1] > pos ? ov[1] : pos + 1;
                continue;
            }
            if (rc == LA_OK)
                rc = la_buf_add(&out, cur.buf + pos, s0 - pos);
            token(e, id_kinds[k], cur.buf + s0, s1 - s0, &out, &rc);
            if (rc == LA_OK)
                rc = la_buf_add(&out, cur.buf + s1, ov[1] - s1);
            pos = ov[1];
        }
        if (pos < cur.len && rc == LA_OK)
            rc = la_buf_add(&out, cur.buf + pos, cur.len - pos);
        la_buf_reset(&cur);
        if (rc == LA_OK)
            rc = la_buf_add(&cur, out.buf, out.len);
    }
    la_buf_release(&out);
    pcre2_match_data_free(md);
    if (rc != LA_OK) {
        la_buf_release(&cur);
        return NULL;
    }
    return la_buf_detach(&cur, NULL);
}

/* A json string of untrusted text, redacted. */
static json_t *jtext(struct la_engine *e, const char *s, size_t len)
{
    char *r = la_engine_redact(e, s, len);
    json_t *j;

    if (!r)
        return NULL;
    j = json_stringn_nocheck(r, strlen(r));
    if (!j) {
        /* Invalid UTF-8: replace bad bytes. */
        struct la_buf b = LA_BUF_INIT;
        for (const unsigned char *p = (const unsigned char *)r; *p; p++)
            if (la_buf_addc(&b, *p < 0x80 ? (char)*p : '?') != LA_OK)
                break;
        j = json_string(b.buf);
        la_buf_release(&b);
    }
    la_free(r);
    return j;
}

/* ------------------------------------------------------------ attempts */

static struct attempt *new_attempt(struct run *r, int explicit_start)
{
    struct attempt *a = la_calloc(1, sizeof(*a));

    if (!a)
        return NULL;
    a->explicit_start = explicit_start;
    a->start = a->end = -1;
    a->outcome = -1;
    a->per_rule = la_calloc(la_ruleset_count(r->e->rs) + 1, sizeof(*a->per_rule));
    if (!a->per_rule) {
        la_free(a);
        return NULL;
    }
    if (r->natt == r->capatt) {
        size_t nc = r->capatt ? r->capatt * 2 : 8;
        struct attempt **n = la_realloc(r->att, nc * sizeof(*n));
        if (!n) {
            la_free(a->per_rule);
            la_free(a);
            return NULL;
        }
        r->att = n;
        r->capatt = nc;
    }
    r->att[r->natt++] = a;
    return a;
}

static void free_attempt(struct attempt *a)
{
    for (size_t i = 0; i < a->nm; i++)
        la_free(a->m[i].text);
    la_free(a->m);
    for (unsigned i = 0; i < a->nstages; i++)
        la_free(a->stages[i]);
    for (int i = 0; i < FACT_N; i++)
        la_free(a->facts[i]);
    la_free(a->fail_stage);
    la_free(a->members);
    la_free(a->per_rule);
    la_free(a->ix_start);
    la_free(a->ix);
    la_free(a);
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

static int add_member_to(struct attempt *a, unsigned mi)
{
    for (size_t i = 0; i < a->nmembers; i++)
        if (a->members[i] == mi)
            return 0;
    unsigned *n = la_realloc(a->members, (a->nmembers + 1) * sizeof(*n));
    if (!n)
        return -1;
    a->members = n;
    a->members[a->nmembers++] = mi;
    return 0;
}

static const char *add_stage(struct attempt *a, const char *s, size_t len)
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
            a->stage = a->stages[i];
            return a->stage;
        }
    if (a->nstages == MAX_STAGES) {
        la_free(a->stages[1]);
        memmove(&a->stages[1], &a->stages[2], (MAX_STAGES - 2) * sizeof(char *));
        a->nstages--;
    }
    a->stages[a->nstages] = la_strndup(s, len);
    if (!a->stages[a->nstages])
        return NULL;
    a->stage = a->stages[a->nstages++];
    return a->stage;
}

static void add_code(struct attempt *a, long c)
{
    for (unsigned i = 0; i < a->ncodes; i++)
        if (a->codes[i] == c)
            return;
    if (a->ncodes < MAX_CODES)
        a->codes[a->ncodes++] = c;
}

static int parse_code(struct la_sv v, long *ret)
{
    char buf[32];
    char *end;

    if (!v.len || v.len >= sizeof(buf))
        return 0;
    memcpy(buf, v.p, v.len);
    buf[v.len] = 0;
    errno = 0;
    long c = strtol(buf, &end, 0);
    if (errno || *end)
        return 0;
    *ret = c;
    return 1;
}

static struct attempt *current(struct run *r)
{
    if (!r->cur && r->natt >= MAX_ATTEMPTS_PER_INPUT)
        r->cur = r->att[r->natt - 1];
    if (!r->cur) {
        r->cur = new_attempt(r, 0);
        if (!r->cur)
            return NULL;
    }
    if (add_member_to(r->cur, r->cur_member) < 0)
        return NULL;
    return r->cur;
}

static void touch_time(struct attempt *a, const struct la_record *rec)
{
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
    if (h->time >= 0 && rec->time >= 0 && h->has_date == rec->has_date)
        return !m->unless_within || llabs(rec->time - h->time) <= m->unless_within;
    return h->member == r->cur_member && rec->line - h->line <= 2;
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

static enum la_rc on_hit(void *user, size_t ri, const struct la_capture *caps, size_t ncaps)
{
    struct run *r = user;
    const struct la_rule_meta *m = la_ruleset_rule(r->e->rs, ri);
    const struct la_record *rec = r->rec;
    struct attempt *a;

    r->rec_hit = 1;
    if (m->kind != LA_KIND_EVIDENCE && suppressed(r, m)) {
        remember(r, ri);
        return LA_OK;
    }
    if (m->kind == LA_KIND_ATTEMPT) {
        /* A new tool run: a fresh attempt unless the current one is still empty (or the
         * input already holds as many attempts as are told apart: then it continues). */
        if (r->natt >= MAX_ATTEMPTS_PER_INPUT && r->cur) {
            if (!r->attempts_capped) {
                r->attempts_capped = 1;
                la_diagf(&r->sink, LA_SEV_WARNING, LA_D_MEMBER_LIMIT, r->input, 0, 0,
                         "more than %u restore attempts in this input; later ones are counted "
                         "into the last", MAX_ATTEMPTS_PER_INPUT);
            }
        } else if (!r->cur || r->cur->explicit_start || r->cur->nm || r->cur->has_result ||
                   r->cur->nstages) {
            r->cur = new_attempt(r, 1);
            if (!r->cur)
                return LA_FATAL;
        }
        r->cur->explicit_start = 1;
    }
    a = current(r);
    if (!a)
        return LA_FATAL;
    touch_time(a, rec);
    for (size_t i = 0; i < ncaps; i++) {
        const struct la_capture *c = &caps[i];
        long v;
        if (!strcmp(c->name, "code") && parse_code(c->value, &v)) {
            if (m->kind == LA_KIND_RESULT) {
                a->result = v;
                a->has_result = 1;
                a->outcome = v == 0 ? 0 : 1;
            }
            /* Negative values are tool return values, not catalogue codes. */
            if (v > 0 || (v != 0 && m->kind == LA_KIND_RESULT))
                add_code(a, v);
        } else if (!strcmp(c->name, "stage") && c->value.len) {
            if (!add_stage(a, c->value.p, c->value.len))
                return LA_FATAL;
        } else if (!strcmp(c->name, "op") && parse_code(c->value, &v)) {
            const char *s = la_kb_stage_of_op(r->e->kb, v);
            if (s && !add_stage(a, s, strlen(s)))
                return LA_FATAL;
        } else if (!strcmp(c->name, "checkpoint")) {
            const char *s = la_kb_stage_of_checkpoint(r->e->kb, c->value.p, c->value.len);
            if (s && !add_stage(a, s, strlen(s)))
                return LA_FATAL;
        } else {
            for (int f = 0; f < FACT_N; f++)
                if (!strcmp(c->name, fact_names[f]) && c->value.len && c->value.len < 128) {
                    la_free(a->facts[f]);
                    a->facts[f] = la_strndup(c->value.p, c->value.len);
                    if (!a->facts[f])
                        return LA_FATAL;
                }
        }
    }
    if (m->kind == LA_KIND_STAGE && !a->fail_stage && a->stage) {
        /* A stage line that carries a code is a failing step; the first is the specific one
         * (restored repeats the failure for every enclosing step). */
        for (size_t i = 0; i < ncaps; i++)
            if (!strcmp(caps[i].name, "code") && !a->fail_stage &&
                !(a->fail_stage = la_strdup(a->stage)))
                return LA_FATAL;
    }
    for (size_t i = 0; m->set_keys && m->set_keys[i]; i++) {
        long v;
        if (!strcmp(m->set_keys[i], "code") &&
            parse_code(la_sv_cstr(m->set_values[i]), &v)) {
            /* A code the line implies: TSS status 94 is shown as 3194, "Disk Failure" is 6. */
            if (m->kind == LA_KIND_RESULT && !a->has_result) {
                a->result = v;
                a->has_result = 1;
                a->outcome = v == 0 ? 0 : 1;
            }
            if (v != 0)
                add_code(a, v);
            continue;
        }
        if (!strcmp(m->set_keys[i], "stage")) {
            if (!add_stage(a, m->set_values[i], strlen(m->set_values[i])))
                return LA_FATAL;
            continue;
        }
        for (int f = 0; f < FACT_N; f++)
            if (!strcmp(m->set_keys[i], fact_names[f])) {
                la_free(a->facts[f]);
                a->facts[f] = la_strdup(m->set_values[i]);
                if (!a->facts[f])
                    return LA_FATAL;
            }
    }
    if (m->kind == LA_KIND_RESULT && m->outcome >= 0 && !a->has_result) {
        a->outcome = m->outcome;
    }
    if (m->kind == LA_KIND_RESULT && m->outcome == 1)
        a->outcome = 1;
    remember(r, ri);
    /* Keep evidence, and hits of rules that others name in after/unless (bounded). */
    if (m->kind != LA_KIND_EVIDENCE && !r->e->referenced[ri])
        return LA_OK;
    unsigned long per_rule_cap = (unsigned long)r->e->o.limits.max_evidence * 64;
    if (per_rule_cap > 60000)
        per_rule_cap = 60000;
    if (a->per_rule[ri] >= per_rule_cap || a->nm >= MAX_MATCHES_PER_ATTEMPT)
        return LA_OK;
    if (r->nmatches >= MAX_MATCHES_PER_INPUT) {
        if (!r->matches_capped) {
            r->matches_capped = 1;
            la_diagf(&r->sink, LA_SEV_WARNING, LA_D_BYTES_LIMIT, r->input, 0, 0,
                     "more than %u rule matches in this input; later matches are not kept "
                     "(the diagnosis rests on the first ones)", MAX_MATCHES_PER_INPUT);
        }
        return LA_OK;
    }
    r->nmatches++;
    if (a->nm == a->capm) {
        size_t nc = a->capm ? a->capm * 2 : 32;
        struct match *n = la_realloc(a->m, nc * sizeof(*n));
        if (!n)
            return LA_FATAL;
        a->m = n;
        a->capm = nc;
    }
    struct match *x = &a->m[a->nm];
    size_t tl = rec->text.len < MAX_TEXT ? rec->text.len : MAX_TEXT;
    x->rule = ri;
    x->time = rec->time;
    x->has_date = rec->has_date;
    x->member = r->cur_member;
    x->line = rec->line;
    x->stage = a->stage;
    x->text = NULL;
    /* Text only for the lines a report can show: the first few per rule, within a budget. */
    if (m->kind == LA_KIND_EVIDENCE && a->per_rule[ri] < MAX_TEXT_PER_RULE &&
        r->text_bytes + tl < MAX_TEXT_PER_INPUT) {
        if (!(x->text = la_strndup(rec->text.p, tl)))
            return LA_FATAL;
        r->text_bytes += tl;
    }
    a->nm++;
    a->per_rule[ri]++;
    return LA_OK;
}

/* Group an unexplained error line under a template with numbers masked. */
static enum la_rc note_unexplained(struct run *r, const struct la_record *rec)
{
    struct la_sv msg = rec->message;
    struct la_buf key = LA_BUF_INIT;
    int err = 0;

    if (msg.len < 6)
        return LA_OK;
    /*
     * "error", "fail" or "panic(" in any case, in the message: the matcher's scan of the
     * record's text saw them (the message is the text's tail).
     */
    for (int h = 0; h < LA_HINTS && !err; h++)
        err = la_matcher_hint_at(r->m, (enum la_hint)h) > (size_t)(msg.p - rec->text.p);
    if (!err && !(rec->level.len && (!strncasecmp(rec->level.p, "error", 5) ||
                                     !strncasecmp(rec->level.p, "fault", 5))))
        return LA_OK;
    /*
     * Template: numbers, hex and identifiers masked, so lines that differ only in them group
     * together.  A word is masked when it holds a digit, or when it is a run of hex digits
     * and dashes of 8 or more (UUIDs, addresses).
     */
    for (size_t i = 0; i < msg.len && key.len < 200;) {
        size_t j = i;
        int digit = 0, hexdash = 1;
        while (j < msg.len && (isalnum((unsigned char)msg.p[j]) || msg.p[j] == '-' ||
                               msg.p[j] == '_')) {
            digit |= isdigit((unsigned char)msg.p[j]);
            hexdash &= isxdigit((unsigned char)msg.p[j]) || msg.p[j] == '-';
            j++;
        }
        if (j > i && (digit || (hexdash && j - i >= 8))) {
            if (la_buf_adds(&key, "<*>") != LA_OK)
                goto oom;
            i = j;
        } else if (j > i) {
            if (la_buf_add(&key, msg.p + i, j - i) != LA_OK)
                goto oom;
            i = j;
        } else {
            if (la_buf_addc(&key, msg.p[i]) != LA_OK)
                goto oom;
            i++;
        }
    }
    for (size_t i = 0; i < r->ntm; i++)
        if (!strcmp(r->tm[i].key, key.buf)) {
            r->tm[i].count++;
            la_buf_release(&key);
            return LA_OK;
        }
    if (r->ntm >= r->e->o.limits.max_unexplained) {
        r->tm_dropped++;
        la_buf_release(&key);
        return LA_OK;
    }
    struct tmpl *n = la_realloc(r->tm, (r->ntm + 1) * sizeof(*n));
    if (!n) {
        la_buf_release(&key);
        return LA_FATAL;
    }
    r->tm = n;
    n = &r->tm[r->ntm];
    n->key = la_buf_detach(&key, NULL);
    n->text = la_strndup(rec->text.p, rec->text.len < MAX_TEXT ? rec->text.len : MAX_TEXT);
    n->source = la_strdup(r->cur_path);
    n->line = rec->line;
    n->count = 1;
    if (!n->key || !n->text || !n->source) {
        la_free(n->key);
        la_free(n->text);
        la_free(n->source);
        return LA_FATAL;
    }
    r->ntm++;
    return LA_OK;
oom:
    la_buf_release(&key);
    return LA_FATAL;
}

static enum la_rc on_record(void *user, const struct la_record *rec)
{
    struct run *r = user;
    enum la_rc rc;

    r->rec = rec;
    r->rec_hit = 0;
    rc = la_matcher_scan(r->m, rec, on_hit, r, &r->sink);
    if (rc != LA_OK)
        return rc;
    if (!r->rec_hit)
        return note_unexplained(r, rec);
    return LA_OK;
}

static enum la_rc member_reader(void *ctx, const void **buf, size_t *len)
{
    return la_member_read(ctx, buf, len);
}

static struct member_info *add_member(struct run *r, const char *path)
{
    if (r->nmembers == r->capmembers) {
        size_t nc = r->capmembers ? r->capmembers * 2 : 16;
        struct member_info *n = la_realloc(r->members, nc * sizeof(*n));
        if (!n)
            return NULL;
        r->members = n;
        r->capmembers = nc;
    }
    struct member_info *m = &r->members[r->nmembers];
    memset(m, 0, sizeof(*m));
    m->path = la_strdup(path);
    if (!m->path)
        return NULL;
    r->nmembers++;
    return m;
}

static json_t *member_json(struct run *r, const struct member_info *m)
{
    json_t *mo = json_object();

    json_object_set_new(mo, "path", jtext(r->e, m->path, strlen(m->path)));
    json_object_set_new(mo, "format", m->format ? json_string(m->format) : json_null());
    json_object_set_new(mo, "bytes", json_integer((json_int_t)m->bytes));
    json_object_set_new(mo, "lines", json_integer((json_int_t)m->lines));
    json_object_set_new(mo, "status", json_string(m->status ? m->status : "ok"));
    return mo;
}

/* inspect: hand the member just read to the caller and forget it. */
static void inspected(struct run *r)
{
    struct member_info *m = &r->members[r->nmembers - 1];
    json_t *mo = member_json(r, m);

    if (!mo)
        r->fatal = 1;
    else if (r->inspect_rc == LA_OK)
        r->inspect_rc = r->inspect_fn(r->inspect_user, mo);
    json_decref(mo);
    la_free(m->path);
    la_free(m->status);
    r->nmembers--;
}

static void on_skipped(void *user, const char *path, uint64_t bytes, const char *status)
{
    struct run *r = user;
    struct member_info *m = add_member(r, path);

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

static enum la_rc read_member(struct run *r, struct la_member *lm)
{
    const void *head;
    size_t hl;
    const char *reason = NULL;
    const struct la_format *f;
    struct member_info *mi;
    enum la_rc rc;

    mi = add_member(r, la_member_path(lm));
    if (!mi)
        return LA_FATAL;
    r->cur_member = (unsigned)(r->nmembers - 1);
    r->cur_path = mi->path;
    r->cur = NULL;
    if (la_member_head(lm, &head, &hl) != LA_OK)
        hl = 0;
    f = r->e->forced ? r->e->forced
                     : la_format_probe(la_member_path(lm), la_member_name(lm), head, hl, NULL,
                                       &reason);
    mi->format = la_format_id(f);
    if (la_format_is_binary(f)) {
        struct la_buf b = LA_BUF_INIT;
        rc = la_buf_addf(&b, "skipped: %s", reason ? reason : "binary");
        mi->status = rc == LA_OK ? la_buf_detach(&b, NULL) : NULL;
        la_buf_release(&b);
        mi->bytes = la_member_size(lm) > 0 ? (uint64_t)la_member_size(lm) : 0;
        return mi->status ? LA_OK : LA_FATAL;
    }
    unsigned cap = la_format_wants_long_lines(f) ? r->e->o.limits.max_ips
                                                 : r->e->o.limits.max_line;
    struct la_linereader *lr = la_linereader_new(member_reader, lm, cap);
    struct la_parser *p = la_parser_new(f, la_member_path(lm));
    if (!lr || !p) {
        la_linereader_free(lr);
        la_parser_free(p);
        return LA_FATAL;
    }
    if (hl && !r->inspect_fn)  /* inspect parses nothing */
        la_parser_set_head(p, head, hl);
    struct la_sv line;
    uint64_t lineno = 0;
    rc = LA_OK;
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
        if (r->e->o.progress && ++r->lines_since >= 8192) {
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
    mi->bytes = la_member_consumed(lm);
    if (rc == LA_WARN)
        mi->status = la_strdup("error: damaged, read up to the damage");
    else
        mi->status = la_strdup("ok");
    la_linereader_free(lr);
    la_parser_free(p);
    la_matcher_reset(r->m);
    if (!mi->status)
        return LA_FATAL;
    return rc == LA_FATAL ? LA_FATAL : LA_OK;
}

static enum la_rc on_member(void *user, struct la_member *lm)
{
    struct run *r = user;
    size_t n = r->nmembers;
    enum la_rc rc = read_member(r, lm);

    if (r->inspect_fn && r->nmembers > n)
        inspected(r);
    return rc;
}

static void capture_diag(void *user, const struct la_diag *d)
{
    struct run *r = user;
    json_t *w = json_object();
    struct la_buf code = LA_BUF_INIT;

    if (r->outer && r->outer->fn)
        r->outer->fn(r->outer->user, d);
    if (!w || la_buf_addf(&code, "LA%03u", d->code) != LA_OK) {
        json_decref(w);
        return;
    }
    json_object_set_new(w, "code", json_string(code.buf));
    json_object_set_new(w, "severity", json_string(la_severity_name(d->sev)));
    json_object_set_new(w, "source", d->file ? jtext(r->e, d->file, strlen(d->file))
                                             : json_string(r->input));
    json_object_set_new(w, "message", jtext(r->e, d->msg, strlen(d->msg)));
    json_array_append_new(r->warnings, w);
    la_buf_release(&code);
}

/* ------------------------------------------------------------ scoring */

static int match_before(const struct match *a, const struct match *b)
{
    if (a->time >= 0 && b->time >= 0 && a->has_date == b->has_date)
        return a->time < b->time;
    if (a->member == b->member)
        return a->line < b->line;
    return a->member < b->member;
}

static int near(const struct match *a, const struct match *b, int64_t within)
{
    if (a->time >= 0 && b->time >= 0 && a->has_date == b->has_date)
        return !within || llabs(a->time - b->time) <= within;
    return a->member == b->member && (a->line > b->line ? a->line - b->line : b->line - a->line) <= 2;
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

/* Whether match k of attempt a survives the rule's filters. */
static int match_counts(const struct la_engine *e, const struct attempt *a, size_t k,
                        struct attempt *const *all, size_t nall)
{
    const struct match *x = &a->m[k];
    const struct la_rule_meta *m = la_ruleset_rule(e->rs, x->rule);

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
        for (size_t i = 0; i < m->n_when_code; i++) {
            ok |= a->has_result && a->result == m->when_code[i];
            for (unsigned j = 0; j < a->ncodes; j++)
                ok |= a->codes[j] == m->when_code[i];
        }
        if (!ok)
            return 0;
    }
    /* after / unless / count look in the attempt (or all attempts for scope input). */
    size_t from = 0, to = m->scope_input ? nall : 1;
    /* The referenced rule's matches only, through the index when the attempt has one. */
#define EACH_MATCH_OF(b, rl, j, body)                                                   \
    do {                                                                                  \
        if ((b)->ix_start) {                                                              \
            for (size_t q_ = (b)->ix_start[rl]; q_ < (b)->ix_start[(rl) + 1]; q_++) {  \
                size_t j = (b)->ix[q_];                                                   \
                body                                                                      \
            }                                                                             \
        } else {                                                                          \
            for (size_t j = 0; j < (b)->nm; j++)                                          \
                if ((b)->m[j].rule == (size_t)(rl)) {                                   \
                    body                                                                  \
                }                                                                         \
        }                                                                                 \
    } while (0)
    if (m->after_rule >= 0) {
        int ok = 0;
        for (size_t ai = from; ai < to && !ok; ai++) {
            const struct attempt *b = m->scope_input ? all[ai] : a;
            EACH_MATCH_OF(b, (size_t)m->after_rule, j, {
                if (!ok && match_before(&b->m[j], x) &&
                    near(&b->m[j], x, m->after_within ? m->after_within : INT64_MAX / 4))
                    ok = 1;
            });
        }
        if (!ok)
            return 0;
    }
    if (m->unless_rule >= 0) {
        int hit = 0;
        for (size_t ai = from; ai < to && !hit; ai++) {
            const struct attempt *b = m->scope_input ? all[ai] : a;
            EACH_MATCH_OF(b, (size_t)m->unless_rule, j, {
                if (!hit && &b->m[j] != x &&
                    (b->m[j].rule != x->rule || match_before(&b->m[j], x)) &&
                    near(&b->m[j], x, m->unless_within))
                    hit = 1;
            });
        }
        if (hit)
            return 0;
    }
#undef EACH_MATCH_OF
    return 1;
}

struct cause_score {
    const struct la_cause *c;
    double prior, score, conf;
    int nfor, nagainst;
    double *wfor, *wag;            /* weights of the rules that fired, for and against */
    size_t *ev, *ag;               /* match indices */
    size_t nev, nag;
    int tried_penalty;
};

static double prior_of(const struct la_engine *e, const struct attempt *a,
                       const struct la_cause *c)
{
    const struct la_prior *pr = NULL;
    size_t np = 0;
    double sum = 0, rest_default = 0;

    /*
     * The result code, else the first error code seen (a device log has no result line).
     * A MobileRestore transition result (4000-4099: the device left the expected state) says
     * that the restore broke, not why; a code the device itself reported (1-3999) does.
     */
    long rc_code = a && a->has_result && a->result != 0 ? a->result
                   : a && a->ncodes ? a->codes[0] : 0;
    if (rc_code >= 4000 && rc_code < 4100 && a)
        for (unsigned i = 0; i < a->ncodes; i++)
            if (a->codes[i] > 0 && a->codes[i] < 4000 && la_kb_code(e->kb, a->codes[i])) {
                rc_code = a->codes[i];
                break;
            }
    if (rc_code) {
        const struct la_code *code = la_kb_code(e->kb, rc_code);
        if (code && code->n_priors) {
            pr = code->priors;
            np = code->n_priors;
        } else {
            const struct la_family *f = la_kb_family_of(e->kb, rc_code);
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

static json_t *evidence_json(struct run *r, const struct match *x)
{
    const struct la_rule_meta *m = la_ruleset_rule(r->e->rs, x->rule);
    json_t *o = json_object();
    struct la_buf t = LA_BUF_INIT;

    if (!o)
        return NULL;
    json_object_set_new(o, "rule", json_string(m->id));
    json_object_set_new(o, "title", json_string(m->title));
    json_object_set_new(o, "weight", json_real(m->weight));
    json_object_set_new(o, "source", jtext(r->e, r->members[x->member].path,
                                           strlen(r->members[x->member].path)));
    json_object_set_new(o, "line", json_integer((json_int_t)x->line));
    if (x->time >= 0 && la_format_time(&t, x->time, x->has_date) == LA_OK)
        json_object_set_new(o, "time", json_string(t.buf));
    else
        json_object_set_new(o, "time", json_null());
    json_object_set_new(o, "text", jtext(r->e, x->text, strlen(x->text)));
    la_buf_release(&t);
    return o;
}

static int tried(const struct la_engine *e, const char *step)
{
    for (const char *const *t = e->o.tried; t && *t; t++)
        if (!strcmp(*t, step))
            return 1;
    return 0;
}

static void free_scores(struct cause_score *cs, int n)
{
    for (int i = 0; i < n; i++) {
        la_free(cs[i].ev);
        la_free(cs[i].ag);
        la_free(cs[i].wfor);
        la_free(cs[i].wag);
    }
    la_free(cs);
}

/* Score one attempt into causes (sorted).  Returns count, or -1 on OOM. */
static int score_attempt(struct run *r, struct attempt *a, struct cause_score **ret,
                         json_t *notes)
{
    const struct la_engine *e = r->e;
    size_t nc = la_kb_n_causes(e->kb);
    struct cause_score *cs = la_calloc(nc ? nc : 1, sizeof(*cs));
    size_t nrules = la_ruleset_count(e->rs);
    unsigned char *fired = la_calloc(nrules + 1, 1);
    unsigned char *count_ok = la_calloc(nrules + 1, 1);   /* 0 unknown, 1 yes, 2 no */
    double maxs = -1e300, sum = 0;

    if (!cs || !fired || !count_ok || index_attempt(a, nrules) < 0) {
        la_free(cs);
        la_free(fired);
        la_free(count_ok);
        return -1;
    }
    for (size_t i = 0; i < nc; i++) {
        cs[i].c = la_kb_cause_at(e->kb, i);
        cs[i].prior = prior_of(e, a, cs[i].c);
        cs[i].score = log(cs[i].prior);
        cs[i].ev = la_calloc(a->nm + 1, sizeof(size_t));
        cs[i].ag = la_calloc(a->nm + 1, sizeof(size_t));
        cs[i].wfor = la_calloc(nrules + 1, sizeof(double));
        cs[i].wag = la_calloc(nrules + 1, sizeof(double));
        if (!cs[i].ev || !cs[i].ag || !cs[i].wfor || !cs[i].wag)
            goto oom;
    }
    for (size_t k = 0; k < a->nm; k++) {
        const struct la_rule_meta *m = la_ruleset_rule(e->rs, a->m[k].rule);
        if (!m->cause || !match_counts(e, a, k, r->att, r->natt))
            continue;
        /* count: enough matches of this rule (within the window)?  Decided once per rule,
         * with a sliding window over its matches in log order. */
        if (m->count_min > 1) {
            size_t ri = a->m[k].rule;
            if (!count_ok[ri]) {
                size_t s0 = a->ix_start[ri], s1 = a->ix_start[ri + 1], lo = s0, best = 0;
                for (size_t hi = s0; hi < s1; hi++) {
                    while (m->count_within && lo < hi &&
                           !near(&a->m[a->ix[lo]], &a->m[a->ix[hi]], m->count_within))
                        lo++;
                    if (hi - lo + 1 > best)
                        best = hi - lo + 1;
                }
                count_ok[ri] = best >= m->count_min ? 1 : 2;
            }
            if (count_ok[ri] != 1)
                continue;
        }
        for (size_t i = 0; i < nc; i++) {
            if (strcmp(cs[i].c->id, m->cause))
                continue;
            int first = !fired[a->m[k].rule];
            /* Shown: at most 3 lines per rule, so every rule that counted is visible. */
            size_t same = 0, *list = m->against ? cs[i].ag : cs[i].ev;
            size_t nlist = m->against ? cs[i].nag : cs[i].nev;
            int dup = 0;
            for (size_t q = 0; q < nlist; q++) {
                same += a->m[list[q]].rule == a->m[k].rule;
                dup |= a->m[list[q]].member == a->m[k].member && a->m[list[q]].line == a->m[k].line;
            }
            int show = a->m[k].text && !dup && same < 3 &&
                       nlist < 2 * (size_t)e->o.limits.max_evidence;
            if (m->against) {
                if (first)
                    cs[i].wag[cs[i].nagainst++] = m->weight;
                if (show)
                    cs[i].ag[cs[i].nag++] = k;
            } else {
                if (first)
                    cs[i].wfor[cs[i].nfor++] = m->weight;
                if (show)
                    cs[i].ev[cs[i].nev++] = k;
            }
        }
        fired[a->m[k].rule] = 1;
    }
    /*
     * Rules that fire together often describe one event in several words, so
     * their weights are not independent: the strongest counts in full, the
     * next half, the next a quarter ... (rules/README.md "Scoring").
     */
    for (size_t i = 0; i < nc; i++) {
        qsort(cs[i].wfor, (size_t)cs[i].nfor, sizeof(double), cmp_desc);
        qsort(cs[i].wag, (size_t)cs[i].nagainst, sizeof(double), cmp_desc);
        double f = 1;
        for (int k = 0; k < cs[i].nfor; k++, f /= 2)
            cs[i].score += cs[i].wfor[k] * f;
        f = 1;
        for (int k = 0; k < cs[i].nagainst; k++, f /= 2)
            cs[i].score -= cs[i].wag[k] * f;
    }
    /*
     * The same failure at the same step in several attempts of this input: a loose cable
     * or a glitch rarely strikes at exactly the same step twice, a faulty part does.
     */
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
                if (notes) {
                    struct la_buf b = LA_BUF_INIT;
                    if (la_buf_addf(&b, "%u attempts failed the same way at '%s': a failure that "
                                        "repeats at the same step points away from the USB link "
                                        "(usb-link -1.0 log-odds) and towards the device",
                                    same, st) == LA_OK)
                        json_array_append_new(notes, json_string(b.buf));
                    la_buf_release(&b);
                }
            }
    }
    /* Steps already tried: a failure that survived them lowers what they rule out. */
    for (size_t s = 0; s < la_kb_n_steps(e->kb); s++) {
        const struct la_step *st = la_kb_step_at(e->kb, s);
        if (!tried(e, st->id))
            continue;
        for (const char *const *lw = st->lowers; lw && *lw; lw++)
            for (size_t i = 0; i < nc; i++)
                if (!strcmp(cs[i].c->id, *lw) && !cs[i].tried_penalty) {
                    cs[i].score -= 1.5;
                    cs[i].tried_penalty = 1;
                    if (notes) {
                        struct la_buf b = LA_BUF_INIT;
                        if (la_buf_addf(&b, "'%s' was already tried and the failure remained: "
                                            "%s made less likely (-1.5 log-odds)",
                                        st->id, *lw) == LA_OK)
                            json_array_append_new(notes, json_string(b.buf));
                        la_buf_release(&b);
                    }
                }
    }
    /* Strongest evidence first, then in log order. */
    for (size_t i = 0; i < nc; i++)
        for (size_t x = 1; x < cs[i].nev; x++)
            for (size_t y = x; y > 0; y--) {
                const struct la_rule_meta *p = la_ruleset_rule(e->rs, a->m[cs[i].ev[y - 1]].rule);
                const struct la_rule_meta *q = la_ruleset_rule(e->rs, a->m[cs[i].ev[y]].rule);
                if (p->weight >= q->weight)
                    break;
                size_t t = cs[i].ev[y - 1];
                cs[i].ev[y - 1] = cs[i].ev[y];
                cs[i].ev[y] = t;
            }
    for (size_t i = 0; i < nc; i++)
        if (cs[i].score > maxs)
            maxs = cs[i].score;
    for (size_t i = 0; i < nc; i++)
        sum += exp(cs[i].score - maxs);
    for (size_t i = 0; i < nc; i++)
        cs[i].conf = exp(cs[i].score - maxs) / sum;
    qsort(cs, nc, sizeof(*cs), cmp_score);
    la_free(fired);
    la_free(count_ok);
    *ret = cs;
    return (int)nc;
oom:
    free_scores(cs, (int)nc);
    la_free(fired);
    la_free(count_ok);
    return -1;
}


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

/*
 * An attempt is a restore when a tool run started, a result or stage was
 * seen, or one of its members is a restore log; a lone panic or crash
 * report is not.
 */
static int is_restore(const struct run *r, const struct attempt *a)
{
    static const char *const restore_formats[] = { "itunes-updater", "finder-restore",
        "restored-device", "idevicerestore", "futurerestore", "pymobiledevice3", "flash-tool",
        NULL };

    if (a->explicit_start || a->has_result || a->nstages)
        return 1;
    for (size_t i = 0; i < a->nmembers; i++)
        for (const char *const *f = restore_formats; *f; f++)
            if (r->members[a->members[i]].format &&
                !strcmp(r->members[a->members[i]].format, *f))
                return 1;
    return 0;
}

static const char *attempt_outcome(const struct run *r, const struct attempt *a)
{
    int strong = has_strong_evidence(r, a);

    if (a->outcome == 1)
        return "failed";
    /* A success with code 0 is the tool's word; a success marker yields to failure evidence. */
    if (a->outcome == 0 && (a->has_result || !strong))
        return "succeeded";
    if (strong)
        return is_restore(r, a) ? "failed" : "evidence";
    if (is_restore(r, a))
        return "inconclusive";
    return "no-restore-found";
}

/* Same device, as far as the ECIDs tell: unknown on either side counts as the same. */
static int ecid_agrees(const struct attempt *a, const struct attempt *b)
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
 * Join implicit attempts (no start marker: a device log, a panic) to explicit ones: the only
 * one, else the one whose time span holds it or is nearest, else the last — and never to an
 * attempt of another device (ECIDs that differ).
 */
static void join_attempts(struct run *r)
{
    size_t nexp = 0;
    struct attempt *last = NULL;

    for (size_t i = 0; i < r->natt; i++)
        if (r->att[i]->explicit_start)
            nexp++, last = r->att[i];
    for (size_t i = 0; i < r->natt; i++) {
        struct attempt *a = r->att[i], *to = NULL;
        if (a->explicit_start)
            continue;
        if (nexp == 0) {
            /* No explicit attempt: fold every implicit one into the first. */
            for (size_t j = 0; j < i; j++)
                if (!r->att[j]->merged) {
                    to = r->att[j];
                    break;
                }
        } else if (nexp == 1) {
            to = ecid_agrees(a, last) ? last : NULL;
        } else {
            int64_t best = INT64_MAX;
            for (size_t j = 0; j < r->natt; j++) {
                struct attempt *b = r->att[j];
                if (!b->explicit_start || !ecid_agrees(a, b))
                    continue;
                if (a->start >= 0 && b->start >= 0 && a->has_date && b->has_date) {
                    int64_t d = a->start < b->start ? b->start - a->start
                                : a->start > b->end ? a->start - b->end : 0;
                    if (d < best)
                        best = d, to = b;
                }
            }
            if (!to && ecid_agrees(a, last))
                to = last;
        }
        if (!to)
            continue;
        /* Move matches, stages, codes, facts, members. */
        struct match *nm = la_realloc(to->m, (to->nm + a->nm + 1) * sizeof(*nm));
        if (!nm) {
            r->fatal = 1;
            return;
        }
        to->m = nm;
        for (size_t k = 0; k < a->nm; k++) {
            to->m[to->nm] = a->m[k];
            to->m[to->nm].stage = a->m[k].stage ? add_stage(to, a->m[k].stage,
                                                            strlen(a->m[k].stage)) : NULL;
            to->nm++;
        }
        to->capm = to->nm;
        la_free(a->m);
        a->m = NULL;
        a->nm = a->capm = 0;
        for (unsigned k = 0; k < a->nstages; k++)
            add_stage(to, a->stages[k], strlen(a->stages[k]));
        for (unsigned k = 0; k < a->ncodes; k++)
            add_code(to, a->codes[k]);
        if (!to->fail_stage && a->fail_stage) {
            to->fail_stage = a->fail_stage;
            a->fail_stage = NULL;
        }
        for (int f = 0; f < FACT_N; f++)
            if (!to->facts[f] && a->facts[f]) {
                to->facts[f] = a->facts[f];
                a->facts[f] = NULL;
            }
        if (!to->has_result && a->has_result) {
            to->has_result = 1;
            to->result = a->result;
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
    }
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
            json_object_set_new(o, "software", jtext(r->e, a->facts[FACT_HOST],
                                                     strlen(a->facts[FACT_HOST])));
        if (a->facts[FACT_HOSTOS])
            json_object_set_new(o, "os", jtext(r->e, a->facts[FACT_HOSTOS],
                                               strlen(a->facts[FACT_HOSTOS])));
        return o;
    }
    for (int i = 0; i < 6; i++) {
        const char *v = a->facts[dev[i]];
        if (!v)
            continue;
        if (dev[i] >= FACT_ECID && r->e->o.redact) {
            struct la_buf b = LA_BUF_INIT;
            enum la_rc rc = LA_OK;
            token(r->e, devk[i], v, strlen(v), &b, &rc);
            if (rc == LA_OK)
                json_object_set_new(o, devk[i], json_string(b.buf));
            la_buf_release(&b);
        } else {
            json_object_set_new(o, devk[i], jtext(r->e, v, strlen(v)));
        }
    }
    return o;
}

static json_t *ladder_json(struct run *r, const struct cause_score *top)
{
    json_t *arr = json_array();
    const struct la_kb *kb = r->e->kb;

    for (size_t i = 0; i < la_kb_n_steps(kb) && arr; i++) {
        const struct la_step *s = la_kb_step_at(kb, i);
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
        json_object_set_new(o, "tried", json_boolean(tried(r->e, s->id)));
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *collect_json(struct run *r, const struct attempt *a, const char *outcome)
{
    json_t *arr = json_array();
    int have_device = 0, have_host = 0;

    for (size_t i = 0; i < r->nmembers; i++) {
        const char *f = r->members[i].format;
        if (!f)
            continue;
        have_device |= !strcmp(f, "restored-device") || !strcmp(f, "ips-panic");
        have_host |= !strcmp(f, "itunes-updater") || !strcmp(f, "finder-restore") ||
                     !strcmp(f, "idevicerestore") || !strcmp(f, "futurerestore") ||
                     !strcmp(f, "pymobiledevice3") || !strcmp(f, "flash-tool");
    }
    if (a && a->has_result) {
        const struct la_code *c = la_kb_code(r->e->kb, a->result);
        for (const char *const *p = c ? c->collect : NULL; p && *p; p++)
            json_array_append_new(arr, json_string(*p));
    }
    if (!strcmp(outcome, "failed") && json_array_size(arr))
        return arr;
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
    json_array_append_new(r->warnings, json_pack("{s:s,s:s,s:s,s:s}", "code", "LA106",
                                                 "severity", "warning", "source", r->input,
                                                 "message", msg));
}

static json_t *build_report(struct run *r)
{
    struct cause_score *cs = NULL;
    int ncs = 0;
    struct la_buf v = LA_BUF_INIT;
    struct la_engine *e = r->e;
    json_t *rep = json_object(), *attempts = json_array(), *members = json_array();
    json_t *codes = json_array(), *causes = json_array(), *unexp = json_array();
    json_t *notes = json_array();
    struct attempt *primary = NULL;
    const char *outcome = "no-restore-found";
    int best = -1;
    size_t idx = 0;

    if (!rep || !attempts || !members || !codes || !causes || !unexp || !notes)
        goto oom;
    join_attempts(r);
    size_t listable = 0, skipped_att = 0;
    for (size_t i = 0; i < r->natt; i++) {
        struct attempt *a = r->att[i];
        listable += !a->merged && (a->explicit_start || a->has_result || a->nm || a->nstages);
    }
    for (size_t i = 0; i < r->natt; i++) {
        struct attempt *a = r->att[i];
        if (a->merged)
            continue;
        const char *o = attempt_outcome(r, a);
        int rank = attempt_rank(o);
        /* The last attempt of the highest rank is the one the verdict is about. */
        if (rank >= best && (is_restore(r, a) || a->nm)) {
            best = rank;
            primary = a;
            outcome = o;
        }
        if (!a->explicit_start && !a->has_result && !a->nm && !a->nstages)
            continue;
        idx++;
        if (listable > MAX_ATTEMPTS_LISTED && skipped_att < listable - MAX_ATTEMPTS_LISTED) {
            skipped_att++;          /* only the latest attempts are listed */
            continue;
        }
        json_t *ao = json_object(), *st = json_array(), *src = json_array();
        struct la_buf t = LA_BUF_INIT;
        json_object_set_new(ao, "index", json_integer((json_int_t)idx));
        if (a->start >= 0 && la_format_time(&t, a->start, a->has_date) == LA_OK)
            json_object_set_new(ao, "started", json_string(t.buf));
        else
            json_object_set_new(ao, "started", json_null());
        la_buf_reset(&t);
        if (a->end >= 0 && la_format_time(&t, a->end, a->has_date) == LA_OK)
            json_object_set_new(ao, "ended", json_string(t.buf));
        else
            json_object_set_new(ao, "ended", json_null());
        la_buf_release(&t);
        json_object_set_new(ao, "result", a->has_result ? json_integer(a->result) : json_null());
        json_object_set_new(ao, "outcome", json_string(!strcmp(o, "evidence") ? "failed" : o));
        const char *st_name = a->fail_stage ? a->fail_stage : a->stage;
        json_object_set_new(ao, "stage", st_name ? json_string(st_name) : json_null());
        for (unsigned k = 0; k < a->nstages; k++)
            json_array_append_new(st, json_string(a->stages[k]));
        json_object_set_new(ao, "stages", st);
        for (size_t k = 0; k < a->nmembers; k++)
            json_array_append_new(src, jtext(e, r->members[a->members[k]].path,
                                             strlen(r->members[a->members[k]].path)));
        json_object_set_new(ao, "sources", src);
        json_array_append_new(attempts, ao);
    }
    /* Error codes: the primary attempt's result first, then others seen. */
    if (primary) {
        if (primary->has_result && primary->result)
            json_array_append_new(codes, json_integer(primary->result));
        for (unsigned k = 0; k < primary->ncodes; k++)
            if (!primary->has_result || primary->codes[k] != primary->result)
                json_array_append_new(codes, json_integer(primary->codes[k]));
    }
    /* Causes. */
    int failing = !strcmp(outcome, "failed") || !strcmp(outcome, "inconclusive") ||
                  !strcmp(outcome, "evidence");
    if (primary && failing) {
        ncs = score_attempt(r, primary, &cs, notes);
        if (ncs < 0)
            goto oom;
        if (!strcmp(outcome, "failed") && ncs && !cs[0].nfor)
            outcome = "inconclusive";
        if (!strcmp(outcome, "evidence"))
            outcome = ncs && cs[0].nfor ? "no-restore-found" : "no-restore-found";
        for (int i = 0; i < ncs; i++) {
            /* Listed: causes with evidence, and the top three by prior when none has any. */
            if (!cs[i].nfor && !cs[i].nagainst && (i >= 3 || cs[0].nfor))
                continue;
            json_t *co = json_object(), *ev = json_array(), *ag = json_array(),
                   *rem = json_array();
            json_object_set_new(co, "id", json_string(cs[i].c->id));
            json_object_set_new(co, "title", json_string(cs[i].c->title));
            /* Never claim certainty: a log is evidence, not proof. */
            json_object_set_new(co, "confidence",
                                json_real(fmin(0.99, round(cs[i].conf * 1000) / 1000)));
            json_object_set_new(co, "level", json_string(cs[i].conf >= 0.7 ? "high"
                                                         : cs[i].conf >= 0.4 ? "medium"
                                                                             : "low"));
            json_object_set_new(co, "summary", json_string(cs[i].c->summary));
            for (size_t k = 0; k < cs[i].nev; k++)
                json_array_append_new(ev, evidence_json(r, &primary->m[cs[i].ev[k]]));
            for (size_t k = 0; k < cs[i].nag; k++)
                json_array_append_new(ag, evidence_json(r, &primary->m[cs[i].ag[k]]));
            json_object_set_new(co, "evidence", ev);
            json_object_set_new(co, "against", ag);
            for (const char *const *p = cs[i].c->remediation; p && *p; p++) {
                const struct la_step *s = la_kb_step(e->kb, *p);
                if (s)
                    json_array_append_new(rem, json_string(s->text));
            }
            json_object_set_new(co, "remediation", rem);
            json_object_set_new(co, "next_test",
                                json_string(cs[i].c->next_test ? cs[i].c->next_test : ""));
            json_array_append_new(causes, co);
        }
    }
    /* Verdict line. */
    enum la_rc vrc;
    const char *stage = !primary ? NULL : primary->fail_stage ? primary->fail_stage
                                                                : primary->stage;
    if (!strcmp(outcome, "failed") || !strcmp(outcome, "inconclusive")) {
        vrc = la_buf_adds(&v, !strcmp(outcome, "failed") ? "FAILED" : "INCONCLUSIVE");
        if (vrc == LA_OK && primary && primary->has_result)
            vrc = la_buf_addf(&v, " %ld", primary->result);
        if (vrc == LA_OK && stage)
            vrc = la_buf_addf(&v, " at '%s'", stage);
        if (vrc == LA_OK && ncs)
            vrc = la_buf_addf(&v, " — %s %s (%d %%)",
                              !strcmp(outcome, "failed") ? "most likely" : "no clear evidence; "
                              "by the error code alone, perhaps",
                              cs[0].c->title, (int)lround(fmin(0.99, cs[0].conf) * 100));
    } else if (!strcmp(outcome, "succeeded")) {
        vrc = la_buf_adds(&v, "SUCCEEDED — the restore completed");
    } else {
        vrc = la_buf_adds(&v, "NO RESTORE FOUND — no restore attempt in this input");
        if (vrc == LA_OK && ncs && cs[0].nfor)
            vrc = la_buf_addf(&v, "; the device shows signs of %s (%d %%)", cs[0].c->title,
                              (int)lround(cs[0].conf * 100));
    }
    if (vrc != LA_OK)
        goto oom;
    json_object_set_new(rep, "input", jtext(e, r->input, strlen(r->input)));
    json_object_set_new(rep, "outcome", json_string(outcome));
    json_object_set_new(rep, "verdict", json_string(v.buf));
    la_buf_release(&v);
    json_object_set_new(rep, "error_codes", codes);
    json_object_set_new(rep, "device", facts_json(r, primary, 0));
    json_object_set_new(rep, "host", facts_json(r, primary, 1));
    json_object_set_new(rep, "attempts", attempts);
    if (skipped_att) {
        char buf[160];
        snprintf(buf, sizeof(buf), "%zu earlier restore attempts are not listed; the report "
                 "shows the latest %d", skipped_att, MAX_ATTEMPTS_LISTED);
        list_cut(r, buf);
    }
    json_object_set_new(rep, "causes", causes);
    for (size_t i = 0; i < r->nmembers && i < MAX_MEMBERS_LISTED; i++)
        json_array_append_new(members, member_json(r, &r->members[i]));
    json_object_set_new(rep, "members", members);
    if (r->nmembers > MAX_MEMBERS_LISTED) {
        char buf[160];
        snprintf(buf, sizeof(buf), "%zu more members were read but are not listed "
                 "(`loganalyze inspect` lists them all)", r->nmembers - MAX_MEMBERS_LISTED);
        list_cut(r, buf);
    }
    if (r->ntm)
        qsort(r->tm, r->ntm, sizeof(*r->tm), cmp_tmpl);
    for (size_t i = 0; i < r->ntm; i++) {
        json_t *u = json_object();
        json_object_set_new(u, "template", jtext(e, r->tm[i].key, strlen(r->tm[i].key)));
        json_object_set_new(u, "count", json_integer((json_int_t)r->tm[i].count));
        json_object_set_new(u, "source", jtext(e, r->tm[i].source, strlen(r->tm[i].source)));
        json_object_set_new(u, "line", json_integer((json_int_t)r->tm[i].line));
        json_object_set_new(u, "text", jtext(e, r->tm[i].text, strlen(r->tm[i].text)));
        json_array_append_new(unexp, u);
    }
    json_object_set_new(rep, "unexplained", unexp);
    json_object_set_new(rep, "warnings", json_incref(r->warnings));
    int need_help = strcmp(outcome, "failed") && strcmp(outcome, "succeeded");
    /* json_object_get, not `causes`: set_new freed it when it could not be added (OOM). */
    const json_t *listed = json_object_get(rep, "causes");
    json_object_set_new(rep, "collect", need_help || !json_array_size(listed)
                                            ? collect_json(r, primary, outcome)
                                            : collect_json(r, primary, "failed"));
    json_object_set_new(rep, "ladder", ladder_json(r, need_help || !ncs ? NULL : &cs[0]));
    json_object_set_new(rep, "ranking_notes", notes);
    free_scores(cs, ncs);
    return rep;
oom:
    free_scores(cs, ncs);
    la_buf_release(&v);
    json_decref(rep);
    json_decref(attempts);
    json_decref(members);
    json_decref(codes);
    json_decref(causes);
    json_decref(unexp);
    json_decref(notes);
    return NULL;
}

static void run_release(struct run *r)
{
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
    for (size_t i = 0; i < r->natt; i++)
        free_attempt(r->att[i]);
    la_free(r->att);
    for (size_t i = 0; i < r->nmembers; i++) {
        la_free(r->members[i].path);
        la_free(r->members[i].status);
    }
    la_free(r->members);
    for (size_t i = 0; i < r->ntm; i++) {
        la_free(r->tm[i].key);
        la_free(r->tm[i].text);
        la_free(r->tm[i].source);
    }
    la_free(r->tm);
    la_free(r->last);
    json_decref(r->warnings);
}

static enum la_rc analyze(struct la_engine *e, const char *path, json_t **ret_report,
                          struct la_diag_sink *sink, la_member_fn *inspect_fn,
                          void *inspect_user)
{
    struct run r;
    struct la_ingest_cb cb = { on_member, on_skipped, &r };
    enum la_rc rc;

    memset(&r, 0, sizeof(r));
    r.e = e;
    r.inspect_fn = inspect_fn;
    r.inspect_user = inspect_user;
    r.input = !strcmp(path, "-") ? "<stdin>" : path;
    r.outer = sink;
    r.sink.fn = capture_diag;
    r.sink.user = &r;
    r.warnings = json_array();
    r.last = la_calloc(la_ruleset_count(e->rs) + 1, sizeof(*r.last));
    r.m = la_matcher_new(e->rs);
    if (!r.warnings || !r.last || !r.m) {
        json_decref(r.warnings);
        la_free(r.last);
        la_matcher_free(r.m);
        return LA_FATAL;
    }
    la_matcher_enable_profile(r.m, e->o.profile);
    {
        struct stat st;
        if (strcmp(path, "-") && stat(path, &st) == 0 && S_ISREG(st.st_mode))
            r.total = (uint64_t)st.st_size;
    }
    rc = la_ingest_path(path, &e->o.limits, &cb, NULL, &r.sink);
    if (rc == LA_FATAL || r.fatal) {
        run_release(&r);
        return LA_FATAL;
    }
    if (r.inspect_fn) {
        enum la_rc irc = r.inspect_rc;
        run_release(&r);
        return irc != LA_OK ? irc : rc == LA_FAILED ? LA_FAILED : LA_OK;
    }
    *ret_report = build_report(&r);
    run_release(&r);
    if (!*ret_report)
        return LA_FATAL;
    return rc == LA_FAILED ? LA_FAILED : LA_OK;
}

enum la_rc la_engine_analyze(struct la_engine *e, const char *path, json_t **ret_report,
                             struct la_diag_sink *sink)
{
    return analyze(e, path, ret_report, sink, NULL, NULL);
}

enum la_rc la_engine_inspect(struct la_engine *e, const char *path, la_member_fn *fn,
                             void *user, struct la_diag_sink *sink)
{
    if (!fn)
        return LA_FATAL;
    return analyze(e, path, NULL, sink, fn, user);
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

static void bump(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    json_object_set_new(obj, key, json_integer(v ? json_integer_value(v) + 1 : 1));
}

json_t *la_engine_document(struct la_engine *e, json_t *reports)
{
    json_t *doc = json_object(), *tool = json_object(), *rs = json_object(), *sum = json_object();
    json_t *bc = json_object(), *bcode = json_object(), *bm = json_object(), *pat = json_array();
    size_t i;
    json_t *rep;
    long n_failed = 0, n_ok = 0, n_inc = 0, n_none = 0;

    if (!doc || !tool || !rs || !sum || !bc || !bcode || !bm || !pat) {
        json_decref(doc); json_decref(tool); json_decref(rs); json_decref(sum);
        json_decref(bc); json_decref(bcode); json_decref(bm); json_decref(pat);
        json_decref(reports);
        return NULL;
    }
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
    if (json_object_set_new(doc, "reports", reports) != 0) {
        /* Out of memory; jansson has freed reports already. */
        json_decref(doc); json_decref(sum); json_decref(bc); json_decref(bcode);
        json_decref(bm); json_decref(pat);
        return NULL;
    }
    /* Summary, and cross-input patterns: the same device failing at the same stage. */
    json_array_foreach(reports, i, rep) {
        const char *o = json_string_value(json_object_get(rep, "outcome"));
        json_t *c0 = json_array_get(json_object_get(rep, "causes"), 0);
        json_t *codes = json_object_get(rep, "error_codes");
        const char *model = json_string_value(json_object_get(json_object_get(rep, "device"),
                                                              "model"));
        if (!o)
            continue;
        if (!strcmp(o, "failed"))
            n_failed++;
        else if (!strcmp(o, "succeeded"))
            n_ok++;
        else if (!strcmp(o, "inconclusive"))
            n_inc++;
        else
            n_none++;
        if ((!strcmp(o, "failed") || !strcmp(o, "inconclusive")) && c0)
            bump(bc, json_string_value(json_object_get(c0, "id")));
        if (json_array_size(codes)) {
            char k[32];
            snprintf(k, sizeof(k), "%lld", (long long)json_integer_value(json_array_get(codes, 0)));
            bump(bcode, k);
        }
        if (model)
            bump(bm, model);
    }
    /* Same ECID token failing at the same stage in several inputs → hardware. */
    json_array_foreach(reports, i, rep) {
        const char *ecid = json_string_value(json_object_get(json_object_get(rep, "device"),
                                                             "ecid"));
        json_t *a = json_array_get(json_object_get(rep, "attempts"), 0);
        const char *stage = json_string_value(json_object_get(a, "stage"));
        size_t j, same = 1;
        json_t *o2;
        int first = 1;
        const char *oc = json_string_value(json_object_get(rep, "outcome"));
        if (!ecid || !stage || !oc || (strcmp(oc, "failed") && strcmp(oc, "inconclusive")))
            continue;
        json_array_foreach(reports, j, o2) {
            const char *e2 = json_string_value(json_object_get(json_object_get(o2, "device"),
                                                               "ecid"));
            const char *s2 = json_string_value(json_object_get(
                json_array_get(json_object_get(o2, "attempts"), 0), "stage"));
            if (j < i && e2 && s2 && !strcmp(e2, ecid) && !strcmp(s2, stage))
                first = 0;
            if (j > i && e2 && s2 && !strcmp(e2, ecid) && !strcmp(s2, stage))
                same++;
        }
        if (first && same > 1) {
            char buf[512];
            snprintf(buf, sizeof(buf),
                     "the same device (%s) failed at '%s' in %zu inputs: a failure that repeats "
                     "at the same step points at the device's hardware", ecid, stage, same);
            json_array_append_new(pat, json_string(buf));
        }
    }
    /*
     * Failures clustering on one host: several devices failing on the same host software
     * while other hosts succeed points at the host (its software, ports or environment).
     */
    {
        json_t *hosts = json_object();
        json_array_foreach(reports, i, rep) {
            json_t *h = json_object_get(rep, "host");
            const char *sw = json_string_value(json_object_get(h, "software"));
            const char *os = json_string_value(json_object_get(h, "os"));
            const char *o = json_string_value(json_object_get(rep, "outcome"));
            const char *dev = json_string_value(json_object_get(json_object_get(rep, "device"),
                                                                "ecid"));
            char key[256];
            if (!sw || !o || !hosts)
                continue;
            snprintf(key, sizeof(key), "%s%s%s", sw, os ? " on " : "", os ? os : "");
            json_t *g = json_object_get(hosts, key);
            if (!g) {
                g = json_pack("{s:i,s:i,s:[]}", "failed", 0, "ok", 0, "devices");
                json_object_set_new(hosts, key, g);
            }
            if (!g)
                continue;
            int failed = !strcmp(o, "failed") || !strcmp(o, "inconclusive");
            if (failed)
                json_object_set_new(g, "failed", json_integer(
                                                     json_integer_value(json_object_get(g, "failed")) + 1));
            else if (!strcmp(o, "succeeded"))
                json_object_set_new(g, "ok", json_integer(
                                                 json_integer_value(json_object_get(g, "ok")) + 1));
            if (dev && failed) {
                json_t *dl = json_object_get(g, "devices"), *v;
                size_t k;
                int seen = 0;
                json_array_foreach(dl, k, v) seen |= !strcmp(json_string_value(v), dev);
                if (!seen)
                    json_array_append_new(dl, json_string(dev));
            }
        }
        const char *key;
        json_t *g;
        size_t nhosts = json_object_size(hosts);
        json_object_foreach(hosts, key, g) {
            long f = (long)json_integer_value(json_object_get(g, "failed"));
            long ok = (long)json_integer_value(json_object_get(g, "ok"));
            size_t nd = json_array_size(json_object_get(g, "devices"));
            if (f >= 3 && nd >= 2 && f > 2 * ok && nhosts > 1) {
                char buf[512];
                snprintf(buf, sizeof(buf),
                         "%ld failures on the host '%s' across %zu devices, while other hosts "
                         "did better: the host (its software, ports or environment) is the "
                         "common factor", f, key, nd);
                json_array_append_new(pat, json_string(buf));
            }
        }
        json_decref(hosts);
    }
    json_object_set_new(sum, "inputs", json_integer((json_int_t)json_array_size(reports)));
    json_object_set_new(sum, "failed", json_integer(n_failed));
    json_object_set_new(sum, "succeeded", json_integer(n_ok));
    json_object_set_new(sum, "inconclusive", json_integer(n_inc));
    json_object_set_new(sum, "no_restore_found", json_integer(n_none));
    json_object_set_new(sum, "by_cause", bc);
    json_object_set_new(sum, "by_error_code", bcode);
    json_object_set_new(sum, "by_model", bm);
    json_object_set_new(sum, "patterns", pat);
    json_object_set_new(doc, "summary", sum);
    return doc;
}

int la_report_max_level(const json_t *doc)
{
    static const char *const names[] = { "info", "low", "medium", "high", "critical" };
    int best = -1;
    size_t i;
    json_t *rep;

    json_array_foreach(json_object_get(doc, "reports"), i, rep) {
        const char *o = json_string_value(json_object_get(rep, "outcome"));
        json_t *c0 = json_array_get(json_object_get(rep, "causes"), 0);
        if (!o || (strcmp(o, "failed") && strcmp(o, "inconclusive")))
            continue;
        /* A failed restore is at least medium; the top cause's level raises it. */
        int l = 2;
        const char *lv = json_string_value(json_object_get(c0, "level"));
        for (int k = 0; lv && k < 5; k++)
            if (!strcmp(lv, names[k]) && k > l)
                l = k;
        if (!strcmp(o, "inconclusive"))
            l = 1;
        if (l > best)
            best = l;
    }
    return best;
}
