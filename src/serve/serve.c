/*
 * `loganalyze serve`: the drag-and-drop web page, on libmicrohttpd.
 *
 * Files: serve.c starts and stops the server (listen address, temp root, signals);
 * http.c routes requests, checks them and writes the responses (the security model is
 * described there); upload.c receives and analyses uploads; pages.c serves the page, the
 * explain fragment and the stored reports; open.c is `loganalyze --open`.
 *
 * Start: parse --listen (numeric addresses only, no wildcard), build an engine once (bad
 * rules are exit 2 before anything listens), make the token and the page, block the stop
 * signals, make this run's private temp root, bind, and start the daemon on that socket.
 * Stop: SIGINT, SIGTERM or SIGHUP; the daemon is stopped, which completes (and cleans up)
 * every open request, then the temp root is removed and the signal mask restored.
 *
 * Threads: libmicrohttpd runs a thread per connection; the main thread blocks
 * SIGINT/SIGTERM/SIGHUP before the daemon starts (so every thread inherits the mask) and
 * waits for them with sigwait().
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#if HAVE_MICROHTTPD
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>

#include <microhttpd.h>
#endif

#include "analyze/analyze.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/limits.h"
#include "serve/serve-internal.h"
#include "serve/serve.h"

#if HAVE_MICROHTTPD

int la_serve_random_hex(char *out, size_t nbytes)
{
    unsigned char raw[64];
    size_t got = 0;
    int fd;

    if (nbytes > sizeof raw)
        return -1;
    fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    while (got < nbytes) {
        ssize_t r = read(fd, raw + got, nbytes - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            close(fd);
            return -1;
        }
        got += (size_t)r;
    }
    close(fd);
    for (size_t i = 0; i < nbytes; i++) {
        out[2 * i] = "0123456789abcdef"[raw[i] >> 4];
        out[2 * i + 1] = "0123456789abcdef"[raw[i] & 15];
    }
    out[2 * nbytes] = 0;
    return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

/* Remove a directory tree without following symlinks. */
void la_serve_rm_tree(const char *path)
{
    if (path[0])
        nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ------------------------------------------------------------ listening */

struct listen_addr {
    struct sockaddr_storage ss;
    socklen_t len;
    int v6, loopback;
    char host[72];                   /* as it appears in a Host header: "1.2.3.4", "[::1]" */
};

/* Parse "HOST:PORT" / "[V6]:PORT" / "localhost:PORT"; numeric addresses only. */
static int parse_listen(const char *spec, struct listen_addr *la, const char **ret_why)
{
    char host[64];
    const char *colon, *ps;
    char *end;
    long port;
    size_t hl;

    memset(la, 0, sizeof *la);
    if (spec[0] == '[') {
        const char *rb = strchr(spec, ']');
        if (!rb || rb[1] != ':') {
            *ret_why = "expected [IPV6]:PORT";
            return -1;
        }
        hl = (size_t)(rb - spec - 1);
        if (hl >= sizeof host) {
            *ret_why = "the address is too long";
            return -1;
        }
        memcpy(host, spec + 1, hl);
        host[hl] = 0;
        ps = rb + 2;
        la->v6 = 1;
    } else {
        colon = strrchr(spec, ':');
        if (!colon) {
            *ret_why = "expected HOST:PORT, e.g. 127.0.0.1:8080";
            return -1;
        }
        hl = (size_t)(colon - spec);
        if (hl >= sizeof host) {
            *ret_why = "the address is too long";
            return -1;
        }
        memcpy(host, spec, hl);
        host[hl] = 0;
        ps = colon + 1;
    }
    errno = 0;
    port = strtol(ps, &end, 10);
    if (errno || end == ps || *end || port < 0 || port > 65535) {
        *ret_why = "the port must be a number from 0 to 65535 (0 picks a free one)";
        return -1;
    }
    if (!la->v6 && (!host[0] || !strcasecmp(host, "localhost")))
        snprintf(host, sizeof host, "127.0.0.1");
    if (la->v6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&la->ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((unsigned short)port);
        if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1) {
            *ret_why = "not a numeric IPv6 address";
            return -1;
        }
        if (IN6_IS_ADDR_UNSPECIFIED(&a->sin6_addr)) {
            *ret_why = "listen on one address (the page checks the Host header), not [::]";
            return -1;
        }
        la->loopback = IN6_IS_ADDR_LOOPBACK(&a->sin6_addr);
        la->len = sizeof *a;
        snprintf(la->host, sizeof la->host, "[%s]", host);
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&la->ss;
        a->sin_family = AF_INET;
        a->sin_port = htons((unsigned short)port);
        if (inet_pton(AF_INET, host, &a->sin_addr) != 1) {
            *ret_why = "not a numeric IPv4 address (use 127.0.0.1, localhost or [::1])";
            return -1;
        }
        if (a->sin_addr.s_addr == htonl(INADDR_ANY)) {
            *ret_why = "listen on one address (the page checks the Host header), not 0.0.0.0";
            return -1;
        }
        la->loopback = (ntohl(a->sin_addr.s_addr) >> 24) == 127;
        la->len = sizeof *a;
        snprintf(la->host, sizeof la->host, "%s", host);
    }
    return 0;
}

static int open_listener(struct listen_addr *la, unsigned *ret_port)
{
    int fd, one = 1;
    struct sockaddr_storage got;
    socklen_t gl = sizeof got;

    fd = socket(la->v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (la->v6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&la->ss, la->len) < 0 || listen(fd, 64) < 0 ||
        getsockname(fd, (struct sockaddr *)&got, &gl) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    *ret_port = la->v6 ? ntohs(((struct sockaddr_in6 *)&got)->sin6_port)
                       : ntohs(((struct sockaddr_in *)&got)->sin_port);
    return fd;
}

static int write_port_file(const char *path, const char *hostport)
{
    struct la_buf tmp = LA_BUF_INIT;
    FILE *f = NULL;
    int rc = -1;

    if (la_buf_addf(&tmp, "%s.tmp", path) != LA_OK)
        goto out;
    f = fopen(tmp.buf, "w");
    if (!f)
        goto out;
    if (fprintf(f, "%s\n", hostport) < 0) {
        fclose(f);
        goto out;
    }
    if (fclose(f) != 0 || rename(tmp.buf, path) < 0)
        goto out;
    rc = 0;
out:
    la_buf_release(&tmp);
    return rc;
}

/* Wait for a stop signal, cutting off overdue connections once a second.  The signal. */
static int wait_for_stop(struct la_server *s, const sigset_t *stop)
{
    const struct timespec tick = { 1, 0 };

    for (;;) {
        int sig = sigtimedwait(stop, NULL, &tick);
        if (sig > 0)
            return sig;
        la_serve_reap(s);
    }
}

/*
 * After a stop signal: accept no new connection, refuse new uploads and wake the waiting ones
 * (503), and wait for the uploads being analysed to be answered.  Their budgets bound the
 * wait; further stop signals stay blocked meanwhile, and are dropped at the end.
 */
static void drain(struct la_server *s, struct MHD_Daemon *d)
{
    MHD_socket lfd = MHD_quiesce_daemon(d);
    unsigned n;

    if (lfd != MHD_INVALID_SOCKET)
        close(lfd);
    pthread_mutex_lock(&s->lock);
    s->stopping = 1;
    pthread_cond_broadcast(&s->cond);
    n = s->inflight;
    pthread_mutex_unlock(&s->lock);
    if (n) {
        printf("loganalyze serve: finishing %u running analys%s first (at most %u s; "
               "Ctrl-C again is ignored)\n", n, n == 1 ? "is" : "es", s->upload_timeout_s);
        fflush(stdout);
    }
    pthread_mutex_lock(&s->lock);
    while (s->inflight) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        pthread_cond_timedwait(&s->cond, &s->lock, &until);
        pthread_mutex_unlock(&s->lock);
        la_serve_reap(s);
        pthread_mutex_lock(&s->lock);
    }
    pthread_mutex_unlock(&s->lock);
}

/* The options, with their defaults and caps, into s. */
static void set_limits(struct la_server *s, const struct la_serve_opts *so,
                       const struct la_engine_opts *eo)
{
    s->eo = eo;
    s->max_upload = so && so->max_upload ? so->max_upload
                    : eo->limits.max_upload ? eo->limits.max_upload : LA_DEFAULT_MAX_UPLOAD;
    s->max_concurrent = so && so->max_concurrent ? so->max_concurrent
                                                 : LA_SERVE_DEFAULT_MAX_CONCURRENT;
    s->timeout_s = so && so->request_timeout_s ? so->request_timeout_s
                                               : LA_SERVE_DEFAULT_TIMEOUT_S;
    s->idle_s = s->timeout_s < IDLE_TIMEOUT_S ? s->timeout_s : IDLE_TIMEOUT_S;
    s->head_s = s->timeout_s < HEAD_DEADLINE_S ? s->timeout_s : HEAD_DEADLINE_S;
    s->upload_timeout_s = so && so->upload_timeout_s ? so->upload_timeout_s
                                                     : LA_SERVE_DEFAULT_UPLOAD_TIMEOUT_S;
    if (s->upload_timeout_s > LA_SERVE_MAX_UPLOAD_TIMEOUT_S)
        s->upload_timeout_s = LA_SERVE_MAX_UPLOAD_TIMEOUT_S;
    s->upload_read = so && so->upload_read ? so->upload_read : LA_SERVE_DEFAULT_UPLOAD_READ;
    if (s->upload_read > LA_SERVE_MAX_UPLOAD_READ)
        s->upload_read = LA_SERVE_MAX_UPLOAD_READ;
    s->disk_budget = DISK_UPLOADS * (s->max_upload + MULTIPART_SLACK);
    s->lock_fd = -1;
}

/* Remove killed servers' roots, then make this run's root and lock it.  0, or -1 (said). */
static int make_root(struct la_server *s, struct la_diag_sink *sink)
{
    struct la_buf root = LA_BUF_INIT;
    unsigned stale = la_serve_clean_stale(la_serve_tmpdir());
    int rc = -1;

    if (stale) {
        printf("loganalyze serve: removed the uploads of %u server%s that did not stop "
               "cleanly\n", stale, stale == 1 ? "" : "s");
        fflush(stdout);
    }
    if (la_buf_addf(&root, "%s/" ROOT_PREFIX "XXXXXX", la_serve_tmpdir()) != LA_OK ||
        !mkdtemp(root.buf)) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_OUTPUT_FAILED, la_serve_tmpdir(), 0, 0,
                 "cannot create a private temporary directory: %s", strerror(errno));
        goto out;
    }
    snprintf(s->root, sizeof s->root, "%s", root.buf);
    s->lock_fd = la_serve_lock_root(s->root);
    if (s->lock_fd < 0) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_OUTPUT_FAILED, s->root, 0, 0,
                 "cannot create the lock file of the temporary directory: %s",
                 strerror(errno));
        goto out;
    }
    rc = 0;
out:
    la_buf_release(&root);
    return rc;
}

int la_serve_run(const struct la_serve_opts *so, const struct la_engine_opts *eo,
                 struct la_diag_sink *sink)
{
    struct la_server *s = NULL;
    struct MHD_Daemon *d = NULL;
    struct listen_addr la;
    sigset_t stop, old;
    struct sigaction ign, old_pipe;
    const char *listen_spec = so && so->listen ? so->listen : LA_SERVE_DEFAULT_LISTEN;
    const char *why = NULL;
    unsigned port = 0;
    int fd = -1, code = 2, sig = 0, lock_ok = 0;

    if (parse_listen(listen_spec, &la, &why) < 0) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_USAGE, NULL, 0, 0, "bad --listen '%s': %s",
                 listen_spec, why);
        return 2;
    }
    s = la_calloc(1, sizeof *s);
    if (!s)
        return 2;
    set_limits(s, so, eo);
    if (pthread_mutex_init(&s->lock, NULL) != 0)
        goto out;
    if (pthread_cond_init(&s->cond, NULL) != 0) {
        pthread_mutex_destroy(&s->lock);
        goto out;
    }
    lock_ok = 1;
    /* Rules and data are validated once, up front: a bad rule file is exit 2. */
    if (la_engine_new(&s->engine, eo, sink) != LA_OK)
        goto out;
    if (la_serve_random_hex(s->token, TOKEN_BYTES) < 0) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_READ_FAILED, "/dev/urandom", 0, 0,
                 "cannot read random bytes: %s", strerror(errno));
        goto out;
    }
    if (la_serve_build_page(s) < 0)
        goto out;

    /* From here on a signal must not kill us before the temp root is removed. */
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stop, &old);
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &old_pipe);

    if (make_root(s, sink) < 0)
        goto restore;

    fd = open_listener(&la, &port);
    if (fd < 0) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_USAGE, NULL, 0, 0, "cannot listen on %s: %s",
                 listen_spec, strerror(errno));
        goto restore;
    }
    snprintf(s->host, sizeof s->host, "%s:%u", la.host, port);
    snprintf(s->origin, sizeof s->origin, "http://%s", s->host);
    if (la.loopback) {
        snprintf(s->alt_host, sizeof s->alt_host, "localhost:%u", port);
        snprintf(s->alt_origin, sizeof s->alt_origin, "http://%s", s->alt_host);
    }
    /* A thread per connection: an analysis blocks only its own connection's thread, and a
     * slow client costs one thread, not the others' turn (lanes.c).  MHD_USE_ITC lets
     * MHD_quiesce_daemon() stop accepting at a stop signal. */
    d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                             MHD_USE_POLL | MHD_USE_ITC | (la.v6 ? MHD_USE_IPv6 : 0),
                         0, NULL, NULL, la_serve_handle, s,
                         MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)s->idle_s,
                         MHD_OPTION_CONNECTION_LIMIT, (unsigned int)MAX_CONNECTIONS,
                         MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)MAX_PER_IP,
                         MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(256 * 1024),
                         MHD_OPTION_NOTIFY_COMPLETED, la_serve_completed, s,
                         MHD_OPTION_NOTIFY_CONNECTION, la_serve_notify_conn, s,
                         MHD_OPTION_END);
    if (!d) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_USAGE, NULL, 0, 0,
                 "cannot start the web server on %s", s->host);
        close(fd);
        goto restore;
    }
    printf("loganalyze serve: listening on http://%s/ (Ctrl-C stops)\n", s->host);
    fflush(stdout);
    if (so && so->port_file && write_port_file(so->port_file, s->host) < 0) {
        la_diagf(sink, LA_SEV_ERROR, LA_D_OUTPUT_FAILED, so->port_file, 0, 0,
                 "cannot write the port file: %s", strerror(errno));
        goto restore;
    }
    if (so && so->open_browser) {
        struct la_buf url = LA_BUF_INIT;
        if (la_buf_addf(&url, "http://%s/", s->host) == LA_OK &&
            la_serve_spawn_opener(url.buf) < 0)
            la_diagf(sink, LA_SEV_WARNING, LA_D_USAGE, NULL, 0, 0,
                     "cannot open a browser (%s); open %s yourself", strerror(errno), url.buf);
        la_buf_release(&url);
    }
    sig = wait_for_stop(s, &stop);
    printf("loganalyze serve: stopping (%s)\n", sig == SIGINT ? "interrupt" : "terminated");
    fflush(stdout);
    drain(s, d);
    code = 0;
restore:
    if (d)
        MHD_stop_daemon(d);        /* completes every request: their dirs go first */
    la_serve_rm_tree(s->root);
    if (s->lock_fd >= 0)
        close(s->lock_fd);
    sigaction(SIGPIPE, &old_pipe, NULL);
    for (;;) {
        /* Drop a stop signal that arrived meanwhile, then restore the mask. */
        sigset_t pend;
        int any = 0;
        if (sigpending(&pend) == 0)
            any = sigismember(&pend, SIGINT) == 1 || sigismember(&pend, SIGTERM) == 1 ||
                  sigismember(&pend, SIGHUP) == 1;
        if (!any)
            break;
        sigwait(&stop, &sig);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
out:
    if (s) {
        for (unsigned i = 0; i < MAX_REPORTS; i++)
            la_free(s->reports[i].html);
        la_free(s->page);
        la_engine_free(s->engine);
        if (lock_ok) {
            pthread_cond_destroy(&s->cond);
            pthread_mutex_destroy(&s->lock);
        }
        la_free(s);
    }
    return code;
}

#else /* !HAVE_MICROHTTPD */

int la_serve_run(const struct la_serve_opts *so, const struct la_engine_opts *eo,
                 struct la_diag_sink *sink)
{
    (void)so;
    (void)eo;
    la_diagf(sink, LA_SEV_ERROR, LA_D_USAGE, NULL, 0, 0,
             "this loganalyze was built without libmicrohttpd, so `serve` is not available "
             "(install libmicrohttpd-dev and rebuild); `loganalyze --open FILE` still works");
    return 2;
}

#endif
