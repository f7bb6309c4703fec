// message/header_parser: the incremental RFC 5322 header section parser (§2.2, §3.6).
//
// Owns: splitting a header section into fields as bytes arrive in chunks of any size (one byte
// at a time included): each field's name, its exact raw lines (so a field can be removed while
// every other byte stays as it was) and its unfolded body (§2.2.3). Bounded like the rest of
// message/: a line longer than kMaxHeaderLine or a section longer than kMaxHeaderSection is an
// error naming the header. Input whose first line is not a field is all body (docs/decisions.md,
// "Messages"). scan_headers() and -t both read the section through it. Must not: interpret field
// bodies (address_list.hpp does). Errors: one sentence, reported as Errc::message_malformed (65)
// by the callers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace smtpsend::message {

struct HeaderField {
  std::string name;        // as written, without the obsolete WSP before the colon (§4.5)
  std::string raw;         // every line of the field exactly as read, line endings included
  std::size_t offset = 0;  // where `raw` starts in the input
  // §2.2.3: the text after the colon with every line ending removed (the WSP that follows a
  // fold stays).
  std::string unfolded_body() const;
  friend bool operator==(const HeaderField&, const HeaderField&) = default;
};

// RFC 5322 §1.2.2: field names compare case-insensitively (ASCII).
bool same_field_name(std::string_view a, std::string_view b) noexcept;

enum class HeaderParseStatus { need_more, done, error };

class HeaderParser {
 public:
  // Reads `bytes`; stops at the empty line ending the section. Bytes after it are not looked
  // at (body_offset() says where the body starts). Once done or error, further feeds change
  // nothing.
  HeaderParseStatus feed(std::string_view bytes);
  // End of input: a last line without its line ending, and a section without the empty line,
  // end here.
  HeaderParseStatus finish();

  HeaderParseStatus status() const { return status_; }
  const std::vector<HeaderField>& fields() const { return fields_; }
  // False when the first line is not a header field: the whole input is body.
  bool has_header_section() const { return has_header_section_; }
  // Offset of the empty line ending the section (or of the end of input); 0 for all-body input.
  std::size_t header_end() const { return header_end_; }
  // Offset of the first body byte (after the empty line).
  std::size_t body_offset() const { return body_offset_; }
  const std::string& error() const { return error_; }

 private:
  HeaderParseStatus on_line();
  void end_section(std::size_t header_end, std::size_t body_offset);
  HeaderParseStatus fail(std::string sentence);

  HeaderParseStatus status_ = HeaderParseStatus::need_more;
  std::vector<HeaderField> fields_;
  std::string line_;             // the physical line being read, line ending included once seen
  std::size_t line_offset_ = 0;  // where line_ starts in the input
  std::size_t line_number_ = 0;
  std::size_t seen_ = 0;     // bytes consumed so far
  bool field_open_ = false;  // the last field may still get continuation lines
  bool has_header_section_ = true;
  std::size_t header_end_ = 0;
  std::size_t body_offset_ = 0;
  std::string error_;
};

}  // namespace smtpsend::message
