/*
 * Fuzz target ingest-memory: archive and compression ingest from memory.
 *
 * The input is one file as a user would drop it: plain text, gzip, xz,
 * bzip2, zstd, tar, zip, 7z … nested to the depth limit.  la_ingest_memory()
 * walks it with libarchive; every leaf member is peeked (la_member_head),
 * then drained through a line reader, as the engine does, or, for every
 * third member, left unread so ingest drains it itself.  Limits are lowered
 * (16 MiB decompressed, 1000 members) so zip bombs end quickly while the
 * ratio and byte caps are still exercised.
 *
 * Oracles: the sanitizers; member paths start with the input name; the head
 * is what the first read returns; skipped members have a status.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/limits.h"
#include "ingest/ingest.h"
#include "ingest/linereader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME "fuzz.bin"

struct state {
    unsigned long members;
    size_t sum;
};

static void on_diag(void *user, const struct la_diag *d)
{
    (void)user;
    if (!d->msg || !la_diag_summary(d->code))
        abort();
}

static enum la_rc member_reader(void *ctx, const void **buf, size_t *len)
{
    return la_member_read(ctx, buf, len);
}

static enum la_rc on_member(void *user, struct la_member *m)
{
    struct state *st = user;
    const char *path = la_member_path(m);
    const void *head;
    size_t hl = 0;

    if (!path || strncmp(path, NAME, strlen(NAME)) || !la_member_name(m))
        abort();
    st->members++;
    if (la_member_head(m, &head, &hl) == LA_OK) {
        if (hl > LA_MEMBER_HEAD)
            abort();
        for (size_t i = 0; i < hl; i++)
            st->sum += ((const unsigned char *)head)[i];
    }
    if (st->members % 3 == 0)
        return LA_OK;               /* leave it unread: ingest drains it */
    if (st->members % 3 == 1 && hl) {
        /* The first read hands the head back. */
        const void *b;
        size_t n;
        if (la_member_read(m, &b, &n) == LA_OK) {
            if (n < hl && n != 0 && memcmp(b, head, n))
                abort();
            if (n >= hl && memcmp(b, head, hl))
                abort();
        }
    }
    struct la_linereader *lr = la_linereader_new(member_reader, m, 0);
    struct la_sv line;
    uint64_t lineno;
    if (!lr)
        return LA_FATAL;
    while (la_linereader_next(lr, &line, &lineno) == LA_OK)
        st->sum += line.len ? (unsigned char)line.p[line.len - 1] : 0;
    la_linereader_free(lr);
    (void)la_member_consumed(m);
    (void)la_member_depth(m);
    (void)la_member_size(m);
    return LA_OK;
}

static void on_skipped(void *user, const char *path, uint64_t bytes, const char *status)
{
    (void)user;
    (void)bytes;
    if (!path || !status || strncmp(path, NAME, strlen(NAME)))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct la_limits lim = LA_LIMITS_DEFAULT;
    struct state st = { 0, 0 };
    struct la_ingest_cb cb = { on_member, on_skipped, &st, NULL };
    struct la_diag_sink sink = { on_diag, NULL };
    struct la_ingest_stats stats;
    enum la_rc rc;

    if (size > (4u << 20))
        return 0;
    lim.max_bytes = 16u << 20;
    lim.max_members = 1000;
    rc = la_ingest_memory(NAME, size ? (const void *)data : (const void *)"", size, &lim, &cb,
                          &stats, &sink);
    if (rc != LA_OK && rc != LA_WARN && rc != LA_FAILED && rc != LA_FATAL)
        abort();
    return 0;
}
