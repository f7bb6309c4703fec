#include <boost/json.hpp>

#include "smtpsend/report/dry_run.hpp"
#include "smtpsend/report/sanitize.hpp"

namespace smtpsend::report {
namespace {

namespace json = boost::json;

// Stable identifiers for scripts; the text rendering uses sentences instead.
std::string_view kind_id(dns::PlanKind kind) {
  switch (kind) {
    case dns::PlanKind::mx:
      return "mx";
    case dns::PlanKind::implicit:
      return "implicit_mx";
    case dns::PlanKind::literal:
      return "literal";
    case dns::PlanKind::null_mx:
      return "null_mx";
    case dns::PlanKind::no_domain:
      return "no_domain";
    case dns::PlanKind::temporary:
      return "temporary";
  }
  return "temporary";
}

json::array string_array(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& item : items) out.emplace_back(sanitize_server_text(item));
  return out;
}

json::object host_object(const dns::PlannedHost& host) {
  return json::object{{"name", sanitize_server_text(host.name)},
                      {"preference", host.preference},
                      {"addresses", string_array(host.addresses)}};
}

json::object destination_object(const delivery::PlannedDestination& destination) {
  json::array hosts;
  for (const auto& host : destination.plan.hosts) hosts.push_back(host_object(host));
  json::value problem = nullptr;
  if (!destination.problem.empty()) problem = sanitize_server_text(destination.problem);
  return json::object{{"domain", sanitize_server_text(destination.domain)},
                      {"kind", destination.relay ? std::string_view("relay")
                                                 : kind_id(destination.plan.kind)},
                      {"recipients", string_array(destination.recipients)},
                      {"hosts", std::move(hosts)},
                      {"port", destination.port},
                      {"tls", sanitize_server_text(destination.tls_policy)},
                      {"implicit_tls", destination.implicit_tls},
                      {"problem", std::move(problem)}};
}

}  // namespace

std::string plan_json(std::span<const delivery::PlannedDestination> plan, ExitCode exit_code) {
  json::array destinations;
  for (const auto& destination : plan) destinations.push_back(destination_object(destination));
  const json::object document{{"plan", std::move(destinations)},
                              {"exit_code", static_cast<int>(exit_code)}};
  return json::serialize(document) + "\n";
}

}  // namespace smtpsend::report
