"""The assistant: settings, the workspace, and (later) extraction, synthesis and chat."""
