"""The simulator's HTTP face: Evolution's routes (same paths, bodies and status codes) plus ``/_sim/`` controls.

Guards run in Evolution's order: unknown instance (404) before apikey (401). Evolution routes then pass the
fault injector (latency, 5xx, hang). Control endpoints need no apikey: the simulator only listens on loopback.

    with SimulatorServer(port=0, api_key="k") as sim:
        client = EvolutionClient(sim.url, "k")
        sim.state.create_instance("demo", webhook=WebhookConfig(url=...), connected=True)
"""
from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from alrea.simulator import payloads as p
from alrea.simulator.state import Faults, SimError, SimState, Timing, WebhookConfig

VERSION = "2.3.6"


def _require(body: Any, *names: str) -> None:
    if not isinstance(body, dict):
        raise SimError(400, [["instance is not of a type(s) object"]])
    for name in names:
        if body.get(name) in (None, ""):
            raise SimError(400, [[f'instance requires property "{name}"']])


async def _json(request: Request) -> Any:
    raw = await request.body()
    if not raw:
        return {}
    try:
        import json

        return json.loads(raw)
    except ValueError:
        raise SimError(400, ["Unexpected token in JSON"]) from None


def _webhook_config(raw: dict[str, Any]) -> WebhookConfig:
    url = raw.get("url") or ""
    if not str(url).startswith(("http://", "https://")):
        raise SimError(400, [['instance.webhook.url does not match pattern "^https?://"']])
    events = raw.get("events") or []
    if not isinstance(events, list):
        raise SimError(400, [["instance.webhook.events is not of a type(s) array"]])
    return WebhookConfig(url=url, headers=dict(raw.get("headers") or {}),
                         by_events=bool(raw.get("byEvents", raw.get("webhookByEvents", False))),
                         base64=bool(raw.get("base64", raw.get("webhookBase64", False))),
                         events=[str(e) for e in events], enabled=bool(raw.get("enabled", True)))


def _webhook_row(inst_id: str, hook: WebhookConfig) -> dict[str, Any]:
    now = p.date_time(tz="UTC")
    return {"id": hook.id, "url": hook.url, "headers": hook.headers, "enabled": hook.enabled,
            "events": hook.events, "webhookByEvents": hook.by_events, "webhookBase64": hook.base64,
            "createdAt": now, "updatedAt": now, "instanceId": inst_id}


def create_app(state: SimState) -> FastAPI:
    app = FastAPI(title="Evolution API simulator", version=VERSION, docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.sim = state

    @app.exception_handler(SimError)
    async def _sim_error(_: Request, exc: SimError) -> JSONResponse:
        return JSONResponse(exc.body, status_code=exc.status)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code in (404, 405):
            return JSONResponse(p.error(404, [f"Cannot {request.method} {request.url.path}"]), status_code=404)
        return JSONResponse(p.error(exc.status_code, [str(exc.detail)]), status_code=exc.status_code)

    async def guard(request: Request, name: str | None) -> tuple[Any, tuple[float, bool]]:
        """404 unknown instance, then 401 apikey, then faults; returns (instance, (hang seconds, 500 after
        the work))."""
        inst = state.instance(name) if name is not None else None
        state.authorize(request.headers.get("apikey"), inst)
        latency = state.faults.latency_ms
        if latency:
            await asyncio.sleep(latency / 1000)
        return inst, state.take_fault()

    async def answer(body: Any, status: int, fault: tuple[float, bool]) -> JSONResponse:
        hang, fail_after = fault
        if hang:
            await asyncio.sleep(hang)
        if fail_after:  # the work is done (a send went out), the answer says it failed
            return JSONResponse(p.error(500, "Internal Server Error"), status_code=500)
        return JSONResponse(body, status_code=status)

    # ---------------------------------------------------------------- root
    @app.get("/")
    async def root() -> dict[str, Any]:
        return {"status": 200, "message": "Welcome to the Evolution API, it is working!", "version": VERSION,
                "clientName": "evolution_simulator", "manager": state.server_url + "/manager",
                "documentation": "https://doc.evolution-api.com", "whatsappWebVersion": "2.3000.1028950000"}

    # ---------------------------------------------------------------- instance
    @app.post("/instance/create")
    async def instance_create(request: Request) -> JSONResponse:
        _, hang = await guard(request, None)
        body = await _json(request)
        _require(body, "instanceName")
        hook = _webhook_config(body["webhook"]) if isinstance(body.get("webhook"), dict) else None
        inst = state.create_instance(str(body["instanceName"]), token=body.get("token"), webhook=hook)
        qr = inst.last_qr or p.qr_payload(inst.name, inst.qr_count)
        return await answer({
            "instance": {"instanceName": inst.name, "instanceId": inst.instance_id,
                         "integration": body.get("integration") or "WHATSAPP-BAILEYS",
                         "webhookWaBusiness": None, "accessTokenWaBusiness": "", "status": inst.state},
            "hash": inst.token,
            "webhook": ({"webhookUrl": hook.url, "webhookHeaders": hook.headers,
                         "webhookByEvents": hook.by_events, "webhookBase64": hook.base64} if hook else {}),
            "websocket": {}, "rabbitmq": {}, "nats": {}, "sqs": {},
            "settings": {"rejectCall": False, "msgCall": "", "groupsIgnore": False, "alwaysOnline": False,
                         "readMessages": False, "readStatus": False, "syncFullHistory": False,
                         "wavoipToken": ""},
            "qrcode": qr,
        }, 201, hang)

    @app.get("/instance/fetchInstances")
    async def fetch_instances(request: Request) -> JSONResponse:
        _, hang = await guard(request, None)
        rows = [{"id": i.instance_id, "name": i.name, "connectionStatus": i.state, "ownerJid": i.wuid,
                 "profileName": i.profile_name, "integration": "WHATSAPP-BAILEYS", "token": i.token}
                for i in list(state.instances.values())]
        return await answer(rows, 200, hang)

    @app.get("/instance/connect/{name}")
    async def instance_connect(name: str, request: Request) -> JSONResponse:
        _, hang = await guard(request, name)
        return await answer(state.connect(name, request.query_params.get("number")), 200, hang)

    @app.get("/instance/connectionState/{name}")
    async def connection_state(name: str, request: Request) -> JSONResponse:
        inst, hang = await guard(request, name)
        return await answer({"instance": {"instanceName": name, "state": inst.state}}, 200, hang)

    @app.delete("/instance/logout/{name}")
    async def instance_logout(name: str, request: Request) -> JSONResponse:
        _, hang = await guard(request, name)
        state.logout(name)
        return await answer({"status": "SUCCESS", "error": False,
                             "response": {"message": "Instance logged out"}}, 200, hang)

    @app.delete("/instance/delete/{name}")
    async def instance_delete(name: str, request: Request) -> JSONResponse:
        _, hang = await guard(request, name)
        state.delete(name)
        return await answer({"status": "SUCCESS", "error": False,
                             "response": {"message": "Instance deleted"}}, 200, hang)

    # ---------------------------------------------------------------- webhook
    @app.post("/webhook/set/{name}")
    async def webhook_set(name: str, request: Request) -> JSONResponse:
        inst, hang = await guard(request, name)
        body = await _json(request)
        _require(body, "webhook")
        if not isinstance(body["webhook"], dict):
            raise SimError(400, [["instance.webhook is not of a type(s) object"]])
        hook = state.set_webhook(name, _webhook_config(body["webhook"]))
        return await answer(_webhook_row(inst.instance_id, hook), 201, hang)

    @app.get("/webhook/find/{name}")
    async def webhook_find(name: str, request: Request) -> JSONResponse:
        inst, hang = await guard(request, name)
        return await answer(_webhook_row(inst.instance_id, inst.webhook) if inst.webhook else None, 200, hang)

    # ---------------------------------------------------------------- messages
    @app.post("/message/sendText/{name}")
    async def send_text(name: str, request: Request) -> JSONResponse:
        _, hang = await guard(request, name)
        body = await _json(request)
        _require(body, "number", "text")
        quoted = body.get("quoted")
        if quoted is not None and not (isinstance(quoted, dict) and isinstance(quoted.get("key"), dict)
                                       and quoted["key"].get("id")):
            raise SimError(400, [["instance.quoted.key.id is required"]])
        data = state.send_text(name, str(body["number"]), str(body["text"]), quoted=quoted)
        return await answer(data, 201, hang)

    @app.post("/message/sendReaction/{name}")
    async def send_reaction(name: str, request: Request) -> JSONResponse:
        _, hang = await guard(request, name)
        body = await _json(request)
        _require(body, "key", "reaction")
        key = body["key"]
        if not isinstance(key, dict) or not key.get("id") or not key.get("remoteJid") or "fromMe" not in key:
            raise SimError(400, [["instance.key requires property \"remoteJid\", \"fromMe\" and \"id\""]])
        data = state.send_reaction(name, key, str(body["reaction"]))
        return await answer(data, 201, hang)

    @app.post("/message/sendMedia/{name}")
    async def send_media(name: str, request: Request) -> JSONResponse:
        _, hang = await guard(request, name)
        body = await _json(request)
        _require(body, "number", "mediatype", "media")
        if body["mediatype"] not in ("image", "video", "document", "audio"):
            raise SimError(400, [['instance.mediatype is not one of enum values: image,document,video,audio']])
        if body["mediatype"] == "document" and not str(body["media"]).startswith("http") \
                and not body.get("fileName"):
            raise SimError(400, ["For base64 the file name must be informed."])
        data = await asyncio.to_thread(state.send_media, name, str(body["number"]), body["mediatype"],
                                       str(body["media"]), body.get("mimetype"), body.get("caption"),
                                       body.get("fileName"))
        return await answer(data, 201, hang)

    @app.post("/message/sendWhatsAppAudio/{name}")
    async def send_whatsapp_audio(name: str, request: Request) -> JSONResponse:
        _, hang = await guard(request, name)
        body = await _json(request)
        _require(body, "number", "audio")
        data = await asyncio.to_thread(state.send_audio, name, str(body["number"]), str(body["audio"]))
        return await answer(data, 201, hang)

    # ---------------------------------------------------------------- chat
    @app.post("/chat/whatsappNumbers/{name}")
    async def whatsapp_numbers(name: str, request: Request) -> JSONResponse:
        _, hang = await guard(request, name)
        body = await _json(request)
        _require(body, "numbers")
        if not isinstance(body["numbers"], list):
            raise SimError(400, [["instance.numbers is not of a type(s) array"]])
        return await answer(state.check([str(n) for n in body["numbers"]]), 200, hang)

    @app.post("/chat/fetchProfilePictureUrl/{name}")
    async def profile_picture(name: str, request: Request) -> JSONResponse:
        _, hang = await guard(request, name)
        body = await _json(request)
        _require(body, "number")
        jid = p.jid_of(str(body["number"]))
        url = p.profile_picture_url(jid, state.server_url) if state.exists(str(body["number"])) else None
        return await answer({"wuid": jid, "profilePictureUrl": url}, 200, hang)

    @app.post("/chat/findMessages/{name}")
    async def find_messages(name: str, request: Request) -> JSONResponse:
        _, hang = await guard(request, name)
        body = await _json(request)
        where = body.get("where") if isinstance(body, dict) else None
        return await answer(state.find_messages(name, where if isinstance(where, dict) else {}), 200, hang)

    @app.post("/chat/getBase64FromMediaMessage/{name}")
    async def media_base64(name: str, request: Request) -> JSONResponse:
        _, hang = await guard(request, name)
        body = await _json(request)
        _require(body, "message")
        return await answer(state.media_of(name, body["message"]), 201, hang)

    # ---------------------------------------------------------------- WhatsApp's picture CDN, simulated
    @app.get("/_sim/pictures/{file_name}")
    async def sim_picture(file_name: str) -> Response:
        stem, _, ext = file_name.rpartition(".")
        if ext != "png" or not stem:
            return Response(status_code=404)  # the CDN answers a bare 404 too
        return Response(p.profile_picture(stem), media_type="image/png",
                        headers={"Cache-Control": "max-age=1209600"})

    # ---------------------------------------------------------------- controls (no apikey)
    @app.post("/_sim/reset")
    async def sim_reset() -> dict[str, Any]:
        state.reset()
        return {"ok": True}

    @app.get("/_sim/instances")
    async def sim_instances() -> list[dict[str, Any]]:
        return [i.public() for i in list(state.instances.values())]

    @app.get("/_sim/sent")
    async def sim_sent(instance: str | None = None) -> list[dict[str, Any]]:
        with state.lock:
            return [s for s in state.sent if instance is None or s["instance"] == instance]

    @app.get("/_sim/deliveries")
    async def sim_deliveries(event: str | None = None) -> list[dict[str, Any]]:
        with state.lock:
            return [d for d in state.deliveries if event is None or d["event"] == event]

    @app.get("/_sim/faults")
    async def sim_faults_get() -> dict[str, Any]:
        return state.faults.public()

    @app.post("/_sim/faults")
    async def sim_faults(request: Request) -> dict[str, Any]:
        body = await _json(request)
        if not isinstance(body, dict):
            raise SimError(400, ["faults must be an object"])
        with state.lock:
            f = state.faults
            if "unknown_numbers" in body:
                f.unknown_numbers = {p.digits_of(str(n)) for n in body["unknown_numbers"] or []}
            for name, kind in (("error_rate", float), ("fail_next", int), ("latency_ms", int),
                               ("hang_s", float), ("error_kind", str), ("echo_delay_s", float),
                               ("hang_rate", float)):
                if name in body:
                    setattr(f, name, kind(body[name]))
        return state.faults.public()

    @app.post("/_sim/timing")
    async def sim_timing(request: Request) -> dict[str, Any]:
        body = await _json(request)
        if not isinstance(body, dict):
            raise SimError(400, ["timing must be an object"])
        with state.lock:
            for name, value in body.items():
                if name not in Timing.__dataclass_fields__:
                    raise SimError(400, [f"unknown timing {name!r}"])
                current = getattr(state.timing, name)
                if name == "replies":
                    value = tuple(str(v) for v in value)
                elif value is not None and isinstance(current, (int, float)) and not isinstance(current, bool):
                    value = type(current)(value)
                elif value is not None and name == "auto_connect_s":
                    value = float(value)
                setattr(state.timing, name, value)
        return {k: getattr(state.timing, k) for k in Timing.__dataclass_fields__}

    @app.post("/_sim/instances/{name}/inbound")
    async def sim_inbound(name: str, request: Request) -> dict[str, Any]:
        body = await _json(request)
        _require(body, "from")
        media = body.get("media")
        if media is not None and not isinstance(media, dict):
            raise SimError(400, [["instance.media is not of a type(s) object"]])
        data = state.inject_inbound(name, str(body["from"]), text=body.get("text"),
                                    image=bool(body.get("image")), caption=body.get("caption"),
                                    push_name=body.get("push_name"), lid=body.get("lid"), media_spec=media,
                                    media_expired=bool(body.get("media_expired")),
                                    quoted_id=body.get("quoted_id"), ago_s=int(body.get("ago_s") or 0))
        return data

    @app.post("/_sim/instances/{name}/presence")
    async def sim_presence(name: str, request: Request) -> dict[str, Any]:
        body = await _json(request)
        _require(body, "from")
        return state.inject_presence(name, str(body["from"]), str(body.get("presence") or "composing"))

    @app.post("/_sim/instances/{name}/disconnect")
    async def sim_disconnect(name: str, request: Request) -> dict[str, Any]:
        body = await _json(request)
        reason = int(body.get("reason", 401)) if isinstance(body, dict) else 401
        return state.disconnect(name, reason).public()

    @app.post("/_sim/instances/{name}/scan")
    async def sim_scan(name: str, request: Request) -> dict[str, Any]:
        body = await _json(request)
        body = body if isinstance(body, dict) else {}
        inst = state.instance(name)
        if inst.state != "open" and inst.qr_count == 0:
            state.connect(name)
        return state.scan(name, number=body.get("number"), profile_name=body.get("profile_name")).public()

    return app


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class SimulatorServer:
    """The simulator served by uvicorn in a daemon thread (tests, ``make dev``).

    ``port=0`` picks a free port. ``timing``/``faults`` override the defaults; ``preset`` creates instances
    at start, e.g. a connected demo number: ``[{"name": ..., "webhook_url": ..., "headers": {"jwt_key": ...},
    "connected": True, "number": "5511987650000"}]`` (use ``state.create_instance`` for anything richer).
    """

    def __init__(self, port: int = 0, host: str = "127.0.0.1", *, api_key: str = "sim-api-key",
                 state: SimState | None = None, timing: Timing | None = None, faults: Faults | None = None,
                 preset: list[dict[str, Any]] | None = None, seed: int | None = None) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.url = f"http://{host}:{self.port}"
        self.state = state or SimState(api_key=api_key, server_url=self.url, timing=timing, faults=faults,
                                       seed=seed)
        self.state.server_url = self.url
        self.api_key = self.state.api_key
        self.preset = preset or []
        self.app = create_app(self.state)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self, timeout_s: float = 10.0) -> SimulatorServer:
        config = uvicorn.Config(self.app, host=self.host, port=self.port, log_level="warning", lifespan="off",
                                access_log=False, timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="evolution-sim", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"Evolution simulator did not start on {self.url}")
            time.sleep(0.02)
        for item in self.preset:
            self.add_instance(**item)
        return self

    def add_instance(self, name: str, webhook_url: str | None = None, headers: dict[str, str] | None = None,
                     events: list[str] | None = None, by_events: bool = False, connected: bool = True,
                     number: str | None = None, profile_name: str | None = None, token: str | None = None):
        hook = WebhookConfig(url=webhook_url, headers=dict(headers or {}), by_events=by_events,
                             events=list(events or [])) if webhook_url else None
        return self.state.create_instance(name, token=token, webhook=hook, connected=connected, wuid=number,
                                          profile_name=profile_name)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.state.close()

    def __enter__(self) -> SimulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
