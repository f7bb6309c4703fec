// A small DNS message builder for dns/ tests: responses with any section content, optional
// name compression (RFC 1035 §4.1.4), and raw bytes for hostile cases.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace smtpsend::dns::test {

inline constexpr std::uint16_t kTypeA = 1;
inline constexpr std::uint16_t kTypeCname = 5;
inline constexpr std::uint16_t kTypeSoa = 6;
inline constexpr std::uint16_t kTypeMx = 15;
inline constexpr std::uint16_t kTypeAaaa = 28;

inline constexpr int kNoError = 0;
inline constexpr int kFormErr = 1;
inline constexpr int kServFail = 2;
inline constexpr int kNxDomain = 3;
inline constexpr int kNotImp = 4;
inline constexpr int kRefused = 5;

enum class Section { answer, authority, additional };

using Packet = std::vector<unsigned char>;

// The parts of a query a responder needs to answer it.
struct Query {
  std::uint16_t id = 0;
  std::string name;  // lower-cased, no trailing dot
  std::uint16_t type = 0;
  Packet question;  // the question section's bytes, echoed in the response
};
std::optional<Query> parse_query(std::span<const unsigned char> packet);

class DnsPacketBuilder {
 public:
  DnsPacketBuilder& id(std::uint16_t id);
  DnsPacketBuilder& rcode(int rcode);
  DnsPacketBuilder& is_response(bool response);
  DnsPacketBuilder& compress(bool on);
  DnsPacketBuilder& question(const std::string& name, std::uint16_t type);
  DnsPacketBuilder& raw_question(const Packet& bytes);  // counts as one question

  DnsPacketBuilder& mx(Section section, const std::string& owner, std::uint16_t preference,
                       const std::string& exchange);
  DnsPacketBuilder& a(Section section, const std::string& owner, const std::string& address);
  DnsPacketBuilder& aaaa(Section section, const std::string& owner, const std::string& address);
  DnsPacketBuilder& cname(Section section, const std::string& owner, const std::string& target);
  DnsPacketBuilder& soa(Section section, const std::string& owner);
  DnsPacketBuilder& raw_record(Section section, const std::string& owner, std::uint16_t type,
                               const Packet& rdata);

  Packet build() const;

 private:
  struct RdataPart {
    Packet bytes;
    std::optional<std::string> name;  // encoded (and maybe compressed) at build time
  };
  struct Record {
    std::string owner;
    std::uint16_t type = 0;
    std::vector<RdataPart> rdata;
  };
  DnsPacketBuilder& add(Section section, Record record);

  std::uint16_t id_ = 0x5353;
  int rcode_ = kNoError;
  bool is_response_ = true;
  bool compress_ = false;
  std::vector<Packet> raw_questions_;
  std::vector<std::pair<std::string, std::uint16_t>> questions_;
  std::vector<Record> answers_;
  std::vector<Record> authority_;
  std::vector<Record> additional_;
};

}  // namespace smtpsend::dns::test
