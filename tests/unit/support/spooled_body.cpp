#include "support/spooled_body.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <stdexcept>

namespace smtpsend::testing {

std::string reference_canonical(std::string_view raw) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\r') {
      out += "\r\n";
      if (i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
    } else if (raw[i] == '\n') {
      out += "\r\n";
    } else {
      out += raw[i];
    }
  }
  if (!out.empty() && !out.ends_with("\r\n")) out += "\r\n";
  return out;
}

std::unique_ptr<message::SpooledBody> spooled_body(std::string_view raw,
                                                   const SpooledBodyOptions& options) {
  const int fd = ::memfd_create("smtpsend-test-spool", MFD_CLOEXEC);
  if (fd < 0) throw std::runtime_error("memfd_create failed");
  for (std::string_view left = raw; !left.empty();) {
    const ssize_t n = ::write(fd, left.data(), left.size());
    if (n <= 0) throw std::runtime_error("writing the memfd failed");
    left.remove_prefix(static_cast<std::size_t>(n));
  }
  return std::make_unique<message::SpooledBody>(
      fd, 0, options.raw_size.value_or(raw.size()),
      options.wire_size.value_or(reference_canonical(raw).size()), options.source);
}

}  // namespace smtpsend::testing
