"""--max-addresses: a destination with many dead addresses is given up on after a few (issue 9).

many-mx.test has ten MX hosts on loopback addresses where nothing listens on the MX port, so
each connection is refused at once; the count of addresses tried is read from -v's
"connecting to" lines and from the failure line.
"""
import re

from zone import MANY_MX_DOMAIN, MANY_MX_HOSTS

MESSAGE = b"Subject: limit\n\nhi\n"
RECIPIENT = f"user@{MANY_MX_DOMAIN}"


def connection_attempts(result):
    return re.findall(r"connecting to (\S+)\[([0-9.]+)\]:\d+", result.stderr)


def failure_line(result):
    [line] = [l for l in result.stderr_lines() if l.startswith(f"smtpsend: {RECIPIENT}: ")]
    return line


def test_five_addresses_are_tried_by_default_in_mx_order(smtpsend, zone):
    result = smtpsend.run("-v", RECIPIENT, stdin=MESSAGE)
    assert result.returncode == 75, result
    attempts = connection_attempts(result)
    assert [host for host, _ in attempts] == [f"mx{i}.{MANY_MX_DOMAIN}" for i in range(5)], result
    assert [ip for _, ip in attempts] == [zone.ip(f"mx{i}.{MANY_MX_DOMAIN}") for i in range(5)]
    line = failure_line(result)
    assert line.startswith(f"smtpsend: {RECIPIENT}: deferred: connection refused by all 5 addresses "
                           f"tried; gave up after 5 of "), line
    assert f" of {MANY_MX_HOSTS} MX hosts of {MANY_MX_DOMAIN}" in line, line


def test_max_addresses_two(smtpsend, zone):
    result = smtpsend.run("-v", "--max-addresses", "2", RECIPIENT, stdin=MESSAGE)
    assert result.returncode == 75, result
    assert [host for host, _ in connection_attempts(result)] == \
        [f"mx0.{MANY_MX_DOMAIN}", f"mx1.{MANY_MX_DOMAIN}"], result
    assert "gave up after 2 of " in failure_line(result), result


def test_a_limit_above_the_addresses_tries_them_all(smtpsend, zone):
    result = smtpsend.run("-v", "--max-addresses", "50", RECIPIENT, stdin=MESSAGE)
    assert result.returncode == 75, result
    assert len(connection_attempts(result)) == MANY_MX_HOSTS, result
    assert failure_line(result).endswith(
        f"deferred: connection refused by all {MANY_MX_HOSTS} addresses of {MANY_MX_HOSTS} MX hosts of "
        f"{MANY_MX_DOMAIN}"), result


def test_the_limit_comes_from_the_configuration_file(smtpsend, zone, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[defaults]\nmax-addresses = 3\n")
    result = smtpsend.run("-v", "-C", str(config), RECIPIENT, stdin=MESSAGE)
    assert result.returncode == 75, result
    assert len(connection_attempts(result)) == 3, result


def test_zero_or_garbage_is_a_usage_error(smtpsend):
    for value in ["0", "five", "", "1001"]:
        result = smtpsend.run("--max-addresses", value, RECIPIENT, stdin=MESSAGE)
        assert result.returncode == 64, result
        assert result.stderr_lines() == [
            f"smtpsend: --max-addresses must be a number from 1 to 1000, not '{value}'"], result
