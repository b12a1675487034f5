/*
 * Fuzz target tracev3-lzbitmap: the LZBITMAP decoder (src/tracev3/lzbitmap.c) alone.
 *
 * Input: byte 0 the mode; bit 0 set: the rest is the stream as is; clear: the rest follows
 * the magic "ZBM" and the flags byte 0x08 | (mode >> 1 & 0x05), so that every input reaches
 * the chunks.  Bits 2-3 pick the cap on decompressed bytes (1 MiB, 64 KiB, 32 KiB, 16 MiB).
 *
 * Oracles: the sanitizers (the output buffer is exactly the size la_lzbm_size() gives, the
 * input exactly its bytes); a stream that sizes also decodes the same from the bytes it was
 * said to take as from the whole input; a failure always says why.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tracev3/lzbitmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t caps[4] = { 1u << 20, 1u << 16, 1u << 15, 16u << 20 };

    if (size < 1 || size > (1u << 20))
        return 0;
    unsigned mode = data[0];
    size_t n = size - 1 + (mode & 1 ? 0 : 4);
    uint8_t *src = malloc(n ? n : 1);
    if (!src)
        return 0;
    if (mode & 1)
        memcpy(src, data + 1, size - 1);
    else {
        memcpy(src, "ZBM", 3);
        src[3] = (uint8_t)(0x08 | (mode >> 1 & 0x05));
        memcpy(src + 4, data + 1, size - 1);
    }
    size_t out = 0, in = 0;
    const char *why = NULL;
    enum la_rc rc = la_lzbm_size(src, n, caps[mode >> 2 & 3], &out, &in, &why);
    if (rc != LA_OK) {
        if (rc != LA_FAILED || !why)
            abort();
        free(src);
        return 0;
    }
    if (in > n || out > caps[mode >> 2 & 3])
        abort();
    uint8_t *a = malloc(out ? out : 1), *b = malloc(out ? out : 1);
    if (!a || !b) {
        free(a);
        free(b);
        free(src);
        return 0;
    }
    why = NULL;
    enum la_rc ra = la_lzbm_decode(src, n, a, out, &why);
    if (ra != LA_OK && (ra != LA_FAILED || !why))
        abort();
    /* The stream is src[0..in): decoding only those bytes must give the same. */
    uint8_t *cut = malloc(in);
    if (cut) {
        memcpy(cut, src, in);
        enum la_rc rb = la_lzbm_decode(cut, in, b, out, &why);
        if (rb != ra || (ra == LA_OK && memcmp(a, b, out)))
            abort();
        free(cut);
    }
    free(a);
    free(b);
    free(src);
    return 0;
}
