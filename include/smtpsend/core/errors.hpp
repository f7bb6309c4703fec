// core/errors: the project's error codes, one std::error_category.
//
// Every module reports failure as a std::error_code in this category (plus a Diagnostics value
// where a server or host is involved); exceptions are used only at the CLI edge. This header
// depends on nothing else in the project.
#pragma once

#include <string>
#include <system_error>

namespace smtpsend {

enum class Errc {
  ok = 0,
  // Input and usage (stop before anything is sent).
  usage = 1,
  message_malformed,
  input_unreadable,
  config_invalid,
  input_too_large,  // more input than --max-size allows (65)
  spool_full,       // the spool's file system has no room left for the message (75)
  // Server protocol violations (RFC 5321 §4.2): the host is abandoned.
  reply_malformed = 20,
  reply_line_too_long,
  reply_too_many_lines,
  reply_code_mismatch,
  unexpected_reply,
  reply_before_end_of_data,  // a reply to end of data before the message data was all written
  // Transport.
  connection_refused = 40,
  connect_timeout,
  connection_closed,
  stage_timeout,
  network_error,
  // DNS.
  dns_nxdomain = 60,
  dns_nodata,
  dns_servfail,
  dns_refused,
  dns_timeout,
  dns_error,
  null_mx,
  no_mx_nor_address,
  // Message cannot go to this server as it is.
  message_too_large = 80,
  eight_bit_unsupported,
  smtputf8_unsupported,
  // TLS and authentication.
  tls_unavailable = 100,
  tls_handshake_failed,
  auth_failed,
  auth_unavailable,  // no AUTH, or no mechanism both sides have
  auth_without_tls,  // AUTH refused on a connection without TLS (--allow-plaintext-auth)
  // The OpenSSL context could not be built at the first handshake (the files are checked at
  // start, so only a file changed since, or an unusable system store, gets here).
  tls_trust_anchors_unloadable,
  tls_client_certificate_unloadable,
  internal = 120,
  // A SASL challenge that breaks its mechanism's grammar or bounds (RFC 4954 §4).
  sasl_challenge_malformed,
};

const std::error_category& smtpsend_category() noexcept;
std::error_code make_error_code(Errc e) noexcept;

}  // namespace smtpsend

template <>
struct std::is_error_code_enum<smtpsend::Errc> : std::true_type {};
