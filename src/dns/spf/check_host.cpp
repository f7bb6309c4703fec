// dns/spf: check_host() (RFC 7208 §4): record lookup and selection, mechanism evaluation in order,
// include and redirect, the processing limits of §4.6.4, the %{p} name and the exp= explanation.
// Every DNS question goes through the Dns seam; nothing here blocks or knows about sockets.
#include "smtpsend/dns/spf.hpp"

#include <optional>
#include <utility>

#include "address.hpp"
#include "domain_name.hpp"
#include "macro.hpp"
#include "record.hpp"

namespace smtpsend::dns::spf {
namespace {

// §4.6.4: terms that query DNS (include, a, mx, ptr, exists, redirect) per check_host().
constexpr unsigned max_dns_terms = 10;
// §4.6.4: "SPF implementations SHOULD limit void lookups to two".
constexpr unsigned max_void_lookups = 2;
// §4.6.4: names of one MX answer (more is a permerror) and of one PTR answer (the rest ignored).
constexpr std::size_t max_mx_names = 10;
constexpr std::size_t max_ptr_names = 10;
// An expanded macro string longer than this is refused: a target name is cut to 253 octets
// anyway, and an explanation is one line of a reply.
constexpr std::size_t max_expansion = 4096;

// What one check_host() level produced.
struct Outcome {
  Result result = Result::neutral;
  std::string detail;
  // The exp= of the record whose mechanism decided a fail (§6.2), and that record's domain for
  // its %{d}; redirect passes the target's on, include does not (§6.2: "MUST NOT be used").
  std::optional<MacroString> explanation;
  std::string explanation_domain;
};

Outcome error_outcome(Result result, std::string detail) {
  return Outcome{result, std::move(detail), std::nullopt, {}};
}

// What one mechanism did: matched, did not, or ended the evaluation with an error.
struct Match {
  enum class Kind { yes, no, error } kind = Kind::no;
  Outcome error;
};
Match yes() { return Match{Match::Kind::yes, {}}; }
Match no() { return Match{Match::Kind::no, {}}; }
Match error(Result result, std::string detail) {
  return Match{Match::Kind::error, error_outcome(result, std::move(detail))};
}

bool is_void(const QueryAnswer& answer) {
  return answer.status == QueryAnswer::Status::nxdomain ||
         (answer.status == QueryAnswer::Status::ok && answer.records.empty());
}

std::string_view type_name(QueryType type) {
  switch (type) {
    case QueryType::a: return "A";
    case QueryType::aaaa: return "AAAA";
    case QueryType::mx: return "MX";
    case QueryType::txt: return "TXT";
    case QueryType::ptr: return "PTR";
  }
  return "?";
}

std::string temporary_detail(QueryType type, std::string_view name) {
  return "the DNS lookup of " + std::string(type_name(type)) + " " + std::string(name) +
         " failed temporarily";
}

// Details quote records, names and the sender, which may hold any octet; the caller prints the
// detail on one line, so control and non-ASCII octets are shown as \xNN.
std::string printable(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 0xf];
    }
  }
  return out;
}

bool is_ascii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) > 0x7f) return false;
  }
  return true;
}

class Evaluation {
 public:
  Evaluation(Dns& dns, const IpAddress& ip, std::string_view sender, std::string_view helo,
             const Options& options)
      : dns_(dns), ip_(ip), helo_(helo), options_(options) {
    std::size_t at = sender.rfind('@');
    local_ = at == std::string_view::npos ? std::string() : std::string(sender.substr(0, at));
    sender_domain_ = std::string(at == std::string_view::npos ? sender : sender.substr(at + 1));
    // §4.3: a sender without a local-part is "postmaster" at its domain.
    if (local_.empty()) local_ = "postmaster";
    sender_ = local_ + "@" + sender_domain_;
  }

  unsigned lookups = 0;
  unsigned voids = 0;

  Outcome check(const std::string& domain) {
    Selection selection = select_record(domain);
    if (!selection.record) return selection.stop;
    RecordParse parse = parse_record(*selection.record);
    if (!parse.record)
      return error_outcome(Result::permerror,
                           "the SPF record of " + domain + " is invalid: " + parse.error);
    return evaluate(*parse.record, domain);
  }

  std::string explain(const Outcome& outcome) {
    if (outcome.result != Result::fail || !outcome.explanation) return {};
    const std::string& domain = outcome.explanation_domain;
    auto expanded = expand(*outcome.explanation, domain);
    if (!expanded) return {};
    std::string name = target_name(*expanded);
    if (name.empty()) return {};
    // §6.2: any DNS error, no record, several records, non-ASCII or a syntax error in the text:
    // proceed as if there were no exp=. Not counted against the limits (§4.6.4).
    QueryAnswer answer = dns_.query(QueryType::txt, name);
    if (answer.status != QueryAnswer::Status::ok || answer.records.size() != 1) return {};
    const std::string& text = answer.records.front();
    if (!is_ascii(text)) return {};
    MacroParse parse = parse_macro_string(text, MacroContext::explanation);
    if (!parse.value) return {};
    return expand(*parse.value, domain).value_or(std::string());
  }

 private:
  // The one "v=spf1" TXT record of a domain, or the outcome that ends the check without one.
  struct Selection {
    std::optional<std::string> record;
    Outcome stop;
  };

  // §4.4, §4.5.
  Selection select_record(const std::string& domain) {
    QueryAnswer answer = dns_.query(QueryType::txt, domain);
    if (answer.status == QueryAnswer::Status::temporary)
      return {std::nullopt, error_outcome(Result::temperror, temporary_detail(QueryType::txt, domain))};
    if (answer.status == QueryAnswer::Status::nxdomain)
      return {std::nullopt, error_outcome(Result::none, domain + " does not exist")};
    Selection selection;
    for (std::string& record : answer.records) {
      if (!is_spf_record(record)) continue;
      if (selection.record)
        return {std::nullopt,
                error_outcome(Result::permerror, domain + " publishes more than one SPF record")};
      selection.record = std::move(record);
    }
    if (!selection.record)
      selection.stop = error_outcome(Result::none, domain + " publishes no SPF record");
    return selection;
  }

  Outcome evaluate(const Record& record, const std::string& domain) {
    for (const Directive& directive : record.directives) {
      Match match = evaluate(directive, domain);
      if (match.kind == Match::Kind::error) return match.error;
      if (match.kind == Match::Kind::yes) {
        return Outcome{directive.qualifier,
                       "'" + directive.text + "' matched in the SPF record of " + domain,
                       record.explanation, domain};
      }
    }
    if (record.redirect) return redirect(*record.redirect, domain);
    // §4.7: no match and no redirect is neutral.
    return Outcome{Result::neutral,
                   "no mechanism matched in the SPF record of " + domain + " (default neutral)",
                   std::nullopt, {}};
  }

  // §6.1: the result of the target's check_host() is the result; "none" is a permerror.
  Outcome redirect(const MacroString& spec, const std::string& domain) {
    if (Match limit = count_lookup(); limit.kind == Match::Kind::error) return limit.error;
    std::string target;
    if (Match m = target_of(spec, domain, target); m.kind == Match::Kind::error) return m.error;
    if (target.empty())
      return error_outcome(Result::permerror, "redirect= of " + domain + " names no valid domain");
    Outcome outcome = check(target);
    if (outcome.result == Result::none)
      return error_outcome(Result::permerror,
                           "redirect=" + target + " of " + domain + ": " + outcome.detail);
    return outcome;
  }

  Match evaluate(const Directive& directive, const std::string& domain) {
    switch (directive.kind) {
      case MechanismKind::all: return yes();
      case MechanismKind::ip4:
      case MechanismKind::ip6:
        return in_network(ip_, directive.network, ip_.v6 ? directive.cidr6 : directive.cidr4)
                   ? yes()
                   : no();
      default: break;
    }
    if (Match limit = count_lookup(); limit.kind == Match::Kind::error) return limit;
    std::string target;
    if (!directive.domain) {
      target = domain;
    } else if (Match m = target_of(*directive.domain, domain, target);
               m.kind == Match::Kind::error) {
      return m;
    }
    switch (directive.kind) {
      case MechanismKind::include: return include(directive, target);
      case MechanismKind::a: return match_address_records(directive, target);
      case MechanismKind::mx: return match_mx(directive, target);
      case MechanismKind::ptr: return match_ptr(target);
      case MechanismKind::exists: return exists(target);
      default: return no();
    }
  }

  // §5.2: include matches on pass only; temperror and permerror pass through; none is permerror.
  Match include(const Directive& directive, const std::string& target) {
    if (target.empty())
      return error(Result::permerror, "'" + directive.text + "' names no valid domain");
    Outcome outcome = check(target);
    switch (outcome.result) {
      case Result::pass: return yes();
      case Result::fail:
      case Result::softfail:
      case Result::neutral: return no();
      case Result::none:
        return error(Result::permerror, "'" + directive.text + "': " + outcome.detail);
      case Result::temperror:
      case Result::permerror: return Match{Match::Kind::error, std::move(outcome)};
    }
    return no();
  }

  // §5.3: any A (or AAAA) record of the target within the CIDR length.
  Match match_address_records(const Directive& directive, const std::string& target) {
    if (target.empty()) return no();
    QueryAnswer answer = query(address_type(), target);
    if (answer.status == QueryAnswer::Status::temporary)
      return error(Result::temperror, temporary_detail(address_type(), target));
    if (Match m = note_void(answer); m.kind == Match::Kind::error) return m;
    return any_in_network(answer, directive) ? yes() : no();
  }

  // §5.4: the addresses of each MX host (no implicit MX); more than 10 hosts is a permerror.
  Match match_mx(const Directive& directive, const std::string& target) {
    if (target.empty()) return no();
    QueryAnswer answer = query(QueryType::mx, target);
    if (answer.status == QueryAnswer::Status::temporary)
      return error(Result::temperror, temporary_detail(QueryType::mx, target));
    if (Match m = note_void(answer); m.kind == Match::Kind::error) return m;
    if (answer.records.size() > max_mx_names)
      return error(Result::permerror, target + " has more than 10 MX records (RFC 7208 §4.6.4)");
    for (const std::string& exchange : answer.records) {
      std::string host = target_name(exchange);
      if (host.empty()) continue;  // the null MX "." (RFC 7505) has no addresses
      QueryAnswer addresses = query(address_type(), host);
      if (addresses.status == QueryAnswer::Status::temporary)
        return error(Result::temperror, temporary_detail(address_type(), host));
      if (any_in_network(addresses, directive)) return yes();
    }
    return no();
  }

  // §5.5: a validated name (its address lookup returns the client) equal to the target or below
  // it. A failed PTR lookup does not match; a failed address lookup skips that name.
  Match match_ptr(const std::string& target) {
    if (target.empty()) return no();
    std::string reverse = reverse_lookup_name(ip_);
    QueryAnswer answer = query(QueryType::ptr, reverse);
    if (answer.status == QueryAnswer::Status::temporary) return no();
    if (Match m = note_void(answer); m.kind == Match::Kind::error) return m;
    std::string suffix = canonical_name(target);
    std::size_t count = 0;
    for (const std::string& record : answer.records) {
      if (count++ == max_ptr_names) break;
      std::string name = canonical_name(record);
      if (is_at_or_below(name, suffix) && validates(name)) return yes();
    }
    return no();
  }

  // §5.7: any A record, whatever the client's family.
  Match exists(const std::string& target) {
    if (target.empty()) return no();
    QueryAnswer answer = query(QueryType::a, target);
    if (answer.status == QueryAnswer::Status::temporary)
      return error(Result::temperror, temporary_detail(QueryType::a, target));
    if (Match m = note_void(answer); m.kind == Match::Kind::error) return m;
    return answer.records.empty() ? no() : yes();
  }

  bool validates(const std::string& name) {
    std::string host = target_name(name);
    if (host.empty()) return false;
    QueryAnswer answer = query(address_type(), host);
    if (answer.status != QueryAnswer::Status::ok) return false;
    for (const std::string& text : answer.records) {
      auto address = parse_ip(text);
      if (address && in_network(ip_, *address, ip_.bits())) return true;
    }
    return false;
  }

  bool any_in_network(const QueryAnswer& answer, const Directive& directive) const {
    if (answer.status != QueryAnswer::Status::ok) return false;
    for (const std::string& text : answer.records) {
      auto address = parse_ip(text);
      if (address && in_network(ip_, *address, ip_.v6 ? directive.cidr6 : directive.cidr4))
        return true;
    }
    return false;
  }

  QueryType address_type() const { return ip_.v6 ? QueryType::aaaa : QueryType::a; }

  QueryAnswer query(QueryType type, const std::string& name) { return dns_.query(type, name); }

  Match count_lookup() {
    if (++lookups > max_dns_terms)
      return error(Result::permerror,
                   "more than 10 DNS-querying mechanisms and modifiers (RFC 7208 §4.6.4)");
    return no();
  }

  Match note_void(const QueryAnswer& answer) {
    if (is_void(answer) && ++voids > max_void_lookups)
      return error(Result::permerror,
                   "more than 2 DNS lookups returned no records (void lookups, RFC 7208 §4.6.4)");
    return no();
  }

  // A domain-spec expanded into a name to ask about; empty when no query can be made of it.
  Match target_of(const MacroString& spec, const std::string& domain, std::string& target) {
    auto expanded = expand(spec, domain);
    if (!expanded)
      return error(Result::permerror, "a macro expands to more than 4096 octets");
    target = target_name(*expanded);
    return no();
  }

  std::optional<std::string> expand(const MacroString& macro, const std::string& domain) {
    return expand_macro_string(
        macro, [&](char letter) { return macro_value(letter, domain); }, max_expansion);
  }

  // §7.3.
  std::string macro_value(char letter, const std::string& domain) {
    switch (letter) {
      case 's': return sender_;
      case 'l': return local_;
      case 'o': return sender_domain_;
      case 'd': return domain;
      case 'i': return dotted_ip(ip_);
      case 'p': return validated_name(domain);
      case 'v': return ip_.v6 ? "ip6" : "in-addr";
      case 'h': return helo_;
      case 'c': return readable_ip(ip_);
      case 'r': return options_.receiver;
      case 't': return std::to_string(options_.now);
      default: return {};
    }
  }

  // %{p} (§7.3): the domain itself if validated, else a validated subdomain of it, else any
  // validated name, else "unknown". Not counted against the limits: the term using it is.
  std::string validated_name(const std::string& domain) {
    if (!validated_names_) {
      validated_names_.emplace();
      QueryAnswer answer = query(QueryType::ptr, reverse_lookup_name(ip_));
      if (answer.status == QueryAnswer::Status::ok) {
        for (std::size_t i = 0; i < answer.records.size() && i < max_ptr_names; ++i) {
          std::string name = canonical_name(answer.records[i]);
          if (validates(name)) validated_names_->push_back(name);
        }
      }
    }
    std::string wanted = canonical_name(domain);
    for (const std::string& name : *validated_names_) {
      if (name == wanted) return name;
    }
    for (const std::string& name : *validated_names_) {
      if (is_at_or_below(name, wanted)) return name;
    }
    return validated_names_->empty() ? std::string("unknown") : validated_names_->front();
  }

  Dns& dns_;
  IpAddress ip_;
  std::string sender_, local_, sender_domain_;
  std::string helo_;
  const Options& options_;
  std::optional<std::vector<std::string>> validated_names_;
};

}  // namespace

Verdict check_host(Dns& dns, std::string_view ip, std::string_view domain,
                   std::string_view sender, std::string_view helo, const Options& options) {
  auto address = parse_ip(ip);
  if (!address)
    return Verdict{Result::permerror, {}, printable("'" + std::string(ip) + "' is not an IP address"),
                   0, 0};
  // §4.3: a malformed domain has no SPF policy.
  if (!is_checkable_domain(domain))
    return Verdict{Result::none, {},
                   printable("'" + std::string(domain) + "' is not a valid domain name"), 0, 0};
  Evaluation evaluation(dns, *address, sender, helo, options);
  if (domain.ends_with('.')) domain.remove_suffix(1);
  Outcome outcome = evaluation.check(std::string(domain));
  std::string explanation = evaluation.explain(outcome);
  return Verdict{outcome.result, std::move(explanation), printable(outcome.detail),
                 evaluation.lookups, evaluation.voids};
}

}  // namespace smtpsend::dns::spf
