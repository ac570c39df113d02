package server

// Bridge links a node's hubs (servers/hub, servers/chat) to the other
// nodes of a cluster. A hub hands the bridge each message it publishes
// locally, once, and delivers to its own connections what the bridge
// brings from the other nodes; the bridge never brings back a node's own
// messages. Env.Cluster is nil when the server runs alone.
type Bridge interface {
	// PublishBroadcast sends a local broadcast to the other nodes. It must
	// not block on the network for long (a buffered publish).
	PublishBroadcast(binary bool, payload []byte)
	// PublishChat sends a local room message, its JSON text as the chat
	// hub encoded it, to the other nodes.
	PublishChat(room string, payload []byte)
	// OnBroadcast and OnChat set the functions that deliver the other
	// nodes' messages to this node's connections, each called in the
	// order the other node published. Messages that arrive before a
	// function is set are dropped (no connection could have wanted them).
	OnBroadcast(deliver func(binary bool, payload []byte))
	OnChat(deliver func(room string, payload []byte))
	// IDBase is added to the chat hub's connection ids so that ids stay
	// unique across the nodes of a cluster.
	IDBase() uint64
}
