// A whole run: the network, each host's TCP and UDP, and the applications and middleboxes
// attached to hosts. The scenario loader builds one; the CLI and the WASM API drive it.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "net/network.h"
#include "tcp/tcp_config.h"
#include "tcp/tcp_stack.h"
#include "udp/udp_stack.h"

namespace tcpplay {

class JsonWriter;

/// An application or middlebox attached to the simulation (owned by it).
class Component {
 public:
  virtual ~Component() = default;
  virtual const std::string& name() const = 0;
  virtual const char* kind() const = 0;
  /// Writes the component's state as members of the JSON object `w` has open: its connections
  /// or flows, each with its idle timer deadline, and its counters.
  virtual void snapshot(JsonWriter& w) const = 0;
  /// A `set` action on "app:NAME" or "middlebox:NAME": changes one of the component's live
  /// parameters (the catalogue marks them `live`) while running. Components without any refuse.
  virtual Status set_live(std::string_view param, std::string_view /*value*/) {
    return make_error(std::string(kind()) + " has no live parameter \"" + std::string(param) +
                      "\"");
  }
};

class Simulation {
 public:
  explicit Simulation(std::uint64_t seed = 1) : net_(seed) {}
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;
  ~Simulation();

  Network& net() { return net_; }
  Trace& trace() { return net_.trace(); }
  SimTime now() const { return net_.now(); }

  Host& add_host(const std::string& name, Ipv4Addr addr, const TcpConfig& tcp_defaults);
  TcpStack& tcp(const Host& h) { return *tcp_[static_cast<std::size_t>(h.index())]; }
  UdpStack& udp(const Host& h) { return *udp_[static_cast<std::size_t>(h.index())]; }
  TcpStack& tcp(std::size_t host_index) { return *tcp_[host_index]; }
  UdpStack& udp(std::size_t host_index) { return *udp_[host_index]; }
  /// The connection with this id on any host, or nullptr.
  TcpConnection* connection(int id);

  template <typename T, typename... Args>
  T& add_component(Args&&... args) {
    auto c = std::make_unique<T>(std::forward<Args>(args)...);
    T& ref = *c;
    components_.push_back(std::move(c));
    return ref;
  }
  const std::vector<std::unique_ptr<Component>>& components() const { return components_; }
  Component* find_component(const std::string& name);

  // Running (virtual time never goes backwards).
  void run_until(SimTime t) { net_.sched().run_until(t); }
  bool step() { return net_.sched().step(); }
  SimTime next_event_time() { return net_.sched().next_event_time(); }
  std::uint64_t run_until_idle(SimTime limit = kNever) {
    return net_.sched().run_until_idle(limit);
  }

 private:
  Network net_;
  std::vector<std::unique_ptr<TcpStack>> tcp_;
  std::vector<std::unique_ptr<UdpStack>> udp_;
  std::vector<std::unique_ptr<Component>> components_;
};

}  // namespace tcpplay
