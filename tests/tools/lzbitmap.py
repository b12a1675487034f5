#!/usr/bin/env python3
"""An LZBITMAP encoder (and a slow reference decoder), written for loganalyze's tests.

It follows the layout described in docs/internals/tracev3.md ("LZBITMAP") and at the top of
src/tracev3/lzbitmap.c, from the public descriptions of the format (libzbitmap, dissect.util,
macos-UnifiedLogs); no code of theirs is used.  It is independent of the C decoder: the
tests decode what this writes with src/tracev3/lzbitmap.c, and this file's own decoder
checks every stream it writes.

    lzbitmap.py encode FLAGS IN OUT          compress a file (FLAGS: 0x09, 0x0c, ...)
    lzbitmap.py tracev3 FLAGS IN.tracev3 OUT rewrite every LZ4 chunkset as one LZBITMAP stream

FLAGS: 0x08 always; 0x01 chunks of up to 32 KiB (else 16 KiB); 0x04 no repeat counts.
"""
import struct
import sys

TABLE = 17


def u24(v):
    assert 0 <= v < 1 << 24
    return struct.pack("<I", v)[:3]


def choose(data, p, end, prev, table4):
    """The (bitmap, distance) for the 8-byte group at p: fewest literals, then cheapest."""
    n = min(8, end - p)
    cands = {prev}
    key = data[p:p + 4]
    for q in table4.get(key, [])[-4:]:
        cands.add(p - q)
    for d in (1, 2, 4, 8):
        cands.add(d)
    best = None
    for d in cands:
        if d <= 0 or d > 0xffff or d > p:
            continue
        bm = 0
        for i in range(n):
            if data[p + i] != data[p + i - d]:
                bm |= 1 << i
        lits = bin(bm).count("1")
        cost = lits * 8 + (0 if d == prev else 8 if d < 256 else 16)
        if best is None or cost < best[0]:
            best = (cost, bm, d)
    if best is None:                # nothing to refer back to: all literals
        return (1 << n) - 1, prev
    return best[1], best[2]


def encode_chunk(data, start, end, flags):
    """One chunk of data[start:end] (back references may reach before start)."""
    repeats = not flags & 4
    nentries = 12 if repeats else 13
    groups = []                     # (bitmap, distance bytes as bytes, nbytes)
    prev = 8
    table4 = {}
    for q in range(max(0, start - 0xffff), start - 3):
        table4.setdefault(data[q:q + 4], []).append(q)
    lits = bytearray()
    for p in range(start, end, 8):
        bm, d = choose(data, p, end, prev, table4)
        if d == prev:
            nb, db = 0, b""
        elif d < 256:
            nb, db = 1, bytes([d])
        else:
            nb, db = 2, struct.pack("<H", d)
        prev = d
        for i in range(min(8, end - p)):
            if bm >> i & 1:
                lits.append(data[p + i])
        groups.append((bm, nb, db))
        for q in range(p, min(p + 8, end)):
            table4.setdefault(data[q:q + 4], []).append(q)
    # The table: the commonest (bitmap, nbytes) pairs.
    freq = {}
    for bm, nb, _ in groups:
        freq[(bm, nb)] = freq.get((bm, nb), 0) + 1
    entries = sorted(freq, key=lambda k: -freq[k])[:nentries]
    while len(entries) < nentries:
        entries.append((0, 0))
    index = {e: i for i, e in enumerate(entries) if freq.get(e)}
    dists, bitmaps, tokens = bytearray(), bytearray(), []
    for bm, nb, db in groups:
        dists += db
        if (bm, nb) in index:
            tokens.append(3 + index[(bm, nb)])
        else:
            tokens.append(nb)
            bitmaps.append(bm)
    nibbles = []
    i, left = 0, end - start
    while i < len(tokens):
        t = tokens[i]
        run = 1
        while i + run < len(tokens) and tokens[i + run] == t:
            run += 1
        nibbles.append(t)
        if repeats and left > 8 and run >= 4:
            nibbles.append(0xf)
            rest = run - 4
            while rest >= 15:
                nibbles.append(0xf)
                rest -= 15
            nibbles.append(rest)
            used = run
        else:
            used = 1
        left -= min(left, 8 * used)
        i += used
    if len(nibbles) % 2:
        nibbles.append(0)
    tok = bytes(nibbles[k] | nibbles[k + 1] << 4 for k in range(0, len(nibbles), 2))
    bits = 0
    for k, (bm, nb) in enumerate(entries):
        bits |= (bm | nb << 8) << (10 * k)
    table = bits.to_bytes(TABLE, "little")
    o_dist = 15 + len(lits)
    o_bmap = o_dist + len(dists)
    o_tok = o_bmap + len(bitmaps)
    total = o_tok + len(tok) + TABLE
    dlen = end - start
    if total >= dlen + 6:           # no gain: stored
        return u24(dlen + 6) + u24(dlen) + data[start:end]
    return (u24(total) + u24(dlen) + u24(o_dist) + u24(o_bmap) + u24(o_tok) + bytes(lits) +
            bytes(dists) + bytes(bitmaps) + tok + table)


def encode(data, flags=0x09):
    data = bytes(data)
    assert flags & ~0x05 == 0x08
    size = 0x8000 if flags & 1 else 0x4000
    out = bytearray(b"ZBM" + bytes([flags]))
    for start in range(0, len(data), size):
        out += encode_chunk(data, start, min(len(data), start + size), flags)
    out += u24(6) + u24(0)
    enc = bytes(out)
    assert decode(enc) == data, "encoder and reference decoder disagree"
    return enc


def decode(src):
    """A slow, plain reference decoder (for checking the encoder)."""
    assert src[:3] == b"ZBM" and src[3] & ~0x05 == 0x08
    flags = src[3]
    repeats = not flags & 4
    nentries = 12 if repeats else 13
    r24 = lambda o: src[o] | src[o + 1] << 8 | src[o + 2] << 16
    out = bytearray()
    pos = 4
    while True:
        ln, dl = r24(pos), r24(pos + 3)
        if dl == 0:
            return bytes(out)
        if ln == dl + 6:
            out += src[pos + 6:pos + 6 + dl]
            pos += ln
            continue
        c = src[pos:pos + ln]
        lit, dist_o, bmap_o, tok_o = 15, r24(pos + 6), r24(pos + 9), r24(pos + 12)
        bits = int.from_bytes(c[-TABLE:], "little")
        table = [((bits >> 10 * k) & 0xff, (bits >> (10 * k + 8)) & 3) for k in range(nentries)]
        nib = [x for b in c[tok_o:ln - TABLE] for x in (b & 0xf, b >> 4)]
        ni, left, dist = 0, dl, 8
        while left:
            t = nib[ni]
            ni += 1
            n = 1
            if repeats and left > 8 and nib[ni] == 0xf:
                ni += 1
                n = 4
                while True:
                    x = nib[ni]
                    ni += 1
                    n += x
                    if x != 0xf:
                        break
            for _ in range(n):
                if not left:
                    break
                if t < 3:
                    bm, nb = c[bmap_o], t
                    bmap_o += 1
                else:
                    bm, nb = table[t - 3]
                if nb:
                    dist = int.from_bytes(c[dist_o:dist_o + nb], "little")
                    dist_o += nb
                for i in range(min(8, left)):
                    if bm >> i & 1:
                        out.append(c[lit])
                        lit += 1
                    else:
                        out.append(out[len(out) - dist])
                left -= min(8, left)
        pos += ln


def lz4_block(src, size, dict_=b""):
    """A plain LZ4 block decoder (for reading the dtformats tracev3 files)."""
    out = bytearray(dict_)
    base = len(out)
    i = 0
    while i < len(src):
        tok = src[i]
        i += 1
        n = tok >> 4
        if n == 15:
            while True:
                b = src[i]
                i += 1
                n += b
                if b != 255:
                    break
        out += src[i:i + n]
        i += n
        if i >= len(src):
            break
        off = src[i] | src[i + 1] << 8
        i += 2
        m = tok & 15
        if m == 15:
            while True:
                b = src[i]
                i += 1
                m += b
                if b != 255:
                    break
        m += 4
        for _ in range(m):
            out.append(out[-off])
    assert len(out) - base == size
    return bytes(out[base:])


def chunkset_plain(d):
    out = b""
    off = 0
    while d[off:off + 4] != b"bv4$":
        if d[off:off + 4] == b"bv41":
            size, n = struct.unpack_from("<II", d, off + 4)
            out += lz4_block(d[off + 12:off + 12 + n], size, out)
            off += 12 + n
        elif d[off:off + 4] == b"bv4-":
            (size,) = struct.unpack_from("<I", d, off + 4)
            out += d[off + 8:off + 8 + size]
            off += 8 + size
        else:
            raise ValueError("chunkset block marker %r" % d[off:off + 4])
    return out


def rewrite_tracev3(data, flags):
    """The file with every chunkset's data replaced by one LZBITMAP stream of it."""
    out = bytearray()
    off = 0
    while off + 16 <= len(data):
        tag, sub, size = struct.unpack_from("<IIQ", data, off)
        body = data[off + 16:off + 16 + size]
        if tag == 0x600d:
            body = encode(chunkset_plain(body), flags)
        out += struct.pack("<IIQ", tag, sub, len(body)) + body
        out += bytes(-len(out) % 8)
        off += 16 + size
        off += -off % 8
    return bytes(out)


def main(argv):
    if len(argv) != 5 or argv[1] not in ("encode", "tracev3"):
        sys.exit(__doc__)
    flags = int(argv[2], 0)
    data = open(argv[3], "rb").read()
    out = encode(data, flags) if argv[1] == "encode" else rewrite_tracev3(data, flags)
    open(argv[4], "wb").write(out)


if __name__ == "__main__":
    main(sys.argv)
