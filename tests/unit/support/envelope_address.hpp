// An envelope address as message::parse_envelope_address would make it, for tests that need
// one without going through the parser.
#pragma once

#include <string>

#include "smtpsend/message/address.hpp"

namespace smtpsend::test {

inline message::EnvelopeAddress envelope_address(const std::string& local,
                                                 const std::string& domain) {
  message::EnvelopeAddress a;
  a.text = local + "@" + domain;
  a.local = local;
  a.domain = domain;
  a.domain_literal = domain.starts_with('[');
  return a;
}

}  // namespace smtpsend::test
