#include "smtpsend/dns/resolver.hpp"

#include <arpa/nameser.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <span>
#include <sstream>

#include "ares_channel.hpp"
#include "hosts_file.hpp"
#include "smtpsend/core/errors.hpp"
#include "smtpsend/dns/local_names.hpp"
#include "smtpsend/dns/unanswered.hpp"

namespace smtpsend::dns {
namespace {

struct RawReply {
  std::vector<unsigned char> response;  // empty when c-ares had no response to hand over
  Unanswered unanswered;                // what an empty response means (unanswered.hpp)
};

// One lookup as seen by the coroutine awaiting it. Shared with the c-ares callback so that a
// late callback (after the deadline, or from ares_destroy) finds live state.
struct PendingLookup {
  PendingLookup(const boost::asio::any_io_executor& executor,
                std::chrono::steady_clock::time_point deadline,
                std::shared_ptr<std::size_t> unsettled_count, const AresChannel& ares)
      : deadline_timer(executor, deadline), unsettled(std::move(unsettled_count)), channel(ares) {}

  boost::asio::steady_timer deadline_timer;  // cancelled early when the reply is in
  std::optional<RawReply> reply;
  bool settled = false;                    // answered or given up on; whichever came first decides
  std::shared_ptr<std::size_t> unsettled;  // lookups of this resolver not yet settled
  // Read only inside on_reply, which runs inside a call on this channel, so it is alive then.
  const AresChannel& channel;
};

void settle(PendingLookup& lookup) {
  lookup.settled = true;
  --*lookup.unsettled;
}

// Runs inside a c-ares call, so it only posts: resuming the coroutine here could re-enter c-ares.
void on_reply(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) noexcept {
  const std::unique_ptr<std::shared_ptr<PendingLookup>> owner(
      static_cast<std::shared_ptr<PendingLookup>*>(arg));
  try {
    std::shared_ptr<PendingLookup> lookup = std::move(*owner);
    RawReply reply;
    if (abuf != nullptr && alen > 0) {
      reply.response.assign(abuf, abuf + alen);
    } else {
      // The evidence belongs to the c-ares call running now: read it here, not once posted.
      reply.unanswered = classify_unanswered(status, lookup->channel.evidence());
    }
    const auto executor = lookup->deadline_timer.get_executor();
    boost::asio::post(executor, [lookup = std::move(lookup), reply = std::move(reply)]() mutable {
      if (lookup->settled) return;
      settle(*lookup);
      lookup->reply = std::move(reply);
      lookup->deadline_timer.cancel();
    });
  } catch (...) {
    // Out of memory: the lookup's deadline still ends the wait.
  }
}

std::string describe(const MxAnswer& answer) {
  std::ostringstream text;
  text << answer.status;
  if (!answer.failure.empty()) text << " (" << answer.failure << ")";
  for (std::size_t i = 0; i < answer.records.size(); ++i) {
    const MxRecord& record = answer.records[i];
    text << (i == 0 ? ": " : ", ") << record.preference << " "
         << (record.host.empty() ? "." : record.host);
  }
  return text.str();
}

std::string describe_list(LookupStatus status, const std::string& failure,
                          const std::vector<std::string>& items) {
  std::ostringstream text;
  text << status;
  if (!failure.empty()) text << " (" << failure << ")";
  for (std::size_t i = 0; i < items.size(); ++i) text << (i == 0 ? ": " : ", ") << items[i];
  return text.str();
}

std::string describe(const AddressAnswer& answer) {
  std::ostringstream text;
  text << answer.status;
  if (!answer.failure.empty()) text << " (" << answer.failure << ")";
  for (std::size_t i = 0; i < answer.addresses.size(); ++i) {
    text << (i == 0 ? ": " : ", ") << answer.addresses[i];
  }
  return text.str();
}

// See resolver.hpp: records win; both NXDOMAIN is NXDOMAIN; a temporary failure of either
// family must not turn into a permanent "no address" verdict.
AddressAnswer combine(const AddressAnswer& first, const AddressAnswer& second) {
  AddressAnswer combined;
  combined.addresses = first.addresses;
  combined.addresses.insert(combined.addresses.end(), second.addresses.begin(),
                            second.addresses.end());
  if (first.status == LookupStatus::ok || second.status == LookupStatus::ok) {
    combined.status = LookupStatus::ok;
  } else if (first.status == LookupStatus::nxdomain && second.status == LookupStatus::nxdomain) {
    combined.status = LookupStatus::nxdomain;
  } else if (is_temporary(first.status)) {
    combined.status = first.status;
    combined.failure = first.failure;
  } else if (is_temporary(second.status)) {
    combined.status = second.status;
    combined.failure = second.failure;
  } else {
    combined.status = LookupStatus::nodata;
  }
  return combined;
}

// An MX host named by localhost or the hosts file gets its addresses there, as every host name
// does (SPEC.md "Routing"), not from the additional section: query_addresses is asked instead.
void forget_additional_of_local_names(MxAnswer& answer) {
  std::erase_if(answer.additional, [](const HostAddresses& known) {
    return is_localhost_name(known.host) ||
           !hosts_file_addresses(known.host, AddressFamily::any).empty();
  });
}

}  // namespace

struct Resolver::Impl {
  std::shared_ptr<AresChannel> channel;
  TranscriptSink* transcript = nullptr;
  boost::asio::any_io_executor executor;
  std::shared_ptr<std::size_t> unsettled = std::make_shared<std::size_t>(0);

  std::shared_ptr<PendingLookup> start(const std::string& name, int type,
                                       std::chrono::steady_clock::time_point deadline) {
    auto lookup = std::make_shared<PendingLookup>(executor, deadline, unsettled, *channel);
    ++*unsettled;
    channel->query(name, type, &on_reply, new std::shared_ptr<PendingLookup>(lookup));
    return lookup;
  }

  // The reply, or nullopt when the deadline passed first.
  boost::asio::awaitable<std::optional<RawReply>> finish(std::shared_ptr<PendingLookup> lookup) {
    if (!lookup->settled) {
      co_await lookup->deadline_timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    }
    if (lookup->reply) co_return lookup->reply;
    if (!lookup->settled) settle(*lookup);
    // c-ares 1.18 can only cancel all queries of a channel; do so only when no other lookup
    // still waits, so that abandoned queries do not keep the io_context busy with retries.
    if (*unsettled == 0) channel->cancel_all();
    co_return std::nullopt;
  }

  boost::asio::awaitable<MxAnswer> finish_mx(std::shared_ptr<PendingLookup> lookup,
                                             const std::string& domain) {
    const auto reply = co_await finish(std::move(lookup));
    MxAnswer answer;
    if (!reply) {
      answer.status = LookupStatus::timeout;
    } else if (!reply->response.empty()) {
      // c-ares hands over the response for NXDOMAIN and NODATA too; its RCODE is the truth.
      answer = decode_mx_answer(reply->response);
      forget_additional_of_local_names(answer);
    } else {
      answer.status = reply->unanswered.status;
      answer.failure = reply->unanswered.failure;
    }
    log("MX", domain, describe(answer));
    co_return answer;
  }

  boost::asio::awaitable<AddressAnswer> finish_addresses(std::shared_ptr<PendingLookup> lookup,
                                                         const std::string& host, bool ipv6) {
    const auto reply = co_await finish(std::move(lookup));
    AddressAnswer answer;
    if (!reply) {
      answer.status = LookupStatus::timeout;
    } else if (!reply->response.empty()) {
      answer = decode_address_answer(reply->response, ipv6);
    } else {
      answer.status = reply->unanswered.status;
      answer.failure = reply->unanswered.failure;
    }
    log(ipv6 ? "AAAA" : "A", host, describe(answer));
    co_return answer;
  }

  // The answer `decode` makes of the response, or the status of a lookup that got none.
  template <typename Answer, typename Decode>
  boost::asio::awaitable<Answer> finish_with(std::shared_ptr<PendingLookup> lookup, Decode decode) {
    const auto reply = co_await finish(std::move(lookup));
    Answer answer;
    if (!reply) {
      answer.status = LookupStatus::timeout;
    } else if (!reply->response.empty()) {
      answer = decode(reply->response);
    } else {
      answer.status = reply->unanswered.status;
      answer.failure = reply->unanswered.failure;
    }
    co_return answer;
  }

  void log(std::string_view type, std::string_view name, const std::string& outcome) {
    if (transcript == nullptr) return;
    std::string line = "DNS ";
    line.append(type).append(" ").append(name).append(": ").append(outcome);
    transcript->line("", TranscriptKind::info, line, 2);
  }
};

std::unique_ptr<Resolver> Resolver::create(boost::asio::any_io_executor executor,
                                           ResolverOptions options, std::error_code& ec,
                                           std::string& detail) {
  const ChannelSettings settings{std::move(options.servers), options.try_timeout, options.tries};
  auto channel = AresChannel::open(executor, settings, detail);
  if (!channel) {
    ec = Errc::dns_error;
    return nullptr;
  }
  auto impl = std::make_shared<Impl>();
  impl->channel = std::move(channel);
  impl->transcript = options.transcript;
  impl->executor = std::move(executor);
  ec.clear();
  return std::unique_ptr<Resolver>(new Resolver(std::move(impl)));
}

Resolver::Resolver(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

std::size_t Resolver::descriptors_at_most() const {
  return impl_->channel->descriptors_at_most();
}

// Lookups still awaited complete with `error` (ARES_EDESTRUCTION), posted, never inline.
Resolver::~Resolver() {
  impl_->channel->shutdown();
}

boost::asio::awaitable<MxAnswer> Resolver::query_mx(
    std::string domain, std::chrono::steady_clock::time_point deadline) {
  const std::shared_ptr<Impl> impl = impl_;
  co_return co_await impl->finish_mx(impl->start(domain, ns_t_mx, deadline), domain);
}

boost::asio::awaitable<AddressAnswer> Resolver::query_addresses(
    std::string host, AddressFamily family, std::chrono::steady_clock::time_point deadline) {
  const std::shared_ptr<Impl> impl = impl_;
  // SPEC.md "Routing": as the system's resolver would, localhost first (RFC 6761 §6.3), then
  // the hosts file, then DNS.
  if (auto loopback = loopback_answer(host, family)) {
    impl->log("A/AAAA", host, describe(*loopback) + " (localhost, RFC 6761)");
    co_return *std::move(loopback);
  }
  if (auto listed = hosts_file_addresses(host, family); !listed.empty()) {
    AddressAnswer answer{LookupStatus::ok, std::move(listed)};
    impl->log("A/AAAA", host, describe(answer) + " (hosts file)");
    co_return answer;
  }
  const bool want_a = family != AddressFamily::ipv6;
  const bool want_aaaa = family != AddressFamily::ipv4;
  // Both queries are sent before either is awaited, so they run in parallel.
  const auto a_lookup = want_a ? impl->start(host, ns_t_a, deadline) : nullptr;
  const auto aaaa_lookup = want_aaaa ? impl->start(host, ns_t_aaaa, deadline) : nullptr;

  if (!want_aaaa) co_return co_await impl->finish_addresses(a_lookup, host, false);
  if (!want_a) co_return co_await impl->finish_addresses(aaaa_lookup, host, true);
  const AddressAnswer ipv4 = co_await impl->finish_addresses(a_lookup, host, false);
  const AddressAnswer ipv6 = co_await impl->finish_addresses(aaaa_lookup, host, true);
  co_return combine(ipv4, ipv6);
}

boost::asio::awaitable<AddressAnswer> Resolver::query_address_records(
    std::string name, bool ipv6, std::chrono::steady_clock::time_point deadline) {
  const std::shared_ptr<Impl> impl = impl_;
  co_return co_await impl->finish_addresses(impl->start(name, ipv6 ? ns_t_aaaa : ns_t_a, deadline),
                                            name, ipv6);
}

boost::asio::awaitable<TxtAnswer> Resolver::query_txt(
    std::string name, std::chrono::steady_clock::time_point deadline) {
  const std::shared_ptr<Impl> impl = impl_;
  auto answer = co_await impl->finish_with<TxtAnswer>(
      impl->start(name, ns_t_txt, deadline),
      [](std::span<const unsigned char> response) { return decode_txt_answer(response); });
  impl->log("TXT", name, describe_list(answer.status, answer.failure, answer.records));
  co_return answer;
}

boost::asio::awaitable<NameAnswer> Resolver::query_ptr(
    std::string name, std::chrono::steady_clock::time_point deadline) {
  const std::shared_ptr<Impl> impl = impl_;
  auto answer = co_await impl->finish_with<NameAnswer>(
      impl->start(name, ns_t_ptr, deadline),
      [](std::span<const unsigned char> response) { return decode_ptr_answer(response); });
  impl->log("PTR", name, describe_list(answer.status, answer.failure, answer.names));
  co_return answer;
}

}  // namespace smtpsend::dns
