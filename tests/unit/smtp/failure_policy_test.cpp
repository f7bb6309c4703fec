// The failure policy, one test row per rule of src/smtp/failure_policy.cpp. The expected values
// are written out here from docs/decisions.md ("Protocol", "TLS"), not read from the table, so a
// changed rule fails its row; a rule without a row fails EveryRuleHasATestRow.
#include "smtpsend/smtp/failure_policy.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace smtpsend::smtp {
namespace {

using Status = RecipientStatus;
using Cause = FailureCause;
using std::chrono::seconds;

constexpr bool kFinal = true;
constexpr bool kNextHost = false;
constexpr TlsPolicy kOpportunistic = TlsPolicy::opportunistic;
constexpr TlsPolicy kRequired = TlsPolicy::required;

struct ReplyCase {
  Stage stage;
  int code;
  TlsPolicy tls;
  Scope scope;
  Status status;
  Cause cause;
  bool final;
  std::string_view sentence = {};
  Errc error = Errc::ok;
};

// Scope none / held: nothing is settled, so only the scope is compared.
const std::vector<ReplyCase> kReplyCases = {
    // A reply to end of data while data is still written (SPEC.md "Protocol duties").
    {Stage::data_block, 250, kOpportunistic, Scope::host, Status::deferred, Cause::protocol,
     kNextHost},
    {Stage::data_block, 354, kOpportunistic, Scope::host, Status::deferred, Cause::protocol,
     kNextHost},
    {Stage::data_block, 451, kOpportunistic, Scope::transaction, Status::deferred, Cause::temporary,
     kNextHost},
    {Stage::data_block, 552, kOpportunistic, Scope::transaction, Status::failed, Cause::permanent,
     kFinal},
    // 421 at any stage: the channel closes, the next host may try (RFC 5321 §3.8).
    {Stage::mail, 421, kOpportunistic, Scope::host, Status::deferred, Cause::temporary, kNextHost},
    // Positive and intermediate replies: the flow goes on; only end of data delivers.
    {Stage::rcpt, 250, kOpportunistic, Scope::none, Status::deferred, Cause::temporary, kFinal},
    {Stage::data, 354, kOpportunistic, Scope::none, Status::deferred, Cause::temporary, kFinal},
    {Stage::end_of_data, 354, kOpportunistic, Scope::none, Status::deferred, Cause::temporary,
     kFinal},
    {Stage::end_of_data, 250, kOpportunistic, Scope::transaction, Status::delivered, Cause::none,
     kFinal},
    // Greeting: 4xx this host, 5xx the destination.
    {Stage::greeting, 450, kOpportunistic, Scope::host, Status::deferred, Cause::temporary,
     kNextHost},
    {Stage::greeting, 554, kOpportunistic, Scope::destination, Status::failed, Cause::permanent,
     kFinal},
    // EHLO: 4xx this host; 5xx sends HELO.
    {Stage::ehlo, 450, kOpportunistic, Scope::host, Status::deferred, Cause::temporary, kNextHost},
    {Stage::ehlo, 502, kOpportunistic, Scope::none, Status::deferred, Cause::temporary, kFinal},
    {Stage::helo, 450, kOpportunistic, Scope::host, Status::deferred, Cause::temporary, kNextHost},
    {Stage::helo, 550, kOpportunistic, Scope::destination, Status::failed, Cause::permanent,
     kFinal},
    // STARTTLS refused under opportunistic: mail continues in clear.
    {Stage::starttls, 454, kOpportunistic, Scope::none, Status::deferred, Cause::temporary, kFinal},
    {Stage::starttls, 502, kOpportunistic, Scope::none, Status::deferred, Cause::temporary, kFinal},
    // Under required/verify: 4xx defers (next MX), 5xx fails with 77.
    {Stage::starttls, 454, kRequired, Scope::host, Status::deferred, Cause::temporary, kNextHost},
    {Stage::starttls, 502, TlsPolicy::verify, Scope::destination, Status::failed, Cause::policy,
     kFinal, "{where} refused STARTTLS and --tls {tls} is in force", Errc::tls_unavailable},
    // AUTH: 454 temporary, 535 refused (77).
    {Stage::auth, 454, kOpportunistic, Scope::host, Status::deferred, Cause::temporary, kNextHost},
    {Stage::auth, 535, kOpportunistic, Scope::destination, Status::failed, Cause::policy, kFinal,
     "{where} refused the credentials", Errc::auth_failed},
    // RSET refused, whatever the class: deferred, the next host may be tried.
    {Stage::rset, 451, kOpportunistic, Scope::host, Status::deferred, Cause::temporary, kNextHost},
    {Stage::rset, 550, kOpportunistic, Scope::host, Status::deferred, Cause::temporary, kNextHost},
    // MAIL: 4xx this host; 5xx this message.
    {Stage::mail, 451, kOpportunistic, Scope::host, Status::deferred, Cause::temporary, kNextHost},
    {Stage::mail, 550, kOpportunistic, Scope::transaction, Status::failed, Cause::permanent,
     kFinal},
    // RCPT: 452 waits for a further transaction; other replies settle the recipient.
    {Stage::rcpt, 452, kOpportunistic, Scope::held, Status::deferred, Cause::temporary, kFinal},
    {Stage::rcpt, 450, kOpportunistic, Scope::recipient, Status::deferred, Cause::temporary,
     kFinal},
    {Stage::rcpt, 550, kOpportunistic, Scope::recipient, Status::failed, Cause::rcpt_rejected,
     kFinal},
    // DATA refused: this message; a 4xx leaves the next host free.
    {Stage::data, 451, kOpportunistic, Scope::transaction, Status::deferred, Cause::temporary,
     kNextHost},
    {Stage::data, 554, kOpportunistic, Scope::transaction, Status::failed, Cause::permanent,
     kFinal},
    // After end of data: final either way.
    {Stage::end_of_data, 451, kOpportunistic, Scope::transaction, Status::deferred,
     Cause::temporary, kFinal},
    {Stage::end_of_data, 554, kOpportunistic, Scope::transaction, Status::failed, Cause::permanent,
     kFinal},
    // Stages that read no reply.
    {Stage::quit, 451, kOpportunistic, Scope::host, Status::deferred, Cause::temporary, kNextHost},
    {Stage::connect, 554, kOpportunistic, Scope::host, Status::deferred, Cause::temporary,
     kNextHost},
};

struct FailureCase {
  Failure failure;
  TlsPolicy tls;
  Scope scope;
  Status status;
  Cause cause;
  bool final;
  bool may_duplicate;
  std::string_view sentence;
  Errc error = Errc::ok;
};

constexpr bool kDup = true;
constexpr bool kNoDup = false;

const std::vector<FailureCase> kFailureCases = {
    {Failure::timeout, kOpportunistic, Scope::host, Status::deferred, Cause::temporary, kNextHost,
     kNoDup, "no reply within {seconds} s {stage} ({where})"},
    {Failure::write_timeout, kOpportunistic, Scope::host, Status::deferred, Cause::temporary,
     kNextHost, kNoDup, "timed out after {seconds} s {stage} ({where})"},
    {Failure::eof, kOpportunistic, Scope::host, Status::deferred, Cause::temporary, kNextHost,
     kNoDup, "connection closed {stage} ({where})"},
    {Failure::io_error, kOpportunistic, Scope::host, Status::deferred, Cause::temporary, kNextHost,
     kNoDup, "{error} {stage} ({where})"},
    {Failure::protocol, kOpportunistic, Scope::host, Status::deferred, Cause::protocol, kNextHost,
     kNoDup, "{detail}"},
    {Failure::timeout_after_final_dot, kOpportunistic, Scope::transaction, Status::deferred,
     Cause::temporary, kFinal, kDup,
     "no reply within {seconds} s after end of data ({where}); the message may have been "
     "delivered"},
    {Failure::lost_after_final_dot, kOpportunistic, Scope::transaction, Status::deferred,
     Cause::temporary, kFinal, kDup,
     "connection lost after end of data ({where}); the message may have been delivered"},
    {Failure::protocol_after_final_dot, kOpportunistic, Scope::transaction, Status::deferred,
     Cause::protocol, kFinal, kDup, "{detail}; the message may have been delivered"},
    {Failure::tls_unavailable, kOpportunistic, Scope::none, Status::deferred, Cause::temporary,
     kFinal, kNoDup, ""},
    {Failure::tls_unavailable, kRequired, Scope::destination, Status::failed, Cause::policy, kFinal,
     kNoDup, "{where} does not offer STARTTLS and --tls {tls} is in force", Errc::tls_unavailable},
    {Failure::tls_handshake, kOpportunistic, Scope::host, Status::deferred, Cause::temporary,
     kNextHost, kNoDup, "TLS handshake with {where} failed: {error}", Errc::tls_handshake_failed},
    {Failure::tls_handshake, TlsPolicy::verify, Scope::destination, Status::failed, Cause::policy,
     kFinal, kNoDup, "TLS handshake with {where} failed: {error}; --tls {tls} is in force",
     Errc::tls_handshake_failed},
    {Failure::implicit_tls_handshake, kOpportunistic, Scope::destination, Status::failed,
     Cause::policy, kFinal, kNoDup,
     "TLS handshake with {where} failed: {error} (implicit TLS, RFC 8314)",
     Errc::tls_handshake_failed},
    {Failure::auth, kRequired, Scope::destination, Status::failed, Cause::policy, kFinal, kNoDup,
     "{detail}"},
    {Failure::envelope_line_break, kOpportunistic, Scope::transaction, Status::failed,
     Cause::message, kFinal, kNoDup,
     "an envelope address contains a line break and cannot be sent to {where}",
     Errc::message_malformed},
    {Failure::message_too_large, kOpportunistic, Scope::transaction, Status::failed,
     Cause::permanent, kFinal, kNoDup, "{detail} of {where}", Errc::message_too_large},
    {Failure::smtputf8_recipient, kOpportunistic, Scope::recipient, Status::failed,
     Cause::permanent, kNextHost, kNoDup,
     "5.6.7 the message needs SMTPUTF8 (a UTF-8 address or header) and {where} does not offer it",
     Errc::smtputf8_unsupported},
    {Failure::smtputf8_message, kOpportunistic, Scope::transaction, Status::failed,
     Cause::permanent, kNextHost, kNoDup,
     "5.6.7 the message needs SMTPUTF8 (a UTF-8 address or header) and {where} does not offer it",
     Errc::smtputf8_unsupported},
    {Failure::eight_bit_unsupported, kOpportunistic, Scope::transaction, Status::failed,
     Cause::message, kNextHost, kNoDup,
     "the message has 8-bit content and {where} does not offer 8BITMIME",
     Errc::eight_bit_unsupported},
    {Failure::seven_bit_unconvertible, kOpportunistic, Scope::transaction, Status::failed,
     Cause::message, kNextHost, kNoDup, "{detail}, as {where} does not offer 8BITMIME",
     Errc::eight_bit_unsupported},
    {Failure::recipients_over_limit, kOpportunistic, Scope::recipient, Status::deferred,
     Cause::temporary, kFinal, kNoDup, ""},
    {Failure::recipients_over_limit_after_quit, kOpportunistic, Scope::recipient, Status::deferred,
     Cause::temporary, kNextHost, kNoDup, ""},
    {Failure::input_unreadable, kOpportunistic, Scope::destination, Status::deferred,
     Cause::temporary, kFinal, kNoDup, "{detail}; the message was not sent to {where}",
     Errc::input_unreadable},
    {Failure::refused_before_end, kOpportunistic, Scope::host, Status::deferred, Cause::temporary,
     kNextHost, kNoDup,
     "the connection was closed after {where} refused a message with {detail} before its end",
     Errc::reply_before_end_of_data},
};

Reply reply(int code) {
  Reply r;
  r.code = code;
  r.lines = {"text"};
  return r;
}

std::string name(const ReplyCase& c) {
  std::ostringstream os;
  os << c.code << " at " << c.stage << " under " << to_string(c.tls);
  return os.str();
}

TEST(FailurePolicy, EachReplyRule) {
  for (const ReplyCase& c : kReplyCases) {
    SCOPED_TRACE(name(c));
    const Fate fate = classify(c.stage, reply(c.code), c.tls);
    EXPECT_EQ(fate.scope, c.scope);
    if (c.scope == Scope::none || c.scope == Scope::held) continue;
    EXPECT_EQ(fate.status, c.status);
    EXPECT_EQ(fate.cause, c.cause);
    EXPECT_EQ(fate.final, c.final);
    EXPECT_FALSE(fate.may_duplicate);
    EXPECT_EQ(fate.sentence, c.sentence);
    EXPECT_EQ(fate.error, c.error);
  }
}

TEST(FailurePolicy, EachFailureRule) {
  for (const FailureCase& c : kFailureCases) {
    SCOPED_TRACE(std::string(to_string(c.failure)) + " under " + std::string(to_string(c.tls)));
    const Fate fate = classify(Stage::rcpt, c.failure, c.tls);
    EXPECT_EQ(fate.scope, c.scope);
    EXPECT_EQ(fate.status, c.status);
    EXPECT_EQ(fate.cause, c.cause);
    EXPECT_EQ(fate.final, c.final);
    EXPECT_EQ(fate.may_duplicate, c.may_duplicate);
    EXPECT_EQ(fate.sentence, c.sentence);
    EXPECT_EQ(fate.error, c.error);
  }
}

bool tls_applies(TlsRule rule, TlsPolicy policy) {
  if (rule == TlsRule::any) return true;
  return (rule == TlsRule::mandatory) == tls_mandatory(policy);
}

bool exercises(const ReplyRule& rule, const ReplyCase& c) {
  const bool stage = (rule.stages & (1u << static_cast<unsigned>(c.stage))) != 0;
  const bool code = rule.code != 0 ? rule.code == c.code : c.code / 100 == rule.reply_class;
  return stage && code && tls_applies(rule.tls, c.tls) &&
         classify(c.stage, reply(c.code), c.tls) == rule.fate;
}

// A new row in the table needs a row here.
TEST(FailurePolicy, EveryRuleHasATestRow) {
  EXPECT_EQ(reply_rules().size(), kReplyCases.size());
  for (const ReplyRule& rule : reply_rules()) {
    bool found = false;
    for (const ReplyCase& c : kReplyCases) found = found || exercises(rule, c);
    EXPECT_TRUE(found) << "no test row for the rule " << rule.fate << " (class " << rule.reply_class
                       << ", code " << rule.code << ")";
  }
  EXPECT_EQ(failure_rules().size(), kFailureCases.size());
  for (const FailureRule& rule : failure_rules()) {
    bool found = false;
    for (const FailureCase& c : kFailureCases) {
      found = found || (c.failure == rule.failure && tls_applies(rule.tls, c.tls));
    }
    EXPECT_TRUE(found) << "no test row for " << rule.failure;
  }
}

// RFC 5321 §3.8: whatever command 421 answers, the channel is closing; but a 421 that comes
// while the data is still written answers the message first (SPEC.md "Protocol duties").
TEST(FailurePolicy, FourTwentyOneIsTheHostsTroubleAtEveryStageButMidData) {
  for (const StageInfo& info : stage_table()) {
    for (const TlsPolicy tls : {TlsPolicy::none, kOpportunistic, kRequired, TlsPolicy::verify}) {
      SCOPED_TRACE(std::string(info.name) + " under " + std::string(to_string(tls)));
      const Fate fate = classify(info.stage, reply(421), tls);
      if (info.stage == Stage::data_block) {
        EXPECT_EQ(fate.scope, Scope::transaction);
        EXPECT_FALSE(fate.final);
      } else {
        EXPECT_EQ(fate.scope, Scope::host);
        EXPECT_EQ(fate.status, Status::deferred);
        EXPECT_FALSE(fate.final);
      }
    }
  }
}

TEST(FailurePolicy, FourFiftyTwoIsHeldOnlyForRcpt) {
  EXPECT_EQ(classify(Stage::rcpt, reply(452), kOpportunistic).scope, Scope::held);
  EXPECT_EQ(classify(Stage::mail, reply(452), kOpportunistic).scope, Scope::host);
  EXPECT_EQ(classify(Stage::data, reply(452), kOpportunistic).scope, Scope::transaction);
}

// The table's promises hold for every stage, class and policy, not only for the rows above.
TEST(FailurePolicy, ScopesKeepTheirPromisesEverywhere) {
  for (const StageInfo& info : stage_table()) {
    for (const TlsPolicy tls : {TlsPolicy::none, kOpportunistic, kRequired, TlsPolicy::verify}) {
      for (const int code : {220, 250, 334, 354, 421, 450, 452, 454, 500, 535, 550, 554}) {
        SCOPED_TRACE(std::to_string(code) + " at " + std::string(info.name));
        const Fate fate = classify(info.stage, reply(code), tls);
        if (fate.scope == Scope::host) {
          EXPECT_FALSE(fate.final);
        }
        if (fate.scope == Scope::destination) {
          EXPECT_TRUE(fate.final);
        }
        if (fate.status == Status::delivered) {
          EXPECT_EQ(info.stage, Stage::end_of_data);
          EXPECT_EQ(code / 100, 2);
        }
        EXPECT_FALSE(fate.may_duplicate);  // only a lost final dot may duplicate
      }
    }
  }
}

TEST(FailureSentence, FillsEveryPlaceholder) {
  const SentenceFacts facts{"mx.example.net[192.0.2.1]",
                            "while sending RCPT TO",
                            seconds{300},
                            "Connection reset by peer",
                            "required",
                            "detail"};
  EXPECT_EQ(fill_sentence(classify(Stage::rcpt, Failure::timeout, kOpportunistic).sentence, facts),
            "no reply within 300 s while sending RCPT TO (mx.example.net[192.0.2.1])");
  EXPECT_EQ(fill_sentence(classify(Stage::rcpt, Failure::io_error, kOpportunistic).sentence, facts),
            "Connection reset by peer while sending RCPT TO (mx.example.net[192.0.2.1])");
  EXPECT_EQ(
      fill_sentence(classify(Stage::starttls, Failure::tls_unavailable, kRequired).sentence, facts),
      "mx.example.net[192.0.2.1] does not offer STARTTLS and --tls required is in force");
  EXPECT_EQ(fill_sentence("{detail}; {unknown} {where", facts), "detail; {unknown} {where");
  EXPECT_EQ(fill_sentence("", facts), "");
}

// Text from the server or the caller is put in as it is, never read for placeholders.
TEST(FailureSentence, SuppliedTextIsNotScanned) {
  const SentenceFacts facts{"h[1]", "", seconds{1}, "{where}", "", "{detail}{error}"};
  EXPECT_EQ(fill_sentence("{detail}|{error}", facts), "{detail}{error}|{where}");
}

}  // namespace
}  // namespace smtpsend::smtp
