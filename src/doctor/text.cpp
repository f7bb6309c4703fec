#include "text.hpp"

#include <algorithm>
#include <cctype>

namespace smtpsend::doctor::text {

std::string normalised_name(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

std::string joined(std::span<const std::string> items, std::string_view last) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? std::string(last) : std::string(", ");
    out += items[i];
  }
  return out;
}

std::string separated(std::span<const std::string> items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : "; ") + item;
  return out;
}

std::string server(std::string_view host, std::string_view ip) {
  std::string out(host);
  if (!ip.empty()) out.append("[").append(ip).append("]");
  return out;
}

}  // namespace smtpsend::doctor::text
