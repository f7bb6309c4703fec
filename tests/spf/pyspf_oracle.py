#!/usr/bin/python3
"""Differential test: dns/spf's check_host() (through spf_check_driver) against pyspf
(Debian's python3-spf, `spf.query(...).check()`) on seeded random policies and zones. Both get
the same zone: the driver through its Dns seam, pyspf through `spf.DNSLookup`, replaced the way
its own testspf.py feeds it zone data. Prints the agreement count; every disagreement fails the
test and is printed with its zone.

The generator stays where RFC 7208 leaves pyspf and this evaluator no room to differ; pyspf
deviates from the RFC (or from choices docs/decisions.md records) in these corners, which it
therefore does not produce:
- macro delimiters other than "." only on %{l} and %{s}: pyspf rejoins the other letters' parts
  with the original delimiters, RFC 7208 §7.3 says with ".";
- no expansion over 253 octets: pyspf removes one label, §7.3 says as many as needed;
- the client always has a PTR record and every PTR or MX target has addresses of both families,
  and none of them times out: pyspf counts a void lookup for every address lookup of an MX host
  or PTR name and turns a failed PTR-name lookup into temperror (§5.5: skip the name; our void
  limit counts terms, docs/decisions.md);
- a scenario with redirect= reaches at most 9 DNS-querying terms: pyspf counts redirect= when it
  parses the record, not when it follows it, so the two differ only at the 10-term limit;
- no %{t} (pyspf reads the clock), no c/r/t in unknown modifiers (pyspf refuses them, §12
  allows them), no repeated unknown modifier (pyspf refuses it in strict mode, §6 ignores it),
  no "@" in a local-part (pyspf splits at the first "@"), no CNAMEs, no empty local-part with
  %{s} (pyspf leaves %{s} as given), no include of the record's own domain (pyspf refuses it
  when it parses the record, §5.2 evaluates it in order: a loop ends at the 10-term limit).
"""
import argparse
import ipaddress
import json
import os
import random
import socket
import subprocess
import sys

sys.path.insert(0, "/usr/lib/python3/dist-packages")
import spf  # noqa: E402  (Debian's python3-spf)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spf_zone  # noqa: E402

DOMAINS = ["example.com", "a.example.com", "b.example.net", "c.example.org", "d.example.com",
           "e.example.net", "f.example.org", "sub.a.example.com"]
NX = ["nx1.example.org", "nx2.example.org", "nx3.example.net", "nx4.example.com"]
HOSTS = ["mx1.example.com", "mx2.example.net", "mail.example.org", "out.sub.a.example.com",
         "relay.b.example.net", "smtp.example.com"]
V4 = ["192.0.2.1", "192.0.2.77", "198.51.100.5", "203.0.113.9", "192.0.2.200"]
V6 = ["2001:db8::1", "2001:db8::77", "2001:db8:1::5", "2001:db8:ffff::9", "2001:db8::c8"]
LOCALS = ["john.doe", "a-b+c", "x", "first.last-tag", "Mixed.Case"]
EXPLANATIONS = [
    "%{s} may not send from %{i}",
    "See https://%{d}/why?s=%{S}&i=%{I}",
    "%{c} via %{h} for %{o} (%{l}, %{lr-}, %{d2}, %{ir})",
    "Denied by %{r}: %{v} %{L}",
    "bad %{x} macro",
]


class Generator:
    def __init__(self, rng):
        self.r = rng

    def choice(self, items):
        return self.r.choice(items)

    def cidr(self, top, low):
        return self.r.choice([None, None, top, low, self.r.randint(0, top)])

    def network(self, v6, client):
        if self.r.random() < 0.5:
            base = client if (":" in client) == v6 else self.choice(V6 if v6 else V4)
        else:
            base = self.choice(V6 if v6 else V4)
        length = self.cidr(128 if v6 else 32, 64 if v6 else 24)
        net = base if length is None else f"{base}/{length}"
        return ("ip6:" if v6 else "ip4:") + net

    def target(self):
        r = self.r.random()
        if r < 0.55:
            return self.choice(DOMAINS + HOSTS)
        if r < 0.7:
            return self.choice(NX)
        return self.choice(["%{d}", "%{d2}", "%{o}", "%{h}", "mx1.%{d2}", "%{l1}.users.%{d}",
                            "%{ir}.%{v}.list.example.org", "%{i}.bl.example.org",
                            "%{p}", "%{l-}.%{d}", "%{lr-}.%{o}"])

    def dual_cidr(self):
        out = ""
        c4, c6 = self.cidr(32, 24), self.cidr(128, 64)
        if c4 is not None:
            out += f"/{c4}"
        if c6 is not None:
            out += f"//{c6}"
        return out

    def mechanism(self, client, domain):
        kind = self.choice(["ip4", "ip6", "a", "a", "mx", "mx", "ptr", "exists", "include",
                            "include", "all"])
        qualifier = self.choice(["", "", "+", "-", "~", "?"])
        if kind in ("ip4", "ip6"):
            body = self.network(kind == "ip6", client)
        elif kind in ("a", "mx"):
            body = kind + (":" + self.target() if self.r.random() < 0.6 else "") + self.dual_cidr()
        elif kind == "ptr":
            body = "ptr" + (":" + self.choice(DOMAINS) if self.r.random() < 0.6 else "")
        elif kind == "exists":
            body = "exists:" + self.target()
        elif kind == "include":
            body = "include:" + self.choice([d for d in DOMAINS + NX if d != domain])
        else:
            body = "all"
        return qualifier + body

    def broken_term(self):
        return self.choice(["ip4:300.1.1.1", "a:foo", "moo", "ip4:192.0.2.1/33", "a:%{x}.com",
                            "ip6:2001:db8::/129", "exists", "-all:x", "1up=x", "a:example.com:25",
                            "include:", "ptr/24", "a//129", "ip4:192.0.2.01"])

    def record(self, client, domain, allow_redirect):
        terms = [self.mechanism(client, domain) for _ in range(self.r.randint(0, 5))]
        if self.r.random() < 0.3:
            terms.append(self.choice(["-all", "~all", "?all", "+all"]))
        if allow_redirect and self.r.random() < 0.25:
            terms.insert(self.r.randint(0, len(terms)), "redirect=" + self.choice(DOMAINS + NX))
        if self.r.random() < 0.35:
            terms.insert(self.r.randint(0, len(terms)), "exp=" + self.choice(
                ["explain.example.org", "%{d2}.explain.example.org", "twoexp.example.org",
                 "nx-exp.example.org"]))
        if self.r.random() < 0.15:
            terms.insert(self.r.randint(0, len(terms)), self.choice(
                ["foo=bar", "x-y.z=%{d}", "note=%{l}.%{o}"]))
        if self.r.random() < 0.06:
            terms.insert(self.r.randint(0, len(terms)), self.broken_term())
        version = self.choice(["v=spf1", "v=spf1", "v=spf1", "V=SPF1"])
        spaces = self.choice([" ", " ", "  "])
        return version + "".join(spaces + t for t in terms) + self.choice(["", "", " "])

    def addresses(self, name, client):
        out = []
        if self.r.random() < 0.35:
            out.append({"A": client if ":" not in client else self.choice(V4)})
        out.append({"A": self.choice(V4)})
        if self.r.random() < 0.35 and ":" in client:
            out.append({"AAAA": client})
        out.append({"AAAA": self.choice(V6)})
        return out

    def scenario(self):
        client = self.choice(V4 + V6 + ["::ffff:192.0.2.1", "::ffff:198.51.100.5"])
        address = ipaddress.ip_address(client)
        effective = str(getattr(address, "ipv4_mapped", None) or address)
        allow_redirect = self.r.random() < 0.5
        zone = {}
        for name in DOMAINS:
            rrs = []
            if self.r.random() < 0.06:
                zone[name] = ["TIMEOUT"]
                continue
            if self.r.random() < (0.95 if name in DOMAINS[:4] else 0.75):
                rrs.append({"TXT": self.record(effective, name, allow_redirect)})
            if self.r.random() < 0.08:
                rrs.append({"TXT": self.record(effective, name, allow_redirect)})
            if self.r.random() < 0.3:
                rrs.append({"TXT": "google-site-verification=abc"})
            if self.r.random() < 0.6:
                rrs += self.addresses(name, effective)
            for preference, host in enumerate(self.r.sample(HOSTS, self.r.randint(0, 3))):
                rrs.append({"MX": [preference * 10, host]})
            if self.r.random() < 0.05:
                rrs += [{"MX": [i, f"mx{i}.many.example.net"]} for i in range(11)]
            zone[name] = rrs
        for host in HOSTS + [f"mx{i}.many.example.net" for i in range(11)]:
            zone[host] = self.addresses(host, effective)
        ptr_names = self.r.sample(HOSTS + DOMAINS[:3], self.r.randint(1, 3))
        reverse = spf.reverse_dots(effective) + ".in-addr.arpa" if ":" not in effective else \
            ".".join(reversed(ipaddress.ip_address(effective).exploded.replace(":", ""))) + \
            ".ip6.arpa"
        zone[reverse] = [{"PTR": n} for n in ptr_names]
        for n in ptr_names:
            if n in DOMAINS and not any("A" in rr for rr in zone.get(n, []) if isinstance(rr, dict)):
                zone[n] = [rr for rr in zone.get(n, []) if rr != "TIMEOUT"] + \
                    self.addresses(n, effective)
        zone["explain.example.org"] = [{"TXT": self.choice(EXPLANATIONS)}]
        zone["example.org.explain.example.org"] = [{"TXT": self.choice(EXPLANATIONS)}]
        zone["example.com.explain.example.org"] = [{"TXT": self.choice(EXPLANATIONS)}]
        zone["twoexp.example.org"] = [{"TXT": "one"}, {"TXT": "two"}]
        dotted = effective if ":" not in effective else ".".join(
            ipaddress.ip_address(effective).exploded.replace(":", "").upper())
        if self.r.random() < 0.5:
            zone[dotted + ".bl.example.org"] = [{"A": "127.0.0.2"}]
        local = self.choice(LOCALS)
        top = self.choice(DOMAINS[:4])
        mailfrom = "" if self.r.random() < 0.1 else f"{local}@{top}"
        helo = self.choice(["mail.example.org", "a.example.com", "relay.b.example.net"])
        return client, mailfrom, helo, zone

    @staticmethod
    def has_redirect(zone):
        return any("redirect=" in str(rr.get("TXT", "")) for rrs in zone.values()
                   for rr in rrs if isinstance(rr, dict))

    @staticmethod
    def max_terms(zone, domain, seen=()):
        """An upper bound of the DNS-querying terms check_host() may evaluate from `domain`."""
        if domain in seen:
            return 99
        total = 0
        for rr in zone.get(domain, []):
            if not isinstance(rr, dict) or not str(rr.get("TXT", "")).lower().startswith("v=spf1"):
                continue
            for term in rr["TXT"].split(" "):
                t = term.lstrip("+-~?").lower()
                name = t.split(":")[0].split("/")[0].split("=")[0]
                if name in ("a", "mx", "ptr", "exists"):
                    total += 1
                elif name in ("include", "redirect") and (":" in t or "=" in t):
                    total += 1 + Generator.max_terms(zone, t.split(":" if name == "include"
                                                               else "=", 1)[1], seen + (domain,))
        return total


def pyspf_check(zone_answers, ip, mailfrom, helo):
    def lookup(name, qtype, strict=True, timeout=None, level=0):
        answer = zone_answers.get(spf_zone.canonical(name), {}).get(qtype)
        if answer is None:
            return
        if answer["status"] == "temporary":
            raise spf.TempError("DNS timeout")
        for value in answer["records"]:
            if qtype == "AAAA":
                value = socket.inet_pton(socket.AF_INET6, value)
            elif qtype == "TXT":
                value = (value.encode("utf-8"),)
            elif qtype == "MX":
                value = (0, value)
            yield ((name, qtype), value)

    spf.DNSLookup = lookup
    q = spf.query(i=ip, s=mailfrom, h=helo, receiver="receiver.example", strict=True)
    q.set_default_explanation("DEFAULT")
    result, _, explanation = q.check()
    return {"unknown": "permerror", "error": "temperror"}.get(result, result), explanation


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--driver", required=True)
    parser.add_argument("--cases", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7208)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    generator = Generator(rng)
    scenarios, cases = [], {}
    while len(cases) < args.cases:
        client, mailfrom, helo, zonedata = generator.scenario()
        sender, domain = spf_zone.sender_and_domain(mailfrom, helo)
        if generator.has_redirect(zonedata) and generator.max_terms(zonedata, domain) > 9:
            continue
        answers = spf_zone.answers(zonedata)
        case_id = str(len(cases))
        cases[case_id] = (client, mailfrom, helo, zonedata, answers)
        scenarios.append({"zone": answers, "cases": [
            {"id": case_id, "ip": client, "domain": domain, "sender": sender, "helo": helo}]})

    run = subprocess.run([args.driver], input=json.dumps({"scenarios": scenarios}).encode(),
                         capture_output=True, timeout=120)
    if run.returncode != 0:
        sys.exit(f"FAIL: {args.driver} exited {run.returncode}: {run.stderr.decode(errors='replace')}")
    agree, disagreements, results = 0, [], {}
    for line in run.stdout.decode().splitlines():
        got = json.loads(line)
        results[got["id"]] = got
    tally = {}
    for case_id, (client, mailfrom, helo, zonedata, answers) in cases.items():
        got = results.get(case_id)
        want, want_exp = pyspf_check(answers, client, mailfrom, helo)
        tally[want] = tally.get(want, 0) + 1
        ours_exp = got["explanation"] if got else None
        same = got is not None and got["result"] == want and (
            want != "fail" or ours_exp == ("" if want_exp == "DEFAULT" else want_exp))
        if same:
            agree += 1
        else:
            disagreements.append(
                f"case {case_id}: ip={client} mailfrom={mailfrom!r} helo={helo}\n"
                f"  pyspf: {want} {want_exp!r}\n"
                f"  ours:  {got and got['result']} {ours_exp!r} ({got and got['detail']})\n"
                f"  zone:  {json.dumps(zonedata)}")
    for d in disagreements:
        print("DISAGREE", d)
    print("results (pyspf):", ", ".join(f"{k} {v}" for k, v in sorted(tally.items())))
    print(f"pyspf oracle: {agree} of {len(cases)} generated policies agree (seed {args.seed})")
    sys.exit(1 if disagreements else 0)


if __name__ == "__main__":
    main()
