"""The evaluation harness: one definition of a correct answer, for every backend."""
