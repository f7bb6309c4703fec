"""The benchmark's smoke mode (bench/bench.py --smoke): smtpsend's sends, through the
benchmark's latency proxy, take the protocol's minimum of round trips (issue 5). Plain, to
Postfix's smtp-sink: TCP handshake, greeting, EHLO, MAIL+RCPT+DATA pipelined, data with the final
dot and QUIT pipelined = 5 (and 1 more per further message of the run); with CHUNKING (aiosmtpd) BDAT LAST rides with the envelope = 4;
STARTTLS 8, implicit TLS 6 (5 with CHUNKING) at most. A round-trip count is a property of the protocol, not a time, so
this can be asserted; no time is.
"""
import json
import os
import subprocess

from harness import REPO, smtpsend_binary

BENCH = os.path.join(REPO, "bench", "bench.py")


def test_sends_take_the_minimum_round_trips():
    done = subprocess.run(["/usr/bin/python3", BENCH, "--smoke", "--smtpsend", smtpsend_binary()],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(done.stdout.strip().splitlines()[-1])
    plain = results["plain"]
    assert plain["status"] == 0 and plain["connections"] == 1, plain
    assert plain["tcp_rt"] == 5, plain
    # The MX lookup and the MX host's address cost at least one DNS round trip.
    assert plain["dns_rt"] >= 1, plain
    # CHUNKING: BDAT LAST rides with MAIL, RCPT and QUIT; no 354 to wait for.
    bdat = results["plain_bdat"]
    assert bdat["status"] == 0 and bdat["transfer"] == "BDAT" and bdat["tcp_rt"] == 4, bdat
    # Three messages on one connection: each further one rides with the previous final dot, so
    # it costs one round trip, not two.
    three = results["plain_x3"]
    assert three["status"] == 0 and three["connections"] == 1 and three["tcp_rt"] == 7, three
    # TLS: at most the protocol's minimum (TLS 1.3 may merge a flight: one fewer).
    assert results["starttls"]["status"] == 0 and results["starttls"]["tcp_rt"] <= 8, results
    assert results["smtps"]["status"] == 0 and results["smtps"]["tcp_rt"] <= 6, results
    assert results["smtps_bdat"]["status"] == 0 and results["smtps_bdat"]["tcp_rt"] <= 5, results
