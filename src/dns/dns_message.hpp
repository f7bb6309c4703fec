// dns/dns_message: a bounded walker over a raw DNS message (RFC 1035 §4.1), private to dns/.
//
// c-ares parses the answer section for us, but neither exposes the additional section nor
// checks that the whole message is well formed; this walker does both. Every offset is checked
// against the message size and compression pointers are followed a bounded number of times, so
// hostile bytes give nullopt, never an out-of-bounds read or a loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "smtpsend/dns/lookup_status.hpp"

namespace smtpsend::dns::wire {

inline constexpr std::size_t kHeaderSize = 12;      // RFC 1035 §4.1.1
inline constexpr std::size_t kMaxNameOctets = 255;  // RFC 1035 §2.3.4
// A 255-octet name has at most 127 labels, so a name needing more jumps than that can only be
// a pointer loop.
inline constexpr int kMaxPointerJumps = 127;

inline constexpr std::uint16_t kClassIn = 1;
inline constexpr std::uint16_t kTypeA = 1;
inline constexpr std::uint16_t kTypeCname = 5;
inline constexpr std::uint16_t kTypeMx = 15;
inline constexpr std::uint16_t kTypeAaaa = 28;

inline constexpr int kRcodeNoError = 0;
inline constexpr int kRcodeServFail = 2;
inline constexpr int kRcodeNxDomain = 3;
inline constexpr int kRcodeRefused = 5;

struct Header {
  std::uint16_t id = 0;
  bool is_response = false;
  bool truncated = false;
  int rcode = 0;
  std::uint16_t question_count = 0;
  std::uint16_t answer_count = 0;
  std::uint16_t authority_count = 0;
  std::uint16_t additional_count = 0;
};

struct Record {
  std::string owner;  // presentation form as c-ares spells it, lower-cased, no trailing dot
  std::uint16_t type = 0;
  std::uint16_t rclass = 0;
  std::span<const unsigned char> rdata;  // points into the message
};

struct Message {
  Header header;
  std::vector<Record> answers;
  std::vector<Record> authority;
  std::vector<Record> additional;
};

std::optional<Header> read_header(std::span<const unsigned char> message);

// Expands the (possibly compressed, RFC 1035 §4.1.4) name at `offset` and moves `offset` past
// the name's bytes at that position. The root is "".
std::optional<std::string> read_name(std::span<const unsigned char> message, std::size_t& offset);

// Walks the header and every section the header counts; nullopt if any of it is malformed.
std::optional<Message> parse_message(std::span<const unsigned char> message);

// A c-ares answer as a response: read only when it is a response and every section the header
// counts is present and in bounds (a truncated NXDOMAIN must not become a permanent failure);
// `status` from its RCODE, read here rather than trusted from c-ares so that pure decoding and
// the resolver agree (RFC 1035 §4.1.1). Shared by MX/A/AAAA (answer.cpp) and TXT/PTR
// (records.cpp) decoding.
std::optional<Message> parse_response(std::span<const unsigned char> response,
                                      LookupStatus& status);

}  // namespace smtpsend::dns::wire
