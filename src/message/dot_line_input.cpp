#include "smtpsend/message/dot_line_input.hpp"

#include <string.h>  // memmem (GNU)

namespace smtpsend::message {

std::size_t DotLineFilter::feed(std::string_view in, std::string& out) {
  std::size_t at = 0;
  while (at < in.size() && state_ != State::ended) {
    switch (state_) {
      case State::line_start:
        if (in[at] == '.') {
          state_ = State::dot;
          ++at;
        } else {
          state_ = State::in_line;
        }
        break;
      case State::dot:
      case State::dot_cr:
        if (in[at] == '\n') {
          state_ = State::ended;
          return at + 1;
        }
        if (state_ == State::dot && in[at] == '\r') {
          state_ = State::dot_cr;
          ++at;
          break;
        }
        // Not the dot line after all: what was held back is text.
        out.append(state_ == State::dot ? "." : ".\r");
        state_ = State::in_line;
        break;
      case State::in_line: {
        // Only a line starting with "." can be the dot line: everything up to the next one is
        // copied in one piece (a large message is mostly this, and `yes |` is all short lines).
        const void* found = ::memmem(in.data() + at, in.size() - at, "\n.", 2);
        if (found == nullptr) {
          out.append(in.substr(at));
          if (in.back() == '\n') state_ = State::line_start;
          return in.size();
        }
        const std::size_t dot =
            static_cast<std::size_t>(static_cast<const char*>(found) - in.data()) + 1;
        out.append(in.substr(at, dot - at));
        state_ = State::dot;
        at = dot + 1;
        break;
      }
      case State::ended:
        break;
    }
  }
  return at;
}

void DotLineFilter::finish() noexcept {
  state_ = State::ended;
}

}  // namespace smtpsend::message
