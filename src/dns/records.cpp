#include "smtpsend/dns/records.hpp"

#include <arpa/inet.h>

#include <array>

#include "dns_message.hpp"

namespace smtpsend::dns {
namespace {

using Bytes = std::span<const unsigned char>;

constexpr std::uint16_t kTypePtr = 12;  // RFC 1035 §3.3.12
constexpr std::uint16_t kTypeTxt = 16;  // RFC 1035 §3.3.14

// RFC 1035 §3.3.14: one or more <character-string>s, each a length octet and that many octets,
// filling the RDATA exactly.
std::optional<std::string> txt_text(Bytes rdata) {
  std::string text;
  std::size_t offset = 0;
  while (offset < rdata.size()) {
    const std::size_t length = rdata[offset++];
    if (rdata.size() - offset < length) return std::nullopt;
    text.append(reinterpret_cast<const char*>(rdata.data() + offset), length);
    offset += length;
  }
  return text;
}

std::size_t offset_in(Bytes response, Bytes part) {
  return static_cast<std::size_t>(part.data() - response.data());
}

}  // namespace

TxtAnswer decode_txt_answer(Bytes response) {
  TxtAnswer answer;
  const auto message = wire::parse_response(response, answer.status);
  if (!message || answer.status != LookupStatus::ok) return answer;
  for (const wire::Record& record : message->answers) {
    if (record.type != kTypeTxt || record.rclass != wire::kClassIn) continue;
    auto text = txt_text(record.rdata);
    if (!text) return TxtAnswer{LookupStatus::error, {}};
    answer.records.push_back(std::move(*text));
  }
  if (answer.records.empty()) answer.status = LookupStatus::nodata;
  return answer;
}

NameAnswer decode_ptr_answer(Bytes response) {
  NameAnswer answer;
  const auto message = wire::parse_response(response, answer.status);
  if (!message || answer.status != LookupStatus::ok) return answer;
  for (const wire::Record& record : message->answers) {
    if (record.type != kTypePtr || record.rclass != wire::kClassIn) continue;
    std::size_t offset = offset_in(response, record.rdata);
    auto name = wire::read_name(response, offset);
    // RFC 1035 §3.3.12: PTRDNAME fills the RDATA exactly.
    if (!name || offset != offset_in(response, record.rdata) + record.rdata.size()) {
      return NameAnswer{LookupStatus::error, {}};
    }
    answer.names.push_back(std::move(*name));
  }
  if (answer.names.empty()) answer.status = LookupStatus::nodata;
  return answer;
}

std::optional<std::string> reversed_address_labels(std::string_view ip) {
  const std::string text(ip);
  std::array<unsigned char, 16> bytes{};
  std::string labels;
  if (inet_pton(AF_INET, text.c_str(), bytes.data()) == 1) {
    for (int i = 3; i >= 0; --i) {
      if (!labels.empty()) labels.push_back('.');
      labels += std::to_string(bytes[static_cast<std::size_t>(i)]);
    }
    return labels;
  }
  if (inet_pton(AF_INET6, text.c_str(), bytes.data()) != 1) return std::nullopt;
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 15; i >= 0; --i) {
    const unsigned char byte = bytes[static_cast<std::size_t>(i)];
    if (!labels.empty()) labels.push_back('.');
    labels.push_back(kHex[byte & 0x0f]);
    labels.push_back('.');
    labels.push_back(kHex[byte >> 4]);
  }
  return labels;
}

std::optional<std::string> reverse_lookup_name(std::string_view ip) {
  auto labels = reversed_address_labels(ip);
  if (!labels) return std::nullopt;
  const bool ipv4 = ip.find(':') == std::string_view::npos;
  return *labels + (ipv4 ? ".in-addr.arpa" : ".ip6.arpa");
}

}  // namespace smtpsend::dns
