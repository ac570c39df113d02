package chatmatrix

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// StageDir is the chat matrix's directory inside a reference run, when
// `bench` runs it as the run's last stage.
const StageDir = "chat"

// Load reads the chat run in dir (its results.json).
func Load(dir string) (*Results, error) {
	path := filepath.Join(dir, FileName)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var res Results
	if err := json.Unmarshal(b, &res); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &res, nil
}

// LoadStage reads the chat stage of the reference run in runDir: nil, nil
// when the run has none.
func LoadStage(runDir string) (*Results, error) {
	res, err := Load(filepath.Join(runDir, StageDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return res, err
}
