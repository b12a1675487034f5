/*
 * Standalone replay driver for the fuzz targets (systemd's fuzz-main.c, dav1d's
 * tools/dav1d_fuzzer.c main): each argument is a file or a folder; every
 * regular file found (one level deep in folders, sorted) is read whole and
 * handed to LLVMFuzzerTestOneInput() once.  This is how the corpora (seeds
 * and every crasher ever found) run in `meson test --suite fuzz-regress`
 * without clang or libFuzzer.
 *
 * Exit status: 0 when every input ran (a target signals a bug by crashing or
 * aborting, as under libFuzzer), 1 when a file could not be read or no input
 * was found at all.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "core/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* Read a whole file into a fresh buffer (exactly size bytes, so ASan sees overreads). */
static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    struct la_buf b = LA_BUF_INIT;
    char chunk[65536];
    size_t n;
    uint8_t *copy;

    if (!f) {
        fprintf(stderr, "fuzz-main: %s: %s\n", path, strerror(errno));
        return -1;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (la_buf_add(&b, chunk, n) != LA_OK) {
            fclose(f);
            la_buf_release(&b);
            fprintf(stderr, "fuzz-main: %s: out of memory\n", path);
            return -1;
        }
    }
    if (ferror(f)) {
        fprintf(stderr, "fuzz-main: %s: read error\n", path);
        fclose(f);
        la_buf_release(&b);
        return -1;
    }
    fclose(f);
    copy = la_malloc(b.len ? b.len : 1);
    if (!copy) {
        la_buf_release(&b);
        return -1;
    }
    if (b.len)
        memcpy(copy, b.buf, b.len);
    LLVMFuzzerTestOneInput(copy, b.len);
    la_free(copy);
    la_buf_release(&b);
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replay every regular file of a folder in name order; returns files run or -1. */
static long run_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0;
    long done = 0;

    if (!d) {
        fprintf(stderr, "fuzz-main: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            char **nn = la_realloc(names, nc * sizeof(*nn));
            if (!nn)
                break;
            names = nn;
            cap = nc;
        }
        if (!(names[n] = la_strdup(de->d_name)))
            break;
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), cmp_names);
    for (size_t i = 0; i < n; i++) {
        struct la_buf p = LA_BUF_INIT;
        struct stat st;
        if (la_buf_addf(&p, "%s/%s", dir, names[i]) == LA_OK && stat(p.buf, &st) == 0 &&
            S_ISREG(st.st_mode)) {
            if (run_file(p.buf) < 0)
                done = -1;
            else if (done >= 0)
                done++;
        }
        la_buf_release(&p);
        la_free(names[i]);
    }
    la_free(names);
    return done;
}

int main(int argc, char **argv)
{
    long total = 0;
    int bad = 0;

    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "fuzz-main: %s: %s\n", argv[i], strerror(errno));
            bad = 1;
        } else if (S_ISDIR(st.st_mode)) {
            long n = run_dir(argv[i]);
            if (n < 0)
                bad = 1;
            else
                total += n;
        } else if (run_file(argv[i]) < 0) {
            bad = 1;
        } else {
            total++;
        }
    }
    printf("%s: %ld input%s replayed\n", argc > 0 ? argv[0] : "fuzz", total,
           total == 1 ? "" : "s");
    if (total == 0) {
        fprintf(stderr, "fuzz-main: no input found\n");
        bad = 1;
    }
    return bad;
}
