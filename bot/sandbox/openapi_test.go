package sandbox

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The OpenAPI contract: testdata/openapi/operations.json holds, for every operation the
// sandbox serves, its method, path template, documented success statuses and the required
// properties of its success response (one level deep, "user.login"). It is cut from
// @octokit/openapi by TestExtractOpenAPISlice; see testdata/openapi/README.md.

// contractOp is one operation of the slice.
type contractOp struct {
	OperationID string   `json:"operation_id"`
	Method      string   `json:"method"`
	Path        string   `json:"path"`
	Success     []int    `json:"success"`
	Array       bool     `json:"array,omitempty"`
	Required    []string `json:"required"`
}

type contractFile struct {
	Source     string       `json:"source"`
	License    string       `json:"license"`
	Operations []contractOp `json:"operations"`
}

const contractPath = "testdata/openapi/operations.json"

// TestExtractOpenAPISlice regenerates the contract slice from the full spec:
//
//	SANDBOX_OPENAPI_SPEC=/path/to/@octokit/openapi/generated/api.github.com.json go test ./bot/sandbox -run TestExtractOpenAPISlice
func TestExtractOpenAPISlice(t *testing.T) {
	specPath := os.Getenv("SANDBOX_OPENAPI_SPEC")
	if specPath == "" {
		t.Skip("set SANDBOX_OPENAPI_SPEC to the @octokit/openapi api.github.com.json to regenerate " + contractPath)
	}
	raw, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	var spec map[string]any
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	version := "unknown"
	if info, ok := spec["info"].(map[string]any); ok {
		version = fmt.Sprint(info["version"])
	}
	out := contractFile{
		Source:  "@octokit/openapi " + version + ", generated/api.github.com.json",
		License: "MIT, Copyright (c) 2020 Octokit contributors",
	}
	s := &Server{}
	for _, rt := range s.routeTable() {
		op, err := extractOp(spec, rt.Method, rt.Path)
		if err != nil {
			t.Errorf("%s %s: %v", rt.Method, rt.Path, err)
			continue
		}
		out.Operations = append(out.Operations, op)
	}
	data, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(contractPath, append(data, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

// extractOp finds one operation in the spec and summarises its success responses.
func extractOp(spec map[string]any, method, path string) (contractOp, error) {
	paths, _ := spec["paths"].(map[string]any)
	item, _ := paths[path].(map[string]any)
	op, _ := item[strings.ToLower(method)].(map[string]any)
	if op == nil {
		return contractOp{}, fmt.Errorf("not in the spec")
	}
	out := contractOp{OperationID: fmt.Sprint(op["operationId"]), Method: method, Path: path}
	responses, _ := op["responses"].(map[string]any)
	var codes []string
	for code := range responses {
		if strings.HasPrefix(code, "2") {
			codes = append(codes, code)
		}
	}
	sort.Strings(codes)
	for _, code := range codes {
		n, _ := strconv.Atoi(code)
		out.Success = append(out.Success, n)
		resp := resolve(spec, responses[code])
		content, _ := resp["content"].(map[string]any)
		media, _ := content["application/json"].(map[string]any)
		if media == nil || out.Required != nil {
			continue
		}
		schema := resolve(spec, media["schema"])
		if schema["type"] == "array" {
			out.Array = true
			schema = resolve(spec, schema["items"])
		}
		out.Required = []string{}
		for _, p := range requiredOf(spec, schema) {
			out.Required = append(out.Required, p)
			props := propertiesOf(spec, schema)
			for _, sub := range requiredOf(spec, resolve(spec, props[p])) {
				out.Required = append(out.Required, p+"."+sub)
			}
		}
	}
	return out, nil
}

// resolve follows local $refs.
func resolve(spec map[string]any, v any) map[string]any {
	m, _ := v.(map[string]any)
	for m != nil {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		var cur any = spec
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			cur = cur.(map[string]any)[part]
		}
		m, _ = cur.(map[string]any)
	}
	return map[string]any{}
}

// requiredOf lists a schema's required properties: allOf unions, oneOf/anyOf intersect their
// object variants (what every variant promises).
func requiredOf(spec map[string]any, s map[string]any) []string {
	set := map[string]bool{}
	for _, r := range asList(s["required"]) {
		set[fmt.Sprint(r)] = true
	}
	for _, v := range asList(s["allOf"]) {
		for _, r := range requiredOf(spec, resolve(spec, v)) {
			set[r] = true
		}
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		var common map[string]bool
		for _, v := range asList(s[key]) {
			vs := resolve(spec, v)
			if vs["type"] != "object" && vs["properties"] == nil {
				continue
			}
			mine := map[string]bool{}
			for _, r := range requiredOf(spec, vs) {
				mine[r] = true
			}
			if common == nil {
				common = mine
				continue
			}
			for r := range common {
				if !mine[r] {
					delete(common, r)
				}
			}
		}
		for r := range common {
			set[r] = true
		}
	}
	out := make([]string, 0, len(set))
	for r := range set {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// propertiesOf merges a schema's properties with those of its allOf/oneOf/anyOf parts.
func propertiesOf(spec map[string]any, s map[string]any) map[string]any {
	out := map[string]any{}
	for _, key := range []string{"allOf", "oneOf", "anyOf"} {
		for _, v := range asList(s[key]) {
			for k, p := range propertiesOf(spec, resolve(spec, v)) {
				out[k] = p
			}
		}
	}
	if props, ok := s["properties"].(map[string]any); ok {
		for k, p := range props {
			out[k] = p
		}
	}
	return out
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func loadContract(t *testing.T) map[string]contractOp {
	t.Helper()
	raw, err := os.ReadFile(filepath.FromSlash(contractPath))
	if err != nil {
		t.Fatal(err)
	}
	var f contractFile
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	out := map[string]contractOp{}
	for _, op := range f.Operations {
		out[op.Method+" "+op.Path] = op
	}
	return out
}

// missingRequired lists the required properties a response object lacks; a nested
// requirement ("user.login") applies only when the parent is a non-null object.
func missingRequired(obj map[string]any, required []string) []string {
	var missing []string
	for _, r := range required {
		parent, child, nested := strings.Cut(r, ".")
		if !nested {
			if _, ok := obj[r]; !ok {
				missing = append(missing, r)
			}
			continue
		}
		sub, ok := obj[parent].(map[string]any)
		if !ok {
			continue
		}
		if _, ok := sub[child]; !ok {
			missing = append(missing, r)
		}
	}
	return missing
}
