#ifndef LA_INGEST_LINEREADER_H
#define LA_INGEST_LINEREADER_H

/*
 * A bounded line splitter over a stream of blocks.
 *
 * It detects the text encoding from the first bytes (UTF-8 with or without
 * BOM, UTF-16 LE/BE with or without BOM) and hands out UTF-8 lines without
 * their line terminator (LF or CRLF).  A line longer than max_line bytes is
 * truncated to max_line, counted, and the rest up to its newline dropped:
 * never silently, since la_linereader_truncated() reports the count.  A last
 * line without a newline is still a line.
 *
 * Lines are views valid until the next call of la_linereader_next().
 */

#include <stdint.h>

#include "core/encoding.h"
#include "core/error.h"
#include "core/sv.h"

/* Pull the next block: LA_OK with *len > 0, LA_EOF, or an error code. */
typedef enum la_rc la_read_fn(void *ctx, const void **buf, size_t *len);

struct la_linereader;

/* NULL on OOM.  max_line 0 means the default (LA_DEFAULT_MAX_LINE). */
struct la_linereader *la_linereader_new(la_read_fn *fn, void *ctx, unsigned max_line);
void la_linereader_free(struct la_linereader *lr);

/*
 * Next line.  LA_OK, LA_EOF at the end, or the read function's error (the
 * lines before it stay valid results).  *ret_lineno is 1-based.
 */
LA_NODISCARD enum la_rc la_linereader_next(struct la_linereader *lr, struct la_sv *ret_line,
                                           uint64_t *ret_lineno);

unsigned long la_linereader_truncated(const struct la_linereader *lr);
enum la_encoding la_linereader_encoding(const struct la_linereader *lr);

#endif
