/*
 * Diagnostics: formatting and the code registry.
 */
#include "config.h"

#include "core/buf.h"
#include "core/error.h"

static const struct {
    unsigned code;
    const char *summary;
} registry[] = {
#define LA_DIAG(num, id, summary) { num, summary },
#include "core/diagcodes.def"
#undef LA_DIAG
};

const char *la_diag_summary(unsigned code)
{
    for (size_t i = 0; i < sizeof(registry) / sizeof(registry[0]); i++)
        if (registry[i].code == code)
            return registry[i].summary;
    return NULL;
}

const char *la_severity_name(enum la_severity sev)
{
    switch (sev) {
    case LA_SEV_NOTE:
        return "note";
    case LA_SEV_WARNING:
        return "warning";
    case LA_SEV_ERROR:
        return "error";
    }
    return "error";
}

void la_diagf(struct la_diag_sink *sink, enum la_severity sev, unsigned code,
              const char *file, unsigned line, unsigned col, const char *fmt, ...)
{
    struct la_buf b = LA_BUF_INIT;
    struct la_diag d;
    va_list ap;

    if (!sink || !sink->fn)
        return;
    va_start(ap, fmt);
    if (la_buf_vaddf(&b, fmt, ap) != LA_OK)
        la_buf_reset(&b);
    va_end(ap);
    d.sev = sev;
    d.code = code;
    d.file = file;
    d.line = line;
    d.col = col;
    d.msg = b.len ? b.buf : "out of memory";
    sink->fn(sink->user, &d);
    la_buf_release(&b);
}

enum la_rc la_diag_format(const struct la_diag *d, struct la_buf *out)
{
    const char *sev = la_severity_name(d->sev);

    if (d->file && d->line && d->col)
        return la_buf_addf(out, "%s:%u:%u: %s[LA%03u]: %s", d->file, d->line, d->col, sev,
                           d->code, d->msg);
    if (d->file && d->line)
        return la_buf_addf(out, "%s:%u: %s[LA%03u]: %s", d->file, d->line, sev, d->code,
                           d->msg);
    if (d->file)
        return la_buf_addf(out, "%s: %s[LA%03u]: %s", d->file, sev, d->code, d->msg);
    return la_buf_addf(out, "%s[LA%03u]: %s", sev, d->code, d->msg);
}
