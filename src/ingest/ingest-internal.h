#ifndef LA_INGEST_INGEST_INTERNAL_H
#define LA_INGEST_INGEST_INTERNAL_H

/*
 * What the files of ingest/ share (docs/internals/ingest.md): the state of one input, the
 * byte sources, struct la_member, and the functions each file offers the others.
 *
 *   ingest.c   what a member is (leaf or container), files and folders, the entry points
 *   member.c   reading a member: its byte source, the head, the counted reads and caps
 *   archive.c  archives and compressed files, through libarchive
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

#include "core/error.h"
#include "core/limits.h"
#include "ingest/ingest.h"

/* Bytes per read from a source: one buffer of this size per source. */
#define LA_INGEST_BLOCK (64u << 10)

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
};

enum src_kind { SRC_FD, SRC_MEM, SRC_ARCHIVE };

/* Where a member's bytes come from (member.c reads it). */
struct src {
    enum src_kind kind;
    int fd;
    const char *mem;
    size_t memlen, mempos;         /* SRC_MEM: the buffer; else bytes pending in block */
#if HAVE_LIBARCHIVE
    struct archive *ar;
#endif
    char *block;
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
#endif

#endif
