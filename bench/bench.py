#!/usr/bin/python3
"""smtpsend's end-to-end benchmark (issue 5): one run, smtpsend beside the anchors.

    /usr/bin/python3 bench/bench.py --smtpsend build/smtpsend --hot-paths build/bench/bench_hot_paths
    (bench/run.sh installs the anchors, builds, and runs this.)

Everything runs on loopback and is started here: dnsmasq with a zone, Postfix's smtp-sink,
aiosmtpd with TLS (tls_sink.py; smtp-sink has no TLS) and the latency proxy (latency_proxy.py).
Every server is stopped by PID; every wait is bounded. It measures, for smtpsend and each anchor
that is installed (msmtp, swaks, curl, Postfix's smtp-source):

  round trips    per mode (plain, STARTTLS, implicit TLS, direct MX), counted from the proxy's
                 trace, with 25 ms injected in each direction (wall time shown beside it);
  msg/s          one process per message, and many messages in one process;
  big message    peak RSS (wait4 rusage) and wall time for a 200 MiB message, file and stdin;
  big 8-bit      smtpsend's peak RSS and wall time for a 200 MiB 8-bit message to a server with
                 and without 8BITMIME, and for a composed message with a 200 MiB attachment;
  start-up       instructions (callgrind total Ir) per small send;
  hot paths      the Google Benchmark figures of bench_hot_paths (MB/s).

It prints one Markdown table per measurement. Nothing is hard-coded: an anchor that is missing
or fails shows that in its cell. Modes smtpsend does not offer yet (detected from --help) show
"not supported yet". --smoke runs only smtpsend's round trips (plain, BDAT, TLS) and exits 1 unless they are
the protocol minimum (used by the integration test; it asserts no time).
"""
import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

from fixtures_lib import Dnsmasq  # noqa: E402  (the integration fixtures, reused)
from processes import FixtureError, free_port, stop, wait_for_tcp  # noqa: E402
from zone import Domain, Zone, random_net  # noqa: E402

PYTHON = "/usr/bin/python3"
SMTP_SINK = "/usr/sbin/smtp-sink"
SMTP_SOURCE = "/usr/sbin/smtp-source"
GNU_TIME = "/usr/bin/time"  # Debian package time (bench/run.sh installs it)
OPENSSL = "/usr/bin/openssl"
VALGRIND = "/usr/bin/valgrind"

DELAY = 0.025          # seconds added to each direction by the proxy
RUN_TIMEOUT = 120.0    # any one client run
BIG_SIZE = 200 * 1024 * 1024
SENDER = "sender@client.test"
RCPT_MX = "user@rt.test"          # resolved through the zone: MX mx.rt.test
RCPT_LITERAL = "user@[127.0.0.1]"  # no DNS at all: bulk, memory and start-up runs

# The targets: round trips a client cannot go below (TCP handshake, greeting, EHLO,
# MAIL/RCPT/DATA pipelined, data + final dot with QUIT pipelined; TLS 1.3 adds one round trip,
# STARTTLS two more: the STARTTLS command and the second EHLO). BDAT saves the 354.
TARGET_RT = {"plain": 5, "starttls": 8, "smtps": 6, "plain_bdat": 4, "starttls_bdat": 7, "smtps_bdat": 5,
             # three messages on one connection: each further one costs one round trip
             "plain_x3": 7}
TARGET_DNS_RT = 1
# A mode is how the client talks to the server; "_bdat" means the server offers CHUNKING.
MODES = ("plain", "plain_bdat", "starttls", "starttls_bdat", "smtps", "smtps_bdat", "mx", "plain_x3")
MODE_TITLES = {"plain": "plain", "starttls": "STARTTLS", "smtps": "implicit TLS",
               "plain_bdat": "plain, server offers CHUNKING", "starttls_bdat": "STARTTLS, server offers CHUNKING",
               "smtps_bdat": "implicit TLS, server offers CHUNKING", "mx": "direct MX (plain + DNS)",
               "plain_x3": "three messages in one run (plain)"}
SINK_MODES = {"plain": "plain", "starttls": "starttls", "smtps": "implicit"}  # tls_sink.py --mode


def base_mode(mode):
    return mode.removesuffix("_bdat").removesuffix("_x3")


# ------------------------------------------------------------------------------------------
# Processes


class Server:
    """A server subprocess: started with a readiness check, stopped by its PID."""

    def __init__(self, argv, workdir, name, ready_line=False, tcp=None):
        self.name = name
        self.stderr = open(os.path.join(workdir, f"{name}.stderr"), "wb")
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE if ready_line else subprocess.DEVNULL,
                                     stderr=self.stderr)
        try:
            if ready_line:
                self._wait_ready_line()
            if tcp:
                wait_for_tcp(*tcp, self.proc)
        except Exception:
            self.stop()
            raise

    def _wait_ready_line(self):
        import selectors
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            if not sel.select(timeout=15) or self.proc.stdout.readline() != b"READY\n":
                raise FixtureError(f"{self.name} did not start; see {self.stderr.name}")

    def stop(self):
        stop(self.proc)
        if self.proc.stdout:
            self.proc.stdout.close()
        self.stderr.close()


class Bench:
    """The servers of one benchmark run and the files every measurement shares."""

    def __init__(self, args):
        self.args = args
        self.dir = tempfile.mkdtemp(prefix="smtpsend-bench-")
        os.chmod(self.dir, 0o777)  # smtp-sink and dnsmasq drop root privileges
        self.servers = []
        self.dns = None
        self.net = random_net()
        self.mx_ip = f"{self.net}.2"
        self.small = os.path.join(self.dir, "small.eml")
        self.help = subprocess.run([args.smtpsend, "--help"], capture_output=True, text=True,
                                   timeout=10).stdout

    def supports(self, option):
        return option in self.help

    # -- start-up --
    def start(self, tls=True):
        zone = Zone(net=self.net)
        zone.add_host("mx.rt.test", 2)
        zone.domains["rt.test"] = Domain("rt.test", mx=((10, "mx.rt.test"),))
        self.dns = Dnsmasq(zone).start()
        write_small_message(self.small)
        self.sink_port = free_port()
        user = ["-u", "nobody"] if os.geteuid() == 0 else []
        # No -d: the sink discards, so the bulk and 200 MiB runs measure the clients, not a disk.
        self._add(Server([SMTP_SINK, *user, "-h", "sink.bench.test", f"127.0.0.1:{self.sink_port}", "256"],
                         self.dir, "smtp-sink", tcp=("127.0.0.1", self.sink_port)))
        # The same sink without 8BITMIME (-8): an 8-bit message goes in its 7-bit form.
        self.sink7_port = free_port()
        self._add(Server([SMTP_SINK, *user, "-8", "-h", "sink7.bench.test", f"127.0.0.1:{self.sink7_port}", "16"],
                         self.dir, "smtp-sink-7bit", tcp=("127.0.0.1", self.sink7_port)))
        # aiosmtpd for the TLS modes and for every mode whose server offers CHUNKING; each logs
        # DATA or BDAT per message so the table can say which one the client used.
        self.aiosmtpd = {}
        if tls:
            cert, key = make_certificate(self.dir, self.mx_ip)
            for mode in MODES:
                if mode in ("plain", "mx"):
                    continue
                port, log = free_port(), os.path.join(self.dir, f"aiosmtpd-{mode}.log")
                argv = [PYTHON, os.path.join(HERE, "tls_sink.py"), "--listen", f"127.0.0.1:{port}",
                        "--mode", SINK_MODES[base_mode(mode)], "--cert", cert, "--key", key, "--log", log]
                if mode.endswith("_bdat"):
                    argv.append("--chunking")
                self._add(Server(argv, self.dir, f"aiosmtpd-{mode}", ready_line=True, tcp=("127.0.0.1", port)))
                self.aiosmtpd[mode] = (port, log)
        return self

    def last_transfer(self, mode):
        """"DATA" or "BDAT": how the last message reached the aiosmtpd sink of `mode` (or None)."""
        if mode not in self.aiosmtpd or not os.path.exists(self.aiosmtpd[mode][1]):
            return None
        with open(self.aiosmtpd[mode][1], encoding="ascii") as f:
            lines = f.read().split()
        return lines[-1] if lines else None

    def _add(self, server):
        self.servers.append(server)
        return server

    def stop(self):
        for server in reversed(self.servers):
            server.stop()
        if self.dns:
            self.dns.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def target_port(self, mode):
        if mode in ("plain", "mx", "plain_x3"):
            return self.sink_port
        return self.aiosmtpd[mode][0]


def write_small_message(path):
    """A typical small notification mail, CRLF (so no tool has to convert line endings)."""
    lines = ["From: Sender <sender@client.test>", "To: User <user@rt.test>", "Subject: benchmark",
             "Date: Tue, 24 Nov 2026 01:00:00 +0000", "Message-ID: <bench.1@client.test>", ""]
    lines += [f"Line {i} of a short message body, as cron or a monitoring script would send." for i in range(20)]
    with open(path, "wb") as f:
        f.write(("\r\n".join(lines) + "\r\n").encode())


def write_big_message(path, size):
    """Headers, then base64-looking 76-character CRLF lines up to `size` bytes."""
    line = (b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0" + b"\r\n")
    head = (b"From: sender@client.test\r\nTo: user@rt.test\r\nSubject: big\r\n"
            b"Date: Tue, 24 Nov 2026 01:00:00 +0000\r\nMessage-ID: <bench.big@client.test>\r\n\r\n")
    block = line * (1024 * 1024 // len(line))
    with open(path, "wb") as f:
        f.write(head)
        written = len(head)
        while written + len(block) <= size:
            f.write(block)
            written += len(block)
        f.write(line * ((size - written) // len(line)))


def write_big_eight_bit_message(path, size):
    """Headers, then UTF-8 text lines (every one with 8-bit bytes) up to `size` bytes."""
    line = ("Gr\u00fc\u00dfe aus K\u00f6ln, caf\u00e9 cr\u00e8me br\u00fbl\u00e9e \u20ac 12,50 "
            "na\u00efve \u00e5ngstr\u00f6m").encode("utf-8") + b"\r\n"
    head = (b"From: sender@client.test\r\nTo: user@rt.test\r\nSubject: big 8-bit\r\n"
            b"Date: Tue, 24 Nov 2026 01:00:00 +0000\r\nMessage-ID: <bench.big8@client.test>\r\n\r\n")
    block = line * (1024 * 1024 // len(line))
    with open(path, "wb") as f:
        f.write(head)
        written = len(head)
        while written + len(block) <= size:
            f.write(block)
            written += len(block)
        f.write(line * ((size - written) // len(line)))


def measure_big_eight_bit(bench):
    """smtpsend only: a 200 MiB 8-bit message to a sink with and without 8BITMIME, and a
    composed message with a 200 MiB attachment."""
    big8, data, body = (os.path.join(bench.dir, name) for name in ("big8.eml", "data.bin", "body.txt"))
    write_big_eight_bit_message(big8, BIG_SIZE)
    with open(data, "wb") as f:
        block = bytes(range(256)) * 4096
        for _ in range(BIG_SIZE // len(block)):
            f.write(block)
    with open(body, "wb") as f:
        f.write(b"The data is attached.\n")
    dns = bench.dns.port
    runs = [("8-bit message, server offers 8BITMIME (sent as it is)",
             smtpsend_argv(bench, "default", bench.sink_port, dns, RCPT_LITERAL, big8), None),
            ("8-bit message, server without 8BITMIME (quoted-printable while sent)",
             smtpsend_argv(bench, "default", bench.sink7_port, dns, RCPT_LITERAL, big8), None),
            ("composed, `-a` a 200 MiB file (base64 while sent)",
             smtpsend_argv(bench, "default", bench.sink_port, dns, RCPT_LITERAL)[:-1]
             + ["-s", "data", "-a", data, RCPT_LITERAL], body)]
    rows = ["| smtpsend, 200 MiB | peak RSS, wall |", "|---|---|"]
    raw = {}
    for name, argv, stdin_path in runs:
        status, wall, rss, err = run_client(argv, stdin_path)
        raw[name] = (status, wall, rss)
        cell = f"{rss / 1024:.1f} MiB, {wall:.2f} s" if status == 0 else f"failed (exit {status}: {err.strip()[-60:]})"
        rows.append(f"| {name} | {cell} |")
    for path in (big8, data, body):
        os.unlink(path)
    return rows, raw


def make_certificate(directory, ip):
    """A self-signed EC certificate for mx.rt.test (and its address), made by openssl now."""
    cert, key = os.path.join(directory, "sink.crt"), os.path.join(directory, "sink.key")
    subprocess.run([OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=mx.rt.test",
                    "-addext", f"subjectAltName=DNS:mx.rt.test,IP:{ip},IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=30)
    return cert, key


class LatencyProxy:
    """latency_proxy.py as a subprocess for one measurement; `events()` reads its trace."""

    def __init__(self, bench, target_port, udp_target_port=None):
        self.port = free_port((bench.mx_ip,))
        self.trace = os.path.join(bench.dir, f"trace-{self.port}.jsonl")
        argv = [PYTHON, os.path.join(HERE, "latency_proxy.py"), "--listen", f"{bench.mx_ip}:{self.port}",
                "--target", f"127.0.0.1:{target_port}", "--delay", str(DELAY), "--trace", self.trace]
        self.udp_port = None
        if udp_target_port:
            self.udp_port = free_port(kind=socket.SOCK_DGRAM)
            argv += ["--udp-listen", f"127.0.0.1:{self.udp_port}", "--udp-target", f"127.0.0.1:{udp_target_port}"]
        self.server = Server(argv, bench.dir, f"proxy-{self.port}", ready_line=True)

    def events(self):
        if not os.path.exists(self.trace):
            return []
        with open(self.trace, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def stop(self):
        self.server.stop()


# ------------------------------------------------------------------------------------------
# Counting


def count_round_trips(events):
    """(TCP round trips, DNS round trips, connections, verbs seen) from a proxy trace.

    Per connection: 1 for the TCP handshake the proxy cannot delay (see latency_proxy.py), plus
    one each time server-to-client data follows client activity (the connection's opening
    counts as client activity: a server-speaks-first protocol sends its greeting only after
    the handshake). DNS: one each time answers follow queries.
    """
    tcp_rt, conns, verbs = 0, set(), []
    last = {}
    for e in events:
        if "conn" not in e:
            continue
        c, d = e["conn"], e["dir"]
        if d == "open":
            conns.add(c)
            tcp_rt += 1
            last[c] = "c2s"
        elif d in ("c2s", "s2c"):
            if d == "s2c" and last.get(c) == "c2s":
                tcp_rt += 1
            last[c] = d
            verbs += e.get("verbs", [])
    dns_rt, last_udp = 0, None
    for e in events:
        if "udp" in e:
            if e["dir"] == "answer" and last_udp == "query":
                dns_rt += 1
            last_udp = e["dir"]
    return tcp_rt, dns_rt, len(conns), verbs


# ------------------------------------------------------------------------------------------
# The clients


def smtpsend_argv(bench, mode, port, dns_port, rcpt=RCPT_MX, message=None):
    """smtpsend delivering to the MX of rt.test (or an address literal) on `port`."""
    argv = [bench.args.smtpsend, "--dns-server", f"127.0.0.1:{dns_port}", "--mx-port", str(port),
            "--helo", "client.test", "--timeout", "60", "--connect-timeout", "10", "-f", SENDER]
    argv += {"plain": ["--tls", "none"], "mx": ["--tls", "none"], "starttls": ["--tls", "required"],
             "smtps": ["--relay", f"smtps://{bench.mx_ip}:{port}", "--tls", "required"],
             "default": []}[mode]
    if message:
        argv += ["-m", message]
    return argv + [rcpt]


def anchor_argv(tool, mode, host, port, message):
    """(argv, stdin path) for an anchor sending `message` to host:port; None if it cannot."""
    if tool == "msmtp":
        tls = {"plain": ["--tls=off"], "starttls": ["--tls=on", "--tls-starttls=on", "--tls-certcheck=off"],
               "smtps": ["--tls=on", "--tls-starttls=off", "--tls-certcheck=off"]}.get(mode)
        if tls is None:
            return None
        return (["msmtp", "-C", "/dev/null", f"--host={host}", f"--port={port}", "--auth=off",
                 f"--from={SENDER}", "--domain=client.test", *tls, "user@rt.test"], message)
    if tool == "swaks":
        tls = {"plain": [], "starttls": ["--tls"], "smtps": ["--tls-on-connect"]}.get(mode)
        if tls is None:
            return None
        # --pipeline: swaks's best; without it swaks waits for every reply.
        return (["swaks", "--server", host, "--port", str(port), "--from", SENDER, "--to", "user@rt.test",
                 "--helo", "client.test", "--pipeline", "--data", f"@{message}", "--silent", "2", *tls], None)
    if tool == "curl":
        scheme = "smtps" if mode == "smtps" else "smtp"
        tls = {"plain": [], "starttls": ["--ssl-reqd", "-k"], "smtps": ["-k"]}.get(mode)
        if tls is None:
            return None
        return (["curl", "-sS", f"{scheme}://{host}:{port}/client.test", "--mail-from", SENDER,
                 "--mail-rcpt", "user@rt.test", "--upload-file", message, *tls], None)
    raise ValueError(tool)


def installed(tool):
    return shutil.which(tool) is not None


def run_client(argv, stdin_path=None, timeout=RUN_TIMEOUT, piped=False):
    """Runs one client; returns (exit status, wall seconds, peak RSS in KiB, stderr text).

    Peak RSS is GNU time's %M (wait4's ru_maxrss of the client): a client forked straight from
    this Python process would count Python's own pages, held until exec, as its peak (Linux
    keeps the larger high-water mark across exec), so every client read about 17 MiB. time(1)
    forks from a 2 MiB process instead. With piped, stdin is a pipe that `cat stdin_path` fills
    (`cat big.eml | client`), not the file.
    """
    feeder = subprocess.Popen(["cat", stdin_path], stdout=subprocess.PIPE) if piped else None
    stdin = feeder.stdout if piped else open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    err = tempfile.TemporaryFile()
    rss_file = tempfile.NamedTemporaryFile(prefix="bench-rss-", delete=False)
    rss_file.close()
    try:
        start = time.monotonic()
        proc = subprocess.Popen([GNU_TIME, "-f", "%M", "-o", rss_file.name, *argv], stdin=stdin,
                                stdout=subprocess.DEVNULL, stderr=err)
        if feeder:
            feeder.stdout.close()
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.002)
        wall = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        with open(rss_file.name, encoding="utf-8") as f:
            # "Command exited with non-zero status N" comes first when the client failed.
            lines = f.read().split()
        rss = int(lines[-1]) if lines and lines[-1].isdigit() else 0
        return proc.returncode, wall, rss, err.read().decode("utf-8", "replace")
    finally:
        os.unlink(rss_file.name)
        if feeder:
            feeder.kill()
            feeder.wait()
        elif stdin_path:
            stdin.close()
        err.close()


# ------------------------------------------------------------------------------------------
# Measurements


def measure_round_trips(bench, tool, mode):
    """One send through the latency proxy; returns a result dict (or a reason it was not run)."""
    if tool == "smtpsend":
        if base_mode(mode) == "smtps" and not bench.supports("--smtps"):
            return {"cell": "not supported yet"}
    elif mode == "mx":
        return {"cell": "— (no MX lookup)" if tool != "swaks" else "— (system resolver only)"}
    elif mode == "plain_x3":
        return {"cell": "— (one message per run)"}
    elif not installed(tool):
        return {"cell": "not installed"}
    port = bench.target_port(mode)
    proxy = LatencyProxy(bench, port, udp_target_port=bench.dns.port if tool == "smtpsend" else None)
    try:
        if tool == "smtpsend":
            argv, stdin = smtpsend_argv(bench, base_mode(mode), proxy.port, proxy.udp_port, message=bench.small), None
            if mode == "plain_x3":
                argv[-1:-1] = ["-m", bench.small, "-m", bench.small]
        else:
            argv, stdin = anchor_argv(tool, base_mode(mode), bench.mx_ip, proxy.port, bench.small)
        status, wall, _, err = run_client(argv, stdin)
        time.sleep(4 * DELAY)  # let the last delayed bytes and EOFs reach the trace
    finally:
        proxy.stop()
    tcp_rt, dns_rt, conns, verbs = count_round_trips(proxy.events())
    result = {"tcp_rt": tcp_rt, "dns_rt": dns_rt, "connections": conns, "wall_ms": round(wall * 1000),
              "status": status, "transfer": bench.last_transfer(mode) or ("BDAT" if "BDAT" in verbs else "DATA")}
    if status != 0:
        result["cell"] = f"failed (exit {status}): {err.strip().splitlines()[-1][:80] if err.strip() else ''}"
    return result


def rt_cell(result, mode):
    if "cell" in result:
        return result["cell"]
    rt = result["tcp_rt"] + (result["dns_rt"] if mode == "mx" else 0)
    extra = f" ({result['tcp_rt']} SMTP + {result['dns_rt']} DNS)" if mode == "mx" else ""
    conns = f", {result['connections']} connections" if result["connections"] != 1 else ""
    # Against a CHUNKING server, say when the client still used DATA (it costs the 354 round trip).
    data = " (DATA, no BDAT)" if mode.endswith("_bdat") and result["transfer"] != "BDAT" else ""
    return f"{rt}{extra}, {result['wall_ms']} ms{conns}{data}"


def round_trip_table(bench, tools):
    rows = ["| mode | target | " + " | ".join(tools) + " |", "|---" * (len(tools) + 2) + "|"]
    raw = {}
    for mode in MODES:
        cells = []
        for tool in tools:
            result = measure_round_trips(bench, tool, mode)
            raw[f"{tool}/{mode}"] = result
            cells.append(rt_cell(result, mode))
        target = TARGET_RT[mode] if mode in TARGET_RT else f"{TARGET_RT['plain']} + {TARGET_DNS_RT} DNS"
        rows.append(f"| {MODE_TITLES[mode]} | {target} | " + " | ".join(cells) + " |")
    note = ("Servers: plain and direct MX = Postfix smtp-sink; the others = aiosmtpd (tls_sink.py, which "
            "adds PIPELINING and, for the CHUNKING rows, BDAT). smtpsend's rows are its MX delivery of "
            "user@rt.test through the proxy (--mx-port); the DNS round trips (through the proxy's UDP "
            "side) are added only in the direct-MX row. \"(DATA, no BDAT)\": the server offered CHUNKING "
            "and the client did not use it, so it paid the 354 round trip.")
    return rows, raw, note


def per_process_rate(argv_for, count):
    """Messages per second with one process per message, run back to back."""
    start = time.monotonic()
    for _ in range(count):
        argv, stdin = argv_for()
        status, _, _, err = run_client(argv, stdin)
        if status != 0:
            return None, f"exit {status}: {err.strip()[-80:]}"
    return count / (time.monotonic() - start), ""


def measure_bulk(bench, tools, per_process, batched):
    """msg/s to smtp-sink (no latency): one process per message, and many in one process."""
    sink, dns = bench.sink_port, bench.dns.port
    rows = ["| client | one process per message (msg/s) | many messages in one process (msg/s) |",
            "|---|---|---|"]
    raw = {}

    def cell(rate, why):
        return f"{rate:.0f}" if rate else f"failed ({why})"

    # smtpsend: per process, and one process with `batched` -m options (one connection).
    rate1, why1 = per_process_rate(lambda: (smtpsend_argv(bench, "default", sink, dns, RCPT_LITERAL,
                                                          bench.small), None), per_process)
    argv = smtpsend_argv(bench, "default", sink, dns, RCPT_LITERAL)[:-1]
    argv += [x for _ in range(batched) for x in ("-m", bench.small)] + [RCPT_LITERAL]
    status, wall, _, err = run_client(argv)
    rate_n = batched / wall if status == 0 else None
    raw["smtpsend"] = (rate1, rate_n)
    rows.append(f"| smtpsend (`-m` ×{batched} for the batch) | {cell(rate1, why1)} | "
                f"{cell(rate_n, f'exit {status}: {err.strip()[-60:]}')} |")
    # A mailing: one message, --each over `batched` recipients (a copy each, one connection).
    argv = smtpsend_argv(bench, "default", sink, dns, RCPT_LITERAL, bench.small)[:-1]
    argv += ["--each"] + [f"user{i}@[127.0.0.1]" for i in range(batched)]
    status, wall, _, err = run_client(argv)
    rate_each = batched / wall if status == 0 else None
    raw["smtpsend --each"] = (None, rate_each)
    rows.append(f"| smtpsend (`--each` over {batched} recipients: a copy each) | — | "
                f"{cell(rate_each, f'exit {status}: {err.strip()[-60:]}')} |")

    for tool in tools:
        if tool == "smtpsend":
            continue
        if not installed(tool):
            rows.append(f"| {tool} | not installed | — |")
            continue
        n = max(10, per_process // 4) if tool == "swaks" else per_process  # perl start-up is slow
        rate, why = per_process_rate(lambda: anchor_argv(tool, "plain", "127.0.0.1", sink, bench.small), n)
        raw[tool] = (rate, None)
        rows.append(f"| {tool} | {cell(rate, why)} | — (one message per run) |")

    if os.access(SMTP_SOURCE, os.X_OK):
        size = os.path.getsize(bench.small)
        common = [SMTP_SOURCE, "-s", "1", "-l", str(size), "-f", SENDER, "-t", RCPT_LITERAL, "-M", "client.test"]
        # smtp-source is one process either way; without -d it opens one connection per message.
        status1, wall1, _, _ = run_client([*common, "-m", str(per_process), f"127.0.0.1:{sink}"])
        status_n, wall_n, _, _ = run_client([*common, "-d", "-m", str(batched), f"127.0.0.1:{sink}"])
        r1 = per_process / wall1 if status1 == 0 else None
        rn = batched / wall_n if status_n == 0 else None
        raw["smtp-source"] = (r1, rn)
        rows.append(f"| Postfix smtp-source (one process; a connection per message / `-d` one connection) "
                    f"| {cell(r1, f'exit {status1}')} | {cell(rn, f'exit {status_n}')} |")
    else:
        rows.append("| Postfix smtp-source | not installed | not installed |")
    return rows, raw


def measure_big(bench, tools):
    """Peak RSS and wall time for one 200 MiB message to smtp-sink, from a file and from stdin."""
    big = os.path.join(bench.dir, "big.eml")
    write_big_message(big, BIG_SIZE)
    sink, dns = bench.sink_port, bench.dns.port
    rows = ["| client | from a file: peak RSS, wall | stdin redirected from the file: peak RSS, wall "
            "| stdin through a pipe (`cat big.eml \\| client`): peak RSS, wall |", "|---|---|---|---|"]
    raw = {}

    def cell(outcome):
        status, wall, rss, err = outcome
        if status != 0:
            return f"failed (exit {status}: {err.strip()[-60:]})"
        return f"{rss / 1024:.1f} MiB, {wall:.2f} s"

    runs = {"smtpsend": (smtpsend_argv(bench, "default", sink, dns, RCPT_LITERAL, big), None,
                         smtpsend_argv(bench, "default", sink, dns, RCPT_LITERAL), big)}
    if installed("curl"):
        argv, _ = anchor_argv("curl", "plain", "127.0.0.1", sink, big)
        stdin_argv, _ = anchor_argv("curl", "plain", "127.0.0.1", sink, "-")
        runs["curl"] = (argv, None, stdin_argv, big)
    if installed("msmtp"):
        argv, _ = anchor_argv("msmtp", "plain", "127.0.0.1", sink, big)
        runs["msmtp"] = (None, None, argv, big)  # msmtp reads the message from stdin only
    for tool, (file_argv, _, stdin_argv, stdin_path) in runs.items():
        from_file = run_client(file_argv) if file_argv else None
        from_stdin = run_client(stdin_argv, stdin_path)
        from_pipe = run_client(stdin_argv, stdin_path, piped=True)
        raw[tool] = {"file": from_file[:3] if from_file else None, "stdin": from_stdin[:3],
                     "pipe": from_pipe[:3]}
        rows.append(f"| {tool} | {cell(from_file) if from_file else '— (reads stdin only)'} | "
                    f"{cell(from_stdin)} | {cell(from_pipe)} |")
    for tool in tools:
        if tool not in runs and tool != "smtpsend":
            rows.append(f"| {tool} | not measured | not measured | not measured |")
    os.unlink(big)
    return rows, raw


def callgrind_instructions(bench, argv, stdin=None):
    """Total instructions (callgrind's Ir) of one run, or None with the reason."""
    out = os.path.join(bench.dir, "callgrind.out")
    status, _, _, err = run_client([VALGRIND, "--tool=callgrind", f"--callgrind-out-file={out}", *argv],
                                   stdin, timeout=300)
    if status != 0:
        return None, f"exit {status}: {err.strip()[-80:]}"
    with open(out, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith(("summary:", "totals:")):
                os.unlink(out)
                return int(line.split()[1]), ""
    return None, "no totals in the callgrind output"


def measure_startup(bench, tools):
    """Instructions per small send (one process, no latency): plain to smtp-sink, STARTTLS to aiosmtpd."""
    sink, dns = bench.sink_port, bench.dns.port
    tls_port = bench.target_port("starttls")
    rows = ["| client | plain send (callgrind Ir) | STARTTLS send, certificate not checked (callgrind Ir) |",
            "|---|---|---|"]
    raw = {}
    runs = [("smtpsend (plain target ≤ 5.4 M)",
             (smtpsend_argv(bench, "default", sink, dns, RCPT_LITERAL, bench.small), None),
             (smtpsend_argv(bench, "starttls", tls_port, dns, RCPT_LITERAL, bench.small), None))]
    for tool in ("msmtp", "curl"):
        if tool in tools and installed(tool):
            runs.append((tool, anchor_argv(tool, "plain", "127.0.0.1", sink, bench.small),
                         anchor_argv(tool, "starttls", "127.0.0.1", tls_port, bench.small)))

    def cell(ir, why):
        return f"{ir / 1e6:.2f} M" if ir else f"failed ({why})"

    for name, (argv, stdin), (tls_argv, tls_stdin) in runs:
        ir, why = callgrind_instructions(bench, argv, stdin)
        tls_ir, tls_why = callgrind_instructions(bench, tls_argv, tls_stdin)
        raw[name] = (ir, tls_ir)
        rows.append(f"| {name} | {cell(ir, why)} | {cell(tls_ir, tls_why)} |")
    if "swaks" in tools:
        rows.append("| swaks | not measured (a Perl interpreter's start-up under callgrind) | not measured |")
    return rows, raw


def measure_hot_paths(bench):
    """Runs bench_hot_paths (Google Benchmark) and tabulates MB/s per benchmark."""
    path = bench.args.hot_paths
    rows = ["| hot path (Google Benchmark) | MB/s | note |", "|---|---|---|"]
    if not path or not os.access(path, os.X_OK):
        return rows + ["| bench_hot_paths | not built (-DSMTPSEND_BENCH=ON) | |"], {}
    done = subprocess.run([path, "--benchmark_format=json", "--benchmark_min_time=0.5"],
                          capture_output=True, text=True, timeout=600)
    raw = {}
    for b in json.loads(done.stdout)["benchmarks"]:
        mbps = b.get("bytes_per_second", 0) / 1e6
        raw[b["name"]] = mbps
        note = ""
        if b["name"].startswith("BM_DotStuffer") or b["name"].startswith("BM_Canonicalize"):
            note = "target ≥ 1000 MB/s per core" + (" — met" if mbps >= 1000 else " — NOT met")
        for counter in ("replies/s", "headers/s"):
            if counter in b:
                note = f"{b[counter] / 1e6:.2f} M {counter}"
        rows.append(f"| {b['name']} | {mbps:.0f} | {note} |")
    return rows, raw


def machine():
    model = cores = ""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
        for line in out.splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "Model name":
                model = value.strip()
            if key.strip() == "CPU(s)":
                cores = value.strip()
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{model}, {cores} CPUs, Linux {platform.release()}; load average at start {load}"


def tool_versions(tools):
    out = []
    for tool, argv in (("msmtp", ["msmtp", "--version"]), ("swaks", ["swaks", "--version"]),
                       ("curl", ["curl", "--version"])):
        if tool in tools and installed(tool):
            first = subprocess.run(argv, capture_output=True, text=True, timeout=10).stdout.splitlines()
            out.append(first[0] if first else tool)
    return out


# ------------------------------------------------------------------------------------------


# The modes the smoke run checks, with the exact count where it never varies and an upper bound
# (the target) where TLS 1.3 flights may merge (see docs/performance.md).
SMOKE_MODES = {"plain": "exact", "plain_bdat": "exact", "plain_x3": "exact", "starttls": "at most", "smtps": "at most",
               "smtps_bdat": "at most"}


def smoke(bench):
    """The protocol property the integration test checks: round trips == or <= the minimum."""
    results, failures = {}, []
    for mode, rule in SMOKE_MODES.items():
        result = measure_round_trips(bench, "smtpsend", mode)
        results[mode] = result
        rt, target = result.get("tcp_rt"), TARGET_RT[mode]
        within = rt == target if rule == "exact" else rt is not None and rt <= target
        if result.get("status") != 0 or not within:
            failures.append(f"smtpsend {mode}: {rt} round trips, expected {rule} {target}")
        if mode.endswith("_bdat") and result.get("transfer") != "BDAT":
            failures.append(f"smtpsend {mode}: the server offered CHUNKING and the message came by DATA")
    print(json.dumps(results))
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description="smtpsend end-to-end benchmark (issue 5)")
    parser.add_argument("--smtpsend", required=True)
    parser.add_argument("--hot-paths", help="path to bench_hot_paths")
    parser.add_argument("--tools", default="smtpsend,msmtp,swaks,curl")
    parser.add_argument("--per-process", type=int, default=200, help="sends for the one-process-per-message rate")
    parser.add_argument("--batched", type=int, default=1000, help="messages in one process")
    parser.add_argument("--skip", default="", help="comma list of: rt,bulk,big,big8,startup,hot")
    parser.add_argument("--json", help="also write the raw figures here")
    parser.add_argument("--smoke", action="store_true", help="only smtpsend's round trips (plain, BDAT, STARTTLS, implicit TLS); exit 1 if not minimal")
    args = parser.parse_args()
    tools = args.tools.split(",")
    skip = set(filter(None, args.skip.split(",")))

    bench = Bench(args)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # finally: below stops the servers
    try:
        bench.start()
        if args.smoke:
            return smoke(bench)
        raw = {}
        print(f"# smtpsend benchmark\n\nMachine: {machine()}  ")
        print(f"Anchors: {'; '.join(tool_versions(tools)) or 'none installed'}  ")
        print(f"Latency proxy: {DELAY * 1000:.0f} ms each direction. smtpsend --help offers "
              f"--relay: {bench.supports('--relay')}, --smtps: {bench.supports('--smtps')}\n")
        sections = [
            ("rt", "Round trips per send (count from the proxy trace, incl. the TCP handshake; wall time)",
             lambda: round_trip_table(bench, tools)),
            ("bulk", f"Messages per second to smtp-sink (loopback, no added latency; "
                     f"{args.per_process} sends one per process, {args.batched} in one process)",
             lambda: measure_bulk(bench, tools, args.per_process, args.batched)),
            ("big", "A 200 MiB message to smtp-sink (loopback): peak RSS (GNU time %M) and wall time",
             lambda: measure_big(bench, tools)),
            ("big8", "A 200 MiB 8-bit message and a 200 MiB attachment to smtp-sink (loopback): "
                     "peak RSS (GNU time %M) and wall time", lambda: measure_big_eight_bit(bench)),
            ("startup", "Start-up: instructions per small send", lambda: measure_startup(bench, tools)),
            ("hot", "Hot paths", lambda: measure_hot_paths(bench)),
        ]
        for key, title, measure in sections:
            if key in skip:
                continue
            out = measure()
            rows, raw[key] = out[0], out[1]
            print(f"## {title}\n")
            print("\n".join(rows))
            if len(out) > 2:
                print(f"\n{out[2]}")
            print(flush=True)
        if args.json:
            with open(args.json, "w", encoding="utf-8") as f:
                json.dump(raw, f, indent=1, default=str)
        return 0
    finally:
        bench.stop()


if __name__ == "__main__":
    sys.exit(main())
