"""DKIM signing (SPEC.md "DKIM signing", RFC 6376, RFC 8463): every signature smtpsend makes is
checked, on the bytes the server received, by independent verifiers that fetch the key from a
loopback DNS server serving the TXT records `smtpsend dkim keygen` printed:

  python3-dkim (dkimpy)  every signature (Ed25519 through python3-nacl)
  Mail::DKIM             every RSA signature (Debian 12's 1.20230212 knows no Ed25519)
  mailauth (Node)        every signature (scripts/install-mailauth.sh)

Forms: 7-bit; 8-bit through 8BITMIME; 8-bit converted to quoted-printable for a server without
8BITMIME; each by DATA and by CHUNKING (BDAT); --each copies; large spooled messages (a file, a
pipe) in both forms. Tampering (an appended body line, a second From:, an added Reply-To:) fails
every verifier; re-folded headers still pass (relaxed). No signature has l=.
"""
import os
import re
import shutil
import stat
import subprocess

import dkim
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

import dnsq
from fixtures_lib import Dnsmasq
from harness import sendmail_link, smtpsend_binary
from processes import FixtureError, require_tool

HERE = os.path.dirname(os.path.abspath(__file__))
VERIFIERS = os.path.join(HERE, "dkim_verifiers")
MAILAUTH_PREFIX = os.environ.get("SMTPSEND_MAILAUTH_PREFIX", "/opt/smtpsend-test/mailauth")
HOST = "mx1.example.test"
DOMAIN = "example.test"
SELECTORS = {"rsa": "rsa2048", "ed25519": "ed1"}

SEVEN_BIT = (b"From: Alice <alice@example.test>\n"
             b"To: Bob <bob@example.test>\n"
             b"Subject: a signed message\n"
             b"\n"
             b"Plain text,  with  runs of spaces \n"
             b".a line starting with a dot\n"
             b"\n\n")
EIGHT_BIT = (b"From: Alice <alice@example.test>\n"
             b"To: Bob <bob@example.test>\n"
             b"Subject: caf\xc3\xa9 in the body only\n".replace(b"caf\xc3\xa9", b"cafe") +
             b"MIME-Version: 1.0\n"
             b"Content-Type: text/plain; charset=utf-8\n"
             b"Content-Transfer-Encoding: 8bit\n"
             b"\n"
             b"caf\xc3\xa9 na\xc3\xafve \xc3\xa9t\xc3\xa9\n"
             b".dot line\n")


# ---------------------------------------------------------------------------------------------
# Keys and the DNS server that publishes them

class KeyZone:
    """The TXT records of the keys, for the fixtures' Dnsmasq (which checks example.test's MX)."""

    def __init__(self, records):
        self.records = records  # name -> record text

    def dnsmasq_config(self):
        lines = ["local=/test/", f"mx-host={DOMAIN},{HOST},10"]
        for name, text in self.records.items():
            # RFC 1035 §3.3.14: strings of at most 255 octets; verifiers join them.
            strings = ",".join(f'"{text[i:i + 250]}"' for i in range(0, len(text), 250))
            lines.append(f"txt-record={name},{strings}")
        return "\n".join(lines) + "\n"


def keygen(directory, key_type, selector, domain=DOMAIN, out=None):
    out = out or os.path.join(directory, f"{selector}.pem")
    done = subprocess.run([smtpsend_binary(), "dkim", "keygen", "--domain", domain, "--selector", selector,
                           "--type", key_type, "--out", out], capture_output=True, timeout=60)
    return done, out


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    """{type: (selector, key file, TXT record)} made by smtpsend dkim keygen."""
    directory = str(tmp_path_factory.mktemp("dkim-keys"))
    made = {}
    for key_type, selector in SELECTORS.items():
        done, path = keygen(directory, key_type, selector)
        assert done.returncode == 0, done
        records = re.findall(r"^v=DKIM1;.*$", done.stdout.decode(), re.M)
        assert len(records) == 1, done.stdout
        made[key_type] = (selector, path, records[0])
    return made


@pytest.fixture(scope="module")
def key_dns(keys):
    server = Dnsmasq(KeyZone({f"{s}._domainkey.{DOMAIN}": r for s, _, r in keys.values()}))
    try:
        server.start()
        yield server
    finally:
        server.stop()


# ---------------------------------------------------------------------------------------------
# The verifiers

def txt_lookup(key_dns):
    """dkimpy's dnsfunc: the TXT record's strings joined, from the loopback server."""
    def lookup(name, timeout=5):
        answer = dnsq.query("127.0.0.1", key_dns.port, name.decode().rstrip("."), dnsq.TYPE_TXT, timeout=timeout)
        for rtype, rdata in answer.records:
            if rtype == dnsq.TYPE_TXT:
                strings, at = [], 0
                while at < len(rdata):
                    strings.append(rdata[at + 1:at + 1 + rdata[at]])
                    at += 1 + rdata[at]
                return b"".join(strings)
        return None
    return lookup


def signatures(message):
    """The tags of every DKIM-Signature field, top to bottom."""
    header = message.split(b"\r\n\r\n", 1)[0]
    fields = re.findall(rb"^DKIM-Signature:(.*?)(?=\r\n(?![ \t]))", header, re.M | re.S | re.I)
    found = []
    for field in fields:
        text = re.sub(rb"\s+", b"", field).decode()
        found.append(dict(tag.split("=", 1) for tag in text.split(";") if tag))
    return found


def python_dkim(message, key_dns):
    def one(i):
        try:
            return dkim.DKIM(message).verify(idx=i, dnsfunc=txt_lookup(key_dns))
        except dkim.ValidationError:  # a signature other than the first raises on a bad body hash
            return False
    return [one(i) for i in range(len(signatures(message)))]


def run_verifier(argv, message):
    done = subprocess.run(argv, input=message, capture_output=True, timeout=60)
    if done.returncode != 0:
        raise AssertionError(f"{argv[0]} failed ({done.returncode}): {done.stderr.decode()}")
    return [line.split() for line in done.stdout.decode().splitlines() if line.strip()]


def mail_dkim(message, key_dns):
    """[(result, algorithm, selector)] per signature, in the message's order."""
    lines = run_verifier(["perl", os.path.join(VERIFIERS, "mail_dkim_verify.pl"), "127.0.0.1", str(key_dns.port)],
                         message)
    return [(words[0], words[1], words[2]) for words in lines]


def mailauth(message, key_dns):
    if not os.path.exists(os.path.join(MAILAUTH_PREFIX, "node_modules", "mailauth", "package.json")):
        raise FixtureError(f"mailauth is not installed in {MAILAUTH_PREFIX}: run scripts/install-mailauth.sh")
    lines = run_verifier(["node", os.path.join(VERIFIERS, "mailauth_verify.js"), "127.0.0.1", str(key_dns.port)],
                         message)
    return [(words[0], words[1], words[2]) for words in lines]


def verdicts(message, key_dns):
    """Every verifier's verdict on every signature: {verifier: [True/False per signature]}."""
    sigs = signatures(message)
    rsa = [i for i, s in enumerate(sigs) if s["a"] == "rsa-sha256"]
    by_mail_dkim = mail_dkim(message, key_dns)
    by_mailauth = mailauth(message, key_dns)
    assert len(by_mailauth) == len(sigs), by_mailauth
    assert [entry[1] for entry in by_mail_dkim if entry[1] == "rsa-sha256"] == ["rsa-sha256"] * len(rsa)
    mail_dkim_rsa = [entry[0] == "pass" for entry in by_mail_dkim if entry[1] == "rsa-sha256"]
    found = {
        "python3-dkim": python_dkim(message, key_dns),
        "mailauth": [entry[0] == "pass" for entry in by_mailauth],
    }
    if rsa:
        found["Mail::DKIM"] = mail_dkim_rsa
    return found


def assert_signed_and_verified(message, key_dns, key_types):
    sigs = signatures(message)
    assert [s["a"] for s in sigs] == [f"{t}-sha256" for t in key_types], sigs
    for s in sigs:
        assert "l" not in s, s
        assert s["c"] == "relaxed/relaxed" and s["d"] == DOMAIN and s["v"] == "1", s
        assert s["h"].split(":")[:2] == ["from", "from"], s
        assert "t" in s
    for line in message.split(b"\r\n"):
        assert len(line) <= 998
    found = verdicts(message, key_dns)
    for verifier, results in found.items():
        assert results and all(results), (verifier, results, message[:3000])
    return found


def assert_fails_everywhere(message, key_dns):
    found = verdicts(message, key_dns)
    for verifier, results in found.items():
        assert results and not any(results), (verifier, results)


# ---------------------------------------------------------------------------------------------
# A server that keeps what it received: aiosmtpd, with or without 8BITMIME and CHUNKING

class Capture:
    def __init__(self, eight_bit_mime, chunking):
        self.eight_bit_mime, self.chunking = eight_bit_mime, chunking
        self.received = []  # (how, mail options, bytes)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        kept = [r for r in responses if not r.startswith("250-AUTH")]
        if not self.eight_bit_mime:
            kept = [r for r in kept if "8BITMIME" not in r]
        extra = ["250-PIPELINING"] + (["250-CHUNKING"] if self.chunking else [])
        return kept[:1] + extra + kept[1:]

    async def handle_DATA(self, server, session, envelope):
        self.received.append(("DATA", list(envelope.mail_options), bytes(envelope.original_content)))
        return "250 2.0.0 Ok: kept"


class ChunkingSmtp(SMTP):
    """aiosmtpd plus BDAT (RFC 3030 §2): chunks are read whole and kept until BDAT LAST."""

    async def smtp_BDAT(self, arg):
        words = (arg or "").split()
        if not words or not words[0].isdigit() or len(words) > 2 or (len(words) == 2 and words[1].upper() != "LAST"):
            await self.push("501 5.5.4 Syntax: BDAT size [LAST]")
            return
        chunk = await self._reader.readexactly(int(words[0]))
        if not self.envelope.rcpt_tos:
            await self.push("503 5.5.1 Error: need RCPT command")
            return
        self.envelope.bdat = getattr(self.envelope, "bdat", b"") + chunk
        if len(words) == 2:
            self.event_handler.received.append(("BDAT", list(self.envelope.mail_options), self.envelope.bdat))
            self._set_rset_state()
            await self.push("250 2.0.0 Ok: kept")
        else:
            await self.push("250 2.0.0 chunk ok")


class ChunkingController(Controller):
    def factory(self):
        return ChunkingSmtp(self.handler, **self.SMTP_kwargs)


@pytest.fixture
def server(zone, mx_port):
    started = []

    def start(eight_bit_mime=True, chunking=False):
        handler = Capture(eight_bit_mime, chunking)
        controller = ChunkingController(handler, hostname=zone.ip(HOST), port=mx_port, decode_data=False,
                                        data_size_limit=0, ready_timeout=10, server_hostname=HOST)
        controller.start()
        started.append(controller)
        return handler

    yield start
    for controller in started:
        controller.stop()


def dkim_args(keys, key_types):
    args = []
    for key_type in key_types:
        selector, path, _ = keys[key_type]
        args += ["--dkim", f"{selector}:{path}"]
    return args


# ---------------------------------------------------------------------------------------------
# Every form, both key types and both together, DATA and BDAT

KEY_SETS = {"rsa": ["rsa"], "ed25519": ["ed25519"], "rsa+ed25519": ["rsa", "ed25519"]}
FORMS = {
    # name: (message, server offers 8BITMIME, what the body must be on the wire)
    "7bit": (SEVEN_BIT, True, None),
    "8bit-8bitmime": (EIGHT_BIT, True, "8bit"),
    "8bit-downgraded-qp": (EIGHT_BIT, False, "quoted-printable"),
}


@pytest.mark.parametrize("transfer", ["DATA", "BDAT"])
@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("key_set", KEY_SETS)
def test_every_form_verifies(smtpsend, server, keys, key_dns, key_set, form, transfer):
    message, eight_bit_mime, encoding = FORMS[form]
    sink = server(eight_bit_mime=eight_bit_mime, chunking=transfer == "BDAT")
    result = smtpsend.run(*dkim_args(keys, KEY_SETS[key_set]), "bob@example.test", stdin=message)
    assert result.returncode == 0, result
    [(how, options, received)] = sink.received
    assert how == transfer
    if encoding == "quoted-printable":
        assert max(received) < 0x80 and b"Content-Transfer-Encoding: quoted-printable" in received
        assert "BODY=8BITMIME" not in options
    elif encoding == "8bit":
        assert b"caf\xc3\xa9" in received and "BODY=8BITMIME" in options
    assert_signed_and_verified(received, key_dns, KEY_SETS[key_set])


@pytest.mark.parametrize("eight_bit_mime", [True, False])
def test_each_copy_is_signed_on_its_own(smtpsend, server, keys, key_dns, eight_bit_mime):
    sink = server(eight_bit_mime=eight_bit_mime)
    result = smtpsend.run(*dkim_args(keys, ["rsa", "ed25519"]), "--each", "bob@example.test", "carol@example.test",
                          stdin=EIGHT_BIT)
    assert result.returncode == 0, result
    copies = [received for _, _, received in sink.received]
    assert len(copies) == 2
    assert b"To: bob@example.test" in copies[0] and b"To: carol@example.test" in copies[1]
    bodies_hashes = set()
    for copy in copies:
        assert_signed_and_verified(copy, key_dns, ["rsa", "ed25519"])
        bodies_hashes.add(tuple(s["b"] for s in signatures(copy)))
    assert len(bodies_hashes) == 2  # each copy its own signatures


def large_message(lines=40000, line=b"caf\xc3\xa9 " * 10):
    """About 2.6 MB (spooled: over 256 KiB) with 8-bit body lines."""
    return (b"From: Alice <alice@example.test>\nTo: Bob <bob@example.test>\nSubject: large\n"
            b"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n" + (line + b"\n") * lines)


@pytest.mark.parametrize("eight_bit_mime", [True, False])
@pytest.mark.parametrize("source", ["file", "pipe"])
def test_large_spooled_message_verifies_in_both_forms(smtpsend, server, keys, key_dns, tmp_path, eight_bit_mime,
                                                       source):
    sink = server(eight_bit_mime=eight_bit_mime, chunking=True)
    message = large_message()
    if source == "file":
        path = tmp_path / "large.eml"
        path.write_bytes(message)
        result = smtpsend.run(*dkim_args(keys, ["rsa", "ed25519"]), "-m", str(path), "bob@example.test")
    else:
        result = smtpsend.run(*dkim_args(keys, ["rsa", "ed25519"]), "bob@example.test", stdin=message)
    assert result.returncode == 0, result
    [(_, _, received)] = sink.received
    assert len(received) > 2_000_000
    assert (max(received) < 0x80) == (not eight_bit_mime)
    assert_signed_and_verified(received, key_dns, ["rsa", "ed25519"])


def test_long_line_form_sent_everywhere_is_signed(smtpsend, server, keys, key_dns):
    sink = server(eight_bit_mime=True)
    message = b"From: Alice <alice@example.test>\nSubject: long\n\n" + b"x" * 5000 + b"\n"
    result = smtpsend.run(*dkim_args(keys, ["rsa", "ed25519"]), "bob@example.test", stdin=message)
    assert result.returncode == 0, result
    [(_, _, received)] = sink.received
    assert b"quoted-printable" in received
    assert_signed_and_verified(received, key_dns, ["rsa", "ed25519"])


# ---------------------------------------------------------------------------------------------
# Tampering fails, re-folding passes

def received_signed(smtpsend, server, keys, message=EIGHT_BIT):
    sink = server(eight_bit_mime=True)
    result = smtpsend.run(*dkim_args(keys, ["rsa", "ed25519"]), "bob@example.test", stdin=message)
    assert result.returncode == 0, result
    return sink.received[0][2]


def test_tampering_fails_every_verifier(smtpsend, server, keys, key_dns):
    received = received_signed(smtpsend, server, keys)
    assert_signed_and_verified(received, key_dns, ["rsa", "ed25519"])
    header, body = received.split(b"\r\n\r\n", 1)
    # An appended body line: no l=, so the body hash covers everything.
    assert_fails_everywhere(received + b"appended line\r\n", key_dns)
    # A second From: (above or below the first): From is oversigned.
    assert_fails_everywhere(b"From: Mallory <mallory@example.test>\r\n" + received, key_dns)
    assert_fails_everywhere(header + b"\r\nFrom: Mallory <mallory@example.test>\r\n\r\n" + body, key_dns)
    # An added Reply-To: its empty instance is signed.
    assert_fails_everywhere(header + b"\r\nReply-To: mallory@example.test\r\n\r\n" + body, key_dns)


def test_refolded_headers_still_pass(smtpsend, server, keys, key_dns):
    received = received_signed(smtpsend, server, keys)
    refolded = received.replace(b"Subject: cafe in the body only", b"Subject:   cafe in\r\n\tthe body \r\n  only  ")
    refolded = refolded.replace(b"To: Bob <bob@example.test>", b"TO:Bob\r\n <bob@example.test>")
    assert refolded != received
    assert_signed_and_verified(refolded, key_dns, ["rsa", "ed25519"])
    # Trailing spaces on a body line and extra empty lines at the end: relaxed body.
    header, body = refolded.split(b"\r\n\r\n", 1)
    assert_signed_and_verified(header + b"\r\n\r\n" + body.replace(b"\r\n", b" \t\r\n", 1) + b"\r\n\r\n", key_dns,
                               ["rsa", "ed25519"])


# ---------------------------------------------------------------------------------------------
# keygen, the key files, and what --dkim refuses

def test_keygen_writes_a_private_key_0600_and_prints_the_record(keys, tmp_path):
    for key_type, (selector, path, record) in keys.items():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        with open(path, encoding="ascii") as f:
            assert f.read().startswith("-----BEGIN PRIVATE KEY-----\n")
        assert record.startswith(f"v=DKIM1; k={key_type}; p=")
    ed = keys["ed25519"][2]
    assert len(ed.split("p=")[1]) == 44  # RFC 8463 §4: the raw 32-byte key, base64
    done, _ = keygen(str(tmp_path), "rsa", "mail", out=str(tmp_path / "mine.pem"))
    out = done.stdout.decode()
    assert "mail._domainkey.example.test" in out and "--dkim mail:" in out
    # The zone-file form splits the record into strings of at most 255 octets.
    zone_line = [line for line in out.splitlines() if " IN TXT " in line][0]
    assert all(len(s) <= 255 for s in re.findall(r'"([^"]*)"', zone_line))
    assert "".join(re.findall(r'"([^"]*)"', zone_line)) == re.findall(r"^v=DKIM1;.*$", out, re.M)[0]


def test_keygen_never_overwrites(tmp_path):
    existing = tmp_path / "key.pem"
    existing.write_text("precious\n")
    done, _ = keygen(str(tmp_path), "ed25519", "s", out=str(existing))
    assert done.returncode == 73, done
    lines = done.stderr.decode().splitlines()
    assert len(lines) == 1 and str(existing) in lines[0], lines
    assert existing.read_text() == "precious\n"
    assert done.stdout == b""


@pytest.mark.parametrize("args, message", [
    (["--type", "dsa"], "--type must be rsa or ed25519, not 'dsa'"),
    (["--selector", "a b"], "--selector: 'a b' is not a DKIM selector"),
])
def test_keygen_usage_errors(tmp_path, args, message):
    base = {"--domain": "example.test", "--selector": "s", "--type": "rsa", "--out": str(tmp_path / "k.pem")}
    for i in range(0, len(args), 2):
        base[args[i]] = args[i + 1]
    argv = [smtpsend_binary(), "dkim", "keygen"] + [x for kv in base.items() for x in kv]
    done = subprocess.run(argv, capture_output=True, timeout=60)
    assert done.returncode == 64
    assert message in done.stderr.decode()
    assert not (tmp_path / "k.pem").exists()


RSA_1024 = subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"],
                          capture_output=True, check=True).stdout if shutil.which("openssl") else None


@pytest.mark.parametrize("case", ["group-readable", "other-readable", "not-pem", "rsa-1024", "missing"])
def test_bad_key_file_is_78_with_one_line_and_nothing_sent(smtpsend, server, keys, tmp_path, case):
    sink = server()
    path = tmp_path / "key.pem"
    good = open(keys["ed25519"][1], "rb").read()
    content, mode = {"group-readable": (good, 0o640), "other-readable": (good, 0o604),
                     "not-pem": (b"not a key\n", 0o600), "rsa-1024": (RSA_1024, 0o600),
                     "missing": (None, 0)}[case]
    if content is not None:
        path.write_bytes(content)
        os.chmod(path, mode)
    result = smtpsend.run("--dkim", f"s:{path}", "bob@example.test", stdin=SEVEN_BIT)
    assert result.returncode == 78, result
    assert len(result.stderr_lines()) == 1 and str(path) in result.stderr, result
    assert sink.received == []


def test_dkim_domain_overrides_from(smtpsend, server, keys, key_dns):
    sink = server()
    message = SEVEN_BIT.replace(b"alice@example.test", b"alice@elsewhere.test")
    result = smtpsend.run(*dkim_args(keys, ["ed25519"]), "--dkim-domain", DOMAIN, "bob@example.test", stdin=message)
    assert result.returncode == 0, result
    received = sink.received[0][2]
    assert signatures(received)[0]["d"] == DOMAIN
    assert all(verdicts(received, key_dns)["python3-dkim"])


def test_without_dkim_nothing_is_signed(smtpsend, server):
    sink = server()
    assert smtpsend.run("bob@example.test", stdin=SEVEN_BIT).returncode == 0
    assert b"DKIM-Signature" not in sink.received[0][2]


def test_config_keys_sign_through_the_sendmail_personality(dns, mx_port, server, keys, key_dns, tmp_path):
    """cron's sendmail with only /etc/smtpsend.toml-style keys: `dkim` (a key file relative to the
    configuration file's directory) and `dkim-domain`."""
    sink = server()
    link, config, env = sendmail_link(tmp_path, dns.port, mx_port, timeout=10)
    selector, path, _ = keys["rsa"]
    shutil.copy(path, config.parent / "rsa.pem")
    os.chmod(config.parent / "rsa.pem", 0o600)
    with open(config, "a", encoding="ascii") as f:
        f.write(f'dkim = ["{selector}:rsa.pem", "{keys["ed25519"][0]}:{keys["ed25519"][1]}"]\n'
                f'dkim-domain = "{DOMAIN}"\n')
    message = b"From: root (Cron Daemon)\nSubject: cron output\n\nhello\n"
    done = subprocess.run([str(link), "-FCronDaemon", "-i", "-B8BITMIME", "-oem", "bob@example.test"],
                          input=message, capture_output=True, timeout=60, env=env)
    assert done.returncode == 0, done
    [(_, _, received)] = sink.received
    assert_signed_and_verified(received, key_dns, ["rsa", "ed25519"])


def peak_rss_kib(smtpsend, args, path):
    """GNU time's %M for one run of smtpsend ARGS -m PATH (the client's own rusage)."""
    gnu_time = require_tool("/usr/bin/time", "time")
    out = path.parent / "rss.txt"
    argv = [gnu_time, "-f", "%M", "-o", str(out), smtpsend.binary, *smtpsend.base_args(10),
            "-f", "sender@client.test", *args, "-m", str(path), "bob@example.test"]
    # ASan's quarantine holds freed blocks back (they are not smtpsend's memory); kept small as
    # test_large_message.py does, so the comparison holds for the sanitizer build too.
    env = {**os.environ,
           "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=1:detect_leaks=0"}
    done = subprocess.run(argv, capture_output=True, timeout=120, env=env)
    assert done.returncode == 0, done
    return int(out.read_text().split()[-1])


def test_signing_a_large_message_keeps_memory_constant(smtpsend, server, keys, tmp_path):
    """The signer streams: a 20 MB 8-bit message signed in both forms (as it is, and the
    quoted-printable form made while read) needs no more memory than a one-line one."""
    server(eight_bit_mime=False, chunking=True)
    small = tmp_path / "small.eml"
    small.write_bytes(b"From: alice@example.test\nSubject: s\n\nx\n")
    large = tmp_path / "large.eml"
    large.write_bytes(large_message(lines=300000))
    args = dkim_args(keys, ["rsa", "ed25519"])
    baseline = peak_rss_kib(smtpsend, args, small)
    peak = peak_rss_kib(smtpsend, args, large)
    # Holding the 20 MB message (or its quoted-printable form) would add 20 MiB or more; the
    # allowance is allocator and ASan shadow noise (the sanitizer build grows 2.7 MiB here).
    assert peak < baseline + 6 * 1024, (baseline, peak)
