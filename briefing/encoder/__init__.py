"""The shared sentence encoder and model resolution, used by summarize, compose and the guard.

    resolve.py           `--model` -> a verified location (the embedded wheel, a folder, a GGUF file, a cached hub id)
    sentence_encoder.py  the float32 MiniLM encoder with a bounded text -> vector cache and a token budget per batch

torch and transformers are imported lazily inside them so `briefing --help` stays instant.
"""
