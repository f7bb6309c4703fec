// Folding header fields (RFC 5322 §2.2.3): a CRLF goes in front of existing white space and
// nowhere else, so the unfolded field is exactly what was meant; nothing is ever cut.
#include "smtpsend/message/header_fold.hpp"

#include <algorithm>

#include "smtpsend/message/message.hpp"
#include "smtpsend/message/mime_encoding.hpp"

namespace smtpsend::message {
namespace {

constexpr std::string_view kWsp = " \t";

// The next piece of a field body from `at`: its white space and the word after it. The last
// piece may be white space only (trailing blanks).
std::string_view next_piece(std::string_view body, std::size_t at) {
  const std::size_t word = std::min(body.find_first_not_of(kWsp, at), body.size());
  const std::size_t end = std::min(body.find_first_of(kWsp, word), body.size());
  return body.substr(at, end - at);
}

// Whether to fold before `piece`. Only when it would pass the width, and never before trailing
// white space (a continuation line of white space only unfolds into nothing, §3.2.2). Before
// the first piece the line holds only "Name:"; folding there is worth it only when the piece
// then fits, or to stay within 998 octets.
bool fold_before(std::string_view piece, std::size_t column, bool first) {
  if (column + piece.size() <= kFoldWidth) return false;
  if (piece.find_first_not_of(kWsp) == std::string_view::npos) return false;
  if (!first) return true;
  return piece.size() <= kFoldWidth || column + piece.size() > kMaxHeaderLine;
}

}  // namespace

std::optional<std::string> fold_field(std::string_view name, std::string_view value) {
  std::string out(name);
  out += ':';
  if (out.size() > kMaxHeaderLine) return std::nullopt;
  if (value.empty()) return out + "\r\n";
  // The space after the colon is the first break opportunity, as RFC 5322 §2.2.3 allows.
  const std::string body = " " + std::string(value);
  std::size_t column = out.size();
  for (std::size_t at = 0; at < body.size();) {
    const std::string_view piece = next_piece(body, at);
    if (fold_before(piece, column, at == 0)) {
      out += "\r\n";
      column = 0;
    }
    out += piece;
    column += piece.size();
    if (column > kMaxHeaderLine) return std::nullopt;
    at += piece.size();
  }
  return out + "\r\n";
}

std::size_t longest_word(std::string_view value) {
  std::size_t longest = 0;
  for (std::size_t at = 0; at < value.size();) {
    const std::size_t word = std::min(value.find_first_not_of(kWsp, at), value.size());
    const std::size_t end = std::min(value.find_first_of(kWsp, word), value.size());
    longest = std::max(longest, end - word);
    at = end;
  }
  return longest;
}

std::string text_field(std::string_view name, std::string_view text) {
  std::optional<std::string> field = fold_field(name, header_text(text));
  if (!field) field = fold_field(name, encoded_words(text));
  // Encoded-words are 60 characters each: with a name of smtpsend's own this cannot fail.
  return field.value_or(std::string(name) + ":\r\n");
}

std::string mailbox_field(std::string_view name, std::string_view display_name,
                          std::string_view address) {
  std::optional<std::string> field = fold_field(name, mailbox_text(display_name, address));
  if (!field) {
    field = fold_field(name, encoded_words(display_name) + " <" + std::string(address) + ">");
  }
  // An address of at most 254 octets after a name of smtpsend's own always fits.
  return field.value_or(std::string(name) + ": " + std::string(address) + "\r\n");
}

}  // namespace smtpsend::message
