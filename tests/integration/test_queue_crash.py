"""Crash safety of the queue (issue 12, SPEC.md "Queue"): kill -9 at every step, then `queue run`.

The matrix (step x outcome), each step one test:
  enqueue, killed by crash point (SMTPSEND_TEST_CRASH_AT, docs/decisions.md):
    enqueue:after-write, enqueue:after-fsync   the run never exited 0: nothing queued, nothing
                                               listed, nothing sent; the debris in Q/tmp is removed
                                               by a run an hour later (faketime)
    enqueue:after-rename, enqueue:after-dir-fsync  queued: delivered exactly once by `queue run`
  delivery from the queue (`queue run --all` killed; the scripted server of
  scripted_smtp_server.py, then a `queue run --all` against it accepting everything):
    server received MAIL / RCPT / part of the data  -> exactly one copy, not flagged may_duplicate
    server received the final dot, no reply yet    -> the copy it has + one retried copy, flagged
                                                      may_duplicate (the dot-to-reply window)
    server sent its 250 to the first of two        -> that message never again; the second
    messages on one connection, then silence          (killed at its MAIL) retried once
    one domain's 250 while another domain waits    -> the delivered domain never again
    crash point deliver:before-dot                 -> exactly one copy (in flight, so flagged)
    crash point deliver:after-reply                -> two copies, flagged may_duplicate
    crash points update:before-rename/after-rename -> once, or twice with may_duplicate
  After every case: no entry left in `queue list`, exit codes as SPEC says (0).
Also: two concurrent `queue run`s over the same entries at a slow server send each recipient once;
expiry (faketime past queue-lifetime) sends exactly one RFC 3464 bounce, none for a `<>` sender; a
bounce that cannot be delivered goes to failed/ and is not bounced again; a 5xx on a retry
bounces at once.
"""
import os
import re
import signal
import subprocess
import time

import pytest

from fixtures_lib import wire_to_message
from processes import require_tool
from queue_harness import QueueHost, parse, wait_for_event

FAKETIME = "/usr/bin/faketime"
# Only the clock moves: timers keep the real monotonic clock, and file times stay true (by
# default libfaketime shifts what stat() says too, and a day-old file would look new).
FAKETIME_ENV = {"FAKETIME_DONT_FAKE_MONOTONIC": "1", "NO_FAKE_STAT": "1"}
SENDER = "sender@client.test"
OWNER = "owner@other.test"      # a routable sender: the bounce goes to mx.other.test
RCPTS = ("alice@example.test", "bob@example.test")
MX = "mx1.example.test"
MESSAGE = (b"From: Cron Daemon <root@client.test>\nTo: alice@example.test\nSubject: nightly report\n"
           b"Message-ID: <report-1@client.test>\n\nall good\n")


@pytest.fixture
def host(dns, mx_port, tmp_path):
    return QueueHost(tmp_path, dns.port, mx_port)


def enqueue(host, *rcpts, sender=SENDER, stdin=MESSAGE, env=None):
    """`--queue always` (sendmail's -odq): queued without trying; exit 0 only once it is safe."""
    return host.run("--queue", "always", "-f", sender, *rcpts, stdin=stdin, env=env)


def copies(server, ip, rcpt):
    """How many complete messages (final dot received) the server got for rcpt."""
    return sum(1 for m in server.messages(ip) if any(rcpt in r for r in m["rcpts"]))


def flagged(host, rcpt):
    """queue list shows rcpt as possibly delivered already: may_duplicate, or still in flight."""
    return any(r.get("may_duplicate") is True or r.get("status") == "in_flight" for r in host.listed(rcpt))


def assert_queue_empty(host):
    assert host.listed_recipients() == [], host.queue_list()
    assert host.entries() == [], host.entries()


def retry_all(host):
    result = host.queue_run("--all")
    assert result.returncode == 0, result
    assert result.stdout == "" and result.stderr == "", f"delivered recipients print nothing: {result}"
    return result


def killed(result):
    assert result.returncode == -signal.SIGKILL, f"expected death by SIGKILL: {result}"


# ---------------------------------------------------------------------------------------------
# Enqueue


@pytest.mark.parametrize("point", ["enqueue:after-write", "enqueue:after-fsync"])
def test_killed_before_the_rename_nothing_is_queued_or_listed(host, scripted, zone, point):
    server = scripted({MX: {}})
    killed(enqueue(host, *RCPTS, env={"SMTPSEND_TEST_CRASH_AT": point}))
    assert host.entries() == []
    assert host.listed_recipients() == [], host.queue_list()
    assert len(host.tmp()) == 1, "the half-written entry stays in Q/tmp, out of sight"
    retry_all(host)
    assert server.connections(zone.ip(MX)) == []
    # An hour later a run removes the debris (nobody holds its lock).
    require_tool(FAKETIME, "faketime")
    later = host.queue_run(prefix=(FAKETIME, "-f", "+2h"), env=FAKETIME_ENV)
    assert later.returncode == 0, later
    assert host.tmp() == []
    assert server.connections(zone.ip(MX)) == []


@pytest.mark.parametrize("point", ["enqueue:after-rename", "enqueue:after-dir-fsync"])
def test_killed_after_the_rename_is_delivered_once(host, scripted, zone, point):
    server = scripted({MX: {}})
    killed(enqueue(host, *RCPTS, env={"SMTPSEND_TEST_CRASH_AT": point}))
    assert sorted(r["address"] for r in host.listed_recipients()) == sorted(RCPTS)
    retry_all(host)
    for rcpt in RCPTS:
        assert copies(server, zone.ip(MX), rcpt) == 1, rcpt
    assert_queue_empty(host)
    assert host.tmp() == []


# ---------------------------------------------------------------------------------------------
# Delivery from the queue, killed by the test at a protocol step


BIG = b"Subject: big\nMessage-ID: <big-1@client.test>\n\n" + b"".join(
    b"%08d the quick brown fox jumps over the lazy dog, again and again and again\n" % i
    for i in range(220_000))  # 16 MiB: more than the socket buffers and the server's reader hold

STEPS = {
    # step: (script for the first connection, event that says the client got there, message)
    "mail": ({"silent_after": "MAIL"}, "silent", MESSAGE),
    "rcpt": ({"silent_after": "RCPT"}, "silent", MESSAGE),
    "mid-data": ({"data_mode": "stall_mid_data", "stall_seconds": 3.0}, "data_stalled", BIG),
    "dot": ({"data_mode": "no_reply_after_dot"}, "message", MESSAGE),
}


def kill_queue_run_at(host, server, ip, step):
    script, event, message = STEPS[step]
    assert enqueue(host, *RCPTS, stdin=message).returncode == 0
    run = host.popen("queue", "run", "--all")
    try:
        wait_for_event(server, ip, event, timeout=30)
        if step == "mid-data":
            time.sleep(0.3)  # the client is blocked writing: the server stopped reading
        run.send_signal(signal.SIGKILL)
    finally:
        run.wait(timeout=10)
        run.stdout.close()
        run.stderr.close()
    assert run.returncode == -signal.SIGKILL, f"queue run ended by itself ({run.returncode}) before the kill"
    # The first connection ends once the server sees the client gone.
    wait_for_event(server, ip, "close", timeout=20)


@pytest.mark.parametrize("step", ["mail", "rcpt", "mid-data"])
def test_killed_before_the_dot_delivers_exactly_once(host, scripted, zone, step):
    ip = zone.ip(MX)
    server = scripted({MX: [STEPS[step][0], {}]})
    kill_queue_run_at(host, server, ip, step)
    if step == "mid-data":
        assert server.events(ip, "message_incomplete"), "the kill came after the dot was written"
    assert server.messages(ip) == []
    for rcpt in RCPTS:
        assert not flagged(host, rcpt), f"nothing was in flight: {host.listed(rcpt)}"
    retry_all(host)
    for rcpt in RCPTS:
        assert copies(server, ip, rcpt) == 1, rcpt
    assert_queue_empty(host)


def test_killed_between_the_dot_and_its_reply_retries_flagged_may_duplicate(host, scripted, zone):
    ip = zone.ip(MX)
    server = scripted({MX: [STEPS["dot"][0], {}]})
    kill_queue_run_at(host, server, ip, "dot")
    for rcpt in RCPTS:
        assert copies(server, ip, rcpt) == 1
        assert flagged(host, rcpt), f"in flight when killed: must be flagged may_duplicate: {host.listed(rcpt)}"
    retry_all(host)
    for rcpt in RCPTS:
        assert copies(server, ip, rcpt) == 2, rcpt
    assert_queue_empty(host)


def test_killed_after_the_reply_to_the_dot_never_sends_that_message_again(host, scripted, zone, tmp_path):
    """Two messages over one connection (`--queue deferred -m A -m B`): the server replies 250 to
    A's dot, then goes silent, so the run is still alive (waiting for B's MAIL reply) when the
    test kills it. A got its 250 before the kill: it must not be sent again (SPEC.md "Queue": at
    most one copy, except between the dot and its reply); B is retried, once."""
    ip = zone.ip(MX)
    server = scripted({MX: [{"silent_after_dot_reply": True}, {}]})
    messages = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.eml"
        path.write_bytes(f"Subject: {name}\nMessage-ID: <after-reply-{name}@client.test>\n\n{name}\n".encode())
        messages += ["-m", str(path)]
    run = host.popen("--queue", "deferred", "-f", SENDER, *messages, *RCPTS)
    try:
        wait_for_event(server, ip, "silent", timeout=30)
        time.sleep(0.3)  # ample time to record A's 250 before the kill
        run.send_signal(signal.SIGKILL)
    finally:
        run.wait(timeout=10)
        run.stdout.close()
        run.stderr.close()
    assert run.returncode == -signal.SIGKILL, f"the run ended by itself ({run.returncode}) before the kill"
    wait_for_event(server, ip, "close", timeout=20)
    [first] = server.messages(ip)
    sent_first = parse(wire_to_message(first["data"]))["Message-ID"]
    for rcpt in RCPTS:
        assert not [r for r in host.listed(rcpt) if r.get("may_duplicate") or r.get("status") == "in_flight"], \
            f"{sent_first} had its 250: {host.queue_list()}"
    retry_all(host)
    received = {}
    for m in server.messages(ip):
        message_id = parse(wire_to_message(m["data"]))["Message-ID"]
        for r in m["rcpts"]:
            received[(message_id, r)] = received.get((message_id, r), 0) + 1
    assert len(received) == 2 * len(RCPTS) and set(received.values()) == {1}, received
    assert_queue_empty(host)


def test_killed_while_another_domain_waits_never_resends_the_delivered_one(host, scripted, zone):
    """One message to two domains (`--queue deferred`): example.test replies 250 to the dot while
    other.test is still silent at MAIL; the test kills the run then. The example.test recipient
    had its 250: it must not be sent again; the other.test one is retried, once."""
    ip, other_ip = zone.ip(MX), zone.ip("mx.other.test")
    server = scripted({MX: {}, "mx.other.test": [{"silent_after": "MAIL"}, {}]})
    run = host.popen("--queue", "deferred", "-f", SENDER, RCPTS[0], "carol@other.test", stdin=subprocess.PIPE)
    try:
        run.stdin.write(MESSAGE)
        run.stdin.close()
        wait_for_event(server, other_ip, "silent", timeout=30)
        wait_for_event(server, ip, "message", timeout=30)
        time.sleep(0.3)  # ample time to record example.test's 250 before the kill
        run.send_signal(signal.SIGKILL)
    finally:
        run.wait(timeout=10)
        run.stdout.close()
        run.stderr.close()
    assert run.returncode == -signal.SIGKILL, f"the run ended by itself ({run.returncode}) before the kill"
    wait_for_event(server, other_ip, "close", timeout=20)
    assert not host.listed(RCPTS[0]), f"{RCPTS[0]} had its 250: {host.queue_list()}"
    retry_all(host)
    assert copies(server, ip, RCPTS[0]) == 1
    assert copies(server, other_ip, "carol@other.test") == 1
    assert_queue_empty(host)


# ---------------------------------------------------------------------------------------------
# Delivery from the queue, killed by crash point


@pytest.mark.parametrize("point,expected_copies", [("deliver:before-dot", 1), ("deliver:after-reply", 2)])
def test_crash_points_around_the_dot(host, scripted, zone, point, expected_copies):
    ip = zone.ip(MX)
    server = scripted({MX: {}})
    assert enqueue(host, *RCPTS).returncode == 0
    killed(host.queue_run("--all", env={"SMTPSEND_TEST_CRASH_AT": point}))
    for rcpt in RCPTS:
        assert copies(server, ip, rcpt) == expected_copies - 1
        assert flagged(host, rcpt), f"in flight when killed: {host.listed(rcpt)}"
    retry_all(host)
    for rcpt in RCPTS:
        assert copies(server, ip, rcpt) == expected_copies, rcpt
    assert_queue_empty(host)


@pytest.mark.parametrize("point", ["update:before-rename", "update:after-rename"])
def test_crash_points_in_a_state_update(host, scripted, zone, point):
    ip = zone.ip(MX)
    server = scripted({MX: {}})
    assert enqueue(host, *RCPTS).returncode == 0
    killed(host.queue_run("--all", env={"SMTPSEND_TEST_CRASH_AT": point}))
    before = {rcpt: (copies(server, ip, rcpt), flagged(host, rcpt), bool(host.listed(rcpt))) for rcpt in RCPTS}
    retry_all(host)
    for rcpt in RCPTS:
        sent_before, was_flagged, was_listed = before[rcpt]
        total = copies(server, ip, rcpt)
        assert total >= 1, f"{rcpt} lost: {before}"
        assert total <= 2, f"{rcpt} sent {total} times: {before}"
        if total == 2:
            assert sent_before == 1 and was_flagged, f"{rcpt} sent twice without may_duplicate: {before}"
        if sent_before == 1 and not was_listed:
            assert total == 1
    assert_queue_empty(host)


# ---------------------------------------------------------------------------------------------
# Two runs at once


def test_two_concurrent_queue_runs_never_send_a_recipient_twice(host, scripted, zone):
    ip = zone.ip(MX)
    server = scripted({MX: {"reply_delay": 0.15}})
    ids = [f"<concurrent-{n}@client.test>" for n in range(4)]
    for message_id in ids:
        message = f"Subject: concurrent\nMessage-ID: {message_id}\n\nhello\n".encode()
        assert enqueue(host, *RCPTS, stdin=message).returncode == 0
    runs = [host.popen("queue", "run", "--all") for _ in range(2)]
    outcomes = []
    for run in runs:
        out, err = run.communicate(timeout=120)
        outcomes.append((run.returncode, out, err))
    assert [o[0] for o in outcomes] == [0, 0], outcomes
    # The two runs did work at the same time: two connections were open at once.
    spans = {}
    for e in server.events(ip):
        if e["event"] in ("connect", "close"):
            spans.setdefault(e["conn"], []).append(e["t"])
    intervals = sorted((t[0], t[-1]) for t in spans.values())
    assert any(later[0] < earlier[1] for earlier, later in zip(intervals, intervals[1:])), intervals
    received = {}
    for m in server.messages(ip):
        message_id = parse(wire_to_message(m["data"]))["Message-ID"]
        for r in m["rcpts"]:
            received.setdefault((message_id, r), 0)
            received[(message_id, r)] += 1
    assert len(received) == len(ids) * len(RCPTS), received
    assert set(received.values()) == {1}, received
    assert_queue_empty(host)


# ---------------------------------------------------------------------------------------------
# Giving up: expiry and 5xx on a retry, bounces (RFC 3464)


def faketime_run(host, offset, *args):
    require_tool(FAKETIME, "faketime")
    return host.queue_run(*args, prefix=(FAKETIME, "-f", offset), env=FAKETIME_ENV)


def bounces_at(server, ip):
    return [m for m in server.messages(ip) if m["mail_from"].upper().startswith("FROM:<>")]


def run_until_bounce(host, server, ip, run):
    """A bounce is enqueued as a new entry; the run that enqueued it or the next one sends it."""
    results = [run()]
    if not bounces_at(server, ip):
        results.append(run())
    return results


def check_bounce(message_event, rcpt, status_class, code, original_subject="nightly report"):
    assert message_event["rcpts"] and all(OWNER in r for r in message_event["rcpts"]), message_event
    bounce = parse(wire_to_message(message_event["data"]))
    assert bounce.get_content_type() == "multipart/report", bounce
    assert bounce.get_param("report-type") == "delivery-status"
    assert bounce["Auto-Submitted"].startswith("auto-replied")
    assert "MAILER-DAEMON@" in bounce["From"]
    assert OWNER in bounce["To"]
    parts = list(bounce.iter_parts())
    [status] = [p for p in parts if p.get_content_type() == "message/delivery-status"]
    blocks = status.get_payload()
    [block] = [b for b in blocks if b.get("Final-Recipient")]
    assert re.fullmatch(rf"rfc822;\s*{re.escape(rcpt)}", block["Final-Recipient"], re.I), block["Final-Recipient"]
    assert block["Action"].strip().lower() == "failed"
    assert re.fullmatch(rf"{status_class}\.\d+\.\d+", block["Status"].strip()), block["Status"]
    assert re.match(rf"smtp;\s*{code}\b", block["Diagnostic-Code"], re.I), block["Diagnostic-Code"]
    [original] = [p for p in parts if p.get_content_type() in ("text/rfc822-headers", "message/rfc822")]
    text = original.as_string()
    assert f"Subject: {original_subject}" in text and "Message-ID: <report-1@client.test>" in text, text


def queue_deferred(host, *rcpts, sender=OWNER):
    sent = host.run("--queue", "deferred", "-f", sender, *rcpts, stdin=MESSAGE)
    assert sent.returncode == 0, sent
    return sent


DEFER = {"replies": {"RCPT": "450 4.2.0 Greylisted, try again later"}}


def test_expiry_sends_exactly_one_bounce_to_the_sender(host, scripted, zone):
    server = scripted({MX: DEFER, "mx.other.test": {}})
    owner_ip = zone.ip("mx.other.test")
    queue_deferred(host, RCPTS[0])
    results = run_until_bounce(host, server, owner_ip, lambda: faketime_run(host, "+6d"))
    assert all(r.returncode == 0 for r in results), results
    lines = [l for r in results for l in r.stderr_lines()]
    assert len([l for l in lines if RCPTS[0] in l]) == 1, f"one line for the expired recipient: {lines}"
    [bounce] = bounces_at(server, owner_ip)
    check_bounce(bounce, RCPTS[0], "[45]", 450)
    # Nothing more: not a second bounce, not another try.
    faketime_run(host, "+6d", "--all")
    assert len(server.messages(owner_ip)) == 1
    assert_queue_empty(host)
    assert host.failed() == []


def test_expiry_of_a_null_sender_message_bounces_to_nobody(host, scripted, zone):
    server = scripted({MX: DEFER, "mx.other.test": {}})
    owner_ip = zone.ip("mx.other.test")
    queue_deferred(host, RCPTS[0], sender="")
    results = [faketime_run(host, "+6d"), faketime_run(host, "+6d", "--all")]
    assert [r.returncode for r in results] == [0, 0], results
    assert server.connections(owner_ip) == []
    assert_queue_empty(host)
    assert host.failed() == []


def test_a_bounce_that_cannot_be_delivered_is_kept_in_failed_and_not_bounced(host, scripted, zone):
    server = scripted({MX: DEFER, "mx.other.test": {"replies": {"RCPT": "550 5.1.1 No such user"}}})
    owner_ip = zone.ip("mx.other.test")
    queue_deferred(host, RCPTS[0])
    for _ in range(2):
        result = faketime_run(host, "+6d")
        assert result.returncode == 0, result
    tried = server.events(owner_ip, "command")
    assert [e for e in tried if e["line"].upper().startswith("MAIL FROM:<>")], "the bounce was tried"
    assert server.messages(owner_ip) == []
    assert len(host.failed()) == 1, host.failed()
    assert_queue_empty(host)
    # Later runs leave failed/ alone: no retry of the bounce, no bounce of the bounce.
    attempts = len(server.connections(owner_ip))
    again = faketime_run(host, "+7d", "--all")
    assert again.returncode == 0, again
    assert len(server.connections(owner_ip)) == attempts
    assert len(host.failed()) == 1


def test_5xx_on_a_retry_bounces_at_once(host, scripted, zone):
    refuse = {"replies": {"RCPT": "550 5.1.1 <alice@example.test>: User unknown"}}
    server = scripted({MX: [DEFER, refuse], "mx.other.test": {}})
    owner_ip = zone.ip("mx.other.test")
    queue_deferred(host, RCPTS[0])
    assert host.listed(RCPTS[0])
    results = run_until_bounce(host, server, owner_ip, lambda: host.queue_run("--all"))
    assert all(r.returncode == 0 for r in results), results
    lines = [l for r in results for l in r.stderr_lines()]
    assert len([l for l in lines if RCPTS[0] in l and "550" in l]) == 1, lines
    [bounce] = bounces_at(server, owner_ip)
    check_bounce(bounce, RCPTS[0], "5", 550)
    assert_queue_empty(host)
