// SMTP AUTH (RFC 4954) and implicit TLS (RFC 8314) in the sans-io session, played by the
// SessionScript harness (whole, byte by byte, split at every offset, EOF / I/O error / timeout
// at every step). They live with the transport tests because they use the real OpenSSL
// SaslCrypto: the wire lines are the RFCs' examples, byte for byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "fixed_nonce_crypto.hpp"
#include "smtp/session_test_helpers.hpp"
#include "smtpsend/core/errors.hpp"

namespace smtpsend::smtp::testing {
namespace {

constexpr char kRcptBob[] = "RCPT TO:<bob@example.net>\r\n";
constexpr char kEhloAuth[] =
    "250-mx.example.net hello\r\n250-AUTH PLAIN LOGIN CRAM-MD5 SCRAM-SHA-256\r\n250 8BITMIME\r\n";
constexpr char kAuthOk[] = "235 2.7.0 Authentication successful\r\n";
// base64("\0tim\0tanstaaftanstaaf")
constexpr char kAuthPlainTim[] = "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n";

// RFC 7677 §3, base64 on the wire.
constexpr char kScramNonce[] = "rOprNGfwEbeRWgbNEkqO";
constexpr char kScramAuth[] = "AUTH SCRAM-SHA-256 biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8=\r\n";

const transport::FixedNonceCrypto& crypto() {
  static const transport::FixedNonceCrypto instance(kScramNonce);
  return instance;
}

std::string b64(std::string_view bytes) {
  return crypto().base64_encode(bytes);
}

// RFC 5802 §5's example fixes another client nonce.
const transport::FixedNonceCrypto& scram_sha_1_crypto() {
  static const transport::FixedNonceCrypto instance("fyko+d2lbbFgONRv9qkxdawL");
  return instance;
}

SessionConfig auth_config(std::string user, std::string password,
                          std::optional<SaslMechanism> requested = std::nullopt,
                          bool implicit_tls = true, bool allow_plaintext = false,
                          const SaslCrypto& sasl_crypto = crypto()) {
  SessionConfig config = test_config();
  config.implicit_tls = implicit_tls;
  config.tls = implicit_tls ? TlsPolicy::verify : TlsPolicy::none;
  auto auth = std::make_shared<AuthSettings>();
  auth->credentials = SaslCredentials(std::move(user), std::move(password));
  auth->preference.requested = requested;
  auth->preference.oauth_token = requested && uses_oauth_token(*requested);
  auth->allow_plaintext = allow_plaintext;
  auth->crypto = &sasl_crypto;
  config.settings.auth = std::move(auth);
  return config;
}

// A bearer-token mechanism over implicit TLS; OAUTHBEARER names the server (RFC 7628 §3.1) as
// the app does for a relay.
SessionConfig oauth_config(SaslMechanism mechanism, std::string user, std::string token) {
  SessionConfig config = auth_config(std::move(user), std::move(token), mechanism);
  auto auth = std::make_shared<AuthSettings>(*config.settings.auth);
  auth->credentials.oauth_host = "server.example.com";
  auth->credentials.oauth_port = 143;
  config.settings.auth = std::move(auth);
  return config;
}

// Implicit TLS: the handshake, then the greeting and EHLO over TLS.
SessionScript over_implicit_tls(SessionConfig config, const std::string& ehlo_reply = kEhloAuth) {
  SessionScript script(std::move(config), {transaction({"bob@example.net"})});
  script.expect_start_tls().reply(kGreeting).expect_write(kEhlo).reply(ehlo_reply);
  return script;
}

SessionScript& deliver_bob(SessionScript& script) {
  script.expect_write(kMailFrom)
      .reply("250 2.1.0 Ok\r\n")
      .expect_write(kRcptBob)
      .reply("250 2.1.5 Ok\r\n")
      .expect_write(kData)
      .reply("354 go\r\n")
      .expect_write(kBodyOnWire)
      .reply("250 2.0.0 queued\r\n")
      .expect_write(kQuit)
      .expect_close();
  return script;
}

ExpectedRecipient auth_failure(int reply_code = 0) {
  return outcome("bob@example.net", RecipientStatus::failed, FailureCause::policy, true,
                 reply_code);
}

OutcomeCheck failed_with(Errc error) {
  return [error](const SessionOutcome& outcome) {
    ASSERT_EQ(outcome.recipients.size(), 1u);
    const RecipientResult& bob = outcome.recipients[0].result;
    EXPECT_EQ(bob.status, RecipientStatus::failed);
    EXPECT_EQ(bob.cause, FailureCause::policy);
    EXPECT_EQ(bob.diag.error, make_error_code(error)) << bob.diag.error.message();
    EXPECT_TRUE(outcome.recipients[0].final);
  };
}

TEST(SessionImplicitTls, HandshakeComesFirstThenGreetingAndEhlo) {
  SessionConfig config = test_config();
  config.implicit_tls = true;
  config.tls = TlsPolicy::verify;
  SessionScript script(config, {transaction({"bob@example.net"})});
  script.expect_start_tls().reply(kGreeting).expect_write(kEhlo).reply(
      "250-mx.example.net hello\r\n250-STARTTLS\r\n250 8BITMIME\r\n");
  // STARTTLS is never sent on a TLS connection, even when offered.
  deliver_bob(script).expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionImplicitTls, FailedHandshakeIsAPolicyFailureWithoutFallback) {
  for (const TlsPolicy policy : {TlsPolicy::required, TlsPolicy::verify}) {
    SessionConfig config = test_config();
    config.implicit_tls = true;
    config.tls = policy;
    SessionScript script(config, {transaction({"bob@example.net"})});
    script.expect_start_tls_then_failure().expect_close().expect_done(
        [](const SessionOutcome& outcome) {
          ASSERT_EQ(outcome.recipients.size(), 1u);
          EXPECT_EQ(outcome.recipients[0].result.cause, FailureCause::policy);
          EXPECT_EQ(outcome.recipients[0].result.status, RecipientStatus::failed);
          EXPECT_TRUE(outcome.tls_failure.empty()) << "no retry in clear on a TLS port";
        });
    run(script);
  }
}

TEST(SessionAuth, PlainWithInitialResponseThenMail) {
  SessionScript script =
      over_implicit_tls(auth_config("tim", "tanstaaftanstaaf", SaslMechanism::plain));
  script.expect_write(kAuthPlainTim).reply(kAuthOk);
  deliver_bob(script).expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionAuth, LoginAnswersBothPrompts) {
  SessionScript script = over_implicit_tls(auth_config("tim", "tanstaaf", SaslMechanism::login));
  script.expect_write("AUTH LOGIN\r\n")
      .reply("334 VXNlcm5hbWU6\r\n")
      .expect_write("dGlt\r\n")
      .reply("334 UGFzc3dvcmQ6\r\n")
      .expect_write("dGFuc3RhYWY=\r\n")
      .reply(kAuthOk);
  deliver_bob(script).expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionAuth, CramMd5Rfc2195Example) {
  SessionScript script =
      over_implicit_tls(auth_config("tim", "tanstaaftanstaaf", SaslMechanism::cram_md5));
  script.expect_write("AUTH CRAM-MD5\r\n")
      .reply("334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n")
      .expect_write("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\r\n")
      .reply(kAuthOk);
  deliver_bob(script).expect_done({delivered("bob@example.net")});
  run(script);
}

constexpr char kServerFirst[] =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr char kClientFinal[] =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr char kServerFinal[] = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

// "auto" picks SCRAM-SHA-256, the strongest both sides have; the server's final message is
// checked before the 235 is believed.
TEST(SessionAuth, AutoPicksScramSha256AndVerifiesTheServer) {
  SessionScript script = over_implicit_tls(auth_config("user", "pencil"));
  script.expect_write(kScramAuth)
      .reply("334 " + b64(kServerFirst) + "\r\n")
      .expect_write(b64(kClientFinal) + "\r\n")
      .reply("334 " + b64(kServerFinal) + "\r\n")
      .expect_write("\r\n")
      .reply(kAuthOk);
  deliver_bob(script).expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionAuth, ScramSuccessWithoutServerProofIsRefused) {
  SessionScript script = over_implicit_tls(auth_config("user", "pencil"));
  script.expect_write(kScramAuth)
      .reply("334 " + b64(kServerFirst) + "\r\n")
      .expect_write(b64(kClientFinal) + "\r\n")
      .reply(kAuthOk)
      .expect_write(kQuit)
      .expect_close()
      .expect_done(failed_with(Errc::auth_failed));
  run(script);
}

TEST(SessionAuth, WrongServerSignatureCancelsWithAStar) {
  SessionScript script = over_implicit_tls(auth_config("user", "pencil"));
  script.expect_write(kScramAuth)
      .reply("334 " + b64(kServerFirst) + "\r\n")
      .expect_write(b64(kClientFinal) + "\r\n")
      .reply("334 " + b64("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=") + "\r\n")
      .expect_write("*\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done(failed_with(Errc::auth_failed));
  run(script);
}

// RFC 5802 §5, on the wire: "auto" takes SCRAM-SHA-1 when the server has no SCRAM-SHA-256.
constexpr char kScramSha1Auth[] =
    "AUTH SCRAM-SHA-1 biwsbj11c2VyLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkYXdM\r\n";
constexpr char kSha1ServerFirst[] =
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
constexpr char kSha1ClientFinal[] =
    "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=";
constexpr char kSha1ServerFinal[] = "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=";
constexpr char kEhloScramSha1[] =
    "250-mx.example.net hello\r\n250-AUTH PLAIN SCRAM-SHA-1 CRAM-MD5\r\n250 8BITMIME\r\n";

SessionScript scram_sha_1_until_final() {
  SessionScript script = over_implicit_tls(
      auth_config("user", "pencil", std::nullopt, true, false, scram_sha_1_crypto()),
      kEhloScramSha1);
  script.expect_write(kScramSha1Auth)
      .reply("334 " + b64(kSha1ServerFirst) + "\r\n")
      .expect_write(b64(kSha1ClientFinal) + "\r\n");
  return script;
}

TEST(SessionAuth, AutoPicksScramSha1AndVerifiesTheServer) {
  SessionScript script = scram_sha_1_until_final();
  script.reply("334 " + b64(kSha1ServerFinal) + "\r\n").expect_write("\r\n").reply(kAuthOk);
  deliver_bob(script).expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionAuth, ScramSha1WrongServerSignatureCancelsAndFails) {
  SessionScript script = scram_sha_1_until_final();
  script.reply("334 " + b64("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=") + "\r\n")
      .expect_write("*\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done(failed_with(Errc::auth_failed));
  run(script);
}

TEST(SessionAuth, ScramSha1ServerErrorFails) {
  SessionScript script = scram_sha_1_until_final();
  script.reply("334 " + b64("e=invalid-proof") + "\r\n")
      .expect_write("*\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done(failed_with(Errc::auth_failed));
  run(script);
}

TEST(SessionAuth, ChallengeThatIsNotBase64CancelsWithAStar) {
  SessionScript script =
      over_implicit_tls(auth_config("tim", "tanstaaftanstaaf", SaslMechanism::cram_md5));
  script.expect_write("AUTH CRAM-MD5\r\n")
      .reply("334 this is not base64!\r\n")
      .expect_write("*\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done(failed_with(Errc::sasl_challenge_malformed));
  run(script);
}

TEST(SessionAuth, Reply535FailsEveryRecipientBeforeMail) {
  SessionScript script =
      over_implicit_tls(auth_config("tim", "tanstaaftanstaaf", SaslMechanism::plain));
  script.expect_write(kAuthPlainTim)
      .reply("535 5.7.8 Authentication credentials invalid\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({auth_failure(535)});
  run(script);
}

TEST(SessionAuth, Reply454IsATemporaryDeferral) {
  SessionScript script =
      over_implicit_tls(auth_config("tim", "tanstaaftanstaaf", SaslMechanism::plain));
  script.expect_write(kAuthPlainTim)
      .reply("454 4.7.0 Temporary authentication failure\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({outcome("bob@example.net", RecipientStatus::deferred, FailureCause::temporary,
                            false, 454)});
  run(script);
}

OutcomeCheck refused_in_clear(std::string hint) {
  return [hint](const SessionOutcome& outcome) {
    failed_with(Errc::auth_without_tls)(outcome);
    ASSERT_EQ(outcome.recipients.size(), 1u);
    const std::string& detail = outcome.recipients[0].result.diag.detail;
    EXPECT_EQ(detail,
              "refusing to send credentials to mx.example.net[192.0.2.1] without TLS " + hint);
  };
}

TEST(SessionAuth, RefusedWithoutTlsUnlessAllowed) {
  SessionConfig clear = auth_config("tim", "tanstaaftanstaaf", SaslMechanism::plain, false, false);
  SessionScript refused(clear, {transaction({"bob@example.net"})});
  refused.reply(kGreeting)
      .expect_write(kEhlo)
      .reply(kEhloAuth)
      .expect_write(kQuit)
      .expect_close()
      .expect_done(refused_in_clear(
          "(it does not offer STARTTLS; --allow-plaintext-auth sends them in clear)"));
  run(refused);

  SessionConfig allowed = auth_config("tim", "tanstaaftanstaaf", SaslMechanism::plain, false, true);
  SessionScript sent(allowed, {transaction({"bob@example.net"})});
  sent.reply(kGreeting)
      .expect_write(kEhlo)
      .reply(kEhloAuth)
      .expect_write(kAuthPlainTim)
      .reply(kAuthOk);
  deliver_bob(sent).expect_done({delivered("bob@example.net")});
  run(sent);
}

// --tls required can only help a server that offers STARTTLS; the hint says so, and names it
// only then.
TEST(SessionAuth, RefusalInClearSuggestsTlsOnlyWhenTheServerOffersStartTls) {
  SessionConfig clear = auth_config("tim", "tanstaaftanstaaf", SaslMechanism::plain, false, false);
  SessionScript offered(clear, {transaction({"bob@example.net"})});
  offered.reply(kGreeting)
      .expect_write(kEhlo)
      .reply("250-mx.example.net hello\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done(
          refused_in_clear("(it offers STARTTLS: use --tls required, or --allow-plaintext-auth)"));
  run(offered);
}

// RFC 4954 §4 with RFC 3207 §4.2: the mechanisms offered in clear are forgotten; AUTH follows
// the EHLO sent over TLS and uses what that one offers.
TEST(SessionAuth, AfterStartTlsUsesTheMechanismsOfTheSecondEhlo) {
  SessionConfig config = auth_config("tim", "tanstaaftanstaaf", std::nullopt, false);
  config.tls = TlsPolicy::required;
  SessionScript script(config, {transaction({"bob@example.net"})});
  script.reply(kGreeting)
      .expect_write(kEhlo)
      .reply("250-mx.example.net hello\r\n250-STARTTLS\r\n250 AUTH SCRAM-SHA-256\r\n")
      .expect_write("STARTTLS\r\n")
      .reply("220 2.0.0 go ahead\r\n")
      .expect_start_tls()
      .expect_write(kEhlo)
      .reply("250-mx.example.net hello\r\n250 AUTH PLAIN\r\n")
      .expect_write(kAuthPlainTim)
      .reply(kAuthOk);
  deliver_bob(script).expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionAuth, NoAuthOfferedOrNoCommonMechanismIsAPolicyFailure) {
  SessionScript none = over_implicit_tls(auth_config("tim", "secret"),
                                         "250-mx.example.net hello\r\n250 8BITMIME\r\n");
  none.expect_write(kQuit).expect_close().expect_done(failed_with(Errc::auth_unavailable));
  run(none);

  SessionScript other = over_implicit_tls(auth_config("tim", "secret", SaslMechanism::cram_md5),
                                          "250-mx.example.net hello\r\n250 AUTH PLAIN LOGIN\r\n");
  other.expect_write(kQuit).expect_close().expect_done(failed_with(Errc::auth_unavailable));
  run(other);
}

// ---- Bearer tokens: XOAUTH2 (Google's protocol document) and OAUTHBEARER (RFC 7628) ----
constexpr char kEhloOauth[] =
    "250-mx.example.net hello\r\n250-AUTH PLAIN XOAUTH2 OAUTHBEARER\r\n250 8BITMIME\r\n";
// Google's XOAUTH2 example: user=someuser@example.com, the token below.
constexpr char kGoogleToken[] = "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg";
constexpr char kXoauth2Auth[] =
    "AUTH XOAUTH2 "
    "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbG"
    "NrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==\r\n";
constexpr char kXoauth2Error[] =
    "334 eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiQmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS"
    "8ifQ==\r\n";
// RFC 7628 §4.1 and §4.3, with the SMTP framing of RFC 4954.
constexpr char kRfc7628Token[] = "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==";
constexpr char kOauthbearerAuth[] =
    "AUTH OAUTHBEARER "
    "bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9"
    "QmVhcmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB\r\n";
constexpr char kOauthbearerError[] =
    "334 "
    "eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NvcGUiOiJleGFtcGxlX3Njb3BlIiwib3BlbmlkLWNvbmZpZ3VyYXRp"
    "b24iOiJodHRwczovL2V4YW1wbGUuY29tLy53ZWxsLWtub3duL29wZW5pZC1jb25maWd1cmF0aW9uIn0=\r\n";
constexpr char kAuth535[] = "535 5.7.8 Authentication credentials invalid\r\n";

SessionScript xoauth2_script() {
  SessionScript script = over_implicit_tls(
      oauth_config(SaslMechanism::xoauth2, "someuser@example.com", kGoogleToken), kEhloOauth);
  script.expect_write(kXoauth2Auth);
  return script;
}

SessionScript oauthbearer_script() {
  SessionScript script = over_implicit_tls(
      oauth_config(SaslMechanism::oauthbearer, "user@example.com", kRfc7628Token), kEhloOauth);
  script.expect_write(kOauthbearerAuth);
  return script;
}

TEST(SessionAuth, Xoauth2TokenInTheInitialResponse) {
  SessionScript script = xoauth2_script();
  script.reply(kAuthOk);
  deliver_bob(script).expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionAuth, OauthbearerRfc7628ExampleInTheInitialResponse) {
  SessionScript script = oauthbearer_script();
  script.reply(kAuthOk);
  deliver_bob(script).expect_done({delivered("bob@example.net")});
  run(script);
}

// RFC 7628 §3.2.2-3.2.3: the server's 334 carries a JSON error; the client answers with a lone
// %x01 (base64 "AQ==") so the server can finish with its failure reply. Nothing is cancelled
// and MAIL FROM is never sent; the 535 fails every recipient (exit 77).
TEST(SessionAuth, OauthbearerErrorChallengeIsAnsweredWithKvsepThen535Fails) {
  SessionScript script = oauthbearer_script();
  script.reply(kOauthbearerError)
      .expect_write("AQ==\r\n")
      .reply(kAuth535)
      .expect_write(kQuit)
      .expect_close()
      .expect_done({auth_failure(535)});
  run(script);
}

// XOAUTH2 likewise, with an empty line for the answer.
TEST(SessionAuth, Xoauth2ErrorChallengeIsAnsweredWithAnEmptyLineThen535Fails) {
  SessionScript script = xoauth2_script();
  script.reply(kXoauth2Error)
      .expect_write("\r\n")
      .reply(kAuth535)
      .expect_write(kQuit)
      .expect_close()
      .expect_done({auth_failure(535)});
  run(script);
}

// A server that sends an error and then claims success proved nothing: still a failure.
TEST(SessionAuth, OauthErrorChallengeThen235IsStillAFailure) {
  SessionScript script = oauthbearer_script();
  script.reply(kOauthbearerError)
      .expect_write("AQ==\r\n")
      .reply(kAuthOk)
      .expect_write(kQuit)
      .expect_close()
      .expect_done(failed_with(Errc::auth_failed));
  run(script);
}

// After the error there is nothing left to say: a second challenge is cancelled with "*".
TEST(SessionAuth, OauthSecondChallengeIsCancelled) {
  SessionScript script = xoauth2_script();
  script.reply(kXoauth2Error)
      .expect_write("\r\n")
      .reply(kXoauth2Error)
      .expect_write("*\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done(failed_with(Errc::sasl_challenge_malformed));
  run(script);
}

// SPEC.md: AUTH secrets never appear in output. Every mechanism's exchange is played with a
// transcript attached, and no line may hold the secret, its base64 form, or any wire line that
// carries it (PLAIN's and the tokens' initial responses, LOGIN's password, CRAM-MD5's digest,
// SCRAM's proof).
struct SecretExchange {
  std::string name;
  SessionScript script;
  std::string secret;
  std::vector<std::string> secret_lines;  // as written on the wire, without CRLF
};

std::vector<SecretExchange> every_mechanism() {
  std::vector<SecretExchange> all;
  SessionScript plain =
      over_implicit_tls(auth_config("tim", "tanstaaftanstaaf", SaslMechanism::plain));
  plain.expect_write(kAuthPlainTim).reply(kAuthOk);
  all.push_back({"PLAIN", plain, "tanstaaftanstaaf", {"AHRpbQB0YW5zdGFhZnRhbnN0YWFm"}});

  SessionScript login =
      over_implicit_tls(auth_config("tim", "tanstaaftanstaaf", SaslMechanism::login));
  login.expect_write("AUTH LOGIN\r\n")
      .reply("334 VXNlcm5hbWU6\r\n")
      .expect_write("dGlt\r\n")
      .reply("334 UGFzc3dvcmQ6\r\n")
      .expect_write(b64("tanstaaftanstaaf") + "\r\n")
      .reply(kAuthOk);
  all.push_back({"LOGIN", login, "tanstaaftanstaaf", {b64("tanstaaftanstaaf")}});

  SessionScript cram =
      over_implicit_tls(auth_config("tim", "tanstaaftanstaaf", SaslMechanism::cram_md5));
  cram.expect_write("AUTH CRAM-MD5\r\n")
      .reply("334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n")
      .expect_write("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\r\n")
      .reply(kAuthOk);
  all.push_back(
      {"CRAM-MD5", cram, "tanstaaftanstaaf", {"dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"}});

  SessionScript sha1 = scram_sha_1_until_final();
  sha1.reply("334 " + b64(kSha1ServerFinal) + "\r\n").expect_write("\r\n").reply(kAuthOk);
  all.push_back({"SCRAM-SHA-1", sha1, "pencil", {b64(kSha1ClientFinal)}});

  SessionScript sha256 = over_implicit_tls(auth_config("user", "pencil"));
  sha256.expect_write(kScramAuth)
      .reply("334 " + b64(kServerFirst) + "\r\n")
      .expect_write(b64(kClientFinal) + "\r\n")
      .reply("334 " + b64(kServerFinal) + "\r\n")
      .expect_write("\r\n")
      .reply(kAuthOk);
  all.push_back({"SCRAM-SHA-256", sha256, "pencil", {b64(kClientFinal)}});

  SessionScript xoauth2 = xoauth2_script();
  xoauth2.reply(kAuthOk);
  std::string xoauth2_line = kXoauth2Auth;
  all.push_back(
      {"XOAUTH2", xoauth2, kGoogleToken, {xoauth2_line.substr(13, xoauth2_line.size() - 15)}});

  SessionScript bearer = oauthbearer_script();
  bearer.reply(kAuthOk);
  std::string bearer_line = kOauthbearerAuth;
  all.push_back(
      {"OAUTHBEARER", bearer, kRfc7628Token, {bearer_line.substr(17, bearer_line.size() - 19)}});
  for (SecretExchange& exchange : all) {
    deliver_bob(exchange.script).expect_done({delivered("bob@example.net")});
  }
  return all;
}

TEST(SessionAuth, TranscriptNeverShowsTheSecretForEveryMechanism) {
  const std::vector<SecretExchange> all = every_mechanism();
  ASSERT_EQ(all.size(), 7u) << "one exchange per SaslMechanism";
  for (const SecretExchange& exchange : all) {
    SCOPED_TRACE(exchange.name);
    run(exchange.script);  // the exchange itself is right
    RecordingTranscript transcript;
    run_once(exchange.script, &transcript);
    bool redacted = false;
    bool named = false;
    for (const std::string& line : transcript.lines) {
      EXPECT_EQ(line.find(exchange.secret), std::string::npos) << line;
      EXPECT_EQ(line.find(b64(exchange.secret)), std::string::npos) << line;
      for (const std::string& wire : exchange.secret_lines) {
        ASSERT_FALSE(wire.empty());
        EXPECT_EQ(line.find(wire), std::string::npos) << line;
      }
      redacted = redacted || line.find(std::string(kRedacted)) != std::string::npos;
      named = named || line.find("AUTH " + exchange.name) != std::string::npos;
    }
    EXPECT_TRUE(redacted) << "the secret line is shown as " << kRedacted;
    EXPECT_TRUE(named) << "the AUTH command is shown";
  }
}

}  // namespace
}  // namespace smtpsend::smtp::testing
