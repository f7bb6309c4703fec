// A message completed as message::prepare_message() completes it, at a fixed time on a fixed
// host, for tests of the steps that follow loading.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "smtpsend/message/message.hpp"

namespace smtpsend::test {

inline message::CompletionContext completion_context(std::string unique) {
  return {"host.example.org", std::chrono::system_clock::from_time_t(1795471980),
          std::move(unique)};
}

inline message::Message loaded_message(std::string_view raw) {
  message::Message m;
  message::LoadError error;
  EXPECT_TRUE(message::prepare_message(raw, "test", completion_context("orig"), m, error))
      << error.detail;
  return m;
}

}  // namespace smtpsend::test
