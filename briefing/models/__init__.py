"""Model backends. torch and transformers are imported lazily inside them so `briefing --help` stays instant."""
