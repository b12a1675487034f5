#ifndef LA_TRACEV3_TRACEV3_H
#define LA_TRACEV3_TRACEV3_H

/*
 * tracev3: Apple's unified log, read natively (docs/internals/tracev3.md).
 *
 * A .tracev3 file is a header chunk followed by catalogs, each followed by the
 * LZ4-compressed chunksets it describes; a chunkset holds firehose chunks
 * (log, activity, signpost, trace and loss tracepoints), oversize, statedump
 * and simpledump chunks.  Format strings live outside the file, in uuidtext
 * and shared-cache (dsc) files named by UUID; wall-clock time comes from the
 * header or from the boot's timesync file.
 *
 * struct la_tv3_strings is what the entries are resolved against: uuidtext and
 * dsc files (fetched on demand through a loader the caller gives, and kept in
 * a cache with a byte cap) and timesync boots.  It is filled before reading
 * and is read-only while reading.
 *
 * struct la_tv3_reader takes the bytes of one .tracev3 member in pieces of any
 * size (streaming: only one chunk is held, at most LA_TV3_MAX_CHUNK bytes, and
 * one chunkset decompressed, at most LA_TV3_MAX_CHUNKSET) and calls back once
 * per entry.  Damage inside a chunkset loses that chunkset (counted, first
 * error kept); damaged chunk framing ends the member with LA_FAILED.
 * Depends on core and liblz4.
 */

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/sv.h"

#define LA_TV3_MAX_CHUNK (16u << 20)     /* bytes of one chunk as stored */
#define LA_TV3_MAX_CHUNKSET (16u << 20)  /* bytes of one chunkset decompressed */
#define LA_TV3_MAX_MESSAGE (16u << 10)   /* bytes of one rendered message */
#define LA_TV3_CACHE_BYTES (256u << 20)  /* uuidtext and dsc bytes cached by a store */
#define LA_TV3_MAX_FILE (128u << 20)     /* bytes of one uuidtext or dsc file */
#define LA_TV3_MAX_BOOTS 256u            /* timesync boots kept */
#define LA_TV3_MAX_SYNCS 1000000u        /* timesync sync records kept, all boots */
#define LA_TV3_MAX_TIME_NS 7258118400000000000LL  /* 2200-01-01: later times are clamped */

/* What a strings file is, for the loader. */
enum la_tv3_kind {
    LA_TV3_UUIDTEXT,
    LA_TV3_DSC,
};

/*
 * Fetch the uuidtext or dsc file named by uuid into *data and *len (allocated with la_malloc;
 * the store takes it).  Return LA_OK, LA_EOF when there is no such file, LA_FAILED when it
 * cannot be read, LA_FATAL on OOM.
 */
typedef enum la_rc la_tv3_load_fn(void *user, enum la_tv3_kind kind, const uint8_t uuid[16],
                                  void **data, size_t *len);

struct la_tv3_strings;

/* A store; loader may be NULL (then only what was added is known).  NULL on OOM. */
struct la_tv3_strings *la_tv3_strings_new(la_tv3_load_fn *loader, void *user);
void la_tv3_strings_free(struct la_tv3_strings *s);
/* Add a file's bytes (copied).  LA_FAILED (err says why) when they are not such a file. */
LA_NODISCARD enum la_rc la_tv3_strings_add(struct la_tv3_strings *s, enum la_tv3_kind kind,
                                           const uint8_t uuid[16], const void *data,
                                           size_t len, const char **err);
/* Add a timesync file's boots and sync records. */
LA_NODISCARD enum la_rc la_tv3_strings_add_timesync(struct la_tv3_strings *s, const void *data,
                                                    size_t len, const char **err);
/* Files looked up and not found, and files that did not parse, so far. */
uint64_t la_tv3_strings_missing(const struct la_tv3_strings *s);

/*
 * A UUID from a uuidtext path's last two components ("7E/F56328D5…") or a dsc name
 * (32 hex digits).  Returns 1 and fills uuid, else 0.
 */
int la_tv3_uuid_from_path(const char *dir_name, const char *file_name, uint8_t uuid[16]);

/* One entry, as views valid only during the callback. */
struct la_tv3_entry {
    int64_t time_ns;           /* wall clock, ns since 1970 UTC, 0..LA_TV3_MAX_TIME_NS */
    int tz_minutes;            /* the device's offset from UTC (east positive), |tz| < 1440 */
    long pid;
    uint64_t thread;
    const char *kind;          /* "log", "activity", "signpost", "trace", "loss",
                                * "statedump", "simpledump" */
    const char *level;         /* "Default", "Info", "Debug", "Error", "Fault", "Activity",
                                * "Signpost", "Trace", "Loss", "State" */
    struct la_sv process;      /* image name of the main executable, or "<unresolved>" */
    struct la_sv subsystem;    /* may be empty */
    struct la_sv category;     /* may be empty */
    struct la_sv message;      /* rendered; "<unresolved>" where the format string is missing */
    int resolved;              /* 1 when the format string was found */
};

typedef enum la_rc la_tv3_entry_fn(void *user, const struct la_tv3_entry *e);

/* What a member held, for inspect and the report. */
struct la_tv3_stats {
    uint64_t chunks;           /* top-level chunks */
    uint64_t catalogs, chunksets, firehose, oversize, statedump, simpledump;
    uint64_t unsupported;      /* chunks of a kind not read (counted, skipped) */
    uint64_t entries;          /* entries handed out */
    uint64_t unresolved;       /* entries whose format string was not found */
    uint64_t damaged;          /* chunksets or chunks lost to damage */
    uint64_t decompressed;     /* bytes of chunkset data decompressed */
    char build[17], model[33]; /* from the header, NUL-terminated, may be empty */
};

struct la_tv3_reader;

/* A reader for one member.  strings may be NULL (nothing resolves).  NULL on OOM. */
struct la_tv3_reader *la_tv3_reader_new(const struct la_tv3_strings *strings,
                                        la_tv3_entry_fn *fn, void *user);
void la_tv3_reader_free(struct la_tv3_reader *r);
/*
 * The next bytes of the member.  LA_OK; LA_FAILED when the member cannot be read further
 * (la_tv3_reader_error() says why; later calls return LA_FAILED); LA_FATAL on OOM; or what
 * the callback returned when not LA_OK.
 */
LA_NODISCARD enum la_rc la_tv3_reader_feed(struct la_tv3_reader *r, const void *p, size_t n);
/* After the last byte: LA_FAILED when the member ends inside a chunk. */
LA_NODISCARD enum la_rc la_tv3_reader_finish(struct la_tv3_reader *r);
/* The first error (lost chunkset or the reason reading stopped), or NULL. */
const char *la_tv3_reader_error(const struct la_tv3_reader *r);
/* The first chunkset skipped for a compression not read ("unsupported compression (...)"),
 * or NULL; the stats count it in unsupported. */
const char *la_tv3_reader_unsupported(const struct la_tv3_reader *r);
const struct la_tv3_stats *la_tv3_reader_stats(const struct la_tv3_reader *r);

/*
 * The strings of the log folder a .tracev3 file on disk is in (folder.c): its uuidtext,
 * dsc and timesync files, found from the nearest parent (up to four levels) holding a
 * `uuidtext`, `timesync` or `dsc` folder.  With no such parent, an empty store (nothing
 * resolves).  NULL on OOM.
 */
struct la_tv3_folder;
struct la_tv3_folder *la_tv3_folder_open(const char *tracev3_path);
void la_tv3_folder_close(struct la_tv3_folder *f);
const struct la_tv3_strings *la_tv3_folder_strings(const struct la_tv3_folder *f);
/* The folder uuidtext files are looked for in, or NULL. */
const char *la_tv3_folder_root(const struct la_tv3_folder *f);

/*
 * An entry as one line of text (line.c), `log show`'s facts in our order:
 * "YYYY-MM-DD HH:MM:SS.ffffff±zzzz process[pid] (subsystem:category) <level> message", in
 * the device's time zone, the parenthesis left out when there is no subsystem.  Control
 * characters in the log's strings are escaped (\n, \t, \xNN), so one entry is one line.
 * *msg_off (may be NULL) gets where the message starts.
 */
struct la_buf;
LA_NODISCARD enum la_rc la_tv3_entry_line(struct la_buf *out, const struct la_tv3_entry *e,
                                          size_t *msg_off);
/* Add s to out with control characters escaped as above. */
LA_NODISCARD enum la_rc la_tv3_escape(struct la_buf *out, struct la_sv s);

/* 1 when the head looks like a tracev3 file (a header chunk). */
int la_tv3_sniff(const void *head, size_t len);

#endif
