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
#include <array>
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
    time,
    kind,
    host,
    link,
    conn,
    peer_conn,
    packet,
    original,
    deadline,
    name,
    from,
    to,
    tag,
    has_text,
    proto,
    flags,
    sport,
    dport,
    src,
    dst,
    seq,
    ack,
    rel_seq,
    rel_ack,
    win,
    len,
    column_count
  };
  /// Bytes per element of each column (8: float64, 4: int32/uint32, 2: uint16, 1: uint8).
  static int element_size(Column c);

  /// Writes events [start, stop) of `trace` (all retained, in order) into the columns.
  void fill(const Trace& trace, std::uint64_t start, std::uint64_t stop);
  std::size_t count() const { return count_; }
  /// The columns lie one after another (each at a multiple of 8 bytes) in one block, so a
  /// reader copies a page with one memcpy: block() is its start, block_bytes() its length.
  const void* column(Column c) const {
    return reinterpret_cast<const char*>(block_.data()) + offset_[c];
  }
  const void* block() const { return block_.data(); }
  std::size_t block_bytes() const { return bytes_; }

  /// Label text by id (0 is "").
  const std::vector<std::string>& labels() const { return labels_; }
  /// Forgets labels and sequence bases (a new run).
  void reset();
  /// The run went back (a restored checkpoint) and `trace` now ends at `end`: forgets the label
  /// pointers (the trace's strings were restored too; labels and their ids stay) and puts the
  /// sequence bases back to what reading [0, end) in order made them.
  void rewind(const Trace& trace, std::uint64_t end);

 private:
  int label_id(const char* s);
  /// Lays out the columns for `n` rows and points the typed column pointers at them.
  void layout(std::size_t n);
  void fill_packet(std::size_t row, const Packet& p, bool learn);

  std::size_t count_ = 0;
  std::vector<std::uint64_t> block_;  // 8-byte aligned
  std::array<std::size_t, column_count> offset_{};
  std::size_t bytes_ = 0;
  double *time_, *packet_, *original_, *deadline_, *seq_, *ack_, *rel_seq_, *rel_ack_;
  std::int32_t *host_, *link_, *conn_, *peer_conn_, *name_, *from_, *to_, *tag_;
  std::uint32_t *src_, *dst_, *win_, *len_;
  std::uint16_t *flags_, *sport_, *dport_;
  std::uint8_t *kind_, *has_text_, *proto_;

  // Labels: looked up by pointer first (the trace hands back the same pointers), then by text.
  // A direct-mapped cache in front: a trace uses a few dozen labels, each millions of times.
  std::vector<std::string> labels_{""};
  std::unordered_map<const char*, int> by_pointer_;
  std::unordered_map<std::string, int> by_text_;
  struct CachedLabel {
    const char* pointer = nullptr;
    int id = 0;
  };
  std::array<CachedLabel, 64> label_cache_{};

  // Relative sequence numbers: the base of each direction (src, dst, sport, dport).
  struct Direction {
    std::uint32_t src, dst;
    std::uint16_t sport, dport;
    auto operator<=>(const Direction&) const = default;
  };
  std::map<Direction, std::uint32_t> base_;
  // A direct-mapped cache of directions looked up: a trace has a few flows, each used by
  // thousands of packets.
  std::array<std::pair<Direction, std::uint32_t*>, 64> recent_{};
  std::uint32_t* find_base(const Direction& d);
  // Events before this index have been read once: re-reading them (a page that asks again)
  // does not move the bases.
  std::uint64_t based_until_ = 0;
  // The bases before event `index`, every kBaseMarkEvents events read, for rewind().
  static constexpr std::uint64_t kBaseMarkEvents = 8192;
  struct BaseMark {
    std::uint64_t index;
    std::map<Direction, std::uint32_t> base;
  };
  std::vector<BaseMark> base_marks_;
  void learn(const Packet& p);
};

}  // namespace tcpplay
