"""codedb for AI assistants, over the Model Context Protocol (`codedb mcp`, and /mcp in
`codedb serve`): the old code_db tool's data tools with its envelope, codedb's other domains'
tools, and resources."""
