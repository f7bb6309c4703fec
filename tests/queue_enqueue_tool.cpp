// Test-only: queues one message from stdin through queue::Spool::enqueue, so the integration
// tests (test_queue_store.py) can kill an enqueue at each crash point
// (SMTPSEND_TEST_CRASH_AT) before `smtpsend --queue always` exists (helper queuerun).
//
//   queue_enqueue_tool QUEUE_DIR SENDER RECIPIENT... < message
// Prints the entry id; exits with the spool's code (73, 74, 75) on failure.
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <iterator>
#include <string>

#include "smtpsend/message/message.hpp"
#include "smtpsend/queue/spool.hpp"

int main(int argc, char** argv) {
  using namespace smtpsend;
  if (argc < 4) {
    std::cerr << "usage: queue_enqueue_tool QUEUE_DIR SENDER RECIPIENT... < message\n";
    return 64;
  }
  const std::string raw{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  message::Message msg;
  message::LoadError load_error;
  const message::CompletionContext ctx{"client.test", std::chrono::system_clock::now(), "tool"};
  if (!message::prepare_message(raw, "stdin", ctx, msg, load_error)) {
    std::cerr << "queue_enqueue_tool: " << load_error.detail << '\n';
    return 65;
  }
  message::prepare_seven_bit_form(msg);
  queue::Envelope envelope;
  envelope.sender = argv[2];
  queue::set_message_facts(msg, envelope);
  for (int i = 3; i < argc; ++i) {
    queue::RecipientState recipient;
    recipient.address = argv[i];
    envelope.recipients.push_back(recipient);
  }
  queue::Spool spool;
  queue::SpoolError error;
  if (!queue::Spool::open(argv[1], spool, error) ||
      !spool.enqueue(envelope, queue::entry_content(msg), error)) {
    std::cerr << "queue_enqueue_tool: " << error.detail << '\n';
    return static_cast<int>(error.exit_code());
  }
  std::cout << envelope.id << '\n';
  return 0;
}
