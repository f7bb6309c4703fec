// Input for the message readers: a temporary file, and stdin replaced by a pipe that a thread
// fills (for input larger than a pipe's buffer, or endless).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>
#include <thread>

namespace smtpsend::test {

class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    path_ = ::testing::TempDir() + "smtpsend_input_" + std::to_string(::getpid()) + "_" +
            std::to_string(counter_++) + ".eml";
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::string path_;
};

// `content` once, or, with `endless`, `content` again and again until the reader stops reading.
class PipedStdin {
 public:
  explicit PipedStdin(std::string content, bool endless = false) {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    ::signal(SIGPIPE, SIG_IGN);  // the writer sees EPIPE when the reader stops early
    saved_ = ::dup(STDIN_FILENO);
    ::dup2(fds[0], STDIN_FILENO);
    ::close(fds[0]);
    writer_ = std::thread([this, fd = fds[1], content = std::move(content), endless] {
      do {
        std::string_view left(content);
        while (!left.empty()) {
          const ssize_t n = ::write(fd, left.data(), left.size());
          if (n <= 0) {
            ::close(fd);
            return;
          }
          left.remove_prefix(static_cast<std::size_t>(n));
          written_ += static_cast<std::size_t>(n);
        }
      } while (endless);
      ::close(fd);
    });
  }
  // stdin is restored first: a reader that gave up early must not leave the writer blocked
  // (its last read end closes, so the writer gets EPIPE).
  ~PipedStdin() {
    ::dup2(saved_, STDIN_FILENO);
    ::close(saved_);
    writer_.join();
  }
  PipedStdin(const PipedStdin&) = delete;
  PipedStdin& operator=(const PipedStdin&) = delete;

  std::size_t written() const { return written_; }

 private:
  int saved_ = -1;
  std::atomic<std::size_t> written_{0};
  std::thread writer_;
};

}  // namespace smtpsend::test
