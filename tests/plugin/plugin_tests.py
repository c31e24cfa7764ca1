#!/usr/bin/python3
"""Tests of the Wireshark plugin (dissector/) with the real tshark.

The plugin and the captures are copied into a world-readable temporary folder
and tshark runs there as an unprivileged user: tshark run as root ignores
WIRESHARK_PLUGIN_DIR (and personal plugin folders). When the tests themselves
do not run as root, tshark runs as the current user with an empty HOME.

Checks (--check, repeatable; default all):
  loads       tshark -G plugins lists rdpcap.so; the rdpcap.* fields exist
  findings    per capture, (frame, code) from tshark -2 -e rdpcap.finding
              equal the CLI's --json findings (default ports, and again with
              the capture's other TCP server ports as -o rdpcap.ports / --port);
              rdpcap.finding == "<code>" filters select the same frames;
              the reference-time preference matches --reference-time
  expert      tshark -2 -z expert lists every finding with its severity and
              the expected group
  starttls    the TLS after an X.224 confirm on 3389 is decoded by tshark's
              TLS dissector with the plugin, not without (Wireshark 4.0);
              where tshark does it itself (4.2 and later) the plugin leaves
              it unchanged; X.224 fields stay
  onepass     tshark without -2: every finding of the full picture (-2) that
              is not marked second-pass-only (capture-wide, or known only at
              the capture's end) is shown by -Y rdpcap.finding in one pass, at
              the frame -2 places it or later (when its evidence was complete)
  summary     tshark -q -z rdpcap,summary prints the CLI's text report
              (with and without -2)
  keylog      with a TLS key log given only as Wireshark's own
              -o tls.keylog_file:KEYS, the plugin decrypts as the CLI does
              with --keylog KEYS: same (frame, code) findings, same text
              report (-z rdpcap,summary); the decrypted codes the issue asks
              for are there (cert.expired under TLS 1.3, the NLA failure)
  robustness  tshark never crashes, on every capture and on corrupted and
              truncated copies (editcap -E 0.02 and 0.05 with fixed seeds, cut
              files, hostile captures from tests/limits/hostile_pcap.py), and
              exits as it does without the plugin
"""
import argparse
import collections
import concurrent.futures
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

NOBODY = 65534
CHECKS = ["loads", "findings", "onepass", "expert", "starttls", "summary", "keylog", "robustness"]


class Env:
    def __init__(self, args):
        self.args = args
        base = "/tmp" if os.path.isdir("/tmp") else None
        self.root = tempfile.mkdtemp(prefix="rdpcap-plugin-test-", dir=base)
        os.chmod(self.root, 0o755)
        self.plugins = os.path.join(self.root, "plugins")
        # Wireshark X.Y loads epan plugins from <plugin dir>/X.Y/epan only.
        epan = os.path.join(self.plugins, args.plugin_abi, "epan")
        os.makedirs(epan)
        shutil.copy(args.plugin, os.path.join(epan, "rdpcap.so"))
        self.no_plugins = os.path.join(self.root, "no-plugins")
        os.makedirs(os.path.join(self.no_plugins, args.plugin_abi, "epan"))
        self.home = os.path.join(self.root, "home")
        os.makedirs(self.home)
        self.no_extcap = os.path.join(self.root, "no-extcap")  # -G plugins would run every extcap
        os.makedirs(self.no_extcap)
        self.pcaps = os.path.join(self.root, "pcaps")
        os.makedirs(self.pcaps)
        self.captures = []
        for src in capture_sources(args):
            if args.only and args.only not in os.path.basename(src):
                continue
            name = os.path.basename(src)
            if os.path.dirname(src) != os.path.join(args.source_dir, "samples", "pcaps"):
                name = "shared-" + name
            dst = os.path.join(self.pcaps, name)
            shutil.copy(src, dst)
            self.captures.append(dst)
        for dirpath, dirnames, filenames in os.walk(self.root):
            for d in dirnames:
                os.chmod(os.path.join(dirpath, d), 0o755)
            for f in filenames:
                os.chmod(os.path.join(dirpath, f), 0o644)
        self.as_root = os.geteuid() == 0
        self._ports = {}

    def cleanup(self):
        if not self.args.keep:
            shutil.rmtree(self.root, ignore_errors=True)

    def tshark(self, argv, plugin=True, timeout=300):
        """Runs tshark (unprivileged when we are root); returns CompletedProcess."""
        env = {
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "WIRESHARK_PLUGIN_DIR": self.plugins if plugin else self.no_plugins,
            "WIRESHARK_EXTCAP_DIR": self.no_extcap,
        }
        if self.args.preload and plugin:
            # A sanitizer build of the plugin needs its runtime loaded first;
            # tshark's own leaks at exit are not ours.
            env["LD_PRELOAD"] = self.args.preload
            env["ASAN_OPTIONS"] = "detect_leaks=0:abort_on_error=1"
            env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
        if self.as_root:
            env["HOME"] = "/nonexistent"
            cmd = ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups", "env"]
            cmd += ["%s=%s" % kv for kv in env.items()] + [self.args.tshark] + argv
            env = None
        else:
            env["HOME"] = self.home
            env["XDG_CONFIG_HOME"] = os.path.join(self.home, ".config")
            cmd = [self.args.tshark] + argv
        return subprocess.run(cmd, env=env, capture_output=True, timeout=timeout, cwd=self.root)

    def cli(self, argv, timeout=300):
        return subprocess.run([self.args.cli] + argv, capture_output=True, timeout=timeout, cwd=self.root,
                              env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "NO_COLOR": "1"})

    def server_ports(self, capture):
        """TCP ports other than 3389 that the capture's clients connect to
        (SYN destinations, ClientHello destinations), from tshark without the
        plugin. They are given to both the CLI and the plugin."""
        if capture not in self._ports:
            r = self.tshark(["-r", capture, "-Y",
                             "(tcp.flags.syn == 1 && tcp.flags.ack == 0) || tls.handshake.type == 1 || cotp.type == 0x0e",
                             "-T", "fields", "-e", "tcp.dstport"], plugin=False)
            ports = set()
            for line in r.stdout.decode(errors="replace").split():
                for p in line.split(","):
                    if p.isdigit() and int(p) != 3389:
                        ports.add(int(p))
            self._ports[capture] = sorted(ports)
        return self._ports[capture]


def capture_sources(args):
    files = []
    for d in [os.path.join(args.source_dir, "samples", "pcaps"), args.shared_pcaps]:
        if d and os.path.isdir(d):
            for pattern in ("*.pcap", "*.pcapng"):
                files += glob.glob(os.path.join(d, pattern))
    return sorted(files)


class Failures:
    def __init__(self):
        self.items = []

    def add(self, where, what):
        self.items.append("%s: %s" % (where, what))
        print("FAIL %s: %s" % (where, what), flush=True)


def short(capture):
    return os.path.basename(capture)


# ---- CLI side ----

def cli_json(env, capture, ports=(), extra=()):
    argv = ["--json"] + list(extra)
    for p in ports:
        argv += ["--port", str(p)]
    r = env.cli(argv + [capture])
    if r.returncode not in (0, 1, 2):
        raise RuntimeError("rdpcap-analyze %s exited %d: %s" % (capture, r.returncode, r.stderr.decode(errors="replace")))
    return json.loads(r.stdout.decode())


def cli_findings(doc):
    """[(frame, code, severity)] from the CLI's JSON (schema rdpcap/1). A
    finding without a frame is shown by the plugin on the connection's first
    frame."""
    out = []
    for c in doc.get("connections", []):
        for f in c.get("findings", []):
            frame = f.get("frame") or c.get("first_frame") or 0
            out.append((int(frame), f["code"], f.get("severity", "")))
    return out


# ---- tshark side ----

def tshark_prefs(ports=(), reference_time=None):
    argv = []
    if ports:
        argv += ["-o", "rdpcap.ports:" + ",".join(str(p) for p in ports)]
    if reference_time is not None:
        argv += ["-o", "rdpcap.reference_time:%d" % reference_time]
    return argv


def tshark_findings(env, capture, ports=(), reference_time=None, two_pass=True):
    """(tshark run, [(frame, code)]) of the rdpcap.finding fields."""
    r = env.tshark((["-2"] if two_pass else []) + ["-r", capture] + tshark_prefs(ports, reference_time) +
                   ["-Y", "rdpcap.finding", "-T", "fields", "-E", "aggregator=|",
                    "-e", "frame.number", "-e", "rdpcap.finding"])
    out = []
    for line in r.stdout.decode(errors="replace").splitlines():
        if not line.strip():
            continue
        frame, codes = line.split("\t", 1)
        for code in codes.split("|"):
            if code:
                out.append((int(frame), code))
    return r, out


def crashed(r):
    err = r.stderr.decode(errors="replace")
    return (r.returncode < 0 or r.returncode >= 128 or "Segmentation fault" in err or "Aborted" in err
            or "terminate called" in err or "AddressSanitizer" in err or "runtime error:" in err or "rdpcap plugin error" in r.stdout.decode(errors="replace"))


# ---- checks ----

def check_loads(env, fail):
    r = env.tshark(["-G", "plugins"])
    if b"rdpcap.so" not in r.stdout:
        fail.add("loads", "tshark -G plugins does not list rdpcap.so: %r" % r.stdout[:500])
    r = env.tshark(["-G", "fields"])
    fields = set()
    for line in r.stdout.decode(errors="replace").splitlines():
        parts = line.split("\t")
        if len(parts) > 2 and parts[0] == "F":
            fields.add(parts[2])
    for f in ["rdpcap.finding", "rdpcap.severity", "rdpcap.verdict", "rdpcap.stage", "rdpcap.event",
              "rdpcap.tls.version", "rdpcap.tls.cipher"]:
        if f not in fields:
            fail.add("loads", "field %s is not registered" % f)
    catalog = catalog_groups(env.args.source_dir)
    missing = sorted(c for c in catalog if "rdpcap.expert." + c not in fields)
    if missing:
        fail.add("loads", "no expert info registered for catalog codes %s" % missing)
    r = env.tshark(["-G", "plugins"], plugin=False)
    if b"rdpcap.so" in r.stdout:
        fail.add("loads", "the empty plugin folder still loads rdpcap.so (installed system-wide?): "
                          "the without-plugin comparisons are meaningless")


def compare_findings(env, fail, capture, ports):
    where = "%s%s" % (short(capture), " ports=%s" % (list(ports),) if ports else "")
    doc = cli_json(env, capture, ports)
    want = collections.Counter((f, c) for f, c, _ in cli_findings(doc))
    r, got_list = tshark_findings(env, capture, ports)
    if crashed(r):
        fail.add(where, "tshark crashed: %s" % r.stderr.decode(errors="replace")[-500:])
        return None
    got = collections.Counter(got_list)
    if got != want:
        fail.add(where, "tshark -2 findings differ from the CLI: only CLI %s, only tshark %s"
                 % (sorted((want - got).elements()), sorted((got - want).elements())))
    return doc


def check_findings(env, fail):
    codes_checked = set()
    total = 0
    for capture in env.captures:
        runs = [()]
        if env.server_ports(capture):
            runs.append(tuple(env.server_ports(capture)))
        for ports in runs:
            doc = compare_findings(env, fail, capture, ports)
            if doc is None:
                continue
            findings = cli_findings(doc)
            total += len(findings)
            # A display filter on the code selects exactly the CLI's frames.
            for code in sorted({c for _, c, _ in findings} - codes_checked):
                codes_checked.add(code)
                want = sorted({f for f, c, _ in findings if c == code})
                r = env.tshark(["-2", "-r", capture] + tshark_prefs(ports) +
                               ["-Y", 'rdpcap.finding == "%s"' % code, "-T", "fields", "-e", "frame.number"])
                got = sorted({int(x) for x in r.stdout.decode().split()})
                if got != want:
                    fail.add(short(capture), 'filter rdpcap.finding == "%s" gives frames %s, CLI %s' % (code, got, want))
    print("findings: %d captures, %d CLI findings compared, %d codes filtered" %
          (len(env.captures), total, len(codes_checked)), flush=True)
    if total == 0:
        fail.add("findings", "no capture produced any finding: nothing was compared")

    # Reference time: a certificate check against a far-future time must
    # agree too (cert.expired appears on both sides).
    reference = 4102444800  # 2100-01-01T00:00:00Z
    compared = 0
    for capture in env.captures:
        doc = cli_json(env, capture, (), ["--reference-time", str(reference)])
        if not any(c.startswith("cert.") for _, c, _ in cli_findings(doc)):
            continue
        want = collections.Counter((f, c) for f, c, _ in cli_findings(doc))
        _, got_list = tshark_findings(env, capture, (), reference)
        if collections.Counter(got_list) != want:
            fail.add(short(capture), "with reference time %d: tshark %s, CLI %s" %
                     (reference, sorted(got_list), sorted(want.elements())))
        compared += 1
        if compared >= 5:
            break
    if compared == 0:
        fail.add("findings", "no capture with certificate findings for the reference-time check")


def two_pass_findings(env, capture, ports):
    """[(frame, code, second_pass_only)] from tshark -2 -T pdml (the nesting
    tells which finding a second_pass_only mark belongs to)."""
    import xml.etree.ElementTree as ET
    r = env.tshark(["-2", "-r", capture] + tshark_prefs(ports) + ["-Y", "rdpcap.finding", "-T", "pdml"])
    out = []
    root = ET.fromstring(r.stdout.decode(errors="replace") or "<pdml/>")
    for packet in root.iter("packet"):
        frame = 0
        for f in packet.iter("field"):
            if f.get("name") == "num":
                frame = int(f.get("show"), 0)
                break
        for f in packet.iter("field"):
            if f.get("name") != "rdpcap.finding":
                continue
            late = any(c.get("name") == "rdpcap.finding.second_pass_only" for c in f.iter("field"))
            out.append((frame, f.get("show"), late))
    return r, out


def check_onepass(env, fail):
    """Findings in one pass (tshark -r without -2; Wireshark while it loads a
    file with a display filter): what -2 shows, less what it marks as second
    pass only, is there, at its frame or later (a finding is known only when
    its evidence is complete)."""
    shown = compared = late_total = 0
    for capture in env.captures:
        ports = tuple(env.server_ports(capture))
        where = short(capture)
        r1, found = tshark_findings(env, capture, ports, two_pass=False)
        if crashed(r1):
            fail.add(where, "tshark (one pass) crashed: %s" % r1.stderr.decode(errors="replace")[-500:])
            continue
        first = collections.defaultdict(list)  # code -> frames where the one pass showed it
        for frame, code in found:
            first[code].append(frame)
        shown += len(found)
        r2, full = two_pass_findings(env, capture, ports)
        if crashed(r2):
            fail.add(where, "tshark -2 -T pdml crashed")
            continue
        for frame, code, late in full:
            if late:
                late_total += 1
                continue
            compared += 1
            if not any(f >= frame for f in first.get(code, [])):
                fail.add(where, "%s (frame %d with -2) is not shown in one pass (one pass: %s)"
                         % (code, frame, sorted(first.get(code, [])) or "never"))
    print("onepass: %d findings in one pass; %d of -2 compared, %d marked second-pass-only" %
          (shown, compared, late_total), flush=True)
    if compared == 0 or shown == 0:
        fail.add("onepass", "no finding compared: the one pass shows nothing")


# tshark -z expert section titles for each severity.
SECTION = {"error": "Errors", "warning": "Warns", "info": ("Notes", "Chats")}


PI_GROUP_TEXT = {"security": "Security", "sequence": "Sequence", "protocol": "Protocol",
                 "response_code": "Response", "malformed": "Malformed"}  # as tshark -z expert prints them


def catalog_groups(source_dir):
    """code -> expert group from the finding catalog (core/rules/catalog.cpp),
    the table the README, the CLI and the plugin share."""
    import re
    path = os.path.join(source_dir, "core", "rules", "catalog.cpp")
    out = {}
    if os.path.exists(path):
        for code, group in re.findall(r'\{"([a-z0-9_.]+)",\s*S::\w+,\s*G::(\w+)', open(path).read()):
            out[code] = PI_GROUP_TEXT.get(group, group)
    return out


def expected_groups(code, catalog):
    """The groups allowed for a code: the catalog's, and what the issue asks
    (Security for certificate and weak-crypto codes, Response code for
    negotiation failures; a certificate that cannot be decoded may be
    Malformed)."""
    allowed = {"Security", "Sequence", "Protocol", "Malformed", "Response"}
    if code.startswith("cert."):
        allowed = {"Security", "Malformed"}
    if code.startswith("tls.weak_") or "no_nla" in code:
        allowed = {"Security"}
    if "neg_failure" in code:
        allowed = {"Response"}  # PI_RESPONSE_CODE is printed "Response"
    if code in catalog:
        allowed &= {catalog[code]}
    return allowed


def parse_expert(text):
    """[(section, group, protocol, frequency, summary)] from tshark -z expert."""
    out = []
    section = None
    for line in text.splitlines():
        s = line.strip()
        if not s:
            continue
        head = s.split(" (")[0]
        if head in ("Errors", "Warns", "Notes", "Chats", "Comments") and s.endswith(")"):
            section = head
            continue
        if s.startswith("=") or s.startswith("Frequency"):
            continue
        parts = s.split()
        if section and parts and parts[0].isdigit():
            freq = int(parts[0])
            rest = s[len(parts[0]):].strip()
            # group may hold a space ("Response code"): the protocol follows it
            for group in ("Response code", "Request code", "Decryption", "Reassemble", "Assumption",
                          "Deprecated", "Receive", "Interface", "Debug", "Checksum", "Sequence",
                          "Response", "Request", "Undecoded", "Security", "Comment", "Protocol", "Malformed"):
                if rest.startswith(group + " "):
                    tail = rest[len(group):].strip()
                    proto, _, summary = tail.partition(" ")
                    out.append((section, group, proto, freq, summary.strip()))
                    break
    return out


def check_expert(env, fail):
    catalog = catalog_groups(env.args.source_dir)
    if not catalog:
        fail.add("expert", "core/rules/catalog.cpp not found or not parsed")
    checked = 0
    for capture in env.captures:
        ports = tuple(env.server_ports(capture))
        findings = cli_findings(cli_json(env, capture, ports))
        if not findings:
            continue
        r = env.tshark(["-2", "-q", "-r", capture] + tshark_prefs(ports) + ["-z", "expert"])
        rows = [row for row in parse_expert(r.stdout.decode(errors="replace")) if row[2] == "RDPCAP"]
        per_code = collections.Counter()
        for section, group, _, freq, summary in rows:
            code = summary.split(":", 1)[0]
            per_code[code] += freq
            sev = [s for _, c, s in findings if c == code]
            if not sev:
                fail.add(short(capture), "expert info %r has no CLI finding" % summary)
                continue
            want_section = SECTION.get(sev[0], ())
            if section not in (want_section if isinstance(want_section, tuple) else (want_section,)):
                fail.add(short(capture), "%s is listed under %s, severity is %s" % (code, section, sev[0]))
            if group not in expected_groups(code, catalog):
                fail.add(short(capture), "%s has group %s, expected one of %s"
                         % (code, group, sorted(expected_groups(code, catalog))))
        want = collections.Counter(c for _, c, _ in findings)
        if per_code != want:
            fail.add(short(capture), "-z expert counts %s, CLI %s" % (dict(per_code), dict(want)))
        checked += 1
    print("expert: %d captures with findings checked" % checked, flush=True)


def frame_table(env, capture, plugin, two_pass=False):
    """Per frame on TCP port 3389: (protocol stack, has a selectedProtocol !=
    0, has a TLS handshake message) from one tshark run."""
    r = env.tshark((["-2"] if two_pass else []) +
                   ["-r", capture, "-Y", "tcp.port == 3389", "-T", "fields", "-E", "aggregator=|",
                    "-e", "frame.protocols", "-e", "rdp.negReq.selectedProtocol", "-e", "tls.handshake.type"],
                   plugin=plugin)
    rows = []
    for line in r.stdout.decode(errors="replace").splitlines():
        parts = (line.split("\t") + ["", "", ""])[:3]
        layers = parts[0].split(":")
        selected = any(v and int(v, 0) != 0 for v in parts[1].split("|"))
        rows.append((layers, selected, bool(parts[1]), bool(parts[2])))
    return rows


def check_starttls(env, fail):
    """The switch to TLS happens on the first pass (single pass), and must
    survive the second pass (tshark -2; the GUI redissects the same way)."""
    with_tls = native = 0
    for capture in env.captures:
        without = frame_table(env, capture, plugin=False)
        if not any(selected for _, selected, _, _ in without):
            continue
        with_1 = frame_table(env, capture, plugin=True)
        with_2 = frame_table(env, capture, plugin=True, two_pass=True)
        where = short(capture)
        continuation = sum(1 for layers, _, _, _ in without
                           if "tpkt" in layers and "cotp" not in layers and "tls" not in layers)
        tls_without = sum(1 for _, _, _, hs in without if hs)
        tls_with = sum(1 for _, _, _, hs in with_1 if hs)
        tls_with_2 = sum(1 for _, _, _, hs in with_2 if hs)
        tls_any_with = sum(1 for layers, _, _, _ in with_1 if "tls" in layers)
        x224_without = sum(1 for _, _, present, _ in without if present)
        x224_with = sum(1 for _, _, present, _ in with_1 if present)
        if tls_without != 0:
            # Wireshark 4.2 and later hand the TLS after an X.224 confirm to their TLS dissector themselves
            # (4.0 shows "TPKT Continuation"): the plugin must then leave that decoding as it is.
            native += 1
            if tls_with != tls_without or tls_with_2 != tls_without:
                fail.add(where, "this tshark decodes TLS on 3389 itself (%d frames); with the plugin %d (one pass), "
                         "%d (-2)" % (tls_without, tls_with, tls_with_2))
            if x224_with != x224_without:
                fail.add(where, "X.224 negotiation fields changed with the plugin: %d vs %d frames" % (x224_with, x224_without))
            continue
        if continuation and tls_any_with == 0:
            fail.add(where, "no TLS record decoded with the plugin (%d TPKT continuation frames without it)" % continuation)
        if x224_with != x224_without:
            fail.add(where, "X.224 negotiation fields changed with the plugin: %d vs %d frames" % (x224_with, x224_without))
        if tls_with_2 != tls_with:
            fail.add(where, "tls.handshake.type on %d frames in one pass, %d in the second pass of -2"
                     % (tls_with, tls_with_2))
        if tls_with:
            with_tls += 1
    print("starttls: %d captures with TLS after X.224 decoded by the plugin, %d by this Wireshark itself "
          "(left as it is)" % (with_tls, native), flush=True)
    if with_tls + native == 0:
        fail.add("starttls", "no capture showed TLS handshake fields on 3389 with the plugin")


def check_summary(env, fail):
    for capture in env.captures:
        ports = tuple(env.server_ports(capture))
        argv = []
        for p in ports:
            argv += ["--port", str(p)]
        want = env.cli(["--colour", "never"] + argv + [capture]).stdout.decode(errors="replace")
        for two_pass in (False, True):
            r = env.tshark((["-2"] if two_pass else []) + ["-q", "-r", capture] + tshark_prefs(ports) +
                           ["-z", "rdpcap,summary"])
            got = r.stdout.decode(errors="replace")
            if got != want:
                import difflib
                diff = "".join(list(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                                         "rdpcap-analyze", "tshark -z rdpcap,summary"))[:40])
                fail.add(short(capture), "tshark%s -z rdpcap,summary differs from the CLI text report:\n%s"
                         % (" -2" if two_pass else "", diff))


# Keyed samples (samples/keys/<name>.keys) and a code each must show only
# when decrypted.
KEYLOG_SAMPLES = [("rdp-21-xrdp-tls13-expired-cert-ignore", "cert.expired"),
                  ("rdp-23-shadow-nla-wrong-password-tls12", "credssp.credentials_rejected"),
                  ("rdp-25-shadow-nla-ok-tls12-gcm", None)]


def check_keylog(env, fail):
    keys_dir = os.path.join(env.root, "keys")
    os.makedirs(keys_dir, exist_ok=True)
    os.chmod(keys_dir, 0o755)
    for base, code in KEYLOG_SAMPLES:
        capture = os.path.join(env.pcaps, base + ".pcap")
        if capture not in env.captures:
            continue
        keys = os.path.join(keys_dir, base + ".keys")
        shutil.copy(os.path.join(env.args.source_dir, "samples", "keys", base + ".keys"), keys)
        os.chmod(keys, 0o644)
        doc = cli_json(env, capture, extra=["--keylog", keys])
        statuses = [c.get("tls", {}).get("decryption", {}).get("status") for c in doc.get("connections", [])]
        if "decrypted" not in statuses:
            fail.add(base, "the CLI did not decrypt with its key log: %s" % statuses)
        want = collections.Counter((f, c) for f, c, _ in cli_findings(doc))
        if code and not any(c == code for _, c in want):
            fail.add(base, "the CLI with keys has no %s: %s" % (code, sorted(want)))
        r = env.tshark(["-2", "-r", capture, "-o", "tls.keylog_file:" + keys, "-Y", "rdpcap.finding", "-T", "fields",
                        "-E", "aggregator=|", "-e", "frame.number", "-e", "rdpcap.finding"])
        if crashed(r):
            fail.add(base, "tshark crashed with the key log: %s" % r.stderr.decode(errors="replace")[-500:])
            continue
        got = collections.Counter()
        for line in r.stdout.decode(errors="replace").splitlines():
            if line.strip():
                frame, codes = line.split("\t", 1)
                for c in codes.split("|"):
                    if c:
                        got[(int(frame), c)] += 1
        if got != want:
            fail.add(base, "tshark -o tls.keylog_file findings differ from the CLI --keylog: only CLI %s, only tshark %s"
                     % (sorted((want - got).elements()), sorted((got - want).elements())))
        r = env.tshark(["-2", "-r", capture, "-o", "tls.keylog_file:" + keys, "-Y", "rdpcap.decryption", "-T", "fields",
                        "-e", "rdpcap.decryption", "-e", "rdpcap.decrypted"])
        shown = r.stdout.decode(errors="replace")
        if "decrypted:" not in shown:
            fail.add(base, "the tree has no rdpcap.decryption 'decrypted' with the key log: %r" % shown[:300])
        want_text = env.cli(["--colour", "never", "--keylog", keys, capture]).stdout.decode(errors="replace")
        r = env.tshark(["-2", "-q", "-r", capture, "-o", "tls.keylog_file:" + keys, "-z", "rdpcap,summary"])
        got_text = r.stdout.decode(errors="replace")
        if got_text != want_text:
            import difflib
            diff = "".join(list(difflib.unified_diff(want_text.splitlines(True), got_text.splitlines(True),
                                                     "rdpcap-analyze --keylog", "tshark -z rdpcap,summary"))[:40])
            fail.add(base, "with the key log, tshark -z rdpcap,summary differs from the CLI:\n%s" % diff)
        print("keylog: %s: %d findings agree" % (base, sum(want.values())), flush=True)


def corrupt_copies(env):
    """Deterministic damaged copies: editcap -E with fixed seeds, a file cut in
    the middle, and every packet snapped to 60 bytes."""
    out_dir = os.path.join(env.root, "corrupt")
    os.makedirs(out_dir, exist_ok=True)
    os.chmod(out_dir, 0o755)
    out = []
    for i, capture in enumerate(env.captures):
        base = os.path.splitext(short(capture))[0]
        ext = os.path.splitext(capture)[1]
        for seed, rate in ((1, "0.02"), (2, "0.02"), (3, "0.05")):
            dst = os.path.join(out_dir, "%s.E%d%s" % (base, seed, ext))
            subprocess.run([env.args.editcap, "-E", rate, "--seed", str(seed + i), capture, dst],
                           capture_output=True)
            if os.path.exists(dst):
                out.append(dst)
        dst = os.path.join(out_dir, "%s.snap60%s" % (base, ext))
        subprocess.run([env.args.editcap, "-s", "60", capture, dst], capture_output=True)
        if os.path.exists(dst):
            out.append(dst)
        data = open(capture, "rb").read()
        dst = os.path.join(out_dir, "%s.cut%s" % (base, ext))
        with open(dst, "wb") as f:
            f.write(data[: max(24, len(data) * 2 // 3)])
        out.append(dst)
    out += hostile_captures(env, out_dir)
    for f in out:
        os.chmod(f, 0o644)
    return out


# Adversarial captures from tests/limits/hostile_pcap.py, small enough for
# tshark -V: control bytes and invalid UTF-8 in every displayed field, a
# 1 MB "certificate", zero-length and maximal TLS records, a SYN flood,
# endless out-of-order segments, a huge snap length, a record header claiming
# 2 GB, a cut file.
HOSTILE = [["hostile-text"], ["tls-records"], ["big-cert", "--bytes", "1000000"], ["syn-flood", "--count", "3000"],
           ["flood-then-rdp", "--count", "2000"], ["ooo-endless", "--count", "3000"], ["huge-snaplen"],
           ["caplen-over"], ["cut"]]


def hostile_captures(env, out_dir):
    generator = os.path.join(env.args.source_dir, "tests", "limits", "hostile_pcap.py")
    out = []
    for args in HOSTILE:
        dst = os.path.join(out_dir, "hostile-%s.pcap" % args[0])
        subprocess.run(["/usr/bin/python3", generator] + args + ["-o", dst], check=True)
        out.append(dst)
    return out


def check_robustness(env, fail):
    files = env.captures + corrupt_copies(env)

    def one(capture):
        problems = []
        argv = ["-2", "-r", capture, "-V", "-z", "expert", "-z", "rdpcap,summary", "-z", "rdpcap,tree"]
        with_plugin = env.tshark(argv + tshark_prefs(env.server_ports(capture) if capture in env.captures else ()))
        if crashed(with_plugin):
            problems.append("tshark with the plugin crashed (exit %d): %s" %
                            (with_plugin.returncode, with_plugin.stderr.decode(errors="replace")[-800:]))
        if with_plugin.returncode != 0:  # e.g. 2 for a file cut short: tshark alone must say the same
            without = env.tshark(["-2", "-r", capture, "-V", "-z", "expert"], plugin=False)
            if with_plugin.returncode != without.returncode:
                problems.append("exit status %d with the plugin, %d without" %
                                (with_plugin.returncode, without.returncode))
        return capture, problems

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for capture, problems in pool.map(one, files):
            for p in problems:
                fail.add(short(capture), p)
    print("robustness: %d files (%d damaged copies)" % (len(files), len(files) - len(env.captures)), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plugin", required=True, help="built rdpcap.so")
    ap.add_argument("--plugin-abi", default="4.0",
                    help="major.minor of the Wireshark the plugin was built against (its plugin folder)")
    ap.add_argument("--cli", required=True, help="built rdpcap-analyze")
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--shared-pcaps", default="", help="read-only public captures (../shared/pcaps)")
    ap.add_argument("--tshark", default=shutil.which("tshark") or "/usr/bin/tshark")
    ap.add_argument("--editcap", default=shutil.which("editcap") or "/usr/bin/editcap")
    ap.add_argument("--check", action="append", choices=CHECKS)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--preload", default="", help="LD_PRELOAD for tshark (sanitizer runtime of an ASan build)")
    ap.add_argument("--only", default="", help="only captures whose file name contains this text")
    args = ap.parse_args()
    # The public captures (../shared/pcaps) are absent in a user's clone: the samples alone are then
    # checked, with a note; under CI (CI set) the folder must be there.
    args.shared_pcaps = os.environ.get("RDPCAP_SHARED_PCAPS") or args.shared_pcaps
    if args.shared_pcaps and not os.path.isdir(args.shared_pcaps):
        if os.environ.get("CI", "") not in ("", "0", "false", "False", "FALSE"):
            print("FAIL: %s is missing and CI is set: the project's CI must have ../shared/pcaps" % args.shared_pcaps)
            return 1
        print("RDPCAP-SKIPPED: %s not present (a clone without ../shared/pcaps): samples/pcaps only" % args.shared_pcaps)
    for name in ("plugin", "cli", "source_dir", "shared_pcaps", "tshark", "editcap"):
        if getattr(args, name):
            setattr(args, name, os.path.abspath(getattr(args, name)))
    for tool in (args.tshark, args.plugin, args.cli):
        if not os.path.exists(tool):
            print("missing: %s" % tool)
            return 1
    env = Env(args)
    fail = Failures()
    try:
        if not env.captures:
            fail.add("setup", "no captures found")
        for check in args.check or CHECKS:
            print("== %s" % check, flush=True)
            globals()["check_" + check](env, fail)
    finally:
        env.cleanup()
    if fail.items:
        print("\n%d failure(s)" % len(fail.items))
        return 1
    print("all plugin checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
