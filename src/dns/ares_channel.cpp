#include "ares_channel.hpp"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cerrno>
#include <charconv>
#include <mutex>

namespace smtpsend::dns {
namespace {

constexpr std::uint16_t kDnsPort = 53;

bool is_address(int family, const std::string& text) {
  unsigned char binary[16];
  return inet_pton(family, text.c_str(), binary) == 1;
}

bool parse_port(std::string_view text, std::uint16_t& port) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535) {
    return false;
  }
  port = static_cast<std::uint16_t>(value);
  return true;
}

// "192.0.2.1:53" / "[2001:db8::1]:53", as --dns-server spells servers.
std::string endpoint_text(const sockaddr* address, ares_socklen_t length) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address->sa_family == AF_INET && length >= sizeof(sockaddr_in)) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
    return std::string(text) + ":" + std::to_string(ntohs(v4->sin_port));
  }
  if (address->sa_family == AF_INET6 && length >= sizeof(sockaddr_in6)) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
    return "[" + std::string(text) + "]:" + std::to_string(ntohs(v6->sin6_port));
  }
  return {};
}

int library_init_status() {
  static std::once_flag once;
  static int status = ARES_SUCCESS;
  std::call_once(once, [] { status = ares_library_init(ARES_LIB_INIT_ALL); });
  return status;
}

}  // namespace

std::string server_csv_entry(std::string_view value) {
  std::string host;
  std::uint16_t port = kDnsPort;
  if (!value.empty() && value.front() == '[') {
    const auto close = value.find(']');
    if (close == std::string_view::npos) return {};
    host = std::string(value.substr(1, close - 1));
    const std::string_view rest = value.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || !parse_port(rest.substr(1), port))) return {};
  } else if (const auto colon = value.find(':');
             colon != std::string_view::npos &&
             value.find(':', colon + 1) == std::string_view::npos) {
    host = std::string(value.substr(0, colon));
    if (!parse_port(value.substr(colon + 1), port)) return {};
  } else {
    host = std::string(value);  // IPv4 without a port, or a bare IPv6 address
  }
  const std::string port_text = ":" + std::to_string(port);
  if (is_address(AF_INET, host)) return host + port_text;
  if (is_address(AF_INET6, host)) return "[" + host + "]" + port_text;
  return {};
}

struct AresChannel::SocketWatch {
  SocketWatch(const boost::asio::any_io_executor& executor, ares_socket_t socket)
      : descriptor(executor), fd(socket) {}
  boost::asio::posix::stream_descriptor descriptor;
  ares_socket_t fd;
  bool want_read = false;
  bool want_write = false;
  bool read_pending = false;
  bool write_pending = false;
  bool released = false;  // c-ares is done with the fd (and may reuse its number)
};

std::shared_ptr<AresChannel> AresChannel::open(const boost::asio::any_io_executor& executor,
                                               const ChannelSettings& settings,
                                               std::string& detail) {
  if (const int status = library_init_status(); status != ARES_SUCCESS) {
    detail = std::string("cannot initialise c-ares: ") + ares_strerror(status);
    return nullptr;
  }
  std::string csv;
  for (const std::string& server : settings.servers) {
    const std::string entry = server_csv_entry(server);
    if (entry.empty()) {
      detail = "bad --dns-server value '" + server + "'";
      return nullptr;
    }
    csv += (csv.empty() ? "" : ",") + entry;
  }

  auto channel = std::make_shared<AresChannel>(executor);
  ares_options options{};
  options.sock_state_cb = &AresChannel::on_socket_state;
  options.sock_state_cb_data = channel.get();
  options.timeout = static_cast<int>(std::max<std::chrono::milliseconds::rep>(
      1, std::min<std::chrono::milliseconds::rep>(settings.try_timeout.count(), 3'600'000)));
  options.tries = std::max(1, settings.tries);
  const int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
  if (const int status = ares_init_options(&channel->channel_, &options, mask);
      status != ARES_SUCCESS) {
    channel->channel_ = nullptr;
    detail = std::string("cannot initialise the DNS resolver: ") + ares_strerror(status);
    return nullptr;
  }
  static const ares_socket_functions kSocketFunctions{
      &AresChannel::open_socket, &AresChannel::close_socket, &AresChannel::connect_socket,
      &AresChannel::receive, &AresChannel::send};
  ares_set_socket_functions(channel->channel_, &kSocketFunctions, channel.get());
  if (!csv.empty()) {
    if (const int status = ares_set_servers_ports_csv(channel->channel_, csv.c_str());
        status != ARES_SUCCESS) {
      detail = "cannot use --dns-server " + csv + ": " + ares_strerror(status);
      return nullptr;
    }
  }
  return channel;
}

AresChannel::AresChannel(const boost::asio::any_io_executor& executor)
    : executor_(executor), timer_(executor) {}

AresChannel::~AresChannel() {
  shutdown();
}

void AresChannel::query(const std::string& name, int type, ares_callback callback, void* arg) {
  evidence_ = {};
  if (channel_ == nullptr) {
    callback(arg, ARES_EDESTRUCTION, 0, nullptr, 0);
    return;
  }
  ares_query(channel_, name.c_str(), ns_c_in, type, callback, arg);
  rearm_timer();
}

void AresChannel::cancel_all() {
  if (channel_ == nullptr) return;
  evidence_ = {};
  ares_cancel(channel_);
  rearm_timer();
}

std::size_t AresChannel::descriptors_at_most() const {
  if (channel_ == nullptr) return 0;
  ares_addr_port_node* servers = nullptr;
  std::size_t count = 0;
  if (ares_get_servers_ports(channel_, &servers) == ARES_SUCCESS) {
    for (const ares_addr_port_node* node = servers; node != nullptr; node = node->next) ++count;
  }
  ares_free_data(servers);
  return 2 * std::max<std::size_t>(count, 1);
}

void AresChannel::shutdown() {
  if (channel_ == nullptr) return;
  evidence_ = {};
  // The socket-state callback runs during ares_destroy and releases the descriptors.
  ares_destroy(channel_);
  channel_ = nullptr;
  timer_.cancel();
  for (auto& [fd, watch] : watches_) {
    watch->released = true;
    watch->descriptor.release();
  }
  watches_.clear();
}

void AresChannel::on_socket_state(void* data, ares_socket_t fd, int readable, int writable) {
  static_cast<AresChannel*>(data)->update_watch(fd, readable != 0, writable != 0);
}

void AresChannel::update_watch(ares_socket_t fd, bool readable, bool writable) {
  const auto found = watches_.find(fd);
  if (!readable && !writable) {
    // c-ares closes the fd right after this returns: stop watching without closing it.
    if (found == watches_.end()) return;
    found->second->released = true;
    found->second->descriptor.release();
    watches_.erase(found);
    return;
  }
  std::shared_ptr<SocketWatch> watch;
  if (found != watches_.end()) {
    watch = found->second;
  } else {
    watch = std::make_shared<SocketWatch>(executor_, fd);
    boost::system::error_code ec;
    watch->descriptor.assign(fd, ec);
    // Unwatchable: the timer still drives c-ares, which then fails the query by timeout.
    if (ec) return;
    watches_.emplace(fd, watch);
  }
  watch->want_read = readable;
  watch->want_write = writable;
  if (readable) wait_for(watch, true);
  if (writable) wait_for(watch, false);
}

void AresChannel::wait_for(const std::shared_ptr<SocketWatch>& watch, bool read) {
  bool& pending = read ? watch->read_pending : watch->write_pending;
  if (pending) return;
  pending = true;
  const auto direction = read ? boost::asio::posix::stream_descriptor::wait_read
                              : boost::asio::posix::stream_descriptor::wait_write;
  watch->descriptor.async_wait(
      direction, [weak = weak_from_this(), watch, read](const boost::system::error_code& ec) {
        (read ? watch->read_pending : watch->write_pending) = false;
        const auto self = weak.lock();
        const auto wanted = [&] { return read ? watch->want_read : watch->want_write; };
        if (!self || ec || watch->released || !wanted()) return;
        self->process(read ? watch->fd : ARES_SOCKET_BAD, read ? ARES_SOCKET_BAD : watch->fd);
        if (!watch->released && wanted()) self->wait_for(watch, read);
      });
}

void AresChannel::process(ares_socket_t read_fd, ares_socket_t write_fd) {
  if (channel_ == nullptr) return;
  evidence_ = {};
  ares_process_fd(channel_, read_fd, write_fd);
  rearm_timer();
}

void AresChannel::rearm_timer() {
  if (channel_ == nullptr) return;
  timeval until_next{};
  const timeval* next = ares_timeout(channel_, nullptr, &until_next);
  if (next == nullptr) {
    timer_.cancel();
    return;
  }
  timer_.expires_after(std::chrono::seconds(next->tv_sec) +
                       std::chrono::microseconds(next->tv_usec));
  timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    const auto self = weak.lock();
    if (ec || !self) return;
    self->process(ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  });
}

// ---- c-ares' sockets (ares_socket_functions) ----
// With socket functions set, c-ares 1.18 leaves the options it would set on its own sockets
// (non-blocking, close-on-exec, TCP_NODELAY) to them; they are set here as c-ares would.

ares_socket_t AresChannel::open_socket(int domain, int type, int protocol, void* self) {
  auto& channel = *static_cast<AresChannel*>(self);
  const int fd = ::socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd < 0) {
    channel.evidence_.socket_errno = errno;
    return ARES_SOCKET_BAD;
  }
  if (type == SOCK_STREAM) {
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  }
  channel.sockets_[fd] = SocketInfo{type == SOCK_DGRAM, {}};
  return fd;
}

int AresChannel::close_socket(ares_socket_t fd, void* self) {
  static_cast<AresChannel*>(self)->sockets_.erase(fd);
  return ::close(fd);
}

int AresChannel::connect_socket(ares_socket_t fd, const sockaddr* address, ares_socklen_t length,
                                void* self) {
  auto& channel = *static_cast<AresChannel*>(self);
  if (auto found = channel.sockets_.find(fd); found != channel.sockets_.end()) {
    found->second.peer = endpoint_text(address, length);
  }
  const int result = ::connect(fd, address, length);
  if (result < 0 && errno == ECONNREFUSED) channel.note_refused(fd);
  return result;
}

ares_ssize_t AresChannel::receive(ares_socket_t fd, void* buffer, size_t length, int flags,
                                  sockaddr* from, ares_socklen_t* from_length, void* self) {
  auto& channel = *static_cast<AresChannel*>(self);
  const ares_ssize_t got = ::recvfrom(fd, buffer, length, flags, from, from_length);
  const int saved = errno;
  if (got < 0 && saved == ECONNREFUSED) channel.note_refused(fd);
  if (got > 0) channel.note_response(fd, buffer, got);
  errno = saved;  // c-ares reads it to tell EAGAIN from a broken socket
  return got;
}

// MSG_NOSIGNAL: a TCP server that closed must be an error for c-ares, not a SIGPIPE.
ares_ssize_t AresChannel::send(ares_socket_t fd, const iovec* data, int count, void* self) {
  msghdr message{};
  message.msg_iov = const_cast<iovec*>(data);
  message.msg_iovlen = static_cast<std::size_t>(count);
  const ares_ssize_t sent = ::sendmsg(fd, &message, MSG_NOSIGNAL);
  const int saved = errno;
  if (sent < 0 && saved == ECONNREFUSED) static_cast<AresChannel*>(self)->note_refused(fd);
  errno = saved;
  return sent;
}

// UDP: the ICMP port unreachable of an earlier datagram; TCP: a reset connect.
void AresChannel::note_refused(ares_socket_t fd) {
  const auto found = sockets_.find(fd);
  evidence_.refused_by = found != sockets_.end() && !found->second.peer.empty()
                             ? found->second.peer
                             : std::string("(unknown)");
}

// RFC 1035 §4.1.1: QR is the top bit of the third octet, RCODE the low nibble of the fourth.
// Only datagrams are whole messages; TCP arrives in pieces and is used only after truncation.
void AresChannel::note_response(ares_socket_t fd, const void* buffer, ares_ssize_t length) {
  const auto found = sockets_.find(fd);
  if (found == sockets_.end() || !found->second.datagram || length < 4) return;
  const auto* bytes = static_cast<const unsigned char*>(buffer);
  if ((bytes[2] & 0x80) == 0) return;
  evidence_.rcodes_seen |= 1u << (bytes[3] & 0x0F);
}

}  // namespace smtpsend::dns
