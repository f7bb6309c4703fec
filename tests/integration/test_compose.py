"""Composing (-s, -H, --body, -a, -F) and -t, with the real binary against the scripted server.

Each received message is parsed back with Python's email package, which knows nothing of how
smtpsend built it: decoded subject and display name, attachment bytes and MIME types.
"""
import email
import email.header
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
        # Field names only: the random Message-ID may hold "bcc" as hex digits.
        assert not [line for line in head.split(b"\r\n") if line.lower().startswith(b"bcc:")]
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


# ---- Header lines never over 998 octets, non-ASCII -H values RFC 2047-encoded (RFC 5322 §2.1.1,
# RFC 2047). The scripted server offers no SMTPUTF8: raw UTF-8 in a header would fail with 5.6.7.

def words(count, stem):
    return " ".join(f"{stem}{i}" for i in range(count))


def assert_lines_within(data, limit, unless=()):
    lines = data.split(b"\r\n")
    too_long = [(number, len(line)) for number, line in enumerate(lines, 1)
                if len(line) > limit and not line.startswith(unless)]
    assert not too_long, too_long


def assert_folded_head(data):
    """RFC 5322 §2.1.1's SHOULD of 78, kept where white space allows: every header line but the
    generated Message-ID (one token of 32 random hex digits and the host name)."""
    assert_lines_within(data.split(b"\r\n\r\n")[0], 78, unless=(b"Message-ID:",))


def test_long_and_non_ascii_header_values_are_folded_and_decode_back(smtpsend, scripted, zone):
    server = scripted({"mx1.example.test": {}})
    long_value = words(200, "word")  # about 1,500 octets
    note = "Grüße aus Köln — " + words(60, "Straße")
    subject = words(150, "report")
    name = words(150, "Name")
    result = smtpsend.run("-s", subject, "-F", name, "-H", f"X-Long: {long_value}", "-H", f"X-Note: {note}",
                          "-H", "Cc: Jörg Müller <joerg@other.test>, \"Smith, Ann\" <ann@other.test>",
                          "-H", "In-Reply-To: <ascii.id@example.test>", "bob@example.test", stdin=b"hi\n")
    assert result.returncode == 0, result
    [(envelope, message)] = received(server)
    data = wire_to_message(envelope["data"])
    assert_lines_within(data, 998)
    assert_folded_head(data)
    assert max(data) < 0x80  # no SMTPUTF8 needed
    assert message["x-long"] == long_value
    assert message["x-note"] == note
    assert message["subject"] == subject
    [sender] = message["from"].addresses
    assert (sender.display_name, sender.addr_spec) == (name, "sender@client.test")
    assert [(a.display_name, a.addr_spec) for a in message["cc"].addresses] == [
        ("Jörg Müller", "joerg@other.test"), ("Smith, Ann", "ann@other.test")]
    assert message["in-reply-to"] == "<ascii.id@example.test>"
    assert envelope["rcpts"] == ["TO:<bob@example.test>"]  # -H Cc: adds no recipient without -t


def test_header_value_that_cannot_be_sent_is_usage_error_before_sending(smtpsend, scripted, zone):
    server = scripted({"mx1.example.test": {}})
    unfoldable = smtpsend.run("-H", "X-Long: " + "a" * 1200, "bob@example.test", stdin=b"hi\n")
    assert unfoldable.returncode == 64, unfoldable
    assert unfoldable.stderr == ("smtpsend: -H X-Long: the value holds a word of 1200 octets with no white space "
                                 "to fold at, and a header line must not exceed 998 octets (RFC 5322 §2.1.1)\n")
    structured = smtpsend.run("-H", "Message-ID: <café@example.test>", "bob@example.test", stdin=b"hi\n")
    assert structured.returncode == 64, structured
    assert structured.stderr.startswith("smtpsend: -H Message-ID: non-ASCII text cannot be sent")
    assert structured.stderr.count("\n") == 1
    assert server.messages() == []


def rfc2047_decoded(raw_field_value):
    """A raw header value decoded by RFC 2047 §6.2's rule: white space between adjacent
    encoded-words is ignored. email.header applies it; email.policy.default's address parser (as of
    Python 3.11) keeps that white space inside a display name, a known CPython deviation."""
    return str(email.header.make_header(email.header.decode_header(raw_field_value)))


def test_long_from_name_on_a_message_sent_as_is_is_folded(smtpsend, scripted, zone):
    server = scripted({"mx1.example.test": {}})
    spaced, one_word = words(150, "Name"), "N" * 1200
    for name in (spaced, one_word):
        result = smtpsend.run("-F", name, "bob@example.test", stdin=b"Subject: as is\n\nhi\n")
        assert result.returncode == 0, result
    [(spaced_envelope, spaced_message), (word_envelope, word_message)] = received(server, count=2)
    for envelope in (spaced_envelope, word_envelope):
        data = wire_to_message(envelope["data"])
        assert_lines_within(data, 998)
        assert_folded_head(data)
    # Folded at its spaces, the name stays plain text.
    [sender] = spaced_message["from"].addresses
    assert (sender.display_name, sender.addr_spec) == (spaced, "sender@client.test")
    # One 1,200-octet word cannot be folded: it goes as encoded-words (RFC 2047 §5(3)).
    raw_from = email.message_from_bytes(wire_to_message(word_envelope["data"]))["From"]
    assert "=?UTF-8?B?" in raw_from
    assert rfc2047_decoded(raw_from) == f"{one_word} <sender@client.test>"
    assert word_message["subject"] == "as is"
