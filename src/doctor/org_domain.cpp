#include "smtpsend/doctor/org_domain.hpp"

#include <libpsl.h>

#include "text.hpp"

namespace smtpsend::doctor {

std::string organisational_domain(const std::string& domain) {
  const std::string name = text::normalised_name(domain);
  // psl_latest: the system's list file when it is newer than the built-in copy (Debian's
  // publicsuffix package keeps it current); the list is read once per run.
  static psl_ctx_t* const list = psl_latest(nullptr);
  if (list == nullptr) return name;
  const char* registrable = psl_registrable_domain(list, name.c_str());
  return registrable != nullptr ? std::string(registrable) : name;
}

}  // namespace smtpsend::doctor
