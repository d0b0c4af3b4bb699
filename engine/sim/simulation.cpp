#include "sim/simulation.h"

namespace tcpplay {

Simulation::~Simulation() {
  // Apps and middleboxes hold pointers into stacks; stacks into hosts. Tear down in that order.
  components_.clear();
  udp_.clear();
  tcp_.clear();
}

Host& Simulation::add_host(const std::string& name, Ipv4Addr addr, const TcpConfig& tcp_defaults) {
  Host& h = net_.add_host(name, addr);
  tcp_.push_back(std::make_unique<TcpStack>(net_, h, tcp_defaults));
  udp_.push_back(std::make_unique<UdpStack>(net_, h));
  tcp_.back()->set_peer_lookup([this](Ipv4Addr a) -> TcpStack* {
    Host* peer = net_.host_by_addr(a);
    return peer ? tcp_[static_cast<std::size_t>(peer->index())].get() : nullptr;
  });
  h.add_handler(tcp_.back().get());
  h.add_handler(udp_.back().get());
  return h;
}

TcpConnection* Simulation::connection(int id) {
  for (auto& t : tcp_)
    if (TcpConnection* c = t->find(id)) return c;
  return nullptr;
}

Component* Simulation::find_component(const std::string& name) {
  for (auto& c : components_)
    if (c->name() == name) return c.get();
  return nullptr;
}

}  // namespace tcpplay
