// An L7 reverse proxy that behaves like an AWS Application Load Balancer (facts and sources:
// ../shared/docs/domain-facts.md §6). It runs on its own host:
//
//   client ──TCP──> [ALB: listener port]   [ALB] ──TCP──> target (round-robin over `targets`)
//
// It terminates the client's TCP, parses HTTP/1.1 requests, forwards each over its own TCP
// connection to a target (reusing an idle keep-alive connection to that target when it has
// one), and forwards the response back. Behaviour, as the AWS documentation describes it:
//
//   * Idle timeout (default 60 s, AWS range 1-4000 s) on BOTH connections, counted from the last
//     data byte sent or received on that connection. TCP keepalives do not count (they carry no
//     data), so they do not keep an ALB connection open.
//       - expires while a request is outstanding: the client gets "HTTP/1.1 504 Gateway
//         Time-out" and both connections are closed;
//       - expires on an idle client connection, or on an idle pooled target connection: that
//         connection is closed.
//   * The target resets (RST) or closes (FIN) while a request is outstanding: 502 Bad Gateway.
//     The target refuses the connection (RST to the SYN): 502.
//   * No connection to the target within `connect_timeout` (default 10 s): 504.
//   * No targets: 503. The client closes with a request outstanding: the target connection is
//     closed too (an ALB logs this as 460).
//
// How the ALB closes a connection is not documented (FIN or RST). This proxy closes with FIN by
// default; `close_with = "rst"` makes it abort with RST instead. The snapshot says so.
//
// Hop-by-hop fields (Connection, Keep-Alive) are not forwarded; X-Forwarded-For is added.
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/app_base.h"
#include "app/http_message.h"

namespace tcpplay {

struct AlbParams {
  std::uint16_t port = 80;  ///< listener port on the ALB's host
  std::uint32_t backlog = 1024;
  std::vector<Endpoint> targets;        ///< target group, used round-robin
  SimTime idle_timeout = 60 * kSecond;  ///< connection idle timeout, both sides (AWS default 60 s)
  SimTime connect_timeout =
      10 * kSecond;                ///< connecting to a target longer than this: 504 (AWS: 10 s)
  std::string close_with = "fin";  ///< "fin" or "rst": how the ALB closes (undocumented by AWS)
  bool reuse_target_connections = true;  ///< keep-alive reuse of idle target connections
  bool x_forwarded_for = true;           ///< add X-Forwarded-For with the client's address
  std::optional<TcpConfig> tcp;          ///< TCP parameters of both sides; default: the host's
};

class AlbProxy : public AppBase {
 public:
  AlbProxy(Simulation& sim, Host& host, std::string name, const AlbParams& params);
  ~AlbProxy() override;
  const char* kind() const override { return "alb"; }
  void snapshot(JsonWriter& w) const override;
  const AlbParams& params() const { return params_; }
  /// Live parameters (a `set` on "middlebox:NAME"): idle_timeout (at least 1 s),
  /// connect_timeout (at least 1 s), close_with ("fin" | "rst"). Checks `value` and changes `p`
  /// only; set_live() also moves the timers already armed.
  static Status set_param(AlbParams& p, std::string_view name, std::string_view value);
  Status set_live(std::string_view name, std::string_view value) override;

  struct Counters {
    std::uint64_t client_connections = 0, requests = 0, responses = 0;
    std::uint64_t http_502 = 0, http_503 = 0, http_504 = 0, client_closed_460 = 0, http_400 = 0;
    std::uint64_t client_idle_closes = 0, target_idle_closes = 0;
    std::uint64_t target_connections = 0, target_reuses = 0;
  };
  const Counters& counters() const { return counters_; }

 private:
  struct Front {  // client <-> ALB
    TcpConnection* c = nullptr;
    HttpParser parser{true};
    std::deque<HttpMessage> waiting;
    bool outstanding = false;  ///< a request is with a target, no response yet
    std::string current;       ///< what it is, for narration
    SimTime forwarded_at = 0;
    int back = -1;             ///< target connection serving it
    bool close_after = false;  ///< the client asked for Connection: close
    IdleTimer idle;
    SendQueue out;
    bool closing = false;
    std::uint64_t requests = 0;
  };
  struct Back {  // ALB <-> target
    TcpConnection* c = nullptr;
    Endpoint target;
    HttpParser parser{false};
    int front = -1;  ///< client connection whose request it carries (-1 = idle)
    bool established = false;
    std::optional<HttpMessage> pending;  ///< request waiting for the handshake
    TimerId connect_timer = 0;
    SimTime connect_started = 0;  ///< when connect_timer was armed (a live change counts from it)
    IdleTimer idle;
    SendQueue out;
    bool closing = false;
    std::uint64_t served = 0;
  };
  struct FrontSide : TcpObserver {
    AlbProxy* alb;
    void on_established(TcpConnection& c) override { alb->front_established(c); }
    void on_data(TcpConnection& c, const Payload& d) override { alb->front_data(c, d); }
    void on_writable(TcpConnection& c) override { alb->front_writable(c); }
    void on_peer_closed(TcpConnection& c) override { alb->front_peer_closed(c); }
    void on_closed(TcpConnection& c, const char* r) override { alb->front_closed(c, r); }
  };
  struct BackSide : TcpObserver {
    AlbProxy* alb;
    void on_established(TcpConnection& c) override { alb->back_established(c); }
    void on_data(TcpConnection& c, const Payload& d) override { alb->back_data(c, d); }
    void on_writable(TcpConnection& c) override { alb->back_writable(c); }
    void on_peer_closed(TcpConnection& c) override { alb->back_peer_closed(c); }
    void on_closed(TcpConnection& c, const char* r) override { alb->back_closed(c, r); }
  };

  void front_established(TcpConnection& c);
  void front_data(TcpConnection& c, const Payload& d);
  void front_writable(TcpConnection& c);
  void front_peer_closed(TcpConnection& c);
  void front_closed(TcpConnection& c, const char* reason);
  void back_established(TcpConnection& c);
  void back_data(TcpConnection& c, const Payload& d);
  void back_writable(TcpConnection& c);
  void back_peer_closed(TcpConnection& c);
  void back_closed(TcpConnection& c, const char* reason);

  void dispatch(int front);
  void send_to_target(Back& b, const HttpMessage& req);
  /// Answers the client's outstanding request with an error of the ALB's own.
  void answer_error(Front& f, int status, const std::string& why);
  void on_front_idle(int front);
  void on_back_idle(int back);
  void on_connect_timeout(int back);
  /// The idle timeout hit with a request outstanding: 504, then both connections are closed.
  void gateway_timeout(int front, int back, const std::string& which);
  /// Closes with FIN (after the queued bytes) or RST, per `close_with`. May erase the entry.
  void close_front(int front, const std::string& why);
  void close_back(int back, const std::string& why);
  const char* close_word() const;

  AlbParams params_;
  FrontSide front_side_{};
  BackSide back_side_{};
  std::map<int, Front> fronts_;
  std::map<int, Back> backs_;
  std::size_t next_target_ = 0;
  Counters counters_;
};

}  // namespace tcpplay
