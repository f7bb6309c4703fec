#include "smtpsend/cli/host_identity.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

namespace smtpsend::cli {
namespace {

// Sets an environment variable for one test and restores it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value != nullptr) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(HostIdentity, FqdnAlwaysHasADot) {
  const std::string fqdn = this_host_fqdn();
  EXPECT_NE(fqdn.find('.'), std::string::npos) << fqdn;
  EXPECT_NE(fqdn.front(), '.');
  EXPECT_NE(fqdn.back(), '.');
}

TEST(HostIdentity, LoginNameFromUserVariable) {
  const ScopedEnv user("USER", "carol");
  EXPECT_EQ(login_name(), "carol");
  EXPECT_EQ(this_host_identity().user, "carol");
}

TEST(HostIdentity, LoginNameWithoutUserVariableFromPasswordEntry) {
  const ScopedEnv user("USER", nullptr);
  EXPECT_FALSE(login_name().empty());
}

}  // namespace
}  // namespace smtpsend::cli
