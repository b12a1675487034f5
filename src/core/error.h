#ifndef LA_CORE_ERROR_H
#define LA_CORE_ERROR_H

/*
 * Return codes and diagnostics shared by every module.
 *
 * Return codes follow libarchive's ladder because ingestion must keep
 * going: LA_WARN means something was skipped and work continues, LA_FAILED
 * means this input or entry is lost but the next may work, LA_FATAL stops
 * the run (out of memory, invalid rules, a report that cannot be written).
 *
 * Detail travels beside the return code as a struct la_diag handed to a
 * struct la_diag_sink.  Only cli/ and serve/ print diagnostics; tests install
 * a sink that captures them.
 */

#include <stdarg.h>

#if defined(__GNUC__) || defined(__clang__)
#define LA_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define LA_NODISCARD __attribute__((warn_unused_result))
#else
#define LA_PRINTF(f, a)
#define LA_NODISCARD
#endif

enum la_rc {
    LA_OK = 0,
    LA_EOF = 1,
    LA_WARN = -20,
    LA_FAILED = -25,
    LA_FATAL = -30,
};

/* Evaluate a la_rc expression; return it from the enclosing function unless LA_OK. */
#define LA_TRY(expr)                                                                   \
    do {                                                                               \
        enum la_rc la_try_rc_ = (expr);                                                \
        if (la_try_rc_ != LA_OK)                                                       \
            return la_try_rc_;                                                         \
    } while (0)

enum la_severity {
    LA_SEV_NOTE,
    LA_SEV_WARNING,
    LA_SEV_ERROR,
};

enum la_diag_code {
#define LA_DIAG(num, id, summary) LA_D_##id = num,
#include "core/diagcodes.def"
#undef LA_DIAG
};

struct la_diag {
    enum la_severity sev;
    unsigned code;          /* an LA_D_* value */
    const char *file;       /* path (may be "outer!/member"), or NULL */
    unsigned line, col;     /* 1-based; 0 = unknown */
    const char *msg;        /* lowercase, no final period */
};

typedef void la_diag_fn(void *user, const struct la_diag *d);

struct la_diag_sink {
    la_diag_fn *fn;
    void *user;
};

/* Format a message and hand it to sink (a NULL sink or fn drops it). */
void la_diagf(struct la_diag_sink *sink, enum la_severity sev, unsigned code,
              const char *file, unsigned line, unsigned col, const char *fmt, ...)
    LA_PRINTF(7, 8);

const char *la_severity_name(enum la_severity sev);
/* The one-line summary of a diagnostic code, or NULL for an unknown code. */
const char *la_diag_summary(unsigned code);
struct la_buf;
/* Append "file:line:col: error[LA123]: msg" to out. */
LA_NODISCARD enum la_rc la_diag_format(const struct la_diag *d, struct la_buf *out);

/* Worse of two return codes (LA_FATAL < LA_FAILED < LA_WARN < LA_OK). */
static inline enum la_rc la_rc_worst(enum la_rc a, enum la_rc b)
{
    return a < b ? a : b;
}

#endif
