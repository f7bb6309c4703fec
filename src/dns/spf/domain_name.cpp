// dns/spf: domain-name checks (RFC 7208 §4.3, §7.3).
#include "domain_name.hpp"

#include "ascii.hpp"

namespace smtpsend::dns::spf {
namespace {

constexpr std::size_t max_name_length = 253;
constexpr std::size_t max_label_length = 63;

bool labels_are_queryable(std::string_view name) {
  if (name.empty() || name.size() > max_name_length) return false;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = name.find('.', start);
    std::size_t length = (dot == std::string_view::npos ? name.size() : dot) - start;
    if (length == 0 || length > max_label_length) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

std::string_view without_trailing_dot(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return name;
}

}  // namespace

bool is_toplabel(std::string_view label) {
  if (label.empty()) return false;
  bool has_alpha = false, has_hyphen = false;
  for (char c : label) {
    if (c == '-') {
      has_hyphen = true;
    } else if (ascii::is_alnum(c)) {
      has_alpha = has_alpha || ascii::is_alpha(c);
    } else {
      return false;
    }
  }
  if (!has_hyphen) return has_alpha;
  return ascii::is_alnum(label.front()) && ascii::is_alnum(label.back());
}

bool is_at_or_below(std::string_view name, std::string_view domain) {
  if (name.size() == domain.size()) return name == domain;
  return name.size() > domain.size() && name.ends_with(domain) &&
         name[name.size() - domain.size() - 1] == '.';
}

std::string canonical_name(std::string_view name) {
  std::string out(without_trailing_dot(name));
  for (char& c : out) c = ascii::to_lower(c);
  return out;
}

bool is_checkable_domain(std::string_view domain) {
  domain = without_trailing_dot(domain);
  if (!labels_are_queryable(domain)) return false;
  for (char c : domain) {
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e) return false;
  }
  std::size_t dot = domain.rfind('.');
  return dot != std::string_view::npos && is_toplabel(domain.substr(dot + 1));
}

std::string target_name(std::string_view expanded) {
  std::string_view name = without_trailing_dot(expanded);
  while (name.size() > max_name_length) {
    std::size_t dot = name.find('.');
    if (dot == std::string_view::npos) return {};
    name.remove_prefix(dot + 1);
  }
  if (!labels_are_queryable(name)) return {};
  return std::string(name);
}

}  // namespace smtpsend::dns::spf
