#include "smtpsend/doctor/org_domain.hpp"

#include <gtest/gtest.h>

namespace smtpsend::doctor {
namespace {

TEST(DoctorOrgDomain, RegistrableDomainUnderThePublicSuffixList) {
  EXPECT_EQ(organisational_domain("mail.example.com"), "example.com");
  EXPECT_EQ(organisational_domain("a.b.example.co.uk"), "example.co.uk");
  EXPECT_EQ(organisational_domain("Example.COM."), "example.com");
  EXPECT_EQ(organisational_domain("mail.example.test"), "example.test");
  EXPECT_EQ(organisational_domain("co.uk"), "co.uk");
}

}  // namespace
}  // namespace smtpsend::doctor
