"""What DNS alone decides: null MX, NXDOMAIN, no MX and no A, and the --dry-run plan."""
import pytest

MESSAGE = b"Subject: dns\n\nhi\n"


def test_null_mx_fails_without_connecting(smtpsend, scripted, zone):
    # nullmx.test also has an A record, served by a listener: implicit MX must not be used.
    server = scripted({"nullmx.test": {}})
    result = smtpsend.run("user@nullmx.test", stdin=MESSAGE)
    assert result.returncode == 68, result
    assert result.stderr_lines() == [
        "smtpsend: user@nullmx.test: failed: nullmx.test does not accept mail (null MX, RFC 7505)"]
    assert result.stdout == ""
    assert server.connections() == []


@pytest.mark.parametrize("domain", ["nxdomain.test", "nothing.test"])
def test_domain_without_mail_exchanger_fails_with_68(smtpsend, domain):
    """NXDOMAIN, and a name with neither MX nor A/AAAA records (NODATA for both)."""
    result = smtpsend.run(f"user@{domain}", stdin=MESSAGE)
    assert result.returncode == 68, result
    [line] = result.stderr_lines()
    assert line.startswith(f"smtpsend: user@{domain}: failed: "), line
    assert domain in line[len(f"smtpsend: user@{domain}: failed: "):], line


def test_null_mx_beside_a_good_domain_delivers_the_good_one(smtpsend, sink, zone):
    server = sink("mx1.example.test")
    result = smtpsend.run("user@nullmx.test", "user@example.test", stdin=MESSAGE)
    assert result.returncode == 68, result
    assert len(result.stderr_lines()) == 1
    assert [env["rcpt"] for env, _ in server.messages(expected=1)] == [["<user@example.test>"]]


def test_dry_run_prints_mx_hosts_in_preference_order_and_connects_nowhere(smtpsend, scripted, zone, mx_port):
    hosts = ["mx1.ordered.test", "mx2.ordered.test", "mx3.ordered.test"]
    server = scripted({host: {} for host in hosts})
    result = smtpsend.run("--dry-run", "user@ordered.test", stdin=MESSAGE)
    assert result.returncode == 0, result
    out = result.stdout
    positions = [out.index(host) for host in hosts]
    assert positions == sorted(positions), out
    for host in hosts:
        assert zone.ip(host) in out, out
    assert str(mx_port) in out, out
    assert "ordered.test" in out
    assert server.connections() == []


def test_dry_run_of_implicit_mx_shows_the_domain_address(smtpsend, zone):
    result = smtpsend.run("--dry-run", "user@aonly.test", stdin=MESSAGE)
    assert result.returncode == 0, result
    assert zone.ip("aonly.test") in result.stdout, result


@pytest.mark.parametrize("domain", ["nullmx.test", "nxdomain.test"])
def test_dry_run_exit_status_is_what_resolution_decides(smtpsend, domain):
    result = smtpsend.run("--dry-run", f"user@{domain}", stdin=MESSAGE)
    assert result.returncode == 68, result
