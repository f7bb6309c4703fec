"""A large message is sent from its file, or from a spool of stdin, not held in memory: 7-bit,
8-bit as it is (8BITMIME) or converted to 7 bits while it is sent (no 8BITMIME), or composed
with an attachment base64-encoded from its file while it is sent.

Each run's peak RSS is GNU time's %M for the real binary; the bound is relative to the same
binary sending a small message, so it holds for the sanitizer build too (its quarantine is
kept small for these runs: freed blocks held back by ASan are not smtpsend's memory).
"""
import binascii
import email
import email.policy
import os
import subprocess
import tempfile

from processes import require_tool

MESSAGE_MB = 48
# Memory that may grow with the message: none, beyond noise (the held header section, the
# read and write buffers, allocator slack).
ALLOWED_GROWTH_MIB = 12


def large_message(megabytes):
    """LF line ends and a dot line every 1000 lines: what a script pipes into sendmail."""
    head = b"From: Alice <alice@client.test>\nTo: user@example.test\nSubject: large\n\n"
    block = b"".join((b".dot line %d\n" % i) if i % 1000 == 0 else b"x" * 75 + b"\n" for i in range(10000))
    body = block * (megabytes * 1024 * 1024 // len(block) + 1)
    return head + body


def peak_rss_kib(argv, env, stdin):
    """(exit code, peak RSS in KiB) of one run, from GNU time's %M (the client's wait4 rusage).

    Forking the client from this Python process would not do: Linux keeps the larger
    high-water mark across exec, so the client would inherit pytest's RSS as its peak and
    the comparison below could not fail.
    """
    gnu_time = require_tool("/usr/bin/time", "time")
    with tempfile.NamedTemporaryFile(prefix="smtpsend-rss-") as out:
        done = subprocess.run([gnu_time, "-f", "%M", "-o", out.name, *argv], stdin=stdin,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, timeout=120)
        return done.returncode, int(open(out.name, encoding="utf-8").read().split()[-1])


def sanitizer_env(extra=None):
    """ASan's quarantine holds freed blocks back; they are not smtpsend's memory."""
    return {**os.environ, **(extra or {}),
            "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=1:detect_leaks=0"}


def measured_send(smtpsend, args, stdin_path=None, extra_env=None):
    argv = [smtpsend.binary, *smtpsend.base_args(30), "-f", "alice@client.test", *args]
    with open(stdin_path or os.devnull, "rb") as stdin:
        return peak_rss_kib(argv, sanitizer_env(extra_env), stdin)


def received_body(server):
    [(_, content)] = server.messages(expected=1, timeout=60)
    return content.partition(b"\n\n")[2]


def test_from_a_file_memory_does_not_grow_with_the_message(smtpsend, sink, zone, tmp_path):
    small, big = tmp_path / "small.eml", tmp_path / "big.eml"
    small.write_bytes(large_message(0)[:200])
    message = large_message(MESSAGE_MB)
    big.write_bytes(message)
    server = sink("mx1.example.test")
    code, small_rss = measured_send(smtpsend, ["-m", str(small), "user@example.test"])
    assert code == 0
    code, big_rss = measured_send(smtpsend, ["-m", str(big), "user@example.test"])
    assert code == 0
    assert big_rss - small_rss < ALLOWED_GROWTH_MIB * 1024, (small_rss, big_rss)
    messages = server.messages(expected=2, timeout=60)
    # smtp-sink dumps with dot-stuffing undone and LF line ends: the body as it was written.
    assert messages[1][1].partition(b"\n\n")[2] == message.partition(b"\n\n")[2]


def test_from_a_pipe_it_is_spooled_and_memory_does_not_grow(smtpsend, sink, zone, tmp_path):
    big = tmp_path / "big.eml"
    message = large_message(MESSAGE_MB)
    big.write_bytes(message)
    server = sink("mx1.example.test")
    small_rss = baseline_rss(smtpsend, tmp_path)
    # A pipe, not the file: `cat big.eml | smtpsend`.
    argv = [smtpsend.binary, *smtpsend.base_args(30), "-f", "alice@client.test", "user@example.test"]
    cat = subprocess.Popen(["cat", str(big)], stdout=subprocess.PIPE)
    try:
        code, big_rss = peak_rss_kib(argv, sanitizer_env({"TMPDIR": str(tmp_path)}), cat.stdout)
    finally:
        cat.stdout.close()
        assert cat.wait(timeout=30) == 0
    assert code == 0
    assert big_rss - small_rss < ALLOWED_GROWTH_MIB * 1024, (small_rss, big_rss)
    messages = server.messages(expected=2, timeout=60)
    assert messages[1][1].partition(b"\n\n")[2] == message.partition(b"\n\n")[2]
    assert sorted(os.listdir(tmp_path)) == ["big.eml", "small.eml"], "the spool is unlinked"


def baseline_rss(smtpsend, tmp_path):
    """Peak RSS of sending a small message the same way."""
    small = tmp_path / "small.eml"
    small.write_bytes(large_message(0)[:200])
    code, rss = measured_send(smtpsend, ["user@example.test"], stdin_path=small)
    assert code == 0
    return rss


def test_a_spooled_pipe_is_sent_again_to_the_next_mx_after_a_failure(smtpsend, scripted, sink, zone, tmp_path):
    """mx1 drops the connection in the middle of the data; mx2 gets the whole message."""
    first = scripted({"mx1.failover.test": {"data_mode": "disconnect_mid_data"}})
    second = sink("mx2.failover.test")
    message = large_message(4)
    result = smtpsend.run("user@failover.test", stdin=message, env={"TMPDIR": str(tmp_path)})
    assert result.returncode == 0, result
    assert [e["event"] for e in first.events() if e["event"] == "disconnect_mid_data"] == ["disconnect_mid_data"]
    assert received_body(second) == message.partition(b"\n\n")[2]


def test_a_header_section_that_never_ends_is_65_before_anything_is_sent(smtpsend, scripted, zone, tmp_path):
    server = scripted({"mx1.example.test": {}})
    headers = b"".join(b"X-Filler-%d: %s\n" % (i, b"h" * 60) for i in range(20000))
    result = smtpsend.run("user@example.test", stdin=headers + b"\nbody\n")
    assert result.returncode == 65, result
    assert "the header section does not end within 1048576" in result.stderr, result.stderr
    assert server.connections() == []


def large_eight_bit_message(megabytes):
    """UTF-8 text in every line, dot lines, a line ending in a blank: the 7-bit form has soft
    line breaks, encoded octets and an encoded trailing space."""
    head = b"From: Alice <alice@client.test>\nTo: user@example.test\nSubject: large 8-bit\n\n"
    line = "caf\u00e9 na\u00efve \u20ac ".encode("utf-8") * 5
    block = b"".join((b".dot line %d \n" % i) if i % 1000 == 0 else line + b"%d\n" % i for i in range(10000))
    body = block * (megabytes * 1024 * 1024 // len(block) + 1)
    return head + body


def test_an_eight_bit_message_to_a_server_with_8bitmime_is_sent_from_its_file(smtpsend, sink, zone, tmp_path):
    big = tmp_path / "big.eml"
    message = large_eight_bit_message(MESSAGE_MB)
    big.write_bytes(message)
    server = sink("mx1.example.test")
    small_rss = baseline_rss(smtpsend, tmp_path)
    code, big_rss = measured_send(smtpsend, ["-m", str(big), "user@example.test"])
    assert code == 0
    assert big_rss - small_rss < ALLOWED_GROWTH_MIB * 1024, (small_rss, big_rss)
    envelope, content = server.messages(expected=2, timeout=60)[1]
    assert "BODY=8BITMIME" in envelope["X-Mail-Args"], envelope
    assert content.partition(b"\n\n")[2] == message.partition(b"\n\n")[2]


def test_an_eight_bit_message_to_a_server_without_8bitmime_is_converted_while_sent(smtpsend, sink, zone, tmp_path):
    """RFC 6152 §3: quoted-printable, made slice by slice from the file; it decodes to the
    bytes written."""
    big = tmp_path / "big.eml"
    message = large_eight_bit_message(MESSAGE_MB)
    big.write_bytes(message)
    server = sink("mx1.example.test", "-8")
    small_rss = baseline_rss(smtpsend, tmp_path)
    code, big_rss = measured_send(smtpsend, ["-m", str(big), "user@example.test"])
    assert code == 0
    assert big_rss - small_rss < ALLOWED_GROWTH_MIB * 1024, (small_rss, big_rss)
    envelope, content = server.messages(expected=2, timeout=60)[1]
    assert "BODY=" not in envelope["X-Mail-Args"], envelope
    header, _, body = content.partition(b"\n\n")
    assert max(content) < 0x80
    assert b"\nContent-Transfer-Encoding: quoted-printable" in b"\n" + header, header
    assert b"\nContent-Type: text/plain; charset=utf-8" in b"\n" + header, header
    assert max(len(line) for line in body.split(b"\n")) <= 76
    assert binascii.a2b_qp(body) == message.partition(b"\n\n")[2]


def test_long_body_lines_of_a_spooled_message_go_quoted_printable_to_every_server(smtpsend, sink, zone, tmp_path):
    """Issue 10 item 7 (RFC 5321 section 4.5.3.1.6): a 7-bit message piped in, large enough to
    be spooled, with lines of 1,500 and 3,000 octets, to a server that offers 8BITMIME: the
    lines are re-encoded while sent (the long-line fact found while spooling), not sent raw."""
    piped = tmp_path / "piped.eml"
    head = b"From: Alice <alice@client.test>\nTo: user@example.test\nSubject: long lines\n\n"
    block = b"short line\n" + b"w" * 1500 + b"\n" + b"s " * 1500 + b"\n"
    body = block * (4 * 1024 * 1024 // len(block) + 1)
    piped.write_bytes(head + body)
    server = sink("mx1.example.test")
    code, _ = measured_send(smtpsend, ["user@example.test"], stdin_path=piped)
    assert code == 0
    envelope, content = server.messages(expected=1, timeout=60)[0]
    assert "BODY=" not in envelope["X-Mail-Args"], envelope
    header, _, sent_body = content.partition(b"\n\n")
    assert b"\nContent-Transfer-Encoding: quoted-printable" in b"\n" + header, header
    assert max(len(line) for line in sent_body.split(b"\n")) <= 76
    assert binascii.a2b_qp(sent_body) == body


def test_an_eight_bit_message_with_a_long_line_needs_no_8bitmime(smtpsend, sink, zone, tmp_path):
    """Its 7-bit form goes to every server, so even one offering 8BITMIME gets no BODY=8BITMIME."""
    small = tmp_path / "small.eml"
    body = "caf\u00e9\n".encode("utf-8") + b"x" * 2000 + b"\n"
    small.write_bytes(b"From: Alice <alice@client.test>\nSubject: long\n\n" + body)
    server = sink("mx1.example.test")
    code, _ = measured_send(smtpsend, ["-m", str(small), "user@example.test"])
    assert code == 0
    envelope, content = server.messages(expected=1, timeout=60)[0]
    assert "BODY=" not in envelope["X-Mail-Args"], envelope
    assert max(content) < 0x80
    assert binascii.a2b_qp(content.partition(b"\n\n")[2]) == body


def test_a_composed_message_s_attachment_is_encoded_from_its_file_while_sent(smtpsend, sink, zone, tmp_path):
    attachment = tmp_path / "data.bin"
    data = bytes(range(256)) * (MESSAGE_MB * 1024 * 1024 // 256)
    attachment.write_bytes(data)
    server = sink("mx1.example.test")
    small_rss = baseline_rss(smtpsend, tmp_path)
    body = tmp_path / "body.txt"
    body.write_bytes(b"The data is attached.\n")
    code, big_rss = measured_send(smtpsend, ["-s", "data", "-a", str(attachment), "user@example.test"],
                                  stdin_path=body)
    assert code == 0
    assert big_rss - small_rss < ALLOWED_GROWTH_MIB * 1024, (small_rss, big_rss)
    _, content = server.messages(expected=2, timeout=60)[1]
    parsed = email.message_from_bytes(content, policy=email.policy.default)
    text, part = parsed.iter_parts()
    assert text.get_content().replace("\r\n", "\n") == "The data is attached.\n"
    assert (part.get_filename(), part["content-transfer-encoding"]) == ("data.bin", "base64")
    assert part.get_payload(decode=True) == data
