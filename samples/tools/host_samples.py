#!/usr/bin/env python3
"""Generate the "Host and tool logs" samples of loganalyze (samples/README.md) and their
expectations (<name>.expect.json).

Every sample written here is OUR OWN text in the real line shapes documented in
docs/log-formats.md (iTunes "iPhone Updater Logs" generations 1-3, Finder / Apple
Configurator, idevicerestore old console and new log file, futurerestore v2, pymobiledevice3,
3uTools-style flash logs, device restore logs).  The short decisive lines (e.g. "radio-error
not set", "server response status code: 404") follow real public excerpts; everything around
them is written by us.  All identifiers (ECID, UDID, serial, IMEI, host names, user names)
are made up.  The relayed device restore logs are written by restore_log.py, shared with
device_samples.py.

The output is deterministic: run from anywhere

    python3 samples/tools/host_samples.py           # rewrites the files byte for byte
    python3 samples/tools/host_samples.py --check   # compares instead; exit 1 with a diff
"""

import random
import sys
from datetime import datetime, timedelta

from restore_log import RestoreLog, us_of_day
from sample_files import run

# --------------------------------------------------------------------------------------------
# clock + line formatters
# --------------------------------------------------------------------------------------------


class Log:
    """A log being written: a clock that only moves forward and a list of lines."""

    def __init__(self, seed, start, fmt, **ctx):
        self.rng = random.Random(seed)
        self.t = start
        self.fmt = fmt
        self.ctx = ctx
        self.lines = []

    # time -----------------------------------------------------------------------------------
    def tick(self, lo=1, hi=60):
        """advance lo..hi milliseconds (sub-millisecond jitter included)"""
        us = self.rng.randint(int(lo * 1000), int(hi * 1000))
        self.t += timedelta(microseconds=us)

    def wait(self, seconds):
        self.t += timedelta(seconds=seconds)

    # output ---------------------------------------------------------------------------------
    def w(self, msg, lo=1, hi=60, **kw):
        self.tick(lo, hi)
        self.lines.append(self.fmt(self, msg, **kw))

    def same(self, msg, **kw):
        """a line with the same timestamp as the previous one"""
        self.lines.append(self.fmt(self, msg, **kw))

    def raw(self, text):
        self.lines.append(text)

    def many(self, msgs, lo=1, hi=60, **kw):
        for m in msgs:
            self.w(m, lo, hi, **kw)

    def text(self, eol="\n"):
        return eol.join(self.lines) + eol


def f_itunes1(log, msg, tid=None, exe=None):
    """iTunes generation 1 (Windows): 2010-11-01 13:58:02.187 [152:9c]: msg"""
    t = log.t
    tid = tid or log.ctx["tid"]
    who = "%s[%d:%s]" % (exe, log.ctx["pid"], tid) if exe else "[%d:%s]" % (log.ctx["pid"], tid)
    return "%s.%03d %s: %s" % (t.strftime("%Y-%m-%d %H:%M:%S"), t.microsecond // 1000, who, msg)


def f_itunes2(log, msg, tid=None):
    """iTunes generation 2 (macOS): 2011-10-05 14:26:58.000 iTunes[6456:16d4f]: msg"""
    t = log.t
    return "%s.000 iTunes[%d:%s]: %s" % (t.strftime("%Y-%m-%d %H:%M:%S"), log.ctx["pid"],
                                         tid or log.ctx["tid"], msg)


def f_bracket_win(log, msg):
    """iTunes 12.x on Windows: [06:44:01.0282] msg  (milliseconds printed with 4 digits)"""
    t = log.t
    return "[%s.%04d] %s" % (t.strftime("%H:%M:%S"), t.microsecond // 1000, msg)


def f_bracket_mac(log, msg):
    """Finder / Apple Configurator: [17:59:01.7501] msg  (1/10000 s)"""
    t = log.t
    return "[%s.%04d] %s" % (t.strftime("%H:%M:%S"), t.microsecond // 100, msg)


IDR_LEVEL = {"E": "  <Error>", "W": "<Warning>", "N": " <Notice>", "I": "   <Info>",
             "V": "<Verbose>", "D": "  <Debug>"}


def f_idr_new(log, msg, lvl="I"):
    """idevicerestore log file (src/log.c): 10:42:31.336 <Verbose> msg"""
    t = log.t
    return "%s.%03d %s %s" % (t.strftime("%H:%M:%S"), t.microsecond // 1000, IDR_LEVEL[lvl], msg)


def f_plain(log, msg):
    return msg


def f_pmd3(log, msg, name="pymobiledevice3.restore.restore", lvl="DEBUG"):
    """pymobiledevice3 coloredlogs: 2024-12-29 16:01:58 host logger[pid] LEVEL msg"""
    return "%s %s %s[%d] %s %s" % (log.t.strftime("%Y-%m-%d %H:%M:%S"), log.ctx["host"], name,
                                   log.ctx["pid"], lvl, msg)


def f_flash(log, msg, own=False):
    """3uTools-style: own step lines `HH:MM:SS.mmm:  msg`, relayed MobileDevice lines
    `HH:MM:SS.mmm: msg`"""
    t = log.t
    return "%s.%03d:%s%s" % (t.strftime("%H:%M:%S"), t.microsecond // 1000, "  " if own else " ", msg)


# --------------------------------------------------------------------------------------------
# the device's own restore log (restored / ramrod), as relayed or dumped by host tools
# --------------------------------------------------------------------------------------------


def device_log(seed, start, ab, uptime, progress):
    """A device restore log (restore_log.RestoreLog) starting at `start` (a datetime, GMT),
    stepped in microseconds: 1-30 ms before each checkpoint, 0.2-8 ms before each line of
    text; step sequence numbers count on from 30."""
    t = start
    return RestoreLog(random.Random(seed), us_of_day(t.hour, t.minute, t.second, t.microsecond), ab,
                      uptime=uptime, progress=progress, seq=30, res=1000, cp_tick=(1, 30),
                      say_tick=(0.2, 8))


def luhn_ok(digits14):
    s = 0
    for i, ch in enumerate(reversed(digits14)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        s += d
    return digits14 + str((10 - s % 10) % 10)


def hexbytes(rng, n):
    return " ".join("%02x" % rng.randrange(256) for _ in range(n))


def hexstr(rng, n):
    return "".join("%02x" % rng.randrange(256) for _ in range(n))

# --------------------------------------------------------------------------------------------
# modern MobileDevice vocabulary (AMRestore / libauthinstall "amai:" lines), shared by the
# iTunes 12.x, Finder, Configurator and flash-tool samples.  Message texts follow the real
# MobileDevice output relayed in public logs (see README); the sequences are ours.
# --------------------------------------------------------------------------------------------

PERSO_A10 = ["RestoreLogo", "RestoreDeviceTree", "RestoreKernelCache", "RestoreRamDisk", "iBEC",
             "iBSS", "KernelCache", "ftap", "rfta", "ftsp", "rfts", "OS", "RecoveryMode",
             "BatteryLow0", "RestoreSEP", "SEP", "iBoot", "RestoreTrustCache", "DeviceTree",
             "AudioCodecFirmware", "StaticTrustCache", "BatteryCharging0", "LLB", "BatteryLow1",
             "BatteryFull", "AppleLogo", "BatteryCharging1", "BatteryPlugin", "Multitouch"]
PERSO_A11 = PERSO_A10 + ["AOP", "ISP", "ANE", "AVE", "GFX"]
PERSO_A12 = PERSO_A11 + ["SIO", "PMP", "Ap,SystemVolumeCanonicalMetadata", "SystemVolume",
                         "LowPowerWallet0", "LowPowerWallet1", "Liquid"]
NOT_IN_MANIFEST = ["OSRamdisk", "x86,SystemVolumeCanonicalMetadata", "BaseSystemVolume",
                   "x86,BaseSystemVolume", "Diags", "CFELoader", "RBM", "PHLEET", "PERTOS",
                   "PEHammer", "Alamo"]


def cfdata(rng, n):
    head = hexstr(rng, 16)
    tail = hexstr(rng, 8)
    return ("<CFData 0x%012x [0x7ffb%08x]>{length = %d, capacity = %d, bytes = 0x%s ... %s}" %
            (0x1f3a0000000 + rng.randrange(0x100000) * 16, rng.randrange(1 << 32), n, n, head, tail))


def md_identity(L, variant="Customer Erase Install (IPSW)", behavior="Erase", bb=True):
    L.w("requested restore behavior: %s" % behavior)
    L.w("amai: AMAuthInstallBundleCopyBuildIdentityForVariant: searching for variant %s (0 recovery)" % behavior)
    if not bb:
        L.w("amai: AMAuthInstallBundleCopyBuildIdentityForVariant: No baseband chipid reported. Will "
            "match Build Identity based on ap chipid, boardid, and secdomain only.")
    L.w("amai: AMAuthInstallBundleCopyBuildIdentityForVariant: AMAuthInstallBundleCopyBuildIdentityForVariant: "
        "Found variant: %s" % variant)


def md_bb_updater_output(L, bb, done=None):
    L.w("amai: AMAuthInstallBasebandSetParametersWithUpdaterOutput: baseband updater output: {")
    L.w("    CertID = %d;" % bb["certid"], 0, 2)
    L.w("    ChipID = %d;" % bb["chipid"], 0, 2)
    if "fusing" in bb:
        L.w("    FusingStatus = %d;" % bb["fusing"], 0, 2)
    if "skey" in bb:
        L.w("    SKeyStatus = %d;" % bb["skey"], 0, 2)
    L.w("    VendorID = %d;" % bb["vendor"], 0, 2)
    if done is not None:
        L.w("    attemptedToFuse = 0;", 0, 2)
        L.w("    done = %d;" % done, 0, 2)
    L.w("}", 0, 2)
    L.w("amai: AMAuthInstallBasebandSetParametersWithUpdaterOutput: manifest dict not found")


def md_personalize(L, dev, comps, rng, win=True, digest_len=20, tmp="Per8CFC.tmp",
                   user="user", server="https://gs.apple.com:443", tss_ok=True, httpq=True):
    L.w("amai: AMAuthInstallBundleFDRSupported: FDR is supported for this device")
    L.w("no override trust object found")
    bp = ""
    if dev.get("bb"):
        bp = ("bp=(personalize=YES, snum=0x%s, chipid=0x%x, certid=0x%x, nonce=0x%s), " %
              (dev["bb"]["snum"], dev["bb"]["chipid"], dev["bb"]["certid"], hexstr(rng, 20)))
    L.w("personalizing: <AMAuthInstall 0x%012x>{ap=(personalize=YES %s ecid=0x%x, chipid=0x%x, "
        "boardid=0x%x, secDom=1, isProduction=YES, EPRO=YES, isSecure=YES, ESEC=YES, img4=YES, "
        "demotionPolicy=, nonce=0x%s, sepNonce=0x%s), %sUserAuth=NO, iTunes=YES, server=\"%s\", "
        "locale=%s, version=\"%s\", platform=%s}" %
        (0x1f3a0c40000 + rng.randrange(0x10000) * 16, dev["board"], dev["ecid"], dev["cpid"],
         dev["bdid"], hexstr(rng, digest_len if digest_len < 40 else 32), hexstr(rng, 20), bp, server,
         dev.get("locale", "en_US"), dev["libauth"], dev["platform"]))
    L.w("amai: _AMAuthInstallBundleShouldPersonalizeOS: Personalize OS = Yes")
    for c in comps:
        L.w("amai: _AMAuthInstallBundleCopyOverrideBuildIdentity: Inserting %s to Manifest to personalize later" % c)
    if dev.get("bb"):
        L.w("amai: AMAuthInstallBasebandCreateMeasurements: Using set ChipID 0x%08x to measure" % dev["bb"]["chipid"])
        for _ in range(rng.randint(10, 16)):
            L.w("amai: : " + hexbytes(rng, 16), 20, 60)
        L.w("amai: : -----------------------------------------------", 20, 60)
    L.w("amai: _AMAuthInstallBundleCreateServerRequestDictionary: ticketPath amai/apimg4ticket.der , "
        "withApTicket is True,  (!False && ( True || False))")
    for c in comps:
        if c in ("ftap", "rfta", "ftsp", "rfts"):
            L.w('amai: _AMAuthInstallBundleCreateServerRequestDictionary: personalizing "%s"' % c)
        else:
            L.w('amai: _AMAuthInstallBundleCreateServerRequestDictionary: personalizing "%s" Digest = "%s"'
                % (c, cfdata(rng, digest_len)))
    for c in NOT_IN_MANIFEST[:rng.randint(6, len(NOT_IN_MANIFEST))]:
        L.w('amai: _AMAuthInstallBundleCreateServerRequestDictionary: entry "%s" not part of manifest, skipping' % c)
    tss_submit(L, win, tmp, user, ok=tss_ok, httpq=httpq)


def tss_submit(L, win=True, tmp="Per8CFC.tmp", user="user", ok=True, httpq=True):
    if win:
        base = "file://localhost/C:/Users/%s/AppData/Local/Temp/%s/amai/debug" % (user, tmp)
    else:
        base = "file:///private/var/folders/zk/%s/T/%s/amai/debug" % ("4yq1x9wn0fz2xk5l8c3rjv0h0000gn", tmp)
    L.w("amai: AMAuthInstallRequestSendSync: SSO function returned NULL and no SSO token was provided, SSO disabled.")
    L.w("amai: AMAuthInstallDebugWriteObject: debug object written: %s/tss-request.plist" % base)
    L.w("amai: tss_submit_job_with_retry: TSS Connection attempt 1 of 3.  (Will retry if TSS_ERR_SERVER_NOT_REACHABLE.)")
    if ok:
        if httpq:
            L.w("amai: tss_submit_job: HttpQueryInfo returned 200", 250, 900)
            L.w("amai: AMAuthInstallRequestSendSync: received tss response (server version: 2.1.0)", 0, 2)
        else:
            L.w("amai: AMAuthInstallRequestSendSync: received tss response (server version: 2.1.0)", 250, 900)
        L.w("amai: AMAuthInstallDebugWriteObject: debug object written: %s/tss-response.plist" % base, 5, 20)


def md_transition_wait(L, removed_state="Restoring", minutes=10):
    L.w("Device removed when in state %s, moving device to transition state" % removed_state)
    L.w("Changing state from '%s' to 'Transitioning'" % removed_state, 0, 2)
    L.w("Creating timer to monitor transition")
    L.w("Creating a timer for %d minutes" % minutes)


def md_transition_back(L):
    L.w("Transitioning device returned, continuing restore.")
    L.w("Canceling timer", 40, 90)
    L.w("Changing state from 'Transitioning' to 'Debounce'")
    L.w("Creating timer to wait for USB debounce")
    L.w("Creating a timer for 2 seconds")
    L.w("Device still present after debounce timer, continuing restore", 1000, 1100)
    L.w("Changing state from 'Debounce' to 'Restoring'")


def md_recovery_phase(L, dev, rng, usb="win", files=None, tidmap=None):
    """Recovery-mode part of a modern restore: iBoot queries (with the benign pipe stall),
    boot logo, firmware images, ramdisk, device tree, kernel, then 'Recovery mode succeeded'."""
    rd = dev["recdev"]
    settid = (lambda k: L.ctx.__setitem__("tid", tidmap[k])) if tidmap else (lambda k: None)

    def stall(var):
        settid("usb")
        if usb == "win":
            L.w("AMDeviceIoControl: GetOverlappedResult failed")
            L.same("AMDeviceIoControl: pipe stall")
            L.same("USBControlTransfer: error 31, usbd status c0000004")
            L.same("command device request for 'getenv %s' failed: 2008" % var)
        else:
            L.w("_AMRUSBDeviceSendDeviceRequestTO_block_invoke: AMRUSBDevice error (-536854449): {")
            L.w("}", 30, 60)
            L.w("command device request for 'getenv %s' failed: 2008" % var)
        settid("main")

    settid("main")
    L.w("Setting kAMRestoreOptionsiBootEANNuke.")
    stall("ota-uuid")
    L.w("Failed to copy env variable, error:21")
    L.w("iBoot build-version = %s" % dev["iboot"])
    L.w("iBoot build-style = RELEASE")
    L.w("%s: operation 4 progress -1" % rd)
    L.w("unable to open device_map.txt: No such file or directory")
    L.w("found device map entry for 0x%08x 0x%08x 0x00000001. boardConfig=%s platform=%s" %
        (dev["cpid"], dev["bdid"], dev["board"], dev["platform_soc"]))
    L.w("_AMRestoreCopyDeviceMapPlistEntryForHardware: firmwareDirectory not in options")
    md_identity_short(L)
    stall("radio-error")
    L.w("radio-error not set")
    L.w("%s: production fused device" % rd)
    L.w("unable to open device_map.txt: No such file or directory")
    L.w("found device map entry for 0x%08x 0x%08x 0x00000001. boardConfig=%s platform=%s" %
        (dev["cpid"], dev["bdid"], dev["board"], dev["platform_soc"]))
    md_identity_short(L)
    stall("boot-stage")
    L.w("%s: operation 43 progress -1" % rd)
    L.w("Max file size is: 536870912")
    bundle = dev["bundle"]
    L.w("sending file: %s/Firmware/all_flash/RestoreLogo_applelogo@2x~iphone.img4" % bundle)
    L.w("No additional boot images found")
    L.w("%s: operation 8 progress -1" % rd)
    L.w("No readable value found in kAMRestoreOptionsRestoreNVRAMVariables")
    fw = files or ["RestoreTrustCache", "AOP", "ISP", "AVE", "GFX"]
    for i, name in enumerate(fw):
        L.w("Sending %s to device. (%d of %d)" % (name, i + 1, len(fw)))
        L.w("Max file size is: 536870912")
        L.w("sending file: %s/Firmware/%s.img4" % (bundle, name))
    L.w("%s: operation 5 progress -1" % rd)
    L.w("sending file: %s/RestoreRamDisk_%s.img4" % (bundle, dev["ramdisk"]))
    L.w("unable to open device_map.txt: No such file or directory", 1800, 3200)
    L.w("found device map entry for 0x%08x 0x%08x 0x00000001. boardConfig=%s platform=%s" %
        (dev["cpid"], dev["bdid"], dev["board"], dev["platform_soc"]))
    stall("ramdisk-delay")
    L.w("%s: operation 6 progress -1" % rd, 2500, 3200)
    L.w("Max file size is: 536870912")
    L.w("sending file: %s/Firmware/all_flash/RestoreDeviceTree_DeviceTree.%s.img4" % (bundle, dev["board"]))
    L.w("%s: operation 6 progress -1" % rd, 800, 1200)
    L.w("Max file size is: 536870912")
    L.w("sending file: %s/Firmware/all_flash/RestoreSEP_sep-firmware.%s.RELEASE.img4" %
        (bundle, dev["board"][:-2]))
    L.w("%s: operation 7 progress -1" % rd, 400, 700)
    L.w("Max file size is: 536870912")
    L.w("sending file: %s/RestoreKernelCache_kernelcache.release.img4" % bundle)
    L.w("%s: operation 9 progress -1" % rd, 1200, 1800)
    L.w("%s: Recovery mode succeeded" % rd, 60, 120)
    L.w("Finished Recovery Restore Phase: Successful")


def md_identity_short(L):
    L.w("requested restore behavior: Erase")
    L.w("requested restore behavior: Erase")

# RestoreOS checkpoints (id, name, [(operation, progress), ...]) in the order restored runs them
RESTORE_PREP = [
    (0x655, "is_host_compatible", []), (0x604, "set_weight_from_options", []),
    (0x68F, "libauthinstall_callback", []), (0x608, "device_has_hoover", []),
    (0x60B, "update_ticket", []), (0x60D, "wait_for_storage", [(28, -1)]),
    (0x60E, "update_NAND_firmware", [(58, -1)]), (0x60F, "clear_remap_variable", []),
    (0x65C, "print_nvram_variables", []), (0x610, "asp_nand_set_writable", []),
    (0x613, "find_filesystem_partitions", []), (0x67E, "verify_storage_for_update", []),
    (0x609, "load_sep_os", [(35, -1)]), (0x693, "preload_keys_for_fsck", []),
    (0x665, "fsck_filesystems", [(29, -1)]), (0x614, "mount_system_partition", []),
    (0x696, "fix_cache_delete", []), (0x65D, "delete_mobilebackups", []),
    (0x6A3, "space_checks", []), (0x69F, "clear_mobile_gestalt_cache", []),
    (0x654, "read_previous_os_build_version", []), (0x697, "downgrade_check", []),
    (0x615, "copy_hardware_info", []), (0x616, "fdr_create", []), (0x617, "fdr_save_data", []),
    (0x618, "store_baseband_migration", []), (0x619, "check_for_restore_log", [(44, -1)]),
    (0x61A, "check_for_ota_logs", [(44, -1)]), (0x61B, "submit_update_stats", []),
    (0x661, "read_persistent_files", []),
    (0x61D, "unmount_unconditionally", [(29, -1)] * 5), (0x64E, "clean_nand", []),
    (0x61F, "format_effaceable_storage", []), (0x68A, "format_ean_storage", []),
    (0x621, "create_filesystem_partitions", [(11, -1)]),
]
RESTORE_MAIN_PREP = [
    (0x660, "update_partitions_for_apfs", []), (0x622, "reload_filesystem_partitions", []),
    (0x658, "format_media", [(12, -1)]), (0x659, "find_volumes_after_format", []),
    (0x6B3, "prepare_for_system_image", []), (0x65A, "baseband_migration_data", []),
    (0x626, "mount_filesystem", [(16, -1)] * 4), (0x65B, "restore_system_image", []),
]
RESTORE_FINISH = [
    (0x628, "install_kernel_cache", [(27, -1), (27, -1)]), (0x64D, "check_mounted", []),
    (0xF00, "fixup_var", [(17, -1), (50, -1)]), (0x63B, "set_nvram_variables", []),
    (0x639, "persistent_boot_args", [(25, -1)]), (0x63F, "set_boot_command", []),
    (0x668, "update_firmware_post_sealing", []), (0x669, "create_system_snapshot", []),
    (0x640, "set_autoboot_delay", []), (0x642, "unmount_filesystems", [(29, -1)] * 5),
    (0x67C, "cleanup_boot_command", []), (0x647, "cleanup_check_result", []),
    (0x6C2, "cleanup_send_crash_logs", []), (0x648, "cleanup_send_final_status", []),
]


class MD:
    """Prints MobileDevice RestoreOS-phase lines for one host log."""

    def __init__(self, L, rd, named=True, started=True, asr_lines=False):
        self.L, self.rd, self.named, self.started, self.asr_lines = L, rd, named, started, asr_lines

    def op(self, op, progress=-1, lo=40, hi=120):
        self.L.w("%s: operation %d progress %d" % (self.rd, op, progress), lo, hi)

    def start(self, cid, name):
        if self.started:
            self.L.w("Started checkpoint id: 0x%X" % cid + (" (%s)" % name if self.named else ""))

    def done(self, cid, name, lo=40, hi=120):
        self.L.w("Completed checkpoint id: 0x%X" % cid + (" (%s)" % name if self.named else ""), lo, hi)

    def steps(self, steps):
        for cid, name, ops in steps:
            self.start(cid, name)
            for op, pr in ops:
                self.op(op, pr)
            self.done(cid, name)

    def asr(self, a, b, lo=900, hi=2300, hook=None):
        for p in range(a, b + 1):
            self.op(13, p, lo, hi)
            if self.asr_lines and p % 2:
                self.L.w("ASR progress: Sending payload", 300, 600)
            if hook:
                hook(p)

    def verify(self, lo=40, hi=600):
        for p in range(0, 101, 3):
            self.op(14, p, lo, hi)


def md_restoreos_connect(L, dev, rd, proto=15, mac=False):
    if mac:
        L.w("IPv6 @ locationID=0x%08x, NCM 0x1000%05x: found remote address [fe80::%s%%en5]" %
            (dev["locid"], 0x9a3, dev["ipv6"]))
    L.w("%s: operation 3 progress -1" % rd)
    if mac:
        L.w("sock   8: connected to  [fe80::%s%%en5]:62078 as [fe80::1c2e:77ff:fe0b:91d4%%en5]:50612" % dev["ipv6"])
        L.w("sock   8: set SO_KEEPALIVE=1")
    L.w("%s: operation 4 progress -1" % rd)
    L.w("device did not return saved USB log")
    L.w("device did not return saved panic log")
    L.w("connected to service com.apple.mobile.restored")
    L.w("using protocol version %d" % proto)
    L.w("supports value queries: 1")
    L.w("unable to open device_map.txt: No such file or directory")
    L.w("board config = %s" % dev["board"])
    L.w("no value returned for BootArgs")
    L.w("_copyDeviceProperty() failed for restore bootargs")
    L.w("no value returned for MarketingPartNumber")
    L.w("_copyDeviceProperty() failed for mpn")
    L.w("requested restore behavior: Erase")
    L.w("Can't return padding information since it's not in the Restore.plist, looking in BuildManifest.plist")
    L.w("requested restore behavior: Erase")
    L.w("Established SOCKS proxy for device")
    if mac:
        L.w("sock  11: connected to  [fe80::%s%%en5]:1082 as [fe80::1c2e:77ff:fe0b:91d4%%en5]:50613" % dev["ipv6"])

# --------------------------------------------------------------------------------------------
# helpers for the embedded device logs
# --------------------------------------------------------------------------------------------


def bbupdater_attempts(D, n_attempts=5, gap=(5200, 8900)):
    D.say("update_baseband: querying baseband info")
    D.say("bbupdater: BEGIN: Querying info at stage first")
    D.say("bbupdater: \tBEGIN: Preparing first stage")
    D.say("bbupdater: \t\tRequested boot mode:  kBBUBootModeNone")
    for left in range(n_attempts, -1, -1):
        D.say("bbupdater: \t\tCreating transport, attempts remaining %d...bbupdater: \t\tFAILED(kBBUReturnIOError)"
              % left, *gap)
        if left:
            D.say("bbupdater: \t\tpowercycling modem ", 50, 300)


def cleanup_after_failure(D, cferror, nvram=True):
    """restored's cleanup steps after a failed restore, ending with the CFError chain it sends"""
    body = ["entering reset_boot_command_if_in_values"]
    if nvram:
        body.append("executing /usr/sbin/nvram -d recovery-boot-mode")
    D.step("RESTORED", 0x067C, "cleanup_boot_command", body)
    D.step("RESTORED", 0x0647, "cleanup_check_result")
    D.begin("RESTORED", 0x0648, "cleanup_send_final_status")
    D.say("restore failed with CFError:")
    for line in cferror:
        D.say(line, 0, 1)


BASEBAND_CFERROR = [
    "0: AMRestoreErrorDomain/ffffffff: failed to update device firmware",
    "1: AMRestoreErrorDomain/ffffffff: ramrod firmware update failed",
    "2: RamrodErrorDomain/3ec: update_baseband: failed to perform next stage",
    "3: BBUpdaterErrorDomain/32: Failed creating a communication transport to baseband.",
]


def device_log_ending_at(build, end_gmt):
    """build(start) -> device_log; returns the log rebuilt so that its last line is at end_gmt"""
    probe = build(datetime(2000, 1, 1))
    span = timedelta(microseconds=probe.t - probe.t0)
    return build(end_gmt - span)


def relay(L, D, lo=0.05, hi=0.9):
    """host writes each line of a device log it received (see README: relay format unconfirmed)"""
    for line in D.lines:
        L.w(line, lo, hi)


# --------------------------------------------------------------------------------------------
# 1. itunes-win-4013-baseband.log
# --------------------------------------------------------------------------------------------


def s_itunes_win_4013_baseband():
    rng = random.Random(101)
    L = Log(1101, datetime(2022, 5, 17, 16, 41, 7, 113000), f_itunes1, pid=9284, tid="2cf0")
    T = {"main": "2cf0", "usb": "3b54", "rst": "41a8", "tss": "2d10"}
    dev = dict(board="d101ap", ecid=0x1D2C48A0E3016, cpid=0x8010, bdid=0xC, platform_soc="t8010",
               iboot="iBoot-7459.120.11", ramdisk="098-05830-002.dmg",
               bundle="C:/Users/marek/AppData/Local/Temp/Per4A2E.tmp",
               libauth="libauthinstall-850.60.2", platform="win/10.0.19044/x86_64",
               recdev="<Recovery Mode Device 000001F3A2C4B8E0>",
               bb=dict(certid=0x9A3B6C17, chipid=0x1A0E1, vendor=2, fusing=3, snum="7c19e04d2b8a55f30e61a27c"))
    rd = "<Restore Device 000001F3A2D61A30>"
    ecid = "0x%X" % dev["ecid"]
    L.w("restore library built Mar  9 2022 at 02:10:57")
    L.same("iTunes: iTunes 12.12.3.5")
    L.w("iTunesVersion: 'iTunes 12.12.3.5'")
    L.w("This is here just to make sure we empty our found devices queue")
    L.w("Successfully registered new client")
    L.w("Now tracking 1 clients")
    L.w("Muxed mode device connected with ECID: %s" % ecid, 200, 400)
    L.w("Found new device")
    L.w("Found a device with a known device registration class: 0x1")
    L.w("Created state machine for device with ECID=%s" % ecid)
    L.w("State Machine Dump, status:RUNNING - [state:BootedOS remaining-cycles:1 (current state)] -> "
        "[state:Recovery remaining-cycles:2] -> [state:RestoreOS remaining-cycles:1]")
    L.w("Successfully applied power assertion")
    md_identity(L)
    L.w("Automatically set FormatForAPFS => True and FormatForLwVM => False.")
    L.w("Changing state from '(null)' to 'Restoring'")
    t_start = L.t
    L.w("Performing preflight on booted OS device...")
    L.w("Found AuthInstallRestoreBehavior and selecting behavior based on that.")
    L.w("Updater preflight query returned 1 entries.")
    L.w("Passing in 0 items to AMAuthInstallApSetParameters.")
    md_identity(L)
    md_bb_updater_output(L, dev["bb"])
    L.w("amai: _AMAuthInstallBasebandCheckForParameterChange: nonce changed")
    L.w("amai: AMAuthInstallBasebandSetParametersWithUpdaterOutput: bbParameters changed, triggering bbfw re-personalization")
    L.ctx["tid"] = T["tss"]
    md_personalize(L, dev, PERSO_A10, rng, win=True, digest_len=20, tmp="Per4A2E.tmp", user="marek")
    L.ctx["tid"] = T["main"]
    L.w("Device removed when in state Restoring, moving device to transition state", 1500, 2600)
    L.w("Changing state from 'Restoring' to 'Transitioning'", 0, 1)
    L.w("Creating timer to monitor transition")
    L.w("Creating a timer for 10 minutes")
    L.wait(11)
    L.w("Recovery mode device connected with ECID: %s" % ecid)
    L.w("Found known device")
    md_transition_back(L)
    md_identity(L)
    md_recovery_phase(L, dev, rng, usb="win", files=["RestoreTrustCache"], tidmap=T)
    # Recovery -> RestoreOS
    L.w("Recovery mode device disconnected with ECID: %s" % ecid, 400, 800)
    L.w("Recovery mode device disconnected")
    md_transition_wait(L)
    L.wait(14)
    L.w("Muxed mode device connected with ECID: %s" % ecid)
    L.w("Found known device")
    L.w("RestoreOS mode device connected")
    md_transition_back(L)
    L.ctx["tid"] = T["rst"]
    md_restoreos_connect(L, dev, rd, proto=15)
    M = MD(L, rd, named=False, started=False)
    M.steps(RESTORE_PREP)
    M.op(11, -1)
    M.steps(RESTORE_MAIN_PREP)
    M.op(13, 0)
    M.done(0x662, "write_persistent_files")
    M.done(0x677, "perform_main_os_prepare")
    M.done(0x67A, "perform_short_prepare")

    M.asr(1, 100, 1500, 2400)
    M.verify()
    M.done(0x65B, "asr_and_invert_image")
    M.op(18, -1)
    M.done(0x1300, "update_iBoot", 300, 900)
    M.op(19, -1, 200, 400)
    md_bb_updater_output(L, dev["bb"], done=0)
    L.w("amai: _AMAuthInstallBasebandCheckForParameterChange: nonce unchanged")
    M.op(19, -1, 56000, 62000)
    M.op(19, -1, 27000, 31000)
    M.op(19, -1, 27000, 31000)
    # the device's restore log arrives with the failure status and is written line by line
    def build(start):
        D = device_log(2101, start, "4>6", 198, 58)
        for pct in (97, 98, 99, 100):
            D.say("ASR RESTORE PROGRESS: %d%%" % pct, 900, 1900)
        D.end("RESTORED", 0x065B, "asr_and_invert_image")
        D.begin("RESTORED", 0x0635, "update_device_firmware", seq=57)
        D.step("FIRMWARE", 0x1300, "update_iBoot", ["entering update_iBoot"], prefix="1104", secs=2.4)
        D.begin("FIRMWARE", 0x1303, "update_baseband", prefix="1104", seq=62)
        D.say("entering update_baseband")
        for attempt in range(3):
            bbupdater_attempts(D, 5 if attempt == 0 else 2, gap=(7400, 10200))
            if attempt == 0:
                err = "BBUpdater error 3 - Fail to ping baseband: kBBUReturnIOError"
            else:
                err = "BBUpdater error 50 - Failed creating a communication transport to baseband."
            D.say("update_baseband: bbupdater error: The operation couldn\\U2019t be completed. (%s)" % err)
            chain = ["update_baseband: failed to perform next stage",
                     "Fail to ping baseband: kBBUReturnIOError" if attempt == 0 else
                     "Failed creating a communication transport to baseband.", "Fail to create transport"]
            if attempt < 2:
                D.fail_as("IMMED_RETRY", -1, "FIRMWARE", 0x1303, "update_baseband", chain, prefix="1104",
                       codes="0x11041303:{0:1004}", domains='0x11041303:{0:"RamrodErrorDomain"}')
            else:
                D.fail_as("FAILURE", -1, "FIRMWARE", 0x1303, "update_baseband", chain, prefix="1104",
                       results="0x11041303:{0:-1;1:-1;2:-1}", codes="0x11041303:{0:1004;1:1004;2:1004}",
                       domains='0x11041303:{0:"RamrodErrorDomain";1:"RamrodErrorDomain";2:"RamrodErrorDomain"}')
        D.fail_as("FAILURE", -1, "RESTORED", 0x0635, "update_device_firmware",
               ["failed to update device firmware", "ramrod firmware update failed",
                "update_baseband: failed to perform next stage"],
               results="0x11070635:{0:-1};0x11041303:{0:-1;1:-1;2:-1}",
               codes="0x11070635:{0:-1};0x11041303:{0:1004;1:1004;2:1004}",
               domains='0x11070635:{0:"AMRestoreErrorDomain"};0x11041303:{0:"RamrodErrorDomain"}')
        D.notice("(NVRAM set) restore-step-user-progress=58 [sync=true] (first failure)")
        D.fail_as("FAILURE", -1, "RESTORED", 0x067B, "perform_restore_installing",
               ["failed to update device firmware", "ramrod firmware update failed",
                "update_baseband: failed to perform next stage"],
               results="0x1107067B:{0:-1};0x11070635:{0:-1}",
               codes="0x1107067B:{0:-1};0x11070635:{0:-1};0x11041303:{0:1004}",
               domains='0x1107067B:{0:"AMRestoreErrorDomain"};0x11041303:{0:"RamrodErrorDomain"}')
        cleanup_after_failure(D, BASEBAND_CFERROR)
        return D

    D = device_log_ending_at(build, L.t - timedelta(hours=2) - timedelta(seconds=2))
    L.ctx["tid"] = T["rst"]
    relay(L, D)
    L.w("Sending acknowledgement that final status was received", 2, 10)
    L.w("RestoreOS mode device disconnected", 900, 1600)
    L.ctx["tid"] = T["main"]
    md_transition_wait(L)
    L.wait(37)
    L.w("Recovery mode device connected with ECID: %s" % ecid)
    L.w("Found known device")
    L.ctx["tid"] = T["usb"]
    L.w("AMDeviceIoControl: GetOverlappedResult failed")
    L.same("AMDeviceIoControl: pipe stall")
    L.same("USBControlTransfer: error 31, usbd status c0000004")
    L.same("command device request for 'getenv radio-error' failed: 2008")
    L.ctx["tid"] = T["main"]
    L.w("radio-error not set")
    L.w("Canceling timer")
    L.w("Restore completed, status:4013", 20, 60)
    L.same("Elapsed time (in seconds): %d" % (L.t - t_start).total_seconds())
    L.same("Failure Description:")
    L.same("Depth:0 Code:4013 Error:Unexpected device state 'Recovery' expected 'RestoreOS'")
    return L.text(), dict(
        outcome="failed", error_codes=[4013, 1004], top_cause="baseband", format="itunes-updater",
        note="The device log relayed at the end shows update_baseband failing three times "
             "(bbupdater 'Creating transport ... FAILED(kBBUReturnIOError)', BBUpdater error 3/50, "
             "RamrodErrorDomain 1004) before the iPhone 7 dropped back to Recovery and iTunes reported "
             "4013; the pipe stall/radio-error lines are the benign iBoot getenv stall, not a cable fault.")


# --------------------------------------------------------------------------------------------
# 14. itunes-win-success.log
# --------------------------------------------------------------------------------------------


def s_itunes_win_success():
    rng = random.Random(114)
    L = Log(1114, datetime(2021, 11, 6, 10, 12, 44, 508000), f_itunes1, pid=11760, tid="1f34")
    T = {"main": "1f34", "usb": "2e6c", "rst": "3a70", "tss": "1c88"}
    dev = dict(board="d211ap", ecid=0x3A41C02D8E10E, cpid=0x8015, bdid=0x4, platform_soc="t8015",
               iboot="iBoot-7195.141.2", ramdisk="071-83004-006.dmg",
               bundle="C:/Users/asia.k/AppData/Local/Temp/Per9B71.tmp",
               libauth="libauthinstall-850.40.29", platform="win/10.0.19043/x86_64",
               recdev="<Recovery Mode Device 0000027C51E3A9B0>",
               bb=dict(certid=0x57E3D21A, chipid=0x1B0E1, vendor=2, fusing=3, snum="2e9d13a7c4b805f16d7a3b02"))
    rd = "<Restore Device 0000027C51F04C20>"
    ecid = "0x%X" % dev["ecid"]
    L.w("restore library built Aug 13 2021 at 19:03:35")
    L.same("iTunes: iTunes 12.12.2.2")
    L.w("iTunesVersion: 'iTunes 12.12.2.2'")
    L.w("This is here just to make sure we empty our found devices queue")
    L.w("Successfully registered new client")
    L.w("Now tracking 1 clients")
    L.w("Recovery mode device connected with ECID: %s" % ecid, 300, 700)
    L.w("Found new device")
    L.w("Found a device with a known device registration class: 0x1")
    L.w("Created state machine for device with ECID=%s" % ecid)
    L.w("State Machine Dump, status:RUNNING - [state:Recovery remaining-cycles:2 (current state)] -> "
        "[state:RestoreOS remaining-cycles:1]")
    L.w("Successfully applied power assertion")
    # iBoot queries on a device that sits in Recovery: the getenv stall right after the
    # build-version/build-style query, then 'radio-error not set' -- benign, restore continues
    L.ctx["tid"] = T["main"]
    L.w("iBoot build-version = %s" % dev["iboot"])
    L.w("iBoot build-style = RELEASE")
    L.ctx["tid"] = T["usb"]
    L.w("AMDeviceIoControl: GetOverlappedResult failed")
    L.same("AMDeviceIoControl: pipe stall")
    L.same("USBControlTransfer: error 31, usbd status c0000004")
    L.same("command device request for 'getenv radio-error' failed: 2008")
    L.ctx["tid"] = T["main"]
    L.same("radio-error not set")
    L.w("%s: production fused device" % dev["recdev"])
    md_identity(L)
    L.w("Automatically set FormatForAPFS => True and FormatForLwVM => False.")
    L.w("Changing state from '(null)' to 'Restoring'")
    t_start = L.t
    md_identity(L)
    L.w("requested variant: Erase")
    L.ctx["tid"] = T["tss"]
    md_personalize(L, dev, PERSO_A11, rng, win=True, digest_len=20, tmp="Per9B71.tmp", user="asia.k")
    L.ctx["tid"] = T["main"]
    md_recovery_phase(L, dev, rng, usb="win", files=["RestoreTrustCache", "AOP", "ISP", "AVE", "GFX"],
                      tidmap=T)
    L.w("Recovery mode device disconnected with ECID: %s" % ecid, 400, 800)
    L.w("Recovery mode device disconnected")
    md_transition_wait(L)
    L.wait(13)
    L.w("Muxed mode device connected with ECID: %s" % ecid)
    L.w("Found known device")
    L.w("RestoreOS mode device connected")
    md_transition_back(L)
    L.ctx["tid"] = T["rst"]
    md_restoreos_connect(L, dev, rd, proto=14)
    M = MD(L, rd, named=False, started=False)
    M.steps(RESTORE_PREP)
    M.steps(RESTORE_MAIN_PREP)
    M.op(13, 0)
    M.done(0x662, "write_persistent_files")
    M.done(0x677, "perform_main_os_prepare")
    M.done(0x67A, "perform_short_prepare")
    M.asr(1, 100, 1300, 2200)
    M.verify()
    M.done(0x65B, "asr_and_invert_image")
    M.op(18, -1)
    M.done(0x1300, "update_iBoot", 400, 1100)
    M.op(19, -1, 200, 400)
    md_bb_updater_output(L, dev["bb"], done=0)
    L.w("amai: _AMAuthInstallBasebandCheckForParameterChange: nonce unchanged")
    L.ctx["tid"] = T["tss"]
    tss_submit(L, True, "Per9B71.tmp", "asia.k")
    L.ctx["tid"] = T["rst"]
    M.op(19, -1, 9000, 14000)
    L.w("amai: AMAuthInstallBasebandHandleUpdaterStatus: commandAccepted: YES", 20000, 26000)
    L.w("amai: AMAuthInstallBasebandHandleUpdaterStatus: outputDict: {")
    L.w("    CertID = %d;" % dev["bb"]["certid"], 0, 2)
    L.w("    ChipID = %d;" % dev["bb"]["chipid"], 0, 2)
    L.w("    FusingStatus = 3;", 0, 2)
    L.w("    VendorID = 2;", 0, 2)
    L.w("    attemptedToFuse = 0;", 0, 2)
    L.w("    done = 1;", 0, 2)
    L.w("}", 0, 2)
    M.done(0x1303, "update_baseband")
    M.done(0x635, "update_device_firmware", 300, 800)
    M.steps(RESTORE_FINISH)
    L.w("device returned success", 40, 90)
    L.w("Sending acknowledgement that final status was received")
    L.w("%s: Restore succeeded" % rd)
    L.w("Finished RestoreOS Restore Phase: Successful")
    L.w("RestoreOS mode device disconnected", 1500, 2500)
    L.ctx["tid"] = T["main"]
    md_transition_wait(L, minutes=10)
    L.wait(41)
    L.w("Muxed mode device connected with ECID: %s" % ecid)
    L.w("Found known device")
    L.w("Canceling timer")
    L.w("Restore completed, status: 0", 20, 60)
    L.same("Elapsed time (in seconds): %d" % (L.t - t_start).total_seconds())
    return L.text(), dict(
        outcome="succeeded", error_codes=[], top_cause=None, format="itunes-updater",
        note="Windows iTunes restore of an iPhone 8 Plus that ends 'Restore completed, status: 0'. "
             "The 'AMDeviceIoControl: pipe stall' / 'getenv radio-error' failed: 2008 triple right "
             "after the iBoot build-version query is the benign iBoot stall and must not be reported "
             "as a cable fault.")


# --------------------------------------------------------------------------------------------
# 5. itunes12-win-4013-usb.log
# --------------------------------------------------------------------------------------------


def s_itunes12_win_4013_usb():
    rng = random.Random(105)
    L = Log(1105, datetime(2019, 9, 21, 21, 3, 17, 204000), f_bracket_win)
    dev = dict(board="d201ap", ecid=0x19A3D41C0E802E, cpid=0x8015, bdid=0xE, platform_soc="t8015",
               iboot="iBoot-5540.0.129", ramdisk="048-47361-198.dmg",
               bundle="C:/Users/Dell/AppData/Local/Temp/Per6F13.tmp",
               libauth="libauthinstall-776.60.1", platform="win/10.0.18362/x86_64",
               recdev="<Recovery Mode Device 00000216B79E2D10>",
               bb=dict(certid=0x0C5E8B31, chipid=0x1B0E1, vendor=2, fusing=3, snum="e07a1b9c3d542f8801c6a4d9"))
    rd = "<Restore Device 00000216B7A4C3F0>"
    ecid = "0x%X" % dev["ecid"]
    L.w("restore library built Jul 24 2019 at 21:27:45")
    L.same("iTunes: iTunes 12.10.0.7")
    L.w("iTunesVersion: 'iTunes 12.10.0.7'")
    L.w("This is here just to make sure we empty our found devices queue")
    L.w("Successfully registered new client")
    L.w("Now tracking 1 clients")
    L.w("Recovery mode device connected with ECID: %s" % ecid, 200, 500)
    L.w("Found new device")
    L.w("Found a device with a known device registration class: 0x1")
    L.w("Created state machine for device with ECID=%s" % ecid)
    L.w("State Machine Dump, status:RUNNING - [state:Recovery remaining-cycles:2 (current state)] -> "
        "[state:RestoreOS remaining-cycles:1]")
    L.w("Successfully applied power assertion")
    L.w("iBoot build-version = %s" % dev["iboot"])
    L.w("iBoot build-style = RELEASE")
    L.w("AMDeviceIoControl: GetOverlappedResult failed")
    L.same("AMDeviceIoControl: pipe stall")
    L.same("USBControlTransfer: error 31, usbd status c0000004")
    L.same("command device request for 'getenv radio-error' failed: 2008")
    L.same("radio-error not set")
    L.w("%s: production fused device" % dev["recdev"])
    md_identity(L)
    L.w("Changing state from '(null)' to 'Restoring'")
    t_start = L.t
    md_identity(L)
    L.w("requested variant: Erase")
    md_personalize(L, dev, PERSO_A11, rng, win=True, digest_len=20, tmp="Per6F13.tmp", user="Dell")
    md_recovery_phase(L, dev, rng, usb="win", files=["RestoreTrustCache", "AOP", "ISP", "AVE", "GFX"])
    L.w("Recovery mode device disconnected with ECID: %s" % ecid, 400, 800)
    L.w("Recovery mode device disconnected")
    md_transition_wait(L)
    L.wait(12)
    L.w("Muxed mode device connected with ECID: %s" % ecid)
    L.w("Found known device")
    L.w("RestoreOS mode device connected")
    md_transition_back(L)
    md_restoreos_connect(L, dev, rd, proto=14)
    M = MD(L, rd, named=False, started=False)
    M.steps(RESTORE_PREP)
    M.steps(RESTORE_MAIN_PREP)
    M.op(13, 0)
    M.done(0x662, "write_persistent_files")
    M.done(0x677, "perform_main_os_prepare")
    M.done(0x67A, "perform_short_prepare")
    M.asr(1, 36, 1600, 2600)
    # the link goes away in the middle of the filesystem transfer
    M.op(13, 37, 9000, 14000)
    L.w("ASRServerHandleConnection failed with possibly recoverable network-related error Broken pipe (32)", 15000, 19000)
    L.w("ASRServerHandleConnection failure is possibly-recoverable network error")
    L.w("RestoreOS mode device disconnected", 200, 600)
    md_transition_wait(L)
    for gap in (2.6, 3.9, 2.2):
        L.wait(gap)
        L.w("Muxed mode device connected with ECID: %s" % ecid)
        L.w("Found known device")
        L.w("RestoreOS mode device disconnected", 1100, 1900)
    L.w("Device disconnected during transition", 5, 30)
    L.wait(44)
    L.w("Recovery mode device connected with ECID: %s" % ecid)
    L.w("Found known device")
    for _ in range(3):
        L.w("AMDeviceIoControl: WaitForSingleObject failed", 5400, 5700)
        L.same("AMDeviceIoControl: failed, error 997, usbd status 00000000")
    L.w("Canceling timer", 200, 400)
    L.w("Restore completed, status:4013", 20, 60)
    L.same("Elapsed time (in seconds): %d" % (L.t - t_start).total_seconds())
    L.same("Failure Description:")
    L.same("Depth:0 Code:4013 Error:Unexpected device state 'Recovery' expected 'RestoreOS'")
    return L.text("\r\n"), dict(
        outcome="failed", error_codes=[4013], top_cause="usb-link", format="itunes-updater",
        note="iTunes 12.10 on Windows loses the iPhone 8 at 37 % of the filesystem transfer (ASR broken "
             "pipe), the device flaps connected/disconnected three times, comes back in Recovery with "
             "'error 997' I/O failures and iTunes ends with 4013; the earlier pipe stall followed by "
             "'radio-error not set' is the benign iBoot stall. File uses CRLF line ends.")


# --------------------------------------------------------------------------------------------
# old MobileDevice (iTunes 10.x, 2011-2012): no checkpoints, operation/progress lines only
# --------------------------------------------------------------------------------------------


def old_getenv_stall(L, var, win=True, usbtid=None, maintid=None):
    if win:
        if usbtid:
            L.ctx["tid"] = usbtid
        L.w("AMDeviceIoControl: GetOverlappedResult failed")
        L.same("AMDeviceIoControl: pipe stall")
        L.same("USBControlTransfer: error 31, usbd status c0000004")
        L.same("command device request for 'getenv %s' failed: 2008" % var)
        if maintid:
            L.ctx["tid"] = maintid
    else:
        L.w("command device request for 'getenv %s' failed: 2008" % var)


def old_recovery(L, dev, win=True, usbtid=None, maintid=None, tss=None):
    rec = dev["recdev"]
    L.w("iBoot build-version = %s" % dev["iboot"])
    L.w("iBoot build-style = RELEASE")
    old_getenv_stall(L, "radio-error", win, usbtid, maintid)
    L.w("radio-error not set")
    L.w("%s: production fused device" % rec)
    L.w("requested restore behavior: Erase")
    if tss:
        tss()
    L.w("%s: operation 4 progress -1" % rec, 300, 900)
    L.w("%s: operation 42 progress -1" % rec, 200, 500)
    L.w("%s: operation 5 progress -1" % rec, 300, 600)
    old_getenv_stall(L, "ramdisk-delay", win, usbtid, maintid)
    L.w("%s: operation 6 progress -1" % rec, 3000, 4200)
    L.w("%s: operation 7 progress -1" % rec, 700, 1200)
    L.w("%s: operation 9 progress -1" % rec, 1500, 2300)
    L.w("%s: Recovery mode succeeded" % rec, 60, 140)


def old_restore_prep(L, rd):
    for op, n in ((28, 1), (11, 1), (12, 1)):
        for _ in range(n):
            L.w("%s: operation %d progress -1" % (rd, op), 900, 4000)


IMG3_COMPONENTS = ["AppleLogo", "BatteryCharging0", "BatteryCharging1", "BatteryFull", "BatteryLow0",
                   "BatteryLow1", "BatteryPlugin", "DeviceTree", "KernelCache", "LLB", "NeedService",
                   "RecoveryMode", "RestoreDeviceTree", "RestoreKernelCache", "RestoreLogo",
                   "RestoreRamDisk", "iBEC", "iBSS", "iBoot"]


def usb_path(pid, dev, guid):
    """Windows device interface path built from the iBoot USB serial string"""
    return ("\\\\?\\USB#VID_05AC&PID_%04X#CPID:%04X_CPRV:%02X_CPFM:03_SCEP:%02X_BDID:%02X_ECID:%016X_IBFL:%02X_"
            "SRNM:[%s]_IMEI:[%s]#{%s}" % (pid, dev["cpid"], dev["cprv"], dev["scep"], dev["bdid"], dev["ecid"],
                                          dev["ibfl"], dev["serial"], dev["imei"], guid))


def old_auth_line(L, dev, rng, board, version, platform, bp=""):
    L.w("personalizing: <AMAuthInstall 0x%08x>{ap=(personalize=YES %s ecid=0x%x, chipid=0x%x, boardid=0x%x, "
        "isProduction=YES, isSecure=YES, img4=NO), %sUserAuth=NO, iTunes=YES, server=\"http://gs.apple.com:80\", "
        "locale=en_US, version=\"%s\", platform=%s}" %
        (0x1a2b0000 + rng.randrange(0x10000) * 16, board, dev["ecid"], dev["cpid"], dev["bdid"], bp, version,
         platform))


def old_personalize(L, dev, rng, comps=IMG3_COMPONENTS):
    for c in comps:
        L.w('amai: _AMAuthInstallBundleCreateServerRequestDictionary: personalizing "%s" Digest = "<CFData 0x%08x '
            '[0x%06x]>{length = 20, capacity = 20, bytes = 0x%s ... %s}"'
            % (c, 0x1a000000 + rng.randrange(0x100000) * 16, 0xa0b5a0, hexstr(rng, 16), hexstr(rng, 4)))


# --------------------------------------------------------------------------------------------
# 2. itunes-win-2009-usb.log
# --------------------------------------------------------------------------------------------


def s_itunes_win_2009_usb():
    rng = random.Random(102)
    L = Log(1102, datetime(2011, 6, 14, 19, 41, 2, 187000), f_itunes1, pid=1892, tid="1138")
    MAIN, USBT, RST = "1138", "13a4", "1604"
    dev = dict(cpid=0x8930, cprv=0x20, scep=0x2, bdid=0x0, ibfl=0x1, ecid=0x5A1B3C9D2E, serial="88139XKZA4S",
               imei=luhn_ok("01243500687352"), iboot="iBoot-1072.61",
               recdev="<Recovery Mode Device 0x0b2a7f30>")
    guid = "4c5e9f2d-8a31-4b6e-9d07-3e2f1a6b8c45"
    rd = "<Restore Device 0x0b31c5a8>"
    L.w("restore library built May 13 2011 at 20:14:52")
    L.same("iTunes: iTunes 10.3.1.55")
    L.ctx["tid"] = USBT
    L.w("WinAMRestore::OnInterfaceArrival: %s" % usb_path(0x1281, dev, guid), 200, 400)
    L.w("AppleDevice::SetNotification: CONNECT, interface type: 1, id: %s" % usb_path(0x1281, dev, guid))
    L.ctx["tid"] = MAIN

    def tss():
        old_personalize(L, dev, rng)
        L.w("amai: tss_submit_job: HttpQueryInfo returned 200", 400, 1100)

    old_recovery(L, dev, True, USBT, MAIN, tss=tss)
    L.ctx["tid"] = USBT
    L.w("WinAMRestore::OnInterfaceRemoval: %s" % usb_path(0x1281, dev, guid), 300, 700)
    L.w("AppleDevice::SetNotification: DISCONNECT, interface type: 1, id: %s" % usb_path(0x1281, dev, guid))
    L.wait(16)
    L.w("AppleDevice::SetNotification: CONNECT, interface type: 3, id: \\\\?\\USB#VID_05AC&PID_1297#%040x#{%s}"
        % (0x9c4e1b07a3d25f86e0b7c13d2a5f4e98c6017b3a, guid))
    L.ctx["tid"] = RST
    L.w("%s: operation 3 progress -1" % rd, 800, 1500)
    L.w("%s: operation 4 progress -1" % rd, 300, 600)
    old_restore_prep(L, rd)
    for p in range(1, 24):
        L.w("%s: operation 13 progress %d" % (rd, p), 2400, 3300)
    # the transfer stops: overlapped I/O never completes, then the device descriptor cannot be read
    L.ctx["tid"] = USBT
    L.w("AMDeviceIoControl: WaitForSingleObject failed", 14000, 16000)
    L.same("AMDeviceIoControl: failed, error 997, usbd status 00000000")
    for i in range(38):
        L.w("AMDeviceIoControl: WaitForSingleObject failed", 5450, 5600)
        L.same("AMDeviceIoControl: failed, error 997, usbd status 00000000")
        if i % 6 == 3:
            L.w("AppleDevice::GetDeviceID: failed for iBoot", 40, 120)
            L.same("_AMRUSBDeviceGetManufacturerStringIndex: unable to get device descriptor: 2001")
    L.w("AppleDevice::SetNotification: DISCONNECT, interface type: 3, id: \\\\?\\USB#VID_05AC&PID_1297#%040x#{%s}"
        % (0x9c4e1b07a3d25f86e0b7c13d2a5f4e98c6017b3a, guid), 900, 1500)
    L.ctx["tid"] = RST
    L.w("%s: Restore failed (result = 2009)" % rd, 30, 90)
    return L.text("\r\n"), dict(
        outcome="failed", error_codes=[2009, 2001], top_cause="usb-link", format="itunes-updater",
        note="Windows iTunes 10.3 log: the iPhone 4 stops answering at 23 % of the restore image, overlapped "
             "USB I/O fails with error 997 every ~5.5 s, the device descriptor cannot be read (2001) and the "
             "restore ends with 2009 (USB device request error) -- a USB link fault. The early pipe stall + "
             "'radio-error not set' is benign. File uses CRLF line ends.")


# --------------------------------------------------------------------------------------------
# 3. itunes-mac-3194-signing.log  (five clicks on Restore, one updater log)
# --------------------------------------------------------------------------------------------


def s_itunes_mac_3194_signing():
    rng = random.Random(103)
    L = Log(1103, datetime(2011, 9, 24, 22, 7, 41), f_itunes2, pid=2318, tid="a0b")
    dev = dict(cpid=0x8930, bdid=0x0, ecid=0x4F3A6D1C7B, iboot="iBoot-1072.61",
               recdev="<Recovery Mode Device 0x1a3e4f70>")
    tids = ["1f203", "1e90f", "2a40b", "2b117", "1d5e3"]
    for attempt, tid in enumerate(tids):
        L.ctx["tid"] = "a0b"
        L.w("restore library built Jul 28 2011 at 21:32:20", 200, 900)
        L.same("iTunes: iTunes 10.4.1")
        L.ctx["tid"] = tid
        L.w("iBoot build-version = %s" % dev["iboot"])
        L.w("iBoot build-style = RELEASE")
        old_getenv_stall(L, "radio-error", win=False)
        L.w("radio-error not set")
        L.w("%s: production fused device" % dev["recdev"])
        L.w("requested restore behavior: Erase")
        old_auth_line(L, dev, rng, "n90ap", "libauthinstall-166.26", "mac/10.6.8/i386")
        old_personalize(L, dev, rng)
        L.w("amai: tss_submit_job: error from server=94 (This device isn't eligible for the requested build.)",
            700, 1400)
        L.w("amai: kAMAuthInstallRequestCacheLocalizedTssError: cached server error text: (3194) This device "
            "isn't eligible for the requested build.")
        L.w("%s: Recovery mode failed (result = 3194)" % dev["recdev"], 20, 80)
        L.wait(rng.randint(70, 200))
    return L.text(), dict(
        outcome="failed", error_codes=[94, 3194], top_cause="signing-server", format="itunes-updater",
        note="macOS iTunes 10.4.1 (generation 2 lines) tries five times to restore an iPhone 4 to a build "
             "Apple no longer signs: every TSS request ends 'error from server=94 (This device isn't "
             "eligible for the requested build.)' / cached error (3194). The getenv 2008 stall is benign. "
             "The printed TSS status 94 is kept, 3194 beside it.")


# --------------------------------------------------------------------------------------------
# 4. itunes-win-1013-hosts.log
# --------------------------------------------------------------------------------------------


def s_itunes_win_1013_hosts():
    rng = random.Random(104)
    L = Log(1104, datetime(2012, 3, 17, 14, 38, 52, 640000), f_itunes1, pid=1928, tid="644")
    MAIN, USBT, RST = "644", "f0c", "1b2c"
    dev = dict(cpid=0x8940, cprv=0x21, scep=0x1, bdid=0x8, ibfl=0x3, ecid=0x2C81E4F0A39, serial="DNPGK1R2DT9Y",
               imei=luhn_ok("01308200194457"), iboot="iBoot-1219.62.15",
               recdev="<Recovery Mode Device 0x0d4c2a18>")
    guid = "8b1f6c30-2d7e-4a95-b0c4-6e91d3a2f57b"
    rd = "<Restore Device 0x0d5e7b40>"
    L.w("restore library built Feb 28 2012 at 19:05:11")
    L.same("iTunes: iTunes 10.6.0.40")
    L.ctx["tid"] = USBT
    L.w("WinAMRestore::OnInterfaceArrival: %s" % usb_path(0x1281, dev, guid), 200, 400)
    L.w("AppleDevice::SetNotification: CONNECT, interface type: 1, id: %s" % usb_path(0x1281, dev, guid))
    L.ctx["tid"] = MAIN

    def gs_check():
        L.w("AMRAuthInstallAttemptSimpleHttpRequest: attempting to connect to http://gs.apple.com:80", 100, 300)
        L.w("_AMRAuthInstallIsHttpServerResponsive: server response status code: 404. status text: Not Found",
            1400, 1900)

    def tss():
        gs_check()
        old_auth_line(L, dev, rng, "n94ap", "libauthinstall-191.4", "win/6.1.7601/i386")
        old_personalize(L, dev, rng)
        L.w("amai: tss_submit_job: HttpQueryInfo returned 200", 500, 1300)

    old_recovery(L, dev, True, USBT, MAIN, tss=tss)
    L.ctx["tid"] = USBT
    L.w("WinAMRestore::OnInterfaceRemoval: %s" % usb_path(0x1281, dev, guid), 300, 700)
    L.w("AppleDevice::SetNotification: DISCONNECT, interface type: 1, id: %s" % usb_path(0x1281, dev, guid))
    L.wait(18)
    L.w("AppleDevice::SetNotification: CONNECT, interface type: 3, id: \\\\?\\USB#VID_05AC&PID_12A0#%040x#{%s}"
        % (0x7e21c94b0d3f58a6e1c07b92d4a36f150e8b2c9d, guid))
    L.ctx["tid"] = RST
    L.w("%s: operation 3 progress -1" % rd, 800, 1500)
    L.w("%s: operation 4 progress -1" % rd, 300, 600)
    old_restore_prep(L, rd)
    for p in range(1, 101):
        L.w("%s: operation 13 progress %d" % (rd, p), 1300, 2100)
    for p in range(0, 101, 4):
        L.w("%s: operation 14 progress %d" % (rd, p), 300, 900)
    for op in (15, 16, 16, 18, 18, 27, 29, 48):
        L.w("%s: operation %d progress -1" % (rd, op), 400, 2600)
    L.w("%s: operation 19 progress -1" % rd, 900, 1600)
    # baseband ticket: same hosts redirect, this time the answer is a refusal
    L.ctx["tid"] = MAIN
    gs_check()
    old_auth_line(L, dev, rng, "n94ap", "libauthinstall-191.4", "win/6.1.7601/i386",
                  bp="bp=(personalize=YES, snum=0x%s, chipid=0x6b, certid=0x1f2c03e6), " % hexstr(rng, 12))
    L.w("amai: tss_submit_job: HttpQueryInfo returned 200", 500, 1100)
    L.w("amai: tss_submit_job: error from server=94 (This device isn't eligible for the requested build.)")
    L.w("amai: kAMAuthInstallRequestCacheLocalizedTssError: cached server error text: (3194) This device "
        "isn't eligible for the requested build.")
    L.ctx["tid"] = RST
    L.w("%s: operation 19 progress -1" % rd, 300, 700)
    L.w("%s: Restore failed (result = 1013)" % rd, 4000, 7000)
    return L.text(), dict(
        outcome="failed", error_codes=[1013, 94, 3194], top_cause="signing-server",
        format="itunes-updater",
        note="gs.apple.com answers the reachability check with 'server response status code: 404. status "
             "text: Not Found' (something other than Apple's TSS, typically a hosts-file redirect); the "
             "restore runs until the baseband ticket request, which is refused (94 / 3194), and iTunes "
             "ends with 1013.")


# --------------------------------------------------------------------------------------------
# mac host prologue (usbmux / lockdown chatter as MobileDevice prints it on macOS)
# --------------------------------------------------------------------------------------------


def mac_prologue(L, dev, built, normal=True):
    L.w("restore library built %s" % built)
    L.w("This is here just to make sure we empty our found devices queue")
    L.w("(null)")
    L.w("Failed to subscribe for booted OS device notifications.")
    L.w("Mux version 3 event happened")
    if normal:
        L.w("IPv6 @ locationID=0x%08x, NCM 0x1000%05x: found remote address [fe80::%s%%en5]" %
            (dev["locid"], 0x8f1, dev["ipv6"]))
        L.w("sock   8: connected to  [usbmux_2]:62078")
        L.w("connected to service com.apple.mobile.lockdown")
        L.w("using protocol version 0")
        L.w("supports value queries: 0")
        L.w("sock   8: closed")
    L.w("Successfully registered new client")
    L.w("Now tracking 1 clients")


# --------------------------------------------------------------------------------------------
# 6. finder-4013-storage.log
# --------------------------------------------------------------------------------------------


def s_finder_4013_storage():
    rng = random.Random(106)
    L = Log(1106, datetime(2023, 11, 18, 15, 22, 9, 413700), f_bracket_mac)
    dev = dict(board="d221ap", ecid=0x8C2E5019A47D2E, cpid=0x8015, bdid=0xE, platform_soc="t8015",
               iboot="iBoot-8422.142.2", ramdisk="042-56122-012.dmg",
               bundle="/private/var/folders/zk/4yq1x9wn0fz2xk5l8c3rjv0h0000gn/T/PersonalizedBundle_1B7C2E04-5D3A-4F81-9C6B-0E27A4D915F3",
               libauth="libauthinstall-1033.60.3", platform="mac/22G313/arm64",
               recdev="<Recovery Mode Device 0x600002f3c480>", locid=0x01100000, ipv6="b08a:43ff:fe6d:1c09",
               bb=dict(certid=0x0C5E8B31, chipid=0x1B0E1, vendor=2, fusing=3, snum="4d1f8a26b9c3e07512a6f03d"))
    rd = "<Restore Device 0x600002e1d0c0>"
    ecid = "0x%X" % dev["ecid"]
    mac_prologue(L, dev, "Oct  7 2023 at 01:41:18")
    L.w("Muxed mode device connected with ECID: %s" % ecid)
    L.w("Found new device")
    L.w("Found a device with a known device registration class: 0x1")
    L.w("Created state machine for device with ECID=%s" % ecid)
    L.w("State Machine Dump, status:RUNNING - [state:BootedOS remaining-cycles:1 (current state)] -> "
        "[state:Recovery remaining-cycles:2] -> [state:RestoreOS remaining-cycles:1]")
    L.w("Found RSD device which supports lockdown, ignoring")
    L.w("Successfully applied power assertion")
    md_identity(L)
    L.w("Automatically set FormatForAPFS => True and FormatForLwVM => False.")
    L.w("No recovery variant found in bundle, continue without recovery OS installation.")
    L.w("Not setting apfs boot-args because option is not set to true.")
    L.w("Changing state from '(null)' to 'Restoring'")
    t_start = L.t
    L.w("Performing preflight on booted OS device...")
    L.w("Found AuthInstallRestoreBehavior and selecting behavior based on that.")
    L.w("Requesting system token be cleared.")
    L.w("Connected to PreboardService v2")
    L.w("Clearing system token succeeded.")
    L.w("Updater preflight query returned 2 entries.")
    L.w("Passing in 0 items to AMAuthInstallApSetParameters.")
    L.w("amai: AMAuthInstallSsoInitialize: can't find SSOClient.framework")
    md_identity(L)
    md_bb_updater_output(L, dev["bb"])
    L.w("amai: _AMAuthInstallBasebandCheckForParameterChange: nonce changed")
    L.w("amai: AMAuthInstallBasebandSetParametersWithUpdaterOutput: bbParameters changed, triggering bbfw re-personalization")
    L.w("Skipping preflight for Savage.")
    L.w("Skipping preflight for Rose.")
    L.w("Skipping preflight for SE.")
    md_personalize(L, dev, PERSO_A11, rng, win=False, digest_len=20,
                   tmp="PersonalizedBundle_1B7C2E04-5D3A-4F81-9C6B-0E27A4D915F3", httpq=False)
    L.w("Device removed when in state Restoring, moving device to transition state", 1500, 2600)
    L.w("Changing state from 'Restoring' to 'Transitioning'", 0, 1)
    L.w("Creating timer to monitor transition")
    L.w("Creating a timer for 10 minutes")
    L.wait(9)
    L.w("Recovery mode device connected with ECID: %s" % ecid)
    L.w("Found known device")
    md_transition_back(L)
    md_identity(L)
    md_recovery_phase(L, dev, rng, usb="mac", files=["RestoreTrustCache", "AOP", "ISP", "AVE", "GFX"])
    L.w("device disconnected (isDFU = 0), registryID 0x1000%05x" % 0x2c1a)
    L.w("Found ECID: %s" % ecid)
    L.w("Recovery mode device disconnected with ECID: %s" % ecid)
    L.w("Recovery mode device disconnected")
    md_transition_wait(L)
    L.wait(12)
    L.w("Mux version 3 event happened")
    L.w("IPv6 @ locationID=0x%08x: no NCM interfaces found" % dev["locid"])
    L.w("sock   8: connected to  [usbmux_3]:62078")
    L.w("connected to service com.apple.mobile.restored")
    L.w("using protocol version 15")
    L.w("supports value queries: 1")
    L.w("sock   8: closed")
    L.w("Muxed mode device connected with ECID: %s" % ecid)
    L.w("Found known device")
    L.w("_AMRecoveryModeDeviceFinalize: 0x600002f3c480")
    L.w("RestoreOS mode device connected")
    md_transition_back(L)
    md_restoreos_connect(L, dev, rd, proto=15, mac=True)
    L.w("Restore attestation requires Apple Silicon host")
    L.w("Restore security attestation: UNAVAILABLE")
    M = MD(L, rd, named=True, started=True)
    prep = RESTORE_PREP[:RESTORE_PREP.index((0x665, "fsck_filesystems", [(29, -1)]))]
    M.steps(prep)
    M.start(0x665, "fsck_filesystems")
    M.op(29, -1)
    M.op(15, -1, 800, 1500)
    M.op(15, -1, 9000, 14000)
    M.op(15, -1, 20000, 26000)

    def build(start):
        D = device_log(2106, start, "3>5", 31, 3)
        D.begin("RESTORED", 0x0665, "fsck_filesystems", seq=29)
        D.say("entering fsck_filesystems")
        D.say("executing /System/Library/Filesystems/apfs.fs/fsck_apfs -y /dev/disk0s1s1")
        D.say("** Checking the container superblock.")
        D.say("** Checking the space manager.")
        D.say("** Checking the object map.")
        D.say("** Checking volume /dev/disk0s1s1.")
        D.say("** The volume /dev/disk0s1s1 appears to be OK.", 1500, 4000)
        D.say("executing /System/Library/Filesystems/apfs.fs/fsck_apfs -y /dev/disk0s1s2")
        D.say("** Checking the container superblock.")
        D.say("** Checking the space manager.")
        D.say("** Checking the object map.")
        D.say("error: failed to read block 0x5b3e1f: Input/output error", 3000, 7000)
        D.say("error: failed to read block 0x5b3e20: Input/output error", 3000, 7000)
        D.say("error: failed to read block 0x5b3e21: Input/output error", 3000, 7000)
        D.say("** Checking volume /dev/disk0s1s2.")
        D.say("error: btn: failed to read node (oid 0x2d41c): Input/output error", 3000, 7000)
        D.say("** Repairing the object map.")
        D.say("error: failed to read block 0x5b3e1f: Input/output error", 3000, 7000)
        D.say("** The volume Data could not be repaired.", 500, 1200)
        D.say("fsck failed on /dev/disk0s1s2")
        D.fail_as("FAILURE", 6, "RESTORED", 0x0665, "fsck_filesystems",
               ["fsck_filesystems: fsck failed on /dev/disk0s1s2", "Input/output error"],
               results="0x11070665:{0:6}", codes="0x11070665:{0:6}",
               domains='0x11070665:{0:"AMRestoreErrorDomain"}')
        D.notice("(NVRAM set) restore-step-user-progress=3 [sync=true] (first failure)")
        cleanup_after_failure(D, [
            "0: AMRestoreErrorDomain/6: fsck_filesystems: fsck failed on /dev/disk0s1s2",
            "1: NSPOSIXErrorDomain/5: Input/output error",
        ])
        return D

    D = device_log_ending_at(build, L.t - timedelta(hours=1) - timedelta(seconds=1.5))
    relay(L, D)
    L.w("Sending acknowledgement that final status was received", 2, 10)
    L.w("device disconnected (isDFU = 0), registryID 0x1000%05x" % 0x2c3f, 900, 1500)
    L.w("Found ECID: %s" % ecid)
    L.w("Restore mode device disconnected with ECID: %s" % ecid)
    md_transition_wait(L)
    L.wait(33)
    L.w("Recovery mode device connected with ECID: %s" % ecid)
    L.w("Found known device")
    L.w("_AMRUSBDeviceSendDeviceRequestTO_block_invoke: AMRUSBDevice error (-536854449): {")
    L.w("}", 30, 60)
    L.w("command device request for 'getenv radio-error' failed: 2008")
    L.w("radio-error not set")
    L.w("Canceling timer")
    L.w("Restore completed, status:4013", 20, 60)
    L.same("Elapsed time (in seconds): %d" % (L.t - t_start).total_seconds())
    L.same("Failure Description:")
    L.same("Depth:0 Code:4013 Error:Unexpected device state 'Recovery' expected 'RestoreOS'")
    L.w("AMPDevicesAgent: Restore error 4013", 0, 2)
    return L.text(), dict(
        outcome="failed", error_codes=[4013, 6], top_cause="storage", format="finder-restore",
        note="Finder (AMPDevicesAgent) restore of an iPhone X: the device's restore log, relayed when it "
             "reports failure, shows fsck_apfs read errors (Input/output error), 'The volume Data could not "
             "be repaired.' and 'fsck failed on /dev/disk0s1s2' at fsck_filesystems; the device then falls "
             "back to Recovery and Finder reports 4013.")


# --------------------------------------------------------------------------------------------
# 7. configurator-4014-dfu.log
# --------------------------------------------------------------------------------------------


def s_configurator_4014_dfu():
    rng = random.Random(107)
    L = Log(1107, datetime(2024, 2, 6, 9, 14, 37, 120400), f_bracket_mac)
    dev = dict(board="j71bap", ecid=0x1A2E6C4B3D0026, cpid=0x8010, bdid=0x10, platform_soc="t8010",
               iboot="iBoot-10151.81.1", ramdisk="042-95532-028.dmg",
               bundle="/private/var/folders/8r/h2v0mq1d5xz3c7k9wbn4p6tr0000gp/T/PersonalizedBundle_9E4D07A2-31C8-4B5F-A6E0-7D2C18F93B41",
               libauth="libauthinstall-1033.80.3", platform="mac/23C71/arm64",
               recdev="<Recovery Mode Device 0x6000035d8a20>", locid=0x00140000, ipv6="8c4d:1aff:fe21:77b0")
    dfu = "<DFU Device 0x6000035c0f60>"
    ecid = "0x%X" % dev["ecid"]
    mac_prologue(L, dev, "Dec  2 2023 at 04:52:19", normal=False)
    L.w("DFU mode device connected with ECID: %s" % ecid, 300, 700)
    L.w("Found new device")
    L.w("Found a device with a known device registration class: 0x1")
    L.w("Created state machine for device with ECID=%s" % ecid)
    L.w("State Machine Dump, status:RUNNING - [state:DFU remaining-cycles:1 (current state)] -> "
        "[state:Recovery remaining-cycles:2] -> [state:RestoreOS remaining-cycles:1]")
    L.w("Successfully applied power assertion")
    md_identity(L, bb=False)
    L.w("Automatically set FormatForAPFS => True and FormatForLwVM => False.")
    L.w("No recovery variant found in bundle, continue without recovery OS installation.")
    L.w("Changing state from '(null)' to 'Restoring'")
    t_start = L.t
    md_identity(L, bb=False)
    L.w("requested variant: Erase")
    md_personalize(L, dev, PERSO_A10 + ["ISP", "AVE"], rng, win=False, digest_len=20,
                   tmp="PersonalizedBundle_9E4D07A2-31C8-4B5F-A6E0-7D2C18F93B41", httpq=False)
    L.w("%s: operation 0 progress -1" % dfu)
    L.w("sending file: %s/Firmware/dfu/iBSS.j71b.RELEASE.img4" % dev["bundle"])
    L.w("%s: operation 1 progress -1" % dfu, 600, 900)
    L.w("Finished DFU Restore Phase: Successful", 200, 400)
    L.w("DFU mode device disconnected", 100, 200)
    md_transition_wait(L)
    L.wait(6)
    L.w("Recovery mode device connected with ECID: %s" % ecid)
    L.w("Found known device")
    md_transition_back(L)
    md_identity(L, bb=False)
    L.w("_AMRUSBDeviceSendDeviceRequestTO_block_invoke: AMRUSBDevice error (-536854449): {")
    L.w("}", 30, 60)
    L.w("command device request for 'getenv build-version' failed: 2008")
    L.w("%s: operation 2 progress -1" % dev["recdev"])
    L.w("sending file: %s/Firmware/dfu/iBEC.j71b.RELEASE.img4" % dev["bundle"])
    L.w("%s: operation 3 progress -1" % dev["recdev"], 500, 900)
    L.w("Recovery mode device disconnected", 300, 700)
    md_transition_wait(L)
    L.wait(5)
    L.w("Recovery mode device connected with ECID: %s" % ecid)
    L.w("Found known device")
    md_transition_back(L)
    md_identity(L, bb=False)
    md_recovery_phase(L, dev, rng, usb="mac", files=["RestoreTrustCache", "ISP", "AVE"])
    L.w("device disconnected (isDFU = 0), registryID 0x1000%05x" % 0x1e7b)
    L.w("Found ECID: %s" % ecid)
    L.w("Recovery mode device disconnected with ECID: %s" % ecid)
    L.w("Recovery mode device disconnected")
    md_transition_wait(L)
    # RestoreOS never shows up: after ~25 s the iPad re-enumerates in DFU mode
    L.wait(26)
    L.w("device connected (isDFU = 1), registryID 0x1000%05x" % 0x1ea2)
    L.w("DFU mode device connected with ECID: %s" % ecid)
    L.w("Found known device")
    L.w("Canceling timer", 40, 90)
    L.w("Restore completed, status:4014", 20, 60)
    L.same("Elapsed time (in seconds): %d" % (L.t - t_start).total_seconds())
    L.same("Failure Description:")
    L.same("Depth:0 Code:4014 Error:Unexpected device state 'DFU' expected 'RestoreOS'")
    return L.text(), dict(
        outcome="failed", error_codes=[4014], top_cause="device-software", format="itunes-updater",
        note="Apple Configurator restore of an iPad from DFU: the DFU and Recovery phases succeed, the device "
             "is sent into the restore ramdisk but comes back in DFU ('Unexpected device state 'DFU' expected "
             "'RestoreOS'', 4014). No storage, baseband or USB error appears, so the transient-device-state "
             "cause (retry, force restart, DFU restore) ranks first. Format: the MobileDevice library writes "
             "the same [HH:MM:SS.ffff] lines under iTunes and Finder/Configurator, and the first 4 KiB hold no "
             "Finder-only line, so the member is recognised as itunes-updater; rules for both formats apply.")


# --------------------------------------------------------------------------------------------
# idevicerestore console output, 2022 builds (1.0.0-1xx): plain lines, ERROR: prefix,
# "Checkpoint N complete with code N", progress bars as left in a terminal after '\r' updates
# --------------------------------------------------------------------------------------------

BAR_W = 50


def bar(pct):
    n = 0
    cells = ""
    for i in range(BAR_W):
        cells += "=" if i < pct / 2 else " "
    return "[%s] %5.1f%%" % (cells, pct)


def nonce(rng, n):
    return hexbytes(rng, n) + " "


IDR_RESTORE_CKPTS = [  # (id, progress op printed before it or None)
    (0x655, None), (0x604, None), (0x68F, None), (0x608, None), (0x60B, None), (0x60D, 28),
    (0x60E, 58), (0x60F, None), (0x65C, None), (0x610, None), (0x613, None), (0x67E, None),
    (0x609, 35), (0x693, None), (0x665, 15), (0x614, None), (0x696, None), (0x65D, None),
    (0x6A3, None), (0x69F, None), (0x654, None), (0x697, None), (0x615, None),
]


def idr_old_prologue(L, dev, rng, debug, version):
    P = L.w
    P("%s %s" % ("idevicerestore", version))
    if debug:
        P("idevice_event_cb: device %016x (udid: %s) connected in normal mode" % (dev["ecid"], dev["udid"]))
    P("Found device in Normal mode")
    P("ECID: %d" % dev["ecid"])
    P("Identified device as %s, %s" % (dev["board"], dev["model"]))
    P("Extracting BuildManifest from IPSW")
    P("Product Version: %s" % dev["ios"])
    P("Product Build: %s Major: %s" % (dev["build"], dev["build"][:2]))
    P("Device supports Image4: true")
    P("Variant: Customer Erase Install (IPSW)")
    P("This restore will erase all device data.")
    P("Checking IPSW for required components...")
    P("All required components found in IPSW")
    P("Extracting filesystem from IPSW: %s" % dev["rootfs"])
    P(bar(100.0))
    P("Getting ApNonce in normal mode... " + nonce(rng, dev["nonce_len"]))
    P("Getting SepNonce in normal mode... " + nonce(rng, 20))
    P("Trying to fetch new SHSH blob")
    if debug:
        P("DEBUG: Adding ApProductionMode=true to TSS entry")
        P("DEBUG: Adding ApSecurityMode=true to TSS entry")
        for comp in ("iBEC", "iBSS", "KernelCache", "RestoreRamDisk", "RestoreDeviceTree", "RestoreSEP"):
            P("DEBUG: Applying restore request rules for entry %s" % comp)
        P("common.c:supressed printing %d bytes plist..." % rng.randint(90000, 130000))
    P("Request URL set to https://gs.apple.com/TSS/controller?action=2")
    P("Sending TSS request attempt 1... response successfully received")
    if debug:
        P("common.c:supressed printing %d bytes plist..." % rng.randint(180000, 260000))
    P("Received SHSH blobs")
    P("Entering recovery mode...")
    if debug:
        P("DEBUG: Waiting for device to disconnect...")
        P("idevice_event_cb: device %016x (udid: %s) disconnected" % (dev["ecid"], dev["udid"]))
        P("DEBUG: Waiting for device to connect in recovery mode...")
        P("irecv_event_cb: device %016x (udid: N/A) connected in Recovery mode" % dev["ecid"])
    P("INFO: device serial number is %s" % dev["serial"])
    P("Extracting iBEC.%s.RELEASE.im4p (Firmware/dfu/iBEC.%s.RELEASE.im4p)..." % (dev["b"], dev["b"]))
    P("Personalizing IMG4 component iBEC...")
    P("Sending iBEC (%d bytes)..." % dev["ibec_size"])
    if debug:
        P("Waiting for device to disconnect...")
        P("irecv_event_cb: device %016x (udid: N/A) disconnected" % dev["ecid"])
        P("Waiting for device to reconnect in recovery mode...")
        P("irecv_event_cb: device %016x (udid: N/A) connected in Recovery mode" % dev["ecid"])
    P("Getting ApNonce in recovery mode... " + nonce(rng, dev["nonce_len"]))
    P("Getting SepNonce in recovery mode... " + nonce(rng, 20))
    P("Trying to fetch new SHSH blob")
    P("Request URL set to https://gs.apple.com/TSS/controller?action=2")
    P("Sending TSS request attempt 1... response successfully received")
    P("Received SHSH blobs")
    P("Recovery Mode Environment:")
    P("iBoot build-version=%s" % dev["iboot"])
    P("iBoot build-style=RELEASE")
    P("Sending RestoreLogo...")
    P("Extracting applelogo@2x~iphone.im4p (Firmware/all_flash/applelogo@2x~iphone.im4p)...")
    P("Personalizing IMG4 component RestoreLogo...")
    P("Sending RestoreLogo (%d bytes)..." % rng.randint(9000, 16000))
    P("Extracting %s.trustcache (Firmware/%s.trustcache)..." % (dev["ramdisk"], dev["ramdisk"]))
    P("Personalizing IMG4 component RestoreTrustCache...")
    P("Sending RestoreTrustCache (%d bytes)..." % rng.randint(7000, 12000))
    for comp, path in dev["iboot_loaded"]:
        if debug:
            P("DEBUG: %s is loaded by iBoot." % comp)
        P("Extracting %s (%s)..." % (path.split("/")[-1], path))
        P("Personalizing IMG4 component %s..." % comp)
        P("Sending %s (%d bytes)..." % (comp, rng.randint(200000, 4000000)))
    P("Extracting %s (%s)..." % (dev["ramdisk"], dev["ramdisk"]))
    P("Personalizing IMG4 component RestoreRamDisk...")
    P("Sending RestoreRamDisk (%d bytes)..." % rng.randint(110000000, 160000000))
    P("ramdisk-size=0x%x" % rng.choice((0x10000000, 0x14000000, 0x16000000)))
    P("Extracting DeviceTree.%s.im4p (Firmware/all_flash/DeviceTree.%s.im4p)..." % (dev["board"], dev["board"]))
    P("Personalizing IMG4 component RestoreDeviceTree...")
    P("Sending RestoreDeviceTree (%d bytes)..." % rng.randint(90000, 140000))
    P("Extracting sep-firmware.%s.RELEASE.im4p (Firmware/all_flash/sep-firmware.%s.RELEASE.im4p)..." % (dev["b"], dev["b"]))
    P("Personalizing IMG4 component RestoreSEP...")
    P("Sending RestoreSEP (%d bytes)..." % rng.randint(1200000, 1700000))
    P("Extracting %s (%s)..." % (dev["kernel"], dev["kernel"]))
    P("Personalizing IMG4 component RestoreKernelCache...")
    P("Sending RestoreKernelCache (%d bytes)..." % rng.randint(16000000, 24000000))
    if debug:
        P("DEBUG: Waiting for device to disconnect...")
        P("irecv_event_cb: device %016x (udid: N/A) disconnected" % dev["ecid"])
    P("Waiting for device to enter restore mode...")
    if debug:
        P("idevice_event_cb: device %016x (udid: %s) connected in restore mode" % (dev["ecid"], dev["udid"]))
        P("restore_is_current_device: Connected to com.apple.mobile.restored, version %d" % dev["proto"])
    P("About to restore device... ")
    P("Connecting now...")
    P("Connected to com.apple.mobile.restored, version %d" % dev["proto"])
    P("Device %s has successfully entered restore mode" % dev["udid"])
    P("Hardware Information:")
    P("BoardID: %d" % dev["bdid"])
    P("ChipID: %d" % dev["cpid"])
    P("UniqueChipID: %d" % dev["ecid"])
    P("ProductionMode: true")
    P("Starting Reverse Proxy")
    P("ReverseProxy[Ctrl]: (status=1) Ready")


def idr_old_nor(L, dev, rng):
    P = L.w
    P("About to send NORData...")
    P("Found firmware path Firmware/all_flash")
    P("Getting firmware manifest from build identity")
    for comp, fn in (("LLB", "LLB.%s.RELEASE.im4p" % dev["b"]), ("iBoot", "iBoot.%s.RELEASE.im4p" % dev["b"]),
                     ("DeviceTree", "DeviceTree.%s.im4p" % dev["board"]), ("AppleLogo", "applelogo@2x~iphone.im4p"),
                     ("RecoveryMode", "recoverymode@1334~iphone-lightning.im4p"),
                     ("BatteryLow0", "batterylow0@2x~iphone.im4p"), ("BatteryLow1", "batterylow1@2x~iphone.im4p"),
                     ("BatteryCharging0", "batterycharging0@2x~iphone.im4p"),
                     ("BatteryCharging1", "batterycharging1@2x~iphone.im4p"),
                     ("BatteryPlugin", "glyphplugin@1334~iphone-lightning.im4p"),
                     ("BatteryFull", "batteryfull@2x~iphone.im4p")):
        P("Extracting %s (Firmware/all_flash/%s)..." % (fn, fn))
        P("Personalizing IMG4 component %s..." % comp)
    P("Personalizing IMG4 component RestoreSEP...")
    P("Personalizing IMG4 component SEP...")
    P("Sending NORData now...")
    P("Done sending NORData")


def idr_old_ckpts(L, ids):
    op_names = {28: "Waiting for NAND", 58: "Updating NAND Firmware", 35: "Loading firmware data to flash",
                15: "Checking filesystems", 44: "Checking for uncollected logs", 29: "Unmounting filesystems",
                11: "Creating partition map", 12: "Creating filesystem", 16: "Mounting filesystems"}
    for cid, op in ids:
        if op:
            L.w("%s (%d)" % (op_names[op], op))
        L.w("Checkpoint %d complete with code 0" % cid)


# --------------------------------------------------------------------------------------------
# 8. idevicerestore-disconnect-usb.log
# --------------------------------------------------------------------------------------------

DEV_IPHONE11 = dict(model="iPhone12,1", board="n104ap", b="n104", ecid=0x16EC3A2E98402E,
                    udid="00008030-0016EC3A2E98402E", serial="F4GZK1A7N72J", ios="16.1", build="20B82",
                    rootfs="098-19535-034.dmg", ramdisk="098-19620-034.dmg", kernel="kernelcache.release.iphone12",
                    nonce_len=32, ibec_size=1273431, iboot="iBoot-8419.42.5", proto=15, bdid=4, cpid=32816,
                    iboot_loaded=[("AOP", "Firmware/AOP/aopfw-iphone12aop.im4p"),
                                  ("ISP", "Firmware/isp_bni/adc-nike-d5x.im4p"),
                                  ("AVE", "Firmware/ave/AppleAVE2FW_H12.im4p"),
                                  ("GFX", "Firmware/agx/armfw_g12p.im4p"),
                                  ("ANE", "Firmware/ane/h12_ane_fw_metis.im4p"),
                                  ("PMP", "Firmware/pmp/t8030pmp.im4p")])


def s_idevicerestore_disconnect_usb():
    rng = random.Random(108)
    L = Log(1108, datetime(2022, 11, 3, 20, 0, 0), f_plain)
    dev = DEV_IPHONE11
    idr_old_prologue(L, dev, rng, True, "1.0.0-139-g7b89019")
    L.w("About to send RootTicket...")
    L.w("Sending RootTicket now...")
    L.w("Done sending RootTicket")
    idr_old_ckpts(L, IDR_RESTORE_CKPTS)
    L.w("ReverseProxy[Ctrl]: (status=3) Connect Request")
    L.w("ReverseProxy[Conn]: (status=1) Ready")
    L.w("ReverseProxy[Conn]: (status=5) Connected to gg.apple.com:443")
    L.w("ReverseProxy[Conn]: (status=2) Terminated")
    L.w("About to send FDR Trust data...")
    L.w("Sending FDR Trust data now...")
    L.w("Done sending FDR Trust Data")
    idr_old_ckpts(L, [(0x616, None), (0x617, None), (0x618, None), (0x619, 44), (0x61A, None), (0x61B, None),
                      (0x661, None), (0x61D, 29), (0x64E, None), (0x61F, None), (0x68A, None), (0x621, 11)])
    L.w("Creating filesystem (12)")
    idr_old_ckpts(L, [(0x660, None), (0x622, None), (0x160D, None), (0x658, None), (0x659, None), (0x6B3, None),
                      (0x65A, None), (0x675, None), (0x68C, None), (0x626, 16)])
    idr_old_nor(L, dev, rng)
    L.w("About to send filesystem...")
    L.w("Connecting to ASR")
    L.w("Connected to ASR")
    L.w("Validating the filesystem")
    L.w("Filesystem validated")
    L.w("Sending filesystem now...")
    # cable moved: the transfer dies at 18 %
    L.w(bar(18.0) + "ERROR: Unable to send data to ASR. Sent 63556 of 131092 bytes.")
    L.w("ERROR: Unable to send filesystem payload")
    L.w("idevice_event_cb: device %016x (udid: %s) disconnected" % (dev["ecid"], dev["udid"]))
    for _ in range(3):
        L.w("ERROR: Unable to send data to ASR. Sent 0 of 131092 bytes.")
        L.w("ERROR: Unable to send filesystem payload")
    L.w("Done sending filesystem")
    L.w("ERROR: Could not read data (-256). Aborting.")
    L.w("ReverseProxy[Ctrl]: (status=2) Terminated")
    L.w("ERROR: Unable to restore device")
    return L.text(), dict(
        outcome="failed", error_codes=[], top_cause="usb-link", format="idevicerestore",
        note="idevicerestore (2022 build, -d) restoring an iPhone 11: during 'Sending filesystem now...' the "
             "transfer breaks at 18 % ('Unable to send data to ASR. Sent 63556 of 131092 bytes.'), "
             "idevice_event_cb reports the device disconnected, every retry sends 0 bytes and the restore "
             "aborts -- the USB link dropped mid-transfer. No numeric restore error code is printed.")


# --------------------------------------------------------------------------------------------
# 13. idevicerestore-success.log
# --------------------------------------------------------------------------------------------

DEV_IPHONE8 = dict(model="iPhone10,1", board="d20ap", b="d20", ecid=0x0D3B81A6E2C1E,
                   udid="4b7e0c2a91d35f68e0a4c7b21d9e36f05a8c1d47", serial="F17VH3M2JC67", ios="16.1.1",
                   build="20B101", rootfs="098-22131-009.dmg", ramdisk="098-21982-009.dmg",
                   kernel="kernelcache.release.iphone10", nonce_len=20, ibec_size=1131203,
                   iboot="iBoot-8419.42.5", proto=15, bdid=2, cpid=32789, imei=luhn_ok("35674910482193"),
                   iboot_loaded=[("AOP", "Firmware/AOP/aopfw-iphone10aop.im4p"),
                                 ("ISP", "Firmware/isp_bni/adc-petra-d2x.im4p"),
                                 ("AVE", "Firmware/ave/AppleAVE2FW_H10.im4p"),
                                 ("GFX", "Firmware/agx/armfw_g10p.im4p")])


def s_idevicerestore_success():
    rng = random.Random(113)
    L = Log(1113, datetime(2022, 12, 1, 9, 0, 0), f_plain)
    dev = DEV_IPHONE8
    idr_old_prologue(L, dev, rng, False, "1.0.0-139-g7b89019")
    L.w("About to send RootTicket...")
    L.w("Sending RootTicket now...")
    L.w("Done sending RootTicket")
    idr_old_ckpts(L, IDR_RESTORE_CKPTS)
    L.w("About to send FDR Trust data...")
    L.w("Sending FDR Trust data now...")
    L.w("Done sending FDR Trust Data")
    idr_old_ckpts(L, [(0x616, None), (0x617, None), (0x618, None), (0x619, 44), (0x61A, None), (0x61B, None),
                      (0x661, None), (0x61D, 29), (0x64E, None), (0x61F, None), (0x68A, None), (0x621, 11)])
    L.w("Creating filesystem (12)")
    idr_old_ckpts(L, [(0x660, None), (0x622, None), (0x658, None), (0x659, None), (0x6B3, None),
                      (0x65A, None), (0x675, None), (0x68C, None), (0x626, 16)])
    idr_old_nor(L, dev, rng)
    L.w("About to send filesystem...")
    L.w("Connected to ASR")
    L.w("Validating the filesystem")
    L.w("Filesystem validated")
    L.w("Sending filesystem now...")
    L.w(bar(100.0))
    L.w("Done sending filesystem")
    L.w("Verifying restore (14)")
    L.w(bar(100.0))
    idr_old_ckpts(L, [(0x65B, None), (0x662, None), (0x677, None), (0x67A, None)])
    L.w("Flashing firmware (18)")
    L.w(bar(100.0))
    L.w("Checkpoint %d complete with code 0" % 0x1300)
    L.w("About to send BasebandData...")
    L.w("Sending Baseband TSS request...")
    L.w("Request URL set to https://gs.apple.com/TSS/controller?action=2")
    L.w("Sending TSS request attempt 1... response successfully received")
    L.w("Received Baseband SHSH blobs")
    L.w("Sending BasebandData now...")
    L.w("Done sending BasebandData")
    L.w("Updating baseband (19)")
    L.w("Updating Baseband in progress...")
    L.w("Updating baseband (19)")
    L.w("Updating Baseband completed.")
    L.w("Provisioning:")
    L.w("IMEI:%s" % dev["imei"])
    idr_old_ckpts(L, [(0x1303, None), (0x635, None), (0x628, None), (0x64D, None),
                      (0xF00, None), (0x63B, None), (0x639, None), (0x63F, None), (0x668, None),
                      (0x669, None), (0x640, None), (0x642, 29), (0x67C, None), (0x647, None),
                      (0x6C2, None)])
    L.w("Unmounting filesystems (29)")
    L.w("Unmounting filesystems (29)")
    L.w("Got status message")
    L.w("Status: Restore Finished")
    L.w("Checkpoint %d complete with code 0" % 0x648)
    L.w("ReverseProxy[Ctrl]: (status=2) Terminated")
    L.w("Cleaning up...")
    L.w("DONE")
    return L.text(), dict(
        outcome="succeeded", error_codes=[], top_cause=None, format="idevicerestore",
        note="Complete idevicerestore (2022 build) erase restore of an iPhone 8: filesystem sent and verified, "
             "baseband updated ('Updating Baseband completed.'), 'Status: Restore Finished' and 'DONE'.")


# --------------------------------------------------------------------------------------------
# 9. idevicerestore-new-baseband.log  (log file written by idevicerestore >= 2024: src/log.c)
#    original name would be restore_001c2a05e7d49026_1724148123.log
# --------------------------------------------------------------------------------------------


def s_idevicerestore_new_baseband():
    rng = random.Random(109)
    L = Log(1109, datetime(2024, 8, 20, 12, 2, 3, 118000), f_idr_new)
    ecid = 0x1C2A05E7D49026
    udid = "00008020-001C2A05E7D49026"
    I = lambda m, lo=1, hi=60: L.w(m, lo, hi, lvl="I")
    V = lambda m, lo=1, hi=60: L.w(m, lo, hi, lvl="V")
    E = lambda m, lo=1, hi=60: L.w(m, lo, hi, lvl="E")
    N = lambda m, lo=1, hi=60: L.w(m, lo, hi, lvl="N")
    I("idevicerestore 1.0.0-git-3c81a7e (libirecovery 1.2.1, libtatsu 1.0.3)")
    I("Found device in Recovery mode", 300, 700)
    I("ECID: %d" % ecid)
    I("Identified device as n841ap, iPhone11,8")
    I("Device Product Version: N/A")
    I("Device Product Build: N/A")
    I("Extracting BuildManifest from IPSW")
    I("IPSW Product Version: 17.6.1")
    I("IPSW Product Build: 21G93 Major: 21")
    I("Device supports Image4: true")
    I("Variant: Customer Erase Install (IPSW)")
    I("This restore will erase all device data.")
    I("Checking IPSW for required components...")
    I("All required components found in IPSW")
    I("Using cached filesystem from 'iPhone11,8_17.6.1_21G93_Restore/090-54839-064.dmg'", 2000, 3000)
    L.w("Getting ApNonce in Recovery mode... " + hexbytes(rng, 32), lvl="I")
    L.w("Getting SepNonce in recovery mode... " + hexbytes(rng, 20), lvl="I")
    I("Trying to fetch new SHSH blob")
    I("Received SHSH blobs", 900, 1600)
    I("INFO: device serial number is F2LXK3J9KXKN")
    for comp, fn, size in (("iBEC", "Firmware/dfu/iBEC.n841.RELEASE.im4p", 1496231),):
        I("Extracting %s (%s)..." % (fn.split("/")[-1], fn))
        I("Personalizing IMG4 component %s..." % comp)
        I("Sending %s (%d bytes)..." % (comp, size))
    L.wait(9)
    L.w("Getting ApNonce in Recovery mode... " + hexbytes(rng, 32), lvl="I")
    L.w("Getting SepNonce in recovery mode... " + hexbytes(rng, 20), lvl="I")
    I("Trying to fetch new SHSH blob")
    I("Received SHSH blobs", 800, 1500)
    I("Recovery Mode Environment:")
    I("iBoot build-version=iBoot-10151.140.19")
    I("iBoot build-style=RELEASE")
    I("iBoot boot-stage=1")
    I("Sending RestoreLogo...")
    for comp, fn in (("RestoreLogo", "Firmware/all_flash/applelogo@2x~iphone.im4p"),
                     ("RestoreTrustCache", "Firmware/090-54840-064.dmg.trustcache"),
                     ("AOP", "Firmware/AOP/aopfw-iphone11aop.im4p"),
                     ("ISP", "Firmware/isp_bni/adc-nike-d3x.im4p"),
                     ("AVE", "Firmware/ave/AppleAVE2FW_H11.im4p"),
                     ("GFX", "Firmware/agx/armfw_g11p.im4p"),
                     ("ANE", "Firmware/ane/h11_ane_fw_quad.im4p"),
                     ("RestoreRamDisk", "090-54862-064.dmg"),
                     ("RestoreDeviceTree", "Firmware/all_flash/DeviceTree.n841ap.im4p"),
                     ("RestoreSEP", "Firmware/all_flash/sep-firmware.n841.RELEASE.im4p"),
                     ("RestoreKernelCache", "kernelcache.release.iphone11b")):
        I("Extracting %s (%s)..." % (fn.split("/")[-1], fn))
        I("Personalizing IMG4 component %s..." % comp)
        I("Sending %s (%d bytes)..." % (comp, rng.randint(9000, 40000000)), 300, 2500)
        if comp == "RestoreRamDisk":
            I("ramdisk-size=0x16000000")
    I("Waiting for device to enter restore mode...")
    L.wait(14)
    I("About to restore device... ")
    I("Connecting now...")
    I("Connected to com.apple.mobile.restored, version 15")
    I("Device %s has successfully entered restore mode" % udid)
    I("Hardware Information:")
    I("BoardID: 12")
    I("ChipID: 32800")
    I("UniqueChipID: %d" % ecid)
    I("ProductionMode: true")
    I("Starting Reverse Proxy")
    V("ReverseProxy[Ctrl]: (status=1) Ready")

    def ck(cid, name, op=None, res=0, lo=30, hi=400):
        V("Checkpoint started   id: 0x%X (%s)" % (cid, name), lo, hi)
        if op:
            I(op)
        V("Checkpoint completed id: 0x%X (%s) result=%d" % (cid, name, res), lo, hi)

    ops = {28: "Waiting for NAND (28)", 58: "Updating NAND Firmware (58)", 35: "Loading firmware data to flash (35)",
           15: "Checking filesystems (15)", 44: "Checking for uncollected logs (44)", 29: "Unmounting filesystems (29)",
           11: "Creating partition map (11)", 12: "Creating filesystem (12)", 16: "Mounting filesystems (16)"}
    for cid, name, oplist in RESTORE_PREP:
        ck(cid, name, ops.get(oplist[0][0]) if oplist else None)
        if cid == 0x60B:
            I("About to send RootTicket...")
            I("Sending RootTicket now...")
            I("Done sending RootTicket")
        if cid == 0x615:
            I("About to send FDR Trust data...")
            I("Sending FDR Trust data now...")
            I("Done sending FDR Trust Data")
        if cid == 0x61B:
            V("ReverseProxy[Ctrl]: (status=3) Connect Request")
            V("ReverseProxy[Conn]: (status=1) Ready")
            V("ReverseProxy[Conn]: (status=2) Terminated")
    V("Checkpoint started   id: 0x677 (perform_main_os_prepare)")
    for cid, name, oplist in RESTORE_MAIN_PREP:
        ck(cid, name, ops.get(oplist[0][0]) if oplist else None)
    I("About to send NORData...")
    I("Found firmware path Firmware/all_flash")
    I("Getting firmware manifest from build identity")
    for comp in ("LLB", "iBoot", "DeviceTree", "AppleLogo", "RecoveryMode", "BatteryLow0", "BatteryLow1",
                 "BatteryCharging0", "BatteryCharging1", "BatteryPlugin", "BatteryFull", "LowPowerWallet0",
                 "LowPowerWallet1", "RestoreSEP", "SEP"):
        I("Personalizing IMG4 component %s..." % comp)
    I("Sending NORData now...")
    I("Done sending NORData")
    V("Checkpoint started   id: 0x662 (write_persistent_files)")
    I("About to send filesystem...")
    I("Connected to ASR")
    I("Validating the filesystem")
    I("Filesystem validated")
    I("Sending filesystem now...")
    I("Done sending filesystem", 150000, 190000)
    V("Checkpoint completed id: 0x662 (write_persistent_files) result=0")
    V("Checkpoint completed id: 0x677 (perform_main_os_prepare) result=0")
    ck(0x67A, "perform_short_prepare")
    V("Checkpoint started   id: 0x67B (perform_restore_installing)")
    I("Verifying restore (14)")
    I("Checking filesystems (15)", 20000, 30000)
    ck(0x65B, "asr_and_invert_image")
    V("Checkpoint started   id: 0x635 (update_device_firmware)")
    ck(0x1300, "update_iBoot", "Flashing firmware (18)")
    V("Checkpoint started   id: 0x1303 (update_baseband)")
    I("About to send BasebandData...")
    I("Sending Baseband TSS request...")
    I("Received Baseband SHSH blobs", 700, 1400)
    I("Sending BasebandData now...")
    I("Done sending BasebandData", 800, 1600)
    I("Updating baseband (19)")
    fail = ("[0]D(update_baseband: failed to perform next stage)[1]D(Failed creating a communication "
            "transport to baseband.)[2]D(Fail to create transport)")
    V("Checkpoint WARNING id: 0x1303 result=-1: [0]D(update_baseband: failed to perform next stage)"
      "[1]D(Fail to ping baseband: kBBUReturnIOError)", 58000, 66000)
    I("Updating baseband (19)", 30, 90)
    V("Checkpoint FAILURE id: 0x1303 result=-1: %s" % fail, 52000, 61000)
    V("Checkpoint completed id: 0x1303 (update_baseband) result=-1")
    V("Checkpoint FAILURE id: 0x635 result=-1: [0]D(failed to update device firmware)[1]D(ramrod firmware "
      "update failed)[2]D(update_baseband: failed to perform next stage)")
    V("Checkpoint completed id: 0x635 (update_device_firmware) result=-1")
    V("Checkpoint completed id: 0x67B (perform_restore_installing) result=-1")
    ck(0x67C, "cleanup_boot_command")
    ck(0x647, "cleanup_check_result")
    V("Checkpoint started   id: 0x648 (cleanup_send_final_status)")
    I("Got status message", 200, 500)
    I("Status: X-Gold Baseband Update Failed. Defective Unit?")

    def build(start):
        D = device_log(2109, start, "3>7", 171, 61)
        D.begin("RESTORED", 0x0635, "update_device_firmware", seq=58)
        D.step("FIRMWARE", 0x1300, "update_iBoot", ["entering update_iBoot"], prefix="1104", secs=1.8)
        D.begin("FIRMWARE", 0x1303, "update_baseband", prefix="1104", seq=64)
        D.say("entering update_baseband")
        bbupdater_attempts(D, 5, gap=(8200, 10400))
        D.say("update_baseband: bbupdater error: The operation couldn\\U2019t be completed. (BBUpdater error 3 - "
              "Fail to ping baseband: kBBUReturnIOError)")
        D.fail_as("IMMED_RETRY", -1, "FIRMWARE", 0x1303, "update_baseband",
               ["update_baseband: failed to perform next stage", "Fail to ping baseband: kBBUReturnIOError"],
               prefix="1104", codes="0x11041303:{0:1004}",
               domains='0x11041303:{0:"RamrodErrorDomain"}')
        bbupdater_attempts(D, 5, gap=(8200, 10400))
        D.say("update_baseband: bbupdater error: The operation couldn\\U2019t be completed. (BBUpdater error 50 - "
              "Failed creating a communication transport to baseband.)")
        D.fail_as("FAILURE", -1, "FIRMWARE", 0x1303, "update_baseband",
               ["update_baseband: failed to perform next stage",
                "Failed creating a communication transport to baseband.", "Fail to create transport"],
               prefix="1104", results="0x11041303:{0:-1;1:-1}",
               codes="0x11041303:{0:1004;1:1004}",
               domains='0x11041303:{0:"RamrodErrorDomain";1:"RamrodErrorDomain"}')
        D.fail_as("FAILURE", -1, "RESTORED", 0x0635, "update_device_firmware",
               ["failed to update device firmware", "ramrod firmware update failed",
                "update_baseband: failed to perform next stage"],
               results="0x11070635:{0:-1};0x11041303:{0:-1;1:-1}",
               codes="0x11070635:{0:-1};0x11041303:{0:1004;1:1004}",
               domains='0x11070635:{0:"AMRestoreErrorDomain"};0x11041303:{0:"RamrodErrorDomain"}')
        D.notice("(NVRAM set) restore-step-user-progress=61 [sync=true] (first failure)")
        cleanup_after_failure(D, BASEBAND_CFERROR)
        return D

    D = device_log_ending_at(build, L.t - timedelta(hours=2) - timedelta(seconds=1))
    I("Log is available:")
    for line in D.lines:
        L.raw(line)
    L.raw("")
    E("Unable to successfully restore device")
    V("Checkpoint completed id: 0x648 (cleanup_send_final_status) result=0")
    E("Unable to restore device", 300, 900)
    return L.text(), dict(
        outcome="failed", error_codes=[1004], top_cause="baseband", format="idevicerestore",
        note="New-format idevicerestore log file: checkpoint 0x1303 update_baseband fails "
             "('Checkpoint FAILURE id: 0x1303 result=-1 ... Failed creating a communication transport to "
             "baseband'), the device reports 'Status: X-Gold Baseband Update Failed. Defective Unit?' and the "
             "dumped device log shows bbupdater FAILED(kBBUReturnIOError) on every attempt (RamrodErrorDomain "
             "1004). No host-level code is printed; device status 1015 appears only as its text.")


# --------------------------------------------------------------------------------------------
# 10. futurerestore-tss-signing.log  (futurerestore v2, -d, --custom-latest pointing at a build
#     Apple stopped signing)
# --------------------------------------------------------------------------------------------


def tss_request_xml(rng, ecid, cpid, bdid, nonce_len, sep=True, bb=None):
    x = ['<?xml version="1.0" encoding="UTF-8"?>',
         '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
         '<plist version="1.0">', '<dict>',
         '\t<key>@ApImg4Ticket</key>', '\t<true/>',
         '\t<key>@HostPlatformInfo</key>', '\t<string>mac</string>',
         '\t<key>@Locality</key>', '\t<string>en_US</string>',
         '\t<key>@UUID</key>', '\t<string>%s</string>' % "6B2F7D1C-0E49-4A3B-9C58-1D7E2F60A4B3",
         '\t<key>@VersionInfo</key>', '\t<string>libauthinstall-850.0.1.0.1</string>',
         '\t<key>ApBoardID</key>', '\t<integer>%d</integer>' % bdid,
         '\t<key>ApChipID</key>', '\t<integer>%d</integer>' % cpid,
         '\t<key>ApECID</key>', '\t<integer>%d</integer>' % ecid,
         '\t<key>ApNonce</key>', '\t<data>', '\t%s' % "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") for _ in range(28)), '\t</data>',
         '\t<key>ApProductionMode</key>', '\t<true/>',
         '\t<key>ApSecurityDomain</key>', '\t<integer>1</integer>',
         '\t<key>ApSecurityMode</key>', '\t<true/>',
         '\t<key>ApSupportsImg4</key>', '\t<true/>',
         '\t<key>SepNonce</key>', '\t<data>', '\t%s' % "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") for _ in range(28)), '\t</data>']
    if sep:
        x += ['\t<key>SEP</key>', '\t<dict>', '\t\t<key>Digest</key>', '\t\t<data>',
              '\t\t%s' % "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") for _ in range(28)),
              '\t\t</data>', '\t\t<key>Trusted</key>', '\t\t<true/>', '\t</dict>']
    x += ['\t<key>UniqueBuildID</key>', '\t<data>',
          '\t%s' % "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") for _ in range(28)),
          '\t</data>', '</dict>', '</plist>']
    return x


def s_futurerestore_tss_signing():
    rng = random.Random(110)
    L = Log(1110, datetime(2024, 10, 2, 21, 0, 0), f_plain)
    P = L.w
    ecid = 0x1B53C0E7A2D26
    cpid, bdid = 0x8015, 0x6
    url = ("https://updates.cdn-apple.com/2024SummerFCS/fullrestores/062-31288/2F0E9C4B-7A1D-4E3F-8B62-"
           "5D9C0A7E31F4/iPhone10,3,iPhone10,6_16.7.8_20H343_Restore.ipsw")
    P("kai@thinkpad:~/fr$ ./futurerestore -t ~/shsh/%d_iPhone10,3_d22ap_16.6-20G75_2f1d0b4a7c9e3d5b6a8f0e1c2d3b4a59.shsh2 "
      "--latest-sep --latest-baseband -c 16.7.8 -d iPhone10,3,iPhone10,6_16.6_20G75_Restore.ipsw" % ecid)
    P("Version: v2.0.0(4b1a9e3f0c7d2e85a6b19f03d4c7e2a58b6f1d90-329)")
    P("img4tool version: 0.197-aca6cf005c94caf135023263cbb5c61a0081804f-RELEASE")
    P("Odysseus for 32-bit support: yes")
    P("Odysseus for 64-bit support: yes")
    P("idevice_event_cb: device %016x (udid: %s) connected in normal mode" % (ecid, "c8e31a07d2f94b6e05a1c3d79e2b48f6a0d15e73"))
    P("[INFO] 64-bit device detected")
    P("futurerestore init done")
    P("reading signing ticket /home/kai/shsh/%d_iPhone10,3_d22ap_16.6-20G75_2f1d0b4a7c9e3d5b6a8f0e1c2d3b4a59.shsh2 is done" % ecid)
    P("User specified to use latest signed SEP")
    P("[TSSC] selecting latest firmware version: 20H343")
    P("Downloading SEP")
    P("")
    P("[LFZP] downloading BuildManifest.plist from %s" % url)
    P("100 [" + "=" * 100 + "]")
    P("[LFZP] downloading Firmware/all_flash/sep-firmware.d22.RELEASE.im4p from %s" % url)
    P("100 [" + "=" * 100 + "]")
    P("Finished downloading the latest firmware components!")
    P("Checking if SEP is being signed...")
    P("DEBUG: Adding ApProductionMode=true to TSS entry")
    P("DEBUG: Adding ApSecurityMode=true to TSS entry")
    P("DEBUG: Applying restore request rules for entry SEP")
    xml = tss_request_xml(rng, ecid, cpid, bdid, 20)
    P("common.c:printing %d bytes plist:" % (sum(len(l) + 1 for l in xml)))
    for line in xml:
        P(line)
    P("Request URL set to https://gs.apple.com/TSS/controller?action=2")
    P("Sending TSS request attempt 1... TSS server returned: STATUS=94&MESSAGE=This device isn't eligible for the requested build.")
    P("ERROR: TSS request failed (status=94, message=This device isn't eligible for the requested build.)")
    P("[TSSC] Also requesting APTicket for installType=Update")
    xml2 = tss_request_xml(rng, ecid, cpid, bdid, 20)
    P("common.c:printing %d bytes plist:" % (sum(len(l) + 1 for l in xml2)))
    for line in xml2:
        P(line)
    P("Request URL set to https://gs.apple.com/TSS/controller?action=2")
    P("Sending TSS request attempt 1... TSS server returned: STATUS=94&MESSAGE=This device isn't eligible for the requested build.")
    P("ERROR: TSS request failed (status=94, message=This device isn't eligible for the requested build.)")
    P("[TSSC] Also requesting APTicket without a nonce")
    xml3 = tss_request_xml(rng, ecid, cpid, bdid, 20)
    xml3 = [l for l in xml3]
    P("common.c:printing %d bytes plist:" % (sum(len(l) + 1 for l in xml3)))
    for line in xml3:
        P(line)
    P("Request URL set to https://gs.apple.com/TSS/controller?action=2")
    P("Sending TSS request attempt 1... TSS server returned: STATUS=94&MESSAGE=This device isn't eligible for the requested build.")
    P("ERROR: TSS request failed (status=94, message=This device isn't eligible for the requested build.)")
    P("futurerestore: failed with exception:")
    P("[exception]:")
    P("what=SEP firmware is NOT being signed!")
    P("")
    P("code=%d" % ((436 << 16) | 0x2B))
    P("line=436")
    P("file=/Users/runner/work/futurerestore/futurerestore/src/main.cpp")
    P("commit count=329")
    P("commit sha  =4b1a9e3f0c7d2e85a6b19f03d4c7e2a58b6f1d90")
    return L.text(), dict(
        outcome="failed", error_codes=[94, 3194, (436 << 16) | 0x2B], top_cause="signing-server",
        format="futurerestore",
        note="futurerestore v2 (-d) checks whether the chosen SEP is signed: both TSS requests come back "
             "'STATUS=94&MESSAGE=This device isn't eligible for the requested build.' (TSS status 94, i.e. "
             "3194 in AMRestore numbering, kept beside it) and it stops with 'SEP firmware is NOT being "
             "signed!' in an [exception] block (futurerestore's code after it) -- the build is not signed.")


# --------------------------------------------------------------------------------------------
# 11. pymobiledevice3-pipe-usb.log  (`pymobiledevice3 restore update --erase -i ...` 2>&1 | tee)
# --------------------------------------------------------------------------------------------

PMD3_COMPONENTS = ["AppleLogo", "BatteryCharging0", "BatteryCharging1", "BatteryFull", "BatteryLow0",
                   "BatteryLow1", "BatteryPlugin", "DeviceTree", "KernelCache", "LLB", "RecoveryMode",
                   "RestoreDeviceTree", "RestoreKernelCache", "RestoreLogo", "RestoreRamDisk", "RestoreSEP",
                   "RestoreTrustCache", "SEP", "StaticTrustCache", "iBEC", "iBSS", "iBoot", "AOP", "ANE", "AVE",
                   "GFX", "ISP", "PMP", "SIO", "Multitouch", "AudioCodecFirmware", "Ap,SystemVolumeCanonicalMetadata",
                   "SystemVolume", "Cryptex1,SystemOS", "Cryptex1,SystemVolume", "Cryptex1,SystemTrustCache",
                   "Cryptex1,AppOS", "Cryptex1,AppVolume", "Cryptex1,AppTrustCache"]


def s_pymobiledevice3_pipe_usb():
    rng = random.Random(111)
    L = Log(1111, datetime(2026, 8, 24, 19, 12, 3), f_pmd3, host="Lenas-MacBook-Air.local", pid=41872)
    ecid = 0xD26B1F0C3A802E
    site = "/Users/lena/.venvs/pmd3/lib/python3.12/site-packages"
    cli, irecv, rec, rst, tss, img4 = ("pymobiledevice3.cli.restore", "pymobiledevice3.irecv",
                                       "Task-2-pymobiledevice3.restore.recovery",
                                       "Task-2-pymobiledevice3.restore.restore", "pymobiledevice3.restore.tss",
                                       "pymobiledevice3.restore.img4")

    def d(name, msg, lo=1, hi=120, lvl="DEBUG"):
        L.w(msg, lo, hi, name=name, lvl=lvl)

    # captured with: pymobiledevice3 restore update --erase -i <ipsw> 2>&1 | tee pmd3-restore.log
    d(cli, "searching among connected devices via lockdownd", 0, 1)
    d(cli, "waiting for device to be available in Recovery mode", 200, 600)
    d(irecv, "set_configuration: 1", 600, 1400)
    d(rec, "connected device: <Device ecid: async hardware_model: async image4-support: async>", lvl="INFO")
    d(rec, "scanning BuildManifest.plist for the correct BuildIdentity")
    d(rst, "TSS batched prefetch disabled (default); reactive POSTs only", 500, 1500, lvl="INFO")
    d(rec, "fetching TSS record", lvl="INFO")
    for comp in PMD3_COMPONENTS:
        if comp in ("Cryptex1,AppOS", "Cryptex1,SystemOS"):
            d(tss, "skipping %s as it is not a firmware payload" % comp, 0, 3)
            continue
        d(tss, "Applying restore request rules for entry %s" % comp, 0, 3)
        d(tss, "Adding EPRO=True to TSS entry", 0, 2)
        d(tss, "Adding ESEC=True to TSS entry", 0, 2)
    d(tss, "Sending TSS request...", lvl="INFO")
    req = ("{'@ApImg4Ticket': True, '@BBTicket': True, '@HostPlatformInfo': 'mac', '@VersionInfo': "
           "'libauthinstall-1033.0.6', '@UUID': '0F3C8A61-5B27-4E9D-A1C4-7D2E9B5F0836', 'ApBoardID': 12, "
           "'ApChipID': 33025, 'ApECID': %d, 'ApNonce': b'%s', 'ApProductionMode': True, 'ApSecurityDomain': 1, "
           "'ApSecurityMode': True, 'ApSepNonce': b'%s', 'ApSupportsImg4': True, 'UniqueBuildID': b'%s', "
           "'iBSS': {'Digest': b'%s', 'EPRO': True, 'ESEC': True, 'Trusted': True}, 'iBEC': {'Digest': b'%s', "
           "'EPRO': True, 'ESEC': True, 'Trusted': True}, 'RestoreRamDisk': {'Digest': b'%s', 'EPRO': True, "
           "'ESEC': True, 'Trusted': True}, ...}" %
           (ecid, "".join("\\x%02x" % rng.randrange(256) for _ in range(32)),
            "".join("\\x%02x" % rng.randrange(256) for _ in range(20)),
            "".join("\\x%02x" % rng.randrange(256) for _ in range(20)),
            "".join("\\x%02x" % rng.randrange(256) for _ in range(48)),
            "".join("\\x%02x" % rng.randrange(256) for _ in range(48)),
            "".join("\\x%02x" % rng.randrange(256) for _ in range(48))))
    d(tss, req)
    d(tss, "response successfully received", 700, 1600, lvl="INFO")
    d(img4, "Personalizing IMG4 component iBSS...", lvl="INFO")
    for prop in ("RequiresNonceSlot", "BORD", "CHIP", "CPRO", "CSEC", "ECID", "SDOM", "EKEY", "EPRO", "ESEC"):
        d(img4, "iBSS: Adding property %s" % prop, 0, 3)
    d(rec, "Sending iBSS (1154987 bytes)...", lvl="INFO")
    d(irecv, "irecv state: 2", 5, 20)
    L.tick(800, 1200)
    # tqdm progress bar (stderr, '\r' updates) interrupted by the exception
    steps = [(0, "0/564 [00:00<?, ?it/s]"), (61, "61/564 [00:00<00:02, 202.17it/s]"),
             (138, "138/564 [00:00<00:02, 210.64it/s]"), (217, "217/564 [00:01<00:01, 207.93it/s]"),
             (254, "254/564 [00:01<00:01, 196.21it/s]")]
    parts = []
    for n, tail in steps:
        pct = n * 100 // 564
        filled = n * 10 // 564
        parts.append("%3d%%|%s%s| %s" % (pct, "\u2588" * filled, " " * (10 - filled), tail))
    L.raw("\r".join(parts))
    tb = [
        "Traceback (most recent call last):",
        '  File "%s/pymobiledevice3/cli/restore.py", line 192, in restore_update_task' % site,
        "    await Restore(",
        '  File "%s/pymobiledevice3/restore/restore.py", line 1709, in update' % site,
        "    await self.recovery.boot_ramdisk()",
        '  File "%s/pymobiledevice3/restore/recovery.py", line 484, in boot_ramdisk' % site,
        "    await self.dfu_enter_recovery()",
        '  File "%s/pymobiledevice3/restore/recovery.py", line 416, in dfu_enter_recovery' % site,
        '    await self.send_component("iBSS")',
        '  File "%s/pymobiledevice3/restore/recovery.py", line 275, in send_component' % site,
        "    self.device.irecv.send_buffer(data)",
        '  File "%s/pymobiledevice3/irecv.py", line 233, in send_buffer' % site,
        "    self.ctrl_transfer(0x21, 1, wValue=packet_index, wIndex=0, data_or_wLength=chunk)",
        '  File "%s/pymobiledevice3/irecv.py", line 176, in ctrl_transfer' % site,
        '    return cast("array[int]", self.device.ctrl_transfer(bmRequestType, bRequest, timeout=timeout, **kwargs))',
        "                              " + "^" * 77,
        '  File "%s/usb/core.py", line 1093, in ctrl_transfer' % site,
        "    ret = self._ctx.backend.ctrl_transfer(",
        "          " + "^" * 32,
        '  File "%s/usb/backend/libusb1.py", line 897, in ctrl_transfer' % site,
        "    ret = _check(self.lib.libusb_control_transfer(",
        "          " + "^" * 40,
        '  File "%s/usb/backend/libusb1.py", line 604, in _check' % site,
        "    raise USBError(_strerror(ret), ret, _libusb_errno[ret])",
        "usb.core.USBError: [Errno 32] Pipe error",
    ]
    for line in tb:
        L.raw(line)
    return L.text(), dict(
        outcome="failed", error_codes=[], top_cause="usb-link", format="pymobiledevice3",
        note="pymobiledevice3 restore of an iPhone 12 in DFU mode: while sending iBSS over USB (45 % of the "
             "tqdm bar) the control transfer fails with 'usb.core.USBError: [Errno 32] Pipe error' -- the "
             "USB link (cable/port/hub) dropped the transfer. The progress line holds '\\r' updates as tee "
             "captured them.")


# --------------------------------------------------------------------------------------------
# 12. flashtool-nand-storage.log  (3uTools-style flash log: own step lines with two spaces,
#     relayed MobileDevice lines with one space)
# --------------------------------------------------------------------------------------------


def s_flashtool_nand_storage():
    rng = random.Random(112)
    L = Log(1112, datetime(2024, 5, 11, 14, 2, 11, 482000), f_flash)
    dev = dict(board="n61ap", ecid=0x12D4A07F3C1, cpid=0x7000, bdid=0x6, platform_soc="t7000",
               iboot="iBoot-4513.270.14", ramdisk="038-87260-065.dmg",
               bundle="C:/Users/Admin/AppData/Local/Temp/Per2D41.tmp",
               libauth="libauthinstall-973.40.2", platform="win/10.0.19045/x86_64",
               recdev="<Recovery Mode Device 000001A4C2F09B70>",
               bb=dict(certid=0x2D4E8A13, chipid=0x7E1, vendor=2, fusing=3, snum="5b1e0c3f7a92d46e81a07b3c"))
    rd = "<Restore Device 000001A4C31D2E60>"
    ecid = "0x%X" % dev["ecid"]
    own = lambda m, lo=1, hi=60: L.w(m, lo, hi, own=True)
    md = lambda m, lo=1, hi=60: L.w(m, lo, hi)
    own("LibVersion: 20240312", 0, 1)
    own("Checking PC DiskSpace", 0, 1)
    own("Firmware is unpacking", 0, 2)
    own("Checking required files", 61000, 74000)
    own("Run the flash program of iTunes")
    md("restore library built Feb  1 2024 at 00:12:44", 900, 1100)
    md("This is here just to make sure we empty our found devices queue")
    md("Successfully registered new client")
    own("Registered device change listening service succeeded", 100, 200)
    own("Searching iDevice, if not connected, please plug in the device again", 0, 1)
    md("Now tracking 1 clients")
    md("Recovery mode device connected with ECID: %s" % ecid)
    md("Found new device")
    md("Found a device with a known device registration class: 0x1")
    md("iTunesVersion: 'iTunes 12.9.5.5'")
    md("Created state machine for device with ECID=%s" % ecid)
    md("State Machine Dump, status:RUNNING - [state:Recovery remaining-cycles:2 (current state)] -> "
       "[state:RestoreOS remaining-cycles:1]")
    md("Successfully applied power assertion")
    md("requested restore behavior: Erase")
    own("Flash mode: Don't Retain User's Data While Flashing", 0, 1)
    md_identity(L)
    md("Changing state from '(null)' to 'Restoring'")
    t_start = L.t
    own("Starting flashing", 0, 1)
    md_bb_updater_output(L, dev["bb"])
    md("amai: _AMAuthInstallBasebandCheckForParameterChange: nonce changed")
    own("Requesting baseband SHSH via network", 0, 1)
    md_personalize(L, dev, PERSO_A10[:-3], rng, win=True, digest_len=20, tmp="Per2D41.tmp", user="Admin")
    md_recovery_phase(L, dev, rng, usb="win", files=["RestoreTrustCache"])
    own("Starting micro-iOS operating system in RAM for restore.", 0, 1)
    own("The iDevice will switch to Normal mode", 0, 1)
    md("Recovery mode device disconnected with ECID: %s" % ecid, 900, 1300)
    md("Recovery mode device disconnected")
    md("Device removed when in state Restoring, moving device to transition state")
    md("Changing state from 'Restoring' to 'Transitioning'")
    own("Waiting for the iDevice to reconnect after switch mode completed. The maximum waiting time is 10 minutes.", 0, 1)
    md("Creating timer to monitor transition")
    md("Creating a timer for 10 minutes")
    L.wait(15)
    md("Muxed mode device connected with ECID: %s" % ecid)
    md("Found known device")
    md("RestoreOS mode device connected")
    own("Succeed to connect the micro-iOS operating system in RAM for restore.", 0, 1)
    md_transition_back(L)
    md_restoreos_connect(L, dev, rd, proto=14)
    M = MD(L, rd, named=True, started=True)
    M.steps(RESTORE_PREP[:5])
    M.start(0x60D, "wait_for_storage")
    for _ in range(22):
        M.op(28, -1, 9500, 11500)
        own("Waiting for NAND", 0, 1)

    def build(start):
        D = device_log(2112, start, "5>7", 6, 0)
        D.begin("RESTORED", 0x060D, "wait_for_storage", seq=19)
        D.say("entering wait_for_storage_device")
        D.say("ramrod_display_set_granular_progress: 0.000000")
        for _ in range(21):
            D.say("Searching for NAND service", 9500, 11500)
        D.say("wait_for_storage_device: timed out waiting for NAND service", 2000, 4000)
        D.fail_as("FAILURE", 28, "RESTORED", 0x060D, "wait_for_storage",
               ["wait_for_storage: unable to find storage device", "timed out waiting for NAND service"],
               results="0x1107060D:{0:28}", codes="0x1107060D:{0:28}",
               domains='0x1107060D:{0:"AMRestoreErrorDomain"}')
        D.notice("(NVRAM set) restore-step-user-progress=0 [sync=true] (first failure)")
        cleanup_after_failure(D, [
            "0: AMRestoreErrorDomain/1c: wait_for_storage: unable to find storage device",
            "1: AMRestoreErrorDomain/1c: timed out waiting for NAND service",
        ], nvram=False)
        return D

    D = device_log_ending_at(build, L.t - timedelta(hours=2) - timedelta(seconds=2))
    relay(L, D)
    md("Sending acknowledgement that final status was received", 2, 10)
    md("RestoreOS mode device disconnected", 900, 1600)
    md_transition_wait(L)
    L.wait(21)
    md("DFU mode device connected with ECID: %s" % ecid)
    md("Found known device")
    md("Canceling timer", 40, 90)
    md("Restore completed, status:4014", 20, 60)
    L.same("Elapsed time (in seconds): %d" % (L.t - t_start).total_seconds())
    L.same("Failure Description:")
    L.same("Depth:0 Code:4014 Error:Unexpected device state 'DFU' expected 'RestoreOS'")
    return L.text(), dict(
        outcome="failed", error_codes=[4014, 28], top_cause="storage", format="flash-tool",
        note="3uTools-style flash of an iPhone 6: in RestoreOS the tool shows 'Waiting for NAND' for almost "
             "four minutes; the relayed device log repeats 'Searching for NAND service', times out and fails "
             "wait_for_storage (AMRestore code 28, NAND timeout); the phone then drops to DFU and the tool "
             "ends with 4014. Unlike a bare 4014, the NAND evidence makes storage the top cause.")


def linux_discover_mode(prompt, cmd):
    L = Log(4713, datetime(2026, 4, 2, 18, 40, 0), f_plain)
    L.raw(prompt + cmd)
    L.raw("NOTE: using cached version data")
    L.raw("ERROR: Unable to discover device mode. Please make sure a device is attached.")
    L.raw(prompt)
    return L.text()


def s_idevicerestore_linux_user_no_device():
    """idevicerestore started from a Linux user's bash prompt, no sudo: no device found"""
    text = linux_discover_mode("dana@workbench:~/restore$ ",
                               "idevicerestore -e iPhone10,4_16.7.10_20H350_Restore.ipsw")
    return text, dict(
        outcome="failed", error_codes=[], top_cause="host-environment", format="idevicerestore",
        note="idevicerestore run from a Linux user's bash prompt ('user@host:dir$', not root, no sudo) "
             "stops at once with 'Unable to discover device mode': a device in DFU or recovery mode is "
             "opened through libusb, and libirecovery's udev rule gives its node to root and one group "
             "(mode 0660), so a user outside it sees no device. The computer's permissions "
             "(host-environment: run it as root or install the udev rule), not the cable.")


def s_idevicerestore_linux_sudo_no_device():
    """the same run through sudo: permissions are not the reason, the host's side still is"""
    text = linux_discover_mode("dana@workbench:~/restore$ ",
                               "sudo idevicerestore -e iPhone10,4_16.7.10_20H350_Restore.ipsw")
    return text, dict(
        outcome="failed", error_codes=[], top_cause="host-software", format="idevicerestore",
        note="The run above started through sudo: as root the USB permissions cannot be what hides the "
             "device, so the reading of a Linux user's run does not apply and the general one stands "
             "(the computer does not see the device: drivers, usbmuxd, the tool; host-software).")


# --------------------------------------------------------------------------------------------
# macOS virtual machine installs (Virtualization.framework): the device restored is the VM
# --------------------------------------------------------------------------------------------


def f_syslog(log, msg, proc=None):
    """BSD syslog as the Mac's system log prints it: `Jun  8 16:30:16 host proc[pid]: msg`"""
    t = log.t
    proc = proc or log.ctx["proc"]
    return "%s %2d %s %s %s: %s" % (t.strftime("%b"), t.day, t.strftime("%H:%M:%S"),
                                    log.ctx["host"], proc, msg)


def s_tart_vm_install_failed():
    """tart creating a macOS VM from an IPSW: 'Installing OS...' (Sources/tart/VM.swift:217 at
    5287b59), the progress in percent, Virtualization.framework's generic failure"""
    L = Log(4711, datetime(2026, 2, 3, 9, 12, 0), f_plain)
    L.raw("ci@mini-07 ~ % tart create macos-base --from-ipsw ~/Downloads/UniversalMac_15.3_24D60_Restore.ipsw --disk-size 90")
    L.raw("Installing OS...")
    for pct in (0, 8, 21, 37, 58, 71):
        L.raw("%d%%" % pct)
    L.raw("Error: An error occurred during installation. Installation failed.")
    L.raw("ci@mini-07 ~ % ")
    return L.text(), dict(
        outcome="failed", error_codes=[], top_cause="host-software", format="text",
        note="tart (a Virtualization.framework front end) creating a macOS virtual machine from an IPSW: "
             "'Installing OS...', the install's progress, then the framework's generic 'An error occurred "
             "during installation. Installation failed.' The line names no cause, so the diagnosis stays "
             "unclear, but the device restored is the virtual machine (context virtual-machine): no cable, "
             "port or device hardware, so usb-link, storage, baseband and logic-board are neither ranked nor "
             "in the checklist, and the remaining priors put the computer's software first.",
        extra=dict(context="virtual-machine", diagnosis_level="unclear"))


def s_virtualization_syslog_cut():
    """the Mac system log of a VM install: MobileDevice's restore in the installer process
    com.apple.Virtualization.Installation, cut before it ends"""
    L = Log(4712, datetime(2026, 3, 17, 14, 2, 5), f_syslog, host="studio-2",
            proc="com.apple.Virtualization.Installation[5128]")
    cds, agent = "CoreDeviceService[611]", "AMPDeviceDiscoveryAgent[598]"
    L.w("amai: AMAuthInstallBundleCopyBuildIdentityForVariant: "
        "AMAuthInstallBundleCopyBuildIdentityForVariant: Found variant: Customer Erase Install (IPSW)", 100, 400)
    L.raw("%s --- last message repeated 1 time ---" % L.lines[-1][:15])
    L.w("AMRestorableDeviceCopyPSDProbe: Failure to locate probe for [0x80200000] in IORegistry", 5, 40)
    L.w("amai: AMAuthInstallSsoInitialize: can't find SSOClient.framework", 300, 900)
    L.w("amai: AMAuthInstallBundleCopyBuildIdentityForVariant: "
        "AMAuthInstallBundleCopyBuildIdentityForVariant: Found variant: macOS Customer", 9000, 14000)
    L.w("Entered:__thr_AMRecoveryDeviceConnected, libusbrestore-device:0x0x9a1c44200", 600, 1200)
    L.same("Recovery mode device connected")
    for who, addr in ((cds, "0x0x8b3e10600"), (agent, "0x0x8c0472800")):
        L.w("Entered:_AMRecoveryDeviceConnected, libusbrestore-device:%s" % addr, 1, 20, proc=who)
        L.same("Entered:__thr_AMRecoveryDeviceConnected, libusbrestore-device:%s" % addr, proc=who)
        L.same("AMRestorableDeviceCopyPSDProbe: Failure to locate probe for [0x80200000] in IORegistry",
               proc=who)
    L.w("no value returned for BootArgs", 7000, 9000)
    L.same("_copyDeviceProperty() failed for restore bootargs")
    L.same("no value returned for MarketingPartNumber")
    L.same("_copyDeviceProperty() failed for mpn")
    for asset in (3, 4, 6, 7, 12):
        L.same("Couldn't get asset %d path, skiping to next asset." % asset)
    L.same("Can't return padding information since it's not in the Restore.plist, looking in BuildManifest.plist")
    return L.text(), dict(
        outcome="inconclusive", error_codes=[], top_cause=None, format="syslog",
        note="The Mac's system log (BSD syslog lines) while UTM or another Virtualization.framework front end "
             "installs macOS into a virtual machine: MobileDevice's restore runs in the installer process "
             "com.apple.Virtualization.Installation, chooses the build identity and sees the VM in recovery "
             "mode; CoreDeviceService and AMPDeviceDiscoveryAgent log the same device connection. The log is "
             "cut before the restore ends, and nothing in it failed: the PSD-probe and _copyDeviceProperty "
             "lines are MobileDevice's notes on absent optional properties. A restore (not no-restore-found), "
             "inconclusive, no cause; context virtual-machine.",
        extra=dict(context="virtual-machine"))


# --------------------------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------------------------

SAMPLES = [
    ("itunes-win-4013-baseband.log", s_itunes_win_4013_baseband),
    ("itunes-win-2009-usb.log", s_itunes_win_2009_usb),
    ("itunes-mac-3194-signing.log", s_itunes_mac_3194_signing),
    ("itunes-win-1013-hosts.log", s_itunes_win_1013_hosts),
    ("itunes12-win-4013-usb.log", s_itunes12_win_4013_usb),
    ("finder-4013-storage.log", s_finder_4013_storage),
    ("configurator-4014-dfu.log", s_configurator_4014_dfu),
    ("idevicerestore-disconnect-usb.log", s_idevicerestore_disconnect_usb),
    ("idevicerestore-new-baseband.log", s_idevicerestore_new_baseband),
    ("futurerestore-tss-signing.log", s_futurerestore_tss_signing),
    ("pymobiledevice3-pipe-usb.log", s_pymobiledevice3_pipe_usb),
    ("flashtool-nand-storage.log", s_flashtool_nand_storage),
    ("idevicerestore-success.log", s_idevicerestore_success),
    ("itunes-win-success.log", s_itunes_win_success),
    ("idevicerestore-linux-user-no-device.txt", s_idevicerestore_linux_user_no_device),
    ("idevicerestore-linux-sudo-no-device.txt", s_idevicerestore_linux_sudo_no_device),
    ("tart-vm-install-failed.txt", s_tart_vm_install_failed),
    ("virtualization-syslog-cut.log", s_virtualization_syslog_cut),
]


# wrapped-mail-configurator-4014.txt: build-archives.sh quotes configurator-4014-dfu.log as in an
# e-mail reply and cuts it at words to 72 columns (`fold -s -w 72`); only its expectation is here.
WRAPPED = {
    "wrapped-mail-configurator-4014": dict(
        outcome="failed", error_codes=[4014], top_cause="device-software", format="itunes-updater",
        note="configurator-4014-dfu.log quoted in an e-mail reply: '> ' on every line and every line longer "
             "than 72 columns cut at a word. The pieces are rejoined (note LA118), so the diagnosis is the "
             "original's; read line by line, the cut 'Unexpected device state' and restore-result lines leave "
             "only USB noise and the attempt inconclusive."),
}


def write_expect(out, stem, e):
    out.expect(stem, e["outcome"], e["error_codes"], e["top_cause"], e["format"], e["note"],
               e.get("extra"))


def generate(out):
    for name, fn in SAMPLES:
        text, expect = fn()
        data = text.encode("utf-8")
        assert len(data) < 200 * 1024, (name, len(data))
        out.bytes(name, data)
        write_expect(out, name.rsplit(".", 1)[0], expect)
    for stem, expect in WRAPPED.items():
        write_expect(out, stem, expect)


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:], generate))
