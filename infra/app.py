"""CDK app entry point: ``python -m infra.app`` (what cdk.json runs) synthesizes into cdk.out/.

Context (``-c key=value``): ``layer_dir`` (default build/layer, built on first use), ``log_level``,
``cors_origins`` (comma-separated), ``site_url`` (the SPA's origin(s), comma-separated: the media bucket's CORS;
required), ``stack_name``, ``stage`` (ALREA_STAGE, default ``prod``),
``public_base_url`` (a custom domain in front of the REST API; default the API's own URL), ``alarm_email``
(subscribed to the alarm topic), ``alarm_topic_arn`` (an existing SNS topic instead of the stack's),
``email_from`` (the SES sender, default ``ALREA Flow <nao-responda@<site_url's host>>``).
CloudFormation parameter: ``EvolutionUrl`` (required at the first deploy). See docs/DEPLOY.md.
"""
from __future__ import annotations

from pathlib import Path

from aws_cdk import App

from infra import layer
from infra.nag import apply_checks
from infra.stack import AlreaStack

STACK_NAME = "AlreaFlow"


def layer_dir(app: App) -> Path:
    configured = app.node.try_get_context("layer_dir")
    if configured:
        return Path(configured).resolve()
    if not (layer.SITE_DIR / "alrea").is_dir():
        layer.build()
    return layer.LAYER_DIR


def build_app(app: App | None = None) -> App:
    app = app or App()
    origins = app.node.try_get_context("cors_origins")
    AlreaStack(
        app, app.node.try_get_context("stack_name") or STACK_NAME,
        description="ALREA Flow: WhatsApp campaigns and a real-time shared inbox",
        layer_dir=layer_dir(app),
        cors_origins=origins.split(",") if isinstance(origins, str) else origins,
        log_level=app.node.try_get_context("log_level") or "INFO",
        stage=app.node.try_get_context("stage") or "prod",
        public_base_url=app.node.try_get_context("public_base_url") or None,
        alarm_email=app.node.try_get_context("alarm_email") or None,
        alarm_topic_arn=app.node.try_get_context("alarm_topic_arn") or None,
        email_from=app.node.try_get_context("email_from") or None,
    )
    apply_checks(app)
    return app


def main() -> None:
    build_app().synth()


if __name__ == "__main__":
    main()
