// smtp::Session against a random, sometimes hostile server: thousands of seeded conversations
// with random capabilities, reply codes, splits, stray bytes and failures. Whatever happens,
// the session must end in Done with one outcome per recipient and never claim a delivery the
// server did not confirm after the final dot.
#include <gtest/gtest.h>

#include <iostream>
#include <random>

#include "session_test_helpers.hpp"

namespace smtpsend::smtp::testing {
namespace {

class RandomServer {
 public:
  // One server in three never fails nor breaks the protocol, so whole conversations succeed
  // often enough to exercise deliveries, 452 splits and several messages per connection.
  explicit RandomServer(unsigned seed) : rng_(seed), hostile_(seed % 3 != 0) {}
  bool hostile() const { return hostile_; }

  bool chance(int one_in) { return std::uniform_int_distribution<int>(1, one_in)(rng_) == 1; }
  template <typename T>
  const T& pick(const std::vector<T>& from) {
    return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(rng_)];
  }
  std::size_t below(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }

  std::string reply(Stage stage) {
    if (!hostile_ && !chance(5)) return positive(stage);
    if (hostile_ && chance(60))
      return pick<std::string>({"garbage\r\n", "354 not now\r\n", "199 early\r\n"});
    switch (stage) {
      case Stage::greeting:
        return pick<std::string>(
            {"220 hi\r\n", "220-hi\r\n220 there\r\n", "421 busy\r\n", "554 no\r\n"});
      case Stage::ehlo:
        return ehlo();
      case Stage::helo:
        return pick<std::string>({"250 ok\r\n", "421 no\r\n", "550 no\r\n"});
      case Stage::mail:
        return pick<std::string>({"250 ok\r\n", "250 ok\r\n", "451 later\r\n", "550 no\r\n"});
      case Stage::rcpt:
        return pick<std::string>(
            {"250 ok\r\n", "250 ok\r\n", "452 too many\r\n", "450 busy\r\n", "550 unknown\r\n"});
      case Stage::data:
        return pick<std::string>({"354 go\r\n", "354 go\r\n", "451 no\r\n", "554 no\r\n"});
      case Stage::end_of_data:
        return pick<std::string>(
            {"250 queued\r\n", "250-queued\r\n250 as 7\r\n", "451 no\r\n", "554 spam\r\n"});
      case Stage::rset:
        return pick<std::string>({"250 ok\r\n", "250 ok\r\n", "421 bye\r\n"});
      default:
        return "250 ok\r\n";
    }
  }

  std::string positive(Stage stage) {
    switch (stage) {
      case Stage::greeting:
        return "220 hi\r\n";
      case Stage::ehlo:
        return ehlo_capabilities();
      case Stage::rcpt:
        return chance(4) ? "452 too many\r\n" : "250 ok\r\n";
      case Stage::data:
        return "354 go\r\n";
      case Stage::end_of_data:
        return "250 queued\r\n";
      default:
        return "250 ok\r\n";
    }
  }

  std::string ehlo() {
    if (chance(6)) return pick<std::string>({"500 what\r\n", "421 busy\r\n"});
    return ehlo_capabilities();
  }

  std::string ehlo_capabilities() {
    std::string reply = "250-mx.example.net\r\n";
    if (chance(2)) reply += "250-PIPELINING\r\n";
    if (chance(2)) reply += "250-8BITMIME\r\n";
    if (chance(3))
      reply += pick<std::string>({"250-SIZE\r\n", "250-SIZE 30\r\n", "250-SIZE 100000\r\n"});
    return reply + "250 HELP\r\n";
  }

  std::vector<Transaction> transactions(const std::vector<std::string>& bodies) {
    std::vector<Transaction> out;
    const std::size_t count = 1 + below(3);
    for (std::size_t m = 0; m < count; ++m) {
      std::vector<std::string> recipients;
      const std::size_t n = 1 + below(4);
      for (std::size_t r = 0; r < n; ++r) {
        recipients.push_back("r" + std::to_string(r) + "@example.net");
      }
      Transaction t = transaction(std::move(recipients), pick(bodies), m);
      t.eight_bit = chance(4);
      out.push_back(std::move(t));
    }
    return out;
  }

  void feed(Session& session, const std::string& bytes) {
    std::size_t at = 0;
    while (at < bytes.size()) {
      const std::size_t n = 1 + below(bytes.size() - at);
      session.on_bytes(std::string_view(bytes).substr(at, n));
      at += n;
    }
  }

  void fail(Session& session) {
    switch (below(3)) {
      case 0:
        session.on_eof();
        break;
      case 1:
        session.on_io_error(std::make_error_code(std::errc::connection_reset));
        break;
      default:
        session.on_timeout();
        break;
    }
  }

 private:
  std::mt19937 rng_;
  bool hostile_;
};

// What the conversations covered, so the test can show it explored what matters.
struct Coverage {
  int delivered = 0;
  int may_duplicate = 0;
  int protocol = 0;
  int rcpt_rejected = 0;
  int not_final = 0;
  void count(const SessionOutcome& outcome) {
    for (const RecipientOutcome& r : outcome.recipients) {
      delivered += r.result.status == RecipientStatus::delivered;
      may_duplicate += r.result.may_duplicate;
      protocol += r.result.cause == FailureCause::protocol;
      rcpt_rejected += r.result.cause == FailureCause::rcpt_rejected;
      not_final += !r.final;
    }
  }
};

// Plays one conversation; returns false when it did not end properly (already reported).
bool converse(unsigned seed, Coverage& coverage) {
  static const std::vector<std::string> bodies = {kBody,
                                                  "",
                                                  ".\r\n..\r\n",
                                                  "a\n.\nb",
                                                  std::string(200, 'x') + "\r\n.dot\r\n",
                                                  "caf\xc3\xa9\r\n"};
  RandomServer server(seed);
  SessionConfig config = test_config();
  config.settings.max_write = server.pick<std::size_t>({5, 64, 65536});
  config.settings.use_pipelining = !server.chance(5);
  const std::vector<Transaction> transactions = server.transactions(bodies);
  Session session(config, transactions);
  message::ContentSlices body;
  DeliveryLedger ledger;
  bool failed = false;
  for (int step = 0; step < 2000; ++step) {
    const Action action = next_answering_body(session, body);
    if (const auto* write = std::get_if<Write>(&action)) {
      EXPECT_LE(write->bytes.size(), config.settings.max_write);
      ledger.observe(*write);
      if (server.hostile() && server.chance(40)) {
        server.fail(session);
        failed = true;
      } else {
        session.on_written();
      }
    } else if (const auto* read = std::get_if<Read>(&action)) {
      if (server.hostile() && server.chance(40)) {
        server.fail(session);
        failed = true;
      } else {
        std::string reply = server.reply(read->stage);
        if (server.hostile() && server.chance(50)) reply += "250 stray\r\n";
        server.feed(session, reply);
        if (read->stage == Stage::end_of_data) {
          if (reply[0] == '2') {
            ledger.end_of_data_accepted();
          } else {
            ledger.end_of_data_refused();
          }
        }
      }
    } else if (const auto* done = std::get_if<Done>(&action)) {
      check_session_invariants(config, transactions, done->outcome, ledger);
      coverage.count(done->outcome);
      return !::testing::Test::HasFailure();
    } else if (std::holds_alternative<StartTls>(action)) {
      ADD_FAILURE() << "StartTls is not asked for yet";
      return false;
    }
    if (failed) {
      const Action close = session.next_action();
      EXPECT_TRUE(std::holds_alternative<Close>(close)) << "after a failure: " << close;
      failed = false;
    }
  }
  ADD_FAILURE() << "no Done after 2000 actions";
  return false;
}

TEST(SessionRandom, RandomServersNeverGetAFalseDeliveryOrALostRecipient) {
  constexpr unsigned kConversations = 9000;
  Coverage coverage;
  for (unsigned seed = 0; seed < kConversations; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    if (!converse(seed, coverage)) return;
  }
  EXPECT_GT(coverage.delivered, 1000);
  EXPECT_GT(coverage.may_duplicate, 10);
  EXPECT_GT(coverage.protocol, 100);
  EXPECT_GT(coverage.rcpt_rejected, 100);
  EXPECT_GT(coverage.not_final, 100);
  std::cout << "delivered " << coverage.delivered << ", may_duplicate " << coverage.may_duplicate
            << ", protocol " << coverage.protocol << ", rcpt_rejected " << coverage.rcpt_rejected
            << ", not final " << coverage.not_final << '\n';
}

}  // namespace
}  // namespace smtpsend::smtp::testing
