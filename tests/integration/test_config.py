"""The configuration file (-C, XDG default, -A accounts) driving real deliveries.

The binary is run without the harness's command-line routing options: the file supplies
dns-server, mx-port and helo, so a delivery that arrives proves the file was read and applied.
"""
import os
import subprocess

from harness import SENDER, smtpsend_binary

MESSAGE = b"From: Alice <alice@client.test>\r\nTo: user@example.test\r\nSubject: config\r\n\r\nbody\r\n"


def write_config(path, text, mode=0o600):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.chmod(path, mode)
    return path


def routing(dns, mx_port, helo):
    return (f'dns-server = ["127.0.0.1:{dns.port}"]\nmx-port = {mx_port}\nhelo = "{helo}"\n'
            "timeout = 10\nconnect-timeout = 5\ndns-timeout = 10\n")


def run(*args, env=None, tmp_path=None):
    # XDG_CONFIG_HOME points at an empty directory unless a test says otherwise, so the
    # machine's own configuration never leaks in.
    base_env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "no-xdg"), **(env or {})}
    done = subprocess.run([smtpsend_binary(), "-f", SENDER, *args], input=MESSAGE,
                          capture_output=True, timeout=60, env=base_env)
    return done.returncode, done.stderr.decode("utf-8", "replace")


def test_explicit_config_file_routes_the_delivery(dns, mx_port, sink, tmp_path):
    server = sink("mx1.example.test")
    config = write_config(tmp_path / "c.toml", "[defaults]\n" + routing(dns, mx_port, "config.test"))
    code, stderr = run("-C", str(config), "user@example.test", tmp_path=tmp_path)
    assert code == 0, stderr
    [(envelope, _)] = server.messages(expected=1)
    assert envelope["rcpt"] == ["<user@example.test>"]
    assert envelope["X-Helo-Args"] == "config.test"


def test_command_line_overrides_account_overrides_defaults(dns, mx_port, sink, tmp_path):
    server = sink("mx1.example.test")
    # [defaults] points at a port nobody listens on; the account fixes it; the command line
    # overrides the account's helo.
    config = write_config(tmp_path / "c.toml",
                          "[defaults]\n" + routing(dns, 9, "defaults.test") +
                          f'[account.lab]\nmx-port = {mx_port}\nhelo = "account.test"\n')
    code, stderr = run("-C", str(config), "-A", "lab", "--helo", "cli.test", "user@example.test",
                       tmp_path=tmp_path)
    assert code == 0, stderr
    [(envelope, _)] = server.messages(expected=1)
    assert envelope["X-Helo-Args"] == "cli.test"


def test_xdg_config_home_is_the_default_location(dns, mx_port, sink, tmp_path):
    server = sink("mx1.example.test")
    write_config(tmp_path / "xdg" / "smtpsend" / "config.toml",
                 "[defaults]\n" + routing(dns, mx_port, "xdg.test"))
    code, stderr = run("user@example.test", env={"XDG_CONFIG_HOME": str(tmp_path / "xdg")},
                       tmp_path=tmp_path)
    assert code == 0, stderr
    [(envelope, _)] = server.messages(expected=1)
    assert envelope["X-Helo-Args"] == "xdg.test"


def test_bad_key_is_exit_78_with_file_and_line_and_nothing_sent(dns, mx_port, sink, tmp_path):
    server = sink("mx1.example.test")
    config = write_config(tmp_path / "c.toml",
                          "[defaults]\n" + routing(dns, mx_port, "config.test") + "mxport = 25\n")
    code, stderr = run("-C", str(config), "user@example.test", tmp_path=tmp_path)
    assert code == 78
    assert stderr == f"smtpsend: {config}:8: unknown key 'mxport'\n"
    assert server.messages() == []


def test_missing_explicit_file_and_unknown_account_are_exit_78(tmp_path):
    missing = tmp_path / "missing.toml"
    code, stderr = run("-C", str(missing), "user@example.test", tmp_path=tmp_path)
    assert code == 78
    assert stderr == f"smtpsend: cannot read configuration file {missing}: No such file or directory\n"
    config = write_config(tmp_path / "c.toml", "[defaults]\nmx-port = 25\n")
    code, stderr = run("-C", str(config), "-A", "nope", "user@example.test", tmp_path=tmp_path)
    assert code == 78
    assert stderr == f"smtpsend: {config}: no account 'nope' ([account.nope] table)\n"


def test_password_in_a_readable_file_is_refused(tmp_path):
    config = write_config(tmp_path / "c.toml", '[defaults]\npassword = "hunter2"\n', mode=0o644)
    code, stderr = run("-C", str(config), "user@example.test", tmp_path=tmp_path)
    assert code == 78
    assert stderr == (f"smtpsend: {config}: holds a password but is readable by group or others "
                      f"(chmod 600 {config})\n")
    assert "hunter2" not in stderr


def test_password_on_the_command_line_is_refused(tmp_path):
    code, stderr = run("--password", "hunter2", "user@example.test", tmp_path=tmp_path)
    assert code == 64
    assert stderr == ("smtpsend: a password is never accepted on the command line; use "
                      "--password-file, --password-cmd or SMTPSEND_PASSWORD\n")
