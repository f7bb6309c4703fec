// Internal to message/: the one tokenizer of RFC 5322 §3.4 address lists, for the strict
// parser (address_list.cpp: lists smtpsend acts on, errors reported) and the lenient reader
// (mailbox_list.cpp: the sender of a header someone else wrote, nothing reported).
//
// Tokens: atoms (§3.2.3), quoted strings (§3.2.4) and domain literals (§3.4.1) as written, with
// their delimiters and quoted-pairs, and the specials that structure a list. CFWS (§3.2.2: white
// space and nested comments) is dropped.
// Strict: atoms are atext (RFC 6532 §3.2 adds every byte >= 0x80); a control byte other than
//   TAB anywhere, an unterminated comment, quoted string or literal, or any other character
//   fails with one sentence.
// Lenient: never fails. CR and LF are white space; an unterminated run ends at the end of the
//   input; ')' and ']' are specials; every other byte, control bytes included, is part of an
//   atom (the reader drops an address holding one).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace smtpsend::message::detail {

enum class TokenKind { atom, quoted, literal, special };

struct AddressToken {
  TokenKind kind;
  std::string_view text;  // a view of the field body
  bool is(char c) const { return kind == TokenKind::special && text.size() == 1 && text[0] == c; }
  bool is_word() const { return kind == TokenKind::atom || kind == TokenKind::quoted; }
  friend bool operator==(const AddressToken&, const AddressToken&) = default;
};

enum class Leniency { strict, lenient };

// `field_body`: an unfolded field body (the text after "To:"). Appends its tokens to `out`.
// Strict: false and `why` on the first error (`out` then holds the tokens before it).
// Lenient: always true.
bool address_tokens(std::string_view field_body, Leniency leniency,
                    std::vector<AddressToken>& out, std::string& why);

}  // namespace smtpsend::message::detail
