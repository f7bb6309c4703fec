"""The servers the integration tests run against: dnsmasq, smtp-sink, the scripted server.

Each class starts one process bound to loopback only, knows how to read what
the process recorded, and stops it by PID. conftest.py turns them into fixtures.
"""
import base64
import glob
import json
import os
import selectors
import shutil
import socket
import subprocess
import tempfile

import dnsq
from processes import FixtureError, free_port, require_tool, stop, wait_for, wait_for_tcp

DNSMASQ = "/usr/sbin/dnsmasq"
SMTP_SINK = "/usr/sbin/smtp-sink"
PYTHON = "/usr/bin/python3"
HERE = os.path.dirname(os.path.abspath(__file__))


def shared_tempdir(prefix):
    """A private temp dir that daemons dropping root (to nobody) can still write into."""
    path = tempfile.mkdtemp(prefix=prefix)
    os.chmod(path, 0o777)
    return path


def _bindable_tcp(host, port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


class Dnsmasq:
    """dnsmasq on 127.0.0.1:<free port> serving the test zone and nothing else."""

    # dnsmasq binds UDP and TCP on its port; another test's process may take either between the
    # choice and the bind (ctest runs test files in parallel), so a bind failure means another port.
    START_ATTEMPTS = 3

    def __init__(self, zone):
        self.zone = zone
        self.dir = shared_tempdir("smtpsend-dns-")
        self.port = self._free_udp_and_tcp_port()
        self.proc = None

    @staticmethod
    def _free_udp_and_tcp_port():
        for _ in range(50):
            port = free_port(kind=socket.SOCK_DGRAM)
            if _bindable_tcp("127.0.0.1", port):
                return port
        raise FixtureError("no port free for both UDP and TCP on 127.0.0.1")

    def start(self):
        for attempt in range(self.START_ATTEMPTS):
            try:
                return self._start_once()
            except FixtureError as error:
                if "Address already in use" not in str(error) or attempt + 1 == self.START_ATTEMPTS:
                    raise
                self.proc = None
                self.port = self._free_udp_and_tcp_port()
        return self

    def _start_once(self):
        binary = require_tool(DNSMASQ, "dnsmasq-base")
        conf = os.path.join(self.dir, "zone.conf")
        with open(conf, "w", encoding="ascii") as f:
            f.write(self.zone.dnsmasq_config())
        with _stderr_file(self.dir) as stderr:
            self.proc = subprocess.Popen(
                [binary, "--no-resolv", "--no-hosts", f"--port={self.port}", "--listen-address=127.0.0.1",
                 "--bind-interfaces", "--keep-in-foreground", f"--pid-file={self.dir}/dnsmasq.pid",
                 f"--conf-file={conf}", "--log-queries", f"--log-facility={self.dir}/queries.log"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr)
        wait_for(self._answers, 10, f"dnsmasq to answer on 127.0.0.1:{self.port}")
        return self

    def _answers(self):
        if self.proc.poll() is not None:
            raise FixtureError(f"dnsmasq exited with {self.proc.returncode}: {_tail(self.dir)}")
        try:
            dnsq.query("127.0.0.1", self.port, "example.test", dnsq.TYPE_MX, timeout=0.3)
        except OSError:
            return False
        return True

    def query(self, name, rtype):
        return dnsq.query("127.0.0.1", self.port, name, rtype)

    def queries_log(self):
        with open(os.path.join(self.dir, "queries.log"), encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self):
        if self.proc:
            stop(self.proc)
        shutil.rmtree(self.dir, ignore_errors=True)


def _stderr_file(directory):
    """stderr goes to a file: a pipe nobody reads could fill up and stall the server."""
    return open(os.path.join(directory, "stderr.log"), "wb")


def _tail(directory, size=2000):
    """The end of a server's stderr, for failure messages."""
    try:
        with open(os.path.join(directory, "stderr.log"), "rb") as f:
            return f.read()[-size:].decode("utf-8", "replace")
    except OSError:
        return "(no stderr log)"


class SmtpSink:
    """Postfix smtp-sink on one loopback address, dumping each transaction to a file.

    smtp-sink writes the message as received, with dot-stuffing undone and lines
    ending in LF (its dump format), after its own X-*/Received header block.
    """

    def __init__(self, host, port, options=()):
        self.host, self.port, self.options = host, port, list(options)
        self.dir = shared_tempdir("smtpsend-sink-")
        self.proc = None

    def start(self):
        binary = require_tool(SMTP_SINK, "postfix")
        user = ["-u", "nobody"] if os.geteuid() == 0 else []
        with _stderr_file(self.dir) as stderr:
            self.proc = subprocess.Popen(
                [binary, *user, *self.options, "-h", f"sink-{self.host}", "-d", f"{self.dir}/%M.", f"{self.host}:{self.port}", "16"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr)
        wait_for_tcp(self.host, self.port, self.proc)
        self._probe_files = set(self._files())  # the readiness probe may leave nothing, but be sure
        return self

    def _files(self):
        return sorted(glob.glob(os.path.join(self.dir, "*")), key=os.path.getmtime)

    def messages(self, expected=None, timeout=5.0):
        """The dumped transactions as (envelope, content) in arrival order.

        With expected=N, waits (bounded) until N complete dumps exist: smtp-sink
        writes the file while the transaction is in progress.
        """
        if expected is not None:
            wait_for(lambda: len(self._complete()) >= expected, timeout, f"{expected} message(s) at {self.host}")
        return [parse_sink_dump(path) for path in self._complete()]

    def _complete(self):
        """Dump files that end with the empty line smtp-sink adds after the message."""
        return [p for p in self._files() if p not in self._probe_files and _read(p).endswith(b"\n\n")]

    def stop(self):
        if self.proc:
            stop(self.proc)
        shutil.rmtree(self.dir, ignore_errors=True)


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def parse_sink_dump(path):
    """Splits a smtp-sink dump into its envelope records and the message it received.

    The dump is: X-Client-Addr/X-Client-Proto/X-Helo-Args/X-Mail-Args/X-Rcpt-Args
    records, a three-line Received header, the message, and one added empty line.
    """
    data = _read(path)
    lines = data.split(b"\n")
    envelope = {"rcpt": []}
    index = 0
    while not lines[index].startswith(b"Received: "):
        name, _, value = lines[index].decode("utf-8", "replace").partition(": ")
        if name == "X-Rcpt-Args":
            envelope["rcpt"].append(value)
        else:
            envelope[name] = value
        index += 1
    index += 3  # "Received: from ...", "\tby ...", "\t<date>"
    content = b"\n".join(lines[index:])
    if not content.endswith(b"\n\n"):
        raise FixtureError(f"smtp-sink dump {path} does not end with its added empty line: {data[-40:]!r}")
    return envelope, content[:-1]


def complete_lines(f):
    """The non-empty lines of a log another process is appending to, each whole.

    One read() up to end of file is a prefix of what was written; only its last piece can be a
    line still being written (a large message's base64), and it is dropped. Iterating the file
    line by line instead can meet end of file mid-line, return that head, then return the line's
    tail as a line of its own once the writer has appended it.
    """
    pieces = f.read().split("\n")
    return [line for line in pieces[:-1] if line.strip()]


class ScriptedServer:
    """The project's scripted SMTP server (scripted_smtp_server.py), one process for all listeners."""

    def __init__(self, listeners):
        self.dir = tempfile.mkdtemp(prefix="smtpsend-scripted-")
        self.log_path = os.path.join(self.dir, "events.jsonl")
        self.listeners = listeners
        self.proc = None

    def start(self):
        config = os.path.join(self.dir, "config.json")
        with open(config, "w", encoding="utf-8") as f:
            json.dump({"log": self.log_path, "listeners": self.listeners}, f)
        with _stderr_file(self.dir) as stderr:
            self.proc = subprocess.Popen([PYTHON, os.path.join(HERE, "scripted_smtp_server.py"), config],
                                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr)
        self._wait_ready()
        return self

    def _wait_ready(self):
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            if not sel.select(timeout=10) or self.proc.stdout.readline() != b"READY\n":
                self.proc.kill()
                self.proc.wait(timeout=5)
                raise FixtureError(f"scripted SMTP server did not start: {_tail(self.dir)}")

    def events(self, host=None, kind=None):
        """Recorded events (dicts with t, host, conn, event, ...), optionally filtered."""
        if not os.path.exists(self.log_path):
            return []
        with open(self.log_path, encoding="utf-8") as f:
            events = [json.loads(line) for line in complete_lines(f)]
        return [e for e in events if (host is None or e["host"] == host) and (kind is None or e["event"] == kind)]

    def connections(self, host=None):
        return self.events(host, "connect")

    def messages(self, host=None):
        """Received transactions; "data" holds the raw wire bytes up to and including the final dot."""
        found = self.events(host, "message")
        for message in found:
            message["data"] = base64.b64decode(message.pop("data_b64"))
        return found

    def stop(self):
        if self.proc:
            stop(self.proc)
            self.proc.stdout.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def wire_to_message(raw):
    """Undoes SMTP dot-stuffing of DATA as sent on the wire and removes the final '.' line."""
    if not raw.endswith(b"\r\n.\r\n") and raw != b".\r\n":
        raise AssertionError(f"DATA does not end with CRLF.CRLF: {raw[-20:]!r}")
    lines = raw[:-3].split(b"\r\n")
    return b"\r\n".join(line[1:] if line.startswith(b".") else line for line in lines)
