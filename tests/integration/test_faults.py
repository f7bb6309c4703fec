"""A single MX host that breaks: the run's exit status and its one stderr line per recipient."""
# The server drops the connection after the first line of DATA. With a small message the client
# may already have written the final dot, and then "may have been delivered" is the right answer;
# 16 MB cannot all fit in loopback socket buffers, so the client is certainly still mid-DATA.
BIG_MESSAGE = b"Subject: big\n\n" + (b"x" * 998 + b"\n") * 16_000
MESSAGE = b"Subject: faults\n\nhi\n"
HOST = "mx1.example.test"


def where(zone, host=HOST):
    return f"({host}[{zone.ip(host)}])"


def test_disconnect_mid_data_is_deferred(smtpsend, scripted, zone):
    scripted({HOST: {"data_mode": "disconnect_mid_data"}})
    result = smtpsend.run("user@example.test", stdin=BIG_MESSAGE)
    assert result.returncode == 75, result
    [line] = result.stderr_lines()
    assert line.startswith("smtpsend: user@example.test: deferred: "), line
    assert "may have been delivered" not in line, line


def test_no_reply_after_end_of_data_may_have_been_delivered(smtpsend, scripted, zone):
    scripted({HOST: {"data_mode": "no_reply_after_dot"}})
    result = smtpsend.run("--json", "user@example.test", stdin=MESSAGE, smtp_timeout=2)
    assert result.returncode == 75, result
    [line] = result.stderr_lines()
    assert line.startswith("smtpsend: user@example.test: deferred: "), line
    assert "may have been delivered" in line and where(zone) in line, line
    [recipient] = result.json()["messages"][0]["recipients"]
    assert recipient["status"] == "deferred"
    assert recipient["may_duplicate"] is True


def test_garbage_reply_is_a_protocol_error(smtpsend, scripted, zone):
    scripted({HOST: {"replies": {"MAIL": "hello, this is not SMTP"}}})
    result = smtpsend.run("user@example.test", stdin=MESSAGE)
    assert result.returncode == 76, result
    [line] = result.stderr_lines()
    assert line.startswith("smtpsend: user@example.test: deferred: "), line


def test_control_bytes_in_server_text_are_sanitised(smtpsend, scripted, zone):
    scripted({HOST: {"replies": {"RCPT": {"bad@example.test": "550 5.1.1 bad\x1b[31m user"}}}})
    result = smtpsend.run("bad@example.test", stdin=MESSAGE)
    assert result.returncode == 67, result
    assert result.stderr_lines() == [f"smtpsend: bad@example.test: failed: 550 5.1.1 bad?[31m user {where(zone)}"]


def test_rcpt_550_and_250_give_per_recipient_lines_and_67(smtpsend, scripted, zone):
    server = scripted({HOST: {"replies": {"RCPT": {"bad@example.test": "550 5.1.1 User unknown"}}}})
    result = smtpsend.run("bad@example.test", "good@example.test", stdin=MESSAGE)
    assert result.returncode == 67, result
    assert result.stderr_lines() == [f"smtpsend: bad@example.test: failed: 550 5.1.1 User unknown {where(zone)}"]
    assert [m["rcpts"] for m in server.messages()] == [["TO:<good@example.test>"]]


def test_rcpt_550_beside_a_deferral_is_still_67(smtpsend, scripted, zone):
    """Permanent beats temporary: a retry on 75 would re-send to the refused recipient."""
    scripted({HOST: {"replies": {"RCPT": {"bad@example.test": "550 5.1.1 User unknown",
                                          "later@example.test": "450 4.2.1 Mailbox busy"}}}})
    result = smtpsend.run("bad@example.test", "later@example.test", "good@example.test", stdin=MESSAGE)
    assert result.returncode == 67, result
    assert sorted(result.stderr_lines()) == [
        f"smtpsend: bad@example.test: failed: 550 5.1.1 User unknown {where(zone)}",
        f"smtpsend: later@example.test: deferred: 450 4.2.1 Mailbox busy {where(zone)}"]


def test_rcpt_550_beside_a_refused_sender_is_69(smtpsend, scripted, zone):
    """67 only when every failure is a 5xx to RCPT; a 5xx to MAIL elsewhere makes it 69."""
    scripted({HOST: {"replies": {"RCPT": {"bad@example.test": "550 5.1.1 User unknown"}}},
              "mx.other.test": {"replies": {"MAIL": "550 5.7.1 Sender rejected"}}})
    result = smtpsend.run("bad@example.test", "user@other.test", stdin=MESSAGE)
    assert result.returncode == 69, result
    assert len(result.stderr_lines()) == 2, result


def test_rcpt_550_beside_a_null_mx_is_68(smtpsend, scripted, zone):
    scripted({HOST: {"replies": {"RCPT": {"bad@example.test": "550 5.1.1 User unknown"}}}})
    result = smtpsend.run("bad@example.test", "user@nullmx.test", stdin=MESSAGE)
    assert result.returncode == 68, result
    assert len(result.stderr_lines()) == 2, result
