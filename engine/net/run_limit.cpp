// The rare paths of the network, kept out of the per-packet code (and compiled for size in the
// WebAssembly build, wasm_bindings/CMakeLists.txt): a link's duplicate, and the error that ends
// a run holding too many packets.
#include "core/duration.h"
#include "net/network.h"

namespace tcpplay {

std::uint64_t Link::duplicate(int from_side, const Packet& packet, std::uint64_t original,
                              SendInfo info) {
  ++dir_[from_side].stats.duplicated;
  const std::uint64_t copy = net_.trace().add_packet(packet, info);
  TraceEvent ev;
  ev.time = net_.now();
  ev.kind = TraceKind::packet_duplicated;
  ev.host = end(from_side).index();
  ev.link = index_;
  ev.packet_id = copy;
  ev.original = original;
  net_.trace().add(std::move(ev));
  return copy;
}

void Network::limit_exceeded() {
  // Name the links that hold the most: duplicated copies point at a loop, a long queue at a
  // link slower than what feeds it.
  const Link* most_dup = nullptr;
  const Link* most_queued = nullptr;
  std::uint64_t dup = 0, queued = 0;
  for (const auto& l : links_) {
    const Link::DirectionStats a = l->stats(0), b = l->stats(1);
    if (a.duplicated + b.duplicated > dup) {
      dup = a.duplicated + b.duplicated;
      most_dup = l.get();
    }
    if (a.queued + b.queued > queued) {
      queued = a.queued + b.queued;
      most_queued = l.get();
    }
  }
  std::string why;
  if (most_dup)
    why += "a routing loop with duplication (link \"" + most_dup->name() + "\" duplicated " +
           std::to_string(dup) + " packets)";
  if (most_queued)
    why += std::string(why.empty() ? "" : " or ") + "an unbounded queue on a slow link (link \"" +
           most_queued->name() + "\" has " + std::to_string(queued) + " queued)";
  if (why.empty())
    why = "a routing loop or links with very long delays carrying a flood of packets";
  throw RunLimitExceeded(
      "run stopped at " + format_seconds(now()) + "s: " + std::to_string(packets_held_) +
      " packets in flight or queued (limit /limits/max_packets = " + std::to_string(max_packets_) +
      "): likely " + why);
}

}  // namespace tcpplay
