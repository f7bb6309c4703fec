// message/dkim/signer: DKIM-Signature header fields (RFC 6376 §3.5, §5; RFC 8463) for one
// form of a message, made from the bytes that form sends.
//
// Owns: which header fields are signed (SPEC.md's list, each present instance, and one empty
// instance of From, Subject, To, Cc and Reply-To: oversigning, §8.15), the header hash input
// (§3.7, instances bottom-up, §5.4.2), the body hash streamed over the content as the session
// reads it (relaxed, SHA-256; memory bounded by the header section, never the body), the tags
// (v a c d s t h bh b; never l=: a length would let anyone append to a signed message, §8.2)
// and their folding (lines of at most 78 octets, §3.5's FWS). Must not: know about servers,
// or change the message: the caller puts the fields on top of the form they were made for.
// Errors: a sentence (the content cannot be read; its header section is over
// kMaxHeaderSection; signing failed).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "smtpsend/message/content.hpp"
#include "smtpsend/message/dkim/key.hpp"

namespace smtpsend::message::dkim {

// SPEC.md "DKIM signing", in the order h= names them.
inline constexpr std::array<std::string_view, 15> kSignedFields{
    "From",
    "Sender",
    "Reply-To",
    "Subject",
    "Date",
    "Message-ID",
    "To",
    "Cc",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "In-Reply-To",
    "References",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
};
// Named once more than they occur: a field of that name added later breaks the signature.
inline constexpr std::array<std::string_view, 5> kOversignedFields{"From", "Subject", "To", "Cc",
                                                                   "Reply-To"};

// One header field: its name and its whole text, continuation lines and final CRLF included.
struct HeaderField {
  std::string_view name;
  std::string_view text;
};

// The fields of a header section (without the empty line that ends it).
std::vector<HeaderField> split_header_fields(std::string_view section);

// h=: for each name of kSignedFields, one entry per instance present, plus one for each name of
// kOversignedFields; lowercase.
std::vector<std::string> signed_field_names(std::span<const HeaderField> fields);

// §3.7's header hash input for h= `names`: the relaxed form of each name's instances, the last
// one first (§5.4.2); a name whose instances are used up adds nothing (the "empty instance").
std::string canonical_headers(std::span<const HeaderField> fields,
                              std::span<const std::string> names);

// A whole message fed in pieces split anywhere: the header section kept, the body hashed.
class MessageDigest {
 public:
  MessageDigest();
  ~MessageDigest();
  MessageDigest(const MessageDigest&) = delete;
  MessageDigest& operator=(const MessageDigest&) = delete;

  // False once the header section has grown past kMaxHeaderSection without its end.
  bool feed(std::string_view bytes);
  void finish();
  // After finish(): the header section (fields with their CRLFs, no empty line) and bh=.
  const std::string& header_section() const noexcept { return header_; }
  const std::string& body_hash() const noexcept { return body_hash_; }

 private:
  struct Hash;
  void body(std::string_view bytes);

  std::string header_;
  bool in_body_ = false;
  std::unique_ptr<Hash> hash_;
  std::string body_hash_;
};

struct Signing {
  std::span<const SigningKey> keys;  // one signature each, in this order (RSA first: app)
  std::string domain;                // d=, A-labels
  std::int64_t time = 0;             // t=, seconds since the epoch
};

// The DKIM-Signature fields for a message of `header_section` and body hash `body_hash`, one
// per key in key order, each ending in CRLF: the text to put on top of the message.
bool signature_fields(std::string_view header_section, std::string_view body_hash,
                      const Signing& signing, std::string& fields, std::string& error);

// Reads `content` front to back in slices as the session does (a spooled or made-while-sent
// part included) and returns signature_fields() for it.
bool sign_content(const ContentView& content, const Signing& signing, std::string& fields,
                  std::string& error);

}  // namespace smtpsend::message::dkim
