"""`smtpsend doctor` (SPEC.md "doctor") against a loopback DNS server and loopback MX hosts.

dnsmasq serves the doctor's zone (doctor_zone below): PTR and A records for documentation
addresses, SPF, DKIM and DMARC TXT records, and Spamhaus answers (ZEN `2.0.0.127` -> 127.0.0.2,
listed; another address -> 127.255.255.254, a query error). The MX hosts are aiosmtpd with
STARTTLS and a test CA's certificate, the scripted server (no STARTTLS, echoing the client's IP
in its EHLO reply, never greeting) or nothing at all. Each scenario's JSON is compared with a
golden file, tests/integration/golden/doctor_<scenario>.json, after the per-run values (the
random 127.N.M net, the MX port, generated keys) are replaced by placeholders;
SMTPSEND_UPDATE_GOLDEN=1 rewrites the files.
"""
import base64
import json
import os
import subprocess

import pytest

from fixtures_lib import Dnsmasq
from harness import check_zone_answers, smtpsend_binary
from processes import require_tool
from submission_fixture import make_certificates
from tls_servers import AiosmtpdTls
from zone import _mail_domain, build_zone

OPENSSL = "/usr/bin/openssl"
GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")
TLS_MX = "mail.example.test"  # the name the test certificates carry
DOMAIN = "doctor.test"
HELO = "mail.doctor.test"
IP = "192.0.2.7"
SPF_ALL_TEST_NETS = "v=spf1 ip4:192.0.2.0/24 ip4:127.0.0.0/8 -all"


def ed25519_key(path):
    """A PEM Ed25519 private key (0600) and its DKIM p= (RFC 8463 §4: the raw 32 bytes)."""
    openssl = require_tool(OPENSSL, "openssl")
    subprocess.run([openssl, "genpkey", "-algorithm", "ed25519", "-out", str(path)], check=True,
                   capture_output=True, timeout=30)
    os.chmod(path, 0o600)
    der = subprocess.run([openssl, "pkey", "-in", str(path), "-pubout", "-outform", "DER"],
                         check=True, capture_output=True, timeout=30).stdout
    return base64.b64encode(der[-32:]).decode()


def host(zone, name, address, spf="v=spf1 a -all"):
    """A name with an A record and its PTR (dnsmasq's host-record makes both), and an SPF
    record for it as an EHLO name (RFC 7208 §2.3), which its `a` mechanism passes."""
    zone.extra.append(f"host-record={name},{address}")
    zone.extra.append(f'txt-record={name},"{spf}"')


def keygen(directory, selector, key_type):
    """`smtpsend dkim keygen`: the key file and the TXT record it says to publish."""
    path = directory / f"{selector}.pem"
    proc = subprocess.run([smtpsend_binary(), "dkim", "keygen", "--domain", DOMAIN, "--selector",
                           selector, "--type", key_type, "--out", str(path)],
                          capture_output=True, text=True, timeout=60, check=True)
    record = next(line for line in proc.stdout.splitlines() if line.startswith("v=DKIM1"))
    return path, record


def txt_record_line(name, text):
    """dnsmasq's txt-record with the text cut into character-strings of at most 255 octets."""
    parts = ",".join(f'"{text[i:i + 255]}"' for i in range(0, len(text), 255))
    return f"txt-record={name},{parts}"


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    d = tmp_path_factory.mktemp("dkim")
    published = ed25519_key(d / "published.pem")
    other = ed25519_key(d / "other.pem")
    return {"published": (d / "published.pem", published), "other": (d / "other.pem", other),
            "keygen-ed25519": keygen(d, "ked", "ed25519"), "keygen-rsa": keygen(d, "krsa", "rsa")}


@pytest.fixture(scope="module")
def zone(keys):
    z = build_zone()
    _mail_domain(z, "tls.doctor.test", [(10, z.add_host(TLS_MX, 20))])
    _mail_domain(z, "plain.doctor.test", [(10, z.add_host("mx.plain.doctor.test", 21))])
    _mail_domain(z, "blocked.doctor.test", [(10, z.add_host("mx.blocked.doctor.test", 22))])
    x = z.extra
    # Unknown names under these zones are NXDOMAIN, not REFUSED: what a real zone answers.
    x += ["local=/spamhaus.org/", "local=/2.0.192.in-addr.arpa/", "local=/127.in-addr.arpa/"]
    # 192.0.2.7 <-> mail.doctor.test, whose SPF also lets the other scenarios' addresses pass, so
    # that each golden file fails for its own reason only.
    host(z, HELO, IP, spf="v=spf1 a ip4:192.0.2.0/24 -all")
    host(z, "other.doctor.test", "192.0.2.9")       # PTR not matching --helo mail.doctor.test
    host(z, "listed.doctor.test", "127.0.0.2")      # Spamhaus' test point
    host(z, "error.doctor.test", "192.0.2.11")      # ZEN answers 127.255.255.254 for it
    host(z, "noptr.doctor.test", "198.51.100.8")    # its address's PTR is taken away below
    x.append("local=/100.51.198.in-addr.arpa/")
    x.append("ptr-record=8.100.51.198.in-addr.arpa,nowhere.doctor.test")
    # 192.0.2.8 has no PTR at all; mail.doctor.test's SPF allows the test nets for it.
    x.append(f'txt-record={DOMAIN},"{SPF_ALL_TEST_NETS}"')
    x.append(f'txt-record=_dmarc.{DOMAIN},"v=DMARC1; p=reject"')
    x.append(f'txt-record=s1._domainkey.{DOMAIN},"v=DKIM1; k=ed25519; p={keys["published"][1]}"')
    # What `smtpsend dkim keygen` printed, published as printed (RSA's record is over 255 octets).
    x.append(txt_record_line(f"ked._domainkey.{DOMAIN}", keys["keygen-ed25519"][1]))
    x.append(txt_record_line(f"krsa._domainkey.{DOMAIN}", keys["keygen-rsa"][1]))
    # SPF results other than pass, each on a sender domain of its own (DMARC: doctor.test's).
    x.append('txt-record=fail.doctor.test,"v=spf1 ip4:198.51.100.1 -all"')
    x.append('txt-record=soft.doctor.test,"v=spf1 ip4:198.51.100.1 ~all"')
    lookups = " ".join(f"a:a{i}.doctor.test" for i in range(1, 12))
    x.append(f'txt-record=many.doctor.test,"v=spf1 {lookups} -all"')
    for i in range(1, 12):
        x.append(f"host-record=a{i}.doctor.test,198.51.100.{100 + i}")
    # Spamhaus: ZEN lists 127.0.0.2 (RFC 5782 §5 test point); a refused query answers
    # 127.255.255.254 (a public resolver), which is no listing.
    x.append("address=/2.0.0.127.zen.spamhaus.org/127.0.0.2")
    x.append("address=/11.2.0.192.zen.spamhaus.org/127.255.255.254")
    return z


@pytest.fixture(scope="module")
def dns(zone):
    server = Dnsmasq(zone)
    try:
        server.start()
        check_zone_answers(server, zone)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def certs(tmp_path_factory):
    return make_certificates(tmp_path_factory.mktemp("certs"))


@pytest.fixture
def tls_mx(zone, mx_port, certs):
    server = AiosmtpdTls(zone.ip(TLS_MX), mx_port, certs.server, certs.server_key, TLS_MX).start()
    yield server
    server.stop()


@pytest.fixture
def doctor(dns, zone, mx_port, certs, keys):
    """Runs `smtpsend doctor --json` with this module's DNS server and MX port."""

    def run(*args, public_ip=IP, helo=HELO, sender=f"postmaster@{DOMAIN}"):
        argv = [smtpsend_binary(), "doctor", "--json", "--dns-server", f"127.0.0.1:{dns.port}",
                "--mx-port", str(mx_port), "--ca-file", str(certs.ca), "--timeout", "3",
                "--connect-timeout", "3", "--dns-timeout", "5", "--helo", helo, "--from", sender]
        if public_ip:
            argv += ["--public-ip", public_ip]
        proc = subprocess.run([*argv, *args], capture_output=True, timeout=60)
        assert proc.stderr == b"" and proc.stdout, (proc.returncode, proc.stderr)
        document = json.loads(proc.stdout)
        assert document["exit_code"] == proc.returncode, document
        return document

    def normalise(document):
        text = json.dumps(document, indent=1, sort_keys=True)
        text = text.replace(zone.net + ".", "127.N.M.").replace(f"port {mx_port}", "port MXPORT")
        for name in ("published", "other"):
            text = text.replace(keys[name][1], f"<{name} key>")
        return json.loads(text)

    run.normalise = normalise
    return run


def verdicts(document):
    return {c["check"]: c["verdict"] for c in document["checks"]}


def assert_golden(doctor, scenario, document):
    normalised = doctor.normalise(document)
    path = os.path.join(GOLDEN, f"doctor_{scenario}.json")
    if os.environ.get("SMTPSEND_UPDATE_GOLDEN"):
        with open(path, "w", encoding="utf-8") as f:
            json.dump(normalised, f, indent=1, sort_keys=True)
            f.write("\n")
    with open(path, encoding="utf-8") as f:
        assert normalised == json.load(f)


def test_all_pass(doctor, tls_mx, keys):
    document = doctor("--to", "tls.doctor.test", "--dkim", f"s1:{keys['published'][0]}")
    assert [c["check"] for c in document["checks"]] == [
        "port25", "public-ip", "ptr", "helo", "spf", "spf-helo", "dkim", "dmarc", "dnsbl", "tls"]
    assert set(verdicts(document).values()) == {"PASS"}, document
    assert document["exit_code"] == 0
    assert_golden(doctor, "all_pass", document)
    # The doctor never sends mail.
    assert tls_mx.wait_for_messages(0) == []


def test_keys_made_by_dkim_keygen_and_published_as_printed_pass(doctor, keys):
    document = doctor("--dkim", f"ked:{keys['keygen-ed25519'][0]}",
                      "--dkim", f"krsa:{keys['keygen-rsa'][0]}")
    dkim = [c for c in document["checks"] if c["check"] == "dkim"]
    assert [(c["verdict"], c["evidence"]) for c in dkim] == [
        ("PASS", f"the key published at ked._domainkey.{DOMAIN} matches --dkim ked (ed25519)"),
        ("PASS", f"the key published at krsa._domainkey.{DOMAIN} matches --dkim krsa (rsa)")]
    assert set(verdicts(document).values()) == {"PASS"}, document


def test_absent_checks_without_to_and_dkim(doctor):
    document = doctor()
    assert list(verdicts(document)) == [
        "public-ip", "ptr", "helo", "spf", "spf-helo", "dmarc", "dnsbl"]


def test_ptr_missing(doctor):
    document = doctor(public_ip="192.0.2.8")
    assert verdicts(document)["ptr"] == "FAIL"
    assert document["exit_code"] == 69
    assert_golden(doctor, "ptr_missing", document)


def test_ptr_not_forward_confirmed(doctor):
    document = doctor(public_ip="198.51.100.8")
    ptr = next(c for c in document["checks"] if c["check"] == "ptr")
    assert ptr["verdict"] == "FAIL" and "not forward-confirmed" in ptr["evidence"], ptr


def test_ptr_not_matching_helo(doctor):
    document = doctor(public_ip="192.0.2.9")
    ptr = next(c for c in document["checks"] if c["check"] == "ptr")
    assert ptr["verdict"] == "FAIL" and ptr["fix"] == "use --helo other.doctor.test", ptr
    assert_golden(doctor, "ptr_not_helo", document)


@pytest.mark.parametrize("scenario,domain", [("spf_fail", "fail.doctor.test"),
                                             ("spf_softfail", "soft.doctor.test"),
                                             ("spf_permerror", "many.doctor.test")])
def test_spf_not_pass(doctor, scenario, domain):
    document = doctor(sender=f"someone@{domain}")
    assert verdicts(document)["spf"] == "FAIL", document
    # DMARC at the organisational domain, doctor.test: SPF does not pass, no DKIM: no alignment.
    assert verdicts(document)["dmarc"] == "WARN", document
    assert document["exit_code"] == 69
    assert_golden(doctor, scenario, document)


def test_dkim_key_mismatch(doctor, keys):
    document = doctor("--dkim", f"s1:{keys['other'][0]}")
    assert verdicts(document)["dkim"] == "FAIL"
    assert document["exit_code"] == 69
    assert_golden(doctor, "dkim_mismatch", document)


def test_dnsbl_listed(doctor):
    document = doctor(public_ip="127.0.0.2", helo="listed.doctor.test")
    assert verdicts(document)["dnsbl"] == "FAIL"
    assert document["exit_code"] == 69
    assert_golden(doctor, "listed", document)


def test_dnsbl_query_error_is_unknown_never_listed(doctor):
    document = doctor(public_ip="192.0.2.11", helo="error.doctor.test")
    dnsbl = next(c for c in document["checks"] if c["check"] == "dnsbl")
    assert dnsbl["verdict"] == "UNKNOWN" and "127.255.255.254" in dnsbl["evidence"], dnsbl
    assert "is listed" not in dnsbl["evidence"]
    assert set(verdicts(document).values()) == {"PASS", "UNKNOWN"}, document
    assert document["exit_code"] == 75
    assert_golden(doctor, "dnsbl_error", document)


def test_no_starttls(doctor, scripted):
    scripted({"mx.plain.doctor.test": {"capabilities": ["PIPELINING", "8BITMIME"]}})
    document = doctor("--to", "plain.doctor.test")
    tls = next(c for c in document["checks"] if c["check"] == "tls")
    assert tls["verdict"] == "FAIL" and "does not offer STARTTLS" in tls["evidence"], tls
    assert verdicts(document)["port25"] == "PASS"
    assert_golden(doctor, "no_starttls", document)


def test_public_ip_from_the_ehlo_reply(doctor, scripted, zone):
    server = scripted({"mx.plain.doctor.test": {"ehlo_hello": "{host} Hello client [{client}]"}})
    document = doctor("--to", "plain.doctor.test", public_ip=None)
    peer = server.connections(zone.ip("mx.plain.doctor.test"))[0]["peer"]
    public_ip = next(c for c in document["checks"] if c["check"] == "public-ip")
    assert public_ip == {"check": "public-ip", "verdict": "PASS", "fix": "",
                         "evidence": f"{peer}, as mx.plain.doctor.test reported in its EHLO reply"}
    # The doctor said EHLO and quit; it never sent MAIL.
    commands = [e["line"].split()[0].upper()
                for e in server.events(zone.ip("mx.plain.doctor.test"), "command")]
    assert commands == ["EHLO", "QUIT"], commands


def test_port25_blocked_by_a_listener_that_never_greets(doctor, scripted):
    scripted({"mx.blocked.doctor.test": {"greeting": None, "hold_seconds": 10}})
    document = doctor("--to", "blocked.doctor.test")
    port25 = next(c for c in document["checks"] if c["check"] == "port25")
    assert port25["verdict"] == "FAIL" and "use --relay" in port25["fix"], port25
    assert "never greeted" in port25["evidence"]
    assert document["exit_code"] == 69
    assert_golden(doctor, "port25_blocked", document)


@pytest.mark.parametrize("which,reason", [("expired", "certificate has expired"),
                                          ("wrong_host", "hostname mismatch")])
def test_certificate_that_does_not_verify_is_a_warning(doctor, zone, mx_port, certs, which,
                                                       reason):
    server = AiosmtpdTls(zone.ip(TLS_MX), mx_port, getattr(certs, which),
                         getattr(certs, which + "_key"), TLS_MX).start()
    try:
        document = doctor("--to", "tls.doctor.test")
    finally:
        server.stop()
    tls = next(c for c in document["checks"] if c["check"] == "tls")
    assert tls["verdict"] == "WARN" and reason in tls["evidence"], tls
    assert document["exit_code"] == 0, document


def test_dns_trouble_is_unknown_and_75(doctor, tmp_path):
    argv = [smtpsend_binary(), "doctor", "--json", "--dns-server", "127.0.0.1:1",
            "--dns-timeout", "5", "--helo", HELO, "--from", f"postmaster@{DOMAIN}",
            "--public-ip", IP]
    proc = subprocess.run(argv, capture_output=True, timeout=60, text=True)
    document = json.loads(proc.stdout)
    assert proc.returncode == 75 == document["exit_code"], document
    assert {c["verdict"] for c in document["checks"]} == {"PASS", "UNKNOWN"}, document


def test_port25_refused(doctor):
    document = doctor("--to", "blocked.doctor.test")  # nothing listens there
    port25 = next(c for c in document["checks"] if c["check"] == "port25")
    assert port25["verdict"] == "FAIL" and "refused the connection" in port25["evidence"], port25


def test_text_output_one_line_per_check(dns, mx_port):
    argv = [smtpsend_binary(), "doctor", "--dns-server", f"127.0.0.1:{dns.port}",
            "--dns-timeout", "5", "--helo", HELO, "--from", f"postmaster@{DOMAIN}",
            "--public-ip", IP]
    proc = subprocess.run(argv, capture_output=True, timeout=60, text=True)
    lines = proc.stdout.splitlines()
    assert [line.split()[1] for line in lines] == [
        "public-ip:", "ptr:", "helo:", "spf:", "spf-helo:", "dmarc:", "dnsbl:"], proc.stdout
    assert lines[0] == f"PASS     public-ip: {IP} (--public-ip)"
    assert all(line.split()[0] in ("PASS", "WARN", "FAIL", "UNKNOWN") for line in lines)


@pytest.mark.parametrize("args,code,words", [
    (["--public-ip", "not-an-ip"], 64, "--public-ip must be an IP address"),
    (["--to", "bad..domain"], 64, "--to must be a domain name"),
    (["--from", "nodomain"], 64, "--from must be an address with a domain"),
    (["--dkim", "s1"], 64, "--dkim must be SELECTOR:KEYFILE"),
    (["--dkim", "s1:/nonexistent/key.pem"], 78, "/nonexistent/key.pem"),
    (["--ca-file", "/nonexistent/ca.pem"], 66, "/nonexistent/ca.pem"),
    (["--bogus"], 64, "--bogus"),
])
def test_usage_errors(args, code, words):
    proc = subprocess.run([smtpsend_binary(), "doctor", *args], capture_output=True, timeout=30,
                          text=True)
    assert proc.returncode == code, proc
    assert proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and words in proc.stderr, proc.stderr
