// message/message: reading a message and making it fit to send (RFC 5322, RFC 5321 §2.3.8).
//
// Owns: reading a file or stdin; canonical CRLF (bare CR and bare LF become CRLF, so no SMTP
// smuggling payload can survive); the header facts smtpsend needs (Date, Message-ID, From,
// Sender); adding Date and Message-ID when missing; the default envelope sender; the 8-bit
// fact; the input size limit (--max-size) and the spool's free-space rule while reading. Must
// not: know about servers. Errors: Errc::input_unreadable (66), Errc::message_malformed (65),
// Errc::input_too_large (65), Errc::spool_full (75), an errno for a spool that cannot be
// written (74), each with a one-sentence detail.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "smtpsend/message/content.hpp"
#include "smtpsend/message/seven_bit_downgrade.hpp"

namespace smtpsend::message {

// Bound on the header section scanned for facts (like Beast's header_limit): a header section
// with no end within this many bytes is malformed.
inline constexpr std::size_t kMaxHeaderSection = 1024 * 1024;
// RFC 5322 §2.1.1: a header line must not exceed 998 octets (plus CRLF).
inline constexpr std::size_t kMaxHeaderLine = 998;
// RFC 5321 §4.5.3.1.6: the same limit for every line of the text SMTP carries; a server may cut,
// wrap or refuse a longer one, so a body line over it is sent quoted-printable (issue 10).
inline constexpr std::size_t kMaxLineOctets = 998;
// A message up to this size is held whole. Of a larger one only the header section is held
// (all of it, up to kMaxHeaderSection), or, for input that is all body, its first bytes up to a
// line break within this size.
inline constexpr std::size_t kHeldWhole = 256 * 1024;
// --max-size's default (SPEC.md "Routing"): larger than any mail server accepts (Postfix's
// message_size_limit is 10 MB, Gmail's 25-50 MB), yet it stops an endless input in seconds.
inline constexpr std::uint64_t kDefaultMaxInputSize = std::uint64_t{1} << 30;

// How one message's input is read.
struct InputOptions {
  // Input bytes accepted (--max-size; bytes as read, before CRLF canonicalisation): more is
  // Errc::input_too_large, found while reading, so an endless input stops there.
  std::uint64_t max_size = kDefaultMaxInputSize;
  // stdin only: a line holding only "." ends it (the sendmail personality without -i,
  // dot_line_input.hpp); the dot line and what follows it are not part of the message.
  bool ends_at_dot_line = false;
};

struct HeaderFacts {
  bool has_date = false;
  bool has_message_id = false;
  std::string message_id;                     // as in the header, with <>, or the one added
  bool has_from = false;                      // a From: field is present, usable or not
  std::optional<std::string> from_address;    // addr-spec of the first mailbox in From:
  std::optional<std::string> sender_address;  // addr-spec in Sender:
  std::size_t header_end = 0;  // offset of the empty line ending the header section (or size)
  // False when the input does not start with a header field: it is all body (as Postfix's
  // sendmail treats it), and completion adds an empty line after the headers it adds.
  bool has_header_section = true;
};

struct Message {
  std::string source;  // "stdin" or the file name, for error messages
  // Canonical CRLF, headers completed. The whole message (ending with CRLF), or, when
  // `spooled` is set, its first part: the whole header section and the start of the body.
  std::string content;
  // A large message's body past `content`, left in its file or spooled (message/content.hpp).
  std::shared_ptr<const SpooledBody> spooled;
  // A composed message's rest past `content`, attachments encoded from their files while it is
  // sent (compose.hpp); never 8-bit. Never set with `spooled`.
  std::shared_ptr<const ContentSource> rest;
  bool spooled_eight_bit = false;  // `spooled` has a byte >= 0x80 (found while it was read)
  bool spooled_long_line = false;  // `spooled` may have a line over kMaxLineOctets
  HeaderFacts facts;
  bool eight_bit = false;  // any byte >= 0x80
  // eight_bit or a line over kMaxLineOctets only: the 7-bit form for servers without 8BITMIME,
  // or why there is none (seven_bit_downgrade.hpp); when it re-encodes a long body line
  // (seven_bit.encoded_long_lines), the form sent to every server. Made once the content is
  // final (prepare_seven_bit_form). Of a
  // message held whole, made in memory (`seven_bit.content`); of a large one, made while it
  // is sent (`seven_bit_stream`, seven_bit_stream.hpp), so it is never held whole either.
  SevenBitForm seven_bit;
  std::shared_ptr<const ContentSource> seven_bit_stream;
  // The streamed 7-bit form's DKIM-Signature fields (message/dkim/signer.hpp), sent before it;
  // an in-memory 7-bit form and `content` carry theirs at their top.
  std::string seven_bit_signature;
  // -t: the recipients its header names (read_recipients.hpp), as written; empty without -t.
  std::vector<std::string> header_recipients;

  ContentView wire_content() const noexcept {
    return rest ? ContentView(content, rest.get()) : ContentView(content, spooled.get());
  }
  ContentView seven_bit_content() const noexcept {
    return seven_bit_stream ? ContentView(seven_bit_signature, seven_bit_stream.get())
                            : ContentView(seven_bit.content);
  }
  // What every server gets: the 7-bit form when it re-encodes a line no server must be sent.
  bool sends_seven_bit_form_everywhere() const noexcept { return seven_bit.encoded_long_lines; }
  std::uint64_t size() const noexcept { return wire_content().size(); }
};

// A failure with the one sentence the user sees ("cannot read a.eml: No such file or directory").
struct LoadError {
  std::error_code error;
  std::string detail;
};

// Reads a whole file ("-" is stdin) of at most `max_size` bytes into memory. On failure returns
// false and fills `error` (Errc::input_unreadable; Errc::input_too_large, having read only
// max_size + 1 bytes).
bool read_input(const std::string& path, std::string& out, LoadError& error,
                std::uint64_t max_size = kDefaultMaxInputSize);

// "SOURCE: message too large: more than N bytes (--max-size)", the sentence of
// Errc::input_too_large.
std::string too_large_sentence(std::string_view source, std::uint64_t max_size);

// A message's bytes as read: all of them in `head`, or, over kHeldWhole bytes, the header
// section (see kHeldWhole) and the rest in `tail` (left in a regular file, else spooled to an
// unlinked file in $TMPDIR or /tmp).
struct RawMessage {
  std::string head;
  std::shared_ptr<const SpooledBody> tail;
  bool tail_eight_bit = false;
  bool tail_long_line = false;  // a raw line of the tail is over kMaxLineOctets
};
// Errors: Errc::input_unreadable (66); Errc::input_too_large; Errc::spool_full when the spool's
// file system would keep less than its reserve free, or has no room at all (ENOSPC, EDQUOT); a
// spool that cannot be written otherwise, its errno (74). Nothing is left in the spool directory.
bool read_message_input(const std::string& path, RawMessage& out, LoadError& error,
                        const InputOptions& options = {}, bool whole = false);

// Bare CR, bare LF and CRLF all become CRLF; the result ends with CRLF when non-empty.
std::string canonicalize_crlf(std::string_view raw);

bool has_eight_bit(std::string_view bytes) noexcept;
// A line of canonical CRLF text longer than kMaxLineOctets, its CRLF not counted.
bool has_overlong_line(std::string_view canonical) noexcept;

// Scans the header section of canonical content. Input whose first line is not a header field
// is all body (has_header_section = false); input starting with an empty line has an empty
// header section. Malformed (empty input; after a first header field, a line that is neither a
// header field, a continuation, nor the empty line ending the section; a header line over 998
// octets; no end within kMaxHeaderSection) -> false with Errc::message_malformed naming it.
bool scan_headers(std::string_view canonical, HeaderFacts& facts, LoadError& error);

struct CompletionContext {
  std::string fqdn;  // for Message-ID's right-hand side
  std::chrono::system_clock::time_point now;
  std::string unique;  // random text making Message-ID unique
};

// "<20261123221300.UNIQUE@fqdn>" (RFC 5322 §3.6.4), from ctx.now, ctx.unique and ctx.fqdn.
std::string new_message_id(const CompletionContext& ctx);

// Adds "Date:" (RFC 5322 §3.3, local time with numeric zone) and "Message-ID:" at the top of
// the header section when missing; updates `facts`.
void add_missing_headers(std::string& canonical, HeaderFacts& facts, const CompletionContext& ctx);

// -F for a message without From: (docs/decisions.md "Composing and -t"): adds
// "From: display_name <address>" at the top of the header section, folded (header_fold.hpp);
// updates `facts`. `address` is an addr-spec of at most 254 octets (parse_envelope_address()).
void add_missing_from(std::string& canonical, HeaderFacts& facts, std::string_view address,
                      std::string_view display_name);

// Reads, canonicalises, scans and completes one message.
bool load_message(const std::string& path, const CompletionContext& ctx, Message& out,
                  LoadError& error, const InputOptions& options = {});
// Same, from bytes already read.
bool prepare_message(std::string_view raw, std::string source, const CompletionContext& ctx,
                     Message& out, LoadError& error);
// Same, taking the bytes over: input that is already canonical CRLF becomes the content without
// a copy (issue 5: a 200 MB message is held once, not twice).
bool prepare_owned_message(std::string&& raw, std::string source, const CompletionContext& ctx,
                           Message& out, LoadError& error);

// True when every line of `bytes` ends in CRLF and no CR or LF stands alone.
bool is_canonical_crlf(std::string_view bytes) noexcept;

// Sets eight_bit from the content and, for an 8-bit message, its 7-bit form (a large one's is
// surveyed and counted now, reading its body twice). Called after the last change to the
// content.
void prepare_seven_bit_form(Message& message);

// SPEC.md: -f wins; else From:'s address, else Sender:'s, else $USER@qualify_domain.
std::string default_envelope_sender(const HeaderFacts& facts, std::string_view user,
                                    std::string_view qualify_domain);

}  // namespace smtpsend::message
