package rules

// Engine checks scenarios against Care's rules and the platform refinements
// it was built with.
type Engine struct{}

// Default returns an engine with the rule data shipped with carebridge.
func Default() *Engine { return &Engine{} }

// Check decides whether the scenario's action is allowed.
// STUB: being written; the signature is fixed.
func (e *Engine) Check(s Scenario) Decision { return Decision{Allowed: true} }
