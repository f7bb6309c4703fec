#include "smtpsend/message/dkim/signer.hpp"

#include <openssl/evp.h>

#include <algorithm>

#include "smtpsend/message/dkim/canonical.hpp"
#include "smtpsend/message/message.hpp"

namespace smtpsend::message::dkim {
namespace {

// RFC 5322 §2.1.1 recommends 78; §3.5 allows FWS between and inside tag values.
constexpr std::size_t kFoldAt = 78;
// The session's slice size does not matter to the result; this one keeps the pass cheap.
constexpr std::size_t kSlice = 64 * 1024;

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
  return out;
}

bool same_name(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
    return lower(x) == lower(y);
  });
}

std::string lowercase(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Lines of at most kFoldAt octets where the pieces allow: a piece that does not fit starts a
// continuation line (CRLF TAB); `spaced` pieces are separated by one SP when they share a line.
class Folder {
 public:
  // `start`: the text so far, its last line not yet full.
  explicit Folder(std::string_view start) : text_(start) {
    const std::size_t last_break = text_.rfind("\r\n");
    line_ = last_break == std::string::npos ? text_.size() : text_.size() - last_break - 2;
  }
  void add(std::string_view piece, bool spaced) {
    const std::size_t room = line_ + (spaced ? 1 : 0) + piece.size();
    if (room > kFoldAt && line_ > 1) {
      text_ += "\r\n\t";
      line_ = 1;
    } else if (spaced) {
      text_ += ' ';
      ++line_;
    }
    text_ += piece;
    line_ += piece.size();
  }
  // Splits a long value (base64) into pieces that fill the lines.
  void add_value(std::string_view value) {
    while (!value.empty()) {
      const std::size_t room = kFoldAt > line_ ? kFoldAt - line_ : 0;
      const std::size_t take = std::min(value.size(), room == 0 ? kFoldAt - 1 : room);
      add(value.substr(0, take), false);
      value.remove_prefix(take);
    }
  }
  const std::string& text() const noexcept { return text_; }

 private:
  std::string text_;
  std::size_t line_;
};

// The field up to and including "b=", folded; its value is appended once signed (§3.7: the
// hash covers the field with an empty b= value).
std::string unsigned_field(const SigningKey& key, const Signing& signing,
                           std::span<const std::string> names, std::string_view body_hash) {
  Folder f("DKIM-Signature:");
  f.add("v=1;", true);
  f.add("a=" + std::string(algorithm_name(key.key->type())) + ";", true);
  f.add("c=relaxed/relaxed;", true);
  f.add("d=" + signing.domain + ";", true);
  f.add("s=" + key.selector + ";", true);
  f.add("t=" + std::to_string(signing.time) + ";", true);
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string piece = (i == 0 ? "h=" : "") + names[i] + (i + 1 == names.size() ? ";" : ":");
    f.add(piece, i == 0);
  }
  f.add("bh=" + std::string(body_hash) + ";", true);
  f.add("b=", true);
  return f.text();
}

}  // namespace

std::vector<HeaderField> split_header_fields(std::string_view section) {
  std::vector<HeaderField> fields;
  std::size_t start = 0;
  while (start < section.size()) {
    std::size_t end = start;
    // A field ends at a CRLF not followed by WSP (RFC 5322 §2.2.3 folding).
    while (true) {
      const std::size_t crlf = section.find("\r\n", end);
      if (crlf == std::string_view::npos) {
        end = section.size();
        break;
      }
      end = crlf + 2;
      if (end >= section.size() || (section[end] != ' ' && section[end] != '\t')) break;
    }
    const std::string_view text = section.substr(start, end - start);
    std::string_view name = text.substr(0, text.find(':'));
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    fields.push_back({name, text});
    start = end;
  }
  return fields;
}

std::vector<std::string> signed_field_names(std::span<const HeaderField> fields) {
  std::vector<std::string> names;
  for (const std::string_view name : kSignedFields) {
    const auto present = std::count_if(fields.begin(), fields.end(), [&](const HeaderField& f) {
      return same_name(f.name, name);
    });
    const bool oversigned = std::find(kOversignedFields.begin(), kOversignedFields.end(), name) !=
                            kOversignedFields.end();
    for (auto i = present + (oversigned ? 1 : 0); i > 0; --i) names.push_back(lowercase(name));
  }
  return names;
}

std::string canonical_headers(std::span<const HeaderField> fields,
                              std::span<const std::string> names) {
  std::string out;
  std::vector<bool> used(fields.size(), false);
  for (const std::string& name : names) {
    for (std::size_t i = fields.size(); i-- > 0;) {
      if (!used[i] && same_name(fields[i].name, name)) {
        used[i] = true;
        out += relaxed_header(fields[i].text);
        break;
      }
    }
  }
  return out;
}

struct MessageDigest::Hash {
  RelaxedBody canonical;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::string buffer;
  Hash() { EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr); }
  ~Hash() { EVP_MD_CTX_free(ctx); }
  void update() {
    EVP_DigestUpdate(ctx, buffer.data(), buffer.size());
    buffer.clear();
  }
};

MessageDigest::MessageDigest() : hash_(std::make_unique<Hash>()) {}
MessageDigest::~MessageDigest() = default;

void MessageDigest::body(std::string_view bytes) {
  hash_->canonical.feed(bytes, hash_->buffer);
  hash_->update();
}

bool MessageDigest::feed(std::string_view bytes) {
  while (!in_body_ && !bytes.empty()) {
    header_ += bytes.front();
    bytes.remove_prefix(1);
    // The empty line ends the header section; one at the very start leaves it empty.
    if (header_ == "\r\n" || header_.ends_with("\r\n\r\n")) {
      header_.resize(header_.size() - 2);
      in_body_ = true;
    } else if (header_.size() > kMaxHeaderSection) {
      return false;
    }
  }
  if (!bytes.empty()) body(bytes);
  return true;
}

void MessageDigest::finish() {
  hash_->canonical.finish(hash_->buffer);
  hash_->update();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(hash_->ctx, digest, &size);
  body_hash_ = base64({reinterpret_cast<const char*>(digest), size});
}

bool signature_fields(std::string_view header_section, std::string_view body_hash,
                      const Signing& signing, std::string& fields, std::string& error) {
  const std::vector<HeaderField> parsed = split_header_fields(header_section);
  const std::vector<std::string> names = signed_field_names(parsed);
  const std::string headers = canonical_headers(parsed, names);
  fields.clear();
  for (const SigningKey& key : signing.keys) {
    std::string field = unsigned_field(key, signing, names, body_hash);
    // §3.7: the signature field itself, canonicalised, without its final CRLF, comes last.
    std::string data = headers + relaxed_header(field);
    data.resize(data.size() - 2);
    std::string signature;
    if (!key.key->sign(data, signature, error)) return false;
    Folder folded(field);
    folded.add_value(base64(signature));
    fields += folded.text();
    fields += "\r\n";
  }
  return true;
}

bool sign_content(const ContentView& content, const Signing& signing, std::string& fields,
                  std::string& error) {
  MessageDigest digest;
  ContentReader reader(content);
  std::string_view slice;
  while (true) {
    if (!reader.next(kSlice, slice, error)) return false;
    if (slice.empty()) break;
    if (!digest.feed(slice)) {
      error = "its header section is over " + std::to_string(kMaxHeaderSection) + " octets";
      return false;
    }
  }
  digest.finish();
  return signature_fields(digest.header_section(), digest.body_hash(), signing, fields, error);
}

}  // namespace smtpsend::message::dkim
