"""The domains of codedb, one package each, found by core.registry (see docs/architecture.md)."""
