/*
 * Sorted directory listings; see dir.h.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/dir.h"

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void la_dir_list_release(struct la_dir_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        la_free(l->names[i]);
    la_free(l->names);
    l->names = NULL;
    l->n = 0;
}

enum la_rc la_dir_list(const char *path, la_dir_keep_fn *keep, void *user, size_t max,
                       struct la_dir_list *ret, int *ret_truncated)
{
    struct la_dir_list l = {0};
    size_t cap = 0;
    int truncated = 0;
    struct dirent *de;
    DIR *d = opendir(path);

    ret->names = NULL;
    ret->n = 0;
    if (!d)
        return LA_FAILED;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (keep && !keep(de->d_name, user))
            continue;
        if (max && l.n == max) {
            truncated = 1;
            break;
        }
        if (LA_GROW(l.names, cap, l.n + 1) != LA_OK ||
            !(l.names[l.n] = la_strdup(de->d_name))) {
            closedir(d);
            la_dir_list_release(&l);
            errno = ENOMEM;
            return LA_FATAL;
        }
        l.n++;
    }
    closedir(d);
    if (l.n)
        qsort(l.names, l.n, sizeof(*l.names), cmp_names);
    *ret = l;
    if (ret_truncated)
        *ret_truncated = truncated;
    return LA_OK;
}

int la_write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}
