/*
 * The numbering spaces (codespace.h): the table and its lookups.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "core/codespace.h"

/* The codes.yaml space names each space reads (rules/kb.c). */
static const char *const cat_line[] = { "dialog", "AMRestore", "device-status", "MobileRestore",
                                        "TSS", "any", NULL };
static const char *const cat_amr[] = { "AMRestore", "device-status", NULL };
static const char *const cat_tss[] = { "TSS", NULL };
static const char *const cat_bbu[] = { "BBUpdater", NULL };
static const char *const cat_ramrod[] = { "RamrodError", NULL };
static const char *const cat_asr[] = { "ASR", NULL };
static const char *const cat_irecv[] = { "irecv", NULL };
static const char *const cat_kio[] = { "kIOReturn", NULL };
static const char *const cat_posix[] = { "POSIX", NULL };
static const char *const cat_fr[] = { "futurerestore", NULL };
static const char *const cat_idr[] = { "idevicerestore", NULL };
static const char *const cat_imd[] = { "libimobiledevice", NULL };
static const char *const cat_nf[] = { "NfRestore", NULL };
static const char *const cat_curl[] = { "libcurl", NULL };
static const char *const cat_mbedtls[] = { "mbedTLS", NULL };
static const char *const cat_vz[] = { "VZError", NULL };
static const char *const cat_ns[] = { "NSError", NULL };
static const char *const cat_amd[] = { "MobileDevice", NULL };
static const char *const cat_libusb[] = { "libusb", NULL };

static const struct la_space spaces[] = {
    { "dialog", "", "restore error number: what iTunes, Finder and Apple Configurator show "
      "(AMRestore results, MobileRestore codes and 3100 + TSS status share it)", cat_line, 1, 0,
      0 },
    { "amr", "AMR", "AMRestore result code (the device's AMRError, AMRestoreErrorDomain)",
      cat_amr, 1, 0, 0 },
    { "step", "step", "restore-step code: restored's code for a failing step (CHECKPOINT "
      "FAILURE, restore-step-codes), in the AMRestore numbering", cat_amr, 1, 0, 0 },
    { "tss", "TSS", "signing-server (TSS) status; AMRestore reports it as 3100 + status",
      cat_tss, 1, 3100, 0 },
    { "bbu", "BBUpdater", "BBUpdater error: the device's baseband updater", cat_bbu, 0, 0, 0 },
    { "ramrod", "Ramrod", "RamrodErrorDomain error: the device's restore daemon (restored) "
      "failing a step", cat_ramrod, 0, 0, 0 },
    { "asr", "ASR", "ASR (Apple Software Restore) error: writing the system image", cat_asr,
      0, 0, 0 },
    { "irecv", "irecv", "libirecovery return value (irecv_error_t): USB in recovery or DFU mode",
      cat_irecv, 0, 0, 0 },
    { "kio", "kIOReturn", "IOKit return value (kIOReturn…, NSMachErrorDomain 0xe00002xx)",
      cat_kio, 0, 0, 1 },
    { "posix", "errno", "POSIX errno (EPIPE 32, ECONNRESET 104 …)", cat_posix, 0, 0, 0 },
    { "fr", "futurerestore", "futurerestore's own error code (a return value, or an exception "
      "dump's code = source line << 16 | length of the file name)", cat_fr, 0, 0, 0 },
    { "idr", "idevicerestore", "idevicerestore's return value", cat_idr, 0, 0, 0 },
    { "imd", "libimobiledevice", "libimobiledevice service error (idevice_error_t, "
      "lockdownd_error_t, restored_error_t …: the service the line names)", cat_imd, 0, 0, 0 },
    { "nf", "NfResult", "NfRestore result: the device's NFC controller (Stockholm) updater",
      cat_nf, 0, 0, 0 },
    { "curl", "CURLcode", "libcurl result (CURLcode: 6 host not resolved, 7 could not connect, "
      "28 timeout, 35/60 TLS): the host's way to a server", cat_curl, 0, 0, 0 },
    { "mbedtls", "mbedTLS", "mbedTLS error (negative): the TLS session with the device or a "
      "key or certificate the host holds", cat_mbedtls, 0, 0, 0 },
    { "vz", "VZError", "Virtualization.framework error (VZErrorDomain): a macOS virtual "
      "machine's install or run on the Mac (10001-10007 are the install's)", cat_vz, 0, 0, 0 },
    { "ns", "NSError", "an NSError code of a domain no other space names (a Mac program's "
      "own error: the line says which domain)", cat_ns, 0, 0, 0 },
    { "amd", "MobileDevice", "MobileDevice error (kAMD…, 0xe80000xx): the computer talking to a "
      "device in normal mode (USB mux, lockdown, pairing, services), not a restore's result",
      cat_amd, 0, 0, 1 },
    { "libusb", "libusb", "libusb error (LIBUSB_ERROR_…, -1 to -12 and -99): the computer's USB "
      "library, in recovery and DFU mode (libirecovery) or any tool built on it", cat_libusb, 0, 0,
      0 },
};

size_t la_space_count(void)
{
    return sizeof(spaces) / sizeof(*spaces);
}

const struct la_space *la_space_at(size_t i)
{
    return i < la_space_count() ? &spaces[i] : NULL;
}

int la_space_find(const char *s, size_t len)
{
    for (size_t i = 0; i < la_space_count(); i++)
        if (strlen(spaces[i].id) == len && !strncasecmp(spaces[i].id, s, len))
            return (int)i;
    return -1;
}

int la_space_number(size_t space, long code, long *ret_number)
{
    if (space >= la_space_count() || !spaces[space].on_line)
        return 0;
    *ret_number = spaces[space].offset + code;
    return 1;
}
