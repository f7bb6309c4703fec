#include "config_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "applied_settings.hpp"
#include "smtpsend/cli/command_line.hpp"
#include "smtpsend/delivery/host_tls.hpp"

namespace smtpsend::cli {
namespace {

using testing::applied;

constexpr unsigned kPrivate = 0600;
const std::string kPath = "/home/alice/.config/smtpsend/config.toml";

ConfigLoad parse(const std::string& text, std::optional<std::string> account = std::nullopt,
                 unsigned mode = kPrivate) {
  return parse_config(kPath, text, mode, account);
}

ConfigSettings settings(const std::string& text) {
  ConfigLoad load = parse(text);
  EXPECT_EQ(load.error, "");
  return load.settings;
}

Request applied(const std::string& text) {
  return applied(settings(text));
}

void expect_error(const std::string& text, const std::string& error) {
  const ConfigLoad load = parse(text);
  EXPECT_EQ(load.error, error);
  EXPECT_EQ(load.error.find('\n'), std::string::npos);
}

TEST(ConfigKeys, StringKeys) {
  const ConfigSettings s = settings(
      "[defaults]\n"
      "from = \"cron@example.org\"\n"
      "qualify-domain = \"example.org\"\n"
      "helo = \"client.example.org\"\n");
  ASSERT_TRUE(s.has(Option::from) && s.has(Option::qualify_domain) && s.has(Option::helo));
  EXPECT_EQ(s.line(Option::from), 2);
  EXPECT_EQ(s.line(Option::helo), 4);
  const Request r = applied(s);
  EXPECT_EQ(r.from, "cron@example.org");
  EXPECT_EQ(r.qualify_domain, "example.org");
  EXPECT_EQ(r.delivery.helo_name, "client.example.org");
}

TEST(ConfigKeys, EmptyFromIsTheNullSender) {
  EXPECT_EQ(applied("[defaults]\nfrom = \"\"\n").from, "");
}

TEST(ConfigKeys, IntegerKeys) {
  const Request r = applied(
      "[defaults]\nmx-port = 2525\nmax-parallel = 3\ntimeout = 120\nconnect-timeout = 7\n"
      "dns-timeout = 9\n");
  EXPECT_EQ(r.delivery.route.mx_port, 2525);
  EXPECT_EQ(r.delivery.max_parallel, 3u);
  EXPECT_EQ(r.delivery.session.timeouts.every_stage, std::chrono::seconds(120));
  EXPECT_EQ(r.delivery.connect_timeout, std::chrono::seconds(7));
  EXPECT_EQ(r.delivery.dns_timeout, std::chrono::seconds(9));
}

TEST(ConfigKeys, DnsServerAsStringOrArray) {
  EXPECT_EQ(applied("[defaults]\ndns-server = \"127.0.0.1:5353\"\n").delivery.dns_servers,
            std::vector<std::string>{"127.0.0.1:5353"});
  EXPECT_EQ(applied("[defaults]\ndns-server = [\"192.0.2.1\", \"[2001:db8::1]:53\"]\n")
                .delivery.dns_servers,
            (std::vector<std::string>{"192.0.2.1", "[2001:db8::1]:53"}));
  const ConfigSettings none = settings("[defaults]\ndns-server = []\n");
  ASSERT_TRUE(none.has(Option::dns_server));
  EXPECT_TRUE(applied(none).delivery.dns_servers.empty());
}

TEST(ConfigKeys, Family) {
  EXPECT_EQ(applied("[defaults]\nfamily = \"ipv4\"\n").delivery.route.family,
            dns::AddressFamily::ipv4);
  EXPECT_EQ(applied("[defaults]\nfamily = \"ipv6\"\n").delivery.route.family,
            dns::AddressFamily::ipv6);
  // "any" is also the built-in value: an account's "any" must undo the defaults' "ipv6".
  const ConfigLoad any =
      parse("[defaults]\nfamily = \"ipv6\"\n[account.a]\nfamily = \"any\"\n", "a");
  ASSERT_EQ(any.error, "");
  EXPECT_EQ(applied(any.settings).delivery.route.family, dns::AddressFamily::any);
  expect_error("[defaults]\nfamily = \"4\"\n",
               kPath + ":2: 'family' must be \"ipv4\", \"ipv6\" or \"any\", not '4'");
}

TEST(ConfigKeys, RecipientsFileIsResolvedAgainstTheFilesDirectory) {
  EXPECT_EQ(applied("[defaults]\nrecipients-file = \"list.txt\"\n").recipients_file,
            "/home/alice/.config/smtpsend/list.txt");
  EXPECT_EQ(applied("[defaults]\nrecipients-file = \"/srv/list\"\n").recipients_file, "/srv/list");
  expect_error("[defaults]\nrecipients-file = \"-\"\n",
               kPath + ":2: 'recipients-file' cannot be '-' (stdin) in a configuration file");
}

const std::string kWorkAccount =
    "[account.work]\n"
    "relay = \"smtps://mail.example.com\"\nuser = \"me\"\npassword-cmd = \"pass show mail\"\n"
    "tls = \"verify\"\nsmtps = true\nca-file = \"/etc/ca.pem\"\nca-path = \"/etc/ssl/certs\"\n"
    "tls-cert = \"c.pem\"\ntls-key = \"k.pem\"\nauth = \"scram-sha-256\"\n"
    "oauth-token-cmd = \"tok\"\nallow-plaintext-auth = false\n";

// Every table is checked on every run, but only the chosen account is applied: without -A the
// work account's keys are read and left out of the merged settings; with -A work they are in.
TEST(ConfigKeys, RelayTlsAndAuthKeysOfAnAccountNotChosenAreCheckedButNotApplied) {
  const ConfigLoad unused = parse(kWorkAccount);
  ASSERT_EQ(unused.error, "");
  for (const Option key :
       {Option::relay, Option::user, Option::password_cmd, Option::tls, Option::ca_file}) {
    EXPECT_FALSE(unused.settings.has(key)) << config_key(option_spec(key));
  }

  const ConfigLoad work = parse(kWorkAccount, "work");
  ASSERT_EQ(work.error, "");
  const ConfigSettings& s = work.settings;
  for (const Option key :
       {Option::relay, Option::user, Option::password_cmd, Option::tls, Option::smtps,
        Option::ca_file, Option::ca_path, Option::tls_cert, Option::tls_key, Option::auth,
        Option::oauth_token_cmd, Option::allow_plaintext_auth}) {
    EXPECT_TRUE(s.has(key)) << config_key(option_spec(key));
  }
  EXPECT_EQ(s.text(Option::relay), "smtps://mail.example.com");
  EXPECT_EQ(s.line(Option::relay), 2);
  EXPECT_EQ(s.text(Option::password_cmd), "pass show mail");
  EXPECT_TRUE(s.flag(Option::smtps));
  EXPECT_EQ(s.text(Option::auth), "scram-sha-256");
  EXPECT_FALSE(s.flag(Option::allow_plaintext_auth));
  const Request r = applied(s);
  EXPECT_EQ(r.delivery.tls.policy, smtp::TlsPolicy::verify);
  EXPECT_EQ(r.delivery.tls.ca_file, "/etc/ca.pem");
  EXPECT_EQ(r.delivery.tls.ca_path, "/etc/ssl/certs");
  EXPECT_EQ(r.delivery.tls.cert_file, "/home/alice/.config/smtpsend/c.pem");
  EXPECT_EQ(r.delivery.tls.key_file, "/home/alice/.config/smtpsend/k.pem");

  // A bad value in the account not chosen is still an error naming its line.
  const ConfigLoad bad = parse(kWorkAccount + "[account.home]\ntls = \"sometimes\"\n");
  EXPECT_EQ(bad.error, kPath +
                           ":15: 'tls' must be none, opportunistic, required or verify, not "
                           "'sometimes'");
}

// SPEC.md "Configuration": keys are the long option names. These four options exist, so they
// are keys too (found missing by an audit: they were "unknown key").
TEST(ConfigKeys, FromNameAndDsnKeys) {
  const ConfigSettings s = settings(
      "[defaults]\nfrom-name = \"Cron Daemon\"\ndsn-notify = \"failure, delay\"\n"
      "dsn-return = \"hdrs\"\ndsn-envid = \"QQ314159\"\n");
  EXPECT_EQ(s.line(Option::from_name), 2);
  const Request r = applied(s);
  EXPECT_EQ(r.from_name, "Cron Daemon");
  EXPECT_EQ(r.envelope_parameters.dsn.notify, "FAILURE,DELAY") << "normalised as -N is";
  EXPECT_EQ(r.envelope_parameters.dsn.ret, smtp::DsnReturn::headers);
  EXPECT_EQ(r.envelope_parameters.dsn.envid, "QQ314159");
  EXPECT_EQ(applied("[defaults]\ndsn-notify = \"never\"\n").envelope_parameters.dsn.notify,
            "NEVER");
  EXPECT_EQ(applied("[defaults]\ndsn-return = \"FULL\"\n").envelope_parameters.dsn.ret,
            smtp::DsnReturn::full);
}

TEST(ConfigKeys, FromNameAndDsnKeysAreCheckedLikeTheOptions) {
  expect_error("[defaults]\nfrom-name = \"Evil\\nBcc: x@y.z\"\n",
               kPath + ":2: 'from-name': the value must not contain CR or LF");
  expect_error("[defaults]\nfrom-name = 7\n",
               kPath + ":2: 'from-name' must be a string, not an integer");
  expect_error("[defaults]\ndsn-notify = \"never,success\"\n",
               kPath +
                   ":2: 'dsn-notify': -N (--dsn-notify): never cannot be combined with success, "
                   "failure or delay (RFC 3461 section 4.1)");
  expect_error("[defaults]\ndsn-notify = \"always\"\n",
               kPath +
                   ":2: 'dsn-notify': -N (--dsn-notify) takes never, or success, failure and "
                   "delay separated by commas, not 'always'");
  expect_error("[defaults]\ndsn-return = \"body\"\n",
               kPath + ":2: 'dsn-return': -R (--dsn-return) must be full or hdrs, not 'body'");
  expect_error("[defaults]\ndsn-envid = \"caf\u00e9\"\n",
               kPath +
                   ":2: 'dsn-envid': -V (--dsn-envid) must be printable US-ASCII (RFC 3461 "
                   "section 4.4)");
  expect_error("[defaults]\ndsn-return = true\n",
               kPath + ":2: 'dsn-return' must be a string, not a boolean");
}

TEST(ConfigKeys, AccountFromNameAndDsnOverrideDefaults) {
  const ConfigLoad load = parse(
      "[defaults]\nfrom-name = \"Default\"\ndsn-notify = \"never\"\n"
      "[account.a]\nfrom-name = \"Account\"\ndsn-return = \"full\"\n",
      "a");
  ASSERT_EQ(load.error, "");
  const Request r = applied(load.settings);
  EXPECT_EQ(r.from_name, "Account");
  EXPECT_EQ(r.envelope_parameters.dsn.notify, "NEVER");
  EXPECT_EQ(r.envelope_parameters.dsn.ret, smtp::DsnReturn::full);
  EXPECT_FALSE(load.settings.has(Option::dsn_envid));
}

TEST(ConfigKeys, RelayTlsAndAuthKeysAreRead) {
  const ConfigLoad load = parse(
      "[defaults]\nrelay = \"smtps://smtp.example.com\"\ntls = \"required\"\n"
      "[account.work]\nuser = \"me\"\nauth = \"plain\"\nca-file = \"ca.pem\"\n"
      "allow-plaintext-auth = true\n",
      "work");
  ASSERT_EQ(load.error, "");
  EXPECT_EQ(load.settings.text(Option::relay), "smtps://smtp.example.com");
  EXPECT_EQ(load.settings.text(Option::tls), "required");
  EXPECT_EQ(load.settings.text(Option::user), "me");
  EXPECT_EQ(load.settings.text(Option::auth), "plain");
  EXPECT_TRUE(load.settings.flag(Option::allow_plaintext_auth));
  const Request r = applied(load.settings);
  EXPECT_EQ(r.delivery.tls.policy, smtp::TlsPolicy::required);
  // A relative file name is taken from the configuration file's directory.
  EXPECT_EQ(r.delivery.tls.ca_file, "/home/alice/.config/smtpsend/ca.pem");
}

TEST(ConfigKeys, RelayIsCheckedLikeTheOption) {
  expect_error("[defaults]\nrelay = \"imap://x.example\"\n",
               kPath + ":2: 'relay': 'imap://x.example': the scheme must be smtp:// or smtps://");
  expect_error("[defaults]\nrelay = \"x.example:0\"\n",
               kPath + ":2: 'relay': '0' is not a port number (1-65535)");
}

TEST(ConfigKeys, LaterIssueKeysAreTypeChecked) {
  expect_error("[defaults]\ntls = \"maybe\"\n",
               kPath + ":2: 'tls' must be none, opportunistic, required or verify, not 'maybe'");
  expect_error("[defaults]\nsmtps = \"yes\"\n",
               kPath + ":2: 'smtps' must be true or false, not a string");
  expect_error("[defaults]\nauth = \"md5\"\n",
               kPath +
                   ":2: 'auth' must be auto, plain, login, cram-md5, scram-sha-1, "
                   "scram-sha-256, xoauth2 or oauthbearer, not 'md5'");
  expect_error("[defaults]\nrelay = \"\"\n", kPath + ":2: 'relay' must not be empty");
}

TEST(ConfigErrors, UnknownKeyWithLine) {
  expect_error("[defaults]\n\nfrom = \"a@b.c\"\nfrobnicate = 1\n",
               kPath + ":4: unknown key 'frobnicate'");
  expect_error("[account.work]\nmxport = 25\n", kPath + ":2: unknown key 'mxport'");
  expect_error("from = \"a@b.c\"\n",
               kPath + ":1: unknown key 'from' (keys belong in [defaults] or [account.NAME])");
}

TEST(ConfigErrors, CommandLineOnlyKeys) {
  expect_error("[defaults]\njson = true\n",
               kPath + ":2: 'json' can be given only on the command line");
  expect_error("[defaults]\neach = true\n",
               kPath + ":2: 'each' can be given only on the command line");
}

// The composing options are long option names, so not "unknown": they make one message, and a
// file would give all of them (cron's too) the same subject, headers, body or attachment.
TEST(ConfigErrors, ComposingKeysAreCommandLineOnly) {
  for (const std::string key : {"subject", "header", "body", "attach"}) {
    SCOPED_TRACE(key);
    expect_error("[defaults]\n" + key + " = \"x\"\n",
                 kPath + ":2: '" + key +
                     "' can be given only on the command line: it composes one message, not "
                     "every run's");
  }
}

TEST(ConfigErrors, WrongTypesWithLine) {
  expect_error("[defaults]\nmx-port = \"25\"\n",
               kPath + ":2: 'mx-port' must be an integer, not a string");
  expect_error("[defaults]\ntimeout = 1.5\n",
               kPath + ":2: 'timeout' must be an integer, not a floating-point number");
  expect_error("[defaults]\nhelo = 3\n", kPath + ":2: 'helo' must be a string, not an integer");
  expect_error("[defaults]\ndns-server = [\"127.0.0.1\", 53]\n",
               kPath +
                   ":2: 'dns-server' must be a string or an array of strings, not an integer "
                   "in it");
  expect_error("[defaults]\ndns-server = 53\n",
               kPath + ":2: 'dns-server' must be a string or an array of strings, not an integer");
  expect_error("defaults = 1\n", kPath + ":1: 'defaults' must be a table");
  expect_error("account = 1\n", kPath + ":1: 'account' must hold [account.NAME] tables");
}

TEST(ConfigErrors, BadValuesWithLine) {
  expect_error("[defaults]\nmx-port = 70000\n",
               kPath + ":2: mx-port must be a port number from 1 to 65535, not '70000'");
  expect_error("[defaults]\nmax-parallel = 0\n",
               kPath + ":2: max-parallel must be a number from 1 to 1000, not '0'");
  expect_error("[defaults]\nmax-addresses = 0\n",
               kPath + ":2: max-addresses must be a number from 1 to 1000, not '0'");
  expect_error("[defaults]\n\ntimeout = -1\n",
               kPath + ":3: timeout must be a whole number of seconds from 1 to 86400, not '-1'");
  expect_error("[defaults]\nhelo = \"bad name\"\n",
               kPath +
                   ":2: helo must be a host name of letters, digits, '-' and '.', or an address "
                   "literal such as [192.0.2.1], not 'bad name'");
  expect_error("[defaults]\ndns-server = \"dns.example\"\n",
               kPath +
                   ":2: dns-server must be IP or IP:PORT (an IPv6 address with a port in "
                   "brackets: [2001:db8::1]:53), not 'dns.example'");
  expect_error("[defaults]\nqualify-domain = \"a@b\"\n",
               kPath + ":2: qualify-domain must be a domain name, not 'a@b'");
}

TEST(ConfigErrors, SyntaxErrorHasLineAndColumn) {
  const ConfigLoad load = parse("[defaults]\nfrom = \"unterminated\n");
  EXPECT_TRUE(load.error.starts_with(kPath + ":2:")) << load.error;
  EXPECT_EQ(load.error.find('\n'), std::string::npos);
}

TEST(ConfigErrors, TwoPasswordSourcesInOneTable) {
  expect_error("[account.a]\npassword-cmd = \"x\"\npassword-file = \"y\"\n",
               kPath +
                   ":3: set only one of 'password', 'password-cmd' and 'password-file' in a "
                   "table");
}

TEST(ConfigAccounts, AccountOverridesDefaults) {
  const std::string text =
      "[defaults]\nmx-port = 2525\nhelo = \"d.example\"\n"
      "[account.work]\nmx-port = 587\n";
  const ConfigLoad plain = parse(text);
  ASSERT_EQ(plain.error, "");
  EXPECT_EQ(applied(plain.settings).delivery.route.mx_port, 2525);
  const ConfigLoad work = parse(text, "work");
  ASSERT_EQ(work.error, "");
  EXPECT_EQ(work.settings.line(Option::mx_port), 5);
  const Request r = applied(work.settings);
  EXPECT_EQ(r.delivery.route.mx_port, 587);
  EXPECT_EQ(r.delivery.helo_name, "d.example");
}

TEST(ConfigAccounts, UnknownAccountNamesTheFile) {
  const ConfigLoad load = parse("[account.work]\nmx-port = 587\n", "home");
  EXPECT_EQ(load.error, kPath + ": no account 'home' ([account.home] table)");
}

TEST(ConfigAccounts, AccountPasswordSourceReplacesAllOfDefaults) {
  const ConfigLoad load = parse(
      "[defaults]\npassword-cmd = \"pass show a\"\n[account.b]\npassword-file = \"/run/pw\"\n",
      "b");
  ASSERT_EQ(load.error, "");
  EXPECT_FALSE(load.settings.has(Option::password_cmd)) << "replaced by the account's source";
  EXPECT_EQ(load.settings.path(Option::password_file), "/run/pw");
}

TEST(ConfigPermissions, PasswordInAGroupReadableFileIsRefused) {
  const std::string text = "[account.x]\npassword = \"hunter2\"\n";
  const ConfigLoad open = parse(text, std::nullopt, 0644);
  EXPECT_EQ(
      open.error,
      kPath + ": holds a password but is readable by group or others (chmod 600 " + kPath + ")");
  EXPECT_EQ(open.error.find("hunter2"), std::string::npos);
  const ConfigLoad closed = parse(text, std::nullopt, 0600);
  EXPECT_EQ(closed.error, "");  // in an account not chosen: not in use, so not refused
}

// Writable by others is refused too (they could point `relay` elsewhere), and said as such.
TEST(ConfigPermissions, GroupWritableIsSaidWritable) {
  const std::string text = "[defaults]\npassword = \"hunter2\"\n";
  EXPECT_EQ(
      parse(text, std::nullopt, 0620).error,
      kPath + ": holds a password but is writable by group or others (chmod 600 " + kPath + ")");
  EXPECT_EQ(
      parse(text, std::nullopt, 0602).error,
      kPath + ": holds a password but is writable by group or others (chmod 600 " + kPath + ")");
  EXPECT_EQ(
      parse(text, std::nullopt, 0660).error,
      kPath + ": holds a password but is readable by group or others (chmod 600 " + kPath + ")");
}

TEST(ConfigPermissions, NoPasswordNoPermissionRule) {
  EXPECT_EQ(parse("[defaults]\nmx-port = 25\n", std::nullopt, 0644).error, "");
}

// A file in a fresh temporary directory, removed with the fixture.
class ConfigFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("smtpsend-config-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::filesystem::path& relative, const std::string& text,
                    unsigned mode = 0600) {
    const auto path = dir_ / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    ::chmod(path.c_str(), mode);
    return path.string();
  }

  std::filesystem::path dir_;
};

TEST_F(ConfigFiles, ExplicitFileIsRead) {
  const std::string path = write("c.toml", "[defaults]\nmx-port = 2525\n");
  const ConfigLoad load = load_config(path, {}, std::nullopt);
  ASSERT_EQ(load.error, "");
  EXPECT_EQ(load.path, path);
  EXPECT_EQ(applied(load.settings).delivery.route.mx_port, 2525);
}

TEST_F(ConfigFiles, MissingExplicitFileIsAnError) {
  const std::string path = (dir_ / "missing.toml").string();
  const ConfigLoad load = load_config(path, {}, std::nullopt);
  EXPECT_EQ(load.error, "cannot read configuration file " + path + ": No such file or directory");
}

TEST_F(ConfigFiles, MissingDefaultFilesAreFine) {
  const std::vector<std::string> defaults{(dir_ / "a.toml").string(), (dir_ / "b.toml").string()};
  const ConfigLoad load = load_config(std::nullopt, defaults, std::nullopt);
  EXPECT_EQ(load.error, "");
  EXPECT_EQ(load.path, "");
  EXPECT_FALSE(load.settings.has(Option::mx_port));
}

TEST_F(ConfigFiles, FirstExistingDefaultWins) {
  const std::string second = write("b.toml", "[defaults]\nmx-port = 2\n");
  const std::vector<std::string> defaults{(dir_ / "a.toml").string(), second};
  const ConfigLoad load = load_config(std::nullopt, defaults, std::nullopt);
  ASSERT_EQ(load.error, "");
  EXPECT_EQ(load.path, second);
  EXPECT_EQ(applied(load.settings).delivery.route.mx_port, 2);
}

TEST_F(ConfigFiles, AccountWithoutAnyFileIsAnError) {
  const std::vector<std::string> defaults{(dir_ / "a.toml").string()};
  const ConfigLoad load = load_config(std::nullopt, defaults, std::string("work"));
  EXPECT_EQ(load.error,
            "no configuration file for account 'work' (looked for " + defaults[0] + ")");
}

TEST_F(ConfigFiles, PermissionCheckedOnTheRealFile) {
  const std::string text = "[defaults]\npassword = \"s3cret\"\n";
  const std::string open = write("open.toml", text, 0644);
  EXPECT_EQ(
      load_config(open, {}, std::nullopt).error,
      open + ": holds a password but is readable by group or others (chmod 600 " + open + ")");
  const std::string closed = write("closed.toml", text, 0600);
  const ConfigLoad load = load_config(closed, {}, std::nullopt);
  EXPECT_EQ(load.error, "");
  ASSERT_TRUE(load.settings.password.has_value());
  EXPECT_EQ(load.settings.password->reveal(), "s3cret");
}

TEST_F(ConfigFiles, XdgConfigHomeIsTheFirstDefault) {
  const char* saved = std::getenv("XDG_CONFIG_HOME");
  const std::string saved_value = saved ? saved : "";
  ::setenv("XDG_CONFIG_HOME", dir_.c_str(), 1);
  const std::vector<std::string> paths = default_config_paths();
  const std::string path = write("smtpsend/config.toml", "[defaults]\nhelo = \"xdg.example\"\n");
  const std::vector<std::string> args{"-f", "a@b.example", "r@x.example"};
  const CommandLine result =
      parse_command_line(args, HostIdentity{"h.example", "u"}, default_config_paths());
  saved ? ::setenv("XDG_CONFIG_HOME", saved_value.c_str(), 1) : ::unsetenv("XDG_CONFIG_HOME");
  ASSERT_EQ(paths.size(), 2u);
  EXPECT_EQ(paths[0], path);
  EXPECT_EQ(paths[1], "/etc/smtpsend.toml");
  ASSERT_TRUE(result.request.has_value()) << result.error;
  EXPECT_EQ(result.request->delivery.helo_name, "xdg.example");
}

TEST_F(ConfigFiles, RelativeXdgConfigHomeFallsBackToHome) {
  const char* saved_xdg = std::getenv("XDG_CONFIG_HOME");
  const char* saved_home = std::getenv("HOME");
  const std::string xdg = saved_xdg ? saved_xdg : "", home = saved_home ? saved_home : "";
  ::setenv("XDG_CONFIG_HOME", "relative/dir", 1);
  ::setenv("HOME", dir_.c_str(), 1);
  const std::vector<std::string> paths = default_config_paths();
  saved_xdg ? ::setenv("XDG_CONFIG_HOME", xdg.c_str(), 1) : ::unsetenv("XDG_CONFIG_HOME");
  saved_home ? ::setenv("HOME", home.c_str(), 1) : ::unsetenv("HOME");
  ASSERT_FALSE(paths.empty());
  EXPECT_EQ(paths[0], (dir_ / ".config/smtpsend/config.toml").string());
}

const HostIdentity kHost{"host.example.org", "alice"};
const std::vector<std::string> kNoDefaults;

CommandLine run_parse(std::vector<std::string> args) {
  return parse_command_line(args, kHost, kNoDefaults);
}

TEST_F(ConfigFiles, CommandLineOverridesAccountOverridesDefaults) {
  const std::string path = write("c.toml",
                                 "[defaults]\nmx-port = 2525\nhelo = \"d.example\"\n"
                                 "timeout = 50\nfamily = \"ipv6\"\n"
                                 "[account.work]\nmx-port = 587\ndns-server = [\"127.0.0.1:53\"]\n"
                                 "from = \"work@example.org\"\n");
  const CommandLine result =
      run_parse({"-C", path, "-A", "work", "--mx-port", "26", "-4", "r@x.example"});
  ASSERT_TRUE(result.request.has_value()) << result.error;
  const Request& request = *result.request;
  EXPECT_EQ(request.delivery.route.mx_port, 26);                       // command line
  EXPECT_EQ(request.delivery.route.family, dns::AddressFamily::ipv4);  // command line
  EXPECT_EQ(request.delivery.dns_servers, std::vector<std::string>{"127.0.0.1:53"});   // account
  EXPECT_EQ(request.from, std::optional<std::string>("work@example.org"));             // account
  EXPECT_EQ(request.delivery.helo_name, "d.example");                                  // defaults
  EXPECT_EQ(request.delivery.session.timeouts.every_stage, std::chrono::seconds(50));  // defaults
  EXPECT_EQ(request.qualify_domain, "host.example.org");                               // built-in
}

TEST_F(ConfigFiles, DefaultsApplyWithoutAccount) {
  const std::string path =
      write("c.toml",
            "[defaults]\nmx-port = 2525\nconnect-timeout = 3\n"
            "dns-timeout = 4\nmax-parallel = 2\nqualify-domain = \"q.example\"\n"
            "max-addresses = 7\n"
            "[account.work]\nmx-port = 587\n");
  const CommandLine result = run_parse({"--config", path, "r@x.example"});
  ASSERT_TRUE(result.request.has_value()) << result.error;
  EXPECT_EQ(result.request->delivery.route.max_addresses, 7u);
  EXPECT_EQ(result.request->delivery.route.mx_port, 2525);
  EXPECT_EQ(result.request->delivery.connect_timeout, std::chrono::seconds(3));
  EXPECT_EQ(result.request->delivery.dns_timeout, std::chrono::seconds(4));
  EXPECT_EQ(result.request->delivery.max_parallel, 2u);
  EXPECT_EQ(result.request->qualify_domain, "q.example");
}

TEST_F(ConfigFiles, CommandLineDnsServerReplacesTheFilesList) {
  const std::string path =
      write("c.toml", "[defaults]\ndns-server = [\"192.0.2.1\", \"192.0.2.2\"]\n");
  const CommandLine result = run_parse({"-C", path, "--dns-server", "192.0.2.9", "r@x.example"});
  ASSERT_TRUE(result.request.has_value()) << result.error;
  EXPECT_EQ(result.request->delivery.dns_servers, std::vector<std::string>{"192.0.2.9"});
}

TEST_F(ConfigFiles, FromNameAndDsnFromTheFileUnlessGivenOnTheCommandLine) {
  const std::string path = write("c.toml",
                                 "[defaults]\nfrom-name = \"Cron Daemon\"\n"
                                 "dsn-notify = \"failure\"\ndsn-return = \"hdrs\"\n"
                                 "dsn-envid = \"file-id\"\n");
  const CommandLine from_file = run_parse({"-C", path, "r@x.example"});
  ASSERT_TRUE(from_file.request.has_value()) << from_file.error;
  EXPECT_EQ(from_file.request->from_name, std::optional<std::string>("Cron Daemon"));
  EXPECT_EQ(from_file.request->envelope_parameters.dsn.notify, "FAILURE");
  EXPECT_EQ(from_file.request->envelope_parameters.dsn.ret, smtp::DsnReturn::headers);
  EXPECT_EQ(from_file.request->envelope_parameters.dsn.envid, "file-id");

  const CommandLine overridden =
      run_parse({"-C", path, "-F", "Me", "--dsn-notify", "never", "--dsn-return", "full",
                 "--dsn-envid", "cli-id", "r@x.example"});
  ASSERT_TRUE(overridden.request.has_value()) << overridden.error;
  EXPECT_EQ(overridden.request->from_name, std::optional<std::string>("Me"));
  EXPECT_EQ(overridden.request->envelope_parameters.dsn.notify, "NEVER");
  EXPECT_EQ(overridden.request->envelope_parameters.dsn.ret, smtp::DsnReturn::full);
  EXPECT_EQ(overridden.request->envelope_parameters.dsn.envid, "cli-id");
}

TEST_F(ConfigFiles, RecipientsFileFromTheConfig) {
  write("list.txt", "b@y.example\n");
  const std::string path = write("c.toml", "[defaults]\nrecipients-file = \"list.txt\"\n");
  const CommandLine result = run_parse({"-C", path, "a@x.example"});
  ASSERT_TRUE(result.request.has_value()) << result.error;
  EXPECT_EQ(result.request->recipients, (std::vector<std::string>{"a@x.example", "b@y.example"}));
}

TEST_F(ConfigFiles, ConfigErrorsAreExitConfig) {
  const std::string path = write("c.toml", "[defaults]\nbogus = 1\n");
  const CommandLine result = run_parse({"-C", path, "r@x.example"});
  EXPECT_FALSE(result.request.has_value());
  EXPECT_EQ(result.exit_code, ExitCode::config);
  EXPECT_EQ(result.error, path + ":2: unknown key 'bogus'");
  const CommandLine missing = run_parse({"-C", (dir_ / "nope.toml").string(), "r@x.example"});
  EXPECT_EQ(missing.exit_code, ExitCode::config);
  const CommandLine account = run_parse({"-C", path, "-A", "x", "r@x.example"});
  EXPECT_EQ(account.exit_code, ExitCode::config);
}

TEST(PasswordOnCommandLine, IsRefusedWithAHint) {
  for (const auto& args : {std::vector<std::string>{"--password", "hunter2", "r@x.example"},
                           std::vector<std::string>{"--password=hunter2", "r@x.example"}}) {
    const CommandLine result = run_parse(args);
    EXPECT_EQ(result.exit_code, ExitCode::usage);
    EXPECT_EQ(result.error,
              "a password is never accepted on the command line; use --password-file, "
              "--password-cmd or SMTPSEND_PASSWORD");
  }
}

TEST_F(ConfigFiles, AccountRelayUserAndPasswordReachTheRequest) {
  const std::string path = write("relay.toml",
                                 "[account.work]\nrelay = \"smtps://mail.example.com\"\n"
                                 "user = \"me\"\npassword = \"s3cret\"\n",
                                 0600);
  const CommandLine result = run_parse({"-C", path, "-A", "work", "r@x.example"});
  ASSERT_EQ(result.error, "");
  const Request& request = *result.request;
  ASSERT_TRUE(request.delivery.route.relay.has_value());
  EXPECT_EQ(request.delivery.route.relay->host, "mail.example.com");
  EXPECT_EQ(request.delivery.route.relay->port, 465);
  EXPECT_TRUE(request.delivery.route.relay->implicit_tls);
  EXPECT_EQ(delivery::tls_for_host(request.delivery),
            (delivery::HostTls{smtp::TlsPolicy::verify, true}))
      << "a relay is verified";
  ASSERT_TRUE(request.auth.has_value());
  EXPECT_EQ(request.auth->user, "me");
  EXPECT_EQ(request.auth->passwords.config_password->reveal(), "s3cret");
  // The command line overrides the file.
  const CommandLine overridden = run_parse({"-C", path, "-A", "work", "--relay", "other.example",
                                            "--tls", "required", "-u", "you", "r@x.example"});
  ASSERT_EQ(overridden.error, "");
  EXPECT_EQ(overridden.request->delivery.route.relay->host, "other.example");
  EXPECT_EQ(overridden.request->delivery.route.relay->port, 587);
  EXPECT_EQ(delivery::tls_for_host(overridden.request->delivery).policy, smtp::TlsPolicy::required);
  EXPECT_EQ(overridden.request->auth->user, "you");
}

// Every relay and AUTH key reaches the AuthRequest, each through its row's conversion; the
// file's password source keeps the file's slot (tried after SMTPSEND_PASSWORD), the command
// line's its own.
TEST_F(ConfigFiles, EveryRelayAndAuthKeyReachesTheRequest) {
  const std::string path = write("auth.toml",
                                 "[defaults]\nrelay = \"mail.example.com\"\nsmtps = true\n"
                                 "user = \"me\"\npassword-file = \"pw\"\nauth = \"xoauth2\"\n"
                                 "oauth-token-cmd = \"tok\"\nallow-plaintext-auth = true\n",
                                 0600);
  const CommandLine result = run_parse({"-C", path, "r@x.example"});
  ASSERT_EQ(result.error, "");
  const Request& request = *result.request;
  ASSERT_TRUE(request.delivery.route.relay.has_value());
  EXPECT_EQ(request.delivery.route.relay->port, 465) << "smtps = true: implicit TLS's port";
  EXPECT_TRUE(request.delivery.route.relay->implicit_tls);
  ASSERT_TRUE(request.auth.has_value());
  EXPECT_EQ(request.auth->user, "me");
  EXPECT_EQ(request.auth->passwords.config_file,
            (std::filesystem::path(path).parent_path() / "pw").string());
  EXPECT_FALSE(request.auth->passwords.file.has_value());
  EXPECT_EQ(request.auth->oauth_token_cmd, "tok");
  EXPECT_TRUE(request.auth->allow_plaintext);
  EXPECT_EQ(request.auth->preference.requested, smtp::SaslMechanism::xoauth2);
  EXPECT_TRUE(request.auth->preference.oauth_token);

  const CommandLine over =
      run_parse({"-C", path, "--password-cmd", "pass show me", "--auth", "auto", "r@x.example"});
  ASSERT_EQ(over.error, "");
  EXPECT_EQ(over.request->auth->passwords.command, "pass show me");
  EXPECT_EQ(over.request->auth->passwords.config_file,
            (std::filesystem::path(path).parent_path() / "pw").string())
      << "another option: the file's source stays, tried after the command line's";
  EXPECT_FALSE(over.request->auth->preference.requested.has_value()) << "--auth auto";
}

// The file's `tls` is a chosen policy like --tls: it overrides the relay's default (verify).
TEST_F(ConfigFiles, FileTlsKeyOverridesTheRelayDefault) {
  const std::string path = write(
      "relay-tls.toml", "[defaults]\nrelay = \"mail.example.com\"\ntls = \"opportunistic\"\n");
  const CommandLine result = run_parse({"-C", path, "r@x.example"});
  ASSERT_EQ(result.error, "");
  ASSERT_TRUE(result.request->delivery.route.relay.has_value());
  EXPECT_EQ(delivery::tls_for_host(result.request->delivery).policy,
            smtp::TlsPolicy::opportunistic);
}

// SPEC.md "Configuration": what only the file says wrong is the file's error (78, FILE:LINE);
// the same mistake on the command line is a usage error (64).
TEST_F(ConfigFiles, RelayCombinationMistakesInTheFileAre78WithItsLine) {
  const std::string smtps = write("smtps.toml", "[defaults]\nhelo = \"h.example\"\nsmtps = true\n");
  const CommandLine a = run_parse({"-C", smtps, "r@x.example"});
  EXPECT_EQ(a.exit_code, ExitCode::config);
  EXPECT_EQ(a.error, smtps + ":3: 'smtps' needs 'relay' (implicit TLS is for submission servers)");

  const std::string none =
      write("none.toml", "[defaults]\nrelay = \"smtps://mail.example\"\ntls = \"none\"\n");
  const CommandLine b = run_parse({"-C", none, "r@x.example"});
  EXPECT_EQ(b.exit_code, ExitCode::config);
  EXPECT_EQ(b.error,
            none + ":3: 'tls' = \"none\" cannot be used with implicit TLS (smtps or smtps://)");
  EXPECT_EQ(run_parse({"-C", none, "--tls", "none", "r@x.example"}).exit_code, ExitCode::usage);

  const std::string oauth = write(
      "oauth.toml", "[defaults]\nrelay = \"mail.example\"\nuser = \"me\"\nauth = \"xoauth2\"\n");
  const CommandLine c = run_parse({"-C", oauth, "r@x.example"});
  EXPECT_EQ(c.exit_code, ExitCode::config);
  EXPECT_EQ(c.error, oauth + ":4: 'auth' xoauth2 needs 'oauth-token-cmd'");
}

// [defaults] may name the user of the relay accounts; without -A (no relay) mail goes direct.
TEST_F(ConfigFiles, DefaultsUserWithoutARelayIsNotUsed) {
  const std::string path = write("user.toml",
                                 "[defaults]\nuser = \"me\"\n[account.work]\n"
                                 "relay = \"mail.example\"\n");
  const CommandLine direct = run_parse({"-C", path, "r@x.example"});
  ASSERT_EQ(direct.error, "");
  EXPECT_FALSE(direct.request->auth.has_value());
  EXPECT_FALSE(direct.request->delivery.route.relay.has_value());
  const CommandLine work = run_parse({"-C", path, "-A", "work", "r@x.example"});
  ASSERT_EQ(work.error, "");
  EXPECT_EQ(work.request->auth->user, "me");
  // Asked for on the command line, AUTH without a relay is still a usage error.
  EXPECT_EQ(run_parse({"-C", path, "--password-file", "/f", "r@x.example"}).error,
            "--password-file needs --relay: AUTH is for submission servers");
}

TEST(ConfigHelp, MentionsConfigAndAccountButNotHiddenOptions) {
  const std::string help = help_text();
  EXPECT_NE(help.find("-C,--config"), std::string::npos) << help;
  EXPECT_NE(help.find("-A,--account"), std::string::npos);
  // --password exists only to be refused; help shows the sources, never a --password option.
  for (std::size_t at = help.find("--password"); at != std::string::npos;
       at = help.find("--password", at + 1)) {
    EXPECT_EQ(help.compare(at, 11, "--password-"), 0) << help.substr(at, 20);
  }
}

}  // namespace
}  // namespace smtpsend::cli
