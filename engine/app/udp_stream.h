// A UDP stream for comparing UDP with TCP on the same bad link: the sender emits numbered
// datagrams at a fixed rate (the first 8 bytes of each carry its sequence number, big-endian),
// and the receiver reports what the network did to them: received, lost, duplicated, reordered.
#pragma once
#include <cstdint>
#include <vector>

#include "app/app_base.h"

namespace tcpplay {

struct UdpStreamSenderParams {
  Endpoint to;                       ///< the receiver
  std::uint16_t src_port = 0;        ///< 0 = next free ephemeral port
  SimTime start = 0;                 ///< time of datagram 0
  std::uint64_t rate = 100;          ///< datagrams per second
  std::uint64_t count = 100;         ///< datagrams to send; 0 = until `duration` ends
  SimTime duration = 0;              ///< stop after this long; 0 = no limit (then `count` ends it)
  std::uint32_t payload_bytes = 64;  ///< datagram payload size (at least 8)
};

class UdpStreamSender : public AppBase, private UdpObserver {
 public:
  UdpStreamSender(Simulation& sim, Host& host, std::string name,
                  const UdpStreamSenderParams& params);
  ~UdpStreamSender() override;
  const char* kind() const override { return "udp_stream_sender"; }
  void snapshot(JsonWriter& w) const override;
  std::uint64_t sent() const { return sent_; }
  std::uint64_t errors() const { return errors_; }

 private:
  void send_next();
  void on_error(UdpSocket& s, const std::string& error) override;

  UdpStreamSenderParams params_;
  UdpSocket* socket_ = nullptr;
  std::uint64_t sent_ = 0, errors_ = 0;
  std::string last_error_;
  TimerId next_ = 0;
  bool finished_ = false;
};

struct UdpStreamReceiverParams {
  std::uint16_t port = 9000;  ///< bound port
  std::uint64_t expected =
      0;  ///< datagrams the sender sends, to count losses at the tail; 0 = unknown
};

class UdpStreamReceiver : public AppBase, private UdpObserver {
 public:
  UdpStreamReceiver(Simulation& sim, Host& host, std::string name,
                    const UdpStreamReceiverParams& params);
  ~UdpStreamReceiver() override;
  const char* kind() const override { return "udp_stream_receiver"; }
  void snapshot(JsonWriter& w) const override;

  std::uint64_t received() const { return unique_; }  ///< distinct datagrams
  std::uint64_t duplicates() const { return duplicates_; }
  std::uint64_t reordered() const { return reordered_; }  ///< arrived after a higher number
  /// Numbers never received: below the highest seen (or below `expected` when given).
  std::uint64_t lost() const;
  std::uint64_t malformed() const { return malformed_; }

 private:
  void on_datagram(UdpSocket& s, Ipv4Addr from, std::uint16_t from_port,
                   const Payload& data) override;

  UdpStreamReceiverParams params_;
  UdpSocket* socket_ = nullptr;
  std::vector<bool> seen_;
  std::uint64_t unique_ = 0, duplicates_ = 0, reordered_ = 0, malformed_ = 0, datagrams_ = 0;
  std::uint64_t next_expected_ = 0;  ///< one past the highest number seen
  SimTime first_at_ = kNever, last_at_ = kNever;
};

}  // namespace tcpplay
