/*
 * A plain file's read-ahead thread: reads the file's blocks into a ring and runs the
 * caller's scan (struct la_block_scan: the rules' block prefilter, given by analyze/) over
 * each before handing it out, so that on a spare core the scan of block k+1 runs while the
 * reading thread evaluates the records of block k, in order.
 *
 * Started by la_member_scan_ahead() (member.c) for a regular file of at least
 * LA_RA_MIN_BYTES read directly (depth 0, a leaf), when a core is spare
 * (la_ingest_take_spare); given back when the member's source ends (walk_fd).  The thread
 * does read(2) and the scan only: every count, cap, stop callback and diagnostic stays on
 * the reading thread (member.c's src_read takes the blocks from here in file order), so
 * what is handed out, and when a cap or a read error is seen, is what the direct path
 * gives: the same bytes in the same 64 KiB blocks, the error of a failed read with the
 * block it failed at.  The thread reads at most LA_RA_BLOCKS blocks ahead.
 *
 * Ring: LA_RA_BLOCKS blocks of LA_INGEST_BLOCK (64 KiB, the size every other source hands
 * out, so the line reader sees the same blocks), each with its scan state.  Eight blocks
 * let the scan run up to half a MiB ahead across the jitter of either thread, and, as in
 * gzip.c, the reading thread wakes the reader once per LA_RA_BATCH blocks freed rather than
 * once per block.  Memory per file: 8 x (64 KiB + the scan state: 64 KiB of hits and the
 * backend's scratch space).
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <unistd.h>

#include "core/alloc.h"
#include "ingest/ingest-internal.h"

#define LA_RA_BLOCKS 8u
#define LA_RA_BATCH (LA_RA_BLOCKS / 2u)

struct la_readahead {
    int fd;
    pthread_t th;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct la_block_scan scan;
    unsigned char *buf[LA_RA_BLOCKS];
    void *state[LA_RA_BLOCKS];
    ssize_t len[LA_RA_BLOCKS];     /* bytes read; 0 at the end; -1 a failed read */
    int err[LA_RA_BLOCKS];         /* its errno */
    int scanned[LA_RA_BLOCKS];     /* scanned here (else the reading thread scans it) */
    unsigned head, count;          /* blocks posted and not taken: head … head + count - 1 */
    int held;                      /* the reading thread holds block head - 1 */
    int ended;                     /* the reading thread took the end (or the failure) */
    enum la_rc end_rc;
    int end_err;
    int quit;                      /* la_readahead_free(): stop now */
    int wait_space, wait_out;      /* who sleeps on cond: the reader, the reading thread */
};

/* Blocks the reader may fill (lock held). */
static unsigned ring_free(const struct la_readahead *ra)
{
    return LA_RA_BLOCKS - ra->count - (unsigned)ra->held;
}

static void *reader(void *arg)
{
    struct la_readahead *ra = arg;

    for (;;) {
        unsigned i;
        ssize_t n;
        int e;

        pthread_mutex_lock(&ra->lock);
        if (!ring_free(ra))
            while (ring_free(ra) < LA_RA_BATCH && !ra->quit) {
                ra->wait_space = 1;
                pthread_cond_wait(&ra->cond, &ra->lock);
                ra->wait_space = 0;
            }
        if (ra->quit) {
            pthread_mutex_unlock(&ra->lock);
            break;
        }
        i = (ra->head + ra->count) % LA_RA_BLOCKS;
        pthread_mutex_unlock(&ra->lock);
        do {
            n = read(ra->fd, ra->buf[i], LA_INGEST_BLOCK);
        } while (n < 0 && errno == EINTR);
        e = n < 0 ? errno : 0;
        /* Scanned here, unless the reading thread waits for this block with nothing else
         * to do: it then scans it itself (la_readahead_scanned() says none), which
         * balances the two threads whichever is the slower. */
        pthread_mutex_lock(&ra->lock);
        ra->scanned[i] = n > 0 && !(ra->wait_out && !ra->count);
        if (ra->scanned[i]) {
            pthread_mutex_unlock(&ra->lock);
            ra->scan.scan(ra->scan.user, ra->state[i], ra->buf[i], (size_t)n);
            pthread_mutex_lock(&ra->lock);
        }
        ra->len[i] = n;
        ra->err[i] = e;
        ra->count++;
        if (ra->wait_out)
            pthread_cond_broadcast(&ra->cond);
        pthread_mutex_unlock(&ra->lock);
        if (n <= 0)
            break;                 /* the end, or a failure: the reading thread stops there */
    }
    return NULL;
}

static void ra_release(struct la_readahead *ra)
{
    for (unsigned i = 0; i < LA_RA_BLOCKS; i++) {
        la_free(ra->buf[i]);
        if (ra->state[i])
            ra->scan.state_free(ra->scan.user, ra->state[i]);
    }
    la_free(ra);
}

struct la_readahead *la_readahead_new(int fd, const struct la_block_scan *sc)
{
    struct la_readahead *ra = la_calloc(1, sizeof(*ra));
    int ok = ra != NULL;

    if (!ok)
        return NULL;
    ra->fd = fd;
    ra->scan = *sc;
    for (unsigned i = 0; ok && i < LA_RA_BLOCKS; i++)
        ok = (ra->buf[i] = la_malloc(LA_INGEST_BLOCK)) != NULL &&
             (ra->state[i] = sc->state_new(sc->user)) != NULL;
    if (ok && pthread_mutex_init(&ra->lock, NULL) != 0) {
        ok = 0;
    } else if (ok && pthread_cond_init(&ra->cond, NULL) != 0) {
        pthread_mutex_destroy(&ra->lock);
        ok = 0;
    } else if (ok && pthread_create(&ra->th, NULL, reader, ra) != 0) {
        pthread_cond_destroy(&ra->cond);
        pthread_mutex_destroy(&ra->lock);
        ok = 0;
    }
    if (!ok) {
        ra_release(ra);
        return NULL;
    }
    return ra;
}

void la_readahead_free(struct la_readahead *ra)
{
    if (!ra)
        return;
    pthread_mutex_lock(&ra->lock);
    ra->quit = 1;
    pthread_cond_broadcast(&ra->cond);
    pthread_mutex_unlock(&ra->lock);
    pthread_join(ra->th, NULL);
    pthread_cond_destroy(&ra->cond);
    pthread_mutex_destroy(&ra->lock);
    ra_release(ra);
}

enum la_rc la_readahead_read(struct la_readahead *ra, const void **ret_buf, size_t *ret_len,
                             int *ret_err)
{
    enum la_rc rc;
    unsigned i;

    pthread_mutex_lock(&ra->lock);
    if (ra->held) {                /* the block handed out last is free again */
        ra->held = 0;
        if (ra->wait_space && ring_free(ra) >= LA_RA_BATCH)
            pthread_cond_broadcast(&ra->cond);
    }
    if (ra->ended) {
        *ret_err = ra->end_err;
        rc = ra->end_rc;
        pthread_mutex_unlock(&ra->lock);
        return rc;
    }
    while (!ra->count) {
        ra->wait_out = 1;
        pthread_cond_wait(&ra->cond, &ra->lock);
        ra->wait_out = 0;
    }
    i = ra->head;
    ra->head = (ra->head + 1) % LA_RA_BLOCKS;
    ra->count--;
    if (ra->len[i] > 0) {
        ra->held = 1;
        *ret_buf = ra->buf[i];
        *ret_len = (size_t)ra->len[i];
        rc = LA_OK;
    } else {
        ra->ended = 1;
        ra->end_rc = rc = ra->len[i] == 0 ? LA_EOF : LA_FAILED;
        ra->end_err = *ret_err = ra->err[i];
    }
    pthread_mutex_unlock(&ra->lock);
    return rc;
}

const void *la_readahead_scanned(const struct la_readahead *ra, const void *buf, size_t len)
{
    unsigned i;

    /* head and held are the reading thread's own; the block and its state were posted
     * under the lock before it took them. */
    if (!ra->held)
        return NULL;
    i = (ra->head + LA_RA_BLOCKS - 1) % LA_RA_BLOCKS;
    if (!ra->scanned[i] || (const unsigned char *)buf < ra->buf[i] ||
        (const unsigned char *)buf + len > ra->buf[i] + ra->len[i])
        return NULL;
    return ra->state[i];
}
