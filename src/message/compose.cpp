// The composer. Every line it writes ends in CRLF and stays within RFC 5322 §2.1.1's 998
// octets (header fields folded, header_fold.hpp); header text outside printable ASCII is
// RFC 2047-encoded, so the header section of a composed message is 7bit whatever the user
// typed (addresses excepted: RFC 6531 covers those).
#include "smtpsend/message/compose.hpp"

#include <algorithm>
#include <string_view>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/message/extra_header.hpp"
#include "smtpsend/message/header_fold.hpp"
#include "smtpsend/message/header_parser.hpp"
#include "smtpsend/message/mime_encoding.hpp"

namespace smtpsend::message {
namespace {

constexpr std::size_t kFoldAt = 78;  // RFC 5322 §2.1.1's recommended line length
// Room left in the header section for what completion and the MIME fields add after the
// user's fields (Date, Message-ID, Content-Type, Content-Transfer-Encoding).
constexpr std::size_t kCompletionRoom = 1024;

bool has_extra(const ComposeInput& input, std::string_view name) {
  return std::any_of(input.extra_headers.begin(), input.extra_headers.end(),
                     [&](const std::string& line) {
                       const std::size_t colon = line.find(':');
                       return colon != std::string::npos &&
                              same_field_name(std::string_view(line).substr(0, colon), name);
                     });
}

// "To: a@x, b@y" folded after a comma whenever the next address would pass kFoldAt (§2.2.3).
// No recipient on the command line: the empty group RFC 5322 §A.1.3 shows.
std::string to_field(const std::vector<std::string>& addresses) {
  if (addresses.empty()) return "To: undisclosed-recipients:;\r\n";
  std::string out = "To: ";
  std::size_t column = out.size();
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    if (i > 0) {
      out += ',';
      ++column;
      // Room for " address" and the comma that may follow it.
      if (column + 1 + addresses[i].size() + 1 > kFoldAt) {
        out += "\r\n";
        column = 0;
      }
      out += ' ';
      ++column;
    }
    out += addresses[i];
    column += addresses[i].size();
  }
  return out + "\r\n";
}

std::string text_part(std::string_view body, bool encode) {
  std::string out = "Content-Type: text/plain; charset=UTF-8\r\n";
  if (!encode) return out + "Content-Transfer-Encoding: 7bit\r\n\r\n" + canonicalize_crlf(body);
  return out + "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + quoted_printable(body);
}

// RFC 2183 Content-Disposition with the file name; the Content-Type "name" parameter is kept
// for readers that predate RFC 2183.
std::string attachment_header(const Attachment& attachment) {
  return "Content-Type: " + attachment.mime_type + ";\r\n " +
         mime_parameter("name", attachment.file_name) +
         "\r\nContent-Disposition: attachment;\r\n " +
         mime_parameter("filename", attachment.file_name) +
         "\r\nContent-Transfer-Encoding: base64\r\n\r\n";
}

// The message as written: text into the head until the first attachment left in its file,
// then parts of the rest.
class Writer {
 public:
  explicit Writer(ComposedMessage& out) : out_(out) {}
  void text(std::string_view bytes) {
    if (parts_.empty()) {
      out_.head += bytes;
    } else {
      if (parts_.back().file) parts_.emplace_back();
      parts_.back().text += bytes;
    }
  }
  void attachment_body(const Attachment& attachment) {
    if (!attachment.file) return text(base64_lines(attachment.content));
    parts_.push_back({{}, attachment.file});
  }
  void finish() {
    if (!parts_.empty()) out_.rest = std::make_shared<const ComposedContent>(std::move(parts_));
  }

 private:
  ComposedMessage& out_;
  std::vector<ComposedPart> parts_;
};

bool header_fields(const ComposeInput& input, std::string& out, LoadError& error) {
  if (!has_extra(input, "From")) {
    out += mailbox_field("From", input.from_name, input.from_address);
  }
  if (!has_extra(input, "To")) out += to_field(input.to);
  if (input.subject && !has_extra(input, "Subject")) out += text_field("Subject", *input.subject);
  for (const std::string& line : input.extra_headers) {
    if (!extra_header_field(line, out, error)) return false;
  }
  out += "MIME-Version: 1.0\r\n";
  // Many long -H values could pass the bound every reader of the message applies.
  if (out.size() + kCompletionRoom > kMaxHeaderSection) {
    error.error = make_error_code(Errc::usage);
    error.detail = "the composed header fields (-s, -H, -F) exceed " +
                   std::to_string(kMaxHeaderSection - kCompletionRoom) + " octets";
    return false;
  }
  return true;
}

}  // namespace

bool compose_message(const ComposeInput& input, ComposedMessage& out, LoadError& error) {
  const bool encode = needs_transfer_encoding(input.body);
  out = ComposedMessage{};
  if (!header_fields(input, out.head, error)) return false;
  if (input.attachments.empty()) {
    out.head += text_part(input.body, encode);
    return true;
  }

  // RFC 2046 §5.1.1: "=_" cannot occur in base64 or quoted-printable text; a 7bit body that
  // happens to hold the boundary is sent quoted-printable instead, which encodes its "=".
  const std::string boundary = "=_smtpsend_" + input.boundary_unique;
  const bool body_holds_boundary = input.body.find(boundary) != std::string::npos;
  Writer writer(out);
  writer.text("Content-Type: multipart/mixed;\r\n boundary=\"" + boundary + "\"\r\n\r\n");
  writer.text("This is a message in MIME format.\r\n");
  if (!input.body.empty()) {
    writer.text("\r\n--" + boundary + "\r\n" +
                text_part(input.body, encode || body_holds_boundary));
  }
  for (const Attachment& attachment : input.attachments) {
    writer.text("\r\n--" + boundary + "\r\n" + attachment_header(attachment));
    writer.attachment_body(attachment);
  }
  writer.text("\r\n--" + boundary + "--\r\n");
  writer.finish();
  return true;
}

bool compose_message(const ComposeInput& input, std::string& out, LoadError& error) {
  ComposedMessage composed;
  if (!compose_message(input, composed, error)) return false;
  out = std::move(composed.head);  // no attachment is a file: there is no rest
  return true;
}

bool prepare_composed_message(ComposedMessage&& composed, std::string source,
                              const CompletionContext& ctx, Message& out, LoadError& error) {
  if (!prepare_owned_message(std::move(composed.head), std::move(source), ctx, out, error)) {
    return false;
  }
  out.rest = std::move(composed.rest);
  return true;
}

}  // namespace smtpsend::message
