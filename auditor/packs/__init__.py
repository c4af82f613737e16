"""Rule packs: YAML rules and extractors, validated and compiled for the engine."""

from auditor.packs.loader import load_pack
from auditor.packs.model import Pack, PackError, Rule

__all__ = ["Pack", "PackError", "Rule", "load_pack"]
