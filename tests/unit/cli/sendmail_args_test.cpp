// The sendmail personality: sendmail's argv translated into smtpsend's (pure), then parsed.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "smtpsend/cli/sendmail.hpp"

namespace smtpsend::cli {
namespace {

using Args = std::vector<std::string>;

SendmailArgs translate(std::initializer_list<std::string> args) {
  const Args list(args);
  return translate_sendmail_args(list);
}

// The translation succeeds and gives exactly `expected`.
void expect_translation(std::initializer_list<std::string> args, const Args& expected,
                        bool dot_line_ends_input = true) {
  const SendmailArgs result = translate(args);
  EXPECT_EQ(result.error, "");
  EXPECT_EQ(result.smtpsend_args, expected);
  EXPECT_EQ(result.dot_line_ends_input, dot_line_ends_input);
}

void expect_refused(std::initializer_list<std::string> args, const std::string& sentence) {
  const SendmailArgs result = translate(args);
  EXPECT_EQ(result.error, sentence);
  EXPECT_EQ(result.error.find('\n'), std::string::npos);
}

TEST(SendmailName, OnlyTheBaseNameSendmailCounts) {
  EXPECT_TRUE(invoked_as_sendmail("sendmail"));
  EXPECT_TRUE(invoked_as_sendmail("/usr/sbin/sendmail"));
  EXPECT_TRUE(invoked_as_sendmail("/usr/lib/sendmail"));
  EXPECT_TRUE(invoked_as_sendmail("./sendmail"));
  EXPECT_FALSE(invoked_as_sendmail("smtpsend"));
  EXPECT_FALSE(invoked_as_sendmail("/usr/bin/smtpsend"));
  EXPECT_FALSE(invoked_as_sendmail("sendmail.postfix"));
  EXPECT_FALSE(invoked_as_sendmail("/usr/sbin/sendmail/"));
  EXPECT_FALSE(invoked_as_sendmail("xsendmail"));
  EXPECT_FALSE(invoked_as_sendmail(""));
}

TEST(SendmailArgs, RecipientsPassThroughInOrder) {
  expect_translation({"bob@example.com", "root"}, {"bob@example.com", "root"});
  expect_translation({}, {});
}

TEST(SendmailArgs, CronsExactCommandLine) {
  // Debian cron: sendmail -FCronDaemon -i -B8BITMIME -oem user@dom
  expect_translation({"-FCronDaemon", "-i", "-B8BITMIME", "-oem", "user@dom"},
                     {"--from-name", "CronDaemon", "user@dom"}, false);
}

TEST(SendmailArgs, SenderFromFOrRAttachedOrSeparate) {
  expect_translation({"-fuser@x", "bob@y"}, {"-f", "user@x", "bob@y"});
  expect_translation({"-f", "user@x", "bob@y"}, {"-f", "user@x", "bob@y"});
  expect_translation({"-ruser@x"}, {"-f", "user@x"});
  expect_translation({"-r", "user@x"}, {"-f", "user@x"});
  expect_translation({"-f", "", "bob@y"}, {"-f", "", "bob@y"});
  expect_translation({"-f<>"}, {"-f", "<>"});
}

TEST(SendmailArgs, FullNameAttachedOrSeparateKeepsSpaces) {
  expect_translation({"-F", "Cron Daemon"}, {"--from-name", "Cron Daemon"});
  expect_translation({"-FCron Daemon"}, {"--from-name", "Cron Daemon"});
}

TEST(SendmailArgs, ReadRecipientsVerboseAndConfig) {
  expect_translation({"-t"}, {"-t"});
  expect_translation({"-v"}, {"-v"});
  expect_translation({"-C", "/etc/smtpsend.toml"}, {"--config", "/etc/smtpsend.toml"});
  expect_translation({"-C/etc/smtpsend.toml"}, {"--config", "/etc/smtpsend.toml"});
}

TEST(SendmailArgs, IgnoreDotsFromIOrOiOrIgnoreDotsOption) {
  expect_translation({"bob@y"}, {"bob@y"}, true);
  expect_translation({"-i", "bob@y"}, {"bob@y"}, false);
  expect_translation({"-oi", "bob@y"}, {"bob@y"}, false);
  expect_translation({"-o", "i", "bob@y"}, {"bob@y"}, false);
  expect_translation({"-OIgnoreDots"}, {}, false);
  expect_translation({"-O", "IgnoreDots=true"}, {}, false);
  expect_translation({"-O", "ignoredots=False"}, {}, true);
}

TEST(SendmailArgs, LettersClusterAsWithGetopt) {
  expect_translation({"-ti"}, {"-t"}, false);
  expect_translation({"-tif", "a@x"}, {"-t", "-f", "a@x"}, false);
  expect_translation({"-itfa@x"}, {"-t", "-f", "a@x"}, false);
  expect_translation({"-vtFName", "b@y"}, {"-v", "-t", "--from-name", "Name", "b@y"});
  expect_translation({"-Ui", "b@y"}, {"b@y"}, false);
}

TEST(SendmailArgs, DsnOptionsMapToSmtpsendsDsnOptions) {
  expect_translation({"-N", "success,failure", "b@y"}, {"--dsn-notify", "success,failure", "b@y"});
  expect_translation({"-Nnever"}, {"--dsn-notify", "never"});
  expect_translation({"-R", "hdrs"}, {"--dsn-return", "hdrs"});
  expect_translation({"-Rfull"}, {"--dsn-return", "full"});
  expect_translation({"-V", "env-1"}, {"--dsn-envid", "env-1"});
  expect_translation({"-Venv-1"}, {"--dsn-envid", "env-1"});
}

TEST(SendmailArgs, OptionsWithoutMeaningHereAreAcceptedAndDropped) {
  expect_translation(
      {"-bm", "-odi", "-odb",       "-oem", "-oee", "-om", "-m",    "-ee", "-eq",
       "-U",  "-G",   "-Ac",        "-Am",  "-L",   "tag", "-Ltag", "-O",  "DeliveryMode=b",
       "-B",  "7BIT", "-B8bitmime", "b@y"},
      {"b@y"});
  expect_translation({"-oep", "-oeq", "-oew", "-e", "m"}, {});
}

TEST(SendmailArgs, LongOptionsAndTheirValuesPassThrough) {
  expect_translation({"--dns-server", "127.0.0.1:5353", "-i", "--mx-port=2525", "b@y"},
                     {"--dns-server", "127.0.0.1:5353", "--mx-port=2525", "b@y"}, false);
  expect_translation({"--dry-run", "-t"}, {"--dry-run", "-t"});
}

TEST(SendmailArgs, EverythingAfterDoubleDashIsARecipient) {
  expect_translation({"-i", "--", "-bs", "b@y"}, {"--", "-bs", "b@y"}, false);
}

TEST(SendmailArgs, AMissingValueIsAUsageError) {
  expect_refused({"-f"}, "sendmail option -f needs a value");
  expect_refused({"-i", "-F"}, "sendmail option -F needs a value");
  expect_refused({"-tN"}, "sendmail option -N needs a value");
}

TEST(SendmailArgs, UnknownOptionsAreUsageErrors) {
  const std::string hint =
      " is not supported by smtpsend (see SENDMAIL PERSONALITY in smtpsend(1))";
  expect_refused({"-x", "b@y"}, "sendmail option -x" + hint);
  expect_refused({"-ix"}, "sendmail option -x" + hint);
  expect_refused({"-d0.1"}, "sendmail option -d" + hint);
  expect_refused({"-oQ/var/spool"}, "sendmail option -oQ/var/spool" + hint);
  expect_refused({"-oex"}, "sendmail option -oex" + hint);
  expect_refused({"-ez"}, "sendmail option -ez" + hint);
  expect_refused({"-Ax"}, "sendmail option -Ax" + hint);
  // smtpsend's own letters are sendmail's here: -4, -m FILE, -q mean nothing or something else.
  expect_refused({"-4"}, "sendmail option -4" + hint);
}

TEST(SendmailArgs, ModesOtherThanSendingAreUsageErrors) {
  expect_refused({"-bs"},
                 "sendmail -bs (SMTP on standard input) is not supported: smtpsend only sends mail "
                 "(-bm)");
  expect_refused({"-b", "i"},
                 "sendmail -bi (rebuild the aliases database) is not supported: smtpsend only "
                 "sends mail (-bm)");
  expect_refused({"-bz"}, "sendmail mode -bz is not supported: smtpsend only sends mail (-bm)");
  expect_refused({"-I"},
                 "sendmail -I (rebuild the aliases database) is not supported: smtpsend only "
                 "sends mail (-bm)");
}

// SPEC.md "Invocation": -bp is `queue list`, -q `queue run --all`, -odq `--queue always`.
TEST(SendmailArgs, QueueModesAndCommands) {
  expect_translation({"-odq", "root"}, {"--queue", "always", "root"});
  expect_translation({"-odd", "root"}, {"--queue", "always", "root"});
  EXPECT_EQ(translate({"-bp"}).subcommand, (Args{"queue", "list"}));
  EXPECT_EQ(translate({"-b", "p"}).subcommand, (Args{"queue", "list"}));
  EXPECT_EQ(translate({"-q"}).subcommand, (Args{"queue", "run", "--all"}));
  // A daemon's interval means once here: the timer or cron repeats the run.
  EXPECT_EQ(translate({"-q30m"}).subcommand, (Args{"queue", "run", "--all"}));
  EXPECT_EQ(translate({"-q1h"}).subcommand, (Args{"queue", "run", "--all"}));
  EXPECT_EQ(translate({"-qI0005F1A2B3C4D5E6ab"}).subcommand,
            (Args{"queue", "run", "0005F1A2B3C4D5E6ab"}));
  const SendmailArgs with_config = translate({"-C", "/etc/smtpsend.toml", "-q"});
  EXPECT_EQ(with_config.subcommand, (Args{"queue", "run", "--all"}));
  EXPECT_EQ(with_config.smtpsend_args, (Args{"--config", "/etc/smtpsend.toml"}));
  EXPECT_TRUE(translate({"root"}).subcommand.empty());
  expect_refused({"-qRexample.com"},
                 "sendmail option -qRexample.com is not supported by smtpsend (see SENDMAIL "
                 "PERSONALITY in smtpsend(1))");
}

TEST(SendmailName, MailqIsItsOwnName) {
  EXPECT_TRUE(invoked_as_mailq("mailq"));
  EXPECT_TRUE(invoked_as_mailq("/usr/sbin/mailq"));
  EXPECT_FALSE(invoked_as_mailq("sendmail"));
  EXPECT_FALSE(invoked_as_mailq("mailq2"));
}

TEST(SendmailArgs, BodyTypeIsChecked) {
  expect_refused({"-B", "binarymime"},
                 "sendmail option -B must be 7BIT or 8BITMIME, not 'binarymime'");
}

// ---- translated and parsed ----

const HostIdentity kHost{"host.example.org", "alice"};
const std::vector<std::string> kNoConfigFiles;

CommandLine parse(std::initializer_list<std::string> args) {
  const Args list(args);
  return parse_sendmail_command_line(list, kHost, kNoConfigFiles);
}

TEST(SendmailCommandLine, SenderVerboseAndDotLineReachTheRequest) {
  const CommandLine result = parse({"-v", "-fcron@host.example.org", "-Nsuccess,delay", "-Rhdrs",
                                    "-Vjob+1", "root@example.org"});
  ASSERT_TRUE(result.request.has_value()) << result.error;
  EXPECT_EQ(result.request->from, std::optional<std::string>("cron@host.example.org"));
  EXPECT_EQ(result.request->verbosity, 1);
  EXPECT_EQ(result.request->recipients, Args{"root@example.org"});
  EXPECT_TRUE(result.request->stdin_ends_at_dot_line);
  EXPECT_EQ(result.request->envelope_parameters.dsn.notify, "SUCCESS,DELAY");
  EXPECT_EQ(result.request->envelope_parameters.dsn.ret, smtp::DsnReturn::headers);
  EXPECT_EQ(result.request->envelope_parameters.dsn.envid, "job+1");
}

TEST(SendmailCommandLine, CronsCommandLineParses) {
  const CommandLine result = parse({"-FCronDaemon", "-i", "-B8BITMIME", "-oem", "root"});
  ASSERT_TRUE(result.request.has_value()) << result.error;
  EXPECT_EQ(result.request->from_name, std::optional<std::string>("CronDaemon"));
  EXPECT_EQ(result.request->recipients, Args{"root"});
  EXPECT_FALSE(result.request->read_recipients);
  EXPECT_FALSE(result.request->stdin_ends_at_dot_line);
}

TEST(SendmailCommandLine, MailxStyleReadRecipientsWithoutCommandLineRecipients) {
  // bsd-mailx runs "sendmail -i -t"; s-nail "sendmail -i -F NAME -f ADDR -- RCPT".
  const CommandLine mailx = parse({"-i", "-t"});
  ASSERT_TRUE(mailx.request.has_value()) << mailx.error;
  EXPECT_TRUE(mailx.request->read_recipients);
  EXPECT_TRUE(mailx.request->recipients.empty());
  const CommandLine s_nail = parse({"-i", "-F", "Rep Orter", "-f", "r@x.org", "--", "u@y.org"});
  ASSERT_TRUE(s_nail.request.has_value()) << s_nail.error;
  EXPECT_EQ(s_nail.request->from_name, std::optional<std::string>("Rep Orter"));
  EXPECT_EQ(s_nail.request->from, std::optional<std::string>("r@x.org"));
  EXPECT_EQ(s_nail.request->recipients, Args{"u@y.org"});
}

TEST(SendmailCommandLine, OiTurnsTheDotLineOff) {
  const CommandLine result = parse({"-oi", "root@example.org"});
  ASSERT_TRUE(result.request.has_value()) << result.error;
  EXPECT_FALSE(result.request->stdin_ends_at_dot_line);
}

TEST(SendmailCommandLine, SmtpsendItselfNeverEndsInputAtADotLine) {
  const Args list{"root@example.org"};
  const CommandLine result = parse_command_line(list, kHost, kNoConfigFiles);
  ASSERT_TRUE(result.request.has_value()) << result.error;
  EXPECT_FALSE(result.request->stdin_ends_at_dot_line);
  EXPECT_TRUE(result.request->envelope_parameters.dsn.empty());
}

TEST(SendmailCommandLine, UsageErrorsAre64WithOneLine) {
  for (const CommandLine& result :
       {parse({"-bs"}), parse({"-x", "b@y"}), parse({"-N", "never,success", "b@y"}),
        parse({"-R", "all", "b@y"}), parse({"-V", "caf\xc3\xa9", "b@y"}), parse({"-i"})}) {
    EXPECT_EQ(result.exit_code, ExitCode::usage) << result.error;
    EXPECT_FALSE(result.request.has_value());
    EXPECT_FALSE(result.error.empty());
    EXPECT_EQ(result.error.find('\n'), std::string::npos);
  }
}

TEST(SendmailCommandLine, SmtpsendLongOptionsStillWork) {
  const CommandLine result = parse({"-i", "--dns-server", "127.0.0.1:5353", "--mx-port", "2525",
                                    "--helo=client.test", "b@example.org"});
  ASSERT_TRUE(result.request.has_value()) << result.error;
  EXPECT_EQ(result.request->delivery.dns_servers, Args{"127.0.0.1:5353"});
  EXPECT_EQ(result.request->delivery.route.mx_port, 2525);
  EXPECT_EQ(result.request->delivery.helo_name, "client.test");
}

}  // namespace
}  // namespace smtpsend::cli
