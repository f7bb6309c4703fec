// -H fields in a composed message. RFC 2047 §5 says where encoded-words may stand: in
// unstructured text (§5(1)), in comments (§5(2)) and in a phrase (§5(3), so display names and
// group names); never in an addr-spec, a msg-id or any other structured token.
#include "smtpsend/message/extra_header.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <vector>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/message/address_list.hpp"
#include "smtpsend/message/header_fold.hpp"
#include "smtpsend/message/header_parser.hpp"
#include "smtpsend/message/mime_encoding.hpp"

namespace smtpsend::message {
namespace {

// RFC 5322 §3.6.2, §3.6.3, §3.6.6; RFC 8098 §2.1; Mail-Followup-To and Mail-Reply-To as mutt
// and Gnus write them.
constexpr std::array<std::string_view, 14> kAddressFields{"From",
                                                          "Sender",
                                                          "Reply-To",
                                                          "To",
                                                          "Cc",
                                                          "Bcc",
                                                          "Resent-From",
                                                          "Resent-Sender",
                                                          "Resent-To",
                                                          "Resent-Cc",
                                                          "Resent-Bcc",
                                                          "Disposition-Notification-To",
                                                          "Mail-Followup-To",
                                                          "Mail-Reply-To"};

// Structured fields with a known grammar that has no place for an encoded-word: RFC 5322
// §3.6.1, §3.6.4, §3.6.5 (Keywords is a list of phrases, but an encoded-word would swallow its
// commas), §3.6.6, §3.6.7; RFC 2045 §4; RFC 3834 §5; RFC 8601 §2.2; RFC 7208 §9.1; RFC 6376
// §3.5.
constexpr std::array<std::string_view, 14> kStructuredFields{
    "Date",         "Resent-Date",   "Message-ID",     "Resent-Message-ID",
    "In-Reply-To",  "References",    "Keywords",       "MIME-Version",
    "Return-Path",  "Received",      "Auto-Submitted", "Authentication-Results",
    "Received-SPF", "DKIM-Signature"};

// Families of structured fields: MIME (RFC 2045 §9; Content-Description is text, §8), mailing
// lists (RFC 2369, RFC 2919), ARC (RFC 8617).
constexpr std::array<std::string_view, 3> kStructuredPrefixes{"Content-", "List-", "ARC-"};

bool starts_with_name(std::string_view name, std::string_view prefix) {
  return name.size() >= prefix.size() && same_field_name(name.substr(0, prefix.size()), prefix);
}

bool named_in(std::string_view name, std::span<const std::string_view> names) {
  return std::any_of(names.begin(), names.end(),
                     [&](std::string_view known) { return same_field_name(name, known); });
}

std::string_view trimmed(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// "-H Name", the name cut short: the sentence stays one readable line.
std::string option(std::string_view name) {
  constexpr std::size_t kShown = 40;
  return "-H " + std::string(name.substr(0, kShown)) + (name.size() > kShown ? "..." : "");
}

bool fail(LoadError& error, std::string sentence) {
  error.error = make_error_code(Errc::usage);
  error.detail = std::move(sentence);
  return false;
}

// "Team: a@x, B <b@y>;": each display name and group name as a phrase (encoded-words when not
// ASCII), each address as written; comments are not carried over.
std::string list_text(const std::vector<AddressListItem>& items) {
  std::string out;
  for (const AddressListItem& item : items) {
    if (!out.empty()) out += ", ";
    if (item.group) out += phrase_text(*item.group) + ":";
    for (std::size_t i = 0; i < item.mailboxes.size(); ++i) {
      out += i == 0 ? (item.group ? " " : "") : ", ";
      out += mailbox_text(item.mailboxes[i].display_name, item.mailboxes[i].address);
    }
    if (item.group) out += ";";
  }
  return out;
}

// The value as the field carries it before folding; false for non-ASCII it cannot carry.
bool encoded_value(std::string_view name, std::string_view value, std::string& out,
                   LoadError& error) {
  if (!has_eight_bit(value)) {
    out = value;  // ASCII is the user's own: a pre-encoded word stays as written
    return true;
  }
  switch (field_kind(name)) {
    case FieldKind::text:
      out = encoded_words(value);
      return true;
    case FieldKind::address_list: {
      std::vector<AddressListItem> items;
      std::string why;
      if (!parse_address_items(value, items, why)) {
        return fail(error, option(name) + ": not an address list: " + why);
      }
      out = list_text(items);
      return true;
    }
    case FieldKind::structured:
      break;
  }
  return fail(error, option(name) +
                         ": non-ASCII text cannot be sent in this structured field (RFC 2047 "
                         "encodes only unstructured text and display names)");
}

}  // namespace

FieldKind field_kind(std::string_view name) {
  if (named_in(name, kAddressFields)) return FieldKind::address_list;
  if (same_field_name(name, "Content-Description")) return FieldKind::text;
  if (named_in(name, kStructuredFields)) return FieldKind::structured;
  const bool family = std::any_of(kStructuredPrefixes.begin(), kStructuredPrefixes.end(),
                                  [&](std::string_view p) { return starts_with_name(name, p); });
  return family ? FieldKind::structured : FieldKind::text;
}

bool extra_header_field(std::string_view line, std::string& out, LoadError& error) {
  const std::size_t colon = line.find(':');
  const std::string_view name = line.substr(0, colon);
  if (colon == std::string_view::npos || line.find_first_of("\r\n") != std::string_view::npos) {
    return fail(error, "-H must be one \"Name: value\" line");
  }
  const std::string_view value = trimmed(line.substr(colon + 1));
  std::string encoded;
  if (!encoded_value(name, value, encoded, error)) return false;
  const std::optional<std::string> field = fold_field(name, encoded);
  if (!field && name.size() + 1 > kMaxHeaderLine) {
    return fail(error, "-H: a field name of " + std::to_string(name.size()) +
                           " octets does not fit in a header line of 998 octets (RFC 5322 "
                           "§2.1.1)");
  }
  if (!field) {
    return fail(error, option(name) + ": the value holds a word of " +
                           std::to_string(longest_word(encoded)) +
                           " octets with no white space to fold at, and a header line must "
                           "not exceed 998 octets (RFC 5322 §2.1.1)");
  }
  out += *field;
  return true;
}

}  // namespace smtpsend::message
