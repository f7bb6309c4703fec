#include "option_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>

#include "compose_options.hpp"
#include "option_values.hpp"
#include "smtpsend/cli/command_line.hpp"
#include "smtpsend/cli/relay_target.hpp"
#include "smtpsend/smtp/dsn.hpp"
#include "smtpsend/smtp/tls_policy.hpp"

namespace smtpsend::cli {
namespace {

// "none|opportunistic|required|verify", made from smtp/tls_policy.hpp's names at compile time.
constexpr std::size_t joined_size(std::span<const std::string_view> names) {
  std::size_t size = 0;
  for (const std::string_view name : names) size += name.size() + 1;
  return size - 1;
}
constexpr auto kTlsJoined = [] {
  std::array<char, joined_size(smtp::kTlsPolicyNames)> out{};
  std::size_t at = 0;
  for (std::size_t i = 0; i < smtp::kTlsPolicyNames.size(); ++i) {
    if (i > 0) out[at++] = '|';
    for (const char c : smtp::kTlsPolicyNames[i]) out[at++] = c;
  }
  return out;
}();
constexpr std::string_view kTlsValueName{kTlsJoined.data(), kTlsJoined.size()};

// The conversions the rows name. Each is the whole rule for its option, for the command line
// and the configuration file alike; `in.name` is what the sentence quotes.
using In = OptionInput;
using Error = std::string;

template <typename T>
using Parse = bool (*)(std::string_view, std::string_view, T&, std::string&);
using Check = bool (*)(std::string_view, std::string_view, std::string&);

template <typename T>
bool parsed(const In& in, Parse<T> parse, T& out, Error& e) {
  return parse(in.name, in.text(), out, e);
}

// The value, once `check` accepts it, into `out` (a std::string or an optional one).
template <typename Out>
bool checked(const In& in, Check check, Out& out, Error& e) {
  if (!check(in.name, in.text(), e)) return false;
  out = in.text();
  return true;
}

bool not_one_of(const In& in, std::span<const std::string_view> allowed, Error& e) {
  e = fmt::format("{} must be {}, not '{}'", in.label(), or_list(allowed), in.text());
  return false;
}

// -s, -F: a line break would start a header field of its own.
template <typename Out>
bool one_line(const In& in, Out& out, Error& e) {
  if (in.text().find_first_of("\r\n") != std::string::npos) {
    e = fmt::format("{}: the value must not contain CR or LF", in.label());
    return false;
  }
  out = in.text();
  return true;
}

bool apply_dns_servers(const In& in, Request& r, Error& e) {
  for (const std::string& server : in.texts) {
    if (!check_dns_server(in.name, server, e)) return false;
  }
  r.delivery.dns_servers.assign(in.texts.begin(), in.texts.end());
  return true;
}

bool apply_every_stage_timeout(const In& in, Request& r, Error& e) {
  std::chrono::seconds seconds{};
  if (!parsed(in, parse_seconds, seconds, e)) return false;
  r.delivery.session.timeouts.every_stage = seconds;
  return true;
}

bool apply_family(const In& in, Request& r, Error& e) {
  constexpr std::array<std::pair<std::string_view, dns::AddressFamily>, 3> kFamilies{{
      {"ipv4", dns::AddressFamily::ipv4},
      {"ipv6", dns::AddressFamily::ipv6},
      {"any", dns::AddressFamily::any},
  }};
  for (const auto& [spelling, chosen] : kFamilies) {
    if (in.text() != spelling) continue;
    r.delivery.route.family = chosen;
    return true;
  }
  e = fmt::format("{} must be \"ipv4\", \"ipv6\" or \"any\", not '{}'", in.label(), in.text());
  return false;
}

// A file's recipients-file names a file: stdin is this run's message (or nothing under cron).
bool apply_recipients_file(const In& in, Request& r, Error& e) {
  if (in.in_file && in.text() == kStdinPath) {
    e = fmt::format("{} cannot be '-' (stdin) in a configuration file", in.label());
    return false;
  }
  r.recipients_file = in.path(in.text());
  return true;
}

bool apply_headers(const In& in, Request& r, Error& e) {
  for (const std::string& header : in.texts) {
    if (!check_header_option(header, e)) return false;
  }
  r.compose.headers.assign(in.texts.begin(), in.texts.end());
  return true;
}

bool apply_attachments(const In& in, Request& r, Error& e) {
  for (const std::string& attachment : in.texts) {
    if (attachment == kStdinPath) {
      e = "-a needs a file: stdin ('-') cannot be an attachment";
      return false;
    }
  }
  r.compose.attachments.assign(in.texts.begin(), in.texts.end());
  return true;
}

// The relay and AUTH values go to Request::relay_auth as given; relay_options.cpp decides what
// they mean together (the relay's port with --smtps, whether AUTH is asked for).
bool apply_relay(const In& in, Request& r, Error& e) {
  delivery::RelayRoute route;
  if (!parse_relay_target(in.text(), route, e)) {
    e = fmt::format("{}: {}", in.label(), e);
    return false;
  }
  r.relay_auth.relay = std::move(route);
  return true;
}

// The command line's password source is tried before SMTPSEND_PASSWORD, the file's after it
// (SPEC.md "Authentication"), so each source keeps its own slot.
bool apply_password_file(const In& in, Request& r, Error&) {
  PasswordSources& sources = r.relay_auth.passwords;
  (in.in_file ? sources.config_file : sources.file) = in.path(in.text());
  return true;
}

bool apply_password_cmd(const In& in, Request& r, Error&) {
  PasswordSources& sources = r.relay_auth.passwords;
  (in.in_file ? sources.config_command : sources.command) = in.text();
  return true;
}

bool apply_tls_policy(const In& in, Request& r, Error& e) {
  const std::optional<smtp::TlsPolicy> policy = smtp::tls_policy_from_string(in.text());
  if (!policy) return not_one_of(in, smtp::kTlsPolicyNames, e);
  r.delivery.tls.policy = *policy;
  return true;
}

// relay_options.cpp turns it into the SASL preference once -u is known.
bool apply_auth(const In& in, Request& r, Error& e) {
  if (std::find(kAuthNames.begin(), kAuthNames.end(), in.text()) == kAuthNames.end()) {
    return not_one_of(in, kAuthNames, e);
  }
  r.relay_auth.mechanism = in.text();
  return true;
}

bool apply_dsn_notify(const In& in, Request& r, Error& e) {
  return smtp::parse_dsn_notify(in.text(), r.envelope_parameters.dsn.notify, e);
}

bool apply_dsn_return(const In& in, Request& r, Error& e) {
  smtp::DsnReturn ret{};
  if (!smtp::parse_dsn_return(in.text(), ret, e)) return false;
  r.envelope_parameters.dsn.ret = ret;
  return true;
}

bool apply_dsn_envid(const In& in, Request& r, Error& e) {
  if (!smtp::check_dsn_envid(in.text(), e)) return false;
  r.envelope_parameters.dsn.envid = in.text();
  return true;
}

bool apply_dkim_keys(const In& in, Request& r, Error& e) {
  std::vector<DkimKeyFile> keys;
  for (const std::string& text : in.texts) {
    DkimKeyFile key;
    if (!parse_dkim_key(in.name, text, key, e)) return false;
    key.path = in.path(key.path);
    keys.push_back(std::move(key));
  }
  r.dkim = std::move(keys);
  return true;
}

bool apply_queue_mode(const In& in, Request& r, Error& e) {
  r.queue.mode = parse_queue_mode(in.text());
  if (r.queue.mode) return true;
  constexpr std::array<std::string_view, 3> kModes{"never", "deferred", "always"};
  return not_one_of(in, kModes, e);
}

using enum Option;
using enum Shape;
using enum InFile;

// The help texts are SPEC.md's wording, shortened to one --help line each.
constexpr std::array<OptionSpec, kOptionCount> kTable{{
    {help, "-h,--help", Shape::help_flag, "", "print this help and exit", command_line_only,
     nullptr},
    {message, "-m,--message", values, "FILE",
     "an RFC 5322 message to send; - is stdin. Repeatable: several messages in one run share "
     "connections. Default: one message from stdin.",
     command_line_only,
     [](const In& in, Request& r, Error&) {
       r.message_paths = {in.texts.begin(), in.texts.end()};
       return true;
     }},
    {read_to_end, "-i", flag, "", "(also -oi) accepted; smtpsend always reads to end of input",
     no_key, nullptr},
    {read_recipients, "-t,--read-recipients", flag, "",
     "also take recipients from the message's To:, Cc:, Bcc: headers (or, when any "
     "Resent-To/Cc/Bcc is present, from those instead); added to command-line recipients, "
     "duplicates sent once; Bcc: and Resent-Bcc: are removed before sending",
     command_line_only,
     [](const In& in, Request& r, Error&) {
       r.read_recipients = in.flag;
       return true;
     }},
    {from_name, "-F,--from-name", value, "NAME",
     "display name of the generated From:; a message sent as it is without From: gets \"From: "
     "NAME <sender>\"",
     any_text, [](const In& in, Request& r, Error& e) { return one_line(in, r.from_name, e); }},
    {subject, "-s,--subject", value, "TEXT",
     "compose: Subject (non-ASCII is RFC 2047-encoded). Any composing option makes stdin the "
     "body, not a whole message",
     composing_only,
     [](const In& in, Request& r, Error& e) { return one_line(in, r.compose.subject, e); }},
    {header, "-H,--header", values, "\"Name: value\"",
     "compose: extra header, repeatable; a CR or LF in a value is a usage error. Non-ASCII is "
     "RFC 2047-encoded (only display names in address fields; refused in other structured "
     "fields such as Message-ID); long values are folded",
     composing_only, apply_headers},
    {body, "--body", value, "FILE", "compose: body text from FILE instead of stdin", composing_only,
     [](const In& in, Request& r, Error&) {
       r.compose.body_path = in.text();
       return true;
     }},
    {attach, "-a,--attach", values, "FILE",
     "compose: attachment, repeatable; MIME type detected, base64-encoded", composing_only,
     apply_attachments},
    {from, "-f,--from", value, "ADDR",
     "envelope sender (MAIL FROM). Default: the address in From: (else Sender:), else "
     "$USER@<qualify-domain>. -f '' and -f '<>' are the null sender.",
     any_text,
     [](const In& in, Request& r, Error&) {
       r.from = in.text();
       return true;
     }},
    {qualify_domain, "--qualify-domain", value, "DOMAIN",
     "domain added to addresses without one (root -> root@DOMAIN); default: this host's FQDN",
     any_text,
     [](const In& in, Request& r, Error& e) {
       return checked(in, check_qualify_domain, r.qualify_domain, e);
     }},
    {recipients_file, "--recipients-file", value, "FILE",
     "one recipient a line (blank lines and # comments ignored)", text, apply_recipients_file},
    {aliases, "--aliases", value, "FILE",
     "aliases file (sendmail format, e.g. /etc/aliases): a recipient without a domain, or at "
     "the qualify domain, this host's name or localhost, is looked up by its local part",
     text,
     [](const In& in, Request& r, Error&) {
       r.aliases_path = in.path(in.text());
       return true;
     }},
    {each, "--each", flag, "",
     "one message of its own per recipient (a mailing): To: names only that recipient, Cc: is "
     "removed, each copy gets its own Message-ID",
     command_line_only,
     [](const In& in, Request& r, Error&) {
       r.each = in.flag;
       return true;
     }},
    {recipients, "RECIPIENT", positional, "ADDRESS",
     "envelope recipients (local@domain, local@[192.0.2.1], UTF-8 allowed); they apply to "
     "every -m message",
     no_key,
     [](const In& in, Request& r, Error&) {
       r.recipients = {in.texts.begin(), in.texts.end()};
       return true;
     }},
    {dns_server, "--dns-server", values, "IP[:PORT]",
     "DNS servers to use instead of the system's (repeatable)", text_list, apply_dns_servers},
    {mx_port, "--mx-port", value, "PORT", "port for MX hosts (default 25)", integer,
     [](const In& in, Request& r, Error& e) {
       return parsed(in, parse_port, r.delivery.route.mx_port, e);
     },
     "25"},
    {helo, "--helo", value, "NAME",
     "EHLO name (default: this host's FQDN, else the local address as [literal])", any_text,
     [](const In& in, Request& r, Error& e) {
       return checked(in, check_helo_name, r.delivery.helo_name, e);
     }},
    {ipv4_only, "-4", flag, "", "IPv4 only", no_key,
     [](const In&, Request& r, Error&) {
       r.delivery.route.family = dns::AddressFamily::ipv4;
       return true;
     }},
    {ipv6_only, "-6", flag, "", "IPv6 only", no_key,
     [](const In&, Request& r, Error&) {
       r.delivery.route.family = dns::AddressFamily::ipv6;
       return true;
     }},
    {max_parallel, "--max-parallel", value, "N",
     "destinations delivered at the same time (default 8)", integer,
     [](const In& in, Request& r, Error& e) {
       return parsed(in, parse_parallel, r.delivery.max_parallel, e);
     },
     "8"},
    {max_addresses, "--max-addresses", value, "N",
     "addresses tried per destination, over all its MX hosts in order (default 5, as Postfix)",
     integer,
     [](const In& in, Request& r, Error& e) {
       return parsed(in, parse_address_limit, r.delivery.route.max_addresses, e);
     },
     "5"},
    {timeout, "--timeout", value, "SECONDS",
     "overrides every SMTP stage timeout at once (defaults: RFC 5321 4.5.3.2)", integer,
     apply_every_stage_timeout},
    {connect_timeout, "--connect-timeout", value, "SECONDS", "per address (default 30)", integer,
     [](const In& in, Request& r, Error& e) {
       return parsed(in, parse_seconds, r.delivery.connect_timeout, e);
     },
     "30"},
    {dns_timeout, "--dns-timeout", value, "SECONDS",
     "whole DNS resolution of one destination (default 60); a timeout is a deferral", integer,
     [](const In& in, Request& r, Error& e) {
       return parsed(in, parse_seconds, r.delivery.dns_timeout, e);
     },
     "60"},
    {max_size, "--max-size", value, "SIZE",
     "largest message accepted as input, in bytes as read (default 1G; k, M, G, T are powers "
     "of 1024); larger is 65 with nothing sent",
     size, [](const In& in, Request& r, Error& e) { return parsed(in, parse_size, r.max_size, e); },
     "1G"},
    {dry_run, "--dry-run", flag, "",
     "resolve and print the delivery plan (domains, MX hosts, addresses, TLS policy); send "
     "nothing",
     command_line_only,
     [](const In& in, Request& r, Error&) {
       r.dry_run = in.flag;
       return true;
     }},
    {relay, "-r,--relay", value, "HOST[:PORT]",
     "send everything through one submission server: HOST[:PORT], smtp://HOST[:PORT] or "
     "smtps://HOST[:PORT] (default port 587; smtps:// 465); [::1]:587 for IPv6",
     text, apply_relay},
    {smtps, "--smtps", flag, "", "implicit TLS from the first byte (port 465) with --relay",
     boolean,
     [](const In& in, Request& r, Error&) {
       r.relay_auth.smtps = in.flag;
       return true;
     }},
    {tls, "--tls", value, kTlsValueName,
     "opportunistic: STARTTLS when offered (default for MX delivery); required: fail if TLS "
     "cannot be set up; verify: required + certificate chain and host name verified (default "
     "with --relay)",
     any_text, apply_tls_policy},
    {ca_file, "--ca-file", value, "FILE", "trust anchors (default: the system store)", text,
     [](const In& in, Request& r, Error&) {
       r.delivery.tls.ca_file = in.path(in.text());
       return true;
     }},
    {ca_path, "--ca-path", value, "DIR", "trust anchors (default: the system store)", text,
     [](const In& in, Request& r, Error&) {
       r.delivery.tls.ca_path = in.path(in.text());
       return true;
     }},
    {tls_cert, "--tls-cert", value, "FILE", "client certificate", text,
     [](const In& in, Request& r, Error&) {
       r.delivery.tls.cert_file = in.path(in.text());
       return true;
     }},
    {tls_key, "--tls-key", value, "FILE", "client certificate's key (default: in --tls-cert)", text,
     [](const In& in, Request& r, Error&) {
       r.delivery.tls.key_file = in.path(in.text());
       return true;
     }},
    {user, "-u,--user", value, "NAME", "AUTH user; enables AUTH (with --relay)", text,
     [](const In& in, Request& r, Error&) {
       r.relay_auth.user = in.text();
       return true;
     }},
    {password_file, "--password-file", value, "FILE",
     "password source: the file's first line (also: --password-cmd, SMTPSEND_PASSWORD; never "
     "a command-line value)",
     text, apply_password_file},
    {password_cmd, "--password-cmd", value, "CMD",
     "password source: the first line the command prints", text, apply_password_cmd},
    {auth, "--auth", value, "MECH",
     "auto (default: the first both sides support of scram-sha-256, scram-sha-1, cram-md5, "
     "plain, login; oauthbearer then xoauth2 with --oauth-token-cmd), plain, login, cram-md5, "
     "scram-sha-1, scram-sha-256, xoauth2, oauthbearer",
     any_text, apply_auth},
    {oauth_token_cmd, "--oauth-token-cmd", value, "CMD", "prints an OAuth2 access token", text,
     [](const In& in, Request& r, Error&) {
       r.relay_auth.oauth_token_cmd = in.text();
       return true;
     }},
    {allow_plaintext_auth, "--allow-plaintext-auth", flag, "",
     "permit AUTH without TLS (otherwise refused: exit 77, no MAIL FROM sent)", boolean,
     [](const In& in, Request& r, Error&) {
       r.relay_auth.allow_plaintext = in.flag;
       return true;
     }},
    {dsn_notify, "--dsn-notify", value, "never|success,failure,delay",
     "delivery status notifications wanted (RFC 3461 NOTIFY, sendmail -N); sent only to "
     "servers offering DSN",
     any_text, apply_dsn_notify},
    {dsn_return, "--dsn-return", value, "full|hdrs",
     "what a notification returns of the message (RFC 3461 RET, sendmail -R)", any_text,
     apply_dsn_return},
    {dsn_envid, "--dsn-envid", value, "ID",
     "envelope identifier quoted in notifications (RFC 3461 ENVID, sendmail -V)", any_text,
     apply_dsn_envid},
    {dkim, "--dkim", values, "SELECTOR:KEYFILE",
     "DKIM-sign with this PEM key (repeatable: an RSA key of at least 2048 bits and an Ed25519 "
     "key give two signatures, RSA topmost); a key file readable by group or others, not PEM, "
     "or RSA under 2048 bits is 78",
     text_list, apply_dkim_keys},
    {dkim_domain, "--dkim-domain", value, "DOMAIN",
     "DKIM d=; default: the domain of From:", any_text,
     [](const In& in, Request& r, Error& e) {
       return checked(in, check_dkim_domain, r.dkim_domain, e);
     }},
    {queue, "--queue", value, "never|deferred|always",
     "never (smtpsend's default): a deferred recipient ends the run with 75; deferred (the "
     "default under the sendmail name): deferred recipients are queued and retried, and the run "
     "exits 0; always (sendmail -odq): queue without trying now",
     any_text, apply_queue_mode},
    {queue_dir, "--queue-dir", value, "DIR",
     "the mail queue (default /var/spool/smtpsend for root, else "
     "$XDG_STATE_HOME/smtpsend/queue, i.e. ~/.local/state/smtpsend/queue; created 0700)",
     text,
     [](const In& in, Request& r, Error&) {
       r.queue_dir = in.path(in.text());
       return true;
     }},
    {retry_min, "--retry-min", value, "DURATION",
     "first retry of a queued recipient after this, plus up to 10 % (300s, 5m, 4h, 5d; 5m by "
     "default)",
     duration,
     [](const In& in, Request& r, Error& e) {
       return parsed(in, parse_duration, r.queue.retry_min, e);
     }},
    {retry_max, "--retry-max", value, "DURATION",
     "retries come at doubling intervals up to this one (4000s by default)", duration,
     [](const In& in, Request& r, Error& e) {
       return parsed(in, parse_duration, r.queue.retry_max, e);
     }},
    {queue_lifetime, "--queue-lifetime", value, "DURATION",
     "a queued recipient not delivered within this time of queueing is given up and bounced (5d "
     "by default)",
     duration,
     [](const In& in, Request& r, Error& e) {
       return parsed(in, parse_duration, r.queue.lifetime, e);
     }},
    {verbose, "-v", counted, "",
     "print the SMTP conversation on stderr; -vv adds DNS and TLS detail", command_line_only,
     [](const In& in, Request& r, Error&) {
       r.verbosity = in.count;
       return true;
     },
     "", "verbose"},
    {json, "--json", flag, "", "print one JSON document on stdout", command_line_only,
     [](const In& in, Request& r, Error&) {
       r.json = in.flag;
       return true;
     }},
    {quiet, "-q", flag, "", "print nothing but fatal errors", command_line_only,
     [](const In& in, Request& r, Error&) {
       r.quiet = in.flag;
       return true;
     },
     "", "quiet"},
    {version, "--version", flag, "", "print the version and exit", command_line_only, nullptr},
    {config, "-C,--config", value, "FILE",
     "configuration file (default: $XDG_CONFIG_HOME/smtpsend/config.toml, else "
     "/etc/smtpsend.toml); the command line overrides it",
     command_line_only, nullptr},
    {account, "-A,--account", value, "NAME",
     "use the [account.NAME] table of the configuration file over its [defaults]",
     command_line_only, nullptr},
    {family, "family", key_only, "", "\"ipv4\", \"ipv6\" or \"any\": -4 / -6", any_text,
     apply_family},
    {password, "password", key_only, "", "the password itself (file only)", secret, nullptr},
    {bounce_to, "bounce-to", key_only, "",
     "where bounces go instead of the envelope sender; read when the bounce is made", text,
     [](const In& in, Request& r, Error&) {
       r.queue.bounce_to = in.text();
       return true;
     }},
}};

constexpr bool in_enum_order() {
  for (std::size_t i = 0; i < kTable.size(); ++i) {
    if (static_cast<std::size_t>(kTable[i].id) != i) return false;
  }
  return true;
}
static_assert(in_enum_order(), "kTable lists every Option once, in the enum's order");

}  // namespace

std::string OptionInput::path(const std::string& name) const {
  if (!in_file || name == kStdinPath || std::filesystem::path(name).is_absolute()) return name;
  return (std::filesystem::path(directory) / name).lexically_normal().string();
}

std::string OptionInput::label() const {
  return in_file ? fmt::format("'{}'", name) : std::string(name);
}

std::span<const OptionSpec> option_table() noexcept {
  return kTable;
}

const OptionSpec& option_spec(Option id) noexcept {
  return kTable[static_cast<std::size_t>(id)];
}

std::string_view long_name(const OptionSpec& spec) noexcept {
  const std::size_t dashes = spec.names.find("--");
  return dashes == std::string_view::npos ? std::string_view() : spec.names.substr(dashes + 2);
}

std::string_view command_line_name(const OptionSpec& spec) noexcept {
  const std::size_t dashes = spec.names.find("--");
  if (dashes != std::string_view::npos) return spec.names.substr(dashes);
  return spec.names.substr(0, spec.names.find(','));
}

std::vector<std::string_view> spellings(const OptionSpec& spec) {
  std::vector<std::string_view> out;
  std::string_view rest = spec.names;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    out.push_back(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  return out;
}

std::string_view config_key(const OptionSpec& spec) noexcept {
  if (spec.in_file == InFile::no_key) return {};
  if (!spec.key.empty()) return spec.key;
  if (spec.shape == Shape::key_only) return spec.names;
  return long_name(spec);
}

const OptionSpec* option_for_key(std::string_view key) noexcept {
  for (const OptionSpec& spec : kTable) {
    if (!key.empty() && config_key(spec) == key) return &spec;
  }
  return nullptr;
}

}  // namespace smtpsend::cli
