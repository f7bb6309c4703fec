// The runner: gathers the facts in the order the checks need them and hands each check its
// facts. Lookups run one after another (BlockingDns); the MX probes run concurrently, since a
// host that never greets costs a whole reply timeout.
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstring>

#include "blocking_dns.hpp"
#include "probe.hpp"
#include "smtpsend/doctor/checks.hpp"
#include "smtpsend/doctor/doctor.hpp"
#include "smtpsend/doctor/org_domain.hpp"
#include "smtpsend/dns/spf.hpp"

namespace smtpsend::doctor {
namespace {

namespace asio = boost::asio;

constexpr std::chrono::seconds kDefaultReplyTimeout{30};
constexpr const char* kZen = "zen.spamhaus.org";
constexpr const char* kDbl = "dbl.spamhaus.org";

struct MxFacts {
  std::vector<MxProbe> probes;
  std::vector<std::vector<std::string>> addresses;  // per probe, what to connect to
  std::vector<MxLookupTrouble> troubles;
};

// The hosts a sender would try for `domain` (RFC 5321 §5.1): MX hosts by preference, or the
// domain itself when it has no MX; none for a null MX (RFC 7505) or a failed lookup.
void find_mx_hosts(BlockingDns& dns, const std::string& domain, MxFacts& facts) {
  dns::MxAnswer answer = dns.mx(domain);
  std::vector<std::string> hosts;
  if (answer.status == dns::LookupStatus::nodata) {
    hosts.push_back(domain);
  } else if (answer.status != dns::LookupStatus::ok) {
    facts.troubles.push_back({domain, answer.status, answer.failure});
    return;
  }
  std::stable_sort(answer.records.begin(), answer.records.end(),
                   [](const auto& a, const auto& b) { return a.preference < b.preference; });
  for (const dns::MxRecord& record : answer.records) {
    if (record.host.empty()) {
      facts.troubles.push_back({domain, dns::LookupStatus::ok, {}});
      return;
    }
    if (std::find(hosts.begin(), hosts.end(), record.host) == hosts.end()) {
      hosts.push_back(record.host);
    }
  }
  for (const std::string& host : hosts) {
    MxProbe probe;
    probe.domain = domain;
    probe.host = host;
    dns::AddressAnswer addresses = dns.addresses(host, dns::AddressFamily::any);
    if (addresses.status != dns::LookupStatus::ok) {
      probe.reach = dns::is_temporary(addresses.status) ? Reach::dns_trouble : Reach::no_address;
      probe.detail = dns::lookup_failure_phrase(addresses.status, addresses.failure);
    }
    facts.probes.push_back(std::move(probe));
    facts.addresses.push_back(std::move(addresses.addresses));
  }
}

void run_probes(asio::io_context& io, MxFacts& facts, const ProbeSettings& settings) {
  std::size_t running = 0;
  for (std::size_t i = 0; i < facts.probes.size(); ++i) {
    if (facts.addresses[i].empty()) continue;
    ++running;
    asio::co_spawn(io, probe_mx(io.get_executor(), facts.probes[i], facts.addresses[i], settings),
                   [&running](std::exception_ptr error) {
                     --running;
                     if (error) std::rethrow_exception(error);
                   });
  }
  io.restart();
  while (running > 0 && io.run_one() > 0) {
  }
}

bool is_global_ipv4(const in_addr& address) {
  const std::uint32_t a = ntohl(address.s_addr);
  const auto in = [a](std::uint32_t net, int bits) {
    return (a >> (32 - bits)) == (net >> (32 - bits));
  };
  return !(in(0x00000000, 8) || in(0x0a000000, 8) || in(0x7f000000, 8) || in(0xa9fe0000, 16) ||
           in(0xac100000, 12) || in(0xc0a80000, 16) || in(0x64400000, 10) || in(0xe0000000, 3));
}

// SPEC.md "doctor": the last resort for the public IP, an interface address that is globally
// routable (not loopback, private, shared, link-local; IPv6 only 2000::/3); "" when none.
std::string global_local_address() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return {};
  std::string found;
  std::string found_v6;
  for (const ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
    if (entry->ifa_addr == nullptr) continue;
    char text[INET6_ADDRSTRLEN] = {};
    if (entry->ifa_addr->sa_family == AF_INET) {
      const auto* address = reinterpret_cast<const sockaddr_in*>(entry->ifa_addr);
      if (found.empty() && is_global_ipv4(address->sin_addr) &&
          inet_ntop(AF_INET, &address->sin_addr, text, sizeof text) != nullptr) {
        found = text;
      }
    } else if (entry->ifa_addr->sa_family == AF_INET6) {
      const auto* address = reinterpret_cast<const sockaddr_in6*>(entry->ifa_addr);
      if (found_v6.empty() && (address->sin6_addr.s6_addr[0] & 0xe0) == 0x20 &&
          inet_ntop(AF_INET6, &address->sin6_addr, text, sizeof text) != nullptr) {
        found_v6 = text;
      }
    }
  }
  freeifaddrs(list);
  return found.empty() ? found_v6 : found;
}

// The address as inet_ntop spells it, so that it compares equal to DNS answers; "" if none.
std::string canonical_ip(const std::string& ip) {
  unsigned char bytes[16];
  char text[INET6_ADDRSTRLEN] = {};
  for (const int family : {AF_INET, AF_INET6}) {
    if (inet_pton(family, ip.c_str(), bytes) == 1 &&
        inet_ntop(family, bytes, text, sizeof text) != nullptr) {
      return text;
    }
  }
  return {};
}

SpfResult to_doctor(dns::spf::Result result) {
  switch (result) {
    case dns::spf::Result::none:
      return SpfResult::none;
    case dns::spf::Result::neutral:
      return SpfResult::neutral;
    case dns::spf::Result::pass:
      return SpfResult::pass;
    case dns::spf::Result::fail:
      return SpfResult::fail;
    case dns::spf::Result::softfail:
      return SpfResult::softfail;
    case dns::spf::Result::temperror:
      return SpfResult::temperror;
    case dns::spf::Result::permerror:
      return SpfResult::permerror;
  }
  return SpfResult::temperror;
}

SpfFacts evaluate_spf(BlockingDns& dns, const std::string& ip, const std::string& domain,
                      const std::string& sender, const std::string& helo) {
  dns::spf::Options options;
  options.receiver = helo;
  options.now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  const dns::spf::Verdict verdict = dns::spf::check_host(dns, ip, domain, sender, helo, options);
  return SpfFacts{to_doctor(verdict.result), verdict.detail, verdict.explanation};
}

PtrFacts gather_ptr(BlockingDns& dns, const std::string& ip) {
  PtrFacts facts;
  facts.ptr = dns.ptr(dns::reverse_lookup_name(ip).value_or(ip));
  const bool ipv6 = ip.find(':') != std::string::npos;
  for (const std::string& name : facts.ptr.names) {
    facts.forward.push_back({name, dns.address_records(name, ipv6)});
  }
  return facts;
}

std::vector<BlocklistLookup> gather_blocklists(BlockingDns& dns, const std::string& ip,
                                               const std::vector<std::string>& domains) {
  std::vector<BlocklistLookup> lookups;
  if (auto labels = dns::reversed_address_labels(ip)) {
    lookups.push_back({ip, kZen, dns.address_records(*labels + "." + kZen, false)});
  }
  for (const std::string& domain : domains) {
    lookups.push_back({domain, kDbl, dns.address_records(domain + "." + kDbl, false)});
  }
  return lookups;
}

Verdict verdict_of(const std::vector<Check>& checks, const std::string& name) {
  for (const Check& check : checks) {
    if (check.name == name) return check.verdict;
  }
  return Verdict::warn;  // absent: neither passes nor leaves anything unknown
}

// What DKIM contributes to DMARC alignment: one signature that verifies is enough (RFC 7489
// §4.2), so a passing key wins, then an unknown one; nullopt without --dkim.
std::optional<Verdict> dkim_alignment(const std::vector<Check>& checks) {
  std::optional<Verdict> best;
  for (const Check& check : checks) {
    if (check.name != "dkim") continue;
    if (!best || check.verdict == Verdict::pass ||
        (*best != Verdict::pass && check.verdict == Verdict::unknown)) {
      best = check.verdict;
    }
  }
  return best;
}

// One run: the facts gathered phase by phase, each phase appending its checks in SPEC.md's
// order (port25, public-ip, ptr, helo, spf, spf-helo, dkim, dmarc, dnsbl, tls).
class Run {
 public:
  Run(const DoctorOptions& options, asio::io_context& io, dns::Resolver& resolver)
      : options_(options), io_(io), dns_(io, resolver, options.dns_timeout) {}

  std::vector<Check> checks() {
    probe_mx_hosts();
    const std::string ip = public_ip();
    if (!ip.empty()) checks_.push_back(check_ptr(ip, options_.helo, gather_ptr(dns_, ip)));
    checks_.push_back(check_helo(options_.helo));
    if (!ip.empty()) spf(ip);
    dkim();
    dmarc();
    dnsbl(ip);
    for (const MxProbe& probe : mx_.probes) checks_.push_back(check_tls(probe));
    return std::move(checks_);
  }

 private:
  void probe_mx_hosts() {
    for (const std::string& domain : options_.to_domains) find_mx_hosts(dns_, domain, mx_);
    transport::TlsClient tls(options_.tls);
    const ProbeSettings settings{
        options_.mx_port, options_.helo, options_.timeouts.connect,
        options_.timeouts.stages.every_stage.value_or(kDefaultReplyTimeout), &tls};
    run_probes(io_, mx_, settings);
    if (!options_.to_domains.empty()) {
      checks_.push_back(check_port25(mx_.probes, mx_.troubles, options_.mx_port));
    }
  }

  // The public IP in the form DNS answers spell it; "" when unknown.
  std::string public_ip() {
    const PublicIp ip =
        choose_public_ip(options_.public_ip, mx_.probes, global_local_address());
    checks_.push_back(check_public_ip(ip));
    return canonical_ip(ip.ip);
  }

  void spf(const std::string& ip) {
    const std::string& helo = options_.helo;
    checks_.push_back(
        check_spf("spf", options_.from_domain, ip,
                  evaluate_spf(dns_, ip, options_.from_domain, options_.sender, helo)));
    // RFC 7208 §2.3: the HELO identity is checked with postmaster@<helo> as the sender.
    checks_.push_back(check_spf("spf-helo", helo, ip,
                                evaluate_spf(dns_, ip, helo, "postmaster@" + helo, helo)));
  }

  void dkim() {
    for (const DkimKey& key : options_.dkim) {
      const auto answer = dns_.txt(key.selector + "._domainkey." + options_.from_domain);
      checks_.push_back(
          check_dkim(key.selector, options_.from_domain, key.public_key, key.key_type, answer));
    }
  }

  void dmarc() {
    const std::string& domain = options_.from_domain;
    const std::string org = organisational_domain(domain);
    const dns::TxtAnswer at_domain = dns_.txt("_dmarc." + domain);
    std::optional<dns::TxtAnswer> at_org;
    // RFC 7489 §6.6.3: the organisational domain is asked only when the domain has no record.
    if (org != domain && !has_dmarc_record(at_domain)) at_org = dns_.txt("_dmarc." + org);
    checks_.push_back(check_dmarc(domain, org, at_domain, at_org, verdict_of(checks_, "spf"),
                                  dkim_alignment(checks_)));
  }

  void dnsbl(const std::string& ip) {
    std::vector<std::string> domains{options_.from_domain};
    if (verdict_of(checks_, "helo") == Verdict::pass && options_.helo != options_.from_domain) {
      domains.push_back(options_.helo);
    }
    checks_.push_back(check_dnsbl(gather_blocklists(dns_, ip, domains)));
  }

  const DoctorOptions& options_;
  asio::io_context& io_;
  BlockingDns dns_;
  MxFacts mx_;
  std::vector<Check> checks_;
};

}  // namespace

DoctorReport run_doctor(const DoctorOptions& options) {
  DoctorReport report;
  asio::io_context io;
  dns::ResolverOptions resolver_options;
  resolver_options.servers = options.dns_servers;
  auto resolver = dns::Resolver::create(io.get_executor(), resolver_options, report.fatal,
                                        report.fatal_detail);
  if (!resolver) return report;
  report.checks = Run(options, io, *resolver).checks();
  return report;
}

}  // namespace smtpsend::doctor
