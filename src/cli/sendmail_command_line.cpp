#include "config_file.hpp"
#include "smtpsend/cli/sendmail.hpp"

namespace smtpsend::cli {

CommandLine parse_sendmail_command_line(std::span<const std::string> args, const HostIdentity& host,
                                        std::span<const std::string> default_config_paths) {
  SendmailArgs translated = translate_sendmail_args(args);
  if (!translated.error.empty()) {
    CommandLine refused;
    refused.exit_code = ExitCode::usage;
    refused.error = std::move(translated.error);
    return refused;
  }
  CommandLine result = parse_command_line(translated.smtpsend_args, host, default_config_paths);
  if (result.request) {
    result.request->stdin_ends_at_dot_line = translated.dot_line_ends_input;
    result.request->as_sendmail = true;
  }
  return result;
}

CommandLine parse_sendmail_command_line(std::span<const std::string> args,
                                        const HostIdentity& host) {
  return parse_sendmail_command_line(args, host, default_config_paths());
}

}  // namespace smtpsend::cli
