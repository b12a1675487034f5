/*
 * .ips reports (crash, panic and diagnostic reports since iOS 15): the two .ips rows' hooks.
 *
 * An .ips is a one-line JSON header with "bug_type" and a JSON body.  The sniff hooks tell a
 * panic (bug types 210, 151, 288) from any other report by the header.  The parse hook
 * checks as lines stream by that the member is JSON (la_parser_bad_json()) and expands the
 * panic string, a JSON string with escaped newlines, into one record per line of it, so
 * that rules see the panic as the text report would show it.
 *
 * Invariant: nothing is held beyond a line: the JSON check is a bracket count (a body can
 * be megabytes), and only the lines with the known keys are decoded (jansson).
 */
#include "config.h"

#include <string.h>

#include <jansson.h>

#include "core/buf.h"
#include "formats/formats-internal.h"
#include "formats/formats.h"

/* .ips: a one-line JSON header with bug_type; 2 when that is a panic's, 1 another's, else 0. */
static int ips_kind(const struct la_probe *pr)
{
    const char *bt;

    if (!pr->len || pr->text[0] != '{' ||
        !la_formats_has_kw(pr->text, pr->len > 2048 ? 2048 : pr->len, "\"bug_type\""))
        return 0;
    bt = strstr(pr->text, "\"bug_type\"");
    if (!bt)
        return 1;
    bt += 10;
    while (*bt == ' ' || *bt == ':' || *bt == '"')
        bt++;
    return !strncmp(bt, "210", 3) || !strncmp(bt, "151", 3) || !strncmp(bt, "288", 3) ? 2 : 1;
}

int la_formats_ips_sniff_panic(const struct la_probe *pr, const struct la_format *self)
{
    return ips_kind(pr) == 2 ? 95 : 0;
}

int la_formats_ips_sniff_crash(const struct la_probe *pr, const struct la_format *self)
{
    return ips_kind(pr) == 1 ? 95 : 0;
}

int la_parser_bad_json(const struct la_parser *p)
{
    return p->ips.header == 2 || p->ips.body_bad || p->ips.depth != 0;
}

/* An .ips line "  \"panicString\" : \"…\"," or the "string" key of 151: expand the value. */
static enum la_rc expand_ips(struct la_parser *p, const char *s, size_t n, uint64_t lineno,
                             la_record_fn *fn, void *user, int *ret_done)
{
    static const char *const keys[] = { "\"panicString\"", "\"string\"", "\"otherString\"",
                                         NULL };
    size_t i = la_formats_skip_sp(s, n, 0);

    *ret_done = 0;
    for (int k = 0; keys[k]; k++) {
        size_t l = strlen(keys[k]);
        if (n - i <= l || memcmp(s + i, keys[k], l))
            continue;
        size_t j = la_formats_skip_sp(s, n, i + l);
        if (j >= n || s[j] != ':')
            return LA_OK;
        j = la_formats_skip_sp(s, n, j + 1);
        if (j >= n || s[j] != '"')
            return LA_OK;
        size_t e = n;
        while (e > j && (s[e - 1] == ',' || s[e - 1] == ' '))
            e--;
        json_error_t err;
        json_t *v = json_loadb(s + j, e - j, JSON_DECODE_ANY, &err);
        if (!v || !json_is_string(v)) {
            json_decref(v);
            return LA_OK;
        }
        const char *str = json_string_value(v);
        size_t slen = json_string_length(v);
        size_t a = 0;
        enum la_rc rc = LA_OK;
        /* One record per line of the value (the escaped one-line form is not matched). */
        while (rc == LA_OK && a < slen) {
            const char *nl = memchr(str + a, '\n', slen - a);
            size_t b = nl ? (size_t)(nl - str) : slen;
            if (b > a) {
                la_buf_reset(&p->expand);
                if (la_buf_add(&p->expand, str + a, b - a) != LA_OK) {
                    rc = LA_FATAL;
                    break;
                }
                rc = la_formats_emit(p, p->expand.buf, p->expand.len, lineno, fn, user);
            }
            a = b + 1;
        }
        json_decref(v);
        *ret_done = 1;
        return rc;
    }
    return LA_OK;
}

/*
 * Whether an .ips is JSON, checked as it streams by: the first line is a JSON object (the
 * metadata header); in the body, brackets balance outside strings and no string spans lines.
 */
static void ips_check(struct la_ips_state *st, const char *s, size_t n)
{
    if (!st->header) {
        json_t *h = json_loadb(s, n, 0, NULL);
        st->header = json_is_object(h) ? 1 : 2;
        json_decref(h);
        return;
    }
    for (size_t i = 0; i < n && !st->body_bad; i++) {
        char ch = s[i];
        if (st->in_string) {
            if (st->escape)
                st->escape = 0;
            else if (ch == '\\')
                st->escape = 1;
            else if (ch == '"')
                st->in_string = 0;
        } else if (ch == '"') {
            st->in_string = 1;
        } else if (ch == '{' || ch == '[') {
            st->depth++;
        } else if (ch == '}' || ch == ']') {
            if (--st->depth < 0)
                st->body_bad = 1;
        }
    }
    if (st->in_string)
        st->body_bad = 1;
}

/* The parse hook of the .ips rows: check the JSON, expand the panic string. */
enum la_rc la_formats_ips_line(struct la_parser *p, uint64_t lineno, la_record_fn *fn, void *user,
                           int *ret_done)
{
    ips_check(&p->ips, p->line.p, p->line.len);
    return expand_ips(p, p->line.p, p->line.len, lineno, fn, user, ret_done);
}
