// A FIFO for the trace: push at the back, pop at the front, index from the front. Elements live
// in fixed chunks of 1024 that are recycled once emptied, so in steady state (retention on,
// every new event pushes an old one out) nothing is allocated or freed, and growing never
// moves elements (so references stay valid until the element is popped).
//
// drop_front() and emplace_back_slot() are the cheap pair for a full trace: dropping does not
// touch the dropped elements (they keep what they held until their slot is reused), and a
// reused slot is handed out as it is, for the caller to overwrite every field.
#pragma once
#include <cstddef>
#include <deque>
#include <memory>
#include <utility>
#include <vector>

namespace tcpplay {

template <typename T>
class RingBuffer {
 public:
  static constexpr std::size_t kChunk = 1024;

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
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
    const std::size_t k = head_ + size_;
    if (k / kChunk == chunks_.size()) {
      if (spare_.empty()) {
        chunks_.push_back(std::make_unique<T[]>(kChunk));
      } else {
        chunks_.push_back(std::move(spare_.back()));
        spare_.pop_back();
      }
    }
    ++size_;
    return chunks_[k / kChunk][k % kChunk];
  }
  /// Drops the first n (<= size()) elements without touching them.
  void drop_front(std::size_t n) {
    size_ -= n;
    head_ += n;
    while (head_ >= kChunk) {
      spare_.push_back(std::move(chunks_.front()));
      chunks_.pop_front();
      head_ -= kChunk;
    }
    if (size_ == 0 && !chunks_.empty()) {
      // Empty: start over at the front of the first chunk.
      head_ = 0;
    }
  }
  void pop_front() {
    chunks_[0][head_] = T{};  // release what the slot holds (payload references, strings)
    --size_;
    if (++head_ == kChunk) {
      spare_.push_back(std::move(chunks_.front()));
      chunks_.pop_front();
      head_ = 0;
    }
  }
  void clear() {
    chunks_.clear();
    spare_.clear();
    head_ = size_ = 0;
  }

 private:
  std::deque<std::unique_ptr<T[]>> chunks_;
  std::vector<std::unique_ptr<T[]>> spare_;
  std::size_t head_ = 0, size_ = 0;
};

}  // namespace tcpplay
