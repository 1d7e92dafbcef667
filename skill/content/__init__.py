"""Hip Coach content: techniques, routines, knowledge and cue phrasings as validated data."""

from skill.content.loader import from_files, from_mappings, load_content
from skill.content.model import Content, Routine, Side, Step, Technique
from skill.content.reader import ContentError

__all__ = ["Content", "ContentError", "Routine", "Side", "Step", "Technique", "from_files",
           "from_mappings", "load_content"]
