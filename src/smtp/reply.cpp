#include "smtpsend/smtp/reply.hpp"

#include <cstring>

#include "smtpsend/core/errors.hpp"

namespace smtpsend::smtp {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// RFC 3463 §2: class "." subject "." detail, subject and detail of 1 to 3 digits.
// Returns the length of the code at the start of `text`, or 0 when there is none.
std::size_t enhanced_code_length(std::string_view text) {
  std::size_t i = 0;
  if (text.size() < 5 || (text[0] != '2' && text[0] != '4' && text[0] != '5') || text[1] != '.')
    return 0;
  i = 2;
  for (int part = 0; part < 2; ++part) {
    const std::size_t start = i;
    while (i < text.size() && is_digit(text[i]) && i - start < 4) ++i;
    if (i == start || i - start > 3) return 0;
    if (part == 0) {
      if (i >= text.size() || text[i] != '.') return 0;
      ++i;
    }
  }
  if (i < text.size() && text[i] != ' ') return 0;
  return i;
}

}  // namespace

std::string Reply::text() const {
  std::string out;
  for (const std::string& line : lines) {
    std::string_view view = line;
    if (!enhanced.empty() && view.substr(0, enhanced.size()) == enhanced &&
        (view.size() == enhanced.size() || view[enhanced.size()] == ' ')) {
      view.remove_prefix(std::min(view.size(), enhanced.size() + 1));
    }
    if (!out.empty()) out += ' ';
    out += view;
  }
  return out;
}

ServerReply Reply::to_server_reply() const {
  return ServerReply{code, enhanced, text()};
}

std::ostream& operator<<(std::ostream& os, const Reply& reply) {
  os << "Reply{" << reply.code;
  if (!reply.enhanced.empty()) os << ' ' << reply.enhanced;
  for (const std::string& line : reply.lines) os << " |" << line;
  return os << '}';
}

ReplyParser::Result ReplyParser::feed(std::string_view bytes) {
  if (error_) return {Status::error, 0};
  if (ready_) return {Status::reply_ready, 0};
  std::size_t consumed = 0;
  while (consumed < bytes.size()) {
    const char* begin = bytes.data() + consumed;
    const std::size_t left = bytes.size() - consumed;
    const void* newline = std::memchr(begin, '\n', left);
    const std::size_t take =
        newline ? static_cast<std::size_t>(static_cast<const char*>(newline) - begin) + 1 : left;
    // A CR may precede the LF: the stored line may hold one byte more than the limit.
    if (line_.size() + take > kMaxReplyLineLength + 2) {
      return fail(Errc::reply_line_too_long, consumed + take);
    }
    line_.append(begin, take);
    consumed += take;
    if (!newline) break;
    if (!finish_line()) return {Status::error, consumed};
    if (ready_) return {Status::reply_ready, consumed};
  }
  return {Status::need_more, consumed};
}

// RFC 5321 §4.2: "Reply-line = *( Reply-code "-" [ textstring ] CRLF )
//                 Reply-code [ SP textstring ] CRLF". Bare LF is accepted, as Postfix does.
bool ReplyParser::finish_line() {
  std::string_view line = line_;
  line.remove_suffix(1);  // LF
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() > kMaxReplyLineLength) {
    fail(Errc::reply_line_too_long, 0);
    return false;
  }
  if (line.size() < 3 || line[0] < '2' || line[0] > '5' || !is_digit(line[1]) ||
      !is_digit(line[2]) || (line.size() > 3 && line[3] != ' ' && line[3] != '-')) {
    fail(Errc::reply_malformed, 0);
    return false;
  }
  const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (current_.lines.empty()) {
    current_.code = code;
  } else if (code != current_.code) {
    fail(Errc::reply_code_mismatch, 0);
    return false;
  }
  if (current_.lines.size() == kMaxReplyLines) {
    fail(Errc::reply_too_many_lines, 0);
    return false;
  }
  const bool last = line.size() == 3 || line[3] == ' ';
  const std::string_view text = line.size() > 4 ? line.substr(4) : std::string_view{};
  if (current_.lines.empty()) {
    // DESIGN.md rule 10: an enhanced code is trusted only when its class matches the reply.
    const std::size_t len = enhanced_code_length(text);
    if (len > 0 && text[0] == line[0]) current_.enhanced.assign(text.substr(0, len));
  }
  current_.lines.emplace_back(text);
  line_.clear();
  ready_ = last;
  return true;
}

Reply ReplyParser::take() {
  Reply reply = std::move(current_);
  current_ = Reply{};
  ready_ = false;
  return reply;
}

void ReplyParser::reset() {
  line_.clear();
  current_ = Reply{};
  ready_ = false;
  error_.clear();
}

ReplyParser::Result ReplyParser::fail(std::error_code ec, std::size_t consumed) {
  error_ = ec;
  line_.clear();
  line_.shrink_to_fit();
  return {Status::error, consumed};
}

}  // namespace smtpsend::smtp
