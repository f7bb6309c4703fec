"""Issue 10, a new user's first hour: header completion and address checks, with the real binary.

A sent-as-is message gets From: from the envelope sender and its bare local names qualified;
--each copies name only their recipient (in the Resent block when -t read it) and write
A-labels; every address is checked (controls, IDNA) before anything is sent; --dry-run's status
is resolution's alone. What arrived is what the scripted server recorded.
"""
import email
import email.policy

from fixtures_lib import wire_to_message

HOST = "mx1.example.test"


def relay_args(zone, mx_port):
    return ["--relay", f"{zone.ip(HOST)}:{mx_port}", "--tls", "none"]


def data_of(message):
    return wire_to_message(message["data"])


def header_of(message):
    data = data_of(message)
    return data[:data.index(b"\r\n\r\n") + 2]


def parsed(message):
    return email.message_from_bytes(data_of(message), policy=email.policy.default)


# ---- 1: From: from the envelope sender ----

def test_a_message_without_from_gets_the_envelope_sender(smtpsend, scripted):
    server = scripted({HOST: {}})
    result = smtpsend.run("user@example.test", stdin=b"Subject: no from\n\nhi\n")
    assert result.returncode == 0, result
    [message] = server.messages()
    assert parsed(message).get_all("From") == ["sender@client.test"]


def test_the_null_sender_gives_mailer_daemon_at_the_qualify_domain(smtpsend, scripted):
    server = scripted({HOST: {}})
    result = smtpsend.run("--qualify-domain", "client.test", "user@example.test",
                          stdin=b"Subject: bounce\n\nhi\n", sender="<>")
    assert result.returncode == 0, result
    [message] = server.messages()
    assert message["mail_from"].startswith("FROM:<>"), message
    assert parsed(message).get_all("From") == ["MAILER-DAEMON@client.test"]


def test_an_existing_from_is_left_as_written(smtpsend, scripted):
    server = scripted({HOST: {}})
    result = smtpsend.run("user@example.test", stdin=b"From:  Ann  <ann@client.test>\nSubject: x\n\nhi\n")
    assert result.returncode == 0, result
    [message] = server.messages()
    assert header_of(message).count(b"From:") == 1
    assert b"From:  Ann  <ann@client.test>\r\n" in header_of(message)


# ---- 2: bare local names qualified, every other byte kept ----

CRON = (b"From: root (Cron Daemon)\n"
        b"To: root,\n"
        b"\t\"Ops Team\" <ops>, admin@other.test\n"
        b"Reply-To: Backup <backup>\n"
        b"Resent-To: postmaster\n"
        b"X-Note: root\n"
        b"Subject: Cron <root@client> backup\n\nbody\n")


def test_bare_local_names_in_address_fields_are_qualified(smtpsend, scripted):
    server = scripted({HOST: {}})
    result = smtpsend.run("--qualify-domain", "client.test", "user@example.test", stdin=CRON, sender=None)
    assert result.returncode == 0, result
    [message] = server.messages()
    header = header_of(message)
    assert (b"From: root@client.test (Cron Daemon)\r\n"
            b"To: root@client.test,\r\n"
            b"\t\"Ops Team\" <ops@client.test>, admin@other.test\r\n"
            b"Reply-To: Backup <backup@client.test>\r\n"
            b"Resent-To: postmaster@client.test\r\n"
            b"X-Note: root\r\n"
            b"Subject: Cron <root@client> backup\r\n") in header, header
    assert message["mail_from"] == "FROM:<root@client.test>"


# ---- 3: --each -t with Resent- recipients ----

RESENT = (b"Resent-From: list@client.test\n"
          b"Resent-To: a@example.test, b@example.test\n"
          b"Resent-Cc: c@example.test\n"
          b"From: author@client.test\n"
          b"To: original@other.test\n"
          b"Message-ID: <original@client.test>\n"
          b"Subject: resent\n\nhello\n")


def test_each_with_resent_recipients_names_only_that_recipient_in_the_resent_block(smtpsend, scripted):
    server = scripted({HOST: {}})
    result = smtpsend.run("--each", "-t", stdin=RESENT)
    assert result.returncode == 0, result
    messages = server.messages()
    assert sorted(m["rcpts"][0] for m in messages) == [
        "TO:<a@example.test>", "TO:<b@example.test>", "TO:<c@example.test>"]
    for m in messages:
        [rcpt] = m["rcpts"]
        mail = parsed(m)
        assert mail.get_all("Resent-To") == [rcpt[len("TO:<"):-1]], header_of(m)
        assert mail.get_all("Resent-Cc") is None
        assert mail.get_all("To") == ["original@other.test"]
        assert mail.get_all("Message-ID") == ["<original@client.test>"]
        assert len(mail.get_all("Resent-Message-ID")) == 1
        # The Resent block stays one block, before the original fields.
        block = b"Resent-From: list@client.test\r\nResent-To: " + rcpt[len("TO:<"):-1].encode() + b"\r\n"
        assert block in header_of(m), header_of(m)
        assert header_of(m).index(block) < header_of(m).index(b"From: author@client.test"), header_of(m)


# ---- 4: A-labels in generated fields ----

def test_each_writes_an_idn_recipient_as_a_labels_without_smtputf8(smtpsend, scripted, zone, mx_port):
    server = scripted({HOST: {}})  # no SMTPUTF8
    result = smtpsend.run(*relay_args(zone, mx_port), "--each", "user@b\u00fccher.example",
                          stdin=b"Subject: hi\n\nhi\n")
    assert result.returncode == 0, result
    [message] = server.messages()
    assert message["rcpts"] == ["TO:<user@xn--bcher-kva.example>"]
    assert b"To: user@xn--bcher-kva.example\r\n" in header_of(message)


def test_a_composed_to_of_an_idn_recipient_is_a_labels(smtpsend, scripted, zone, mx_port):
    server = scripted({HOST: {}})
    result = smtpsend.run(*relay_args(zone, mx_port), "-s", "hi", "user@b\u00fccher.example",
                          stdin=b"hi\n", sender="me@m\u00fcnchen.example")
    assert result.returncode == 0, result
    [message] = server.messages()
    header = header_of(message)
    assert b"To: user@xn--bcher-kva.example\r\n" in header, header
    assert b"From: me@xn--mnchen-3ya.example\r\n" in header, header


# ---- 5: invisible and control characters ----

def test_a_bidi_override_in_a_recipient_is_65_before_anything_is_sent(smtpsend, scripted):
    server = scripted({HOST: {}})
    for bad, shown in [("a\u202e@example.test", "<U+202E>"), ("a\u2028@example.test", "<U+2028>"),
                       ("a\u0085@example.test", "<U+0085>"), ("\ufeffa@example.test", "<U+FEFF>"),
                       ("a\u2066@example.test", "<U+2066>")]:
        result = smtpsend.run("ok@example.test", bad, stdin=b"Subject: x\n\nhi\n")
        assert result.returncode == 65, result
        [line] = result.stderr_lines()
        hidden = next(c for c in bad if ord(c) > 0x7f)
        assert f"'{bad.replace(hidden, shown)}'" in line, line
    result = smtpsend.run("ok@example.test", stdin=b"Subject: x\n\nhi\n", sender="me\u202e@client.test")
    assert result.returncode == 65, result
    assert server.connections() == []


def test_an_unspecified_address_literal_is_65_before_anything_is_sent(smtpsend, scripted):
    """a@[0.0.0.0] used to connect to this host (Linux takes 0.0.0.0 for a local address)."""
    server = scripted({HOST: {}})
    for bad, why in [("a@[0.0.0.0]", "0.0.0.0/8 (this network) is not a destination"),
                     ("a@[IPv6:::]", "the unspecified address :: is not a destination")]:
        result = smtpsend.run("ok@example.test", bad, stdin=b"Subject: x\n\nhi\n")
        assert result.returncode == 65, result
        [line] = result.stderr_lines()
        assert why in line, line
    assert server.connections() == []


def test_a_byte_order_mark_at_the_start_of_a_recipients_file_is_dropped(smtpsend, scripted, tmp_path):
    server = scripted({HOST: {}})
    listing = tmp_path / "list.txt"
    listing.write_bytes("\ufeffa@example.test\nb@example.test\n".encode())
    result = smtpsend.run("--recipients-file", str(listing), stdin=b"Subject: x\n\nhi\n")
    assert result.returncode == 0, result
    [message] = server.messages()
    assert message["rcpts"] == ["TO:<a@example.test>", "TO:<b@example.test>"]


# ---- 6: a domain IDNA refuses stops the run before anything is sent ----

BAD_IDN = "b@\u0300a.test"  # a label may not start with a combining mark (RFC 5893 §2.1, UTS #46 V5)


def test_a_bad_idn_domain_is_65_before_delivery_in_mx_mode(smtpsend, scripted):
    server = scripted({HOST: {}})
    result = smtpsend.run("a@example.test", BAD_IDN, stdin=b"Subject: x\n\nhi\n")
    assert result.returncode == 65, result
    [line] = result.stderr_lines()
    assert "IDNA2008" in line, line
    assert server.connections() == []


def test_a_bad_idn_domain_is_65_before_delivery_in_relay_mode(smtpsend, scripted, zone, mx_port):
    server = scripted({HOST: {}})
    result = smtpsend.run(*relay_args(zone, mx_port), "a@example.test", BAD_IDN, stdin=b"Subject: x\n\nhi\n")
    assert result.returncode == 65, result
    assert server.connections() == []
    result = smtpsend.run(*relay_args(zone, mx_port), "a@example.test", stdin=b"Subject: x\n\nhi\n",
                          sender="me@\u0300a.test")
    assert result.returncode == 65, result
    assert server.connections() == []


# ---- 7: one mailbox, three spellings ----

def test_u_labels_upper_case_and_a_labels_are_one_mailbox(smtpsend, scripted, zone, mx_port):
    server = scripted({HOST: {}})
    result = smtpsend.run(*relay_args(zone, mx_port), "x@b\u00fccher.example", "x@B\u00dcCHER.example",
                          "x@xn--bcher-kva.example", stdin=b"Subject: x\n\nhi\n")
    assert result.returncode == 0, result
    [message] = server.messages()
    assert message["rcpts"] == ["TO:<x@xn--bcher-kva.example>"]


# ---- 8: --dry-run with an empty message ----

def test_dry_run_with_an_empty_stdin_has_resolutions_status(smtpsend):
    result = smtpsend.run("--dry-run", "user@example.test", stdin=b"")
    assert result.returncode == 0, result
    assert "example.test" in result.stdout
    [line] = result.stderr_lines()
    assert "--dry-run" in line, line
    result = smtpsend.run("--dry-run", "user@nothing.test", stdin=b"")
    assert result.returncode == 68, result


# ---- 9: small things ----

def test_a_second_message_id_header_option_is_a_usage_error(smtpsend, scripted):
    server = scripted({HOST: {}})
    result = smtpsend.run("-s", "hi", "-H", "Message-ID: <one@client.test>", "-H", "message-id: <two@client.test>",
                          "user@example.test", stdin=b"hi\n")
    assert result.returncode == 64, result
    [line] = result.stderr_lines()
    assert "-H Message-ID: given twice" in line, line
    assert server.connections() == []
    # Fields that may repeat still do.
    result = smtpsend.run("-s", "hi", "-H", "X-Tag: a", "-H", "X-Tag: b", "user@example.test", stdin=b"hi\n")
    assert result.returncode == 0, result
    assert parsed(server.messages()[0]).get_all("X-Tag") == ["a", "b"]


def test_a_ten_megabyte_header_line_is_named_as_too_long(smtpsend, scripted, tmp_path):
    server = scripted({HOST: {}})
    message = tmp_path / "long.eml"
    message.write_bytes(b"From: a@client.test\nSubject: " + b"x" * 10_000_000 + b"\n\nbody\n")
    for source in (["-m", str(message)], []):
        result = smtpsend.run(*source, "user@example.test",
                              stdin=b"" if source else message.read_bytes())
        assert result.returncode == 65, result
        [line] = result.stderr_lines()
        assert "header line 2 (Subject) is longer than 998 octets" in line, line
    assert server.connections() == []
