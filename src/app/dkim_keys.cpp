// --dkim's key files, read once before any message is read or sent (SPEC.md "DKIM signing"): a
// bad key is 78 (EX_CONFIG) up front, not a failure found half way through a mailing.
#include <algorithm>

#include "smtpsend/message/dkim/key.hpp"
#include "steps.hpp"

namespace smtpsend::app {

std::optional<Stop> load_dkim_keys(const cli::Request& request,
                                   std::vector<message::dkim::SigningKey>& keys) {
  keys.clear();
  for (const cli::DkimKeyFile& file : request.dkim) {
    std::string error;
    std::shared_ptr<const message::dkim::PrivateKey> key =
        message::dkim::load_private_key(file.path, error);
    if (!key) return Stop{ExitCode::config, error};
    keys.push_back({file.selector, std::move(key)});
  }
  // RFC 6376 §5.5 leaves the order free; SPEC.md puts the RSA signature topmost, where a
  // verifier that checks only the first signature (and knows no Ed25519) finds one it can.
  std::stable_partition(keys.begin(), keys.end(), [](const message::dkim::SigningKey& k) {
    return k.key->type() == message::dkim::KeyType::rsa;
  });
  return std::nullopt;
}

}  // namespace smtpsend::app
