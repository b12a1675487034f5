#ifndef LA_CORE_RECORD_H
#define LA_CORE_RECORD_H

/*
 * struct la_record: one parsed log record, the value formats/ produces and
 * rules/ matches.  A small value type (docs/style.md §4): passed by pointer,
 * never allocated, never owned.
 *
 * Invariants:
 *   - every struct la_sv is a view that stays valid only while the record is
 *     being handed out (the parser's record callback); keep a copy of what
 *     must live longer (finding evidence copies its text);
 *   - text is the whole normalised line; message, component and level are
 *     views into text, or empty (p may be NULL when a field is absent);
 *   - context may point outside text: the line that opened the record's
 *     group.  Its p is NULL when the format gives no context, and readers
 *     then use text in its place;
 *   - format is the format's static id string ("text" when no probe won).
 *
 * Adding a field: add it here with its invariant, fill it in formats/, and
 * read it where it is needed; nothing mirrors this struct.
 */

#include <stdint.h>
#include <strings.h>

#include "core/sv.h"

struct la_record {
    const char *format;            /* format id */
    uint64_t line;                 /* 1-based line in the member */
    int64_t time;                  /* ms: since 1970 when has_date, else since midnight; -1 none */
    int has_date;
    long pid;                      /* -1 when absent */
    struct la_sv text;             /* the whole normalised line */
    struct la_sv message;          /* after the format's prefix */
    struct la_sv component;        /* process or logger, may be empty */
    struct la_sv level;            /* level word, may be empty */
    struct la_sv context;          /* the line that opens this record's group: itself for a
                                    * line with the format's prefix, the last such line for a
                                    * continuation (restore-step-* lines after their CHECKPOINT,
                                    * a traceback after its logger line) */
    int case_lost;                 /* the member's letters lost their case (a paste retyped or
                                    * lower-cased: la_formats_case_lost()); the same for every
                                    * record of a member */
};

/* Whether the record's level says it failed: "error" or "fault" at its start, in any case (the
 * level is a view: it is compared within its own bytes). */
static inline int la_record_error_level(const struct la_record *rec)
{
    return rec->level.len >= 5 && (!strncasecmp(rec->level.p, "error", 5) ||
                                   !strncasecmp(rec->level.p, "fault", 5));
}

#endif
