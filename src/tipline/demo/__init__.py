"""The demo: `tipline demo` (management/commands/demo.py) and its steps (steps/), each driving
one step of the flow through that step's public services, and the synthetic NCMEC export
they load (generator.py: plain Python, no Django; see README.md)."""
