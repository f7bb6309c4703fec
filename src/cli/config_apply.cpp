#include "config_apply.hpp"

namespace smtpsend::cli {
namespace {

template <typename T, typename Target>
void apply(const MaybeSetting<T>& setting, bool given, Target& target) {
  if (setting && !given) target = setting->value;
}

void apply_envelope(const ConfigSettings& s, const GivenOnCommandLine& given, Request& request) {
  apply(s.from, given(Option::from), request.from);
  apply(s.qualify_domain, given(Option::qualify_domain), request.qualify_domain);
  apply(s.recipients_file, given(Option::recipients_file), request.recipients_file);
  apply(s.from_name, given(Option::from_name), request.from_name);
}

// sendmail's -N, -R and -V arrive as these options (sendmail_args.cpp), so they override too.
void apply_dsn(const ConfigSettings& s, const GivenOnCommandLine& given, smtp::DsnRequest& out) {
  apply(s.dsn_notify, given(Option::dsn_notify), out.notify);
  apply(s.dsn_return, given(Option::dsn_return), out.ret);
  apply(s.dsn_envid, given(Option::dsn_envid), out.envid);
}

void apply_routing(const ConfigSettings& s, const GivenOnCommandLine& given,
                   delivery::DeliveryOptions& out) {
  apply(s.dns_servers, given(Option::dns_server), out.dns_servers);
  apply(s.mx_port, given(Option::mx_port), out.mx_port);
  apply(s.helo, given(Option::helo), out.helo_name);
  apply(s.family, given(Option::ipv4_only) || given(Option::ipv6_only), out.family);
  apply(s.max_parallel, given(Option::max_parallel), out.max_parallel);
  apply(s.max_addresses, given(Option::max_addresses), out.max_addresses);
  if (s.timeout && !given(Option::timeout)) out.timeouts.stages.every_stage = s.timeout->value;
  apply(s.connect_timeout, given(Option::connect_timeout), out.timeouts.connect);
  apply(s.dns_timeout, given(Option::dns_timeout), out.dns_timeout);
}

void apply_tls(const ConfigSettings& s, const GivenOnCommandLine& given,
               transport::TlsSettings& out) {
  if (s.tls && !given(Option::tls)) {
    // config_keys checked the name, so the lookup cannot fail here.
    out.policy = smtp::tls_policy_from_string(s.tls->value).value_or(out.policy);
  }
  apply(s.ca_file, given(Option::ca_file), out.ca_file);
  apply(s.ca_path, given(Option::ca_path), out.ca_path);
  apply(s.tls_cert, given(Option::tls_cert), out.cert_file);
  apply(s.tls_key, given(Option::tls_key), out.key_file);
}

}  // namespace

void apply_config(const ConfigSettings& settings, const GivenOnCommandLine& given,
                  Request& request) {
  apply_envelope(settings, given, request);
  apply_dsn(settings, given, request.envelope_parameters.dsn);
  apply_routing(settings, given, request.delivery);
  apply(settings.max_size, given(Option::max_size), request.max_size);
  apply_tls(settings, given, request.delivery.tls);
}

}  // namespace smtpsend::cli
