// The session tells its ProgressSink of each recipient whose result is final, as it happens;
// a recipient left for the next host is not final and is not told.
#include <gtest/gtest.h>

#include "session_test_helpers.hpp"

namespace smtpsend::smtp::testing {
namespace {

struct RecordingProgress final : ProgressSink {
  void settled(std::size_t message_index, std::string_view address,
               RecipientStatus status) override {
    events.push_back(std::to_string(message_index) + " " + std::string(address) + " " +
                     to_string(status));
  }
  std::vector<std::string> events;
};

TEST(SessionProgress, FinalResultsAreReportedAsTheyHappen) {
  RecordingProgress progress;
  SessionConfig config = test_config();
  config.settings.progress = &progress;
  SessionScript script = after_ehlo({transaction({"bob@example.net", "eve@example.net"}),
                                     transaction({"amy@example.net"}, kBody, 1)},
                                    kEhloPipelining, config);
  script
      .expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + rcpt("eve@example.net") +
                    kData)
      .reply("250 ok\r\n250 ok\r\n550 5.1.1 no such user\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kMailFrom + rcpt("amy@example.net") + kData)
      .reply("250 queued\r\n")
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net"),
                    outcome("eve@example.net", RecipientStatus::failed, FailureCause::rcpt_rejected,
                            true, 550),
                    delivered("amy@example.net", 1)});
  run_once(script);
  EXPECT_EQ(progress.events,
            (std::vector<std::string>{"0 eve@example.net failed", "0 bob@example.net delivered",
                                      "1 amy@example.net delivered"}));
}

TEST(SessionProgress, RecipientsLeftForTheNextHostAreNotReported) {
  RecordingProgress progress;
  SessionConfig config = test_config();
  config.settings.progress = &progress;
  SessionScript script(config, {transaction({"bob@example.net"})});
  script.reply("421 4.3.2 busy\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({outcome("bob@example.net", RecipientStatus::deferred, FailureCause::temporary,
                            false, 421)});
  run_once(script);
  EXPECT_TRUE(progress.events.empty());
}

}  // namespace
}  // namespace smtpsend::smtp::testing
