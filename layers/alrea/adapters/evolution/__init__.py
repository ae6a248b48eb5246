"""Evolution API adapter of the WhatsApp port: ``client.EvolutionClient`` and the pure ``errors`` module.

Kept import-free so ``alrea.ports.whatsapp`` can re-export ``errors`` without pulling httpx in.
"""
