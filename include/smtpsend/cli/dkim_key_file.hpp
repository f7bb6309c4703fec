// cli/dkim_key_file: `--dkim SELECTOR:KEYFILE` and the `dkim` key as values (SPEC.md "DKIM
// signing"). The key file itself is read in app, once, before anything is sent
// (message/dkim/key.hpp), so a bad key is 78 before the first connection.
#pragma once

#include <string>

namespace smtpsend::cli {

struct DkimKeyFile {
  std::string selector;  // s= (RFC 6376 §3.1)
  std::string path;      // the PEM private key
  friend bool operator==(const DkimKeyFile&, const DkimKeyFile&) = default;
};

}  // namespace smtpsend::cli
