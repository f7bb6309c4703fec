"""STARTTLS (RFC 3207) for MX delivery through the real binary, with certificates made by
openssl at test time (submission_fixture.make_certificates: a CA, a valid certificate for
mail.example.test, one for wrong.example.test, and an expired one for mail.example.test).

tls.test's only MX is mail.example.test, so each test starts the server it needs on that host.
The same server also stands in for a relay (--relay mail.example.test:PORT, [::1]:PORT) where a
test is about TLS details a relay shares: SNI, the TLS 1.2 floor, --ca-path, IPv6 literals.
"""
import shutil
import socket
import ssl
import subprocess

import pytest

from fixtures_lib import Dnsmasq
from harness import check_zone_answers
from processes import FixtureError, require_tool
from submission_fixture import make_certificates
from tls_servers import AiosmtpdTls, RawSmtp, starttls_version
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

    def start(which="server", max_version=None, host=None, port=None):
        cert, key = getattr(certs, which), getattr(certs, which + "_key")
        server = AiosmtpdTls(host or zone.ip(MX), port or mx_port, cert, key, MX,
                             max_version=max_version).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def raw_server(zone, mx_port, certs):
    started = []

    def start(modes):
        server = RawSmtp(zone.ip(MX), mx_port, modes, certs.server, certs.server_key).start()
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


def test_reply_injected_after_220_is_discarded_and_the_session_goes_on_under_tls(smtpsend, raw_server):
    """CVE-2011-0411: "250 injected" arrives in the same write as the 220 to STARTTLS. It is
    dropped unparsed, said in -v, and EHLO is sent again under TLS (SPEC.md, as Postfix does)."""
    server = raw_server(["inject_then_tls"])
    result = smtpsend.run("-v", RCPT, stdin=MESSAGE)
    assert result.returncode == 0, result
    assert ("discarded 14 bytes the server sent after its 220 reply to STARTTLS, before the TLS "
            "handshake (CVE-2011-0411)") in result.stderr, result
    assert [version for _, version in server.handshakes] == ["TLSv1.3"], result.stderr
    # EHLO again after the handshake; the injected 250 answered nothing
    assert server.commands() == ["EHLO", "STARTTLS", "EHLO", "MAIL", "RCPT", "DATA", "QUIT"]
    assert len(server.messages) == 1


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


def test_unusable_ca_file_is_66_with_the_reason_before_sending(smtpsend, raw_server, certs, tmp_path):
    """A DER file where PEM is wanted: the one line says why (as msmtp's "cannot set X509 trust
    file"), not "TLS is required but not available" at the first server."""
    server = raw_server(["plain"])
    der = tmp_path / "ca.der"
    subprocess.run([require_tool("openssl", "openssl"), "x509", "-in", str(certs.ca), "-outform", "der",
                    "-out", str(der)], check=True, capture_output=True, timeout=30)
    result = smtpsend.run("--tls", "verify", "--ca-file", str(der), RCPT, stdin=MESSAGE)
    assert result.returncode == 66, result
    assert result.stderr_lines() == [
        f"smtpsend: cannot load --ca-file {der}: it holds no PEM certificate (-----BEGIN CERTIFICATE-----)"], result
    assert server.connections() == 0


def test_key_not_matching_the_client_certificate_is_66(smtpsend, raw_server, certs):
    server = raw_server(["plain"])
    result = smtpsend.run("--tls-cert", str(certs.client), "--tls-key", str(certs.server_key), RCPT,
                          stdin=MESSAGE)
    assert result.returncode == 66, result
    assert result.stderr_lines() == [
        f"smtpsend: cannot load --tls-key {certs.server_key}: the key does not belong to the "
        f"certificate in {certs.client}"], result
    assert server.connections() == 0


# ---- TLS 1.2 is the floor (RFC 8996, RFC 8314 §4.1) ----

def check_speaks_tls_1_1(server):
    """Fixture self-test: the capped server really speaks TLS 1.1 to a client that allows it, so
    a failure below is smtpsend's floor, not a server that cannot do TLS at all."""
    version = starttls_version(server.host, server.port, ssl.TLSVersion.TLSv1_1)
    if version != "TLSv1.1":
        raise FixtureError(f"the capped server negotiated {version}, not TLSv1.1")


# Debian's openssl.cnf already forbids TLS below 1.2 for every program; smtpsend runs with one
# that allows TLS 1.0 at security level 0, so the only floor left is the one smtpsend sets.
PERMISSIVE_OPENSSL_CONF = """\
openssl_conf = default_conf
[default_conf]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
MinProtocol = TLSv1
CipherString = DEFAULT@SECLEVEL=0
"""


def test_server_capped_at_tls_1_1_fails_required_with_77(smtpsend, raw_server, tmp_path):
    server = raw_server(["tls1_1"])
    check_speaks_tls_1_1(server)
    conf = tmp_path / "openssl.cnf"
    conf.write_text(PERMISSIVE_OPENSSL_CONF)
    result = smtpsend.run("--tls", "required", RCPT, stdin=MESSAGE, env={"OPENSSL_CONF": str(conf)})
    assert result.returncode == 77, result
    [line] = result.stderr_lines()
    assert line.startswith(f"smtpsend: {RCPT}: failed: TLS handshake with {MX}["), line
    # the server's protocol_version alert: smtpsend offered nothing it could accept
    assert "alert protocol version" in line and "--tls required is in force" in line, line
    assert server.handshakes[0] == (0, "TLSv1.1")  # the self-test
    [(_, refusal)] = server.handshakes[1:]
    assert "UNSUPPORTED_PROTOCOL" in refusal, refusal
    assert server.messages == [] and "MAIL" not in server.commands()


def test_server_capped_at_tls_1_1_gets_the_mail_in_clear_when_opportunistic(smtpsend, tls_server):
    server = tls_server(max_version=ssl.TLSVersion.TLSv1_1)
    check_speaks_tls_1_1(server)
    result = smtpsend.run("-v", RCPT, stdin=MESSAGE)
    assert result.returncode == 0, result
    assert "retrying without TLS (opportunistic)" in result.stderr, result
    [message] = server.wait_for_messages(1)
    assert message["tls"] is False


# ---- SNI (RFC 6066 §3): the name the client connects to, never an address ----

@pytest.mark.parametrize("policy", ["opportunistic", "verify"])
def test_sni_is_the_mx_host_name(smtpsend, tls_server, certs, policy):
    server = tls_server()
    result = smtpsend.run("--tls", policy, "--ca-file", str(certs.ca), RCPT, stdin=MESSAGE)
    assert result.returncode == 0, result
    assert server.wait_for_messages(1)[0]["tls"] is True
    assert server.sni_names == [MX]


def test_sni_is_the_relay_name_and_absent_for_a_relay_address(smtpsend, tls_server, certs, zone, mx_port):
    server = tls_server()
    by_name = smtpsend.run("--relay", f"{MX}:{mx_port}", "--ca-file", str(certs.ca), RCPT, stdin=MESSAGE)
    assert by_name.returncode == 0, by_name
    by_address = smtpsend.run("--relay", f"{zone.ip(MX)}:{mx_port}", "--tls", "required", RCPT,
                              stdin=MESSAGE)
    assert by_address.returncode == 0, by_address
    assert [m["tls"] for m in server.wait_for_messages(2)] == [True, True]
    assert server.sni_names == [MX, None]


# ---- --ca-path: a directory of hashed certificates (openssl rehash, c_rehash) ----

def hashed_directory(path, *certificates):
    path.mkdir()
    for certificate in certificates:
        shutil.copy(certificate, path)
    subprocess.run([require_tool("openssl", "openssl"), "rehash", str(path)], check=True,
                   capture_output=True, timeout=30)
    return path


def test_ca_path_with_a_hashed_directory_verifies(smtpsend, tls_server, certs, tmp_path):
    server = tls_server()
    ca_path = hashed_directory(tmp_path / "anchors", certs.ca)
    links = [p.name for p in ca_path.iterdir() if p.is_symlink()]
    assert len(links) == 1 and links[0].endswith(".0"), links  # fixture self-test
    result = smtpsend.run("-vv", "--tls", "verify", "--ca-path", str(ca_path), RCPT, stdin=MESSAGE)
    assert result.returncode == 0, result
    assert "certificate ok (verified)" in result.stderr, result
    assert server.wait_for_messages(1)[0]["tls"] is True


def test_ca_path_without_the_issuer_fails_verify_with_77(smtpsend, tls_server, certs, tmp_path):
    server = tls_server()
    unrelated = hashed_directory(tmp_path / "anchors", certs.client)  # a leaf, not the CA
    result = smtpsend.run("--tls", "verify", "--ca-path", str(unrelated), RCPT, stdin=MESSAGE)
    assert result.returncode == 77, result
    [line] = result.stderr_lines()
    assert "unable to get local issuer certificate" in line and "--tls verify is in force" in line, line
    assert server.handler.messages == []


# ---- A relay given as an IPv6 literal, end to end ----

def loopback6_port():
    """A free port on ::1; fails (never skips) when this machine has no IPv6 loopback."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
            return probe.getsockname()[1]
    except OSError as error:
        raise FixtureError(f"cannot bind to ::1 ({error}); this test needs IPv6 on loopback") from None


def test_relay_ipv6_literal_is_verified_against_the_ip_san(smtpsend, tls_server, certs):
    port = loopback6_port()
    server = tls_server(host="::1", port=port)
    result = smtpsend.run("-vv", "--relay", f"[::1]:{port}", "--ca-file", str(certs.ca), RCPT,
                          stdin=MESSAGE)
    assert result.returncode == 0, result
    assert "certificate ok (verified)" in result.stderr, result  # verify is the relay default
    assert "[::1]" in result.stderr, result
    [message] = server.wait_for_messages(1)
    assert message["tls"] is True and message["rcpts"] == [RCPT]
    assert server.sni_names == [None]


def test_relay_ipv6_literal_not_in_the_certificate_fails_verify(smtpsend, tls_server, certs):
    port = loopback6_port()
    server = tls_server("wrong_host", host="::1", port=port)
    result = smtpsend.run("--relay", f"smtp://[::1]:{port}", "--ca-file", str(certs.ca), RCPT,
                          stdin=MESSAGE)
    assert result.returncode == 77, result
    [line] = result.stderr_lines()
    assert "IP address mismatch" in line, line
    assert server.handler.messages == []
