"""Natural-language understanding: intents and entities from one message.

Import `nlu.engine.get_engine` for the parser; this package module stays import-free.
"""
