// HeapCheckpoints: page-diff images of a SimHeap (see heap_checkpoints.h).
#include "core/heap_checkpoints.h"

#include <algorithm>
#include <cstring>
#include <new>

namespace tcpplay {

namespace {

constexpr std::size_t kPage = SimHeap::kPage;

/// Page comparison eight bytes at a time (the C library's memcmp is a byte loop in WebAssembly).
bool same_page(const unsigned char* a, const unsigned char* b) {
  for (std::size_t i = 0; i < kPage; i += 32) {
    std::uint64_t x[4], y[4];
    std::memcpy(x, a + i, 32);
    std::memcpy(y, b + i, 32);
    if ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3])) return false;
  }
  return true;
}

}  // namespace

HeapCheckpoints::~HeapCheckpoints() { clear(); }

const HeapCheckpoints::Cp* HeapCheckpoints::find(std::uint64_t id) const {
  auto it = std::lower_bound(cps_.begin(), cps_.end(), id,
                             [](const Cp& c, std::uint64_t v) { return c.id < v; });
  return it != cps_.end() && it->id == id ? &*it : nullptr;
}

void HeapCheckpoints::pin(SimHeap& heap) const {
  std::size_t n = 0;
  for (const Cp& c : cps_) n = std::max(n, c.used.size());
  heap.pin_chunks(n);
}

std::uint64_t HeapCheckpoints::take(SimHeap& heap) {
  SimHeapPause pause;
  work(SIZE_MAX);  // the previous one, if it is still staged
  Cp cp;
  cp.id = next_id_++;
  cp.state = heap.state();
  const auto& chunks = heap.chunks();
  std::size_t pages = 0;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const std::size_t used = heap.used_bytes(cp.state, i);
    if (!used) break;
    cp.used.push_back(used);
    pages += (used + kPage - 1) / kPage;
  }
  if (pages * kPage > staging_capacity_) grow_staging(pages * kPage * 3 / 2);
  unsigned char* to = staging_.get();
  for (std::size_t i = 0; i < cp.used.size(); ++i) {
    const std::size_t bytes = (cp.used[i] + kPage - 1) / kPage * kPage;
    std::memcpy(to, chunks[i].base, bytes);
    to += bytes;
  }
  if (store_.size() < cp.used.size()) store_.resize(cp.used.size());
  staged_pages_ = pages;
  filed_pages_ = 0;
  file_chunk_ = 0;
  file_page_ = 0;
  cps_.push_back(std::move(cp));
  pin(heap);
  return cps_.back().id;
}

void HeapCheckpoints::grow_staging(std::size_t bytes) {
  staging_.reset();  // before the new one: both at once could be twice the heap
  staging_capacity_ = bytes;
  staging_.reset(new unsigned char[staging_capacity_]);
  staging_touched_ = 0;
}

bool HeapCheckpoints::work(std::size_t max_pages, const SimHeap* heap) {
  SimHeapPause pause;
  if (filed_pages_ == staged_pages_) {
    if (!heap || max_pages == SIZE_MAX) return true;
    // Ready for a heap a quarter larger than now, the area grown and touched ahead.
    const std::size_t want = heap->reserved_bytes() + heap->reserved_bytes() / 4;
    if (want > staging_capacity_) grow_staging(heap->reserved_bytes() * 3 / 2);
    volatile unsigned char* area = staging_.get();
    for (std::size_t n = 0; n < max_pages && staging_touched_ < want; ++n) {
      area[staging_touched_] = 0;
      staging_touched_ += kPage;
    }
    return true;
  }
  const Cp& cp = cps_.back();
  std::size_t budget = max_pages;
  while (file_chunk_ < cp.used.size() && budget > 0) {
    auto& pages = store_[file_chunk_];
    const std::size_t n = (cp.used[file_chunk_] + kPage - 1) / kPage;
    if (pages.size() < n) pages.resize(n);
    for (; file_page_ < n && budget > 0; ++file_page_, --budget) {
      const unsigned char* now = staging_.get() + filed_pages_ * kPage;
      ++filed_pages_;
      std::vector<Version>& v = pages[file_page_];
      if (!v.empty() && same_page(now, v.back().data)) continue;
      auto* copy = new unsigned char[kPage];
      std::memcpy(copy, now, kPage);
      v.push_back({cp.id, copy});
      ++pages_;
      ++version_count_;
    }
    if (file_page_ == n) {
      ++file_chunk_;
      file_page_ = 0;
    }
  }
  return filed_pages_ == staged_pages_;
}

void HeapCheckpoints::restore(SimHeap& heap, std::uint64_t id) {
  const Cp* cp = find(id);
  if (!cp) return;
  const auto& chunks = heap.chunks();
  // The newest checkpoint while it is still staged: straight from the staging area, which stays
  // as it is for work() to go on. An older one needs none of its pages (they are all newer).
  if (pending_pages() && cp == &cps_.back()) {
    const unsigned char* from = staging_.get();
    for (std::size_t i = 0; i < cp->used.size(); ++i) {
      const std::size_t bytes = (cp->used[i] + kPage - 1) / kPage * kPage;
      std::memcpy(chunks[i].base, from, bytes);
      from += bytes;
    }
    heap.set_state(cp->state);
    return;
  }
  for (std::size_t i = 0; i < cp->used.size(); ++i) {
    const auto& pages = store_[i];
    auto* base = reinterpret_cast<unsigned char*>(chunks[i].base);
    const std::size_t n = (cp->used[i] + kPage - 1) / kPage;
    for (std::size_t p = 0; p < n; ++p) {
      const std::vector<Version>& v = pages[p];
      // The newest version saved at or before this checkpoint (the page's first use saved one).
      auto it = std::upper_bound(v.begin(), v.end(), id,
                                 [](std::uint64_t x, const Version& e) { return x < e.id; });
      if (it != v.begin()) std::memcpy(base + p * kPage, (it - 1)->data, kPage);
    }
  }
  heap.set_state(cp->state);
}

void HeapCheckpoints::drop(std::uint64_t id) {
  SimHeapPause pause;
  work(SIZE_MAX);
  auto it = std::lower_bound(cps_.begin(), cps_.end(), id,
                             [](const Cp& c, std::uint64_t v) { return c.id < v; });
  if (it == cps_.end() || it->id != id || it + 1 == cps_.end()) return;
  const std::uint64_t next = (it + 1)->id;
  for (auto& pages : store_) {
    for (std::vector<Version>& v : pages) {
      auto e = std::lower_bound(v.begin(), v.end(), id,
                                [](const Version& x, std::uint64_t k) { return x.id < k; });
      if (e == v.end() || e->id != id) continue;
      if (e + 1 != v.end() && (e + 1)->id == next) {
        delete[] e->data;  // the next checkpoint has its own copy
        v.erase(e);
        --pages_;
        --version_count_;
      } else {
        e->id = next;  // the page was unchanged at the next checkpoint: it is its version now
      }
    }
  }
  cps_.erase(it);
}

void HeapCheckpoints::drop_after(std::uint64_t id, SimHeap& heap) {
  SimHeapPause pause;
  // A staged checkpoint that goes is not filed; one that stays is finished first.
  if (!cps_.empty() && cps_.back().id > id) filed_pages_ = staged_pages_;
  work(SIZE_MAX);
  while (!cps_.empty() && cps_.back().id > id) cps_.pop_back();
  for (auto& pages : store_) {
    for (std::vector<Version>& v : pages) {
      while (!v.empty() && v.back().id > id) {
        delete[] v.back().data;
        v.pop_back();
        --pages_;
        --version_count_;
      }
    }
  }
  pin(heap);
}

void HeapCheckpoints::clear() {
  SimHeapPause pause;
  for (auto& pages : store_)
    for (std::vector<Version>& v : pages)
      for (Version& e : v) delete[] e.data;
  store_.clear();
  cps_.clear();
  filed_pages_ = staged_pages_ = 0;
  pages_ = 0;
  version_count_ = 0;
}

}  // namespace tcpplay
