#!/usr/bin/env python3
"""Generate the device-side loganalyze samples (device restore logs, .ips reports,
a macOS system log, a unified-log excerpt, the sources of the sysdiagnose archive,
the repair-shop zip and the UTF-16 forum paste) and their expectations (<name>.expect.json).

Every file is written by us in the real line shapes documented in docs/log-formats.md; the
short decisive lines quoted there are reused, everything around them (noise, identifiers,
numbers) is our own.  All identifiers (ECID, UDID, serial, IMEI, e-mail, phone) are made up.
The device restore logs are written by restore_log.py, shared with host_samples.py.

The output is deterministic: every sample has its own seeded random generator and no
value depends on the clock or the machine. Run from anywhere:

    python3 samples/tools/device_samples.py           # writes samples/ and samples/src/
    python3 samples/tools/device_samples.py --check   # compares instead; exit 1 with a diff
    sh samples/tools/build-archives.sh                # builds the .tar.gz, .zip, UTF-16 and
                                                      # hard-wrapped files from them
"""

import json
import plistlib
import random
import struct
import sys

from restore_log import RestoreLog, us_of_day
from sample_files import run

SRC = "src"   # the sources of the archives and the UTF-16 file, under samples/

SYSDIAG = "sysdiagnose_2026.03.14_10-22-41-0700_iPhone-OS_iPhone_20H240"


# --------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------

OUT = None   # the sample_files.Output being written (set by generate())


def write_text(rel, text, crlf=False, root=""):
    OUT.text(root + "/" + rel if root else rel, text, crlf)


def write_bytes(rel, data, root=""):
    OUT.bytes(root + "/" + rel if root else rel, data)


def write_expect(name, outcome, codes, cause, fmt, note):
    OUT.expect(name, outcome, codes, cause, fmt, note)


def hexs(rng, n, upper=True):
    s = "".join(rng.choice("0123456789abcdef") for _ in range(n))
    return s.upper() if upper else s


def uuid(rng, upper=True):
    h = hexs(rng, 32, upper)
    return "%s-%s-%s-%s-%s" % (h[0:8], h[8:12], h[12:16], h[16:20], h[20:32])


def apple_json_escape(s):
    """Apple's JSON writer escapes '/' as '\\/'."""
    return s.replace("/", "\\/")


def jcompact(obj):
    return apple_json_escape(json.dumps(obj, separators=(",", ":"), ensure_ascii=False))


# --------------------------------------------------------------------------------------
# device restore log (restored / ramrod): restore_log.RestoreLog
# --------------------------------------------------------------------------------------

def Restored(rng, hms, ab, uptime0=0, idprefix="1103", nvram_style=False):
    """A device restore log starting at hms (GMT) plus a random 0-999 ms, stepped in whole
    milliseconds: 0-3 ms before each checkpoint and each line of text."""
    h, m, s = hms
    start = us_of_day(h, m, s, rng.randint(0, 999) * 1000)
    return RestoreLog(rng, start, ab, uptime=uptime0, prefix=idprefix, nvram=nvram_style)


def ns_dict(entries, indent=1):
    """NSDictionary -description style dump used by modern restored logs."""
    pad = "    " * indent
    out = ["{"]
    for k, v in entries:
        if isinstance(v, list):
            sub = ns_dict(v, indent + 1)
            out.append("%s%s = %s;" % (pad, k, sub))
        else:
            out.append("%s%s = %s;" % (pad, k, v))
    out.append("    " * (indent - 1) + "}")
    return "\n".join(out)


class Dev:
    def __init__(self, **kw):
        self.__dict__.update(kw)


def prelude(r, dev, previous_failed=False):
    """The MAIN part of a modern (iOS 14+) restored log."""
    r.cp("NOTICE: Image4 device: AP nonce clearable")
    r.text(["entering ramrod_clear_ap_nonce"])
    r.cp("NOTICE: AP nonce consumed")
    r.cp("NOTICE: Pre-existing NVRAM variable: auto-boot=false")
    if previous_failed:
        r.cp("NOTICE: Pre-existing NVRAM variable: restore-outcome=initial_monitor_no_return")
    r.cp("PROGRESS: START (unknown) -> (initial_engine_no_return)")
    r.cp("NOTICE: NVRAM access available on initial check")
    r.text(["restore-outcome = initial_engine_no_return",
            "executing /usr/sbin/nvram restore-outcome=initial_engine_no_return"])
    r.step("MAIN", 0x0400, "umask")
    r.step("MAIN", 0x0402, "setvbuf")
    r.begin("MAIN", 0x0403, "kernel_logger_thread")
    r.cp("END: MAIN:[0x0403] kernel_logger_thread")
    r.stack.pop()
    r.out("unable to open /dev/klog: Resource busy")
    r.state()
    r.begin("MAIN", 0x0406, "set_progress_0")
    r.text(["found display: primary",
            "display-scale = %d" % dev.scale,
            "display-rotation = 0",
            "found applelogo at /usr/share/progressui/applelogo@%dx.tga" % dev.scale,
            "display: %s" % dev.display,
            "powering on display",
            "ramrod_display_set_granular_progress: 0.000000"])
    r.progress = 0
    r.end("MAIN", 0x0406, "set_progress_0")
    r.step("MAIN", 0x0407, "start_gasgauge_thread")
    r.step("MAIN", 0x0408, "listen_for_log_client")
    r.step("MAIN", 0x040D, "create_listen_socket")
    r.step("MAIN", 0x0404, "update_root_mount")
    r.step("MAIN", 0x0405, "disable_watchdog")
    r.step("MAIN", 0x0410, "usbcretimer_dfucheck")
    r.begin("MAIN", 0x040E, "enable_usb")
    r.text(["waiting for matching IOKit service: {",
            "    IOProviderClass = AppleUSBDeviceMux;",
            "}"])
    r.wait(2.6)
    r.end("MAIN", 0x040E, "enable_usb")
    r.text(["waiting for host to trigger start of restore [timeout of 120 seconds]"])
    # benign connection chatter: the host probes the ports before it speaks the protocol
    fds = [8, 9, 10, 11, 12, 14, 15]
    for fd in fds:
        r.text(["recv(%d, 4) failed: connection closed" % fd,
                "unable to read message size: -1",
                "could not receive message"], 0, 2)
    r.wait(0.3)


def restored_common(r, dev, fdr_noise=True, previous_log=False, restore_options=None):
    """RESTORED steps before the main OS is laid down (erase install)."""
    rng = r.rng
    r.begin("RESTORED", 0x0600, "client_protocol_version")
    r.text(["client protocol version %d" % dev.protocol])
    r.end("RESTORED", 0x0600, "client_protocol_version")
    r.begin("RESTORED", 0x0601, "copy_restore_options")
    r.text(["*** UUID %s ***" % uuid(rng), "Restore options:"])
    opts = restore_options or [
        ("AutoBootDelay", "0"),
        ("BootImageType", "UserOrInternal"),
        ("CreateFilesystemPartitions", "1"),
        ("DFUFileType", "RELEASE"),
        ("FirmwareDirectory", "\".\""),
        ("FlashNOR", "1"),
        ("KernelCacheType", "Release"),
        ("NORImageType", "production"),
        ("PersonalizedDuringPreflight", "1"),
        ("RestoreBundlePath", "\"/tmp/Per%s.tmp\"" % hexs(rng, 4)),
        ("RootToInstall", "0"),
        ("SystemImageType", "User"),
        ("SystemPartitionPadding", [("8", "1280"), ("16", "1280"), ("32", "1280"),
                                    ("64", "1280"), ("128", "1280"), ("256", "1280")]),
        ("SystemPartitionSize", str(dev.syspart)),
        ("UpdateBaseband", "1" if dev.baseband else "0"),
    ]
    for l in ns_dict(opts).split("\n"):
        r.out(l)
    r.end("RESTORED", 0x0601, "copy_restore_options")
    r.step("RESTORED", 0x0655, "is_host_compatible")
    r.step("RESTORED", 0x0604, "set_weight_from_options")
    r.step("RESTORED", 0x0608, "device_has_hoover")
    r.begin("RESTORED", 0x0609, "load_sep_os")
    r.text(["entering load_sep_os",
            "device has sep - getting firmware",
            "entering copy_restore_sep",
            "got sep firmware - making call to load it",
            "entering ramrod_load_sep_os",
            "entering ramrod_execute_command_with_input_data: /usr/libexec/seputil (0x%x - %d)"
            % (0x100000000 + rng.randint(0x4000000, 0x8000000), rng.randint(4200000, 9800000)),
            "executing /usr/libexec/seputil --restore+art -",
            "waiting for child to exit"])
    r.wait(2.7)
    r.text(["child exited", "exit status: 0"])
    r.end("RESTORED", 0x0609, "load_sep_os")
    r.begin("RESTORED", 0x060B, "update_ticket")
    th = hexs(rng, 96)
    r.text(["entering ramrod_ticket_update",
            "looking up boot manifest hash",
            "crypto-hash-method found. Using SHA2-384",
            "device tree ticket_hash: %s" % th,
            "computed ticket_hash   : %s" % th,
            "received valid ticket (%d bytes)" % rng.randint(6100, 7400)])
    r.end("RESTORED", 0x060B, "update_ticket")
    r.step("RESTORED", 0x060C, "partition_nand", ["entering partition_nand_device"])
    r.step("RESTORED", 0x060D, "wait_for_storage",
           ["entering wait_for_storage_device",
            "ramrod_display_set_granular_progress: 0.000000",
            "Searching for NAND service",
            "Found NAND service: ASPStorage",
            "NAND initialized. Waiting for devnode."])
    r.step("RESTORED", 0x060E, "update_s3e_firmware")
    r.step("RESTORED", 0x060F, "clear_remap_variable",
           ["entering clear_remap_variable",
            "executing /usr/sbin/nvram -d enable-remap-mode",
            "enable-remap-mode"])
    r.step("RESTORED", 0x0610, "asp_nand_set_writable",
           ["Service name : ASPStorage", "Set ASP writable successfully"])
    probe = ["entering ramrod_probe_media",
             "entering wait_for_device: 'EmbeddedDeviceTypeRoot'",
             "Using device path /dev/disk0 for EmbeddedDeviceTypeRoot",
             "device partitioning scheme is GPT",
             "APFS Container /dev/disk0s1",
             "device is APFS formatted",
             "find_filesystem_partitions: storage=/dev/disk0 container=/dev/disk0s1 "
             "system=/dev/disk0s1s1 data=/dev/disk0s1s2 baseband data=%s log= update=/dev/disk0s1s%d "
             "xart=/dev/disk0s1s3 hardware= scratch=" % ("/dev/disk0s1s4" if dev.baseband else "",
                                                         6 if dev.baseband else 5)]
    r.step("RESTORED", 0x0611, "reprobe_storage", ["entering ramrod_reprobe_device_path"] + probe)
    r.step("RESTORED", 0x0613, "find_filesystem_partitions", probe)
    xid = rng.randint(20000, 90000)
    fsck = ["executing /System/Library/Filesystems/apfs.fs/fsck_apfs -fqy /dev/disk0s1s1",
            "nx_mount:777: Container cleanly-unmounted flag set.",
            "nx_mount:895: checkpoint search: largest xid %d, best xid %d @ %d"
            % (xid, xid, rng.randint(40, 400)),
            "Checking /dev/rdisk0s1",
            "Checking with nx_check."]
    r.begin("RESTORED", 0x0614, "mount_system_partition")
    r.text(["ramrod_display_set_granular_progress: 0.000000", "entering mount_partition"] + fsck)
    r.wait(4.2)
    r.text(["executing /System/Library/Filesystems/apfs.fs/mount_apfs -o rdonly /dev/disk0s1s1 /mnt1",
            "/dev/disk0s1s1 mounted on /mnt1",
            "System mounted read-only"])
    r.end("RESTORED", 0x0614, "mount_system_partition")
    r.step("RESTORED", 0x0654, "read_previous_os_build_version",
           ["ramrod_read_previous_os_build_version: previous OS version: %s" % dev.prev_build])
    r.step("RESTORED", 0x0615, "copy_hardware_info")
    seal = "seal-%08X-%s" % (dev.chipid, dev.ecid16)
    r.begin("RESTORED", 0x0616, "fdr_create")
    r.text(["RestoredFDRCreate() returned 1"])
    r.end("RESTORED", 0x0616, "fdr_create")
    r.begin("RESTORED", 0x0617, "fdr_save_data")
    if fdr_noise:
        # benign on an erase install: the local sealing data is read back from the device
        r.text(["_AMFDRAPTicketHasBooleanEntitlement: no ticket in options",
                "AMFDRSealingMapCreateAndPopulateSealedData: populate sealedData with sealing manifest, "
                "sealingManifestOverride : (null), forceSealing : (null), allowForbidden : (null), allowUnSeal : 0",
                "AMSupportPlatformCreateBufferFromNativeFilePath: open failed: No such file or directory",
                "AMSupportPlatformCreateBufferFromNativeFilePath: /mnt6/FactoryData//System/Library/Caches/"
                "com.apple.factorydata/%s" % seal,
                "AMFDRCreateError: AMFDRDataLocalCopy: Failed to read data: code=4",
                "AMFDRCreateError: AMFDRDataCopy: seal:%08X-%s get data failed - foundData is NULL: code=10"
                % (dev.chipid, dev.ecid16),
                "AMFDRCreateError: AMFDRSealingMapPopulateSealingManifest: sealingManifest is NULL: code=10",
                "AMFDRSealedDataRestoreOptions: sealedData is NULL",
                "failed to save FDR persistent state",
                "RestoredFDRSaveData success"])
    else:
        r.text(["RestoredFDRSaveData success"])
    r.end("RESTORED", 0x0617, "fdr_save_data")
    r.step("RESTORED", 0x0618, "store_baseband_migration")
    r.step("RESTORED", 0x0619, "check_for_restore_log",
           ["entering check_for_restore_log",
            ("found restore log (size = %d)" % rng.randint(60000, 90000)) if previous_log
            else "restore log does not exist"])
    r.begin("RESTORED", 0x061A, "check_for_ota_logs")
    r.text(["entering mount_partition",
            "executing /System/Library/Filesystems/apfs.fs/fsck_apfs -fqy /dev/disk0s1s2",
            "nx_mount:777: Container cleanly-unmounted flag set.",
            "Checking /dev/rdisk0s1",
            "Checking with nx_check."])
    r.wait(3.1)
    r.text(["executing /System/Library/Filesystems/apfs.fs/mount_apfs /dev/disk0s1s2 /mnt2",
            "/dev/disk0s1s2 mounted on /mnt2",
            "Data mounted read-write",
            "entering dump_panic_logs",
            "executing /System/Library/CoreServices/DumpPanic -r/mnt2/mobile/Library/Logs/CrashReporter",
            "entering check_for_ota_logs_with_mount_point",
            "OTA logs will be preserved through the erase install",
            "restore log does not exist"])
    r.end("RESTORED", 0x061A, "check_for_ota_logs")
    r.step("RESTORED", 0x061B, "submit_update_stats",
           ["calling UMEventShimSubmitEvents", ": start", "",
            ": ignoring call to recordPostUpdateEvent when no install is in progress", "",
            "UMEventShimSubmitEvents done"])
    r.step("RESTORED", 0x061D, "unmount_unconditionally",
           ["entering unmount_filesystems", "ramrod_display_set_granular_progress: 1.000000",
            "entering unmount_partition", "System unmounted",
            "entering unmount_partition", "Data unmounted"])
    r.progress = 1
    r.step("RESTORED", 0x064E, "clean_nand", ["entering clean_NAND"])
    r.step("RESTORED", 0x061F, "format_effaceable_storage",
           ["entering format_effaceable_storage", "effaceable storage is formatted, nothing to do"])
    r.step("RESTORED", 0x0643, "get_apfs_options")
    # main OS preparation
    r.begin("RESTORED", 0x0677, "perform_main_os_prepare")
    r.begin("(null)", 0x0F06, "init_permanent_update_volume")
    r.text(["libpartition: Creating root folder",
            "libpartition: Successfully created root Hardware folder. Proceeding to create the rest of the folder hierarchy",
            "libpartition: Successfully created Battery under /mnt4/Hardware with permissions 0700 for user root",
            "libpartition: create_update_partition_folder_hierarchy: Done creating folder hierarchy for update partition",
            "Update volume was successfully unmounted.",
            "libpartition: Deleting contents of /mnt4 succeeded."] + probe)
    r.end("(null)", 0x0F06, "init_permanent_update_volume")
    r.begin("(null)", 0x0626, "mount_filesystem")
    r.text(["restored_mount_filesystem: fsck will be attempted since this is a erase install",
            "entering unmount_filesystems",
            "Skipping unmount of the update partition",
            "ramrod_display_set_granular_progress_forced: 1.000000",
            "entering mount_filesystems",
            "Not counting data volume as required.",
            "entering mount_partition",
            "executing /sbin/mount_apfs -R /dev/disk0s1s1 /mnt1",
            "/dev/disk0s1s1 mounted on /mnt1",
            "System mounted read-write"])
    r.end("(null)", 0x0626, "mount_filesystem")
    r.end("RESTORED", 0x0677, "perform_main_os_prepare")


def asr_transfer(r, dev, checksum_fail=False, verify=True):
    """asr_and_invert_image body up to the checksum (docs/log-formats.md §1.3, idevicerestore#539)."""
    rng = r.rng
    digest = hexs(rng, 40)
    size = dev.image_bytes
    r.text(["Initial space usage: InitialDataVolumeSpaceUsed: 0 MB InitialContainerFreeSpace: %d MB"
            % dev.free_mb,
            "Current system volume stats: 100 MiB blocks, 25 MiB available, 26 MiB free",
            "restore_apfs_image : started restoring an APFS image",
            "entering mount_partition",
            "executing /sbin/mount_apfs -R /dev/disk0s1s1 /mnt1",
            "/dev/disk0s1s1 mounted on /mnt1",
            "System mounted read-write",
            "Successfully marked device node /dev/rdisk0s1s1 as static data",
            "OS digest = %s" % digest.lower(),
            "Restoring to APFS Inverter Image = /mnt1/apfs_invert_asr_img",
            "executing /usr/sbin/asr -source asr://localhost:12345 -target /mnt1/apfs_invert_asr_img "
            "--embed -erase -noprompt --chunkchecksum --puppetstrings --expectedhash %s" % digest.lower(),
            "ASR STATUS: start\t%d.%d\tmulticast-client" % (rng.randint(500, 700), rng.randint(1, 40)),
            "ASR: Waiting for connection attempt from server"])
    r.wait(1.4)
    r.text(["ASR STATUS: setup",
            "ASR: Validating target...",
            "ASR: done",
            "ASR STATUS: metadata",
            "ASR: Validating source...",
            "ASR: done",
            "ASR: Retrieving scan information...",
            "ASR: done",
            "ASR: Validating sizes...",
            "ASR: done",
            "ASR STATUS: restore"])
    gp = 1.0
    for pct in range(2, 101, 2):
        r.wait(rng.uniform(3.6, 4.4))
        r.out("ASR RESTORE PROGRESS: %d%%" % pct)
        gp = 1 + pct * 0.24
        r.tick(1, 9)
        r.out("ramrod_display_set_granular_progress_forced: %d.000000" % int(gp))
    r.progress = int(gp)
    if not verify:
        return digest
    r.text(["ASR STATUS: verify"])
    for pct in range(2, 101, 2):
        r.wait(rng.uniform(0.7, 0.9))
        r.out("ASR VERIFY PROGRESS: %d%%" % pct)
        gp = 25 + pct * 0.25
        r.tick(1, 6)
        r.out("ramrod_display_set_granular_progress_forced: %d.000000" % int(gp))
    r.progress = int(gp)
    secs = rng.uniform(36.0, 44.0)
    r.text(["ASR: Calculated SHA-1 checksum %d bytes in %.2f seconds, %.2f KiB/s"
            % (size, secs, size / 1024.0 / secs)])
    if checksum_fail:
        got = hexs(rng, 40)
        r.text(["ASR: Checksum failed.",
                "ASR: Expected %s" % digest,
                "ASR: but got %s" % got,
                "ASR STATUS: fail: checksum failure",
                "ASR: Could not restore - Inappropriate ioctl for device",
                "ASR STATUS: fail"])
    else:
        r.text(["ASR STATUS: finish", "waiting for child to exit", "child exited", "exit status: 0"])
    return digest


def installing_head(r, dev):
    r.begin("RESTORED", 0x067B, "perform_restore_installing")
    r.step("(null)", 0x0659, "find_volumes_after_format", [
        "entering ramrod_probe_media",
        "device partitioning scheme is GPT",
        "APFS Container /dev/disk0s1",
        "device is APFS formatted"])
    r.step("(null)", 0x065A, "baseband_migration_data")


def installing_middle(r, dev):
    """kernel cache + FDR preparation after the image is down."""
    rng = r.rng
    r.step("(null)", 0x0628, "install_kernel_cache")
    r.step("(null)", 0x0652, "clear_fips_data_file")
    r.step("(null)", 0x069A, "update_device_firmware_pre_fdr")
    r.step("(null)", 0x069B, "fdr_prepare", ["_AMFDRAPTicketHasBooleanEntitlement: no ticket in options"])
    r.step("(null)", 0x067D, "fdr_auto_challenge_claim", ["entering RestoredFDRAutoChallengeClaim"])


def fdr_recover_ok(r, dev):
    r.step("(null)", 0x0634, "fdr_recover",
           ["entering RestoredFDRRecover",
            "AMFDRDataApTicketIsTrusted: AMFDRDataApTicketIsTrusted returning true",
            "AMFDRSealingMapRecoverCurrentDevice: populate sealedData with sealing manifest, "
            "sealingManifestOverride : (null), forceSealing : (null), allowForbidden : (null), allowUnSeal : 0, "
            "updateDataClasses : (null), updateProperties : (null)",
            "RestoredFDRRecover success"])


def cleanup(r, failed=True):
    r.step("RESTORED", 0x0647, "cleanup_check_result")
    r.begin("RESTORED", 0x0648, "cleanup_send_final_status")
    if not failed:
        r.end("RESTORED", 0x0648, "cleanup_send_final_status")
        r.step("RESTORED", 0x0649, "cleanup_wait_status_received")


# --------------------------------------------------------------------------------------
# 1. restored-asr-checksum-firmware.log
# --------------------------------------------------------------------------------------

def sample_asr_checksum():
    rng = random.Random(1101)
    dev = Dev(model="iPad5,3", scale=2, display="1536 x 2048", protocol=15, syspart=6144,
              baseband=False, prev_build="19H370", chipid=0x7001, ecid16="000A58C21E4D7F2E",
              image_bytes=6861230080, free_mb=59288)
    r = Restored(rng, (14, 2, 17), "3>7")
    prelude(r, dev)
    restored_common(r, dev)
    installing_head(r, dev)
    r.begin("(null)", 0x065B, "asr_and_invert_image")
    asr_transfer(r, dev, checksum_fail=True)
    r.text(["ASR attempt failed. Last error from asr is (No error string returned from asr)",
            "Invalid/empty asr error string. Returning standard asr error",
            "restore_apfs_image : failed to restore an APFS image, error = 1100",
            "Unknown error(1100). Nothing to do",
            "Current system volume stats: 61015 MiB blocks, 54317 MiB available, 54317 MiB free",
            "Failed to asr image and not reattempting for erase install",
            "ASR and invert Failed"])
    chain = "[0]D(failed to restore APFS image)"
    r.fail("FAILURE", 1100, "(null)", 0x065B, "asr_and_invert_image", chain)
    r.fail("FAILURE", 1100, "RESTORED", 0x067B, "perform_restore_installing", chain)
    cleanup(r)
    write_text("restored-asr-checksum-firmware.log", r.render())
    write_expect("restored-asr-checksum-firmware", "failed", [1100], "firmware-image", "restored-device",
                 "The whole system image was streamed (ASR RESTORE PROGRESS reaches 100%) and then failed its "
                 "checksum (ASR: Checksum failed, error 1100 at asr_and_invert_image) with no transport or USB "
                 "error on the device side, so the image itself is bad: delete the cached IPSW and download it "
                 "again. The early AMFDR 'open failed' lines are benign erase-install noise.")


# --------------------------------------------------------------------------------------
# 2. restored-bbupdater-baseband.log and the device log inside two-attempts-cables.zip
# --------------------------------------------------------------------------------------

def bb_options(r, dev):
    rng = r.rng
    r.text(["create_baseband_update_options: Got imeisv: %d" % dev.imeisv,
            "baseband updater options = {",
            "    DataRoot = \"/mnt4\";",
            "    DisallowFusing = 1;",
            "    IMEISwVersion = %d;" % dev.imeisv,
            "    RemoteFSRoot = \"/mnt3\";",
            "    SystemRoot = \"/mnt9/%s\";" % hexs(rng, 96),
            "    apTicket = {length = %d, bytes = 0x30821a%s %s %s %s ... %s %s };"
            % (rng.randint(6700, 7100), hexs(rng, 2, False), hexs(rng, 8, False), hexs(rng, 8, False),
               hexs(rng, 8, False), hexs(rng, 8, False), hexs(rng, 8, False)),
            "    autoSetupEnv = 0;",
            "    disablePing = 1;",
            "    forceUpdate = 1;",
            "    restoredInternal = 0;",
            "}"])


def bb_load_stage(r, first=True):
    rng = r.rng
    base = 0x2a000000
    total = rng.randint(0x1e000, 0x26000)
    r.text(["update_baseband: requesting baseband firmware data",
            "update_baseband: received data from host (%d bytes)" % rng.randint(60000000, 90000000),
            "update_baseband: performing next update stage",
            "bbupdater: BEGIN: Perform stage at %s" % ("first" if first else "second"),
            "bbupdater: \tLoading..."])
    for pct in (23, 47, 71, 95, 100):
        r.wait(rng.uniform(0.2, 0.6))
        r.out("bbupdater: \t0x%08x of 0x%08x (%d percent)" % (base + total * pct // 100, base + total, pct))
    r.text(["bbupdater: ", "bbupdater: \tLaunching...bbupdater: \tOK",
            "bbupdater: END: Perform stage at %s" % ("first" if first else "second"),
            "send_bbupdate_status: sending baseband update status to host"])


def bb_query_ok(r):
    r.text(["update_baseband: querying baseband info",
            "bbupdater: BEGIN: Querying info at stage first",
            "bbupdater: \tBEGIN: Preparing first stage",
            "bbupdater: \t\tRequested boot mode:  kBBUBootModeNone",
            "bbupdater: \t\tCreating transport, attempts remaining 5...bbupdater: \tOK",
            "bbupdater: \tEND: Preparing first stage",
            "bbupdater: \tBEGIN: Gathering Personalization parameters...",
            "bbupdater: \tEND: Gathering Personalization parameters...",
            "bbupdater: END: Querying info at stage first"])


def bb_ping_failure(r, dev):
    """performNextStage dies because the modem stops answering pings (idevicerestore#370 shape)."""
    rng = r.rng
    r.text(["update_baseband: querying baseband info",
            "bbupdater: BEGIN: Querying info at stage second",
            "bbupdater: \tBEGIN: Preparing Second stage",
            "bbupdater: \t\tRe-configure transport for second stage.",
            "bbupdater: \tEND: Preparing Second stage",
            "bbupdater: END: Querying info at stage second",
            "update_baseband: performing next update stage",
            "bbupdater: BEGIN: Command: performNextStage"])
    for _ in range(3):
        r.wait(rng.uniform(2.8, 3.4))
        r.text(["bbupdater: \tPinging baseband...bbupdater: \tFAILED(kBBUReturnIOError)"])
    r.wait(1.1)
    r.text(["bbupdater: \tBEGIN: handleError",
            "bbupdater: \t\tFail to collect coredump after hitting fatal error: kBBUReturnIOError",
            "bbupdater: \tEND(kBBUReturnIOError): handleError",
            "bbupdater: \tHit fatal error: kBBUReturnIOError reason: Fail to ping baseband: kBBUReturnIOError",
            "bbupdater: END(kBBUReturnIOError): Command: performNextStage",
            "send_bbupdate_status: sending baseband update status to host",
            "update_baseband: calling CFNotificationCenterRemoveEveryObserver",
            "update_baseband: bbupdater error: The operation couldn\\U2019t be completed. "
            "(BBUpdater error 3 - Fail to ping baseband: kBBUReturnIOError)",
            "Update[Baseband] error - The operation couldn\\U2019t be completed. "
            "(RamrodErrorDomain error 1004 - update_baseband: failed to perform next stage)"])


def bb_transport_failure(r, dev):
    """The retry cannot even open the transport (Legacy-iOS-Kit#362 shape)."""
    rng = r.rng
    r.text(["update_baseband: querying baseband info",
            "bbupdater: BEGIN: Querying info at stage first",
            "bbupdater: \tBEGIN: Preparing first stage",
            "bbupdater: \t\tRequested boot mode:  kBBUBootModeNone"])
    for left in range(5, -1, -1):
        r.wait(rng.uniform(1.9, 2.3))
        r.out("bbupdater: \t\tCreating transport, attempts remaining %d...bbupdater: \tFAILED(kBBUReturnIOError)"
              % left)
        if left:
            r.tick(2, 9)
            r.out("bbupdater: \t\tpowercycling modem ")
    r.text(["bbupdater: \tEND(kBBUReturnFailCreateTransportFirst): Preparing first stage",
            "bbupdater: END(kBBUReturnFailCreateTransportFirst): Querying info at stage first",
            "send_bbupdate_status: sending baseband update status to host",
            "update_baseband: calling CFNotificationCenterRemoveEveryObserver",
            "update_baseband: bbupdater error: The operation couldn\\U2019t be completed. "
            "(BBUpdater error 50 - Failed creating a communication transport to baseband.)",
            "Update[Baseband] error - The operation couldn\\U2019t be completed. "
            "(RamrodErrorDomain error 1004 - update_baseband: failed to query baseband info)"])


def baseband_restore(rng, dev, hms, ab, second_failure="transport"):
    r = Restored(rng, hms, ab)
    prelude(r, dev, previous_failed=dev.previous_failed)
    restored_common(r, dev, previous_log=dev.previous_failed)
    installing_head(r, dev)
    r.begin("(null)", 0x065B, "asr_and_invert_image")
    asr_transfer(r, dev)
    r.end("(null)", 0x065B, "asr_and_invert_image")
    installing_middle(r, dev)
    fdr_recover_ok(r, dev)
    r.begin("(null)", 0x0635, "update_device_firmware")
    r.skip_seq(13)
    r.progress = 54
    r.begin("FIRMWARE", 0x1303, "update_baseband")
    r.text(["entering update_baseband",
            "ramrod_display_set_granular_progress_forced: 54.000000",
            "bbupdater: %d.%03d[0.4294967295]BBUpdaterExtreme::: BBUpdater Version: "
            "BBU_PROJECT_VERSION-BBU_BUILD_INFO" % (dev.epoch, rng.randint(0, 999)),
            "update_baseband: registering for progress notifications"])
    bb_options(r, dev)
    bb_query_ok(r)
    bb_load_stage(r)
    bb_ping_failure(r, dev)
    chain1 = ("[0]D(update_baseband: failed to perform next stage)[1]D(Fail to ping baseband: "
              "kBBUReturnIOError)[2]D(Fail to create transport\n)")
    r.fail("IMMED_RETRY", -1, "FIRMWARE", 0x1303, "update_baseband", chain1, codeval=1004,
           domain="RamrodErrorDomain", code_prefix="1104")
    r.wait(2.0)
    r.text(["entering update_baseband",
            "ramrod_display_set_granular_progress_forced: 54.000000",
            "update_baseband: registering for progress notifications"])
    bb_options(r, dev)
    if second_failure == "transport":
        bb_transport_failure(r, dev)
        chain2 = ("[0]D(update_baseband: failed to query baseband info)[1]D(Failed creating a "
                  "communication transport to baseband.)")
    else:
        bb_query_ok(r)
        bb_ping_failure(r, dev)
        chain2 = ("[0]D(update_baseband: failed to perform next stage)[1]D(Fail to ping baseband: "
                  "kBBUReturnIOError)")
    r.fail("FAILURE", -1, "FIRMWARE", 0x1303, "update_baseband", chain2, codeval=1004,
           domain="RamrodErrorDomain", code_prefix="1104")
    r.fail("FAILURE", -1, "(null)", 0x0635, "update_device_firmware", chain2, codeval=1004,
           domain="RamrodErrorDomain", code_prefix="1104")
    r.fail("FAILURE", -1, "RESTORED", 0x067B, "perform_restore_installing", chain2, codeval=1004,
           domain="RamrodErrorDomain", code_prefix="1104")
    cleanup(r)
    return r


def sample_bbupdater():
    rng = random.Random(1303)
    dev = Dev(model="iPhone9,1", scale=2, display="750 x 1334", protocol=15, syspart=5888,
              baseband=True, prev_build="19H384", chipid=0x8010, ecid16="001B29E43C7A0D2E",
              image_bytes=6174015488, free_mb=28911, imeisv=39, epoch=1741271102,
              previous_failed=False)
    r = baseband_restore(rng, dev, (18, 4, 51), "4>6", "transport")
    write_text("restored-bbupdater-baseband.log", r.render())
    write_expect("restored-bbupdater-baseband", "failed", [1004], "baseband", "restored-device",
                 "iPhone 7 (iPhone9,1): update_baseband first ends IMMED_RETRY after 'Fail to ping baseband: "
                 "kBBUReturnIOError' (BBUpdater error 3), and the retry cannot even create a transport to the "
                 "modem (BBUpdater error 50, RamrodErrorDomain 1004): the baseband does not answer, a board-level "
                 "fault. The checkpoint result itself is -1, which is not an error code.")


# --------------------------------------------------------------------------------------
# 3. restored-fdr-53-logicboard.log
# --------------------------------------------------------------------------------------

def sample_fdr53():
    rng = random.Random(5353)
    dev = Dev(model="iPhone10,5", scale=3, display="1242 x 2208", protocol=15, syspart=7168,
              baseband=True, prev_build="20H343", chipid=0x8015, ecid16="00093A61C24E802E",
              image_bytes=7394557952, free_mb=57102)
    r = Restored(rng, (11, 18, 3), "3>6")
    prelude(r, dev, previous_failed=True)
    restored_common(r, dev, previous_log=True)
    installing_head(r, dev)
    r.begin("(null)", 0x065B, "asr_and_invert_image")
    asr_transfer(r, dev)
    r.end("(null)", 0x065B, "asr_and_invert_image")
    installing_middle(r, dev)
    r.progress = 54
    r.begin("(null)", 0x0634, "fdr_recover")
    seal = "%08X-%s" % (dev.chipid, dev.ecid16)
    date = "Sat, 07 Mar 2026 11:22:3%d GMT" % rng.randint(0, 4)
    r.text(["entering RestoredFDRRecover",
            "AMFDRDataApTicketIsTrusted: AMFDRDataApTicketIsTrusted returning true",
            "AMFDRSealingMapRecoverCurrentDevice: populate sealedData with sealing manifest, "
            "sealingManifestOverride : (null), forceSealing : (null), allowForbidden : (null), allowUnSeal : 0, "
            "updateDataClasses : (null), updateProperties : (null)",
            "AMSupportPlatformCreateBufferFromNativeFilePath: open failed: No such file or directory",
            "AMSupportPlatformCreateBufferFromNativeFilePath: /mnt6/FactoryData//System/Library/Caches/"
            "com.apple.factorydata/seal-%s" % seal,
            "AMFDRCreateError: AMFDRDataLocalCopy: Failed to read data: code=4"])
    r.wait(1.9)
    r.text(["_AMFDRHttpLogResponse: header count=7 status=403",
            "_AMFDRHttpLogResponse: Server: Apple",
            "_AMFDRHttpLogResponse: Strict-Transport-Security: max-age=31536000; includeSubdomains",
            "_AMFDRHttpLogResponse: x-fdr-message: Error retrieving device cert",
            "_AMFDRHttpLogResponse: Date: %s" % date,
            "_AMFDRHttpLogResponse: X-Frame-Options: SAMEORIGIN",
            "_AMFDRHttpLogResponse: Content-Length: 61",
            "_AMFDRHttpLogResponse: Connection: keep-alive",
            "_AMFDRHttpMessageSendSync: vvvvvvvvvvvvvvvvvvvvvvvvv END httpResponse vvvvvvvvvvvvvvvvvvvvvvvvv",
            "AMFDRCreateError: _AMFDRHttpHandleHeaderMessage: _AMFDRHttpHandleHeaderMessage returned status 403. "
            "x-fdr-message: 'Error retrieving device cert': code=403",
            "AMFDRCreateError: _AMFDRPermissionsRequest: AMFDRPermissionsRequest failed: code=8",
            "AMFDRCreateError: AMFDRDataCopy: seal:%s get data failed - foundData is NULL: code=10" % seal,
            "AMFDRCreateError: AMFDRSealingMapPopulateSealingManifest: sealingManifest is NULL: code=10",
            "AMFDRCreateError: AMFDRSealingMapRecoverCurrentDevice: AMFDRSealingMapPopulateSealingManifest "
            "failed on amfdrRemote: code=10",
            "AMFDRDataRecoverCurrentDevice(sealData=false) failed, errCode=10",
            "0: AMFDRError/a: AMFDRSealingMapPopulateSealingManifest failed on amfdrRemote",
            "1: AMFDRError/a: sealingManifest is NULL",
            "2: AMFDRError/a: seal:%s get data failed - foundData is NULL" % seal,
            "3: AMFDRError/8: AMFDRDataHTTPLoadPersistent failed",
            "4: AMFDRError/c: Permissions request failed.",
            "5: AMFDRError/8: _AMFDRSavePersistentData failed",
            "6: AMFDRError/8: AMFDRPermissionsRequest failed",
            "7: AMFDRError/193: _AMFDRHttpHandleHeaderMessage returned status 403. x-fdr-message: "
            "'Error retrieving device cert'"])
    # restored truncates long error chains from the front, as in idevicerestore#352
    chain = ("HTTPLoadPersistent failed)[6]D(Permissions request failed.)[7]D(_AMFDRSavePersistentData failed)"
             "[8]D(AMFDRPermissionsRequest failed)[9]D(_AMFDRHttpHandleHeaderMessage returned status 403. "
             "x-fdr-message: 'Error retrieving device cert')")
    r.fail("FAILURE", 53, "(null)", 0x0634, "fdr_recover", chain)
    r.fail("FAILURE", 53, "RESTORED", 0x067B, "perform_restore_installing", chain)
    cleanup(r)
    write_text("restored-fdr-53-logicboard.log", r.render())
    write_expect("restored-fdr-53-logicboard", "failed", [53], "logic-board", "restored-device",
                 "fdr_recover fails with 53 (FDR failure) because Apple's FDR server answers 403 "
                 "'Error retrieving device cert' for this board's sealing data: the factory data does not "
                 "match the board (typical after a board or SoC swap), a hardware/board-identity problem, "
                 "not a transfer or host problem.")


# --------------------------------------------------------------------------------------
# 11. restored-success.log
# --------------------------------------------------------------------------------------

def sample_success():
    rng = random.Random(1111)
    dev = Dev(model="iPhone13,2", scale=3, display="1170 x 2532", protocol=15, syspart=9216,
              baseband=True, prev_build="22C152", chipid=0x8101, ecid16="001C45A97E3B002E",
              image_bytes=9312583680, free_mb=117320)
    r = Restored(rng, (9, 31, 40), "3>7")
    prelude(r, dev)
    restored_common(r, dev)
    installing_head(r, dev)
    r.begin("(null)", 0x065B, "asr_and_invert_image")
    asr_transfer(r, dev)
    r.end("(null)", 0x065B, "asr_and_invert_image")
    installing_middle(r, dev)
    fdr_recover_ok(r, dev)
    r.begin("(null)", 0x0635, "update_device_firmware")
    r.skip_seq(11)
    r.progress = 55
    r.begin("FIRMWARE", 0x1303, "update_baseband")
    r.text(["entering update_baseband",
            "ramrod_display_set_granular_progress_forced: 55.000000",
            "update_baseband: registering for progress notifications"])
    dev.imeisv = 12
    bb_options(r, dev)
    bb_query_ok(r)
    bb_load_stage(r, first=True)
    r.wait(3.0)
    bb_load_stage(r, first=False)
    r.text(["update_baseband: calling CFNotificationCenterRemoveEveryObserver"])
    r.end("FIRMWARE", 0x1303, "update_baseband")
    r.end("(null)", 0x0635, "update_device_firmware")
    r.progress = 60
    r.step("(null)", 0x0668, "update_firmware_post_sealing")
    r.end("RESTORED", 0x067B, "perform_restore_installing")
    r.progress = 100
    cleanup(r, failed=False)
    write_text("restored-success.log", r.render())
    write_expect("restored-success", "succeeded", [], None, "restored-device",
                 "Every checkpoint that begins also ends, including perform_restore_installing and the "
                 "cleanup_* steps, and there is no CHECKPOINT FAILURE: a complete restore. The AMFDR "
                 "'open failed' and recv() 'connection closed' lines are normal noise.")


# --------------------------------------------------------------------------------------
# 4. restored-html-escaped-storage.txt  (iPhone 6, iOS 10.2.1, HFS+, pasted into a GitHub issue)
# --------------------------------------------------------------------------------------

def fsck_hfs_ok(vol, dev_node):
    return ["executing /sbin/fsck_hfs -fdy %s" % dev_node,
            "journal_replay(%s) returned 0" % dev_node,
            "** %s" % dev_node.replace("/dev/disk", "/dev/rdisk"),
            "\tUsing cacheBlockSize=32K cacheTotalBlock=4000 cacheSize=128000K.",
            "   Executing fsck_hfs (version hfs-366.30.3).",
            "** Checking Journaled HFS Plus volume.",
            "** Detected a case-sensitive volume.",
            "   The volume name is %s" % vol,
            "** Checking extents overflow file.",
            "** Checking catalog file.",
            "** Checking multi-linked files.",
            "** Checking catalog hierarchy.",
            "** Checking extended attributes file.",
            "** Checking volume bitmap.",
            "** Checking volume information.",
            "** The volume %s appears to be OK." % vol,
            "\tCheckHFS returned 0, fsmodified = 0"]


def sample_html_storage():
    rng = random.Random(606)
    r = Restored(rng, (18, 21, 44), "5>9", uptime0=3, idprefix="1003", nvram_style=True)

    def syslog(msg):
        # the kernel lines restored relays, with the device's local wall clock
        hr, mnt, sec = r.clock()
        hr = (hr + 1) % 24
        r.tick(0, 2)
        r.out("SYSLOG: Mar  4 %02d:%02d:%02d localhost kernel[0] <Notice>: %s" % (hr, mnt, sec, msg))

    r.out("SYSLOG: Mar  4 19:21:41 localhost bootlog[0] <Notice>: BOOT_TIME 1488651701 %d" % rng.randint(100000, 999999))
    r.step("MAIN", 0x0400, "umask")
    r.step("MAIN", 0x0402, "setvbuf")
    r.begin("MAIN", 0x0403, "kernel_logger_thread")
    r.cp("END: MAIN:[0x0403] kernel_logger_thread")
    r.stack.pop()
    r.out("unable to open /dev/klog: Resource busy")
    r.state()
    r.begin("MAIN", 0x0406, "set_progress_0")
    r.text(["found display: primary", "display-scale = 2", "display-rotation = 0",
            "found applelogo at /usr/share/progressui/applelogo@2x.tga", "display: 750 x 1334",
            "powering on display", "ramrod_display_set_granular_progress: 0.000000"])
    r.progress = 0
    r.end("MAIN", 0x0406, "set_progress_0")
    r.step("MAIN", 0x0407, "start_gasgauge_thread")
    r.step("MAIN", 0x0408, "listen_for_log_client")
    r.step("MAIN", 0x040D, "create_listen_socket")
    r.step("MAIN", 0x0404, "update_root_mount")
    r.step("MAIN", 0x0405, "disable_watchdog")
    r.begin("MAIN", 0x040E, "enable_usb")
    r.text(["waiting for matching IOKit service: <CFBasicHash 0x%x [0x%x]>{type = mutable dict, count = 1,"
            % (0x14d6a2000 + rng.randint(0, 0xfff0), 0x1a1d0bb68),
            "entries =>",
            "\t0 : <CFString 0x%x [0x1a1d0bb68]>{contents = \"IOProviderClass\"} = <CFString 0x%x [0x1a1d0bb68]>"
            "{contents = \"AppleUSBDeviceMux\"}" % (0x1a1a3c260, 0x14d6a2040),
            "}", ""])
    r.wait(3.0)
    r.end("MAIN", 0x040E, "enable_usb")
    r.text(["waiting for host to trigger start of restore [timeout of 120 seconds]"])
    for fd in (8, 10, 11, 9):
        r.text(["recv(%d, 4) failed: connection closed" % fd, "unable to read message size: -1",
                "could not receive message"])
    r.begin("RESTORED", 0x0600, "client_protocol_version")
    r.text(["client protocol version 13"])
    r.end("RESTORED", 0x0600, "client_protocol_version")
    r.begin("RESTORED", 0x0601, "copy_restore_options")
    cf = "[0x1a1d0bb68]"
    r.text(["*** UUID %s ***" % uuid(rng), "Restore options:",
            "\tCreateFilesystemPartitions     => <CFBoolean 0x1a1d0c0a0 %s>{value = true}" % cf,
            "\tMinimumSystemPartition         => <CFNumber 0xb000000000007d03 %s>{value = +2000, type = kCFNumberSInt64Type}" % cf,
            "\tUUID                           => <CFString 0x14d5a1e20 %s>{contents = \"%s\"}" % (cf, uuid(rng)),
            "\tSystemPartitionSize            => <CFNumber 0xb000000000007d03 %s>{value = +2000, type = kCFNumberSInt64Type}" % cf,
            "\tUpdateBaseband                 => <CFBoolean 0x1a1d0c0a0 %s>{value = true}" % cf,
            "\tPersonalizedDuringPreflight    => <CFBoolean 0x1a1d0c0a0 %s>{value = true}" % cf])
    r.end("RESTORED", 0x0601, "copy_restore_options")
    r.step("RESTORED", 0x0604, "set_weight_from_options")
    r.step("RESTORED", 0x0608, "device_has_hoover")
    r.begin("RESTORED", 0x0609, "load_sep_os")
    r.text(["entering load_sep_os", "device has sep - getting firmware", "entering copy_restore_sep",
            "got sep firmware - making call to load it", "entering ramrod_load_sep_os",
            "executing /usr/libexec/seputil --restore+art -", "waiting for child to exit"])
    r.wait(2.4)
    r.text(["child exited", "exit status: 0"])
    r.end("RESTORED", 0x0609, "load_sep_os")
    th = hexs(rng, 40)
    r.step("RESTORED", 0x060B, "update_ticket",
           ["entering ramrod_ticket_update", "looking up boot manifest hash",
            "crypto-hash-method found. Using SHA1", "device tree ticket_hash: %s" % th,
            "computed ticket_hash   : %s" % th, "received valid ticket (%d bytes)" % rng.randint(4800, 5400)])
    r.step("RESTORED", 0x060C, "partition_nand", ["entering partition_nand_device"])
    r.step("RESTORED", 0x060D, "wait_for_storage",
           ["entering wait_for_storage_device", "ramrod_display_set_granular_progress: 0.000000",
            "Searching for NAND service", "Found NAND service: ASPStorage",
            "NAND initialized. Waiting for devnode."])
    r.step("RESTORED", 0x060F, "clear_remap_variable",
           ["entering clear_remap_variable", "executing /usr/sbin/nvram -d enable-remap-mode",
            "enable-remap-mode"])
    r.step("RESTORED", 0x0610, "asp_nand_set_writable",
           ["Service name : ASPStorage", "Set ASP writable successfully"])
    probe = ["entering ramrod_probe_media", "device partitioning scheme is GPT",
             "LwVM partition /dev/disk0s1", "device is LwVM formatted",
             "find_filesystem_partitions: storage=/dev/disk0 system=/dev/disk0s1s1 data=/dev/disk0s1s2 "
             "baseband data=/dev/disk0s1s3 log="]
    r.step("RESTORED", 0x0611, "reprobe_storage", ["entering ramrod_reprobe_device_path"] + probe)
    r.step("RESTORED", 0x0613, "find_filesystem_partitions", probe)
    r.begin("RESTORED", 0x0614, "mount_system_partition")
    r.text(["ramrod_display_set_granular_progress: 0.000000", "entering mount_partition"]
           + fsck_hfs_ok("System", "/dev/disk0s1s1"))
    r.wait(5.5)
    r.text(["executing /sbin/mount_hfs -o ro /dev/disk0s1s1 /mnt1",
            "/dev/disk0s1s1 mounted on /mnt1", "System mounted read-only"])
    r.end("RESTORED", 0x0614, "mount_system_partition")
    r.step("RESTORED", 0x0654, "read_previous_os_build_version",
           ["ramrod_read_previous_os_build_version: previous OS version: 14C92"])
    r.step("RESTORED", 0x0615, "copy_hardware_info")
    r.step("RESTORED", 0x0616, "fdr_create", ["RestoredFDRCreate() returned 1"])
    r.step("RESTORED", 0x0617, "fdr_save_data", ["RestoredFDRSaveData success"])
    r.step("RESTORED", 0x0618, "store_baseband_migration")
    r.step("RESTORED", 0x0619, "check_for_restore_log",
           ["entering check_for_restore_log", "found restore log (size = %d)" % rng.randint(40000, 70000)])
    r.begin("RESTORED", 0x061A, "check_for_ota_logs")
    r.text(["entering mount_partition", "executing /sbin/fsck_hfs -fdy /dev/disk0s1s2"])
    syslog("disk0s1s2: I/O error.")
    r.text(["journal_replay(/dev/disk0s1s2) returned 5",
            "** /dev/rdisk0s1s2",
            "\tUsing cacheBlockSize=32K cacheTotalBlock=4000 cacheSize=128000K.",
            "   Executing fsck_hfs (version hfs-366.30.3).",
            "** Checking Journaled HFS Plus volume.",
            "** Detected a case-sensitive volume.",
            "   The volume name is Data",
            "** Checking extents overflow file.",
            "** Checking catalog file."])
    for _ in range(3):
        r.wait(rng.uniform(1.5, 4.0))
        syslog("disk0s1s2: I/O error.")
    node = rng.randint(20000, 40000)
    r.text(["   Invalid node structure",
            "(4, %d)" % node,
            "** Rebuilding catalog B-tree."])
    r.wait(6.2)
    syslog("disk0s1s2: I/O error.")
    r.text(["   Invalid key length",
            "(4, %d)" % (node + rng.randint(3, 90)),
            "** The volume Data could not be repaired.",
            "\tCheckHFS returned 8, fsmodified = 1",
            "fsck failed on /dev/disk0s1s2"])
    syslog("disk0s1s2: I/O error.")
    r.text(["executing /sbin/mount_hfs /dev/disk0s1s2 /mnt2",
            "mount_hfs: Input/output error",
            "mount of /dev/disk0s1s2 on /mnt2 failed: 5",
            "unable to mount data partition"])
    chain = "[0]D(fsck failed on /dev/disk0s1s2)[1]D(unable to mount data partition)"
    r.fail("FAILURE", 6, "RESTORED", 0x061A, "check_for_ota_logs", chain)
    r.step("RESTORED", 0x0647, "cleanup_check_result")
    r.begin("RESTORED", 0x0648, "cleanup_send_final_status")
    device_log = r.lines

    def esc(line):
        return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    out = []
    out += ["### Status: Disk Failure on iPhone 6 (iPhone7,2) restoring 10.2.1 with saved blobs",
            "",
            "Device: iPhone 6 (iPhone7,2, n61ap), ECID 0x3a71c49e2b08, was on 10.2 (14C92), restoring 10.2.1 (14D27).",
            "futurerestore from the latest release, macOS 10.12.3, tried two cables and two ports.",
            "Command: `./futurerestore -t %d_iPhone7,2_n61ap_10.2.1-14D27_%s.shsh2 --latest-baseband "
            "iPhone_4.7_10.2.1_14D27_Restore.ipsw`" % (0x3a71c49e2b08, hexs(rng, 40, False)),
            "It always stops at the same point:",
            "",
            "> Got status message",
            "> Status: Disk Failure",
            "> Log is available:",
            "",
            "Before this the phone was stuck on the Apple logo and rebooted every few minutes.",
            "Full output below (the device log part is what it printed after \"Log is available\").",
            "",
            "```",
            "Waiting for NAND (28)",
            "[==================================================] 100.0%",
            "Checking filesystems (15)",
            "Got status message",
            "Status: Disk Failure",
            "Log is available:"]
    out += [esc(l) for l in device_log]
    out += ["",
            "ERROR: Unable to successfully restore device",
            "ERROR: Unable to restore device",
            "Done: restoring failed.",
            "```",
            "",
            "> Status: Disk Failure",
            "",
            "Is this the NAND? The restore never gets to the filesystem restore step."]
    text = "\n".join(out) + "\n"
    write_text("restored-html-escaped-storage.txt", text, crlf=True)
    write_expect("restored-html-escaped-storage", "failed", [6], "storage", "restored-device",
                 "A device restore log pasted from a GitHub issue page (HTML-escaped {5&gt;9}, Markdown fence, "
                 "'> ' quotes, CRLF): fsck_hfs cannot repair the Data volume while the kernel reports "
                 "'disk0s1s2: I/O error.', then mount fails and check_for_ota_logs ends FAILURE:6 with "
                 "'Status: Disk Failure' - a storage (NAND) fault.")


# --------------------------------------------------------------------------------------
# Windows iTunes "iPhone Updater Logs" (docs/log-formats.md §1.1)
# --------------------------------------------------------------------------------------

class HostLog:
    """style 'gen1': `YYYY-MM-DD HH:MM:SS.mmm [PID:TID]: msg` (Windows iTunes, MobileDevice of that
    generation); style 'gen3': `[HH:MM:SS.ffff] msg` (iTunes 12.x / MobileDevice)."""

    def __init__(self, rng, style, date, hms, pid=None):
        self.rng = rng
        self.style = style
        self.date = date
        h, m, s = hms
        self.t = ((h * 60 + m) * 60 + s) * 10000 + rng.randint(0, 9999)   # 1/10 ms
        self.pid = pid
        self.t_start = self.t
        self.lines = []

    def wait(self, seconds):
        self.t += int(seconds * 10000)

    def tick(self, lo=1, hi=40):
        self.t += self.rng.randint(lo, hi)

    def prefix(self, tid):
        t = self.t
        frac = t % 10000
        s = (t // 10000) % 60
        m = (t // 600000) % 60
        h = (t // 36000000) % 24
        if self.style == "gen3":
            return "[%02d:%02d:%02d.%04d] " % (h, m, s, frac)
        return "%s %02d:%02d:%02d.%03d [%d:%x]: " % (self.date, h, m, s, frac // 10, self.pid, tid)

    def l(self, msg, tid, lo=1, hi=40):
        self.tick(lo, hi)
        self.lines.append(self.prefix(tid) + msg)

    def render(self):
        return "\n".join(self.lines) + "\n"


def itunes_restore(h, rng, dev, tids, radio_error_after=False, dfu_first=False):
    """One Windows iTunes restore that reaches update_baseband (op 19) and ends 4013."""
    main, usb, rst = tids
    recov = "%016X" % (0x1E300000000 + rng.randint(0, 0xFFFFFFF) * 16)
    restore = "%016X" % (0x2A100000000 + rng.randint(0, 0xFFFFFFF) * 16)
    ibss_path = ("\\\\?\\USB#VID_05AC&PID_1281#CPID:%04X_CPRV:11_CPFM:03_SCEP:01_BDID:%02X_ECID:%s_IBFL:3C_"
                 "SRTG:[iBoot-%s]#{ed82a167-d61a-4af6-9ab6-11e52236c576}"
                 % (dev.chipid, dev.bdid, dev.ecid16, dev.iboot))
    h.l("restore library built %s" % dev.libbuilt, main)
    h.l("iTunes: iTunes %s" % dev.itunes, main, 0, 2)
    h.l("iTunes: Software payload version: %s" % dev.build, main, 0, 2)
    h.wait(0.4)
    if dfu_first:
        dfu = "%08X" % rng.randint(0x01000000, 0x0FFFFFFF)
        dfu_path = ("\\\\?\\USB#VID_05AC&PID_1227#CPID:%04X_CPRV:11_CPFM:03_SCEP:01_BDID:%02X_ECID:%s_IBFL:3C_"
                    "SRTG:[iBoot-2696.0.0.1.33]#{b8085869-feee-4347-8a8f-0e3b1b0e6f4b}"
                    % (dev.chipid, dev.bdid, dev.ecid16))
        h.l("WinAMRestore::OnInterfaceArrival: %s" % dfu_path, usb)
        h.l("<DFU Device %s>: production fused device" % dfu, usb)
        for _ in range(2):
            h.l("<DFU Device %s>: operation 4 progress -1" % dfu, usb, 3000, 9000)
        h.l("<DFU Device %s>: DFU succeeded" % dfu, usb, 2000, 5000)
        h.l("WinAMRestore::OnInterfaceRemoval: %s" % dfu_path, usb, 1000, 3000)
        h.wait(rng.uniform(4.0, 7.0))
    h.l("WinAMRestore::OnInterfaceArrival: %s" % ibss_path, usb)
    h.l("<Recovery Mode Device %s>: iBoot build-version = iBoot-%s" % (recov, dev.iboot), usb)
    h.l("<Recovery Mode Device %s>: iBoot build-style = RELEASE" % recov, usb, 0, 3)
    h.l("<Recovery Mode Device %s>: ProductType = %s" % (recov, dev.model), usb, 0, 3)
    h.l("<Recovery Mode Device %s>: HardwareModel = %s" % (recov, dev.hwmodel), usb, 0, 3)
    # the benign stall of an unset iBoot variable (docs/log-formats.md §1.1 false-positive warning)
    h.l("AMDeviceIoControl: pipe stall", usb, 200, 600)
    h.l("USBControlTransfer: error 31, usbd status c0000004", usb, 0, 1)
    h.l("command device request for 'getenv radio-error' failed: 2008", usb, 0, 1)
    h.l("radio-error not set", usb, 0, 1)
    h.l("<Recovery Mode Device %s>: production fused device" % recov, usb)
    h.l("requested restore behavior: Erase", main)
    h.l("amai: AMAuthInstallRequestSendSync: SSO function returned NULL and no SSO token was provided, SSO disabled.", main)
    tmp = "Per%s.tmp" % hexs(rng, 4)
    h.l("amai: AMAuthInstallDebugWriteObject: debug object written: file://localhost/C:/Users/%s/AppData/Local/Temp/"
        "%s/amai/debug/tss-request.plist" % (dev.winuser, tmp), main)
    h.l("amai: tss_submit_job_with_retry: TSS Connection attempt 1 of 3.  (Will retry if TSS_ERR_SERVER_NOT_REACHABLE.)", main)
    h.wait(0.9)
    h.l("amai: tss_submit_job: HttpQueryInfo returned 200", main)
    h.l("amai: AMAuthInstallRequestSendSync: received tss response (server version: 2.1.0)", main)
    h.l("amai: AMAuthInstallDebugWriteObject: debug object written: file://localhost/C:/Users/%s/AppData/Local/Temp/"
        "%s/amai/debug/tss-response.plist" % (dev.winuser, tmp), main)
    for entry in ("Diags", "Ap,SystemVolumeCanonicalMetadata", "ftap", "ftsp", "rfta", "rfts"):
        h.l("amai: _AMAuthInstallBundleCreateServerRequestDictionary: entry \"%s\" not part of manifest, skipping"
            % entry, main, 2, 30)
    for _ in range(6):
        h.l("<Recovery Mode Device %s>: operation 4 progress -1" % recov, usb, 500, 4000)
    h.l("<Recovery Mode Device %s>: Recovery mode succeeded" % recov, usb, 2000, 6000)
    h.l("WinAMRestore::OnInterfaceRemoval: %s" % ibss_path, usb, 4000, 9000)
    h.wait(rng.uniform(14.0, 19.0))
    h.l("WinAMRestore::OnInterfaceArrival: \\\\?\\USB#VID_05AC&PID_12A8#%s#{a5dcbf10-6530-11d2-901f-00c04fb951ed}"
        % dev.udid, usb)

    def op(n, pct):
        h.l("<Restore Device %s>: operation %d progress %d" % (restore, n, pct), rst, 200, 9000)

    def cpd(cid):
        h.l("Completed checkpoint id: 0x%X" % cid, rst, 5, 400)

    for cid in (0x600, 0x601, 0x655, 0x604, 0x608):
        cpd(cid)
    op(35, -1)
    cpd(0x609)
    op(28, -1)
    for cid in (0x60B, 0x60C, 0x60D, 0x60F, 0x610, 0x611, 0x613):
        cpd(cid)
    op(15, -1)
    h.wait(rng.uniform(3.0, 6.0))
    op(16, -1)
    for cid in (0x614, 0x654, 0x615, 0x616, 0x617, 0x618, 0x619, 0x61A, 0x61B, 0x61D):
        cpd(cid)
    op(11, -1)
    op(12, -1)
    for cid in (0x64E, 0x61F, 0x643, 0xF06, 0x626, 0x677, 0x659, 0x65A):
        cpd(cid)
    op(13, 0)
    for pct in range(1, 101):
        h.wait(rng.uniform(1.6, 2.4))
        op(13, pct)
    op(14, 0)
    for pct in range(5, 101, 5):
        h.wait(rng.uniform(1.6, 2.4))
        op(14, pct)
    cpd(0x65B)
    op(27, -1)
    for cid in (0x628, 0x652, 0x69A, 0x69B, 0x67D, 0x634):
        cpd(cid)
    op(18, -1)
    op(57, -1)
    # baseband personalisation, then the baseband update that never finishes
    h.l("amai: tss_submit_job_with_retry: TSS Connection attempt 1 of 3.  (Will retry if TSS_ERR_SERVER_NOT_REACHABLE.)", main)
    h.wait(0.7)
    h.l("amai: tss_submit_job: HttpQueryInfo returned 200", main)
    h.l("amai: AMAuthInstallRequestSendSync: received tss response (server version: 2.1.0)", main)
    op(48, -1)
    op(49, -1)
    op(19, -1)
    for pct in (0, 10, 23, 47, 71, 95, 100):
        h.wait(rng.uniform(0.3, 0.9))
        op(19, pct)
    op(19, -1)
    # the device is silent while bbupdater retries, then restored gives up and the device reboots
    h.wait(rng.uniform(28.0, 34.0))
    h.l("<Restore Device %s>: Restore failed (result = 1004)" % restore, rst)
    h.l("WinAMRestore::OnInterfaceRemoval: \\\\?\\USB#VID_05AC&PID_12A8#%s#{a5dcbf10-6530-11d2-901f-00c04fb951ed}"
        % dev.udid, usb, 3000, 9000)
    h.wait(rng.uniform(9.0, 13.0))
    h.l("WinAMRestore::OnInterfaceArrival: %s" % ibss_path, usb)
    if radio_error_after:
        # back in Recovery: this time iBoot has a radio error recorded (qApp9QP2 shape)
        h.l("<Recovery Mode Device %s>: iBoot build-version = iBoot-%s" % (recov, dev.iboot), usb)
        h.l("radio-error = 512", usb, 100, 900)
        h.l("radio-error-string = 'Communication failure'", usb, 0, 2)
        h.l("fatal recovery mode radio error", usb, 0, 2)
        h.l("radio errors detected; stopping", usb, 0, 2)
    h.l("AMRestorePerformRestoreModeRestoreWithError failed with error: 4013", main, 100, 900)
    h.l("Restore completed, status:4013", main, 0, 3)
    h.l("Elapsed time (in seconds): %d" % ((h.t - h.t_start) // 10000), main, 0, 1)
    h.l("Failure Description:", main, 0, 1)
    h.l("Depth:0 Code:4013 Error:Unexpected device state 'Recovery' expected 'RestoreOS'", main, 0, 1)
    h.l("Depth:1 Code:1004 Error:update_baseband: failed to perform next stage", main, 0, 1)


# --------------------------------------------------------------------------------------
# 7. two-attempts-cables.zip (sources)
# --------------------------------------------------------------------------------------

def sample_two_attempts():
    base = "two-attempts-cables"
    dev = Dev(model="iPhone9,4", hwmodel="D111AP", chipid=0x8010, bdid=0x0A, ecid16="0013D48E5A27012E",
              iboot="7459.140.15", libbuilt="Mar 21 2024 at 21:09:44", itunes="12.13.2.3",
              build="19H386", winuser="bench2", udid="5f0a9c3e7d41b2286e9f03c1a7d54b6e2f98c107",
              bbchip=0x1000e1, bbcert=3554301762, elapsed=0)
    # attempt 1 - Apple cable on the front hub port
    rng = random.Random(7001)
    dev.elapsed = 612
    h = HostLog(rng, "gen3", None, (10, 4, 12))
    itunes_restore(h, rng, dev, ("main", "usb", "rst"))
    write_text(base + "/attempt1_apple-cable_front-port/iPhoneUpdater 3.log", h.render(), crlf=True, root=SRC)
    # attempt 2 - new MFi cable, rear port on the mainboard
    rng = random.Random(7002)
    dev.elapsed = 598
    h = HostLog(rng, "gen3", None, (11, 47, 36))
    itunes_restore(h, rng, dev, ("main", "usb", "rst"), dfu_first=True)
    write_text(base + "/attempt2_mfi-cable_rear-port/iPhoneUpdater 4.log", h.render(), crlf=True, root=SRC)
    # the device restore log of attempt 2 (the device's clock is GMT, the PC is GMT+1)
    rng = random.Random(7003)
    ddev = Dev(model="iPhone9,4", scale=3, display="1242 x 2208", protocol=15, syspart=6144,
               baseband=True, prev_build="19H386", chipid=0x8010, ecid16=dev.ecid16,
               image_bytes=6291456000, free_mb=117880, imeisv=41, epoch=1742208487,
               previous_failed=True)
    r = baseband_restore(rng, ddev, (10, 47, 52), "4>6", "ping")
    write_text(base + "/attempt2_mfi-cable_rear-port/restore.log", r.render(), root=SRC)
    readme = """FixPoint Repairs - bench 2 - job 26-0317-044
==============================================

Customer:  Dana Whitfield, +44 7700 900418, dana.whitfield@example.net
Device:    iPhone 7 Plus (A1661, iPhone9,4), 128 GB, jet black
Serial:    F2LTQ4HKHFY9
IMEI:      355372084961178
Complaint: stuck on Apple logo after a battery swap elsewhere, no service before that.

Restore attempts (iTunes 12.13.2.3 on Windows 10 22H2, bench PC "BENCH2-PC"):

1. 17/03/2026 10:04  Apple Lightning cable (1 m, original), front USB-A port on the case hub.
   Erase restore to iOS 15.8.3 (19H386). Error 4013 at about two thirds of the progress bar,
   right after "Updating baseband firmware" showed.
   Log: attempt1_apple-cable_front-port/iPhoneUpdater 3.log

2. 17/03/2026 11:47  Brand new MFi cable (Anker), rear USB port directly on the mainboard,
   hub unplugged, phone put in DFU first. Same error 4013 at the same point.
   Log: attempt2_mfi-cable_rear-port/iPhoneUpdater 4.log
   Device restore log saved from the second attempt: attempt2_mfi-cable_rear-port/restore.log

Cable and port changed, same failure at the same step -> sending to board level.
- MK
"""
    write_text(base + "/readme.txt", readme, crlf=True, root=SRC)
    write_expect("two-attempts-cables", "failed", [4013, 1004], "baseband", "restored-device",
                 "Two restores with different cables and ports both end 4013 at operation 19 (update baseband); "
                 "the device log of the second attempt shows bbupdater 'Fail to ping baseband: kBBUReturnIOError' "
                 "twice (IMMED_RETRY, then FAILURE, RamrodErrorDomain 1004). A failure that survives a cable and "
                 "port change at the same stage points at the baseband hardware, not the USB link; the benign "
                 "'getenv radio-error' pipe stall in both host logs is not a cable fault.")


# --------------------------------------------------------------------------------------
# 13. pasted-forum-utf16.txt (UTF-8 source; the build script converts it to UTF-16LE + BOM)
# --------------------------------------------------------------------------------------

def sample_utf16():
    rng = random.Random(1313)
    dev = Dev(model="iPhone9,3", hwmodel="D101AP", chipid=0x8010, bdid=0x0C, ecid16="0019A6C3F0D4882E",
              iboot="7459.140.15", libbuilt="Jan 10 2024 at 19:42:07", itunes="12.13.1.3",
              build="19H384", winuser="Marek", udid="c4e1a7f3902b6d58e0f1a9b2c3d4e5f60718a9bc",
              bbchip=0x1000e1, bbcert=3554301762, elapsed=574)
    h = HostLog(rng, "gen1", "2024-02-17", (16, 41, 52), pid=8876)
    itunes_restore(h, rng, dev, (0x3a1c, 0x2f08, 0x41d4), radio_error_after=True)
    write_text("pasted-forum-utf16.txt", h.render(), crlf=True, root=SRC + "/pasted-forum-utf16")
    write_expect("pasted-forum-utf16", "failed", [4013, 1004], "baseband", "itunes-updater",
                 "A Windows iTunes log saved by Notepad as UTF-16LE with BOM and CRLF (decode first). The restore "
                 "of an iPhone 7 (iPhone9,3) dies in operation 19 (update baseband) with 4013, and when the device "
                 "falls back to Recovery iBoot reports radio-error = 512 / 'Communication failure' / 'fatal recovery "
                 "mode radio error'. The earlier 'getenv radio-error' failed: 2008 pipe stall is the benign unset-"
                 "variable stall, not a cable fault.")


# --------------------------------------------------------------------------------------
# .ips reports (docs/log-formats.md §1.9): one-line JSON header + JSON body
# --------------------------------------------------------------------------------------

def ips_top(pairs):
    """Top-level body layout of panic/forceReset reports: one key per line, compact values."""
    return "{\n" + ",\n".join('  "%s" : %s' % (k, v) for k, v in pairs) + "\n}\n"


def kaddr(rng):
    return 0xfffffff000000000 + rng.randint(0x10000000, 0x3fffffff) * 4


def panic_text(rng, first_line, release_type, build, kernel, iboot, task_line, kexts, cores=6, panicked_cpu=2,
               backtrace_kext=None):
    kc_slide = rng.randint(0x100, 0x3ff) * 0x100000
    kbase = 0xfffffff007004000 + kc_slide
    lines = [first_line.replace("{caller}", "0x%016x" % (kbase + 0xd00000 + rng.randint(0, 0x7fffff) * 4)),
             "Debugger message: panic",
             "Memory ID: 0x%x" % rng.choice((1, 6)),
             "OS release type: %s" % release_type,
             "OS version: %s" % build,
             "Kernel version: %s" % kernel,
             "Fileset Kernelcache UUID: %s" % hexs(rng, 32),
             "Kernel UUID: %s" % uuid(rng),
             "Boot session UUID: %s" % uuid(rng),
             "iBoot version: %s" % iboot,
             "secure boot?: YES",
             "roots installed: 0",
             "Paniclog version: 14",
             "KernelCache slide: 0x%016x" % kc_slide,
             "KernelCache base:  0x%016x" % kbase,
             "Kernel slide:      0x%016x" % (kc_slide + 0xc70000),
             "Kernel text base:  0x%016x" % (kbase + 0xc70000),
             "Kernel text exec slide: 0x%016x" % (kc_slide + 0xd24000),
             "Kernel text exec base:  0x%016x" % (kbase + 0xd24000),
             "mach_absolute_time: 0x%x" % rng.randint(0x10000000, 0xfffffffff),
             "Epoch Time:        sec       usec",
             "  Boot    : 0x%08x 0x%08x" % (rng.randint(0x65000000, 0x69000000), rng.randint(0, 999999)),
             "  Sleep   : 0x00000000 0x00000000",
             "  Wake    : 0x00000000 0x00000000",
             "  Calendar: 0x%08x 0x%08x" % (rng.randint(0x65000000, 0x69000000), rng.randint(0, 999999)),
             "",
             "Zone info:"]
    z = 0xffffffdc00000000 + rng.randint(0, 0xfff) * 0x1000000
    for name in ("Zone map", ". VM    ", ". RO    ", ". GEN0  ", ". GEN1  ", ". GEN2  ", ". GEN3  ", ". DATA  ",
                 "Metadata", "Bitmaps "):
        a = z + rng.randint(0, 0x7fffff) * 0x1000
        lines.append("  %s: 0x%016x - 0x%016x" % (name, a, a + rng.randint(0x1000, 0xfffff) * 0x1000))
    lines.append("")
    lines.append("TPIDRx_ELy = {1: 0x%016x  0: 0x%016x  0ro: 0x0000000000000000 }"
                 % (0xffffffe000000000 + rng.randint(0, 0xfffffff) * 8, panicked_cpu))
    pc = kbase + 0xd70000 + rng.randint(0, 0xffff) * 4
    for c in range(cores):
        if c == panicked_cpu:
            lines.append("CORE %d is the one that panicked. Check the full backtrace for details." % c)
        else:
            lines.append("CORE %d: PC=0x%016x, LR=0x%016x, FP=0x%016x" % (c, pc, pc, kaddr(rng)))
    lines.append("Compressor Info: %d%% of compressed pages limit (OK) and %d%% of segments limit (OK) with 0 swapfiles "
                 "and OK swap space" % (rng.randint(0, 9), rng.randint(0, 9)))
    lines.append(task_line)
    lines.append("Panicked thread: 0x%016x, backtrace: 0x%016x, tid: %d"
                 % (0xffffffe000000000 + rng.randint(0, 0xfffffff) * 8, kaddr(rng), rng.randint(100, 900)))
    for _ in range(12):
        lines.append("\t\t  lr: 0x%016x  fp: 0x%016x" % (kbase + 0xd00000 + rng.randint(0, 0x3fffff) * 4, kaddr(rng)))
    if backtrace_kext:
        lines.append("      Kernel Extensions in backtrace:")
        lines.append("         %s[%s]@0x%016x->0x%016x" % (backtrace_kext, uuid(rng), kbase + 0x1a00000,
                                                           kbase + 0x1a1c000))
        lines.append("            dependency: com.apple.driver.AppleARMPlatform(1.0.2)[%s]@0x%016x->0x%016x"
                     % (uuid(rng), kbase + 0x1100000, kbase + 0x1160000))
    lines.append("")
    lines.append("last started kext at %d: com.apple.driver.AppleDiagnosticDataAccessReadOnly\t1.0.0 "
                 "(addr 0x%016x, size 16384)" % (rng.randint(2000000000, 9000000000), kbase + 0x2300000))
    lines.append("loaded kexts:")
    lines.extend(kexts)
    return "\n".join(lines) + "\n"


KEXTS_COMMON = [
    "com.apple.filesystems.apfs\t2235.141.3",
    "com.apple.driver.AppleARMPlatform\t1.0.2",
    "com.apple.iokit.IOUSBDeviceFamily\t2.0.0",
    "com.apple.driver.AppleSEPManager\t1.0.1",
    "com.apple.driver.AppleMultitouchSPI\t7440.1",
    "com.apple.driver.AppleSMC\t3.1.9",
    "com.apple.driver.AppleS5L8940XI2C\t1.0.0d2",
    "com.apple.driver.AppleS5L8960XGPIOIC\t1.0.0d1",
    "com.apple.driver.AppleCS46L06Codec\t1.0",
    "com.apple.driver.AppleAOPAudio\t440.1",
    "com.apple.driver.ApplePMGR\t1",
    "com.apple.driver.AppleBCMWLANCore\t1.0.0",
    "com.apple.iokit.IONVMeFamily\t2.1.0",
    "com.apple.driver.AppleEmbeddedPCIE\t1",
    "com.apple.driver.AppleFirmwareKit\t1",
    "com.apple.kec.corecrypto\t14.0",
    "com.apple.security.sandbox\t300.0",
    "com.apple.kext.AppleMatch\t1.0.0d1",
    "com.apple.kec.Libm\t1",
    "com.apple.kec.pthread\t1",
]


def process_by_pid(rng, procs, kernel_threads=("AppleS5L8940XI2C", "IOServiceTerminateThread", "VM_pageout_scan",
                                                "thread call kernel #1", "dlil_input_lo0", "AppleSEPManager")):
    out = []
    for pid, name in procs:
        threads = {}
        tid = rng.randint(100, 900) if pid == 0 else rng.randint(1000, 9000)
        count = len(kernel_threads) if pid == 0 else rng.randint(1, 3)
        for i in range(count):
            tid += rng.randint(1, 40)
            th = {"id": tid, "basePriority": 81 if pid == 0 else 31, "schedPriority": 81 if pid == 0 else 31,
                  "userTime": round(rng.uniform(0.000001, 0.09), 9), "systemTime": 0,
                  "user_usec": rng.randint(1, 90000), "system_usec": 0,
                  "state": ["TH_WAIT", "TH_UNINT"] if pid == 0 else ["TH_WAIT"],
                  "continuation": [1, rng.randint(400000, 7000000)],
                  "waitEvent": [2, rng.randint(10 ** 17, 5 * 10 ** 17)]}
            if pid == 0:
                th["name"] = kernel_threads[i]
            else:
                th["qosEffective"] = "QOS_CLASS_DEFAULT"
                th["userFrames"] = [[rng.randint(20, 40), rng.randint(2000, 90000)], [2, 0]]
            threads[str(tid)] = th
        proc = {"pid": pid, "residentMemoryBytes": rng.randint(2000000, 110000000), "timesDidThrottle": 0,
                "systemTimeTask": 0, "pageIns": rng.randint(0, 2000), "pageFaults": rng.randint(500, 9000),
                "userTimeTask": round(rng.uniform(0.01, 900.0), 6), "procname": name,
                "copyOnWriteFaults": rng.randint(0, 600), "threadById": threads, "timesThrottled": 0}
        out.append('    "%d" : %s' % (pid, jcompact(proc)))
    return "{\n" + ",\n".join(out) + "\n  }"


def binary_images(rng, n_kernel=16, n_user=8):
    imgs = []
    for i in range(n_kernel):
        imgs.append([uuid(rng, False), 18446744005100000000 + rng.randint(0, 60000000), "T"])
        if i == 1:
            imgs.append(["00000000-0000-0000-0000-000000000000", 0, "A"])
    for _ in range(n_user):
        imgs.append([uuid(rng, False), rng.randint(4300000000, 4460000000), "P"])
    return jcompact(imgs)


def memory_status(rng):
    return jcompact({"compressorSize": rng.randint(0, 90000), "compressions": rng.randint(0, 900000),
                     "decompressions": rng.randint(0, 600000), "busyBufferCount": 0,
                     "memoryPressureDetails": {"pagesWanted": 0, "pagesReclaimed": 0}, "pageSize": 16384,
                     "memoryPressure": False,
                     "memoryPages": {"active": rng.randint(20000, 90000), "throttled": 0,
                                     "fileBacked": rng.randint(20000, 90000), "wired": rng.randint(20000, 60000),
                                     "purgeable": rng.randint(0, 900), "inactive": rng.randint(10000, 80000),
                                     "free": rng.randint(2000, 40000), "speculative": rng.randint(100, 9000)}})


def panic_ips(rng, bug_type, ts, os_version, build, product, soc, kernel, text_key, text, procs,
              n_kernel_images=16, other="\n** Stackshot Succeeded ** Bytes Traced %d (Uncompressed %d) **\n"):
    incident = uuid(rng)
    header = jcompact({"bug_type": bug_type, "timestamp": ts, "os_version": "iPhone OS %s (%s)" % (os_version, build),
                       "roots_installed": 0, "incident_id": incident})
    traced = rng.randint(30000, 90000)
    pairs = [("build", jcompact("iPhone OS %s (%s)" % (os_version, build))),
             ("product", jcompact(product)),
             ("socId", jcompact(soc)),
             ("kernel", jcompact(kernel)),
             ("incident", jcompact(incident)),
             ("crashReporterKey", jcompact(hexs(rng, 40, False))),
             ("date", jcompact(ts)),
             (text_key, jcompact(text)),
             ("panicFlags", jcompact("0x%x" % rng.choice((0x802, 0x882, 0x902)))),
             ("bug_type", jcompact(bug_type)),
             ("otherString", jcompact(other % (traced, traced * 3))),
             ("memoryStatus", memory_status(rng)),
             ("processByPid", process_by_pid(rng, procs)),
             ("binaryImages", binary_images(rng, n_kernel_images)),
             ("notes", jcompact(["Source: (null)",
                                 "no shared cache available from the kernel snapshot -- this may impact symbolication"]))]
    return header + "\n" + ips_top(pairs)


# 5. panic-full-i2c-logicboard.ips ------------------------------------------------------

def sample_i2c_panic():
    rng = random.Random(2100)
    kernel = ("Darwin Kernel Version 23.6.0: Fri Jul  5 17:53:24 PDT 2024; "
              "root:xnu-10063.142.1~1/RELEASE_ARM64_T8020")
    first = ("panic(cpu 2 caller {caller}): \"i2c0::_checkInterrupts error interrupt; last read status 10c10100 "
             "int shadow 008d0100 xfer 80000000 fifo 00000002 for device ad5860\" .cpp:470")
    text = panic_text(rng, first, "User", "21G93", kernel, "iBoot-10151.140.19",
                      "Panicked task 0x%016x: 0 pages, 412 threads: pid 0: kernel_task"
                      % (0xffffffe000000000 + rng.randint(0, 0xfffffff) * 8),
                      KEXTS_COMMON, backtrace_kext="com.apple.driver.AppleS5L8940XI2C(1.0.0d2)")
    procs = [(0, "kernel_task"), (1, "launchd"), (48, "UserEventAgent"), (63, "configd"), (71, "mediaserverd"),
             (88, "locationd"), (104, "SpringBoard"), (117, "backboardd"), (131, "thermalmonitord")]
    body = panic_ips(rng, "210", "2026-02-21 08:17:44.00 +0100", "17.6.1", "21G93", "iPhone11,6", "0x00008020",
                     kernel, "panicString", text, procs)
    write_text("panic-full-i2c-logicboard.ips", body)
    write_expect("panic-full-i2c-logicboard", "no-restore-found", [], "logic-board", "ips-panic",
                 "A lone kernel panic (bug_type 210, iPhone11,6, OS release type: User) with no restore attempt, so "
                 "the outcome is no-restore-found; its panicString 'i2c0::_checkInterrupts error interrupt ... for "
                 "device ad5860' is an I2C bus fault on the board, which the engine still ranks as logic-board "
                 "evidence (typical of the boot loop that follows a failed 4013 restore on Face ID iPhones).")


# 9. ios-crash-app.ips ----------------------------------------------------------------------

def sample_app_crash():
    rng = random.Random(3090)
    incident = uuid(rng)
    ts = "2025-11-08 19:42:16.00 +0100"
    header = jcompact({"app_name": "TrailLog", "timestamp": ts, "app_version": "3.4.1",
                       "slice_uuid": uuid(rng, False), "adam_id": "1598234410", "build_version": "412",
                       "platform": 2, "bundleID": "com.example.traillog", "share_with_app_devs": 1,
                       "is_first_party": 0, "bug_type": "309", "os_version": "iPhone OS 17.5.1 (21F90)",
                       "roots_installed": 0, "name": "TrailLog", "incident_id": incident})
    pid = rng.randint(600, 4000)
    app_uuid = uuid(rng, False)
    images = [("P", "arm64", 4305584128, 2719744, app_uuid,
               "/private/var/containers/Bundle/Application/%s/TrailLog.app/TrailLog" % uuid(rng), "TrailLog"),
              ("P", "arm64e", 6625853440, 9744384, uuid(rng, False),
               "/System/Library/Frameworks/Foundation.framework/Foundation", "Foundation"),
              ("P", "arm64e", 6608486400, 277568, uuid(rng, False), "/usr/lib/libobjc.A.dylib", "libobjc.A.dylib"),
              ("P", "arm64e", 6701539328, 5505024, uuid(rng, False),
               "/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation", "CoreFoundation"),
              ("P", "arm64e", 6760271872, 26820608, uuid(rng, False),
               "/System/Library/PrivateFrameworks/UIKitCore.framework/UIKitCore", "UIKitCore"),
              ("P", "arm64e", 6898003968, 278528, uuid(rng, False), "/usr/lib/system/libdispatch.dylib",
               "libdispatch.dylib"),
              ("P", "arm64e", 7735914496, 225276, uuid(rng, False), "/usr/lib/system/libsystem_kernel.dylib",
               "libsystem_kernel.dylib"),
              ("P", "arm64e", 8006696960, 49152, uuid(rng, False), "/usr/lib/system/libsystem_pthread.dylib",
               "libsystem_pthread.dylib"),
              ("P", "arm64e", 7229079552, 536144, uuid(rng, False), "/usr/lib/dyld", "dyld"),
              ("P", "arm64e", 6628147200, 36864, uuid(rng, False),
               "/System/Library/PrivateFrameworks/GraphicsServices.framework/GraphicsServices", "GraphicsServices")]

    def frame(img, off, sym=None, loc=None):
        f = {"imageOffset": off}
        if sym:
            f["symbol"] = sym
            f["symbolLocation"] = loc
        f["imageIndex"] = img
        return f

    crashed = {"triggered": True, "id": rng.randint(40000, 90000),
               "threadState": {"x": [{"value": rng.randint(0, 2 ** 40)} for _ in range(29)],
                               "flavor": "ARM_THREAD_STATE64", "lr": {"value": 4305791120},
                               "cpsr": {"value": 1610616832}, "fp": {"value": 6136057520},
                               "sp": {"value": 6136057392},
                               "esr": {"value": 2449473543, "description": "(Data Abort) byte read Translation fault"},
                               "pc": {"value": 6608521376, "matchesCrashFrame": 1}, "far": {"value": 16}},
               "queue": "com.apple.main-thread",
               "frames": [frame(2, 34976, "objc_msgSend", 32), frame(0, 206992), frame(0, 198412), frame(0, 151020),
                          frame(4, 3683120, "-[UIViewController _sendViewDidLoadWithAppearanceProxyObjectTaggingEnabled]", 84),
                          frame(4, 110760, "-[UIViewController loadViewIfRequired]", 712),
                          frame(4, 110016, "-[UIViewController view]", 24),
                          frame(5, 16348, "_dispatch_client_callout", 20),
                          frame(5, 73820, "_dispatch_main_queue_drain", 984),
                          frame(3, 877100, "__CFRUNLOOP_IS_SERVICING_THE_MAIN_DISPATCH_QUEUE__", 16),
                          frame(3, 507576, "__CFRunLoopRun", 1992),
                          frame(3, 528868, "CFRunLoopRunSpecific", 608),
                          frame(9, 4968, "GSEventRunModal", 164),
                          frame(4, 3812744, "-[UIApplication _run]", 888),
                          frame(4, 3811820, "UIApplicationMain", 340),
                          frame(0, 25476), frame(8, 88392, "start", 2724)]}
    others = [{"id": crashed["id"] + 3 + i, "frames": [frame(7, 2960, "start_wqthread", 0)]} for i in range(3)]
    others.append({"id": crashed["id"] + 9, "name": "com.apple.uikit.eventfetch-thread",
                   "frames": [frame(6, 2888, "mach_msg2_trap", 8), frame(6, 77832, "mach_msg2_internal", 80),
                              frame(3, 503296, "__CFRunLoopServiceMachPort", 160),
                              frame(3, 507972, "__CFRunLoopRun", 1212),
                              frame(3, 528868, "CFRunLoopRunSpecific", 608),
                              frame(1, 268312, "-[NSRunLoop(NSRunLoop) runMode:beforeDate:]", 212),
                              frame(4, 5077132, "-[UIEventFetcher threadMain]", 420),
                              frame(1, 371944, "__NSThread__start__", 716),
                              frame(7, 5836, "_pthread_start", 136), frame(7, 2980, "thread_start", 8)]})
    osv = ('{\n    "isEmbedded" : true,\n    "train" : "iPhone OS 17.5.1",\n    "releaseType" : "User",\n'
           '    "build" : "21F90"\n  }')
    used = "[\n" + ",\n".join(
        "  {\n    \"source\" : \"%s\",\n    \"arch\" : \"%s\",\n    \"base\" : %d,\n    \"size\" : %d,\n"
        "    \"uuid\" : \"%s\",\n    \"path\" : \"%s\",\n    \"name\" : \"%s\"\n  }"
        % (src, arch, base, size, u, apple_json_escape(path), name)
        for src, arch, base, size, u, path, name in images) + "\n]"
    shared = "{\n  \"base\" : 6607732736,\n  \"size\" : 3997319168,\n  \"uuid\" : \"%s\"\n}" % uuid(rng, False)
    vm = ("ReadOnly portion of Libraries: Total=1.1G resident=0K(0%) swapped_out_or_unallocated=1.1G(100%)\n"
          "Writable regions: Total=612.4M written=0K(0%) resident=0K(0%) swapped_out=0K(0%) unallocated=612.4M(100%)\n")
    legacy = "{\n  \"threadTriggered\" : {\n    \"queue\" : \"com.apple.main-thread\"\n  }\n}"
    pairs = [("uptime", "41000"), ("procRole", '"Foreground"'), ("version", "2"), ("userID", "501"),
             ("deployVersion", "210"), ("modelCode", '"iPhone14,5"'), ("coalitionID", str(rng.randint(500, 2000))),
             ("osVersion", osv), ("captureTime", '"2025-11-08 19:42:16.4412 +0100"'), ("codeSigningMonitor", "1"),
             ("incident", jcompact(incident)), ("pid", str(pid)), ("cpuType", '"ARM-64"'), ("roots_installed", "0"),
             ("bug_type", '"309"'), ("procLaunch", '"2025-11-08 19:31:02.7180 +0100"'),
             ("procStartAbsTime", str(rng.randint(10 ** 11, 10 ** 12))),
             ("procExitAbsTime", str(rng.randint(10 ** 12, 2 * 10 ** 12))),
             ("procName", '"TrailLog"'),
             ("procPath", jcompact(images[0][5])),
             ("bundleInfo", jcompact({"CFBundleShortVersionString": "3.4.1", "CFBundleVersion": "412",
                                      "CFBundleIdentifier": "com.example.traillog", "DTAppStoreToolsBuild": "15F31c"})),
             ("storeInfo", jcompact({"itemID": "1598234410", "deviceIdentifierForVendor": uuid(rng),
                                     "thirdParty": True, "softwareVersionExternalIdentifier": "866712345"})),
             ("parentProc", '"launchd"'), ("parentPid", "1"), ("coalitionName", '"com.example.traillog"'),
             ("crashReporterKey", jcompact(hexs(rng, 40, False))),
             ("codeSigningID", '"com.example.traillog"'), ("codeSigningTeamID", '"K7Q2M4X9PL"'),
             ("codeSigningFlags", "570450689"), ("codeSigningValidationCategory", "4"),
             ("codeSigningTrustLevel", "7"), ("wasUnlockedSinceBoot", "1"), ("isLocked", "0"),
             ("throttleTimeout", "2147483647"), ("basebandVersion", '"3.60.02"'),
             ("exception", jcompact({"codes": "0x0000000000000001, 0x0000000000000010", "rawCodes": [1, 16],
                                     "type": "EXC_BAD_ACCESS", "signal": "SIGSEGV",
                                     "subtype": "KERN_INVALID_ADDRESS at 0x0000000000000010"})),
             ("termination", jcompact({"flags": 0, "code": 11, "namespace": "SIGNAL",
                                       "indicator": "Segmentation fault: 11", "byProc": "exc handler",
                                       "byPid": pid})),
             ("vmregioninfo", jcompact("0x10 is not in any region.  Bytes before following region: 4305584112\n"
                                       "      REGION TYPE                 START - END      [ VSIZE] PRT/MAX SHRMOD  "
                                       "REGION DETAIL\n      UNUSED SPACE AT START\n--->  \n      __TEXT      "
                                       "                100a18000-100cb0000    [ 2656K] r-x/r-x SM=COW  "
                                       "/var/containers/Bundle/Application/*/TrailLog.app/TrailLog")),
             ("os_fault", jcompact({"process": "TrailLog"})),
             ("faultingThread", "0"),
             ("threads", jcompact([crashed] + others)),
             ("usedImages", used), ("sharedCache", shared), ("vmSummary", jcompact(vm)),
             ("legacyInfo", legacy), ("logWritingSignature", jcompact(hexs(rng, 40, False))),
             ("trialInfo", "{\n  \"rollouts\" : [\n\n  ],\n  \"experiments\" : [\n\n  ]\n}")]
    write_text("ios-crash-app.ips", header + "\n" + "{\n" + ",\n".join('  "%s" : %s' % kv for kv in pairs) + "\n}\n")
    write_expect("ios-crash-app", "no-restore-found", [], None, "ips-crash",
                 "An ordinary third-party app crash (bug_type 309, EXC_BAD_ACCESS / SIGSEGV in objc_msgSend from "
                 "TrailLog's view controller): nothing about a restore or update, and an app crash is not hardware "
                 "evidence, so no cause may be reported.")


# 10. forcereset-151-restore.ips ----------------------------------------------------------

def sample_forcereset():
    rng = random.Random(1510)
    kernel = ("Darwin Kernel Version 23.5.0: Wed May  1 20:35:15 PDT 2024; "
              "root:xnu-10063.122.3~3/RELEASE_ARM64_T8030")
    first = "panic(cpu 1 caller {caller}): btn_rst"
    text = panic_text(rng, first, "Restore", "21F90", kernel, "iBoot-10151.120.12",
                      "Panicked task 0x%016x: 0 pages, 241 threads: pid 0: kernel_task"
                      % (0xffffffe000000000 + rng.randint(0, 0xfffffff) * 8),
                      KEXTS_COMMON[:14], panicked_cpu=1)
    procs = [(0, "kernel_task"), (1, "launchd"), (3, "restored_external"), (6, "restored_update"),
             (8, "PurpleReverseProxy"), (47, "asr")]
    body = panic_ips(rng, "151", "2025-06-30 14:12:09.34 +0000", "17.5.1", "21F90", "iPhone12,3", "0x00008030",
                     kernel, "string", text, procs)
    write_text("forcereset-151-restore.ips", body)
    write_expect("forcereset-151-restore", "no-restore-found", [], None, "ips-panic",
                 "A forceReset report (bug_type 151, 'btn_rst') written while the phone ran the restore OS ('OS "
                 "release type: Restore', restored_update and asr alive): the user held the buttons during a restore. "
                 "That shows a restore was interrupted but is a user action, not a fault signature, and without a "
                 "host or device restore log there is no attempt to judge - report it as context, rank no cause.")


# --------------------------------------------------------------------------------------
# 8. macos-system-clean.log - classic BSD syslog /var/log/system.log, no restore at all
# --------------------------------------------------------------------------------------

def sample_mac_clean():
    rng = random.Random(8080)
    host = "Annas-MBA"
    pids = {"powerd": 64, "configd": 53, "mDNSResponder": 201, "syslogd": 42, "WindowServer": 221,
            "loginwindow": 98, "bluetoothd": 91, "locationd": 87, "apsd": 110, "sharingd": 412,
            "timed": 133, "usbmuxd": 96, "AMPDeviceDiscoveryAgent": 618, "cloudd": 455, "UserEventAgent": 41,
            "symptomsd": 187, "airportd": 104, "coreaudiod": 188, "corebrightnessd": 143, "Dock": 433,
            "Spotlight": 447, "nsurlsessiond": 389, "CalendarAgent": 472, "com.apple.CDScheduler": 57,
            "secd": 402, "identityservicesd": 406, "CommCenter": 397, "Safari": 5120,
            "com.apple.WebKit.WebContent": 5131, "Mail": 5302, "Slack Helper": 6011, "zoom.us": 6402,
            "softwareupdate_notify_agent": 0, "QuickLookSatellite": 7012, "mds_stores": 300, "diskarbitrationd": 72}
    pids.pop("softwareupdate_notify_agent")
    phone_udid = "00008101-001E3A5C7B9D402E"
    macs = ["a4:83:e7:1c:52:90", "3c:22:fb:7a:0e:14", "f0:18:98:4e:c2:b7"]

    def r_ip():
        return "192.168.%d.%d" % (rng.choice((1, 1, 178)), rng.randint(2, 250))

    templates = [
        (40, "kernel", 0, lambda: "en0: BSSID changed to %s" % rng.choice(macs)),
        (30, "kernel", 0, lambda: "IO80211Controller::setAWDLMode: awdl0 %s" % rng.choice(("resumed", "suspended"))),
        (30, "kernel", 0, lambda: "AppleBCMWLANCore::setPowerSave: PM mode %d" % rng.choice((0, 2))),
        (20, "kernel", 0, lambda: "AppleBCMWLANCore: link quality rssi=-%d noise=-%d rate=%d"
                                 % (rng.randint(40, 80), rng.randint(88, 96), rng.choice((433, 866, 1200)))),
        (25, "kernel", 0, lambda: "Sandbox: %s(%d) deny(1) file-read-data /Users/anna/Library/Caches/%s"
                                 % (rng.choice(("com.apple.WebKit.Networking", "QuickLookSatellite", "mdworker_shared")),
                                    rng.randint(3000, 9000), hexs(rng, 8, False))),
        (12, "kernel", 0, lambda: "AppleH13CamIn::power_on_hardware - %s" % rng.choice(("begin", "done"))),
        (10, "kernel", 0, lambda: "AppleT8112TypeCPhy::wake - port %d" % rng.randint(0, 1)),
        (12, "kernel", 0, lambda: "IO80211Interface::setLinkState: en0 link up (channel %d, 80MHz)"
                                 % rng.choice((36, 44, 149))),
        (8, "kernel", 0, lambda: "IOUSBHostDevice: Magic Keyboard@%08x entered suspend" % 0x14300000),
        (8, "kernel", 0, lambda: "ApplePPM: cluster P power limit now %d mW" % rng.randint(4000, 9000)),
        (14, "com.apple.xpc.launchd", 1, lambda: "(com.apple.%s[%d]) Service exited with abnormal code: %d"
                                            % (rng.choice(("mdworker.shared", "quicklook.ThumbnailsAgent",
                                                           "imklaunchagent", "cfprefsd.xpc.agent")),
                                               rng.randint(3000, 90000), rng.choice((1, 1, 2)))),
        (12, "com.apple.xpc.launchd", 1, lambda: "(com.apple.%s) Service only ran for %d seconds. Pushing respawn "
                                            "out by %d seconds." % (rng.choice(("photoanalysisd", "suggestd",
                                                                                "bird", "routined")),
                                                                    rng.randint(1, 9), rng.randint(1, 9))),
        (20, "powerd", None, lambda: "Process %s.%d Created SystemIsActive \"%s\" age:00:00:00  id:%d" % (rng.choice(("coreaudiod", "Safari", "zoom.us")),
                                                                  rng.randint(100, 7000),
                                                                  rng.choice(("Playing audio", "video call",
                                                                              "Download in progress")),
                                                                  rng.randint(10 ** 10, 10 ** 11))),
        (18, "powerd", None, lambda: "Process %s.%d Released SystemIsActive \"%s\" age:00:%02d:%02d  id:%d"
                                     % (rng.choice(("coreaudiod", "Safari")), rng.randint(100, 7000),
                                        "Playing audio", rng.randint(0, 59), rng.randint(0, 59),
                                        rng.randint(10 ** 10, 10 ** 11))),
        (15, "powerd", None, lambda: "Battery capacity %d%%, %s" % (rng.randint(20, 100),
                                                                    rng.choice(("AC attached", "on battery")))),
        (20, "mDNSResponder", None, lambda: "Dropping query for %s.local. because of multicast filter"
                                            % rng.choice(("_airplay._tcp", "_raop._tcp", "_companion-link._tcp"))),
        (15, "mDNSResponder", None, lambda: "Resolving %s._companion-link._tcp.local. on en0"
                                            % rng.choice(("Anna's iPad", "Living Room", "Anna's iPhone"))),
        (25, "configd", None, lambda: "network changed: v4(en0:%s) DNS Proxy SMB" % r_ip()),
        (15, "configd", None, lambda: "setting hostname to \"%s.local\"" % host),
        (20, "symptomsd", None, lambda: "Data Usage for %s on flow %d - WiFi in/out: %d/%d"
                                        % (rng.choice(("Safari", "Mail", "zoom.us", "nsurlsessiond")),
                                           rng.randint(1000, 99999), rng.randint(0, 10 ** 7), rng.randint(0, 10 ** 6))),
        (18, "com.apple.CDScheduler", None, lambda: "scheduling activity com.apple.%s, priority %d"
                                                    % (rng.choice(("photoanalysisd.periodic", "spotlight.index",
                                                                   "cloudd.cleanup")), rng.randint(1, 3))),
        (12, "WindowServer", None, lambda: "Display %d woke (mode 2560x1664@60Hz)" % rng.randint(1, 2)),
        (12, "WindowServer", None, lambda: "Space %d became active on display 1" % rng.randint(1, 4)),
        (10, "loginwindow", None, lambda: "-[PersistentAppsSupport applicationQuit:] : for app:%s"
                                          % rng.choice(("Mail", "Preview", "Notes"))),
        (18, "bluetoothd", None, lambda: "Set Scan Parameters %s" % rng.choice(("Active", "Passive"))),
        (15, "locationd", None, lambda: "client com.apple.%s requested %s accuracy"
                                        % (rng.choice(("weather", "Maps", "findmy")), rng.choice(("reduced", "full")))),
        (15, "apsd", None, lambda: "Unrecognized leaf certificate"),
        (15, "sharingd", None, lambda: "Wi-Fi power changed: %s" % rng.choice(("on", "on", "off"))),
        (20, "timed", None, lambda: "settimeofday({%d,%d}) == 0" % (rng.randint(1770000000, 1771000000),
                                                                    rng.randint(0, 999999))),
        (15, "cloudd", None, lambda: "Operation <CKDFetchRecordZonesOperation: 0x%x; %s> finished in %dms"
                                     % (0x7f8000000000 + rng.randint(0, 16 ** 8), uuid(rng), rng.randint(40, 900))),
        (14, "UserEventAgent", None, lambda: "Captive: en0 network 'Hallway-5G' is not captive"),
        (12, "airportd", None, lambda: "_doAutoJoin: Already associated to \"Hallway-5G\". Bailing on auto-join."),
        (10, "coreaudiod", None, lambda: "Audio IO Cycle Telemetry: IO cycle %d, overloads 0" % rng.randint(10000, 99999)),
        (10, "corebrightnessd", None, lambda: "Auto-brightness: lux=%d, nits=%d" % (rng.randint(5, 900), rng.randint(80, 500))),
        (10, "Dock", None, lambda: "-[DOCKSpaces displayConfigurationChanged] no change"),
        (10, "nsurlsessiond", None, lambda: "Task <%s>.<%d> finished with error [-999] Error Domain=NSURLErrorDomain "
                                            "Code=-999 \"cancelled\"" % (uuid(rng), rng.randint(1, 9))),
        (10, "CalendarAgent", None, lambda: "Refreshing account 'iCloud' (%d calendars)" % rng.randint(3, 9)),
        (8, "secd", None, lambda: "SOSAccount: ring status unchanged (%d peers)" % rng.randint(2, 5)),
        (8, "identityservicesd", None, lambda: "Registration for account %s is current (expires in %d days)"
                                               % (uuid(rng), rng.randint(10, 90))),
        (12, "Safari", None, lambda: "WebContent process %d became responsive again after %d ms"
                                     % (rng.randint(3000, 9000), rng.randint(300, 4000))),
        (12, "com.apple.WebKit.WebContent", None, lambda: "[%d:%d] No default presentation size for video. Using "
                                                          "initial size." % (rng.randint(100, 900), rng.randint(1, 9))),
        (8, "Mail", None, lambda: "Connection to imap.example.net timed out, retrying in %d seconds" % rng.randint(5, 60)),
        (8, "Slack Helper", None, lambda: "Font server protocol version mismatch (expected:5 got:%d), falling back"
                                          % rng.choice((4, 4, 3))),
        (6, "zoom.us", None, lambda: "AVCaptureDevice %s was suspended" % rng.choice(("FaceTime HD Camera", "iPhone Camera"))),
        (8, "QuickLookSatellite", None, lambda: "generated thumbnail for %s.pdf in %d ms"
                                                % (rng.choice(("invoice-2026-02", "boarding-pass", "lease")),
                                                   rng.randint(20, 400))),
        (8, "mds_stores", None, lambda: "(Normal) DiskStore: Rotating index %d" % rng.randint(1, 9)),
        (6, "syslogd", None, lambda: "rotating /var/log/system.log (%d bytes)" % rng.randint(10 ** 6, 5 * 10 ** 6)),
        (6, "CommCenter", None, lambda: "#I CTServerConnection: connection established for client com.apple.%s"
                                        % rng.choice(("identityservicesd", "sharingd"))),
    ]
    weights = [t[0] for t in templates]

    lines = []
    t = [0]
    day = [9]

    def stamp():
        secs = t[0]
        return "Feb %2d %02d:%02d:%02d" % (day[0] + secs // 86400, (secs // 3600) % 24, (secs // 60) % 60, secs % 60)

    def emit(proc, pid, msg):
        if "4013" in msg or "4005" in msg:      # keep restore-like numbers out of a clean log
            return
        if pid is None:
            pid = pids[proc]
        lines.append("%s %s %s[%d]: %s" % (stamp(), host, proc, pid, msg))

    def phone_session():
        """An iPhone is plugged in to charge; Finder pairs and backs it up. No restore."""
        loc = "0x%08x" % rng.choice((0x14100000, 0x14200000, 0x01100000))
        emit("kernel", 0, "USB device iPhone (vid 0x05ac, pid 0x12a8) attached at location %s, 480 Mbps" % loc)
        t[0] += 1
        emit("usbmuxd", None, "Connected to device %s over USB, location %s" % (phone_udid, loc))
        mux = rng.randint(20, 90)
        emit("AMPDeviceDiscoveryAgent", None, "Entered:_AMMuxedDeviceConnected, mux-device:%d" % mux)
        emit("AMPDeviceDiscoveryAgent", None, "tethered device %s (iPhone13,2, iOS 18.3.2) is paired and trusted"
             % phone_udid)
        t[0] += rng.randint(1, 4)
        emit("powerd", None, "Accessory iPhone connected: charging at 500 mA (USB-C)")
        for pct in sorted(rng.sample(range(5, 100, 5), rng.randint(2, 5))) + [100]:
            t[0] += rng.randint(5, 60)
            emit("AMPDeviceDiscoveryAgent", None, "Sync session for %s: backup %d%% complete" % (phone_udid, pct))
        t[0] += rng.randint(60, 900)
        emit("AMPDeviceDiscoveryAgent", None, "Entered:__thr_AMMuxedDeviceDisconnected, mux-device:%d" % mux)
        emit("usbmuxd", None, "Device %s removed from USB" % phone_udid)
        emit("kernel", 0, "USB device iPhone at location %s detached" % loc)

    t[0] = 7 * 3600 + 42 * 60 + 11
    n = 0
    while len(lines) < 2010:
        r = rng.random()
        if r < 0.004:
            # lid closed: a long sleep
            emit("kernel", 0, "PMRD: System Sleep Reason: Clamshell Sleep")
            emit("kernel", 0, "IO80211Interface::setLinkState: en0 link down (system sleep)")
            t[0] += rng.randint(3600, 9 * 3600)
            emit("kernel", 0, "Wake reason: EC.LidOpen (User)")
            emit("kernel", 0, "IO80211Interface::setLinkState: en0 link up (channel 36, 80MHz)")
            continue
        if r < 0.010:
            phone_session()
            continue
        t[0] += rng.choice((0, 0, 1, 1, 2, 3, 5, 8, 13, 30, 60, 120))
        proc_t = rng.choices(templates, weights)[0]
        emit(proc_t[1], proc_t[2], proc_t[3]())
        n += 1
    write_text("macos-system-clean.log", "\n".join(lines) + "\n")
    write_expect("macos-system-clean", "no-restore-found", [], None, "syslog",
                 "Ordinary macOS /var/log/system.log noise (Wi-Fi, powerd, mDNSResponder, launchd, sandbox denials) "
                 "plus an iPhone plugged in to charge and back up a few times: no restore or update attempt and no "
                 "failure, so nothing may be diagnosed. The generic 'error' words must not trigger a cause.")


# --------------------------------------------------------------------------------------
# 12. unified-log-4005.log - `log show` excerpt of a Finder restore on macOS (4005)
# --------------------------------------------------------------------------------------

def sample_unified_4005():
    rng = random.Random(4005)
    tz = "+0100"
    t = [((15 * 60 + 2) * 60 + 7) * 1000000 + rng.randint(0, 999999)]   # microseconds
    lines = []
    ampd = (812, 104233)
    tids = {"AMPDevicesAgent": [104233, 104251, 104377], "kernel": [0], "usbmuxd": [133],
            "Finder": [603], "AMPDeviceDiscoveryAgent": [618], "mds": [88], "powerd": [64],
            "WindowServer": [221], "trustd": [203], "nsurlsessiond": [389], "apsd": [110]}
    pids = {"AMPDevicesAgent": 812, "kernel": 0, "usbmuxd": 133, "Finder": 603, "AMPDeviceDiscoveryAgent": 618,
            "mds": 88, "powerd": 64, "WindowServer": 221, "trustd": 203, "nsurlsessiond": 389, "apsd": 110}
    tid_numbers = {0: 0x1a2b, 133: 0x5e1, 603: 0x2f31, 618: 0x4d2, 88: 0x77a, 64: 0x1e8, 221: 0x9c4, 203: 0x3b1,
                   389: 0x6d0, 110: 0x2a9}

    t_start = t[0]

    def stamp():
        us = t[0]
        return "2026-02-10 %02d:%02d:%02d.%06d%s" % ((us // 3600000000) % 24, (us // 60000000) % 60,
                                                   (us // 1000000) % 60, us % 1000000, tz)

    def L(proc, msg, lo=50, hi=40000, tid=None):
        t[0] += rng.randint(lo, hi)
        pid = pids[proc]
        if tid is None:
            tid = rng.choice(tids[proc]) if proc == "AMPDevicesAgent" else tid_numbers[pid]
        lines.append("%s %s[%d:%d] %s" % (stamp(), proc, pid, tid, msg))

    def wait(sec):
        t[0] += int(sec * 1000000)

    def noise(k=1):
        for _ in range(k):
            p = rng.choice(["mds", "powerd", "WindowServer", "trustd", "nsurlsessiond", "apsd"])
            msg = {"mds": lambda: "(Normal) Volume: volume:0x%x ********Stats for volume. Indexing %d items"
                                  % (0x7fa000000000 + rng.randint(0, 16 ** 8), rng.randint(10, 900)),
                   "powerd": lambda: "Process AMPDevicesAgent.812 Created PreventUserIdleSystemSleep "
                                     "\"com.apple.AMPDevicesAgent.restore\" age:00:00:00 id:%d" % rng.randint(10 ** 10, 10 ** 11),
                   "WindowServer": lambda: "Space %d became active on display 1" % rng.randint(1, 3),
                   "trustd": lambda: "cert[0]: SubjectCommonName =(leaf)[]> 0",
                   "nsurlsessiond": lambda: "Task <%s>.<1> finished successfully" % uuid(rng),
                   "apsd": lambda: "Connection state changed: connected=YES interface=en0"}[p]()
            L(p, msg, 1000, 900000)

    udid = "00008110-001A2B3C4D5E6F2E"
    ecid = "001A2B3C4D5E6F2E"
    srtg = "CPID:8110 CPRV:11 CPFM:03 SCEP:01 BDID:0E ECID:%s IBFL:3C SRTG:[iBoot-10151.120.12]" % ecid
    L("Finder", "Restore requested by user for \"Lena's iPhone\" (%s)" % udid)
    L("AMPDevicesAgent", "restore library built Apr 19 2024 at 22:05:51")
    L("AMPDevicesAgent", "AMPDevicesAgent: using MobileDevice-1686.120.3, macOS 14.5 (23F79)")
    L("AMPDevicesAgent", "Software payload version: 21F90")
    L("AMPDevicesAgent", "requested restore behavior: Erase")
    L("AMPDevicesAgent", "Entering recovery mode, starting command: enter recovery")
    noise(2)
    L("usbmuxd", "Device %s removed from USB" % udid, 200000, 900000)
    wait(6.2)
    L("kernel", "(IOUSBHostFamily) iPhone Recovery Mode@01100000: IOUSBHostDevice::start: device enumerated, "
                "serial '%s'" % srtg)
    L("AMPDevicesAgent", "<Recovery Mode Device 0x6000021a4c80>: production fused device")
    L("AMPDevicesAgent", "<Recovery Mode Device 0x6000021a4c80>: iBoot build-version = iBoot-10151.120.12")
    L("AMPDevicesAgent", "<Recovery Mode Device 0x6000021a4c80>: ProductType = iPhone14,7")
    tmp = "/var/folders/k3/%s/T/Per%s.tmp" % (hexs(rng, 28, False), hexs(rng, 6))
    L("AMPDevicesAgent", "amai: AMAuthInstallRequestSendSync: SSO function returned NULL and no SSO token was "
                         "provided, SSO disabled.")
    L("AMPDevicesAgent", "amai: AMAuthInstallDebugWriteObject: debug object written: file://%s/amai/debug/"
                         "tss-request.plist" % tmp)
    L("AMPDevicesAgent", "amai: tss_submit_job_with_retry: TSS Connection attempt 1 of 3.  (Will retry if "
                         "TSS_ERR_SERVER_NOT_REACHABLE.)")
    wait(0.8)
    L("AMPDevicesAgent", "amai: tss_submit_job: HttpQueryInfo returned 200")
    L("AMPDevicesAgent", "amai: AMAuthInstallRequestSendSync: received tss response (server version: 2.1.0)")
    L("AMPDevicesAgent", "amai: AMAuthInstallDebugWriteObject: debug object written: file://%s/amai/debug/"
                         "tss-response.plist" % tmp)
    for _ in range(6):
        L("AMPDevicesAgent", "<Recovery Mode Device 0x6000021a4c80>: operation 4 progress -1", 300000, 3000000)
    L("AMPDevicesAgent", "<Recovery Mode Device 0x6000021a4c80>: Recovery mode succeeded")
    L("AMPDevicesAgent", "Finished Recovery Restore Phase: Successful")
    L("AMPDevicesAgent", "Recovery mode device disconnected")
    wait(14.0)
    L("kernel", "(IOUSBHostFamily) iPhone@01100000: IOUSBHostDevice::start: device enumerated, serial '%s'" % udid)
    L("usbmuxd", "Connected to device %s over USB, location 0x01100000 (restore OS)" % udid)
    rdev = "<Restore Device 0x600002b7d2c0>"
    L("AMPDevicesAgent", "%s: Restore protocol version 15" % rdev)

    def op(n, p, lo=200000, hi=3000000):
        L("AMPDevicesAgent", "%s: operation %d progress %d" % (rdev, n, p), lo, hi)

    def cpd(cid):
        L("AMPDevicesAgent", "Completed checkpoint id: 0x%X" % cid, 1000, 300000)

    for cid in (0x600, 0x601, 0x655, 0x604, 0x608):
        cpd(cid)
    op(35, -1)
    cpd(0x609)
    op(28, -1)
    for cid in (0x60B, 0x60C, 0x60D, 0x60F, 0x610, 0x611, 0x613, 0x614, 0x654, 0x615, 0x616, 0x617, 0x618,
                0x619, 0x61A, 0x61B, 0x61D):
        cpd(cid)
    op(11, -1)
    op(12, -1)
    noise(2)
    for cid in (0x64E, 0x61F, 0x643, 0xF06, 0x626, 0x677, 0x659, 0x65A):
        cpd(cid)
    op(13, 0)
    for pct in range(2, 101, 2):
        op(13, pct, 2500000, 4500000)
        if rng.random() < 0.25:
            noise(1)
    op(14, 0)
    for pct in range(10, 101, 10):
        op(14, pct, 1500000, 2500000)
    cpd(0x65B)
    op(27, -1)
    for cid in (0x628, 0x652, 0x69A, 0x69B, 0x67D, 0x634):
        cpd(cid)
    op(18, -1)
    L("AMPDevicesAgent", "amai: tss_submit_job_with_retry: TSS Connection attempt 1 of 3.  (Will retry if "
                         "TSS_ERR_SERVER_NOT_REACHABLE.)")
    L("AMPDevicesAgent", "amai: tss_submit_job: HttpQueryInfo returned 200", 400000, 900000)
    op(19, -1)
    for pct in (0, 25, 50, 75, 100):
        op(19, pct, 1000000, 3000000)
    cpd(0x1303)
    cpd(0x635)
    cpd(0x668)
    cpd(0x67B)
    op(46, -1)
    cpd(0x647)
    cpd(0x648)
    L("AMPDevicesAgent", "%s: Restore completed on device, status 0" % rdev)
    L("AMPDevicesAgent", "Finished RestoreOS Restore Phase: Successful")
    L("AMPDevicesAgent", "Waiting for device to transition from RestoreOS state to BootedOS state", 1000, 20000)
    wait(2.1)
    L("usbmuxd", "Device %s removed from USB" % udid)
    L("AMPDevicesAgent", "RestoreOS mode device disconnected")
    wait(41.0)
    # the phone re-enumerates as a normal device but never finishes booting to lockdown
    L("kernel", "(IOUSBHostFamily) iPhone@01100000: IOUSBHostDevice::start: device enumerated, serial '%s'" % udid)
    L("usbmuxd", "Connected to device %s over USB, location 0x01100000" % udid)
    for i in range(24):
        wait(rng.uniform(20.0, 30.0))
        L("AMPDeviceDiscoveryAgent", "Entered:_AMMuxedDeviceConnected, mux-device:%d" % (61 + i))
        L("AMPDeviceDiscoveryAgent", "lockdownd on %s not answering yet (device still booting), will retry" % udid,
          1000, 90000)
        if i % 3 == 0:
            noise(1)
    L("AMPDevicesAgent", "Timer fired to timeout transitioning device")
    L("AMPDevicesAgent", "Device isn't booted but USB is up.", 100, 900)
    L("AMPDevicesAgent", "Restore completed, status: 4005", 100, 900)
    L("AMPDevicesAgent", "Elapsed time (in seconds): %d" % ((t[0] - t_start) // 1000000), 0, 100)
    L("AMPDevicesAgent", "Failure Description:", 0, 100)
    L("AMPDevicesAgent", "Depth:0 Code:4005 Error:Gave up waiting for device to transition from RestoreOS state "
                         "to BootedOS State.", 0, 100)
    L("AMPDevicesAgent", "AMPDevicesAgent: Restore error 4005", 100, 900)
    L("Finder", "Error Domain=com.apple.MobileDevice.MobileRestore Code=4005 \"(null)\" UserInfo={NSLocalized"
                "Description=Gave up waiting for device to transition from RestoreOS state to BootedOS State.}")
    L("Finder", "Gave up waiting for device to transition from RestoreOS state to BootedOS State. "
                "[com.apple.MobileDevice.MobileRestore \u2013 0xFA5 (4005)]")
    noise(3)
    write_text("unified-log-4005.log", "\n".join(lines) + "\n")
    write_expect("unified-log-4005", "failed", [4005], "device-software", "unified-log",
                 "A Finder restore whose device side completed (checkpoints and operations run through the image, "
                 "firmware and baseband steps) but the phone never came back as a booted device: 'Timer fired to "
                 "timeout transitioning device', 'Device isn't booted but USB is up.', 4005 'Gave up waiting for "
                 "device to transition from RestoreOS state to BootedOS State'. No USB, TSS or hardware error: a "
                 "transient device state - force restart, then retry the restore.")



# --------------------------------------------------------------------------------------
# 15. wrapped-console-unified-4005.txt (build-archives.sh cuts unified-log-4005.log with
#     `fold -w 80`); only its expectation is written here
# --------------------------------------------------------------------------------------

def wrapped_console_4005():
    write_expect("wrapped-console-unified-4005", "failed", [4005], "device-software", "unified-log",
                 "unified-log-4005.log copied out of an 80-column console window: every longer line cut at "
                 "exactly 80 columns, inside words. The pieces are rejoined without a blank where the cut fell "
                 "inside a word (note LA118), so the diagnosis is the original's; read line by line, the timeout "
                 "lines are split and the attempt is left inconclusive with USB noise on top.")


# --------------------------------------------------------------------------------------
# 6. sysdiagnose archive sources (samples/src/<name>/<name>/...)
# --------------------------------------------------------------------------------------

def apple_double():
    """Minimal AppleDouble companion as macOS tar writes next to files (`._name`)."""
    header = struct.pack(">II16sH", 0x00051607, 0x00020000, b"Mac OS X        ", 1)
    entry = struct.pack(">III", 9, 26 + 12, 32)          # Finder info
    return header + entry + b"\x00" * 32


def sample_sysdiagnose():
    rng = random.Random(2024)
    root = SYSDIAG                            # src/<name>/ is the archive's single top folder
    kernel = ("Darwin Kernel Version 22.6.0: Tue Nov  7 21:40:38 PST 2023; "
              "root:xnu-8796.142.1.702.9~1/RELEASE_ARM64_T8015")
    first = "panic(cpu 0 caller {caller}): ANS2 Recoverable Panic - assert failed"
    text = panic_text(rng, first, "User", "20H240", kernel, "iBoot-8422.142.2.700.1",
                      "Panicked task 0x%016x: 0 pages, 318 threads: pid 0: kernel_task"
                      % (0xffffffe000000000 + rng.randint(0, 0xfffffff) * 8),
                      KEXTS_COMMON, backtrace_kext="com.apple.driver.AppleANS2NVMeController(1.0)")
    procs = [(0, "kernel_task"), (1, "launchd"), (40, "UserEventAgent"), (57, "softwareupdateservicesd"),
             (58, "lockdownd"), (96, "mobile_obliteration"), (101, "SpringBoard")]
    panic = panic_ips(rng, "210", "2026-03-14 09:55:12.00 -0700", "16.7.4", "20H240", "iPhone10,1", "0x00008015",
                      kernel, "panicString", text, procs)
    pname = "panic-full-2026-03-14-095512.000.ips"
    write_text(root + "/crashes_and_spins/Panics/" + pname, panic, root=SRC)
    write_bytes(root + "/crashes_and_spins/Panics/._" + pname, apple_double(), root=SRC)

    # lockdownd.log: `MM/DD/YY HH:MM:SS.ffffff pid=N function: message` (EC-DIGIT parser shape)
    lk = []
    serial = "F17VK2LSHG7J"
    boots = [(3, 13, 21, 37, 9), (3, 14, 9, 12, 40), (3, 14, 9, 56, 31), (3, 14, 10, 20, 58)]
    for mo, d, hh, mm, ss in boots:
        pid = rng.choice((58, 61, 63))
        us = rng.randint(0, 999999)

        def L(func, msg, step=(300, 90000)):
            nonlocal us, ss, mm
            us += rng.randint(*step)
            while us >= 1000000:
                us -= 1000000
                ss += 1
            while ss >= 60:
                ss -= 60
                mm += 1
            lk.append("%02d/%02d/26 %02d:%02d:%02d.%06d pid=%d %s: %s" % (mo, d, hh, mm, ss, us, pid, func, msg))

        L("lockstart_local", "Build version: 20H240")
        L("lockstart_local", "Product type: iPhone10,1")
        L("lockstart_local", "Serial number: %s" % serial)
        L("data_ark_set_block_invoke", "dirtied by changing -ActivationState")
        L("mglog", "libMobileGestalt MobileGestaltSupport.m:153: pid %d (lockdownd) does not have sandbox access "
                   "for re6Zb+zwFKJNlkQTUeT+/w" % pid)
        L("handle_activation", "device is activated")
        L("lockstart_local", "Waiting for SpringBoard to come up", (200000, 900000))
        if (d, hh, mm) != (14, 10, 20):
            L("lockstart_local", "SpringBoard is up", (2000000, 6000000))
            for _ in range(rng.randint(3, 7)):
                L("handle_connection", "Connected to %s over usbmux (host id %s)" % (rng.choice(("iTunes",
                                                                                                  "AMPDevicesAgent")),
                                                                                      uuid(rng)),
                  (1000000, 9000000))
                L("handle_connection", "Service request for com.apple.mobile.%s" %
                  rng.choice(("diagnostics_relay", "notification_proxy", "installation_proxy")))
        else:
            L("lockstart_local", "SpringBoard is up", (2000000, 6000000))
            L("handle_connection", "Service request for com.apple.mobile.diagnostics_relay", (9000000, 20000000))
            L("handle_connection", "Service request for com.apple.sysdiagnose.remote")
    write_text(root + "/logs/MobileLockdown/lockdownd.log", "\n".join(lk) + "\n", root=SRC)
    write_bytes(root + "/logs/MobileLockdown/._lockdownd.log", apple_double(), root=SRC)

    # SoftwareUpdateServices.log (line layout unconfirmed, see README)
    su = []
    tsec = [(9 * 60 + 38) * 60 + 2]

    def S(msg, lo=0, hi=3):
        tsec[0] += rng.randint(lo, hi)
        x = tsec[0]
        su.append("2026-03-14 %02d:%02d:%02d-07 iPhone softwareupdateservicesd[57]: %s"
                  % (x // 3600, (x // 60) % 60, x % 60, msg))

    S("SUManagerServer: Client com.apple.Preferences requested install of iOS 16.7.5 (20H307)")
    S("SUManagerServer: Battery level 64%, on power: YES")
    S("SUManagerServer: Space check: required 2914 MB, available 6021 MB")
    S("SUCoreUpdate: [MSU] download already complete, asset 20H307 (UpdateBrain 1.0)")
    S("SUCoreUpdate: [MSU] Preparing update: targetOSVersion:16.7.5 targetBuildVersion:20H307", 1, 5)
    for pct in range(5, 60, 5):
        S("SUCoreUpdate: [MSU] prepare progress %d%%" % pct, 20, 70)
        if pct == 35:
            S("SUCoreUpdate: [MSU] apfs snapshot operation took %d ms" % rng.randint(8000, 30000), 1, 5)
    S("SUCoreUpdate: [MSU] prepare failed: Error Domain=NSPOSIXErrorDomain Code=5 \"Input/output error\" "
      "UserInfo={NSFilePath=/private/var/MobileSoftwareUpdate/Controller/stage/payload.000.ar, "
      "NSLocalizedDescription=read failed while verifying payload}", 40, 120)
    S("SUManagerServer: Install failed: prepare failed (Input/output error)")
    S("SUManagerServer: Reporting installation failure to SpringBoard: Unable to Install Update")
    S("SUManagerServer: Scheduling retry in 86400 seconds")
    tsec[0] = (9 * 60 + 56) * 60 + 50
    S("SUManagerServer: Device rebooted unexpectedly while install state was PreparingUpdate")
    S("SUManagerServer: Found install failure marker, clearing staged update")
    S("SUManagerServer: Purge of staged update failed: Error Domain=NSPOSIXErrorDomain Code=5 "
      "\"Input/output error\"", 5, 20)
    write_text(root + "/logs/OTA/SoftwareUpdateServices.log", "\n".join(su) + "\n", root=SRC)

    # summaries/crashes_and_spins.log
    summary = ["Crash reports and spins found on device:",
               "/private/var/mobile/Library/Logs/CrashReporter/%s,%d" % (pname, len(panic.encode())),
               ""]
    write_text(root + "/summaries/crashes_and_spins.log", "\n".join(summary), root=SRC)

    # binary members: tracev3 (fake), PowerLog (SQLite magic), a binary plist, an XML plist
    brng = random.Random(77)
    tracev3 = struct.pack("<IIQ", 0x1000, 0x11, 0xd0) + bytes(brng.getrandbits(8) for _ in range(4072))
    write_bytes(root + "/system_logs.logarchive/Persist/0000000000000a1f.tracev3", tracev3, root=SRC)
    info = plistlib.dumps({"OSArchiveVersion": 4, "ArchiveIdentifier": "8C1F2A6E-5D3B-4E7A-9F10-2B6C8D4E1A37",
                           "EndTimeRef": {"ContinuousTime": 91823311020416}}, fmt=plistlib.FMT_XML)
    write_bytes(root + "/system_logs.logarchive/Info.plist", info, root=SRC)
    sqlite = bytearray(4096)
    sqlite[0:16] = b"SQLite format 3\x00"
    sqlite[16:18] = struct.pack(">H", 4096)
    sqlite[18:24] = bytes((1, 1, 0, 64, 32, 32))
    sqlite[28:32] = struct.pack(">I", 1)
    sqlite[44:48] = struct.pack(">I", 4)
    sqlite[56:60] = struct.pack(">I", 1)
    sqlite[100] = 0x0d
    write_bytes(root + "/logs/powerlogs/powerlog_2026-03-14_10-22_6C1E9A3B.PLSQL", bytes(sqlite), root=SRC)
    sv = plistlib.dumps({"BuildID": "6F2C3A10-8E11-11EE-9D7B-3A91B0C4D2E1", "ProductBuildVersion": "20H240",
                         "ProductCopyright": "1983-2024 Apple Inc.", "ProductName": "iPhone OS",
                         "ProductVersion": "16.7.4", "SystemImageID": "0E5B7C9A-2D4F-4A61-8B3E-7F1C2D3E4A5B"},
                        fmt=plistlib.FMT_BINARY)
    write_bytes(root + "/logs/SystemVersion/SystemVersion.plist", sv, root=SRC)
    write_bytes(root + "/logs/SystemVersion/._SystemVersion.plist", apple_double(), root=SRC)
    write_expect(SYSDIAG, "no-restore-found", [], "storage", "ips-panic",
                 "A sysdiagnose (iPhone10,1, iOS 16.7.4) taken after an over-the-air update failed. loganalyze "
                 "has no signatures for SoftwareUpdateServices.log yet (no real excerpt of its failure lines is "
                 "known), so no restore attempt is found; the 'ANS2 Recoverable Panic' in crashes_and_spins/Panics "
                 "still points at the storage controller, so storage leads the causes. Binary members (tracev3, "
                 "PLSQL, bplist) and AppleDouble ._ files must be skipped, not reported as damaged.")


# --------------------------------------------------------------------------------------

def generate(out):
    global OUT
    OUT = out
    sample_asr_checksum()          # 1
    sample_bbupdater()             # 2
    sample_fdr53()                 # 3
    sample_html_storage()          # 4
    sample_i2c_panic()             # 5
    sample_sysdiagnose()           # 6 (sources; build-archives.sh makes the .tar.gz)
    sample_two_attempts()          # 7 (sources; build-archives.sh makes the .zip)
    sample_mac_clean()             # 8
    sample_app_crash()             # 9
    sample_forcereset()            # 10
    sample_success()               # 11
    sample_unified_4005()          # 12
    sample_utf16()                 # 13 (UTF-8 source; build-archives.sh makes the UTF-16 file)
    wrapped_console_4005()         # 15 (build-archives.sh makes the .txt)


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:], generate,
                 owned_dirs=[SRC + "/" + d for d in ("two-attempts-cables", "pasted-forum-utf16", SYSDIAG)]))
