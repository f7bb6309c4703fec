"""Running the real smtpsend binary against the fixtures, and checking the DNS fixture.

SMTPSEND_BIN (set by ctest) names the binary; every run has a subprocess
timeout so a hung client fails the test instead of hanging the suite.
"""
import json
import os
import subprocess
import time
from dataclasses import dataclass

import dnsq
from processes import FixtureError

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SENDER = "sender@client.test"


def smtpsend_binary():
    """The binary under test: $SMTPSEND_BIN, else build/smtpsend of this checkout."""
    path = os.environ.get("SMTPSEND_BIN") or os.path.join(REPO, "build", "smtpsend")
    if not os.access(path, os.X_OK):
        raise FixtureError(f"smtpsend binary {path!r} not found: build it (cmake --build build) "
                           "or set SMTPSEND_BIN; ctest sets it")
    return path


def sendmail_link(tmp_path, dns_port, mx_port, timeout):
    """A link named sendmail to the binary, routed by $XDG_CONFIG_HOME/smtpsend/config.toml as cron
    and mail programs run it (no options of its own). Returns (link, config, env): env points
    XDG_CONFIG_HOME at the config and HOME at an empty directory. Under the sendmail name a
    deferred recipient is queued (SPEC.md "Queue"): the queue is tmp_path/queue, never the
    tester's /var/spool/smtpsend."""
    link = tmp_path / "bin" / "sendmail"
    link.parent.mkdir()
    link.symlink_to(os.path.abspath(smtpsend_binary()))
    config = tmp_path / "xdg" / "smtpsend" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[defaults]\n"
                      f'dns-server = ["127.0.0.1:{dns_port}"]\n'
                      f"mx-port = {mx_port}\n"
                      'helo = "client.test"\nqualify-domain = "client.test"\n'
                      f"timeout = {timeout}\nconnect-timeout = 5\ndns-timeout = 10\n"
                      f'queue-dir = "{tmp_path / "queue"}"\n')
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "xdg"), "HOME": str(home),
           "USER": "tester", "LOGNAME": "tester"}
    return link, config, env


@dataclass
class Result:
    """What one run of smtpsend did."""
    args: list
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def stderr_lines(self):
        return [line for line in self.stderr.splitlines() if line.strip()]

    def json(self):
        return json.loads(self.stdout)

    def __str__(self):
        return (f"smtpsend {' '.join(self.args)}\n exit {self.returncode} after {self.seconds:.2f} s\n"
                f" stdout: {self.stdout!r}\n stderr: {self.stderr!r}")


class Smtpsend:
    """Runs the binary with the fixture DNS server, the test MX port, a fixed HELO name and short timeouts."""

    def __init__(self, dns_port, mx_port):
        self.binary = smtpsend_binary()
        self.dns_port, self.mx_port = dns_port, mx_port

    def base_args(self, smtp_timeout):
        return ["--dns-server", f"127.0.0.1:{self.dns_port}", "--mx-port", str(self.mx_port),
                "--helo", "client.test", "--timeout", str(smtp_timeout), "--connect-timeout", "5",
                "--dns-timeout", "10"]

    def run(self, *args, stdin=b"", smtp_timeout=10, sender=SENDER, timeout=60, env=None):
        """Runs smtpsend ARGS with stdin; -f SENDER is added unless sender is None."""
        argv = self.base_args(smtp_timeout) + (["-f", sender] if sender is not None else []) + list(args)
        start = time.monotonic()
        try:
            done = subprocess.run([self.binary, *argv], input=stdin, capture_output=True, timeout=timeout,
                                  env={**os.environ, **(env or {})})
        except subprocess.TimeoutExpired as expired:
            raise AssertionError(f"smtpsend {' '.join(argv)} did not finish within {timeout} s; "
                                 f"stderr so far: {expired.stderr!r}") from None
        return Result(argv, done.returncode, done.stdout.decode("utf-8", "replace"),
                      done.stderr.decode("utf-8", "replace"), time.monotonic() - start)


def check_zone_answers(dns, zone):
    """Fixture self-test: dnsmasq answers every domain exactly as the zone says.

    Failing here means the DNS fixture is broken, not smtpsend.
    """
    problems = []

    def expect(name, rtype, rcode, values):
        answer = dns.query(name, rtype)
        got = sorted(answer.values(rtype))
        if answer.rcode != rcode or got != sorted(values):
            problems.append(f"{name} type {rtype}: rcode {answer.rcode} {got}, expected rcode {rcode} {values}")

    for host, address in zone.hosts.items():
        expect(host, dnsq.TYPE_A, dnsq.RCODE_NOERROR, [address])
    for domain in zone.domains.values():
        if domain.mx:
            expect(domain.name, dnsq.TYPE_MX, dnsq.RCODE_NOERROR, [(p, h + ".") for p, h in domain.mx])
        elif domain.null_mx:
            expect(domain.name, dnsq.TYPE_MX, dnsq.RCODE_NOERROR, [(0, ".")])
            expect(domain.name, dnsq.TYPE_A, dnsq.RCODE_NOERROR, [domain.address] if domain.address else [])
        else:
            expect(domain.name, dnsq.TYPE_MX, dnsq.RCODE_NOERROR, [])
            expect(domain.name, dnsq.TYPE_A, dnsq.RCODE_NOERROR, [domain.address] if domain.address else [])
    expect("nxdomain.test", dnsq.TYPE_MX, dnsq.RCODE_NXDOMAIN, [])
    expect("nxdomain.test", dnsq.TYPE_A, dnsq.RCODE_NXDOMAIN, [])
    if problems:
        raise FixtureError("DNS fixture answers wrongly:\n  " + "\n  ".join(problems))
