"""A real submission server on loopback: Postfix smtpd + Dovecot SASL, with test-time certificates.

Usage (see SUBMISSION.md):

    from submission_fixture import submission, submission_server   # pytest fixtures

    def test_relay(submission):
        submission.ports["starttls"]          # STARTTLS, AUTH only after TLS
        submission.ports["smtps"]             # implicit TLS (RFC 8314)
        submission.certs.ca                   # trust anchor for --ca-file
        submission.user, submission.password  # a Dovecot passwd-file user
        msg = submission.wait_for_messages(1)[0]
        msg.data                              # exact DATA bytes Postfix relayed (CRLF)

Every process is started here and stopped here by PID (Postfix master and the
children it had, Dovecot and its children); every wait is bounded. Nothing binds
outside 127.0.0.1. A missing tool is a loud failure naming the package to
install, never a skip.

Can also be used without pytest: `with SubmissionServer() as s: ...`.
"""
from __future__ import annotations

import atexit
import dataclasses
import datetime
import errno
import grp
import itertools
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import textwrap
import threading
import time
from pathlib import Path

INSTALL_HINT = "run scripts/install-deps.sh as root (apt-get install -y --no-install-recommends {pkgs})"

POSTFIX = "/usr/sbin/postfix"
POSTFIX_MASTER = "/usr/lib/postfix/sbin/master"
DOVECOT = "/usr/sbin/dovecot"
OPENSSL = "/usr/bin/openssl"

SERVER_NAME = "mail.example.test"
WRONG_NAME = "wrong.example.test"
LOOPBACK = "127.0.0.1"

START_TIMEOUT = 20.0
STOP_TIMEOUT = 5.0
COMMAND_TIMEOUT = 60.0

# Service name -> master.cf overrides. Each gets its own free port on 127.0.0.1.
#   starttls   submission style (RFC 6409): STARTTLS required before MAIL, AUTH only after TLS
#   smtps      implicit TLS from the first byte (RFC 8314, smtpd_tls_wrappermode)
#   plain      no STARTTLS at all, AUTH offered in clear (for --allow-plaintext-auth and
#              "STARTTLS missing under --tls required" against a real server)
#   wrong_host STARTTLS with a CA-signed certificate for wrong.example.test
#   expired    STARTTLS with a CA-signed certificate for mail.example.test that expired in 2020
#   smtps_wrong_host, smtps_expired   the same two certificates with implicit TLS
SERVICES = ("starttls", "smtps", "plain", "wrong_host", "expired", "smtps_wrong_host", "smtps_expired")
IMPLICIT_TLS = ("smtps", "smtps_wrong_host", "smtps_expired")


class SubmissionFixtureError(RuntimeError):
    """The fixture could not provide its servers; the test using it must fail (never skip)."""


def require(path: str, package: str) -> str:
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise SubmissionFixtureError(
            f"{path} not found: Debian package {package} is missing; " + INSTALL_HINT.format(pkgs=package))
    return path


def require_all() -> None:
    require(POSTFIX, "postfix")
    require(POSTFIX_MASTER, "postfix")
    require(DOVECOT, "dovecot-core")
    require(OPENSSL, "openssl")
    try:
        import aiosmtpd  # noqa: F401
    except ImportError as e:
        raise SubmissionFixtureError(
            f"python module aiosmtpd missing ({e}); " + INSTALL_HINT.format(pkgs="python3-aiosmtpd")) from e
    for user in ("postfix", "dovecot", "dovenull"):
        try:
            pwd.getpwnam(user)
        except KeyError as e:
            raise SubmissionFixtureError(
                f"system user {user} missing (created by the postfix / dovecot-core packages); "
                + INSTALL_HINT.format(pkgs="postfix dovecot-core")) from e


def _run(argv, cwd=None, what=None):
    try:
        done = subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=COMMAND_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as e:
        raise SubmissionFixtureError(f"{what or argv[0]} timed out after {COMMAND_TIMEOUT} s") from e
    if done.returncode != 0:
        raise SubmissionFixtureError(
            f"{what or ' '.join(map(str, argv))} failed with {done.returncode}:\n"
            f"{done.stdout.decode(errors='replace')}{done.stderr.decode(errors='replace')}")
    return done


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def _bindable(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do: TIME_WAIT is no obstacle
        try:
            probe.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


def free_ports(n: int) -> list[int]:
    ports: list[int] = []
    for _ in range(100 * n):
        p = free_port()
        if p not in ports:
            ports.append(p)
        if len(ports) == n:
            return ports
    raise SubmissionFixtureError(f"could not find {n} distinct free ports on {LOOPBACK}")


# ---------------------------------------------------------------------------------------------
# Certificates


@dataclasses.dataclass(frozen=True)
class Certs:
    """PEM files made by openssl at test time. Every leaf is signed by `ca`.

    server      mail.example.test, SAN DNS:mail.example.test, DNS:localhost, IP:127.0.0.1,
                IP:::1; valid
    wrong_host  wrong.example.test only (valid dates): fails host name verification
    expired     same names as server, valid 2020-01-01 .. 2020-02-01: fails as expired
    client      client.example.test with clientAuth, for --tls-cert/--tls-key tests
    """
    dir: Path
    ca: Path
    ca_key: Path
    server: Path
    server_key: Path
    wrong_host: Path
    wrong_host_key: Path
    expired: Path
    expired_key: Path
    client: Path
    client_key: Path


_CA_CONF = """\
[ ca ]
default_ca = test_ca

[ test_ca ]
dir              = {dir}
database         = {dir}/index.txt
new_certs_dir    = {dir}/newcerts
serial           = {dir}/serial
default_md       = sha256
default_days     = 825
policy           = policy_any
unique_subject   = no
copy_extensions  = none
email_in_dn      = no

[ policy_any ]
commonName       = supplied

[ server_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
subjectAltName         = DNS:{server}, DNS:localhost, IP:127.0.0.1, IP:::1

[ wrong_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
subjectAltName         = DNS:{wrong}

[ client_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
subjectAltName         = DNS:client.example.test
"""


def make_certificates(directory: Path) -> Certs:
    """Creates a test CA and the leaf certificates with `openssl req` and `openssl ca`.

    The expired certificate uses `openssl ca -startdate/-enddate` (OpenSSL 3.0 has no
    -not_before/-not_after on `openssl x509 -req`; those came in 3.4), so no faketime is needed.
    """
    require(OPENSSL, "openssl")
    d = Path(directory)
    (d / "newcerts").mkdir(parents=True, exist_ok=True)
    (d / "index.txt").write_text("")
    (d / "serial").write_text("1000\n")
    conf = d / "ca.cnf"
    conf.write_text(_CA_CONF.format(dir=d, server=SERVER_NAME, wrong=WRONG_NAME))

    # EC P-256 keys: generating RSA keys made this step take seconds.
    rsa = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _run([OPENSSL, "req", "-x509", *rsa, "-keyout", d / "ca.key", "-out", d / "ca.crt", "-days", "3650",
          "-subj", "/O=smtpsend tests/CN=smtpsend test CA",
          "-addext", "basicConstraints=critical,CA:TRUE",
          "-addext", "keyUsage=critical,keyCertSign,cRLSign",
          "-addext", "subjectKeyIdentifier=hash"], what="openssl req (test CA)")

    def leaf(name, cn, ext, dates):
        _run([OPENSSL, "req", "-new", *rsa, "-keyout", d / f"{name}.key", "-out", d / f"{name}.csr",
              "-subj", f"/CN={cn}"], what=f"openssl req ({name})")
        _run([OPENSSL, "ca", "-batch", "-notext", "-config", conf, "-extensions", ext,
              "-cert", d / "ca.crt", "-keyfile", d / "ca.key",
              "-in", d / f"{name}.csr", "-out", d / f"{name}.crt", *dates], what=f"openssl ca ({name})")

    # Valid ones started a day ago, so a clock a little behind does not make them "not yet valid".
    now = datetime.datetime.now(datetime.timezone.utc)
    valid = ["-startdate", (now - datetime.timedelta(days=1)).strftime("%Y%m%d%H%M%SZ"),
             "-enddate", (now + datetime.timedelta(days=825)).strftime("%Y%m%d%H%M%SZ")]
    leaf("server", SERVER_NAME, "server_ext", valid)
    leaf("wrong_host", WRONG_NAME, "wrong_ext", valid)
    leaf("expired", SERVER_NAME, "server_ext", ["-startdate", "20200101000000Z", "-enddate", "20200201000000Z"])
    leaf("client", "client.example.test", "client_ext", valid)
    for key in d.glob("*.key"):
        key.chmod(0o600)
    return Certs(dir=d, ca=d / "ca.crt", ca_key=d / "ca.key",
                 server=d / "server.crt", server_key=d / "server.key",
                 wrong_host=d / "wrong_host.crt", wrong_host_key=d / "wrong_host.key",
                 expired=d / "expired.crt", expired_key=d / "expired.key",
                 client=d / "client.crt", client_key=d / "client.key")


# ---------------------------------------------------------------------------------------------
# The capturing next hop


@dataclasses.dataclass(frozen=True)
class CapturedMessage:
    """One transaction Postfix relayed to the capture sink.

    data is the DATA content exactly as Postfix sent it (CRLF line ends, dot-unstuffed),
    including the Received: header Postfix prepended. Postfix itself rewrites line endings
    and may add headers, so this is "what the relay passed on", not the client's raw bytes:
    compare header/body lines, not the whole byte string.
    """
    index: int
    mail_from: str
    rcpt_tos: tuple
    mail_options: tuple
    rcpt_options: tuple
    helo: str
    data: bytes
    path: Path

    @property
    def body(self) -> bytes:
        """The part after the first empty line."""
        sep = self.data.find(b"\r\n\r\n")
        return self.data[sep + 4:] if sep >= 0 else b""

    @property
    def headers(self) -> bytes:
        sep = self.data.find(b"\r\n\r\n")
        return self.data[:sep + 2] if sep >= 0 else self.data


class _Sink:
    """aiosmtpd next hop on 127.0.0.1 that writes each transaction to files in `directory`:
    NNNN.eml (the DATA bytes) and NNNN.json (the envelope). Offers 8BITMIME and SMTPUTF8,
    which Postfix's own smtp-sink lacks (SMTPUTF8 mail would bounce at the relay otherwise)."""

    def __init__(self, directory: Path, port: int):
        self.directory = directory
        self.port = port
        self.controller = None
        self._lock = threading.Lock()
        self._messages: list[CapturedMessage] = []
        self._counter = itertools.count(1)

    def start(self):
        from aiosmtpd.controller import Controller

        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                sink._store(session, envelope)
                return "250 2.0.0 captured"

        self.directory.mkdir(parents=True, exist_ok=True)
        self.controller = Controller(Handler(), hostname=LOOPBACK, port=self.port, ready_timeout=START_TIMEOUT,
                                     server_hostname="sink.example.test", enable_SMTPUTF8=True,
                                     decode_data=False, data_size_limit=64 * 1024 * 1024)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            try:
                self.controller.stop()
            finally:
                self.controller = None

    def _store(self, session, envelope):
        with self._lock:
            n = next(self._counter)
            data = envelope.original_content or b""
            path = self.directory / f"{n:04d}.eml"
            path.write_bytes(data)
            msg = CapturedMessage(index=n, mail_from=envelope.mail_from, rcpt_tos=tuple(envelope.rcpt_tos),
                                  mail_options=tuple(envelope.mail_options),
                                  rcpt_options=tuple(map(tuple, envelope.rcpt_options)),
                                  helo=session.host_name or "", data=data, path=path)
            (self.directory / f"{n:04d}.json").write_text(json.dumps(
                {"mail_from": msg.mail_from, "rcpt_tos": msg.rcpt_tos, "mail_options": msg.mail_options,
                 "rcpt_options": msg.rcpt_options, "helo": msg.helo}, indent=1))
            self._messages.append(msg)

    def messages(self):
        with self._lock:
            return list(self._messages)

    def clear(self):
        with self._lock:
            self._messages.clear()


# ---------------------------------------------------------------------------------------------
# Process bookkeeping: stop by PID, including the children a master had


def _start_time(pid: int):
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return int(fields[19])  # field 22 (starttime); fields here start at field 3
    except (OSError, IndexError, ValueError):
        return None


def _children(pid: int) -> list[tuple[int, int]]:
    """(pid, starttime) of every live descendant of pid."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            st = _start_time(child)
            if st is not None:
                out.append((child, st))
                todo.append(child)
    return out


def _stop_tree(proc: subprocess.Popen | None, name: str, log) -> None:
    """SIGTERM the master by PID, bounded wait, SIGKILL; then SIGKILL (by PID, checking the
    start time against PID reuse) any child it had that outlived it."""
    if proc is None:
        return
    kids = _children(proc.pid) if proc.poll() is None else []
    if proc.poll() is None:
        try:
            os.kill(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            log(f"{name} (pid {proc.pid}) ignored SIGTERM for {STOP_TIMEOUT} s; SIGKILL")
            try:
                os.kill(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=STOP_TIMEOUT)
    for p, st in kids:  # the master passed SIGTERM on; repeat it for any that lingers
        if _start_time(p) == st:
            try:
                os.kill(p, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + STOP_TIMEOUT
    while True:
        alive = [(p, st) for p, st in kids if _start_time(p) == st]
        if not alive:
            return
        if time.monotonic() >= deadline:
            for p, _ in alive:
                log(f"{name} child {p} still running; SIGKILL")
                try:
                    os.kill(p, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            return
        time.sleep(0.05)


# ---------------------------------------------------------------------------------------------
# Configuration


def _dovecot_conf(root: Path, socket_path: Path, passwd: Path, instance: str) -> str:
    return textwrap.dedent(f"""\
        # Generated by tests/integration/submission_fixture.py: SASL for Postfix only, no mail protocols.
        base_dir = {root}/run
        state_dir = {root}/state
        instance_name = {instance}
        protocols =
        listen = {LOOPBACK}
        ssl = no
        log_path = {root}/dovecot.log
        auth_verbose = yes
        auth_failure_delay = 0
        disable_plaintext_auth = no
        auth_mechanisms = plain login cram-md5 scram-sha-1 scram-sha-256
        passdb {{
          driver = passwd-file
          args = scheme=PLAIN username_format=%u {passwd}
        }}
        userdb {{
          driver = static
          args = uid=nobody gid=nogroup home=/nonexistent
        }}
        service auth {{
          unix_listener {socket_path} {{
            mode = 0660
            user = postfix
            group = postfix
          }}
        }}
        """)


def _main_cf(root: Path, certs: Certs, auth_socket: Path, sink_port: int) -> str:
    return textwrap.dedent(f"""\
        # Generated by tests/integration/submission_fixture.py: submission server on loopback only.
        compatibility_level = 3.6
        config_directory = {root}/etc
        queue_directory = {root}/queue
        data_directory = {root}/data
        mail_owner = postfix
        setgid_group = postdrop
        maillog_file = {root}/maillog
        maillog_file_prefixes = {root}
        myhostname = {SERVER_NAME}
        mydomain = example.test
        myorigin = $myhostname
        inet_interfaces = {LOOPBACK}
        inet_protocols = ipv4
        smtp_bind_address = {LOOPBACK}
        mydestination =
        mynetworks = {LOOPBACK}/32
        relay_domains =
        local_recipient_maps =
        local_transport = error:5.1.1 local delivery is disabled in this fixture
        alias_maps =
        alias_database =
        biff = no
        notify_classes =
        relayhost = [{LOOPBACK}]:{sink_port}
        default_transport = smtp
        smtp_tls_security_level = none
        smtp_sasl_auth_enable = no
        smtp_connect_timeout = 5s
        minimal_backoff_time = 2s
        maximal_backoff_time = 4s
        queue_run_delay = 2s
        delay_warning_time = 0
        # No header rewriting or added Date/Message-ID/From for loopback clients: what the
        # client sent is what the sink gets (plus Postfix's Received: header).
        local_header_rewrite_clients =
        always_add_missing_headers = no
        smtpd_banner = $myhostname ESMTP smtpsend test submission server
        smtpd_error_sleep_time = 0
        smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
        smtpd_recipient_restrictions =
        smtpd_sasl_type = dovecot
        smtpd_sasl_path = {auth_socket}
        smtpd_sasl_auth_enable = no
        smtpd_sasl_authenticated_header = yes
        smtpd_sasl_security_options = noanonymous
        smtpd_tls_chain_files = {certs.server_key}, {certs.server}
        smtpd_tls_CAfile = {certs.ca}
        smtpd_tls_ask_ccert = yes
        smtpd_tls_security_level = none
        smtpd_tls_protocols = >=TLSv1.2
        smtpd_tls_mandatory_protocols = >=TLSv1.2
        smtpd_tls_loglevel = 1
        smtpd_tls_received_header = yes
        smtputf8_enable = yes
        """)


# (directory, mode, group) as in /etc/postfix/postfix-files; owner postfix except pid (root).
_QUEUE_DIRS = (
    ("active", 0o700, "root"), ("bounce", 0o700, "root"), ("corrupt", 0o700, "root"),
    ("defer", 0o700, "root"), ("deferred", 0o700, "root"), ("flush", 0o700, "root"),
    ("hold", 0o700, "root"), ("incoming", 0o700, "root"), ("private", 0o700, "root"),
    ("saved", 0o700, "root"), ("trace", 0o700, "root"), ("maildrop", 0o730, "postdrop"),
    ("public", 0o710, "postdrop"), ("pid", 0o755, "root"),
)

_MASTER_TAIL = """\
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


def _master_cf(ports: dict, certs: Certs) -> str:
    def smtpd(service, *opts):
        lines = [f"{LOOPBACK}:{ports[service]} inet n - n - - smtpd", f"  -o syslog_name=postfix/{service}"]
        lines += [f"  -o {o}" for o in opts]
        return "\n".join(lines) + "\n"

    submission = ("smtpd_tls_security_level=encrypt", "smtpd_sasl_auth_enable=yes", "smtpd_tls_auth_only=yes")
    return ("# Generated by tests/integration/submission_fixture.py\n"
            + smtpd("starttls", *submission)
            + smtpd("smtps", "smtpd_tls_wrappermode=yes", *submission)
            + smtpd("plain", "smtpd_tls_security_level=none", "smtpd_sasl_auth_enable=yes",
                    "smtpd_tls_auth_only=no")
            + smtpd("wrong_host", *submission,
                    f"smtpd_tls_chain_files={certs.wrong_host_key},{certs.wrong_host}")
            + smtpd("expired", *submission, f"smtpd_tls_chain_files={certs.expired_key},{certs.expired}")
            + smtpd("smtps_wrong_host", "smtpd_tls_wrappermode=yes", *submission,
                    f"smtpd_tls_chain_files={certs.wrong_host_key},{certs.wrong_host}")
            + smtpd("smtps_expired", "smtpd_tls_wrappermode=yes", *submission,
                    f"smtpd_tls_chain_files={certs.expired_key},{certs.expired}")
            + _MASTER_TAIL)


# ---------------------------------------------------------------------------------------------
# The server


class SubmissionServer:
    """Postfix smtpd (several loopback ports) + Dovecot SASL + a capturing next hop."""

    user = "alice@example.test"
    password = "correct horse battery staple"
    host = LOOPBACK
    server_name = SERVER_NAME

    def __init__(self, keep: bool | None = None):
        self.keep = os.environ.get("SMTPSEND_KEEP_FIXTURE") == "1" if keep is None else keep
        self.root: Path | None = None
        self.certs: Certs | None = None
        self.ports: dict[str, int] = {}
        self.sink_port: int | None = None
        self.auth_socket: Path | None = None
        self._postfix: subprocess.Popen | None = None
        self._dovecot: subprocess.Popen | None = None
        self._sink: _Sink | None = None
        self._notes: list[str] = []

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self, attempts=3):
        """Starts everything; on any failure stops what was started and raises. A port taken by
        someone else between choosing and binding it is retried with fresh ports."""
        require_all()
        for attempt in range(1, attempts + 1):
            atexit.register(self.stop)  # an interpreter exit without fixture teardown still stops us
            try:
                self._start()
                return self
            except BaseException as e:
                diag = self.diagnostics()
                self.stop()
                # Postfix's master reports a failed bind only to syslog (postlogd is not up yet),
                # so look for ports that are still taken now that everything of ours is stopped.
                taken = [p for p in [*self.ports.values(), self.sink_port] if p and not _bindable(p)]
                in_use = bool(taken) or getattr(e, "errno", None) == errno.EADDRINUSE
                if taken:
                    diag += f"\nports taken by another process meanwhile: {taken}"
                if in_use and attempt < attempts:
                    continue
                if diag:
                    print(diag)
                raise

    def _start(self):
        # /tmp, not pytest's 0700 tmp_path: the postfix and dovecot users must reach their files.
        self.root = Path(tempfile.mkdtemp(prefix="smtpsend-submission-"))
        self.root.chmod(0o755)
        self.certs = make_certificates(self.root / "certs")
        self.root.joinpath("certs").chmod(0o755)
        ports = free_ports(len(SERVICES) + 1)
        self.ports = dict(zip(SERVICES, ports))
        self.sink_port = ports[-1]

        self._sink = _Sink(self.root / "captured", self.sink_port)
        self._sink.start()

        self._start_dovecot()
        self._start_postfix()
        self._wait_ready()

    def _start_dovecot(self):
        dv = self.root / "dovecot"
        (dv / "run").mkdir(parents=True)
        (dv / "state").mkdir()
        dv.chmod(0o755)
        passwd = dv / "passwd"
        passwd.write_text(f"{self.user}:{{PLAIN}}{self.password}::::::\n")
        # The auth process runs as the dovecot user and reads the file; test credentials only.
        os.chown(passwd, 0, pwd.getpwnam("dovecot").pw_gid)
        passwd.chmod(0o640)
        self.auth_socket = dv / "auth-postfix"
        conf = dv / "dovecot.conf"
        conf.write_text(_dovecot_conf(dv, self.auth_socket, passwd, f"smtpsend-test-{os.getpid()}-{id(self)}"))
        _run([DOVECOT, "-c", conf, "-n"], what="dovecot -n (config check)")
        self._dovecot = subprocess.Popen([DOVECOT, "-F", "-c", str(conf)], stdin=subprocess.DEVNULL,
                                         stdout=open(dv / "dovecot.stdout", "wb"), stderr=subprocess.STDOUT)
        self._wait(lambda: self.auth_socket.exists(), self._dovecot, "Dovecot auth socket " + str(self.auth_socket))
        # Dovecot 2.3 delays every authentication from an IP after failures from it (2, 4, 8 s ...
        # via anvil's auth penalty), which auth_failure_delay = 0 does not turn off: the third wrong
        # password in a row then outlasts Postfix's 10 s wait and turns into 454. The auth process
        # (started on first use) disables the penalty when this socket does not exist, so remove it.
        if self._children_named(self._dovecot, "auth"):
            raise SubmissionFixtureError("Dovecot auth started before its penalty socket could be removed")
        (dv / "run" / "anvil-auth-penalty").unlink(missing_ok=True)

    def _start_postfix(self):
        pf = self.root / "postfix"
        etc = pf / "etc"
        etc.mkdir(parents=True)
        pf.chmod(0o755)
        (etc / "main.cf").write_text(_main_cf(pf, self.certs, self.auth_socket, self.sink_port))
        (etc / "master.cf").write_text(_master_cf(self.ports, self.certs))
        # The queue and data directories with the owners and modes of Postfix's postfix-files
        # (what `postfix check` would create, without its seconds-long scan of the installation).
        postfix_uid = pwd.getpwnam("postfix").pw_uid
        postdrop_gid = grp.getgrnam("postdrop").gr_gid
        queue = pf / "queue"
        queue.mkdir(mode=0o755)
        for name, mode, gid in _QUEUE_DIRS:
            d = queue / name
            d.mkdir()
            os.chown(d, postfix_uid if name != "pid" else 0, postdrop_gid if gid == "postdrop" else 0)
            d.chmod(mode)
        (pf / "data").mkdir(mode=0o700)
        os.chown(pf / "data", postfix_uid, 0)
        if os.environ.get("SMTPSEND_POSTFIX_CHECK") == "1":  # Postfix's own verdict on the layout
            _run([POSTFIX, "-c", etc, "check"], what="postfix check")
        # The master in the foreground (-s: do not detach stdout); its PID is ours to stop.
        # (`postfix start-fg` forks master as a child of a shell when not PID 1, so it is not used.)
        self._postfix = subprocess.Popen([POSTFIX_MASTER, "-c", str(etc), "-s"], stdin=subprocess.DEVNULL,
                                         stdout=open(pf / "master.stdout", "wb"), stderr=subprocess.STDOUT,
                                         cwd=pf)

    @staticmethod
    def _children_named(proc, name):
        found = []
        for pid, _ in _children(proc.pid):
            try:
                comm = Path(f"/proc/{pid}/comm").read_text().strip()
            except OSError:
                continue
            if comm == name:
                found.append(pid)
        return found

    def _wait(self, predicate, proc, what):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                raise SubmissionFixtureError(f"{proc.args[0]} exited with {proc.returncode} "
                                             f"while waiting for {what}\n{self.diagnostics()}")
            if predicate():
                return
            time.sleep(0.05)
        raise SubmissionFixtureError(f"timed out after {START_TIMEOUT} s waiting for {what}\n{self.diagnostics()}")

    def _banner(self, port):
        try:
            with socket.create_connection((LOOPBACK, port), timeout=2) as s:
                s.settimeout(2)
                return s.recv(512).startswith(b"220 ")
        except OSError:
            return False

    def _wait_ready(self):
        # Plain smtpd ports answer 220 once master listens and smtpd starts; wrapper-mode ports
        # only need to accept (their 220 comes after the TLS handshake).
        for service in SERVICES:
            if service not in IMPLICIT_TLS:
                self._wait(lambda p=self.ports[service]: self._banner(p), self._postfix, f"220 from postfix/{service}")

        def accepts(port):
            try:
                socket.create_connection((LOOPBACK, port), timeout=2).close()
                return True
            except OSError:
                return False
        for service in IMPLICIT_TLS:
            self._wait(lambda p=self.ports[service]: accepts(p), self._postfix, f"postfix/{service} to accept")

    def stop(self):
        atexit.unregister(self.stop)
        errors = []
        for name, attr in (("postfix master", "_postfix"), ("dovecot", "_dovecot")):
            try:
                _stop_tree(getattr(self, attr), name, self._notes.append)
            except Exception as e:  # keep stopping the rest
                errors.append(f"{name}: {e}")
            setattr(self, attr, None)
        if self._sink is not None:
            try:
                self._sink.stop()
            except Exception as e:
                errors.append(f"sink: {e}")
            self._sink = None
        if self.root is not None and not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None
        if errors:
            raise SubmissionFixtureError("stopping the submission fixture: " + "; ".join(errors))

    # -- what tests use ----------------------------------------------------------------------

    def messages(self) -> list[CapturedMessage]:
        return self._sink.messages() if self._sink else []

    def clear_messages(self):
        if self._sink:
            self._sink.clear()

    def wait_for_messages(self, count=1, timeout=20.0) -> list[CapturedMessage]:
        """Bounded wait until at least `count` messages have been relayed to the capture sink."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.messages()
            if len(got) >= count:
                return got
            time.sleep(0.05)
        raise AssertionError(f"{len(self.messages())} of {count} messages reached the capture sink "
                             f"within {timeout} s\n{self.diagnostics()}")

    def maillog(self) -> str:
        return self._read("postfix/maillog")

    def dovecot_log(self) -> str:
        return self._read("dovecot/dovecot.log")

    def _read(self, rel):
        try:
            return (self.root / rel).read_text(errors="replace") if self.root else ""
        except OSError:
            return ""

    def diagnostics(self, lines=40) -> str:
        out = []
        for rel in ("postfix/maillog", "postfix/master.stdout", "dovecot/dovecot.log", "dovecot/dovecot.stdout"):
            text = self._read(rel)
            if text:
                out.append(f"--- {rel} (last {lines} lines)\n" + "\n".join(text.splitlines()[-lines:]))
        out += self._notes
        return "\n".join(out)

    def pids(self) -> list[int]:
        """PIDs of every fixture process now running (masters and their children)."""
        out = []
        for proc in (self._postfix, self._dovecot):
            if proc is not None and proc.poll() is None:
                out.append(proc.pid)
                out += [p for p, _ in _children(proc.pid)]
        return out

    @staticmethod
    def _socket_inodes(pid):
        inodes = set()
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            return inodes
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
        return inodes

    def listening_sockets(self) -> list[tuple[str, int]]:
        """(address, port) of every TCP/TCP6 listening socket held by Postfix, Dovecot or their
        children, plus the in-process capture sink's."""
        servers = set()
        for pid in self.pids():
            servers |= self._socket_inodes(pid)
        own = self._socket_inodes(os.getpid())
        found = []
        for table, v6 in (("/proc/net/tcp", False), ("/proc/net/tcp6", True)):
            try:
                rows = Path(table).read_text().splitlines()[1:]
            except OSError:
                continue
            for row in rows:
                f = row.split()
                addr_hex, port_hex = f[1].split(":")
                port = int(port_hex, 16)
                if f[3] != "0A":  # LISTEN
                    continue
                if f[9] not in servers and not (f[9] in own and port == self.sink_port):
                    continue
                raw = bytes.fromhex(addr_hex)
                if v6:
                    addr = socket.inet_ntop(socket.AF_INET6, b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4)))
                else:
                    addr = socket.inet_ntoa(raw[::-1])
                found.append((addr, port))
        return found


# ---------------------------------------------------------------------------------------------
# pytest fixtures (import them into a test module, or list this module in pytest_plugins)

try:
    import pytest
except ImportError:  # usable without pytest too
    pytest = None

if pytest is not None:
    @pytest.fixture(scope="module")
    def submission_server():
        """The running servers, shared by the tests of one module. Fails (never skips) when a
        package is missing."""
        server = SubmissionServer()
        try:
            server.start()
        except SubmissionFixtureError as e:
            pytest.fail(str(e), pytrace=False)
        try:
            yield server
        finally:
            server.stop()

    @pytest.fixture
    def submission(submission_server):
        """submission_server with the capture sink emptied for this test; on teardown the log tails
        are printed (pytest shows them only when the test failed)."""
        submission_server.clear_messages()
        yield submission_server
        print(submission_server.diagnostics())
