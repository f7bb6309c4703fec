"""The sendmail personality with the real programs that call sendmail.

A symbolic link named "sendmail" to the built binary, in a temp dir, is what cron, mailx
(bsd-mailx and s-nail) and git send-email run. They pass only their own options, so the
routing comes from the configuration file at $XDG_CONFIG_HOME/smtpsend/config.toml (the
fixture DNS server, the test MX port, a HELO name), as a system's cron mail would be routed by
/etc/smtpsend.toml. Mail goes to Postfix's smtp-sink (or the scripted server) through MX
resolution; what arrived is parsed with Python's email package and compared.
"""
import email
import email.policy
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness import sendmail_link, smtpsend_binary
from processes import require_tool

BSD_MAILX = "/usr/bin/bsd-mailx"
S_NAIL = "/usr/bin/s-nail"
GIT = "/usr/bin/git"
GIT_SEND_EMAIL = "/usr/lib/git-core/git-send-email"

CRON_MAIL = ("From: root (Cron Daemon)\n"
             "To: user@example.test\n"
             "Subject: Cron <root@client> /usr/local/bin/backup --nightly\n"
             "MIME-Version: 1.0\n"
             "Content-Type: text/plain; charset=UTF-8\n"
             "Content-Transfer-Encoding: 8bit\n"
             "X-Cron-Env: <SHELL=/bin/sh>\n"
             "X-Cron-Env: <HOME=/root>\n"
             "X-Cron-Env: <LOGNAME=root>\n"
             "\n"
             "backup finished: 3 files, résumé.txt included\n"
             ".\n"
             "this line follows a lone dot\n").encode("utf-8")


@dataclass
class SendmailLink:
    path: Path  # tmp/bin/sendmail -> the smtpsend binary
    env: dict   # XDG_CONFIG_HOME with the routing config, a private HOME
    tmp: Path

    def run(self, *args, stdin=b"", timeout=60):
        return subprocess.run([str(self.path), *args], input=stdin, capture_output=True,
                              timeout=timeout, env=self.env)


@pytest.fixture
def sendmail(dns, mx_port, tmp_path):
    link, _, env = sendmail_link(tmp_path, dns.port, mx_port, timeout=10)
    env["LC_ALL"] = "C.UTF-8"
    for variable in ("MAILRC", "NAIL_EXTRA_RC", "MAIL", "REPLYTO", "EMAIL", "GIT_DIR"):
        env.pop(variable, None)
    return SendmailLink(link, env, tmp_path)


def parsed(content):
    return email.message_from_bytes(content, policy=email.policy.default)


def assert_ran(done):
    assert done.returncode == 0, f"exit {done.returncode}; stderr {done.stderr!r}; stdout {done.stdout!r}"
    assert done.stderr == b"", done.stderr


# ---- cron ----

def test_crons_exact_command_line_delivers_the_cron_mail(sendmail, sink):
    server = sink("mx1.example.test")
    # Debian's cron runs exactly this (cron's do_command.c, MAILARGS).
    done = sendmail.run("-FCronDaemon", "-i", "-B8BITMIME", "-oem", "user@example.test", stdin=CRON_MAIL)
    assert_ran(done)
    [(envelope, content)] = server.messages(expected=1)
    assert envelope["rcpt"] == ["<user@example.test>"]
    assert envelope["X-Helo-Args"] == "client.test"
    # From: root (Cron Daemon) -> root, qualified; 8-bit content declared (RFC 6152).
    assert envelope["X-Mail-Args"].split() == ["<root@client.test>", "BODY=8BITMIME"]
    message = parsed(content)
    assert message["Subject"] == "Cron <root@client> /usr/local/bin/backup --nightly"
    assert message["From"].addresses[0].username == "root"
    assert message.get_all("X-Cron-Env") == ["<SHELL=/bin/sh>", "<HOME=/root>", "<LOGNAME=root>"]
    assert message["Message-ID"] and message["Date"]
    # -i: the lone dot is text, not the end of input.
    assert message.get_content() == "backup finished: 3 files, résumé.txt included\n.\nthis line follows a lone dot\n"


def test_without_i_a_lone_dot_line_ends_the_input(sendmail, sink):
    server = sink("mx1.example.test")
    done = sendmail.run("user@example.test", stdin=b"Subject: dot\n\nbefore\n..\nx.\n.\r\nafter the dot\n")
    assert_ran(done)
    [(_, content)] = server.messages(expected=1)
    assert parsed(content).get_content() == "before\n..\nx.\n"


def test_the_lone_dot_ends_the_message_while_stdin_is_still_open(sendmail, sink):
    """As typed at a terminal: sendmail returns after ".", without waiting for end of input."""
    server = sink("mx1.example.test")
    proc = subprocess.Popen([str(sendmail.path), "user@example.test"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=sendmail.env)
    try:
        proc.stdin.write(b"Subject: typed\n\nhello\n.\n")
        proc.stdin.flush()
        returncode = proc.wait(timeout=30)  # stdin is still open
        stderr = proc.stderr.read()
    finally:
        proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            stream.close()
    assert returncode == 0, stderr
    [(_, content)] = server.messages(expected=1)
    assert parsed(content).get_content() == "hello\n"


def test_smtpsend_by_its_own_name_reads_past_a_lone_dot(sendmail, sink, dns, mx_port):
    server = sink("mx1.example.test")
    done = subprocess.run([smtpsend_binary(), "user@example.test"], input=b"Subject: dot\n\nbefore\n.\nafter\n",
                          capture_output=True, timeout=60, env=sendmail.env)
    assert_ran(done)
    [(_, content)] = server.messages(expected=1)
    assert parsed(content).get_content() == "before\n.\nafter\n"


def test_options_and_modes_it_does_not_have_are_64_with_one_line(sendmail, sink):
    server = sink("mx1.example.test")
    for args, expected in [
        (["-bs"], b"smtpsend: sendmail -bs (SMTP on standard input) is not supported: smtpsend only sends mail (-bm)\n"),
        (["-bt"], b"smtpsend: sendmail -bt (address test mode) is not supported: smtpsend only sends mail (-bm)\n"),
        (["-X", "/tmp/log", "user@example.test"],
         b"smtpsend: sendmail option -X is not supported by smtpsend (see SENDMAIL PERSONALITY in smtpsend(1))\n"),
        (["-i"], b"smtpsend: no recipients given\n"),
    ]:
        done = sendmail.run(*args, stdin=b"Subject: x\n\nx\n")
        assert done.returncode == 64, (args, done)
        assert done.stderr == expected, args
    assert server.messages() == []


# ---- DSN (RFC 3461) ----

def test_dsn_parameters_go_to_a_server_offering_dsn(sendmail, sink):
    server = sink("mx1.example.test")  # smtp-sink announces DSN
    done = sendmail.run("-i", "-N", "success,failure", "-Rhdrs", "-V", "job 7+1", "user@example.test",
                        stdin=b"Subject: dsn\n\nhi\n")
    assert_ran(done)
    [(envelope, _)] = server.messages(expected=1)
    assert envelope["X-Mail-Args"].split()[1:] == ["RET=HDRS", "ENVID=job+207+2B1"]
    assert envelope["rcpt"] == ["<user@example.test> NOTIFY=SUCCESS,FAILURE"]


def test_dsn_parameters_are_left_out_when_dsn_is_not_offered(sendmail, scripted):
    server = scripted({"mx1.example.test": {"capabilities": ["PIPELINING", "8BITMIME"]}})
    done = sendmail.run("-i", "-N", "never", "-R", "full", "-V", "x", "user@example.test",
                        stdin=b"Subject: dsn\n\nhi\n")
    assert_ran(done)
    [message] = server.messages()
    assert message["mail_from"] == "FROM:<tester@client.test>"
    assert message["rcpts"] == ["TO:<user@example.test>"]


# ---- mailx ----

def test_bsd_mailx_sends_through_the_link(sendmail, sink):
    mailx = require_tool(BSD_MAILX, "bsd-mailx")
    server = sink("mx1.example.test")
    mailrc = sendmail.tmp / "mailrc"
    mailrc.write_text(f"set sendmail={sendmail.path}\n")
    done = subprocess.run([mailx, "-s", "Disk report for client", "user@example.test"],
                          input=b"/ is 42% full\n.\nend of report\n", capture_output=True, timeout=60,
                          env={**sendmail.env, "MAILRC": str(mailrc)})
    assert done.returncode == 0, done
    [(envelope, content)] = server.messages(expected=1, timeout=20)
    assert envelope["rcpt"] == ["<user@example.test>"]
    message = parsed(content)
    assert message["Subject"] == "Disk report for client"
    assert message["To"].addresses[0].addr_spec == "user@example.test"
    # bsd-mailx itself ends input at a lone "." on a terminal only; piped, it is text and
    # mailx passes -i so the link keeps it.
    assert message.get_content() == "/ is 42% full\n.\nend of report\n"


def test_s_nail_sends_through_the_link(sendmail, sink):
    s_nail = require_tool(S_NAIL, "s-nail")
    server = sink("mx1.example.test")
    done = subprocess.run([s_nail, "-:/", "-S", f"mta={sendmail.path}", "-S", "sendwait",
                           "-r", "Reporter <reports@client.test>", "-s", "Übersicht: backup ok",
                           "user@example.test"],
                          input="all 3 jobs ran ✓\n".encode("utf-8"), capture_output=True, timeout=60,
                          env=sendmail.env)
    assert done.returncode == 0, done
    [(envelope, content)] = server.messages(expected=1, timeout=20)
    assert envelope["X-Mail-Args"].split()[0] == "<reports@client.test>"
    assert envelope["rcpt"] == ["<user@example.test>"]
    message = parsed(content)
    assert message["Subject"] == "Übersicht: backup ok"
    assert message["From"].addresses[0].display_name == "Reporter"
    assert message.get_content() == "all 3 jobs ran ✓\n"


# ---- git send-email ----

def git(repo, *args, env):
    done = subprocess.run([GIT, "-C", str(repo), *args], capture_output=True, timeout=60, env=env)
    assert done.returncode == 0, (args, done)
    return done.stdout.decode()


def test_git_send_email_sends_a_patch_through_the_link(sendmail, sink):
    require_tool(GIT, "git")
    require_tool(GIT_SEND_EMAIL, "git-email")
    server = sink("mx1.example.test")
    env = {**sendmail.env, "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Dev Eloper",
           "GIT_AUTHOR_EMAIL": "dev@client.test", "GIT_COMMITTER_NAME": "Dev Eloper",
           "GIT_COMMITTER_EMAIL": "dev@client.test"}
    repo = sendmail.tmp / "repo"
    repo.mkdir()
    git(repo, "init", "-q", env=env)
    (repo / "greeting.txt").write_text("hello\n")
    git(repo, "add", "greeting.txt", env=env)
    git(repo, "commit", "-q", "-m", "Add a greeting", "-m", "The world deserves one.", env=env)
    patch = git(repo, "format-patch", "-1", "-o", str(sendmail.tmp / "out"), env=env).strip()
    done = subprocess.run([GIT, "-C", str(repo), "send-email", f"--sendmail-cmd={sendmail.path}",
                           "--to=user@example.test", "--from=Dev Eloper <dev@client.test>",
                           "--envelope-sender=dev@client.test", "--confirm=never", "--suppress-cc=all",
                           "--no-thread", patch],
                          capture_output=True, timeout=60, env=env, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done
    [(envelope, content)] = server.messages(expected=1, timeout=20)
    assert envelope["X-Mail-Args"].split()[0] == "<dev@client.test>"
    assert envelope["rcpt"] == ["<user@example.test>"]
    message = parsed(content)
    assert message["Subject"] == "[PATCH] Add a greeting"
    assert message["From"].addresses[0].addr_spec == "dev@client.test"
    body = message.get_content()
    assert "The world deserves one." in body
    assert "+++ b/greeting.txt" in body and "\n+hello\n" in body
