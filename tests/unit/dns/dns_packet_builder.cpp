#include "dns_packet_builder.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace smtpsend::dns::test {
namespace {

void put_u16(Packet& out, std::uint16_t value) {
  out.push_back(static_cast<unsigned char>(value >> 8));
  out.push_back(static_cast<unsigned char>(value & 0xff));
}

void put_u32(Packet& out, std::uint32_t value) {
  put_u16(out, static_cast<std::uint16_t>(value >> 16));
  put_u16(out, static_cast<std::uint16_t>(value & 0xffff));
}

std::vector<std::string> labels_of(const std::string& name) {
  std::vector<std::string> labels;
  std::string label;
  for (const char c : name) {
    if (c == '.') {
      if (!label.empty()) labels.push_back(label);
      label.clear();
    } else {
      label.push_back(c);
    }
  }
  if (!label.empty()) labels.push_back(label);
  return labels;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Writes `name`; with compression, reuses any suffix already written (RFC 1035 §4.1.4).
class NameWriter {
 public:
  explicit NameWriter(bool compress) : compress_(compress) {}
  void write(Packet& out, const std::string& name) {
    const std::vector<std::string> labels = labels_of(name);
    for (std::size_t i = 0; i < labels.size(); ++i) {
      std::string suffix;
      for (std::size_t j = i; j < labels.size(); ++j) suffix += lower(labels[j]) + ".";
      if (compress_) {
        if (const auto found = offsets_.find(suffix); found != offsets_.end()) {
          put_u16(out, static_cast<std::uint16_t>(0xc000 | found->second));
          return;
        }
        if (out.size() < 0x3fff) offsets_.emplace(suffix, out.size());
      }
      out.push_back(static_cast<unsigned char>(labels[i].size()));
      out.insert(out.end(), labels[i].begin(), labels[i].end());
    }
    out.push_back(0);
  }

 private:
  bool compress_;
  std::map<std::string, std::size_t> offsets_;
};

Packet address_bytes(int family, const std::string& text) {
  Packet bytes(family == AF_INET ? 4 : 16);
  if (inet_pton(family, text.c_str(), bytes.data()) != 1) bytes.clear();
  return bytes;
}

}  // namespace

std::optional<Query> parse_query(std::span<const unsigned char> packet) {
  constexpr std::size_t kHeader = 12;
  if (packet.size() < kHeader) return std::nullopt;
  Query query;
  query.id = static_cast<std::uint16_t>((packet[0] << 8) | packet[1]);
  std::size_t offset = kHeader;
  while (offset < packet.size() && packet[offset] != 0) {
    const std::size_t length = packet[offset];
    if (length > 63 || offset + 1 + length >= packet.size()) return std::nullopt;
    if (!query.name.empty()) query.name.push_back('.');
    query.name.append(packet.begin() + static_cast<std::ptrdiff_t>(offset + 1),
                      packet.begin() + static_cast<std::ptrdiff_t>(offset + 1 + length));
    offset += 1 + length;
  }
  if (offset + 5 > packet.size()) return std::nullopt;
  query.type = static_cast<std::uint16_t>((packet[offset + 1] << 8) | packet[offset + 2]);
  query.name = lower(query.name);
  query.question.assign(packet.begin() + kHeader,
                        packet.begin() + static_cast<std::ptrdiff_t>(offset + 5));
  return query;
}

DnsPacketBuilder& DnsPacketBuilder::id(std::uint16_t id) {
  id_ = id;
  return *this;
}
DnsPacketBuilder& DnsPacketBuilder::rcode(int rcode) {
  rcode_ = rcode;
  return *this;
}
DnsPacketBuilder& DnsPacketBuilder::is_response(bool response) {
  is_response_ = response;
  return *this;
}
DnsPacketBuilder& DnsPacketBuilder::compress(bool on) {
  compress_ = on;
  return *this;
}
DnsPacketBuilder& DnsPacketBuilder::question(const std::string& name, std::uint16_t type) {
  questions_.emplace_back(name, type);
  return *this;
}
DnsPacketBuilder& DnsPacketBuilder::raw_question(const Packet& bytes) {
  raw_questions_.push_back(bytes);
  return *this;
}

DnsPacketBuilder& DnsPacketBuilder::add(Section section, Record record) {
  switch (section) {
    case Section::answer:
      answers_.push_back(std::move(record));
      break;
    case Section::authority:
      authority_.push_back(std::move(record));
      break;
    case Section::additional:
      additional_.push_back(std::move(record));
      break;
  }
  return *this;
}

DnsPacketBuilder& DnsPacketBuilder::mx(Section section, const std::string& owner,
                                       std::uint16_t preference, const std::string& exchange) {
  Packet preference_bytes;
  put_u16(preference_bytes, preference);
  return add(section, {owner, kTypeMx, {{preference_bytes, {}}, {{}, exchange}}});
}
DnsPacketBuilder& DnsPacketBuilder::a(Section section, const std::string& owner,
                                      const std::string& address) {
  return add(section, {owner, kTypeA, {{address_bytes(AF_INET, address), {}}}});
}
DnsPacketBuilder& DnsPacketBuilder::aaaa(Section section, const std::string& owner,
                                         const std::string& address) {
  return add(section, {owner, kTypeAaaa, {{address_bytes(AF_INET6, address), {}}}});
}
DnsPacketBuilder& DnsPacketBuilder::cname(Section section, const std::string& owner,
                                          const std::string& target) {
  return add(section, {owner, kTypeCname, {{{}, target}}});
}
DnsPacketBuilder& DnsPacketBuilder::soa(Section section, const std::string& owner) {
  Packet counters;
  for (const std::uint32_t value : {1u, 3600u, 600u, 86400u, 300u}) put_u32(counters, value);
  return add(section,
             {owner, kTypeSoa, {{{}, "ns." + owner}, {{}, "hostmaster." + owner}, {counters, {}}}});
}
DnsPacketBuilder& DnsPacketBuilder::raw_record(Section section, const std::string& owner,
                                               std::uint16_t type, const Packet& rdata) {
  return add(section, {owner, type, {{rdata, {}}}});
}

Packet DnsPacketBuilder::build() const {
  Packet out;
  NameWriter names(compress_);
  put_u16(out, id_);
  // QR, opcode QUERY, RD; RA; RCODE (RFC 1035 §4.1.1).
  out.push_back(static_cast<unsigned char>((is_response_ ? 0x80 : 0x00) | 0x01));
  out.push_back(static_cast<unsigned char>(0x80 | (rcode_ & 0x0f)));
  put_u16(out, static_cast<std::uint16_t>(questions_.size() + raw_questions_.size()));
  put_u16(out, static_cast<std::uint16_t>(answers_.size()));
  put_u16(out, static_cast<std::uint16_t>(authority_.size()));
  put_u16(out, static_cast<std::uint16_t>(additional_.size()));
  for (const Packet& raw : raw_questions_) out.insert(out.end(), raw.begin(), raw.end());
  for (const auto& [name, type] : questions_) {
    names.write(out, name);
    put_u16(out, type);
    put_u16(out, 1);  // IN
  }
  for (const auto* section : {&answers_, &authority_, &additional_}) {
    for (const Record& record : *section) {
      names.write(out, record.owner);
      put_u16(out, record.type);
      put_u16(out, 1);  // IN
      put_u32(out, 300);
      const std::size_t length_at = out.size();
      put_u16(out, 0);
      for (const RdataPart& part : record.rdata) {
        if (part.name) {
          names.write(out, *part.name);
        } else {
          out.insert(out.end(), part.bytes.begin(), part.bytes.end());
        }
      }
      const std::size_t length = out.size() - length_at - 2;
      out[length_at] = static_cast<unsigned char>(length >> 8);
      out[length_at + 1] = static_cast<unsigned char>(length & 0xff);
    }
  }
  return out;
}

}  // namespace smtpsend::dns::test
