// smtp/sasl: the SASL client mechanisms for SMTP AUTH (RFC 4954), sans-io.
//
// Owns: the client side of PLAIN (RFC 4616), LOGIN, CRAM-MD5 (RFC 2195), SCRAM-SHA-1 and
// SCRAM-SHA-256 (RFC 5802, RFC 7677), XOAUTH2 and OAUTHBEARER (RFC 7628); choosing a mechanism
// from the server's EHLO list; the AUTH command and response lines with their redacted
// transcript forms. Must not: own a socket, a timer or a clock, or link a crypto library: every
// hash, HMAC, PBKDF2, random byte and base64 conversion goes through the injected SaslCrypto
// (transport/openssl_crypto implements it with OpenSSL 3).
//
// Bytes: SaslClient::start() and step() take and return DECODED bytes. The wire helpers at the
// end of this header (auth_command, response_line, decode_challenge) do the base64 through
// SaslCrypto, so the session never handles a raw secret except to write it.
//
// Errors (std::error_code in smtpsend::Errc): sasl_challenge_malformed for a challenge that
// breaks the mechanism's grammar or bounds; auth_failed for a server that proved nothing (SCRAM
// server signature mismatch, "e=" server error, success announced before the server signature
// was verified, an OAuth error challenge); internal when the crypto provider fails.
//
// SASLprep (RFC 4013) is NOT applied: user names and passwords are used as the bytes given
// (UTF-8). For printable ASCII, SASLprep is the identity, so SCRAM works whenever the secret is
// printable ASCII; other secrets work only if the server stores them unnormalised too.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace smtpsend::smtp {

enum class SaslMechanism {
  plain,
  login,
  cram_md5,
  scram_sha_1,
  scram_sha_256,
  xoauth2,
  oauthbearer
};

// The mechanisms' IANA names (RFC 4954 §3, IANA "SASL Mechanisms") in the enum's order: the
// one place they are written. AUTH sends them as they are; --auth and the `auth` key accept
// them in any case, and the CLI builds its list of names (lower case, with "auto") from this.
inline constexpr std::array<std::string_view, 7> kSaslMechanismNames{
    "PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256", "XOAUTH2", "OAUTHBEARER"};
static_assert(static_cast<std::size_t>(SaslMechanism::oauthbearer) + 1 ==
                  kSaslMechanismNames.size(),
              "one name per SaslMechanism");

// The IANA name as sent after AUTH ("SCRAM-SHA-256").
std::string_view to_string(SaslMechanism mechanism) noexcept;
// Case-insensitive ("scram-sha-256" as in --auth, or the server's "SCRAM-SHA-256").
std::optional<SaslMechanism> parse_sasl_mechanism(std::string_view name) noexcept;
std::ostream& operator<<(std::ostream& os, SaslMechanism mechanism);
bool uses_oauth_token(SaslMechanism mechanism) noexcept;

// --auth: nullopt = auto. oauth_token: --oauth-token-cmd was given (the secret is a token).
struct SaslPreference {
  std::optional<SaslMechanism> requested;
  bool oauth_token = false;
};

// SPEC.md "Authentication": auto picks the first of scram-sha-256, scram-sha-1, cram-md5, plain,
// login that the server offers (oauthbearer then xoauth2 when a token command is given); a
// requested mechanism is returned only if the server offers it. `server_mechanisms` are the
// names after "AUTH" in EHLO, compared case-insensitively; unknown names are ignored.
std::optional<SaslMechanism> choose_mechanism(std::span<const std::string> server_mechanisms,
                                              const SaslPreference& preference);

// ---- The injected crypto (the smtp module links the standard library only) ----
enum class HashAlgorithm { md5, sha1, sha256 };
std::size_t digest_size(HashAlgorithm algorithm) noexcept;  // 16, 20, 32

class SaslCrypto {
 public:
  virtual ~SaslCrypto() = default;
  // Each returns the raw digest (digest_size bytes), or an empty string when the provider
  // failed; the mechanisms turn an empty result into Errc::internal.
  virtual std::string hmac(HashAlgorithm algorithm, std::string_view key,
                           std::string_view data) const = 0;
  virtual std::string hash(HashAlgorithm algorithm, std::string_view data) const = 0;
  // RFC 5802 Hi(): PBKDF2 with HMAC-`algorithm`, output digest_size bytes.
  virtual std::string pbkdf2(HashAlgorithm algorithm, std::string_view password,
                             std::string_view salt, std::uint32_t iterations) const = 0;
  // `count` bytes from a cryptographic generator, or empty on failure.
  virtual std::string random_bytes(std::size_t count) const = 0;
  // RFC 4648 §4 base64 with padding, no line breaks.
  virtual std::string base64_encode(std::string_view bytes) const = 0;
  // nullopt for anything but canonical padded base64 (length a multiple of 4, '=' only as the
  // last one or two characters, no whitespace). "" decodes to "".
  virtual std::optional<std::string> base64_decode(std::string_view text) const = 0;
};

// Overwrites a string's whole buffer (capacity, not only size) and empties it; the compiler
// cannot elide the writes. Best effort: copies made by earlier reallocations are not reached.
void wipe(std::string& secret) noexcept;

// ---- Credentials and the client ----
struct SaslCredentials {
  std::string user;
  std::string secret;   // the password, or the OAuth access token for xoauth2/oauthbearer
  std::string authzid;  // empty: act as `user` (RFC 4422 §3.4.1)
  // OAUTHBEARER only (RFC 7628 §3.1): the server's host name and port, both optional.
  std::string oauth_host;
  std::optional<std::uint16_t> oauth_port;

  SaslCredentials() = default;
  SaslCredentials(std::string user_name, std::string password_or_token,
                  std::string authorization_id = {});
  SaslCredentials(const SaslCredentials&) = default;
  SaslCredentials(SaslCredentials&&) noexcept = default;
  SaslCredentials& operator=(const SaslCredentials&) = default;
  SaslCredentials& operator=(SaslCredentials&&) noexcept = default;
  ~SaslCredentials();
};
// Prints the user only; the secret never appears.
std::ostream& operator<<(std::ostream& os, const SaslCredentials& credentials);

// One client message, decoded. `error` set: abandon the exchange (the session sends "*",
// RFC 4954 §4, and fails with this error); `response` is then empty.
struct SaslStep {
  std::error_code error;
  std::optional<std::string> response;  // nullopt only from start(): no initial response
  bool secret = false;                  // the response reveals a secret: never print it

  SaslStep() = default;
  SaslStep(const SaslStep&) = default;
  SaslStep(SaslStep&&) noexcept = default;
  SaslStep& operator=(const SaslStep&) = default;
  SaslStep& operator=(SaslStep&&) noexcept = default;
  ~SaslStep();
  static SaslStep fail(std::error_code ec);
  static SaslStep send(std::string bytes, bool secret);
};
// Prints "<redacted>" for a secret response, never its bytes.
std::ostream& operator<<(std::ostream& os, const SaslStep& step);

class SaslClient {
 public:
  virtual ~SaslClient() = default;
  virtual SaslMechanism mechanism() const noexcept = 0;
  // The initial response (RFC 4954 §4), or response == nullopt for mechanisms that wait for
  // the server's first challenge (LOGIN, CRAM-MD5). Call once, before any step().
  virtual SaslStep start() = 0;
  // One decoded 334 challenge in, the decoded response out.
  virtual SaslStep step(std::string_view challenge) = 0;
  // The server said 235. Returns auth_failed when this mechanism has not yet proven the server
  // (SCRAM without a verified "v="), or the server reported an error in a challenge.
  virtual std::error_code on_success() const = 0;
  // The server's error text from a challenge (SCRAM "e=", the OAuth JSON), unsanitised; empty
  // if none.
  virtual std::string_view server_error() const noexcept = 0;
};

// `crypto` must outlive the client. Never null.
std::unique_ptr<SaslClient> make_sasl_client(SaslMechanism mechanism, SaslCredentials credentials,
                                             const SaslCrypto& crypto);

// ---- Wire helpers: base64 and redaction (RFC 4954 §4) ----
// One line to write, without CRLF, and its -v form with any secret replaced by "<redacted>".
struct SaslLine {
  std::string wire;
  std::string transcript_form;

  SaslLine() = default;
  SaslLine(std::string wire_text, std::string transcript_text);
  SaslLine(const SaslLine&) = default;
  SaslLine(SaslLine&&) noexcept = default;
  SaslLine& operator=(const SaslLine&) = default;
  SaslLine& operator=(SaslLine&&) noexcept = default;
  ~SaslLine();
  friend bool operator==(const SaslLine&, const SaslLine&) = default;
};
// Prints transcript_form only.
std::ostream& operator<<(std::ostream& os, const SaslLine& line);

inline constexpr std::string_view kRedacted = "<redacted>";
// RFC 4954 §4: the AUTH command line is at most 512 octets including CRLF.
inline constexpr std::size_t kMaxAuthCommandLine = 512;

struct AuthCommand {
  SaslLine command;  // "AUTH PLAIN AHVzZXIAcGFzcw==" / "AUTH PLAIN <redacted>" / "AUTH LOGIN"
  // Set when the initial response would make the AUTH line longer than kMaxAuthCommandLine:
  // the command goes without it and this line answers the server's first (empty) 334.
  std::optional<SaslLine> pending_initial_response;
};
// Prints the transcript forms only.
std::ostream& operator<<(std::ostream& os, const AuthCommand& command);
// Builds the AUTH command from start()'s result (check its error first: an error means do not
// send AUTH at all); an empty initial response is "=" (RFC 4954 §4).
AuthCommand auth_command(SaslMechanism mechanism, const SaslStep& initial,
                         const SaslCrypto& crypto);
// The line answering a 334 (an empty response is an empty line); "*" when step.error is set.
SaslLine response_line(const SaslStep& step, const SaslCrypto& crypto);
// The text after "334 " decoded; nullopt when it is not base64 (the session then cancels with
// "*" and fails with Errc::sasl_challenge_malformed).
std::optional<std::string> decode_challenge(std::string_view reply_text, const SaslCrypto& crypto);

}  // namespace smtpsend::smtp
