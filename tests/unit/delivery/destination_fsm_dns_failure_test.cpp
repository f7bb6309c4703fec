// A lookup that never reached a DNS server (issue 9): the failover machine quotes what the
// resolver says happened, and the recipients are deferred, never failed.
#include <gtest/gtest.h>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/delivery/destination_fsm.hpp"

namespace smtpsend::delivery {
namespace {

DestinationFsm example_fsm() {
  smtp::Transaction t;
  t.mail_from = "me@here.test";
  t.recipients = {"bob@example.com"};
  t.content = "Subject: t\r\n\r\nbody\r\n";
  FsmOptions o;
  o.random = [](std::size_t) -> std::size_t { return 0; };
  return DestinationFsm(Destination{"example.com", "example.com", {t}}, o);
}

RecipientResult only_result(DestinationFsm& fsm) {
  const auto finish = std::get<Finish>(fsm.next_action());
  EXPECT_EQ(finish.results.size(), 1u);
  return finish.results.at(0);
}

TEST(DestinationFsmDnsFailure, AnUnreachableServerIsQuotedAndDefers) {
  DestinationFsm fsm = example_fsm();
  dns::MxAnswer answer{dns::LookupStatus::unreachable, {}, {}};
  answer.failure = "DNS server 127.0.0.1:53 refused the query";
  fsm.on_mx(answer);
  const RecipientResult r = only_result(fsm);
  EXPECT_EQ(r.status, RecipientStatus::deferred);
  EXPECT_EQ(r.cause, FailureCause::temporary);
  EXPECT_EQ(r.diag.error, make_error_code(Errc::dns_error));
  EXPECT_EQ(r.diag.detail,
            "DNS lookup of example.com failed: DNS server 127.0.0.1:53 refused the query");
}

TEST(DestinationFsmDnsFailure, OutOfDescriptorsForAnMxHostsAddressesDefers) {
  DestinationFsm fsm = example_fsm();
  fsm.on_mx(dns::MxAnswer{dns::LookupStatus::ok, {{10, "mx1.example.com"}}, {}});
  EXPECT_EQ(fsm.next_action(), DestinationAction{ResolveAddrs{"mx1.example.com"}});
  dns::AddressAnswer answer{dns::LookupStatus::local_error, {}};
  answer.failure = "out of file descriptors";
  fsm.on_addresses(answer);
  const RecipientResult r = only_result(fsm);
  EXPECT_EQ(r.status, RecipientStatus::deferred);
  EXPECT_EQ(r.cause, FailureCause::temporary);
  EXPECT_EQ(r.diag.detail, "DNS lookup of mx1.example.com failed: out of file descriptors");
}

TEST(DestinationFsmDnsFailure, WithoutASentenceTheStatusIsNamed) {
  DestinationFsm fsm = example_fsm();
  fsm.on_mx(dns::MxAnswer{dns::LookupStatus::local_error, {}, {}});
  EXPECT_EQ(only_result(fsm).diag.detail,
            "DNS lookup of example.com failed: the query could not be sent");
}

}  // namespace
}  // namespace smtpsend::delivery
