// Domains whose MX records name the same hosts at the same preferences become one destination;
// anything else keeps its own.
#include "smtpsend/delivery/shared_mx.hpp"

#include <gtest/gtest.h>

namespace smtpsend::delivery {
namespace {

smtp::Transaction transaction(std::size_t message_index, std::vector<std::string> recipients,
                              bool needs_smtputf8 = false) {
  smtp::Transaction t;
  t.message_index = message_index;
  t.wire_recipients = recipients;
  t.recipients = std::move(recipients);
  t.needs_smtputf8 = needs_smtputf8;
  return t;
}

Destination destination(std::string domain, std::vector<smtp::Transaction> transactions) {
  return Destination{domain, domain, std::move(transactions)};
}

dns::MxAnswer mx(std::vector<dns::MxRecord> records,
                 dns::LookupStatus status = dns::LookupStatus::ok) {
  return dns::MxAnswer{status, std::move(records), {}};
}

std::vector<std::string> domains(const std::vector<Destination>& destinations) {
  std::vector<std::string> out;
  for (const Destination& d : destinations) out.push_back(d.domain);
  return out;
}

TEST(SharedMx, DomainsWithTheSameMxSetShareOneDestinationAndOneTransactionPerMessage) {
  std::vector<Destination> in = {
      destination("a.test", {transaction(0, {"x@a.test"}), transaction(1, {"y@a.test"})}),
      destination("other.test", {transaction(0, {"o@other.test"})}),
      destination("b.test", {transaction(0, {"z@b.test"}, true)}),
      destination("c.test", {transaction(2, {"w@c.test"})}),
  };
  // The same set in another order and case is the same set.
  const std::map<std::string, dns::MxAnswer> answers = {
      {"a.test", mx({{10, "mx1.provider.test"}, {20, "mx2.provider.test"}})},
      {"b.test", mx({{20, "MX2.provider.test"}, {10, "mx1.provider.test"}})},
      {"c.test", mx({{10, "mx1.provider.test"}, {20, "mx2.provider.test"}})},
      {"other.test", mx({{10, "mx1.provider.test"}})},
  };
  const std::vector<Destination> out = merge_shared_mx(std::move(in), answers);
  ASSERT_EQ(domains(out), (std::vector<std::string>{"a.test", "other.test"}));
  EXPECT_EQ(out[0].label, "a.test, b.test and c.test");
  EXPECT_EQ(out[1].label, "");
  ASSERT_EQ(out[0].transactions.size(), 3u);
  EXPECT_EQ(out[0].transactions[0].message_index, 0u);
  EXPECT_EQ(out[0].transactions[0].recipients, (std::vector<std::string>{"x@a.test", "z@b.test"}));
  EXPECT_EQ(out[0].transactions[0].wire_recipients, out[0].transactions[0].recipients);
  EXPECT_TRUE(out[0].transactions[0].needs_smtputf8);
  EXPECT_EQ(out[0].transactions[1].recipients, (std::vector<std::string>{"y@a.test"}));
  EXPECT_EQ(out[0].transactions[2].message_index, 2u);
  EXPECT_EQ(out[0].transactions[2].recipients, (std::vector<std::string>{"w@c.test"}));
}

TEST(SharedMx, DifferentPreferencesAreNotTheSameRoute) {
  std::vector<Destination> in = {destination("a.test", {transaction(0, {"x@a.test"})}),
                                 destination("b.test", {transaction(0, {"y@b.test"})})};
  const std::map<std::string, dns::MxAnswer> answers = {
      {"a.test", mx({{10, "mx1.p.test"}, {20, "mx2.p.test"}})},
      {"b.test", mx({{20, "mx1.p.test"}, {10, "mx2.p.test"}})},
  };
  EXPECT_EQ(domains(merge_shared_mx(std::move(in), answers)),
            (std::vector<std::string>{"a.test", "b.test"}));
}

TEST(SharedMx, NothingWithoutAUsableMxListIsMerged) {
  std::vector<Destination> in;
  std::map<std::string, dns::MxAnswer> answers;
  const std::vector<std::pair<std::string, dns::MxAnswer>> cases = {
      {"nx.test", mx({}, dns::LookupStatus::nxdomain)},
      {"nx2.test", mx({}, dns::LookupStatus::nxdomain)},
      {"nodata.test", mx({}, dns::LookupStatus::nodata)},
      {"nodata2.test", mx({}, dns::LookupStatus::nodata)},
      {"null.test", mx({{0, ""}})},
      {"null2.test", mx({{0, ""}})},
      {"fail.test", mx({{10, "mx.p.test"}}, dns::LookupStatus::servfail)},
      {"fail2.test", mx({{10, "mx.p.test"}}, dns::LookupStatus::servfail)},
  };
  for (const auto& [name, answer] : cases) {
    in.push_back(destination(name, {transaction(0, {"u@" + name})}));
    answers.emplace(name, answer);
  }
  // Never looked up (an address literal), or not in the answers at all.
  in.push_back(destination("[192.0.2.1]", {transaction(0, {"u@[192.0.2.1]"})}));
  in.push_back(destination("[192.0.2.1]", {transaction(0, {"v@[192.0.2.1]"})}));
  in.push_back(destination("unknown.test", {transaction(0, {"u@unknown.test"})}));
  const std::size_t count = in.size();
  const std::vector<Destination> out = merge_shared_mx(std::move(in), answers);
  EXPECT_EQ(out.size(), count);
  for (const Destination& d : out) EXPECT_EQ(d.label, "") << d.domain;
}

TEST(SharedMx, QueryNameIsTheALabelFormAndNoneForALiteral) {
  EXPECT_EQ(mx_query_name(destination("Example.TEST", {})), "example.test");
  EXPECT_EQ(mx_query_name(destination("b\xc3\xbc\x63her.test", {})), "xn--bcher-kva.test");
  EXPECT_EQ(mx_query_name(destination("[192.0.2.1]", {})), "");
}

}  // namespace
}  // namespace smtpsend::delivery
