"""ALREA Flow shared package: domain, store, ports and adapters, API, local runtime.

Packaged as the Lambda layer (``make layer``) and installed in dev with ``pip install -e .``.
"""
