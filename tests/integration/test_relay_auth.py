"""Relay submission with TLS and AUTH from the real binary against real servers on loopback:
Postfix smtpd with Dovecot SASL (submission_fixture: STARTTLS, implicit TLS, plain, wrong-host
and expired certificates, all made by openssl at test time) for PLAIN, LOGIN, CRAM-MD5,
SCRAM-SHA-1 and SCRAM-SHA-256; the project's scripted server for XOAUTH2 and OAUTHBEARER, which
Dovecot 2.3 can check only against a live token service.
"""
import base64
import os
import subprocess
import time

import pytest

from harness import Smtpsend, smtpsend_binary
from submission_fixture import submission, submission_server  # noqa: F401  (pytest fixtures)

RCPT = "bob@example.net"
MESSAGE = b"Subject: relayed\r\nFrom: alice@example.test\r\n\r\nthrough the relay\r\n"
SENDER = "alice@example.test"


def password_file(tmp_path, password, mode=0o600):
    path = tmp_path / "password"
    path.write_text(password + "\n")
    path.chmod(mode)
    return str(path)


def relay_args(submission, service, scheme="smtp", host="127.0.0.1"):
    return ["--relay", f"{scheme}://{host}:{submission.ports[service]}", "--ca-file",
            str(submission.certs.ca)]


def run(dns, *args, stdin=MESSAGE, env=None):
    return Smtpsend(dns.port, 25).run(*args, stdin=stdin, sender=SENDER, env=env)


def delivered_once(submission):
    [message] = submission.wait_for_messages(1)
    assert message.rcpt_tos == (RCPT,), message
    assert b"through the relay" in message.body
    return message


@pytest.mark.parametrize("mechanism", ["plain", "login", "cram-md5", "scram-sha-1", "scram-sha-256"])
def test_each_mechanism_over_starttls(dns, submission, tmp_path, mechanism):
    result = run(dns, *relay_args(submission, "starttls"), "-u", submission.user, "--password-file",
                 password_file(tmp_path, submission.password), "--auth", mechanism, RCPT)
    assert result.returncode == 0, result
    assert result.stderr == "", result
    delivered_once(submission)
    assert f"sasl_method={mechanism.upper()}" in submission.maillog()


def test_auto_picks_scram_sha_256(dns, submission):
    result = run(dns, *relay_args(submission, "starttls"), "-u", submission.user, RCPT,
                 env={"SMTPSEND_PASSWORD": submission.password})
    assert result.returncode == 0, result
    delivered_once(submission)
    assert "sasl_method=SCRAM-SHA-256" in submission.maillog()


@pytest.mark.parametrize("spelling", ["url", "flag"])
def test_implicit_tls(dns, submission, tmp_path, spelling):
    port = submission.ports["smtps"]
    relay = [f"smtps://127.0.0.1:{port}"] if spelling == "url" else [f"127.0.0.1:{port}", "--smtps"]
    result = run(dns, "-vv", "--relay", *relay, "--ca-file", str(submission.certs.ca), "-u",
                 submission.user, "--password-file", password_file(tmp_path, submission.password), RCPT)
    assert result.returncode == 0, result
    assert "TLS established: TLSv1." in result.stderr and "(verified)" in result.stderr, result
    assert "STARTTLS" not in result.stderr.replace("250-STARTTLS", ""), result
    delivered_once(submission)


def test_relay_by_name_is_verified_against_that_name(dns, submission, tmp_path):
    result = run(dns, "-vv", *relay_args(submission, "starttls", host="mail.example.test"), "-u",
                 submission.user, "--password-file", password_file(tmp_path, submission.password), RCPT)
    assert result.returncode == 0, result
    assert "peer /CN=mail.example.test" in result.stderr and "(verified)" in result.stderr, result
    delivered_once(submission)


def test_wrong_password_is_77_with_the_servers_reply_and_no_mail_from(dns, submission, tmp_path):
    result = run(dns, "-v", *relay_args(submission, "starttls"), "-u", submission.user,
                 "--password-file", password_file(tmp_path, "wrong password"), RCPT)
    assert result.returncode == 77, result
    [line] = [l for l in result.stderr_lines() if l.startswith(f"smtpsend: {RCPT}: ")]
    assert line.startswith(f"smtpsend: {RCPT}: failed: 535 5.7.8 "), line
    assert "-> MAIL FROM" not in result.stderr, result
    assert submission.messages() == []


def test_auth_without_tls_is_refused_unless_allowed(dns, submission, tmp_path):
    secret = password_file(tmp_path, submission.password)
    refused = run(dns, "-v", *relay_args(submission, "plain"), "--tls", "none", "-u", submission.user,
                  "--password-file", secret, RCPT)
    assert refused.returncode == 77, refused
    [line] = refused.stderr_lines()[-1:]
    assert "refusing to send credentials" in line and "--allow-plaintext-auth" in line, line
    # this service offers no STARTTLS, so --tls required would not help and is not suggested
    assert "does not offer STARTTLS" in line and "--tls required" not in line, line
    assert "-> AUTH" not in refused.stderr and "-> MAIL FROM" not in refused.stderr, refused

    allowed = run(dns, *relay_args(submission, "plain"), "--tls", "none", "--allow-plaintext-auth",
                  "-u", submission.user, "--password-file", secret, RCPT)
    assert allowed.returncode == 0, allowed
    delivered_once(submission)


def test_relay_default_is_verify(dns, submission, tmp_path):
    """A relay without STARTTLS fails before AUTH and MAIL under the default policy."""
    result = run(dns, "-v", *relay_args(submission, "plain"), "-u", submission.user, "--password-file",
                 password_file(tmp_path, submission.password), RCPT)
    assert result.returncode == 77, result
    assert "does not offer STARTTLS and --tls verify is in force" in result.stderr, result
    assert "-> AUTH" not in result.stderr, result


@pytest.mark.parametrize("service,reason", [("wrong_host", "hostname mismatch"),
                                            ("smtps_expired", "certificate has expired")])
def test_bad_certificate_is_77(dns, submission, tmp_path, service, reason):
    scheme = "smtps" if service.startswith("smtps") else "smtp"
    result = run(dns, *relay_args(submission, service, scheme=scheme, host="mail.example.test"), "-u",
                 submission.user, "--password-file", password_file(tmp_path, submission.password), RCPT)
    assert result.returncode == 77, result
    [line] = result.stderr_lines()
    assert reason in line, line


def test_config_account_with_relay_user_and_password_file(dns, submission, tmp_path):
    secret = password_file(tmp_path, submission.password)
    config = tmp_path / "config.toml"
    config.write_text(f'[defaults]\nhelo = "client.test"\n\n[account.work]\n'
                      f'relay = "smtps://127.0.0.1:{submission.ports["smtps"]}"\n'
                      f'user = "{submission.user}"\npassword-file = "{secret}"\n'
                      f'ca-file = "{submission.certs.ca}"\nauth = "cram-md5"\n')
    result = run(dns, "-C", str(config), "-A", "work", RCPT)
    assert result.returncode == 0, result
    delivered_once(submission)
    assert "sasl_method=CRAM-MD5" in submission.maillog()


def test_config_password_readable_by_others_is_78(dns, submission, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(f'[defaults]\nrelay = "127.0.0.1:{submission.ports["starttls"]}"\n'
                      f'user = "{submission.user}"\npassword = "{submission.password}"\n')
    config.chmod(0o644)
    result = run(dns, "-C", str(config), RCPT)
    assert result.returncode == 78, result
    assert "readable by group or others" in result.stderr and submission.password not in result.stderr


def test_failing_password_command_is_a_clear_error(dns, submission):
    result = run(dns, *relay_args(submission, "starttls"), "-u", submission.user, "--password-cmd",
                 "false", RCPT)
    assert result.returncode == 66, result
    assert result.stderr_lines() == ["smtpsend: password command 'false' exited with status 1"], result


def test_password_never_in_verbose_output_json_or_cmdline(dns, submission, tmp_path):
    """SPEC.md: AUTH secrets never appear in output, logs or process arguments. PLAIN and LOGIN
    put the password on the wire in base64, so those forms are searched for too."""
    password = submission.password
    user = submission.user
    forms = [password, base64.b64encode(password.encode()).decode(),
             base64.b64encode(f"\0{user}\0{password}".encode()).decode()]
    # The password command waits a little, so the running smtpsend can be looked at.
    slow = tmp_path / "slow-password"
    slow.write_text(f"#!/bin/sh\nsleep 1\ncat {password_file(tmp_path, password)}\n")
    slow.chmod(0o700)
    for mechanism in ("plain", "login"):
        submission.clear_messages()
        argv = [smtpsend_binary(), "-vv", "--json", "-f", SENDER, "--helo", "client.test",
                *relay_args(submission, "starttls"), "-u", user, "--password-cmd", str(slow),
                "--auth", mechanism, RCPT]
        process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        time.sleep(0.3)
        with open(f"/proc/{process.pid}/cmdline", "rb") as f:
            cmdline = f.read().decode("utf-8", "replace")
        out, err = process.communicate(MESSAGE, timeout=60)
        assert process.returncode == 0, err
        assert cmdline.startswith(smtpsend_binary()), cmdline
        text = out.decode() + err.decode() + cmdline
        for form in forms:
            assert form not in text, (mechanism, form)
        assert "<redacted>" in err.decode(), err
        assert f"AUTH {mechanism.upper()}" in err.decode(), err
        delivered_once(submission)


def test_xoauth2_and_oauthbearer_token_from_command(zone, scripted, mx_port, tmp_path):
    """Against the scripted server (in clear, so --tls none --allow-plaintext-auth): the token
    command's first line goes out in the RFC 7628 / Google XOAUTH2 initial response."""
    host = "mx1.example.test"
    token = tmp_path / "token"
    token.write_text("#!/bin/sh\necho ya29.token-value\n")
    token.chmod(0o700)
    for mechanism, prefix in (("xoauth2", "user=me\x01auth=Bearer ya29.token-value\x01\x01"),
                              ("oauthbearer", "n,a=me,\x01host=")):
        server = scripted({host: {"capabilities": ["AUTH XOAUTH2 OAUTHBEARER", "PIPELINING"],
                                  "replies": {"AUTH": "235 2.7.0 Accepted"}}})
        address = zone.ip(host)
        result = subprocess.run([smtpsend_binary(), "-f", SENDER, "--helo", "client.test",
                                 "--relay", f"{address}:{mx_port}", "--tls", "none",
                                 "--allow-plaintext-auth", "-u", "me", "--oauth-token-cmd", str(token),
                                 "--auth", mechanism, RCPT],
                                input=MESSAGE, capture_output=True, timeout=60)
        assert result.returncode == 0, result
        [auth] = [e["line"] for e in server.events(kind="command") if e["line"].startswith("AUTH")]
        verb, name, initial = auth.split()
        assert name == mechanism.upper()
        decoded = base64.b64decode(initial).decode()
        assert decoded.startswith(prefix), decoded
        if mechanism == "oauthbearer":
            assert f"\x01port={mx_port}\x01auth=Bearer ya29.token-value\x01\x01" in decoded, decoded
        assert [m["rcpts"] for m in server.messages()] == [[f"TO:<{RCPT}>"]]
        server.stop()


def test_client_certificate_is_presented_and_verified_by_postfix(dns, submission, tmp_path):
    result = run(dns, *relay_args(submission, "starttls"), "--tls-cert", str(submission.certs.client),
                 "--tls-key", str(submission.certs.client_key), "-u", submission.user,
                 "--password-file", password_file(tmp_path, submission.password), RCPT)
    assert result.returncode == 0, result
    message = delivered_once(submission)
    received = message.headers.decode("utf-8", "replace")
    assert 'Client CN "client.example.test"' in received and "verified OK" in received, received


def test_secret_commands_do_not_inherit_smtpsend_password(zone, scripted, mx_port, tmp_path):
    """$SMTPSEND_PASSWORD stays out of the environment of --password-cmd and --oauth-token-cmd
    (and of whatever they run): the command fails, and says so, if it sees the variable."""
    host = "mx1.example.test"
    command = tmp_path / "secret-command"
    command.write_text('#!/bin/sh\nif [ -n "${SMTPSEND_PASSWORD+set}" ]; then\n'
                       '  echo "inherited SMTPSEND_PASSWORD" >&2; exit 9\nfi\necho the-secret\n')
    command.chmod(0o700)
    for option, mechanism in (("--password-cmd", "plain"), ("--oauth-token-cmd", "xoauth2")):
        server = scripted({host: {"capabilities": ["AUTH PLAIN XOAUTH2", "PIPELINING"],
                                  "replies": {"AUTH": "235 2.7.0 Accepted"}}})
        result = subprocess.run([smtpsend_binary(), "-f", SENDER, "--helo", "client.test",
                                 "--relay", f"{zone.ip(host)}:{mx_port}", "--tls", "none",
                                 "--allow-plaintext-auth", "-u", "me", option, str(command),
                                 "--auth", mechanism, RCPT],
                                input=MESSAGE, capture_output=True, timeout=60,
                                env={**os.environ, "SMTPSEND_PASSWORD": "hunter2"})
        assert result.returncode == 0, result
        assert b"inherited" not in result.stderr, result
        [auth] = [e["line"] for e in server.events(kind="command") if e["line"].startswith("AUTH")]
        assert b"the-secret" in base64.b64decode(auth.split()[2]), auth
        server.stop()
