#include <fmt/format.h>

#include "smtpsend/report/dry_run.hpp"
#include "smtpsend/report/sanitize.hpp"

namespace smtpsend::report {
namespace {

std::string_view route_name(dns::PlanKind kind) {
  switch (kind) {
    case dns::PlanKind::mx:
      return "MX";
    case dns::PlanKind::implicit:
      return "implicit MX (no MX records: the domain's own addresses)";
    case dns::PlanKind::literal:
      return "address literal";
    case dns::PlanKind::null_mx:
      return "null MX (RFC 7505): does not accept mail";
    case dns::PlanKind::no_domain:
      return "no such domain";
    case dns::PlanKind::temporary:
      return "not resolved (temporary DNS failure)";
  }
  return "unknown";
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += sanitize_server_text(item);
  }
  return out;
}

// Preferences only mean something between MX records; an implicit MX or a literal has one host.
void append_host(std::string& out, std::size_t position, const dns::PlannedHost& host,
                 bool show_preference) {
  const std::string preference =
      show_preference ? fmt::format(" (preference {})", host.preference) : std::string();
  out += fmt::format("  {}. {}{}: {}\n", position, sanitize_server_text(host.name), preference,
                     host.addresses.empty() ? std::string("no addresses") : joined(host.addresses));
}

void append_destination(std::string& out, const delivery::PlannedDestination& destination) {
  out += fmt::format("{}: {}\n", sanitize_server_text(destination.domain),
                     destination.relay ? std::string_view("relay (submission server, no MX lookup)")
                                       : route_name(destination.plan.kind));
  out += fmt::format("  recipients: {}\n", joined(destination.recipients));
  std::size_t position = 0;
  const bool show_preference = destination.plan.kind == dns::PlanKind::mx;
  for (const auto& host : destination.plan.hosts) {
    append_host(out, ++position, host, show_preference);
  }
  if (!destination.plan.hosts.empty()) {
    out += fmt::format("  port {}, TLS {}{}\n", destination.port,
                       sanitize_server_text(destination.tls_policy),
                       destination.implicit_tls ? " (implicit TLS)" : "");
  }
  if (!destination.problem.empty()) {
    out += fmt::format("  problem: {}\n", sanitize_server_text(destination.problem));
  }
}

}  // namespace

std::string plan_text(std::span<const delivery::PlannedDestination> plan) {
  std::string out;
  for (const auto& destination : plan) append_destination(out, destination);
  return out;
}

}  // namespace smtpsend::report
