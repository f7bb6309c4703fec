// Runs dns/spf's check_host() on cases read as one JSON document on stdin, each scenario with
// its zone already resolved into answers per (name, type) by the Python runner that reads the
// RFC 7208 test suite (run_rfc7208_suite.py) or generates policies for the pyspf oracle
// (pyspf_oracle.py). Writes one JSON object per case on stdout. No network: the zone is the Dns
// seam.
//
// Input:  {"scenarios":[{"zone":{"<name>":{"A":{"status":"ok","records":[...]},...}},
//                        "cases":[{"id":..,"ip":..,"domain":..,"sender":..,"helo":..}]}]}
//         A name missing from the zone is NXDOMAIN; a type missing under a name is NODATA.
// Output: {"id":..,"result":..,"explanation":..,"detail":..,"lookups":N,"voids":N} per line.
#include <boost/json.hpp>
#include <boost/json/src.hpp>

#include <iostream>
#include <iterator>
#include <string>

#include "smtpsend/dns/spf.hpp"

namespace json = boost::json;
namespace spf = smtpsend::dns::spf;

namespace {

std::string_view type_key(spf::QueryType type) {
  switch (type) {
    case spf::QueryType::a: return "A";
    case spf::QueryType::aaaa: return "AAAA";
    case spf::QueryType::mx: return "MX";
    case spf::QueryType::txt: return "TXT";
    case spf::QueryType::ptr: return "PTR";
  }
  return "?";
}

std::string lookup_key(std::string_view name) {
  std::string key(name);
  if (!key.empty() && key.back() == '.') key.pop_back();
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

class ZoneDns final : public spf::Dns {
 public:
  explicit ZoneDns(const json::object& zone) : zone_(zone) {}

  spf::QueryAnswer query(spf::QueryType type, std::string_view name) override {
    spf::QueryAnswer answer;
    const json::value* node = zone_.if_contains(lookup_key(name));
    if (!node) {
      answer.status = spf::QueryAnswer::Status::nxdomain;
      return answer;
    }
    const json::value* rrset = node->as_object().if_contains(type_key(type));
    if (!rrset) return answer;  // NODATA
    const json::object& set = rrset->as_object();
    std::string_view status = set.at("status").as_string();
    if (status == "temporary") answer.status = spf::QueryAnswer::Status::temporary;
    if (status == "nxdomain") answer.status = spf::QueryAnswer::Status::nxdomain;
    for (const json::value& record : set.at("records").as_array())
      answer.records.emplace_back(record.as_string());
    return answer;
  }

 private:
  const json::object& zone_;
};

}  // namespace

int main() {
  std::string input{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  json::value document = json::parse(input);
  spf::Options options;
  options.receiver = "receiver.example";
  options.now = 1700000000;
  for (const json::value& scenario : document.at("scenarios").as_array()) {
    ZoneDns dns(scenario.at("zone").as_object());
    for (const json::value& item : scenario.at("cases").as_array()) {
      const json::object& c = item.as_object();
      spf::Verdict verdict =
          spf::check_host(dns, c.at("ip").as_string(), c.at("domain").as_string(),
                          c.at("sender").as_string(), c.at("helo").as_string(), options);
      json::object out;
      out["id"] = c.at("id");
      out["result"] = std::string(spf::result_name(verdict.result));
      out["explanation"] = verdict.explanation;
      out["detail"] = verdict.detail;
      out["lookups"] = verdict.dns_lookups;
      out["voids"] = verdict.void_lookups;
      std::cout << json::serialize(out) << '\n';
    }
  }
  return 0;
}
