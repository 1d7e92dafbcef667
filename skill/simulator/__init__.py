"""`hipcoach simulator`: a speaker in the browser (see skill.simulator.app)."""
