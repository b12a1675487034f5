/*
 * Fuzz target ips: the .ips (JSON panic and crash report) path.
 *
 * The input is an .ips file.  It is read as the engine reads a member: the
 * probe decides ips-panic or ips-crash (a non-.ips verdict is overridden to
 * ips-panic, so every input reaches the JSON code), a line reader with the
 * long-line cap that .ips formats ask for splits it, and the parser expands
 * the JSON-escaped panic string ("panicString", "string", "otherString")
 * into one record per line.  The line cap is 1 MiB here (64 MiB in
 * production) so the fuzzer's memory limit is not the first thing hit.
 *
 * Oracles: the sanitizers; records are non-empty views with the current
 * line number.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/formats.h"
#include "ingest/linereader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct mem {
    const uint8_t *p;
    size_t len, pos;
};

/* Hand out the input in 4 KiB blocks, as a file descriptor read would. */
static enum la_rc mem_read(void *ctx, const void **buf, size_t *len)
{
    struct mem *m = ctx;
    size_t n = m->len - m->pos;

    if (!n)
        return LA_EOF;
    if (n > 4096)
        n = 4096;
    *buf = m->p + m->pos;
    *len = n;
    m->pos += n;
    return LA_OK;
}

static enum la_rc on_record(void *user, const struct la_record *r)
{
    uint64_t *lineno = user;
    volatile unsigned char sink = 0;

    if (r->line != *lineno || (r->text.len && !r->text.p))
        abort();
    for (size_t i = 0; i < r->text.len; i++)
        sink ^= (unsigned char)r->text.p[i];
    (void)sink;
    return LA_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mem m = { data, size, 0 };
    const char *reason = NULL;
    const char *path = "fuzz.zip!/panic-full-2024-01-02-101010.ips";
    const struct la_format *f;
    struct la_linereader *lr;
    struct la_parser *p;
    struct la_sv line;
    uint64_t lineno = 0;

    if (size > (4u << 20))
        return 0;
    f = la_format_probe(path, "panic-full-2024-01-02-101010.ips", data,
                        size < 4096 ? size : 4096, NULL, &reason);
    if (!f)
        abort();
    if (strcmp(la_format_id(f), "ips-panic") && strcmp(la_format_id(f), "ips-crash"))
        f = la_format_find("ips-panic");
    if (!f || !la_format_wants_long_lines(f))
        abort();
    lr = la_linereader_new(mem_read, &m, 1u << 20);
    p = la_parser_new(f, path);
    if (lr && p) {
        while (la_linereader_next(lr, &line, &lineno) == LA_OK) {
            if (line.len > (1u << 20))
                abort();
            if (la_parser_line(p, line, lineno, on_record, &lineno) != LA_OK)
                break;
        }
    }
    la_parser_free(p);
    la_linereader_free(lr);
    return 0;
}
