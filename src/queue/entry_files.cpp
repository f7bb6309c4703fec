#include "entry_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "durable_file.hpp"

namespace smtpsend::queue {

bool read_envelope_file(const std::filesystem::path& dir, Envelope& out, SpoolError& error) {
  const std::filesystem::path path = dir / kEnvelopeFile;
  std::error_code ec;
  const UniqueFd fd = open_file(path, O_RDONLY, 0, ec);
  if (!fd) {
    error = failure(ec == std::errc::no_such_file_or_directory ? SpoolFailure::unknown_entry
                                                               : SpoolFailure::unreadable,
                    "read", path, ec);
    return false;
  }
  EnvelopeParser parser;
  std::string buffer(64 * 1024, '\0');
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      error = failure(SpoolFailure::unreadable, "read", path, last_error());
      return false;
    }
    if (n == 0) break;
    if (!parser.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)))) break;
  }
  if (!parser.finish(out)) {
    error = SpoolError{SpoolFailure::malformed, path.string() + ": " + parser.error()};
    return false;
  }
  return true;
}

bool envelope_text(const Envelope& envelope, std::string& text, SpoolError& error) {
  text = format_envelope(envelope);
  Envelope back;
  std::string why;
  if (!parse_envelope(text, back, why)) {
    error = SpoolError{SpoolFailure::malformed,
                       "cannot queue this message: its envelope would not read back (" + why + ")"};
    return false;
  }
  return true;
}

}  // namespace smtpsend::queue
