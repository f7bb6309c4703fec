#include "dns_message.hpp"

#include <cctype>
#include <climits>

namespace smtpsend::dns::wire {
namespace {

using Bytes = std::span<const unsigned char>;

std::uint16_t read_u16(Bytes message, std::size_t offset) {
  return static_cast<std::uint16_t>((message[offset] << 8) | message[offset + 1]);
}

// Spells a label the way c-ares' ares_expand_name does, so that owner names found here compare
// equal to the MX exchanges c-ares returns.
void append_label(std::string& name, Bytes label) {
  if (!name.empty()) name.push_back('.');
  for (const unsigned char c : label) {
    if (c < 0x20 || c > 0x7e) {
      name.push_back('\\');
      name.push_back(static_cast<char>('0' + c / 100));
      name.push_back(static_cast<char>('0' + (c / 10) % 10));
      name.push_back(static_cast<char>('0' + c % 10));
    } else if (c == '.' || c == '\\') {
      name.push_back('\\');
      name.push_back(static_cast<char>(c));
    } else {
      name.push_back(static_cast<char>(std::tolower(c)));
    }
  }
}

// RFC 1035 §4.1.2: QNAME, QTYPE, QCLASS.
bool skip_question(Bytes message, std::size_t& offset) {
  if (!read_name(message, offset)) return false;
  if (message.size() - offset < 4) return false;
  offset += 4;
  return true;
}

// RFC 1035 §4.1.3: NAME, TYPE, CLASS, TTL, RDLENGTH, RDATA.
std::optional<Record> read_record(Bytes message, std::size_t& offset) {
  Record record;
  auto owner = read_name(message, offset);
  if (!owner) return std::nullopt;
  record.owner = std::move(*owner);
  constexpr std::size_t kFixedFields = 10;
  if (message.size() - offset < kFixedFields) return std::nullopt;
  record.type = read_u16(message, offset);
  record.rclass = read_u16(message, offset + 2);
  const std::size_t rdata_length = read_u16(message, offset + 8);
  offset += kFixedFields;
  if (message.size() - offset < rdata_length) return std::nullopt;
  record.rdata = message.subspan(offset, rdata_length);
  offset += rdata_length;
  return record;
}

bool read_section(Bytes message, std::size_t& offset, std::uint16_t count,
                  std::vector<Record>& records) {
  for (std::uint16_t i = 0; i < count; ++i) {
    auto record = read_record(message, offset);
    if (!record) return false;
    records.push_back(std::move(*record));
  }
  return true;
}

}  // namespace

std::optional<Header> read_header(Bytes message) {
  if (message.size() < kHeaderSize) return std::nullopt;
  Header header;
  header.id = read_u16(message, 0);
  header.is_response = (message[2] & 0x80) != 0;
  header.truncated = (message[2] & 0x02) != 0;
  header.rcode = message[3] & 0x0f;
  header.question_count = read_u16(message, 4);
  header.answer_count = read_u16(message, 6);
  header.authority_count = read_u16(message, 8);
  header.additional_count = read_u16(message, 10);
  return header;
}

std::optional<std::string> read_name(Bytes message, std::size_t& offset) {
  std::string name;
  std::size_t position = offset;
  std::size_t wire_octets = 0;
  int jumps = 0;
  bool jumped = false;
  while (true) {
    if (position >= message.size()) return std::nullopt;
    const unsigned char length = message[position];
    if ((length & 0xc0) == 0xc0) {
      // RFC 1035 §4.1.4: the pointer's 14 bits are an offset from the start of the message.
      if (position + 1 >= message.size() || ++jumps > kMaxPointerJumps) return std::nullopt;
      const std::size_t target = read_u16(message, position) & 0x3fff;
      if (!jumped) offset = position + 2;
      jumped = true;
      position = target;
      continue;
    }
    // 0x40 and 0x80 are the obsolete extended label types (RFC 6891 §5): not host names.
    if ((length & 0xc0) != 0) return std::nullopt;
    wire_octets += length + 1u;
    if (wire_octets > kMaxNameOctets) return std::nullopt;
    if (length == 0) {
      if (!jumped) offset = position + 1;
      return name;
    }
    if (message.size() - position - 1 < length) return std::nullopt;
    append_label(name, message.subspan(position + 1, length));
    position += 1u + length;
  }
}

std::optional<Message> parse_message(Bytes message) {
  auto header = read_header(message);
  if (!header) return std::nullopt;
  Message parsed;
  parsed.header = *header;
  std::size_t offset = kHeaderSize;
  for (std::uint16_t i = 0; i < header->question_count; ++i) {
    if (!skip_question(message, offset)) return std::nullopt;
  }
  if (!read_section(message, offset, header->answer_count, parsed.answers) ||
      !read_section(message, offset, header->authority_count, parsed.authority) ||
      !read_section(message, offset, header->additional_count, parsed.additional)) {
    return std::nullopt;
  }
  return parsed;
}

namespace {

LookupStatus status_from_rcode(int rcode) {
  switch (rcode) {
    case kRcodeNoError:
      return LookupStatus::ok;
    case kRcodeServFail:
      return LookupStatus::servfail;
    case kRcodeNxDomain:
      return LookupStatus::nxdomain;
    case kRcodeRefused:
      return LookupStatus::refused;
    default:
      return LookupStatus::error;
  }
}

}  // namespace

std::optional<Message> parse_response(std::span<const unsigned char> response,
                                      LookupStatus& status) {
  auto message = parse_message(response);
  if (!message || !message->header.is_response || response.size() > INT_MAX) {
    status = LookupStatus::error;
    return std::nullopt;
  }
  status = status_from_rcode(message->header.rcode);
  return message;
}

}  // namespace smtpsend::dns::wire
