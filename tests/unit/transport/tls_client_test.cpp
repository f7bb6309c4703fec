// The OpenSSL context is built lazily, once, and a trust anchor that cannot be loaded is an
// error value naming the file (never an exception).
#include "smtpsend/transport/tls_client.hpp"

#include <gtest/gtest.h>

#include "smtpsend/core/errors.hpp"

namespace smtpsend::transport {
namespace {

TEST(TlsClient, SystemStoreContextIsBuiltOnceOnDemand) {
  TlsClient client(TlsSettings{});
  std::error_code error;
  std::string problem;
  auto* first = client.context(error, problem);
  ASSERT_NE(first, nullptr) << problem;
  EXPECT_FALSE(error);
  EXPECT_EQ(client.context(error, problem), first);
}

TEST(TlsClient, MissingCaFileIsTlsUnavailableNamingTheFile) {
  TlsSettings settings;
  settings.ca_file = "/nonexistent/smtpsend-ca.pem";
  TlsClient client(settings);
  std::error_code error;
  std::string problem;
  EXPECT_EQ(client.context(error, problem), nullptr);
  EXPECT_EQ(error, make_error_code(Errc::tls_unavailable));
  EXPECT_NE(problem.find("/nonexistent/smtpsend-ca.pem"), std::string::npos) << problem;
  std::error_code again;
  EXPECT_EQ(client.context(again, problem), nullptr);
  EXPECT_EQ(again, make_error_code(Errc::tls_unavailable));
}

TEST(TlsClient, UnloadableClientCertificateIsTlsUnavailable) {
  TlsSettings settings;
  settings.cert_file = "/nonexistent/smtpsend-client.pem";
  TlsClient client(settings);
  std::error_code error;
  std::string problem;
  EXPECT_EQ(client.context(error, problem), nullptr);
  EXPECT_NE(problem.find("client certificate"), std::string::npos) << problem;
}

// Issue 5: parsing the trust store costs ~236 M instructions; opportunistic and required never
// use it, so only a verifying handshake loads it (and only then can a bad anchor file fail).
TEST(TlsClient, TrustAnchorsAreLoadedOnlyForAVerifyingHandshake) {
  TlsSettings settings;
  settings.ca_file = "/nonexistent/smtpsend-ca.pem";
  TlsClient client(settings);
  std::error_code error;
  std::string problem;
  auto* unverified = client.context(error, problem, /*verify=*/false);
  ASSERT_NE(unverified, nullptr) << problem;
  EXPECT_FALSE(error);
  EXPECT_EQ(client.context(error, problem, /*verify=*/true), nullptr);
  EXPECT_EQ(error, make_error_code(Errc::tls_unavailable));
  EXPECT_NE(problem.find("/nonexistent/smtpsend-ca.pem"), std::string::npos) << problem;
  std::error_code again;
  EXPECT_EQ(client.context(again, problem, /*verify=*/false), unverified);
  EXPECT_FALSE(again);
}

}  // namespace
}  // namespace smtpsend::transport
