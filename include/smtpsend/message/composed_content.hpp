// message/composed_content: the rest of a composed message, made while it is sent: text the
// composer wrote, and attachments base64-encoded (RFC 2045 §6.8) from their files slice by
// slice, so an attachment is never held in memory (issue 9). Its size is known up front:
// base64 lines are a function of the file's size.
// Must not: open files or know their names' meaning (app/ opens them). Errors: an attachment
// that cannot be read, or is shorter than when it was opened, is one sentence from the cursor;
// nothing is then sent past that point.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "smtpsend/message/content.hpp"

namespace smtpsend::message {

// An attachment's file, open; owns the descriptor. Its bytes [0, size) are sent, the size it
// had when it was opened.
class AttachedFile {
 public:
  AttachedFile(int fd, std::uint64_t size, std::string path);
  ~AttachedFile();
  AttachedFile(const AttachedFile&) = delete;
  AttachedFile& operator=(const AttachedFile&) = delete;

  std::uint64_t size() const noexcept { return size_; }
  const std::string& path() const noexcept { return path_; }
  // pread(2) at `at`, retried on EINTR; got = 0 means end of file.
  std::error_code read(std::uint64_t at, std::span<char> into, std::size_t& got) const;

 private:
  int fd_;
  std::uint64_t size_;
  std::string path_;
};

// The size base64_lines() makes of `bytes` octets: 76 characters and CRLF per 57 octets.
std::uint64_t base64_lines_size(std::uint64_t bytes) noexcept;

// Text, or (when `file` is set) a file's bytes base64-encoded in lines.
struct ComposedPart {
  std::string text;
  std::shared_ptr<const AttachedFile> file;
};

class ComposedContent final : public ContentSource {
 public:
  explicit ComposedContent(std::vector<ComposedPart> parts);
  std::uint64_t size() const noexcept override { return size_; }
  std::unique_ptr<ContentCursor> open() const override;

 private:
  std::vector<ComposedPart> parts_;
  std::uint64_t size_ = 0;
};

}  // namespace smtpsend::message
