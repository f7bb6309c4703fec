#include "dsn_options.hpp"

#include "option_registration.hpp"

namespace smtpsend::cli {
void add_dsn_options(CLI::App& app, DsnRawOptions& raw) {
  single(app, "--dsn-notify", raw.notify,
         "delivery status notifications wanted (RFC 3461 NOTIFY, sendmail -N); sent only to "
         "servers offering DSN",
         "never|success,failure,delay");
  single(app, "--dsn-return", raw.ret,
         "what a notification returns of the message (RFC 3461 RET, sendmail -R)", "full|hdrs");
  single(app, "--dsn-envid", raw.envid,
         "envelope identifier quoted in notifications (RFC 3461 ENVID, sendmail -V)", "ID");
}

bool apply_dsn_options(const DsnRawOptions& raw, smtp::DsnRequest& out, std::string& error) {
  if (raw.notify && !smtp::parse_dsn_notify(*raw.notify, out.notify, error)) return false;
  if (raw.ret) {
    smtp::DsnReturn ret{};
    if (!smtp::parse_dsn_return(*raw.ret, ret, error)) return false;
    out.ret = ret;
  }
  if (raw.envid) {
    if (!smtp::check_dsn_envid(*raw.envid, error)) return false;
    out.envid = *raw.envid;
  }
  return true;
}

}  // namespace smtpsend::cli
