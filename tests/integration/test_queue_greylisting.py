"""Greylisting with real software (issue 12): cron's mail through a greylisting MX.

The MX of example.test is a private Postfix smtpd asking Debian's postgrey (delay DELAY s) about
every recipient (postgrey_fixture.py); accepted mail lands in smtp-sink's dump files. cron's mail
goes in through the sendmail link (whose default is --queue deferred) to two recipients: one
postgrey lets through at once (its recipient whitelist), one it greylists with
"450 4.2.0 ... Greylisted". That one is queued and the run exits 0; a `queue run` right away
leaves it; once postgrey's delay (and the shortened retry-min/retry-max) have passed, `queue
run` delivers it. Each recipient gets exactly one copy, the same message both times.
The README's story, too: cron mails `root`, `aliases` routes it to the admin, whose MX greylists
(needs helper-bounce's aliases).
"""
import time

import pytest

from postgrey_fixture import GreylistingMx
from queue_harness import QueueHost, cron_message, parse

DELAY = 5          # postgrey --delay
RETRY_MIN = 2      # seconds; the schedule's first retry (plus up to 10 % jitter)
RETRY_MAX = 3      # seconds; no retry waits longer
PASSED = "admin@example.test"
GREYLISTED = "ops@example.test"


@pytest.fixture
def greylisting_mx(zone, mx_port):
    mx = GreylistingMx(zone.ip("mx1.example.test"), mx_port, DELAY, whitelisted=[PASSED])
    mx.start()
    yield mx
    print(mx.diagnostics())  # shown by pytest when the test failed
    mx.stop()


def rcpts(envelope):
    return [r.strip("<>") for r in envelope["rcpt"]]


def test_greylisted_recipient_is_queued_then_delivered_after_the_delay(greylisting_mx, dns, mx_port, tmp_path):
    host = QueueHost(tmp_path, dns.port, mx_port, retry_min=f"{RETRY_MIN}s", retry_max=f"{RETRY_MAX}s")

    first_try = time.monotonic()
    # cron's exact command line (SPEC.md "Invocation"), both recipients on it
    sent = host.sendmail("-FCronDaemon", "-i", "-B8BITMIME", "-oem", GREYLISTED, PASSED, stdin=cron_message())
    assert sent.returncode == 0, sent
    assert sent.stdout == "" and sent.stderr == "", f"a queued recipient prints nothing under sendmail: {sent}"

    [(envelope, first)] = greylisting_mx.sink.messages(expected=1)
    assert rcpts(envelope) == [PASSED]
    assert "action=greylist" in greylisting_mx.postgrey_log()

    [waiting] = host.listed(GREYLISTED)
    assert "Greylisted" in str(waiting), waiting
    assert "450" in str(waiting), waiting
    assert not [r for r in host.listed(PASSED) if r.get("status") == "pending"], host.queue_list()
    assert len(host.entries()) == 1

    # Right away: nothing is due yet (or, on a slow machine, postgrey greylists it again).
    again = host.queue_run()
    assert again.returncode == 0, again
    assert again.stdout == "" and again.stderr == "", f"a still waiting recipient prints nothing: {again}"
    assert len(greylisting_mx.sink.messages()) == 1
    assert host.listed(GREYLISTED), "an immediate queue run must leave the greylisted recipient queued"

    # Past postgrey's delay and past any next try the schedule can give (retry-max + 10 %).
    time.sleep(max(0.0, first_try + DELAY + RETRY_MAX * 1.1 + 0.5 - time.monotonic()))
    later = host.queue_run()
    assert later.returncode == 0, later
    assert later.stdout == "" and later.stderr == "", later

    dumps = greylisting_mx.sink.messages(expected=2)
    assert len(dumps) == 2, dumps
    envelope, second = dumps[1]
    assert rcpts(envelope) == [GREYLISTED]
    assert second.startswith(b"X-Greylist: delayed "), "postgrey let a delayed triplet pass"
    delivered = [r for envelope, _ in dumps for r in rcpts(envelope)]
    assert sorted(delivered) == sorted([PASSED, GREYLISTED]), f"exactly one copy each: {delivered}"
    # The queued entry holds the exact message of the first attempt.
    for header in ("Message-ID", "Date", "Subject", "From", "To"):
        assert parse(first)[header] == parse(second)[header], header
    assert parse(first).get_content() == parse(second).get_content()

    assert host.listed_recipients() == [], host.queue_list()
    assert host.entries() == []


def test_roots_cron_mail_reaches_the_aliased_admin_through_greylisting(greylisting_mx, dns, mx_port, tmp_path):
    """README "On a cron host": cron mails `root`; `aliases` says `root: <admin>`; the admin's MX
    greylists. The report is queued (exit 0, silent) and arrives once after the delay."""
    aliases = tmp_path / "aliases"
    aliases.write_text(f"# as in /etc/aliases\npostmaster: root\nroot: {GREYLISTED}\n")
    host = QueueHost(tmp_path, dns.port, mx_port, retry_min=f"{RETRY_MIN}s", retry_max=f"{RETRY_MAX}s",
                     extra_config=f'aliases = "{aliases}"\n')
    first_try = time.monotonic()
    sent = host.sendmail("-FCronDaemon", "-i", "-B8BITMIME", "-oem", "root", stdin=cron_message())
    assert sent.returncode == 0, sent
    assert sent.stdout == "" and sent.stderr == "", sent
    assert [r["address"] for r in host.listed_recipients()] == [GREYLISTED], host.queue_list()
    assert greylisting_mx.sink.messages() == []

    time.sleep(max(0.0, first_try + DELAY + RETRY_MAX * 1.1 + 0.5 - time.monotonic()))
    later = host.queue_run()
    assert later.returncode == 0 and later.stdout == "" and later.stderr == "", later
    [(envelope, content)] = greylisting_mx.sink.messages(expected=1)
    assert rcpts(envelope) == [GREYLISTED]
    assert parse(content)["Subject"].startswith("Cron <root@client>")
    assert host.listed_recipients() == [] and host.entries() == []
