// message/extra_header: a -H "Name: value" field as a composed message carries it (SPEC.md
// "Composing"; docs/decisions.md "Composing and -t").
//
// Owns: which fields are unstructured text, address lists, or other structured fields
// (RFC 5322 §3.6), and what each may carry: non-ASCII text becomes RFC 2047 encoded-words in
// unstructured text and in display names (never in addresses), and is refused in any other
// structured field (Message-ID, References, ...), where RFC 2047 §5 allows no encoded-word.
// ASCII goes as written, folded (header_fold.hpp). Must not: check the option's
// syntax beyond what the encoding needs (cli/ does). Errors: Errc::usage (64) with one
// sentence naming the option and the field, before anything is sent.
#pragma once

#include <string>
#include <string_view>

#include "smtpsend/message/message.hpp"

namespace smtpsend::message {

enum class FieldKind {
  text,          // unstructured (RFC 5322 §3.2.5): Subject, Comments, any X- or unknown field
  address_list,  // From, To, Cc, Reply-To and the like (§3.6.2, §3.6.3, §3.6.6)
  structured,    // every other field whose syntax is known: ids, dates, Received, List-*, ...
};

FieldKind field_kind(std::string_view name);

// `line` is "Name: value" (a name of printable ASCII, then ':'). Appends the field, folded and
// ending in CRLF, to `out`. The white space around the value is dropped.
bool extra_header_field(std::string_view line, std::string& out, LoadError& error);

}  // namespace smtpsend::message
