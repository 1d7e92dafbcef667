"""The voice interface: intent spec (`intents`) and the ASK model generator (`generate`).

The model is generated from the content so slot values never drift from the
routines and knowledge the skill can actually speak about. Nothing is imported
here, so `python -m skill.interaction.generate` runs without a double import.
"""
