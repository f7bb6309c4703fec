"""Running the queue (SPEC.md "Queue") as cron does: one configuration file, several runs.

QueueHost gives a test a host's view of smtpsend: a config file ($XDG_CONFIG_HOME/smtpsend/
config.toml) routing to the test zone with a queue directory of the test's own, the `sendmail`
link, and `smtpsend queue run|list` under the same environment — so a `queue run` finds the
queue and the DNS server exactly as the run that queued the message did.
"""
import json
import os
import subprocess
import time
from email import message_from_bytes, policy

from harness import Result, sendmail_link, smtpsend_binary


class QueueHost:
    """retry_min/retry_max/lifetime: the config keys of the same names (durations, "2s")."""

    def __init__(self, tmp_path, dns_port, mx_port, retry_min="2s", retry_max="3s", lifetime=None,
                 smtp_timeout=10, extra_config=""):
        self.link, self.config, self.env = sendmail_link(tmp_path, dns_port, mx_port, smtp_timeout)
        self.queue_dir = tmp_path / "queue"
        lines = [f'retry-min = "{retry_min}"', f'retry-max = "{retry_max}"']
        if "queue-dir" not in self.config.read_text():  # sendmail_link may name it already
            lines.append(f'queue-dir = "{self.queue_dir}"')
        if lifetime:
            lines.append(f'queue-lifetime = "{lifetime}"')
        with open(self.config, "a", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n" + extra_config)
        self.binary = smtpsend_binary()

    def argv(self, *args, name="smtpsend"):
        return [str(self.link) if name == "sendmail" else self.binary, *args]

    def run(self, *args, stdin=b"", name="smtpsend", timeout=60, env=None, prefix=()):
        """Runs smtpsend (or, with name="sendmail", the link) with ARGS under the host's environment."""
        argv = [*prefix, *self.argv(*args, name=name)]
        start = time.monotonic()
        try:
            done = subprocess.run(argv, input=stdin, capture_output=True, timeout=timeout,
                                  env={**self.env, **(env or {})})
        except subprocess.TimeoutExpired as expired:
            raise AssertionError(f"{' '.join(argv)} did not finish within {timeout} s; "
                                 f"stderr so far: {expired.stderr!r}") from None
        return Result(argv, done.returncode, done.stdout.decode("utf-8", "replace"),
                      done.stderr.decode("utf-8", "replace"), time.monotonic() - start)

    def popen(self, *args, stdin=subprocess.DEVNULL, env=None):
        """Starts smtpsend ARGS without waiting (the test kills it, or runs two at once)."""
        return subprocess.Popen(self.argv(*args), stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env={**self.env, **(env or {})})

    def sendmail(self, *args, stdin, **kwargs):
        return self.run(*args, stdin=stdin, name="sendmail", **kwargs)

    def queue_run(self, *args, **kwargs):
        return self.run("queue", "run", *args, **kwargs)

    def queue_list(self):
        """`queue list --json`, parsed; fails the test on a non-zero exit or output that is not JSON."""
        result = self.run("queue", "list", "--json")
        assert result.returncode == 0, result
        try:
            return json.loads(result.stdout)
        except ValueError:
            raise AssertionError(f"queue list --json is not JSON: {result}") from None

    def listed_recipients(self):
        """Every recipient object of `queue list --json` (each has "address"), wherever it nests."""
        return list(_objects_with(self.queue_list(), "address"))

    def listed(self, address):
        found = [r for r in self.listed_recipients() if r["address"] == address]
        return found

    def entries(self):
        """Entry directories in Q/entries (what `queue list` shows)."""
        return _subdirs(self.queue_dir / "entries")

    def failed(self):
        return _subdirs(self.queue_dir / "failed")

    def tmp(self):
        return _subdirs(self.queue_dir / "tmp")


def _subdirs(path):
    return sorted(p.name for p in path.iterdir() if p.is_dir()) if path.is_dir() else []


def _objects_with(node, key):
    if isinstance(node, dict):
        if key in node:
            yield node
        for value in node.values():
            yield from _objects_with(value, key)
    elif isinstance(node, list):
        for value in node:
            yield from _objects_with(value, key)


def wait_for_event(server, host, kind, timeout=20.0, count=1):
    """Waits (bounded) until the scripted server has logged `count` events of this kind."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = server.events(host, kind)
        if len(found) >= count:
            return found
        time.sleep(0.02)
    raise AssertionError(f"no {kind!r} event at {host} within {timeout} s: {server.events(host)[-10:]}")


def parse(raw_message):
    return message_from_bytes(raw_message, policy=policy.default)


def cron_message(subject="Cron <root@client> /usr/local/bin/backup --nightly", body=b"backup done\n"):
    """What cron hands to sendmail: its own headers, a bare local To:, LF line ends."""
    return (b"From: root (Cron Daemon)\nTo: root\n"
            + f"Subject: {subject}\n".encode()
            + b"MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
            + b"Content-Transfer-Encoding: 8bit\nX-Cron-Env: <SHELL=/bin/sh>\n\n" + body)
