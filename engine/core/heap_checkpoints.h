// HeapCheckpoints: saved images of a SimHeap (engine/core/sim_heap.h), kept as 4 KiB page diffs.
//
// take() compares each page in use with the newest saved version of that page and keeps only
// the pages that changed: most of a simulation's memory is its append-only trace, so a
// checkpoint costs about what was added since the previous one. restore() writes every page in
// use at that checkpoint back from the newest version saved at or before it, and the
// allocator's state, so the heap is byte for byte what it was. drop() removes a checkpoint by
// handing its pages to the next one (thinning); drop_after() removes the newest ones (a branch).
// Everything here lives in the system heap: call it outside any SimHeapScope.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/sim_heap.h"

namespace tcpplay {

class HeapCheckpoints {
 public:
  HeapCheckpoints() = default;
  ~HeapCheckpoints();
  HeapCheckpoints(const HeapCheckpoints&) = delete;
  HeapCheckpoints& operator=(const HeapCheckpoints&) = delete;

  /// Saves `heap` now; returns the checkpoint's id (ids only grow).
  std::uint64_t take(SimHeap& heap);
  /// Makes `heap` what it was at checkpoint `id`.
  void restore(SimHeap& heap, std::uint64_t id) const;
  /// Forgets checkpoint `id`, which must not be the newest: its pages go to the next one.
  void drop(std::uint64_t id);
  /// Forgets every checkpoint newer than `id` (all of them when `id` is below the oldest).
  void drop_after(std::uint64_t id, SimHeap& heap);
  void clear();

  std::size_t count() const { return cps_.size(); }
  /// Memory held: saved pages plus bookkeeping.
  std::size_t bytes() const {
    return pages_ * SimHeap::kPage + version_count_ * sizeof(Version) + cps_.size() * sizeof(Cp);
  }

 private:
  struct Version {
    std::uint64_t id;
    unsigned char* data;
  };
  struct Cp {
    std::uint64_t id;
    SimHeap::State state;
    std::vector<std::size_t> used;  // bytes in use per chunk
  };
  const Cp* find(std::uint64_t id) const;
  void pin(SimHeap& heap) const;

  std::vector<Cp> cps_;                                   // by id
  std::vector<std::vector<std::vector<Version>>> store_;  // [chunk][page], by id
  std::uint64_t next_id_ = 1;
  std::size_t pages_ = 0;
  std::size_t version_count_ = 0;
};

}  // namespace tcpplay
