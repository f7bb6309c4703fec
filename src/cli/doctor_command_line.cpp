#include "smtpsend/cli/doctor_command_line.hpp"

#include <arpa/inet.h>

#include <CLI/CLI.hpp>
#include <algorithm>

#include "option_values.hpp"
#include "smtpsend/dns/mx_plan.hpp"
#include "tls_options.hpp"
#include "usage_sentence.hpp"

namespace smtpsend::cli {
namespace {

struct RawDoctorOptions {
  std::string from;
  std::string helo;
  std::string public_ip;
  std::vector<std::string> to;
  std::vector<std::string> dkim;
  std::vector<std::string> dns_servers;
  std::string mx_port;
  std::string ca_file;
  std::string ca_path;
  std::string connect_timeout;
  std::string timeout;
  std::string dns_timeout;
  bool json = false;
};

void build_app(CLI::App& app, RawDoctorOptions& raw) {
  app.add_option("--from", raw.from, "sender address whose domain is checked (SPF, DKIM, DMARC)");
  app.add_option("--helo", raw.helo, "EHLO name (default: this host's FQDN)");
  app.add_option("--public-ip", raw.public_ip,
                 "this host's public IP (default: what an MX host reports, else a global "
                 "address of this host)");
  app.add_option("--to", raw.to, "recipient domains whose MX hosts are probed");
  app.add_option("--dkim", raw.dkim, "SELECTOR:KEYFILE whose published key is compared");
  app.add_option("--dns-server", raw.dns_servers, "DNS server IP[:PORT] (repeatable)");
  app.add_option("--mx-port", raw.mx_port, "port of the MX hosts (default 25)");
  app.add_option("--ca-file", raw.ca_file, "trust anchors for the MX certificates");
  app.add_option("--ca-path", raw.ca_path, "directory of trust anchors");
  app.add_option("--connect-timeout", raw.connect_timeout, "seconds per connection (default 30)");
  app.add_option("--timeout", raw.timeout, "seconds per reply (default 30)");
  app.add_option("--dns-timeout", raw.dns_timeout, "seconds per DNS lookup (default 60)");
  app.add_flag("--json", raw.json, "one JSON document on stdout");
}

DoctorCommandLine usage(std::string error) {
  DoctorCommandLine result;
  result.exit_code = ExitCode::usage;
  result.error = std::move(error);
  return result;
}

bool ascii_domain(std::string_view option, std::string_view text, std::string& out,
                  std::string& error) {
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  if (!dns::to_ascii_domain(text, out) || !is_ldh_domain(out) ||
      out.find('.') == std::string::npos) {
    error = std::string(option) + " must be a domain name, not '" + std::string(text) + "'";
    return false;
  }
  return true;
}

bool is_ip(const std::string& text) {
  unsigned char bytes[16];
  return inet_pton(AF_INET, text.c_str(), bytes) == 1 ||
         inet_pton(AF_INET6, text.c_str(), bytes) == 1;
}

bool build_sender(const RawDoctorOptions& raw, const HostIdentity& host, DoctorRequest& request,
                  std::string& error) {
  // SPEC.md "Envelope": without -f, mail goes out as $USER@<qualify domain>; the doctor checks
  // what sending would use.
  request.sender = raw.from.empty() ? host.user + "@" + host.fqdn : raw.from;
  const auto at = request.sender.rfind('@');
  if (at == std::string::npos || at == 0) {
    error = "--from must be an address with a domain, not '" + request.sender + "'";
    return false;
  }
  return ascii_domain("--from", std::string_view(request.sender).substr(at + 1),
                      request.sender_domain, error);
}

bool build_domains(const RawDoctorOptions& raw, DoctorRequest& request, std::string& error) {
  for (const std::string& text : raw.to) {
    // A whole address is taken for its domain, as a user may paste a recipient.
    const auto at = text.rfind('@');
    std::string domain;
    if (!ascii_domain("--to", at == std::string::npos ? text : text.substr(at + 1), domain,
                      error)) {
      return false;
    }
    if (std::find(request.to_domains.begin(), request.to_domains.end(), domain) ==
        request.to_domains.end()) {
      request.to_domains.push_back(std::move(domain));
    }
  }
  return true;
}

bool build_network(const RawDoctorOptions& raw, DoctorRequest& request, std::string& error) {
  for (const std::string& server : raw.dns_servers) {
    if (!check_dns_server("--dns-server", server, error)) return false;
  }
  request.dns_servers = raw.dns_servers;
  if (!raw.mx_port.empty() && !parse_port("--mx-port", raw.mx_port, request.mx_port, error)) {
    return false;
  }
  if (!raw.connect_timeout.empty() &&
      !parse_seconds("--connect-timeout", raw.connect_timeout, request.timeouts.connect, error)) {
    return false;
  }
  if (!raw.timeout.empty()) {
    std::chrono::seconds every{};
    if (!parse_seconds("--timeout", raw.timeout, every, error)) return false;
    request.timeouts.stages.every_stage = every;
  }
  return raw.dns_timeout.empty() ||
         parse_seconds("--dns-timeout", raw.dns_timeout, request.dns_timeout, error);
}

bool build_request(const RawDoctorOptions& raw, const HostIdentity& host, DoctorRequest& request,
                   std::string& error) {
  request.json = raw.json;
  request.helo = raw.helo.empty() ? host.fqdn : raw.helo;
  if (!check_helo_name("--helo", request.helo, error)) return false;
  if (!raw.public_ip.empty()) {
    if (!is_ip(raw.public_ip)) {
      error = "--public-ip must be an IP address, not '" + raw.public_ip + "'";
      return false;
    }
    request.public_ip = raw.public_ip;
  }
  for (const std::string& text : raw.dkim) {
    DkimKeyFile key;
    if (!parse_dkim_key("--dkim", text, key, error)) return false;
    request.dkim.push_back(std::move(key));
  }
  request.tls.ca_file = raw.ca_file;
  request.tls.ca_path = raw.ca_path;
  return build_sender(raw, host, request, error) && build_domains(raw, request, error) &&
         build_network(raw, request, error);
}

}  // namespace

DoctorCommandLine parse_doctor_command_line(std::span<const std::string> args,
                                            const HostIdentity& host) {
  CLI::App app{"smtpsend doctor: may this host send mail direct?", "smtpsend doctor"};
  RawDoctorOptions raw;
  build_app(app, raw);
  std::vector<const char*> argv{"smtpsend doctor"};
  for (const auto& arg : args) argv.push_back(arg.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp&) {
    DoctorCommandLine help;
    help.output = app.help();
    return help;
  } catch (const CLI::ParseError& e) {
    return usage(usage_sentence(e));
  }
  DoctorRequest request;
  std::string error;
  if (!build_request(raw, host, request, error)) return usage(std::move(error));
  if (!check_tls_files(request.tls, error)) {
    DoctorCommandLine result = usage(std::move(error));
    result.exit_code = ExitCode::no_input;
    return result;
  }
  DoctorCommandLine result;
  result.request = std::move(request);
  return result;
}

}  // namespace smtpsend::cli
