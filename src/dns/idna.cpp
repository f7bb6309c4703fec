// IDNA2008 conversion for mx_plan.hpp's to_ascii_domain (RFC 5890/5891, libidn2).
#include <idn2.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "smtpsend/dns/mx_plan.hpp"

namespace smtpsend::dns {
namespace {

void lower_ascii(std::string& text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
}

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool idn2_convert(const std::string& utf8, int flags, std::string& ascii) {
  char* converted = nullptr;
  if (idn2_to_ascii_8z(utf8.c_str(), &converted, flags) != IDN2_OK) return false;
  const std::unique_ptr<char, decltype(&idn2_free)> owned(converted, &idn2_free);
  ascii = converted;
  return true;
}

}  // namespace

bool to_ascii_domain(std::string_view domain, std::string& ascii) {
  if (domain.empty() || domain.find('\0') != std::string_view::npos) return false;
  if (is_ascii(domain)) {
    ascii = std::string(domain);
    lower_ascii(ascii);
    return true;
  }
  // UTS #46 non-transitional mapping is what IDNA2008 registries expect ("ß" stays "ß");
  // transitional processing rescues names only the older IDNA2003 mapping accepts.
  const std::string utf8(domain);
  if (!idn2_convert(utf8, IDN2_NONTRANSITIONAL, ascii) &&
      !idn2_convert(utf8, IDN2_TRANSITIONAL, ascii)) {
    return false;
  }
  lower_ascii(ascii);
  return true;
}

}  // namespace smtpsend::dns
