#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "smtpsend/cli/host_identity.hpp"

namespace smtpsend::cli {

std::string login_name() {
  if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') return user;
  if (const passwd* entry = getpwuid(getuid()); entry != nullptr && entry->pw_name != nullptr) {
    return entry->pw_name;
  }
  return "nobody";
}

}  // namespace smtpsend::cli
