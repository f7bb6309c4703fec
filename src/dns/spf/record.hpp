// dns/spf: an SPF record (RFC 7208 §4.5, §4.6, §12): which TXT strings are SPF records, and the
// whole record parsed before anything is evaluated, so a syntax error anywhere is a permerror
// (§4.6) even after a mechanism that would match. Private to dns/spf.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "address.hpp"
#include "macro.hpp"
#include "smtpsend/dns/spf.hpp"

namespace smtpsend::dns::spf {

// Records longer than this are refused as a permerror: §3.4 asks publishers to stay under 450
// octets, and a DNS answer cannot carry much more than 64 KiB; this bounds every later step.
inline constexpr std::size_t max_record_length = 4096;

enum class MechanismKind { all, include, a, mx, ptr, ip4, ip6, exists };
std::string_view mechanism_name(MechanismKind kind) noexcept;

struct Directive {
  Result qualifier = Result::pass;  // §4.6.2: "+" when absent
  MechanismKind kind = MechanismKind::all;
  std::optional<MacroString> domain;  // a, mx, ptr: absent = the current domain
  unsigned cidr4 = 32;                // a, mx, ip4
  unsigned cidr6 = 128;               // a, mx, ip6
  IpAddress network;                  // ip4, ip6
  std::string text;                   // as written, for Verdict::detail
};

struct Record {
  std::vector<Directive> directives;
  std::optional<MacroString> redirect;
  std::optional<MacroString> explanation;  // exp=
};

// §4.5: a record is an SPF record when it starts with "v=spf1" (any case) followed by a space or
// its end.
bool is_spf_record(std::string_view txt);

struct RecordParse {
  std::optional<Record> record;
  std::string error;  // one phrase, when record is empty
};
// `text` is a whole record, "v=spf1" included.
RecordParse parse_record(std::string_view text);

// domain-end (§7.1): the domain-spec ends in a macro-expand or in "." toplabel ["."].
bool has_domain_end(const MacroString& domain_spec);

}  // namespace smtpsend::dns::spf
