#include "blocking_dns.hpp"

namespace smtpsend::doctor {
namespace {

using dns::spf::QueryAnswer;

// RFC 7208 §4.6.4 counts NXDOMAIN and NODATA as void lookups; every other failure is temperror.
QueryAnswer seam_answer(dns::LookupStatus status, std::vector<std::string> records) {
  if (status == dns::LookupStatus::nxdomain) return {QueryAnswer::Status::nxdomain, {}};
  if (dns::is_temporary(status)) return {QueryAnswer::Status::temporary, {}};
  return {QueryAnswer::Status::ok, std::move(records)};
}

}  // namespace

dns::MxAnswer BlockingDns::mx(const std::string& name) {
  return wait(resolver_.query_mx(name, deadline()));
}

dns::AddressAnswer BlockingDns::addresses(const std::string& name, dns::AddressFamily family) {
  return wait(resolver_.query_addresses(name, family, deadline()));
}

dns::AddressAnswer BlockingDns::address_records(const std::string& name, bool ipv6) {
  return wait(resolver_.query_address_records(name, ipv6, deadline()));
}

dns::TxtAnswer BlockingDns::txt(const std::string& name) {
  return wait(resolver_.query_txt(name, deadline()));
}

dns::NameAnswer BlockingDns::ptr(const std::string& name) {
  return wait(resolver_.query_ptr(name, deadline()));
}

QueryAnswer BlockingDns::query(dns::spf::QueryType type, std::string_view name) {
  const std::string asked(name);
  switch (type) {
    case dns::spf::QueryType::a:
    case dns::spf::QueryType::aaaa: {
      auto answer = address_records(asked, type == dns::spf::QueryType::aaaa);
      return seam_answer(answer.status, std::move(answer.addresses));
    }
    case dns::spf::QueryType::mx: {
      auto answer = mx(asked);
      std::vector<std::string> hosts;
      for (const auto& record : answer.records) {
        if (!record.host.empty()) hosts.push_back(record.host);
      }
      return seam_answer(answer.status, std::move(hosts));
    }
    case dns::spf::QueryType::txt: {
      auto answer = txt(asked);
      return seam_answer(answer.status, std::move(answer.records));
    }
    case dns::spf::QueryType::ptr: {
      auto answer = ptr(asked);
      return seam_answer(answer.status, std::move(answer.names));
    }
  }
  return {QueryAnswer::Status::temporary, {}};
}

}  // namespace smtpsend::doctor
