// libFuzzer target: dns/spf's record parser and macro expander, and check_host() over a zone
// whose every TXT record is the input, must never crash, loop, or grow without bound, whatever
// the bytes; a parse either yields a record or says why not, and an expansion stays within its
// limit.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "smtpsend/dns/spf.hpp"
#include "spf/macro.hpp"
#include "spf/record.hpp"

namespace {

using namespace smtpsend::dns::spf;

std::string value(char letter) {
  return letter == 'i' ? "192.0.2.1" : letter == 'l' ? "a-b.c+d" : "mail.example.com";
}

void expand_all(const Record& record) {
  auto check = [](const MacroString& macro) {
    constexpr std::size_t limit = 4096;
    auto out = expand_macro_string(macro, value, limit);
    if (out && out->size() > limit) __builtin_trap();
  };
  for (const Directive& directive : record.directives) {
    if (directive.domain) check(*directive.domain);
  }
  if (record.redirect) check(*record.redirect);
  if (record.explanation) check(*record.explanation);
}

// Every name has the input as its TXT record, an address, an MX host and a PTR name: include,
// redirect and every mechanism recurse into the same record until a limit stops them.
class EchoDns final : public Dns {
 public:
  explicit EchoDns(std::string_view record) : record_(record) {}
  QueryAnswer query(QueryType type, std::string_view) override {
    if (++queries_ > 1000) __builtin_trap();  // the limits of RFC 7208 §4.6.4 must hold
    switch (type) {
      case QueryType::txt: return {QueryAnswer::Status::ok, {record_}};
      case QueryType::a: return {QueryAnswer::Status::ok, {"192.0.2.1"}};
      case QueryType::aaaa: return {QueryAnswer::Status::ok, {"2001:db8::1"}};
      case QueryType::mx: return {QueryAnswer::Status::ok, {"mx.example.com"}};
      case QueryType::ptr: return {QueryAnswer::Status::ok, {"mail.example.com"}};
    }
    return {};
  }

 private:
  std::string record_;
  unsigned queries_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  for (const std::string& text : {std::string(input), "v=spf1 " + std::string(input)}) {
    RecordParse parse = parse_record(text);
    if (parse.record.has_value() == !parse.error.empty()) __builtin_trap();
    if (parse.record) expand_all(*parse.record);
  }
  for (MacroContext context :
       {MacroContext::domain_spec, MacroContext::unknown_modifier, MacroContext::explanation}) {
    MacroParse parse = parse_macro_string(input, context);
    if (parse.value) {
      auto out = expand_macro_string(*parse.value, value, 512);
      if (out && out->size() > 512) __builtin_trap();
    }
  }

  for (const char* ip : {"192.0.2.1", "2001:db8::1"}) {
    EchoDns dns("v=spf1 " + std::string(input));
    Verdict verdict = check_host(dns, ip, "example.com", "a-b@example.com", "mail.example.com");
    if (verdict.dns_lookups > 11 || verdict.void_lookups > 3) __builtin_trap();
  }
  return 0;
}
