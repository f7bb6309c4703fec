// A large message's body read back from its file in slices while it is sent.
#include "smtpsend/message/content.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace smtpsend::message {
namespace {

// Raw bytes read from the file per refill: a few data blocks' worth, so the pread(2) calls
// cost nothing beside the socket writes, and memory stays bounded.
constexpr std::size_t kRawSlice = 128 * 1024;

}  // namespace

SpooledBody::SpooledBody(int fd, std::uint64_t offset, std::uint64_t raw_size,
                         std::uint64_t wire_size, std::string source)
    : fd_(fd),
      offset_(offset),
      raw_size_(raw_size),
      wire_size_(wire_size),
      source_(std::move(source)) {}

SpooledBody::~SpooledBody() {
  if (fd_ >= 0) ::close(fd_);
}

std::error_code SpooledBody::read_raw(std::uint64_t at, std::span<char> into,
                                      std::size_t& got) const {
  got = 0;
  const std::uint64_t left = at < raw_size_ ? raw_size_ - at : 0;
  const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, into.size()));
  if (want == 0) return {};
  for (;;) {
    const ssize_t n = ::pread(fd_, into.data(), want, static_cast<off_t>(offset_ + at));
    if (n >= 0) {
      got = static_cast<std::size_t>(n);
      return {};
    }
    if (errno != EINTR) return {errno, std::generic_category()};
  }
}

bool ContentReader::next(std::size_t max, std::string_view& slice, std::string& error) {
  slice = {};
  if (head_pos_ < content_.head.size()) {
    slice = content_.head.substr(head_pos_, max);
    head_pos_ += slice.size();
    return true;
  }
  if (content_.source != nullptr) return next_made(max, slice, error);
  if (content_.tail == nullptr) return true;
  if (buffer_pos_ == buffer_.size() && !refill(error)) return false;
  const std::size_t n = std::min(max, buffer_.size() - buffer_pos_);
  // The size was announced (SIZE, BDAT) from the file as it was at load time: never send more
  // than that, and never end short of it.
  if (produced_ + n > content_.tail->wire_size() ||
      (n == 0 && produced_ != content_.tail->wire_size())) {
    error = content_.tail->source() + " changed while it was being sent";
    return false;
  }
  slice = std::string_view(buffer_).substr(buffer_pos_, n);
  buffer_pos_ += n;
  produced_ += n;
  return true;
}

// A cursor making more or fewer bytes than its source said would break the SIZE and BDAT
// counts already sent: that is an error, like a spooled tail changing size.
bool ContentReader::next_made(std::size_t max, std::string_view& slice, std::string& error) {
  const ContentSource& source = *content_.source;
  if (!cursor_) cursor_ = source.open();
  if (buffer_pos_ == buffer_.size()) {
    buffer_pos_ = 0;
    if (!cursor_->next(buffer_, error)) return false;
  }
  const std::size_t n = std::min(max, buffer_.size() - buffer_pos_);
  if (produced_ + n > source.size() || (n == 0 && produced_ != source.size())) {
    error = "the message's size changed while it was being sent";
    return false;
  }
  slice = std::string_view(buffer_).substr(buffer_pos_, n);
  buffer_pos_ += n;
  produced_ += n;
  return true;
}

// A tail whose canonical size is its raw size has no bare CR or LF and ends with a line break:
// its bytes are already what goes on the wire, and are handed out without canonicalising.
bool ContentReader::refill(std::string& error) {
  const SpooledBody& tail = *content_.tail;
  const bool canonical = tail.wire_size() == tail.raw_size();
  buffer_pos_ = 0;
  buffer_.clear();
  while (buffer_.empty() && !raw_done_) {
    std::string& into = canonical ? buffer_ : raw_;
    into.resize(kRawSlice);
    std::size_t got = 0;
    if (const std::error_code ec = tail.read_raw(raw_pos_, into, got)) {
      error = "cannot read " + tail.source() + " while sending it: " + ec.message();
      return false;
    }
    into.resize(got);
    if (got == 0 && raw_pos_ < tail.raw_size()) {
      error = tail.source() + " changed while it was being sent";
      return false;
    }
    raw_pos_ += got;
    raw_done_ = raw_pos_ >= tail.raw_size();
    if (canonical) {
      // Canonical when loaded is no promise about now: a bare CR or LF must never go out.
      checked_.add(buffer_);
      if (!checked_.canonical_so_far(raw_pos_) ||
          (raw_done_ && checked_.finish() != tail.raw_size())) {
        error = tail.source() + " changed while it was being sent";
        return false;
      }
      continue;
    }
    canonicalizer_.feed(raw_, buffer_);
    if (raw_done_) canonicalizer_.finish(buffer_);
  }
  return true;
}

bool ContentSlices::next(const ContentView& content, std::uint64_t offset, std::size_t max,
                         std::string_view& slice, std::string& error) {
  slice = {};
  if (offset == 0) {
    content_ = content;
    offset_ = 0;
    reader_ = ContentReader(content);
  } else if (!(content == content_) || offset != offset_) {
    error = "message data was asked for out of order (at byte " + std::to_string(offset) +
            ", after " + std::to_string(offset_) + ")";
    return false;
  }
  if (!reader_.next(max, slice, error)) return false;
  offset_ += slice.size();
  return true;
}

}  // namespace smtpsend::message
