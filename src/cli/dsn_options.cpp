#include "dsn_options.hpp"

namespace smtpsend::cli {

bool apply_dsn_options(const RawOptions& raw, smtp::DsnRequest& out, std::string& error) {
  const std::optional<std::string>& notify = raw.text(Option::dsn_notify);
  if (notify && !smtp::parse_dsn_notify(*notify, out.notify, error)) return false;
  if (const std::optional<std::string>& text = raw.text(Option::dsn_return)) {
    smtp::DsnReturn ret{};
    if (!smtp::parse_dsn_return(*text, ret, error)) return false;
    out.ret = ret;
  }
  if (const std::optional<std::string>& envid = raw.text(Option::dsn_envid)) {
    if (!smtp::check_dsn_envid(*envid, error)) return false;
    out.envid = *envid;
  }
  return true;
}

}  // namespace smtpsend::cli
