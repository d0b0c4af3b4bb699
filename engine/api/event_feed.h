// The binary event feed: trace events as columns of fixed-size numbers, for a page that reads
// them straight out of the module's memory (a typed array per column) instead of parsing JSON.
//
// One fill() writes the events [start, stop) into the columns, replacing what the last fill
// wrote; the reader copies them before the next call. Strings are not in the columns: names,
// state names, drop reasons and tags are label ids (labels() maps them to text; ids are given in
// order of first use and only grow until reset()), and an event's text (a packet_sent's tcpdump
// line, or a detail) is fetched on demand by event index.
//
// Relative sequence numbers are computed here, as Wireshark shows them: per direction of a
// conversation, from the ISN of the SYN that opened it (a new SYN with another ISN starts over),
// else from the first sequence number seen; an ACK is relative to the other direction's base.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "trace/trace.h"

namespace tcpplay {

class EventFeed {
 public:
  /// The columns, in this order (the Embind layer hands out their addresses by this index).
  enum Column : int {
    time, kind, host, link, conn, peer_conn, packet, original, deadline, name, from, to, tag,
    has_text, proto, flags, sport, dport, src, dst, seq, ack, rel_seq, rel_ack, win, len,
    column_count
  };
  /// Bytes per element of each column (8: float64, 4: int32/uint32, 2: uint16, 1: uint8).
  static int element_size(Column c);

  /// Writes events [start, stop) of `trace` (all retained, in order) into the columns.
  void fill(const Trace& trace, std::uint64_t start, std::uint64_t stop);
  std::size_t count() const { return count_; }
  const void* column(Column c) const;

  /// Label text by id (0 is "").
  const std::vector<std::string>& labels() const { return labels_; }
  /// Forgets labels and sequence bases (a new run).
  void reset();

 private:
  int label_id(const char* s);
  void fill_packet(std::size_t row, const Packet& p, bool learn);

  std::size_t count_ = 0;
  std::vector<double> time_, packet_, original_, deadline_, seq_, ack_, rel_seq_, rel_ack_;
  std::vector<std::int32_t> host_, link_, conn_, peer_conn_, name_, from_, to_, tag_;
  std::vector<std::uint32_t> src_, dst_, win_, len_;
  std::vector<std::uint16_t> flags_, sport_, dport_;
  std::vector<std::uint8_t> kind_, has_text_, proto_;

  // Labels: looked up by pointer first (the trace hands back the same pointers), then by text.
  std::vector<std::string> labels_{""};
  std::unordered_map<const char*, int> by_pointer_;
  std::unordered_map<std::string, int> by_text_;

  // Relative sequence numbers: the base of each direction (src, dst, sport, dport).
  struct Direction {
    std::uint32_t src, dst;
    std::uint16_t sport, dport;
    auto operator<=>(const Direction&) const = default;
  };
  std::map<Direction, std::uint32_t> base_;
  // Events before this index have been read once: re-reading them (a page that asks again)
  // does not move the bases.
  std::uint64_t based_until_ = 0;
};

}  // namespace tcpplay
