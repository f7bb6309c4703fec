// Composing (SPEC.md "Composing"): the body from stdin or --body, the attachments from their
// files, then the composer and the same completion a message read as it is gets.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <set>
#include <string_view>

#include "mime_type.hpp"
#include "smtpsend/core/errors.hpp"
#include "smtpsend/message/address.hpp"
#include "smtpsend/message/compose.hpp"
#include "smtpsend/message/header_parser.hpp"
#include "steps.hpp"

namespace smtpsend::app {
namespace {

// --max-size bounds the body and the attachments together, in bytes as read (before base64),
// so each file may take what the ones before it left.
struct InputBudget {
  std::uint64_t max_size;
  std::uint64_t left;
};

Stop too_large(const InputBudget& budget) {
  return Stop{ExitCode::data_error, "composed message: body and attachments are more than " +
                                        std::to_string(budget.max_size) + " bytes (--max-size)"};
}

std::optional<Stop> read_file(const std::string& path, InputBudget& budget, std::string& out) {
  message::LoadError error;
  if (message::read_input(path, out, error, budget.left)) {
    budget.left -= out.size();
    return std::nullopt;
  }
  if (error.error == Errc::input_too_large) return too_large(budget);
  return Stop{ExitCode::no_input, error.detail};
}

// The first bytes of an attachment are typed: libmagic judges text or binary from at most
// 64 KiB (MAGIC_PARAM_ENCODING_MAX), and its magic numbers sit near the start (ISO 9660's at
// 32 KiB is among the farthest). More would only add to the peak memory of every send.
constexpr std::size_t kMagicBytes = 64 * 1024;

std::optional<Stop> unreadable(const std::string& path, int err) {
  return Stop{ExitCode::no_input, "cannot read " + path + ": " + std::strerror(err)};
}

// A regular file stays where it is and is base64-encoded while the message is sent, so its
// size does not count against memory (issue 9); anything else (a pipe from <(...)) can be
// read only once, so it is read whole.
std::optional<Stop> open_attachment(const std::string& path, InputBudget& budget,
                                    message::Attachment& out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return unreadable(path, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return read_file(path, budget, out.content);  // a directory: EISDIR, 66
  }
  if (static_cast<std::uint64_t>(st.st_size) > budget.left) {
    ::close(fd);
    return too_large(budget);
  }
  budget.left -= static_cast<std::uint64_t>(st.st_size);
  auto file = std::make_shared<const message::AttachedFile>(
      fd, static_cast<std::uint64_t>(st.st_size), path);
  std::string first(static_cast<std::size_t>(std::min<std::uint64_t>(file->size(), kMagicBytes)),
                    '\0');
  for (std::size_t filled = 0; filled < first.size();) {
    std::size_t got = 0;
    const std::error_code ec = file->read(filled, std::span<char>(first).subspan(filled), got);
    if (ec) return unreadable(path, ec.value());
    if (got == 0) return unreadable(path, ESPIPE);  // shorter than it was a moment ago
    filled += got;
  }
  out.mime_type = mime_type_of(first);
  out.file = std::move(file);
  return std::nullopt;
}

std::optional<Stop> read_attachments(const cli::Composition& compose, InputBudget& budget,
                                     std::vector<message::Attachment>& out) {
  for (const std::string& path : compose.attachments) {
    message::Attachment attachment;
    if (auto stop = open_attachment(path, budget, attachment)) return stop;
    attachment.file_name = std::filesystem::path(path).filename().string();
    if (!attachment.file) attachment.mime_type = mime_type_of(attachment.content);
    out.push_back(std::move(attachment));
  }
  return std::nullopt;
}

std::optional<Stop> qualified(const std::string& text, const std::string& qualify_domain,
                              std::string& out) {
  message::EnvelopeAddress parsed;
  std::string detail;
  if (!message::parse_envelope_address(text, qualify_domain, parsed, detail)) {
    return Stop{ExitCode::data_error, detail};
  }
  out = parsed.header_text();  // A-labels unless the local part needs SMTPUTF8 anyway
  return std::nullopt;
}

// The generated From: names the envelope sender: -f when it is not the null sender, else
// $USER@qualify-domain (SPEC.md "Envelope" default, a composed message having no From: yet).
std::optional<Stop> from_address(const cli::Request& request, const cli::HostIdentity& host,
                                 std::string& out) {
  if (request.from && !request.from->empty() && *request.from != "<>") {
    return qualified(*request.from, request.qualify_domain, out);
  }
  return qualified(host.user, request.qualify_domain, out);
}

// RFC 5322 §3.6: these fields occur at most once. A second -H for one is a usage error (64)
// rather than a silent choice between the two (docs/decisions.md "Composing and -t").
std::optional<Stop> check_single_fields(const std::vector<std::string>& lines) {
  static constexpr std::array<std::string_view, 11> kOnce{
      "Date", "From",       "Sender",      "Reply-To",   "To",     "Cc",
      "Bcc",  "Message-ID", "In-Reply-To", "References", "Subject"};
  std::set<std::string_view> seen;
  for (const std::string& line : lines) {
    const std::string_view name = std::string_view(line).substr(0, line.find(':'));
    const auto once = std::find_if(kOnce.begin(), kOnce.end(), [&](std::string_view known) {
      return message::same_field_name(name, known);
    });
    if (once == kOnce.end()) continue;
    if (!seen.insert(*once).second) {
      return Stop{ExitCode::usage, "-H " + std::string(*once) +
                                       ": given twice; RFC 5322 §3.6 allows one " +
                                       std::string(*once) + ": field"};
    }
  }
  return std::nullopt;
}

std::optional<Stop> compose_input(const cli::Request& request, const cli::HostIdentity& host,
                                  message::ComposeInput& input) {
  const cli::Composition& compose = request.compose;
  if (auto stop = check_single_fields(compose.headers)) return stop;
  if (auto stop = from_address(request, host, input.from_address)) return stop;
  input.from_name = request.from_name.value_or("");
  for (const std::string& recipient : request.recipients) {
    if (auto stop = qualified(recipient, request.qualify_domain, input.to.emplace_back())) {
      return stop;
    }
  }
  input.subject = compose.subject;
  input.extra_headers = compose.headers;
  InputBudget budget{request.max_size, request.max_size};
  if (auto stop = read_file(compose.body_path.value_or(cli::kStdinPath), budget, input.body)) {
    return stop;
  }
  return read_attachments(compose, budget, input.attachments);
}

}  // namespace

std::optional<Stop> compose_message(const cli::Request& request, const cli::HostIdentity& host,
                                    std::vector<message::Message>& messages) {
  message::ComposeInput input;
  if (auto stop = compose_input(request, host, input)) return stop;
  const message::CompletionContext context{host.fqdn, std::chrono::system_clock::now(),
                                           unique_text()};
  input.boundary_unique = unique_text();
  message::LoadError error;
  message::ComposedMessage text;
  // A -H value the composer cannot write (non-ASCII in a structured field, a word too long to
  // fold) is the user's option: 64, before anything is sent.
  if (!message::compose_message(input, text, error)) return Stop{ExitCode::usage, error.detail};
  message::Message composed;
  if (!message::prepare_composed_message(std::move(text), "composed message", context, composed,
                                         error)) {
    return Stop{ExitCode::software, error.detail};  // the composer wrote a bad header: our bug
  }
  messages.push_back(std::move(composed));
  return std::nullopt;
}

}  // namespace smtpsend::app
