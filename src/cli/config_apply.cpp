#include "config_apply.hpp"

namespace smtpsend::cli {
namespace {

template <typename T, typename Target>
void apply(const MaybeSetting<T>& setting, bool given, Target& target) {
  if (setting && !given) target = setting->value;
}

void apply_envelope(const ConfigSettings& s, const GivenOnCommandLine& given, Request& request) {
  apply(s.from, given("--from"), request.from);
  apply(s.qualify_domain, given("--qualify-domain"), request.qualify_domain);
  apply(s.recipients_file, given("--recipients-file"), request.recipients_file);
  apply(s.from_name, given("--from-name"), request.from_name);
}

// sendmail's -N, -R and -V arrive as these options (sendmail_args.cpp), so they override too.
void apply_dsn(const ConfigSettings& s, const GivenOnCommandLine& given, smtp::DsnRequest& out) {
  apply(s.dsn_notify, given("--dsn-notify"), out.notify);
  apply(s.dsn_return, given("--dsn-return"), out.ret);
  apply(s.dsn_envid, given("--dsn-envid"), out.envid);
}

void apply_routing(const ConfigSettings& s, const GivenOnCommandLine& given,
                   delivery::DeliveryOptions& out) {
  apply(s.dns_servers, given("--dns-server"), out.dns_servers);
  apply(s.mx_port, given("--mx-port"), out.mx_port);
  apply(s.helo, given("--helo"), out.helo_name);
  apply(s.family, given("-4") || given("-6"), out.family);
  apply(s.max_parallel, given("--max-parallel"), out.max_parallel);
  apply(s.max_addresses, given("--max-addresses"), out.max_addresses);
  if (s.timeout && !given("--timeout")) out.timeouts.stages.every_stage = s.timeout->value;
  apply(s.connect_timeout, given("--connect-timeout"), out.timeouts.connect);
  apply(s.dns_timeout, given("--dns-timeout"), out.dns_timeout);
}

void apply_tls(const ConfigSettings& s, const GivenOnCommandLine& given,
               transport::TlsSettings& out) {
  if (s.tls && !given("--tls")) {
    // config_keys checked the name, so the lookup cannot fail here.
    out.policy = smtp::tls_policy_from_string(s.tls->value).value_or(out.policy);
  }
  apply(s.ca_file, given("--ca-file"), out.ca_file);
  apply(s.ca_path, given("--ca-path"), out.ca_path);
  apply(s.tls_cert, given("--tls-cert"), out.cert_file);
  apply(s.tls_key, given("--tls-key"), out.key_file);
}

}  // namespace

void apply_config(const ConfigSettings& settings, const GivenOnCommandLine& given,
                  Request& request) {
  apply_envelope(settings, given, request);
  apply_dsn(settings, given, request.dsn);
  apply_routing(settings, given, request.delivery);
  apply(settings.max_size, given("--max-size"), request.max_size);
  apply_tls(settings, given, request.delivery.tls);
}

}  // namespace smtpsend::cli
