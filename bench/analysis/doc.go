// Package analysis derives, once, every fact that the outputs of a run
// state: how many trials each cell counted, whether each point is valid and
// why not, each entry's role, the tiers of every ranking, and the findings
// whose titles the report and the deck print. REPORT.md, REPORT.html, the
// deck, results.csv and `bench -compare` render this model; none of them
// recomputes a tier, a validity or a count of its own.
//
// The flow is results.json -> Build -> Model -> renderers, and the model is
// written beside the run as findings.json.
package analysis
