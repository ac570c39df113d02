package wire

// PreludeLen exposes preludeLen to the external tests (stream_test.go).
const PreludeLen = preludeLen
