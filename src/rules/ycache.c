/*
 * The parsed-YAML cache of the vocabulary packs: a pack's document (yaml.c's nodes, their
 * text and their children) saved after it was parsed, so the next start reads it back
 * instead of running libyaml's parser over the pack again (most of the rules' load time).
 *
 * Only the YAML parse is skipped: the loaders (vocab.c, load.c) walk the same document
 * either way, so every rule, title, line and diagnostic is the same with the cache, cold
 * or warm.  A document that failed to parse, or that has an alias (then it is not a tree),
 * is not cached; a pack that fails is parsed every time and gives its diagnostic.
 *
 *   $XDG_CACHE_HOME/loganalyze/ydoc-<key>.bin   (else ~/.cache/loganalyze; none without
 *                                                an absolute XDG_CACHE_HOME or HOME)
 *   key      SHA-256 of FORMAT_VERSION, libyaml's version, the YAML caps the document was
 *            read under (yaml.c's and the rule-file cap its aliases count against), the
 *            pack's length and the ruleset's SHA-256 once the pack is added to it (of every
 *            rule file and pack loaded so far, this one last: the hash the ruleset computes
 *            anyway, so the pack is not hashed twice).  That hash is of the files' bytes
 *            one after the other, and the pack's length says where its own begin: the key
 *            decides the pack's text, and a change in any file before it only makes the
 *            pack miss the cache once
 *   file     MAGIC, the key, struct yc_head, nnodes struct yc_node, the text (every
 *            scalar NUL-terminated), the children (uint32_t node ids: a sequence's items,
 *            a mapping's key and value for each pair), then the SHA-256 of all before it
 *
 * Read when present; ignored (the pack is parsed, and the file written again) when it
 * cannot be read, is larger than the pack could make, has another header or key, fails its
 * checksum, or does not describe a tree of at most LA_YAML_MAX_NODES nodes and
 * LA_YAML_MAX_DEPTH levels whose scalars lie in the text (every child's id above its
 * parent's, each node one parent).  Written to a temporary file beside it and renamed, so
 * a reader never sees half a file; a cache that cannot be written is not an error.  At
 * most CACHE_FILES such files are kept: writing one removes the least recently written.
 */
#include "config.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/cache.h"
#include "core/dir.h"
#include "core/limits.h"
#include "rules/rules-internal.h"

#define MAGIC "LAYDOC01"
#define MAGIC_LEN 8
#define KEY_LEN SHA256_DIGEST_SIZE
/* Bumped when the file layout changes. */
#define FORMAT_VERSION "loganalyze ydoc 1"
/* Cache files kept: the shipped packs are 13, a few versions of them fit. */
#define CACHE_FILES 64u

struct yc_head {
    uint32_t order;                /* ORDER, as this machine writes it */
    uint32_t nnodes, ntext, nkids;
};

#define ORDER 0x01020304u

struct yc_node {
    uint8_t type, style, pad[2];
    uint32_t line, column;
    uint32_t a, b;                 /* scalar: text offset, length; collection: first child,
                                      count of items or pairs */
};

/* A node's depth fits valid_tree()'s bytes: collections nest at most LA_YAML_MAX_DEPTH deep. */
_Static_assert(LA_YAML_MAX_DEPTH < 255, "LA_YAML_MAX_DEPTH fits in a byte");

static atomic_ulong hits;

unsigned long ycache_hits(void)
{
    return atomic_load(&hits);
}

/* The cache key of a pack of len bytes (whose text and all before it hashed to text_hash). */
static void cache_key(const uint8_t text_hash[KEY_LEN], size_t len, size_t cap,
                      uint8_t key[KEY_LEN])
{
    struct sha256_ctx c;
    char head[256];
    int n = snprintf(head, sizeof(head), "%s\n%s\ncap %zu depth %u anchors %u aliases %u "
                     "nodes %u node %zu length %zu\n", FORMAT_VERSION,
                     yaml_get_version_string(), cap, LA_YAML_MAX_DEPTH, LA_YAML_MAX_ANCHORS,
                     LA_YAML_MAX_ALIASES, LA_YAML_MAX_NODES, sizeof(struct yc_node), len);

    sha256_init(&c);
    sha256_update(&c, n > 0 && (size_t)n < sizeof(head) ? (size_t)n : 0, (const uint8_t *)head);
    sha256_update(&c, KEY_LEN, text_hash);
    sha256_digest(&c, KEY_LEN, key);
}

/* ------------------------------------------------------------- reading */

/*
 * Whether the nodes describe a tree the loaders can walk: types, scalars inside the text
 * and NUL-terminated, children inside the children with ids above their parent's (so no
 * cycle), each node the child of one parent, collections at most LA_YAML_MAX_DEPTH deep
 * (as ydoc_load() allows).  The marks' byte index is not kept (nothing reads it).
 */
static int valid_tree(const struct yc_node *nodes, uint32_t nn, const char *text, uint32_t nt,
                      const uint32_t *kids, uint32_t nk)
{
    unsigned char *depth = la_calloc(nn ? nn : 1, 1);   /* 0: not reached yet */
    int ok = depth != NULL;

    if (ok && nn)
        depth[0] = 1;
    for (uint32_t i = 0; ok && i < nn; i++) {
        const struct yc_node *n = &nodes[i];
        uint64_t count = n->b;
        if (!depth[i]) {
            ok = 0;                 /* every node but the root is someone's child */
        } else if (n->type == YAML_SCALAR_NODE) {
            ok = (uint64_t)n->a + n->b < nt && text[n->a + n->b] == '\0';
        } else if (n->type == YAML_SEQUENCE_NODE || n->type == YAML_MAPPING_NODE) {
            if (n->type == YAML_MAPPING_NODE)
                count *= 2;
            ok = (uint64_t)n->a + count <= nk && (count == 0 || depth[i] <= LA_YAML_MAX_DEPTH);
            for (uint64_t k = 0; ok && k < count; k++) {
                uint32_t c = kids[n->a + k];        /* node id: index c - 1 */
                ok = c > i + 1 && c <= nn && !depth[c - 1];
                if (ok)
                    depth[c - 1] = (unsigned char)(depth[i] + 1);
            }
        } else {
            ok = 0;
        }
    }
    la_free(depth);
    return ok;
}

/* The document from a cache file's bytes b (then owned by d->mem): 0, -1 unusable, -2 OOM. */
static int rebuild(struct ydoc *d, struct la_buf *b, const uint8_t key[KEY_LEN], size_t max)
{
    struct yc_head h;
    uint8_t sum[KEY_LEN];
    struct sha256_ctx c;
    size_t off = MAGIC_LEN + KEY_LEN + sizeof(h);
    uint64_t need;

    if (b->len < off + KEY_LEN || b->len > max || memcmp(b->buf, MAGIC, MAGIC_LEN) ||
        memcmp(b->buf + MAGIC_LEN, key, KEY_LEN))
        return -1;
    memcpy(&h, b->buf + MAGIC_LEN + KEY_LEN, sizeof(h));
    need = off + (uint64_t)h.nnodes * sizeof(struct yc_node) + h.ntext +
           (uint64_t)h.nkids * sizeof(uint32_t) + KEY_LEN;
    if (h.order != ORDER || need != b->len || h.nnodes > LA_YAML_MAX_NODES)
        return -1;
    sha256_init(&c);
    sha256_update(&c, b->len - KEY_LEN, (const uint8_t *)b->buf);
    sha256_digest(&c, KEY_LEN, sum);
    if (memcmp(sum, b->buf + b->len - KEY_LEN, KEY_LEN))
        return -1;

    /* The children are copied out of the buffer, so the nodes and the text need no alignment. */
    struct yc_node *nodes = la_malloc(h.nnodes ? h.nnodes * sizeof(*nodes) : 1);
    uint32_t *kids = la_malloc(h.nkids ? h.nkids * sizeof(*kids) : 1);
    const char *text = b->buf + off + (size_t)h.nnodes * sizeof(*nodes);
    int r = -2;

    if (!nodes || !kids)
        goto out;
    memcpy(nodes, b->buf + off, (size_t)h.nnodes * sizeof(*nodes));
    memcpy(kids, text + h.ntext, (size_t)h.nkids * sizeof(*kids));
    r = -1;
    if (!valid_tree(nodes, h.nnodes, text, h.ntext, kids, h.nkids))
        goto out;
    r = -2;
    if (h.nnodes > d->capnodes) {
        yaml_node_t *nn = la_realloc(d->nodes, h.nnodes * sizeof(*nn));
        if (!nn)
            goto out;
        d->nodes = nn;
        d->capnodes = h.nnodes;
    }
    /* The file's bytes become the document's text. */
    char *keep = pool_keep(&d->mem, la_buf_detach(b, NULL));
    if (!keep)
        goto out;
    text = keep + off + (size_t)h.nnodes * sizeof(*nodes);
    yaml_node_item_t *items = pool_alloc(&d->mem, (h.nkids ? h.nkids : 1) * sizeof(*items));
    if (!items)
        goto out;
    for (uint32_t k = 0; k < h.nkids; k++)
        items[k] = (yaml_node_item_t)kids[k];
    for (uint32_t i = 0; i < h.nnodes; i++) {
        const struct yc_node *s = &nodes[i];
        yaml_node_t *n = &d->nodes[i];
        memset(n, 0, sizeof(*n));
        n->type = (yaml_node_type_t)s->type;
        n->start_mark.line = s->line;
        n->start_mark.column = s->column;
        if (s->type == YAML_SCALAR_NODE) {
            n->data.scalar.value = (yaml_char_t *)(uintptr_t)(text + s->a);
            n->data.scalar.length = s->b;
            n->data.scalar.style = (yaml_scalar_style_t)s->style;
        } else if (s->type == YAML_SEQUENCE_NODE) {
            n->data.sequence.items.start = items + s->a;
            n->data.sequence.items.top = n->data.sequence.items.end = items + s->a + s->b;
            n->data.sequence.style = (yaml_sequence_style_t)s->style;
        } else {
            yaml_node_pair_t *p = pool_alloc(&d->mem, (s->b ? s->b : 1) * sizeof(*p));
            if (!p)
                goto out;
            for (uint32_t k = 0; k < s->b; k++)
                p[k] = (yaml_node_pair_t){ (int)kids[s->a + 2 * k], (int)kids[s->a + 2 * k + 1] };
            n->data.mapping.pairs.start = p;
            n->data.mapping.pairs.top = n->data.mapping.pairs.end = p + s->b;
            n->data.mapping.style = (yaml_mapping_style_t)s->style;
        }
    }
    d->nnodes = h.nnodes;
    r = 0;
out:
    la_free(nodes);
    la_free(kids);
    return r;
}

/* ------------------------------------------------------------- writing */

/* d's document in the file layout, into out.  -1 when out of memory or too large. */
static int serialise(const struct ydoc *d, const uint8_t key[KEY_LEN], struct la_buf *out)
{
    struct yc_head h = { ORDER, (uint32_t)d->nnodes, 0, 0 };
    struct la_buf text = LA_BUF_INIT, kids = LA_BUF_INIT;
    uint8_t sum[KEY_LEN];
    struct sha256_ctx c;
    int r = -1;

    if (d->nnodes > LA_YAML_MAX_NODES || la_buf_add(out, MAGIC, MAGIC_LEN) != LA_OK ||
        la_buf_add(out, key, KEY_LEN) != LA_OK || la_buf_add(out, &h, sizeof(h)) != LA_OK)
        goto out;
    for (size_t i = 0; i < d->nnodes; i++) {
        const yaml_node_t *n = &d->nodes[i];
        struct yc_node s = { .type = (uint8_t)n->type, .line = (uint32_t)n->start_mark.line,
                             .column = (uint32_t)n->start_mark.column };
        if (n->start_mark.line > UINT32_MAX || n->start_mark.column > UINT32_MAX)
            goto out;
        if (n->type == YAML_SCALAR_NODE) {
            s.style = (uint8_t)n->data.scalar.style;
            s.a = (uint32_t)text.len;
            s.b = (uint32_t)n->data.scalar.length;
            if (text.len > UINT32_MAX - n->data.scalar.length - 1 ||
                la_buf_add(&text, n->data.scalar.value, n->data.scalar.length + 1) != LA_OK)
                goto out;
        } else if (n->type == YAML_SEQUENCE_NODE) {
            s.style = (uint8_t)n->data.sequence.style;
            s.a = (uint32_t)(kids.len / sizeof(uint32_t));
            s.b = (uint32_t)(n->data.sequence.items.top - n->data.sequence.items.start);
            for (const yaml_node_item_t *it = n->data.sequence.items.start;
                 it < n->data.sequence.items.top; it++) {
                uint32_t v = (uint32_t)*it;
                if (la_buf_add(&kids, &v, sizeof(v)) != LA_OK)
                    goto out;
            }
        } else {
            s.style = (uint8_t)n->data.mapping.style;
            s.a = (uint32_t)(kids.len / sizeof(uint32_t));
            s.b = (uint32_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
            for (const yaml_node_pair_t *p = n->data.mapping.pairs.start;
                 p < n->data.mapping.pairs.top; p++) {
                uint32_t kv[2] = { (uint32_t)p->key, (uint32_t)p->value };
                if (la_buf_add(&kids, kv, sizeof(kv)) != LA_OK)
                    goto out;
            }
        }
        if (la_buf_add(out, &s, sizeof(s)) != LA_OK)
            goto out;
    }
    if (text.len > UINT32_MAX || kids.len / sizeof(uint32_t) > UINT32_MAX)
        goto out;
    h.ntext = (uint32_t)text.len;
    h.nkids = (uint32_t)(kids.len / sizeof(uint32_t));
    memcpy(out->buf + MAGIC_LEN + KEY_LEN, &h, sizeof(h));
    if (la_buf_add(out, text.buf, text.len) != LA_OK ||
        la_buf_add(out, kids.buf, kids.len) != LA_OK)
        goto out;
    sha256_init(&c);
    sha256_update(&c, out->len, (const uint8_t *)out->buf);
    sha256_digest(&c, KEY_LEN, sum);
    r = la_buf_add(out, sum, KEY_LEN) == LA_OK ? 0 : -1;
out:
    la_buf_release(&text);
    la_buf_release(&kids);
    return r;
}

/* Write d's document to path atomically (core/cache.c); errors ignored. */
static void cache_store(const struct ydoc *d, const char *dir, const char *path,
                        const uint8_t key[KEY_LEN])
{
    struct la_buf bytes = LA_BUF_INIT;

    if (serialise(d, key, &bytes) == 0) {
        const void *part[] = { bytes.buf };
        const size_t plen[] = { bytes.len };
        (void)la_cache_store(dir, path, "ydoc-", ".bin", CACHE_FILES, part, plen, 1);
    }
    la_buf_release(&bytes);
}

/* ------------------------------------------------------------- the entry */

/* The most a pack's cache file can be: nodes, text and children of a node per 2 bytes. */
static size_t cache_max(size_t len)
{
    return len > (SIZE_MAX - 4096) / 32 ? SIZE_MAX : 32 * len + 4096;
}

enum la_rc ydoc_load_cached(struct ydoc *d, const char *file, const char *data, size_t len,
                            const uint8_t text_hash[SHA256_DIGEST_SIZE], size_t cap,
                            struct pool *pool, struct ystore *store, struct la_diag_sink *sink)
{
    struct la_buf dir = LA_BUF_INIT, path = LA_BUF_INIT, b = LA_BUF_INIT;
    uint8_t key[KEY_LEN];
    enum la_rc rc;
    int r = -1;

    cache_key(text_hash, len, cap, key);
    if (la_cache_paths("ydoc-", key, KEY_LEN, ".bin", &dir, &path) == 0 &&
        read_small_file(path.buf, cache_max(len), &b, NULL) == LA_OK) {
        ydoc_begin(d, file, pool, store, sink);
        d->loaded = 1;
        r = rebuild(d, &b, key, cache_max(len));
        if (r < 0)
            ydoc_release(d);
    }
    la_buf_release(&b);
    if (r == -2) {
        rc = LA_FATAL;
    } else if (r == 0) {
        atomic_fetch_add(&hits, 1);
        rc = LA_OK;
    } else {
        rc = ydoc_load(d, file, data, len, cap, pool, store, sink);
        if (rc == LA_OK && !d->aliased && path.len)
            cache_store(d, dir.buf, path.buf, key);
    }
    la_buf_release(&dir);
    la_buf_release(&path);
    return rc;
}
