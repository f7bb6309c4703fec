"""Fixtures for the integration tests: real servers on loopback, stopped by PID.

dns       dnsmasq serving zone.build_zone() (checked by a self-test before use)
zone      the zone: domain names, MX hosts and their 127.N.M.x addresses
mx_port   one free port shared by every MX host of a test (smtpsend --mx-port)
sink      factory: sink("mx1.example.test") starts Postfix smtp-sink on that host's address
scripted  factory: scripted({"mx1.failover.test": SCRIPT or [SCRIPT, ...]}) starts the scripted server
smtpsend  runs the real binary against the above (harness.Smtpsend)
haraka    a real Haraka on 127.0.0.1 accepting mail for haraka.test (haraka_fixture.py)
"""
import pytest

from fixtures_lib import Dnsmasq, ScriptedServer, SmtpSink
from haraka_fixture import Haraka
from harness import Smtpsend, check_zone_answers
from processes import free_port
from zone import build_zone


@pytest.fixture(scope="session")
def zone():
    return build_zone()


@pytest.fixture(scope="session")
def dns(zone):
    server = Dnsmasq(zone)
    try:
        server.start()
        check_zone_answers(server, zone)
        yield server
    finally:
        server.stop()


@pytest.fixture
def mx_port(zone):
    return free_port(tuple(zone.hosts.values()) + tuple(d.address for d in zone.domains.values() if d.address))


@pytest.fixture
def sink(zone, mx_port):
    started = []

    def start(host, *options):
        """options: smtp-sink's own, e.g. "-8" (no 8BITMIME)."""
        server = SmtpSink(zone.ip(host), mx_port, options)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def scripted(zone, mx_port):
    started = []

    def start(scripts_by_host):
        listeners = [{"host": zone.ip(host), "port": mx_port, "scripts": s if isinstance(s, list) else [s]}
                     for host, s in scripts_by_host.items()]
        server = ScriptedServer(listeners)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def smtpsend(dns, mx_port):
    return Smtpsend(dns.port, mx_port)


@pytest.fixture
def haraka(tmp_path):
    server = Haraka(tmp_path / "haraka")
    try:
        yield server.start()
    finally:
        server.stop()
