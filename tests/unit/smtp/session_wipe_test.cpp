// The AUTH line's secret does not outlive its write (issue 10 item 15): every heap buffer that
// held it is wiped before it is freed or reused. Watched here by this binary's operator delete,
// which, while a test arms it, looks for the secret in every block handed back to the heap.
#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <variant>

#include "smtp/session_test_helpers.hpp"

namespace {

// Armed by a test: the secret to look for, and how many freed blocks still held it.
std::string_view g_watched_secret;
int g_freed_blocks_with_secret = 0;

void check_freed_block(const void* block, std::size_t size) noexcept {
  if (g_watched_secret.empty() || block == nullptr) return;
  const std::string_view bytes(static_cast<const char*>(block), size);
  if (bytes.find(g_watched_secret) != std::string_view::npos) ++g_freed_blocks_with_secret;
}

}  // namespace

// Replaced for the whole binary (the sized form is what std::allocator uses); inert unless a
// test sets g_watched_secret. new and delete both go to malloc/free so they stay a pair.
void* operator new(std::size_t size) {
  if (void* block = std::malloc(size == 0 ? 1 : size)) return block;
  throw std::bad_alloc();
}
void operator delete(void* block) noexcept {
  if (block != nullptr) check_freed_block(block, malloc_usable_size(block));
  std::free(block);
}
void operator delete(void* block, std::size_t size) noexcept {
  check_freed_block(block, size);
  std::free(block);
}

namespace smtpsend::smtp::testing {
namespace {

// Real base64 (RFC 4648 §4), so the watched bytes are the credential as it goes on the wire.
class Base64Crypto final : public SaslCrypto {
 public:
  std::string hmac(HashAlgorithm, std::string_view, std::string_view) const override { return {}; }
  std::string hash(HashAlgorithm, std::string_view) const override { return {}; }
  std::string pbkdf2(HashAlgorithm, std::string_view, std::string_view,
                     std::uint32_t) const override {
    return {};
  }
  std::string random_bytes(std::size_t count) const override { return std::string(count, 'x'); }
  std::string base64_encode(std::string_view bytes) const override {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
      const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
      std::uint32_t group = 0;
      for (std::size_t j = 0; j < 3; ++j) {
        group = (group << 8) | (j < n ? static_cast<unsigned char>(bytes[i + j]) : 0u);
      }
      for (std::size_t j = 0; j < 4; ++j) {
        out += j <= n ? kAlphabet[(group >> (18 - 6 * j)) & 0x3f] : '=';
      }
    }
    return out;
  }
  std::optional<std::string> base64_decode(std::string_view text) const override {
    return std::string(text);
  }
};

// base64("\0tim\0tanstaaftanstaaf"), RFC 4616's example.
constexpr char kPlainCredential[] = "AHRpbQB0YW5zdGFhZnRhbnN0YWFm";

// A transport that does what transport/drive_session.cpp does with a Write marked secret:
// wipes its own copy once the write is done.
void complete_write(Session& session, Write& write) {
  if (write.secret) wipe(write.bytes);
  session.on_written();
}

TEST(SessionWipe, NoFreedBufferHoldsTheAuthPlainCredential) {
  const Base64Crypto crypto;
  SessionConfig config = test_config();
  auto auth = std::make_shared<AuthSettings>();
  auth->credentials = SaslCredentials("tim", "tanstaaftanstaaf");
  auth->preference.requested = SaslMechanism::plain;
  auth->allow_plaintext = true;
  auth->crypto = &crypto;
  config.settings.auth = std::move(auth);
  std::string replies[] = {kGreeting,
                           "250-mx.example.net hello\r\n250 AUTH PLAIN\r\n",
                           "235 2.7.0 Authentication successful\r\n",
                           "250 2.1.0 Ok\r\n",
                           "250 2.1.5 Ok\r\n",
                           "354 go\r\n",
                           "250 2.0.0 queued\r\n",
                           "221 bye\r\n"};
  std::size_t next_reply = 0;
  std::string wire;
  bool auth_written = false;
  {
    auto session = std::make_unique<Session>(config, std::vector{transaction({"bob@example.net"})});
    message::ContentSlices slices;
    g_watched_secret = kPlainCredential;
    g_freed_blocks_with_secret = 0;
    for (int step = 0; step < 100; ++step) {
      Action action = session->next_action();
      if (const auto* request = std::get_if<ReadBody>(&action)) {
        std::string_view slice;
        std::string error;
        ASSERT_TRUE(slices.next(request->content, request->offset, request->max, slice, error));
        session->on_body(slice);
        continue;
      }
      if (auto* write = std::get_if<Write>(&action)) {
        const bool carries_auth = std::string_view(write->bytes).starts_with("AUTH PLAIN");
        wire += carries_auth ? std::string("AUTH PLAIN <seen>\r\n") : write->bytes;
        complete_write(*session, *write);
        auth_written = auth_written || carries_auth;
      } else if (std::holds_alternative<Read>(action)) {
        ASSERT_LT(next_reply, std::size(replies)) << wire;
        session->on_bytes(replies[next_reply++]);
      } else if (std::holds_alternative<Close>(action)) {
        continue;  // then Done
      } else if (std::holds_alternative<Done>(action)) {
        break;
      } else {
        FAIL() << "unexpected action";
      }
    }
    session.reset();
    g_watched_secret = {};
  }
  EXPECT_TRUE(auth_written) << wire;
  EXPECT_NE(wire.find("DATA\r\n"), std::string::npos) << wire;
  EXPECT_EQ(g_freed_blocks_with_secret, 0);
}

}  // namespace
}  // namespace smtpsend::smtp::testing
