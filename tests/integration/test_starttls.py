"""STARTTLS (RFC 3207) for MX delivery through the real binary, with certificates made by
openssl at test time (submission_fixture.make_certificates: a CA, a valid certificate for
mail.example.test, one for wrong.example.test, and an expired one for mail.example.test).

tls.test's only MX is mail.example.test, so each test starts the server it needs on that host.
"""
import pytest

from fixtures_lib import Dnsmasq
from harness import check_zone_answers
from submission_fixture import make_certificates
from tls_servers import AiosmtpdTls, RawSmtp
from zone import _mail_domain, build_zone

MX = "mail.example.test"
RCPT = "user@tls.test"
MESSAGE = b"Subject: tls\n\nover TLS\n"


@pytest.fixture(scope="module")
def zone():
    """The shared zone plus tls.test, whose MX name matches the test certificates."""
    z = build_zone()
    _mail_domain(z, "tls.test", [(10, z.add_host(MX, 20))])
    return z


@pytest.fixture(scope="module")
def dns(zone):
    """Its own dnsmasq for this module's zone, so a pytest run of several files stays correct."""
    server = Dnsmasq(zone)
    try:
        server.start()
        check_zone_answers(server, zone)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def certs(tmp_path_factory):
    return make_certificates(tmp_path_factory.mktemp("certs"))


@pytest.fixture
def tls_server(zone, mx_port, certs):
    started = []

    def start(which="server"):
        cert, key = getattr(certs, which), getattr(certs, which + "_key")
        server = AiosmtpdTls(zone.ip(MX), mx_port, cert, key, MX).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def raw_server(zone, mx_port):
    started = []

    def start(modes):
        server = RawSmtp(zone.ip(MX), mx_port, modes).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def test_opportunistic_is_the_default_and_uses_starttls(smtpsend, tls_server):
    server = tls_server()
    result = smtpsend.run("-vv", RCPT, stdin=MESSAGE)
    assert result.returncode == 0, result
    [message] = server.wait_for_messages(1)
    assert message["tls"] is True
    assert message["rcpts"] == [RCPT]
    # -vv: protocol, cipher, peer subject and the verification result
    assert "TLS established: TLSv1." in result.stderr, result
    assert "CN = mail.example.test" in result.stderr or "CN=mail.example.test" in result.stderr, result
    assert "not checked: --tls opportunistic" in result.stderr, result
    # RFC 3207 §4.2: EHLO is sent again after the handshake
    assert result.stderr.count("EHLO client.test") == 2, result


def test_verify_with_the_ca_file_delivers(smtpsend, tls_server, certs):
    server = tls_server()
    result = smtpsend.run("--tls", "verify", "--ca-file", str(certs.ca), RCPT, stdin=MESSAGE)
    assert result.returncode == 0, result
    assert result.stderr == "", result
    [message] = server.wait_for_messages(1)
    assert message["tls"] is True


def test_verify_without_the_ca_fails_with_77(smtpsend, tls_server):
    server = tls_server()
    result = smtpsend.run("--tls", "verify", RCPT, stdin=MESSAGE)
    assert result.returncode == 77, result
    [line] = result.stderr_lines()
    assert line.startswith(f"smtpsend: {RCPT}: failed: TLS handshake with {MX}["), line
    assert server.wait_for_messages(0) == []


def test_verify_wrong_host_certificate_fails_with_77(smtpsend, tls_server, certs):
    server = tls_server("wrong_host")
    result = smtpsend.run("--tls", "verify", "--ca-file", str(certs.ca), RCPT, stdin=MESSAGE)
    assert result.returncode == 77, result
    [line] = result.stderr_lines()
    assert "hostname mismatch" in line, line
    assert "--tls verify is in force" in line, line
    assert server.handler.messages == []


def test_verify_expired_certificate_fails_with_77(smtpsend, tls_server, certs):
    server = tls_server("expired")
    result = smtpsend.run("--tls", "verify", "--ca-file", str(certs.ca), RCPT, stdin=MESSAGE)
    assert result.returncode == 77, result
    [line] = result.stderr_lines()
    assert "certificate has expired" in line, line
    assert server.handler.messages == []


def test_required_accepts_any_certificate(smtpsend, tls_server):
    """required encrypts without checking (Postfix "encrypt"): the expired certificate will do."""
    server = tls_server("expired")
    result = smtpsend.run("--tls", "required", RCPT, stdin=MESSAGE)
    assert result.returncode == 0, result
    [message] = server.wait_for_messages(1)
    assert message["tls"] is True


def test_required_without_starttls_fails_with_77_before_mail(smtpsend, raw_server):
    server = raw_server(["plain"])
    result = smtpsend.run("--tls", "required", RCPT, stdin=MESSAGE)
    assert result.returncode == 77, result
    [line] = result.stderr_lines()
    assert line.endswith("does not offer STARTTLS and --tls required is in force"), line
    assert "MAIL" not in server.commands()
    assert server.messages == []


def test_none_never_sends_starttls(smtpsend, raw_server):
    server = raw_server(["inject"])
    result = smtpsend.run("--tls", "none", RCPT, stdin=MESSAGE)
    assert result.returncode == 0, result
    assert "STARTTLS" not in server.commands()
    assert len(server.messages) == 1


def test_reply_injected_after_220_abandons_the_host(smtpsend, raw_server):
    """CVE-2011-0411: "250 injected" arrives in the same write as the 220 to STARTTLS."""
    server = raw_server(["inject"])
    result = smtpsend.run(RCPT, stdin=MESSAGE)
    assert result.returncode == 76, result
    [line] = result.stderr_lines()
    assert line.startswith(f"smtpsend: {RCPT}: deferred: "), line
    assert "after its 220 reply to STARTTLS" in line, line
    assert server.commands() == ["EHLO", "STARTTLS"]
    # no TLS ClientHello (0x16) and no command was sent after the injection
    assert all(not data.startswith(b"\x16") for _, data in server.received_after_inject)
    assert server.messages == []


def test_opportunistic_handshake_failure_retries_the_host_without_tls(smtpsend, raw_server):
    server = raw_server(["bad_tls", "plain"])
    result = smtpsend.run("-v", RCPT, stdin=MESSAGE)
    assert result.returncode == 0, result
    assert "retrying without TLS (opportunistic)" in result.stderr, result
    assert server.commands(0) == ["EHLO", "STARTTLS"]
    assert server.commands(1)[:4] == ["EHLO", "MAIL", "RCPT", "DATA"]
    assert len(server.messages) == 1


def test_required_handshake_failure_is_77_without_retry(smtpsend, raw_server):
    server = raw_server(["bad_tls", "plain"])
    result = smtpsend.run("--tls", "required", RCPT, stdin=MESSAGE)
    assert result.returncode == 77, result
    assert server.connections() == 1
    assert server.messages == []


def test_unreadable_ca_file_is_66_before_sending(smtpsend, raw_server, tmp_path):
    server = raw_server(["plain"])
    result = smtpsend.run("--tls", "verify", "--ca-file", str(tmp_path / "missing.pem"), RCPT,
                          stdin=MESSAGE)
    assert result.returncode == 66, result
    [line] = result.stderr_lines()
    assert "--ca-file" in line and "missing.pem" in line, line
    assert server.connections() == 0


def test_dry_run_shows_the_tls_policy(smtpsend):
    result = smtpsend.run("--dry-run", "--tls", "verify", RCPT, stdin=MESSAGE)
    assert result.returncode == 0, result
    assert "TLS verify" in result.stdout, result
