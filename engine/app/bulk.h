// Bulk transfer: a sender that keeps its send buffer full of generated pattern bytes (nothing is
// copied: Payload::pattern is a function of the stream offset) and a sink that reads at a
// configurable rate, checks every byte against the same pattern stream, and reports goodput.
#pragma once
#include <cstdint>
#include <map>
#include <optional>

#include "app/app_base.h"

namespace tcpplay {

struct BulkSenderParams {
  Endpoint to;                    ///< the sink's address and port
  std::uint16_t src_port = 0;     ///< 0 = next free ephemeral port
  SimTime start = 0;              ///< when to connect
  std::uint64_t bytes = 1000000;  ///< bytes to send; 0 = no byte limit (then `duration` ends it)
  SimTime duration =
      0;  ///< stop queueing this long after the connection is established; 0 = no limit
  std::uint32_t pattern_seed = 1;  ///< pattern stream; the sink must use the same seed
  bool close_when_done = true;     ///< FIN after the last byte
  std::optional<TcpConfig> tcp;    ///< TCP parameters; default: the host's
};

/// Connects at `start`, writes until `bytes` (or `duration`) is reached, then closes.
class BulkSender : public AppBase, private TcpObserver {
 public:
  BulkSender(Simulation& sim, Host& host, std::string name, const BulkSenderParams& params);
  ~BulkSender() override;
  const char* kind() const override { return "bulk_sender"; }
  void snapshot(JsonWriter& w) const override;

  std::uint64_t bytes_queued() const { return queued_; }
  /// Bytes the peer acknowledged (the connection's count, kept after it closes).
  std::uint64_t bytes_acked() const;
  bool done() const { return done_; }
  TcpConnection* connection() const { return conn_; }

 private:
  void start();
  void fill();
  void finish_sending(const std::string& why);
  void on_established(TcpConnection& c) override;
  void on_writable(TcpConnection& c) override;
  void on_closed(TcpConnection& c, const char* reason) override;

  BulkSenderParams params_;
  TcpConnection* conn_ = nullptr;
  int conn_id_ = -1;
  TimerId start_timer_ = 0, stop_timer_ = 0;
  std::uint64_t queued_ = 0, acked_at_close_ = 0;
  SimTime established_at_ = kNever, closed_at_ = kNever;
  bool done_ = false;
  std::string close_reason_;
};

struct BulkSinkParams {
  std::uint16_t port = 5001;  ///< listening port
  std::uint32_t backlog = 128;
  std::uint64_t read_rate =
      0;  ///< bytes/s the application reads (TcpConfig::read_rate); 0 = at once
  std::uint32_t pattern_seed = 1;  ///< pattern stream the sender uses
  bool verify = true;              ///< check every byte against the pattern stream
  std::optional<TcpConfig> tcp;    ///< TCP parameters; default: the host's (read_rate overrides)
};

/// Accepts connections, reads (at `read_rate`), verifies, and closes when the peer closes.
class BulkSink : public AppBase, private TcpObserver {
 public:
  BulkSink(Simulation& sim, Host& host, std::string name, const BulkSinkParams& params);
  ~BulkSink() override;
  const char* kind() const override { return "bulk_sink"; }
  void snapshot(JsonWriter& w) const override;

  struct Stats {
    int conn = -1;
    std::string peer;
    std::uint64_t bytes = 0, mismatches = 0;
    SimTime established_at = kNever, first_byte_at = kNever, last_byte_at = kNever;
    bool finished = false;  ///< the peer's FIN was read
    std::string closed;     ///< close reason, once closed
    /// Bits per second from the connection's establishment to the last byte read.
    std::uint64_t goodput_bps() const;
  };
  /// One entry per accepted connection, in order of acceptance.
  const std::vector<Stats>& stats() const { return stats_; }
  std::uint64_t total_bytes() const;
  std::uint64_t total_mismatches() const;

 private:
  void on_established(TcpConnection& c) override;
  void on_data(TcpConnection& c, const Payload& data) override;
  void on_peer_closed(TcpConnection& c) override;
  void on_closed(TcpConnection& c, const char* reason) override;
  Stats* find(int conn);

  BulkSinkParams params_;
  std::vector<Stats> stats_;
  std::map<int, TcpConnection*> live_;
};

}  // namespace tcpplay
