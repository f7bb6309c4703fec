// support/spooled_body: a SpooledBody over bytes in an anonymous memory file (memfd), the
// filesystem seam of a large message's tail, with its sizes overridable to act out a file that
// changed after it was loaded.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "smtpsend/message/content.hpp"

namespace smtpsend::testing {

// The canonical CRLF form of `raw`, written the plain way, to check the streaming code against.
std::string reference_canonical(std::string_view raw);

struct SpooledBodyOptions {
  std::optional<std::uint64_t> raw_size;   // default: raw.size()
  std::optional<std::uint64_t> wire_size;  // default: reference_canonical(raw).size()
  std::string source = "big.eml";
};

// A body loaded with these sizes, whatever the bytes are now.
inline SpooledBodyOptions sizes(std::optional<std::uint64_t> raw_size, std::uint64_t wire_size) {
  SpooledBodyOptions options;
  options.raw_size = raw_size;
  options.wire_size = wire_size;
  return options;
}

std::unique_ptr<message::SpooledBody> spooled_body(std::string_view raw,
                                                   const SpooledBodyOptions& options = {});

}  // namespace smtpsend::testing
