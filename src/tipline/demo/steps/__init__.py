"""The demo's steps, one module per step of the flow it drives, each through the public
services and selectors of that step only; the `demo` command calls them in order."""
