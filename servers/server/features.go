package server

// Features describes what a library offers beyond raw speed (Library.Features),
// filled by reading each library's source and documentation at the version
// in go.mod. It is data, not measurement: update it when a version changes.
type Features struct {
	// Compression: permessage-deflate (RFC 7692) support.
	Compression string
	// Context: context.Context in the API (dial, accept, read, write).
	Context string
	// ConcurrentWrites: may several goroutines write to one connection?
	ConcurrentWrites string
	// EventLoop: can connections be served without a goroutine each?
	EventLoop string
	// Client: does the library ship a Go client?
	Client string
	// Maintenance: state of the project, with the version used here.
	Maintenance string
}

// FeatureColumns are the headers of a feature table, in Features.Row order.
var FeatureColumns = []string{"compression", "context.Context", "concurrent writes", "event loop", "Go client", "maintenance"}

// Row returns f's cells in FeatureColumns order.
func (f Features) Row() []string {
	return []string{f.Compression, f.Context, f.ConcurrentWrites, f.EventLoop, f.Client, f.Maintenance}
}
