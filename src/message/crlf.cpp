// Canonical line endings (RFC 5321 §2.3.8): only CRLF may end a line on the wire. Bare CR and
// bare LF are rewritten rather than passed on, so "\n.\n" or "\r\n.\r" cannot be read as end of
// data by a server that is lenient about line endings (SMTP smuggling).
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "smtpsend/message/content.hpp"
#include "smtpsend/message/message.hpp"

namespace smtpsend::message {

void CrlfCanonicalizer::feed(std::string_view in, std::string& out) {
  if (in.empty()) return;
  const char* p = in.data();
  const char* const end = p + in.size();
  if (pending_cr_) {
    out.append("\r\n", 2);
    pending_cr_ = false;
    wrote_any_ = ends_with_lf_ = true;
    if (*p == '\n') ++p;
  }
  // The next LF is remembered across iterations so that a run of bare CRs stays linear.
  const char* next_lf = nullptr;
  while (p < end) {
    if (next_lf == nullptr || next_lf < p) {
      next_lf = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
      if (next_lf == nullptr) next_lf = end;
    }
    const char* cr =
        static_cast<const char*>(std::memchr(p, '\r', static_cast<std::size_t>(next_lf - p)));
    const char* brk = cr != nullptr ? cr : next_lf;
    if (brk > p) {
      out.append(p, static_cast<std::size_t>(brk - p));
      wrote_any_ = true;
      ends_with_lf_ = false;
    }
    if (brk == end) break;
    if (*brk == '\r' && brk + 1 == end) {
      pending_cr_ = true;  // the LF that makes it a CRLF may start the next piece
      break;
    }
    out.append("\r\n", 2);
    wrote_any_ = ends_with_lf_ = true;
    p = brk + 1;
    if (*brk == '\r' && *p == '\n') ++p;
  }
}

void CrlfCanonicalizer::finish(std::string& out) {
  if (pending_cr_ || (wrote_any_ && !ends_with_lf_)) {
    out.append("\r\n", 2);
    wrote_any_ = ends_with_lf_ = true;
  }
  pending_cr_ = false;
}

// A CRLF stays two bytes; a bare CR or a bare LF becomes two: size + CRs + LFs - 2 * CRLFs.
void CanonicalSize::add(std::string_view in) noexcept {
  if (in.empty()) return;
  const char* const begin = in.data();
  const char* const end = begin + in.size();
  std::uint64_t line_feeds = 0;
  std::uint64_t crlf = 0;
  for (const char* lf = begin;
       (lf = static_cast<const char*>(std::memchr(lf, '\n', static_cast<std::size_t>(end - lf)))) !=
       nullptr;
       ++lf) {
    ++line_feeds;
    if ((lf == begin ? last_ : lf[-1]) == '\r') ++crlf;
  }
  std::uint64_t carriage_returns = 0;
  for (const char* cr = begin;
       (cr = static_cast<const char*>(std::memchr(cr, '\r', static_cast<std::size_t>(end - cr)))) !=
       nullptr;
       ++cr) {
    ++carriage_returns;
  }
  // A CR ending the previous piece was counted there as bare; its LF is here.
  size_ += in.size() + line_feeds + carriage_returns - 2 * crlf;
  last_ = end[-1];
}

std::uint64_t CanonicalSize::finish() const noexcept {
  return size_ + (last_ == '\n' || last_ == '\r' ? 0 : 2);
}

std::string canonicalize_crlf(std::string_view raw) {
  std::string out;
  // Most input is already CRLF or is LF-only with lines far longer than 8 bytes.
  out.reserve(raw.size() + raw.size() / 8 + 2);
  CrlfCanonicalizer canonicalizer;
  canonicalizer.feed(raw, out);
  canonicalizer.finish(out);
  return out;
}

bool is_canonical_crlf(std::string_view bytes) noexcept {
  if (bytes.empty() || !bytes.ends_with("\r\n")) return false;
  const char* p = bytes.data();
  const char* const end = p + bytes.size();
  // Every LF must follow a CR, and then every CR is followed by an LF exactly when the counts
  // of CR and of CRLF agree; both scans are memchr-fast.
  std::size_t line_feeds = 0;
  for (const char* lf = p;
       (lf = static_cast<const char*>(std::memchr(lf, '\n', static_cast<std::size_t>(end - lf)))) !=
       nullptr;
       ++lf) {
    if (lf == p || lf[-1] != '\r') return false;
    ++line_feeds;
  }
  std::size_t carriage_returns = 0;
  for (const char* cr = p;
       (cr = static_cast<const char*>(std::memchr(cr, '\r', static_cast<std::size_t>(end - cr)))) !=
       nullptr;
       ++cr) {
    ++carriage_returns;
  }
  return carriage_returns == line_feeds;
}

bool has_eight_bit(std::string_view bytes) noexcept {
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  // Eight bytes at a time: messages are large and almost always pure ASCII.
  while (left >= 64) {
    std::uint64_t acc = 0;
    for (int i = 0; i < 8; ++i) {
      std::uint64_t word;
      std::memcpy(&word, p + i * 8, sizeof word);
      acc |= word;
    }
    if ((acc & kHighBits) != 0) return true;
    p += 64;
    left -= 64;
  }
  for (; left > 0; ++p, --left) {
    if (static_cast<unsigned char>(*p) >= 0x80) return true;
  }
  return false;
}

bool has_overlong_line(std::string_view canonical) noexcept {
  for (std::size_t start = 0; start < canonical.size();) {
    const std::size_t end = std::min(canonical.find("\r\n", start), canonical.size());
    if (end - start > kMaxLineOctets) return true;
    start = end + 2;
  }
  return false;
}

}  // namespace smtpsend::message
