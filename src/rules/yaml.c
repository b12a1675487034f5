/*
 * The YAML document (libyaml's events into libyaml's node type, see ydoc_load()) and the
 * helpers over it, with positioned diagnostics.
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
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "core/limits.h"
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

/* n bytes at a multiple of align (a power of two, at most POOL_ALIGN) from the pool. */
static void *carve(struct pool *p, size_t n, size_t align)
{
    size_t pad = (size_t)(-(uintptr_t)p->cur & (align - 1));
    char *r;

    if (n > POOL_CHUNK / 4)
        return pool_keep(p, la_malloc(n));
    if (!p->cur || pad + n > p->left) {
        char *c = pool_keep(p, la_malloc(POOL_CHUNK));
        if (!c)
            return NULL;
        p->cur = c;
        p->left = POOL_CHUNK;
        pad = 0;
    }
    r = p->cur + pad;
    p->cur += pad + n;
    p->left -= pad + n;
    return r;
}

void *pool_alloc(struct pool *p, size_t n)
{
    return carve(p, n, POOL_ALIGN);
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

/*
 * The document is built from libyaml's events (yaml_parser_parse), not by
 * yaml_parser_load(), so that it can be measured while it is read and abandoned at the
 * first limit: nesting deeper than LA_YAML_MAX_DEPTH (libyaml's
 * scanner costs O(depth) per token in flow context, so deep nesting alone is quadratic),
 * more than LA_YAML_MAX_ANCHORS anchors or LA_YAML_MAX_ALIASES aliases, an alias inside the
 * node it names (a cycle the loaders would walk forever), and a document that, once every
 * alias is expanded (the loaders visit an aliased node at every use), has more than
 * LA_YAML_MAX_NODES nodes or whose aliases add more than the rule-file cap in bytes.
 *
 * It is not built with libyaml's yaml_document_add_*() either: they copy each scalar and
 * its tag with a malloc of their own (and the tag of an untagged one too), grow each
 * collection's children array by doublings, and yaml_document_delete() frees it all
 * again, which was a third of loading the 1 MB of vocabulary packs.  The nodes are
 * libyaml's yaml_node_t in one array; a scalar's text (NUL-terminated, as libyaml's) and
 * a finished collection's children are carved from the document's arena (d->mem), the
 * children of the collections still open wait on one stack (ybuild.kids).  Tags are not
 * kept: nothing reads them.  Only start_mark is set: diagnostics point at a node's start.
 */
struct yanchor {
    char *name;
    int id;
    int open;                       /* its collection is still being read */
    uint64_t nodes, bytes;          /* the node's size with every alias in it expanded */
};

struct yframe {
    int id;                         /* the collection */
    int anchor;                     /* index in anchors, or -1 */
    size_t base;                    /* its first child's place in ybuild.kids */
    uint64_t nodes, bytes;
};

struct ybuild {
    struct ydoc *d;
    size_t len;                     /* of the text */
    size_t cap;                     /* bytes aliases may add */
    struct yframe *stack;
    size_t depth, capstack;
    int *kids;                      /* the open collections' children so far, by node id */
    size_t nkids, capkids;
    struct yanchor *anchors;
    size_t nanchors, capanchors;
    unsigned long aliases;
    uint64_t nodes, added;          /* nodes with aliases expanded; bytes the aliases add */
    yaml_mark_t *where;             /* the event a limit was reached at */
};

static void ylimit(struct ybuild *b, unsigned code, const char *fmt, ...) LA_PRINTF(3, 4);

static void ylimit(struct ybuild *b, unsigned code, const char *fmt, ...)
{
    struct la_buf m = LA_BUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    if (la_buf_vaddf(&m, fmt, ap) != LA_OK)
        la_buf_reset(&m);
    va_end(ap);
    la_diagf(b->d->sink, LA_SEV_ERROR, code, b->d->file, (unsigned)b->where->line + 1,
             (unsigned)b->where->column + 1, "%s", m.len ? m.buf : "out of memory");
    la_buf_release(&m);
    b->d->errors++;
}

static yaml_node_t *bnode(struct ybuild *b, int id)
{
    return b->d->nodes + id - 1;
}

/*
 * Room for the nodes of len bytes at first: a node takes about 18 bytes of the packs, so
 * this rarely grows, and a large file's array is grown rather than reserved whole.
 */
static size_t first_cap(size_t len)
{
    return len / 16 < 256 ? 256 : len / 16 < 65536 ? len / 16 : 65536;
}

/* A new node of this type at the event's start; its id, 0 when out of memory. */
static int new_node(struct ybuild *b, yaml_node_type_t type, const yaml_event_t *e)
{
    struct ydoc *d = b->d;
    yaml_node_t *n;

    if (d->nnodes >= (size_t)INT_MAX - 1)
        return 0;
    if (d->nnodes == d->capnodes) {
        size_t cap = d->capnodes ? d->capnodes * 2 : first_cap(b->len);
        yaml_node_t *nodes = cap <= SIZE_MAX / sizeof(*nodes)
                                 ? la_realloc(d->nodes, cap * sizeof(*nodes)) : NULL;
        if (!nodes)
            return 0;
        d->nodes = nodes;
        d->capnodes = cap;
    }
    n = &d->nodes[d->nnodes++];
    memset(n, 0, sizeof(*n));
    n->type = type;
    n->start_mark = e->start_mark;
    return (int)d->nnodes;
}

/* A node of (nodes, bytes) is complete: count it and hang it in its parent.  -1 stop, -2 OOM. */
static int attach(struct ybuild *b, int id, uint64_t nodes, uint64_t bytes)
{
    struct yframe *f;

    b->nodes += nodes;
    if (b->nodes > LA_YAML_MAX_NODES) {
        ylimit(b, LA_D_YAML_TOO_LARGE, "more than %u YAML nodes once aliases are expanded",
               LA_YAML_MAX_NODES);
        return -1;
    }
    if (!b->depth)
        return 0;                   /* the root */
    f = &b->stack[b->depth - 1];
    f->nodes += nodes;
    f->bytes += bytes;
    if (b->nkids == b->capkids) {
        size_t cap = b->capkids ? b->capkids * 2 : 256;
        int *kids = cap <= SIZE_MAX / sizeof(*kids) ? la_realloc(b->kids, cap * sizeof(*kids))
                                                    : NULL;
        if (!kids)
            return -2;
        b->kids = kids;
        b->capkids = cap;
    }
    b->kids[b->nkids++] = id;
    return 0;
}

static int find_anchor(struct ybuild *b, const char *name)
{
    for (size_t i = b->nanchors; i-- > 0;)
        if (!strcmp(b->anchors[i].name, name))
            return (int)i;
    return -1;
}

/* Register the anchor (NULL: none) of node id; *ret_a its index or -1.  -1 stop, -2 OOM. */
static int add_anchor(struct ybuild *b, const yaml_char_t *anchor, int id, int open,
                      int *ret_a)
{
    struct yanchor *a;

    *ret_a = -1;
    if (!anchor)
        return 0;
    if (b->nanchors >= LA_YAML_MAX_ANCHORS) {
        ylimit(b, LA_D_YAML_ALIAS_LIMIT, "more than %u YAML anchors", LA_YAML_MAX_ANCHORS);
        return -1;
    }
    if (LA_GROW(b->anchors, b->capanchors, b->nanchors + 1) != LA_OK)
        return -2;
    a = &b->anchors[b->nanchors];
    a->name = la_strdup((const char *)anchor);
    if (!a->name)
        return -2;
    a->id = id;
    a->open = open;
    a->nodes = 1;
    a->bytes = 1;
    *ret_a = (int)b->nanchors++;
    return 0;
}

static int on_alias(struct ybuild *b, const char *name)
{
    int i = find_anchor(b, name);
    struct yanchor *a;

    if (i < 0) {
        ylimit(b, LA_D_YAML_SYNTAX, "invalid YAML: found undefined alias '%s'", name);
        return -1;
    }
    a = &b->anchors[i];
    if (a->open) {
        ylimit(b, LA_D_YAML_ALIAS_LIMIT, "alias '*%s' is inside the node it names", name);
        return -1;
    }
    if (++b->aliases > LA_YAML_MAX_ALIASES) {
        ylimit(b, LA_D_YAML_ALIAS_LIMIT, "more than %u YAML aliases", LA_YAML_MAX_ALIASES);
        return -1;
    }
    b->d->aliased = 1;
    b->added += a->bytes;
    if (b->added > b->cap) {
        ylimit(b, LA_D_YAML_ALIAS_LIMIT,
               "YAML aliases expand the file by more than %zu bytes (raise with --limit "
               "rule-file=N)", b->cap);
        return -1;
    }
    return attach(b, a->id, a->nodes, a->bytes);
}

static int on_scalar(struct ybuild *b, yaml_event_t *e)
{
    size_t len = e->data.scalar.length;
    char *text = len < SIZE_MAX && len < INT_MAX ? carve(&b->d->mem, len + 1, 1) : NULL;
    int id = text ? new_node(b, YAML_SCALAR_NODE, e) : 0;
    yaml_node_t *n;
    int a, r;

    if (!id)
        return -2;
    memcpy(text, e->data.scalar.value, len + 1);
    n = bnode(b, id);
    n->data.scalar.value = (yaml_char_t *)text;
    n->data.scalar.length = len;
    n->data.scalar.style = e->data.scalar.style;
    r = add_anchor(b, e->data.scalar.anchor, id, 0, &a);
    if (r < 0)
        return r;
    if (a >= 0)
        b->anchors[a].bytes = e->data.scalar.length + 1;
    return attach(b, id, 1, e->data.scalar.length + 1);
}

static int on_start(struct ybuild *b, yaml_event_t *e)
{
    int map = e->type == YAML_MAPPING_START_EVENT;
    const yaml_char_t *anchor = map ? e->data.mapping_start.anchor
                                    : e->data.sequence_start.anchor;
    int id, a, r;

    if (b->depth >= LA_YAML_MAX_DEPTH) {
        ylimit(b, LA_D_NESTING_LIMIT, "YAML nests deeper than %u levels", LA_YAML_MAX_DEPTH);
        return -1;
    }
    id = new_node(b, map ? YAML_MAPPING_NODE : YAML_SEQUENCE_NODE, e);
    if (!id)
        return -2;
    if (map)
        bnode(b, id)->data.mapping.style = e->data.mapping_start.style;
    else
        bnode(b, id)->data.sequence.style = e->data.sequence_start.style;
    r = add_anchor(b, anchor, id, 1, &a);
    if (r < 0)
        return r;
    if (LA_GROW(b->stack, b->capstack, b->depth + 1) != LA_OK)
        return -2;
    b->stack[b->depth++] = (struct yframe){ id, a, b->nkids, 1, 1 };
    return 0;
}

/* A collection's children, from the stack to the arena; -2 when out of memory. */
static int set_children(struct ybuild *b, yaml_node_t *n, const int *kids, size_t nk)
{
    static yaml_node_pair_t no_pairs[1];
    static yaml_node_item_t no_items[1];

    if (n->type == YAML_SEQUENCE_NODE) {
        yaml_node_item_t *it = no_items;
        if (nk && !(it = carve(&b->d->mem, nk * sizeof(*it), _Alignof(yaml_node_item_t))))
            return -2;
        if (nk)
            memcpy(it, kids, nk * sizeof(*it));
        n->data.sequence.items.start = n->data.sequence.items.top = it;
        n->data.sequence.items.top += nk;
        n->data.sequence.items.end = n->data.sequence.items.top;
    } else {
        yaml_node_pair_t *p = no_pairs;
        nk /= 2;                    /* the parser gives every key a value */
        if (nk && !(p = carve(&b->d->mem, nk * sizeof(*p), _Alignof(yaml_node_pair_t))))
            return -2;
        for (size_t i = 0; i < nk; i++)
            p[i] = (yaml_node_pair_t){ kids[2 * i], kids[2 * i + 1] };
        n->data.mapping.pairs.start = n->data.mapping.pairs.top = p;
        n->data.mapping.pairs.top += nk;
        n->data.mapping.pairs.end = n->data.mapping.pairs.top;
    }
    return 0;
}

static int on_end(struct ybuild *b, yaml_event_t *e)
{
    struct yframe f = b->stack[--b->depth];
    /* No children yet may mean no array yet: never offset a null pointer. */
    const int *kids = b->nkids > f.base ? b->kids + f.base : NULL;

    (void)e;
    if (set_children(b, bnode(b, f.id), kids, b->nkids - f.base) < 0)
        return -2;
    b->nkids = f.base;
    if (f.anchor >= 0) {
        b->anchors[f.anchor].open = 0;
        b->anchors[f.anchor].nodes = f.nodes;
        b->anchors[f.anchor].bytes = f.bytes;
    }
    return attach(b, f.id, f.nodes, f.bytes);
}

/* One event into the document: 1 at its end, 0 to go on, -1 stopped (reported), -2 OOM. */
static int on_event(struct ybuild *b, yaml_event_t *e)
{
    b->where = &e->start_mark;
    switch (e->type) {
    case YAML_STREAM_START_EVENT:
    case YAML_DOCUMENT_START_EVENT:
        return 0;
    case YAML_STREAM_END_EVENT:
    case YAML_DOCUMENT_END_EVENT:
        return 1;
    case YAML_ALIAS_EVENT:
        return on_alias(b, (const char *)e->data.alias.anchor);
    case YAML_SCALAR_EVENT:
        return on_scalar(b, e);
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        return on_start(b, e);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        return on_end(b, e);
    default:
        return 0;
    }
}

void ydoc_begin(struct ydoc *d, const char *file, struct pool *pool, struct ystore *store,
                struct la_diag_sink *sink)
{
    memset(d, 0, sizeof(*d));
    d->file = file;
    d->sink = sink;
    d->pool = pool;
    d->store = store;
    if (store && store->nodes) {
        d->nodes = store->nodes;
        d->capnodes = store->cap;
        store->nodes = NULL;
        store->cap = 0;
    }
}

enum la_rc ydoc_load(struct ydoc *d, const char *file, const char *data, size_t len,
                     size_t cap, struct pool *pool, struct ystore *store,
                     struct la_diag_sink *sink)
{
    struct ybuild b = { .d = d, .len = len, .cap = cap };
    yaml_parser_t parser;
    yaml_event_t e;
    enum la_rc rc = LA_OK;
    int r = 0;

    ydoc_begin(d, file, pool, store, sink);
    if (!yaml_parser_initialize(&parser)) {
        ydoc_release(d);
        return LA_FATAL;
    }
    d->loaded = 1;
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    while (!r) {
        if (!yaml_parser_parse(&parser, &e)) {
            la_diagf(sink, LA_SEV_ERROR, LA_D_YAML_SYNTAX, file,
                     (unsigned)parser.problem_mark.line + 1,
                     (unsigned)parser.problem_mark.column + 1, "invalid YAML: %s%s%s",
                     parser.problem ? parser.problem : "syntax error",
                     parser.context ? " " : "", parser.context ? parser.context : "");
            d->errors++;
            r = -1;
            break;
        }
        r = on_event(&b, &e);
        yaml_event_delete(&e);
    }
    if (r < 0) {
        rc = r == -1 ? LA_FAILED : LA_FATAL;
        ydoc_release(d);
    }
    yaml_parser_delete(&parser);
    for (size_t i = 0; i < b.nanchors; i++)
        la_free(b.anchors[i].name);
    la_free(b.anchors);
    la_free(b.stack);
    la_free(b.kids);
    return rc;
}

void ydoc_release(struct ydoc *d)
{
    if (d->store && !d->store->nodes) {
        d->store->nodes = d->nodes;
        d->store->cap = d->capnodes;
    } else {
        la_free(d->nodes);
    }
    pool_release(&d->mem);
    d->nodes = NULL;
    d->nnodes = d->capnodes = 0;
    d->loaded = 0;
}

void ystore_release(struct ystore *s)
{
    la_free(s->nodes);
    s->nodes = NULL;
    s->cap = 0;
}

yaml_node_t *ydoc_root(struct ydoc *d)
{
    return d->nnodes ? &d->nodes[0] : NULL;
}

yaml_node_t *ynode(struct ydoc *d, int id)
{
    return id > 0 && (size_t)id <= d->nnodes ? &d->nodes[id - 1] : NULL;
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

struct keyref {
    const char *key;
    size_t i;
};

static int keyref_cmp(const void *a, const void *b)
{
    const struct keyref *x = a, *y = b;
    int c = strcmp(x->key, y->key);

    return c ? c : x->i < y->i ? -1 : x->i > y->i;
}

/* Below this many pairs a mapping's keys are compared pairwise, above it sorted. */
#define KEYS_PAIRWISE 16

unsigned char *yrepeated_keys(struct ydoc *d, yaml_node_t *map)
{
    size_t n = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start), m = 0;
    unsigned char *rep = la_calloc(n ? n : 1, 1);
    struct keyref *k = la_calloc(n ? n : 1, sizeof(*k));

    if (!rep || !k) {
        la_free(rep);
        la_free(k);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *kn = ynode(d, map->data.mapping.pairs.start[i].key);
        if (yis_scalar(kn))
            k[m++] = (struct keyref){ scalar(kn), i };
    }
    qsort(k, m, sizeof(*k), keyref_cmp);
    for (size_t j = 1; j < m; j++)
        if (!strcmp(k[j].key, k[j - 1].key))
            rep[k[j].i] = 1;
    la_free(k);
    return rep;
}

/* Whether the key k of pair p was given by an earlier pair (rep: yrepeated_keys() or NULL). */
static int repeated(struct ydoc *d, yaml_node_t *map, yaml_node_pair_t *p, const char *k,
                    const unsigned char *rep)
{
    if (rep)
        return rep[p - map->data.mapping.pairs.start];
    for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++) {
        yaml_node_t *k2 = ynode(d, q->key);
        if (yis_scalar(k2) && !strcmp(scalar(k2), k))
            return 1;
    }
    return 0;
}

/*
 * Unknown keys (allowed list or known predicate, either may be NULL) and duplicates.  A
 * large mapping's repeats are found by sorting, so a mapping of many keys is not quadratic.
 */
static void check_keys(struct ydoc *d, yaml_node_t *map, const char *const *allowed,
                       ykey_known_fn *known)
{
    size_t n = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
    unsigned char *rep = NULL;
    yaml_node_pair_t *p;

    if (n > KEYS_PAIRWISE && !(rep = yrepeated_keys(d, map))) {
        d->pool->oom = 1;
        return;
    }
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
        if (repeated(d, map, p, scalar(k), rep))
            yerr(d, k, LA_D_RULE_DUPLICATE_KEY, "key '%s' given twice", scalar(k));
    }
    la_free(rep);
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
    struct stat st;
    char blk[8192];
    size_t n;

    if (!f) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_OPEN_FAILED, path, 0, 0, "cannot open: %s",
                 strerror(errno));
        return LA_FAILED;
    }
    /* Room for a regular file's bytes at once, not by doublings (a pack is 50-300 KB). */
    if (!fstat(fileno(f), &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
        (uintmax_t)st.st_size < cap && la_buf_grow(out, (size_t)st.st_size + 1) == LA_FATAL) {
        fclose(f);
        return LA_FATAL;
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
