// The Resolver against a tiny UDP responder on 127.0.0.1 in the same io_context: the only
// unit test here that uses a socket, because the c-ares/Asio wiring is what is under test.
#include "smtpsend/dns/resolver.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <optional>

#include "dns_packet_builder.hpp"
#include "smtpsend/core/errors.hpp"

namespace smtpsend::dns {
namespace {

using namespace std::chrono_literals;
using boost::asio::ip::udp;
using Clock = std::chrono::steady_clock;
using test::DnsPacketBuilder;
using test::Packet;
using test::Query;
using test::Section;

// Answers queries by name (and type); names it does not know get no answer at all.
class UdpResponder {
 public:
  using Answer = std::function<Packet(const Query&)>;

  explicit UdpResponder(boost::asio::io_context& io)
      : io_(io), socket_(io, udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {
    receive();
  }

  std::string server() const { return "127.0.0.1:" + std::to_string(port()); }
  std::uint16_t port() const { return socket_.local_endpoint().port(); }

  void on(const std::string& name, std::uint16_t type, Answer answer,
          std::chrono::milliseconds delay = 0ms) {
    answers_[{name, type}] = {std::move(answer), delay};
  }
  int queries_seen() const { return queries_seen_; }
  void close() { socket_.close(); }

 private:
  struct Behaviour {
    Answer answer;
    std::chrono::milliseconds delay;
  };

  void receive() {
    socket_.async_receive_from(boost::asio::buffer(buffer_), sender_,
                               [this](const boost::system::error_code& ec, std::size_t size) {
                                 if (ec) return;
                                 handle(Packet(buffer_.begin(), buffer_.begin() + size));
                                 receive();
                               });
  }

  void handle(const Packet& packet) {
    ++queries_seen_;
    const auto query = test::parse_query(packet);
    if (!query) return;
    const auto found = answers_.find({query->name, query->type});
    if (found == answers_.end()) return;
    auto reply = std::make_shared<Packet>(found->second.answer(*query));
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, found->second.delay);
    timer->async_wait([this, reply, timer, to = sender_](const boost::system::error_code& ec) {
      if (!ec && socket_.is_open()) socket_.send_to(boost::asio::buffer(*reply), to);
    });
  }

  boost::asio::io_context& io_;
  udp::socket socket_;
  std::array<unsigned char, 4096> buffer_{};
  udp::endpoint sender_;
  std::map<std::pair<std::string, std::uint16_t>, Behaviour> answers_;
  int queries_seen_ = 0;
};

DnsPacketBuilder reply_to(const Query& query) {
  return DnsPacketBuilder().id(query.id).raw_question(query.question);
}

class RecordingTranscript final : public TranscriptSink {
 public:
  void line(std::string_view peer, TranscriptKind kind, std::string_view text, int level) override {
    EXPECT_EQ(peer, "");
    EXPECT_EQ(kind, TranscriptKind::info);
    EXPECT_EQ(level, 2);
    lines.emplace_back(text);
  }
  std::vector<std::string> lines;
};

template <typename T>
struct Completion {
  std::optional<T> value;
  Clock::time_point at;
};

template <typename T>
std::shared_ptr<Completion<T>> spawn(boost::asio::io_context& io, boost::asio::awaitable<T> task) {
  auto completion = std::make_shared<Completion<T>>();
  boost::asio::co_spawn(io, std::move(task), [completion](std::exception_ptr error, T value) {
    if (error) ADD_FAILURE() << "lookup threw";
    completion->value = std::move(value);
    completion->at = Clock::now();
  });
  return completion;
}

// Runs the io_context until `done` or 10 s have passed.
void run_until(boost::asio::io_context& io, const std::function<bool()>& done) {
  const auto limit = Clock::now() + 10s;
  while (!done() && Clock::now() < limit) io.run_one_for(50ms);
}

class ResolverTest : public testing::Test {
 protected:
  ResolverTest() : responder_(io_) {
    responder_.on("mx.test", test::kTypeMx, [](const Query& q) {
      return reply_to(q)
          .mx(Section::answer, "mx.test", 20, "mx2.mx.test")
          .mx(Section::answer, "mx.test", 10, "mx1.mx.test")
          .a(Section::additional, "mx1.mx.test", "192.0.2.1")
          .build();
    });
    responder_.on("nx.test", test::kTypeMx, [](const Query& q) {
      return reply_to(q).rcode(test::kNxDomain).soa(Section::authority, "test").build();
    });
    responder_.on("broken.test", test::kTypeMx,
                  [](const Query& q) { return reply_to(q).rcode(test::kServFail).build(); });
    responder_.on(
        "slow.test", test::kTypeMx,
        [](const Query& q) {
          return reply_to(q).mx(Section::answer, "slow.test", 10, "mx.slow.test").build();
        },
        400ms);
    responder_.on("host.test", test::kTypeA, [](const Query& q) {
      return reply_to(q).a(Section::answer, "host.test", "192.0.2.10").build();
    });
    responder_.on("host.test", test::kTypeAaaa, [](const Query& q) {
      return reply_to(q).aaaa(Section::answer, "host.test", "2001:db8::10").build();
    });
    responder_.on("v4only.test", test::kTypeA, [](const Query& q) {
      return reply_to(q).a(Section::answer, "v4only.test", "192.0.2.11").build();
    });
    responder_.on("v4only.test", test::kTypeAaaa, [](const Query& q) {
      return reply_to(q).soa(Section::authority, "test").build();
    });
  }

  std::unique_ptr<Resolver> make_resolver(std::chrono::milliseconds try_timeout = 5000ms,
                                          int tries = 2) {
    std::error_code ec;
    std::string detail;
    auto resolver = Resolver::create(
        io_.get_executor(), {{responder_.server()}, try_timeout, tries, &transcript_}, ec, detail);
    EXPECT_TRUE(resolver) << detail;
    EXPECT_FALSE(ec);
    return resolver;
  }

  boost::asio::io_context io_;
  UdpResponder responder_;
  RecordingTranscript transcript_;
};

TEST_F(ResolverTest, MxAnswerWithAdditionalSection) {
  const auto resolver = make_resolver();
  const auto mx = spawn(io_, resolver->query_mx("mx.test", Clock::now() + 5s));
  run_until(io_, [&] { return mx->value.has_value(); });
  ASSERT_TRUE(mx->value);
  const MxAnswer expected{LookupStatus::ok,
                          {{20, "mx2.mx.test"}, {10, "mx1.mx.test"}},
                          {{"mx1.mx.test", {"192.0.2.1"}}}};
  EXPECT_EQ(*mx->value, expected);
  EXPECT_EQ(transcript_.lines,
            (std::vector<std::string>{"DNS MX mx.test: ok: 20 mx2.mx.test, 10 mx1.mx.test"}));
}

TEST_F(ResolverTest, Nxdomain) {
  const auto resolver = make_resolver();
  const auto mx = spawn(io_, resolver->query_mx("nx.test", Clock::now() + 5s));
  run_until(io_, [&] { return mx->value.has_value(); });
  ASSERT_TRUE(mx->value);
  EXPECT_EQ(mx->value->status, LookupStatus::nxdomain);
  EXPECT_EQ(transcript_.lines, (std::vector<std::string>{"DNS MX nx.test: nxdomain"}));
}

TEST_F(ResolverTest, ServfailFromEveryTryIsServfail) {
  const auto resolver = make_resolver(5000ms, 2);
  const auto mx = spawn(io_, resolver->query_mx("broken.test", Clock::now() + 5s));
  run_until(io_, [&] { return mx->value.has_value(); });
  ASSERT_TRUE(mx->value);
  EXPECT_EQ(mx->value->status, LookupStatus::servfail);
}

// c-ares 1.18 ends this lookup with ARES_ECONNREFUSED, as it does for a closed port: the
// response the socket saw keeps it the server's REFUSED (unanswered.hpp).
TEST_F(ResolverTest, RefusedAnswerIsTheServersRefusal) {
  responder_.on("refusing.test", test::kTypeMx,
                [](const Query& q) { return reply_to(q).rcode(test::kRefused).build(); });
  const auto resolver = make_resolver(5000ms, 2);
  const auto mx = spawn(io_, resolver->query_mx("refusing.test", Clock::now() + 5s));
  run_until(io_, [&] { return mx->value.has_value(); });
  ASSERT_TRUE(mx->value);
  EXPECT_EQ(*mx->value, (MxAnswer{LookupStatus::refused, {}, {}}));
}

// Answers every MX query over TCP (RFC 1035 §4.2.2: a two-octet length before each message).
boost::asio::awaitable<void> answer_over_tcp(boost::asio::ip::tcp::acceptor& acceptor) {
  namespace asio = boost::asio;
  asio::ip::tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
  for (;;) {
    std::array<unsigned char, 2> length{};
    co_await asio::async_read(socket, asio::buffer(length), asio::use_awaitable);
    Packet query_bytes(static_cast<std::size_t>(length[0] << 8 | length[1]));
    co_await asio::async_read(socket, asio::buffer(query_bytes), asio::use_awaitable);
    const auto query = test::parse_query(query_bytes);
    if (!query) co_return;
    const Packet reply =
        reply_to(*query).mx(Section::answer, query->name, 10, "mx." + query->name).build();
    const std::array<unsigned char, 2> reply_length{static_cast<unsigned char>(reply.size() >> 8),
                                                    static_cast<unsigned char>(reply.size())};
    const std::array<asio::const_buffer, 2> framed{asio::buffer(reply_length),
                                                   asio::buffer(reply)};
    co_await asio::async_write(socket, framed, asio::use_awaitable);
  }
}

// c-ares asks again over TCP when the UDP answer is truncated: the channel's own socket
// functions (ares_channel.cpp) must serve a TCP connection as well as datagrams.
TEST(ResolverTcp, ATruncatedAnswerIsAskedAgainOverTcp) {
  boost::asio::io_context io;
  UdpResponder udp(io);
  udp.on("big.test", test::kTypeMx, [](const Query& q) {
    Packet truncated = reply_to(q).build();
    truncated[2] |= 0x02;  // TC (RFC 1035 §4.1.1)
    return truncated;
  });
  boost::asio::ip::tcp::acceptor acceptor(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), udp.port()));
  boost::asio::co_spawn(io, answer_over_tcp(acceptor), boost::asio::detached);
  std::error_code ec;
  std::string detail;
  const auto resolver = Resolver::create(io.get_executor(), {{udp.server()}, 2000ms, 2}, ec, detail);
  ASSERT_TRUE(resolver) << detail;
  const auto mx = spawn(io, resolver->query_mx("big.test", Clock::now() + 5s));
  run_until(io, [&] { return mx->value.has_value(); });
  ASSERT_TRUE(mx->value);
  EXPECT_EQ(*mx->value, (MxAnswer{LookupStatus::ok, {{10, "mx.big.test"}}, {}}));
}

TEST(ResolverLocalFailure, AClosedDnsPortIsReportedAsSuchNotAsServfail) {
  boost::asio::io_context io;
  std::string server;
  {
    udp::socket probe(io, udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    server = "127.0.0.1:" + std::to_string(probe.local_endpoint().port());
  }  // closed: the kernel answers queries to it with ICMP port unreachable
  std::error_code ec;
  std::string detail;
  const auto resolver = Resolver::create(io.get_executor(), {{server}, 1000ms, 2}, ec, detail);
  ASSERT_TRUE(resolver) << detail;
  const auto mx = spawn(io, resolver->query_mx("example.test", Clock::now() + 5s));
  const auto a =
      spawn(io, resolver->query_addresses("host.test", AddressFamily::any, Clock::now() + 5s));
  run_until(io, [&] { return mx->value && a->value; });
  ASSERT_TRUE(mx->value && a->value);
  const std::string sentence = "DNS server " + server + " refused the query";
  EXPECT_EQ(*mx->value, (MxAnswer{LookupStatus::unreachable, {}, {}, sentence}));
  EXPECT_EQ(*a->value, (AddressAnswer{LookupStatus::unreachable, {}, sentence}));
  EXPECT_TRUE(is_temporary(mx->value->status));
}

TEST(ResolverLocalFailure, TwoDescriptorsPerServer) {
  boost::asio::io_context io;
  std::error_code ec;
  std::string detail;
  const auto resolver =
      Resolver::create(io.get_executor(), {{"192.0.2.1", "192.0.2.2:5353"}}, ec, detail);
  ASSERT_TRUE(resolver) << detail;
  EXPECT_EQ(resolver->descriptors_at_most(), 4u);
}

TEST_F(ResolverTest, DeadlineEndsALookupTheServerNeverAnswers) {
  const auto resolver = make_resolver(5000ms, 3);
  const auto started = Clock::now();
  const auto mx = spawn(io_, resolver->query_mx("silent.test", started + 200ms));
  run_until(io_, [&] { return mx->value.has_value(); });
  ASSERT_TRUE(mx->value);
  EXPECT_EQ(mx->value->status, LookupStatus::timeout);
  EXPECT_GE(mx->at - started, 200ms);
  EXPECT_LT(mx->at - started, 2s);
  EXPECT_GE(responder_.queries_seen(), 1);
  // With no lookup left waiting, the abandoned query is cancelled: nothing keeps the
  // io_context busy for c-ares' own 5 s retries.
  responder_.close();
  const auto drained = Clock::now();
  io_.run_for(4s);
  EXPECT_TRUE(io_.stopped());
  EXPECT_LT(Clock::now() - drained, 1s);
}

TEST_F(ResolverTest, OneLookupTimesOutWhileAnotherSucceeds) {
  const auto resolver = make_resolver();
  const auto started = Clock::now();
  const auto silent = spawn(io_, resolver->query_mx("silent.test", started + 150ms));
  const auto slow = spawn(io_, resolver->query_mx("slow.test", started + 5s));
  run_until(io_, [&] { return silent->value && slow->value; });
  ASSERT_TRUE(silent->value && slow->value);
  EXPECT_EQ(silent->value->status, LookupStatus::timeout);
  EXPECT_LT(silent->at - started, 400ms);  // before the slow answer arrived
  EXPECT_EQ(*slow->value, (MxAnswer{LookupStatus::ok, {{10, "mx.slow.test"}}, {}}));
  EXPECT_GE(slow->at - started, 400ms);
}

TEST_F(ResolverTest, AddressesOfBothFamiliesInParallel) {
  const auto resolver = make_resolver();
  const auto both =
      spawn(io_, resolver->query_addresses("host.test", AddressFamily::any, Clock::now() + 5s));
  const auto v4 =
      spawn(io_, resolver->query_addresses("host.test", AddressFamily::ipv4, Clock::now() + 5s));
  const auto v6 =
      spawn(io_, resolver->query_addresses("host.test", AddressFamily::ipv6, Clock::now() + 5s));
  const auto partial =
      spawn(io_, resolver->query_addresses("v4only.test", AddressFamily::any, Clock::now() + 5s));
  run_until(io_, [&] { return both->value && v4->value && v6->value && partial->value; });
  ASSERT_TRUE(both->value && v4->value && v6->value && partial->value);
  EXPECT_EQ(*both->value, (AddressAnswer{LookupStatus::ok, {"192.0.2.10", "2001:db8::10"}}));
  EXPECT_EQ(*v4->value, (AddressAnswer{LookupStatus::ok, {"192.0.2.10"}}));
  EXPECT_EQ(*v6->value, (AddressAnswer{LookupStatus::ok, {"2001:db8::10"}}));
  EXPECT_EQ(*partial->value, (AddressAnswer{LookupStatus::ok, {"192.0.2.11"}}));
}

TEST_F(ResolverTest, AddressesOfAMissingHost) {
  responder_.on("gone.test", test::kTypeA,
                [](const Query& q) { return reply_to(q).rcode(test::kNxDomain).build(); });
  responder_.on("gone.test", test::kTypeAaaa,
                [](const Query& q) { return reply_to(q).rcode(test::kNxDomain).build(); });
  const auto resolver = make_resolver();
  const auto gone =
      spawn(io_, resolver->query_addresses("gone.test", AddressFamily::any, Clock::now() + 5s));
  const auto half =
      spawn(io_, resolver->query_addresses("v4only.test", AddressFamily::ipv6, Clock::now() + 5s));
  run_until(io_, [&] { return gone->value && half->value; });
  ASSERT_TRUE(gone->value && half->value);
  EXPECT_EQ(gone->value->status, LookupStatus::nxdomain);
  EXPECT_EQ(half->value->status, LookupStatus::nodata);
}

TEST_F(ResolverTest, TxtPtrAndDnsOnlyAddressRecords) {
  constexpr std::uint16_t kTypePtr = 12;
  constexpr std::uint16_t kTypeTxt = 16;
  responder_.on("spf.test", kTypeTxt, [](const Query& q) {
    return reply_to(q)
        .raw_record(Section::answer, "spf.test", kTypeTxt,
                    Packet{6, 'v', '=', 's', 'p', 'f', '1', 4, ' ', '-', 'a', 'l'})
        .build();
  });
  responder_.on("7.2.0.192.in-addr.arpa", kTypePtr, [](const Query& q) {
    return reply_to(q)
        .raw_record(Section::answer, "7.2.0.192.in-addr.arpa", kTypePtr,
                    Packet{4, 'm', 'a', 'i', 'l', 4, 't', 'e', 's', 't', 0})
        .build();
  });
  const auto resolver = make_resolver();
  const auto txt = spawn(io_, resolver->query_txt("spf.test", Clock::now() + 5s));
  const auto ptr = spawn(io_, resolver->query_ptr("7.2.0.192.in-addr.arpa", Clock::now() + 5s));
  const auto a = spawn(io_, resolver->query_address_records("host.test", false, Clock::now() + 5s));
  const auto aaaa =
      spawn(io_, resolver->query_address_records("host.test", true, Clock::now() + 5s));
  // localhost is asked of the DNS server like any name: no RFC 6761 shortcut here.
  const auto local =
      spawn(io_, resolver->query_address_records("localhost", false, Clock::now() + 1s));
  run_until(io_, [&] { return txt->value && ptr->value && a->value && aaaa->value && local->value; });
  ASSERT_TRUE(txt->value && ptr->value && a->value && aaaa->value && local->value);
  EXPECT_EQ(*txt->value, (TxtAnswer{LookupStatus::ok, {"v=spf1 -al"}}));
  EXPECT_EQ(*ptr->value, (NameAnswer{LookupStatus::ok, {"mail.test"}}));
  EXPECT_EQ(*a->value, (AddressAnswer{LookupStatus::ok, {"192.0.2.10"}}));
  EXPECT_EQ(*aaaa->value, (AddressAnswer{LookupStatus::ok, {"2001:db8::10"}}));
  EXPECT_EQ(local->value->status, LookupStatus::timeout);
}

TEST_F(ResolverTest, DestroyingTheResolverCompletesPendingLookups) {
  auto resolver = make_resolver();
  const auto mx = spawn(io_, resolver->query_mx("silent.test", Clock::now() + 5s));
  run_until(io_, [&] { return responder_.queries_seen() > 0; });
  resolver.reset();
  run_until(io_, [&] { return mx->value.has_value(); });
  ASSERT_TRUE(mx->value);
  EXPECT_EQ(mx->value->status, LookupStatus::error);
}

TEST(ResolverCreate, RejectsBadDnsServerValues) {
  boost::asio::io_context io;
  for (const std::string bad : {"x", "192.0.2.1:", "192.0.2.1:0", "192.0.2.1:65536", "[2001:db8::1",
                                "[2001:db8::1]53", "[192.0.2.1x]:53", ""}) {
    SCOPED_TRACE(bad);
    std::error_code ec;
    std::string detail;
    EXPECT_FALSE(Resolver::create(io.get_executor(), {{bad}}, ec, detail));
    EXPECT_EQ(ec, Errc::dns_error);
    EXPECT_EQ(detail, "bad --dns-server value '" + bad + "'");
  }
}

TEST(ResolverCreate, AcceptsAddressesWithAndWithoutPorts) {
  boost::asio::io_context io;
  std::error_code ec;
  std::string detail;
  const auto resolver = Resolver::create(
      io.get_executor(), {{"192.0.2.1", "192.0.2.2:5353", "2001:db8::1", "[2001:db8::2]:53"}}, ec,
      detail);
  EXPECT_TRUE(resolver) << detail;
  EXPECT_FALSE(ec);
}

}  // namespace
}  // namespace smtpsend::dns
