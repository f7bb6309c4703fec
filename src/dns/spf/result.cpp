// dns/spf: the result names of RFC 7208 §2.6, as Received-SPF (§9.1) and the doctor print them.
#include "smtpsend/dns/spf.hpp"

namespace smtpsend::dns::spf {

std::string_view result_name(Result result) noexcept {
  switch (result) {
    case Result::none: return "none";
    case Result::neutral: return "neutral";
    case Result::pass: return "pass";
    case Result::fail: return "fail";
    case Result::softfail: return "softfail";
    case Result::temperror: return "temperror";
    case Result::permerror: return "permerror";
  }
  return "permerror";
}

}  // namespace smtpsend::dns::spf
