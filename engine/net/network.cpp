#include "net/network.h"

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
