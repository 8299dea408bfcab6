"""The training-data toolkit: validate, inspect, convert, split, merge and price chat JSONL."""
