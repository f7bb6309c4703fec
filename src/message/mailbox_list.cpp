#include "mailbox_list.hpp"

#include <span>

#include "address_tokens.hpp"

namespace smtpsend::message::detail {
namespace {

using Token = AddressToken;

std::vector<Token> tokenize(std::string_view field_body) {
  std::vector<Token> tokens;
  std::string never_set;  // the lenient tokenizer does not fail
  address_tokens(field_body, Leniency::lenient, tokens, never_set);
  return tokens;
}

// addr-spec = local-part ["@" domain], where local-part is words joined by "." (obs-local-part
// allows CFWS around the dots, which tokenizing already removed).
std::optional<std::string> addr_spec(std::span<const Token> tokens) {
  std::string out;
  std::size_t i = 0;
  for (;;) {
    if (i >= tokens.size() || !tokens[i].is_word()) return std::nullopt;
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

std::optional<std::string> first_mailbox_address(std::string_view field_body) {
  auto found = collect(field_body, 1);
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

}  // namespace smtpsend::message::detail
