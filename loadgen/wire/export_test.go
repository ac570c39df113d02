package wire

// Internal names and test helpers that the external tests (stream_test.go)
// use.
const PreludeLen = preludeLen

var (
	DialForTest    = dial
	MessageForTest = message
)
