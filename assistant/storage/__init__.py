"""What the assistant keeps between runs besides the index: saved conversations."""
