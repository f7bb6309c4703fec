// doctor/facts: what the doctor's runner gathered from DNS and from the MX hosts, as plain
// values, so that every check (checks.hpp) is a pure function of them. No I/O here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "smtpsend/dns/answer.hpp"
#include "smtpsend/dns/lookup_status.hpp"
#include "smtpsend/dns/records.hpp"

namespace smtpsend::doctor {

// How far a connection to one MX host got.
enum class Reach {
  greeted,        // a reply came to the connection (any code: see MxProbe::greeting_code)
  silent,         // connected, but no greeting within the timeout
  refused,        // the connection was refused
  timed_out,      // no answer to the connection within --connect-timeout
  network_error,  // another network failure (detail)
  no_address,     // the host name has no address (NXDOMAIN or NODATA): nothing to connect to
  dns_trouble,    // a temporary DNS failure: the host's addresses are unknown
};

// STARTTLS as far as it got (RFC 3207) with the certificate checked against the trust anchors
// (--ca-file or the system store) and the MX host name (RFC 6125).
enum class TlsReach {
  not_tried,         // no EHLO reply to look at
  not_offered,       // EHLO did not list STARTTLS
  refused,           // STARTTLS got another reply than 220
  handshake_failed,  // the TLS handshake failed (detail)
  unverified,        // TLS set up, but the certificate does not verify (detail: why)
  verified,          // TLS set up with a certificate that verifies for the host name
};

struct MxProbe {
  std::string domain;  // the --to domain
  std::string host;    // its MX host (the domain itself for an implicit MX)
  std::string ip;      // the address connected to; empty when there was none
  Reach reach = Reach::no_address;
  std::string detail;  // the connect error, the DNS status, ...
  int greeting_code = 0;
  std::string greeting_text;
  std::vector<std::string> ehlo_lines;  // the EHLO reply's lines (text after "250-"/"250 ")
  TlsReach tls = TlsReach::not_tried;
  std::string tls_detail;  // "certificate has expired", the handshake error, the STARTTLS reply
  friend bool operator==(const MxProbe&, const MxProbe&) = default;
};

// A --to domain whose MX lookup gave no host to try (NXDOMAIN, null MX, a temporary failure).
struct MxLookupTrouble {
  std::string domain;
  dns::LookupStatus status = dns::LookupStatus::ok;  // ok here means a null MX (RFC 7505)
  std::string failure;
  friend bool operator==(const MxLookupTrouble&, const MxLookupTrouble&) = default;
};

// Where the public IP came from (SPEC.md: --public-ip, else a server's EHLO reply, else a
// global local address).
enum class IpSource { option, ehlo_reply, local_address, none };

struct PublicIp {
  std::string ip;  // empty when source is none
  IpSource source = IpSource::none;
  std::string reporter;  // the MX host whose EHLO reply named it
  friend bool operator==(const PublicIp&, const PublicIp&) = default;
};

// The PTR names of the public IP and each name's forward (A or AAAA) answer.
struct ForwardLookup {
  std::string name;
  dns::AddressAnswer addresses;
  friend bool operator==(const ForwardLookup&, const ForwardLookup&) = default;
};

struct PtrFacts {
  dns::NameAnswer ptr;
  std::vector<ForwardLookup> forward;  // one per PTR name, in the PTR answer's order
  friend bool operator==(const PtrFacts&, const PtrFacts&) = default;
};

// An SPF evaluation (RFC 7208 §2.6) as the doctor reports it.
enum class SpfResult { none, neutral, pass, fail, softfail, temperror, permerror };

struct SpfFacts {
  SpfResult result = SpfResult::none;
  std::string detail;       // the evaluator's sentence (the matching mechanism, the error)
  std::string explanation;  // exp= text of a fail
  friend bool operator==(const SpfFacts&, const SpfFacts&) = default;
};

// A DNSBL answer for one queried item: the A records of `<item>.<list>` (RFC 5782 §2.1).
struct BlocklistLookup {
  std::string item;  // the IP or the domain
  std::string list;  // "zen.spamhaus.org", "dbl.spamhaus.org"
  dns::AddressAnswer answer;
  friend bool operator==(const BlocklistLookup&, const BlocklistLookup&) = default;
};

}  // namespace smtpsend::doctor
