"""The core: targets, connections, query loading, record conversion, files, the domain
registry. It names no domain: domains register themselves (see core.registry)."""
