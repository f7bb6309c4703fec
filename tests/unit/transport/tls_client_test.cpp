// The OpenSSL context is built lazily, once, and a trust anchor that cannot be loaded is an
// error value naming the file (never an exception); check_pem_files reads the same files at
// start and says why one cannot be used.
#include "smtpsend/transport/tls_client.hpp"

#include <gtest/gtest.h>

#include "smtpsend/core/errors.hpp"
#include "support/test_pem.hpp"

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

TEST(TlsClient, MissingCaFileIsTrustAnchorsUnloadableNamingTheFile) {
  TlsSettings settings;
  settings.ca_file = "/nonexistent/smtpsend-ca.pem";
  TlsClient client(settings);
  std::error_code error;
  std::string problem;
  EXPECT_EQ(client.context(error, problem), nullptr);
  EXPECT_EQ(error, make_error_code(Errc::tls_trust_anchors_unloadable));
  EXPECT_NE(problem.find("/nonexistent/smtpsend-ca.pem"), std::string::npos) << problem;
  std::error_code again;
  EXPECT_EQ(client.context(again, problem), nullptr);
  EXPECT_EQ(again, make_error_code(Errc::tls_trust_anchors_unloadable));
}

TEST(TlsClient, UnloadableClientCertificateSaysSo) {
  TlsSettings settings;
  settings.cert_file = "/nonexistent/smtpsend-client.pem";
  TlsClient client(settings);
  std::error_code error;
  std::string problem;
  EXPECT_EQ(client.context(error, problem), nullptr);
  // The one-line report quotes this error's message: it must name the cause, not "TLS is
  // required but not available".
  EXPECT_EQ(error, make_error_code(Errc::tls_client_certificate_unloadable));
  EXPECT_NE(error.message().find("--tls-cert"), std::string::npos) << error.message();
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
  EXPECT_EQ(error, make_error_code(Errc::tls_trust_anchors_unloadable));
  EXPECT_NE(error.message().find("--ca-file"), std::string::npos) << error.message();
  EXPECT_NE(problem.find("/nonexistent/smtpsend-ca.pem"), std::string::npos) << problem;
  std::error_code again;
  EXPECT_EQ(client.context(again, problem, /*verify=*/false), unverified);
  EXPECT_FALSE(again);
}

TEST(CheckPemFiles, UsableFilesPass) {
  using namespace smtpsend::testing;
  TlsSettings settings;
  settings.ca_file = write_temp_file("check-pem-ca.pem", kCertificatePem);
  settings.cert_file = settings.ca_file;
  settings.key_file = write_temp_file("check-pem-key.pem", kKeyPem);
  std::string problem;
  EXPECT_FALSE(check_pem_files(settings, problem)) << problem;
  EXPECT_EQ(problem, "");
  // What passed the check builds a verifying context.
  TlsClient client(settings);
  std::error_code error;
  EXPECT_NE(client.context(error, problem, /*verify=*/true), nullptr) << problem;
  EXPECT_FALSE(check_pem_files(TlsSettings{}, problem)) << "nothing named, nothing to check";
}

// The check is meant to catch everything the context would refuse: a certificate whose PEM
// armour is fine but whose contents are not makes both fail.
TEST(CheckPemFiles, ACorruptCertificateFailsTheCheckAndTheContextAlike) {
  using namespace smtpsend::testing;
  TlsSettings settings;
  settings.ca_file = write_temp_file("check-pem-corrupt.pem", kCorruptCertificatePem);
  std::string problem;
  EXPECT_EQ(check_pem_files(settings, problem), make_error_code(Errc::input_unreadable));
  EXPECT_TRUE(problem.starts_with("cannot load --ca-file " + settings.ca_file + ": ")) << problem;
  TlsClient client(settings);
  std::error_code error;
  EXPECT_EQ(client.context(error, problem, /*verify=*/true), nullptr);
  EXPECT_EQ(error, make_error_code(Errc::tls_trust_anchors_unloadable));
}

}  // namespace
}  // namespace smtpsend::transport
