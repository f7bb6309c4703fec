#include "smtpsend/doctor/org_domain.hpp"

#include <dlfcn.h>
#include <libpsl.h>

#include "text.hpp"

namespace smtpsend::doctor {
namespace {

// libpsl is loaded only when doctor asks for a DMARC record: linking it made every send bind its
// symbols at start-up, as libmagic did (docs/performance.md, "Start-up"). The header still gives
// the types. Not loadable: every domain is its own organisational domain (docs/decisions.md).
class PublicSuffixList {
 public:
  static const PublicSuffixList& get() {
    static const PublicSuffixList instance;
    return instance;
  }
  // psl_latest: the system's list file when it is newer than the built-in copy (Debian's
  // publicsuffix package keeps it current); the list is read once per run.
  const psl_ctx_t* list = nullptr;
  decltype(&psl_registrable_domain) registrable_domain = nullptr;

 private:
  PublicSuffixList() {
    void* library = ::dlopen("libpsl.so.5", RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) return;
    const auto latest = reinterpret_cast<decltype(&psl_latest)>(::dlsym(library, "psl_latest"));
    registrable_domain = reinterpret_cast<decltype(registrable_domain)>(
        ::dlsym(library, "psl_registrable_domain"));
    if (latest != nullptr && registrable_domain != nullptr) list = latest(nullptr);
  }
};

}  // namespace

std::string organisational_domain(const std::string& domain) {
  const std::string name = text::normalised_name(domain);
  const PublicSuffixList& suffixes = PublicSuffixList::get();
  if (suffixes.list == nullptr) return name;
  const char* registrable = suffixes.registrable_domain(suffixes.list, name.c_str());
  return registrable != nullptr ? std::string(registrable) : name;
}

}  // namespace smtpsend::doctor
