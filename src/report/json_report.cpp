#include "smtpsend/report/json_report.hpp"

#include <boost/json.hpp>

#include "smtpsend/report/sanitize.hpp"

namespace smtpsend::report {
namespace {

namespace json = boost::json;

json::value text_or_null(const std::string& text) {
  if (text.empty()) return nullptr;
  return json::value(sanitize_server_text(text));
}

json::value reply_object(const std::optional<ServerReply>& reply) {
  if (!reply) return nullptr;
  return json::object{{"code", reply->code},
                      {"enhanced", text_or_null(reply->enhanced)},
                      {"text", sanitize_server_text(reply->text)}};
}

json::object recipient_object(const RecipientResult& result) {
  const Diagnostics& diag = result.diag;
  return json::object{{"address", sanitize_server_text(result.address)},
                      {"status", to_string(result.status)},
                      {"reply", reply_object(diag.reply)},
                      {"host", text_or_null(diag.host)},
                      {"ip", text_or_null(diag.ip)},
                      {"detail", text_or_null(diag.detail)},
                      {"may_duplicate", result.may_duplicate}};
}

}  // namespace

std::string delivery_json(std::span<const MessageSummary> messages,
                          std::span<const RecipientResult> results, ExitCode exit_code) {
  std::vector<json::array> recipients(messages.size());
  for (const auto& result : results) {
    if (result.message_index < recipients.size()) {
      recipients[result.message_index].push_back(recipient_object(result));
    }
  }
  json::array message_array;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    message_array.push_back(json::object{{"message_id", text_or_null(messages[i].message_id)},
                                         {"size", messages[i].size},
                                         {"queue_id", text_or_null(messages[i].queue_id)},
                                         {"recipients", std::move(recipients[i])}});
  }
  const json::object document{{"messages", std::move(message_array)},
                              {"exit_code", static_cast<int>(exit_code)}};
  return json::serialize(document) + "\n";
}

}  // namespace smtpsend::report
