// Package result is the load generator's output: one Result per run,
// written as JSON with -json and read back by bench/. The JSON schema is
// documented in the README; field names are part of the contract.
package result

// Latency holds percentiles in microseconds from an HDR histogram
// (3 significant digits).
type Latency struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p999"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
	// Count is the number of samples behind the percentiles.
	Count int64 `json:"count"`
}

// Point is one point of a latency percentile curve (HDR style).
type Point struct {
	Percentile float64 `json:"percentile"`
	US         float64 `json:"us"`
}

// Bytes is traffic per message counted at the client's net.Conn, in each
// direction (tx: client to server, rx: server to client). Echo: per
// message sent (tx) and received (rx). Broadcast: per delivered message,
// tx being what publishers and subscribers wrote (publishes, and polls or
// other requests of HTTP subscribers), rx what subscribers read.
type Bytes struct {
	TX float64 `json:"tx"`
	RX float64 `json:"rx"`
}

// Proc is CPU and memory of one process over the measured interval.
// CPUUtil is CPU-seconds per wall-second: 1.0 is one core fully busy.
type Proc struct {
	PID             int     `json:"pid,omitempty"`
	CPUUtil         float64 `json:"cpu_util"`
	CPUUSPerMsg     float64 `json:"cpu_us_per_msg"`
	RSSBytes        int64   `json:"rss_bytes,omitempty"`
	RSSPeakBytes    int64   `json:"rss_peak_bytes,omitempty"`
	RSSPerConnBytes float64 `json:"rss_per_conn_bytes,omitempty"`
	// RSSBaseBytes is the RSS before any client connected (connect
	// scenario), the base of RSSPerConnBytes.
	RSSBaseBytes int64 `json:"rss_base_bytes,omitempty"`
}

// Foreign is what the measured processes did not use of their CPUs: in
// CPUs over the measured interval (1.0: one CPU's worth throughout).
type Foreign struct {
	CPUs      []int   `json:"cpus"`       // the server's and the load generator's CPUs
	CPUUtil   float64 `json:"cpu_util"`   // user + system time of other processes
	StealUtil float64 `json:"steal_util"` // time the hypervisor ran something else
}

// Result is one load generator run.
type Result struct {
	Scenario string `json:"scenario"` // echo, broadcast, connect, chat
	Mode     string `json:"mode"`     // closed or open (echo); open (broadcast); "" (connect)
	Proto    string `json:"proto"`    // ws, sockjs, http, ...
	// Variant is how the load generator talked to the server beyond the
	// protocol: "ws"; "sockjs-websocket", "sockjs-xhr-streaming",
	// "sockjs-xhr-polling" (the transport of echo connections and
	// broadcast subscribers); over HTTP "http-keepalive" or
	// "http-new-conn" (echo, connect) and the broadcast subscribers' mode
	// "poll", "longpoll" or "sse".
	Variant      string  `json:"variant"`
	URL          string  `json:"url"`           // base URL of the server
	Conns        int     `json:"conns"`         // connections (subscribers for broadcast)
	PayloadBytes int     `json:"payload_bytes"` // message size, header included
	Window       int     `json:"window"`        // messages in flight per connection (closed loop)
	RateTarget   float64 `json:"rate_target"`   // offered msgs/s in total (open loop), 0 if closed
	RateAchieved float64 `json:"rate_achieved"` // msgs/s actually sent during measurement
	Publishers   int     `json:"publishers,omitempty"`
	PollInterval float64 `json:"poll_interval_ms,omitempty"` // variant poll only
	WarmupS      float64 `json:"warmup_s"`
	DurationS    float64 `json:"duration_s"` // measured interval, warm-up excluded
	StartedAt    string  `json:"started_at"` // RFC 3339

	// Sent, Received and Expected count the messages whose (intended)
	// send time lies in the measured interval; their echoes or deliveries
	// may arrive during the drain that follows it. Lost, Duplicated,
	// Reordered and Corrupt cover the whole run, warm-up included: a fault
	// is never excused by its timing.
	Sent       int64            `json:"sent"`     // messages sent in the measured interval
	Received   int64            `json:"received"` // echoes or deliveries received and verified
	Expected   int64            `json:"expected"` // echoes or deliveries that should have arrived
	Lost       int64            `json:"lost"`
	Duplicated int64            `json:"duplicated"`
	Reordered  int64            `json:"reordered"`
	Corrupt    int64            `json:"corrupt"`
	Errors     map[string]int64 `json:"errors"` // kind -> count
	Failed     bool             `json:"failed"`
	Failure    string           `json:"failure,omitempty"`
	// Requests counts the HTTP requests made in the measured interval (the
	// HTTP variants and SockJS's xhr transports; broadcast: publishers'
	// and subscribers'), EmptyPolls those polls that carried no message
	// (short and long polls, SockJS xhr-polling heartbeats).
	Requests   int64 `json:"requests,omitempty"`
	EmptyPolls int64 `json:"empty_polls,omitempty"`
	// Reconnects counts, over the whole run, Server-Sent Events streams
	// that the server ended and the subscriber opened again (with
	// Last-Event-ID).
	Reconnects int64 `json:"reconnects,omitempty"`
	// Refused counts, over the whole run, SockJS xhr receiving requests
	// that the server answered with c[2010,"Another connection still
	// open"] because it had not yet let go of the previous request (a race
	// in sockjs-go); the subscriber asked again and lost nothing.
	Refused int64 `json:"refused,omitempty"`

	MsgsPerSec   float64  `json:"msgs_per_sec"` // received (verified) per second
	MBPerSec     float64  `json:"mb_per_sec"`   // payload MB (10^6 bytes) per second, received
	LatencyUS    Latency  `json:"latency_us"`   // round trip (echo), publish to receipt (broadcast), handshake (connect)
	LatencyCurve []Point  `json:"latency_curve,omitempty"`
	FanoutLastUS *Latency `json:"fanout_last_us,omitempty"` // broadcast: publish to receipt by the last subscriber
	BytesPerMsg  Bytes    `json:"bytes_per_msg"`
	// LatencyHist and FanoutLastHist are the histograms behind LatencyUS
	// and FanoutLastUS (values in nanoseconds) in hdrhistogram-go's
	// compressed V2 encoding (base64), present when the run was asked for
	// them (loadgen -hist): the results of several load agents merge
	// exactly from these (package histmerge), never from their percentiles.
	// Nodes is the number of server nodes a broadcast's subscribers were
	// spread over (loadgen -nodes), 0 for one server; SameNodeUS and
	// CrossNodeUS split LatencyUS into deliveries to subscribers on the
	// publishers' node and on the others.
	Nodes          int      `json:"nodes,omitempty"`
	SameNodeUS     *Latency `json:"same_node_us,omitempty"`
	CrossNodeUS    *Latency `json:"cross_node_us,omitempty"`
	LatencyHist    string   `json:"latency_hist,omitempty"`
	FanoutLastHist string   `json:"fanout_last_hist,omitempty"`
	// FanoutMaxNS (broadcast with several agents, loadgen -agents): per
	// stream (publisher of any agent), per sequence number, the largest
	// latency in nanoseconds among this agent's subscribers of each
	// measured message (0: not measured or not received). The largest
	// over all agents is the time to the last subscriber of them all.
	FanoutMaxNS [][]int64 `json:"fanout_max_ns,omitempty"`

	// PayloadKind is what filled the messages after their header
	// (loadgen -payload): chat-json, json or random; empty for the fixed
	// pattern.
	PayloadKind string `json:"payload_kind,omitempty"`
	// With permessage-deflate offered (loadgen -deflate): Deflate is the
	// variant the server negotiated (no-context-takeover,
	// context-takeover, or one side's takeover), PayloadPerMsg the
	// message bytes per message, counted as BytesPerMsg counts the wire's
	// (before compression when sent, after inflation when received), and
	// WireRatio is BytesPerMsg over PayloadPerMsg in each direction
	// (below 1: compression saved; frame headers included).
	Deflate       string `json:"deflate,omitempty"`
	PayloadPerMsg *Bytes `json:"payload_per_msg,omitempty"`
	WireRatio     *Bytes `json:"wire_ratio,omitempty"`
	// ConnectEcho: each connection of the connect scenario echoed one
	// message before the hold (loadgen -connect-echo).
	ConnectEcho bool `json:"connect_echo,omitempty"`

	// Connect scenario.
	HandshakesPerSec float64 `json:"handshakes_per_sec,omitempty"`
	HoldS            float64 `json:"hold_s,omitempty"`

	Server *Proc `json:"server,omitempty"` // only with -server-pid
	Client Proc  `json:"client"`

	// Added with the load generator.

	// RateShort is set when an open loop sent more than RateTolerance
	// below RateTarget (the sender fell behind; its latencies still count
	// from the intended send times).
	RateShort bool `json:"rate_short,omitempty"`
	// SendLagUS is, in open loops (echo and broadcast publishers), how
	// late each message left compared with its intended send time.
	SendLagUS *Latency `json:"send_lag_us,omitempty"`
	// LocalAddrs is the number of source addresses the connections were
	// spread over (127.0.0.1..N); 0 when the kernel chose.
	LocalAddrs int `json:"local_addrs,omitempty"`
	// ClientGOMAXPROCS is the load generator's GOMAXPROCS (follows its CPU
	// affinity).
	ClientGOMAXPROCS int `json:"client_gomaxprocs"`
	// Connected is the number of connections that completed their
	// handshake (all of them unless the run failed while dialing).
	Connected int64 `json:"connected"`
	// ActiveConns is, when only a fraction of the connections sent (echo
	// -active), how many did; the figures and PerConn are theirs, and
	// Server.RSSPerConnBytes is over all Connected.
	ActiveConns int64 `json:"active_conns,omitempty"`
	// PerConn is how evenly the connections were served over the measured
	// interval (echo: echoes received per connection; broadcast:
	// deliveries per subscriber); absent for connect.
	PerConn *PerConn `json:"per_conn,omitempty"`
	// Verdict is whether this run's figures count, and why not (Judge).
	// Absent from results written before it existed.
	Verdict *Verdict `json:"verdict,omitempty"`
	// ServerCPUs is the CPUs the server was allowed (a CPU quota
	// included) that the verdict measured its CPU use against; 0 when
	// unknown.
	ServerCPUs float64 `json:"server_cpus,omitempty"`
	// Foreign is the CPU that neither the server nor the load generator
	// used on their CPUs over the measured interval (other processes,
	// another benchmark, a build), and the time the hypervisor stole from
	// them; absent when it could not be read.
	Foreign *Foreign `json:"foreign,omitempty"`
	// SpinUS is the open loop's busy-poll window before each due time, in
	// microseconds (0: it slept until due).
	SpinUS float64 `json:"spin_us,omitempty"`

	// Chat scenario (the server's chat protocol). Received counts
	// deliveries (one publish delivered to each member of its room);
	// Server.CPUUSPerMsg is per delivered message and
	// Server.RSSPerConnBytes is the server's RSS growth from before the
	// first dial to the end of the measured interval, per connection.
	Rooms   int `json:"rooms,omitempty"`
	Members int `json:"members,omitempty"` // connections per room, publishers included
	// DeliveredMsgsPerSec is the verified deliveries per second.
	DeliveredMsgsPerSec float64 `json:"delivered_msgs_per_sec,omitempty"`
	// DeliveryUS is from each publish's scheduled send time to its
	// receipt by each member (corrected for coordinated omission).
	DeliveryUS *Latency `json:"delivery_us,omitempty"`
	// PerRoom is the distribution over rooms of deliveries per member per
	// second, with Jain's index: 1 when every room was served alike.
	PerRoom *PerConn `json:"per_room,omitempty"`
}

// PerConn is the distribution over connections of messages per second
// received in the measured interval, and Jain's fairness index of it:
// (sum x)^2 / (n * sum x^2), 1 when every connection got the same share,
// 1/n when one connection got everything.
type PerConn struct {
	Min  float64 `json:"min"`
	P1   float64 `json:"p1"`
	P50  float64 `json:"p50"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Jain float64 `json:"jain"`
}
