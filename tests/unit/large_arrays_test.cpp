// The CLI's array new (tools/mitre-query/large_arrays.cpp): large blocks in mappings of their own, the rest from malloc.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <new>
#include <thread>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

#include "stix/bundle_reader.hpp"

namespace mq {
bool large_arrays_replaced() noexcept;
}

namespace {

constexpr std::size_t mib = std::size_t{1} << 20;

bool huge_aligned(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % (2 * mib) == 0; }

// Whether the page at `p` is in memory (mincore): an unwritten page of a mapping is not.
bool resident(const void* p) {
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  unsigned char in = 0;
  void* start = reinterpret_cast<void*>(reinterpret_cast<std::uintptr_t>(p) & ~(page - 1));
  REQUIRE(::mincore(start, page, &in) == 0);
  return (in & 1) != 0;
}

}  // namespace

TEST_CASE("a large array comes from a mapping of its own: aligned, and nothing past what is written faulted in") {
  if (!mq::large_arrays_replaced()) return;   // a sanitizer's allocator serves every block
  std::unique_ptr<char[]> big(new char[64 * mib]);
  CHECK(huge_aligned(big.get()));
  std::memset(big.get(), 7, 100);
  CHECK(resident(big.get()));
  // The block's end holds no allocator header: its last page is untouched.
  CHECK_FALSE(resident(big.get() + 64 * mib - 1));
  CHECK_FALSE(resident(big.get() + 32 * mib));
  // The nothrow form (simdjson's) too; deleted through delete[].
  std::unique_ptr<std::uint32_t[]> index(new (std::nothrow) std::uint32_t[16 * mib]);
  REQUIRE(index);
  CHECK(huge_aligned(index.get()));
  index[16 * mib - 1] = 1;
  CHECK(index[16 * mib - 1] == 1);
}

TEST_CASE("small arrays come from the heap, and both kinds are freed by delete[]") {
  std::unique_ptr<char[]> small(new char[1000]);
  std::memset(small.get(), 1, 1000);
  CHECK(small[999] == 1);
  if (mq::large_arrays_replaced()) CHECK_FALSE(huge_aligned(small.get()));   // a heap block, not a mapping
  // Freed mappings are unmapped and their slots reused: far more blocks than the table holds, in turn.
  for (int i = 0; i < 500; ++i) {
    std::unique_ptr<char[]> p(new char[5 * mib]);
    p[0] = 1;
    p[5 * mib - 1] = 2;
    CHECK(p[5 * mib - 1] == 2);
  }
}

TEST_CASE("more large arrays live at once than the table of mappings holds: the rest come from the heap") {
  std::vector<std::unique_ptr<char[]>> live;
  for (int i = 0; i < 100; ++i) {
    live.emplace_back(new char[4 * mib]);
    live.back()[4 * mib - 1] = static_cast<char>(i);
  }
  std::size_t aligned = 0;
  for (std::size_t i = 0; i < live.size(); ++i) {
    CHECK(live[i][4 * mib - 1] == static_cast<char>(i));
    aligned += huge_aligned(live[i].get()) ? 1 : 0;
  }
  if (mq::large_arrays_replaced()) CHECK(aligned == 64);   // the table's size; the other 36 from malloc
  live.clear();
  std::unique_ptr<char[]> again(new char[4 * mib]);
  if (mq::large_arrays_replaced()) CHECK(huge_aligned(again.get()));   // slots free again
}

TEST_CASE("threads allocate and delete large arrays at once") {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([t] {
      for (int i = 0; i < 200; ++i) {
        std::unique_ptr<char[]> p(new char[(4 + static_cast<std::size_t>(t)) * mib]);
        p[0] = static_cast<char>(t);
        if (p[0] != static_cast<char>(t)) std::abort();
      }
    });
  for (auto& th : threads) th.join();
  std::unique_ptr<char[]> p(new char[4 * mib]);
  if (mq::large_arrays_replaced()) CHECK(huge_aligned(p.get()));   // every slot was given back
}

TEST_CASE("with the index on huge pages from its first byte, ATT&CK's bundles keep every string in it") {
  if (!mq::large_arrays_replaced()) return;   // the index lies wherever the sanitizer's allocator puts it
  // As in the CLI: simdjson's index is a large array, so it starts on a huge
  // page boundary. The strings go over the entries the pass has consumed, and
  // before the first run of them is consumed (or when they outpace the pass)
  // into the rest of the huge page the index ends in: the arena maps no block
  // of its own (which would be a huge page more per bundle). The top of that
  // rest holds the records: mobile's and ICS's all fit but their objects'
  // last deque blocks (enterprise's take several MB, mapped).
  const std::filesystem::path data = MITREKG_TEST_DATA;
  for (const char* name : {"enterprise-attack-18.1.json", "mobile-attack-18.1.json", "ics-attack-18.1.json"}) {
    CAPTURE(name);
    const auto b = mitrekg::stix::read_bundle(data / "attack" / name);
    // 18.1 keeps 8.1, 0.78 and 0.57 MB of strings.
    CHECK(b.strings->used() > 500 * 1024);
    CHECK(b.index_lent > 500 * 1024);
    CHECK(b.strings->mapped() == 0);
    REQUIRE(b.object_records);
    REQUIRE(b.relationship_records);
    if (std::string_view(name) != "enterprise-attack-18.1.json") {
      // Mobile's objects take 226 KB of records against a share of 272 KB; ICS's 141 against 192.
      CHECK(b.object_records->mapped() == 0);
      CHECK(b.relationship_records->mapped() == 0);
    }
  }
}
