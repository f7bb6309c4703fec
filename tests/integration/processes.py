"""Starting and stopping fixture servers: every wait bounded, every stop by PID.

A server that is not running when a test wants it is a failed test, never a
skipped one: a missing tool fails loudly with the command that installs it.
"""
import os
import shutil
import signal
import socket
import subprocess
import time

INSTALL_HINT = "run scripts/install-deps.sh (as root) to install it"
STOP_GRACE_SECONDS = 3.0


class FixtureError(RuntimeError):
    """A fixture could not provide its server; the test using it fails."""


def require_tool(path, package):
    """Returns path when it is an executable; otherwise fails with the install hint."""
    found = path if os.path.isabs(path) else shutil.which(path)
    if not found or not os.access(found, os.X_OK):
        raise FixtureError(f"{path} not found (Debian package {package}); {INSTALL_HINT}")
    return found


def free_port(hosts=("127.0.0.1",), kind=socket.SOCK_STREAM):
    """A port that is free on every host given, so several servers can share it.

    The MX hosts of one test all listen on one port (--mx-port applies to all of
    them), each on its own loopback address.
    """
    for _ in range(50):
        with socket.socket(socket.AF_INET, kind) as probe:
            probe.bind((hosts[0], 0))
            port = probe.getsockname()[1]
        if all(_bindable(host, port, kind) for host in hosts):
            return port
    raise FixtureError(f"no port free on all of {hosts}")


def _bindable(host, port, kind):
    with socket.socket(socket.AF_INET, kind) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def wait_for_tcp(host, port, proc, timeout=10.0):
    """Waits until host:port accepts connections, failing if proc dies first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise FixtureError(f"{proc.args[0]} exited with {proc.returncode} before listening on {host}:{port}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise FixtureError(f"{proc.args[0]} did not listen on {host}:{port} within {timeout} s")


def wait_for(predicate, timeout, what):
    """Polls predicate until it is true; bounded, so a broken fixture cannot hang a test."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise FixtureError(f"timed out after {timeout} s waiting for {what}")


def stop(proc, pid=None):
    """Stops one server by its PID: SIGTERM, a bounded wait, then SIGKILL.

    pid defaults to proc.pid; it differs only when a server forks and reports its
    own PID in a pid file.
    """
    target = pid or proc.pid
    if proc.poll() is None or (pid and _alive(pid)):
        try:
            os.kill(target, signal.SIGTERM)
        except ProcessLookupError:
            pass
    try:
        proc.wait(timeout=STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        try:
            os.kill(target, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=STOP_GRACE_SECONDS)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
