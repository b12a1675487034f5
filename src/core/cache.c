/*
 * The cache folder: paths, atomic writes, a bounded number of files (cache.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/cache.h"
#include "core/dir.h"

int la_cache_paths(const char *prefix, const uint8_t *key, size_t keylen, const char *suffix,
                   struct la_buf *dir, struct la_buf *file)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

    if (xdg && *xdg == '/') {
        if (la_buf_addf(dir, "%s", xdg) != LA_OK)
            return -1;
    } else if (home && *home == '/') {
        if (la_buf_addf(dir, "%s/.cache", home) != LA_OK)
            return -1;
    } else {
        return -1;
    }
    (void)mkdir(dir->buf, 0700);
    if (la_buf_addf(dir, "/loganalyze") != LA_OK)
        return -1;
    (void)mkdir(dir->buf, 0700);
    if (la_buf_addf(file, "%s/%s", dir->buf, prefix) != LA_OK)
        return -1;
    for (size_t i = 0; i < keylen; i++)
        if (la_buf_addf(file, "%02x", key[i]) != LA_OK)
            return -1;
    return la_buf_addf(file, "%s", suffix) == LA_OK ? 0 : -1;
}

struct kind {
    const char *prefix, *suffix;
};

/* A cache file of the kind (not a temporary one, whose name goes on after the suffix). */
static int is_kind(const char *name, void *user)
{
    const struct kind *k = user;
    size_t n = strlen(name), np = strlen(k->prefix), ns = strlen(k->suffix);

    return n > np + ns && !strncmp(name, k->prefix, np) && !strcmp(name + n - ns, k->suffix);
}

/* Keep at most max files of the kind in dir: remove the least recently written. */
static void prune(const char *dir, struct kind *k, size_t max)
{
    struct la_dir_list l = { NULL, 0 };
    struct la_buf p = LA_BUF_INIT;

    if (la_dir_list(dir, is_kind, k, 4 * max, &l, NULL) != LA_OK)
        return;
    for (size_t n = l.n; n > max; n--) {
        time_t oldest = 0;
        size_t at = l.n;
        for (size_t i = 0; i < l.n; i++) {
            struct stat st;
            la_buf_reset(&p);
            if (!l.names[i] || la_buf_addf(&p, "%s/%s", dir, l.names[i]) != LA_OK ||
                stat(p.buf, &st) < 0)
                continue;
            if (at == l.n || st.st_mtime < oldest) {
                oldest = st.st_mtime;
                at = i;
            }
        }
        if (at == l.n)
            break;
        la_buf_reset(&p);
        if (la_buf_addf(&p, "%s/%s", dir, l.names[at]) == LA_OK)
            (void)unlink(p.buf);
        la_free(l.names[at]);
        l.names[at] = NULL;
    }
    la_buf_release(&p);
    la_dir_list_release(&l);
}

int la_cache_store(const char *dir, const char *path, const char *prefix, const char *suffix,
                   size_t max, const void *const *part, const size_t *len, size_t n)
{
    struct la_buf tmp = LA_BUF_INIT;
    struct kind k = { prefix, suffix };
    int fd, ok = 1;

    if (la_buf_addf(&tmp, "%s.XXXXXX", path) != LA_OK || (fd = mkstemp(tmp.buf)) < 0) {
        la_buf_release(&tmp);
        return -1;
    }
    for (size_t i = 0; ok && i < n; i++)
        ok = la_write_all(fd, part[i], len[i]) == 0;
    ok = close(fd) == 0 && ok;
    ok = ok && rename(tmp.buf, path) == 0;
    if (!ok)
        (void)unlink(tmp.buf);
    la_buf_release(&tmp);
    if (ok)
        prune(dir, &k, max);
    return ok ? 0 : -1;
}
