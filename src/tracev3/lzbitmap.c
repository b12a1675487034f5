/*
 * LZBITMAP decompression (docs/internals/tracev3.md, "LZBITMAP").
 *
 * Layout, as the public descriptions give it (Corellium's libzbitmap, fox-it's
 * dissect.util, mandiant's macos-UnifiedLogs; none copied):
 *
 *   stream  = "ZBM" flags chunk* end
 *   flags   = 0x08 | 0x01 (chunks up to 32 KiB, else 16 KiB) | 0x04 (no repeat counts)
 *   chunk   = len:u24 dlen:u24 ...        len counts the whole chunk, header included
 *   end     = a chunk header with dlen 0
 *
 * A chunk with len == dlen + 6 is stored: dlen bytes follow.  Any other is compressed:
 *
 *   off 0   len:u24 dlen:u24 dist:u24 bmap:u24 tok:u24   (offsets from the chunk's start)
 *   15      literal bytes                         up to dist
 *   dist    match distances, 1 or 2 bytes (LE)    up to bmap
 *   bmap    bitmap bytes                          up to tok
 *   tok     tokens, 4 bits each, low half first   up to len - 17
 *   len-17  the table: 12 (13 without repeat counts) entries of 10 bits, LSB first:
 *           a bitmap (8 bits) and how many distance bytes come with it (2 bits, 0..2)
 *
 * Each token names a bitmap: 0..2 take the next bitmap byte and 0..2 distance bytes, 3..14
 * (3..15 without repeat counts) the table's entry token-3.  With repeat counts, a token
 * followed by 0xf is applied 4 + the sum of the nibbles that follow (each 0xf continues)
 * times; none is read when at most 8 bytes of the chunk are left.  A bitmap makes 8 bytes,
 * low bit first: 1 is the next literal byte, 0 the byte at the current distance back (the
 * distance is 8 at each chunk's start, kept until a bitmap brings a new one; it may reach
 * into the chunks before).  A chunk's last bitmap stops at dlen.
 */

#include <string.h>

#include "tracev3/lzbitmap.h"

#define HDR 6           /* len, dlen */
#define CHDR 15         /* len, dlen and the three offsets */
#define TABLE 17        /* the bitmap table at a compressed chunk's end */

static uint32_t u24(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

int la_lzbm_is(const void *src, size_t n)
{
    return n >= 4 && !memcmp(src, "ZBM", 3);
}

int la_lzbm_supported(const void *src, size_t n)
{
    return la_lzbm_is(src, n) && (((const uint8_t *)src)[3] & ~0x05u) == 0x08;
}

struct fmt {
    uint32_t max_chunk;
    int repeats;        /* tokens carry repeat counts */
    int entries;        /* bitmap table entries */
};

static int get_fmt(const uint8_t *s, size_t n, struct fmt *f, const char **why)
{
    if (!la_lzbm_supported(s, n)) {
        *why = la_lzbm_is(s, n) ? "LZBITMAP flags byte of an unknown kind" : "no LZBITMAP magic";
        return 0;
    }
    f->max_chunk = s[3] & 1 ? 0x8000 : 0x4000;
    f->repeats = !(s[3] & 4);
    f->entries = f->repeats ? 12 : 13;
    return 1;
}

/*
 * The header of the chunk at off: its size len (header included) and decompressed size
 * dlen, 0 for the end marker; 0 with *why when the stream ends first or the sizes lie
 * (past the stream, over the format's chunk size, or more bytes than a stored chunk).
 */
static int chunk_header(const uint8_t *s, size_t n, size_t off, const struct fmt *f,
                        uint32_t *len, uint32_t *dlen, const char **why)
{
    if (n - off < HDR) {
        *why = "LZBITMAP stream ends without its end marker";
        return 0;
    }
    *len = u24(s + off);
    *dlen = u24(s + off + 3);
    if (*len < HDR || *len > n - off) {
        *why = "LZBITMAP chunk size lies";
        return 0;
    }
    if (*dlen && (*dlen > f->max_chunk || *len > *dlen + HDR)) {
        *why = "LZBITMAP chunk sizes out of range";
        return 0;
    }
    return 1;
}

enum la_rc la_lzbm_size(const void *src, size_t n, size_t cap, size_t *out_len, size_t *in_len,
                        const char **why)
{
    const uint8_t *s = src;
    struct fmt f;
    size_t off = 4, total = 0;

    if (!get_fmt(s, n, &f, why))
        return LA_FAILED;
    for (;;) {
        uint32_t len, dlen;
        if (!chunk_header(s, n, off, &f, &len, &dlen, why))
            return LA_FAILED;
        if (!dlen) {
            *out_len = total;
            *in_len = off + len;
            return LA_OK;
        }
        if (dlen > cap - total) {
            *why = "LZBITMAP stream passes the cap on decompressed bytes";
            return LA_FAILED;
        }
        total += dlen;
        off += len;
    }
}

/* A compressed chunk's areas, each read up to its end. */
struct chunk {
    const uint8_t *lit, *lit_end;
    const uint8_t *dist, *dist_end;
    const uint8_t *bmap, *bmap_end;
    const uint8_t *tok, *tok_end;
    int half;                   /* next token is the high half of *tok */
    uint8_t bitmap[13];
    uint8_t nbytes[13];
};

/* The next token, or -1 when they run out. */
static int token(struct chunk *c)
{
    if (c->tok >= c->tok_end)
        return -1;
    int t = c->half ? *c->tok >> 4 : *c->tok & 0xf;
    if (c->half)
        c->tok++;
    c->half ^= 1;
    return t;
}

static int peek(const struct chunk *c)
{
    if (c->tok >= c->tok_end)
        return -1;
    return c->half ? *c->tok >> 4 : *c->tok & 0xf;
}

static int open_chunk(const uint8_t *p, uint32_t len, const struct fmt *f, struct chunk *c)
{
    if (len < CHDR + TABLE)
        return 0;
    uint32_t d = u24(p + 6), b = u24(p + 9), t = u24(p + 12);
    if (d < CHDR || d > b || b > t || t > len - TABLE)
        return 0;
    c->lit = p + CHDR;
    c->lit_end = c->dist = p + d;
    c->dist_end = c->bmap = p + b;
    c->bmap_end = c->tok = p + t;
    c->tok_end = p + len - TABLE;
    c->half = 0;
    const uint8_t *tab = p + len - TABLE;
    for (int i = 0; i < f->entries; i++) {
        unsigned bit = (unsigned)i * 10;
        unsigned v = (unsigned)(tab[bit / 8] | tab[bit / 8 + 1] << 8) >> (bit % 8);
        c->bitmap[i] = (uint8_t)v;
        c->nbytes[i] = (uint8_t)(v >> 8 & 3);
        if (c->nbytes[i] > 2)
            return 0;
    }
    return 1;
}

/* How many times the token just read applies; 0 when the count is damaged. */
static uint32_t repeats(struct chunk *c, const struct fmt *f, uint32_t left)
{
    if (!f->repeats || left <= 8)
        return 1;
    int t = peek(c);
    if (t < 0)
        return 0;
    if (t != 0xf)
        return 1;
    token(c);
    uint32_t total = 4;
    do {
        t = token(c);
        if (t < 0)
            return 0;
        total += (uint32_t)t;
    } while (t == 0xf);
    return total;
}

/*
 * Apply one bitmap at dst[*pos], making at most left bytes; base is where dst starts
 * (distances may reach back to it).  0 when the chunk's areas run out or a distance lies.
 */
static int apply(struct chunk *c, int t, uint8_t *dst, size_t *pos, uint32_t *left,
                 uint32_t *dist)
{
    uint8_t bitmap;
    unsigned nb;

    if (t < 3) {
        if (c->bmap >= c->bmap_end)
            return 0;
        bitmap = *c->bmap++;
        nb = (unsigned)t;
    } else {
        bitmap = c->bitmap[t - 3];
        nb = c->nbytes[t - 3];
    }
    if (nb) {
        if ((size_t)(c->dist_end - c->dist) < nb)
            return 0;
        *dist = nb == 1 ? c->dist[0] : (uint32_t)(c->dist[0] | c->dist[1] << 8);
        c->dist += nb;
    }
    size_t p = *pos, d = *dist;
    uint32_t k = *left < 8 ? *left : 8;
    unsigned lits = (unsigned)__builtin_popcount(bitmap & ((1u << k) - 1));
    if (!d || (size_t)(c->lit_end - c->lit) < lits)
        return 0;
    if (d > p) {                        /* near the output's start: check each match */
        for (uint32_t i = 0; i < k; i++)
            if (bitmap >> i & 1)
                dst[p + i] = *c->lit++;
            else if (d > p + i)
                return 0;
            else
                dst[p + i] = dst[p + i - d];
    } else if (k == 8 && bitmap == 0xff) {
        memcpy(dst + p, c->lit, 8);
        c->lit += 8;
    } else if (k == 8 && bitmap == 0 && d >= 8) {
        memcpy(dst + p, dst + p - d, 8);
    } else {
        for (uint32_t i = 0; i < k; i++)
            dst[p + i] = bitmap >> i & 1 ? *c->lit++ : dst[p + i - d];
    }
    *pos = p + k;
    *left -= k;
    return 1;
}

static int compressed(const uint8_t *p, uint32_t len, uint32_t dlen, const struct fmt *f,
                      uint8_t *dst, size_t *pos)
{
    struct chunk c;
    uint32_t left = dlen, dist = 8;

    if (!open_chunk(p, len, f, &c))
        return 0;
    while (left) {
        int t = token(&c);
        if (t < 0 || (f->repeats && t == 0xf))
            return 0;
        uint32_t n = repeats(&c, f, left);
        if (!n)
            return 0;
        for (uint32_t i = 0; i < n && left; i++)
            if (!apply(&c, t, dst, pos, &left, &dist))
                return 0;
    }
    return 1;
}

enum la_rc la_lzbm_decode(const void *src, size_t n, void *dst, size_t dst_len, const char **why)
{
    const uint8_t *s = src;
    uint8_t *out = dst;
    struct fmt f;
    size_t off = 4, pos = 0;

    if (!get_fmt(s, n, &f, why))
        return LA_FAILED;
    for (;;) {
        uint32_t len, dlen;
        if (!chunk_header(s, n, off, &f, &len, &dlen, why))
            return LA_FAILED;
        if (!dlen)
            break;
        if (dlen > dst_len - pos) {
            *why = "LZBITMAP stream longer than its size";
            return LA_FAILED;
        }
        if (len == dlen + HDR) {
            memcpy(out + pos, s + off + HDR, dlen);
            pos += dlen;
        } else if (!compressed(s + off, len, dlen, &f, out, &pos)) {
            *why = "LZBITMAP chunk is corrupt";
            return LA_FAILED;
        }
        off += len;
    }
    if (pos != dst_len) {
        *why = "LZBITMAP stream shorter than its size";
        return LA_FAILED;
    }
    return LA_OK;
}
