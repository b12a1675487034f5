#ifndef LA_INGEST_INGEST_INTERNAL_H
#define LA_INGEST_INGEST_INTERNAL_H

/*
 * What the files of ingest/ share (docs/internals/ingest.md): the state of one input, the
 * byte sources, struct la_member, and the functions each file offers the others.
 *
 *   ingest.c   what a member is (leaf or container), files and folders, the entry points,
 *              the member cap and the report of a stop
 *   member.c   reading a member: its byte source, the head, the counted reads and caps
 *   archive.c  archives and compressed files, through libarchive
 *   gzip.c     gzip streams inflated with zlib, their trailers checked (libarchive does not)
 *
 * Calls go ingest.c → archive.c → ingest.c (an entry is a member one level deeper), and
 * every file reads members through member.c.
 */

#include "config.h"

#include <stddef.h>
#include <stdint.h>

#if HAVE_LIBARCHIVE
#include <archive.h>
#endif

#include "core/buf.h"
#include "core/error.h"
#include "core/limits.h"
#include "ingest/ingest.h"

/* Bytes per read from a source: one buffer of this size per source. */
#define LA_INGEST_BLOCK (64u << 10)

/*
 * Where a cap ended an input, and what it left unread: one warning at the end of the input
 * (la_ingest_report_stop), naming the member it stopped at.
 */
struct stop {
    unsigned code;                 /* LA_D_MEMBER_LIMIT, LA_D_BYTES_LIMIT or LA_D_RATIO_LIMIT */
    char *at;                      /* the member or entry it stopped at (NULL: the input) */
    char *why;                     /* the cap's message */
    struct la_buf unread;          /* what was not read, innermost first, ", "-separated */
    unsigned nunread, more;        /* items listed, items left out of the list */
};

/* One la_ingest_path() or la_ingest_memory() call. */
struct input {
    const struct la_limits *lim;
    const struct la_ingest_cb *cb;
    struct la_diag_sink *sink;
    struct la_ingest_stats st;
    const char *root;              /* the path given, for messages */
    char *root_real;               /* a folder given: its real path (links stay inside it) */
    int stop;                      /* a limit ended this input */
    int damaged;                   /* some data could not be read */
    unsigned long entries;         /* entries met (the member cap): skipped ones too */
    uint64_t unpacked;             /* bytes the bytes and ratio caps see (member.c) */
    struct stop halt;              /* set with stop */
};

enum src_kind { SRC_FD, SRC_MEM, SRC_ARCHIVE };

struct arwalk;
struct la_readahead;

/* Where a member's bytes come from (member.c reads it). */
struct src {
    enum src_kind kind;
    int fd;
    const char *mem;
    size_t memlen, mempos;         /* SRC_MEM: the buffer; else bytes pending in block */
#if HAVE_LIBARCHIVE
    struct archive *ar;
    struct arwalk *w;              /* SRC_ARCHIVE: the archive being read (archive.c) */
#endif
    char *block;
    struct la_readahead *ra;       /* SRC_FD: its read-ahead thread (readahead.c), or NULL */
};

/* A member being handed out or read as an archive (opaque outside ingest/). */
struct la_member {
    struct input *in;
    struct src *src;
    char *path;
    const char *name;
    unsigned depth;
    int64_t size;
    int container;                 /* bytes feed an inner archive: not leaf bytes */
    char head[LA_MEMBER_HEAD];
    size_t headlen, headpos;
    int head_done;
    int eof, failed;
    unsigned stopped;              /* the cap (LA_D_*) that ended the input inside this member */
    uint64_t consumed;
};

/* ingest.c */

/* Leaf or container: decide from the head, hand a leaf to the caller, open a container. */
LA_NODISCARD enum la_rc la_ingest_walk_member(struct la_member *m);
/* A member that is not handed out goes to the caller's listing, when it keeps one. */
void la_ingest_note_skipped(struct input *in, const char *path, uint64_t bytes,
                            const char *status);
/*
 * Ask the caller's stop callback (la_ingest_cb.stop) whether to go on: 1 when the input must
 * stop (in->stop set, LA119 given once, naming path), else 0.
 */
int la_ingest_stopped(struct input *in, const char *path);
/* The last component of a path ("a/b/c.log" → "c.log"). */
const char *la_ingest_base_name(const char *path);
/*
 * One more entry met at path (an archive entry or a folder entry, read or skipped).  Past
 * the member cap the input stops there: returns 1.
 */
int la_ingest_count_entry(struct input *in, const char *path);
/*
 * A cap ends the input at path (the member being read or the entry met; NULL for the input
 * itself): sets in->stop and keeps what the warning will say.  The first stop wins.
 */
void la_ingest_stop(struct input *in, unsigned code, const char *at, const char *fmt, ...)
    LA_PRINTF(4, 5);
/* After a stop, a level that unwinds names what it left unread ("the rest of x.tar"). */
void la_ingest_unread(struct input *in, const char *fmt, ...) LA_PRINTF(2, 3);

/*
 * A spare core (la_ingest_spare_threads()): 1 when one was taken, to be given back with
 * la_ingest_give_spare() when the thread that used it ends.
 */
int la_ingest_take_spare(void);
void la_ingest_give_spare(void);

/* readahead.c: a plain file read ahead, each block scanned, on a thread of its own. */

/* Files smaller than this are read on the reading thread: a thread costs more. */
#define LA_RA_MIN_BYTES (1 << 20)
/* Start reading fd ahead, scanning with sc (copied); NULL when out of memory. */
struct la_readahead *la_readahead_new(int fd, const struct la_block_scan *sc);
/* Stop the thread and free the ring. */
void la_readahead_free(struct la_readahead *ra);
/* The next block, as read(2) gave it: LA_OK, LA_EOF, or LA_FAILED with its errno. */
LA_NODISCARD enum la_rc la_readahead_read(struct la_readahead *ra, const void **ret_buf,
                                          size_t *ret_len, int *ret_err);
/* The scan state of the block handed out last when it holds buf[0..len), else NULL. */
const void *la_readahead_scanned(const struct la_readahead *ra, const void *buf, size_t len);

/* member.c */

/*
 * n more bytes unpacked in the member at path: counted against the bytes and ratio caps.
 * LA_FAILED when a cap stopped the input (la_ingest_stop).
 */
LA_NODISCARD enum la_rc la_ingest_count(struct input *in, const char *path, uint64_t n);

#if HAVE_LIBARCHIVE
/* archive.c */

/* A zip or 7z file given directly (depth 0, a file of known size): open it seeking. */
int la_ingest_wants_seek(const struct la_member *m);
/*
 * Read the archive (or compressed file) whose bytes are parent's, handing each entry to
 * la_ingest_walk_member().  seek: open the input file itself, seeking; LA_EOF then means
 * "stream it instead".
 */
LA_NODISCARD enum la_rc la_ingest_walk_archive(struct la_member *parent, int seek);
/* The gzip stream the archive m is an entry of reads through, or NULL. */
struct la_gz *la_ingest_archive_gz(const struct la_member *m);
/* The next block of the current entry's data (member.c's SRC_ARCHIVE reads), counted. */
LA_NODISCARD enum la_rc la_ingest_archive_read(struct la_member *m, const void **ret_buf,
                                               size_t *ret_len);
#endif

#if HAVE_LIBARCHIVE && HAVE_ZLIB
/* gzip.c: a gzip stream (all its members) inflated from a member's reads, trailers checked. */
struct la_gz;
/* NULL on OOM. */
struct la_gz *la_gz_new(struct la_member *from);
void la_gz_free(struct la_gz *g);
/*
 * The next block of inflated bytes: LA_OK with *ret_len > 0; LA_EOF after the last gzip
 * member (bytes after it that are not another member are ignored, as gzip does); LA_FAILED
 * when the data is damaged, truncated, or its CRC or length does not match its trailer
 * (la_gz_error() says which), after the bytes inflated before the damage were handed out;
 * LA_FATAL on OOM.
 */
LA_NODISCARD enum la_rc la_gz_read(struct la_gz *g, const void **ret_buf, size_t *ret_len);
/* What la_gz_read() found wrong ("CRC mismatch …"); "" when nothing. */
const char *la_gz_error(const struct la_gz *g);
/* Bytes handed out so far. */
uint64_t la_gz_out(const struct la_gz *g);
/* Whether the stream is inflated on a thread of its own (a spare core was taken). */
int la_gz_threaded(const struct la_gz *g);
/*
 * From now on, run sc->scan over each block the inflate thread makes, there, before it is
 * handed out (states made here, freed with the stream).  Nothing when the stream has no
 * inflate thread or scans already, or out of memory.
 */
void la_gz_scan_ahead(struct la_gz *g, const struct la_block_scan *sc);
/* The scan state of the block handed out last when it holds buf[0..len), else NULL. */
const void *la_gz_scanned(const struct la_gz *g, const void *buf, size_t len);
/* Tests: 1 inflates with zlib even when built with ISA-L (set before any stream). */
void la_gz_use_zlib(int on);
/* Whether this build has ISA-L. */
int la_gz_has_isal(void);
#endif

#endif
