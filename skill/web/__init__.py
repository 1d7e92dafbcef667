"""Local web endpoint: Flask app and Alexa request verification."""
