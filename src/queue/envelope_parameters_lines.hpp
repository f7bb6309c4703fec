// The envelope file's lines for smtp::EnvelopeParameters (queue/envelope.hpp): written and read
// back as one value, here and nowhere else, so that a parameter added to EnvelopeParameters is
// one edit in this pair (and its round-trip test), never silently dropped by `queue run`.
// Private to src/queue.
#pragma once

#include <string>
#include <string_view>

#include "smtpsend/smtp/envelope_parameters.hpp"

namespace smtpsend::queue {

// Appends one `key value` line per parameter that was asked (an unasked one writes nothing, so
// an older entry and a newer one without the parameter read the same): ret, envid, notify.
void format_parameters(std::string& out, const smtp::EnvelopeParameters& parameters);

enum class ParameterLine { not_a_parameter, taken, malformed };
// One header line of the file, its value decoded: sets the parameter it names; not_a_parameter
// when `key` names none (the caller tries its own keys); malformed when the value is not one the
// parameter takes. A key seen twice is the caller's to refuse.
ParameterLine take_parameter(std::string_view key, std::string_view value,
                             smtp::EnvelopeParameters& parameters);

}  // namespace smtpsend::queue
