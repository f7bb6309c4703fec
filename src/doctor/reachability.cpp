// port25, public-ip and tls: the checks made from connecting to the MX hosts of --to domains.
#include <algorithm>

#include "smtpsend/doctor/checks.hpp"
#include "text.hpp"

namespace smtpsend::doctor {
namespace {

bool greeted_ok(const MxProbe& probe) {
  return probe.reach == Reach::greeted && probe.greeting_code >= 200 && probe.greeting_code < 300;
}

bool network_failure(const MxProbe& probe) {
  return probe.reach == Reach::silent || probe.reach == Reach::refused ||
         probe.reach == Reach::timed_out || probe.reach == Reach::network_error;
}

// What happened on one connection, in a phrase after the server's name.
std::string outcome(const MxProbe& probe) {
  switch (probe.reach) {
    case Reach::greeted:
      return "greeted with " + std::to_string(probe.greeting_code) +
             (probe.greeting_text.empty() ? "" : " " + probe.greeting_text);
    case Reach::silent:
      return "accepted the connection but never greeted";
    case Reach::refused:
      return "refused the connection";
    case Reach::timed_out:
      return "did not answer the connection" +
             (probe.detail.empty() ? std::string() : " (" + probe.detail + ")");
    case Reach::network_error:
      return "could not be reached: " + probe.detail;
    case Reach::no_address:
      return "has no address";
    case Reach::dns_trouble:
      return "could not be looked up: " + probe.detail;
  }
  return probe.detail;
}

std::string describe(const MxProbe& probe) {
  return text::server(probe.host, probe.ip) + " " + outcome(probe);
}

std::string describe(const MxLookupTrouble& trouble) {
  if (trouble.status == dns::LookupStatus::ok) {
    return trouble.domain + " accepts no mail (null MX, RFC 7505)";
  }
  return "MX lookup of " + trouble.domain + ": " +
         dns::lookup_failure_phrase(trouble.status, trouble.failure);
}

template <typename Items>
std::string described(const Items& items) {
  std::vector<std::string> parts;
  for (const auto& item : items) parts.push_back(describe(item));
  return text::separated(parts);
}

}  // namespace

Check check_port25(std::span<const MxProbe> probes, std::span<const MxLookupTrouble> troubles,
                   int port) {
  Check check{"port25", Verdict::pass, {}, {}};
  const std::string on_port = " on port " + std::to_string(port);
  const auto reached = std::find_if(probes.begin(), probes.end(), greeted_ok);
  if (reached != probes.end()) {
    check.evidence = text::server(reached->host, reached->ip) + " answered" + on_port + ": " +
                     std::to_string(reached->greeting_code) + " " + reached->greeting_text;
    return check;
  }
  const bool refused_by_greeting = std::any_of(probes.begin(), probes.end(), [](const auto& p) {
    return p.reach == Reach::greeted;
  });
  const bool blocked = std::any_of(probes.begin(), probes.end(), network_failure);
  const bool temporary =
      std::any_of(probes.begin(), probes.end(),
                  [](const auto& p) { return p.reach == Reach::dns_trouble; }) ||
      std::any_of(troubles.begin(), troubles.end(),
                  [](const auto& t) { return dns::is_temporary(t.status); });
  std::vector<std::string> seen;
  if (!probes.empty()) seen.push_back(described(probes));
  if (!troubles.empty()) seen.push_back(described(troubles));
  check.evidence = text::separated(seen);
  if (refused_by_greeting) {
    check.verdict = Verdict::warn;
    check.evidence = "port " + std::to_string(port) + " is open, but " + check.evidence;
    check.fix = "the MX hosts refuse this host: see the dnsbl and ptr checks, or use --relay";
  } else if (blocked) {
    check.verdict = Verdict::fail;
    check.evidence = "no MX host answered" + on_port + ": " + check.evidence;
    check.fix = "outbound port " + std::to_string(port) +
                " looks blocked on this network: use --relay with your provider's submission "
                "server";
  } else if (temporary) {
    check.verdict = Verdict::unknown;
    check.fix = "try again later";
  } else {
    check.verdict = Verdict::warn;
    check.evidence = "nothing to connect to: " + check.evidence;
    check.fix = "name a --to domain that receives mail";
  }
  return check;
}

Check check_tls(const MxProbe& probe) {
  const std::string server = text::server(probe.host, probe.ip);
  Check check{"tls", Verdict::unknown, {}, {}};
  if (!greeted_ok(probe)) {
    check.evidence = server + " not tested: it " + outcome(probe);
    check.fix = "see the port25 check";
    return check;
  }
  switch (probe.tls) {
    case TlsReach::not_tried:
      check.evidence = server + " not tested: EHLO failed" +
                       (probe.tls_detail.empty() ? "" : ": " + probe.tls_detail);
      check.fix = "try again later";
      break;
    case TlsReach::not_offered:
      check.verdict = Verdict::fail;
      check.evidence = server + " does not offer STARTTLS: mail to it travels unencrypted";
      check.fix =
          "if the receiving domain's MX hosts do offer it, a firewall on this network strips "
          "STARTTLS (RFC 3207): send with --relay";
      break;
    case TlsReach::refused:
      check.verdict = Verdict::fail;
      check.evidence = server + " offers STARTTLS but refused it: " + probe.tls_detail;
      check.fix = "mail to it travels unencrypted; the receiving domain must fix its server";
      break;
    case TlsReach::handshake_failed:
      check.verdict = Verdict::fail;
      check.evidence = server + " offers STARTTLS but the TLS handshake failed: " +
                       probe.tls_detail;
      check.fix = "mail to it travels unencrypted; the receiving domain must fix its server";
      break;
    case TlsReach::unverified:
      check.verdict = Verdict::warn;
      check.evidence = server + " offers STARTTLS, but its certificate does not verify: " +
                       probe.tls_detail;
      check.fix = "opportunistic TLS still delivers; --tls verify to this host would fail";
      break;
    case TlsReach::verified:
      check.verdict = Verdict::pass;
      check.evidence = server + " offers STARTTLS with a certificate that verifies" +
                       (probe.tls_detail.empty() ? "" : " (" + probe.tls_detail + ")");
      break;
  }
  return check;
}

std::optional<std::string> ip_in_ehlo_reply(std::span<const std::string> ehlo_lines) {
  if (ehlo_lines.empty()) return std::nullopt;
  const std::string& first = ehlo_lines.front();
  const auto open = first.find('[');
  if (open == std::string::npos) return std::nullopt;
  const auto close = first.find(']', open);
  if (close == std::string::npos) return std::nullopt;
  std::string inside = first.substr(open + 1, close - open - 1);
  // Postfix writes an IPv6 client as [IPv6:2001:db8::1] (RFC 5321 §4.1.3 literal form).
  if (inside.starts_with("IPv6:") || inside.starts_with("ipv6:")) inside.erase(0, 5);
  if (inside.empty() || inside.find_first_not_of("0123456789abcdefABCDEF.:") != std::string::npos) {
    return std::nullopt;
  }
  return inside;
}

PublicIp choose_public_ip(const std::optional<std::string>& option,
                          std::span<const MxProbe> probes, const std::string& local_address) {
  if (option) return PublicIp{*option, IpSource::option, {}};
  for (const MxProbe& probe : probes) {
    if (auto ip = ip_in_ehlo_reply(probe.ehlo_lines)) {
      return PublicIp{*ip, IpSource::ehlo_reply, probe.host};
    }
  }
  if (!local_address.empty()) return PublicIp{local_address, IpSource::local_address, {}};
  return PublicIp{};
}

Check check_public_ip(const PublicIp& ip) {
  Check check{"public-ip", Verdict::pass, {}, {}};
  switch (ip.source) {
    case IpSource::option:
      check.evidence = ip.ip + " (--public-ip)";
      break;
    case IpSource::ehlo_reply:
      check.evidence = ip.ip + ", as " + ip.reporter + " reported in its EHLO reply";
      break;
    case IpSource::local_address:
      check.evidence = ip.ip + ", a global address of this host (no MX host reported one)";
      break;
    case IpSource::none:
      check.verdict = Verdict::warn;
      check.evidence =
          "unknown: no MX host reported it and this host has no global address (behind NAT?)";
      check.fix = "give --public-ip with the address your mail leaves from, so that the ptr, "
                  "spf and dnsbl checks can run";
      break;
  }
  return check;
}

}  // namespace smtpsend::doctor
