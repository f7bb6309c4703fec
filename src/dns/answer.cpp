#include "smtpsend/dns/answer.hpp"

#include <ares.h>
#include <arpa/inet.h>
#include <netdb.h>

#include <algorithm>
#include <cctype>

#include "dns_message.hpp"

namespace smtpsend::dns {
namespace {

using Bytes = std::span<const unsigned char>;

// Lower-cased, without the trailing dot; the root ("." or "") becomes "" (RFC 7505 null MX).
std::string normalise_host(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  std::string normalised(host);
  std::transform(normalised.begin(), normalised.end(), normalised.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return normalised;
}

// RFC 1035 §3.3.9: PREFERENCE then EXCHANGE, which must fill the RDATA exactly. c-ares does
// not bound the exchange's length, so every MX is checked here first.
bool mx_rdata_valid(Bytes response, const wire::Record& record) {
  if (record.rdata.size() < 3) return false;
  std::size_t offset = static_cast<std::size_t>(record.rdata.data() - response.data()) + 2;
  return wire::read_name(response, offset).has_value() &&
         offset ==
             static_cast<std::size_t>(record.rdata.data() - response.data()) + record.rdata.size();
}

bool all_mx_valid(Bytes response, const wire::Message& message) {
  return std::all_of(message.answers.begin(), message.answers.end(), [&](const wire::Record& r) {
    return r.type != wire::kTypeMx || mx_rdata_valid(response, r);
  });
}

std::string address_text(Bytes rdata) {
  char text[INET6_ADDRSTRLEN] = {};
  const int family = rdata.size() == 4 ? AF_INET : AF_INET6;
  if (inet_ntop(family, rdata.data(), text, sizeof text) == nullptr) return {};
  return text;
}

// RFC 5321 §5.1 lets a client use address records the server volunteers for the MX hosts.
std::vector<HostAddresses> additional_addresses(const wire::Message& message,
                                                const std::vector<MxRecord>& records) {
  std::vector<HostAddresses> found;
  for (const MxRecord& mx : records) {
    if (mx.host.empty()) continue;
    if (std::any_of(found.begin(), found.end(),
                    [&](const HostAddresses& h) { return h.host == mx.host; })) {
      continue;
    }
    HostAddresses host{mx.host, {}};
    for (const wire::Record& record : message.additional) {
      const bool is_a = record.type == wire::kTypeA && record.rdata.size() == 4;
      const bool is_aaaa = record.type == wire::kTypeAaaa && record.rdata.size() == 16;
      if (record.rclass != wire::kClassIn || !(is_a || is_aaaa) || record.owner != mx.host)
        continue;
      std::string text = address_text(record.rdata);
      if (!text.empty() &&
          std::find(host.addresses.begin(), host.addresses.end(), text) == host.addresses.end()) {
        host.addresses.push_back(std::move(text));
      }
    }
    if (!host.addresses.empty()) found.push_back(std::move(host));
  }
  return found;
}

std::vector<MxRecord> mx_records(const ares_mx_reply* replies) {
  std::vector<MxRecord> records;
  for (const ares_mx_reply* reply = replies; reply != nullptr; reply = reply->next) {
    records.push_back({reply->priority, normalise_host(reply->host ? reply->host : "")});
  }
  return records;
}

std::vector<std::string> host_addresses(const hostent* host) {
  std::vector<std::string> addresses;
  const std::size_t length = host->h_addrtype == AF_INET ? 4 : 16;
  for (char** address = host->h_addr_list; address && *address; ++address) {
    std::string text = address_text(Bytes(reinterpret_cast<unsigned char*>(*address), length));
    if (!text.empty()) addresses.push_back(std::move(text));
  }
  return addresses;
}

}  // namespace

MxAnswer decode_mx_answer(Bytes response) {
  MxAnswer answer;
  const auto message = wire::parse_response(response, answer.status);
  if (!message || answer.status != LookupStatus::ok) return answer;
  if (!all_mx_valid(response, *message)) {
    answer.status = LookupStatus::error;
    return answer;
  }

  ares_mx_reply* replies = nullptr;
  const int parsed =
      ares_parse_mx_reply(response.data(), static_cast<int>(response.size()), &replies);
  if (parsed == ARES_SUCCESS) {
    answer.records = mx_records(replies);
    answer.additional = additional_addresses(*message, answer.records);
  }
  ares_free_data(replies);
  // c-ares 1.18 reports success with an empty list when the answer holds only other types.
  if (parsed == ARES_SUCCESS) {
    answer.status = answer.records.empty() ? LookupStatus::nodata : LookupStatus::ok;
  } else {
    answer.status = parsed == ARES_ENODATA ? LookupStatus::nodata : LookupStatus::error;
  }
  return answer;
}

AddressAnswer decode_address_answer(Bytes response, bool ipv6) {
  AddressAnswer answer;
  if (!wire::parse_response(response, answer.status) || answer.status != LookupStatus::ok) return answer;

  hostent* host = nullptr;
  const int length = static_cast<int>(response.size());
  // c-ares follows CNAME chains inside the answer and keeps only records of the asked type.
  const int parsed = ipv6 ? ares_parse_aaaa_reply(response.data(), length, &host, nullptr, nullptr)
                          : ares_parse_a_reply(response.data(), length, &host, nullptr, nullptr);
  if (parsed == ARES_SUCCESS && host != nullptr) answer.addresses = host_addresses(host);
  if (host != nullptr) ares_free_hostent(host);
  if (parsed == ARES_SUCCESS) {
    answer.status = answer.addresses.empty() ? LookupStatus::nodata : LookupStatus::ok;
  } else {
    answer.status = parsed == ARES_ENODATA ? LookupStatus::nodata : LookupStatus::error;
  }
  return answer;
}

}  // namespace smtpsend::dns
