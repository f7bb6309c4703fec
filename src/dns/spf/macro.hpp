// dns/spf: macro strings (RFC 7208 §7): parsed once with the record, so that a syntax error
// anywhere is a permerror before anything is evaluated (§4.6), and expanded per evaluation with
// the values of one check_host() call. Private to dns/spf.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smtpsend::dns::spf {

// "%{" macro-letter transformers *delimiter "}" (§7.1).
struct MacroExpand {
  char letter = 'd';        // lowercase
  bool url_escape = false;  // the letter was uppercase (§7.3)
  unsigned keep = 0;        // the DIGIT transformer: rightmost parts to keep; 0 = all
  bool reverse = false;     // the "r" transformer
  std::string delimiters;   // empty = "."
};

struct MacroToken {
  enum class Kind { literal, escape, expand } kind = Kind::literal;
  std::string text;  // literal text, or what "%%", "%_", "%-" stand for
  MacroExpand expand;
};

using MacroString = std::vector<MacroToken>;

// Where a macro string stands decides what it may contain (§7.1, §7.2, §12).
enum class MacroContext {
  domain_spec,       // a mechanism's or redirect/exp's target: no c, r, t; must end in domain-end
  unknown_modifier,  // macro-string: any letter
  explanation,       // explain-string (§6.2): spaces too, any letter
};

struct MacroParse {
  std::optional<MacroString> value;
  std::string error;  // why not, when value is empty
};
MacroParse parse_macro_string(std::string_view text, MacroContext context);

// The value of one macro letter (s l o d i p h c r t v) for the evaluation at hand; asked only
// for the letters the string uses, so %{p}'s DNS lookups happen only when it is used.
using MacroValue = std::function<std::string(char letter)>;

// The expansion, or nothing when it would exceed `limit` octets (the caller bounds its input).
std::optional<std::string> expand_macro_string(const MacroString& macro, const MacroValue& value,
                                               std::size_t limit);

// One MacroExpand applied to a value (§7.3): split on the delimiters, reverse, keep the rightmost
// parts, join with ".", URL-escape if asked.
std::string transform_macro_value(const MacroExpand& expand, std::string_view value);

}  // namespace smtpsend::dns::spf
