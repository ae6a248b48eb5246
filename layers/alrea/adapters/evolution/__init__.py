"""Evolution API adapter of the WhatsApp port: ``client.EvolutionClient`` and ``errors`` (Evolution's error
bodies turned into the port's typed errors), plus ``downloads.HttpxDownloader`` (the profile-picture download
port over httpx)."""
