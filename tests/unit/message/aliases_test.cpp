// message/aliases: the aliases(5) parser (split at every offset, bounded) and the expansion of
// envelope recipients (recursion, default:, loops, depth, targets that are not addresses).
#include "smtpsend/message/aliases.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace smtpsend::message {
namespace {

AliasTable parsed(std::string_view text) {
  AliasTable table;
  std::string error;
  EXPECT_TRUE(parse_aliases(text, "/etc/aliases", table, error)) << error;
  return table;
}

std::string error_of(std::string_view text) {
  AliasTable table;
  std::string error;
  EXPECT_FALSE(parse_aliases(text, "/etc/aliases", table, error));
  return error;
}

std::vector<std::string> targets(const AliasEntry* entry) {
  std::vector<std::string> out;
  if (entry == nullptr) return {"<no entry>"};
  for (const AliasTarget& t : entry->targets) out.push_back(t.text);
  return out;
}

const std::string kFile =
    "\xEF\xBB\xBF# /etc/aliases\r\n"
    "mailer-daemon: postmaster\n"
    "postmaster: root\n"
    "\n"
    "ROOT: admin@example.com, ops@example.org\n"
    "staff: alice,\n"
    "  bob@example.com\n"
    "\t# an indented comment\n"
    "\t, carol@example.com\n"
    "prog: \"|/usr/bin/vacation, -a x\", /var/mail/log, :include:/etc/list\n"
    "default: catchall@example.com";  // no newline at the end

TEST(AliasParser, ReadsTheFormat) {
  const AliasTable table = parsed(kFile);
  ASSERT_EQ(table.entries.size(), 6u);
  EXPECT_EQ(targets(table.find("mailer-daemon")), std::vector<std::string>{"postmaster"});
  EXPECT_EQ(targets(table.find("Root")),
            (std::vector<std::string>{"admin@example.com", "ops@example.org"}));
  EXPECT_EQ(table.find("root")->line, 5u);
  EXPECT_EQ(targets(table.find("staff")),
            (std::vector<std::string>{"alice", "bob@example.com", "carol@example.com"}));
  EXPECT_EQ(table.find("staff")->targets[2].line, 9u) << "each target keeps its own line";
  EXPECT_EQ(targets(table.find("prog")),
            (std::vector<std::string>{"\"|/usr/bin/vacation, -a x\"", "/var/mail/log",
                                      ":include:/etc/list"}));
  EXPECT_EQ(targets(table.catch_all()), std::vector<std::string>{"catchall@example.com"});
  EXPECT_EQ(table.catch_all()->line, 11u);
  EXPECT_EQ(table.find("nobody"), nullptr);
}

TEST(AliasParser, SplitAtEveryOffsetGivesTheSameTable) {
  const AliasTable whole = parsed(kFile);
  for (std::size_t i = 0; i <= kFile.size(); ++i) {
    AliasParser parser("/etc/aliases");
    ASSERT_TRUE(parser.feed(std::string_view(kFile).substr(0, i))) << i;
    ASSERT_TRUE(parser.feed(std::string_view(kFile).substr(i))) << i;
    ASSERT_TRUE(parser.finish()) << i << ": " << parser.error();
    EXPECT_EQ(parser.take(), whole) << "split at " << i;
  }
}

TEST(AliasParser, ByteAtATime) {
  AliasParser parser("/etc/aliases");
  for (const char c : kFile) ASSERT_TRUE(parser.feed(std::string_view(&c, 1)));
  ASSERT_TRUE(parser.finish());
  EXPECT_EQ(parser.take(), parsed(kFile));
}

TEST(AliasParser, ErrorsNameFileAndLine) {
  EXPECT_EQ(error_of("root: a@b.example\nno colon here\n"),
            "/etc/aliases:2: expected 'name: address, address'");
  EXPECT_EQ(error_of("  indented: x\n"),
            "/etc/aliases:1: a continuation line (it starts with white space) has no alias before it");
  EXPECT_EQ(error_of("root:\n\nother: x\n"), "/etc/aliases:1: alias 'root' has no target");
  EXPECT_EQ(error_of("root: ,\n"), "/etc/aliases:1: alias 'root' has no target");
  EXPECT_EQ(error_of("root: a\nRoot: b\n"),
            "/etc/aliases:2: alias 'root' is defined twice (first on line 1)");
  EXPECT_EQ(error_of("two words: a\n"),
            "/etc/aliases:1: expected 'name: address, address': the alias name is missing or "
            "holds white space");
  EXPECT_EQ(error_of(": a\n"),
            "/etc/aliases:1: expected 'name: address, address': the alias name is missing or "
            "holds white space");
  EXPECT_EQ(error_of("root: \"|cmd\n"), "/etc/aliases:1: a double quote is not closed on its line");
  EXPECT_EQ(error_of(std::string("root: a\0b\n", 10)),
            "/etc/aliases:1: the line holds a control character");
}

TEST(AliasParser, ErrorsAreTheSameSplitAnywhere) {
  const std::string text = "a: x\nb: y\nno colon\nc: z\n";
  const std::string whole = error_of(text);
  for (std::size_t i = 0; i <= text.size(); ++i) {
    AliasParser parser("/etc/aliases");
    const bool ok = parser.feed(std::string_view(text).substr(0, i)) &&
                    parser.feed(std::string_view(text).substr(i)) && parser.finish();
    EXPECT_FALSE(ok);
    EXPECT_EQ(parser.error(), whole) << i;
  }
}

TEST(AliasParser, ALineIsBounded) {
  const std::string fits = "root: " + std::string(kMaxAliasLineLength - 6, 'a') + "\r\n";
  EXPECT_EQ(parsed(fits).find("root")->targets[0].text.size(), kMaxAliasLineLength - 6);
  const std::string sentence = "/etc/aliases:2: a line is longer than 8192 octets; continue a "
                               "long list on lines that start with white space";
  const std::string too_long = "a: b\nroot: " + std::string(kMaxAliasLineLength, 'a') + "\n";
  EXPECT_EQ(error_of(too_long), sentence);
  // Without its newline, fed in small pieces: refused before the parser holds more.
  AliasParser parser("/etc/aliases");
  ASSERT_TRUE(parser.feed("a: b\n"));
  bool ok = true;
  for (int i = 0; i < 1000 && ok; ++i) ok = parser.feed(std::string(100, 'x'));
  EXPECT_FALSE(ok);
  EXPECT_EQ(parser.error(), sentence);
}

TEST(AliasParser, EntriesAreBounded) {
  std::string text;
  for (std::size_t i = 0; i <= kMaxAliasEntries; ++i) text += "n" + std::to_string(i) + ": x\n";
  EXPECT_EQ(error_of(text), "/etc/aliases:50001: more than 50000 aliases");
}

TEST(AliasParser, TargetsAreBounded) {
  std::string text = "big: x\n";
  for (std::size_t i = 0; i < kMaxAliasTargets; ++i) text += " ,y\n";
  EXPECT_EQ(error_of(text), "/etc/aliases:10001: alias 'big' has more than 10000 targets");
}

TEST(AliasTarget, WhatIsNotAnAddress) {
  EXPECT_FALSE(is_address_target("|/usr/bin/procmail"));
  EXPECT_FALSE(is_address_target("\"|/usr/bin/vacation -a x\""));
  EXPECT_FALSE(is_address_target("/var/mail/archive"));
  EXPECT_FALSE(is_address_target(":include:/etc/mail/list"));
  EXPECT_FALSE(is_address_target(":INCLUDE:/etc/mail/list"));
  EXPECT_TRUE(is_address_target("admin@example.com"));
  EXPECT_TRUE(is_address_target("admin"));
  EXPECT_TRUE(is_address_target("\\root"));
}

// Expansion.
const LocalDomains kLocal{"host.example.net", "host.example.net"};

EnvelopeAddress address(std::string_view text) {
  EnvelopeAddress out;
  std::string detail;
  EXPECT_TRUE(parse_envelope_address(text, kLocal.qualify_domain, out, detail)) << detail;
  return out;
}

AliasExpansion expand(std::string_view file, std::vector<std::string> recipients) {
  std::vector<EnvelopeAddress> parsed_recipients;
  for (const std::string& r : recipients) parsed_recipients.push_back(address(r));
  return expand_aliases(parsed(file), parsed_recipients, kLocal);
}

std::vector<std::string> texts(const AliasExpansion& e) {
  std::vector<std::string> out;
  for (const EnvelopeAddress& a : e.recipients) out.push_back(a.text);
  return out;
}

TEST(ExpandAliases, RootToTwoAddresses) {
  const auto e = expand("root: admin@example.com, ops@example.org\n", {"root"});
  EXPECT_EQ(e.error, "");
  EXPECT_EQ(texts(e), (std::vector<std::string>{"admin@example.com", "ops@example.org"}));
  EXPECT_TRUE(e.refused.empty());
}

TEST(ExpandAliases, LocalMeansQualifyDomainHostNameOrLocalhostAnyCase) {
  const std::string file = "root: admin@example.com\n";
  EXPECT_EQ(texts(expand(file, {"ROOT@Host.Example.NET"})),
            std::vector<std::string>{"admin@example.com"});
  EXPECT_EQ(texts(expand(file, {"root@localhost"})), std::vector<std::string>{"admin@example.com"});
  const LocalDomains other{"qualify.example", "host.example.net"};
  std::vector<EnvelopeAddress> r{address("root@host.example.net"), address("root@qualify.example")};
  EXPECT_EQ(texts(expand_aliases(parsed(file), r, other)),
            std::vector<std::string>{"admin@example.com"});
}

TEST(ExpandAliases, OtherDomainsAreNotLookedUp) {
  EXPECT_EQ(texts(expand("root: admin@example.com\ndefault: x@example.com\n",
                         {"root@elsewhere.example", "root@[192.0.2.1]"})),
            (std::vector<std::string>{"root@elsewhere.example", "root@[192.0.2.1]"}));
}

TEST(ExpandAliases, RecursiveAndEachMailboxOnce) {
  const auto e = expand(
      "mailer-daemon: postmaster\npostmaster: root\nroot: admin, ops@example.org\n"
      "admin: admin@example.com, ops@example.org\n",
      {"mailer-daemon", "ops@example.org"});
  EXPECT_EQ(texts(e), (std::vector<std::string>{"admin@example.com", "ops@example.org"}));
}

TEST(ExpandAliases, WithoutAnEntryOrDefaultTodaysBehaviour) {
  EXPECT_EQ(texts(expand("root: admin@example.com\n", {"alice"})),
            std::vector<std::string>{"alice@host.example.net"});
}

TEST(ExpandAliases, DefaultCatchesOtherLocalNames) {
  const std::string file = "root: admin@example.com\ndefault: catchall@example.com\n";
  EXPECT_EQ(texts(expand(file, {"alice", "root"})),
            (std::vector<std::string>{"catchall@example.com", "admin@example.com"}));
}

TEST(ExpandAliases, DefaultDoesNotCatchWhatItProduced) {
  EXPECT_EQ(texts(expand("default: admin\n", {"alice"})),
            std::vector<std::string>{"admin@host.example.net"});
}

TEST(ExpandAliases, ABackslashTargetIsNotLookedUpAgain) {
  EXPECT_EQ(texts(expand("root: \\root, admin@example.com\n", {"root"})),
            (std::vector<std::string>{"root@host.example.net", "admin@example.com"}));
}

TEST(ExpandAliases, ALoopNamesFileAndLine) {
  const auto e = expand("# loop\na: b\nb: c\nc: a\n", {"a"});
  EXPECT_EQ(e.error, "/etc/aliases:4: alias loop: a -> b -> c -> a");
  EXPECT_TRUE(e.recipients.empty());
  EXPECT_EQ(expand("root: root\n", {"root"}).error, "/etc/aliases:1: alias loop: root -> root");
}

TEST(ExpandAliases, TenLevelsAreAllowedElevenAreNot) {
  std::string file;
  for (int i = 0; i < 10; ++i) file += "l" + std::to_string(i) + ": l" + std::to_string(i + 1) + "\n";
  EXPECT_EQ(texts(expand(file, {"l0"})), std::vector<std::string>{"l10@host.example.net"});
  file += "l10: l11\n";
  EXPECT_EQ(expand(file, {"l0"}).error,
            "/etc/aliases:10: aliases nested more than 10 levels deep: l0 -> l1 -> l2 -> l3 -> l4 "
            "-> l5 -> l6 -> l7 -> l8 -> l9 -> l10");
}

TEST(ExpandAliases, ATargetThatIsNotAnAddressIsRefusedForItsRecipient) {
  const auto e = expand("root: admin@example.com,\n  |/usr/bin/procmail\n", {"root", "bob@example.org"});
  EXPECT_EQ(e.error, "");
  EXPECT_EQ(texts(e), (std::vector<std::string>{"admin@example.com", "bob@example.org"}));
  ASSERT_EQ(e.refused.size(), 1u);
  EXPECT_EQ(e.refused[0].recipient, "root@host.example.net");
  EXPECT_EQ(e.refused[0].sentence,
            "alias 'root' (/etc/aliases:2) names '|/usr/bin/procmail', which is not an address: "
            "commands, files and :include: lists are not delivered");
}

TEST(ExpandAliases, ABadTargetAddressIsAConfigurationError) {
  EXPECT_EQ(expand("root: a@@b\n", {"root"}).error.rfind("/etc/aliases:1: alias 'root': ", 0), 0u);
}

TEST(ExpandAliases, AnEmptyTableChangesNothing) {
  EXPECT_EQ(texts(expand_aliases(AliasTable{}, std::vector<EnvelopeAddress>{address("root")}, kLocal)),
            std::vector<std::string>{"root@host.example.net"});
}

}  // namespace
}  // namespace smtpsend::message
