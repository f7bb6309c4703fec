// smtp::EnvelopeParameters through the envelope file as one value: whatever the user asked of
// the envelope at enqueue time is what `queue run` sends (queue/envelope_parameters_lines.hpp).
#include <gtest/gtest.h>

#include <cstddef>
#include <string>

#include "envelope_parameters_lines.hpp"
#include "smtpsend/queue/envelope.hpp"

namespace smtpsend::queue {
// Outside the anonymous namespace: AnyMember's conversion is declared, never defined (it is only
// named in unevaluated requires-expressions), which clang refuses for internal linkage
// (-Wundefined-internal).
namespace member_counting {

// The number of members of an aggregate: how many initialisers T{...} takes.
struct AnyMember {
  template <typename T>
  operator T() const;  // never called: only asked whether a member can be initialised from it
};
template <typename T, typename... Members>
constexpr std::size_t member_count() {
  if constexpr (requires { T{Members{}..., AnyMember{}}; }) {
    return member_count<T, Members..., AnyMember>();
  } else {
    return sizeof...(Members);
  }
}

}  // namespace member_counting

namespace {

using member_counting::member_count;
// A parameter added to EnvelopeParameters (or DsnRequest) stops this test from compiling until
// every_parameter_set() sets it and format_parameters/take_parameter carry it.
static_assert(member_count<smtp::EnvelopeParameters>() == 1, "set the new parameter below");
static_assert(member_count<smtp::DsnRequest>() == 3, "set the new DSN field below");

// Every field set to a value that is not its default.
smtp::EnvelopeParameters every_parameter_set() {
  return smtp::EnvelopeParameters{
      .dsn = smtp::DsnRequest{.notify = "SUCCESS,DELAY", .ret = smtp::DsnReturn::full,
                              .envid = "QQ 314159%"}};
}

Envelope with_parameters(const smtp::EnvelopeParameters& parameters) {
  Envelope e;
  e.id = "0123456789abcdef";
  e.parameters = parameters;
  RecipientState r;
  r.address = "x@y";
  e.recipients.push_back(r);
  return e;
}

smtp::EnvelopeParameters through_the_file(const smtp::EnvelopeParameters& parameters) {
  Envelope out;
  std::string error;
  EXPECT_TRUE(parse_envelope(format_envelope(with_parameters(parameters)), out, error)) << error;
  return out.parameters;
}

TEST(EnvelopeParameters, EveryFieldSurvivesTheFile) {
  ASSERT_NE(every_parameter_set(), smtp::EnvelopeParameters{});
  EXPECT_EQ(through_the_file(every_parameter_set()), every_parameter_set());
}

TEST(EnvelopeParameters, NoneAskedWritesNoLineAndReadsBackAsNone) {
  std::string lines;
  format_parameters(lines, smtp::EnvelopeParameters{});
  EXPECT_EQ(lines, "");
  EXPECT_EQ(through_the_file(smtp::EnvelopeParameters{}), smtp::EnvelopeParameters{});
}

// The envelope file holds the pair's lines and no other spelling of a parameter.
TEST(EnvelopeParameters, TheFileWritesThemThroughThePair) {
  std::string lines;
  format_parameters(lines, every_parameter_set());
  EXPECT_EQ(lines, "ret full\nenvid QQ%20314159%25\nnotify SUCCESS,DELAY\n");
  EXPECT_NE(format_envelope(with_parameters(every_parameter_set())).find("\n" + lines),
            std::string::npos);
}

TEST(EnvelopeParameters, EachLineIsReadBackByThePair) {
  smtp::EnvelopeParameters read;
  EXPECT_EQ(take_parameter("ret", "full", read), ParameterLine::taken);
  EXPECT_EQ(take_parameter("envid", "QQ 314159%", read), ParameterLine::taken);
  EXPECT_EQ(take_parameter("notify", "SUCCESS,DELAY", read), ParameterLine::taken);
  EXPECT_EQ(read, every_parameter_set());
  EXPECT_EQ(take_parameter("ret", "headers", read), ParameterLine::malformed);
  EXPECT_EQ(take_parameter("sender", "a@b", read), ParameterLine::not_a_parameter);
  EXPECT_EQ(read, every_parameter_set());
}

// Entries written before the parameters had their own functions (the same bytes) still read.
TEST(EnvelopeParameters, AnEntryOfTheFirstFormatStillReads) {
  const std::string text =
      "smtpsend-queue-envelope 1\nid 0123456789abcdef\narrival 0\nsize 0\nsender\nbounce no\n"
      "ret hdrs\nenvid QQ314159\nnotify FAILURE\nsmtputf8 no\nbody 7bit\nroute direct\n"
      "recipient x@y\nstatus pending\nattempts 0\nnext-try 0\nmay-duplicate no\nend\n";
  Envelope out;
  std::string error;
  ASSERT_TRUE(parse_envelope(text, out, error)) << error;
  EXPECT_EQ(out.parameters,
            (smtp::EnvelopeParameters{.dsn = smtp::DsnRequest{.notify = "FAILURE",
                                                              .ret = smtp::DsnReturn::headers,
                                                              .envid = "QQ314159"}}));
  EXPECT_EQ(format_envelope(out), text);
}

}  // namespace
}  // namespace smtpsend::queue
