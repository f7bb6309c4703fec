"""Self-tests of the fixtures, with Python's smtplib and raw sockets instead of smtpsend.

If these fail, the integration results say nothing about smtpsend.
"""
import io
import smtplib
import socket
import time

import pytest

import dnsq
from fixtures_lib import complete_lines, wire_to_message
from processes import FixtureError, require_tool
from harness import check_zone_answers

MESSAGE = b"Subject: fixture\r\nFrom: a@client.test\r\n\r\n.leading dot\r\nbody\r\n..two dots\r\n"


def test_dns_serves_the_zone(dns, zone):
    check_zone_answers(dns, zone)
    assert dns.query("example.test", dnsq.TYPE_MX).values(dnsq.TYPE_MX) == [(10, "mx1.example.test.")]
    assert dns.query("nullmx.test", dnsq.TYPE_MX).values(dnsq.TYPE_MX) == [(0, ".")]
    assert dns.query("nxdomain.test", dnsq.TYPE_A).rcode == dnsq.RCODE_NXDOMAIN
    assert "query[MX] nullmx.test" in dns.queries_log()


def test_sink_dumps_the_message_with_dot_stuffing_undone(sink, zone, mx_port):
    server = sink("mx1.example.test")
    with smtplib.SMTP(zone.ip("mx1.example.test"), mx_port, timeout=5) as client:
        client.ehlo("client.test")
        client.sendmail("a@client.test", ["u@example.test", "v@example.test"], MESSAGE)
    [(envelope, content)] = server.messages(expected=1)
    assert envelope["X-Mail-Args"] == "<a@client.test>"
    assert envelope["rcpt"] == ["<u@example.test>", "<v@example.test>"]
    assert envelope["X-Helo-Args"] == "client.test"
    assert content == MESSAGE.replace(b"\r\n", b"\n")


def test_scripted_server_records_raw_data_and_connections(scripted, zone, mx_port):
    host = "mx1.example.test"
    server = scripted({host: {}})
    for _ in range(2):
        with smtplib.SMTP(zone.ip(host), mx_port, timeout=5) as client:
            client.sendmail("a@client.test", ["u@example.test"], MESSAGE)
    assert len(server.connections(zone.ip(host))) == 2
    messages = server.messages()
    assert [m["rcpts"] for m in messages] == [["TO:<u@example.test>"]] * 2
    assert b"\r\n..leading dot\r\n" in messages[0]["data"]
    assert wire_to_message(messages[0]["data"]) == MESSAGE


def test_scripted_rcpt_replies_per_address(scripted, zone, mx_port):
    host = "mx1.example.test"
    scripted({host: {"replies": {"RCPT": {"bad@example.test": "550 5.1.1 User unknown"}}}})
    with smtplib.SMTP(zone.ip(host), mx_port, timeout=5) as client:
        refused = client.sendmail("a@client.test", ["bad@example.test", "good@example.test"], MESSAGE)
    assert refused == {"bad@example.test": (550, b"5.1.1 User unknown")}


def _connect(zone, host, port):
    sock = socket.create_connection((zone.ip(host), port), timeout=3)
    sock.settimeout(3)
    return sock


def _read_until_closed(sock):
    data = b""
    while chunk := sock.recv(4096):
        data += chunk
    return data


def test_scripted_421_greeting_closes(scripted, zone, mx_port):
    scripted({"mx1.failover.test": {"greeting": "421 4.3.2 Service not available"}})
    with _connect(zone, "mx1.failover.test", mx_port) as sock:
        assert _read_until_closed(sock) == b"421 4.3.2 Service not available\r\n"


def test_scripted_never_greets(scripted, zone, mx_port):
    scripted({"mx1.failover.test": {"greeting": None}})
    with _connect(zone, "mx1.failover.test", mx_port) as sock:
        sock.settimeout(1.0)
        start = time.monotonic()
        try:
            data = sock.recv(100)
        except socket.timeout:
            data = None
        assert data is None and time.monotonic() - start >= 0.9


def test_scripted_close_after_commands(scripted, zone, mx_port):
    scripted({"mx1.failover.test": {"close_after_commands": 2}})
    with _connect(zone, "mx1.failover.test", mx_port) as sock:
        sock.sendall(b"EHLO c\r\nMAIL FROM:<a@b>\r\n")
        data = _read_until_closed(sock)
    assert data.startswith(b"220 ") and b"250 ENHANCEDSTATUSCODES\r\n" in data and b"2.1.0" not in data


def test_scripted_disconnects_mid_data(scripted, zone, mx_port):
    server = scripted({"mx1.failover.test": {"data_mode": "disconnect_mid_data"}})
    with _connect(zone, "mx1.failover.test", mx_port) as sock:
        sock.sendall(b"EHLO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<u@failover.test>\r\nDATA\r\nSubject: x\r\n\r\nbody\r\n")
        try:
            data = _read_until_closed(sock)
        except ConnectionResetError:
            data = b"reset"
    assert b"354 " in data or data == b"reset"
    assert server.events(kind="disconnect_mid_data")
    assert not server.messages()


def test_scripted_no_reply_after_end_of_data(scripted, zone, mx_port):
    server = scripted({"mx1.failover.test": {"data_mode": "no_reply_after_dot"}})
    with _connect(zone, "mx1.failover.test", mx_port) as sock:
        sock.sendall(b"EHLO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<u@failover.test>\r\nDATA\r\n")
        time.sleep(0.3)
        sock.sendall(b"Subject: x\r\n\r\nbody\r\n.\r\n")
        sock.settimeout(1.0)
        received = b""
        try:
            while chunk := sock.recv(4096):
                received += chunk
        except socket.timeout:
            pass
    assert received.endswith(b"354 End data with <CR><LF>.<CR><LF>\r\n")
    assert len(server.messages()) == 1


def test_scripted_garbage_and_slow_replies(scripted, zone, mx_port):
    scripted({"mx1.failover.test": {"reply_delay": 0.5, "replies": {"MAIL": "garbage \x01 not smtp"}}})
    with _connect(zone, "mx1.failover.test", mx_port) as sock:
        start = time.monotonic()
        sock.sendall(b"MAIL FROM:<a@b>\r\n")
        data = b""
        while b"garbage" not in data:
            data += sock.recv(4096)
    assert data.endswith(b"garbage \x01 not smtp\r\n")
    assert time.monotonic() - start >= 0.45


def test_a_missing_tool_fails_with_the_install_hint():
    with pytest.raises(FixtureError, match=r"dnsmasq-base.*scripts/install-deps\.sh"):
        require_tool("/nonexistent/dnsmasq", "dnsmasq-base")


class _GrowingLog(io.RawIOBase):
    """A log whose writer is mid-line at the first end of file and finishes the line after it."""

    def __init__(self, chunks):
        self.chunks = list(chunks)

    def readable(self):
        return True

    def readinto(self, buffer):
        chunk = self.chunks.pop(0) if self.chunks else b""
        buffer[:len(chunk)] = chunk
        return len(chunk)


def test_event_log_lines_are_whole_while_the_writer_is_mid_line():
    log = io.TextIOWrapper(io.BufferedReader(_GrowingLog([b'{"a": 1}\n\n{"b": "AAAA', b"", b'BBBB"}\n'])),
                           encoding="utf-8")
    assert complete_lines(log) == ['{"a": 1}']
