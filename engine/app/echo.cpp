#include "app/echo.h"

namespace tcpplay {

// --- TCP ---------------------------------------------------------------------------------

TcpEchoServer::TcpEchoServer(Simulation& sim, Host& host, std::string name,
                             const TcpEchoParams& params)
    : AppBase(sim, host, std::move(name)), params_(params) {
  const TcpConfig cfg = tcp_config(params_.tcp);
  auto l = tcp().listen(params_.port, params_.backlog, this, &cfg);
  if (!l) {
    narrate("cannot listen: " + l.error());
    return;
  }
  narrate("echo server listening on port " + std::to_string(params_.port));
}

TcpEchoServer::~TcpEchoServer() {
  for (auto& [id, s] : conns_) s.c->set_observer(nullptr);
  if (tcp().listener(params_.port) && tcp().listener(params_.port)->observer == this)
    (void)tcp().unlisten(params_.port);
}

void TcpEchoServer::on_established(TcpConnection& c) {
  ++accepted_;
  conns_[c.id()].c = &c;
  narrate(
      "accepted connection from " + format_endpoint(c.tuple().remote_addr, c.tuple().remote_port),
      &c);
}

void TcpEchoServer::on_data(TcpConnection& c, const Payload& data) {
  auto it = conns_.find(c.id());
  if (it == conns_.end()) return;
  Conn& s = it->second;
  s.received += data.size();
  const std::uint64_t n = s.out.write(c, data);
  s.echoed += n;
  bytes_echoed_ += n;
  narrate("echo " + std::to_string(data.size()) + " bytes", &c);
}

void TcpEchoServer::on_writable(TcpConnection& c) {
  auto it = conns_.find(c.id());
  if (it == conns_.end()) return;
  const std::uint64_t n = it->second.out.flush(c);
  it->second.echoed += n;
  bytes_echoed_ += n;
  maybe_close(it->second);
}

void TcpEchoServer::on_peer_closed(TcpConnection& c) {
  auto it = conns_.find(c.id());
  if (it == conns_.end()) return;
  it->second.peer_closed = true;
  narrate("peer closed its side: closing ours once the echo is written", &c);
  maybe_close(it->second);
}

void TcpEchoServer::maybe_close(Conn& s) {
  if (s.peer_closed && s.out.empty()) s.c->close();
}

void TcpEchoServer::on_closed(TcpConnection& c, const char* reason) {
  auto it = conns_.find(c.id());
  if (it == conns_.end()) return;
  narrate(std::string("connection ") + reason + " after echoing " +
              std::to_string(it->second.echoed) + " bytes",
          &c);
  conns_.erase(it);
}

void TcpEchoServer::snapshot(JsonWriter& w) const {
  snapshot_header(w);
  w.field("port", params_.port).field("accepted", accepted_).field("bytes_echoed", bytes_echoed_);
  w.key("connections").begin_array();
  for (const auto& [id, s] : conns_)
    w.begin_object()
        .field("conn", id)
        .field("peer", format_endpoint(s.c->tuple().remote_addr, s.c->tuple().remote_port))
        .field("state", to_string(s.c->state()))
        .field("received", s.received)
        .field("echoed", s.echoed)
        .field("unsent", s.out.bytes)
        .end_object();
  w.end_array();
}

// --- UDP ---------------------------------------------------------------------------------

UdpEchoServer::UdpEchoServer(Simulation& sim, Host& host, std::string name,
                             const UdpEchoParams& params)
    : AppBase(sim, host, std::move(name)), params_(params) {
  auto s = udp().bind(params_.port, this);
  if (!s) {
    narrate("cannot bind: " + s.error());
    return;
  }
  socket_ = *s;
  narrate("UDP echo server bound to port " + std::to_string(socket_->port()));
}

UdpEchoServer::~UdpEchoServer() {
  if (socket_) socket_->set_observer(nullptr);
}

void UdpEchoServer::on_datagram(UdpSocket& s, Ipv4Addr from, std::uint16_t from_port,
                                const Payload& data) {
  ++echoed_;
  bytes_ += data.size();
  narrate("echo " + std::to_string(data.size()) + " bytes to " + format_endpoint(from, from_port),
          FourTuple{host().addr(), from, s.port(), from_port});
  Status st = s.send_to(from, from_port, data);
  if (!st) narrate("echo failed: " + st.error());
}

void UdpEchoServer::snapshot(JsonWriter& w) const {
  snapshot_header(w);
  w.field("port", params_.port).field("datagrams_echoed", echoed_).field("bytes_echoed", bytes_);
}

}  // namespace tcpplay
