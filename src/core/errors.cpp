#include "smtpsend/core/errors.hpp"

namespace smtpsend {
namespace {

class SmtpsendCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "smtpsend"; }
  std::string message(int value) const override {
    switch (static_cast<Errc>(value)) {
      case Errc::ok:
        return "success";
      case Errc::usage:
        return "bad usage";
      case Errc::message_malformed:
        return "the message is malformed";
      case Errc::input_unreadable:
        return "input cannot be read";
      case Errc::config_invalid:
        return "bad configuration";
      case Errc::input_too_large:
        return "message larger than --max-size";
      case Errc::spool_full:
        return "not enough free space to spool the message";
      case Errc::reply_malformed:
        return "malformed SMTP reply";
      case Errc::reply_line_too_long:
        return "SMTP reply line longer than 8192 bytes";
      case Errc::reply_too_many_lines:
        return "SMTP reply of more than 128 lines";
      case Errc::reply_code_mismatch:
        return "SMTP reply lines with different codes";
      case Errc::unexpected_reply:
        return "unexpected SMTP reply";
      case Errc::reply_before_end_of_data:
        return "server replied before the end of the message data";
      case Errc::connection_refused:
        return "connection refused";
      case Errc::connect_timeout:
        return "connection timed out";
      case Errc::connection_closed:
        return "connection closed by the server";
      case Errc::stage_timeout:
        return "timed out";
      case Errc::network_error:
        return "network error";
      case Errc::dns_nxdomain:
        return "domain does not exist";
      case Errc::dns_nodata:
        return "no records of that type";
      case Errc::dns_servfail:
        return "DNS server failure";
      case Errc::dns_refused:
        return "DNS query refused";
      case Errc::dns_timeout:
        return "DNS lookup timed out";
      case Errc::dns_error:
        return "DNS lookup failed";
      case Errc::null_mx:
        return "domain does not accept mail (null MX, RFC 7505)";
      case Errc::no_mx_nor_address:
        return "domain has neither MX nor address records";
      case Errc::message_too_large:
        return "message larger than the server accepts";
      case Errc::eight_bit_unsupported:
        return "8-bit message not convertible to 7 bits, no 8BITMIME";
      case Errc::smtputf8_unsupported:
        return "message needs SMTPUTF8 and the server lacks it";
      case Errc::tls_unavailable:
        return "TLS is required but not available";
      case Errc::tls_handshake_failed:
        return "TLS handshake failed";
      case Errc::auth_failed:
        return "authentication failed";
      case Errc::auth_unavailable:
        return "no authentication mechanism in common with the server";
      case Errc::auth_without_tls:
        return "authentication refused without TLS";
      case Errc::tls_trust_anchors_unloadable:
        return "cannot load the trust anchors (--ca-file, --ca-path or the system store)";
      case Errc::tls_client_certificate_unloadable:
        return "cannot load the client certificate or its key (--tls-cert, --tls-key)";
      case Errc::internal:
        return "internal error";
      case Errc::sasl_challenge_malformed:
        return "malformed SASL challenge from the server";
    }
    return "unknown smtpsend error";
  }
};

}  // namespace

const std::error_category& smtpsend_category() noexcept {
  static const SmtpsendCategory category;
  return category;
}

std::error_code make_error_code(Errc e) noexcept {
  return {static_cast<int>(e), smtpsend_category()};
}

}  // namespace smtpsend
