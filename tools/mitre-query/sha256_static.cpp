// SHA-256 for the static mitre-query: libcrypto.a's SHA256_* functions, linked in (store/sha256.hpp).
// SHA256_Init & co. are deprecated in OpenSSL 3 in favour of EVP, but EVP
// linked statically pulls in the provider machinery: 5 MB of code and 350 KB
// of relocations applied at every start-up. These four functions pull in the
// SHA-256 code alone.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include "mitrekg/error.hpp"
#include "store/sha256.hpp"

namespace mitrekg::store {

namespace {

class static_sha256 final : public sha256_state {
public:
  static_sha256() {
    if (SHA256_Init(&ctx_) != 1) throw error(errc::io_error, "libcrypto", "", "cannot start a SHA-256 computation");
  }
  void update(const void* data, std::size_t size) override { SHA256_Update(&ctx_, data, size); }
  void finish(unsigned char digest[32]) override { SHA256_Final(digest, &ctx_); }

private:
  SHA256_CTX ctx_;
};

}  // namespace

std::unique_ptr<sha256_state> sha256_state::make() { return std::make_unique<static_sha256>(); }

}  // namespace mitrekg::store
