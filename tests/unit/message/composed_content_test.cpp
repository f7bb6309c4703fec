// A composed message whose attachments are files: the head and the parts made while it is sent
// are byte for byte the message composed with the files' bytes in memory, and the size said
// up front is the size made; a file that shrinks while it is sent is an error, not a short
// message.
#include "smtpsend/message/composed_content.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <string>

#include "smtpsend/message/compose.hpp"
#include "smtpsend/message/mime_encoding.hpp"

namespace smtpsend::message {
namespace {

std::shared_ptr<const AttachedFile> memory_file(const std::string& bytes,
                                                std::uint64_t size_when_opened) {
  const int fd = ::memfd_create("attachment", MFD_CLOEXEC);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  return std::make_shared<const AttachedFile>(fd, size_when_opened, "data.bin");
}

std::string bytes_of(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += static_cast<char>(i * 131 % 251);
  return out;
}

bool read_all(ContentView content, std::string& out, std::string& error) {
  ContentReader reader(content);
  for (;;) {
    std::string_view slice;
    if (!reader.next(7000, slice, error)) return false;
    if (slice.empty()) return true;
    out += slice;
  }
}

ComposeInput input_with(std::vector<Attachment> attachments) {
  ComposeInput input;
  input.from_address = "alice@example.org";
  input.to = {"bob@example.net"};
  input.subject = "files";
  input.body = "see attached\n";
  input.boundary_unique = "0123abcd";
  input.attachments = std::move(attachments);
  return input;
}

TEST(Base64LinesSize, IsTheSizeOfBase64Lines) {
  for (std::size_t n = 0; n < 400; ++n) {
    EXPECT_EQ(base64_lines_size(n), base64_lines(bytes_of(n)).size()) << n;
  }
}

TEST(ComposedContent, FileAttachmentsMakeTheBytesOfTheInMemoryMessage) {
  // Sizes around the 57-octet line and the encoder's slice of 57 * 2048 octets.
  for (std::size_t size :
       {std::size_t{0}, std::size_t{1}, std::size_t{57}, std::size_t{58}, std::size_t{57 * 2048},
        std::size_t{57 * 2048 + 1}, std::size_t{300000}}) {
    const std::string first = bytes_of(size);
    const std::string second = bytes_of(size / 3 + 5);
    std::string expected;
    LoadError error;
    ASSERT_TRUE(compose_message(input_with({{"a.bin", first, "application/octet-stream"},
                                            {"b.bin", second, "application/octet-stream"}}),
                                expected, error));
    ComposedMessage composed;
    ASSERT_TRUE(compose_message(
        input_with({{"a.bin", {}, "application/octet-stream", memory_file(first, first.size())},
                    {"b.bin", {}, "application/octet-stream", memory_file(second, second.size())}}),
        composed, error));
    ASSERT_NE(composed.rest, nullptr);
    EXPECT_EQ(composed.head.size() + composed.rest->size(), expected.size()) << size;
    std::string made;
    std::string read_error;
    ASSERT_TRUE(read_all(ContentView(composed.head, composed.rest.get()), made, read_error))
        << read_error;
    EXPECT_EQ(made, expected) << size;
  }
}

TEST(ComposedContent, AFileShorterThanWhenItWasOpenedStopsTheMessage) {
  const std::string bytes = bytes_of(1000);
  ComposedMessage composed;
  LoadError error;
  ASSERT_TRUE(compose_message(
      input_with({{"a.bin", {}, "application/octet-stream", memory_file(bytes, 5000)}}), composed,
      error));
  std::string made;
  std::string read_error;
  EXPECT_FALSE(read_all(ContentView(composed.head, composed.rest.get()), made, read_error));
  EXPECT_EQ(read_error, "data.bin changed while it was being sent");
}

}  // namespace
}  // namespace smtpsend::message
