#include "smtpsend/message/message.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "smtpsend/core/errors.hpp"

namespace smtpsend::message {
namespace {

// A file under the test's temporary directory, removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    path_ = testing::TempDir() + "smtpsend_message_test_" + std::to_string(::getpid()) + "_" +
            std::to_string(counter_++) + ".eml";
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::string path_;
};

CompletionContext context() {
  return {"host.example.org", std::chrono::system_clock::from_time_t(1795471980), "u1"};
}

TEST(ReadInput, ReadsWholeFileIncludingNulAndHighBytes) {
  std::string content = "Subject: x\n\n";
  content += std::string("\0\xff", 2);
  content += std::string(200000, 'b');
  TempFile file(content);
  std::string out = "stale";
  LoadError error;
  ASSERT_TRUE(read_input(file.path(), out, error)) << error.detail;
  EXPECT_EQ(out, content);
}

TEST(ReadInput, EmptyFileIsEmpty) {
  TempFile file("");
  std::string out = "stale";
  LoadError error;
  ASSERT_TRUE(read_input(file.path(), out, error));
  EXPECT_TRUE(out.empty());
}

TEST(ReadInput, MissingFileNamesFileAndReason) {
  const std::string path = testing::TempDir() + "smtpsend_no_such_file.eml";
  std::string out;
  LoadError error;
  EXPECT_FALSE(read_input(path, out, error));
  EXPECT_EQ(error.error, make_error_code(Errc::input_unreadable));
  EXPECT_EQ(error.detail, "cannot read " + path + ": No such file or directory");
}

// Replaces stdin with a pipe holding `content` for the lifetime of the object.
class PipedStdin {
 public:
  explicit PipedStdin(const std::string& content) {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    saved_ = ::dup(STDIN_FILENO);
    // Small enough for the pipe buffer, so writing before anyone reads cannot block.
    EXPECT_EQ(::write(fds[1], content.data(), content.size()),
              static_cast<ssize_t>(content.size()));
    ::close(fds[1]);
    ::dup2(fds[0], STDIN_FILENO);
    ::close(fds[0]);
  }
  ~PipedStdin() {
    ::dup2(saved_, STDIN_FILENO);
    ::close(saved_);
  }

 private:
  int saved_ = -1;
};

TEST(ReadInput, DashReadsStdinToEnd) {
  PipedStdin stdin_pipe("Subject: piped\n\nbody\n");
  std::string out;
  LoadError error;
  ASSERT_TRUE(read_input("-", out, error)) << error.detail;
  EXPECT_EQ(out, "Subject: piped\n\nbody\n");
}

TEST(LoadMessage, DashIsNamedStdin) {
  PipedStdin stdin_pipe("Subject: x\n\n");
  Message msg;
  LoadError error;
  ASSERT_TRUE(load_message("-", context(), msg, error)) << error.detail;
  EXPECT_EQ(msg.source, "stdin");
}

TEST(ReadInput, DirectoryIsUnreadable) {
  std::string out;
  LoadError error;
  EXPECT_FALSE(read_input("/", out, error));
  EXPECT_EQ(error.error, make_error_code(Errc::input_unreadable));
  EXPECT_EQ(error.detail, "cannot read /: Is a directory");
}

TEST(LoadMessage, ReadsCanonicalisesScansAndCompletes) {
  TempFile file("From: Alice <alice@example.com>\nSubject: caf\xc3\xa9\n\nline\r.\nend");
  Message msg;
  LoadError error;
  ASSERT_TRUE(load_message(file.path(), context(), msg, error)) << error.detail;
  EXPECT_EQ(msg.source, file.path());
  EXPECT_TRUE(msg.content.starts_with("Date: "));
  EXPECT_TRUE(msg.content.ends_with(
      "\r\nMessage-ID: <20261123221300.u1@host.example.org>\r\n"
      "From: Alice <alice@example.com>\r\nSubject: caf\xc3\xa9\r\n\r\nline\r\n.\r\nend\r\n"));
  EXPECT_EQ(msg.facts.from_address, "alice@example.com");
  EXPECT_EQ(msg.facts.message_id, "<20261123221300.u1@host.example.org>");
  EXPECT_EQ(msg.content.substr(msg.facts.header_end), "\r\nline\r\n.\r\nend\r\n");
  EXPECT_TRUE(msg.eight_bit);
}

TEST(LoadMessage, MissingFileIsInputUnreadable) {
  Message msg;
  LoadError error;
  EXPECT_FALSE(load_message(testing::TempDir() + "smtpsend_absent.eml", context(), msg, error));
  EXPECT_EQ(error.error, make_error_code(Errc::input_unreadable));
}

TEST(LoadMessage, MalformedMessageNamesItsSource) {
  TempFile file("Subject: x\nnot a header\n\nbody\n");
  Message msg;
  LoadError error;
  EXPECT_FALSE(load_message(file.path(), context(), msg, error));
  EXPECT_EQ(error.error, make_error_code(Errc::message_malformed));
  EXPECT_EQ(error.detail, file.path() +
                              ": header line 2 is neither a header field nor a continuation "
                              "line: 'not a header'");
}

TEST(LoadMessage, BodyOnlyInputGetsHeadersAndTheEmptyLineBeforeIt) {
  TempFile file("just a body\n");
  Message msg;
  LoadError error;
  ASSERT_TRUE(load_message(file.path(), context(), msg, error)) << error.detail;
  EXPECT_TRUE(msg.content.starts_with("Date: "));
  EXPECT_TRUE(msg.content.ends_with(
      "\r\nMessage-ID: <20261123221300.u1@host.example.org>\r\n\r\njust a body\r\n"));
  EXPECT_EQ(msg.content.substr(msg.facts.header_end), "\r\njust a body\r\n");
  EXPECT_TRUE(msg.facts.has_header_section);
}

TEST(LoadMessage, InputStartingWithAnEmptyLineKeepsItsSeparator) {
  TempFile file("\nbody\n");
  Message msg;
  LoadError error;
  ASSERT_TRUE(load_message(file.path(), context(), msg, error)) << error.detail;
  EXPECT_TRUE(msg.content.ends_with(
      "\r\nMessage-ID: <20261123221300.u1@host.example.org>\r\n\r\nbody\r\n"));
  EXPECT_EQ(msg.content.substr(msg.facts.header_end), "\r\nbody\r\n");
}

TEST(PrepareMessage, AsciiMessageIsNotEightBit) {
  Message msg;
  LoadError error;
  ASSERT_TRUE(prepare_message("Subject: x\n\nhi\n", "stdin", context(), msg, error));
  EXPECT_EQ(msg.source, "stdin");
  EXPECT_FALSE(msg.eight_bit);
}

TEST(PrepareMessage, BareCrInHeaderBecomesALineBreak) {
  Message msg;
  LoadError error;
  // "\r" alone ends a line too, so the header after it is a header, not part of Subject.
  ASSERT_TRUE(
      prepare_message("Subject: x\rFrom: a@example.com\r\r\nbody", "stdin", context(), msg, error));
  EXPECT_EQ(msg.facts.from_address, "a@example.com");
  EXPECT_EQ(msg.content.substr(msg.facts.header_end), "\r\nbody\r\n");
}

struct SenderCase {
  const char* name;
  std::optional<std::string> from;
  std::optional<std::string> sender;
  std::string expected;
};

void PrintTo(const SenderCase& c, std::ostream* os) {
  *os << c.name;
}

const SenderCase kSenderCases[] = {
    {"from_wins", "alice@example.com", "sec@example.com", "alice@example.com"},
    {"sender_when_no_from", std::nullopt, "sec@example.com", "sec@example.com"},
    {"user_when_neither", std::nullopt, std::nullopt, "bob@qualify.example"},
    {"cron_root_is_qualified", "root", std::nullopt, "root@qualify.example"},
    {"bare_sender_is_qualified", std::nullopt, "daemon", "daemon@qualify.example"},
    {"quoted_at_is_not_a_domain", "\"a@b\"", std::nullopt, "\"a@b\"@qualify.example"},
    {"quoted_local_with_domain", "\"a b\"@example.com", std::nullopt, "\"a b\"@example.com"},
    {"literal_domain_kept", "x@[192.0.2.1]", std::nullopt, "x@[192.0.2.1]"},
};

class SenderTable : public testing::TestWithParam<SenderCase> {};

TEST_P(SenderTable, FollowsSpecOrder) {
  HeaderFacts facts;
  facts.from_address = GetParam().from;
  facts.sender_address = GetParam().sender;
  EXPECT_EQ(default_envelope_sender(facts, "bob", "qualify.example"), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(Message, SenderTable, testing::ValuesIn(kSenderCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(DefaultEnvelopeSender, CronMessageEndToEnd) {
  Message msg;
  LoadError error;
  ASSERT_TRUE(prepare_message("From: root (Cron Daemon)\nTo: root\nSubject: out\n\nok\n", "stdin",
                              context(), msg, error));
  EXPECT_EQ(default_envelope_sender(msg.facts, "nobody", "host.example.org"),
            "root@host.example.org");
}

}  // namespace
}  // namespace smtpsend::message
