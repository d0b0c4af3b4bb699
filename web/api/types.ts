// The JSON documents the engine returns (engine/api/playground.h, engine/trace/jsonl.h).
// Times are integer nanoseconds of virtual time (fields ending in _ns, and Series.t).

/** A virtual time: nanoseconds, or a duration such as "2s", "250ms", "1.5s". */
export type Time = number | string;

/** A value for a TCP, link or socket parameter: "200ms", 65535, true, "cubic". */
export type ParamValue = string | number | boolean;

/** One problem in a scenario; `path` is a JSON pointer ("/links/0/delay", "" for the root). */
export interface ScenarioError {
  path: string;
  message: string;
}

export interface LoadResult {
  ok: boolean;
  errors: ScenarioError[];
}

export type TraceKind =
  | 'packet_sent'
  | 'packet_received'
  | 'packet_dropped'
  | 'state_change'
  | 'timer_set'
  | 'timer_fired'
  | 'timer_cancelled'
  | 'app'
  | 'param_change'
  | 'note'
  | 'packet_duplicated'
  /** A lesson's watch item was reached (its trigger matched the event before it): `point`, `detail`. */
  | 'lesson_point'
  /** What a socket call returned as an error: `errno`, `call`, `detail` (with host, conn, tuple). */
  | 'socket_error';

/** Why TCP sent a segment (TraceEvent.tag). */
export type PacketTag =
  | 'retransmission'
  | 'zero_window_probe'
  | 'keepalive'
  | 'challenge_ack'
  | 'window_update'
  | 'rst_reply';

/** A packet as the trace shows it (absolute sequence numbers). */
export interface PacketInfo {
  src: string;
  dst: string;
  proto: 'tcp' | 'udp' | 'icmp' | number;
  sport?: number;
  dport?: number;
  /** TCP flags as tcpdump letters ("S", "S.", "P.", "F.", "R"). */
  flags?: string;
  ae?: number;
  seq?: number;
  ack?: number;
  win?: number;
  urg?: number;
  /** ICMP type and code. */
  type?: number;
  code?: number;
  /** Payload bytes. */
  len: number;
  /** TCP options as tcpdump prints them. */
  options?: string;
  ip_len: number;
  ttl: number;
  id: number;
  /** The payload, only in `jsonl({payload: 'text' | 'hex'})` (`tcpplay run --jsonl-payload`). */
  payload?: string;
}

/** One trace event (a line of `tcpplay run --jsonl`), plus `text` for packets sent. */
export interface TraceEvent {
  i: number;
  t_ns: number;
  kind: TraceKind;
  host?: string;
  link?: string;
  /** Packet events: the packet's id (a transmission on one link; a forwarded packet gets a new
   * id on the next link, and a link's duplicate its own, see `original`). */
  packet?: number;
  /** Connection events: the connection. Packet events: the connection that sent it (kept by a
   * forwarded packet); absent for packets no connection sent (RST to a closed port, UDP,
   * ICMP, crafted segments). */
  conn?: number;
  /** Packet events: the connection it was delivered to at its destination, once it arrived. */
  peer_conn?: number;
  /** packet_duplicated: the id of the packet the link copied (`packet` is the copy's). */
  original?: number;
  /** lesson_point: the number of the watch item reached, from 1 (`detail` is its text). */
  point?: number;
  /** Packet events: why TCP sent it, when it is not an ordinary segment. */
  tag?: PacketTag;
  /** "10.0.0.1:40000 > 10.0.0.2:80" */
  tuple?: string;
  /** state_change: the states, as "SYN_SENT". */
  from?: string;
  to?: string;
  /** Timer name, drop reason, application name or parameter path. */
  name?: string;
  /** socket_error: the errno the call returned, "ECONNREFUSED", "ETIMEDOUT", "EAGAIN", ... */
  errno?: string;
  /** socket_error: the call, "connect", "read", "send", "recv", "listen" or "bind". */
  call?: string;
  deadline_ns?: number;
  detail?: string;
  pkt?: PacketInfo;
  /** packet_sent: the line `tcpdump -n -r` prints for this packet. */
  text?: string;
}

/** A page of new trace events; pass `next` as the cursor of the next call. */
export interface EventsPage {
  /** Counts loads and resets; when it changes, the trace restarted (begin again at 0). */
  run: number;
  /** The oldest event still kept (earlier ones were dropped by the trace's retention). */
  first: number;
  /** One past the newest event. */
  end: number;
  /** Events at or after the cursor that retention removed before they were read. */
  dropped: number;
  next: number;
  events: TraceEvent[];
}

export interface TimerInfo {
  name: string;
  deadline_ns: number;
}

export interface ConnectionInfo {
  id: number;
  /** The scenario's name for it ("c1", "srv.1"), "" if none. */
  name: string;
  host: string;
  tuple: string;
  local: string;
  remote: string;
  /** "ESTABLISHED", "TIME_WAIT", ... */
  state: string;
  passive: boolean;
  manual: boolean;
  iss: number;
  irs: number;
  snd_una: number;
  snd_nxt: number;
  snd_wnd: number;
  rcv_nxt: number;
  rcv_wnd: number;
  send_buffered: number;
  send_buffer: number;
  recv_buffered: number;
  recv_buffer: number;
  cwnd: number;
  ssthresh: number;
  in_flight: number;
  mss: number;
  srtt_ns: number;
  rttvar_ns: number;
  rto_ns: number;
  sack: boolean;
  timestamps: boolean;
  /** -1 when window scaling is not in use. */
  snd_wscale: number;
  rcv_wscale: number;
  congestion_control: string;
  in_recovery: boolean;
  bytes_sent: number;
  bytes_acked: number;
  bytes_delivered: number;
  retransmits: number;
  timers: TimerInfo[];
  /** The connection's own TCP parameters now (the "tcp" entries of parameters()). */
  params: TcpParamValues;
}

/** Every TCP parameter's value: durations as text ("4min", "40ms"), counts as numbers. */
export type TcpParamValues = Record<string, string | number | boolean>;

/** One parameter of the catalogue (pg.parameters()). */
export interface ParamDef {
  /** "tcp", "link", "app:http_client", "middlebox:alb", ... */
  scope: string;
  /** As written in a scenario: "time_wait", "queue.packets", "pool.idle_timeout". */
  name: string;
  /** duration, integer, boolean, choice, probability, bandwidth, string, port, address, endpoint, endpoints, durations or object. */
  type: string;
  /** "bytes", "s" (a duration written like "40ms"), "" when none. */
  unit: string;
  min: ParamValue | null;
  max: ParamValue | null;
  choices: string[] | null;
  /** The default under each TCP profile; null when there is none (required, or absent = unused). */
  defaults: { rfc: unknown; linux: unknown; windows: unknown };
  /** A valid value, for entries without a default. */
  example: unknown;
  required: boolean;
  /** Changes while running (a `set` action, setTcp/setOption/setLink). */
  live: boolean;
  /** The timer whose length it is: a live change moves that timer if armed. */
  timer: string | null;
  description: { en: string; ko: string };
}

/** A connection by socket name ("c1", "srv.2") or by its trace id (any connection, apps' too). */
export type SocketRef = string | number;

export interface ClosedConnectionInfo {
  id: number;
  name: string;
  host: string;
  tuple: string;
  /** "closed", "reset", "refused", "timeout", "aborted" */
  reason: string;
  closed_at_ns: number;
  bytes_sent: number;
  bytes_delivered: number;
}

export interface ListenerInfo {
  port: number;
  backlog: number;
  pending: number;
  name: string | null;
}

export interface UdpSocketInfo {
  port: number;
  name: string | null;
  sent: number;
  received: number;
  bytes_sent: number;
  bytes_received: number;
  errors: number;
  last_error: string;
}

export interface HostInfo {
  name: string;
  index: number;
  addrs: string[];
  forwarding: boolean;
  manual: boolean;
  profile: string;
  /** The host's TCP parameters now: what its new connections get. */
  tcp: TcpParamValues;
  listeners: ListenerInfo[];
  udp: UdpSocketInfo[];
}

export interface LinkDirectionInfo {
  from: string;
  to: string;
  sent: number;
  delivered: number;
  dropped: number;
  bytes_sent: number;
  queued: number;
  queued_bytes: number;
}

export interface LinkInfo {
  name: string;
  index: number;
  a: string;
  b: string;
  params: {
    delay_ns: number;
    jitter_ns: number;
    bandwidth_bps: number;
    queue_packets: number;
    queue_bytes: number;
    loss: number;
    duplicate: number;
    reorder: number;
    reorder_delay_ns: number;
    mtu: number;
    up: boolean;
  };
  directions: [LinkDirectionInfo, LinkDirectionInfo];
}

/** An application or middlebox. */
export interface ComponentInfo {
  name: string;
  kind: string;
  state?: unknown;
}

export interface Snapshot {
  time_ns: number;
  /** -1 when no event is pending. */
  next_event_ns: number;
  duration_ns: number;
  events_run: number;
  run: number;
  trace: { first: number; end: number };
  hosts: HostInfo[];
  connections: ConnectionInfo[];
  closed: ClosedConnectionInfo[];
  links: LinkInfo[];
  components: ComponentInfo[];
}

/** A connection's time series: parallel arrays, one entry per sample. */
export interface Series {
  id: number;
  name: string;
  /** How many times the series thinned itself (past 20,000 points), rewriting its samples. */
  generation: number;
  /** True when the cursor passed was from an older generation: these are all the samples. */
  reset: boolean;
  /** Index of the first sample returned. */
  from: number;
  /** The cursor for the next call (the sample count, plus generation * 2^32). */
  next: number;
  /** Sample times (ns). */
  t: number[];
  cwnd: number[];
  ssthresh: number[];
  in_flight: number[];
  /** ns */
  srtt: number[];
  /** ns */
  rto: number[];
  rwnd: number[];
}

export interface ListenOptions {
  /** Names the listener; its connections become NAME.1, NAME.2, ... */
  name?: string;
  backlog?: number;
  /** TCP parameters for its connections ({"rto_min": "200ms"}). */
  params?: Record<string, ParamValue>;
  /** false: received data waits for read(). */
  auto_read?: boolean;
}

export interface ConnectOptions {
  /** Source port; 0 or absent picks an ephemeral one. */
  src_port?: number;
  params?: Record<string, ParamValue>;
  auto_read?: boolean;
}

/** Data to send: text, or a count of generated bytes. */
export type SendData = string | { bytes: number };

/** A TCP option of a crafted segment. */
export type TcpOptionSpec =
  | { kind: 'mss'; value: number }
  | { kind: 'wscale'; value: number }
  | { kind: 'nop' | 'eol' | 'sackOK' }
  | { kind: 'ts'; val: number; ecr: number }
  | { kind: 'sack'; blocks: Array<[SeqNumber, SeqNumber]> }
  | { kind: number; data?: number[] };

/**
 * A sequence number: absolute (0 to 2^32-1), or relative to an ISN, written with its sign as
 * packetdrill and tcpdump count ("+1" is the first data byte). In a crafted segment `seq` counts
 * from the sender's ISN, `ack` and SACK edges from the receiver's; the ISNs come from the
 * connection on the 4-tuple, and inject() fails naming the field when there is none.
 */
export type SeqNumber = number | `+${number}` | `-${number}`;

/** A crafted TCP segment. Left-out seq/ack are filled from the matching connection. */
export interface SegmentSpec {
  /** The host that sends it. */
  host: string;
  /** Host name or IPv4 address. */
  to: string;
  src_port: number;
  dst_port: number;
  /** Letters ("SA", "R", "FA", "." for ACK) or names (["SYN", "ACK"]). */
  flags: string | string[];
  seq?: SeqNumber;
  ack?: SeqNumber;
  /** Added to seq, given or filled in: 1000 means "RCV.NXT + 1000". */
  seq_offset?: number;
  /** Added to ack, given or filled in. */
  ack_offset?: number;
  window?: number;
  urgent?: number;
  options?: TcpOptionSpec[];
  /** The payload as text (sent as its UTF-8 bytes). */
  payload?: string;
  /** The payload as hex digit pairs ("48 69" or "4869"), any byte value; instead of `payload`. */
  payload_hex?: string;
  ttl?: number;
}

/** Link parameters, as in a scenario's links (durations as text, e.g. "10ms"). */
export interface LinkParams {
  delay?: string;
  jitter?: string;
  bandwidth?: string | number;
  loss?: number;
  duplicate?: number;
  reorder?: number;
  reorder_delay?: string;
  mtu?: number;
  up?: boolean;
  'queue.packets'?: number;
  'queue.bytes'?: number;
}

/** Wasm memory use, for leak checks. */
export interface MemoryStats {
  /** Bytes allocated now (the simulation's heap and the checkpoints included). */
  heapUsed: number;
  /** Size of the wasm memory (it only grows). */
  heapSize: number;
  /** Checkpoints kept for seeking back: how many, and the bytes they hold (at most 64 MB). */
  checkpoints: number;
  checkpointBytes: number;
  /**
   * Where the newest checkpoint is copied at once, to be compared with the saved pages a few
   * pages per run call (about 1.5 times the simulation's heap, grown ahead of it).
   */
  checkpointStagingBytes: number;
  /** The simulation's own heap: bytes taken from the wasm heap, and in use inside it. */
  simHeapBytes: number;
  simHeapInUse: number;
}

/** One live action as recorded (actions()), in the order taken. */
export interface RecordedAction {
  /** Position in the list (undoLastAction() drops the last one). */
  index: number;
  /** Virtual time it was taken at (ns). */
  at: number;
  /** How many events of that instant had run: a replay applies it at exactly that point. */
  afterEvents: number;
  /** True when it lies after the playhead (after a seek back): it runs again when the run gets there. */
  ahead: boolean;
  /** The action as the scenario's timeline records it ({at, after_events, do, ...}). */
  action: { do: string; [key: string]: unknown };
}

/** How much one runUntil/stepPacket call may do; both default to no limit. */
export interface Budget {
  /** At most this many events. */
  maxEvents?: number;
  /** About this many milliseconds of wall time (checked every 512 events). */
  maxMs?: number;
}

/** Where a runUntil stopped. */
export interface RunResult {
  /** Virtual time after the call (ns). */
  now: number;
  /** The target time was reached; false when the budget ran out first. */
  reached: boolean;
  /** Events run by the call. */
  events: number;
}

/** Where a stepPacket stopped. */
export interface StepResult extends RunResult {
  /** A packet was sent. */
  sent: boolean;
}

// --- packet dissection (engine/wire/dissect.h, engine/api/packet_json.h) -----------------------

/** One header field (or a group of fields) and the bytes it occupies in the packet. */
export interface PacketField {
  /** Stable machine name: Wireshark's display-filter name ("ip.ttl", "tcp.flags.syn",
   * "tcp.options.mss_val"). "tcp.seq" and "tcp.ack" are the absolute numbers on the wire. */
  name: string;
  /** Short English label ("Time to live"). */
  label: string;
  /** The value as shown ("64", "0x4000", "10.0.0.1", "20 bytes (5)", "0x1c2e [correct]"). */
  value: string;
  /** The field's value on the wire (after `mask`), when it is a number; absent for byte strings
   * and groups such as "tcp.options". (tcp.options.wscale.multiplier is derived: 2^shift.) */
  number?: number;
  /** First byte, from the start of the packet (index into PacketDetail.bytes). */
  offset: number;
  /** Number of bytes. */
  length: number;
  /** Bit fields: the bits of the `length` bytes, read big-endian, that hold the field
   * (ip.flags.df: 0x40 of byte 6; tcp.flags: 0x0fff of bytes 12-13). Absent: whole bytes. */
  mask?: number;
  /** Checksums: whether the stored value is right. Absent when it cannot be checked (the bytes it
   * covers are cut off, the quoted copy of a header, or a UDP checksum of 0, meaning none). */
  valid?: boolean;
  /** Checksums: the right value (compare with `number`). */
  computed?: number;
  /** The parts of a group: flag bits, an option's kind, length and values. */
  fields?: PacketField[];
}

/** A TCP option as a value (RFC 9293 §3.2, RFC 7323, RFC 2018). */
export interface TcpOptionValue {
  kind: number;
  name: 'eol' | 'nop' | 'mss' | 'wscale' | 'sack_perm' | 'sack' | 'timestamp' | 'unknown';
  /** From the start of the packet; kind and length bytes included in `length`. */
  offset: number;
  length: number;
  mss?: number;
  /** Window scale shift count, and the multiplier 2^min(shift, 14). */
  shift?: number;
  multiplier?: number;
  /** SACK: each block's first sequence number and the one just after it. */
  blocks?: Array<{ left: number; right: number }>;
  /** Timestamps. */
  tsval?: number;
  tsecr?: number;
  /** An unknown kind's bytes after its kind and length. */
  data?: number[];
}

/** Where dissection stopped: the layer, the field that is wrong or cut off, and why. */
export interface DissectError {
  layer: string;
  field: string;
  /** "tcp: data offset 4 is below the minimum of 5" */
  message: string;
}

/** One protocol layer of a packet. */
export interface PacketLayer {
  /** "ipv4", "tcp", "udp", "icmp", "payload" (the L4 data), "trailer" (bytes past the IPv4
   * total length); inside an ICMP error's `quoted`: "quoted ipv4", "quoted tcp", "quoted udp",
   * "quoted icmp", "quoted payload". */
  name: string;
  label: string;
  /** The layer's bytes (as far as they are present). */
  offset: number;
  length: number;
  /** In wire order; the fields stop at the layer's `error`. */
  fields: PacketField[];
  /** tcp: its options, in wire order. */
  options?: TcpOptionValue[];
  /** icmp errors: the datagram it quotes (its IPv4 header, the first 8 bytes of its transport
   * header, then any more of it). */
  quoted?: PacketLayer[];
  error?: DissectError;
}

/** A packet of the trace: its wire bytes (as pcap() writes them) and their dissection. */
export interface PacketDetail {
  /** The packet id that trace events refer to. */
  id: number;
  bytes: Uint8Array;
  layers: PacketLayer[];
  /** The first layer error (quoted layers included); absent for a well-formed packet. */
  error?: DissectError;
}
