"""Data package: the bundled rule packs (one folder per pack), shipped inside auditor as `auditor.rules`."""
