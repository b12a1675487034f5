/*
 * serve under load: what one client may hold, and for how long.
 *
 * Connections.  libmicrohttpd runs a thread per connection (an analysis blocks its own
 * connection's thread and nobody else's), at most MAX_CONNECTIONS of them, MAX_PER_IP from
 * one address, each closed after IDLE_TIMEOUT_S without a byte.  That idle timeout restarts
 * with every byte, so a client trickling its request head one byte at a time would hold its
 * connection for ever: every connection is registered here (la_serve_notify_conn) with its
 * phase, and the main thread's reaper (la_serve_reap, once a second) shuts down the socket of
 * one that has not sent a whole request head HEAD_DEADLINE_S after it connected or was last
 * answered, or is still sending an upload timeout_s after its head.  shutdown() makes the
 * connection's own thread see the end of the stream and close it the usual way; the entry is
 * dropped under s->lock in MHD's "closed" notification, which comes before MHD closes the
 * descriptor, so the reaper never touches a descriptor that was reused.
 *
 * Temp space.  An upload reserves its Content-Length (max_upload without one) from
 * disk_budget (DISK_UPLOADS × max_upload) before its body is stored; past the budget it is
 * answered 503.  Uploads being received hold no analysis slot, so slow senders do not keep
 * others from being analysed.
 *
 * Lanes.  A stored upload waits up to QUEUE_WAIT_S for one of max_concurrent quick-lane
 * slots.  Its analysis runs under two budgets, upload_timeout_s and upload_read (bytes read
 * by all its files), asked by ingest through la_serve_upload_stop().  An analysis still
 * running after QUICK_S moves to the slow lane (another max_concurrent slots), freeing its
 * quick slot, so a few bombs cannot keep ordinary uploads waiting; when the slow lane is
 * full it is stopped there, with a message saying so.  What was read before a stop stays in
 * the report.
 *
 * Stopping.  s->stopping makes waiting uploads give up (503) and new ones be refused;
 * s->inflight counts the uploads that hold or held a slot until their request ends (answer
 * sent, or client gone), so the main thread can wait for them before stopping the daemon.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "core/buf.h"
#include "serve/serve-internal.h"

double la_serve_elapsed(const struct timespec *t0)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

int la_serve_stopping(struct la_server *s)
{
    int r;

    pthread_mutex_lock(&s->lock);
    r = s->stopping;
    pthread_mutex_unlock(&s->lock);
    return r;
}

/* ------------------------------------------------------------ temp space */

int la_serve_reserve(struct la_server *s, struct la_request *rq, uint64_t n)
{
    int ok;

    pthread_mutex_lock(&s->lock);
    ok = !s->stopping && s->disk_used <= s->disk_budget && n <= s->disk_budget - s->disk_used;
    if (ok) {
        s->disk_used += n;
        rq->reserved = n;
    }
    pthread_mutex_unlock(&s->lock);
    return ok;
}

/* ------------------------------------------------------------ lanes */

int la_serve_wait_slot(struct la_server *s, struct la_request *rq)
{
    struct timespec until;
    int got = 0;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += QUEUE_WAIT_S;
    pthread_mutex_lock(&s->lock);
    while (!s->stopping && s->quick >= s->max_concurrent)
        if (pthread_cond_timedwait(&s->cond, &s->lock, &until) != 0)
            break;
    if (s->stopping) {
        got = -1;
    } else if (s->quick < s->max_concurrent) {
        s->quick++;
        s->inflight++;
        rq->lane = LANE_QUICK;
        rq->counted = 1;
        got = 1;
    }
    pthread_mutex_unlock(&s->lock);
    return got;
}

/* Past QUICK_S: into the slow lane, or a reason to stop when it is full. */
static int move_to_slow(struct la_server *s, struct la_request *rq)
{
    int ok;

    pthread_mutex_lock(&s->lock);
    ok = s->slow < s->max_concurrent;
    if (ok) {
        s->quick--;
        s->slow++;
        rq->lane = LANE_SLOW;
        pthread_cond_broadcast(&s->cond);
    }
    pthread_mutex_unlock(&s->lock);
    return ok;
}

const char *la_serve_upload_stop(void *user, uint64_t bytes)
{
    struct la_request *rq = user;
    struct la_server *s = rq->srv;
    struct la_buf b = LA_BUF_INIT;
    double t;

    rq->read_cur = bytes;
    if (rq->stop_why[0])
        return rq->stop_why;
    t = la_serve_elapsed(&rq->astart);
    if (t >= s->upload_timeout_s) {
        snprintf(rq->stop_why, sizeof rq->stop_why,
                 "the time budget of %u s per upload ran out (--upload-timeout)",
                 s->upload_timeout_s);
    } else if (rq->read_done + bytes > s->upload_read) {
        if (la_serve_add_size(&b, s->upload_read) == LA_OK)
            snprintf(rq->stop_why, sizeof rq->stop_why,
                     "the upload decompresses to more than the %s one upload may read "
                     "(--upload-read)", b.buf);
        else
            snprintf(rq->stop_why, sizeof rq->stop_why, "the read budget ran out");
    } else if (rq->lane == LANE_QUICK && t >= QUICK_S && !move_to_slow(s, rq)) {
        snprintf(rq->stop_why, sizeof rq->stop_why,
                 "%u other long analyses are running, so a long one must wait its turn: "
                 "try again when they are done", s->max_concurrent);
    }
    la_buf_release(&b);
    return rq->stop_why[0] ? rq->stop_why : NULL;
}

void la_serve_end_analysis(struct la_server *s, struct la_request *rq)
{
    pthread_mutex_lock(&s->lock);
    if (rq->lane == LANE_QUICK)
        s->quick--;
    else if (rq->lane == LANE_SLOW)
        s->slow--;
    rq->lane = LANE_NONE;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
}

void la_serve_end_request(struct la_server *s, struct la_request *rq)
{
    if (rq->lane != LANE_NONE)
        la_serve_end_analysis(s, rq);
    pthread_mutex_lock(&s->lock);
    s->disk_used -= rq->reserved;
    rq->reserved = 0;
    if (rq->counted)
        s->inflight--;
    rq->counted = 0;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
}

/* ------------------------------------------------------------ connections */

void la_serve_notify_conn(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    struct la_server *s = cls;
    struct la_conn *conn = *socket_context;

    pthread_mutex_lock(&s->lock);
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        for (unsigned i = 0; ci && i < MAX_CONNECTIONS; i++)
            if (!s->conns[i].used) {
                conn = &s->conns[i];
                conn->used = 1;
                conn->fd = ci->connect_fd;
                conn->phase = CONN_HEAD;
                clock_gettime(CLOCK_MONOTONIC, &conn->since);
                *socket_context = conn;
                break;
            }
    } else if (conn) {
        conn->used = 0;
        *socket_context = NULL;
    }
    pthread_mutex_unlock(&s->lock);
}

void la_serve_conn_phase(struct la_server *s, struct la_conn *conn, enum la_conn_phase p)
{
    if (!conn)
        return;
    pthread_mutex_lock(&s->lock);
    conn->phase = p;
    clock_gettime(CLOCK_MONOTONIC, &conn->since);
    pthread_mutex_unlock(&s->lock);
}

void la_serve_reap(struct la_server *s)
{
    pthread_mutex_lock(&s->lock);
    for (unsigned i = 0; i < MAX_CONNECTIONS; i++) {
        struct la_conn *conn = &s->conns[i];
        double t;
        if (!conn->used || conn->phase == CONN_BUSY)
            continue;
        t = la_serve_elapsed(&conn->since);
        if ((conn->phase == CONN_HEAD && t > s->head_s) ||
            (conn->phase == CONN_BODY && t > s->timeout_s)) {
            shutdown(conn->fd, SHUT_RDWR);
            conn->phase = CONN_BUSY;   /* once */
        }
    }
    pthread_mutex_unlock(&s->lock);
}
