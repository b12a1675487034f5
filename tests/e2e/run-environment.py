#!/usr/bin/env python3
"""The words of the programs around a restore end a run with their cause.

    tests/e2e/run-environment.py LOGANALYZE

A restore tool runs inside a shell, on an operating system, beside curl, unzip and the
kernel's USB driver; when one of them stops the run, its own words are the failure line
(rules/host-runtime.yaml, host-environment.yaml, firmware-image.yaml, usb-link.yaml). Each
case below is a short run ("Found device in DFU mode", a step, then the line) that must be
reported failed with the cause named, and each line of NOT, ending the same run, must not
be read as that failure. A command line that runs a restore program makes the run a restore
even when the program's own lines are unknown (fact.restore-command), and the rule that
read the deciding line says what to do first (its `advice`, in the JSON and the text
report). Stdlib only; exit 1 with one line per miss.
"""
import json
import os
import subprocess
import sys
import tempfile

HEAD = "Found device in DFU mode\nSending iBEC (1234 bytes)...\n"

CASES = [
    # the shells' report of a crashed or killed tool (bash jobs.c, zsh signames2.awk)
    ("Illegal instruction: 4", "host-software"),
    ("zsh: illegal hardware instruction  ./idevicerestore -e iPhone.ipsw", "host-software"),
    ("zsh: segmentation fault  ./futurerestore -t blob.shsh2 fw.ipsw", "host-software"),
    ("./restore.sh: line 90: 31337 Aborted                 ./futurerestore -t b.shsh2", "host-software"),
    ("Trace/BPT trap: 5", "host-software"),
    ("zsh: killed     ./futurerestore -t blob.shsh2 --latest-sep fw.ipsw", "host-software"),
    # the C++ runtimes' uncaught exception
    ("libc++abi: terminating due to uncaught exception of type std::runtime_error: x", "host-software"),
    ("terminate called after throwing an instance of 'std::out_of_range'", "host-software"),
    # a binary the computer will not run, a library or DLL it cannot load
    ("zsh: permission denied: ./futurerestore", "host-software"),
    ("zsh: bad CPU type in executable: ./futurerestore", "host-software"),
    ("bash: ./futurerestore: cannot execute binary file: Exec format error", "host-software"),
    ("“futurerestore” cannot be opened because the developer cannot be verified.", "host-software"),
    ("The code execution cannot proceed because libimobiledevice-1.0.dll was not found.", "host-software"),
    ("dyld[4012]: Symbol not found: _plist_new_dict", "host-software"),
    ("zsh: no such file or directory: ./futurerestore", "host-software"),
    # libusb's own words for a device it may not open
    ("libusb: error [get_usbfs_fd] libusb couldn't open USB device /dev/bus/usb/001/005, errno=13",
     "host-environment"),
    ("libusb: error [darwin_claim_interface] USBInterfaceOpen: another process has device "
     "opened for exclusive access", "host-environment"),
    # the network, the disk, the firmware file
    ("curl: (6) Could not resolve host: updates.cdn-apple.com", "host-environment"),
    ("cp: error writing 'saved/iPhone.ipsw': No space left on device", "host-environment"),
    ("  End-of-central-directory signature not found.  Either this file is not", "firmware-image"),
    ("zipfile.BadZipFile: File is not a zip file", "firmware-image"),
    ("iPhone_4.7_P3_15.8.3_19H386_Restore.ipsw: FAILED", "firmware-image"),
    ("unable to find AppleNANDFTL", "firmware-image"),
    # the Linux kernel's USB hub driver
    ("[ 4211.228341] usb 1-2: device descriptor read/64, error -71", "usb-link"),
    ("[  125.636000] usb usb2-port1: Cannot enable. Maybe the USB cable is bad?", "usb-link"),
]

# Lines that look alike but are not such a failure: the run must not end failed on them
# with the cause of the case family.
NOT = [
    ("socket_connect_unix: socket: Permission denied", "host-software"),
    ("zsh: command not found: futurerestore", "firmware-image"),
    ("usb 1-2: USB disconnect, device number 9", "usb-link"),
    ("iPhone_4.7_P3_15.8.3_19H386_Restore.ipsw: OK", "firmware-image"),
    ("curl: (22) The requested URL returned error: 404", "host-environment"),
]


def report(exe, path):
    p = subprocess.run([exe, "--format", "json", "--exit-zero", "-q", path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if p.returncode != 0:
        raise RuntimeError("exit %d: %s" % (p.returncode, p.stderr.decode(errors="replace")))
    return json.loads(p.stdout)["reports"][0]


def top(rep):
    causes = rep.get("causes") or []
    return causes[0]["id"] if causes else None


def main():
    exe = sys.argv[1]
    misses = []
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "run.log")

        def run(text):
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            return report(exe, path)

        for line, cause in CASES:
            rep = run(HEAD + line + "\n")
            if rep.get("outcome") != "failed" or top(rep) != cause:
                misses.append("%r: %s/%s, want failed/%s" % (line, rep.get("outcome"), top(rep),
                                                             cause))
        for line, cause in NOT:
            rep = run(HEAD + line + "\n")
            if rep.get("outcome") == "failed" and top(rep) == cause and \
                    (rep.get("diagnosis") or {}).get("level") != "unclear":
                misses.append("%r: read as failed/%s" % (line, cause))
        # The rule that read the deciding line says what to do first (its 'advice'), in the
        # JSON's diagnosis.line and in the text report's reasons.
        rep = run(HEAD + "zsh: bad CPU type in executable: ./futurerestore\n")
        advice = ((rep.get("diagnosis") or {}).get("line") or {}).get("advice") or ""
        if "processor" not in advice:
            misses.append("no advice on the deciding line: %r" % advice)
        text = subprocess.run([exe, "--color", "never", "--exit-zero", "-q", path],
                              stdout=subprocess.PIPE, check=False).stdout.decode()
        if "What to do first: Make the binary executable" not in text:
            misses.append("the text report does not show the advice")
        # A wrapper's command line, then only lines no rule knows, then its error.
        cmd = ("./inferius -d iPhone10,4 -i 13.5 -f custom.ipsw -r\nverifying version\n"
               "[ERROR] This build cannot be used here. Exiting...\n")
        for text, want in ((cmd, "failed"), (cmd.split("\n", 1)[1], "no-restore-found")):
            rep = run(text)
            if rep.get("outcome") != want:
                misses.append("%r: %s, want %s" % (text.split("\n")[0], rep.get("outcome"), want))
        # An NSError of a domain no other space names keeps its printed number (space ns).
        rep = run(HEAD + "ERROR: Failed to create VM error=The operation couldn\u2019t be "
                  "completed. (lume.DarwinImageLoader.ImageError error 1.)\n")
        if {"code": 1, "space": "ns", "printed": True} not in (rep.get("codes") or []):
            misses.append("NSError code not kept in space ns: %r" % rep.get("codes"))
    for m in misses:
        print("MISS " + m)
    print("%d of %d cases right" % (len(CASES) + len(NOT) + 5 - len(misses),
                                    len(CASES) + len(NOT) + 5))
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
