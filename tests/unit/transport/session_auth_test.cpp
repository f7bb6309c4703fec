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

SessionConfig auth_config(std::string user, std::string password,
                          std::optional<SaslMechanism> requested = std::nullopt,
                          bool implicit_tls = true, bool allow_plaintext = false) {
  SessionConfig config = test_config();
  config.implicit_tls = implicit_tls;
  config.tls = implicit_tls ? TlsPolicy::verify : TlsPolicy::none;
  auto auth = std::make_shared<AuthSettings>();
  auth->credentials = SaslCredentials(std::move(user), std::move(password));
  auth->preference.requested = requested;
  auth->allow_plaintext = allow_plaintext;
  auth->crypto = &crypto();
  config.auth = std::move(auth);
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
  script.expect_start_tls()
      .reply(kGreeting)
      .expect_write(kEhlo)
      .reply("250-mx.example.net hello\r\n250-STARTTLS\r\n250 8BITMIME\r\n");
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
  SessionScript script = over_implicit_tls(auth_config("tim", "tanstaaftanstaaf", SaslMechanism::plain));
  script.expect_write(kAuthPlainTim).reply(kAuthOk);
  deliver_bob(script).expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionAuth, LoginAnswersBothPrompts) {
  SessionScript script =
      over_implicit_tls(auth_config("tim", "tanstaaf", SaslMechanism::login));
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
  SessionScript script = over_implicit_tls(auth_config("tim", "tanstaaftanstaaf", SaslMechanism::plain));
  script.expect_write(kAuthPlainTim)
      .reply("535 5.7.8 Authentication credentials invalid\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({auth_failure(535)});
  run(script);
}

TEST(SessionAuth, Reply454IsATemporaryDeferral) {
  SessionScript script = over_implicit_tls(auth_config("tim", "tanstaaftanstaaf", SaslMechanism::plain));
  script.expect_write(kAuthPlainTim)
      .reply("454 4.7.0 Temporary authentication failure\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({outcome("bob@example.net", RecipientStatus::deferred,
                            FailureCause::temporary, false, 454)});
  run(script);
}

TEST(SessionAuth, RefusedWithoutTlsUnlessAllowed) {
  SessionConfig clear = auth_config("tim", "tanstaaftanstaaf", SaslMechanism::plain, false, false);
  SessionScript refused(clear, {transaction({"bob@example.net"})});
  refused.reply(kGreeting)
      .expect_write(kEhlo)
      .reply(kEhloAuth)
      .expect_write(kQuit)
      .expect_close()
      .expect_done(failed_with(Errc::auth_without_tls));
  run(refused);

  SessionConfig allowed = auth_config("tim", "tanstaaftanstaaf", SaslMechanism::plain, false, true);
  SessionScript sent(allowed, {transaction({"bob@example.net"})});
  sent.reply(kGreeting).expect_write(kEhlo).reply(kEhloAuth).expect_write(kAuthPlainTim).reply(
      kAuthOk);
  deliver_bob(sent).expect_done({delivered("bob@example.net")});
  run(sent);
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

// SPEC.md: AUTH secrets never appear in output. Every transcript line of every mechanism is
// checked for the password and for its base64 forms.
TEST(SessionAuth, TranscriptNeverShowsTheSecret) {
  const std::string password = "tanstaaftanstaaf";
  SessionScript plain = over_implicit_tls(auth_config("tim", password, SaslMechanism::plain));
  plain.expect_write(kAuthPlainTim).reply(kAuthOk);
  deliver_bob(plain).expect_done({delivered("bob@example.net")});
  SessionScript login = over_implicit_tls(auth_config("tim", password, SaslMechanism::login));
  login.expect_write("AUTH LOGIN\r\n")
      .reply("334 VXNlcm5hbWU6\r\n")
      .expect_write("dGlt\r\n")
      .reply("334 UGFzc3dvcmQ6\r\n")
      .expect_write(b64(password) + "\r\n")
      .reply(kAuthOk);
  deliver_bob(login).expect_done({delivered("bob@example.net")});
  for (const SessionScript* script : {&plain, &login}) {
    RecordingTranscript transcript;
    run_once(*script, &transcript);
    bool redacted = false;
    for (const std::string& line : transcript.lines) {
      EXPECT_EQ(line.find(password), std::string::npos) << line;
      EXPECT_EQ(line.find(b64(password)), std::string::npos) << line;
      EXPECT_EQ(line.find("AHRpbQB0YW5zdGFhZnRhbnN0YWFm"), std::string::npos) << line;
      redacted = redacted || line.find(std::string(kRedacted)) != std::string::npos;
    }
    EXPECT_TRUE(redacted) << "the secret line is shown as " << kRedacted;
  }
}

}  // namespace
}  // namespace smtpsend::smtp::testing
