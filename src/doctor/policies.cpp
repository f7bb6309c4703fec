// spf, spf-helo, dkim and dmarc: what the sender's domain publishes about this host and key.
#include <algorithm>
#include <cctype>

#include "smtpsend/doctor/checks.hpp"
#include "text.hpp"

namespace smtpsend::doctor {
namespace {

std::string_view result_name(SpfResult result) {
  switch (result) {
    case SpfResult::none:
      return "none";
    case SpfResult::neutral:
      return "neutral";
    case SpfResult::pass:
      return "pass";
    case SpfResult::fail:
      return "fail";
    case SpfResult::softfail:
      return "softfail";
    case SpfResult::temperror:
      return "temperror";
    case SpfResult::permerror:
      return "permerror";
  }
  return "none";
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

// A tag's value in a tag=value list (RFC 6376 §3.2, which DMARC reuses, RFC 7489 §6.4);
// nullopt when the tag is absent.
std::optional<std::string> tag_value(std::string_view record, std::string_view tag) {
  while (!record.empty()) {
    const auto semicolon = record.find(';');
    const std::string_view item = record.substr(0, semicolon);
    const auto equals = item.find('=');
    if (equals != std::string_view::npos && trimmed(item.substr(0, equals)) == tag) {
      return std::string(trimmed(item.substr(equals + 1)));
    }
    if (semicolon == std::string_view::npos) break;
    record.remove_prefix(semicolon + 1);
  }
  return std::nullopt;
}

bool is_dmarc_record(std::string_view record) {
  // RFC 7489 §6.6.3: records not starting with "v=DMARC1" are discarded.
  const std::string_view first = record.substr(0, record.find(';'));
  const auto version = tag_value(first, "v");
  return version && *version == "DMARC1";
}

std::vector<std::string> dmarc_records(const dns::TxtAnswer& answer) {
  std::vector<std::string> found;
  if (answer.status != dns::LookupStatus::ok) return found;
  for (const std::string& record : answer.records) {
    if (is_dmarc_record(record)) found.push_back(record);
  }
  return found;
}

std::string spf_mechanism(const std::string& ip) {
  return (ip.find(':') == std::string::npos ? "ip4:" : "ip6:") + ip;
}

}  // namespace

Check check_spf(std::string_view name, const std::string& domain, const std::string& ip,
                const SpfFacts& facts) {
  Check check{std::string(name), Verdict::fail, {}, {}};
  check.evidence = "check_host(" + ip + ", " + domain + ") = " +
                   std::string(result_name(facts.result)) +
                   (facts.detail.empty() ? "" : ": " + facts.detail) +
                   (facts.explanation.empty() ? "" : " (" + facts.explanation + ")");
  const std::string authorise = "add " + spf_mechanism(ip) + " to the SPF record of " + domain;
  switch (facts.result) {
    case SpfResult::pass:
      check.verdict = Verdict::pass;
      break;
    case SpfResult::fail:
    case SpfResult::softfail:
      check.fix = authorise;
      break;
    case SpfResult::neutral:
      check.verdict = Verdict::warn;
      check.fix = authorise;
      break;
    case SpfResult::none:
      check.verdict = Verdict::warn;
      check.fix = "publish TXT \"v=spf1 " + spf_mechanism(ip) + " -all\" at " + domain;
      break;
    case SpfResult::permerror:
      check.fix = "repair the SPF record of " + domain +
                  " (RFC 7208: at most 10 DNS-querying terms, 2 void lookups)";
      break;
    case SpfResult::temperror:
      check.verdict = Verdict::unknown;
      check.fix = "try again later";
      break;
  }
  return check;
}

bool has_dmarc_record(const dns::TxtAnswer& answer) {
  return !dmarc_records(answer).empty();
}

std::optional<std::string> dkim_public_key(std::string_view record) {
  auto p = tag_value(record, "p");
  if (!p) return std::nullopt;
  // RFC 6376 §3.6.1: the base64 value may contain folding whitespace.
  std::erase_if(*p, [](unsigned char c) { return std::isspace(c); });
  return p;
}

Check check_dkim(const std::string& selector, const std::string& domain,
                 const std::string& expected_p, const std::string& key_type,
                 const dns::TxtAnswer& answer) {
  const std::string where = selector + "._domainkey." + domain;
  Check check{"dkim", Verdict::fail, {}, {}};
  const std::string publish = "publish TXT \"v=DKIM1; k=" + key_type + "; p=" + expected_p +
                              "\" at " + where + " (smtpsend dkim keygen prints it)";
  if (dns::is_temporary(answer.status)) {
    check.verdict = Verdict::unknown;
    check.evidence = "TXT lookup of " + where + " failed: " +
                     dns::lookup_failure_phrase(answer.status, answer.failure);
    check.fix = "try again later";
    return check;
  }
  std::vector<std::string> keys;
  std::vector<std::string> types;
  if (answer.status == dns::LookupStatus::ok) {
    for (const std::string& record : answer.records) {
      if (auto p = dkim_public_key(record)) {
        keys.push_back(*p);
        types.push_back(tag_value(record, "k").value_or("rsa"));  // RFC 6376 §3.6.1 default
      }
    }
  }
  check.fix = publish;
  if (keys.empty()) {
    check.evidence = "no DKIM key record at " + where;
    return check;
  }
  if (keys.size() > 1) {
    check.evidence = std::to_string(keys.size()) + " key records at " + where +
                     ": verifiers may pick any (RFC 6376 §3.6.2.2)";
    check.fix = "keep one record: " + publish;
    return check;
  }
  if (keys.front().empty()) {
    check.evidence = "the key at " + where + " is revoked (empty p=)";
    return check;
  }
  if (text::normalised_name(types.front()) != key_type) {
    check.evidence = "the record at " + where + " has k=" + types.front() + ", the key is " +
                     key_type;
    return check;
  }
  if (keys.front() != expected_p) {
    check.evidence = "the key published at " + where + " is not the public half of --dkim " +
                     selector + "'s private key";
    return check;
  }
  check.verdict = Verdict::pass;
  check.fix.clear();
  check.evidence = "the key published at " + where + " matches --dkim " + selector + " (" +
                   key_type + ")";
  return check;
}

Check check_dmarc(const std::string& domain, const std::string& org_domain,
                  const dns::TxtAnswer& at_domain, const std::optional<dns::TxtAnswer>& at_org,
                  Verdict spf, std::optional<Verdict> dkim) {
  Check check{"dmarc", Verdict::warn, {}, {}};
  // RFC 7489 §6.6.3: the domain's own record, else the organisational domain's.
  std::string where = "_dmarc." + domain;
  std::vector<std::string> records = dmarc_records(at_domain);
  const dns::TxtAnswer* answer = &at_domain;
  if (records.empty() && at_org && !dns::is_temporary(at_domain.status)) {
    where = "_dmarc." + org_domain;
    records = dmarc_records(*at_org);
    answer = &*at_org;
  }
  if (records.empty() && dns::is_temporary(answer->status)) {
    check.verdict = Verdict::unknown;
    check.evidence = "TXT lookup of " + where + " failed: " +
                     dns::lookup_failure_phrase(answer->status, answer->failure);
    check.fix = "try again later";
    return check;
  }
  if (records.empty()) {
    const bool asked_org = at_org.has_value();
    check.evidence = "no DMARC record at _dmarc." + domain +
                     (asked_org ? " or _dmarc." + org_domain : std::string());
    check.fix = "publish TXT \"v=DMARC1; p=none; rua=mailto:postmaster@" + org_domain +
                "\" at _dmarc." + org_domain;
    return check;
  }
  if (records.size() > 1) {
    check.evidence = std::to_string(records.size()) + " DMARC records at " + where +
                     ": receivers apply none (RFC 7489 §6.6.3)";
    check.fix = "keep one DMARC record at " + where;
    return check;
  }
  const std::string policy = "p=" + tag_value(records.front(), "p").value_or("?");
  std::vector<std::string> aligned;
  if (spf == Verdict::pass) aligned.push_back("SPF");
  if (dkim == Verdict::pass) aligned.push_back("DKIM");
  if (!aligned.empty()) {
    check.verdict = Verdict::pass;
    check.evidence = where + " (" + policy + "): " + text::joined(aligned) + " align with " +
                     domain;
    return check;
  }
  if (spf == Verdict::unknown || dkim == Verdict::unknown) {
    check.verdict = Verdict::unknown;
    check.evidence = where + " (" + policy + "): alignment unknown until spf and dkim are known";
    check.fix = "try again later";
    return check;
  }
  check.evidence = where + " (" + policy + "), but neither SPF nor DKIM would pass for " + domain +
                   " (no alignment)";
  check.fix = "make the spf check pass, or sign with --dkim and publish the key";
  return check;
}

}  // namespace smtpsend::doctor
