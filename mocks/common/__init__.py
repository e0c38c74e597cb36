"""Pieces every emulator shares: TLS, signing keys, strict parameter parsing, host mapping, OAuth primitives."""
