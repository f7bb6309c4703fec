// smtp/dsn: Delivery Status Notification requests (RFC 3461) as MAIL FROM and RCPT TO
// parameters.
//
// Owns: the values sendmail's -N, -R and -V ask for, checking them, and spelling them on the
// wire (xtext, RFC 3461 §4). Must not: decide whether the server offers DSN; the session adds
// these parameters only after an EHLO that lists DSN (RFC 3461 §4: a client must not use them
// otherwise). Errors: the parse functions return false with one sentence.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace smtpsend::smtp {

// RFC 3461 §4.4: an ENVID longer than this (as xtext) must not be sent.
inline constexpr std::size_t kMaxEnvidXtext = 100;

enum class DsnReturn { full, headers };  // RET=FULL / RET=HDRS (RFC 3461 §4.3)

struct DsnRequest {
  std::string notify;            // "NEVER" or e.g. "SUCCESS,FAILURE"; empty: not asked
  std::optional<DsnReturn> ret;  // nullopt: not asked (the server's default applies)
  std::string envid;             // as given (printable ASCII); empty: not asked
  bool empty() const noexcept { return notify.empty() && !ret && envid.empty(); }
  friend bool operator==(const DsnRequest&, const DsnRequest&) = default;
};

// RFC 3461 §4: xtext keeps "!".."~" except "+" and "=", and writes every other octet as "+XX"
// (upper-case hex).
std::string xtext_encode(std::string_view text);

// sendmail -N: "never", or a list of success, failure, delay separated by commas or spaces,
// any case. RFC 3461 §4.1: NEVER cannot be combined with the others. Normalised to upper case,
// comma-separated, each keyword once, in the order given.
bool parse_dsn_notify(std::string_view text, std::string& notify, std::string& error);
// sendmail -R: "full" or "hdrs", any case.
bool parse_dsn_return(std::string_view text, DsnReturn& ret, std::string& error);
// sendmail -V: printable US-ASCII (RFC 3461 §4.4), at most kMaxEnvidXtext octets as xtext.
bool check_dsn_envid(std::string_view envid, std::string& error);

// " RET=FULL ENVID=..." for MAIL FROM, "" when nothing was asked.
std::string dsn_mail_parameters(const DsnRequest& dsn);
// " NOTIFY=..." for each RCPT TO, "" when nothing was asked.
std::string dsn_rcpt_parameters(const DsnRequest& dsn);

}  // namespace smtpsend::smtp
