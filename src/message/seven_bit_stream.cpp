// The 7-bit form of an 8-bit message made while it is read (RFC 6152 §3), as
// seven_bit_downgrade() makes it from a whole buffer. The input is cut into lines; a line short
// enough to be a delimiter (RFC 2046 §5.1.1) is held whole, a longer one goes on in pieces.
// Each line belongs to the innermost open entity unless it is a delimiter of an enclosing
// multipart, the outermost first, as the whole-buffer walk splits the outer body first.
// Entities are parsed whether or not they turn out to have 8-bit bytes (that is known only
// at their end), so both passes number them alike; one without is copied as it is.
#include "smtpsend/message/seven_bit_stream.hpp"

#include <algorithm>
#include <optional>

#include "mime_entity.hpp"
#include "smtpsend/message/message.hpp"
#include "smtpsend/message/seven_bit_downgrade.hpp"

namespace smtpsend::message {
namespace {

using detail::ContentType;
using detail::Delimiter;

constexpr std::string_view kCrlf = "\r\n";
constexpr std::size_t kQpLineLimit = 76;       // RFC 2045 §6.7 rule 5, "=" included
constexpr std::size_t kReadSlice = 64 * 1024;  // canonical bytes read per step when sent
constexpr char kHex[] = "0123456789ABCDEF";

// is_valid_utf8() over pieces: the same checks, one octet at a time.
class Utf8Check {
 public:
  void add(std::string_view bytes) {
    for (char ch : bytes) {
      if (!valid_) return;
      const auto c = static_cast<unsigned char>(ch);
      if (c >= 0x80 || need_ != 0) byte(c);
    }
  }
  bool finish() const noexcept { return valid_ && need_ == 0; }

 private:
  void byte(unsigned char c) {
    if (need_ == 0) {
      const int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
      if (n == 0 || (n == 2 && c < 0xC2) || (n == 4 && c > 0xF4)) valid_ = false;
      lead_ = c;
      need_ = n - 1;
      second_ = true;
      return;
    }
    if ((c & 0xC0) != 0x80) valid_ = false;
    if (second_ && ((lead_ == 0xE0 && c < 0xA0) || (lead_ == 0xED && c > 0x9F) ||
                    (lead_ == 0xF0 && c < 0x90) || (lead_ == 0xF4 && c > 0x8F))) {
      valid_ = false;
    }
    second_ = false;
    --need_;
  }

  bool valid_ = true;
  int need_ = 0;
  unsigned char lead_ = 0;
  bool second_ = false;
};

// quoted_printable() over pieces of canonical lines: whether an octet ends its line (white
// space there is encoded, RFC 2045 §6.7 rule 3) is known only at the next one, so one waits.
// Written straight into `out`'s storage: this loop is most of a large message's conversion.
class QpStream {
 public:
  void feed(std::string_view bytes, std::string& out) {
    if (bytes.empty()) return;
    const std::size_t start = out.size();
    out.resize(start + room_for(bytes.size()));
    char* at = out.data() + start;
    for (char ch : bytes) {
      if (pending_ >= 0) at = put(static_cast<unsigned char>(pending_), false, at);
      pending_ = static_cast<unsigned char>(ch);
    }
    out.resize(static_cast<std::size_t>(at - out.data()));
  }
  void end_line(std::string& out) {
    const std::size_t start = out.size();
    out.resize(start + room_for(1) + kCrlf.size());
    char* at = out.data() + start;
    if (pending_ >= 0) at = put(static_cast<unsigned char>(pending_), true, at);
    *at++ = '\r';
    *at++ = '\n';
    out.resize(static_cast<std::size_t>(at - out.data()));
    pending_ = -1;
    column_ = 0;
  }

 private:
  // At most three characters per octet and a three-character soft break per line of output.
  static std::size_t room_for(std::size_t octets) {
    return 3 * octets + 3 * (3 * octets / (kQpLineLimit - 3) + 1);
  }

  char* put(unsigned char u, bool last, char* at) {
    const bool literal = (u >= 33 && u <= 126 && u != '=') || ((u == ' ' || u == '\t') && !last);
    const std::size_t width = literal ? 1 : 3;
    if (column_ + width > kQpLineLimit - 1) {
      *at++ = '=';  // rule 5: soft line break
      *at++ = '\r';
      *at++ = '\n';
      column_ = 0;
    }
    if (literal) {
      *at++ = static_cast<char>(u);
    } else {
      *at++ = '=';
      *at++ = kHex[u >> 4];
      *at++ = kHex[u & 0xF];
    }
    column_ += width;
    return at;
  }

  int pending_ = -1;
  std::size_t column_ = 0;
};

enum class Kind { header, leaf, multipart, message, opaque };

struct Frame {
  std::size_t ordinal = 0;
  std::size_t depth = 0;
  bool top = false;
  Kind kind = Kind::header;
  std::string header;  // up to kMaxHeaderSection bytes of the header section
  std::uint64_t header_size = 0;
  std::string refusal;  // the sentence when this entity has 8-bit bytes (after its header)
  std::string dash_boundary;
  bool closed = false;
  bool marked = false;      // survey: 8-bit bytes seen in it
  bool converting = false;  // encoder: its 8-bit bytes are converted (it is not copied)
  bool check_utf8 = false;  // survey: a leaf that will say its charset
  Utf8Check utf8;
  QpStream qp;
};

bool is_blank_line(std::string_view line) {
  return line == kCrlf;
}

std::string_view trim_crlf(std::string_view line) {
  return line.ends_with(kCrlf) ? line.substr(0, line.size() - 2) : line;
}

}  // namespace

struct SevenBitStream::Walker {
  const SevenBitPlan* plan = nullptr;  // null: survey
  SevenBitPlan survey;                 // the survey's plan being made
  std::vector<Frame> frames;
  std::size_t next_ordinal = 0;
  std::string line;      // the start of a line not yet handed on (never more than a delimiter)
  bool in_line = false;  // a piece of the current line was handed on already
  std::uint64_t line_octets = 0;  // of the current line so far, its CRLF not counted
  std::string* out = nullptr;

  bool surveying() const noexcept { return plan == nullptr; }
  bool failed() const noexcept { return surveying() && !survey.error.empty(); }

  void push(std::size_t depth, bool top) {
    Frame frame;
    frame.ordinal = next_ordinal++;
    frame.depth = depth;
    frame.top = top;
    if (depth > kMaxMimeDepth) {
      frame.kind = Kind::opaque;
      frame.refusal = detail::too_deep_error();
    }
    if (surveying()) {
      survey.eight_bit.push_back(false);
      survey.body_utf8.push_back(true);
    } else {
      frame.converting = frame.ordinal < plan->eight_bit.size() && plan->eight_bit[frame.ordinal];
    }
    frames.push_back(std::move(frame));
  }

  void pop_to(std::size_t keep) {
    while (frames.size() > keep) {
      Frame& frame = frames.back();
      if (surveying() && frame.check_utf8) survey.body_utf8[frame.ordinal] = frame.utf8.finish();
      frames.pop_back();
    }
  }

  // Survey: an 8-bit byte in frames[0..target]. Each entity newly found 8-bit is checked, the
  // outermost first, as the whole-buffer walk checks an entity before its parts.
  void mark(std::size_t target, bool in_segment) {
    for (std::size_t i = 0; i <= target && survey.error.empty(); ++i) {
      Frame& frame = frames[i];
      if (frame.marked) continue;
      frame.marked = true;
      survey.eight_bit[frame.ordinal] = true;
      if (frame.kind == Kind::header && frame.depth <= kMaxMimeDepth) {
        survey.error = detail::header_error();
      } else if (!frame.refusal.empty()) {
        survey.error = frame.refusal;
      }
    }
    // A multipart's own lines that are not delimiters: its preamble or epilogue.
    if (survey.error.empty() && in_segment && frames[target].kind == Kind::multipart) {
      survey.error = detail::preamble_error();
    }
  }

  // RFC 2045 §3: the empty line ends the header section; what follows is parsed by its type.
  void end_header(Frame& frame) {
    const std::vector<detail::Field> fields = detail::fields_of(frame.header);
    const ContentType ct = detail::content_type_of(fields);
    const bool write = !surveying() && frame.converting;
    const std::size_t depth = frame.depth;
    if (frame.header_size > kMaxHeaderSection) {
      frame.kind = Kind::opaque;
      frame.refusal = detail::header_too_long_error();
    } else if (ct.type == "multipart") {
      if (ct.boundary.empty()) {
        frame.kind = Kind::opaque;
        frame.refusal = detail::no_boundary_error();
      } else {
        frame.kind = Kind::multipart;
        frame.dash_boundary = "--" + ct.boundary;
        if (write) detail::write_composite_header(fields, *out);
      }
    } else if (ct.type == "message") {
      if (ct.subtype != "rfc822") {
        frame.kind = Kind::opaque;
        frame.refusal = detail::message_type_error(ct.subtype);
      } else {
        frame.kind = Kind::message;
        if (write) detail::write_composite_header(fields, *out);
      }
    } else {
      frame.kind = Kind::leaf;
      const std::string encoding = detail::transfer_encoding_of(fields);
      if (encoding == "base64" || encoding == "quoted-printable") {
        frame.refusal = detail::encoded_leaf_error(encoding);
      }
      frame.check_utf8 = surveying() && frame.top && !ct.present;
      if (write) {
        const bool utf8 = frame.ordinal < plan->body_utf8.size() && plan->body_utf8[frame.ordinal];
        detail::write_leaf_header(fields, ct, frame.top, utf8, *out);
      }
    }
    frame.header = std::string();
    // RFC 2046 §5.2.1: a message/rfc822 body is a message of its own.
    if (frame.kind == Kind::message) push(depth + 1, true);
  }

  // The outermost open multipart that `line` is a delimiter of, or npos.
  std::size_t delimiter_level(std::string_view whole_line, Delimiter& kind) const {
    const std::string_view bare = trim_crlf(whole_line);
    if (bare.size() > detail::kMaxDelimiterLine || !bare.starts_with("--"))
      return std::string::npos;
    for (std::size_t i = 0; i < frames.size(); ++i) {
      const Frame& frame = frames[i];
      if (frame.kind != Kind::multipart || frame.closed) continue;
      kind = detail::delimiter_kind(bare, frame.dash_boundary);
      if (kind != Delimiter::none) return i;
    }
    return std::string::npos;
  }

  void delimiter(std::size_t level, Delimiter kind, std::string_view whole_line) {
    pop_to(level + 1);
    if (surveying()) {
      if (has_eight_bit(whole_line)) mark(level, false);
    } else {
      *out += whole_line;
    }
    Frame& multipart = frames[level];
    if (kind == Delimiter::close) {
      multipart.closed = true;
    } else {
      push(multipart.depth + 1, false);
    }
  }

  // A piece of a line of the innermost entity; `starts` and `ends` say whether it starts and
  // ends the line.
  void piece(std::string_view bytes, bool starts, bool ends) {
    if (starts && ends) {
      Delimiter kind = Delimiter::none;
      const std::size_t level = delimiter_level(bytes, kind);
      if (level != std::string::npos) return delimiter(level, kind, bytes);
    }
    Frame& frame = frames.back();
    const std::size_t target = frames.size() - 1;
    if (surveying() && has_eight_bit(bytes)) {
      mark(target, true);
      if (!survey.error.empty()) return;
    }
    if (frame.kind == Kind::header) return header_piece(frame, bytes, starts && ends);
    if (surveying()) {
      if (frame.check_utf8) frame.utf8.add(bytes);
      if (frame.kind == Kind::leaf) count_line(target, bytes, starts, ends);
      return;
    }
    if (frame.kind != Kind::leaf || !frame.converting) {
      *out += bytes;
      return;
    }
    const bool crlf = ends && bytes.ends_with(kCrlf);
    frame.qp.feed(crlf ? bytes.substr(0, bytes.size() - 2) : bytes, *out);
    if (ends) frame.qp.end_line(*out);
  }

  // Survey: a leaf body line over kMaxLineOctets (RFC 5321 §4.5.3.1.6) converts the leaf, as
  // an 8-bit byte would, unless it is declared encoded (then it stays as it is, unrefused).
  void count_line(std::size_t target, std::string_view bytes, bool starts, bool ends) {
    if (starts) line_octets = 0;
    line_octets += bytes.size() - (ends && bytes.ends_with(kCrlf) ? kCrlf.size() : 0);
    if (line_octets <= kMaxLineOctets || !frames[target].refusal.empty()) return;
    survey.long_lines = true;
    mark(target, false);
  }

  void header_piece(Frame& frame, std::string_view bytes, bool whole_line) {
    if (whole_line && is_blank_line(bytes)) {
      if (!surveying() && !frame.converting) *out += bytes;
      return end_header(frame);
    }
    if (!surveying() && !frame.converting) *out += bytes;
    frame.header_size += bytes.size();
    if (frame.header_size <= kMaxHeaderSection) frame.header += bytes;
  }

  void feed(std::string_view in) {
    while (!in.empty() && !failed()) {
      const std::size_t lf = in.find('\n');
      if (lf == std::string_view::npos) {
        line += in;
        if (line.size() > detail::kMaxDelimiterLine + kCrlf.size()) hand_on_start();
        return;
      }
      const std::string_view rest = in.substr(0, lf + 1);
      in.remove_prefix(lf + 1);
      if (line.empty()) {
        piece(rest, !in_line, true);
      } else {
        line += rest;
        piece(line, !in_line, true);
        line.clear();
      }
      in_line = false;
    }
  }

  // A line too long to be a delimiter goes on in pieces; a CR ending a piece waits for its LF.
  void hand_on_start() {
    const std::size_t n = line.size() - (line.ends_with('\r') ? 1 : 0);
    piece(std::string_view(line).substr(0, n), !in_line, false);
    line.erase(0, n);
    in_line = true;
  }

  void finish() {
    if (!failed() && (!line.empty() || in_line)) piece(line, !in_line, true);
    line.clear();
    in_line = false;
    if (!failed()) pop_to(0);
  }
};

SevenBitStream::SevenBitStream() : walker_(std::make_unique<Walker>()) {
  walker_->push(0, true);
}

SevenBitStream::SevenBitStream(const SevenBitPlan& plan) : walker_(std::make_unique<Walker>()) {
  walker_->plan = &plan;
  walker_->push(0, true);
}

SevenBitStream::~SevenBitStream() = default;
SevenBitStream::SevenBitStream(SevenBitStream&&) noexcept = default;
SevenBitStream& SevenBitStream::operator=(SevenBitStream&&) noexcept = default;

void SevenBitStream::feed(std::string_view canonical, std::string& out) {
  walker_->out = &out;
  walker_->feed(canonical);
}

void SevenBitStream::finish(std::string& out) {
  walker_->out = &out;
  walker_->finish();
}

SevenBitPlan SevenBitStream::take_plan() {
  return std::move(walker_->survey);
}

namespace {

// Hands the message to `stream` in the slices the session would read it in.
bool run(const OwnedContent& message, SevenBitStream& stream, std::string& out,
         std::uint64_t* counted, std::string& error) {
  ContentReader reader(message.view());
  for (;;) {
    std::string_view slice;
    if (!reader.next(kReadSlice, slice, error)) return false;
    if (slice.empty()) break;
    stream.feed(slice, out);
    if (counted != nullptr) {
      *counted += out.size();
      out.clear();
    }
  }
  stream.finish(out);
  if (counted != nullptr) *counted += out.size();
  return true;
}

class SevenBitCursor final : public ContentCursor {
 public:
  SevenBitCursor(const OwnedContent& message, const SevenBitPlan& plan)
      : reader_(message.view()), stream_(plan) {}

  bool next(std::string& out, std::string& error) override {
    out.clear();
    while (out.empty() && !done_) {
      std::string_view slice;
      if (!reader_.next(kReadSlice, slice, error)) return false;
      if (slice.empty()) {
        stream_.finish(out);
        done_ = true;
      } else {
        stream_.feed(slice, out);
      }
    }
    return true;
  }

 private:
  ContentReader reader_;
  SevenBitStream stream_;
  bool done_ = false;
};

// The size is counted at the first size() call, which a session makes only for a server
// without 8BITMIME (SIZE=, BDAT, before MAIL FROM): where the message goes as it is, its 7-bit
// form costs only the survey. Sessions run on one thread, so the cache needs no lock.
class SevenBitSource final : public ContentSource {
 public:
  SevenBitSource(OwnedContent message, SevenBitPlan plan)
      : message_(std::move(message)), plan_(std::move(plan)) {}

  // A message that can no longer be read counts as empty: the session then refuses it before
  // MAIL FROM (as it does a message without a 7-bit form) instead of announcing a wrong size.
  std::uint64_t size() const noexcept override {
    if (!size_) {
      std::uint64_t counted = 0;
      std::string scratch;
      std::string error;
      SevenBitStream counter(plan_);
      size_ = run(message_, counter, scratch, &counted, error) ? counted : 0;
    }
    return *size_;
  }
  std::unique_ptr<ContentCursor> open() const override {
    return std::make_unique<SevenBitCursor>(message_, plan_);
  }

 private:
  OwnedContent message_;
  SevenBitPlan plan_;
  mutable std::optional<std::uint64_t> size_;
};

}  // namespace

StreamedSevenBitForm streamed_seven_bit_form(OwnedContent message) {
  StreamedSevenBitForm form;
  std::string none;
  SevenBitStream survey;
  if (!run(message, survey, none, nullptr, form.error)) return form;
  SevenBitPlan plan = survey.take_plan();
  if (!plan.error.empty()) {
    form.error = std::move(plan.error);
    return form;
  }
  form.encoded_long_lines = plan.long_lines;
  form.content = std::make_shared<const SevenBitSource>(std::move(message), std::move(plan));
  return form;
}

}  // namespace smtpsend::message
