// doctor/checks: each check of `smtpsend doctor` (SPEC.md "doctor") as a pure function of the
// facts the runner gathered (facts.hpp). Verdicts follow SPEC.md; where it is silent,
// docs/decisions.md "doctor" says why. No I/O.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "smtpsend/doctor/check.hpp"
#include "smtpsend/doctor/facts.hpp"

namespace smtpsend::doctor {

// Outbound port 25 (or --mx-port): PASS when an MX host greeted with 2xx; FAIL "use --relay"
// when none could be reached at all (refused, connect timeout, or a listener that never greets:
// what a provider's port-25 block looks like); UNKNOWN when DNS trouble left nothing to try.
Check check_port25(std::span<const MxProbe> probes, std::span<const MxLookupTrouble> troubles,
                   int port);

// The first EHLO line's "[IP]" (Postfix's and Exim's "Hello name [192.0.2.7]"), if any.
std::optional<std::string> ip_in_ehlo_reply(std::span<const std::string> ehlo_lines);
// --public-ip, else the first probe whose EHLO reply names an address, else `local_address`
// (empty when this host has no global address).
PublicIp choose_public_ip(const std::optional<std::string>& option,
                          std::span<const MxProbe> probes, const std::string& local_address);
Check check_public_ip(const PublicIp& ip);

// PTR present, forward-confirmed (a PTR name whose A/AAAA records include the IP) and equal to
// the EHLO name (case-insensitively, RFC 4343).
Check check_ptr(const std::string& ip, const std::string& helo, const PtrFacts& facts);

// The EHLO name must be a fully qualified domain name (RFC 5321 §4.1.1.1, §2.3.5).
Check check_helo(const std::string& helo);

// `name` is "spf" (the sender's domain) or "spf-helo" (the EHLO name, RFC 7208 §2.3).
Check check_spf(std::string_view name, const std::string& domain, const std::string& ip,
                const SpfFacts& facts);

// The record at `selector`._domainkey.`domain` must hold p= equal to `expected_p` (the private
// key's public key, base64) and no other k= than `key_type` ("rsa", "ed25519").
Check check_dkim(const std::string& selector, const std::string& domain,
                 const std::string& expected_p, const std::string& key_type,
                 const dns::TxtAnswer& answer);

// The p= of a DKIM key record (RFC 6376 §3.6.1), whitespace removed; nullopt without p=.
std::optional<std::string> dkim_public_key(std::string_view record);

// Whether `answer` holds a DMARC record (one starting with v=DMARC1, RFC 7489 §6.6.3).
bool has_dmarc_record(const dns::TxtAnswer& answer);

// DMARC (RFC 7489 §6.6.3): the policy record at _dmarc.`domain`, else at _dmarc.`org_domain`
// (`at_org` is nullopt when the domain is its own organisational domain or was not asked).
// Alignment: the From: and MAIL FROM domains are both --from's, so SPF aligns when `spf` passes
// and DKIM when a `dkim` check passes (`dkim` is the best of them; nullopt: no --dkim).
Check check_dmarc(const std::string& domain, const std::string& org_domain,
                  const dns::TxtAnswer& at_domain, const std::optional<dns::TxtAnswer>& at_org,
                  Verdict spf, std::optional<Verdict> dkim);

// Spamhaus ZEN for the IP and DBL for the domains (one `dnsbl` line). 127.255.255.x is a query
// error (public resolver, rate limit), UNKNOWN, never "listed".
Check check_dnsbl(std::span<const BlocklistLookup> lookups);

// One `tls` check for one MX host's probe.
Check check_tls(const MxProbe& probe);

}  // namespace smtpsend::doctor
