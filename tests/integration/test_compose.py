"""Composing (-s, -H, --body, -a, -F) and -t, with the real binary against the scripted server.

Each received message is parsed back with Python's email package, which knows nothing of how
smtpsend built it: decoded subject and display name, attachment bytes and MIME types.
"""
import email
import email.policy

from fixtures_lib import wire_to_message

SUBJECT = "Grüße aus Köln — Quartalsbericht"
NAME = "Jörg Müller"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"


def received(server, count=1):
    messages = server.messages()
    assert len(messages) == count, messages
    return [(m, email.message_from_bytes(wire_to_message(m["data"]), policy=email.policy.default))
            for m in messages]


def test_utf8_subject_and_attachments_arrive_decodable(smtpsend, scripted, zone, tmp_path):
    server = scripted({"mx1.example.test": {}})
    report = tmp_path / "report.pdf"
    report.write_bytes(PDF)
    overview = tmp_path / "Übersicht 2026.txt"
    overview.write_bytes("Zeile eins\nZeile zwei\n".encode())
    body = "Hallo Bob,\nder Bericht ist angehängt.\n" + "x" * 1200 + "\n"
    result = smtpsend.run("-s", SUBJECT, "-F", NAME, "-a", str(report), "--attach", str(overview),
                          "-H", "X-Report-Id: 42", "bob@example.test", stdin=body.encode())
    assert result.returncode == 0, result
    [(envelope, message)] = received(server)
    assert envelope["rcpts"] == ["TO:<bob@example.test>"]
    assert message["subject"] == SUBJECT
    [sender] = message["from"].addresses
    assert (sender.display_name, sender.addr_spec) == (NAME, "sender@client.test")
    assert message["to"] == "bob@example.test"
    assert message["x-report-id"] == "42"
    assert message["date"] is not None and message["message-id"] is not None
    assert message["mime-version"] == "1.0"
    assert message.get_content_type() == "multipart/mixed"
    text, pdf, txt = message.iter_parts()
    assert text.get_content_type() == "text/plain"
    assert text["content-transfer-encoding"] == "quoted-printable"  # 8-bit and a 1200-octet line
    assert text.get_content().replace("\r\n", "\n") == body
    assert (pdf.get_content_type(), pdf.get_filename()) == ("application/pdf", "report.pdf")
    assert pdf.get_payload(decode=True) == PDF
    assert (txt.get_content_type(), txt.get_filename()) == ("text/plain", "Übersicht 2026.txt")
    assert txt.get_payload(decode=True) == "Zeile eins\nZeile zwei\n".encode()
    # The whole message is 7-bit: nothing for a server without 8BITMIME to refuse.
    assert max(wire_to_message(envelope["data"])) < 0x80


def test_body_file_and_plain_text_only(smtpsend, scripted, zone, tmp_path):
    server = scripted({"mx1.example.test": {}})
    body = tmp_path / "body.txt"
    body.write_bytes(b"line one\nline two\n")
    result = smtpsend.run("-s", "plain", "--body", str(body), "bob@example.test", "carol@example.test")
    assert result.returncode == 0, result
    [(envelope, message)] = received(server)
    assert message.get_content_type() == "text/plain"
    assert message["content-transfer-encoding"] == "7bit"
    assert message.get_content() == "line one\r\nline two\r\n" or message.get_content() == "line one\nline two\n"
    assert [a.addr_spec for a in message["to"].addresses] == ["bob@example.test", "carol@example.test"]


def test_read_recipients_to_cc_bcc_bcc_removed_and_duplicates_sent_once(smtpsend, scripted, zone):
    server = scripted({"mx1.example.test": {}, "mx.other.test": {}})
    raw = (b"From: Alice <alice@client.test>\n"
           b"To: \"Smith, Bob\" <bob@example.test>, undisclosed:;\n"
           b"Cc: carol@other.test (Carol)\n"
           b"Bcc: dave@example.test,\n"
           b"\terin@EXAMPLE.test\n"
           b"Subject: -t\n"
           b"\n"
           b"Bcc: this line is body text\n")
    # bob is given on the command line too, with the domain in other case: one RCPT only.
    result = smtpsend.run("-t", "bob@Example.Test", stdin=raw)
    assert result.returncode == 0, result
    messages = server.messages()
    rcpts = sorted(r for envelope in messages for r in envelope["rcpts"])
    assert rcpts == sorted(["TO:<bob@Example.Test>", "TO:<carol@other.test>", "TO:<dave@example.test>",
                            "TO:<erin@EXAMPLE.test>"]), rcpts
    assert len(messages) == 2  # one transaction per domain
    for envelope in messages:
        content = wire_to_message(envelope["data"])
        head, _, body = content.partition(b"\r\n\r\n")
        assert b"bcc" not in head.lower()
        assert b"dave" not in head and b"erin" not in head
        assert body == b"Bcc: this line is body text\r\n"
        # Every other header line arrived exactly as written, in order, after Date and Message-ID.
        assert head.split(b"\r\n")[2:] == [b"From: Alice <alice@client.test>",
                                             b"To: \"Smith, Bob\" <bob@example.test>, undisclosed:;",
                                             b"Cc: carol@other.test (Carol)", b"Subject: -t"]


def test_resent_headers_replace_to_cc_bcc(smtpsend, scripted, zone):
    server = scripted({"mx1.example.test": {}, "mx.other.test": {}})
    raw = (b"From: a@client.test\nTo: original@other.test\n"
           b"Resent-From: f@client.test\nResent-To: again@example.test\nResent-Bcc: hidden@example.test\n\nhi\n")
    result = smtpsend.run("-t", stdin=raw)
    assert result.returncode == 0, result
    [envelope] = server.messages()
    assert sorted(envelope["rcpts"]) == ["TO:<again@example.test>", "TO:<hidden@example.test>"]
    assert b"Resent-Bcc" not in envelope["data"] and b"To: original@other.test" in envelope["data"]


def test_read_recipients_finding_none_is_usage_error(smtpsend, scripted, zone):
    server = scripted({"mx1.example.test": {}})
    result = smtpsend.run("-t", stdin=b"From: a@client.test\nTo: undisclosed-recipients:;\n\nhi\n")
    assert result.returncode == 64, result
    assert "-t found none" in result.stderr
    assert server.messages() == []


def test_read_recipients_malformed_header_is_data_error(smtpsend, scripted, zone):
    server = scripted({"mx1.example.test": {}})
    result = smtpsend.run("-t", stdin=b"To: \"Smith, Bob <bob@example.test>\n\nhi\n")
    assert result.returncode == 65, result
    assert "the To: header is malformed: unterminated quoted string" in result.stderr
    assert server.messages() == []


def test_from_name_adds_from_to_a_message_without_one(smtpsend, scripted, zone):
    server = scripted({"mx1.example.test": {}})
    result = smtpsend.run("-F", NAME, "bob@example.test", stdin=b"Subject: as is\n\nhi\n")
    assert result.returncode == 0, result
    [(envelope, message)] = received(server)
    [sender] = message["from"].addresses
    assert (sender.display_name, sender.addr_spec) == (NAME, "sender@client.test")
    assert message["subject"] == "as is"


def test_input_errors_stop_before_sending(smtpsend, scripted, zone, tmp_path):
    server = scripted({"mx1.example.test": {}})
    missing = smtpsend.run("-s", "x", "-a", str(tmp_path / "missing.pdf"), "bob@example.test", stdin=b"hi\n")
    assert missing.returncode == 66, missing
    assert "missing.pdf" in missing.stderr
    no_body = smtpsend.run("-s", "x", "--body", str(tmp_path), "bob@example.test")
    assert no_body.returncode == 66, no_body
    injected = smtpsend.run("-s", "hi\r\nBcc: victim@example.test", "bob@example.test", stdin=b"hi\n")
    assert injected.returncode == 64, injected
    assert server.messages() == []


def test_read_recipients_per_message_with_several_messages(smtpsend, scripted, zone, tmp_path):
    server = scripted({"mx1.example.test": {}, "mx.other.test": {}})
    first, second = tmp_path / "a.eml", tmp_path / "b.eml"
    first.write_bytes(b"To: one@example.test\nSubject: first\n\n1\n")
    second.write_bytes(b"To: two@other.test\nBcc: three@other.test\nSubject: second\n\n2\n")
    result = smtpsend.run("-t", "-m", str(first), "-m", str(second))
    assert result.returncode == 0, result
    by_subject = {}
    for envelope in server.messages():
        content = wire_to_message(envelope["data"])
        by_subject[content.split(b"Subject: ")[1].split(b"\r\n")[0]] = (sorted(envelope["rcpts"]), content)
    assert by_subject[b"first"][0] == ["TO:<one@example.test>"]
    assert by_subject[b"second"][0] == ["TO:<three@other.test>", "TO:<two@other.test>"]
    assert b"Bcc" not in by_subject[b"second"][1]


def test_composed_header_fields_feed_read_recipients(smtpsend, scripted, zone):
    server = scripted({"mx1.example.test": {}, "mx.other.test": {}})
    result = smtpsend.run("-t", "-s", "team", "-H", "Cc: Carol <carol@other.test>", "-H", "Bcc: audit@example.test",
                          "bob@example.test", stdin=b"hello\n")
    assert result.returncode == 0, result
    rcpts = sorted(r for envelope in server.messages() for r in envelope["rcpts"])
    assert rcpts == ["TO:<audit@example.test>", "TO:<bob@example.test>", "TO:<carol@other.test>"]
    for envelope in server.messages():
        message = email.message_from_bytes(wire_to_message(envelope["data"]), policy=email.policy.default)
        assert message["bcc"] is None and message["cc"] == "Carol <carol@other.test>"
        assert message["to"] == "bob@example.test"
