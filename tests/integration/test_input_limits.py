"""Endless input and big messages are bounded (issue 9 item 6).

--max-size (config key max-size, default 1G) bounds the input bytes of one message: a file,
stdin, the sendmail personality's stdin up to its dot line, or a composed message's body and
attachments together. More is 65 with one line, found while reading, so nothing is sent and an
endless input stops at the limit instead of filling the spool. The spool of a pipe ($TMPDIR,
else /tmp) grows only while its file system keeps room for others: when it does not, 75 with
one line. The sendmail personality without -i spools its stdin as smtpsend does, so its memory
does not grow with the message.

Nothing-sent is checked at the scripted server (no connection at all); no-spool-left-behind by
pointing TMPDIR at an empty directory of the test's own.
"""
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from harness import sendmail_link
from processes import FixtureError, require_tool

MIB = 1024 * 1024
TOO_LARGE_1M = "message too large: more than 1048576 bytes (--max-size)"
HEADER = b"From: Alice <alice@client.test>\nTo: user@example.test\nSubject: limits\n\n"


def run(argv, stdin, env, timeout=60):
    """Runs argv with stdin (bytes, a path or a file object); returns (code, stderr lines)."""
    try:
        if isinstance(stdin, bytes):
            done = subprocess.run(argv, input=stdin, capture_output=True, timeout=timeout, env=env)
        elif isinstance(stdin, (str, Path)):
            with open(stdin, "rb") as source:
                done = subprocess.run(argv, stdin=source, capture_output=True, timeout=timeout, env=env)
        else:
            done = subprocess.run(argv, stdin=stdin, capture_output=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as expired:
        raise AssertionError(f"{argv} did not finish within {timeout} s; stderr {expired.stderr!r}") from None
    return done.returncode, done.stderr.decode("utf-8", "replace").splitlines()


def smtpsend_argv(smtpsend, *args):
    return [smtpsend.binary, *smtpsend.base_args(10), "-f", "alice@client.test", *args]


def spool_env(spool_dir):
    return {**os.environ, "TMPDIR": str(spool_dir)}


@pytest.fixture
def spool(tmp_path):
    """An empty directory for TMPDIR: whatever smtpsend leaves in it shows."""
    path = tmp_path / "spool"
    path.mkdir()
    return path


def assert_too_large(code, lines, server, spool, source):
    assert code == 65, (code, lines)
    assert lines == [f"smtpsend: {source}: {TOO_LARGE_1M}"], lines
    assert server.connections() == [], "nothing is sent"
    assert os.listdir(spool) == [], "no spool file is left behind"


def endless_lines():
    """`yes`: an endless stream of text lines, none of them a lone dot."""
    return subprocess.Popen([require_tool("yes", "coreutils"), "an endless line of text"],
                            stdout=subprocess.PIPE)


def finished(process):
    process.stdout.close()
    process.kill()
    process.wait(timeout=10)


# ---- --max-size while reading ----

def test_dev_zero_as_the_message_file_stops_at_max_size(smtpsend, scripted, zone, spool):
    server = scripted({"mx1.example.test": {}})
    code, lines = run(smtpsend_argv(smtpsend, "--max-size", "1M", "-m", "/dev/zero", "user@example.test"),
                      b"", spool_env(spool), timeout=30)
    assert_too_large(code, lines, server, spool, "/dev/zero")


def test_dev_zero_on_stdin_stops_at_max_size(smtpsend, scripted, zone, spool):
    server = scripted({"mx1.example.test": {}})
    code, lines = run(smtpsend_argv(smtpsend, "--max-size", "1M", "user@example.test"),
                      "/dev/zero", spool_env(spool), timeout=30)
    assert_too_large(code, lines, server, spool, "stdin")


def test_an_endless_pipe_stops_at_max_size(smtpsend, scripted, zone, spool):
    server = scripted({"mx1.example.test": {}})
    source = endless_lines()
    try:
        code, lines = run(smtpsend_argv(smtpsend, "--max-size", "1M", "user@example.test"),
                          source.stdout, spool_env(spool), timeout=30)
    finally:
        finished(source)
    assert_too_large(code, lines, server, spool, "stdin")


def test_a_limit_under_the_held_size_is_checked_too(smtpsend, scripted, zone, spool):
    """10k is below the bytes held in memory before anything is spooled."""
    server = scripted({"mx1.example.test": {}})
    code, lines = run(smtpsend_argv(smtpsend, "--max-size", "10k", "user@example.test"),
                      HEADER + b"x" * (10 * 1024), spool_env(spool))
    assert code == 65, lines
    assert lines == ["smtpsend: stdin: message too large: more than 10240 bytes (--max-size)"]
    assert server.connections() == []


@pytest.mark.parametrize("through", ["file", "pipe"])
def test_a_message_of_exactly_max_size_is_delivered_and_one_byte_more_is_not(smtpsend, sink, zone, spool,
                                                                               tmp_path, through):
    server = sink("mx1.example.test")
    body_line = b"y" * 99 + b"\n"
    exact = HEADER + body_line * (MIB // len(body_line) + 1)
    exact = exact[:MIB - 1] + b"\n"
    assert len(exact) == MIB
    path = tmp_path / "exact.eml"
    path.write_bytes(exact)
    args = ["--max-size", "1M", "user@example.test"]
    if through == "file":
        code, lines = run(smtpsend_argv(smtpsend, "-m", str(path), *args), b"", spool_env(spool))
    else:
        code, lines = run(smtpsend_argv(smtpsend, *args), exact, spool_env(spool))
    assert (code, lines) == (0, [])
    [(_, content)] = server.messages(expected=1, timeout=30)
    assert content.partition(b"\n\n")[2] == exact.partition(b"\n\n")[2]

    path.write_bytes(exact + b"z")
    if through == "file":
        code, lines = run(smtpsend_argv(smtpsend, "-m", str(path), *args), b"", spool_env(spool))
        assert lines == [f"smtpsend: {path}: {TOO_LARGE_1M}"]
    else:
        code, lines = run(smtpsend_argv(smtpsend, *args), exact + b"z", spool_env(spool))
        assert lines == [f"smtpsend: stdin: {TOO_LARGE_1M}"]
    assert code == 65
    assert len(server.messages()) == 1, "the larger one was not sent"
    assert os.listdir(spool) == []


def test_max_size_from_the_configuration_file(smtpsend, scripted, zone, spool, tmp_path):
    server = scripted({"mx1.example.test": {}})
    config = tmp_path / "config.toml"
    config.write_text('[defaults]\nmax-size = "1M"\n')
    code, lines = run(smtpsend_argv(smtpsend, "-C", str(config), "user@example.test"),
                      "/dev/zero", spool_env(spool), timeout=30)
    assert_too_large(code, lines, server, spool, "stdin")


@pytest.mark.parametrize("value", ["0", "1Q", "-1", "12 M", "99999999999999999999", "16777216T", ""])
def test_a_bad_max_size_is_a_usage_error(smtpsend, value):
    result = smtpsend.run("--max-size", value, "user@example.test", stdin=b"Subject: x\n\nx\n")
    assert result.returncode == 64, result
    [line] = result.stderr_lines()
    assert line.startswith("smtpsend: --max-size must be"), line


# ---- composing ----

def test_a_composed_body_from_dev_zero_stops_at_max_size(smtpsend, scripted, zone, spool):
    server = scripted({"mx1.example.test": {}})
    code, lines = run(smtpsend_argv(smtpsend, "--max-size", "1M", "-s", "zero", "user@example.test"),
                      "/dev/zero", spool_env(spool), timeout=30)
    assert code == 65, lines
    assert lines == ["smtpsend: composed message: body and attachments are more than 1048576 bytes "
                     "(--max-size)"], lines
    assert server.connections() == []


def test_attachments_count_together(smtpsend, scripted, zone, spool, tmp_path):
    first, second = tmp_path / "a.bin", tmp_path / "b.bin"
    first.write_bytes(b"a" * 600_000)
    second.write_bytes(b"b" * 600_000)
    server = scripted({"mx1.example.test": {}})
    args = ["--max-size", "1M", "-s", "two", "-a", str(first), "-a", str(second), "user@example.test"]
    code, lines = run(smtpsend_argv(smtpsend, *args), b"body\n", spool_env(spool))
    assert code == 65, lines
    assert lines == ["smtpsend: composed message: body and attachments are more than 1048576 bytes "
                     "(--max-size)"], lines
    assert server.connections() == []
    code, lines = run(smtpsend_argv(smtpsend, "--max-size", "1300000", *args[2:]), b"body\n", spool_env(spool))
    assert (code, lines) == (0, []), "1,200,005 bytes are within 1,300,000"
    assert len(server.messages()) == 1


# ---- the sendmail personality without -i ----

@pytest.fixture
def sendmail(dns, mx_port, tmp_path):
    """A link named sendmail (harness.sendmail_link), spooling into a directory of its own."""
    link, config, env = sendmail_link(tmp_path, dns.port, mx_port, timeout=30)
    spool = tmp_path / "sendmail-spool"
    spool.mkdir()
    env.update({"TMPDIR": str(spool),
                "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=1:detect_leaks=0"})
    return link, config, env, spool


def test_sendmail_reading_an_endless_stream_without_i_stops_at_max_size(sendmail, scripted, zone):
    link, config, env, spool = sendmail
    with open(config, "a", encoding="utf-8") as f:
        f.write('max-size = "1M"\n')
    server = scripted({"mx1.example.test": {}})
    source = endless_lines()
    try:
        code, lines = run([str(link), "user@example.test"], source.stdout, env, timeout=30)
    finally:
        finished(source)
    assert_too_large(code, lines, server, spool, "stdin")


def test_sendmail_without_i_counts_the_bytes_before_the_dot_line(sendmail, sink, zone):
    """Exactly --max-size bytes and then the dot line (and more after it) are delivered."""
    link, _, env, spool = sendmail
    server = sink("mx1.example.test")
    line = b"w" * 99 + b"\n"
    message = (HEADER + line * (MIB // len(line) + 1))[:MIB - 1] + b"\n"
    code, lines = run([str(link), "--max-size", "1M", "user@example.test"],
                      message + b".\n" + b"after the dot\n" * 100_000, env)
    assert (code, lines) == (0, [])
    [(_, content)] = server.messages(expected=1, timeout=30)
    assert content.partition(b"\n\n")[2] == message.partition(b"\n\n")[2]
    code, lines = run([str(link), "--max-size", "1M", "user@example.test"], b"x" + message + b".\n", env)
    assert (code, lines) == (65, [f"smtpsend: stdin: {TOO_LARGE_1M}"])
    assert os.listdir(spool) == []


def dot_terminated_message(megabytes):
    """What a script pipes into sendmail: LF line ends, dot-stuffing-looking lines, a lone dot."""
    block = b"".join((b"..dot line %d\n" % i) if i % 1000 == 0 else b"v" * 75 + b"\n" for i in range(10000))
    return HEADER + block * (megabytes * MIB // len(block) + 1), b".\nnot part of the message\n"


def peak_rss_kib(argv, env, stdin_path):
    """(exit code, peak RSS in KiB): GNU time's %M, the client's own wait4 rusage (see test_large_message)."""
    gnu_time = require_tool("/usr/bin/time", "time")
    with tempfile.NamedTemporaryFile(prefix="smtpsend-rss-") as out, open(stdin_path, "rb") as stdin:
        cat = subprocess.Popen(["cat"], stdin=stdin, stdout=subprocess.PIPE)
        try:
            done = subprocess.run([gnu_time, "-f", "%M", "-o", out.name, *argv], stdin=cat.stdout,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, timeout=180)
        finally:
            cat.stdout.close()
            cat.wait(timeout=30)
        return done.returncode, int(open(out.name, encoding="utf-8").read().split()[-1]), done.stderr


def test_sendmail_without_i_spools_a_large_message_and_memory_stays_flat(sendmail, sink, zone, tmp_path):
    link, _, env, spool = sendmail
    server = sink("mx1.example.test")
    small, big = tmp_path / "small.eml", tmp_path / "big.eml"
    message, ending = dot_terminated_message(0)
    small.write_bytes(message[:300] + b"\n" + ending)
    message, ending = dot_terminated_message(100)
    big.write_bytes(message + ending)
    code, small_rss, stderr = peak_rss_kib([str(link), "user@example.test"], env, small)
    assert code == 0, stderr
    code, big_rss, stderr = peak_rss_kib([str(link), "user@example.test"], env, big)
    assert code == 0, stderr
    print(f"sendmail without -i, peak RSS: one-line message {small_rss} KiB, 100 MiB message {big_rss} KiB")
    assert big_rss - small_rss < 12 * 1024, (small_rss, big_rss)
    messages = server.messages(expected=2, timeout=120)
    assert messages[1][1].partition(b"\n\n")[2] == message.partition(b"\n\n")[2]
    assert os.listdir(spool) == []


# ---- free space in the spool's file system ----

def in_a_small_tmpfs(mount_point, megabytes, argv):
    """argv run in a mount namespace of its own, with a tmpfs of `megabytes` at mount_point.

    As root, a plain mount namespace; otherwise a user namespace maps this user to root in it.
    The tmpfs goes away with the namespace.
    """
    unshare = require_tool("unshare", "util-linux")
    namespaces = ["--mount"] if os.geteuid() == 0 else ["--user", "--map-root-user", "--mount"]
    script = f'mount -t tmpfs -o size={megabytes}M smtpsend-test "$0" && exec "$@"'
    probe = subprocess.run([unshare, *namespaces, "sh", "-c", script, str(mount_point), "true"],
                           capture_output=True, timeout=30)
    if probe.returncode != 0:
        raise FixtureError(f"cannot mount a {megabytes} MiB tmpfs in a mount namespace of its own "
                           f"({probe.stderr.decode(errors='replace').strip()}): run as root, or allow "
                           "unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1)")
    return [unshare, *namespaces, "sh", "-c", script, str(mount_point), *argv]


def test_a_small_spool_takes_what_fits_and_an_endless_pipe_is_75_before_it_is_full(smtpsend, scripted, zone,
                                                                                    tmp_path):
    """A 48 MiB tmpfs as TMPDIR: 4 MiB are spooled and sent; `yes |` stops with room left."""
    mount_point = tmp_path / "small-tmp"
    mount_point.mkdir()
    server = scripted({"mx1.example.test": {}})
    message = HEADER + (b"s" * 79 + b"\n") * (4 * MIB // 80)
    code, lines = run(in_a_small_tmpfs(mount_point, 48, smtpsend_argv(smtpsend, "user@example.test")),
                      message, spool_env(mount_point))
    assert (code, lines) == (0, [])
    assert len(server.messages()) == 1
    source = endless_lines()
    try:
        code, lines = run(in_a_small_tmpfs(mount_point, 48, smtpsend_argv(smtpsend, "user@example.test")),
                          source.stdout, spool_env(mount_point), timeout=60)
    finally:
        finished(source)
    assert code == 75, lines
    [line] = lines
    assert line.startswith(f"smtpsend: stdin: not enough free space to spool the message in {mount_point}: "), line
    assert line.endswith(" MiB kept for others (TMPDIR chooses the directory)"), line
    assert len(server.connections()) == 1, "only the first message was sent"
