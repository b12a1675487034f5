/*
 * YAML helpers over libyaml's document API, with positioned diagnostics.
 *
 * Every diagnostic points at the node it is about: libyaml's marks are
 * 0-based, ours 1-based.  Keys are checked against an allowed list (or a
 * key table's lookup) so a misspelt key is an error (LA201) rather than
 * silently ignored, and a key given twice is an error (LA216): libyaml
 * keeps both.  The pool keeps what the loaded rules and data point at.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "rules/rules-internal.h"

void *pool_keep(struct pool *p, void *ptr)
{
    if (!ptr) {
        p->oom = 1;
        return NULL;
    }
    if (LA_GROW(p->items, p->cap, p->n + 1) != LA_OK) {
        la_free(ptr);
        p->oom = 1;
        return NULL;
    }
    p->items[p->n++] = ptr;
    return ptr;
}

/*
 * Small allocations are carved from POOL_CHUNK-byte chunks (each kept in the pool): the
 * vocabulary packs bring tens of thousands of short strings, and one malloc and one free
 * each would cost more than loading them.
 */
#define POOL_CHUNK 16384
#define POOL_ALIGN 16

void *pool_alloc(struct pool *p, size_t n)
{
    void *r;

    if (n > POOL_CHUNK / 4)
        return pool_keep(p, la_malloc(n));
    n = (n + POOL_ALIGN - 1) & ~(size_t)(POOL_ALIGN - 1);
    if (n > p->left) {
        char *c = pool_keep(p, la_malloc(POOL_CHUNK));
        if (!c)
            return NULL;
        p->cur = c;
        p->left = POOL_CHUNK;
    }
    r = p->cur;
    p->cur += n;
    p->left -= n;
    return r;
}

char *pool_memdup(struct pool *p, const void *s, size_t n)
{
    char *d = n < SIZE_MAX ? pool_alloc(p, n + 1) : NULL;

    if (!d) {
        p->oom = 1;
        return NULL;
    }
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *pool_strdup(struct pool *p, const char *s)
{
    return pool_memdup(p, s, strlen(s));
}

void *pool_calloc(struct pool *p, size_t n, size_t size)
{
    void *r;

    if (!n)
        n = 1;
    if (size && n > SIZE_MAX / size) {
        p->oom = 1;
        return NULL;
    }
    r = pool_alloc(p, n * size);
    if (!r) {
        p->oom = 1;
        return NULL;
    }
    return memset(r, 0, n * size);
}

void pool_release(struct pool *p)
{
    for (size_t i = 0; i < p->n; i++)
        la_free(p->items[i]);
    la_free(p->items);
    memset(p, 0, sizeof(*p));
}

enum la_rc ydoc_load(struct ydoc *d, const char *file, const char *data, size_t len,
                     struct pool *pool, struct la_diag_sink *sink)
{
    yaml_parser_t parser;

    memset(d, 0, sizeof(*d));
    d->file = file;
    d->sink = sink;
    d->pool = pool;
    if (!yaml_parser_initialize(&parser))
        return LA_FATAL;
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    if (!yaml_parser_load(&parser, &d->doc)) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_YAML_SYNTAX, file,
                 (unsigned)parser.problem_mark.line + 1, (unsigned)parser.problem_mark.column + 1,
                 "invalid YAML: %s%s%s", parser.problem ? parser.problem : "syntax error",
                 parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        d->errors++;
        return LA_FAILED;
    }
    yaml_parser_delete(&parser);
    d->loaded = 1;
    return LA_OK;
}

void ydoc_release(struct ydoc *d)
{
    if (d->loaded)
        yaml_document_delete(&d->doc);
    d->loaded = 0;
}

yaml_node_t *ydoc_root(struct ydoc *d)
{
    return yaml_document_get_root_node(&d->doc);
}

yaml_node_t *ynode(struct ydoc *d, int id)
{
    return yaml_document_get_node(&d->doc, id);
}

static void vdiag(struct ydoc *d, enum la_severity sev, const yaml_node_t *n, unsigned code,
                  const char *fmt, va_list ap)
{
    struct la_buf b = LA_BUF_INIT;

    if (la_buf_vaddf(&b, fmt, ap) != LA_OK)
        la_buf_reset(&b);
    la_diagf(d->sink, sev, code, d->file, n ? (unsigned)n->start_mark.line + 1 : 0,
             n ? (unsigned)n->start_mark.column + 1 : 0, "%s", b.len ? b.buf : "out of memory");
    la_buf_release(&b);
    if (sev == LA_SEV_ERROR)
        d->errors++;
}

void yerr(struct ydoc *d, const yaml_node_t *n, unsigned code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vdiag(d, LA_SEV_ERROR, n, code, fmt, ap);
    va_end(ap);
}

void ywarn(struct ydoc *d, const yaml_node_t *n, unsigned code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vdiag(d, LA_SEV_WARNING, n, code, fmt, ap);
    va_end(ap);
}

int yis_map(const yaml_node_t *n)
{
    return n && n->type == YAML_MAPPING_NODE;
}

int yis_seq(const yaml_node_t *n)
{
    return n && n->type == YAML_SEQUENCE_NODE;
}

int yis_scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE;
}

static const char *scalar(const yaml_node_t *n)
{
    return (const char *)n->data.scalar.value;
}

/* Unknown keys (allowed list or known predicate, either may be NULL) and duplicates. */
static void check_keys(struct ydoc *d, yaml_node_t *map, const char *const *allowed,
                       ykey_known_fn *known)
{
    yaml_node_pair_t *p, *q;

    for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = ynode(d, p->key);
        int ok = 0;

        if (!yis_scalar(k)) {
            yerr(d, k, LA_D_RULE_WRONG_TYPE, "a key must be a plain string");
            continue;
        }
        if (allowed || known) {
            for (const char *const *a = allowed; a && *a; a++)
                if (!strcmp(*a, scalar(k)))
                    ok = 1;
            if (known && known(scalar(k)))
                ok = 1;
            if (!ok)
                yerr(d, k, LA_D_RULE_UNKNOWN_KEY, "unknown key '%s'", scalar(k));
        }
        for (q = map->data.mapping.pairs.start; q < p; q++) {
            yaml_node_t *k2 = ynode(d, q->key);
            if (yis_scalar(k2) && !strcmp(scalar(k2), scalar(k))) {
                yerr(d, k, LA_D_RULE_DUPLICATE_KEY, "key '%s' given twice", scalar(k));
                break;
            }
        }
    }
}

void ycheck_keys(struct ydoc *d, yaml_node_t *map, const char *const *allowed)
{
    check_keys(d, map, allowed, NULL);
}

void ycheck_keys_by(struct ydoc *d, yaml_node_t *map, ykey_known_fn *known)
{
    check_keys(d, map, NULL, known);
}

yaml_node_t *yget(struct ydoc *d, yaml_node_t *map, const char *key)
{
    yaml_node_pair_t *p;

    if (!yis_map(map))
        return NULL;
    for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = ynode(d, p->key);
        if (yis_scalar(k) && !strcmp(scalar(k), key))
            return ynode(d, p->value);
    }
    return NULL;
}

const char *ystr(struct ydoc *d, yaml_node_t *n, const char *what)
{
    if (!n)
        return NULL;
    if (!yis_scalar(n)) {
        yerr(d, n, LA_D_RULE_WRONG_TYPE, "'%s' must be a string", what);
        return NULL;
    }
    return pool_strdup(d->pool, scalar(n));
}

int yvalid_id(const char *s)
{
    if (!*s || !(islower((unsigned char)*s) || isdigit((unsigned char)*s)))
        return 0;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '.' ||
              *s == '_' || *s == '-'))
            return 0;
    return 1;
}

/* Partial when out of memory. */
void ylist_names(struct la_buf *out, const char *const *names)
{
    for (size_t k = 0; names[k]; k++) {
        const char *sep = !k ? "" : names[k + 1] ? ", " : " or ";
        if (la_buf_addf(out, "%s%s", sep, names[k]) != LA_OK)
            break;
    }
}

int yone_of(struct ydoc *d, yaml_node_t *n, const char *key, const char *const *names)
{
    struct la_buf list = LA_BUF_INIT;
    const char *s;

    if (!yis_scalar(n)) {
        yerr(d, n, LA_D_RULE_WRONG_TYPE, "'%s' must be a string", key);
        return -1;
    }
    s = scalar(n);
    for (int i = 0; names[i]; i++)
        if (!strcmp(s, names[i]))
            return i;
    ylist_names(&list, names);
    yerr(d, n, LA_D_RULE_BAD_VALUE, "unknown %s '%s' (%s)", key, s, list.buf);
    la_buf_release(&list);
    return -1;
}

int ynum(struct ydoc *d, yaml_node_t *n, const char *what, double *ret)
{
    char *end;
    double v;

    if (!yis_scalar(n)) {
        yerr(d, n, LA_D_RULE_WRONG_TYPE, "'%s' must be a number", what);
        return 0;
    }
    errno = 0;
    v = strtod(scalar(n), &end);
    if (errno || end == scalar(n) || *end) {
        yerr(d, n, LA_D_RULE_WRONG_TYPE, "'%s' must be a number, not '%s'", what, scalar(n));
        return 0;
    }
    *ret = v;
    return 1;
}

int ylong(struct ydoc *d, yaml_node_t *n, const char *what, long *ret)
{
    char *end;
    long v;

    if (!yis_scalar(n)) {
        yerr(d, n, LA_D_RULE_WRONG_TYPE, "'%s' must be an integer", what);
        return 0;
    }
    errno = 0;
    v = strtol(scalar(n), &end, 0);
    if (errno || end == scalar(n) || *end) {
        yerr(d, n, LA_D_RULE_WRONG_TYPE, "'%s' must be an integer, not '%s'", what, scalar(n));
        return 0;
    }
    *ret = v;
    return 1;
}

int ybool(struct ydoc *d, yaml_node_t *n, const char *what, int *ret)
{
    const char *s;

    if (!yis_scalar(n)) {
        yerr(d, n, LA_D_RULE_WRONG_TYPE, "'%s' must be true or false", what);
        return 0;
    }
    s = scalar(n);
    if (!strcmp(s, "true") || !strcmp(s, "yes")) {
        *ret = 1;
        return 1;
    }
    if (!strcmp(s, "false") || !strcmp(s, "no")) {
        *ret = 0;
        return 1;
    }
    yerr(d, n, LA_D_RULE_WRONG_TYPE, "'%s' must be true or false, not '%s'", what, s);
    return 0;
}

const char *const *ystrlist(struct ydoc *d, yaml_node_t *n, const char *what, size_t *ret_n)
{
    const char **arr;
    size_t cnt = 0;

    if (ret_n)
        *ret_n = 0;
    if (!n)
        return NULL;
    if (yis_scalar(n)) {
        arr = pool_calloc(d->pool, 2, sizeof(*arr));
        if (!arr)
            return NULL;
        arr[0] = pool_strdup(d->pool, scalar(n));
        if (ret_n)
            *ret_n = 1;
        return arr;
    }
    if (!yis_seq(n)) {
        yerr(d, n, LA_D_RULE_WRONG_TYPE, "'%s' must be a string or a list of strings", what);
        return NULL;
    }
    arr = pool_calloc(d->pool, (size_t)(n->data.sequence.items.top -
                                        n->data.sequence.items.start) + 1, sizeof(*arr));
    if (!arr)
        return NULL;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        yaml_node_t *e = ynode(d, *it);
        if (!yis_scalar(e)) {
            yerr(d, e, LA_D_RULE_WRONG_TYPE, "every entry of '%s' must be a string", what);
            continue;
        }
        arr[cnt++] = pool_strdup(d->pool, scalar(e));
    }
    if (ret_n)
        *ret_n = cnt;
    return arr;
}

enum la_rc read_small_file(const char *path, size_t cap, struct la_buf *out,
                           struct la_diag_sink *sink)
{
    FILE *f = fopen(path, "rb");
    char blk[8192];
    size_t n;

    if (!f) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_OPEN_FAILED, path, 0, 0, "cannot open: %s",
                 strerror(errno));
        return LA_FAILED;
    }
    while ((n = fread(blk, 1, sizeof(blk), f)) > 0) {
        enum la_rc rc = la_buf_add(out, blk, n);
        if (rc != LA_OK || out->len > cap) {
            fclose(f);
            if (rc == LA_FATAL)
                return LA_FATAL;
            la_diagf(sink, LA_SEV_ERROR, LA_D_RULE_LIMIT, path, 0, 0,
                     "file is larger than %zu bytes (raise with --limit rule-file=N)", cap);
            return LA_FAILED;
        }
    }
    if (ferror(f)) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_READ_FAILED, path, 0, 0, "read error: %s",
                 strerror(errno));
        fclose(f);
        return LA_FAILED;
    }
    fclose(f);
    return LA_OK;
}
