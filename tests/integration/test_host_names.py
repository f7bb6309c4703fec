"""Host names as the system's resolver sees them, and the names smtpsend gives itself.

Routing (SPEC.md): the relay and MX host names are looked up in /etc/hosts first, then DNS;
localhost and *.localhost are loopback without any lookup (RFC 6761 §6.3). Debian's c-ares 1.18
reads the file named by CARES_HOSTS instead of /etc/hosts, so a test can own the hosts file; the
dnsmasq fixture answers NXDOMAIN for every name outside its zone (--local=/test/), so a delivery
to such a name proves the hosts file was used.

EHLO (RFC 5321 §4.1.4): a host without a dotted name greets with the address literal of the
connection's local end; an address given to --helo is sent as a literal.
"""
import os
import re
import subprocess

from fixtures_lib import ScriptedServer, wire_to_message
from harness import SENDER, smtpsend_binary
from processes import free_port

MESSAGE = b"From: alice@client.test\r\nTo: bob@example.test\r\nSubject: names\r\n\r\nbody\r\n"


def loopback_server():
    port = free_port()
    return ScriptedServer([{"host": "127.0.0.1", "port": port, "scripts": [{}]}]).start(), port


def run(*args, env=None, prefix=()):
    """The binary without the harness's --helo, in an empty configuration."""
    done = subprocess.run([*prefix, smtpsend_binary(), "-f", SENDER, "--tls", "none", "--timeout", "10",
                           "--connect-timeout", "5", "--dns-timeout", "10", *args],
                          input=MESSAGE, capture_output=True, timeout=60,
                          env={**os.environ, "XDG_CONFIG_HOME": "/nonexistent", **(env or {})})
    return done.returncode, done.stderr.decode("utf-8", "replace")


def ehlo_lines(server):
    return [e["line"].rstrip("\r\n") for e in server.events(kind="command")
            if e["line"].upper().startswith(("EHLO", "HELO"))]


def test_relay_name_from_the_hosts_file(smtpsend, zone, mx_port, sink, tmp_path):
    server = sink("mx1.example.test")
    hosts = tmp_path / "hosts"
    hosts.write_text(f"# the test's own hosts file\n{zone.ip('mx1.example.test')}  myrelay.test relay\n")
    result = smtpsend.run("--relay", f"myrelay.test:{mx_port}", "--tls", "none", "bob@example.test",
                          stdin=MESSAGE, env={"CARES_HOSTS": str(hosts)})
    assert result.returncode == 0, result
    assert len(server.messages(expected=1)) == 1


def test_mx_host_name_from_the_hosts_file_wins_over_dns(smtpsend, zone, sink, tmp_path):
    """example.test's MX host mx1.example.test is put on mx.other.test's address by the hosts
    file: the message arrives there, so neither its A record nor the MX answer's additional
    section was used. MX records themselves still come from DNS."""
    server = sink("mx.other.test")
    hosts = tmp_path / "hosts"
    hosts.write_text(f"{zone.ip('mx.other.test')} mx1.example.test\n")
    result = smtpsend.run("bob@example.test", stdin=MESSAGE, env={"CARES_HOSTS": str(hosts)})
    assert result.returncode == 0, result
    [(envelope, _)] = server.messages(expected=1)
    assert envelope["rcpt"] == ["<bob@example.test>"]


def test_without_the_hosts_entry_the_name_is_unknown(smtpsend, mx_port, tmp_path):
    """The control: dnsmasq does not know myrelay.test, so the hosts file made the difference."""
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.1 somethingelse.test\n")
    result = smtpsend.run("--relay", f"myrelay.test:{mx_port}", "--tls", "none", "bob@example.test",
                          stdin=MESSAGE, env={"CARES_HOSTS": str(hosts)})
    assert result.returncode == 68, result


def test_relay_localhost_reaches_a_local_server(smtpsend):
    """The real /etc/hosts and no CARES_HOSTS: the cron case, relay = "localhost:25"."""
    server, port = loopback_server()
    try:
        result = smtpsend.run("--relay", f"localhost:{port}", "--tls", "none", "bob@example.test", stdin=MESSAGE,
                              env={"CARES_HOSTS": ""})
        assert result.returncode == 0, result
        assert len(server.messages()) == 1
    finally:
        server.stop()


def test_localhost_names_need_no_hosts_entry(smtpsend, tmp_path):
    """RFC 6761 §6.3: *.localhost is loopback even when no hosts file or DNS server knows it."""
    hosts = tmp_path / "hosts"
    hosts.write_text("192.0.2.1 unrelated.test\n")
    server, port = loopback_server()
    try:
        for name in ("localhost", "mail.localhost", "LOCALHOST."):
            result = smtpsend.run("-4", "--relay", f"{name}:{port}", "--tls", "none", "bob@example.test",
                                  stdin=MESSAGE,
                                  env={"CARES_HOSTS": str(hosts)})
            assert result.returncode == 0, (name, result)
        assert len(server.messages()) == 3
    finally:
        server.stop()


def test_helo_address_is_sent_as_an_address_literal():
    server, port = loopback_server()
    try:
        code, stderr = run("--helo", "127.0.0.1", "--relay", f"127.0.0.1:{port}", "bob@example.test")
        assert code == 0, stderr
        assert ehlo_lines(server) == ["EHLO [127.0.0.1]"]
    finally:
        server.stop()


def test_host_without_a_dotted_name_greets_with_its_address_literal():
    """hostname = an undotted name nothing resolves (a UTS namespace of its own)."""
    server, port = loopback_server()
    try:
        code, stderr = run("--relay", f"127.0.0.1:{port}", "bob@example.test",
                           prefix=("unshare", "--uts", "sh", "-c", 'hostname smtpsendnofqdn && exec "$@"', "sh"))
        assert code == 0, stderr
        [ehlo] = ehlo_lines(server)
        assert re.fullmatch(r"EHLO \[127\.\d+\.\d+\.\d+\]", ehlo), ehlo
    finally:
        server.stop()


def message_id_of(server):
    [message] = server.messages()
    content = wire_to_message(message["data"])
    [line] = [line for line in content.split(b"\r\n") if line.lower().startswith(b"message-id:")]
    return line.decode()


def test_message_id_domain_follows_helo_and_qualify_domain():
    server, port = loopback_server()
    undotted = ("unshare", "--uts", "sh", "-c", 'hostname smtpsendnofqdn && exec "$@"', "sh")
    try:
        code, stderr = run("--helo", "mail.client.test", "--relay", f"127.0.0.1:{port}", "bob@example.test",
                           prefix=undotted)
        assert code == 0, stderr
        assert message_id_of(server).endswith("@mail.client.test>")
        assert ehlo_lines(server) == ["EHLO mail.client.test"]
    finally:
        server.stop()
    server, port = loopback_server()
    try:
        code, stderr = run("--qualify-domain", "client.example", "--relay", f"127.0.0.1:{port}",
                           "bob@example.test", prefix=undotted)
        assert code == 0, stderr
        assert message_id_of(server).endswith("@client.example>")
    finally:
        server.stop()
