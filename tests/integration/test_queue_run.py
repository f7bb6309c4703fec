"""The queue from the outside (SPEC.md "Queue"): --queue deferred and always, `queue run`, the
`queued` status in stderr and JSON, configuration trouble held with 77, the queue directory's
refusals (73, 75), and the sendmail personality's -q, -odq, -bp and the mailq link.

Routing for `queue run` comes from the configuration file the entry was queued with (SPEC.md: an
entry keeps its route; the file is read again at run time), so every test writes one."""
import email
import email.policy
import json
import os
import shutil
import subprocess
import tempfile
import time

import pytest

from harness import SENDER, smtpsend_binary

HOST = "mx1.example.test"
MESSAGE = b"Subject: queued\n\nhello from the queue\n"
DSN_ARGS = ["--dsn-notify", "failure,delay", "--dsn-return", "hdrs", "--dsn-envid", "QUEUE-ENVID-1"]
GREYLISTED = "450 4.2.0 Greylisted, see https://postgrey.schweikert.ch/"


class Queue:
    """A configuration file routing to the test zone, a queue directory, and runs of the binary."""

    def env(self):
        return {**os.environ, "HOME": str(self.home), "XDG_CONFIG_HOME": str(self.tmp / "xdg"),
                "USER": "tester", "LOGNAME": "tester"}

    def run(self, *args, stdin=b"", binary=None, timeout=60, env_extra=None):
        argv = [binary or smtpsend_binary(), *args]
        start = time.monotonic()
        try:
            done = subprocess.run(argv, input=stdin, capture_output=True, timeout=timeout,
                                  env={**self.env(), **(env_extra or {})})
        except subprocess.TimeoutExpired as expired:
            raise AssertionError(f"{argv} did not finish within {timeout} s: {expired.stderr!r}") from None
        done.seconds = time.monotonic() - start
        return done

    def send(self, *args, stdin=MESSAGE):
        return self.run("-C", str(self.config), "-f", SENDER, *args, stdin=stdin)

    def queue_run(self, *args):
        return self.run("queue", "run", "--queue-dir", str(self.dir), *args)

    def entries(self):
        root = self.dir / "entries"
        return sorted(p.name for p in root.iterdir()) if root.exists() else []

    def failed(self):
        root = self.dir / "failed"
        return sorted(p.name for p in root.iterdir()) if root.exists() else []


def make_queue(tmp_path, dns, mx_port, extra=""):
    q = Queue()
    q.tmp = tmp_path
    q.dir = tmp_path / "queue"
    q.config = tmp_path / "config.toml"
    q.home = tmp_path / "home"
    q.home.mkdir(exist_ok=True)
    q.config.write_text("[defaults]\n"
                        f'dns-server = ["127.0.0.1:{dns.port}"]\n'
                        f"mx-port = {mx_port}\n"
                        'helo = "client.test"\nqualify-domain = "client.test"\n'
                        "timeout = 10\nconnect-timeout = 5\ndns-timeout = 10\n"
                        f'queue-dir = "{q.dir}"\n' + extra)
    q.config.chmod(0o600)
    return q


@pytest.fixture
def q(tmp_path, dns, mx_port):
    return make_queue(tmp_path, dns, mx_port)


def where(zone, host=HOST):
    return f"({host}[{zone.ip(host)}])"


def lines(done):
    return [line for line in done.stderr.decode().splitlines() if line.strip()]


def greylisting_then_open(bob_retry_reply=None):
    """Connection 0 greylists bob; connection 1 (the retry) accepts, or answers bob_retry_reply."""
    capabilities = ["PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES", "DSN"]
    first = {"capabilities": capabilities, "replies": {"RCPT": {"bob@example.test": GREYLISTED}}}
    retry = {"capabilities": capabilities}
    if bob_retry_reply:
        retry["replies"] = {"RCPT": {"bob@example.test": bob_retry_reply}}
    return [first, retry]


def test_deferred_recipient_is_queued_then_delivered_once_by_queue_run(q, scripted, zone):
    server = scripted({HOST: greylisting_then_open()})
    first = q.send("--queue", "deferred", *DSN_ARGS, "alice@example.test", "bob@example.test")
    assert first.returncode == 0, first
    [entry] = q.entries()
    assert lines(first) == [f"smtpsend: bob@example.test: queued ({entry}): {GREYLISTED} {where(zone)}"]
    assert [m["rcpts"] for m in server.messages()] == [["TO:<alice@example.test> NOTIFY=FAILURE,DELAY"]]

    second = q.queue_run("--all")
    assert second.returncode == 0, second
    assert second.stderr == b""
    assert q.entries() == []
    messages = server.messages()
    assert [m["rcpts"] for m in messages] == [["TO:<alice@example.test> NOTIFY=FAILURE,DELAY"],
                                              ["TO:<bob@example.test> NOTIFY=FAILURE,DELAY"]]
    # The retry goes with the same envelope sender and DSN parameters, and the same bytes.
    assert messages[0]["mail_from"] == messages[1]["mail_from"]
    assert messages[1]["mail_from"].startswith(f"FROM:<{SENDER}>")
    assert "RET=HDRS" in messages[1]["mail_from"] and "ENVID=QUEUE-ENVID-1" in messages[1]["mail_from"]
    assert messages[0]["data"] == messages[1]["data"]

    third = q.queue_run("--all")
    assert third.returncode == 0 and third.stderr == b"", third
    assert len(server.messages()) == 2


def test_queue_run_without_all_leaves_what_is_not_due(q, scripted, zone):
    server = scripted({HOST: greylisting_then_open()})
    first = q.send("--queue", "deferred", "bob@example.test")
    assert first.returncode == 0, first
    [entry] = q.entries()
    done = q.queue_run()
    assert done.returncode == 0 and done.stderr == b"", done
    assert q.entries() == [entry]
    assert len(server.connections()) == 1
    # An id names an entry to try now, due or not.
    done = q.queue_run(entry)
    assert done.returncode == 0, done
    assert q.entries() == []
    assert [m["rcpts"] for m in server.messages()] == [["TO:<bob@example.test>"]]


def test_retry_min_from_the_file_makes_an_entry_due(tmp_path, dns, mx_port, scripted, zone):
    q = make_queue(tmp_path, dns, mx_port, 'retry-min = "1s"\nretry-max = "1s"\n')
    server = scripted({HOST: greylisting_then_open()})
    assert q.send("--queue", "deferred", "bob@example.test").returncode == 0
    time.sleep(2.5)  # retry-min 1 s plus at most 10 % jitter
    done = q.queue_run()
    assert done.returncode == 0, done
    assert q.entries() == []
    assert len(server.messages()) == 1


def test_5xx_on_retry_is_one_failed_line_and_one_bounce_entry(q, scripted, zone):
    scripted({HOST: greylisting_then_open("550 5.1.1 User unknown")})
    assert q.send("--queue", "deferred", "bob@example.test").returncode == 0
    [original] = q.entries()
    done = q.queue_run("--all")
    assert done.returncode == 0, done
    assert lines(done) == [f"smtpsend: bob@example.test: failed: 550 5.1.1 User unknown {where(zone)}"]
    [bounce] = q.entries()
    assert bounce != original
    content = (q.dir / "entries" / bounce / "message").read_bytes()
    assert b"multipart/report" in content and b"report-type=delivery-status" in content
    assert b"bob@example.test" in content
    envelope = (q.dir / "entries" / bounce / "envelope").read_text()
    assert SENDER in envelope
    # The sender's domain (client.test) does not exist: the bounce itself fails, is kept in
    # failed/ and is never bounced.
    again = q.queue_run("--all")
    assert again.returncode == 0, again
    [line] = lines(again)
    assert line.startswith(f"smtpsend: {SENDER}: failed: "), line
    assert q.entries() == []
    assert q.failed() == [bounce]
    assert q.queue_run("--all").returncode == 0
    assert q.failed() == [bounce] and q.entries() == []


@pytest.mark.parametrize("size_kib,whole", [(600, True), (1100, False)])
def test_ret_full_bounce_of_a_message_past_what_is_held_whole(q, scripted, zone, size_kib, whole):
    # Past 256 KiB only the header section is held in memory (message/message.hpp kHeldWhole):
    # a RET=FULL bounce must still return all of the message up to 1 MiB, and past it the
    # headers alone as text/rfc822-headers, never a head passed off as the whole message.
    line = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n"
    body = line * (size_kib * 1024 // len(line)) + b"the last line\r\n"
    original = b"Subject: large\r\nMessage-ID: <large.1@client.test>\r\n\r\n" + body
    scripted({HOST: greylisting_then_open("550 5.1.1 User unknown")})
    sent = q.send("--queue", "deferred", "--dsn-return", "full", "bob@example.test", stdin=original)
    assert sent.returncode == 0, sent
    assert q.queue_run("--all").returncode == 0
    [bounce] = q.entries()
    report = email.message_from_bytes((q.dir / "entries" / bounce / "message").read_bytes(),
                                      policy=email.policy.default)
    returned = list(report.iter_parts())[2]
    if whole:
        assert returned.get_content_type() == "message/rfc822"
        inner = returned.get_payload()[0].as_bytes(policy=email.policy.SMTP)
        assert inner.endswith(b"the last line\r\n") and len(inner) >= len(original), len(inner)
    else:
        assert returned.get_content_type() == "text/rfc822-headers"
        assert b"Subject: large" in returned.get_payload(decode=True)


def test_queue_always_sends_nothing_and_keeps_the_message(q, scripted, zone):
    server = scripted({HOST: {}})
    done = q.send("--queue", "always", "--json", "bob@example.test", "carol@example.test")
    assert done.returncode == 0, done
    assert done.stderr == b""
    [entry] = q.entries()
    [message] = json.loads(done.stdout)["messages"]
    assert message["queue_id"] == entry
    assert [(r["address"], r["status"]) for r in message["recipients"]] == [
        ("bob@example.test", "queued"), ("carol@example.test", "queued")]
    assert server.connections() == []
    assert (q.dir / "entries" / entry / "message").read_bytes().endswith(b"hello from the queue\r\n")
    listed = q.run("queue", "list", "--json", "--queue-dir", str(q.dir))
    assert listed.returncode == 0, listed
    [shown] = json.loads(listed.stdout)["entries"]
    assert shown["id"] == entry and shown["sender"] == SENDER
    assert [(r["address"], r["status"], r["attempts"]) for r in shown["recipients"]] == [
        ("bob@example.test", "pending", 0), ("carol@example.test", "pending", 0)]
    assert oct((q.dir).stat().st_mode & 0o777) == "0o700"
    # and a queue run delivers it
    done = q.queue_run()
    assert done.returncode == 0, done
    assert q.entries() == []
    assert [m["rcpts"] for m in server.messages()] == [["TO:<bob@example.test>", "TO:<carol@example.test>"]]


def test_json_has_queue_id_and_status_queued(q, scripted, zone):
    scripted({HOST: greylisting_then_open()})
    done = q.send("--queue", "deferred", "--json", "alice@example.test", "bob@example.test")
    assert done.returncode == 0, done
    [entry] = q.entries()
    document = json.loads(done.stdout)
    assert document["exit_code"] == 0
    [message] = document["messages"]
    assert message["queue_id"] == entry
    statuses = {r["address"]: r["status"] for r in message["recipients"]}
    assert statuses == {"alice@example.test": "delivered", "bob@example.test": "queued"}
    bob = next(r for r in message["recipients"] if r["address"] == "bob@example.test")
    assert bob["reply"]["code"] == 450


def test_all_delivered_has_queue_id_null_and_leaves_no_entry(q, scripted, zone):
    scripted({HOST: {}})
    done = q.send("--queue", "deferred", "--json", "alice@example.test")
    assert done.returncode == 0, done
    assert done.stderr == b""
    assert json.loads(done.stdout)["messages"][0]["queue_id"] is None
    assert q.entries() == []


def test_queue_never_is_75_as_before(q, scripted, zone):
    scripted({HOST: greylisting_then_open()})
    done = q.send("bob@example.test")
    assert done.returncode == 75, done
    assert lines(done) == [f"smtpsend: bob@example.test: deferred: {GREYLISTED} {where(zone)}"]
    assert q.entries() == []


def test_quiet_prints_no_queued_line(q, scripted, zone):
    scripted({HOST: greylisting_then_open()})
    done = q.send("--queue", "deferred", "-q", "bob@example.test")
    assert done.returncode == 0 and done.stderr == b"", done
    assert len(q.entries()) == 1


def auth_relay_config(q, zone, mx_port, account_table=True):
    text = q.config.read_text()
    text += ("[account.relay]\n"
             f'relay = "{zone.ip(HOST)}:{mx_port}"\n'
             'tls = "none"\nallow-plaintext-auth = true\nuser = "cron"\npassword = "s3cret-Pa55"\n')
    q.config.write_text(text if account_table else q.config.read_text())
    q.config.chmod(0o600)


def test_auth_refused_is_held_with_77_and_the_entry_stays(q, scripted, zone, mx_port):
    auth_relay_config(q, zone, mx_port)
    server = scripted({HOST: {"capabilities": ["PIPELINING", "AUTH PLAIN"],
                              "replies": {"AUTH": "535 5.7.8 Authentication credentials invalid"}}})
    first = q.send("--queue", "deferred", "-A", "relay", "bob@example.test")
    assert first.returncode == 77, first
    [entry] = q.entries()
    [line] = lines(first)
    assert line.startswith(f"smtpsend: bob@example.test: queued ({entry}): 535 5.7.8 "), first
    second = q.queue_run("--all")
    assert second.returncode == 77, second
    assert q.entries() == [entry]
    assert any(f"queue entry {entry} held" in line for line in lines(second)), second
    # No secret on disk, and nothing but the last reply changed.
    for path in (q.dir / "entries" / entry).iterdir():
        assert b"s3cret-Pa55" not in path.read_bytes(), path
    assert server.messages() == []


def test_a_missing_account_is_held_with_77(q, scripted, zone, mx_port):
    auth_relay_config(q, zone, mx_port)
    scripted({HOST: {"capabilities": ["PIPELINING", "AUTH PLAIN"], "replies": {"AUTH": "454 4.7.0 try later"}}})
    first = q.send("--queue", "deferred", "-A", "relay", "bob@example.test")
    assert first.returncode == 0, first
    [entry] = q.entries()
    q.config.write_text(q.config.read_text().split("[account.relay]")[0])
    done = q.queue_run("--all")
    assert done.returncode == 77, done
    [line] = lines(done)
    assert line.startswith(f"smtpsend: queue entry {entry} held: "), line
    assert "relay" in line, line
    assert q.entries() == [entry]


def test_a_queue_directory_that_cannot_be_created_is_73(q, scripted, zone):
    server = scripted({HOST: {}})
    blocker = q.tmp / "a-file"
    blocker.write_text("not a directory\n")
    done = q.send("--queue", "deferred", "--queue-dir", str(blocker / "queue"), "bob@example.test")
    assert done.returncode == 73, done
    [line] = lines(done)
    assert line.startswith("smtpsend: cannot queue: "), line
    assert server.connections() == []


def test_an_unwritable_queue_directory_is_75(q, scripted, zone):
    """Root ignores permissions: the binary runs as nobody (setpriv), the directory is root's.
    pytest's own directories are root's alone, so the files nobody reads live in one of their own."""
    server = scripted({HOST: {}})
    shared = tempfile.mkdtemp(prefix="smtpsend-queue-nobody-")
    try:
        os.chmod(shared, 0o755)
        locked = os.path.join(shared, "queue")
        for name in ("", "tmp", "entries", "failed"):
            os.makedirs(os.path.join(locked, name), mode=0o755, exist_ok=True)
        config = os.path.join(shared, "config.toml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(q.config.read_text().replace(f'queue-dir = "{q.dir}"', f'queue-dir = "{locked}"'))
        os.chmod(config, 0o644)
        argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", smtpsend_binary(),
                "-C", config, "-f", SENDER, "--queue", "deferred", "bob@example.test"]
        done = subprocess.run(argv, input=MESSAGE, capture_output=True, timeout=60,
                              env={**q.env(), "HOME": "/nonexistent"})
        assert done.returncode == 75, done
        [line] = lines(done)
        assert line.startswith("smtpsend: cannot queue: "), line
        assert os.listdir(os.path.join(locked, "entries")) == []
        assert server.connections() == []
    finally:
        shutil.rmtree(shared, ignore_errors=True)


@pytest.fixture
def links(q):
    """Links named sendmail and mailq to the binary, both reading q's configuration file."""
    bin_dir = q.tmp / "bin"
    bin_dir.mkdir()
    for name in ("sendmail", "mailq"):
        (bin_dir / name).symlink_to(os.path.abspath(smtpsend_binary()))
    xdg = q.tmp / "xdg" / "smtpsend"
    xdg.mkdir(parents=True)
    (xdg / "config.toml").write_text(q.config.read_text())
    return bin_dir


def test_sendmail_defaults_to_deferred_and_prints_nothing_for_a_queued_recipient(q, links, scripted, zone):
    server = scripted({HOST: greylisting_then_open()})
    done = q.run("-i", "alice@example.test", "bob@example.test", stdin=MESSAGE,
                 binary=str(links / "sendmail"))
    assert done.returncode == 0, done
    assert done.stderr == b""
    assert len(q.entries()) == 1
    # sendmail -q is `queue run --all`
    done = q.run("-q", binary=str(links / "sendmail"))
    assert done.returncode == 0, done
    assert q.entries() == []
    assert [m["rcpts"] for m in server.messages()] == [["TO:<alice@example.test>"], ["TO:<bob@example.test>"]]


@pytest.mark.parametrize("how", ["queue run -v", "sendmail -q -v"])
def test_queue_run_verbose_prints_the_conversation(q, links, scripted, zone, how):
    scripted({HOST: greylisting_then_open()})
    assert q.send("--queue", "deferred", "bob@example.test").returncode == 0
    if how == "sendmail -q -v":
        done = q.run("-q", "-v", binary=str(links / "sendmail"))
    else:
        done = q.queue_run("--all", "-v")
    assert done.returncode == 0, done
    assert q.entries() == []
    said = lines(done)
    assert any(f"-> MAIL FROM:<{SENDER}>" in line for line in said), said
    assert any("<- 250" in line for line in said), said
    assert any("-> RCPT TO:<bob@example.test>" in line for line in said), said


def test_sendmail_odq_queues_without_trying(q, links, scripted, zone):
    server = scripted({HOST: {}})
    done = q.run("-odq", "-i", "bob@example.test", stdin=MESSAGE, binary=str(links / "sendmail"))
    assert done.returncode == 0 and done.stderr == b"", done
    assert len(q.entries()) == 1
    assert server.connections() == []
    done = q.run("-q30m", binary=str(links / "sendmail"))
    assert done.returncode == 0, done
    assert q.entries() == []
    assert len(server.messages()) == 1


def envelope_text(q, entry):
    return (q.dir / "entries" / entry / "envelope").read_text()


def test_killed_before_the_dot_leaves_in_flight_and_queue_run_delivers_once(q, scripted, zone):
    """The crash point deliver:before-dot: in_flight is on disk, the dot never went out."""
    server = scripted({HOST: {}})
    done = q.run("-C", str(q.config), "-f", SENDER, "--queue", "deferred", "bob@example.test",
                 stdin=MESSAGE, env_extra={"SMTPSEND_TEST_CRASH_AT": "deliver:before-dot"})
    assert done.returncode == -9, done
    [entry] = q.entries()
    assert "in_flight" in envelope_text(q, entry)
    assert server.messages() == []
    again = q.queue_run()
    assert again.returncode == 0 and again.stderr == b"", again
    assert q.entries() == []
    assert [m["rcpts"] for m in server.messages()] == [["TO:<bob@example.test>"]]


def test_killed_after_the_reply_retries_the_recipient_flagged_may_duplicate(q, scripted, zone):
    """The crash point deliver:after-reply: delivered, but the state still says in_flight."""
    server = scripted({HOST: [{}, {"replies": {"RCPT": {"bob@example.test": GREYLISTED}}}, {}]})
    done = q.run("-C", str(q.config), "-f", SENDER, "--queue", "deferred", "bob@example.test",
                 stdin=MESSAGE, env_extra={"SMTPSEND_TEST_CRASH_AT": "deliver:after-reply"})
    assert done.returncode == -9, done
    [entry] = q.entries()
    assert "in_flight" in envelope_text(q, entry)
    assert "may-duplicate yes" not in envelope_text(q, entry)
    assert len(server.messages()) == 1
    # A run that finds in_flight treats the recipient as pending, may_duplicate (never lost):
    # greylisted on this retry, the flag is kept with the entry.
    again = q.queue_run()
    assert again.returncode == 0, again
    assert q.entries() == [entry]
    assert "may-duplicate yes" in envelope_text(q, entry)
    last = q.queue_run("--all")
    assert last.returncode == 0, last
    assert q.entries() == []
    assert len(server.messages()) == 2


def test_a_deferred_run_also_drains_due_entries(q, scripted, zone):
    """SPEC.md: a --queue deferred run tries its queue's due entries after its own delivery."""
    server = scripted({HOST: {}})
    assert q.send("--queue", "always", "bob@example.test").returncode == 0
    assert len(q.entries()) == 1
    done = q.send("--queue", "deferred", "carol@example.test")
    assert done.returncode == 0 and done.stderr == b"", done
    assert q.entries() == []
    assert sorted(m["rcpts"][0] for m in server.messages()) == ["TO:<bob@example.test>", "TO:<carol@example.test>"]


def test_past_the_lifetime_a_deferral_expires_with_one_line_and_a_bounce(tmp_path, dns, mx_port, scripted, zone):
    q = make_queue(tmp_path, dns, mx_port, 'queue-lifetime = "1s"\n')
    scripted({HOST: [greylisting_then_open()[0]] * 2})
    assert q.send("--queue", "deferred", "bob@example.test").returncode == 0
    [original] = q.entries()
    time.sleep(1.5)
    done = q.queue_run("--all")
    assert done.returncode == 0, done
    [line] = lines(done)
    assert line.startswith("smtpsend: bob@example.test: expired after 2 attempts: 450 4.2.0 Greylisted"), line
    [bounce] = q.entries()
    assert bounce != original
    assert b"report-type=delivery-status" in (q.dir / "entries" / bounce / "message").read_bytes()


def test_no_bounce_for_the_null_sender(q, scripted, zone):
    scripted({HOST: greylisting_then_open("550 5.1.1 User unknown")})
    done = q.run("-C", str(q.config), "-f", "", "--queue", "deferred", "bob@example.test", stdin=MESSAGE)
    assert done.returncode == 0, done
    done = q.queue_run("--all")
    assert done.returncode == 0, done
    assert len(lines(done)) == 1
    assert q.entries() == [] and q.failed() == []


def test_sendmail_bp_and_mailq_list_the_queue_with_reply_and_attempts(q, links, scripted, zone):
    scripted({HOST: greylisting_then_open()})
    done = q.run("-i", "bob@example.test", stdin=MESSAGE, binary=str(links / "sendmail"))
    assert done.returncode == 0 and done.stderr == b"", done
    [entry] = q.entries()
    by_bp = q.run("-bp", binary=str(links / "sendmail"))
    by_mailq = q.run(binary=str(links / "mailq"))
    as_command = q.run("queue", "list", "--queue-dir", str(q.dir))
    for listed in (by_bp, by_mailq):
        assert listed.returncode == 0 and listed.stderr == b"", listed
        assert listed.stdout == as_command.stdout
    text = by_mailq.stdout.decode()
    assert entry in text and "bob@example.test" in text and "attempts 1" in text, text
    assert "450 4.2.0 Greylisted" in text, text
    # mailq takes queue list's options
    as_json = q.run("--json", binary=str(links / "mailq"))
    assert as_json.returncode == 0, as_json
    [shown] = json.loads(as_json.stdout)["entries"]
    assert shown["recipients"][0]["last_reply"]["code"] == 450


def test_sendmail_says_why_a_held_recipient_waits(q, links, scripted, zone, mx_port):
    """Quiet for a queued recipient, but not for configuration trouble: cron mails the 77 and its line."""
    auth_relay_config(q, zone, mx_port)
    (q.tmp / "xdg" / "smtpsend" / "config.toml").write_text(q.config.read_text())
    (q.tmp / "xdg" / "smtpsend" / "config.toml").chmod(0o600)
    scripted({HOST: {"capabilities": ["PIPELINING", "AUTH PLAIN"],
                     "replies": {"AUTH": "535 5.7.8 Authentication credentials invalid"}}})
    done = q.run("-i", "--account", "relay", "bob@example.test", stdin=MESSAGE, binary=str(links / "sendmail"))
    assert done.returncode == 77, done
    [entry] = q.entries()
    [line] = lines(done)
    assert line.startswith(f"smtpsend: bob@example.test: queued ({entry}): 535 5.7.8 "), line


def test_a_bounce_goes_through_the_aliases_and_is_delivered_with_the_null_sender(tmp_path, dns, mx_port,
                                                                                    scripted, zone):
    """SPEC.md "Aliases": aliases apply to bounces too; cron's root@host reaches the admin."""
    aliases = tmp_path / "aliases"
    aliases.write_text("sender: postmaster@example.test\n")
    q = make_queue(tmp_path, dns, mx_port, f'aliases = "{aliases}"\n')
    server = scripted({HOST: greylisting_then_open("550 5.1.1 User unknown") + [{}]})
    assert q.send("--queue", "deferred", "bob@example.test").returncode == 0
    done = q.queue_run("--all")
    assert done.returncode == 0, done
    [bounce] = q.entries()
    done = q.queue_run("--all")
    assert done.returncode == 0 and done.stderr == b"", done
    assert q.entries() == [] and q.failed() == []
    last = server.messages()[-1]
    assert last["mail_from"].startswith("FROM:<>"), last
    assert last["rcpts"] == ["TO:<postmaster@example.test>"]
    assert b"report-type=delivery-status" in last["data"]


def test_several_messages_one_entry_each_over_one_connection(q, scripted, zone):
    """Each -m message is an entry of its own; the in-flight record follows each one's dot."""
    server = scripted({HOST: {"replies": {"RCPT": {"bob@example.test": GREYLISTED}}}})
    first, second = q.tmp / "one.eml", q.tmp / "two.eml"
    first.write_bytes(b"Subject: one\n\none\n")
    second.write_bytes(b"Subject: two\n\ntwo\n")
    done = q.send("--queue", "deferred", "--json", "-m", str(first), "-m", str(second),
                  "alice@example.test", "bob@example.test")
    assert done.returncode == 0, done
    document = json.loads(done.stdout)
    ids = [m["queue_id"] for m in document["messages"]]
    assert sorted(ids) == q.entries() and len(set(ids)) == 2
    assert [line.split(": ")[2] for line in lines(done)] == [f"queued ({ids[0]})", f"queued ({ids[1]})"]
    assert len(server.connections()) == 1
    assert [m["rcpts"] for m in server.messages()] == [["TO:<alice@example.test>"]] * 2
    for entry in ids:
        text = envelope_text(q, entry)
        assert "in_flight" not in text, text


def test_a_queue_on_a_file_system_with_too_little_room_is_75(q, scripted, zone):
    """SPEC.md "Queue": a run that cannot queue says so and exits 75, never 0. The queue is a
    64 MiB tmpfs (in a mount namespace of the run's own), under the 100 MiB the spool leaves
    free, so the entry is refused before anything is written or sent."""
    unshare = shutil.which("unshare") or pytest.fail("unshare (util-linux) is needed")
    server = scripted({HOST: {}})
    mount_point = q.tmp / "small"
    mount_point.mkdir()
    script = 'mount -t tmpfs -o size=64M smtpsend-test "$0" && exec "$@"'
    argv = [unshare, "--mount", "--propagation", "private", "sh", "-c", script, str(mount_point),
            smtpsend_binary(), "-C", str(q.config), "-f", SENDER, "--queue", "deferred",
            "--queue-dir", str(mount_point / "queue"), "bob@example.test"]
    done = subprocess.run(argv, input=MESSAGE, capture_output=True, timeout=60, env=q.env())
    assert done.returncode == 75, done
    [line] = lines(done)
    assert line.startswith("smtpsend: cannot queue: "), line
    assert "free" in line, line
    assert server.connections() == []
