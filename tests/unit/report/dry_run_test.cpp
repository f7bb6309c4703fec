#include "smtpsend/report/dry_run.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <vector>

namespace smtpsend::report {
namespace {

namespace json = boost::json;

delivery::PlannedDestination mx_destination() {
  delivery::PlannedDestination destination;
  destination.domain = "example.com";
  destination.recipients = {"bob@example.com", "carol@example.com"};
  destination.plan.kind = dns::PlanKind::mx;
  destination.plan.domain = "example.com";
  destination.plan.hosts = {
      {"mx1.example.com", 10, {"192.0.2.1", "2001:db8::1"}, false},
      {"mx2.example.com", 20, {}, false},
  };
  destination.port = 25;
  destination.tls_policy = "opportunistic";
  return destination;
}

delivery::PlannedDestination null_mx_destination() {
  delivery::PlannedDestination destination;
  destination.domain = "nomail.example";
  destination.recipients = {"x@nomail.example"};
  destination.plan.kind = dns::PlanKind::null_mx;
  destination.port = 25;
  destination.tls_policy = "opportunistic";
  destination.problem = "nomail.example does not accept mail (null MX, RFC 7505)";
  return destination;
}

TEST(DryRunText, HostsInTryOrderWithPreferenceAddressesPortAndTls) {
  const std::vector<delivery::PlannedDestination> plan{mx_destination()};
  EXPECT_EQ(plan_text(plan),
            "example.com: MX\n"
            "  recipients: bob@example.com, carol@example.com\n"
            "  1. mx1.example.com (preference 10): 192.0.2.1, 2001:db8::1\n"
            "  2. mx2.example.com (preference 20): no addresses\n"
            "  port 25, TLS opportunistic\n");
}

TEST(DryRunText, ProblemWithoutHosts) {
  const std::vector<delivery::PlannedDestination> plan{null_mx_destination()};
  EXPECT_EQ(plan_text(plan),
            "nomail.example: null MX (RFC 7505): does not accept mail\n"
            "  recipients: x@nomail.example\n"
            "  problem: nomail.example does not accept mail (null MX, RFC 7505)\n");
}

TEST(DryRunText, EveryKindNamed) {
  delivery::PlannedDestination destination = mx_destination();
  destination.plan.hosts.resize(1);
  const std::vector<std::pair<dns::PlanKind, std::string>> kinds{
      {dns::PlanKind::implicit, "implicit MX (no MX records: the domain's own addresses)"},
      {dns::PlanKind::literal, "address literal"},
      {dns::PlanKind::no_domain, "no such domain"},
      {dns::PlanKind::temporary, "not resolved (temporary DNS failure)"},
  };
  for (const auto& [kind, name] : kinds) {
    destination.plan.kind = kind;
    const std::vector<delivery::PlannedDestination> plan{destination};
    EXPECT_TRUE(plan_text(plan).starts_with("example.com: " + name + "\n")) << name;
  }
}

TEST(DryRunText, LiteralAndImplicitHostsHaveNoPreference) {
  delivery::PlannedDestination destination;
  destination.domain = "[192.0.2.7]";
  destination.recipients = {"bob@[192.0.2.7]"};
  destination.plan.kind = dns::PlanKind::literal;
  destination.plan.hosts = {{"192.0.2.7", 0, {"192.0.2.7"}, true}};
  destination.port = 2525;
  destination.tls_policy = "opportunistic";
  const std::vector<delivery::PlannedDestination> plan{destination};
  EXPECT_EQ(plan_text(plan),
            "[192.0.2.7]: address literal\n"
            "  recipients: bob@[192.0.2.7]\n"
            "  1. 192.0.2.7: 192.0.2.7\n"
            "  port 2525, TLS opportunistic\n");
}

// A relay is not an MX lookup: the plan says so, with the port and implicit TLS.
TEST(DryRunText, RelayIsNamedAsSuch) {
  delivery::PlannedDestination destination;
  destination.domain = "smtp.example.com";
  destination.recipients = {"bob@example.net"};
  destination.plan.kind = dns::PlanKind::implicit;
  destination.plan.hosts = {{"smtp.example.com", 0, {"192.0.2.9"}, true}};
  destination.port = 465;
  destination.tls_policy = "verify";
  destination.relay = true;
  destination.implicit_tls = true;
  const std::vector<delivery::PlannedDestination> plan{destination};
  EXPECT_EQ(plan_text(plan),
            "smtp.example.com: relay (submission server, no MX lookup)\n"
            "  recipients: bob@example.net\n"
            "  1. smtp.example.com: 192.0.2.9\n"
            "  port 465, TLS verify (implicit TLS)\n");
  const std::string json = plan_json(plan, ExitCode::ok);
  EXPECT_NE(json.find("\"kind\":\"relay\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"implicit_tls\":true"), std::string::npos) << json;
}

TEST(DryRunText, DnsNamesSanitised) {
  delivery::PlannedDestination destination = mx_destination();
  destination.plan.hosts = {{"evil\x1b[2J.example", 0, {"192.0.2.1"}, false}};
  const std::vector<delivery::PlannedDestination> plan{destination};
  EXPECT_NE(plan_text(plan).find("  1. evil?[2J.example (preference 0): 192.0.2.1\n"),
            std::string::npos);
}

TEST(DryRunText, SeveralDestinationsInOrder) {
  const std::vector<delivery::PlannedDestination> plan{mx_destination(), null_mx_destination()};
  const std::string text = plan_text(plan);
  EXPECT_LT(text.find("example.com: MX"), text.find("nomail.example: null MX"));
}

TEST(DryRunJson, FieldByField) {
  const std::vector<delivery::PlannedDestination> plan{mx_destination(), null_mx_destination()};
  const std::string text = plan_json(plan, ExitCode::no_host);
  ASSERT_TRUE(text.ends_with("\n"));
  const json::object doc = json::parse(text).as_object();
  EXPECT_EQ(doc.size(), 2u);
  EXPECT_EQ(doc.at("exit_code").as_int64(), 68);
  const json::array& destinations = doc.at("plan").as_array();
  ASSERT_EQ(destinations.size(), 2u);

  const json::object& mx = destinations[0].as_object();
  EXPECT_EQ(mx.at("domain").as_string(), "example.com");
  EXPECT_EQ(mx.at("kind").as_string(), "mx");
  EXPECT_EQ(mx.at("recipients"), (json::array{"bob@example.com", "carol@example.com"}));
  const json::array& hosts = mx.at("hosts").as_array();
  ASSERT_EQ(hosts.size(), 2u);
  EXPECT_EQ(hosts[0].at("name").as_string(), "mx1.example.com");
  EXPECT_EQ(hosts[0].at("preference").to_number<int>(), 10);
  EXPECT_EQ(hosts[0].at("addresses"), (json::array{"192.0.2.1", "2001:db8::1"}));
  EXPECT_EQ(hosts[1].at("name").as_string(), "mx2.example.com");
  EXPECT_TRUE(hosts[1].at("addresses").as_array().empty());
  EXPECT_EQ(mx.at("port").to_number<int>(), 25);
  EXPECT_EQ(mx.at("tls").as_string(), "opportunistic");
  EXPECT_TRUE(mx.at("problem").is_null());

  const json::object& null_mx = destinations[1].as_object();
  EXPECT_EQ(null_mx.at("kind").as_string(), "null_mx");
  EXPECT_TRUE(null_mx.at("hosts").as_array().empty());
  EXPECT_EQ(null_mx.at("problem").as_string(),
            "nomail.example does not accept mail (null MX, RFC 7505)");
}

TEST(DryRunJson, EmptyPlan) {
  const json::object doc = json::parse(plan_json({}, ExitCode::ok)).as_object();
  EXPECT_TRUE(doc.at("plan").as_array().empty());
  EXPECT_EQ(doc.at("exit_code").as_int64(), 0);
}

}  // namespace
}  // namespace smtpsend::report
