// Command govaluate_when evaluates Argo `when` expressions exactly as the Argo Workflows
// controller does (v3.7.9 workflow/controller/steps.go shouldExecute, with the govaluate version
// Argo v3.7.9 pins): one expression per line on stdin, one JSON line per expression on stdout,
//
//	{"value": <the result>} or {"error": "..."}
//
// The result is printed whatever its type: Argo itself refuses a result that is not a bool.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"github.com/Knetic/govaluate"
)

// evaluate is shouldExecute without its early return for "" and its error wrapping.
func evaluate(when string) (interface{}, error) {
	expression, err := govaluate.NewEvaluableExpression(when)
	if err != nil {
		return nil, err
	}
	// Argo turns govaluate variables (which it doesn't use) into strings: `foo != bar` compares text
	tokens := expression.Tokens()
	for i, tok := range tokens {
		if tok.Kind == govaluate.VARIABLE {
			tok.Kind = govaluate.STRING
			tokens[i] = tok
		}
	}
	expression, err = govaluate.NewEvaluableExpressionFromTokens(tokens)
	if err != nil {
		return nil, err
	}
	return expression.Evaluate(nil)
}

func main() {
	scanner := bufio.NewScanner(os.Stdin)
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	out := json.NewEncoder(os.Stdout)
	for scanner.Scan() {
		value, err := evaluate(scanner.Text())
		var line map[string]interface{}
		if err != nil {
			line = map[string]interface{}{"error": err.Error()}
		} else {
			line = map[string]interface{}{"value": value}
		}
		if err := out.Encode(line); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	if err := scanner.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
