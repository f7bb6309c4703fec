#include "mailbox_list.hpp"

#include <span>

namespace smtpsend::message::detail {
namespace {

enum class TokenKind { atom, quoted, literal, special };

struct Token {
  TokenKind kind;
  std::string_view text;
  bool is(char c) const { return kind == TokenKind::special && text.size() == 1 && text[0] == c; }
};

bool is_wsp(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// RFC 5322 §3.2.3 specials, less the ones that open a longer token.
bool is_special(char c) {
  switch (c) {
    case '<':
    case '>':
    case '@':
    case ',':
    case ';':
    case ':':
    case '.':
    case ']':
    case ')':
      return true;
    default:
      return false;
  }
}

// Index just past the `close` that ends a bracketed run starting at `open_at`; quoted-pairs
// (§3.2.1) are skipped, comments nest (§3.2.2). An unterminated run ends at the end of input.
std::size_t skip_delimited(std::string_view s, std::size_t open_at, char open, char close,
                           bool nests) {
  int depth = 0;
  for (std::size_t i = open_at; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == open && (nests || i == open_at)) {
      ++depth;
    } else if (s[i] == close && --depth == 0) {
      return i + 1;
    }
  }
  return s.size();
}

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (is_wsp(c)) {
      ++i;
    } else if (c == '(') {
      i = skip_delimited(s, i, '(', ')', true);  // a comment is CFWS: dropped
    } else if (c == '"' || c == '[') {
      const std::size_t end = skip_delimited(s, i, c, c == '"' ? '"' : ']', false);
      tokens.push_back({c == '"' ? TokenKind::quoted : TokenKind::literal, s.substr(i, end - i)});
      i = end;
    } else if (is_special(c)) {
      tokens.push_back({TokenKind::special, s.substr(i, 1)});
      ++i;
    } else {
      std::size_t end = i;
      while (end < s.size() && !is_wsp(s[end]) && !is_special(s[end]) && s[end] != '(' &&
             s[end] != '"' && s[end] != '[') {
        ++end;
      }
      tokens.push_back({TokenKind::atom, s.substr(i, end - i)});
      i = end;
    }
  }
  return tokens;
}

bool is_word(const Token& t) {
  return t.kind == TokenKind::atom || t.kind == TokenKind::quoted;
}

// addr-spec = local-part ["@" domain], where local-part is words joined by "." (obs-local-part
// allows CFWS around the dots, which tokenizing already removed).
std::optional<std::string> addr_spec(std::span<const Token> tokens) {
  std::string out;
  std::size_t i = 0;
  for (;;) {
    if (i >= tokens.size() || !is_word(tokens[i])) return std::nullopt;
    out += tokens[i++].text;
    if (i < tokens.size() && tokens[i].is('.')) {
      out += '.';
      ++i;
      continue;
    }
    break;
  }
  if (i == tokens.size()) return out;
  if (!tokens[i].is('@')) return std::nullopt;
  out += '@';
  ++i;
  if (i < tokens.size() && tokens[i].kind == TokenKind::literal) {
    out += tokens[i++].text;
    return i == tokens.size() ? std::optional(out) : std::nullopt;
  }
  for (;;) {
    if (i >= tokens.size() || tokens[i].kind != TokenKind::atom) return std::nullopt;
    out += tokens[i++].text;
    if (i == tokens.size()) return out;
    if (!tokens[i].is('.')) return std::nullopt;
    out += '.';
    ++i;
  }
}

// Control bytes are no part of any address (RFC 5322 §3.2.3 atext, §3.2.4 qtext) and must not
// reach MAIL FROM, where they could corrupt the command line.
bool has_control(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return true;
  }
  return false;
}

// An obsolete route ("<@relay1,@relay2:user@host>", RFC 5322 §4.4) is ignored.
std::span<const Token> without_route(std::span<const Token> angle) {
  for (std::size_t i = angle.size(); i > 0; --i) {
    if (angle[i - 1].is(':')) return angle.subspan(i);
  }
  return angle;
}

class MailboxCollector {
 public:
  explicit MailboxCollector(std::size_t limit) : limit_(limit) {}

  void feed(const Token& t) {
    if (in_angle_) {
      if (t.is('>')) {
        in_angle_ = false;
      } else {
        angle_.push_back(t);
      }
    } else if (t.is('<')) {
      in_angle_ = true;
      has_angle_ = true;
      angle_.clear();
    } else if (t.is(',') || t.is(';')) {
      flush();
    } else if (t.is(':')) {
      plain_.clear();  // a group's display name (§3.4), not a mailbox
    } else if (!has_angle_) {
      plain_.push_back(t);
    }
  }

  void flush() {
    const auto spec = has_angle_ ? addr_spec(without_route(angle_)) : addr_spec(plain_);
    if (spec && !spec->empty() && !has_control(*spec) && found_.size() < limit_) {
      found_.push_back(*spec);
    }
    plain_.clear();
    angle_.clear();
    has_angle_ = false;
    in_angle_ = false;
  }

  bool full() const { return found_.size() >= limit_; }
  std::vector<std::string> take() { return std::move(found_); }

 private:
  std::size_t limit_;
  std::vector<Token> plain_;
  std::vector<Token> angle_;
  bool has_angle_ = false;
  bool in_angle_ = false;
  std::vector<std::string> found_;
};

std::vector<std::string> collect(std::string_view field_body, std::size_t limit) {
  MailboxCollector collector(limit);
  for (const Token& t : tokenize(field_body)) {
    collector.feed(t);
    if (collector.full()) break;
  }
  if (!collector.full()) collector.flush();
  return collector.take();
}

}  // namespace

std::vector<std::string> mailbox_addresses(std::string_view field_body) {
  return collect(field_body, static_cast<std::size_t>(-1));
}

std::optional<std::string> first_mailbox_address(std::string_view field_body) {
  auto found = collect(field_body, 1);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

}  // namespace smtpsend::message::detail
