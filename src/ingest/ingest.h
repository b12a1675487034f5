#ifndef LA_INGEST_INGEST_H
#define LA_INGEST_INGEST_H

/*
 * ingest: turn a path ("-" for stdin, a file, a directory) into a stream of
 * leaf members.  Archives and compressed files are recognised by their
 * magic bytes and descended recursively with libarchive while streaming:
 * nothing is extracted to disk and no member is held whole in memory.
 *
 * The common case: la_ingest_path() calls cb->member once per readable leaf
 * member; the callback pulls the member's bytes with la_member_read() (or
 * leaves them unread, and ingest drains them).  Members ingest does not hand
 * out (AppleDouble files, encrypted or damaged entries, entries that are not
 * regular files) are reported through cb->skipped and the diagnostic sink;
 * a cap that ends an input is one warning, at its end, naming the member it
 * stopped at and what was not read.
 *
 * Paths of members inside archives are written "outer.zip!/inner.tar.gz!/x.log".
 */

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/limits.h"

struct la_member;

struct la_ingest_cb {
    /* A readable leaf member.  Return LA_FATAL to stop the whole run. */
    enum la_rc (*member)(void *user, struct la_member *m);
    /* A member that was not handed out; status is "skipped: …" or "error: …". */
    void (*skipped)(void *user, const char *path, uint64_t bytes, const char *status);
    void *user;
    /*
     * Optional (NULL: never asked): asked before each archive entry and after each block
     * read, with the bytes unpacked from the input so far (what the bytes cap sees: every
     * level, skipped entries too).  A non-NULL
     * answer says why the input must stop (a budget of the caller's: "the time budget of
     * 60 s per upload ran out"); the input then stops as at a limit: warning LA119 names
     * the member it stopped in, and everything handed out before stays valid.
     */
    const char *(*stop)(void *user, uint64_t bytes);
};

/*
 * A scan of blocks of a member's bytes, run by ingest on the thread that reads ahead of the
 * caller (a gzip stream's inflate thread; a plain file's read-ahead thread), each block
 * before it is handed out.  The caller supplies it (analyze/ runs the rules' prefilter over
 * the block), ingest knows nothing of what it does.  state_new/state_free run on the
 * caller's thread; scan on ingest's, one state per block, never two at once on one state.
 */
struct la_block_scan {
    void *(*state_new)(void *user);                /* NULL: out of memory */
    void (*state_free)(void *user, void *state);
    void (*scan)(void *user, void *state, const void *buf, size_t len);
    void *user;
};

/* Totals for one la_ingest_path() call. */
struct la_ingest_stats {
    unsigned long members;       /* leaf members handed out */
    uint64_t bytes;              /* bytes read from leaf members */
    uint64_t compressed;         /* bytes read from the input itself */
    /* What the caps see: entries met (read or skipped, archives' and folders'), and bytes
     * unpacked at every level (a plain file's bytes, and all an archive or a decompressor
     * hands out, headers and skipped entries included). */
    unsigned long entries;
    uint64_t unpacked;
};

/*
 * Read path as one input.  Returns LA_OK, LA_WARN when something inside
 * was damaged or skipped (reported via sink), LA_FAILED when the input
 * could not be read at all, LA_FATAL when the callback asked to stop or
 * memory ran out.  ret_stats may be NULL.
 */
LA_NODISCARD enum la_rc la_ingest_path(const char *path, const struct la_limits *lim,
                                       const struct la_ingest_cb *cb,
                                       struct la_ingest_stats *ret_stats,
                                       struct la_diag_sink *sink);

/*
 * Read an in-memory buffer as one input named name (used by fuzzers and the
 * web upload path).  Same return codes as la_ingest_path().
 */
LA_NODISCARD enum la_rc la_ingest_memory(const char *name, const void *data, size_t len,
                                         const struct la_limits *lim,
                                         const struct la_ingest_cb *cb,
                                         struct la_ingest_stats *ret_stats,
                                         struct la_diag_sink *sink);

/*
 * Cores ingest may use beside the threads that read inputs (process-wide; none at start):
 * with one spare, a gzip stream is inflated on a thread of its own while the reading thread
 * scans what was inflated before (docs/internals/ingest.md, "The inflate thread"); the
 * reports are the same either way.  n is added to the count (negative to take cores back;
 * it never goes below 0 for the inflaters).  The CLI gives the cores its --jobs workers
 * leave idle, and each worker gives its own when it runs out of inputs.
 */
void la_ingest_spare_threads(int n);

/* Display path of the member, e.g. "a.zip!/logs/x.log".  Valid during the callback. */
const char *la_member_path(const struct la_member *m);
/* Innermost name (the last path component, compression suffix removed for single files). */
const char *la_member_name(const struct la_member *m);
/* Nesting depth: 0 for a plain file, 1 inside one archive … */
unsigned la_member_depth(const struct la_member *m);
/* Size announced by the container, or -1 when unknown. */
int64_t la_member_size(const struct la_member *m);

/*
 * The first bytes of the member (up to LA_MEMBER_HEAD bytes, fewer only at
 * end of data), without consuming them: la_member_read() returns them again.
 */
#define LA_MEMBER_HEAD 4096
LA_NODISCARD enum la_rc la_member_head(struct la_member *m, const void **ret_buf,
                                       size_t *ret_len);

/*
 * Next block of the member's bytes.  LA_OK with *ret_len > 0, LA_EOF at the
 * end, LA_FAILED when the data is damaged or a limit was hit (reported via
 * the sink; bytes handed out before stay valid results).  The block stays
 * valid until the next call.
 */
LA_NODISCARD enum la_rc la_member_read(struct la_member *m, const void **ret_buf,
                                       size_t *ret_len);

/*
 * When la_member_read() failed because a cap ended the input inside this member: the cap's
 * --limit name ("bytes", "ratio", "members"), or "caller's" when the stop callback ended it;
 * NULL when it did not (damage, or no failure).
 */
const char *la_member_stopped(const struct la_member *m);

/*
 * Scan the member's blocks ahead with sc (copied; its user must outlive the input: the
 * stream may serve later members, of other callers' runs), on a thread of
 * ingest's own when one reads ahead for this member: the inflate thread of the gzip stream
 * whose bytes the member is (a .log.gz, a .tar.gz's members), or a plain file's read-ahead
 * thread, started here when a core is spare (la_ingest_spare_threads()).  Blocks made
 * before this call, and members no such thread reads, are not scanned.
 */
void la_member_scan_ahead(struct la_member *m, const struct la_block_scan *sc);
/*
 * The scan state of the block ingest scanned ahead that holds buf[0..len) (a block
 * la_member_read() just handed out), else NULL; valid until the next la_member_read().
 */
const void *la_member_scanned(const struct la_member *m, const void *buf, size_t len);

/* Bytes handed out by la_member_read() so far. */
uint64_t la_member_consumed(const struct la_member *m);

/* Bytes read from the input itself so far (compressed), for progress reports. */
uint64_t la_member_input_bytes(const struct la_member *m);

#endif
