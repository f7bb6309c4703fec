// dns/spf: macro strings, RFC 7208 §7.
#include "macro.hpp"

#include <algorithm>

#include "ascii.hpp"

namespace smtpsend::dns::spf {
namespace {

using ascii::is_alnum;
using ascii::is_digit;
using ascii::to_lower;

bool is_macro_letter(char lower) {
  return std::string_view("slodiphcrtv").find(lower) != std::string_view::npos;
}

bool is_delimiter(char c) { return std::string_view(".-+,/_=").find(c) != std::string_view::npos; }

// macro-literal = %x21-24 / %x26-7E; an explain-string also allows SP.
bool is_literal(char c, MacroContext context) {
  auto u = static_cast<unsigned char>(c);
  if (u == ' ') return context == MacroContext::explanation;
  return u >= 0x21 && u <= 0x7e && c != '%';
}

// "%{" letter *DIGIT ["r"] *delimiter "}": the text after "%{" up to and without "}".
std::optional<MacroExpand> parse_expand(std::string_view body, MacroContext context,
                                        std::string& error) {
  if (body.empty() || !is_macro_letter(to_lower(body[0]))) {
    error = "unknown macro letter in %{" + std::string(body) + "}";
    return std::nullopt;
  }
  MacroExpand expand;
  expand.letter = to_lower(body[0]);
  expand.url_escape = body[0] != expand.letter;
  // §7.2: c, r and t are for explanations only.
  if (context == MacroContext::domain_spec &&
      std::string_view("crt").find(expand.letter) != std::string_view::npos) {
    error = std::string("macro %{") + body[0] + "} is allowed in exp= text only";
    return std::nullopt;
  }
  std::size_t at = 1;
  bool has_digits = false;
  unsigned keep = 0;
  for (; at < body.size() && is_digit(body[at]); ++at) {
    has_digits = true;
    keep = std::min(keep * 10 + static_cast<unsigned>(body[at] - '0'), 1000u);
  }
  // §7.3: a DIGIT transformer, when present, is nonzero.
  if (has_digits && keep == 0) {
    error = "macro transformer 0 in %{" + std::string(body) + "}";
    return std::nullopt;
  }
  expand.keep = keep;
  if (at < body.size() && to_lower(body[at]) == 'r') expand.reverse = true, ++at;
  for (; at < body.size(); ++at) {
    if (!is_delimiter(body[at])) {
      error = "invalid macro delimiter in %{" + std::string(body) + "}";
      return std::nullopt;
    }
    expand.delimiters += body[at];
  }
  return expand;
}

void append_literal(MacroString& out, char c) {
  if (out.empty() || out.back().kind != MacroToken::Kind::literal)
    out.push_back(MacroToken{MacroToken::Kind::literal, {}, {}});
  out.back().text += c;
}

}  // namespace

MacroParse parse_macro_string(std::string_view text, MacroContext context) {
  MacroParse parse;
  MacroString out;
  for (std::size_t at = 0; at < text.size(); ++at) {
    char c = text[at];
    if (c != '%') {
      if (!is_literal(c, context)) {
        parse.error = "character not allowed in a macro string";
        return parse;
      }
      append_literal(out, c);
      continue;
    }
    // §7.1: "%" only as "%%", "%_", "%-" or "%{...}".
    char next = at + 1 < text.size() ? text[at + 1] : '\0';
    if (next == '%' || next == '_' || next == '-') {
      out.push_back(MacroToken{MacroToken::Kind::escape,
                               next == '%' ? "%" : next == '_' ? " " : "%20", {}});
      ++at;
      continue;
    }
    std::size_t close = next == '{' ? text.find('}', at + 2) : std::string_view::npos;
    if (close == std::string_view::npos) {
      parse.error = "a '%' not followed by '{', '%', '_' or '-'";
      return parse;
    }
    auto expand = parse_expand(text.substr(at + 2, close - at - 2), context, parse.error);
    if (!expand) return parse;
    out.push_back(MacroToken{MacroToken::Kind::expand, {}, *expand});
    at = close;
  }
  parse.value = std::move(out);
  return parse;
}

std::string transform_macro_value(const MacroExpand& expand, std::string_view value) {
  std::string_view delimiters = expand.delimiters;
  if (delimiters.empty()) delimiters = ".";
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t at = 0; at <= value.size(); ++at) {
    if (at == value.size() || delimiters.find(value[at]) != std::string_view::npos) {
      parts.push_back(value.substr(start, at - start));
      start = at + 1;
    }
  }
  if (expand.reverse) std::reverse(parts.begin(), parts.end());
  std::size_t first = expand.keep != 0 && expand.keep < parts.size() ? parts.size() - expand.keep : 0;
  std::string joined;
  for (std::size_t i = first; i < parts.size(); ++i) {
    if (i > first) joined += '.';
    joined += parts[i];
  }
  if (!expand.url_escape) return joined;
  // §7.3: uppercase letters are URL-escaped (RFC 3986 unreserved characters stay).
  std::string escaped;
  static constexpr char hex[] = "0123456789ABCDEF";
  for (char c : joined) {
    if (is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      escaped += c;
    } else {
      auto u = static_cast<unsigned char>(c);
      escaped += '%';
      escaped += hex[u >> 4];
      escaped += hex[u & 0xf];
    }
  }
  return escaped;
}

std::optional<std::string> expand_macro_string(const MacroString& macro, const MacroValue& value,
                                               std::size_t limit) {
  std::string out;
  for (const MacroToken& token : macro) {
    if (token.kind == MacroToken::Kind::expand)
      out += transform_macro_value(token.expand, value(token.expand.letter));
    else
      out += token.text;
    if (out.size() > limit) return std::nullopt;
  }
  return out;
}

}  // namespace smtpsend::dns::spf
