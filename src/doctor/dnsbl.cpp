// dnsbl: Spamhaus ZEN for the IP, DBL for the domains (RFC 5782 §2.1: an A record under the
// list's zone means "listed"). Spamhaus answers 127.255.255.x for a query it refuses (a public
// resolver, a rate limit): the query failed and tells nothing about the item, so it is
// UNKNOWN, never "listed" — the mistake many checkers make.
#include <arpa/inet.h>

#include <cstdint>

#include "smtpsend/doctor/checks.hpp"
#include "text.hpp"

namespace smtpsend::doctor {
namespace {

enum class Meaning { listed, query_error, unexpected };

struct Octets {
  std::uint8_t a = 0, b = 0, c = 0, d = 0;
};

std::optional<Octets> ipv4(const std::string& address) {
  unsigned char bytes[4];
  if (inet_pton(AF_INET, address.c_str(), bytes) != 1) return std::nullopt;
  return Octets{bytes[0], bytes[1], bytes[2], bytes[3]};
}

// Spamhaus' return codes: ZEN lists with 127.0.0.2-11, DBL with 127.0.1.2-255; 127.255.255.252
// (typo in the list name), .254 (query through a public resolver), .255 (too many queries).
Meaning meaning(const std::string& list, const std::string& address) {
  const auto octets = ipv4(address);
  if (!octets || octets->a != 127) return Meaning::unexpected;
  if (octets->b == 255 && octets->c == 255) return Meaning::query_error;
  const bool dbl = list.starts_with("dbl.");
  if (!dbl && octets->b == 0 && octets->c == 0 && octets->d >= 2 && octets->d <= 11) {
    return Meaning::listed;
  }
  if (dbl && octets->b == 0 && octets->c == 1 && octets->d >= 2) return Meaning::listed;
  return Meaning::unexpected;
}

std::string refusal_reason(const std::string& address) {
  if (address.ends_with(".254")) return "the query came through a public or open resolver";
  if (address.ends_with(".255")) return "too many queries from this resolver";
  if (address.ends_with(".252")) return "a typing error in the list name";
  return "the list refused the query";
}

}  // namespace

Check check_dnsbl(std::span<const BlocklistLookup> lookups) {
  std::vector<std::string> listed;
  std::vector<std::string> errors;
  std::vector<std::string> clean;
  for (const BlocklistLookup& lookup : lookups) {
    const std::string at = lookup.item + " at " + lookup.list;
    const dns::AddressAnswer& answer = lookup.answer;
    if (dns::is_temporary(answer.status)) {
      errors.push_back("query of " + at + " failed: " +
                       dns::lookup_failure_phrase(answer.status, answer.failure));
      continue;
    }
    if (answer.status != dns::LookupStatus::ok) {
      clean.push_back(lookup.item + " is not listed in " + lookup.list);
      continue;
    }
    for (const std::string& address : answer.addresses) {
      switch (meaning(lookup.list, address)) {
        case Meaning::listed:
          listed.push_back(lookup.item + " is listed in " + lookup.list + " (" + address + ")");
          break;
        case Meaning::query_error:
          errors.push_back("query of " + at + " answered " + address + ", a query error: " +
                           refusal_reason(address));
          break;
        case Meaning::unexpected:
          errors.push_back("query of " + at + " answered " + address +
                           ", which is not a listing code");
          break;
      }
    }
  }
  Check check{"dnsbl", Verdict::pass, {}, {}};
  if (!listed.empty()) {
    check.verdict = Verdict::fail;
    check.evidence = text::separated(listed);
    check.fix = "see https://check.spamhaus.org/ for why and how to be delisted, or use --relay";
  } else if (!errors.empty()) {
    check.verdict = Verdict::unknown;
    check.evidence = text::separated(errors);
    check.fix = "ask through a resolver of your own (--dns-server), not a public one, or try "
                "again later";
  } else {
    check.evidence = text::separated(clean);
  }
  return check;
}

}  // namespace smtpsend::doctor
