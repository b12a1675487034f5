#!/usr/bin/env python3
"""Self-test of the vocabulary extractor, the classification table and the committed packs.

    python3 scripts/vocab/test_vocab.py [-v]

The packs' re-derivation test (--check) needs the producers' git mirrors; without them it is
skipped (set VOCAB_MIRROR_ROOT to where they are). Standard library only.
"""

import io
import os
import re
import sys
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import classify  # noqa: E402
import extract  # noqa: E402
import generate  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
COMMIT = "0" * 40


def c_messages(text, producer="idevicerestore", path="src/x.c"):
    defines, enums = {}, {}
    extract.collect_enums(text, enums)
    extract.collect_defines(text, defines)
    recs, skipped = extract.extract_c(producer, path, text, COMMIT, defines, enums)
    return recs, skipped


def py_messages(text, path="pkg/x.py"):
    return extract.extract_py("pymobiledevice3", path, textwrap.dedent(text), COMMIT)


class CExtraction(unittest.TestCase):
    SRC = textwrap.dedent(r'''
        #include <inttypes.h>
        #define TMPDIR "/tmp"
        #define FW_PATH TMPDIR "/fw"
        /* error("not a message in a comment\n"); */
        static void error(const char* fmt, ...);

        int restore_send(struct client *c, uint64_t n)
        {
        #ifdef WIN32
            if (a) {
        #else
            if (b) {
        #endif
                logger(LL_ERROR, "Unable to send %" PRIu64 " bytes "
                       "to the device: %s\n", n, strerror(errno));
                return -7;
            }
            // info("commented out: ERROR\n");
            info("Sending data...\n");
            info("ERROR: Unable to find %s in " FW_PATH "\n", name);
            debug("irecv_usb_bulk_transfer failed, error %d\n", err);
            fprintf(stderr, "ERROR: Could not open %s\n", path);
            fprintf(f, "ERROR: written to a file, not printed\n");
            switch (status) {
                case 6:
                    logger(LL_INFO, "Status: Disk Failure\n");
                    break;
                case 50:
                case 51:
                    logger(LL_INFO, "Status: Failed to load SEP Firmware.\n");
                    break;
            }
            return 0;
        }

        typedef enum {
            IRECV_E_SUCCESS = 0,
            IRECV_E_NO_DEVICE = -1,
            IRECV_E_OUT_OF_MEMORY = -2,
            IRECV_E_TIMEOUT = -11,
        } irecv_error_t;

        const char* irecv_strerror(irecv_error_t error)
        {
            switch (error) {
            case IRECV_E_SUCCESS:
                return "Command completed successfully";
            case IRECV_E_NO_DEVICE:
                return "Unable to find device";
            case IRECV_E_TIMEOUT:
                return "Timeout talking to device";
            default:
                return "Unknown error";
            }
        }
    ''')

    def setUp(self):
        self.recs, self.skipped = c_messages(self.SRC)
        self.by_fmt = {r["format"]: r for r in self.recs}

    def test_concatenation_and_pri_macros(self):
        r = self.by_fmt.get("Unable to send %llu bytes to the device: %s")
        self.assertIsNotNone(r, sorted(self.by_fmt))
        self.assertEqual(r["level"], "error")
        self.assertEqual(r["function"], "restore_send")
        self.assertEqual(r["code"], -7)
        self.assertEqual(r["line"], 15)

    def test_string_defines_expand(self):
        self.assertIn("ERROR: Unable to find %s in /tmp/fw", self.by_fmt)
        self.assertEqual(self.by_fmt["ERROR: Unable to find %s in /tmp/fw"]["level"], "error")

    def test_low_levels_only_with_error_words(self):
        self.assertNotIn("Sending data...", self.by_fmt)
        self.assertIn("irecv_usb_bulk_transfer failed, error %d", self.by_fmt)

    def test_comments_and_declarations_are_not_messages(self):
        for f in self.by_fmt:
            self.assertNotIn("comment", f)

    def test_fprintf_only_to_stderr(self):
        self.assertIn("ERROR: Could not open %s", self.by_fmt)
        self.assertNotIn("ERROR: written to a file, not printed", self.by_fmt)

    def test_status_case_codes(self):
        self.assertEqual(self.by_fmt["Status: Disk Failure"]["code"], 6)
        sep = self.by_fmt["Status: Failed to load SEP Firmware."]
        self.assertEqual((sep["code"], sep["codes"]), (50, [50, 51]))

    def test_strerror_table_with_enum_values(self):
        self.assertEqual(self.by_fmt["Unable to find device"]["code"], -1)
        self.assertEqual(self.by_fmt["Timeout talking to device"]["code"], -11)
        self.assertEqual(self.by_fmt["Timeout talking to device"]["symbol"], "IRECV_E_TIMEOUT")
        self.assertNotIn("Command completed successfully", self.by_fmt)

    def test_order_is_by_line(self):
        lines = [r["line"] for r in self.recs]
        self.assertEqual(lines, sorted(lines))


class CppExtraction(unittest.TestCase):
    SRC = textwrap.dedent(r'''
        #define reterror(code,msg ...) error(msg),throw int(code)
        void futurerestore::doRestore(const char *ipsw) {
            if (!ok) reterror(-10, "ERROR: Unable to place device into restore mode\n");
            retassure(mode == MODE_RECOVERY, "Device is in %s mode, expected " "recovery\n", m);
            if (x) throw tihmstar::exception(__LINE__, "bad ticket %d", LOCAL_FILENAME, n);
            cretassure(y, "cannot continue\n");
            safeFree(buf);
        }
        int futurerestore::init() const {
            reterror("unsupported device mode\n");
        }
    ''')

    def setUp(self):
        recs, _ = c_messages(self.SRC, "futurerestore", "src/futurerestore.cpp")
        self.by_fmt = {r["format"]: r for r in recs}

    def test_reterror_with_code(self):
        r = self.by_fmt["ERROR: Unable to place device into restore mode"]
        self.assertEqual((r["code"], r["level"], r["function"]),
                         (-10, "exception", "futurerestore::doRestore"))

    def test_retassure_joins_literals(self):
        self.assertIn("Device is in %s mode, expected recovery", self.by_fmt)
        self.assertIn("cannot continue", self.by_fmt)

    def test_throw_and_reterror_without_code(self):
        self.assertIn("bad ticket %d", self.by_fmt)
        r = self.by_fmt["unsupported device mode"]
        self.assertNotIn("code", r)
        self.assertEqual(r["function"], "futurerestore::init")


class PythonExtraction(unittest.TestCase):
    SRC = r'''
        import logging
        logger = logging.getLogger(__name__)

        known_errors = {
            0xFFFFFFFFFFFFFFFF: "verification error",
            6: "disk failure",
        }

        class Restore:
            def send(self, data_port, name):
                if not data_port:
                    raise ConnectionFailedError(f"failed to establish connection to {data_port}")
                if name is None:
                    raise NoDeviceConnectedError()
                self.logger.warning(f'No "{name}" in TSS response, 100% sure')
                logger.error("%s: data size is 0", "mbn_stitch")
                logger.info("Connecting to port")
                print("ERROR: could not read {}".format(name))
                raise PyMobileDevice3Exception(str(data_port))
    '''

    def setUp(self):
        self.recs, self.skipped = py_messages(self.SRC)
        self.by_fmt = {r["format"]: r for r in self.recs}

    def test_fstring_to_format(self):
        r = self.by_fmt["failed to establish connection to %s"]
        self.assertEqual((r["exception"], r["function"], r["level"]),
                         ("ConnectionFailedError", "Restore.send", "exception"))
        self.assertIn('No "%s" in TSS response, 100%% sure', self.by_fmt)

    def test_raise_without_message_is_the_class(self):
        self.assertEqual(self.by_fmt["NoDeviceConnectedError"]["exception"],
                         "NoDeviceConnectedError")

    def test_logger_and_print(self):
        self.assertEqual(self.by_fmt["%s: data size is 0"]["level"], "error")
        self.assertNotIn("Connecting to port", self.by_fmt)
        self.assertIn("ERROR: could not read %s", self.by_fmt)

    def test_error_table(self):
        self.assertEqual(self.by_fmt["verification error"]["code"], -1)
        self.assertEqual(self.by_fmt["disk failure"]["code"], 6)

    def test_computed_message(self):
        self.assertEqual(self.by_fmt["%s"]["exception"], "PyMobileDevice3Exception")


class ShellExtraction(unittest.TestCase):
    SRC = r"""
error() {
    echo -e "${color_R}[Error] ${1}\n${color_Y}${*:2}${color_N}"
    exit 1
}

device_enter_mode() {
    # error "commented out"
    log "Entering $mode mode..."
    $tar2 "$@" || error "An error occurred with the tar operation: $*"
    error "Failed to find device in $mode mode (Timed out). Please run the script again." "$error_msg"
    warn "Pressing \"Trust\" can take 100% of $(date) time"
    Error "Your device ${device_type} is not supported."
}
"""

    def setUp(self):
        self.recs, _ = extract.extract_sh("legacy-ios-kit", "restore.sh", self.SRC, "c0ffee")
        self.by_fmt = {r["format"]: r for r in self.recs}

    def test_expansions_become_conversions(self):
        self.assertEqual(set(self.by_fmt), {
            "An error occurred with the tar operation: %s",
            "Failed to find device in %s mode (Timed out). Please run the script again.",
            'Pressing "Trust" can take 100%% of %s time',
            "Your device %s is not supported.",
        })

    def test_levels_functions_and_lines(self):
        r = self.by_fmt["Failed to find device in %s mode (Timed out). Please run the script again."]
        self.assertEqual((r["level"], r["function"], r["line"]), ("error", "device_enter_mode", 11))
        self.assertEqual(self.by_fmt['Pressing "Trust" can take 100%% of %s time']["level"],
                         "warning")


class ObjcExtraction(unittest.TestCase):
    """LeetDown: status lines whose colour is the level, NSLog, alert texts, method names."""
    SRC = textwrap.dedent(r'''
        @implementation LeetDownMain
        - (void)updateStatus:(NSString*)text color:(NSColor*)color1 {
            logtext = [logtext stringByAppendingString:text];
        }
        - (int)exploitDevice {
            dispatch_async(dispatch_get_main_queue(), ^{
                [self updateStatus:[NSString stringWithFormat:@"Pwning device with %@...", name] color:[NSColor greenColor]];
                [self updateStatus:[NSString stringWithFormat: @"Invalid exploit index: %i, unable to continue.", i] color:[NSColor greenColor]];
            });
            /*
            [self updateStatus:@"Exploit failed, please re-enter DFU mode" color:[NSColor redColor]];
            */
            return 0;
        }
        - (void)bootchainUploadManager:(NSString*)filename reconnect:(bool)reconnect {
            [self updateStatus:@"Failed to send " @"bootchain" color:[NSColor redColor]];
            [self updateStatus:@"Tap the \"trust\" button" color:[NSColor yellowColor]];
            [self showAlert:@"DFU device got lost" content:@"Please reconnect the USB cable"];
            [alert setMessageText:@"Select iPSW"];
            NSLog(@"LeetDown could not check for updates: %@", error.localizedDescription);
            NSLog(@"Latest version: %@", tag);
            printf("reconnect attempt %i failed\n", i);
        }
        @end
    ''')

    def setUp(self):
        self.recs, _ = c_messages(self.SRC, "leetdown", "LeetDown_M/LeetDownMain.mm")
        self.by_fmt = {r["format"]: r for r in self.recs}

    def test_sites_and_levels(self):
        got = {(r["format"], r["call"], r["level"]) for r in self.recs}
        self.assertEqual(got, {
            ("Invalid exploit index: %i, unable to continue.", "updateStatus:", "info"),
            ("Failed to send bootchain", "updateStatus:", "error"),
            ('Tap the "trust" button', "updateStatus:", "warning"),
            ("DFU device got lost", "alert", "print"),
            ("Please reconnect the USB cable", "alert", "print"),
            ("Select iPSW", "alert", "print"),
            ("LeetDown could not check for updates: %s", "NSLog", "print"),
            ("reconnect attempt %i failed", "printf", "print"),
        })

    def test_method_names(self):
        self.assertEqual(self.by_fmt["Invalid exploit index: %i, unable to continue."]["function"],
                         "exploitDevice")
        self.assertEqual(self.by_fmt["Failed to send bootchain"]["function"],
                         "bootchainUploadManager:reconnect:")


class WrapperExtraction(unittest.TestCase):
    def test_member_callbacks(self):
        src = textwrap.dedent(r'''
            int belladonna_restore(belladonna_ctx_t ctx) {
                ctx->debug_log("Restoring device\n");
                ctx->debug_log("Failed to enter pwned DFU mode\n");
                if (!ctx->client) {
                    ctx->error_log("Device not in pwned DFU mode\n");
                    return -1;
                }
                error_log("not through the context\n");
            }
        ''')
        recs, _ = c_messages(src, "n1ghtshade", "belladonna/libbelladonna.c")
        self.assertEqual([(r["format"], r["level"], r["function"]) for r in recs], [
            ("Failed to enter pwned DFU mode", "debug", "belladonna_restore"),
            ("Device not in pwned DFU mode", "error", "belladonna_restore"),
        ])

    def test_shell_calls_of_the_producer(self):
        src = textwrap.dedent(r'''
            printr()
            {
              echo -e "\033[1;31m$1\033[0m"
            }
            _detect() {
                printg "[*] Waiting for devices"
                printg '[*] Patching the kernel failed, 100% sure'
                printr "[-] Detected device in unsupported mode '$(get_device_mode)'"
            }
            printr "[-] failed to enter DFU mode, run downr1n.sh again"
        ''')
        recs, _ = extract.extract_sh("downr1n", "downr1n.sh", src, COMMIT)
        self.assertEqual([(r["format"], r["level"], r["function"]) for r in recs], [
            ("[*] Patching the kernel failed, 100%% sure", "info", "_detect"),
            ("[-] Detected device in unsupported mode '%s'", "error", "_detect"),
            ("[-] failed to enter DFU mode, run downr1n.sh again", "error", ""),
        ])

    def test_echo_with_marks(self):
        src = 'echo "[!] Homebrew is not here"\necho -e "\\033[1;33mRestore failed\\033[0m"\n' \
              'echo "Checking for updates..."\n'
        recs, _ = extract.extract_sh("surrealra1n", "surrealra1n.sh", src, COMMIT)
        self.assertEqual([(r["format"], r["level"]) for r in recs],
                         [("[!] Homebrew is not here", "error"), ("Restore failed", "print")])

    def test_python_exit_marks_and_colours(self):
        src = textwrap.dedent('''
            import sys
            def check():
                sys.exit(f"[ERROR] '{binary}' is not installed on your system. Exiting.")
                sys.exit(parser.print_help(sys.stderr))
                print('\\033[91m' + "ERROR: This device is not supported." + '\\033[0m')
                print("[!] You need to enter pwndfu")
                print("[*] Patching kernel")
                print("ERROR: Exiting...")
        ''')
        recs, _ = extract.extract_py("inferius", "inferius", src, COMMIT)
        self.assertEqual([(r["format"], r["level"], r["call"]) for r in recs], [
            ("[ERROR] '%s' is not installed on your system. Exiting.", "error", "exit"),
            ("ERROR: This device is not supported.", "error", "print"),
            ("[!] You need to enter pwndfu", "error", "print"),
        ])


class LibusbExtraction(unittest.TestCase):
    """libusb's shapes: usbi_err(ctx, fmt, ...) and its levels, functions annotated for
    clang's thread-safety analysis, libusb_error_name()'s case table, darwin_error_str()'s
    labels behind #if, libusb_strerror()'s table of languages indexed by -code, and the
    log_v() header before a one-word message."""
    HDR = textwrap.dedent(r'''
        enum libusb_error {
            LIBUSB_SUCCESS = 0,
            LIBUSB_ERROR_IO = -1,
            LIBUSB_ERROR_ACCESS = -3,
            LIBUSB_ERROR_OTHER = -99,
        };
        #define LIBUSB_ERROR_COUNT 4
    ''')
    SRC = textwrap.dedent(r'''
        static int claim_interface(struct libusb_device_handle *handle, uint8_t iface)
            REQUIRES(handle->lock)
        {
            int r = ioctl(fd, IOCTL_USBFS_CLAIMINTF, &iface);
            if (r < 0) {
                usbi_err(HANDLE_CTX(handle), "claim interface failed, errno=%d", errno);
                usbi_dbg(HANDLE_CTX(handle), "claim failed, retry %d", n);
                usbi_dbg(HANDLE_CTX(handle), "claiming interface %u", iface);
                usbi_warn(NULL, "unsupported");
                usbi_warn(NULL, "USBDeviceOpen: %s", darwin_error_str(r));
                return LIBUSB_ERROR_OTHER;
            }
            return 0;
        }

        const char *libusb_error_name(int error_code)
        {
            switch (error_code) {
            case LIBUSB_ERROR_IO:
                return "LIBUSB_ERROR_IO";
            case 0:
                return "LIBUSB_SUCCESS / LIBUSB_TRANSFER_COMPLETED";
            }
        }

        static const char *darwin_error_str (IOReturn result) {
          switch (result) {
          case kIOUSBPipeStalled:
        #if defined(kUSBHostReturnPipeStalled)
          case kUSBHostReturnPipeStalled:
        #endif
            return "pipe is stalled";
          }
        }

        static const char * const usbi_localized_errors[2][LIBUSB_ERROR_COUNT] = {
            { /* English (en) */
                "Success",
                "Input/Output Error",
                "Invalid parameter",
                "Access denied (insufficient permissions)",
                "Other error",
            }, { /* Dutch (nl) */
                "Gelukt",
                "Invoer-/uitvoerfout",
            },
        };
    ''')

    def setUp(self):
        defines, enums = {}, {}
        for text in (self.HDR, self.SRC):
            extract.collect_enums(text, enums)
            extract.collect_defines(text, defines)
        self.recs, _ = extract.extract_c("libusb", "libusb/core.c", self.SRC, COMMIT, defines,
                                         enums)
        self.by_fmt = {r["format"]: r for r in self.recs}

    def test_logging_calls_and_annotated_function(self):
        r = self.by_fmt["claim interface failed, errno=%d"]
        self.assertEqual((r["level"], r["call"], r["function"]),
                         ("error", "usbi_err", "claim_interface"))
        # a debug line reads like a failure: kept, with the header that makes it libusb's
        r = self.by_fmt["libusb: debug [claim_interface] claim failed, retry %d"]
        self.assertEqual(r["level"], "debug")
        self.assertNotIn("claim failed, retry %d", self.by_fmt)
        self.assertFalse([f for f in self.by_fmt if "claiming interface" in f])

    def test_one_word_message_carries_the_log_header(self):
        self.assertIn("libusb: warning [claim_interface] unsupported", self.by_fmt)
        self.assertNotIn("unsupported", self.by_fmt)
        self.assertIn("USBDeviceOpen: %s", self.by_fmt)

    def test_error_names_and_texts(self):
        r = self.by_fmt["LIBUSB_ERROR_IO"]
        self.assertEqual((r["level"], r["code"], r["function"]),
                         ("error-string", -1, "libusb_error_name"))
        self.assertNotIn("LIBUSB_SUCCESS / LIBUSB_TRANSFER_COMPLETED", self.by_fmt)
        self.assertEqual(self.by_fmt["pipe is stalled"]["level"], "error-string")

    def test_strerror_table_first_row_by_negative_index(self):
        got = [(r["format"], r.get("code"), r.get("symbol")) for r in self.recs
               if r["call"] == "string_table"]
        self.assertEqual(got, [
            ("Input/Output Error", -1, "LIBUSB_ERROR_IO"),
            ("Invalid parameter", -2, None),
            ("Access denied (insufficient permissions)", -3, "LIBUSB_ERROR_ACCESS"),
            ("Other error", -99, "LIBUSB_ERROR_OTHER"),
        ])
        self.assertNotIn("Invoer-/uitvoerfout", self.by_fmt)


class Classification(unittest.TestCase):
    def cls(self, fmt, producer="idevicerestore", **kw):
        rec = {"producer": producer, "format": fmt, "file": kw.get("file", "src/x.c"),
               "function": kw.get("function", ""), "level": kw.get("level", "error")}
        return classify.classify(rec)

    def test_table_is_consistent(self):
        self.assertEqual(classify.check_table(), [])

    def test_spot_checks(self):
        self.assertEqual(self.cls("Status: Disk Failure")["cause"], "storage")
        self.assertEqual(self.cls("Make sure that usbmuxd is running.")["cause"], "host-software")
        self.assertEqual(self.cls("ERROR: usbmuxd is not running!", "libimobiledevice")["cause"],
                         "host-software")
        self.assertEqual(self.cls("Out of memory")["cause"], "host-environment")
        self.assertEqual(self.cls("zip_open: %s: %d")["cause"], "firmware-image")
        self.assertEqual(self.cls("Unable to send data to ASR. Sent %u of %zu bytes.",
                                  file="src/asr.c")["cause"], "usb-link")
        self.assertEqual(self.cls("Status: X-Gold Baseband Update Failed. Defective Unit?")
                         ["cause"], "baseband")
        self.assertEqual(self.cls("--rdsk requires --use-pwndfu", "futurerestore")["cause"],
                         "host-software")
        self.assertEqual(self.cls("RESTORE FAILED")["ignore"], "outcome")

    def test_device_mode_and_tool_table_classes(self):
        # futurerestore's init() sets _didInit only when check_mode() saw a device.
        for producer in ("futurerestore", "futurerestore-tihmstar", "futurerestore-legacy"):
            self.assertEqual(self.cls("did not init", producer, level="exception")["side"],
                             "link")
        self.assertEqual(self.cls("client not initialized")["cause"], "host-software")
        # An option given for a mode the device is not in: the device's mode is the fix.
        self.assertEqual(self.cls("--use-pwndfu was specified, but device found in recovery "
                                  "mode!", "futurerestore", level="exception")["cause"],
                         "device-software")
        self.assertEqual(self.cls("--rdsk requires --use-pwndfu", "futurerestore")["cause"],
                         "host-software")
        # A baseband element the tool's compiled table lacks: the tool predates the modem.
        c = self.cls("can't match element name '%s' to baseband firmware file name.")
        self.assertEqual((c["side"], c["cause"]), ("host-tool", "host-software"))

    def test_source_read_classes(self):
        # The default branch of idevicerestore's mode switch: the tool has no device.
        self.assertEqual(self.cls("Device is in an invalid state")["side"], "link")
        # The restore goes on without FDR (restore.c: "FIXME: We might want to return failure").
        self.assertEqual(self.cls("Failed to start FDR Ctrl channel")["ignore"], "non-fatal")
        self.assertEqual(self.cls("Unable to connect to FDR client (%d)")["ignore"], "non-fatal")
        self.assertNotIn("ignore", self.cls("Unable to receive message from FDR %p (%d). %u/%u "
                                            "bytes"))
        # A firmware updater's ticket in restore mode: the tool's request, not an unsigned
        # build; the same words elsewhere stay the signing server's.
        c = self.cls("Unable to fetch Yonkers ticket", file="src/restore.c",
                     function="restore_get_yonkers_firmware_data")
        self.assertEqual((c["side"], c["cause"]), ("host-tool", "host-software"))
        c = self.cls("Unable to fetch %s", file="src/restore.c",
                     function="restore_get_timer_firmware_data")
        self.assertEqual(c["cause"], "host-software")
        self.assertEqual(self.cls("Unable to fetch %s ticket", file="src/restore.c",
                                  function="restore_send_baseband_data")["cause"],
                         "signing-server")
        # Only -c reads the all_flash manifest: the option, not the IPSW.
        self.assertEqual(self.cls("could not extract %s from IPSW",
                                  function="idevicerestore_start")["cause"], "host-software")
        self.assertEqual(self.cls("Unable to extract '%s' from IPSW")["cause"], "firmware-image")

    def test_tss_status_variants(self):
        c = self.cls("ERROR: TSS request failed (status=%d, message=%s)", "libtatsu")
        self.assertEqual(c["cause"], "signing-server")
        line = "ERROR: TSS request failed (status=94, message=This device isn't eligible)"
        hits = [v for v in c["variants"] if re.search(v["match"], line)]
        self.assertEqual(hits[0]["cause"], "signing-server")
        self.assertEqual(hits[0]["weight"], 3.0)
        line = "ERROR: TSS request failed (status=126, message=An internal error occurred.)"
        hits = [v for v in c["variants"] if re.search(v["match"], line)]
        self.assertEqual(hits[0]["cause"], "host-software")

    def test_libusb_classes(self):
        def lu(fmt, level="error"):
            return self.cls(fmt, "libusb", level=level, file="libusb/os/linux_usbfs.c")
        # permission and exclusive access: the host, as rules/host-runtime.yaml says
        for fmt in ("libusb requires write access to USB device nodes", "LIBUSB_ERROR_ACCESS",
                    "another process has device opened for exclusive access"):
            self.assertEqual(lu(fmt)["cause"], "host-environment", fmt)
        # no driver libusb can use on Windows: the host's software
        self.assertEqual(lu("neither WinUSB nor libusbK DLLs were found, you will not be able "
                            "to access devices outside of enumeration", "warning")["cause"],
                         "host-software")
        # the device gone, a broken pipe: the link
        self.assertEqual(lu("LIBUSB_ERROR_NO_DEVICE")["cause"], "usb-link")
        self.assertEqual(lu("LIBUSB_ERROR_PIPE")["side"], "link")
        self.assertEqual(lu("Insufficient memory")["cause"], "host-environment")
        # the errno a message prints decides between the host and the link
        c = lu("claim interface failed, errno=%d")
        self.assertEqual(c["cause"], "usb-link")
        pick = lambda line: [v for v in c["variants"] if re.search(v["match"], line)]
        self.assertEqual(pick("claim interface failed, errno=16")[0]["cause"], "host-environment")
        self.assertEqual(pick("claim interface failed, errno=13")[0]["cause"], "host-environment")
        self.assertEqual(pick("claim interface failed, errno=19")[0]["cause"], "usb-link")
        self.assertEqual(pick("claim interface failed, errno=1"), [])
        # debug and informational lines, the exit-time leak warning: not evidence
        self.assertEqual(lu("claim failed, retry %d", "debug")["ignore"], "debug")
        self.assertEqual(lu("device %d.%d still referenced", "warning")["ignore"], "trace")


def cause_ids():
    ids, in_causes = set(), False
    with open(os.path.join(ROOT, "rules", "data", "causes.yaml"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("causes:"):
                in_causes = True
            elif re.match(r"[a-z_]+:", line):
                in_causes = False          # the next top-level key (contexts:) ends the list
            elif in_causes:
                m = re.match(r"  - id: ([a-z-]+)", line)
                if m:
                    ids.add(m.group(1))
    return ids


class Packs(unittest.TestCase):
    def packs(self):
        d = os.path.join(ROOT, "rules", "vocab")
        return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".yaml"))

    def test_one_pack_per_producer(self):
        names = {os.path.basename(p)[:-5] for p in self.packs()}
        self.assertEqual(names, set(extract.PRODUCERS))

    def test_every_entry_has_a_cause_or_is_ignored(self):
        causes = cause_ids()
        self.assertEqual(causes, classify.CAUSES)
        for path in self.packs():
            head, messages, ignored = generate.load_pack(path)
            self.assertRegex(head["commit"], r"^[0-9a-f]{40}$")
            self.assertNotIn("unclassified", head, "%s: messages without a class" % path)
            self.assertTrue(messages, path)
            ids = set()
            for e in messages:
                where = "%s %s" % (os.path.basename(path), e.get("id"))
                self.assertIn(e["cause"], causes, where)
                self.assertIn(e["cause"], classify.SIDES[e["side"]], where)
                self.assertTrue(0.5 <= e["weight"] <= 3, where)
                self.assertTrue(e["reason"], where)
                self.assertRegex(e["at"], r"^[^:]+:\d+$", where)
                self.assertNotIn(e["id"], ids, where)
                ids.add(e["id"])
                for v in e.get("variants", []):
                    re.compile(v["match"])
                    self.assertIn(v["cause"], classify.SIDES[v["side"]], where)
            for e in ignored:
                where = "%s %s" % (os.path.basename(path), e.get("id"))
                self.assertNotIn("cause", e, where)
                self.assertIn(e["ignore"], classify.IGNORE_CATEGORIES, where)
                self.assertNotIn(e["id"], ids, where)
                ids.add(e["id"])

    def test_target_coverage(self):
        # issue 15's target is for the restore tools and their libraries; a wrapper's own
        # "Restore failed"/"ERROR.." lines are many and name no cause by design
        for path in self.packs():
            if extract.PRODUCERS[os.path.basename(path)[:-5]].get("wrapper"):
                continue
            _, messages, ignored = generate.load_pack(path)
            errors = len(messages) + sum(1 for e in ignored
                                         if e["ignore"] not in generate.NOT_ERRORS)
            self.assertGreaterEqual(len(messages) / errors, 0.95, path)

    def test_superseded_packs_hold_only_lost_words(self):
        # a pinned older commit's pack (idevicerestore-legacy) keeps only what the producers
        # it is superseded by no longer print, compared without the level word
        for name, spec in sorted(extract.PRODUCERS.items()):
            if not spec.get("superseded_by"):
                continue
            _, messages, ignored = generate.load_pack(generate.pack_path(name))
            newer = set()
            for other in spec["superseded_by"]:
                _, m, i = generate.load_pack(generate.pack_path(other))
                newer.update(generate.id_text(e["format"]) for e in m + i)
            for e in messages + ignored:
                self.assertNotIn(generate.id_text(e["format"]), newer, "%s %s" % (name, e["id"]))
        kept, dropped = generate.supersede(
            "idevicerestore-legacy",
            [{"format": "ERROR: Unable to find any build identities"},
             {"format": "ERROR: Unable to send iBEC"}],
            {"idevicerestore": [{"format": "Unable to send iBEC"}], "libtatsu": []})
        self.assertEqual([e["format"] for e in kept], ["ERROR: Unable to find any build identities"])
        self.assertEqual(dropped, 1)

    def test_diff_leaves_out_superseded_words(self):
        # --diff of a superseded pack compares only the messages the pack would hold at each
        # commit: a message the newer producers print is neither added nor removed
        def e(i, fmt, line):
            return {"id": "idevicerestore-legacy.%s" % i, "format": fmt, "file": "src/x.c",
                    "line": line, "side": "link", "cause": "usb-link", "weight": 1.0}
        at = {"old": [e("a", "ERROR: Unable to send iBEC", 1),
                      e("b", "ERROR: Unable to find any build identities", 2)],
              "new": [e("a", "ERROR: Unable to send iBEC", 1),
                      e("b", "ERROR: Unable to find any build identities", 2),
                      e("c", "ERROR: Unable to send iBSS", 3)]}
        newer = {"idevicerestore": [{"format": "Unable to send iBEC"},
                                    {"format": "Unable to send iBSS"}], "libtatsu": []}
        real_build = generate.build
        generate.build = lambda producer, git_dir, commit: (commit, at[commit], [], [])
        try:
            out = io.StringIO()
            added = generate.diff("idevicerestore-legacy", None, "old", "new", out=out,
                                  newer=newer)[0]
            self.assertEqual(added, [])
            self.assertIn("1 messages -> 1; 0 added, 0 removed", out.getvalue())
            added = generate.diff("idevicerestore-legacy", None, "old", "new",
                                  out=io.StringIO())[0]
            self.assertEqual([x["id"] for x in added], ["idevicerestore-legacy.c"])
        finally:
            generate.build = real_build

    def test_packs_are_what_generate_makes(self):
        root = (os.environ.get("VOCAB_MIRROR_ROOT") or generate.DEFAULT_MIRROR_ROOT)
        missing = [p for p in extract.PRODUCERS
                   if not generate.have_git_dir(generate.git_dir_for(
                       p, type("A", (), {"git_dir": None, "mirror_root": root})()))]
        if missing:
            self.skipTest("no git mirror for %s under %s" % (", ".join(missing), root))
        self.assertEqual(generate.main(["--check", "--mirror-root", root]), 0)


if __name__ == "__main__":
    unittest.main()
