#include "smtpsend/smtp/dsn.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "keyword_case.hpp"

namespace smtpsend::smtp {
namespace {

// sendmail splits -N at commas; Postfix also at white space. Empty pieces are dropped.
std::vector<std::string_view> keywords(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == ',' || text[i] == ' ' || text[i] == '\t') {
      if (i > start) out.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

constexpr std::array<std::string_view, 3> kNotifyConditions{"SUCCESS", "FAILURE", "DELAY"};

}  // namespace

std::string xtext_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto octet = static_cast<unsigned char>(c);
    if (octet >= '!' && octet <= '~' && octet != '+' && octet != '=') {
      out += c;
    } else {
      out += '+';
      out += kHex[octet >> 4];
      out += kHex[octet & 0xF];
    }
  }
  return out;
}

bool parse_dsn_notify(std::string_view text, std::string& notify, std::string& error) {
  const std::vector<std::string_view> words = keywords(text);
  std::vector<std::string> seen;
  for (const std::string_view word : words) {
    std::string keyword = upper_keyword(word);
    const bool condition = std::find(kNotifyConditions.begin(), kNotifyConditions.end(), keyword) !=
                           kNotifyConditions.end();
    if (!condition && keyword != "NEVER") {
      error =
          "-N (--dsn-notify) takes never, or success, failure and delay separated by "
          "commas, not '" +
          std::string(word) + "'";
      return false;
    }
    if (std::find(seen.begin(), seen.end(), keyword) == seen.end()) seen.push_back(keyword);
  }
  if (seen.empty()) {
    error = "-N (--dsn-notify) needs never, or some of success, failure, delay";
    return false;
  }
  if (seen.size() > 1 && std::find(seen.begin(), seen.end(), "NEVER") != seen.end()) {
    error =
        "-N (--dsn-notify): never cannot be combined with success, failure or delay "
        "(RFC 3461 section 4.1)";
    return false;
  }
  notify.clear();
  for (const std::string& keyword : seen) notify += (notify.empty() ? "" : ",") + keyword;
  return true;
}

bool parse_dsn_return(std::string_view text, DsnReturn& ret, std::string& error) {
  const std::string value = upper_keyword(text);
  if (value == "FULL") {
    ret = DsnReturn::full;
  } else if (value == "HDRS") {
    ret = DsnReturn::headers;
  } else {
    error = "-R (--dsn-return) must be full or hdrs, not '" + std::string(text) + "'";
    return false;
  }
  return true;
}

bool check_dsn_envid(std::string_view envid, std::string& error) {
  const bool printable = std::all_of(envid.begin(), envid.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) <= 0x7E;
  });
  if (envid.empty() || !printable) {
    error = "-V (--dsn-envid) must be printable US-ASCII (RFC 3461 section 4.4)";
    return false;
  }
  if (xtext_encode(envid).size() > kMaxEnvidXtext) {
    error = "-V (--dsn-envid) is longer than 100 characters once encoded (RFC 3461 section 4.4)";
    return false;
  }
  return true;
}

std::string dsn_mail_parameters(const DsnRequest& dsn) {
  std::string out;
  if (dsn.ret) out += dsn.ret == DsnReturn::full ? " RET=FULL" : " RET=HDRS";
  if (!dsn.envid.empty()) out += " ENVID=" + xtext_encode(dsn.envid);
  return out;
}

std::string dsn_rcpt_parameters(const DsnRequest& dsn) {
  return dsn.notify.empty() ? std::string() : " NOTIFY=" + dsn.notify;
}

}  // namespace smtpsend::smtp
