"""Bulk sending: domains that share MX hosts share a connection; --each sends one copy per recipient."""


def test_domains_sharing_an_mx_host_share_one_connection_and_one_transaction(smtpsend, scripted, zone):
    server = scripted({"mx.shared.test": {}})
    result = smtpsend.run("-v", "a@shared-a.test", "b@shared-b.test", "c@shared-a.test",
                          stdin=b"Subject: both\n\nhello\n")
    assert result.returncode == 0, result
    assert len(server.connections()) == 1
    [message] = server.messages()
    assert message["rcpts"] == ["TO:<a@shared-a.test>", "TO:<c@shared-a.test>", "TO:<b@shared-b.test>"]
    assert "shared-a.test and shared-b.test share their MX hosts: one connection" in result.stderr


def test_a_shared_connection_that_fails_names_every_domain(smtpsend, scripted, zone):
    scripted({"mx.shared.test": {"greeting": "421 4.3.2 closing"}})
    result = smtpsend.run("a@shared-a.test", "b@shared-b.test", stdin=b"Subject: both\n\nhello\n")
    assert result.returncode == 75, result
    lines = result.stderr.splitlines()
    assert len(lines) == 2, lines
    for rcpt, line in zip(["a@shared-a.test", "b@shared-b.test"], lines):
        assert line.startswith(f"smtpsend: {rcpt}: deferred: 421 4.3.2 closing"), line


def test_domains_with_their_own_mx_hosts_keep_their_own_connections(smtpsend, scripted, zone):
    server = scripted({"mx1.example.test": {}, "mx.other.test": {}})
    result = smtpsend.run("a@example.test", "b@other.test", stdin=b"Subject: two\n\nhello\n")
    assert result.returncode == 0, result
    assert len(server.connections()) == 2
