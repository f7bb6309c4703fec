// Actions are values: comparable, and printable so that a failing test shows what the machine
// wanted to do (DESIGN.md rule 3).
#include <algorithm>
#include <ostream>
#include <variant>

#include "smtpsend/delivery/destination_fsm.hpp"

namespace smtpsend::delivery {
namespace {

void print_transaction(std::ostream& os, const smtp::Transaction& transaction) {
  os << "#" << transaction.message_index << " <" << transaction.mail_from << "> ->";
  for (const std::string& recipient : transaction.recipients) os << " <" << recipient << ">";
}

void print_result(std::ostream& os, const RecipientResult& result) {
  os << "#" << result.message_index << " " << result.address << ": " << to_string(result.status)
     << " " << to_string(result.cause);
  if (result.diag.reply) os << " " << result.diag.reply->code << " " << result.diag.reply->text;
  if (!result.diag.detail.empty()) os << " \"" << result.diag.detail << "\"";
  if (result.may_duplicate) os << " (may duplicate)";
}

struct Printer {
  std::ostream& os;
  void operator()(const ResolveMx& a) const { os << "ResolveMx{" << a.domain << "}"; }
  void operator()(const ResolveAddrs& a) const { os << "ResolveAddrs{" << a.host << "}"; }
  void operator()(const Connect& a) const {
    os << "Connect{" << a.host << "[" << a.ip << "]:" << a.port << "}";
  }
  void operator()(const RunSession& a) const {
    os << "RunSession{" << a.peer.host << "[" << a.peer.ip << "]"
       << (a.without_tls ? " without TLS" : "");
    for (const smtp::Transaction& transaction : a.transactions) {
      os << "; ";
      print_transaction(os, transaction);
    }
    os << "}";
  }
  void operator()(const Finish& a) const {
    os << "Finish{";
    for (std::size_t i = 0; i < a.results.size(); ++i) {
      if (i > 0) os << "; ";
      print_result(os, a.results[i]);
    }
    os << "}";
  }
};

bool same_transaction(const smtp::Transaction& a, const smtp::Transaction& b) {
  return a.message_index == b.message_index && a.mail_from == b.mail_from &&
         a.recipients == b.recipients && a.content == b.content && a.eight_bit == b.eight_bit &&
         a.seven_bit_content == b.seven_bit_content && a.needs_smtputf8 == b.needs_smtputf8 &&
         a.wire_mail_from == b.wire_mail_from && a.wire_recipients == b.wire_recipients &&
         a.parameters == b.parameters;
}

}  // namespace

bool operator==(const RunSession& a, const RunSession& b) {
  return a.peer.host == b.peer.host && a.peer.ip == b.peer.ip && a.without_tls == b.without_tls &&
         std::equal(a.transactions.begin(), a.transactions.end(), b.transactions.begin(),
                    b.transactions.end(), same_transaction);
}

std::ostream& operator<<(std::ostream& os, const DestinationAction& action) {
  std::visit(Printer{os}, action);
  return os;
}

}  // namespace smtpsend::delivery
