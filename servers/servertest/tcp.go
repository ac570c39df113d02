package servertest

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/wsbench/wsbench/servers/server"
)

func init() {
	Dialects[server.ProtoTCP] = tcpDialect{}
}

// tcpDialect speaks the plain TCP protocol of servers/tcp, written from
// its description: a preamble line ("ECHO\n" or "BROADCAST\n") answered
// by "OK\n", then messages as a 4-byte big-endian length and the payload,
// both ways. There are no message types and no close codes.
type tcpDialect struct{}

func (tcpDialect) TextOnly() bool          { return true }
func (tcpDialect) CloseCodes() bool        { return false }
func (tcpDialect) CloseCode(err error) int { return 0 }

func (tcpDialect) Dial(addr, path string) (Conn, error) {
	preamble := strings.ToUpper(strings.TrimPrefix(path, "/")) + "\n"
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	nc.SetDeadline(time.Now().Add(5 * time.Second))
	br := bufio.NewReaderSize(nc, 64<<10)
	if _, err := io.WriteString(nc, preamble); err != nil {
		nc.Close()
		return nil, err
	}
	line, err := br.ReadString('\n')
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("tcp: preamble %q answered %q: %w", preamble, line, err)
	}
	if line != "OK\n" {
		nc.Close()
		return nil, fmt.Errorf("tcp: preamble %q answered %q", preamble, line)
	}
	nc.SetDeadline(time.Time{})
	return &tcpConn{nc: nc, br: br}, nil
}

type tcpConn struct {
	nc net.Conn
	br *bufio.Reader
}

func (c *tcpConn) Send(_ bool, p []byte) error {
	b := make([]byte, 4+len(p))
	binary.BigEndian.PutUint32(b, uint32(len(p)))
	copy(b[4:], p)
	_, err := c.nc.Write(b)
	return err
}

func (c *tcpConn) Recv() (bool, []byte, error) {
	var n [4]byte
	if _, err := io.ReadFull(c.br, n[:]); err != nil {
		return false, nil, err
	}
	p := make([]byte, binary.BigEndian.Uint32(n[:]))
	if _, err := io.ReadFull(c.br, p); err != nil {
		return false, nil, err
	}
	return false, p, nil
}

func (c *tcpConn) CloseHandshake(int) (int, error) {
	return 0, errors.New("tcp: no close handshake")
}

func (c *tcpConn) SetDeadline(t time.Time) error { return c.nc.SetDeadline(t) }
func (c *tcpConn) Raw() net.Conn                 { return c.nc }
func (c *tcpConn) Close() error                  { return c.nc.Close() }
