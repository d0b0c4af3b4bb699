// SimHeap's allocator, the registry of chunks by address, and the replaced global operator new
// and delete (see sim_heap.h).
#include "core/sim_heap.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace tcpplay {

namespace {

// 16..256 by 16, then four steps per doubling up to 2048.
constexpr std::uint32_t kClassSize[SimHeap::kSmallClasses] = {
    16,  32,  48,  64,  80,  96,  112, 128, 144, 160,  176,  192,
    208, 224, 240, 256, 320, 384, 448, 512, 768, 1024, 1536, 2048};
constexpr std::size_t kRunBytes = 16 * 1024;      // a small class's run
constexpr std::size_t kChunkBytes = 1024 * 1024;  // a chunk unless a block needs more
constexpr std::uint32_t kLargeFlag = 0x80000000u;

int class_of(std::size_t n) {
  if (n <= 256) return n == 0 ? 0 : static_cast<int>((n - 1) / 16);
  int c = 16;
  while (kClassSize[c] < n) ++c;
  return c;
}

/// Smallest k with 2^k pages >= `pages`.
int large_class(std::size_t pages) {
  int k = 0;
  while ((std::size_t{1} << k) < pages) ++k;
  return k;
}

// --- the registry: every chunk of every heap, sorted by address, in system memory ----------

struct Range {
  std::uintptr_t begin, end;
  SimHeap* heap;
};
Range* g_ranges = nullptr;
std::size_t g_count = 0, g_capacity = 0;
std::uintptr_t g_min = UINTPTR_MAX, g_max = 0;
#ifdef __EMSCRIPTEN__
SimHeap* g_active = nullptr;  // one thread (thread-local storage needs wasm atomics)
#else
thread_local SimHeap* g_active = nullptr;
#endif

void recompute_bounds() {
  g_min = g_count ? g_ranges[0].begin : UINTPTR_MAX;
  g_max = g_count ? g_ranges[g_count - 1].end : 0;
  for (std::size_t i = 0; i < g_count; ++i)
    if (g_ranges[i].end > g_max) g_max = g_ranges[i].end;
}

void register_range(std::uintptr_t begin, std::uintptr_t end, SimHeap* heap) {
  if (g_count == g_capacity) {
    const std::size_t cap = g_capacity ? g_capacity * 2 : 64;
    auto* grown = static_cast<Range*>(std::realloc(g_ranges, cap * sizeof(Range)));
    if (!grown) throw std::bad_alloc();
    g_ranges = grown;
    g_capacity = cap;
  }
  std::size_t i = g_count;
  while (i > 0 && g_ranges[i - 1].begin > begin) {
    g_ranges[i] = g_ranges[i - 1];
    --i;
  }
  g_ranges[i] = {begin, end, heap};
  ++g_count;
  recompute_bounds();
}

void unregister_range(std::uintptr_t begin) {
  for (std::size_t i = 0; i < g_count; ++i) {
    if (g_ranges[i].begin != begin) continue;
    std::memmove(g_ranges + i, g_ranges + i + 1, (g_count - i - 1) * sizeof(Range));
    --g_count;
    break;
  }
  recompute_bounds();
  if (!g_count) {
    std::free(g_ranges);
    g_ranges = nullptr;
    g_capacity = 0;
  }
}

const Range* find_range(const void* p) {
  const auto a = reinterpret_cast<std::uintptr_t>(p);
  if (a < g_min || a >= g_max) return nullptr;
  std::size_t lo = 0, hi = g_count;  // the last range with begin <= a
  while (hi - lo > 1) {
    const std::size_t mid = (lo + hi) / 2;
    if (g_ranges[mid].begin <= a) lo = mid;
    else hi = mid;
  }
  const Range& r = g_ranges[lo];
  return a >= r.begin && a < r.end ? &r : nullptr;
}

}  // namespace

SimHeap::SimHeap() = default;

SimHeap::~SimHeap() {
  for (const Chunk& c : chunks_) {
    unregister_range(reinterpret_cast<std::uintptr_t>(c.base));
    std::free(c.base);
  }
}

SimHeap* SimHeap::owner(const void* p) {
  const Range* r = g_count ? find_range(p) : nullptr;
  return r ? r->heap : nullptr;
}

SimHeap* SimHeap::active() { return g_active; }

SimHeapScope::SimHeapScope(SimHeap* heap) : previous_(g_active) { g_active = heap; }
SimHeapScope::~SimHeapScope() { g_active = previous_; }

std::size_t SimHeap::header_bytes(std::size_t chunk_size) {
  const std::size_t table = chunk_size / kPage * sizeof(std::uint32_t);
  return (table + kPage - 1) / kPage * kPage;
}

std::size_t SimHeap::used_bytes(const State& s, std::size_t i) const {
  if (s.chunk == UINT32_MAX || i > s.chunk || i >= chunks_.size()) return 0;
  return i < s.chunk ? chunks_[i].size : static_cast<std::size_t>(s.offset);
}

void SimHeap::next_chunk(std::size_t bytes) {
  const std::size_t next = state_.chunk == UINT32_MAX ? 0 : state_.chunk + 1;
  // A chunk left unused by a restore is taken again when it is large enough (a replay asks for
  // the same sizes); one that no checkpoint can refer to is given back when it is not.
  auto fits = [&](std::size_t i) {
    return chunks_[i].size >= header_bytes(chunks_[i].size) + bytes;
  };
  std::size_t pick = next;
  while (pick < chunks_.size() && pick < pinned_ && !fits(pick)) ++pick;  // skipped, kept for them
  if (pick < chunks_.size() && !fits(pick)) {
    SimHeapPause pause;
    for (std::size_t i = pick; i < chunks_.size(); ++i) {
      unregister_range(reinterpret_cast<std::uintptr_t>(chunks_[i].base));
      std::free(chunks_[i].base);
      reserved_ -= chunks_[i].size;
    }
    chunks_.resize(pick);
  }
  if (pick == chunks_.size()) {
    std::size_t size = kChunkBytes;
    while (size < header_bytes(size) + bytes) size *= 2;
    void* base = std::aligned_alloc(kPage, size);
    if (!base) throw std::bad_alloc();
    SimHeapPause pause;
    try {
      chunks_.push_back({static_cast<char*>(base), size});
      register_range(reinterpret_cast<std::uintptr_t>(base),
                     reinterpret_cast<std::uintptr_t>(base) + size, this);
    } catch (...) {
      if (chunks_.size() > pick) chunks_.pop_back();
      std::free(base);
      throw;
    }
    reserved_ += size;
  }
  state_.chunk = static_cast<std::uint32_t>(pick);
  state_.offset = header_bytes(chunks_[pick].size);
}

void* SimHeap::carve(std::size_t bytes) {
  if (state_.chunk == UINT32_MAX || state_.offset + bytes > chunks_[state_.chunk].size)
    next_chunk(bytes);
  char* p = chunks_[state_.chunk].base + state_.offset;
  state_.offset += bytes;
  return p;
}

void* SimHeap::carve_aligned(std::size_t bytes, std::size_t align) {
  // (The trace's ring buffer asks for 2 MiB slabs aligned to 2 MiB, for huge pages.)
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (state_.chunk != UINT32_MAX) {
      char* const base = chunks_[state_.chunk].base;
      char* cur = base + state_.offset;
      const auto a = (reinterpret_cast<std::uintptr_t>(cur) + align - 1) / align * align;
      char* const at = base + (a - reinterpret_cast<std::uintptr_t>(base));
      if (static_cast<std::size_t>(at - base) + bytes <= chunks_[state_.chunk].size) {
        // The pages skipped become free blocks of powers of two pages.
        std::size_t left = static_cast<std::size_t>(at - cur) / kPage;
        while (left) {
          int k = 0;
          while ((std::size_t{2} << k) <= left) ++k;
          page_table(state_.chunk)[static_cast<std::size_t>(cur - base) / kPage] =
              kLargeFlag | static_cast<std::uint32_t>(k);
          *reinterpret_cast<void**>(cur) = state_.large[k];
          state_.large[k] = cur;
          cur += kPage << k;
          left -= std::size_t{1} << k;
        }
        state_.offset = static_cast<std::size_t>(at - base) + bytes;
        return at;
      }
    }
    next_chunk(bytes + align);
  }
  throw std::bad_alloc();
}

void SimHeap::refill(int cls) {
  char* run = static_cast<char*>(carve(kRunBytes));
  const std::size_t first = static_cast<std::size_t>(run - chunks_[state_.chunk].base) / kPage;
  std::uint32_t* table = page_table(state_.chunk);
  for (std::size_t i = 0; i < kRunBytes / kPage; ++i)
    table[first + i] = static_cast<std::uint32_t>(cls);
  const std::size_t size = kClassSize[cls];
  void* head = state_.small[cls];
  for (std::size_t off = (kRunBytes / size - 1) * size;; off -= size) {
    *reinterpret_cast<void**>(run + off) = head;
    head = run + off;
    if (off == 0) break;
  }
  state_.small[cls] = head;
}

void* SimHeap::allocate(std::size_t n, std::size_t align) {
  if (n <= kSmallMax && align <= 16) {
    const int cls = class_of(n);
    if (!state_.small[cls]) refill(cls);
    void* p = state_.small[cls];
    state_.small[cls] = *static_cast<void**>(p);
    state_.in_use += kClassSize[cls];
    return p;
  }
  const std::size_t pages = (n + kPage - 1) / kPage;
  const int k = large_class(pages);
  if (k >= kLargeClasses || align > (std::size_t{1} << 30)) throw std::bad_alloc();
  const std::size_t bytes = kPage << k;
  void* p = align <= kPage ? state_.large[k] : nullptr;
  if (p) {
    state_.large[k] = *static_cast<void**>(p);
  } else {
    p = align <= kPage ? carve(bytes) : carve_aligned(bytes, align);
    const std::size_t first =
        static_cast<std::size_t>(static_cast<char*>(p) - chunks_[state_.chunk].base) / kPage;
    page_table(state_.chunk)[first] = kLargeFlag | static_cast<std::uint32_t>(k);
  }
  state_.in_use += bytes;
  return p;
}

void SimHeap::deallocate(void* p) {
  // Chunk ranges are kept as integers, to compare any pointer with them.
  // NOLINTNEXTLINE(performance-no-int-to-ptr)
  if (const Range* r = find_range(p)) free_in(p, reinterpret_cast<char*>(r->begin));
}

void SimHeap::free_in(void* p, char* base) {
  const std::size_t page = static_cast<std::size_t>(static_cast<char*>(p) - base) / kPage;
  const std::uint32_t info = reinterpret_cast<const std::uint32_t*>(base)[page];
  if (info & kLargeFlag) {
    const int k = static_cast<int>(info & ~kLargeFlag);
    *static_cast<void**>(p) = state_.large[k];
    state_.large[k] = p;
    state_.in_use -= kPage << k;
  } else {
    const int cls = static_cast<int>(info);
    *static_cast<void**>(p) = state_.small[cls];
    state_.small[cls] = p;
    state_.in_use -= kClassSize[cls];
  }
}

}  // namespace tcpplay

// --- the global operators ----------------------------------------------------------------------

namespace {

void* system_new(std::size_t n, std::size_t align) {
  if (n == 0) n = 1;
  void* p = align <= alignof(std::max_align_t)
                ? std::malloc(n)
                : std::aligned_alloc(align, (n + align - 1) / align * align);
  if (!p) throw std::bad_alloc();
  return p;
}

void* new_impl(std::size_t n, std::size_t align) {
  if (tcpplay::SimHeap* h = tcpplay::g_active) return h->allocate(n, align);
  return system_new(n, align);
}

void delete_impl(void* p) noexcept {
  if (!p) return;
  if (tcpplay::g_count) {
    if (const tcpplay::Range* r = tcpplay::find_range(p)) {
      // NOLINTNEXTLINE(performance-no-int-to-ptr)
      r->heap->free_in(p, reinterpret_cast<char*>(r->begin));
      return;
    }
  }
  std::free(p);
}

}  // namespace

void* operator new(std::size_t n) { return new_impl(n, 16); }
void* operator new[](std::size_t n) { return new_impl(n, 16); }
void* operator new(std::size_t n, std::align_val_t a) {
  return new_impl(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a) {
  return new_impl(n, static_cast<std::size_t>(a));
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return new_impl(n, 16);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return new_impl(n, 16);
  } catch (...) {
    return nullptr;
  }
}
void operator delete(void* p) noexcept { delete_impl(p); }
void operator delete[](void* p) noexcept { delete_impl(p); }
void operator delete(void* p, std::size_t) noexcept { delete_impl(p); }
void operator delete[](void* p, std::size_t) noexcept { delete_impl(p); }
void operator delete(void* p, std::align_val_t) noexcept { delete_impl(p); }
void operator delete[](void* p, std::align_val_t) noexcept { delete_impl(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { delete_impl(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { delete_impl(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { delete_impl(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { delete_impl(p); }
