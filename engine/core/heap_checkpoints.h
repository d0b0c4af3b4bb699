// HeapCheckpoints: saved images of a SimHeap (engine/core/sim_heap.h), kept as 4 KiB page diffs.
//
// take() copies the heap's pages in use into a staging area (one bulk copy, a few ms for 30 MB)
// and returns; work() then compares each staged page with the newest saved version of that page
// and keeps only the pages that changed, a bounded number of pages per call, so that a page
// playing a long run never waits for a whole checkpoint in one frame (comparing 30 MB took
// 40-60 ms in WebAssembly). Most of a simulation's memory is its append-only trace, so a
// checkpoint keeps about what was added since the previous one. A checkpoint still being
// compared is finished first by what needs it (drop, a new take) and restored straight from the
// staging area. restore() writes every page in
// use at that checkpoint back from the newest version saved at or before it, and the
// allocator's state, so the heap is byte for byte what it was. drop() removes a checkpoint by
// handing its pages to the next one (thinning); drop_after() removes the newest ones (a branch).
// Everything here lives in the system heap: call it outside any SimHeapScope.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/sim_heap.h"

namespace tcpplay {

class HeapCheckpoints {
 public:
  HeapCheckpoints() = default;
  ~HeapCheckpoints();
  HeapCheckpoints(const HeapCheckpoints&) = delete;
  HeapCheckpoints& operator=(const HeapCheckpoints&) = delete;

  /// Saves `heap` now (into the staging area; work() files it); returns the checkpoint's id
  /// (ids only grow).
  std::uint64_t take(SimHeap& heap);
  /// Files up to `max_pages` staged pages of the newest checkpoint; true when none is left.
  /// Once none is left, it also readies the staging area for the next checkpoint of `heap`
  /// (grown ahead of the heap, and touched a few pages per call: the first write to fresh
  /// memory costs about 2 ms per MB on this kind of machine, too much for one frame).
  bool work(std::size_t max_pages, const SimHeap* heap = nullptr);
  /// Pages of the newest checkpoint not filed yet.
  std::size_t pending_pages() const { return staged_pages_ - filed_pages_; }
  /// Makes `heap` what it was at checkpoint `id`.
  void restore(SimHeap& heap, std::uint64_t id);
  /// Forgets checkpoint `id`, which must not be the newest: its pages go to the next one.
  void drop(std::uint64_t id);
  /// Forgets every checkpoint newer than `id` (all of them when `id` is below the oldest).
  void drop_after(std::uint64_t id, SimHeap& heap);
  void clear();

  std::size_t count() const { return cps_.size(); }
  /// The staging area's size (kept between checkpoints: fresh memory is slow to touch).
  std::size_t staging_bytes() const { return staging_capacity_; }
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
  void grow_staging(std::size_t bytes);
  void pin(SimHeap& heap) const;

  std::vector<Cp> cps_;                                   // by id
  std::vector<std::vector<std::vector<Version>>> store_;  // [chunk][page], by id
  std::uint64_t next_id_ = 1;
  // The staging area: the newest checkpoint's pages in use, chunk after chunk, and how far
  // work() has filed them.
  std::unique_ptr<unsigned char[]> staging_;
  std::size_t staging_capacity_ = 0;
  std::size_t staging_touched_ = 0;  // bytes of the staging area written at least once
  std::size_t staged_pages_ = 0;
  std::size_t filed_pages_ = 0;
  std::size_t file_chunk_ = 0;  // the chunk and page the next work() starts at
  std::size_t file_page_ = 0;
  std::size_t pages_ = 0;
  std::size_t version_count_ = 0;
};

}  // namespace tcpplay
