// A FIFO for the trace and the links: push at the back, pop at the front, index from the front.
// Elements live in fixed chunks (1024 elements unless the user says otherwise) that are recycled
// once emptied, so in steady state (retention on,
// every new event pushes an old one out) nothing is allocated or freed, and growing never
// moves elements (so references stay valid until the element is popped).
//
// drop_front() and emplace_back_slot() are the cheap pair for a full trace: dropping does not
// touch the dropped elements (they keep what they held until their slot is reused), and a
// reused slot is handed out as it is, for the caller to overwrite every field.
//
// A large buffer (past kSlabAfter chunks) takes its chunks from 2 MiB slabs that Linux may back
// with transparent huge pages (madvise): a trace growing to a million events otherwise spends a
// tenth of a run in page faults. Elsewhere (WebAssembly) chunks are allocated one by one.
#pragma once
#include <algorithm>
#include <cstddef>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#if defined(__linux__) && !defined(__EMSCRIPTEN__)
#include <sys/mman.h>
#define TCPPLAY_RING_SLABS 1
#else
#define TCPPLAY_RING_SLABS 0
#endif

namespace tcpplay {

template <typename T, std::size_t ChunkSize = 1024>
class RingBuffer {
 public:
  static constexpr std::size_t kChunk = ChunkSize;

  RingBuffer() = default;
  RingBuffer(const RingBuffer&) = delete;
  RingBuffer& operator=(const RingBuffer&) = delete;
  ~RingBuffer() { release(); }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // head_ counts from the start of chunks_[0], so an element is two loads away.
  T& operator[](std::size_t i) {
    const std::size_t k = head_ + i;
    return chunks_[k / kChunk][k % kChunk];
  }
  const T& operator[](std::size_t i) const {
    const std::size_t k = head_ + i;
    return chunks_[k / kChunk][k % kChunk];
  }
  T& front() { return (*this)[0]; }
  T& back() { return (*this)[size_ - 1]; }
  const T& back() const { return (*this)[size_ - 1]; }

  void push_back(T value) { emplace_back_slot() = std::move(value); }
  /// Appends a slot and returns it: a default-constructed element, or an old one to overwrite.
  T& emplace_back_slot() {
    // next_ walks the last chunk: the next slot is a pointer increment away (the trace takes a
    // slot for every event it records).
    if (next_ == chunk_end_) append_chunk();
    T* slot = next_++;
    ++size_;
    if (fresh_back_) {
      // A new slab's chunk: elements are constructed as they are handed out, in order.
      ::new (static_cast<void*>(slot)) T();
      ++blocks_.back().count;
    }
    // Writing a slot last used a whole buffer ago misses the cache: ask for the slots a little
    // further on now, while this one is filled.
    if (slot + kPrefetch < chunk_end_) {
      const char* ahead = reinterpret_cast<const char*>(slot + kPrefetch);
      for (std::size_t b = 0; b < sizeof(T); b += 64) __builtin_prefetch(ahead + b, 1);
    }
    return *slot;
  }
  void pop_front() {
    front() = T{};  // release what the slot holds (payload references, strings)
    drop_front(1);
  }
  /// Drops the first n (<= size()) elements without touching them.
  void drop_front(std::size_t n) {
    const std::size_t first_chunk = head_ / kChunk;
    size_ -= n;
    head_ += n;
    const std::size_t emptied = head_ / kChunk;  // chunks before this one hold nothing now
    if (emptied == first_chunk) return;
    for (std::size_t c = first_chunk; c < emptied; ++c) spare_.push_back(chunks_[c]);
    // Emptied chunk pointers stay at the front of chunks_ until they are half of it: then one
    // erase moves the rest down (amortized constant, like the deque's pop_front it replaces).
    if (2 * emptied >= chunks_.size()) {
      chunks_.erase(chunks_.begin(), chunks_.begin() + static_cast<std::ptrdiff_t>(emptied));
      head_ -= emptied * kChunk;
    }
  }
  void clear() {
    release();
    head_ = size_ = 0;
  }

 private:
  struct Block {
    T* elems;
    std::size_t count;  // elements constructed (a slab's are constructed in order)
    bool slab;
  };
  static constexpr std::size_t kSlabBytes = std::size_t{2} << 20;
  // A slab holds whole chunks; what is left (less than a chunk: 2 KiB of a slab of 24-byte trace
  // records, 8 KiB of 40-byte trace packets) stays unused.
  static constexpr std::size_t kChunksPerSlab = kSlabBytes / (kChunk * sizeof(T));
  static constexpr std::size_t kSlabAfter = 16;
  // 4 slots is 96 to 576 bytes ahead for the trace's 24- to 144-byte elements: a few events of
  // work before the slot is written, which is time enough for the line to arrive.
  static constexpr std::size_t kPrefetch = 4;

  /// Appends the chunk that position head_ + size_ (a chunk boundary) starts: a spare one, or a
  /// fresh one. Out of line, so that emplace_back_slot() inlines as a few instructions.
  [[gnu::noinline]] void append_chunk() {
    if (spare_.empty()) {
      take_fresh_chunk();
    } else {
      chunks_.push_back(spare_.back());
      spare_.pop_back();
      fresh_back_ = false;
    }
    next_ = chunks_.back();
    chunk_end_ = next_ + kChunk;
  }
  /// Appends a new chunk to chunks_: from a slab (elements constructed as they are handed out,
  /// so each is written once, while fresh in the cache), or allocated and constructed whole.
  void take_fresh_chunk() {
    if (TCPPLAY_RING_SLABS && kChunksPerSlab >= 2 && blocks_.size() >= kSlabAfter) {
      if (!blocks_.back().slab || blocks_.back().count == kChunksPerSlab * kChunk) {
        void* p = ::operator new (kSlabBytes, std::align_val_t{kSlabBytes});
#if TCPPLAY_RING_SLABS
        madvise(p, kSlabBytes, MADV_HUGEPAGE);  // a hint; without it (or refused) 4 KiB pages
#endif
        blocks_.push_back({static_cast<T*>(p), 0, true});
      }
      Block& b = blocks_.back();
      chunks_.push_back(b.elems + b.count);
      fresh_back_ = true;
      return;
    }
    T* elems = static_cast<T*>(::operator new (kChunk * sizeof(T), std::align_val_t{alignof(T)}));
    std::uninitialized_default_construct_n(elems, kChunk);
    blocks_.push_back({elems, kChunk, false});
    chunks_.push_back(elems);
    fresh_back_ = false;
  }
  void release() {
    for (const Block& b : blocks_) {
      std::destroy_n(b.elems, b.count);  // count: the elements constructed so far
      ::operator delete (b.elems, std::align_val_t{b.slab ? kSlabBytes : alignof(T)});
    }
    blocks_.clear();
    chunks_.clear();
    spare_.clear();
    fresh_back_ = false;
    next_ = chunk_end_ = nullptr;
  }

  std::vector<T*> chunks_;  // in ring order; the first head_ / kChunk are emptied (in spare_)
  std::vector<T*> spare_;
  std::vector<Block> blocks_;  // every allocation, for release()
  bool fresh_back_ = false;    // the last chunk of chunks_ is a slab's, still being constructed
  T* next_ = nullptr;          // the slot of position head_ + size_, in the last chunk
  T* chunk_end_ = nullptr;     // the end of the last chunk (next_ == chunk_end_: a new one is due)
  std::size_t head_ = 0, size_ = 0;
};

}  // namespace tcpplay
