// The SACKed ranges above SND.UNA, sorted (RFC 6675 §3 scoreboard): a vector that exists only
// once the peer has SACKed something (issue 9, benchmark 3). An idle connection never needs
// one; this is 8 bytes of it instead of 24. The interface is the part of std::vector the
// recovery code uses; iterators are pointers.
#pragma once
#include <cstddef>
#include <iterator>
#include <memory>
#include <vector>

#include "wire/tcp_header.h"

namespace tcpplay {

class SackScoreboard {
 public:
  bool empty() const { return size() == 0; }
  std::size_t size() const { return blocks_ ? blocks_->size() : 0; }
  const SackBlock& front() const { return (*blocks_)[0]; }
  SackBlock& operator[](std::size_t i) { return (*blocks_)[i]; }
  const SackBlock& operator[](std::size_t i) const { return (*blocks_)[i]; }

  SackBlock* begin() { return blocks_ ? blocks_->data() : nullptr; }
  SackBlock* end() { return begin() + size(); }
  const SackBlock* begin() const { return blocks_ ? blocks_->data() : nullptr; }
  const SackBlock* end() const { return begin() + size(); }
  std::reverse_iterator<const SackBlock*> rbegin() const {
    return std::reverse_iterator<const SackBlock*>(end());
  }
  std::reverse_iterator<const SackBlock*> rend() const {
    return std::reverse_iterator<const SackBlock*>(begin());
  }

  void push_back(const SackBlock& b) {
    if (!blocks_) blocks_ = std::make_unique<std::vector<SackBlock>>();
    blocks_->push_back(b);
  }
  /// Shrinking only (what merging needs).
  void resize(std::size_t n) {
    if (blocks_) blocks_->resize(n);
  }
  /// Keeps the vector's storage: a connection that recovered once will likely recover again.
  void clear() {
    if (blocks_) blocks_->clear();
  }

 private:
  std::unique_ptr<std::vector<SackBlock>> blocks_;
};

}  // namespace tcpplay
