"""STARTTLS from the real binary against a real MTA: Postfix smtpd of submission_fixture (its
"starttls", "expired" and "plain" services on 127.0.0.1, certificates made by openssl at test
time). The recipient is an address literal, so the MX "host" is 127.0.0.1 and verification
checks the certificate's IP SAN. Postfix then refuses the recipient (550 to RCPT, exit 67: the
fixture does no local delivery); what matters here is that TLS was negotiated, verified or
refused first.
"""
from harness import Smtpsend
from submission_fixture import submission, submission_server  # noqa: F401  (pytest fixtures)

RCPT = "user@[127.0.0.1]"
MESSAGE = b"Subject: postfix tls\n\nhi\n"


def client(dns, submission, service):
    return Smtpsend(dns.port, submission.ports[service])


def test_verify_against_postfix_negotiates_and_verifies(dns, submission):
    result = client(dns, submission, "starttls").run("-vv", "--tls", "verify", "--ca-file",
                                                     str(submission.certs.ca), RCPT, stdin=MESSAGE)
    assert "TLS established: TLSv1." in result.stderr, result
    assert "certificate ok (verified)" in result.stderr, result
    assert result.stderr.count("EHLO client.test") == 2, result
    # Postfix then refuses the recipient (no local delivery in the fixture): 550 to RCPT, 67
    assert result.returncode == 67, result
    assert "Recipient address rejected" in result.stderr, result


def test_verify_against_postfix_with_expired_certificate_is_77(dns, submission):
    result = client(dns, submission, "expired").run("--tls", "verify", "--ca-file",
                                                    str(submission.certs.ca), RCPT, stdin=MESSAGE)
    assert result.returncode == 77, result
    [line] = result.stderr_lines()
    assert "certificate has expired" in line, line


def test_required_against_postfix_without_starttls_is_77(dns, submission):
    result = client(dns, submission, "plain").run("-v", "--tls", "required", RCPT, stdin=MESSAGE)
    assert result.returncode == 77, result
    [line] = [l for l in result.stderr_lines() if l.startswith(f"smtpsend: {RCPT}: ")]
    assert "does not offer STARTTLS" in line, line
    assert "MAIL FROM" not in result.stderr, result
