#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "smtpsend/message/message.hpp"
#include "smtpsend/queue/spool.hpp"

namespace smtpsend::queue {
namespace {

namespace fs = std::filesystem;

std::string read_all(const message::ContentView& view) {
  message::ContentReader reader(view);
  std::string out;
  std::string_view slice;
  std::string error;
  while (reader.next(64 * 1024, slice, error) && !slice.empty()) out += slice;
  EXPECT_TRUE(error.empty()) << error;
  return out;
}

struct Entry {
  fs::path root;
  Spool spool;
  LockedEntry locked;
  Envelope envelope;

  Entry(const EntryContent& content, Envelope e) : envelope(std::move(e)) {
    std::string pattern = (fs::temp_directory_path() / "queue_msg.XXXXXX").string();
    root = ::mkdtemp(pattern.data());
    SpoolOptions options;
    options.free_space = [](const fs::path&, std::error_code&) -> std::optional<std::uint64_t> {
      return std::uint64_t{1} << 40;
    };
    SpoolError error;
    EXPECT_TRUE(Spool::open(root / "q", spool, error, options)) << error.detail;
    EXPECT_TRUE(spool.enqueue(envelope, content, error)) << error.detail;
    EXPECT_EQ(spool.lock(envelope.id, locked, error), LockResult::locked);
  }
  ~Entry() {
    locked.release();
    std::error_code ignored;
    fs::remove_all(root, ignored);
  }
};

Envelope one_recipient() {
  Envelope e;
  e.sender = "a@example.com";
  e.recipients.push_back(RecipientState{.address = "b@example.com"});
  return e;
}

TEST(EntryMessage, ASmallMessageIsHeldWhole) {
  const std::string text = "Message-ID: <x@y>\r\nSubject: s\r\n\r\nbody\r\n";
  Entry entry(EntryContent{text, {}}, one_recipient());
  message::Message loaded;
  SpoolError error;
  ASSERT_TRUE(entry.locked.load_message(entry.envelope, loaded, error)) << error.detail;
  EXPECT_EQ(loaded.content, text);
  EXPECT_FALSE(loaded.spooled);
  EXPECT_EQ(loaded.facts.message_id, "<x@y>");
  EXPECT_TRUE(loaded.seven_bit_content().empty());
}

TEST(EntryMessage, ALargeMessageKeepsItsBodyInTheFile) {
  std::string text = "Subject: big\r\nX: y\r\n\r\n";
  const std::size_t header = text.size();
  while (text.size() < 3 * message::kHeldWhole) text += std::string(70, 'b') + "\r\n";
  const std::string seven = "Subject: big\r\n\r\nseven\r\n";
  Envelope e = one_recipient();
  e.eight_bit = true;
  Entry entry(EntryContent{text, message::ContentView(seven)}, e);
  message::Message loaded;
  SpoolError error;
  ASSERT_TRUE(entry.locked.load_message(entry.envelope, loaded, error)) << error.detail;
  EXPECT_EQ(loaded.content.size(), header);
  ASSERT_TRUE(loaded.spooled);
  EXPECT_TRUE(loaded.eight_bit);
  EXPECT_EQ(loaded.size(), text.size());
  EXPECT_EQ(read_all(loaded.wire_content()), text);
  EXPECT_EQ(loaded.seven_bit_content().size(), seven.size());
  EXPECT_EQ(read_all(loaded.seven_bit_content()), seven);
}

TEST(EntryMessage, EightBitWithoutASevenBitFormKeepsTheReason) {
  Envelope e = one_recipient();
  e.eight_bit = true;
  e.seven_bit_error = "5.6.3 the header has 8-bit bytes";
  Entry entry(EntryContent{"Subject: \xc3\xa9\r\n\r\nx\r\n", {}}, e);
  message::Message loaded;
  SpoolError error;
  ASSERT_TRUE(entry.locked.load_message(entry.envelope, loaded, error)) << error.detail;
  EXPECT_TRUE(loaded.eight_bit);
  EXPECT_TRUE(loaded.seven_bit_content().empty());
  EXPECT_EQ(loaded.seven_bit.error, "5.6.3 the header has 8-bit bytes");
}

TEST(EntryMessage, FinishedMessagesContentAndFacts) {
  message::Message m;
  message::LoadError load_error;
  message::CompletionContext ctx{"host.example", std::chrono::system_clock::now(), "u1"};
  ASSERT_TRUE(message::prepare_message("Subject: cafe\r\n\r\nna\xc3\xafve\r\n", "stdin", ctx,
                                       m, load_error));
  message::prepare_seven_bit_form(m);
  ASSERT_TRUE(m.eight_bit);
  const EntryContent content = entry_content(m);
  ASSERT_TRUE(content.seven_bit);
  EXPECT_EQ(read_all(content.wire), m.content);
  Envelope e = one_recipient();
  set_message_facts(m, e);
  EXPECT_TRUE(e.eight_bit);
  EXPECT_EQ(e.message_id, m.facts.message_id);
  EXPECT_TRUE(e.seven_bit_error.empty());
}

}  // namespace
}  // namespace smtpsend::queue
