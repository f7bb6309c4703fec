#include "mime_type.hpp"

#include <dlfcn.h>
#include <magic.h>

#include <algorithm>
#include <memory>

namespace smtpsend::app {
namespace {

constexpr const char* kUnknown = "application/octet-stream";

// libmagic (and the liblzma, libbz2 and zlib it pulls in) is loaded only when an attachment is
// typed: linking it would make every run pay for binding them at start-up (issue 5, where
// one small send is measured in instructions). The header still gives the types and flags.
class Libmagic {
 public:
  static const Libmagic* get() {
    static const Libmagic instance;
    return instance.usable_ ? &instance : nullptr;
  }
  decltype(&magic_open) open = nullptr;
  decltype(&magic_load) load = nullptr;
  decltype(&magic_buffer) buffer = nullptr;
  decltype(&magic_close) close = nullptr;

 private:
  Libmagic() {
    void* library = ::dlopen("libmagic.so.1", RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) return;
    open = reinterpret_cast<decltype(open)>(::dlsym(library, "magic_open"));
    load = reinterpret_cast<decltype(load)>(::dlsym(library, "magic_load"));
    buffer = reinterpret_cast<decltype(buffer)>(::dlsym(library, "magic_buffer"));
    close = reinterpret_cast<decltype(close)>(::dlsym(library, "magic_close"));
    usable_ = open && load && buffer && close;
  }
  bool usable_ = false;
};

// RFC 2045 §5.1 token "/" token: whatever the database says goes into a header line.
bool is_media_type(std::string_view text) {
  const std::size_t slash = text.find('/');
  const auto token = [](std::string_view part) {
    return !part.empty() && std::all_of(part.begin(), part.end(), [](char c) {
      return c > 0x20 && c < 0x7f &&
             std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
    });
  };
  return slash != std::string_view::npos && token(text.substr(0, slash)) &&
         token(text.substr(slash + 1));
}

}  // namespace

std::string mime_type_of(std::string_view bytes) {
  const Libmagic* magic = Libmagic::get();
  if (magic == nullptr) return kUnknown;
  const auto close = [magic](magic_t cookie) { magic->close(cookie); };
  const std::unique_ptr<std::remove_pointer_t<magic_t>, decltype(close)> cookie(
      magic->open(MAGIC_MIME_TYPE | MAGIC_ERROR), close);
  if (!cookie || magic->load(cookie.get(), nullptr) != 0) return kUnknown;
  const char* type = magic->buffer(cookie.get(), bytes.data(), bytes.size());
  if (type == nullptr || !is_media_type(type)) return kUnknown;
  return type;
}

}  // namespace smtpsend::app
