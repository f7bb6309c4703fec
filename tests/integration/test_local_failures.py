"""Local failures are reported as local, never as the remote's (issue 9).

A DNS port where nothing listens is not a SERVFAIL: no server ever answered.
"""
import socket
import subprocess

MESSAGE = b"Subject: local\n\nhi\n"


def closed_udp_port():
    """A loopback UDP port nothing listens on (just released by the kernel)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_dns_port_where_nothing_listens_is_not_servfail(smtpsend):
    port = closed_udp_port()
    argv = [smtpsend.binary, "--dns-server", f"127.0.0.1:{port}", "--mx-port", str(smtpsend.mx_port),
            "--helo", "client.test", "--connect-timeout", "5", "--dns-timeout", "10",
            "-f", "sender@client.test", "user@example.test"]
    done = subprocess.run(argv, input=MESSAGE, capture_output=True, timeout=60)
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 75, stderr
    assert stderr == (f"smtpsend: user@example.test: deferred: DNS lookup of example.test failed: "
                      f"DNS server 127.0.0.1:{port} refused the query\n"), stderr
