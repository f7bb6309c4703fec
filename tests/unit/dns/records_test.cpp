#include "smtpsend/dns/records.hpp"

#include <gtest/gtest.h>

#include "dns_packet_builder.hpp"

namespace smtpsend::dns {
namespace {

using test::DnsPacketBuilder;
using test::Packet;
using test::Section;

constexpr std::uint16_t kTypePtr = 12;
constexpr std::uint16_t kTypeTxt = 16;

Packet character_strings(std::initializer_list<std::string> strings) {
  Packet rdata;
  for (const std::string& s : strings) {
    rdata.push_back(static_cast<unsigned char>(s.size()));
    rdata.insert(rdata.end(), s.begin(), s.end());
  }
  return rdata;
}

Packet name_rdata(const std::string& name) {
  Packet rdata;
  std::size_t start = 0;
  while (start < name.size()) {
    const auto dot = name.find('.', start);
    const std::string label = name.substr(start, dot - start);
    rdata.push_back(static_cast<unsigned char>(label.size()));
    rdata.insert(rdata.end(), label.begin(), label.end());
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  rdata.push_back(0);
  return rdata;
}

TEST(DecodeTxtAnswer, JoinsTheStringsOfEachRecord) {
  const Packet response =
      DnsPacketBuilder()
          .question("example.test", kTypeTxt)
          .raw_record(Section::answer, "example.test", kTypeTxt,
                      character_strings({"v=spf1 ip4:192.0.2.7", " -all"}))
          .raw_record(Section::answer, "example.test", kTypeTxt, character_strings({"other"}))
          .build();
  EXPECT_EQ(decode_txt_answer(response),
            (TxtAnswer{LookupStatus::ok, {"v=spf1 ip4:192.0.2.7 -all", "other"}}));
}

TEST(DecodeTxtAnswer, StatusesAndHostileRdata) {
  EXPECT_EQ(decode_txt_answer(DnsPacketBuilder().question("x.test", kTypeTxt).build()).status,
            LookupStatus::nodata);
  EXPECT_EQ(decode_txt_answer(
                DnsPacketBuilder().rcode(test::kNxDomain).question("x.test", kTypeTxt).build())
                .status,
            LookupStatus::nxdomain);
  EXPECT_EQ(decode_txt_answer(
                DnsPacketBuilder().rcode(test::kServFail).question("x.test", kTypeTxt).build())
                .status,
            LookupStatus::servfail);
  // A length octet that runs past the RDATA.
  const Packet overrun = DnsPacketBuilder()
                             .question("x.test", kTypeTxt)
                             .raw_record(Section::answer, "x.test", kTypeTxt, Packet{5, 'a', 'b'})
                             .build();
  EXPECT_EQ(decode_txt_answer(overrun).status, LookupStatus::error);
  const Packet truncated = DnsPacketBuilder().question("x.test", kTypeTxt).build();
  EXPECT_EQ(decode_txt_answer(std::span(truncated).first(5)).status, LookupStatus::error);
}

TEST(DecodePtrAnswer, NamesLowerCasedAndBadRdataRefused) {
  const Packet response = DnsPacketBuilder()
                              .question("7.2.0.192.in-addr.arpa", kTypePtr)
                              .raw_record(Section::answer, "7.2.0.192.in-addr.arpa", kTypePtr,
                                          name_rdata("Mail.Example.Test"))
                              .build();
  EXPECT_EQ(decode_ptr_answer(response), (NameAnswer{LookupStatus::ok, {"mail.example.test"}}));
  Packet trailing = name_rdata("mail.example.test");
  trailing.push_back(1);
  const Packet bad = DnsPacketBuilder()
                         .question("7.2.0.192.in-addr.arpa", kTypePtr)
                         .raw_record(Section::answer, "7.2.0.192.in-addr.arpa", kTypePtr, trailing)
                         .build();
  EXPECT_EQ(decode_ptr_answer(bad).status, LookupStatus::error);
  EXPECT_EQ(decode_ptr_answer(DnsPacketBuilder().question("x.arpa", kTypePtr).build()).status,
            LookupStatus::nodata);
}

TEST(ReverseNames, Ipv4OctetsAndIpv6Nibbles) {
  EXPECT_EQ(reversed_address_labels("127.0.0.2"), "2.0.0.127");
  EXPECT_EQ(reverse_lookup_name("192.0.2.7"), "7.2.0.192.in-addr.arpa");
  EXPECT_EQ(reverse_lookup_name("2001:db8::1"),
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
  EXPECT_EQ(reversed_address_labels("mail.example.test"), std::nullopt);
  EXPECT_EQ(reverse_lookup_name("192.0.2"), std::nullopt);
}

}  // namespace
}  // namespace smtpsend::dns
