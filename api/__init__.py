"""The faces of journeymap: the CLI (and later the HTTP API and the MCP server)."""
