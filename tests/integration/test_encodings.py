"""Encodings on the wire: 8-bit to quoted-printable without 8BITMIME (RFC 6152 §3), SMTPUTF8
only when needed (RFC 6531), IDN domains as A-labels in the envelope."""
import email
import email.policy

from fixtures_lib import wire_to_message

HOST = "mx1.example.test"
NO_8BITMIME = ["PIPELINING", "ENHANCEDSTATUSCODES"]
TEXT = "caf\u00e9 na\u00efve\n.a line starting with a dot\nFrom the start of a line\n" + "\u00e9" * 60 + "\n"
EIGHT_BIT = b"Subject: encodings\n\n" + TEXT.encode("utf-8")


def wire(text):
    """How the scripted server logs a line it received (bytes decoded as latin-1)."""
    return text.encode("utf-8").decode("latin-1")


def test_eight_bit_without_8bitmime_arrives_quoted_printable(smtpsend, scripted):
    server = scripted({HOST: {"capabilities": NO_8BITMIME}})
    result = smtpsend.run("user@example.test", stdin=EIGHT_BIT)
    assert result.returncode == 0, result
    [message] = server.messages()
    assert "BODY=" not in message["mail_from"] and "SMTPUTF8" not in message["mail_from"]
    data = wire_to_message(message["data"])
    assert max(data) < 0x80
    assert all(len(line) <= 998 for line in data.split(b"\r\n"))
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert parsed["Content-Transfer-Encoding"] == "quoted-printable"
    assert parsed.get_content_charset() == "utf-8"
    assert parsed.get_content().replace("\r\n", "\n") == TEXT


def test_eight_bit_with_8bitmime_arrives_raw(smtpsend, scripted):
    server = scripted({HOST: {}})
    result = smtpsend.run("user@example.test", stdin=EIGHT_BIT)
    assert result.returncode == 0, result
    [message] = server.messages()
    assert message["mail_from"].endswith(" BODY=8BITMIME"), message
    assert wire_to_message(message["data"]).endswith(TEXT.replace("\n", "\r\n").encode("utf-8"))


def test_latin1_header_without_8bitmime_fails_65_with_5_6_3(smtpsend, scripted):
    """Not UTF-8, so SMTPUTF8 cannot carry it either; and headers are never converted."""
    server = scripted({HOST: {"capabilities": NO_8BITMIME}})
    result = smtpsend.run("user@example.test", stdin=b"Subject: caf\xe9\n\nhi\n")
    assert result.returncode == 65, result
    [line] = result.stderr_lines()
    assert line.startswith("smtpsend: user@example.test: failed: 5.6.3 "), line
    assert server.messages() == []


def test_utf8_local_part_without_smtputf8_fails_69_with_5_6_7(smtpsend, scripted):
    server = scripted({HOST: {}})
    result = smtpsend.run("j\u00f6rg@example.test", stdin=b"Subject: hi\n\nhi\n")
    assert result.returncode == 69, result
    [line] = result.stderr_lines()
    assert "5.6.7" in line and "SMTPUTF8" in line, line
    assert server.messages() == []


def test_utf8_header_needs_smtputf8(smtpsend, scripted):
    server = scripted({HOST: {"capabilities": NO_8BITMIME}})
    result = smtpsend.run("user@example.test", stdin="Subject: caf\u00e9\n\nhi\n".encode("utf-8"))
    assert result.returncode == 69, result
    [line] = result.stderr_lines()
    assert line.startswith("smtpsend: user@example.test: failed: 5.6.7 "), line
    assert server.messages() == []


def test_utf8_header_with_smtputf8_goes_as_it_is(smtpsend, scripted):
    server = scripted({HOST: {"capabilities": ["PIPELINING", "8BITMIME", "SMTPUTF8"]}})
    subject = "Subject: caf\u00e9\r\n".encode("utf-8")
    result = smtpsend.run("user@example.test", stdin=subject + b"\r\nhi\r\n")
    assert result.returncode == 0, result
    [message] = server.messages()
    assert message["mail_from"].endswith(" BODY=8BITMIME SMTPUTF8"), message
    assert subject in wire_to_message(message["data"])


def test_without_smtputf8_only_the_utf8_recipient_fails(smtpsend, scripted):
    server = scripted({HOST: {}})
    result = smtpsend.run("j\u00f6rg@example.test", "user@example.test", stdin=b"Subject: hi\n\nhi\n")
    assert result.returncode == 69, result
    [line] = result.stderr_lines()
    assert line.startswith("smtpsend: j\u00f6rg@example.test: failed: 5.6.7 "), line
    [message] = server.messages()
    assert "SMTPUTF8" not in message["mail_from"]
    assert message["rcpts"] == ["TO:<user@example.test>"]


def test_utf8_local_part_with_smtputf8_declares_it(smtpsend, scripted):
    server = scripted({HOST: {"capabilities": ["PIPELINING", "8BITMIME", "SMTPUTF8"]}})
    result = smtpsend.run("j\u00f6rg@example.test", "user@example.test", stdin=b"Subject: hi\n\nhi\n")
    assert result.returncode == 0, result
    [message] = server.messages()
    assert message["mail_from"].endswith(" SMTPUTF8"), message
    assert message["rcpts"] == [wire("TO:<j\u00f6rg@example.test>"), "TO:<user@example.test>"]


def test_ascii_message_never_declares_smtputf8(smtpsend, scripted):
    server = scripted({HOST: {"capabilities": ["PIPELINING", "8BITMIME", "SMTPUTF8"]}})
    result = smtpsend.run("user@example.test", stdin=b"Subject: hi\n\nhi\n")
    assert result.returncode == 0, result
    [message] = server.messages()
    assert "SMTPUTF8" not in message["mail_from"]


def test_smtputf8_refusal_tries_the_next_mx(smtpsend, scripted, zone):
    """5.6.7 at one host is not final: the destination's other MX may offer SMTPUTF8."""
    server = scripted({"mx1.failover.test": {},
                       "mx2.failover.test": {"capabilities": ["PIPELINING", "8BITMIME", "SMTPUTF8"]}})
    result = smtpsend.run("j\u00f6rg@failover.test", stdin=b"Subject: hi\n\nhi\n")
    assert result.returncode == 0, result
    assert server.messages(zone.ip("mx1.failover.test")) == []
    assert len(server.messages(zone.ip("mx2.failover.test"))) == 1


def test_idn_domains_go_out_as_a_labels(smtpsend, scripted, zone, mx_port):
    server = scripted({HOST: {}})
    result = smtpsend.run("--relay", f"{zone.ip(HOST)}:{mx_port}", "--tls", "none",
                          "user@b\u00fccher.example", stdin=b"Subject: hi\n\nhi\n",
                          sender="me@m\u00fcnchen.example")
    assert result.returncode == 0, result
    [message] = server.messages()
    assert message["mail_from"] == "FROM:<me@xn--mnchen-3ya.example>", message
    assert message["rcpts"] == ["TO:<user@xn--bcher-kva.example>"]
