/*
 * The Vectorscan prefilter backend (meson -Dvectorscan, pkg-config libhs).
 *
 * The same atoms as the portable automaton (prefilter.c), given to
 * Vectorscan as literals (hs_compile_lit_multi, HS_FLAG_CASELESS, and no
 * HS_FLAG_SINGLEMATCH: a block of many lines is scanned at once, and each
 * line needs its own occurrences; one database serves lines and blocks).
 * Each literal's id is its atom's index, and a match is reported to the
 * matcher as the automaton reports it: atom and end.  Vectorscan scans a
 * line with SIMD instead of one dependent table lookup per byte.  Its
 * prefilter mode over the full patterns (HS_FLAG_PREFILTER) was measured
 * too and not taken: slower per line (fewer candidates, but 250 against
 * 364 MB/s on the system-log mix), 1.1-1.8 s to compile instead of 33-46
 * ms, and patterns that test fields other than the line, or anchor to
 * them, would need rewriting to stay a superset (docs/bench.md, "Matcher
 * backends").
 *
 * Compiling the database (about 35 ms for the shipped rules) costs more
 * than the rules' whole load budget, so the serialised database is cached
 * in $XDG_CACHE_HOME/loganalyze (else ~/.cache/loganalyze), one file per
 * atom set:
 *
 *   vscan-<key>.hsdb   "LAVSCAN1", the 32-byte key, hs_serialize_database()
 *   key                SHA-256 of the format version, hs_version() and the
 *                      atom list (each atom's length, flags and bytes): the
 *                      ruleset decides it, and nothing else does
 *
 * written atomically (a temporary file in the same folder, then rename), and
 * ignored when it cannot be read, is too large, has the wrong header or key,
 * or Vectorscan refuses it (its own version, platform and checksum checks):
 * the database is then compiled and the file written again.  A cache that
 * cannot be written is not an error.  At most LA_VSCAN_CACHE_FILES such
 * files are kept: writing one removes the least recently written beyond.
 *
 * Threads: the database is read-only; each matcher has its own scratch
 * space (hs_alloc_scratch), as Vectorscan requires.  Vectorscan allocates
 * through loganalyze's seam (hs_set_allocator, once), so the allocation
 * torture test reaches it.
 */
#include "config.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hs/hs.h>

#include "core/alloc.h"
#include "core/cache.h"
#include "core/dir.h"
#include "core/limits.h"
#include "rules/rules-internal.h"

#define MAGIC "LAVSCAN1"
#define MAGIC_LEN 8
#define KEY_LEN SHA256_DIGEST_SIZE
#define HEADER_LEN (MAGIC_LEN + KEY_LEN)
/* Bumped when the file layout or the literals' flags change. */
#define FORMAT_VERSION "loganalyze vscan 2"

static pthread_once_t alloc_once = PTHREAD_ONCE_INIT;

static void set_allocator(void)
{
    (void)hs_set_allocator(la_malloc, la_free);
}

/* The literals' flags: see the comment at the top. */
static unsigned atom_flags(const struct la_atoms *at, size_t a)
{
    (void)at;
    (void)a;
    return HS_FLAG_CASELESS;
}

/* The cache key of the atom set. */
static void cache_key(const struct la_atoms *at, uint8_t key[KEY_LEN])
{
    struct sha256_ctx c;
    const char *v = hs_version();

    sha256_init(&c);
    sha256_update(&c, sizeof(FORMAT_VERSION), (const uint8_t *)FORMAT_VERSION);
    sha256_update(&c, strlen(v) + 1, (const uint8_t *)v);
    for (size_t a = 0; a < at->natoms; a++) {
        uint64_t head[2] = { at->len[a], atom_flags(at, a) };
        sha256_update(&c, sizeof(head), (const uint8_t *)head);
        sha256_update(&c, at->len[a], (const uint8_t *)at->text[a]);
    }
    sha256_digest(&c, KEY_LEN, key);
}

/*
 * The cached database of key from path: LA_OK with *ret_db, LA_FAILED when there is none
 * usable (missing, unreadable, too large, wrong header or key, refused by Vectorscan),
 * LA_FATAL when out of memory.
 */
static enum la_rc cache_load(const char *path, const uint8_t key[KEY_LEN],
                             hs_database_t **ret_db)
{
    struct la_buf b = LA_BUF_INIT;
    enum la_rc rc = read_small_file(path, LA_VSCAN_CACHE_MAX_BYTES, &b, NULL);
    hs_error_t err;

    if (rc != LA_OK)
        goto out;
    rc = LA_FAILED;
    if (b.len <= HEADER_LEN || memcmp(b.buf, MAGIC, MAGIC_LEN) ||
        memcmp(b.buf + MAGIC_LEN, key, KEY_LEN))
        goto out;
    err = hs_deserialize_database(b.buf + HEADER_LEN, b.len - HEADER_LEN, ret_db);
    rc = err == HS_SUCCESS ? LA_OK : err == HS_NOMEM ? LA_FATAL : LA_FAILED;
out:
    la_buf_release(&b);
    return rc;
}

/* Write db to path atomically (core/cache.c); errors ignored. */
static void cache_store(const char *dir, const char *path, const uint8_t key[KEY_LEN],
                        const hs_database_t *db)
{
    char *bytes = NULL;
    size_t len;

    if (hs_serialize_database(db, &bytes, &len) == HS_SUCCESS) {
        const void *part[] = { MAGIC, key, bytes };
        const size_t plen[] = { MAGIC_LEN, KEY_LEN, len };
        (void)la_cache_store(dir, path, "vscan-", ".hsdb", LA_VSCAN_CACHE_FILES, part, plen, 3);
    }
    la_free(bytes);
}

/* Compile the atoms into *ret_db.  LA_OK, LA_FAILED (Vectorscan refused), LA_FATAL (OOM). */
static enum la_rc compile_atoms(const struct la_atoms *at, hs_database_t **ret_db)
{
    unsigned *flags = la_malloc((at->natoms + 1) * sizeof(unsigned));
    unsigned *ids = la_malloc((at->natoms + 1) * sizeof(unsigned));
    hs_compile_error_t *cerr = NULL;
    enum la_rc rc = LA_FATAL;
    hs_error_t err;

    if (!flags || !ids)
        goto out;
    for (size_t a = 0; a < at->natoms; a++) {
        flags[a] = atom_flags(at, a);
        ids[a] = (unsigned)a;
    }
    err = hs_compile_lit_multi(at->text, flags, ids, at->len, (unsigned)at->natoms,
                               HS_MODE_BLOCK, NULL, ret_db, &cerr);
    rc = err == HS_SUCCESS ? LA_OK : err == HS_NOMEM ? LA_FATAL : LA_FAILED;
    if (cerr)
        hs_free_compile_error(cerr);
out:
    la_free(flags);
    la_free(ids);
    return rc;
}

static enum la_rc vscan_build(const struct la_ruleset *rs, void **ret_db)
{
    const struct la_atoms *at = &rs->atoms;
    struct la_buf dir = LA_BUF_INIT, file = LA_BUF_INIT;
    hs_database_t *db = NULL;
    uint8_t key[KEY_LEN];
    enum la_rc rc = LA_FAILED;
    int cache;

    (void)pthread_once(&alloc_once, set_allocator);
    if (hs_valid_platform() != HS_SUCCESS || !at->natoms || at->natoms > UINT_MAX)
        return LA_FAILED;          /* (the hint words make natoms ≥ 1) */
    cache_key(at, key);
    cache = la_cache_paths("vscan-", key, KEY_LEN, ".hsdb", &dir, &file) == 0;
    if (cache)
        rc = cache_load(file.buf, key, &db);
    if (rc == LA_FAILED) {
        rc = compile_atoms(at, &db);
        if (rc == LA_OK && cache)
            cache_store(dir.buf, file.buf, key, db);
    }
    la_buf_release(&dir);
    la_buf_release(&file);
    if (rc == LA_OK)
        *ret_db = db;
    return rc;
}

static void vscan_free(void *db)
{
    if (db)
        hs_free_database(db);
}

static int vscan_scratch_new(const void *db, void **ret_scratch)
{
    hs_scratch_t *s = NULL;

    if (hs_alloc_scratch(db, &s) != HS_SUCCESS)
        return -1;
    *ret_scratch = s;
    return 0;
}

static void vscan_scratch_free(void *scratch)
{
    hs_free_scratch(scratch);
}

struct hit_ctx {
    la_atom_hit_fn *hit;
    void *user;
};

static int on_match(unsigned int id, unsigned long long from, unsigned long long to,
                    unsigned int flags, void *ctx)
{
    struct hit_ctx *c = ctx;

    return c->hit(c->user, id, (size_t)to);
}

static int vscan_scan(const void *db, void *scratch, const unsigned char *t, size_t n,
                      la_atom_hit_fn *hit, void *user)
{
    struct hit_ctx c = { hit, user };

    hs_error_t err;

    if (n > UINT_MAX)
        return -1;                 /* (lines are capped far below: --limit line; blocks too) */
    err = hs_scan(db, (const char *)t, (unsigned)n, 0, scratch, on_match, &c);
    return err == HS_SUCCESS || err == HS_SCAN_TERMINATED ? 0 : -1;
}

const struct la_prefilter la_prefilter_vscan = {
    "vectorscan", vscan_build, vscan_free, vscan_scratch_new, vscan_scratch_free, vscan_scan,
};
