// Echo servers (RFC 862 in spirit): every byte or datagram received is sent back.
#pragma once
#include <cstdint>
#include <map>
#include <optional>

#include "app/app_base.h"

namespace tcpplay {

struct TcpEchoParams {
  std::uint16_t port = 7;        ///< listening port
  std::uint32_t backlog = 128;   ///< most connections waiting in SYN_RECEIVED
  std::optional<TcpConfig> tcp;  ///< TCP parameters of its sockets; default: the host's
};

/// Listens on a port; echoes what each connection sends and closes its side when the peer
/// closes (after the echo has been written).
class TcpEchoServer : public AppBase, private TcpObserver {
 public:
  TcpEchoServer(Simulation& sim, Host& host, std::string name, const TcpEchoParams& params);
  ~TcpEchoServer() override;
  const char* kind() const override { return "tcp_echo"; }
  void snapshot(JsonWriter& w) const override;
  const TcpEchoParams& params() const { return params_; }
  std::uint64_t bytes_echoed() const { return bytes_echoed_; }

 private:
  struct Conn {
    TcpConnection* c = nullptr;
    SendQueue out;
    std::uint64_t received = 0, echoed = 0;
    bool peer_closed = false;
  };
  void on_established(TcpConnection& c) override;
  void on_data(TcpConnection& c, const Payload& data) override;
  void on_writable(TcpConnection& c) override;
  void on_peer_closed(TcpConnection& c) override;
  void on_closed(TcpConnection& c, const char* reason) override;
  void maybe_close(Conn& s);

  TcpEchoParams params_;
  std::map<int, Conn> conns_;
  std::uint64_t accepted_ = 0, bytes_echoed_ = 0;
};

struct UdpEchoParams {
  std::uint16_t port = 7;  ///< bound port
};

/// Sends every datagram back to where it came from.
class UdpEchoServer : public AppBase, private UdpObserver {
 public:
  UdpEchoServer(Simulation& sim, Host& host, std::string name, const UdpEchoParams& params);
  ~UdpEchoServer() override;
  const char* kind() const override { return "udp_echo"; }
  void snapshot(JsonWriter& w) const override;
  std::uint64_t echoed() const { return echoed_; }

 private:
  void on_datagram(UdpSocket& s, Ipv4Addr from, std::uint16_t from_port,
                   const Payload& data) override;

  UdpEchoParams params_;
  UdpSocket* socket_ = nullptr;
  std::uint64_t echoed_ = 0, bytes_ = 0;
};

}  // namespace tcpplay
