// One TCP connection: the TCB of RFC 9293 §3.3.1 and everything that acts on it.
// The implementation is split by job:
//   tcp_connection.cpp  user calls (open, send, close, abort, read), state changes, snapshot
//   tcp_input.cpp       segment arrival, in the order of RFC 9293 §3.10.7
//   tcp_output.cpp      what to send and when: data, ACKs, SYN, FIN, RST; windows; options
//   tcp_timers.cpp      retransmission, persist, delayed ACK, keepalive, TIME_WAIT and the rest
//   tcp_recovery.cpp    duplicate ACKs, fast retransmit, NewReno and SACK loss recovery
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/scheduler.h"
#include "tcp/cc/congestion_control.h"
#include "tcp/out_of_order_queue.h"
#include "tcp/payload_queue.h"
#include "tcp/rtt_estimator.h"
#include "tcp/sack_scoreboard.h"
#include "tcp/tcp_config.h"
#include "tcp/tcp_socket_api.h"
#include "tcp/tcp_state.h"
#include "trace/packet_meta.h"
#include "trace/trace.h"
#include "wire/packet.h"

namespace tcpplay {

class TcpStack;

/// A connection's pending timer, for snapshots.
struct TimerView {
  const char* name;
  SimTime deadline;
};

/// One point of a connection's time series (plotted by the UI).
struct TcpSample {
  SimTime t;
  std::uint32_t cwnd, ssthresh, in_flight, rwnd;
  SimTime srtt, rto;
};

struct TcpSnapshot {
  int id = -1;
  std::string host;
  FourTuple tuple;
  TcpState state = TcpState::closed;
  bool passive = false;
  bool manual = false;
  std::uint32_t iss = 0, irs = 0;
  std::uint32_t snd_una = 0, snd_nxt = 0, snd_wnd = 0;
  std::uint32_t rcv_nxt = 0, rcv_wnd = 0;
  std::uint32_t send_buffered = 0, send_buffer = 0;  ///< bytes queued (unsent + unacked) / size
  std::uint32_t recv_buffered = 0,
                recv_buffer = 0;  ///< bytes waiting for the app (+ out of order) / size
  std::uint32_t cwnd = 0, ssthresh = 0, in_flight = 0, mss = 0;
  SimTime srtt = 0, rttvar = 0, rto = 0;
  bool sack = false, timestamps = false;
  int snd_wscale = -1, rcv_wscale = -1;  ///< -1 = window scaling not in use
  std::string congestion_control;
  bool in_recovery = false;
  std::uint64_t bytes_sent = 0, bytes_acked = 0, bytes_delivered = 0, retransmits = 0;
  std::vector<TimerView> timers;
};

class TcpConnection : public EventHandler {
 public:
  /// `cfg` is shared with the other connections of the stack or listener that made this one;
  /// set_option() gives the connection a copy of its own first (copy on write).
  TcpConnection(TcpStack& stack, int id, const FourTuple& tuple,
                std::shared_ptr<const TcpConfig> cfg);
  ~TcpConnection() override;
  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;

  int id() const { return id_; }
  const FourTuple& tuple() const { return tuple_; }
  TcpState state() const { return state_; }
  const TcpConfig& config() const { return *cfg_; }
  TcpStack& stack() { return stack_; }
  TcpObserver* observer() const { return observer_; }
  void set_observer(TcpObserver* o) { observer_ = o; }

  // --- user calls (RFC 9293 §3.10.1–3.10.6) ---
  /// CLOSED -> SYN_SENT, sends SYN. `iss`: a fixed ISS instead of the stack's (TcpStack::choose_iss).
  void open_active(std::optional<std::uint32_t> iss = std::nullopt);
  /// From a listener: -> SYN_RECEIVED, with the listener's fixed ISS if it has one.
  void open_passive(const Packet& syn, std::uint64_t packet_id,
                    std::optional<std::uint32_t> iss = std::nullopt);
  /// Queues bytes; returns how many fit in the send buffer. `urgent` marks them urgent (URG).
  std::uint32_t send(const Payload& data, bool urgent = false);
  std::uint32_t send_space() const;
  void shutdown_write();  ///< half-close: FIN after the queued data; keeps receiving
  void close();           ///< full close: FIN, and data arriving afterwards is answered with RST
  /// Sends RST and drops the connection (RFC 9293 §3.10.5); `cause` is traced.
  void abort(const char* cause = "abort");
  /// A parameter (TcpConfig) or a Linux socket option name (TcpConfig::socket_options()).
  Status set_option(std::string_view name, std::string_view value);
  /// With read_rate > 0 the app reads on a timer; with manual reads (read_rate = 0 and
  /// auto_read false) the app calls read() (see auto_read below).
  std::uint32_t read(std::uint32_t max_bytes);

  TcpSnapshot snapshot() const;
  const std::vector<TcpSample>& series() const { return series_; }
  /// How many times the series was thinned (each rewrote the samples already there): the
  /// spacing starts at 0 and is 1 ms after the first, doubled by each later one.
  std::uint32_t series_generation() const {
    std::uint32_t g = 0;
    for (SimTime s = series_spacing_; s >= kMillisecond; s /= 2) ++g;
    return g;
  }
  std::uint32_t snd_nxt() const { return snd_nxt_; }
  std::uint32_t rcv_nxt() const { return rcv_nxt_; }
  /// The initial send and receive sequence numbers (RFC 9293 §3.4); irs() is known once a SYN
  /// was received (irs_known()).
  std::uint32_t iss() const { return iss_; }
  std::uint32_t irs() const { return irs_; }
  bool irs_known() const {
    return state_ != TcpState::closed && state_ != TcpState::listen && state_ != TcpState::syn_sent;
  }
  bool is_gone() const { return gone_; }
  /// In-order bytes waiting for read().
  std::uint32_t readable_bytes() const { return recv_queued_; }
  /// The peer's FIN is in and every byte before it has been read: read() returns end of file.
  bool peer_closed() const { return peer_fin_ && recv_queued_ == 0; }
  /// The application has shut down its sending side (shutdown or close): send() takes nothing.
  bool is_write_shut() const { return fin_queued_; }

  // --- from the stack ---
  void on_segment(const Packet& p, std::uint64_t packet_id);
  void on_event(std::uint32_t kind, std::uint64_t arg) override;
  bool is_current(std::uint32_t kind, std::uint64_t arg) const override;

 private:
  friend class TcpStack;
  enum TimerKind : std::uint32_t {
    kRetransmit,
    kPersist,
    kDelayedAck,
    kKeepalive,
    kTimeWait,
    kFinWait2,
    kConnect,
    kRead,
    kIdle,
    kCork,
    kTimerCount
  };
  static const char* timer_name(TimerKind k);

  // tcp_connection.cpp
  void set_state(TcpState s, const std::string& cause);
  void finish(const char* reason, const std::string& cause);  // -> CLOSED, notify, release
  Status apply_option(std::string_view name, std::string_view value);
  void trace_error_of_close(TcpState old, const char* reason, const std::string& cause);
  void trace_drop(std::uint64_t packet_id, const char* reason);
  void deliver_to_app();
  void record_sample();

  // tcp_timers.cpp
  void arm(TimerKind k, SimTime delay);
  void disarm(TimerKind k);
  bool armed(TimerKind k) const { return timers_[k].armed(); }
  void on_retransmit_timeout();
  void on_persist_timeout();
  void on_keepalive_timeout();
  void on_read_timer();
  void restart_keepalive();
  void restart_idle();
  /// A live change of the parameter that sets timer k's length, from old_len to new_len: an
  /// armed timer gets deadline = its start + new_len (at once if that has passed), traced as a
  /// timer_set with the detail "param_change"; a length of 0 turns off the timers where 0 means
  /// off (FIN_WAIT_2, connect, idle).
  void rearm_for_param(TimerKind k, SimTime old_len, SimTime new_len);

  // tcp_input.cpp
  void input_syn_sent(const Packet& p, std::uint64_t packet_id);
  bool acceptable(const Packet& p, std::uint32_t seg_len) const;
  bool check_rst(const Packet& p, std::uint64_t packet_id);
  bool check_syn(const Packet& p, std::uint64_t packet_id);
  bool process_ack(const Packet& p, std::uint64_t packet_id, const TcpOptions& o);
  void process_urgent(const Packet& p);
  void process_text(const Packet& p, std::uint32_t seq, const Payload& data);
  void process_fin(const Packet& p);
  void read_options(const TcpOptions& o, bool syn);
  void update_ts_recent(const Packet& p, const TcpOptions& o);
  void on_new_ack(std::uint32_t ack, const TcpOptions& o, bool ece);
  void update_window(const Packet& p);

  // tcp_output.cpp
  void output();  // sends whatever the windows, Nagle and SWS avoidance allow
  bool send_one_data_segment(std::uint32_t max_len = UINT32_MAX);
  // `tag` says why, for the trace (packet_meta.h).
  void send_segment(std::uint16_t flags, std::uint32_t seq, Payload data, bool syn_options,
                    PacketTag tag = PacketTag::none);
  void send_ack(PacketTag tag = PacketTag::none);
  void send_ack_limited(const Packet& p,
                        std::uint64_t packet_id,  // answers to invalid segments, rate-limited
                        PacketTag tag = PacketTag::none);
  void send_rst(std::uint32_t seq);
  void send_syn(bool with_ack, PacketTag tag = PacketTag::none);
  void send_window_probe();
  void send_keepalive_probe();
  void schedule_ack(bool immediate, bool full_sized = true);
  std::uint16_t advertised_window();
  std::uint32_t receive_space() const;
  Payload send_data(std::uint32_t offset, std::uint32_t len) const;
  std::uint32_t data_end_seq() const;  // seq just after the last byte queued
  std::uint32_t flight_size() const;
  TcpOptions build_options(bool syn) const;
  void write_options(TcpOptionBytes& out, bool syn) const;  // into a new segment's empty options
  std::uint32_t ts_now() const;

  // tcp_recovery.cpp
  void on_dup_ack();
  void enter_recovery();
  void on_ack_in_recovery(std::uint32_t ack, std::uint32_t acked);
  void retransmit_first_unacked();
  void update_scoreboard(const TcpOptions& o);
  bool sack_next_segment();
  void send_in_recovery();  // RFC 6675 §5 step (C), sized by PRR (RFC 6937) when configured
  void prr_on_ack();        // RFC 6937 §3, once per ACK that delivered data
  std::uint32_t delivered_mark() const;  // SND.UNA + SACKed octets above it
  std::uint32_t sack_pipe() const;
  std::uint32_t sack_lost_below() const;  // un-SACKed octets below this are lost (RFC 6675 IsLost)
  void process_segment(const Packet& p, std::uint64_t packet_id, const TcpOptions& o);
  void enter_time_wait(const std::string& cause);

  // Members are ordered by size, not only by topic, so that the object has no padding holes:
  // with 10,000 idle connections (issue 9, benchmark 3) every byte here counts 20,000 times.
  TcpStack& stack_;
  std::shared_ptr<const TcpConfig> cfg_;  // immutable; replaced, never changed in place
  TcpObserver* observer_ = nullptr;
  HandlerId handler_;
  Timer timers_[kTimerCount];
  int id_;
  FourTuple tuple_;

  // Send sequence space (RFC 9293 §3.3.1).
  PayloadQueue send_buf_;        // unacknowledged and unsent data, starting at buf_seq_
  std::uint64_t write_end_ = 0;  // stream offset just after the last byte of the last write
  std::uint32_t iss_ = 0, snd_una_ = 0, snd_nxt_ = 0, snd_max_ = 0;
  std::uint32_t snd_wnd_ = 0, snd_wl1_ = 0, snd_wl2_ = 0, max_snd_wnd_ = 0;
  std::uint32_t snd_up_ = 0;
  std::uint32_t buf_seq_ = 0;               // sequence number of the first byte in send_buf_
  mutable std::uint32_t cursor_chunk_ = 0;  // send_data() resumes its walk here: this chunk
  mutable std::uint32_t cursor_start_ = 0;  // starts at this offset from buf_seq_
  std::uint32_t fin_seq_ = 0;               // sequence number our FIN occupies, once sent
  std::uint32_t send_buffered_ = 0;

  // Receive sequence space.
  PayloadQueue recv_queue_;  // in order, not yet read by the app
  OutOfOrderQueue ooo_;      // out of order, keyed by offset from IRS+1
  std::uint32_t irs_ = 0, rcv_nxt_ = 0, rcv_adv_ = 0;
  std::uint32_t rcv_up_ = 0;
  std::uint32_t recv_queued_ = 0;
  std::uint32_t ooo_bytes_ = 0;
  std::uint32_t ooo_fin_offset_ = 0;
  std::uint32_t segs_unacked_ = 0;  // full segments received since the last ACK we sent

  // Negotiated options.
  std::uint32_t eff_mss_ = 536;  // payload bytes per segment (RFC 9293 §3.7.1 default 536)
  std::uint32_t peer_mss_ = 536;
  std::uint32_t ts_recent_ = 0, ts_offset_ = 0, last_ack_sent_ = 0;
  std::uint32_t keepalive_probes_ = 0;  // (here, not with the timers, to fill a hole)

  // Retransmission and congestion control.
  RttEstimator rtt_;
  std::unique_ptr<CongestionControl> cc_;
  SackScoreboard scoreboard_;  // SACKed ranges above SND.UNA, sorted (RFC 6675)
  SimTime rtt_start_ = 0;
  SimTime unacked_since_ = kNever;  // for the user timeout
  SimTime last_invalid_ack_ = kNever;
  CongestionState cwnd_;
  std::uint32_t rtt_seq_ = 0;
  std::uint32_t retries_ = 0;  // consecutive RTO expiries
  std::uint32_t dupacks_ = 0;
  std::uint32_t recover_ = 0;   // RFC 6582 "recover"
  std::uint32_t high_rxt_ = 0;  // RFC 6675 HighRxt
  // PRR (RFC 6937 §3). recover_fs_ is 0 outside a PRR recovery.
  std::uint32_t recover_fs_ = 0;     // RecoverFS: FlightSize when recovery began
  std::uint32_t prr_delivered_ = 0;  // octets delivered to the receiver since then
  std::uint32_t prr_out_ = 0;        // octets sent since then
  std::uint32_t prr_mark_ = 0;       // delivered_mark() after the last ACK counted
  std::uint32_t persist_backoff_ = 0;
  std::uint32_t last_sack_offset_ =
      0;  // offset of the out-of-order block touched last (RFC 2018 §4)

  // Statistics and series.
  std::uint64_t bytes_sent_ = 0, bytes_acked_ = 0, bytes_delivered_ = 0, retransmits_ = 0;
  std::uint64_t delivered_offset_ = 0;  // stream offset of the next byte the app reads
  std::vector<TcpSample> series_;
  SimTime series_spacing_ = 0;

  // The small ones, together.
  std::uint16_t last_window_sent_ = 0;
  std::uint8_t snd_wscale_ = 0, rcv_wscale_ = 0;
  TcpState state_ = TcpState::closed;
  bool gone_ = false;
  bool passive_ = false;     // reached SYN_RECEIVED from LISTEN (RFC 9293 MUST-11)
  bool app_closed_ = false;  // close() (not shutdown): later data gets an RST (§3.6.1 SHLD-3)
  bool fin_queued_ = false;  // the app asked for FIN after the queued data
  bool defer_established_notice_ = false;  // on_established waits for the handshake's ACK
  bool snd_urgent_ = false;
  bool fin_sent_ = false;
  bool ooo_fin_ = false;        // a FIN beyond a hole, at ooo_fin_offset_
  bool peer_fin_ = false;       // FIN received (RCV.NXT is past it)
  bool peer_fin_told_ = false;  // on_peer_closed delivered
  bool ws_ok_ = false, sack_ok_ = false, ts_ok_ = false;
  bool rtt_timing_ = false;
  bool syn_retransmitted_ = false;
  bool in_recovery_ = false;
  bool sws_override_ = false;  // the persist timer forces one small segment (§3.8.6.2.1)
  bool keepalive_on_interval_ =
      false;  // the keepalive timer runs keepalive_interval (after a probe time)

 public:
  /// With read_rate > 0 the app reads on a timer; with manual reads (read_rate = 0 and
  /// auto_read false) the app calls read(). (Declared here, with the other bools, for layout.)
  bool auto_read = true;
};

}  // namespace tcpplay
