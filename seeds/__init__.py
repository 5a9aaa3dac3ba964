"""Reference data as files and their idempotent loader; the demo data set."""
