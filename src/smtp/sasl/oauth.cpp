// Bearer-token mechanisms: XOAUTH2 (Google's "XOAUTH2 protocol" document) and OAUTHBEARER
// (RFC 7628).
#include "mechanisms.hpp"
#include "smtpsend/core/errors.hpp"

namespace smtpsend::smtp::detail {
namespace {

constexpr char kSeparator = '\x01';  // RFC 7628 §3.1 kvsep

class OauthClient final : public SaslClient {
 public:
  OauthClient(SaslMechanism mechanism, SaslCredentials credentials)
      : mechanism_(mechanism), credentials_(std::move(credentials)) {}
  SaslMechanism mechanism() const noexcept override { return mechanism_; }

  SaslStep start() override {
    sent_ = true;
    return SaslStep::send(message(), true);
  }

  // After the message, a challenge carries the server's JSON error (RFC 7628 §3.2.2; XOAUTH2
  // likewise). The client must still answer so the server can finish with its failure reply:
  // a lone kvsep for OAUTHBEARER (RFC 7628 §3.2.3), an empty line for XOAUTH2.
  SaslStep step(std::string_view challenge) override {
    if (!sent_) {
      if (!challenge.empty())
        return SaslStep::fail(make_error_code(Errc::sasl_challenge_malformed));
      return start();
    }
    if (failed_) return SaslStep::fail(make_error_code(Errc::sasl_challenge_malformed));
    failed_ = true;
    server_error_ = std::string(challenge.substr(0, kMaxServerErrorLength));
    if (mechanism_ == SaslMechanism::oauthbearer) {
      return SaslStep::send(std::string(1, kSeparator), false);
    }
    return SaslStep::send(std::string(), false);
  }

  std::error_code on_success() const override {
    return failed_ ? make_error_code(Errc::auth_failed) : std::error_code{};
  }
  std::string_view server_error() const noexcept override { return server_error_; }

 private:
  static constexpr std::size_t kMaxServerErrorLength = 1024;

  std::string message() const {
    std::string bytes;
    if (mechanism_ == SaslMechanism::xoauth2) {
      bytes = "user=" + credentials_.user + kSeparator;
    } else {
      // RFC 7628 §3.1: gs2-header with the authorization identity, then key=value pairs.
      const std::string& identity =
          credentials_.authzid.empty() ? credentials_.user : credentials_.authzid;
      bytes = "n,a=" + sasl_name(identity) + "," + kSeparator;
      if (!credentials_.oauth_host.empty()) {
        bytes += "host=" + credentials_.oauth_host + kSeparator;
      }
      if (credentials_.oauth_port) {
        bytes += "port=" + std::to_string(*credentials_.oauth_port) + kSeparator;
      }
    }
    // Appended in place so no temporary string holds the token.
    bytes += "auth=Bearer ";
    bytes += credentials_.secret;
    bytes += kSeparator;
    bytes += kSeparator;
    return bytes;
  }

  SaslMechanism mechanism_;
  SaslCredentials credentials_;
  bool sent_ = false;
  bool failed_ = false;
  std::string server_error_;
};

}  // namespace

std::unique_ptr<SaslClient> make_oauth_client(SaslMechanism mechanism,
                                              SaslCredentials credentials) {
  return std::make_unique<OauthClient>(mechanism, std::move(credentials));
}

}  // namespace smtpsend::smtp::detail
