// SHA-256 through OpenSSL's libcrypto loaded with dlopen on first use (every link but the static CLI's).
#include <type_traits>

#include <dlfcn.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>

#include "mitrekg/error.hpp"
#include "store/sha256.hpp"

namespace mitrekg::store {

namespace {

// OpenSSL's libcrypto, loaded on first use with dlopen rather than linked:
// only build-db's provenance (and the prebuilt snapshot's content check) hash
// with SHA-256, so a query neither links nor loads it (dynamic linking of
// libcrypto cost ~3 ms of every start-up). Throws error(io_error) when the
// library cannot be loaded.
struct crypto_api {
  decltype(&EVP_MD_CTX_new) ctx_new = nullptr;
  decltype(&EVP_MD_CTX_free) ctx_free = nullptr;
  decltype(&EVP_sha256) md_sha256 = nullptr;
  decltype(&EVP_DigestInit_ex) init = nullptr;
  decltype(&EVP_DigestUpdate) update = nullptr;
  decltype(&EVP_DigestFinal_ex) final = nullptr;
};
const crypto_api& crypto() {
  static const crypto_api api = [] {
    const std::string name = fmt::format("libcrypto.so.{}", OPENSSL_VERSION_MAJOR);
    void* lib = ::dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);   // kept loaded for the process
    if (!lib) throw error(errc::io_error, name, "", fmt::format("cannot load OpenSSL to compute SHA-256 ({})", ::dlerror()));
    crypto_api a;
    auto get = [&](auto& fn, const char* symbol) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(lib, symbol));
      if (!fn) throw error(errc::io_error, name, "", fmt::format("has no {}", symbol));
    };
    get(a.ctx_new, "EVP_MD_CTX_new");
    get(a.ctx_free, "EVP_MD_CTX_free");
    get(a.md_sha256, "EVP_sha256");
    get(a.init, "EVP_DigestInit_ex");
    get(a.update, "EVP_DigestUpdate");
    get(a.final, "EVP_DigestFinal_ex");
    return a;
  }();
  return api;
}

// OpenSSL's EVP interface.
class evp_sha256 final : public sha256_state {
public:
  evp_sha256() : api_(crypto()), ctx_(api_.ctx_new()) {
    if (!ctx_ || api_.init(ctx_, api_.md_sha256(), nullptr) != 1) {
      api_.ctx_free(ctx_);
      throw error(errc::io_error, "libcrypto", "", "cannot start a SHA-256 computation");
    }
  }
  ~evp_sha256() override { api_.ctx_free(ctx_); }
  evp_sha256(const evp_sha256&) = delete;
  evp_sha256& operator=(const evp_sha256&) = delete;
  void update(const void* data, std::size_t size) override { api_.update(ctx_, data, size); }
  void finish(unsigned char digest[32]) override {
    unsigned int len = 0;
    api_.final(ctx_, digest, &len);
  }

private:
  const crypto_api& api_;
  EVP_MD_CTX* ctx_;
};

}  // namespace

std::unique_ptr<sha256_state> sha256_state::make() { return std::make_unique<evp_sha256>(); }

}  // namespace mitrekg::store
