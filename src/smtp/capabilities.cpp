#include "smtpsend/smtp/capabilities.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string_view>

#include "keyword_case.hpp"

namespace smtpsend::smtp {
namespace {

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

// RFC 1870 §4: "SIZE" [SP number]; a missing number means no fixed limit.
std::optional<std::uint64_t> parse_size(const std::vector<std::string_view>& w) {
  if (w.size() < 2) return 0;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(w[1].data(), w[1].data() + w[1].size(), value);
  if (ec != std::errc{} || end != w[1].data() + w[1].size()) return std::nullopt;
  return value;
}

}  // namespace

Capabilities Capabilities::from_ehlo(const Reply& reply) {
  Capabilities caps;
  caps.esmtp = true;
  // RFC 5321 §4.1.1.1: the first line carries the server's name and greeting, not a keyword.
  for (std::size_t i = 1; i < reply.lines.size(); ++i) {
    const std::vector<std::string_view> w = words(reply.lines[i]);
    if (w.empty()) continue;
    std::string keyword = upper_keyword(w[0]);
    // Some servers still advertise "AUTH=LOGIN PLAIN" (pre-RFC 4954 syntax).
    std::vector<std::string_view> params(w.begin() + 1, w.end());
    if (keyword.rfind("AUTH=", 0) == 0) {
      params.insert(params.begin(), std::string_view(w[0]).substr(5));
      keyword = "AUTH";
    }
    if (keyword == "PIPELINING")
      caps.pipelining = true;
    else if (keyword == "8BITMIME")
      caps.eight_bit_mime = true;
    else if (keyword == "SMTPUTF8")
      caps.smtputf8 = true;
    else if (keyword == "CHUNKING")
      caps.chunking = true;
    else if (keyword == "BINARYMIME")
      caps.binary_mime = true;
    else if (keyword == "STARTTLS")
      caps.starttls = true;
    else if (keyword == "DSN")
      caps.dsn = true;
    else if (keyword == "ENHANCEDSTATUSCODES")
      caps.enhanced_status_codes = true;
    else if (keyword == "SIZE")
      caps.size = parse_size(w);
    else if (keyword == "AUTH") {
      for (std::string_view mech : params) {
        std::string name = upper_keyword(mech);
        if (!name.empty() && std::find(caps.auth_mechanisms.begin(), caps.auth_mechanisms.end(),
                                       name) == caps.auth_mechanisms.end()) {
          caps.auth_mechanisms.push_back(std::move(name));
        }
      }
    }
  }
  return caps;
}

}  // namespace smtpsend::smtp
