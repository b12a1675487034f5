/*
 * The progress bar of a batch on stderr: one bar over every input, not one counter per
 * worker.
 *
 *   [########------------]  42 %  11.2/26.8 MB  87/200 files  3.1 MB/s  ETA 0:05
 *
 * Before the batch starts every input is measured (stat; a folder's regular files summed
 * with fts, links not followed), so the bar knows the bytes it will read; stdin and what
 * cannot be measured count as files only.  While an input is read the engine reports the
 * bytes read from it (analyze.h, progress); they count up to the input's measured size, so
 * a compressed archive never pushes the bar past its end.  When an input is finished its
 * whole size counts.  Rate and ETA are over the bytes when some are known, else over the
 * files.  The bar is redrawn at most ten times a second; when the batch is done it is
 * replaced by one final line ("200 files, 26.8 MB in 8.4 s, 3.2 MB/s").  No bar at all
 * unless stderr is a terminal (analyze-cmd.c decides).
 *
 * Threads: workers call la_cli_bar_update() and la_cli_bar_done(); the counters are under
 * bar->lock, the drawing goes through la_cli_progress() (cli/msg.c's lock, taken after
 * ours, never before).
 */
#include "config.h"

#include <fts.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli-internal.h"
#include "core/alloc.h"

#define BAR_CELLS 20
#define REDRAW_S 0.1

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Bytes of a file, or of a folder's regular files; 0 when it cannot be measured. */
static uint64_t measure(const char *path)
{
    struct stat st;
    char *argv[2];
    FTS *fts;
    FTSENT *e;
    uint64_t sum = 0;

    if (!strcmp(path, "-") || stat(path, &st) != 0)
        return 0;
    if (!S_ISDIR(st.st_mode))
        return S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    argv[0] = (char *)path;
    argv[1] = NULL;
    fts = fts_open(argv, FTS_PHYSICAL | FTS_NOCHDIR, NULL);
    if (!fts)
        return 0;
    while ((e = fts_read(fts)) != NULL)
        if (e->fts_info == FTS_F)
            sum += (uint64_t)e->fts_statp->st_size;
    fts_close(fts);
    return sum;
}

int la_cli_bar_init(struct la_cli_bar *bar, struct la_cli *cli, char *const *paths, size_t n,
                    int on)
{
    memset(bar, 0, sizeof(*bar));
    bar->cli = cli;
    bar->paths = paths;
    bar->n = n;
    bar->on = on;
    if (pthread_mutex_init(&bar->lock, NULL) != 0)
        return -1;
    bar->start = now_s();
    if (!on)
        return 0;
    bar->size = la_calloc(n ? n : 1, sizeof(*bar->size));
    bar->seen = la_calloc(n ? n : 1, sizeof(*bar->seen));
    if (!bar->size || !bar->seen) {
        bar->on = 0;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        bar->size[i] = measure(paths[i]);
        bar->known += bar->size[i];
    }
    return 0;
}

void la_cli_bar_release(struct la_cli_bar *bar)
{
    la_free(bar->size);
    la_free(bar->seen);
    pthread_mutex_destroy(&bar->lock);
}

/* "1:05" or "1:02:05". */
static void hms(char *buf, size_t size, double s)
{
    unsigned long t = s < 0 ? 0 : s > 359999 ? 359999 : (unsigned long)(s + 0.5);

    if (t >= 3600)
        snprintf(buf, size, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, size, "%lu:%02lu", t / 60, t % 60);
}

/* Draw the bar; with bar->lock held. */
static void draw(struct la_cli_bar *bar, int force)
{
    double t = now_s(), el = t - bar->start, frac, rate;
    uint64_t got = bar->finished_bytes + bar->inflight;
    char cells[BAR_CELLS + 1], eta[24], speed[32];
    size_t k;

    if (!force && t - bar->last < REDRAW_S)
        return;
    bar->last = t;
    if (bar->known)
        frac = (double)got / (double)bar->known;
    else
        frac = bar->n ? (double)bar->done / (double)bar->n : 1;
    if (frac > 1)
        frac = 1;
    k = (size_t)(frac * BAR_CELLS);
    memset(cells, '#', k);
    memset(cells + k, '-', BAR_CELLS - k);
    cells[BAR_CELLS] = 0;
    snprintf(eta, sizeof eta, "?");
    speed[0] = 0;
    if (el > 0.2 && frac > 0) {
        hms(eta, sizeof eta, el / frac - el);
        if (bar->known) {
            rate = (double)got / el / 1e6;
            snprintf(speed, sizeof speed, "  %.1f MB/s", rate);
        } else {
            snprintf(speed, sizeof speed, "  %.1f files/s", (double)bar->done / el);
        }
    }
    if (bar->known)
        la_cli_progress(bar->cli, "[%s] %3d %%  %.1f/%.1f MB  %zu/%zu files%s  ETA %s",
                        cells, (int)(frac * 100), (double)got / 1e6, (double)bar->known / 1e6,
                        bar->done, bar->n, speed, eta);
    else
        la_cli_progress(bar->cli, "[%s] %3d %%  %zu/%zu files%s  ETA %s", cells,
                        (int)(frac * 100), bar->done, bar->n, speed, eta);
}

void la_cli_bar_update(struct la_cli_bar *bar, const char *input, uint64_t bytes)
{
    if (!bar->on)
        return;
    pthread_mutex_lock(&bar->lock);
    /* The engine names the input by the pointer it was given (or "<stdin>": not counted). */
    for (size_t i = 0; i < bar->n; i++) {
        if (bar->paths[i] != input)
            continue;
        if (bytes > bar->size[i])
            bytes = bar->size[i];
        if (bytes > bar->seen[i]) {
            bar->inflight += bytes - bar->seen[i];
            bar->seen[i] = bytes;
        }
        break;
    }
    draw(bar, 0);
    pthread_mutex_unlock(&bar->lock);
}

void la_cli_bar_done(struct la_cli_bar *bar, size_t i)
{
    pthread_mutex_lock(&bar->lock);
    bar->done++;
    if (bar->on && i < bar->n) {
        bar->inflight -= bar->seen[i];
        bar->seen[i] = 0;
        bar->finished_bytes += bar->size[i];
        draw(bar, bar->done == bar->n);
    }
    pthread_mutex_unlock(&bar->lock);
}

void la_cli_bar_finish(struct la_cli_bar *bar)
{
    double el = now_s() - bar->start;

    if (!bar->on)
        return;
    la_cli_progress_clear(bar->cli);
    pthread_mutex_lock(&bar->cli->lock);
    if (bar->known)
        fprintf(stderr, "%zu file%s, %.1f MB in %.1f s, %.1f MB/s\n", bar->done,
                bar->done == 1 ? "" : "s", (double)bar->known / 1e6, el,
                el > 0 ? (double)bar->known / el / 1e6 : 0.0);
    else
        fprintf(stderr, "%zu file%s in %.1f s\n", bar->done, bar->done == 1 ? "" : "s", el);
    pthread_mutex_unlock(&bar->cli->lock);
}
