"""compose_bounce()'s bytes (queue/bounce.cpp) read by an independent MIME parser: Python's
`email` package, as a mail client or list manager would read a bounce (RFC 3464, RFC 6522).

The bytes come from build/.../bounce_print (SMTPSEND_BOUNCE_PRINT, set by ctest), which prints
the bounce of the message on its stdin with two fixed recipients: bob@example.com refused with
550 5.1.1 (its reply text holding control bytes) and carol@example.org expired after 450 4.2.0.
"""
import email
import email.policy
import os
import pathlib
import subprocess

import pytest

ORIGINAL = (
    b"From: Alice <alice@example.net>\r\n"
    b"To: bob@example.com, carol@example.org\r\n"
    b"Subject: nightly report\r\n"
    b"Message-ID: <orig.1@example.net>\r\n"
    b"\r\n"
    b"The body.\r\n"
)


def bounce_print():
    path = os.environ.get("SMTPSEND_BOUNCE_PRINT")
    if not path:
        here = pathlib.Path(__file__).resolve().parents[2]
        path = str(here / "build" / "tests" / "bounce_print")
    if not os.access(path, os.X_OK):
        pytest.fail(f"bounce_print not built at {path}: cmake --build build --target bounce_print")
    return path


def bounce_of(original, *args):
    done = subprocess.run([bounce_print(), *args], input=original, capture_output=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout


def parsed(raw):
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_the_bounce_is_a_delivery_status_report():
    raw = bounce_of(ORIGINAL)
    for line in raw.split(b"\r\n")[:-1]:
        assert len(line) <= 998 and b"\n" not in line and b"\r" not in line
        assert all(b < 0x80 for b in line)
    msg = parsed(raw)
    assert msg.get_content_type() == "multipart/report"
    assert msg.get_param("report-type") == "delivery-status"
    assert msg["Auto-Submitted"] == "auto-replied"
    assert msg["From"].addresses[0].addr_spec == "MAILER-DAEMON@client.example.net"
    assert msg["To"] == "sender@example.net"
    assert msg["Subject"] == "Undelivered Mail Returned to Sender"
    assert not msg.defects
    types = [part.get_content_type() for part in msg.iter_parts()]
    assert types == ["text/plain", "message/delivery-status", "text/rfc822-headers"]


def test_recipient_fields_as_email_reads_them():
    msg = parsed(bounce_of(ORIGINAL))
    status = list(msg.iter_parts())[1]
    # email parses message/delivery-status into one header block per group (RFC 3464 §2.1).
    groups = status.get_payload()
    assert groups[0]["Reporting-MTA"] == "dns; client.example.net"
    assert groups[0]["Original-Envelope-Id"] == "QQ314159"
    bob, carol = groups[1], groups[2]
    assert bob["Final-Recipient"] == "rfc822; bob@example.com"
    assert bob["Original-Recipient"] == "rfc822;Bob@example.com"
    assert bob["Action"] == "failed"
    assert bob["Status"] == "5.1.1"
    assert bob["Remote-MTA"] == "dns; mx1.example.com"
    assert bob["Diagnostic-Code"] == "smtp; 550 5.1.1 User unknown?[31m? here"
    assert carol["Final-Recipient"] == "rfc822; carol@example.org"
    assert carol["Action"] == "failed"
    assert carol["Status"] == "4.2.0"
    assert carol["Diagnostic-Code"].startswith("smtp; 450 4.2.0 Greylisted")


def test_the_original_headers_are_attached():
    msg = parsed(bounce_of(ORIGINAL))
    headers = list(msg.iter_parts())[2]
    text = headers.get_content()
    assert "Subject: nightly report" in text
    assert "Message-ID: <orig.1@example.net>" in text
    assert "The body." not in text


def test_an_eight_bit_original_header_comes_back_decoded():
    original = b"From: a@b.example\r\nSubject: caf\xc3\xa9\r\n\r\nx\r\n"
    msg = parsed(bounce_of(original))
    headers = list(msg.iter_parts())[2]
    assert headers["Content-Transfer-Encoding"] == "quoted-printable"
    assert "Subject: caf\u00e9" in headers.get_payload(decode=True).decode("utf-8")


def test_ret_full_attaches_the_message():
    msg = parsed(bounce_of(ORIGINAL, "--ret-full"))
    returned = list(msg.iter_parts())[2]
    assert returned.get_content_type() == "message/rfc822"
    inner = returned.get_payload()[0]
    assert inner["Subject"] == "nightly report"
    assert inner.get_content().strip() == "The body."
