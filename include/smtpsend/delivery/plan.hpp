// delivery/plan: the work of one run as plain values: destinations, their recipients, and
// what --dry-run prints. No I/O here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "smtpsend/delivery/options.hpp"
#include "smtpsend/dns/mx_plan.hpp"
#include "smtpsend/message/address.hpp"
#include "smtpsend/message/message.hpp"
#include "smtpsend/smtp/session.hpp"

namespace smtpsend::delivery {

// One message to send, with its envelope.
struct OutgoingMessage {
  const message::Message* message = nullptr;      // owned by the caller; outlives delivery
  std::string mail_from;                          // envelope sender, "" = null sender
  std::vector<message::EnvelopeAddress> recipients;
  smtp::EnvelopeParameters parameters = {};  // DSN asked for (sent only where it is offered)
};

// Recipients that share a route (one domain, case-insensitive): one transaction per message.
struct Destination {
  std::string domain;  // as written by the first recipient of the domain (literal kept)
  std::string key;     // lower-cased grouping key
  std::vector<smtp::Transaction> transactions;
  // Domains sharing this one's MX hosts were merged into it (shared_mx.hpp): all of them, for
  // sentences ("example.com and example.net"). Empty: `domain` alone.
  std::string label = {};
};

// Every message's recipients in one destination named after the relay host, one transaction
// per message; a recipient listed twice for one message is sent once.
Destination relay_destination(const std::vector<OutgoingMessage>& messages,
                              const RelayRoute& relay);

// Groups every message's recipients by domain, keeping first-seen order; a recipient listed
// twice for one message (domain compared case-insensitively) is sent once.
std::vector<Destination> group_by_domain(const std::vector<OutgoingMessage>& messages);

// --dry-run: what would be tried, per destination.
struct PlannedDestination {
  std::string domain;
  std::vector<std::string> recipients;
  dns::MxPlan plan;          // hosts in try order, each with its resolved addresses
  std::uint16_t port = 25;
  std::string tls_policy;    // --tls: "none", "opportunistic", "required" or "verify"
  std::string problem;       // one sentence when resolution failed (empty otherwise)
  bool relay = false;        // --relay: the plan is the relay host's addresses, not an MX list
  bool implicit_tls = false; // smtps:// or --smtps
};

}  // namespace smtpsend::delivery
