// ptr and helo: the names a receiving server compares (RFC 5321 §4.1.4; forward-confirmed
// reverse DNS as Gmail's sender guidelines and most MTAs require it).
#include <algorithm>
#include <cctype>

#include "smtpsend/doctor/checks.hpp"
#include "text.hpp"

namespace smtpsend::doctor {
namespace {

std::string record_type(const std::string& ip) {
  return ip.find(':') == std::string::npos ? "A" : "AAAA";
}

bool confirms(const ForwardLookup& forward, const std::string& ip) {
  const auto& found = forward.addresses.addresses;
  return forward.addresses.status == dns::LookupStatus::ok &&
         std::find(found.begin(), found.end(), ip) != found.end();
}

bool is_ldh_label(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
    return false;
  }
  return std::all_of(label.begin(), label.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-';
  });
}

// Names no other host can resolve to this one (RFC 6761 §6.3, RFC 6762 §3).
bool is_local_only(const std::string& name) {
  for (const char* suffix : {"localhost", "localdomain", "local"}) {
    const std::string dotted = std::string(".") + suffix;
    if (name == suffix || name.ends_with(dotted)) return true;
  }
  return false;
}

}  // namespace

Check check_ptr(const std::string& ip, const std::string& helo, const PtrFacts& facts) {
  Check check{"ptr", Verdict::fail, {}, {}};
  const std::string ehlo = text::normalised_name(helo);
  const std::string set_ptr = "ask whoever assigned " + ip +
                              " (your hosting provider) to set its PTR record to " + ehlo +
                              ", and give " + ehlo + " the " + record_type(ip) + " record " + ip;
  const dns::LookupStatus status = facts.ptr.status;
  if (dns::is_temporary(status)) {
    check.verdict = Verdict::unknown;
    check.evidence = "PTR lookup of " + ip + " failed: " +
                     dns::lookup_failure_phrase(status, facts.ptr.failure);
    check.fix = "try again later";
    return check;
  }
  if (status != dns::LookupStatus::ok || facts.ptr.names.empty()) {
    check.evidence = ip + " has no PTR record";
    check.fix = set_ptr;
    return check;
  }
  std::vector<std::string> confirmed;
  bool unsure = false;
  for (const ForwardLookup& forward : facts.forward) {
    if (confirms(forward, ip)) confirmed.push_back(text::normalised_name(forward.name));
    if (dns::is_temporary(forward.addresses.status)) unsure = true;
  }
  const std::string names = text::joined(facts.ptr.names);
  if (confirmed.empty()) {
    check.verdict = unsure ? Verdict::unknown : Verdict::fail;
    check.evidence = ip + " has PTR " + names + ", but " +
                     (unsure ? "its " + record_type(ip) + " lookup failed"
                             : "no " + record_type(ip) + " record of it is " + ip) +
                     " (not forward-confirmed)";
    check.fix = unsure ? "try again later"
                       : "give " + facts.ptr.names.front() + " the " + record_type(ip) +
                             " record " + ip + ", and use it as the EHLO name (--helo)";
    return check;
  }
  if (std::find(confirmed.begin(), confirmed.end(), ehlo) == confirmed.end()) {
    check.evidence = ip + " has PTR " + text::joined(confirmed) +
                     " (forward-confirmed), not the EHLO name " + ehlo;
    check.fix = "use --helo " + confirmed.front();
    return check;
  }
  check.verdict = Verdict::pass;
  check.evidence = ip + " has PTR " + ehlo + ", whose " + record_type(ip) + " record is " + ip +
                   ", equal to the EHLO name";
  return check;
}

Check check_helo(const std::string& helo) {
  Check check{"helo", Verdict::fail, {}, {}};
  const std::string name = text::normalised_name(helo);
  const std::string fix = "use --helo with this host's fully qualified name (the name its PTR "
                          "record gives)";
  check.fix = fix;
  if (name.empty()) {
    check.evidence = "the EHLO name is empty";
    return check;
  }
  if (name.front() == '[' || name.find(':') != std::string::npos ||
      name.find_first_not_of("0123456789.") == std::string::npos) {
    check.evidence = "the EHLO name " + helo + " is an address, not a domain name";
    return check;
  }
  std::vector<std::string_view> labels;
  std::string_view rest = name;
  while (true) {
    const auto dot = rest.find('.');
    labels.push_back(rest.substr(0, dot));
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  const bool well_formed = name.size() <= 253 && std::all_of(labels.begin(), labels.end(),
                                                             is_ldh_label);
  if (!well_formed) {
    check.evidence = "the EHLO name " + helo + " is not a valid domain name";
    return check;
  }
  if (labels.size() < 2) {
    check.evidence = "the EHLO name " + helo + " is not fully qualified (no dot)";
    return check;
  }
  if (is_local_only(name)) {
    check.evidence = "the EHLO name " + helo + " is a local-only name";
    return check;
  }
  check.verdict = Verdict::pass;
  check.fix.clear();
  check.evidence = "the EHLO name " + name + " is a fully qualified domain name";
  return check;
}

}  // namespace smtpsend::doctor
