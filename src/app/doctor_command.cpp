#include "doctor_command.hpp"

#include <boost/json.hpp>

#include "smtpsend/cli/doctor_command_line.hpp"
#include "smtpsend/doctor/doctor.hpp"
#include "smtpsend/message/dkim/key.hpp"
#include "smtpsend/report/failure_lines.hpp"
#include "smtpsend/report/sanitize.hpp"

namespace smtpsend::app {
namespace {

int status(ExitCode code) {
  return static_cast<int>(code);
}

// --dkim's key files, read as sending reads them (78 naming the file); only the public half is
// kept: the doctor compares it with the published p=.
bool load_keys(const cli::DoctorRequest& request, std::vector<doctor::DkimKey>& keys,
               std::string& error) {
  for (const cli::DkimKeyFile& file : request.dkim) {
    const auto key = message::dkim::load_private_key(file.path, error);
    if (!key) return false;
    keys.push_back({file.selector, key->public_key(),
                    std::string(message::dkim::key_type_name(key->type()))});
  }
  return true;
}

doctor::DoctorOptions doctor_options(const cli::DoctorRequest& request) {
  doctor::DoctorOptions options;
  options.from_domain = request.sender_domain;
  options.sender = request.sender;
  options.helo = request.helo;
  options.public_ip = request.public_ip;
  options.to_domains = request.to_domains;
  options.dns_servers = request.dns_servers;
  options.mx_port = request.mx_port;
  options.timeouts = request.timeouts;
  options.dns_timeout = request.dns_timeout;
  options.tls = request.tls;
  return options;
}

}  // namespace

std::string doctor_text(std::span<const doctor::Check> checks) {
  std::string text;
  for (const doctor::Check& check : checks) {
    std::string verdict(doctor::to_string(check.verdict));
    verdict.resize(std::string_view("UNKNOWN").size(), ' ');
    text += verdict + "  " + check.name + ": " + report::sanitize_server_text(check.evidence);
    if (!check.fix.empty()) text += "; " + report::sanitize_server_text(check.fix);
    text += '\n';
  }
  return text;
}

std::string doctor_json(std::span<const doctor::Check> checks, ExitCode exit_code) {
  namespace json = boost::json;
  json::array array;
  for (const doctor::Check& check : checks) {
    array.push_back(json::object{{"check", check.name},
                                 {"verdict", std::string(doctor::to_string(check.verdict))},
                                 {"evidence", report::sanitize_server_text(check.evidence)},
                                 {"fix", report::sanitize_server_text(check.fix)}});
  }
  const json::object document{{"checks", std::move(array)},
                              {"exit_code", static_cast<int>(exit_code)}};
  return json::serialize(document) + "\n";
}

int run_doctor_command(std::span<const std::string> args, const cli::HostIdentity& host,
                       std::ostream& out, std::ostream& err) {
  const cli::DoctorCommandLine command_line = cli::parse_doctor_command_line(args, host);
  if (!command_line.request) {
    out << command_line.output;
    if (!command_line.error.empty()) err << report::fatal_line(command_line.error) << '\n';
    return status(command_line.exit_code);
  }
  const cli::DoctorRequest& request = *command_line.request;
  doctor::DoctorOptions options = doctor_options(request);
  std::string error;
  if (!load_keys(request, options.dkim, error)) {
    err << report::fatal_line(error) << '\n';
    return status(ExitCode::config);
  }
  const doctor::DoctorReport result = doctor::run_doctor(options);
  if (result.fatal) {
    err << report::fatal_line(result.fatal_detail) << '\n';
    return status(ExitCode::os_error);
  }
  const ExitCode code = doctor::doctor_exit_code(result.checks);
  out << (request.json ? doctor_json(result.checks, code) : doctor_text(result.checks));
  out.flush();
  if (!out) {
    err << report::fatal_line("cannot write to stdout") << '\n';
    return status(ExitCode::io_error);
  }
  return status(code);
}

}  // namespace smtpsend::app
