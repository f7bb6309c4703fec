// The lookup status table: one row per status.
#include "smtpsend/dns/lookup_status.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

namespace smtpsend::dns {
namespace {

struct Row {
  LookupStatus status;
  const char* name;
  bool temporary;
  Errc error;
  const char* phrase;
};

const std::vector<Row> kRows = {
    {LookupStatus::ok, "ok", false, Errc::dns_error, "ok"},
    {LookupStatus::nxdomain, "nxdomain", false, Errc::dns_nxdomain, "NXDOMAIN"},
    {LookupStatus::nodata, "nodata", false, Errc::dns_nodata, "no records"},
    {LookupStatus::servfail, "servfail", true, Errc::dns_servfail, "SERVFAIL"},
    {LookupStatus::refused, "refused", true, Errc::dns_refused, "REFUSED"},
    {LookupStatus::timeout, "timeout", true, Errc::dns_timeout, "timed out"},
    {LookupStatus::error, "error", true, Errc::dns_error, "resolver error"},
    {LookupStatus::unreachable, "unreachable", true, Errc::dns_error,
     "no DNS server could be reached"},
    {LookupStatus::local_error, "local_error", true, Errc::dns_error,
     "the query could not be sent"},
};

TEST(LookupStatus, EachStatus) {
  ASSERT_EQ(kRows.size(), static_cast<std::size_t>(LookupStatus::local_error) + 1);
  for (const Row& row : kRows) {
    SCOPED_TRACE(row.name);
    EXPECT_STREQ(to_string(row.status), row.name);
    EXPECT_EQ(is_temporary(row.status), row.temporary);
    EXPECT_EQ(lookup_error(row.status), row.error);
    EXPECT_EQ(lookup_failure_phrase(row.status, ""), row.phrase);
    std::ostringstream os;
    os << row.status;
    EXPECT_EQ(os.str(), row.name);
  }
}

// RFC 5321 §5.1: only records, NXDOMAIN and NODATA are answers; everything else defers.
TEST(LookupStatus, OnlyAnswersAreNotTemporary) {
  for (LookupStatus s : {LookupStatus::ok, LookupStatus::nxdomain, LookupStatus::nodata}) {
    EXPECT_FALSE(is_temporary(s)) << s;
  }
  for (LookupStatus s :
       {LookupStatus::servfail, LookupStatus::refused, LookupStatus::timeout, LookupStatus::error,
        LookupStatus::unreachable, LookupStatus::local_error}) {
    EXPECT_TRUE(is_temporary(s)) << s;
  }
}

// A lookup that never reached a server says why, not what a server would have said.
TEST(LookupStatus, ALocalFailureIsSaidInItsOwnWords) {
  EXPECT_EQ(lookup_failure_phrase(LookupStatus::local_error, "out of file descriptors"),
            "out of file descriptors");
  EXPECT_EQ(
      lookup_failure_phrase(LookupStatus::unreachable, "DNS server 127.0.0.1:53 refused the query"),
      "DNS server 127.0.0.1:53 refused the query");
}

}  // namespace
}  // namespace smtpsend::dns
