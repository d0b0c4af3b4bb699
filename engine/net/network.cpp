#include "net/network.h"

#include "core/duration.h"

namespace tcpplay {

Host& Network::add_host(const std::string& name, Ipv4Addr addr) {
  hosts_.push_back(std::make_unique<Host>(*this, static_cast<int>(hosts_.size()), name, addr));
  trace_.host_names.push_back(name);
  return *hosts_.back();
}

Link& Network::add_link(const std::string& name, Host& a, Host& b, const LinkParams& params) {
  links_.push_back(
      std::make_unique<Link>(*this, static_cast<int>(links_.size()), name, a, b, params));
  trace_.link_names.push_back(name);
  a.attach(*links_.back());
  b.attach(*links_.back());
  return *links_.back();
}

Host* Network::find_host(std::string_view name) {
  for (auto& h : hosts_)
    if (h->name() == name) return h.get();
  return nullptr;
}

Host* Network::host_by_addr(Ipv4Addr addr) {
  for (auto& h : hosts_)
    if (h->owns(addr)) return h.get();
  return nullptr;
}

Link* Network::find_link(std::string_view name) {
  for (auto& l : links_)
    if (l->name() == name) return l.get();
  return nullptr;
}

void Network::trace_note(int host, std::string text) {
  TraceEvent ev;
  ev.time = now();
  ev.kind = TraceKind::note;
  ev.host = host;
  ev.detail = std::move(text);
  trace_.add(std::move(ev));
}

}  // namespace tcpplay

namespace tcpplay {

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
  if (why.empty()) why = "a routing loop or links with very long delays carrying a flood of packets";
  throw RunLimitExceeded("run stopped at " + format_seconds(now()) + "s: " +
                         std::to_string(packets_held_) +
                         " packets in flight or queued (limit /limits/max_packets = " +
                         std::to_string(max_packets_) + "): likely " + why);
}

}  // namespace tcpplay
