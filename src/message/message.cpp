// The load pipeline: bytes -> canonical CRLF -> header facts -> completed headers.
#include "smtpsend/message/message.hpp"

#include "smtpsend/core/errors.hpp"
#include "smtpsend/message/seven_bit_stream.hpp"

namespace smtpsend::message {
namespace {

// A quoted local part (RFC 5321 §4.1.2) may hold an "@" of its own; only one outside the
// quotes separates the domain.
bool has_domain(std::string_view address) {
  bool quoted = false;
  for (std::size_t i = 0; i < address.size(); ++i) {
    const char c = address[i];
    if (quoted && c == '\\') {
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == '@' && !quoted) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool prepare_message(std::string_view raw, std::string source, const CompletionContext& ctx,
                     Message& out, LoadError& error) {
  return prepare_owned_message(canonicalize_crlf(raw), std::move(source), ctx, out, error);
}

bool prepare_owned_message(std::string&& raw, std::string source, const CompletionContext& ctx,
                           Message& out, LoadError& error) {
  out.source = std::move(source);
  out.content = is_canonical_crlf(raw) ? std::move(raw) : canonicalize_crlf(raw);
  if (!scan_headers(out.content, out.facts, error)) {
    error.detail = out.source + ": " + error.detail;
    return false;
  }
  add_missing_headers(out.content, out.facts, ctx);
  out.eight_bit = has_eight_bit(out.content);
  return true;
}

namespace {

// The head is canonicalised without finish(): the tail continues it where the head ends
// mid-line (input that is all body, without a line break in its first kHeldWhole bytes).
bool prepare_large_message(RawMessage&& raw, std::string source, const CompletionContext& ctx,
                           Message& out, LoadError& error) {
  out.source = std::move(source);
  CrlfCanonicalizer canonicalizer;
  out.content.reserve(raw.head.size() + raw.head.size() / 8 + 1024);
  canonicalizer.feed(raw.head, out.content);
  // A CR ending the head is a bare CR (a CRLF is never cut), so a line break of its own.
  if (raw.head.ends_with('\r')) canonicalizer.finish(out.content);
  raw.head = std::string();
  if (!scan_headers(out.content, out.facts, error)) {
    error.detail = out.source + ": " + error.detail;
    return false;
  }
  if (out.facts.has_header_section && out.facts.header_end >= out.content.size()) {
    error.error = make_error_code(Errc::message_malformed);
    error.detail = out.source + ": the header section does not end within " +
                   std::to_string(kMaxHeaderSection) + " bytes";
    return false;
  }
  add_missing_headers(out.content, out.facts, ctx);
  out.spooled = std::move(raw.tail);
  out.spooled_eight_bit = raw.tail_eight_bit;
  out.spooled_long_line = raw.tail_long_line;
  out.eight_bit = raw.tail_eight_bit || has_eight_bit(out.content);
  return true;
}

}  // namespace

bool load_message(const std::string& path, const CompletionContext& ctx, Message& out,
                  LoadError& error, const InputOptions& options) {
  RawMessage raw;
  if (!read_message_input(path, raw, error, options)) return false;
  std::string source = path == "-" ? "stdin" : path;
  if (raw.tail) return prepare_large_message(std::move(raw), std::move(source), ctx, out, error);
  return prepare_owned_message(std::move(raw.head), std::move(source), ctx, out, error);
}

std::string default_envelope_sender(const HeaderFacts& facts, std::string_view user,
                                    std::string_view qualify_domain) {
  std::string sender;
  if (facts.from_address) {
    sender = *facts.from_address;
  } else if (facts.sender_address) {
    sender = *facts.sender_address;
  } else {
    sender = user;
  }
  if (!has_domain(sender)) {
    sender += "@";
    sender += qualify_domain;
  }
  return sender;
}

void prepare_seven_bit_form(Message& message) {
  message.eight_bit = message.spooled_eight_bit || has_eight_bit(message.content);
  message.seven_bit = {};
  message.seven_bit_stream.reset();
  // A composed message's `rest` is base64 in short lines: only `content` and `spooled` can
  // hold a line over the limit.
  const bool long_line = message.spooled_long_line || has_overlong_line(message.content);
  if (!message.eight_bit && !long_line) return;
  if (!message.spooled && !message.rest) {
    message.seven_bit = seven_bit_downgrade(message.content);
    return;
  }
  StreamedSevenBitForm form =
      streamed_seven_bit_form({message.content, message.spooled, message.rest});
  message.seven_bit.error = std::move(form.error);
  message.seven_bit.encoded_long_lines = form.encoded_long_lines;
  message.seven_bit_stream = std::move(form.content);
}

}  // namespace smtpsend::message
