"""The test DNS zone: every domain the integration tests deliver to.

MX hosts live on distinct loopback addresses 127.N.M.x of one /24 chosen at
random per test session, so that one port serves them all (--mx-port) and
ctest processes running in parallel do not collide on addresses.
"""
import random
from dataclasses import dataclass, field

NULL_MX_RDATA = "000000"  # preference 0, exchange "." (RFC 7505)
MANY_MX_DOMAIN = "many-mx.test"
MANY_MX_HOSTS = 10
BULK_DOMAINS = [f"bulk{i:02d}.test" for i in range(40)]
BULK_LAST_OCTET = 60
BULK_HOST = "mx.bulk00.test"  # any of the bulk MX hosts: they share one address


@dataclass(frozen=True)
class Domain:
    """A mail domain: its MX records (preference, host) and its own A record, if any."""
    name: str
    mx: tuple = ()
    address: str | None = None
    null_mx: bool = False
    txt_only: bool = False


@dataclass
class Zone:
    """Names and addresses under .test, and the dnsmasq configuration serving them."""
    net: str
    hosts: dict = field(default_factory=dict)    # MX host name -> IPv4 address
    domains: dict = field(default_factory=dict)  # domain name -> Domain
    # Further dnsmasq lines, as dnsmasq spells them: txt-record=, ptr-record=, address=, local=
    # (test_doctor.py's SPF, DKIM, DMARC, PTR and DNSBL answers). Not part of the self-test.
    extra: list = field(default_factory=list)

    def ip(self, host):
        """The address of an MX host (or of an A-only domain)."""
        if host in self.hosts:
            return self.hosts[host]
        return self.domains[host].address

    def add_host(self, name, last_octet):
        self.hosts[name] = f"{self.net}.{last_octet}"
        return name

    def dnsmasq_config(self):
        """dnsmasq configuration lines; --local=/test/ makes every other .test name NXDOMAIN."""
        lines = ["local=/test/"]
        for host, address in self.hosts.items():
            lines.append(f"host-record={host},{address}")
        for domain in self.domains.values():
            lines.extend(_domain_lines(domain))
        lines.extend(self.extra)
        return "\n".join(lines) + "\n"


def _domain_lines(domain):
    lines = [f"mx-host={domain.name},{host},{preference}" for preference, host in domain.mx]
    if domain.null_mx:
        lines.append(f"dns-rr={domain.name},15,{NULL_MX_RDATA}")
    if domain.address:
        lines.append(f"host-record={domain.name},{domain.address}")
    if domain.txt_only:
        # A record of another type makes the name exist: MX and A queries get NODATA, not NXDOMAIN.
        lines.append(f'txt-record={domain.name},"this domain has neither MX nor A"')
    return lines


def random_net():
    """A random 127.N.M prefix (N, M never 0, so 127.0.0.1 and 127.0.0.0/24 stay out of the way)."""
    return f"127.{random.randint(1, 254)}.{random.randint(1, 254)}"


def build_zone(net=None):
    """The one zone every test uses; tests refer to hosts by name and ask zone.ip() for addresses."""
    zone = Zone(net=net or random_net())
    h = zone.add_host
    _mail_domain(zone, "example.test", [(10, h("mx1.example.test", 2))])
    _mail_domain(zone, "other.test", [(10, h("mx.other.test", 3))])
    _mail_domain(zone, "equal.test", [(10, h("mxa.equal.test", 4)), (10, h("mxb.equal.test", 5))])
    # The null MX domain also has an A record: a client falling back to implicit MX would connect there.
    zone.domains["nullmx.test"] = Domain("nullmx.test", null_mx=True, address=f"{zone.net}.15")
    zone.domains["aonly.test"] = Domain("aonly.test", address=f"{zone.net}.6")
    zone.domains["nothing.test"] = Domain("nothing.test", txt_only=True)
    # failover.test: the first MX is whatever a test makes of it (refusing, 421, silent, ...).
    _mail_domain(zone, "failover.test", [(10, h("mx1.failover.test", 7)), (20, h("mx2.failover.test", 8))])
    for index in range(3):
        name = f"slow{index + 1}.test"
        _mail_domain(zone, name, [(10, h(f"mx.{name}", 9 + index))])
    # A preference order that differs from the order the records are configured in.
    _mail_domain(zone, "ordered.test", [(30, h("mx3.ordered.test", 14)), (5, h("mx1.ordered.test", 12)),
                                        (20, h("mx2.ordered.test", 13))])
    # Two domains behind the same MX host (as many domains of one mail provider are): one
    # connection serves both.
    _mail_domain(zone, "shared-a.test", [(10, h("mx.shared.test", 16))])
    _mail_domain(zone, "shared-b.test", [(10, "mx.shared.test")])
    # The submission fixture's certificate name, on the address it listens on (--relay by name).
    zone.hosts["mail.example.test"] = "127.0.0.1"
    # Ten MX hosts on addresses where nothing listens: --max-addresses must stop after a few.
    _mail_domain(zone, MANY_MX_DOMAIN,
                 [(10 * (i + 1), h(f"mx{i}.{MANY_MX_DOMAIN}", 40 + i)) for i in range(MANY_MX_HOSTS)])
    # Many domains, each with an MX host of its own name (so no two share a connection), all on
    # one address: one listener serves a bulk run over many destinations.
    for name in BULK_DOMAINS:
        _mail_domain(zone, name, [(10, f"mx.{name}")])
        zone.hosts[f"mx.{name}"] = f"{zone.net}.{BULK_LAST_OCTET}"
    return zone


def _mail_domain(zone, name, mx):
    zone.domains[name] = Domain(name, mx=tuple(mx))
