// Conversions of option values, each with the sentence a user sees when the value is bad.
// Private to src/cli.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "smtpsend/cli/dkim_key_file.hpp"
#include "smtpsend/smtp/sasl.hpp"

namespace smtpsend::cli {

// SPEC.md is silent on an upper bound; a day keeps every deadline far from clock overflow
// while being longer than any SMTP stage anyone would want to wait.
inline constexpr long long kMaxTimeoutSeconds = 86400;
// More simultaneous destinations than this would only exhaust file descriptors.
inline constexpr std::size_t kMaxParallel = 1000;
// --max-addresses: past this many addresses one destination would hold a mailing for hours at
// the default connect timeout; Postfix's default is 5.
inline constexpr std::size_t kMaxAddressLimit = 1000;

// Each returns false with `error` set ("--mx-port must be a port number from 1 to 65535, not
// 'x'"). `option` is the option's long name (or config key), quoted in the sentence.
bool parse_port(std::string_view option, std::string_view text, std::uint16_t& out,
                std::string& error);
bool parse_seconds(std::string_view option, std::string_view text, std::chrono::seconds& out,
                   std::string& error);
bool parse_parallel(std::string_view option, std::string_view text, std::size_t& out,
                    std::string& error);
// --max-size: a whole number of bytes from 1, optionally followed by one of k, M, G, T (either
// case; powers of 1024, as dd(1), sort -S and Postfix's documentation mean them): "1G", "500M",
// "10k", "1048576". Zero, a sign, a space, another suffix or more than 2^64 - 1 bytes is refused.
bool parse_size(std::string_view option, std::string_view text, std::uint64_t& out,
                std::string& error);
// --retry-min, --retry-max, --queue-lifetime: a whole number followed by s, m, h or d ("300s",
// "5m", "4h", "5d"; a bare number is seconds, as in Postfix's main.cf), from 1 s to 365 days.
bool parse_duration(std::string_view option, std::string_view text, std::chrono::seconds& out,
                    std::string& error);
bool parse_address_limit(std::string_view option, std::string_view text, std::size_t& out,
                         std::string& error);
// IP[:PORT]: "192.0.2.1", "192.0.2.1:5353", "2001:db8::1", "[2001:db8::1]:5353".
bool check_dns_server(std::string_view option, std::string_view text, std::string& error);
// Letters, digits, '-' and '.', no empty label, at most 253 octets (RFC 1035 §2.3.4).
bool is_ldh_domain(std::string_view text);
// --helo: an ASCII domain (letters, digits, '-', '.'; no empty label), an address literal in
// brackets (RFC 5321 §4.1.1.1, §4.1.2) or a bare IP address (sent as a literal).
bool check_helo_name(std::string_view option, std::string_view text, std::string& error);
// --qualify-domain: a domain (RFC 5321 §4.1.2; UTF-8 labels allowed) or an address literal,
// checked up front so that a bad one is a usage error, not a late bad address.
bool check_qualify_domain(std::string_view option, std::string_view text, std::string& error);

// --dkim and the `dkim` key: "SELECTOR:KEYFILE", split at the first ':' (a selector has none);
// the selector a sub-domain (RFC 6376 §3.1), the file name not empty.
bool parse_dkim_key(std::string_view option, std::string_view text, DkimKeyFile& out,
                    std::string& error);
// --dkim-domain and its key: a domain name of letters, digits, '-' and '.' (RFC 6376 §3.5 d=;
// an internationalised domain is given in A-labels).
bool check_dkim_domain(std::string_view option, std::string_view text, std::string& error);

// --auth and the `auth` key: "auto" (the CLI's word for letting the server's EHLO list decide,
// SPEC.md "Authentication") and the SASL mechanisms smtp implements, their names taken from
// smtp::kSaslMechanismNames in lower case, as users type them (smtp accepts any case).
namespace auth_names {
inline constexpr std::size_t kLongest =
    std::ranges::max(smtp::kSaslMechanismNames, {}, &std::string_view::size).size();
struct LowerName {
  std::array<char, kLongest> chars{};
  std::size_t size = 0;
};
constexpr std::array<LowerName, smtp::kSaslMechanismNames.size()> lower_case() {
  std::array<LowerName, smtp::kSaslMechanismNames.size()> out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    for (const char c : smtp::kSaslMechanismNames[i]) {
      out[i].chars[out[i].size++] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
  }
  return out;
}
inline constexpr std::array<LowerName, smtp::kSaslMechanismNames.size()> kLowerCase = lower_case();
constexpr std::array<std::string_view, 1 + smtp::kSaslMechanismNames.size()> with_auto() {
  std::array<std::string_view, 1 + smtp::kSaslMechanismNames.size()> out{"auto"};
  for (std::size_t i = 0; i < kLowerCase.size(); ++i) {
    out[i + 1] = std::string_view(kLowerCase[i].chars.data(), kLowerCase[i].size);
  }
  return out;
}
}  // namespace auth_names
inline constexpr std::array<std::string_view, 1 + smtp::kSaslMechanismNames.size()> kAuthNames =
    auth_names::with_auto();

// "a, b, c or d": the allowed values of an option, for its error sentence.
std::string or_list(std::span<const std::string_view> names);

}  // namespace smtpsend::cli
