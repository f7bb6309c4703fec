// message/compose: the MIME composer (SPEC.md "Composing"; RFC 5322, RFC 2045-2047, RFC 2183,
// RFC 2231).
//
// Owns: turning a subject, extra header lines, a text body and attachments into one message:
// From, To, Subject, the -H lines, MIME-Version, Content-Type and Content-Transfer-Encoding;
// the body as UTF-8 text, quoted-printable when it is not 7bit; attachments base64 in a
// multipart/mixed with RFC 2231 file names; an attachment given as an open file is encoded
// while the message is sent (composed_content.hpp), never held. Date and Message-ID are left to
// add_missing_headers(), which prepare_message() runs on the result. Every header line is
// folded within 998 octets (header_fold.hpp); -H values are encoded by the kind of their field
// (extra_header.hpp). Must not: open files or detect MIME types (app/ does, with libmagic).
// Errors: Errc::usage (64) for a -H value that cannot be written (extra_header.hpp) or header
// fields too large for a header section; the CLI has refused CR/LF in values.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "smtpsend/message/composed_content.hpp"
#include "smtpsend/message/message.hpp"

namespace smtpsend::message {

struct Attachment {
  std::string file_name;  // as the recipient sees it (the base name), UTF-8
  std::string content;    // the file's bytes, when `file` is not set
  std::string mime_type;  // "type/subtype", e.g. "application/pdf"
  // The open file, encoded while the message is sent (composed_content.hpp).
  std::shared_ptr<const AttachedFile> file = {};
};

struct ComposeInput {
  std::string from_address;     // addr-spec of the generated From:
  std::string from_name;        // its display name; "" for none
  std::vector<std::string> to;  // addresses for the generated To:
  std::optional<std::string> subject;
  std::vector<std::string> extra_headers;  // "Name: value"; one named From, To or Subject
                                           // replaces the generated field
  std::string body;                        // text, any line endings
  std::vector<Attachment> attachments;
  std::string boundary_unique;  // random text making the multipart boundary unique
};

// The whole message in `out` (every attachment's `content` in memory); false with `error` set
// when a -H value cannot be written.
bool compose_message(const ComposeInput& input, std::string& out, LoadError& error);

// A composed message whose attachments may be files: `head` up to the first of them (the
// header section and the text), then `rest`, made while it is sent; null when there is none.
struct ComposedMessage {
  std::string head;
  std::shared_ptr<const ComposedContent> rest;
};
bool compose_message(const ComposeInput& input, ComposedMessage& out, LoadError& error);

// prepare_owned_message() for a composed message: its head is completed, its rest kept.
bool prepare_composed_message(ComposedMessage&& composed, std::string source,
                              const CompletionContext& ctx, Message& out, LoadError& error);

}  // namespace smtpsend::message
