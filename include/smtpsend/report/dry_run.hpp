// report/dry_run: the --dry-run plan on stdout, as text or as JSON (SPEC.md "Output").
//
// Per destination: the domain, its recipients, what kind of route resolution found (MX,
// implicit MX, address literal, null MX, no such domain, temporary failure), each host in the
// order it would be tried with its preference and addresses, the port, the TLS policy, and the
// problem when resolution failed. Names from DNS are sanitised before printing.
#pragma once

#include <span>
#include <string>

#include "smtpsend/core/outcome.hpp"
#include "smtpsend/delivery/plan.hpp"

namespace smtpsend::report {

std::string plan_text(std::span<const delivery::PlannedDestination> plan);

// {"plan":[{"domain":…,"kind":…,"recipients":[…],"hosts":[{"name":…,"preference":…,
//   "addresses":[…]}],"port":…,"tls":…,"problem":…|null}],"exit_code":N}
std::string plan_json(std::span<const delivery::PlannedDestination> plan, ExitCode exit_code);

}  // namespace smtpsend::report
