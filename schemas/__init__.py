"""Data package: the JSON Schemas of everything that crosses a boundary, shipped as `auditor.schemas`."""
