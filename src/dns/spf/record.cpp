// dns/spf: record selection (RFC 7208 §4.5) and the record grammar (§4.6.1, §5, §6, §12).
#include "record.hpp"

#include <array>
#include <utility>

#include "ascii.hpp"
#include "domain_name.hpp"

namespace smtpsend::dns::spf {
namespace {

using ascii::is_alnum;
using ascii::is_alpha;
using ascii::is_digit;

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ascii::to_lower(c);
  return out;
}

constexpr std::array<std::pair<std::string_view, MechanismKind>, 8> mechanisms{{
    {"all", MechanismKind::all},
    {"include", MechanismKind::include},
    {"a", MechanismKind::a},
    {"mx", MechanismKind::mx},
    {"ptr", MechanismKind::ptr},
    {"ip4", MechanismKind::ip4},
    {"ip6", MechanismKind::ip6},
    {"exists", MechanismKind::exists},
}};

// A CIDR length at the end of `text` after `slashes` ("/" or "//"): "0" or up to `digits` digits
// without a leading zero (§12). Strips it and returns its value.
std::optional<unsigned> strip_cidr(std::string_view& text, std::string_view slashes,
                                   std::size_t digits) {
  std::size_t slash = text.rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view number = text.substr(slash + 1);
  if (number.empty() || number.size() > digits || (number.size() > 1 && number[0] == '0'))
    return std::nullopt;
  unsigned value = 0;
  for (char c : number) {
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  std::size_t start = slash + 1 - slashes.size();
  if (slash + 1 < slashes.size() || text.substr(start, slashes.size()) != slashes)
    return std::nullopt;
  // "a//64" must not be read as an ip4-cidr-length "/64" after an empty ip6 one.
  if (slashes.size() == 1 && start > 0 && text[start - 1] == '/') return std::nullopt;
  text = text.substr(0, start);
  return value;
}

class TermParser {
 public:
  explicit TermParser(Record& record) : record_(record) {}

  // One term (§4.6.1): a modifier when a name is followed by "=" before any ":" or "/".
  bool parse(std::string_view term) {
    std::size_t name_end = 0;
    if (is_alpha(term[0])) {
      name_end = 1;
      while (name_end < term.size() && (is_alnum(term[name_end]) || term[name_end] == '-' ||
                                        term[name_end] == '_' || term[name_end] == '.'))
        ++name_end;
    }
    if (name_end > 0 && name_end < term.size() && term[name_end] == '=')
      return parse_modifier(lower(term.substr(0, name_end)), term.substr(name_end + 1));
    return parse_directive(term);
  }

  std::string error;

 private:
  bool fail(std::string message) {
    error = std::move(message);
    return false;
  }

  std::optional<MacroString> domain_spec(std::string_view text, std::string_view term) {
    if (text.empty()) {
      fail("empty domain in '" + std::string(term) + "'");
      return std::nullopt;
    }
    MacroParse parse = parse_macro_string(text, MacroContext::domain_spec);
    if (!parse.value) {
      fail(parse.error + " in '" + std::string(term) + "'");
      return std::nullopt;
    }
    if (!has_domain_end(*parse.value)) {
      fail("'" + std::string(text) + "' does not end in a top-level domain or a macro (RFC 7208 §7.1)");
      return std::nullopt;
    }
    return parse.value;
  }

  bool parse_modifier(const std::string& name, std::string_view value) {
    std::string term = name + "=" + std::string(value);
    if (name == "redirect" || name == "exp") {
      // §6: each at most once.
      auto& slot = name == "redirect" ? record_.redirect : record_.explanation;
      if (slot) return fail(name + "= appears more than once");
      slot = domain_spec(value, term);
      return slot.has_value();
    }
    // §6: unknown modifiers are ignored, but their macro strings must be well formed (§12).
    MacroParse parse = parse_macro_string(value, MacroContext::unknown_modifier);
    if (!parse.value) return fail(parse.error + " in '" + term + "'");
    return true;
  }

  bool parse_directive(std::string_view term) {
    Directive directive;
    directive.text = std::string(term);
    std::string_view rest = term;
    switch (rest[0]) {
      case '+': directive.qualifier = Result::pass; rest.remove_prefix(1); break;
      case '-': directive.qualifier = Result::fail; rest.remove_prefix(1); break;
      case '~': directive.qualifier = Result::softfail; rest.remove_prefix(1); break;
      case '?': directive.qualifier = Result::neutral; rest.remove_prefix(1); break;
      default: break;
    }
    std::size_t name_end = rest.find_first_of(":/");
    std::string name = lower(rest.substr(0, name_end));
    rest = name_end == std::string_view::npos ? std::string_view{} : rest.substr(name_end);
    bool known = false;
    for (const auto& [spelling, kind] : mechanisms) {
      if (name == spelling) directive.kind = kind, known = true;
    }
    if (!known) return fail("unknown mechanism '" + std::string(term) + "'");
    if (!parse_arguments(directive, rest)) return false;
    record_.directives.push_back(std::move(directive));
    return true;
  }

  bool parse_arguments(Directive& directive, std::string_view rest) {
    const std::string& term = directive.text;
    switch (directive.kind) {
      case MechanismKind::all:
        return rest.empty() || fail("'all' takes no argument: '" + term + "'");
      case MechanismKind::include:
      case MechanismKind::exists:
        if (rest.empty() || rest[0] != ':') return fail("'" + term + "' needs ':' and a domain");
        directive.domain = domain_spec(rest.substr(1), term);
        return directive.domain.has_value();
      case MechanismKind::ptr:
        if (rest.empty()) return true;
        if (rest[0] != ':') return fail("'ptr' takes no CIDR length: '" + term + "'");
        directive.domain = domain_spec(rest.substr(1), term);
        return directive.domain.has_value();
      case MechanismKind::a:
      case MechanismKind::mx: return parse_dual_cidr_target(directive, rest);
      case MechanismKind::ip4:
      case MechanismKind::ip6: return parse_network(directive, rest);
    }
    return false;
  }

  // a/mx [ ":" domain-spec ] [ dual-cidr-length ]
  bool parse_dual_cidr_target(Directive& directive, std::string_view rest) {
    const std::string& term = directive.text;
    if (auto cidr6 = strip_cidr(rest, "//", 3)) directive.cidr6 = *cidr6;
    if (auto cidr4 = strip_cidr(rest, "/", 2)) directive.cidr4 = *cidr4;
    if (directive.cidr4 > 32) return fail("IPv4 CIDR length over 32 in '" + term + "'");
    if (directive.cidr6 > 128) return fail("IPv6 CIDR length over 128 in '" + term + "'");
    if (rest.empty()) return true;
    if (rest[0] != ':') return fail("malformed mechanism '" + term + "'");
    directive.domain = domain_spec(rest.substr(1), term);
    return directive.domain.has_value();
  }

  // ip4 ":" ip4-network [ ip4-cidr-length ] / ip6 ":" ip6-network [ ip6-cidr-length ]
  bool parse_network(Directive& directive, std::string_view rest) {
    const std::string& term = directive.text;
    bool v6 = directive.kind == MechanismKind::ip6;
    if (rest.empty() || rest[0] != ':') return fail("'" + term + "' needs ':' and a network");
    rest.remove_prefix(1);
    auto cidr = strip_cidr(rest, "/", v6 ? 3 : 2);
    auto network = v6 ? parse_ip6_network(rest) : parse_ip4_network(rest);
    if (!network) return fail(std::string("invalid ") + (v6 ? "IPv6" : "IPv4") + " network in '" + term + "'");
    directive.network = *network;
    if (v6) {
      directive.cidr6 = cidr.value_or(128);
      if (directive.cidr6 > 128) return fail("IPv6 CIDR length over 128 in '" + term + "'");
    } else {
      directive.cidr4 = cidr.value_or(32);
      if (directive.cidr4 > 32) return fail("IPv4 CIDR length over 32 in '" + term + "'");
    }
    return true;
  }

  Record& record_;
};

}  // namespace

std::string_view mechanism_name(MechanismKind kind) noexcept {
  for (const auto& [spelling, k] : mechanisms) {
    if (k == kind) return spelling;
  }
  return "all";
}

bool is_spf_record(std::string_view txt) {
  constexpr std::string_view version = "v=spf1";
  if (txt.size() < version.size() || lower(txt.substr(0, version.size())) != version) return false;
  return txt.size() == version.size() || txt[version.size()] == ' ';
}

bool has_domain_end(const MacroString& domain_spec) {
  if (domain_spec.empty()) return false;
  const MacroToken& last = domain_spec.back();
  if (last.kind != MacroToken::Kind::literal) return true;
  std::string_view text = last.text;
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  std::size_t dot = text.rfind('.');
  return dot != std::string_view::npos && is_toplabel(text.substr(dot + 1));
}

RecordParse parse_record(std::string_view text) {
  RecordParse parse;
  if (text.size() > max_record_length) {
    parse.error = "the record is longer than " + std::to_string(max_record_length) + " octets";
    return parse;
  }
  if (!is_spf_record(text)) {
    parse.error = "not an SPF record";
    return parse;
  }
  Record record;
  TermParser terms(record);
  std::string_view rest = text.substr(6);
  // §12: terms = *( 1*SP ( directive / modifier ) ), then *SP: only SP separates terms.
  while (!rest.empty()) {
    std::size_t space = rest.find(' ');
    std::string_view term = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
    if (term.empty()) continue;
    if (!terms.parse(term)) {
      parse.error = terms.error;
      return parse;
    }
  }
  parse.record = std::move(record);
  return parse;
}

}  // namespace smtpsend::dns::spf
