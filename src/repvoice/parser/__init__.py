"""The local parser: transcript tokens, spoken numbers and durations for slot tagging."""
