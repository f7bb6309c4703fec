// dns/spf: check_host() (RFC 7208 §4). Placeholder so the doctor can link against the header;
// the evaluator follows.
#include "smtpsend/dns/spf.hpp"

namespace smtpsend::dns::spf {

Verdict check_host(Dns&, std::string_view, std::string_view, std::string_view, std::string_view,
                   const Options&) {
  return Verdict{Result::temperror, {}, "the SPF evaluator is not implemented yet", 0, 0};
}

}  // namespace smtpsend::dns::spf
