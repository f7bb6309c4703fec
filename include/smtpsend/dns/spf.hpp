// dns/spf: the SPF evaluator, check_host() of RFC 7208 §4, written for this project (libspf2 has
// unpatched CVEs and a blocking resolver that ignores --dns-server). Pure: every DNS question
// goes through the Dns seam, so the doctor feeds it answers from the project's resolver and the
// tests feed it the RFC 7208 test suite's zone data. No I/O, no clock (the %{t} macro takes the
// time from Options).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace smtpsend::dns::spf {

// RFC 7208 §2.6.
enum class Result { none, neutral, pass, fail, softfail, temperror, permerror };

// The result's name as RFC 7208 §2.6 spells it: "none", "neutral", "pass", "fail", "softfail",
// "temperror", "permerror".
std::string_view result_name(Result result) noexcept;

// The DNS questions check_host() asks (RFC 7208 §5). SPF RR type 99 is not asked: RFC 7208 §3.1
// publishes SPF in TXT only.
enum class QueryType { a, aaaa, mx, txt, ptr };

struct QueryAnswer {
  enum class Status {
    ok,         // an answer; no records = NODATA (a void lookup, §4.6.4)
    nxdomain,   // RCODE 3 (a void lookup, §4.6.4)
    temporary,  // timeout, SERVFAIL, ...: temperror (§2.6.6)
  };
  Status status = Status::ok;
  // A/AAAA: textual addresses; MX: the exchange names (preference dropped); TXT: each record's
  // character-strings concatenated (§3.3); PTR: names.
  std::vector<std::string> records;
};

// The seam: one question, one answer. Implementations may cache; check_host() asks every
// question it needs and counts lookups itself.
class Dns {
 public:
  virtual ~Dns() = default;
  virtual QueryAnswer query(QueryType type, std::string_view name) = 0;
};

struct Verdict {
  Result result = Result::none;
  // The exp= text (§6.2) for a fail whose record has a usable explanation; else empty.
  std::string explanation;
  // One sentence: the mechanism that matched, or why the result is permerror/temperror/none.
  std::string detail;
  unsigned dns_lookups = 0;   // mechanisms and modifiers that count against the limit (§4.6.4)
  unsigned void_lookups = 0;  // NXDOMAIN or NODATA answers (§4.6.4)
};

// Values the RFC leaves to the checker.
struct Options {
  // %{r} (§7.2): the checking host's domain name; "unknown" when not given.
  std::string receiver = "unknown";
  // %{t} (§7.2): seconds since the epoch; the doctor passes the current time.
  std::int64_t now = 0;
};

// check_host(ip, domain, sender) of RFC 7208 §4. `ip` is the textual IPv4 or IPv6 address of
// the client (an IPv4-mapped IPv6 address is treated as IPv4, §5); `domain` the domain whose
// policy is checked (the sender's domain, or the HELO name); `sender` the MAIL FROM address or
// "postmaster@<helo>" when MAIL FROM is empty (§2.4); `helo` the HELO/EHLO name for %{h}.
Verdict check_host(Dns& dns, std::string_view ip, std::string_view domain,
                   std::string_view sender, std::string_view helo, const Options& options = {});

}  // namespace smtpsend::dns::spf
