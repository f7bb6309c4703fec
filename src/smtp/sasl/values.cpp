// The value types of smtp/sasl: credentials, steps and lines, which wipe what they hold.
#include "smtpsend/smtp/sasl.hpp"

namespace smtpsend::smtp {

void wipe(std::string& secret) noexcept {
  // Growing to capacity() never reallocates, so the loop reaches every byte the buffer ever
  // held, including what a shorter value left behind; volatile keeps the stores.
  secret.resize(secret.capacity());
  volatile char* bytes = secret.data();
  for (std::size_t i = 0; i < secret.size(); ++i) bytes[i] = 0;
  secret.clear();
}

SaslCredentials::SaslCredentials(std::string user_name, std::string password_or_token,
                                 std::string authorization_id)
    : user(std::move(user_name)),
      secret(std::move(password_or_token)),
      authzid(std::move(authorization_id)) {}

SaslCredentials::~SaslCredentials() {
  wipe(secret);
}

std::ostream& operator<<(std::ostream& os, const SaslCredentials& credentials) {
  return os << "user=" << credentials.user << " secret=" << kRedacted;
}

SaslStep::~SaslStep() {
  if (response) wipe(*response);
}

SaslStep SaslStep::fail(std::error_code ec) {
  SaslStep step;
  step.error = ec;
  return step;
}

SaslStep SaslStep::send(std::string bytes, bool secret) {
  SaslStep step;
  step.response = std::move(bytes);
  step.secret = secret;
  return step;
}

std::ostream& operator<<(std::ostream& os, const SaslStep& step) {
  if (step.error) return os << "SaslStep{error: " << step.error.message() << "}";
  if (!step.response) return os << "SaslStep{no response}";
  if (step.secret) return os << "SaslStep{" << kRedacted << "}";
  return os << "SaslStep{" << step.response->size() << " bytes}";
}

SaslLine::SaslLine(std::string wire_text, std::string transcript_text)
    : wire(std::move(wire_text)), transcript_form(std::move(transcript_text)) {}

SaslLine::~SaslLine() {
  wipe(wire);
}

std::ostream& operator<<(std::ostream& os, const SaslLine& line) {
  return os << line.transcript_form;
}

std::ostream& operator<<(std::ostream& os, const AuthCommand& command) {
  os << command.command;
  if (command.pending_initial_response) {
    os << " (then " << *command.pending_initial_response << ")";
  }
  return os;
}

}  // namespace smtpsend::smtp
