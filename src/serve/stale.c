/*
 * serve's temp roots left behind by a server that was killed (SIGKILL, a crash, power off).
 *
 * Each run keeps its uploads under its own root, $TMPDIR/loganalyze-serve-XXXXXX (mkdtemp,
 * mode 0700), and holds an exclusive flock() on root/.lock for as long as it runs; the kernel
 * drops the lock when the process dies, however it dies.  At start, la_serve_clean_stale()
 * removes every root of ours whose lock nobody holds: a directory (not a symlink) named with
 * the prefix, owned by our uid, mode 0700, whose lock file we can lock.  A root without a lock
 * file (killed between mkdtemp and the lock, or made by an older loganalyze) counts as stale
 * once it is STALE_UNLOCKED_S old.  Anything else in the temp folder is never touched, and
 * removal does not follow symlinks (la_serve_rm_tree).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/dir.h"
#include "serve/serve-internal.h"

static int is_root_name(const char *name, void *user)
{
    (void)user;
    return !strncmp(name, ROOT_PREFIX, strlen(ROOT_PREFIX)) &&
           strlen(name) == strlen(ROOT_PREFIX) + 6;
}

/* Is the root at path ours and dead? */
static int stale(const char *path)
{
    struct stat st;
    int dfd, lfd, dead = 0;

    if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
        (st.st_mode & 077))
        return 0;
    dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0)
        return 0;
    lfd = openat(dfd, LOCK_NAME, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (lfd >= 0) {
        dead = flock(lfd, LOCK_EX | LOCK_NB) == 0;
        close(lfd);                /* drops the lock we may have taken */
    } else if (errno == ENOENT) {
        dead = time(NULL) - st.st_mtime > STALE_UNLOCKED_S;
    }
    close(dfd);
    return dead;
}

unsigned la_serve_clean_stale(const char *tmpdir)
{
    struct la_dir_list l;
    struct la_buf p = LA_BUF_INIT;
    unsigned n = 0;

    if (la_dir_list(tmpdir, is_root_name, NULL, 10000, &l, NULL) != LA_OK)
        return 0;
    for (size_t i = 0; i < l.n; i++) {
        la_buf_reset(&p);
        if (la_buf_addf(&p, "%s/%s", tmpdir, l.names[i]) != LA_OK)
            break;
        if (stale(p.buf)) {
            la_serve_rm_tree(p.buf);
            n++;
        }
    }
    la_buf_release(&p);
    la_dir_list_release(&l);
    return n;
}

int la_serve_lock_root(const char *root)
{
    struct la_buf p = LA_BUF_INIT;
    int fd = -1;

    if (la_buf_addf(&p, "%s/%s", root, LOCK_NAME) == LA_OK)
        fd = open(p.buf, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    la_buf_release(&p);
    if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}
