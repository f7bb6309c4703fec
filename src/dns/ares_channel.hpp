// dns/ares_channel: one c-ares channel driven by an Asio executor, private to dns/.
//
// Debian's c-ares 1.18 has no event thread, so the io_context is its event loop: the
// socket-state callback maps each c-ares fd to a posix::stream_descriptor waiting in the
// directions c-ares wants, and one steady_timer follows ares_timeout. Descriptors are released,
// never closed: c-ares owns its fds. Every c-ares call happens on the executor's thread; the
// executor must not run handlers concurrently (one thread, or a strand).
//
// The channel opens, connects, reads and writes c-ares' sockets itself (ares_socket_functions)
// only to watch what happens on them: a socket that cannot be opened, a server port that
// refuses, the RCODE of each response. That evidence, collected during one c-ares call, is what
// a callback running inside that call reads (unanswered.hpp).
#pragma once

#include <ares.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "smtpsend/dns/unanswered.hpp"

namespace smtpsend::dns {

struct ChannelSettings {
  std::vector<std::string> servers;  // as given to --dns-server; empty = the system's
  std::chrono::milliseconds try_timeout{3000};
  int tries = 3;
};

// "IP", "IP:PORT", "[IPv6]:PORT" or a bare IPv6 address -> the "IP:PORT" / "[IPv6]:PORT" form
// ares_set_servers_ports_csv parses without ambiguity; "" if `value` is none of those.
std::string server_csv_entry(std::string_view value);

class AresChannel : public std::enable_shared_from_this<AresChannel> {
 public:
  // Null on failure, with `detail` one sentence naming the cause.
  static std::shared_ptr<AresChannel> open(const boost::asio::any_io_executor& executor,
                                           const ChannelSettings& settings, std::string& detail);
  explicit AresChannel(const boost::asio::any_io_executor& executor);
  ~AresChannel();
  AresChannel(const AresChannel&) = delete;
  AresChannel& operator=(const AresChannel&) = delete;

  // `callback` runs inside a later c-ares call (or this one): it must not call back into the
  // channel. After shutdown() it runs at once with ARES_EDESTRUCTION.
  void query(const std::string& name, int type, ares_callback callback, void* arg);
  // Ends every query in flight; their callbacks see ARES_ECANCELLED.
  void cancel_all();
  // Destroys the channel: pending callbacks see ARES_EDESTRUCTION, descriptors are released.
  void shutdown();

  // What the sockets showed during the c-ares call now running (reset as each call starts);
  // meant for a query's callback, which runs inside such a call.
  const WireEvidence& evidence() const noexcept { return evidence_; }
  // Descriptors c-ares may hold at once: one UDP and one TCP socket per server (c-ares 1.18
  // shares them between all queries).
  std::size_t descriptors_at_most() const;

 private:
  struct SocketWatch;
  struct SocketInfo {
    bool datagram = false;
    std::string peer;  // "IP:PORT" once connected
  };

  static ares_socket_t open_socket(int domain, int type, int protocol, void* self);
  static int close_socket(ares_socket_t fd, void* self);
  static int connect_socket(ares_socket_t fd, const sockaddr* address, ares_socklen_t length,
                            void* self);
  static ares_ssize_t receive(ares_socket_t fd, void* buffer, size_t length, int flags,
                              sockaddr* from, ares_socklen_t* from_length, void* self);
  static ares_ssize_t send(ares_socket_t fd, const iovec* data, int count, void* self);
  void note_refused(ares_socket_t fd);
  void note_response(ares_socket_t fd, const void* buffer, ares_ssize_t length);

  static void on_socket_state(void* data, ares_socket_t fd, int readable, int writable);
  void update_watch(ares_socket_t fd, bool readable, bool writable);
  void wait_for(const std::shared_ptr<SocketWatch>& watch, bool read);
  void process(ares_socket_t read_fd, ares_socket_t write_fd);
  void rearm_timer();

  boost::asio::any_io_executor executor_;
  ares_channel channel_ = nullptr;
  boost::asio::steady_timer timer_;  // c-ares' own retry timer, not a lookup deadline
  std::unordered_map<ares_socket_t, std::shared_ptr<SocketWatch>> watches_;
  std::unordered_map<ares_socket_t, SocketInfo> sockets_;
  WireEvidence evidence_;
};

}  // namespace smtpsend::dns
