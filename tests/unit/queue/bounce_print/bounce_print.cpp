// bounce_print: prints compose_bounce()'s output for the original message read from stdin, so
// that tests/integration/test_bounce_format.py can parse it with Python's email package (a
// second, independent MIME parser). `--ret-full` asks for RET=FULL. The recipients are fixed:
// one refused (550 5.1.1, its text holding control bytes), one expired (450 4.2.0).
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>

#include "smtpsend/queue/bounce.hpp"

int main(int argc, char** argv) {
  using namespace smtpsend;
  const std::string original{std::istreambuf_iterator<char>(std::cin),
                             std::istreambuf_iterator<char>()};
  queue::BounceInput in;
  in.reporting_fqdn = "client.example.net";
  in.to = "sender@example.net";
  in.message_id = "<20261207003341.bounce1@client.example.net>";
  in.now = 1796603621;
  in.arrival = 1796170000;
  in.envid = "QQ314159";
  if (argc > 1 && std::string_view(argv[1]) == "--ret-full") in.ret = smtp::DsnReturn::full;
  queue::BouncedRecipient bob;
  bob.address = "bob@example.com";
  bob.orcpt = "rfc822;Bob@example.com";
  bob.reply_code = 550;
  bob.reply_enhanced = "5.1.1";
  bob.reply_text = std::string("User unknown\x1b[31m\x07 here");
  bob.host = "mx1.example.com";
  bob.last_attempt = 1796600000;
  queue::BouncedRecipient carol;
  carol.address = "carol@example.org";
  carol.reason = queue::BounceReason::expired;
  carol.reply_code = 450;
  carol.reply_enhanced = "4.2.0";
  carol.reply_text = "Greylisted, see http://postgrey.schweikert.ch/";
  carol.host = "mx.example.org";
  carol.last_attempt = 1796603000;
  in.recipients = {bob, carol};
  in.original = original;
  std::cout << queue::compose_bounce(in);
  return std::cout.good() ? 0 : 74;
}
