/*
 * LZBITMAP decompression (Apple's "ZBM" streams), written for the unified log's chunksets
 * from the public descriptions of the format (docs/internals/tracev3.md, "LZBITMAP").
 *
 * A stream is the magic "ZBM", a flags byte, then chunks, each at most 16 or 32 KiB
 * decompressed, ending with an empty chunk.  la_lzbm_size() walks the chunk headers only:
 * the decompressed size (refused past cap) and the bytes the stream takes; la_lzbm_decode()
 * then fills exactly that many bytes.  Both read only inside src[0..n) and write only inside
 * dst[0..dst_len); work is linear in n + dst_len.  Corrupt input is LA_FAILED with *why set
 * to a static message, never a crash or a loop.
 */
#ifndef LA_TRACEV3_LZBITMAP_H
#define LA_TRACEV3_LZBITMAP_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* src starts with the LZBITMAP magic "ZBM" (any flags byte). */
int la_lzbm_is(const void *src, size_t n);
/* ... and its flags byte is of a kind this decoder knows. */
int la_lzbm_supported(const void *src, size_t n);

/*
 * The decompressed size of the stream at src (*out_len) and the bytes of src it takes,
 * through its end marker (*in_len).  LA_FAILED (*why) when the flags are not known, a chunk
 * header lies, the stream has no end marker or its size passes cap.
 */
LA_NODISCARD enum la_rc la_lzbm_size(const void *src, size_t n, size_t cap, size_t *out_len,
                                     size_t *in_len, const char **why);

/* Decompress the stream at src into dst, dst_len being what la_lzbm_size() gave. */
LA_NODISCARD enum la_rc la_lzbm_decode(const void *src, size_t n, void *dst, size_t dst_len,
                                       const char **why);

#endif
