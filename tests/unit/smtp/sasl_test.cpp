// SASL mechanisms without real crypto: exact bytes, state order, bounds, redaction, choice.
// The RFC test vectors that need real HMAC/PBKDF2 are in
// tests/unit/transport/sasl_vectors_test.cpp.
#include "smtpsend/smtp/sasl.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "smtpsend/core/errors.hpp"

namespace smtpsend::smtp {
namespace {

using namespace std::string_literals;

// Deterministic stand-in: digests are fixed-size patterns of the input, "base64" is the
// identity on the base64 alphabet (so a challenge's shape is still checked), random is 'x'.
class FakeCrypto final : public SaslCrypto {
 public:
  std::string hmac(HashAlgorithm algorithm, std::string_view key,
                   std::string_view data) const override {
    return pattern(algorithm, std::string(key) + "|" + std::string(data));
  }
  std::string hash(HashAlgorithm algorithm, std::string_view data) const override {
    return pattern(algorithm, data);
  }
  std::string pbkdf2(HashAlgorithm algorithm, std::string_view password, std::string_view salt,
                     std::uint32_t iterations) const override {
    return pattern(algorithm,
                   std::string(password) + std::string(salt) + std::to_string(iterations));
  }
  std::string random_bytes(std::size_t count) const override { return std::string(count, 'x'); }
  std::string base64_encode(std::string_view bytes) const override { return std::string(bytes); }
  std::optional<std::string> base64_decode(std::string_view text) const override {
    const bool alphabet =
        text.find_first_not_of(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") ==
        std::string_view::npos;
    if (!alphabet || text.size() % 4 != 0) return std::nullopt;
    return std::string(text);
  }

 private:
  static std::string pattern(HashAlgorithm algorithm, std::string_view input) {
    std::string out(digest_size(algorithm), 'A');
    for (std::size_t i = 0; i < input.size(); ++i) out[i % out.size()] ^= input[i];
    return out;
  }
};

const FakeCrypto kCrypto;
const std::error_code kMalformed = make_error_code(Errc::sasl_challenge_malformed);
const std::error_code kAuthFailed = make_error_code(Errc::auth_failed);

std::unique_ptr<SaslClient> client(SaslMechanism mechanism, std::string user = "tim",
                                   std::string secret = "tanstaaftanstaaf",
                                   std::string authzid = "") {
  return make_sasl_client(mechanism, SaslCredentials(user, secret, authzid), kCrypto);
}

TEST(SaslNames, ParseAndPrintEveryMechanism) {
  const std::vector<std::pair<SaslMechanism, std::string>> names{
      {SaslMechanism::plain, "PLAIN"},
      {SaslMechanism::login, "LOGIN"},
      {SaslMechanism::cram_md5, "CRAM-MD5"},
      {SaslMechanism::scram_sha_1, "SCRAM-SHA-1"},
      {SaslMechanism::scram_sha_256, "SCRAM-SHA-256"},
      {SaslMechanism::xoauth2, "XOAUTH2"},
      {SaslMechanism::oauthbearer, "OAUTHBEARER"}};
  for (const auto& [mechanism, name] : names) {
    EXPECT_EQ(to_string(mechanism), name);
    EXPECT_EQ(parse_sasl_mechanism(name), mechanism);
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(parse_sasl_mechanism(lower), mechanism) << lower;
    std::ostringstream printed;
    printed << mechanism;
    EXPECT_EQ(printed.str(), name);
  }
  EXPECT_EQ(parse_sasl_mechanism("auto"), std::nullopt);
  EXPECT_EQ(parse_sasl_mechanism("SCRAM-SHA-256-PLUS"), std::nullopt);
  EXPECT_EQ(parse_sasl_mechanism(""), std::nullopt);
}

// kSaslMechanismNames is the list the CLI builds --auth's names from: one name per mechanism,
// in the enum's order, each the name to_string() gives and parse_sasl_mechanism() reads.
TEST(SaslNames, TheListNamesEveryMechanismInTheEnumsOrder) {
  ASSERT_EQ(kSaslMechanismNames.size(), static_cast<std::size_t>(SaslMechanism::oauthbearer) + 1);
  for (std::size_t i = 0; i < kSaslMechanismNames.size(); ++i) {
    const auto mechanism = static_cast<SaslMechanism>(i);
    EXPECT_EQ(to_string(mechanism), kSaslMechanismNames[i]);
    EXPECT_EQ(parse_sasl_mechanism(kSaslMechanismNames[i]), mechanism);
  }
}

struct ChoiceCase {
  std::vector<std::string> server;
  SaslPreference preference;
  std::optional<SaslMechanism> expected;
};

TEST(SaslChoice, FollowsTheSpecOrder) {
  using M = SaslMechanism;
  const std::vector<ChoiceCase> table{
      {{"PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"}, {}, M::scram_sha_256},
      {{"PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1"}, {}, M::scram_sha_1},
      {{"LOGIN", "PLAIN", "CRAM-MD5"}, {}, M::cram_md5},
      {{"LOGIN", "PLAIN"}, {}, M::plain},
      {{"LOGIN"}, {}, M::login},
      {{"login", "plain"}, {}, M::plain},
      {{"XOAUTH2", "OAUTHBEARER"}, {}, std::nullopt},
      {{"GSSAPI", "NTLM"}, {}, std::nullopt},
      {{}, {}, std::nullopt},
      {{"PLAIN", "XOAUTH2", "OAUTHBEARER"}, {std::nullopt, true}, M::oauthbearer},
      {{"PLAIN", "XOAUTH2"}, {std::nullopt, true}, M::xoauth2},
      {{"PLAIN", "SCRAM-SHA-256"}, {std::nullopt, true}, std::nullopt},
      {{"PLAIN", "SCRAM-SHA-256"}, {M::plain, false}, M::plain},
      {{"PLAIN", "SCRAM-SHA-256"}, {M::login, false}, std::nullopt},
      {{"PLAIN", "xoauth2"}, {M::xoauth2, true}, M::xoauth2},
  };
  for (const ChoiceCase& row : table) {
    EXPECT_EQ(choose_mechanism(row.server, row.preference), row.expected)
        << ::testing::PrintToString(row.server);
  }
}

TEST(SaslPlain, InitialResponseIsAuthzidNulUserNulPassword) {
  const SaslStep plain = client(SaslMechanism::plain)->start();
  EXPECT_FALSE(plain.error);
  EXPECT_EQ(plain.response, "\0tim\0tanstaaftanstaaf"s);
  EXPECT_TRUE(plain.secret);
  const SaslStep with_authzid = client(SaslMechanism::plain, "u", "p", "admin")->start();
  EXPECT_EQ(with_authzid.response, "admin\0u\0p"s);
}

TEST(SaslPlain, AnswersAnEmptyChallengeWhenNotStartedAndRejectsMoreChallenges) {
  auto plain = client(SaslMechanism::plain);
  EXPECT_EQ(plain->step("").response, "\0tim\0tanstaaftanstaaf"s);
  EXPECT_EQ(plain->step("").error, kMalformed);
  auto started = client(SaslMechanism::plain);
  started->start();
  EXPECT_EQ(started->step("more?").error, kMalformed);
  EXPECT_FALSE(started->on_success());
}

TEST(SaslPlain, RefusesANulInsideAField) {
  EXPECT_EQ(client(SaslMechanism::plain, "a\0b"s, "p")->start().error,
            make_error_code(Errc::usage));
}

TEST(SaslLogin, UserThenPasswordWhateverThePromptSays) {
  auto login = client(SaslMechanism::login);
  const SaslStep initial = login->start();
  EXPECT_FALSE(initial.error);
  EXPECT_EQ(initial.response, std::nullopt);
  const SaslStep user = login->step("Username:");
  EXPECT_EQ(user.response, "tim");
  EXPECT_FALSE(user.secret);
  const SaslStep password = login->step("whatever");
  EXPECT_EQ(password.response, "tanstaaftanstaaf");
  EXPECT_TRUE(password.secret);
  EXPECT_EQ(login->step("Password:").error, kMalformed);
}

TEST(SaslCramMd5, WaitsForTheChallengeAndAnswersUserSpaceHex) {
  auto cram = client(SaslMechanism::cram_md5);
  EXPECT_EQ(cram->start().response, std::nullopt);
  const SaslStep answer = cram->step("<1896.697170952@postoffice.reston.mci.net>");
  ASSERT_TRUE(answer.response);
  EXPECT_TRUE(answer.secret);
  EXPECT_TRUE(answer.response->starts_with("tim "));
  EXPECT_EQ(answer.response->size(), 4u + 32u);  // 16 bytes of HMAC-MD5 in hex
  EXPECT_EQ(answer.response->find_first_not_of("0123456789abcdef", 4), std::string::npos);
  EXPECT_EQ(cram->step("again").error, kMalformed);
}

TEST(SaslCramMd5, EmptyChallengeIsMalformed) {
  EXPECT_EQ(client(SaslMechanism::cram_md5)->step("").error, kMalformed);
}

TEST(SaslXoauth2, ExactInitialResponse) {
  const SaslStep step =
      client(SaslMechanism::xoauth2, "someuser@example.com", "ya29.vF9dft4")->start();
  EXPECT_EQ(step.response,
            "user=someuser@example.com\x01"
            "auth=Bearer ya29.vF9dft4\x01\x01"s);
  EXPECT_TRUE(step.secret);
}

TEST(SaslXoauth2, ErrorChallengeGetsAnEmptyResponseAndFails) {
  auto xoauth2 = client(SaslMechanism::xoauth2, "u", "token");
  xoauth2->start();
  const std::string json =
      R"({"status":"401","schemes":"Bearer","scope":"https://mail.google.com/"})";
  const SaslStep answer = xoauth2->step(json);
  EXPECT_FALSE(answer.error);
  EXPECT_EQ(answer.response, "");
  EXPECT_EQ(xoauth2->server_error(), json);
  EXPECT_EQ(xoauth2->on_success(), kAuthFailed);
  EXPECT_EQ(xoauth2->step(json).error, kMalformed);
}

TEST(SaslOauthbearer, ExactInitialResponseWithAndWithoutHostAndPort) {
  // RFC 7628 §4.1's example, for SMTP.
  SaslCredentials credentials("user@example.com", "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==");
  credentials.oauth_host = "server.example.com";
  credentials.oauth_port = 587;
  const SaslStep full = make_sasl_client(SaslMechanism::oauthbearer, credentials, kCrypto)->start();
  EXPECT_EQ(full.response,
            "n,a=user@example.com,\x01host=server.example.com\x01port=587\x01"
            "auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01"s);
  EXPECT_TRUE(full.secret);
  const SaslStep bare = client(SaslMechanism::oauthbearer, "a=b,c", "T")->start();
  EXPECT_EQ(bare.response,
            "n,a=a=3Db=2Cc,\x01"
            "auth=Bearer T\x01\x01"s);
}

TEST(SaslOauthbearer, ErrorChallengeGetsKvsepAndFails) {
  auto bearer = client(SaslMechanism::oauthbearer, "u", "T");
  bearer->start();
  const SaslStep answer = bearer->step(R"({"status":"invalid_token"})");
  EXPECT_EQ(answer.response, "\x01");
  EXPECT_EQ(bearer->on_success(), kAuthFailed);
  EXPECT_EQ(bearer->server_error(), R"({"status":"invalid_token"})");
}

TEST(SaslOauth, SuccessWithoutErrorChallengeIsSuccess) {
  auto bearer = client(SaslMechanism::oauthbearer, "u", "T");
  bearer->start();
  EXPECT_FALSE(bearer->on_success());
}

// ---- SCRAM with the fake crypto: grammar, bounds and state ----
const std::string kFakeNonce(18, 'x');  // 18 random 'x' bytes through the identity "base64"

std::unique_ptr<SaslClient> started_scram(SaslMechanism mechanism = SaslMechanism::scram_sha_256) {
  auto scram = client(mechanism, "user", "pencil");
  scram->start();
  return scram;
}

const std::string kGoodServerFirst =
    "r=" + kFakeNonce + "3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";

TEST(SaslScram, ClientFirstEscapesTheUserAndCarriesTheAuthzid) {
  const SaslStep first = client(SaslMechanism::scram_sha_1, "a,b=c", "p")->start();
  EXPECT_EQ(first.response, "n,,n=a=2Cb=3Dc,r=" + kFakeNonce);
  EXPECT_FALSE(first.secret);
  const SaslStep with_authzid = client(SaslMechanism::scram_sha_256, "u", "p", "ad,min")->start();
  EXPECT_EQ(with_authzid.response, "n,a=ad=2Cmin,n=u,r=" + kFakeNonce);
}

TEST(SaslScram, WellFormedServerFirstGivesASecretClientFinal) {
  auto scram = started_scram();
  const SaslStep final_message = scram->step(kGoodServerFirst);
  ASSERT_FALSE(final_message.error) << final_message.error.message();
  ASSERT_TRUE(final_message.response);
  EXPECT_TRUE(final_message.response->starts_with("c=n,,,r=" + kFakeNonce + "3rfc"));
  EXPECT_NE(final_message.response->find(",p="), std::string::npos);
  EXPECT_TRUE(final_message.secret);
  EXPECT_EQ(scram->on_success(), kAuthFailed) << "235 before v= must not count as success";
}

TEST(SaslScram, EveryTruncationOfServerFirstIsAnErrorNotACrash) {
  for (std::size_t length = 0; length < kGoodServerFirst.size(); ++length) {
    const std::string truncated = kGoodServerFirst.substr(0, length);
    const SaslStep step = started_scram()->step(truncated);
    // "i=409" is still a valid iteration count: only cuts inside the count may succeed.
    if (length > kGoodServerFirst.size() - 4) {
      EXPECT_FALSE(step.error) << truncated;
    } else {
      EXPECT_EQ(step.error, kMalformed) << truncated;
    }
  }
}

TEST(SaslScram, RejectsMalformedServerFirst) {
  const std::string r = "r=" + kFakeNonce + "srv";
  const std::vector<std::string> bad{
      "r=yyyyyyyyyyyyyyyyyyyyyyyyyyyy,s=QSXCR+Q6sek8bf92,i=4096",  // not our nonce
      "r=" + kFakeNonce + ",s=QSXCR+Q6sek8bf92,i=4096",            // no server part
      r + "\x7f,s=QSXCR+Q6sek8bf92,i=4096",                        // not printable
      "m=ext," + r + ",s=QSXCR+Q6sek8bf92,i=4096",                 // mandatory extension
      r + ",i=4096,s=QSXCR+Q6sek8bf92",                            // wrong order
      r + ",s=,i=4096",                                            // empty salt
      r + ",s=QSX,i=4096",                                         // salt not base64
      r + ",s=QSXCR+Q6sek8bf92,i=0",
      r + ",s=QSXCR+Q6sek8bf92,i=-1",
      r + ",s=QSXCR+Q6sek8bf92,i=+4096",
      r + ",s=QSXCR+Q6sek8bf92,i=1000001",  // over kMaxScramIterations
      r + ",s=QSXCR+Q6sek8bf92,i=99999999999999999999",
      r + ",s=QSXCR+Q6sek8bf92,i=4096x",
      r + ",s=QSXCR+Q6sek8bf92,i=4096,x=" + std::string(5000, 'a'),  // absurd length
  };
  for (const std::string& message : bad) {
    EXPECT_EQ(started_scram()->step(message).error, kMalformed) << message.substr(0, 80);
  }
  EXPECT_FALSE(started_scram()->step(r + ",s=QSXCR+Q6sek8bf92,i=1000000,x=ext").error);
  EXPECT_FALSE(started_scram()->step(r + ",s=QSXCR+Q6sek8bf92,i=1").error);
}

TEST(SaslScram, ServerSignatureMismatchIsAuthFailed) {
  auto scram = started_scram();
  ASSERT_FALSE(scram->step(kGoodServerFirst).error);
  EXPECT_EQ(scram->step("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").error, kAuthFailed);
  EXPECT_EQ(scram->on_success(), kAuthFailed);
  EXPECT_EQ(scram->step("v=AAAA").error, kMalformed) << "no challenge after a failure";
}

TEST(SaslScram, ServerErrorIsAuthFailedWithItsText) {
  auto scram = started_scram();
  ASSERT_FALSE(scram->step(kGoodServerFirst).error);
  EXPECT_EQ(scram->step("e=invalid-proof").error, kAuthFailed);
  EXPECT_EQ(scram->server_error(), "invalid-proof");
  EXPECT_EQ(scram->on_success(), kAuthFailed);
}

TEST(SaslScram, MalformedServerFinalIsMalformed) {
  for (const std::string final_message : {"", "v", "v=", "x=abc", "v=not base64!"}) {
    auto scram = started_scram();
    ASSERT_FALSE(scram->step(kGoodServerFirst).error);
    const std::error_code error = scram->step(final_message).error;
    // "v=" decodes to no bytes: a signature that cannot match.
    EXPECT_TRUE(error == kMalformed || error == kAuthFailed) << final_message;
    EXPECT_EQ(scram->on_success(), kAuthFailed) << final_message;
  }
}

TEST(SaslScram, ChallengeBeforeStartIsMalformed) {
  EXPECT_EQ(client(SaslMechanism::scram_sha_1)->step(kGoodServerFirst).error, kMalformed);
}

// ---- Redaction ----
std::string printed(const auto& value) {
  std::ostringstream os;
  os << value;
  return os.str();
}

TEST(SaslRedaction, NoSecretInAnyPrintedForm) {
  const std::string secret = "tanstaaftanstaaf";
  const SaslCredentials credentials("tim", secret);
  EXPECT_EQ(printed(credentials).find(secret), std::string::npos);
  EXPECT_NE(printed(credentials).find("tim"), std::string::npos);
  for (SaslMechanism mechanism :
       {SaslMechanism::plain, SaslMechanism::xoauth2, SaslMechanism::oauthbearer}) {
    const SaslStep initial = client(mechanism)->start();
    EXPECT_EQ(printed(initial).find(secret), std::string::npos) << mechanism;
    const AuthCommand command = auth_command(mechanism, initial, kCrypto);
    EXPECT_EQ(command.command.transcript_form,
              "AUTH " + std::string(to_string(mechanism)) + " <redacted>");
    EXPECT_NE(command.command.wire.find(secret), std::string::npos) << "the fake encodes as is";
    EXPECT_EQ(printed(command.command), command.command.transcript_form);
  }
  auto login = client(SaslMechanism::login);
  login->step("Username:");
  const SaslLine password = response_line(login->step("Password:"), kCrypto);
  EXPECT_EQ(password.transcript_form, kRedacted);
  EXPECT_EQ(printed(password), kRedacted);
}

TEST(SaslRedaction, NonSecretStepsAreShownAsSent) {
  auto login = client(SaslMechanism::login);
  const SaslLine user = response_line(login->step("Username:"), kCrypto);
  EXPECT_EQ(user.wire, "tim");
  EXPECT_EQ(user.transcript_form, "tim");
  const AuthCommand bare = auth_command(SaslMechanism::login, login->start(), kCrypto);
  EXPECT_EQ(bare.command, SaslLine("AUTH LOGIN", "AUTH LOGIN"));
}

TEST(SaslWire, ErrorStepCancelsWithAStar) {
  const SaslLine cancel = response_line(SaslStep::fail(kMalformed), kCrypto);
  EXPECT_EQ(cancel, SaslLine("*", "*"));
}

TEST(SaslWire, EmptyInitialResponseIsAnEqualsSign) {
  const AuthCommand command =
      auth_command(SaslMechanism::plain, SaslStep::send("", false), kCrypto);
  EXPECT_EQ(command.command.wire, "AUTH PLAIN =");
}

TEST(SaslWire, InitialResponseTooLongForTheLineWaitsForTheFirstChallenge) {
  const std::string token(600, 'T');
  const SaslStep initial = client(SaslMechanism::xoauth2, "u", token)->start();
  const AuthCommand command = auth_command(SaslMechanism::xoauth2, initial, kCrypto);
  EXPECT_EQ(command.command, SaslLine("AUTH XOAUTH2", "AUTH XOAUTH2"));
  ASSERT_TRUE(command.pending_initial_response);
  EXPECT_EQ(command.pending_initial_response->wire, *initial.response);
  EXPECT_EQ(command.pending_initial_response->transcript_form, kRedacted);
  EXPECT_EQ(printed(command), "AUTH XOAUTH2 (then <redacted>)");
  // A response that just fits: "AUTH XOAUTH2 " + 497 bytes + CRLF = 512.
  const AuthCommand fits =
      auth_command(SaslMechanism::xoauth2, SaslStep::send(std::string(497, 'a'), false), kCrypto);
  EXPECT_FALSE(fits.pending_initial_response);
  const AuthCommand over =
      auth_command(SaslMechanism::xoauth2, SaslStep::send(std::string(498, 'a'), false), kCrypto);
  EXPECT_TRUE(over.pending_initial_response);
}

TEST(SaslWire, ChallengeDecodingTrimsTrailingBlanksAndRejectsGarbage) {
  EXPECT_EQ(decode_challenge("QUJD  ", kCrypto), "QUJD");
  EXPECT_EQ(decode_challenge("", kCrypto), "");
  EXPECT_EQ(decode_challenge("not base64", kCrypto), std::nullopt);
}

TEST(SaslWipe, ClearsTheWholeBuffer) {
  std::string secret = "a secret long enough to live on the heap, not in the SSO buffer";
  const std::size_t capacity = secret.capacity();
  wipe(secret);
  EXPECT_TRUE(secret.empty());
  EXPECT_EQ(secret.capacity(), capacity);
  EXPECT_EQ(std::string_view(secret.data(), capacity).find_first_not_of('\0'),
            std::string_view::npos);
}

}  // namespace
}  // namespace smtpsend::smtp
