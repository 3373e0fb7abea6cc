package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/internal/safeio"
)

// MaxReport bounds a saved JSON report read back by Decode.
const MaxReport = 256 << 20

// Decode reads a saved sluice.report/v1 JSON document, as the json format
// writes it, for re-rendering (`sluice report convert`). name is used in
// errors only. The input is bounded (MaxReport bytes, safeio.MaxDepth of
// nesting); a document of another schema, or of a later major version, is
// refused with an error that says which schema it has.
func Decode(r io.Reader, name string) (finding.Result, error) {
	return decode(r, name, MaxReport)
}

func decode(r io.Reader, name string, max int64) (finding.Result, error) {
	var res finding.Result
	b, err := safeio.ReadAll(r, max, "report size")
	if err != nil {
		return res, fmt.Errorf("read report %s: %w", name, err)
	}
	if err := safeio.CheckJSONDepth(b, safeio.MaxDepth); err != nil {
		return res, fmt.Errorf("read report %s: %w", name, err)
	}
	var head struct {
		Schema *string `json:"schema"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return res, fmt.Errorf("read report %s: not valid JSON: %v", name, jsonErr(b, err))
	}
	switch {
	case head.Schema == nil:
		return res, fmt.Errorf("read report %s: no \"schema\" field: not a sluice JSON report (write one with -f json)", name)
	case *head.Schema != finding.SchemaV1:
		return res, fmt.Errorf("read report %s: schema %q is not supported (want %q)", name, *head.Schema, finding.SchemaV1)
	}
	if err := json.Unmarshal(b, &res); err != nil {
		return finding.Result{}, fmt.Errorf("read report %s: %v", name, jsonErr(b, err))
	}
	return res, nil
}

// jsonErr adds the line and column to a JSON syntax or type error.
func jsonErr(b []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(b)) {
		return err
	}
	line := bytes.Count(b[:off], []byte("\n")) + 1
	col := off - int64(bytes.LastIndexByte(b[:off], '\n'))
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}
