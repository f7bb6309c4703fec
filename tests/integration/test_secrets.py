"""Where a password must not go: a relay URL's echo, a core dump, a late failure.

SPEC.md "Authentication": secrets never appear in output. The password is refused in a relay
URL without being printed; once a secret is to be read the process cannot dump core (checked
from outside while it waits on a server that never answers the final dot, running as an
unprivileged user so that /proc shows what PR_SET_DUMPABLE did); a password smtpsend cannot
send (a NUL byte) fails before any connection; a password command that never exits is bounded.
"""
import os
import subprocess
import time

from fixtures_lib import ScriptedServer
from harness import SENDER, smtpsend_binary
from processes import free_port

MESSAGE = b"From: alice@client.test\r\nTo: bob@example.test\r\nSubject: secrets\r\n\r\nbody\r\n"
SECRET = "hunter2"
NOBODY = 65534


def run(*args, env=None, timeout=60):
    done = subprocess.run([smtpsend_binary(), "-f", SENDER, "--helo", "client.test", *args], input=MESSAGE,
                          capture_output=True, timeout=timeout,
                          env={**os.environ, "XDG_CONFIG_HOME": "/nonexistent", **(env or {})})
    return done.returncode, done.stderr.decode("utf-8", "replace")


def loopback_server(script=None):
    port = free_port()
    return ScriptedServer([{"host": "127.0.0.1", "port": port, "scripts": [script or {}]}]).start(), port


def test_password_in_a_relay_url_is_refused_unprinted():
    for relay in (f"smtp://me:{SECRET}@mail.example.test:587", f"me:{SECRET}@mail.example.test"):
        code, stderr = run("--relay", relay, "bob@example.test")
        assert code == 64, stderr
        assert SECRET not in stderr
        assert len(stderr.splitlines()) == 1, stderr
        assert "-u" in stderr and "--password-file" in stderr and "SMTPSEND_PASSWORD" in stderr, stderr


def test_password_in_a_configured_relay_is_refused_unprinted(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text(f'[defaults]\nmx-port = 25\nrelay = "smtps://me:{SECRET}@mail.example.test"\n')
    config.chmod(0o600)
    code, stderr = run("-C", str(config), "bob@example.test")
    assert code == 78, stderr
    assert stderr.startswith(f"smtpsend: {config}:3: "), stderr
    assert SECRET not in stderr
    assert "-u" in stderr and "--password-file" in stderr, stderr


def wait_for_event(server, kind, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.events(kind=kind):
            return
        time.sleep(0.05)
    raise AssertionError(f"no {kind} event at the scripted server within {timeout} s")


def test_no_core_dump_once_a_password_is_read(tmp_path):
    """Run as nobody: a non-dumpable process's /proc/PID/status is owned by root (proc(5),
    PR_SET_DUMPABLE), and /proc/PID/limits shows RLIMIT_CORE 0; both read while the binary
    waits, after AUTH, for a reply to the final dot that never comes."""
    server, port = loopback_server({"capabilities": ["AUTH PLAIN", "PIPELINING"],
                                    "replies": {"AUTH": "235 2.7.0 Accepted"},
                                    "data_mode": "no_reply_after_dot"})
    process = subprocess.Popen(
        ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", smtpsend_binary(),
         "-f", SENDER, "--helo", "client.test", "--relay", f"127.0.0.1:{port}", "--tls", "none",
         "--allow-plaintext-auth", "-u", "me", "--timeout", "10", "bob@example.test"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "XDG_CONFIG_HOME": "/nonexistent", "SMTPSEND_PASSWORD": SECRET})
    try:
        process.stdin.write(MESSAGE)
        process.stdin.close()
        wait_for_event(server, "message")
        owner = os.stat(f"/proc/{process.pid}/status").st_uid
        with open(f"/proc/{process.pid}/limits") as f:
            [core] = [line.split() for line in f if line.startswith("Max core file size")]
        assert owner == 0, "the process is still dumpable (its /proc files belong to nobody)"
        assert core[4:6] == ["0", "0"], core
    finally:
        process.kill()
        process.wait(timeout=10)
        server.stop()


def test_password_with_a_nul_byte_fails_before_connecting(tmp_path):
    server, port = loopback_server({"capabilities": ["AUTH PLAIN"], "replies": {"AUTH": "235 2.7.0 Accepted"}})
    try:
        password = tmp_path / "password"
        password.write_bytes(b"hun\0ter2\n")
        password.chmod(0o600)
        code, stderr = run("--relay", f"127.0.0.1:{port}", "--tls", "none", "--allow-plaintext-auth",
                           "-u", "me", "--password-file", str(password), "bob@example.test")
        assert code == 66, stderr
        assert "NUL" in stderr and len(stderr.splitlines()) == 1, stderr
        assert server.connections() == []
    finally:
        server.stop()


def test_group_writable_config_with_a_password_says_writable(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text(f'[defaults]\npassword = "{SECRET}"\n')
    config.chmod(0o620)
    code, stderr = run("-C", str(config), "bob@example.test")
    assert code == 78, stderr
    assert stderr == (f"smtpsend: {config}: holds a password but is writable by group or others "
                      f"(chmod 600 {config})\n")


def test_bad_qualify_domain_is_a_usage_error_up_front():
    for domain in ("-bad.example", "a..b", "exa_mple.com", "example.com."):
        code, stderr = run("--qualify-domain", domain, "--dry-run", "bob")
        assert code == 64, (domain, stderr)
        assert stderr.startswith("smtpsend: --qualify-domain"), stderr


def test_password_command_that_never_exits_is_bounded(tmp_path):
    """60 s, then 77 with one line; the command's process group is killed."""
    server, port = loopback_server({"capabilities": ["AUTH PLAIN"], "replies": {"AUTH": "235 2.7.0 Accepted"}})
    marker = tmp_path / "still-running"
    command = tmp_path / "hang"
    command.write_text(f"#!/bin/sh\n(sleep 75; touch {marker}) &\nsleep 600\n")
    command.chmod(0o700)
    try:
        start = time.monotonic()
        code, stderr = run("--relay", f"127.0.0.1:{port}", "--tls", "none", "--allow-plaintext-auth",
                           "-u", "me", "--password-cmd", str(command), "bob@example.test", timeout=120)
        elapsed = time.monotonic() - start
        assert code == 77, stderr
        assert len(stderr.splitlines()) == 1 and "60" in stderr, stderr
        assert 55 < elapsed < 90, elapsed
        assert server.connections() == []
        time.sleep(20)  # past the background child's 75 s: it was killed with its group
        assert not marker.exists()
    finally:
        server.stop()
