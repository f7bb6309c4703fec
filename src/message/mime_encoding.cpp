// Content-transfer-encodings and header encodings for the composer.
#include "smtpsend/message/mime_encoding.hpp"

#include <openssl/evp.h>

#include <algorithm>

#include "smtpsend/message/message.hpp"

namespace smtpsend::message {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";
constexpr std::size_t kBase64LineInput = 57;  // 57 octets -> 76 characters (RFC 2045 §6.8)
constexpr std::size_t kQpLineLimit = 76;      // RFC 2045 §6.7 rule 5, "=" included
// UTF-8 octets per encoded-word: 36 octets are 48 base64 characters, and with "=?UTF-8?B?"
// and "?=" the word is 60, so a line holding one stays within RFC 2047 §2's 76 characters
// after a field name of up to 14 characters ("Subject: ", "From: "), and a continuation line
// holding one (" =?UTF-8?B?...?=") always does.
constexpr std::size_t kWordInput = 36;

void append_hex(std::string& out, unsigned char u) {
  out += '=';
  out += kHex[u >> 4];
  out += kHex[u & 0xF];
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

bool is_atext(char c) {
  const auto u = static_cast<unsigned char>(c);
  if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool is_printable_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
}

// How many octets of `text` fit in one encoded-word without splitting a UTF-8 sequence
// (RFC 2047 §5: each encoded-word must hold whole characters).
std::size_t word_chunk(std::string_view text) {
  std::size_t n = std::min(text.size(), kWordInput);
  while (n < text.size() && n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return n == 0 ? std::min(text.size(), kWordInput) : n;
}

// RFC 5987 §3.2.1 attr-char: what RFC 2231 values may carry without percent-encoding.
bool is_attr_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9')) return true;
  return std::string_view("!#$&+-.^_`|~").find(c) != std::string_view::npos;
}

std::string quoted_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string base64_lines(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() / kBase64LineInput * 78 + 80);
  for (std::size_t at = 0; at < bytes.size(); at += kBase64LineInput) {
    out += base64(bytes.substr(at, kBase64LineInput));
    out += "\r\n";
  }
  return out;
}

std::string quoted_printable(std::string_view text) {
  const std::string canonical = canonicalize_crlf(text);
  std::string out;
  std::size_t start = 0;
  while (start < canonical.size()) {
    const std::size_t end = canonical.find("\r\n", start);
    const std::string_view line(canonical.data() + start, end - start);
    std::size_t column = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const auto u = static_cast<unsigned char>(line[i]);
      const bool last = i + 1 == line.size();
      std::string piece;
      // Rule 2 and 3: literal printable ASCII but "="; white space only where it is not at the
      // end of a line (a transport may strip trailing blanks).
      if ((u >= 33 && u <= 126 && u != '=') || ((u == ' ' || u == '\t') && !last)) {
        piece = static_cast<char>(u);
      } else {
        append_hex(piece, u);
      }
      if (column + piece.size() > kQpLineLimit - 1) {
        out += "=\r\n";  // rule 5: soft line break
        column = 0;
      }
      out += piece;
      column += piece.size();
    }
    out += "\r\n";
    start = end + 2;
  }
  return out;
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t n = c < 0x80         ? 1
                          : (c >> 5) == 6  ? 2
                          : (c >> 4) == 14 ? 3
                          : (c >> 3) == 30 ? 4
                                           : 0;
    if (n == 0 || i + n > text.size() || (n == 2 && c < 0xC2) || (n == 4 && c > 0xF4)) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    const auto c1 = n > 1 ? static_cast<unsigned char>(text[i + 1]) : 0;
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90) ||
        (c == 0xF4 && c1 > 0x8F)) {
      return false;
    }
    i += n;
  }
  return true;
}

bool needs_transfer_encoding(std::string_view text) {
  if (has_eight_bit(text) || text.find('\0') != std::string_view::npos) return true;
  std::size_t line = 0;
  for (char c : text) {
    line = (c == '\n' || c == '\r') ? 0 : line + 1;
    if (line > kMaxHeaderLine) return true;
  }
  return false;
}

std::string encoded_words(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    const std::size_t n = word_chunk(text);
    if (!out.empty()) out += ' ';
    out += "=?UTF-8?B?" + base64(text.substr(0, n)) + "?=";
    text.remove_prefix(n);
  }
  return out;
}

std::string header_text(std::string_view text) {
  // A literal "=?" is encoded too, so no reader mistakes it for the start of an encoded-word.
  if (is_printable_ascii(text) && text.find("=?") == std::string_view::npos) {
    return std::string(text);
  }
  return encoded_words(text);
}

std::string phrase_text(std::string_view display_name) {
  if (!is_printable_ascii(display_name) || display_name.find("=?") != std::string_view::npos) {
    return encoded_words(display_name);
  }
  const bool atoms = std::all_of(display_name.begin(), display_name.end(),
                                 [](char c) { return is_atext(c) || c == ' '; });
  if (atoms && !display_name.empty() && display_name.front() != ' ' && display_name.back() != ' ' &&
      display_name.find("  ") == std::string_view::npos) {
    return std::string(display_name);
  }
  return quoted_string(display_name);
}

std::string mailbox_text(std::string_view display_name, std::string_view address) {
  if (display_name.empty()) return std::string(address);
  return phrase_text(display_name) + " <" + std::string(address) + ">";
}

std::string mime_parameter(std::string_view name, std::string_view value) {
  if (is_printable_ascii(value)) return std::string(name) + "=" + quoted_string(value);
  std::string out = std::string(name) + "*=UTF-8''";
  for (char c : value) {
    if (is_attr_char(c)) {
      out += c;
    } else {
      const auto u = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    }
  }
  return out;
}

}  // namespace smtpsend::message
