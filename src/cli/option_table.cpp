#include "option_table.hpp"

#include <array>

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

using enum Option;
using enum Shape;
using enum InFile;

// The help texts are SPEC.md's wording, shortened to one --help line each.
constexpr std::array<OptionSpec, kOptionCount> kTable{{
    {help, "-h,--help", Shape::help_flag, "", "print this help and exit", command_line_only},
    {message, "-m,--message", values, "FILE",
     "an RFC 5322 message to send; - is stdin. Repeatable: several messages in one run share "
     "connections. Default: one message from stdin.",
     command_line_only},
    {read_to_end, "-i", flag, "", "(also -oi) accepted; smtpsend always reads to end of input",
     no_key},
    {read_recipients, "-t,--read-recipients", flag, "",
     "also take recipients from the message's To:, Cc:, Bcc: headers (or, when any "
     "Resent-To/Cc/Bcc is present, from those instead); added to command-line recipients, "
     "duplicates sent once; Bcc: and Resent-Bcc: are removed before sending",
     command_line_only},
    {from_name, "-F,--from-name", value, "NAME",
     "display name of the generated From:; a message sent as it is without From: gets \"From: "
     "NAME <sender>\"",
     key},
    {subject, "-s,--subject", value, "TEXT",
     "compose: Subject (non-ASCII is RFC 2047-encoded). Any composing option makes stdin the "
     "body, not a whole message",
     composing_only},
    {header, "-H,--header", values, "\"Name: value\"",
     "compose: extra header, repeatable; a CR or LF in a value is a usage error. Non-ASCII is "
     "RFC 2047-encoded (only display names in address fields; refused in other structured "
     "fields such as Message-ID); long values are folded",
     composing_only},
    {body, "--body", value, "FILE", "compose: body text from FILE instead of stdin",
     composing_only},
    {attach, "-a,--attach", values, "FILE",
     "compose: attachment, repeatable; MIME type detected, base64-encoded", composing_only},
    {from, "-f,--from", value, "ADDR",
     "envelope sender (MAIL FROM). Default: the address in From: (else Sender:), else "
     "$USER@<qualify-domain>. -f '' and -f '<>' are the null sender.",
     key},
    {qualify_domain, "--qualify-domain", value, "DOMAIN",
     "domain added to addresses without one (root -> root@DOMAIN); default: this host's FQDN", key},
    {recipients_file, "--recipients-file", value, "FILE",
     "one recipient a line (blank lines and # comments ignored)", key},
    {aliases, "--aliases", value, "FILE",
     "aliases file (sendmail format, e.g. /etc/aliases): a recipient without a domain, or at "
     "the qualify domain, this host's name or localhost, is looked up by its local part",
     key},
    {each, "--each", flag, "",
     "one message of its own per recipient (a mailing): To: names only that recipient, Cc: is "
     "removed, each copy gets its own Message-ID",
     command_line_only},
    {recipients, "RECIPIENT", positional, "ADDRESS",
     "envelope recipients (local@domain, local@[192.0.2.1], UTF-8 allowed); they apply to "
     "every -m message",
     no_key},
    {dns_server, "--dns-server", values, "IP[:PORT]",
     "DNS servers to use instead of the system's (repeatable)", key},
    {mx_port, "--mx-port", value, "PORT", "port for MX hosts (default 25)", key, "25"},
    {helo, "--helo", value, "NAME",
     "EHLO name (default: this host's FQDN, else the local address as [literal])", key},
    {ipv4_only, "-4", flag, "", "IPv4 only", no_key},
    {ipv6_only, "-6", flag, "", "IPv6 only", no_key},
    {max_parallel, "--max-parallel", value, "N",
     "destinations delivered at the same time (default 8)", key, "8"},
    {max_addresses, "--max-addresses", value, "N",
     "addresses tried per destination, over all its MX hosts in order (default 5, as Postfix)", key,
     "5"},
    {timeout, "--timeout", value, "SECONDS",
     "overrides every SMTP stage timeout at once (defaults: RFC 5321 4.5.3.2)", key},
    {connect_timeout, "--connect-timeout", value, "SECONDS", "per address (default 30)", key, "30"},
    {dns_timeout, "--dns-timeout", value, "SECONDS",
     "whole DNS resolution of one destination (default 60); a timeout is a deferral", key, "60"},
    {max_size, "--max-size", value, "SIZE",
     "largest message accepted as input, in bytes as read (default 1G; k, M, G, T are powers "
     "of 1024); larger is 65 with nothing sent",
     key, "1G"},
    {dry_run, "--dry-run", flag, "",
     "resolve and print the delivery plan (domains, MX hosts, addresses, TLS policy); send "
     "nothing",
     command_line_only},
    {relay, "-r,--relay", value, "HOST[:PORT]",
     "send everything through one submission server: HOST[:PORT], smtp://HOST[:PORT] or "
     "smtps://HOST[:PORT] (default port 587; smtps:// 465); [::1]:587 for IPv6",
     key},
    {smtps, "--smtps", flag, "", "implicit TLS from the first byte (port 465) with --relay", key},
    {tls, "--tls", value, kTlsValueName,
     "opportunistic: STARTTLS when offered (default for MX delivery); required: fail if TLS "
     "cannot be set up; verify: required + certificate chain and host name verified (default "
     "with --relay)",
     key},
    {ca_file, "--ca-file", value, "FILE", "trust anchors (default: the system store)", key},
    {ca_path, "--ca-path", value, "DIR", "trust anchors (default: the system store)", key},
    {tls_cert, "--tls-cert", value, "FILE", "client certificate", key},
    {tls_key, "--tls-key", value, "FILE", "client certificate's key (default: in --tls-cert)", key},
    {user, "-u,--user", value, "NAME", "AUTH user; enables AUTH (with --relay)", key},
    {password_file, "--password-file", value, "FILE",
     "password source: the file's first line (also: --password-cmd, SMTPSEND_PASSWORD; never "
     "a command-line value)",
     key},
    {password_cmd, "--password-cmd", value, "CMD",
     "password source: the first line the command prints", key},
    {auth, "--auth", value, "MECH",
     "auto (default: the first both sides support of scram-sha-256, scram-sha-1, cram-md5, "
     "plain, login; oauthbearer then xoauth2 with --oauth-token-cmd), plain, login, cram-md5, "
     "scram-sha-1, scram-sha-256, xoauth2, oauthbearer",
     key},
    {oauth_token_cmd, "--oauth-token-cmd", value, "CMD", "prints an OAuth2 access token", key},
    {allow_plaintext_auth, "--allow-plaintext-auth", flag, "",
     "permit AUTH without TLS (otherwise refused: exit 77, no MAIL FROM sent)", key},
    {dsn_notify, "--dsn-notify", value, "never|success,failure,delay",
     "delivery status notifications wanted (RFC 3461 NOTIFY, sendmail -N); sent only to "
     "servers offering DSN",
     key},
    {dsn_return, "--dsn-return", value, "full|hdrs",
     "what a notification returns of the message (RFC 3461 RET, sendmail -R)", key},
    {dsn_envid, "--dsn-envid", value, "ID",
     "envelope identifier quoted in notifications (RFC 3461 ENVID, sendmail -V)", key},
    {queue, "--queue", value, "never|deferred|always",
     "never (smtpsend's default): a deferred recipient ends the run with 75; deferred (the "
     "default under the sendmail name): deferred recipients are queued and retried, and the run "
     "exits 0; always (sendmail -odq): queue without trying now",
     key},
    {queue_dir, "--queue-dir", value, "DIR",
     "the mail queue (default /var/spool/smtpsend for root, else "
     "$XDG_STATE_HOME/smtpsend/queue, i.e. ~/.local/state/smtpsend/queue; created 0700)",
     key},
    {retry_min, "--retry-min", value, "DURATION",
     "first retry of a queued recipient after this, plus up to 10 % (300s, 5m, 4h, 5d; 5m by "
     "default)",
     key},
    {retry_max, "--retry-max", value, "DURATION",
     "retries come at doubling intervals up to this one (4000s by default)", key},
    {queue_lifetime, "--queue-lifetime", value, "DURATION",
     "a queued recipient not delivered within this time of queueing is given up and bounced (5d "
     "by default)",
     key},
    {verbose, "-v", counted, "",
     "print the SMTP conversation on stderr; -vv adds DNS and TLS detail", command_line_only, "",
     "verbose"},
    {json, "--json", flag, "", "print one JSON document on stdout", command_line_only},
    {quiet, "-q", flag, "", "print nothing but fatal errors", command_line_only, "", "quiet"},
    {version, "--version", flag, "", "print the version and exit", command_line_only},
    {config, "-C,--config", value, "FILE",
     "configuration file (default: $XDG_CONFIG_HOME/smtpsend/config.toml, else "
     "/etc/smtpsend.toml); the command line overrides it",
     command_line_only},
    {account, "-A,--account", value, "NAME",
     "use the [account.NAME] table of the configuration file over its [defaults]",
     command_line_only},
    {family, "family", key_only, "", "\"ipv4\", \"ipv6\" or \"any\": -4 / -6", key},
    {password, "password", key_only, "", "the password itself (file only)", key},
    {bounce_to, "bounce-to", key_only, "",
     "where bounces go instead of the envelope sender; read when the bounce is made", key},
}};

constexpr bool in_enum_order() {
  for (std::size_t i = 0; i < kTable.size(); ++i) {
    if (static_cast<std::size_t>(kTable[i].id) != i) return false;
  }
  return true;
}
static_assert(in_enum_order(), "kTable lists every Option once, in the enum's order");

}  // namespace

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
