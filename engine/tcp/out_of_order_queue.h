// Segments received out of order, keyed by their offset from IRS+1: a std::map that exists only
// while it holds something (issue 9, benchmark 3). Most connections never see a hole, and an
// empty std::map is 48 bytes of every connection; this is 8. The interface is the part of
// std::map the receive path uses.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <utility>

#include "wire/payload.h"

namespace tcpplay {

class OutOfOrderQueue {
 public:
  using Map = std::map<std::uint32_t, Payload>;
  using iterator = Map::iterator;
  using const_iterator = Map::const_iterator;

  bool empty() const { return !map_ || map_->empty(); }
  iterator begin() { return map().begin(); }
  iterator end() { return map().end(); }
  const_iterator begin() const { return view().begin(); }
  const_iterator end() const { return view().end(); }
  iterator lower_bound(std::uint32_t key) { return map().lower_bound(key); }
  /// Erasing the last entry keeps the (empty) map: holes tend to come in runs.
  iterator erase(iterator it) { return map_->erase(it); }
  template <typename... Args>
  std::pair<iterator, bool> emplace(Args&&... args) {
    return map().emplace(std::forward<Args>(args)...);
  }

 private:
  Map& map() {
    if (!map_) map_ = std::make_unique<Map>();
    return *map_;
  }
  const Map& view() const {
    static const Map kEmpty;
    return map_ ? *map_ : kEmpty;
  }

  std::unique_ptr<Map> map_;
};

}  // namespace tcpplay
