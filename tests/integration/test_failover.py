"""The first MX of failover.test misbehaves; the second (mx2) must then get the message."""
FIRST, SECOND = "mx1.failover.test", "mx2.failover.test"
# The server drops the connection after the first line of DATA. With a small message the client
# may already have written the final dot, and then "may have been delivered" is the right answer;
# 16 MB cannot all fit in loopback socket buffers, so the client is certainly still mid-DATA.
BIG_MESSAGE = b"Subject: big\n\n" + (b"x" * 998 + b"\n") * 16_000
MESSAGE = b"Subject: failover\n\nhi\n"


def commands(server, host):
    return [e["line"].split(" ")[0].split(":")[0].upper().strip() for e in server.events(host, "command")]


def test_refused_connection_goes_to_next_mx(smtpsend, sink, zone):
    # Nothing listens on the first MX: the connection is refused.
    server = sink(SECOND)
    result = smtpsend.run("user@failover.test", stdin=MESSAGE)
    assert result.returncode == 0, result
    assert [env["rcpt"] for env, _ in server.messages(expected=1)] == [["<user@failover.test>"]]


def test_refused_by_every_mx_is_deferred(smtpsend):
    result = smtpsend.run("user@failover.test", stdin=MESSAGE)
    assert result.returncode == 75, result
    [line] = result.stderr_lines()
    assert line.startswith("smtpsend: user@failover.test: deferred: "), line


def test_421_greeting_goes_to_next_mx(smtpsend, scripted, zone):
    server = scripted({FIRST: {"greeting": "421 4.3.2 Too busy"}, SECOND: {}})
    result = smtpsend.run("user@failover.test", stdin=MESSAGE)
    assert result.returncode == 0, result
    assert len(server.connections(zone.ip(FIRST))) == 1
    assert "MAIL" not in commands(server, zone.ip(FIRST))
    assert len(server.messages(zone.ip(SECOND))) == 1


def test_silent_server_times_out_then_next_mx(smtpsend, scripted, zone):
    server = scripted({FIRST: {"greeting": None}, SECOND: {}})
    result = smtpsend.run("user@failover.test", stdin=MESSAGE, smtp_timeout=2)
    assert result.returncode == 0, result
    assert 1.8 <= result.seconds < 20, result
    assert len(server.connections(zone.ip(FIRST))) == 1
    assert len(server.messages(zone.ip(SECOND))) == 1


def test_disconnect_mid_data_goes_to_next_mx(smtpsend, scripted, zone):
    server = scripted({FIRST: {"data_mode": "disconnect_mid_data"}, SECOND: {}})
    result = smtpsend.run("user@failover.test", stdin=BIG_MESSAGE)
    assert result.returncode == 0, result
    assert server.events(zone.ip(FIRST), "disconnect_mid_data")
    assert len(server.messages(zone.ip(SECOND))) == 1


def test_no_reply_after_end_of_data_does_not_try_next_mx(smtpsend, scripted, zone):
    """The first host may have the message: sending it to mx2 as well could deliver it twice."""
    server = scripted({FIRST: {"data_mode": "no_reply_after_dot"}, SECOND: {}})
    result = smtpsend.run("user@failover.test", stdin=MESSAGE, smtp_timeout=2)
    assert result.returncode == 75, result
    assert server.connections(zone.ip(SECOND)) == []
    [line] = result.stderr_lines()
    assert "may have been delivered" in line, line


def test_5xx_greeting_fails_the_destination_without_next_mx(smtpsend, scripted, zone):
    server = scripted({FIRST: {"greeting": "554 5.7.1 Go away"}, SECOND: {}})
    result = smtpsend.run("user@failover.test", stdin=MESSAGE)
    assert result.returncode == 69, result
    assert server.connections(zone.ip(SECOND)) == []
    [line] = result.stderr_lines()
    assert line.startswith("smtpsend: user@failover.test: failed: 554 "), line
    assert line.endswith(f"Go away ({FIRST}[{zone.ip(FIRST)}])"), line
