"""Local failures are reported as local, never as the remote's (issue 9).

A DNS port where nothing listens is not a SERVFAIL: no server ever answered. A low open-files
limit (ulimit -n) must slow a bulk run down, not defer its mail as SERVFAIL or "Too many open
files".
"""
import os
import resource
import socket
import subprocess

from zone import BULK_DOMAINS, BULK_HOST

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


OPEN_FILES = 32


def limit_open_files():
    resource.setrlimit(resource.RLIMIT_NOFILE, (OPEN_FILES, OPEN_FILES))


def test_a_low_open_files_limit_slows_a_bulk_run_but_delivers_everything(smtpsend, scripted, zone):
    # One slow listener for every bulk domain: each destination holds its connection a while, so
    # at --max-parallel 64 far more sockets would be open at once than the limit allows.
    server = scripted({BULK_HOST: {"greeting_delay": 0.3}})
    recipients = [f"{user}@{domain}" for domain in BULK_DOMAINS for user in ("a", "b")]
    argv = [smtpsend.binary, *smtpsend.base_args(10), "-f", "sender@client.test", "--json",
            "--max-parallel", "64", *recipients]
    done = subprocess.run(argv, input=MESSAGE, capture_output=True, timeout=120, preexec_fn=limit_open_files)
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 0, stderr
    assert stderr == ""
    import json
    document = json.loads(done.stdout)
    statuses = [r["status"] for m in document["messages"] for r in m["recipients"]]
    assert statuses == ["delivered"] * len(recipients)
    delivered = sorted(rcpt for m in server.messages() for rcpt in m["rcpts"])
    assert delivered == sorted(f"TO:<{r}>" for r in recipients)
    assert len(server.connections()) == len(BULK_DOMAINS)


def test_the_lowered_parallelism_is_said_under_v(smtpsend, scripted, zone):
    scripted({BULK_HOST: {}})
    recipients = [f"a@{domain}" for domain in BULK_DOMAINS]
    argv = [smtpsend.binary, *smtpsend.base_args(10), "-f", "sender@client.test", "-v",
            "--max-parallel", "64", *recipients]
    done = subprocess.run(argv, input=MESSAGE, capture_output=True, timeout=120, preexec_fn=limit_open_files)
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 0, stderr
    assert f"--max-parallel 64 lowered to " in stderr and \
        f": the open-files limit (ulimit -n) is {OPEN_FILES} and " in stderr, stderr
