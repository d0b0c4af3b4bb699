// A FIFO of payload chunks for a connection's send buffer and receive queue: a ring that
// allocates nothing until the first push_back (issue 9, benchmark 3). An idle connection has
// both queues empty, and libstdc++'s std::deque allocates a map and a 512-byte chunk even when
// empty (about 544 bytes each); this is 24 bytes and no heap block. It grows by doubling and
// keeps its storage once it has some, so a busy connection does not allocate per segment.
#pragma once
#include <cstdint>
#include <memory>
#include <utility>

#include "wire/payload.h"

namespace tcpplay {

class PayloadQueue {
 public:
  bool empty() const { return count_ == 0; }
  std::size_t size() const { return count_; }

  Payload& operator[](std::size_t i) { return slots_[(head_ + i) & (capacity_ - 1)]; }
  const Payload& operator[](std::size_t i) const { return slots_[(head_ + i) & (capacity_ - 1)]; }
  Payload& front() { return slots_[head_]; }
  const Payload& front() const { return slots_[head_]; }
  Payload& back() { return (*this)[count_ - 1]; }
  const Payload& back() const { return (*this)[count_ - 1]; }

  void push_back(Payload p) {
    if (count_ == capacity_) grow();
    (*this)[count_] = std::move(p);
    ++count_;
  }
  void pop_front() {
    slots_[head_] = Payload{};  // release the chunk's bytes now
    head_ = (head_ + 1) & (capacity_ - 1);
    --count_;
  }
  void clear() {
    while (count_ > 0) pop_front();
    head_ = 0;
  }

 private:
  void grow() {
    const std::uint32_t cap = capacity_ == 0 ? 2 : capacity_ * 2;  // a power of two
    auto next = std::make_unique<Payload[]>(cap);
    for (std::uint32_t i = 0; i < count_; ++i) next[i] = std::move((*this)[i]);
    slots_ = std::move(next);
    capacity_ = cap;
    head_ = 0;
  }

  std::unique_ptr<Payload[]> slots_;
  std::uint32_t head_ = 0;
  std::uint32_t count_ = 0;
  std::uint32_t capacity_ = 0;
};

}  // namespace tcpplay
