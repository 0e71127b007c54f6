"""Prompt templates as versioned Markdown files (filled in by the LLM path)."""
