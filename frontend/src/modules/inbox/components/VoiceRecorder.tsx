import { Mic, SendHorizontal, Trash2 } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { toast } from "sonner";

import { Button } from "@/components/ui/button";

import { formatDuration } from "../lib/media";

/** The container MediaRecorder writes, best first (Chromium: webm; Firefox: ogg). */
const TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm", "audio/ogg"];
const MAX_SECONDS = 15 * 60;

export interface Recording {
  blob: Blob;
  /** The container without codecs ("audio/webm"), what the upload is signed for. */
  mimetype: string;
  fileName: string;
  seconds: number;
}

function pickType(): string | undefined {
  if (typeof MediaRecorder === "undefined" || typeof MediaRecorder.isTypeSupported !== "function") return undefined;
  return TYPES.find((t) => MediaRecorder.isTypeSupported(t));
}

function stamp(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

/**
 * The composer's microphone: record a voice note in the browser (MediaRecorder), with a timer, cancel and send.
 * While recording it covers the composer's row (its parent is `relative`). `onRecorded` sends it (as a PTT).
 */
export function VoiceRecorder({ disabled, onRecorded }: { disabled?: boolean; onRecorded: (r: Recording) => void }) {
  const [recording, setRecording] = useState(false);
  const [seconds, setSeconds] = useState(0);
  const recorder = useRef<MediaRecorder | null>(null);
  const stream = useRef<MediaStream | null>(null);
  const chunks = useRef<Blob[]>([]);
  const keep = useRef(false);
  const started = useRef(0);

  const release = () => {
    stream.current?.getTracks().forEach((t) => t.stop());
    stream.current = null;
    recorder.current = null;
    setRecording(false);
    setSeconds(0);
  };

  useEffect(() => {
    if (!recording) return undefined;
    const timer = window.setInterval(() => {
      const elapsed = (Date.now() - started.current) / 1000;
      setSeconds(elapsed);
      if (elapsed >= MAX_SECONDS) finish(true);
    }, 250);
    return () => window.clearInterval(timer);
  }, [recording]);

  // leaving the conversation (unmount) discards a recording in progress and frees the microphone
  useEffect(
    () => () => {
      keep.current = false;
      if (recorder.current && recorder.current.state !== "inactive") recorder.current.stop();
      stream.current?.getTracks().forEach((t) => t.stop());
    },
    [],
  );

  const start = async () => {
    if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === "undefined") {
      toast.error("Este navegador não grava áudio.");
      return;
    }
    try {
      stream.current = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      toast.error("Não foi possível usar o microfone. Verifique a permissão do navegador.");
      return;
    }
    const type = pickType();
    const rec = new MediaRecorder(stream.current, type ? { mimeType: type } : undefined);
    chunks.current = [];
    keep.current = false;
    rec.ondataavailable = (e) => {
      if (e.data.size > 0) chunks.current.push(e.data);
    };
    rec.onstop = () => {
      const elapsed = (Date.now() - started.current) / 1000;
      const mimetype = (rec.mimeType || type || "audio/webm").split(";")[0]!.trim();
      const blob = new Blob(chunks.current, { type: mimetype });
      const wanted = keep.current;
      release();
      if (!wanted) return;
      if (blob.size === 0) {
        toast.error("A gravação ficou vazia; tente de novo.");
        return;
      }
      const ext = mimetype.includes("ogg") ? "ogg" : "webm";
      onRecorded({ blob, mimetype, fileName: `mensagem-de-voz-${stamp(new Date())}.${ext}`, seconds: elapsed });
    };
    recorder.current = rec;
    started.current = Date.now();
    rec.start(250);
    setSeconds(0);
    setRecording(true);
  };

  function finish(send: boolean) {
    keep.current = send;
    const rec = recorder.current;
    if (rec && rec.state !== "inactive") rec.stop();
    else release();
  }

  if (!recording) {
    return (
      <Button
        type="button"
        variant="ghost"
        size="icon"
        aria-label="Gravar mensagem de voz"
        title="Gravar mensagem de voz"
        disabled={disabled}
        onClick={() => void start()}
      >
        <Mic />
      </Button>
    );
  }
  return (
    <div data-testid="voice-recorder" className="bg-background absolute inset-0 z-10 flex items-center gap-3 px-3">
      <Button type="button" variant="ghost" size="icon" aria-label="Cancelar gravação" onClick={() => finish(false)}>
        <Trash2 />
      </Button>
      <span className="size-2.5 shrink-0 animate-pulse rounded-full bg-red-600" aria-hidden />
      <span className="text-sm font-medium tabular-nums" data-testid="voice-timer" aria-live="off">
        {formatDuration(seconds)}
      </span>
      <span className="text-muted-foreground flex-1 truncate text-sm">Gravando mensagem de voz…</span>
      <Button type="button" size="icon" aria-label="Enviar mensagem de voz" onClick={() => finish(true)}>
        <SendHorizontal />
      </Button>
    </div>
  );
}
