"""Proves submission_fixture against the real servers with Python's smtplib and ssl.

Run: /usr/bin/python3 -m pytest -q tests/integration/test_submission_fixture.py
"""
import base64
import hashlib
import hmac
import os
import smtplib
import socket
import ssl
import subprocess
import uuid

import pytest

import submission_fixture
from submission_fixture import (OPENSSL, SERVER_NAME, SubmissionFixtureError, SubmissionServer,  # noqa: F401
                                submission, submission_server)

X509_V_ERR_CERT_HAS_EXPIRED = 10
X509_V_ERR_HOSTNAME_MISMATCH = 62


def tls_context(server, client_cert=False):
    ctx = ssl.create_default_context(cafile=str(server.certs.ca))
    if client_cert:
        ctx.load_cert_chain(str(server.certs.client), str(server.certs.client_key))
    return ctx


def starttls_client(server, service="starttls", **kw):
    client = smtplib.SMTP(server.host, server.ports[service], local_hostname="client.example.test", timeout=15)
    client.ehlo()
    client.starttls(context=tls_context(server, **kw))  # verifies against IP:127.0.0.1 in the SAN
    client.ehlo()
    return client


def message(token, extra=b""):
    return (f"From: <{SubmissionServer.user}>\r\nTo: <bob@example.net>\r\nSubject: {token}\r\n"
            f"Message-ID: <{token}@client.example.test>\r\n\r\n").encode() + \
        b"first line\r\n.a line that starts with a dot\r\n" + extra + b"last line\r\n"


def send_and_capture(server, client, token, **kw):
    client.sendmail(server.user, ["bob@example.net"], message(token, **kw))
    client.quit()
    got = server.wait_for_messages(1)
    assert len(got) == 1
    return got[0]


def assert_delivered(captured, token, mechanism, maillog):
    assert captured.mail_from == SubmissionServer.user
    assert captured.rcpt_tos == ("bob@example.net",)
    assert f"Subject: {token}\r\n".encode() in captured.headers
    assert f"Message-ID: <{token}@client.example.test>\r\n".encode() in captured.headers
    assert b"(Authenticated sender: alice@example.test)" in captured.headers
    assert b"with ESMTPSA" in captured.headers or (mechanism == "PLAIN" and b"with ESMTPA" in captured.headers)
    assert captured.body == b"first line\r\n.a line that starts with a dot\r\nlast line\r\n"
    # local_header_rewrite_clients is empty: Postfix adds no Date:/From: of its own
    assert b"\r\nDate:" not in captured.headers and captured.headers.count(b"\r\nFrom:") == 1
    assert captured.path.read_bytes() == captured.data
    assert f"sasl_method={mechanism}, sasl_username=alice@example.test" in maillog


# --- STARTTLS submission --------------------------------------------------------------------


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN", "CRAM-MD5"])
def test_starttls_auth_delivers(submission, mechanism):
    client = starttls_client(submission)
    assert mechanism in client.esmtp_features["auth"].split()
    client.user, client.password = submission.user, submission.password
    method = getattr(client, "auth_" + mechanism.lower().replace("-", "_"))
    code, _ = client.auth(mechanism, method)
    assert code == 235
    token = f"starttls-{mechanism}-{uuid.uuid4().hex}"
    captured = send_and_capture(submission, client, token)
    assert_delivered(captured, token, mechanism, submission.maillog())
    assert b"using TLSv1.3" in captured.headers or b"using TLSv1.2" in captured.headers


def test_implicit_tls_auth_delivers(submission):
    client = smtplib.SMTP_SSL(submission.host, submission.ports["smtps"], local_hostname="client.example.test",
                              context=tls_context(submission), timeout=15)
    client.ehlo()
    assert "starttls" not in client.esmtp_features
    client.login(submission.user, submission.password)
    token = f"smtps-{uuid.uuid4().hex}"
    captured = send_and_capture(submission, client, token)
    assert_delivered(captured, token, "CRAM-MD5", submission.maillog())  # smtplib prefers CRAM-MD5
    assert "postfix/smtps/smtpd" in submission.maillog()


@pytest.mark.parametrize("service", ["starttls", "smtps"])
def test_wrong_password_is_535(submission, service):
    if service == "smtps":
        client = smtplib.SMTP_SSL(submission.host, submission.ports["smtps"], context=tls_context(submission),
                                  timeout=15)
    else:
        client = starttls_client(submission)
    client.user, client.password = submission.user, "wrong password"
    with pytest.raises(smtplib.SMTPAuthenticationError) as failed:
        client.auth("PLAIN", client.auth_plain)
    assert failed.value.smtp_code == 535
    assert failed.value.smtp_error.startswith(b"5.7.8")
    client.quit()


def test_no_auth_and_no_mail_before_starttls(submission):
    client = smtplib.SMTP(submission.host, submission.ports["starttls"], timeout=15)
    client.ehlo()
    assert "starttls" in client.esmtp_features
    assert "auth" not in client.esmtp_features  # smtpd_tls_auth_only = yes
    code, text = client.docmd("AUTH", "PLAIN " + base64.b64encode(b"\0alice@example.test\0x").decode())
    assert code == 530 and b"STARTTLS" in text, (code, text)
    code, text = client.docmd("MAIL", "FROM:<alice@example.test>")
    assert code == 530 and b"STARTTLS" in text  # smtpd_tls_security_level = encrypt
    client.quit()


def test_relay_without_auth_is_refused(submission):
    client = starttls_client(submission)
    code, _ = client.mail(submission.user)
    assert code == 250
    code, text = client.rcpt("bob@example.net")
    assert code == 554 and b"Relay access denied" in text
    client.quit()


def test_plain_port_offers_auth_without_starttls(submission):
    client = smtplib.SMTP(submission.host, submission.ports["plain"], timeout=15)
    client.ehlo()
    assert "starttls" not in client.esmtp_features
    assert "PLAIN" in client.esmtp_features["auth"].split()
    client.user, client.password = submission.user, submission.password
    assert client.auth("PLAIN", client.auth_plain)[0] == 235
    token = f"plain-{uuid.uuid4().hex}"
    captured = send_and_capture(submission, client, token)
    assert_delivered(captured, token, "PLAIN", submission.maillog())


def test_smtputf8_passes_through_to_the_sink(submission):
    client = starttls_client(submission)
    client.login(submission.user, submission.password)
    assert client.has_extn("smtputf8")
    msg = "From: <alice@example.test>\r\nTo: <jöran@example.net>\r\nSubject: grüße\r\n\r\nbody\r\n".encode()
    client.sendmail(submission.user, ["jöran@example.net"], msg, mail_options=["SMTPUTF8", "BODY=8BITMIME"])
    client.quit()
    captured = submission.wait_for_messages(1)[0]
    assert captured.rcpt_tos == ("jöran@example.net",)
    assert "SMTPUTF8" in captured.mail_options
    assert "Subject: grüße\r\n".encode() in captured.headers


def test_client_certificate_is_seen_by_the_server(submission):
    client = starttls_client(submission, client_cert=True)
    client.login(submission.user, submission.password)
    captured = send_and_capture(submission, client, f"ccert-{uuid.uuid4().hex}")
    assert b'Client CN "client.example.test"' in captured.headers
    assert b"verified OK" in captured.headers


# --- SCRAM (smtplib has none: a minimal RFC 5802 / RFC 7677 client) ---------------------------


def scram_auth(client, mechanism, user, password):
    """Runs AUTH SCRAM-SHA-1 / SCRAM-SHA-256 on an smtplib connection; returns the final reply
    and checks the server signature (so the server really knew the password)."""
    digest = {"SCRAM-SHA-1": hashlib.sha1, "SCRAM-SHA-256": hashlib.sha256}[mechanism]
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    nonce = b64(os.urandom(18))
    name = user.replace("=", "=3D").replace(",", "=2C")
    first_bare = f"n={name},r={nonce}"
    code, text = client.docmd("AUTH", f"{mechanism} {b64(('n,,' + first_bare).encode())}")
    assert code == 334, (code, text)
    server_first = base64.b64decode(text).decode()
    attrs = dict(part.split("=", 1) for part in server_first.split(","))
    assert attrs["r"].startswith(nonce) and len(attrs["r"]) > len(nonce)
    salted = hashlib.pbkdf2_hmac(digest().name, password.encode(), base64.b64decode(attrs["s"]), int(attrs["i"]))
    client_key = hmac.new(salted, b"Client Key", digest).digest()
    stored_key = digest(client_key).digest()
    final_without_proof = f"c={b64(b'n,,')},r={attrs['r']}"
    auth_message = f"{first_bare},{server_first},{final_without_proof}".encode()
    signature = hmac.new(stored_key, auth_message, digest).digest()
    proof = bytes(a ^ b for a, b in zip(client_key, signature))
    code, text = client.docmd(b64(f"{final_without_proof},p={b64(proof)}".encode()))
    if code != 334:
        return code, text
    server_final = base64.b64decode(text).decode()
    server_key = hmac.new(salted, b"Server Key", digest).digest()
    assert server_final == "v=" + b64(hmac.new(server_key, auth_message, digest).digest())
    return client.docmd("")


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-256", "SCRAM-SHA-1"])
def test_scram_offered_and_works(submission, mechanism):
    client = starttls_client(submission)
    assert mechanism in client.esmtp_features["auth"].split()
    code, text = scram_auth(client, mechanism, submission.user, submission.password)
    assert code == 235, (code, text)
    token = f"scram-{mechanism}-{uuid.uuid4().hex}"
    captured = send_and_capture(submission, client, token)
    assert_delivered(captured, token, mechanism, submission.maillog())


def test_scram_wrong_password_is_535(submission):
    client = starttls_client(submission)
    code, text = scram_auth(client, "SCRAM-SHA-256", submission.user, "wrong password")
    assert code == 535, (code, text)
    client.quit()


# --- certificates -----------------------------------------------------------------------------


def openssl_verify(server, cert, *args):
    return subprocess.run([OPENSSL, "verify", "-CAfile", str(server.certs.ca), *args, str(cert)],
                          capture_output=True, text=True, timeout=30)


def handshake(server, service, name):
    """A verifying TLS handshake for `name` on `service` (STARTTLS first unless implicit TLS);
    returns the peer certificate."""
    with socket.create_connection((server.host, server.ports[service]), timeout=10) as raw:
        if service not in submission_fixture.IMPLICIT_TLS:
            f = raw.makefile("rb")
            assert f.readline().startswith(b"220 ")
            raw.sendall(b"EHLO client.example.test\r\n")
            while not f.readline().startswith(b"250 "):
                pass
            raw.sendall(b"STARTTLS\r\n")
            assert f.readline().startswith(b"220 ")
        with tls_context(server).wrap_socket(raw, server_hostname=name) as tls:
            return tls.getpeercert()


@pytest.mark.parametrize("service", ["starttls", "smtps"])
def test_server_certificate_verifies(submission, service):
    for name in (SERVER_NAME, "localhost", "127.0.0.1"):
        cert = handshake(submission, service, name)
        assert ("DNS", SERVER_NAME) in cert["subjectAltName"]
    done = openssl_verify(submission, submission.certs.server, "-verify_hostname", SERVER_NAME)
    assert done.returncode == 0 and "OK" in done.stdout, done.stdout + done.stderr


@pytest.mark.parametrize("service", ["wrong_host", "smtps_wrong_host"])
def test_wrong_host_certificate_fails_verification(submission, service):
    with pytest.raises(ssl.SSLCertVerificationError) as failed:
        handshake(submission, service, SERVER_NAME)
    assert failed.value.verify_code == X509_V_ERR_HOSTNAME_MISMATCH, failed.value
    # The chain itself is fine: only the name is wrong.
    assert openssl_verify(submission, submission.certs.wrong_host).returncode == 0
    done = openssl_verify(submission, submission.certs.wrong_host, "-verify_hostname", SERVER_NAME)
    assert done.returncode != 0 and "hostname mismatch" in done.stdout + done.stderr


@pytest.mark.parametrize("service", ["expired", "smtps_expired"])
def test_expired_certificate_fails_verification(submission, service):
    with pytest.raises(ssl.SSLCertVerificationError) as failed:
        handshake(submission, service, SERVER_NAME)
    assert failed.value.verify_code == X509_V_ERR_CERT_HAS_EXPIRED, failed.value
    done = openssl_verify(submission, submission.certs.expired, "-verify_hostname", SERVER_NAME)
    assert done.returncode != 0 and "certificate has expired" in done.stdout + done.stderr
    dates = subprocess.run([OPENSSL, "x509", "-noout", "-startdate", "-enddate", "-in",
                            str(submission.certs.expired)], capture_output=True, text=True, timeout=30).stdout
    assert "notBefore=Jan  1 00:00:00 2020 GMT" in dates and "notAfter=Feb  1 00:00:00 2020 GMT" in dates


# --- the fixture's own duties -------------------------------------------------------------------


def test_everything_listens_on_loopback_only(submission):
    sockets = submission.listening_sockets()
    ports = {port for _, port in sockets}
    assert set(submission.ports.values()) | {submission.sink_port} <= ports
    assert all(addr.startswith("127.") for addr, _ in sockets), sockets


def test_stop_ends_every_process_and_removes_the_directory():
    server = SubmissionServer().start()
    try:
        pids = server.pids()
        root = server.root
        assert len(pids) >= 4  # postfix master + qmgr/..., dovecot + its services
    finally:
        server.stop()
    for pid in pids:
        assert not os.path.exists(f"/proc/{pid}") or b"zombie" in open(f"/proc/{pid}/status", "rb").read()
    assert not root.exists()


def test_a_failed_start_cleans_up(monkeypatch):
    seen = {}

    def broken_wait_ready(self):
        seen["pids"], seen["root"] = self.pids(), self.root
        raise SubmissionFixtureError("simulated start-up failure")

    monkeypatch.setattr(SubmissionServer, "_wait_ready", broken_wait_ready)
    with pytest.raises(SubmissionFixtureError, match="simulated"):
        SubmissionServer().start()
    assert seen["pids"]
    for pid in seen["pids"]:
        assert not os.path.exists(f"/proc/{pid}")
    assert not seen["root"].exists()


def test_missing_package_fails_loudly(monkeypatch):
    monkeypatch.setattr(submission_fixture, "DOVECOT", "/nonexistent/dovecot")
    with pytest.raises(SubmissionFixtureError, match="dovecot-core.*install-deps.sh"):
        SubmissionServer().start()


def test_a_port_taken_before_postfix_binds_it_is_retried(monkeypatch):
    """free_ports() cannot reserve a port; if another process takes one first, start() retries."""
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    real = submission_fixture.free_ports
    calls = []

    def first_one_taken(n):
        ports = real(n)
        if not calls:
            ports[0] = taken.getsockname()[1]
        calls.append(ports)
        return ports

    monkeypatch.setattr(submission_fixture, "free_ports", first_one_taken)
    server = SubmissionServer()
    try:
        server.start()
        assert len(calls) == 2 and server.ports["starttls"] != taken.getsockname()[1]
    finally:
        server.stop()
        taken.close()
