"""The web channels: the ASGI app, the concierge page, the chat API and Rasa's REST channel."""
