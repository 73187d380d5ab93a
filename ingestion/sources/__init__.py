"""Job-board connectors: each turns a Query into posting dicts shaped like posting.v1.avsc."""
