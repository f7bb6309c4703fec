// AUTH command and response lines in base64, with their redacted forms (RFC 4954 §4).
#include "smtpsend/smtp/sasl.hpp"

namespace smtpsend::smtp {
namespace {

// RFC 4954 §4: a zero-length initial response is sent as "=", to tell it from "none".
std::string encode_initial(const std::string& response, const SaslCrypto& crypto) {
  return response.empty() ? std::string("=") : crypto.base64_encode(response);
}

std::string_view trim_trailing_blanks(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

AuthCommand auth_command(SaslMechanism mechanism, const SaslStep& initial,
                         const SaslCrypto& crypto) {
  const std::string bare = "AUTH " + std::string(to_string(mechanism));
  if (!initial.response) return AuthCommand{SaslLine(bare, bare), std::nullopt};
  std::string encoded = encode_initial(*initial.response, crypto);
  const std::string shown = initial.secret ? std::string(kRedacted) : encoded;
  // The line with the response, plus a space and CRLF, must fit in 512 octets; otherwise the
  // response waits for the server's empty 334.
  if (bare.size() + 1 + encoded.size() + 2 > kMaxAuthCommandLine) {
    if (encoded == "=") encoded.clear();
    const std::string pending_shown = initial.secret ? std::string(kRedacted) : encoded;
    return AuthCommand{SaslLine(bare, bare), SaslLine(std::move(encoded), pending_shown)};
  }
  SaslLine command(bare + " " + encoded, bare + " " + shown);
  wipe(encoded);
  return AuthCommand{std::move(command), std::nullopt};
}

SaslLine response_line(const SaslStep& step, const SaslCrypto& crypto) {
  // RFC 4954 §4: "*" cancels the exchange; the server answers 501.
  if (step.error) return SaslLine("*", "*");
  std::string encoded = step.response ? crypto.base64_encode(*step.response) : std::string();
  std::string shown = step.secret ? std::string(kRedacted) : encoded;
  return SaslLine(std::move(encoded), std::move(shown));
}

std::optional<std::string> decode_challenge(std::string_view reply_text, const SaslCrypto& crypto) {
  return crypto.base64_decode(trim_trailing_blanks(reply_text));
}

}  // namespace smtpsend::smtp
