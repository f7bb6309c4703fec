// smtp::Session and DSN (RFC 3461): NOTIFY on every RCPT TO, RET and ENVID on MAIL FROM, only
// when the server's EHLO offers DSN.
#include <gtest/gtest.h>

#include "session_test_helpers.hpp"

namespace smtpsend::smtp::testing {
namespace {

constexpr char kEhloDsn[] = "250-mx.example.net hello\r\n250-PIPELINING\r\n250 DSN\r\n";
constexpr char kEhloDsnNoPipelining[] = "250-mx.example.net hello\r\n250 DSN\r\n";

Transaction with_dsn(std::vector<std::string> recipients) {
  Transaction t = transaction(std::move(recipients));
  t.parameters.dsn.notify = "SUCCESS,FAILURE";
  t.parameters.dsn.ret = DsnReturn::headers;
  t.parameters.dsn.envid = "cron job+7";
  return t;
}

TEST(SessionDsn, ParametersGoOutWhenDsnIsOffered) {
  SessionScript script = after_ehlo({with_dsn({"bob@example.net", "carol@example.net"})}, kEhloDsn);
  script
      .expect_write(
          "MAIL FROM:<alice@example.org> RET=HDRS ENVID=cron+20job+2B7\r\n"
          "RCPT TO:<bob@example.net> NOTIFY=SUCCESS,FAILURE\r\n"
          "RCPT TO:<carol@example.net> NOTIFY=SUCCESS,FAILURE\r\n" +
          std::string(kData))
      .reply("250 ok\r\n250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net"), delivered("carol@example.net")});
  run(script);
}

TEST(SessionDsn, ParametersGoOutWithoutPipeliningToo) {
  SessionScript script = after_ehlo({with_dsn({"bob@example.net"})}, kEhloDsnNoPipelining);
  script.expect_write("MAIL FROM:<alice@example.org> RET=HDRS ENVID=cron+20job+2B7\r\n")
      .reply("250 ok\r\n")
      .expect_write("RCPT TO:<bob@example.net> NOTIFY=SUCCESS,FAILURE\r\n")
      .reply("250 ok\r\n")
      .expect_write(kData)
      .reply("354 go ahead\r\n")
      .expect_write(kBodyOnWire)
      .reply("250 queued\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionDsn, ParametersAreLeftOutWhenDsnIsNotOffered) {
  SessionScript script = after_ehlo({with_dsn({"bob@example.net"})}, kEhloPipelining);
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionDsn, NothingAskedMeansNoParametersEvenWhenOffered) {
  SessionScript script = after_ehlo({transaction({"bob@example.net"})}, kEhloDsn);
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionDsn, NotifyNeverAloneIsSent) {
  Transaction t = transaction({"bob@example.net"});
  t.parameters.dsn.notify = "NEVER";
  SessionScript script = after_ehlo({t}, kEhloDsn);
  script.expect_write(std::string(kMailFrom) + "RCPT TO:<bob@example.net> NOTIFY=NEVER\r\n" + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  run(script);
}

}  // namespace
}  // namespace smtpsend::smtp::testing
