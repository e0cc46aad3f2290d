"""Survey import batches (written by the import pipeline; imported into talentpool.models)."""
