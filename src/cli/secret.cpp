#include "smtpsend/cli/secret.hpp"

#include <string.h>  // explicit_bzero: a plain memset before free may be optimised away

#include <ostream>

namespace smtpsend::cli {

void wipe(std::string& text) noexcept {
  ::explicit_bzero(text.data(), text.capacity());
  text.clear();
}

// assign() allocates once for the whole text, so no smaller buffer is left behind unwiped.
Secret::Secret(std::string_view text) {
  bytes_.assign(text);
}

Secret::Secret(const Secret& other) : Secret(std::string_view(other.bytes_)) {}

// A short string lives inside the moved-from object and is copied, not stolen: wipe the source.
Secret::Secret(Secret&& other) noexcept : bytes_(std::move(other.bytes_)) {
  wipe(other.bytes_);
}

Secret& Secret::operator=(const Secret& other) {
  if (this != &other) {
    wipe(bytes_);
    bytes_.assign(other.bytes_);
  }
  return *this;
}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    wipe(bytes_);
    bytes_ = std::move(other.bytes_);
    wipe(other.bytes_);
  }
  return *this;
}

Secret::~Secret() {
  wipe(bytes_);
}

std::ostream& operator<<(std::ostream& out, const Secret&) {
  return out << "<redacted>";
}

}  // namespace smtpsend::cli
