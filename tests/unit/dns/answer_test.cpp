#include "smtpsend/dns/answer.hpp"

#include <gtest/gtest.h>

#include <random>

#include "dns_packet_builder.hpp"

namespace smtpsend::dns {

void PrintTo(const MxAnswer& answer, std::ostream* os) {
  *os << answer.status << " [";
  for (const MxRecord& r : answer.records) *os << " " << r.preference << ":" << r.host;
  *os << " ] additional [";
  for (const HostAddresses& h : answer.additional) {
    *os << " " << h.host << "=";
    for (const std::string& a : h.addresses) *os << a << ",";
  }
  *os << " ]";
}

void PrintTo(const AddressAnswer& answer, std::ostream* os) {
  *os << answer.status << " [";
  for (const std::string& a : answer.addresses) *os << " " << a;
  *os << " ]";
}

namespace {

using test::DnsPacketBuilder;
using test::Packet;
using test::Section;

DnsPacketBuilder mx_response(const std::string& domain) {
  return DnsPacketBuilder().question(domain, test::kTypeMx);
}

Packet two_mx_with_glue(bool compress) {
  return mx_response("example.test")
      .compress(compress)
      .mx(Section::answer, "example.test", 10, "mx1.example.test")
      .mx(Section::answer, "example.test", 20, "mx2.example.test")
      .soa(Section::authority, "example.test")
      .a(Section::additional, "mx1.example.test", "192.0.2.1")
      .aaaa(Section::additional, "mx1.example.test", "2001:db8::1")
      .a(Section::additional, "unrelated.example.test", "192.0.2.99")
      .build();
}

TEST(DecodeMxAnswer, RecordsInAnswerOrderWithoutAdditional) {
  const Packet packet = mx_response("example.test")
                            .mx(Section::answer, "example.test", 20, "mx2.example.test")
                            .mx(Section::answer, "example.test", 10, "mx1.example.test")
                            .build();
  const MxAnswer expected{
      LookupStatus::ok, {{20, "mx2.example.test"}, {10, "mx1.example.test"}}, {}};
  EXPECT_EQ(decode_mx_answer(packet), expected);
}

TEST(DecodeMxAnswer, AttachesAdditionalAddressesOfMxHostsOnly) {
  for (const bool compress : {false, true}) {
    SCOPED_TRACE(compress ? "compressed" : "uncompressed");
    const MxAnswer expected{LookupStatus::ok,
                            {{10, "mx1.example.test"}, {20, "mx2.example.test"}},
                            {{"mx1.example.test", {"192.0.2.1", "2001:db8::1"}}}};
    EXPECT_EQ(decode_mx_answer(two_mx_with_glue(compress)), expected);
  }
}

TEST(DecodeMxAnswer, CompressionMakesThePacketSmaller) {
  EXPECT_LT(two_mx_with_glue(true).size(), two_mx_with_glue(false).size());
}

TEST(DecodeMxAnswer, HostNamesAreLowerCasedAndMatchAdditionalRegardlessOfCase) {
  const Packet packet = mx_response("Example.TEST")
                            .mx(Section::answer, "Example.TEST", 5, "MX1.Example.TEST.")
                            .a(Section::additional, "mx1.EXAMPLE.test", "192.0.2.7")
                            .build();
  const MxAnswer expected{
      LookupStatus::ok, {{5, "mx1.example.test"}}, {{"mx1.example.test", {"192.0.2.7"}}}};
  EXPECT_EQ(decode_mx_answer(packet), expected);
}

TEST(DecodeMxAnswer, NullMxExchangeIsTheEmptyHost) {
  // RFC 7505 §3: "0 ." -- the exchange is the root name.
  const Packet packet =
      mx_response("nomail.test").mx(Section::answer, "nomail.test", 0, ".").build();
  const MxAnswer expected{LookupStatus::ok, {{0, ""}}, {}};
  EXPECT_EQ(decode_mx_answer(packet), expected);
}

TEST(DecodeMxAnswer, RcodesBecomeStatuses) {
  const std::vector<std::pair<int, LookupStatus>> cases = {
      {test::kNxDomain, LookupStatus::nxdomain}, {test::kServFail, LookupStatus::servfail},
      {test::kRefused, LookupStatus::refused},   {test::kFormErr, LookupStatus::error},
      {test::kNotImp, LookupStatus::error},      {9, LookupStatus::error},
  };
  for (const auto& [rcode, status] : cases) {
    SCOPED_TRACE(rcode);
    const Packet packet =
        mx_response("missing.test").rcode(rcode).soa(Section::authority, "test").build();
    EXPECT_EQ(decode_mx_answer(packet), (MxAnswer{status, {}, {}}));
  }
}

TEST(DecodeMxAnswer, NoErrorWithoutMxRecordsIsNodata) {
  const Packet empty = mx_response("host.test").soa(Section::authority, "test").build();
  EXPECT_EQ(decode_mx_answer(empty).status, LookupStatus::nodata);
  // A CNAME in the answer is not an MX record either.
  const Packet alias = mx_response("alias.test")
                           .cname(Section::answer, "alias.test", "host.test")
                           .soa(Section::authority, "test")
                           .build();
  EXPECT_EQ(decode_mx_answer(alias).status, LookupStatus::nodata);
}

TEST(DecodeMxAnswer, QueryInsteadOfResponseIsError) {
  const Packet packet = mx_response("example.test")
                            .is_response(false)
                            .mx(Section::answer, "example.test", 10, "mx.example.test")
                            .build();
  EXPECT_EQ(decode_mx_answer(packet).status, LookupStatus::error);
}

TEST(DecodeMxAnswer, EmptyOrHeaderOnlyIsError) {
  EXPECT_EQ(decode_mx_answer({}).status, LookupStatus::error);
  const Packet header_only = DnsPacketBuilder().build();
  ASSERT_EQ(header_only.size(), 12u);
  EXPECT_EQ(decode_mx_answer(header_only).status, LookupStatus::error);
}

TEST(DecodeMxAnswer, EveryTruncationIsErrorNeverACrash) {
  for (const bool compress : {false, true}) {
    const Packet full = two_mx_with_glue(compress);
    for (std::size_t length = 0; length < full.size(); ++length) {
      SCOPED_TRACE(testing::Message() << "compress=" << compress << " length=" << length);
      const Packet prefix(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(length));
      EXPECT_EQ(decode_mx_answer(prefix).status, LookupStatus::error);
      EXPECT_EQ(decode_address_answer(prefix, false).status, LookupStatus::error);
    }
  }
}

TEST(DecodeMxAnswer, TruncatedNxdomainIsNotTrustedAsPermanent) {
  const Packet full = mx_response("missing.test").rcode(test::kNxDomain).build();
  const Packet prefix(full.begin(), full.end() - 1);
  EXPECT_EQ(decode_mx_answer(full).status, LookupStatus::nxdomain);
  EXPECT_EQ(decode_mx_answer(prefix).status, LookupStatus::error);
}

// Header for one question whose name is at offset 12, followed by `name_bytes`, QTYPE MX, IN.
Packet question_with_name_bytes(const Packet& name_bytes) {
  Packet packet = {0x12, 0x34, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0};
  for (const unsigned char byte : name_bytes) packet.push_back(byte);
  for (const unsigned char byte : {0, 15, 0, 1}) packet.push_back(byte);
  return packet;
}

TEST(DecodeMxAnswer, PointerLoopsAreErrors) {
  // A pointer to itself.
  EXPECT_EQ(decode_mx_answer(question_with_name_bytes({0xc0, 12})).status, LookupStatus::error);
  // Two labels pointing at each other: "a" -> offset 16 -> "b" -> offset 12 -> ...
  EXPECT_EQ(decode_mx_answer(question_with_name_bytes({1, 'a', 0xc0, 16, 1, 'b', 0xc0, 12})).status,
            LookupStatus::error);
}

TEST(DecodeMxAnswer, PointersOutOfBoundsAreErrors) {
  EXPECT_EQ(decode_mx_answer(question_with_name_bytes({0xff, 0xff})).status, LookupStatus::error);
  EXPECT_EQ(decode_mx_answer(question_with_name_bytes({0xc0})).status, LookupStatus::error);
}

TEST(DecodeMxAnswer, ExtendedLabelTypesAreErrors) {
  EXPECT_EQ(decode_mx_answer(question_with_name_bytes({0x41, 'x', 0})).status, LookupStatus::error);
  EXPECT_EQ(decode_mx_answer(question_with_name_bytes({0x81, 'x', 0})).status, LookupStatus::error);
}

TEST(DecodeMxAnswer, NamesLongerThan255OctetsAreErrors) {
  // RFC 1035 §2.3.4. Five 63-octet labels make a 321-octet name.
  std::string long_name;
  for (int i = 0; i < 5; ++i) long_name += std::string(63, 'a' + i) + ".";
  const Packet packet = mx_response("example.test")
                            .mx(Section::answer, "example.test", 10, long_name + "test")
                            .build();
  EXPECT_EQ(decode_mx_answer(packet).status, LookupStatus::error);
}

TEST(DecodeMxAnswer, RecordLengthBeyondTheMessageIsError) {
  Packet packet = mx_response("example.test")
                      .mx(Section::answer, "example.test", 10, "mx.example.test")
                      .build();
  // The only record's RDATA ends the packet: preference (2) + "mx.example.test" (17 octets);
  // its RDLENGTH sits just before. Claim 256 more octets than there are.
  const std::size_t rdlength_at = packet.size() - 19 - 2;
  ASSERT_EQ(packet[rdlength_at + 1], 19);
  packet[rdlength_at] = 0x01;
  EXPECT_EQ(decode_mx_answer(packet).status, LookupStatus::error);
}

TEST(DecodeMxAnswer, AdditionalRecordsOfTheWrongSizeAreIgnored) {
  const Packet packet =
      mx_response("example.test")
          .mx(Section::answer, "example.test", 10, "mx.example.test")
          .raw_record(Section::additional, "mx.example.test", test::kTypeA, {192, 0, 2})
          .build();
  const MxAnswer expected{LookupStatus::ok, {{10, "mx.example.test"}}, {}};
  EXPECT_EQ(decode_mx_answer(packet), expected);
}

TEST(DecodeMxAnswer, MutatedPacketsNeverCrash) {
  std::mt19937 rng(20240601);
  const Packet original = two_mx_with_glue(true);
  for (int round = 0; round < 20000; ++round) {
    Packet packet = original;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < flips; ++i)
      packet[rng() % packet.size()] = static_cast<unsigned char>(rng());
    const MxAnswer answer = decode_mx_answer(packet);
    if (answer.status != LookupStatus::ok) {
      EXPECT_TRUE(answer.records.empty());
    }
    (void)decode_address_answer(packet, round % 2 == 0);
  }
}

DnsPacketBuilder address_response(const std::string& host, bool ipv6) {
  return DnsPacketBuilder().question(host, ipv6 ? test::kTypeAaaa : test::kTypeA);
}

TEST(DecodeAddressAnswer, ARecords) {
  const Packet packet = address_response("host.test", false)
                            .a(Section::answer, "host.test", "192.0.2.1")
                            .a(Section::answer, "host.test", "192.0.2.2")
                            .build();
  EXPECT_EQ(decode_address_answer(packet, false),
            (AddressAnswer{LookupStatus::ok, {"192.0.2.1", "192.0.2.2"}}));
}

TEST(DecodeAddressAnswer, AaaaRecordsCompressed) {
  const Packet packet = address_response("host.test", true)
                            .compress(true)
                            .aaaa(Section::answer, "host.test", "2001:db8::1")
                            .build();
  EXPECT_EQ(decode_address_answer(packet, true),
            (AddressAnswer{LookupStatus::ok, {"2001:db8::1"}}));
}

TEST(DecodeAddressAnswer, FollowsCnameChains) {
  const Packet packet = address_response("www.test", false)
                            .cname(Section::answer, "www.test", "host.test")
                            .a(Section::answer, "host.test", "192.0.2.5")
                            .build();
  EXPECT_EQ(decode_address_answer(packet, false), (AddressAnswer{LookupStatus::ok, {"192.0.2.5"}}));
}

TEST(DecodeAddressAnswer, OtherFamilyOnlyIsNodata) {
  const Packet packet =
      address_response("host.test", true).a(Section::answer, "host.test", "192.0.2.1").build();
  EXPECT_EQ(decode_address_answer(packet, true).status, LookupStatus::nodata);
}

TEST(DecodeAddressAnswer, RcodesAndEmptyAnswers) {
  EXPECT_EQ(
      decode_address_answer(address_response("x.test", false).rcode(test::kNxDomain).build(), false)
          .status,
      LookupStatus::nxdomain);
  EXPECT_EQ(
      decode_address_answer(address_response("x.test", false).rcode(test::kServFail).build(), false)
          .status,
      LookupStatus::servfail);
  EXPECT_EQ(
      decode_address_answer(address_response("x.test", true).rcode(test::kRefused).build(), true)
          .status,
      LookupStatus::refused);
  EXPECT_EQ(decode_address_answer(
                address_response("x.test", true).soa(Section::authority, "test").build(), true)
                .status,
            LookupStatus::nodata);
}

TEST(LookupStatus, Prints) {
  std::ostringstream os;
  os << LookupStatus::servfail << " " << to_string(LookupStatus::timeout);
  EXPECT_EQ(os.str(), "servfail timeout");
}

}  // namespace
}  // namespace smtpsend::dns
