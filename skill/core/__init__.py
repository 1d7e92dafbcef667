"""The pure core: preferences, pacing and packing. Imports no SDK, no boto3, no pydub."""
