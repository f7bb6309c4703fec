// RFC 5322 §3.4 address-list, recursive descent over the strict tokens (address_tokens.hpp,
// CFWS already dropped).
#include "smtpsend/message/address_list.hpp"

#include <optional>

#include "address_tokens.hpp"

namespace smtpsend::message {
namespace {

using detail::Leniency;
using detail::TokenKind;
using Token = detail::AddressToken;

// §3.2.4: the content of a quoted string with its quoted-pairs resolved.
std::string unquoted(std::string_view quoted) {
  std::string out;
  for (std::size_t i = 1; i + 1 < quoted.size(); ++i) {
    if (quoted[i] == '\\' && i + 2 < quoted.size()) ++i;
    out += quoted[i];
  }
  return out;
}

class ListParser {
 public:
  ListParser(const std::vector<Token>& tokens, std::vector<Mailbox>& out,
             std::vector<AddressListItem>* items = nullptr)
      : t_(tokens), out_(out), items_(items) {}

  // Also records where each bare local part ends, as an offset into `body` (the tokens' text).
  void record_bare_ends(std::string_view body, std::vector<std::size_t>& ends) {
    body_ = body;
    bare_ends_ = &ends;
  }

  // address-list, with obs-addr-list's empty elements (§4.4).
  bool run(std::string& why) {
    while (i_ < t_.size()) {
      if (at(',')) {
        ++i_;
        continue;
      }
      if (!address(why)) return false;
      if (i_ < t_.size() && !at(',')) return unexpected("',' between addresses", why);
    }
    return true;
  }

 private:
  bool at(char c) const { return i_ < t_.size() && t_[i_].is(c); }

  // The phrase of a display name (obs-phrase allows "." between words, §4.1).
  std::string phrase() {
    std::string name;
    while (i_ < t_.size() && (t_[i_].is_word() || t_[i_].is('.'))) {
      const Token& t = t_[i_++];
      if (!name.empty() && !t.is('.')) name += ' ';
      name += t.kind == TokenKind::quoted ? unquoted(t.text) : std::string(t.text);
    }
    return name;
  }

  bool address(std::string& why) {
    const std::size_t start = i_;
    const std::size_t first_mailbox = out_.size();
    std::string name = phrase();
    std::optional<std::string> group_name;
    if (at(':')) {
      ++i_;
      group_name = name;
      if (!group(std::move(name), why)) return false;
    } else {
      i_ = start;
      if (!mailbox("", why)) return false;
    }
    if (items_ != nullptr) {
      items_->push_back({std::move(group_name), {out_.begin() + first_mailbox, out_.end()}});
    }
    return true;
  }

  // group = display-name ":" [group-list] ";"; obs-group-list allows empty elements.
  bool group(std::string name, std::string& why) {
    if (name.empty()) return unexpected("a group name before ':'", why);
    for (;;) {
      if (i_ >= t_.size()) {
        why = "group '" + name + "' is not closed with ';'";
        return false;
      }
      if (at(';')) {
        ++i_;
        return true;
      }
      if (at(',')) {
        ++i_;
        continue;
      }
      if (!mailbox(name, why)) return false;
      if (i_ < t_.size() && !at(',') && !at(';')) {
        return unexpected("',' or ';' in group '" + name + "'", why);
      }
    }
  }

  // mailbox = name-addr / addr-spec, or a bare local part.
  bool mailbox(const std::string& group_name, std::string& why) {
    const std::size_t start = i_;
    std::string name = phrase();
    Mailbox box{std::move(name), "", group_name};
    if (at('<')) {
      ++i_;
      if (!angle_addr(box.address, why)) return false;
    } else {
      i_ = start;
      box.display_name.clear();
      if (!addr_spec(box.address, why)) return false;
    }
    out_.push_back(std::move(box));
    return true;
  }

  // angle-addr = "<" [obs-route] addr-spec ">"; the route (§4.4) is dropped.
  bool angle_addr(std::string& address, std::string& why) {
    if (at('>')) {
      why = "empty address '<>'";
      return false;
    }
    if (at('@')) {
      while (i_ < t_.size() && !at(':') && !at('>')) ++i_;
      if (!at(':')) return unexpected("':' after the route of an address", why);
      ++i_;
    }
    if (!addr_spec(address, why)) return false;
    if (!at('>')) {
      why = "'<" + address + "' is not closed with '>'";
      return false;
    }
    ++i_;
    return true;
  }

  // addr-spec = local-part ["@" domain]; local-part = word *("." word) (obs-local-part).
  bool addr_spec(std::string& address, std::string& why) {
    if (i_ >= t_.size() || !t_[i_].is_word()) return unexpected("an address", why);
    address = t_[i_++].text;
    while (at('.')) {
      ++i_;
      if (i_ >= t_.size() || !t_[i_].is_word()) return unexpected("a word after '.'", why);
      address += '.';
      address += t_[i_++].text;
    }
    if (i_ < t_.size() && t_[i_].is_word()) {
      why = "'" + address + " " + std::string(t_[i_].text) + "' is not an address";
      return false;
    }
    if (!at('@')) {  // a bare local part: the caller qualifies it
      if (bare_ends_ != nullptr) {
        const std::string_view last = t_[i_ - 1].text;
        bare_ends_->push_back(static_cast<std::size_t>(last.data() + last.size() - body_.data()));
      }
      return true;
    }
    ++i_;
    address += '@';
    return domain(address, why);
  }

  // domain = dot-atom / domain-literal / obs-domain (atoms joined by ".").
  bool domain(std::string& address, std::string& why) {
    if (i_ < t_.size() && t_[i_].kind == TokenKind::literal) {
      address += t_[i_++].text;
      return true;
    }
    for (;;) {
      if (i_ >= t_.size() || t_[i_].kind != TokenKind::atom) {
        return unexpected("a domain after '" + address + "'", why);
      }
      address += t_[i_++].text;
      if (!at('.')) return true;
      address += '.';
      ++i_;
    }
  }

  bool unexpected(const std::string& wanted, std::string& why) const {
    why = "expected " + wanted + ", found " +
          (i_ < t_.size() ? "'" + std::string(t_[i_].text) + "'" : std::string("the end"));
    return false;
  }

  const std::vector<Token>& t_;
  std::vector<Mailbox>& out_;
  std::vector<AddressListItem>* items_;  // also the elements, when asked for
  std::string_view body_;
  std::vector<std::size_t>* bare_ends_ = nullptr;  // also the bare local parts' ends
  std::size_t i_ = 0;
};

}  // namespace

bool parse_address_list(std::string_view field_body, std::vector<Mailbox>& out, std::string& why) {
  std::vector<Token> tokens;
  if (!detail::address_tokens(field_body, Leniency::strict, tokens, why)) return false;
  std::vector<Mailbox> found;
  if (!ListParser(tokens, found).run(why)) return false;
  out.insert(out.end(), found.begin(), found.end());
  return true;
}

bool parse_address_items(std::string_view field_body, std::vector<AddressListItem>& out,
                         std::string& why) {
  std::vector<Token> tokens;
  if (!detail::address_tokens(field_body, Leniency::strict, tokens, why)) return false;
  std::vector<Mailbox> mailboxes;
  std::vector<AddressListItem> found;
  if (!ListParser(tokens, mailboxes, &found).run(why)) return false;
  out.insert(out.end(), found.begin(), found.end());
  return true;
}

bool bare_local_part_ends(std::string_view field_body, std::vector<std::size_t>& ends,
                          std::string& why) {
  std::vector<Token> tokens;
  if (!detail::address_tokens(field_body, Leniency::strict, tokens, why)) return false;
  std::vector<Mailbox> mailboxes;
  std::vector<std::size_t> found;
  ListParser parser(tokens, mailboxes);
  parser.record_bare_ends(field_body, found);
  if (!parser.run(why)) return false;
  ends.insert(ends.end(), found.begin(), found.end());
  return true;
}

}  // namespace smtpsend::message
