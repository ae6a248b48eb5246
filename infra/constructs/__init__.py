"""CDK constructs grouped by product area; infra/stack.py composes them from the function registry."""
