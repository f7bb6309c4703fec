// The SASL mechanisms with OpenSSL against the RFCs' worked examples: RFC 5802 §5
// (SCRAM-SHA-1), RFC 7677 §3 (SCRAM-SHA-256), RFC 2195 §2 (CRAM-MD5), RFC 4616 / RFC 4954 §4
// (PLAIN on the wire).
#include <gtest/gtest.h>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/smtp/sasl.hpp"
#include "fixed_nonce_crypto.hpp"
#include "smtpsend/transport/openssl_crypto.hpp"

namespace smtpsend::transport {
namespace {

using smtp::SaslMechanism;

struct ScramExample {
  SaslMechanism mechanism;
  std::string client_nonce, client_first, server_first, client_final, server_final;
};

// RFC 5802 §5.
const ScramExample kScramSha1{
    SaslMechanism::scram_sha_1,
    "fyko+d2lbbFgONRv9qkxdawL",
    "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
    "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
    "v=rmF9pqV8S7suAoZWja4dJRkFsKQ="};

// RFC 7677 §3.
const ScramExample kScramSha256{
    SaslMechanism::scram_sha_256,
    "rOprNGfwEbeRWgbNEkqO",
    "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
    "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="};

class ScramVectors : public ::testing::TestWithParam<ScramExample> {};

TEST_P(ScramVectors, MatchesTheRfcExampleAndVerifiesTheServer) {
  const ScramExample& example = GetParam();
  const FixedNonceCrypto crypto(example.client_nonce);
  auto scram = smtp::make_sasl_client(example.mechanism, {"user", "pencil"}, crypto);
  const smtp::SaslStep first = scram->start();
  EXPECT_EQ(first.response, example.client_first);
  const smtp::SaslStep final_message = scram->step(example.server_first);
  ASSERT_FALSE(final_message.error) << final_message.error.message();
  EXPECT_EQ(final_message.response, example.client_final);
  EXPECT_EQ(scram->on_success(), make_error_code(Errc::auth_failed)) << "not verified yet";
  const smtp::SaslStep empty = scram->step(example.server_final);
  EXPECT_FALSE(empty.error) << empty.error.message();
  EXPECT_EQ(empty.response, "");
  EXPECT_FALSE(scram->on_success());
}

TEST_P(ScramVectors, OneWrongServerSignatureBitIsAuthFailed) {
  const ScramExample& example = GetParam();
  const FixedNonceCrypto crypto(example.client_nonce);
  const OpensslCrypto openssl;
  std::string signature = *openssl.base64_decode(example.server_final.substr(2));
  signature.back() ^= 1;
  auto scram = smtp::make_sasl_client(example.mechanism, {"user", "pencil"}, crypto);
  scram->start();
  ASSERT_FALSE(scram->step(example.server_first).error);
  EXPECT_EQ(scram->step("v=" + openssl.base64_encode(signature)).error,
            make_error_code(Errc::auth_failed));
  EXPECT_EQ(scram->on_success(), make_error_code(Errc::auth_failed));
}

TEST_P(ScramVectors, WrongPasswordGivesADifferentProof) {
  const ScramExample& example = GetParam();
  const FixedNonceCrypto crypto(example.client_nonce);
  auto scram = smtp::make_sasl_client(example.mechanism, {"user", "pencil!"}, crypto);
  scram->start();
  const smtp::SaslStep final_message = scram->step(example.server_first);
  ASSERT_TRUE(final_message.response);
  EXPECT_NE(final_message.response, example.client_final);
  EXPECT_EQ(scram->step(example.server_final).error, make_error_code(Errc::auth_failed));
}

TEST_P(ScramVectors, WireLinesRedactTheProof) {
  const ScramExample& example = GetParam();
  const FixedNonceCrypto crypto(example.client_nonce);
  auto scram = smtp::make_sasl_client(example.mechanism, {"user", "pencil"}, crypto);
  const smtp::AuthCommand command = smtp::auth_command(example.mechanism, scram->start(), crypto);
  EXPECT_EQ(command.command.wire, "AUTH " + std::string(smtp::to_string(example.mechanism)) + " " +
                                      crypto.base64_encode(example.client_first));
  EXPECT_EQ(command.command.transcript_form, command.command.wire) << "nothing secret yet";
  const auto challenge = smtp::decode_challenge(crypto.base64_encode(example.server_first), crypto);
  ASSERT_EQ(challenge, example.server_first);
  const smtp::SaslLine final_line = smtp::response_line(scram->step(*challenge), crypto);
  EXPECT_EQ(final_line.wire, crypto.base64_encode(example.client_final));
  EXPECT_EQ(final_line.transcript_form, smtp::kRedacted);
}

INSTANTIATE_TEST_SUITE_P(Rfc, ScramVectors, ::testing::Values(kScramSha1, kScramSha256),
                         [](const auto& info) {
                           return info.param.mechanism == SaslMechanism::scram_sha_1 ? "Sha1"
                                                                                     : "Sha256";
                         });

TEST(CramMd5Vector, Rfc2195Example) {
  const OpensslCrypto crypto;
  auto cram = smtp::make_sasl_client(SaslMechanism::cram_md5, {"tim", "tanstaaftanstaaf"}, crypto);
  EXPECT_EQ(cram->start().response, std::nullopt);
  const auto challenge =
      smtp::decode_challenge("PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+", crypto);
  ASSERT_EQ(challenge, "<1896.697170952@postoffice.reston.mci.net>");
  const smtp::SaslStep answer = cram->step(*challenge);
  EXPECT_EQ(answer.response, "tim b913a602c7eda7a495b4e6e7334d3890");
  const smtp::SaslLine line = smtp::response_line(answer, crypto);
  EXPECT_EQ(line.wire, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
  EXPECT_EQ(line.transcript_form, smtp::kRedacted);
}

TEST(PlainVector, AuthLineAndItsTranscriptForm) {
  const OpensslCrypto crypto;
  auto plain = smtp::make_sasl_client(SaslMechanism::plain, {"tim", "tanstaaftanstaaf"}, crypto);
  const smtp::AuthCommand command =
      smtp::auth_command(SaslMechanism::plain, plain->start(), crypto);
  // base64("\0tim\0tanstaaftanstaaf")
  EXPECT_EQ(command.command.wire, "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
  EXPECT_EQ(command.command.transcript_form, "AUTH PLAIN <redacted>");
  EXPECT_FALSE(command.pending_initial_response);
}

TEST(LoginVector, PromptsAndAnswersInBase64) {
  const OpensslCrypto crypto;
  auto login = smtp::make_sasl_client(SaslMechanism::login, {"tim", "tanstaaf"}, crypto);
  EXPECT_EQ(smtp::auth_command(SaslMechanism::login, login->start(), crypto).command.wire,
            "AUTH LOGIN");
  const auto username = smtp::decode_challenge("VXNlcm5hbWU6", crypto);
  ASSERT_EQ(username, "Username:");
  EXPECT_EQ(smtp::response_line(login->step(*username), crypto).wire, "dGlt");
  const smtp::SaslLine password =
      smtp::response_line(login->step(*smtp::decode_challenge("UGFzc3dvcmQ6", crypto)), crypto);
  EXPECT_EQ(password.wire, "dGFuc3RhYWY=");
  EXPECT_EQ(password.transcript_form, "<redacted>");
}

}  // namespace
}  // namespace smtpsend::transport
