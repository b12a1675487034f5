#!/usr/bin/env python3
"""Which conversion of a message prints an error code, and in which numbering space.

    codes.py PRODUCER [--all]      # the decision for every message with an integer conversion

A conversion prints a code when (1) the text right before it names one (CODE_WORD: "error %d",
"error=%d", "status=%d", "returned %d", "error code %d", "lockdown error %d", "failed: %d",
"result=%lli", "errno %d") or the argument is declared with an error type (a "(%d)" after
"Failed to send data"), and (2) it is not a count, size, index, port, descriptor or offset
(NOT_CODE on the words before it or on the argument's name).  Its numbering space
(rules/README.md, "Numbering spaces") comes from what the source says about the argument:

  - its declared type (TYPE_SPACE: lockdownd_error_t and every other libimobiledevice
    service error → imd, irecv_error_t → irecv, CURLcode → curl);
  - errno, or a strerror() of it printed beside it → posix;
  - for an int, the site's producer and function (SITE_SPACE: libtatsu's tss_request_send
    prints the signing server's STATUS → tss; idevicerestore's checkpoint result → step;
    usbmuxd's client calls in libimobiledevice return negative errno → posix ...).

A code with no space (mbedTLS's, libusb's, a Windows GetLastError()) is not kept: the report
has no numbering space for it, and a number without its space would be read as a restore
error.  The result is an entry's `printed_code: {conversion: N, space: S}` (N counts every
conversion of the first line from 1, %s included; rules/vocab/README.md).
"""

import re

INT_CONV = set("diuxX")
CONV_RE = re.compile(r"%[-+ #0']*(\*|\d+)?(?:\.(\*|\d+))?(hh|h|ll|l|L|q|j|z|t)?([diouxXeEfFgGaAcspSn@])")

# The words that announce a code, at the end of the text before the conversion.
CODE_WORD = re.compile(
    r"(?:\b(?:error|err|errno|errcode|error ?code|code|status|result|ret|rc|returned|reason|"
    r"curlcode)\b\s*[:=]?\s*\(?|\bfailed\b\s*(?::|with)?\s*\(?|\bfailed with error:?\s*)$",
    re.I)
# A number that is no code: counts, sizes, positions, descriptors, ports.
NOT_CODE = re.compile(
    r"\b(?:index|idx|length|len|size|port|fd|offset|bytes?|count|written|sent|received|"
    r"read|id|agrc|argc|optind|malloc|request|line|pid|timeout|oob_length|chunk|block|"
    r"sector|address|addr)\b\s*[:=]?\s*\(?$", re.I)
NOT_CODE_ARG = re.compile(r"(?:^|_)(?:len|length|size|idx|index|port|fd|offset|count|bytes|"
                          r"sent|rcvd|received|written|pid|argc|optind)$|^(?:sent|rcvd|i|j|n)$",
                          re.I)

# Declared types of an argument and the space they number.
TYPE_SPACE = [
    (re.compile(r"^irecv_error_t$"), "irecv"),
    (re.compile(r"^(?:idevice|lockdownd|restored|service|property_list_service|preboard|"
                r"reverse_proxy|diagnostics_relay|mobile_image_mounter|afc|"
                r"mobilebackup2?|installation_proxy|notification_proxy|np|heartbeat|"
                r"companion_proxy|file_relay|screenshotr|sbservices|webinspector|"
                r"misagent|house_arrest|syslog_relay|mobileactivation|mobilesync|"
                r"debugserver|bt_packet_logger|ostrace|instproxy|userpref|"
                r"lockdown)_error_t$"), "imd"),
    (re.compile(r"^CURLcode$"), "curl"),
    (re.compile(r"^IOReturn$"), "kio"),
]
# An int argument last assigned from a call: the space of what the callee returns.
FROM_SPACE = [
    (re.compile(r"^usbmuxd_"), "posix"),           # libusbmuxd: 0 or a negative errno
    (re.compile(r"^irecv_"), "irecv"),
    (re.compile(r"^curl_easy_perform$"), "curl"),
    (re.compile(r"^mbedtls_"), "mbedtls"),
]

# An int argument: the space from the site (producer, function regex, argument name regex).
SITE_SPACE = [
    # libtatsu / tsschecker: the server's STATUS of the TSS response
    (r"^(?:libtatsu|tsschecker-legacy)$", r"^tss_request_send$", r"^status(?:_code)?$", "tss"),
    # idevicerestore: restored's checkpoint result is a restore-step code
    (r"^idevicerestore$", r"^restore_device$", r"^(?:result|ckpt_res)$", "step"),
    # libimobiledevice: a service constructor's return value is that service's error_t
    (r"^libimobiledevice$", r"^service_client_factory_start_service$", r"^ec$", "imd"),
    # libimobiledevice: the usbmuxd/socket calls return a negative errno (printed with its
    # strerror(-ret))
    (r"^libimobiledevice$", r"^internal_connection_(?:send|receive\w*)$", r"^(?:res|ret)$",
     "posix"),
    (r"^libimobiledevice$", r"^idevice_connect$", r"^(?:sfd|res|ret)$", "posix"),
    # usbmuxd: a client write's and the child process's errors are errno values
    (r"^usbmuxd$", r"^(?:output_buffer_process|device_client_process)$", r"^res$", "posix"),
    # libusb: what pthread_create() / pthread_setname_np() return is an errno value
    (r"^libusb$", r"^(?:darwin_first_time_init|linux_(?:netlink|udev)_event_thread_main)$",
     r"^(?:rc|r)$", "posix"),
    # idevicerestore's own return values
    (r"^idevicerestore$", r".", r"^(?:result|res|ret|err|error)$", "idr"),
]


def conversions(fmt):
    """(index from 1, conversion letter, text before it since the previous conversion, the
    argument index from 0) of the first line's conversions."""
    line = fmt.split("\n")[0]
    out, last, argi, k = [], 0, 0, 0
    i = 0
    while i < len(line):
        if line[i] != "%":
            i += 1
            continue
        if line.startswith("%%", i):
            i += 2
            continue
        m = CONV_RE.match(line, i)
        if not m:
            i += 1
            continue
        k += 1
        argi += (m.group(1) == "*") + (m.group(2) == "*")
        out.append((k, m.group(4), line[last:m.start()], argi))
        argi += 1
        last = i = m.end()
    return out


def _site_space(rec, name):
    for prod, func, arg, space in SITE_SPACE:
        if (re.search(prod, rec["producer"]) and re.search(func, rec.get("function") or "")
                and re.search(arg, name)):
            return space
    return None


def space_of(rec, arg, nxt):
    """The numbering space of a printed code argument, or None."""
    expr, typ = arg.get("expr", ""), arg.get("type", "")
    if re.search(r"\berrno\b", expr) or (nxt and re.search(r"strerror\s*\(\s*errno", nxt)):
        return "posix"
    if nxt and re.fullmatch(r"[A-Za-z_]\w*", expr) and re.fullmatch(
            r"strerror\s*\(\s*-?\s*" + re.escape(expr) + r"\s*\)", nxt):
        return "posix"                             # printed beside its strerror()
    if re.search(r"^futurerestore", rec["producer"]) and re.fullmatch(r"\w+\.code\(\)", expr):
        return "fr"                                # a tihmstar::exception's code()
    for rx, space in TYPE_SPACE:
        if rx.search(typ):
            return space
    name = re.sub(r"^[-(\s]*(?:\(\s*\w+\s*\)\s*)?", "", expr)
    if not re.fullmatch(r"[A-Za-z_]\w*", name):
        return None
    if typ and typ not in ("int", "long", "int32_t", "int64_t", "ssize_t", "long long",
                           "unsigned int", "uint32_t", "auto"):
        return None
    for rx, space in FROM_SPACE:
        if rx.search(arg.get("from", "")):
            return space
    return _site_space(rec, name)


def printed_code(rec):
    """{"conversion": N, "space": S} for the message's printed code, or None."""
    args = rec.get("args")
    if not args:
        return None
    for k, conv, before, ai in conversions(rec["format"]):
        if conv not in INT_CONV or ai >= len(args):
            continue
        arg = args[ai]
        word = CODE_WORD.search(before.rstrip() + (" " if before.endswith(" ") else ""))
        word = word or CODE_WORD.search(before)
        typed = any(rx.search(arg.get("type", "")) for rx, _ in TYPE_SPACE)
        if not word and not typed:
            continue
        if NOT_CODE.search(before) or NOT_CODE_ARG.search(arg.get("expr", "").strip()):
            continue
        nxt = args[ai + 1]["expr"] if ai + 1 < len(args) else ""
        space = space_of(rec, arg, nxt)
        if space:
            return {"conversion": k, "space": space}
    return None


def main(argv=None):
    import argparse
    import os
    import sys
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import extract
    import generate
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("producer", nargs="+")
    ap.add_argument("--all", action="store_true", help="also the messages with no code")
    ap.add_argument("--mirror-root")
    ap.add_argument("--git-dir", action="append", metavar="PRODUCER=DIR")
    a = ap.parse_args(argv)
    for p in a.producer:
        gd = generate.git_dir_for(p, a)
        commit = generate.recorded_commit(p) or generate.newest_commit(p, gd)
        _, recs, _ = extract.extract(p, gd, commit)
        for r in recs:
            ints = [c for c in conversions(r["format"]) if c[1] in INT_CONV]
            if not ints:
                continue
            pc = printed_code(r)
            if pc or a.all:
                print("%s %s:%d %s %r -> %s %s" % (
                    p, r["file"], r["line"], r.get("function", ""), r["format"].split("\n")[0],
                    pc, [(x["expr"], x["type"]) for x in r.get("args", [])]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
