// `smtpsend dkim keygen` (SPEC.md "Invocation"): a new key written where only its owner can
// read it, and the TXT record to publish for it.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ostream>

#include "smtpsend/cli/dkim_command_line.hpp"
#include "smtpsend/message/dkim/key.hpp"
#include "smtpsend/report/failure_lines.hpp"
#include "steps.hpp"

namespace smtpsend::app {
namespace {

// RFC 1035 §3.3.14: one TXT string holds at most 255 octets; an RSA record is longer, so the
// zone-file form is split into several strings, which verifiers join (RFC 6376 §3.6.2.2).
std::string zone_file_strings(std::string_view record) {
  std::string out;
  while (!record.empty()) {
    const std::string_view piece = record.substr(0, 250);
    out += (out.empty() ? "\"" : " \"") + std::string(piece) + "\"";
    record.remove_prefix(piece.size());
  }
  return out;
}

// O_EXCL: an existing key (perhaps the one already published) is never replaced; 0600 from
// the start, so the key is never readable by others, not even for a moment.
std::optional<Stop> write_new_file(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Stop{ExitCode::cant_create,
                "cannot create " + path + ": " + std::strerror(errno) +
                    (errno == EEXIST ? " (a key is never overwritten)" : "")};
  }
  std::size_t done = 0;
  bool ok = true;
  while (ok && done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  const int saved = errno;
  ok = ok && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (ok) return std::nullopt;
  ::unlink(path.c_str());
  return Stop{ExitCode::io_error,
              "cannot write " + path + ": " + std::strerror(saved ? saved : errno)};
}

}  // namespace

int run_dkim_command(std::span<const std::string> args, std::ostream& out, std::ostream& err) {
  const cli::DkimCommandLine command = cli::parse_dkim_command_line(args);
  if (!command.keygen) {
    out << command.output;
    if (!command.error.empty()) err << report::fatal_line(command.error) << '\n';
    return static_cast<int>(command.exit_code);
  }
  const cli::DkimKeygenRequest& keygen = *command.keygen;
  std::string error;
  const auto key = message::dkim::generate_private_key(keygen.type, error);
  if (!key) {
    err << report::fatal_line(error) << '\n';
    return static_cast<int>(ExitCode::software);
  }
  if (auto stop = write_new_file(keygen.out_path, key->pem())) {
    err << report::fatal_line(stop->sentence) << '\n';
    return static_cast<int>(stop->code);
  }
  const std::string name = keygen.selector + "._domainkey." + keygen.domain;
  const std::string record = message::dkim::key_record(*key);
  out << "Private key written to " << keygen.out_path << " (mode 0600); sign with\n"
      << "  --dkim " << keygen.selector << ":" << keygen.out_path << "\n"
      << "Publish this TXT record at " << name << ":\n\n"
      << record << "\n\n"
      << "In a zone file:\n"
      << name << ". IN TXT ( " << zone_file_strings(record) << " )\n";
  out.flush();
  return out ? 0 : static_cast<int>(ExitCode::io_error);
}

}  // namespace smtpsend::app
