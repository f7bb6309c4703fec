// -t, -F and the composing options (SPEC.md "Message input", "Composing").
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "smtpsend/cli/command_line.hpp"

namespace smtpsend::cli {
namespace {

const HostIdentity kHost{"host.example.org", "alice"};
const std::vector<std::string> kNoConfigFiles;

CommandLine parse(std::initializer_list<std::string> args) {
  const std::vector<std::string> list(args);
  return parse_command_line(list, kHost, kNoConfigFiles);
}

Request parsed(std::initializer_list<std::string> args) {
  CommandLine result = parse(args);
  EXPECT_EQ(result.error, "");
  EXPECT_TRUE(result.request.has_value());
  return result.request.value_or(Request{});
}

void expect_usage_error(std::initializer_list<std::string> args, const std::string& sentence) {
  const CommandLine result = parse(args);
  EXPECT_EQ(result.exit_code, ExitCode::usage);
  EXPECT_FALSE(result.request.has_value());
  EXPECT_EQ(result.error, sentence);
}

TEST(ComposeOptions, NoneGivenMeansAMessageAsItIs) {
  const Request request = parsed({"bob@example.com"});
  EXPECT_FALSE(request.compose.active());
  EXPECT_FALSE(request.read_recipients);
  EXPECT_FALSE(request.from_name.has_value());
}

TEST(ComposeOptions, AllOptionsShortAndLong) {
  const Request request =
      parsed({"-s",
              "Gr\xc3\xbc\xc3\x9f"
              "e",
              "-H", "X-A: 1", "--header", "Reply-To: r@x.org", "--body", "body.txt", "-a",
              "one.pdf", "--attach", "two.png", "-F", "J\xc3\xb6rg", "bob@example.com"});
  EXPECT_TRUE(request.compose.active());
  EXPECT_EQ(request.compose.subject,
            "Gr\xc3\xbc\xc3\x9f"
            "e");
  EXPECT_EQ(request.compose.headers, (std::vector<std::string>{"X-A: 1", "Reply-To: r@x.org"}));
  EXPECT_EQ(request.compose.body_path, "body.txt");
  EXPECT_EQ(request.compose.attachments, (std::vector<std::string>{"one.pdf", "two.png"}));
  EXPECT_EQ(request.from_name, "J\xc3\xb6rg");
  EXPECT_EQ(request.recipients, std::vector<std::string>{"bob@example.com"});
  EXPECT_EQ(parsed({"--subject=x", "--from-name=N", "b@x.org"}).from_name, "N");
}

TEST(ComposeOptions, AnyComposingOptionSwitchesToComposing) {
  EXPECT_TRUE(parsed({"-s", "x", "b@x.org"}).compose.active());
  EXPECT_TRUE(parsed({"-H", "X-A: 1", "b@x.org"}).compose.active());
  EXPECT_TRUE(parsed({"--body", "f", "b@x.org"}).compose.active());
  EXPECT_TRUE(parsed({"-a", "f", "b@x.org"}).compose.active());
  // -F alone names the sender of a message as it is; it does not compose.
  EXPECT_FALSE(parsed({"-F", "Name", "b@x.org"}).compose.active());
}

TEST(ComposeOptions, LineBreakInSubjectHeaderOrNameIsUsageError) {
  expect_usage_error({"-s", "hi\r\nBcc: victim@x.org", "b@x.org"},
                     "--subject: the value must not contain CR or LF");
  expect_usage_error({"-s", "hi\nthere", "b@x.org"},
                     "--subject: the value must not contain CR or LF");
  expect_usage_error({"-H", "X-A: 1\rX-B: 2", "b@x.org"},
                     "-H: a header value must not contain CR or LF");
  expect_usage_error({"-F", "Eve\n", "b@x.org"},
                     "--from-name: the value must not contain CR or LF");
}

TEST(ComposeOptions, HeaderMustBeNameColonValue) {
  expect_usage_error({"-H", "no colon", "b@x.org"},
                     "-H must be \"Name: value\" with a name of printable ASCII, not 'no colon'");
  expect_usage_error(
      {"-H", "Bad Name: x", "b@x.org"},
      "-H must be \"Name: value\" with a name of printable ASCII, not 'Bad Name: x'");
  expect_usage_error({"-H", ": x", "b@x.org"},
                     "-H must be \"Name: value\" with a name of printable ASCII, not ': x'");
  expect_usage_error({"-H", "content-type: text/html", "b@x.org"},
                     "-H Content-Type: this field is written by smtpsend when it composes");
}

TEST(ComposeOptions, BlindCopyHeaderNeedsReadRecipients) {
  expect_usage_error({"-H", "Bcc: boss@x.org", "b@x.org"},
                     "-H Bcc: needs -t, which sends to those addresses and removes the field");
  expect_usage_error(
      {"-H", "resent-bcc: boss@x.org", "b@x.org"},
      "-H resent-bcc: needs -t, which sends to those addresses and removes the field");
  EXPECT_EQ(parsed({"-t", "-H", "Bcc: boss@x.org", "b@x.org"}).compose.headers,
            std::vector<std::string>{"Bcc: boss@x.org"});
}

TEST(ComposeOptions, MessageAndComposingTogetherIsUsageError) {
  expect_usage_error({"-m", "a.eml", "-s", "x", "b@x.org"},
                     "-m cannot be used with -s, -H, --body or -a: a composed message takes its "
                     "body from stdin or --body");
}

TEST(ComposeOptions, StdinBodyAndStdinRecipientsFileClash) {
  expect_usage_error({"-s", "x", "--recipients-file", "-"}, "stdin ('-') can be read only once");
  expect_usage_error({"--body", "-", "--recipients-file", "-"},
                     "stdin ('-') can be read only once");
  EXPECT_EQ(parsed({"--body", "-", "b@x.org"}).compose.body_path, "-");
}

TEST(ComposeOptions, StdinIsNoAttachment) {
  expect_usage_error({"-s", "x", "-a", "-", "b@x.org"},
                     "-a needs a file: stdin ('-') cannot be an attachment");
}

TEST(ReadRecipients, MayStandWithoutCommandLineRecipients) {
  const Request request = parsed({"-t"});
  EXPECT_TRUE(request.read_recipients);
  EXPECT_TRUE(request.recipients.empty());
  EXPECT_TRUE(parsed({"--read-recipients", "extra@x.org"}).read_recipients);
}

TEST(ReadRecipients, WithoutItNoRecipientsIsStillUsageError) {
  expect_usage_error({"-s", "x"}, "no recipients given");
}

TEST(ComposeOptions, HelpNamesThem) {
  const std::string help = help_text();
  for (const char* phrase :
       {"-t,--read-recipients", "-F,--from-name", "-s,--subject", "-H,--header", "--body",
        "-a,--attach", "Subject (non-ASCII is RFC 2047-encoded)",
        "a CR or LF in a value is a usage error", "MIME type detected, base64-encoded"}) {
    EXPECT_NE(help.find(phrase), std::string::npos) << phrase;
  }
}

}  // namespace
}  // namespace smtpsend::cli
