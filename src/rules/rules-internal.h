#ifndef LA_RULES_RULES_INTERNAL_H
#define LA_RULES_RULES_INTERNAL_H

/* Declarations shared by the files of the rules module only. */

#include <yaml.h>

#include "core/buf.h"
#include "rules/rules.h"

/* A pool of allocations freed together (the ruleset's and the kb's strings). */
struct pool {
    void **items;
    size_t n, cap;
    int oom;
};

void *pool_keep(struct pool *p, void *ptr);
char *pool_strdup(struct pool *p, const char *s);
void *pool_calloc(struct pool *p, size_t n, size_t size);
void pool_release(struct pool *p);

/* A loaded YAML document with its file name for diagnostics. */
struct ydoc {
    yaml_document_t doc;
    const char *file;
    struct la_diag_sink *sink;
    struct pool *pool;
    unsigned errors;
    int loaded;
};

/* Load text into d; LA_FAILED with an LA200 diagnostic on a syntax error. */
enum la_rc ydoc_load(struct ydoc *d, const char *file, const char *data, size_t len,
                     struct pool *pool, struct la_diag_sink *sink);
void ydoc_release(struct ydoc *d);
yaml_node_t *ydoc_root(struct ydoc *d);
yaml_node_t *ynode(struct ydoc *d, int id);
void yerr(struct ydoc *d, const yaml_node_t *n, unsigned code, const char *fmt, ...)
    LA_PRINTF(4, 5);
void ywarn(struct ydoc *d, const yaml_node_t *n, unsigned code, const char *fmt, ...)
    LA_PRINTF(4, 5);
/* Check a mapping's keys against allowed (NULL-terminated): unknown or duplicate → error. */
void ycheck_keys(struct ydoc *d, yaml_node_t *map, const char *const *allowed);
yaml_node_t *yget(struct ydoc *d, yaml_node_t *map, const char *key);
/* A scalar as a pooled string; NULL (with an error unless n is NULL) when not a scalar. */
const char *ystr(struct ydoc *d, yaml_node_t *n, const char *what);
int ynum(struct ydoc *d, yaml_node_t *n, const char *what, double *ret);
int ylong(struct ydoc *d, yaml_node_t *n, const char *what, long *ret);
int ybool(struct ydoc *d, yaml_node_t *n, const char *what, int *ret);
/* A scalar or a sequence of scalars as a pooled NULL-terminated array. */
const char *const *ystrlist(struct ydoc *d, yaml_node_t *n, const char *what, size_t *ret_n);
int yis_map(const yaml_node_t *n);
int yis_seq(const yaml_node_t *n);
int yis_scalar(const yaml_node_t *n);

/* Read a whole (small, capped) file into out. */
enum la_rc read_small_file(const char *path, size_t cap, struct la_buf *out,
                           struct la_diag_sink *sink);

#endif
