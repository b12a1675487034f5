#ifndef LA_CORE_DIR_H
#define LA_CORE_DIR_H

/*
 * One sorted directory listing for every module that walks folders (rule
 * packs, input folders, the log locator), so they all see entries in the
 * same byte order whatever the file system returns.
 */

#include <stddef.h>

#include "core/error.h"

/* Whether to keep an entry; "." and ".." are never offered. */
typedef int la_dir_keep_fn(const char *name, void *user);

struct la_dir_list {
    char **names;           /* sorted by strcmp, each owned by the list */
    size_t n;
};

/*
 * List the entries of the folder at path that keep() accepts (all when keep
 * is NULL), at most max of them (0: no cap), sorted.  On success the caller
 * owns *ret (release it with la_dir_list_release()); *ret_truncated, when
 * not NULL, says whether entries past max were left out.  Returns LA_FAILED
 * with errno set when the folder cannot be opened, LA_FATAL when memory runs
 * out; *ret is then empty.
 */
LA_NODISCARD enum la_rc la_dir_list(const char *path, la_dir_keep_fn *keep, void *user,
                                    size_t max, struct la_dir_list *ret, int *ret_truncated);

void la_dir_list_release(struct la_dir_list *l);

/*
 * Write all n bytes of p to fd, going on after short writes and EINTR: 0, or -1 with errno
 * set (a write that wrote nothing counts as an error).
 */
int la_write_all(int fd, const char *p, size_t n);

#endif
