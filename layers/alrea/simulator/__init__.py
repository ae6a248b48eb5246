"""Evolution API simulator: Evolution 2.3.6's HTTP endpoints, webhooks and failure modes, for tests and dev.

``alrea.simulator.server.SimulatorServer`` runs it in a thread (uvicorn); ``create_app(state)`` gives the ASGI
app; ``SimState`` holds instances, sent messages, faults and timing; ``payloads`` builds Evolution's bodies.
"""
