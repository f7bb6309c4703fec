// RFC 5322 §3.4 address-list tokens, strict or lenient (address_tokens.hpp).
#include "address_tokens.hpp"

namespace smtpsend::message::detail {
namespace {

// §3.2.3 atext; RFC 6532 §3.2 adds UTF-8 (every byte >= 0x80; address.cpp checks the encoding
// of what goes into the envelope).
bool is_atext(char c) {
  const auto u = static_cast<unsigned char>(c);
  if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u >= 0x80) {
    return true;
  }
  for (const char* p = "!#$%&'*+-/=?^_`{|}~"; *p != '\0'; ++p) {
    if (c == *p) return true;
  }
  return false;
}

bool is_control(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\t') || u == 0x7f;
}

// Index just past the `close` ending the run opened at `at`; quoted-pairs (§3.2.1) skipped,
// comments nest (§3.2.2). npos when the run is not closed.
std::size_t delimited_end(std::string_view s, std::size_t at, char close, bool nests) {
  int depth = 0;
  for (std::size_t i = at; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (i == at || (nests && s[i] == s[at])) {
      ++depth;
    } else if (s[i] == close && --depth == 0) {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

class Tokenizer {
 public:
  Tokenizer(std::string_view s, Leniency leniency)
      : s_(s), strict_(leniency == Leniency::strict) {}

  bool run(std::vector<AddressToken>& out, std::string& why) {
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (is_space(c)) {
        ++i_;
      } else if (strict_ && is_control(c)) {
        return fail("control character in the address list", why);
      } else if (c == '(') {
        if (!skip_run(')', true, "unterminated comment", why)) return false;
      } else if (c == '"' || c == '[') {
        const std::size_t start = i_;
        if (!skip_run(c == '"' ? '"' : ']', false,
                      c == '"' ? "unterminated quoted string" : "unterminated domain literal",
                      why)) {
          return false;
        }
        out.push_back({c == '"' ? TokenKind::quoted : TokenKind::literal,
                       s_.substr(start, i_ - start)});
      } else if (is_special(c)) {
        out.push_back({TokenKind::special, s_.substr(i_++, 1)});
      } else if (is_atom_byte(c)) {
        const std::size_t start = i_;
        while (i_ < s_.size() && is_atom_byte(s_[i_])) ++i_;
        out.push_back({TokenKind::atom, s_.substr(start, i_ - start)});
      } else {
        return fail(std::string("unexpected '") + c + "'", why);
      }
    }
    return true;
  }

 private:
  // The lenient reader takes a header as it may arrive, with its line breaks.
  bool is_space(char c) const {
    return c == ' ' || c == '\t' || (!strict_ && (c == '\r' || c == '\n'));
  }

  // A stray ')' or ']' ends the lenient reader's atom instead of failing the list.
  bool is_special(char c) const {
    return std::string_view("<>@,;:.").find(c) != std::string_view::npos ||
           (!strict_ && (c == ')' || c == ']'));
  }

  bool is_atom_byte(char c) const {
    if (strict_) return is_atext(c);
    return !is_space(c) && !is_special(c) && c != '(' && c != '"' && c != '[';
  }

  bool skip_run(char close, bool nests, const char* unterminated, std::string& why) {
    const std::size_t end = delimited_end(s_, i_, close, nests);
    if (!strict_) {
      i_ = end == std::string_view::npos ? s_.size() : end;
      return true;
    }
    if (end == std::string_view::npos) return fail(unterminated, why);
    for (std::size_t k = i_; k < end; ++k) {
      if (is_control(s_[k])) return fail("control character in the address list", why);
    }
    i_ = end;
    return true;
  }

  static bool fail(std::string sentence, std::string& why) {
    why = std::move(sentence);
    return false;
  }

  std::string_view s_;
  bool strict_;
  std::size_t i_ = 0;
};

}  // namespace

bool address_tokens(std::string_view field_body, Leniency leniency,
                    std::vector<AddressToken>& out, std::string& why) {
  return Tokenizer(field_body, leniency).run(out, why);
}

}  // namespace smtpsend::message::detail
