package registry_test

import (
	"testing"

	"github.com/wsbench/wsbench/servers/registry"
	"github.com/wsbench/wsbench/servers/server"
	"github.com/wsbench/wsbench/servers/servertest"
)

// TestDeflate starts every WebSocket and SockJS entry off and in each
// permessage-deflate variant it declares (Library.Deflate), and checks
// with a client that offers the extension that it is negotiated with the
// variant's parameters (not at all when off) and that compressed messages
// are echoed intact.
func TestDeflate(t *testing.T) {
	for _, lib := range registry.All() {
		if lib.Proto != server.ProtoWS && lib.Proto != server.ProtoSockJS {
			continue
		}
		variants := append([]server.Deflate{{Mode: server.DeflateOff}}, lib.Deflate.Variants()...)
		for _, d := range variants {
			t.Run(lib.Name+"/"+d.String(), func(t *testing.T) {
				servertest.Deflate(t, lib, d)
			})
		}
	}
}

// TestDeflateDeclared: the entries that declare no variant say why
// (Default), and every declared variant names its options.
func TestDeflateDeclared(t *testing.T) {
	for _, lib := range registry.All() {
		if lib.Proto != server.ProtoWS && lib.Proto != server.ProtoSockJS {
			if lib.Deflate.Supported() {
				t.Errorf("%s (proto %s) declares permessage-deflate", lib.Name, lib.Proto)
			}
			continue
		}
		if lib.Deflate.Default == "" {
			t.Errorf("%s: Deflate.Default is empty", lib.Name)
		}
		if lib.Deflate.Supported() && lib.Deflate.Options == "" {
			t.Errorf("%s: declares permessage-deflate without naming its options", lib.Name)
		}
	}
}
