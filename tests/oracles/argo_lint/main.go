// Command argo_lint runs Argo Workflows' own validator (the code behind `argo lint` and the
// server's create/lint) on YAML/JSON files, offline, and prints one JSON line per file:
//
//	{"file": "...", "ok": true|false, "errors": ["..."]}
//
// Exit status: 0 when every file is ok, 1 otherwise, 2 on usage errors.
//
// Parsing is strict (common.ParseObjects(data, true): unknown fields are errors); every
// Workflow / WorkflowTemplate / ClusterWorkflowTemplate / CronWorkflow is then validated with
// validate.Validate* and ValidateOpts{Lint: true}. WorkflowTemplates and ClusterWorkflowTemplates
// found in ANY of the given files are served to templateRef/workflowTemplateRef lookups, as
// `argo lint --offline` does.
//
// Library version: the Go module proxy reachable here refuses every version of
// github.com/argoproj/argo-workflows/v4 (HTTP 403), so this is built against the newest
// v3 release it serves (v3.7.9). The validator code (workflow/validate/validate.go) of v3.7.9 and
// v4.1.2 has the same rules except the v4 CronWorkflow checks and the v4 API removals, which
// v4Overlay re-implements below (see the docstring of tests/oracles/argo.py). To move to v4 when the
// proxy serves it: change the import paths to /v4, use validate.Workflow/WorkflowTemplate/
// ClusterWorkflowTemplate/CronWorkflow with a context carrying a logger, validate.Opts, and
// getters whose Get takes (ctx, name); then delete v4Overlay.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	wfv1 "github.com/argoproj/argo-workflows/v3/pkg/apis/workflow/v1alpha1"
	"github.com/argoproj/argo-workflows/v3/workflow/common"
	"github.com/argoproj/argo-workflows/v3/workflow/validate"
	"sigs.k8s.io/yaml"
)

type wftGetter map[string]*wfv1.WorkflowTemplate

func (g wftGetter) Get(name string) (*wfv1.WorkflowTemplate, error) {
	if t, ok := g[name]; ok {
		return t, nil
	}
	return nil, fmt.Errorf("couldn't find workflow template %q", name)
}

type cwftGetter map[string]*wfv1.ClusterWorkflowTemplate

func (g cwftGetter) Get(name string) (*wfv1.ClusterWorkflowTemplate, error) {
	if t, ok := g[name]; ok {
		return t, nil
	}
	return nil, fmt.Errorf("couldn't find cluster workflow template %q", name)
}

type result struct {
	File   string   `json:"file"`
	Ok     bool     `json:"ok"`
	Errors []string `json:"errors"`
}

// Same separator as common.ParseObjects uses.
var yamlSeparator = regexp.MustCompile(`\n---`)

// v4Overlay reports what Argo v4.1.2 rejects but the v3.7.9 library accepts: fields removed
// from the v4 API (a strict v4 parse fails on them as unknown fields) and the v4-only
// CronWorkflow checks (validate.CronWorkflow in v4.1.2).
func v4Overlay(data []byte) []string {
	var docs []string
	if strings.HasPrefix(strings.TrimSpace(string(data)), "{") {
		docs = []string{string(data)}
	} else {
		docs = yamlSeparator.Split(string(data), -1)
	}
	var errs []string
	for _, text := range docs {
		var obj map[string]any
		if yaml.Unmarshal([]byte(text), &obj) != nil || obj == nil {
			continue // ParseObjects reports it
		}
		kind, _ := obj["kind"].(string)
		name := ""
		if md, ok := obj["metadata"].(map[string]any); ok {
			name, _ = md["name"].(string)
			if name == "" {
				name, _ = md["generateName"].(string)
			}
		}
		prefix := kind + "/" + name + ": "
		var walk func(path string, v any)
		walk = func(path string, v any) {
			switch t := v.(type) {
			case map[string]any:
				for k, child := range t {
					p := path + "." + k
					if k == "synchronization" {
						if s, ok := child.(map[string]any); ok {
							for _, removed := range []string{"mutex", "semaphore"} {
								if _, ok := s[removed]; ok {
									errs = append(errs, prefix+fmt.Sprintf("unknown field %q (removed in Argo v4: use %ses)", p[1:]+"."+removed, removed))
								}
							}
						}
					}
					walk(p, child)
				}
			case []any:
				for i, child := range t {
					walk(fmt.Sprintf("%s[%d]", path, i), child)
				}
			}
		}
		walk("", obj)
		if kind == "CronWorkflow" {
			spec, _ := obj["spec"].(map[string]any)
			if _, ok := spec["schedule"]; ok {
				errs = append(errs, prefix+`unknown field "spec.schedule" (removed in Argo v4: use spec.schedules)`)
			}
			if s, _ := spec["schedules"].([]any); len(s) == 0 {
				errs = append(errs, prefix+"cron workflow must have at least one schedule")
			}
			if tz, ok := spec["timezone"].(string); ok && tz != "" {
				if _, err := time.LoadLocation(tz); err != nil {
					errs = append(errs, prefix+fmt.Sprintf("invalid timezone %q: %s", tz, err))
				}
			}
		}
	}
	return errs
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: argo_lint FILE...")
		os.Exit(2)
	}
	ctx := context.Background()
	files := os.Args[1:]
	parsed := make([][]common.ParseResult, len(files))
	readErr := make([]error, len(files))
	wfts, cwfts := wftGetter{}, cwftGetter{}
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			readErr[i] = err
			continue
		}
		parsed[i] = common.ParseObjects(data, true)
		for _, pr := range parsed[i] {
			switch v := pr.Object.(type) {
			case *wfv1.WorkflowTemplate:
				wfts[v.Name] = v
			case *wfv1.ClusterWorkflowTemplate:
				cwfts[v.Name] = v
			}
		}
	}
	exit := 0
	enc := json.NewEncoder(os.Stdout)
	for i, f := range files {
		res := result{File: f, Errors: []string{}}
		if readErr[i] != nil {
			res.Errors = append(res.Errors, readErr[i].Error())
		} else {
			data, _ := os.ReadFile(f)
			res.Errors = append(res.Errors, v4Overlay(data)...)
			linted := 0
			for j, pr := range parsed[i] {
				obj := pr.Object
				if obj == nil {
					res.Errors = append(res.Errors, fmt.Sprintf("object %d: %v", j, pr.Err))
					continue
				}
				var err = pr.Err
				var kind string
				switch v := obj.(type) {
				case *wfv1.Workflow:
					kind = "Workflow"
					if err == nil {
						err = validate.ValidateWorkflow(wfts, cwfts, v, nil, validate.ValidateOpts{Lint: true})
					}
				case *wfv1.WorkflowTemplate:
					kind = "WorkflowTemplate"
					if err == nil {
						err = validate.ValidateWorkflowTemplate(wfts, cwfts, v, nil, validate.ValidateOpts{Lint: true})
					}
				case *wfv1.ClusterWorkflowTemplate:
					kind = "ClusterWorkflowTemplate"
					if err == nil {
						err = validate.ValidateClusterWorkflowTemplate(wfts, cwfts, v, nil, validate.ValidateOpts{Lint: true})
					}
				case *wfv1.CronWorkflow:
					kind = "CronWorkflow"
					if err == nil {
						err = validate.ValidateCronWorkflow(ctx, wfts, cwfts, v, nil)
					}
				default:
					continue // e.g. WorkflowEventBinding: nothing to validate
				}
				linted++
				if err != nil {
					name := obj.GetName()
					if name == "" {
						name = obj.GetGenerateName()
					}
					res.Errors = append(res.Errors, fmt.Sprintf("%s/%s: %v", kind, name, err))
				}
			}
			if linted == 0 && len(res.Errors) == 0 {
				res.Errors = append(res.Errors, "no Argo Workflow, WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow found")
			}
		}
		res.Ok = len(res.Errors) == 0
		if !res.Ok {
			exit = 1
		}
		_ = enc.Encode(res)
	}
	os.Exit(exit)
}
