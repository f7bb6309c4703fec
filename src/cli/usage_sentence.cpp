#include "usage_sentence.hpp"

#include <algorithm>

namespace smtpsend::cli {

std::string usage_sentence(const CLI::ParseError& error) {
  std::string text = error.what();
  std::replace(text.begin(), text.end(), '\n', ' ');
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

}  // namespace smtpsend::cli
