#include "smtpsend/cli/dkim_command_line.hpp"

#include <CLI/CLI.hpp>
#include <vector>

#include "option_values.hpp"
#include "usage_sentence.hpp"

namespace smtpsend::cli {
namespace {

DkimCommandLine usage(std::string sentence) {
  DkimCommandLine result;
  result.exit_code = ExitCode::usage;
  result.error = std::move(sentence);
  return result;
}

}  // namespace

DkimCommandLine parse_dkim_command_line(std::span<const std::string> args) {
  constexpr const char* kUsage =
      "smtpsend dkim keygen --domain D --selector S [--type ed25519|rsa] [--out FILE]";
  if (args.empty() || (args[0] != "keygen" && args[0] != "-h" && args[0] != "--help")) {
    return usage(args.empty() ? std::string("dkim needs a subcommand: ") + kUsage
                              : "unknown dkim subcommand '" + args[0] + "': " + kUsage);
  }
  if (args[0] != "keygen") {
    DkimCommandLine result;
    result.output = std::string("Usage: ") + kUsage + "\n";
    return result;
  }
  CLI::App app{"Write a new DKIM private key (mode 0600) and print the TXT record to publish.",
               "smtpsend dkim keygen"};
  DkimKeygenRequest request;
  std::string type = "rsa";
  app.add_option("--domain", request.domain, "the signing domain (d=)")
      ->type_name("DOMAIN")
      ->required();
  app.add_option("--selector", request.selector, "the selector (s=)")
      ->type_name("SELECTOR")
      ->required();
  app.add_option("--type", type, "rsa (2048 bits, the default) or ed25519 (RFC 8463)")
      ->type_name("ed25519|rsa");
  app.add_option("--out", request.out_path,
                 "the key file to write (default: SELECTOR._domainkey.DOMAIN.pem); an existing "
                 "file is never overwritten (73)")
      ->type_name("FILE");
  std::vector<const char*> argv{"smtpsend dkim keygen"};
  for (const std::string& arg : args.subspan(1)) argv.push_back(arg.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp&) {
    DkimCommandLine result;
    result.output = app.help();
    return result;
  } catch (const CLI::ParseError& e) {
    return usage(usage_sentence(e));
  }
  if (type == "ed25519") {
    request.type = message::dkim::KeyType::ed25519;
  } else if (type != "rsa") {
    return usage("--type must be rsa or ed25519, not '" + type + "'");
  }
  std::string error;
  if (!check_dkim_domain("--domain", request.domain, error)) return usage(error);
  if (!message::dkim::is_valid_selector(request.selector)) {
    return usage("--selector: '" + request.selector +
                 "' is not a DKIM selector (letters, digits, '-' and '.')");
  }
  if (request.out_path.empty()) {
    request.out_path = request.selector + "._domainkey." + request.domain + ".pem";
  }
  DkimCommandLine result;
  result.keygen = std::move(request);
  return result;
}

}  // namespace smtpsend::cli
