// SHA-256 of a stream of chunks, from OpenSSL's libcrypto linked one of two ways.
#pragma once

#include <cstddef>
#include <memory>

namespace mitrekg::store {

// One SHA-256 computation. Two definitions exist and exactly one is linked:
// - sha256_dlopen.cpp (its own static library, in every link but the static
//   CLI's): loads libcrypto.so with dlopen on first use, so a query neither
//   links nor loads it;
// - tools/mitre-query/sha256_static.cpp (the static mitre-query): libcrypto.a's
//   SHA256_* functions, linked in (a static executable cannot dlopen).
// make() throws error(io_error) when libcrypto cannot be loaded. Not
// thread-safe per object; separate objects are independent.
class sha256_state {
public:
  virtual ~sha256_state() = default;
  virtual void update(const void* data, std::size_t size) = 0;
  // The 32-byte digest; the state is finished.
  virtual void finish(unsigned char digest[32]) = 0;

  static std::unique_ptr<sha256_state> make();
};

}  // namespace mitrekg::store
