/*
 * Helpers shared by the reporter's formats: lenient document accessors,
 * hashing, the document dump, the error-codes line (UTF-8 decoding and
 * column counting are core/encoding.h's).  See report-internal.h.
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <utf8proc.h>

#include "core/codespace.h"
#include "report/report-internal.h"

const char *la_report_str(const json_t *obj, const char *key)
{
    const json_t *v = obj ? json_object_get(obj, key) : NULL;

    return json_is_string(v) ? json_string_value(v) : "";
}

int la_report_has_str(const json_t *obj, const char *key)
{
    return la_report_str(obj, key)[0] != '\0';
}

const char *la_report_severity_label(const json_t *warning)
{
    return strcmp(la_report_str(warning, "severity"), "note") ? "" : "note: ";
}

long long la_report_int(const json_t *obj, const char *key)
{
    const json_t *v = obj ? json_object_get(obj, key) : NULL;

    if (json_is_integer(v))
        return (long long)json_integer_value(v);
    if (json_is_real(v))
        return (long long)json_real_value(v);
    return 0;
}

int la_report_is_int(const json_t *obj, const char *key)
{
    const json_t *v = obj ? json_object_get(obj, key) : NULL;

    return json_is_integer(v);
}

double la_report_real(const json_t *obj, const char *key)
{
    const json_t *v = obj ? json_object_get(obj, key) : NULL;

    return json_is_number(v) ? json_number_value(v) : 0.0;
}

int la_report_bool(const json_t *obj, const char *key)
{
    const json_t *v = obj ? json_object_get(obj, key) : NULL;

    return json_is_true(v);
}

const json_t *la_report_arr(const json_t *obj, const char *key)
{
    const json_t *v = obj ? json_object_get(obj, key) : NULL;

    return json_is_array(v) ? v : NULL;
}

const json_t *la_report_obj(const json_t *obj, const char *key)
{
    const json_t *v = obj ? json_object_get(obj, key) : NULL;

    return json_is_object(v) ? v : NULL;
}

size_t la_report_len(const json_t *arr)
{
    return json_is_array(arr) ? json_array_size(arr) : 0;
}

const json_t *la_report_shown_attempts(const json_t *rep)
{
    return strcmp(la_report_str(rep, "outcome"), "no-restore-found")
               ? la_report_arr(rep, "attempts") : NULL;
}

const char *la_report_item_str(const json_t *arr, size_t i)
{
    const json_t *v = json_is_array(arr) ? json_array_get(arr, i) : NULL;

    return json_is_string(v) ? json_string_value(v) : "";
}

const char *la_report_outcome_label(const char *outcome)
{
    if (strcmp(outcome, "failed") == 0)
        return "FAILED";
    if (strcmp(outcome, "succeeded") == 0)
        return "SUCCEEDED";
    if (strcmp(outcome, "no-restore-found") == 0)
        return "NO RESTORE FOUND";
    if (strcmp(outcome, "inconclusive") == 0)
        return "INCONCLUSIVE";
    return "UNKNOWN";
}

const char *la_report_verdict(const json_t *report)
{
    if (la_report_has_str(report, "verdict"))
        return la_report_str(report, "verdict");
    return la_report_outcome_label(la_report_str(report, "outcome"));
}

int la_report_percent(double confidence)
{
    if (!(confidence > 0.0))
        return 0;
    if (confidence >= 1.0)
        return 100;
    return (int)lround(confidence * 100.0);
}

/*
 * The columns a code point takes on a terminal: utf8proc's table (Unicode's East Asian Width
 * and emoji presentation), not wcwidth(), whose answer depends on the locale (0 for every
 * non-ASCII character in the C locale).  A control character counts one: every escaper
 * shows it as one visible character or more (U+FFFD in HTML, \x1b on a terminal).
 */
static size_t cp_cols(uint32_t cp)
{
    int w = utf8proc_charwidth((utf8proc_int32_t)cp);

    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
        return 1;
    return w > 0 ? (size_t)w : 0;
}

size_t la_report_cols(const char *s, size_t len)
{
    size_t cols = 0, i = 0;
    uint32_t cp;

    while (i < len) {
        i += la_utf8_next(s + i, len - i, &cp);
        cols += cp_cols(cp);
    }
    return cols;
}

size_t la_report_prefix(const char *s, size_t len, size_t cols)
{
    size_t i = 0;
    uint32_t cp;

    while (i < len) {
        size_t n = la_utf8_next(s + i, len - i, &cp), w = cp_cols(cp);
        if (w > cols)
            break;
        cols -= w;
        i += n;
    }
    return i;
}

uint64_t la_report_fnv1a(uint64_t h, const void *p, size_t len)
{
    const unsigned char *s = p;

    for (size_t i = 0; i < len; i++) {
        h ^= s[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

struct dump_ctx {
    struct la_buf *out;
    enum la_rc rc;
};

static int dump_cb(const char *buffer, size_t size, void *data)
{
    struct dump_ctx *ctx = data;

    ctx->rc = la_buf_add(ctx->out, buffer, size);
    return ctx->rc == LA_OK ? 0 : -1;
}

/* json_dump_callback() writes straight into out: no jansson-allocated copy. */
enum la_rc la_report_dump(struct la_buf *out, const json_t *j, size_t flags)
{
    struct dump_ctx ctx = { out, LA_OK };

    if (json_dump_callback(j, dump_cb, &ctx, flags) != 0)
        return ctx.rc != LA_OK ? ctx.rc : LA_FATAL;
    return LA_OK;
}

/* 1 when every string and object key in j is valid UTF-8. */
static int all_valid(const json_t *j)
{
    const json_t *v;
    const char *k;
    size_t i;

    if (json_is_string(j))
        return la_utf8_valid(json_string_value(j), json_string_length(j));
    if (json_is_array(j)) {
        json_array_foreach(j, i, v)
            if (!all_valid(v))
                return 0;
    } else if (json_is_object(j)) {
        json_object_foreach((json_t *)j, k, v)
            if (!la_utf8_valid(k, strlen(k)) || !all_valid(v))
                return 0;
    }
    return 1;
}

/* A JSON string of s[0..len) made valid UTF-8, or NULL when out of memory. */
static json_t *valid_string(const char *s, size_t len)
{
    struct la_buf b = LA_BUF_INIT;
    json_t *r = la_utf8_add(&b, s, len) == LA_OK ? json_stringn_nocheck(b.buf, b.len) : NULL;

    la_buf_release(&b);
    return r;
}

/* A deep copy of j whose strings and keys are valid UTF-8, or NULL when out of memory. */
static json_t *valid_copy(const json_t *j)
{
    json_t *r, *v;
    const char *k;
    size_t i;

    if (json_is_string(j))
        return valid_string(json_string_value(j), json_string_length(j));
    if (json_is_array(j)) {
        r = json_array();
        json_array_foreach(j, i, v) {
            if (!r || json_array_append_new(r, valid_copy(v)) != 0) {
                json_decref(r);
                return NULL;
            }
        }
        return r;
    }
    if (json_is_object(j)) {
        r = json_object();
        json_object_foreach((json_t *)j, k, v) {
            struct la_buf key = LA_BUF_INIT;
            int bad = !r || la_utf8_add(&key, k, strlen(k)) != LA_OK ||
                      json_object_set_new_nocheck(r, key.buf, valid_copy(v)) != 0;
            la_buf_release(&key);
            if (bad) {
                json_decref(r);
                return NULL;
            }
        }
        return r;
    }
    return json_copy((json_t *)j);   /* numbers, true, false, null */
}

json_t *la_report_valid(const json_t *j)
{
    return all_valid(j) ? json_incref((json_t *)j) : valid_copy(j);
}

const char *la_report_member(const char *source, const char *input)
{
    size_t il = input ? strlen(input) : 0;

    if (il && strncmp(source, input, il) == 0 && source[il] == '!' && source[il + 1] == '/')
        return source + il + 2;
    return source;
}

/* ------------------------------------------------------------ error codes */

/*
 * How a person reads a code of a numbering space (core/codespace.h, the table the analysis
 * files codes under): its label, in hex or not, and whether the space shares the restore
 * error number's digits (same_digits: an AMRestore or step code equal to one already shown
 * is not repeated).  A space the table does not know (a newer document) has none (NULL).
 */
static int same_digits(const struct la_space *sp)
{
    return sp->on_line && !sp->offset;
}

/* The space of a document's id, or NULL. */
static const struct la_space *space_of(const char *id)
{
    int k = la_space_find(id, strlen(id));

    return k < 0 ? NULL : la_space_at((size_t)k);
}

int la_report_space_hex(const char *space)
{
    const struct la_space *sp = space_of(space);

    return sp && sp->hex;
}

/* "TSS 94": the label (or the id, cut to safe characters) and the number. */
static enum la_rc put_spaced(struct la_buf *out, const char *space, long long code)
{
    const struct la_space *sp = space_of(space);

    if (!sp) {
        for (size_t i = 0; space[i] && i < 24; i++)
            if (isalnum((unsigned char)space[i]) || space[i] == '_' || space[i] == '-')
                LA_TRY(la_buf_addc(out, space[i]));
        LA_TRY(la_buf_addc(out, ' '));
    } else if (*sp->name) {
        LA_TRY(la_buf_addf(out, "%s ", sp->name));
    }
    if (sp && sp->hex && code >= 0)
        return la_buf_addf(out, "0x%llx", code);
    return la_buf_addf(out, "%lld", code);
}

/* The numbers mapped from "space:code", as " (→ 3194)". */
static enum la_rc put_mapped(struct la_buf *out, const json_t *codes, const char *space,
                             long long code)
{
    char key[64];
    size_t i, n = 0;
    const json_t *c;

    snprintf(key, sizeof(key), "%s:%lld", space, code);
    json_array_foreach(codes, i, c)
        if (!strcmp(la_report_str(c, "from"), key))
            LA_TRY(la_buf_addf(out, "%s%lld", n++ ? ", " : " (→ ", la_report_int(c, "code")));
    return n ? la_buf_addc(out, ')') : LA_OK;
}

enum la_rc la_report_case_line(const json_t *report, struct la_buf *out)
{
    const json_t *c = la_report_obj(report, "case");
    const char *split = la_report_str(c, "split");
    long long un = la_report_int(c, "unattributed_count");
    enum la_rc rc;

    if (!c)
        return LA_OK;
    rc = la_buf_addf(out, "%lld of %lld", la_report_int(c, "index"), la_report_int(c, "of"));
    if (rc == LA_OK && la_report_has_str(c, "device"))
        rc = la_buf_addf(out, ": device %s", la_report_str(c, "device"));
    else if (rc == LA_OK && la_report_has_str(c, "unit"))
        rc = la_buf_addf(out, ": %s", la_report_str(c, "unit"));
    if (rc == LA_OK && *split)
        rc = la_buf_addf(out, ", split by %s", split);
    if (rc == LA_OK && un > 0)
        rc = la_buf_addf(out, "; %lld member%s in no case", un, un == 1 ? "" : "s");
    return rc;
}

enum la_rc la_report_codes_line(const json_t *report, struct la_buf *out)
{
    const json_t *codes = la_report_arr(report, "codes"), *c;
    const json_t *ints = la_report_arr(report, "error_codes");
    size_t i, start = out->len;

    if (!la_report_len(codes)) {
        json_array_foreach(ints, i, c)
            LA_TRY(la_buf_addf(out, "%s%lld", i ? ", " : "",
                               json_is_integer(c) ? (long long)json_integer_value(c) : 0LL));
        return LA_OK;
    }
    json_array_foreach(codes, i, c) {
        const char *space = la_report_has_str(c, "space") ? la_report_str(c, "space") : "dialog";
        long long code = la_report_int(c, "code");
        const struct la_space *sp = space_of(space);
        int dup = 0;
        size_t j;
        const json_t *o;

        /* A mapped number is shown with the code it comes from. */
        if (la_report_has_str(c, "from") && !la_report_bool(c, "printed"))
            continue;
        for (j = 0; j < i && sp && same_digits(sp); j++) {
            o = json_array_get(codes, j);
            const struct la_space *osp = space_of(la_report_has_str(o, "space")
                                                      ? la_report_str(o, "space") : "dialog");
            dup |= osp && same_digits(osp) && la_report_int(o, "code") == code &&
                   !la_report_has_str(o, "from");
        }
        if (dup)
            continue;
        if (out->len > start)
            LA_TRY(la_buf_adds(out, ", "));
        LA_TRY(put_spaced(out, space, code));
        LA_TRY(put_mapped(out, codes, space, code));
    }
    return LA_OK;
}

const char *la_report_certainty(const json_t *report)
{
    const json_t *d = la_report_obj(report, "diagnosis");
    const char *l = la_report_str(d, "level");

    if (!strcmp(l, "confident"))
        return "confident: the log names the cause";
    if (!strcmp(l, "likely"))
        return "likely: the log points to the cause, not beyond doubt";
    if (!strcmp(l, "unclear"))
        return "unclear: the restore failed, but no line of the log says why";
    return NULL;
}

int la_report_has_reason(const json_t *report, const char *kind)
{
    const json_t *rs = la_report_arr(la_report_obj(report, "diagnosis"), "reasons");

    for (size_t i = 0; i < la_report_len(rs); i++)
        if (!strcmp(la_report_str(json_array_get(rs, i), "kind"), kind))
            return 1;
    return 0;
}

const json_t *la_report_deciding_line(const json_t *report)
{
    return la_report_obj(la_report_obj(report, "diagnosis"), "line");
}

int la_report_needs_help(const json_t *report)
{
    const char *o = la_report_str(report, "outcome");

    return !strcmp(o, "no-restore-found") || !strcmp(o, "inconclusive") ||
           !strcmp(la_report_str(la_report_obj(report, "diagnosis"), "level"), "unclear");
}
