"""Bulk sending: domains that share MX hosts share a connection; --each sends one copy per recipient."""
from fixtures_lib import wire_to_message


def test_domains_sharing_an_mx_host_share_one_connection_and_one_transaction(smtpsend, scripted, zone):
    server = scripted({"mx.shared.test": {}})
    result = smtpsend.run("-v", "a@shared-a.test", "b@shared-b.test", "c@shared-a.test",
                          stdin=b"Subject: both\n\nhello\n")
    assert result.returncode == 0, result
    assert len(server.connections()) == 1
    [message] = server.messages()
    assert message["rcpts"] == ["TO:<a@shared-a.test>", "TO:<c@shared-a.test>", "TO:<b@shared-b.test>"]
    assert "shared-a.test and shared-b.test share their MX hosts: one connection" in result.stderr


def test_a_shared_connection_that_fails_names_every_domain(smtpsend, scripted, zone):
    scripted({"mx.shared.test": {"greeting": "421 4.3.2 closing"}})
    result = smtpsend.run("a@shared-a.test", "b@shared-b.test", stdin=b"Subject: both\n\nhello\n")
    assert result.returncode == 75, result
    lines = result.stderr.splitlines()
    assert len(lines) == 2, lines
    for rcpt, line in zip(["a@shared-a.test", "b@shared-b.test"], lines):
        assert line.startswith(f"smtpsend: {rcpt}: deferred: 421 4.3.2 closing"), line


def test_domains_with_their_own_mx_hosts_keep_their_own_connections(smtpsend, scripted, zone):
    server = scripted({"mx1.example.test": {}, "mx.other.test": {}})
    result = smtpsend.run("a@example.test", "b@other.test", stdin=b"Subject: two\n\nhello\n")
    assert result.returncode == 0, result
    assert len(server.connections()) == 2


MAILING = (b"From: News <news@client.test>\nTo: everyone@client.test\nCc: boss@client.test\n"
           b"Message-ID: <original@client.test>\nSubject: monthly news\n\nHello, reader.\n")


def test_each_sends_one_copy_per_recipient_naming_only_that_recipient(smtpsend, scripted, zone):
    import email
    import json
    server = scripted({"mx1.example.test": {}, "mx.shared.test": {}})
    recipients = ["a@example.test", "b@example.test", "c@shared-a.test", "d@shared-b.test"]
    result = smtpsend.run("--each", "--json", *recipients, stdin=MAILING)
    assert result.returncode == 0, result
    # One connection per destination; shared-a and shared-b share theirs.
    assert len(server.connections()) == 2
    messages = server.messages()
    assert sorted(m["rcpts"][0] for m in messages) == sorted(f"TO:<{r}>" for r in recipients)
    ids = set()
    for m in messages:
        [rcpt] = m["rcpts"]
        parsed = email.message_from_bytes(wire_to_message(m["data"]))
        assert parsed.get_all("To") == [rcpt[len("TO:<"):-1]]
        assert parsed.get_all("Cc") is None
        assert parsed["Subject"] == "monthly news"
        assert parsed.get_payload() == "Hello, reader.\r\n"
        ids.add(parsed["Message-ID"])
    assert len(ids) == 4 and "<original@client.test>" not in ids
    document = json.loads(result.stdout)
    assert len(document["messages"]) == 4
    assert sorted(r["address"] for m in document["messages"] for r in m["recipients"]) == recipients


def test_each_with_several_messages_and_a_duplicate_recipient(smtpsend, scripted, zone, tmp_path):
    server = scripted({"mx1.example.test": {}})
    first, second = tmp_path / "1.eml", tmp_path / "2.eml"
    first.write_bytes(b"Subject: one\n\n1\n")
    second.write_bytes(b"Subject: two\n\n2\n")
    result = smtpsend.run("--each", "-m", str(first), "-m", str(second),
                          "a@example.test", "b@example.test", "A@EXAMPLE.TEST", "a@example.test")
    assert result.returncode == 0, result
    assert len(server.connections()) == 1
    # a@example.test twice is one mailbox; A@EXAMPLE.TEST has another local part (RFC 5321 §2.4).
    assert len(server.messages()) == 2 * 3


def test_progress_line_on_a_terminal_and_never_otherwise(smtpsend, scripted, zone):
    """A slow server: the run lasts well over a second, so the line shows on a terminal."""
    scripted({"mx1.example.test": {"reply_delay": 0.05}})
    recipients = [f"r{i}@example.test" for i in range(12)]  # 0.2 s each
    argv = [smtpsend.binary, *smtpsend.base_args(10), "-f", "news@client.test", "--each", *recipients]
    seen = run_on_a_terminal(argv, MAILING)
    assert b"\r\x1b[Ksmtpsend: " in seen and b" of 12 recipients: " in seen, seen
    assert seen.endswith(b"\r\x1b[K"), "erased at the end: success leaves the terminal clean"
    # The same run with stderr a pipe (cron, scripts): success is silent.
    result = smtpsend.run("--each", *recipients[:8], stdin=MAILING)
    assert result.returncode == 0 and result.stderr == "", result
    assert result.seconds > 1.2, "slow enough that a terminal would have shown the line"


def test_progress_line_appears_after_a_second_before_any_recipient_settles(smtpsend, scripted, zone):
    """Issue 10: the clock draws the line; the one recipient settles only after about 2.5 s."""
    scripted({"mx1.example.test": {"reply_delay": 0.5}})  # five replies before the first 250 after DATA
    argv = [smtpsend.binary, *smtpsend.base_args(10), "-f", "news@client.test", "r@example.test"]
    seen = run_on_a_terminal(argv, MAILING)
    assert b"\r\x1b[Ksmtpsend: 0 of 1 recipients: 0 delivered, 0 deferred, 0 failed" in seen, seen
    assert seen.endswith(b"\r\x1b[K"), seen


def run_on_a_terminal(argv, stdin):
    """Runs argv with stderr a pseudo-terminal (bounded: 60 s); returns what it wrote there.
    The run must exit 0."""
    import os
    import pty
    import subprocess
    import time
    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    proc.stdin.write(stdin)
    proc.stdin.close()
    seen = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert proc.wait(timeout=10) == 0
    return seen
