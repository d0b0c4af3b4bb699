// SimHeap: one simulation's own heap, so that the whole simulation can be saved and restored as
// bytes (checkpoints for seeking back, engine/core/heap_checkpoints.h).
//
// The engine's objects are a web of pointers (scheduler slots hold EventHandler*, apps hold
// closures, connections point at their stacks): a member-wise deep copy would be a rewrite. So
// every allocation the simulation makes goes to an arena of chunks taken from the system
// allocator, and a copy of the chunks' bytes is a copy of the simulation: restoring the bytes at
// the same addresses makes every internal pointer valid again.
//
// How allocations get there: the global operator new and delete are replaced (sim_heap.cpp).
// While a SimHeapScope is active, operator new allocates in its heap; operator delete decides by
// address (inside a chunk of any SimHeap: that heap frees it, else the system does), so a block
// may be freed from anywhere. Rules for code that uses it (engine/api/playground*.cpp):
//  - Everything that creates or changes the simulation runs inside a scope, and nothing else:
//    objects outside the arena (the Playground's own members) must never be given arena memory,
//    and arena objects must never keep system memory (a restore would bring back a pointer to a
//    block freed since).
//  - A function-local static that allocates must be first reached outside any scope (else its
//    memory would be in the arena and a restore could overwrite it). The Playground warms the
//    engine's tables up before its first scope; SimHeapPause allocates in the system heap
//    inside a scope.
//  - A chunk is never given back to the system while a checkpoint may refer to it.
//
// Inside: size classes of 16 to 2048 bytes carved from 16 KiB runs, and page-granular blocks
// (powers of two of 4 KiB pages) above; each chunk starts with a table of what each of its pages
// holds, so that the table is in the checkpointed bytes too. The allocator's few other words
// (free-list heads, the bump pointer) are State, which a checkpoint copies.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tcpplay {

class SimHeap {
 public:
  static constexpr std::size_t kPage = 4096;
  static constexpr std::size_t kSmallMax = 2048;
  static constexpr int kSmallClasses = 24;
  static constexpr int kLargeClasses = 40;

  /// The allocator's words outside the chunks (a checkpoint copies them).
  struct State {
    std::uint32_t chunk = UINT32_MAX;  ///< the chunk being carved (chunks before it are in use)
    std::uint64_t offset = 0;          ///< next free byte in it
    void* small[kSmallClasses] = {};
    void* large[kLargeClasses] = {};
    std::uint64_t in_use = 0;  ///< bytes in live blocks
  };
  struct Chunk {
    char* base = nullptr;
    std::size_t size = 0;  ///< a multiple of kPage
  };

  SimHeap();
  ~SimHeap();  // gives every chunk back: nothing may point into it any more
  SimHeap(const SimHeap&) = delete;
  SimHeap& operator=(const SimHeap&) = delete;

  void* allocate(std::size_t n, std::size_t align = 16);
  void deallocate(void* p);
  /// `p`, in the chunk that starts at `base`, is free again.
  void free_in(void* p, char* base);

  /// The heap whose chunk holds `p`, or nullptr (system memory).
  static SimHeap* owner(const void* p);
  /// The heap of the innermost active scope, or nullptr.
  static SimHeap* active();

  const State& state() const { return state_; }
  void set_state(const State& s) { state_ = s; }
  const std::vector<Chunk>& chunks() const { return chunks_; }
  /// Bytes of chunk `i` in use in state `s` (all of it before the chunk being carved).
  std::size_t used_bytes(const State& s, std::size_t i) const;
  /// Chunks [0, n) may be referenced by checkpoints: never given back, even when unused.
  void pin_chunks(std::size_t n) { pinned_ = n; }
  /// Bytes taken from the system for chunks.
  std::size_t reserved_bytes() const { return reserved_; }

 private:
  friend class SimHeapScope;
  void* carve(std::size_t bytes);  // page-aligned bytes from the bump region
  void* carve_aligned(std::size_t bytes, std::size_t align);
  void next_chunk(std::size_t bytes);
  std::uint32_t* page_table(std::size_t chunk) const {
    return reinterpret_cast<std::uint32_t*>(chunks_[chunk].base);
  }
  static std::size_t header_bytes(std::size_t chunk_size);
  void refill(int cls);

  State state_;
  std::vector<Chunk> chunks_;  // system memory (allocated outside the arena)
  std::size_t pinned_ = 0;
  std::size_t reserved_ = 0;
};

/// Routes operator new to `heap` (nullptr: to the system) until destroyed; scopes nest.
class SimHeapScope {
 public:
  explicit SimHeapScope(SimHeap* heap);
  ~SimHeapScope();
  SimHeapScope(const SimHeapScope&) = delete;
  SimHeapScope& operator=(const SimHeapScope&) = delete;

 private:
  SimHeap* previous_;
};

/// Allocations in the system heap inside a scope (for memory kept outside the simulation).
class SimHeapPause : public SimHeapScope {
 public:
  SimHeapPause() : SimHeapScope(nullptr) {}
};

}  // namespace tcpplay
