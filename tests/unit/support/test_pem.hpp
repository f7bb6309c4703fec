// support/test_pem: PEM files for the tests of --ca-file, --tls-cert and --tls-key, made once with
// openssl (EC P-256, valid until 2126), and a way to put them in a temporary file.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace smtpsend::testing {

// A self-signed certificate for CN=client.example (a CA: usable as a trust anchor too).
inline constexpr std::string_view kCertificatePem =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBijCCAS+gAwIBAgIUEKrKU/nHPSPq5vxkc9JDMazD6ZgwCgYIKoZIzj0EAwIw\n"
    "GTEXMBUGA1UEAwwOY2xpZW50LmV4YW1wbGUwIBcNMjYxMjA0MTYwNjM2WhgPMjEy\n"
    "NjExMTAxNjA2MzZaMBkxFzAVBgNVBAMMDmNsaWVudC5leGFtcGxlMFkwEwYHKoZI\n"
    "zj0CAQYIKoZIzj0DAQcDQgAEl1o94bPzRsiA2oR+gDXE9Nix9B5Us6g05vXdiuQx\n"
    "SQXa+4xXUAFVHGMZPcKPqGnTTt+pse6c/G6kIo6s8b6gcqNTMFEwHQYDVR0OBBYE\n"
    "FJc9YBaFcEbUNv5lq0ur4+WLXi4HMB8GA1UdIwQYMBaAFJc9YBaFcEbUNv5lq0ur\n"
    "4+WLXi4HMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIhAM7R7zDx\n"
    "oehkInTtKnDqVjRELB1UhQE3NPmVMgQtb2kuAiEA104HzI9P0Zr4FboENvokrALw\n"
    "7wwdsCVj+GmMs/cpOQo=\n"
    "-----END CERTIFICATE-----\n";

// The certificate's key (PKCS#8, unencrypted).
inline constexpr std::string_view kKeyPem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgpAy5//1SzLDSjOuB\n"
    "MpFxMEBt920DdftgN2vtQCxKADehRANCAASXWj3hs/NGyIDahH6ANcT02LH0HlSz\n"
    "qDTm9d2K5DFJBdr7jFdQAVUcYxk9wo+oadNO36mx7pz8bqQijqzxvqBy\n"
    "-----END PRIVATE KEY-----\n";

// Another key: does not belong to the certificate.
inline constexpr std::string_view kOtherKeyPem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgOASEypzgWRGXJjOy\n"
    "0Xhc01VUjgPZoVgOY+bbR3mNyYOhRANCAATQweUWunhfNIjf0+jT3Ni/7YwACMVz\n"
    "djZLNf4588r8alDywr/kU/cnwHS0tnYqSbxPUUV3d+ADS/MrWRFLSOtO\n"
    "-----END PRIVATE KEY-----\n";

// kKeyPem encrypted with the passphrase "secret".
inline constexpr std::string_view kEncryptedKeyPem =
    "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
    "MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAipGuKuu4isiwICCAAw\n"
    "DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEO+YguBe7bfQXMCeuxkpeBIEgZAo\n"
    "1SHpvanqDHEcM7u+KtMNcIPUWcDcunBLxU76DR6s2cHrwY36l4jq2kEJtL4uJYFY\n"
    "Ezcp9qbywcqhVtmzir5TRJMVfQVzL/JbHTYEsVjHsGvxTNEjUdefPjo+MXiDxoFG\n"
    "ysU+ybHeQxSr1veHT58t4WQgdn+QfVXukDMvPqZAUhUcnwNFnTkFy+wbS5Gwqv8=\n"
    "-----END ENCRYPTED PRIVATE KEY-----\n";

// Valid PEM armour around base64 that is no certificate: passes a look at the labels only.
inline constexpr std::string_view kCorruptCertificatePem =
    "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";

// The files write_temp_file made, removed when the test program exits.
struct TempFiles {
  std::vector<std::filesystem::path> paths;
  ~TempFiles() {
    std::error_code ignored;
    for (const auto& path : paths) std::filesystem::remove(path, ignored);
  }
};

inline TempFiles& temp_files() {
  static TempFiles files;
  return files;
}

// Writes `text` to a file of this name in the temporary directory (per process); returns its
// path.
inline std::string write_temp_file(std::string_view name, std::string_view text) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("smtpsend-test-" + std::to_string(::getpid()) + "-" + std::string(name));
  std::ofstream(path, std::ios::binary) << text;
  temp_files().paths.push_back(path);
  return path.string();
}

}  // namespace smtpsend::testing
