#include "envelope_parameters_lines.hpp"

#include "smtpsend/queue/envelope.hpp"

namespace smtpsend::queue {
namespace {

// RFC 3461 §4.3 RET as the file spells it.
constexpr std::string_view kRetFull = "full";
constexpr std::string_view kRetHeaders = "hdrs";

void line_if_set(std::string& out, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  out += key;
  out += ' ';
  out += percent_escape(value);
  out += '\n';
}

}  // namespace

void format_parameters(std::string& out, const smtp::EnvelopeParameters& parameters) {
  const smtp::DsnRequest& dsn = parameters.dsn;
  if (dsn.ret) line_if_set(out, "ret", *dsn.ret == smtp::DsnReturn::full ? kRetFull : kRetHeaders);
  line_if_set(out, "envid", dsn.envid);
  line_if_set(out, "notify", dsn.notify);
}

ParameterLine take_parameter(std::string_view key, std::string_view value,
                             smtp::EnvelopeParameters& parameters) {
  smtp::DsnRequest& dsn = parameters.dsn;
  if (key == "ret") {
    if (value != kRetFull && value != kRetHeaders) return ParameterLine::malformed;
    dsn.ret = value == kRetFull ? smtp::DsnReturn::full : smtp::DsnReturn::headers;
  } else if (key == "envid") {
    dsn.envid = value;
  } else if (key == "notify") {
    dsn.notify = value;
  } else {
    return ParameterLine::not_a_parameter;
  }
  return ParameterLine::taken;
}

}  // namespace smtpsend::queue
