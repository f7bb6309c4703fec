"""A real Haraka (npm package Haraka, pinned) on 127.0.0.1, storing what it accepts in a directory.

scripts/install-haraka.sh (run by install-deps.sh) installs Haraka into HARAKA_PREFIX, outside the
checkout, with the versions of tests/integration/haraka/package-lock.json. Each Haraka
gets its own config dir under a pytest tmp_path, written here file by file:

  config/smtp.ini      listen=127.0.0.1:PORT, one process (no cluster), no daemon
  config/me            haraka.test (the greeting and EHLO name)
  config/host_list     the domains it accepts recipients for (haraka.test)
  config/plugins       rcpt_to.in_host_list, then the local queue_to_dir plugin
  config/connection.ini  Haraka's own defaults (copied from the package: data_line_length=992 ...)
  config/log.ini       level=protocol, so the server's side of every transcript is in haraka.log
  plugins/queue_to_dir.js  (haraka/queue_to_dir.js here) writes each message to received/NNNN.eml (+ NNNN.json, the envelope)
                       before answering 250, and answers the reverse lookup of the client itself

No tls plugin: no STARTTLS is offered (run smtpsend with --tls none). Haraka's core still reads
tls.ini and logs that it has no key; that is harmless. Nothing resolves names (the rDNS hook answers
locally, no plugin that looks up senders is loaded) and nothing binds outside 127.0.0.1.
"""
import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass

import pytest

from processes import free_port, stop, wait_for

HARAKA_VERSION = "3.3.4"
HARAKA_PREFIX = os.environ.get("SMTPSEND_HARAKA_PREFIX", "/opt/smtpsend-test/haraka")
DOMAIN = "haraka.test"
START_TIMEOUT = 20.0

QUEUE_PLUGIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "haraka", "queue_to_dir.js")


def install_command(prefix):
    return (f"run scripts/install-deps.sh as root (its scripts/install-haraka.sh runs npm ci of "
            f"tests/integration/haraka/package-lock.json, Haraka@{HARAKA_VERSION}, into {prefix})")


def require_haraka(prefix):
    """The haraka binary in prefix; fails the test (never skips) unless the pinned Haraka is there."""
    package = os.path.join(prefix, "node_modules", "Haraka", "package.json")
    binary = os.path.join(prefix, "node_modules", ".bin", "haraka")
    try:
        with open(package, encoding="utf-8") as f:
            version = json.load(f).get("version")
    except (OSError, ValueError):
        version = None
    if version != HARAKA_VERSION or not os.access(binary, os.X_OK):
        found = f"version {version} found" if version else "not found"
        pytest.fail(f"Haraka {HARAKA_VERSION} is not installed in {prefix} ({found}); {install_command(prefix)}",
                    pytrace=False)
    if shutil.which("node") is None:
        pytest.fail(f"node not found (Debian package nodejs); {install_command(prefix)}", pytrace=False)
    return binary


@dataclass
class Received:
    """One message Haraka accepted: its envelope and the bytes it stored."""
    envelope: dict
    stored: bytes  # dot-stuffing undone, CRLF line ends, Haraka's Received header first

    @property
    def content(self):
        """The message as the client sent it: the stored bytes without Haraka's own trace header."""
        trace, separator, rest = self.stored.partition(b"\r\n")
        assert trace.startswith(b"Received: from "), self.stored[:200]
        while rest.startswith((b"\t", b" ")):  # the folded lines of that same Received header
            _, _, rest = rest.partition(b"\r\n")
        return rest


class Haraka:
    """One Haraka process on 127.0.0.1:port with its own config dir; stopped by PID."""

    def __init__(self, directory, domains=(DOMAIN,), prefix=HARAKA_PREFIX):
        self.dir = str(directory)
        self.domains = domains
        self.prefix = prefix
        self.binary = None
        self.port = None
        self.proc = None
        self.start_seconds = None  # from spawning node to the 220 greeting
        self.log_start = 0         # where the log stands after the readiness probe

    @property
    def received_dir(self):
        return os.path.join(self.dir, "received")

    @property
    def log_path(self):
        return os.path.join(self.dir, "haraka.log")

    def relay_args(self):
        """smtpsend options that send through this Haraka in clear."""
        return ["--relay", f"127.0.0.1:{self.port}", "--tls", "none"]

    def start(self):
        self.binary = require_haraka(self.prefix)
        for _ in range(3):  # another process may take the free port before Haraka binds it
            self.port = free_port()
            self._write_config()
            if self._spawn():
                return self
        pytest.fail(f"Haraka could not listen on 127.0.0.1 (three ports tried): {self.log_tail()}")

    def _write_config(self):
        config = os.path.join(self.dir, "config")
        for sub in ("config", "plugins", "received"):
            os.makedirs(os.path.join(self.dir, sub), exist_ok=True)
        shutil.copyfile(os.path.join(self.prefix, "node_modules", "Haraka", "config", "connection.ini"),
                        os.path.join(config, "connection.ini"))
        files = {
            "smtp.ini": f"listen=127.0.0.1:{self.port}\nnodes=0\ndaemonize=false\n",
            "me": f"{DOMAIN}\n",
            "host_list": "".join(d + "\n" for d in self.domains),
            "plugins": "rcpt_to.in_host_list\nqueue_to_dir\n",
            "log.ini": "[main]\nlevel=protocol\ntimestamps=true\n",
        }
        for name, text in files.items():
            with open(os.path.join(config, name), "w", encoding="utf-8") as f:
                f.write(text)
        shutil.copyfile(QUEUE_PLUGIN, os.path.join(self.dir, "plugins", "queue_to_dir.js"))

    def _spawn(self):
        """Starts Haraka; True once it greets, False if it exited because the port was taken."""
        began = time.monotonic()
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([self.binary, "-c", self.dir], stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=subprocess.STDOUT, cwd=self.dir)
        deadline = began + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                if "EADDRINUSE" in self.log_tail():
                    return False
                pytest.fail(f"Haraka exited with {self.proc.returncode} before greeting: {self.log_tail()}")
            if self._greets():
                self.start_seconds = time.monotonic() - began
                self.log_start = self._wait_for_probe_logged()
                return True
            time.sleep(0.05)
        self.stop()
        pytest.fail(f"Haraka did not greet on 127.0.0.1:{self.port} within {START_TIMEOUT} s: {self.log_tail()}")

    def _greets(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=2) as probe:
                probe.settimeout(2)
                if not probe.recv(512).startswith(b"220 "):
                    return False
                probe.sendall(b"QUIT\r\n")
                probe.recv(512)
                return True
        except OSError:
            return False

    def _wait_for_probe_logged(self):
        """The log offset after the probe's disconnect line, so protocol_lines() shows only the tests'."""
        wait_for(lambda: " disconnect ip=" in self.log(), 5, "Haraka to log the probe's disconnect")
        return len(self._log_bytes())

    def messages(self, expected=None, timeout=5.0):
        """The accepted messages in arrival order; with expected=N, waits (bounded) for N of them."""
        if expected is not None:
            wait_for(lambda: len(self._files()) >= expected, timeout, f"{expected} message(s) at Haraka")
        found = []
        for path in self._files():
            with open(path, "rb") as f:
                stored = f.read()
            with open(path[:-len(".eml")] + ".json", encoding="utf-8") as f:
                found.append(Received(json.load(f), stored))
        return found

    def _files(self):
        return sorted(os.path.join(self.received_dir, name) for name in os.listdir(self.received_dir)
                      if name.endswith(".eml"))

    def _log_bytes(self):
        with open(self.log_path, "rb") as f:
            return f.read()

    def log(self):
        return self._log_bytes().decode("utf-8", "replace")

    def protocol_lines(self):
        """The server's side of the tests' sessions: 'C: ...' and 'S: ...' lines from its log.

        Commands Haraka refuses behind the final dot are never logged as 'C:' lines: only their 503s.
        """
        lines = []
        for line in self._log_bytes()[self.log_start:].decode("utf-8", "replace").splitlines():
            if "[PROTOCOL]" in line:
                lines.append(line.split("[core] ", 1)[-1])
        return lines

    def log_tail(self, size=3000):
        try:
            return self.log()[-size:]
        except OSError:
            return "(no log)"

    def stop(self):
        if self.proc:
            stop(self.proc)
