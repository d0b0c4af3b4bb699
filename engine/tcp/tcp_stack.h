// A host's TCP: the connection table and demultiplexing, listening sockets with backlogs, the
// RST for segments that match no socket (RFC 9293 §3.10.7.1), crafted-segment injection, and
// manual mode (the host's TCP stays silent so a person can answer by hand).
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/rng.h"
#include "core/scheduler.h"
#include "net/host.h"
#include "tcp/tcp_config.h"
#include "tcp/tcp_connection.h"
#include "tcp/tcp_socket_api.h"

namespace tcpplay {

class Network;

/// The reset RFC 9293 §3.10.7.1 prescribes for a segment that matches no connection:
/// ACK off -> <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; ACK on -> <SEQ=SEG.ACK><CTL=RST>.
/// Addressed back to the segment's sender, from its destination.
Packet reset_for(const Packet& segment, std::uint16_t ip_id);

struct TcpListener {
  std::uint16_t port = 0;
  std::uint32_t backlog = 128;  ///< most connections waiting in SYN_RECEIVED
  std::uint32_t pending = 0;    ///< connections now in SYN_RECEIVED
  TcpObserver* observer = nullptr;
  TcpConfig config;
  /// A fixed ISS for every connection this listener accepts (a scenario's `isn` on listen), for
  /// tests; unset = the stack's rule (TcpStack::choose_iss).
  std::optional<std::uint32_t> iss;
};

/// What is left of a connection after it closed, for summaries.
struct ClosedConnection {
  int id;
  FourTuple tuple;
  std::string reason;
  SimTime closed_at;
  std::uint64_t bytes_sent, bytes_delivered;
  std::vector<TcpSample> series;        ///< kept, so a finished transfer can still be plotted
  std::uint32_t series_generation = 0;  ///< TcpConnection::series_generation() at the end
};

class TcpStack : public PacketHandler, public EventHandler {
 public:
  TcpStack(Network& net, Host& host, const TcpConfig& defaults);
  ~TcpStack() override;

  Host& host() { return host_; }
  Network& net() { return net_; }
  TcpConfig& defaults() { return defaults_; }

  Result<TcpListener*> listen(std::uint16_t port, std::uint32_t backlog, TcpObserver* observer,
                              const TcpConfig* config = nullptr);
  Status unlisten(std::uint16_t port);
  TcpListener* listener(std::uint16_t port);
  /// Active open. src_port 0 picks the next free ephemeral port (from 40000); `iss` fixes the
  /// connection's initial sequence number (choose_iss).
  Result<TcpConnection*> connect(Ipv4Addr dst, std::uint16_t dst_port, std::uint16_t src_port,
                                 TcpObserver* observer, const TcpConfig* config = nullptr,
                                 std::optional<std::uint32_t> iss = std::nullopt);

  TcpConnection* find(const FourTuple& t);
  TcpConnection* find(int id);
  /// Live connections in id order.
  std::vector<TcpConnection*> connections() const;
  /// The most recent closed connections, oldest first: at most kMaxClosed, so that a long run
  /// with many short connections keeps flat memory; older ones are only counted.
  const std::deque<ClosedConnection>& closed() const { return closed_; }
  std::uint64_t closed_not_kept() const { return closed_not_kept_; }
  static constexpr std::size_t kMaxClosed = 1000;
  const std::map<std::uint16_t, TcpListener>& listeners() const { return listeners_; }

  /// Manual mode: the host's TCP answers nothing by itself (no SYN-ACK, ACK, RST, retransmission);
  /// segments that arrive are traced and left for a person to answer with inject().
  bool manual = false;

  /// A fixed ISS for every connection of this host (a scenario's host `tcp.isn`), for tests;
  /// unset = a number from the host's seeded ISN stream.
  std::optional<std::uint32_t> fixed_isn;

  /// Sends a crafted segment from this host. Unset seq/ack are filled so that the receiver
  /// accepts the segment: from the receiver's own connection when the simulation has one
  /// (its RCV.NXT and SND.NXT), else from this host's connection (SND.NXT / RCV.NXT), else, in
  /// manual mode, from the last segment seen on the 4-tuple.
  Status inject(const CraftedSegment& seg, Ipv4Addr dst);
  /// The seq/ack that inject() would fill in for a 4-tuple (for the UI's helper).
  struct SeqAck {
    std::uint32_t seq;
    std::uint32_t ack;
  };
  SeqAck suggest_seq_ack(const FourTuple& t) const {
    return known_seq_ack(t).value_or(SeqAck{0, 0});
  }
  /// The same, or nothing when neither end has a connection on the 4-tuple and manual mode saw
  /// no segment on it.
  std::optional<SeqAck> known_seq_ack(const FourTuple& t) const;
  /// The initial sequence numbers of the two directions of a 4-tuple seen from this host (the
  /// sender of a crafted segment): `local` is this side's ISN (the base of a relative seq),
  /// `remote` the other side's (the base of a relative ack and SACK blocks). From the receiver's
  /// connection when the simulation has one (its IRS and ISS), else from this host's (ISS and
  /// IRS), else, in manual mode, from the SYNs seen and sent on the 4-tuple; each unset when
  /// unknown (a connection in SYN_SENT has not seen the other side's ISN yet).
  struct Isns {
    std::optional<std::uint32_t> local, remote;
  };
  Isns known_isns(const FourTuple& t) const;

  /// How inject() finds the receiving host's TCP (set by the Simulation).
  void set_peer_lookup(std::function<TcpStack*(Ipv4Addr)> lookup) {
    peer_lookup_ = std::move(lookup);
  }

  bool handle(const Packet& p, int from_link, std::uint64_t packet_id) override;
  void on_event(std::uint32_t kind, std::uint64_t arg) override;

  // For connections.
  void transmit(Packet&& p, SendInfo info = {});
  void release(TcpConnection* c, const char* reason);
  void on_child_established(TcpConnection* c);
  void on_child_gone(TcpConnection* c);
  std::uint32_t next_isn();
  /// The ISS of a new connection: `fixed` if given, else the host's fixed_isn, else a number
  /// from the host's seeded stream, which stands in for RFC 6528's clock plus keyed hash
  /// (RFC 9293 §3.4.1). The stream is drawn from either way, so fixing one connection's ISS
  /// leaves the numbers of every other connection as they were.
  std::uint32_t choose_iss(std::optional<std::uint32_t> fixed);
  std::uint32_t path_mtu(Ipv4Addr dst) const;

 private:
  void reply_rst_for(const Packet& p);  // RFC 9293 §3.10.7.1
  void on_listen_segment(TcpListener& l, const Packet& p, std::uint64_t packet_id);
  void remember_seen(const Packet& p);
  /// One immutable copy of `cfg` shared by every connection made with equal settings, so that
  /// 10,000 connections do not each carry their own TcpConfig (issue 9, benchmark 3).
  std::shared_ptr<const TcpConfig> shared_config(const TcpConfig& cfg);

  Network& net_;
  Host& host_;
  TcpConfig defaults_;
  HandlerId handler_;
  Rng isn_rng_;
  std::map<std::uint16_t, TcpListener> listeners_;
  std::map<FourTuple, std::unique_ptr<TcpConnection>> conns_;
  TcpConnection* last_found_ = nullptr;  // find()'s last answer; reset when conns_ changes
  std::map<TcpConnection*, int> listener_children_;  // SYN_RECEIVED child -> listening port
  std::vector<std::unique_ptr<TcpConnection>> graveyard_;
  std::deque<ClosedConnection> closed_;
  std::uint64_t closed_not_kept_ = 0;
  std::map<FourTuple, SeqAck> seen_;     // manual mode: last seq/ack seen per 4-tuple
  std::map<FourTuple, Isns> seen_isns_;  // manual mode: the ISNs of the SYNs seen and sent
  std::uint16_t next_ephemeral_ = 40000;
  std::function<TcpStack*(Ipv4Addr)> peer_lookup_;
  std::vector<std::shared_ptr<const TcpConfig>> shared_configs_;  // a few, most recent last
};

}  // namespace tcpplay
