// classify_unanswered: what a lookup that ended without a response means, one row per case.
#include "smtpsend/dns/unanswered.hpp"

#include <ares.h>
#include <gtest/gtest.h>

#include <cerrno>

namespace smtpsend::dns {
namespace {

constexpr unsigned kServFailSeen = 1u << 2;
constexpr unsigned kRefusedSeen = 1u << 5;
constexpr unsigned kNoErrorSeen = 1u << 0;

WireEvidence nothing() {
  return {};
}
WireEvidence socket_failed(int error) {
  WireEvidence e;
  e.socket_errno = error;
  return e;
}
WireEvidence refused_by(std::string server) {
  WireEvidence e;
  e.refused_by = std::move(server);
  return e;
}
WireEvidence rcodes(unsigned seen) {
  WireEvidence e;
  e.rcodes_seen = seen;
  return e;
}

Unanswered status(LookupStatus s, std::string failure = {}) {
  return Unanswered{s, std::move(failure)};
}

TEST(ClassifyUnanswered, StatusesThatSayWhatHappened) {
  EXPECT_EQ(classify_unanswered(ARES_ENOTFOUND, nothing()), status(LookupStatus::nxdomain));
  EXPECT_EQ(classify_unanswered(ARES_ENODATA, nothing()), status(LookupStatus::nodata));
  EXPECT_EQ(classify_unanswered(ARES_ESERVFAIL, nothing()), status(LookupStatus::servfail));
  EXPECT_EQ(classify_unanswered(ARES_EREFUSED, nothing()), status(LookupStatus::refused));
  EXPECT_EQ(classify_unanswered(ARES_ETIMEOUT, nothing()), status(LookupStatus::timeout));
  EXPECT_EQ(classify_unanswered(ARES_EBADRESP, nothing()), status(LookupStatus::error));
  EXPECT_EQ(classify_unanswered(ARES_ECANCELLED, nothing()), status(LookupStatus::error));
  EXPECT_EQ(classify_unanswered(ARES_ENOMEM, nothing()),
            status(LookupStatus::local_error, "out of memory"));
}

TEST(ClassifyUnanswered, ConnectionRefusedWithANamedServerIsUnreachable) {
  EXPECT_EQ(classify_unanswered(ARES_ECONNREFUSED, refused_by("127.0.0.1:53")),
            status(LookupStatus::unreachable, "DNS server 127.0.0.1:53 refused the query"));
  EXPECT_EQ(classify_unanswered(ARES_ECONNREFUSED, refused_by("[::1]:5353")),
            status(LookupStatus::unreachable, "DNS server [::1]:5353 refused the query"));
}

TEST(ClassifyUnanswered, NoSocketIsALocalFailure) {
  for (int error : {EMFILE, ENFILE}) {
    EXPECT_EQ(classify_unanswered(ARES_ECONNREFUSED, socket_failed(error)),
              status(LookupStatus::local_error, "out of file descriptors"));
  }
  EXPECT_EQ(classify_unanswered(ARES_ECONNREFUSED, socket_failed(EAFNOSUPPORT)).status,
            LookupStatus::local_error);
  // A retry after a timeout that could not get a socket: the last try never left this host.
  EXPECT_EQ(classify_unanswered(ARES_ETIMEOUT, socket_failed(EMFILE)),
            status(LookupStatus::local_error, "out of file descriptors"));
  // The local failure decides even when a server had refused before it.
  WireEvidence both = socket_failed(EMFILE);
  both.refused_by = "127.0.0.1:53";
  EXPECT_EQ(classify_unanswered(ARES_ECONNREFUSED, both).status, LookupStatus::local_error);
}

// c-ares 1.18 reports SERVFAIL and REFUSED answers as ARES_ECONNREFUSED too.
TEST(ClassifyUnanswered, AnsweredServfailOrRefusedStaysTheServers) {
  EXPECT_EQ(classify_unanswered(ARES_ECONNREFUSED, rcodes(kServFailSeen)),
            status(LookupStatus::servfail));
  EXPECT_EQ(classify_unanswered(ARES_ECONNREFUSED, rcodes(kRefusedSeen | kNoErrorSeen)),
            status(LookupStatus::refused));
  EXPECT_EQ(classify_unanswered(ARES_ECONNREFUSED, rcodes(kServFailSeen | kRefusedSeen)),
            status(LookupStatus::servfail));
}

TEST(ClassifyUnanswered, ConnectionRefusedWithoutEvidenceIsServfailAsBefore) {
  EXPECT_EQ(classify_unanswered(ARES_ECONNREFUSED, nothing()), status(LookupStatus::servfail));
}

}  // namespace
}  // namespace smtpsend::dns
