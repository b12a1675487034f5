/*
 * The format table: one row per input format, and the public accessors (formats.h).
 *
 * A row says everything the module does differently for its format (struct la_format in
 * formats-internal.h): its id and title, flags, the line shapes its records open with and
 * the keywords the default bid counts, the path and name hints used when nothing bids, and
 * optional hooks: sniff (a sure header), bid (a score other than the default), tiebreak
 * (take the win from a format sharing its shapes) and parse (lines the generic parser cannot
 * read).  probe.c and parse.c loop over the rows and name no format: adding one is adding a
 * row here (docs/internals/new-format.md).
 *
 * Invariants: ids are unique; exactly one row is flagged LA_FORMAT_BINARY and one
 * LA_FORMAT_FALLBACK; the row order is the order `loganalyze formats` lists the formats in
 * and ties between equal bids go to the earlier row, so rows are never reordered lightly.
 * The hooks below are the formats' own knowledge, kept beside their rows.
 */
#include "config.h"

#include <string.h>

#include "formats/formats-internal.h"
#include "formats/formats.h"

/*
 * iTunes and Finder / Configurator logs share the bracket shape.  When one of them wins, the
 * name ("iPhoneUpdater 3.log") and the host's plumbing (macOS agents versus Windows iTunes)
 * decide between the two; a tie goes to iTunes.
 */
static int itunes_or_finder(const struct la_probe *pr, const struct la_format *self,
                            const struct la_format *winner)
{
    static const char *const mac[] = { "AMPDevicesAgent", "Configurator", "/private/var/folders",
                                       "IPv6 @ locationID", NULL };
    static const char *const win[] = { "WinAMRestore", "AppleDevice::", "iTunes.exe",
                                       "iTunes: iTunes", NULL };
    const struct la_format *it = la_format_find("itunes-updater");
    const struct la_format *fi = la_format_find("finder-restore");
    int a, b;

    if (winner != it && winner != fi)
        return 0;
    a = la_formats_bid(pr, it);
    b = la_formats_bid(pr, fi);
    if (strstr(pr->name, "Updater") || strstr(pr->name, "updater"))
        a += 20;
    for (const char *const *k = mac; *k; k++)
        if (la_formats_probe_has(pr, *k)) {
            b += 25;
            break;
        }
    for (const char *const *k = win; *k; k++)
        if (la_formats_probe_has(pr, *k)) {
            a += 25;
            break;
        }
    return self == (a >= b ? it : fi);
}

/*
 * A head whose lines open with MobileDevice's own clock, "[07:52:04.8679]" (LA_SHAPE_AMR_CLOCK:
 * four digits after the second), is an iTunes, Finder or Configurator log: the restore tools
 * print no clock (their wrappers' prefixes have three digits) and restored's ends in "-GMT]".
 * It stays one when its words lost their case and the idevicerestore row's keywords
 * ("error: ", "tss request") read as well.
 */
static int amrestore_bid(const struct la_probe *pr, const struct la_format *self)
{
    int s = la_formats_bid(pr, self);

    if (s > 0 && pr->nlines && pr->shape_hits[LA_SHAPE_AMR_CLOCK] * 2 >= pr->nlines)
        s = s + 12 > 99 ? 99 : s + 12;
    return s;
}

/* futurerestore runs the idevicerestore engine: its own name decides. */
static int futurerestore_tiebreak(const struct la_probe *pr, const struct la_format *self,
                                  const struct la_format *winner)
{
    return winner == la_format_find("idevicerestore") &&
           (la_formats_probe_has(pr, "futurerestore") || la_formats_probe_has(pr, "[exception]:"));
}

/* A text crash or panic report is near certain when it has its opening line. */
static int crash_bid(const struct la_probe *pr, const struct la_format *self)
{
    return la_formats_bid(pr, self) + (la_formats_probe_has(pr, "Incident Identifier:") ? 40 : 0);
}

static int panic_bid(const struct la_probe *pr, const struct la_format *self)
{
    return la_formats_bid(pr, self) + (la_formats_probe_has(pr, "panic(cpu") ? 40 : 0);
}

/*
 * The formats, in the order `loganalyze formats` lists them and ties are broken in.  A row
 * with neither shapes nor keywords nor a bid hook never bids: it is reached by a sniff, a
 * hint or a flag.
 */
static const struct la_format table[] = {
    {
        .id = "itunes-updater",
        .title = "iTunes updater log (MobileDevice AMRestore)",
        .flags = LA_FORMAT_RESTORE_LOG | LA_FORMAT_HOST_LOG,
        .shapes = LA_SHAPE(ITUNES) | LA_SHAPE(ITUNES_NAMED) | LA_SHAPE(BRACKET),
        .keywords = (const char *const[]){ "AMRestore", "<Restore Device",
            "<Recovery Mode Device", "<DFU Device", "amai:", "iTunes", "WinAMRestore",
            "AppleDevice::", "AMDeviceIoControl", "restore library built", "radio-error",
            "USBControlTransfer", "iBoot", NULL },
        .bid = amrestore_bid,
        .tiebreak = itunes_or_finder,
    },
    {
        .id = "finder-restore",
        .title = "Finder / Apple Configurator restore log",
        .flags = LA_FORMAT_RESTORE_LOG | LA_FORMAT_HOST_LOG,
        .shapes = LA_SHAPE(BRACKET),
        .keywords = (const char *const[]){ "AMPDevicesAgent", "Configurator", "MobileRestore",
            "Restore Phase", "Restore completed", "Failure Description", "Device disconnected",
            "transitioning device", "Elapsed time", NULL },
        .bid = amrestore_bid,
        .tiebreak = itunes_or_finder,
    },
    {
        .id = "restored-device",
        .title = "device restore log (restored)",
        .flags = LA_FORMAT_RESTORE_LOG | LA_FORMAT_DEVICE_LOG,
        .shapes = LA_SHAPE(DEVICE) | LA_SHAPE(BRACKET),
        .keywords = (const char *const[]){ "CHECKPOINT", "restore-step-", "ramrod",
            "ASR STATUS", "bbupdater", "entering ", "executing /", "restored",
            "Waiting for NAND", "asr_", "ASR: ", "fsck", "update_baseband", "/dev/disk0",
            "AMFDR", NULL },
    },
    {
        .id = "idevicerestore",
        .title = "idevicerestore log",
        .flags = LA_FORMAT_RESTORE_LOG | LA_FORMAT_HOST_LOG | LA_FORMAT_TOOL_OUTPUT,
        .shapes = LA_SHAPE(IDR) | LA_SHAPE(BRACKET),
        .keywords = (const char *const[]){ "idevicerestore", "Found device in", "Sending iBEC",
            "Extracting", "ERROR: ", "Got status message", "Checkpoint", "Waiting for device",
            "Connecting to", "Sending ", "Identified device", "Personalizing",
            "About to restore", "Status: ", "idevice_event_cb", "restore mode device",
            "TSS request", "TSS server", "Unable to ", "BasebandData", "DONE", "Cleaning up",
            "Log is available", NULL },
    },
    {
        .id = "futurerestore",
        .title = "futurerestore log",
        .flags = LA_FORMAT_RESTORE_LOG | LA_FORMAT_HOST_LOG | LA_FORMAT_TOOL_OUTPUT,
        .shapes = LA_SHAPE(IDR) | LA_SHAPE(BRACKET),
        .keywords = (const char *const[]){ "futurerestore", "[Error]", "Done: restoring",
            "[exception]", "[INFO]", "[WARNING]", "img4tool", "tsschecker", "errorcode=",
            "libipatcher", "waiting for device to reconnect", NULL },
        .tiebreak = futurerestore_tiebreak,
    },
    {
        .id = "pymobiledevice3",
        .title = "pymobiledevice3 log",
        .flags = LA_FORMAT_RESTORE_LOG | LA_FORMAT_HOST_LOG | LA_FORMAT_TOOL_OUTPUT,
        .shapes = LA_SHAPE(PYMD),
        .keywords = (const char *const[]){ "pymobiledevice3", "root[", NULL },
    },
    {
        .id = "flash-tool",
        .title = "flash tool log (3uTools / iMazing style)",
        .flags = LA_FORMAT_RESTORE_LOG | LA_FORMAT_HOST_LOG,
        .shapes = LA_SHAPE(FLASH),
        .keywords = (const char *const[]){ "LibVersion", "Checking PC", "<Restore Device",
            "amai:", NULL },
    },
    {
        .id = "unified-log",
        .title = "unified log text (log show / Console)",
        .shapes = LA_SHAPE(UNIFIED) | LA_SHAPE(CONSOLE),
        .keywords = (const char *const[]){ "AMPDevicesAgent", "MobileRestore", "asr[",
            "kernel[", NULL },
    },
    {
        .id = "ips-panic",
        .title = "panic report (.ips)",
        .flags = LA_FORMAT_LONG_LINES | LA_FORMAT_NO_UNWRAP | LA_FORMAT_DEVICE_LOG,
        .sniff = la_formats_ips_sniff_panic,
        .parse = la_formats_ips_line,
    },
    {
        .id = "ips-crash",
        .title = "crash or diagnostic report (.ips)",
        .flags = LA_FORMAT_LONG_LINES | LA_FORMAT_NO_UNWRAP,
        .name_suffix = ".ips",
        .sniff = la_formats_ips_sniff_crash,
        .parse = la_formats_ips_line,
    },
    {
        .id = "crash-text",
        .title = "crash report (text)",
        .keywords = (const char *const[]){ "Incident Identifier:", "Exception Type:",
            "Hardware Model:", "Crashed Thread:", "Triggered by Thread:", "Report Version:",
            NULL },
        .bid = crash_bid,
    },
    {
        .id = "panic-text",
        .title = "panic report (text)",
        .keywords = (const char *const[]){ "panic(cpu", "*** Panic Report ***",
            "Debugger message:", "Paniclog version", "Kernel version:", "iBoot version:",
            NULL },
        .bid = panic_bid,
    },
    {
        .id = "syslog",
        .title = "BSD syslog (system.log)",
        .shapes = LA_SHAPE(SYSLOG),
    },
    {
        .id = "sysdiagnose-text",
        .title = "sysdiagnose text member",
        .flags = LA_FORMAT_NO_UNWRAP,
        .path_hints = (const char *const[]){ "sysdiagnose_", "sysdiagnose/", NULL },
    },
    {
        .id = "text",
        .title = "plain text",
        .flags = LA_FORMAT_FALLBACK | LA_FORMAT_TOOL_OUTPUT,
    },
    {
        .id = "binary",
        .title = "binary (skipped)",
        .flags = LA_FORMAT_BINARY | LA_FORMAT_NO_UNWRAP,
    },
};

unsigned la_format_count(void)
{
    return sizeof(table) / sizeof(table[0]);
}

const struct la_format *la_format_at(unsigned i)
{
    return i < la_format_count() ? &table[i] : NULL;
}

const char *la_format_id(const struct la_format *f)
{
    return f->id;
}

const char *la_format_title(const struct la_format *f)
{
    return f->title;
}

unsigned la_format_flags(const struct la_format *f)
{
    return f->flags;
}

int la_format_is_binary(const struct la_format *f)
{
    return (f->flags & LA_FORMAT_BINARY) != 0;
}

int la_format_wants_long_lines(const struct la_format *f)
{
    return (f->flags & LA_FORMAT_LONG_LINES) != 0;
}

const struct la_format *la_format_find(const char *id)
{
    for (unsigned i = 0; i < la_format_count(); i++)
        if (!strcmp(table[i].id, id))
            return &table[i];
    return NULL;
}

/* The first row with flag (the table has one row flagged BINARY and one FALLBACK). */
unsigned la_format_id_flags(const char *id)
{
    const struct la_format *f = id ? la_format_find(id) : NULL;

    return f ? f->flags : 0;
}

const struct la_format *la_formats_with_flag(unsigned flag)
{
    for (unsigned i = 0; i < la_format_count(); i++)
        if (table[i].flags & flag)
            return &table[i];
    return NULL;
}
