"""Aliases (SPEC.md "Aliases"): local recipients rewritten by a sendmail-format aliases file,
with the real binary, the dnsmasq zone for MX resolution and Postfix's smtp-sink as the MX
hosts (mx1.example.test for example.test, mx.other.test for other.test).

A recipient is local when it has no domain or its domain is the qualify domain (client.test
here), this host's name or localhost.
"""
import email
import email.policy

import pytest

from harness import sendmail_link
from test_sendmail import CRON_MAIL, SendmailLink

MESSAGE = b"From: sender@client.test\r\nSubject: nightly\r\n\r\nreport\r\n"
QUALIFY = ["--qualify-domain", "client.test"]


def aliases_file(tmp_path, text):
    path = tmp_path / "aliases"
    path.write_text(text)
    return str(path)


def rcpts(server, expected):
    return sorted(r for envelope, _ in server.messages(expected=expected) for r in envelope["rcpt"])


def test_root_goes_to_two_addresses(smtpsend, sink, tmp_path):
    example, other = sink("mx1.example.test"), sink("mx.other.test")
    path = aliases_file(tmp_path, "# cron's reports\nroot: admin@example.test,\n  ops@other.test\n")
    done = smtpsend.run(*QUALIFY, "--aliases", path, "root", stdin=MESSAGE)
    assert done.returncode == 0, done
    assert done.stderr == ""
    assert rcpts(example, 1) == ["<admin@example.test>"]
    assert rcpts(other, 1) == ["<ops@other.test>"]


def test_local_forms_recursion_and_case(smtpsend, sink, tmp_path):
    example = sink("mx1.example.test")
    path = aliases_file(tmp_path, "postmaster: root\nRoot: admin@example.test\n")
    done = smtpsend.run(*QUALIFY, "--aliases", path, "postmaster@localhost", "ROOT@client.test",
                        "bob@example.test", stdin=MESSAGE)
    assert done.returncode == 0, done
    assert rcpts(example, 1) == ["<admin@example.test>", "<bob@example.test>"]


def test_default_catches_other_local_names(smtpsend, sink, tmp_path):
    example = sink("mx1.example.test")
    path = aliases_file(tmp_path, "root: admin@example.test\ndefault: catchall@example.test\n")
    done = smtpsend.run(*QUALIFY, "--aliases", path, "www-data", "alice@example.test", stdin=MESSAGE)
    assert done.returncode == 0, done
    assert rcpts(example, 1) == ["<alice@example.test>", "<catchall@example.test>"]


def test_a_loop_is_78_naming_file_and_line_before_anything_is_sent(smtpsend, sink, tmp_path):
    example = sink("mx1.example.test")
    path = aliases_file(tmp_path, "root: admin\nadmin: ops\nops: root\n")
    done = smtpsend.run(*QUALIFY, "--aliases", path, "root", "bob@example.test", stdin=MESSAGE)
    assert done.returncode == 78, done
    assert done.stderr_lines() == [f"smtpsend: {path}:3: alias loop: root -> admin -> ops -> root"]
    assert example.messages() == []


def test_a_command_target_is_refused_and_the_other_recipient_delivered(smtpsend, sink, tmp_path):
    example = sink("mx1.example.test")
    path = aliases_file(tmp_path, "root: admin@example.test\nbackup: |/usr/bin/procmail\n")
    done = smtpsend.run(*QUALIFY, "--json", "--aliases", path, "backup", "root", stdin=MESSAGE)
    assert done.returncode == 69, done
    assert done.stderr_lines() == [
        f"smtpsend: backup@client.test: failed: alias 'backup' ({path}:2) names "
        "'|/usr/bin/procmail', which is not an address: commands, files and :include: lists "
        "are not delivered"]
    assert rcpts(example, 1) == ["<admin@example.test>"]
    statuses = {r["address"]: r["status"] for r in done.json()["messages"][0]["recipients"]}
    assert statuses == {"admin@example.test": "delivered", "backup@client.test": "failed"}


def test_crons_command_line_reaches_the_aliased_address(dns, mx_port, sink, tmp_path):
    example = sink("mx1.example.test")
    link, config, env = sendmail_link(tmp_path, dns.port, mx_port, timeout=10)
    # A relative name is taken from the configuration file's directory.
    (config.parent / "aliases").write_text("root: admin@example.test\n")
    config.write_text(config.read_text() + 'aliases = "aliases"\n')
    sendmail = SendmailLink(link, env, tmp_path)
    # Debian's cron runs exactly this (cron's do_command.c, MAILARGS), to the job's owner.
    done = sendmail.run("-FCronDaemon", "-i", "-B8BITMIME", "-oem", "root", stdin=CRON_MAIL)
    assert done.returncode == 0, done
    assert done.stderr == b""
    [(envelope, content)] = example.messages(expected=1)
    assert envelope["rcpt"] == ["<admin@example.test>"]
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert message["Subject"] == "Cron <root@client> /usr/local/bin/backup --nightly"


def test_a_malformed_aliases_file_is_78_naming_file_and_line(smtpsend, tmp_path):
    path = aliases_file(tmp_path, "root: admin@example.test\nthis line has no colon\n")
    done = smtpsend.run(*QUALIFY, "--aliases", path, "root", stdin=MESSAGE)
    assert done.returncode == 78, done
    assert done.stderr_lines() == [f"smtpsend: {path}:2: expected 'name: address, address'"]


def test_through_the_sendmail_link_a_refused_target_is_still_reported(dns, mx_port, sink, tmp_path):
    # Under the sendmail name mail is queued first (--queue deferred): the refusal must still be
    # one line and count in the exit status, and the good recipient still be delivered.
    example = sink("mx1.example.test")
    link, config, env = sendmail_link(tmp_path, dns.port, mx_port, timeout=10)
    (config.parent / "aliases").write_text("root: admin@example.test\nbackup: |/usr/bin/procmail\n")
    config.write_text(config.read_text() + 'aliases = "aliases"\n')
    sendmail = SendmailLink(link, env, tmp_path)
    done = sendmail.run("-i", "backup", "root", stdin=MESSAGE)
    assert done.returncode == 69, done
    assert done.stderr.decode().splitlines() == [
        f"smtpsend: backup@client.test: failed: alias 'backup' ({config.parent / 'aliases'}:2) "
        "names '|/usr/bin/procmail', which is not an address: commands, files and :include: "
        "lists are not delivered"]
    assert rcpts(example, 1) == ["<admin@example.test>"]


def test_through_the_sendmail_link_every_target_refused_queues_nothing(dns, mx_port, sink, tmp_path):
    example = sink("mx1.example.test")
    link, config, env = sendmail_link(tmp_path, dns.port, mx_port, timeout=10)
    (config.parent / "aliases").write_text("backup: /var/backups/mail\n")
    config.write_text(config.read_text() + 'aliases = "aliases"\n')
    sendmail = SendmailLink(link, env, tmp_path)
    done = sendmail.run("-i", "backup", stdin=MESSAGE)
    assert done.returncode == 69, done
    assert len(done.stderr.decode().splitlines()) == 1
    assert example.messages() == []
    entries = tmp_path / "queue" / "entries"
    assert not entries.exists() or list(entries.iterdir()) == []
