// message/aliases: expanding envelope recipients through a table (SPEC.md "Aliases").
#include <set>
#include <string>
#include <utility>

#include "smtpsend/message/aliases.hpp"

namespace smtpsend::message {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The mailbox as envelope_recipients.cpp compares it: local part exactly, domain as A-labels.
std::pair<std::string, std::string> mailbox_key(const EnvelopeAddress& address) {
  return {address.local, address.domain_key()};
}

class Expander {
 public:
  Expander(const AliasTable& table, const LocalDomains& local)
      : table_(table), qualify_(local.qualify_domain) {
    for (const std::string& domain : {local.qualify_domain, local.host_name, std::string("localhost")}) {
      if (!domain.empty()) local_domains_.insert(lower(domain));
    }
  }

  bool expand(const EnvelopeAddress& recipient) {
    original_ = &recipient;
    chain_.clear();
    return visit(recipient);
  }

  AliasExpansion result;

 private:
  bool is_local(const EnvelopeAddress& address) const {
    return !address.domain_literal && local_domains_.contains(lower(address.ascii_domain));
  }

  void keep(const EnvelopeAddress& address) {
    if (seen_.insert(mailbox_key(address)).second) result.recipients.push_back(address);
  }

  bool fail(std::size_t line, const std::string& sentence) {
    result.error = table_.path + ":" + std::to_string(line) + ": " + sentence;
    return false;
  }

  std::string chain_text(std::string_view last) const {
    std::string text;
    for (const AliasEntry* entry : chain_) text += entry->name + " -> ";
    return text + std::string(last);
  }

  bool in_chain(const AliasEntry* entry) const {
    for (const AliasEntry* e : chain_) {
      if (e == entry) return true;
    }
    return false;
  }

  const AliasEntry* entry_for(const EnvelopeAddress& address) const {
    if (!is_local(address)) return nullptr;
    if (const AliasEntry* entry = table_.find(address.local)) return entry;
    const AliasEntry* catch_all = table_.catch_all();
    // The catch-all does not catch what it produced: that name has no entry of its own.
    return catch_all != nullptr && !in_chain(catch_all) ? catch_all : nullptr;
  }

  bool visit(const EnvelopeAddress& address) {
    const AliasEntry* entry = entry_for(address);
    if (entry == nullptr) {
      keep(address);
      return true;
    }
    const std::size_t line = chain_.empty() ? entry->line : chain_.back()->line;
    if (in_chain(entry)) {
      return fail(line, "alias loop: " + chain_text(entry->name));
    }
    if (chain_.size() == kMaxAliasDepth) {
      return fail(line, "aliases nested more than " + std::to_string(kMaxAliasDepth) +
                            " levels deep: " + chain_text(entry->name));
    }
    chain_.push_back(entry);
    for (const AliasTarget& target : entry->targets) {
      if (!visit_target(*entry, target)) return false;
    }
    chain_.pop_back();
    return true;
  }

  bool visit_target(const AliasEntry& entry, const AliasTarget& target) {
    const std::string where = table_.path + ":" + std::to_string(target.line);
    if (!is_address_target(target.text)) {
      result.refused.push_back(
          {original_->text, "alias '" + entry.name + "' (" + where + ") names '" + target.text +
                                "', which is not an address: commands, files and :include: "
                                "lists are not delivered"});
      return true;
    }
    // aliases(5): "\name" is delivered as it is, never looked up again.
    const bool literal = target.text.starts_with('\\');
    EnvelopeAddress parsed;
    std::string detail;
    if (!parse_envelope_address(literal ? target.text.substr(1) : target.text,
                                qualify_, parsed, detail)) {
      return fail(target.line, "alias '" + entry.name + "': " + detail);
    }
    if (literal) {
      keep(parsed);
      return true;
    }
    return visit(parsed);
  }

  const AliasTable& table_;
  std::string qualify_;  // a target without a domain is qualified like a recipient without one
  std::set<std::string> local_domains_;
  std::set<std::pair<std::string, std::string>> seen_;
  std::vector<const AliasEntry*> chain_;
  const EnvelopeAddress* original_ = nullptr;
};

}  // namespace

AliasExpansion expand_aliases(const AliasTable& table, std::span<const EnvelopeAddress> recipients,
                              const LocalDomains& local) {
  Expander expander(table, local);
  for (const EnvelopeAddress& recipient : recipients) {
    if (!expander.expand(recipient)) {
      expander.result.recipients.clear();
      expander.result.refused.clear();
      break;
    }
  }
  return std::move(expander.result);
}

}  // namespace smtpsend::message
