"""Delivery through real MX resolution (dnsmasq) to real and scripted servers."""
from fixtures_lib import wire_to_message

# Bare LF, bare CR, a CRLF, lines starting with dots and the end-of-data smuggling payloads
# ("\n.\n", "\r\n.\n", "\n.\r\n"), and a last line without a line ending.
RAW_MESSAGE = (b"From: Alice <alice@client.test>\n"
               b"To: user@example.test\n"
               b"Subject: exact bytes\n"
               b"\n"
               b".starts with a dot\n"
               b"..two dots\r\n"
               b"bare CR\rinside\n"
               b"smuggle 1\n.\nMAIL FROM:<evil@client.test>\n"
               b"smuggle 2\r\n.\nRCPT TO:<evil@example.test>\n"
               b"smuggle 3\n.\r\nDATA\n"
               b"last line without newline")
CANONICAL_BODY = (b".starts with a dot\r\n..two dots\r\nbare CR\r\ninside\r\n"
                  b"smuggle 1\r\n.\r\nMAIL FROM:<evil@client.test>\r\n"
                  b"smuggle 2\r\n.\r\nRCPT TO:<evil@example.test>\r\n"
                  b"smuggle 3\r\n.\r\nDATA\r\n"
                  b"last line without newline\r\n")
ORIGINAL_HEADERS = [b"From: Alice <alice@client.test>", b"To: user@example.test", b"Subject: exact bytes"]


def split_message(content, eol):
    """(header lines, body) of a received message whose lines end in eol."""
    head, _, body = content.partition(eol + eol)
    return head.split(eol), body


def assert_same_message_with_date_and_id_added(header_lines, body, eol):
    """The headers sent are the original ones in order, plus exactly one Date and one Message-ID."""
    added = [h for h in header_lines if h.lower().startswith((b"date:", b"message-id:"))]
    assert sorted(h.split(b":")[0].lower() for h in added) == [b"date", b"message-id"]
    assert [h for h in header_lines if h not in added] == ORIGINAL_HEADERS
    assert body == CANONICAL_BODY.replace(b"\r\n", eol)


def test_delivers_through_mx_to_smtp_sink_exactly(smtpsend, sink, zone):
    server = sink("mx1.example.test")
    result = smtpsend.run("user@example.test", stdin=RAW_MESSAGE, sender=None)
    assert result.returncode == 0, result
    [(envelope, content)] = server.messages(expected=1)
    assert envelope["rcpt"] == ["<user@example.test>"]
    assert envelope["X-Helo-Args"] == "client.test"
    # No -f: the envelope sender is the From: address.
    assert envelope["X-Mail-Args"].startswith("<alice@client.test>")
    # smtp-sink dumps lines ending in LF, with dot-stuffing undone.
    assert_same_message_with_date_and_id_added(*split_message(content, b"\n"), b"\n")


def test_wire_bytes_are_canonical_crlf_and_dot_stuffed(smtpsend, scripted, zone):
    server = scripted({"mx1.example.test": {}})
    result = smtpsend.run("user@example.test", stdin=RAW_MESSAGE)
    assert result.returncode == 0, result
    [message] = server.messages()
    raw = message["data"]
    assert b"\r" not in raw.replace(b"\r\n", b"") and b"\n" not in raw.replace(b"\r\n", b""), raw
    assert b"\r\n..starts with a dot\r\n...two dots\r\n" in raw
    assert raw.count(b"\r\n.\r\n") == 1 and raw.endswith(b"\r\n.\r\n")
    assert_same_message_with_date_and_id_added(*split_message(wire_to_message(raw), b"\r\n"), b"\r\n")
    # The smuggled commands stayed message text: one transaction, one MAIL, one RCPT.
    commands = [e["line"] for e in server.events(kind="command")]
    assert sum(c.upper().startswith("MAIL") for c in commands) == 1
    assert message["rcpts"] == ["TO:<user@example.test>"]


def test_two_messages_share_one_connection(smtpsend, scripted, zone, tmp_path):
    server = scripted({"mx1.example.test": {}})
    first, second = tmp_path / "a.eml", tmp_path / "b.eml"
    first.write_bytes(b"Subject: first\r\nMessage-ID: <a@client.test>\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\none\r\n")
    second.write_bytes(b"Subject: second\r\nMessage-ID: <b@client.test>\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\ntwo\r\n")
    result = smtpsend.run("-m", str(first), "-m", str(second), "user@example.test")
    assert result.returncode == 0, result
    assert len(server.connections()) == 1
    bodies = [wire_to_message(m["data"]) for m in server.messages()]
    # Each is sent as written, but for the From: RFC 5322 §3.6 requires (the envelope sender).
    added = b"From: sender@client.test\r\n"
    assert bodies == [added + first.read_bytes(), added + second.read_bytes()]


def test_two_domains_in_one_run(smtpsend, sink, zone):
    example, other = sink("mx1.example.test"), sink("mx.other.test")
    result = smtpsend.run("user@example.test", "Bob@OTHER.test", stdin=b"Subject: two domains\n\nhi\n")
    assert result.returncode == 0, result
    assert [env["rcpt"] for env, _ in example.messages(expected=1)] == [["<user@example.test>"]]
    assert [env["rcpt"] for env, _ in other.messages(expected=1)] == [["<Bob@OTHER.test>"]]


def test_recipients_of_one_domain_share_one_transaction(smtpsend, scripted, zone):
    server = scripted({"mx1.example.test": {}})
    result = smtpsend.run("a@example.test", "b@EXAMPLE.test", stdin=b"Subject: one transaction\n\nhi\n")
    assert result.returncode == 0, result
    [message] = server.messages()
    assert message["rcpts"] == ["TO:<a@example.test>", "TO:<b@EXAMPLE.test>"]
    assert len(server.connections()) == 1


def test_equal_preference_mx_delivers_to_one_of_them(smtpsend, sink, zone):
    a, b = sink("mxa.equal.test"), sink("mxb.equal.test")
    result = smtpsend.run("user@equal.test", stdin=b"Subject: equal\n\nhi\n")
    assert result.returncode == 0, result
    assert len(a.messages()) + len(b.messages()) == 1


def test_equal_preference_order_is_shuffled(smtpsend, zone):
    """20 dry runs: both orders of two equal-preference hosts appear (chance of a false failure: 2^-19)."""
    orders = set()
    for _ in range(20):
        result = smtpsend.run("--dry-run", "user@equal.test", stdin=b"Subject: x\n\nhi\n")
        assert result.returncode == 0, result
        orders.add(result.stdout.index("mxa.equal.test") < result.stdout.index("mxb.equal.test"))
    assert orders == {True, False}


def test_a_only_domain_is_its_own_implicit_mx(smtpsend, sink, zone):
    server = sink("aonly.test")
    result = smtpsend.run("user@aonly.test", stdin=b"Subject: implicit MX\n\nhi\n")
    assert result.returncode == 0, result
    assert [env["rcpt"] for env, _ in server.messages(expected=1)] == [["<user@aonly.test>"]]
