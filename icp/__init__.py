"""The ICP office's core: configuration, extensions, domain rules and commands (no views)."""
