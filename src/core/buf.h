#ifndef LA_CORE_BUF_H
#define LA_CORE_BUF_H

/*
 * struct la_buf: a growable, always NUL-terminated, binary-safe byte buffer
 * with an optional cap (git's strbuf invariants plus curl's dynbuf cap).
 *
 * Invariants after la_buf_init(): buf is never NULL (it points at a static
 * empty string until the first append), buf[len] == '\0', len < alloc when
 * alloc > 0.  An append that would grow len past max returns LA_FAILED and
 * leaves the buffer unchanged, so a caller can still use what it holds.
 * max == 0 means no cap.
 */

#include <stdarg.h>
#include <stddef.h>

#include "core/error.h"

struct la_buf {
    char *buf;
    size_t len;
    size_t alloc;
    size_t max;
};

#define LA_BUF_INIT { la_buf_empty, 0, 0, 0 }
extern char la_buf_empty[];

void la_buf_init(struct la_buf *b, size_t max);
void la_buf_release(struct la_buf *b);
void la_buf_reset(struct la_buf *b);           /* len = 0, keeps storage */

/* Grow so that at least extra more bytes fit.  LA_FAILED past max, LA_FATAL on OOM. */
LA_NODISCARD enum la_rc la_buf_grow(struct la_buf *b, size_t extra);
LA_NODISCARD enum la_rc la_buf_add(struct la_buf *b, const void *p, size_t n);
LA_NODISCARD enum la_rc la_buf_adds(struct la_buf *b, const char *s);
LA_NODISCARD enum la_rc la_buf_addc(struct la_buf *b, char c);
LA_NODISCARD enum la_rc la_buf_addf(struct la_buf *b, const char *fmt, ...) LA_PRINTF(2, 3);
LA_NODISCARD enum la_rc la_buf_vaddf(struct la_buf *b, const char *fmt, va_list ap);
void la_buf_truncate(struct la_buf *b, size_t len);

/*
 * Hand the storage to the caller (who frees it with la_free()); the buffer
 * is re-initialised.  Returns NULL only on OOM for an empty buffer.
 */
char *la_buf_detach(struct la_buf *b, size_t *ret_len);

#endif
