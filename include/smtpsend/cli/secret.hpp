// cli/secret: a password or token held in memory (SPEC.md "Authentication": secrets never appear
// in output).
//
// Wipes its bytes when destroyed, moved from or overwritten, and prints as "<redacted>" so that
// a log line, a test failure or a debug print can never show it. Not formattable with fmt: there
// is deliberately no formatter. Best effort: copies the caller made before handing the text over
// are the caller's to wipe (see wipe()).
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

namespace smtpsend::cli {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string_view text);
  Secret(const Secret& other);
  Secret(Secret&& other) noexcept;
  Secret& operator=(const Secret& other);
  Secret& operator=(Secret&& other) noexcept;
  ~Secret();

  // The only way to the bytes: the name makes every use visible in review.
  std::string_view reveal() const noexcept { return bytes_; }
  bool empty() const noexcept { return bytes_.empty(); }

  friend bool operator==(const Secret& a, const Secret& b) { return a.bytes_ == b.bytes_; }
  friend std::ostream& operator<<(std::ostream& out, const Secret& secret);

 private:
  std::string bytes_;
};

// Overwrites every byte a string owns (its whole capacity, so an SSO buffer too) and empties it.
void wipe(std::string& text) noexcept;

}  // namespace smtpsend::cli
