#!/usr/bin/env python3
"""Classify every extracted message by the side and cause it implicates when it ENDS a restore run.

    classify.py PRODUCER GIT_DIR COMMIT [--unmatched] [--by-rule]

The classification is a table: RULES is an ordered list of (regex on the message's format,
optional scope on producer/file/function/level) -> side, cause, weight and a short reason, or an
explicit `ignore: <category>` for lines that are not an error report (help and prompt texts,
traces, a fragment of another line, an outcome line that names no cause, a warning after which
the run goes on). The first rule that matches wins. OVERRIDES, keyed by producer + format
(+ function when the same text means different things in two places), correct the table
where it is wrong for one message. Every message must end up with a class or an ignore;
`--unmatched` lists those that do not.

Sides and the causes they may name (cause ids of rules/data/causes.yaml):
  host-tool         host-software      (a bug, an option or mode misused, unsupported in the tool)
  host-environment  host-environment, host-software (files, permissions, disk, memory,
                                        usbmuxd/drivers, the host's own network)
  network-signing   signing-server     (TSS/SHSH, gs.apple.com, TLS/DNS/proxy on that path)
  link              usb-link           (USB send/receive, device gone, timeouts)
  device            storage, baseband, logic-board, device-software (what the device reports,
                                        the state it is in)
  image             firmware-image     (IPSW/zip/manifest/build identity/component)

Weights (log-odds units of the rule engine): 0.5 a hint, 1.0 the usual line, 1.5 strong,
2.0 specific, 3.0 decisive (the device says its storage or baseband failed, Apple no longer
signs the build, the tool says it is outdated).

`variants` refine one message by what the printed line carries (the TSS status, the lockdownd
error number): each is a regex on the printed line and the class that replaces the default.
"""

import argparse
import json
import re
import sys

SIDES = {
    "host-tool": {"host-software"},
    "host-environment": {"host-environment", "host-software"},
    "network-signing": {"signing-server"},
    "link": {"usb-link"},
    "device": {"storage", "baseband", "logic-board", "device-software"},
    "image": {"firmware-image"},
}
CAUSES = {"usb-link", "host-software", "signing-server", "device-software", "firmware-image",
          "storage", "baseband", "logic-board", "host-environment"}

IGNORE_CATEGORIES = {
    "prompt": "an interactive prompt or banner, not an error",
    "usage": "help text or a version banner",
    "trace": "a progress or debug trace that reports no failure",
    "fragment": "a piece of a line another message completes; that message is classified",
    "outcome": "says the run failed and names no cause; the lines before it carry the cause",
    "non-fatal": "the tool says it goes on (retrying, falling back, continuing anyway)",
    "no-text": "only a prefix around text printed from elsewhere (a device or library message)",
    "debug": "printed only when a library's log is turned up to its info or debug level (what "
             "it tried, what it does next); the error-level line after it names the failure",
}

NOT_TSS_C = r"^(?!tsschecker/tss\.c$)"
TOOL, ENV, SIGN, LINK, DEV, IMG = ("host-tool", "host-environment", "network-signing", "link",
                                   "device", "image")


class Rule:
    __slots__ = ("pattern", "regex", "side", "cause", "weight", "reason", "ignore", "scope",
                 "variants", "hits", "index")

    def __init__(self, pattern, side=None, cause=None, weight=None, reason="", ignore=None,
                 variants=None, **scope):
        self.pattern = pattern
        self.regex = re.compile(pattern, re.I | re.S)
        self.side, self.cause, self.weight, self.reason = side, cause, weight, reason
        self.ignore = ignore
        self.variants = variants or []
        self.scope = {k: (re.compile(v) if isinstance(v, str) else v) for k, v in scope.items()}
        self.hits = 0
        self.index = 0

    def matches(self, rec):
        for key, want in self.scope.items():
            if key == "level":
                if rec["level"] not in want:
                    return False
            elif not want.search(rec.get(key, "") or ""):
                return False
        return bool(self.regex.search(rec["format"]) or self.regex.search(bare(rec["format"])))


def ev(pattern, side, cause, weight, reason, **kw):
    return Rule(pattern, side, cause, weight, reason, **kw)


def ig(pattern, category, reason="", **kw):
    return Rule(pattern, ignore=category, reason=reason, **kw)


def var(match, side, cause, weight, reason):
    return {"match": match, "side": side, "cause": cause, "weight": weight, "reason": reason}


# Refinements by the lockdownd error number printed in "... lockdownd: %s (%d)" lines
# (libimobiledevice include/libimobiledevice/lockdown.h).
LOCKDOWN_VARIANTS = [
    var(r"\((-8)\)|error code -8\b|lockdown error -8\b|Mux error", LINK, "usb-link", 1.5,
        "lockdownd: mux error, the USB connection to the device broke"),
    var(r"\((-17|-18|-19)\)|error code -1[789]\b|lockdown error -1[789]\b|Password protected|"
        r"User denied pairing|Pairing dialog response pending",
        DEV, "device-software", 2.0,
        "lockdownd: the device is locked or the Trust dialog was not accepted"),
    var(r"\((-5|-20|-21|-29|-31)\)|error code -(5|20|21|29|31)\b|SSL error|HostID|pair record",
        ENV, "host-software", 1.5,
        "lockdownd: the host's pairing record is missing, stale or refused (SSL); re-pair"),
]

# Refinements by the TSS status the signing server answered (libtatsu tss_request_send).
TSS_STATUS_VARIANTS = [
    var(r"status=(94|69)\b|STATUS=(94|69)\b", SIGN, "signing-server", 3.0,
        "the signing server says the device is not eligible for this build (not signed)"),
    var(r"status=(8|49|100|126)\b|STATUS=(8|49|100|126)\b", TOOL, "host-software", 2.0,
        "the signing server rejected the request as malformed: the tool's request is wrong "
        "for this device or build (update the tool)"),
    var(r"status=-1\b", SIGN, "signing-server", 2.0,
        "no answer from the signing server: network, DNS, proxy, TLS or a hosts-file redirect "
        "on the way to gs.apple.com"),
]

# Refinements by the errno a libusb message prints ("claim interface failed, errno=16",
# "libusb couldn't open USB device /dev/bus/usb/001/005, errno=13"; Linux errno values). EPERM
# (1) is left to the entry: `rules test` fills %d with 1, and the entry's own rule must take
# that sample (rules/host-runtime.yaml's host-runtime.usb-access-denied reads errno=1).
ERRNO_VARIANTS = [
    var(r"errno=13\b", ENV, "host-environment", 2.0,
        "errno 13 (EACCES): no permission to open the device node: on Linux no udev rule for "
        "the device, or the tool not run as root"),
    var(r"errno=16\b", ENV, "host-environment", 1.5,
        "errno 16 (EBUSY): another program or kernel driver holds the device (usbmuxd, a "
        "second tool)"),
    var(r"errno=12\b", ENV, "host-environment", 1.0, "errno 12 (ENOMEM): the host ran out of "
        "memory"),
    var(r"errno=(19|2|6|108)\b", LINK, "usb-link", 1.5,
        "errno 19/2/6/108 (ENODEV/ENOENT/ENXIO/ESHUTDOWN): the device left the bus"),
]

RULES = [
    # ---------------------------------------------------------------- libimobiledevice 1.3's
    # common/socket.c (since moved to libimobiledevice-glue): the host's sockets, to usbmuxd
    # (a unix socket) or to a device on the network. Most print only at socket verbosity 2,
    # which the restore tools' -d does not set.
    ig(r"^%s: (EINTR|EAGAIN)$", "trace", "a read interrupted or not ready yet; it is retried",
       file=r"^common/socket\.c$"),
    ev(r"^WSAStartup failed!$", ENV, "host-environment", 1.0,
       "Windows' socket library did not start on the host", file=r"^common/socket\.c$"),
    ev(r"^%s: stat '%s': %s$|File '%s' is not a socket|^%s: connect: %s$", ENV, "host-software",
       1.0, "usbmuxd's socket is missing or refuses the connection: usbmuxd is not running "
       "on the host", file=r"^common/socket\.c$"),
    ev(r"Could not connect to %s( port |:)%d|^%s: timeout$|^%s: select failed|"
       r"recv returned 0", LINK, "usb-link", 0.5,
       "the connection to the device (or its network address) could not be made, timed out "
       "or was closed", file=r"^common/socket\.c$"),
    ev(r"^(%s: )?(socket|bind|listen)(\(\))?: %s$|^getifaddrs: %s$|^%s: getaddrinfo: %s$|"
       r"^Could not set (TCP_NODELAY|send buffer|receive buffer)", ENV, "host-environment", 0.5,
       "the host could not open or configure a socket", file=r"^common/socket\.c$"),
    ig(r"You are about to perform an \*ERASE\* restore|Please type YES|hit CTRL\+C|"
       r"press CTRL-C now to cancel|continuing restore in|aborted by user", "prompt"),
    ig(r"^\s+\t\tWARNING: only use this for|^Version: ", "usage", function=r"cmd_help|^main$"),
    ig(r"^Unknown Variant", "trace", level={"info"}),
    ig(r"is not in restore mode", "trace", "checking whether a device is the one being restored",
       function=r"restore_is_current_device"),
    ig(r"^\[mbedtls\]\[%d\]", "trace", "the TLS library's own debug log"),
    ig(r"Could not get configuration (5|%i) descriptor", "trace",
       "probing a USB configuration the device may not have"),
    ig(r"^checking for local shsh$", "trace", "printed at error level before reading a local "
       "SHSH file; no failure"),
    ig(r"^(Status: )?Restore Finished|^DONE$|restoring succeeded", "trace"),
    ig(r"does not require a TSS record|Device does not require stashbag|does not have "
       r"TelephonyCapability|doesn't like the newer protocol|Could not get LLB path from TSS data, "
       r"will fetch|^Cached %s not found|Build identity does not have a '%s' component|"
       r"Build identity does not have a \"%s\" component|Skipping .%s. as it doesn't have "
       r"RestoreRequestRules", "trace"),
    ig(r"^NOTE: Unable to find Bb\w+ node$|^NOTE: Unable to find %s path in TSS entry$|"
       r"^DEBUG: %s: No entry|^DEBUG: No Digest data", "trace",
       "an optional manifest or TSS entry is absent; the request goes on without it"),
    ig(r"timeout waiting for command|^No data to read|USB timeout is|Device timeout is|"
       r"Sending ACK due to expired timeout|fd %d not found in client list|"
       r"Client %d is going to be disconnected|Client died mid-connect|^Connection refused by "
       r"device|TX aborted due to disconnect|RX aborted due to disconnect|"
       r"device %016llx \(udid: %s\) disconnected|receive params:|"
       r"Attempted to (connect|abort).*nonexistent|Version packet from already initialized",
       "trace", "normal traffic: an idle read timeout, a client or device going away between "
       "restore phases"),
    ig(r"^(Getting \w+Nonce )?failed$", "fragment",
       "ends a \"Getting ApNonce/SepNonce ...\" progress line; the error after it is classified"),
    ig(r"^radio-error(-string)?[=:] ?%s$", "fragment",
       "iBoot's radio-error variable printed as a fact; baseband rules read its value"),
    ig(r"^(ERROR: )?(RESTORE FAILED|Unable to (successfully )?restore device|"
       r"Done: restoring failed!|Failed with error code=%d|Failed with errorcode=%d|"
       r"\[Error\] Fail code=%d|%s: failed with exception:|"
       r"Failed to handle %s)$", "outcome"),
    ig(r"^Unhandled progress operation|^Unknown message type received|^Unknown message received|"
       r"^unhandled message type received", "trace",
       "a message this tool does not display; the restore goes on"),
    ev(r"^Failed to parse (operation|progress|checkpoint \w+|arguments|restore log) from",
       TOOL, "host-software", 1.5,
       "the device sent a message in a form this tool does not understand, and the restore "
       "stops: update the tool"),
    ev(r"FDR %p received unknown plist command", TOOL, "host-software", 1.0,
       "the device's FDR sent a command this tool does not know; the FDR exchange stops",
       producer=r"^idevicerestore$"),
    ig(r"continuing anyway|Trying to continue anyway|retrying|trying to use old one|"
       r"falling back|using fallback|trying fallback|Not failing here|\(ignored\)|"
       r"Going on with %d loops|reactive path will handle|Retrying %s peripheral|"
       r"downloading a new one|futurerestore updates! continuing|applying hax\.\.\.|"
       r"failed to read BasebandGoldCertID from device! Is it already in recovery|"
       r"skipping this chip in the batch|WARNING: If attempting to install iPhoneOS 2\.x|"
       r"WARNING: key 'SupportedProductTypes'|Could not find connection for device|"
       r"couldn't find tag %s in string|will not write|assuming recovery mode|"
       r"^WARNING: Unable to find ApNonce in parameters$|setting to 64|"
       r"^WARNING: Unable to send APTicket$|Could not unpair device|will return as string|^NOTE: Unable to get nonce from device$|"
       r"waiting 1 sec before retry|Another instance is already running|"
       r"Could not set (send|receive) buffer for client socket|Completing initialization in "
       r"current mode|Skipping switch device|Switching device %i-%i mode|"
       r"Skipping addition of firmware_preflight_info|Skipping bidirectional SSL shutdown|"
       r"ssl_recv_timeout was not properly reset|Could not unlock file|Could not lock file|"
       r"NOT VALIDATING SHSH|skipping ramdisk hash check|full buildidentity check is not "
       r"implemented|Setting bgcolor to green|Checkpoint WARNING|Attempting to continue after "
       r"critical error|ignoring FDR message|received unknown (packet|plist command)|"
       r"Sending query with unknown domain|Could not generate temporary filename|Could not get "
       r"temporary filename|WARNING: errno says|not sending RootTicketData|re-read trying",
       "non-fatal"),
    ig(r"^(ERROR: |WARNING: |%s: )*(ERROR|Error|WARNING)?:? ?%s!?\.?$|^%s: WARNING: Unknown "
       r"operation code|^Device %d: (ERROR|WARNING): %\.\*s$|^ERROR: %s returned %d$|"
       r"^send_firmware_updater_preflight: %s$", "no-text"),

    # ---------------------------------------------------------------- libusb
    # The USB library under libirecovery (DFU and recovery mode), so under idevicerestore,
    # irecovery and futurerestore on every host. Its log lines read "libusb: <level>
    # [<function>] <message>" (core.c log_v()); its error names (libusb_error_name()) and
    # texts (libusb_strerror(), darwin_error_str()) are printed inside the tools' own lines
    # ("irecv_open_with_ecid: can't connect to device: LIBUSB_ERROR_ACCESS"). What a message
    # means for a restore: no permission or the device held by another program -> the host's
    # environment; a driver or backend missing on Windows -> the host's software; the device
    # gone or a transfer broken mid-way -> the link; out of memory and the OS's own event,
    # thread and timer calls -> the host; a misuse of the API -> the tool.
    ig(r".", "debug", "libusb's debug log (LIBUSB_DEBUG=4, or a tool's debug flag): what it "
       "tries and what it does next, not the line a run fails on", producer=r"^libusb$",
       level={"debug"}),
    ig(r".", "debug", "libusb's informational log (LIBUSB_DEBUG=3 or more): what it finds or "
       "will try next (a backend it does not load, an entitlement it lacks); the error that "
       "follows, if any, names the failure", producer=r"^libusb$", level={"info"}),
    ig(r"^no error$", "trace", "darwin_error_str()'s text of kIOReturnSuccess",
       producer=r"^libusb$"),
    ig(r"still referenced|application left some devices open|reference not released on last "
       r"exit", "trace", "printed at libusb_exit() when the tool did not release a device or "
       "handle: a leak in the tool at its exit, not why the run ended", producer=r"^libusb$"),
    ig(r"skipping|ignoring|trying without|using default value|try again|"
       r"not retrying|some devices may not be accessible|cancelling it$|keeping timed-out|"
       r"^auto-claimed interface",
       "non-fatal", "libusb leaves one device, interface or request aside (or retries) and goes "
       "on", producer=r"^libusb$"),
    # permissions and exclusive access
    ev(r"^libusb couldn't open USB device %s, errno=%d$", ENV, "host-environment", 2.0,
       "libusb could not open the device node: mostly no permission (errno 13, or 1 in a "
       "sandbox): on Linux no udev rule for the device, or the tool not run as root; the "
       "errno tells a busy or vanished device apart", producer=r"^libusb$",
       variants=[v for v in ERRNO_VARIANTS if not v["match"].startswith(r"errno=13")]),
    ev(r"requires write access to USB device nodes|LIBUSB_ERROR_ACCESS|^Access denied|"
       r"another process has device opened for exclusive access|device not opened for "
       r"exclusive access|capture requires either an entitlement",
       ENV, "host-environment", 2.0,
       "libusb may not open the device: on Linux no udev rule or not run as root, on macOS "
       "another program (Finder, iTunes, a phone manager) holds it or the tool lacks the "
       "capture entitlement or root", producer=r"^libusb$"),
    ev(r"LIBUSB_ERROR_BUSY|^Resource busy$", ENV, "host-environment", 1.5,
       "the interface is claimed by another program or kernel driver (usbmuxd, a second "
       "tool, a driver libusb could not detach)", producer=r"^libusb$"),
    # drivers and backends on Windows
    ev(r"neither WinUSB nor libusbK|failed to initialize (WinUSB|libusbK)|LibK_GetProcAddress|"
       r"could not resolve DLL functions|error initializing %s backend|UsbDk backend not "
       r"available|Failed to load UsbDkHelper|UsbDkHelper API|UsbDk service|Redirector "
       r"(startup|shutdown) failed|unrecognized device driver|driver for device '%s' is "
       r"reporting an issue|installation state of driver|could not initialize filter driver|"
       r"cancellation not supported for this transfer's driver|DLL does not support isoch|"
       r"device driver does not support|is not managed by WinUSB|WinUSB handle not valid|"
       r"no libusb supported interfaces|could not open device %s|LIBUSB_ERROR_NOT_SUPPORTED|"
       r"^Operation not supported or unimplemented|LIBUSB_ERROR_NOT_FOUND|^Entity not found$",
       ENV, "host-software", 1.5,
       "libusb has no usable driver for the device: on Windows the device needs WinUSB, "
       "libusbK or UsbDk (Apple's driver alone is not one libusb can use), elsewhere the "
       "interface or backend is not there; install the driver the tool's README names",
       producer=r"^libusb$"),
    ev(r"program assertion failed|interface must be claimed first|cannot set configuration "
       r"other than the default|not supported for altsetting|API misuse|Device handle closed "
       r"while transfer|too large$|unknown HID report type",
       TOOL, "host-software", 0.5,
       "one of libusb's own checks failed, or the tool asked for what the backend cannot do: "
       "a bug or limit of the tool or of libusb", producer=r"^libusb$"),
    # out of memory and resources
    ev(r"alloc|LIBUSB_ERROR_NO_MEM|^Insufficient memory$|out of resources|can not be wired|"
       r"hash table is full|could not duplicate string",
       ENV, "host-environment", 1.0,
       "the host ran out of memory or of a kernel resource", producer=r"^libusb$"),
    # the host OS: versions, event and thread machinery, hotplug monitors, sysfs
    ev(r"too old|with this version of macOS", ENV, "host-software", 2.0,
       "the computer's operating system (Linux kernel, Windows, macOS) is older than libusb "
       "supports: update it, or restore from a newer computer", producer=r"^libusb$"),
    ev(r"could not determine the running|could not read kern\.osrelease|uname|"
       r"failed to detect Windows version|sysfs not mounted|could not find usbfs",
       ENV, "host-environment", 1.0,
       "libusb could not read what it needs from the host's operating system (its version, "
       "sysfs or usbfs missing, as in a container)", producer=r"^libusb$"),
    ev(r"eventfd|timerfd|set timer for|pipe (fd|write|read)|failed to create pipe|"
       r"event (write|read) failed|poll\(\) failed|netlink|udev|hotplug|CreateEvent|CloseHandle|SetEvent|ResetEvent|"
       r"WaitableTimer|WaitForMultipleObjects|I/O completion|GetQueuedCompletionStatus|"
       r"event thread|event source|control event|notification window|window class|"
       r"could not create event thread|system directory|Advapi32|service control manager|"
       r"sysfs|opendir|read_sysfs|attribute %s|lseek failed|read descriptor failed|getcap|"
       r"connectinfo|Can not parse sysfs_dir|^open %s failed|devinst|device info|"
       r"interface data|interface path|root hub|registry key|enumerator|GUID|"
       r"DeviceInterfaceGUID|pRegQueryValueExA|child devinst|HCD|get node connection|"
       r"parent for device|ancestor for device|could not open hub|bus number|"
       r"port number for device|failed to initialize device|device missing IOService|"
       r"could not establish a connection to the Darwin kernel|no async port|"
       r"CreateDeviceAsyncEventSource|IOCreatePlugInInterfaceForService|QueryInterface|"
       r"plugin interface|async event source|IOServiceAuthorize|darwin_get_interface",
       ENV, "host-environment", 0.5,
       "a call into the host's operating system that libusb needs (events, threads, timers, "
       "device enumeration, the USB stack's plug-ins) failed: the host, rarely the device",
       producer=r"^libusb$"),
    ev(r"(submiturb|reap|clear halt|reset|set interface|set configuration|get configuration|"
       r"claim interface|release interface) failed, errno=%", LINK, "usb-link", 1.0,
       "a request to the device through the kernel's USB file system failed; the errno says "
       "why (13: permission, 16: busy, 19/2/6: the device went away)",
       producer=r"^libusb$", variants=ERRNO_VARIANTS),
    ev(r"(get driver|detach|attach|disconnect-and-claim) failed, errno=%", ENV,
       "host-environment", 1.0,
       "libusb could not take the device from the kernel driver that holds it; the errno says "
       "why (13: permission, 16: busy, 19/2/6: the device went away)",
       producer=r"^libusb$", variants=ERRNO_VARIANTS),
    # the device gone, transfers broken mid-way
    ev(r"LIBUSB_ERROR_NO_DEVICE|LIBUSB_TRANSFER_NO_DEVICE|^No such device|no connection to "
       r"an IOService|is no longer connected|device not responding|Device handle closed while "
       r"transfer",
       LINK, "usb-link", 1.5, "the device went away from the USB bus during the exchange "
       "(it rebooted, or the cable or port dropped it)", producer=r"^libusb$"),
    ev(r"LIBUSB_ERROR_PIPE|LIBUSB_TRANSFER_STALL|^Pipe error$|pipe is stalled|ClearPipeStall|"
       r"clearing pipe halt|clear halt|ResetPipe|^Flushing of HID queue|aborting all transactions",
       LINK, "usb-link", 0.5,
       "an endpoint stalled: a broken transfer, or the device (iBoot) refusing a request, "
       "which a stall also says", producer=r"^libusb$"),
    ev(r"LIBUSB_ERROR_(IO|TIMEOUT|OVERFLOW|OTHER)|LIBUSB_TRANSFER_(ERROR|TIMED_OUT|OVERFLOW|"
       r"CANCELLED)|^Input/Output Error$|^Operation timed out$|^Overflow$|^Other error$|"
       r"transaction (timed out|aborted)|high speed split error|data overrun|timed out|"
       r"timeout|transfer (failed|error)|request failed|ControlTransfer|ReadPipe|WritePipe|"
       r"IsoReadPipe|IsochPipe|AbortPipe|FlushPipe|submiturb|reap failed|urb|URB|"
       r"low-level|I/O error|handle_events failed|handle_transfer_completion failed|"
       r"async cancel failed|cancel transfer failed|failed to set timer|ReEnumerate|\] OVERFLOW!$|"
       r"reenumerate|reset failed|ResetDevice|could not locate urb|unrecognised status code|"
       r"HID transfer failed|HID Report|HID Output Report|zero bytes returned in ctrl",
       LINK, "usb-link", 1.0,
       "a USB transfer to or from the device failed or timed out mid-way: the link (cable, "
       "port, hub) or a device that stopped answering", producer=r"^libusb$"),
    ev(r"claim|SetAlternateInterface|altsetting|set configuration|could not reclaim|"
       r"USBDeviceOpen|USBDeviceClose|USBInterfaceClose|SetCurrentAlternateSetting|"
       r"could not access interface|auto-claim",
       ENV, "host-environment", 1.0,
       "libusb could not open, claim or configure the device's interface: another program "
       "or driver holds it, or the host would not let it", producer=r"^libusb$"),
    # descriptors the device sent
    ev(r"descriptor|desc |desc$|bLength|wTotalLength|BOS|bDevCapabilityType|too many "
       r"(configurations|interfaces|endpoints)|configuration 0|unconfigured|no configurations|"
       r"config length mismatch|ssplus|still %d bytes|parse_configuration failed|"
       r"parse_iad_array failed|could not build endpoint table|endpoints for interface|"
       r"alternate setting for interface|language ID|getting device speed",
       LINK, "usb-link", 0.5,
       "the device's USB descriptors came back short or malformed: a flaky enumeration "
       "(cable, port, hub), rarely a device in a broken state", producer=r"^libusb$"),
    # the tool using libusb wrongly, libusb's own checks
    ev(r"LIBUSB_ERROR_INVALID_PARAM|^Invalid parameter$|^invalid argument$|"
       r"LIBUSB_ERROR_INTERRUPTED|^System call interrupted|program assertion failed|"
       r"API misuse|Close called on a device that was not open|must be claimed first|"
       r"unknown endpoint type|unknown transfer type|unrecognised transfer type|"
       r"unsupported (endpoint|transfer) type|not supported|unsupported|RAW_IO|"
       r"endpoint not found|not found on any open interface|unable to match endpoint|"
       r"pipeRef|pipe ref not recognized|invalid associated index|isoch|ZERO_PACKET|"
       r"SHORT_PACKET_TERMINATE|interface %d with altsetting|interface too large|"
       r"interface must|port numbers array|cannot set configuration other than|"
       r"cannot find handle for fd|device interface is NULL|malformed request|"
       r"transfer priv|unknown device speed|Got unknown device speed|pipe properties|"
       r"bus frame number|mismatched report ID|invalid size|unknown HID report|"
       r"HID top collection|HID preparsed|HID capabilities|report IDs|cancellation|"
       r"invalid_interface|interface_number|idProduct from iokit|cannot form device identity|"
       r"cannot append new device|streams-ioctl|dev mem|driver failed|detach failed|"
       r"attach failed|disconnect-and-claim|auto-detach|kernel driver|CreateEvent|"
       r"Release final refCount|unrecognised discard|interface not found|"
       r"interface sysfs directory name|too long|no GUID with index|failed to set hotplug|"
       r"bulk stream|iso packet|query interface settings",
       TOOL, "host-software", 0.5,
       "libusb refused a request the tool made or one of its own checks failed: a bug or "
       "limit of the tool or of libusb, rarely the cause of a restore failure",
       producer=r"^libusb$"),

    # ---------------------------------------------------------------- tsschecker
    # (its tss.c is idevicerestore's, copied: those messages are classified as there)
    # futurerestore's signing-ticket helper: it reads the firmware lists (ipsw.me), the
    # BuildManifest and its own device tables, builds the TSS request and reads the answer.
    ig(r"continuing without requesting Baseband ticket|Skipping requesting baseband ticket|"
       r"No ecid specified, generating random ecid|Ignoring incompatible ProductType|"
       r"Assuming SHA384|Assuming this is ota\.json|^Unknown restore rule|FUNCTION IS DEPRECATED|"
       r"A BasebandGoldCertID is not required",
       "non-fatal", producer=r"^tsschecker", file=NOT_TSS_C),
    ig(r"^DEBUG: tmp=", "trace", producer=r"^tsschecker", file=NOT_TSS_C),
    ev(r"is NOT signed|is NOT being signed", SIGN, "signing-server", 3.0,
       "Apple's signing server no longer signs this build for this device",
       producer=r"^tsschecker", file=NOT_TSS_C),
    ev(r"not in bbgcid\.json|in baseband database|could not be found in devicelist|"
       r"cant find boardconfig|Can't get board type|can't unambiguously map|Unknown device with "
       r"noncelen|UNKNOWN CPID|no firmwares found for device|ProductType is not valid for this "
       r"request",
       TOOL, "host-software", 2.0,
       "the tool's own device tables do not know this device or model: update the tool or give "
       "the board config by hand", producer=r"^tsschecker", file=NOT_TSS_C),
    ev(r"^Please specify|^No device specified|parsing parameter failed|manually specified "
       r"\w+=%s, but parsing failed|If you using --boardconfig|option out of range|Odd number of "
       r"char in hexstr|^Noncetype is|^Bad BbSNUM len|parsed \w+Noncelen != |Got unexpected char",
       TOOL, "host-software", 1.5,
       "an option or argument is wrong for this run: fix the command line",
       producer=r"^tsschecker", file=NOT_TSS_C),
    ev(r"[Ff]ailed to open url|failed to download|curl failed|Failed to init curl|Failed to "
       r"download|Failed to send request with err|could not get firmware\.json",
       ENV, "host-environment", 1.5,
       "the tool could not fetch from the internet (firmware list, manifest or the signing "
       "server): network, DNS, proxy or TLS on this computer", producer=r"^tsschecker", file=NOT_TSS_C),
    ev(r"Failed to find (status|message) in response|Failed to find response$|^Failed to get "
       r"ticket$|^failure$",
       SIGN, "signing-server", 1.0,
       "the signing server's answer holds no ticket", producer=r"^tsschecker", file=NOT_TSS_C),
    ev(r"Failed to parse json|not DICT or ARRAY|not ARRAY|Failed to get (devices|firmwares|"
       r"buildid|version) key|cached %s\.json|Failed to (load|store) cache|Failed to find "
       r"firmware",
       TOOL, "host-software", 1.0,
       "the firmware list the tool downloads is not in the form this version expects: update "
       "the tool", producer=r"^tsschecker", file=NOT_TSS_C),
    ev(r"Failed to mkdir|Failed to create file|Failed to write to file|Failed to read file|"
       r"Failed to stat file|Failed to read from file|Failed to load plist from|could not get TMP "
       r"path",
       ENV, "host-environment", 1.0,
       "a file or folder on this computer could not be read or written (path, permission, "
       "disk space)", producer=r"^tsschecker", file=NOT_TSS_C),
    ev(r"Manifest|BuildIdentit|buildidentiy|RestoreRamDisks|RestoreKernelCaches|DeviceMap|"
       r"RestoreBehavior|DeviceClass|infodict|could not get id|component (Path|Info)|"
       r"Failed to get '|ProductVersion|ProductBuildVersion|SupportedProductTypes|"
       r"Failed to get (CPID|BDID|cpid val|bdid val|board config val|variant str|kernelpath|"
       r"updateRamdiskPath|userRamdiskPath)|Unexpected nonce type",
       IMG, "firmware-image", 1.0,
       "the build manifest lacks what the request needs: a wrong, damaged or unusual firmware "
       "manifest for this device", producer=r"^tsschecker", file=NOT_TSS_C),
    ev(r"tss request|tssrequest|Failed to create new request|construct baseband requste|"
       r"Failed to add custom non-optional component|getting BasebandGoldCertID|"
       r"Failed to get BasebandGoldCertID|failed to get BasebandGoldCertID",
       TOOL, "host-software", 1.0,
       "the tool could not build the signing request for this device and build",
       producer=r"^tsschecker", file=NOT_TSS_C),
    ev(r"unexpected case|TODO implement|failed to malloc|internal error|Failed to get (str|data) "
       r"ptr|Failed to copy buildmanifest",
       TOOL, "host-software", 0.5, "an internal check of the tool failed (a bug)",
       producer=r"^tsschecker", file=NOT_TSS_C),

    # ---------------------------------------------------------------- Legacy iOS Kit
    # A bash front end: error()/Error() print "[Error] ..." and exit; warn() prints
    # "[WARNING] ..." and the script goes on (advice, flags in effect, known limits).
    ig(r"^(?!.*[Cc]annot continue|.*will fail)", "non-fatal", "a warning the script prints and goes "
       "on (advice, a flag in effect, a known limit)", producer=r"^legacy-ios-kit",
       level={"warning"}),
    ev(r"Failed to enter pwnDFU mode|Failed to send iBSS\. Your device has likely failed",
       ENV, "host-environment", 0.5,
       "the checkm8-style exploit did not take: its success depends on the computer's USB "
       "controller (AMD, hubs, some Linux hosts) and on luck; retry, or another port or computer",
       producer=r"^legacy-ios-kit"),
    ev(r"Failed to enter pwnREC mode\. You may have to force restart|is NOT in PWNED DFU mode",
       DEV, "device-software", 1.0,
       "the device is not in the state the next step needs: force restart it and enter pwned "
       "DFU again, as the script says", producer=r"^legacy-ios-kit"),
    ig(r"Failed to enter (pwnDFU|pwnREC|%s) mode|Device failed to enter %s mode|Failed to find "
       r"device in %s mode|Failed to find device in kDFU mode|is NOT in PWNED DFU mode|Failed to "
       r"send iBSS\. Your device has likely failed|Failed to detect device in",
       "outcome", "says the device did not reach the (pwned) mode the next step needs, not why: "
       "the exploit's luck, the USB controller, the cable or the device's state",
       producer=r"^legacy-ios-kit"),
    ev(r"Internet connection|Downloading %s failed|[Ff]ailed to download|GitHub may be down|"
       r"wikiproxy failed|git (clone|fetch) failed|Failed to check for updates",
       ENV, "host-environment", 1.5,
       "the script could not download what it needs: the computer's network, DNS or proxy",
       producer=r"^legacy-ios-kit"),
    ev(r"Verifying IPSW failed|Verifying %s failed|IPSW (file )?not found|No IPSW selected|"
       r"custom IPSW|Cannot find darling|failed validation|Validation failed|does not seem to "
       r"match the current version|An error occurred with the (tar|unzip|zip) operation",
       IMG, "firmware-image", 1.5,
       "the firmware file (IPSW) is missing, damaged, the wrong one, or could not be unpacked",
       producer=r"^legacy-ios-kit"),
    ev(r"SHSH|blobs? failed|[Bb]lob file|raw dump|onboard blobs|Saving %s blobs",
       SIGN, "signing-server", 1.0,
       "the signing tickets (SHSH blobs) for this restore could not be saved or are not valid",
       producer=r"^legacy-ios-kit"),
    ev(r"No device found|Unable to detect device type|Unable to get device UDID|Unable to pair",
       LINK, "usb-link", 1.0,
       "the computer does not see the device (cable, port, or the device is not trusted)",
       producer=r"^legacy-ios-kit"),
    ev(r"Unrecognized device|Your device %s ?%sis not supported|device is mostly not supported|"
       r"is not supported for jailbreaking|not supported on Linux|This version \(%s\) is not "
       r"supported|iOS %s is not supported|Missing BasebandURL|downloaded incorrectly|Setting "
       r"tool paths failed|resources folder cannot be found|Failed to find bin directory",
       TOOL, "host-software", 1.5,
       "the script does not support this device or version, or its copy is incomplete: update "
       "it and download it as its README says", producer=r"^legacy-ios-kit"),
    ev(r"[Pp]latform|architecture|distro|Distro|macOS version|Xcode|not found in PATH|not "
       r"installed|Python|running as root|[Ff]ile permissions|execute permissions|Running "
       r"Legacy iOS Kit on iOS",
       ENV, "host-environment", 1.5,
       "the computer the script runs on is not one it supports, or lacks a dependency or "
       "permission", producer=r"^legacy-ios-kit"),
    ev(r"SSH|dump|Dump|jailbr|[Aa]ctivat|bootstrap|untether|mount|Mount",
       DEV, "device-software", 0.5,
       "a step on the device itself (SSH ramdisk, dump, jailbreak) failed",
       producer=r"^legacy-ios-kit"),
    ev(r".", TOOL, "host-software", 0.5,
       "the script stopped with its own error; the lines before it carry more",
       producer=r"^legacy-ios-kit"),

    # ---------------------------------------------------------------- wrappers
    # Front ends around idevicerestore/futurerestore (extract.py, "wrappers"): only their own
    # words. A generic "Restore failed"/"Exiting" of theirs names no cause (outcome); the
    # lines of the tool they ran, before it, carry the cause.
    #
    # LeetDown (LeetDown_M/*.mm at 679189a): updateStatus: lines, console printf/NSLog, alerts.
    ig(r"^(Select iPSW|Would you like to|Warning$|Downgrading your device will erase|Backup your "
       r"blob|Update available|A new version of LeetDown)", "prompt",
       "an alert that asks the user to choose (IPSW source, erase warning, blob backup, update)",
       producer=r"^leetdown$"),
    ig(r"^Restore was cancelled by user$", "prompt", "the user cancelled at the erase warning",
       producer=r"^leetdown$"),
    ig(r"^Please reconnect the USB cable to your Mac\.|^Please note that USB Hubs can cause",
       "fragment", "the text under an alert's title, which is classified",
       producer=r"^leetdown$"),
    ig(r"^Warning: Device reconnected$", "non-fatal",
       "the device came back while LeetDown waited for it; the run goes on",
       producer=r"^leetdown$"),
    ig(r"^Unable to access USB device properties$|^Name not found$|^Unable to get C string "
       r"representation of name$", "non-fatal",
       "LeetDown could not name one USB device that appeared; it ignores that device and goes on",
       producer=r"^leetdown$"),
    ig(r"^Error: %[ds]$", "outcome",
       "the updater's or the update check's own failure line, with no cause of its own",
       producer=r"^leetdown$"),
    ev(r"^(iPSW is corrupt!|Selected iPSW is corrupt)", IMG, "firmware-image", 2.0,
       "LeetDown's checksum of the IPSW does not match the build it needs: a damaged or "
       "different IPSW (download it again)", producer=r"^leetdown$"),
    ev(r"^This device only supports iOS %s downgrade, but the selected iPSW is for iOS", IMG,
       "firmware-image", 2.0, "the IPSW chosen is for another iOS version than LeetDown restores "
       "on this device", producer=r"^leetdown$"),
    ev(r"^Error patching (iBSS|iBEC|bootchain)$", IMG, "firmware-image", 1.0,
       "bspatch could not apply LeetDown's patch to the boot component taken from the IPSW: the "
       "IPSW is not the exact build the patch is for (or its check was turned off)",
       producer=r"^leetdown$"),
    ev(r"^An error occured extracting the iPSW", ENV, "host-environment", 1.0,
       "unpacking the IPSW into the temporary folder failed: free disk space on the Mac, as the "
       "line says (or a damaged download)", producer=r"^leetdown$"),
    ev(r"^You already have an iPSW in your Documents folder|^Provided path is invalid$", ENV,
       "host-environment", 1.0, "a file on the Mac is in the way or missing: the IPSW path given "
       "does not exist, or a same-named IPSW is already in Documents", producer=r"^leetdown$"),
    ev(r"^Failed to save %s OTA blob\. Is it being signed\?", SIGN, "signing-server", 2.0,
       "the OTA signing ticket (SHSH) could not be fetched: Apple may no longer sign this build, "
       "or the signing server could not be reached", producer=r"^leetdown$"),
    ev(r"^Invalid exploit index", TOOL, "host-software", 1.5,
       "LeetDown's exploit setting holds a value it does not know: reset its settings",
       producer=r"^leetdown$"),
    # The format's literal (" is not supported") is in many tools' lines: a weight that lets
    # their own, more specific entries outweigh it there.
    ev(r"^%s is not supported$", TOOL, "host-software", 0.5,
       "LeetDown does not support this device (board)", producer=r"^leetdown$"),
    ev(r"^(Failed to connect, please reconnect|An unknown error occured connecting to iOS "
       r"device|error connecting to device, stopping here|DFU device got lost|Error sending "
       r"bootchain)", LINK, "usb-link", 1.5,
       "LeetDown lost the device or could not open it over USB (it asks to reconnect the "
       "cable); the line says the link failed, not why", producer=r"^leetdown$"),
    ev(r"^(Failed to access device details|unable to send reset request)", LINK, "usb-link",
       1.0, "a request to the device over USB failed", producer=r"^leetdown$"),
    ev(r"^Tap the \"trust\" button", DEV, "device-software", 1.5,
       "the device has not trusted this Mac: tap Trust on the device and reconnect",
       producer=r"^leetdown$"),
    ev(r"^Please active the connected device", DEV, "device-software", 2.0,
       "the device is not activated, and LeetDown needs an activated device: activate it first",
       producer=r"^leetdown$"),
    ev(r"^Unable to determine the activation state of the device", DEV, "device-software", 0.5,
       "the device did not report whether it is activated", producer=r"^leetdown$"),
    ev(r"^(Device is in an invalid state, please place it in DFU|%s with ECID: %s is connected "
       r"in %s mode instead of DFU|Device is connected in %s, place it in normal mode)", DEV,
       "device-software", 1.5, "the device is not in the mode this step needs (DFU or normal): "
       "put it in that mode, as the line says", producer=r"^leetdown$"),
    ev(r"^A USB Hub is connected$", ENV, "host-environment", 0.5,
       "a USB hub sits between the Mac and the device; LeetDown warns that hubs disturb DFU "
       "communication", producer=r"^leetdown$"),
    ev(r"^Unable to (create matching dictionary|register) for USB device", ENV,
       "host-environment", 1.0, "the Mac's IOKit would not let LeetDown watch for USB devices",
       producer=r"^leetdown$"),
    ev(r"^(Error copying app to /Applications|Error unmounting dmg|Error moving updater to "
       r"temp directory|LeetDown could not check for updates)", ENV, "host-environment", 0.5,
       "LeetDown's own update failed (network, permissions or disk on the Mac); no restore step",
       producer=r"^leetdown$"),

    # n1ghtshade (belladonna/*.c at 2fda058): its host library's error_log/debug_log lines.
    ig(r"^Failed to restore device$|^Failed to boot ramdisk$", "outcome",
       "the library's or the command line tool's last word after the restore or ramdisk boot "
       "failed; idevicerestore's lines before it carry the cause", producer=r"^n1ghtshade$"),
    ev(r"^Failed to (stall pipe|create heap hole|send bug setup|abort bug setup|push forward "
       r"overwrite offset|send abort|overwrite task|upload payload|enter pwned DFU mode)", ENV,
       "host-environment", 0.5,
       "a step of the checkm8 exploit's USB exchange failed, so it did not take: its success "
       "depends on the computer's USB controller (hubs, some Macs) and on luck; re-enter DFU "
       "and retry, or another port or computer", producer=r"^n1ghtshade$"),
    ev(r"^(checkm8 offsets don't exist|A checkm8 configuration doesn't exist|No LLB found for "
       r"device|Failed to find a payload for image|Device not supported$)", TOOL,
       "host-software", 1.5, "n1ghtshade has no exploit, boot loader or payload for this device "
       "or boot stage: it does not support it", producer=r"^n1ghtshade$"),
    ev(r"^checkm8 (exploit|handler) too large|^Device handle already open|^No client to "
       r"reconnect to|^Client not attached|^Failed to create restore client|^Failed to close "
       r"device handle", TOOL, "host-software", 0.5,
       "an internal check of the tool failed (a bug)", producer=r"^n1ghtshade$"),
    ev(r"^Custom boot-args only work on iBoot", TOOL, "host-software", 1.0,
       "custom boot arguments were given for a boot that cannot take them",
       producer=r"^n1ghtshade$"),
    ev(r"^Failed to allocate", ENV, "host-environment", 1.0, "the host ran out of memory",
       producer=r"^n1ghtshade$"),
    ev(r"^Failed to download llb", ENV, "host-environment", 1.0,
       "the boot loader could not be downloaded from Apple's firmware server: the computer's "
       "network", producer=r"^n1ghtshade$"),
    ev(r"^Failed to read ramdisk at", ENV, "host-environment", 1.0,
       "the ramdisk file given cannot be read on the computer", producer=r"^n1ghtshade$"),
    ev(r"^(Device not in (pwned )?DFU mode)", DEV, "device-software", 1.0,
       "the device is not in the (pwned) DFU mode this step needs: enter DFU again",
       producer=r"^n1ghtshade$"),
    ev(r"^Failed to boot ramdisk\. Please restore", DEV, "device-software", 1.0,
       "the jailbreak ramdisk never came up on the device; the tool asks to restore and retry",
       producer=r"^n1ghtshade$"),
    ev(r"^Failed to (enable non default apps|install the n1ghtshade app|run uicache|disable "
       r"system updates|install launchctl|install jb_init|disable stashing|hacktivate|send done "
       r"message)", DEV, "device-software", 0.5,
       "a jailbreak step the ramdisk runs on the device failed", producer=r"^n1ghtshade$"),
    ev(r"^(Failed to get client|No device connected|Failed to get device information|Failed to "
       r"get device mode|Failed to reconnect to device|Failed to send (fake data|blank packet|"
       r"fsboot command|go command)|Failed to request status|Failed to upload (command|ramdisk|"
       r"atropine payload)|Failed to (boot LLB|execute iBoot|boot iBoot|initialise atropine|set "
       r"boot-args|set ramdisk|execute kernel|set new boot-args|save new boot-args)|Failed to "
       r"open ramdisk (port|file handle)|Failed to read from the ramdisk)", LINK, "usb-link",
       1.0, "sending a command or an image to the device, or reaching it, failed over USB",
       producer=r"^n1ghtshade$"),

    # Inferius (inferius, utils/ at b3c458f; resources/ at 4e2a44c): sys.exit("[ERROR] ...").
    ig(r"^\[ERROR\] Restore failed\.", "outcome",
       "futurerestore failed; its log (saved beside) carries the cause", producer=r"^inferius"),
    ig(r"^\[ERROR\] (Invalid input given|Requested not to apply)", "prompt",
       "the answer typed at a choice was not one of the offered ones, or declined a patch",
       producer=r"^inferius"),
    ev(r"This (futurerestore build|FutureRestore|futurerestore) cannot be used with Inferius|"
       r"Your irecovery version is too old", TOOL, "host-software", 2.0,
       "the futurerestore or irecovery build installed is not one Inferius works with: install "
       "the build its README names", producer=r"^inferius"),
    ev(r"is not installed on your system|libusb is not installed", ENV, "host-software", 2.0,
       "a program or library Inferius runs is not installed on the computer",
       producer=r"^inferius"),
    ev(r"does not support Windows", ENV, "host-environment", 2.0,
       "Inferius does not run on this operating system", producer=r"^inferius"),
    ev(r"You are not connected to the internet", ENV, "host-environment", 2.0,
       "the computer has no working network connection", producer=r"^inferius"),
    ev(r"Ran out of storage", ENV, "host-environment", 2.0,
       "the computer's disk is full", producer=r"^inferius"),
    ev(r"is not supported by Inferius|only supported on A7 devices|can only be downgraded to on "
       r"A7|A Firmware Bundle does not exist|An OTA manifest does not exist", TOOL,
       "host-software", 1.5, "Inferius has no support (firmware bundle, OTA manifest, device or "
       "iOS version) for this combination", producer=r"^inferius"),
    ev(r"(IPSW '%s' does not support|Specified IPSW: '%s' (does not support|is not for iOS)|is "
       r"not a valid IPSW|is not a stock IPSW|is not a custom IPSW|was not created by Inferius|"
       r"does not have support for (update restores|restoring while keeping data)|too old to be "
       r"used with Inferius|IPSW at path: %s is not (valid|a valid zip)|Failed to (extract|read) "
       r"'%s'|Failed to create custom IPSW|Bundle '%s' is invalid)", IMG, "firmware-image", 1.5,
       "the IPSW (or firmware bundle) given is not the right one for this device and version, "
       "or is damaged: use the stock IPSW it needs, or make the custom IPSW again",
       producer=r"^inferius"),
    # "'%s' does not exist" is printed for a missing IPSW file and, in the same words, for a
    # device identifier or iOS version that does not exist: one class for one text.
    ev(r"\] '?%s'? does not exist\. Exiting|IPSW does not exist at path", ENV, "host-environment",
       1.5, "what was given on the command line does not exist: the IPSW path on the computer "
       "(or, in the same words, a device identifier or iOS version)", producer=r"^inferius"),
    ev(r"Failed to save blobs|Failed to sign '%s'", SIGN, "signing-server", 1.5,
       "the signing ticket (SHSH) for the boot components could not be fetched or applied "
       "(tsschecker; Apple's signing server)", producer=r"^inferius"),
    ev(r"Device in DFU mode not found", LINK, "usb-link", 1.0,
       "no device in DFU mode is seen on USB", producer=r"^inferius"),
    ev(r"not in Pwned DFU mode", DEV, "device-software", 1.5,
       "the device is in DFU mode but not pwned (sigchecks not removed): run the exploit first",
       producer=r"^inferius"),
    ev(r"Failed to (reset device|reset connection|send '?%s'?|boot '?%s'?)", LINK, "usb-link",
       1.0, "sending a boot component to the device in pwned DFU failed over USB",
       producer=r"^inferius"),

    # sunst0rm (sunstorm.py, utils/ at 3998910): print("[!] ...").
    ig(r"^\[!\] You can restore the device later", "usage",
       "the futurerestore command to run later, printed when the user declines",
       producer=r"^sunst0rm$"),
    ev(r"not found, please install it$", ENV, "host-software", 2.0,
       "a program sunst0rm runs is not installed where it looks (/usr/local/bin)",
       producer=r"^sunst0rm$"),
    ev(r"BoardConfig was not recognized", TOOL, "host-software", 1.5,
       "sunst0rm does not know this device's board config", producer=r"^sunst0rm$"),
    ev(r"^\[!\] You need to enter pwndfu", DEV, "device-software", 1.5,
       "the device is not in pwned DFU mode, which the restore needs", producer=r"^sunst0rm$"),
    ev(r"^\[!\] (You need to specify an identifier|Please specify a mode)", TOOL, "host-software",
       1.0, "a required option is missing on the command line", producer=r"^sunst0rm$"),
    ev(r"Unable to get firmware keys", TOOL, "host-software", 1.0,
       "no public firmware keys for this build; sunst0rm cannot decrypt its boot chain without "
       "keys typed in", producer=r"^sunst0rm$"),

    # Vieux (*.py, vieux at 779c9b2): print("ERROR: ...") and exit(N).
    ig(r"^ERROR\.\.(\n|$)|^(Restore|SHSH Saving) Failed\.(\n|$)|^ERROR: Try "
       r"again$", "outcome",
       "Vieux's own failure line after a step it ran failed; that tool's output (printed just "
       "before, and saved to errorlog*.txt) carries the cause", producer=r"^vieux$"),
    ig(r"^Note that errors about 'BbSkeyId'", "non-fatal",
       "Vieux's note that some idevicerestore/futurerestore errors are harmless",
       producer=r"^vieux$"),
    ig(r"^Device is not running iOS 10\.x|^Restoring without a baseband", "trace",
       producer=r"^vieux$"),
    ig(r"^Current version is: %s$", "usage", producer=r"^vieux$"),
    ig(r"^ERROR: Unknown input\.|^%s is not a valid argument!$|^Invalid filepath/filename\.(\n|$)|"
       r"^ERROR: Invalid IP address\.\.\.$", "prompt",
       "the answer or argument typed was not one Vieux accepts; it asks again or stops",
       producer=r"^vieux$"),
    ev(r"^Saving SHSH failed\.(\n|$)", SIGN, "signing-server", 1.5,
       "saving the signing ticket (SHSH) with tsschecker failed", producer=r"^vieux$"),
    ev(r"^Sorry (this OS|Windows)", ENV, "host-environment", 2.0,
       "Vieux runs on macOS only", producer=r"^vieux$"),
    ev(r"is not a zip archive!|^ERROR: Not valid filepath|^File not found at", ENV,
       "host-environment", 1.5, "the IPSW path given is not a file Vieux can open",
       producer=r"^vieux$"),
    ev(r"^ERROR: (Unsupported model|This device is not supported)|^Somehow you made it here "
       r"with an invalid device", TOOL, "host-software", 1.5,
       "Vieux does not support this device", producer=r"^vieux$"),
    ev(r"^Exploit failed =\($", ENV, "host-environment", 0.5,
       "the checkm8 exploit (ipwndfu) did not take: it depends on the computer's USB controller "
       "and on luck; re-enter DFU and retry", producer=r"^vieux$"),
    ev(r"^ERROR: Couldn't (find ECID in serial|get ApNonce from device)", LINK, "usb-link", 1.0,
       "reading the device's identity or nonce over USB (irecovery) failed",
       producer=r"^vieux$"),
    ev(r"^ERROR: SSH/SCP failed", DEV, "device-software", 1.5,
       "Vieux could not reach the device over SSH: it must be jailbroken with OpenSSH running",
       producer=r"^vieux$"),

    # downr1n (downr1n.sh at df15753): printr "[-] ..." (red), printy (yellow).
    ig(r"^\[-\] An error occurred$", "outcome",
       "the exit handler's line after any failing command; the command's output before it "
       "carries the cause", producer=r"^downr1n$"),
    ig(r"^\[\*\] A failure log has been made|^if futurerestore failed you can try|^If localboot "
       r"breaks your boot process", "usage", "advice printed after a failure or a choice",
       producer=r"^downr1n$"),
    ig(r"^ {4}", "fragment", "a continuation line of the message above it",
       producer=r"^downr1n$"),
    ig(r"^(\[-\] )?Invalid (answer|IPSW number)|^\[-\] we found %s, do you want to use it|"
       r"^\[-\] %s version %s is not installed \(current version: %s\)\. We can install it|"
       r"^\[-\] No version specified for %s\. Installing the latest", "prompt",
       "a question or its retry; the script goes on with the answer", producer=r"^downr1n$"),
    ig(r"SKIPPING \.\.\.$|^\[/\] error installing trollstore|^\[/\] if your device can't enter "
       r"into recovery", "non-fatal", producer=r"^downr1n$"),
    ev(r"^Please don't run as root on macOS|^\[-\] Command '%s' not installed", ENV,
       "host-environment", 1.5, "the computer lacks a command the script needs, or it was run "
       "as root where it must not be", producer=r"^downr1n$"),
    ev(r"^\[-\] (Unknown option|Too many arguments)|^\[-\] You must pass the version your "
       r"device is on", TOOL, "host-software", 1.0,
       "the script was run with a wrong or missing option", producer=r"^downr1n$"),
    ev(r"work on non-checkm8 devices|is not recommended on A8/A8X", TOOL, "host-software", 2.0,
       "downr1n does not support this device (not a checkm8 device, or A8/A8X)",
       producer=r"^downr1n$"),
    ev(r"^\[-\] Please attach only one device", ENV, "host-environment", 1.0,
       "more than one device is connected to the computer", producer=r"^downr1n$"),
    ev(r"^\[-\] Detected device in unsupported mode|^\[-\] Device did not enter DFU mode|^\[-\] "
       r"failed to enter DFU mode", DEV, "device-software", 1.0,
       "the device is not in (or did not reach) the mode the script needs: enter DFU again as "
       "it guides", producer=r"^downr1n$"),
    ev(r"^No \.ipsw files found|it looks like this ipsw file is wrong|^and your device %s is "
       r"not in the list|^ipsw version is %s, and you specify", IMG, "firmware-image", 1.5,
       "the IPSW in the ipsw folder is missing, for another device, or for another version "
       "than the one asked for", producer=r"^downr1n$"),
    ev(r"^\[!\] Active file does not exist", DEV, "device-software", 1.5,
       "the device's file system lacks /mnt6/active (iOS 13, or a state the script cannot "
       "handle)", producer=r"^downr1n$"),
    ev(r"(failed to download LLB|ERROR downloading the llb)", ENV, "host-environment", 1.0,
       "the boot loader could not be downloaded for the version typed: the version is wrong or "
       "the network failed", producer=r"^downr1n$"),

    # surrealra1n (surrealra1n.sh at 7fe130a): echo; "[!] ..." and "ERROR: ..." lines, the
    # others kept by the extractor when they read like a failure.
    ig(r"^\[!\] (surrealra1n has crashed due to an issue|Exit code: |Script: |Line: |Failed "
       r"command: )", "outcome",
       "the script's ERR trap: a command failed; the command's output before it carries the "
       "cause (the trap's \"Failed command\" line names the command)",
       producer=r"^surrealra1n$"),
    ig(r"^\[!\] (It is recommended to report|Issues THAT DO NOT CONTAIN|To attach this log)",
       "usage", "how to report a crash", producer=r"^surrealra1n$"),
    ig(r"^(Installing missing dependencies|Missing packages detected)|^Restore has (completed|"
       r"finished)! Read above|^Restore files does not exist, making new ones|^WARNING: |"
       r"^An SHSH blob is selected\. Please ensure", "trace",
       "progress, a confirmation question or a reminder; the script goes on",
       producer=r"^surrealra1n$"),
    ig(r"^(Device will be|The device will be) unable to activate after the restore|^And "
       r"potentially other broken features|^5\. Potentially other broken features|^You cannot "
       r"set a Passcode", "usage",
       "the list of what a tethered or SEP-less restore loses, shown before the user confirms",
       producer=r"^surrealra1n$"),
    ig(r"^(No IPSW selected|No SHSH blob selected|Latest IPSW is not selected)\. Aborting|"
       r"^Invalid option\. Exiting\.$", "prompt",
       "the user chose nothing or an option the menu does not have", producer=r"^surrealra1n$"),
    ig(r"^futurerestore failed with exit code %s$", "outcome",
       "futurerestore's output before it carries the cause", producer=r"^surrealra1n$"),
    ev(r"^ERROR: Do not run this script with sudo|^\[!\] Homebrew is not installed|"
       r"^(Unsupported Linux distribution|Could not detect a compatible package manager)|"
       r"^\[!\] Required (file|directory) missing|A12 tether downgrades are unsupported on "
       r"Linux", ENV, "host-environment", 1.5,
       "the computer is not one the script supports, lacks a dependency, or the script's own "
       "files are missing", producer=r"^surrealra1n$"),
    ev(r"^Failed to clone repository", ENV, "host-environment", 1.0,
       "git could not fetch the script's update: the computer's network", producer=r"^surrealra1n$"),
    ev(r"^Rollback feature is not supported", TOOL, "host-software", 0.5,
       "the script's rollback cannot undo an update from a beta", producer=r"^surrealra1n$"),
    ev(r"^ideviceinfo failed after two attempts|^\[!\] No device detected", LINK, "usb-link",
       1.0, "the device is not seen over USB (or does not answer ideviceinfo)",
       producer=r"^surrealra1n$"),
    ev(r"SEP is incompatible|^SEP is totally incompatible|iBoot workaround does not work", TOOL,
       "host-software", 2.0,
       "the latest signed SEP cannot run the iOS version asked for: surrealra1n cannot restore "
       "it", producer=r"^surrealra1n$"),
    ev(r"is not supported yet|^Unsupported device$|are unsupported|is unsupported|are not "
       r"supported|is currently unsupported|downgrades are not supported|restores below 13\.4 "
       r"are not supported|is also not OTA signed", TOOL, "host-software", 1.5,
       "surrealra1n does not support this device or iOS version", producer=r"^surrealra1n$"),
    ev(r"^(IPSW|Latest IPSW) does not exist: |^SHSH blob does not exist: |^No SHSH file found in "
       r"the shsh folder", ENV, "host-environment", 1.5,
       "a file the restore needs (IPSW, SHSH blob) is not where the script looks",
       producer=r"^surrealra1n$"),
    ev(r"^Invalid IPSW\. You must select IPSW for iOS|^IPSW is invalid$", IMG, "firmware-image",
       1.5, "the IPSW chosen is not for the iOS version (or device) the restore needs",
       producer=r"^surrealra1n$"),

    # ---------------------------------------------------------------- the tool itself
    ig(r"^%s: ERROR: Can't|^ERROR: Can't find major version", "non-fatal",
       "reading the optional version.xml for --latest; the option fails later with its own line",
       function=r"ipsw_get_latest_fw"),
    ev(r"outdated! Please download the latest", TOOL, "host-software", 3.0,
       "the tool reports itself outdated and stops"),
    ev(r"compiled without libipatcher|libipatcher was compiled without|NotImplementedError|"
       r"^TODO$|^is_fls$|is_image4_supported is False|not implemented|"
       r"Operation unsupported by driver", TOOL, "host-software", 2.0,
       "the build of the tool lacks what this restore needs"),
    ev(r"Unhandled component|Got unknown updater name|Unknown data request|unknown data request|"
       r"MessageArgType has unexpected value|Unhandled condition .?%s.? while parsing "
       r"RestoreRequestRules|Unknown SE,ChipID|unknown updater|Unexpected RequestMethod|"
       r"Unexpected TMBDigests|type %02x is not implemented|Unknown Variant|Missing 'Request\w+'|"
       r"Unable to extract Request\w+ from Arguments|Unknown request 0x%x|"
       r"(Arguments|MessageArgType|MessageArgUpdaterName|MessageArgInfo) missing or has invalid|"
       r"Unknown IMG3 element type|Unexpected arguments",
       TOOL, "host-software", 2.0,
       "the device or firmware asks for something this version of the tool does not know: "
       "update the tool"),
    ev(r"^%s: Couldn't get (%s|\w+) firmware data$", TOOL, "host-software", 0.5,
       "the data for a firmware updater could not be prepared; the line before says why (its "
       "ticket or its component)"),
    ev(r"Device not supported|not supported by the limera1n exploit|Unsupported ChipID|"
       r"not supported on 32-?bit|ApNonce collision function is not supported|"
       r"Operation not supported|^not supported$|iOS 1 doesn't support",
       TOOL, "host-software", 1.5, "the tool does not support this device or mode"),
    # futurerestore's init() sets _didInit only when check_mode() found the device in a known
    # mode (futurerestore src/futurerestore.cpp:222 at 22a5d89, tihmstar's
    # futurerestore/futurerestore.cpp:96): every later "did not init" says no device was seen.
    ev(r"^did not init$", LINK, "usb-link", 1.0,
       "futurerestore found no device in a known mode (init() sets _didInit only when "
       "check_mode() sees one): the device is not connected, not in a mode the host sees, or "
       "the host's USB stack does not show it", producer=r"^futurerestore"),
    ev(r"client not initialized|^did not init$|Invalid FDR client|Invalid file handle|"
       r"snprintf failed|idevicerestore client|The list parameter needs to point to NULL|"
       r"ASRClient is not connected|Mux is connected, cannot issue control|"
       r"Invalid argument$|^Invalid input$|asprintf failed$|"
       r"Failed to create ApImg4Ticket node|failed to select latest firmware|no ECID (given )?in "
       r"client data|Could not create dict iter|no session_id given|No version found\?!|"
       r"Unknown connection type|Unsupported address family|Failed to convert network address|"
       r"invalid protocol version|Unhandled event %d|invalid size %llu for data to|Invalid ECID passed|"
       r"no SerialNumber (given )?in client data|invalid fd in check_fd",
       TOOL, "host-software", 0.5, "an internal check of the tool failed (a bug)"),
    # options, arguments, mode misuse on the command line
    ev(r"requires --|requires -\w|must not be empty|is invalid, must start with|"
       r"cannot be used with|can't use --|conflicts with --|is not compatible with|"
       r"is Deprecated|argument parsing failed|missing argument|Unknown argument|Unknown action|"
       r"Missing action option|Could not parse ECID|No command specified|Unknown TYPE|"
       r"Unsupported command|Please supply the key|You need to specify a COMMAND|"
       r"You cannot use -w and -n|Invalid command '%s'|is not supported with -w|"
       r"--hostinfo argument|requires an argument|requires a non-empty|cannot be used multiple "
       r"times|no ipsw file given|--ipsw-info requires|No UDID specified|Incorrect nonce length|"
       r"failed to parse generator|generator has unexpected type|build_identity is required when|"
       r"Invalid input value|only allowed for 32bit|not supported in pwnDFU|"
       r"maybe you forgot -w|required --use-pwndfu|More then one connected device|"
       r"failed to find custom (version|buildid)|Couldn't find for non-beta|"
       r"FLAG_LATEST cannot be used",
       TOOL, "host-software", 1.5,
       "an option or argument is wrong for this run: fix the command line"),
    # The user chose a risky option (no baseband, latest SEP/baseband, legacy options): the
    # tool warns once at its start and goes on ("This can make the restore fail if ...").
    # A warning of what may happen is no failure line, however long the paste stops after it.
    ig(r"enable Deprecated/Legacy options|user specified (is )?not to flash a baseband|we don't "
       r"have a BasebandBuildManifest|user specified to use latest signed", "non-fatal",
       "the user chose a risky option (no baseband, latest SEP/baseband, legacy options): the "
       "tool warns and goes on"),
    ev(r"SEP is not loaded|BasebandBuildIdentity not loaded|SEP not loaded", TOOL,
       "host-software", 1.5, "a component the options require (SEP/baseband) was not "
       "provided or downloaded"),

    # ---------------------------------------------------------------- usbmuxd, drivers, pairing
    ev(r"usbmuxd is not running|Make sure that usbmuxd is running|^ConnectionFailedToUsbmuxdError$"
       r"|usbmuxd returned unsupported version", ENV, "host-software", 2.5,
       "the host's usbmuxd service is not running or not usable"),
    ev(r"usbmuxd_subscribe\(\) returned|usbmuxd_unsubscribe\(\) returned", ENV, "host-software",
       1.5, "could not talk to the host's usbmuxd service"),
    ev(r"libusb_init failed|libusb does not support hotplug|Could not register for libusb hotplug|"
       r"libusb_get_pollfds failed|libusb_get_next_timeout failed|libusb_handle_events_timeout "
       r"(for usb_disconnect )?failed|usb_discover failed|Could not get device list|"
       r"Too many errors getting device list|usb_process\(\) failed",
       ENV, "host-environment", 1.5, "the host's USB stack (libusb) failed in usbmuxd"),
    ev(r"Could not (claim|detach|check kernel ownership|find a suitable USB interface|open device "
       r"%d-%d)|Could not set configuration %d|Could not get current configuration|"
       r"kernel driver", ENV, "host-environment", 1.5,
       "usbmuxd could not take the device's USB interface: another driver or program holds it, "
       "or permissions (udev rules)"),
    ev(r"failed to create (ECID|USB serial) string", ENV, "host-environment", 0.5,
       "IOKit on the host could not create a matching string"),
    ev(r"SetupDiGetClassDevs|Failed to get driver key|Driver location suffix|Failed to parse "
       r"device location|failed to parse VID/PID|failed to parse DevicePath|Failed to open device "
       r"path|register device (add|remove) notification|Failed to get device list|failed to "
       r"create thread to handle device add|Unable to create a plug-in|Couldn't create a device "
       r"interface|error creating (plug-in|interface)|error opening interface|error setting "
       r"alternate interface|failed to find requested interface",
       ENV, "host-environment", 1.5,
       "the host's USB driver layer (Apple Mobile Device driver on Windows, IOKit on macOS) "
       "did not give access to the device"),
    ev(r"bind\(\) failed|socket\(\) failed|listen\(\) failed|getaddrinfo\(\) failed|"
       r"setsockopt|Failed to create listening socket|already exists and is not a socket|"
       r"unlink\(%s\) failed|Could not (get|set) (flags for )?socket|stat\(\) failed after creating|pipe\(\) failed|"
       r"fork\(\) failed|setsid\(\) failed|chdir\(\) failed|Redirection of std|Could not notify "
       r"parent|Could not daemonize|Failed to get init status from child|Child process exited|"
       r"pidfile|lockfile|Could not deliver|Could not determine pid|privileges|No user to drop|"
       r"chown\(|chmod\(|configuration directory|fdreopen|main_loop failed|client_accept\(\) failed|"
       r"accept\(\) failed", ENV, "host-environment", 1.0,
       "usbmuxd could not start or run on this host (sockets, permissions, daemon setup)"),
    ev(r"Failed to create config directory|Failed to write to '%s'|Failed to read '%s'|"
       r"Could not open '%s' for writing|Could not remove %s|Failed to store SystemBUID|"
       r"could not read system buid|Failed to save pair record|Could not get HostID from pairing "
       r"record|SavePairRecord", ENV, "host-environment", 1.5,
       "the host's pairing-record folder (/var/lib/lockdown, Lockdown) is not readable or "
       "writable"),
    ev(r"Failed to retrieve or parse pair record|Failed enabling SSL\. Unable to read pair record|"
       r"Failed to parse pairing record|Failed to retrieve pair record|Failed to retrieve the "
       r"escrow bag", ENV, "host-software", 1.5,
       "the host's pairing record for this device is missing or unreadable: re-pair"),
    ev(r"No pair record for|is not paired with this host|device should be paired first|"
       r"Missing pair record|Invalid pair record|Saving pair record failed|"
       r"The stored pair record for device %s is invalid",
       DEV, "device-software", 1.0,
       "the device is not paired with this computer (Trust dialog)"),
    ev(r"passcode is set|locked with a passcode|Device is locked|Password protected|"
       r"Timeout while waiting for user to enter passcode|accept the trust dialog|"
       r"user denied the trust dialog|User denied pairing|Pairing dialog response pending|"
       r"Find My iPhone|MC protected|MC challenge|Escrow lock|Pairing prohibited|"
       r"Pairing is not possible over this connection|Pair failed|ValidatePair failed|"
       r"Pairing with device %s failed|^Pairing failed$|unhandled error code %d",
       DEV, "device-software", 1.5,
       "the device must be unlocked or must trust this computer before it can be put into "
       "recovery mode"),
    ev(r"SSL handshake|Could not create SSL|SSL object|SSL error|mbedtls|GnuTLS|X509V3|"
       r"Signing device certificate|Could not parse public key|Failed to generate SHA for public "
       r"key|Failed to import RSA key|Could not read public key|Could not load Root|gcry_|"
       r"device refused to send public key|Failed to read device public key",
       ENV, "host-software", 1.5,
       "the TLS session with the device failed on the host side (pairing keys, SSL library); "
       "common with an old libimobiledevice and a new iOS"),

    ev(r"(TX|RX) transfer (timed out|stalled|overflow)|usb_send failed|Failed to submit (TX|RX)|"
       r"(TX|RX) aborted due to error|Incoming (split )?packet|Incoming (version|TCP) packet is too "
       r"small|Too much data received from USB|Input buffer overflow|unknown protocol|Received TCP "
       r"packet from device %d but|larger than USB MTU|Invalid protocol %d for outgoing|"
       r"Error sending (TCP|version)|error (writing to|reading from) client|aborting buffer flush",
       LINK, "usb-link", 1.5, "USB transfers to the device failed in usbmuxd"),
    ev(r".", TOOL, "host-software", 1.0,
       "a client of usbmuxd spoke the protocol wrongly (client and daemon versions differ, or "
       "a misbehaving program)", producer=r"^usbmuxd$", file=r"client\.c$",
       level={"error", "warning", "fatal"}),

    # ---------------------------------------------------------------- out of memory
    ev(r"out of memory|malloc failed|realloc failed|alloc(ate)? memory|Failed to allocate|"
       r"Could not allocate|Unable to allocate|failed to alloc|Not enough memory|Failed to realloc|"
       r"allocate sufficient memory|asprintf failed, out of memory|out of memory when allocating|"
       r"^Out of memory$|Memory allocation|malloc\(\) failed", ENV, "host-environment", 1.0,
       "the host ran out of memory"),

    # ---------------------------------------------------------------- signing (TSS/SHSH)
    # A firmware updater's ticket (Yonkers, Rose, SE, Savage, Veridian, Baobab, Cryptex1 ...)
    # is requested in restore mode (restore_get_*_firmware_data, src/restore.c at 405fcd1),
    # after the signing server approved this build's main ticket: without a refusal printed
    # before it (a TSS status line, classified on its own and earlier in the cascade), the
    # build is signed and what failed is the tool's request for that component (libtatsu#8
    # fixed the Yonkers request, idevicerestore#792; Cryptex1: idevicerestore#518, #528).
    ev(r"^Unable to fetch (%s|[\w,]+)( ticket)?$", TOOL, "host-software", 1.5,
       "a firmware updater's ticket, asked for in restore mode after the build's main ticket "
       "was approved, was not given: the tool's request for this component (update the tool "
       "and libtatsu), unless a signing-server refusal is printed before it",
       producer=r"^idevicerestore$", file=r"(^|/)restore\.c$",
       function=r"^restore_get_\w+_firmware_data$"),
    ev(r"TSS request failed \(status=%d, message=%s\)", SIGN, "signing-server", 2.0,
       "the signing server refused the request; the status says why",
       variants=TSS_STATUS_VARIANTS),
    ev(r"TSS request failed: %s \(status=%d\)", SIGN, "signing-server", 2.0,
       "no usable answer from the signing server (network, DNS, proxy, TLS or hosts file on "
       "the way to gs.apple.com)", variants=TSS_STATUS_VARIANTS),
    ev(r"TSS server returned: %s|Unhandled status code %d|Incorrectly formatted TSS response|"
       r"^server replied|TSSError", SIGN, "signing-server", 1.5,
       "the signing server's answer was an error or not a ticket (a proxy or redirect can "
       "cause this)", variants=TSS_STATUS_VARIANTS),
    ev(r"NOT being signed|doesn't signed|isn't signed|No firmwares are currently being signed|isn't eligible|not eligible",
       SIGN, "signing-server", 3.0, "Apple no longer signs this build"),
    ev(r"Unable to send TSS request|could not fetch TSS record|Unable to get SHSH blobs|"
       r"Unable to fetch (Baseband TSS|%s ticket|%s$|\w+ ticket)|can't continue without TSS|"
       r"Unable to proceed without a TSS record|Unable to get signing tickets|could not get TSS "
       r"record data|Unable to get recovery os local policy tss response|Cannot send RootTicket "
       r"without TSS|ApTicket requested but no TSS present",
       SIGN, "signing-server", 2.0,
       "the signing server did not give the tickets the restore needs"),
    # The saved ticket is fine; the device's nonce is not the one it was made for: the restore
    # needs the device's nonce generator set to the blob's first (futurerestore README at
    # 22a5d89, "Prometheus ... APNonce recreation with generator method", step 4: "Set your
    # device's APNonce generator").
    ev(r"^(Device ApNonce|Devicenonce) does not match APTicket nonce$", DEV, "device-software",
       1.5, "the device's ApNonce is not the nonce the saved ticket was made for: its nonce "
       "generator was not set to the blob's generator (or the device left the state in which it "
       "was set); set the generator on the device, then restore again",
       producer=r"futurerestore"),
    ev(r"APTicket can't be used|does not match APTicket|ApNonce does not match|nonce does not match|"
       r"ECID inside( of the)? APTicket|IM4M is not valid|APTicket can't be used for restoring|"
       r"IM4M signature is not valid|ramdisk hash does not match|doesn't match IM4M nonce after|"
       r"Nonces have different lengths|generator returned from device is not valid|"
       r"Devicenonce does not match|Failed to read ECID from APTicket|does not contain generator|"
       r"SCAB|Got empty IM4M|unexpected number of Elements in (IM4M|MANB|MANP|BNCH)|APTicket can't be used for this restore|No IM4M loaded|"
       r"Failed to get apnonce from device|Failed to set nonce generator|"
       r"Unable to get nonce from device|Unable to get ApNonce from device|"
       r"Unable to get %s$|Unable to get nonce",
       SIGN, "signing-server", 1.5,
       "the signing ticket (saved SHSH blob or the device's nonce) does not fit this device, "
       "nonce or build", producer=r"futurerestore|idevicerestore|pymobiledevice3"),
    ev(r"No '?\"?[\w,% ]+'?\"? in TSS response|missing \"BasebandFirmware\" entry in TSS response|"
       r"TSS response doesn't contain|Unable to get %s data from TSS response|Unable to find TSS "
       r"(path|blob) node|Unable to find blob in %s entry|Could not find BBTicket|Could not find "
       r"BasebandFirmware Dictionary node in Baseband TSS|could not get (BBTicket|%s-Blob) data|"
       r"Failed to get ApImg4Ticket|Unable to get (ApImg4Ticket|ticket|ApTicket) from TSS|"
       r"Missing ApImg4Ticket",
       TOOL, "host-software", 1.0,
       "the signing server's answer lacks a ticket this restore needs: usually the tool's "
       "request is outdated for this device or build"),
    ev(r"Unable to create (%s |\w+ )?TSS request|Unable to add (\w+ )+(tags )?(to TSS request)?|"
       r"Unable to find required|Missing required AP parameters|Unable to find (restore manifest|"
       r"UniqueBuildID node|ApChipID node|ApBoardID node)|Unable to fetch "
       r"BuildManifest entry|Unable to get restore manifest from parameters|Unable to get SEP "
       r"digest from manifest|Unable to get %s entry from manifest|No Yonkers node|Missing "
       r"TicketName|Unable to get BasebandFirmware node|Unable to find ApNonce in parameters|"
       r"Could not determine (Yonkers|Savage) firmware component|Unable to determine response "
       r"ticket|DeviceGeneratedRequest|Failed to parse Ap,VolumeUUID|Unable to create preboard "
       r"manifest|Unable to add common tags",
       TOOL, "host-software", 1.5,
       "the tool could not build the signing request for this device and build: update the tool "
       "(or the IPSW does not fit)"),

    ev(r"Unable to find Manifest node", TOOL, "host-software", 1.5,
       "libtatsu could not build the signing request from the build manifest", producer=r"libtatsu"),

    # ---------------------------------------------------------------- network on the host side
    ev(r"could not initialize CURL|Download from %s failed|Failed to parse json data|Unexpected "
       r"json data returned|Could not fetch list of signed firmwares|can't get URL for latest "
       r"firmware|Could not (update|load) '%s'|Cannot parse plist data from|Could not download|"
       r"\[TSSC\]|Could not get (betas|otas) json|Could not find url of latest firmware|Could not "
       r"get buildmanifest of latest|Got status code %s from URLAsset|Missing firmware URL|"
       r"needs a purchase|Download aborted by user|unexpected size of sha1sum",
       ENV, "host-environment", 1.5,
       "downloading firmware data from Apple (or a firmware list API) failed: the host's network"),
    ev(r"Failed to connect socket|Sending proxy payload failed|receiving proxy payload failed|"
       r"Unable to receive proxy payload|failed to read data for proxy command",
       ENV, "host-environment", 1.5,
       "the FDR proxy could not reach Apple's servers through the host's network"),

    # ---------------------------------------------------------------- what the device reports
    ev(r"Disk Failure|^disk failure$", DEV, "storage", 3.0,
       "the device reports a storage (disk) failure"),
    ev(r"Failed to mount filesystems|^failed to mount filesystems$", DEV, "storage", 2.0,
       "the device could not mount its filesystems after writing them"),
    ev(r"Verification Error|^verification error$", DEV, "storage", 1.0,
       "the device could not verify what was written (storage, or data damaged on the way)"),
    ev(r"X-Gold Baseband Update Failed|Defective Unit|didn't accept BasebandData", DEV, "baseband",
       3.0, "the device reports the baseband (modem) update failed"),
    ev(r"Failed to load SEP Firmware|failed to load SEP firmware", DEV, "logic-board", 1.5,
       "the Secure Enclave did not accept its firmware (with futurerestore: often a SEP that "
       "does not fit the target iOS)"),
    ev(r"Failed to recover FDR data|failed to recover FDR data", DEV, "logic-board", 2.0,
       "the device could not recover its factory data (FDR)"),
    ev(r"^Status: Fail$|^fail$", IMG, "firmware-image", 1.0,
       "the device reports status 14 (restore failed), most often a damaged IPSW"),
    ev(r"Unhandled status message|^unknown error$", DEV, "device-software", 0.5,
       "the device reported a failure status this tool does not name; the device log tells more"),
    ev(r"Checkpoint FAILURE", DEV, "device-software", 1.0,
       "a restore step on the device failed; its stage and result code say which"),
    ev(r"Device %d has unknown version|device reported error|Got device error payload|"
       r"Got (unhandled )?payload type %d|type 1 packet without payload|unexpected data in nonce "
       r"result|unable to parse nonce|^%s failure$",
       DEV, "device-software", 0.5, "the device's USB mux reported an error"),

    ev(r"Failed to start .*thread", ENV, "host-environment", 0.5,
       "the host could not start a thread (resources)"),

    # ---------------------------------------------------------------- FDR (factory data)
    # The FDR exchange (the device's factory data, proxied through the host) broke off.
    # futurerestore's README (22a5d89, "Error: Unable to receive message from FDR...") says
    # it is diagnosed, not fixed, and that waiting or retrying gets past it: a channel that
    # stalled, not the board. A device that cannot recover its factory data says so (above).
    ev(r"FDR|HelloCtrl|HelloConn|BeginCtrl|Begin command|ConnPort|conn port",
       LINK, "usb-link", 1.0,
       "the device's factory-data (FDR) exchange through the host broke off; futurerestore's "
       "README: wait, or retry the restore"),

    # ---------------------------------------------------------------- device mode and state
    # idevicerestore prints this in the default branch of its switch over the device's mode
    # (is_image4_supported, get_ap_nonce, get_sep_nonce: src/idevicerestore.c:2098-2099,
    # 2139-2141, 2184-2186 at 405fcd1): the tool has no device in a mode it knows - none found
    # yet (client->mode unset: futurerestore prints it at start-up before "can't init, no
    # device found", tihmstar/futurerestore#164, #101) or none back after a reboot ("waiting
    # for device to reconnect" then "Getting ApNonce failed", #239). It says the tool lost the
    # device, not that the device is in a bad state ("try unplugging the device and plugging
    # it back in", #164).
    ev(r"^Device is in an invalid state$", LINK, "usb-link", 1.0,
       "the tool has no device in a mode it knows (none found yet, or none back after a "
       "reboot): it lost the device, the lines around say why", producer=r"^idevicerestore$"),
    ev(r"unexpected device mode|Device is in unexpected mode|"
       r"Device is in DFU mode detected, but|unsupported device ?mode|not in (DFU|recovery)"
       r"( mode)?|isn't in (DFU|recovery) mode|isPwnDfu enabled, but|--use-pwndfu was specified, but "
       r"device found in|need to put your device into "
       r"DFU|needs to be in DFU mode|Device reconnected in non-DFU mode|device not in DFU/Recovery|"
       r"can't set auto-?boot, when|Device failed to enter recovery|is not in restore mode|"
       r"Shell is not available in Debug USB|not supported in Debug USB|enterPwnRecoveryRequested",
       DEV, "device-software", 1.0,
       "the device is not in the mode this step needs: put it in recovery or DFU mode"),
    ev(r"Unable to place device into recovery mode|Unable to place device in recovery mode|"
       r"Failed to place device in recovery mode|Failed to enter recovery mode|Unable to enter "
       r"recovery mode|Failed to put device into DFU from WTF mode|Failed to put device into deep "
       r"sleep|Failed to restart device|Failed to shutdown device|Setting auto-boot failed|"
       r"Unable to (set|save) (auto-boot )?environmental variable|Failed to (write|save) "
       r"(generator to )?nvram|Failed to write generator",
       DEV, "device-software", 1.0,
       "the device did not switch modes as asked (normal -> recovery, auto-boot)"),
    ev(r"Device reconnected in %s mode, most likely image personalization failed", TOOL,
       "host-software", 1.5,
       "the device rejected the personalized boot images and fell back to recovery/DFU: the "
       "tool's personalization is wrong for this device (update the tool)"),
    # The device did not come back in restore mode: a cable, the device's state, the boot
    # images the tool sent or usbmuxd on the computer all end this way. The line says where
    # the run failed, not why; the lines before it (or nothing) carry the cause.
    ig(r"Device failed to enter restore mode|Unable to place device into restore mode|"
       r"Failed to place device in restore mode|Device can't enter to restore mode",
       "outcome", "says the device never reached restore mode, not why: a cable, the device's "
       "state, the boot images or usbmuxd all end this way; the lines before it carry the "
       "cause"),
    ev(r"stashbag", DEV, "device-software", 1.0,
       "the device could not create or commit its stash bag (passcode and update state)"),
    ev(r"Device did not (disconnect|reconnect)|did not disconnect/reconnect|failed to reconnect to "
       r"device in recovery|Port DFU failed|use the correct USB port",
       LINK, "usb-link", 1.0,
       "the device did not come back on USB after booting the next stage: the link (USB-C "
       "cables are a known case) or an image the device refused"),
    ev(r"Could not create Reverse Proxy", LINK, "usb-link", 1.0,
       "the reverse proxy connection to the device could not be set up"),
    ev(r"Device didn't accept old protocol, giving up", TOOL, "host-software", 1.0,
       "the device speaks neither reverse-proxy protocol this tool knows"),
    ev(r"Could not open device in WTF mode|Could not get CPID for WTF|Could not (extract|send) WTF",
       LINK, "usb-link", 1.0, "talking to the device in WTF mode failed"),
    ev(r"limera1n exploit failed|Unable to reconnect$", LINK, "usb-link", 1.0,
       "the limera1n exploit did not complete over USB"),

    # ---------------------------------------------------------------- image: IPSW, manifest
    ev(r"Firmware file might be corrupt|Could not make sure this firmware is suitable|"
       r"Unable to find a matching build identity|Unable to find any build identities|"
       r"doesn't match USBPortController1|SEP does not match sepmanifest|BuildIdentity selected "
       r"for restore does not match|Refusing to continue",
       IMG, "firmware-image", 2.5,
       "the IPSW is damaged or is not one for this device"),
    ev(r"zip_|Invalid (IPSW )?archive|not found in (the )?(archive|IPSW)|Could not open ZIP archive|"
       r"could not close and write modified archive|Could not update signed '%s' in archive|"
       r"could not update archive|could not add bbticket|does not have UNIX attributes|"
       r"^'%s': %s$|Failed to (extract|read) BuildManifest|Failed to read from '%s'|"
       r"Unable to extract|could not extract|cannot be opened|Failed to open ipsw|"
       r"SupportedProductTypes key missing|Unable get path for filesystem|Error reading filesystem|Unable to (seek to|read) "
       r"OOB|Unable to open '%s' in ipsw|Unable to get path for filesystem|could not read updated "
       r"bbfw|Could not find all required components in IPSW|Unable to extract Restore.plist|"
       r"missing (SystemRestoreImages|filesystem) in Restore.plist|Could not get %s path",
       IMG, "firmware-image", 1.5,
       "the IPSW could not be read: a damaged or incomplete download (or no room to unpack it)"),
    ev(r"checksum mismatch|Checksum does not match", IMG, "firmware-image", 2.0,
       "the downloaded firmware does not match its checksum"),
    ev(r"IMG3|img3|Unable to parse \w+ element|Incorrectly sized image data|Invalid blob passed|"
       r"ELF|MBN|mbn|fls|ftab|program section|section has 0|header (version|sizes|is bigger)|"
       r"new (metadata|OEM signature)|dest header|stitch offset|data size is 0|blob size is 0|"
       r"^%s: (data|blob) is NULL$|^%s: no data$|Buffer too small|Unexpected magic|"
       r"Unknown file format|size mismatch|signature offset greater|could not parse fls|"
       r"Could not stitch|'rrko'|\"rrko\"|ftab is None|Failed to parse '%s' component data|"
       r"Unable to parse '%s' component data|Unable to get Digest for|can't match element name|"
       r"can't locate '.*' in '%s'|failed to stitch baseband|Failed to get (data )?payload 4cc|"
       r"Could not create Ace3Binary|failed to (read|get) global manifest|global manifest path|"
       r"error parsing elements|Unable to parse first KBAG|out of bounds|is bigger than the data|"
       r"build_identity has no %s|Unable to get baseband path",
       IMG, "firmware-image", 1.0,
       "a firmware component from the IPSW could not be parsed or personalized (a damaged IPSW, "
       "or a format newer than the tool)"),
    ev(r"Unable to find (manifest|component|component info|component info path|Info|Variant|"
       r"ProductVersion|ProductBuildVersion|build identities) node|Unable to find %s path from|"
       r"Unable (to )?get path for (component|'%s' component)|Unable to find \w+ node|Unable to get component path|"
       r"Unable to find USBPortController|Unable to get (path|baseband path) of|Unable to get "
       r"BasebandFirmware/Info/Path|missing component|%s not in build_id_manifest|build identity "
       r"(info )?does not contain|Neither 'SE,Firmware' nor|Variant '%s' not found|"
       r"no RecoveryOS variant|Missing (Manifest|Info) dictionary in build identity|Failed to get "
       r"Manifest node from build_identity|Unable to find USBPortController1|Unable to find path "
       r"of|Could not find (InfoArray|APInfo)|ERORR: Failed to get build identity|"
       r"Unable to extract firmware path from LLB|Unable to get list of firmware files|"
       r"FWOVerrideKey has unexpected prefix|Failed to get FWOverrideKey|%s file %s not found "
       r"in IPSW|can't find SEP digest|ImageType|Failed to get path for component|"
       r"Failed to load (SEP|Baseband) Manifest|failed to load \w+(,\w+)? for %s",
       IMG, "firmware-image", 1.0,
       "the build manifest or IPSW lacks a component this restore needs (a wrong or damaged "
       "IPSW, or a newer firmware than the tool knows)"),
    ev(r"Personalization failed for component|Unable to get personalized component|could not sign %s|"
       r"personaliz|Unable to replace %s IMG3 signature|Unable to reconstruct|Cannot find tag for "
       r"component|Missing uc(on|er) (data|node)|could not insert BBTicket",
       TOOL, "host-software", 1.0,
       "the tool could not personalize a component with the tickets it got"),

    # ---------------------------------------------------------------- host files
    ev(r".", ENV, "host-environment", 1.0,
       "a network socket on the host failed (the FDR proxy's or the download's connection)",
       producer=r"^idevicerestore$", file=r"(^|/)socket\.c$"),
    ev(r".", ENV, "host-environment", 1.0,
       "the firmware list downloaded from the network could not be parsed",
       producer=r"^idevicerestore$", file=r"(^|/)json_plist\.c$"),
    ev(r"^ipsw_open %s: %s$", ENV, "host-environment", 1.5,
       "the IPSW path given does not exist or cannot be read"),
    ev(r"Unable to find (ECID|SHSH|CERT) element in signature", SIGN, "signing-server", 1.0,
       "the SHSH signature for an IMG3 component lacks a part: a bad or wrong blob"),
    ev(r"Can't open '%s'|cannot open|Cannot open|could not be opened|Could not open (file|logfile)|"
       r"Unable to open (file|output file)|fopen|fstat|stat failed|readlink failed|realpath failed|"
       r"fread failed|fread returned|fread=|Unable to write entire file|Writing to '%s' failed|"
       r"Unable to read entire file|Could not read from file|Could not read file|failed to open "
       r"directory|failed init (file|read) stream|failed to read file stream|Can't save|can't save|"
       r"failed to get file size|Error reading gz compressed data|failed to load APTicket|failed to "
       r"load signing ticket file|Error: failed to load shsh file|Could not open %s for writing|"
       r"can't get local filename|Could not open file|File not found|no local file|"
       r"Firmware file %s does not exist|could not open or create lockfile|can't (un)?lock file|"
       r"Cannot open '%s' for writing|failed to load apticket|fwrite|^frite|failed to load (SEPManifest|"
       r"BasebandManifest)|failed to read (SEP|Baseband|Rose|SE|Savage: %d|Veridian \w+|[Rr]amdisk|"
       r"[Kk]ernel)$|saving file failed|Could not remove pair "
       r"record|Failed to get primary mac address",
       ENV, "host-environment", 1.0,
       "a file on the host could not be read or written (path, permissions or disk space)"),

    # ---------------------------------------------------------------- link: USB, ASR, restored
    ev(r"Unable to (send|receive) (data|plist|OOB data|validation packet|payload|filesystem "
       r"payload)( \w+)* (to|from) ASR|Unable to receive validation packet|Unable to connect to "
       r"ASR|Unexpected ASR plist|Unknown command received from ASR|Unable to find (command node|"
       r"OOB data (length|offset))|invalid command received|unknown packet: %s|ASR was unable to "
       r"validate", LINK, "usb-link", 1.5,
       "the filesystem transfer (ASR) to the device broke; when it fails at the same point "
       "again with a good cable, the device's storage is next", file=r"asr\.(c|py)|restore\.c"),
    ev(r"Unable to send (filesystem|payload to ASR)", LINK, "usb-link", 1.5,
       "sending the filesystem image to the device failed (the USB link, else the storage)"),
    ev(r"Could not read data \(%d\)\. Aborting", LINK, "usb-link", 2.0,
       "the connection to the restore daemon on the device was lost mid-restore"),
    ev(r"Unable to (send|execute|display|set) (%s|iBEC|iBSS|APTicket|AppleLogo|Ramdisk|DeviceTree|"
       r"RestoreSEP|KernelCache|ticket command|command|RestoreDCP|Ap,LocalPolicy|iBoot stage 1)|"
       r"Unable to send %s component|Unable to send component '%s'|Could not send Ace3Buffer|"
       r"Unable to send data: %s|Unable to send APTicket: %s|Unable to send components supposed|"
       r"Unable to send (iBSS|iBEC) to device|set configuration failed|Unable to set bgcolor|"
       r"Failed to send command %s|Unable to upload data to device|failed to upload data|"
       r"Failed to (init|send) KIS request|Failed to write config|Failed to write to KIS|"
       r"Failed to (init chunk header|upload chunk|boot image)|irecv_usb_bulk_transfer failed|"
       r"sent != reqSize|DFU ERROR|Unexpected state %d|Unexpected state %s|issuing ABORT",
       LINK, "usb-link", 1.5,
       "sending a boot component or command to the device in DFU/recovery mode failed over USB"),
    ev(r"Unable to connect to (device|DFU device|recovery device|device in (DFU|recovery|restore) "
       r"mode)|Failed to connect to device in (DFU|Recovery) Mode|Could not connect to device in "
       r"recovery mode|Could not connect to device|can't connect to device|Unable to find device$|"
       r"Unable to connect to device\?!|Unable to discover device|can't create new recovery client|"
       r"can't get a? ?build-version|failed to re-launch iBEC|failed to reconnect to recovery|"
       r"Unable to exit restore mode|Failed to get (bdid|cpid|PREV|nonce) for Port DFU|"
       r"%s: send failed|Sending file data for %s failed|Unable to determine ECID|"
       r"can't init, no device found|No device found|Device %s not found|No device with UDID|"
       r"Connecting to device failed|no device is connected|Failed to find a connected iDevice|"
       r"^NoDeviceConnectedError$|^ConnectionFailedError$|failed to establish connection|"
       r"could not connect to restored|Unable to connect to restored|Unable to open device in "
       r"restore mode|Unable to connect to service client|Unable to connect to (baseband updater|"
       r"BootabilityBundle) data port|Unable to connect to usbmux|Connecting to (usbmux|network) "
       r"device failed|Could not connect to service|Could not start service %s|Could not create a "
       r"lockdown client|Failed to start service connection|Creating (base |a property list )?"
       r"(service )?client failed|can't open device with UDID|can't connect to restored|"
       r"^No device$|Unable to find device|Unable to get device status|Unable to set device "
       r"(interface|configuration)|Failed to set (configuration|interface)|irecv_kis_(init|load)|"
       r"error setting configuration|error sending device reset|Failed to get (vendor|product) id|"
       r"failed to get device descriptor|Failed to get string descriptor|could not get "
       r"(product id|locationID)|no device( interface)?\?!|Could not open KIS device|failed to "
       r"open KIS device|failed to create (ECID|USB serial) string|Could not get device info|"
       r"Could not (get|retrieve) device (name|udid|serial number)|device did not report a serial|"
       r"failed to read the device string descriptor|failed to find device of|Unable to retrieve "
       r"device list|Could not get device descriptor|Could not get configuration %i descriptor|"
       r"Could not get configuration 5|Failed to request|Could not request|Endpoint (count|type) "
       r"mismatch|missing from device list|Failed to start (any |all )?(%d )?RX loop|"
       r"Could not determine wMaxPacketSize|Cannot find device entry",
       LINK, "usb-link", 1.0, "the host could not reach the device over USB"),
    ev(r"usbmuxd_(send|recv|recv_timeout) returned|socket_(receive|receive_timeout|recv) returned|"
       r"received partial data|internal_connection_send returned|sending to device failed|"
       r"Could not send all data|initial read failed|Could not (receive|read) (this_len|data|"
       r"plist|answer|reply|entire packet)|could not read data|Could not send request to device|"
       r"Did not receive any plist|Did not get packet contents|Just didn't get enough|Did not even "
       r"get the AFCPacket|Failed to (send|receive) (packet|payload|data|entire|AFC header|reply)|"
       r"Unable to (send|receive) (data|packet length)|Did not receive (initial message|"
       r"DLMessage)|Error (when sending|when receiving|receiving data)|socket connection broken|"
       r"Exception in listener socket|^TimeoutError$|could not receive (from preboard service|"
       r"plist)|Could not receive plist|could not send (plist|lock command|command plist)|"
       r"Sending plist failed|Failed to send %s|Failed to send component %s|Unable to send "
       r"(component %s data|NORData|BasebandData data|BuildIdentityDict|RootTicket \(%d\)|%s data|"
       r"\w+ data)|Couldn't send \w+ data|Could not send Ace3|unable to send (header|filename|data)|"
       r"Failed to send (BootabilityBundle|data \(%d\))|expected %zu bytes but got|During sending "
       r"FDR Trust data|Unable to send RestoreShouldAttest|Failed to send \w+ (image list|data)|iBoot command .* failed|"
       r"Unable to get (ECID|SerialNumber)|Unable to sent packet information|Unable to send chunk "
       r"checksum|Unable to send \w+$|Unable to send "
       r"(RootTicket|kernelcache|DeviceTree|Personalized data|baseband data|filesystem)$|"
       r"did not get goodbye|Failed to send %s image list|Failed to send %s for %s|Unable to start "
       r"the restore process|Unable to get (HardwareModel|HardwareInfo|ECID) from restored|"
       r"QueryType (failed|response does not contain)|Failed to get SessionID|Session opening "
       r"failed|failed to get device udid|Unexpected packet number|Invalid AFC|unexpected non-plist "
       r"content|Failed to convert buffer to plist|Unable to receive packet length|Did not get "
       r"DLMessageDeviceReady|DLMessageVersionExchange has unexpected format|Unexpected reply "
       r"from preboard|Didn't receive a response|Didn't get any further data|^%s: Unexpected message "
       r"received$",
       LINK, "usb-link", 1.0,
       "a message to or from the device got lost: the USB connection (or the device stopped "
       "answering)"),

    # ---------------------------------------------------------------- lockdownd / services
    ev(r"connect to lockdownd|Could not connect to lockdownd|can't connect to lockdownd|"
       r"Unable to get %s-%s from lockdownd|Could not get lockdownd type|Could not get "
       r"(ProductVersion|DeviceClass)|StartSession failed|Could not start (preboard|diagnostics|"
       r"insecure_notification_proxy)|Could not connect to (preboard|diagnostics)|"
       r"failed to create lockdownd client|Failed to trigger stashbag",
       DEV, "device-software", 1.0,
       "lockdownd on the device did not let the host in (locked, not trusted, or busy)",
       variants=LOCKDOWN_VARIANTS),
    ev(r".", ENV, "host-software", 1.0,
       "usbmuxd answered something this tool did not expect (usbmuxd and tool versions differ)",
       producer=r"^pymobiledevice3$", file=r"usbmux\.py$"),
    ev(r"Unable to get FirmwarePreflightInfo|Unable to (query mobilegestalt|retrieve IORegistry|"
       r"retrieve diagnostics)|unknown result value|unknown error occurred|Did not receive "
       r"'Acknowledged'|Could not get 'Acknowledged'|Could not get error message|Unexpected plist "
       r"received|StagingEmpty|One or more given sources are invalid|Permission denied\.|"
       r"Unknown error '%s'|Get value prohibited|Set value prohibited|Remove value prohibited|"
       r"Immutable value|Service prohibited|Service limit reached|Missing (key|value|HostID|"
       r"session ID|service)|Invalid (HostID|session ID|service|response|dictionary|"
       r"configuration|activation record)|Missing activation record|Session (active|inactive)|"
       r"No running session|PropertyList error|Receive timeout|Mux error|Unknown Error|"
       r"QueryType request returned|Unknown request 0x%x|Failed to start connection thread|"
       r"Unexpected command '%s' received|Could not (parse plist from payload|read valid "
       r"MessageType|extract MessageType)|Received connect request without|command received in "
       r"the wrong state|invalid command %d|message is too short|Receive from client fd|Sending "
       r"to client fd|not in CONNECTED state|client_notify_connect when|client_set_events to "
       r"client|Could not convert plist to xml|sending to fd %d failed|Could not (get|set) socket "
       r"(flags|to non-blocking)|version mismatch: expected|DeviceID %d \(%s\) is not connected|"
       r"is not connected$|OUT process but nothing to send|Unhandled event %d|Unknown connection "
       r"type|Unsupported address family|Failed to convert network address|Invalid usbmux packet|"
       r"unexpected message type|Reply tag mismatch|Invalid packet type|invalid response from "
       r"usbmux|Received non-plist|got an invalid message|failed to start preflight worker|"
       r"Failed to start FDR listener|Failed to start async data request|Unknown Variant|"
       r"Failed to allocate subscription context|Could not commit stashbag|Could not create "
       r"stashbag|An error occurred while creating the stashbag|Failed to parse PLIST from decrypted",
       DEV, "device-software", 0.5,
       "a device service answered unexpectedly or refused the request"),
]

# Per-message corrections where the table is wrong for one site (producer, format[, function]).
OVERRIDES = {
    # The element names come from the signing server's BasebandFirmware answer ("<name>-Blob");
    # restore_get_bbfw_fn_for_element() maps them through a table compiled into the tool
    # (idevicerestore src/restore.c:1860-1911 at 405fcd1, one entry per modem generation: ICE3,
    # Trek, Mav4/5, ICE16/19, Mav20, Mav25). A name it lacks is a modem newer than the tool.
    ("idevicerestore", "can't match element name '%s' to baseband firmware file name."):
        (TOOL, "host-software", 2.0,
         "the signing server named a baseband firmware element this version of the tool has no "
         "file name for (its table predates this modem): update the tool"),
    # futurerestore: "Unable to get path for component" etc. are thrown from getIPSWComponent,
    # which reads the user's IPSW: an image problem, not the device.
    ("libirecovery", "Invalid input"):
        (TOOL, "host-software", 0.5, "irecv: a caller passed invalid input (a tool bug)"),
    ("libirecovery", "Out of memory"):
        (ENV, "host-environment", 1.0, "the host ran out of memory"),
    ("libirecovery", "File not found"):
        (ENV, "host-environment", 1.0, "a file given to irecovery does not exist on the host"),
    ("libirecovery", "Broken pipe"):
        (LINK, "usb-link", 1.5, "the USB pipe to the device broke"),
    ("libirecovery", "Timeout talking to device"):
        (LINK, "usb-link", 1.5, "the device stopped answering on USB"),
    ("libirecovery", "Unable to set device interface"):
        (ENV, "host-environment", 1.0,
         "the host's USB driver would not set the device's interface (driver, or another "
         "program holds the device)"),
    ("libirecovery", "Unable to set device configuration"):
        (ENV, "host-environment", 1.0,
         "the host's USB driver would not set the device's configuration"),
    ("libimobiledevice", "Invalid argument"):
        (TOOL, "host-software", 0.5, "a caller passed an invalid argument (a tool bug)"),
    ("libimobiledevice", "Not enough data"):
        (LINK, "usb-link", 1.0, "the device sent less than expected: the connection broke"),
    ("libimobiledevice", "Connection refused"):
        (DEV, "device-software", 1.0,
         "the device refused the connection: the service is not running in this mode"),
    ("libimobiledevice", "Timeout"):
        (LINK, "usb-link", 1.0, "the device did not answer in time"),
    ("libimobiledevice", "Invalid configuration"):
        (TOOL, "host-software", 0.5, "lockdownd client misconfigured (a tool bug)"),
    ("libimobiledevice", "Missing pair record"):
        (DEV, "device-software", 1.0, "the device is not paired with this computer (Trust)"),
    ("pymobiledevice3", "%s", "Restore.handle_bb_update_status_msg"):
        (DEV, "baseband", 1.5, "the device did not accept the baseband update"),
    ("pymobiledevice3", "mbn_stitch"):
        (IMG, "firmware-image", 1.0, "stitching the baseband firmware failed (the traceback "
         "after this line says how)"),
    ("pymobiledevice3", "%s", "MuxConnection._raise_mux_exception"):
        (ENV, "host-software", 1.0, "usbmuxd answered a request with an error"),
    ("pymobiledevice3", "failed to establish connection to %s",
     "Restore.handle_baseband_updater_output_data"):
        (LINK, "usb-link", 1.0, "could not connect to the baseband updater's data port"),
    # Words of libimobiledevice 1.3.0 (libimobiledevice-1.3) that today's pack does not hold.
    ("libimobiledevice", "ERROR: Connecting to usbmuxd failed: %d (%s)"):
        (ENV, "host-software", 1.5, "the host's usbmuxd could not be reached: it is not running"),
    ("libimobiledevice", "ERROR: Got an IPv6 address but this system doesn't support IPv6"):
        (ENV, "host-environment", 0.5, "the host has no IPv6 for a device on the network"),
    ("libimobiledevice", "ERROR: socket_receive_timeout failed: %d (%s)"):
        (LINK, "usb-link", 1.0, "reading from the device's connection failed"),
    ("libimobiledevice", "ERROR: socket_check_fd returned %d (%s)"):
        (LINK, "usb-link", 1.0, "the device's connection failed while waiting for data"),
    ("libimobiledevice", "ERROR: idevice_connection_receive returned %d"):
        (LINK, "usb-link", 1.0, "reading from the device's connection failed"),
    ("libimobiledevice", "ERROR: failed to read pair record for device: %s"):
        (ENV, "host-software", 1.0,
         "the host's pairing record for the device is missing or unreadable (re-pair)"),
    ("libimobiledevice", "ERROR: Failed to generate SHA1 for public key"):
        (TOOL, "host-software", 0.5, "the host's crypto library failed (a build problem)"),
    # libirecovery 1.0.0 (libirecovery-1.0).
    ("libirecovery", "WARNING: set interface failed, error %d"):
        (ENV, "host-environment", 1.0,
         "the host's USB driver would not set the device's interface (driver, or another "
         "program holds the device)"),
    # usbmuxd 1.1.1 (usbmuxd-1.1).
    ("usbmuxd", "%s: ERROR (on device): %s"):
        (LINK, "usb-link", 1.0, "the device reported an error on the USB mux connection"),
    ("usbmuxd", "%s: Got payload type 7 with empty message"):
        "trace: an empty message from the device; nothing failed",
    ("usbmuxd", "Failed to create required directory '%s': %s"):
        (ENV, "host-environment", 1.0,
         "usbmuxd could not create its folder on the host (permissions, read-only disk)"),
    ("usbmuxd", "Could not get configuration for device %d-%d: %s"):
        (LINK, "usb-link", 1.0, "reading the device's USB configuration failed"),
    ("usbmuxd", "Could not get old configuration descriptor for device %d-%d: %s"):
        "non-fatal: a notice; usbmuxd sets the configuration without it",
    ("usbmuxd", "Could not get configuration descriptor for device %d-%d: %s"):
        (LINK, "usb-link", 1.0, "reading the device's USB configuration descriptor failed"),
    ("usbmuxd", "%s: ERROR: couldn't read %d bytes from %s"):
        (ENV, "host-environment", 1.0, "usbmuxd could not read a file on the host"),
    # Words of the 2013 builds (idevicerestore-2013) that no later pack holds.
    ("idevicerestore", "read_file: File %s not found"):
        (ENV, "host-environment", 1.0, "a file the tool was given or needs does not exist on the host"),
    ("idevicerestore", "Unable to reset device"):
        (LINK, "usb-link", 1.0, "resetting the device in DFU/recovery mode over USB failed"),
    ("idevicerestore", "Unable to get %s from lockdownd"):
        (DEV, "device-software", 1.0,
         "lockdownd on the device did not let the host in (locked, not trusted, or busy)"),
    ("idevicerestore", "Unable to get UniqueChipID from lockdownd"):
        (DEV, "device-software", 1.0,
         "lockdownd on the device did not let the host in (locked, not trusted, or busy)"),
    ("idevicerestore", "Unable to get HardwareModel information"):
        (LINK, "usb-link", 1.0,
         "a message to or from the device in restore mode got lost: the USB connection (or the "
         "device stopped answering)"),
    ("idevicerestore", "Unable to find kernelcache path"):
        (IMG, "firmware-image", 1.0, "the build manifest names no kernelcache for this device"),
    ("libtatsu", "Unable to find %s entry in TSS response"):
        (SIGN, "signing-server", 1.0,
         "the signing server's answer holds no ticket for this component"),
    ("idevicerestore", "Could not find 'rrko' entry in ftab. This will probably break things."):
        (IMG, "firmware-image", 1.0, "the Rose/Timer firmware in the IPSW lacks its rrko entry"),
    ("idevicerestore", "Unable to get nonce from device!"):
        (LINK, "usb-link", 1.0, "reading the ApNonce from the device in recovery mode failed"),
    ("idevicerestore", "Unable to get ApNonce from device!"):
        (LINK, "usb-link", 1.0, "reading the ApNonce from the device in DFU mode failed"),
    ("idevicerestore", "Unable to get nonce from device"):
        (LINK, "usb-link", 0.5, "reading the nonce from the device in normal mode failed"),
    ("idevicerestore", "Unable to get %s", "normal_get_nonce_by_key"):
        (DEV, "device-software", 0.5, "lockdownd did not report the nonce"),
    ("futurerestore", "Failed to get apnonce from device!"):
        (LINK, "usb-link", 1.0, "reading the ApNonce from the device in recovery mode failed"),
    ("futurerestore", "Unable to find required BbGoldCertId in parameters"):
        (TOOL, "host-software", 0.5,
         "the baseband certificate id could not be read (device in recovery); "
         "--latest-baseband needs it"),
    ("futurerestore-tihmstar", "Unable to find required BbGoldCertId in parameters"):
        (TOOL, "host-software", 0.5,
         "the baseband certificate id could not be read; --latest-baseband needs it"),
    ("futurerestore-legacy", "Unable to find required BbGoldCertId in parameters"):
        (TOOL, "host-software", 0.5,
         "the baseband certificate id could not be read; --latest-baseband needs it"),
    ("futurerestore", "ERROR: Unable to get signing tickets for SEP"):
        (SIGN, "signing-server", 2.0, "the SEP ticket could not be fetched from the signing "
         "server"),
    ("futurerestore", "daemonManager: findProc: failed sysctl(KERN_PROC)!"):
        (ENV, "host-environment", 0.5, "could not list host processes to stop the device daemons"),
    ("futurerestore", "daemonManager: findProc: failed sysctl(KERN_PROC) size!"):
        (ENV, "host-environment", 0.5, "could not list host processes to stop the device daemons"),
    ("usbmuxd", "ERROR: Could not connect to lockdownd on device %s, lockdown error %d",
     "np_callback"):
        (DEV, "device-software", 0.5, "usbmuxd's pairing preflight could not reach lockdownd"),
    ("idevicerestore", "%s: Got unknown updater name '%s', trying to discover from device "
     "generated request."):
        (TOOL, "host-software", 1.0, "the device asks for a firmware updater this tool does not "
         "know; it tries to go on"),
    ("idevicerestore", "Missing ImageType"):
        (TOOL, "host-software", 1.0, "the device's image data request has a form this tool "
         "does not know"),
    # idevicerestore 1.0.0 and older (src/restore.c, restore_send_component and the like):
    # the device asks for a component the tool finds no path for in the build identity, which
    # an older tool that does not know the device's components runs into (idevicerestore#354,
    # rules/host-software.yaml host-sw.unable-get-component-path)
    ("idevicerestore", "Unable get path for '%s' component"):
        (TOOL, "host-software", 2.0, "the device asked for a firmware component this release "
         "of the tool has no path for: a newer tool knows this device's components"),
    ("pymobiledevice3", "missing ImageType"):
        (TOOL, "host-software", 1.0, "the device's image data request has a form this tool "
         "does not know"),
    ("libimobiledevice", "Receive timeout"):
        (LINK, "usb-link", 1.0, "lockdownd did not answer in time"),
    ("libimobiledevice", "Mux error"):
        (LINK, "usb-link", 1.5, "the USB mux connection to the device broke"),
    ("libimobiledevice", "Invalid HostID"):
        (ENV, "host-software", 1.5, "the device does not know this host's pairing: re-pair"),
    ("libimobiledevice", "Missing HostID"):
        (ENV, "host-software", 1.0, "the request lacked the host's pairing id"),
    ("libimobiledevice", "Invalid activation record"):
        (DEV, "device-software", 1.0, "the device's activation record is invalid"),
    ("libimobiledevice", "Missing activation record"):
        (DEV, "device-software", 1.0, "the device is not activated"),
    ("libimobiledevice", "device refused to send public key."):
        (DEV, "device-software", 1.0, "the device would not start pairing"),
    ("libtatsu", "ERROR: Unable to find required BbSNUM in parameters"):
        (DEV, "baseband", 1.0, "the device did not report its baseband serial number: a "
         "baseband that does not answer (or an old tool)"),
    # idevicerestore goes on with the restore when the FDR control channel cannot be opened
    # (src/restore.c:5375-5383 at 405fcd1: "FIXME: We might want to return failure here"), and
    # a failed FDR connection of the listener thread only ends that FDR command
    # (src/fdr.c:427-429): neither ends the run (idevicerestore#316: "restore completed
    # successfully, in spite of these errors"). The printed code is kept by
    # code.libimobiledevice-error (rules/printed-codes.yaml).
    ("idevicerestore", "Failed to start FDR Ctrl channel"):
        "non-fatal: idevicerestore goes on with the restore without the FDR control channel",
    ("idevicerestore", "Unable to connect to FDR client (%d)"):
        "non-fatal: the FDR connection failed after its retries; the restore goes on without it",
    # Only reached with -c (custom firmware, FLAG_CUSTOM: src/idevicerestore.c:878-907 at
    # 405fcd1): the all_flash "manifest" list exists in custom firmware built for old devices,
    # not in a stock IPSW, so a stock IPSW restored with -c stops here (idevicerestore#260:
    # "-c is for jailbreaks on old ass devices ... run the same command without -c").
    ("idevicerestore", "could not extract %s from IPSW", "idevicerestore_start"):
        (TOOL, "host-software", 1.5,
         "the custom-firmware option (-c) needs the all_flash manifest of a custom IPSW for an "
         "old device; a stock IPSW has none: run without -c"),
    ("libtatsu", "failure", "tss_request_send"):
        "trace: ends a signing request attempt whose answer was not SUCCESS; the status line "
        "after it is classified",
    ("usbmuxd", "ERROR: SavePairRecord: DeviceID %d (%s) is not connected"):
        (LINK, "usb-link", 0.5, "the device went away while its pairing record was saved"),
}

for _name in ("futurerestore", "futurerestore-tihmstar", "futurerestore-legacy"):
    OVERRIDES[(_name, "[WARNING] using tsschecker's fallback to get BasebandGoldCertID. This "
               "might result in invalid baseband signing status information")] = (
        TOOL, "host-software", 0.5, "the baseband signing check is unreliable")
    OVERRIDES[(_name, "ERROR: Unable to get path for component '%s'")] = (
        IMG, "firmware-image", 1.0, "the IPSW's build manifest lacks this component")
    OVERRIDES[(_name, "ERROR: Unable to extract component: %s")] = (
        IMG, "firmware-image", 1.5, "the component could not be read from the IPSW")
    OVERRIDES[(_name, "getting keys failed with error: %d (%s). Are keys publicly available?")] = (
        TOOL, "host-software", 1.5,
        "no public firmware keys for this device/iOS: the pwnDFU path is not supported for it")
    OVERRIDES[(_name, "ERROR: libipatcher failed with reason %d (%s)")] = (
        TOOL, "host-software", 1.5, "patching the boot components failed in the tool")


LEVEL_PREFIX = re.compile(r"^(?:\[?(?:ERROR|Error|error|WARNING|Warning|NOTE|DEBUG|FATAL)\]?:?\s+)+")


def bare(fmt):
    """The message without a leading level word, which tools move between the text and the
    logger level from one release to the next ("ERROR: x" -> LL_ERROR "x")."""
    return LEVEL_PREFIX.sub("", fmt).strip()


# Files a producer copied from another producer: their messages are classified as there, so
# one text never gets two classes (tsschecker's tss.c is idevicerestore's, now libtatsu).
COPIED_FROM = {
    ("tsschecker-legacy", "tsschecker/tss.c"): "libtatsu",
    ("idevicerestore-legacy", "src/tss.c"): "libtatsu",
    ("idevicerestore-2013", "src/tss.c"): "libtatsu",
}

# A producer's older words, pinned at an earlier commit, are classified as the producer's own.
CLASSIFY_AS = {
    "idevicerestore-legacy": "idevicerestore",
    "idevicerestore-2013": "idevicerestore",
    "libimobiledevice-1.3": "libimobiledevice",
    "libirecovery-1.0": "libirecovery",
    "usbmuxd-1.1": "usbmuxd",
    "futurerestore-2021": "futurerestore",
}


def classify(rec):
    """The class of one extracted message: a dict with side/cause/weight/reason (and maybe
    variants), or {"ignore": category, "reason": ...}."""
    origin = (COPIED_FROM.get((rec["producer"], rec["file"]))
              or CLASSIFY_AS.get(rec["producer"]))
    if origin:
        rec = dict(rec, producer=origin)
    fmt = bare(rec["format"])
    for key in ((rec["producer"], rec["format"], rec.get("function", "")),
                (rec["producer"], rec["format"]),
                (rec["producer"], fmt, rec.get("function", "")),
                (rec["producer"], fmt)):
        if key in OVERRIDES:
            o = OVERRIDES[key]
            if isinstance(o, str):
                cat, _, why = o.partition(":")
                return {"ignore": cat.strip(), "reason": why.strip() or IGNORE_CATEGORIES[cat],
                        "rule": "override"}
            side, cause, weight, reason = o
            return {"side": side, "cause": cause, "weight": weight, "reason": reason,
                    "rule": "override"}
    for rule in RULES:
        if rule.matches(rec):
            rule.hits += 1
            if rule.ignore:
                return {"ignore": rule.ignore,
                        "reason": rule.reason or IGNORE_CATEGORIES[rule.ignore],
                        "rule": rule.index}
            out = {"side": rule.side, "cause": rule.cause, "weight": rule.weight,
                   "reason": rule.reason, "rule": rule.index}
            if rule.variants:
                out["variants"] = rule.variants
            return out
    return None


def check_table():
    """The table's own consistency: known sides, causes, categories and weights."""
    problems = []
    for i, r in enumerate(RULES):
        r.index = i
        if r.ignore:
            if r.ignore not in IGNORE_CATEGORIES:
                problems.append("rule %d: unknown ignore category %r" % (i, r.ignore))
            continue
        if r.side not in SIDES or r.cause not in SIDES[r.side]:
            problems.append("rule %d: side %r cannot name cause %r" % (i, r.side, r.cause))
        if not 0.5 <= r.weight <= 3:
            problems.append("rule %d: weight %r outside 0.5-3" % (i, r.weight))
        for v in r.variants:
            if v["side"] not in SIDES or v["cause"] not in SIDES[v["side"]]:
                problems.append("rule %d: variant names %r/%r" % (i, v["side"], v["cause"]))
    for k, o in OVERRIDES.items():
        if isinstance(o, str):
            if o.partition(":")[0].strip() not in IGNORE_CATEGORIES:
                problems.append("override %r: unknown ignore category" % (k,))
        elif o[0] not in SIDES or o[1] not in SIDES[o[0]] or not 0.5 <= o[2] <= 3:
            problems.append("override %r: bad class %r" % (k, o))
    return problems


check_table()


def main(argv=None):
    import extract
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("producer", choices=sorted(extract.PRODUCERS))
    ap.add_argument("git_dir")
    ap.add_argument("commit")
    ap.add_argument("--unmatched", action="store_true", help="list messages no rule covers")
    ap.add_argument("--by-rule", action="store_true", help="group the messages by rule")
    a = ap.parse_args(argv)
    problems = check_table()
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    _commit, records, _skipped = extract.extract(a.producer, a.git_dir, a.commit)
    groups = {}
    for r in records:
        c = classify(r)
        if a.unmatched:
            if c is None:
                print("%s:%d %s\t%s" % (r["file"], r["line"], r["function"],
                                        json.dumps(r["format"])))
            continue
        groups.setdefault(c["rule"] if c else None, []).append((r, c))
    if a.by_rule:
        for k in sorted(groups, key=lambda x: (x is None, str(type(x)), x if x is not None else 0)):
            items = groups[k]
            c = items[0][1]
            head = ("UNMATCHED" if c is None else
                    "ignore:%s" % c["ignore"] if "ignore" in c else
                    "%s/%s %.1f" % (c["side"], c["cause"], c["weight"]))
            print("== rule %s  %s  (%d)" % (k, head, len(items)))
            for r, _ in items:
                print("   %s:%d %s\t%s" % (r["file"].split("/")[-1], r["line"], r["function"],
                                           json.dumps(r["format"])[1:-1][:160]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
